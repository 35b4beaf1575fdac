// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/risk_model.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "model_test_support.hpp"
#include "test_support.hpp"

namespace mnscreen::test {

TEST_CASE("risk model: prior intercepts are the logits of the spec's base probabilities",
          "[model][prior]") {
  const auto m = risk_model::prior();
  CHECK(m.label() == "prior-2026.2 (not validated on outcomes)");
  CHECK(m.intercept(complication::irritation) == Approx(logit(0.05)));
  CHECK(m.intercept(complication::bleeding_bruising) == Approx(logit(0.03)));
  CHECK(m.intercept(complication::infection) == Approx(logit(0.005)));
  CHECK(m.intercept(complication::dyspigmentation) == Approx(logit(0.01)));
  CHECK(m.intercept(complication::scarring) == Approx(logit(0.003)));
  CHECK(m.intercept(complication::allergic_reaction) == Approx(logit(0.003)));
  CHECK(m.intercept(complication::hsv_reactivation) == Approx(logit(0.002)));
}

TEST_CASE("risk model: prior weights are the logs of the spec's odds ratios", "[model][prior]") {
  const auto m = risk_model::prior();
  const auto w = [&](complication c, const char* f) { return m.weight(c, feature_index(f)); };
  CHECK(w(complication::irritation, "active_dermatosis_in_area") == Approx(std::log(3.0)));
  CHECK(w(complication::bleeding_bruising, "anticoagulant_doac") == Approx(std::log(5.0)));
  CHECK(w(complication::bleeding_bruising, "antiplatelet") == Approx(std::log(1.7)));
  CHECK(w(complication::bleeding_bruising, "anticoagulant_heparin") == Approx(std::log(3.0)));
  CHECK(w(complication::infection, "reused_device") == Approx(std::log(10.0)));
  CHECK(w(complication::infection, "smoker") == Approx(std::log(1.3)));
  CHECK(w(complication::scarring, "smoker") == Approx(std::log(1.5)));
  CHECK(w(complication::scarring, "keloid_in_area") == Approx(std::log(10.0)));
  CHECK(w(complication::dyspigmentation, "fitzpatrick_5_6") == Approx(std::log(8.0)));
  CHECK(w(complication::allergic_reaction, "non_sterile_topical") == Approx(std::log(10.0)));
  CHECK(w(complication::hsv_reactivation, "antiviral_prophylaxis") == Approx(std::log(0.1)));
  CHECK(w(complication::hsv_reactivation, "immunosuppression") == Approx(std::log(2.0)));
  // Face vs body/scalp base: 0.01 vs 0.002 as an odds ratio.
  CHECK(w(complication::hsv_reactivation, "face_area") ==
        Approx(std::log((0.01 / 0.99) / (0.002 / 0.998))));
  // A feature with no figure for a complication has weight 0; out of range reads 0.
  CHECK(w(complication::irritation, "anticoagulant_vka") == 0.0);
  CHECK(w(complication::infection, "needle_depth_mm_centred") == 0.0);
  CHECK(m.weight(complication::infection, risk_features().size()) == 0.0);
}

TEST_CASE("risk model: the reference patient scores the base probabilities", "[model][score]") {
  const policy pol;
  const auto x = risk_feature_vector(healthy_intake(), basic_plan(), pol);
  const auto r = risk_model::prior().score(x, pol);
  REQUIRE(r.size() == complication_count);
  for (std::size_t k = 0; k < complication_count; ++k)
    CHECK(r[k].complication == static_cast<complication>(k));
  CHECK(r[at(complication::bleeding_bruising)].score == Approx(0.03).epsilon(1e-12));
  CHECK(r[at(complication::infection)].score == Approx(0.005).epsilon(1e-12));
  CHECK(r[at(complication::scarring)].score == Approx(0.003).epsilon(1e-12));
  CHECK(r[at(complication::dyspigmentation)].score == Approx(0.01).epsilon(1e-12));
  CHECK(r[at(complication::allergic_reaction)].score == Approx(0.003).epsilon(1e-12));
  CHECK(r[at(complication::irritation)].score == Approx(0.05).epsilon(1e-12));
  // Cheeks are a face area: 0.01, not the body/scalp 0.002.
  CHECK(r[at(complication::hsv_reactivation)].score == Approx(0.01).epsilon(1e-12));
  // Spec 2026.2: the reference patient is low everywhere (2026.1 gave irritation 0.05 =
  // the old moderate threshold, so moderate).
  CHECK(r[at(complication::irritation)].band == risk_band::low);
  CHECK(r[at(complication::irritation)].relative == Approx(1.0).epsilon(1e-12));
  CHECK(r[at(complication::bleeding_bruising)].band == risk_band::low);
  // Only face_area contributes, and only to HSV.
  CHECK(r[at(complication::bleeding_bruising)].drivers.empty());
  REQUIRE(r[at(complication::hsv_reactivation)].drivers.size() == 1);
  CHECK(r[at(complication::hsv_reactivation)].drivers[0].factor == "face_area");
}

TEST_CASE("risk model: hand-worked scores, bands and drivers", "[model][score]") {
  const policy pol;
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();

  SECTION("warfarin at 70: bleeding odds x3 x2") {
    in.patient.birth_date = d("1956-05-01");
    medication m;
    m.code = medication_code::warfarin;
    m.route = route::oral;
    in.medications.push_back(m);
    const auto r = risk_model::prior().score(risk_feature_vector(in, plan, pol), pol);
    const auto& b = r[at(complication::bleeding_bruising)];
    // odds 0.03/0.97 * 6 = 0.185567; p = 0.156522
    CHECK(b.score == Approx(from_odds(0.03, 6.0)).epsilon(1e-12));
    CHECK(b.score == Approx(0.156522).margin(1e-6));
    // Absolute moderate, relative 5.2x the reference 0.03: high (spec 2026.2).
    CHECK(b.relative == Approx(0.156522 / 0.03).epsilon(1e-5));
    CHECK(b.band == risk_band::high);
    REQUIRE(b.drivers.size() == 2);
    CHECK(b.drivers[0].factor == "anticoagulant_vka");
    CHECK(b.drivers[0].weight == Approx(std::log(3.0)));
    CHECK(b.drivers[1].factor == "age_over_67");
    CHECK(b.drivers[1].weight == Approx(std::log(2.0)));
  }
  SECTION("reused needles at home with a non-sterile serum: infection is high") {
    plan.setting = setting::home;
    plan.single_use_needles = known::no;
    plan.adjuncts = {adjunct::non_sterile_serum};
    const auto r = risk_model::prior().score(risk_feature_vector(in, plan, pol), pol);
    const auto& inf = r[at(complication::infection)];
    // odds 0.005/0.995 * 10 * 3 * 2 = 0.301508; p = 0.231660
    CHECK(inf.score == Approx(from_odds(0.005, 60.0)).epsilon(1e-12));
    CHECK(inf.band == risk_band::high);
    REQUIRE(inf.drivers.size() == 3);
    CHECK(inf.drivers[0].factor == "reused_device");
    CHECK(inf.drivers[1].factor == "home_setting");
    CHECK(inf.drivers[2].factor == "non_sterile_topical");
    const auto& allergic = r[at(complication::allergic_reaction)];
    CHECK(allergic.score == Approx(from_odds(0.003, 10.0)).epsilon(1e-12));
  }
  SECTION("HSV history, perioral, with prophylaxis: protective factors are not drivers") {
    condition c;
    c.code = condition_code::hsv_labialis;
    c.status = condition_status::history;
    in.conditions.push_back(c);
    plan.areas = {area::perioral};
    medication m;
    m.code = medication_code::valaciclovir;
    m.route = route::oral;
    in.medications.push_back(m);
    const auto r = risk_model::prior().score(risk_feature_vector(in, plan, pol), pol);
    const auto& h = r[at(complication::hsv_reactivation)];
    // 0.01 face odds x 6 x 1.5 x 0.1
    CHECK(h.score == Approx(from_odds(0.01, 6.0 * 1.5 * 0.1)).epsilon(1e-12));
    REQUIRE(h.drivers.size() == 3);
    CHECK(h.drivers[0].factor == "hsv_history_face");
    CHECK(h.drivers[1].factor == "face_area");
    CHECK(h.drivers[2].factor == "hsv_history_perioral");
  }
  SECTION("policy thresholds decide the band") {
    policy strict;
    strict.risk_band_moderate = 0.01;
    strict.risk_band_high = 0.025;
    strict.risk_relative_moderate = 100.0;  // the absolute bands alone
    strict.risk_relative_high = 200.0;
    const auto r = risk_model::prior().score(risk_feature_vector(in, plan, strict), strict);
    CHECK(r[at(complication::bleeding_bruising)].band == risk_band::high);
    CHECK(r[at(complication::dyspigmentation)].band == risk_band::moderate);
    CHECK(r[at(complication::scarring)].band == risk_band::low);
  }
}

TEST_CASE("risk model: bad sizes and values are rejected", "[model][score]") {
  const auto m = risk_model::prior();
  const policy pol;
  CHECK_THROWS_AS(m.score(std::vector<double>(3), pol), mnscreen::error);
  std::vector<double> out(complication_count);
  CHECK_THROWS_AS(m.score_batch(std::vector<double>(risk_features().size() + 1), out),
                  mnscreen::error);
  CHECK_THROWS_AS(m.score_batch(std::vector<double>(risk_features().size() * 2), out),
                  mnscreen::error);
  CHECK_THROWS_AS(risk_model("x", std::vector<double>(5)), mnscreen::error);
  std::vector<double> c(m.coefficients().begin(), m.coefficients().end());
  c[3] = std::nan("");
  CHECK_THROWS_AS(risk_model("x", c), mnscreen::error);
  std::vector<double> none;
  CHECK_NOTHROW(m.score_batch(none, std::span<double>()));
}

TEST_CASE("risk model: batch scoring equals one-at-a-time scoring to 1e-12", "[model][batch]") {
  const std::size_t nf = risk_features().size();
  const std::size_t n = 1537;  // not a multiple of the block size
  std::mt19937_64 rng(7);
  std::vector<double> x(n * nf);
  for (auto& v : x) v = static_cast<double>(rng() % 4 == 0);
  // Continuous features and large coefficients, to exercise the whole sigmoid range.
  const risk_model prior = risk_model::prior();
  std::vector<double> c(prior.coefficients().begin(), prior.coefficients().end());
  for (std::size_t i = 0; i < c.size(); ++i) c[i] += static_cast<double>(i % 7) - 3.0;
  const risk_model m("test", c);
  for (std::size_t i = 0; i < n; ++i)
    x[i * nf + feature_index("needle_depth_mm_centred")] = static_cast<double>(i % 30) / 10 - 1;
  std::vector<double> out(n * complication_count);
  m.score_batch(x, out);
  const policy pol;
  for (std::size_t i = 0; i < n; ++i) {
    const auto r = m.score(std::span<const double>(x).subspan(i * nf, nf), pol);
    for (std::size_t k = 0; k < complication_count; ++k) {
      INFO("patient " << i << " complication " << k);
      REQUIRE(std::abs(out[i * complication_count + k] - r[k].score) <= 1e-12);
    }
  }
}

TEST_CASE("risk model: copies share coefficients and score identically from many threads",
          "[model][threads]") {
  const risk_model m = risk_model::prior();
  const policy pol;
  intake in = healthy_intake();
  in.patient.smoker = known::yes;
  const auto x = risk_feature_vector(in, basic_plan(), pol);
  const auto expected = m.score(x, pol);
  std::vector<std::thread> threads;
  std::vector<int> ok(8, 0);
  for (std::size_t t = 0; t < ok.size(); ++t) {
    threads.emplace_back([&, t] {
      const risk_model copy = m;
      bool same = true;
      for (int i = 0; i < 500; ++i) same = same && copy.score(x, pol) == expected;
      ok[t] = same ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  for (int v : ok) CHECK(v == 1);
}

}  // namespace mnscreen::test
