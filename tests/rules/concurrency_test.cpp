// SPDX-License-Identifier: Apache-2.0
// One screener shared by many threads gives the same reports as serial screening.
#include <atomic>
#include <cstddef>
#include <thread>
#include <utility>
#include <vector>

#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;

namespace {

using case_t = std::pair<intake, procedure_plan>;

/// About fifty varied patients and plans, each touching different rules.
std::vector<case_t> varied_cases() {
  std::vector<case_t> out;
  for (int i = 0; i < 50; ++i) {
    intake in = mt::healthy_intake();
    procedure_plan plan = mt::basic_plan();
    const auto u = static_cast<unsigned>(i);
    plan.date = mt::shift(plan.date, i * 3);
    plan.device = (i % 5 == 0) ? device_type::rf_microneedling
                               : (i % 7 == 0 ? device_type::derma_roller : device_type::pen);
    plan.needle_depth = millimetres{0.25 + 0.25 * static_cast<double>(i % 8)};
    const area choices[] = {area::cheeks,   area::forehead, area::back,  area::neck,
                            area::perioral, area::scalp,    area::chest, area::legs};
    plan.areas = {choices[u % 8]};
    if (i % 3 == 0) plan.areas.push_back(choices[(u + 3) % 8]);
    if (i % 11 == 0) plan.setting = setting::home;
    if (i % 4 == 1) plan.anesthetic = anesthetic::lidocaine_prilocaine;
    if (i % 9 == 2) plan.single_use_needles = known::unknown;
    if (i % 13 == 3) plan.adjuncts = {adjunct::prp, adjunct::non_sterile_serum};
    in.patient.fitzpatrick = 1 + i % 6;
    if (i % 2 == 0) {
      in.patient.sex = sex::female;
      in.patient.birth_date = mt::born_years_before(plan.date, 14 + i);
      in.patient.pregnant = (i % 8 == 0) ? known::yes : known::unknown;
    }
    if (i % 6 == 1) in.patient.smoker = known::yes;
    if (i % 5 == 1)
      mt::add_medication(in, medication_code::isotretinoin, route::oral,
                         mt::days_before(plan, 10 * i));
    if (i % 7 == 2) mt::add_medication(in, medication_code::warfarin, route::oral);
    if (i % 7 == 3) {
      mt::add_medication(in, medication_code::apixaban, route::oral);
      mt::add_lab(in, lab_code::platelets, 60.0 + i * 3, mt::days_before(plan, 4));
    }
    if (i % 8 == 5) {
      mt::add_condition(in, condition_code::diabetes_mellitus);
      mt::add_lab(in, lab_code::hba1c, 6.0 + 0.1 * i, mt::days_before(plan, 20));
    }
    if (i % 10 == 6)
      mt::add_condition(in, condition_code::keloid, condition_status::history, {choices[u % 8]});
    if (i % 6 == 4)
      mt::add_condition(in, condition_code::hsv_labialis, condition_status::history,
                        {area::perioral});
    if (i % 9 == 7)
      mt::add_condition(in, condition_code::acne_vulgaris, condition_status::active, {area::cheeks})
          .severity = condition_severity::moderate;
    if (i % 12 == 8) mt::add_allergy(in, allergy_substance::nickel);
    if (i % 4 == 2)
      mt::add_procedure(in, procedure_code::chemical_peel, mt::days_before(plan, i % 20), {},
                        peel_depth::medium);
    if (i % 10 == 9) mt::add_device(in, device_code::pacemaker);
    if (i % 15 == 10) mt::undeny(in, question::skin_infection);
    out.emplace_back(std::move(in), std::move(plan));
  }
  return out;
}

}  // namespace

TEST_CASE("concurrency: one screener across eight threads gives the serial reports",
          "[concurrency][rules]") {
  const std::vector<case_t> cases = varied_cases();
  const screener s;
  std::vector<report> expected;
  expected.reserve(cases.size());
  for (const auto& [in, plan] : cases) expected.push_back(s.screen(in, plan));

  // The cases really are varied: several decisions occur.
  std::vector<decision> seen;
  for (const report& r : expected)
    if (std::find(seen.begin(), seen.end(), r.decision) == seen.end()) seen.push_back(r.decision);
  CHECK(seen.size() >= 4);

  constexpr int thread_count = 8;
  constexpr int rounds = 20;
  std::atomic<int> mismatches{0};
  std::atomic<int> screens{0};
  std::vector<std::thread> threads;
  threads.reserve(thread_count);
  for (int t = 0; t < thread_count; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < rounds; ++round) {
        for (std::size_t k = 0; k < cases.size(); ++k) {
          // Each thread walks the cases from a different starting point.
          const std::size_t j = (k + static_cast<std::size_t>(t) * 7) % cases.size();
          const report r = s.screen(cases[j].first, cases[j].second);
          if (!(r == expected[j])) ++mismatches;
          ++screens;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  CHECK(screens.load() == thread_count * rounds * static_cast<int>(cases.size()));
  CHECK(mismatches.load() == 0);
}

TEST_CASE("concurrency: a copied screener gives the same reports", "[concurrency][rules]") {
  const std::vector<case_t> cases = varied_cases();
  policy p;
  p.name = "copied";
  p.isotretinoin_washout_days = 90;
  const screener original{p};
  const screener copy = original;  // NOLINT(performance-unnecessary-copy-initialization)
  for (const auto& [in, plan] : cases) CHECK(copy.screen(in, plan) == original.screen(in, plan));
}
