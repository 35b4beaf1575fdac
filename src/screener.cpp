// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/screener.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>

#include <boost/container/small_vector.hpp>

#include "facts.hpp"
#include "mnscreen/diagnostic.hpp"
#include "mnscreen/version.hpp"
#include "model/features.hpp"
#include "rules/engine.hpp"
#include "rules/explain.hpp"
#include "rules/overrides.hpp"
#include "rules/questions.hpp"

namespace mnscreen {

namespace detail {

/// What one call of screen_many keeps from one screen to the next (never shared between calls
/// or threads): the flags a report no longer needed, for the next report that needs more
/// (their strings and lists keep their room), and the record of the what-if screens.
struct screen_room {
  std::vector<flag> spare_flags;
  intake what_if;
};

}  // namespace detail

struct screener::impl {
  impl(policy p, risk_model m)
      : pol(std::move(p)), model(std::move(m)), overrides(mnscreen::overrides(pol)), advice(pol) {}
  /// Everything of a screen but the risk scores, into `r` (a fresh or reused report), and,
  /// when the inputs pass validation, the record's risk features into `features` (size
  /// feature_count); the caller then fills `r.risks` from them. Returns false for
  /// cannot_screen (`r` complete, risks cleared, features untouched). `kept` (may be null) is
  /// room kept from an earlier screen of the same run.
  bool screen_except_risks(const intake& in, const procedure_plan& plan, report& r,
                           std::span<double> features, detail::screen_room* kept) const;
  policy pol;
  risk_model model;
  std::vector<std::pair<std::string, setting_value>> overrides;
  detail::advice_texts advice;
};

namespace {

void stamp(report& r, const policy& pol, const risk_model& model,
           const std::vector<std::pair<std::string, setting_value>>& ovr, date on) {
  // assign, not a copy: a reused report keeps its strings' capacity.
  r.knowledge_version.assign(knowledge_version);
  r.library_version.assign(library_version);
  r.policy_name.assign(pol.name);
  r.policy_overrides = ovr;
  r.model.assign(model.label());
  r.screened_on = on;
}

// Exchanges two flags member by member. std::swap would move through a temporary, and a
// vector's move assignment frees the storage it replaces: a reused report would then allocate
// the flags' lists again at its next screen. Swapping keeps every buffer, only in another flag.
void swap_flags(flag& a, flag& b) noexcept {
  // Every member of `flag` is listed here: a new member must be added below (the mirror
  // struct's size stops the build otherwise).
  struct mirror {
    std::string rule_id;
    enum effect effect;
    std::vector<complication> complications;
    std::vector<area> areas;
    std::string reason, action;
    std::optional<date> earliest_safe_date;
    std::vector<mnscreen::evidence> evidence;
    std::optional<rule_override> override_record;
  };
  static_assert(sizeof(mirror) == sizeof(flag), "swap_flags must swap every member of flag");
  using std::swap;
  swap(a.rule_id, b.rule_id);
  swap(a.effect, b.effect);
  swap(a.complications, b.complications);
  swap(a.areas, b.areas);
  swap(a.reason, b.reason);
  swap(a.action, b.action);
  swap(a.earliest_safe_date, b.earliest_safe_date);
  swap(a.evidence, b.evidence);
  swap(a.override_record, b.override_record);
}

// Puts flags in order (effect, most serious first, then rule id) by swaps along each cycle of
// the permutation (usually the flags are nearly in order). `ranks[i]`: the rank of the id of
// `flags[i]`'s rule in id order (detail::id_rank), so no id string is compared.
void sort_flags(std::vector<flag>& flags, std::span<const std::uint16_t> ranks) {
  const std::size_t n = flags.size();
  if (n < 2) return;
  // One key per flag: the effect above the id rank, most serious effect first (inline buffers
  // cover any usual screen; a longer list of flags spills to the heap).
  boost::container::small_vector<std::uint32_t, 32> key(n);
  boost::container::small_vector<std::uint32_t, 32> order(n);
  constexpr std::uint32_t max_effect = static_cast<std::uint32_t>(effect::do_not_treat);
  for (std::size_t i = 0; i < n; ++i) {
    key[i] = ((max_effect - static_cast<std::uint32_t>(flags[i].effect)) << 16U) | ranks[i];
    order[i] = static_cast<std::uint32_t>(i);
  }
  const auto before = [&](std::uint32_t a, std::uint32_t b) { return key[a] < key[b]; };
  if (std::is_sorted(order.begin(), order.end(), before)) return;
  std::sort(order.begin(), order.end(), before);
  // Apply the permutation in place: position i takes the flag at order[i]. Along a cycle
  // i <- order[i] <- order[order[i]]..., each swap puts one flag in its place.
  boost::container::small_vector<bool, 32> placed(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    if (placed[i]) continue;
    placed[i] = true;
    for (std::size_t j = i, from = order[i]; from != i; j = from, from = order[from]) {
      swap_flags(flags[j], flags[from]);
      placed[from] = true;
    }
  }
}

// Room for one more flag at the end of `flags`: a spare one kept from an earlier screen of the
// same run when there is one (it is overwritten whole), else a new one.
flag& new_flag(std::vector<flag>& flags, detail::screen_room* kept) {
  if (kept == nullptr || kept->spare_flags.empty()) return flags.emplace_back();
  flags.push_back(std::move(kept->spare_flags.back()));
  kept->spare_flags.pop_back();
  return flags.back();
}

// Shortens `flags` to `n`; the flags past `n` are kept as spares for the run's next screens
// rather than destroyed (with no run, they are).
void put_aside(std::vector<flag>& flags, std::size_t n, detail::screen_room* kept) {
  if (kept == nullptr) {
    flags.resize(n);
    return;
  }
  while (flags.size() > n) {
    kept->spare_flags.push_back(std::move(flags.back()));
    flags.pop_back();
  }
}

// Most serious effect among the flags that count (info and overridden flags do not), as a
// decision. An incomplete screen never says proceed.
decision decide(const std::vector<flag>& flags, bool complete) noexcept {
  decision d = decision::proceed;
  for (const auto& f : flags)
    if (!f.override_record) d = std::max(d, to_decision(f.effect));
  if (!complete && d == decision::proceed) d = decision::proceed_with_caution;
  return d;
}

// As above, counting overridden flags too: the decision before overrides.
decision decide_before_overrides(const std::vector<flag>& flags, bool complete) noexcept {
  decision d = decision::proceed;
  for (const auto& f : flags) d = std::max(d, to_decision(f.effect));
  if (!complete && d == decision::proceed) d = decision::proceed_with_caution;
  return d;
}

// Latest safe date among the `defer` flags that count; none if any deferral has no known end.
std::optional<date> defer_until(const std::vector<flag>& flags) noexcept {
  std::optional<date> latest;
  for (const auto& f : flags) {
    if (f.effect != effect::defer || f.override_record) continue;
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
    throw mnscreen::error(msg);
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

bool screener::impl::screen_except_risks(const intake& in, const procedure_plan& plan, report& r,
                                         std::span<double> features,
                                         detail::screen_room* kept) const {
  stamp(r, pol, model, overrides, plan.date);
  r.defer_until.reset();
  // flags, risks, prep and aftercare are overwritten in place below (a reused report keeps
  // their capacity) or cleared when the input cannot be screened.

  // Validation cannot be bypassed: an invalid input is never screened on a guess.
  r.warnings = validate(plan);
  auto intake_problems = validate(in);
  r.warnings.insert(r.warnings.end(), std::make_move_iterator(intake_problems.begin()),
                    std::make_move_iterator(intake_problems.end()));
  if (plan.date.ok() && in.patient.birth_date && in.patient.birth_date->ok() &&
      std::chrono::sys_days{*in.patient.birth_date} > std::chrono::sys_days{plan.date})
    r.warnings.push_back(
        {severity::error, "out_of_range", "$.patient.birth_date",
         to_string(*in.patient.birth_date) + " is after the plan date " + to_string(plan.date)});
  if (has_errors(r.warnings)) {
    r.decision = decision::cannot_screen;
    r.complete = false;
    r.questions.clear();
    put_aside(r.flags, 0, kept);
    r.risks.clear();
    r.prep.clear();
    r.aftercare.clear();
    return false;
  }

  // The record is read once: the rules, the questions, the advice and the risk features all
  // ask these facts.
  const detail::facts f(in, plan, pol);
  const auto table = detail::rule_table();
  // One finding, reused by every rule, writing into the report's next flag (a slot: a flag
  // left from an earlier screen of a reused report, a spare of the run, or a new one): a rule
  // that fires writes its sentences there and the flag is completed at once (in table order);
  // the slot of a rule that stays quiet waits for the next. Then the flags are escalated and
  // ordered (by effect, most serious first, then id).
  detail::finding scratch;
  detail::advice_set advice_wanted;
  // The exclusion kind and id rank of each flag's rule, for the escalation and the order
  // (inline for any usual screen).
  boost::container::small_vector<detail::exclusion, 16> kinds;
  boost::container::small_vector<std::uint16_t, 16> ranks;
  std::size_t n_flags = 0;
  if (r.flags.capacity() == 0) r.flags.reserve(8);
  bool slot_ready = false;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (!slot_ready) {
      scratch.write_into(n_flags < r.flags.size() ? r.flags[n_flags] : new_flag(r.flags, kept));
      slot_ready = true;
    }
    table[i].check(f, scratch);
    if (!scratch.fired()) continue;
    advice_wanted |= table[i].advice;
    kinds.push_back(table[i].excludes);
    ranks.push_back(detail::id_rank(i));
    scratch.fill_flag(table[i].info);
    ++n_flags;
    slot_ready = false;
  }
  // The waiting slot, if any, goes with the flags past the screen's own.
  put_aside(r.flags, n_flags, kept);
  detail::escalate_combined_exclusions(f, std::span<flag>(r.flags), kinds);
  sort_flags(r.flags, ranks);

  detail::unknown_factors(f, r.questions);
  r.complete = r.questions.empty();
  // Clinician overrides (docs/api.md, "Overrides"): the flags stay, marked; the decision and
  // defer_until count only the flags not overridden.
  r.decision_before_overrides.reset();
  bool refused = false;
  if (!plan.overrides.empty()) [[unlikely]] {
    refused = !detail::apply_overrides(plan, pol, r.flags, r.warnings);
    if (!refused && std::any_of(r.flags.begin(), r.flags.end(),
                                [](const flag& x) { return x.override_record.has_value(); }))
      r.decision_before_overrides = decide_before_overrides(r.flags, r.complete);
  }
  r.decision = decide(r.flags, r.complete);
  if (r.decision == decision::defer) r.defer_until = defer_until(r.flags);
  // Questions ranked by what they could change (a what-if screen per question).
  if (!r.questions.empty()) {
    if (kept != nullptr) {
      detail::rank_questions(f, r.questions, kept->what_if);
    } else {
      intake what_if;
      detail::rank_questions(f, r.questions, what_if);
    }
  }
  if (refused) [[unlikely]] {
    r.decision = decision::cannot_screen;
    r.defer_until.reset();
  }

  detail::fill_risk_features(f, features);
  advice.advise(f, advice_wanted, r.prep, r.aftercare);

  auto contradictions = detail::contradictions(f);
  r.warnings.insert(r.warnings.end(), std::make_move_iterator(contradictions.begin()),
                    std::make_move_iterator(contradictions.end()));
  if (in.patient.deceased == known::yes)
    r.warnings.push_back({severity::warning, "deceased_patient", "$.patient",
                          "the record says this patient has died; check the record is the "
                          "right one"});
  return true;
}

explanation screener::explain(const intake& in, const procedure_plan& plan) const {
  const report rep = screen(in, plan);
  explanation e;
  e.knowledge_version = rep.knowledge_version;
  e.policy_name = rep.policy_name;
  e.screened_on = rep.screened_on;
  e.decision = rep.decision;
  e.decision_before_overrides = rep.decision_before_overrides;
  e.warnings = rep.warnings;
  // Inputs that fail validation are never screened, so no rule is explained for them; a
  // refused override is an error of the plan's overrides, not of the record: the rules are
  // explained.
  const bool invalid =
      rep.decision == decision::cannot_screen &&
      std::none_of(rep.warnings.begin(), rep.warnings.end(),
                   [](const diagnostic& d) { return d.code == "override_refused"; });
  if (!invalid) detail::explain_rules(in, plan, impl_->pol, rep, e);
  return e;
}

report screener::screen(const intake& in, const procedure_plan& plan) const {
  report r;
  screen_into(in, plan, r);
  return r;
}

void screener::screen_into(const intake& in, const procedure_plan& plan, report& out) const {
  const impl& self = *impl_;
  std::array<double, detail::feature_count> x;  // NOLINT: filled when screened
  if (self.screen_except_risks(in, plan, out, x, nullptr))
    detail::score_into(self.model, x, self.pol, out.risks);
}

std::vector<report> screener::screen_many(std::span<const intake> intakes,
                                          std::span<const procedure_plan> plans) const {
  std::vector<report> out(intakes.size());
  screen_many(intakes, plans, out);
  return out;
}

void screener::screen_many(std::span<const intake> intakes, std::span<const procedure_plan> plans,
                           std::span<report> out) const {
  const std::size_t n = intakes.size();
  if (plans.size() != n && plans.size() != 1)
    throw mnscreen::error("mnscreen: screener::screen_many: " + std::to_string(n) +
                          " intakes but " + std::to_string(plans.size()) +
                          " plans (one per intake, or one for all)");
  if (out.size() != n)
    throw mnscreen::error("mnscreen: screener::screen_many: " + std::to_string(n) +
                          " intakes but room for " + std::to_string(out.size()) + " reports");
  if (n == 0) return;
  const impl& self = *impl_;
  constexpr std::size_t nf = detail::feature_count;
  // One row of features per patient (a record that fails validation keeps a row of zeros,
  // scored and ignored), one product for the whole span, then each report's risks.
  std::vector<double> features(n * nf, 0.0);
  std::vector<double> scores(n * complication_count);
  std::vector<bool> screened(n);
  detail::screen_room kept;
  for (std::size_t i = 0; i < n; ++i) {
    const procedure_plan& plan = plans.size() == 1 ? plans[0] : plans[i];
    screened[i] = self.screen_except_risks(intakes[i], plan, out[i],
                                           std::span<double>(features).subspan(i * nf, nf), &kept);
  }
  self.model.score_batch(features, scores);
  for (std::size_t i = 0; i < n; ++i) {
    if (!screened[i]) continue;
    detail::fill_risk_scores(self.model, std::span<const double>(features).subspan(i * nf, nf),
                             std::span<const double, complication_count>(
                                 scores.data() + i * complication_count, complication_count),
                             self.pol, out[i].risks);
  }
}

}  // namespace mnscreen
