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
#include "mnscreen/json.hpp"

namespace mnscreen::detail {

/// The facts one rule looked at, in the order it asked (each once).
class explain_trace {
 public:
  void add(std::string name, std::string value, std::string source) {
    explained_fact f{std::move(name), std::move(value), std::move(source)};
    if (std::find(facts_.begin(), facts_.end(), f) == facts_.end()) facts_.push_back(std::move(f));
  }
  std::vector<explained_fact>& facts() noexcept { return facts_; }

 private:
  std::vector<explained_fact> facts_;
};

namespace {

template <class T>
std::string where(const T* item, const std::vector<T>& list, std::string_view name) {
  if (item == nullptr) return {};
  if (!item->source.empty()) return item->source;
  return std::string(name) + "[" + std::to_string(item - list.data()) + "]";
}

std::string days_before(date d, date plan) {
  const long n = days_between(d, plan);
  if (n >= 0) return std::to_string(n) + " days before the plan";
  return std::to_string(-n) + " days after the plan";
}

std::string sites_text(const std::vector<area>& sites) {
  if (sites.empty()) return {};
  std::string out = " on the ";
  for (std::size_t i = 0; i < sites.size(); ++i) {
    if (i > 0) out += i + 1 == sites.size() ? " and " : ", ";
    out += to_string(sites[i]);
  }
  return out;
}

std::string none_found(bool denied) { return denied ? "none recorded; denied" : "none recorded"; }

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
      return "radiofrequency rule; the plan's device is " + std::string(to_string(plan.device));
    case plan_scope::rf_home:
      if (f.is_rf() && f.is_home()) return {};
      return "radiofrequency home-use rule; the plan is " + std::string(to_string(plan.device)) +
             " in the " + std::string(to_string(plan.setting));
    case plan_scope::home:
      if (f.is_home()) return {};
      return "home-use rule; the plan's setting is " + std::string(to_string(plan.setting));
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
      return "HSV prophylaxis rule; no planned area is in the policy's prophylaxis scope (" +
             std::string(to_string(f.rules_policy().hsv_prophylaxis_scope)) + ")";
  }
  return {};
}

std::string setting_text(const setting_value& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return num(std::get<double>(v));
}

}  // namespace

// --- facts' trace notes (declared in facts.hpp) -------------------------------------------------

void facts::note(condition_code c, const condition* found) const noexcept {
  try {
    std::string name = "condition " + std::string(to_string(c));
    if (!found) {
      trace_->add(std::move(name), none_found(denied(c)), {});
      return;
    }
    std::string value = std::string(to_string(c)) + " " + std::string(to_string(found->status));
    if (found->severity) value += " (" + std::string(to_string(*found->severity)) + ")";
    value += sites_text(found->sites);
    if (found->onset) value += ", onset " + to_string(*found->onset);
    trace_->add(std::move(name), std::move(value), where(found, in_.conditions, "conditions"));
  } catch (...) {  // a trace that cannot grow loses a line, never the screen
  }
}

void facts::note(medication_class c, const medication* found, bool stopped) const noexcept {
  try {
    std::string name =
        std::string(to_string(c)) + (stopped ? " medication (stopped)" : " medication (current)");
    if (!found) {
      trace_->add(std::move(name), none_found(denied(c)), {});
      return;
    }
    std::string value(to_string(found->code));
    if (found->route) value += " " + std::string(to_string(*found->route));
    if (found->start) value += ", started " + to_string(*found->start);
    if (found->stop)
      value += " stopped " + to_string(*found->stop) + ", " + days_before(*found->stop, today());
    else
      value += ", still taken";
    value += sites_text(found->sites);
    trace_->add(std::move(name), std::move(value), where(found, in_.medications, "medications"));
  } catch (...) {
  }
}

void facts::note(allergy_class c, const allergy* found) const noexcept {
  try {
    std::string name = "allergy " + std::string(to_string(c));
    if (!found) {
      trace_->add(std::move(name), none_found(denied(c)), {});
      return;
    }
    std::string value(to_string(found->substance));
    if (found->severity) value += " (" + std::string(to_string(*found->severity)) + ")";
    trace_->add(std::move(name), std::move(value), where(found, in_.allergies, "allergies"));
  } catch (...) {
  }
}

void facts::note(device_code c, const implanted_device* found) const noexcept {
  try {
    std::string name = "device " + std::string(to_string(c));
    if (!found) {
      trace_->add(std::move(name), none_found(denied(c)), {});
      return;
    }
    trace_->add(std::move(name), std::string(to_string(c)) + sites_text(found->sites),
                where(found, in_.devices, "devices"));
  } catch (...) {
  }
}

void facts::note(lab_code c, const lab_result* found) const noexcept {
  try {
    std::string name = "lab " + std::string(to_string(c));
    if (!found) {
      trace_->add(std::move(name), "no result on or before the plan date", {});
      return;
    }
    trace_->add(std::move(name),
                std::string(to_string(c)) + " " + num(found->value) + " on " +
                    to_string(found->date) + ", " + days_before(found->date, today()),
                where(found, in_.labs, "labs"));
  } catch (...) {
  }
}

void facts::note(procedure_code c, const prior_procedure* found) const noexcept {
  try {
    std::string name = "procedure " + std::string(to_string(c));
    if (!found) {
      trace_->add(std::move(name), "none on a planned area on or before the plan date", {});
      return;
    }
    std::string value = std::string(to_string(c)) + " on " + to_string(found->date) + ", " +
                        days_before(found->date, today());
    if (found->depth) value += " (" + std::string(to_string(*found->depth)) + ")";
    value += sites_text(found->areas);
    trace_->add(std::move(name), std::move(value), where(found, in_.procedures, "procedures"));
  } catch (...) {
  }
}

void facts::note_patient(patient_fact what) const noexcept {
  try {
    const auto& p = in_.patient;
    const auto word = [](known k) {
      return std::string(k == known::yes ? "yes" : k == known::no ? "no" : "unknown");
    };
    switch (what) {
      case patient_fact::age:
        trace_->add("age",
                    p.birth_date ? std::to_string(age_in_years(*p.birth_date, plan_.date)) +
                                       " years (born " + to_string(*p.birth_date) + ")"
                                 : std::string("unknown"),
                    p.birth_date ? "patient.birth_date" : "");
        break;
      case patient_fact::pregnant:
        trace_->add("pregnant", word(p.pregnant),
                    p.pregnant != known::unknown ? "patient.pregnant" : "");
        break;
      case patient_fact::breastfeeding:
        trace_->add("breastfeeding", word(p.breastfeeding),
                    p.breastfeeding != known::unknown ? "patient.breastfeeding" : "");
        break;
      case patient_fact::fitzpatrick:
        trace_->add("Fitzpatrick type",
                    p.fitzpatrick ? std::to_string(*p.fitzpatrick) : std::string("unknown"),
                    p.fitzpatrick ? "patient.fitzpatrick" : "");
        break;
    }
  } catch (...) {
  }
}

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
      for (const auto& x : e.facts) part(x.name + ": " + x.value);
    }
    if (e.status != rule_status::not_applicable)
      for (const auto& x : e.settings) part(x.name + " " + setting_text(x.value));
    if (e.status == rule_status::undecided) {
      std::string unk = "unknown:";
      for (question q : e.unknowns) unk += " " + std::string(to_string(q));
      part(unk);
    }
    if (s.empty()) s = "nothing this rule looks for is in the record";
    if (s.back() == '.') s.pop_back();
    s += ": ";
    s += to_string(e.status);
    if (e.status == rule_status::fired && e.flag) {
      s += " (" + std::string(to_string(e.flag->effect));
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
  std::string out = "DECISION: " + std::string(to_string(e.decision));
  if (e.decision_before_overrides)
    out += " (before overrides: " + std::string(to_string(*e.decision_before_overrides)) + ")";
  out += "\nSession date " + to_string(e.screened_on) + ", policy " + e.policy_name +
         ", knowledge " + e.knowledge_version + ".\n";
  for (const auto& r : e.rules) {
    out +=
        "\n[" + std::string(to_string(r.status)) + "] " + r.rule_id + "\n    " + r.sentence + "\n";
    for (const auto& x : r.facts) {
      out += "    - " + x.name + ": " + x.value;
      if (!x.source.empty()) out += "  (" + x.source + ")";
      out += "\n";
    }
    if (r.flag && r.flag->override_record) {
      const auto& o = *r.flag->override_record;
      out += "    OVERRIDDEN (" + std::string(to_string(o.reason)) + ")";
      if (!o.by.empty()) out += " by " + o.by;
      if (o.date) out += " on " + to_string(*o.date);
      if (!o.note.empty()) out += ": " + o.note;
      out += "\n";
    }
  }
  if (!e.warnings.empty()) {
    out += "\nWarnings\n";
    for (const auto& w : e.warnings) out += "  - " + format(w) + "\n";
  }
  return out;
}

}  // namespace mnscreen
