// SPDX-License-Identifier: Apache-2.0
// Rules of clinical-spec.md, "Skin at the site".
#include "engine.hpp"

namespace mnscreen::detail {
namespace {

std::string where(const facts& f, const condition& c) {
  return c.sites.empty() ? std::string("(site not recorded, so it may be in the treated area)")
                         : text::cat("on the ", text::areas{f.overlap(c.sites)});
}

void active_infection_in_area(const facts& f, finding& out) {
  const condition* c = f.active_in_area(condition_code::skin_infection);
  if (!c) return;
  out.fire(effect::defer, text::join("Active skin infection ", where(f, *c), '.'),
           "Treat the infection first; re-screen when it has healed.", f.overlap(c->sites));
}

void open_wound_in_area(const facts& f, finding& out) {
  const condition* c = f.active_in_area(condition_code::open_wound);
  const char* what = "Open wound";
  if (!c) {
    c = f.active_in_area(condition_code::sunburn);
    what = "Sunburn";
  }
  if (!c) return;
  out.fire(effect::defer, text::join(what, ' ', where(f, *c), '.'),
           "Wait until the skin has fully healed; re-screen then.", f.overlap(c->sites));
}

void active_hsv_lesion(const facts& f, finding& out) {
  for (auto code : {condition_code::hsv_labialis, condition_code::herpes_zoster}) {
    const condition* c = f.active(code);
    if (!c) continue;
    // Cold sores reactivate across the face, so any face plan counts. Shingles counts where it
    // is, and on any face plan when it is on the face (trigeminal zoster).
    const bool on_face = c->sites.empty() || make_area_set(c->sites).overlaps(face_areas());
    const bool concerns = f.overlaps(c->sites) ||
                          (f.face_planned() && (code == condition_code::hsv_labialis || on_face));
    if (!concerns) continue;
    const char* name = code == condition_code::hsv_labialis ? "cold sore (herpes labialis)"
                                                            : "shingles (herpes zoster)";
    out.fire(effect::defer, text::join("Active ", name, ' ', where(f, *c), '.'),
             "Defer until the lesions have fully healed; start antiviral prophylaxis before the "
             "rescheduled session.",
             f.overlap(c->sites));
    return;
  }
}

void hsv_history_prophylaxis(const facts& f, finding& out) {
  if (!f.hsv_history()) return;
  const policy& p = f.rules_policy();
  const area_set scope = hsv_scope_areas(p);
  const area_set in_scope = f.planned() & scope;
  if (in_scope.empty()) return;
  const text::integer before(p.hsv_prophylaxis_days_before), after(p.hsv_prophylaxis_days_after);
  const auto days = [&](std::string_view lead) {
    return text::join(lead, "from ", before, " day(s) before to ", after,
                      " day(s) after the session.");
  };
  if (const medication* m = f.current(medication_class::antiviral_prophylaxis)) {
    out.fire(
        effect::info,
        text::join("History of cold sores; already taking ", text::words{to_string(m->code)}, "."),
        days("Continue the antiviral "), in_scope);
    return;
  }
  const auto reason = [&] {
    return text::join("History of cold sores (herpes labialis) and treatment planned on the ",
                      text::areas{in_scope}, ": needling can reactivate HSV.");
  };
  if (!p.require_hsv_prophylaxis) {
    out.fire(effect::info, reason(), days("Consider antiviral prophylaxis "), in_scope);
    return;
  }
  out.fire(effect::proceed_with_caution, reason(),
           days("Prescribe antiviral prophylaxis (e.g. valaciclovir) "), in_scope);
}

void skin_cancer_in_area(const facts& f, finding& out) {
  f.look_for(condition_code::skin_cancer);
  area_set excluded;
  for (const auto& c : f.record().conditions)
    if (c.code == condition_code::skin_cancer && c.status == condition_status::active)
      excluded.insert(f.overlap(c.sites));
  if (excluded.empty()) return;
  const effect e = exclusion_effect(f, excluded);
  out.fire(
      e,
      text::join("Skin cancer or a suspicious/changing lesion on the ", text::areas{excluded}, '.'),
      e == effect::do_not_treat ? std::string("Do not needle; refer for assessment of the lesion.")
                                : text::cat("Leave out the ", text::areas{excluded},
                                            "; refer the lesion for assessment."),
      excluded);
}

void lesions_in_area(const facts& f, finding& out) {
  area_set affected;
  std::string found;
  auto add = [&](condition_code code, const char* name, bool active_only) {
    f.look_for(code);
    for (const auto& c : f.record().conditions) {
      if (c.code != code || c.status == condition_status::resolved) continue;
      if (active_only && c.status != condition_status::active) continue;
      if (!f.overlaps(c.sites)) continue;
      affected.insert(f.overlap(c.sites));
      if (found.find(name) == std::string::npos)
        text::append(found, found.empty() ? "" : ", ", name);
    }
  };
  add(condition_code::warts, "warts (needling spreads them)", true);
  add(condition_code::raised_nevus, "raised moles", false);
  add(condition_code::actinic_keratosis, "actinic keratoses", false);
  add(condition_code::tattoo, "tattoo or permanent make-up", false);
  if (affected.empty()) return;
  out.fire(effect::modify_plan,
           text::join("In the treated area (", text::areas{affected}, "): ", found, '.'),
           "Avoid needling over these spots; treat warts first.", affected);
}

void inflammatory_acne_in_area(const facts& f, finding& out) {
  // Every active acne entry in a planned area counts; an inflammatory one (moderate, severe or
  // of unrecorded severity) outweighs a mild one.
  f.look_for(condition_code::acne_vulgaris);
  const condition* mild = nullptr;
  const condition* inflammatory = nullptr;
  area_set areas;
  for (const auto& c : f.record().conditions) {
    if (c.code != condition_code::acne_vulgaris || c.status != condition_status::active ||
        !f.overlaps(c.sites))
      continue;
    areas.insert(f.overlap(c.sites));
    if (c.severity == condition_severity::mild) {
      if (!mild) mild = &c;
    } else if (!inflammatory || (c.severity && !inflammatory->severity) ||
               (c.severity && inflammatory->severity && *c.severity > *inflammatory->severity)) {
      inflammatory = &c;
    }
  }
  if (inflammatory) {
    const std::string sev = inflammatory->severity
                                ? std::string(to_string(*inflammatory->severity))
                                : std::string("unrecorded-severity (treated as inflammatory)");
    out.fire(effect::defer, text::join("Active ", sev, " acne ", where(f, *inflammatory), "."),
             "Defer until the acne is controlled; re-screen then.", areas);
  } else if (mild) {
    out.fire(effect::proceed_with_caution,
             text::join("Mild (comedonal) acne ", where(f, *mild), '.'),
             "Avoid needling over active spots; clinic-grade antisepsis.", areas);
  }
}

void koebner_condition_active(const facts& f, finding& out) {
  bool in_area = false;
  std::string names;
  area_set areas;
  for (auto code :
       {condition_code::psoriasis, condition_code::vitiligo, condition_code::lichen_planus}) {
    const condition* c = f.active(code);
    if (!c) continue;
    text::append(names, names.empty() ? "" : ", ", text::words{to_string(code)});
    if (f.overlaps(c->sites)) {
      in_area = true;
      areas.insert(f.overlap(c->sites));
    }
  }
  if (names.empty()) return;
  if (in_area) {
    out.fire(effect::defer,
             text::join("Active ", names, " in the treated area (", text::areas{areas},
                        "): needle trauma can trigger new lesions (Koebner phenomenon)."),
             "Defer until the disease is quiet; re-screen then.", areas);
  } else {
    out.fire(effect::proceed_with_caution,
             text::join("Active ", names,
                        " elsewhere: needle trauma can trigger new lesions "
                        "(Koebner phenomenon)."),
             "Test spot first; warn the patient about new lesions at needle sites.");
  }
}

void inflammatory_dermatosis_in_area(const facts& f, finding& out) {
  std::string names;
  area_set areas;
  for (auto code : {condition_code::eczema, condition_code::rosacea}) {
    const condition* c = f.active_in_area(code);
    if (!c) continue;
    text::append(names, names.empty() ? "" : " and ", text::words{to_string(code)});
    areas.insert(f.overlap(c->sites));
  }
  if (names.empty()) return;
  out.fire(effect::defer,
           text::join("Active ", names, " in the treated area (", text::areas{areas}, ")."),
           "Defer until the flare has settled; re-screen then.", areas);
}

void pigmentation_risk(const facts& f, finding& out) {
  const condition* melasma = f.active_in_area(condition_code::melasma);
  const auto fitz = f.fitzpatrick();
  const bool dark_rf = f.is_rf() && fitz && *fitz >= 4;
  if (!melasma && !dark_rf) return;
  const auto reason = [&](auto& r) {
    if (melasma) {
      if (melasma->sites.empty())
        text::append(r, "Active melasma (site not recorded, so it may be in the treated area).");
      else
        text::append(r, "Active melasma on the ", text::areas{f.overlap(melasma->sites)}, ".");
    }
    if (dark_rf)
      text::append(r, r.empty() ? "" : " ", "Fitzpatrick type ", text::integer(*fitz),
                   " with RF microneedling.");
    r += " Risk of post-inflammatory pigment change.";
  };
  out.fire_built(effect::proceed_with_caution, reason,
                 "Test spot first, conservative settings, strict sun protection before and after.",
                 melasma ? f.overlap(melasma->sites) : area_set{});
}

// --- the rules of this family, in catalogue order ----------------------------------------------

using c = complication;
using lv = evidence_level;

// Complications and evidence (the rows' spans point at them).
constexpr complication inf_scar[] = {c::infection, c::scarring};
constexpr complication hsv_scar[] = {c::hsv_reactivation, c::scarring};
constexpr complication hsv[] = {c::hsv_reactivation};
constexpr evidence_ref ev_hsv_trial[] = {
    {"Antiviral prophylaxis in facial resurfacing (about 9% HSV reactivation without, about 0 "
     "with), extrapolated to microneedling",
     lv::trial}};
constexpr complication inf_scar_pig[] = {c::infection, c::scarring, c::dyspigmentation};
constexpr complication inf_pig[] = {c::infection, c::dyspigmentation};
constexpr evidence_ref ev_lesions[] = {
    {"SkinPen labelling", lv::label},
    {"Expert opinion: avoid lesions and tattoos", lv::expert_opinion}};
constexpr complication inf_irr[] = {c::infection, c::irritation};
constexpr complication scar_pig[] = {c::scarring, c::dyspigmentation};
constexpr evidence_ref ev_koebner[] = {
    {"Case reports of Koebner phenomenon after microneedling", lv::case_reports}};
constexpr complication irr[] = {c::irritation};
constexpr complication pig[] = {c::dyspigmentation};
constexpr evidence_ref ev_pigment[] = {
    {"Reviews of microneedling in skin of colour (PIH 16.7% with rollers in types IV-V)",
     lv::review}};

constexpr question active_infection_in_area_unknowns[] = {question::skin_infection};
constexpr std::string_view hsv_history_prophylaxis_settings[] = {
    "require_hsv_prophylaxis", "hsv_prophylaxis_scope", "hsv_prophylaxis_days_before"};
constexpr question hsv_history_prophylaxis_unknowns[] = {question::hsv_labialis};
constexpr question pigmentation_risk_unknowns[] = {question::fitzpatrick};

constexpr rule_def rules[] = {
    {.info = {"active_infection_in_area", "skin", "skin_infection active in a planned area",
              "defer (no fixed end)", inf_scar, ev_label},
     .check = active_infection_in_area,
     .unknowns = active_infection_in_area_unknowns},
    {.info = {"open_wound_in_area", "skin", "open_wound or sunburn active in a planned area",
              "defer (no fixed end)", inf_scar, ev_label},
     .check = open_wound_in_area},
    {.info = {"active_hsv_lesion", "skin",
              "hsv_labialis active with a face area planned (or its site planned), or "
              "herpes_zoster active in a planned area",
              "defer (no fixed end)", hsv_scar, ev_label},
     .check = active_hsv_lesion,
     .advice = {advice::hsv_aftercare}},
    {.info = {"hsv_history_prophylaxis", "skin",
              "hsv_labialis (any status) and a planned area within hsv_prophylaxis_scope",
              "proceed_with_caution with antiviral prophylaxis; info when already on "
              "antiviral_prophylaxis or require_hsv_prophylaxis is false",
              hsv, ev_hsv_trial},
     .check = hsv_history_prophylaxis,
     .advice = {advice::antiviral_prep, advice::hsv_aftercare},
     .scope = plan_scope::hsv_scope,
     .settings = hsv_history_prophylaxis_settings,
     .unknowns = hsv_history_prophylaxis_unknowns},
    {.info = {"skin_cancer_in_area", "skin", "skin_cancer active in a planned area",
              area_exclusion_effect, inf_scar_pig, ev_label},
     .check = skin_cancer_in_area,
     .excludes = exclusion::area},
    {.info = {"lesions_in_area", "skin",
              "active warts, or raised_nevus, actinic_keratosis or tattoo, in a planned area",
              "modify_plan (avoid those spots)", inf_pig, ev_lesions},
     .check = lesions_in_area},
    {.info = {"inflammatory_acne_in_area", "skin",
              "acne_vulgaris active in a planned area (moderate, severe or unrecorded "
              "severity; mild)",
              "defer until controlled (no fixed end); mild: proceed_with_caution", inf_irr,
              ev_label},
     .check = inflammatory_acne_in_area},
    {.info = {"koebner_condition_active", "skin",
              "psoriasis, vitiligo or lichen_planus active anywhere",
              "proceed_with_caution; defer (no fixed end) when active in a planned area", scar_pig,
              ev_koebner},
     .check = koebner_condition_active},
    {.info = {"inflammatory_dermatosis_in_area", "skin",
              "eczema or rosacea active in a planned area", "defer (no fixed end)", irr, ev_label},
     .check = inflammatory_dermatosis_in_area},
    {.info = {"pigmentation_risk", "skin",
              "melasma active in a planned area, or Fitzpatrick >= 4 with rf_microneedling",
              "proceed_with_caution (test spot, conservative settings, sun protection)", pig,
              ev_pigment},
     .check = pigmentation_risk,
     .advice = {advice::pigment_prep, advice::sun_aftercare},
     .unknowns = pigmentation_risk_unknowns},
};

}  // namespace

std::span<const rule_def> skin_rules() noexcept { return rules; }

}  // namespace mnscreen::detail
