// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/fit.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "mnscreen/screener.hpp"
#include "model_test_support.hpp"
#include "test_support.hpp"

namespace mnscreen::test {
namespace {

std::size_t width() { return risk_features().size() + 1; }

// The truth of the simulation tests: every prior odds ratio 1.3 times stronger on the log scale
// and every base risk about twice the prior's odds (intercept + 0.7).
risk_model shifted_truth() {
  const risk_model prior = risk_model::prior();
  std::vector<double> c(prior.coefficients().begin(), prior.coefficients().end());
  for (std::size_t k = 0; k < complication_count; ++k) {
    c[k * width()] += 0.7;
    for (std::size_t j = 1; j < width(); ++j) c[k * width() + j] *= 1.3;
  }
  return risk_model("truth", c);
}

// A training set of `n` rows with every feature 0 except `feature` on the first `with` rows,
// and the given complication's outcomes; the other outcomes are not recorded.
training_set handmade(std::size_t n, std::size_t with, const char* feature, complication c,
                      const std::vector<std::int8_t>& outcomes) {
  training_set t;
  t.rows = n;
  const std::size_t nf = risk_features().size();
  t.features.assign(n * nf, 0.0);
  t.outcomes.assign(n * complication_count, outcome_not_recorded);
  for (std::size_t i = 0; i < with; ++i) t.features[i * nf + feature_index(feature)] = 1.0;
  for (std::size_t i = 0; i < n; ++i) t.outcomes[i * complication_count + at(c)] = outcomes[i];
  return t;
}

}  // namespace

TEST_CASE("fit: recovers known coefficients from 50,000 simulated records", "[model][fit]") {
  const risk_model truth = shifted_truth();
  const auto records = simulate_outcomes(truth, 50000, 2026);
  const training_set data = make_training_set(records, policy{});
  fit_options opt;
  opt.folds = 0;  // cross-validation is tested on a smaller set below
  opt.name = "simulated";
  opt.fitted_on = d("2026-11-25");
  const fit_result fit = fit_risk_model(data, opt);
  CHECK(fit.model.label() == "simulated (fitted 2026-11-25 on 50000 records)");
  REQUIRE(fit.complications.size() == complication_count);
  for (const complication_fit& cf : fit.complications) {
    INFO(to_string(cf.complication) << ": " << cf.message);
    REQUIRE(cf.status == fit_status::converged);
    CHECK(cf.records == 50000);
    CHECK(cf.iterations <= 12);
    const auto k = at(cf.complication);
    for (std::size_t j = 0; j < cf.coefficients.size(); ++j) {
      const coefficient_estimate& e = cf.coefficients[j];
      const double t = truth.coefficients()[k * width() + j];
      INFO(e.name << ": truth " << t << ", estimate " << e.value << " +- " << e.std_error);
      // Tolerance: within 4.5 standard errors of the truth (the prior pulls poorly informed
      // coefficients toward the weaker prior, which their large SE absorbs), and every
      // well-informed coefficient (SE < 0.1) within 0.3 of the truth.
      CHECK(std::abs(e.value - t) <= 4.5 * e.std_error);
      if (e.std_error < 0.1) CHECK(std::abs(e.value - t) <= 0.3);
      CHECK(e.lower95 < e.value);
      CHECK(e.upper95 > e.value);
    }
  }
  // The strongest factors are recovered closely.
  const auto est = [&](complication c, const char* f) {
    return fit.model.weight(c, feature_index(f));
  };
  CHECK(est(complication::bleeding_bruising, "anticoagulant_doac") ==
        Approx(1.3 * std::log(5.0)).margin(0.25));
  CHECK(est(complication::infection, "reused_device") == Approx(1.3 * std::log(10.0)).margin(0.25));
  CHECK(est(complication::dyspigmentation, "fitzpatrick_5_6") ==
        Approx(1.3 * std::log(8.0)).margin(0.3));
  CHECK(est(complication::irritation, "active_dermatosis_in_area") ==
        Approx(1.3 * std::log(3.0)).margin(0.2));
  // Fitted scores are closer to the truth than the priors are.
  const auto x = risk_feature_vector(healthy_intake(), basic_plan(), policy{});
  const auto fitted = fit.model.score(x, policy{});
  const auto real = truth.score(x, policy{});
  const auto prior = risk_model::prior().score(x, policy{});
  for (std::size_t k = 0; k < complication_count; ++k) {
    INFO(k);
    CHECK(std::abs(fitted[k].score - real[k].score) < std::abs(prior[k].score - real[k].score));
  }
}

TEST_CASE("fit: with 200 records the estimates stay near the priors", "[model][fit]") {
  const risk_model truth = shifted_truth();
  const training_set data = make_training_set(simulate_outcomes(truth, 200, 9), policy{});
  fit_options opt;
  opt.folds = 0;
  const fit_result fit = fit_risk_model(data, opt);
  const risk_model prior = risk_model::prior();
  double to_prior = 0.0;
  double to_truth = 0.0;
  for (const complication_fit& cf : fit.complications) {
    INFO(to_string(cf.complication) << ": " << cf.message);
    for (std::size_t j = 0; j < cf.coefficients.size(); ++j) {
      const auto& e = cf.coefficients[j];
      const double t = truth.coefficients()[at(cf.complication) * width() + j];
      INFO(e.name);
      // Two prior standard deviations (penalty 1 = SD 1 log-odds unit).
      CHECK(std::abs(e.value - e.prior) < 2.0);
      to_prior += std::abs(e.value - e.prior);
      to_truth += std::abs(e.value - t);
    }
    // Rare complications have too few events to fit at all: the prior row is kept.
    if (cf.events < 5) {
      CHECK(cf.status == fit_status::too_few_events);
      for (const auto& e : cf.coefficients) CHECK(e.value == e.prior);
      CHECK(std::isnan(cf.coefficients[0].std_error));
    }
    CHECK(std::any_of(cf.warnings.begin(), cf.warnings.end(), [](const std::string& w) {
      return w.find("events per variable") != std::string::npos;
    }));
  }
  // On average within 0.3 log-odds of the prior, and closer to it than to the truth.
  const auto n_coefficients = static_cast<double>(complication_count * width());
  CHECK(to_prior / n_coefficients < 0.3);
  CHECK(to_prior < to_truth);
  // With the same data and almost no penalty, the estimates move much further.
  opt.penalty = 1e-4;
  const fit_result loose = fit_risk_model(data, opt);
  double loose_to_prior = 0.0;
  for (const auto& cf : loose.complications)
    for (const auto& e : cf.coefficients) loose_to_prior += std::abs(e.value - e.prior);
  CHECK(loose_to_prior > 3.0 * to_prior);
}

TEST_CASE("fit: perfect separation is detected", "[model][fit]") {
  // 100 sessions; infection happened exactly in the 40 with reused needles.
  std::vector<std::int8_t> y(100, outcome_no_event);
  std::fill(y.begin(), y.begin() + 40, outcome_event);
  const training_set data = handmade(100, 40, "reused_device", complication::infection, y);

  SECTION("without a penalty: separation, priors kept, the feature named") {
    fit_options opt;
    opt.penalty = 0.0;
    opt.folds = 0;
    const fit_result fit = fit_risk_model(data, opt);
    const complication_fit& cf = fit.complications[at(complication::infection)];
    CHECK(cf.status == fit_status::separation);
    CHECK(cf.message.find("reused_device") != std::string::npos);
    CHECK(fit.model.weight(complication::infection, feature_index("reused_device")) ==
          risk_model::prior().weight(complication::infection, feature_index("reused_device")));
    // The other complications have no recorded outcomes at all.
    CHECK(fit.complications[at(complication::scarring)].status == fit_status::too_few_events);
    CHECK(fit.complications[at(complication::scarring)].records == 0);
  }
  SECTION("with a penalty: finite estimates, and the message says they rest on it") {
    fit_options opt;
    opt.folds = 0;
    const fit_result fit = fit_risk_model(data, opt);
    const complication_fit& cf = fit.complications[at(complication::infection)];
    CHECK(cf.status == fit_status::converged);
    CHECK(cf.message.find("perfectly separated") != std::string::npos);
    CHECK(std::isfinite(fit.model.weight(complication::infection, feature_index("reused_device"))));
  }
}

TEST_CASE("fit: a one-feature fit matches the closed form", "[model][fit]") {
  // Unpenalised, one binary feature: the MLE is the observed log-odds in each group.
  // x=0: 10 events of 100; x=1: 30 of 100.
  std::vector<std::int8_t> y(200, outcome_no_event);
  for (std::size_t i = 0; i < 30; ++i) y[i] = outcome_event;     // x = 1 rows 0..99
  for (std::size_t i = 100; i < 110; ++i) y[i] = outcome_event;  // x = 0 rows 100..199
  const training_set data = handmade(200, 100, "smoker", complication::infection, y);
  fit_options opt;
  opt.penalty = 0.0;
  opt.folds = 0;
  const fit_result fit = fit_risk_model(data, opt);
  const complication_fit& cf = fit.complications[at(complication::infection)];
  REQUIRE(cf.status == fit_status::converged);
  CHECK(cf.coefficients[0].value == Approx(logit(0.1)).epsilon(1e-9));
  const std::size_t j = feature_index("smoker") + 1;
  CHECK(cf.coefficients[j].value == Approx(logit(0.3) - logit(0.1)).epsilon(1e-9));
  // Standard errors by hand: SE(b0) = sqrt(1/10 + 1/90); SE(b1) adds 1/30 + 1/70.
  CHECK(cf.coefficients[0].std_error == Approx(std::sqrt(1.0 / 10 + 1.0 / 90)).epsilon(1e-6));
  CHECK(cf.coefficients[j].std_error ==
        Approx(std::sqrt(1.0 / 10 + 1.0 / 90 + 1.0 / 30 + 1.0 / 70)).epsilon(1e-6));
  CHECK(cf.coefficients[j].lower95 ==
        Approx(cf.coefficients[j].value - 1.959963984540054 * cf.coefficients[j].std_error));
  // Features absent from the data stay at the prior, with an infinite standard error.
  const std::size_t absent = feature_index("anticoagulant_vka") + 1;
  CHECK(cf.coefficients[absent].value == cf.coefficients[absent].prior);
  CHECK(std::isinf(cf.coefficients[absent].std_error));
}

TEST_CASE("fit: cross-validation reports discrimination and calibration; runs are repeatable",
          "[model][fit]") {
  const training_set data =
      make_training_set(simulate_outcomes(shifted_truth(), 20000, 5), policy{});
  fit_options opt;
  opt.folds = 4;
  const fit_result a = fit_risk_model(data, opt);
  const fit_result b = fit_risk_model(data, opt);
  const auto& bleed = a.complications[at(complication::bleeding_bruising)];
  REQUIRE(bleed.cross_validation);
  const evaluation& e = *bleed.cross_validation;
  CHECK(e.records == 20000);
  CHECK(e.events == bleed.events);
  CHECK(e.auc > 0.6);
  CHECK(e.auc_lower95 < e.auc);
  CHECK(e.auc_upper95 > e.auc);
  CHECK(e.brier > 0.0);
  CHECK(e.brier < 0.1);
  CHECK(e.calibration_slope == Approx(1.0).margin(0.2));
  const auto& infection = *a.complications[at(complication::infection)].cross_validation;
  CHECK(infection.auc > 0.75);
  CHECK(infection.auc_lower95 > 0.7);
  CHECK(e.calibration.size() == 10);
  CHECK(std::abs(e.calibration_intercept) < 0.1);
  for (std::size_t k = 0; k < complication_count; ++k) {
    CHECK(std::equal(a.model.coefficients().begin(), a.model.coefficients().end(),
                     b.model.coefficients().begin()));
    const auto& ca = a.complications[k];
    const auto& cb = b.complications[k];
    CHECK(ca.cross_validation.has_value() == cb.cross_validation.has_value());
    if (ca.cross_validation && cb.cross_validation)
      CHECK(ca.cross_validation->auc == cb.cross_validation->auc);
  }
  // Few events: the warnings of issue 5.
  const auto& scar = a.complications[at(complication::scarring)];
  CHECK(std::any_of(scar.warnings.begin(), scar.warnings.end(), [](const std::string& w) {
    return w.find("fewer than 10") != std::string::npos;
  }));
}

TEST_CASE("fit: the model file of a fit loads back as the same model", "[model][fit]") {
  const training_set data =
      make_training_set(simulate_outcomes(risk_model::prior(), 3000, 3), policy{});
  fit_options opt;
  opt.folds = 0;
  opt.name = "clinic-b";
  opt.fitted_on = d("2026-11-25");
  const fit_result fit = fit_risk_model(data, opt);
  const std::string text = to_json(make_model_file(fit));
  const risk_model loaded = load_risk_model(text);
  CHECK(loaded.label() == fit.model.label());
  CHECK(std::equal(loaded.coefficients().begin(), loaded.coefficients().end(),
                   fit.model.coefficients().begin(), fit.model.coefficients().end()));
}

TEST_CASE("fit: the HTML report is self-contained, with plots for every complication",
          "[model][fit]") {
  const training_set data =
      make_training_set(simulate_outcomes(risk_model::prior(), 4000, 4), policy{});
  fit_options opt;
  opt.folds = 3;
  opt.name = "<clinic & co>";
  const fit_result fit = fit_risk_model(data, opt);
  const std::string html = fit_report_html(fit);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // only the SVG ns
  CHECK(html.find("&lt;clinic &amp; co&gt;") != std::string::npos);
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("Calibration: bleeding_bruising") != std::string::npos);
  CHECK(html.find("ROC: irritation") != std::string::npos);
  for (const auto c : all_codes<complication>())
    CHECK(html.find("id=\"" + std::string(to_string(c)) + "\"") != std::string::npos);
}

TEST_CASE("fit: invalid options and inconsistent data are broken contracts", "[model][fit]") {
  training_set bad;
  bad.rows = 2;
  CHECK_THROWS_AS(fit_risk_model(bad), mnscreen::error);
  const training_set empty;
  fit_options opt;
  opt.penalty = -1.0;
  CHECK_THROWS_AS(fit_risk_model(empty, opt), mnscreen::error);
  opt.penalty = 1.0;
  const fit_result none = fit_risk_model(empty, opt);
  for (const auto& cf : none.complications) CHECK(cf.status == fit_status::too_few_events);
  const risk_model prior = risk_model::prior();
  CHECK(std::equal(none.model.coefficients().begin(), none.model.coefficients().end(),
                   prior.coefficients().begin()));
}

TEST_CASE("simulate: the same seed gives the same records; outcomes follow the truth",
          "[model][simulate]") {
  const auto a = simulate_outcomes(risk_model::prior(), 500, 77);
  const auto b = simulate_outcomes(risk_model::prior(), 500, 77);
  const auto c = simulate_outcomes(risk_model::prior(), 500, 78);
  CHECK(a == b);
  CHECK(a != c);
  for (const auto& r : a) {
    CHECK(validate(r.record).empty());
    CHECK(validate(r.plan).empty());
    for (known o : r.outcomes) CHECK(o != known::unknown);
  }
  // A truth in which every irritation is certain.
  const risk_model prior = risk_model::prior();
  std::vector<double> co(prior.coefficients().begin(), prior.coefficients().end());
  co[at(complication::irritation) * width()] = 40.0;
  const auto sure = simulate_outcomes(risk_model("sure", co), 200, 1);
  for (const auto& r : sure) CHECK(r.outcomes[at(complication::irritation)] == known::yes);
}

}  // namespace mnscreen::test
