// SPDX-License-Identifier: Apache-2.0
// Private: the lab units, one row per lab, for every place that names or accepts one (the intake
// reader and writer of src/io, the FHIR reader's mapping notes). Header-only, in base.
#ifndef MNSCREEN_SRC_LAB_UNITS_HPP
#define MNSCREEN_SRC_LAB_UNITS_HPP

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

#include "mnscreen/vocabulary.hpp"

namespace mnscreen::detail {

/// One lab's units.
struct lab_unit_row {
  lab_code lab;
  /// The canonical unit word: what the JSON writers put in `labs[].unit` and what the intake
  /// reader names when a unit is not known (docs/input-format.md).
  std::string_view canonical;
  /// The unit shown after a converted value in the FHIR reader's mapping notes ("48 mmol/mol →
  /// 6.54 %"); shorter than `canonical` where the word adds nothing.
  std::string_view display;
  /// The unit words the intake reader accepts as the canonical unit itself (HbA1c's mmol/mol is
  /// converted, see io::to_canonical_unit). Unused slots are empty.
  std::array<std::string_view, 5> same_as_canonical;
};

/// The table, in lab_code order.
inline constexpr std::array<lab_unit_row, 4> lab_units = {{
    {lab_code::hba1c, "%", "%", {"%"}},
    {lab_code::inr, "ratio", "", {"ratio", "{INR}", "1"}},
    {lab_code::platelets, "10*9/L", "10*9/L", {"10*9/L", "10^9/L", "x10^9/L", "/nL"}},
    {lab_code::cd4, "cells/uL", "/uL", {"cells/uL", "/uL", "cells/\xC2\xB5L", "/mm3", "cells/mm3"}},
}};

/// The row of `c`.
[[nodiscard]] constexpr const lab_unit_row& lab_units_of(lab_code c) noexcept {
  return lab_units[static_cast<std::size_t>(c)];
}

/// Whether `unit` is one of the words accepted as `c`'s canonical unit.
[[nodiscard]] constexpr bool is_canonical_unit(lab_code c, std::string_view unit) noexcept {
  const auto& words = lab_units_of(c).same_as_canonical;
  return !unit.empty() && std::find(words.begin(), words.end(), unit) != words.end();
}

static_assert(
    [] {
      for (std::size_t i = 0; i < lab_units.size(); ++i)
        if (static_cast<std::size_t>(lab_units[i].lab) != i) return false;
      return true;
    }(),
    "lab_units is in lab_code order");

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_LAB_UNITS_HPP
