// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the test programs: building intakes and plans in a line, finding flags.
#ifndef MNSCREEN_TESTS_TEST_SUPPORT_HPP
#define MNSCREEN_TESTS_TEST_SUPPORT_HPP

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "mnscreen/mnscreen.hpp"

namespace mnscreen::test {

/// A date from "YYYY-MM-DD" (fails the test program loudly on a typo).
inline date d(std::string_view s) {
  auto r = parse_date(s);
  if (!r) throw std::invalid_argument("bad test date: " + std::string(s));
  return *r;
}

/// An adult male patient (so no pregnancy question) for whom every always-asked question has
/// been answered "no": a complete, healthy intake unless a test adds facts.
inline intake healthy_intake() {
  intake in;
  in.patient.id = "test";
  in.patient.birth_date = d("1980-06-15");
  in.patient.sex = sex::male;
  in.patient.fitzpatrick = 2;
  in.patient.pregnant = known::no;
  in.patient.breastfeeding = known::no;
  in.patient.smoker = known::no;
  in.negatives = {question::anticoagulant,      question::bleeding_disorder,
                  question::isotretinoin,       question::keloid,
                  question::hsv_labialis,       question::skin_infection,
                  question::anesthetic_allergy, question::implanted_device,
                  question::diabetes_mellitus,  question::immunosuppression};
  return in;
}

/// A clinic pen plan on 2026-12-01, 1.0 mm on the cheeks, no anaesthetic, single-use needles.
inline procedure_plan basic_plan() {
  procedure_plan p;
  p.date = d("2026-12-01");
  p.device = device_type::pen;
  p.needle_depth = millimetres{1.0};
  p.areas = {area::cheeks};
  p.anesthetic = anesthetic::none;
  p.setting = setting::clinic;
  p.needle_material = needle_material::stainless_steel;
  p.single_use_needles = known::yes;
  return p;
}

/// The flag with this rule id, or nullptr.
inline const flag* find_flag(const report& r, std::string_view id) {
  auto it =
      std::find_if(r.flags.begin(), r.flags.end(), [&](const flag& f) { return f.rule_id == id; });
  return it == r.flags.end() ? nullptr : &*it;
}

/// True if the report asks this question.
inline bool asks(const report& r, question q) {
  return std::any_of(r.questions.begin(), r.questions.end(),
                     [&](const question_item& i) { return i.factor == q; });
}

/// The cells of the row of rule `id` in the second table of its family in docs/rules.md
/// (applies to, settings, undecided while unknown, override), without the id; empty when there
/// is no such row. `md` is `rules_markdown()`.
inline std::vector<std::string> rules_doc_row(const std::string& md, std::string_view id) {
  const std::string start = "| `" + std::string(id) + "` | ";
  std::size_t at = md.find(start);
  if (at != std::string::npos) at = md.find(start, at + 1);  // the first is the catalogue row
  if (at == std::string::npos) return {};
  const std::string line = md.substr(at, md.find('\n', at) - at);
  std::vector<std::string> cells;
  std::size_t pos = start.size();
  for (std::size_t bar = line.find(" | ", pos); bar != std::string::npos;
       bar = line.find(" | ", pos)) {
    cells.push_back(line.substr(pos, bar - pos));
    pos = bar + 3;
  }
  if (line.size() >= pos + 2) cells.push_back(line.substr(pos, line.size() - pos - 2));  // " |"
  return cells;
}

}  // namespace mnscreen::test

#endif  // MNSCREEN_TESTS_TEST_SUPPORT_HPP
