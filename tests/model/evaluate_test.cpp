// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/fit.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "model_test_support.hpp"

namespace mnscreen::test {

TEST_CASE("evaluation: AUC, DeLong interval, Brier and ROC on four records (by hand)",
          "[model][evaluate]") {
  // Positives 0.35, 0.8; negatives 0.1, 0.4. Pairs won: (0.35>0.1), (0.8>0.1), (0.8>0.4) = 3/4.
  const std::vector<double> p{0.1, 0.4, 0.35, 0.8};
  const std::vector<std::int8_t> y{0, 0, 1, 1};
  const evaluation e = evaluate_predictions(p, y, 4);
  CHECK(e.records == 4);
  CHECK(e.events == 2);
  CHECK(e.auc == Approx(0.75));
  // DeLong: V10 = {0.5, 1}, V01 = {1, 0.5}; S10 = S01 = 0.125; var = 0.125/2 + 0.125/2.
  const double se = std::sqrt(0.125);
  CHECK(e.auc_lower95 == Approx(0.75 - 1.959963984540054 * se).epsilon(1e-9));
  CHECK(e.auc_upper95 == 1.0);  // clipped
  // Brier: (0.01 + 0.16 + 0.4225 + 0.04) / 4
  CHECK(e.brier == Approx(0.158125));
  CHECK(e.events_per_variable == Approx(0.5));
  REQUIRE(e.roc.size() == 5);
  CHECK(e.roc[1].false_positive_rate == 0.0);
  CHECK(e.roc[1].true_positive_rate == 0.5);
  CHECK(e.roc[2].false_positive_rate == 0.5);
  CHECK(e.roc[2].true_positive_rate == 0.5);
  CHECK(e.roc[3].true_positive_rate == 1.0);
  CHECK(e.roc[4].false_positive_rate == 1.0);
}

TEST_CASE("evaluation: ties count one half; unrecorded rows are left out", "[model][evaluate]") {
  const std::vector<double> p{0.5, 0.5, 0.9, 0.2};
  const std::vector<std::int8_t> y{0, 1, outcome_not_recorded, outcome_not_recorded};
  const evaluation e = evaluate_predictions(p, y, 1);
  CHECK(e.records == 2);
  CHECK(e.auc == Approx(0.5));
  CHECK(std::isnan(e.auc_lower95));  // one positive: no DeLong variance
}

TEST_CASE("evaluation: calibration intercept and slope (by hand)", "[model][evaluate]") {
  // Two groups of ten at p = 0.2 and p = 0.8. Two parameters fit two group frequencies exactly:
  // a + b logit(0.2) = logit(obs_1), a + b logit(0.8) = logit(obs_2).
  const auto groups = [](int events_low, int events_high) {
    std::vector<double> p;
    std::vector<std::int8_t> y;
    for (int i = 0; i < 10; ++i) {
      p.push_back(0.2);
      y.push_back(i < events_low ? 1 : 0);
      p.push_back(0.8);
      y.push_back(i < events_high ? 1 : 0);
    }
    return evaluate_predictions(p, y, 2);
  };
  SECTION("perfectly calibrated: observed 2/10 and 8/10") {
    const evaluation e = groups(2, 8);
    CHECK(e.calibration_intercept == Approx(0.0).margin(1e-9));
    CHECK(e.calibration_slope == Approx(1.0).epsilon(1e-9));
  }
  SECTION("too extreme: observed 3/10 and 7/10 gives slope logit(0.7)/logit(0.8)") {
    const evaluation e = groups(3, 7);
    CHECK(e.calibration_slope == Approx(logit(0.7) / logit(0.8)).epsilon(1e-9));
    CHECK(e.calibration_slope == Approx(0.611196).margin(1e-6));
    CHECK(e.calibration_intercept == Approx(0.0).margin(1e-9));  // symmetric
  }
  SECTION("under-prediction: one group at 0.2 with 3/10 observed") {
    std::vector<double> p(10, 0.2);
    std::vector<std::int8_t> y{1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
    const evaluation e = evaluate_predictions(p, y, 1);
    CHECK(e.calibration_intercept == Approx(logit(0.3) - logit(0.2)).epsilon(1e-9));
    CHECK(std::isnan(e.calibration_slope));  // one predicted value: no slope
    // Brier: 3 * 0.64 + 7 * 0.04 over 10
    CHECK(e.brier == Approx(0.22));
  }
}

TEST_CASE("evaluation: calibration deciles of equal count", "[model][evaluate]") {
  std::vector<double> p;
  std::vector<std::int8_t> y;
  for (int i = 0; i < 20; ++i) {
    p.push_back(static_cast<double>(19 - i) / 20.0);  // out of order on purpose
    y.push_back(i % 2 == 0 ? 1 : 0);
  }
  const evaluation e = evaluate_predictions(p, y, 1);
  REQUIRE(e.calibration.size() == 10);
  CHECK(e.calibration[0].count == 2);
  CHECK(e.calibration[0].mean_predicted == Approx(0.025));  // 0.00 and 0.05
  CHECK(e.calibration[9].mean_predicted == Approx(0.925));  // 0.90 and 0.95
  CHECK(e.calibration[0].observed == Approx(0.5));
}

TEST_CASE("evaluation: inconsistent input is a broken contract", "[model][evaluate]") {
  const std::vector<double> p{0.1, 0.2};
  const std::vector<std::int8_t> y{0};
  CHECK_THROWS_AS(evaluate_predictions(p, y, 1), mnscreen::error);
  const std::vector<double> bad{1.5};
  const std::vector<std::int8_t> one{1};
  CHECK_THROWS_AS(evaluate_predictions(bad, one, 1), mnscreen::error);
}

}  // namespace mnscreen::test
