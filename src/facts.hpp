// SPDX-License-Identifier: Apache-2.0
// Private: facts derived once from an intake + plan + policy, shared by the rules and the risk
// features so that both read the record the same way (one meaning of "current", "in area",
// "present"...). See docs/architecture.md, "Reading the record".
#ifndef MNSCREEN_SRC_FACTS_HPP
#define MNSCREEN_SRC_FACTS_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <tuple>
#include <vector>

#include "mnscreen/patient.hpp"
#include "mnscreen/policy.hpp"
#include "mnscreen/procedure.hpp"

namespace mnscreen::detail {

class explain_trace;

/// Areas of an item: its sites, or every area when it lists none (not localised = anywhere).
[[nodiscard]] area_set sites_or_all(std::span<const area> sites) noexcept;

/// Read-only view of a patient and a plan. Holds references: the intake, plan and policy must
/// outlive it, unchanged (construction notes which codes each list holds). Construction is cheap
/// (one pass over the record's lists, no allocation); a query for a code the record does not
/// hold answers from those notes, and one for a code it holds scans that small list.
class facts {
 public:
  facts(const intake& in, const procedure_plan& plan, const policy& pol) noexcept;

  [[nodiscard]] const intake& record() const noexcept { return in_; }
  [[nodiscard]] const procedure_plan& plan() const noexcept { return plan_; }
  [[nodiscard]] const policy& rules_policy() const noexcept { return pol_; }
  /// The screening date (the plan's date).
  [[nodiscard]] date today() const noexcept { return plan_.date; }
  [[nodiscard]] area_set planned() const noexcept { return planned_; }
  [[nodiscard]] bool face_planned() const noexcept;
  [[nodiscard]] bool is_rf() const noexcept {
    return plan_.device == device_type::rf_microneedling;
  }
  [[nodiscard]] bool is_home() const noexcept { return plan_.setting == setting::home; }
  [[nodiscard]] bool is_roller() const noexcept;
  /// Age in completed years on the plan date, if the birth date is known.
  [[nodiscard]] std::optional<int> age() const noexcept;

  // --- conditions ---------------------------------------------------------------------------
  /// First condition with this code and status active.
  [[nodiscard]] const condition* active(condition_code c) const noexcept;
  /// First active condition with this code whose sites overlap the planned areas.
  [[nodiscard]] const condition* active_in_area(condition_code c) const noexcept;
  /// First condition with this code and status active or history (resolved = not present).
  [[nodiscard]] const condition* present(condition_code c) const noexcept;
  /// First condition with this code, any status.
  [[nodiscard]] const condition* any_status(condition_code c) const noexcept;
  /// True if the planned areas overlap the item's sites (no sites = everywhere).
  [[nodiscard]] bool overlaps(std::span<const area> sites) const noexcept;
  /// Planned areas that the item's sites cover.
  [[nodiscard]] area_set overlap(std::span<const area> sites) const noexcept;

  // --- medications --------------------------------------------------------------------------
  /// Taken on the plan date: started on/before it (or start unknown), no stop or stop on/after.
  [[nodiscard]] bool is_current(const medication& m) const noexcept;
  /// Oral/injection/other routes apply everywhere; a topical medicine, or one of unknown route,
  /// applies where its sites overlap the plan (no sites = anywhere).
  [[nodiscard]] bool applies_to_plan(const medication& m) const noexcept;
  /// First current medication of this class.
  [[nodiscard]] const medication* current(medication_class c) const noexcept;
  /// First current medication of this class that applies to the planned areas (systemic
  /// medicines apply everywhere; topical ones where their sites overlap).
  [[nodiscard]] const medication* current_on_area(medication_class c) const noexcept;
  /// The stopped (not current) medication of this class with the latest stop date.
  [[nodiscard]] const medication* last_stopped(medication_class c) const noexcept;
  /// Classes of every current medication.
  [[nodiscard]] medication_class_set current_classes() const noexcept { return current_classes_; }
  /// Classes of every recorded medication, current or not.
  [[nodiscard]] medication_class_set recorded_classes() const noexcept { return recorded_classes_; }

  // --- allergies, devices, procedures, labs ------------------------------------------------
  [[nodiscard]] const allergy* allergy_to(allergy_class c) const noexcept;
  [[nodiscard]] const implanted_device* device(device_code c) const noexcept;
  /// Latest result of this lab taken on/before the plan date and at most `max_age_days` old.
  [[nodiscard]] const lab_result* latest_lab(lab_code c, int max_age_days) const noexcept;
  /// Latest result of this lab on/before the plan date, whatever its age.
  [[nodiscard]] const lab_result* latest_lab(lab_code c) const noexcept;
  /// Most recent procedure with this code on/before the plan date that overlaps the plan.
  [[nodiscard]] const prior_procedure* latest_in_area(procedure_code c) const noexcept;

  // --- yes / no / unknown -------------------------------------------------------------------
  /// True if `negatives` holds this word.
  [[nodiscard]] bool denied(const negative& n) const noexcept;
  [[nodiscard]] known pregnant() const noexcept;
  [[nodiscard]] known breastfeeding() const noexcept;
  /// Fitzpatrick type if known.
  [[nodiscard]] std::optional<int> fitzpatrick() const noexcept {
    if (trace_) [[unlikely]]
      note_patient(patient_fact::fitzpatrick);
    return in_.patient.fitzpatrick;
  }

  /// Smoking status.
  [[nodiscard]] known smoker() const noexcept {
    if (trace_) [[unlikely]]
      note_patient(patient_fact::smoker);
    return in_.patient.smoker;
  }

  // --- explain (issue 11) -------------------------------------------------------------------
  /// Attaches a trace: from now on the record accessors above note what they looked at (the
  /// item found, or that none was, with its source). `nullptr` detaches. Off (null) in
  /// `screen()`: each accessor then pays one test of a null pointer.
  void attach(explain_trace* t) const noexcept { trace_ = t; }
  [[nodiscard]] explain_trace* trace() const noexcept { return trace_; }

  /// Fields of the plan a check may read directly (explain names them `plan.<field>`).
  enum class plan_field : std::uint8_t {
    device,
    setting,
    areas,
    needle_depth,
    anesthetic,
    adjuncts,
    single_use_needles,
    needle_material
  };
  // For checks that scan the record's lists or read the plan themselves rather than through an
  // accessor above: with a trace attached, each notes what the check looks at; without one
  // (screen()) each is one test of a null pointer.
  /// Notes every condition, device, allergy or medication of the record with this code or
  /// class (with its status, sites and source), or that the record has none.
  void look_for(condition_code c) const noexcept {
    if (trace_) [[unlikely]]
      note_all(c);
  }
  void look_for(device_code c) const noexcept {
    if (trace_) [[unlikely]]
      note_all(c);
  }
  void look_for(allergy_class c) const noexcept {
    if (trace_) [[unlikely]]
      note_all(c);
  }
  void look_for(medication_class c) const noexcept {
    if (trace_) [[unlikely]]
      note_all(c);
  }
  /// Notes one prior procedure the check considered.
  void looked_at(const prior_procedure& p) const noexcept {
    if (trace_) [[unlikely]]
      note(p.code, &p);
  }
  /// Notes a field of the plan the check reads.
  void looked_at(plan_field what) const noexcept {
    if (trace_) [[unlikely]]
      note_plan(what);
  }

  // --- derived clinical facts shared by rules and risk features ------------------------------
  [[nodiscard]] bool on_anticoagulant() const noexcept;
  /// Keloid or hypertrophic scarring, any status.
  [[nodiscard]] bool keloid_history() const noexcept;
  /// A keloid whose sites overlap a planned area.
  [[nodiscard]] bool keloid_in_area() const noexcept;
  /// hsv_labialis, any status.
  [[nodiscard]] bool hsv_history() const noexcept;
  /// Active immunosuppression condition, active cancer (`cancer_active`), current
  /// immunosuppressant/chemotherapy, or CD4 < 200.
  [[nodiscard]] bool immunosuppressed() const noexcept;
  /// Active diabetes with the latest HbA1c within the policy's age: above the limit (`yes`),
  /// at/below it (`no`), or no usable result (`unknown`). `no` also when there is no diabetes.
  [[nodiscard]] known diabetes_uncontrolled() const noexcept;
  /// Eczema, rosacea, psoriasis, vitiligo or lichen planus active in a planned area.
  [[nodiscard]] bool active_dermatosis_in_area() const noexcept;
  /// Topical retinoid on the area still used or stopped inside the hold, or a current topical
  /// exfoliant on the area.
  [[nodiscard]] bool topical_irritant_in_hold() const noexcept;
  /// Oral retinoid current or stopped inside the wash-out.
  [[nodiscard]] bool isotretinoin_in_washout() const noexcept;
  /// Tanning procedure or sunburn within the sun-exposure wait.
  [[nodiscard]] bool recent_tan() const noexcept;
  /// Acne active in a planned area.
  [[nodiscard]] bool active_acne_in_area() const noexcept;

 private:
  enum class patient_fact : std::uint8_t { age, pregnant, breastfeeding, fitzpatrick, smoker };
  // Out of line and cold (src/rules/explain.cpp): called only with a trace attached.
  void note(condition_code c, const condition* found) const noexcept;
  void note(medication_class c, const medication* found, bool stopped) const noexcept;
  void note(allergy_class c, const allergy* found) const noexcept;
  void note(device_code c, const implanted_device* found) const noexcept;
  void note(lab_code c, const lab_result* found) const noexcept;
  void note(procedure_code c, const prior_procedure* found) const noexcept;
  void note_patient(patient_fact what) const noexcept;
  void note_plan(plan_field what) const noexcept;
  void note_all(condition_code c) const noexcept;
  void note_all(device_code c) const noexcept;
  template <class Code, class Item>
  void note_all_of(Code c, const std::vector<Item>& items) const noexcept;
  void note_all(allergy_class c) const noexcept;
  void note_all(medication_class c) const noexcept;
  template <class Code, class T>
  const T* seen(Code c, const T* found) const noexcept {
    if (trace_) [[unlikely]]
      note(c, found);
    return found;
  }

  mutable explain_trace* trace_ = nullptr;
  const intake& in_;
  const procedure_plan& plan_;
  const policy& pol_;
  /// Classes of the i-th medication, and whether it is current (computed once, at
  /// construction, for the first `cached_meds` medications; the rules ask them again and again).
  [[nodiscard]] medication_class_set classes_of_med(std::size_t i) const noexcept {
    return i < cached_meds ? med_classes_[i] : classes_of(in_.medications[i].code);
  }
  [[nodiscard]] bool med_is_current(std::size_t i) const noexcept {
    return i < cached_meds ? ((med_current_ >> i) & 1U) != 0 : is_current(in_.medications[i]);
  }
  static constexpr std::size_t cached_meds = 16;

  area_set planned_;
  // Codes each list holds (a query for a code not in its set finds nothing without a scan):
  // conditions of any status and active ones, the classes of the allergies' substances,
  // devices, labs, procedures.
  enum_set<condition_code> conditions_any_;
  enum_set<condition_code> conditions_active_;
  allergy_class_set allergy_classes_;
  enum_set<device_code> devices_;
  enum_set<lab_code> labs_;
  enum_set<procedure_code> procedures_;
  // The words of `negatives`, one set per kind of word (the alternatives of `negative`).
  std::tuple<enum_set<question>, enum_set<condition_code>, enum_set<medication_class>,
             enum_set<allergy_class>, enum_set<device_code>>
      denied_;
  medication_class_set current_classes_;
  medication_class_set recorded_classes_;
  std::array<medication_class_set, cached_meds> med_classes_{};
  std::uint32_t med_current_ = 0;
};

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_FACTS_HPP
