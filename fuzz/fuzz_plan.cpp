// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the plan reader (`mnscreen.plan/1`): no crash on any bytes, the same result
// from parse_plan (streaming reader first) as from the tree reader alone, lossless round trip of
// a plan read without errors, and a well-formed report for whatever was read.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "io/json_stream.hpp"

namespace {

using namespace mnscreen;

const screener& the_screener() {
  static const screener s;
  return s;
}

const intake& the_intake() {
  static const intake in = fuzz::rich_intake();
  return in;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto r = parse_plan(fuzz::as_text(data, size));
  fuzz::check_diagnostics(r);
  const auto tree = io::read_plan_tree(fuzz::as_text(data, size), {});
  fuzz::require(tree.value == r.value && tree.diagnostics == r.diagnostics,
                "the streaming plan reader and the tree reader disagree",
                std::string(fuzz::as_text(data, size)));
  fuzz::check_leading<procedure_plan>(
      fuzz::as_text(data, size), io::parse_leading_plan,
      [](std::string_view t, const read_limits& l) { return parse_plan(t, l); });
  if (r.ok()) {
    const std::string json = to_json(r.value);
    const auto again = parse_plan(json);
    fuzz::require(again.ok() && again.value == r.value, "plan JSON round trip is lossy", json);
  }
  fuzz::check_report(the_screener().screen(size % 2 == 0 ? the_intake() : intake{}, r.value));
  return 0;
}
