// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: model files (`mnscreen.model/1`). No crash on any bytes; a file read without
// errors survives to_json and a second read unchanged, makes a risk model without an
// exception, and that model gives every complication a probability in [0, 1].
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <vector>

#include "fuzz_support.hpp"
#include "mnscreen/fit.hpp"

namespace {

using namespace mnscreen;

// Equal numbers, NaN (a standard error not estimated) equal to NaN.
bool same_numbers(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}

bool same(const model_file& a, const model_file& b) {
  return a.name == b.name && a.fitted_on == b.fitted_on && a.records_used == b.records_used &&
         a.knowledge_version == b.knowledge_version &&
         same_numbers(a.coefficients, b.coefficients) && same_numbers(a.std_errors, b.std_errors);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto r = parse_model_file(fuzz::as_text(data, size));
  fuzz::check_diagnostics(r);
  if (!r.ok()) return 0;
  const std::string json = to_json(r.value);
  const auto again = parse_model_file(json);
  fuzz::require(again.ok() && same(again.value, r.value), "model file JSON round trip is lossy",
                json);
  // Written again, it is the same text (a signed zero is written "0", never "-0").
  fuzz::require(to_json(again.value) == json, "model file written twice differs", json);
  try {
    const screener s{policy{}, to_risk_model(r.value)};
    fuzz::check_report(s.screen(fuzz::rich_intake(), fuzz::face_plan()), false);
    fuzz::check_report(s.screen(intake{}, fuzz::body_plan()), false);
  } catch (const std::exception& e) {
    fuzz::require(false, "a model file read without errors was refused", e.what());
  }
  return 0;
}
