// SPDX-License-Identifier: Apache-2.0
// The server from many client threads at once, and the drain with requests in flight. Labelled
// `concurrency`: the tsan stage runs these under ThreadSanitizer.
#include <catch2/catch.hpp>

#include "server_test_support.hpp"

using namespace server_test;

TEST_CASE("many clients at once: hooks, screens, feedback and metrics", "[concurrency][server]") {
  test_server s;
  const std::string intake = R"({"schema": "mnscreen.intake/1", "patient": {"sex": "female"}})";
  const std::string plan = R"({"schema": "mnscreen.plan/1", "date": "2026-12-01", "device": "pen",
      "needle_depth_mm": 1.0, "areas": ["cheeks"], "anesthetic": "lidocaine", "setting": "clinic"})";
  constexpr int threads = 6;
  constexpr int per_thread = 12;
  std::atomic<int> ok{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        response r;
        switch ((t + i) % 4) {
          case 0:
            r = s.post("/screen", R"({"intake": )" + intake + R"(, "plan": )" + plan + "}");
            break;
          case 1:
            r = s.post("/cds-services/mnscreen-patient-view",
                       json::serialize(hook_request("patient-view")));
            break;
          case 2:
            r = s.post("/cds-services/mnscreen-patient-view/feedback",
                       R"({"feedback": [{"card": "3f9d0a3e-1b2c-5d4e-8f90-123456789abc",
                       "outcome": "accepted", "outcomeTimestamp": "2026-12-03T10:00:00Z"}]})");
            break;
          default:
            r = http_call(s.port(), "GET", "/metrics");
            break;
        }
        if (r.status == 200)
          ++ok;
        else
          UNSCOPED_INFO("status " << r.status << ": " << r.body.substr(0, 300));
      }
    });
  }
  for (auto& th : pool) th.join();
  CHECK(ok == threads * per_thread);
  const auto m = http_call(s.port(), "GET", "/metrics");
  CHECK(m.body.find(R"(route="/cds-services/{id}",status="200"} 18)") != std::string::npos);
}

TEST_CASE("drain: requests in flight are answered, then the server stops",
          "[concurrency][server]") {
  test_server s({{"fhir_timeout_ms", 5000}});
  fake_fhir fhir;
  fhir.slow_ms = 800;
  fhir.resources["MedicationStatement"] = {isotretinoin_statement()};
  std::vector<std::thread> clients;
  std::vector<response> results(3);
  for (std::size_t i = 0; i < results.size(); ++i) {
    clients.emplace_back([&, i] {
      auto req = hook_request("patient-view", fhir.base("slow"));
      req["prefetch"].as_object().erase("medicationStatements");
      results[i] = s.post("/cds-services/mnscreen-patient-view", json::serialize(req));
    });
  }
  // Wait until every request reached the fake FHIR server (so each is in flight), then drain.
  for (int i = 0; i < 200 && fhir.requests < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(fhir.requests == 3);
  s.http->drain();
  for (auto& c : clients) c.join();
  for (const auto& r : results) {
    CHECK(r.status == 200);
    // The fetched data arrived and was used: isotretinoin gives a critical card.
    CHECK(r.body.find("critical") != std::string::npos);
  }
  s.http->wait();
  CHECK(s.http->open_connections() == 0);
  // No longer accepting.
  asio::io_context ioc;
  tcp::socket sock(ioc);
  beast::error_code ec;
  sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port()), ec);
  CHECK(ec);
}
