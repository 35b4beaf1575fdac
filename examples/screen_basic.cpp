// SPDX-License-Identifier: Apache-2.0
// screen_basic: screen one patient, built in C++ code, for one microneedling plan, and print the
// summary for clinic staff. Shows that only answered questions count as "no" (`negatives`), that
// the plan's date is the screening date, and how to read the decision and the flags.
#include <iostream>

#include "mnscreen/mnscreen.hpp"

int main() {
  using namespace mnscreen;

  intake in;
  in.patient.id = "p-001";
  in.patient.birth_date = parse_date("1992-03-14");
  in.patient.sex = sex::female;
  in.patient.fitzpatrick = 3;
  in.patient.pregnant = known::no;
  in.patient.breastfeeding = known::no;
  in.patient.smoker = known::no;
  // She takes fish oil every day: a supplement that may increase bruising.
  in.medications.push_back(
      {.code = medication_code::fish_oil, .route = route::oral, .start = parse_date("2025-01-01")});
  // Everything else she was asked about and denied. Anything not listed here stays unknown.
  in.negatives = {question::anticoagulant,      question::bleeding_disorder,
                  question::isotretinoin,       question::keloid,
                  question::hsv_labialis,       question::skin_infection,
                  question::anesthetic_allergy, question::implanted_device,
                  question::diabetes_mellitus,  question::immunosuppression};

  procedure_plan plan;
  plan.date = *parse_date("2026-12-01");
  plan.device = device_type::pen;
  plan.needle_depth = millimetres{1.0};
  plan.areas = {area::cheeks, area::chin};
  plan.anesthetic = anesthetic::lidocaine;
  plan.setting = setting::clinic;
  plan.needle_material = needle_material::stainless_steel;
  plan.single_use_needles = known::yes;

  const screener s;  // the cited default policy and the prior risk model
  const report r = s.screen(in, plan);

  std::cout << to_text(r);
  std::cout << "\nIn code: decision=" << to_string(r.decision)
            << " complete=" << (r.complete ? "yes" : "no") << " flags=" << r.flags.size() << '\n';
  for (const flag& f : r.flags) std::cout << "  " << f.rule_id << ": " << f.action << '\n';
  return 0;
}
