// SPDX-License-Identifier: Apache-2.0
// The risk model (issue 5): one patient's scores on the screening hot path; batch scoring
// against a plain Eigen product of the same shape (patients x features times features x
// complications, the limit); and fitting 100,000 records x all features x 7 complications.
// Targets: batch >= 20 million patient-complication scores per second and within 2x of the
// plain product; fit under 2 s on one core.
#include <benchmark/benchmark.h>
#include <Eigen/Core>
#include <cstddef>
#include <vector>

#include "mnscreen/fit.hpp"
#include "mnscreen/risk_model.hpp"

namespace {

using namespace mnscreen;

constexpr std::size_t batch_patients = 100000;

// Realistic feature rows from the simulator (built once, outside the timed loops).
const training_set& simulated(std::size_t n) {
  static const training_set set =
      make_training_set(simulate_outcomes(risk_model::prior(), n, 2026), policy{});
  return set;
}

void score_one(benchmark::State& state) {
  const auto records = simulate_outcomes(risk_model::prior(), 1, 3);
  const risk_model model = risk_model::prior();
  const policy pol;
  for (auto _ : state) {
    auto x = risk_feature_vector(records[0].record, records[0].plan, pol);
    auto risks = model.score(x, pol);
    benchmark::DoNotOptimize(risks.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(complication_count));
}
BENCHMARK(score_one);

// The two halves of score_one: building the feature vector, and scoring it.
void feature_vector_only(benchmark::State& state) {
  const auto records = simulate_outcomes(risk_model::prior(), 1, 3);
  const policy pol;
  for (auto _ : state) {
    auto x = risk_feature_vector(records[0].record, records[0].plan, pol);
    benchmark::DoNotOptimize(x.data());
  }
}
BENCHMARK(feature_vector_only);

void score_only(benchmark::State& state) {
  const auto records = simulate_outcomes(risk_model::prior(), 1, 3);
  const risk_model model = risk_model::prior();
  const policy pol;
  const auto x = risk_feature_vector(records[0].record, records[0].plan, pol);
  for (auto _ : state) {
    auto risks = model.score(x, pol);
    benchmark::DoNotOptimize(risks.data());
  }
}
BENCHMARK(score_only);

void score_batch(benchmark::State& state) {
  const training_set& data = simulated(batch_patients);
  const risk_model model = risk_model::prior();
  std::vector<double> out(data.rows * complication_count);
  for (auto _ : state) {
    model.score_batch(data.features, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(out.size()));
}
BENCHMARK(score_batch)->Unit(benchmark::kMillisecond);

// The limit: the same product with plain dynamic Eigen matrices, no intercept, no logistic.
void plain_eigen_product(benchmark::State& state) {
  const training_set& data = simulated(batch_patients);
  const auto n = static_cast<Eigen::Index>(data.rows);
  const auto f = static_cast<Eigen::Index>(risk_features().size());
  const auto c = static_cast<Eigen::Index>(complication_count);
  using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const row_major x = Eigen::Map<const row_major>(data.features.data(), n, f);
  const Eigen::MatrixXd w = Eigen::MatrixXd::Random(f, c);
  row_major y(n, c);
  for (auto _ : state) {
    y.noalias() = x * w;
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(n * c));
}
BENCHMARK(plain_eigen_product)->Unit(benchmark::kMillisecond);

void fit_100k(benchmark::State& state) {
  const training_set& data = simulated(batch_patients);
  fit_options opt;
  opt.folds = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    const fit_result fit = fit_risk_model(data, opt);
    benchmark::DoNotOptimize(fit.model.coefficients().data());
  }
  state.counters["records"] = static_cast<double>(data.rows);
}
// Fit alone (the target), and fit + 5-fold cross-validation (what `mnscreen fit` does).
BENCHMARK(fit_100k)->Arg(0)->Arg(5)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
