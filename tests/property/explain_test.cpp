// SPDX-License-Identifier: Apache-2.0
// Issue 11: explain and screen held together. For random valid intakes, plans (with random
// overrides) and policies, the rules explain calls `fired` are exactly the report's flags, each
// fired entry carries its flag, every catalogue rule is explained once, and an `undecided` rule
// names unknowns the report asks about. And docs/rules.md (`rules_markdown()`) holds with them:
// a rule it says applies to any plan is never `not_applicable`, and a flag that cannot be
// overridden (do_not_treat on label evidence) comes from a rule it does not call overridable.
#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "property_support.hpp"
#include "test_support.hpp"

namespace {

using namespace mnscreen;
using namespace mnscreen::prop;

void check_explain(const screener& s, const intake& in, const procedure_plan& plan) {
  const report r = s.screen(in, plan);
  const explanation e = s.explain(in, plan);
  RC_ASSERT(e.decision == r.decision);
  RC_ASSERT(e.decision_before_overrides == r.decision_before_overrides);
  if (r.decision == decision::cannot_screen) return;
  const auto catalogue = rule_catalogue();
  RC_ASSERT(e.rules.size() == catalogue.size());
  std::set<std::string> fired, flagged;
  for (std::size_t i = 0; i < e.rules.size(); ++i) {
    const rule_explanation& x = e.rules[i];
    RC_ASSERT(x.rule_id == catalogue[i].id);
    RC_ASSERT(!x.sentence.empty());
    if (x.status == rule_status::fired) {
      fired.insert(x.rule_id);
      RC_ASSERT(x.flag.has_value());
      RC_ASSERT(x.flag->rule_id == x.rule_id);
    } else {
      RC_ASSERT(!x.flag.has_value());
    }
    if (x.status == rule_status::undecided) {
      RC_ASSERT(!x.unknowns.empty());
      for (question q : x.unknowns)
        RC_ASSERT(std::any_of(r.questions.begin(), r.questions.end(),
                              [&](const question_item& qi) { return qi.factor == q; }));
    }
  }
  for (const flag& f : r.flags) flagged.insert(f.rule_id);
  RC_TAG(fired.size());
  RC_ASSERT(fired == flagged);
}

// The second-table row of each rule in the catalogue's Markdown: id -> its cells (applies to,
// settings, undecided while unknown, override).
std::map<std::string, std::vector<std::string>, std::less<>> markdown_rows() {
  const std::string md = rules_markdown();
  std::map<std::string, std::vector<std::string>, std::less<>> rows;
  for (const auto& r : rule_catalogue()) {
    std::vector<std::string> cells = test::rules_doc_row(md, r.id);
    if (cells.empty()) continue;
    rows.emplace(std::string(r.id), std::move(cells));
  }
  return rows;
}

void check_markdown(const std::map<std::string, std::vector<std::string>, std::less<>>& rows,
                    const policy& pol, const intake& in, const procedure_plan& plan) {
  const screener s{pol};
  const report r = s.screen(in, plan);
  for (const flag& f : r.flags) {
    const bool label = std::any_of(f.evidence.begin(), f.evidence.end(), [](const evidence& e) {
      return e.level == evidence_level::label;
    });
    if (f.effect != effect::do_not_treat || !label) continue;
    const auto row = rows.find(f.rule_id);
    RC_ASSERT(row != rows.end());
    RC_ASSERT(row->second.size() == 4U);
    RC_TAG(f.rule_id);
    RC_ASSERT(row->second[3] != "yes");
  }
  if (r.decision == decision::cannot_screen) return;
  for (const rule_explanation& x : s.explain(in, plan).rules) {
    const auto row = rows.find(x.rule_id);
    RC_ASSERT(row != rows.end());
    RC_ASSERT(row->second.size() == 4U);
    if (x.status == rule_status::not_applicable) RC_ASSERT(row->second[0] != "any plan");
    for (const auto& setting : x.settings)
      RC_ASSERT(row->second[1].find('`' + setting.name + '`') != std::string::npos);
    for (question q : x.unknowns)
      RC_ASSERT(row->second[2].find('`' + std::string(to_string(q)) + '`') != std::string::npos);
  }
}

}  // namespace

TEST_CASE("property: explain's fired rules are the report's flags", "[property][explain]") {
  const screener s;
  rc::prop("default policy", [&s] {
    const scenario sc = *gen_scenario();
    check_explain(s, sc.record, sc.plan);
  });
  rc::prop("focused scenarios, random overrides", [&s] {
    procedure_plan plan = *gen_plan();
    const intake in = *gen_intake(plan.date, *gen_focused_pools(plan));
    plan.overrides = *gen_overrides();
    check_explain(s, in, plan);
  });
  rc::prop("random policy", [] {
    const policy pol = *gen_policy();
    const screener sp{pol};
    const scenario sc = *gen_scenario();
    check_explain(sp, sc.record, sc.plan);
  });
}

TEST_CASE("property: docs/rules.md agrees with explain and overrides", "[property][explain]") {
  const auto rows = markdown_rows();
  REQUIRE(rows.size() == rule_catalogue().size());
  rc::prop("default policy", [&rows] {
    const scenario sc = *gen_scenario();
    check_markdown(rows, policy{}, sc.record, sc.plan);
  });
  rc::prop("focused scenarios, random policy", [&rows] {
    const policy pol = *gen_policy();
    const procedure_plan plan = *gen_plan();
    const intake in = *gen_intake(plan.date, *gen_focused_pools(plan));
    check_markdown(rows, pol, in, plan);
  });
}
