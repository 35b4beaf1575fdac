// SPDX-License-Identifier: Apache-2.0
// Private: small numeric helpers shared by the fitting and evaluation code of src/model.
#ifndef MNSCREEN_SRC_MODEL_EVALUATE_HPP
#define MNSCREEN_SRC_MODEL_EVALUATE_HPP

namespace mnscreen::detail {

/// The 97.5% quantile of the standard normal distribution (Boost.Math), for 95% intervals.
[[nodiscard]] double normal_quantile_975();

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_MODEL_EVALUATE_HPP
