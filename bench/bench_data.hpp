// SPDX-License-Identifier: Apache-2.0
// The inputs the benchmarks share: the "typical intake" of issue 3 (5 conditions,
// 5 medications, 2 allergies, plus one lab and the usual denials) and a clinic pen plan.
#ifndef MNSCREEN_BENCH_BENCH_DATA_HPP
#define MNSCREEN_BENCH_BENCH_DATA_HPP

#include <stdexcept>
#include <string_view>

#include "mnscreen/dates.hpp"
#include "mnscreen/patient.hpp"
#include "mnscreen/procedure.hpp"

namespace mnscreen::bench {

inline date day(std::string_view s) {
  const auto d = parse_date(s);
  if (!d) throw std::invalid_argument("bad date in a benchmark");
  return *d;
}

/// 5 conditions, 5 medications, 2 allergies: the size of a real pre-treatment intake.
inline intake typical_intake() {
  intake in;
  in.patient.id = "bench-001";
  in.patient.birth_date = day("1985-03-14");
  in.patient.sex = sex::female;
  in.patient.fitzpatrick = 3;
  in.patient.pregnant = known::no;
  in.patient.breastfeeding = known::no;
  in.patient.smoker = known::no;
  in.conditions = {
      {.code = condition_code::acne_vulgaris,
       .status = condition_status::resolved,
       .onset = day("2012-05-01"),
       .sites = {area::cheeks}},
      {.code = condition_code::hsv_labialis, .status = condition_status::history},
      {.code = condition_code::eczema, .status = condition_status::active, .sites = {area::hands}},
      {.code = condition_code::diabetes_mellitus, .status = condition_status::active},
      {.code = condition_code::melasma,
       .status = condition_status::active,
       .sites = {area::forehead}}};
  in.medications = {
      {.code = medication_code::tretinoin,
       .route = route::topical,
       .start = day("2026-01-10"),
       .stop = day("2026-10-01"),
       .sites = {area::forehead}},
      {.code = medication_code::ibuprofen,
       .route = route::oral,
       .start = day("2026-11-01"),
       .stop = day("2026-11-05")},
      {.code = medication_code::valaciclovir, .route = route::oral, .start = day("2026-11-28")},
      {.code = medication_code::fish_oil, .route = route::oral, .start = day("2024-02-01")},
      {.code = medication_code::doxycycline,
       .route = route::oral,
       .start = day("2026-03-01"),
       .stop = day("2026-06-01")}};
  in.allergies = {{.substance = allergy_substance::benzocaine,
                   .reaction = "contact_dermatitis",
                   .severity = allergy_severity::mild},
                  {.substance = allergy_substance::nickel,
                   .reaction = "rash",
                   .severity = allergy_severity::moderate}};
  in.labs = {{.code = lab_code::hba1c, .value = 6.8, .date = day("2026-10-01")}};
  in.negatives = {question::anticoagulant,    question::bleeding_disorder,
                  question::isotretinoin,     question::keloid,
                  question::skin_infection,   question::implanted_device,
                  question::immunosuppression};
  return in;
}

/// A clinic pen session on the cheeks and forehead, 1.0 mm, lidocaine.
inline procedure_plan typical_plan() {
  procedure_plan p;
  p.date = day("2026-12-01");
  p.device = device_type::pen;
  p.needle_depth = millimetres{1.0};
  p.areas = {area::cheeks, area::forehead};
  p.anesthetic = anesthetic::lidocaine;
  p.setting = setting::clinic;
  p.needle_material = needle_material::stainless_steel;
  p.single_use_needles = known::yes;
  return p;
}

}  // namespace mnscreen::bench

#endif  // MNSCREEN_BENCH_BENCH_DATA_HPP
