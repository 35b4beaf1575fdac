// SPDX-License-Identifier: Apache-2.0
// Property: one screener shared by several threads gives, for random intakes, plans and
// policies, exactly the reports of a serial run. Labelled `concurrency`: CI also runs it under
// ThreadSanitizer. (Generation happens on the main thread; only screening runs in parallel.)
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <thread>
#include <vector>

#include "property_support.hpp"

namespace {

using namespace mnscreen;
using namespace mnscreen::prop;

}  // namespace

TEST_CASE("property: screening is identical across threads", "[property][concurrency]") {
  rc::prop("one shared screener, four threads", [] {
    const screener s{*gen_policy()};
    const auto cases = *rc::gen::container<std::vector<scenario>>(8, gen_scenario());
    std::vector<report> serial;
    for (const auto& c : cases) serial.push_back(s.screen(c.record, c.plan));

    constexpr std::size_t threads = 4;
    std::vector<std::vector<report>> results(threads);
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        // Each thread walks the cases from a different start, so threads overlap on inputs.
        for (std::size_t i = 0; i < cases.size(); ++i) {
          const auto& c = cases[(i + t) % cases.size()];
          results[t].push_back(s.screen(c.record, c.plan));
        }
      });
    }
    for (auto& th : pool) th.join();
    for (std::size_t t = 0; t < threads; ++t)
      for (std::size_t i = 0; i < cases.size(); ++i)
        RC_ASSERT(results[t][i] == serial[(i + t) % cases.size()]);
  });
}
