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

// The bytes of an 8-byte word that stop a run of bytes needing no escaping: the high bit of
// each byte >= 0x80, < 0x20, '"' or '\\'. Bits above the lowest may be false (a borrow carries
// into the next byte), but the lowest set bit is always a true stop.
constexpr std::uint64_t stop_bits(std::uint64_t w) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t v) noexcept { return (v - ones) & ~v & highs; };
  return (w & highs) | ((w - ones * 0x20U) & ~w & highs) | has_zero(w ^ (ones * '"')) |
         has_zero(w ^ (ones * '\\'));
}

// How many bytes from `p` need no escaping in a JSON string (printable ASCII other than `"` and
// `\\`). Sixteen bytes at a time, the last (partial) block read as the last sixteen bytes, so
// that no string costs a loop over single bytes; under sixteen bytes, one or two words.
std::size_t safe_run(const char* p, std::size_t n) noexcept {
  static_assert(std::endian::native == std::endian::little, "stop_bits counts from the low byte");
#if defined(__SSE2__)
  if (n >= 16) {
    // As signed bytes, those >= 0x80 are negative, so one "less than 0x20" finds both control
    // bytes and non-ASCII bytes.
    const __m128i space = _mm_set1_epi8(0x20);
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const auto stops = [&](const char* q) noexcept {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
      const __m128i stop =
          _mm_or_si128(_mm_cmplt_epi8(v, space),
                       _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
      return static_cast<unsigned>(_mm_movemask_epi8(stop));
    };
    std::size_t i = 0;
    // Long strings (reasons, actions, advice): 64 bytes with one test, then find the block.
    for (; i + 64 <= n; i += 64) {
      if ((stops(p + i) | stops(p + i + 16) | stops(p + i + 32) | stops(p + i + 48)) != 0) break;
    }
    for (; i + 16 <= n; i += 16) {
      const unsigned mask = stops(p + i);
      if (mask != 0) return i + static_cast<std::size_t>(std::countr_zero(mask));
    }
    if (i == n) return n;
    // The last sixteen bytes; the first 16 - (n - i) of them were checked already.
    const unsigned mask = stops(p + n - 16) >> (16 - (n - i));
    return mask != 0 ? i + static_cast<std::size_t>(std::countr_zero(mask)) : n;
  }
#endif
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, p + i, 8);
    if (const std::uint64_t stop = stop_bits(w); stop != 0)
      return i + static_cast<std::size_t>(std::countr_zero(stop) / 8);
  }
  if (i == n) return n;
  // The rest (under eight bytes) in a word padded with a byte that needs no escaping.
  std::uint64_t w = 0x6161616161616161ULL;
  std::memcpy(&w, p + i, n - i);
  const std::uint64_t stop = stop_bits(w);
  return stop != 0 ? i + static_cast<std::size_t>(std::countr_zero(stop) / 8) : n;
}

// Appends `s` escaped for a JSON string (no quotes) to `out`, invalid UTF-8 replaced by U+FFFD,
// until the text as read back would pass `limit` bytes; returns how many bytes of `s` were
// written. Runs of bytes that need no escaping are appended in one go. `Out` is std::string or
// the writer's sink: anything with append(const char*, std::size_t).
template <class Out>
std::size_t append_escaped(Out& out, std::string_view s, std::size_t limit) {
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
        out.append("\\ufffd", 6);
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
        out.append("\\\"", 2);
        break;
      case '\\':
        out.append("\\\\", 2);
        break;
      case '\b':
        out.append("\\b", 2);
        break;
      case '\f':
        out.append("\\f", 2);
        break;
      case '\n':
        out.append("\\n", 2);
        break;
      case '\r':
        out.append("\\r", 2);
        break;
      case '\t':
        out.append("\\t", 2);
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

// The writer's text as an `Out` of append_escaped.
struct writer_sink {
  writer& w;
  void append(const char* p, std::size_t k) {
    std::memcpy(w.room(k), p, k);
    w.n_ += k;
  }
};

void writer::grow(std::size_t k) {
  const std::size_t need = n_ + k;
  out_.resize(std::max(need, out_.size() * 2));
}

void writer::key(std::string_view k) {
  before_value();
  put('"');
  writer_sink sink{*this};
  append_escaped(sink, k, static_cast<std::size_t>(-1));
  sink.append("\":", 2);
  after_key_ = true;
}

void writer::string(std::string_view s) {
  const bool comma = needs_comma();
  if (s.size() > max_written_string / 3) {
    // Long enough that it may have to be cut (each byte reads back as at most 3 bytes).
    std::string text;
    text.reserve(s.size() + 2);
    text += '"';
    append_bounded(text, s, max_written_string);
    text += '"';
    if (comma) put(',');
    writer_sink{*this}.append(text.data(), text.size());
    return;
  }
  // Most strings need no escaping at all: one copy between the quotes.
  const std::size_t n = s.size();
  const std::size_t safe = safe_run(s.data(), n);
  char* p = room(n + 3);
  if (comma) *p++ = ',';
  *p++ = '"';
  std::memcpy(p, s.data(), safe);
  n_ = static_cast<std::size_t>(p - out_.data()) + safe;
  if (safe < n) {
    writer_sink sink{*this};
    append_escaped(sink, s.substr(safe), static_cast<std::size_t>(-1));
  }
  put('"');
}

bool writer::plain_ok(std::string_view s) noexcept {
  return s.size() <= max_written_string / 3 && safe_run(s.data(), s.size()) == s.size();
}

void writer::plain_string(std::string_view s) {
#ifndef NDEBUG
  // Debug builds write a string that does need escaping correctly all the same; the tests of
  // the vocabulary check that no word does.
  if (!plain_ok(s)) {
    string(s);
    return;
  }
#endif
  char* p = room(s.size() + 3);
  if (needs_comma()) *p++ = ',';
  *p++ = '"';
  std::memcpy(p, s.data(), s.size());
  p += s.size();
  *p++ = '"';
  n_ = static_cast<std::size_t>(p - out_.data());
}

bool needs_no_escaping(std::string_view s) noexcept {
  return safe_run(s.data(), s.size()) == s.size();
}

namespace {

__extension__ typedef unsigned __int128 u128;  // GCC and Clang on 64-bit targets

// 10^0 ... 10^19.
constexpr auto pow10 = [] {
  std::array<std::uint64_t, 20> t{};
  std::uint64_t x = 1;
  for (auto& e : t) {
    e = x;
    x *= 10;
  }
  return t;
}();

// "00" "01" ... "99".
constexpr auto digit_pairs = [] {
  std::array<char, 200> t{};
  for (std::size_t i = 0; i < 100; ++i) {
    t[2 * i] = static_cast<char>('0' + i / 10);
    t[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return t;
}();

// Writes x < 10^8 as exactly eight digits (leading zeros kept).
void write_eight_digits(char* p, std::uint32_t x) noexcept {
  const std::size_t high = x / 10000;
  const std::size_t low = x % 10000;
  std::memcpy(p, &digit_pairs[2 * (high / 100)], 2);
  std::memcpy(p + 2, &digit_pairs[2 * (high % 100)], 2);
  std::memcpy(p + 4, &digit_pairs[2 * (low / 100)], 2);
  std::memcpy(p + 6, &digit_pairs[2 * (low % 100)], 2);
}

// Writes c < 10^17 in decimal (as to_chars does, eight digits at a time); returns the end.
char* write_decimal(char* p, std::uint64_t c) noexcept {
  constexpr std::uint64_t e8 = 100'000'000;
  if (c < e8) return std::to_chars(p, p + 8, static_cast<std::uint32_t>(c)).ptr;
  if (c < e8 * e8) {
    p = std::to_chars(p, p + 8, static_cast<std::uint32_t>(c / e8)).ptr;
  } else {
    *p++ = static_cast<char>('0' + c / (e8 * e8));  // c < 10^17: one digit
    c %= e8 * e8;
    write_eight_digits(p, static_cast<std::uint32_t>(c / e8));
    p += 8;
  }
  write_eight_digits(p, static_cast<std::uint32_t>(c % e8));
  return p + 8;
}

// Writes v as std::to_chars(v) does (the shortest digits that read back as v; of those, the
// closest to v) for 0.001 <= |v| < 1e5, where to_chars always chooses fixed notation (it is never
// longer than scientific there). Returns the end, or nullptr when v is outside that range or two
// shortest candidates are equally close (then to_chars decides). Exact integer arithmetic: with
// v = m * 2^e, the numbers that read back as v are those strictly between the midpoints to its
// neighbours (on them too when m is even: ties round to even), scaled by 10^k so that the
// interval holds integers of 17 digits; the shortest has the most trailing zeros.
// writer_test.cpp checks it against to_chars.
char* write_shortest_fixed(char* p, double v) noexcept {
  const double a = std::fabs(v);
  if (!(a >= 0.001 && a < 1e5)) return nullptr;
  const auto bits = std::bit_cast<std::uint64_t>(a);
  const auto biased = static_cast<int>(bits >> 52U);
  const std::uint64_t fraction = bits & ((std::uint64_t{1} << 52U) - 1);
  const std::uint64_t m = fraction | (std::uint64_t{1} << 52U);
  const int s = 2 - (biased - 1075);  // a = 4m / 2^s; s in [38, 64] in this range
  // d: the decimal exponent of a's leading digit. Exact: the doubles nearest 0.1, 0.01 and
  // 0.001 are above those numbers, so no double lies between a power of ten and its double.
  const int d = a >= 1.0    ? (a >= 100.0  ? (a >= 10000.0  ? 4
                                              : a >= 1000.0 ? 3
                                                            : 2)
                               : a >= 10.0 ? 1
                                           : 0)
                : a >= 0.1  ? -1
                : a >= 0.01 ? -2
                            : -3;
  const int k = 16 - d;  // scale 10^k: the candidates have 17 significant digits; k in [12, 19]
  const u128 scale = pow10[static_cast<std::size_t>(k)];
  const u128 mask = (u128{1} << static_cast<unsigned>(s)) - 1;
  // The interval's bounds and a itself, times 10^k, over 2^s (below 2^119: no overflow).
  const std::uint64_t four_m = m << 2U;  // below 2^55
  const u128 upper = u128{four_m + 2} * scale;
  const u128 lower = u128{fraction == 0 && biased > 1 ? four_m - 1 : four_m - 2} * scale;
  const u128 exact = u128{four_m} * scale;
  const bool inclusive = m % 2 == 0;
  const auto shift = static_cast<unsigned>(s);
  std::uint64_t hi = static_cast<std::uint64_t>(upper >> shift);
  if (!inclusive && (upper & mask) == 0) --hi;
  std::uint64_t lo = static_cast<std::uint64_t>(lower >> shift);
  if ((lower & mask) != 0 || !inclusive) ++lo;
  if (lo > hi) return nullptr;
  // The most trailing zeros j a number in [lo, hi] can have; then [lo, hi] holds the candidates
  // divided by 10^j. A number with j + 1 trailing zeros has j, so j is found in binary steps
  // (at most 16); most numbers here have 17 digits, which the first test of one zero settles.
  std::size_t j = 0;
  const auto step = [&]<std::uint64_t P, std::size_t Zeros>() {
    const std::uint64_t nl = lo / P + (lo % P != 0 ? 1 : 0);
    const std::uint64_t nh = hi / P;
    if (nl > nh) return false;
    lo = nl;
    hi = nh;
    j += Zeros;
    return true;
  };
  if (step.template operator()<10, 1>()) {
    step.template operator()<10'000'000'000'000'000, 16>();
    step.template operator()<100'000'000, 8>();
    step.template operator()<10'000, 4>();
    step.template operator()<100, 2>();
    step.template operator()<10, 1>();
  }
  // The candidate closest to a: q or q + 1 with q = floor(a * 10^k / 10^j).
  const auto whole = static_cast<std::uint64_t>(exact >> shift);  // a * 10^k < 10^17
  // Most numbers here have no shorter form (j = 0): then q is `whole` without a division.
  std::uint64_t q = whole;
  u128 rest = exact & mask;
  if (j != 0) {
    q = whole / pow10[j];
    rest += u128{whole % pow10[j]} << shift;
  }
  const u128 half = u128{pow10[j]} << shift;  // compared with 2 * rest
  if (2 * rest == half) return nullptr;
  std::uint64_t c = 2 * rest > half ? q + 1 : q;
  if (c < lo || c > hi) c = c == q ? q + 1 : q;
  if (c < lo || c > hi) return nullptr;
  // The digits are copied in fixed 24-byte blocks (two moves, no call to memcpy with a length
  // known only at run time); the bytes past the number are overwritten by what follows. The
  // caller's room holds them: at most 2 + 2 + 24 bytes from p (writer::number has 40).
  char digits[32] = {};
  const auto len = static_cast<int>(write_decimal(digits, c) - digits);
  const int exponent = static_cast<int>(j) - k;  // a ~ c * 10^exponent
  const int point = len + exponent;              // digits before the decimal point, at most 5
  if (v < 0) *p++ = '-';
  if (exponent >= 0) {  // an integer of at most 5 digits: trailing zeros, at most 4
    std::memcpy(p, digits, 24);
    p += len;
    constexpr std::array<char, 4> zeros = {'0', '0', '0', '0'};
    std::memcpy(p, zeros.data(), zeros.size());
    p += exponent;
  } else if (point > 0) {
    std::memcpy(p, digits, 24);
    p += point;
    *p++ = '.';
    std::memcpy(p, digits + point, 24);  // digits has 32 bytes: point + 24 <= 29
    p += len - point;
  } else {  // 0.001 <= |v| < 1: "0.", at most two zeros, the digits
    constexpr std::array<char, 4> lead = {'0', '.', '0', '0'};
    std::memcpy(p, lead.data(), lead.size());
    p += 2 - point;
    std::memcpy(p, digits, 24);
    p += len;
  }
  return p;
}

// The texts of the last doubles written on this thread, by their bits (direct-mapped, 256
// slots, 10 KiB per thread). A report's reference scores and its drivers' weights are the risk
// model's constants, the same in every report: about half of a report's numbers are written from
// here instead of being worked out again (some 350 instructions each). A slot holds exactly the
// text the digits below wrote for those bits, so the output is the same with or without it; per
// thread, so nothing is shared or locked.
struct number_slot {
  std::uint64_t bits;  // 0 (the bits of 0.0, written as an integer): an empty slot
  std::uint8_t size;
  std::array<char, 31> text;
};
constexpr std::size_t number_cache_bits = 8;
thread_local std::array<number_slot, std::size_t{1} << number_cache_bits> number_cache;

}  // namespace

void writer::number(double v) {
  char* p = room(40);
  if (needs_comma()) *p++ = ',';
  char* const end = p + 32;
  if (!std::isfinite(v)) {
    constexpr std::string_view null_text = "null";
    p = std::copy(null_text.begin(), null_text.end(), p);
  } else if (std::fabs(v) < 1e5 && static_cast<double>(static_cast<long long>(v)) == v &&
             !(v == 0 && std::signbit(v))) {
    // An integer below 100000 (and not -0): to_chars(double) writes it in fixed notation, the
    // same digits as the integer's (fixed is never longer than scientific below 1e5).
    p = std::to_chars(p, end, static_cast<long long>(v)).ptr;
  } else {
    const auto bits = std::bit_cast<std::uint64_t>(v);
    number_slot& slot = number_cache[(bits * 0x9E3779B97F4A7C15ULL) >> (64U - number_cache_bits)];
    if (slot.bits == bits) {
      // 31 bytes, whatever the length: the room holds them, what follows overwrites the rest.
      std::memcpy(p, slot.text.data(), slot.text.size());
      p += slot.size;
    } else {
      char* const start = p;
      if (char* fast = write_shortest_fixed(p, v)) {
        p = fast;
      } else {
        const auto [last, ec] = std::to_chars(p, end, v);
        p = ec == std::errc{} ? last : nullptr;
      }
      if (p == nullptr) {
        p = start;
        *p++ = '?';
      } else {
        // At most 24 characters (to_chars' longest double); start + 31 is within the room.
        slot.bits = bits;
        slot.size = static_cast<std::uint8_t>(p - start);
        std::memcpy(slot.text.data(), start, slot.text.size());
      }
    }
  }
  n_ = static_cast<std::size_t>(p - out_.data());
}

void writer::integer(long long v) {
  char* p = room(24);
  if (needs_comma()) *p++ = ',';
  const auto [last, ec] = std::to_chars(p, p + 22, v);
  n_ = static_cast<std::size_t>((ec == std::errc{} ? last : p) - out_.data());
}

void writer::date_value(const date& d) {
  const int y = static_cast<int>(d.year());
  const unsigned m = static_cast<unsigned>(d.month());
  const unsigned day = static_cast<unsigned>(d.day());
  if (y < 0 || y > 9999 || m > 99 || day > 99) {
    // As to_string(date) writes it.
    before_value();
    const std::string text = '"' + to_string(d) + '"';
    writer_sink{*this}.append(text.data(), text.size());
    return;
  }
  char* p = room(13);
  if (needs_comma()) *p++ = ',';
  const char buf[12] = {'"',
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
  std::memcpy(p, buf, sizeof buf);
  n_ = static_cast<std::size_t>(p - out_.data()) + sizeof buf;
}
}  // namespace mnscreen::json_detail
