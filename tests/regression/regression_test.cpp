// SPDX-License-Identifier: Apache-2.0
// Inputs that once broke an invariant, a sanitizer or a fuzz target, run again on every build
// (and under ASan/UBSan in CI). Each case names where it was found.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "mnscreen/fhir.hpp"
#include "mnscreen/fit.hpp"
#include "mnscreen/mnscreen.hpp"
#include "test_support.hpp"

namespace {

using namespace mnscreen;

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(MNSCREEN_REGRESSION_DATA_DIR) + "/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

// Found by AddressSanitizer in the property tests (stack-use-after-scope in
// fhir_detail::terminology::finish(): tokens were views into a destroyed temporary name).
// Building the reader indexes every medication name; reading a text-only medication uses them.
TEST_CASE("regression: the FHIR reader's name index outlives its construction",
          "[regression][fhir]") {
  const fhir_reader reader;
  const auto r = reader.read(R"({"resourceType": "MedicationStatement", "id": "m",
    "status": "active", "medicationCodeableConcept": {"text": "warfarin sodium 5 mg tablet"}})",
                             make_fhir_options(policy{}, test::d("2026-12-01")));
  CHECK(r.value.record.medications.size() <= 1);
}

// Found by fuzz_model_file (CrossOver of the seed model file): a coefficient written as "-0"
// read back as +0, so the second writing differs from the first.
TEST_CASE("regression: a model file with -0 coefficients is written the same twice",
          "[regression][model]") {
  // If the feature list changes, update the saved file's "features" (it must stay readable).
  const auto first = parse_model_file(read_data("model-file-negative-zero.json"));
  REQUIRE(first.ok());
  const std::string once = to_json(first.value);
  const auto second = parse_model_file(once);
  REQUIRE(second.ok());
  CHECK(to_json(second.value) == once);
}

// Found by fuzz_report in the CI fuzz stage: a driver weight that overflows (1.6e245616929) was
// read as infinity without an error, written as null, and the report no longer read back
// equal. A number a report cannot hold must be an error when read.
TEST_CASE("regression: a report with an infinite driver weight is refused", "[regression][json]") {
  const auto r = parse_report(read_data("report-infinite-weight.json"));
  CHECK_FALSE(r.ok());
  if (r.ok()) {
    const auto again = parse_report(to_json(r.value));
    CHECK(again.ok());
    CHECK(again.value == r.value);
  }
}

// Found while checking the fuzz_report invariants: formats.md says a score is a probability in
// [0, 1], but a score of 1.01 was read without an error.
TEST_CASE("regression: a report score above 1 is an error", "[regression][json]") {
  const auto r = parse_report(read_data("report-score-above-one.json"));
  CHECK_FALSE(r.ok());
}

// Found while fixing the report case above: every reader takes numbers through one conversion,
// and an intake lab value, a plan depth, a policy number or a report override that overflows to
// infinity was read as infinity too. Each is now an out_of_range error at its path.
TEST_CASE("regression: a number that overflows to infinity is an error wherever it is read",
          "[regression][json]") {
  const auto has = [](const std::vector<diagnostic>& ds, std::string_view code,
                      std::string_view path) {
    for (const auto& d : ds)
      if (d.code == code && d.path == path && d.severity == severity::error) return true;
    return false;
  };
  const auto in = parse_intake(R"({"schema": "mnscreen.intake/1", "labs": [
    {"code": "inr", "value": 2.1, "date": "2026-11-20"},
    {"code": "hba1c", "value": 7e99999, "date": "2026-11-20"}]})");
  CHECK_FALSE(in.ok());
  CHECK(has(in.diagnostics, "out_of_range", "$.labs[1].value"));
  CHECK(in.value.labs.size() == 1);  // the good one is kept

  const auto plan = parse_plan(R"({"schema": "mnscreen.plan/1", "date": "2026-12-01",
    "device": "pen", "needle_depth_mm": -1.6e245616929, "areas": ["cheeks"],
    "anesthetic": "none", "setting": "clinic"})");
  CHECK_FALSE(plan.ok());
  CHECK(has(plan.diagnostics, "out_of_range", "$.needle_depth_mm"));

  const auto pol = parse_policy(R"({"schema": "mnscreen.policy/1", "name": "x",
    "inr_max": 1e400, "isotretinoin_washout_days": 1e400})");
  CHECK_FALSE(pol.ok());
  CHECK(has(pol.diagnostics, "out_of_range", "$.inr_max"));
  CHECK(has(pol.diagnostics, "out_of_range", "$.isotretinoin_washout_days"));
  CHECK(pol.value.inr_max == policy{}.inr_max);

  const auto rep = parse_report(R"({"schema": "mnscreen.report/1", "screened_on": "2026-12-01",
    "decision": "proceed", "complete": true,
    "policy": {"name": "p", "overrides": {"inr_max": 1e400}},
    "risks": {"infection": {"score": -0.5, "band": "low", "drivers": []}}})");
  CHECK_FALSE(rep.ok());
  CHECK(has(rep.diagnostics, "out_of_range", "$.policy.overrides.inr_max"));
  CHECK(has(rep.diagnostics, "out_of_range", "$.risks.infection.score"));
  CHECK(rep.value.policy_overrides.empty());
  CHECK(rep.value.risks.empty());
}

// Found by fuzz_model_file in a CI fuzz stage: a standard error that overflows
// (0.58313973700E2461) was read as infinity without an error, written as null, and read back as
// "not estimated" (NaN): the model file did not survive a round trip. Only null means "not
// estimated"; a number that is not finite is an error, as in the coefficients.
TEST_CASE("regression: a model file with an infinite standard error is refused",
          "[regression][model]") {
  const auto r = parse_model_file(read_data("model-file-infinite-std-error.json"));
  CHECK_FALSE(r.ok());
  bool named = false;
  for (const auto& d : r.diagnostics)
    named = named || (d.code == "not_finite" && d.path.find("$.std_errors.") == 0);
  CHECK(named);
}
