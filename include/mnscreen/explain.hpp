// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/explain.hpp
//
// Why each rule fired or stayed quiet (`mnscreen.explain/1`, issue 11): one entry per catalogue
// rule, with the facts it looked at (and where they came from), the settings it used, the
// unknown factors that leave it undecided, and a sentence.
//
//   const mnscreen::explanation e = screener.explain(in, plan);
//   for (const auto& r : e.rules)
//     std::cout << r.rule_id << ' ' << mnscreen::to_string(r.status) << ": " << r.sentence << '\n';
//
// The explanation runs the same check functions as `screener::screen` (with a trace attached to
// the record accessors), so its `fired` rules are exactly the report's flags.
#ifndef MNSCREEN_EXPLAIN_HPP
#define MNSCREEN_EXPLAIN_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mnscreen/dates.hpp"
#include "mnscreen/diagnostic.hpp"
#include "mnscreen/export.hpp"
#include "mnscreen/policy.hpp"
#include "mnscreen/report.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen {

/// What a rule made of this record and plan.
enum class rule_status : std::uint8_t {
  /// The rule raised its flag (`rule_explanation::flag`).
  fired,
  /// The rule applies to the plan and found nothing.
  quiet,
  /// The rule cannot apply to this plan (an RF rule for a pen plan, a home-use rule for a clinic
  /// plan, the anaesthetic rule with no anaesthetic...).
  not_applicable,
  /// The rule did not fire, but a factor it needs is unknown (`unknowns`): it may fire once the
  /// question is answered.
  undecided
};

[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(rule_status s) noexcept;

/// One fact a rule looked at.
struct explained_fact {
  /// What was looked for, e.g. `oral_retinoid medication (stopped)`, `condition bleeding_disorder`.
  std::string name;
  /// What the record says, e.g. `isotretinoin stopped 2026-03-01, 275 days before the plan`, or
  /// `not recorded`.
  std::string value;
  /// Where it came from: the item's `source` (e.g. a FHIR resource id `MedicationStatement/7`)
  /// or, when the item has none, its place in the intake (`medications[2]`, `patient.pregnant`);
  /// empty when nothing was found.
  std::string source;
  friend bool operator==(const explained_fact&, const explained_fact&) = default;
};

/// A policy setting a rule used, with its value in this screen.
struct explained_setting {
  std::string name;
  setting_value value;
  friend bool operator==(const explained_setting&, const explained_setting&) = default;
};

/// One rule's explanation.
struct rule_explanation {
  std::string rule_id;
  rule_status status = rule_status::quiet;
  std::vector<explained_fact> facts;
  std::vector<explained_setting> settings;
  /// Unknown factors the rule needs (the report's questions about them); non-empty for
  /// `undecided`.
  std::vector<question> unknowns;
  /// One sentence: the facts, the settings and the status ("isotretinoin stopped 2026-03-01,
  /// 275 days before the plan; isotretinoin_washout_days 180: quiet").
  std::string sentence;
  /// For `fired`: the report's flag (with its override, if any).
  std::optional<mnscreen::flag> flag;
  friend bool operator==(const rule_explanation&, const rule_explanation&) = default;
};

/// The explanation of one screen (`mnscreen.explain/1`).
struct explanation {
  std::string knowledge_version;
  std::string policy_name = "default";
  date screened_on{};
  /// The report's decision (and its decision before overrides, when an override applied).
  enum decision decision = decision::proceed;
  std::optional<enum decision> decision_before_overrides;
  /// One entry per catalogue rule, in catalogue order; empty when the inputs could not be
  /// screened (`decision::cannot_screen`, the reasons in `warnings`).
  std::vector<rule_explanation> rules;
  /// The report's warnings.
  std::vector<diagnostic> warnings;
  friend bool operator==(const explanation&, const explanation&) = default;
};

/// The explanation as a `mnscreen.explain/1` JSON document (compact, one line).
[[nodiscard]] MNSCREEN_EXPORT std::string to_json(const explanation& e);
/// The explanation as text: one block per rule (status, sentence, facts with sources).
[[nodiscard]] MNSCREEN_EXPORT std::string to_text(const explanation& e);

}  // namespace mnscreen

#endif  // MNSCREEN_EXPLAIN_HPP
