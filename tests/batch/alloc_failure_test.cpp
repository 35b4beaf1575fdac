// SPDX-License-Identifier: Apache-2.0
// A batch output line is all or nothing: when an allocation fails while a screened record's
// line is written (chunk_output::add_report), the chunk's output, counts and flag tally are as
// they were, so the record's error line (which the caller then writes) is its only trace.
//
// This program replaces the global operator new (so it is a program of its own): armed with a
// countdown, it throws std::bad_alloc at the k-th allocation from then on, and the test fails
// each allocation of add_report in turn.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <new>
#include <string>

#include "batch/pipeline.hpp"
#include "mnscreen/screener.hpp"
#include "test_support.hpp"

namespace {

// Allocations left before the failing one; negative: disarmed. One thread only.
long allocations_before_failure = -1;

}  // namespace

// Every allocation function that is not over-aligned is replaced, so that each one pairs with
// the free() below (under AddressSanitizer a mix would be reported); GCC pairs them by name,
// not by what they call. Only the throwing forms take part in the countdown.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
void* allocate(std::size_t n) {
  if (allocations_before_failure >= 0 && allocations_before_failure-- == 0) throw std::bad_alloc();
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
}  // namespace
void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return std::malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#pragma GCC diagnostic pop

using namespace mnscreen;

namespace {

// The counts of the tally's ids counted at least once (ids counted 0 change no total).
std::map<std::string, std::size_t> totals(const detail::rule_tally& t) {
  std::map<std::string, std::size_t> out;
  for (const auto& [id, n] : t.counts())
    if (n > 0) out[id] += n;
  return out;
}

report screened(const intake& in) { return screener{}.screen(in, test::basic_plan()); }

}  // namespace

TEST_CASE("batch: a line whose writing fails leaves nothing of itself in the chunk", "[batch]") {
  intake first = test::healthy_intake();
  first.negatives.clear();
  first.medications.push_back(
      {.code = medication_code::warfarin, .route = route::oral, .start = test::d("2025-01-01")});
  intake second = first;
  second.medications.push_back(
      {.code = medication_code::fish_oil, .route = route::oral, .start = test::d("2025-01-01")});
  second.conditions.push_back(
      {.code = condition_code::keloid, .status = condition_status::history});
  const report a = screened(first);
  const report b = screened(second);
  REQUIRE_FALSE(a.flags.empty());
  // The second report has a rule the tally has already seen before one it has not (whose id
  // is too long to be stored inline): a tally that counted as it went would then keep part
  // of the report when learning the new id fails.
  const auto seen = [&](const flag& f) { return test::find_flag(a, f.rule_id) != nullptr; };
  const auto first_new = std::find_if_not(b.flags.begin(), b.flags.end(), seen);
  REQUIRE(first_new != b.flags.end());
  REQUIRE(first_new != b.flags.begin());
  REQUIRE(seen(b.flags.front()));
  REQUIRE(first_new->rule_id.size() > 15);

  for (const bool count_rules : {false, true}) {
    INFO("count_rules " << count_rules);
    detail::chunk_output chunk;
    chunk.count_rules = count_rules;
    chunk.add_report("\"a\"", "line", 1, a);
    // No room kept: writing the next line must allocate (the output grows, the JSON room is
    // made again, the tally learns an id).
    chunk.out.shrink_to_fit();
    chunk.json_room = std::string();

    long failures = 0;
    for (long k = 0;; ++k) {
      const detail::chunk_output before = chunk;
      bool failed = false;
      allocations_before_failure = k;
      try {
        chunk.add_report("\"b\"", "line", 2, b);
      } catch (const std::bad_alloc&) {
        failed = true;
      }
      allocations_before_failure = -1;
      if (!failed) {
        // Whole at last: one more line, counted once.
        CHECK(chunk.out.size() > before.out.size());
        CHECK(chunk.out.compare(0, before.out.size(), before.out) == 0);
        CHECK(chunk.out.back() == '\n');
        CHECK(chunk.counts.screened == before.counts.screened + 1);
        if (count_rules) CHECK(totals(chunk.rules) != totals(before.rules));
        break;
      }
      ++failures;
      INFO("allocation " << k << " failed");
      REQUIRE(chunk.out == before.out);
      REQUIRE(chunk.counts == before.counts);
      REQUIRE(totals(chunk.rules) == totals(before.rules));
    }
    // The failures really hit add_report at several points.
    CHECK(failures >= (count_rules ? 3 : 2));

    // The line written after the failures is the one a chunk without failures writes.
    detail::chunk_output clean;
    clean.count_rules = count_rules;
    clean.add_report("\"a\"", "line", 1, a);
    clean.add_report("\"b\"", "line", 2, b);
    CHECK(chunk.out == clean.out);
    CHECK(chunk.counts == clean.counts);
    CHECK(totals(chunk.rules) == totals(clean.rules));
  }
}
