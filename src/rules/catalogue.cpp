// SPDX-License-Identifier: Apache-2.0
// The rule catalogue of knowledge version 2026.2: the rule families gathered in catalogue
// order. Each rule lives whole in its family file (skin.cpp, systemic.cpp, products.cpp,
// device.cpp, timing.cpp); nothing here names a rule. Rule ids are stable and never reused.
#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
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

std::uint16_t id_rank(std::size_t i) noexcept {
  // Worked out once from the table (thread-safe static initialisation), never modified.
  static const std::vector<std::uint16_t> ranks = [] {
    const auto table = rule_table();
    std::vector<std::size_t> by_id(table.size());
    std::iota(by_id.begin(), by_id.end(), std::size_t{0});
    std::sort(by_id.begin(), by_id.end(),
              [&](std::size_t a, std::size_t b) { return table[a].info.id < table[b].info.id; });
    std::vector<std::uint16_t> out(table.size());
    for (std::size_t r = 0; r < by_id.size(); ++r) out[by_id[r]] = static_cast<std::uint16_t>(r);
    return out;
  }();
  return ranks[i];
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
