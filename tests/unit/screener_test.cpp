// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/screener.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace mnscreen;
using test::d;

TEST_CASE("screener: a complete healthy screen proceeds with provenance", "[screener]") {
  const screener s;
  const report r = s.screen(test::healthy_intake(), test::basic_plan());
  INFO((r.flags.empty() ? std::string("no flags") : r.flags.front().rule_id));
  CHECK(r.decision == decision::proceed);
  CHECK(r.complete);
  CHECK(r.questions.empty());
  CHECK(r.knowledge_version == "2026.2");
  CHECK(r.policy_name == "default");
  CHECK(r.model == "prior-2026.2 (not validated on outcomes)");
  CHECK(r.screened_on == d("2026-12-01"));
  CHECK(r.risks.size() == 7);
  CHECK_FALSE(r.prep.empty());
  CHECK_FALSE(r.aftercare.empty());
}

TEST_CASE("screener: the formats.md example defers to 2027-03-14", "[screener]") {
  intake in = test::healthy_intake();
  in.medications.push_back({.code = medication_code::isotretinoin,
                            .route = route::oral,
                            .start = d("2025-11-01"),
                            .stop = d("2026-09-15")});
  const report r = screener{}.screen(in, test::basic_plan());
  CHECK(r.decision == decision::defer);
  REQUIRE(r.defer_until);
  CHECK(*r.defer_until == d("2027-03-14"));
  const flag* f = test::find_flag(r, "isotretinoin_recent");
  REQUIRE(f);
  CHECK_THAT(f->reason, Catch::Contains("2026-09-15"));
  CHECK_THAT(f->reason, Catch::Contains("180-day"));
}

TEST_CASE("screener: an empty intake is incomplete and never proceeds", "[screener]") {
  const report r = screener{}.screen(intake{}, test::basic_plan());
  CHECK_FALSE(r.complete);
  CHECK(r.decision == decision::proceed_with_caution);
  CHECK(test::asks(r, question::pregnancy));
  CHECK(test::asks(r, question::anticoagulant));
  CHECK(test::asks(r, question::birth_date));
}

TEST_CASE("screener: invalid inputs are refused, not guessed", "[screener]") {
  procedure_plan plan = test::basic_plan();
  plan.areas.clear();
  plan.needle_depth = millimetres{4.5};
  intake in = test::healthy_intake();
  in.patient.fitzpatrick = 9;
  const report r = screener{}.screen(in, plan);
  CHECK(r.decision == decision::cannot_screen);
  CHECK(r.warnings.size() == 3);
  CHECK(r.flags.empty());
}

TEST_CASE("screener: an invalid policy is refused at construction", "[screener]") {
  policy p;
  p.inr_max = -1;
  CHECK_THROWS_AS(screener{p}, mnscreen::error);
}
