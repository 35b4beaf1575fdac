// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: outcome lines (`mnscreen.outcome/1`, JSON Lines). No crash on any bytes;
// every line is either a record or a skipped line with its number and reason; each record read
// survives to_json_line and a second read unchanged (numbers bit for bit); the training
// matrices can be built.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "mnscreen/fit.hpp"

using namespace mnscreen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const outcome_file file = parse_outcomes(text);
  for (const auto& p : file.skipped)
    fuzz::require(p.line >= 1 && !p.reason.empty(), "skipped line without number or reason");
  for (const outcome_record& rec : file.records) {
    const std::string line = to_json_line(rec);
    fuzz::require(line.find('\n') == std::string::npos, "outcome line with a newline", line);
    const outcome_file again = parse_outcomes(line);
    fuzz::require(again.skipped.empty() && again.records.size() == 1 && again.records[0] == rec,
                  "outcome line round trip is lossy", line);
  }
  const training_set t = make_training_set(file.records, policy{});
  fuzz::require(t.rows == file.records.size() && t.outcomes.size() == t.rows * complication_count &&
                    t.features.size() == t.rows * risk_features().size(),
                "training set of the wrong shape");
  return 0;
}
