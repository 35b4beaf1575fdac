// SPDX-License-Identifier: Apache-2.0
// The FHIR input of the tool: `mnscreen fhir-to-intake` (cmd_fhir.cpp) and the `--fhir` option
// of `mnscreen screen`, which reads a FHIR R4 record instead of (or under) an intake.
#ifndef MNSCREEN_TOOLS_CMD_FHIR_HPP
#define MNSCREEN_TOOLS_CMD_FHIR_HPP

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

/// The inputs of a command that screens one patient (`screen`, `explain`): an intake
/// (`--intake`) or a FHIR record (`--fhir`, the intake then an overlay), the plan (`--plan`) and
/// the screener options. Every input is read before anything is reported, so that one run lists
/// every problem of every file.
struct screen_inputs {
  std::string plan_path;
  std::optional<intake> record;
  std::optional<procedure_plan> plan;
  std::optional<screener> screen;
  /// Set with `--fhir`: the reader's findings go into the report (`add_fhir_findings`).
  std::optional<fhir_screen_input> fhir;
  input_diagnostics diags;

  /// True when everything needed was read without error.
  [[nodiscard]] bool ok() const noexcept { return !diags.has_errors() && record && plan && screen; }
};

/// Reads the inputs named by `vm`. Two inputs read from standard input is a usage error: the
/// message goes to `io.err` with the usage and the result is empty (exit `exit_bad_input`).
[[nodiscard]] std::optional<screen_inputs> load_screen_inputs(
    const boost::program_options::variables_map& vm, const command_usage& usage,
    const boost::program_options::options_description& options, const streams& io);

/// For a report or explanation of `decision::cannot_screen` after the readers found nothing:
/// prints the library's errors (a refused override is an error in the plan file, the rest
/// cannot be tied to one file) and returns `exit_bad_input`.
[[nodiscard]] int print_cannot_screen(const std::vector<diagnostic>& found,
                                      std::string_view plan_path, std::ostream& err);

}  // namespace mnscreen::cli

#endif  // MNSCREEN_TOOLS_CMD_FHIR_HPP
