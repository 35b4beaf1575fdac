// SPDX-License-Identifier: Apache-2.0
// clinical-spec.md, "Questions": which factors every plan needs known, and when each is asked.
#include "questions.hpp"

#include <algorithm>

#include "engine.hpp"

namespace mnscreen::detail {
namespace {

constexpr medication_class_set anticoagulants{medication_class::anticoagulant_vka,
                                              medication_class::anticoagulant_doac,
                                              medication_class::anticoagulant_heparin};

bool has_med_class(const facts& f, medication_class_set classes) {
  return f.recorded_classes().overlaps(classes);
}

bool has_condition(const facts& f, condition_code c) { return f.any_status(c) != nullptr; }

bool denied_all(const facts& f, medication_class_set classes) {
  for (auto c : all_codes<medication_class>())
    if (classes.contains(c) && !f.denied(c)) return false;
  return true;
}

// Aged 12-55 on the plan date, both ends included (clinical-spec 2026.2), or age unknown.
bool of_childbearing_age(const facts& f) {
  const auto age = f.age();
  return !age || (*age >= 12 && *age <= 55);
}

// Female (or sex unknown) and aged 12-55 (or age unknown).
bool could_be_pregnant(const facts& f) {
  const auto& p = f.record().patient;
  if (p.sex && *p.sex == sex::male) return false;
  return of_childbearing_age(f);
}

bool any_local_anesthetic_allergy(const facts& f) {
  return std::any_of(f.record().allergies.begin(), f.record().allergies.end(),
                     [](const allergy& a) { return is_local_anesthetic(a.substance); });
}

// Is the factor behind question `q` known (present or denied) for this plan? Also returns
// whether the question applies to the plan at all.
struct status {
  bool applies;
  bool known;
};

status factor_status(const facts& f, question q) {
  const auto& in = f.record();
  switch (q) {
    case question::pregnancy:
      return {could_be_pregnant(f), f.pregnant() != known::unknown};
    case question::breastfeeding:
      return {could_be_pregnant(f), f.breastfeeding() != known::unknown};
    case question::anticoagulant:
      return {true,
              has_med_class(f, anticoagulants) || f.denied(q) || denied_all(f, anticoagulants)};
    case question::bleeding_disorder:
      return {true, has_condition(f, condition_code::bleeding_disorder) || f.denied(q) ||
                        f.denied(condition_code::bleeding_disorder)};
    case question::isotretinoin:
      return {true, has_med_class(f, {medication_class::oral_retinoid}) || f.denied(q) ||
                        f.denied(medication_class::oral_retinoid)};
    case question::keloid:
      return {true, f.keloid_history() || f.denied(q) ||
                        (f.denied(condition_code::keloid) &&
                         f.denied(condition_code::hypertrophic_scarring))};
    case question::hsv_labialis:
      // Needed for any face plan (spec) and wherever the policy's prophylaxis scope reaches.
      return {f.face_planned() || !(f.planned() & hsv_scope_areas(f.rules_policy())).empty(),
              has_condition(f, condition_code::hsv_labialis) || f.denied(q) ||
                  f.denied(condition_code::hsv_labialis)};
    case question::skin_infection:
      return {true, has_condition(f, condition_code::skin_infection) || f.denied(q) ||
                        f.denied(condition_code::skin_infection)};
    case question::anesthetic_allergy:
      return {f.plan().anesthetic != anesthetic::none,
              any_local_anesthetic_allergy(f) || f.denied(q) ||
                  (f.denied(allergy_class::amide_anesthetic) &&
                   f.denied(allergy_class::ester_anesthetic))};
    case question::implanted_device: {
      bool all_denied = true;
      for (auto d : all_codes<device_code>()) all_denied = all_denied && f.denied(d);
      return {f.is_rf(), !in.devices.empty() || f.denied(q) || all_denied};
    }
    case question::diabetes_mellitus:
      return {true, has_condition(f, condition_code::diabetes_mellitus) || f.denied(q) ||
                        f.denied(condition_code::diabetes_mellitus)};
    case question::immunosuppression:
      return {true, has_condition(f, condition_code::immunosuppression) ||
                        has_med_class(f, {medication_class::immunosuppressant,
                                          medication_class::chemotherapy}) ||
                        f.denied(q) || f.denied(condition_code::immunosuppression)};
    case question::hba1c:
      return {f.active(condition_code::diabetes_mellitus) != nullptr,
              f.latest_lab(lab_code::hba1c, f.rules_policy().hba1c_max_age_days) != nullptr};
    case question::inr:
      return {f.current(medication_class::anticoagulant_vka) != nullptr,
              f.latest_lab(lab_code::inr, f.rules_policy().inr_max_age_days) != nullptr};
    case question::birth_date:
      return {true, in.patient.birth_date.has_value()};
    case question::sex:
      // Only pregnancy needs it (clinical-spec 2026.2: "when pregnancy could apply").
      return {of_childbearing_age(f), in.patient.sex.has_value()};
    case question::fitzpatrick:
      return {true, in.patient.fitzpatrick.has_value()};
    case question::single_use_needles:
      return {true, f.plan().single_use_needles != known::unknown};
  }
  return {true, false};
}

// The question to ask, when its words do not depend on the policy (empty for hba1c and inr).
std::string_view fixed_ask(question q) noexcept {
  switch (q) {
    case question::pregnancy:
      return "Are you pregnant, or could you be?";
    case question::breastfeeding:
      return "Are you breastfeeding?";
    case question::anticoagulant:
      return "Do you take a blood thinner (warfarin, apixaban, rivaroxaban, dabigatran, heparin "
             "injections)?";
    case question::bleeding_disorder:
      return "Do you have a bleeding disorder (haemophilia, von Willebrand disease) or bleed "
             "or bruise easily?";
    case question::isotretinoin:
      return "Have you taken isotretinoin (Roaccutane) or another oral retinoid in the last "
             "12 months? If so, when did you stop?";
    case question::keloid:
      return "Have you ever had keloid scars or raised, thickened scars?";
    case question::hsv_labialis:
      return "Do you get cold sores?";
    case question::skin_infection:
      return "Do you have a skin infection, sore or rash in the area to be treated?";
    case question::anesthetic_allergy:
      return "Have you ever reacted to a numbing cream or local anaesthetic?";
    case question::implanted_device:
      return "Do you have a pacemaker, defibrillator, other implanted electronic device, metal "
             "implant, gold threads or permanent filler?";
    case question::diabetes_mellitus:
      return "Do you have diabetes?";
    case question::immunosuppression:
      return "Do you have a condition or take medicine that weakens the immune system "
             "(transplant, HIV, chemotherapy, methotrexate, biologics)?";
    case question::hba1c:
    case question::inr:
      return {};
    case question::birth_date:
      return "What is your date of birth?";
    case question::sex:
      return "What sex were you assigned at birth?";
    case question::fitzpatrick:
      return "Skin type (Fitzpatrick I-VI): how does your skin react to sun - burn, tan, or "
             "both? (assessed by the clinician)";
    case question::single_use_needles:
      return "Will the session use a sterile single-use needle cartridge or tips? (for the "
             "clinic)";
  }
  return {};
}

// The question that settles factor `q`, into `out` (its room reused).
void ask_into(const facts& f, question q, std::string& out) {
  const policy& p = f.rules_policy();
  switch (q) {
    case question::hba1c:
      text::assign(out, text::join("What was your most recent HbA1c, and when (within the last ",
                                   text::integer(p.hba1c_max_age_days), " days)?"));
      return;
    case question::inr:
      text::assign(out, text::join("What was your most recent INR, and when (within the last ",
                                   text::integer(p.inr_max_age_days), " days)?"));
      return;
    default:
      out.assign(fixed_ask(q));
  }
}

// Present-and-denied pairs to warn about: (word denied, is it present?).
void warn_if(std::vector<diagnostic>& out, bool present, const facts& f, const negative& n) {
  if (present && f.denied(n))
    out.push_back({severity::warning, "contradiction", "$.negatives",
                   text::cat('\'', to_string(n),
                             "' is denied but also recorded as present; treated as present")});
}

}  // namespace

void unknown_factors(const facts& f, std::vector<question_item>& out) {
  std::size_t n = 0;
  for (question q : all_codes<question>()) {
    const status s = factor_status(f, q);
    if (!s.applies || s.known) continue;
    question_item& item = n < out.size() ? out[n] : out.emplace_back();
    item.factor = q;
    ask_into(f, q, item.ask);
    item.if_yes.reset();
    ++n;
  }
  out.resize(n);
}

bool has_unknown_factor(const facts& f) {
  for (question q : all_codes<question>()) {
    const status s = factor_status(f, q);
    if (s.applies && !s.known) return true;
  }
  return false;
}

std::vector<diagnostic> contradictions(const facts& f) {
  std::vector<diagnostic> out;
  const auto& in = f.record();
  warn_if(out, in.patient.pregnant == known::yes || f.active(condition_code::pregnancy) != nullptr,
          f, question::pregnancy);
  warn_if(out, has_med_class(f, anticoagulants), f, question::anticoagulant);
  warn_if(out, has_med_class(f, {medication_class::oral_retinoid}), f, question::isotretinoin);
  warn_if(out, f.keloid_history(), f, question::keloid);
  warn_if(out, !in.devices.empty(), f, question::implanted_device);
  warn_if(out, any_local_anesthetic_allergy(f), f, question::anesthetic_allergy);
  warn_if(
      out,
      has_condition(f, condition_code::immunosuppression) ||
          has_med_class(f, {medication_class::immunosuppressant, medication_class::chemotherapy}),
      f, question::immunosuppression);
  for (const auto& n : in.negatives) {
    if (const auto* c = std::get_if<condition_code>(&n)) {
      // Question words that double as condition words were parsed as questions; these are the
      // remaining condition words.
      warn_if(out, has_condition(f, *c), f, n);
    } else if (const auto* q = std::get_if<question>(&n)) {
      switch (*q) {
        case question::bleeding_disorder:
          warn_if(out, has_condition(f, condition_code::bleeding_disorder), f, n);
          break;
        case question::hsv_labialis:
          warn_if(out, has_condition(f, condition_code::hsv_labialis), f, n);
          break;
        case question::skin_infection:
          warn_if(out, has_condition(f, condition_code::skin_infection), f, n);
          break;
        case question::diabetes_mellitus:
          warn_if(out, has_condition(f, condition_code::diabetes_mellitus), f, n);
          break;
        default:
          break;
      }
    } else if (const auto* m = std::get_if<medication_class>(&n)) {
      warn_if(out, has_med_class(f, {*m}), f, n);
    } else if (const auto* a = std::get_if<allergy_class>(&n)) {
      warn_if(out, f.allergy_to(*a) != nullptr, f, n);
    } else if (const auto* d = std::get_if<device_code>(&n)) {
      warn_if(out, f.device(*d) != nullptr, f, n);
    }
  }
  // One warning per word, in order of first appearance.
  std::vector<diagnostic> unique;
  for (auto& d : out)
    if (std::find(unique.begin(), unique.end(), d) == unique.end()) unique.push_back(std::move(d));
  return unique;
}

}  // namespace mnscreen::detail
