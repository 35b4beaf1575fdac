// SPDX-License-Identifier: Apache-2.0
// The risk model's feature vector, built on detail::facts so that the rules and the scores read
// a record identically. docs/risk-model.md documents each feature and its prior.
#include "model/features.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace mnscreen {
namespace {

// Same order as detail::feature. Descriptions say exactly what sets the feature to 1 (or what
// its value is) and what "unknown" gives.
constexpr std::array<feature_info, detail::feature_count> feature_table{{
    {"active_dermatosis_in_area",
     "Eczema, rosacea, psoriasis, vitiligo or lichen planus active in a planned area."},
    {"retinoid_or_exfoliant_in_hold",
     "Topical retinoid on a planned area still used or stopped inside the hold, or a current "
     "topical exfoliant on a planned area."},
    {"depth_over_1_5mm", "Needle depth above 1.5 mm."},
    {"anticoagulant_vka", "Current vitamin-K antagonist (warfarin, acenocoumarol)."},
    {"anticoagulant_doac",
     "Current direct oral anticoagulant (apixaban, rivaroxaban, edoxaban, dabigatran)."},
    {"anticoagulant_heparin", "Current heparin, low-molecular-weight heparin or fondaparinux."},
    {"antiplatelet", "Current antiplatelet (clopidogrel, prasugrel, ticagrelor, dipyridamole)."},
    {"aspirin_or_nsaid", "Current aspirin or NSAID."},
    {"bleeding_supplement",
     "Current fish oil, vitamin E, ginkgo, garlic, ginseng or turmeric supplement."},
    {"age_over_67", "Older than 67 years on the plan date (unknown birth date: 0)."},
    {"prp", "Platelet-rich plasma adjunct planned."},
    {"immunosuppression",
     "Active immunosuppression, current immunosuppressant or chemotherapy, or CD4 < 200."},
    {"diabetes_uncontrolled", "Active diabetes with the latest usable HbA1c above the limit."},
    {"diabetes_controlled",
     "Active diabetes with the latest usable HbA1c at or below the limit, or with no usable "
     "HbA1c (the known diabetes counts; the report asks for the HbA1c)."},
    {"home_setting", "Home use (setting home)."},
    {"reused_device", "Needles not single-use (single_use_needles false; unknown: 0)."},
    {"non_sterile_topical", "Non-sterile serum applied during needling."},
    {"smoker", "Smoker (unknown: 0)."},
    {"active_acne_in_area", "Acne vulgaris active in a planned area (any severity)."},
    {"fitzpatrick_4", "Fitzpatrick skin type IV (unknown: 0)."},
    {"fitzpatrick_5_6", "Fitzpatrick skin type V or VI (unknown: 0)."},
    {"rf_with_fitzpatrick_4_6", "RF microneedling on Fitzpatrick IV-VI skin."},
    {"roller", "Roller device (roller or derma_roller)."},
    {"recent_tan", "Tanning or sunburn within the sun-exposure wait."},
    {"melasma", "Melasma active in a planned area."},
    {"photosensitiser", "Current photosensitising medicine (doxycycline, tetracycline...)."},
    {"keloid_history_elsewhere",
     "Keloid or hypertrophic scarring (any status) but no keloid overlapping a planned area."},
    {"keloid_in_area", "A keloid whose sites overlap a planned area."},
    {"roller_depth_over_1_5mm", "Roller device with needle depth above 1.5 mm."},
    {"rf_device", "RF microneedling."},
    {"isotretinoin_in_washout", "Oral retinoid current or stopped inside the policy's wash-out."},
    {"connective_tissue_disease", "Active autoimmune connective-tissue disease."},
    {"nickel_allergy_steel_needles",
     "Allergy to nickel, chromium or cobalt with stainless-steel or unknown needles."},
    {"product_allergy", "Allergy to hyaluronic acid, fragrance, propylene glycol or lanolin."},
    {"anesthetic_allergy_in_plan",
     "Allergy to a substance or class of the planned topical anaesthetic."},
    {"face_area", "At least one face area planned."},
    {"hsv_history_face", "Cold sores (hsv_labialis, any status) and a face area planned."},
    {"hsv_history_perioral", "Cold sores (hsv_labialis, any status) and perioral planned."},
    {"antiviral_prophylaxis", "Current antiviral prophylaxis (valaciclovir, aciclovir...)."},
    {"needle_depth_mm_centred", "Needle depth in mm minus 1.0 (1.5 mm gives 0.5)."},
    {"fitzpatrick_type_centred", "Fitzpatrick type minus 2 (type IV gives 2; unknown: 0)."},
    {"age_under_30", "Younger than 30 years on the plan date (unknown birth date: 0)."},
    {"age_50_to_67", "Aged 50 to 67 years on the plan date (unknown birth date: 0)."},
    {"device_stamp_or_patch", "Stamp or microneedle-patch device."},
    {"scalp_area", "Scalp planned."},
    {"body_area", "At least one body area (not face, eyelids or scalp) planned."},
    {"systemic_corticosteroid", "Current systemic corticosteroid."},
}};

// An allergy to a substance of the planned anaesthetic or to its class. Walks the substance
// set's bits rather than calling classes_of(anesthetic), which builds a vector (an allocation
// on the screening hot path).
bool anesthetic_allergy(const detail::facts& f) noexcept {
  const std::uint64_t bits = substances_of(f.plan().anesthetic).bits();
  for (unsigned i = 0; i < 64; ++i) {
    if (((bits >> i) & 1U) == 0) continue;
    const allergy_class_set classes = classes_of(static_cast<allergy_substance>(i));
    for (const allergy_class c : {allergy_class::amide_anesthetic, allergy_class::ester_anesthetic})
      if (classes.contains(c) && f.allergy_to(c) != nullptr) return true;
  }
  return false;
}

}  // namespace

std::span<const feature_info> risk_features() noexcept { return feature_table; }

namespace detail {

void fill_risk_features(const facts& f, std::span<double> out) noexcept {
  std::fill(out.begin(), out.end(), 0.0);
  const auto set = [&](feature id, bool on) {
    if (on) out[index(id)] = 1.0;
  };
  const intake& in = f.record();
  const procedure_plan& plan = f.plan();
  const double depth = plan.needle_depth.value();
  const std::optional<int> age = f.age();
  const std::optional<int> fitz = f.fitzpatrick();
  const area_set planned = f.planned();
  // Current on the plan date (facts precomputes the classes of every current medication).
  const medication_class_set current = f.current_classes();
  const auto on = [current](medication_class c) { return current.contains(c); };

  // irritation
  set(feature::active_dermatosis_in_area, f.active_dermatosis_in_area());
  set(feature::retinoid_or_exfoliant_in_hold, f.topical_irritant_in_hold());
  set(feature::depth_over_1_5mm, depth > 1.5);

  // bleeding_bruising
  set(feature::anticoagulant_vka, on(medication_class::anticoagulant_vka));
  set(feature::anticoagulant_doac, on(medication_class::anticoagulant_doac));
  set(feature::anticoagulant_heparin, on(medication_class::anticoagulant_heparin));
  set(feature::antiplatelet, on(medication_class::antiplatelet));
  set(feature::aspirin_or_nsaid, on(medication_class::aspirin) || on(medication_class::nsaid));
  set(feature::bleeding_supplement, on(medication_class::bleeding_supplement));
  set(feature::age_over_67, age && *age > 67);
  const auto has_adjunct = [&](adjunct a) {
    return std::find(plan.adjuncts.begin(), plan.adjuncts.end(), a) != plan.adjuncts.end();
  };
  set(feature::prp, has_adjunct(adjunct::prp));

  // infection
  set(feature::immunosuppression, f.immunosuppressed());
  if (f.active(condition_code::diabetes_mellitus) != nullptr) {
    // Known diabetes with an unknown HbA1c counts as controlled: the known part contributes,
    // the unknown part (is it above the limit?) contributes 0 and is asked as a question.
    const bool uncontrolled = f.diabetes_uncontrolled() == known::yes;
    set(feature::diabetes_uncontrolled, uncontrolled);
    set(feature::diabetes_controlled, !uncontrolled);
  }
  set(feature::home_setting, f.is_home());
  set(feature::reused_device, plan.single_use_needles == known::no);
  set(feature::non_sterile_topical, has_adjunct(adjunct::non_sterile_serum));
  set(feature::smoker, in.patient.smoker == known::yes);
  set(feature::active_acne_in_area, f.active_acne_in_area());

  // dyspigmentation
  set(feature::fitzpatrick_4, fitz && *fitz == 4);
  set(feature::fitzpatrick_5_6, fitz && *fitz >= 5);
  set(feature::rf_with_fitzpatrick_4_6, f.is_rf() && fitz && *fitz >= 4);
  set(feature::roller, f.is_roller());
  set(feature::recent_tan, f.recent_tan());
  set(feature::melasma, f.active_in_area(condition_code::melasma) != nullptr);
  set(feature::photosensitiser, on(medication_class::photosensitiser));

  // scarring
  const bool keloid_here = f.keloid_in_area();
  set(feature::keloid_in_area, keloid_here);
  set(feature::keloid_history_elsewhere, !keloid_here && f.keloid_history());
  set(feature::roller_depth_over_1_5mm, f.is_roller() && depth > 1.5);
  set(feature::rf_device, f.is_rf());
  set(feature::isotretinoin_in_washout, f.isotretinoin_in_washout());
  set(feature::connective_tissue_disease,
      f.active(condition_code::autoimmune_connective_tissue) != nullptr);

  // allergic_reaction
  const bool steel = plan.needle_material == needle_material::stainless_steel ||
                     plan.needle_material == needle_material::unknown;
  set(feature::nickel_allergy_steel_needles,
      steel && f.allergy_to(allergy_class::metal_in_steel) != nullptr);
  set(feature::product_allergy, f.allergy_to(allergy_class::hyaluronic_acid) != nullptr ||
                                    f.allergy_to(allergy_class::fragrance) != nullptr ||
                                    f.allergy_to(allergy_class::propylene_glycol) != nullptr ||
                                    f.allergy_to(allergy_class::lanolin) != nullptr);
  set(feature::anesthetic_allergy_in_plan, anesthetic_allergy(f));

  // hsv_reactivation
  const bool face = f.face_planned();
  set(feature::face_area, face);
  set(feature::hsv_history_face, face && f.hsv_history());
  set(feature::hsv_history_perioral, planned.contains(area::perioral) && f.hsv_history());
  set(feature::antiviral_prophylaxis, on(medication_class::antiviral_prophylaxis));

  // fitting features
  out[index(feature::needle_depth_mm_centred)] = depth - 1.0;
  if (fitz) out[index(feature::fitzpatrick_type_centred)] = static_cast<double>(*fitz - 2);
  set(feature::age_under_30, age && *age < 30);
  set(feature::age_50_to_67, age && *age >= 50 && *age <= 67);
  set(feature::device_stamp_or_patch,
      plan.device == device_type::stamp || plan.device == device_type::patch);
  set(feature::scalp_area, planned.contains(area::scalp));
  set(feature::body_area, planned.overlaps(body_areas()));
  set(feature::systemic_corticosteroid, on(medication_class::systemic_corticosteroid));
}

}  // namespace detail

std::vector<double> risk_feature_vector(const intake& in, const procedure_plan& plan,
                                        const policy& pol) {
  std::vector<double> x(detail::feature_count);
  const detail::facts f(in, plan, pol);
  detail::fill_risk_features(f, x);
  return x;
}

}  // namespace mnscreen
