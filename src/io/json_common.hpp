// SPDX-License-Identifier: Apache-2.0
// Private helpers shared by the JSON readers and writers of src/io: document parsing with the
// read limits, JSON paths, typed member access that reports every problem, and a compact writer.
// Boost.JSON stays behind this header; nothing here is installed. Defined in json_parse.cpp
// (parsing), json_text.cpp (paths, descriptions, escaping, the writer) and json_common.cpp (the
// rest).
#ifndef MNSCREEN_IO_JSON_COMMON_HPP
#define MNSCREEN_IO_JSON_COMMON_HPP

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mnscreen/dates.hpp"
#include "mnscreen/diagnostic.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen::io {

namespace json = boost::json;

// --- diagnostics -----------------------------------------------------------------------------

/// Collects the diagnostics of one document read; carries the limits.
class context {
 public:
  explicit context(const read_limits& limits) : limits_(limits) {}

  [[nodiscard]] const read_limits& limits() const noexcept { return limits_; }

  void warning(std::string code, std::string path, std::string message);
  void error(std::string code, std::string path, std::string message);
  void fatal(std::string code, std::string path, std::string message);

  [[nodiscard]] std::vector<diagnostic>& diagnostics() noexcept { return diagnostics_; }

 private:
  const read_limits& limits_;
  std::vector<diagnostic> diagnostics_;
};

/// Where the items of a JSON array ended up in the C++ vector: `json_index[i]` is the JSON index
/// of vector element `i`. Needed because dropped items shift the vector's indices, and
/// validate() names vector indices.
struct index_map {
  std::string array_path;
  std::vector<std::size_t> json_index;
};

/// Appends validate()'s diagnostics with vector indices rewritten to JSON indices, leaving out
/// those at a path where the reader already reported an error (a missing or unreadable value
/// would otherwise be reported twice, the second time as the placeholder left in the struct).
void append_validation(context& ctx, std::vector<diagnostic> found,
                       const std::vector<index_map>& maps);

/// Diagnostics as every JSON answer lists them (CDS Hooks errors, the server's error bodies, the
/// FHIR reading summary): `[{"severity", "code", "path", "message"}, ...]`, in order.
[[nodiscard]] json::array diagnostics_array(const std::vector<diagnostic>& ds);

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

// --- parsing ---------------------------------------------------------------------------------

/// Parses a whole document under the limits; on a fatal problem reports it and returns nothing.
/// Also reports duplicate keys (Boost.JSON keeps only the last one silently).
/// `sp` is where the document's values live (a monotonic resource on the caller's stack makes
/// reading cheap); it must outlive the returned value.
[[nodiscard]] std::optional<json::value> parse_document(std::string_view text, context& ctx,
                                                        json::storage_ptr sp = {});

/// The document's root object, or nullptr after a fatal diagnostic.
[[nodiscard]] const json::object* root_object(const json::value& doc, context& ctx);

// --- value conversions (report and return nothing when the value is unusable) ----------------
// `consequence` says what happened to the data ("the medication was dropped"); it is appended
// to the message.

void wrong_type(context& ctx, const jpath& path, const json::value& v, std::string_view expected,
                std::string_view consequence);

[[nodiscard]] std::optional<std::string> as_string(context& ctx, const json::value& v,
                                                   const jpath& path, std::string_view consequence);
/// As as_string, without a copy: a view of the document's string.
[[nodiscard]] std::optional<std::string_view> as_string_view(context& ctx, const json::value& v,
                                                             const jpath& path,
                                                             std::string_view consequence);
[[nodiscard]] std::optional<double> as_number(context& ctx, const json::value& v, const jpath& path,
                                              std::string_view consequence);
[[nodiscard]] std::optional<int> as_int(context& ctx, const json::value& v, const jpath& path,
                                        std::string_view consequence);
[[nodiscard]] std::optional<bool> as_bool(context& ctx, const json::value& v, const jpath& path,
                                          std::string_view consequence);
[[nodiscard]] std::optional<date> as_date(context& ctx, const json::value& v, const jpath& path,
                                          std::string_view consequence);

/// Reports an `unknown_code` error for `word` at `path`.
void unknown_code(context& ctx, const jpath& path, std::string_view word, std::string_view noun,
                  std::string_view consequence);

/// A code word of enum `E`; `noun` names the vocabulary ("a medication word").
template <class E>
[[nodiscard]] std::optional<E> as_code(context& ctx, const json::value& v, const jpath& path,
                                       std::string_view noun, std::string_view consequence);

/// An array's elements, at most `max_array_length` of them (the tail is reported and dropped).
/// Returns nothing (after a wrong_type error) when `v` is not an array.
struct element {
  const json::value* value;
  jpath path;
  std::size_t index;
};
class array_items {
 public:
  array_items(const json::value* first, std::size_t n, const jpath& parent) noexcept
      : first_(first), n_(n), parent_(parent) {}
  array_items(const array_items&) = delete;  // elements refer to parent_
  array_items& operator=(const array_items&) = delete;
  struct iterator {
    const array_items* range;
    std::size_t i;
    element operator*() const { return {range->first_ + i, jpath::at(range->parent_, i), i}; }
    iterator& operator++() noexcept {
      ++i;
      return *this;
    }
    bool operator!=(const iterator& o) const noexcept { return i != o.i; }
  };
  [[nodiscard]] iterator begin() const noexcept { return {this, 0}; }
  [[nodiscard]] iterator end() const noexcept { return {this, n_}; }
  [[nodiscard]] std::size_t size() const noexcept { return n_; }

 private:
  const json::value* first_;
  std::size_t n_;
  jpath parent_;
};
[[nodiscard]] std::optional<array_items> as_array(context& ctx, const json::value& v,
                                                  const jpath& path, std::string_view consequence);

/// Area words and group words (`face`, `body`) expanded, duplicates left out. Unknown words are
/// reported and dropped. `json_index` (optional) receives the JSON index of each area.
[[nodiscard]] std::vector<area> as_areas(context& ctx, const json::value& v, const jpath& path,
                                         std::vector<std::size_t>* json_index = nullptr);

/// A list of code words of enum `E`; unknown words are reported and dropped.
template <class E>
[[nodiscard]] std::vector<E> as_codes(context& ctx, const json::value& v, const jpath& path,
                                      std::string_view noun,
                                      std::vector<std::size_t>* json_index = nullptr);

/// A list of strings (e.g. prep advice); non-strings are reported and dropped.
[[nodiscard]] std::vector<std::string> as_strings(context& ctx, const json::value& v,
                                                  const jpath& path);

// --- objects ---------------------------------------------------------------------------------

/// Reads the members of one JSON object: remembers which keys were used so that `finish()` can
/// warn about the others (unknown keys are kept out of the result).
class object_reader {
 public:
  object_reader(context& ctx, const json::object& obj, jpath path)
      : ctx_(ctx), obj_(obj), path_(path) {}
  object_reader(const object_reader&) = delete;  // paths of members refer to path_
  object_reader& operator=(const object_reader&) = delete;

  [[nodiscard]] const jpath& path() const noexcept { return path_; }
  [[nodiscard]] jpath path_of(std::string_view key) const noexcept {
    return jpath::member(path_, key);
  }
  [[nodiscard]] context& ctx() noexcept { return ctx_; }

  /// The member, or nullptr when absent or `null`. Marks the key as known.
  [[nodiscard]] const json::value* find(std::string_view key);
  /// As find(), but reports `missing_field` (with `consequence`) when absent or null.
  [[nodiscard]] const json::value* require(std::string_view key, std::string_view consequence);

  /// Marks keys as known without reading them.
  void accept(std::string_view key);

  [[nodiscard]] std::optional<std::string> get_string(std::string_view key,
                                                      std::string_view consequence = {});
  [[nodiscard]] std::optional<date> get_date(std::string_view key,
                                             std::string_view consequence = {});
  /// `true`/`false`, absent/`null` = unknown; anything else is reported and unknown.
  [[nodiscard]] known get_known(std::string_view key);

  template <class E>
  [[nodiscard]] std::optional<E> get_code(std::string_view key, std::string_view noun,
                                          std::string_view consequence = {}) {
    const json::value* v = find(key);
    return v ? as_code<E>(ctx_, *v, path_of(key), noun, consequence) : std::nullopt;
  }

  /// Checks `schema` (required; a wrong one is an error, reading goes on).
  void check_schema(std::string_view expected);

  /// Reports every member that was never asked for as an `unknown_key` warning.
  void finish();

 private:
  // Marks the member as asked for.
  void mark(const json::key_value_pair* member);

  context& ctx_;
  const json::object& obj_;
  jpath path_;
  // Members asked for, by position in the object: the first 64 in a mask, the others in a list.
  std::uint64_t asked_ = 0;
  std::vector<bool> asked_more_;
};

// --- lab units -------------------------------------------------------------------------------

/// The unit word written for a lab (its canonical unit).
[[nodiscard]] std::string_view canonical_unit(lab_code c) noexcept;
/// Converts `value` in `unit` to the canonical unit of `c`; nothing if the unit is not known
/// for that lab.
[[nodiscard]] std::optional<double> to_canonical_unit(lab_code c, std::string_view unit,
                                                      double value) noexcept;

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

// --- template definitions --------------------------------------------------------------------

template <class E>
std::optional<E> as_code(context& ctx, const json::value& v, const jpath& path,
                         std::string_view noun, std::string_view consequence) {
  const auto text = as_string_view(ctx, v, path, consequence);
  if (!text) return std::nullopt;
  if (auto e = parse_code<E>(*text)) return e;
  unknown_code(ctx, path, *text, noun, consequence);
  return std::nullopt;
}

template <class E>
std::vector<E> as_codes(context& ctx, const json::value& v, const jpath& path,
                        std::string_view noun, std::vector<std::size_t>* json_index) {
  std::vector<E> out;
  const auto elements = as_array(ctx, v, path, "the list was not read");
  if (!elements) return out;
  for (const auto& e : *elements) {
    if (auto code = as_code<E>(ctx, *e.value, e.path, noun, "the word was dropped")) {
      out.push_back(*code);
      if (json_index) json_index->push_back(e.index);
    }
  }
  return out;
}

}  // namespace mnscreen::io

#endif  // MNSCREEN_IO_JSON_COMMON_HPP
