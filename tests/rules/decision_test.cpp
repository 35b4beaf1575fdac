// SPDX-License-Identifier: Apache-2.0
// The decision logic of formats.md ("Report"): most serious effect wins, info never counts,
// defer_until, flag order, risks, provenance, and invalid inputs.
#include <set>
#include <string>

#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;
using mt::add_allergy;
using mt::add_condition;
using mt::add_medication;
using mt::add_procedure;
using mt::basic_plan;
using mt::d;
using mt::days_before;
using mt::healthy_intake;
using mt::run;
using mt::shift;

namespace {

int seriousness(effect e) { return static_cast<int>(e); }

void check_sorted(const report& r) {
  INFO(mt::describe(r));
  for (std::size_t i = 1; i < r.flags.size(); ++i) {
    const flag& a = r.flags[i - 1];
    const flag& b = r.flags[i];
    const bool ordered = seriousness(a.effect) > seriousness(b.effect) ||
                         (a.effect == b.effect && a.rule_id < b.rule_id);
    CHECK(ordered);
  }
}

void check_one_flag_per_rule(const report& r) {
  std::set<std::string> ids;
  for (const flag& f : r.flags) {
    INFO("duplicate flag " << f.rule_id << "\n" << mt::describe(r));
    CHECK(ids.insert(f.rule_id).second);
  }
}

// Spec 2026.2: the more serious of the absolute band and the relative band (score / reference).
risk_band band_for(const risk_score& s, const policy& p) {
  const auto at_or_above = [](double v, double t) { return v >= t * (1.0 - 1e-9); };
  if (at_or_above(s.score, p.risk_band_high) || at_or_above(s.relative, p.risk_relative_high))
    return risk_band::high;
  if (at_or_above(s.score, p.risk_band_moderate) ||
      at_or_above(s.relative, p.risk_relative_moderate))
    return risk_band::moderate;
  return risk_band::low;
}

void check_risks(const report& r, const policy& p) {
  REQUIRE(r.risks.size() == 7);
  const auto all = all_codes<complication>();
  REQUIRE(all.size() == 7);
  for (std::size_t i = 0; i < r.risks.size(); ++i) {
    const risk_score& s = r.risks[i];
    CAPTURE(to_string(s.complication), s.score);
    CHECK(s.complication == all[i]);
    CHECK(s.score >= 0.0);
    CHECK(s.score <= 1.0);
    CHECK(s.band == band_for(s, p));
    for (std::size_t j = 1; j < s.drivers.size(); ++j)
      CHECK(s.drivers[j - 1].weight >= s.drivers[j].weight);
  }
}

/// An intake that raises many flags of every effect.
intake busy_intake(const procedure_plan& plan) {
  intake in = healthy_intake();
  in.patient.smoker = known::yes;                                  // info
  add_allergy(in, allergy_substance::chlorhexidine);               // info
  add_medication(in, medication_code::fish_oil, route::oral);      // caution
  add_medication(in, medication_code::ibuprofen, route::oral);     // caution
  add_medication(in, medication_code::clopidogrel, route::oral);   // caution
  add_medication(in, medication_code::prednisolone, route::oral);  // caution
  add_procedure(in, procedure_code::chemical_peel, days_before(plan, 5), {area::cheeks},
                peel_depth::superficial);  // defer
  add_procedure(in, procedure_code::laser_nonablative, days_before(plan, 5),
                {area::cheeks});  // defer
  return in;
}

}  // namespace

TEST_CASE("decision: a healthy complete intake proceeds with no flags", "[decision][rules]") {
  const procedure_plan plan = basic_plan();
  const report r = run(healthy_intake(), plan);
  INFO(mt::describe(r));
  CHECK(r.decision == decision::proceed);
  CHECK(r.flags.empty());
  CHECK(r.questions.empty());
  CHECK(r.complete);
  CHECK_FALSE(r.defer_until.has_value());
  CHECK(r.screened_on == plan.date);
}

TEST_CASE("decision: the report is stamped with knowledge version and model and policy",
          "[decision][rules]") {
  const report r = run(healthy_intake(), basic_plan());
  CHECK(r.knowledge_version == "2026.2");
  CHECK(r.model == "prior-2026.2 (not validated on outcomes)");
  CHECK(r.policy_name == "default");
  CHECK(r.policy_overrides.empty());
  CHECK_FALSE(r.library_version.empty());
}

TEST_CASE("decision: the most serious effect wins", "[decision][rules]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  SECTION("do_not_treat over defer, modify and caution") {
    add_condition(in, condition_code::bleeding_disorder);
    add_procedure(in, procedure_code::chemical_peel, days_before(plan, 3), {area::cheeks},
                  peel_depth::superficial);
    plan.adjuncts = {adjunct::non_sterile_serum};
    add_medication(in, medication_code::ibuprofen, route::oral);
    const report r = run(in, plan);
    mt::check_decision(r, decision::do_not_treat);
    CHECK_FALSE(r.defer_until.has_value());
    mt::require_flag(r, "recent_chemical_peel", effect::defer);
  }
  SECTION("defer over modify and caution") {
    const date peel = days_before(plan, 3);
    add_procedure(in, procedure_code::chemical_peel, peel, {area::cheeks}, peel_depth::superficial);
    plan.adjuncts = {adjunct::non_sterile_serum};
    add_medication(in, medication_code::ibuprofen, route::oral);
    const report r = run(in, plan);
    mt::check_decision(r, decision::defer);
    REQUIRE(r.defer_until.has_value());
    CHECK(mt::iso(*r.defer_until) == mt::iso(shift(peel, 14)));
  }
  SECTION("modify over caution") {
    plan.single_use_needles = known::no;
    add_medication(in, medication_code::aspirin, route::oral);
    const report r = run(in, plan);
    mt::check_decision(r, decision::modify_plan);
    CHECK_FALSE(r.defer_until.has_value());
  }
  SECTION("caution over nothing") {
    add_medication(in, medication_code::aspirin, route::oral);
    mt::check_decision(run(in, plan), decision::proceed_with_caution);
  }
}

TEST_CASE("decision: info flags never change the decision", "[decision][rules]") {
  intake in = healthy_intake();
  in.patient.smoker = known::yes;
  add_allergy(in, allergy_substance::chlorhexidine);
  add_allergy(in, allergy_substance::fragrance);
  const report r = run(in, basic_plan());
  REQUIRE(r.flags.size() == 3);
  for (const flag& f : r.flags) CHECK(f.effect == effect::info);
  mt::check_decision(r, decision::proceed);
  CHECK(r.complete);
}

TEST_CASE("decision: defer_until is the latest safe date across deferrals", "[decision][rules]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();  // 2026-12-01
  // peel: plan + 4; isotretinoin stopped 2026-06-05: 2026-12-02; microneedling: plan + 18
  add_procedure(in, procedure_code::chemical_peel, days_before(plan, 10), {area::cheeks},
                peel_depth::superficial);
  add_medication(in, medication_code::isotretinoin, route::oral, d("2026-06-05"));
  add_procedure(in, procedure_code::microneedling, days_before(plan, 10), {area::cheeks});
  const report r = run(in, plan);
  mt::check_decision(r, decision::defer);
  REQUIRE(r.defer_until.has_value());
  CHECK(mt::iso(*r.defer_until) == "2026-12-19");
  const flag& iso = mt::require_flag(r, "isotretinoin_recent", effect::defer);
  REQUIRE(iso.earliest_safe_date.has_value());
  CHECK(mt::iso(*iso.earliest_safe_date) == "2026-12-02");
}

TEST_CASE("decision: defer_until is null when any deferral has no known end", "[decision][rules]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  const date peel = days_before(plan, 10);
  add_procedure(in, procedure_code::chemical_peel, peel, {area::cheeks}, peel_depth::superficial);
  SECTION("active infection") {
    add_condition(in, condition_code::skin_infection, condition_status::active, {area::cheeks});
  }
  SECTION("current isotretinoin") {
    add_medication(in, medication_code::isotretinoin, route::oral);
  }
  const report r = run(in, plan);
  mt::check_decision(r, decision::defer);
  CHECK_FALSE(r.defer_until.has_value());
  const flag& f = mt::require_flag(r, "recent_chemical_peel", effect::defer);
  REQUIRE(f.earliest_safe_date.has_value());
  CHECK(mt::iso(*f.earliest_safe_date) == mt::iso(shift(peel, 14)));
}

TEST_CASE("decision: one flag per rule with the latest of its dates", "[decision][rules]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  add_procedure(in, procedure_code::chemical_peel, days_before(plan, 10), {area::cheeks},
                peel_depth::superficial);  // plan + 4
  add_procedure(in, procedure_code::chemical_peel, days_before(plan, 20), {area::cheeks},
                peel_depth::medium);  // plan + 10
  add_condition(in, condition_code::keloid, condition_status::history, {area::chest});
  add_condition(in, condition_code::hypertrophic_scarring, condition_status::history, {area::arms});
  const report r = run(in, plan);
  check_one_flag_per_rule(r);
  const flag& f = mt::require_flag(r, "recent_chemical_peel", effect::defer);
  REQUIRE(f.earliest_safe_date.has_value());
  CHECK(mt::iso(*f.earliest_safe_date) == mt::iso(shift(plan.date, 10)));
  REQUIRE(r.defer_until.has_value());
  CHECK(mt::iso(*r.defer_until) == mt::iso(shift(plan.date, 10)));
}

TEST_CASE("decision: defer_until across month and year ends and leap days", "[decision][rules]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  std::string expected;
  SECTION("isotretinoin stopped 2027-09-02 + 180 days = 2028-02-29 (leap year)") {
    plan.date = d("2028-01-15");
    add_medication(in, medication_code::isotretinoin, route::oral, d("2027-09-02"));
    expected = "2028-02-29";
  }
  SECTION("peel 2028-02-20 + 14 = 2028-03-05 (leap year)") {
    plan.date = d("2028-03-01");
    add_procedure(in, procedure_code::chemical_peel, d("2028-02-20"), {area::cheeks},
                  peel_depth::superficial);
    expected = "2028-03-05";
  }
  SECTION("peel 2027-02-20 + 14 = 2027-03-06 (common year)") {
    plan.date = d("2027-03-01");
    add_procedure(in, procedure_code::chemical_peel, d("2027-02-20"), {area::cheeks},
                  peel_depth::superficial);
    expected = "2027-03-06";
  }
  SECTION("peel 2026-12-25 + 14 = 2027-01-08 (year end)") {
    plan.date = d("2027-01-02");
    add_procedure(in, procedure_code::chemical_peel, d("2026-12-25"), {area::cheeks},
                  peel_depth::superficial);
    expected = "2027-01-08";
  }
  SECTION("session 2027-01-31 + 28 = 2027-02-28 (month end)") {
    plan.date = d("2027-02-10");
    add_procedure(in, procedure_code::microneedling, d("2027-01-31"), {area::cheeks});
    expected = "2027-02-28";
  }
  SECTION("session 2028-02-01 + 28 = 2028-02-29") {
    plan.date = d("2028-02-20");
    add_procedure(in, procedure_code::microneedling, d("2028-02-01"), {area::cheeks});
    expected = "2028-02-29";
  }
  const report r = run(in, plan);
  mt::check_decision(r, decision::defer);
  REQUIRE(r.defer_until.has_value());
  CHECK(mt::iso(*r.defer_until) == expected);
  CHECK(r.screened_on == plan.date);
}

TEST_CASE("decision: flags are sorted by effect then rule id", "[decision][rules]") {
  procedure_plan plan = basic_plan();
  plan.adjuncts = {adjunct::non_sterile_serum};
  plan.single_use_needles = known::no;
  const report r = run(busy_intake(plan), plan);
  REQUIRE(r.flags.size() >= 10);
  check_sorted(r);
  check_one_flag_per_rule(r);
  CHECK(r.flags.front().effect == effect::defer);
  CHECK(r.flags.back().effect == effect::info);
  mt::check_decision(r, decision::defer);
}

TEST_CASE("decision: all seven risks are present with bands matching the thresholds",
          "[decision][rules][risks]") {
  procedure_plan plan = basic_plan();
  policy p;
  intake in = healthy_intake();
  SECTION("healthy, default bands") {}
  SECTION("many risk factors, default bands") {
    plan.adjuncts = {adjunct::non_sterile_serum, adjunct::prp};
    plan.device = device_type::derma_roller;
    plan.needle_depth = millimetres{2.0};
    in = busy_intake(plan);
    in.patient.fitzpatrick = 5;
    add_medication(in, medication_code::apixaban, route::oral);
  }
  SECTION("healthy, narrow custom bands") {
    p.risk_band_moderate = 0.004;
    p.risk_band_high = 0.02;
  }
  SECTION("many risk factors, wide custom bands") {
    p.risk_band_moderate = 0.3;
    p.risk_band_high = 0.9;
    in = busy_intake(plan);
    add_medication(in, medication_code::warfarin, route::oral);
  }
  const report r = run(in, plan, p);
  check_risks(r, p);
}

TEST_CASE("decision: risk bands follow the policy thresholds", "[decision][rules][risks]") {
  const intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  policy low_bar;
  low_bar.risk_band_moderate = 1e-6;
  low_bar.risk_band_high = 2e-6;
  const report r = run(in, plan, low_bar);
  REQUIRE(r.risks.size() == 7);
  for (const risk_score& s : r.risks) {
    CAPTURE(to_string(s.complication), s.score);
    CHECK(s.band == risk_band::high);
  }
}

TEST_CASE("decision: a bleeding risk factor raises the bleeding score",
          "[decision][rules][risks]") {
  const procedure_plan plan = basic_plan();
  intake on_doac = healthy_intake();
  add_medication(on_doac, medication_code::apixaban, route::oral);
  const report base = run(healthy_intake(), plan);
  const report r = run(on_doac, plan);
  REQUIRE(base.risks.size() == 7);
  REQUIRE(r.risks.size() == 7);
  CHECK(r.risks[0].complication == complication::bleeding_bruising);
  CHECK(r.risks[0].score > base.risks[0].score);
  CHECK_FALSE(r.risks[0].drivers.empty());
}

TEST_CASE("decision: invalid C++ inputs give cannot_screen with warnings",
          "[decision][rules][validation]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  std::string field;
  SECTION("empty areas") {
    plan.areas.clear();
    field = "areas";
  }
  SECTION("depth 0") {
    plan.needle_depth = millimetres{0.0};
    field = "depth";
  }
  SECTION("depth 4.5") {
    plan.needle_depth = millimetres{4.5};
    field = "depth";
  }
  SECTION("negative depth") {
    plan.needle_depth = millimetres{-1.0};
    field = "depth";
  }
  SECTION("Fitzpatrick 9") {
    in.patient.fitzpatrick = 9;
    field = "fitzpatrick";
  }
  SECTION("Fitzpatrick 0") {
    in.patient.fitzpatrick = 0;
    field = "fitzpatrick";
  }
  SECTION("a stop date before the start date") {
    medication& m = add_medication(in, medication_code::ibuprofen, route::oral);
    m.start = d("2026-10-01");
    m.stop = d("2026-09-01");
    field = "stop";
  }
  SECTION("HbA1c 25 %") {
    add_condition(in, condition_code::diabetes_mellitus);
    mt::add_lab(in, lab_code::hba1c, 25.0, days_before(plan, 10));
    field = "hba1c";
  }
  const report r = run(in, plan);
  INFO(mt::describe(r));
  CHECK(r.decision == decision::cannot_screen);
  REQUIRE_FALSE(r.warnings.empty());
  const bool named = std::any_of(r.warnings.begin(), r.warnings.end(), [&](const diagnostic& w) {
    return mt::mentions(w.path, field) || mt::mentions(w.message, field);
  });
  CHECK(named);
  const bool plan_or_intake_invalid = has_errors(validate(plan)) || has_errors(validate(in));
  CHECK(plan_or_intake_invalid);
}

TEST_CASE("decision: depth 4.0 is the valid maximum", "[decision][rules][validation]") {
  procedure_plan plan = basic_plan();
  plan.areas = {area::back};
  plan.needle_depth = millimetres{4.0};
  const report r = run(healthy_intake(), plan);
  CHECK(r.decision != decision::cannot_screen);
  CHECK_FALSE(has_errors(validate(plan)));
  mt::require_flag(r, "depth_exceeds_area_limit", effect::modify_plan);
}
