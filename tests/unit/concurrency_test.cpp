// SPDX-License-Identifier: Apache-2.0
// One screener shared by several threads must give exactly the serial results.
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "mnscreen/mnscreen.hpp"
#include "test_support.hpp"

using namespace mnscreen;

namespace {

std::vector<std::pair<intake, procedure_plan>> cases() {
  std::vector<std::pair<intake, procedure_plan>> out;
  const auto all_areas_list = all_codes<area>();
  for (int i = 0; i < 40; ++i) {
    intake in = test::healthy_intake();
    procedure_plan plan = test::basic_plan();
    const auto u = static_cast<std::size_t>(i);
    plan.areas = {all_areas_list[u % all_areas_list.size()], area::cheeks};
    plan.needle_depth = millimetres{0.25 + 0.25 * (i % 8)};
    plan.device = all_codes<device_type>()[u % 6];
    if (i % 3 == 0)
      in.medications.push_back({.code = medication_code::warfarin, .route = route::oral});
    if (i % 4 == 0)
      in.conditions.push_back({.code = condition_code::keloid,
                               .status = condition_status::history,
                               .sites = {area::chest}});
    if (i % 5 == 0)
      in.procedures.push_back({.code = procedure_code::chemical_peel,
                               .date = test::d("2026-11-25"),
                               .areas = {area::cheeks},
                               .depth = peel_depth::superficial});
    if (i % 7 == 0) in.patient.fitzpatrick = 5;
    if (i % 2 == 0) in.labs.push_back({lab_code::inr, 2.0 + 0.1 * i, test::d("2026-11-28"), {}});
    out.emplace_back(std::move(in), std::move(plan));
  }
  return out;
}

}  // namespace

TEST_CASE("concurrency: one screener, many threads, identical to serial", "[concurrency]") {
  const screener s;
  const auto inputs = cases();
  std::vector<report> serial;
  for (const auto& [in, plan] : inputs) serial.push_back(s.screen(in, plan));

  constexpr int threads = 4;
  std::vector<std::vector<report>> results(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round)
        for (const auto& [in, plan] : inputs)
          results[static_cast<std::size_t>(t)].push_back(s.screen(in, plan));
    });
  for (auto& th : pool) th.join();
  for (const auto& per_thread : results) {
    REQUIRE(per_thread.size() == serial.size() * 5);
    for (std::size_t i = 0; i < per_thread.size(); ++i)
      CHECK(per_thread[i] == serial[i % serial.size()]);
  }
}

TEST_CASE("concurrency: screen_many from several threads, identical to serial screen",
          "[concurrency]") {
  const screener s;
  const auto inputs = cases();
  std::vector<intake> intakes;
  std::vector<procedure_plan> plans;
  std::vector<report> serial;
  for (const auto& [in, plan] : inputs) {
    intakes.push_back(in);
    plans.push_back(plan);
    serial.push_back(s.screen(in, plan));
  }
  constexpr int threads = 4;
  std::vector<std::vector<report>> results(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round)
        results[static_cast<std::size_t>(t)] = s.screen_many(intakes, plans);
    });
  for (auto& th : pool) th.join();
  for (const auto& per_thread : results) CHECK(per_thread == serial);
}
