// SPDX-License-Identifier: Apache-2.0
// Private: JSON text of the library, shared by every reader and writer: JSON paths and short
// descriptions of values for messages, the one string escaper (quoted, append_quoted) and the
// compact writer. Defined in text.cpp.
#ifndef MNSCREEN_SRC_JSON_TEXT_HPP
#define MNSCREEN_SRC_JSON_TEXT_HPP

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "mnscreen/dates.hpp"
#include "mnscreen/json.hpp"

namespace mnscreen::json_detail {

namespace json = boost::json;

// --- paths and value descriptions ------------------------------------------------------------

/// How much of a bad value a message quotes: enough to recognise it, not a whole document.
inline constexpr std::size_t max_quoted_chars = 60;

/// `$.a` + `b` → `$.a.b`; keys that are not plain identifiers use `$.a["b c"]`.
[[nodiscard]] std::string member_path(std::string_view parent, std::string_view key);
/// `$.a` + 2 → `$.a[2]`.
[[nodiscard]] std::string index_path(std::string_view parent, std::size_t index);
/// Short JSON text of a value for messages (strings quoted, long values cut with "...").
[[nodiscard]] std::string describe(const json::value& v);
/// "a string", "a number", "an object"...
[[nodiscard]] std::string_view kind_name(const json::value& v) noexcept;
/// Shortest text that reads back as the same double.
[[nodiscard]] std::string number_text(double v);
/// A string as a JSON string literal (escaped, invalid UTF-8 replaced by U+FFFD).
[[nodiscard]] std::string quoted(std::string_view s);
/// Appends quoted(s) to `out`.
void append_quoted(std::string& out, std::string_view s);

/// A JSON path that is built as text only when a diagnostic needs it: a root text (`$`, or any
/// path already built) or a parent path and a key or an index. It refers to its parent and to
/// the text of its key; both must outlive it (they are the enclosing readers and the document).
class jpath {
 public:
  jpath(const std::string& text) noexcept : text_(text) {}  // NOLINT: implicit on purpose
  jpath(const char* text) noexcept : text_(text) {}         // NOLINT: implicit on purpose
  [[nodiscard]] static jpath member(const jpath& parent, std::string_view key) noexcept {
    return jpath(&parent, key, 0, kind::member);
  }
  [[nodiscard]] static jpath at(const jpath& parent, std::size_t index) noexcept {
    return jpath(&parent, {}, index, kind::index);
  }
  [[nodiscard]] std::string str() const {
    std::string out;
    append_to(out);
    return out;
  }
  operator std::string() const { return str(); }  // NOLINT: implicit on purpose

 private:
  enum class kind : unsigned char { text, member, index };
  jpath(const jpath* parent, std::string_view key, std::size_t index, kind k) noexcept
      : parent_(parent), text_(key), index_(index), kind_(k) {}
  void append_to(std::string& out) const;
  const jpath* parent_ = nullptr;
  std::string_view text_;
  std::size_t index_ = 0;
  kind kind_ = kind::text;
};

// --- writing ---------------------------------------------------------------------------------

/// The longest string the writers put in a document, in bytes as a reader gets it back
/// (read_limits{}.max_string_length, so whatever the library writes it can read back). A longer
/// string is cut at a UTF-8 boundary and ends with a marker: `… [cut, 70000 bytes in all]`.
inline constexpr std::size_t max_written_string = read_limits{}.max_string_length;

/// The marker that ends a cut string: `… [cut, 70000 bytes in all]` for a `total` of 70000.
inline constexpr std::string_view cut_marker_head = "\xE2\x80\xA6 [cut, ";
inline constexpr std::string_view cut_marker_tail = " bytes in all]";
[[nodiscard]] std::string cut_marker(std::size_t total);

/// A compact JSON writer (one line, no spaces) that appends to one string. Numbers use the
/// shortest text that reads back as the same double; non-finite numbers, which JSON cannot
/// carry, are written as null. Strings are escaped, invalid UTF-8 becomes U+FFFD, and strings
/// longer than max_written_string are cut, ending with cut_marker(). Nesting is at most 64 levels.
class writer {
 public:
  explicit writer(std::size_t reserve = 256) { out_.reserve(reserve); }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k);
  /// A key given as a string literal: written as it is, without escaping (the literals of the
  /// writers are plain identifiers).
  template <std::size_t N>
  void key(const char (&k)[N]) {
    plain_key(std::string_view(k, N - 1));
  }
  /// A key known to need no escaping (a literal of the writers passed on as a view).
  void plain_key(std::string_view k) {
    // Comma, quotes and colon with the key in one append.
    char buf[72];
    std::size_t n = 0;
    if (k.size() > sizeof buf - 4) {
      before_value();
      out_ += '"';
      out_.append(k);
      out_.append("\":", 2);
      after_key_ = true;
      return;
    }
    if (needs_comma()) buf[n++] = ',';
    buf[n++] = '"';
    std::memcpy(buf + n, k.data(), k.size());
    n += k.size();
    buf[n++] = '"';
    buf[n++] = ':';
    out_.append(buf, n);
    after_key_ = true;
  }
  void string(std::string_view s);
  void number(double v);
  void integer(long long v);
  void boolean(bool b) {
    before_value();
    out_.append(b ? std::string_view("true") : std::string_view("false"));
  }
  void null() {
    before_value();
    out_.append("null");
  }
  /// A date as a `YYYY-MM-DD` string.
  void date_value(const date& d);
  /// `key` then `string`.
  void member(std::string_view k, std::string_view s) {
    key(k);
    string(s);
  }
  template <std::size_t N>
  void member(const char (&k)[N], std::string_view s) {
    key(k);
    string(s);
  }
  [[nodiscard]] std::string take() && { return std::move(out_); }

 private:
  void before_value() {
    if (needs_comma()) out_ += ',';
  }
  // Whether the value about to be written needs a comma before it; marks it written.
  bool needs_comma() noexcept {
    if (after_key_) {
      after_key_ = false;
      return false;
    }
    if (depth_ == 0) return false;
    const std::uint64_t bit = std::uint64_t{1} << (depth_ - 1);
    const bool comma = (first_ & bit) == 0;
    first_ &= ~bit;
    return comma;
  }
  void open(char c) {
    before_value();
    out_ += c;
    first_ |= std::uint64_t{1} << depth_;
    ++depth_;
  }
  void close(char c) {
    --depth_;
    out_ += c;
  }
  std::string out_;
  // Bit d: the open container at depth d has no element yet.
  std::uint64_t first_ = 0;
  unsigned depth_ = 0;
  bool after_key_ = false;
};

}  // namespace mnscreen::json_detail

#endif  // MNSCREEN_SRC_JSON_TEXT_HPP
