// SPDX-License-Identifier: Apache-2.0
// The FHIR reader, resource type by resource type, with the pitfalls real records have.
#include "mnscreen/fhir.hpp"

#include <catch2/catch.hpp>

#include "fhir_test_support.hpp"

using namespace mnscreen;
using namespace mnscreen::test;

namespace {

std::string condition_json(std::string_view code_json, std::string_view extra = {}) {
  return R"({"resourceType":"Condition","id":"c1","subject":{"reference":"urn:uuid:p1"},)"
         R"("code":)" +
         std::string(code_json) + (extra.empty() ? "" : ",") + std::string(extra) + "}";
}

std::string snomed(std::string_view code, std::string_view display = {}) {
  return R"({"coding":[{"system":"http://snomed.info/sct","code":")" + std::string(code) +
         R"(","display":")" + std::string(display) + R"("}]})";
}

std::string clinical(std::string_view status) {
  return R"("clinicalStatus":{"coding":[{"system":)"
         R"("http://terminology.hl7.org/CodeSystem/condition-clinical","code":")" +
         std::string(status) + R"("}]})";
}

std::string verification(std::string_view status) {
  return R"("verificationStatus":{"coding":[{"system":)"
         R"("http://terminology.hl7.org/CodeSystem/condition-ver-status","code":")" +
         std::string(status) + R"("}]})";
}

std::string med_request(std::string_view rxnorm, std::string_view status, std::string_view authored,
                        std::string_view extra = {}) {
  return R"({"resourceType":"MedicationRequest","id":"m1","intent":"order","status":")" +
         std::string(status) + R"(","authoredOn":")" + std::string(authored) +
         R"(","subject":{"reference":"urn:uuid:p1"},"medicationCodeableConcept":{"coding":[{)"
         R"("system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":")" +
         std::string(rxnorm) + R"("}]})" + (extra.empty() ? "" : ",") + std::string(extra) + "}";
}

std::string observation(std::string_view loinc, std::string_view value_json,
                        std::string_view date = "2026-11-20") {
  return R"({"resourceType":"Observation","id":"o1","status":"final",)"
         R"("subject":{"reference":"urn:uuid:p1"},"code":{"coding":[{"system":"http://loinc.org",)"
         R"("code":")" +
         std::string(loinc) + R"("}]},"effectiveDateTime":")" + std::string(date) + R"(",)" +
         std::string(value_json) + "}";
}

const fhir_reader& reader() {
  static const fhir_reader r;  // immutable: tables only
  return r;
}

}  // namespace

// --- Condition -----------------------------------------------------------------------------

TEST_CASE("fhir Condition: statuses", "[fhir][condition]") {
  SECTION("active") {
    const auto r = reader().read(bundle({condition_json(snomed("24079001"), clinical("active"))}),
                                 as_of("2026-12-01"));
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK(r.value.record.conditions[0].status == condition_status::active);
  }
  SECTION("resolved and inactive are history (a past keloid still matters)") {
    for (std::string s : {"resolved", "inactive", "remission"}) {
      const auto r = reader().read(bundle({condition_json(snomed("33659008"), clinical(s))}),
                                   as_of("2026-12-01"));
      REQUIRE(r.value.record.conditions.size() == 1);
      CHECK(r.value.record.conditions[0].code == condition_code::keloid);
      CHECK(r.value.record.conditions[0].status == condition_status::history);
    }
  }
  SECTION("no clinicalStatus and no abatement: active, with a warning") {
    const auto r = reader().read(bundle({condition_json(snomed("24079001"))}), as_of("2026-12-01"));
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK(r.value.record.conditions[0].status == condition_status::active);
    CHECK(has_diagnostic(r.diagnostics, "fhir.no_clinical_status"));
  }
  SECTION("no clinicalStatus but an abatement: history") {
    const auto r = reader().read(
        bundle({condition_json(snomed("24079001"), R"("abatementDateTime":"2020-01-01")")}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK(r.value.record.conditions[0].status == condition_status::history);
  }
  SECTION("entered-in-error is not a fact and not warned about") {
    const auto r = reader().read(
        bundle({condition_json(snomed("24079001"), verification("entered-in-error"))}),
        as_of("2026-12-01"));
    CHECK(r.value.record.conditions.empty());
    CHECK(r.value.record.negatives.empty());
    CHECK_FALSE(has_diagnostic(r.diagnostics, "fhir.unmapped_code"));
  }
  SECTION("refuted is an explicit denial") {
    const auto r = reader().read(
        bundle({condition_json(snomed("24079001"), verification("refuted"))}), as_of("2026-12-01"));
    CHECK(r.value.record.conditions.empty());
    REQUIRE(r.value.record.negatives.size() == 1);
    CHECK(r.value.record.negatives[0] == negative{condition_code::eczema});
  }
  SECTION("unconfirmed is kept as a fact to confirm") {
    const auto r =
        reader().read(bundle({condition_json(snomed("24079001"), clinical("active") + "," +
                                                                     verification("provisional"))}),
                      as_of("2026-12-01"));
    CHECK(r.value.record.conditions.size() == 1);
    CHECK(has_diagnostic(r.diagnostics, "fhir.unconfirmed"));
  }
}

TEST_CASE("fhir Condition: codings", "[fhir][condition]") {
  SECTION("several codings in one concept: the known one maps, no warning for the others") {
    const std::string code =
        R"({"coding":[{"system":"http://clinic.example/codes","code":"ECZ-1"},)"
        R"({"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"L20.9","display":"Atopic )"
        R"(dermatitis, unspecified"}]})";
    const auto r =
        reader().read(bundle({condition_json(code, clinical("active"))}), as_of("2026-12-01"));
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK(r.value.record.conditions[0].code == condition_code::eczema);
    CHECK_FALSE(has_diagnostic(r.diagnostics, "fhir.unmapped_code"));
  }
  SECTION("a text-only concept matches by name: a probable fact with a warning") {
    const auto r =
        reader().read(bundle({condition_json(R"({"text":"Atopic eczema"})", clinical("active"))}),
                      as_of("2026-12-01"));
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK(r.value.record.conditions[0].code == condition_code::eczema);
    CHECK(has_diagnostic(r.diagnostics, "fhir.name_match", "probable"));
    const auto& m = r.value.mappings;
    CHECK(std::any_of(m.begin(), m.end(),
                      [](const fhir_mapping& x) { return x.match == fhir_match::name; }));
  }
  SECTION("a display-only coding with an unknown code matches by name") {
    const auto r = reader().read(
        bundle({condition_json(R"({"coding":[{"system":"http://snomed.info/sct","code":"999999",)"
                               R"("display":"Psoriasis"}]})",
                               clinical("active"))}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK(r.value.record.conditions[0].code == condition_code::psoriasis);
    CHECK(has_diagnostic(r.diagnostics, "fhir.name_match", "999999"));
  }
  SECTION("an unmapped code is a warning with system, code and display") {
    const auto r =
        reader().read(bundle({condition_json(snomed("444814009", "Viral sinusitis (disorder)"),
                                             clinical("active"))}),
                      as_of("2026-12-01"));
    CHECK(r.value.record.conditions.empty());
    const auto* w = find_diagnostic(r.diagnostics, "fhir.unmapped_code");
    REQUIRE(w != nullptr);
    CHECK(w->severity == severity::warning);
    CHECK(w->message.find("444814009") != std::string::npos);
    CHECK(w->message.find("http://snomed.info/sct") != std::string::npos);
    CHECK(w->message.find("Viral sinusitis") != std::string::npos);
    CHECK(w->path == "$.entry[1].resource.code.coding[0]");
  }
  SECTION("repeated unmapped codes are one warning with a count") {
    const auto r = reader().read(bundle({condition_json(snomed("444814009", "Viral sinusitis")),
                                         condition_json(snomed("444814009", "Viral sinusitis"))}),
                                 as_of("2026-12-01"));
    CHECK(count_diagnostics(r.diagnostics, "fhir.unmapped_code") == 1);
    CHECK(has_diagnostic(r.diagnostics, "fhir.unmapped_code", "2 resources"));
  }
  SECTION("prediabetes is deliberately not diabetes, and says so") {
    const auto r = reader().read(
        bundle({condition_json(snomed("15777000", "Prediabetes"), clinical("active"))}),
        as_of("2026-12-01"));
    CHECK(r.value.record.conditions.empty());
    CHECK(has_diagnostic(r.diagnostics, "fhir.not_mapped", "not diabetes"));
  }
  SECTION("a code with an unknown system is not matched by code") {
    const auto r = reader().read(
        bundle(
            {condition_json(R"({"coding":[{"system":"http://other.example","code":"24079001"}]})",
                            clinical("active"))}),
        as_of("2026-12-01"));
    CHECK(r.value.record.conditions.empty());
    CHECK(has_diagnostic(r.diagnostics, "fhir.unmapped_code"));
  }
}

TEST_CASE("fhir Condition: onset, sites and severity", "[fhir][condition]") {
  SECTION("bodySite maps to areas; the code's implied site is used without one") {
    const auto r = reader().read(
        bundle({condition_json(snomed("24079001"),
                               clinical("active") +
                                   R"(,"onsetDateTime":"2020-05-06T10:00:00+02:00",)"
                                   R"("bodySite":[{"coding":[{"system":)"
                                   R"("http://snomed.info/sct","code":"45048000"}]}])"),
                condition_json(snomed("370247008", "Facial laceration"), clinical("active"))}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.conditions.size() == 2);
    CHECK(r.value.record.conditions[0].onset == d("2020-05-06"));
    CHECK(r.value.record.conditions[0].sites == std::vector<area>{area::neck});
    CHECK(r.value.record.conditions[1].code == condition_code::open_wound);
    CHECK(r.value.record.conditions[1].sites.size() == 8);  // face
  }
  SECTION("an unmapped body site leaves the site unknown (every area) with a warning") {
    const auto r = reader().read(
        bundle(
            {condition_json(snomed("24079001"),
                            clinical("active") + R"(,"bodySite":[{"text":"left elbow crease"}])")}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK(r.value.record.conditions[0].sites.empty());
    CHECK(has_diagnostic(r.diagnostics, "fhir.unmapped_body_site"));
  }
  SECTION("a partial onset date is the latest day it can mean") {
    const auto r = reader().read(
        bundle({condition_json(snomed("24079001"),
                               clinical("active") + R"(,"onsetDateTime":"2019-02")")}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK(r.value.record.conditions[0].onset == d("2019-02-28"));
  }
  SECTION("severity") {
    const auto r =
        reader().read(bundle({condition_json(
                          snomed("88616000", "Acne vulgaris"),
                          clinical("active") + R"(,"severity":{"coding":[{"system":)"
                                               R"("http://snomed.info/sct","code":"6736007"}]})")}),
                      as_of("2026-12-01"));
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK(r.value.record.conditions[0].severity == condition_severity::moderate);
  }
  SECTION("a malformed onset is an error; the condition is kept without it") {
    const auto r = reader().read(
        bundle({condition_json(snomed("24079001"),
                               clinical("active") + R"(,"onsetDateTime":"yesterday")")}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK_FALSE(r.value.record.conditions[0].onset.has_value());
    const auto* e = find_diagnostic(r.diagnostics, "fhir.malformed_field");
    REQUIRE(e != nullptr);
    CHECK(e->path == "$.entry[1].resource.onsetDateTime");
  }
}

// --- pregnancy -----------------------------------------------------------------------------

TEST_CASE("fhir pregnancy: conditions and observations, with the stale window", "[fhir]") {
  const std::string pregnancy =
      condition_json(snomed("72892002", "Normal pregnancy"),
                     clinical("active") + R"(,"onsetDateTime":"2026-09-01")");
  SECTION("a recent active pregnancy is a fact") {
    const auto r = reader().read(bundle({pregnancy}), as_of("2026-12-01"));
    CHECK(r.value.record.patient.pregnant == known::yes);
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK(r.value.record.conditions[0].code == condition_code::pregnancy);
    CHECK(r.value.questions.empty());
  }
  SECTION("an active pregnancy that began over ~10 months ago is a question") {
    const auto r = reader().read(bundle({pregnancy}), as_of("2027-09-01"));
    CHECK(r.value.record.patient.pregnant == known::unknown);
    CHECK(r.value.record.conditions.empty());
    REQUIRE(r.value.questions.size() == 1);
    CHECK(r.value.questions[0].factor == question::pregnancy);
    CHECK(r.value.questions[0].ask.find("since 2026-09-01") != std::string::npos);
    CHECK(has_diagnostic(r.diagnostics, "fhir.stale_record"));
  }
  SECTION("the window is a policy setting") {
    policy p;
    p.stale_pregnancy_days = 400;
    const auto r = reader().read(bundle({pregnancy}), make_fhir_options(p, d("2027-09-01")));
    CHECK(r.value.record.patient.pregnant == known::yes);
  }
  const std::string not_pregnant = observation(
      "82810-3",
      R"("valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA26683-5"}]})",
      "2026-11-29");
  SECTION("a very recent 'not pregnant' observation answers the question") {
    const auto r = reader().read(bundle({not_pregnant}), as_of("2026-12-01"));
    CHECK(r.value.record.patient.pregnant == known::no);
  }
  SECTION("an older 'not pregnant' observation does not") {
    const auto r = reader().read(bundle({not_pregnant}), as_of("2027-03-01"));
    CHECK(r.value.record.patient.pregnant == known::unknown);
  }
  SECTION("the later record wins: not pregnant after an active pregnancy") {
    const auto r = reader().read(bundle({pregnancy, not_pregnant}), as_of("2026-12-01"));
    CHECK(r.value.record.patient.pregnant == known::no);
    CHECK(r.value.record.conditions.empty());
  }
}

// --- medications ---------------------------------------------------------------------------

TEST_CASE("fhir MedicationRequest: product codes, status and staleness", "[fhir][medication]") {
  SECTION("an RxNorm product code maps to its ingredient, with the route") {
    const auto r =
        reader().read(bundle({med_request("855332", "active", "2026-10-01")}), as_of("2026-12-01"));
    REQUIRE(r.value.record.medications.size() == 1);
    const medication& m = r.value.record.medications[0];
    CHECK(m.code == medication_code::warfarin);
    CHECK(m.route == route::oral);
    CHECK(m.start == d("2026-10-01"));
    CHECK_FALSE(m.stop.has_value());
    CHECK(m.source == "MedicationRequest/m1");
    const auto& maps = r.value.mappings;
    CHECK(std::any_of(maps.begin(), maps.end(), [](const fhir_mapping& x) {
      return x.word == "warfarin" && x.note.find("product") != std::string::npos;
    }));
  }
  SECTION("an active prescription last authored years ago is a question, not a fact") {
    const auto r =
        reader().read(bundle({med_request("855332", "active", "2015-09-16")}), as_of("2026-12-01"));
    CHECK(r.value.record.medications.empty());
    REQUIRE(r.value.questions.size() == 1);
    CHECK(r.value.questions[0].factor == question::anticoagulant);
    CHECK(r.value.questions[0].ask.find("2015-09-16") != std::string::npos);
    CHECK(has_diagnostic(r.diagnostics, "fhir.stale_record"));
  }
  SECTION("a stopped prescription without a stop date is not current and gives no item") {
    const auto r = reader().read(bundle({med_request("310965", "stopped", "2026-10-01")}),
                                 as_of("2026-12-01"));
    CHECK(r.value.record.medications.empty());
    CHECK(r.value.questions.empty());
  }
  SECTION("a later stop supersedes an earlier active record") {
    std::string stopped = med_request("855332", "stopped", "2026-11-01");
    stopped.replace(stopped.find("\"m1\""), 4, "\"m2\"");
    const auto r = reader().read(bundle({med_request("855332", "active", "2026-10-01"), stopped}),
                                 as_of("2026-12-01"));
    CHECK(r.value.record.medications.empty());
  }
  SECTION("stopped with a validity end: a historical item with a stop date") {
    const auto r = reader().read(
        bundle({med_request("855332", "completed", "2026-06-01",
                            R"("dispenseRequest":{"validityPeriod":{"start":"2026-06-01",)"
                            R"("end":"2026-09-01"}})")}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.medications.size() == 1);
    CHECK(r.value.record.medications[0].stop == d("2026-09-01"));
  }
  SECTION("on-hold is a question") {
    const auto r = reader().read(bundle({med_request("855332", "on-hold", "2026-11-01")}),
                                 as_of("2026-12-01"));
    CHECK(r.value.record.medications.empty());
    REQUIRE(r.value.questions.size() == 1);
  }
  SECTION("entered-in-error is ignored") {
    const auto r = reader().read(bundle({med_request("855332", "entered-in-error", "2026-11-01")}),
                                 as_of("2026-12-01"));
    CHECK(r.value.record.medications.empty());
    CHECK(r.value.questions.empty());
  }
  SECTION("a Medication in contained, by #id") {
    const std::string mr =
        R"({"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order",)"
        R"("authoredOn":"2026-11-01","contained":[{"resourceType":"Medication","id":"med1",)"
        R"("code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm",)"
        R"("code":"309362"}]}}],"medicationReference":{"reference":"#med1"}})";
    const auto r = reader().read(bundle({mr}), as_of("2026-12-01"));
    REQUIRE(r.value.record.medications.size() == 1);
    CHECK(r.value.record.medications[0].code == medication_code::clopidogrel);
  }
  SECTION("a Medication in the Bundle, by urn:uuid") {
    const std::string b =
        R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:med-9",)"
        R"("resource":{"resourceType":"Medication","code":{"coding":[{"system":)"
        R"("http://www.whocc.no/atc","code":"B01AF02"}]}}},{"resource":{"resourceType":)"
        R"("MedicationRequest","id":"m1","status":"active","intent":"order","authoredOn":)"
        R"("2026-11-01","medicationReference":{"reference":"urn:uuid:med-9"}}}]})";
    const auto r = reader().read(b, as_of("2026-12-01"));
    REQUIRE(r.value.record.medications.size() == 1);
    CHECK(r.value.record.medications[0].code == medication_code::apixaban);
  }
  SECTION("an ATC class code maps to its class word") {
    const std::string mr =
        R"({"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order",)"
        R"("authoredOn":"2026-11-01","medicationCodeableConcept":{"coding":[{"system":)"
        R"("http://www.whocc.no/atc","code":"M01AE14"}]}})";
    const auto r = reader().read(bundle({mr}), as_of("2026-12-01"));
    REQUIRE(r.value.record.medications.size() == 1);
    CHECK(r.value.record.medications[0].code == medication_code::nsaid);
  }
  SECTION("text only: a probable match by ingredient name; two names are ambiguous") {
    const std::string one =
        R"({"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order",)"
        R"("authoredOn":"2026-11-01","medicationCodeableConcept":{"text":"Warfarin 5mg tablets"}})";
    const auto r = reader().read(bundle({one}), as_of("2026-12-01"));
    REQUIRE(r.value.record.medications.size() == 1);
    CHECK(r.value.record.medications[0].code == medication_code::warfarin);
    CHECK(has_diagnostic(r.diagnostics, "fhir.name_match"));
    std::string two = one;
    two.replace(two.find("Warfarin 5mg tablets"), 20, "warfarin or apixaban");
    const auto r2 = reader().read(bundle({two}), as_of("2026-12-01"));
    CHECK(r2.value.record.medications.empty());
    CHECK(has_diagnostic(r2.diagnostics, "fhir.ambiguous_name"));
  }
  SECTION("an R5 medication CodeableReference is read with a warning") {
    const std::string mr =
        R"({"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order",)"
        R"("authoredOn":"2026-11-01","medication":{"concept":{"coding":[{"system":)"
        R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":"6064"}]}}})";
    const auto r = reader().read(bundle({mr}), as_of("2026-12-01"));
    REQUIRE(r.value.record.medications.size() == 1);
    CHECK(r.value.record.medications[0].code == medication_code::isotretinoin);
    CHECK(has_diagnostic(r.diagnostics, "fhir.r5_field"));
  }
}

TEST_CASE("fhir MedicationStatement", "[fhir][medication]") {
  const auto statement = [](std::string_view status, std::string_view effective) {
    return R"({"resourceType":"MedicationStatement","id":"s1","status":")" + std::string(status) +
           R"(",)" + std::string(effective) +
           R"(,"medicationCodeableConcept":{"coding":[{"system":)"
           R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":"6064"}]},)"
           R"("dosage":[{"route":{"coding":[{"system":"http://snomed.info/sct",)"
           R"("code":"26643006"}]}}]})";
  };
  SECTION("completed with a period: a historical item with start and stop") {
    const auto r =
        reader().read(bundle({statement("completed", R"("effectivePeriod":{"start":"2025-11-01",)"
                                                     R"("end":"2026-09-15"})")}),
                      as_of("2026-12-01"));
    REQUIRE(r.value.record.medications.size() == 1);
    const medication& m = r.value.record.medications[0];
    CHECK(m.code == medication_code::isotretinoin);
    CHECK(m.route == route::oral);
    CHECK(m.start == d("2025-11-01"));
    CHECK(m.stop == d("2026-09-15"));
  }
  SECTION("isotretinoin stopped on an unknown date is a question (the wash-out needs it)") {
    const auto r = reader().read(bundle({statement("stopped", R"("dateAsserted":"2026-10-01")")}),
                                 as_of("2026-12-01"));
    CHECK(r.value.record.medications.empty());
    REQUIRE(r.value.questions.size() == 1);
    CHECK(r.value.questions[0].factor == question::isotretinoin);
  }
  SECTION("not-taken is not a fact and not a denial") {
    const auto r =
        reader().read(bundle({statement("not-taken", R"("effectiveDateTime":"2026-11-01")")}),
                      as_of("2026-12-01"));
    CHECK(r.value.record.medications.empty());
    CHECK(r.value.record.negatives.empty());
  }
  SECTION("active") {
    const auto r = reader().read(
        bundle({statement("active", R"("effectiveDateTime":"2026-11-01")")}), as_of("2026-12-01"));
    REQUIRE(r.value.record.medications.size() == 1);
    CHECK_FALSE(r.value.record.medications[0].stop.has_value());
  }
}

// --- allergies -----------------------------------------------------------------------------

TEST_CASE("fhir AllergyIntolerance", "[fhir][allergy]") {
  const auto allergy_json = [](std::string_view code, std::string_view extra = {}) {
    return R"({"resourceType":"AllergyIntolerance","id":"a1","patient":{"reference":)"
           R"("urn:uuid:p1"},"code":)" +
           std::string(code) + (extra.empty() ? "" : ",") + std::string(extra) + "}";
  };
  SECTION("latex, severity from the worst reaction") {
    const auto r = reader().read(
        bundle({allergy_json(snomed("111088007", "Latex (substance)"),
                             R"("reaction":[{"severity":"mild","manifestation":[{"text":)"
                             R"("Wheal"}]},{"severity":"severe"}])")}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.allergies.size() == 1);
    CHECK(r.value.record.allergies[0].substance == allergy_substance::latex);
    CHECK(r.value.record.allergies[0].severity == allergy_severity::severe);
    CHECK(r.value.record.allergies[0].reaction == "Wheal");
    CHECK(r.value.record.allergies[0].source == "AllergyIntolerance/a1");
  }
  SECTION("anaphylaxis from the manifestation; criticality high without reactions is severe") {
    const auto r = reader().read(
        bundle({allergy_json(R"({"coding":[{"system":)"
                             R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":"6387"}]})",
                             R"("reaction":[{"manifestation":[{"coding":[{"system":)"
                             R"("http://snomed.info/sct","code":"39579001"}]}]}])")}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.allergies.size() == 1);
    CHECK(r.value.record.allergies[0].substance == allergy_substance::lidocaine);
    CHECK(r.value.record.allergies[0].severity == allergy_severity::anaphylaxis);
    const auto r2 =
        reader().read(bundle({allergy_json(snomed("111088007"), R"("criticality":"high")")}),
                      as_of("2026-12-01"));
    REQUIRE(r2.value.record.allergies.size() == 1);
    CHECK(r2.value.record.allergies[0].severity == allergy_severity::severe);
  }
  SECTION("a \"no known allergy\" code is an explicit denial") {
    const auto r = reader().read(bundle({allergy_json(snomed("716186003", "No known allergy"))}),
                                 as_of("2026-12-01"));
    CHECK(r.value.record.allergies.empty());
    CHECK(has_negative(r.value.record, question::anesthetic_allergy));
    CHECK(has_negative(r.value.record, allergy_class::latex));
    CHECK(has_negative(r.value.record, allergy_class::metal_in_steel));
  }
  SECTION("a refuted latex allergy denies latex; a refuted lidocaine allergy denies nothing") {
    const std::string refuted = R"("verificationStatus":{"coding":[{"code":"refuted"}]})";
    const auto r =
        reader().read(bundle({allergy_json(snomed("111088007"), refuted)}), as_of("2026-12-01"));
    CHECK(r.value.record.allergies.empty());
    CHECK(has_negative(r.value.record, allergy_class::latex));
    const auto r2 =
        reader().read(bundle({allergy_json(snomed("387480006"), refuted)}), as_of("2026-12-01"));
    CHECK(r2.value.record.allergies.empty());
    CHECK(r2.value.record.negatives.empty());
  }
  SECTION("an allergy to something not in the vocabulary is a warning") {
    const auto r = reader().read(bundle({allergy_json(snomed("91935009", "Allergy to peanuts"))}),
                                 as_of("2026-12-01"));
    CHECK(r.value.record.allergies.empty());
    CHECK(has_diagnostic(r.diagnostics, "fhir.unmapped_code", "91935009"));
  }
  SECTION("the substance may be named only in the reaction") {
    const auto r = reader().read(
        bundle({R"({"resourceType":"AllergyIntolerance","id":"a1","reaction":[{"substance":)" +
                snomed("111088007") + "}]}"}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.allergies.size() == 1);
    CHECK(r.value.record.allergies[0].substance == allergy_substance::latex);
  }
}

// --- observations --------------------------------------------------------------------------

TEST_CASE("fhir Observation labs: units, plausibility, dates", "[fhir][observation]") {
  SECTION("HbA1c in % and in mmol/mol") {
    const auto r = reader().read(
        bundle({observation("4548-4", R"("valueQuantity":{"value":7.4,"unit":"%",)"
                                      R"("system":"http://unitsofmeasure.org","code":"%"})"),
                observation("59261-8", R"("valueQuantity":{"value":57,"unit":"mmol/mol",)"
                                       R"("system":"http://unitsofmeasure.org",)"
                                       R"("code":"mmol/mol"})")}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.labs.size() == 2);
    CHECK(r.value.record.labs[0].code == lab_code::hba1c);
    CHECK(r.value.record.labs[0].value == Approx(7.4));
    CHECK(r.value.record.labs[0].date == d("2026-11-20"));
    CHECK(r.value.record.labs[1].value == Approx(0.09148 * 57 + 2.152));
  }
  SECTION("an implausible value is a warning and unknown, not an error") {
    const auto r = reader().read(
        bundle({observation("4548-4", R"("valueQuantity":{"value":2.39,"unit":"%","code":"%"})")}),
        as_of("2026-12-01"));
    CHECK(r.ok());
    CHECK(r.value.record.labs.empty());
    CHECK(has_diagnostic(r.diagnostics, "fhir.implausible_value", "2.39"));
  }
  SECTION("INR, platelets and CD4 in their units") {
    const auto r = reader().read(
        bundle({observation("6301-6", R"("valueQuantity":{"value":2.4,"unit":"{INR}",)"
                                      R"("code":"{INR}"})"),
                observation("777-3", R"("valueQuantity":{"value":250,"unit":"10*3/uL",)"
                                     R"("code":"10*3/uL"})"),
                observation("24467-3", R"("valueQuantity":{"value":0.35,"unit":"10*9/L",)"
                                       R"("code":"10*9/L"})")}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.labs.size() == 3);
    CHECK(r.value.record.labs[0].code == lab_code::inr);
    CHECK(r.value.record.labs[0].value == Approx(2.4));
    CHECK(r.value.record.labs[1].value == Approx(250));
    CHECK(r.value.record.labs[2].code == lab_code::cd4);
    CHECK(r.value.record.labs[2].value == Approx(350));
  }
  SECTION("comparator, unknown unit, no date, partial date, not final: not used, warned") {
    const auto r = reader().read(
        bundle(
            {observation("6301-6", R"("valueQuantity":{"value":8,"comparator":">"})"),
             observation("777-3", R"("valueQuantity":{"value":250,"unit":"furlongs"})"),
             R"({"resourceType":"Observation","id":"o9","status":"final","code":{"coding":[{)"
             R"("system":"http://loinc.org","code":"777-3"}]},"valueQuantity":{"value":250,)"
             R"("code":"10*3/uL"}})",
             observation("777-3", R"("valueQuantity":{"value":250,"code":"10*3/uL"})", "2026-11")}),
        as_of("2026-12-01"));
    CHECK(r.value.record.labs.empty());
    CHECK(has_diagnostic(r.diagnostics, "fhir.comparator"));
    CHECK(has_diagnostic(r.diagnostics, "fhir.unknown_unit"));
    CHECK(has_diagnostic(r.diagnostics, "fhir.missing_date"));
    CHECK(has_diagnostic(r.diagnostics, "fhir.partial_date"));
  }
  SECTION("entered-in-error and cancelled results are ignored") {
    std::string o = observation("777-3", R"("valueQuantity":{"value":25,"code":"10*3/uL"})");
    o.replace(o.find("\"final\""), 7, "\"entered-in-error\"");
    const auto r = reader().read(bundle({o}), as_of("2026-12-01"));
    CHECK(r.value.record.labs.empty());
  }
  SECTION("smoking status: the latest observation") {
    const auto smoking = [](std::string_view code, std::string_view date) {
      return observation("72166-2",
                         R"("valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct",)"
                         R"("code":")" +
                             std::string(code) + R"("}]})",
                         date);
    };
    const auto r = reader().read(
        bundle({smoking("449868002", "2026-06-01"), smoking("8517006", "2020-01-01")}),
        as_of("2026-12-01"));
    CHECK(r.value.record.patient.smoker == known::yes);
  }
}

// --- procedures and devices ----------------------------------------------------------------

TEST_CASE("fhir Procedure and Device", "[fhir][procedure]") {
  SECTION("a surgery with a date and the areas its code implies") {
    const auto r = reader().read(
        bundle({R"({"resourceType":"Procedure","id":"pr1","status":"completed","code":)" +
                snomed("11466000", "Cesarean section") +
                R"(,"performedPeriod":{"start":"2026-10-01T08:00:00Z",)"
                R"("end":"2026-10-01T10:00:00Z"}})"}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.procedures.size() == 1);
    CHECK(r.value.record.procedures[0].code == procedure_code::surgery);
    CHECK(r.value.record.procedures[0].date == d("2026-10-01"));
    CHECK(r.value.record.procedures[0].areas == std::vector<area>{area::abdomen});
  }
  SECTION("radiotherapy sessions become one radiation_therapy condition, latest date") {
    const auto session = [](std::string_view id, std::string_view day) {
      return R"({"resourceType":"Procedure","id":")" + std::string(id) +
             R"(","status":"completed","code":)" + snomed("703423002") +
             R"(,"performedDateTime":")" + std::string(day) + R"("})";
    };
    const auto r = reader().read(bundle({session("r1", "2026-03-01"), session("r2", "2026-05-01"),
                                         session("r3", "2026-04-01")}),
                                 as_of("2026-12-01"));
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK(r.value.record.conditions[0].code == condition_code::radiation_therapy);
    CHECK(r.value.record.conditions[0].onset == d("2026-05-01"));
    CHECK(r.value.record.conditions[0].source == "Procedure/r2");
  }
  SECTION("no date: not used, warned; not-done: ignored") {
    const auto r = reader().read(
        bundle({R"({"resourceType":"Procedure","id":"pr1","status":"completed","code":)" +
                    snomed("11466000") + "}",
                R"({"resourceType":"Procedure","id":"pr2","status":"not-done","code":)" +
                    snomed("11466000") + R"(,"performedDateTime":"2026-11-01"})"}),
        as_of("2026-12-01"));
    CHECK(r.value.record.procedures.empty());
    CHECK(has_diagnostic(r.diagnostics, "fhir.missing_date"));
  }
  SECTION("R5 occurrence[x] is read with a warning") {
    const auto r = reader().read(
        bundle({R"({"resourceType":"Procedure","id":"pr1","status":"completed","code":)" +
                snomed("11466000") + R"(,"occurrenceDateTime":"2026-11-01"})"}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.procedures.size() == 1);
    CHECK(has_diagnostic(r.diagnostics, "fhir.r5_field"));
  }
  SECTION("an implanted Device, directly and through a DeviceUseStatement") {
    const auto r = reader().read(
        bundle({R"({"resourceType":"Device","id":"d1","status":"active","patient":)"
                R"({"reference":"urn:uuid:p1"},"type":)" +
                    snomed("14106009", "Cardiac pacemaker") + "}",
                R"({"resourceType":"Device","id":"d2","type":)" + snomed("43252007") + "}",
                R"({"resourceType":"DeviceUseStatement","id":"u1","status":"active",)"
                R"("subject":{"reference":"urn:uuid:p1"},"device":{"reference":"Device/d2"}})"}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.devices.size() == 2);
    CHECK(r.value.record.devices[0].code == device_code::cochlear_implant);
    CHECK(r.value.record.devices[0].source == "DeviceUseStatement/u1");
    CHECK(r.value.record.devices[1].code == device_code::pacemaker);
    CHECK(r.value.record.devices[1].source == "Device/d1");
  }
  SECTION("a device that is not an implant is an unmapped warning") {
    const auto r =
        reader().read(bundle({R"({"resourceType":"Device","id":"d1","status":"active","type":)" +
                              snomed("337414009", "Blood glucose meter") + "}"}),
                      as_of("2026-12-01"));
    CHECK(r.value.record.devices.empty());
    CHECK(has_diagnostic(r.diagnostics, "fhir.unmapped_code", "337414009"));
  }
}

// --- patient -------------------------------------------------------------------------------

TEST_CASE("fhir Patient: demographics and death", "[fhir][patient]") {
  const auto r = reader().read(
      bundle({}, false).replace(bundle({}, false).find("[]"), 2,
                                R"([{"resource":{"resourceType":"Patient","id":"x","gender":)"
                                R"("male","birthDate":"1924-06-16","deceasedDateTime":)"
                                R"("1959-12-14T21:51:36+00:00"}}])"),
      as_of("2026-12-01"));
  CHECK(r.value.record.patient.id == "x");
  CHECK(r.value.record.patient.deceased == known::yes);
  CHECK(has_diagnostic(r.diagnostics, "fhir.deceased", "1959-12-14"));
  const auto partial = reader().read(R"({"resourceType":"Patient","id":"y","birthDate":"1990"})",
                                     as_of("2026-12-01"));
  CHECK_FALSE(partial.value.record.patient.birth_date.has_value());
  CHECK(has_diagnostic(partial.diagnostics, "fhir.partial_date"));
}
