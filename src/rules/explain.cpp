// SPDX-License-Identifier: Apache-2.0
// Explain (issue 11): every rule's check function run once more with a trace attached to the
// record accessors of `facts`, so that explain and screen share the rule code. What a trace
// cannot see (a rule's plan-level scope, the settings it reads, the questions it waits on) is
// part of the rule's own definition (`rule_def`, in its family file).
#include "explain.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "engine.hpp"
#include "facts.hpp"
#include "facts_trace.hpp"
#include "mnscreen/json.hpp"

namespace mnscreen::detail {

namespace {

bool has_adjunct(const procedure_plan& plan, adjunct a) {
  return std::find(plan.adjuncts.begin(), plan.adjuncts.end(), a) != plan.adjuncts.end();
}

// Why a rule cannot apply to this plan (its plan-level scope, as its check function's first
// test), or empty when it can.
std::string not_applicable_because(plan_scope scope, const facts& f) {
  const procedure_plan& plan = f.plan();
  switch (scope) {
    case plan_scope::any:
      return {};
    case plan_scope::rf:
      if (f.is_rf()) return {};
      return text::cat("radiofrequency rule; the plan's device is ", to_string(plan.device));
    case plan_scope::rf_home:
      if (f.is_rf() && f.is_home()) return {};
      return text::cat("radiofrequency home-use rule; the plan is ", to_string(plan.device),
                       " in the ", to_string(plan.setting));
    case plan_scope::home:
      if (f.is_home()) return {};
      return text::cat("home-use rule; the plan's setting is ", to_string(plan.setting));
    case plan_scope::eyelids:
      if (f.planned().contains(area::eyelids)) return {};
      return "eyelid rule; the plan does not include the eyelids";
    case plan_scope::prp:
      if (has_adjunct(plan, adjunct::prp)) return {};
      return "PRP rule; the plan has no PRP";
    case plan_scope::non_sterile_serum:
      if (has_adjunct(plan, adjunct::non_sterile_serum)) return {};
      return "non-sterile topical rule; the plan applies no non-sterile serum";
    case plan_scope::hsv_scope:
      if (!(f.planned() & hsv_scope_areas(f.rules_policy())).empty()) return {};
      return text::cat(
          "HSV prophylaxis rule; no planned area is in the policy's prophylaxis scope (",
          to_string(f.rules_policy().hsv_prophylaxis_scope), ')');
  }
  return {};
}

std::string setting_text(const setting_value& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return text::cat(text::decimal(std::get<double>(v)));
}

}  // namespace

// --- explain ------------------------------------------------------------------------------------

void explain_rules(const intake& in, const procedure_plan& plan, const policy& pol,
                   const report& rep, explanation& out) {
  const auto table = rule_table();
  out.rules.clear();
  out.rules.reserve(table.size());
  const facts f(in, plan, pol);
  for (const rule_def& row : table) {
    rule_explanation e;
    e.rule_id.assign(row.info.id);
    // The rule's own code, with the trace attached.
    explain_trace trace;
    finding found;
    f.attach(&trace);
    row.check(f, found);
    f.attach(nullptr);
    e.facts = std::move(trace.facts());
    for (std::string_view name : row.settings)
      if (auto v = get_setting(pol, name)) e.settings.push_back({std::string(name), *v});
    for (question factor : row.unknowns)
      if (std::any_of(rep.questions.begin(), rep.questions.end(),
                      [&](const question_item& q) { return q.factor == factor; }))
        e.unknowns.push_back(factor);
    const std::string scope = not_applicable_because(row.scope, f);
    if (found.fired()) {
      e.status = rule_status::fired;
      const auto it = std::find_if(rep.flags.begin(), rep.flags.end(),
                                   [&](const flag& x) { return x.rule_id == row.info.id; });
      if (it != rep.flags.end()) e.flag = *it;
    } else if (!scope.empty()) {
      e.status = rule_status::not_applicable;
    } else if (!e.unknowns.empty()) {
      e.status = rule_status::undecided;
    } else {
      e.status = rule_status::quiet;
    }
    // The sentence: what it saw, what it used, what it made of them.
    std::string s;
    const auto part = [&s](std::string_view x) {
      if (x.empty()) return;
      if (!s.empty()) {
        if (s.back() == '.') s.pop_back();
        s += "; ";
      }
      s += x;
    };
    if (e.status == rule_status::not_applicable) {
      part(scope);
    } else if (e.status == rule_status::fired && e.flag) {
      part(e.flag->reason);
    } else {
      for (const auto& x : e.facts) part(text::cat(x.name, ": ", x.value));
    }
    if (e.status != rule_status::not_applicable)
      for (const auto& x : e.settings) part(text::cat(x.name, ' ', setting_text(x.value)));
    if (e.status == rule_status::undecided) {
      std::string unk = "unknown:";
      for (question q : e.unknowns) text::append(unk, ' ', to_string(q));
      part(unk);
    }
    if (s.empty()) s = "nothing this rule looks for is in the record";
    if (s.back() == '.') s.pop_back();
    s += ": ";
    s += to_string(e.status);
    if (e.status == rule_status::fired && e.flag) {
      text::append(s, " (", to_string(e.flag->effect));
      if (e.flag->override_record) s += ", overridden";
      s += ")";
    }
    e.sentence = std::move(s);
    out.rules.push_back(std::move(e));
  }
}

}  // namespace mnscreen::detail

namespace mnscreen {

std::string_view to_string(rule_status s) noexcept {
  switch (s) {
    case rule_status::fired:
      return "fired";
    case rule_status::quiet:
      return "quiet";
    case rule_status::not_applicable:
      return "not_applicable";
    case rule_status::undecided:
      return "undecided";
  }
  return "quiet";
}

std::string to_text(const explanation& e) {
  namespace text = detail::text;
  std::string out = text::cat("DECISION: ", to_string(e.decision));
  if (e.decision_before_overrides)
    text::append(out, " (before overrides: ", to_string(*e.decision_before_overrides), ')');
  text::append(out, "\nSession date ", text::iso_date(e.screened_on), ", policy ", e.policy_name,
               ", knowledge ", e.knowledge_version, ".\n");
  for (const auto& r : e.rules) {
    text::append(out, "\n[", to_string(r.status), "] ", r.rule_id, "\n    ", r.sentence, '\n');
    for (const auto& x : r.facts) {
      text::append(out, "    - ", x.name, ": ", x.value);
      if (!x.source.empty()) text::append(out, "  (", x.source, ')');
      out += '\n';
    }
    if (r.flag && r.flag->override_record) {
      const auto& o = *r.flag->override_record;
      text::append(out, "    OVERRIDDEN (", to_string(o.reason), ')');
      if (!o.by.empty()) text::append(out, " by ", o.by);
      if (o.date) text::append(out, " on ", text::iso_date(*o.date));
      if (!o.note.empty()) text::append(out, ": ", o.note);
      out += '\n';
    }
  }
  if (!e.warnings.empty()) {
    out += "\nWarnings\n";
    for (const auto& w : e.warnings) text::append(out, "  - ", format(w), '\n');
  }
  return out;
}

}  // namespace mnscreen
