// SPDX-License-Identifier: Apache-2.0
// `mnscreen serve` with in-process TLS (cert_file/key_file): a self-signed certificate made at
// test time (OpenSSL API, no openssl tool), a Beast TLS client that trusts only it, keep-alive
// over TLS, failed handshakes that leave the server serving, the drain with close_notify, and
// the config errors on $.cert_file / $.key_file. Every wait is bounded.
#include <catch2/catch.hpp>

#include "tls_test_support.hpp"

using namespace server_test;
namespace srv = mnscreen::server;

namespace {

/// Sends raw bytes to the port and waits (bounded) until the server closes the connection.
/// True if it did (eof or reset) before the deadline.
bool raw_bytes_then_closed(std::uint16_t port, const std::string& bytes) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.socket().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return false;
  if (!bytes.empty()) asio::write(stream.socket(), asio::buffer(bytes), ec);
  std::array<char, 4096> scratch{};
  bool closed = false;
  std::function<void()> read_more = [&] {
    stream.expires_after(io_timeout);
    stream.async_read_some(asio::buffer(scratch), [&](beast::error_code e, std::size_t) {
      if (e == beast::error::timeout) return;
      if (e) {
        closed = true;
        return;
      }
      read_more();  // an alert record, perhaps: read on until the close
    });
  };
  read_more();
  ioc.run();
  return closed;
}

bool eventually(const std::function<bool()>& condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

std::string discovery_token(const test_server& s) { return s.token("/cds-services"); }

std::vector<mnscreen::diagnostic> tls_config_diagnostics(const std::filesystem::path& dir,
                                                         const std::string& members) {
  const auto r = srv::parse_config(R"({"schema": "mnscreen.serve/1", "base_url":
      "https://cds.example", "default_plan": "plan.json", )" +
                                       members + "}",
                                   dir);
  return r.diagnostics;
}

bool has_error(const std::vector<mnscreen::diagnostic>& ds, const std::string& path,
               const std::string& words) {
  return std::any_of(ds.begin(), ds.end(), [&](const mnscreen::diagnostic& d) {
    return d.severity == mnscreen::severity::error && d.code == "serve.tls" && d.path == path &&
           d.message.find(words) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("TLS: discovery and hooks over HTTPS, several requests on one connection",
          "[server][tls]") {
  const tls_files files;
  test_server s(files.config());
  REQUIRE(s.http->tls());

  tls_client c(files.cert.cert_pem);
  REQUIRE_FALSE(c.connect(s.port()));
  CHECK((c.protocol() == "TLSv1.3" || c.protocol() == "TLSv1.2"));

  const auto discovery = c.request("GET", "/cds-services", {}, discovery_token(s));
  REQUIRE_FALSE(discovery.ec);
  CHECK(discovery.status == 200);
  CHECK(discovery.body.find("mnscreen-patient-view") != std::string::npos);
  CHECK(discovery.keep_alive);

  const std::string path = "/cds-services/mnscreen-patient-view";
  for (int i = 0; i < 2; ++i) {
    auto req = hook_request("patient-view");
    req["prefetch"].as_object()["medicationStatements"] =
        json::object{{"resourceType", "Bundle"},
                     {"type", "searchset"},
                     {"entry", json::array{json::object{{"resource", isotretinoin_statement()}}}}};
    const auto r = c.request("POST", path, json::serialize(req), s.token(path));
    REQUIRE_FALSE(r.ec);
    CHECK(r.status == 200);
    CHECK(r.body.find("\"critical\"") != std::string::npos);
    CHECK(r.keep_alive);
  }
  // All three exchanges used the one connection.
  CHECK(s.http->open_connections() == 1);
  CHECK(s.http->tls_handshake_failures() == 0);

  // A body over max_body_bytes: the 413 with its JSON body reaches the client over TLS too.
  tls_client big(files.cert.cert_pem);
  REQUIRE_FALSE(big.connect(s.port()));
  const auto too_large =
      big.request("POST", "/screen", std::string(2 * 1024 * 1024, ' '), s.token("/screen"));
  REQUIRE_FALSE(too_large.ec);
  CHECK(too_large.status == 413);
  CHECK(too_large.body.find("payload_too_large") != std::string::npos);
  CHECK_FALSE(too_large.keep_alive);

  // The server presents that certificate: a client that trusts another one refuses it.
  tls_client stranger(test_cert::make().cert_pem);
  CHECK(stranger.connect(s.port()));
}

TEST_CASE("TLS: plain HTTP, a bad hello or silence on the TLS port ends only that connection",
          "[server][tls]") {
  const tls_files files;
  test_server s(files.config({{"header_timeout_ms", 300}}));

  // Plain HTTP to the TLS port: no HTTP answer, the connection is closed.
  const auto plain = http_call(s.port(), "GET", "/healthz");
  CHECK(plain.closed);
  CHECK(plain.status == 0);
  CHECK(eventually([&] { return s.http->tls_handshake_failures() >= 1; }));

  // A TLS record header followed by garbage.
  CHECK(raw_bytes_then_closed(s.port(),
                              std::string("\x16\x03\x01\x00\x20", 5) + std::string(32, '\x7f')));
  CHECK(eventually([&] { return s.http->tls_handshake_failures() >= 2; }));

  // A client that connects and says nothing: closed after header_timeout_ms.
  CHECK(raw_bytes_then_closed(s.port(), {}));
  CHECK(eventually([&] { return s.http->tls_handshake_failures() >= 3; }));

  // The server goes on serving TLS clients.
  tls_client c(files.cert.cert_pem);
  REQUIRE_FALSE(c.connect(s.port()));
  const auto r = c.request("GET", "/healthz");
  REQUIRE_FALSE(r.ec);
  CHECK(r.status == 200);

  // Each failure is an access-log line with the reason only.
  const std::lock_guard lock(s.log_mutex);
  const auto failures = std::count_if(s.log.begin(), s.log.end(), [](const std::string& l) {
    return l.find("\"event\":\"tls_handshake_failed\"") != std::string::npos;
  });
  CHECK(failures == 3);
  for (const auto& l : s.log) CHECK(l.find("GET /healthz") == std::string::npos);
}

TEST_CASE("TLS: 1.2 is the minimum by default; tls_min_version 1.3 refuses a 1.2 client",
          "[server][tls]") {
  const tls_files files;
  {
    test_server s(files.config());
    tls_client c12(files.cert.cert_pem, TLS1_2_VERSION);
    REQUIRE_FALSE(c12.connect(s.port()));
    CHECK(c12.protocol() == "TLSv1.2");
    CHECK(c12.request("GET", "/healthz").status == 200);
  }
  {
    test_server s(files.config({{"tls_min_version", "1.3"}}));
    tls_client c12(files.cert.cert_pem, TLS1_2_VERSION);
    CHECK(c12.connect(s.port()));
    CHECK(eventually([&] { return s.http->tls_handshake_failures() == 1; }));
    tls_client c13(files.cert.cert_pem);
    REQUIRE_FALSE(c13.connect(s.port()));
    CHECK(c13.protocol() == "TLSv1.3");
    CHECK(c13.request("GET", "/healthz").status == 200);
  }
}

TEST_CASE("TLS: the drain answers the request in flight and closes idle TLS connections",
          "[server][tls]") {
  const tls_files files;
  // The fetch takes 800 ms: a deadline well above it (the default test config says 1 s, too
  // tight under sanitizers, where the fetch then fails and the isotretinoin stays unknown).
  test_server s(files.config({{"drain_timeout_ms", 5000}, {"fhir_timeout_ms", 5000}}));
  fake_fhir fhir;
  fhir.slow_ms = 800;
  fhir.resources["MedicationStatement"] = {isotretinoin_statement()};

  tls_client idle(files.cert.cert_pem);
  REQUIRE_FALSE(idle.connect(s.port()));
  REQUIRE(idle.request("GET", "/healthz").status == 200);

  const std::string path = "/cds-services/mnscreen-patient-view";
  auto req = hook_request("patient-view", fhir.base("slow"));
  req["prefetch"].as_object().erase("medicationStatements");
  const std::string body = json::serialize(req);
  const std::string token = s.token(path);
  tls_response busy;
  std::thread client([&] {
    tls_client c(files.cert.cert_pem);
    if (c.connect(s.port())) return;
    busy = c.request("POST", path, body, token);
    if (!busy.ec) c.shutdown();
  });
  REQUIRE(eventually([&] { return fhir.requests.load() >= 1; }));
  s.http->drain();

  // The idle connection ends with a close_notify (eof), not a cut connection.
  CHECK(idle.wait_for_close() == asio::error::eof);
  idle.shutdown();
  client.join();
  REQUIRE_FALSE(busy.ec);
  CHECK(busy.status == 200);
  CHECK(busy.body.find("\"critical\"") != std::string::npos);
  CHECK_FALSE(busy.keep_alive);
  s.http->wait();
  CHECK(s.http->open_connections() == 0);
}

TEST_CASE(
    "TLS config: unreadable, garbage, encrypted and mismatched files are errors on "
    "their paths",
    "[server][config][tls]") {
  const tls_files files;
  const auto& dir = files.dir;
  const test_cert other = test_cert::make();
  write_file(dir / "other-key.pem", other.key_pem);
  write_file(dir / "encrypted-key.pem", files.cert.encrypted_key_pem);
  write_file(dir / "garbage.pem",
             "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
  write_file(dir / "chain.pem", files.cert.cert_pem + "-----BEGIN CERTIFICATE-----\nxx\n");

  SECTION("a valid pair: no diagnostic") {
    const auto ds = tls_config_diagnostics(dir, R"("cert_file": "cert.pem", "key_file":
        "key.pem", "tls_min_version": "1.3")");
    CHECK(ds.empty());
  }
  SECTION("a missing certificate and a garbage key, with the other errors of the config") {
    const auto ds = tls_config_diagnostics(dir, R"("cert_file": "missing.pem", "key_file":
        "garbage.pem", "listen": "nohost")");
    CHECK(has_error(ds, "$.cert_file", "cannot be read"));
    CHECK(has_error(ds, "$.key_file", "no PEM private key"));
    CHECK(std::any_of(ds.begin(), ds.end(),
                      [](const mnscreen::diagnostic& d) { return d.path == "$.listen"; }));
  }
  SECTION("garbage PEM as the certificate, and a broken chain") {
    CHECK(has_error(tls_config_diagnostics(dir, R"("cert_file": "garbage.pem", "key_file":
        "key.pem")"),
                    "$.cert_file", "no PEM certificate"));
    CHECK(has_error(tls_config_diagnostics(dir, R"("cert_file": "chain.pem", "key_file":
        "key.pem")"),
                    "$.cert_file", "certificate 2 of the chain"));
  }
  SECTION("a key of another certificate") {
    const auto ds = tls_config_diagnostics(dir, R"("cert_file": "cert.pem", "key_file":
        "other-key.pem")");
    REQUIRE(has_error(ds, "$.key_file", "does not belong to the certificate"));
    // No key material in any message.
    const std::string key_line = other.key_pem.substr(other.key_pem.find('\n') + 1, 40);
    for (const auto& d : ds) CHECK(d.message.find(key_line) == std::string::npos);
  }
  SECTION("an encrypted key is refused, never a passphrase prompt") {
    CHECK(has_error(tls_config_diagnostics(dir, R"("cert_file": "cert.pem", "key_file":
        "encrypted-key.pem")"),
                    "$.key_file", "encrypted"));
  }
  SECTION("a directory, a lone cert_file, a bad or orphan tls_min_version") {
    CHECK(has_error(tls_config_diagnostics(dir, R"("cert_file": ".", "key_file": "key.pem")"),
                    "$.cert_file", "directory"));
    CHECK(has_error(tls_config_diagnostics(dir, R"("cert_file": "cert.pem")"), "$.key_file",
                    "go together"));
    CHECK(has_error(tls_config_diagnostics(dir, R"("cert_file": "cert.pem", "key_file":
        "key.pem", "tls_min_version": "1.1")"),
                    "$.tls_min_version", "1.2"));
    CHECK(has_error(tls_config_diagnostics(dir, R"("tls_min_version": "1.3")"), "$.tls_min_version",
                    "only with cert_file"));
  }
  SECTION("an expired certificate is a warning; the config is still valid") {
    const test_cert old = test_cert::make(-7200, -3600);
    write_file(dir / "old-cert.pem", old.cert_pem);
    write_file(dir / "old-key.pem", old.key_pem);
    std::filesystem::permissions(dir / "old-key.pem", std::filesystem::perms::owner_read);
    const auto r = srv::parse_config(R"({"schema": "mnscreen.serve/1", "base_url":
        "https://cds.example", "default_plan": "plan.json", "cert_file": "old-cert.pem",
        "key_file": "old-key.pem"})",
                                     dir);
    CHECK(r.ok());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].severity == mnscreen::severity::warning);
    CHECK(r.diagnostics[0].path == "$.cert_file");
    CHECK(r.diagnostics[0].message.find("expired") != std::string::npos);
  }
}
