// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/screener.hpp"

#include <algorithm>
#include <stdexcept>

#include "facts.hpp"
#include "mnscreen/version.hpp"
#include "rules/engine.hpp"
#include "rules/questions.hpp"

namespace mnscreen {

struct screener::impl {
  policy pol;
  risk_model model;
  std::vector<std::pair<std::string, setting_value>> overrides;
};

namespace {


void stamp(report& r, const policy& pol, const risk_model& model,
           const std::vector<std::pair<std::string, setting_value>>& ovr, date on) {
  r.knowledge_version = knowledge_version;
  r.library_version = library_version;
  r.policy_name = pol.name;
  r.policy_overrides = ovr;
  r.model = model.label();
  r.screened_on = on;
}

// Most serious effect among the flags that count (info does not), as a decision.
decision decide(const std::vector<flag>& flags) noexcept {
  decision d = decision::proceed;
  for (const auto& f : flags) d = std::max(d, to_decision(f.effect));
  return d;
}

// Latest safe date among `defer` flags; none if any deferral has no known end.
std::optional<date> defer_until(const std::vector<flag>& flags) noexcept {
  std::optional<date> latest;
  for (const auto& f : flags) {
    if (f.effect != effect::defer) continue;
    if (!f.earliest_safe_date) return std::nullopt;
    if (!latest || std::chrono::sys_days{*f.earliest_safe_date} > std::chrono::sys_days{*latest})
      latest = f.earliest_safe_date;
  }
  return latest;
}

}  // namespace

screener::screener() : screener(policy{}, risk_model::prior()) {}

screener::screener(policy pol) : screener(std::move(pol), risk_model::prior()) {}

screener::screener(policy pol, risk_model model) {
  const auto problems = validate(pol);
  if (has_errors(problems)) {
    std::string msg = "mnscreen: invalid policy";
    for (const auto& d : problems) msg += "; " + format(d);
    throw std::invalid_argument(msg);
  }
  auto i = std::make_shared<impl>(impl{std::move(pol), std::move(model), {}});
  i->overrides = overrides(i->pol);
  impl_ = std::move(i);
}

screener::screener(const screener&) = default;
screener::screener(screener&&) noexcept = default;
screener& screener::operator=(const screener&) = default;
screener& screener::operator=(screener&&) noexcept = default;
screener::~screener() = default;

const policy& screener::active_policy() const noexcept { return impl_->pol; }
const risk_model& screener::model() const noexcept { return impl_->model; }

report screener::screen(const intake& in, const procedure_plan& plan) const {
  const impl& self = *impl_;
  report r;
  stamp(r, self.pol, self.model, self.overrides, plan.date);

  // Validation cannot be bypassed: an invalid input is never screened on a guess.
  r.warnings = validate(plan);
  auto intake_problems = validate(in);
  r.warnings.insert(r.warnings.end(), std::make_move_iterator(intake_problems.begin()),
                    std::make_move_iterator(intake_problems.end()));
  if (plan.date.ok() && in.patient.birth_date && in.patient.birth_date->ok() &&
      std::chrono::sys_days{*in.patient.birth_date} > std::chrono::sys_days{plan.date})
    r.warnings.push_back({severity::error, "out_of_range", "$.patient.birth_date",
                          to_string(*in.patient.birth_date) + " is after the plan date " +
                              to_string(plan.date)});
  if (has_errors(r.warnings)) {
    r.decision = decision::cannot_screen;
    r.complete = false;
    return r;
  }

  const detail::facts f(in, plan, self.pol);
  for (const auto& rule : detail::rule_table()) {
    detail::finding out;
    rule.check(f, out);
    if (out.fired()) r.flags.push_back(std::move(out).to_flag(rule.info));
  }
  std::stable_sort(r.flags.begin(), r.flags.end(), [](const flag& a, const flag& b) {
    if (a.effect != b.effect) return a.effect > b.effect;
    return a.rule_id < b.rule_id;
  });

  r.questions = detail::unknown_factors(f);
  r.complete = r.questions.empty();
  r.decision = decide(r.flags);
  // An incomplete screen never says proceed.
  if (!r.complete && r.decision == decision::proceed) r.decision = decision::proceed_with_caution;
  if (r.decision == decision::defer) r.defer_until = defer_until(r.flags);

  r.risks = self.model.score(risk_feature_vector(in, plan, self.pol), self.pol);
  detail::advise(f, r.flags, r.prep, r.aftercare);

  auto contradictions = detail::contradictions(f);
  r.warnings.insert(r.warnings.end(), std::make_move_iterator(contradictions.begin()),
                    std::make_move_iterator(contradictions.end()));
  if (in.patient.deceased == known::yes)
    r.warnings.push_back({severity::warning, "deceased_patient", "$.patient",
                          "the record says this patient has died; check the record is the "
                          "right one"});
  return r;
}

decision to_decision(effect e) noexcept {
  switch (e) {
    case effect::info: return decision::proceed;
    case effect::proceed_with_caution: return decision::proceed_with_caution;
    case effect::modify_plan: return decision::modify_plan;
    case effect::defer: return decision::defer;
    case effect::do_not_treat: return decision::do_not_treat;
  }
  return decision::do_not_treat;
}

}  // namespace mnscreen
