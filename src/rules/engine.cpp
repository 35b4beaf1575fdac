// SPDX-License-Identifier: Apache-2.0
#include "engine.hpp"

#include <charconv>

namespace mnscreen::detail {

flag finding::to_flag(const rule_info& info) && {
  flag f;
  f.rule_id = std::string(info.id);
  f.effect = effect_;
  f.complications.assign(info.complications.begin(), info.complications.end());
  if (!areas_.empty()) f.areas = areas_.to_vector();
  f.reason = std::move(reason_);
  f.action = std::move(action_);
  f.earliest_safe_date = safe_date_;
  f.evidence.reserve(info.evidence.size());
  for (const auto& e : info.evidence) f.evidence.push_back({std::string(e.source), e.level});
  return f;
}

std::string area_list(area_set s) {
  const auto v = s.to_vector();
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += (i + 1 == v.size()) ? " and " : ", ";
    out += to_string(v[i]);
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::string("?");
}

std::string words(std::string_view code) {
  std::string s(code);
  for (char& c : s)
    if (c == '_') c = ' ';
  return s;
}

area_set hsv_scope_areas(const policy& p) noexcept {
  switch (p.hsv_prophylaxis_scope) {
    case hsv_scope::perioral: return {area::perioral};
    case hsv_scope::face: return face_areas() | area_set{area::eyelids};
    case hsv_scope::any: return all_areas();
  }
  return all_areas();
}

bool is_area_exclusion(std::string_view rule_id) noexcept {
  return rule_id == "skin_cancer_in_area" || rule_id == "keloid_history" ||
         rule_id == "rf_over_metal" || rule_id == "within_orbital_rim";
}

void escalate_combined_exclusions(const facts& f, std::span<finding> findings) {
  const auto table = rule_table();
  area_set excluded;
  int count = 0;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (!findings[i].fired() || !is_area_exclusion(table[i].info.id)) continue;
    if (findings[i].areas().empty()) continue;  // e.g. a keloid history with no site in the plan
    excluded.insert(findings[i].areas());
    ++count;
  }
  if (count < 2 || !excluded.covers(f.planned())) return;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (!findings[i].fired() || !is_area_exclusion(table[i].info.id) ||
        findings[i].areas().empty())
      continue;
    findings[i].escalate(effect::do_not_treat,
                         "Together with the other area exclusions, no planned area remains.",
                         "Do not treat this plan; every planned area is excluded.");
  }
}

effect exclusion_effect(const facts& f, area_set excluded) noexcept {
  return excluded.covers(f.planned()) ? effect::do_not_treat : effect::modify_plan;
}

bool defer_after(const facts& f, finding& out, date event, int wait_days, std::string what,
                 area_set areas) {
  const long since = days_between(event, f.today());
  if (since >= wait_days) return false;
  const date safe = add_days(event, wait_days);
  out.fire(effect::defer,
           std::move(what) + ": " + (since >= 0 ? std::to_string(since) + " day(s) ago" : "after the plan date") + ", less than the " +
               std::to_string(wait_days) + "-day wait.",
           "Defer until " + day(safe) + ".", areas, safe);
  return true;
}

}  // namespace mnscreen::detail
