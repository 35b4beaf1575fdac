// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/risk_model.hpp
//
// Per-complication logistic risk model: score = sigmoid(b0 + sum b_i x_i). The feature vector is
// built by one function (`risk_feature_vector`), used both for scoring and for fitting. The
// default coefficients are expert-derived priors (clinical-spec.md "Risk scores";
// docs/risk-model.md gives the figure behind each). Fitting a clinic's own coefficients on
// recorded outcomes, model files and evaluation: mnscreen/fit.hpp.
//
//   const auto m = mnscreen::risk_model::prior();
//   std::vector<double> x = mnscreen::risk_feature_vector(in, plan, mnscreen::policy{});
//   std::vector<mnscreen::risk_score> risks = m.score(x, mnscreen::policy{});
#ifndef MNSCREEN_RISK_MODEL_HPP
#define MNSCREEN_RISK_MODEL_HPP

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mnscreen/export.hpp"
#include "mnscreen/patient.hpp"
#include "mnscreen/policy.hpp"
#include "mnscreen/procedure.hpp"
#include "mnscreen/report.hpp"

namespace mnscreen {

/// Number of complications (risk scores are always given for all of them).
inline constexpr std::size_t complication_count = 7;

/// One feature of the risk model.
struct feature_info {
  std::string_view name;
  std::string_view description;
};

/// The features, in vector order.
[[nodiscard]] MNSCREEN_EXPORT std::span<const feature_info> risk_features() noexcept;

/// The feature vector of a patient and plan (size `risk_features().size()`). Unknown facts
/// contribute 0 (the report's questions say what is unknown).
[[nodiscard]] MNSCREEN_EXPORT std::vector<double> risk_feature_vector(const intake& in,
                                                                      const procedure_plan& plan,
                                                                      const policy& pol);

/// Coefficients for every complication, plus provenance. Immutable; cheap to copy (shared).
class MNSCREEN_EXPORT risk_model {
 public:
  /// Model from coefficients. `coefficients` is row-major, complications × (1 + features):
  /// column 0 is the intercept. `label` is what reports print as `model`.
  /// @throws mnscreen::error if the size does not match or a value is not finite.
  risk_model(std::string label, std::vector<double> coefficients);

  /// The expert-derived priors of knowledge version 2026.2.
  [[nodiscard]] static risk_model prior();

  [[nodiscard]] const std::string& label() const noexcept;
  [[nodiscard]] double intercept(complication c) const noexcept;
  [[nodiscard]] double weight(complication c, std::size_t feature) const noexcept;
  /// Row-major complications × (1 + features). The span views this model's storage: it is
  /// valid while this model or a copy of it exists (not past a temporary:
  /// `risk_model::prior().coefficients()` dangles at the end of the full expression).
  [[nodiscard]] std::span<const double> coefficients() const noexcept;

  /// Scores of the reference patient for the area group of `features` (clinical-spec
  /// "Reference and relative risk"): this model's scores with every feature off except the
  /// area-group features (`face_area`, `scalp_area`, `body_area`), which keep their values.
  /// For the prior model these are the base probabilities (hsv_reactivation: 0.01 with a face
  /// area, 0.002 without). Computed once per model.
  /// @throws mnscreen::error if the size does not match.
  [[nodiscard]] std::array<double, complication_count> reference_scores(
      std::span<const double> features) const;

  /// Scores of all seven complications for one feature vector, with the reference patient's
  /// score and the relative risk (score / reference), bands from the policy (the more serious
  /// of the absolute and the relative band) and drivers (features with a positive
  /// contribution), largest first.
  [[nodiscard]] std::vector<risk_score> score(std::span<const double> features,
                                              const policy& pol) const;

  /// Probabilities for many patients at once: one product of the patients × features matrix
  /// by the weights. `features` is row-major patients × features; `out` receives row-major
  /// patients × complications. Each patient's probabilities are the same bits as `score` gives
  /// for that patient alone (same summation order, same logistic), wherever the patient is in
  /// the batch; `screener::screen_many` relies on it.
  /// @throws mnscreen::error if the sizes do not match.
  void score_batch(std::span<const double> features, std::span<double> out) const;

 private:
  struct data;
  std::shared_ptr<const data> data_;
};

}  // namespace mnscreen

#endif  // MNSCREEN_RISK_MODEL_HPP
