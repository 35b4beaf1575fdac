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
// threads at once on one screener (so may `screen_into` and `screen_many`, each with its own
// output). It keeps no caches and reads no clock: the same inputs, policy and model give the
// same report.
#ifndef MNSCREEN_SCREENER_HPP
#define MNSCREEN_SCREENER_HPP

#include <memory>
#include <span>
#include <vector>

#include "mnscreen/explain.hpp"
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
  /// @throws mnscreen::error if `validate(pol)` reports an error (message lists them all).
  explicit screener(policy pol);
  /// @throws mnscreen::error as above.
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

  /// As `screen`, into an existing report: every field of `out` is replaced, and the result
  /// equals `screen(in, plan)`. A report reused across calls (one per thread) keeps the
  /// capacity of its lists and of some of its strings, so a loop that screens many patients
  /// one after another allocates less.
  void screen_into(const intake& in, const procedure_plan& plan, report& out) const;

  /// Screens many patients at once: `out[i]` equals `screen(intakes[i], plans[i])` (or
  /// `plans[0]` for every patient when `plans` holds one plan). The rules run per patient; the
  /// risk scores of the whole span are one product of the patients' feature matrix by the
  /// model's weights (`risk_model::score_batch`), which gives the same bits as scoring one at
  /// a time. Records that fail validation get their `cannot_screen` report as with `screen`.
  /// @throws mnscreen::error if `plans.size()` is neither `intakes.size()` nor 1.
  [[nodiscard]] std::vector<report> screen_many(std::span<const intake> intakes,
                                                std::span<const procedure_plan> plans) const;
  /// As above, into `out` (size `intakes.size()`; existing reports are reused as by
  /// `screen_into`). @throws mnscreen::error if a size does not match.
  void screen_many(std::span<const intake> intakes, std::span<const procedure_plan> plans,
                   std::span<report> out) const;

  /// Why each rule of the catalogue fired, stayed quiet, does not apply to this plan or waits
  /// on an unknown factor (docs/api.md, "Explain"). Runs the same check functions as `screen`
  /// (with a trace attached), so the `fired` rules are exactly `screen(in, plan).flags`.
  /// Costs about one screen plus one more run of every rule; `screen` does not pay for it.
  [[nodiscard]] explanation explain(const intake& in, const procedure_plan& plan) const;

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
