// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/vocabulary.hpp"

#include "mnscreen/report.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace mnscreen {
namespace {

// One table per enum, in declaration order: the single source of every code word.
template <class E>
struct words;

#define MNSCREEN_WORDS(E, ...)                                \
  template <>                                                 \
  struct words<E> {                                           \
    static constexpr std::string_view list[] = {__VA_ARGS__}; \
  };

MNSCREEN_WORDS(area, "forehead", "glabella", "periorbital", "nose", "eyelids", "cheeks", "perioral",
               "chin", "jawline", "neck", "decolletage", "chest", "back", "arms", "hands",
               "abdomen", "buttocks", "thighs", "legs", "scalp")
MNSCREEN_WORDS(complication, "bleeding_bruising", "infection", "scarring", "dyspigmentation",
               "allergic_reaction", "irritation", "hsv_reactivation")
MNSCREEN_WORDS(condition_code, "keloid", "hypertrophic_scarring", "acne_vulgaris", "rosacea",
               "eczema", "psoriasis", "vitiligo", "lichen_planus", "hsv_labialis", "herpes_zoster",
               "skin_infection", "warts", "open_wound", "sunburn", "skin_cancer",
               "actinic_keratosis", "raised_nevus", "tattoo", "bleeding_disorder",
               "thrombocytopenia", "diabetes_mellitus", "immunosuppression",
               "autoimmune_connective_tissue", "cancer_active", "radiation_therapy",
               "cardiac_arrhythmia", "pregnancy", "melasma", "keratosis_pilaris",
               "trichotillomania")
MNSCREEN_WORDS(condition_status, "active", "history", "resolved")
MNSCREEN_WORDS(condition_severity, "mild", "moderate", "severe")
MNSCREEN_WORDS(medication_code, "warfarin", "acenocoumarol", "apixaban", "rivaroxaban", "edoxaban",
               "dabigatran", "heparin", "enoxaparin", "dalteparin", "fondaparinux", "clopidogrel",
               "prasugrel", "ticagrelor", "dipyridamole", "aspirin", "ibuprofen", "naproxen",
               "diclofenac", "ketoprofen", "celecoxib", "fish_oil", "vitamin_e", "ginkgo", "garlic",
               "ginseng", "turmeric", "isotretinoin", "acitretin", "tretinoin", "adapalene",
               "tazarotene", "retinol", "trifarotene", "benzoyl_peroxide", "azelaic_acid",
               "salicylic_acid", "glycolic_acid", "doxycycline", "minocycline", "tetracycline",
               "clindamycin", "erythromycin", "spironolactone", "methotrexate", "ciclosporin",
               "tacrolimus", "mycophenolate", "azathioprine", "biologic", "prednisolone",
               "prednisone", "dexamethasone", "chemotherapy", "gold_salts", "valaciclovir",
               "aciclovir", "famciclovir", "minoxidil", "anticoagulant_vka", "anticoagulant_doac",
               "anticoagulant_heparin", "antiplatelet", "nsaid", "bleeding_supplement",
               "oral_retinoid", "topical_retinoid", "topical_exfoliant", "acne_antibiotic",
               "photosensitiser", "acne_hormonal", "immunosuppressant", "systemic_corticosteroid",
               "gold_therapy", "antiviral_prophylaxis", "hair_growth_topical")
MNSCREEN_WORDS(medication_class, "anticoagulant_vka", "anticoagulant_doac", "anticoagulant_heparin",
               "antiplatelet", "aspirin", "nsaid", "bleeding_supplement", "oral_retinoid",
               "topical_retinoid", "topical_exfoliant", "acne_antibiotic", "photosensitiser",
               "acne_hormonal", "immunosuppressant", "systemic_corticosteroid", "chemotherapy",
               "gold_therapy", "antiviral_prophylaxis", "hair_growth_topical")
MNSCREEN_WORDS(route, "oral", "topical", "injection", "other")
MNSCREEN_WORDS(allergy_substance, "lidocaine", "prilocaine", "articaine", "bupivacaine",
               "benzocaine", "tetracaine", "procaine", "nickel", "chromium", "cobalt", "gold",
               "chlorhexidine", "povidone_iodine", "isopropyl_alcohol", "hyaluronic_acid", "latex",
               "lanolin", "fragrance", "propylene_glycol", "amide_anesthetic", "ester_anesthetic",
               "metal_in_steel", "antiseptic")
MNSCREEN_WORDS(allergy_class, "amide_anesthetic", "ester_anesthetic", "metal_in_steel", "gold",
               "antiseptic", "hyaluronic_acid", "latex", "lanolin", "fragrance", "propylene_glycol")
MNSCREEN_WORDS(allergy_severity, "mild", "moderate", "severe", "anaphylaxis")
MNSCREEN_WORDS(device_code, "pacemaker", "icd", "neurostimulator", "cochlear_implant",
               "insulin_pump", "metal_implant", "dermal_filler_permanent", "gold_threads")
MNSCREEN_WORDS(procedure_code, "chemical_peel", "laser_ablative", "laser_nonablative", "ipl",
               "dermabrasion", "microdermabrasion", "dermal_filler", "neuromodulator", "waxing",
               "shaving", "threading", "electrolysis", "exfoliation", "microneedling", "surgery",
               "tanning")
MNSCREEN_WORDS(peel_depth, "superficial", "medium", "deep")
MNSCREEN_WORDS(lab_code, "hba1c", "inr", "platelets", "cd4")
MNSCREEN_WORDS(sex, "female", "male", "other")
MNSCREEN_WORDS(device_type, "pen", "roller", "stamp", "patch", "derma_roller", "rf_microneedling")
MNSCREEN_WORDS(setting, "clinic", "home")
MNSCREEN_WORDS(anesthetic, "none", "lidocaine", "prilocaine", "articaine", "bupivacaine",
               "benzocaine", "tetracaine", "procaine", "lidocaine_prilocaine",
               "benzocaine_lidocaine_tetracaine")
MNSCREEN_WORDS(needle_material, "stainless_steel", "gold_plated", "titanium", "silicon", "polymer",
               "unknown")
MNSCREEN_WORDS(adjunct, "prp", "sterile_serum", "non_sterile_serum", "hyaluronic_acid",
               "growth_factors", "exosomes", "minoxidil", "none")
MNSCREEN_WORDS(effect, "info", "proceed_with_caution", "modify_plan", "defer", "do_not_treat")
MNSCREEN_WORDS(decision, "proceed", "proceed_with_caution", "modify_plan", "defer", "do_not_treat",
               "cannot_screen")
MNSCREEN_WORDS(risk_band, "low", "moderate", "high")
MNSCREEN_WORDS(evidence_level, "label", "regulator", "guideline", "consensus", "trial", "review",
               "case_reports", "expert_opinion")
MNSCREEN_WORDS(question, "pregnancy", "anticoagulant", "bleeding_disorder", "isotretinoin",
               "keloid", "hsv_labialis", "skin_infection", "anesthetic_allergy", "implanted_device",
               "diabetes_mellitus", "immunosuppression", "hba1c", "inr", "breastfeeding",
               "birth_date", "sex", "fitzpatrick", "single_use_needles")
MNSCREEN_WORDS(hsv_scope, "perioral", "face", "any")
MNSCREEN_WORDS(known, "unknown", "no", "yes")
MNSCREEN_WORDS(override_reason, "prescriber_approved", "informed_consent", "information_incorrect",
               "not_applicable", "other")

#undef MNSCREEN_WORDS

template <class E>
constexpr std::size_t count = std::size(words<E>::list);

template <class E>
struct all_table {
  static constexpr auto values = [] {
    std::array<E, count<E>> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<E>(i);
    return out;
  }();
};

// The JSON writers copy words without escaping (json_detail::writer::plain_string), so no word
// may hold a byte JSON escapes: each is printable ASCII without `"` or `\`.
template <class E>
constexpr bool words_need_no_escaping() {
  for (std::string_view w : words<E>::list)
    for (char c : w)
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  return true;
}

template <class E>
std::string_view word_of(E e) noexcept {
  static_assert(words_need_no_escaping<E>(), "a word of the vocabulary would need escaping");
  const auto i = static_cast<std::size_t>(e);
  return i < count<E> ? words<E>::list[i] : std::string_view{"?"};
}

// Word lookup: an open-addressing hash table per enum, built at compile time (FNV-1a of the
// word; at least twice as many slots as words, so probes are short). A lookup hashes the text
// once and compares it with the one or two words in its probe sequence, where a scan of the list
// compared it with half the list on average (75 medication words).
constexpr std::uint32_t word_hash(std::string_view w) noexcept {
  std::uint32_t h = 2166136261U;
  for (const char c : w) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619U;
  }
  return h;
}

template <class E>
struct word_index {
  static constexpr std::size_t slots = std::bit_ceil(2 * count<E> + 1);
  static constexpr std::uint8_t empty = 0xFF;
  static_assert(count<E> < empty, "word_index keeps enum values in one byte");
  // slot → enum value (as its index), or `empty`.
  static constexpr auto table = [] {
    std::array<std::uint8_t, slots> t{};
    for (auto& v : t) v = empty;
    for (std::size_t i = 0; i < count<E>; ++i) {
      std::size_t at = word_hash(words<E>::list[i]) & (slots - 1);
      while (t[at] != empty) at = (at + 1) & (slots - 1);
      t[at] = static_cast<std::uint8_t>(i);
    }
    return t;
  }();
  // `hash` is word_hash(text), computed once by callers that look a text up in several enums.
  static std::optional<E> find(std::string_view text, std::uint32_t hash) noexcept {
    for (std::size_t at = hash & (slots - 1);; at = (at + 1) & (slots - 1)) {
      const std::uint8_t v = table[at];
      if (v == empty) return std::nullopt;
      if (words<E>::list[v] == text) return static_cast<E>(v);
    }
  }
};

// Short lists (up to 8 words) are scanned: cheaper than hashing the text.
template <class E>
constexpr bool scanned = count<E> <= 8;

template <class E>
std::optional<E> scan(std::string_view text) noexcept {
  for (std::size_t i = 0; i < count<E>; ++i)
    if (words<E>::list[i] == text) return static_cast<E>(i);
  return std::nullopt;
}

template <class E>
std::optional<E> find_word(std::string_view text, std::uint32_t hash) noexcept {
  if constexpr (scanned<E>) {
    return scan<E>(text);
  } else {
    return word_index<E>::find(text, hash);
  }
}

}  // namespace

template <class E>
std::optional<E> parse_code(std::string_view text) noexcept {
  if constexpr (scanned<E>) {
    return scan<E>(text);
  } else {
    return word_index<E>::find(text, word_hash(text));
  }
}

template <class E>
std::span<const E> all_codes() noexcept {
  return all_table<E>::values;
}

#define MNSCREEN_INSTANTIATE(E)                                                       \
  std::string_view to_string(E e) noexcept { return word_of(e); }                     \
  template MNSCREEN_EXPORT std::optional<E> parse_code<E>(std::string_view) noexcept; \
  template MNSCREEN_EXPORT std::span<const E> all_codes<E>() noexcept;

MNSCREEN_INSTANTIATE(area)
MNSCREEN_INSTANTIATE(complication)
MNSCREEN_INSTANTIATE(condition_code)
MNSCREEN_INSTANTIATE(condition_status)
MNSCREEN_INSTANTIATE(condition_severity)
MNSCREEN_INSTANTIATE(medication_code)
MNSCREEN_INSTANTIATE(medication_class)
MNSCREEN_INSTANTIATE(route)
MNSCREEN_INSTANTIATE(allergy_substance)
MNSCREEN_INSTANTIATE(allergy_class)
MNSCREEN_INSTANTIATE(allergy_severity)
MNSCREEN_INSTANTIATE(device_code)
MNSCREEN_INSTANTIATE(procedure_code)
MNSCREEN_INSTANTIATE(peel_depth)
MNSCREEN_INSTANTIATE(lab_code)
MNSCREEN_INSTANTIATE(sex)
MNSCREEN_INSTANTIATE(device_type)
MNSCREEN_INSTANTIATE(setting)
MNSCREEN_INSTANTIATE(anesthetic)
MNSCREEN_INSTANTIATE(needle_material)
MNSCREEN_INSTANTIATE(adjunct)
MNSCREEN_INSTANTIATE(effect)
MNSCREEN_INSTANTIATE(decision)
MNSCREEN_INSTANTIATE(risk_band)
MNSCREEN_INSTANTIATE(evidence_level)
MNSCREEN_INSTANTIATE(question)
MNSCREEN_INSTANTIATE(hsv_scope)
MNSCREEN_INSTANTIATE(known)
MNSCREEN_INSTANTIATE(override_reason)

#undef MNSCREEN_INSTANTIATE

area_set make_area_set(std::span<const area> areas) noexcept {
  area_set s;
  for (area a : areas) s.insert(a);
  return s;
}

area_set face_areas() noexcept {
  return {area::forehead, area::glabella, area::periorbital, area::nose,
          area::cheeks,   area::perioral, area::chin,        area::jawline};
}

area_set all_areas() noexcept {
  // Gathered once (thread-safe static initialisation): the rules and the risk features ask often.
  static const area_set all = [] {
    area_set s;
    for (area a : all_codes<area>()) s.insert(a);
    return s;
  }();
  return all;
}

area_set body_areas() noexcept {
  return all_areas().without(face_areas() | area_set{area::eyelids, area::scalp});
}

std::optional<area_set> parse_area_group(std::string_view text) noexcept {
  if (text == "face") return face_areas();
  if (text == "body") return body_areas();
  if (auto a = parse_code<area>(text)) return area_set{*a};
  return std::nullopt;
}

medication_class_set classes_of(medication_code m) noexcept {
  using mc = medication_code;
  using c = medication_class;
  switch (m) {
    case mc::warfarin:
    case mc::acenocoumarol:
    case mc::anticoagulant_vka:
      return {c::anticoagulant_vka};
    case mc::apixaban:
    case mc::rivaroxaban:
    case mc::edoxaban:
    case mc::dabigatran:
    case mc::anticoagulant_doac:
      return {c::anticoagulant_doac};
    case mc::heparin:
    case mc::enoxaparin:
    case mc::dalteparin:
    case mc::fondaparinux:
    case mc::anticoagulant_heparin:
      return {c::anticoagulant_heparin};
    case mc::clopidogrel:
    case mc::prasugrel:
    case mc::ticagrelor:
    case mc::dipyridamole:
    case mc::antiplatelet:
      return {c::antiplatelet};
    case mc::aspirin:
      return {c::aspirin};
    case mc::ibuprofen:
    case mc::naproxen:
    case mc::diclofenac:
    case mc::ketoprofen:
    case mc::celecoxib:
    case mc::nsaid:
      return {c::nsaid};
    case mc::fish_oil:
    case mc::vitamin_e:
    case mc::ginkgo:
    case mc::garlic:
    case mc::ginseng:
    case mc::turmeric:
    case mc::bleeding_supplement:
      return {c::bleeding_supplement};
    case mc::isotretinoin:
    case mc::acitretin:
    case mc::oral_retinoid:
      return {c::oral_retinoid};
    case mc::tretinoin:
    case mc::adapalene:
    case mc::tazarotene:
    case mc::retinol:
    case mc::trifarotene:
    case mc::topical_retinoid:
      return {c::topical_retinoid};
    case mc::benzoyl_peroxide:
    case mc::azelaic_acid:
    case mc::salicylic_acid:
    case mc::glycolic_acid:
    case mc::topical_exfoliant:
      return {c::topical_exfoliant};
    case mc::doxycycline:
    case mc::tetracycline:
      return {c::acne_antibiotic, c::photosensitiser};
    case mc::minocycline:
    case mc::clindamycin:
    case mc::erythromycin:
    case mc::acne_antibiotic:
      return {c::acne_antibiotic};
    case mc::photosensitiser:
      return {c::photosensitiser};
    case mc::spironolactone:
    case mc::acne_hormonal:
      return {c::acne_hormonal};
    case mc::methotrexate:
    case mc::ciclosporin:
    case mc::tacrolimus:
    case mc::mycophenolate:
    case mc::azathioprine:
    case mc::biologic:
    case mc::immunosuppressant:
      return {c::immunosuppressant};
    case mc::prednisolone:
    case mc::prednisone:
    case mc::dexamethasone:
    case mc::systemic_corticosteroid:
      return {c::systemic_corticosteroid};
    case mc::chemotherapy:
      return {c::chemotherapy};
    case mc::gold_salts:
    case mc::gold_therapy:
      return {c::gold_therapy};
    case mc::valaciclovir:
    case mc::aciclovir:
    case mc::famciclovir:
    case mc::antiviral_prophylaxis:
      return {c::antiviral_prophylaxis};
    case mc::minoxidil:
    case mc::hair_growth_topical:
      return {c::hair_growth_topical};
  }
  return {};
}

allergy_class_set classes_of(allergy_substance s) noexcept {
  using as = allergy_substance;
  using c = allergy_class;
  switch (s) {
    case as::lidocaine:
    case as::prilocaine:
    case as::articaine:
    case as::bupivacaine:
    case as::amide_anesthetic:
      return {c::amide_anesthetic};
    case as::benzocaine:
    case as::tetracaine:
    case as::procaine:
    case as::ester_anesthetic:
      return {c::ester_anesthetic};
    case as::nickel:
    case as::chromium:
    case as::cobalt:
    case as::metal_in_steel:
      return {c::metal_in_steel};
    case as::gold:
      return {c::gold};
    case as::chlorhexidine:
    case as::povidone_iodine:
    case as::isopropyl_alcohol:
    case as::antiseptic:
      return {c::antiseptic};
    case as::hyaluronic_acid:
      return {c::hyaluronic_acid};
    case as::latex:
      return {c::latex};
    case as::lanolin:
      return {c::lanolin};
    case as::fragrance:
      return {c::fragrance};
    case as::propylene_glycol:
      return {c::propylene_glycol};
  }
  return {};
}

allergy_substance_set substances_of(anesthetic a) noexcept {
  using as = allergy_substance;
  switch (a) {
    case anesthetic::none:
      return {};
    case anesthetic::lidocaine:
      return {as::lidocaine};
    case anesthetic::prilocaine:
      return {as::prilocaine};
    case anesthetic::articaine:
      return {as::articaine};
    case anesthetic::bupivacaine:
      return {as::bupivacaine};
    case anesthetic::benzocaine:
      return {as::benzocaine};
    case anesthetic::tetracaine:
      return {as::tetracaine};
    case anesthetic::procaine:
      return {as::procaine};
    case anesthetic::lidocaine_prilocaine:
      return {as::lidocaine, as::prilocaine};
    case anesthetic::benzocaine_lidocaine_tetracaine:
      return {as::benzocaine, as::lidocaine, as::tetracaine};
  }
  return {};
}

allergy_class_set classes_of(anesthetic a) noexcept {
  allergy_class_set out;
  // The substances' bits walked (one to three), not every substance of the vocabulary.
  for (std::uint64_t bits = substances_of(a).bits(); bits != 0; bits &= bits - 1)
    out.insert(classes_of(static_cast<allergy_substance>(std::countr_zero(bits))));
  return out;
}

bool is_local_anesthetic(allergy_substance s) noexcept {
  return classes_of(s).overlaps({allergy_class::amide_anesthetic, allergy_class::ester_anesthetic});
}

std::optional<negative> parse_negative(std::string_view text) noexcept {
  const std::uint32_t hash = word_hash(text);
  if (auto q = find_word<question>(text, hash)) return negative{*q};
  if (auto c = find_word<condition_code>(text, hash)) return negative{*c};
  if (auto m = find_word<medication_class>(text, hash)) return negative{*m};
  if (auto a = find_word<allergy_class>(text, hash)) return negative{*a};
  if (auto d = find_word<device_code>(text, hash)) return negative{*d};
  return std::nullopt;
}

std::string_view to_string(const negative& n) noexcept {
  return std::visit([](auto v) { return to_string(v); }, n);
}

// The decision an effect alone leads to (report.hpp).
decision to_decision(effect e) noexcept {
  switch (e) {
    case effect::info:
      return decision::proceed;
    case effect::proceed_with_caution:
      return decision::proceed_with_caution;
    case effect::modify_plan:
      return decision::modify_plan;
    case effect::defer:
      return decision::defer;
    case effect::do_not_treat:
      return decision::do_not_treat;
  }
  return decision::do_not_treat;
}

}  // namespace mnscreen
