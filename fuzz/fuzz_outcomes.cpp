// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: outcome lines (`mnscreen.outcome/1`, JSON Lines). No crash on any bytes;
// every line is either a record or a skipped line with its number and reason; each record read
// survives to_json_line and a second read unchanged; the training matrices can be built.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "fuzz_support.hpp"
#include "mnscreen/fit.hpp"

namespace {

using namespace mnscreen;

bool within_one_ulp(double a, double b) {
  return a == b || std::nextafter(a, std::numeric_limits<double>::infinity()) == b ||
         std::nextafter(a, -std::numeric_limits<double>::infinity()) == b;
}

// `read` with every number that is within one ulp of `written`'s set to `written`'s. Known
// defect (reported, tracked by the [!mayfail] property test "outcome lines round-trip
// losslessly"): outcome lines are parsed with Boost.JSON 1.81's default number parsing, which is
// not correctly rounded, so numbers may come back one ulp off. Anything else must be exact.
outcome_record snapped(outcome_record read, const outcome_record& written) {
  if (read.record.labs.size() == written.record.labs.size())
    for (std::size_t i = 0; i < read.record.labs.size(); ++i)
      if (within_one_ulp(read.record.labs[i].value, written.record.labs[i].value))
        read.record.labs[i].value = written.record.labs[i].value;
  if (within_one_ulp(read.plan.needle_depth.value(), written.plan.needle_depth.value()))
    read.plan.needle_depth = written.plan.needle_depth;
  return read;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const outcome_file file = parse_outcomes(text);
  for (const auto& p : file.skipped)
    fuzz::require(p.line >= 1 && !p.reason.empty(), "skipped line without number or reason");
  for (const outcome_record& rec : file.records) {
    const std::string line = to_json_line(rec);
    fuzz::require(line.find('\n') == std::string::npos, "outcome line with a newline", line);
    const outcome_file again = parse_outcomes(line);
    fuzz::require(
        again.skipped.empty() && again.records.size() == 1 && snapped(again.records[0], rec) == rec,
        "outcome line round trip is lossy", line);
  }
  const training_set t = make_training_set(file.records, policy{});
  fuzz::require(t.rows == file.records.size() && t.outcomes.size() == t.rows * complication_count &&
                    t.features.size() == t.rows * risk_features().size(),
                "training set of the wrong shape");
  return 0;
}
