// SPDX-License-Identifier: Apache-2.0
#include "facts.hpp"

#include <tuple>
#include <variant>

namespace mnscreen::detail {

area_set sites_or_all(std::span<const area> sites) noexcept {
  return sites.empty() ? all_areas() : make_area_set(sites);
}

facts::facts(const intake& in, const procedure_plan& plan, const policy& pol) noexcept
    : in_(in), plan_(plan), pol_(pol), planned_(make_area_set(plan.areas)) {
  const auto& meds = in_.medications;
  for (std::size_t i = 0; i < meds.size(); ++i) {
    const medication_class_set classes = classes_of(meds[i].code);
    const bool current = is_current(meds[i]);
    if (i < cached_meds) {
      med_classes_[i] = classes;
      if (current) med_current_ |= std::uint32_t{1} << i;
    }
    if (current) current_classes_.insert(classes);
    recorded_classes_.insert(classes);
  }
  for (const condition& c : in_.conditions) {
    conditions_any_.insert(c.code);
    if (c.status == condition_status::active) conditions_active_.insert(c.code);
  }
  for (const allergy& a : in_.allergies) allergy_classes_.insert(classes_of(a.substance));
  for (const implanted_device& d : in_.devices) devices_.insert(d.code);
  for (const lab_result& l : in_.labs) labs_.insert(l.code);
  for (const prior_procedure& p : in_.procedures) procedures_.insert(p.code);
  for (const negative& n : in_.negatives)
    std::visit([this](auto word) { std::get<enum_set<decltype(word)>>(denied_).insert(word); }, n);
}

bool facts::face_planned() const noexcept { return planned_.overlaps(face_areas()); }

bool facts::is_roller() const noexcept {
  return plan_.device == device_type::roller || plan_.device == device_type::derma_roller;
}

std::optional<int> facts::age() const noexcept {
  if (trace_) [[unlikely]]
    note_patient(patient_fact::age);
  if (!in_.patient.birth_date) return std::nullopt;
  return age_in_years(*in_.patient.birth_date, plan_.date);
}

const condition* facts::active(condition_code c) const noexcept {
  if (!conditions_active_.contains(c)) return seen(c, static_cast<const condition*>(nullptr));
  for (const auto& x : in_.conditions)
    if (x.code == c && x.status == condition_status::active) return seen(c, &x);
  return seen(c, static_cast<const condition*>(nullptr));
}

const condition* facts::active_in_area(condition_code c) const noexcept {
  if (!conditions_active_.contains(c)) return seen(c, static_cast<const condition*>(nullptr));
  for (const auto& x : in_.conditions)
    if (x.code == c && x.status == condition_status::active && overlaps(x.sites))
      return seen(c, &x);
  return seen(c, static_cast<const condition*>(nullptr));
}

const condition* facts::present(condition_code c) const noexcept {
  if (!conditions_any_.contains(c)) return seen(c, static_cast<const condition*>(nullptr));
  for (const auto& x : in_.conditions)
    if (x.code == c && x.status != condition_status::resolved) return seen(c, &x);
  return seen(c, static_cast<const condition*>(nullptr));
}

const condition* facts::any_status(condition_code c) const noexcept {
  if (!conditions_any_.contains(c)) return seen(c, static_cast<const condition*>(nullptr));
  for (const auto& x : in_.conditions)
    if (x.code == c) return seen(c, &x);
  return seen(c, static_cast<const condition*>(nullptr));
}

bool facts::overlaps(std::span<const area> sites) const noexcept {
  return sites.empty() ? !planned_.empty() : planned_.overlaps(make_area_set(sites));
}

area_set facts::overlap(std::span<const area> sites) const noexcept {
  return planned_ & sites_or_all(sites);
}

bool facts::is_current(const medication& m) const noexcept {
  const auto on = std::chrono::sys_days{plan_.date};
  if (m.start && std::chrono::sys_days{*m.start} > on) return false;
  return !m.stop || std::chrono::sys_days{*m.stop} >= on;
}

bool facts::applies_to_plan(const medication& m) const noexcept {
  // Systemic routes act everywhere. A topical medicine, or one of unknown route whose sites are
  // recorded, acts where its sites are (no sites = anywhere).
  if (m.route && *m.route != route::topical) return true;
  return overlaps(m.sites);
}

const medication* facts::current(medication_class c) const noexcept {
  const medication* found = nullptr;
  const auto& meds = in_.medications;
  if (current_classes_.contains(c))
    for (std::size_t i = 0; i < meds.size(); ++i)
      if (classes_of_med(i).contains(c) && med_is_current(i)) {
        found = &meds[i];
        break;
      }
  if (trace_) [[unlikely]]
    note(c, found, false);
  return found;
}

const medication* facts::current_on_area(medication_class c) const noexcept {
  const medication* found = nullptr;
  const auto& meds = in_.medications;
  if (current_classes_.contains(c))
    for (std::size_t i = 0; i < meds.size(); ++i)
      if (classes_of_med(i).contains(c) && med_is_current(i) && applies_to_plan(meds[i])) {
        found = &meds[i];
        break;
      }
  if (trace_) [[unlikely]]
    note(c, found, false);
  return found;
}

const medication* facts::last_stopped(medication_class c) const noexcept {
  const medication* best = nullptr;
  const auto& meds = in_.medications;
  for (std::size_t i = 0; i < meds.size(); ++i) {
    const medication& m = meds[i];
    if (!classes_of_med(i).contains(c) || med_is_current(i) || !m.stop) continue;
    if (m.start && std::chrono::sys_days{*m.start} > std::chrono::sys_days{plan_.date}) continue;
    if (!best || std::chrono::sys_days{*m.stop} > std::chrono::sys_days{*best->stop}) best = &m;
  }
  if (trace_) [[unlikely]]
    note(c, best, true);
  return best;
}

const allergy* facts::allergy_to(allergy_class c) const noexcept {
  if (!allergy_classes_.contains(c)) return seen(c, static_cast<const allergy*>(nullptr));
  for (const auto& a : in_.allergies)
    if (classes_of(a.substance).contains(c)) return seen(c, &a);
  return seen(c, static_cast<const allergy*>(nullptr));
}

const implanted_device* facts::device(device_code c) const noexcept {
  if (!devices_.contains(c)) return seen(c, static_cast<const implanted_device*>(nullptr));
  for (const auto& d : in_.devices)
    if (d.code == c) return seen(c, &d);
  return seen(c, static_cast<const implanted_device*>(nullptr));
}

const lab_result* facts::latest_lab(lab_code c) const noexcept {
  const lab_result* best = nullptr;
  if (!labs_.contains(c)) return seen(c, best);
  const auto on = std::chrono::sys_days{plan_.date};
  for (const auto& l : in_.labs) {
    if (l.code != c || std::chrono::sys_days{l.date} > on) continue;
    // Same-day ties: the later entry in the record wins (deterministic).
    if (!best || std::chrono::sys_days{l.date} >= std::chrono::sys_days{best->date}) best = &l;
  }
  return seen(c, best);
}

const lab_result* facts::latest_lab(lab_code c, int max_age_days) const noexcept {
  const lab_result* l = latest_lab(c);
  if (!l || days_between(l->date, plan_.date) > max_age_days) return nullptr;
  return l;
}

const prior_procedure* facts::latest_in_area(procedure_code c) const noexcept {
  const prior_procedure* best = nullptr;
  if (!procedures_.contains(c)) return seen(c, best);
  const auto on = std::chrono::sys_days{plan_.date};
  for (const auto& p : in_.procedures) {
    if (p.code != c || std::chrono::sys_days{p.date} > on || !overlaps(p.areas)) continue;
    if (!best || std::chrono::sys_days{p.date} > std::chrono::sys_days{best->date}) best = &p;
  }
  return seen(c, best);
}

bool facts::denied(const negative& n) const noexcept {
  return std::visit(
      [this](auto word) { return std::get<enum_set<decltype(word)>>(denied_).contains(word); }, n);
}

known facts::pregnant() const noexcept {
  if (trace_) [[unlikely]]
    note_patient(patient_fact::pregnant);
  if (in_.patient.pregnant == known::yes || active(condition_code::pregnancy)) return known::yes;
  if (in_.patient.pregnant == known::no || denied(question::pregnancy) ||
      denied(condition_code::pregnancy))
    return known::no;
  return known::unknown;
}

known facts::breastfeeding() const noexcept {
  if (trace_) [[unlikely]]
    note_patient(patient_fact::breastfeeding);
  if (in_.patient.breastfeeding == known::yes) return known::yes;
  if (in_.patient.breastfeeding == known::no || denied(question::breastfeeding)) return known::no;
  return known::unknown;
}

bool facts::on_anticoagulant() const noexcept {
  return current_classes_.overlaps({medication_class::anticoagulant_vka,
                                    medication_class::anticoagulant_doac,
                                    medication_class::anticoagulant_heparin});
}

bool facts::keloid_history() const noexcept {
  return any_status(condition_code::keloid) || any_status(condition_code::hypertrophic_scarring);
}

bool facts::keloid_in_area() const noexcept {
  for (const auto& c : in_.conditions)
    if (c.code == condition_code::keloid && !c.sites.empty() && overlaps(c.sites)) return true;
  return false;
}

bool facts::hsv_history() const noexcept { return any_status(condition_code::hsv_labialis); }

bool facts::immunosuppressed() const noexcept {
  if (active(condition_code::immunosuppression) || active(condition_code::cancer_active))
    return true;
  if (current_classes_.overlaps(
          {medication_class::immunosuppressant, medication_class::chemotherapy}))
    return true;
  const lab_result* cd4 = latest_lab(lab_code::cd4);
  return cd4 && cd4->value < 200.0;
}

known facts::diabetes_uncontrolled() const noexcept {
  if (!active(condition_code::diabetes_mellitus)) return known::no;
  const lab_result* a1c = latest_lab(lab_code::hba1c, pol_.hba1c_max_age_days);
  if (!a1c) return known::unknown;
  return a1c->value > pol_.hba1c_max_percent ? known::yes : known::no;
}

bool facts::active_dermatosis_in_area() const noexcept {
  for (auto c : {condition_code::eczema, condition_code::rosacea, condition_code::psoriasis,
                 condition_code::vitiligo, condition_code::lichen_planus})
    if (active_in_area(c)) return true;
  return false;
}

bool facts::topical_irritant_in_hold() const noexcept {
  if (current_on_area(medication_class::topical_retinoid) ||
      current_on_area(medication_class::topical_exfoliant))
    return true;
  const auto& meds = in_.medications;
  for (std::size_t i = 0; i < meds.size(); ++i) {
    const medication& m = meds[i];
    if (!classes_of_med(i).contains(medication_class::topical_retinoid) || med_is_current(i) ||
        !m.stop || !applies_to_plan(m))
      continue;
    if (days_between(*m.stop, plan_.date) < pol_.topical_retinoid_hold_days_before) return true;
  }
  return false;
}

bool facts::isotretinoin_in_washout() const noexcept {
  if (current(medication_class::oral_retinoid)) return true;
  const medication* m = last_stopped(medication_class::oral_retinoid);
  return m && days_between(*m->stop, plan_.date) < pol_.isotretinoin_washout_days;
}

bool facts::recent_tan() const noexcept {
  if (const auto* p = latest_in_area(procedure_code::tanning))
    if (days_between(p->date, plan_.date) < pol_.sun_exposure_wait_days) return true;
  for (const auto& c : in_.conditions)
    if (c.code == condition_code::sunburn && c.onset && overlaps(c.sites) &&
        days_between(*c.onset, plan_.date) >= 0 &&
        days_between(*c.onset, plan_.date) < pol_.sun_exposure_wait_days)
      return true;
  return false;
}

bool facts::active_acne_in_area() const noexcept {
  return active_in_area(condition_code::acne_vulgaris) != nullptr;
}

}  // namespace mnscreen::detail
