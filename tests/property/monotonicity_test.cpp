// SPDX-License-Identifier: Apache-2.0
// Property: adding a risk fact (a condition, a risk medication, an allergy, a device, a recent
// procedure) never makes the screen less serious and never lowers a risk score.
//
// "Less serious" compares the decision in the order of `mnscreen::decision` (proceed <
// proceed_with_caution < modify_plan < defer < do_not_treat) and, between two deferrals, their
// length: a deferral with no known end is the longest, and an added fact may never bring
// `defer_until` forward.
//
// Exempt, and tested in protective_test.cpp instead:
// - antiviral prophylaxis (valaciclovir, aciclovir, famciclovir, the class word): it turns the
//   HSV-prophylaxis caution into `info` and cuts the hsv_reactivation odds (clinical-spec
//   `hsv_history_prophylaxis`, risk table "prophylaxis 0.1");
// - `negatives` entries, which answer questions (they are not facts about the patient);
// - lab results, which are measurements, not facts: a newer normal HbA1c or platelet count
//   supersedes an older abnormal one (clinical-spec: "latest HbA1c", "latest result").
// Policy-dependent exemption (random policies only): a policy whose
// `isotretinoin_current_effect` is milder than `defer` makes "taking isotretinoin now" milder
// than "stopped inside the wash-out" (clinical-spec `isotretinoin_recent`: current ->
// isotretinoin_current_effect, stopped within the wash-out -> defer), so a current oral
// retinoid added to a recently stopped course may legitimately lower the screen under it.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "property_support.hpp"

namespace {

using namespace mnscreen;
using namespace mnscreen::prop;

// Checks one step: `after` (with the fact) against `before`. Returns what broke, or "".
std::string compare(const report& before, const report& after) {
  if (before.decision == decision::cannot_screen || after.decision == decision::cannot_screen)
    return "a valid intake could not be screened";
  if (serious(after) < serious(before)) return "the screen became less serious";
  for (std::size_t i = 0; i < complication_count; ++i)
    if (after.risks.at(i).score < before.risks.at(i).score - 1e-12)
      return "the " + std::string(to_string(after.risks[i].complication)) + " score went down";
  return {};
}

// Adds the facts one by one; each step must keep or raise the seriousness and every score.
void check_chain(const screener& s, const procedure_plan& plan, intake in,
                 const std::vector<fact>& facts) {
  report before = s.screen(in, plan);
  const seriousness first = serious(before);
  const std::vector<risk_score> first_risks = before.risks;
  for (const fact& f : facts) {
    intake more = with(in, f);
    report after = s.screen(more, plan);
    const std::string broken = compare(before, after);
    if (!broken.empty()) {
      std::ostringstream shown;
      showValue(f, shown);
      RC_FAIL(broken + "\nbefore: " + describe(before) + "\nafter:  " + describe(after) + "\n" +
              shown.str());
    }
    in = std::move(more);
    before = std::move(after);
  }
  // How often the facts changed anything (printed by RapidCheck as a distribution).
  RC_CLASSIFY(serious(before) > first, "the facts raised the screen");
  RC_CLASSIFY(first.level == decision::do_not_treat, "the base was already do_not_treat");
  RC_CLASSIFY(before.risks != first_risks, "the facts raised a score");
}

// Under a random policy: true if the fact is a current oral retinoid and the policy's effect for
// "taking it now" is milder than the wash-out's `defer` (the exemption above).
bool current_retinoid_milder_than_washout(const policy& pol, const procedure_plan& plan,
                                          const fact& f) {
  const auto* m = std::get_if<medication>(&f);
  if (!m || !classes_of(m->code).contains(medication_class::oral_retinoid)) return false;
  const auto on = std::chrono::sys_days{plan.date};
  const bool current = (!m->start || std::chrono::sys_days{*m->start} <= on) &&
                       (!m->stop || std::chrono::sys_days{*m->stop} >= on);
  return current && pol.isotretinoin_current_effect < effect::defer;
}

// The base patient is not pregnant or breastfeeding (or it is not known): a pregnancy defers
// with no known end, after which no fact can raise the screen any further.
rc::Gen<intake> calm_intake(date on, const pools& pool) {
  return rc::gen::exec([on, pool] {
    intake in = *gen_intake(on, pool, 1);
    in.patient.pregnant = *rc::gen::element(known::unknown, known::no);
    in.patient.breastfeeding = *rc::gen::element(known::unknown, known::no);
    return in;
  });
}

}  // namespace

TEST_CASE("property: adding a risk fact never makes the screen less serious",
          "[property][monotonicity]") {
  const screener s;
  // Bases hold at most one item of each kind, so that most start well short of do_not_treat
  // and the added facts have room to raise the screen (the distribution is printed).
  rc::prop("any fact, default policy", [&s] {
    const procedure_plan plan = *gen_any_plan();
    const intake in = *calm_intake(plan.date, pools::everything());
    const auto facts = *between(1, 4, gen_risk_fact(plan.date));
    check_chain(s, plan, in, facts);
  });
  rc::prop("facts of a few kinds at the planned areas, default policy", [&s] {
    const procedure_plan plan = *gen_any_plan();
    const pools pool = *gen_focused_pools(plan);
    const intake in = *calm_intake(plan.date, pool);
    const auto facts = *between(1, 4, gen_risk_fact(plan.date, pool));
    check_chain(s, plan, in, facts);
  });
  rc::prop("facts of a few kinds, busier intakes, default policy", [&s] {
    const procedure_plan plan = *gen_any_plan();
    const pools pool = *gen_focused_pools(plan);
    const intake in = *gen_intake(plan.date, pool, 3);
    const auto facts = *between(1, 4, gen_risk_fact(plan.date, pool));
    check_chain(s, plan, in, facts);
  });
  rc::prop("facts of a few kinds, random policy", [] {
    const policy pol = *gen_policy();
    const screener sp{pol};
    const procedure_plan plan = *gen_any_plan();
    const pools pool = *gen_focused_pools(plan);
    const intake in = *calm_intake(plan.date, pool);
    auto facts = *between(1, 4, gen_risk_fact(plan.date, pool));
    std::erase_if(
        facts, [&](const fact& f) { return current_retinoid_milder_than_washout(pol, plan, f); });
    check_chain(sp, plan, in, facts);
  });
}

TEST_CASE("property: the same risk fact twice changes nothing", "[property][monotonicity]") {
  const screener s;
  rc::prop("a repeated fact is not a new risk", [&s] {
    const scenario sc = *gen_scenario();
    const fact f = *gen_risk_fact(sc.plan.date);
    const intake once = with(sc.record, f);
    const report a = s.screen(once, sc.plan);
    const report b = s.screen(with(once, f), sc.plan);
    RC_ASSERT(a.decision == b.decision);
    RC_ASSERT(a.defer_until == b.defer_until);
    for (std::size_t i = 0; i < complication_count; ++i)
      RC_ASSERT(a.risks.at(i).score == Approx(b.risks.at(i).score).margin(1e-12));
  });
}
