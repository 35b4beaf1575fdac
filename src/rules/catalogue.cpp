// SPDX-License-Identifier: Apache-2.0
// The rule catalogue of knowledge version 2026.2: the rule families gathered in catalogue
// order. Each rule lives whole in its family file (skin.cpp, systemic.cpp, products.cpp,
// device.cpp, timing.cpp); nothing here names a rule. Rule ids are stable and never reused.
#include <array>
#include <vector>

#include "engine.hpp"

namespace mnscreen::detail {

std::span<const rule_def> rule_table() noexcept {
  // Gathered once (thread-safe static initialisation) and never modified.
  static const std::vector<rule_def> table = [] {
    const std::array families = {skin_rules(), systemic_rules(), product_rules(), device_rules(),
                                 timing_rules()};
    std::vector<rule_def> out;
    for (const auto family : families) out.insert(out.end(), family.begin(), family.end());
    return out;
  }();
  return table;
}

}  // namespace mnscreen::detail

namespace mnscreen {

std::span<const rule_info> rule_catalogue() noexcept {
  static const std::vector<rule_info> infos = [] {
    std::vector<rule_info> out;
    out.reserve(detail::rule_count());
    for (const detail::rule_def& r : detail::rule_table()) out.push_back(r.info);
    return out;
  }();
  return infos;
}

const rule_info* find_rule(std::string_view id) noexcept {
  for (const auto& r : rule_catalogue())
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace mnscreen
