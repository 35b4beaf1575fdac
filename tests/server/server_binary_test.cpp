// SPDX-License-Identifier: Apache-2.0
// The built `mnscreen serve` binary: it refuses a bad config with every path, and SIGTERM
// with a request in flight answers that request, then exits 0; the same over TLS.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tls_test_support.hpp"

extern char** environ;
using namespace server_test;

namespace {

struct child {
  pid_t pid = -1;
  std::filesystem::path log;
};

child spawn_serve(const std::filesystem::path& config, const std::filesystem::path& log) {
  child c;
  c.log = log;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  std::string exe = MNSCREEN_CLI_PATH;
  std::string cmd = "serve";
  std::string opt = "--config";
  std::string cfg = config.string();
  char* argv[] = {exe.data(), cmd.data(), opt.data(), cfg.data(), nullptr};
  REQUIRE(posix_spawn(&c.pid, exe.c_str(), &fa, nullptr, argv, environ) == 0);
  posix_spawn_file_actions_destroy(&fa);
  return c;
}

int wait_exit(pid_t pid, int seconds) {
  for (int i = 0; i < seconds * 100; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -2;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("serve binary: a bad config is refused with every path, exit 2", "[server][binary]") {
  const auto dir = temp_dir("bin-bad");
  write_file(dir / "serve.json", R"({"schema": "mnscreen.serve/1", "listen": "x", "extra": 1})");
  const auto c = spawn_serve(dir / "serve.json", dir / "err.log");
  CHECK(wait_exit(c.pid, 20) == 2);
  const auto err = slurp(dir / "err.log");
  CHECK(err.find("$.listen") != std::string::npos);
  CHECK(err.find("$.extra") != std::string::npos);
  CHECK(err.find("$.base_url") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("serve binary: SIGTERM drains a request in flight and exits 0", "[server][binary]") {
  const auto dir = temp_dir("bin-term");
  const test_key key = test_key::make("k1", "ES384");
  write_file(dir / "jwks.json", json::serialize(json::object{{"keys", json::array{key.jwk()}}}));
  std::ifstream plan(std::string(MNSCREEN_TEST_DATA_DIR) + "/plan-cheeks-pen.json");
  write_file(dir / "plan.json",
             std::string(std::istreambuf_iterator<char>(plan), std::istreambuf_iterator<char>()));
  write_file(dir / "serve.json", R"({"schema": "mnscreen.serve/1", "listen": "127.0.0.1:0",
      "threads": 2, "base_url": "https://cds.test", "default_plan": "plan.json",
      "fhir_timeout_ms": 5000, "audit_db": "audit.db",
      "trusted_issuers": [{"iss": "https://ehr.test", "jwks_file": "jwks.json"}]})");
  fake_fhir fhir;
  fhir.slow_ms = 1000;
  fhir.resources["MedicationStatement"] = {isotretinoin_statement()};
  const auto c = spawn_serve(dir / "serve.json", dir / "serve.log");
  // The port is in the "listening" line of the log.
  std::uint16_t port = 0;
  for (int i = 0; i < 1000 && port == 0; ++i) {
    const auto text = slurp(dir / "serve.log");
    const auto at = text.find("\"address\":\"127.0.0.1:");
    if (at != std::string::npos)
      port = static_cast<std::uint16_t>(std::stoi(text.substr(at + 21)));
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(port != 0);
  const std::string path = "/cds-services/mnscreen-patient-view";
  auto req = hook_request("patient-view", fhir.base("slow"));
  req["prefetch"].as_object().erase("medicationStatements");
  response r;
  std::thread client([&] {
    r = http_call(port, "POST", path, json::serialize(req),
                  make_jwt(key, claims_for("https://ehr.test", "https://cds.test" + path)));
  });
  for (int i = 0; i < 300 && fhir.requests < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(fhir.requests == 1);
  kill(c.pid, SIGTERM);
  client.join();
  CHECK(r.status == 200);
  CHECK(r.body.find("critical") != std::string::npos);
  CHECK(wait_exit(c.pid, 30) == 0);
  const auto log = slurp(dir / "serve.log");
  CHECK(log.find("\"event\":\"stopped\"") != std::string::npos);
  // The access log has the request, but no patient id and no token.
  CHECK(log.find("\"route\":\"/cds-services/{id}\"") != std::string::npos);
  CHECK(log.find("pat-1") == std::string::npos);
  CHECK(log.find("fhir-access-token") == std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("serve binary: TLS files are checked before start; with good ones it serves HTTPS",
          "[server][binary][tls]") {
  const tls_files files;
  const auto& dir = files.dir;
  const test_cert other = test_cert::make();
  write_file(dir / "other-key.pem", other.key_pem);
  const test_key key = test_key::make("k1", "ES384");
  write_file(dir / "jwks.json", json::serialize(json::object{{"keys", json::array{key.jwk()}}}));
  std::ifstream plan(std::string(MNSCREEN_TEST_DATA_DIR) + "/plan-cheeks-pen.json");
  write_file(dir / "plan.json",
             std::string(std::istreambuf_iterator<char>(plan), std::istreambuf_iterator<char>()));
  const std::string common = R"({"schema": "mnscreen.serve/1", "listen": "127.0.0.1:0",
      "threads": 2, "base_url": "https://cds.test", "default_plan": "plan.json",
      "trusted_issuers": [{"iss": "https://ehr.test", "jwks_file": "jwks.json"}],
      "cert_file": "cert.pem", )";

  // A key that is not the certificate's: exit 2, the path named, no key material printed.
  write_file(dir / "bad.json", common + R"("key_file": "other-key.pem"})");
  const auto bad = spawn_serve(dir / "bad.json", dir / "bad.log");
  CHECK(wait_exit(bad.pid, 20) == 2);
  const auto err = slurp(dir / "bad.log");
  CHECK(err.find("$.key_file") != std::string::npos);
  CHECK(err.find("does not belong to the certificate") != std::string::npos);
  CHECK(err.find(other.key_pem.substr(other.key_pem.find('\n') + 1, 40)) == std::string::npos);

  // A good pair: HTTPS, "tls": true in the listening line, SIGTERM exits 0.
  write_file(dir / "good.json", common + R"("key_file": "key.pem"})");
  const auto c = spawn_serve(dir / "good.json", dir / "good.log");
  std::uint16_t port = 0;
  for (int i = 0; i < 1000 && port == 0; ++i) {
    const auto text = slurp(dir / "good.log");
    const auto at = text.find("\"address\":\"127.0.0.1:");
    if (at != std::string::npos)
      port = static_cast<std::uint16_t>(std::stoi(text.substr(at + 21)));
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(port != 0);
  CHECK(slurp(dir / "good.log").find("\"tls\":true") != std::string::npos);
  {
    tls_client client(files.cert.cert_pem);
    REQUIRE_FALSE(client.connect(port));
    const std::string path = "/cds-services";
    const auto r = client.request(
        "GET", path, {}, make_jwt(key, claims_for("https://ehr.test", "https://cds.test" + path)));
    CHECK(r.status == 200);
    CHECK(r.keep_alive);
    kill(c.pid, SIGTERM);
    // The idle keep-alive connection is ended with a close_notify.
    CHECK(client.wait_for_close() == asio::error::eof);
    client.shutdown();
  }
  CHECK(wait_exit(c.pid, 30) == 0);
  CHECK(slurp(dir / "good.log").find("\"event\":\"stopped\"") != std::string::npos);
}
