// SPDX-License-Identifier: Apache-2.0
// Properties of every report of a valid intake and plan, under any valid policy: all seven
// complications with scores in [0, 1] and the policy's bands; a deferral never ends before the
// plan date; the decision is the most serious flag (capped at caution when incomplete); flags
// in their documented order; the same inputs always give the same report.
#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "property_support.hpp"

namespace {

using namespace mnscreen;
using namespace mnscreen::prop;

void check_shape(const report& r, const procedure_plan& plan, const policy& pol) {
  RC_ASSERT(r.decision != decision::cannot_screen);
  RC_ASSERT(r.screened_on == plan.date);

  // All seven complications, in complication order, probabilities, banded by the policy.
  RC_ASSERT(r.risks.size() == complication_count);
  for (std::size_t i = 0; i < r.risks.size(); ++i) {
    const risk_score& k = r.risks[i];
    RC_ASSERT(static_cast<std::size_t>(k.complication) == i);
    RC_ASSERT(std::isfinite(k.score));
    RC_ASSERT(k.score >= 0.0);
    RC_ASSERT(k.score <= 1.0);
    // "At or above" a threshold as the model reads it (src/model/risk_model.cpp): a value equal
    // to a threshold up to logit/sigmoid rounding (relative 1e-9) is in the higher band. Spec
    // 2026.2: the band is the more serious of the absolute and the relative (score / reference)
    // band.
    const auto at_or_above = [&](double v, double t) { return v >= t * (1.0 - 1e-9); };
    RC_ASSERT(k.reference > 0.0);
    RC_ASSERT(k.reference <= 1.0);
    RC_ASSERT(k.relative == k.score / k.reference);
    const risk_band band =
        at_or_above(k.score, pol.risk_band_high) || at_or_above(k.relative, pol.risk_relative_high)
            ? risk_band::high
        : at_or_above(k.score, pol.risk_band_moderate) ||
                at_or_above(k.relative, pol.risk_relative_moderate)
            ? risk_band::moderate
            : risk_band::low;
    if (k.band != band)
      RC_FAIL(std::string(to_string(k.complication)) + " score " + std::to_string(k.score) +
              " has band " + std::string(to_string(k.band)) + ", expected " +
              std::string(to_string(band)) + " (moderate from " +
              std::to_string(pol.risk_band_moderate) + ", high from " +
              std::to_string(pol.risk_band_high) + ")");
    for (std::size_t d = 1; d < k.drivers.size(); ++d)
      RC_ASSERT(k.drivers[d - 1].weight >= k.drivers[d].weight);
  }

  // Deferrals end on or after the plan date; only deferrals have an end.
  const auto on = std::chrono::sys_days{plan.date};
  if (r.defer_until) {
    RC_ASSERT(r.decision == decision::defer);
    RC_ASSERT(std::chrono::sys_days{*r.defer_until} >= on);
  }
  for (const flag& f : r.flags) {
    if (f.earliest_safe_date) {
      RC_ASSERT(f.effect == effect::defer);
      // Not strictly after: a zero hold (`topical_retinoid_hold_days_before` = 0, allowed by the
      // policy range) defers a current retinoid "until the plan date" (reported to the lead).
      RC_ASSERT(std::chrono::sys_days{*f.earliest_safe_date} >= on);
    }
  }

  // The decision is the most serious counting flag; an incomplete screen never says proceed.
  decision expected = decision::proceed;
  for (const flag& f : r.flags) expected = std::max(expected, to_decision(f.effect));
  if (!r.complete && expected == decision::proceed) expected = decision::proceed_with_caution;
  RC_ASSERT(r.decision == expected);
  RC_ASSERT(r.complete == r.questions.empty());

  // Flags: most serious first, then by rule id; one per rule.
  for (std::size_t i = 1; i < r.flags.size(); ++i) {
    const flag& a = r.flags[i - 1];
    const flag& b = r.flags[i];
    RC_ASSERT((a.effect > b.effect || (a.effect == b.effect && a.rule_id < b.rule_id)));
  }
}

}  // namespace

TEST_CASE("property: every report is well formed", "[property][report]") {
  const screener s;
  rc::prop("default policy", [&s] {
    const scenario sc = *gen_scenario();
    check_shape(s.screen(sc.record, sc.plan), sc.plan, s.active_policy());
  });
  rc::prop("random policy", [] {
    const policy pol = *gen_policy();
    const screener sp{pol};
    const scenario sc = *gen_scenario();
    check_shape(sp.screen(sc.record, sc.plan), sc.plan, pol);
  });
}

TEST_CASE("property: a deferral's defer_until is never before the plan date",
          "[property][report]") {
  const screener s;
  rc::prop("deferrals of focused scenarios", [&s] {
    const procedure_plan plan = *gen_plan();
    const intake in = *gen_intake(plan.date, *gen_focused_pools(plan));
    const report r = s.screen(in, plan);
    RC_TAG(to_string(r.decision));
    if (r.decision == decision::defer && r.defer_until)
      RC_ASSERT(std::chrono::sys_days{*r.defer_until} >= std::chrono::sys_days{plan.date});
    // defer_until is the latest end of the deferrals, or absent when one has no known end.
    std::optional<date> latest;
    bool open_ended = false;
    for (const flag& f : r.flags) {
      if (f.effect != effect::defer) continue;
      if (!f.earliest_safe_date)
        open_ended = true;
      else if (!latest || *f.earliest_safe_date > *latest)
        latest = f.earliest_safe_date;
    }
    if (r.decision == decision::defer)
      RC_ASSERT(r.defer_until == (open_ended ? std::nullopt : latest));
  });
}

TEST_CASE("property: screening is deterministic", "[property][determinism]") {
  rc::prop("same inputs, same report, from any screener with the same policy", [] {
    const policy pol = *gen_policy();
    const scenario sc = *gen_scenario();
    const screener a{pol};
    const screener b{pol};
    const screener c = a;
    const report first = a.screen(sc.record, sc.plan);
    RC_ASSERT(a.screen(sc.record, sc.plan) == first);
    RC_ASSERT(b.screen(sc.record, sc.plan) == first);
    RC_ASSERT(c.screen(sc.record, sc.plan) == first);
    RC_ASSERT(to_json(b.screen(sc.record, sc.plan)) == to_json(first));
  });
}
