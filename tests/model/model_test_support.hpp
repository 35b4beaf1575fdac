// SPDX-License-Identifier: Apache-2.0
// Helpers for the risk-model tests: features by name, hand-computed logistic values.
#ifndef MNSCREEN_TESTS_MODEL_MODEL_TEST_SUPPORT_HPP
#define MNSCREEN_TESTS_MODEL_MODEL_TEST_SUPPORT_HPP

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mnscreen/risk_model.hpp"

namespace mnscreen::test {

/// Index of a feature by name (throws on a typo, so a renamed feature fails loudly).
inline std::size_t feature_index(std::string_view name) {
  const auto fs = risk_features();
  for (std::size_t i = 0; i < fs.size(); ++i)
    if (fs[i].name == name) return i;
  throw std::invalid_argument("no feature " + std::string(name));
}

/// Value of a named feature in a vector.
inline double feature_value(const std::vector<double>& x, std::string_view name) {
  return x.at(feature_index(name));
}

/// Names of the features that are non-zero.
inline std::vector<std::string> nonzero_features(const std::vector<double>& x) {
  std::vector<std::string> out;
  const auto fs = risk_features();
  for (std::size_t i = 0; i < x.size(); ++i)
    if (x[i] != 0.0) out.emplace_back(fs[i].name);
  return out;
}

inline double logit(double p) { return std::log(p / (1.0 - p)); }
inline double sigmoid(double e) { return 1.0 / (1.0 + std::exp(-e)); }

/// Probability from a base probability and odds ratios, computed on the odds scale.
inline double from_odds(double base, double odds_ratio_product) {
  const double odds = base / (1.0 - base) * odds_ratio_product;
  return odds / (1.0 + odds);
}

/// Index of a complication in the score vector.
inline std::size_t at(complication c) { return static_cast<std::size_t>(c); }

}  // namespace mnscreen::test

#endif  // MNSCREEN_TESTS_MODEL_MODEL_TEST_SUPPORT_HPP
