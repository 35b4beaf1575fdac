// SPDX-License-Identifier: Apache-2.0
// `mnscreen serve` with in-process TLS (cert_file/key_file): a self-signed certificate made at
// test time (OpenSSL API, no openssl tool), a Beast TLS client that trusts only it, keep-alive
// over TLS, failed handshakes that leave the server serving, the drain with close_notify, and
// the config errors on $.cert_file / $.key_file. Every wait is bounded.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <catch2/catch.hpp>
#include <optional>

#include "server_test_support.hpp"

using namespace server_test;
namespace srv = mnscreen::server;
namespace ssl = boost::asio::ssl;

namespace {

std::string to_pem(const std::function<int(BIO*)>& write) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (write(bio) != 1) throw std::runtime_error("PEM write");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

/// A self-signed server certificate for 127.0.0.1 (and localhost) with its key.
struct test_cert {
  std::string cert_pem;
  std::string key_pem;
  std::string encrypted_key_pem;  // the same key, PKCS#8 encrypted with a passphrase

  static test_cert make(long valid_from_s = -60, long valid_to_s = 3600) {
    EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    X509* x = X509_new();
    if (k == nullptr || x == nullptr) throw std::runtime_error("keygen");
    X509_set_version(x, 2);
    unsigned char serial[8];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(x), valid_from_s);
    X509_gmtime_adj(X509_getm_notAfter(x), valid_to_s);
    X509_set_pubkey(x, k);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("mnscreen test"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
    X509_EXTENSION* san =
        X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    X509_add_ext(x, san, -1);
    X509_EXTENSION_free(san);
    X509_sign(x, k, EVP_sha256());
    test_cert out;
    out.cert_pem = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, x); });
    out.key_pem = to_pem([&](BIO* b) {
      return PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
    });
    char pass[] = "correct horse battery staple";
    out.encrypted_key_pem = to_pem([&](BIO* b) {
      return PEM_write_bio_PKCS8PrivateKey(b, k, EVP_aes_256_cbc(), pass,
                                           static_cast<int>(sizeof pass - 1), nullptr, nullptr);
    });
    X509_free(x);
    EVP_PKEY_free(k);
    return out;
  }
};

/// A folder with cert.pem and key.pem, removed at the end.
struct tls_files {
  std::filesystem::path dir = temp_dir("tls");
  test_cert cert = test_cert::make();
  tls_files() {
    write_file(dir / "cert.pem", cert.cert_pem);
    write_file(dir / "key.pem", cert.key_pem);
    std::filesystem::permissions(
        dir / "key.pem", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  ~tls_files() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  tls_files(const tls_files&) = delete;
  tls_files& operator=(const tls_files&) = delete;

  [[nodiscard]] json::object config(json::object extra = {}) const {
    extra["cert_file"] = (dir / "cert.pem").string();
    extra["key_file"] = (dir / "key.pem").string();
    return extra;
  }
};

constexpr auto io_timeout = std::chrono::seconds(10);

struct tls_response {
  unsigned status = 0;
  std::string body;
  bool keep_alive = false;
  beast::error_code ec;
};

/// A Beast HTTPS client that trusts one certificate and verifies the peer and its address.
/// Asynchronous operations with a deadline each, so that no wait is unbounded.
class tls_client {
 public:
  explicit tls_client(const std::string& trusted_pem, int max_version = 0) {
    ctx_.add_certificate_authority(asio::buffer(trusted_pem));
    ctx_.set_verify_mode(ssl::verify_peer);
    if (max_version != 0) SSL_CTX_set_max_proto_version(ctx_.native_handle(), max_version);
  }

  beast::error_code connect(std::uint16_t port) {
    stream_.emplace(ioc_, ctx_);
    stream_->set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    auto& tcp = beast::get_lowest_layer(*stream_);
    tcp.expires_after(io_timeout);
    beast::error_code out = asio::error::would_block;
    tcp.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                      [&](beast::error_code ec) { out = ec; });
    run();
    if (out) return out;
    tcp.expires_after(io_timeout);
    stream_->async_handshake(ssl::stream_base::client, [&](beast::error_code ec) { out = ec; });
    run();
    return out;
  }

  [[nodiscard]] std::string protocol() { return SSL_get_version(stream_->native_handle()); }

  tls_response request(const std::string& method, const std::string& target,
                       const std::string& body = {}, const std::string& bearer = {}) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
    if (method == "POST") {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
      req.prepare_payload();
    }
    tls_response out;
    out.ec = asio::error::would_block;
    beast::get_lowest_layer(*stream_).expires_after(io_timeout);
    http::async_write(*stream_, req, [&](beast::error_code ec, std::size_t) { out.ec = ec; });
    run();
    if (out.ec) return out;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    out.ec = asio::error::would_block;
    beast::get_lowest_layer(*stream_).expires_after(io_timeout);
    http::async_read(*stream_, buffer_, parser,
                     [&](beast::error_code ec, std::size_t) { out.ec = ec; });
    run();
    if (out.ec) return out;
    out.status = parser.get().result_int();
    out.body = parser.get().body();
    out.keep_alive = parser.get().keep_alive();
    return out;
  }

  /// Waits (bounded) for the server to end the connection; asio::error::eof when it sent a
  /// close_notify, ssl::error::stream_truncated when it just closed the socket.
  beast::error_code wait_for_close() {
    std::array<char, 256> scratch{};
    beast::error_code out = asio::error::would_block;
    beast::get_lowest_layer(*stream_).expires_after(io_timeout);
    stream_->async_read_some(asio::buffer(scratch),
                             [&](beast::error_code ec, std::size_t) { out = ec; });
    run();
    return out;
  }

  /// Answers the server's close_notify (bounded).
  void shutdown() {
    beast::get_lowest_layer(*stream_).expires_after(std::chrono::seconds(2));
    stream_->async_shutdown([](beast::error_code) {});
    run();
  }

 private:
  void run() {
    ioc_.restart();
    ioc_.run();
  }

  asio::io_context ioc_;
  ssl::context ctx_{ssl::context::tls_client};
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;
  beast::flat_buffer buffer_;
};

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
  test_server s(files.config({{"drain_timeout_ms", 5000}}));
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
