// SPDX-License-Identifier: Apache-2.0
// JSON end to end (parse intake + plan, screen, write the report) against the limit: parsing
// the same two documents with Boost.JSON alone. Issue 3 target: end to end at least half the
// throughput of parse-only, on one core. Both run in the same program, one after the other;
// the ratio of their median throughputs is printed at the end.
#include <benchmark/benchmark.h>
#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <new>
#include <string>

#include "bench_data.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/screener.hpp"

// Counts every operator new of the program (the benchmarks run on one thread), so that each part
// reports its allocations per iteration.
namespace {
std::size_t allocations = 0;
}  // namespace

void* operator new(std::size_t n) {
  ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace mnscreen;

// Allocations per iteration since `before`, as a counter.
void count_allocations(benchmark::State& state, std::size_t before) {
  state.counters["allocs"] =
      static_cast<double>(allocations - before) /
      static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
}

const std::string& intake_text() {
  static const std::string text = to_json(bench::typical_intake());
  return text;
}
const std::string& plan_text() {
  static const std::string text = to_json(bench::typical_plan());
  return text;
}

// Documents (intake + plan pairs) per second, and input bytes per second.
void count(benchmark::State& state) {
  state.counters["pairs_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(intake_text().size() + plan_text().size()));
}

// The limit: Boost.JSON's parse of both documents into a DOM (default allocator), as any
// caller would write it.
void boost_parse_only(benchmark::State& state) {
  const std::size_t before = allocations;
  for (auto _ : state) {
    benchmark::DoNotOptimize(boost::json::parse(intake_text()));
    benchmark::DoNotOptimize(boost::json::parse(plan_text()));
  }
  count_allocations(state, before);
  count(state);
}
BENCHMARK(boost_parse_only)->Repetitions(5)->ReportAggregatesOnly(true);

// Boost.JSON at its fastest: one parser reused, a monotonic buffer per document.
void boost_parse_reused(benchmark::State& state) {
  boost::json::parser p;
  unsigned char buffer[16384];
  for (auto _ : state) {
    for (const std::string* doc : {&intake_text(), &plan_text()}) {
      boost::json::monotonic_resource mr(buffer, sizeof buffer);
      p.reset(&mr);
      p.write(*doc);
      benchmark::DoNotOptimize(p.release());
    }
  }
  count(state);
}
BENCHMARK(boost_parse_reused)->Repetitions(5)->ReportAggregatesOnly(true);

// What `mnscreen screen` and `mnscreen batch` do for one record.
void json_end_to_end(benchmark::State& state) {
  const screener s;
  const std::size_t before = allocations;
  for (auto _ : state) {
    auto in = parse_intake(intake_text());
    auto plan = parse_plan(plan_text());
    benchmark::DoNotOptimize(to_json(s.screen(in.value, plan.value)));
  }
  count_allocations(state, before);
  count(state);
}
BENCHMARK(json_end_to_end)->Repetitions(5)->ReportAggregatesOnly(true);

// Issue 10's definition of end to end: the same, screening into one report reused from record
// to record (screener::screen_into, what `mnscreen batch` does on each thread).
void json_end_to_end_reused(benchmark::State& state) {
  const screener s;
  report rep;
  const std::size_t before = allocations;
  for (auto _ : state) {
    auto in = parse_intake(intake_text());
    auto plan = parse_plan(plan_text());
    s.screen_into(in.value, plan.value, rep);
    benchmark::DoNotOptimize(to_json(rep));
  }
  count_allocations(state, before);
  count(state);
}
BENCHMARK(json_end_to_end_reused)->Repetitions(5)->ReportAggregatesOnly(true);

// --- the parts of end to end ------------------------------------------------------------------

void part_parse_intake(benchmark::State& state) {
  const std::size_t before = allocations;
  for (auto _ : state) benchmark::DoNotOptimize(parse_intake(intake_text()));
  count_allocations(state, before);
  count(state);
}
BENCHMARK(part_parse_intake);

void part_parse_plan(benchmark::State& state) {
  const std::size_t before = allocations;
  for (auto _ : state) benchmark::DoNotOptimize(parse_plan(plan_text()));
  count_allocations(state, before);
  count(state);
}
BENCHMARK(part_parse_plan);

void part_screen(benchmark::State& state) {
  const screener s;
  const intake in = bench::typical_intake();
  const procedure_plan plan = bench::typical_plan();
  const std::size_t before = allocations;
  for (auto _ : state) benchmark::DoNotOptimize(s.screen(in, plan));
  count_allocations(state, before);
  count(state);
}
BENCHMARK(part_screen);

void part_write_report(benchmark::State& state) {
  const report rep = screener{}.screen(bench::typical_intake(), bench::typical_plan());
  const std::size_t before = allocations;
  for (auto _ : state) benchmark::DoNotOptimize(to_json(rep));
  count_allocations(state, before);
  count(state);
  state.counters["report_bytes"] = static_cast<double>(to_json(rep).size());
}
BENCHMARK(part_write_report);

// Boost.JSON serialising the same report text (parsed once): the writer's own limit.
void boost_serialize_report(benchmark::State& state) {
  const report rep = screener{}.screen(bench::typical_intake(), bench::typical_plan());
  const auto doc = boost::json::parse(to_json(rep));
  for (auto _ : state) benchmark::DoNotOptimize(boost::json::serialize(doc));
  count(state);
}
BENCHMARK(boost_serialize_report);

// Keeps the median throughput of every benchmark while printing as usual.
class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      const bool single = r.run_type == Run::RT_Iteration && r.repetitions <= 1;
      const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      const auto it = r.counters.find("pairs_per_s");
      if ((single || median) && it != r.counters.end())
        rates[r.run_name.function_name] = it->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> rates;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  const auto& r = reporter.rates;
  std::printf("\nintake %zu bytes, plan %zu bytes\n", intake_text().size(), plan_text().size());
  for (const char* path : {"json_end_to_end", "json_end_to_end_reused"}) {
    const auto e2e = r.find(path);
    for (const char* limit : {"boost_parse_only", "boost_parse_reused"}) {
      const auto l = r.find(limit);
      if (e2e == r.end() || l == r.end() || l->second <= 0) continue;
      std::printf(
          "ratio %s / %s = %.3f (median pairs/s %.0f / %.0f; target >= 0.5 "
          "against boost_parse_only)\n",
          path, limit, e2e->second / l->second, e2e->second, l->second);
    }
  }
  return 0;
}
