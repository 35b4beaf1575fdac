// SPDX-License-Identifier: Apache-2.0
// Private: portable random draws. std::mt19937_64's output is fixed by the standard, but the
// std distributions are not (libstdc++ and libc++ differ), so the few we need are written here.
#ifndef MNSCREEN_SRC_MODEL_RANDOM_HPP
#define MNSCREEN_SRC_MODEL_RANDOM_HPP

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <utility>

namespace mnscreen::detail {

/// A seeded generator with explicit distributions.
class random_source {
 public:
  explicit random_source(std::uint64_t seed) noexcept : engine_(seed) {}

  /// Uniform in [0, 1) with 53 random bits.
  [[nodiscard]] double uniform() noexcept {
    return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
  }

  /// True with probability p.
  [[nodiscard]] bool bernoulli(double p) noexcept { return uniform() < p; }

  /// Uniform integer in [0, n) without modulo bias (rejection sampling); n must be > 0.
  [[nodiscard]] std::uint64_t below(std::uint64_t n) noexcept {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t v = engine_();
    while (v >= limit) v = engine_();
    return v % n;
  }

  /// Uniform integer in [lo, hi].
  [[nodiscard]] int between(int lo, int hi) noexcept {
    return lo + static_cast<int>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }

  /// An index drawn with the given (unnormalised, non-negative) weights.
  [[nodiscard]] std::size_t weighted(std::span<const double> weights) noexcept {
    double total = 0.0;
    for (double w : weights) total += w;
    double u = uniform() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (u < weights[i]) return i;
      u -= weights[i];
    }
    return weights.size() - 1;
  }

  /// Fisher-Yates shuffle.
  template <class T>
  void shuffle(std::span<T> items) noexcept {
    for (std::size_t i = items.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(below(i));
      std::swap(items[i - 1], items[j]);
    }
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_MODEL_RANDOM_HPP
