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
/// Whether `s` goes into a JSON string as it is (printable ASCII other than `"` and `\`).
[[nodiscard]] bool needs_no_escaping(std::string_view s) noexcept;

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
///
/// The text is written straight into the string's storage: the string is kept larger than the
/// text (its size is the room in use, `n_` the bytes written) and cut to the text by take(), so
/// that each piece costs one bounds check and one copy instead of a std::string append.
class writer {
 public:
  explicit writer(std::size_t reserve = 256) { out_.resize(reserve < 64 ? 64 : reserve); }
  /// A writer whose text goes into `room`, a string given back by release_room() of an earlier
  /// writer (its bytes are overwritten, its storage kept): a caller that writes many documents
  /// in turn allocates and clears that storage once, not once per document.
  writer(std::string&& room, std::size_t reserve) : out_(std::move(room)) {
    if (out_.size() < reserve) out_.resize(reserve < 64 ? 64 : reserve);
  }

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
    char* p = room(k.size() + 4);
    if (needs_comma()) *p++ = ',';
    *p++ = '"';
    std::memcpy(p, k.data(), k.size());
    p += k.size();
    *p++ = '"';
    *p++ = ':';
    n_ = static_cast<std::size_t>(p - out_.data());
    after_key_ = true;
  }
  void string(std::string_view s);
  /// A string known to need no escaping and to be short: a word of the vocabulary (to_string of
  /// an enum) or a code. Written as it is; debug builds check that it needs no escaping.
  void plain_string(std::string_view s);
  void number(double v);
  void integer(long long v);
  void boolean(bool b) { raw_value(b ? std::string_view("true") : std::string_view("false")); }
  void null() { raw_value("null"); }
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
  /// `key` then `plain_string`, in one piece.
  template <std::size_t N>
  void member_plain(const char (&k)[N], std::string_view s) {
    constexpr std::size_t n = N - 1;
#ifndef NDEBUG
    if (!plain_ok(s)) {
      key(k);
      string(s);
      return;
    }
#endif
    char* p = room(n + s.size() + 6);
    if (needs_comma()) *p++ = ',';
    *p++ = '"';
    std::memcpy(p, k, n);
    p += n;
    *p++ = '"';
    *p++ = ':';
    *p++ = '"';
    std::memcpy(p, s.data(), s.size());
    p += s.size();
    *p++ = '"';
    n_ = static_cast<std::size_t>(p - out_.data());
  }
  [[nodiscard]] std::string take() && {
    out_.resize(n_);
    return std::move(out_);
  }
  /// The text written so far (valid until the next write).
  [[nodiscard]] std::string_view text() const noexcept { return {out_.data(), n_}; }
  /// The writer's storage, whole (not cut to the text), for the next writer (see above).
  [[nodiscard]] std::string release_room() && { return std::move(out_); }

 private:
  friend struct writer_sink;
  // Whether plain_string may copy `s` as it is (debug builds check every call).
  static bool plain_ok(std::string_view s) noexcept;
  // Room for `k` more bytes at the end of the text; returns where they go.
  char* room(std::size_t k) {
    if (out_.size() - n_ < k) grow(k);
    return out_.data() + n_;
  }
  void grow(std::size_t k);
  void put(char c) {
    *room(1) = c;
    ++n_;
  }
  // A value written as it is, after a comma when one is due.
  void raw_value(std::string_view s) {
    char* p = room(s.size() + 1);
    if (needs_comma()) *p++ = ',';
    std::memcpy(p, s.data(), s.size());
    n_ = static_cast<std::size_t>(p - out_.data()) + s.size();
  }
  void before_value() {
    if (needs_comma()) put(',');
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
    char* p = room(2);
    if (needs_comma()) *p++ = ',';
    *p++ = c;
    n_ = static_cast<std::size_t>(p - out_.data());
    first_ |= std::uint64_t{1} << depth_;
    ++depth_;
  }
  void close(char c) {
    --depth_;
    put(c);
  }
  std::string out_;  // the text is its first n_ bytes; the rest is room
  std::size_t n_ = 0;
  // Bit d: the open container at depth d has no element yet.
  std::uint64_t first_ = 0;
  unsigned depth_ = 0;
  bool after_key_ = false;
};

}  // namespace mnscreen::json_detail

#endif  // MNSCREEN_SRC_JSON_TEXT_HPP
