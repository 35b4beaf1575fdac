// SPDX-License-Identifier: Apache-2.0
// The terminology tables: every row of data/terminology parses, the embedded copy equals the
// source files, and broken tables are reported with file and line.
#include "mnscreen/fhir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/reader_core.hpp"
#include "fhir/terminology.hpp"
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

TEST_CASE("fhir terminology: the longest code prefix wins, whatever the prefix lengths",
          "[fhir][terminology]") {
  // Prefix rows of lengths the shipped tables do not have (1, 6 and 70 characters) beside the
  // 3-character categories: the lookup tries only the lengths that exist, and must still find
  // the longest prefix of each code.
  const auto dir = std::filesystem::temp_directory_path() / "mnscreen_fhir_prefix_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const auto& entry : std::filesystem::directory_iterator(k_tables))
    std::filesystem::copy_file(entry.path(), dir / entry.path().filename());
  const std::string long_prefix(70, 'W');
  {
    std::ofstream f(dir / "icd10cm.csv", std::ios::app);
    f << "Q,prefix,condition,vitiligo,,Test one,unverified\n";
    f << "Q82.89,prefix,condition,psoriasis,,Test six,unverified\n";
    f << long_prefix << ",prefix,condition,rosacea,,Test seventy,unverified\n";
  }
  const auto tables = fhir_reader::from_directory(dir);
  for (const auto& d : tables.diagnostics) FAIL_CHECK(format(d));
  REQUIRE(tables.ok());
  const auto code = [](std::string_view id, std::string_view system, std::string_view c) {
    return std::string(R"({"resourceType":"Condition","id":")") + std::string(id) +
           R"(","clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":")" +
           std::string(system) + R"(","code":")" + std::string(c) + R"("}]}})";
  };
  const std::string icd = "http://hl7.org/fhir/sid/icd-10-cm";
  const std::string c1 = code("c1", icd, "Q82.891");            // "Q82.89", not "Q"
  const std::string c2 = code("c2", icd, "Q99");                // "Q"
  const std::string c3 = code("c3", icd, "L40.0");              // a shipped 3-character prefix
  const std::string c4 = code("c4", icd, long_prefix + "123");  // the 70-character prefix
  const std::string c5 = code("c5", icd, "V99");                // no prefix of it
  const std::string c6 = code("c6", "http://snomed.info/sct", "1234567");  // no prefix rows
  const auto r = tables.value.read(bundle({c1, c2, c3, c4, c5, c6}), as_of("2026-12-01"));
  REQUIRE(r.value.record.conditions.size() == 4);
  CHECK(r.value.record.conditions[0].code == condition_code::psoriasis);
  CHECK(r.value.record.conditions[1].code == condition_code::vitiligo);
  CHECK(r.value.record.conditions[2].code == condition_code::psoriasis);
  CHECK(r.value.record.conditions[3].code == condition_code::rosacea);
  CHECK(count_diagnostics(r.diagnostics, "fhir.unmapped_code") == 2);
  // The same document read with the shipped tables: "Q82.891" and "Q99" are not mapped there.
  const auto shipped = fhir_reader{}.read(bundle({c1, c2, c3}), as_of("2026-12-01"));
  REQUIRE(shipped.value.record.conditions.size() == 1);
  CHECK(shipped.value.record.conditions[0].code == condition_code::psoriasis);
  std::filesystem::remove_all(dir);
}

namespace {

// normalise_name and reference_key_view as they were written before they were made faster
// (bench/README.md, "patient-view: fewer copies of the reader's findings"): the references
// of the differential test below.
std::string normalise_name_reference(std::string_view text) {
  std::string out;
  bool space = false;
  for (char ch : text) {
    const auto u = static_cast<unsigned char>(ch);
    const bool digit = u >= '0' && u <= '9';
    const bool lower = u >= 'a' && u <= 'z';
    const bool upper = u >= 'A' && u <= 'Z';
    if (digit || lower || upper) {
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(upper ? static_cast<char>(u - 'A' + 'a') : static_cast<char>(u));
    } else {
      space = true;
    }
  }
  return out;
}

std::string_view reference_key_reference(std::string_view reference) {
  if (reference.empty() || reference.front() == '#') return {};
  if (reference.rfind("urn:", 0) == 0) return reference;
  std::string_view r = reference;
  if (const auto h = r.find("/_history/"); h != std::string_view::npos) r = r.substr(0, h);
  const auto last = r.rfind('/');
  if (last == std::string_view::npos || last == 0) return r;
  const auto prev = r.rfind('/', last - 1);
  return prev == std::string_view::npos ? r : r.substr(prev + 1);
}

}  // namespace

TEST_CASE("fhir terminology: name normalising and reference keys as before",
          "[fhir][terminology]") {
  std::vector<std::string> names = {"",
                                    " ",
                                    "---",
                                    "a",
                                    "Z",
                                    "Hypertension",
                                    "  Isotretinoin 20 mg capsule  ",
                                    "Type 2 diabetes mellitus (disorder)",
                                    "caf\xC3\xA9 au lait",
                                    "\xFF\xFEx\x01y\x7F",
                                    "ABC--def__ghi..JKL09",
                                    std::string("nul\0byte", 8)};
  // Every byte value once, alone and between letters.
  for (int b = 0; b < 256; ++b) {
    names.emplace_back(1, static_cast<char>(b));
    names.push_back("a" + std::string(1, static_cast<char>(b)) + "B");
  }
  for (const auto& n : names) {
    INFO(n);
    CHECK(fhir_detail::normalise_name(n) == normalise_name_reference(n));
  }
  const std::vector<std::string> references = {"",
                                               "#contained",
                                               "urn:uuid:1234",
                                               "Patient/p1",
                                               "/Patient",
                                               "p1",
                                               "https://fhir.example/r4/Patient/p1",
                                               "https://fhir.example/r4/Patient/p1/_history/3",
                                               "Patient/p1/_history/3",
                                               "Patient/p_1",
                                               "https://fhir.example/r4_b/Condition/c_0",
                                               "https://fhir.example/_history/Condition/c0",
                                               "_history/x/y",
                                               "a/b/_history/"};
  for (const auto& r : references) {
    INFO(r);
    CHECK(fhir_detail::reference_key_view(r) == reference_key_reference(r));
  }
}
