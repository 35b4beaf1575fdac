// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: model files (`mnscreen.model/1`). No crash on any bytes; a file read without
// errors survives to_json and a second read unchanged, makes a risk model without an
// exception, and that model gives every complication a probability in [0, 1].
#include <cstddef>
#include <cstdint>
#include <exception>

#include "fuzz_support.hpp"
#include "mnscreen/fit.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mnscreen;
  const auto r = parse_model_file(fuzz::as_text(data, size));
  fuzz::check_diagnostics(r);
  if (!r.ok()) return 0;
  const std::string json = to_json(r.value);
  const auto again = parse_model_file(json);
  fuzz::require(again.ok() && again.value == r.value, "model file JSON round trip is lossy", json);
  try {
    const screener s{policy{}, to_risk_model(r.value)};
    fuzz::check_report(s.screen(fuzz::rich_intake(), fuzz::face_plan()), false);
    fuzz::check_report(s.screen(intake{}, fuzz::body_plan()), false);
  } catch (const std::exception& e) {
    fuzz::require(false, "a model file read without errors was refused", e.what());
  }
  return 0;
}
