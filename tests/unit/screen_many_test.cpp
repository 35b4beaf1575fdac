// SPDX-License-Identifier: Apache-2.0
// screener::screen_many and screener::screen_into give exactly what screen() gives, one
// patient at a time: flags, questions, advice, warnings and risk scores to the last bit
// (report::operator==), invalid records (cannot_screen) included.
#include "mnscreen/screener.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <span>
#include <vector>

#include "mnscreen/fit.hpp"
#include "mnscreen/mnscreen.hpp"
#include "test_support.hpp"

using namespace mnscreen;

namespace {

// Simulated sessions (varied conditions, medications, allergies, plans, dates), with every
// seventh made invalid in one of several ways so that cannot_screen reports are mixed in.
void varied_inputs(std::size_t n, std::uint64_t seed, std::vector<intake>& intakes,
                   std::vector<procedure_plan>& plans) {
  const auto sessions = simulate_outcomes(risk_model::prior(), n, seed);
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    intake in = sessions[i].record;
    procedure_plan plan = sessions[i].plan;
    if (i % 7 == 3) {
      switch ((i / 7) % 4) {
        case 0:
          plan.needle_depth = millimetres{5.0};
          break;
        case 1:
          plan.areas.clear();
          break;
        case 2:
          in.patient.birth_date = add_days(plan.date, 30);
          break;
        default:
          in.patient.fitzpatrick = 9;
          break;
      }
    }
    if (i % 11 == 5) in.patient.deceased = known::yes;
    intakes.push_back(std::move(in));
    plans.push_back(std::move(plan));
  }
}

}  // namespace

TEST_CASE("screen_many equals screen one at a time, invalid records included", "[screener]") {
  const screener s;
  std::vector<intake> intakes;
  std::vector<procedure_plan> plans;
  varied_inputs(3000, 11, intakes, plans);
  const std::vector<report> many = s.screen_many(intakes, plans);
  REQUIRE(many.size() == intakes.size());
  std::size_t invalid = 0;
  for (std::size_t i = 0; i < intakes.size(); ++i) {
    const report one = s.screen(intakes[i], plans[i]);
    if (one.decision == decision::cannot_screen) ++invalid;
    INFO("patient " << i);
    REQUIRE(many[i] == one);
  }
  CHECK(invalid > 300);
}

TEST_CASE("screen_many with one plan for every patient", "[screener]") {
  const screener s;
  std::vector<intake> intakes;
  std::vector<procedure_plan> plans;
  varied_inputs(200, 5, intakes, plans);
  const procedure_plan one_plan = test::basic_plan();
  const auto many = s.screen_many(intakes, std::span<const procedure_plan>(&one_plan, 1));
  REQUIRE(many.size() == intakes.size());
  for (std::size_t i = 0; i < intakes.size(); ++i) CHECK(many[i] == s.screen(intakes[i], one_plan));
}

TEST_CASE("screen_many: empty span, size mismatches", "[screener]") {
  const screener s;
  CHECK(s.screen_many({}, {}).empty());
  const procedure_plan plan = test::basic_plan();
  CHECK(s.screen_many({}, std::span<const procedure_plan>(&plan, 1)).empty());
  const std::vector<intake> two(2, test::healthy_intake());
  const std::vector<procedure_plan> three(3, plan);
  CHECK_THROWS_AS(s.screen_many(two, three), mnscreen::error);
  std::vector<report> out(1);
  CHECK_THROWS_AS(s.screen_many(two, std::span<const procedure_plan>(&plan, 1), out),
                  mnscreen::error);
}

TEST_CASE("screen_many into reused reports, and with a fitted-like model and policy",
          "[screener]") {
  policy pol;
  pol.name = "strict";
  pol.require_hsv_prophylaxis = true;
  // A model other than the priors: every coefficient nudged (drivers and scores change).
  const risk_model prior = risk_model::prior();
  auto coefficients = std::vector<double>(prior.coefficients().begin(), prior.coefficients().end());
  for (std::size_t i = 0; i < coefficients.size(); ++i) coefficients[i] += 0.01 * double(i % 13);
  const screener s(pol, risk_model("test model", coefficients));
  std::vector<intake> intakes;
  std::vector<procedure_plan> plans;
  varied_inputs(500, 3, intakes, plans);
  std::vector<report> out(intakes.size());
  // Twice into the same reports: the second run overwrites reports of other patients.
  s.screen_many(intakes, plans, out);
  std::rotate(intakes.begin(), intakes.begin() + 17, intakes.end());
  std::rotate(plans.begin(), plans.begin() + 17, plans.end());
  s.screen_many(intakes, plans, out);
  for (std::size_t i = 0; i < intakes.size(); ++i) {
    INFO("patient " << i);
    REQUIRE(out[i] == s.screen(intakes[i], plans[i]));
  }
}

// Within one call, screen_many keeps the flags a report no longer needs for the next report
// that needs more, and one what-if record for every record's questions: a flag taken over
// from another patient (its override record, evidence and areas included) or a what-if record
// left from another patient must never show in a report.
TEST_CASE("screen_many: flags and what-if records passed from patient to patient in one call",
          "[screener]") {
  const screener s;
  std::vector<intake> intakes;
  std::vector<procedure_plan> plans;
  varied_inputs(400, 29, intakes, plans);
  // Many flags (some overridden), then few or none, then an invalid record, then questions.
  std::size_t overridden = 0, with_questions = 0, shrinks = 0, grows = 0;
  for (std::size_t i = 0; i < intakes.size(); ++i) {
    const report first = s.screen(intakes[i], plans[i]);
    if (i % 3 == 0 && !first.flags.empty()) {
      rule_override o;
      o.rule_id = first.flags.back().rule_id;
      o.reason = override_reason::other;
      o.by = "Dr Test";
      o.note = "accepted after discussion";
      o.date = plans[i].date;
      plans[i].overrides.push_back(o);
    }
    if (i % 4 == 1) {
      intakes[i].negatives.clear();  // unknowns: questions, ranked by what-if screens
      intakes[i].patient.pregnant = known::unknown;
    }
  }
  std::vector<report> out(intakes.size());
  s.screen_many(intakes, plans, out);
  std::size_t previous = 0;
  for (std::size_t i = 0; i < intakes.size(); ++i) {
    INFO("patient " << i);
    REQUIRE(out[i] == s.screen(intakes[i], plans[i]));
    for (const flag& f : out[i].flags)
      if (f.override_record) ++overridden;
    if (!out[i].questions.empty()) ++with_questions;
    if (out[i].flags.size() < previous) ++shrinks;
    if (out[i].flags.size() > previous) ++grows;
    previous = out[i].flags.size();
  }
  // The run did what the test is about.
  CHECK(overridden > 20);
  CHECK(with_questions > 50);
  CHECK(shrinks > 50);
  CHECK(grows > 50);
}

TEST_CASE("screen_into a reused report equals screen", "[screener]") {
  const screener s;
  std::vector<intake> intakes;
  std::vector<procedure_plan> plans;
  varied_inputs(600, 23, intakes, plans);
  report r;
  for (std::size_t i = 0; i < intakes.size(); ++i) {
    s.screen_into(intakes[i], plans[i], r);
    INFO("patient " << i);
    REQUIRE(r == s.screen(intakes[i], plans[i]));
  }
}

TEST_CASE("risk_model::score_batch gives the same bits as score, row by row", "[risk]") {
  const risk_model m = risk_model::prior();
  const policy pol;
  const auto sessions = simulate_outcomes(m, 5000, 29);
  const std::size_t nf = risk_features().size();
  std::vector<double> x;
  for (const auto& r : sessions) {
    const auto v = risk_feature_vector(r.record, r.plan, pol);
    x.insert(x.end(), v.begin(), v.end());
  }
  std::vector<double> p(sessions.size() * complication_count);
  m.score_batch(x, p);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    const auto one = m.score(std::span<const double>(x.data() + i * nf, nf), pol);
    for (std::size_t k = 0; k < complication_count; ++k)
      if (std::memcmp(&one[k].score, &p[i * complication_count + k], sizeof(double)) != 0) ++differ;
  }
  CHECK(differ == 0);
}
