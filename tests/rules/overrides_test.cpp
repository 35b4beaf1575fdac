// SPDX-License-Identifier: Apache-2.0
// Issue 11, points 3 and 4: questions ranked by a what-if screen (`if_yes`), and clinician
// overrides of flags (plan `overrides[]`), written from the text.
#include <string>

#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;

namespace {

rule_override make_override(std::string rule, override_reason reason = override_reason::other) {
  rule_override o;
  o.rule_id = std::move(rule);
  o.reason = reason;
  o.by = "Dr Test";
  o.note = "discussed with the patient";
  o.date = mt::d("2026-11-30");
  return o;
}

const diagnostic* find_warning(const report& r, std::string_view code) {
  for (const auto& w : r.warnings)
    if (w.code == code) return &w;
  return nullptr;
}

std::size_t position(const report& r, question q) {
  for (std::size_t i = 0; i < r.questions.size(); ++i)
    if (r.questions[i].factor == q) return i;
  return r.questions.size();
}

}  // namespace

TEST_CASE("unknown pregnancy ranks above unknown HSV history for a face plan",
          "[questions][if_yes]") {
  intake in = mt::healthy_intake();
  in.patient.sex = sex::female;
  in.patient.birth_date = mt::d("1996-03-10");
  in.patient.pregnant = known::unknown;
  mt::undeny(in, question::hsv_labialis);
  const procedure_plan plan = mt::basic_plan();  // cheeks: a face plan
  const report r = mt::run(in, plan);
  INFO(mt::describe(r));
  REQUIRE(mt::asks(r, question::pregnancy));
  REQUIRE(mt::asks(r, question::hsv_labialis));
  CHECK(position(r, question::pregnancy) < position(r, question::hsv_labialis));
  // The what-if decisions: pregnancy defers (policy default), HSV history calls for
  // prophylaxis (a caution), and every question carries one.
  const auto& pq = r.questions[position(r, question::pregnancy)];
  const auto& hq = r.questions[position(r, question::hsv_labialis)];
  REQUIRE(pq.if_yes.has_value());
  REQUIRE(hq.if_yes.has_value());
  CHECK(*pq.if_yes > *hq.if_yes);
  CHECK(*hq.if_yes == decision::proceed_with_caution);
  for (const auto& q : r.questions) CHECK(q.if_yes.has_value());
}

TEST_CASE("if_yes is the decision of a screen with the factor present", "[questions][if_yes]") {
  // Each case: one unknown factor; the same record with the factor recorded must give the
  // question's if_yes (the what-if screen and the real screen agree).
  intake in = mt::healthy_intake();
  mt::undeny(in, question::bleeding_disorder);
  const procedure_plan plan = mt::basic_plan();
  const report r = mt::run(in, plan);
  REQUIRE(r.questions.size() == 1);
  REQUIRE(r.questions[0].if_yes.has_value());
  CHECK(*r.questions[0].if_yes == decision::do_not_treat);
  intake yes = in;
  mt::add_condition(yes, condition_code::bleeding_disorder);
  CHECK(mt::run(yes, plan).decision == *r.questions[0].if_yes);

  intake iso = mt::healthy_intake();
  mt::undeny(iso, question::isotretinoin);
  const report ri = mt::run(iso, plan);
  REQUIRE(ri.questions.size() == 1);
  mt::add_medication(iso, medication_code::isotretinoin, route::oral);
  CHECK(mt::run(iso, plan).decision == ri.questions[0].if_yes);
}

TEST_CASE("questions with equal if_yes keep question order; a complete screen has none",
          "[questions][if_yes]") {
  intake in = mt::healthy_intake();
  mt::undeny(in, question::diabetes_mellitus);
  mt::undeny(in, question::immunosuppression);
  mt::undeny(in, question::bleeding_disorder);
  const report r = mt::run(in, mt::basic_plan());
  INFO(mt::describe(r));
  REQUIRE(r.questions.size() == 3);
  CHECK(r.questions[0].factor == question::bleeding_disorder);  // do_not_treat first
  // diabetes and immunosuppression: ranked by their what-if, ties in question order.
  for (std::size_t i = 1; i < r.questions.size(); ++i)
    CHECK(*r.questions[i - 1].if_yes >= *r.questions[i].if_yes);
  if (r.questions[1].if_yes == r.questions[2].if_yes)
    CHECK(r.questions[1].factor < r.questions[2].factor);
  CHECK(mt::run(mt::healthy_intake(), mt::basic_plan()).questions.empty());
}

TEST_CASE("a what-if screen keeps the escalation of area exclusions that leave no planned area",
          "[questions][if_yes]") {
  // Skin cancer on the nose and the orbital rim exclude both planned areas: together they do
  // not treat. An unknown HSV history (a caution on its own) must rank with that decision: the
  // what-if screens escalate their exclusions as the real screen does, without any sentences.
  intake in = mt::healthy_intake();
  mt::add_condition(in, condition_code::skin_cancer, condition_status::active, {area::nose});
  mt::undeny(in, question::hsv_labialis);
  procedure_plan plan = mt::basic_plan();
  plan.needle_depth = millimetres{0.25};
  plan.areas = {area::eyelids, area::nose};
  const report r = mt::run(in, plan);
  INFO(mt::describe(r));
  REQUIRE(r.decision == decision::do_not_treat);
  REQUIRE(r.questions.size() == 1);
  CHECK(r.questions[0].factor == question::hsv_labialis);
  CHECK(r.questions[0].if_yes == decision::do_not_treat);
  intake yes = in;
  mt::add_condition(yes, condition_code::hsv_labialis, condition_status::history);
  CHECK(mt::run(yes, plan).decision == r.questions[0].if_yes);
}

TEST_CASE("an override removes a flag from the decision and keeps it in the report",
          "[overrides]") {
  intake in = mt::healthy_intake();
  mt::add_procedure(in, procedure_code::dermal_filler, mt::days_before(mt::basic_plan(), 3),
                    {area::cheeks});
  procedure_plan plan = mt::basic_plan();
  const report before = mt::run(in, plan);
  mt::require_flag(before, "recent_filler", effect::defer);
  REQUIRE(before.decision == decision::defer);
  REQUIRE(before.defer_until.has_value());
  CHECK_FALSE(before.decision_before_overrides.has_value());

  plan.overrides = {make_override("recent_filler", override_reason::prescriber_approved)};
  const report r = mt::run(in, plan);
  INFO(mt::describe(r));
  const flag& f = mt::require_flag(r, "recent_filler", effect::defer);
  REQUIRE(f.override_record.has_value());
  CHECK(*f.override_record == plan.overrides[0]);
  CHECK(r.decision == decision::proceed);
  REQUIRE(r.decision_before_overrides.has_value());
  CHECK(*r.decision_before_overrides == decision::defer);
  // defer_until counts only the deferrals that still count.
  CHECK_FALSE(r.defer_until.has_value());
  CHECK(r.complete);
}

TEST_CASE("an overridden flag does not hide the others", "[overrides]") {
  intake in = mt::healthy_intake();
  const procedure_plan base = mt::basic_plan();
  mt::add_procedure(in, procedure_code::dermal_filler, mt::days_before(base, 3), {area::cheeks});
  mt::add_procedure(in, procedure_code::neuromodulator, mt::days_before(base, 5), {area::cheeks});
  procedure_plan plan = base;
  plan.overrides = {make_override("recent_filler")};
  const report r = mt::run(in, plan);
  INFO(mt::describe(r));
  CHECK(r.decision == decision::defer);
  REQUIRE(r.defer_until.has_value());
  CHECK(mt::iso(*r.defer_until) == mt::iso(mt::shift(mt::days_before(base, 5), 14)));
  // Nothing changed the decision, but a flag is overridden: the original is still kept.
  REQUIRE(r.decision_before_overrides.has_value());
  CHECK(*r.decision_before_overrides == decision::defer);
  const flag* neuro = mt::find_flag(r, "recent_neuromodulator");
  REQUIRE(neuro != nullptr);
  CHECK_FALSE(neuro->override_record.has_value());
}

TEST_CASE("an override of a rule that did not fire is a warning", "[overrides]") {
  procedure_plan plan = mt::basic_plan();
  plan.overrides = {make_override("pregnancy")};
  const report r = mt::run(mt::healthy_intake(), plan);
  INFO(mt::describe(r));
  CHECK(r.decision == decision::proceed);
  CHECK_FALSE(r.decision_before_overrides.has_value());
  const diagnostic* w = find_warning(r, "override_not_fired");
  REQUIRE(w != nullptr);
  CHECK(w->severity == severity::warning);
  CHECK(w->path == "$.overrides[0]");
  CHECK(mt::mentions(w->message, "pregnancy"));
}

TEST_CASE("a do_not_treat flag on label evidence cannot be overridden by default", "[overrides]") {
  intake in = mt::healthy_intake();
  mt::add_condition(in, condition_code::bleeding_disorder);
  procedure_plan plan = mt::basic_plan();
  const report plain = mt::run(in, plan);
  const flag& f = mt::require_flag(plain, "bleeding_disorder", effect::do_not_treat);
  REQUIRE(std::any_of(f.evidence.begin(), f.evidence.end(),
                      [](const evidence& e) { return e.level == evidence_level::label; }));

  plan.overrides = {make_override("bleeding_disorder", override_reason::informed_consent)};
  const report r = mt::run(in, plan);
  INFO(mt::describe(r));
  CHECK(r.decision == decision::cannot_screen);
  const diagnostic* e = find_warning(r, "override_refused");
  REQUIRE(e != nullptr);
  CHECK(e->severity == severity::error);
  CHECK(e->path == "$.overrides[0]");
  CHECK(mt::mentions(e->message, "bleeding_disorder"));
  CHECK(mt::mentions(e->message, "allow_override_do_not_treat"));
  // The flags stay, unmarked: nothing of the plan's overrides was applied.
  const flag* kept = mt::find_flag(r, "bleeding_disorder");
  REQUIRE(kept != nullptr);
  CHECK_FALSE(kept->override_record.has_value());
  CHECK_FALSE(r.decision_before_overrides.has_value());

  SECTION("the policy that allows it") {
    policy pol;
    pol.allow_override_do_not_treat = true;
    const report allowed = mt::run(in, plan, pol);
    INFO(mt::describe(allowed));
    CHECK(allowed.decision == decision::proceed);
    REQUIRE(allowed.decision_before_overrides.has_value());
    CHECK(*allowed.decision_before_overrides == decision::do_not_treat);
    CHECK(find_warning(allowed, "override_refused") == nullptr);
    const flag* g = mt::find_flag(allowed, "bleeding_disorder");
    REQUIRE(g != nullptr);
    CHECK(g->override_record.has_value());
  }
}

TEST_CASE("label evidence among others is enough to refuse; other effects can be overridden",
          "[overrides]") {
  // connective_tissue_disease: do_not_treat by policy default, evidence includes labelling.
  intake in = mt::healthy_intake();
  mt::add_condition(in, condition_code::autoimmune_connective_tissue);
  procedure_plan plan = mt::basic_plan();
  mt::require_flag(mt::run(in, plan), "connective_tissue_disease", effect::do_not_treat);
  plan.overrides = {make_override("connective_tissue_disease")};
  CHECK(mt::run(in, plan).decision == decision::cannot_screen);
  // The same rule made a caution by the clinic's policy can be overridden (only do_not_treat
  // is protected).
  policy pol;
  pol.connective_tissue_effect = effect::proceed_with_caution;
  const report r = mt::run(in, plan, pol);
  INFO(mt::describe(r));
  CHECK(r.decision == decision::proceed);
  CHECK(r.decision_before_overrides == decision::proceed_with_caution);
}

TEST_CASE("plan overrides are validated", "[overrides]") {
  procedure_plan plan = mt::basic_plan();
  plan.overrides = {make_override("no_such_rule"), make_override("pregnancy"),
                    make_override("pregnancy")};
  const auto problems = validate(plan);
  const auto has = [&](std::string_view code, std::string_view path) {
    return std::any_of(problems.begin(), problems.end(), [&](const diagnostic& d) {
      return d.code == code && d.path == path && d.severity == severity::error;
    });
  };
  CHECK(has("unknown_rule", "$.overrides[0].rule_id"));
  CHECK(has("duplicate_override", "$.overrides[2].rule_id"));
  CHECK(mt::run(mt::healthy_intake(), plan).decision == decision::cannot_screen);
}

TEST_CASE("a reused report does not keep an earlier screen's overrides", "[overrides]") {
  intake in = mt::healthy_intake();
  mt::add_procedure(in, procedure_code::dermal_filler, mt::days_before(mt::basic_plan(), 3),
                    {area::cheeks});
  procedure_plan with = mt::basic_plan();
  with.overrides = {make_override("recent_filler")};
  const screener s;
  report r;
  s.screen_into(in, with, r);
  REQUIRE(r.decision_before_overrides.has_value());
  s.screen_into(in, mt::basic_plan(), r);
  CHECK(r == s.screen(in, mt::basic_plan()));
  CHECK_FALSE(r.flags.at(0).override_record.has_value());
}
