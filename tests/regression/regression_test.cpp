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
