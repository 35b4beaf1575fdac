// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/fit.hpp
//
// Fitting the risk model to a clinic's recorded outcomes: outcome records (`mnscreen.outcome/1`,
// JSON Lines), penalised logistic regression centred on the priors, cross-validated evaluation,
// model files, an HTML fit report and a synthetic outcome generator.
//
//   auto file = mnscreen::parse_outcomes(jsonl_text);            // bad lines are in file.skipped
//   auto set = mnscreen::make_training_set(file.records, mnscreen::policy{});
//   mnscreen::fit_options opt;
//   opt.name = "clinic-a";
//   opt.fitted_on = mnscreen::parse_date("2026-11-25");
//   mnscreen::fit_result fit = mnscreen::fit_risk_model(set, opt);
//   std::string model_json = mnscreen::to_json(mnscreen::make_model_file(fit));
//   mnscreen::screener s{mnscreen::policy{}, mnscreen::load_risk_model(model_json)};
//
// @par Thread safety
// Every function here is pure: it reads its arguments and returns a value. Random draws use a
// seeded std::mt19937_64 with distributions implemented here, so results are the same on every
// platform and standard library.
#ifndef MNSCREEN_FIT_HPP
#define MNSCREEN_FIT_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mnscreen/dates.hpp"
#include "mnscreen/diagnostic.hpp"
#include "mnscreen/export.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/patient.hpp"
#include "mnscreen/policy.hpp"
#include "mnscreen/procedure.hpp"
#include "mnscreen/risk_model.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen {

// --- outcome records ---------------------------------------------------------------------------

/// One session and what happened after it (`mnscreen.outcome/1`).
struct outcome_record {
  intake record;
  procedure_plan plan;
  /// Per complication (in `complication` order): `yes` = it happened, `no` = it did not,
  /// `unknown` = not recorded.
  std::array<known, complication_count> outcomes{};

  friend bool operator==(const outcome_record&, const outcome_record&) = default;
};

/// A line of an outcome file that was not used.
struct outcome_line_problem {
  /// 1-based line number.
  std::size_t line = 0;
  std::string reason;

  friend bool operator==(const outcome_line_problem&, const outcome_line_problem&) = default;
};

/// The readable records of an outcome file, and the lines that were skipped.
struct outcome_file {
  std::vector<outcome_record> records;
  /// Bad lines (malformed JSON, wrong schema, an intake or plan with errors, no outcomes...),
  /// with their line number and reason. Blank lines are neither used nor skipped.
  std::vector<outcome_line_problem> skipped;
  /// Non-blocking problems of used lines (unknown keys...), with their line number.
  std::vector<outcome_line_problem> warnings;
};

/// Reads JSON Lines: one outcome object per line. Each line is read under `limits` (the size
/// limit applies per line). Never throws on bad data: bad lines go to `skipped`.
[[nodiscard]] MNSCREEN_EXPORT outcome_file parse_outcomes(std::string_view jsonl,
                                                          const read_limits& limits = {});

/// One outcome record as one line of JSON (no trailing newline); `parse_outcomes` reads it back.
[[nodiscard]] MNSCREEN_EXPORT std::string to_json_line(const outcome_record& r);

// --- training data -----------------------------------------------------------------------------

/// Outcome code in a training set: event, no event, or not recorded (the row is left out of
/// that complication's fit).
inline constexpr std::int8_t outcome_event = 1;
inline constexpr std::int8_t outcome_no_event = 0;
inline constexpr std::int8_t outcome_not_recorded = -1;

/// Features and outcomes as matrices.
struct training_set {
  std::size_t rows = 0;
  /// Row-major rows x `risk_features().size()`.
  std::vector<double> features;
  /// Row-major rows x `complication_count`: `outcome_event`, `outcome_no_event` or
  /// `outcome_not_recorded`.
  std::vector<std::int8_t> outcomes;
};

/// The feature vector of every record (`risk_feature_vector`) and its outcomes.
[[nodiscard]] MNSCREEN_EXPORT training_set
make_training_set(std::span<const outcome_record> records, const policy& pol);

// --- fitting -------------------------------------------------------------------------------

struct fit_options {
  /// Precision (1 / variance) of the Gaussian prior on every coefficient, centred on `centre`'s
  /// coefficients. 0 = plain maximum likelihood; larger = stay closer to the centre.
  double penalty = 1.0;
  /// Folds of the cross-validation; 0 or 1 = no cross-validation.
  std::size_t folds = 5;
  int max_iterations = 50;
  /// Converged when the largest Newton step is below this (log-odds units).
  double tolerance = 1e-8;
  /// Seed of the fold assignment.
  std::uint64_t seed = 20261125;
  /// Model name, fitted date and centre of the prior. The library never reads the clock.
  std::string name = "clinic";
  std::optional<date> fitted_on;
  risk_model centre = risk_model::prior();
};

/// Why a complication's fit ended.
enum class fit_status : std::uint8_t {
  /// Fitted; coefficients are the penalised estimates.
  converged,
  /// The outcomes are perfectly separated and the estimates diverge (no penalty): the centre's
  /// coefficients were kept.
  separation,
  /// Fewer than 5 events or 5 non-events: the centre's coefficients were kept.
  too_few_events,
  /// No convergence within `max_iterations`: the centre's coefficients were kept.
  not_converged
};

[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(fit_status s) noexcept;

/// One coefficient of a fit.
struct coefficient_estimate {
  /// `intercept` or a feature name.
  std::string name;
  double value = 0.0;
  /// The centre of its prior.
  double prior = 0.0;
  /// Standard error from the penalised information matrix. NaN when the complication kept its
  /// prior (not fitted); infinite for a feature absent from the data when the penalty is 0.
  double std_error = 0.0;
  double lower95 = 0.0;
  double upper95 = 0.0;
};

/// One point of a calibration plot: a decile of predicted risk.
struct calibration_bin {
  std::size_t count = 0;
  double mean_predicted = 0.0;
  double observed = 0.0;
};

/// One point of a ROC curve.
struct roc_point {
  double false_positive_rate = 0.0;
  double true_positive_rate = 0.0;
};

/// How well predicted probabilities match outcomes.
struct evaluation {
  std::size_t records = 0;
  std::size_t events = 0;
  /// Area under the ROC curve (ties count 1/2) and its 95% interval (DeLong variance). NaN when
  /// there are no events or no non-events.
  double auc = 0.0;
  double auc_lower95 = 0.0;
  double auc_upper95 = 0.0;
  /// Mean squared difference of prediction and outcome.
  double brier = 0.0;
  /// Calibration in the large: `a` of logit P(y) = a + logit(p) (0 is ideal).
  double calibration_intercept = 0.0;
  /// `b` of logit P(y) = a + b logit(p) (1 is ideal; < 1 = predictions too extreme).
  double calibration_slope = 0.0;
  /// Events divided by the number of candidate features.
  double events_per_variable = 0.0;
  /// Ten bins of equal count by predicted risk (fewer when there are fewer records).
  std::vector<calibration_bin> calibration;
  /// From (0, 0) to (1, 1), one point per distinct prediction.
  std::vector<roc_point> roc;
};

/// Evaluates predictions against outcomes; rows with `outcome_not_recorded` are left out.
/// `variables` is the number of candidate features (for events per variable).
/// @throws mnscreen::error if the sizes differ or a prediction is outside [0, 1].
[[nodiscard]] MNSCREEN_EXPORT evaluation evaluate_predictions(std::span<const double> predicted,
                                                              std::span<const std::int8_t> observed,
                                                              std::size_t variables);

/// The fit of one complication.
struct complication_fit {
  enum complication complication {};
  fit_status status = fit_status::converged;
  /// Why the fit ended, in words (`converged in 6 iterations`, the separating features...).
  std::string message;
  /// Records with this outcome recorded, and events among them.
  std::size_t records = 0;
  std::size_t events = 0;
  int iterations = 0;
  /// Intercept, then one per feature.
  std::vector<coefficient_estimate> coefficients;
  /// Cross-validated (out-of-fold) evaluation, when folds >= 2 and the fit converged.
  std::optional<evaluation> cross_validation;
  /// E.g. fewer than 10 events per variable or fewer than 20 events; quasi-separation.
  std::vector<std::string> warnings;
};

/// A fitted model and everything said about it.
struct fit_result {
  risk_model model;
  std::string name;
  std::optional<date> fitted_on;
  /// Training rows.
  std::size_t records_used = 0;
  double penalty = 0.0;
  std::size_t folds = 0;
  /// One per complication, in `complication` order.
  std::vector<complication_fit> complications;
};

/// Fits every complication by Newton-Raphson (IRLS) on the penalised log-likelihood
/// `sum log L - penalty/2 * |b - centre|^2`, then evaluates by k-fold cross-validation.
/// A complication that cannot be fitted keeps the centre's coefficients and says why.
/// @throws mnscreen::error if the training set's sizes are inconsistent, the penalty is
/// negative or not finite.
[[nodiscard]] MNSCREEN_EXPORT fit_result fit_risk_model(const training_set& data,
                                                        const fit_options& options = {});

/// The model label of a fitted model: `NAME (fitted YYYY-MM-DD on N records)`.
[[nodiscard]] MNSCREEN_EXPORT std::string fitted_model_label(std::string_view name,
                                                             const std::optional<date>& fitted_on,
                                                             std::size_t records_used);

/// A self-contained HTML page (inline SVG, no script): per complication the coefficients with
/// intervals, the cross-validated metrics and warnings, a calibration plot and a ROC curve.
[[nodiscard]] MNSCREEN_EXPORT std::string fit_report_html(const fit_result& fit);

// --- model files ---------------------------------------------------------------------------

/// A model file (`mnscreen.model/1`): the coefficients with the feature names they belong to.
struct model_file {
  std::string name;
  std::optional<date> fitted_on;
  std::size_t records_used = 0;
  /// Knowledge version whose features the model uses.
  std::string knowledge_version;
  /// Row-major complications x (1 + features), as `risk_model::coefficients()`.
  std::vector<double> coefficients;
  /// Same shape as `coefficients`, or empty when not known. NaN (JSON `null`) = not estimated
  /// (a complication that kept its prior, or a feature absent from unpenalised data).
  std::vector<double> std_errors;
};

/// The model file of a fit.
[[nodiscard]] MNSCREEN_EXPORT model_file make_model_file(const fit_result& fit);

/// Reads a model file. A file whose feature list differs from this version's
/// (`risk_features()`: same names in the same order), or with missing, extra or non-finite
/// coefficients, is an error naming what differs.
[[nodiscard]] MNSCREEN_EXPORT parse_result<model_file> parse_model_file(
    std::string_view text, const read_limits& limits = {});

/// Writes a model file (one JSON object, pretty enough to diff: one complication per line).
[[nodiscard]] MNSCREEN_EXPORT std::string to_json(const model_file& m);

/// The risk model of a model file, labelled with `fitted_model_label`.
/// @throws mnscreen::error if the coefficients do not have the model's shape.
[[nodiscard]] MNSCREEN_EXPORT risk_model to_risk_model(const model_file& m);

/// Reads a model file and builds its risk model.
/// @throws mnscreen::error carrying the first error if the file cannot be used.
[[nodiscard]] MNSCREEN_EXPORT risk_model load_risk_model(std::string_view text);

// --- synthetic outcomes --------------------------------------------------------------------

/// Draws `n` realistic sessions (patients, plans) and their outcomes from the probabilities of
/// `truth` (every outcome recorded). Deterministic for a given seed. Plan dates start at
/// 2026-01-05 and advance one day per 50 records.
[[nodiscard]] MNSCREEN_EXPORT std::vector<outcome_record> simulate_outcomes(const risk_model& truth,
                                                                            std::size_t n,
                                                                            std::uint64_t seed,
                                                                            const policy& pol = {});

}  // namespace mnscreen

#endif  // MNSCREEN_FIT_HPP
