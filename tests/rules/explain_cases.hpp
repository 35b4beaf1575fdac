// SPDX-License-Identifier: Apache-2.0
// Explain cases by rule (issue 11, point 2): for every rule, a record + plan on which it fires,
// one on which it is quiet, and where the rule has them one on which it is undecided and one on
// which it does not apply. Each family's test file registers its rules' cases beside their
// other tests; tests/rules/explain_test.cpp runs them and fails when a rule has none.
#ifndef MNSCREEN_TESTS_RULES_EXPLAIN_CASES_HPP
#define MNSCREEN_TESTS_RULES_EXPLAIN_CASES_HPP

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "rule_test_support.hpp"

namespace mnscreen::test::explain {

namespace mt = mnscreen::test;

struct inputs {
  intake in = mt::healthy_intake();
  procedure_plan plan = mt::basic_plan();
  policy pol;
};
using change = std::function<void(inputs&)>;

struct rule_cases {
  change fired;
  std::optional<change> quiet;  // nullopt: the rule fires whenever it applies
  std::optional<change> undecided;
  std::optional<change> not_applicable;
};

inline const change nothing = [](inputs&) {};

inline void rf(inputs& x) { x.plan.device = device_type::rf_microneedling; }
inline void home(inputs& x) {
  x.plan.setting = setting::home;
  x.plan.needle_depth = millimetres{0.2};
}
inline void body(inputs& x) { x.plan.areas = {area::abdomen}; }

inline change with_condition(condition_code c, std::vector<area> sites = {area::cheeks},
                             condition_status s = condition_status::active) {
  return [=](inputs& x) { mt::add_condition(x.in, c, s, sites); };
}
inline change with_med(medication_code m, route r = route::oral, std::vector<area> sites = {}) {
  return [=](inputs& x) { mt::add_medication(x.in, m, r, std::nullopt, sites); };
}
inline change with_allergy(allergy_substance s) {
  return [=](inputs& x) { mt::add_allergy(x.in, s); };
}
inline change with_procedure(procedure_code c, int days_ago,
                             std::optional<peel_depth> depth = std::nullopt) {
  return [=](inputs& x) {
    mt::add_procedure(x.in, c, mt::days_before(x.plan, days_ago), {area::cheeks}, depth);
  };
}
inline change unknown(question q) {
  return [=](inputs& x) { mt::undeny(x.in, q); };
}
inline change both(change a, change b) {
  return [=](inputs& x) {
    a(x);
    b(x);
  };
}
inline void woman(inputs& x) { x.in = mt::healthy_woman(); }

/// Every registered case, by rule id, and the ids registered more than once.
struct explain_registry {
  std::map<std::string, rule_cases> cases;
  std::set<std::string> duplicates;
};
inline explain_registry& registry() {
  static explain_registry r;
  return r;
}

/// Registers a family's cases at static initialisation.
struct explain_cases_for {
  explain_cases_for(std::initializer_list<std::pair<const std::string, rule_cases>> list) {
    for (const auto& entry : list)
      if (!registry().cases.insert(entry).second) registry().duplicates.insert(entry.first);
  }
};

}  // namespace mnscreen::test::explain

#endif  // MNSCREEN_TESTS_RULES_EXPLAIN_CASES_HPP
