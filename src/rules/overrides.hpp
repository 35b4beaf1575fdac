// SPDX-License-Identifier: Apache-2.0
// Private: clinician overrides of flags (plan `overrides[]`) and the what-if screens that rank
// the questions (issue 11). See docs/api.md, "Overrides" and "Questions ranked by what they
// could change".
#ifndef MNSCREEN_SRC_RULES_OVERRIDES_HPP
#define MNSCREEN_SRC_RULES_OVERRIDES_HPP

#include <vector>

#include "facts.hpp"
#include "mnscreen/report.hpp"

namespace mnscreen::detail {

/// True when the policy refuses an override of this flag: a `do_not_treat` flag resting on
/// device labelling (`label` evidence) while `allow_override_do_not_treat` is false.
[[nodiscard]] bool override_refused(const policy& pol, enum effect e, bool label_evidence) noexcept;

/// Marks the flags the plan overrides (`flag::override_record`). An override of a rule that did
/// not fire adds an `override_not_fired` warning. When the policy refuses an override, nothing
/// is marked, an `override_refused` error naming the rule is added (path `$.overrides[i]`) and
/// the function returns false.
[[nodiscard]] bool apply_overrides(const procedure_plan& plan, const policy& pol,
                                   std::vector<flag>& flags, std::vector<diagnostic>& warnings);

/// Fills each question's `if_yes` with the decision of a what-if screen (the same record with a
/// representative positive value of its factor, the plan's overrides applied as the policy
/// allows) and orders the questions by it, most serious first (stable: ties keep `question`
/// order). `what_if` is room for the what-if record: its contents are replaced (a copy of the
/// record, then each question's factor added and taken out again), and one kept from screen to
/// screen keeps its lists' and strings' room.
void rank_questions(const facts& f, std::vector<question_item>& questions, intake& what_if);

/// Makes `x` the record of a what-if screen: adds to it a representative positive value of
/// factor `q` (docs/api.md lists them).
void add_factor_present(intake& x, const procedure_plan& plan, const policy& pol, question q);
/// The plan of that what-if screen (changed only for `single_use_needles`).
[[nodiscard]] procedure_plan plan_with_factor_present(const procedure_plan& plan, question q);

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_RULES_OVERRIDES_HPP
