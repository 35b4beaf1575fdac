// SPDX-License-Identifier: Apache-2.0
// Private: what a rule is (`rule_def`: catalogue data, check function, exclusion kind, advice,
// plan scope, settings and questions), the rule table gathered from the family files, and the
// helpers the check functions share. Adding a rule: docs/architecture.md, "Adding a rule".
#ifndef MNSCREEN_SRC_RULES_ENGINE_HPP
#define MNSCREEN_SRC_RULES_ENGINE_HPP

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "facts.hpp"
#include "mnscreen/report.hpp"
#include "mnscreen/rules.hpp"
#include "text.hpp"

namespace mnscreen::detail {

/// What one rule found: at most one flag. A check function calls `fire` once with the most
/// serious effect it finds; the engine adds id, complications and evidence from the table.
///
/// Where the sentences go: a finding made with `finding()` keeps them in its own strings
/// (explain's, which reads only whether it fired); the screener points its one finding at the
/// report's next flag (`write_into`), so a rule that fires writes its reason and action
/// straight into the flag (a reused report's flags keep their room: no allocation, no copy);
/// a decision-only finding writes none.
class finding {
 public:
  finding() = default;

  /// Tag of a finding that records the effect, areas and date but writes no text: `fire` and
  /// `fire_built` leave its reason and action empty (their text pieces are never written). For
  /// screens that need only the decision (the what-if screens that rank the questions); such a
  /// finding is never made into a flag.
  struct decision_only_t {
    explicit decision_only_t() = default;
  };
  static constexpr decision_only_t decision_only{};
  explicit finding(decision_only_t) : texts_(false) {}

  /// From now on, `fire` writes the reason and action into `target`'s own strings (replacing
  /// what they held) and `fill_flag` completes `target`. `target` must outlive the check that
  /// fires; nothing else of it is touched until `fill_flag`.
  void write_into(flag& target) noexcept { target_ = &target; }

  /// Records the flag. `areas` are the planned areas it concerns (for area exclusions: the
  /// excluded areas).
  /// `reason` and `action`: text, a std::string or a `text::join(...)`, written into the
  /// finding's strings (its own, or its target flag's).
  template <class Reason, class Action>
  void fire(enum effect e, Reason&& reason, Action&& action, area_set areas = {},
            std::optional<date> safe_date = std::nullopt) {
    if (texts_) {
      text::assign(reason_text(), std::forward<Reason>(reason));
      text::assign(action_text(), std::forward<Action>(action));
    }
    record(e, areas, safe_date);
  }
  /// As `fire`, for a reason built in parts: `write(reason)` appends it to the finding's
  /// reason string (a std::string, empty when called).
  template <class Write, class Action>
  void fire_built(enum effect e, Write&& write, Action&& action, area_set areas = {},
                  std::optional<date> safe_date = std::nullopt) {
    if (texts_) {
      std::string& r = reason_text();
      r.clear();
      // Room for any usual reason at once: written in parts, a fresh string would otherwise
      // grow (and allocate) several times.
      if (r.capacity() < built_reason_room) r.reserve(built_reason_room);
      std::forward<Write>(write)(r);
      text::assign(action_text(), std::forward<Action>(action));
    }
    record(e, areas, safe_date);
  }
  [[nodiscard]] bool fired() const noexcept { return fired_; }
  [[nodiscard]] enum effect severity() const noexcept { return effect_; }
  [[nodiscard]] area_set areas() const noexcept { return areas_; }
  /// Completes the target flag (see `write_into`) of a fired finding: its reason and action are
  /// already written; this sets the rule's catalogue data (id, complications, evidence), the
  /// effect, areas and safe date, and clears any override record. A reused report's flag keeps
  /// the room of its strings and lists. The finding is then not fired again, still pointing at
  /// the same target until `write_into` names another.
  void fill_flag(const rule_info& info);
  /// Back to not fired, as a new finding (its own strings cleared, keeping their room; the
  /// target, if any, kept).
  void reset() noexcept {
    fired_ = false;
    effect_ = effect::info;
    reason_.clear();
    action_.clear();
    areas_ = {};
    safe_date_.reset();
  }

 private:
  static constexpr std::size_t built_reason_room = 256;
  std::string& reason_text() noexcept { return target_ != nullptr ? target_->reason : reason_; }
  std::string& action_text() noexcept { return target_ != nullptr ? target_->action : action_; }
  void record(enum effect e, area_set areas, std::optional<date> safe_date) noexcept {
    fired_ = true;
    effect_ = e;
    areas_ = areas;
    safe_date_ = safe_date;
  }

  bool fired_ = false;
  bool texts_ = true;
  enum effect effect_ = effect::info;
  flag* target_ = nullptr;
  std::string reason_, action_;
  area_set areas_;
  std::optional<date> safe_date_;
};

using check_fn = void (*)(const facts&, finding&);

/// Whether a rule is an area exclusion (clinical-spec "area exclusion": its flag's areas are the
/// excluded areas), and of which kind.
enum class exclusion : std::uint8_t {
  none,
  /// Excludes areas whatever the device (skin cancer, keloid sites, orbital rim): together they
  /// can leave no planned area, and the plan is then refused.
  area,
  /// Excludes areas only because of the device (`rf_over_metal`): `modify_plan` even over every
  /// planned area, since another device makes the plan acceptable (clinical-spec 2026.2,
  /// "Clarifications").
  device_area,
};

/// Whether an area exclusion of this kind can refuse the plan (clinical-spec 2026.2,
/// "Clarifications"): a device-specific one never does, since a change of device makes its areas
/// acceptable.
[[nodiscard]] constexpr bool can_refuse(exclusion e) noexcept { return e == exclusion::area; }

/// Preparation and aftercare a fired rule calls for (questions.hpp's `advice_texts` holds the
/// texts).
enum class advice : std::uint8_t {
  antiviral_prep,         // start, continue or consider HSV prophylaxis
  hsv_aftercare,          // watch for cold sores
  supplement_pause,       // pause bleeding supplements
  exfoliant_pause,        // pause exfoliating acids
  acne_medication_pause,  // pause acne medication with the prescriber
  pigment_prep,           // test spot and sun protection before
  sun_aftercare,          // strict sun protection after
  keloid_prep,            // test spot, conservative depth
  keloid_aftercare,       // watch for raised scars
  metal_prep,             // other needle material
  no_anesthetic_prep,     // leave out the plan's anaesthetic advice
  bleeding_aftercare,     // pressure and bruising advice
  healing_aftercare,      // slower healing, signs of infection
  smoker_aftercare,       // no smoking while healing
};

/// A set of `advice` values.
class advice_set {
 public:
  constexpr advice_set() noexcept = default;
  constexpr advice_set(std::initializer_list<advice> list) noexcept {
    for (advice a : list) bits_ |= bit(a);
  }
  [[nodiscard]] constexpr bool contains(advice a) const noexcept { return (bits_ & bit(a)) != 0; }
  constexpr advice_set& operator|=(advice_set o) noexcept {
    bits_ |= o.bits_;
    return *this;
  }

 private:
  static constexpr std::uint32_t bit(advice a) noexcept {
    return std::uint32_t{1} << static_cast<unsigned>(a);
  }
  std::uint32_t bits_ = 0;
};

/// What a rule needs from the plan before it can apply at all; explain reports a rule whose
/// scope the plan lacks as `not_applicable` (its check function tests the same first), and
/// docs/rules.md words it in its "applies to" column (render.cpp).
enum class plan_scope : std::uint8_t {
  any,
  rf,                 // a radiofrequency device
  rf_home,            // a radiofrequency device in the home setting
  home,               // the home setting
  eyelids,            // the eyelids planned
  prp,                // PRP as an adjunct
  non_sterile_serum,  // a non-sterile serum as an adjunct
  hsv_scope,          // a planned area within the policy's HSV-prophylaxis scope
};

/// One rule, whole: its catalogue entry, its check, and what the engine, the advice and explain
/// need to know about it. Each family file holds its rules as a constexpr array of these,
/// beside their check functions.
struct rule_def {
  rule_info info;
  check_fn check = nullptr;
  enum exclusion excludes = exclusion::none;
  advice_set advice{};
  plan_scope scope = plan_scope::any;
  /// Policy settings the check reads (names as in the policy table; explain lists them).
  std::span<const std::string_view> settings{};
  /// Questions whose unknown answer leaves the rule undecided.
  std::span<const question> unknowns{};
};

// The rule families, in catalogue order: one file each, and each returns its constexpr table.
[[nodiscard]] std::span<const rule_def> skin_rules() noexcept;      // skin.cpp
[[nodiscard]] std::span<const rule_def> systemic_rules() noexcept;  // systemic.cpp: scarring,
                                                                    // bleeding, healing
[[nodiscard]] std::span<const rule_def> product_rules() noexcept;   // products.cpp: topicals,
                                                                    // allergies
[[nodiscard]] std::span<const rule_def> device_rules() noexcept;    // device.cpp
[[nodiscard]] std::span<const rule_def> timing_rules() noexcept;    // timing.cpp

// Catalogue data more than one family uses.
inline constexpr evidence_ref ev_label[] = {
    {"SkinPen (microneedling device) labelling", evidence_level::label}};
inline constexpr std::string_view area_exclusion_effect =
    "Area exclusion: do_not_treat when it covers every planned area, alone or with the other "
    "device-independent area exclusions, else modify_plan (drop those areas).";

/// The rule table: the families gathered, in catalogue order (built once, never modified).
[[nodiscard]] std::span<const rule_def> rule_table() noexcept;

/// Number of rules in the catalogue of this knowledge version (the table's size).
[[nodiscard]] inline std::size_t rule_count() noexcept { return rule_table().size(); }

/// Rank of the id of `rule_table()[i]` among all the rules' ids in id order (byte order, as
/// std::string's `<`): flags are ordered by effect and then id, and comparing ranks orders them
/// as comparing the ids would. `i` must be below rule_count().
[[nodiscard]] std::uint16_t id_rank(std::size_t i) noexcept;

/// When the device-independent area exclusions of one screen (skin cancer, keloid sites, orbital
/// rim) together leave no planned area, each of them becomes `do_not_treat` (one exclusion
/// covering every area already is). Device-specific exclusions never escalate; their action is
/// rewritten to "non-RF" when leaving out their areas too would leave nothing. On the flags of
/// one screen, in any order; `kinds[i]` is the exclusion kind of the rule of `flags[i]`. (The
/// what-if screens fold the same escalation into their decision: overrides.cpp.)
void escalate_combined_exclusions(const facts& f, std::span<flag> flags,
                                  std::span<const exclusion> kinds);
/// The condition of that escalation, for both of its users: `count` device-independent area
/// exclusions (each with some planned area) that together exclude `excluded`. Two or more of them
/// leaving no planned area become `do_not_treat` (one alone that covers every area already is).
[[nodiscard]] inline bool exclusions_escalate(const facts& f, area_set excluded,
                                              std::size_t count) noexcept {
  return count >= 2 && excluded.covers(f.planned());
}

/// Outcome of a device-independent area exclusion: `do_not_treat` if it covers every planned
/// area, else `modify_plan`. `excluded` must be non-empty.
[[nodiscard]] effect exclusion_effect(const facts& f, area_set excluded) noexcept;

/// Areas within the policy's HSV-prophylaxis scope (face = the face areas plus the eyelids).
[[nodiscard]] area_set hsv_scope_areas(const policy& p) noexcept;

/// Fires a "wait after an event" deferral when fewer than `wait_days` have passed since
/// `event` (on the plan date). @return true if it fired.
/// `what` is the start of the reason ("Waxing on 2026-11-20 on the cheeks"), written with the
/// rest into the finding's own string.
bool defer_after(const facts& f, finding& out, date event, int wait_days, std::string_view what,
                 area_set areas = {});

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_RULES_ENGINE_HPP
