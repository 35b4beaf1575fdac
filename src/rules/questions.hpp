// SPDX-License-Identifier: Apache-2.0
// Private: unknown factors and the questions that settle them; preparation and aftercare.
#ifndef MNSCREEN_SRC_RULES_QUESTIONS_HPP
#define MNSCREEN_SRC_RULES_QUESTIONS_HPP

#include <string>
#include <vector>

#include "facts.hpp"
#include "mnscreen/report.hpp"
#include "rules/engine.hpp"

namespace mnscreen::detail {

/// Questions for every factor this plan needs that the intake neither states nor denies, in
/// `question` order, into `out` (its contents replaced, `if_yes` empty; items already there are
/// overwritten in place, so a reused report keeps their strings' room).
void unknown_factors(const facts& f, std::vector<question_item>& out);

/// True if `unknown_factors(f)` would not be empty (without building the questions).
[[nodiscard]] bool has_unknown_factor(const facts& f);

/// Warnings for factors that are both present and denied (present wins).
[[nodiscard]] std::vector<diagnostic> contradictions(const facts& f);

/// Every advice text a policy can produce, built once per screener (the texts depend on the
/// policy's days, not on the patient), so that a screen only picks and copies them.
class advice_texts {
 public:
  explicit advice_texts(const policy& p);
  /// Preparation and aftercare for this plan and the advice its fired rules call for.
  /// Replaces the contents of `prep` and `aftercare`; strings already there are overwritten
  /// in place (a reused report keeps their capacity).
  void advise(const facts& f, advice_set wanted, std::vector<std::string>& prep,
              std::vector<std::string>& aftercare) const;

 private:
  std::vector<std::string> prep_always_, aftercare_always_;
  std::vector<std::string> anesthetic_prep_;  // by anesthetic value
  std::string prophylaxis_start_, prophylaxis_consider_, prophylaxis_continue_, supplements_,
      exfoliant_, acne_meds_, pigment_prep_, keloid_prep_, metal_prep_;
  std::vector<std::string> home_prep_;
  std::string hsv_after_, bleeding_after_, keloid_after_, healing_after_, sun_after_, smoker_after_,
      home_after_, scalp_after_;
};

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_RULES_QUESTIONS_HPP
