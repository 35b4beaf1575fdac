// SPDX-License-Identifier: Apache-2.0
// Support for the server tests: keys made at test time (OpenSSL), JWTs signed with them, a
// small HTTP client, a fake FHIR server on 127.0.0.1 (fast, slow, failing, paginated), and a
// `mnscreen serve` service started in-process on an ephemeral port.
#ifndef MNSCREEN_TESTS_SERVER_TEST_SUPPORT_HPP
#define MNSCREEN_TESTS_SERVER_TEST_SUPPORT_HPP

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "jwt.hpp"
#include "server.hpp"

namespace server_test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using mnscreen::server::base64url_encode;

inline std::string bn_bytes(const EVP_PKEY* key, const char* name, int pad) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error("get_bn_param");
  std::string out(static_cast<std::size_t>(pad > 0 ? pad : BN_num_bytes(bn)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  BN_free(bn);
  return out;
}

/// A signing key made at test time, with its public JWK.
struct test_key {
  std::string kid;
  std::string alg;  // ES384 or RS384
  std::shared_ptr<EVP_PKEY> pkey;

  static test_key make(std::string kid, std::string alg) {
    EVP_PKEY* k = alg == "ES384" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384")
                                 : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048});
    if (k == nullptr) throw std::runtime_error("keygen");
    return {std::move(kid), std::move(alg), std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free)};
  }

  [[nodiscard]] json::object jwk() const {
    json::object o;
    o["kid"] = kid;
    o["use"] = "sig";
    o["alg"] = alg;
    if (alg == "ES384") {
      o["kty"] = "EC";
      o["crv"] = "P-384";
      o["x"] = base64url_encode(bn_bytes(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_X, 48));
      o["y"] = base64url_encode(bn_bytes(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 48));
    } else {
      o["kty"] = "RSA";
      o["n"] = base64url_encode(bn_bytes(pkey.get(), OSSL_PKEY_PARAM_RSA_N, 0));
      o["e"] = base64url_encode(bn_bytes(pkey.get(), OSSL_PKEY_PARAM_RSA_E, 0));
    }
    return o;
  }

  /// The public key as PEM text (SubjectPublicKeyInfo), for the HS256 confusion attack.
  [[nodiscard]] std::string public_pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, pkey.get());
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
  }

  [[nodiscard]] std::string sign(const std::string& input) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha384(), nullptr, pkey.get());
    EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    sig.resize(len);
    EVP_MD_CTX_free(ctx);
    if (alg != "ES384") return sig;
    // DER ECDSA-Sig-Value -> JOSE r || s.
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    std::string out(96, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(out.data()), 48);
    BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(out.data() + 48), 48);
    ECDSA_SIG_free(es);
    return out;
  }
};

inline std::string random_id() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  return base64url_encode(std::string(reinterpret_cast<char*>(b), sizeof b));
}

inline std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Claims of a fresh, valid token for `aud`.
inline json::object claims_for(const std::string& iss, const std::string& aud) {
  json::object c;
  c["iss"] = iss;
  c["sub"] = "ehr-client";
  c["aud"] = aud;
  c["iat"] = now_s();
  c["exp"] = now_s() + 300;
  c["jti"] = random_id();
  return c;
}

inline std::string make_jwt(const test_key& key, const json::object& claims,
                            json::object header = {}) {
  if (!header.contains("alg")) header["alg"] = key.alg;
  if (!header.contains("kid")) header["kid"] = key.kid;
  header["typ"] = "JWT";
  const std::string input =
      base64url_encode(json::serialize(header)) + "." + base64url_encode(json::serialize(claims));
  return input + "." + base64url_encode(key.sign(input));
}

inline std::string hs256_jwt(const std::string& secret, const json::object& claims,
                             const std::string& kid) {
  json::object header{{"alg", "HS256"}, {"kid", kid}, {"typ", "JWT"}};
  const std::string input =
      base64url_encode(json::serialize(header)) + "." + base64url_encode(json::serialize(claims));
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + base64url_encode(std::string(reinterpret_cast<char*>(mac), len));
}

struct response {
  unsigned status = 0;
  std::string body;
  std::string content_type;
  std::string warning;
  bool closed = false;  // the server closed the connection without an answer
};

/// One HTTP/1.1 exchange on a new connection (bounded by a 30 s socket timeout).
inline response http_call(std::uint16_t port, const std::string& method, const std::string& target,
                          const std::string& body = {}, const std::string& bearer = {},
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream.expires_after(std::chrono::seconds(30));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
  for (auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST") {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
  }
  response out;
  beast::error_code ec;
  http::write(stream, req, ec);
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buf, parser, ec);
  if (ec) {
    out.closed = true;
    return out;
  }
  out.status = parser.get().result_int();
  out.body = parser.get().body();
  out.content_type = std::string(parser.get()[http::field::content_type]);
  out.warning = std::string(parser.get()["Warning"]);
  return out;
}

/// A fake FHIR server on 127.0.0.1 (thread per connection). Paths (after the mode prefix):
///   /ok/<Type>?...       a searchset with the resources registered for <Type>, or the resource
///                        for /ok/Patient/<id>
///   /slow/...            like ok, after `slow_ms`
///   /fail/...            HTTP 500
///   /paged/<Type>?...    the resources split one per page, linked by `next`
class fake_fhir {
 public:
  std::map<std::string, std::vector<json::object>> resources;  // by type
  std::atomic<int> requests{0};
  std::atomic<int> slow_ms{1500};
  std::string last_authorization;
  std::mutex mutex;

  fake_fhir() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { loop(); });
  }
  ~fake_fhir() {
    stop_ = true;
    beast::error_code ec;
    // Wake the accept loop.
    try {
      asio::io_context c;
      tcp::socket s(c);
      s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    } catch (...) {
    }
    thread_.join();
    for (auto& t : workers_) t.join();
  }
  fake_fhir(const fake_fhir&) = delete;
  fake_fhir& operator=(const fake_fhir&) = delete;

  [[nodiscard]] std::string base(const std::string& mode) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + mode;
  }

 private:
  void loop() {
    while (!stop_) {
      tcp::socket s(ioc_);
      beast::error_code ec;
      acceptor_.accept(s, ec);
      if (ec || stop_) break;
      workers_.emplace_back([this, sock = std::move(s)]() mutable { serve(std::move(sock)); });
    }
  }

  json::object bundle(const std::vector<json::object>& items) const {
    json::array entries;
    for (const auto& r : items) entries.push_back(json::object{{"resource", r}});
    return json::object{{"resourceType", "Bundle"},
                        {"type", "searchset"},
                        {"total", items.size()},
                        {"entry", std::move(entries)}};
  }

  void serve(tcp::socket sock) {
    beast::tcp_stream stream(std::move(sock));
    beast::flat_buffer buf;
    http::request<http::string_body> req;
    beast::error_code ec;
    http::read(stream, buf, req, ec);
    if (ec) return;
    ++requests;
    {
      const std::lock_guard lock(mutex);
      last_authorization = std::string(req[http::field::authorization]);
    }
    std::string target(req.target());
    http::response<http::string_body> res{http::status::ok, 11};
    res.set(http::field::content_type, "application/fhir+json");
    const auto slash = target.find('/', 1);
    const std::string mode = target.substr(1, slash - 1);
    std::string rest = target.substr(slash + 1);
    const std::string type = rest.substr(0, rest.find_first_of("/?"));
    std::vector<json::object> items;
    {
      const std::lock_guard lock(mutex);
      if (auto it = resources.find(type); it != resources.end()) items = it->second;
    }
    if (mode == "slow") std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms.load()));
    if (mode == "fail") {
      res.result(http::status::internal_server_error);
      res.body() = R"({"resourceType":"OperationOutcome","issue":[{"severity":"error"}]})";
    } else if (mode == "paged") {
      std::size_t page = 0;
      if (const auto p = rest.find("page="); p != std::string::npos)
        page = std::stoul(rest.substr(p + 5));
      std::vector<json::object> one;
      if (page < items.size()) one.push_back(items[page]);
      json::object b = bundle(one);
      if (page + 1 < items.size()) {
        json::array links;
        links.push_back(json::object{
            {"relation", "next"},
            {"url", base("paged") + "/" + type + "?patient=x&page=" + std::to_string(page + 1)}});
        b["link"] = std::move(links);
      }
      res.body() = json::serialize(b);
    } else if (rest.starts_with("Patient/")) {
      if (items.empty()) {
        res.result(http::status::not_found);
        res.body() = R"({"resourceType":"OperationOutcome","issue":[]})";
      } else {
        res.body() = json::serialize(items.front());
      }
    } else {
      res.body() = json::serialize(bundle(items));
    }
    res.prepare_payload();
    http::write(stream, res, ec);
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<std::thread> workers_;
};

inline std::filesystem::path temp_dir(const std::string& name) {
  auto p =
      std::filesystem::temp_directory_path() / ("mnscreen-server-test-" + name + "-" + random_id());
  std::filesystem::create_directories(p);
  return p;
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

/// An in-process `mnscreen serve` on 127.0.0.1:<ephemeral> with two trusted keys (ES384 and
/// RS384) of issuer "https://ehr.test/issuer".
struct test_server {
  std::filesystem::path dir;
  test_key es = test_key::make("es-key-1", "ES384");
  test_key rs = test_key::make("rs-key-1", "RS384");
  std::string iss = "https://ehr.test/issuer";
  std::string base_url = "https://cds.clinic.test";
  std::unique_ptr<mnscreen::server::service> svc;
  std::unique_ptr<mnscreen::server::http_server> http;
  std::vector<std::string> log;
  std::mutex log_mutex;

  /// `extra` members are merged into the config.
  explicit test_server(json::object extra = {}, bool insecure = false) {
    dir = temp_dir("srv");
    json::array keys;
    keys.push_back(es.jwk());
    keys.push_back(rs.jwk());
    write_file(dir / "jwks.json", json::serialize(json::object{{"keys", std::move(keys)}}));
    std::ifstream plan(std::string(MNSCREEN_TEST_DATA_DIR) + "/plan-cheeks-pen.json");
    std::string text((std::istreambuf_iterator<char>(plan)), std::istreambuf_iterator<char>());
    write_file(dir / "plan.json", text);
    json::object cfg{{"schema", "mnscreen.serve/1"},
                     {"listen", "127.0.0.1:0"},
                     {"threads", 4},
                     {"base_url", base_url},
                     {"default_plan", "plan.json"},
                     {"fhir_timeout_ms", 1000},
                     {"max_body_bytes", 1024 * 1024},
                     {"audit_db", "audit.db"},
                     {"order_codes", json::array{json::object{
                                         {"system", "http://clinic.test/codes"}, {"code", "MN"}}}}};
    if (!insecure) {
      json::array issuers;
      issuers.push_back(json::object{
          {"iss", iss}, {"jwks_file", "jwks.json"}, {"jku", "https://ehr.test/jwks.json"}});
      cfg["trusted_issuers"] = std::move(issuers);
    }
    for (auto& [k, v] : extra) cfg[k] = v;
    const std::string cfg_text = json::serialize(cfg);
    write_file(dir / "serve.json", cfg_text);
    auto parsed = mnscreen::server::parse_config(cfg_text, dir);
    if (!parsed.ok()) throw std::runtime_error("config: " + format(parsed.diagnostics.front()));
    mnscreen::server::service_options so;
    so.insecure_dev = insecure;
    std::vector<std::string> errors;
    svc = mnscreen::server::service::create(parsed.value, so, errors);
    if (!svc) throw std::runtime_error("service: " + errors.front());
    http = std::make_unique<mnscreen::server::http_server>(*svc, [this](std::string_view l) {
      const std::lock_guard lock(log_mutex);
      log.emplace_back(l);
    });
    std::string error;
    if (!http->start(error)) throw std::runtime_error(error);
  }
  ~test_server() {
    http->drain();
    http->wait();
    http.reset();
    svc.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  test_server(const test_server&) = delete;
  test_server& operator=(const test_server&) = delete;

  [[nodiscard]] std::uint16_t port() const { return http->port(); }
  [[nodiscard]] std::string token(const std::string& path, bool rsa = false) const {
    return make_jwt(rsa ? rs : es, claims_for(iss, base_url + path));
  }
  response post(const std::string& path, const std::string& body) const {
    return http_call(port(), "POST", path, body, token(path));
  }
  response get(const std::string& path) const {
    return http_call(port(), "GET", path, {}, token(path));
  }
};

/// A resource of the patient `pat-1`.
inline json::object patient_resource() {
  return {{"resourceType", "Patient"},
          {"id", "pat-1"},
          {"gender", "female"},
          {"birthDate", "1990-05-01"}};
}

inline json::object isotretinoin_statement() {
  return json::parse(R"({"resourceType": "MedicationStatement", "id": "ms-1", "status": "active",
      "medicationCodeableConcept": {"coding": [{"system": "http://www.whocc.no/atc",
        "code": "D10BA01", "display": "isotretinoin"}], "text": "Isotretinoin 20 mg"},
      "subject": {"reference": "Patient/pat-1"}, "effectivePeriod": {"start": "2026-09-01"}})")
      .as_object();
}

inline json::object empty_bundle() {
  return {{"resourceType", "Bundle"}, {"type", "searchset"}, {"total", 0}};
}

inline json::object operation_outcome() {
  return json::parse(R"({"resourceType": "OperationOutcome", "issue": [{"severity": "error",
      "code": "timeout", "diagnostics": "search timed out"}]})")
      .as_object();
}

/// A hook request for pat-1 with every prefetch key given (empty) unless overridden.
inline json::object hook_request(const std::string& hook, const std::string& fhir_server = {}) {
  json::object r{{"hook", hook},
                 {"hookInstance", random_id()},
                 {"context", json::object{{"userId", "Practitioner/1"}, {"patientId", "pat-1"}}}};
  if (!fhir_server.empty()) {
    r["fhirServer"] = fhir_server;
    r["fhirAuthorization"] = json::object{{"access_token", "fhir-access-token-xyz"},
                                          {"token_type", "Bearer"},
                                          {"expires_in", 300},
                                          {"scope", "patient/*.read"},
                                          {"subject", "mnscreen"}};
  }
  json::object prefetch{{"patient", patient_resource()}};
  for (const char* k : {"conditions", "medicationRequests", "medicationStatements", "allergies",
                        "observations", "procedures", "devices"})
    prefetch[k] = empty_bundle();
  r["prefetch"] = std::move(prefetch);
  return r;
}

}  // namespace server_test

#endif  // MNSCREEN_TESTS_SERVER_TEST_SUPPORT_HPP
