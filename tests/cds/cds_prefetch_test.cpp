// SPDX-License-Identifier: Apache-2.0
// Prefetch resolution with a local fake fetch function: absent keys fetched once each (pages,
// timeouts, errors), null / empty / OperationOutcome keys never fetched, a failed key unknown
// (never "no"), and only the resources of context.patientId read.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "cds_test_support.hpp"

using namespace mnscreen;
using namespace mnscreen::test;

namespace {

// A fake FHIR server: answers per URL, records every call.
struct fake_fhir {
  std::map<std::string, cds::fetch_result> answers;
  std::vector<std::string> calls;
  cds::fetch_function function() {
    return [this](std::string_view url) {
      calls.emplace_back(url);
      const auto it = answers.find(std::string(url));
      if (it != answers.end()) return it->second;
      cds::fetch_result r;
      r.status = cds::fetch_result::status::ok;
      r.documents = {R"({"resourceType":"Bundle","type":"searchset","total":0})"};
      return r;
    };
  }
};

cds::fetch_result ok(std::vector<std::string> docs) {
  cds::fetch_result r;
  r.status = cds::fetch_result::status::ok;
  r.documents = std::move(docs);
  return r;
}

const std::string lidocaine_allergy =
    R"({"resourceType":"AllergyIntolerance","id":"al-9","code":{"coding":[{"system":)"
    R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":"6387"}]},)"
    R"("patient":{"reference":"Patient/pat-2"}})";

}  // namespace

TEST_CASE("Absent keys are fetched once, relative to fhirServer; others never", "[cds][prefetch]") {
  auto req = cds::parse_request(cds_fixture("order-sign.json"));
  REQUIRE(req.ok());
  fake_fhir server;
  const auto touched = cds::resolve_prefetch(req.value, server.function());
  // order-sign sends patient and allergies: the six others are fetched, in template order.
  CHECK(server.calls ==
        std::vector<std::string>{"Condition?patient=pat-2", "MedicationRequest?patient=pat-2",
                                 "MedicationStatement?patient=pat-2", "Observation?patient=pat-2",
                                 "Procedure?patient=pat-2", "Device?patient=pat-2"});
  CHECK(touched.size() == 6);
  for (const auto& e : req.value.prefetch) {
    if (e.key == "patient" || e.key == "allergies") {
      CHECK_FALSE(e.fetched);
      CHECK(e.state == cds::prefetch_state::data);
    } else {
      CHECK(e.fetched);
      CHECK(e.state == cds::prefetch_state::no_data);
    }
  }
  // A second resolution fetches nothing.
  server.calls.clear();
  CHECK(cds::resolve_prefetch(req.value, server.function()).empty());
  CHECK(server.calls.empty());
}

TEST_CASE("null, empty and OperationOutcome keys are not fetched", "[cds][prefetch]") {
  auto req = cds::parse_request(cds_fixture("order-select.json"));
  REQUIRE(req.ok());
  fake_fhir server;
  cds::resolve_prefetch(req.value, server.function());
  CHECK(server.calls.empty());
  CHECK(req.value.find_prefetch("devices")->state == cds::prefetch_state::failed);
}

TEST_CASE("Fetch outcomes: pages, timeout, error, OperationOutcome answer", "[cds][prefetch]") {
  auto req = cds::parse_request(cds_fixture("order-sign.json"));
  REQUIRE(req.ok());
  fake_fhir server;
  // Two pages of conditions (a `next` link followed by the fetcher).
  server.answers["Condition?patient=pat-2"] =
      ok({R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":)"
          R"("Condition","id":"c1","clinicalStatus":{"coding":[{"code":"active"}]},"code":)"
          R"({"coding":[{"system":"http://snomed.info/sct","code":"33659008"}]},"subject":)"
          R"({"reference":"Patient/pat-2"}}}]})",
          R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":)"
          R"("Condition","id":"c2","clinicalStatus":{"coding":[{"code":"active"}]},"code":)"
          R"({"coding":[{"system":"http://snomed.info/sct","code":"1475003"}]},"subject":)"
          R"({"reference":"Patient/pat-2"}}}]})"});
  cds::fetch_result timeout;
  timeout.status = cds::fetch_result::status::timeout;
  timeout.message = "no answer in 2000 ms";
  server.answers["MedicationRequest?patient=pat-2"] = timeout;
  cds::fetch_result error;
  error.status = cds::fetch_result::status::error;
  error.message = "HTTP 503";
  server.answers["MedicationStatement?patient=pat-2"] = error;
  server.answers["Device?patient=pat-2"] = ok(
      {R"({"resourceType":"OperationOutcome","issue":[{"severity":"fatal","code":"exception"}]})"});
  cds::resolve_prefetch(req.value, server.function());
  const auto& conditions = *req.value.find_prefetch("conditions");
  CHECK(conditions.state == cds::prefetch_state::data);
  CHECK(conditions.documents.size() == 2);
  CHECK(req.value.find_prefetch("medicationRequests")->state == cds::prefetch_state::failed);
  CHECK(req.value.find_prefetch("medicationRequests")->failure.find("in time") !=
        std::string::npos);
  CHECK(req.value.find_prefetch("medicationStatements")->state == cds::prefetch_state::failed);
  CHECK(req.value.find_prefetch("medicationStatements")->failure.find("HTTP 503") !=
        std::string::npos);
  CHECK(req.value.find_prefetch("devices")->state == cds::prefetch_state::failed);

  const auto result =
      cds::screen_request(req.value, cds_screener(), cds_reader(), cds_settings(), cds_today());
  // Both pages were read: the keloid and the cold sores of pat-2.
  REQUIRE(result.screen.has_value());
  std::vector<condition_code> codes;
  for (const auto& c : result.input.record.conditions) codes.push_back(c.code);
  CHECK(std::count(codes.begin(), codes.end(), condition_code::keloid) == 1);
  CHECK(std::count(codes.begin(), codes.end(), condition_code::hsv_labialis) == 1);
  // Failed keys are listed as unavailable and named on the questions card.
  CHECK(result.input.unavailable.size() == 3);
  const auto response = bj::parse(cds::to_response(result, req.value));
  const auto* q = card_of_kind(response, "questions");
  REQUIRE(q != nullptr);
  const std::string detail = str_of(q->at("detail"));
  CHECK(detail.find("prescriptions") != std::string::npos);
  CHECK(detail.find("HTTP 503") != std::string::npos);
  CHECK(detail.find("devices") != std::string::npos);
}

TEST_CASE("A failed key is unknown, never no: no card clears the patient", "[cds][prefetch]") {
  // Everything sent as a failure except the patient: a complete-looking proceed must not come.
  const std::string failure =
      R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"timeout"}]})";
  std::string text = R"({"hook":"patient-view","hookInstance":"h-oo","context":{"patientId":"p9"},)"
                     R"("prefetch":{"patient":{"resourceType":"Patient","id":"p9","gender":"male",)"
                     R"("birthDate":"1980-01-01"})";
  for (const auto& t : cds::prefetch_templates())
    if (t.key != "patient") text += ",\"" + std::string(t.key) + "\":" + failure;
  text += "}}";
  fake_fhir server;
  const auto run = run_hook(text, server.function(), {true, {}});
  CHECK(server.calls.empty());
  REQUIRE(run.result.screen.has_value());
  CHECK(run.result.screen->decision != decision::proceed);
  CHECK(run.result.input.unavailable.size() == 7);
  const auto& cards = cards_of(run.response);
  REQUIRE(cards.size() == 1);
  CHECK(card_of_kind(run.response, "questions") != nullptr);
  CHECK(card_of_kind(run.response, "proceed") == nullptr);
  CHECK(str_of(cards[0].at("indicator")) == "info");
}

TEST_CASE("Without fhirServer or fetch function, absent keys fail without a call",
          "[cds][prefetch]") {
  auto req = cds::parse_request(
      R"({"hook":"patient-view","hookInstance":"h","context":{"patientId":"p"}})");
  REQUIRE(req.ok());
  fake_fhir server;
  cds::resolve_prefetch(req.value, server.function());
  CHECK(server.calls.empty());
  for (const auto& e : req.value.prefetch) {
    CHECK(e.state == cds::prefetch_state::failed);
    CHECK(e.failure.find("fhirServer") != std::string::npos);
  }
}

TEST_CASE("Patient ids are percent-encoded in fetch URLs", "[cds][prefetch]") {
  cds::request r;
  r.patient_id = "a b&c/d";
  CHECK(cds::prefetch_url(cds::prefetch_templates()[1], r) == "Condition?patient=a%20b%26c%2Fd");
  CHECK(cds::prefetch_url(cds::prefetch_templates()[0], r) == "Patient/a%20b%26c%2Fd");
}

TEST_CASE("Only context.patientId is screened", "[cds][prefetch]") {
  const auto run = run_hook(cds_fixture("appointment-book.json"));
  CHECK(has_code(run.result.input.diagnostics, "cds.other_patient",
                 "$.prefetch.medicationStatements"));
  for (const auto& m : run.result.input.record.medications)
    CHECK(m.code != medication_code::warfarin);
  // A Patient resource of someone else is dropped as well; the fetched resources too.
  auto req = cds::parse_request(cds_fixture("order-sign.json"));
  fake_fhir server;
  server.answers["AllergyIntolerance?patient=pat-2"] = ok({lidocaine_allergy});
  server.answers["Condition?patient=pat-2"] =
      ok({R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"x"}},)"
          R"({"resource":{"resourceType":"Condition","id":"k","code":{"coding":[{"system":)"
          R"("http://snomed.info/sct","code":"33659008"}]},"subject":{"reference":)"
          R"("https://fhir.example.org/r4/Patient/x"}}}]})"});
  cds::resolve_prefetch(req.value, server.function());
  const auto result =
      cds::screen_request(req.value, cds_screener(), cds_reader(), cds_settings(), cds_today());
  CHECK(result.input.record.conditions.empty());
  CHECK(has_code(result.input.diagnostics, "cds.other_patient", "fetched conditions"));
  CHECK(result.input.record.patient.id == "pat-2");
}

TEST_CASE("Reader diagnostics point into the request", "[cds][prefetch]") {
  const auto run = run_hook(
      R"({"hook":"patient-view","hookInstance":"h","context":{"patientId":"p"},"prefetch":{)"
      R"("patient":{"resourceType":"Patient","id":"p","gender":"female","birthDate":"1990"},)"
      R"("conditions":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Condition",)"
      R"("id":"c","code":{"coding":[{"system":"http://snomed.info/sct","code":"999999999"}]},)"
      R"("subject":{"reference":"Patient/p"}}}]}}})");
  bool found_patient = false, found_condition = false;
  for (const auto& d : run.result.input.fhir.diagnostics) {
    INFO(format(d));
    if (d.path.rfind("$.prefetch.patient", 0) == 0) found_patient = true;
    if (d.path.rfind("$.prefetch.conditions.entry[0].resource", 0) == 0) found_condition = true;
    CHECK(d.path.rfind("$.entry[", 0) != 0);
  }
  CHECK(found_patient);
  CHECK(found_condition);
}

TEST_CASE("A prefetch resource nested deeper than 32 levels is still read", "[cds][prefetch]") {
  // The request reader allows 64 levels; collecting the prefetch must not fall back to Boost's
  // default of 32 and drop the resource without a word (the keloid would become "not recorded").
  std::string deep;
  for (int i = 0; i < 36; ++i) deep += '[';
  for (int i = 0; i < 36; ++i) deep += ']';
  const std::string text =
      R"({"hook":"patient-view","hookInstance":"h-deep","context":{"patientId":"p7"},)"
      R"("prefetch":{"patient":{"resourceType":"Patient","id":"p7","gender":"male",)"
      R"("birthDate":"1980-01-01"},"conditions":{"resourceType":"Bundle","type":"searchset",)"
      R"("entry":[{"resource":{"resourceType":"Condition","id":"k1","clinicalStatus":)"
      R"({"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct",)"
      R"("code":"33659008"}]},"subject":{"reference":"Patient/p7"},"note":)" +
      deep + "}}]}}}";
  fake_fhir server;
  const auto run = run_hook(text, server.function(), {true, {}});
  std::vector<condition_code> codes;
  for (const auto& c : run.result.input.record.conditions) codes.push_back(c.code);
  CHECK(std::count(codes.begin(), codes.end(), condition_code::keloid) == 1);
}

TEST_CASE("The access token is redacted from what the FHIR data echoes", "[cds][prefetch]") {
  auto req = cds::parse_request(cds_fixture("patient-view.json"));
  REQUIRE(req.ok());
  REQUIRE(req.value.authorization.has_value());
  const std::string token = req.value.authorization->access_token;
  REQUIRE(token.size() >= 8);
  // The conditions hold one whose clinicalStatus is the token's text: the reader's warning
  // quotes the status, and the result shows "[token]" in its place.
  auto* conditions = const_cast<cds::prefetch_entry*>(req.value.find_prefetch("conditions"));
  REQUIRE(conditions != nullptr);
  conditions->state = cds::prefetch_state::data;
  conditions->documents = {
      R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":)"
      R"("Condition","id":"c1","clinicalStatus":{"coding":[{"code":")" +
      token +
      R"("}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"33659008"}]},)"
      R"("subject":{"reference":"Patient/pat-1"}}}]})"};
  const auto result =
      cds::screen_request(req.value, cds_screener(), cds_reader(), cds_settings(), cds_today());
  REQUIRE(result.screen.has_value());
  bool redacted = false;
  for (const auto* list : {&result.input.fhir.diagnostics, &result.screen->warnings}) {
    for (const auto& d : *list) {
      INFO(d.code << " " << d.path << ": " << d.message);
      CHECK(d.message.find(token) == std::string::npos);
      CHECK(d.path.find(token) == std::string::npos);
      if (d.code == "fhir.unknown_status" && d.message.find("[token]") != std::string::npos)
        redacted = true;
    }
  }
  CHECK(redacted);
  CHECK(cds::to_response(result, req.value).find(token) == std::string::npos);
}

namespace {

// A patient-view request whose prefetch gives the FHIR reader things to say: codes not in the
// tables (one of them in two resources: one entry, counted twice), a coding without a code,
// a resource without an id, and a question.
std::string request_with_reader_findings() {
  return R"({"hook":"patient-view","hookInstance":"8e6b0d52-6f0a-4a55-9d7b-2d1c1a0e0f01",
    "context":{"patientId":"pat-9"},
    "prefetch":{
      "patient":{"resourceType":"Patient","id":"pat-9","gender":"female","birthDate":"1990-01-02"},
      "conditions":{"resourceType":"Bundle","type":"searchset","entry":[
        {"fullUrl":"https://fhir.example/Condition/c1","resource":{"resourceType":"Condition",
          "id":"c1","subject":{"reference":"Patient/pat-9"},
          "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
          "code":{"coding":[{"system":"http://snomed.info/sct","code":"999999991","display":"Something rare"}]}}},
        {"fullUrl":"https://fhir.example/Condition/c2","resource":{"resourceType":"Condition",
          "id":"c2","subject":{"reference":"Patient/pat-9"},
          "code":{"coding":[{"system":"http://snomed.info/sct","code":"999999991","display":"Something rare"}]}}},
        {"resource":{"resourceType":"Condition","subject":{"reference":"Patient/pat-9"},
          "code":{"coding":[{"system":"http://snomed.info/sct","display":"no code here"}],"text":"Odd thing"}}},
        {"resource":{"resourceType":"Condition","id":"c4","subject":{"reference":"Patient/pat-9"},
          "code":{"text":"an unheard-of complaint"}}}]},
      "medicationStatements":{"resourceType":"Bundle","type":"searchset","entry":[
        {"resource":{"resourceType":"MedicationStatement","id":"ms-1","status":"active",
          "subject":{"reference":"Patient/pat-9"},
          "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"99999999","display":"Unknown pill"}]}}}]},
      "medicationRequests":null,"allergies":null,"observations":null,"procedures":null,
      "devices":null}})";
}

std::vector<std::string> formatted(const std::vector<diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(format(d));
  return out;
}

}  // namespace

TEST_CASE("screen_request without keeping the reader's diagnostics gives the same report",
          "[cds][prefetch]") {
  // The server's path: the FHIR reader's diagnostics move into the report's warnings instead of
  // being copied. Everything it reads must be as the default path gives it.
  std::vector<std::string> requests = {request_with_reader_findings()};
  for (const char* name :
       {"patient-view.json", "order-select.json", "order-sign.json", "appointment-book.json"})
    requests.push_back(cds_fixture(name));
  for (const auto& text : requests) {
    const auto req = cds::parse_request(text);
    REQUIRE(req.ok());
    const auto kept =
        cds::screen_request(req.value, cds_screener(), cds_reader(), cds_settings(), cds_today());
    cds::screen_request_options moving;
    moving.keep_fhir_diagnostics = false;
    const auto moved = cds::screen_request(req.value, cds_screener(), cds_reader(), cds_settings(),
                                           cds_today(), moving);
    REQUIRE(kept.screen.has_value() == moved.screen.has_value());
    CHECK(cds::to_response(kept, req.value) == cds::to_response(moved, req.value));
    CHECK(formatted(kept.input.diagnostics) == formatted(moved.input.diagnostics));
    CHECK(to_json(kept.input.record) == to_json(moved.input.record));
    if (kept.screen) {
      CHECK(to_json(*kept.screen) == to_json(*moved.screen));
      CHECK(formatted(kept.screen->warnings) == formatted(moved.screen->warnings));
      CHECK(moved.input.fhir.diagnostics.empty());
    } else {
      CHECK(formatted(kept.input.fhir.diagnostics) == formatted(moved.input.fhir.diagnostics));
    }
  }
  // The request with findings has them, in the report, with the request's paths.
  const auto req = cds::parse_request(request_with_reader_findings());
  const auto kept =
      cds::screen_request(req.value, cds_screener(), cds_reader(), cds_settings(), cds_today());
  REQUIRE(kept.screen.has_value());
  CHECK(has_code(kept.input.fhir.diagnostics, "fhir.unmapped_code"));
  CHECK(has_code(kept.screen->warnings, "fhir.unmapped_code",
                 "$.prefetch.conditions.entry[0].resource.code.coding[0]"));
  // One entry for the code of two resources, counted twice, first where it was first seen.
  std::size_t rare = 0;
  for (const auto& d : kept.screen->warnings)
    if (d.code == "fhir.unmapped_code" && d.message.find("999999991") != std::string::npos) {
      ++rare;
      CHECK(d.message.find("(2 resources, first: ") != std::string::npos);
    }
  CHECK(rare == 1);
}
