// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/rules.hpp
//
// The rule catalogue: one entry per stable rule id, with its trigger, effect, complications and
// evidence. docs/rules.md is generated from it (`mnscreen rules --format md`).
//
//   for (const auto& r : mnscreen::rule_catalogue()) std::cout << r.id << '\n';
//   const mnscreen::rule_info* r = mnscreen::find_rule("isotretinoin_recent");
#ifndef MNSCREEN_RULES_HPP
#define MNSCREEN_RULES_HPP

#include <span>
#include <string>
#include <string_view>

#include "mnscreen/export.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen {

/// A source behind a rule.
struct evidence_ref {
  std::string_view source;
  evidence_level level;
};

/// Catalogue entry of a rule.
struct rule_info {
  /// Stable snake_case id (clinical-spec.md), never reused.
  std::string_view id;
  /// Section of the spec: `skin`, `scarring`, `bleeding`, `healing`, `topicals`, `allergies`,
  /// `device`, `timing`.
  std::string_view family;
  /// When it fires, in words.
  std::string_view trigger;
  /// Its effect(s), in words (e.g. "defer; policy isotretinoin_current_effect while taking").
  std::string_view effect;
  std::span<const complication> complications;
  std::span<const evidence_ref> evidence;
};

/// Every rule, in catalogue order.
[[nodiscard]] MNSCREEN_EXPORT std::span<const rule_info> rule_catalogue() noexcept;

/// The rule with this id, or nullptr.
[[nodiscard]] MNSCREEN_EXPORT const rule_info* find_rule(std::string_view id) noexcept;

/// The catalogue as Markdown (docs/rules.md): per family, the catalogue table, then each
/// rule's plan scope, the policy settings it reads, the questions that leave it undecided and
/// whether its flag can be overridden.
[[nodiscard]] MNSCREEN_EXPORT std::string rules_markdown();

/// The catalogue as a JSON document.
[[nodiscard]] MNSCREEN_EXPORT std::string rules_json();

}  // namespace mnscreen

#endif  // MNSCREEN_RULES_HPP
