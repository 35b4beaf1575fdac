// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/units.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <type_traits>

TEST_CASE("units: millimetres compare and keep their value", "[units]") {
  const mnscreen::millimetres a{1.5}, b{0.5};
  CHECK(a > b);
  CHECK(a == mnscreen::millimetres{1.5});
  CHECK(a.value() == Approx(1.5));
  // No implicit conversions in either direction.
  STATIC_REQUIRE_FALSE(std::is_convertible_v<double, mnscreen::millimetres>);
  STATIC_REQUIRE_FALSE(std::is_convertible_v<mnscreen::millimetres, double>);
}

TEST_CASE("units: NaN is a broken contract", "[units]") {
  CHECK_THROWS_AS(mnscreen::millimetres{std::numeric_limits<double>::quiet_NaN()}, mnscreen::error);
}
