// SPDX-License-Identifier: Apache-2.0
#include "batch/envelope.hpp"

#include <string>
#include <utility>

#include "io/json_stream.hpp"
#include "utf8.hpp"

namespace mnscreen::detail {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string_view kind_of(char first) noexcept {
  switch (first) {
    case '{':
      return "an object";
    case '[':
      return "an array";
    case '"':
      return "a string";
    case 't':
    case 'f':
      return "a boolean";
    case 'n':
      return "null";
    default:
      return "a number";
  }
}

// `$.key`, or `$["key"]` when the key is not a plain identifier (`raw` keeps its quotes).
std::string member_path(std::string_view raw) {
  const std::string_view inner = raw.substr(1, raw.size() - 2);
  bool plain = !inner.empty();
  for (char c : inner)
    if (!(is_digit(c) || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
      plain = false;
  return plain ? "$." + std::string(inner) : "$[" + std::string(raw) + "]";
}

// A validating JSON scanner over one line. Each function starts at the first character of
// what it reads and leaves `pos_` just after it; on failure it records the first problem.
class scanner {
 public:
  scanner(std::string_view text, std::size_t max_depth) noexcept
      : s_(text), max_depth_(max_depth) {}

  [[nodiscard]] std::size_t pos() const noexcept { return pos_; }
  [[nodiscard]] bool at_end() const noexcept { return pos_ >= s_.size(); }
  [[nodiscard]] char peek() const noexcept { return at_end() ? '\0' : s_[pos_]; }
  [[nodiscard]] bool failed() const noexcept { return failed_; }
  [[nodiscard]] const std::string& problem() const noexcept { return problem_; }
  [[nodiscard]] std::size_t problem_pos() const noexcept { return problem_pos_; }
  [[nodiscard]] std::string_view slice(std::size_t from) const noexcept {
    return s_.substr(from, pos_ - from);
  }
  /// The text from pos_ to the end of the line.
  [[nodiscard]] std::string_view rest() const noexcept { return s_.substr(pos_); }
  /// Moves past `n` characters that were read elsewhere.
  void advance(std::size_t n) noexcept { pos_ += n; }

  bool fail(std::string what) {
    if (!failed_) {
      failed_ = true;
      problem_ = std::move(what);
      problem_pos_ = pos_;
    }
    return false;
  }

  void skip_ws() noexcept {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }

  bool expect(char c, std::string_view what) {
    if (peek() != c)
      return at_end()
                 ? fail("the line ends where " + std::string(what) + " was expected (truncated?)")
                 : fail("expected " + std::string(what));
    ++pos_;
    return true;
  }

  bool string() {
    ++pos_;  // opening quote
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        if (pos_ + 1 >= s_.size()) break;
        const char e = s_[pos_ + 1];
        if (e == 'u') {
          if (pos_ + 6 > s_.size()) break;
          for (std::size_t k = 2; k < 6; ++k)
            if (!is_hex(s_[pos_ + k])) return fail("invalid \\u escape in a string");
          pos_ += 6;
          continue;
        }
        if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' &&
            e != 't')
          return fail("invalid escape in a string");
        pos_ += 2;
        continue;
      }
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20) return fail("control character inside a string");
      if (u >= 0x80) {
        const std::size_t len = detail::utf8_sequence_length(s_, pos_);
        if (len == 0) return fail("invalid UTF-8 in a string");
        pos_ += len;
        continue;
      }
      ++pos_;
    }
    pos_ = s_.size();
    return fail("the line ends inside a string (truncated?)");
  }

  bool number() {
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (is_digit(peek())) {
      while (is_digit(peek())) ++pos_;
    } else {
      return fail("invalid number");
    }
    if (peek() == '.') {
      ++pos_;
      if (!is_digit(peek())) return fail("invalid number");
      while (is_digit(peek())) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!is_digit(peek())) return fail("invalid number");
      while (is_digit(peek())) ++pos_;
    }
    return true;
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return fail("invalid literal");
    pos_ += word.size();
    return true;
  }

  // Any JSON value, validated; `depth` is the nesting of the container holding it.
  bool value(std::size_t depth) {
    switch (peek()) {
      case '{':
      case '[':
        return container(depth + 1);
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      case '\0':
        if (at_end()) return fail("the line ends where a value was expected (truncated?)");
        return fail("unexpected character");
      default:
        if (peek() == '-' || is_digit(peek())) return number();
        return fail("unexpected character");
    }
  }

  // An object or array whose opening bracket is at pos_, nested `depth` levels deep.
  bool container(std::size_t depth) {
    if (depth > max_depth_)
      return fail("nesting deeper than " + std::to_string(max_depth_) + " levels");
    const bool object = peek() == '{';
    const char close = object ? '}' : ']';
    ++pos_;
    skip_ws();
    if (peek() == close) {
      ++pos_;
      return true;
    }
    for (;;) {
      if (object) {
        if (peek() != '"') return expect('"', "a key in double quotes");
        if (!string()) return false;
        skip_ws();
        if (!expect(':', "':' after a key")) return false;
        skip_ws();
      }
      if (!value(depth)) return false;
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        skip_ws();
        continue;
      }
      if (peek() == close) {
        ++pos_;
        return true;
      }
      return expect(close, object ? "',' or '}'" : "',' or ']'");
    }
  }

  // An object at pos_, following only strings and brackets (its reader validates the rest).
  bool skip_object(std::string_view member) {
    std::size_t depth = 0;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        while (pos_ < s_.size() && s_[pos_] != '"')
          pos_ += s_[pos_] == '\\' ? std::size_t{2} : std::size_t{1};
        if (pos_ >= s_.size()) break;
        ++pos_;
        continue;
      }
      if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) {
          ++pos_;
          return true;
        }
      }
      ++pos_;
    }
    pos_ = s_.size();
    return fail("the line ends inside $." + std::string(member) + " (truncated?)");
  }

 private:
  std::string_view s_;
  std::size_t max_depth_;
  std::size_t pos_ = 0;
  bool failed_ = false;
  std::string problem_;
  std::size_t problem_pos_ = 0;
};

void add(envelope& e, severity sev, std::string code, std::string path, std::string message) {
  e.diagnostics.push_back({sev, std::move(code), std::move(path), std::move(message)});
}

// The first `intake` or `plan` object of the line, at the scanner's position, read by the
// streaming reader; true (the scanner moved past it) when that reader read it. Else the
// scanner follows the object itself (skip_object) and the caller parses its text. The
// documents' `schema` may be left out in a line (the line says what they are).
bool read_member(scanner& sc, std::string_view key, const read_limits& limits, envelope& e) {
  constexpr bool schema_optional = true;
  std::size_t size = 0;
  if (key == "intake") {
    parse_result<intake> r;
    size = io::parse_leading_intake(sc.rest(), limits, r, schema_optional);
    if (size > 0) e.intake_read = std::move(r);
  } else {
    parse_result<procedure_plan> r;
    size = io::parse_leading_plan(sc.rest(), limits, r, schema_optional);
    if (size > 0) e.plan_read = std::move(r);
  }
  sc.advance(size);
  return size > 0;
}

// scan_envelope, reading the intake and plan as they come when `limits` is given.
envelope scan(std::string_view line, std::size_t max_depth, const read_limits* limits) {
  envelope e;
  scanner sc(line, max_depth);
  bool seen_id = false;
  bool seen_intake = false;
  bool seen_plan = false;

  const auto malformed = [&]() -> envelope& {
    e.malformed = true;
    e.diagnostics.clear();
    add(e, severity::fatal, "malformed_json", "$",
        "malformed JSON at column " + std::to_string(sc.problem_pos() + 1) + ": " + sc.problem() +
            "; the line was not read");
    return e;
  };

  sc.skip_ws();
  if (sc.peek() != '{') {
    e.malformed = true;
    add(e, severity::fatal, "wrong_type", "$",
        "the line is " + std::string(sc.at_end() ? std::string_view("empty") : kind_of(sc.peek())) +
            ", expected an object {\"id\": ..., \"intake\": {...}, \"plan\": {...}}; the line "
            "was not read");
    return e;
  }
  sc.expect('{', "'{'");
  sc.skip_ws();
  if (sc.peek() == '}') {
    sc.expect('}', "'}'");
  } else {
    for (;;) {
      if (sc.peek() != '"') {
        sc.expect('"', "a key in double quotes");
        return malformed();
      }
      const std::size_t key_start = sc.pos();
      if (!sc.string()) return malformed();
      const std::string_view key_raw = sc.slice(key_start);
      const std::string_view key = key_raw.substr(1, key_raw.size() - 2);
      sc.skip_ws();
      if (!sc.expect(':', "':' after a key")) return malformed();
      sc.skip_ws();
      const std::size_t value_start = sc.pos();
      const char first = sc.peek();
      bool* seen = key == "id"       ? &seen_id
                   : key == "intake" ? &seen_intake
                   : key == "plan"   ? &seen_plan
                                     : nullptr;
      if (seen != nullptr && *seen)
        add(e, severity::error, "duplicate_key", member_path(key_raw),
            "the key appears more than once in the record");
      if (key == "id") {
        if (!sc.value(1)) return malformed();
        if (first == '"' || first == '-' || is_digit(first)) {
          if (!seen_id) e.id = sc.slice(value_start);
        } else {
          add(e, severity::error, "wrong_type", "$.id",
              "the id is " + std::string(kind_of(first)) + ", expected a string or a number");
        }
      } else if (key == "intake" || key == "plan") {
        if (first == '{') {
          // A valid object's end is where skip_object would find it, so `intake` / `plan` and
          // every later position are the same whether it was read here or skipped.
          const bool read = limits != nullptr && !*seen && read_member(sc, key, *limits, e);
          if (!read && !sc.skip_object(key)) return malformed();
          if (!*seen) (key == "intake" ? e.intake : e.plan) = sc.slice(value_start);
        } else {
          if (!sc.value(1)) return malformed();
          add(e, severity::error, "wrong_type", member_path(key_raw),
              "the " + std::string(key) + " is " + std::string(kind_of(first)) +
                  ", expected an object (a mnscreen." + std::string(key) + "/1 document)");
        }
      } else {
        if (!sc.value(1)) return malformed();
        add(e, severity::warning, "unknown_key", member_path(key_raw), "unknown key, ignored");
      }
      if (seen != nullptr) *seen = true;
      sc.skip_ws();
      if (sc.peek() == ',') {
        sc.expect(',', "','");
        sc.skip_ws();
        continue;
      }
      if (!sc.expect('}', "',' or '}'")) return malformed();
      break;
    }
  }
  sc.skip_ws();
  if (!sc.at_end()) {
    sc.fail("more text after the record's closing '}'");
    return malformed();
  }
  if (!seen_id)
    add(e, severity::error, "missing_field", "$.id",
        "the record has no id (a string or a number that names it in the output)");
  if (!seen_intake)
    add(e, severity::error, "missing_field", "$.intake",
        "the record has no intake (a mnscreen.intake/1 document)");
  if (!seen_plan)
    add(e, severity::error, "missing_field", "$.plan",
        "the record has no plan (a mnscreen.plan/1 document)");
  return e;
}

}  // namespace

envelope scan_envelope(std::string_view line, std::size_t max_depth) {
  return scan(line, max_depth, nullptr);
}

envelope read_envelope(std::string_view line, const read_limits& limits) {
  return scan(line, limits.max_depth, &limits);
}

std::string_view scan_id_prefix(std::string_view prefix) noexcept {
  try {
    scanner sc(prefix, 1);
    sc.skip_ws();
    if (sc.peek() != '{') return {};
    sc.expect('{', "'{'");
    sc.skip_ws();
    if (prefix.substr(sc.pos(), 4) != "\"id\"") return {};
    sc.literal("\"id\"");
    sc.skip_ws();
    if (!sc.expect(':', "':'")) return {};
    sc.skip_ws();
    const std::size_t start = sc.pos();
    const char first = sc.peek();
    if (first == '"') {
      if (!sc.string()) return {};
    } else if (first == '-' || is_digit(first)) {
      if (!sc.number() || sc.at_end()) return {};  // a number cut short would look whole
    } else {
      return {};
    }
    return sc.slice(start);
  } catch (...) {  // failure messages allocate; without them there is simply no id
    return {};
  }
}

}  // namespace mnscreen::detail
