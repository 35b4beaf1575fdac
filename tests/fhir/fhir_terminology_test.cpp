// SPDX-License-Identifier: Apache-2.0
// The terminology tables: every row of data/terminology parses, the embedded copy equals the
// source files, and broken tables are reported with file and line.
#include "mnscreen/fhir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "fhir_test_support.hpp"

using namespace mnscreen;
using namespace mnscreen::test;

namespace {

const std::filesystem::path k_tables =
    std::filesystem::path(MNSCREEN_SOURCE_DIR) / "data" / "terminology";

}  // namespace

TEST_CASE("fhir terminology: the tables in data/terminology read without an error",
          "[fhir][terminology]") {
  const auto r = fhir_reader::from_directory(k_tables);
  for (const auto& d : r.diagnostics) FAIL_CHECK(format(d));
  CHECK(r.ok());
  // The embedded tables are the same rows (the build embeds these files).
  CHECK(r.value.table_rows() == fhir_reader{}.table_rows());
  CHECK(r.value.table_rows() > 300);
}

TEST_CASE("fhir terminology: codes of the vocabulary's key medicines map", "[fhir][terminology]") {
  // One product and one ingredient code per anticoagulant class, as in the sample data.
  const auto r = read_fhir(
      bundle({R"({"resourceType":"MedicationStatement","id":"s1","status":"active",)"
              R"("effectiveDateTime":"2026-11-01","medicationCodeableConcept":{"coding":[)"
              R"({"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"243670"}]}})",
              R"({"resourceType":"MedicationStatement","id":"s2","status":"active",)"
              R"("effectiveDateTime":"2026-11-01","medicationCodeableConcept":{"coding":[)"
              R"({"system":"urn:oid:2.16.840.1.113883.6.88","code":"105586"}]}})"}),
      as_of("2026-12-01"));
  REQUIRE(r.value.record.medications.size() == 2);
  CHECK(r.value.record.medications[0].code == medication_code::aspirin);
  CHECK(r.value.record.medications[1].code == medication_code::methotrexate);
}

TEST_CASE("fhir terminology: a broken table names file and line", "[fhir][terminology]") {
  const auto dir = std::filesystem::temp_directory_path() / "mnscreen_fhir_tables_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const auto& entry : std::filesystem::directory_iterator(k_tables))
    std::filesystem::copy_file(entry.path(), dir / entry.path().filename());
  {
    std::ofstream f(dir / "snomed.csv", std::ios::app);
    f << "12345,exact,condition,not_a_word,,Nonsense,unverified\n";
    f << "12346,sometimes,condition,eczema,,Eczema,unverified\n";
  }
  std::filesystem::remove(dir / "units.csv");
  const auto r = fhir_reader::from_directory(dir);
  CHECK_FALSE(r.ok());
  CHECK(has_diagnostic(r.diagnostics, "fhir.table_row", "not_a_word"));
  CHECK(has_diagnostic(r.diagnostics, "fhir.table_missing"));
  const auto* e = find_diagnostic(r.diagnostics, "fhir.table_row");
  REQUIRE(e != nullptr);
  CHECK(e->path.rfind("snomed.csv:", 0) == 0);
  // The rows that could be read are there.
  CHECK(r.value.table_rows() > 100);
  std::filesystem::remove_all(dir);
}
