// SPDX-License-Identifier: Apache-2.0
// JSON text (json/text.hpp): string escaping (eight or sixteen bytes at a time), quoted strings,
// JSON paths and short descriptions of values for messages, and the compact writer.
#include "json/text.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "utf8.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mnscreen::json_detail {
namespace {

// Longer keys are shortened in paths (only unknown keys can be that long).
constexpr std::size_t max_path_key_chars = 64;

bool is_identifier(std::string_view key) noexcept {
  if (key.empty()) return false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

// Bytes that need no escaping in a JSON string: printable ASCII other than `"` and `\`.
constexpr auto safe_byte = [] {
  std::array<bool, 256> t{};
  for (std::size_t c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
  return t;
}();

// How many bytes from `p` need no escaping in a JSON string (printable ASCII other than `"` and
// `\`), eight at a time.
std::size_t safe_run(const char* p, std::size_t n) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t v) noexcept { return (v - ones) & ~v & highs; };
  std::size_t i = 0;
#if defined(__SSE2__)
  // Sixteen at a time: as signed bytes, those >= 0x80 are negative, so one "less than 0x20"
  // finds both control bytes and non-ASCII bytes.
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i stop =
        _mm_or_si128(_mm_cmplt_epi8(v, space),
                     _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stop));
    if (mask != 0) return i + static_cast<std::size_t>(std::countr_zero(mask));
  }
#endif
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, p + i, 8);
    // A byte >= 0x80, < 0x20, '"' or '\\' stops the run.
    const std::uint64_t stop = (w & highs) | ((w - ones * 0x20U) & ~w & highs) |
                               has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\'));
    if (stop != 0) break;
  }
  while (i < n && safe_byte[static_cast<unsigned char>(p[i])]) ++i;
  return i;
}

// Appends `s` escaped for a JSON string (no quotes), invalid UTF-8 replaced by U+FFFD, until
// the text as read back would pass `limit` bytes; returns how many bytes of `s` were written.
// Runs of bytes that need no escaping are appended in one go.
std::size_t append_escaped(std::string& out, std::string_view s, std::size_t limit) {
  static constexpr char hex[] = "0123456789abcdef";
  const std::size_t n = s.size();
  std::size_t decoded = 0;  // bytes of the string as a reader gets it back
  std::size_t i = 0;
  while (i < n) {
    std::size_t j = i + safe_run(s.data() + i, n - i);
    if (j > i) {
      const std::size_t take = std::min(j - i, limit - decoded);
      out.append(s.data() + i, take);
      decoded += take;
      i += take;
      if (i < j) return i;
      if (i == n) break;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80U) {
      const std::size_t len = detail::utf8_sequence_length(s, i);
      // JSON text must be UTF-8; a byte that is not is replaced, never passed on.
      const std::size_t size = len == 0 ? 3 : len;
      if (limit - decoded < size) return i;
      if (len == 0) {
        out.append("\\ufffd");
        ++i;
      } else {
        out.append(s.data() + i, len);
        i += len;
      }
      decoded += size;
      continue;
    }
    if (limit - decoded < 1) return i;
    ++decoded;
    ++i;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4U], hex[c & 0xFU]};
        out.append(esc, sizeof esc);
      }
    }
  }
  return n;
}

// Appends `s` escaped; when it would read back longer than `limit` bytes, appends as much as
// fits with the cut marker instead (the whole stays within `limit`).
void append_bounded(std::string& out, std::string_view s, std::size_t limit) {
  // Each byte reads back as at most 3 bytes (U+FFFD), so short strings need no counting.
  if (s.size() <= limit / 3) {
    append_escaped(out, s, static_cast<std::size_t>(-1));
    return;
  }
  const std::size_t start = out.size();
  if (append_escaped(out, s, limit) == s.size()) return;
  out.resize(start);
  const std::string marker = cut_marker(s.size());
  append_escaped(out, s, limit > marker.size() ? limit - marker.size() : 0);
  out.append(marker);
}

}  // namespace

// --- paths and descriptions ------------------------------------------------------------------

std::string member_path(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (is_identifier(key) && key.size() <= max_path_key_chars) {
    out += '.';
    out += key;
  } else {
    const std::string_view shown = detail::utf8_prefix(key, max_path_key_chars);
    std::string q = quoted(shown);
    if (shown.size() < key.size()) q.insert(q.size() - 1, "...");
    out += '[';
    out += q;
    out += ']';
  }
  return out;
}

std::string index_path(std::string_view parent, std::size_t index) {
  std::string out(parent);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

void jpath::append_to(std::string& out) const {
  if (parent_) parent_->append_to(out);
  switch (kind_) {
    case kind::text:
      out.append(text_);
      break;
    case kind::member:
      out = member_path(out, text_);
      break;
    case kind::index:
      out += '[';
      out += std::to_string(index_);
      out += ']';
      break;
  }
}

std::string number_text(double v) {
  char buf[40];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::string("?");
}

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  append_escaped(out, s, static_cast<std::size_t>(-1));
  out += '"';
  return out;
}

void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  append_escaped(out, s, static_cast<std::size_t>(-1));
  out += '"';
}

std::string describe(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: {
      const std::string_view s(v.get_string().data(), v.get_string().size());
      const std::string_view shown = detail::utf8_prefix(s, max_quoted_chars);
      std::string q = quoted(shown);
      if (shown.size() < s.size()) q.insert(q.size() - 1, "...");
      return q;
    }
    case json::kind::int64:
      return std::to_string(v.get_int64());
    case json::kind::uint64:
      return std::to_string(v.get_uint64());
    case json::kind::double_:
      return number_text(v.get_double());
    case json::kind::bool_:
      return v.get_bool() ? "true" : "false";
    case json::kind::null:
      return "null";
    case json::kind::array:
    case json::kind::object: {
      std::string s = json::serialize(v);
      if (s.size() > max_quoted_chars)
        s = std::string(detail::utf8_prefix(s, max_quoted_chars)) + "...";
      return s;
    }
  }
  return "?";
}

std::string_view kind_name(const json::value& v) noexcept {
  switch (v.kind()) {
    case json::kind::string:
      return "a string";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::null:
      return "null";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

// --- writer ----------------------------------------------------------------------------------

std::string cut_marker(std::size_t total) {
  std::string m(cut_marker_head);
  m += std::to_string(total);
  m += cut_marker_tail;
  return m;
}

void writer::key(std::string_view k) {
  before_value();
  out_ += '"';
  append_escaped(out_, k, static_cast<std::size_t>(-1));
  out_ += "\":";
  after_key_ = true;
}

void writer::string(std::string_view s) {
  out_.append(needs_comma() ? std::string_view(",\"") : std::string_view("\""));
  append_bounded(out_, s, max_written_string);
  out_ += '"';
}

void writer::number(double v) {
  before_value();
  if (!std::isfinite(v)) {
    out_.append("null");
    return;
  }
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec == std::errc{}) {
    out_.append(buf, end);
  } else {
    out_ += '?';
  }
}

void writer::integer(long long v) {
  before_value();
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, ec == std::errc{} ? end : buf);
}

void writer::date_value(const date& d) {
  before_value();
  const int y = static_cast<int>(d.year());
  const unsigned m = static_cast<unsigned>(d.month());
  const unsigned day = static_cast<unsigned>(d.day());
  if (y < 0 || y > 9999 || m > 99 || day > 99) {
    // As to_string(date) writes it.
    out_ += '"';
    out_ += to_string(d);
    out_ += '"';
    return;
  }
  char buf[12] = {'"',
                  static_cast<char>('0' + y / 1000),
                  static_cast<char>('0' + y / 100 % 10),
                  static_cast<char>('0' + y / 10 % 10),
                  static_cast<char>('0' + y % 10),
                  '-',
                  static_cast<char>('0' + m / 10),
                  static_cast<char>('0' + m % 10),
                  '-',
                  static_cast<char>('0' + day / 10),
                  static_cast<char>('0' + day % 10),
                  '"'};
  out_.append(buf, sizeof buf);
}
}  // namespace mnscreen::json_detail
