// SPDX-License-Identifier: Apache-2.0
// Private: unknown factors and the questions that settle them; preparation and aftercare.
#ifndef MNSCREEN_SRC_RULES_QUESTIONS_HPP
#define MNSCREEN_SRC_RULES_QUESTIONS_HPP

#include <string>
#include <vector>

#include "facts.hpp"
#include "mnscreen/report.hpp"

namespace mnscreen::detail {

/// Questions for every factor this plan needs that the intake neither states nor denies, in
/// `question` order.
[[nodiscard]] std::vector<question_item> unknown_factors(const facts& f);

/// Warnings for factors that are both present and denied (present wins).
[[nodiscard]] std::vector<diagnostic> contradictions(const facts& f);

/// Preparation and aftercare advice tailored to the plan and the flags.
void advise(const facts& f, const std::vector<flag>& flags, std::vector<std::string>& prep,
            std::vector<std::string>& aftercare);

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_RULES_QUESTIONS_HPP
