// SPDX-License-Identifier: Apache-2.0
// Penalised logistic regression by Newton-Raphson (IRLS) with Eigen, per complication, with a
// Gaussian prior centred on the prior coefficients, and k-fold cross-validated evaluation.
#include "mnscreen/fit.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "mnscreen/diagnostic.hpp"
#include "model/evaluate.hpp"
#include "model/features.hpp"
#include "model/random.hpp"

namespace mnscreen {
namespace {

using Eigen::Index;
using matrix = Eigen::MatrixXd;
using vector = Eigen::VectorXd;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr auto n_columns = static_cast<Index>(detail::coefficient_columns);

// Fewer events (or non-events) than this: no fit, the centre is kept.
constexpr std::size_t min_events_to_fit = 5;
// Warnings of issue 5 (Peduzzi et al. 1996; Riley et al. 2019).
constexpr std::size_t min_events_warning = 20;
constexpr double min_events_per_variable = 10.0;
// Without a penalty, a coefficient beyond this (an odds ratio above e^25) means the likelihood
// has no finite maximum: the outcomes are separated.
constexpr double separation_bound = 25.0;

// Design matrix (rows x (1 + features), column 0 = 1) and outcomes of the selected rows. Most
// features are rare binary factors, so the matrix is stored sparse (row-major): an information
// matrix then costs sum over rows of (non-zeros per row)^2 instead of rows x columns^2.
using sparse_rows = Eigen::SparseMatrix<double, Eigen::RowMajor>;

sparse_rows make_rows(const training_set& t, std::span<const std::size_t> rows) {
  sparse_rows x(static_cast<Index>(rows.size()), n_columns);
  std::size_t nonzeros = rows.size();
  for (std::size_t src : rows) {
    const double* row = t.features.data() + src * detail::feature_count;
    for (std::size_t j = 0; j < detail::feature_count; ++j) nonzeros += row[j] != 0.0 ? 1 : 0;
  }
  x.reserve(static_cast<Index>(nonzeros));
  for (Index r = 0; r < x.rows(); ++r) {
    const double* row =
        t.features.data() + rows[static_cast<std::size_t>(r)] * detail::feature_count;
    x.startVec(r);
    x.insertBack(r, 0) = 1.0;
    for (Index j = 1; j < n_columns; ++j) {
      if (row[j - 1] != 0.0) x.insertBack(r, j) = row[j - 1];
    }
  }
  x.finalize();
  return x;
}

vector make_outcomes(const training_set& t, std::span<const std::size_t> rows, std::size_t k) {
  vector y(static_cast<Index>(rows.size()));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    y(static_cast<Index>(r)) =
        t.outcomes[rows[r] * complication_count + k] == outcome_event ? 1.0 : 0.0;
  }
  return y;
}

// log(1 + e^eta) without overflow.
double log1p_exp(double eta) noexcept {
  return eta > 0 ? eta + std::log1p(std::exp(-eta)) : std::log1p(std::exp(eta));
}

double penalised_log_likelihood(const vector& eta, const vector& y, const vector& beta,
                                const vector& centre, double lambda) {
  double ll = 0.0;
  for (Index i = 0; i < eta.size(); ++i) ll += y(i) * eta(i) - log1p_exp(eta(i));
  return ll - 0.5 * lambda * (beta - centre).squaredNorm();
}

struct irls_outcome {
  fit_status status = fit_status::converged;
  std::string message;
  int iterations = 0;
  vector beta;
  vector std_error;
};

std::string feature_name(Index column) {
  if (column == 0) return "intercept";
  return std::string(risk_features()[static_cast<std::size_t>(column - 1)].name);
}

// The columns with the largest |coefficient - centre|, named, for separation messages.
std::string largest_coefficients(const vector& beta, const vector& centre) {
  std::vector<std::pair<double, Index>> d;
  for (Index j = 0; j < beta.size(); ++j) d.emplace_back(std::abs(beta(j) - centre(j)), j);
  std::sort(d.begin(), d.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  std::string s;
  for (std::size_t i = 0; i < d.size() && i < 3; ++i) {
    if (i > 0) s += ", ";
    s += feature_name(d[i].second);
  }
  return s;
}

// X' diag(w) X (lower triangle): the weighted outer products of the rows' non-zeros.
void information(const sparse_rows& x, const vector& w, matrix& h) {
  h.setZero();
  const auto* outer = x.outerIndexPtr();
  const auto* inner = x.innerIndexPtr();
  const double* value = x.valuePtr();
  for (Index r = 0; r < x.outerSize(); ++r) {
    const double wr = w(r);
    const Index begin = outer[r];
    const Index end = outer[r + 1];
    for (Index a = begin; a < end; ++a) {
      const double wa = wr * value[a];
      double* column = h.data() + inner[a];  // h(inner[a], .) in a column-major matrix
      for (Index b = begin; b <= a; ++b) column[inner[b] * h.rows()] += wa * value[b];
    }
  }
}

irls_outcome irls(const sparse_rows& x, const vector& y, const vector& centre, double lambda,
                  const fit_options& o) {
  irls_outcome out;
  const Index p = x.cols();
  // Without a penalty, a feature absent from the data has no information: it stays at the
  // centre and has an infinite standard error.
  std::vector<bool> fixed(static_cast<std::size_t>(p), false);
  if (lambda == 0.0) {
    for (Index j = 1; j < p; ++j) fixed[static_cast<std::size_t>(j)] = true;
    for (Index a = 0; a < x.nonZeros(); ++a)
      fixed[static_cast<std::size_t>(x.innerIndexPtr()[a])] = false;
  }
  vector beta = centre;
  vector eta = x * beta;
  double objective = penalised_log_likelihood(eta, y, beta, centre, lambda);
  matrix h(p, p);
  vector prob(y.size());
  vector w(y.size());
  bool converged = false;
  // Probabilities, weights and the penalised information matrix at the current eta.
  const auto prepare = [&]() {
    prob = eta.array().logistic().matrix();
    w = (prob.array() * (1.0 - prob.array())).matrix();
    information(x, w, h);
    for (Index j = 0; j < p; ++j) {
      h(j, j) += lambda;
      if (fixed[static_cast<std::size_t>(j)]) h(j, j) = 1.0;
    }
  };
  for (int it = 1; it <= o.max_iterations; ++it) {
    out.iterations = it;
    prepare();
    vector g = x.transpose() * (y - prob) - lambda * (beta - centre);
    for (Index j = 0; j < p; ++j)
      if (fixed[static_cast<std::size_t>(j)]) g(j) = 0.0;
    const Eigen::LDLT<matrix, Eigen::Lower> ldlt(h);
    const vector step = ldlt.solve(g);
    if (ldlt.info() != Eigen::Success || !step.allFinite() ||
        (lambda == 0.0 && ldlt.rcond() < 1e-14)) {
      out.status = fit_status::not_converged;
      out.message =
          "the information matrix is singular (features collinear in these data; "
          "use a penalty > 0)";
      return out;
    }
    // Step halving keeps every iteration an ascent of the penalised likelihood.
    double t = 1.0;
    vector candidate = beta + step;
    vector eta_c = x * candidate;
    double obj_c = penalised_log_likelihood(eta_c, y, candidate, centre, lambda);
    for (int halving = 0; halving < 40 && !(obj_c >= objective - 1e-12 * std::abs(objective));
         ++halving) {
      t /= 2.0;
      candidate = beta + t * step;
      eta_c = x * candidate;
      obj_c = penalised_log_likelihood(eta_c, y, candidate, centre, lambda);
    }
    const double moved = (t * step).cwiseAbs().maxCoeff();
    beta = std::move(candidate);
    eta = std::move(eta_c);
    objective = obj_c;
    if (lambda == 0.0 && beta.cwiseAbs().maxCoeff() > separation_bound) {
      out.status = fit_status::separation;
      out.message =
          "the outcomes are separated: the likelihood has no finite maximum "
          "(coefficients diverging: " +
          largest_coefficients(beta, centre) + "); use a penalty > 0";
      return out;
    }
    if (moved < o.tolerance) {
      converged = true;
      break;
    }
  }
  if (!converged) {
    out.status = fit_status::not_converged;
    out.message = "no convergence in " + std::to_string(o.max_iterations) + " iterations";
    return out;
  }
  prepare();
  const Eigen::LDLT<matrix, Eigen::Lower> ldlt(h);
  const matrix cov = ldlt.solve(matrix::Identity(p, p));
  out.std_error = cov.diagonal().array().sqrt().matrix();
  for (Index j = 0; j < p; ++j)
    if (fixed[static_cast<std::size_t>(j)]) out.std_error(j) = infinity;
  out.beta = std::move(beta);
  out.message = "converged in " + std::to_string(out.iterations) + " iterations";
  // Complete separation with a penalty: the estimates are finite only because of the prior.
  if (lambda > 0.0) {
    double min_event = infinity;
    double max_none = -infinity;
    for (Index i = 0; i < eta.size(); ++i) {
      if (y(i) > 0.5) {
        min_event = std::min(min_event, eta(i));
      } else {
        max_none = std::max(max_none, eta(i));
      }
    }
    if (min_event > max_none) {
      out.message +=
          "; the outcomes are perfectly separated by the features, so the "
          "estimates rest on the penalty";
    }
  }
  return out;
}

vector centre_row(const risk_model& m, std::size_t k) {
  vector c(n_columns);
  const auto coef = m.coefficients();
  for (Index j = 0; j < n_columns; ++j)
    c(j) = coef[k * detail::coefficient_columns + static_cast<std::size_t>(j)];
  return c;
}

double predict(const training_set& t, std::size_t row, const vector& beta) {
  const double* x = t.features.data() + row * detail::feature_count;
  double eta = beta(0);
  for (Index j = 1; j < n_columns; ++j) eta += beta(j) * x[j - 1];
  return eta >= 0 ? 1.0 / (1.0 + std::exp(-eta)) : std::exp(eta) / (1.0 + std::exp(eta));
}

std::string format_number(double v, int decimals) {
  if (std::isnan(v)) return "n/a";
  const double scale = std::pow(10.0, decimals);
  const double r = std::round(v * scale) / scale;
  std::string s = std::to_string(r);
  const auto dot = s.find('.');
  if (dot != std::string::npos) s.resize(dot + static_cast<std::size_t>(decimals) + 1);
  return s;
}

// Out-of-fold predictions of a stratified k-fold cross-validation.
std::optional<evaluation> cross_validate(const training_set& t,
                                         const std::vector<std::size_t>& rows, std::size_t k,
                                         const vector& centre, double lambda, const fit_options& o,
                                         std::vector<std::string>& warn) {
  std::vector<std::size_t> events;
  std::vector<std::size_t> none;
  for (std::size_t r : rows)
    (t.outcomes[r * complication_count + k] == outcome_event ? events : none).push_back(r);
  if (events.size() < o.folds || none.size() < o.folds) {
    warn.push_back("no cross-validation: fewer events or non-events than folds");
    return std::nullopt;
  }
  detail::random_source rng(o.seed + k);
  rng.shuffle(std::span<std::size_t>(events));
  rng.shuffle(std::span<std::size_t>(none));
  std::vector<std::size_t> fold_of(t.rows, 0);
  for (std::size_t i = 0; i < events.size(); ++i) fold_of[events[i]] = i % o.folds;
  for (std::size_t i = 0; i < none.size(); ++i) fold_of[none[i]] = i % o.folds;

  std::vector<double> predicted;
  std::vector<std::int8_t> observed;
  predicted.reserve(rows.size());
  observed.reserve(rows.size());
  std::size_t failed = 0;
  for (std::size_t f = 0; f < o.folds; ++f) {
    std::vector<std::size_t> train;
    std::vector<std::size_t> test;
    for (std::size_t r : rows) (fold_of[r] == f ? test : train).push_back(r);
    const irls_outcome fit =
        irls(make_rows(t, train), make_outcomes(t, train, k), centre, lambda, o);
    const vector& beta = fit.status == fit_status::converged ? fit.beta : centre;
    if (fit.status != fit_status::converged) ++failed;
    for (std::size_t r : test) {
      predicted.push_back(predict(t, r, beta));
      observed.push_back(t.outcomes[r * complication_count + k]);
    }
  }
  if (failed > 0) {
    warn.push_back("cross-validation: " + std::to_string(failed) + " of " +
                   std::to_string(o.folds) + " fold fits did not converge (centre used)");
  }
  // Out-of-fold predictions come back grouped by fold; evaluation does not depend on order.
  return evaluate_predictions(predicted, observed, detail::feature_count);
}

}  // namespace

std::string_view to_string(fit_status s) noexcept {
  switch (s) {
    case fit_status::converged:
      return "converged";
    case fit_status::separation:
      return "separation";
    case fit_status::too_few_events:
      return "too_few_events";
    case fit_status::not_converged:
      return "not_converged";
  }
  return "not_converged";
}

fit_result fit_risk_model(const training_set& data, const fit_options& options) {
  if (data.features.size() != data.rows * detail::feature_count ||
      data.outcomes.size() != data.rows * complication_count) {
    throw mnscreen::error(
        "mnscreen: fit_risk_model: the training set's matrices do not "
        "have rows x features and rows x complications values");
  }
  if (!(options.penalty >= 0.0) || !std::isfinite(options.penalty)) {
    throw mnscreen::error("mnscreen: fit_risk_model: the penalty must be finite and >= 0");
  }
  if (options.max_iterations < 1 || !(options.tolerance > 0.0)) {
    throw mnscreen::error(
        "mnscreen: fit_risk_model: max_iterations must be >= 1 and the "
        "tolerance > 0");
  }
  const double lambda = options.penalty;
  const double z = detail::normal_quantile_975();
  std::vector<double> coefficients(options.centre.coefficients().begin(),
                                   options.centre.coefficients().end());
  fit_result result{
      options.centre, options.name, options.fitted_on, data.rows, lambda, options.folds, {}};

  // The design matrix of all rows, shared by every complication whose outcome is always recorded.
  std::vector<std::size_t> every_row(data.rows);
  for (std::size_t r = 0; r < data.rows; ++r) every_row[r] = r;
  const sparse_rows all = make_rows(data, every_row);

  for (std::size_t k = 0; k < complication_count; ++k) {
    complication_fit cf;
    cf.complication = static_cast<complication>(k);
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < data.rows; ++r) {
      const std::int8_t o = data.outcomes[r * complication_count + k];
      if (o == outcome_not_recorded) continue;
      rows.push_back(r);
      if (o == outcome_event) ++cf.events;
    }
    cf.records = rows.size();
    const vector centre = centre_row(options.centre, k);
    const std::size_t non_events = cf.records - cf.events;

    irls_outcome fit;
    if (cf.events < min_events_to_fit || non_events < min_events_to_fit) {
      fit.status = fit_status::too_few_events;
      fit.message = std::to_string(cf.events) + " events and " + std::to_string(non_events) +
                    " non-events (at least " + std::to_string(min_events_to_fit) +
                    " of each are needed): the prior coefficients were kept";
    } else {
      const sparse_rows subset = rows.size() == data.rows ? sparse_rows() : make_rows(data, rows);
      fit = irls(rows.size() == data.rows ? all : subset, make_outcomes(data, rows, k), centre,
                 lambda, options);
      if (fit.status != fit_status::converged) fit.message += ": the prior coefficients were kept";
    }
    cf.status = fit.status;
    cf.message = fit.message;
    cf.iterations = fit.iterations;
    const bool ok = fit.status == fit_status::converged;
    for (Index j = 0; j < n_columns; ++j) {
      coefficient_estimate e;
      e.name = feature_name(j);
      e.prior = centre(j);
      e.value = ok ? fit.beta(j) : centre(j);
      e.std_error = ok ? fit.std_error(j) : nan;
      e.lower95 = e.value - z * e.std_error;
      e.upper95 = e.value + z * e.std_error;
      cf.coefficients.push_back(std::move(e));
      coefficients[k * detail::coefficient_columns + static_cast<std::size_t>(j)] =
          cf.coefficients.back().value;
    }
    if (cf.events < min_events_warning) {
      cf.warnings.push_back("only " + std::to_string(cf.events) +
                            " events (fewer than 20): estimates are unreliable");
    }
    const double epv = static_cast<double>(cf.events) / static_cast<double>(detail::feature_count);
    if (epv < min_events_per_variable) {
      cf.warnings.push_back(format_number(epv, 2) + " events per variable (fewer than 10 for " +
                            std::to_string(detail::feature_count) +
                            " features): expect over-fitting; the penalty limits it");
    }
    if (ok && options.folds >= 2) {
      cf.cross_validation = cross_validate(data, rows, k, centre, lambda, options, cf.warnings);
    }
    result.complications.push_back(std::move(cf));
  }
  result.model = risk_model(fitted_model_label(options.name, options.fitted_on, data.rows),
                            std::move(coefficients));
  return result;
}

}  // namespace mnscreen
