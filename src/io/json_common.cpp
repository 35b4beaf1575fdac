// SPDX-License-Identifier: Apache-2.0
#include "io/json_common.hpp"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <set>
#include <string>

#include "utf8.hpp"

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

// Cuts `s` to at most `n` bytes without splitting a UTF-8 sequence.
std::string_view cut(std::string_view s, std::size_t n) noexcept {
  if (s.size() <= n) return s;
  while (n > 0 && is_continuation(static_cast<unsigned char>(s[n]))) --n;
  return s.substr(0, n);
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

  explicit document_builder(context& ctx) : ctx_(ctx) { stack_.reset(); }

  [[nodiscard]] json::value release() { return stack_.release(); }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) {
    frames_.push_back({false, {}, 0, {}});
    return true;
  }
  bool on_array_end(std::size_t n, json::error_code&) {
    stack_.push_array(n);
    frames_.pop_back();
    return value_done();
  }
  bool on_object_begin(json::error_code&) {
    frames_.push_back({true, {}, 0, {}});
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code&) {
    stack_.push_object(n);
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
    key_.append(s.data(), s.size());
    stack_.push_key(s);
    frame& top = frames_.back();
    top.key = std::move(key_);
    key_.clear();
    if (!top.seen.insert(top.key).second)
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
    number_.append(s.data(), s.size());
    double exact = 0.0;
    const char* last = number_.data() + number_.size();
    auto [end, ec] = std::from_chars(number_.data(), last, exact);
    // Out of range (1e400) keeps Boost.JSON's value (infinity), which the range checks refuse.
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
  struct frame {
    bool is_object;
    std::string key;
    std::size_t index;
    // A set, not a list: an object with many keys must not cost quadratic time.
    std::set<std::string, std::less<>> seen;
  };

  bool value_done() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
    return true;
  }

  std::string path() const {
    std::string p = "$";
    for (const auto& f : frames_) p = f.is_object ? member_path(p, f.key) : index_path(p, f.index);
    return p;
  }

  context& ctx_;
  json::value_stack stack_;
  std::vector<frame> frames_;
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
    const std::string_view shown = cut(key, max_path_key_chars);
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

std::string number_text(double v) {
  char buf[40];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::string("?");
}

std::string quoted(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80U) {
      const std::size_t len = detail::utf8_sequence_length(s, i);
      if (len == 0) {
        // JSON text must be UTF-8; a byte that is not is replaced, never passed on.
        out += "\\ufffd";
        ++i;
      } else {
        out.append(s.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20U) {
          out += "\\u00";
          out += hex[c >> 4U];
          out += hex[c & 0xFU];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
  return out;
}

std::string describe(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: {
      const std::string_view s(v.get_string().data(), v.get_string().size());
      const std::string_view shown = cut(s, max_quoted_chars);
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
      if (s.size() > max_quoted_chars) s = std::string(cut(s, max_quoted_chars)) + "...";
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

std::optional<json::value> parse_document(std::string_view text, context& ctx) {
  const read_limits& limits = ctx.limits();
  if (text.size() > limits.max_bytes) {
    ctx.fatal("document_too_large", "$",
              "the document is " + std::to_string(text.size()) + " bytes, over the limit of " +
                  std::to_string(limits.max_bytes) + "; it was not read");
    return std::nullopt;
  }
  json::parse_options options;
  options.max_depth = limits.max_depth;
  json::basic_parser<document_builder> parser(options, ctx);
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

void wrong_type(context& ctx, const std::string& path, const json::value& v,
                std::string_view expected, std::string_view consequence) {
  ctx.error("wrong_type", path,
            with_consequence(describe(v) + " is " + std::string(kind_name(v)) + ", expected " +
                                 std::string(expected),
                             consequence));
}

void unknown_code(context& ctx, const std::string& path, std::string_view word,
                  std::string_view noun, std::string_view consequence) {
  ctx.error("unknown_code", path,
            with_consequence(quoted(cut(word, max_quoted_chars)) + " is not " + std::string(noun),
                             consequence));
}

std::optional<std::string> as_string(context& ctx, const json::value& v, const std::string& path,
                                     std::string_view consequence) {
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
  return std::string(s.data(), s.size());
}

std::optional<double> as_number(context& ctx, const json::value& v, const std::string& path,
                                std::string_view consequence) {
  switch (v.kind()) {
    case json::kind::int64:
      return static_cast<double>(v.get_int64());
    case json::kind::uint64:
      return static_cast<double>(v.get_uint64());
    case json::kind::double_:
      return v.get_double();
    default:
      wrong_type(ctx, path, v, "a number", consequence);
      return std::nullopt;
  }
}

std::optional<int> as_int(context& ctx, const json::value& v, const std::string& path,
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

std::optional<bool> as_bool(context& ctx, const json::value& v, const std::string& path,
                            std::string_view consequence) {
  if (v.is_bool()) return v.get_bool();
  wrong_type(ctx, path, v, "true or false", consequence);
  return std::nullopt;
}

std::optional<date> as_date(context& ctx, const json::value& v, const std::string& path,
                            std::string_view consequence) {
  const auto text = as_string(ctx, v, path, consequence);
  if (!text) return std::nullopt;
  if (auto d = parse_date(*text)) return d;
  ctx.error("invalid_date", path,
            with_consequence(quoted(cut(*text, max_quoted_chars)) +
                                 " is not a calendar date in the form YYYY-MM-DD",
                             consequence));
  return std::nullopt;
}

std::optional<std::vector<element>> as_array(context& ctx, const json::value& v,
                                             const std::string& path,
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
  std::vector<element> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back({&a[i], index_path(path, i), i});
  return out;
}

std::vector<area> as_areas(context& ctx, const json::value& v, const std::string& path,
                           std::vector<std::size_t>* json_index) {
  std::vector<area> out;
  const auto elements = as_array(ctx, v, path, "the list of areas was not read");
  if (!elements) return out;
  for (const auto& e : *elements) {
    const auto word = as_string(ctx, *e.value, e.path, "the area was dropped");
    if (!word) continue;
    const auto group = parse_area_group(*word);
    if (!group) {
      unknown_code(ctx, e.path, *word, "a treatment area word or a group word (face, body)",
                   "the area was dropped");
      continue;
    }
    for (area a : group->to_vector()) {
      if (std::find(out.begin(), out.end(), a) != out.end()) continue;
      out.push_back(a);
      if (json_index) json_index->push_back(e.index);
    }
  }
  return out;
}

std::vector<std::string> as_strings(context& ctx, const json::value& v, const std::string& path) {
  std::vector<std::string> out;
  const auto elements = as_array(ctx, v, path, "the list was not read");
  if (!elements) return out;
  for (const auto& e : *elements)
    if (auto s = as_string(ctx, *e.value, e.path, "the item was dropped")) out.push_back(*s);
  return out;
}

// --- object_reader ---------------------------------------------------------------------------

object_reader::object_reader(context& ctx, const json::object& obj, std::string path)
    : ctx_(ctx), obj_(obj), path_(std::move(path)) {}

void object_reader::accept(std::string_view key) { known_keys_.emplace_back(key); }

const json::value* object_reader::find(std::string_view key) {
  accept(key);
  const json::value* v = obj_.if_contains(json::string_view(key.data(), key.size()));
  return v && !v->is_null() ? v : nullptr;
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
  const std::string expected_text = quoted(expected);
  const json::value* v = require("schema", "expected " + expected_text);
  if (!v) return;
  const auto text = as_string(ctx_, *v, path_of("schema"), "expected " + expected_text);
  if (text && *text != expected)
    ctx_.error("wrong_schema", path_of("schema"),
               quoted(cut(*text, max_quoted_chars)) + " is not " + expected_text +
                   "; the document was read as " + std::string(expected) + " anyway");
}

void object_reader::finish() {
  for (const auto& member : obj_) {
    const std::string_view key(member.key().data(), member.key().size());
    if (std::find(known_keys_.begin(), known_keys_.end(), key) != known_keys_.end()) continue;
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

void writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

void writer::begin_object() {
  before_value();
  out_ += '{';
  first_.push_back(true);
}

void writer::end_object() {
  first_.pop_back();
  out_ += '}';
}

void writer::begin_array() {
  before_value();
  out_ += '[';
  first_.push_back(true);
}

void writer::end_array() {
  first_.pop_back();
  out_ += ']';
}

void writer::key(std::string_view k) {
  before_value();
  out_ += quoted(k);
  out_ += ':';
  after_key_ = true;
}

void writer::string(std::string_view s) {
  before_value();
  out_ += quoted(s);
}

void writer::number(double v) {
  before_value();
  out_ += std::isfinite(v) ? number_text(v) : std::string("null");
}

void writer::integer(long long v) {
  before_value();
  out_ += std::to_string(v);
}

void writer::boolean(bool b) {
  before_value();
  out_ += b ? "true" : "false";
}

void writer::null() {
  before_value();
  out_ += "null";
}

}  // namespace mnscreen::io
