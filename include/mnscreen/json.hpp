// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/json.hpp
//
// JSON documents of formats.md: intake, plan, policy and report, read and written with the same
// field names. Readers keep everything they can read and report every problem with its JSON path.
//
//   auto in = mnscreen::parse_intake(text);
//   for (const auto& d : in.diagnostics) std::cerr << mnscreen::format(d, "intake.json") << '\n';
//   if (in.ok()) std::cout << mnscreen::to_json(screener.screen(in.value, plan)) << '\n';
#ifndef MNSCREEN_JSON_HPP
#define MNSCREEN_JSON_HPP

#include <cstddef>
#include <string>
#include <string_view>

#include "mnscreen/diagnostic.hpp"
#include "mnscreen/export.hpp"
#include "mnscreen/patient.hpp"
#include "mnscreen/policy.hpp"
#include "mnscreen/procedure.hpp"
#include "mnscreen/report.hpp"

namespace mnscreen {

/// Limits that protect readers from documents built to exhaust memory or the stack.
struct read_limits {
  std::size_t max_bytes = std::size_t{8} * 1024 * 1024;
  std::size_t max_depth = 32;
  std::size_t max_array_length = 10000;
  std::size_t max_string_length = 65536;
};

[[nodiscard]] MNSCREEN_EXPORT parse_result<intake> parse_intake(std::string_view text,
                                                                const read_limits& limits = {});
[[nodiscard]] MNSCREEN_EXPORT parse_result<procedure_plan> parse_plan(
    std::string_view text, const read_limits& limits = {});
/// Absent settings keep the cited default; unknown setting names and invalid values are errors.
[[nodiscard]] MNSCREEN_EXPORT parse_result<policy> parse_policy(std::string_view text,
                                                                const read_limits& limits = {});
[[nodiscard]] MNSCREEN_EXPORT parse_result<report> parse_report(std::string_view text,
                                                                const read_limits& limits = {});

/// Serialises to the formats.md document (compact, one line, fields in the documented order).
/// A string longer than `read_limits{}.max_string_length` bytes is cut at a UTF-8 boundary and
/// ends with `… [cut, N bytes in all]`, so that the readers accept whatever is written
/// (docs/input-format.md, "String limit"); `to_text` cuts the same way.
[[nodiscard]] MNSCREEN_EXPORT std::string to_json(const intake& in);
[[nodiscard]] MNSCREEN_EXPORT std::string to_json(const procedure_plan& plan);
/// The policy's name and every setting (defaults included).
[[nodiscard]] MNSCREEN_EXPORT std::string to_json(const policy& pol);
[[nodiscard]] MNSCREEN_EXPORT std::string to_json(const report& rep);

/// A short human-readable summary for clinic staff: decision first, then flags, questions,
/// risks as bars, preparation and aftercare.
[[nodiscard]] MNSCREEN_EXPORT std::string to_text(const report& rep);

}  // namespace mnscreen

#endif  // MNSCREEN_JSON_HPP
