// SPDX-License-Identifier: Apache-2.0
// Rules of clinical-spec.md, "Timing after other procedures" (area overlap unless stated).
// Every earlier procedure of the rule's kinds in a planned area is considered, and the one
// whose wait ends last decides the flag (an older deep peel can outlast a newer superficial one).
#include "engine.hpp"

namespace mnscreen::detail {
namespace {

// Wait and wording for one earlier procedure, or wait < 0 when the rule does not concern it.
struct wait_rule {
  int days = -1;
  std::string what;
};

template <class WaitOf>
void defer_after_latest(const facts& f, finding& out, WaitOf wait_of,
                        const prior_procedure* extra = nullptr) {
  const prior_procedure* best = nullptr;
  wait_rule best_rule;
  auto consider = [&](const prior_procedure& p) {
    if (days_between(p.date, f.today()) < 0 || !f.overlaps(p.areas)) return;
    wait_rule w = wait_of(p);
    if (w.days < 0 || days_between(p.date, f.today()) >= w.days) return;
    if (!best || std::chrono::sys_days{add_days(p.date, w.days)} >
                     std::chrono::sys_days{add_days(best->date, best_rule.days)}) {
      best = &p;
      best_rule = std::move(w);
    }
  };
  for (const auto& p : f.record().procedures) {
    // explain: every procedure this rule waits after is named, whatever its date and areas.
    if (f.trace()) [[unlikely]]
      if (wait_of(p).days >= 0) f.looked_at(p);
    consider(p);
  }
  if (extra) consider(*extra);
  if (!best) return;
  const area_set areas = f.overlap(best->areas);
  defer_after(
      f, out, best->date, best_rule.days,
      text::cat(best_rule.what, " on ", text::iso_date(best->date), " on the ", text::areas{areas}),
      areas);
}

void recent_chemical_peel(const facts& f, finding& out) {
  const policy& p = f.rules_policy();
  defer_after_latest(f, out, [&](const prior_procedure& x) -> wait_rule {
    if (x.code != procedure_code::chemical_peel) return {};
    if (x.depth == peel_depth::superficial)
      return {p.chemical_peel_wait_days_superficial, "Superficial chemical peel"};
    if (x.depth == peel_depth::medium)
      return {p.chemical_peel_wait_days_medium, "Medium-depth chemical peel"};
    if (x.depth == peel_depth::deep) return {p.chemical_peel_wait_days_deep, "Deep chemical peel"};
    return {p.chemical_peel_wait_days_deep,
            "Chemical peel of unrecorded depth (deep-peel wait applied)"};
  });
}

void recent_laser(const facts& f, finding& out) {
  const policy& p = f.rules_policy();
  defer_after_latest(f, out, [&](const prior_procedure& x) -> wait_rule {
    switch (x.code) {
      case procedure_code::laser_ablative:
        return {p.laser_wait_days_ablative, "Ablative laser"};
      case procedure_code::laser_nonablative:
        return {p.laser_wait_days_nonablative, "Non-ablative laser"};
      case procedure_code::ipl:
        return {p.laser_wait_days_ipl, "IPL"};
      default:
        return {};
    }
  });
}

void recent_dermabrasion(const facts& f, finding& out) {
  const policy& p = f.rules_policy();
  defer_after_latest(f, out, [&](const prior_procedure& x) -> wait_rule {
    if (x.code == procedure_code::dermabrasion) return {p.dermabrasion_wait_days, "Dermabrasion"};
    if (x.code == procedure_code::microdermabrasion)
      return {p.microdermabrasion_wait_days, "Microdermabrasion"};
    return {};
  });
}

void recent_filler(const facts& f, finding& out) {
  const int wait = f.rules_policy().filler_wait_days;
  defer_after_latest(f, out, [&](const prior_procedure& x) -> wait_rule {
    if (x.code != procedure_code::dermal_filler) return {};
    return {wait, "Dermal filler"};
  });
}

void recent_neuromodulator(const facts& f, finding& out) {
  const int wait = f.rules_policy().neuromodulator_wait_days;
  defer_after_latest(f, out, [&](const prior_procedure& x) -> wait_rule {
    if (x.code != procedure_code::neuromodulator) return {};
    return {wait, "Botulinum toxin (neuromodulator)"};
  });
}

void recent_surgery(const facts& f, finding& out) {
  const int wait = f.rules_policy().surgery_wait_days;
  defer_after_latest(f, out, [&](const prior_procedure& x) -> wait_rule {
    if (x.code != procedure_code::surgery) return {};
    return {wait, "Surgery"};
  });
}

void recent_hair_removal(const facts& f, finding& out) {
  const policy& p = f.rules_policy();
  defer_after_latest(f, out, [&](const prior_procedure& x) -> wait_rule {
    switch (x.code) {
      case procedure_code::waxing:
        return {p.hair_removal_wait_days, "Waxing"};
      case procedure_code::threading:
        return {p.hair_removal_wait_days, "Threading"};
      case procedure_code::electrolysis:
        return {p.hair_removal_wait_days, "Electrolysis"};
      case procedure_code::shaving:
        return {p.shave_wait_days, "Shaving"};
      default:
        return {};
    }
  });
}

void recent_exfoliation(const facts& f, finding& out) {
  const int wait = f.rules_policy().exfoliation_wait_days;
  defer_after_latest(f, out, [&](const prior_procedure& x) -> wait_rule {
    if (x.code != procedure_code::exfoliation) return {};
    return {wait, "Exfoliation"};
  });
}

void recent_sun_exposure(const facts& f, finding& out) {
  const int wait = f.rules_policy().sun_exposure_wait_days;
  f.look_for(condition_code::sunburn);
  // A sunburn is a condition dated by its onset; it is considered as a dated exposure too.
  prior_procedure burn;
  const prior_procedure* burn_ptr = nullptr;
  for (const auto& c : f.record().conditions) {
    if (c.code != condition_code::sunburn || !c.onset || !f.overlaps(c.sites)) continue;
    if (days_between(*c.onset, f.today()) < 0) continue;
    if (!burn_ptr || std::chrono::sys_days{*c.onset} > std::chrono::sys_days{burn.date}) {
      burn.code = procedure_code::tanning;
      burn.date = *c.onset;
      burn.areas = c.sites;
      burn.source = "sunburn";
      burn_ptr = &burn;
    }
  }
  defer_after_latest(
      f, out,
      [&](const prior_procedure& x) -> wait_rule {
        if (x.code != procedure_code::tanning) return {};
        return {wait,
                x.source == "sunburn" && &x == burn_ptr ? "Sunburn" : "Tanning (UV exposure)"};
      },
      burn_ptr);
}

void session_interval(const facts& f, finding& out) {
  const int wait = f.rules_policy().microneedling_interval_days;
  defer_after_latest(f, out, [&](const prior_procedure& x) -> wait_rule {
    if (x.code != procedure_code::microneedling) return {};
    return {wait, "Previous microneedling session"};
  });
}

// --- the rules of this family, in catalogue order ----------------------------------------------

using c = complication;
using lv = evidence_level;

// Complications and evidence (the rows' spans point at them).
constexpr complication timing[] = {c::irritation, c::dyspigmentation, c::scarring};
constexpr evidence_ref ev_timing[] = {
    {"Expert opinion and clinic protocols on intervals between skin procedures",
     lv::expert_opinion}};

constexpr std::string_view recent_chemical_peel_settings[] = {"chemical_peel_wait_days.superficial",
                                                              "chemical_peel_wait_days.medium",
                                                              "chemical_peel_wait_days.deep"};
constexpr std::string_view recent_laser_settings[] = {
    "laser_wait_days.ablative", "laser_wait_days.nonablative", "laser_wait_days.ipl"};
constexpr std::string_view recent_dermabrasion_settings[] = {"dermabrasion_wait_days",
                                                             "microdermabrasion_wait_days"};
constexpr std::string_view recent_filler_settings[] = {"filler_wait_days"};
constexpr std::string_view recent_neuromodulator_settings[] = {"neuromodulator_wait_days"};
constexpr std::string_view recent_surgery_settings[] = {"surgery_wait_days"};
constexpr std::string_view recent_hair_removal_settings[] = {"hair_removal_wait_days",
                                                             "shave_wait_days"};
constexpr std::string_view recent_exfoliation_settings[] = {"exfoliation_wait_days"};
constexpr std::string_view recent_sun_exposure_settings[] = {"sun_exposure_wait_days"};
constexpr std::string_view session_interval_settings[] = {"microneedling_interval_days"};

constexpr rule_def rules[] = {
    {.info = {"recent_chemical_peel", "timing",
              "chemical_peel in a planned area within chemical_peel_wait_days (by depth; "
              "unrecorded depth uses deep)",
              "defer until peel date + wait", timing, ev_timing},
     .check = recent_chemical_peel,
     .settings = recent_chemical_peel_settings},
    {.info = {"recent_laser", "timing",
              "laser_ablative, laser_nonablative or ipl in a planned area within "
              "laser_wait_days",
              "defer until date + wait", timing, ev_timing},
     .check = recent_laser,
     .settings = recent_laser_settings},
    {.info = {"recent_dermabrasion", "timing",
              "dermabrasion within dermabrasion_wait_days or microdermabrasion within "
              "microdermabrasion_wait_days, in a planned area",
              "defer until date + wait", timing, ev_timing},
     .check = recent_dermabrasion,
     .settings = recent_dermabrasion_settings},
    {.info = {"recent_filler", "timing", "dermal_filler in a planned area within filler_wait_days",
              "defer until date + wait", timing, ev_timing},
     .check = recent_filler,
     .settings = recent_filler_settings},
    {.info = {"recent_neuromodulator", "timing",
              "neuromodulator in a planned area within neuromodulator_wait_days",
              "defer until date + wait", timing, ev_timing},
     .check = recent_neuromodulator,
     .settings = recent_neuromodulator_settings},
    {.info = {"recent_surgery", "timing", "surgery in a planned area within surgery_wait_days",
              "defer until date + wait", timing, ev_timing},
     .check = recent_surgery,
     .settings = recent_surgery_settings},
    {.info = {"recent_hair_removal", "timing",
              "waxing, threading or electrolysis within hair_removal_wait_days, or shaving "
              "within shave_wait_days, in a planned area",
              "defer until date + wait", timing, ev_timing},
     .check = recent_hair_removal,
     .settings = recent_hair_removal_settings},
    {.info = {"recent_exfoliation", "timing",
              "exfoliation in a planned area within exfoliation_wait_days",
              "defer until date + wait", timing, ev_timing},
     .check = recent_exfoliation,
     .settings = recent_exfoliation_settings},
    {.info = {"recent_sun_exposure", "timing",
              "tanning, or sunburn onset, in a planned area within sun_exposure_wait_days",
              "defer until date + wait", timing, ev_timing},
     .check = recent_sun_exposure,
     .settings = recent_sun_exposure_settings},
    {.info = {"session_interval", "timing",
              "previous microneedling in a planned area within microneedling_interval_days",
              "defer until date + wait", timing, ev_timing},
     .check = session_interval,
     .settings = session_interval_settings},
};

}  // namespace

std::span<const rule_def> timing_rules() noexcept { return rules; }

}  // namespace mnscreen::detail
