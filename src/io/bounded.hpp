// SPDX-License-Identifier: Apache-2.0
// Private: the string bound of the report writers (to_json and to_text), so that a report built
// through the C++ API with huge strings still writes a document the readers accept.
#ifndef MNSCREEN_IO_BOUNDED_HPP
#define MNSCREEN_IO_BOUNDED_HPP

#include <cstddef>
#include <string>
#include <string_view>

#include "mnscreen/report.hpp"

namespace mnscreen::detail {

/// The longest string a report is written with, in bytes (read_limits{}.max_string_length).
inline constexpr std::size_t max_report_string = 65536;

/// `s` cut at a UTF-8 boundary so that with the marker `… [cut, N bytes in all]` it is at most
/// `limit` bytes; `s` unchanged when it fits.
[[nodiscard]] std::string cut_with_marker(std::string_view s,
                                          std::size_t limit = max_report_string);

/// True when some string of `r` is longer than max_report_string.
[[nodiscard]] bool has_long_strings(const report& r) noexcept;

/// Cuts every string of `r` longer than max_report_string with cut_with_marker().
void cut_long_strings(report& r);

}  // namespace mnscreen::detail

#endif  // MNSCREEN_IO_BOUNDED_HPP
