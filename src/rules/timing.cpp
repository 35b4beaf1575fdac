// SPDX-License-Identifier: Apache-2.0
// Rules of clinical-spec.md, "Timing after other procedures" (area overlap unless stated).
#include "engine.hpp"

namespace mnscreen::detail::checks {
namespace {

// The procedure among `codes` whose wait ends last decides (one flag per rule).
struct candidate {
  const prior_procedure* proc = nullptr;
  int wait = 0;
  std::string what;
};

void defer_latest(const facts& f, finding& out, std::initializer_list<candidate> cands) {
  const candidate* best = nullptr;
  for (const auto& c : cands) {
    if (!c.proc || days_between(c.proc->date, f.today()) >= c.wait) continue;
    if (!best || std::chrono::sys_days{add_days(c.proc->date, c.wait)} >
                     std::chrono::sys_days{add_days(best->proc->date, best->wait)})
      best = &c;
  }
  if (best)
    defer_after(f, out, best->proc->date, best->wait,
                best->what + " on " + day(best->proc->date) + " on the " +
                    area_list(f.overlap(best->proc->areas)),
                f.overlap(best->proc->areas));
}

}  // namespace

void recent_chemical_peel(const facts& f, finding& out) {
  const policy& p = f.rules_policy();
  const prior_procedure* peel = f.latest_in_area(procedure_code::chemical_peel);
  if (!peel) return;
  int wait = p.chemical_peel_wait_days_deep;
  std::string what = "Chemical peel of unrecorded depth (deep-peel wait applied)";
  if (peel->depth == peel_depth::superficial) {
    wait = p.chemical_peel_wait_days_superficial;
    what = "Superficial chemical peel";
  } else if (peel->depth == peel_depth::medium) {
    wait = p.chemical_peel_wait_days_medium;
    what = "Medium-depth chemical peel";
  } else if (peel->depth == peel_depth::deep) {
    what = "Deep chemical peel";
  }
  defer_latest(f, out, {{peel, wait, what}});
}

void recent_laser(const facts& f, finding& out) {
  const policy& p = f.rules_policy();
  defer_latest(f, out,
               {{f.latest_in_area(procedure_code::laser_ablative), p.laser_wait_days_ablative,
                 "Ablative laser"},
                {f.latest_in_area(procedure_code::laser_nonablative),
                 p.laser_wait_days_nonablative, "Non-ablative laser"},
                {f.latest_in_area(procedure_code::ipl), p.laser_wait_days_ipl, "IPL"}});
}

void recent_dermabrasion(const facts& f, finding& out) {
  const policy& p = f.rules_policy();
  defer_latest(f, out,
               {{f.latest_in_area(procedure_code::dermabrasion), p.dermabrasion_wait_days,
                 "Dermabrasion"},
                {f.latest_in_area(procedure_code::microdermabrasion),
                 p.microdermabrasion_wait_days, "Microdermabrasion"}});
}

void recent_filler(const facts& f, finding& out) {
  defer_latest(f, out, {{f.latest_in_area(procedure_code::dermal_filler),
                         f.rules_policy().filler_wait_days, "Dermal filler"}});
}

void recent_neuromodulator(const facts& f, finding& out) {
  defer_latest(f, out, {{f.latest_in_area(procedure_code::neuromodulator),
                         f.rules_policy().neuromodulator_wait_days,
                         "Botulinum toxin (neuromodulator)"}});
}

void recent_surgery(const facts& f, finding& out) {
  defer_latest(f, out, {{f.latest_in_area(procedure_code::surgery),
                         f.rules_policy().surgery_wait_days, "Surgery"}});
}

void recent_hair_removal(const facts& f, finding& out) {
  const policy& p = f.rules_policy();
  defer_latest(f, out,
               {{f.latest_in_area(procedure_code::waxing), p.hair_removal_wait_days, "Waxing"},
                {f.latest_in_area(procedure_code::threading), p.hair_removal_wait_days,
                 "Threading"},
                {f.latest_in_area(procedure_code::electrolysis), p.hair_removal_wait_days,
                 "Electrolysis"},
                {f.latest_in_area(procedure_code::shaving), p.shave_wait_days, "Shaving"}});
}

void recent_exfoliation(const facts& f, finding& out) {
  defer_latest(f, out, {{f.latest_in_area(procedure_code::exfoliation),
                         f.rules_policy().exfoliation_wait_days, "Exfoliation"}});
}

void recent_sun_exposure(const facts& f, finding& out) {
  const int wait = f.rules_policy().sun_exposure_wait_days;
  // A sunburn condition is handled as a pseudo-procedure dated at its onset.
  prior_procedure burn;
  const prior_procedure* burn_ptr = nullptr;
  for (const auto& c : f.record().conditions) {
    if (c.code != condition_code::sunburn || !c.onset || !f.overlaps(c.sites)) continue;
    if (days_between(*c.onset, f.today()) < 0) continue;
    if (!burn_ptr || std::chrono::sys_days{*c.onset} > std::chrono::sys_days{burn.date}) {
      burn.date = *c.onset;
      burn.areas = c.sites;
      burn_ptr = &burn;
    }
  }
  defer_latest(f, out, {{f.latest_in_area(procedure_code::tanning), wait, "Tanning (UV exposure)"},
                        {burn_ptr, wait, "Sunburn"}});
}

void session_interval(const facts& f, finding& out) {
  defer_latest(f, out, {{f.latest_in_area(procedure_code::microneedling),
                         f.rules_policy().microneedling_interval_days,
                         "Previous microneedling session"}});
}

}  // namespace mnscreen::detail::checks
