// SPDX-License-Identifier: Apache-2.0
// Rules of clinical-spec.md, "Scarring tendency", "Bleeding" and "Healing and immunity".
#include <array>

#include "engine.hpp"

namespace mnscreen::detail {
namespace {

text::words drug(const medication& m) { return {to_string(m.code)}; }

// Keloid sites named in the reason as high-risk (clinical-spec keloid_history).
constexpr area_set high_risk_keloid_sites{area::chest, area::back, area::neck, area::jawline};

void keloid_history(const facts& f, finding& out) {
  if (!f.keloid_history()) return;
  const policy& p = f.rules_policy();
  const bool deep = f.is_rf() || f.plan().needle_depth.value() > 1.0;
  effect e =
      p.keloid_history_effect.value_or(deep ? effect::modify_plan : effect::proceed_with_caution);
  area_set keloid_sites, excluded;
  // The kinds of scar recorded, in the order the record first names them.
  std::array<std::string_view, 2> kinds{};
  std::size_t n_kinds = 0;
  for (const auto& c : f.record().conditions) {
    if (c.code != condition_code::keloid && c.code != condition_code::hypertrophic_scarring)
      continue;
    const std::string_view k =
        c.code == condition_code::keloid ? "keloid" : "hypertrophic scarring";
    if (n_kinds == 0 || (n_kinds == 1 && kinds[0] != k)) kinds[n_kinds++] = k;
    keloid_sites.insert(make_area_set(c.sites));
    if (c.code == condition_code::keloid && !c.sites.empty()) excluded.insert(f.overlap(c.sites));
  }
  const area_set risky = keloid_sites & high_risk_keloid_sites;
  effect ex = effect::info;
  if (!excluded.empty()) {
    ex = exclusion_effect(f, excluded);
    if (ex > e) e = ex;
  }
  // Written into the finding only when it keeps sentences (not in the what-if screens).
  const auto reason = [&](std::string& r) {
    text::append(r, "History of ", kinds[0]);
    if (n_kinds == 2) text::append(r, " and ", kinds[1]);
    if (!keloid_sites.empty()) text::append(r, " on the ", text::areas{keloid_sites});
    r += '.';
    if (!risky.empty()) text::append(r, " High-risk keloid sites: ", text::areas{risky}, '.');
    if (!excluded.empty())
      text::append(r, " A keloid lies in the planned ", text::areas{excluded}, '.');
  };
  constexpr std::string_view test_spot =
      "Test spot first, conservative depth, review at 4-6 weeks for raised scarring.";
  if (ex == effect::do_not_treat) {
    out.fire_built(e, reason, "Do not needle over the keloid-bearing area.", excluded);
  } else if (e == effect::defer) {
    out.fire_built(e, reason,
                   "Defer under this clinic's policy for keloid formers; re-screen with the "
                   "dermatologist's agreement.",
                   excluded);
  } else if (!excluded.empty()) {
    // The keloid's areas left out; under a do_not_treat policy nothing more is said.
    if (e == effect::do_not_treat)
      out.fire_built(e, reason, text::join("Leave out the ", text::areas{excluded}, ". "),
                     excluded);
    else
      out.fire_built(e, reason,
                     text::join("Leave out the ", text::areas{excluded}, ". ", test_spot),
                     excluded);
  } else if (e == effect::do_not_treat) {
    out.fire_built(e, reason, "Do not needle under this clinic's policy for keloid formers.",
                   excluded);
  } else if (e == effect::modify_plan) {
    out.fire_built(e, reason,
                   deep ? "Use a shallower plan (1 mm or less) without RF, with a test spot first."
                        : "Change the plan under this clinic's policy: test spot first, the most "
                          "conservative depth, no RF.",
                   excluded);
  } else {
    out.fire_built(e, reason, test_spot, excluded);
  }
}

void bleeding_disorder(const facts& f, finding& out) {
  const condition* c = f.present(condition_code::bleeding_disorder);
  if (!c) return;
  out.fire(effect::do_not_treat,
           text::join("Bleeding disorder recorded (", to_string(c->status), ")."),
           "Do not needle; haemostatic dysfunction is a labelled contraindication.");
}

void low_platelets(const facts& f, finding& out) {
  const policy& p = f.rules_policy();
  const lab_result* plt = f.latest_lab(lab_code::platelets, p.platelets_max_age_days);
  const condition* thr = f.active(condition_code::thrombocytopenia);
  const bool low = plt && plt->value < p.platelets_min;
  if (!low && !thr) return;
  const text::decimal limit(p.platelets_min);
  std::string reason = low ? text::cat("Platelet count ", text::decimal(plt->value), " x10^9/L on ",
                                       text::iso_date(plt->date), " is below ", limit, '.')
                           : std::string("Active thrombocytopenia.");
  if (low && thr) reason += " Active thrombocytopenia.";
  out.fire(effect::defer, std::move(reason),
           text::join("Defer until the platelet count is at or above ", limit,
                      " x10^9/L; re-screen with a new result."));
}

void anticoagulant_therapy(const facts& f, finding& out) {
  const medication* m = nullptr;
  for (auto c : {medication_class::anticoagulant_vka, medication_class::anticoagulant_doac,
                 medication_class::anticoagulant_heparin})
    if (!m) m = f.current(c);
  if (!m) return;
  const effect e = f.rules_policy().anticoagulant_effect;
  out.fire(e, text::join("Currently taking the anticoagulant ", drug(*m), "."),
           e == effect::do_not_treat
               ? "Do not needle under this clinic's policy. Never stop a prescribed "
                 "anticoagulant: the prescriber decides."
               : "Expect more bleeding and bruising; firm pressure, shallower passes. Never "
                 "advise stopping a prescribed anticoagulant: the prescriber decides.");
}

void inr_above_limit(const facts& f, finding& out) {
  const medication* vka = f.current(medication_class::anticoagulant_vka);
  if (!vka) return;
  const policy& p = f.rules_policy();
  const lab_result* inr = f.latest_lab(lab_code::inr, p.inr_max_age_days);
  if (!inr || inr->value <= p.inr_max) return;
  out.fire(effect::defer,
           text::join("INR ", text::decimal(inr->value), " on ", text::iso_date(inr->date),
                      " is above ", text::decimal(p.inr_max), " while taking ", drug(*vka), "."),
           text::join("Defer until an INR at or below ", text::decimal(p.inr_max),
                      " (the prescriber adjusts the dose); re-screen with the new result."));
}

void antiplatelet_therapy(const facts& f, finding& out) {
  const medication* m = f.current(medication_class::antiplatelet);
  if (!m) return;
  out.fire(effect::proceed_with_caution,
           text::join("Currently taking the antiplatelet ", drug(*m), "."),
           "Expect more bruising; do not stop a prescribed antiplatelet.");
}

void aspirin_or_nsaid(const facts& f, finding& out) {
  const medication* m = f.current(medication_class::aspirin);
  if (!m) m = f.current(medication_class::nsaid);
  if (!m) return;
  const bool is_aspirin = classes_of(m->code).contains(medication_class::aspirin);
  const text::integer pause(f.rules_policy().pause_nsaid_days);
  out.fire(effect::proceed_with_caution, text::join("Currently taking ", drug(*m), "."),
           is_aspirin ? text::cat("Over-the-counter aspirin: pause ", pause,
                                  " days before if not prescribed. Prescribed (cardiac) aspirin "
                                  "is not stopped.")
                      : text::cat("Pause over-the-counter anti-inflammatory painkillers ", pause,
                                  " days before unless prescribed; paracetamol is fine."));
}

void bleeding_supplements(const facts& f, finding& out) {
  const medication* m = f.current(medication_class::bleeding_supplement);
  if (!m) return;
  out.fire(effect::proceed_with_caution,
           text::join("Taking ", drug(*m), ", a supplement that can increase bleeding."),
           text::join("Pause it ", text::integer(f.rules_policy().pause_supplement_days),
                      " days before the session."));
}

void isotretinoin_recent(const facts& f, finding& out) {
  const policy& p = f.rules_policy();
  if (const medication* m = f.current(medication_class::oral_retinoid)) {
    const effect e = p.isotretinoin_current_effect;
    out.fire(e, text::join("Currently taking oral ", drug(*m), "."),
             e == effect::defer
                 ? text::cat("Defer until ", text::integer(p.isotretinoin_washout_days),
                             " days after the last dose; re-screen with the stop date.")
                 : "Proceed only with the prescriber's agreement; conservative depth.");
    return;
  }
  const medication* m = f.last_stopped(medication_class::oral_retinoid);
  if (!m) return;
  const date safe = add_days(*m->stop, p.isotretinoin_washout_days);
  if (days_between(*m->stop, f.today()) >= p.isotretinoin_washout_days) return;
  out.fire(effect::defer,
           text::join("Oral ", drug(*m), " stopped on ", text::iso_date(*m->stop), ", inside the ",
                      text::integer(p.isotretinoin_washout_days), "-day wash-out."),
           text::join("Defer until ", text::iso_date(safe),
                      ", or record a prescriber's approval under a permissive policy."),
           {}, safe);
}

void immunosuppressed(const facts& f, finding& out) {
  if (!f.immunosuppressed()) return;
  std::string reason;
  const bool chemo =
      f.current(medication_class::chemotherapy) || f.active(condition_code::cancer_active);
  if (chemo)
    reason = "Active cancer or chemotherapy.";
  else if (const medication* m = f.current(medication_class::immunosuppressant))
    reason = text::cat("Taking the immunosuppressant ", drug(*m), ".");
  else if (f.active(condition_code::immunosuppression))
    reason = "Immunosuppression recorded.";
  else if (const lab_result* cd4 = f.latest_lab(lab_code::cd4))
    reason = text::cat("CD4 count ", text::decimal(cd4->value), " cells/uL on ",
                       text::iso_date(cd4->date), " is below 200.");
  if (chemo) {
    reason += " Healing and infection defences are impaired.";
    out.fire(effect::defer, std::move(reason),
             "Defer until treatment has finished and the oncologist agrees; re-screen then.");
  } else {
    reason += " Higher risk of infection.";
    out.fire(effect::proceed_with_caution, std::move(reason),
             "Strict asepsis; consider a shallower plan and review healing closely.");
  }
}

void systemic_steroids(const facts& f, finding& out) {
  const medication* m = f.current(medication_class::systemic_corticosteroid);
  if (!m) return;
  out.fire(effect::proceed_with_caution,
           text::join("Taking the systemic corticosteroid ", drug(*m),
                      ": slower healing, more infection."),
           "Conservative depth; do not stop a prescribed steroid.");
}

void diabetes_control(const facts& f, finding& out) {
  if (!f.active(condition_code::diabetes_mellitus)) return;
  const policy& p = f.rules_policy();
  const lab_result* a1c = f.latest_lab(lab_code::hba1c, p.hba1c_max_age_days);
  if (!a1c) {
    out.fire(effect::proceed_with_caution,
             text::join("Diabetes with no HbA1c in the last ", text::integer(p.hba1c_max_age_days),
                        " days: control is unknown."),
             "Ask for a recent HbA1c before treating.");
    return;
  }
  const text::decimal value(a1c->value);
  const text::iso_date on(a1c->date);
  if (a1c->value > p.hba1c_max_percent) {
    const text::decimal limit(p.hba1c_max_percent);
    out.fire(effect::defer,
             text::join("Diabetes with HbA1c ", value, " % on ", on, ", above ", limit, " %."),
             text::join("Defer until diabetes is controlled (HbA1c at or below ", limit,
                        " %); re-screen with a new result."));
  } else {
    out.fire(effect::proceed_with_caution,
             text::join("Diabetes with HbA1c ", value, " % on ", on, " (controlled)."),
             "Strict asepsis; review healing.");
  }
}

void connective_tissue_disease(const facts& f, finding& out) {
  if (!f.active(condition_code::autoimmune_connective_tissue)) return;
  const effect e = f.rules_policy().connective_tissue_effect;
  out.fire(e,
           "Active autoimmune connective-tissue disease (scleroderma, lupus or "
           "dermatomyositis): abnormal healing and scarring.",
           e == effect::do_not_treat ? "Do not needle under this clinic's policy."
                                     : "Only with the specialist's agreement; test spot first.");
}

void radiation_to_area(const facts& f, finding& out) {
  f.look_for(condition_code::radiation_therapy);
  const policy& p = f.rules_policy();
  for (const auto& c : f.record().conditions) {
    if (c.code != condition_code::radiation_therapy || c.status == condition_status::resolved ||
        !f.overlaps(c.sites))
      continue;
    const area_set areas = f.overlap(c.sites);
    if (!c.onset) {
      // No date: the wait cannot be shown to have passed.
      out.fire(effect::defer,
               text::join("Radiotherapy to the ", text::areas{areas}, " on an unrecorded date."),
               text::join("Record when radiotherapy ended; defer until ",
                          text::integer(p.radiation_wait_days), " days after it."),
               areas);
      return;
    }
    if (days_between(*c.onset, f.today()) >= p.radiation_wait_days) continue;
    if (defer_after(
            f, out, *c.onset, p.radiation_wait_days,
            text::cat("Radiotherapy to the ", text::areas{areas}, " on ", text::iso_date(*c.onset)),
            areas))
      return;
  }
}

void smoker_healing(const facts& f, finding& out) {
  if (f.smoker() != known::yes) return;
  out.fire(effect::info, "Smoker: slower healing and higher infection and scarring risk.",
           "Advise not smoking for at least 48 hours before and after.");
}

// --- the rules of this family, in catalogue order ----------------------------------------------

using c = complication;
using lv = evidence_level;

// Complications and evidence (the rows' spans point at them).
constexpr complication scar[] = {c::scarring};
constexpr evidence_ref ev_keloid[] = {
    {"Device labelling: warning, not evaluated in keloid formers", lv::label},
    {"Clinic contraindication lists", lv::expert_opinion},
    {"Reviews: relative contraindication", lv::review}};
constexpr complication bleed[] = {c::bleeding_bruising};
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
constexpr complication healing[] = {c::infection, c::scarring};
constexpr evidence_ref ev_isotretinoin[] = {
    {"Isotretinoin labelling: avoid skin resurfacing for 6 months", lv::label},
    {"2017 US consensus (JAMA Dermatology): no delay for superficial procedures", lv::consensus},
    {"Indian guideline: dermaroller and fractional RF acceptable during therapy", lv::guideline}};
constexpr complication inf[] = {c::infection};
constexpr evidence_ref ev_immuno[] = {{"SkinPen labelling", lv::label}};
constexpr evidence_ref ev_steroid[] = {
    {"Reviews: impaired wound healing on systemic steroids", lv::review}};
constexpr evidence_ref ev_diabetes[] = {{"SkinPen labelling: uncontrolled diabetes", lv::label}};
constexpr evidence_ref ev_ctd[] = {{"Clinic contraindication lists", lv::expert_opinion},
                                   {"Device labelling: caution for scleroderma", lv::label}};
constexpr evidence_ref ev_radiation[] = {
    {"Expert opinion: irradiated skin heals poorly", lv::expert_opinion}};
constexpr evidence_ref ev_smoker[] = {{"Reviews: smoking impairs wound healing", lv::review}};

constexpr std::string_view keloid_history_settings[] = {"keloid_history_effect"};
constexpr question keloid_history_unknowns[] = {question::keloid};
constexpr question bleeding_disorder_unknowns[] = {question::bleeding_disorder};
constexpr std::string_view low_platelets_settings[] = {"platelets_min", "platelets_max_age_days"};
constexpr std::string_view anticoagulant_therapy_settings[] = {"anticoagulant_effect"};
constexpr question anticoagulant_therapy_unknowns[] = {question::anticoagulant};
constexpr std::string_view inr_above_limit_settings[] = {"inr_max", "inr_max_age_days"};
constexpr question inr_above_limit_unknowns[] = {question::inr};
constexpr std::string_view aspirin_or_nsaid_settings[] = {"pause_nsaid_days"};
constexpr std::string_view bleeding_supplements_settings[] = {"pause_supplement_days"};
constexpr std::string_view isotretinoin_recent_settings[] = {"isotretinoin_washout_days",
                                                             "isotretinoin_current_effect"};
constexpr question isotretinoin_recent_unknowns[] = {question::isotretinoin};
constexpr question immunosuppressed_unknowns[] = {question::immunosuppression};
constexpr std::string_view diabetes_control_settings[] = {"hba1c_max_percent",
                                                          "hba1c_max_age_days"};
constexpr question diabetes_control_unknowns[] = {question::diabetes_mellitus, question::hba1c};
constexpr std::string_view connective_tissue_disease_settings[] = {"connective_tissue_effect"};
constexpr std::string_view radiation_to_area_settings[] = {"radiation_wait_days"};

constexpr rule_def rules[] = {
    {.info = {"keloid_history", "scarring",
              "keloid or hypertrophic_scarring, any status; a keloid in a planned area is an "
              "area exclusion",
              "policy keloid_history_effect (graded: modify_plan for RF or depth > 1 mm, else "
              "proceed_with_caution); area exclusion for keloid-bearing planned areas",
              scar, ev_keloid},
     .check = keloid_history,
     .excludes = exclusion::area,
     .advice = {advice::keloid_prep, advice::keloid_aftercare},
     .settings = keloid_history_settings,
     .unknowns = keloid_history_unknowns},
    {.info = {"bleeding_disorder", "bleeding", "bleeding_disorder present (active or history)",
              "do_not_treat", bleed, ev_label},
     .check = bleeding_disorder,
     .unknowns = bleeding_disorder_unknowns},
    {.info = {"low_platelets", "bleeding",
              "latest platelets within platelets_max_age_days below platelets_min, or "
              "thrombocytopenia active",
              "defer (no fixed end)", bleed, ev_platelets},
     .check = low_platelets,
     .settings = low_platelets_settings},
    {.info = {"anticoagulant_therapy", "bleeding",
              "current anticoagulant_vka, anticoagulant_doac or anticoagulant_heparin",
              "policy anticoagulant_effect (default proceed_with_caution)", bleed, ev_anticoag},
     .check = anticoagulant_therapy,
     .advice = {advice::bleeding_aftercare},
     .settings = anticoagulant_therapy_settings,
     .unknowns = anticoagulant_therapy_unknowns},
    {.info = {"inr_above_limit", "bleeding",
              "current VKA and latest INR within inr_max_age_days above inr_max",
              "defer (no fixed end); no recent INR: question inr", bleed, ev_inr},
     .check = inr_above_limit,
     .settings = inr_above_limit_settings,
     .unknowns = inr_above_limit_unknowns},
    {.info = {"antiplatelet_therapy", "bleeding", "current antiplatelet", "proceed_with_caution",
              bleed, ev_antiplatelet},
     .check = antiplatelet_therapy,
     .advice = {advice::bleeding_aftercare}},
    {.info = {"aspirin_or_nsaid", "bleeding", "current aspirin or nsaid", "proceed_with_caution",
              bleed, ev_nsaid},
     .check = aspirin_or_nsaid,
     .advice = {advice::bleeding_aftercare},
     .settings = aspirin_or_nsaid_settings},
    {.info = {"bleeding_supplements", "bleeding", "current bleeding_supplement",
              "proceed_with_caution (pause pause_supplement_days before)", bleed, ev_supplement},
     .check = bleeding_supplements,
     .advice = {advice::supplement_pause},
     .settings = bleeding_supplements_settings},
    {.info = {"isotretinoin_recent", "healing",
              "oral_retinoid current, or stopped fewer than isotretinoin_washout_days before "
              "the plan date",
              "current: policy isotretinoin_current_effect (no fixed end); stopped: defer "
              "until stop + wash-out",
              scar, ev_isotretinoin},
     .check = isotretinoin_recent,
     .settings = isotretinoin_recent_settings,
     .unknowns = isotretinoin_recent_unknowns},
    {.info = {"immunosuppressed", "healing",
              "immunosuppression or cancer_active active, current immunosuppressant or "
              "chemotherapy, or latest CD4 below 200",
              "defer (no fixed end) for chemotherapy or active cancer, else "
              "proceed_with_caution",
              inf, ev_immuno},
     .check = immunosuppressed,
     .advice = {advice::healing_aftercare},
     .unknowns = immunosuppressed_unknowns},
    {.info = {"systemic_steroids", "healing", "current systemic_corticosteroid",
              "proceed_with_caution", healing, ev_steroid},
     .check = systemic_steroids,
     .advice = {advice::healing_aftercare}},
    {.info = {"diabetes_control", "healing",
              "diabetes_mellitus active; latest HbA1c within hba1c_max_age_days compared "
              "with hba1c_max_percent",
              "above the limit: defer (no fixed end); controlled or unknown: "
              "proceed_with_caution (unknown also asks question hba1c)",
              inf, ev_diabetes},
     .check = diabetes_control,
     .advice = {advice::healing_aftercare},
     .settings = diabetes_control_settings,
     .unknowns = diabetes_control_unknowns},
    {.info = {"connective_tissue_disease", "healing", "autoimmune_connective_tissue active",
              "policy connective_tissue_effect (default do_not_treat)", scar, ev_ctd},
     .check = connective_tissue_disease,
     .settings = connective_tissue_disease_settings},
    {.info = {"radiation_to_area", "healing",
              "radiation_therapy to a planned area with onset within radiation_wait_days "
              "(or an unrecorded date)",
              "defer until onset + radiation_wait_days (no fixed end when undated)", healing,
              ev_radiation},
     .check = radiation_to_area,
     .settings = radiation_to_area_settings},
    {.info = {"smoker_healing", "healing", "patient.smoker is true", "info (and a risk modifier)",
              healing, ev_smoker},
     .check = smoker_healing,
     .advice = {advice::smoker_aftercare}},
};

}  // namespace

std::span<const rule_def> systemic_rules() noexcept { return rules; }

}  // namespace mnscreen::detail
