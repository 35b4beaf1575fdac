// SPDX-License-Identifier: Apache-2.0
// The FHIR reader at the document level: Bundle shapes, references, patients, malformed input,
// determinism, threads, and no crash on any input.
#include "mnscreen/fhir.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "fhir_test_support.hpp"

using namespace mnscreen;
using namespace mnscreen::test;

namespace {

constexpr std::string_view k_eczema =
    R"({"resourceType":"Condition","id":"c1","clinicalStatus":{"coding":[{"system":)"
    R"("http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},)"
    R"("code":{"coding":[{"system":"http://snomed.info/sct","code":"24079001",)"
    R"("display":"Atopic dermatitis"}]},"subject":{"reference":"urn:uuid:p1"}})";

}  // namespace

TEST_CASE("fhir: a transaction Bundle with urn:uuid references is read", "[fhir]") {
  const fhir_reader reader;
  const auto r = reader.read(bundle({k_eczema}), as_of("2026-12-01"));
  REQUIRE(r.ok());
  const intake& in = r.value.record;
  CHECK(in.patient.id == "p1");
  CHECK(in.patient.sex == sex::female);
  CHECK(in.patient.birth_date == d("1990-04-02"));
  REQUIRE(in.conditions.size() == 1);
  CHECK(in.conditions[0].code == condition_code::eczema);
  CHECK(in.conditions[0].status == condition_status::active);
  CHECK(in.conditions[0].source == "Condition/c1");
  // Every item is traceable: the mapping names the coding it came from.
  const auto it = std::find_if(r.value.mappings.begin(), r.value.mappings.end(),
                               [](const fhir_mapping& m) { return m.target == "$.conditions[0]"; });
  REQUIRE(it != r.value.mappings.end());
  CHECK(it->source == "Condition/c1");
  CHECK(it->code == "24079001");
  CHECK(it->system == "http://snomed.info/sct");
  CHECK(it->match == fhir_match::code);
}

TEST_CASE("fhir: every Bundle type and a single resource are read", "[fhir]") {
  const fhir_reader reader;
  for (std::string type :
       {"collection", "searchset", "transaction", "batch-response", "document"}) {
    std::string b = bundle({k_eczema});
    b.replace(b.find("transaction"), std::string("transaction").size(), type);
    const auto r = reader.read(b, as_of("2026-12-01"));
    INFO(type);
    CHECK(r.ok());
    CHECK(r.value.record.conditions.size() == 1);
  }
  SECTION("a single resource") {
    const auto r = reader.read(k_eczema, as_of("2026-12-01"));
    CHECK(r.ok());
    CHECK(r.value.record.conditions.size() == 1);
  }
  SECTION("a batch-response whose entries hold searchset Bundles and responses only") {
    const std::string inner = bundle({k_eczema});
    const std::string b = R"({"resourceType":"Bundle","type":"batch-response","entry":[)"
                          R"({"response":{"status":"200"}},{"resource":)" +
                          inner + "}]}";
    const auto r = reader.read(b, as_of("2026-12-01"));
    CHECK(r.ok());
    CHECK(r.value.record.patient.id == "p1");
    CHECK(r.value.record.conditions.size() == 1);
  }
}

TEST_CASE("fhir: relative Type/id references and absolute fullUrls resolve", "[fhir]") {
  const std::string b =
      R"({"resourceType":"Bundle","type":"searchset","entry":[)"
      R"({"fullUrl":"https://ehr.example/fhir/Patient/p9","resource":{"resourceType":"Patient",)"
      R"("id":"p9","gender":"male"}},)"
      R"({"fullUrl":"https://ehr.example/fhir/Medication/med7","resource":{"resourceType":)"
      R"("Medication","id":"med7","code":{"coding":[{"system":)"
      R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":"855332"}]}}},)"
      R"({"resource":{"resourceType":"MedicationRequest","id":"mr1","status":"active",)"
      R"("intent":"order","medicationReference":{"reference":"Medication/med7"},)"
      R"("subject":{"reference":"Patient/p9"},"authoredOn":"2026-10-01"}}]})";
  const auto r = read_fhir(b, as_of("2026-12-01"));
  REQUIRE(r.ok());
  CHECK(r.value.record.patient.sex == sex::male);
  REQUIRE(r.value.record.medications.size() == 1);
  CHECK(r.value.record.medications[0].code == medication_code::warfarin);
  CHECK(r.value.record.medications[0].source == "MedicationRequest/mr1");
}

TEST_CASE("fhir: resource types the reader does not use are skipped quietly", "[fhir]") {
  const auto r = read_fhir(bundle({R"({"resourceType":"Encounter","id":"e1","status":"finished"})",
                                   R"({"resourceType":"Claim","id":"cl1"})", k_eczema}),
                           as_of("2026-12-01"));
  CHECK(r.ok());
  CHECK(r.diagnostics.empty());
  CHECK(r.value.record.conditions.size() == 1);
  const auto& ignored = r.value.resources_ignored;
  REQUIRE(ignored.size() == 2);
  CHECK(ignored[0] == std::pair<std::string, std::size_t>{"Claim", 1});
  CHECK(ignored[1] == std::pair<std::string, std::size_t>{"Encounter", 1});
}

TEST_CASE("fhir: malformed resources are errors with entry index and path; others are read",
          "[fhir]") {
  const std::string b =
      bundle({R"("not an object")", R"({"resourceType":"Condition","id":"bad","code":"24079001"})",
              R"({"id":"no-type"})", k_eczema,
              R"({"resourceType":"Condition","id":"c2","code":{"coding":[{"system":)"
              R"("http://snomed.info/sct","code":12345}]}})"});
  const auto r = read_fhir(b, as_of("2026-12-01"));
  CHECK_FALSE(r.ok());
  // Entry 0 is the patient; the string is entry 1.
  const auto* e1 = find_diagnostic(r.diagnostics, "fhir.malformed_resource");
  REQUIRE(e1 != nullptr);
  CHECK(e1->path == "$.entry[1].resource");
  CHECK(has_diagnostic(r.diagnostics, "fhir.malformed_field"));
  const bool code_path =
      std::any_of(r.diagnostics.begin(), r.diagnostics.end(),
                  [](const diagnostic& x) { return x.path == "$.entry[2].resource.code"; });
  CHECK(code_path);
  const bool no_type =
      std::any_of(r.diagnostics.begin(), r.diagnostics.end(), [](const diagnostic& x) {
        return x.path == "$.entry[3].resource" && x.severity == severity::error;
      });
  CHECK(no_type);
  const bool coding_code = std::any_of(
      r.diagnostics.begin(), r.diagnostics.end(),
      [](const diagnostic& x) { return x.path == "$.entry[5].resource.code.coding[0].code"; });
  CHECK(coding_code);
  // The good Condition is still read.
  REQUIRE(r.value.record.conditions.size() == 1);
  CHECK(r.value.record.conditions[0].source == "Condition/c1");
}

TEST_CASE("fhir: a document that is not JSON or not a resource is fatal", "[fhir]") {
  SECTION("broken JSON names line and column") {
    const auto r = read_fhir("{\"resourceType\": \"Bundle\",\n \"entry\": [}", {});
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].severity == severity::fatal);
    CHECK(r.diagnostics[0].code == "fhir.malformed_json");
    CHECK(r.diagnostics[0].message.find("line 2") != std::string::npos);
  }
  SECTION("not an object") {
    const auto r = read_fhir("[1,2,3]", {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.diagnostics[0].code == "fhir.not_a_resource");
  }
  SECTION("no resourceType") {
    const auto r = read_fhir(R"({"entry":[]})", {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.diagnostics[0].code == "fhir.not_a_resource");
  }
  SECTION("over the size limit") {
    fhir_options o;
    o.max_bytes = 10;
    const auto r = read_fhir(bundle({}), o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.diagnostics[0].code == "fhir.too_large");
  }
  SECTION("too deep") {
    std::string deep(200, '[');
    deep += std::string(200, ']');
    const auto r = read_fhir(R"({"resourceType":"Basic","x":)" + deep + "}", {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.diagnostics[0].code == "fhir.malformed_json");
  }
}

TEST_CASE("fhir: a key given twice is a warning; only its last value is read", "[fhir]") {
  const auto r = read_fhir(
      R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":)"
      R"("Patient","id":"a","id":"b"}}]})",
      {});
  REQUIRE(has_diagnostic(r.diagnostics, "fhir.duplicate_key"));
  const auto* d = find_diagnostic(r.diagnostics, "fhir.duplicate_key");
  CHECK(d->severity == severity::warning);
  CHECK(d->path == "$.entry[0].resource.id");
  CHECK(r.value.record.patient.id == "b");
}

TEST_CASE("fhir: several patients in one Bundle", "[fhir]") {
  const std::string b =
      R"({"resourceType":"Bundle","type":"collection","entry":[)"
      R"({"fullUrl":"urn:uuid:a","resource":{"resourceType":"Patient","id":"a"}},)"
      R"({"fullUrl":"urn:uuid:b","resource":{"resourceType":"Patient","id":"b"}},)"
      R"({"resource":{"resourceType":"Condition","id":"ca","code":{"coding":[{"system":)"
      R"("http://snomed.info/sct","code":"24079001"}]},"subject":{"reference":"urn:uuid:a"}}},)"
      R"({"resource":{"resourceType":"Condition","id":"cb","code":{"coding":[{"system":)"
      R"("http://snomed.info/sct","code":"9014002"}]},"subject":{"reference":"urn:uuid:b"}}}]})";
  SECTION("without a choice: an error, the first patient is read") {
    const auto r = read_fhir(b, as_of("2026-12-01"));
    CHECK(has_diagnostic(r.diagnostics, "fhir.several_patients"));
    CHECK(r.value.record.patient.id == "a");
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK(r.value.record.conditions[0].code == condition_code::eczema);
    CHECK(has_diagnostic(r.diagnostics, "fhir.other_patient"));
  }
  SECTION("with a choice: only that patient's resources") {
    fhir_options o = as_of("2026-12-01");
    o.patient_id = "b";
    const auto r = read_fhir(b, o);
    CHECK_FALSE(has_diagnostic(r.diagnostics, "fhir.several_patients"));
    CHECK(r.value.record.patient.id == "b");
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK(r.value.record.conditions[0].code == condition_code::psoriasis);
  }
  SECTION("a patient id that is not there") {
    fhir_options o;
    o.patient_id = "zz";
    const auto r = read_fhir(b, o);
    CHECK(has_diagnostic(r.diagnostics, "fhir.patient_not_found"));
  }
}

TEST_CASE("fhir: no screening date: stale checks are skipped with a warning", "[fhir]") {
  const auto r = read_fhir(bundle({k_eczema}), {});
  CHECK(r.ok());
  CHECK(has_diagnostic(r.diagnostics, "fhir.no_as_of_date"));
}

TEST_CASE("fhir: results are deterministic and a reader is shared across threads", "[fhir]") {
  const fhir_reader reader;
  const std::string text = read_text(shared_fhir("bundles/synthea-r4-70e00093.json"));
  const auto expected = reader.read(text, as_of("2026-12-01"));
  std::vector<parse_result<fhir_intake>> results(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i)
    threads.emplace_back([&, i] { results[i] = reader.read(text, as_of("2026-12-01")); });
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    CHECK(r.value == expected.value);
    CHECK(r.diagnostics == expected.diagnostics);
  }
}

TEST_CASE("fhir: no crash on truncated or retyped input", "[fhir]") {
  const fhir_reader reader;
  const std::string good =
      bundle({k_eczema,
              R"({"resourceType":"MedicationRequest","id":"m","status":"active","intent":"order",)"
              R"("medicationCodeableConcept":{"coding":[{"system":)"
              R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":"855332"}]},)"
              R"("authoredOn":"2026-11-01","dosageInstruction":[{"route":{"coding":[{"system":)"
              R"("http://snomed.info/sct","code":"26643006"}]}}]})",
              R"({"resourceType":"Observation","id":"o","status":"final","code":{"coding":[{)"
              R"("system":"http://loinc.org","code":"4548-4"}]},"effectiveDateTime":"2026-11-01",)"
              R"("valueQuantity":{"value":7.1,"unit":"%","code":"%"}})",
              R"({"resourceType":"AllergyIntolerance","id":"a","code":{"coding":[{"system":)"
              R"("http://snomed.info/sct","code":"111088007"}]},"reaction":[{"severity":"severe",)"
              R"("manifestation":[{"text":"anaphylaxis"}]}]})"});
  // Every prefix: a fatal diagnostic or a result, never an exception.
  for (std::size_t n = 0; n < good.size(); n += 7)
    CHECK_NOTHROW((void)reader.read(std::string_view(good).substr(0, n), {}));
  // Every value of every key replaced by values of other JSON types.
  for (std::string_view replacement : {"1", "\"x\"", "[]", "{}", "null", "true", "[{}]"}) {
    std::size_t pos = 0;
    while ((pos = good.find("\":", pos)) != std::string::npos) {
      pos += 2;
      std::size_t end = pos;
      int depth = 0;
      bool in_string = false;
      for (; end < good.size(); ++end) {
        const char c = good[end];
        if (in_string) {
          if (c == '\\')
            ++end;
          else if (c == '"')
            in_string = false;
          continue;
        }
        if (c == '"')
          in_string = true;
        else if (c == '{' || c == '[')
          ++depth;
        else if (c == '}' || c == ']') {
          if (depth == 0) break;
          --depth;
        } else if (c == ',' && depth == 0)
          break;
      }
      std::string mutated = good;
      mutated.replace(pos, end - pos, replacement);
      CHECK_NOTHROW((void)reader.read(mutated, as_of("2026-12-01")));
    }
  }
}

TEST_CASE("fhir: the paths of a concept's codings in its messages", "[fhir]") {
  // A coding's path is written out only when a message names it: a coding that is not an
  // object, a member of the wrong type, an unmapped code (its first occurrence).
  const auto r = read_fhir(
      bundle({R"({"resourceType":"Condition","id":"c1","clinicalStatus":{"coding":[)"
              R"({"code":"active"}]},"code":{"coding":["x",)"
              R"({"system":"http://snomed.info/sct","code":"999999999","display":7},)"
              R"({"system":"http://snomed.info/sct","code":"888888888","display":"Other"}]}})",
              R"({"resourceType":"Condition","id":"c2","clinicalStatus":{"coding":[)"
              R"({"code":"active"}]},"code":{"coding":[)"
              R"({"system":"http://snomed.info/sct","code":"888888888"}]}})"}),
      as_of("2026-12-01"));
  const auto at = [&](std::string_view code, std::string_view path) {
    return std::any_of(r.diagnostics.begin(), r.diagnostics.end(),
                       [&](const diagnostic& x) { return x.code == code && x.path == path; });
  };
  CHECK(at("fhir.malformed_field", "$.entry[1].resource.code.coding[0]"));
  CHECK(at("fhir.malformed_field", "$.entry[1].resource.code.coding[1].display"));
  CHECK(at("fhir.unmapped_code", "$.entry[1].resource.code.coding[1]"));
  // 888888888 is unmapped twice; its first occurrence names the path.
  CHECK(at("fhir.unmapped_code", "$.entry[1].resource.code.coding[2]"));
  CHECK(count_diagnostics(r.diagnostics, "fhir.unmapped_code") == 2);
  CHECK(r.value.record.conditions.empty());
}
