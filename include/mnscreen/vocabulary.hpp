// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/vocabulary.hpp
//
// The code words of clinical-spec.md ("Vocabulary") as enum classes. Every enum has one string
// table shared by the JSON reader and writer: `to_string(e)` and `parse_code<E>(text)`.
//
//   auto a = mnscreen::parse_code<mnscreen::area>("cheeks");          // area::cheeks
//   std::string_view w = mnscreen::to_string(mnscreen::area::scalp);  // "scalp"
//   auto face = mnscreen::parse_area_group("face");                   // 8 areas
//   bool vka = mnscreen::classes_of(mnscreen::medication_code::warfarin)
//                  .contains(mnscreen::medication_class::anticoagulant_vka);
#ifndef MNSCREEN_VOCABULARY_HPP
#define MNSCREEN_VOCABULARY_HPP

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "mnscreen/export.hpp"

namespace mnscreen {

/// Treatment areas.
enum class area : std::uint8_t {
  forehead,
  glabella,
  periorbital,
  nose,
  eyelids,
  cheeks,
  perioral,
  chin,
  jawline,
  neck,
  decolletage,
  chest,
  back,
  arms,
  hands,
  abdomen,
  buttocks,
  thighs,
  legs,
  scalp
};

/// Complications that risk scores are given for (always all seven, in this order).
enum class complication : std::uint8_t {
  bleeding_bruising,
  infection,
  scarring,
  dyspigmentation,
  allergic_reaction,
  irritation,
  hsv_reactivation
};

/// Patient conditions.
enum class condition_code : std::uint8_t {
  keloid,
  hypertrophic_scarring,
  acne_vulgaris,
  rosacea,
  eczema,
  psoriasis,
  vitiligo,
  lichen_planus,
  hsv_labialis,
  herpes_zoster,
  skin_infection,
  warts,
  open_wound,
  sunburn,
  skin_cancer,
  actinic_keratosis,
  raised_nevus,
  tattoo,
  bleeding_disorder,
  thrombocytopenia,
  diabetes_mellitus,
  immunosuppression,
  autoimmune_connective_tissue,
  cancer_active,
  radiation_therapy,
  cardiac_arrhythmia,
  pregnancy,
  melasma,
  keratosis_pilaris,
  trichotillomania
};

/// `active` = present now; `history` = had it (a past keloid, past cold sores);
/// `resolved` = had it, no longer relevant.
enum class condition_status : std::uint8_t { active, history, resolved };

/// Severity of a condition (used for acne: inflammatory = moderate or severe).
enum class condition_severity : std::uint8_t { mild, moderate, severe };

/// Medication words: ingredient words and class words in one list (the intake accepts either).
enum class medication_code : std::uint8_t {
  // ingredients
  warfarin,
  acenocoumarol,
  apixaban,
  rivaroxaban,
  edoxaban,
  dabigatran,
  heparin,
  enoxaparin,
  dalteparin,
  fondaparinux,
  clopidogrel,
  prasugrel,
  ticagrelor,
  dipyridamole,
  aspirin,
  ibuprofen,
  naproxen,
  diclofenac,
  ketoprofen,
  celecoxib,
  fish_oil,
  vitamin_e,
  ginkgo,
  garlic,
  ginseng,
  turmeric,
  isotretinoin,
  acitretin,
  tretinoin,
  adapalene,
  tazarotene,
  retinol,
  trifarotene,
  benzoyl_peroxide,
  azelaic_acid,
  salicylic_acid,
  glycolic_acid,
  doxycycline,
  minocycline,
  tetracycline,
  clindamycin,
  erythromycin,
  spironolactone,
  methotrexate,
  ciclosporin,
  tacrolimus,
  mycophenolate,
  azathioprine,
  biologic,
  prednisolone,
  prednisone,
  dexamethasone,
  chemotherapy,
  gold_salts,
  valaciclovir,
  aciclovir,
  famciclovir,
  minoxidil,
  // class words that are not also ingredient words
  anticoagulant_vka,
  anticoagulant_doac,
  anticoagulant_heparin,
  antiplatelet,
  nsaid,
  bleeding_supplement,
  oral_retinoid,
  topical_retinoid,
  topical_exfoliant,
  acne_antibiotic,
  photosensitiser,
  acne_hormonal,
  immunosuppressant,
  systemic_corticosteroid,
  gold_therapy,
  antiviral_prophylaxis,
  hair_growth_topical
};

/// Medication classes the rules reason about.
enum class medication_class : std::uint8_t {
  anticoagulant_vka,
  anticoagulant_doac,
  anticoagulant_heparin,
  antiplatelet,
  aspirin,
  nsaid,
  bleeding_supplement,
  oral_retinoid,
  topical_retinoid,
  topical_exfoliant,
  acne_antibiotic,
  photosensitiser,
  acne_hormonal,
  immunosuppressant,
  systemic_corticosteroid,
  chemotherapy,
  gold_therapy,
  antiviral_prophylaxis,
  hair_growth_topical
};

/// Route of a medication.
enum class route : std::uint8_t { oral, topical, injection, other };

/// Allergy words: substance words and class words in one list.
enum class allergy_substance : std::uint8_t {
  lidocaine,
  prilocaine,
  articaine,
  bupivacaine,
  benzocaine,
  tetracaine,
  procaine,
  nickel,
  chromium,
  cobalt,
  gold,
  chlorhexidine,
  povidone_iodine,
  isopropyl_alcohol,
  hyaluronic_acid,
  latex,
  lanolin,
  fragrance,
  propylene_glycol,
  // class words that are not also substance words
  amide_anesthetic,
  ester_anesthetic,
  metal_in_steel,
  antiseptic
};

/// Allergy classes.
enum class allergy_class : std::uint8_t {
  amide_anesthetic,
  ester_anesthetic,
  metal_in_steel,
  gold,
  antiseptic,
  hyaluronic_acid,
  latex,
  lanolin,
  fragrance,
  propylene_glycol
};

/// Severity of an allergic reaction.
enum class allergy_severity : std::uint8_t { mild, moderate, severe, anaphylaxis };

/// Implanted or in-skin devices and materials.
enum class device_code : std::uint8_t {
  pacemaker,
  icd,
  neurostimulator,
  cochlear_implant,
  insulin_pump,
  metal_implant,
  dermal_filler_permanent,
  gold_threads
};

/// Earlier procedures (with a date and areas).
enum class procedure_code : std::uint8_t {
  chemical_peel,
  laser_ablative,
  laser_nonablative,
  ipl,
  dermabrasion,
  microdermabrasion,
  dermal_filler,
  neuromodulator,
  waxing,
  shaving,
  threading,
  electrolysis,
  exfoliation,
  microneedling,
  surgery,
  tanning
};

/// Depth of a chemical peel.
enum class peel_depth : std::uint8_t { superficial, medium, deep };

/// Laboratory results, each in its canonical unit: hba1c %, inr ratio, platelets 10^9/L,
/// cd4 cells/µL.
enum class lab_code : std::uint8_t { hba1c, inr, platelets, cd4 };

/// Sex recorded for the patient.
enum class sex : std::uint8_t { female, male, other };

/// The planned device.
enum class device_type : std::uint8_t { pen, roller, stamp, patch, derma_roller, rf_microneedling };

/// Where the procedure happens.
enum class setting : std::uint8_t { clinic, home };

/// Topical anaesthetic of the plan (`none` = no anaesthetic).
enum class anesthetic : std::uint8_t {
  none,
  lidocaine,
  prilocaine,
  articaine,
  bupivacaine,
  benzocaine,
  tetracaine,
  procaine,
  lidocaine_prilocaine,
  benzocaine_lidocaine_tetracaine
};

/// Needle material.
enum class needle_material : std::uint8_t {
  stainless_steel,
  gold_plated,
  titanium,
  silicon,
  polymer,
  unknown
};

/// Products or procedures added to the needling.
enum class adjunct : std::uint8_t {
  prp,
  sterile_serum,
  non_sterile_serum,
  hyaluronic_acid,
  growth_factors,
  exosomes,
  minoxidil,
  none
};

/// Effect of a rule, least serious first (the numeric order is the seriousness order).
enum class effect : std::uint8_t { info, proceed_with_caution, modify_plan, defer, do_not_treat };

/// The screening decision, least serious first. `cannot_screen` is returned only when the
/// inputs fail validation (see report::warnings); it is never the result of a rule.
enum class decision : std::uint8_t {
  proceed,
  proceed_with_caution,
  modify_plan,
  defer,
  do_not_treat,
  cannot_screen
};

/// Risk band of a score.
enum class risk_band : std::uint8_t { low, moderate, high };

/// Strength of the evidence a rule rests on, strongest first.
enum class evidence_level : std::uint8_t {
  label,
  regulator,
  guideline,
  consensus,
  trial,
  review,
  case_reports,
  expert_opinion
};

/// A factor the screen needs known, asked as a question when unknown. The first thirteen are
/// the question words of clinical-spec.md; `breastfeeding`, `birth_date`, `sex`, `fitzpatrick`
/// and `single_use_needles` are asked because rules or scores cannot be evaluated without them.
enum class question : std::uint8_t {
  pregnancy,
  anticoagulant,
  bleeding_disorder,
  isotretinoin,
  keloid,
  hsv_labialis,
  skin_infection,
  anesthetic_allergy,
  implanted_device,
  diabetes_mellitus,
  immunosuppression,
  hba1c,
  inr,
  breastfeeding,
  birth_date,
  sex,
  fitzpatrick,
  single_use_needles
};

/// Scope of the HSV-prophylaxis rule (policy `hsv_prophylaxis_scope`).
enum class hsv_scope : std::uint8_t { perioral, face, any };

/// Yes / no / unknown. The zero value is `unknown`: silence is never "no".
enum class known : std::uint8_t { unknown, no, yes };

/// Coded reason of a clinician's override of a flag (plan `overrides[].reason`).
enum class override_reason : std::uint8_t {
  prescriber_approved,
  informed_consent,
  information_incorrect,
  not_applicable,
  other
};

// --- string codes --------------------------------------------------------------------------

[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(area) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(complication) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(condition_code) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(condition_status) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(condition_severity) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(medication_code) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(medication_class) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(route) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(allergy_substance) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(allergy_class) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(allergy_severity) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(device_code) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(procedure_code) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(peel_depth) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(lab_code) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(sex) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(device_type) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(setting) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(anesthetic) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(needle_material) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(adjunct) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(effect) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(decision) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(risk_band) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(evidence_level) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(question) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(hsv_scope) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(known) noexcept;
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(override_reason) noexcept;

/// Parses a code word of vocabulary enum `E` (exact, lower-case snake_case).
/// Defined for every enum of this header.
template <class E>
[[nodiscard]] MNSCREEN_EXPORT std::optional<E> parse_code(std::string_view text) noexcept;

/// All values of vocabulary enum `E`, in declaration order.
template <class E>
[[nodiscard]] MNSCREEN_EXPORT std::span<const E> all_codes() noexcept;

// --- sets and groupings --------------------------------------------------------------------

/// A small set of enum values (enums of this header have at most 64 values).
template <class E>
class enum_set {
 public:
  constexpr enum_set() noexcept = default;
  constexpr enum_set(std::initializer_list<E> values) noexcept {
    for (E v : values) insert(v);
  }
  constexpr void insert(E v) noexcept { bits_ |= bit(v); }
  constexpr void insert(enum_set other) noexcept { bits_ |= other.bits_; }
  constexpr void erase(E v) noexcept { bits_ &= ~bit(v); }
  [[nodiscard]] constexpr bool contains(E v) const noexcept { return (bits_ & bit(v)) != 0; }
  [[nodiscard]] constexpr bool overlaps(enum_set o) const noexcept {
    return (bits_ & o.bits_) != 0;
  }
  [[nodiscard]] constexpr bool covers(enum_set o) const noexcept { return (o.bits_ & ~bits_) == 0; }
  [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
  [[nodiscard]] constexpr enum_set operator&(enum_set o) const noexcept {
    return enum_set(bits_ & o.bits_);
  }
  [[nodiscard]] constexpr enum_set operator|(enum_set o) const noexcept {
    return enum_set(bits_ | o.bits_);
  }
  [[nodiscard]] constexpr enum_set without(enum_set o) const noexcept {
    return enum_set(bits_ & ~o.bits_);
  }
  [[nodiscard]] constexpr std::uint64_t bits() const noexcept { return bits_; }
  /// The members in declaration order.
  [[nodiscard]] std::vector<E> to_vector() const {
    std::vector<E> out;
    for (unsigned i = 0; i < 64; ++i)
      if ((bits_ >> i) & 1U) out.push_back(static_cast<E>(i));
    return out;
  }
  friend constexpr bool operator==(enum_set, enum_set) noexcept = default;

 private:
  constexpr explicit enum_set(std::uint64_t b) noexcept : bits_(b) {}
  static constexpr std::uint64_t bit(E v) noexcept {
    return std::uint64_t{1} << static_cast<unsigned>(v);
  }
  std::uint64_t bits_ = 0;
};

using area_set = enum_set<area>;
using medication_class_set = enum_set<medication_class>;
using allergy_class_set = enum_set<allergy_class>;
using allergy_substance_set = enum_set<allergy_substance>;

/// Builds a set from a list of areas.
[[nodiscard]] MNSCREEN_EXPORT area_set make_area_set(std::span<const area> areas) noexcept;

/// `face` = forehead, glabella, periorbital, nose, cheeks, perioral, chin, jawline.
[[nodiscard]] MNSCREEN_EXPORT area_set face_areas() noexcept;
/// `body` = every area that is neither face, eyelids nor scalp.
[[nodiscard]] MNSCREEN_EXPORT area_set body_areas() noexcept;
/// Every area.
[[nodiscard]] MNSCREEN_EXPORT area_set all_areas() noexcept;

/// An area word or a group word (`face`, `body`) as a set; `std::nullopt` if neither.
[[nodiscard]] MNSCREEN_EXPORT std::optional<area_set> parse_area_group(std::string_view) noexcept;

/// Classes of a medication word (a class word maps to itself; doxycycline and tetracycline are
/// both `acne_antibiotic` and `photosensitiser`).
[[nodiscard]] MNSCREEN_EXPORT medication_class_set classes_of(medication_code) noexcept;

/// Classes of an allergy word.
[[nodiscard]] MNSCREEN_EXPORT allergy_class_set classes_of(allergy_substance) noexcept;

/// Substances in a plan anaesthetic (empty for `none`).
[[nodiscard]] MNSCREEN_EXPORT allergy_substance_set substances_of(anesthetic) noexcept;

/// Allergy classes of a plan anaesthetic (`amide_anesthetic` and/or `ester_anesthetic`).
[[nodiscard]] MNSCREEN_EXPORT allergy_class_set classes_of(anesthetic) noexcept;

/// True for the local anaesthetic substances and the two anaesthetic class words.
[[nodiscard]] MNSCREEN_EXPORT bool is_local_anesthetic(allergy_substance) noexcept;

/// A denied factor (`negatives` in the intake): a question word, a condition word, a medication
/// class word, an allergy class word or a device word. A word that is both a question word and a
/// condition word (e.g. `keloid`) is read as the question word, which covers the condition.
using negative =
    std::variant<question, condition_code, medication_class, allergy_class, device_code>;

/// Parses a `negatives` word (question, then condition, medication class, allergy class, device).
[[nodiscard]] MNSCREEN_EXPORT std::optional<negative> parse_negative(std::string_view) noexcept;
/// The word of a denied factor.
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(const negative&) noexcept;

}  // namespace mnscreen

#endif  // MNSCREEN_VOCABULARY_HPP
