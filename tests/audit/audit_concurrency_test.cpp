// SPDX-License-Identifier: Apache-2.0
// Many request threads recording at once, with a small queue (so that some records take the
// spill path) and status() read all the while: every record ends in the database exactly once.
// Labelled `concurrency`: the tsan preset runs it under ThreadSanitizer.
#include "audit/audit.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "audit_test_support.hpp"

namespace audit = mnscreen::audit;
using namespace mnscreen::test::audit;
using namespace std::chrono_literals;

TEST_CASE("audit concurrency: many threads record, nothing lost, nothing doubled",
          "[audit][concurrency]") {
  const temp_dir dir;
  audit::options o;
  o.db_path = dir / "audit.db";
  o.queue_capacity = 16;
  o.retry_interval = 20ms;
  o.patient_salt = "s";
  constexpr int threads = 8;
  constexpr int per_thread = 300;
  std::uint64_t overflowed = 0;
  {
    audit::log log(o);
    std::atomic<bool> done{false};
    std::atomic<std::size_t> max_depth{0};
    // Catch assertions are not thread-safe: the watcher only records what it saw.
    std::thread watcher([&] {
      while (!done.load()) {
        const auto s = log.status();
        if (s.queue_depth > max_depth.load()) max_depth = s.queue_depth;
        std::this_thread::yield();
      }
    });
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&log, t] {
        for (int i = 0; i < per_thread; ++i) {
          const std::string id = std::to_string(t) + "-" + std::to_string(i);
          log.record(hook(id));
          // Every feedback item twice: stored once.
          log.record(feedback("card-" + id, "overridden", "r"));
          log.record(feedback("card-" + id, "overridden", "r"));
          if (i % 100 == 0) log.flush();
        }
      });
    }
    for (auto& w : workers) w.join();
    log.flush();
    REQUIRE(wait_for([&] { return log.status().spilled == 0; }));
    done = true;
    watcher.join();
    const auto s = log.status();
    CHECK(s.dropped == 0);
    CHECK_FALSE(s.degraded);
    overflowed = s.overflowed;
    CHECK(max_depth.load() <= 16);
  }
  sql db(dir / "audit.db");
  CHECK(db.count("hook_call") == threads * per_thread);
  CHECK(db.count("(SELECT DISTINCT hook_instance FROM hook_call)") == threads * per_thread);
  CHECK(db.count("feedback") == threads * per_thread);
  CHECK(db.count("card") == 2 * threads * per_thread);
  CHECK(db.count("hook_call WHERE patient_ref NOT LIKE 'sha256:%'") == 0);
  // Which path each record took depends on timing; both end in the database.
  WARN("records that found the queue full and went through the spill file: " << overflowed);
  CHECK(slurp(dir / "audit.db.spill.ndjson").empty());
}
