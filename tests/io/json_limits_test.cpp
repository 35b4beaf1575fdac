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

TEST_CASE("json: the writers cut strings over the limit, visibly, and read them back",
          "[json][limits]") {
  using namespace mnscreen;
  const std::size_t limit = read_limits{}.max_string_length;
  report rep;
  rep.screened_on = *parse_date("2026-12-01");
  rep.policy_name = std::string(limit, 'n');  // at the limit: written whole
  rep.model = std::string(limit + 1, 'm');
  // "é" is 2 bytes: a cut must not split it.
  std::string accents;
  while (accents.size() < limit + 10) accents += "\xC3\xA9";
  rep.prep = {accents};
  // Invalid bytes read back as U+FFFD (3 bytes): 30000 of them are over the limit when read.
  rep.aftercare = {std::string(30000, '\xff')};
  const std::string text = to_json(rep);
  const auto back = parse_report(text);
  CHECK(back.ok());
  CHECK(back.value.policy_name == rep.policy_name);
  CHECK(back.value.model.size() <= limit);
  CHECK(back.value.model.find("[cut, 65537 bytes in all]") != std::string::npos);
  REQUIRE(back.value.prep.size() == 1);
  CHECK(back.value.prep[0].size() <= limit);
  const std::string_view kept =
      std::string_view(back.value.prep[0]).substr(0, back.value.prep[0].find("\xE2\x80\xA6 [cut"));
  CHECK(kept.size() % 2 == 0);
  REQUIRE(back.value.aftercare.size() == 1);
  CHECK(back.value.aftercare[0].size() <= limit);
  CHECK(back.value.aftercare[0].find("[cut, 30000 bytes in all]") != std::string::npos);
  // Each cut string is a warning when read back.
  CHECK(mnscreen::test::find_diag(back.diagnostics, "string_too_long", "$.model"));
  CHECK(mnscreen::test::find_diag(back.diagnostics, "string_too_long", "$.prep[0]"));
  CHECK(mnscreen::test::find_diag(back.diagnostics, "string_too_long", "$.aftercare[0]"));
  CHECK(back.diagnostics.size() == 3);
  // to_text cuts the same way.
  const std::string summary = to_text(rep);
  CHECK(summary.find("[cut, 65537 bytes in all]") != std::string::npos);
  CHECK(summary.size() < 5 * limit);
}

TEST_CASE("json: duplicate and unknown keys in large objects and escaped keys", "[json][errors]") {
  using namespace mnscreen;
  std::string many;  // 70 unknown keys: more than the reader tracks inline
  for (int i = 0; i < 70; ++i)
    many += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
  const auto r = parse_intake(R"({"schema": "mnscreen.intake/1", )" + many +
                              R"("k3": 1, "patient": {)" + many + R"("\u0069d": "a", "id": "b",
      "sex": "female"}, "medications": [{"code": "aspirin"}, {"code": "warfarin", "k": 1,
      "\u006B": 2}]})");
  using mnscreen::test::find_diag;
  CHECK(find_diag(r.diagnostics, "duplicate_key", "$.k3"));
  CHECK(find_diag(r.diagnostics, "duplicate_key", "$.patient.id"));
  CHECK(find_diag(r.diagnostics, "duplicate_key", "$.medications[1].k"));
  CHECK(r.value.patient.id == "b");
  CHECK(r.value.patient.sex == sex::female);
  REQUIRE(r.value.medications.size() == 2);
  std::size_t duplicates = 0, unknown = 0;
  for (const auto& d : r.diagnostics) {
    duplicates += d.code == "duplicate_key";
    unknown += d.code == "unknown_key";
  }
  CHECK(duplicates == 3);
  CHECK(unknown == 70 + 70 + 1);  // root, patient, the medication's "k"
  CHECK(find_diag(r.diagnostics, "unknown_key", "$.patient.k69"));
  CHECK(find_diag(r.diagnostics, "unknown_key", "$.k0"));
}
