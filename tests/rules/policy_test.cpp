// SPDX-License-Identifier: Apache-2.0
// Policies: overrides change outcomes and are reported; invalid policies are refused.
#include <stdexcept>
#include <string>
#include <variant>

#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;
using mt::add_condition;
using mt::add_medication;
using mt::basic_plan;
using mt::days_before;
using mt::healthy_intake;
using mt::run;

namespace {

const setting_value* find_override(const report& r, std::string_view name) {
  for (const auto& [key, value] : r.policy_overrides)
    if (key == name) return &value;
  return nullptr;
}

bool names_setting(const std::vector<diagnostic>& ds, std::string_view name) {
  return std::any_of(ds.begin(), ds.end(), [&](const diagnostic& x) {
    return mt::mentions(x.path, name) || mt::mentions(x.message, name);
  });
}

}  // namespace

TEST_CASE("policy: the default policy reports no overrides", "[policy][rules]") {
  const report r = run(healthy_intake(), basic_plan(), policy{});
  CHECK(r.policy_name == "default");
  CHECK(r.policy_overrides.empty());
}

TEST_CASE("policy: a wash-out override changes the outcome and is listed", "[policy][rules]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  add_medication(in, medication_code::isotretinoin, route::oral, days_before(plan, 60));
  const report strict = run(in, plan);
  mt::check_decision(strict, decision::defer);
  policy p;
  p.name = "permissive-isotretinoin";
  p.isotretinoin_washout_days = 30;
  const report lenient = run(in, plan, p);
  mt::check_decision(lenient, decision::proceed);
  CHECK(lenient.policy_name == "permissive-isotretinoin");
  REQUIRE(lenient.policy_overrides.size() == 1);
  const setting_value* v = find_override(lenient, "isotretinoin_washout_days");
  REQUIRE(v != nullptr);
  REQUIRE(std::holds_alternative<double>(*v));
  CHECK(std::get<double>(*v) == Approx(30.0));
}

TEST_CASE("policy: effect overrides change outcomes and are listed", "[policy][rules]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  policy p;
  std::string name;
  decision expected = decision::proceed;
  effect value = effect::info;
  SECTION("anticoagulant_effect do_not_treat") {
    add_medication(in, medication_code::apixaban, route::oral);
    p.anticoagulant_effect = value = effect::do_not_treat;
    name = "anticoagulant_effect";
    expected = decision::do_not_treat;
  }
  SECTION("isotretinoin_current_effect proceed_with_caution") {
    add_medication(in, medication_code::isotretinoin, route::oral);
    p.isotretinoin_current_effect = value = effect::proceed_with_caution;
    name = "isotretinoin_current_effect";
    expected = decision::proceed_with_caution;
  }
  SECTION("connective_tissue_effect proceed_with_caution") {
    add_condition(in, condition_code::autoimmune_connective_tissue);
    p.connective_tissue_effect = value = effect::proceed_with_caution;
    name = "connective_tissue_effect";
    expected = decision::proceed_with_caution;
  }
  SECTION("breastfeeding_effect proceed_with_caution") {
    in = mt::healthy_woman();
    in.patient.breastfeeding = known::yes;
    p.breastfeeding_effect = value = effect::proceed_with_caution;
    name = "breastfeeding_effect";
    expected = decision::proceed_with_caution;
  }
  SECTION("keloid_history_effect do_not_treat") {
    add_condition(in, condition_code::keloid, condition_status::history, {area::back});
    value = effect::do_not_treat;
    p.keloid_history_effect = value;
    name = "keloid_history_effect";
    expected = decision::do_not_treat;
  }
  const report before = run(in, plan);
  const report after = run(in, plan, p);
  CHECK(before.decision != after.decision);
  mt::check_decision(after, expected);
  const setting_value* v = find_override(after, name);
  INFO(name);
  REQUIRE(v != nullptr);
  REQUIRE(std::holds_alternative<std::string>(*v));
  CHECK(std::get<std::string>(*v) == to_string(value));
  CHECK(after.policy_overrides.size() == 1);
}

TEST_CASE("policy: every allowed value of an effect setting gives a complete flag",
          "[policy][rules]") {
  const procedure_plan plan = basic_plan();
  struct setting_case {
    const char* rule;
    effect policy::*member;
    intake in;
  };
  intake anticoagulated = healthy_intake();
  add_medication(anticoagulated, medication_code::apixaban, route::oral);
  intake on_isotretinoin = healthy_intake();
  add_medication(on_isotretinoin, medication_code::isotretinoin, route::oral);
  intake breastfeeding = mt::healthy_woman();
  breastfeeding.patient.breastfeeding = known::yes;
  intake lupus = healthy_intake();
  add_condition(lupus, condition_code::autoimmune_connective_tissue);
  const setting_case cases[] = {
      {"anticoagulant_therapy", &policy::anticoagulant_effect, anticoagulated},
      {"isotretinoin_recent", &policy::isotretinoin_current_effect, on_isotretinoin},
      {"pregnancy", &policy::breastfeeding_effect, breastfeeding},
      {"connective_tissue_disease", &policy::connective_tissue_effect, lupus}};
  const effect values[] = {effect::info, effect::proceed_with_caution, effect::modify_plan,
                           effect::defer, effect::do_not_treat};
  for (const setting_case& c : cases) {
    for (effect e : values) {
      policy p;
      p.*c.member = e;
      CAPTURE(c.rule, to_string(e));
      if (has_errors(validate(p))) continue;  // a value the policy does not allow
      const report r = run(c.in, plan, p);
      mt::require_flag(r, c.rule, e);
      const decision expected = e == effect::info ? decision::proceed : to_decision(e);
      mt::check_decision(r, expected);
    }
  }
  intake keloid = healthy_intake();
  add_condition(keloid, condition_code::keloid, condition_status::history, {area::back});
  for (effect e : values) {
    policy p;
    p.keloid_history_effect = e;
    CAPTURE("keloid_history", to_string(e));
    if (has_errors(validate(p))) continue;
    const report r = run(keloid, plan, p);
    mt::require_flag(r, "keloid_history", e);
  }
}

TEST_CASE("policy: several overrides are all listed", "[policy][rules]") {
  policy p;
  p.name = "clinic-a";
  p.inr_max = 3.5;
  p.hsv_prophylaxis_scope = hsv_scope::any;
  p.require_hsv_prophylaxis = false;
  const report r = run(healthy_intake(), basic_plan(), p);
  CHECK(r.policy_name == "clinic-a");
  CHECK(r.policy_overrides.size() == 3);
  const setting_value* inr = find_override(r, "inr_max");
  REQUIRE(inr != nullptr);
  REQUIRE(std::holds_alternative<double>(*inr));
  CHECK(std::get<double>(*inr) == Approx(3.5));
  const setting_value* scope = find_override(r, "hsv_prophylaxis_scope");
  REQUIRE(scope != nullptr);
  REQUIRE(std::holds_alternative<std::string>(*scope));
  CHECK(std::get<std::string>(*scope) == "any");
  const setting_value* req = find_override(r, "require_hsv_prophylaxis");
  REQUIRE(req != nullptr);
  REQUIRE(std::holds_alternative<bool>(*req));
  CHECK_FALSE(std::get<bool>(*req));
}

TEST_CASE("policy: grouped settings are listed with a dotted name", "[policy][rules]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  mt::add_procedure(in, procedure_code::chemical_peel, days_before(plan, 35), {area::cheeks},
                    peel_depth::medium);
  policy p;
  p.chemical_peel_wait_days_medium = 45;
  const report r = run(in, plan, p);
  mt::check_decision(r, decision::defer);
  mt::check_decision(run(in, plan), decision::proceed);
  const setting_value* v = find_override(r, "chemical_peel_wait_days.medium");
  REQUIRE(v != nullptr);
  REQUIRE(std::holds_alternative<double>(*v));
  CHECK(std::get<double>(*v) == Approx(45.0));
}

TEST_CASE("policy: a setting equal to its default is not an override", "[policy][rules]") {
  policy p;
  p.name = "explicit-defaults";
  p.isotretinoin_washout_days = 180;
  p.inr_max = 3.0;
  const report r = run(healthy_intake(), basic_plan(), p);
  CHECK(r.policy_overrides.empty());
  CHECK(r.policy_name == "explicit-defaults");
}

TEST_CASE("policy: invalid policies are refused and validate names the setting",
          "[policy][rules][validation]") {
  policy p;
  std::string name;
  SECTION("negative wash-out") {
    p.isotretinoin_washout_days = -1;
    name = "isotretinoin_washout_days";
  }
  SECTION("wash-out beyond any source (10 years)") {
    p.isotretinoin_washout_days = 3650;
    name = "isotretinoin_washout_days";
  }
  SECTION("negative INR limit") {
    p.inr_max = -1.0;
    name = "inr_max";
  }
  SECTION("HbA1c limit outside the lab range") {
    p.hba1c_max_percent = 50.0;
    name = "hba1c_max_percent";
  }
  SECTION("negative platelet minimum") {
    p.platelets_min = -5.0;
    name = "platelets_min";
  }
  SECTION("moderate band above the high band") {
    p.risk_band_moderate = 0.3;
    p.risk_band_high = 0.2;
    name = "risk_band";
  }
  SECTION("home depth limit above 4 mm") {
    p.home_max_depth_mm = 10.0;
    name = "home_max_depth_mm";
  }
  SECTION("negative minimum age") {
    p.minimum_age = -1;
    name = "minimum_age";
  }
  SECTION("negative session interval") {
    p.microneedling_interval_days = -7;
    name = "microneedling_interval_days";
  }
  const std::vector<diagnostic> problems = validate(p);
  INFO(name);
  CHECK(has_errors(problems));
  CHECK(names_setting(problems, name));
  CHECK_THROWS_AS(screener{p}, mnscreen::error);
}

TEST_CASE("policy: validate reports every invalid setting at once", "[policy][rules][validation]") {
  policy p;
  p.isotretinoin_washout_days = -1;
  p.inr_max = -2.0;
  p.platelets_min = -3.0;
  const std::vector<diagnostic> problems = validate(p);
  CHECK(names_setting(problems, "isotretinoin_washout_days"));
  CHECK(names_setting(problems, "inr_max"));
  CHECK(names_setting(problems, "platelets_min"));
  CHECK_THROWS_AS(screener{p}, mnscreen::error);
}

TEST_CASE("policy: the default policy is valid", "[policy][rules][validation]") {
  CHECK_FALSE(has_errors(validate(policy{})));
  CHECK_NOTHROW(screener{policy{}});
}
