// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/risk_model.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "model_test_support.hpp"
#include "test_support.hpp"

namespace mnscreen::test {
namespace {

std::vector<double> features_of(const intake& in, const procedure_plan& plan,
                                const policy& pol = {}) {
  return risk_feature_vector(in, plan, pol);
}

medication med(medication_code code, route r, const char* start,
               std::optional<const char*> stop = std::nullopt) {
  medication m;
  m.code = code;
  m.route = r;
  m.start = d(start);
  if (stop) m.stop = d(*stop);
  return m;
}

condition cond(condition_code code, condition_status status, std::vector<area> sites = {}) {
  condition c;
  c.code = code;
  c.status = status;
  c.sites = std::move(sites);
  return c;
}

allergy allergic_to(allergy_substance s) {
  allergy a;
  a.substance = s;
  return a;
}

}  // namespace

TEST_CASE("risk features: names are unique snake_case words with a description",
          "[model][features]") {
  const auto fs = risk_features();
  REQUIRE(fs.size() == risk_model::prior().coefficients().size() / complication_count - 1);
  std::set<std::string_view> seen;
  for (const auto& f : fs) {
    INFO(f.name);
    CHECK(seen.insert(f.name).second);
    CHECK(!f.description.empty());
    CHECK(std::all_of(f.name.begin(), f.name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }));
  }
}

TEST_CASE("risk features: a healthy patient with a 1 mm pen on the cheeks has only face_area",
          "[model][features]") {
  const auto x = features_of(healthy_intake(), basic_plan());
  REQUIRE(x.size() == risk_features().size());
  CHECK(nonzero_features(x) == std::vector<std::string>{"face_area"});
}

TEST_CASE("risk features: each modifier of the spec's table is read from the record",
          "[model][features]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();  // 2026-12-01, pen, 1.0 mm, cheeks

  SECTION("active dermatosis in the area, not elsewhere") {
    in.conditions.push_back(cond(condition_code::eczema, condition_status::active, {area::legs}));
    CHECK(feature_value(features_of(in, plan), "active_dermatosis_in_area") == 0.0);
    in.conditions.push_back(
        cond(condition_code::rosacea, condition_status::active, {area::cheeks}));
    CHECK(feature_value(features_of(in, plan), "active_dermatosis_in_area") == 1.0);
  }
  SECTION("topical retinoid still used") {
    in.medications.push_back(med(medication_code::tretinoin, route::topical, "2026-01-01"));
    CHECK(feature_value(features_of(in, plan), "retinoid_or_exfoliant_in_hold") == 1.0);
  }
  SECTION("depth over 1.5 mm: 1.5 is not over, 1.75 is") {
    plan.needle_depth = millimetres{1.5};
    CHECK(feature_value(features_of(in, plan), "depth_over_1_5mm") == 0.0);
    plan.needle_depth = millimetres{1.75};
    CHECK(feature_value(features_of(in, plan), "depth_over_1_5mm") == 1.0);
  }
  SECTION("anticoagulant classes are separate features") {
    in.medications.push_back(med(medication_code::warfarin, route::oral, "2025-01-01"));
    in.medications.push_back(med(medication_code::apixaban, route::oral, "2025-01-01"));
    in.medications.push_back(med(medication_code::enoxaparin, route::injection, "2026-11-20"));
    const auto x = features_of(in, plan);
    CHECK(feature_value(x, "anticoagulant_vka") == 1.0);
    CHECK(feature_value(x, "anticoagulant_doac") == 1.0);
    CHECK(feature_value(x, "anticoagulant_heparin") == 1.0);
  }
  SECTION("a stopped anticoagulant is not current") {
    in.medications.push_back(
        med(medication_code::warfarin, route::oral, "2025-01-01", "2026-11-30"));
    CHECK(feature_value(features_of(in, plan), "anticoagulant_vka") == 0.0);
  }
  SECTION("antiplatelet, aspirin/NSAID and supplements") {
    in.medications.push_back(med(medication_code::clopidogrel, route::oral, "2025-01-01"));
    in.medications.push_back(med(medication_code::ibuprofen, route::oral, "2026-11-28"));
    in.medications.push_back(med(medication_code::fish_oil, route::oral, "2025-01-01"));
    const auto x = features_of(in, plan);
    CHECK(feature_value(x, "antiplatelet") == 1.0);
    CHECK(feature_value(x, "aspirin_or_nsaid") == 1.0);
    CHECK(feature_value(x, "bleeding_supplement") == 1.0);
  }
  SECTION("age over 67: 67 on the plan date is not, 68 is") {
    in.patient.birth_date = d("1959-12-01");  // 67 on 2026-12-01
    auto x = features_of(in, plan);
    CHECK(feature_value(x, "age_over_67") == 0.0);
    CHECK(feature_value(x, "age_50_to_67") == 1.0);
    in.patient.birth_date = d("1958-11-30");  // 68
    x = features_of(in, plan);
    CHECK(feature_value(x, "age_over_67") == 1.0);
    CHECK(feature_value(x, "age_50_to_67") == 0.0);
  }
  SECTION("unknown birth date: no age feature") {
    in.patient.birth_date.reset();
    const auto x = features_of(in, plan);
    CHECK(feature_value(x, "age_over_67") == 0.0);
    CHECK(feature_value(x, "age_under_30") == 0.0);
    CHECK(feature_value(x, "age_50_to_67") == 0.0);
  }
  SECTION("PRP and non-sterile serum adjuncts") {
    plan.adjuncts = {adjunct::prp, adjunct::non_sterile_serum};
    const auto x = features_of(in, plan);
    CHECK(feature_value(x, "prp") == 1.0);
    CHECK(feature_value(x, "non_sterile_topical") == 1.0);
  }
  SECTION("immunosuppressant") {
    in.medications.push_back(med(medication_code::methotrexate, route::oral, "2025-01-01"));
    CHECK(feature_value(features_of(in, plan), "immunosuppression") == 1.0);
  }
  SECTION("diabetes: HbA1c above the limit, at/below it, or unknown") {
    in.conditions.push_back(cond(condition_code::diabetes_mellitus, condition_status::active));
    lab_result l;
    l.code = lab_code::hba1c;
    l.date = d("2026-11-01");
    l.value = 9.0;
    in.labs = {l};
    auto x = features_of(in, plan);
    CHECK(feature_value(x, "diabetes_uncontrolled") == 1.0);
    CHECK(feature_value(x, "diabetes_controlled") == 0.0);
    in.labs[0].value = 8.0;  // at the limit = controlled
    x = features_of(in, plan);
    CHECK(feature_value(x, "diabetes_uncontrolled") == 0.0);
    CHECK(feature_value(x, "diabetes_controlled") == 1.0);
    in.labs.clear();  // unknown control: the known diabetes counts as controlled
    x = features_of(in, plan);
    CHECK(feature_value(x, "diabetes_uncontrolled") == 0.0);
    CHECK(feature_value(x, "diabetes_controlled") == 1.0);
  }
  SECTION("home setting, reused needles (unknown is not reused)") {
    plan.setting = setting::home;
    plan.single_use_needles = known::unknown;
    auto x = features_of(in, plan);
    CHECK(feature_value(x, "home_setting") == 1.0);
    CHECK(feature_value(x, "reused_device") == 0.0);
    plan.single_use_needles = known::no;
    CHECK(feature_value(features_of(in, plan), "reused_device") == 1.0);
  }
  SECTION("smoker: yes counts, unknown does not") {
    in.patient.smoker = known::unknown;
    CHECK(feature_value(features_of(in, plan), "smoker") == 0.0);
    in.patient.smoker = known::yes;
    CHECK(feature_value(features_of(in, plan), "smoker") == 1.0);
  }
  SECTION("acne in the area") {
    in.conditions.push_back(
        cond(condition_code::acne_vulgaris, condition_status::active, {area::cheeks}));
    CHECK(feature_value(features_of(in, plan), "active_acne_in_area") == 1.0);
  }
  SECTION("Fitzpatrick types, RF and the linear type feature") {
    in.patient.fitzpatrick = 4;
    auto x = features_of(in, plan);
    CHECK(feature_value(x, "fitzpatrick_4") == 1.0);
    CHECK(feature_value(x, "fitzpatrick_5_6") == 0.0);
    CHECK(feature_value(x, "rf_with_fitzpatrick_4_6") == 0.0);
    CHECK(feature_value(x, "fitzpatrick_type_centred") == 2.0);
    plan.device = device_type::rf_microneedling;
    in.patient.fitzpatrick = 6;
    x = features_of(in, plan);
    CHECK(feature_value(x, "fitzpatrick_4") == 0.0);
    CHECK(feature_value(x, "fitzpatrick_5_6") == 1.0);
    CHECK(feature_value(x, "rf_with_fitzpatrick_4_6") == 1.0);
    CHECK(feature_value(x, "rf_device") == 1.0);
    in.patient.fitzpatrick.reset();
    x = features_of(in, plan);
    CHECK(feature_value(x, "fitzpatrick_5_6") == 0.0);
    CHECK(feature_value(x, "rf_with_fitzpatrick_4_6") == 0.0);
    CHECK(feature_value(x, "fitzpatrick_type_centred") == 0.0);
  }
  SECTION("roller, and roller deeper than 1.5 mm") {
    plan.device = device_type::derma_roller;
    auto x = features_of(in, plan);
    CHECK(feature_value(x, "roller") == 1.0);
    CHECK(feature_value(x, "roller_depth_over_1_5mm") == 0.0);
    plan.needle_depth = millimetres{2.0};
    x = features_of(in, plan);
    CHECK(feature_value(x, "roller_depth_over_1_5mm") == 1.0);
    CHECK(feature_value(x, "needle_depth_mm_centred") == Approx(1.0));
  }
  SECTION("recent tan") {
    prior_procedure t;
    t.code = procedure_code::tanning;
    t.date = d("2026-11-25");
    in.procedures.push_back(t);
    CHECK(feature_value(features_of(in, plan), "recent_tan") == 1.0);
  }
  SECTION("melasma in the area only") {
    in.conditions.push_back(
        cond(condition_code::melasma, condition_status::active, {area::forehead}));
    CHECK(feature_value(features_of(in, plan), "melasma") == 0.0);
    in.conditions.push_back(
        cond(condition_code::melasma, condition_status::active, {area::cheeks}));
    CHECK(feature_value(features_of(in, plan), "melasma") == 1.0);
  }
  SECTION("photosensitiser") {
    in.medications.push_back(med(medication_code::doxycycline, route::oral, "2026-10-01"));
    CHECK(feature_value(features_of(in, plan), "photosensitiser") == 1.0);
  }
  SECTION("keloid in the area, or elsewhere, never both") {
    in.conditions.push_back(cond(condition_code::keloid, condition_status::history, {area::chest}));
    auto x = features_of(in, plan);
    CHECK(feature_value(x, "keloid_history_elsewhere") == 1.0);
    CHECK(feature_value(x, "keloid_in_area") == 0.0);
    in.conditions.push_back(
        cond(condition_code::keloid, condition_status::history, {area::cheeks}));
    x = features_of(in, plan);
    CHECK(feature_value(x, "keloid_history_elsewhere") == 0.0);
    CHECK(feature_value(x, "keloid_in_area") == 1.0);
  }
  SECTION("isotretinoin inside the wash-out; 181 days after stopping is outside") {
    in.medications.push_back(
        med(medication_code::isotretinoin, route::oral, "2025-01-01", "2026-08-23"));
    CHECK(feature_value(features_of(in, plan), "isotretinoin_in_washout") == 1.0);
    in.medications[0].stop = d("2026-06-03");  // 181 days before 2026-12-01
    CHECK(feature_value(features_of(in, plan), "isotretinoin_in_washout") == 0.0);
  }
  SECTION("connective tissue disease") {
    in.conditions.push_back(
        cond(condition_code::autoimmune_connective_tissue, condition_status::active));
    CHECK(feature_value(features_of(in, plan), "connective_tissue_disease") == 1.0);
  }
  SECTION("nickel allergy with steel needles, not with titanium") {
    in.allergies.push_back(allergic_to(allergy_substance::nickel));
    CHECK(feature_value(features_of(in, plan), "nickel_allergy_steel_needles") == 1.0);
    plan.needle_material = needle_material::titanium;
    CHECK(feature_value(features_of(in, plan), "nickel_allergy_steel_needles") == 0.0);
  }
  SECTION("product allergy and an allergy to the planned anaesthetic") {
    in.allergies.push_back(allergic_to(allergy_substance::fragrance));
    in.allergies.push_back(allergic_to(allergy_substance::prilocaine));
    auto x = features_of(in, plan);
    CHECK(feature_value(x, "product_allergy") == 1.0);
    CHECK(feature_value(x, "anesthetic_allergy_in_plan") == 0.0);  // plan: no anaesthetic
    plan.anesthetic = anesthetic::lidocaine_prilocaine;
    CHECK(feature_value(features_of(in, plan), "anesthetic_allergy_in_plan") == 1.0);
  }
  SECTION("HSV history: face, perioral, and prophylaxis") {
    in.conditions.push_back(cond(condition_code::hsv_labialis, condition_status::history));
    auto x = features_of(in, plan);
    CHECK(feature_value(x, "hsv_history_face") == 1.0);
    CHECK(feature_value(x, "hsv_history_perioral") == 0.0);
    plan.areas.push_back(area::perioral);
    in.medications.push_back(med(medication_code::valaciclovir, route::oral, "2026-11-30"));
    x = features_of(in, plan);
    CHECK(feature_value(x, "hsv_history_perioral") == 1.0);
    CHECK(feature_value(x, "antiviral_prophylaxis") == 1.0);
    plan.areas = {area::back};
    x = features_of(in, plan);
    CHECK(feature_value(x, "face_area") == 0.0);
    CHECK(feature_value(x, "hsv_history_face") == 0.0);
    CHECK(feature_value(x, "body_area") == 1.0);
  }
  SECTION("fitting features: depth, age band, device, area class, steroids") {
    plan.needle_depth = millimetres{0.5};
    plan.device = device_type::stamp;
    plan.areas = {area::scalp};
    in.patient.birth_date = d("2000-01-01");
    in.medications.push_back(med(medication_code::prednisolone, route::oral, "2026-11-01"));
    const auto x = features_of(in, plan);
    CHECK(feature_value(x, "needle_depth_mm_centred") == Approx(-0.5));
    CHECK(feature_value(x, "age_under_30") == 1.0);
    CHECK(feature_value(x, "device_stamp_or_patch") == 1.0);
    CHECK(feature_value(x, "scalp_area") == 1.0);
    CHECK(feature_value(x, "face_area") == 0.0);
    CHECK(feature_value(x, "systemic_corticosteroid") == 1.0);
  }
}

TEST_CASE("risk features: docs/risk-model.md documents every feature", "[model][features]") {
  std::ifstream f(std::string(MNSCREEN_SOURCE_DIR) + "/docs/risk-model.md");
  REQUIRE(f.good());
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string doc = ss.str();
  for (const auto& feat : risk_features()) {
    INFO(feat.name);
    CHECK(doc.find("`" + std::string(feat.name) + "`") != std::string::npos);
  }
}

}  // namespace mnscreen::test
