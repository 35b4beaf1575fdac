// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the report reader (`mnscreen.report/1`). Reading must not crash; a report
// read without errors must survive to_json and a second read unchanged (a mismatch is a crash);
// its scores are probabilities and its weights finite; the text rendering must accept whatever
// was read.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mnscreen;
  const auto r = parse_report(fuzz::as_text(data, size));
  fuzz::check_diagnostics(r);
  const std::string text = to_text(r.value);
  fuzz::require(!text.empty(), "empty text rendering of a report");
  if (!r.ok()) return 0;
  // formats.md: a score is a probability in [0, 1]; weights are log-odds (finite).
  for (const risk_score& k : r.value.risks) {
    fuzz::require(std::isfinite(k.score) && k.score >= 0.0 && k.score <= 1.0,
                  "a report read without errors has a score outside [0, 1]",
                  std::to_string(k.score));
    for (const risk_driver& d : k.drivers)
      fuzz::require(std::isfinite(d.weight), "a report read without errors has a non-finite weight",
                    d.factor);
  }
  const std::string json = to_json(r.value);
  const auto again = parse_report(json);
  fuzz::require(again.ok() && again.value == r.value, "report JSON round trip is lossy", json);
  fuzz::require(to_json(again.value) == json, "report JSON is not stable", json);
  return 0;
}
