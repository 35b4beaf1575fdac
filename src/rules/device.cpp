// SPDX-License-Identifier: Apache-2.0
// Rules of clinical-spec.md, "Device and plan".
#include <algorithm>
#include <array>

#include "engine.hpp"

namespace mnscreen::detail {
namespace {

// Maximum needle depth per area in mm (clinical-spec depth_exceeds_area_limit). The eyelids are
// not needled at all (within_orbital_rim), so their limit never decides anything; it is set to
// the periorbital value.
constexpr std::array<double, 20> depth_limit_mm = {
    0.75,  // forehead
    0.75,  // glabella
    0.5,   // periorbital
    0.5,   // nose
    0.5,   // eyelids
    2.0,   // cheeks
    1.0,   // perioral
    1.5,   // chin
    1.5,   // jawline
    0.75,  // neck
    1.0,   // decolletage
    1.5,   // chest
    2.5,   // back
    1.5,   // arms
    0.5,   // hands
    2.5,   // abdomen
    2.5,   // buttocks
    2.5,   // thighs
    2.0,   // legs
    1.5,   // scalp
};

constexpr std::array implanted_electronic = {
    device_code::pacemaker, device_code::icd, device_code::neurostimulator,
    device_code::cochlear_implant, device_code::insulin_pump};

bool has_adjunct(const facts& f, adjunct a) {
  const auto& adj = f.plan().adjuncts;
  return std::find(adj.begin(), adj.end(), a) != adj.end();
}

void rf_with_implanted_device(const facts& f, finding& out) {
  if (!f.is_rf()) return;
  std::string names;
  for (device_code d : implanted_electronic)
    if (f.device(d)) text::append(names, names.empty() ? "" : ", ", text::words{to_string(d)});
  if (names.empty()) return;
  out.fire(effect::modify_plan,
           text::join("Implanted electronic device (", names, ") with a radiofrequency device."),
           "Use non-RF microneedling.");
}

void rf_over_metal(const facts& f, finding& out) {
  if (!f.is_rf()) return;
  f.looked_at(facts::plan_field::device);
  f.look_for(device_code::metal_implant);
  f.look_for(device_code::gold_threads);
  f.look_for(device_code::dermal_filler_permanent);
  area_set excluded;
  std::string names, unsited;
  for (const auto& d : f.record().devices) {
    if (d.code != device_code::metal_implant && d.code != device_code::gold_threads &&
        d.code != device_code::dermal_filler_permanent)
      continue;
    if (!f.overlaps(d.sites)) continue;
    excluded.insert(f.overlap(d.sites));
    const std::string w = text::cat(text::words{to_string(d.code)});
    const std::string n = text::cat(w, d.sites.empty() ? " (site not recorded)" : "");
    if (names.find(n) == std::string::npos) text::append(names, names.empty() ? "" : ", ", n);
    if (d.sites.empty() && unsited.find(w) == std::string::npos)
      text::append(unsited, unsited.empty() ? "" : ", ", w);
  }
  if (excluded.empty()) return;
  // clinical-spec 2026.2 "Clarifications": a device-specific exclusion is a plan change, never a
  // refusal, even over every planned area: a non-RF pen over metal is fine.
  std::string action;
  if (!unsited.empty())
    action = text::cat("Use non-RF microneedling; or record the site of the ", unsited,
                       " and leave that area out of RF treatment.");
  else if (excluded.covers(f.planned()))
    action = text::cat("Use non-RF microneedling: RF is unsafe over the ", text::areas{excluded},
                       ", which is every planned area.");
  else
    action = text::cat("Use non-RF microneedling, or leave out the ", text::areas{excluded},
                       " from RF treatment.");
  out.fire(effect::modify_plan,
           text::join("RF planned over ", names, " in the ", text::areas{excluded}, '.'),
           std::move(action), excluded);
}

void rf_over_recent_filler(const facts& f, finding& out) {
  if (!f.is_rf()) return;
  const prior_procedure* p = f.latest_in_area(procedure_code::dermal_filler);
  if (!p || days_between(p->date, f.today()) >= f.rules_policy().rf_filler_wait_days) return;
  defer_after(f, out, p->date, f.rules_policy().rf_filler_wait_days,
              text::cat("Dermal filler on ", text::iso_date(p->date),
                        " in the area planned for RF (RF degrades "
                        "hyaluronic-acid filler)"),
              f.overlap(p->areas));
}

void rf_home_use(const facts& f, finding& out) {
  f.looked_at(facts::plan_field::device);
  f.looked_at(facts::plan_field::setting);
  if (!f.is_rf() || !f.is_home()) return;
  out.fire(effect::modify_plan, "RF microneedling planned at home.",
           "RF microneedling is for clinics only; treat in clinic.");
}

void within_orbital_rim(const facts& f, finding& out) {
  f.looked_at(facts::plan_field::areas);
  if (!f.planned().contains(area::eyelids)) return;
  const area_set excluded{area::eyelids};
  const effect e = exclusion_effect(f, excluded);
  out.fire(e, "The eyelids (inside the orbital rim) are planned.",
           e == effect::do_not_treat ? "Do not needle inside the orbital rim."
                                     : "Leave out the eyelids; stay outside the orbital rim.",
           excluded);
}

void device_not_single_use(const facts& f, finding& out) {
  f.looked_at(facts::plan_field::single_use_needles);
  if (f.plan().single_use_needles != known::no) return;
  out.fire(effect::modify_plan,
           "The needles are reused or shared: bloodborne infections have been transmitted "
           "between clients of reused devices.",
           "Use a sterile single-use cartridge or tips.");
}

void depth_exceeds_area_limit(const facts& f, finding& out) {
  f.looked_at(facts::plan_field::needle_depth);
  f.looked_at(facts::plan_field::areas);
  const double depth = f.plan().needle_depth.value();
  area_set over;
  for (area a : all_codes<area>())
    if (f.planned().contains(a) && depth > depth_limit_mm[static_cast<std::size_t>(a)])
      over.insert(a);
  if (over.empty()) return;
  const auto reason = [&](auto& r) {
    text::append(r, "Needle depth ", text::decimal(depth), " mm is above the limit for ");
    bool first = true;
    for (area a : all_codes<area>()) {
      if (!over.contains(a)) continue;
      text::append(r, first ? "" : ", ", to_string(a), ' ',
                   text::decimal(depth_limit_mm[static_cast<std::size_t>(a)]), " mm");
      first = false;
    }
    r += '.';
  };
  out.fire_built(effect::modify_plan, reason, "Use a depth within each area's limit.", over);
}

void home_device_too_deep(const facts& f, finding& out) {
  const double max = f.rules_policy().home_max_depth_mm;
  f.looked_at(facts::plan_field::setting);
  f.looked_at(facts::plan_field::needle_depth);
  if (!f.is_home() || f.plan().needle_depth.value() <= max) return;
  out.fire(effect::modify_plan,
           text::join("Home device at ", text::decimal(f.plan().needle_depth.value()),
                      " mm, deeper than ", text::decimal(max), " mm."),
           text::join("Use ", text::decimal(max), " mm or less at home, or treat in clinic."));
}

void home_use_high_risk(const facts& f, finding& out) {
  if (!f.is_home()) return;
  std::string why;
  auto add = [&](bool yes, const char* what) {
    if (yes) text::append(why, why.empty() ? "" : ", ", what);
  };
  add(f.on_anticoagulant() || f.current(medication_class::antiplatelet) != nullptr,
      "anticoagulant or antiplatelet");
  add(f.active(condition_code::diabetes_mellitus) != nullptr, "diabetes");
  add(f.immunosuppressed(), "immunosuppression");
  add(f.keloid_history(), "keloid or hypertrophic scarring history");
  add(f.hsv_history(), "cold-sore history");
  if (why.empty()) return;
  out.fire(effect::modify_plan, text::join("Home use planned with ", why, '.'),
           "Treat in clinic only, with clinic asepsis and follow-up.");
}

void pregnancy(const facts& f, finding& out) {
  if (f.pregnant() == known::yes) {
    out.fire(effect::defer, "Pregnant: no safety data for microneedling in pregnancy.",
             "Defer until after the pregnancy; re-screen then.");
    return;
  }
  if (f.breastfeeding() == known::yes) {
    const effect e = f.rules_policy().breastfeeding_effect;
    out.fire(e, "Breastfeeding: no safety data for microneedling while nursing.",
             e == effect::defer ? "Defer until breastfeeding has ended; re-screen then."
                                : "Proceed with care; avoid anaesthetic and products not known "
                                  "to be safe while nursing.");
  }
}

void minor(const facts& f, finding& out) {
  const auto age = f.age();
  const int min_age = f.rules_policy().minimum_age;
  if (!age || *age >= min_age) return;
  std::string reason =
      text::cat("Patient is ", text::integer(*age), ", under ", text::integer(min_age), '.');
  if (f.is_rf() || f.is_home()) {
    out.fire(effect::modify_plan,
             text::join(reason, f.is_rf() ? " RF microneedling is not for minors." : "",
                        f.is_home() ? " Home devices are not for minors." : ""),
             "Clinic non-RF microneedling only, with a guardian's consent.");
    return;
  }
  out.fire(effect::proceed_with_caution, std::move(reason),
           "Obtain a parent's or guardian's consent.");
}

void prp_bleeding(const facts& f, finding& out) {
  if (!has_adjunct(f, adjunct::prp)) return;
  const policy& p = f.rules_policy();
  const lab_result* plt = f.latest_lab(lab_code::platelets, p.platelets_max_age_days);
  std::string why;
  if ((plt && plt->value < p.platelets_min) || f.active(condition_code::thrombocytopenia))
    why = "low platelets";
  else if (f.present(condition_code::bleeding_disorder))
    why = "a bleeding disorder";
  else if (f.on_anticoagulant())
    why = "anticoagulant therapy";
  if (why.empty()) return;
  out.fire(effect::proceed_with_caution, text::join("PRP planned with ", why, '.'),
           "PRP quality and bleeding risk are affected; discuss with the haematologist or "
           "prescriber, or leave out PRP.");
}

// --- the rules of this family, in catalogue order ----------------------------------------------

using c = complication;
using lv = evidence_level;

// Complications and evidence (the rows' spans point at them).
constexpr complication inf[] = {c::infection};
constexpr evidence_ref ev_rf_device[] = {{"RF microneedling device labelling", lv::label}};
constexpr complication scar[] = {c::scarring};
constexpr evidence_ref ev_rf_filler[] = {
    {"RF device labelling", lv::label},
    {"Ex vivo study: RF degrades hyaluronic-acid filler", lv::case_reports}};
constexpr complication scar_inf[] = {c::scarring, c::infection};
constexpr evidence_ref ev_rf_home[] = {
    {"Regulator communication: RF microneedling is a clinic device", lv::regulator}};
constexpr evidence_ref ev_orbit[] = {
    {"Device labelling precaution: do not needle inside the orbital rim", lv::label}};
constexpr evidence_ref ev_reuse[] = {
    {"Regulator and public-health reports: bloodborne transmission between clients of reused "
     "devices",
     lv::regulator}};
constexpr complication scar_bleed[] = {c::scarring, c::bleeding_bruising};
constexpr evidence_ref ev_depth[] = {
    {"Consensus depth guides by area (skin thickness)", lv::expert_opinion}};
constexpr evidence_ref ev_home_depth[] = {
    {"No regulator limit exists; dermatologists advise very shallow home needles",
     lv::expert_opinion}};
constexpr evidence_ref ev_home_risk[] = {
    {"Expert opinion: high-risk patients need clinic asepsis and follow-up", lv::expert_opinion}};
constexpr complication scar_inf_pig[] = {c::scarring, c::infection, c::dyspigmentation};
constexpr evidence_ref ev_pregnancy[] = {
    {"SkinPen labelling: contraindicated in pregnancy and nursing (no safety data)", lv::label}};
constexpr evidence_ref ev_minor[] = {
    {"Expert opinion: guardian consent; no RF or home devices", lv::expert_opinion}};
constexpr complication bleed[] = {c::bleeding_bruising};
constexpr evidence_ref ev_prp[] = {
    {"Expert opinion: PRP with low platelets or anticoagulation", lv::expert_opinion}};

constexpr question rf_with_implanted_device_unknowns[] = {question::implanted_device};
constexpr question rf_over_metal_unknowns[] = {question::implanted_device};
constexpr std::string_view rf_over_recent_filler_settings[] = {"rf_filler_wait_days"};
constexpr question device_not_single_use_unknowns[] = {question::single_use_needles};
constexpr std::string_view home_device_too_deep_settings[] = {"home_max_depth_mm"};
constexpr question home_use_high_risk_unknowns[] = {
    question::anticoagulant, question::diabetes_mellitus, question::immunosuppression,
    question::keloid, question::hsv_labialis};
constexpr std::string_view pregnancy_settings[] = {"breastfeeding_effect"};
constexpr question pregnancy_unknowns[] = {question::pregnancy, question::breastfeeding};
constexpr std::string_view minor_settings[] = {"minimum_age"};
constexpr question minor_unknowns[] = {question::birth_date};
constexpr std::string_view prp_bleeding_settings[] = {"platelets_min", "platelets_max_age_days"};
constexpr question prp_bleeding_unknowns[] = {question::anticoagulant};

constexpr rule_def rules[] = {
    {.info = {"rf_with_implanted_device", "device",
              "rf_microneedling with pacemaker, icd, neurostimulator, cochlear_implant or "
              "insulin_pump",
              "modify_plan (non-RF microneedling)", inf, ev_rf_device},
     .check = rf_with_implanted_device,
     .scope = plan_scope::rf,
     .unknowns = rf_with_implanted_device_unknowns},
    {.info = {"rf_over_metal", "device",
              "rf_microneedling and metal_implant, gold_threads or dermal_filler_permanent in "
              "a planned area (no recorded site: every planned area)",
              "modify_plan (non-RF microneedling, or leave out those areas), even over every "
              "planned area: a device-specific area exclusion, never a refusal",
              scar, ev_rf_device},
     .check = rf_over_metal,
     .excludes = exclusion::device_area,
     .scope = plan_scope::rf,
     .unknowns = rf_over_metal_unknowns},
    {.info = {"rf_over_recent_filler", "device",
              "rf_microneedling and a dermal_filler in a planned area within "
              "rf_filler_wait_days",
              "defer until filler date + rf_filler_wait_days", scar, ev_rf_filler},
     .check = rf_over_recent_filler,
     .scope = plan_scope::rf,
     .settings = rf_over_recent_filler_settings},
    {.info = {"rf_home_use", "device", "rf_microneedling with setting home",
              "modify_plan (RF is clinic-only)", scar_inf, ev_rf_home},
     .check = rf_home_use,
     .scope = plan_scope::rf_home},
    {.info = {"within_orbital_rim", "device", "area eyelids planned", area_exclusion_effect, scar,
              ev_orbit},
     .check = within_orbital_rim,
     .excludes = exclusion::area,
     .scope = plan_scope::eyelids},
    {.info = {"device_not_single_use", "device", "plan single_use_needles is false",
              "modify_plan (sterile single-use needles)", inf, ev_reuse},
     .check = device_not_single_use,
     .unknowns = device_not_single_use_unknowns},
    {.info = {"depth_exceeds_area_limit", "device",
              "needle depth above a planned area's limit (mm: periorbital 0.5, nose 0.5, "
              "forehead 0.75, glabella 0.75, perioral 1.0, neck 0.75, decolletage 1.0, hands "
              "0.5, cheeks 2.0, chin 1.5, jawline 1.5, scalp 1.5, arms 1.5, chest 1.5, back "
              "2.5, abdomen 2.5, buttocks 2.5, thighs 2.5, legs 2.0)",
              "modify_plan", scar_bleed, ev_depth},
     .check = depth_exceeds_area_limit},
    {.info = {"home_device_too_deep", "device", "setting home and depth above home_max_depth_mm",
              "modify_plan", scar_inf, ev_home_depth},
     .check = home_device_too_deep,
     .scope = plan_scope::home,
     .settings = home_device_too_deep_settings},
    {.info = {"home_use_high_risk", "device",
              "setting home with anticoagulant/antiplatelet, diabetes, immunosuppression, "
              "keloid history or HSV history",
              "modify_plan (clinic only)", inf, ev_home_risk},
     .check = home_use_high_risk,
     .scope = plan_scope::home,
     .unknowns = home_use_high_risk_unknowns},
    {.info = {"pregnancy", "device", "pregnant; breastfeeding",
              "pregnant: defer until after pregnancy (no fixed end); breastfeeding: policy "
              "breastfeeding_effect",
              scar_inf_pig, ev_pregnancy},
     .check = pregnancy,
     .settings = pregnancy_settings,
     .unknowns = pregnancy_unknowns},
    {.info = {"minor", "device", "age below minimum_age",
              "proceed_with_caution (guardian consent); modify_plan for rf_microneedling or "
              "home setting",
              scar_inf, ev_minor},
     .check = minor,
     .settings = minor_settings,
     .unknowns = minor_unknowns},
    {.info = {"prp_bleeding", "device",
              "adjunct prp with low platelets, a bleeding disorder or anticoagulant",
              "proceed_with_caution", bleed, ev_prp},
     .check = prp_bleeding,
     .scope = plan_scope::prp,
     .settings = prp_bleeding_settings,
     .unknowns = prp_bleeding_unknowns},
};

}  // namespace

std::span<const rule_def> device_rules() noexcept { return rules; }

}  // namespace mnscreen::detail
