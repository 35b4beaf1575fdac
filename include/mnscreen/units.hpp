// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/units.hpp
//
// Small strong types for quantities whose unit must never be lost or mixed.
//
//   mnscreen::millimetres depth{1.5};
//   if (depth > mnscreen::millimetres{1.0}) { /* ... */ }
//   double raw = depth.value();            // explicit; no implicit conversion to double
#ifndef MNSCREEN_UNITS_HPP
#define MNSCREEN_UNITS_HPP

#include <compare>

#include "mnscreen/diagnostic.hpp"

namespace mnscreen {

/// A quantity tagged with its unit. Construction is explicit; `value()` reads the raw number.
/// Only comparison is defined: adding depths or mixing units is a compile error.
/// @throws mnscreen::error when built from NaN (a broken caller contract).
template <class Tag>
class quantity {
 public:
  constexpr quantity() noexcept = default;
  constexpr explicit quantity(double v) : value_(v) {
    if (v != v) throw mnscreen::error("mnscreen: a quantity cannot be NaN");
  }
  [[nodiscard]] constexpr double value() const noexcept { return value_; }
  friend constexpr auto operator<=>(quantity, quantity) noexcept = default;
  friend constexpr bool operator==(quantity, quantity) noexcept = default;

 private:
  double value_ = 0.0;
};

struct millimetres_tag {};
/// Needle depth. The plan's `needle_depth_mm`.
using millimetres = quantity<millimetres_tag>;

}  // namespace mnscreen

#endif  // MNSCREEN_UNITS_HPP
