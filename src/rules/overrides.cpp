// SPDX-License-Identifier: Apache-2.0
// Clinician overrides and the what-if screens behind question ranking (issue 11).
#include "overrides.hpp"

#include <algorithm>
#include <array>
#include <chrono>

#include <boost/container/small_vector.hpp>

#include "engine.hpp"
#include "questions.hpp"

namespace mnscreen::detail {
namespace {

bool has_label_evidence(const flag& x) noexcept {
  return std::any_of(x.evidence.begin(), x.evidence.end(),
                     [](const evidence& e) { return e.level == evidence_level::label; });
}

bool has_label_evidence(const rule_info& info) noexcept {
  return std::any_of(info.evidence.begin(), info.evidence.end(),
                     [](const evidence_ref& e) { return e.level == evidence_level::label; });
}

std::string override_path(std::size_t i) {
  return text::cat("$.overrides[", text::integer(i), ']');
}

// The planned anaesthetic's own substance (a mixture: its first), for the what-if allergy.
allergy_substance substance_of(anesthetic a) noexcept {
  switch (a) {
    case anesthetic::prilocaine:
      return allergy_substance::prilocaine;
    case anesthetic::articaine:
      return allergy_substance::articaine;
    case anesthetic::bupivacaine:
      return allergy_substance::bupivacaine;
    case anesthetic::benzocaine:
    case anesthetic::benzocaine_lidocaine_tetracaine:
      return allergy_substance::benzocaine;
    case anesthetic::tetracaine:
      return allergy_substance::tetracaine;
    case anesthetic::procaine:
      return allergy_substance::procaine;
    case anesthetic::none:
    case anesthetic::lidocaine:
    case anesthetic::lidocaine_prilocaine:
      return allergy_substance::lidocaine;
  }
  return allergy_substance::lidocaine;
}

void add_condition(intake& in, condition_code c, condition_status s) {
  condition x;
  x.code = c;
  x.status = s;
  in.conditions.push_back(std::move(x));
}

void add_medication(intake& in, medication_code m) {
  medication x;
  x.code = m;
  x.route = route::oral;
  in.medications.push_back(std::move(x));
}

void add_lab(intake& in, lab_code c, double value, date on) {
  lab_result l;
  l.code = c;
  l.value = value;
  l.date = on;
  in.labs.push_back(std::move(l));
}

// Whether the plan's overrides set aside a flag of this rule with this effect.
bool overridden(const facts& f, const rule_def& rule, effect e) {
  const auto& ovr = f.plan().overrides;
  return std::any_of(ovr.begin(), ovr.end(),
                     [&](const rule_override& o) { return o.rule_id == rule.info.id; }) &&
         !override_refused(f.rules_policy(), e, has_label_evidence(rule.info));
}

// Decision of a screen of these facts: the rules (with the combined-exclusion escalation), the
// plan's overrides as the policy allows them, and completeness; no flags, risks or advice are
// built. `scratch` is the caller's decision-only finding (no sentences are written: only the
// effects decide), reused by every rule.
// The same decision as the full screen's (escalate_combined_exclusions on its flags, then the
// most serious effect not overridden), found with less work: an effect that counts is folded in
// as its rule fires, and the refusing area exclusions are kept aside (rule and effect) until all
// have fired, since together they may all become do_not_treat. Once a do_not_treat counts,
// nothing can raise the decision further (escalation only raises effects to do_not_treat;
// completeness matters only to proceed), so the remaining rules are not run.
decision rules_decision(const facts& f, finding& scratch) {
  const auto table = rule_table();
  decision d = decision::proceed;
  struct refusing_exclusion {
    std::size_t rule;
    effect e;
  };
  boost::container::small_vector<refusing_exclusion, 8> exclusions;
  area_set excluded;
  for (std::size_t i = 0; i < table.size(); ++i) {
    scratch.reset();
    table[i].check(f, scratch);
    if (!scratch.fired()) continue;
    const effect e = scratch.severity();
    // As escalate_combined_exclusions: a refusing exclusion with no planned area (a keloid
    // history with no site in the plan) takes no part.
    if (can_refuse(table[i].excludes) && !scratch.areas().empty()) {
      excluded.insert(scratch.areas());
      exclusions.push_back({i, e});
      if (e != effect::do_not_treat) continue;  // may still be escalated
    }
    if (overridden(f, table[i], e)) continue;
    d = std::max(d, to_decision(e));
    if (d == decision::do_not_treat) return d;
  }
  const bool escalated = exclusions_escalate(f, excluded, exclusions.size());
  for (const refusing_exclusion& x : exclusions) {
    const effect e = escalated ? effect::do_not_treat : x.e;
    if (!overridden(f, table[x.rule], e)) d = std::max(d, to_decision(e));
  }
  if (d == decision::proceed && has_unknown_factor(f)) d = decision::proceed_with_caution;
  return d;
}

}  // namespace

bool override_refused(const policy& pol, effect e, bool label_evidence) noexcept {
  return e == effect::do_not_treat && label_evidence && !pol.allow_override_do_not_treat;
}

bool apply_overrides(const procedure_plan& plan, const policy& pol, std::vector<flag>& flags,
                     std::vector<diagnostic>& warnings) {
  // Refusals first: one refused override refuses the plan's overrides as a whole, so that a
  // report never applies part of what the clinician decided.
  bool refused = false;
  for (std::size_t i = 0; i < plan.overrides.size(); ++i) {
    const rule_override& o = plan.overrides[i];
    for (const flag& x : flags) {
      if (x.rule_id != o.rule_id) continue;
      if (override_refused(pol, x.effect, has_label_evidence(x))) {
        warnings.push_back(
            {severity::error, "override_refused", override_path(i),
             text::cat("rule '", o.rule_id,
                       "' is do_not_treat on device labelling and cannot be overridden (policy "
                       "allow_override_do_not_treat is false); nothing was screened with the "
                       "overrides")});
        refused = true;
      }
    }
  }
  if (refused) return false;
  for (std::size_t i = 0; i < plan.overrides.size(); ++i) {
    const rule_override& o = plan.overrides[i];
    const auto it = std::find_if(flags.begin(), flags.end(),
                                 [&](const flag& x) { return x.rule_id == o.rule_id; });
    if (it == flags.end()) {
      warnings.push_back({severity::warning, "override_not_fired", override_path(i),
                          text::cat("rule '", o.rule_id,
                                    "' did not fire for this record and plan; the override has "
                                    "no effect")});
      continue;
    }
    if (!it->override_record) it->override_record = o;
  }
  return true;
}

void add_factor_present(intake& x, const procedure_plan& plan, const policy& pol, question q) {
  switch (q) {
    case question::pregnancy:
      x.patient.pregnant = known::yes;
      break;
    case question::breastfeeding:
      x.patient.breastfeeding = known::yes;
      break;
    case question::anticoagulant:
      add_medication(x, medication_code::warfarin);
      break;
    case question::bleeding_disorder:
      add_condition(x, condition_code::bleeding_disorder, condition_status::active);
      break;
    case question::isotretinoin:
      add_medication(x, medication_code::isotretinoin);
      break;
    case question::keloid:
      add_condition(x, condition_code::keloid, condition_status::history);
      break;
    case question::hsv_labialis:
      add_condition(x, condition_code::hsv_labialis, condition_status::history);
      break;
    case question::skin_infection:
      add_condition(x, condition_code::skin_infection, condition_status::active);
      break;
    case question::anesthetic_allergy: {
      allergy a;
      a.substance = substance_of(plan.anesthetic);
      x.allergies.push_back(std::move(a));
      break;
    }
    case question::implanted_device: {
      implanted_device d;
      d.code = device_code::pacemaker;
      x.devices.push_back(std::move(d));
      break;
    }
    case question::diabetes_mellitus:
      add_condition(x, condition_code::diabetes_mellitus, condition_status::active);
      break;
    case question::immunosuppression:
      add_condition(x, condition_code::immunosuppression, condition_status::active);
      break;
    case question::hba1c:
      add_lab(x, lab_code::hba1c, pol.hba1c_max_percent + 1.0, plan.date);
      break;
    case question::inr:
      add_lab(x, lab_code::inr, pol.inr_max + 1.0, plan.date);
      break;
    case question::birth_date: {
      // A patient below the minimum age (a minor with the default policy).
      const int years = std::max(pol.minimum_age - 1, 0);
      const std::chrono::year_month_day born{plan.date.year() - std::chrono::years{years},
                                             plan.date.month(), plan.date.day()};
      x.patient.birth_date = date{std::chrono::sys_days{born}};
      break;
    }
    case question::sex:
      x.patient.sex = sex::female;
      break;
    case question::fitzpatrick:
      x.patient.fitzpatrick = 6;
      break;
    case question::single_use_needles:
      break;  // a plan fact: plan_with_factor_present
  }
}

procedure_plan plan_with_factor_present(const procedure_plan& plan, question q) {
  procedure_plan p = plan;
  if (q == question::single_use_needles) p.single_use_needles = known::no;
  return p;
}

void rank_questions(const facts& f, std::vector<question_item>& questions, intake& in) {
  // One what-if record and one set of findings for all the questions of a screen. The record
  // is copied once (into the caller's room: screen_many keeps it from record to record):
  // add_factor_present only sets patient fields and appends to lists, so after each what-if
  // screen the patient and the lists' lengths are put back as they were. (Not per thread: a
  // screen touches no global or thread_local state, docs/architecture.md.)
  const intake& recorded = f.record();
  in = recorded;
  const patient_info as_recorded = in.patient;
  finding scratch(finding::decision_only);
  for (question_item& qi : questions) {
    add_factor_present(in, f.plan(), f.rules_policy(), qi.factor);
    if (qi.factor == question::single_use_needles) {
      const procedure_plan plan = plan_with_factor_present(f.plan(), qi.factor);
      qi.if_yes = rules_decision(facts(in, plan, f.rules_policy()), scratch);
    } else {
      qi.if_yes = rules_decision(facts(in, f.plan(), f.rules_policy()), scratch);
    }
    in.patient = as_recorded;
    in.conditions.resize(recorded.conditions.size());
    in.medications.resize(recorded.medications.size());
    in.allergies.resize(recorded.allergies.size());
    in.devices.resize(recorded.devices.size());
    in.procedures.resize(recorded.procedures.size());
    in.labs.resize(recorded.labs.size());
  }
  std::stable_sort(
      questions.begin(), questions.end(),
      [](const question_item& a, const question_item& b) { return a.if_yes > b.if_yes; });
}

}  // namespace mnscreen::detail
