// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/policy.hpp
//
// A clinic's choices where sources disagree. Every member starts at the cited default of
// clinical-spec.md ("Policy settings"); docs/policy.md lists each with its source.
//
//   mnscreen::policy p;                       // the cited defaults
//   p.name = "permissive-isotretinoin";
//   p.isotretinoin_washout_days = 30;
//   for (const auto& d : mnscreen::validate(p)) std::cerr << mnscreen::format(d) << '\n';
//   mnscreen::screener s{p};                  // throws mnscreen::error if invalid
#ifndef MNSCREEN_POLICY_HPP
#define MNSCREEN_POLICY_HPP

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "mnscreen/diagnostic.hpp"
#include "mnscreen/export.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen {

/// Screening policy. Days are whole days.
struct policy {
  std::string name = "default";

  int isotretinoin_washout_days = 180;
  effect isotretinoin_current_effect = effect::defer;
  int topical_retinoid_hold_days_before = 5;
  int topical_retinoid_hold_days_after = 7;
  double inr_max = 3.0;
  int inr_max_age_days = 10;
  double hba1c_max_percent = 8.0;
  int hba1c_max_age_days = 90;
  double platelets_min = 100.0;
  /// Age after which a platelet count is no longer current (spec: "latest result within 90 days").
  int platelets_max_age_days = 90;
  effect anticoagulant_effect = effect::proceed_with_caution;
  effect breastfeeding_effect = effect::defer;
  effect connective_tissue_effect = effect::do_not_treat;
  /// `std::nullopt` = the graded default: `modify_plan` for RF or depth > 1 mm, else
  /// `proceed_with_caution`. A value applies that effect to every plan.
  std::optional<effect> keloid_history_effect;
  bool require_hsv_prophylaxis = true;
  hsv_scope hsv_prophylaxis_scope = hsv_scope::face;
  int hsv_prophylaxis_days_before = 1;
  int hsv_prophylaxis_days_after = 5;
  int chemical_peel_wait_days_superficial = 14;
  int chemical_peel_wait_days_medium = 30;
  int chemical_peel_wait_days_deep = 90;
  int laser_wait_days_ablative = 90;
  int laser_wait_days_nonablative = 21;
  int laser_wait_days_ipl = 21;
  /// Spec 2026.2 setting: dermabrasion waits like ablative resurfacing.
  int dermabrasion_wait_days = 90;
  /// Spec 2026.2 setting: microdermabrasion waits like exfoliation.
  int microdermabrasion_wait_days = 7;
  int rf_filler_wait_days = 30;
  int filler_wait_days = 14;
  int neuromodulator_wait_days = 14;
  int hair_removal_wait_days = 7;
  int shave_wait_days = 1;
  int exfoliation_wait_days = 7;
  /// The spec's `recent_sun_exposure` window (tanning or sunburn within 14 days).
  int sun_exposure_wait_days = 14;
  int microneedling_interval_days = 28;
  int radiation_wait_days = 365;
  int surgery_wait_days = 90;
  int minimum_age = 18;
  double home_max_depth_mm = 0.25;
  int pause_nsaid_days = 7;
  int pause_supplement_days = 7;
  /// Absolute risk bands (spec 2026.2): a score at or above is moderate / high.
  double risk_band_moderate = 0.10;
  double risk_band_high = 0.20;
  /// Relative risk bands (spec 2026.2): a score at or above this many times the reference
  /// patient's score is moderate / high. The band is the more serious of the two.
  double risk_relative_moderate = 2.0;
  double risk_relative_high = 5.0;
  /// Record readers (FHIR): an "active" pregnancy that began longer ago than this is asked about,
  /// not taken as a fact (about 10 months).
  int stale_pregnancy_days = 300;
  /// Record readers (FHIR): an "active" prescription last authored longer ago than this is asked
  /// about, not taken as a fact.
  int stale_prescription_days = 365;
  /// Whether a clinician may override a `do_not_treat` flag that rests on device labelling
  /// (plan `overrides[]`). Off by default: labelling contraindications are the manufacturer's
  /// and regulator's limit, not a clinical judgement call (issue 11).
  bool allow_override_do_not_treat = false;

  friend bool operator==(const policy&, const policy&) = default;
};

/// A setting's value in its generic form (numbers as double, effect/scope words as strings,
/// the graded keloid default as the string "graded").
using setting_value = std::variant<bool, double, std::string>;

/// Description of one policy setting, for documentation and generic readers.
struct policy_setting_info {
  /// Setting name; grouped settings use a dot (`chemical_peel_wait_days.medium`).
  std::string_view name;
  /// `days`, `number`, `effect`, `bool`, `scope` or `effect_or_graded`.
  std::string_view kind;
  double min = 0;
  double max = 0;
  std::string_view default_text;
  std::string_view source;
};

/// Every setting, in the order of the spec's table.
[[nodiscard]] MNSCREEN_EXPORT std::span<const policy_setting_info> policy_settings() noexcept;

/// Sets one setting by name. @return an error message if the name is unknown or the value is
/// of the wrong kind or out of range (the policy is then unchanged).
[[nodiscard]] MNSCREEN_EXPORT std::optional<std::string> set_setting(policy& p,
                                                                     std::string_view name,
                                                                     const setting_value& value);

/// Reads one setting by name (`std::nullopt` for an unknown name).
[[nodiscard]] MNSCREEN_EXPORT std::optional<setting_value> get_setting(const policy& p,
                                                                       std::string_view name);

/// Every setting of `p` that differs from the default, as (name, value), in table order.
[[nodiscard]] MNSCREEN_EXPORT std::vector<std::pair<std::string, setting_value>> overrides(
    const policy& p);

/// The settings table as Markdown (docs/policy.md): name, default, accepted range, source.
[[nodiscard]] MNSCREEN_EXPORT std::string policy_markdown();

/// Checks every setting's range and consistency (e.g. risk_band_moderate < risk_band_high).
/// Paths are `$.<setting>`.
[[nodiscard]] MNSCREEN_EXPORT std::vector<diagnostic> validate(const policy& p);

}  // namespace mnscreen

#endif  // MNSCREEN_POLICY_HPP
