// SPDX-License-Identifier: Apache-2.0
// FHIR end to end (read each of the 27 sample bundles of ../shared/fhir/bundles with the FHIR
// reader, then screen the intake) against the limit: Boost.JSON parsing the same bytes. Issue 6
// target: read + screen at least half the throughput of parse-only, measured in the same run.
// The ratio of the median throughputs (bytes per second) is printed at the end.
#include <benchmark/benchmark.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench_data.hpp"
#include "mnscreen/fhir.hpp"
#include "mnscreen/screener.hpp"

namespace {

using namespace mnscreen;

/// The sample bundles, read once, in file-name order.
const std::vector<std::string>& bundles() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::filesystem::path> paths;
    for (const auto& e :
         std::filesystem::directory_iterator(std::string(MNSCREEN_SHARED_DIR) + "/fhir/bundles"))
      if (e.path().extension() == ".json") paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());
    std::vector<std::string> out;
    for (const auto& p : paths) {
      std::ifstream in(p, std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      out.push_back(s.str());
    }
    return out;
  }();
  return texts;
}

std::int64_t total_bytes() {
  std::int64_t n = 0;
  for (const auto& b : bundles()) n += static_cast<std::int64_t>(b.size());
  return n;
}

void count(benchmark::State& state) {
  state.counters["bundles_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * static_cast<std::int64_t>(bundles().size())),
      benchmark::Counter::kIsRate);
  state.SetBytesProcessed(state.iterations() * total_bytes());
}

// The limit: Boost.JSON's parse of every bundle into a DOM (default allocator), as any caller
// would write it.
void boost_parse_only(benchmark::State& state) {
  for (auto _ : state)
    for (const auto& b : bundles()) benchmark::DoNotOptimize(boost::json::parse(b));
  count(state);
}
BENCHMARK(boost_parse_only)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);

// Boost.JSON at its fastest: one parser reused, a monotonic arena per document (what the FHIR
// reader itself does internally, so the fair limit of the parsing part).
void boost_parse_monotonic(benchmark::State& state) {
  boost::json::parser p;
  for (auto _ : state)
    for (const auto& b : bundles()) {
      boost::json::monotonic_resource arena;
      p.reset(&arena);
      p.write(b);
      benchmark::DoNotOptimize(p.release());
    }
  count(state);
}
BENCHMARK(boost_parse_monotonic)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);

// What `mnscreen screen --fhir` does for each bundle: read as of the plan's date, screen.
void fhir_read_and_screen(benchmark::State& state) {
  const screener s;
  const fhir_reader reader;
  procedure_plan plan = bench::typical_plan();
  const fhir_options options = make_fhir_options(s.active_policy(), plan.date);
  for (auto _ : state)
    for (const auto& b : bundles()) {
      auto r = reader.read(b, options);
      benchmark::DoNotOptimize(s.screen(r.value.record, plan));
    }
  count(state);
}
BENCHMARK(fhir_read_and_screen)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);

// The reader alone.
void part_fhir_read(benchmark::State& state) {
  const fhir_reader reader;
  const fhir_options options = make_fhir_options(policy{}, bench::typical_plan().date);
  for (auto _ : state)
    for (const auto& b : bundles()) benchmark::DoNotOptimize(reader.read(b, options));
  count(state);
}
BENCHMARK(part_fhir_read)->Unit(benchmark::kMillisecond);

// Building a reader (parsing the embedded terminology tables): once per fhir_reader.
void part_reader_construction(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(fhir_reader{});
}
BENCHMARK(part_reader_construction)->Unit(benchmark::kMicrosecond);

// Keeps the median throughput of every benchmark while printing as usual.
class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      const bool single = r.run_type == Run::RT_Iteration && r.repetitions <= 1;
      const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      const auto it = r.counters.find("bytes_per_second");
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
  std::printf("\n%zu bundles, %lld bytes\n", bundles().size(),
              static_cast<long long>(total_bytes()));
  const auto e2e = r.find("fhir_read_and_screen");
  for (const char* name : {"boost_parse_only", "boost_parse_monotonic"}) {
    const auto limit = r.find(name);
    if (e2e != r.end() && limit != r.end() && limit->second > 0)
      std::printf(
          "ratio fhir_read_and_screen / %s = %.3f (median MB/s %.1f / %.1f; target >= "
          "0.5 against boost_parse_only)\n",
          name, e2e->second / limit->second, e2e->second / 1e6, limit->second / 1e6);
  }
  return 0;
}
