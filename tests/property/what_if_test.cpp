// SPDX-License-Identifier: Apache-2.0
// Issue 11 ("questions ranked by what they could change"), held against the real screen: for
// random valid intakes, plans and policies, each question's `if_yes` is the decision of a full
// screen of the same record with the factor present (`detail::add_factor_present`, the plan of
// `detail::plan_with_factor_present`). The what-if screens run the checks with decision-only
// findings, which write no sentences, and stop once a do_not_treat counts; the full screen builds
// every flag. The two must agree, with or without overrides in the plan.
#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "property_support.hpp"
#include "rules/overrides.hpp"

namespace {

using namespace mnscreen;
using namespace mnscreen::prop;

void check_if_yes(const policy& pol, const intake& in, const procedure_plan& plan) {
  const screener s{pol};
  const report r = s.screen(in, plan);
  // A plan whose overrides are refused is not screened (cannot_screen): nothing to compare.
  const auto refused = [](const report& x) {
    return std::any_of(x.warnings.begin(), x.warnings.end(),
                       [](const diagnostic& d) { return d.code == "override_refused"; });
  };
  RC_CLASSIFY(refused(r), "overrides refused");
  if (refused(r)) return;
  RC_ASSERT(r.decision != decision::cannot_screen);
  for (const question_item& q : r.questions) {
    RC_ASSERT(q.if_yes.has_value());
    intake yes = in;
    detail::add_factor_present(yes, plan, pol, q.factor);
    const report full = s.screen(yes, detail::plan_with_factor_present(plan, q.factor));
    if (refused(full)) continue;  // the factor made an overridden label rule fire
    if (full.decision != *q.if_yes) {
      RC_FAIL("question " + std::string(to_string(q.factor)) + ": if_yes " +
              std::string(to_string(*q.if_yes)) + ", the screen with the factor present " +
              std::string(to_string(full.decision)) + "\nwithout: " + describe(r) +
              "\nwith:    " + describe(full));
    }
  }
  // How often the what-if screens had something to say (printed as a distribution).
  RC_CLASSIFY(r.questions.empty(), "no question");
  RC_CLASSIFY(std::any_of(r.questions.begin(), r.questions.end(),
                          [&](const question_item& q) { return *q.if_yes > r.decision; }),
              "a question could raise the decision");
}

}  // namespace

TEST_CASE("property: a question's if_yes is the decision of the screen with the factor present",
          "[property][questions][if_yes]") {
  rc::prop("default policy", [] {
    const procedure_plan plan = *gen_any_plan();
    const intake in = *gen_intake(plan.date, *gen_focused_pools(plan), 2);
    check_if_yes(policy{}, in, plan);
  });
  rc::prop("random policy", [] {
    const policy pol = *gen_policy();
    const scenario sc = *gen_scenario();
    check_if_yes(pol, sc.record, sc.plan);
  });
  // The what-if screens count a flag the plan overrides as the full screen does (not at all,
  // unless the policy refuses the override), escalated area exclusions included.
  rc::prop("random overrides", [] {
    procedure_plan plan = *gen_any_plan();
    const intake in = *gen_intake(plan.date, *gen_focused_pools(plan), 2);
    plan.overrides = *gen_overrides();
    check_if_yes(policy{}, in, plan);
  });
  rc::prop("random overrides, random policy", [] {
    const policy pol = *gen_policy();
    scenario sc = *gen_scenario();
    sc.plan.overrides = *gen_overrides();
    check_if_yes(pol, sc.record, sc.plan);
  });
}
