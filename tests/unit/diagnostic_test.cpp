// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/diagnostic.hpp"

#include <catch2/catch.hpp>

TEST_CASE("diagnostic: formats with file, path and message", "[diagnostic]") {
  const mnscreen::diagnostic d{mnscreen::severity::error, "out_of_range", "$.needle_depth_mm",
                               "-1 is not a depth in (0, 4] mm"};
  CHECK(mnscreen::format(d, "plan.json") ==
        "plan.json: $.needle_depth_mm: -1 is not a depth in (0, 4] mm");
  CHECK(mnscreen::format(d) == "$.needle_depth_mm: -1 is not a depth in (0, 4] mm");
}

TEST_CASE("diagnostic: parse_result is ok only without errors", "[diagnostic]") {
  mnscreen::parse_result<int> r{42, {}};
  CHECK(r.ok());
  r.diagnostics.push_back({mnscreen::severity::warning, "unknown_key", "$.x", "unknown key"});
  CHECK(r.ok());
  CHECK(r.value_or_throw() == 42);
  r.diagnostics.push_back({mnscreen::severity::error, "wrong_type", "$.y", "not a string"});
  CHECK_FALSE(r.ok());
  CHECK_THROWS_AS(r.value_or_throw(), mnscreen::error);
  CHECK_THROWS_WITH(r.value_or_throw(), "$.y: not a string");
}
