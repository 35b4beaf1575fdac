// SPDX-License-Identifier: Apache-2.0
// Private helpers shared by the JSON readers and writers of src/io: document parsing with the
// read limits, JSON paths, typed member access that reports every problem, and a compact writer.
// Boost.JSON stays behind this header; nothing here is installed.
#ifndef MNSCREEN_IO_JSON_COMMON_HPP
#define MNSCREEN_IO_JSON_COMMON_HPP

#include <boost/json.hpp>
#include <cstddef>
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

// --- paths and value descriptions ------------------------------------------------------------

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

// --- parsing ---------------------------------------------------------------------------------

/// Parses a whole document under the limits; on a fatal problem reports it and returns nothing.
/// Also reports duplicate keys (Boost.JSON keeps only the last one silently).
[[nodiscard]] std::optional<json::value> parse_document(std::string_view text, context& ctx);

/// The document's root object, or nullptr after a fatal diagnostic.
[[nodiscard]] const json::object* root_object(const json::value& doc, context& ctx);

// --- value conversions (report and return nothing when the value is unusable) ----------------
// `consequence` says what happened to the data ("the medication was dropped"); it is appended
// to the message.

void wrong_type(context& ctx, const std::string& path, const json::value& v,
                std::string_view expected, std::string_view consequence);

[[nodiscard]] std::optional<std::string> as_string(context& ctx, const json::value& v,
                                                   const std::string& path,
                                                   std::string_view consequence);
[[nodiscard]] std::optional<double> as_number(context& ctx, const json::value& v,
                                              const std::string& path,
                                              std::string_view consequence);
[[nodiscard]] std::optional<int> as_int(context& ctx, const json::value& v, const std::string& path,
                                        std::string_view consequence);
[[nodiscard]] std::optional<bool> as_bool(context& ctx, const json::value& v,
                                          const std::string& path, std::string_view consequence);
[[nodiscard]] std::optional<date> as_date(context& ctx, const json::value& v,
                                          const std::string& path, std::string_view consequence);

/// Reports an `unknown_code` error for `word` at `path`.
void unknown_code(context& ctx, const std::string& path, std::string_view word,
                  std::string_view noun, std::string_view consequence);

/// A code word of enum `E`; `noun` names the vocabulary ("a medication word").
template <class E>
[[nodiscard]] std::optional<E> as_code(context& ctx, const json::value& v, const std::string& path,
                                       std::string_view noun, std::string_view consequence);

/// An array's elements, at most `max_array_length` of them (the tail is reported and dropped).
/// Returns nothing (after a wrong_type error) when `v` is not an array.
struct element {
  const json::value* value;
  std::string path;
  std::size_t index;
};
[[nodiscard]] std::optional<std::vector<element>> as_array(context& ctx, const json::value& v,
                                                           const std::string& path,
                                                           std::string_view consequence);

/// Area words and group words (`face`, `body`) expanded, duplicates left out. Unknown words are
/// reported and dropped. `json_index` (optional) receives the JSON index of each area.
[[nodiscard]] std::vector<area> as_areas(context& ctx, const json::value& v,
                                         const std::string& path,
                                         std::vector<std::size_t>* json_index = nullptr);

/// A list of code words of enum `E`; unknown words are reported and dropped.
template <class E>
[[nodiscard]] std::vector<E> as_codes(context& ctx, const json::value& v, const std::string& path,
                                      std::string_view noun,
                                      std::vector<std::size_t>* json_index = nullptr);

/// A list of strings (e.g. prep advice); non-strings are reported and dropped.
[[nodiscard]] std::vector<std::string> as_strings(context& ctx, const json::value& v,
                                                  const std::string& path);

// --- objects ---------------------------------------------------------------------------------

/// Reads the members of one JSON object: remembers which keys were used so that `finish()` can
/// warn about the others (unknown keys are kept out of the result).
class object_reader {
 public:
  object_reader(context& ctx, const json::object& obj, std::string path);

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] std::string path_of(std::string_view key) const { return member_path(path_, key); }
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
  context& ctx_;
  const json::object& obj_;
  std::string path_;
  std::vector<std::string> known_keys_;
};

// --- lab units -------------------------------------------------------------------------------

/// The unit word written for a lab (its canonical unit).
[[nodiscard]] std::string_view canonical_unit(lab_code c) noexcept;
/// Converts `value` in `unit` to the canonical unit of `c`; nothing if the unit is not known
/// for that lab.
[[nodiscard]] std::optional<double> to_canonical_unit(lab_code c, std::string_view unit,
                                                      double value) noexcept;

// --- writing ---------------------------------------------------------------------------------

/// A compact JSON writer (one line, no spaces). Numbers use the shortest text that reads back
/// as the same double; non-finite numbers, which JSON cannot carry, are written as null.
class writer {
 public:
  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view k);
  void string(std::string_view s);
  void number(double v);
  void integer(long long v);
  void boolean(bool b);
  void null();
  /// `key` then `string`.
  void member(std::string_view k, std::string_view s) {
    key(k);
    string(s);
  }
  [[nodiscard]] std::string take() && { return std::move(out_); }

 private:
  void before_value();
  std::string out_;
  // One entry per open container: true until its first element is written.
  std::vector<bool> first_;
  bool after_key_ = false;
};

// --- template definitions --------------------------------------------------------------------

template <class E>
std::optional<E> as_code(context& ctx, const json::value& v, const std::string& path,
                         std::string_view noun, std::string_view consequence) {
  const auto text = as_string(ctx, v, path, consequence);
  if (!text) return std::nullopt;
  if (auto e = parse_code<E>(*text)) return e;
  unknown_code(ctx, path, *text, noun, consequence);
  return std::nullopt;
}

template <class E>
std::vector<E> as_codes(context& ctx, const json::value& v, const std::string& path,
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
