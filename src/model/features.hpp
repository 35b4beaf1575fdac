// SPDX-License-Identifier: Apache-2.0
// Private: the risk model's features, in vector order, and the prior coefficients. The single
// place that says which facts of a record enter the model (docs/risk-model.md lists them).
#ifndef MNSCREEN_SRC_MODEL_FEATURES_HPP
#define MNSCREEN_SRC_MODEL_FEATURES_HPP

#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "facts.hpp"
#include "mnscreen/risk_model.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen::detail {

/// Feature indices. The order is the vector order and part of the model-file format: adding,
/// removing or reordering a feature makes older model files mismatch (they are rejected).
enum class feature : std::size_t {
  // irritation
  active_dermatosis_in_area,
  retinoid_or_exfoliant_in_hold,
  depth_over_1_5mm,
  // bleeding_bruising
  anticoagulant_vka,
  anticoagulant_doac,
  anticoagulant_heparin,
  antiplatelet,
  aspirin_or_nsaid,
  bleeding_supplement,
  age_over_67,
  prp,
  // infection
  immunosuppression,
  diabetes_uncontrolled,
  diabetes_controlled,
  home_setting,
  reused_device,
  non_sterile_topical,
  smoker,
  active_acne_in_area,
  // dyspigmentation
  fitzpatrick_4,
  fitzpatrick_5_6,
  rf_with_fitzpatrick_4_6,
  roller,
  recent_tan,
  melasma,
  photosensitiser,
  // scarring
  keloid_history_elsewhere,
  keloid_in_area,
  roller_depth_over_1_5mm,
  rf_device,
  isotretinoin_in_washout,
  connective_tissue_disease,
  // allergic_reaction
  nickel_allergy_steel_needles,
  product_allergy,
  anesthetic_allergy_in_plan,
  // hsv_reactivation
  face_area,
  hsv_history_face,
  hsv_history_perioral,
  antiviral_prophylaxis,
  // fitting features (prior weight 0: the spec gives no figure; systemic_corticosteroid has
  // priors since 2026.2 but keeps its place, which is part of the model-file format)
  needle_depth_mm_centred,
  fitzpatrick_type_centred,
  age_under_30,
  age_50_to_67,
  device_stamp_or_patch,
  scalp_area,
  body_area,
  systemic_corticosteroid,
  count
};

inline constexpr std::size_t feature_count = static_cast<std::size_t>(feature::count);
/// Columns of the coefficient matrix: intercept + features.
inline constexpr std::size_t coefficient_columns = feature_count + 1;
inline constexpr std::size_t coefficient_count = complication_count * coefficient_columns;

/// Index of a feature in the vector.
[[nodiscard]] constexpr std::size_t index(feature f) noexcept {
  return static_cast<std::size_t>(f);
}

/// Writes the features of `f` into `out` (size `feature_count`) without allocating.
void fill_risk_features(const facts& f, std::span<double> out) noexcept;

/// Scores of all complications for one feature vector into `out` (resized to
/// complication_count; a reused vector keeps its drivers' capacity). Same result as
/// risk_model::score (which calls it), without the size check.
void score_into(const risk_model& m, std::span<const double> features, const policy& pol,
                std::vector<risk_score>& out);

/// Fills `out` from probabilities already computed (a row of risk_model::score_batch, which
/// gives the same bits as risk_model::score): bands from the policy, drivers from `features`.
void fill_risk_scores(const risk_model& m, std::span<const double> features,
                      std::span<const double, complication_count> p, const policy& pol,
                      std::vector<risk_score>& out);

/// Row-major complications x (1 + features) prior coefficients.
[[nodiscard]] std::array<double, coefficient_count> prior_coefficients() noexcept;

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_MODEL_FEATURES_HPP
