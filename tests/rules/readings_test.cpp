// SPDX-License-Identifier: Apache-2.0
// Conservative readings where clinical-spec.md is silent (docs/architecture.md, "Reading the
// spec"), raised by the independent review of the rule tests.
#include <catch2/catch.hpp>

#include "mnscreen/mnscreen.hpp"
#include "test_support.hpp"

using namespace mnscreen;
using test::d;

namespace {

report run(const intake& in, const procedure_plan& plan, const policy& p = {}) {
  return screener{p}.screen(in, plan);
}

}  // namespace

TEST_CASE("skin_cancer_in_area: area exclusions that together leave no planned area do not treat",
          "[rules][skin_cancer_in_area][within_orbital_rim][trigger]") {
  intake in = test::healthy_intake();
  in.conditions.push_back({.code = condition_code::skin_cancer, .sites = {area::nose}});
  procedure_plan plan = test::basic_plan();
  plan.needle_depth = millimetres{0.25};
  plan.areas = {area::eyelids, area::nose};
  const report r = run(in, plan);
  const flag* cancer = test::find_flag(r, "skin_cancer_in_area");
  const flag* orbit = test::find_flag(r, "within_orbital_rim");
  REQUIRE(cancer);
  REQUIRE(orbit);
  CHECK(cancer->effect == effect::do_not_treat);
  CHECK(orbit->effect == effect::do_not_treat);
  CHECK_THAT(cancer->reason, Catch::Contains("no planned area remains"));
  CHECK(r.decision == decision::do_not_treat);

  SECTION("a third area left over keeps each exclusion at modify_plan") {
    plan.areas.push_back(area::cheeks);
    const report r2 = run(in, plan);
    REQUIRE(test::find_flag(r2, "skin_cancer_in_area"));
    CHECK(test::find_flag(r2, "skin_cancer_in_area")->effect == effect::modify_plan);
    CHECK(test::find_flag(r2, "within_orbital_rim")->effect == effect::modify_plan);
    CHECK(r2.decision == decision::modify_plan);
  }
}

TEST_CASE("active_hsv_lesion: active shingles on a face site defers any face plan",
          "[rules][active_hsv_lesion][trigger]") {
  intake in = test::healthy_intake();
  in.conditions.push_back({.code = condition_code::herpes_zoster, .sites = {area::forehead}});
  const report r = run(in, test::basic_plan());  // cheeks only
  const flag* f = test::find_flag(r, "active_hsv_lesion");
  REQUIRE(f);
  CHECK(f->effect == effect::defer);
  CHECK_THAT(f->reason, Catch::Contains("shingles"));
}

TEST_CASE("active_hsv_lesion: active shingles on the back leaves a face plan alone",
          "[rules][active_hsv_lesion][quiet]") {
  intake in = test::healthy_intake();
  in.conditions.push_back({.code = condition_code::herpes_zoster, .sites = {area::back}});
  CHECK_FALSE(test::find_flag(run(in, test::basic_plan()), "active_hsv_lesion"));
}

TEST_CASE("anesthetic_allergy: amide allergy with an ester-only plan is a caution",
          "[rules][anesthetic_allergy][trigger]") {
  intake in = test::healthy_intake();
  in.allergies.push_back(
      {.substance = allergy_substance::lidocaine, .severity = allergy_severity::mild});
  procedure_plan plan = test::basic_plan();
  plan.anesthetic = anesthetic::tetracaine;
  const report r = run(in, plan);
  const flag* f = test::find_flag(r, "anesthetic_allergy");
  REQUIRE(f);
  CHECK(f->effect == effect::proceed_with_caution);
  CHECK_THAT(f->reason, Catch::Contains("amide anaesthetic lidocaine"));
  CHECK_THAT(f->reason, Catch::Contains("(ester)"));
}

TEST_CASE(
    "topical_retinoid_recent: a medicine of unknown route with sites applies only where its sites "
    "are",
    "[rules][topical_retinoid_recent][quiet]") {
  intake in = test::healthy_intake();
  in.medications.push_back({.code = medication_code::tretinoin, .sites = {area::back}});
  CHECK_FALSE(test::find_flag(run(in, test::basic_plan()), "topical_retinoid_recent"));
  in.medications.back().sites = {area::cheeks};
  const report r = run(in, test::basic_plan());
  const flag* f = test::find_flag(r, "topical_retinoid_recent");
  REQUIRE(f);
  CHECK(f->effect == effect::defer);
}

TEST_CASE("keloid_history: actions follow the policy effect", "[rules][keloid_history][trigger]") {
  intake in = test::healthy_intake();
  in.conditions.push_back({.code = condition_code::keloid,
                           .status = condition_status::history,
                           .sites = {area::chest}});
  procedure_plan plan = test::basic_plan();
  plan.needle_depth = millimetres{0.5};
  policy p;
  SECTION("defer") {
    p.keloid_history_effect = effect::defer;
    const report r = run(in, plan, p);
    const flag* f = test::find_flag(r, "keloid_history");
    REQUIRE(f);
    CHECK(f->effect == effect::defer);
    CHECK_THAT(f->action, Catch::Contains("Defer"));
  }
  SECTION("modify_plan on an already shallow plan does not ask for a shallower one") {
    p.keloid_history_effect = effect::modify_plan;
    const report r = run(in, plan, p);
    const flag* f = test::find_flag(r, "keloid_history");
    REQUIRE(f);
    CHECK(f->effect == effect::modify_plan);
    CHECK_THAT(f->action, !Catch::Contains("1 mm or less"));
  }
}
