// SPDX-License-Identifier: Apache-2.0
// Private: JSON parsing with correctly rounded numbers. Boost.JSON 1.81's parser may be one unit
// in the last place off for some decimal numbers (Boost 1.83 added a precise mode); model files
// must read back bit-exactly what was written, so numbers are re-read with std::from_chars.
#ifndef MNSCREEN_SRC_MODEL_EXACT_JSON_HPP
#define MNSCREEN_SRC_MODEL_EXACT_JSON_HPP

#include <boost/json.hpp>
#include <cstddef>
#include <string>
#include <string_view>

namespace mnscreen::detail {

/// Parses one JSON document (no trailing data) with at most `max_depth` nesting; on failure
/// returns null and sets `error` to the reason.
[[nodiscard]] boost::json::value parse_json_exact(std::string_view text, std::size_t max_depth,
                                                  std::string& error);

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_MODEL_EXACT_JSON_HPP
