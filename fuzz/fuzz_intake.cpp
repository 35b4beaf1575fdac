// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the intake reader (`mnscreen.intake/1`). Whatever the bytes, reading must not
// crash, hang or exhaust memory; parse_intake (streaming reader first) must give exactly what
// the tree reader alone gives; a document read without errors must survive to_json and a second
// read unchanged; and whatever was read, the screener must give a well-formed report.
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto r = parse_intake(fuzz::as_text(data, size));
  fuzz::check_diagnostics(r);
  const auto tree = io::read_intake_tree(fuzz::as_text(data, size), {});
  fuzz::require(tree.value == r.value && tree.diagnostics == r.diagnostics,
                "the streaming intake reader and the tree reader disagree",
                std::string(fuzz::as_text(data, size)));
  fuzz::check_leading<intake>(
      fuzz::as_text(data, size), io::parse_leading_intake,
      [](std::string_view t, const read_limits& l) { return parse_intake(t, l); });
  if (r.ok()) {
    const std::string json = to_json(r.value);
    const auto again = parse_intake(json);
    fuzz::require(again.ok() && again.value == r.value, "intake JSON round trip is lossy", json);
  }
  // Even a partly read intake goes to the screener: it validates and may refuse, never crash.
  const procedure_plan plan = size % 2 == 0 ? fuzz::face_plan() : fuzz::body_plan();
  fuzz::check_report(the_screener().screen(r.value, plan));
  return 0;
}
