// SPDX-License-Identifier: Apache-2.0
// Private helpers shared by the JSON readers and writers of src/io: document parsing with the
// read limits and typed member access that reports every problem, on the JSON toolkit of
// src/json (the parse handler, JSON paths, the escaper and the writer, whose names are brought in
// here). Boost.JSON stays behind this header; nothing here is installed. Defined in
// json_common.cpp.
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

#include "json/parse.hpp"
#include "json/text.hpp"
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

// The JSON toolkit of src/json, under the names the readers use.
using json_detail::cut_marker;
using json_detail::cut_marker_head;
using json_detail::cut_marker_tail;
using json_detail::describe;
using json_detail::index_path;
using json_detail::jpath;
using json_detail::kind_name;
using json_detail::max_quoted_chars;
using json_detail::max_written_string;
using json_detail::member_path;
using json_detail::number_text;
using json_detail::quoted;
using json_detail::writer;

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

/// `list`, given room for eight items when it has none: a record's lists are short (the typical
/// intake has five conditions), so a list costs one allocation instead of one per doubling, with
/// its items moved each time. A list kept from an earlier document (batch reuses them) keeps
/// its room. For the first item of a list.
template <class T>
std::vector<T>& first_room(std::vector<T>& list) {
  if (list.capacity() == 0) list.reserve(8);
  return list;
}

/// Adds the areas of `group` to `out` in declaration order (as enum_set::to_vector() gives
/// them), leaving out those already there; `json_index` (optional) receives `index` for each
/// area added. as_areas and the streaming readers (json_stream.cpp) expand area words with it.
void add_areas(std::vector<area>& out, area_set group, std::vector<std::size_t>* json_index,
               std::size_t index);

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

/// The unit word written for a lab (its canonical unit; the table is src/lab_units.hpp).
[[nodiscard]] std::string_view canonical_unit(lab_code c) noexcept;
/// Converts `value` in `unit` to the canonical unit of `c`; nothing if the unit is not known
/// for that lab.
[[nodiscard]] std::optional<double> to_canonical_unit(lab_code c, std::string_view unit,
                                                      double value) noexcept;

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
