// SPDX-License-Identifier: Apache-2.0
#include "io/json_common.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <boost/json/basic_parser_impl.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <set>
#include <string>

#include "utf8.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mnscreen::io {
namespace {

// How much of a bad value a message quotes: enough to recognise it, not a whole document.
constexpr std::size_t max_quoted_chars = 60;
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

bool is_continuation(unsigned char c) noexcept { return (c & 0xC0U) == 0x80U; }

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

// The whole length named by the writers' cut marker (`… [cut, 70000 bytes in all]`) at the end
// of `s`, or nothing when `s` does not end with one.
std::optional<std::size_t> cut_total(std::string_view s) noexcept {
  constexpr std::string_view head = cut_marker_head;
  constexpr std::string_view tail = cut_marker_tail;
  if (s.size() < head.size() + tail.size() + 1 || s.substr(s.size() - tail.size()) != tail)
    return std::nullopt;
  const std::size_t digits_end = s.size() - tail.size();
  std::size_t digits_begin = digits_end;
  while (digits_begin > 0 && s[digits_begin - 1] >= '0' && s[digits_begin - 1] <= '9')
    --digits_begin;
  if (digits_begin == digits_end || digits_begin < head.size() ||
      s.substr(digits_begin - head.size(), head.size()) != head)
    return std::nullopt;
  std::size_t total = 0;
  const auto [end, ec] = std::from_chars(s.data() + digits_begin, s.data() + digits_end, total);
  if (ec != std::errc{}) return std::nullopt;
  return total;
}

// Line and column (1-based, columns in characters) of a byte offset.
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if (!is_continuation(c)) {
      ++column;
    }
  }
  return {line, column};
}

// The parser's event handler: builds the value like Boost.JSON's own parser does, with two
// differences. Numbers with a fraction or exponent are converted with std::from_chars, which is
// correctly rounded (Boost.JSON 1.81's own conversion can be off by one unit in the last place,
// and then a written report would not read back equal). Keys given twice in one object are
// reported: Boost.JSON keeps the last one without a word, which could turn a "true" into a
// "false" unnoticed.
class document_builder {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  document_builder(context& ctx, json::storage_ptr sp, std::string_view input)
      : ctx_(ctx), input_(input), stack_({}, temp_, sizeof temp_) {
    stack_.reset(std::move(sp));
    frames_.reserve(16);
    keys_.reserve(64);
  }

  [[nodiscard]] json::value release() { return stack_.release(); }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) {
    frames_.push_back({false, 0, 0, keys_.size()});
    return true;
  }
  bool on_array_end(std::size_t n, json::error_code&) {
    stack_.push_array(n);
    frames_.pop_back();
    return value_done();
  }
  bool on_object_begin(json::error_code&) {
    frames_.push_back({true, 0, 0, keys_.size()});
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code&) {
    stack_.push_object(n);
    const frame& top = frames_.back();
    keys_.resize(top.first_key);
    if (top.big) big_.pop_back();
    frames_.pop_back();
    return value_done();
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_string(s);
    return value_done();
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    stack_.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_key(s);
    std::string_view key(s.data(), s.size());
    if (!key_.empty()) {
      key_.append(s.data(), s.size());
      key = own(key_);
      key_.clear();
    } else if (!in_input(key)) {
      key = own(key);
    }
    frame& top = frames_.back();
    // The keys of the open objects, one after another in keys_ (views of the input where the
    // key has no escapes); an object's keys are compared one by one while it is small, through
    // a set when it has many.
    bool seen = false;
    if (top.big) {
      seen = !big_.back().insert(std::string(key)).second;
    } else {
      for (std::size_t i = top.first_key; i < keys_.size() && !seen; ++i) seen = keys_[i] == key;
      if (keys_.size() - top.first_key + 1 >= max_linear_keys) {
        std::set<std::string, std::less<>> all(
            keys_.begin() + static_cast<std::ptrdiff_t>(top.first_key), keys_.end());
        all.emplace(key);
        big_.push_back(std::move(all));
        top.big = true;
      }
    }
    keys_.push_back(key);
    if (seen)
      ctx_.error("duplicate_key", path(),
                 "the key appears more than once in this object; only its last value was read");
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_.clear();
    stack_.push_int64(i);
    return value_done();
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_.clear();
    stack_.push_uint64(u);
    return value_done();
  }
  bool on_double(double d, json::string_view s, json::error_code&) {
    const char* first = s.data();
    const char* last = s.data() + s.size();
    if (!number_.empty()) {
      number_.append(s.data(), s.size());
      first = number_.data();
      last = number_.data() + number_.size();
    }
    double exact = 0.0;
    auto [end, ec] = std::from_chars(first, last, exact);
    // Out of range (1e400) keeps Boost.JSON's value (infinity), which as_number refuses.
    stack_.push_double(ec == std::errc{} && end == last ? exact : d);
    number_.clear();
    return value_done();
  }
  bool on_bool(bool b, json::error_code&) {
    stack_.push_bool(b);
    return value_done();
  }
  bool on_null(json::error_code&) {
    stack_.push_null();
    return value_done();
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  // Objects with more keys than this check duplicates through a set, not one by one.
  static constexpr std::size_t max_linear_keys = 32;

  struct frame {
    bool is_object;
    bool big;
    std::size_t index;
    std::size_t first_key;  // in keys_
  };

  [[nodiscard]] std::string_view key_at(std::size_t i) const noexcept { return keys_[i]; }

  [[nodiscard]] bool in_input(std::string_view s) const noexcept {
    const std::less<const char*> before;
    return !before(s.data(), input_.data()) &&
           !before(input_.data() + input_.size(), s.data() + s.size());
  }
  // A copy of a key that is not a view of the input, kept until the end of the document.
  std::string_view own(std::string_view key) {
    owned_.push_back(std::make_unique<std::string>(key));
    return *owned_.back();
  }

  bool value_done() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
    return true;
  }

  // The path of the value being read: each object's latest key, each array's index.
  std::string path() const {
    std::string p = "$";
    for (std::size_t i = 0; i < frames_.size(); ++i) {
      const frame& f = frames_[i];
      if (!f.is_object) {
        p = index_path(p, f.index);
        continue;
      }
      // A deeper frame starts where this object's keys end.
      const std::size_t end = i + 1 < frames_.size() ? frames_[i + 1].first_key : keys_.size();
      if (end > f.first_key) p = member_path(p, key_at(end - 1));
    }
    return p;
  }

  context& ctx_;
  std::string_view input_;
  unsigned char temp_[2048];  // the value stack's first working space
  json::value_stack stack_;
  std::vector<frame> frames_;
  std::vector<std::string_view> keys_;                   // the keys of the open objects
  std::vector<std::unique_ptr<std::string>> owned_;      // keys that are not views of input_
  std::vector<std::set<std::string, std::less<>>> big_;  // keys of the open big objects
  std::string key_;
  std::string number_;
};

// Replaces the vector index after `map.array_path` in `path` by the JSON index.
void remap_index(std::string& path, const index_map& map) {
  const std::string prefix = map.array_path + "[";
  if (path.compare(0, prefix.size(), prefix) != 0) return;
  const std::size_t close = path.find(']', prefix.size());
  if (close == std::string::npos) return;
  std::size_t index = 0;
  const char* first = path.data() + prefix.size();
  const char* last = path.data() + close;
  auto [end, ec] = std::from_chars(first, last, index);
  if (ec != std::errc{} || end != last || index >= map.json_index.size()) return;
  path.replace(prefix.size(), close - prefix.size(), std::to_string(map.json_index[index]));
}

std::string with_consequence(std::string message, std::string_view consequence) {
  if (!consequence.empty()) {
    message += "; ";
    message += consequence;
  }
  return message;
}

}  // namespace

// --- context ---------------------------------------------------------------------------------

void context::warning(std::string code, std::string path, std::string message) {
  diagnostics_.push_back({severity::warning, std::move(code), std::move(path), std::move(message)});
}
void context::error(std::string code, std::string path, std::string message) {
  diagnostics_.push_back({severity::error, std::move(code), std::move(path), std::move(message)});
}
void context::fatal(std::string code, std::string path, std::string message) {
  diagnostics_.push_back({severity::fatal, std::move(code), std::move(path), std::move(message)});
}

void append_validation(context& ctx, std::vector<diagnostic> found,
                       const std::vector<index_map>& maps) {
  // Sorted paths of the reader's errors, so that a document with many problems stays linear-ish.
  std::vector<std::string> error_paths;
  for (const auto& d : ctx.diagnostics()) {
    // These leave the values they name in place, so range problems there are still news.
    if (d.severity == severity::warning || d.code == "array_too_long" || d.code == "duplicate_key")
      continue;
    error_paths.push_back(d.path);
  }
  std::sort(error_paths.begin(), error_paths.end());
  const auto reported = [&](std::string_view path) {
    // The path itself or any enclosing path (`$.a[1]` encloses `$.a[1].b`).
    for (std::size_t i = 1; i <= path.size(); ++i) {
      if (i < path.size() && path[i] != '.' && path[i] != '[') continue;
      if (std::binary_search(error_paths.begin(), error_paths.end(), path.substr(0, i),
                             std::less<>{}))
        return true;
    }
    return false;
  };
  for (auto& d : found) {
    for (const auto& m : maps) remap_index(d.path, m);
    if (reported(d.path)) continue;
    ctx.diagnostics().push_back(std::move(d));
  }
}

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

// --- parsing ---------------------------------------------------------------------------------

std::optional<json::value> parse_document(std::string_view text, context& ctx,
                                          json::storage_ptr sp) {
  const read_limits& limits = ctx.limits();
  if (text.size() > limits.max_bytes) {
    ctx.fatal("document_too_large", "$",
              "the document is " + std::to_string(text.size()) + " bytes, over the limit of " +
                  std::to_string(limits.max_bytes) + "; it was not read");
    return std::nullopt;
  }
  json::parse_options options;
  options.max_depth = limits.max_depth;
  json::basic_parser<document_builder> parser(options, ctx, std::move(sp), text);
  json::error_code ec;
  const std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) ec = json::error::extra_data;
  if (ec) {
    const auto [line, column] = line_column(text, consumed);
    const std::string where = "line " + std::to_string(line) + ", column " + std::to_string(column);
    // Keys reported twice before the failure are of no use without the document.
    auto& ds = ctx.diagnostics();
    ds.erase(std::remove_if(ds.begin(), ds.end(),
                            [](const diagnostic& d) { return d.code == "duplicate_key"; }),
             ds.end());
    if (ec == json::error::too_deep) {
      ctx.fatal("too_deep", "$",
                "nesting deeper than " + std::to_string(limits.max_depth) + " levels at " + where +
                    "; the document was not read");
    } else {
      ctx.fatal("malformed_json", "$",
                "malformed JSON at " + where + ": " + ec.message() + "; the document was not read");
    }
    return std::nullopt;
  }
  return parser.handler().release();
}

const json::object* root_object(const json::value& doc, context& ctx) {
  if (doc.is_object()) return &doc.get_object();
  ctx.fatal("wrong_type", "$",
            "the document is " + std::string(kind_name(doc)) +
                ", expected an object; the document was not read");
  return nullptr;
}

// --- conversions -----------------------------------------------------------------------------

void wrong_type(context& ctx, const jpath& path, const json::value& v, std::string_view expected,
                std::string_view consequence) {
  ctx.error("wrong_type", path,
            with_consequence(describe(v) + " is " + std::string(kind_name(v)) + ", expected " +
                                 std::string(expected),
                             consequence));
}

void unknown_code(context& ctx, const jpath& path, std::string_view word, std::string_view noun,
                  std::string_view consequence) {
  ctx.error("unknown_code", path,
            with_consequence(quoted(detail::utf8_prefix(word, max_quoted_chars)) + " is not " +
                                 std::string(noun),
                             consequence));
}

std::optional<std::string_view> as_string_view(context& ctx, const json::value& v,
                                               const jpath& path, std::string_view consequence) {
  if (!v.is_string()) {
    wrong_type(ctx, path, v, "a string", consequence);
    return std::nullopt;
  }
  const json::string& s = v.get_string();
  if (s.size() > ctx.limits().max_string_length) {
    ctx.error(
        "string_too_long", path,
        with_consequence("a string of " + std::to_string(s.size()) + " bytes, over the limit of " +
                             std::to_string(ctx.limits().max_string_length),
                         consequence.empty() ? "it was dropped" : consequence));
    return std::nullopt;
  }
  const std::string_view text(s.data(), s.size());
  if (const auto total = cut_total(text))
    ctx.warning("string_too_long", path,
                "the string was cut when it was written (" + std::to_string(*total) +
                    " bytes in all, over the writers' limit of " +
                    std::to_string(max_written_string) + "); it was read as cut");
  return text;
}

std::optional<std::string> as_string(context& ctx, const json::value& v, const jpath& path,
                                     std::string_view consequence) {
  if (const auto text = as_string_view(ctx, v, path, consequence)) return std::string(*text);
  return std::nullopt;
}

std::optional<double> as_number(context& ctx, const json::value& v, const jpath& path,
                                std::string_view consequence) {
  switch (v.kind()) {
    case json::kind::int64:
      return static_cast<double>(v.get_int64());
    case json::kind::uint64:
      return static_cast<double>(v.get_uint64());
    case json::kind::double_:
      // A number too large for a double (1e400) reads as infinity; JSON cannot mean that.
      if (!std::isfinite(v.get_double())) {
        ctx.error("out_of_range", path,
                  with_consequence("the number is too large to represent (it overflows to "
                                   "infinity)",
                                   consequence));
        return std::nullopt;
      }
      return v.get_double();
    default:
      wrong_type(ctx, path, v, "a number", consequence);
      return std::nullopt;
  }
}

std::optional<int> as_int(context& ctx, const json::value& v, const jpath& path,
                          std::string_view consequence) {
  constexpr auto lo = static_cast<double>(std::numeric_limits<int>::min());
  constexpr auto hi = static_cast<double>(std::numeric_limits<int>::max());
  const auto d = as_number(ctx, v, path, consequence);
  if (!d) return std::nullopt;
  if (std::isfinite(*d) && *d != std::floor(*d)) {
    ctx.error("wrong_type", path,
              with_consequence(describe(v) + " is not a whole number", consequence));
    return std::nullopt;
  }
  if (!(*d >= lo && *d <= hi)) {
    ctx.error("out_of_range", path,
              with_consequence(describe(v) + " is far outside any allowed range", consequence));
    return std::nullopt;
  }
  return static_cast<int>(*d);
}

std::optional<bool> as_bool(context& ctx, const json::value& v, const jpath& path,
                            std::string_view consequence) {
  if (v.is_bool()) return v.get_bool();
  wrong_type(ctx, path, v, "true or false", consequence);
  return std::nullopt;
}

std::optional<date> as_date(context& ctx, const json::value& v, const jpath& path,
                            std::string_view consequence) {
  const auto text = as_string_view(ctx, v, path, consequence);
  if (!text) return std::nullopt;
  if (auto d = parse_date(*text)) return d;
  ctx.error("invalid_date", path,
            with_consequence(quoted(detail::utf8_prefix(*text, max_quoted_chars)) +
                                 " is not a calendar date in the form YYYY-MM-DD",
                             consequence));
  return std::nullopt;
}

std::optional<array_items> as_array(context& ctx, const json::value& v, const jpath& path,
                                    std::string_view consequence) {
  if (!v.is_array()) {
    wrong_type(ctx, path, v, "an array", consequence);
    return std::nullopt;
  }
  const json::array& a = v.get_array();
  std::size_t n = a.size();
  const std::size_t limit = ctx.limits().max_array_length;
  if (n > limit) {
    ctx.error("array_too_long", path,
              "the array has " + std::to_string(n) + " items, over the limit of " +
                  std::to_string(limit) + "; the items from [" + std::to_string(limit) +
                  "] on were dropped");
    n = limit;
  }
  return std::optional<array_items>(std::in_place, a.data(), n, path);
}

std::vector<area> as_areas(context& ctx, const json::value& v, const jpath& path,
                           std::vector<std::size_t>* json_index) {
  std::vector<area> out;
  const auto elements = as_array(ctx, v, path, "the list of areas was not read");
  if (!elements) return out;
  out.reserve(elements->size());
  if (json_index) json_index->reserve(elements->size());
  for (const auto& e : *elements) {
    const auto word = as_string_view(ctx, *e.value, e.path, "the area was dropped");
    if (!word) continue;
    const auto group = parse_area_group(*word);
    if (!group) {
      unknown_code(ctx, e.path, *word, "a treatment area word or a group word (face, body)",
                   "the area was dropped");
      continue;
    }
    // The members in declaration order, as enum_set::to_vector() gives them, without its vector.
    for (std::uint64_t bits = group->bits(); bits != 0; bits &= bits - 1) {
      const auto a = static_cast<area>(std::countr_zero(bits));
      if (std::find(out.begin(), out.end(), a) != out.end()) continue;
      out.push_back(a);
      if (json_index) json_index->push_back(e.index);
    }
  }
  return out;
}

std::vector<std::string> as_strings(context& ctx, const json::value& v, const jpath& path) {
  std::vector<std::string> out;
  const auto elements = as_array(ctx, v, path, "the list was not read");
  if (!elements) return out;
  for (const auto& e : *elements)
    if (auto s = as_string(ctx, *e.value, e.path, "the item was dropped")) out.push_back(*s);
  return out;
}

// --- object_reader ---------------------------------------------------------------------------

void object_reader::mark(const json::key_value_pair* member) {
  const auto i = static_cast<std::size_t>(member - obj_.begin());
  if (i < 64) {
    asked_ |= std::uint64_t{1} << i;
    return;
  }
  if (asked_more_.size() <= i - 64) asked_more_.resize(obj_.size() - 64);
  asked_more_[i - 64] = true;
}

void object_reader::accept(std::string_view key) {
  const auto it = obj_.find(json::string_view(key.data(), key.size()));
  if (it != obj_.end()) mark(&*it);
}

const json::value* object_reader::find(std::string_view key) {
  const json::key_value_pair* it = nullptr;
  if (obj_.size() <= 16) {
    // Small objects (every object of the formats): a scan that compares sizes first.
    for (const auto& member : obj_) {
      const json::string_view k = member.key();
      if (k.size() == key.size() && std::memcmp(k.data(), key.data(), key.size()) == 0) {
        it = &member;
        break;
      }
    }
  } else {
    const auto found = obj_.find(json::string_view(key.data(), key.size()));
    if (found != obj_.end()) it = &*found;
  }
  if (it == nullptr) return nullptr;
  mark(it);
  return it->value().is_null() ? nullptr : &it->value();
}

const json::value* object_reader::require(std::string_view key, std::string_view consequence) {
  const json::value* v = find(key);
  if (!v) {
    const bool is_null = obj_.contains(json::string_view(key.data(), key.size()));
    ctx_.error(
        "missing_field", path_of(key),
        with_consequence(is_null ? "the required field is null" : "the required field is missing",
                         consequence));
  }
  return v;
}

std::optional<std::string> object_reader::get_string(std::string_view key,
                                                     std::string_view consequence) {
  const json::value* v = find(key);
  return v ? as_string(ctx_, *v, path_of(key), consequence) : std::nullopt;
}

std::optional<date> object_reader::get_date(std::string_view key, std::string_view consequence) {
  const json::value* v = find(key);
  return v ? as_date(ctx_, *v, path_of(key), consequence) : std::nullopt;
}

known object_reader::get_known(std::string_view key) {
  const json::value* v = find(key);
  if (!v) return known::unknown;
  const auto b = as_bool(ctx_, *v, path_of(key), "it was read as unknown");
  if (!b) return known::unknown;
  return *b ? known::yes : known::no;
}

void object_reader::check_schema(std::string_view expected) {
  const json::value* v = find("schema");
  if (v && v->is_string() && std::string_view(v->get_string()) == expected &&
      expected.size() <= ctx_.limits().max_string_length)
    return;
  const std::string expected_text = quoted(expected);
  if (!v) v = require("schema", "expected " + expected_text);
  if (!v) return;
  const auto text = as_string_view(ctx_, *v, path_of("schema"), "expected " + expected_text);
  if (text && *text != expected)
    ctx_.error("wrong_schema", path_of("schema"),
               quoted(detail::utf8_prefix(*text, max_quoted_chars)) + " is not " + expected_text +
                   "; the document was read as " + std::string(expected) + " anyway");
}

void object_reader::finish() {
  std::size_t i = 0;
  for (const auto& member : obj_) {
    const bool asked =
        i < 64 ? (asked_ >> i & 1U) != 0 : i - 64 < asked_more_.size() && asked_more_[i - 64];
    ++i;
    if (asked) continue;
    const std::string_view key(member.key().data(), member.key().size());
    ctx_.warning("unknown_key", path_of(key), "unknown key, ignored");
  }
}

// --- lab units -------------------------------------------------------------------------------

std::string_view canonical_unit(lab_code c) noexcept {
  switch (c) {
    case lab_code::hba1c:
      return "%";
    case lab_code::inr:
      return "ratio";
    case lab_code::platelets:
      return "10*9/L";
    case lab_code::cd4:
      return "cells/uL";
  }
  return "";
}

std::optional<double> to_canonical_unit(lab_code c, std::string_view unit, double value) noexcept {
  const auto one_of = [&](std::initializer_list<std::string_view> units) {
    return std::find(units.begin(), units.end(), unit) != units.end();
  };
  switch (c) {
    case lab_code::hba1c:
      if (unit == "%") return value;
      // IFCC (mmol/mol) to NGSP (%) master equation.
      if (unit == "mmol/mol") return value * 0.09148 + 2.152;
      return std::nullopt;
    case lab_code::inr:
      if (one_of({"ratio", "{INR}", "1"})) return value;
      return std::nullopt;
    case lab_code::platelets:
      if (one_of({"10*9/L", "10^9/L", "x10^9/L", "/nL"})) return value;
      return std::nullopt;
    case lab_code::cd4:
      if (one_of({"cells/uL", "/uL", "cells/\xC2\xB5L", "/mm3", "cells/mm3"})) return value;
      return std::nullopt;
  }
  return std::nullopt;
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

json::array diagnostics_array(const std::vector<diagnostic>& ds) {
  json::array list;
  list.reserve(ds.size());
  for (const auto& d : ds) {
    json::object o;
    o["severity"] = to_string(d.severity);
    o["code"] = d.code;
    o["path"] = d.path;
    o["message"] = d.message;
    list.push_back(std::move(o));
  }
  return list;
}

}  // namespace mnscreen::io
