// SPDX-License-Identifier: Apache-2.0
// Properties of the facts exempt from monotonicity (monotonicity_test.cpp): they protect, so
// adding one never makes the screen more serious or a score higher.
// - Antiviral prophylaxis: clinical-spec `hsv_history_prophylaxis` ("unless already on
//   antiviral_prophylaxis (then info)") and the hsv_reactivation odds ratio 0.1.
// - `negatives`: a denial answers a question; it never adds a flag or changes a score, and a
//   denial of something the record holds leaves it present (formats.md: "A factor both present
//   and denied counts as present").
#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "property_support.hpp"
#include "test_support.hpp"

namespace {

using namespace mnscreen;
using namespace mnscreen::prop;

bool no_more_serious(const report& before, const report& after) {
  return serious(after) <= serious(before);
}

}  // namespace

TEST_CASE("property: antiviral prophylaxis never raises the screen or a score",
          "[property][protective]") {
  const screener s;
  const auto antivirals = protective_medications();
  rc::prop("an antiviral added to any intake", [&] {
    const scenario sc = *gen_scenario();
    pools pool = pools::everything();
    pool.medications = antivirals;
    const medication m = *gen_medication(sc.plan.date, pool);
    const report before = s.screen(sc.record, sc.plan);
    const report after = s.screen(with(sc.record, m), sc.plan);
    RC_ASSERT(after.decision != decision::cannot_screen);
    RC_ASSERT(no_more_serious(before, after));
    for (std::size_t i = 0; i < complication_count; ++i)
      RC_ASSERT(after.risks.at(i).score <= before.risks.at(i).score + 1e-12);
  });
}

TEST_CASE("protective: antiviral prophylaxis turns the HSV caution into info and cuts the risk",
          "[property][protective]") {
  const screener s;
  intake in = test::healthy_intake();
  in.conditions.push_back({.code = condition_code::hsv_labialis,
                           .status = condition_status::history,
                           .sites = {area::perioral}});
  const procedure_plan plan = test::basic_plan();  // cheeks: a face area
  const report without = s.screen(in, plan);
  const flag* caution = test::find_flag(without, "hsv_history_prophylaxis");
  REQUIRE(caution);
  CHECK(caution->effect == effect::proceed_with_caution);
  for (auto drug : protective_medications()) {
    INFO(to_string(drug));
    intake on = in;
    on.medications.push_back({.code = drug, .route = route::oral});
    const report with_drug = s.screen(on, plan);
    const flag* f = test::find_flag(with_drug, "hsv_history_prophylaxis");
    REQUIRE(f);
    CHECK(f->effect == effect::info);
    const auto hsv = static_cast<std::size_t>(complication::hsv_reactivation);
    CHECK(with_drug.risks.at(hsv).score < without.risks.at(hsv).score);
    CHECK(with_drug.decision <= without.decision);
  }
}

TEST_CASE("property: a denial never adds a flag, changes a score or raises the screen",
          "[property][protective]") {
  const screener s;
  rc::prop("a negatives word added to any intake", [&s] {
    const scenario sc = *gen_scenario();
    intake more = sc.record;
    more.negatives.push_back(*gen_negative());
    const report before = s.screen(sc.record, sc.plan);
    const report after = s.screen(more, sc.plan);
    RC_ASSERT(after.decision != decision::cannot_screen);
    RC_ASSERT(no_more_serious(before, after));
    RC_ASSERT(after.flags == before.flags);
    RC_ASSERT(after.risks == before.risks);
    for (const auto& q : after.questions)
      RC_ASSERT(std::find(before.questions.begin(), before.questions.end(), q) !=
                before.questions.end());
  });
}

TEST_CASE("property: denying every question of a screen leaves only the flags to decide",
          "[property][protective]") {
  const screener s;
  rc::prop("all questions answered no", [&s] {
    const scenario sc = *gen_scenario();
    const report before = s.screen(sc.record, sc.plan);
    intake answered = sc.record;
    for (const auto& q : before.questions) answered.negatives.emplace_back(q.factor);
    const report after = s.screen(answered, sc.plan);
    RC_ASSERT(no_more_serious(before, after));
    RC_ASSERT(after.flags == before.flags);
  });
}
