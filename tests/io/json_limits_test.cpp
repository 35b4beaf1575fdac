// SPDX-License-Identifier: Apache-2.0
// Read limits: documents built to exhaust memory or the stack are refused with a clear error.
#include "mnscreen/json.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "io_test_support.hpp"

namespace {

using namespace mnscreen;
using mnscreen::test::dump;
using mnscreen::test::find_diag;

TEST_CASE("json: a document over max_bytes is refused before parsing", "[json][limits]") {
  read_limits limits;
  limits.max_bytes = 64;
  // Not even valid JSON: the size check comes first.
  const std::string text = "{" + std::string(100, ' ');
  const auto r = parse_intake(text, limits);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].severity == severity::fatal);
  CHECK(r.diagnostics[0].code == "document_too_large");
  CHECK(r.diagnostics[0].path == "$");
  CHECK(r.diagnostics[0].message.find("101 bytes") != std::string::npos);

  limits.max_bytes = 101;
  CHECK(parse_intake(text, limits).diagnostics[0].code == "malformed_json");
}

TEST_CASE("json: nesting deeper than max_depth is fatal", "[json][limits]") {
  read_limits limits;
  limits.max_depth = 4;
  const auto ok = parse_intake(
      R"({"schema": "mnscreen.intake/1", "conditions": [{"code": "keloid", "sites": ["chest"]}]})",
      limits);
  INFO(dump(ok.diagnostics));
  CHECK(ok.diagnostics.empty());

  const auto r = parse_intake(R"({"schema": "mnscreen.intake/1", "x": [[[[[1]]]]]})", limits);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].severity == severity::fatal);
  CHECK(r.diagnostics[0].code == "too_deep");
  CHECK(r.diagnostics[0].message.find("column") != std::string::npos);

  SECTION("the default limit stops a deeply nested document without a crash") {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    const auto q = parse_plan(deep);
    REQUIRE(q.diagnostics.size() == 1);
    CHECK(q.diagnostics[0].code == "too_deep");
  }
}

TEST_CASE("json: arrays over max_array_length lose their tail with an error", "[json][limits]") {
  read_limits limits;
  limits.max_array_length = 2;
  const auto r = parse_intake(R"({"schema": "mnscreen.intake/1",
    "medications": [{"code": "aspirin"}, {"code": "ibuprofen"}, {"code": "warfarin"}],
    "negatives": ["keloid", "inr"],
    "patient": {"id": "kept"}})",
                              limits);
  INFO(dump(r.diagnostics));
  const auto* diag = find_diag(r.diagnostics, "array_too_long", "$.medications");
  REQUIRE(diag);
  CHECK(diag->severity == severity::error);
  CHECK(diag->message.find("3 items") != std::string::npos);
  CHECK(r.diagnostics.size() == 1);
  REQUIRE(r.value.medications.size() == 2);
  CHECK(r.value.medications[1].code == medication_code::ibuprofen);
  CHECK(r.value.negatives.size() == 2);
  CHECK(r.value.patient.id == "kept");

  SECTION("range checks still apply to the items kept") {
    const auto q = parse_intake(R"({"schema": "mnscreen.intake/1", "medications": [
      {"code": "aspirin"}, {"code": "tretinoin", "start": "2026-05-01", "stop": "2026-04-01"},
      {"code": "warfarin"}],
      "patient": {"fitzpatrick": 2, "fitzpatrick": 9}})",
                                limits);
    INFO(dump(q.diagnostics));
    CHECK(find_diag(q.diagnostics, "array_too_long", "$.medications"));
    CHECK(find_diag(q.diagnostics, "out_of_range", "$.medications[1].stop"));
    CHECK(find_diag(q.diagnostics, "duplicate_key", "$.patient.fitzpatrick"));
    CHECK(find_diag(q.diagnostics, "out_of_range", "$.patient.fitzpatrick"));
  }
  SECTION("nested arrays too") {
    const auto p = parse_plan(R"({"schema": "mnscreen.plan/1", "date": "2026-12-01",
      "device": "pen", "needle_depth_mm": 1, "areas": ["cheeks", "chin", "nose"],
      "anesthetic": "none", "setting": "clinic"})",
                              limits);
    CHECK(find_diag(p.diagnostics, "array_too_long", "$.areas"));
    CHECK(p.value.areas == std::vector<area>{area::cheeks, area::chin});
  }
}

TEST_CASE("json: strings over max_string_length are dropped with an error", "[json][limits]") {
  read_limits limits;
  // The schema word itself has 17 bytes.
  limits.max_string_length = 18;
  const std::string id(19, 'x');
  const auto r = parse_intake(R"({"schema": "mnscreen.intake/1", "patient": {"id": ")" + id +
                                  R"(", "sex": "female"},
      "allergies": [{"substance": "latex", "reaction": "a very long reaction text"}]})",
                              limits);
  INFO(dump(r.diagnostics));
  CHECK(find_diag(r.diagnostics, "string_too_long", "$.patient.id"));
  CHECK(find_diag(r.diagnostics, "string_too_long", "$.allergies[0].reaction"));
  CHECK(r.diagnostics.size() == 2);
  CHECK(r.value.patient.id.empty());
  CHECK(r.value.patient.sex == sex::female);
  REQUIRE(r.value.allergies.size() == 1);
  CHECK(r.value.allergies[0].substance == allergy_substance::latex);
  CHECK(r.value.allergies[0].reaction.empty());

  limits.max_string_length = 19;
  const auto ok = parse_intake(
      R"({"schema": "mnscreen.intake/1", "patient": {"id": ")" + id + R"("}})", limits);
  CHECK(ok.diagnostics.empty());
  CHECK(ok.value.patient.id == id);
}

TEST_CASE("json: limits apply to every document type", "[json][limits]") {
  read_limits limits;
  limits.max_bytes = 10;
  const std::string text = R"({"schema": "mnscreen.policy/1"})";
  CHECK(parse_policy(text, limits).diagnostics[0].code == "document_too_large");
  CHECK(parse_report(text, limits).diagnostics[0].code == "document_too_large");
  CHECK(parse_plan(text, limits).diagnostics[0].code == "document_too_large");
}

}  // namespace
