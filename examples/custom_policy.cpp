// SPDX-License-Identifier: Apache-2.0
// custom_policy: load a clinic's policy from JSON (mnscreen.policy/1) and compare its decision
// with the cited defaults for the same patient: one who stopped oral isotretinoin on
// 2026-09-15. Shows parse diagnostics, the policy's overrides and that the choice is stamped on
// the report. Usage: custom_policy POLICY.json
#include <fstream>
#include <iostream>
#include <sstream>

#include "mnscreen/mnscreen.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: custom_policy POLICY.json\n";
    return 2;
  }
  std::ifstream file(argv[1]);
  std::stringstream text;
  text << file.rdbuf();
  const auto parsed = mnscreen::parse_policy(text.str());
  for (const auto& d : parsed.diagnostics) std::cerr << mnscreen::format(d, argv[1]) << '\n';
  if (!file || !parsed.ok()) return 2;

  mnscreen::intake in;
  in.patient.birth_date = mnscreen::parse_date("2003-01-28");
  in.patient.sex = mnscreen::sex::female;
  in.patient.fitzpatrick = 3;
  in.patient.pregnant = mnscreen::known::no;
  in.patient.breastfeeding = mnscreen::known::no;
  in.medications.push_back({.code = mnscreen::medication_code::isotretinoin,
                            .route = mnscreen::route::oral,
                            .start = mnscreen::parse_date("2026-03-01"),
                            .stop = mnscreen::parse_date("2026-09-15")});
  using q = mnscreen::question;
  in.negatives = {q::anticoagulant,    q::bleeding_disorder, q::keloid,
                  q::hsv_labialis,     q::skin_infection,    q::anesthetic_allergy,
                  q::implanted_device, q::diabetes_mellitus, q::immunosuppression};

  mnscreen::procedure_plan plan;
  plan.date = *mnscreen::parse_date("2026-12-01");
  plan.needle_depth = mnscreen::millimetres{1.0};
  plan.areas = {mnscreen::area::cheeks};
  plan.single_use_needles = mnscreen::known::yes;
  plan.needle_material = mnscreen::needle_material::stainless_steel;

  for (const mnscreen::policy& pol : {mnscreen::policy{}, parsed.value}) {
    const mnscreen::screener s{pol};  // throws mnscreen::error for an invalid policy
    const mnscreen::report r = s.screen(in, plan);
    std::cout << "policy " << r.policy_name << ": " << mnscreen::to_string(r.decision);
    if (r.defer_until) std::cout << " until " << mnscreen::to_string(*r.defer_until);
    std::cout << '\n';
    for (const auto& [name, value] : r.policy_overrides) std::cout << "  override " << name << '\n';
  }
  return 0;
}
