// SPDX-License-Identifier: Apache-2.0
// Private: the one JSON parse handler of the library, used by every reader (intake, plan,
// policy, report, model, outcomes, FHIR, batch envelopes). It builds Boost.JSON's tree with two
// differences from Boost.JSON's own parser: numbers with a fraction or an exponent are converted
// correctly rounded (std::from_chars; Boost.JSON 1.81's conversion can be one unit in the last
// place off, and then a written document would not read back equal), and keys given twice in one
// object are reported (Boost.JSON keeps only the last one without a word).
//
// Where a document fails is given as a line and a column, both 1-based and counted in bytes: the
// column is the byte offset in its line plus one, whatever the text's characters. Every message
// of the library that names a line or a column counts this way.
#ifndef MNSCREEN_SRC_JSON_PARSE_HPP
#define MNSCREEN_SRC_JSON_PARSE_HPP

#include <boost/json.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mnscreen::json_detail {

namespace json = boost::json;

/// The message of every reader's diagnostic for a key of `parsed::duplicate_keys` that it reads
/// on (the last value kept): `duplicate_key`, `fhir.duplicate_key`.
inline constexpr std::string_view duplicate_key_message =
    "the key appears more than once in this object; only its last value was read";

/// What parse() found.
struct parsed {
  /// The document, or nothing when it is not valid JSON (then `error`, `line`, `column` say why).
  std::optional<json::value> value;
  /// JSON paths (`$.a[2].b`) of the keys given more than once in their object, in document
  /// order; only their last value is in the tree. Empty when the document is not valid.
  std::vector<std::string> duplicate_keys;
  /// Why the document is not valid (json::error::too_deep for nesting over `max_depth`,
  /// json::error::extra_data for text after the document).
  json::error_code error;
  /// Where it failed: 1-based line and column, in bytes.
  std::size_t line = 0;
  std::size_t column = 0;
};

/// Parses one whole document (no trailing data) with at most `max_depth` levels of nesting.
/// `sp` is where the document's values live; it must outlive the returned value.
[[nodiscard]] parsed parse(std::string_view text, std::size_t max_depth, json::storage_ptr sp = {});

/// The value of a JSON number with a fraction or an exponent, `text` as the parser gave it:
/// correctly rounded (std::from_chars), or `parsed` (Boost.JSON's own value, e.g. infinity for
/// 1e400) where that conversion fails. The one conversion of every reader, tree or streaming.
[[nodiscard]] double exact_double(std::string_view text, double parsed) noexcept;

/// Line and column (1-based, in bytes) of byte `offset` of `text`.
[[nodiscard]] std::pair<std::size_t, std::size_t> line_column(std::string_view text,
                                                              std::size_t offset) noexcept;

}  // namespace mnscreen::json_detail

#endif  // MNSCREEN_SRC_JSON_PARSE_HPP
