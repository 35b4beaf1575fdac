// SPDX-License-Identifier: Apache-2.0
// RxNorm product codes (SCD, SBD, packs, from value-set expansions: rxnorm_products.csv) map to
// their ingredient word with the route of their dose form; hand-written bundles that carry only
// product codes screen as the ingredients would.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <string_view>

#include "fhir_test_support.hpp"
#include "mnscreen/fhir.hpp"
#include "mnscreen/mnscreen.hpp"

using namespace mnscreen;
using namespace mnscreen::test;

namespace {

std::string statement(std::string_view id, std::string_view rxcui, std::string_view display = {},
                      std::string_view start = "2026-10-01") {
  return R"({"resourceType":"MedicationStatement","id":")" + std::string(id) +
         R"(","status":"active","subject":{"reference":"urn:uuid:p1"},)"
         R"("effectivePeriod":{"start":")" +
         std::string(start) +
         R"("},"medicationCodeableConcept":{"coding":[{"system":)"
         R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":")" +
         std::string(rxcui) + R"(","display":")" + std::string(display) + R"("}]}})";
}

const fhir_reader& reader() {
  static const fhir_reader r;
  return r;
}

struct product_case {
  const char* rxcui;
  medication_code word;
  route via;
  const char* display;  // RxNorm's name, as the value set lists it
};

// One product per medication word that the value sets cover (docs/terminology.md, "Product
// coverage"); the expected ingredient and route are read off RxNorm's name by hand.
constexpr product_case k_products[] = {
    {"855288", medication_code::warfarin, route::oral, "warfarin sodium 1 MG Oral Tablet"},
    {"1364435", medication_code::apixaban, route::oral, "apixaban 2.5 MG Oral Tablet"},
    {"1114198", medication_code::rivaroxaban, route::oral, "rivaroxaban 10 MG Oral Tablet"},
    {"1599543", medication_code::edoxaban, route::oral, "edoxaban 15 MG Oral Tablet"},
    {"1037045", medication_code::dabigatran, route::oral,
     "dabigatran etexilate 150 MG Oral Capsule"},
    {"1361226", medication_code::heparin, route::injection,
     "heparin sodium, porcine 1000 UNT/ML Injectable Solution"},
    {"854228", medication_code::enoxaparin, route::injection,
     "0.3 ML enoxaparin sodium 100 MG/ML Prefilled Syringe"},
    {"978725", medication_code::dalteparin, route::injection,
     "0.2 ML dalteparin sodium 12500 UNT/ML Prefilled Syringe"},
    {"861356", medication_code::fondaparinux, route::injection,
     "0.8 ML fondaparinux sodium 12.5 MG/ML Prefilled Syringe"},
    {"1116635", medication_code::ticagrelor, route::oral, "ticagrelor 90 MG Oral Tablet"},
    {"197622", medication_code::dipyridamole, route::oral, "dipyridamole 50 MG Oral Tablet"},
    {"94125", medication_code::aspirin, route::oral,
     "Aspirin / Carisoprodol / Codeine Oral Tablet [Soma Compound with Codeine]"},
    {"153008", medication_code::ibuprofen, route::oral, "Ibuprofen 200 MG Oral Tablet [Advil]"},
    {"91796", medication_code::naproxen, route::oral, "Naproxen Oral Tablet [Anaprox]"},
    {"369164", medication_code::diclofenac, route::oral, "Diclofenac Oral Tablet [Cataflam]"},
    {"105999", medication_code::ketoprofen, route::topical, "Ketoprofen 0.025 MG/MG Topical Gel"},
    {"205322", medication_code::celecoxib, route::oral, "celecoxib 100 MG Oral Capsule"},
    {"197843", medication_code::isotretinoin, route::oral, "isotretinoin 10 MG Oral Capsule"},
    {"1651330", medication_code::tretinoin, route::topical,
     "Hydrocortisone / Tretinoin Topical Cream"},
    {"211765", medication_code::benzoyl_peroxide, route::topical,
     "Benzoyl Peroxide 50 MG/ML / Hydrocortisone 5 MG/ML Topical Lotion [Vanoxide-HC]"},
    {"106241", medication_code::salicylic_acid, route::topical,
     "Betamethasone 0.5 MG/ML / Salicylic Acid 30 MG/ML Topical Lotion"},
    {"283535", medication_code::doxycycline, route::oral, "doxycycline hyclate 20 MG Oral Tablet"},
    {"197984", medication_code::minocycline, route::oral, "minocycline 100 MG Oral Capsule"},
    {"198250", medication_code::tetracycline, route::oral,
     "tetracycline hydrochloride 250 MG Oral Capsule"},
    {"197518", medication_code::clindamycin, route::oral, "clindamycin 150 MG Oral Capsule"},
    {"197650", medication_code::erythromycin, route::oral, "erythromycin 500 MG Oral Tablet"},
    {"104230", medication_code::spironolactone, route::oral,
     "Spironolactone 1 MG/ML Oral Suspension"},
    {"105585", medication_code::methotrexate, route::oral, "methotrexate 2.5 MG Oral Tablet"},
    {"94035", medication_code::ciclosporin, route::oral, "Cyclosporine Oral Solution [Sandimmune]"},
    {"198377", medication_code::tacrolimus, route::oral, "Tacrolimus 1 MG Oral Capsule"},
    {"199058", medication_code::mycophenolate, route::oral,
     "mycophenolate mofetil 250 MG Oral Capsule"},
    {"197388", medication_code::azathioprine, route::oral, "azathioprine 50 MG Oral Tablet"},
    {"93720", medication_code::prednisolone, route::oral, "prednisolone Oral Solution [Pediapred]"},
    {"92354", medication_code::prednisone, route::oral, "Prednisone Oral Tablet [Deltasone]"},
    {"197582", medication_code::dexamethasone, route::oral, "Dexamethasone 4 MG Oral Tablet"},
    {"998421", medication_code::aciclovir, route::topical,
     "Acyclovir / Hydrocortisone Topical Cream"},
    {"197986", medication_code::minoxidil, route::oral, "minoxidil 10 MG Oral Tablet"},
};

// The issue-13 audit: products of the OMOP lists (PEDSnet azathioprine, mycophenolate and steroid
// lists) and a hand-checked prasugrel product of rxnorm.csv.
constexpr product_case k_audit_products[] = {
    {"105611", medication_code::azathioprine, route::oral,
     "Azathioprine 50 MG Oral Tablet [Imuran]"},
    {"616447", medication_code::mycophenolate, route::oral,
     "mycophenolate mofetil 250 MG Oral Capsule [Cellcept]"},
    {"311881", medication_code::mycophenolate, route::injection,
     "mycophenolate mofetil 500 MG Injection"},
    {"105412", medication_code::prednisone, route::oral,
     "Prednisone 5 MG Oral Tablet [Decortisyl]"},
    {"105407", medication_code::prednisolone, route::oral,
     "prednisolone 5 MG Oral Tablet [Prednesol]"},
    {"102859", medication_code::prednisolone, route::injection,
     "prednisolone 16 MG/ML Injectable Solution"},
    {"855812", medication_code::prasugrel, route::oral, "prasugrel 10 MG Oral Tablet"},
};

void check_product(const product_case& c) {
  INFO(c.rxcui << " " << c.display);
  // Read without the display: the code alone must carry the fact.
  const auto r = reader().read(bundle({statement("s1", c.rxcui)}), as_of("2026-12-01"));
  REQUIRE(r.value.record.medications.size() == 1);
  CHECK(r.value.record.medications[0].code == c.word);
  REQUIRE(r.value.record.medications[0].route.has_value());
  CHECK(*r.value.record.medications[0].route == c.via);
  CHECK_FALSE(has_diagnostic(r.diagnostics, "fhir.unmapped_code"));
  CHECK_FALSE(has_diagnostic(r.diagnostics, "fhir.name_match"));
}

}  // namespace

TEST_CASE("fhir products: each medication word's product maps to its ingredient and route",
          "[fhir][products]") {
  for (const auto& c : k_products) check_product(c);
}

TEST_CASE("fhir products: the audit's OMOP list products and prasugrel map by code alone",
          "[fhir][products]") {
  for (const auto& c : k_audit_products) check_product(c);
}

TEST_CASE("fhir products: a combination product maps to every vocabulary ingredient",
          "[fhir][products]") {
  const auto r = reader().read(bundle({statement("s1", "259081")}), as_of("2026-12-01"));
  REQUIRE(r.value.record.medications.size() == 2);
  const auto has = [&](medication_code m) {
    return std::any_of(r.value.record.medications.begin(), r.value.record.medications.end(),
                       [&](const medication& x) { return x.code == m; });
  };
  CHECK(has(medication_code::aspirin));
  CHECK(has(medication_code::dipyridamole));
}

TEST_CASE("fhir products: an allergy recorded with a product code names the substance",
          "[fhir][products]") {
  const auto r = reader().read(
      bundle({R"({"resourceType":"AllergyIntolerance","id":"a1","patient":{"reference":)"
              R"("urn:uuid:p1"},"verificationStatus":{"coding":[{"system":)"
              R"("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",)"
              R"("code":"confirmed"}]},"code":{"coding":[{"system":)"
              R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":"377717"}]}})"}),
      as_of("2026-12-01"));
  REQUIRE(r.value.record.allergies.size() == 1);
  CHECK(r.value.record.allergies[0].substance == allergy_substance::lidocaine);
}

TEST_CASE("fhir products: end-to-end screens of bundles with product codes only",
          "[fhir][products][screen]") {
  const screener s;
  procedure_plan plan = basic_plan();
  plan.date = d("2026-12-01");
  const auto options = make_fhir_options(s.active_policy(), plan.date);
  SECTION("a DOAC and an NSAID (Eliquis-type SCD, Advil SBD)") {
    const auto r =
        reader().read(bundle({statement("s1", "1364435"), statement("s2", "153008")}), options);
    REQUIRE(r.ok());
    const report rep = s.screen(r.value.record, plan);
    const flag* anticoagulant = find_flag(rep, "anticoagulant_therapy");
    REQUIRE(anticoagulant != nullptr);
    const flag* nsaid = find_flag(rep, "aspirin_or_nsaid");
    REQUIRE(nsaid != nullptr);
    CHECK(nsaid->effect == effect::proceed_with_caution);
    CHECK(rep.decision != decision::proceed);
  }
  SECTION("oral isotretinoin (SCD) defers") {
    const auto r = reader().read(bundle({statement("s1", "197843")}), options);
    REQUIRE(r.ok());
    const report rep = s.screen(r.value.record, plan);
    const flag* iso = find_flag(rep, "isotretinoin_recent");
    REQUIRE(iso != nullptr);
    CHECK(iso->effect == effect::defer);
    CHECK(rep.decision == decision::defer);
  }
  SECTION("tacrolimus and prednisone products: immunosuppressed and systemic steroids") {
    const auto r =
        reader().read(bundle({statement("s1", "198377"), statement("s2", "92354")}), options);
    REQUIRE(r.ok());
    const report rep = s.screen(r.value.record, plan);
    CHECK(find_flag(rep, "immunosuppressed") != nullptr);
    CHECK(find_flag(rep, "systemic_steroids") != nullptr);
  }
  SECTION("the same bundle without the product codes asks instead of flagging") {
    const auto r = reader().read(bundle({}), options);
    REQUIRE(r.ok());
    const report rep = s.screen(r.value.record, plan);
    CHECK(find_flag(rep, "anticoagulant_therapy") == nullptr);
    CHECK(find_flag(rep, "isotretinoin_recent") == nullptr);
  }
}

TEST_CASE("fhir products: allergy substances of US Core's allergy-substance set",
          "[fhir][products][allergy]") {
  struct substance_case {
    const char* system;
    const char* code;
    allergy_substance word;
  };
  constexpr substance_case k_cases[] = {
      {"http://www.nlm.nih.gov/research/umls/rxnorm", "1311629", allergy_substance::nickel},
      {"http://snomed.info/sct", "43921001", allergy_substance::nickel},
      {"http://www.nlm.nih.gov/research/umls/rxnorm", "1314891", allergy_substance::latex},
      {"http://www.nlm.nih.gov/research/umls/rxnorm", "8701", allergy_substance::procaine},
      {"http://www.nlm.nih.gov/research/umls/rxnorm", "107602", allergy_substance::lidocaine},
      {"http://www.nlm.nih.gov/research/umls/rxnorm", "797541",
       allergy_substance::isopropyl_alcohol},
      {"http://www.nlm.nih.gov/research/umls/rxnorm", "6227", allergy_substance::lanolin},
  };
  for (const auto& c : k_cases) {
    INFO(c.system << " " << c.code);
    const auto r = reader().read(
        bundle({R"({"resourceType":"AllergyIntolerance","id":"a1","patient":{"reference":)"
                R"("urn:uuid:p1"},"code":{"coding":[{"system":")" +
                std::string(c.system) + R"(","code":")" + c.code + R"("}]}})"}),
        as_of("2026-12-01"));
    REQUIRE(r.value.record.allergies.size() == 1);
    CHECK(r.value.record.allergies[0].substance == c.word);
  }
}
