// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the FHIR R4 reader (Bundle or single resource). No crash, hang or memory
// exhaustion on any bytes; the intake it builds is screenable into a well-formed report, its
// findings can be added to that report, and the intake survives the intake JSON format
// (except `patient.deceased`, which that format does not carry).
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "mnscreen/fhir.hpp"

namespace {

using namespace mnscreen;

const fhir_reader& the_reader() {
  static const fhir_reader reader;
  return reader;
}

const screener& the_screener() {
  static const screener s;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const procedure_plan plan = size % 2 == 0 ? fuzz::face_plan() : fuzz::body_plan();
  fhir_options options = make_fhir_options(policy{}, plan.date);
  options.max_bytes = std::size_t{8} * 1024 * 1024;
  const auto r = the_reader().read(fuzz::as_text(data, size), options);
  fuzz::check_diagnostics(r);
  report rep = the_screener().screen(r.value.record, plan);
  fuzz::check_report(rep, false);
  const decision before = rep.decision;
  add_fhir_findings(rep, r);
  fuzz::require(rep.decision == before, "add_fhir_findings changed the decision");
  fuzz::require(!to_json(r).empty(), "empty FHIR result JSON");

  intake expected = r.value.record;
  expected.patient.deceased = known::unknown;
  const std::string json = to_json(expected);
  const auto again = parse_intake(json);
  fuzz::require(again.ok() && again.value == expected, "FHIR intake JSON round trip is lossy",
                json);
  return 0;
}
