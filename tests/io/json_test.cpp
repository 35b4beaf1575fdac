// SPDX-License-Identifier: Apache-2.0
// Intake and plan readers: the formats.md samples, and every kind of bad input, asserting the
// exact diagnostic code and path and that the rest of the document survived.
#include "mnscreen/json.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "io_test_support.hpp"
#include "test_support.hpp"

namespace {

using namespace mnscreen;
using mnscreen::test::count_at;
using mnscreen::test::d;
using mnscreen::test::dump;
using mnscreen::test::find_diag;

// The intake sample of formats.md, verbatim.
constexpr std::string_view sample_intake = R"json({
  "schema": "mnscreen.intake/1",
  "patient": {
    "id": "p-001",
    "birth_date": "1990-04-02",
    "sex": "female",
    "fitzpatrick": 4,
    "pregnant": false,
    "breastfeeding": false,
    "smoker": false
  },
  "conditions": [
    {"code": "keloid", "status": "history", "onset": "2019-06-01", "sites": ["chest"]},
    {"code": "acne_vulgaris", "status": "active", "severity": "moderate", "sites": ["cheeks"]},
    {"code": "diabetes_mellitus", "status": "active"}
  ],
  "medications": [
    {"code": "isotretinoin", "route": "oral", "start": "2025-11-01", "stop": "2026-09-15"},
    {"code": "apixaban", "route": "oral", "start": "2024-01-10"}
  ],
  "allergies": [
    {"substance": "benzocaine", "reaction": "contact_dermatitis", "severity": "mild"}
  ],
  "devices": [{"code": "pacemaker"}],
  "procedures": [
    {"code": "chemical_peel", "date": "2026-11-10", "areas": ["cheeks"], "depth": "superficial"}
  ],
  "labs": [
    {"code": "hba1c", "value": 9.5, "unit": "%", "date": "2026-10-01"},
    {"code": "inr", "value": 2.4, "date": "2026-11-20"},
    {"code": "platelets", "value": 210, "unit": "10*9/L", "date": "2026-11-20"}
  ],
  "negatives": ["bleeding_disorder", "hsv_labialis", "immunosuppression"]
})json";

// The plan sample of formats.md, verbatim.
constexpr std::string_view sample_plan = R"json({
  "schema": "mnscreen.plan/1",
  "date": "2026-12-01",
  "device": "pen",
  "needle_depth_mm": 1.5,
  "areas": ["cheeks", "forehead"],
  "anesthetic": "lidocaine_prilocaine",
  "setting": "clinic",
  "needle_material": "stainless_steel",
  "single_use_needles": true,
  "adjuncts": ["prp"]
})json";

// A valid plan with one member replaced: `"<key>": <json>` (or removed when json is empty).
std::string plan_with(std::string_view key, std::string_view json) {
  std::string out = "{\"schema\": \"mnscreen.plan/1\"";
  const std::pair<std::string_view, std::string_view> members[] = {
      {"date", "\"2026-12-01\""}, {"device", "\"pen\""},      {"needle_depth_mm", "1.5"},
      {"areas", "[\"cheeks\"]"},  {"anesthetic", "\"none\""}, {"setting", "\"clinic\""}};
  for (const auto& [k, v] : members) {
    const std::string_view value = k == key ? json : v;
    if (value.empty()) continue;
    out += ", \"" + std::string(k) + "\": " + std::string(value);
  }
  if (key == "needle_material" || key == "single_use_needles" || key == "adjuncts" ||
      key == "extra")
    out += ", \"" + std::string(key) + "\": " + std::string(json);
  return out + "}";
}

TEST_CASE("json: the formats.md intake sample is read completely", "[json][intake]") {
  const auto r = parse_intake(sample_intake);
  INFO(dump(r.diagnostics));
  REQUIRE(r.diagnostics.empty());
  REQUIRE(r.ok());
  const intake& in = r.value;
  CHECK(in.patient.id == "p-001");
  CHECK(in.patient.birth_date == d("1990-04-02"));
  CHECK(in.patient.sex == sex::female);
  CHECK(in.patient.fitzpatrick == 4);
  CHECK(in.patient.pregnant == known::no);
  CHECK(in.patient.breastfeeding == known::no);
  CHECK(in.patient.smoker == known::no);

  REQUIRE(in.conditions.size() == 3);
  CHECK(in.conditions[0].code == condition_code::keloid);
  CHECK(in.conditions[0].status == condition_status::history);
  CHECK(in.conditions[0].onset == d("2019-06-01"));
  CHECK(in.conditions[0].sites == std::vector<area>{area::chest});
  CHECK(in.conditions[1].code == condition_code::acne_vulgaris);
  CHECK(in.conditions[1].severity == condition_severity::moderate);
  CHECK(in.conditions[1].sites == std::vector<area>{area::cheeks});
  CHECK(in.conditions[2].code == condition_code::diabetes_mellitus);
  CHECK(in.conditions[2].status == condition_status::active);
  CHECK(in.conditions[2].sites.empty());
  CHECK_FALSE(in.conditions[2].severity.has_value());

  REQUIRE(in.medications.size() == 2);
  CHECK(in.medications[0].code == medication_code::isotretinoin);
  CHECK(in.medications[0].route == route::oral);
  CHECK(in.medications[0].start == d("2025-11-01"));
  CHECK(in.medications[0].stop == d("2026-09-15"));
  CHECK(in.medications[1].code == medication_code::apixaban);
  CHECK_FALSE(in.medications[1].stop.has_value());  // still taking it

  REQUIRE(in.allergies.size() == 1);
  CHECK(in.allergies[0].substance == allergy_substance::benzocaine);
  CHECK(in.allergies[0].reaction == "contact_dermatitis");
  CHECK(in.allergies[0].severity == allergy_severity::mild);

  REQUIRE(in.devices.size() == 1);
  CHECK(in.devices[0].code == device_code::pacemaker);
  CHECK(in.devices[0].sites.empty());

  REQUIRE(in.procedures.size() == 1);
  CHECK(in.procedures[0].code == procedure_code::chemical_peel);
  CHECK(in.procedures[0].date == d("2026-11-10"));
  CHECK(in.procedures[0].areas == std::vector<area>{area::cheeks});
  CHECK(in.procedures[0].depth == peel_depth::superficial);

  REQUIRE(in.labs.size() == 3);
  CHECK(in.labs[0].code == lab_code::hba1c);
  CHECK(in.labs[0].value == Approx(9.5));
  CHECK(in.labs[0].date == d("2026-10-01"));
  CHECK(in.labs[1].code == lab_code::inr);
  CHECK(in.labs[1].value == Approx(2.4));
  CHECK(in.labs[2].code == lab_code::platelets);
  CHECK(in.labs[2].value == Approx(210));

  REQUIRE(in.negatives.size() == 3);
  CHECK(in.negatives[0] == negative{question::bleeding_disorder});
  CHECK(in.negatives[1] == negative{question::hsv_labialis});
  CHECK(in.negatives[2] == negative{question::immunosuppression});
}

TEST_CASE("json: the formats.md plan sample is read completely", "[json][plan]") {
  const auto r = parse_plan(sample_plan);
  INFO(dump(r.diagnostics));
  REQUIRE(r.diagnostics.empty());
  const procedure_plan& p = r.value;
  CHECK(p.date == d("2026-12-01"));
  CHECK(p.device == device_type::pen);
  CHECK(p.needle_depth == millimetres{1.5});
  CHECK(p.areas == std::vector<area>{area::cheeks, area::forehead});
  CHECK(p.anesthetic == anesthetic::lidocaine_prilocaine);
  CHECK(p.setting == setting::clinic);
  CHECK(p.needle_material == needle_material::stainless_steel);
  CHECK(p.single_use_needles == known::yes);
  CHECK(p.adjuncts == std::vector<adjunct>{adjunct::prp});
}

TEST_CASE("json: an empty intake is valid and everything in it is unknown", "[json][intake]") {
  const auto r = parse_intake(R"({"schema": "mnscreen.intake/1"})");
  INFO(dump(r.diagnostics));
  CHECK(r.diagnostics.empty());
  CHECK(r.value == intake{});
  CHECK(r.value.patient.pregnant == known::unknown);
}

TEST_CASE("json: null tri-state facts are unknown, not no", "[json][intake]") {
  const auto r = parse_intake(
      R"({"schema": "mnscreen.intake/1",
          "patient": {"pregnant": null, "breastfeeding": true, "smoker": false}})");
  INFO(dump(r.diagnostics));
  CHECK(r.diagnostics.empty());
  CHECK(r.value.patient.pregnant == known::unknown);
  CHECK(r.value.patient.breastfeeding == known::yes);
  CHECK(r.value.patient.smoker == known::no);
}

TEST_CASE("json: plan optional fields keep their unknown defaults", "[json][plan]") {
  const auto r = parse_plan(plan_with("", ""));
  INFO(dump(r.diagnostics));
  CHECK(r.diagnostics.empty());
  CHECK(r.value.needle_material == needle_material::unknown);
  CHECK(r.value.single_use_needles == known::unknown);
  CHECK(r.value.adjuncts.empty());
}

TEST_CASE("json: malformed JSON is fatal and names line and column", "[json][errors]") {
  const auto r = parse_plan("{\n  \"schema\": \"mnscreen.plan/1\",\n  \"date\": ]\n}");
  REQUIRE(r.diagnostics.size() == 1);
  const auto& diag = r.diagnostics[0];
  CHECK(diag.severity == severity::fatal);
  CHECK(diag.code == "malformed_json");
  CHECK(diag.path == "$");
  CHECK(diag.message.find("line 3, column 11") != std::string::npos);
  CHECK_FALSE(r.ok());

  SECTION("an empty document") {
    const auto e = parse_intake("");
    REQUIRE(e.diagnostics.size() == 1);
    CHECK(e.diagnostics[0].code == "malformed_json");
  }
  SECTION("trailing data after the document") {
    const auto e = parse_intake(R"({"schema": "mnscreen.intake/1"} {})");
    REQUIRE(e.diagnostics.size() == 1);
    CHECK(e.diagnostics[0].code == "malformed_json");
  }
  SECTION("invalid UTF-8 inside a string") {
    const auto e =
        parse_intake("{\"schema\": \"mnscreen.intake/1\", \"patient\": {\"id\": \"\xff\"}}");
    REQUIRE(e.diagnostics.size() == 1);
    CHECK(e.diagnostics[0].code == "malformed_json");
  }
}

TEST_CASE("json: a document that is not an object is fatal", "[json][errors]") {
  const auto r = parse_plan("[1, 2]");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].severity == severity::fatal);
  CHECK(r.diagnostics[0].code == "wrong_type");
  CHECK(r.diagnostics[0].path == "$");
}

TEST_CASE("json: schema is required and checked and reading goes on", "[json][errors]") {
  SECTION("missing") {
    const auto r = parse_intake(R"({"patient": {"id": "p-9"}})");
    CHECK(find_diag(r.diagnostics, "missing_field", "$.schema"));
    CHECK(r.value.patient.id == "p-9");
    CHECK_FALSE(r.ok());
  }
  SECTION("wrong document type") {
    const auto r = parse_intake(R"({"schema": "mnscreen.plan/1", "patient": {"id": "p-9"}})");
    const auto* diag = find_diag(r.diagnostics, "wrong_schema", "$.schema");
    REQUIRE(diag);
    CHECK(diag->message.find("\"mnscreen.plan/1\"") != std::string::npos);
    CHECK(r.value.patient.id == "p-9");
  }
  SECTION("wrong version") {
    const auto r = parse_plan(R"({"schema": "mnscreen.plan/2"})");
    CHECK(find_diag(r.diagnostics, "wrong_schema", "$.schema"));
  }
  SECTION("not a string") {
    const auto r = parse_plan(R"({"schema": 1})");
    CHECK(find_diag(r.diagnostics, "wrong_type", "$.schema"));
  }
}

TEST_CASE("json: an unknown code word drops its item and names field and value", "[json][errors]") {
  const auto r = parse_intake(R"({"schema": "mnscreen.intake/1",
    "patient": {"id": "p-2", "sex": "female"},
    "medications": [
      {"code": "warfrin", "route": "oral"},
      {"code": "aspirin", "route": "oral", "start": "2026-01-01"}
    ]})");
  const auto* diag = find_diag(r.diagnostics, "unknown_code", "$.medications[0].code");
  REQUIRE(diag);
  CHECK(diag->severity == severity::error);
  CHECK(diag->message.find("\"warfrin\"") != std::string::npos);
  CHECK(diag->message.find("the medication was dropped") != std::string::npos);
  REQUIRE(r.value.medications.size() == 1);
  CHECK(r.value.medications[0].code == medication_code::aspirin);
  CHECK(r.value.medications[0].start == d("2026-01-01"));
  CHECK(r.value.patient.id == "p-2");
  CHECK(r.value.patient.sex == sex::female);
  CHECK(r.diagnostics.size() == 1);
}

TEST_CASE("json: unknown attribute words leave the attribute unknown and keep the item",
          "[json][errors]") {
  const auto r = parse_intake(R"({"schema": "mnscreen.intake/1",
    "conditions": [{"code": "hsv_labialis", "status": "chronic", "severity": "awful",
                    "sites": ["perioral", "lip", "chin"]}],
    "medications": [{"code": "aspirin", "route": "rectal"}],
    "negatives": ["keloid", "vampirism", "anticoagulant"]})");
  CHECK(find_diag(r.diagnostics, "unknown_code", "$.conditions[0].status"));
  CHECK(find_diag(r.diagnostics, "unknown_code", "$.conditions[0].severity"));
  CHECK(find_diag(r.diagnostics, "unknown_code", "$.conditions[0].sites[1]"));
  CHECK(find_diag(r.diagnostics, "unknown_code", "$.medications[0].route"));
  CHECK(find_diag(r.diagnostics, "unknown_code", "$.negatives[1]"));
  REQUIRE(r.value.conditions.size() == 1);
  // An unreadable status is kept as the cautious reading, active.
  CHECK(r.value.conditions[0].status == condition_status::active);
  CHECK_FALSE(r.value.conditions[0].severity.has_value());
  CHECK(r.value.conditions[0].sites == std::vector<area>{area::perioral, area::chin});
  REQUIRE(r.value.medications.size() == 1);
  CHECK_FALSE(r.value.medications[0].route.has_value());
  CHECK(r.value.negatives == std::vector<negative>{question::keloid, question::anticoagulant});
}

TEST_CASE("json: an impossible date is an error naming path and value", "[json][errors]") {
  SECTION("plan date") {
    const auto r = parse_plan(plan_with("date", "\"2026-02-30\""));
    const auto* diag = find_diag(r.diagnostics, "invalid_date", "$.date");
    REQUIRE(diag);
    CHECK(diag->message.find("\"2026-02-30\"") != std::string::npos);
    CHECK(count_at(r.diagnostics, "$.date") == 1);  // not repeated by validate()
    CHECK(r.value.device == device_type::pen);
    CHECK(r.value.areas == std::vector<area>{area::cheeks});
    CHECK_FALSE(r.value.date.ok());
  }
  SECTION("medication stop date: the medication is kept, still taken") {
    const auto r = parse_intake(R"({"schema": "mnscreen.intake/1",
      "medications": [{"code": "isotretinoin", "start": "2026-01-01", "stop": "2026-13-01"}]})");
    REQUIRE(find_diag(r.diagnostics, "invalid_date", "$.medications[0].stop"));
    REQUIRE(r.value.medications.size() == 1);
    CHECK(r.value.medications[0].start == d("2026-01-01"));
    CHECK_FALSE(r.value.medications[0].stop.has_value());
  }
  SECTION("procedure date: the procedure is dropped") {
    const auto r = parse_intake(R"({"schema": "mnscreen.intake/1",
      "procedures": [{"code": "ipl", "date": "2026-04-31"},
                     {"code": "waxing", "date": "2026-11-20"}]})");
    REQUIRE(find_diag(r.diagnostics, "invalid_date", "$.procedures[0].date"));
    REQUIRE(r.value.procedures.size() == 1);
    CHECK(r.value.procedures[0].code == procedure_code::waxing);
  }
  SECTION("not even a date") {
    const auto r = parse_intake(R"({"schema": "mnscreen.intake/1",
      "patient": {"birth_date": "02/04/1990", "id": "x"}})");
    CHECK(find_diag(r.diagnostics, "invalid_date", "$.patient.birth_date"));
    CHECK_FALSE(r.value.patient.birth_date.has_value());
    CHECK(r.value.patient.id == "x");
  }
}

TEST_CASE("json: a needle depth outside 0 to 4 mm is refused but kept", "[json][errors]") {
  SECTION("negative") {
    const auto r = parse_plan(plan_with("needle_depth_mm", "-1"));
    const auto* diag = find_diag(r.diagnostics, "out_of_range", "$.needle_depth_mm");
    REQUIRE(diag);
    CHECK(format(*diag, "plan.json") ==
          "plan.json: $.needle_depth_mm: -1 is not a depth in (0, 4] mm");
    CHECK(r.value.needle_depth == millimetres{-1.0});
    CHECK(r.value.areas == std::vector<area>{area::cheeks});
  }
  SECTION("deeper than 4 mm") {
    const auto r = parse_plan(plan_with("needle_depth_mm", "4.5"));
    REQUIRE(find_diag(r.diagnostics, "out_of_range", "$.needle_depth_mm"));
    CHECK(r.value.needle_depth == millimetres{4.5});
  }
  SECTION("exactly 4 mm is allowed") {
    const auto r = parse_plan(plan_with("needle_depth_mm", "4"));
    CHECK(r.diagnostics.empty());
  }
}

TEST_CASE("json: Fitzpatrick 7 and HbA1c 25 and a stop before the start are refused",
          "[json][errors]") {
  const auto r = parse_intake(R"({"schema": "mnscreen.intake/1",
    "patient": {"fitzpatrick": 7, "sex": "male"},
    "medications": [{"code": "tretinoin", "start": "2026-05-01", "stop": "2026-04-01"}],
    "labs": [{"code": "hba1c", "value": 25, "date": "2026-10-01"}]})");
  INFO(dump(r.diagnostics));
  CHECK(find_diag(r.diagnostics, "out_of_range", "$.patient.fitzpatrick"));
  CHECK(find_diag(r.diagnostics, "out_of_range", "$.labs[0].value"));
  CHECK(find_diag(r.diagnostics, "out_of_range", "$.medications[0].stop"));
  CHECK(r.diagnostics.size() == 3);
  // The values are kept; the screener refuses them with cannot_screen.
  CHECK(r.value.patient.fitzpatrick == 7);
  CHECK(r.value.patient.sex == sex::male);
  REQUIRE(r.value.labs.size() == 1);
  CHECK(r.value.labs[0].value == Approx(25));
  REQUIRE(r.value.medications.size() == 1);
}

TEST_CASE("json: validate() paths name the JSON item even after dropped items", "[json][errors]") {
  const auto r = parse_intake(R"({"schema": "mnscreen.intake/1",
    "medications": [{"code": "nonsense"},
                    {"code": "tretinoin", "start": "2026-05-01", "stop": "2026-04-01"}],
    "labs": [{"code": "inr", "value": 2, "unit": "mg", "date": "2026-11-01"},
             {"code": "hba1c", "value": 30, "date": "2026-10-01"}]})");
  INFO(dump(r.diagnostics));
  CHECK(find_diag(r.diagnostics, "unknown_code", "$.medications[0].code"));
  CHECK(find_diag(r.diagnostics, "out_of_range", "$.medications[1].stop"));
  CHECK(find_diag(r.diagnostics, "unknown_unit", "$.labs[0].unit"));
  CHECK(find_diag(r.diagnostics, "out_of_range", "$.labs[1].value"));
  CHECK(r.diagnostics.size() == 4);
}

TEST_CASE("json: wrong JSON types are errors and the rest survives", "[json][errors]") {
  SECTION("depth as a string") {
    const auto r = parse_plan(plan_with("needle_depth_mm", "\"1.5\""));
    const auto* diag = find_diag(r.diagnostics, "wrong_type", "$.needle_depth_mm");
    REQUIRE(diag);
    CHECK(diag->message.find("\"1.5\" is a string, expected a number") != std::string::npos);
    CHECK(count_at(r.diagnostics, "$.needle_depth_mm") == 1);
    // An unreadable depth never passes as a real one.
    CHECK(r.value.needle_depth == millimetres{0.0});
    CHECK(r.value.date == d("2026-12-01"));
  }
  SECTION("a tri-state fact that is not true/false stays unknown") {
    const auto r = parse_intake(
        R"({"schema": "mnscreen.intake/1", "patient": {"pregnant": "no", "smoker": true}})");
    CHECK(find_diag(r.diagnostics, "wrong_type", "$.patient.pregnant"));
    CHECK(r.value.patient.pregnant == known::unknown);
    CHECK(r.value.patient.smoker == known::yes);
  }
  SECTION("a list that is not an array") {
    const auto r = parse_intake(
        R"({"schema": "mnscreen.intake/1", "conditions": {"code": "keloid"},
            "devices": [{"code": "icd"}, "pacemaker"]})");
    CHECK(find_diag(r.diagnostics, "wrong_type", "$.conditions"));
    CHECK(find_diag(r.diagnostics, "wrong_type", "$.devices[1]"));
    REQUIRE(r.value.devices.size() == 1);
    CHECK(r.value.devices[0].code == device_code::icd);
  }
  SECTION("a fractional Fitzpatrick type") {
    const auto r = parse_intake(
        R"({"schema": "mnscreen.intake/1", "patient": {"fitzpatrick": 3.5, "id": "a"}})");
    CHECK(find_diag(r.diagnostics, "wrong_type", "$.patient.fitzpatrick"));
    CHECK_FALSE(r.value.patient.fitzpatrick.has_value());
    CHECK(r.value.patient.id == "a");
  }
  SECTION("a lab value as a string") {
    const auto r = parse_intake(R"({"schema": "mnscreen.intake/1",
      "labs": [{"code": "inr", "value": "2.1", "date": "2026-11-20"}]})");
    CHECK(find_diag(r.diagnostics, "wrong_type", "$.labs[0].value"));
    CHECK(r.value.labs.empty());
  }
}

TEST_CASE("json: missing required fields are errors naming the field", "[json][errors]") {
  SECTION("plan") {
    const auto r = parse_plan(R"({"schema": "mnscreen.plan/1", "needle_depth_mm": 1.0})");
    INFO(dump(r.diagnostics));
    for (const char* field : {"$.date", "$.device", "$.areas", "$.anesthetic", "$.setting"}) {
      INFO(field);
      CHECK(find_diag(r.diagnostics, "missing_field", field));
      CHECK(count_at(r.diagnostics, field) == 1);
    }
    CHECK(r.value.needle_depth == millimetres{1.0});
    CHECK(r.diagnostics.size() == 5);
  }
  SECTION("plan depth") {
    const auto r = parse_plan(plan_with("needle_depth_mm", ""));
    CHECK(find_diag(r.diagnostics, "missing_field", "$.needle_depth_mm"));
    CHECK(r.diagnostics.size() == 1);
  }
  SECTION("plan with an empty area list") {
    const auto r = parse_plan(plan_with("areas", "[]"));
    CHECK(find_diag(r.diagnostics, "missing_field", "$.areas"));
    CHECK(r.diagnostics.size() == 1);
  }
  SECTION("required null is missing") {
    const auto r = parse_plan(plan_with("device", "null"));
    CHECK(find_diag(r.diagnostics, "missing_field", "$.device"));
  }
  SECTION("intake items") {
    const auto r = parse_intake(R"({"schema": "mnscreen.intake/1",
      "procedures": [{"code": "waxing"}, {"date": "2026-11-01"}],
      "labs": [{"code": "inr", "date": "2026-11-01"}, {"code": "cd4", "value": 150}],
      "allergies": [{"reaction": "rash"}],
      "conditions": [{"status": "active"}, {"code": "eczema"}]})");
    INFO(dump(r.diagnostics));
    CHECK(find_diag(r.diagnostics, "missing_field", "$.procedures[0].date"));
    CHECK(find_diag(r.diagnostics, "missing_field", "$.procedures[1].code"));
    CHECK(find_diag(r.diagnostics, "missing_field", "$.labs[0].value"));
    CHECK(find_diag(r.diagnostics, "missing_field", "$.labs[1].date"));
    CHECK(find_diag(r.diagnostics, "missing_field", "$.allergies[0].substance"));
    CHECK(find_diag(r.diagnostics, "missing_field", "$.conditions[0].code"));
    CHECK(r.diagnostics.size() == 6);
    CHECK(r.value.procedures.empty());
    CHECK(r.value.labs.empty());
    CHECK(r.value.allergies.empty());
    REQUIRE(r.value.conditions.size() == 1);
    // A condition without a status is read as active.
    CHECK(r.value.conditions[0].code == condition_code::eczema);
    CHECK(r.value.conditions[0].status == condition_status::active);
  }
}

TEST_CASE("json: unknown keys are warnings and kept out of the value", "[json][warnings]") {
  const auto r = parse_intake(R"({"schema": "mnscreen.intake/1", "version": 3,
    "patient": {"id": "p", "nickname": "Jo"},
    "medications": [{"code": "aspirin", "dose_mg": 75}]})");
  INFO(dump(r.diagnostics));
  REQUIRE(r.diagnostics.size() == 3);
  for (const auto& diag : r.diagnostics) {
    CHECK(diag.severity == severity::warning);
    CHECK(diag.code == "unknown_key");
  }
  CHECK(find_diag(r.diagnostics, "unknown_key", "$.version"));
  CHECK(find_diag(r.diagnostics, "unknown_key", "$.patient.nickname"));
  CHECK(find_diag(r.diagnostics, "unknown_key", "$.medications[0].dose_mg"));
  CHECK(r.ok());
  CHECK(r.value.patient.id == "p");
  REQUIRE(r.value.medications.size() == 1);

  SECTION("a key that is not an identifier is quoted in the path") {
    const auto q = parse_plan(plan_with("", "").insert(1, "\"odd key\": 1, "));
    CHECK(find_diag(q.diagnostics, "unknown_key", "$[\"odd key\"]"));
  }
}

TEST_CASE("json: a key given twice is an error", "[json][errors]") {
  const auto r = parse_intake(R"({"schema": "mnscreen.intake/1",
    "patient": {"pregnant": true, "pregnant": false}})");
  const auto* diag = find_diag(r.diagnostics, "duplicate_key", "$.patient.pregnant");
  REQUIRE(diag);
  CHECK(diag->severity == severity::error);
  CHECK_FALSE(r.ok());
}

TEST_CASE("json: several errors in one document are all reported", "[json][errors]") {
  const auto r = parse_plan(R"({"schema": "mnscreen.plan/1", "date": "2026-02-29",
    "device": "laser", "needle_depth_mm": 9, "areas": ["cheeks", "elbow"],
    "anesthetic": "ether", "setting": "clinic", "adjuncts": ["prp", "snake_oil"],
    "single_use_needles": "yes", "colour": "red"})");
  INFO(dump(r.diagnostics));
  CHECK(find_diag(r.diagnostics, "invalid_date", "$.date"));
  CHECK(find_diag(r.diagnostics, "unknown_code", "$.device"));
  CHECK(find_diag(r.diagnostics, "out_of_range", "$.needle_depth_mm"));
  CHECK(find_diag(r.diagnostics, "unknown_code", "$.areas[1]"));
  CHECK(find_diag(r.diagnostics, "unknown_code", "$.anesthetic"));
  CHECK(find_diag(r.diagnostics, "unknown_code", "$.adjuncts[1]"));
  CHECK(find_diag(r.diagnostics, "wrong_type", "$.single_use_needles"));
  CHECK(find_diag(r.diagnostics, "unknown_key", "$.colour"));
  CHECK(r.diagnostics.size() == 8);
  CHECK(r.value.areas == std::vector<area>{area::cheeks});
  CHECK(r.value.adjuncts == std::vector<adjunct>{adjunct::prp});
  CHECK(r.value.setting == setting::clinic);
}

TEST_CASE("json: lab units are converted to the canonical unit", "[json][labs]") {
  SECTION("HbA1c in mmol/mol (IFCC) becomes % (NGSP)") {
    const auto r = parse_intake(R"({"schema": "mnscreen.intake/1",
      "labs": [{"code": "hba1c", "value": 75, "unit": "mmol/mol", "date": "2026-10-01"}]})");
    INFO(dump(r.diagnostics));
    CHECK(r.diagnostics.empty());
    REQUIRE(r.value.labs.size() == 1);
    CHECK(r.value.labs[0].value == Approx(75 * 0.09148 + 2.152));
    CHECK(r.value.labs[0].value == Approx(9.013).epsilon(0.001));
  }
  SECTION("HbA1c 48 mmol/mol is the 6.5 % diagnostic threshold") {
    const auto r = parse_intake(R"({"schema": "mnscreen.intake/1",
      "labs": [{"code": "hba1c", "value": 48, "unit": "mmol/mol", "date": "2026-10-01"}]})");
    REQUIRE(r.value.labs.size() == 1);
    CHECK(r.value.labs[0].value == Approx(6.5).margin(0.05));
  }
  SECTION("accepted spellings") {
    const auto r = parse_intake(R"({"schema": "mnscreen.intake/1", "labs": [
      {"code": "platelets", "value": 150, "unit": "10^9/L", "date": "2026-11-01"},
      {"code": "platelets", "value": 150, "unit": "x10^9/L", "date": "2026-11-01"},
      {"code": "platelets", "value": 150, "unit": "/nL", "date": "2026-11-01"},
      {"code": "inr", "value": 2, "unit": "{INR}", "date": "2026-11-01"},
      {"code": "inr", "value": 2, "unit": "1", "date": "2026-11-01"},
      {"code": "cd4", "value": 400, "unit": "cells/µL", "date": "2026-11-01"},
      {"code": "cd4", "value": 400, "unit": "/mm3", "date": "2026-11-01"}]})");
    INFO(dump(r.diagnostics));
    CHECK(r.diagnostics.empty());
    CHECK(r.value.labs.size() == 7);
  }
  SECTION("an unknown unit is an error and the result is dropped") {
    const auto r = parse_intake(R"({"schema": "mnscreen.intake/1", "labs": [
      {"code": "hba1c", "value": 160, "unit": "mg/dL", "date": "2026-10-01"},
      {"code": "platelets", "value": 150, "unit": "%", "date": "2026-10-01"},
      {"code": "inr", "value": 2.4, "date": "2026-11-20"}]})");
    const auto* diag = find_diag(r.diagnostics, "unknown_unit", "$.labs[0].unit");
    REQUIRE(diag);
    CHECK(diag->message.find("\"mg/dL\"") != std::string::npos);
    CHECK(find_diag(r.diagnostics, "unknown_unit", "$.labs[1].unit"));
    REQUIRE(r.value.labs.size() == 1);
    CHECK(r.value.labs[0].code == lab_code::inr);
  }
}

TEST_CASE("json: group words face and body expand in plan areas and in sites", "[json][areas]") {
  const auto r = parse_plan(plan_with("areas", R"(["face", "cheeks", "neck"])"));
  INFO(dump(r.diagnostics));
  CHECK(r.diagnostics.empty());
  CHECK(r.value.areas == std::vector<area>{area::forehead, area::glabella, area::periorbital,
                                           area::nose, area::cheeks, area::perioral, area::chin,
                                           area::jawline, area::neck});

  const auto in = parse_intake(R"({"schema": "mnscreen.intake/1",
    "conditions": [{"code": "psoriasis", "sites": ["body"]}]})");
  REQUIRE(in.value.conditions.size() == 1);
  CHECK(make_area_set(in.value.conditions[0].sites) == body_areas());
  CHECK_FALSE(make_area_set(in.value.conditions[0].sites).contains(area::scalp));
}

TEST_CASE("json: item sources (provenance) are read", "[json][intake]") {
  const auto r = parse_intake(R"({"schema": "mnscreen.intake/1",
    "conditions": [{"code": "keloid", "source": "Condition/12"}],
    "labs": [{"code": "inr", "value": 2.0, "date": "2026-11-20", "source": "Observation/7"}]})");
  REQUIRE(r.value.conditions.size() == 1);
  CHECK(r.value.conditions[0].source == "Condition/12");
  REQUIRE(r.value.labs.size() == 1);
  CHECK(r.value.labs[0].source == "Observation/7");
}

}  // namespace
