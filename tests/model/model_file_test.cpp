// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/fit.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "mnscreen/screener.hpp"
#include "model_test_support.hpp"
#include "test_support.hpp"

namespace mnscreen::test {
namespace {

model_file sample_file() {
  model_file m;
  m.name = "clinic-a";
  m.fitted_on = d("2026-11-25");
  m.records_used = 1234;
  m.knowledge_version = "2026.2";
  const risk_model prior = risk_model::prior();
  const auto c = prior.coefficients();
  m.coefficients.assign(c.begin(), c.end());
  m.coefficients[5] = 0.1234567890123456789;  // needs all 17 digits to round-trip
  m.coefficients[6] = -1e-300;
  m.std_errors.assign(c.size(), 0.25);
  m.std_errors[2] = std::nan("");  // not estimated: written as null
  return m;
}

bool has_code(const std::vector<diagnostic>& ds, const std::string& code) {
  for (const auto& d : ds)
    if (d.code == code && d.severity != severity::warning) return true;
  return false;
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const auto p = s.find(from);
  REQUIRE(p != std::string::npos);
  return s.replace(p, from.size(), to);
}

}  // namespace

TEST_CASE("model files: write and read back exactly", "[model][model_file]") {
  const model_file m = sample_file();
  const std::string text = to_json(m);
  const auto r = parse_model_file(text);
  INFO(text);
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
  CHECK(r.value.name == m.name);
  CHECK(r.value.fitted_on == m.fitted_on);
  CHECK(r.value.records_used == m.records_used);
  CHECK(r.value.knowledge_version == m.knowledge_version);
  CHECK(r.value.coefficients == m.coefficients);  // bit-exact
  REQUIRE(r.value.std_errors.size() == m.std_errors.size());
  CHECK(std::isnan(r.value.std_errors[2]));
  CHECK(r.value.std_errors[3] == 0.25);
}

TEST_CASE("model files: the loaded model scores like the coefficients say and names itself",
          "[model][model_file]") {
  const risk_model model = load_risk_model(to_json(sample_file()));
  CHECK(model.label() == "clinic-a (fitted 2026-11-25 on 1234 records)");
  CHECK(model.coefficients()[5] == 0.1234567890123456789);
  const screener s(policy{}, model);
  const report rep = s.screen(healthy_intake(), basic_plan());
  CHECK(rep.model == "clinic-a (fitted 2026-11-25 on 1234 records)");
}

TEST_CASE("model files: a file for other features is rejected with a clear error",
          "[model][model_file]") {
  const std::string good = to_json(sample_file());
  SECTION("a feature missing and an unknown one") {
    const auto r = parse_model_file(replaced(good, "\"smoker\"", "\"vaper\""));
    CHECK(!r.ok());
    CHECK(has_code(r.diagnostics, "feature_mismatch"));
    const std::string msg = format(r.diagnostics.front());
    CHECK(msg.find("missing: smoker") != std::string::npos);
    CHECK(msg.find("vaper") != std::string::npos);
    CHECK_THROWS_AS(load_risk_model(replaced(good, "\"smoker\"", "\"vaper\"")), error);
  }
  SECTION("the same features in another order") {
    std::string t = replaced(good, "\"anticoagulant_vka\", \"anticoagulant_doac\"",
                             "\"anticoagulant_doac\", \"anticoagulant_vka\"");
    const auto r = parse_model_file(t);
    CHECK(has_code(r.diagnostics, "feature_mismatch"));
    CHECK(format(r.diagnostics.front()).find("another order") != std::string::npos);
  }
  SECTION("one feature fewer (an older version)") {
    const auto r = parse_model_file(replaced(good, ", \"systemic_corticosteroid\"", ""));
    CHECK(has_code(r.diagnostics, "feature_mismatch"));
  }
}

TEST_CASE("model files: corrupt files are rejected", "[model][model_file]") {
  const std::string good = to_json(sample_file());
  CHECK(has_code(parse_model_file("{not json").diagnostics, "malformed_json"));
  CHECK(has_code(parse_model_file("[]").diagnostics, "wrong_type"));
  // A key given twice (the parse handler of src/json reports it; only the last value is read).
  {
    const auto r = parse_model_file(replaced(good, "\"schema\"", "\"schema\": 1, \"schema\""));
    REQUIRE(has_code(r.diagnostics, "duplicate_key"));
    CHECK(!r.ok());
  }
  CHECK(
      has_code(parse_model_file(replaced(good, "mnscreen.model/1", "mnscreen.model/9")).diagnostics,
               "wrong_schema"));
  // A coefficient that is not a number.
  const auto pos = good.find("\"coefficients\"");
  std::string t = good;
  const auto bracket = t.find('[', pos);
  t.insert(bracket + 1, "\"x\", ");
  CHECK(!parse_model_file(t).ok());
  // A complication missing.
  CHECK(has_code(
      parse_model_file(replaced(good, "\"irritation\": [", "\"irritated\": [")).diagnostics,
      "unknown_complication"));
  CHECK(has_code(
      parse_model_file(replaced(good, "\"irritation\": [", "\"irritated\": [")).diagnostics,
      "missing_complication"));
  // Coefficients absent.
  const auto cut = good.find(",\n  \"coefficients\"");
  CHECK(has_code(parse_model_file(good.substr(0, cut) + "}").diagnostics, "missing"));
  CHECK_THROWS_AS(load_risk_model("{}"), error);
}

}  // namespace mnscreen::test
