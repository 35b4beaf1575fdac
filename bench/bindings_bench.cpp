// SPDX-License-Identifier: Apache-2.0
// Per-call cost of the bindings (issue 12): the C API's mnscreen_screen (JSON text in, report
// JSON out) against the C++ library doing the same work natively (parse + validate + screen +
// to_json) and against screener::screen on inputs already in memory. The Python side of the
// comparison is bench/bindings_bench.py, which runs this program first and uses the documents
// it writes with --dump=DIR (the same typical intake and plan). bench/README.md has figures.
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_data.hpp"
#include "mnscreen/c.h"
#include "mnscreen/json.hpp"
#include "mnscreen/screener.hpp"

namespace {

const std::string& intake_text() {
  static const std::string text = mnscreen::to_json(mnscreen::bench::typical_intake());
  return text;
}

const std::string& plan_text() {
  static const std::string text = mnscreen::to_json(mnscreen::bench::typical_plan());
  return text;
}

// Baseline: screener::screen on an intake and plan already read.
void cpp_screen(benchmark::State& state) {
  const mnscreen::screener s;
  const auto in = mnscreen::bench::typical_intake();
  const auto plan = mnscreen::bench::typical_plan();
  for (auto _ : state) benchmark::DoNotOptimize(s.screen(in, plan));
}
BENCHMARK(cpp_screen)->Repetitions(5)->ReportAggregatesOnly(true);

// What the C API does, called from C++: read both documents, validate, screen, write the report.
void cpp_json_screen(benchmark::State& state) {
  const mnscreen::screener s;
  for (auto _ : state) {
    auto in = mnscreen::parse_intake(intake_text());
    auto plan = mnscreen::parse_plan(plan_text());
    if (!in.ok() || !plan.ok()) throw std::runtime_error("bench inputs do not read");
    benchmark::DoNotOptimize(mnscreen::validate(in.value));
    benchmark::DoNotOptimize(mnscreen::validate(plan.value));
    std::string report = mnscreen::to_json(s.screen(in.value, plan.value));
    benchmark::DoNotOptimize(report.data());
  }
}
BENCHMARK(cpp_json_screen)->Repetitions(5)->ReportAggregatesOnly(true);

void capi_screen(benchmark::State& state) {
  mnscreen_screener* s = nullptr;
  if (mnscreen_screener_new(nullptr, nullptr, &s, nullptr) != MNSCREEN_OK)
    throw std::runtime_error("no screener");
  for (auto _ : state) {
    char* report = nullptr;
    if (mnscreen_screen(s, intake_text().c_str(), plan_text().c_str(), &report, nullptr) !=
        MNSCREEN_OK)
      throw std::runtime_error("C API screen failed");
    benchmark::DoNotOptimize(report);
    mnscreen_string_free(report);
  }
  mnscreen_screener_free(s);
}
BENCHMARK(capi_screen)->Repetitions(5)->ReportAggregatesOnly(true);

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--dump=", 7) == 0) {
      const std::string dir = argv[i] + 7;
      std::ofstream(dir + "/intake.json") << intake_text();
      std::ofstream(dir + "/plan.json") << plan_text();
      continue;
    }
    args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
