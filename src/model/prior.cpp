// SPDX-License-Identifier: Apache-2.0
// The expert-derived priors of knowledge version 2026.2: clinical-spec.md "Risk scores".
// Intercept b0 = logit(base probability), weight b_i = ln(odds ratio). docs/risk-model.md gives
// the figure and the extrapolation behind every entry; keep the two in step.
#include "model/features.hpp"

#include <array>
#include <cmath>

namespace mnscreen::detail {
namespace {

using c = complication;
using f = feature;

/// One prior coefficient: the odds ratio of a feature for a complication.
struct prior_entry {
  complication target;
  feature factor;
  double odds_ratio;
};

// In complication order: bleeding_bruising, infection, scarring, dyspigmentation,
// allergic_reaction, irritation, hsv_reactivation (body/scalp; face_area adds the face odds).
constexpr std::array<double, complication_count> base_probabilities{0.03,  0.005, 0.003, 0.01,
                                                                    0.003, 0.05,  0.002};

// Odds of HSV reactivation on the face (0.01) over body/scalp (0.002).
constexpr double hsv_face_odds_ratio = (0.01 / 0.99) / (0.002 / 0.998);

constexpr prior_entry odds_ratios[] = {
    // irritation (redness > 3 days), base 0.05
    {c::irritation, f::active_dermatosis_in_area, 3.0},
    {c::irritation, f::retinoid_or_exfoliant_in_hold, 2.0},
    {c::irritation, f::depth_over_1_5mm, 1.5},
    // bleeding_bruising (visible bruise), base 0.03
    {c::bleeding_bruising, f::anticoagulant_vka, 3.0},
    {c::bleeding_bruising, f::anticoagulant_doac, 5.0},
    // Spec 2026.2: heparin as VKA (surgical cohorts: warfarin OR 2.9).
    {c::bleeding_bruising, f::anticoagulant_heparin, 3.0},
    {c::bleeding_bruising, f::antiplatelet, 1.7},
    {c::bleeding_bruising, f::aspirin_or_nsaid, 1.5},
    {c::bleeding_bruising, f::bleeding_supplement, 1.3},
    {c::bleeding_bruising, f::age_over_67, 2.0},
    {c::bleeding_bruising, f::prp, 1.2},
    // infection, base 0.005
    {c::infection, f::immunosuppression, 3.0},
    {c::infection, f::diabetes_uncontrolled, 3.0},
    {c::infection, f::diabetes_controlled, 1.5},
    {c::infection, f::home_setting, 3.0},
    {c::infection, f::reused_device, 10.0},
    {c::infection, f::non_sterile_topical, 2.0},
    {c::infection, f::smoker, 1.3},
    {c::infection, f::active_acne_in_area, 2.0},
    // Spec 2026.2: current systemic corticosteroid (surgical-site infection cohorts).
    {c::infection, f::systemic_corticosteroid, 2.0},
    // dyspigmentation, base 0.01
    {c::dyspigmentation, f::fitzpatrick_4, 4.0},
    {c::dyspigmentation, f::fitzpatrick_5_6, 8.0},
    {c::dyspigmentation, f::rf_with_fitzpatrick_4_6, 1.5},
    {c::dyspigmentation, f::roller, 1.5},
    {c::dyspigmentation, f::recent_tan, 3.0},
    {c::dyspigmentation, f::melasma, 2.0},
    {c::dyspigmentation, f::photosensitiser, 1.3},
    // scarring, base 0.003
    {c::scarring, f::keloid_history_elsewhere, 3.0},
    {c::scarring, f::keloid_in_area, 10.0},
    {c::scarring, f::roller_depth_over_1_5mm, 5.0},
    {c::scarring, f::rf_device, 2.0},
    {c::scarring, f::isotretinoin_in_washout, 1.5},
    {c::scarring, f::smoker, 1.5},
    {c::scarring, f::connective_tissue_disease, 3.0},
    // Spec 2026.2: current systemic corticosteroid (delayed healing).
    {c::scarring, f::systemic_corticosteroid, 1.3},
    // allergic_reaction, base 0.003
    {c::allergic_reaction, f::non_sterile_topical, 10.0},
    {c::allergic_reaction, f::nickel_allergy_steel_needles, 2.0},
    {c::allergic_reaction, f::product_allergy, 2.0},
    // Not in the spec's table: taken as the product-allergy figure.
    {c::allergic_reaction, f::anesthetic_allergy_in_plan, 2.0},
    // hsv_reactivation, base 0.002 body/scalp
    {c::hsv_reactivation, f::face_area, hsv_face_odds_ratio},
    {c::hsv_reactivation, f::hsv_history_face, 6.0},
    {c::hsv_reactivation, f::hsv_history_perioral, 1.5},
    {c::hsv_reactivation, f::antiviral_prophylaxis, 0.1},
    {c::hsv_reactivation, f::immunosuppression, 2.0},
};

}  // namespace

std::array<double, coefficient_count> prior_coefficients() noexcept {
  std::array<double, coefficient_count> b{};
  for (std::size_t k = 0; k < complication_count; ++k) {
    const double p = base_probabilities[k];
    b[k * coefficient_columns] = std::log(p / (1.0 - p));
  }
  for (const prior_entry& e : odds_ratios) {
    b[static_cast<std::size_t>(e.target) * coefficient_columns + 1 + index(e.factor)] =
        std::log(e.odds_ratio);
  }
  return b;
}

}  // namespace mnscreen::detail
