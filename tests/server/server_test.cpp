// SPDX-License-Identifier: Apache-2.0
// `mnscreen serve` over real HTTP on 127.0.0.1: config, tokens, endpoints, hooks with every
// prefetch state (absent keys fetched from a fake FHIR server: fast, slow, failing, paginated),
// malformed requests, limits, feedback. Keys are made at test time.
#include <catch2/catch.hpp>
#include <functional>
#include <set>

#include "mnscreen/json.hpp"
#include "mnscreen/screener.hpp"
#include "server_test_support.hpp"

using namespace server_test;
namespace srv = mnscreen::server;

namespace {

json::value parse(const std::string& s) { return json::parse(s); }

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every card of a hook response, and the text of all of them (summary + detail).
json::array cards_of(const response& r) {
  const auto doc = parse(r.body);
  REQUIRE(doc.is_object());
  REQUIRE(doc.as_object().contains("cards"));
  return doc.at("cards").as_array();
}

std::string all_text(const json::array& cards) {
  std::string s;
  for (const auto& c : cards) {
    s += json::value_to<std::string>(c.at("summary"));
    s += '\n';
    if (c.as_object().contains("detail")) s += json::value_to<std::string>(c.at("detail"));
    s += '\n';
  }
  return s;
}

// The paths of a JSON error body's diagnostics.
std::set<std::string> diagnostic_paths(const std::string& body) {
  const json::value doc = parse(body);  // held: the loop reads into it
  std::set<std::string> paths;
  for (const auto& d : doc.at("diagnostics").as_array())
    paths.insert(json::value_to<std::string>(d.at("path")));
  return paths;
}

bool has_indicator(const json::array& cards, std::string_view ind) {
  for (const auto& c : cards)
    if (c.at("indicator").as_string() == ind) return true;
  return false;
}

// A 4xx whose JSON body names at least one JSON path.
void require_json_error(const response& r, unsigned status) {
  REQUIRE(r.status == status);
  const auto doc = parse(r.body);
  REQUIRE(doc.is_object());
  REQUIRE(doc.as_object().contains("diagnostics"));
  const auto& ds = doc.at("diagnostics").as_array();
  REQUIRE_FALSE(ds.empty());
  for (const auto& d : ds) CHECK(d.at("path").as_string().starts_with("$"));
}

}  // namespace

TEST_CASE("config: every problem is reported with its path; unknown members are errors",
          "[server][config]") {
  const auto r = srv::parse_config(R"({"schema": "mnscreen.serve/2", "listen": "nohost",
      "threads": 0, "trusted_issuers": [{"iss": "x"}], "max_body_bytes": "big", "tls": true})",
                                   "/etc/mnscreen");
  REQUIRE_FALSE(r.ok());
  std::vector<std::string> paths;
  for (const auto& d : r.diagnostics) paths.push_back(d.path);
  for (const char* p : {"$.schema", "$.listen", "$.threads", "$.trusted_issuers[0].jwks_file",
                        "$.max_body_bytes", "$.tls", "$.base_url", "$.default_plan"})
    CHECK(std::find(paths.begin(), paths.end(), p) != paths.end());

  const auto ok = srv::parse_config(R"({"schema": "mnscreen.serve/1", "base_url":
      "https://cds.example", "default_plan": "plan.json", "trusted_issuers": [{"iss": "a",
      "jwks_file": "/keys/a.json"}], "listen": "[::1]:9000"})",
                                    "/etc/mnscreen");
  REQUIRE(ok.ok());
  CHECK(ok.value.default_plan == std::filesystem::path("/etc/mnscreen/plan.json"));
  CHECK(ok.value.trusted_issuers[0].jwks_file == std::filesystem::path("/keys/a.json"));
  CHECK(ok.value.host == "::1");
  CHECK(ok.value.port == 9000);
  CHECK(ok.value.max_body_bytes == 8u * 1024 * 1024);
}

TEST_CASE("config: a key given twice is refused with its path, not its last value taken",
          "[server][config]") {
  const auto r = srv::parse_config(R"({"schema": "mnscreen.serve/1", "base_url":
      "https://cds.example", "default_plan": "plan.json", "threads": 2, "threads": 64,
      "trusted_issuers": [{"iss": "a", "jwks_file": "/keys/a.json", "iss": "b"}]})",
                                   "/etc/mnscreen");
  REQUIRE_FALSE(r.ok());
  std::vector<std::string> twice;
  for (const auto& d : r.diagnostics)
    if (d.code == "serve.duplicate_key") twice.push_back(d.path);
  CHECK(twice == std::vector<std::string>{"$.threads", "$.trusted_issuers[0].iss"});
  const auto bad = srv::parse_config("{\"schema\":\n  \"mnscreen.serve/1\",,}", "/etc");
  REQUIRE_FALSE(bad.ok());
  REQUIRE_FALSE(bad.diagnostics.empty());
  CHECK(bad.diagnostics[0].code == "serve.malformed_json");
  CHECK(bad.diagnostics[0].message.find("line 2") != std::string::npos);
}

TEST_CASE("no trusted issuer: refuses to start unless insecure-dev, which warns on every reply",
          "[server][config]") {
  const auto dir = temp_dir("noiss");
  std::ifstream plan(std::string(MNSCREEN_TEST_DATA_DIR) + "/plan-cheeks-pen.json");
  write_file(dir / "plan.json",
             std::string(std::istreambuf_iterator<char>(plan), std::istreambuf_iterator<char>()));
  const auto cfg = srv::parse_config(R"({"schema": "mnscreen.serve/1", "base_url":
      "https://cds.example", "default_plan": "plan.json"})",
                                     dir);
  REQUIRE(cfg.ok());
  std::vector<std::string> errors;
  CHECK(srv::service::create(cfg.value, {}, errors) == nullptr);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("trusted_issuers") != std::string::npos);
  std::filesystem::remove_all(dir);

  test_server s({}, true);
  const auto r = http_call(s.port(), "GET", "/cds-services");
  CHECK(r.status == 200);
  CHECK(r.warning.find("insecure-dev") != std::string::npos);
}

TEST_CASE("tokens: ES384 and RS384 accepted; every bad token is a bare 401", "[server][token]") {
  test_server s;
  const std::string path = "/cds-services";
  const std::string aud = s.base_url + path;
  auto call = [&](const std::string& token) { return http_call(s.port(), "GET", path, {}, token); };

  SECTION("valid ES384 and RS384") {
    CHECK(call(s.token(path)).status == 200);
    CHECK(call(s.token(path, true)).status == 200);
    // aud may be an array holding the URL.
    auto c = claims_for(s.iss, aud);
    c["aud"] = json::array{"https://other.test", aud};
    CHECK(call(make_jwt(s.es, c)).status == 200);
  }
  SECTION("refused") {
    std::vector<std::pair<std::string, std::string>> cases;
    auto c = claims_for(s.iss, aud);
    c["exp"] = now_s() - 120;  // beyond the 60 s leeway
    c["iat"] = now_s() - 300;
    cases.emplace_back("expired", make_jwt(s.es, c));
    c = claims_for(s.iss, s.base_url + "/cds-services/mnscreen-order-sign");
    cases.emplace_back("wrong aud", make_jwt(s.es, c));
    c = claims_for(s.iss, s.base_url + path + "/");
    cases.emplace_back("aud with a trailing slash", make_jwt(s.es, c));
    c = claims_for(s.iss, aud);
    json::object none_header{{"alg", "none"}, {"kid", s.es.kid}};
    const std::string unsigned_input =
        base64url_encode(json::serialize(none_header)) + "." + base64url_encode(json::serialize(c));
    cases.emplace_back("alg none", unsigned_input + ".");
    cases.emplace_back("HS256 with the public key",
                       hs256_jwt(s.rs.public_pem(), claims_for(s.iss, aud), s.rs.kid));
    cases.emplace_back("HS256 with the JWK text",
                       hs256_jwt(json::serialize(s.es.jwk()), claims_for(s.iss, aud), s.es.kid));
    cases.emplace_back("unknown kid",
                       make_jwt(s.es, claims_for(s.iss, aud), {{"kid", "other-key"}}));
    cases.emplace_back("unlisted jku", make_jwt(s.es, claims_for(s.iss, aud),
                                                {{"jku", "https://attacker.test/jwks.json"}}));
    cases.emplace_back("alg not pinned: RS384 header on the EC key",
                       make_jwt(s.es, claims_for(s.iss, aud), {{"alg", "RS384"}}));
    cases.emplace_back("ES384 signature with the RSA key's kid",
                       make_jwt(s.es, claims_for(s.iss, aud), {{"kid", s.rs.kid}}));
    const test_key stranger = test_key::make("es-key-1", "ES384");
    cases.emplace_back("signed by another key with a known kid",
                       make_jwt(stranger, claims_for(s.iss, aud)));
    cases.emplace_back("untrusted issuer", make_jwt(s.es, claims_for("https://evil.test", aud)));
    c = claims_for(s.iss, aud);
    c.erase("jti");
    cases.emplace_back("no jti", make_jwt(s.es, c));
    c = claims_for(s.iss, aud);
    c["iat"] = now_s() + 600;
    c["exp"] = now_s() + 900;
    cases.emplace_back("issued in the future", make_jwt(s.es, c));
    cases.emplace_back("garbage", "not.a.token");
    {
      // A header naming its algorithm twice: readers that keep the first name and readers that
      // keep the last would see different tokens, so a name given twice is refused.
      const std::string header =
          R"({"alg":"none","kid":")" + s.es.kid + R"(","alg":"ES384","typ":"JWT"})";
      const std::string input = base64url_encode(header) + "." +
                                base64url_encode(json::serialize(claims_for(s.iss, aud)));
      cases.emplace_back("alg given twice", input + "." + base64url_encode(s.es.sign(input)));
      // A claims set naming its audience twice (a wrong one first).
      std::string claims = json::serialize(claims_for(s.iss, aud));
      claims.insert(1, R"("aud":"https://attacker.test",)");
      const std::string input2 = base64url_encode(json::serialize(json::object{
                                     {"alg", s.es.alg}, {"kid", s.es.kid}, {"typ", "JWT"}})) +
                                 "." + base64url_encode(claims);
      cases.emplace_back("aud given twice", input2 + "." + base64url_encode(s.es.sign(input2)));
    }
    for (const auto& [name, token] : cases) {
      INFO(name);
      const auto r = call(token);
      CHECK(r.status == 401);
      // No detail: the same body for every failure.
      CHECK(
          r.body ==
          R"({"error":"unauthorized","status":401,"message":"a valid bearer token is required"})");
    }
    CHECK(http_call(s.port(), "GET", path).status == 401);  // no token at all
  }
  SECTION("a jti is never accepted twice; the allow-listed jku is accepted") {
    const auto t = make_jwt(s.es, claims_for(s.iss, aud), {{"jku", "https://ehr.test/jwks.json"}});
    CHECK(call(t).status == 200);
    CHECK(call(t).status == 401);
  }
  SECTION("the token log never holds a token") {
    const auto t = s.token(path);
    CHECK(call(t).status == 200);
    for (const auto& line : s.log) CHECK(line.find(t.substr(0, 20)) == std::string::npos);
  }
}

TEST_CASE("verifier: expiry leeway is 60 s, replay cache is bounded", "[server][token]") {
  const auto key = test_key::make("k", "ES384");
  std::vector<srv::jwk_key> keys;
  std::string err;
  REQUIRE(
      srv::parse_jwks(json::serialize(json::object{{"keys", json::array{key.jwk()}}}), keys, err));
  srv::token_verifier::options o;
  o.replay_capacity = 2;
  srv::token_verifier v({{"iss", "", keys}}, o);
  const std::int64_t now = 2'000'000'000;
  auto tok = [&](std::int64_t exp, const std::string& jti) {
    json::object c{
        {"iss", "iss"}, {"aud", "https://a/x"}, {"iat", exp - 300}, {"exp", exp}, {"jti", jti}};
    return make_jwt(key, c);
  };
  CHECK(v.verify_detail(tok(now - 59, "a"), "https://a/x", now) == srv::token_status::ok);
  CHECK(v.verify_detail(tok(now - 61, "b"), "https://a/x", now) == srv::token_status::expired);
  CHECK(v.verify_detail(tok(now + 100, "c"), "https://a/x", now) == srv::token_status::ok);
  // The cache holds 2 unexpired ids: a third is refused (fail closed)...
  CHECK(v.verify_detail(tok(now + 100, "d"), "https://a/x", now) ==
        srv::token_status::replay_cache_full);
  // ...until the first expires (+ leeway) and is purged.
  CHECK(v.verify_detail(tok(now + 300, "d"), "https://a/x", now + 60) == srv::token_status::ok);
  CHECK(v.replay_cache_size() == 2);
  // A private key in the JWKS is refused.
  auto priv = key.jwk();
  priv["d"] = "AAAA";
  std::vector<srv::jwk_key> none;
  CHECK_FALSE(
      srv::parse_jwks(json::serialize(json::object{{"keys", json::array{priv}}}), none, err));
  CHECK(err.find("$.keys[0].d") != std::string::npos);
  // A symmetric key is refused.
  CHECK_FALSE(srv::parse_jwks(R"({"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0"}]})", none, err));
}

TEST_CASE("healthz and metrics need no token and carry no patient data", "[server]") {
  test_server s;
  const auto h = http_call(s.port(), "GET", "/healthz");
  REQUIRE(h.status == 200);
  CHECK(parse(h.body).at("status").as_string() == "ok");
  CHECK(s.post("/screen", "{").status == 400);
  const auto m = http_call(s.port(), "GET", "/metrics");
  REQUIRE(m.status == 200);
  CHECK(m.content_type.starts_with("text/plain"));
  CHECK(m.body.find(R"(mnscreen_http_requests_total{route="/screen",status="400"} 1)") !=
        std::string::npos);
  CHECK(m.body.find("mnscreen_http_request_duration_seconds_bucket{le=\"+Inf\"}") !=
        std::string::npos);
  CHECK(m.body.find("mnscreen_audit_queue_depth") != std::string::npos);
}

TEST_CASE("POST /screen answers exactly what the library (and mnscreen screen) gives",
          "[server][screen]") {
  test_server s;
  const std::string intake =
      read_text(std::string(MNSCREEN_TEST_DATA_DIR) + "/intake-isotretinoin.json");
  const std::string plan = read_text(std::string(MNSCREEN_TEST_DATA_DIR) + "/plan-cheeks-pen.json");
  const auto r = s.post("/screen", R"({"intake": )" + intake + R"(, "plan": )" + plan + "}");
  REQUIRE(r.status == 200);
  const mnscreen::screener sc;
  const auto expected = mnscreen::to_json(
      sc.screen(mnscreen::parse_intake(intake).value, mnscreen::parse_plan(plan).value));
  CHECK(r.body == expected);
  CHECK(parse(r.body).at("decision").as_string() == "defer");
}

TEST_CASE("POST /screen: a key given twice is reported as mnscreen screen reports it",
          "[server][screen][malformed]") {
  test_server s;
  const std::string plan = read_text(std::string(MNSCREEN_TEST_DATA_DIR) + "/plan-cheeks-pen.json");
  // In the intake: an error with its path (400), not the last value taken silently.
  const auto r = s.post("/screen", R"({"intake": {"schema": "mnscreen.intake/1", "patient":
      {"pregnant": true, "pregnant": false}}, "plan": )" +
                                       plan + "}");
  require_json_error(r, 400);
  const auto doc = parse(r.body);
  bool found = false;
  for (const auto& d : doc.at("diagnostics").as_array())
    if (d.at("code").as_string() == "duplicate_key" &&
        d.at("path").as_string() == "$.intake.patient.pregnant")
      found = true;
  CHECK(found);
  // In a FHIR bundle: a warning, as the FHIR reader gives for a file (the last value is read).
  json::object bundle{{"resourceType", "Bundle"}, {"type", "collection"}};
  bundle["entry"] = json::array{json::object{{"resource", patient_resource()}}};
  std::string text = json::serialize(bundle);
  text.insert(text.find(R"("type")"), R"("type":"batch",)");
  const auto f = s.post("/screen/fhir", R"({"bundle": )" + text + R"(, "plan": )" + plan + "}");
  REQUIRE(f.status == 200);
  CHECK(f.body.find(R"("code":"fhir.duplicate_key","path":"$.bundle.type")") != std::string::npos);
}

TEST_CASE("POST /screen/fhir reads a FHIR bundle, with an intake overlay", "[server][screen]") {
  test_server s;
  const std::string plan = read_text(std::string(MNSCREEN_TEST_DATA_DIR) + "/plan-cheeks-pen.json");
  json::object bundle{{"resourceType", "Bundle"}, {"type", "collection"}};
  bundle["entry"] = json::array{json::object{{"resource", patient_resource()}},
                                json::object{{"resource", isotretinoin_statement()}}};
  const auto r = s.post("/screen/fhir",
                        R"({"bundle": )" + json::serialize(bundle) + R"(, "plan": )" + plan + "}");
  REQUIRE(r.status == 200);
  const auto doc = parse(r.body);
  CHECK(doc.at("decision").as_string() != "proceed");
  CHECK(r.body.find("isotretinoin") != std::string::npos);
  // The overlay is an intake document: a pregnant "yes" is added to the record.
  const auto overlay = R"({"schema": "mnscreen.intake/1", "patient": {"pregnant": true}})";
  const auto r2 =
      s.post("/screen/fhir", R"({"bundle": )" + json::serialize(bundle) + R"(, "plan": )" + plan +
                                 R"(, "intake": )" + overlay + "}");
  REQUIRE(r2.status == 200);
  CHECK(r2.body.find("pregnan") != std::string::npos);
}

TEST_CASE("malformed requests: each a 4xx with a JSON body naming the path",
          "[server][malformed]") {
  test_server s;
  const std::string plan = read_text(std::string(MNSCREEN_TEST_DATA_DIR) + "/plan-cheeks-pen.json");
  SECTION("/screen") {
    require_json_error(s.post("/screen", "{\"intake\": "), 400);
    require_json_error(s.post("/screen", "[1, 2]"), 400);
    require_json_error(s.post("/screen", R"({"plan": )" + plan + "}"), 400);
    const auto missing = s.post("/screen", R"({"plan": )" + plan + "}");
    CHECK(missing.body.find("$.intake") != std::string::npos);
    const auto wrong = s.post("/screen", R"({"intake": 3, "plan": )" + plan + "}");
    require_json_error(wrong, 400);
    CHECK(wrong.body.find("$.intake") != std::string::npos);
    const auto bad_date =
        s.post("/screen", R"({"intake": {"schema": "mnscreen.intake/1"}, "plan": {"schema":
          "mnscreen.plan/1", "date": "2026-02-30", "areas": ["cheeks"]}})");
    require_json_error(bad_date, 400);
    CHECK(bad_date.body.find("$.plan.date") != std::string::npos);
    std::string deep(200, '[');
    deep += std::string(200, ']');
    const auto too_deep = s.post("/screen", R"({"intake": )" + deep + "}");
    require_json_error(too_deep, 400);
    CHECK(too_deep.body.find("http.too_deep") != std::string::npos);
  }
  SECTION("hooks") {
    const std::string hook = "/cds-services/mnscreen-patient-view";
    require_json_error(s.post(hook, "not json"), 400);
    require_json_error(s.post(hook, "{}"), 400);
    auto req = hook_request("patient-view");
    req["context"].as_object().erase("patientId");
    const auto no_patient = s.post(hook, json::serialize(req));
    require_json_error(no_patient, 400);
    CHECK(no_patient.body.find("$.context.patientId") != std::string::npos);
    req = hook_request("patient-view");
    req["hookInstance"] = 42;
    require_json_error(s.post(hook, json::serialize(req)), 400);
    // A hook that is not the service's: 400.
    require_json_error(s.post(hook, json::serialize(hook_request("order-sign"))), 400);
    require_json_error(s.post(hook, json::serialize(hook_request("medication-prescribe"))), 400);
    std::string deep = "{\"hook\": \"patient-view\", \"x\": " + std::string(100, '[') +
                       std::string(100, ']') + "}";
    require_json_error(s.post(hook, deep), 400);
  }
  SECTION("unknown service and endpoint: 404 with a JSON body") {
    const auto r = s.post("/cds-services/no-such-service", "{}");
    require_json_error(r, 404);
    require_json_error(s.get("/nothing/here"), 404);
    // The method is checked after the token.
    CHECK(s.get("/screen").status == 405);
  }
  SECTION("bad HTTP is a 400, not a dropped connection") {
    asio::io_context ioc;
    tcp::socket sock(ioc);
    sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port()));
    asio::write(sock, asio::buffer(std::string("GARBAGE / HTTP/1.1\r\nHost x\r\n\r\n")));
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(sock, buf, res, ec);
    REQUIRE_FALSE(ec);
    CHECK(res.result_int() == 400);
    CHECK(parse(res.body()).at("error").as_string() == "bad_http");
  }
}

TEST_CASE("body over max_body_bytes: 413 with a JSON body", "[server][limits]") {
  test_server s;
  const std::string big = "{\"intake\": \"" + std::string(1024 * 1024 + 10, 'a') + "\"}";
  const auto r = s.post("/screen", big);
  REQUIRE(r.status == 413);
  CHECK(parse(r.body).at("error").as_string() == "payload_too_large");
}

TEST_CASE("discovery lists one service per hook with the prefetch templates", "[server][hooks]") {
  test_server s;
  const auto r = s.get("/cds-services");
  REQUIRE(r.status == 200);
  const auto doc = parse(r.body);
  std::set<std::string> hooks;
  for (const auto& svc : doc.at("services").as_array()) {
    hooks.insert(json::value_to<std::string>(svc.at("hook")));
    CHECK(svc.at("prefetch").as_object().contains("conditions"));
  }
  CHECK(hooks ==
        std::set<std::string>{"patient-view", "order-select", "order-sign", "appointment-book"});
}

TEST_CASE("patient-view: every prefetch state", "[server][hooks]") {
  // A fetch budget of 2 s: the fast fetches must complete within it even under a sanitizer on a
  // busy machine (with 1 s, one CI run under ASan timed out a fast fetch).
  test_server s({{"fhir_timeout_ms", 2000}});
  fake_fhir fhir;
  fhir.resources["Patient"] = {patient_resource()};
  fhir.resources["MedicationStatement"] = {isotretinoin_statement()};
  const std::string hook = "/cds-services/mnscreen-patient-view";

  SECTION("all keys given: isotretinoin gives a critical card, nothing fetched") {
    auto req = hook_request("patient-view", fhir.base("ok"));
    req["prefetch"].as_object()["medicationStatements"] =
        json::object{{"resourceType", "Bundle"},
                     {"type", "searchset"},
                     {"entry", json::array{json::object{{"resource", isotretinoin_statement()}}}}};
    const auto r = s.post(hook, json::serialize(req));
    REQUIRE(r.status == 200);
    const auto cards = cards_of(r);
    CHECK(has_indicator(cards, "critical"));
    CHECK(fhir.requests == 0);
  }
  SECTION("absent key fetched from fhirServer with the bearer token") {
    auto req = hook_request("patient-view", fhir.base("ok"));
    req["prefetch"].as_object().erase("medicationStatements");
    const auto r = s.post(hook, json::serialize(req));
    REQUIRE(r.status == 200);
    CHECK(has_indicator(cards_of(r), "critical"));
    CHECK(fhir.requests == 1);
    CHECK(fhir.last_authorization == "Bearer fhir-access-token-xyz");
  }
  SECTION("absent key, paginated: the later page is read") {
    fhir.resources["MedicationStatement"] = {
        json::parse(R"({"resourceType": "MedicationStatement", "id": "ms-0", "status": "active",
          "medicationCodeableConcept": {"text": "Vitamin D"}, "subject": {"reference":
          "Patient/pat-1"}})")
            .as_object(),
        isotretinoin_statement()};
    auto req = hook_request("patient-view", fhir.base("paged"));
    req["prefetch"].as_object().erase("medicationStatements");
    const auto r = s.post(hook, json::serialize(req));
    REQUIRE(r.status == 200);
    CHECK(fhir.requests == 2);
    CHECK(has_indicator(cards_of(r), "critical"));
  }
  SECTION("absent key, failing server: incomplete, never clear to treat") {
    auto req = hook_request("patient-view", fhir.base("fail"));
    req["prefetch"].as_object().erase("medicationStatements");
    const auto r = s.post(hook, json::serialize(req));
    REQUIRE(r.status == 200);
    const auto cards = cards_of(r);
    REQUIRE_FALSE(cards.empty());
    CHECK(has_indicator(cards, "info"));
    CHECK_FALSE(has_indicator(cards, "critical"));
    CHECK(all_text(cards).find("Not available from the record") != std::string::npos);
    CHECK(all_text(cards).find("HTTP 500") != std::string::npos);
  }
  SECTION("absent key, slow server: answered within the fetch timeout, incomplete") {
    fhir.slow_ms = 5000;
    auto req = hook_request("patient-view", fhir.base("slow"));
    req["prefetch"].as_object().erase("medicationStatements");
    req["prefetch"].as_object().erase("conditions");
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = s.post(hook, json::serialize(req));
    const auto waited = std::chrono::steady_clock::now() - t0;
    REQUIRE(r.status == 200);
    // Bounded by fhir_timeout_ms (2 s) for all absent keys together, not 2 x 5 s.
    CHECK(waited < std::chrono::milliseconds(3500));
    const auto text = all_text(cards_of(r));
    CHECK(text.find("Not available from the record") != std::string::npos);
    CHECK(text.find("conditions") != std::string::npos);
    CHECK(text.find("timed out") != std::string::npos);
  }
  SECTION("null and empty keys are no data: nothing fetched, no flag") {
    auto req = hook_request("patient-view", fhir.base("ok"));
    req["prefetch"].as_object()["medicationStatements"] = nullptr;
    const auto r = s.post(hook, json::serialize(req));
    REQUIRE(r.status == 200);
    CHECK(fhir.requests == 0);
    CHECK_FALSE(has_indicator(cards_of(r), "critical"));
    CHECK_FALSE(has_indicator(cards_of(r), "warning"));
  }
  SECTION("OperationOutcome: not refetched, its facts unknown") {
    auto req = hook_request("patient-view", fhir.base("ok"));
    req["prefetch"].as_object()["medicationStatements"] = operation_outcome();
    const auto r = s.post(hook, json::serialize(req));
    REQUIRE(r.status == 200);
    CHECK(fhir.requests == 0);
    const auto cards = cards_of(r);
    CHECK_FALSE(has_indicator(cards, "critical"));
    CHECK(all_text(cards).find("search timed out") != std::string::npos);
  }
  SECTION("incomplete as 412 when configured") {
    test_server s412({{"incomplete", "412"}});
    auto req = hook_request("patient-view", fhir.base("fail"));
    req["prefetch"].as_object().erase("medicationStatements");
    const auto r = s412.post(hook, json::serialize(req));
    require_json_error(r, 412);
    CHECK(r.body.find("$.prefetch.medicationStatements") != std::string::npos);
  }
}

TEST_CASE("order-select, order-sign and appointment-book", "[server][hooks]") {
  test_server s;
  const auto order = json::parse(R"({"resourceType": "ServiceRequest", "id": "sr-1",
      "status": "draft", "intent": "order", "subject": {"reference": "Patient/pat-1"},
      "code": {"coding": [{"system": "http://clinic.test/codes", "code": "MN"}]},
      "bodySite": [{"text": "cheeks"}], "occurrenceDateTime": "2026-12-20"})");
  for (const char* h : {"order-select", "order-sign"}) {
    INFO(h);
    auto req = hook_request(h);
    req["context"].as_object()["draftOrders"] = json::object{
        {"resourceType", "Bundle"}, {"entry", json::array{json::object{{"resource", order}}}}};
    if (std::string_view(h) == "order-select")
      req["context"].as_object()["selections"] = json::array{"ServiceRequest/sr-1"};
    req["prefetch"].as_object()["medicationStatements"] =
        json::object{{"resourceType", "Bundle"},
                     {"type", "searchset"},
                     {"entry", json::array{json::object{{"resource", isotretinoin_statement()}}}}};
    const auto r = s.post(std::string("/cds-services/mnscreen-") + h, json::serialize(req));
    REQUIRE(r.status == 200);
    CHECK(has_indicator(cards_of(r), "critical"));
  }
  auto req = hook_request("appointment-book");
  req["context"].as_object()["appointments"] = json::array{json::parse(
      R"({"resourceType": "Appointment", "id": "ap-1", "status": "proposed", "start":
      "2026-12-22T10:00:00Z", "participant": [{"actor": {"reference": "Patient/pat-1"}}]})")};
  const auto r = s.post("/cds-services/mnscreen-appointment-book", json::serialize(req));
  REQUIRE(r.status == 200);
  (void)cards_of(r);
}

TEST_CASE("feedback: batched, repeated and the flat legacy form are 200; bad ones are 400",
          "[server][feedback]") {
  test_server s;
  const std::string path = "/cds-services/mnscreen-order-sign/feedback";
  const auto batched = s.post(path, R"({"feedback": [
      {"card": "3f9d0a3e-1b2c-5d4e-8f90-123456789abc", "outcome": "overridden",
       "overrideReason": {"reason": {"code": "patient-informed", "system":
       "urn:mnscreen:cds:override-reason"}, "userComment": "discussed"},
       "outcomeTimestamp": "2026-12-03T10:00:00Z"},
      {"card": "3f9d0a3e-1b2c-5d4e-8f90-123456789abc", "outcome": "overridden",
       "overrideReason": {"reason": {"code": "patient-informed", "system":
       "urn:mnscreen:cds:override-reason"}, "userComment": "discussed"},
       "outcomeTimestamp": "2026-12-03T10:00:00Z"}]})");
  CHECK(batched.status == 200);
  const auto flat = s.post(path, R"({"card": "4f9d0a3e-1b2c-5d4e-8f90-123456789abc",
      "outcome": "overridden", "overrideReason": {"code": "other", "system":
      "urn:mnscreen:cds:override-reason"}, "outcomeTimestamp": "2026-12-03T10:01:00Z"})");
  CHECK(flat.status == 200);
  require_json_error(s.post(path, R"({"feedback": []})"), 400);
  require_json_error(s.post(path, "nope"), 400);
  require_json_error(s.post("/cds-services/unknown/feedback", "{}"), 404);
}

TEST_CASE("CORS: allowed origins get the headers, preflight needs no token", "[server]") {
  test_server s({{"cors_origins", json::array{"https://app.clinic.test"}}});
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port()));
  http::request<http::empty_body> req{http::verb::options, "/screen", 11};
  req.set(http::field::host, "x");
  req.set(http::field::origin, "https://app.clinic.test");
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res);
  CHECK(res.result_int() == 204);
  CHECK(res[http::field::access_control_allow_origin] == "https://app.clinic.test");
  const auto other =
      http_call(s.port(), "GET", "/healthz", {}, {}, {{"Origin", "https://evil.test"}});
  CHECK(other.status == 200);
}

TEST_CASE("the sample deployment config is a valid mnscreen.serve/1 document", "[server][config]") {
  const auto text = read_text(std::string(MNSCREEN_SOURCE_DIR) + "/examples/deploy/serve.json");
  const auto r = srv::parse_config(text, std::string(MNSCREEN_SOURCE_DIR) + "/examples/deploy");
  for (const auto& d : r.diagnostics) UNSCOPED_INFO(mnscreen::format(d));
  CHECK(r.ok());
  CHECK(r.value.host == "127.0.0.1");
  const auto plan =
      read_text(std::string(MNSCREEN_SOURCE_DIR) + "/examples/deploy/default-plan.json");
  CHECK(mnscreen::parse_plan(plan).ok());
}

TEST_CASE("connection cap: over max_connections is a 503 with a JSON body", "[server][limits]") {
  test_server s({{"max_connections", 1}});
  asio::io_context ioc;
  tcp::socket held(ioc);
  held.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port()));
  // Wait until the server counts the held connection.
  for (int i = 0; i < 200 && s.http->open_connections() < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(s.http->open_connections() == 1);
  const auto r = http_call(s.port(), "GET", "/healthz");
  REQUIRE(r.status == 503);
  CHECK(parse(r.body).at("error").as_string() == "over_capacity");
  held.close();
  for (int i = 0; i < 200 && s.http->open_connections() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(http_call(s.port(), "GET", "/healthz").status == 200);
}

TEST_CASE("slow clients: a header or body that does not arrive in time closes the connection",
          "[server][limits]") {
  test_server s({{"header_timeout_ms", 200}, {"body_timeout_ms", 300}});
  auto closed_within = [&](const std::string& partial) {
    asio::io_context ioc;
    tcp::socket sock(ioc);
    sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port()));
    asio::write(sock, asio::buffer(partial));
    const auto t0 = std::chrono::steady_clock::now();
    std::array<char, 256> buf{};
    bool closed = false;
    std::function<void()> next = [&] {
      sock.async_read_some(asio::buffer(buf), [&](beast::error_code ec, std::size_t) {
        if (ec)
          closed = true;
        else
          next();
      });
    };
    next();
    // The server's timeout should end it; ours (10 s) only keeps a broken server from hanging
    // the test.
    ioc.run_for(std::chrono::seconds(10));
    CHECK(closed);
    return std::chrono::steady_clock::now() - t0;
  };
  CHECK(closed_within("POST /screen HTTP/1.1\r\nHost: x\r\n") < std::chrono::seconds(5));
  CHECK(closed_within("POST /screen HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{") <
        std::chrono::seconds(5));
  // The server still answers.
  CHECK(http_call(s.port(), "GET", "/healthz").status == 200);
}

TEST_CASE("an order that is not microneedling: 200 without cards, never 412", "[server][hooks]") {
  test_server s({{"incomplete", "412"}});
  auto req = hook_request("order-sign");
  req["context"].as_object()["draftOrders"] = json::object{
      {"resourceType", "Bundle"},
      {"entry", json::array{json::object{
                    {"resource", json::parse(R"({"resourceType": "ServiceRequest", "id": "sr-9",
          "status": "draft", "intent": "order", "subject": {"reference": "Patient/pat-1"},
          "code": {"text": "Chest X-ray"}})")}}}}};
  const auto r = s.post("/cds-services/mnscreen-order-sign", json::serialize(req));
  REQUIRE(r.status == 200);
  CHECK(cards_of(r).empty());
}

TEST_CASE("keep-alive: bodies larger and smaller than the read buffer, one connection",
          "[server][limits]") {
  // The session makes room in its read buffer for a body of known length (up to 64 KB) and
  // keeps it for the connection's next requests: bodies over it, under it and tiny, one after
  // another, must each be read whole.
  test_server s({}, true);
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port()));
  stream.expires_after(std::chrono::seconds(30));
  beast::flat_buffer buf;
  for (const std::size_t pad : {std::size_t{200 * 1024}, std::size_t{30 * 1024}, std::size_t{10},
                                std::size_t{100 * 1024}}) {
    INFO(pad);
    http::request<http::string_body> req{http::verb::post, "/screen", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = "{\"pad\": \"" + std::string(pad, 'a') + "\"}";
    req.prepare_payload();
    http::write(stream, req);
    http::response_parser<http::string_body> parser;
    http::read(stream, buf, parser);
    // The whole body was read: valid JSON, its one member named, intake and plan missing.
    CHECK(parser.get().result_int() == 400);
    CHECK(parser.get().keep_alive());
    CHECK(diagnostic_paths(parser.get().body()) == std::set<std::string>{"$.intake", "$.plan"});
  }
}

TEST_CASE("a body that came with its header, pipelined, split or chunked, is read whole",
          "[server][limits]") {
  // The session answers at once a request whose body its header read already took; a body
  // still partly on its way, a second request behind the first and a chunked body must each
  // still be read whole and answered in order.
  test_server s({}, true);
  asio::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port()));
  auto post = [](const std::string& body) {
    return "POST /screen HTTP/1.1\r\nHost: x\r\nContent-Type: "
           "application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  beast::flat_buffer buf;
  // Each answer: a 400 naming only the missing intake and plan (a body cut short would be a
  // JSON syntax error instead), on a connection kept open.
  auto expect_answer = [&] {
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(sock, buf, res, ec);
    REQUIRE_FALSE(ec);
    CHECK(res.result_int() == 400);
    CHECK(res.keep_alive());
    CHECK(diagnostic_paths(res.body()) == std::set<std::string>{"$.intake", "$.plan"});
  };
  const std::string body = "{\"pad\": \"" + std::string(20000, 'a') + "\"}";
  SECTION("two requests in one write: two answers, in order") {
    asio::write(sock, asio::buffer(post(body) + post("{\"pad\": 1}")));
    expect_answer();
    expect_answer();
  }
  SECTION("a body whose end comes later") {
    // The first request on a connection, then a second once the read buffer is large.
    for (int i = 0; i < 2; ++i) {
      const auto text = post(body);
      asio::write(sock, asio::buffer(text.substr(0, text.size() - 5000)));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      asio::write(sock, asio::buffer(text.substr(text.size() - 5000)));
      expect_answer();
    }
  }
  SECTION("a chunked body, whole and in two writes") {
    const std::string chunked =
        "POST /screen HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"pad\r\n6\r\n\": 12}\r\n0\r\n\r\n";
    asio::write(sock, asio::buffer(chunked));
    expect_answer();
    const std::size_t split = chunked.find("\r\n\r\n") + 4 + 6;  // inside the first chunk
    asio::write(sock, asio::buffer(chunked.substr(0, split)));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    asio::write(sock, asio::buffer(chunked.substr(split)));
    expect_answer();
  }
}
