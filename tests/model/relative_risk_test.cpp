// SPDX-License-Identifier: Apache-2.0
// Spec 2026.2 risk: the reference patient, relative risk, absolute and relative bands at each
// threshold, the worked examples of clinical-spec.md "Risk scores", the 2026.2 odds ratios.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "mnscreen/json.hpp"
#include "mnscreen/risk_model.hpp"
#include "mnscreen/screener.hpp"
#include "model_test_support.hpp"
#include "test_support.hpp"

namespace mnscreen::test {
namespace {

medication current(medication_code code) {
  medication m;
  m.code = code;
  m.route = route::oral;
  return m;
}

// A model with every coefficient 0 except those set: the "fitted model" path (a model file is
// read into exactly this constructor).
struct model_builder {
  std::vector<double> b = std::vector<double>(complication_count * (1 + risk_features().size()));
  model_builder& intercept(complication c, double p) {
    b[at(c) * (1 + risk_features().size())] = logit(p);
    return *this;
  }
  model_builder& weight(complication c, const char* feature, double w) {
    b[at(c) * (1 + risk_features().size()) + 1 + feature_index(feature)] = w;
    return *this;
  }
  risk_model build() const { return risk_model("fitted-test", b); }
};

std::vector<double> features_with(std::initializer_list<const char*> on) {
  std::vector<double> x(risk_features().size(), 0.0);
  for (const char* f : on) x[feature_index(f)] = 1.0;
  return x;
}

}  // namespace

TEST_CASE("relative risk: the prior's reference is the base-probability column",
          "[model][relative]") {
  const policy pol;
  const auto m = risk_model::prior();
  // Face plan (cheeks): HSV reference 0.01; the others their base probabilities.
  const auto face = m.reference_scores(risk_feature_vector(healthy_intake(), basic_plan(), pol));
  CHECK(face[at(complication::bleeding_bruising)] == Approx(0.03).epsilon(1e-12));
  CHECK(face[at(complication::infection)] == Approx(0.005).epsilon(1e-12));
  CHECK(face[at(complication::scarring)] == Approx(0.003).epsilon(1e-12));
  CHECK(face[at(complication::dyspigmentation)] == Approx(0.01).epsilon(1e-12));
  CHECK(face[at(complication::allergic_reaction)] == Approx(0.003).epsilon(1e-12));
  CHECK(face[at(complication::irritation)] == Approx(0.05).epsilon(1e-12));
  CHECK(face[at(complication::hsv_reactivation)] == Approx(0.01).epsilon(1e-12));
  // Body plan: HSV reference 0.002.
  procedure_plan body = basic_plan();
  body.areas = {area::abdomen};
  const auto b = m.reference_scores(risk_feature_vector(healthy_intake(), body, pol));
  CHECK(b[at(complication::hsv_reactivation)] == Approx(0.002).epsilon(1e-12));
  // Risk factors do not move the reference (warfarin, Fitzpatrick V, roller, 2.5 mm).
  intake in = healthy_intake();
  in.medications.push_back(current(medication_code::warfarin));
  in.patient.fitzpatrick = 5;
  procedure_plan roller = basic_plan();
  roller.device = device_type::roller;
  roller.needle_depth = millimetres{2.5};
  CHECK(m.reference_scores(risk_feature_vector(in, roller, pol)) == face);
  CHECK_THROWS_AS(m.reference_scores(std::vector<double>(2)), mnscreen::error);
}

TEST_CASE("relative risk: every healthy patient is low on every complication",
          "[model][relative]") {
  const policy pol;
  for (const area a : {area::cheeks, area::forehead, area::perioral, area::scalp, area::abdomen,
                       area::back, area::neck}) {
    procedure_plan plan = basic_plan();
    plan.areas = {a};
    const auto r = risk_model::prior().score(risk_feature_vector(healthy_intake(), plan, pol), pol);
    for (const auto& s : r) {
      INFO(to_string(a) << " " << to_string(s.complication));
      CHECK(s.band == risk_band::low);
      CHECK(s.relative == Approx(1.0).epsilon(1e-12));
      CHECK(s.reference == Approx(s.score).epsilon(1e-12));
    }
  }
}

TEST_CASE("relative risk: the spec's worked examples", "[model][relative]") {
  const policy pol;
  const auto m = risk_model::prior();
  procedure_plan plan = basic_plan();
  intake in = healthy_intake();  // aged 46: no age term
  SECTION("warfarin: bleeding 0.085 (2.8x) moderate") {
    in.medications.push_back(current(medication_code::warfarin));
    const risk_score s =
        m.score(risk_feature_vector(in, plan, pol), pol)[at(complication::bleeding_bruising)];
    CHECK(s.score == Approx(from_odds(0.03, 3.0)).epsilon(1e-12));
    CHECK(s.score == Approx(0.085).margin(0.0005));
    CHECK(s.reference == Approx(0.03).epsilon(1e-12));
    CHECK(s.relative == Approx(2.8).margin(0.05));
    CHECK(s.band == risk_band::moderate);
  }
  SECTION("DOAC: bleeding 0.134 (4.5x) moderate") {
    in.medications.push_back(current(medication_code::apixaban));
    const risk_score s =
        m.score(risk_feature_vector(in, plan, pol), pol)[at(complication::bleeding_bruising)];
    CHECK(s.score == Approx(0.134).margin(0.0005));
    CHECK(s.relative == Approx(4.5).margin(0.05));
    CHECK(s.band == risk_band::moderate);
  }
  SECTION("reused needles: infection 0.048 (9.6x) high, though below the absolute moderate") {
    plan.single_use_needles = known::no;
    const auto scores = m.score(risk_feature_vector(in, plan, pol), pol);
    const auto& s = scores[at(complication::infection)];
    CHECK(s.score == Approx(0.048).margin(0.0005));
    CHECK(s.score < pol.risk_band_moderate);
    CHECK(s.relative == Approx(9.6).margin(0.05));
    CHECK(s.band == risk_band::high);
  }
  SECTION("Fitzpatrick V with a roller: dyspigmentation high") {
    in.patient.fitzpatrick = 5;
    plan.device = device_type::roller;
    const risk_score s =
        m.score(risk_feature_vector(in, plan, pol), pol)[at(complication::dyspigmentation)];
    CHECK(s.score == Approx(from_odds(0.01, 8.0 * 1.5)).epsilon(1e-12));
    CHECK(s.relative > 5.0);
    CHECK(s.band == risk_band::high);
  }
  SECTION("the relative thresholds are policy settings") {
    in.medications.push_back(current(medication_code::warfarin));
    policy p;
    p.risk_relative_moderate = 3.0;  // 2.8x is now below the relative moderate band
    CHECK(m.score(risk_feature_vector(in, plan, p), p)[at(complication::bleeding_bruising)].band ==
          risk_band::low);
    p.risk_relative_moderate = 1.5;
    p.risk_relative_high = 2.5;
    CHECK(m.score(risk_feature_vector(in, plan, p), p)[at(complication::bleeding_bruising)].band ==
          risk_band::high);
  }
}

TEST_CASE("relative risk: the 2026.2 odds ratios", "[model][relative][prior]") {
  const policy pol;
  const auto m = risk_model::prior();
  const auto w = [&](complication c, const char* f) { return m.weight(c, feature_index(f)); };
  CHECK(w(complication::infection, "systemic_corticosteroid") == Approx(std::log(2.0)));
  CHECK(w(complication::scarring, "systemic_corticosteroid") == Approx(std::log(1.3)));
  CHECK(w(complication::bleeding_bruising, "anticoagulant_heparin") == Approx(std::log(3.0)));
  CHECK(w(complication::bleeding_bruising, "systemic_corticosteroid") == 0.0);

  intake in = healthy_intake();
  in.medications.push_back(current(medication_code::prednisone));
  const auto r = m.score(risk_feature_vector(in, basic_plan(), pol), pol);
  CHECK(r[at(complication::infection)].score == Approx(from_odds(0.005, 2.0)).epsilon(1e-12));
  CHECK(r[at(complication::infection)].relative == Approx(from_odds(0.005, 2.0) / 0.005));
  CHECK(r[at(complication::infection)].band == risk_band::low);  // 1.99x: just below 2x
  CHECK(r[at(complication::scarring)].score == Approx(from_odds(0.003, 1.3)).epsilon(1e-12));
  REQUIRE(r[at(complication::scarring)].drivers.size() == 1);
  CHECK(r[at(complication::scarring)].drivers[0].factor == "systemic_corticosteroid");

  intake h = healthy_intake();
  medication heparin = current(medication_code::enoxaparin);
  heparin.route = route::injection;
  h.medications.push_back(heparin);
  const risk_score b =
      m.score(risk_feature_vector(h, basic_plan(), pol), pol)[at(complication::bleeding_bruising)];
  CHECK(b.score == Approx(from_odds(0.03, 3.0)).epsilon(1e-12));
  CHECK(b.band == risk_band::moderate);
}

TEST_CASE("relative risk: bands at each threshold, just below and at", "[model][relative][band]") {
  const policy pol;  // 0.10 / 0.20 absolute, 2x / 5x relative
  const auto band_at = [&](double p) {
    // Reference = score: only the absolute band can move.
    const auto m = model_builder{}.intercept(complication::infection, p).build();
    const auto s = m.score(features_with({}), pol)[at(complication::infection)];
    CHECK(s.relative == Approx(1.0).epsilon(1e-12));
    return s.band;
  };
  CHECK(band_at(0.0999) == risk_band::low);
  CHECK(band_at(0.10) == risk_band::moderate);
  CHECK(band_at(0.1999) == risk_band::moderate);
  CHECK(band_at(0.20) == risk_band::high);
  CHECK(band_at(0.90) == risk_band::high);

  const auto relative_band = [&](double ratio) {
    // Reference 0.01; the smoker feature (not an area-group term) raises the score to
    // ratio x 0.01, far below the absolute bands.
    const double target = 0.01 * ratio;
    const auto m = model_builder{}
                       .intercept(complication::infection, 0.01)
                       .weight(complication::infection, "smoker", logit(target) - logit(0.01))
                       .build();
    const auto s = m.score(features_with({"smoker"}), pol)[at(complication::infection)];
    CHECK(s.reference == Approx(0.01).epsilon(1e-12));
    CHECK(s.relative == Approx(ratio).epsilon(1e-9));
    CHECK(s.score < pol.risk_band_moderate);
    return s.band;
  };
  CHECK(relative_band(1.0) == risk_band::low);
  CHECK(relative_band(1.99) == risk_band::low);
  CHECK(relative_band(2.0) == risk_band::moderate);
  CHECK(relative_band(4.99) == risk_band::moderate);
  CHECK(relative_band(5.0) == risk_band::high);

  SECTION("the more serious of the two") {
    // Absolute moderate (0.15), relative 1.2x low -> moderate.
    const auto m1 = model_builder{}
                        .intercept(complication::scarring, 0.125)
                        .weight(complication::scarring, "smoker", logit(0.15) - logit(0.125))
                        .build();
    CHECK(m1.score(features_with({"smoker"}), pol)[at(complication::scarring)].band ==
          risk_band::moderate);
    // Absolute moderate (0.12), relative 6x high -> high.
    const auto m2 = model_builder{}
                        .intercept(complication::scarring, 0.02)
                        .weight(complication::scarring, "smoker", logit(0.12) - logit(0.02))
                        .build();
    CHECK(m2.score(features_with({"smoker"}), pol)[at(complication::scarring)].band ==
          risk_band::high);
  }
}

TEST_CASE("relative risk: a fitted model computes its own reference", "[model][relative]") {
  const policy pol;
  // Area-group terms are kept in the reference; every other feature is off.
  const auto m = model_builder{}
                     .intercept(complication::irritation, 0.04)
                     .weight(complication::irritation, "face_area", std::log(2.0))
                     .weight(complication::irritation, "scalp_area", std::log(3.0))
                     .weight(complication::irritation, "body_area", std::log(1.5))
                     .weight(complication::irritation, "needle_depth_mm_centred", 1.0)
                     .weight(complication::irritation, "fitzpatrick_type_centred", 0.5)
                     .weight(complication::irritation, "device_stamp_or_patch", 1.0)
                     .weight(complication::irritation, "age_under_30", 1.0)
                     .build();
  const double face_ref = from_odds(0.04, 2.0);
  auto x = features_with({"face_area", "device_stamp_or_patch", "age_under_30"});
  x[feature_index("needle_depth_mm_centred")] = 0.5;
  x[feature_index("fitzpatrick_type_centred")] = 2.0;
  const auto s = m.score(x, pol)[at(complication::irritation)];
  CHECK(s.reference == Approx(face_ref).epsilon(1e-12));
  CHECK(s.score == Approx(sigmoid(logit(0.04) + std::log(2.0) + 0.5 + 1.0 + 1.0 + 1.0)));
  CHECK(s.relative == Approx(s.score / face_ref).epsilon(1e-12));
  const auto both = m.score(features_with({"scalp_area", "body_area"}), pol);
  CHECK(both[at(complication::irritation)].reference ==
        Approx(from_odds(0.04, 3.0 * 1.5)).epsilon(1e-12));
  CHECK(both[at(complication::irritation)].relative == Approx(1.0).epsilon(1e-12));
  // An underflowing reference still gives a finite relative risk.
  const auto tiny =
      model_builder{}.weight(complication::allergic_reaction, "smoker", 900.0).build();
  std::vector<double> b(tiny.coefficients().begin(), tiny.coefficients().end());
  b[at(complication::allergic_reaction) * (1 + risk_features().size())] = -800.0;
  const auto extreme = risk_model("extreme", b).score(features_with({"smoker"}), pol);
  CHECK(extreme[at(complication::allergic_reaction)].reference == 0.0);
  CHECK(std::isfinite(extreme[at(complication::allergic_reaction)].relative));
  CHECK(extreme[at(complication::allergic_reaction)].band == risk_band::high);
}

TEST_CASE("relative risk: screen and screen_many report reference and relative",
          "[model][relative]") {
  const screener s;
  intake in = healthy_intake();
  in.medications.push_back(current(medication_code::warfarin));
  const report one = s.screen(in, basic_plan());
  const std::vector<intake> intakes{in, healthy_intake()};
  const std::vector<procedure_plan> plans{basic_plan()};
  const auto many = s.screen_many(intakes, plans);
  REQUIRE(many.size() == 2);
  CHECK(many[0] == one);
  const auto& b = one.risks[at(complication::bleeding_bruising)];
  CHECK(b.reference == Approx(0.03).epsilon(1e-12));
  CHECK(b.relative == Approx(from_odds(0.03, 3.0) / 0.03).epsilon(1e-12));
  CHECK(one.model == "prior-2026.2 (not validated on outcomes)");
  CHECK(one.knowledge_version == "2026.2");
}

TEST_CASE("relative risk: policy settings risk_relative_*", "[model][relative][policy]") {
  policy p;
  CHECK(p.risk_band_moderate == 0.10);
  CHECK(p.risk_band_high == 0.20);
  CHECK(p.risk_relative_moderate == 2.0);
  CHECK(p.risk_relative_high == 5.0);
  CHECK(validate(p).empty());
  CHECK_FALSE(set_setting(p, "risk_relative_moderate", 3.0).has_value());
  CHECK(p.risk_relative_moderate == 3.0);
  CHECK(set_setting(p, "risk_relative_high", 0.5).has_value());  // below 1x
  CHECK(p.risk_relative_high == 5.0);
  p.risk_relative_moderate = 6.0;
  const auto d = validate(p);
  REQUIRE(d.size() == 1);
  CHECK(d[0].path == "$.risk_relative_moderate");
  const auto parsed = parse_policy(
      R"({"schema":"mnscreen.policy/1","name":"relative","risk_relative_moderate":1.5,)"
      R"("risk_relative_high":3})");
  CHECK(parsed.diagnostics.empty());
  CHECK(parsed.value.risk_relative_moderate == 1.5);
  CHECK(parsed.value.risk_relative_high == 3.0);
}

}  // namespace mnscreen::test
