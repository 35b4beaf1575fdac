// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/risk_model.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

#include "mnscreen/diagnostic.hpp"
#include "model/features.hpp"

namespace mnscreen {
namespace {

constexpr auto n_out = static_cast<Eigen::Index>(complication_count);
constexpr auto n_features = static_cast<Eigen::Index>(detail::feature_count);
constexpr auto n_columns = static_cast<Eigen::Index>(detail::coefficient_columns);

// The coefficient storage seen as a fixed-size matrix: complications x (1 + features).
using coefficient_matrix = Eigen::Matrix<double, n_out, n_columns, Eigen::RowMajor>;
using feature_rows = Eigen::Matrix<double, Eigen::Dynamic, n_features, Eigen::RowMajor>;
using score_rows = Eigen::Matrix<double, Eigen::Dynamic, n_out, Eigen::RowMajor>;

// Rows scored per block in score_batch: the block of outputs stays in L1/L2 between the product
// and the logistic.
constexpr Eigen::Index batch_block_rows = 512;

constexpr const char* prior_label = "prior-2026.2 (not validated on outcomes)";

// "At or above" a threshold, read conservatively: a value that equals a threshold up to the
// rounding of logit/sigmoid (a base probability of exactly 0.10, or a score exactly twice the
// reference) is in the higher band.
bool at_or_above(double v, double threshold) noexcept { return v >= threshold * (1.0 - 1e-9); }

// clinical-spec "Risk scores" (2026.2): the more serious of the absolute band (the score against
// risk_band_*) and the relative band (score / reference against risk_relative_*).
risk_band band_of(double p, double relative, const policy& pol) noexcept {
  if (at_or_above(p, pol.risk_band_high) || at_or_above(relative, pol.risk_relative_high))
    return risk_band::high;
  if (at_or_above(p, pol.risk_band_moderate) || at_or_above(relative, pol.risk_relative_moderate))
    return risk_band::moderate;
  return risk_band::low;
}

// score / reference, always finite: a reference that underflows to 0 (a fitted intercept below
// about -745) gives the largest double for a positive score, 1 for a zero score.
double relative_of(double p, double reference) noexcept {
  if (reference <= 0.0) return p > 0.0 ? std::numeric_limits<double>::max() : 1.0;
  const double r = p / reference;
  return std::isfinite(r) ? r : std::numeric_limits<double>::max();
}

// The area-group features: the only features the reference patient keeps (clinical-spec
// "Reference and relative risk": all patient, device, depth and product features off; the
// area-group term kept).
constexpr std::array<detail::feature, 3> area_group_features{
    detail::feature::face_area, detail::feature::scalp_area, detail::feature::body_area};
constexpr std::size_t area_group_count = std::size_t{1} << area_group_features.size();

// Index into the reference table of a feature vector's area group (one bit per feature).
std::size_t area_group_of(std::span<const double> features) noexcept {
  std::size_t g = 0;
  for (std::size_t i = 0; i < area_group_features.size(); ++i)
    if (features[detail::index(area_group_features[i])] != 0.0) g |= std::size_t{1} << i;
  return g;
}

// The probabilities of `rows` patients (row-major patients x features) into row-major
// patients x complications: one Eigen product of the whole block by the weights, then the
// logistic row by row. screen() (one row) and score_batch / screen_many (many rows) all go
// through here, so a patient's scores are the same bits whichever path scored it:
//  - the product is coefficient-based (lazyProduct): each score's sum over the features is the
//    same reduction whatever the number of rows or the row's place in the block (the blocked
//    GEMM kernel sums the rows at the edge of a block in another order, which changes the last
//    bit of about 0.3 % of scores);
//  - the logistic is applied to one patient's 7 values at a time, as a fixed-size array, so
//    each complication takes the same (vectorised or scalar) path for every patient.
void probabilities(const double* coefficients, const double* features, Eigen::Index rows,
                   double* out) {
  const Eigen::Map<const coefficient_matrix> w(coefficients);
  const auto wt = w.rightCols<n_features>().transpose();  // a view: features x complications
  const Eigen::Matrix<double, 1, n_out> b0 = w.col(0).transpose();
  const Eigen::Map<const feature_rows> x(features, rows, n_features);
  Eigen::Map<score_rows> y(out, rows, n_out);
  for (Eigen::Index r = 0; r < rows; r += batch_block_rows) {
    const Eigen::Index m = std::min(batch_block_rows, rows - r);
    auto yb = y.middleRows(r, m);
    yb.noalias() = x.middleRows(r, m).lazyProduct(wt);
    for (Eigen::Index i = 0; i < m; ++i) {
      const Eigen::Matrix<double, n_out, 1> eta = b0.transpose() + yb.row(i).transpose();
      const Eigen::Array<double, n_out, 1> p = eta.array().logistic();
      yb.row(i) = p.matrix().transpose();
    }
  }
}

}  // namespace

struct risk_model::data {
  std::string label;
  std::vector<double> coefficients;
  /// The reference patient's scores for every combination of the area-group features (bit i:
  /// area_group_features[i] on), computed once by the same path as every other score.
  std::array<std::array<double, complication_count>, area_group_count> references{};
};

risk_model::risk_model(std::string label, std::vector<double> coefficients) {
  if (coefficients.size() != detail::coefficient_count) {
    throw mnscreen::error("mnscreen: risk_model needs " +
                          std::to_string(detail::coefficient_count) + " coefficients (" +
                          std::to_string(complication_count) + " complications x (1 + " +
                          std::to_string(detail::feature_count) + " features)), got " +
                          std::to_string(coefficients.size()));
  }
  for (std::size_t i = 0; i < coefficients.size(); ++i) {
    if (!std::isfinite(coefficients[i])) {
      throw mnscreen::error("mnscreen: risk_model coefficient " + std::to_string(i) +
                            " is not finite");
    }
  }
  auto d = std::make_shared<data>();
  d->label = std::move(label);
  d->coefficients = std::move(coefficients);
  std::vector<double> rows(area_group_count * detail::feature_count, 0.0);
  for (std::size_t g = 0; g < area_group_count; ++g)
    for (std::size_t i = 0; i < area_group_features.size(); ++i)
      if ((g >> i) & 1U)
        rows[g * detail::feature_count + detail::index(area_group_features[i])] = 1.0;
  std::array<double, area_group_count * complication_count> p{};
  probabilities(d->coefficients.data(), rows.data(), static_cast<Eigen::Index>(area_group_count),
                p.data());
  for (std::size_t g = 0; g < area_group_count; ++g)
    for (std::size_t k = 0; k < complication_count; ++k)
      d->references[g][k] = p[g * complication_count + k];
  data_ = std::move(d);
}

risk_model risk_model::prior() {
  const auto b = detail::prior_coefficients();
  return risk_model(prior_label, std::vector<double>(b.begin(), b.end()));
}

const std::string& risk_model::label() const noexcept { return data_->label; }

double risk_model::intercept(complication c) const noexcept {
  return data_->coefficients[static_cast<std::size_t>(c) * detail::coefficient_columns];
}

double risk_model::weight(complication c, std::size_t feature) const noexcept {
  if (feature >= detail::feature_count) return 0.0;
  return data_
      ->coefficients[static_cast<std::size_t>(c) * detail::coefficient_columns + 1 + feature];
}

std::span<const double> risk_model::coefficients() const noexcept { return data_->coefficients; }

std::array<double, complication_count> risk_model::reference_scores(
    std::span<const double> features) const {
  if (features.size() != detail::feature_count) {
    throw mnscreen::error("mnscreen: risk_model::reference_scores needs " +
                          std::to_string(detail::feature_count) + " features, got " +
                          std::to_string(features.size()));
  }
  return data_->references[area_group_of(features)];
}

std::vector<risk_score> risk_model::score(std::span<const double> features,
                                          const policy& pol) const {
  if (features.size() != detail::feature_count) {
    throw mnscreen::error("mnscreen: risk_model::score needs " +
                          std::to_string(detail::feature_count) + " features, got " +
                          std::to_string(features.size()));
  }
  std::vector<risk_score> out;
  detail::score_into(*this, features, pol, out);
  return out;
}

void risk_model::score_batch(std::span<const double> features, std::span<double> out) const {
  if (features.size() % detail::feature_count != 0) {
    throw mnscreen::error("mnscreen: risk_model::score_batch: " + std::to_string(features.size()) +
                          " feature values is not a whole number of patients of " +
                          std::to_string(detail::feature_count) + " features");
  }
  const std::size_t patients = features.size() / detail::feature_count;
  if (out.size() != patients * complication_count) {
    throw mnscreen::error("mnscreen: risk_model::score_batch: output holds " +
                          std::to_string(out.size()) + " values, " +
                          std::to_string(patients * complication_count) + " needed");
  }
  if (patients == 0) return;
  probabilities(data_->coefficients.data(), features.data(), static_cast<Eigen::Index>(patients),
                out.data());
}

namespace detail {

void score_into(const risk_model& m, std::span<const double> features, const policy& pol,
                std::vector<risk_score>& out) {
  std::array<double, complication_count> p;  // NOLINT: filled by probabilities()
  probabilities(m.coefficients().data(), features.data(), 1, p.data());
  fill_risk_scores(m, features, p, pol, out);
}

void fill_risk_scores(const risk_model& m, std::span<const double> features,
                      std::span<const double, complication_count> p, const policy& pol,
                      std::vector<risk_score>& out) {
  const Eigen::Map<const coefficient_matrix> w(m.coefficients().data());
  // The non-zero features (a handful for most patients), found once for all complications.
  std::array<std::size_t, feature_count> present;  // NOLINT: filled before use
  std::size_t n_present = 0;
  for (std::size_t i = 0; i < feature_count; ++i) {
    present[n_present] = i;
    if (features[i] != 0.0) ++n_present;
  }

  out.resize(complication_count);
  // Contributions of one complication, sorted on the stack (no allocation).
  std::array<std::pair<double, std::size_t>, feature_count> contrib;  // NOLINT
  const auto names = risk_features();
  const std::array<double, complication_count> ref = m.reference_scores(features);
  for (std::size_t k = 0; k < complication_count; ++k) {
    const auto row = static_cast<Eigen::Index>(k);
    std::size_t n = 0;
    for (std::size_t q = 0; q < n_present; ++q) {
      const std::size_t i = present[q];
      const double c = w(row, static_cast<Eigen::Index>(i) + 1) * features[i];
      if (c > 0.0) contrib[n++] = {c, i};
    }
    const auto end = contrib.begin() + static_cast<std::ptrdiff_t>(n);
    // Largest first; equal weights in feature order, so the output is fully determined.
    std::sort(contrib.begin(), end, [](const auto& a, const auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    risk_score& r = out[k];
    r.complication = static_cast<complication>(k);
    r.score = p[k];
    r.reference = ref[k];
    r.relative = relative_of(r.score, r.reference);
    r.band = band_of(r.score, r.relative, pol);
    // Assigned in place: a reused report keeps its drivers' capacity (no allocation).
    r.drivers.resize(n);
    for (std::size_t d = 0; d < n; ++d) {
      r.drivers[d].factor.assign(names[contrib[d].second].name);
      r.drivers[d].weight = contrib[d].first;
    }
  }
}

}  // namespace detail

}  // namespace mnscreen
