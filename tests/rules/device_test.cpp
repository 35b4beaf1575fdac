// SPDX-License-Identifier: Apache-2.0
// Rules of clinical-spec.md "Device and plan".
#include <utility>

#include "explain_cases.hpp"
#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;
using mt::add_condition;
using mt::add_device;
using mt::add_lab;
using mt::add_medication;
using mt::add_procedure;
using mt::basic_plan;
using mt::d;
using mt::days_before;
using mt::healthy_intake;
using mt::run;
using mt::shift;

namespace {

procedure_plan rf_plan() {
  procedure_plan p = basic_plan();
  p.device = device_type::rf_microneedling;
  return p;
}

procedure_plan home_plan() {
  procedure_plan p = basic_plan();
  p.setting = setting::home;
  p.needle_depth = millimetres{0.25};
  return p;
}

}  // namespace

// --- rf_with_implanted_device -----------------------------------------------------------------

TEST_CASE("rf_with_implanted_device: RF with an active implant modifies the plan",
          "[rules][rf_with_implanted_device][trigger]") {
  intake in = healthy_intake();
  const std::pair<device_code, const char*> cases[] = {
      {device_code::pacemaker, "pacemaker"},
      {device_code::icd, "icd"},
      {device_code::neurostimulator, "neurostimulator"},
      {device_code::cochlear_implant, "cochlear"},
      {device_code::insulin_pump, "insulin"}};
  for (const auto& [code, word] : cases) {
    CAPTURE(word);
    intake one = in;
    add_device(one, code);
    const report r = run(one, rf_plan());
    const flag& f = mt::require_flag(r, "rf_with_implanted_device", effect::modify_plan);
    mt::check_reason_mentions(f, word);
    mt::check_decision(r, decision::modify_plan);
  }
}

TEST_CASE("rf_with_implanted_device: a non-RF device or a passive implant stays quiet",
          "[rules][rf_with_implanted_device][quiet]") {
  intake in = healthy_intake();
  procedure_plan plan = rf_plan();
  SECTION("pen with a pacemaker") {
    add_device(in, device_code::pacemaker);
    plan.device = device_type::pen;
  }
  SECTION("RF with a metal implant in the legs") {
    add_device(in, device_code::metal_implant, {area::legs});
  }
  const report r = run(in, plan);
  mt::require_quiet(r, "rf_with_implanted_device");
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("rf_with_implanted_device: unknown implants are asked for RF plans only",
          "[rules][rf_with_implanted_device][unknown]") {
  intake in = healthy_intake();
  mt::undeny(in, question::implanted_device);
  SECTION("RF plan asks") {
    const report r = run(in, rf_plan());
    mt::require_quiet(r, "rf_with_implanted_device");
    mt::check_asks(r, question::implanted_device);
  }
  SECTION("pen plan does not ask") {
    const report r = run(in, basic_plan());
    mt::check_does_not_ask(r, question::implanted_device);
    CHECK(r.complete);
  }
  SECTION("any device entry answers it") {
    add_device(in, device_code::metal_implant, {area::legs});
    mt::check_does_not_ask(run(in, rf_plan()), question::implanted_device);
  }
}

// --- rf_over_metal ----------------------------------------------------------------------------

TEST_CASE("rf_over_metal: RF over metal or gold threads or permanent filler excludes the area",
          "[rules][rf_over_metal][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = rf_plan();
  SECTION("metal implant in the cheeks, cheeks and chin planned") {
    add_device(in, device_code::metal_implant, {area::cheeks});
    plan.areas = {area::cheeks, area::chin};
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "rf_over_metal", effect::modify_plan);
    mt::check_areas(f, {area::cheeks});
    mt::check_reason_mentions(f, "cheeks");
    mt::check_decision(r, decision::modify_plan);
  }
  SECTION("gold threads in the cheeks, only cheeks planned: a plan change, not a refusal") {
    // 2026.1 gave do_not_treat here; 2026.2 makes device-specific exclusions plan changes.
    add_device(in, device_code::gold_threads, {area::cheeks});
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "rf_over_metal", effect::modify_plan);
    mt::check_areas(f, {area::cheeks});
    CHECK(mt::mentions(f.action, "non-RF"));
    mt::check_decision(r, decision::modify_plan);
  }
  SECTION("permanent filler with no recorded site overlaps every area") {
    add_device(in, device_code::dermal_filler_permanent);
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "rf_over_metal", effect::modify_plan);
    mt::check_reason_mentions(f, "site not recorded");
    mt::check_decision(r, decision::modify_plan);
  }
}

// clinical-spec 2026.2, "Device-specific exclusions are plan changes, not refusals".

TEST_CASE("rf_over_metal: RF over metal in every planned area modifies the plan",
          "[rules][rf_over_metal][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = rf_plan();
  plan.areas = {area::cheeks, area::jawline};
  add_device(in, device_code::metal_implant, {area::jawline});
  add_device(in, device_code::gold_threads, {area::cheeks});
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "rf_over_metal", effect::modify_plan);
  mt::check_areas(f, {area::cheeks, area::jawline});
  mt::check_reason_mentions(f, "gold threads");
  mt::check_reason_mentions(f, "metal implant");
  // The change that makes the plan acceptable: another device (leaving the areas out would
  // leave nothing).
  CHECK(mt::mentions(f.action, "non-RF microneedling"));
  CHECK(mt::mentions(f.action, "every planned area"));
  mt::check_decision(r, decision::modify_plan);
}

TEST_CASE("rf_over_metal: RF with a metal implant of no recorded site modifies the plan",
          "[rules][rf_over_metal][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = rf_plan();
  plan.areas = {area::cheeks, area::forehead};
  add_device(in, device_code::metal_implant);
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "rf_over_metal", effect::modify_plan);
  mt::check_reason_mentions(f, "site not recorded");
  CHECK(mt::mentions(f.action, "non-RF microneedling"));
  CHECK(mt::mentions(f.action, "record the site of the metal implant"));
  mt::check_decision(r, decision::modify_plan);
}

TEST_CASE("rf_over_metal: a pen over the same metal, every area or no recorded site, proceeds",
          "[rules][rf_over_metal][quiet]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();  // pen, cheeks
  SECTION("gold threads in the cheeks") {
    add_device(in, device_code::gold_threads, {area::cheeks});
  }
  SECTION("metal implant, no recorded site") { add_device(in, device_code::metal_implant); }
  const report r = run(in, plan);
  mt::require_quiet(r, "rf_over_metal");
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("rf_over_metal: skin cancer in one area and RF over metal in the other modify the plan",
          "[rules][rf_over_metal][skin_cancer_in_area][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = rf_plan();
  plan.areas = {area::cheeks, area::nose};
  add_condition(in, condition_code::skin_cancer, condition_status::active, {area::nose});
  add_device(in, device_code::metal_implant, {area::cheeks});
  const report r = run(in, plan);
  const flag& cancer = mt::require_flag(r, "skin_cancer_in_area", effect::modify_plan);
  mt::check_areas(cancer, {area::nose});
  const flag& metal = mt::require_flag(r, "rf_over_metal", effect::modify_plan);
  mt::check_areas(metal, {area::cheeks});
  // Leaving out the nose and the cheeks would leave nothing: the action says non-RF.
  CHECK(mt::mentions(metal.action, "Use non-RF microneedling"));
  CHECK(mt::mentions(metal.action, "no planned area"));
  mt::check_decision(r, decision::modify_plan);

  SECTION(
      "with the eyelids planned too, the device-independent exclusions still leave the "
      "cheeks") {
    plan.areas.push_back(area::eyelids);
    const report r2 = run(in, plan);
    mt::require_flag(r2, "skin_cancer_in_area", effect::modify_plan);
    mt::require_flag(r2, "within_orbital_rim", effect::modify_plan);
    mt::require_flag(r2, "rf_over_metal", effect::modify_plan);
    mt::check_decision(r2, decision::modify_plan);
  }
  SECTION("a metal implant of no recorded site keeps its own action (record the site)") {
    in.devices.back().sites.clear();
    const report r3 = run(in, plan);
    const flag& unsited = mt::require_flag(r3, "rf_over_metal", effect::modify_plan);
    CHECK(mt::mentions(unsited.action, "record the site"));
    mt::check_decision(r3, decision::modify_plan);
  }
}

TEST_CASE(
    "skin_cancer_in_area: skin cancer in every planned area does not treat, RF over metal "
    "or not",
    "[rules][skin_cancer_in_area][rf_over_metal][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = rf_plan();
  plan.areas = {area::cheeks, area::nose};
  add_condition(in, condition_code::skin_cancer, condition_status::active, {area::nose});
  add_condition(in, condition_code::skin_cancer, condition_status::active, {area::cheeks});
  add_device(in, device_code::metal_implant, {area::cheeks});
  const report r = run(in, plan);
  const flag& cancer = mt::require_flag(r, "skin_cancer_in_area", effect::do_not_treat);
  mt::check_areas(cancer, {area::cheeks, area::nose});
  // The device-specific exclusion stays a plan change; the device-independent one refuses.
  mt::require_flag(r, "rf_over_metal", effect::modify_plan);
  mt::check_decision(r, decision::do_not_treat);

  SECTION("two device-independent exclusions covering the plan together refuse it") {
    in.conditions.pop_back();  // the cheeks' cancer
    plan.areas = {area::nose, area::eyelids};
    add_device(in, device_code::gold_threads, {area::nose});
    const report r2 = run(in, plan);
    mt::require_flag(r2, "skin_cancer_in_area", effect::do_not_treat);
    mt::require_flag(r2, "within_orbital_rim", effect::do_not_treat);
    mt::require_flag(r2, "rf_over_metal", effect::modify_plan);
    mt::check_decision(r2, decision::do_not_treat);
  }
}

TEST_CASE("rf_over_metal: no RF or metal elsewhere stays quiet", "[rules][rf_over_metal][quiet]") {
  intake in = healthy_intake();
  procedure_plan plan = rf_plan();
  SECTION("pen over a metal implant in the cheeks") {
    add_device(in, device_code::metal_implant, {area::cheeks});
    plan.device = device_type::pen;
  }
  SECTION("RF with a metal implant in the legs") {
    add_device(in, device_code::metal_implant, {area::legs});
  }
  SECTION("RF with gold threads in the jawline, cheeks planned") {
    add_device(in, device_code::gold_threads, {area::jawline});
  }
  const report r = run(in, plan);
  mt::require_quiet(r, "rf_over_metal");
  mt::check_decision(r, decision::proceed);
}

// --- rf_over_recent_filler --------------------------------------------------------------------

TEST_CASE("rf_over_recent_filler: RF over filler within the wait defers until filler + wait",
          "[rules][rf_over_recent_filler][trigger]") {
  intake in = healthy_intake();
  const procedure_plan plan = rf_plan();
  policy p;
  int wait = 30;
  int ago = 20;
  SECTION("filler 20 days before") {}
  SECTION("filler 29 days before") { ago = 29; }
  SECTION("policy rf_filler_wait_days 60, filler 40 days before") {
    p.rf_filler_wait_days = 60;
    wait = 60;
    ago = 40;
  }
  const date when = days_before(plan, ago);
  add_procedure(in, procedure_code::dermal_filler, when, {area::cheeks});
  const report r = run(in, plan, p);
  const flag& f = mt::require_flag(r, "rf_over_recent_filler", effect::defer);
  mt::check_reason_mentions(f, when);
  mt::check_defer_to(r, f, shift(when, wait));
}

TEST_CASE("rf_over_recent_filler: its wait outlasts the plain filler wait",
          "[rules][rf_over_recent_filler][trigger]") {
  intake in = healthy_intake();
  const procedure_plan plan = rf_plan();
  const date when = days_before(plan, 10);
  add_procedure(in, procedure_code::dermal_filler, when, {area::cheeks});
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "rf_over_recent_filler", effect::defer);
  REQUIRE(f.earliest_safe_date.has_value());
  CHECK(mt::iso(*f.earliest_safe_date) == mt::iso(shift(when, 30)));
  mt::require_flag(r, "recent_filler", effect::defer);
  REQUIRE(r.defer_until.has_value());
  CHECK(mt::iso(*r.defer_until) == mt::iso(shift(when, 30)));
}

TEST_CASE("rf_over_recent_filler: old filler or another area or no RF stays quiet",
          "[rules][rf_over_recent_filler][quiet]") {
  intake in = healthy_intake();
  procedure_plan plan = rf_plan();
  SECTION("filler exactly 30 days before") {
    add_procedure(in, procedure_code::dermal_filler, days_before(plan, 30), {area::cheeks});
  }
  SECTION("filler in the chin, cheeks planned") {
    add_procedure(in, procedure_code::dermal_filler, days_before(plan, 20), {area::chin});
  }
  SECTION("pen over filler 20 days old") {
    plan.device = device_type::pen;
    add_procedure(in, procedure_code::dermal_filler, days_before(plan, 20), {area::cheeks});
  }
  const report r = run(in, plan);
  mt::require_quiet(r, "rf_over_recent_filler");
  mt::check_decision(r, decision::proceed);
}

// --- rf_home_use ------------------------------------------------------------------------------

TEST_CASE("rf_home_use: RF at home modifies the plan", "[rules][rf_home_use][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = home_plan();
  plan.device = device_type::rf_microneedling;
  const report r = run(in, plan);
  mt::require_flag(r, "rf_home_use", effect::modify_plan);
  mt::check_decision(r, decision::modify_plan);
}

TEST_CASE("rf_home_use: RF in clinic or a home pen stays quiet", "[rules][rf_home_use][quiet]") {
  intake in = healthy_intake();
  SECTION("RF in clinic") { mt::require_quiet(run(in, rf_plan()), "rf_home_use"); }
  SECTION("pen at home") {
    const report r = run(in, home_plan());
    mt::require_quiet(r, "rf_home_use");
    mt::check_decision(r, decision::proceed);
  }
}

// --- within_orbital_rim -----------------------------------------------------------------------

TEST_CASE("within_orbital_rim: eyelids are an area exclusion",
          "[rules][within_orbital_rim][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  plan.needle_depth = millimetres{0.25};
  SECTION("eyelids with cheeks: drop the eyelids") {
    plan.areas = {area::eyelids, area::cheeks};
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "within_orbital_rim", effect::modify_plan);
    mt::check_areas(f, {area::eyelids});
    mt::check_decision(r, decision::modify_plan);
  }
  SECTION("eyelids only: do_not_treat") {
    plan.areas = {area::eyelids};
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "within_orbital_rim", effect::do_not_treat);
    mt::check_areas(f, {area::eyelids});
    mt::check_decision(r, decision::do_not_treat);
  }
}

TEST_CASE("within_orbital_rim: periorbital skin outside the rim stays quiet",
          "[rules][within_orbital_rim][quiet]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  plan.areas = {area::periorbital};
  plan.needle_depth = millimetres{0.5};
  const report r = run(in, plan);
  mt::require_quiet(r, "within_orbital_rim");
  mt::check_decision(r, decision::proceed);
}

// --- device_not_single_use --------------------------------------------------------------------

TEST_CASE("device_not_single_use: reused needles modify the plan",
          "[rules][device_not_single_use][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  plan.single_use_needles = known::no;
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "device_not_single_use", effect::modify_plan);
  mt::check_complications(f, {complication::infection});
  mt::check_decision(r, decision::modify_plan);
}

TEST_CASE("device_not_single_use: single-use needles stay quiet",
          "[rules][device_not_single_use][quiet]") {
  const report r = run(healthy_intake(), basic_plan());
  mt::require_quiet(r, "device_not_single_use");
}

TEST_CASE("device_not_single_use: unknown needle reuse is a question and not a flag",
          "[rules][device_not_single_use][unknown]") {
  procedure_plan plan = basic_plan();
  plan.single_use_needles = known::unknown;
  const report r = run(healthy_intake(), plan);
  mt::require_quiet(r, "device_not_single_use");
  mt::check_asks(r, question::single_use_needles);
}

// --- depth_exceeds_area_limit -----------------------------------------------------------------

namespace {

struct area_limit {
  area where;
  double limit_mm;
};

// clinical-spec.md "depth_exceeds_area_limit", transcribed.
constexpr area_limit depth_limits[] = {
    {area::periorbital, 0.5}, {area::nose, 0.5},   {area::forehead, 0.75},   {area::glabella, 0.75},
    {area::perioral, 1.0},    {area::neck, 0.75},  {area::decolletage, 1.0}, {area::hands, 0.5},
    {area::cheeks, 2.0},      {area::chin, 1.5},   {area::jawline, 1.5},     {area::scalp, 1.5},
    {area::arms, 1.5},        {area::chest, 1.5},  {area::back, 2.5},        {area::abdomen, 2.5},
    {area::buttocks, 2.5},    {area::thighs, 2.5}, {area::legs, 2.0}};

}  // namespace

TEST_CASE("depth_exceeds_area_limit: above each area's limit modifies the plan",
          "[rules][depth_exceeds_area_limit][trigger]") {
  const intake in = healthy_intake();
  for (const area_limit& al : depth_limits) {
    CAPTURE(to_string(al.where), al.limit_mm);
    procedure_plan plan = basic_plan();
    plan.areas = {al.where};
    plan.needle_depth = millimetres{al.limit_mm + 0.05};
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "depth_exceeds_area_limit", effect::modify_plan);
    mt::check_areas(f, {al.where});
    mt::check_complications(f, {complication::scarring, complication::bleeding_bruising});
    mt::check_decision(r, decision::modify_plan);
  }
}

TEST_CASE("depth_exceeds_area_limit: a mixed plan names only the too-shallow area",
          "[rules][depth_exceeds_area_limit][trigger]") {
  procedure_plan plan = basic_plan();
  plan.areas = {area::cheeks, area::forehead};
  plan.needle_depth = millimetres{1.0};
  const report r = run(healthy_intake(), plan);
  const flag& f = mt::require_flag(r, "depth_exceeds_area_limit", effect::modify_plan);
  mt::check_areas(f, {area::forehead});
  mt::check_reason_mentions(f, "forehead");
}

TEST_CASE("depth_exceeds_area_limit: depth equal to each area's limit stays quiet",
          "[rules][depth_exceeds_area_limit][quiet]") {
  const intake in = healthy_intake();
  for (const area_limit& al : depth_limits) {
    CAPTURE(to_string(al.where), al.limit_mm);
    procedure_plan plan = basic_plan();
    plan.areas = {al.where};
    plan.needle_depth = millimetres{al.limit_mm};
    const report r = run(in, plan);
    mt::require_quiet(r, "depth_exceeds_area_limit");
    mt::check_decision(r, decision::proceed);
  }
}

// --- home_device_too_deep ---------------------------------------------------------------------

TEST_CASE("home_device_too_deep: home use deeper than the limit modifies the plan",
          "[rules][home_device_too_deep][trigger]") {
  procedure_plan plan = home_plan();
  policy p;
  SECTION("0.5 mm at home") { plan.needle_depth = millimetres{0.5}; }
  SECTION("0.3 mm at home") { plan.needle_depth = millimetres{0.3}; }
  SECTION("policy home_max_depth_mm 1.0, 1.25 mm at home") {
    p.home_max_depth_mm = 1.0;
    plan.needle_depth = millimetres{1.25};
  }
  const report r = run(healthy_intake(), plan, p);
  const flag& f = mt::require_flag(r, "home_device_too_deep", effect::modify_plan);
  mt::check_complications(f, {complication::infection, complication::scarring});
  mt::check_decision(r, decision::modify_plan);
}

TEST_CASE("home_device_too_deep: at the limit or in clinic stays quiet",
          "[rules][home_device_too_deep][quiet]") {
  procedure_plan plan = home_plan();
  policy p;
  SECTION("0.25 mm at home") { plan.needle_depth = millimetres{0.25}; }
  SECTION("policy home_max_depth_mm 1.0, 0.5 mm at home") {
    p.home_max_depth_mm = 1.0;
    plan.needle_depth = millimetres{0.5};
  }
  SECTION("0.5 mm in clinic") {
    plan.setting = setting::clinic;
    plan.needle_depth = millimetres{0.5};
  }
  const report r = run(healthy_intake(), plan, p);
  mt::require_quiet(r, "home_device_too_deep");
  mt::check_decision(r, decision::proceed);
}

// --- home_use_high_risk -----------------------------------------------------------------------

TEST_CASE("home_use_high_risk: home use with a risk factor modifies the plan",
          "[rules][home_use_high_risk][trigger]") {
  intake in = healthy_intake();
  const procedure_plan plan = home_plan();
  SECTION("anticoagulant") { add_medication(in, medication_code::apixaban, route::oral); }
  SECTION("antiplatelet") { add_medication(in, medication_code::clopidogrel, route::oral); }
  SECTION("controlled diabetes") {
    add_condition(in, condition_code::diabetes_mellitus);
    add_lab(in, lab_code::hba1c, 6.8, days_before(plan, 20));
  }
  SECTION("immunosuppression") { add_condition(in, condition_code::immunosuppression); }
  SECTION("keloid history") {
    add_condition(in, condition_code::keloid, condition_status::history, {area::chest});
  }
  SECTION("cold-sore history") {
    add_condition(in, condition_code::hsv_labialis, condition_status::history, {area::perioral});
  }
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "home_use_high_risk", effect::modify_plan);
  mt::check_complications(f, {complication::infection});
  mt::check_decision(r, decision::modify_plan);
}

TEST_CASE("home_use_high_risk: a healthy home user or a high-risk clinic patient stays quiet",
          "[rules][home_use_high_risk][quiet]") {
  intake in = healthy_intake();
  procedure_plan plan = home_plan();
  SECTION("healthy, home") {}
  SECTION("diabetes, clinic") {
    plan.setting = setting::clinic;
    add_condition(in, condition_code::diabetes_mellitus);
    add_lab(in, lab_code::hba1c, 6.8, days_before(plan, 20));
  }
  const report r = run(in, plan);
  mt::require_quiet(r, "home_use_high_risk");
}

// --- pregnancy --------------------------------------------------------------------------------

TEST_CASE("pregnancy: pregnancy defers with no fixed end", "[rules][pregnancy][trigger]") {
  intake in = mt::healthy_woman();
  SECTION("patient.pregnant yes") { in.patient.pregnant = known::yes; }
  SECTION("an active pregnancy condition") {
    in.patient.pregnant = known::unknown;
    add_condition(in, condition_code::pregnancy);
  }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "pregnancy", effect::defer);
  mt::check_open_defer(r, f);
}

TEST_CASE("pregnancy: breastfeeding follows breastfeeding_effect",
          "[rules][pregnancy][trigger][policy]") {
  intake in = mt::healthy_woman();
  in.patient.breastfeeding = known::yes;
  SECTION("default defer") {
    const report r = run(in, basic_plan());
    const flag& f = mt::require_flag(r, "pregnancy", effect::defer);
    mt::check_open_defer(r, f);
  }
  SECTION("policy proceed_with_caution") {
    policy p;
    p.breastfeeding_effect = effect::proceed_with_caution;
    const report r = run(in, basic_plan(), p);
    mt::require_flag(r, "pregnancy", effect::proceed_with_caution);
    mt::check_decision(r, decision::proceed_with_caution);
  }
}

TEST_CASE("pregnancy: pregnant and breastfeeding gives one flag with the graver effect",
          "[rules][pregnancy][trigger][policy]") {
  intake in = mt::healthy_woman();
  in.patient.pregnant = known::yes;
  in.patient.breastfeeding = known::yes;
  policy p;
  p.breastfeeding_effect = effect::proceed_with_caution;
  const report r = run(in, basic_plan(), p);
  const flag& f = mt::require_flag(r, "pregnancy", effect::defer);
  mt::check_open_defer(r, f);
  CHECK(std::count_if(r.flags.begin(), r.flags.end(),
                      [](const flag& x) { return x.rule_id == "pregnancy"; }) == 1);
}

TEST_CASE("pregnancy: not pregnant nor breastfeeding stays quiet", "[rules][pregnancy][quiet]") {
  intake in = mt::healthy_woman();
  SECTION("woman who said no to both") {}
  SECTION("resolved pregnancy (delivered)") {
    add_condition(in, condition_code::pregnancy, condition_status::resolved);
  }
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "pregnancy");
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("pregnancy: unknown pregnancy in a woman of child-bearing age is asked",
          "[rules][pregnancy][unknown]") {
  intake in = mt::healthy_woman();
  in.patient.pregnant = known::unknown;
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "pregnancy");
  mt::check_asks(r, question::pregnancy);
}

// --- minor ------------------------------------------------------------------------------------

TEST_CASE("minor: under the minimum age is a caution", "[rules][minor][trigger]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();  // 2026-12-01
  in.patient.birth_date = d("2008-12-02");   // 17 on the plan date
  const report r = run(in, plan);
  mt::require_flag(r, "minor", effect::proceed_with_caution);
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("minor: RF or home use by a minor modifies the plan", "[rules][minor][trigger]") {
  intake in = healthy_intake();
  in.patient.birth_date = d("2010-05-01");
  SECTION("RF microneedling") {
    mt::require_flag(run(in, rf_plan()), "minor", effect::modify_plan);
  }
  SECTION("home device") { mt::require_flag(run(in, home_plan()), "minor", effect::modify_plan); }
}

TEST_CASE("minor: 18 on the plan date or a lower policy age stays quiet", "[rules][minor][quiet]") {
  intake in = healthy_intake();
  policy p;
  SECTION("eighteenth birthday on the plan date") { in.patient.birth_date = d("2008-12-01"); }
  SECTION("policy minimum_age 16, aged 17") {
    p.minimum_age = 16;
    in.patient.birth_date = d("2008-12-02");
  }
  const report r = run(in, basic_plan(), p);
  mt::require_quiet(r, "minor");
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("minor: a 29 February birthday is reached on 1 March in common years",
          "[rules][minor][trigger][quiet]") {
  intake in = healthy_intake();
  in.patient.birth_date = d("2008-02-29");
  procedure_plan plan = basic_plan();
  SECTION("2026-02-28: still 17") {
    plan.date = d("2026-02-28");
    mt::require_flag(run(in, plan), "minor", effect::proceed_with_caution);
  }
  SECTION("2026-03-01: 18") {
    plan.date = d("2026-03-01");
    mt::require_quiet(run(in, plan), "minor");
  }
}

TEST_CASE("minor: unknown birth date is asked", "[rules][minor][unknown]") {
  intake in = healthy_intake();
  in.patient.birth_date.reset();
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "minor");
  mt::check_asks(r, question::birth_date);
}

// --- prp_bleeding -----------------------------------------------------------------------------

TEST_CASE("prp_bleeding: PRP with a bleeding risk is a caution", "[rules][prp_bleeding][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  plan.adjuncts = {adjunct::prp};
  SECTION("anticoagulant") { add_medication(in, medication_code::rivaroxaban, route::oral); }
  SECTION("low platelets") { add_lab(in, lab_code::platelets, 80, days_before(plan, 5)); }
  SECTION("bleeding disorder") { add_condition(in, condition_code::bleeding_disorder); }
  const report r = run(in, plan);
  mt::require_flag(r, "prp_bleeding", effect::proceed_with_caution);
}

TEST_CASE("prp_bleeding: PRP alone or a bleeding risk without PRP stays quiet",
          "[rules][prp_bleeding][quiet]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  SECTION("PRP, healthy") { plan.adjuncts = {adjunct::prp}; }
  SECTION("anticoagulant, no PRP") {
    add_medication(in, medication_code::rivaroxaban, route::oral);
  }
  const report r = run(in, plan);
  mt::require_quiet(r, "prp_bleeding");
}

// --- explain: each rule's cases (tests/rules/explain_test.cpp runs them) -----------------

namespace {
using namespace mnscreen::test::explain;
const explain_cases_for device_explain_cases{
    {"rf_with_implanted_device",
     {both(rf, [](inputs& x) { mt::add_device(x.in, device_code::pacemaker); }), rf,
      both(rf, unknown(question::implanted_device)),
      [](inputs& x) { mt::add_device(x.in, device_code::pacemaker); }}},
    {"rf_over_metal",
     {both(rf, [](inputs& x) { mt::add_device(x.in, device_code::metal_implant, {area::cheeks}); }),
      rf, both(rf, unknown(question::implanted_device)),
      [](inputs& x) { mt::add_device(x.in, device_code::metal_implant, {area::cheeks}); }}},
    {"rf_over_recent_filler",
     {both(rf, with_procedure(procedure_code::dermal_filler, 20)), rf, std::nullopt,
      with_procedure(procedure_code::dermal_filler, 20)}},
    {"rf_home_use", {both(rf, home), std::nullopt, std::nullopt, rf}},
    {"within_orbital_rim",
     {[](inputs& x) {
        x.plan.areas = {area::eyelids};
        x.plan.needle_depth = millimetres{0.25};
      },
      std::nullopt, std::nullopt, nothing}},
    {"device_not_single_use",
     {[](inputs& x) { x.plan.single_use_needles = known::no; }, nothing,
      [](inputs& x) { x.plan.single_use_needles = known::unknown; }}},
    {"depth_exceeds_area_limit",
     {[](inputs& x) {
        x.plan.areas = {area::forehead};
        x.plan.needle_depth = millimetres{1.5};
      },
      nothing}},
    {"home_device_too_deep",
     {[](inputs& x) {
        home(x);
        x.plan.needle_depth = millimetres{1.0};
      },
      home, std::nullopt, nothing}},
    {"home_use_high_risk",
     {both(home, with_condition(condition_code::keloid, {}, condition_status::history)), home,
      both(home, unknown(question::anticoagulant)),
      with_condition(condition_code::keloid, {}, condition_status::history)}},
    {"pregnancy",
     {[](inputs& x) {
        woman(x);
        x.in.patient.pregnant = known::yes;
      },
      woman,
      [](inputs& x) {
        woman(x);
        x.in.patient.pregnant = known::unknown;
      }}},
    {"minor",
     {[](inputs& x) { x.in.patient.birth_date = mt::born_years_before(x.plan.date, 16); }, nothing,
      [](inputs& x) { x.in.patient.birth_date.reset(); }}},
    {"prp_bleeding",
     {[](inputs& x) {
        x.plan.adjuncts = {adjunct::prp};
        mt::add_lab(x.in, lab_code::platelets, 50, mt::days_before(x.plan, 1));
      },
      [](inputs& x) { x.plan.adjuncts = {adjunct::prp}; },
      [](inputs& x) {
        x.plan.adjuncts = {adjunct::prp};
        mt::undeny(x.in, question::anticoagulant);
      },
      [](inputs& x) { mt::add_lab(x.in, lab_code::platelets, 50, mt::days_before(x.plan, 1)); }}}};
}  // namespace
