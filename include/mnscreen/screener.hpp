// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/screener.hpp
//
// The screener applies every rule of the catalogue to an intake and a plan.
//
//   const mnscreen::screener s;                        // default policy, prior risk model
//   mnscreen::report r = s.screen(in, plan);           // the plan's date is the screening date
//
// @par Thread safety
// A screener is immutable after construction; `screen` is const and may be called from many
// threads at once on one screener. It keeps no caches and reads no clock: the same inputs,
// policy and model give the same report.
#ifndef MNSCREEN_SCREENER_HPP
#define MNSCREEN_SCREENER_HPP

#include <memory>

#include "mnscreen/export.hpp"
#include "mnscreen/patient.hpp"
#include "mnscreen/policy.hpp"
#include "mnscreen/procedure.hpp"
#include "mnscreen/report.hpp"
#include "mnscreen/risk_model.hpp"

namespace mnscreen {

class MNSCREEN_EXPORT screener {
 public:
  /// A screener with the cited default policy and the prior risk model.
  screener();
  /// @throws std::invalid_argument if `validate(pol)` reports an error (message lists them all).
  explicit screener(policy pol);
  /// @throws std::invalid_argument as above.
  screener(policy pol, risk_model model);

  screener(const screener&);
  screener(screener&&) noexcept;
  screener& operator=(const screener&);
  screener& operator=(screener&&) noexcept;
  ~screener();

  /// Screens one patient for one plan. Inputs are validated first: a plan or intake that
  /// violates the format's ranges (empty areas, depth outside (0, 4] mm, Fitzpatrick outside
  /// 1..6, a stop before a start, a lab outside its range…) gives `decision::cannot_screen`
  /// with every problem in `warnings`, never a guess.
  [[nodiscard]] report screen(const intake& in, const procedure_plan& plan) const;

  [[nodiscard]] const policy& active_policy() const noexcept;
  [[nodiscard]] const risk_model& model() const noexcept;

 private:
  struct impl;
  std::shared_ptr<const impl> impl_;
};

/// Validates an intake against the format's ranges and the plan date (paths as in JSON).
[[nodiscard]] MNSCREEN_EXPORT std::vector<diagnostic> validate(const intake& in);
/// Validates a plan against the format's ranges.
[[nodiscard]] MNSCREEN_EXPORT std::vector<diagnostic> validate(const procedure_plan& plan);

}  // namespace mnscreen

#endif  // MNSCREEN_SCREENER_HPP
