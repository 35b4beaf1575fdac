// SPDX-License-Identifier: Apache-2.0
// The rule catalogue of knowledge version 2026.2: one row per rule of clinical-spec.md, with
// the check function that implements it. Rule ids are stable and never reused.
#include <array>
#include <string>

#include "engine.hpp"

namespace mnscreen::detail {
namespace {

using c = complication;
using lv = evidence_level;

// Complication lists (shared arrays; spans in the table point at them).
constexpr complication inf_scar[] = {c::infection, c::scarring};
constexpr complication hsv_scar[] = {c::hsv_reactivation, c::scarring};
constexpr complication hsv[] = {c::hsv_reactivation};
constexpr complication scar_pig[] = {c::scarring, c::dyspigmentation};
constexpr complication inf_pig[] = {c::infection, c::dyspigmentation};
constexpr complication inf_irr[] = {c::infection, c::irritation};
constexpr complication irr[] = {c::irritation};
constexpr complication pig[] = {c::dyspigmentation};
constexpr complication scar[] = {c::scarring};
constexpr complication bleed[] = {c::bleeding_bruising};
constexpr complication inf[] = {c::infection};
constexpr complication pig_irr[] = {c::dyspigmentation, c::irritation};
constexpr complication allergy_inf[] = {c::allergic_reaction, c::infection};
constexpr complication allergy[] = {c::allergic_reaction};
constexpr complication scar_bleed[] = {c::scarring, c::bleeding_bruising};
constexpr complication scar_inf[] = {c::scarring, c::infection};
constexpr complication inf_scar_pig[] = {c::infection, c::scarring, c::dyspigmentation};
constexpr complication timing[] = {c::irritation, c::dyspigmentation, c::scarring};
constexpr complication scar_inf_pig[] = {c::scarring, c::infection, c::dyspigmentation};
constexpr complication healing[] = {c::infection, c::scarring};

// Evidence lists.
constexpr evidence_ref ev_label[] = {{"SkinPen (microneedling device) labelling", lv::label}};
constexpr evidence_ref ev_hsv_trial[] = {
    {"Antiviral prophylaxis in facial resurfacing (about 9% HSV reactivation without, about 0 "
     "with), extrapolated to microneedling",
     lv::trial}};
constexpr evidence_ref ev_lesions[] = {
    {"SkinPen labelling", lv::label},
    {"Expert opinion: avoid lesions and tattoos", lv::expert_opinion}};
constexpr evidence_ref ev_koebner[] = {
    {"Case reports of Koebner phenomenon after microneedling", lv::case_reports}};
constexpr evidence_ref ev_pigment[] = {
    {"Reviews of microneedling in skin of colour (PIH 16.7% with rollers in types IV-V)",
     lv::review}};
constexpr evidence_ref ev_keloid[] = {
    {"Device labelling: warning, not evaluated in keloid formers", lv::label},
    {"Clinic contraindication lists", lv::expert_opinion},
    {"Reviews: relative contraindication", lv::review}};
constexpr evidence_ref ev_platelets[] = {
    {"Expert opinion (cutaneous procedures in thrombocytopenia)", lv::expert_opinion}};
constexpr evidence_ref ev_anticoag[] = {
    {"SkinPen international labelling: anticoagulants a warning (not evaluated)", lv::label},
    {"Dermatologic-surgery guidelines: continue anticoagulants, INR in range", lv::guideline}};
constexpr evidence_ref ev_inr[] = {
    {"Dermatologic-surgery guidelines: INR within range before cutaneous procedures",
     lv::guideline}};
constexpr evidence_ref ev_antiplatelet[] = {
    {"Dermatologic-surgery guidelines: continue antiplatelets, expect bruising", lv::guideline}};
constexpr evidence_ref ev_nsaid[] = {
    {"Microneedling patient-preparation literature: avoid over-the-counter pain medication "
     "before the session",
     lv::expert_opinion}};
constexpr evidence_ref ev_supplement[] = {
    {"Expert opinion: supplements that impair haemostasis", lv::expert_opinion}};
constexpr evidence_ref ev_isotretinoin[] = {
    {"Isotretinoin labelling: avoid skin resurfacing for 6 months", lv::label},
    {"2017 US consensus (JAMA Dermatology): no delay for superficial procedures", lv::consensus},
    {"Indian guideline: dermaroller and fractional RF acceptable during therapy", lv::guideline}};
constexpr evidence_ref ev_immuno[] = {{"SkinPen labelling", lv::label}};
constexpr evidence_ref ev_steroid[] = {
    {"Reviews: impaired wound healing on systemic steroids", lv::review}};
constexpr evidence_ref ev_diabetes[] = {{"SkinPen labelling: uncontrolled diabetes", lv::label}};
constexpr evidence_ref ev_ctd[] = {{"Clinic contraindication lists", lv::expert_opinion},
                                   {"Device labelling: caution for scleroderma", lv::label}};
constexpr evidence_ref ev_radiation[] = {
    {"Expert opinion: irradiated skin heals poorly", lv::expert_opinion}};
constexpr evidence_ref ev_smoker[] = {{"Reviews: smoking impairs wound healing", lv::review}};
constexpr evidence_ref ev_retinoid[] = {
    {"Microneedling preparation literature: stop retinoids before, restart after at least a "
     "week",
     lv::expert_opinion}};
constexpr evidence_ref ev_exfoliant[] = {
    {"Expert opinion: pause exfoliating acids before needling", lv::expert_opinion}};
constexpr evidence_ref ev_acne_med[] = {
    {"Microneedling preparation literature: stop acne medication and skin antibiotics before, "
     "with the prescriber",
     lv::expert_opinion}};
constexpr evidence_ref ev_photo[] = {
    {"Drug labelling: photosensitivity (doxycycline, "
     "tetracycline)",
     lv::label}};
constexpr evidence_ref ev_non_sterile[] = {
    {"US FDA warning on microneedling with non-sterile products; granuloma case reports",
     lv::regulator}};
constexpr evidence_ref ev_anesthetic[] = {
    {"Topical anaesthetic labelling: contraindicated with known allergy", lv::label},
    {"Patch-test data: 79% of patients reacting to several anaesthetics reacted to both an "
     "amide and an ester",
     lv::case_reports}};
constexpr evidence_ref ev_metal[] = {
    {"Needle materials and nickel allergy: case reports and expert opinion", lv::expert_opinion}};
constexpr evidence_ref ev_antiseptic[] = {{"Expert opinion", lv::expert_opinion}};
constexpr evidence_ref ev_product[] = {
    {"Expert opinion: choose products without the allergen", lv::expert_opinion}};
constexpr evidence_ref ev_rf_device[] = {{"RF microneedling device labelling", lv::label}};
constexpr evidence_ref ev_rf_filler[] = {
    {"RF device labelling", lv::label},
    {"Ex vivo study: RF degrades hyaluronic-acid filler", lv::case_reports}};
constexpr evidence_ref ev_rf_home[] = {
    {"Regulator communication: RF microneedling is a clinic device", lv::regulator}};
constexpr evidence_ref ev_orbit[] = {
    {"Device labelling precaution: do not needle inside the orbital rim", lv::label}};
constexpr evidence_ref ev_reuse[] = {
    {"Regulator and public-health reports: bloodborne transmission between clients of reused "
     "devices",
     lv::regulator}};
constexpr evidence_ref ev_depth[] = {
    {"Consensus depth guides by area (skin thickness)", lv::expert_opinion}};
constexpr evidence_ref ev_home_depth[] = {
    {"No regulator limit exists; dermatologists advise very shallow home needles",
     lv::expert_opinion}};
constexpr evidence_ref ev_home_risk[] = {
    {"Expert opinion: high-risk patients need clinic asepsis and follow-up", lv::expert_opinion}};
constexpr evidence_ref ev_pregnancy[] = {
    {"SkinPen labelling: contraindicated in pregnancy and nursing (no safety data)", lv::label}};
constexpr evidence_ref ev_minor[] = {
    {"Expert opinion: guardian consent; no RF or home devices", lv::expert_opinion}};
constexpr evidence_ref ev_prp[] = {
    {"Expert opinion: PRP with low platelets or anticoagulation", lv::expert_opinion}};
constexpr evidence_ref ev_timing[] = {
    {"Expert opinion and clinic protocols on intervals between skin procedures",
     lv::expert_opinion}};

constexpr std::string_view area_excl =
    "Area exclusion: do_not_treat when it covers every planned area, alone or with the other "
    "device-independent area exclusions, else modify_plan (drop those areas).";

}  // namespace

namespace {
namespace k = checks;
const std::array table = {
    // Skin at the site
    rule_entry{{"active_infection_in_area", "skin", "skin_infection active in a planned area",
                "defer (no fixed end)", inf_scar, ev_label},
               k::active_infection_in_area},
    rule_entry{{"open_wound_in_area", "skin", "open_wound or sunburn active in a planned area",
                "defer (no fixed end)", inf_scar, ev_label},
               k::open_wound_in_area},
    rule_entry{{"active_hsv_lesion", "skin",
                "hsv_labialis active with a face area planned (or its site planned), or "
                "herpes_zoster active in a planned area",
                "defer (no fixed end)", hsv_scar, ev_label},
               k::active_hsv_lesion},
    rule_entry{{"hsv_history_prophylaxis", "skin",
                "hsv_labialis (any status) and a planned area within hsv_prophylaxis_scope",
                "proceed_with_caution with antiviral prophylaxis; info when already on "
                "antiviral_prophylaxis or require_hsv_prophylaxis is false",
                hsv, ev_hsv_trial},
               k::hsv_history_prophylaxis},
    rule_entry{{"skin_cancer_in_area", "skin", "skin_cancer active in a planned area", area_excl,
                inf_scar_pig, ev_label},
               k::skin_cancer_in_area},
    rule_entry{{"lesions_in_area", "skin",
                "active warts, or raised_nevus, actinic_keratosis or tattoo, in a planned area",
                "modify_plan (avoid those spots)", inf_pig, ev_lesions},
               k::lesions_in_area},
    rule_entry{
        {"inflammatory_acne_in_area", "skin",
         "acne_vulgaris active in a planned area (moderate, severe or unrecorded "
         "severity; mild)",
         "defer until controlled (no fixed end); mild: proceed_with_caution", inf_irr, ev_label},
        k::inflammatory_acne_in_area},
    rule_entry{
        {"koebner_condition_active", "skin", "psoriasis, vitiligo or lichen_planus active anywhere",
         "proceed_with_caution; defer (no fixed end) when active in a planned area", scar_pig,
         ev_koebner},
        k::koebner_condition_active},
    rule_entry{
        {"inflammatory_dermatosis_in_area", "skin", "eczema or rosacea active in a planned area",
         "defer (no fixed end)", irr, ev_label},
        k::inflammatory_dermatosis_in_area},
    rule_entry{{"pigmentation_risk", "skin",
                "melasma active in a planned area, or Fitzpatrick >= 4 with rf_microneedling",
                "proceed_with_caution (test spot, conservative settings, sun protection)", pig,
                ev_pigment},
               k::pigmentation_risk},
    // Scarring tendency
    rule_entry{{"keloid_history", "scarring",
                "keloid or hypertrophic_scarring, any status; a keloid in a planned area is an "
                "area exclusion",
                "policy keloid_history_effect (graded: modify_plan for RF or depth > 1 mm, else "
                "proceed_with_caution); area exclusion for keloid-bearing planned areas",
                scar, ev_keloid},
               k::keloid_history},
    // Bleeding
    rule_entry{{"bleeding_disorder", "bleeding", "bleeding_disorder present (active or history)",
                "do_not_treat", bleed, ev_label},
               k::bleeding_disorder},
    rule_entry{{"low_platelets", "bleeding",
                "latest platelets within platelets_max_age_days below platelets_min, or "
                "thrombocytopenia active",
                "defer (no fixed end)", bleed, ev_platelets},
               k::low_platelets},
    rule_entry{{"anticoagulant_therapy", "bleeding",
                "current anticoagulant_vka, anticoagulant_doac or anticoagulant_heparin",
                "policy anticoagulant_effect (default proceed_with_caution)", bleed, ev_anticoag},
               k::anticoagulant_therapy},
    rule_entry{{"inr_above_limit", "bleeding",
                "current VKA and latest INR within inr_max_age_days above inr_max",
                "defer (no fixed end); no recent INR: question inr", bleed, ev_inr},
               k::inr_above_limit},
    rule_entry{{"antiplatelet_therapy", "bleeding", "current antiplatelet", "proceed_with_caution",
                bleed, ev_antiplatelet},
               k::antiplatelet_therapy},
    rule_entry{{"aspirin_or_nsaid", "bleeding", "current aspirin or nsaid", "proceed_with_caution",
                bleed, ev_nsaid},
               k::aspirin_or_nsaid},
    rule_entry{{"bleeding_supplements", "bleeding", "current bleeding_supplement",
                "proceed_with_caution (pause pause_supplement_days before)", bleed, ev_supplement},
               k::bleeding_supplements},
    // Healing and immunity
    rule_entry{{"isotretinoin_recent", "healing",
                "oral_retinoid current, or stopped fewer than isotretinoin_washout_days before "
                "the plan date",
                "current: policy isotretinoin_current_effect (no fixed end); stopped: defer "
                "until stop + wash-out",
                scar, ev_isotretinoin},
               k::isotretinoin_recent},
    rule_entry{{"immunosuppressed", "healing",
                "immunosuppression or cancer_active active, current immunosuppressant or "
                "chemotherapy, or latest CD4 below 200",
                "defer (no fixed end) for chemotherapy or active cancer, else "
                "proceed_with_caution",
                inf, ev_immuno},
               k::immunosuppressed},
    rule_entry{{"systemic_steroids", "healing", "current systemic_corticosteroid",
                "proceed_with_caution", healing, ev_steroid},
               k::systemic_steroids},
    rule_entry{{"diabetes_control", "healing",
                "diabetes_mellitus active; latest HbA1c within hba1c_max_age_days compared "
                "with hba1c_max_percent",
                "above the limit: defer (no fixed end); controlled or unknown: "
                "proceed_with_caution (unknown also asks question hba1c)",
                inf, ev_diabetes},
               k::diabetes_control},
    rule_entry{{"connective_tissue_disease", "healing", "autoimmune_connective_tissue active",
                "policy connective_tissue_effect (default do_not_treat)", scar, ev_ctd},
               k::connective_tissue_disease},
    rule_entry{{"radiation_to_area", "healing",
                "radiation_therapy to a planned area with onset within radiation_wait_days "
                "(or an unrecorded date)",
                "defer until onset + radiation_wait_days (no fixed end when undated)", healing,
                ev_radiation},
               k::radiation_to_area},
    rule_entry{{"smoker_healing", "healing", "patient.smoker is true", "info (and a risk modifier)",
                healing, ev_smoker},
               k::smoker_healing},
    // Medicines and products at the site
    rule_entry{{"topical_retinoid_recent", "topicals",
                "topical_retinoid on a planned area still used, or stopped fewer than "
                "topical_retinoid_hold_days_before days before",
                "defer until stop + hold (still used: plan date + hold)", irr, ev_retinoid},
               k::topical_retinoid_recent},
    rule_entry{
        {"topical_exfoliant_recent", "topicals", "current topical_exfoliant on a planned area",
         "proceed_with_caution (pause exfoliation_wait_days)", irr, ev_exfoliant},
        k::topical_exfoliant_recent},
    rule_entry{{"acne_medication_current", "topicals", "current acne_antibiotic or acne_hormonal",
                "proceed_with_caution", irr, ev_acne_med},
               k::acne_medication_current},
    rule_entry{{"photosensitiser_current", "topicals", "current photosensitiser",
                "proceed_with_caution", pig_irr, ev_photo},
               k::photosensitiser_current},
    rule_entry{{"non_sterile_topical", "topicals", "plan adjunct non_sterile_serum", "modify_plan",
                allergy_inf, ev_non_sterile},
               k::non_sterile_topical},
    // Allergies
    rule_entry{{"anesthetic_allergy", "allergies",
                "allergy to the plan's anaesthetic or its class; ester allergy with an "
                "amide-only plan; severe or anaphylactic reaction to any local anaesthetic; any "
                "local-anaesthetic allergy with plan anaesthetic none",
                "modify_plan; ester allergy with amide plan: proceed_with_caution; severe: "
                "modify_plan (no topical anaesthetic, allergist referral); no anaesthetic "
                "planned: info (keep the session free of local anaesthetics)",
                allergy, ev_anesthetic},
               k::anesthetic_allergy},
    rule_entry{{"metal_allergy_needles", "allergies",
                "metal_in_steel allergy with stainless_steel or unknown needles; gold allergy "
                "with gold_plated needles",
                "modify_plan (other needle material)", allergy, ev_metal},
               k::metal_allergy_needles},
    rule_entry{{"antiseptic_allergy", "allergies", "allergy class antiseptic",
                "info (use another antiseptic)", allergy, ev_antiseptic},
               k::antiseptic_allergy},
    rule_entry{{"product_allergy", "allergies",
                "allergy to hyaluronic_acid, fragrance, propylene_glycol or lanolin",
                "info (choose products without it)", allergy, ev_product},
               k::product_allergy},
    // Device and plan
    rule_entry{{"rf_with_implanted_device", "device",
                "rf_microneedling with pacemaker, icd, neurostimulator, cochlear_implant or "
                "insulin_pump",
                "modify_plan (non-RF microneedling)", inf, ev_rf_device},
               k::rf_with_implanted_device},
    rule_entry{{"rf_over_metal", "device",
                "rf_microneedling and metal_implant, gold_threads or dermal_filler_permanent in "
                "a planned area (no recorded site: every planned area)",
                "modify_plan (non-RF microneedling, or leave out those areas), even over every "
                "planned area: a device-specific area exclusion, never a refusal",
                scar, ev_rf_device},
               k::rf_over_metal},
    rule_entry{{"rf_over_recent_filler", "device",
                "rf_microneedling and a dermal_filler in a planned area within "
                "rf_filler_wait_days",
                "defer until filler date + rf_filler_wait_days", scar, ev_rf_filler},
               k::rf_over_recent_filler},
    rule_entry{{"rf_home_use", "device", "rf_microneedling with setting home",
                "modify_plan (RF is clinic-only)", scar_inf, ev_rf_home},
               k::rf_home_use},
    rule_entry{{"within_orbital_rim", "device", "area eyelids planned", area_excl, scar, ev_orbit},
               k::within_orbital_rim},
    rule_entry{{"device_not_single_use", "device", "plan single_use_needles is false",
                "modify_plan (sterile single-use needles)", inf, ev_reuse},
               k::device_not_single_use},
    rule_entry{{"depth_exceeds_area_limit", "device",
                "needle depth above a planned area's limit (mm: periorbital 0.5, nose 0.5, "
                "forehead 0.75, glabella 0.75, perioral 1.0, neck 0.75, decolletage 1.0, hands "
                "0.5, cheeks 2.0, chin 1.5, jawline 1.5, scalp 1.5, arms 1.5, chest 1.5, back "
                "2.5, abdomen 2.5, buttocks 2.5, thighs 2.5, legs 2.0)",
                "modify_plan", scar_bleed, ev_depth},
               k::depth_exceeds_area_limit},
    rule_entry{{"home_device_too_deep", "device", "setting home and depth above home_max_depth_mm",
                "modify_plan", scar_inf, ev_home_depth},
               k::home_device_too_deep},
    rule_entry{{"home_use_high_risk", "device",
                "setting home with anticoagulant/antiplatelet, diabetes, immunosuppression, "
                "keloid history or HSV history",
                "modify_plan (clinic only)", inf, ev_home_risk},
               k::home_use_high_risk},
    rule_entry{{"pregnancy", "device", "pregnant; breastfeeding",
                "pregnant: defer until after pregnancy (no fixed end); breastfeeding: policy "
                "breastfeeding_effect",
                scar_inf_pig, ev_pregnancy},
               k::pregnancy},
    rule_entry{{"minor", "device", "age below minimum_age",
                "proceed_with_caution (guardian consent); modify_plan for rf_microneedling or "
                "home setting",
                scar_inf, ev_minor},
               k::minor},
    rule_entry{{"prp_bleeding", "device",
                "adjunct prp with low platelets, a bleeding disorder or anticoagulant",
                "proceed_with_caution", bleed, ev_prp},
               k::prp_bleeding},
    // Timing after other procedures
    rule_entry{{"recent_chemical_peel", "timing",
                "chemical_peel in a planned area within chemical_peel_wait_days (by depth; "
                "unrecorded depth uses deep)",
                "defer until peel date + wait", timing, ev_timing},
               k::recent_chemical_peel},
    rule_entry{{"recent_laser", "timing",
                "laser_ablative, laser_nonablative or ipl in a planned area within "
                "laser_wait_days",
                "defer until date + wait", timing, ev_timing},
               k::recent_laser},
    rule_entry{{"recent_dermabrasion", "timing",
                "dermabrasion within dermabrasion_wait_days or microdermabrasion within "
                "microdermabrasion_wait_days, in a planned area",
                "defer until date + wait", timing, ev_timing},
               k::recent_dermabrasion},
    rule_entry{
        {"recent_filler", "timing", "dermal_filler in a planned area within filler_wait_days",
         "defer until date + wait", timing, ev_timing},
        k::recent_filler},
    rule_entry{{"recent_neuromodulator", "timing",
                "neuromodulator in a planned area within neuromodulator_wait_days",
                "defer until date + wait", timing, ev_timing},
               k::recent_neuromodulator},
    rule_entry{{"recent_surgery", "timing", "surgery in a planned area within surgery_wait_days",
                "defer until date + wait", timing, ev_timing},
               k::recent_surgery},
    rule_entry{{"recent_hair_removal", "timing",
                "waxing, threading or electrolysis within hair_removal_wait_days, or shaving "
                "within shave_wait_days, in a planned area",
                "defer until date + wait", timing, ev_timing},
               k::recent_hair_removal},
    rule_entry{{"recent_exfoliation", "timing",
                "exfoliation in a planned area within exfoliation_wait_days",
                "defer until date + wait", timing, ev_timing},
               k::recent_exfoliation},
    rule_entry{{"recent_sun_exposure", "timing",
                "tanning, or sunburn onset, in a planned area within sun_exposure_wait_days",
                "defer until date + wait", timing, ev_timing},
               k::recent_sun_exposure},
    rule_entry{{"session_interval", "timing",
                "previous microneedling in a planned area within microneedling_interval_days",
                "defer until date + wait", timing, ev_timing},
               k::session_interval},
};

static_assert(table.size() == rule_count, "rule_count must match the table");

}  // namespace

std::span<const rule_entry> rule_table() noexcept { return table; }

}  // namespace mnscreen::detail

namespace mnscreen {

std::span<const rule_info> rule_catalogue() noexcept {
  // Built once (thread-safe static initialisation) and never modified.
  static const auto infos = [] {
    std::array<rule_info, detail::rule_count> out{};
    const auto t = detail::rule_table();
    for (std::size_t i = 0; i < t.size(); ++i) out[i] = t[i].info;
    return out;
  }();
  return infos;
}

const rule_info* find_rule(std::string_view id) noexcept {
  for (const auto& r : rule_catalogue())
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace mnscreen
