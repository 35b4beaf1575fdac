// SPDX-License-Identifier: Apache-2.0
// Private: the explanation of one screen (issue 11). See docs/architecture.md, "Explain".
#ifndef MNSCREEN_SRC_RULES_EXPLAIN_HPP
#define MNSCREEN_SRC_RULES_EXPLAIN_HPP

#include "mnscreen/explain.hpp"
#include "mnscreen/patient.hpp"
#include "mnscreen/procedure.hpp"

namespace mnscreen::detail {

/// Fills `out.rules` (one entry per rule, in catalogue order) by running every rule's check
/// function again with a trace attached to the record accessors; `rep` is the report of the
/// same screen (its flags and questions).
void explain_rules(const intake& in, const procedure_plan& plan, const policy& pol,
                   const report& rep, explanation& out);

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_RULES_EXPLAIN_HPP
