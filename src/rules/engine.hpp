// SPDX-License-Identifier: Apache-2.0
// Private: the rule table (one entry per rule: catalogue data + a small check function) and the
// helpers the check functions share. Adding a rule = one table row in catalogue.cpp + one check
// function in its family file + three tests + `mnscreen rules --format md > docs/rules.md`.
#ifndef MNSCREEN_SRC_RULES_ENGINE_HPP
#define MNSCREEN_SRC_RULES_ENGINE_HPP

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "facts.hpp"
#include "mnscreen/report.hpp"
#include "mnscreen/rules.hpp"
#include "rules/text.hpp"

namespace mnscreen::detail {

/// What one rule found: at most one flag. A check function calls `fire` once with the most
/// serious effect it finds; the engine adds id, complications and evidence from the table.
class finding {
 public:
  /// Records the flag. `areas` are the planned areas it concerns (for area exclusions: the
  /// excluded areas).
  void fire(enum effect e, std::string reason, std::string action, area_set areas = {},
            std::optional<date> safe_date = std::nullopt) {
    fired_ = true;
    effect_ = e;
    reason_ = std::move(reason);
    action_ = std::move(action);
    areas_ = areas;
    safe_date_ = safe_date;
  }
  [[nodiscard]] bool fired() const noexcept { return fired_; }
  [[nodiscard]] enum effect severity() const noexcept { return effect_; }
  [[nodiscard]] area_set areas() const noexcept { return areas_; }
  /// Raises the effect (never lowers it), adding a sentence to the reason and replacing the
  /// action.
  void escalate(enum effect e, std::string_view because, std::string action) {
    if (e <= effect_) return;
    effect_ = e;
    reason_ += ' ';
    reason_ += because;
    action_ = std::move(action);
  }
  [[nodiscard]] flag to_flag(const rule_info& info) &&;
  /// Fills `out` (a fresh or cleared flag) with this finding and the rule's catalogue data,
  /// moving the reason and action; the finding is then reset (not fired) for reuse.
  void move_into(const rule_info& info, flag& out);

 private:
  bool fired_ = false;
  enum effect effect_ = effect::info;
  std::string reason_, action_;
  area_set areas_;
  std::optional<date> safe_date_;
};

using check_fn = void (*)(const facts&, finding&);

struct rule_entry {
  rule_info info;
  check_fn check;
};

/// Number of rules in the catalogue of this knowledge version.
inline constexpr std::size_t rule_count = 56;

/// The rule table, in catalogue order.
[[nodiscard]] std::span<const rule_entry> rule_table() noexcept;

// --- wording helpers ------------------------------------------------------------------------

/// "cheeks", "cheeks and forehead", "cheeks, chin and forehead" (declaration order).
[[nodiscard]] std::string area_list(area_set s);
/// Decimal without trailing zeros: 1.5, 0.25, 3.
[[nodiscard]] std::string num(double v);
/// Date as YYYY-MM-DD.
[[nodiscard]] inline std::string day(date d) { return std::string(text::iso_date(d).view()); }
/// "warfarin", "isotretinoin"… with underscores as spaces.
[[nodiscard]] std::string words(std::string_view code);

/// True for rules that exclude areas (clinical-spec "area exclusion"): their flag's areas are
/// the excluded areas.
[[nodiscard]] bool is_area_exclusion(std::string_view rule_id) noexcept;

/// True for area exclusions that exist only because of the device (`rf_over_metal`): they are
/// `modify_plan` even over every planned area, since another device makes the plan acceptable
/// (clinical-spec 2026.2, "Clarifications").
[[nodiscard]] bool is_device_specific_exclusion(std::string_view rule_id) noexcept;

/// When the device-independent area exclusions of one screen (skin cancer, keloid sites, orbital
/// rim) together leave no planned area, each of them becomes `do_not_treat` (one exclusion
/// covering every area already is). Device-specific exclusions never escalate; the flag form
/// rewrites their action to "non-RF" when leaving out their areas too would leave nothing.
void escalate_combined_exclusions(const facts& f, std::span<finding> findings);
/// The same on the flags of one screen (in any order): the screener's form.
void escalate_combined_exclusions(const facts& f, std::span<flag> flags);

/// Outcome of a device-independent area exclusion: `do_not_treat` if it covers every planned
/// area, else `modify_plan`. `excluded` must be non-empty.
[[nodiscard]] effect exclusion_effect(const facts& f, area_set excluded) noexcept;

/// Areas within the policy's HSV-prophylaxis scope (face = the face areas plus the eyelids).
[[nodiscard]] area_set hsv_scope_areas(const policy& p) noexcept;

/// Fires a "wait after an event" deferral when fewer than `wait_days` have passed since
/// `event` (on the plan date). @return true if it fired.
/// `what` is the start of the reason ("Waxing on 2026-11-20 on the cheeks"); it is extended in
/// place.
bool defer_after(const facts& f, finding& out, date event, int wait_days, std::string what,
                 area_set areas = {});

}  // namespace mnscreen::detail

// Check functions, one per rule id, grouped by family file.
namespace mnscreen::detail::checks {
#define MNSCREEN_CHECK(id) void id(const facts&, finding&);
// skin.cpp
MNSCREEN_CHECK(active_infection_in_area)
MNSCREEN_CHECK(open_wound_in_area)
MNSCREEN_CHECK(active_hsv_lesion)
MNSCREEN_CHECK(hsv_history_prophylaxis)
MNSCREEN_CHECK(skin_cancer_in_area)
MNSCREEN_CHECK(lesions_in_area)
MNSCREEN_CHECK(inflammatory_acne_in_area)
MNSCREEN_CHECK(koebner_condition_active)
MNSCREEN_CHECK(inflammatory_dermatosis_in_area)
MNSCREEN_CHECK(pigmentation_risk)
// scarring, bleeding, healing: systemic.cpp
MNSCREEN_CHECK(keloid_history)
MNSCREEN_CHECK(bleeding_disorder)
MNSCREEN_CHECK(low_platelets)
MNSCREEN_CHECK(anticoagulant_therapy)
MNSCREEN_CHECK(inr_above_limit)
MNSCREEN_CHECK(antiplatelet_therapy)
MNSCREEN_CHECK(aspirin_or_nsaid)
MNSCREEN_CHECK(bleeding_supplements)
MNSCREEN_CHECK(isotretinoin_recent)
MNSCREEN_CHECK(immunosuppressed)
MNSCREEN_CHECK(systemic_steroids)
MNSCREEN_CHECK(diabetes_control)
MNSCREEN_CHECK(connective_tissue_disease)
MNSCREEN_CHECK(radiation_to_area)
MNSCREEN_CHECK(smoker_healing)
// topicals and allergies: products.cpp
MNSCREEN_CHECK(topical_retinoid_recent)
MNSCREEN_CHECK(topical_exfoliant_recent)
MNSCREEN_CHECK(acne_medication_current)
MNSCREEN_CHECK(photosensitiser_current)
MNSCREEN_CHECK(non_sterile_topical)
MNSCREEN_CHECK(anesthetic_allergy)
MNSCREEN_CHECK(metal_allergy_needles)
MNSCREEN_CHECK(antiseptic_allergy)
MNSCREEN_CHECK(product_allergy)
// device and plan: device.cpp
MNSCREEN_CHECK(rf_with_implanted_device)
MNSCREEN_CHECK(rf_over_metal)
MNSCREEN_CHECK(rf_over_recent_filler)
MNSCREEN_CHECK(rf_home_use)
MNSCREEN_CHECK(within_orbital_rim)
MNSCREEN_CHECK(device_not_single_use)
MNSCREEN_CHECK(depth_exceeds_area_limit)
MNSCREEN_CHECK(home_device_too_deep)
MNSCREEN_CHECK(home_use_high_risk)
MNSCREEN_CHECK(pregnancy)
MNSCREEN_CHECK(minor)
MNSCREEN_CHECK(prp_bleeding)
// timing.cpp
MNSCREEN_CHECK(recent_chemical_peel)
MNSCREEN_CHECK(recent_laser)
MNSCREEN_CHECK(recent_dermabrasion)
MNSCREEN_CHECK(recent_filler)
MNSCREEN_CHECK(recent_neuromodulator)
MNSCREEN_CHECK(recent_surgery)
MNSCREEN_CHECK(recent_hair_removal)
MNSCREEN_CHECK(recent_exfoliation)
MNSCREEN_CHECK(recent_sun_exposure)
MNSCREEN_CHECK(session_interval)
#undef MNSCREEN_CHECK
}  // namespace mnscreen::detail::checks

#endif  // MNSCREEN_SRC_RULES_ENGINE_HPP
