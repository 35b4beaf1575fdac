// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the policy reader (`mnscreen.policy/1`). A policy read without errors must
// be accepted by the screener (no exception), survive to_json and a second read unchanged, and
// give well-formed reports.
#include <cstddef>
#include <cstdint>
#include <exception>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mnscreen;
  const auto r = parse_policy(fuzz::as_text(data, size));
  fuzz::check_diagnostics(r);
  if (!r.ok()) return 0;
  const std::string json = to_json(r.value);
  const auto again = parse_policy(json);
  fuzz::require(again.ok() && again.value == r.value, "policy JSON round trip is lossy", json);
  fuzz::require(!has_errors(validate(r.value)), "a policy read without errors fails validate()");
  try {
    const screener s{r.value};
    fuzz::check_report(s.screen(fuzz::rich_intake(), fuzz::face_plan()));
    fuzz::check_report(s.screen(fuzz::rich_intake(), fuzz::body_plan()));
  } catch (const std::exception& e) {
    fuzz::require(false, "the screener refused a policy read without errors", e.what());
  }
  return 0;
}
