// SPDX-License-Identifier: Apache-2.0
// FHIR Bulk Data: the 13-patient export of ../shared/fhir/bulk-10-patients grouped by patient,
// streamed one patient at a time.
#include "mnscreen/fhir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "fhir_test_support.hpp"

using namespace mnscreen;
using namespace mnscreen::test;

namespace {

struct patient_counts {
  const char* id;
  std::size_t resources;
  std::size_t conditions;
  std::size_t medications;
  std::size_t allergies;
  std::size_t procedures;
};

// Derived independently by tests/fhir/survey_sample_counts.py (python: groups every NDJSON line
// by its subject/patient reference and applies the counting rules documented there), in the
// order of Patient.000.ndjson. Read without a screening date.
constexpr patient_counts k_patients[] = {
    {"129c6ac7-8d06-89de-ad63-0204a93e76c3", 1085, 2, 0, 0, 0},
    {"3af3708d-41f1-cd80-f3dd-ec5ac76072bf", 48, 1, 0, 0, 0},
    {"63ee2253-bdd5-da55-2ad2-b4984d0ad700", 15, 1, 0, 0, 0},
    {"6a4160eb-a793-2f86-2302-378626f46cce", 215, 0, 1, 0, 0},
    {"79a66c97-6131-3213-f3c9-4606946ab056", 2063, 2, 1, 0, 0},
    {"7bc002fa-dc52-17d6-1563-fd8901826f7d", 66, 0, 0, 0, 0},
    {"8e1a0a7c-e308-444b-075a-3c2b1f60f881", 120, 1, 0, 0, 0},
    {"a4a401d1-a46a-eb4a-8a38-760d5d79d6ec", 133, 4, 0, 0, 0},
    {"a5cb8ce9-cec6-6b23-0990-cbaf753578a4", 211, 0, 0, 0, 0},
    {"bb6a9034-2f23-2508-d29d-35efee156dc9", 42, 0, 0, 0, 0},
    {"ca15b832-01e4-41dd-6a52-97bd3e5510cb", 210, 2, 1, 0, 1},
    {"cbc86e51-9eca-3855-76ec-c058f72c5761", 70, 2, 0, 1, 0},
    {"fb7c882a-f897-e7c5-67e0-825e7fd55d15", 118, 0, 0, 0, 0},
};

}  // namespace

TEST_CASE("fhir bulk: the export is grouped by patient, in Patient-file order", "[fhir][bulk]") {
  const auto bulk = fhir_bulk_export::open(shared_fhir("bulk-10-patients"));
  for (const auto& d : bulk.diagnostics) INFO(format(d));
  REQUIRE(bulk.ok());
  const fhir_bulk_export& e = bulk.value;
  REQUIRE(e.size() == std::size(k_patients));
  std::size_t total = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const auto& want = k_patients[i];
    INFO(want.id);
    CHECK(e.patient_id(i) == want.id);
    CHECK(e.resource_count(i) == want.resources);
    total += e.resource_count(i);
    const auto r = e.read_patient(i);
    for (const auto& d : r.diagnostics)
      if (d.severity != severity::warning) FAIL_CHECK(format(d));
    CHECK(r.value.record.patient.id == want.id);
    CHECK(r.value.record.conditions.size() == want.conditions);
    CHECK(r.value.record.medications.size() == want.medications);
    CHECK(r.value.record.allergies.size() == want.allergies);
    CHECK(r.value.record.procedures.size() == want.procedures);
  }
  // Every line of the export (13 + 555 + 1,745 + 11 + 16 + 2,056) belongs to one patient.
  CHECK(total == 13 + 555 + 1745 + 11 + 16 + 2056);
}

TEST_CASE("fhir bulk: per-type counts and provenance paths", "[fhir][bulk]") {
  const auto bulk = fhir_bulk_export::open(shared_fhir("bulk-10-patients"));
  REQUIRE(bulk.ok());
  // cbc86e51…: 8 AllergyIntolerance lines (one a latex allergy), no Device.
  std::size_t index = bulk.value.size();
  for (std::size_t i = 0; i < bulk.value.size(); ++i)
    if (bulk.value.patient_id(i) == "cbc86e51-9eca-3855-76ec-c058f72c5761") index = i;
  REQUIRE(index < bulk.value.size());
  const auto counts = bulk.value.resource_counts(index);
  const auto count_of = [&](std::string_view type) {
    for (const auto& [t, n] : counts)
      if (t == type) return n;
    return std::size_t{0};
  };
  CHECK(count_of("AllergyIntolerance") == 8);
  CHECK(count_of("Patient") == 1);
  const auto r = bulk.value.read_patient(index, as_of("2026-12-01"));
  REQUIRE(r.value.record.allergies.size() == 1);
  CHECK(r.value.record.allergies[0].substance == allergy_substance::latex);
  // Warnings point at the file and line.
  const auto* w = find_diagnostic(r.diagnostics, "fhir.unmapped_code");
  REQUIRE(w != nullptr);
  CHECK(w->path.find(".ndjson:") != std::string::npos);
}

TEST_CASE("fhir bulk: bad lines, unlinked resources and missing patients", "[fhir][bulk]") {
  const auto dir = std::filesystem::temp_directory_path() / "mnscreen_fhir_bulk_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream p(dir / "Patient.ndjson");
    p << R"({"resourceType":"Patient","id":"a","gender":"female"})" << '\n';
    p << "not json\n";
    std::ofstream c(dir / "Condition.ndjson");
    c << R"({"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/a"},)"
         R"("code":{"coding":[{"system":"http://snomed.info/sct","code":"9014002"}]}})"
      << "\r\n";
    c << R"({"resourceType":"Condition","id":"c2","code":{"coding":[]}})" << '\n';
    c << R"({"resourceType":"Condition","id":"c3","subject":{"reference":"Patient/b"},)"
         R"("code":{"coding":[{"system":"http://snomed.info/sct","code":"24079001"}]}})"
      << '\n';
    std::ofstream m(dir / "MedicationRequest.ndjson");
    m << R"({"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order",)"
         R"("subject":{"reference":"Patient/a"},"authoredOn":"2026-11-01",)"
         R"("medicationReference":{"reference":"Medication/x"}})"
      << '\n';
    std::ofstream med(dir / "Medication.ndjson");
    med << R"({"resourceType":"Medication","id":"x","code":{"coding":[{"system":)"
           R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":"309362"}]}})"
        << '\n';
  }
  const auto bulk = fhir_bulk_export::open(dir);
  CHECK_FALSE(bulk.ok());
  CHECK(has_diagnostic(bulk.diagnostics, "fhir.malformed_json"));
  const auto* bad = find_diagnostic(bulk.diagnostics, "fhir.malformed_json");
  REQUIRE(bad != nullptr);
  CHECK(bad->path.rfind("Patient.ndjson:2", 0) == 0);
  CHECK(has_diagnostic(bulk.diagnostics, "fhir.bulk_unlinked"));
  CHECK(has_diagnostic(bulk.diagnostics, "fhir.bulk_no_patient"));
  REQUIRE(bulk.value.size() == 2);
  CHECK(bulk.value.patient_id(0) == "a");
  CHECK(bulk.value.patient_id(1) == "b");
  const auto a = bulk.value.read_patient(0, as_of("2026-12-01"));
  CHECK(a.ok());
  REQUIRE(a.value.record.conditions.size() == 1);
  CHECK(a.value.record.conditions[0].code == condition_code::psoriasis);
  REQUIRE(a.value.record.medications.size() == 1);
  CHECK(a.value.record.medications[0].code == medication_code::clopidogrel);
  const auto b = bulk.value.read_patient(1, as_of("2026-12-01"));
  CHECK(b.value.record.patient.id == "b");
  REQUIRE(b.value.record.conditions.size() == 1);
  CHECK_THROWS_AS(bulk.value.read_patient(2), mnscreen::error);
  std::filesystem::remove_all(dir);
}

TEST_CASE("fhir bulk: a directory that is not there", "[fhir][bulk]") {
  const auto bulk = fhir_bulk_export::open("/nonexistent/mnscreen-bulk");
  CHECK_FALSE(bulk.ok());
  CHECK(bulk.value.size() == 0);
}
