// SPDX-License-Identifier: Apache-2.0
// Rules of clinical-spec.md "Scarring tendency".
#include "explain_cases.hpp"
#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;
using mt::add_condition;
using mt::basic_plan;
using mt::healthy_intake;
using mt::run;

TEST_CASE("keloid_history: graded default is a caution for a shallow non-RF plan",
          "[rules][keloid_history][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();  // pen, 1.0 mm, cheeks
  SECTION("keloid in the past on the chest (a high-risk site named in the reason)") {
    add_condition(in, condition_code::keloid, condition_status::history, {area::chest});
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "keloid_history", effect::proceed_with_caution);
    mt::check_complications(f, {complication::scarring});
    mt::check_reason_mentions(f, "chest");
    CHECK(f.areas.empty());
    mt::check_decision(r, decision::proceed_with_caution);
  }
  SECTION("keloid of any status counts, even resolved") {
    add_condition(in, condition_code::keloid, condition_status::resolved, {area::back});
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "keloid_history", effect::proceed_with_caution);
    mt::check_reason_mentions(f, "back");
  }
  SECTION("hypertrophic scarring") {
    add_condition(in, condition_code::hypertrophic_scarring, condition_status::history,
                  {area::abdomen});
    mt::require_flag(run(in, plan), "keloid_history", effect::proceed_with_caution);
  }
  SECTION("depth exactly 1.0 mm is not above 1 mm") {
    plan.needle_depth = millimetres{1.0};
    add_condition(in, condition_code::keloid, condition_status::history, {area::chest});
    mt::require_flag(run(in, plan), "keloid_history", effect::proceed_with_caution);
  }
}

TEST_CASE("keloid_history: graded default modifies RF or deeper than 1 mm plans",
          "[rules][keloid_history][trigger]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::keloid, condition_status::history, {area::chest});
  procedure_plan plan = basic_plan();
  SECTION("RF microneedling at 1.0 mm") { plan.device = device_type::rf_microneedling; }
  SECTION("pen at 1.25 mm") { plan.needle_depth = millimetres{1.25}; }
  SECTION("RF at 0.5 mm") {
    plan.device = device_type::rf_microneedling;
    plan.needle_depth = millimetres{0.5};
  }
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "keloid_history", effect::modify_plan);
  CHECK(f.areas.empty());
  mt::check_decision(r, decision::modify_plan);
}

TEST_CASE("keloid_history: a keloid in a planned area excludes that area",
          "[rules][keloid_history][trigger]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::keloid, condition_status::history, {area::cheeks});
  procedure_plan plan = basic_plan();
  SECTION("other areas remain: modify_plan listing the excluded area") {
    plan.areas = {area::cheeks, area::chin};
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "keloid_history", effect::modify_plan);
    mt::check_areas(f, {area::cheeks});
    mt::check_decision(r, decision::modify_plan);
  }
  SECTION("every planned area excluded: do_not_treat") {
    plan.areas = {area::cheeks};
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "keloid_history", effect::do_not_treat);
    mt::check_areas(f, {area::cheeks});
    mt::check_decision(r, decision::do_not_treat);
  }
  SECTION("the exclusion still applies under a lenient policy value") {
    policy p;
    p.keloid_history_effect = effect::proceed_with_caution;
    plan.areas = {area::cheeks, area::chin};
    const report r = run(in, plan, p);
    const flag& f = mt::require_flag(r, "keloid_history", effect::modify_plan);
    mt::check_areas(f, {area::cheeks});
  }
}

TEST_CASE("keloid_history: the policy value replaces the graded default",
          "[rules][keloid_history][trigger][policy]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::keloid, condition_status::history, {area::chest});
  procedure_plan plan = basic_plan();
  policy p;
  SECTION("do_not_treat for a shallow pen plan") {
    p.keloid_history_effect = effect::do_not_treat;
    plan.needle_depth = millimetres{0.5};
    const report r = run(in, plan, p);
    mt::require_flag(r, "keloid_history", effect::do_not_treat);
    mt::check_decision(r, decision::do_not_treat);
  }
  SECTION("proceed_with_caution even for RF") {
    p.keloid_history_effect = effect::proceed_with_caution;
    plan.device = device_type::rf_microneedling;
    const report r = run(in, plan, p);
    mt::require_flag(r, "keloid_history", effect::proceed_with_caution);
    mt::check_decision(r, decision::proceed_with_caution);
  }
  SECTION("modify_plan for a shallow pen plan") {
    p.keloid_history_effect = effect::modify_plan;
    plan.needle_depth = millimetres{0.5};
    mt::require_flag(run(in, plan, p), "keloid_history", effect::modify_plan);
  }
}

TEST_CASE("keloid_history: non-keloid hypertrophic scar in the area is not an exclusion",
          "[rules][keloid_history][quiet]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::hypertrophic_scarring, condition_status::history,
                {area::cheeks});
  procedure_plan plan = basic_plan();
  plan.areas = {area::cheeks};
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "keloid_history", effect::proceed_with_caution);
  CHECK(f.areas.empty());
}

TEST_CASE("keloid_history: keloid on the chest with only the scalp treated is no exclusion",
          "[rules][keloid_history][quiet]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::keloid, condition_status::history, {area::chest});
  procedure_plan plan = basic_plan();
  plan.areas = {area::scalp};
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "keloid_history", effect::proceed_with_caution);
  CHECK(f.areas.empty());
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("keloid_history: denied keloid with unrelated conditions stays quiet",
          "[rules][keloid_history][quiet]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::tattoo, condition_status::active, {area::arms});
  add_condition(in, condition_code::acne_vulgaris, condition_status::history, {area::cheeks});
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "keloid_history");
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("keloid_history: unknown keloid tendency is asked", "[rules][keloid_history][unknown]") {
  intake in = healthy_intake();
  mt::undeny(in, question::keloid);
  SECTION("nothing recorded: asked") {
    const report r = run(in, basic_plan());
    mt::require_quiet(r, "keloid_history");
    mt::check_asks(r, question::keloid);
  }
  SECTION("a hypertrophic scar answers it") {
    add_condition(in, condition_code::hypertrophic_scarring, condition_status::history,
                  {area::arms});
    const report r = run(in, basic_plan());
    mt::check_does_not_ask(r, question::keloid);
  }
}

// --- explain: each rule's cases (tests/rules/explain_test.cpp runs them) -----------------

namespace {
using namespace mnscreen::test::explain;
const explain_cases_for scarring_explain_cases{
    {"keloid_history",
     {with_condition(condition_code::keloid, {}, condition_status::history), nothing,
      unknown(question::keloid)}}};
}  // namespace
