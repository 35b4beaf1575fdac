// SPDX-License-Identifier: Apache-2.0
// clinical-spec.md "Clarifications in 2026.2": one test per clarification, named after it, each
// proving what the spec now decides (docs/architecture.md, "Reading the spec", points here).
#include <algorithm>
#include <string>
#include <string_view>

#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;
using mt::add_allergy;
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

const diagnostic* find_diagnostic(const std::vector<diagnostic>& ds, std::string_view code,
                                  std::string_view path) {
  const auto it = std::find_if(
      ds.begin(), ds.end(), [&](const diagnostic& x) { return x.code == code && x.path == path; });
  return it == ds.end() ? nullptr : &*it;
}

std::string dump(const std::vector<diagnostic>& ds) {
  std::string out;
  for (const diagnostic& x : ds) out += format(x) + '\n';
  return out;
}

constexpr std::string_view plan_head = R"({"schema": "mnscreen.plan/1", "date": "2026-12-01",
  "device": "pen", "needle_depth_mm": 0.5, "anesthetic": "none", "setting": "clinic",
  "needle_material": "stainless_steel", "single_use_needles": true, )";

}  // namespace

TEST_CASE("clarification 2026.2: waits end on a date",
          "[rules][clarification][recent_filler][recent_hair_removal][isotretinoin_recent]") {
  const procedure_plan plan = basic_plan();  // 2026-12-01, cheeks
  SECTION("a procedure exactly `wait` days before the plan date no longer defers") {
    intake in = healthy_intake();
    add_procedure(in, procedure_code::dermal_filler, days_before(plan, 14), {area::cheeks});
    const report r = run(in, plan);
    mt::require_quiet(r, "recent_filler");
    mt::check_decision(r, decision::proceed);
  }
  SECTION("one day less defers until the event date + wait, the date the wait ends") {
    intake in = healthy_intake();
    const date waxed = days_before(plan, 6);
    add_procedure(in, procedure_code::waxing, waxed, {area::cheeks});
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "recent_hair_removal", effect::defer);
    mt::check_defer_to(r, f, shift(waxed, 7));
    // On that date the same record is quiet.
    procedure_plan later = plan;
    later.date = shift(waxed, 7);
    mt::require_quiet(run(in, later), "recent_hair_removal");
  }
  SECTION("an isotretinoin wash-out ends on stop + washout days") {
    intake in = healthy_intake();
    add_medication(in, medication_code::isotretinoin, route::oral, days_before(plan, 180));
    mt::require_quiet(run(in, plan), "isotretinoin_recent");
    in.medications.back().stop = days_before(plan, 179);
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "isotretinoin_recent", effect::defer);
    mt::check_defer_to(r, f, shift(plan.date, 1));
  }
}

TEST_CASE("clarification 2026.2: lab age limits are inclusive",
          "[rules][clarification][inr_above_limit][diabetes_control]") {
  const procedure_plan plan = basic_plan();
  const policy p;
  SECTION("an INR exactly inr_max_age_days old still counts") {
    intake in = healthy_intake();
    add_medication(in, medication_code::warfarin, route::oral);
    add_lab(in, lab_code::inr, 3.6, days_before(plan, p.inr_max_age_days));
    const report r = run(in, plan);
    mt::require_flag(r, "inr_above_limit", effect::defer);
    mt::check_does_not_ask(r, question::inr);
    // One day older: unknown, asked, and no INR flag.
    in.labs.back().date = days_before(plan, p.inr_max_age_days + 1);
    const report older = run(in, plan);
    mt::require_quiet(older, "inr_above_limit");
    mt::check_asks(older, question::inr);
  }
  SECTION("an HbA1c exactly hba1c_max_age_days old still counts") {
    intake in = healthy_intake();
    add_condition(in, condition_code::diabetes_mellitus);
    add_lab(in, lab_code::hba1c, 9.5, days_before(plan, p.hba1c_max_age_days));
    const report r = run(in, plan);
    mt::require_flag(r, "diabetes_control", effect::defer);
    mt::check_does_not_ask(r, question::hba1c);
    in.labs.back().date = days_before(plan, p.hba1c_max_age_days + 1);
    mt::check_asks(run(in, plan), question::hba1c);
  }
}

TEST_CASE("clarification 2026.2: device-specific exclusions are plan changes, not refusals",
          "[rules][clarification][rf_over_metal][skin_cancer_in_area]") {
  intake in = healthy_intake();
  add_device(in, device_code::gold_threads, {area::cheeks});
  SECTION("RF over gold threads in every planned area: modify_plan, non-RF") {
    const report r = run(in, rf_plan());
    const flag& f = mt::require_flag(r, "rf_over_metal", effect::modify_plan);
    CHECK(mt::mentions(f.action, "non-RF"));
    mt::check_decision(r, decision::modify_plan);
  }
  SECTION("a pen over the same threads: proceed") {
    const report r = run(in, basic_plan());
    mt::require_quiet(r, "rf_over_metal");
    mt::check_decision(r, decision::proceed);
  }
  SECTION("with skin cancer elsewhere in the plan the exclusions together do not refuse it") {
    procedure_plan plan = rf_plan();
    plan.areas = {area::cheeks, area::nose};
    plan.needle_depth = millimetres{0.5};
    add_condition(in, condition_code::skin_cancer, condition_status::active, {area::nose});
    const report r = run(in, plan);
    mt::require_flag(r, "skin_cancer_in_area", effect::modify_plan);
    mt::require_flag(r, "rf_over_metal", effect::modify_plan);
    mt::check_decision(r, decision::modify_plan);
  }
}

TEST_CASE(
    "clarification 2026.2: scars (keloid sites exclude, keloid without site and "
    "hypertrophic scarring are history)",
    "[rules][clarification][keloid_history]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();  // cheeks, 1.0 mm pen
  plan.areas = {area::cheeks, area::chin};
  SECTION("a keloid with recorded sites in the plan is an area exclusion") {
    add_condition(in, condition_code::keloid, condition_status::history, {area::chin});
    const report r_f = run(in, plan);
    const flag& f = mt::require_flag(r_f, "keloid_history", effect::modify_plan);
    mt::check_areas(f, {area::chin});
    plan.areas = {area::chin};
    const report r_all = run(in, plan);
    const flag& all = mt::require_flag(r_all, "keloid_history", effect::do_not_treat);
    mt::check_areas(all, {area::chin});
  }
  SECTION("a keloid with no recorded site is history (keloid_history_effect), not an exclusion") {
    add_condition(in, condition_code::keloid, condition_status::history);
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "keloid_history", effect::proceed_with_caution);
    CHECK(f.areas.empty());
    mt::check_decision(r, decision::proceed_with_caution);
  }
  SECTION("hypertrophic scarring in the planned area is history only, never an exclusion") {
    add_condition(in, condition_code::hypertrophic_scarring, condition_status::active,
                  {area::cheeks, area::chin});
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "keloid_history", effect::proceed_with_caution);
    CHECK(f.areas.empty());
    mt::check_decision(r, decision::proceed_with_caution);
  }
}

TEST_CASE("clarification 2026.2: anaesthetic allergy with no anaesthetic planned is info",
          "[rules][clarification][anesthetic_allergy]") {
  intake in = healthy_intake();
  add_allergy(in, allergy_substance::lidocaine, allergy_severity::anaphylaxis);
  procedure_plan plan = basic_plan();
  plan.anesthetic = anesthetic::none;
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "anesthetic_allergy", effect::info);
  CHECK(mt::mentions(f.action, "free of local anaesthetics"));
  CHECK(mt::mentions(f.action, "anaesthetic-containing serums"));
  mt::check_does_not_ask(r, question::anesthetic_allergy);
  mt::check_decision(r, decision::proceed);
  // With an anaesthetic planned the same allergy changes the plan, as before.
  plan.anesthetic = anesthetic::lidocaine;
  mt::require_flag(run(in, plan), "anesthetic_allergy", effect::modify_plan);
}

TEST_CASE("clarification 2026.2: age on 29 February is reached on 1 March in common years",
          "[rules][clarification][minor]") {
  intake in = healthy_intake();
  in.patient.birth_date = d("2008-02-29");
  procedure_plan plan = basic_plan();
  plan.date = d("2026-02-28");
  const report r_f = run(in, plan);
  const flag& f = mt::require_flag(r_f, "minor", effect::proceed_with_caution);
  mt::check_reason_mentions(f, "17");
  plan.date = d("2026-03-01");
  mt::require_quiet(run(in, plan), "minor");
  // In a leap year the birthday itself counts (policy minimum age 16: born 2012-02-29).
  policy p;
  p.minimum_age = 16;
  in.patient.birth_date = d("2012-02-29");
  plan.date = d("2028-02-28");
  mt::require_flag(run(in, plan, p), "minor", effect::proceed_with_caution);
  plan.date = d("2028-02-29");
  mt::require_quiet(run(in, plan, p), "minor");
}

TEST_CASE("clarification 2026.2: a minor with a home plan modifies the plan",
          "[rules][clarification][minor]") {
  intake in = healthy_intake();
  const procedure_plan plan = home_plan();
  in.patient.birth_date = mt::born_years_before(plan.date, 17);
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "minor", effect::modify_plan);
  mt::check_reason_mentions(f, "home");
  mt::check_decision(r, decision::modify_plan);
  in.patient.birth_date = mt::born_years_before(plan.date, 18);
  mt::require_quiet(run(in, plan), "minor");
}

TEST_CASE("clarification 2026.2: the group word body does not include the eyelids",
          "[rules][clarification][within_orbital_rim]") {
  const auto parsed = parse_plan(std::string(plan_head) + R"("areas": ["body"]})");
  INFO(dump(parsed.diagnostics));
  REQUIRE(parsed.ok());
  const std::vector<area>& got = parsed.value.areas;
  CHECK(std::find(got.begin(), got.end(), area::eyelids) == got.end());
  CHECK(std::find(got.begin(), got.end(), area::scalp) == got.end());
  CHECK(std::find(got.begin(), got.end(), area::cheeks) == got.end());
  for (area a : {area::neck, area::decolletage, area::chest, area::back, area::arms, area::hands,
                 area::abdomen, area::buttocks, area::thighs, area::legs}) {
    CAPTURE(to_string(a));
    CHECK(std::find(got.begin(), got.end(), a) != got.end());
  }
  CHECK(got.size() == 10);
  // So a body plan is never within the orbital rim.
  mt::require_quiet(run(healthy_intake(), parsed.value), "within_orbital_rim");
}

TEST_CASE("clarification 2026.2: aspirin and NSAIDs do not count for home use",
          "[rules][clarification][home_use_high_risk][aspirin_or_nsaid]") {
  intake in = healthy_intake();
  SECTION("aspirin") { add_medication(in, medication_code::aspirin, route::oral); }
  SECTION("ibuprofen") { add_medication(in, medication_code::ibuprofen, route::oral); }
  const report r = run(in, home_plan());
  mt::require_flag(r, "aspirin_or_nsaid", effect::proceed_with_caution);
  mt::require_quiet(r, "home_use_high_risk");
  // An antiplatelet does count.
  add_medication(in, medication_code::clopidogrel, route::oral);
  mt::require_flag(run(in, home_plan()), "home_use_high_risk", effect::modify_plan);
}

TEST_CASE("clarification 2026.2: cancer_active alone defers as immunosuppressed",
          "[rules][clarification][immunosuppressed]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::cancer_active);
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "immunosuppressed", effect::defer);
  mt::check_open_defer(r, f);
  // Resolved, it is not present.
  in.conditions.back().status = condition_status::resolved;
  mt::require_quiet(run(in, basic_plan()), "immunosuppressed");
}

TEST_CASE("clarification 2026.2: require_hsv_prophylaxis false makes hsv_history_prophylaxis info",
          "[rules][clarification][hsv_history_prophylaxis][policy]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::hsv_labialis, condition_status::history);
  policy p;
  mt::require_flag(run(in, basic_plan(), p), "hsv_history_prophylaxis",
                   effect::proceed_with_caution);
  p.require_hsv_prophylaxis = false;
  const report r = run(in, basic_plan(), p);
  mt::require_flag(r, "hsv_history_prophylaxis", effect::info);
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("clarification 2026.2: rule ids of hair removal, microdermabrasion and IPL",
          "[rules][clarification][recent_hair_removal][recent_dermabrasion][recent_laser]") {
  const procedure_plan plan = basic_plan();
  struct id_case {
    procedure_code code;
    std::string_view rule;
  };
  const id_case cases[] = {{procedure_code::shaving, "recent_hair_removal"},
                           {procedure_code::waxing, "recent_hair_removal"},
                           {procedure_code::threading, "recent_hair_removal"},
                           {procedure_code::electrolysis, "recent_hair_removal"},
                           {procedure_code::microdermabrasion, "recent_dermabrasion"},
                           {procedure_code::ipl, "recent_laser"}};
  for (const id_case& c : cases) {
    CAPTURE(to_string(c.code));
    intake in = healthy_intake();
    add_procedure(in, c.code, plan.date, {area::cheeks});  // the same day: inside every wait
    const report r = run(in, plan);
    mt::require_flag(r, c.rule, effect::defer);
    REQUIRE(r.flags.size() == 1);  // under no other id
  }
}

TEST_CASE("clarification 2026.2: a medicine whose stop date is after the plan date is current",
          "[rules][clarification][antiplatelet_therapy][isotretinoin_recent]") {
  const procedure_plan plan = basic_plan();
  intake in = healthy_intake();
  add_medication(in, medication_code::clopidogrel, route::oral, shift(plan.date, 10));
  mt::require_flag(run(in, plan), "antiplatelet_therapy", effect::proceed_with_caution);
  // Stopped on the plan date: still current that day.
  in.medications.back().stop = plan.date;
  mt::require_flag(run(in, plan), "antiplatelet_therapy", effect::proceed_with_caution);
  // Isotretinoin to be stopped after the plan: current, so the open-ended current effect.
  intake iso = healthy_intake();
  add_medication(iso, medication_code::isotretinoin, route::oral, shift(plan.date, 30));
  const report r = run(iso, plan);
  const flag& f = mt::require_flag(r, "isotretinoin_recent", effect::defer);
  mt::check_open_defer(r, f);
}

TEST_CASE("clarification 2026.2: question words", "[rules][clarification][questions]") {
  const procedure_plan plan = basic_plan();
  SECTION("birth_date is always asked") {
    intake in = healthy_intake();
    in.patient.birth_date.reset();
    mt::check_asks(run(in, plan), question::birth_date);
  }
  SECTION("sex only when pregnancy could apply") {
    intake in = healthy_intake();
    in.patient.sex.reset();
    in.patient.birth_date = mt::born_years_before(plan.date, 30);
    mt::check_asks(run(in, plan), question::sex);
    in.patient.birth_date.reset();
    mt::check_asks(run(in, plan), question::sex);
    in.patient.birth_date = mt::born_years_before(plan.date, 70);
    const report old = run(in, plan);
    mt::check_does_not_ask(old, question::sex);
    CHECK(old.complete);
    mt::check_decision(old, decision::proceed);
    // Both ends of 12-55: at 12 the answer could matter, at 11 it cannot.
    in.patient.birth_date = mt::born_years_before(plan.date, 12);
    mt::check_asks(run(in, plan), question::sex);
    in.patient.birth_date = mt::born_years_before(plan.date, 11);
    mt::check_does_not_ask(run(in, plan), question::sex);
  }
  SECTION("pregnancy and breastfeeding: female 12-55, both ends included") {
    intake in = mt::healthy_woman();
    in.patient.pregnant = known::unknown;
    in.patient.breastfeeding = known::unknown;
    for (const int age : {11, 12, 55, 56}) {
      CAPTURE(age);
      in.patient.birth_date = mt::born_years_before(plan.date, age);
      const report r = run(in, plan);
      const bool asked = age >= 12 && age <= 55;
      CHECK(mt::asks(r, question::pregnancy) == asked);
      CHECK(mt::asks(r, question::breastfeeding) == asked);
    }
  }
  SECTION("fitzpatrick for every plan (the dyspigmentation score needs it)") {
    intake in = healthy_intake();
    in.patient.fitzpatrick.reset();
    mt::check_asks(run(in, plan), question::fitzpatrick);
    mt::check_asks(run(in, rf_plan()), question::fitzpatrick);
  }
  SECTION("single_use_needles when the plan does not say") {
    procedure_plan unsure = plan;
    unsure.single_use_needles = known::unknown;
    mt::check_asks(run(healthy_intake(), unsure), question::single_use_needles);
  }
  SECTION("hsv_labialis wherever hsv_prophylaxis_scope reaches") {
    intake in = healthy_intake();
    mt::undeny(in, question::hsv_labialis);
    procedure_plan body = plan;
    body.areas = {area::back};
    policy p;
    mt::check_does_not_ask(run(in, body, p), question::hsv_labialis);
    p.hsv_prophylaxis_scope = hsv_scope::any;
    mt::check_asks(run(in, body, p), question::hsv_labialis);
  }
  SECTION("anesthetic_allergy only when an anaesthetic is planned") {
    intake in = healthy_intake();
    mt::undeny(in, question::anesthetic_allergy);
    mt::check_does_not_ask(run(in, plan), question::anesthetic_allergy);  // none
    procedure_plan lido = plan;
    lido.anesthetic = anesthetic::lidocaine;
    mt::check_asks(run(in, lido), question::anesthetic_allergy);
  }
}

TEST_CASE("clarification 2026.2: bad input (unknown policy setting, no areas, duplicate key)",
          "[rules][clarification][validation]") {
  SECTION("an unknown policy setting name is refused") {
    const auto r = parse_policy(R"({"schema": "mnscreen.policy/1", "name": "typo",
      "inr_maximum": 2.5})");
    INFO(dump(r.diagnostics));
    const diagnostic* x = find_diagnostic(r.diagnostics, "unknown_setting", "$.inr_maximum");
    REQUIRE(x != nullptr);
    CHECK(x->severity == severity::error);
    CHECK(mt::mentions(x->message, "refused"));
    CHECK_FALSE(mt::mentions(x->message, "ignored"));
    CHECK_FALSE(r.ok());
  }
  SECTION("a plan with no areas") {
    const auto r = parse_plan(std::string(plan_head) + R"("areas": []})");
    INFO(dump(r.diagnostics));
    const diagnostic* x = find_diagnostic(r.diagnostics, "missing_field", "$.areas");
    REQUIRE(x != nullptr);
    CHECK(x->severity == severity::error);
    CHECK_FALSE(r.ok());
    // A plan built in code without areas cannot be screened either.
    procedure_plan none = basic_plan();
    none.areas.clear();
    const report s = run(healthy_intake(), none);
    CHECK(s.decision == decision::cannot_screen);
    CHECK(s.flags.empty());
  }
  SECTION("a duplicate JSON key") {
    const auto r =
        parse_plan(std::string(plan_head) + R"("areas": ["cheeks"], "needle_depth_mm": 2.5})");
    INFO(dump(r.diagnostics));
    const diagnostic* x = find_diagnostic(r.diagnostics, "duplicate_key", "$.needle_depth_mm");
    REQUIRE(x != nullptr);
    CHECK(x->severity == severity::error);
    CHECK_FALSE(r.ok());
  }
}
