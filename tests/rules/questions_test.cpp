// SPDX-License-Identifier: Apache-2.0
// Unknown factors and questions (clinical-spec.md "Questions"; formats.md `complete`).
#include <algorithm>
#include <string>
#include <utility>

#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;
using mt::add_condition;
using mt::add_medication;
using mt::basic_plan;
using mt::d;
using mt::healthy_intake;
using mt::run;

namespace {

void check_question_order(const report& r) {
  INFO(mt::describe(r));
  // Ranked by what they could change (issue 11: if_yes, most serious first), then in question
  // order.
  for (std::size_t i = 1; i < r.questions.size(); ++i) {
    const question_item& a = r.questions[i - 1];
    const question_item& b = r.questions[i];
    REQUIRE(a.if_yes.has_value());
    REQUIRE(b.if_yes.has_value());
    CHECK((*a.if_yes > *b.if_yes ||
           (*a.if_yes == *b.if_yes && static_cast<int>(a.factor) < static_cast<int>(b.factor))));
  }
  for (const question_item& q : r.questions) CHECK_FALSE(q.ask.empty());
}

constexpr question always_asked[] = {question::anticoagulant,    question::bleeding_disorder,
                                     question::isotretinoin,     question::keloid,
                                     question::skin_infection,   question::diabetes_mellitus,
                                     question::immunosuppression};

}  // namespace

TEST_CASE("questions: an empty intake is incomplete and never proceeds", "[questions][rules]") {
  intake in;                                 // nothing known at all
  const procedure_plan plan = basic_plan();  // pen, cheeks, no anaesthetic, single-use known
  const report r = run(in, plan);
  INFO(mt::describe(r));
  CHECK_FALSE(r.complete);
  CHECK(r.decision == decision::proceed_with_caution);
  for (question q : always_asked) {
    CAPTURE(to_string(q));
    CHECK(mt::asks(r, q));
  }
  CHECK(mt::asks(r, question::hsv_labialis));  // cheeks are a face area
  CHECK(mt::asks(r, question::pregnancy));     // sex and age unknown
  CHECK(mt::asks(r, question::breastfeeding));
  CHECK(mt::asks(r, question::birth_date));
  CHECK(mt::asks(r, question::sex));
  CHECK(mt::asks(r, question::fitzpatrick));
  CHECK_FALSE(mt::asks(r, question::anesthetic_allergy));  // no anaesthetic planned
  CHECK_FALSE(mt::asks(r, question::implanted_device));    // not RF
  CHECK_FALSE(mt::asks(r, question::hba1c));
  CHECK_FALSE(mt::asks(r, question::inr));
  CHECK_FALSE(mt::asks(r, question::single_use_needles));
  check_question_order(r);
}

TEST_CASE("questions: everything unknown on an RF plan with anaesthetic asks more",
          "[questions][rules]") {
  intake in;
  procedure_plan plan = basic_plan();
  plan.device = device_type::rf_microneedling;
  plan.anesthetic = anesthetic::lidocaine;
  plan.single_use_needles = known::unknown;
  const report r = run(in, plan);
  CHECK(mt::asks(r, question::anesthetic_allergy));
  CHECK(mt::asks(r, question::implanted_device));
  CHECK(mt::asks(r, question::single_use_needles));
  check_question_order(r);
  CHECK_FALSE(r.complete);
}

TEST_CASE("questions: each always-needed factor left unknown is asked", "[questions][rules]") {
  for (question q : always_asked) {
    CAPTURE(to_string(q));
    intake in = healthy_intake();
    mt::undeny(in, q);
    const report r = run(in, basic_plan());
    INFO(mt::describe(r));
    REQUIRE(r.questions.size() == 1);
    CHECK(r.questions.front().factor == q);
    CHECK_FALSE(r.complete);
    CHECK(r.decision == decision::proceed_with_caution);
  }
}

TEST_CASE("questions: an unknown never lowers a serious decision", "[questions][rules]") {
  intake in = healthy_intake();
  mt::undeny(in, question::keloid);
  add_condition(in, condition_code::bleeding_disorder);
  const report r = run(in, basic_plan());
  mt::check_asks(r, question::keloid);
  mt::check_decision(r, decision::do_not_treat);
}

TEST_CASE("questions: an unknown with only info flags is a caution and not proceed",
          "[questions][rules]") {
  intake in = healthy_intake();
  in.patient.smoker = known::yes;
  mt::undeny(in, question::skin_infection);
  const report r = run(in, basic_plan());
  mt::require_flag(r, "smoker_healing", effect::info);
  mt::check_asks(r, question::skin_infection);
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("questions: an unknown beside a caution or modify keeps that decision",
          "[questions][rules]") {
  intake in = healthy_intake();
  mt::undeny(in, question::diabetes_mellitus);
  procedure_plan plan = basic_plan();
  SECTION("modify_plan") {
    plan.single_use_needles = known::no;
    mt::check_decision(run(in, plan), decision::modify_plan);
  }
  SECTION("defer") {
    mt::add_procedure(in, procedure_code::waxing, mt::days_before(plan, 2), {area::cheeks});
    const report r = run(in, plan);
    mt::check_decision(r, decision::defer);
    CHECK(r.defer_until.has_value());
    CHECK_FALSE(r.complete);
  }
}

TEST_CASE("questions: a complete intake asks nothing", "[questions][rules]") {
  const report r = run(healthy_intake(), basic_plan());
  CHECK(r.questions.empty());
  CHECK(r.complete);
}

TEST_CASE("questions: negatives with condition or class words answer questions",
          "[questions][rules]") {
  intake in = healthy_intake();
  SECTION("keloid and hypertrophic_scarring condition words answer keloid") {
    mt::undeny(in, question::keloid);
    in.negatives.push_back(condition_code::keloid);
    in.negatives.push_back(condition_code::hypertrophic_scarring);
    mt::check_does_not_ask(run(in, basic_plan()), question::keloid);
  }
  SECTION("the pregnancy word answers pregnancy when patient.pregnant is unknown") {
    in = mt::healthy_woman();
    in.patient.pregnant = known::unknown;
    mt::deny(in, question::pregnancy);
    mt::check_does_not_ask(run(in, basic_plan()), question::pregnancy);
  }
  SECTION("an immunosuppression condition answers immunosuppression") {
    mt::undeny(in, question::immunosuppression);
    add_condition(in, condition_code::immunosuppression);
    mt::check_does_not_ask(run(in, basic_plan()), question::immunosuppression);
  }
  SECTION("a current anticoagulant answers anticoagulant") {
    mt::undeny(in, question::anticoagulant);
    add_medication(in, medication_code::heparin, route::injection);
    mt::check_does_not_ask(run(in, basic_plan()), question::anticoagulant);
  }
}

TEST_CASE("questions: a factor both present and denied counts as present with a warning",
          "[questions][rules]") {
  intake in = healthy_intake();
  std::string rule;
  effect e = effect::info;
  SECTION("keloid") {
    in.conditions.push_back(
        mt::make_condition(condition_code::keloid, condition_status::history, {area::chest}));
    rule = "keloid_history";
    e = effect::proceed_with_caution;
  }
  SECTION("anticoagulant") {
    medication m;
    m.code = medication_code::apixaban;
    m.route = route::oral;
    in.medications.push_back(m);
    rule = "anticoagulant_therapy";
    e = effect::proceed_with_caution;
  }
  SECTION("bleeding disorder") {
    in.conditions.push_back(mt::make_condition(condition_code::bleeding_disorder));
    rule = "bleeding_disorder";
    e = effect::do_not_treat;
  }
  REQUIRE(!in.negatives.empty());
  const report r = run(in, basic_plan());
  mt::require_flag(r, rule, e);
  INFO(mt::describe(r));
  CHECK_FALSE(r.warnings.empty());
}

TEST_CASE("questions: pregnancy is asked only for women aged 12 to 55 or unknown",
          "[questions][rules]") {
  const procedure_plan plan = basic_plan();  // 2026-12-01
  intake in = mt::healthy_woman();
  in.patient.pregnant = known::unknown;
  in.patient.breastfeeding = known::unknown;
  struct age_case {
    std::optional<enum sex> who;
    std::optional<int> age;
    bool asked;
  };
  const age_case cases[] = {{sex::female, 30, true},  {sex::female, 12, true},
                            {sex::female, 55, true},  {sex::female, 11, false},
                            {sex::female, 56, false}, {sex::female, std::nullopt, true},
                            {std::nullopt, 30, true}, {std::nullopt, std::nullopt, true},
                            {sex::male, 30, false},   {std::nullopt, 70, false}};
  for (const age_case& c : cases) {
    intake one = in;
    one.patient.sex = c.who;
    if (c.age)
      one.patient.birth_date = mt::born_years_before(plan.date, *c.age);
    else
      one.patient.birth_date.reset();
    CAPTURE(c.who ? std::string(to_string(*c.who)) : std::string("unknown"), c.age ? *c.age : -1,
            c.asked);
    const report r = run(one, plan);
    INFO(mt::describe(r));
    CHECK(mt::asks(r, question::pregnancy) == c.asked);
    CHECK(mt::asks(r, question::breastfeeding) == c.asked);
  }
}

TEST_CASE("questions: a 55-year-old turning 56 the day after the plan is still asked",
          "[questions][rules]") {
  intake in = mt::healthy_woman();
  in.patient.pregnant = known::unknown;
  const procedure_plan plan = basic_plan();  // 2026-12-01
  in.patient.birth_date = d("1970-12-02");   // 55 on the plan date
  mt::check_asks(run(in, plan), question::pregnancy);
  in.patient.birth_date = d("1970-12-01");  // 56 on the plan date
  mt::check_does_not_ask(run(in, plan), question::pregnancy);
}

TEST_CASE("questions: pregnancy answers", "[questions][rules]") {
  intake in = mt::healthy_woman();
  in.patient.pregnant = known::unknown;
  SECTION("patient.pregnant no") { in.patient.pregnant = known::no; }
  SECTION("the negatives word") { mt::deny(in, question::pregnancy); }
  SECTION("an active pregnancy condition") { add_condition(in, condition_code::pregnancy); }
  const report r = run(in, basic_plan());
  mt::check_does_not_ask(r, question::pregnancy);
}

TEST_CASE("questions: breastfeeding unknown is asked", "[questions][rules]") {
  intake in = mt::healthy_woman();
  in.patient.breastfeeding = known::unknown;
  mt::check_asks(run(in, basic_plan()), question::breastfeeding);
}

TEST_CASE("questions: demographics unknown are asked", "[questions][rules]") {
  intake in = healthy_intake();
  SECTION("birth date") {
    in.patient.birth_date.reset();
    mt::check_asks(run(in, basic_plan()), question::birth_date);
  }
  SECTION("sex") {
    in.patient.sex.reset();
    mt::check_asks(run(in, basic_plan()), question::sex);
  }
  SECTION("Fitzpatrick type") {
    in.patient.fitzpatrick.reset();
    mt::check_asks(run(in, basic_plan()), question::fitzpatrick);
  }
}

TEST_CASE("questions: lab questions follow the condition and drug", "[questions][rules]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  SECTION("active diabetes with no HbA1c asks hba1c") {
    add_condition(in, condition_code::diabetes_mellitus);
    mt::check_asks(run(in, plan), question::hba1c);
  }
  SECTION("active diabetes with a 30-day-old HbA1c does not") {
    add_condition(in, condition_code::diabetes_mellitus);
    mt::add_lab(in, lab_code::hba1c, 7.0, mt::days_before(plan, 30));
    const report r = run(in, plan);
    mt::check_does_not_ask(r, question::hba1c);
    CHECK(r.complete);
  }
  SECTION("current warfarin with no INR asks inr") {
    add_medication(in, medication_code::warfarin, route::oral);
    mt::check_asks(run(in, plan), question::inr);
  }
  SECTION("current warfarin with a 3-day-old INR does not") {
    add_medication(in, medication_code::warfarin, route::oral);
    mt::add_lab(in, lab_code::inr, 2.2, mt::days_before(plan, 3));
    const report r = run(in, plan);
    mt::check_does_not_ask(r, question::inr);
    CHECK(r.complete);
  }
  SECTION("warfarin stopped before the plan does not") {
    add_medication(in, medication_code::warfarin, route::oral, mt::days_before(plan, 30));
    mt::check_does_not_ask(run(in, plan), question::inr);
  }
}

TEST_CASE("questions: questions are listed in question order without repeats",
          "[questions][rules]") {
  intake in;
  in.patient.sex = sex::female;
  procedure_plan plan = basic_plan();
  plan.device = device_type::rf_microneedling;
  plan.anesthetic = anesthetic::lidocaine;
  plan.single_use_needles = known::unknown;
  add_condition(in, condition_code::diabetes_mellitus);
  add_medication(in, medication_code::warfarin, route::oral);
  const report r = run(in, plan);
  check_question_order(r);
  CHECK(mt::asks(r, question::hba1c));
  CHECK(mt::asks(r, question::inr));
}

TEST_CASE("questions: the what-if screens escalate combined area exclusions and count overrides",
          "[questions][rules]") {
  // Skin cancer on the nose and the orbital rim exclude both planned areas: each exclusion is
  // do_not_treat (neither alone covers the plan). Diabetes is left unknown, so it is asked.
  intake in = healthy_intake();
  in.negatives.erase(
      std::remove(in.negatives.begin(), in.negatives.end(), negative{question::diabetes_mellitus}),
      in.negatives.end());
  add_condition(in, condition_code::skin_cancer, condition_status::active, {area::nose});
  procedure_plan plan = basic_plan();
  plan.needle_depth = millimetres{0.25};
  plan.areas = {area::eyelids, area::nose};
  const report r = run(in, plan);
  REQUIRE(mt::asks(r, question::diabetes_mellitus));
  CHECK(r.decision == decision::do_not_treat);
  for (const question_item& q : r.questions) {
    INFO(to_string(q.factor));
    CHECK(q.if_yes == decision::do_not_treat);
  }

  SECTION("overridden where the policy allows it, the exclusions no longer count") {
    policy pol;
    pol.allow_override_do_not_treat = true;
    plan.overrides = {
        {.rule_id = "skin_cancer_in_area", .reason = override_reason::informed_consent},
        {.rule_id = "within_orbital_rim", .reason = override_reason::informed_consent}};
    const report o = run(in, plan, pol);
    REQUIRE(o.decision != decision::cannot_screen);
    const auto q = std::find_if(o.questions.begin(), o.questions.end(), [](const question_item& x) {
      return x.factor == question::diabetes_mellitus;
    });
    REQUIRE(q != o.questions.end());
    // The full screen with diabetes present decides the same.
    intake yes = in;
    add_condition(yes, condition_code::diabetes_mellitus);
    const report full = run(yes, plan, pol);
    CHECK(q->if_yes == full.decision);
    CHECK(q->if_yes != decision::do_not_treat);
  }
}
