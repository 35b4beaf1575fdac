// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/screener.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

#include "facts.hpp"
#include "mnscreen/version.hpp"
#include "rules/engine.hpp"
#include "rules/questions.hpp"

namespace mnscreen {

struct screener::impl {
  impl(policy p, risk_model m)
      : pol(std::move(p)), model(std::move(m)), overrides(mnscreen::overrides(pol)), advice(pol) {}
  policy pol;
  risk_model model;
  std::vector<std::pair<std::string, setting_value>> overrides;
  detail::advice_texts advice;
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
  impl_ = std::make_shared<const impl>(std::move(pol), std::move(model));
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
  const auto table = detail::rule_table();
  // Each rule writes its finding into its own slot; only the fired ones are then ordered (by
  // effect, most serious first, then id) and turned into flags, so no flag is moved twice.
  std::array<detail::finding, detail::rule_count> findings;
  std::array<std::uint8_t, detail::rule_count> order{};
  std::size_t fired_count = 0;
  detail::fired_rules fired;
  for (std::size_t i = 0; i < table.size(); ++i) {
    table[i].check(f, findings[i]);
    if (findings[i].fired()) {
      order[fired_count++] = static_cast<std::uint8_t>(i);
      fired.set(i);
    }
  }
  detail::escalate_combined_exclusions(f, findings);
  std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(fired_count),
            [&](std::uint8_t a, std::uint8_t b) {
              const effect ea = findings[a].severity(), eb = findings[b].severity();
              if (ea != eb) return ea > eb;
              return table[a].info.id < table[b].info.id;
            });
  r.flags.reserve(fired_count);
  for (std::size_t k = 0; k < fired_count; ++k)
    r.flags.push_back(std::move(findings[order[k]]).to_flag(table[order[k]].info));

  r.questions = detail::unknown_factors(f);
  r.complete = r.questions.empty();
  r.decision = decide(r.flags);
  // An incomplete screen never says proceed.
  if (!r.complete && r.decision == decision::proceed) r.decision = decision::proceed_with_caution;
  if (r.decision == decision::defer) r.defer_until = defer_until(r.flags);

  r.risks = self.model.score(risk_feature_vector(in, plan, self.pol), self.pol);
  self.advice.advise(f, fired, r.prep, r.aftercare);

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
