// SPDX-License-Identifier: Apache-2.0
// patient-view in process (issue 15, "Speed"): the CPU cost of one CDS Hooks call without the
// sockets, the stable figure behind bench/serve_load.sh. The request is the realistic one of
// bench/serve_prefetch.py (~50 resources, 27 KB), written by the script at start.
//
//   bench_cds_patient_view                       the whole call through `service::handle`
//                                                (parse, prefetch, FHIR reader, screen, cards,
//                                                audit record), audit on and off
//   cds_parse_request / cds_screen_request / cds_to_response
//                                                the library's three stages alone
//   cds_bench --calls N / --outputs               N calls for instruction counts (callgrind) /
//                                                one call's outputs written out
//
// The whole-call benchmarks measure the CPU time of the process (MeasureProcessCPUTime), so
// the audit writer thread's share (SQLite) is counted too.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "mnscreen/cds_hooks.hpp"
#include "mnscreen/fhir.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/screener.hpp"
#include "server.hpp"

namespace {

using namespace mnscreen;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The request body of bench/serve_prefetch.py (run once).
const std::string& request_body() {
  static const std::string body = [] {
    const std::string cmd =
        std::string("/usr/bin/python3 ") + MNSCREEN_BENCH_DIR + "/serve_prefetch.py 2>/dev/null";
    std::FILE* f = ::popen(cmd.c_str(), "r");
    if (f == nullptr) throw std::runtime_error("cannot run serve_prefetch.py");
    std::string out;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    if (::pclose(f) != 0 || out.empty()) throw std::runtime_error("serve_prefetch.py failed");
    return out;
  }();
  return body;
}

/// A scratch folder with the default plan and, for the audit variant, the audit database.
struct scratch {
  std::filesystem::path dir;
  scratch() {
    char tmpl[] = "/tmp/mnscreen-cds-bench-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    std::filesystem::copy_file(std::string(MNSCREEN_EXAMPLES_DATA_DIR) + "/plan-cheeks-pen.json",
                               dir / "plan.json");
  }
  ~scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
};

std::unique_ptr<server::service> make_service(const scratch& s, bool audit) {
  std::string text =
      R"({"schema": "mnscreen.serve/1", "listen": "127.0.0.1:0", "threads": 2,
          "base_url": "http://127.0.0.1", "default_plan": "plan.json")";
  if (audit) text += R"(, "audit_db": "audit.db")";
  text += "}";
  auto cfg = server::parse_config(text, s.dir);
  if (!cfg.ok()) throw std::runtime_error("bench config rejected");
  server::service_options o;
  o.insecure_dev = true;
  std::vector<std::string> errors;
  auto svc = server::service::create(cfg.value, o, errors);
  if (!svc) throw std::runtime_error("service::create failed: " + errors.front());
  return svc;
}

// The patient-view call every measurement makes: the request of bench/serve_prefetch.py.
server::request patient_view_request() {
  server::request r;
  r.method = "POST";
  r.target = "/cds-services/mnscreen-patient-view";
  r.body = request_body();
  r.content_type = "application/json";
  return r;
}

void patient_view(benchmark::State& state, bool audit) {
  scratch s;
  auto svc = make_service(s, audit);
  const server::request r = patient_view_request();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto out = svc->handle(r);
    if (out.status != 200) {
      state.SkipWithError("patient-view did not answer 200");
      break;
    }
    bytes = out.body.size();
    benchmark::DoNotOptimize(out);
  }
  svc->flush_audit();
  state.counters["response_bytes"] = static_cast<double>(bytes);
  state.counters["calls_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void bench_cds_patient_view(benchmark::State& state) { patient_view(state, true); }
BENCHMARK(bench_cds_patient_view)
    ->Unit(benchmark::kMicrosecond)
    ->MeasureProcessCPUTime()
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

void bench_cds_patient_view_no_audit(benchmark::State& state) { patient_view(state, false); }
BENCHMARK(bench_cds_patient_view_no_audit)
    ->Unit(benchmark::kMicrosecond)
    ->MeasureProcessCPUTime()
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

// --- the library's stages alone ---------------------------------------------------------------

struct library {
  screener screen;
  fhir_reader reader;
  cds::hook_settings settings;
  library() {
    auto plan =
        parse_plan(slurp(std::string(MNSCREEN_EXAMPLES_DATA_DIR) + "/plan-cheeks-pen.json"));
    if (!plan.ok()) throw std::runtime_error("plan rejected");
    settings.default_plan = plan.value;
  }
};

const date today = *parse_date("2026-12-03");

void cds_parse_request(benchmark::State& state) {
  const auto& body = request_body();
  for (auto _ : state) benchmark::DoNotOptimize(cds::parse_request(body));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(cds_parse_request)->Unit(benchmark::kMicrosecond);

void cds_screen_request(benchmark::State& state) {
  library lib;
  const auto req = cds::parse_request(request_body());
  for (auto _ : state)
    benchmark::DoNotOptimize(
        cds::screen_request(req.value, lib.screen, lib.reader, lib.settings, today));
}
BENCHMARK(cds_screen_request)->Unit(benchmark::kMicrosecond);

void cds_to_response(benchmark::State& state) {
  library lib;
  const auto req = cds::parse_request(request_body());
  const auto result = cds::screen_request(req.value, lib.screen, lib.reader, lib.settings, today);
  for (auto _ : state) benchmark::DoNotOptimize(cds::to_response(result, req.value));
}
BENCHMARK(cds_to_response)->Unit(benchmark::kMicrosecond);

// `cds_bench --calls N`: N patient-view calls through `service::handle` (no audit) and
// nothing else, for instruction counts that the load of a shared machine does not change
// (`valgrind --tool=callgrind`, the difference of two values of N divided by their difference;
// bench/README.md).
int count_calls(long n) {
  scratch s;
  auto svc = make_service(s, false);
  const server::request r = patient_view_request();
  std::size_t bytes = 0;
  for (long i = 0; i < n; ++i) bytes += svc->handle(r).body.size();
  std::printf("%ld calls, %zu response bytes\n", n, bytes);
  return 0;
}

// `cds_bench --outputs`: what one patient-view call gives, written out (the service's response
// body, the library's hook input as the FHIR reader's JSON, the report and the response), to
// compare two builds byte for byte after a change that must not alter them.
int print_outputs() {
  scratch s;
  auto svc = make_service(s, false);
  const server::request r = patient_view_request();
  const auto answer = svc->handle(r);
  std::printf("status %d\n%s\n", answer.status, answer.body.c_str());
  library lib;
  const auto req = cds::parse_request(request_body());
  for (const auto& d : req.diagnostics) std::printf("request: %s\n", format(d).c_str());
  const auto result = cds::screen_request(req.value, lib.screen, lib.reader, lib.settings, today);
  for (const auto& d : result.input.diagnostics) std::printf("input: %s\n", format(d).c_str());
  std::printf("%s\n", to_json(result.input.fhir).c_str());
  if (result.screen) std::printf("%s\n", to_json(*result.screen).c_str());
  std::printf("%s\n", cds::to_response(result, req.value).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--calls") return count_calls(std::atol(argv[2]));
  if (argc == 2 && std::string(argv[1]) == "--outputs") return print_outputs();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
