// SPDX-License-Identifier: Apache-2.0
// The request reader: fixtures of every hook (written from the CDS Hooks 2.0 text), what real
// clients send (tolerated), and malformed requests (each an error with its JSON path).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cds_test_support.hpp"

using namespace mnscreen;
using namespace mnscreen::test;

namespace {

const cds::prefetch_entry& entry(const cds::request& r, std::string_view key) {
  const auto* e = r.find_prefetch(key);
  REQUIRE(e != nullptr);
  return *e;
}

std::string minimal(std::string_view context, std::string_view extra = {}) {
  return R"({"hook":"patient-view","hookInstance":"h-1","context":)" + std::string(context) +
         std::string(extra) + "}";
}

}  // namespace

TEST_CASE("patient-view fixture: members and every prefetch state", "[cds][request]") {
  const auto r = cds::parse_request(cds_fixture("patient-view.json"));
  INFO((r.diagnostics.empty() ? std::string() : format(r.diagnostics[0])));
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
  const auto& q = r.value;
  CHECK(q.hook == cds::hook::patient_view);
  CHECK(q.hook_instance == "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea");
  CHECK(q.fhir_server == "https://fhir.example.org/r4");
  REQUIRE(q.authorization.has_value());
  CHECK(q.authorization->access_token == "some-opaque-fhir-access-token");
  CHECK(q.authorization->expires_in == 300);
  CHECK(q.patient_id == "pat-1");
  CHECK(q.user_id == "Practitioner/example");
  CHECK(q.encounter_id == "enc-89284");
  CHECK(entry(q, "patient").state == cds::prefetch_state::data);
  CHECK(entry(q, "conditions").state == cds::prefetch_state::no_data);  // empty searchset
  CHECK(entry(q, "medicationStatements").state == cds::prefetch_state::data);
  CHECK(entry(q, "medicationRequests").state == cds::prefetch_state::no_data);  // null
  CHECK(entry(q, "allergies").state == cds::prefetch_state::no_data);           // entry: []
  CHECK(entry(q, "observations").state == cds::prefetch_state::failed);         // OperationOutcome
  CHECK(entry(q, "observations").failure == "Observation search timed out");
  CHECK(q.prefetch.size() == cds::prefetch_templates().size());
}

TEST_CASE("prefetch data from the request is kept parsed; texts() writes it out",
          "[cds][request]") {
  const auto r = cds::parse_request(cds_fixture("patient-view.json"));
  REQUIRE(r.ok());
  const auto& patient = entry(r.value, "patient");
  REQUIRE(patient.state == cds::prefetch_state::data);
  // Not written out to text: screen_request maps the parsed tree where it is.
  CHECK(patient.parsed != nullptr);
  CHECK(patient.documents.empty());
  const std::vector<std::string> texts = patient.texts();
  REQUIRE(texts.size() == 1);
  CHECK(texts[0].rfind(R"({"resourceType":"Patient","id":"pat-1")", 0) == 0);
  // The entries share the parsed request, which outlives the parse_request result's copies.
  const cds::request copy = r.value;
  CHECK(entry(copy, "medicationStatements").texts() ==
        entry(r.value, "medicationStatements").texts());
  // Keys without data keep nothing parsed.
  CHECK(entry(r.value, "conditions").parsed == nullptr);
  CHECK(entry(r.value, "observations").parsed == nullptr);
  // Text set by a caller is read as well, after the parsed documents.
  cds::prefetch_entry both = patient;
  both.documents = {R"({"resourceType":"Condition","id":"c9"})"};
  const auto all = both.texts();
  REQUIRE(all.size() == 2);
  CHECK(all[1] == both.documents[0]);
}

TEST_CASE("order-sign, order-select and appointment-book fixtures", "[cds][request]") {
  SECTION("order-sign: draftOrders Bundle without type; absent keys stay absent") {
    const auto r = cds::parse_request(cds_fixture("order-sign.json"));
    REQUIRE(r.ok());
    CHECK(r.value.hook == cds::hook::order_sign);
    REQUIRE(r.value.draft_orders.size() == 1);
    CHECK(r.value.draft_orders[0].find("\"ServiceRequest\"") != std::string::npos);
    CHECK(entry(r.value, "conditions").state == cds::prefetch_state::absent);
    CHECK(entry(r.value, "allergies").state == cds::prefetch_state::data);
    CHECK_FALSE(r.value.authorization.has_value());
  }
  SECTION("order-select: selections and two draft orders") {
    const auto r = cds::parse_request(cds_fixture("order-select.json"));
    REQUIRE(r.ok());
    CHECK(r.value.hook == cds::hook::order_select);
    CHECK(r.value.selections == std::vector<std::string>{"ServiceRequest/sr-mn"});
    CHECK(r.value.draft_orders.size() == 2);
    CHECK(entry(r.value, "devices").state == cds::prefetch_state::failed);
    CHECK(entry(r.value, "devices").failure == "Access to Device denied");
  }
  SECTION("appointment-book: appointments as a bare array") {
    const auto r = cds::parse_request(cds_fixture("appointment-book.json"));
    REQUIRE(r.ok());
    CHECK(r.value.hook == cds::hook::appointment_book);
    REQUIRE(r.value.appointments.size() == 1);
    CHECK(r.value.appointments[0].find("\"Appointment\"") != std::string::npos);
  }
}

TEST_CASE("What real clients send is tolerated", "[cds][request]") {
  SECTION("unknown members are warnings") {
    const auto r = cds::parse_request(
        minimal(R"({"patientId":"p","userId":"u","vendorThing":1})", R"(,"x-vendor":{"a":1})"));
    REQUIRE(r.ok());
    CHECK(has_code(r.diagnostics, "cds.unknown_key", "$.context.vendorThing"));
    CHECK(has_code(r.diagnostics, "cds.unknown_key", "$[\"x-vendor\"]"));
  }
  SECTION("legacy top-level user and patient, oauth") {
    const auto r = cds::parse_request(minimal(R"({"patientId":"p"})",
                                              R"(,"user":"Practitioner/9","patient":"p",)"
                                              R"("oauth":{"token":"secret-value"})"));
    REQUIRE(r.ok());
    CHECK(r.value.user_id == "Practitioner/9");
    CHECK(has_code(r.diagnostics, "cds.legacy_field", "$.user"));
    CHECK(has_code(r.diagnostics, "cds.legacy_field", "$.oauth"));
    for (const auto& d : r.diagnostics) CHECK(d.message.find("secret-value") == std::string::npos);
  }
  SECTION("prefetch null, and a searchset whose only entry is a warning OperationOutcome") {
    const auto r = cds::parse_request(minimal(R"({"patientId":"p"})", R"(,"prefetch":null)"));
    REQUIRE(r.ok());
    for (const auto& e : r.value.prefetch) CHECK(e.state == cds::prefetch_state::absent);
    const auto w = cds::parse_request(
        minimal(R"({"patientId":"p"})",
                R"(,"prefetch":{"conditions":{"resourceType":"Bundle","type":"searchset","entry":[)"
                R"({"resource":{"resourceType":"OperationOutcome","issue":[{"severity":"warning",)"
                R"("code":"informational"}]},"search":{"mode":"outcome"}}]}})"));
    REQUIRE(w.ok());
    CHECK(entry(w.value, "conditions").state == cds::prefetch_state::no_data);
  }
  SECTION("a Bundle whose only entry is an error OperationOutcome is a failure") {
    const auto r = cds::parse_request(minimal(
        R"({"patientId":"p"})",
        R"(,"prefetch":{"allergies":{"resourceType":"Bundle","entry":[{"resource":)"
        R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"exception",)"
        R"("diagnostics":"backend down"}]}}]}})"));
    REQUIRE(r.ok());
    CHECK(entry(r.value, "allergies").state == cds::prefetch_state::failed);
    CHECK(entry(r.value, "allergies").failure == "backend down");
  }
  SECTION("draftOrders as a bare array of Bundle entries, a single selection as a string") {
    const auto r = cds::parse_request(
        R"({"hook":"order-select","hookInstance":"h","context":{"patientId":"p",)"
        R"("selections":"ServiceRequest/a","draftOrders":[{"resource":{"resourceType":)"
        R"("ServiceRequest","id":"a"}}]}})");
    REQUIRE(r.ok());
    CHECK(r.value.draft_orders.size() == 1);
    CHECK(r.value.selections == std::vector<std::string>{"ServiceRequest/a"});
  }
  SECTION("keys other than the templates are kept, after them") {
    const auto r = cds::parse_request(
        minimal(R"({"patientId":"p"})",
                R"(,"prefetch":{"encounter":{"resourceType":"Encounter","id":"e"}})"));
    REQUIRE(r.ok());
    CHECK(r.value.prefetch.back().key == "encounter");
    CHECK(r.value.prefetch.back().state == cds::prefetch_state::data);
  }
}

TEST_CASE("Malformed requests are errors with their JSON path", "[cds][request]") {
  struct bad {
    std::string text;
    std::string code;
    std::string path;
  };
  const std::vector<bad> cases = {
      {"", "cds.malformed_json", "$"},
      {"{\"hook\":", "cds.malformed_json", "$"},
      {"[1,2]", "cds.wrong_type", "$"},
      {R"({"hookInstance":"h","context":{"patientId":"p"}})", "cds.missing_field", "$.hook"},
      {R"({"hook":"patient-chart","hookInstance":"h","context":{"patientId":"p"}})",
       "cds.unknown_hook", "$.hook"},
      {R"({"hook":7,"hookInstance":"h","context":{"patientId":"p"}})", "cds.wrong_type", "$.hook"},
      {R"({"hook":"patient-view","context":{"patientId":"p"}})", "cds.missing_field",
       "$.hookInstance"},
      {R"({"hook":"patient-view","hookInstance":"h"})", "cds.missing_field", "$.context"},
      {R"({"hook":"patient-view","hookInstance":"h","context":[]})", "cds.wrong_type", "$.context"},
      {R"({"hook":"patient-view","hookInstance":"h","context":{"userId":"u"}})",
       "cds.missing_field", "$.context.patientId"},
      {R"({"hook":"patient-view","hookInstance":"h","context":{"patientId":12}})", "cds.wrong_type",
       "$.context.patientId"},
      {R"({"hook":"patient-view","hookInstance":"h","context":{"patientId":"p"},"prefetch":[]})",
       "cds.wrong_type", "$.prefetch"},
      {R"({"hook":"patient-view","hookInstance":"h","context":{"patientId":"p"},)"
       R"("prefetch":{"patient":"Patient/p"}})",
       "cds.not_a_resource", "$.prefetch.patient"},
      {R"({"hook":"patient-view","hookInstance":"h","hook":"order-sign","context":{"patientId":"p"}})",
       "cds.duplicate_key", ""},
      {R"({"hook":"patient-view","hookInstance":"h","context":{"patientId":"p"},)"
       R"("fhirServer":"ftp://x"})",
       "cds.wrong_type", "$.fhirServer"},
      {R"({"hook":"order-sign","hookInstance":"h","context":{"patientId":"p","draftOrders":5}})",
       "cds.wrong_type", "$.context.draftOrders"},
      {R"({"hook":"order-sign","hookInstance":"h","context":{"patientId":"p","draftOrders":)"
       R"({"resourceType":"Bundle","entry":[{"resource":{"id":"x"}}]}}})",
       "cds.not_a_resource", "$.context.draftOrders.entry[0].resource"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const auto r = cds::parse_request(c.text);
    CHECK_FALSE(r.ok());
    CHECK(has_code(r.diagnostics, c.code, c.path));
    const std::string body = cds::diagnostics_json(r.diagnostics);
    const auto v = bj::parse(body);
    CHECK_FALSE(v.at("error").as_string().empty());
    CHECK_FALSE(v.at("diagnostics").as_array().empty());
  }
}

TEST_CASE("Nesting depth and size limits", "[cds][request]") {
  std::string deep = minimal(R"({"patientId":"p"})", R"(,"x":)");
  deep.pop_back();
  for (int i = 0; i < 200; ++i) deep += "[";
  for (int i = 0; i < 200; ++i) deep += "]";
  deep += "}";
  const auto r = cds::parse_request(deep);
  CHECK_FALSE(r.ok());
  CHECK(has_code(r.diagnostics, "cds.too_deep", "$"));
  cds::request_limits small;
  small.max_bytes = 64;
  const auto big = cds::parse_request(cds_fixture("patient-view.json"), small);
  CHECK(has_code(big.diagnostics, "cds.document_too_large", "$"));
}

TEST_CASE("The access token never appears in diagnostics", "[cds][request]") {
  const std::string token = "eyJhbGciOiJSUzM4NCJ9.super-secret-token";
  const auto r =
      cds::parse_request(R"({"hook":"patient-view","hookInstance":"h","context":{"patientId":"p"},)"
                         R"("fhirAuthorization":{"access_token":")" +
                         token +
                         R"(","token_type":"MAC","expires_in":"soon",)"
                         R"("bogus":")" +
                         token + R"("}})");
  for (const auto& d : r.diagnostics) {
    INFO(format(d));
    CHECK(d.message.find(token) == std::string::npos);
    CHECK(d.path.find(token) == std::string::npos);
  }
  CHECK(cds::diagnostics_json(r.diagnostics).find(token) == std::string::npos);
  // A token of the wrong type is an error that does not show the value.
  const auto w =
      cds::parse_request(R"({"hook":"patient-view","hookInstance":"h","context":{"patientId":"p"},)"
                         R"("fhirAuthorization":{"access_token":["secret-in-array"]}})");
  CHECK(has_code(w.diagnostics, "cds.wrong_type", "$.fhirAuthorization.access_token"));
  CHECK(cds::diagnostics_json(w.diagnostics).find("secret-in-array") == std::string::npos);
  // The same text elsewhere in the request (a key, a wrongly typed value that a message shows)
  // is redacted too: the diagnostics keep their place but say "[token]".
  const auto e = cds::parse_request(
      R"({"hook":"patient-view","hookInstance":"h","context":{"patientId":"p",")" + token +
      R"(":1},"fhirAuthorization":{"access_token":")" + token + R"(","scope":[")" + token +
      R"("]}})");
  CHECK_FALSE(e.ok());  // a scope that is not a string is an error
  REQUIRE(e.value.authorization);
  CHECK(e.value.authorization->access_token == token);
  CHECK(has_code(e.diagnostics, "cds.unknown_key", R"($.context["[token]"])"));
  CHECK(has_code(e.diagnostics, "cds.wrong_type", "$.fhirAuthorization.scope"));
  for (const auto& d : e.diagnostics) {
    INFO(format(d));
    CHECK(d.message.find(token) == std::string::npos);
    CHECK(d.path.find(token) == std::string::npos);
  }
  // A short token is not redacted (it would blank ordinary words); it is still never written.
  const auto s =
      cds::parse_request(R"({"hook":"patient-view","hookInstance":"h","context":{"patientId":"p"},)"
                         R"("fhirAuthorization":{"access_token":"is"}})");
  REQUIRE(s.ok());
  CHECK(cds::diagnostics_json(s.diagnostics).find("[token]") == std::string::npos);
}

TEST_CASE("Services and discovery", "[cds][request]") {
  const auto v = bj::parse(cds::discovery_json());
  const auto& list = v.at("services").as_array();
  REQUIRE(list.size() == 4);
  std::vector<std::string> ids, hooks;
  for (const auto& s : list) {
    ids.push_back(str_of(s.at("id")));
    hooks.push_back(str_of(s.at("hook")));
    CHECK_FALSE(s.at("description").as_string().empty());
    const auto& pre = s.at("prefetch").as_object();
    CHECK(pre.size() == 8);
    for (const auto& t : pre)
      CHECK(str_of(t.value()).find("{{context.patientId}}") != std::string::npos);
  }
  CHECK(hooks ==
        std::vector<std::string>{"patient-view", "order-select", "order-sign", "appointment-book"});
  std::sort(ids.begin(), ids.end());
  CHECK(std::unique(ids.begin(), ids.end()) == ids.end());
  for (const auto& s : cds::services()) {
    CHECK(cds::find_service(s.id) == &s);
    CHECK(cds::parse_hook(cds::to_string(s.hook)) == s.hook);
  }
  CHECK(cds::find_service("nope") == nullptr);
  // The service answers only its own hook.
  const auto r = cds::parse_request(cds_fixture("order-sign.json"));
  CHECK(cds::hook_mismatch(r.value, *cds::find_service("mnscreen-order-sign")) == std::nullopt);
  const auto m = cds::hook_mismatch(r.value, *cds::find_service("mnscreen-patient-view"));
  REQUIRE(m.has_value());
  CHECK(m->code == "cds.hook_mismatch");
}
