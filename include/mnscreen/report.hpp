// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/report.hpp
//
// The screening result (`mnscreen.report/1`): decision, flags, questions, risks, advice.
//
//   mnscreen::report r = screener.screen(in, plan);
//   std::cout << mnscreen::to_string(r.decision) << '\n';
//   for (const auto& f : r.flags) std::cout << f.rule_id << ": " << f.reason << '\n';
//   if (!r.complete) for (const auto& q : r.questions) std::cout << q.ask << '\n';
#ifndef MNSCREEN_REPORT_HPP
#define MNSCREEN_REPORT_HPP

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mnscreen/dates.hpp"
#include "mnscreen/diagnostic.hpp"
#include "mnscreen/policy.hpp"
#include "mnscreen/procedure.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen {

/// A source a rule rests on.
struct evidence {
  std::string source;
  evidence_level level = evidence_level::expert_opinion;
  friend bool operator==(const evidence&, const evidence&) = default;
};

/// One contraindication or caution found by a rule.
struct flag {
  /// Stable rule id from the catalogue (never reused).
  std::string rule_id;
  enum effect effect = effect::info;
  std::vector<complication> complications;
  /// Planned areas the flag concerns (for area exclusions: the excluded areas).
  std::vector<area> areas;
  /// Plain-language reason naming the patient's facts.
  std::string reason;
  /// What to do.
  std::string action;
  /// For deferrals with a known end: the first date the procedure may go ahead.
  std::optional<date> earliest_safe_date;
  std::vector<mnscreen::evidence> evidence;
  /// The clinician's override of this flag for this plan, if any. An overridden flag stays in
  /// the report but does not count towards `report::decision`.
  std::optional<rule_override> override_record;
  friend bool operator==(const flag&, const flag&) = default;
};

/// An unknown factor and the question that settles it.
struct question_item {
  enum question factor {};
  std::string ask;
  /// The decision the screen would give if the factor were present (a what-if screen);
  /// questions are ordered by it, most serious first.
  std::optional<enum decision> if_yes;
  friend bool operator==(const question_item&, const question_item&) = default;
};

/// A factor that raised a risk score; `weight` is its log-odds contribution.
struct risk_driver {
  std::string factor;
  double weight = 0.0;
  friend bool operator==(const risk_driver&, const risk_driver&) = default;
};

/// Risk of one complication.
struct risk_score {
  enum complication complication {};
  /// Probability in [0, 1].
  double score = 0.0;
  risk_band band = risk_band::low;
  /// Factors that raised the score, largest weight first.
  std::vector<risk_driver> drivers;
  /// Score of the reference patient (no risk factor, same area group, clinic pen <= 1.5 mm,
  /// Fitzpatrick I-III) under the same model (clinical-spec "Reference and relative risk").
  double reference = 0.0;
  /// `score / reference`.
  double relative = 1.0;
  friend bool operator==(const risk_score&, const risk_score&) = default;
};

/// The screening result.
struct report {
  std::string knowledge_version;
  std::string library_version;
  std::string policy_name = "default";
  /// Settings that differ from the cited defaults.
  std::vector<std::pair<std::string, setting_value>> policy_overrides;
  /// Risk model label, e.g. "prior-2026.2 (not validated on outcomes)".
  std::string model;
  date screened_on{};
  enum decision decision = decision::proceed;
  /// The decision before clinician overrides; present only when an override changed a flag.
  std::optional<enum decision> decision_before_overrides;
  /// Latest earliest-safe-date among `defer` flags; absent when the decision is not `defer` or
  /// when a deferral has no known end.
  std::optional<date> defer_until;
  /// False when a factor a rule needs for this plan is unknown (`questions` says what to ask).
  bool complete = true;
  std::vector<question_item> questions;
  /// Sorted by effect (most serious first), then rule id.
  std::vector<flag> flags;
  /// All seven complications, in `complication` order.
  std::vector<risk_score> risks;
  std::vector<std::string> prep;
  std::vector<std::string> aftercare;
  /// Input problems that did not stop the screen (unknown keys, contradictions, …), or, with
  /// `decision::cannot_screen`, the errors that did.
  std::vector<diagnostic> warnings;
  friend bool operator==(const report&, const report&) = default;
};

/// Decision for a flag effect (`info` maps to `proceed`).
[[nodiscard]] MNSCREEN_EXPORT enum decision to_decision(enum effect e) noexcept;

}  // namespace mnscreen

#endif  // MNSCREEN_REPORT_HPP
