// SPDX-License-Identifier: Apache-2.0
#include "engine.hpp"

#include <bit>
#include <charconv>
#include <cstdint>

namespace mnscreen::detail {

void finding::fill_flag(const rule_info& info) {
  flag& f = *target_;
  f.rule_id.assign(info.id);
  f.effect = effect_;
  f.complications.assign(info.complications.begin(), info.complications.end());
  f.areas.clear();
  if (!areas_.empty()) {
    f.areas.reserve(static_cast<std::size_t>(std::popcount(areas_.bits())));
    for (std::uint64_t bits = areas_.bits(); bits != 0; bits &= bits - 1)
      f.areas.push_back(static_cast<area>(std::countr_zero(bits)));
  }
  f.earliest_safe_date = safe_date_;
  f.override_record.reset();
  f.evidence.resize(info.evidence.size());
  for (std::size_t i = 0; i < info.evidence.size(); ++i) {
    f.evidence[i].source.assign(info.evidence[i].source);
    f.evidence[i].level = info.evidence[i].level;
  }
  fired_ = false;
}

area_set hsv_scope_areas(const policy& p) noexcept {
  switch (p.hsv_prophylaxis_scope) {
    case hsv_scope::perioral:
      return {area::perioral};
    case hsv_scope::face:
      return face_areas() | area_set{area::eyelids};
    case hsv_scope::any:
      return all_areas();
  }
  return all_areas();
}

namespace {

constexpr std::string_view no_area_remains =
    "Together with the other area exclusions, no planned area remains.";
constexpr std::string_view refuse_action =
    "Do not treat this plan; every planned area is excluded.";

}  // namespace

void escalate_combined_exclusions(const facts& f, std::span<flag> flags,
                                  std::span<const exclusion> kinds) {
  area_set refusing, every;
  std::size_t count = 0;
  for (std::size_t i = 0; i < flags.size(); ++i) {
    const flag& x = flags[i];
    if (x.areas.empty() || kinds[i] == exclusion::none) continue;
    const area_set s = make_area_set(x.areas);
    every.insert(s);
    if (!can_refuse(kinds[i])) continue;
    refusing.insert(s);
    ++count;
  }
  if (refusing.covers(f.planned())) {
    if (!exclusions_escalate(f, refusing, count)) return;  // one alone already is do_not_treat
    for (std::size_t i = 0; i < flags.size(); ++i) {
      flag& x = flags[i];
      if (x.areas.empty() || !can_refuse(kinds[i]) || x.effect >= effect::do_not_treat) continue;
      // Raised (never lowered), with a sentence added to the reason and the action replaced.
      x.effect = effect::do_not_treat;
      x.reason += ' ';
      x.reason += no_area_remains;
      x.action = refuse_action;
    }
    return;
  }
  // The device-independent exclusions leave some area, but not once the device-specific ones
  // are left out too: the change that makes the plan acceptable is the device, not the areas.
  if (refusing.empty() || !every.covers(f.planned())) return;
  for (std::size_t i = 0; i < flags.size(); ++i) {
    flag& x = flags[i];
    if (x.areas.empty() || kinds[i] != exclusion::device_area) continue;
    // Over every planned area (or at a site not recorded) its own action already says non-RF.
    if (make_area_set(x.areas).covers(f.planned())) continue;
    x.action =
        text::cat("Use non-RF microneedling: leaving out the ", text::areas{make_area_set(x.areas)},
                  " as well as the other excluded areas would leave no planned area.");
  }
}

effect exclusion_effect(const facts& f, area_set excluded) noexcept {
  return excluded.covers(f.planned()) ? effect::do_not_treat : effect::modify_plan;
}

bool defer_after(const facts& f, finding& out, date event, int wait_days, std::string_view what,
                 area_set areas) {
  const long since = days_between(event, f.today());
  if (since >= wait_days) return false;
  const date safe = add_days(event, wait_days);
  const auto reason = [&](auto& r) {
    if (since >= 0)
      text::append(r, what, ": ", text::integer(since), " day(s) ago, less than the ",
                   text::integer(wait_days), "-day wait.");
    else
      text::append(r, what, ": after the plan date, less than the ", text::integer(wait_days),
                   "-day wait.");
  };
  out.fire_built(effect::defer, reason, text::join("Defer until ", text::iso_date(safe), "."),
                 areas, safe);
  return true;
}

}  // namespace mnscreen::detail
