// SPDX-License-Identifier: Apache-2.0
// screen() on the typical intake (issue 3 target: median under 2 us on one core), and the
// parts of a screen measured one by one, with heap allocations counted per call, so that a
// regression shows where the time and the allocations went.
#include <benchmark/benchmark.h>
#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "bench_data.hpp"
#include "facts.hpp"
#include "mnscreen/risk_model.hpp"
#include "mnscreen/screener.hpp"
#include "model/features.hpp"
#include "rules/engine.hpp"
#include "rules/questions.hpp"

// --- allocation counting: every operator new of the program goes through here --------------

namespace {
std::atomic<std::size_t> allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace mnscreen;

// Runs `body` in the benchmark loop and reports allocations per call.
template <class F>
void measure(benchmark::State& state, F body) {
  const std::size_t before = allocations.load(std::memory_order_relaxed);
  for (auto _ : state) body();
  const std::size_t after = allocations.load(std::memory_order_relaxed);
  state.counters["allocs"] =
      benchmark::Counter(static_cast<double>(after - before), benchmark::Counter::kAvgIterations);
  state.SetItemsProcessed(state.iterations());
}

void screen_typical(benchmark::State& state) {
  const screener s;
  const intake in = bench::typical_intake();
  const procedure_plan plan = bench::typical_plan();
  measure(state, [&] { benchmark::DoNotOptimize(s.screen(in, plan)); });
}
BENCHMARK(screen_typical)->Repetitions(9)->ReportAggregatesOnly(true);

void screen_minimal(benchmark::State& state) {
  const screener s;
  intake in;
  in.patient.birth_date = bench::day("1980-01-01");
  const procedure_plan plan = bench::typical_plan();
  measure(state, [&] { benchmark::DoNotOptimize(s.screen(in, plan)); });
}
BENCHMARK(screen_minimal)->Repetitions(5)->ReportAggregatesOnly(true);

// screen_into: the same screen into one report reused from call to call (its lists and some
// of its strings keep their capacity), as a loop over many patients on one thread would do.
void screen_into_reused(benchmark::State& state) {
  const screener s;
  const intake in = bench::typical_intake();
  const procedure_plan plan = bench::typical_plan();
  report r;
  measure(state, [&] {
    s.screen_into(in, plan, r);
    benchmark::DoNotOptimize(r);
  });
}
BENCHMARK(screen_into_reused)->Repetitions(9)->ReportAggregatesOnly(true);

// screen_many: `range(0)` patients per call (the typical intake and plan each time, so the
// figures compare with screen_typical), one score_batch product for all of them. Reported per
// patient: `per_patient` (time) and `allocs` (heap allocations).
template <bool Reuse>
void screen_many_typical(benchmark::State& state) {
  const screener s;
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<intake> intakes(n, bench::typical_intake());
  const std::vector<procedure_plan> plans(n, bench::typical_plan());
  std::vector<report> out(n);
  const std::size_t before = allocations.load(std::memory_order_relaxed);
  for (auto _ : state) {
    if constexpr (Reuse) {
      s.screen_many(intakes, plans, out);
      benchmark::DoNotOptimize(out);
    } else {
      benchmark::DoNotOptimize(s.screen_many(intakes, plans));
    }
  }
  const std::size_t after = allocations.load(std::memory_order_relaxed);
  const double patients = static_cast<double>(state.iterations()) * static_cast<double>(n);
  state.counters["allocs"] = benchmark::Counter(static_cast<double>(after - before) / patients);
  state.counters["per_patient"] =
      benchmark::Counter(patients, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetItemsProcessed(static_cast<std::int64_t>(patients));
}
BENCHMARK(screen_many_typical<false>)
    ->Name("screen_many")
    ->Arg(256)
    ->Repetitions(9)
    ->ReportAggregatesOnly(true);
BENCHMARK(screen_many_typical<true>)
    ->Name("screen_many_into_reused")
    ->Arg(256)
    ->Repetitions(9)
    ->ReportAggregatesOnly(true);

// --- the steps of screener::screen, in its order ---------------------------------------------

void step_validate(benchmark::State& state) {
  const intake in = bench::typical_intake();
  const procedure_plan plan = bench::typical_plan();
  measure(state, [&] {
    benchmark::DoNotOptimize(validate(plan));
    benchmark::DoNotOptimize(validate(in));
  });
}
BENCHMARK(step_validate);

void step_rules(benchmark::State& state) {
  const policy pol;
  const intake in = bench::typical_intake();
  const procedure_plan plan = bench::typical_plan();
  measure(state, [&] {
    const detail::facts f(in, plan, pol);
    std::size_t fired = 0;
    for (const auto& rule : detail::rule_table()) {
      detail::finding out;
      rule.check(f, out);
      if (out.fired()) ++fired;
    }
    benchmark::DoNotOptimize(fired);
  });
}
BENCHMARK(step_rules);

void step_rules_to_flags(benchmark::State& state) {
  const policy pol;
  const intake in = bench::typical_intake();
  const procedure_plan plan = bench::typical_plan();
  measure(state, [&] {
    const detail::facts f(in, plan, pol);
    std::vector<flag> flags;
    detail::finding out;
    bool slot_ready = false;
    for (const auto& rule : detail::rule_table()) {
      if (!slot_ready) out.write_into(flags.emplace_back());
      slot_ready = true;
      rule.check(f, out);
      if (!out.fired()) continue;
      out.fill_flag(rule.info);
      slot_ready = false;
    }
    if (slot_ready) flags.pop_back();
    benchmark::DoNotOptimize(flags);
  });
}
BENCHMARK(step_rules_to_flags);

void step_questions(benchmark::State& state) {
  const policy pol;
  const intake in = bench::typical_intake();
  const procedure_plan plan = bench::typical_plan();
  measure(state, [&] {
    const detail::facts f(in, plan, pol);
    std::vector<question_item> questions;
    detail::unknown_factors(f, questions);
    benchmark::DoNotOptimize(questions);
    benchmark::DoNotOptimize(detail::contradictions(f));
  });
}
BENCHMARK(step_questions);

void step_risk_features(benchmark::State& state) {
  const policy pol;
  const intake in = bench::typical_intake();
  const procedure_plan plan = bench::typical_plan();
  measure(state, [&] { benchmark::DoNotOptimize(risk_feature_vector(in, plan, pol)); });
}
BENCHMARK(step_risk_features);

// What screen() does now for the features: written from the facts the rules already read
// (built once, outside the loop) into a stack array, no allocation. `step_risk_features` above
// is the public `risk_feature_vector`, which builds its own facts and returns a vector.
void step_fill_risk_features(benchmark::State& state) {
  const policy pol;
  const intake in = bench::typical_intake();
  const procedure_plan plan = bench::typical_plan();
  const detail::facts f(in, plan, pol);
  std::array<double, detail::feature_count> x{};
  measure(state, [&] {
    detail::fill_risk_features(f, x);
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  });
}
BENCHMARK(step_fill_risk_features);

void step_risk_score(benchmark::State& state) {
  const policy pol;
  const risk_model model = risk_model::prior();
  const auto x = risk_feature_vector(bench::typical_intake(), bench::typical_plan(), pol);
  measure(state, [&] { benchmark::DoNotOptimize(model.score(x, pol)); });
}
BENCHMARK(step_risk_score);

// What screen_into does for the scores: `detail::score_into` into the risks of a reused
// report (their drivers keep their capacity). `step_risk_score` is the public
// `risk_model::score`, which returns a fresh vector.
void step_risk_score_into_reused(benchmark::State& state) {
  const policy pol;
  const risk_model model = risk_model::prior();
  const auto x = risk_feature_vector(bench::typical_intake(), bench::typical_plan(), pol);
  std::vector<risk_score> risks;
  measure(state, [&] {
    detail::score_into(model, x, pol, risks);
    benchmark::DoNotOptimize(risks.data());
    benchmark::ClobberMemory();
  });
}
BENCHMARK(step_risk_score_into_reused);

// Building a screener: where the policy is validated and the override list made, once.
void screener_construction(benchmark::State& state) {
  const policy pol;
  measure(state, [&] { benchmark::DoNotOptimize(screener{pol}); });
}
BENCHMARK(screener_construction);

}  // namespace

BENCHMARK_MAIN();
