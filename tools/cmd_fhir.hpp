// SPDX-License-Identifier: Apache-2.0
// The FHIR input of the tool: `mnscreen fhir-to-intake` (cmd_fhir.cpp) and the `--fhir` option
// of `mnscreen screen`, which reads a FHIR R4 record instead of (or under) an intake.
#ifndef MNSCREEN_TOOLS_CMD_FHIR_HPP
#define MNSCREEN_TOOLS_CMD_FHIR_HPP

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "cli_io.hpp"
#include "mnscreen/fhir.hpp"

namespace mnscreen::cli {

/// What `screen --fhir` screens: the record's intake with the overlay merged in, and the
/// reader's questions for the report.
struct fhir_screen_input {
  /// Empty when the record or the overlay has an error (the errors are in the diagnostics).
  std::optional<intake> record;
  /// The reader's result without its diagnostics (they were recorded under the file name):
  /// its questions go to the report through `add_fhir_findings`.
  parse_result<fhir_intake> findings;
};

/// Reads `fhir_path` (a Bundle or a resource; `-` = `in`) as of the plan's date with the
/// policy's stale-record windows, then overlays `overlay_path` (an intake document) if given
/// (`merge_intake`). Every diagnostic goes to `diags` under its file's name: the record's
/// warnings become report warnings; any error in either file stops the screen.
[[nodiscard]] fhir_screen_input load_fhir_input(std::string_view fhir_path,
                                                const std::optional<std::string>& overlay_path,
                                                const std::optional<screener>& screen,
                                                const std::optional<procedure_plan>& plan,
                                                std::istream& in, input_diagnostics& diags);

}  // namespace mnscreen::cli

#endif  // MNSCREEN_TOOLS_CMD_FHIR_HPP
