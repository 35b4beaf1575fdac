// SPDX-License-Identifier: Apache-2.0
// Private to `service` (service.cpp, service_hooks.cpp): its state and the /metrics counters.
#ifndef MNSCREEN_SERVER_SERVICE_IMPL_HPP
#define MNSCREEN_SERVER_SERVICE_IMPL_HPP

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "jwt.hpp"
#include "mnscreen/cds_hooks.hpp"
#include "mnscreen/fhir.hpp"
#include "mnscreen/screener.hpp"
#include "server.hpp"
#ifdef MNSCREEN_SERVER_HAS_AUDIT
#include "audit/audit.hpp"
#endif

namespace mnscreen::server {

// The latency histogram of /metrics (milliseconds).
constexpr std::array<double, 13> bucket_bounds{0.5, 1,   2,   5,    10,   25,  50,
                                               100, 250, 500, 1000, 2500, 5000};

struct metrics {
  std::mutex mutex;
  std::map<std::pair<std::string, unsigned>, std::uint64_t> requests;
  std::array<std::atomic<std::uint64_t>, bucket_bounds.size() + 1> buckets{};
  std::atomic<std::uint64_t> count{0};
  std::atomic<std::uint64_t> sum_us{0};
  std::atomic<std::uint64_t> fetches_ok{0}, fetches_failed{0}, fetches_timeout{0};
  std::atomic<std::uint64_t> tokens_rejected{0};
};

struct service::impl {
  config cfg;
  service_options opts;
  screener screen;
  fhir_reader reader;
  procedure_plan default_plan;
  cds::hook_settings hook_settings;
  std::unique_ptr<token_verifier> verifier;
  metrics m;
  std::string model_version;
#ifdef MNSCREEN_SERVER_HAS_AUDIT
  std::unique_ptr<audit::log> audit_log;
#endif

  std::int64_t now_seconds() const {
    if (opts.clock) return opts.clock();
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  reply handle(const request& r);
  reply screen_endpoint(const request& r, bool fhir);
  reply hook_endpoint(const request& r, const cds::service_info& svc, const std::string& issuer);
  reply feedback_endpoint(const request& r, const cds::service_info& svc);
  reply health() const;
  reply metrics_text() const;
};

}  // namespace mnscreen::server

#endif  // MNSCREEN_SERVER_SERVICE_IMPL_HPP
