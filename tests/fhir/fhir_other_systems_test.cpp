// SPDX-License-Identifier: Apache-2.0
// Facts that records carry in other code systems and resources (issue 13): prior procedures in
// CPT, HCPCS and SNOMED CT with their dates and areas, breastfeeding as a Condition or an
// Observation (coded or boolean), pregnancy as Observation values and more Conditions, devices
// in Device.type, "in situ" Conditions and implantation Procedures, body sites with laterality.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir_test_support.hpp"
#include "mnscreen/fhir.hpp"

using namespace mnscreen;
using namespace mnscreen::test;

namespace {

constexpr std::string_view k_cpt = "http://www.ama-assn.org/go/cpt";
constexpr std::string_view k_hcpcs = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
constexpr std::string_view k_sct = "http://snomed.info/sct";
constexpr std::string_view k_loinc = "http://loinc.org";

std::string coded(std::string_view system, std::string_view code, std::string_view display = {}) {
  return R"({"coding":[{"system":")" + std::string(system) + R"(","code":")" + std::string(code) +
         R"(","display":")" + std::string(display) + R"("}]})";
}

std::string procedure(std::string_view id, const std::string& code, std::string_view day,
                      std::string_view extra = {}) {
  return R"({"resourceType":"Procedure","id":")" + std::string(id) +
         R"(","status":"completed","subject":{"reference":"urn:uuid:p1"},"code":)" + code +
         R"(,"performedDateTime":")" + std::string(day) + R"(")" + (extra.empty() ? "" : ",") +
         std::string(extra) + "}";
}

std::string condition_resource(std::string_view id, const std::string& code,
                               std::string_view extra) {
  return R"({"resourceType":"Condition","id":")" + std::string(id) +
         R"(","subject":{"reference":"urn:uuid:p1"},"code":)" + code + "," + std::string(extra) +
         "}";
}

std::string clinical(std::string_view status) {
  return R"("clinicalStatus":{"coding":[{"system":)"
         R"("http://terminology.hl7.org/CodeSystem/condition-clinical","code":")" +
         std::string(status) + R"("}]})";
}

std::string status_observation(std::string_view id, const std::string& code, std::string_view value,
                               std::string_view day) {
  return R"({"resourceType":"Observation","id":")" + std::string(id) +
         R"(","status":"final","subject":{"reference":"urn:uuid:p1"},"code":)" + code +
         R"(,"effectiveDateTime":")" + std::string(day) + R"(",)" + std::string(value) + "}";
}

const fhir_reader& reader() {
  static const fhir_reader r;
  return r;
}

}  // namespace

TEST_CASE("fhir other systems: CPT and HCPCS procedures with dates and areas",
          "[fhir][procedure][cpt]") {
  SECTION("a facial epidermal peel: superficial, face, its date") {
    const auto r = reader().read(
        bundle({procedure("pr1", coded(k_cpt, "15788", "Chemical peel, facial; epidermal"),
                          "2026-11-20")}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.procedures.size() == 1);
    const auto& p = r.value.record.procedures[0];
    CHECK(p.code == procedure_code::chemical_peel);
    CHECK(p.date == d("2026-11-20"));
    CHECK(p.depth == peel_depth::superficial);
    CHECK(p.areas.size() == face_areas().to_vector().size());
    CHECK(p.source == "Procedure/pr1");
  }
  SECTION("a dermal peel leaves the depth unknown (the rules then use the deep wait)") {
    const auto r = reader().read(bundle({procedure("pr1", coded(k_cpt, "15793"), "2026-11-01")}),
                                 as_of("2026-12-01"));
    REQUIRE(r.value.record.procedures.size() == 1);
    CHECK_FALSE(r.value.record.procedures[0].depth.has_value());
    CHECK(r.value.record.procedures[0].areas == body_areas().to_vector());
  }
  SECTION("the Procedure's bodySite wins over the areas a code implies, laterality included") {
    const std::string site =
        R"("bodySite":[{"coding":[{"system":"http://snomed.info/sct","code":"14975008",)"
        R"("display":"Forearm"},{"system":"http://snomed.info/sct","code":"7771000",)"
        R"("display":"Left"}]}])";
    const auto r = reader().read(
        bundle({procedure("pr1", coded(k_cpt, "64642"), "2026-10-15", site)}), as_of("2026-12-01"));
    REQUIRE(r.value.record.procedures.size() == 1);
    CHECK(r.value.record.procedures[0].code == procedure_code::neuromodulator);
    CHECK(r.value.record.procedures[0].areas == std::vector<area>{area::arms});
    CHECK_FALSE(has_diagnostic(r.diagnostics, "fhir.unmapped_body_site"));
  }
  SECTION("a laterality alone does not place the site: unknown, warned") {
    const std::string site = R"("bodySite":[)" + coded(k_sct, "24028007", "Right") + "]";
    const auto r = reader().read(
        bundle({procedure("pr1", coded(k_cpt, "11950"), "2026-11-01", site)}), as_of("2026-12-01"));
    REQUIRE(r.value.record.procedures.size() == 1);
    CHECK(r.value.record.procedures[0].code == procedure_code::dermal_filler);
    CHECK(r.value.record.procedures[0].areas.empty());
    CHECK(has_diagnostic(r.diagnostics, "fhir.unmapped_body_site"));
  }
  SECTION("HCPCS botulinum toxin and filler supply codes; the OID spelling of CPT") {
    const auto r = reader().read(
        bundle({procedure("pr1", coded(k_hcpcs, "J0585"), "2026-11-10"),
                procedure("pr2", coded("http://www.nlm.nih.gov/research/umls/hcpcs", "Q2026"),
                          "2026-11-11"),
                procedure("pr3", coded("urn:oid:2.16.840.1.113883.6.12", "15780"), "2026-09-01")}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.procedures.size() == 3);
    CHECK(r.value.record.procedures[0].code == procedure_code::neuromodulator);
    CHECK(r.value.record.procedures[0].date == d("2026-11-10"));
    CHECK(r.value.record.procedures[1].code == procedure_code::dermal_filler);
    CHECK(r.value.record.procedures[2].code == procedure_code::dermabrasion);
    CHECK(r.value.record.procedures[2].areas.size() == face_areas().to_vector().size());
  }
  SECTION("a CPT code without a row is warned with system, code and display") {
    const auto r = reader().read(
        bundle({procedure("pr1", coded(k_cpt, "99213", "Office visit"), "2026-11-01")}),
        as_of("2026-12-01"));
    CHECK(r.value.record.procedures.empty());
    const auto* w = find_diagnostic(r.diagnostics, "fhir.unmapped_code");
    REQUIRE(w != nullptr);
    CHECK(w->message.find("CPT") != std::string::npos);
    CHECK(w->message.find("99213") != std::string::npos);
    CHECK(w->message.find("Office visit") != std::string::npos);
  }
  SECTION("a permanent pacemaker insertion in CPT is a device") {
    const auto r = reader().read(bundle({procedure("pr1", coded(k_cpt, "33208"), "2019-05-01")}),
                                 as_of("2026-12-01"));
    REQUIRE(r.value.record.devices.size() == 1);
    CHECK(r.value.record.devices[0].code == device_code::pacemaker);
  }
}

TEST_CASE("fhir other systems: SNOMED CT procedures with dates and areas",
          "[fhir][procedure][snomed]") {
  const std::string site = R"("bodySite":[)" + coded(k_sct, "89545001", "Face") + "]";
  const auto r = reader().read(
      bundle({procedure("pr1", coded(k_sct, "37236007", "Dermabrasion"), "2026-10-02", site),
              procedure("pr2", coded(k_sct, "445907001", "Laser procedure on skin"), "2026-11-05",
                        R"("bodySite":[)" + coded(k_sct, "40983000", "Upper arm") + "]")}),
      as_of("2026-12-01"));
  REQUIRE(r.value.record.procedures.size() == 2);
  CHECK(r.value.record.procedures[0].code == procedure_code::dermabrasion);
  CHECK(r.value.record.procedures[0].date == d("2026-10-02"));
  CHECK(r.value.record.procedures[0].areas.size() == face_areas().to_vector().size());
  // A laser of unstated type is read as ablative (the longer wait).
  CHECK(r.value.record.procedures[1].code == procedure_code::laser_ablative);
  CHECK(r.value.record.procedures[1].date == d("2026-11-05"));
  CHECK(r.value.record.procedures[1].areas == std::vector<area>{area::arms});
}

TEST_CASE("fhir other systems: breastfeeding from a Condition", "[fhir][breastfeeding]") {
  SECTION("an active, recent breastfeeding finding is yes") {
    const auto r = reader().read(
        bundle({condition_resource("c1", coded(k_sct, "1260078007", "Maternal breastfeeding"),
                                   clinical("active") + R"(,"onsetDateTime":"2026-10-01")")}),
        as_of("2026-12-01"));
    CHECK(r.value.record.patient.breastfeeding == known::yes);
    CHECK(r.value.record.conditions.empty());
  }
  SECTION("ICD-10-CM Z39.1 (lactating mother), undated and active: yes, the cautious reading") {
    const auto r = reader().read(
        bundle({condition_resource("c1", coded("http://hl7.org/fhir/sid/icd-10-cm", "Z39.1"),
                                   clinical("active"))}),
        as_of("2026-12-01"));
    CHECK(r.value.record.patient.breastfeeding == known::yes);
  }
  SECTION("a resolved breastfeeding Condition is not used: the question stays open") {
    const auto r = reader().read(
        bundle({condition_resource("c1", coded(k_sct, "866041003"),
                                   clinical("resolved") + R"(,"onsetDateTime":"2026-10-01")")}),
        as_of("2026-12-01"));
    CHECK(r.value.record.patient.breastfeeding == known::unknown);
  }
  SECTION("'does not perform breast-feeding' recently: no; when old: unknown") {
    const auto recent = reader().read(
        bundle({condition_resource("c1", coded(k_sct, "289083006"),
                                   clinical("active") + R"(,"recordedDate":"2026-11-01")")}),
        as_of("2026-12-01"));
    CHECK(recent.value.record.patient.breastfeeding == known::no);
    const auto old = reader().read(
        bundle({condition_resource("c1", coded(k_sct, "289083006"),
                                   clinical("active") + R"(,"recordedDate":"2020-11-01")")}),
        as_of("2026-12-01"));
    CHECK(old.value.record.patient.breastfeeding == known::unknown);
  }
}

TEST_CASE("fhir other systems: breastfeeding from an Observation", "[fhir][breastfeeding]") {
  SECTION("LOINC 63895-7 with a coded answer") {
    const auto r =
        reader().read(bundle({status_observation(
                          "o1", coded(k_loinc, "63895-7", "Breastfeeding status"),
                          R"("valueCodeableConcept":)" + coded(k_sct, "169745008"), "2026-11-20")}),
                      as_of("2026-12-01"));
    CHECK(r.value.record.patient.breastfeeding == known::yes);
  }
  SECTION("the ISiK profile: SNOMED CT 1260078007 with valueBoolean false") {
    const auto r =
        reader().read(bundle({status_observation("o1", coded(k_sct, "1260078007"),
                                                 R"("valueBoolean":false)", "2026-11-20")}),
                      as_of("2026-12-01"));
    CHECK(r.value.record.patient.breastfeeding == known::no);
  }
  SECTION("a value that does not answer the question is warned and not used") {
    const auto r =
        reader().read(bundle({status_observation(
                          "o1", coded(k_loinc, "63895-7"),
                          R"("valueCodeableConcept":)" + coded(k_sct, "8517006"), "2026-11-20")}),
                      as_of("2026-12-01"));
    CHECK(r.value.record.patient.breastfeeding == known::unknown);
    CHECK(has_diagnostic(r.diagnostics, "fhir.unexpected_value", "8517006"));
  }
}

TEST_CASE("fhir other systems: pregnancy as Observation values and more Conditions",
          "[fhir][pregnancy]") {
  SECTION("a pregnancy finding as the value of the pregnancy status observation") {
    const auto r =
        reader().read(bundle({status_observation(
                          "o1", coded(k_loinc, "82810-3"),
                          R"("valueCodeableConcept":)" + coded(k_sct, "65147003", "Twin pregnancy"),
                          "2026-11-20")}),
                      as_of("2026-12-01"));
    CHECK(r.value.record.patient.pregnant == known::yes);
  }
  SECTION("pregnancy status as a boolean") {
    const auto r =
        reader().read(bundle({status_observation("o1", coded(k_loinc, "82810-3"),
                                                 R"("valueBoolean":false)", "2026-11-29")}),
                      as_of("2026-12-01"));
    CHECK(r.value.record.patient.pregnant == known::no);
  }
  SECTION("Conditions of a current pregnancy in SNOMED CT and ICD-10-CM") {
    for (const auto& code : {coded(k_sct, "57630001", "First trimester pregnancy"),
                             coded("http://hl7.org/fhir/sid/icd-10-cm", "Z34.01"),
                             coded("http://hl7.org/fhir/sid/icd-10-cm", "Z3A.12"),
                             coded("http://hl7.org/fhir/sid/icd-10-cm", "O09.511")}) {
      INFO(code);
      const auto r =
          reader().read(bundle({condition_resource(
                            "c1", code, clinical("active") + R"(,"onsetDateTime":"2026-10-01")")}),
                        as_of("2026-12-01"));
      CHECK(r.value.record.patient.pregnant == known::yes);
    }
  }
}

TEST_CASE("fhir other systems: devices in Device.type, Conditions and Procedures",
          "[fhir][device]") {
  const auto r = reader().read(
      bundle({R"({"resourceType":"Device","id":"d1","patient":{"reference":"urn:uuid:p1"},)"
              R"("type":)" +
                  coded(k_sct, "25937001", "Neurostimulator") + "}",
              condition_resource("c1", coded(k_sct, "441769002", "Cardiac defibrillator in situ"),
                                 clinical("active")),
              condition_resource("c2", coded(k_sct, "441509002", "Cardiac pacemaker in situ"),
                                 clinical("resolved")),
              procedure("pr1", coded(k_sct, "307280005"), "2018-03-01")}),
      as_of("2026-12-01"));
  REQUIRE(r.value.record.devices.size() == 3);
  const auto device_from = [&](std::string_view source) -> const implanted_device* {
    for (const auto& dev : r.value.record.devices)
      if (dev.source == source) return &dev;
    return nullptr;
  };
  const auto* neuro = device_from("Device/d1");
  const auto* icd = device_from("Condition/c1");
  const auto* pacer = device_from("Procedure/pr1");
  REQUIRE(neuro != nullptr);
  REQUIRE(icd != nullptr);
  REQUIRE(pacer != nullptr);
  CHECK(neuro->code == device_code::neurostimulator);
  CHECK(icd->code == device_code::icd);
  // The resolved "pacemaker in situ" is not a device; the implantation Procedure is.
  CHECK(pacer->code == device_code::pacemaker);
  CHECK(device_from("Condition/c2") == nullptr);
}

TEST_CASE("fhir other systems: Device.type of an ICD and an insulin pump", "[fhir][device]") {
  const auto device = [](std::string_view id, std::string_view code, std::string_view display) {
    return R"({"resourceType":"Device","id":")" + std::string(id) +
           R"(","patient":{"reference":"urn:uuid:p1"},"type":)" + coded(k_sct, code, display) + "}";
  };
  // Read without the display too: the code alone must carry the fact.
  for (const bool with_display : {true, false}) {
    INFO("with display: " << with_display);
    const auto r = reader().read(
        bundle({device("d1", "72506001", with_display ? "Implantable defibrillator" : ""),
                device("d2", "69805005", with_display ? "Insulin pump" : "")}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.devices.size() == 2);
    const auto code_of = [&](std::string_view source) -> std::optional<device_code> {
      for (const auto& dev : r.value.record.devices)
        if (dev.source == source) return dev.code;
      return std::nullopt;
    };
    CHECK(code_of("Device/d1") == device_code::icd);
    CHECK(code_of("Device/d2") == device_code::insulin_pump);
    CHECK_FALSE(has_diagnostic(r.diagnostics, "fhir.unmapped_code"));
    CHECK_FALSE(has_diagnostic(r.diagnostics, "fhir.name_match"));
  }
}

TEST_CASE(
    "fhir other systems: body sites of the issue-13 audit (chin, eye region, infraclavicular)",
    "[fhir][condition][snomed]") {
  const auto at = [](std::string_view site) {
    const auto r =
        reader().read(bundle({condition_resource(
                          "c1", coded(k_sct, "24079001", "Atopic dermatitis"),
                          clinical("active") + R"(,"bodySite":[)" + coded(k_sct, site) + "]")}),
                      as_of("2026-12-01"));
    INFO("site " << site);
    REQUIRE(r.value.record.conditions.size() == 1);
    CHECK_FALSE(has_diagnostic(r.diagnostics, "fhir.unmapped_body_site"));
    return r.value.record.conditions[0].sites;
  };
  CHECK(at("23747009") == std::vector<area>{area::chin});  // Skin of chin
  // The eye region holds the periorbital skin and the eyelids: both.
  CHECK(at("362916000") == std::vector<area>{area::periorbital, area::eyelids});
  CHECK(at("371398005") == std::vector<area>{area::periorbital, area::eyelids});
  // The skin below the clavicles: the decolletage and the chest.
  CHECK(at("66288003") == std::vector<area>{area::decolletage, area::chest});
}
