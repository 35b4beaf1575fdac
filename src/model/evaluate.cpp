// SPDX-License-Identifier: Apache-2.0
// Discrimination and calibration of predicted probabilities: AUC with a DeLong interval, Brier
// score, calibration intercept and slope (logistic recalibration), deciles and ROC points.
#include "mnscreen/fit.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "mnscreen/diagnostic.hpp"
#include "model/evaluate.hpp"

namespace mnscreen {
namespace detail {

double normal_quantile_975() {
  static_assert(std::numeric_limits<double>::is_iec559);
  return boost::math::quantile(boost::math::normal_distribution<double>(0.0, 1.0), 0.975);
}

}  // namespace detail

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Midranks (1-based, ties get their average rank) of v.
std::vector<double> midranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> rank(v.size());
  std::size_t i = 0;
  while (i < order.size()) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double r = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) rank[order[k]] = r;
    i = j + 1;
  }
  return rank;
}

struct auc_estimate {
  double auc = nan;
  double lower = nan;
  double upper = nan;
};

// DeLong, DeLong & Clarke-Pearson (1988) with the midrank formulation of Sun & Xu (2014).
auc_estimate delong(const std::vector<double>& pos, const std::vector<double>& neg) {
  auc_estimate r;
  const std::size_t m = pos.size();
  const std::size_t n = neg.size();
  if (m == 0 || n == 0) return r;
  std::vector<double> all(pos);
  all.insert(all.end(), neg.begin(), neg.end());
  const std::vector<double> rank_all = midranks(all);
  const std::vector<double> rank_pos = midranks(pos);
  const std::vector<double> rank_neg = midranks(neg);
  const auto md = static_cast<double>(m);
  const auto nd = static_cast<double>(n);
  std::vector<double> v10(m);
  std::vector<double> v01(n);
  double sum = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    v10[i] = (rank_all[i] - rank_pos[i]) / nd;
    sum += v10[i];
  }
  for (std::size_t j = 0; j < n; ++j) v01[j] = 1.0 - (rank_all[m + j] - rank_neg[j]) / md;
  r.auc = sum / md;
  if (m < 2 || n < 2) return r;
  double s10 = 0.0;
  double s01 = 0.0;
  for (double v : v10) s10 += (v - r.auc) * (v - r.auc);
  for (double v : v01) s01 += (v - r.auc) * (v - r.auc);
  s10 /= md - 1.0;
  s01 /= nd - 1.0;
  const double se = std::sqrt(s10 / md + s01 / nd);
  const double z = detail::normal_quantile_975();
  r.lower = std::max(0.0, r.auc - z * se);
  r.upper = std::min(1.0, r.auc + z * se);
  return r;
}

double logit_clamped(double p) noexcept {
  constexpr double eps = 1e-15;
  p = std::clamp(p, eps, 1.0 - eps);
  return std::log(p / (1.0 - p));
}

double logistic(double eta) noexcept {
  if (eta >= 0) return 1.0 / (1.0 + std::exp(-eta));
  const double e = std::exp(eta);
  return e / (1.0 + e);
}

// Logistic recalibration by Newton's method. With `fit_slope` false: logit P = a + z (offset),
// returns {a, 1}; else logit P = a + b z, returns {a, b}. NaN when it does not converge
// (e.g. the predictions separate the outcomes perfectly).
std::pair<double, double> recalibrate(const std::vector<double>& z, const std::vector<double>& y,
                                      bool fit_slope) {
  double a = 0.0;
  double b = 1.0;
  for (int it = 0; it < 100; ++it) {
    double g0 = 0.0, g1 = 0.0, h00 = 0.0, h01 = 0.0, h11 = 0.0;
    for (std::size_t i = 0; i < z.size(); ++i) {
      const double p = logistic(a + b * z[i]);
      const double w = p * (1.0 - p);
      const double r = y[i] - p;
      g0 += r;
      g1 += r * z[i];
      h00 += w;
      h01 += w * z[i];
      h11 += w * z[i] * z[i];
    }
    double da = 0.0, db = 0.0;
    if (fit_slope) {
      const double det = h00 * h11 - h01 * h01;
      if (!(det > 0.0)) return {nan, nan};
      da = (h11 * g0 - h01 * g1) / det;
      db = (h00 * g1 - h01 * g0) / det;
    } else {
      if (!(h00 > 0.0)) return {nan, nan};
      da = g0 / h00;
    }
    a += da;
    b += db;
    if (!std::isfinite(a) || !std::isfinite(b) || std::abs(a) > 50.0 || std::abs(b) > 50.0)
      return {nan, nan};
    if (std::max(std::abs(da), std::abs(db)) < 1e-10) return {a, b};
  }
  return {nan, nan};
}

}  // namespace

evaluation evaluate_predictions(std::span<const double> predicted,
                                std::span<const std::int8_t> observed, std::size_t variables) {
  if (predicted.size() != observed.size()) {
    throw mnscreen::error("mnscreen: evaluate_predictions: " + std::to_string(predicted.size()) +
                          " predictions but " + std::to_string(observed.size()) + " outcomes");
  }
  std::vector<double> p;
  std::vector<double> y;
  p.reserve(predicted.size());
  y.reserve(predicted.size());
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    if (observed[i] == outcome_not_recorded) continue;
    if (!(predicted[i] >= 0.0 && predicted[i] <= 1.0)) {
      throw mnscreen::error("mnscreen: evaluate_predictions: prediction " + std::to_string(i) +
                            " is not a probability in [0, 1]");
    }
    p.push_back(predicted[i]);
    y.push_back(observed[i] == outcome_event ? 1.0 : 0.0);
  }
  evaluation e;
  e.records = p.size();
  std::vector<double> pos;
  std::vector<double> neg;
  double brier = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    (y[i] > 0.5 ? pos : neg).push_back(p[i]);
    brier += (p[i] - y[i]) * (p[i] - y[i]);
  }
  e.events = pos.size();
  e.brier = p.empty() ? nan : brier / static_cast<double>(p.size());
  e.events_per_variable =
      variables == 0 ? nan : static_cast<double>(e.events) / static_cast<double>(variables);
  const auto auc = delong(pos, neg);
  e.auc = auc.auc;
  e.auc_lower95 = auc.lower;
  e.auc_upper95 = auc.upper;

  std::vector<double> z(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) z[i] = logit_clamped(p[i]);
  if (!pos.empty() && !neg.empty()) {
    e.calibration_intercept = recalibrate(z, y, false).first;
    e.calibration_slope = recalibrate(z, y, true).second;
  } else {
    e.calibration_intercept = nan;
    e.calibration_slope = nan;
  }

  // Deciles of predicted risk (equal counts) and the ROC curve, both from the sorted order.
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  const std::size_t bins = std::min<std::size_t>(10, p.size());
  for (std::size_t g = 0; g < bins; ++g) {
    const std::size_t lo = g * p.size() / bins;
    const std::size_t hi = (g + 1) * p.size() / bins;
    calibration_bin b;
    b.count = hi - lo;
    for (std::size_t k = lo; k < hi; ++k) {
      b.mean_predicted += p[order[k]];
      b.observed += y[order[k]];
    }
    if (b.count > 0) {
      b.mean_predicted /= static_cast<double>(b.count);
      b.observed /= static_cast<double>(b.count);
    }
    e.calibration.push_back(b);
  }
  if (!pos.empty() && !neg.empty()) {
    e.roc.push_back({0.0, 0.0});
    double tp = 0.0;
    double fp = 0.0;
    std::size_t k = order.size();
    while (k > 0) {
      const double threshold = p[order[k - 1]];
      while (k > 0 && p[order[k - 1]] == threshold) {
        (y[order[k - 1]] > 0.5 ? tp : fp) += 1.0;
        --k;
      }
      e.roc.push_back({fp / static_cast<double>(neg.size()), tp / static_cast<double>(pos.size())});
    }
  }
  return e;
}

}  // namespace mnscreen
