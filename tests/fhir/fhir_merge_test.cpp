// SPDX-License-Identifier: Apache-2.0
// The intake overlay (`--intake` beside `--fhir`) and the FHIR findings added to a report.
#include "mnscreen/fhir.hpp"

#include <catch2/catch.hpp>

#include "fhir_test_support.hpp"

using namespace mnscreen;
using namespace mnscreen::test;

TEST_CASE("fhir merge_intake: patient fields the overlay sets replace the record's",
          "[fhir][merge]") {
  intake base;
  base.patient.id = "Patient/1";
  base.patient.birth_date = d("1980-01-01");
  base.patient.sex = sex::female;
  base.patient.pregnant = known::yes;
  base.patient.deceased = known::no;
  intake overlay;
  overlay.patient.fitzpatrick = 4;
  overlay.patient.pregnant = known::no;
  const intake m = merge_intake(base, overlay);
  CHECK(m.patient.id == "Patient/1");
  CHECK(m.patient.birth_date == d("1980-01-01"));
  CHECK(m.patient.sex == sex::female);
  CHECK(m.patient.fitzpatrick == 4);
  CHECK(m.patient.pregnant == known::no);
  CHECK(m.patient.smoker == known::unknown);
  CHECK(m.patient.deceased == known::no);
}

TEST_CASE("fhir merge_intake: items with the same code are replaced, others appended",
          "[fhir][merge]") {
  intake base;
  base.conditions.push_back({.code = condition_code::acne_vulgaris,
                             .status = condition_status::active,
                             .source = "Condition/1"});
  base.conditions.push_back({.code = condition_code::keloid, .source = "Condition/2"});
  base.medications.push_back({.code = medication_code::warfarin, .source = "MedicationRequest/1"});
  base.allergies.push_back({.substance = allergy_substance::latex, .source = "A/1"});
  base.labs.push_back({.code = lab_code::inr, .value = 2.0, .date = d("2026-11-01")});
  base.procedures.push_back({.code = procedure_code::surgery, .date = d("2026-01-01")});
  intake overlay;
  overlay.conditions.push_back(
      {.code = condition_code::acne_vulgaris, .status = condition_status::resolved});
  overlay.conditions.push_back({.code = condition_code::rosacea});
  overlay.medications.push_back({.code = medication_code::warfarin, .stop = d("2026-11-20")});
  overlay.labs.push_back({.code = lab_code::inr, .value = 2.5, .date = d("2026-11-25")});
  const intake m = merge_intake(base, overlay);
  REQUIRE(m.conditions.size() == 3);
  CHECK(m.conditions[0].code == condition_code::keloid);  // kept base item first
  CHECK(m.conditions[1].code == condition_code::acne_vulgaris);
  CHECK(m.conditions[1].status == condition_status::resolved);  // the clinic's answer
  CHECK(m.conditions[2].code == condition_code::rosacea);
  REQUIRE(m.medications.size() == 1);
  CHECK(m.medications[0].stop == d("2026-11-20"));
  CHECK(m.allergies.size() == 1);
  CHECK(m.labs.size() == 2);  // events: appended
  CHECK(m.procedures.size() == 1);
}

TEST_CASE("fhir merge_intake: negatives are appended; overlay facts remove contradicted denials",
          "[fhir][merge]") {
  intake base;
  base.negatives = {condition_code::eczema, allergy_class::latex, question::anticoagulant};
  base.medications.push_back({.code = medication_code::apixaban});
  intake overlay;
  overlay.conditions.push_back({.code = condition_code::eczema});
  overlay.negatives = {question::keloid, question::anticoagulant};
  const intake m = merge_intake(base, overlay);
  CHECK_FALSE(has_negative(m, condition_code::eczema));  // the clinic says eczema
  CHECK(has_negative(m, allergy_class::latex));
  CHECK(has_negative(m, question::keloid));
  // An overlay denial never removes a record's fact: the screener reports the contradiction.
  CHECK(m.medications.size() == 1);
  CHECK(std::count(m.negatives.begin(), m.negatives.end(), negative{question::anticoagulant}) == 1);
}

TEST_CASE("fhir add_fhir_findings: reader diagnostics and questions reach the report",
          "[fhir][merge]") {
  parse_result<fhir_intake> r;
  r.diagnostics.push_back({severity::error, "fhir.malformed_field", "$.entry[3].resource.code",
                           "expected an object; ignored"});
  r.value.questions.push_back({"MedicationRequest/9", question::anticoagulant, "warfarin",
                               "Warfarin is recorded as active since 2015-09-16: still taken?"});
  report rep;
  rep.decision = decision::proceed_with_caution;
  rep.questions.push_back({question::anticoagulant, "Do you take a blood thinner?"});
  add_fhir_findings(rep, r);
  CHECK(rep.decision == decision::proceed_with_caution);
  REQUIRE(rep.warnings.size() == 2);
  CHECK(rep.warnings[0].severity == severity::warning);
  CHECK(rep.warnings[0].code == "fhir.malformed_field");
  CHECK(rep.warnings[1].code == "fhir.question");
  CHECK(rep.questions[0].ask.find("2015-09-16") != std::string::npos);
}

TEST_CASE("fhir to_json: the reader's result as a document", "[fhir]") {
  const auto r = read_fhir(
      bundle({R"({"resourceType":"Condition","id":"c1","code":{"coding":[{"system":)"
              R"("http://snomed.info/sct","code":"15777000","display":"Prediabetes"}]}})"}),
      as_of("2026-12-01"));
  const std::string j = to_json(r);
  CHECK(j.find(R"("schema":"mnscreen.fhir-intake/1")") != std::string::npos);
  CHECK(j.find("mnscreen.intake/1") != std::string::npos);
  CHECK(j.find("fhir.not_mapped") != std::string::npos);
  CHECK(j.find(R"("Condition":1)") != std::string::npos);
}
