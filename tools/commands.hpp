// SPDX-License-Identifier: Apache-2.0
// The subcommands of the `mnscreen` tool. Each lives in its own tools/cmd_<name>.cpp and is
// listed once in the command table of tools/main.cpp. Adding a command means: a cmd_<name>.cpp
// defining `run_<name>`, one declaration here, one row in the table, one source in
// tools/CMakeLists.txt.
#ifndef MNSCREEN_TOOLS_COMMANDS_HPP
#define MNSCREEN_TOOLS_COMMANDS_HPP

#include <iosfwd>
#include <span>
#include <string>

namespace mnscreen::cli {

/// The streams a command reads and writes. Passed in (not `std::cin`/`std::cout` directly) so
/// that a command never reaches for process-wide state it was not given.
struct streams {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

/// A command: the arguments after the command name (`mnscreen screen --intake a.json` gives
/// `{"--intake", "a.json"}`). Returns the process exit code (cli_io.hpp `exit_code`).
/// May throw: main reports any exception as an internal error (exit 1).
using command_fn = int (*)(std::span<const std::string> args, const streams& io);

/// `mnscreen screen`: one intake, one plan, optional policy -> one report (cmd_screen.cpp).
[[nodiscard]] int run_screen(std::span<const std::string> args, const streams& io);

/// `mnscreen explain`: a screen explained rule by rule (cmd_explain.cpp).
[[nodiscard]] int run_explain(std::span<const std::string> args, const streams& io);

/// `mnscreen rules`: the rule catalogue as Markdown or JSON (cmd_rules.cpp).
[[nodiscard]] int run_rules(std::span<const std::string> args, const streams& io);

[[nodiscard]] int run_policy(std::span<const std::string> args, const streams& io);

/// `mnscreen batch`: NDJSON records in, one report line each, streaming (cmd_batch.cpp).
[[nodiscard]] int run_batch(std::span<const std::string> args, const streams& io);

/// `mnscreen fhir-to-intake`: what the FHIR reader understood of a record (cmd_fhir.cpp).
[[nodiscard]] int run_fhir_to_intake(std::span<const std::string> args, const streams& io);

/// `mnscreen fit`: outcome records in, a fitted model file (and HTML report) out (cmd_fit.cpp).
[[nodiscard]] int run_fit(std::span<const std::string> args, const streams& io);

/// `mnscreen simulate`: synthetic outcome records from a known model (cmd_simulate.cpp).
[[nodiscard]] int run_simulate(std::span<const std::string> args, const streams& io);

/// `mnscreen audit`: the audit database of `mnscreen serve` as JSON lines or CSV, or the
/// override rate per rule (cmd_audit.cpp, src/audit).
[[nodiscard]] int run_audit(std::span<const std::string> args, const streams& io);

/// `mnscreen serve`: the CDS Hooks service over HTTP (cmd_serve.cpp, src/server).
[[nodiscard]] int run_serve(std::span<const std::string> args, const streams& io);

}  // namespace mnscreen::cli

#endif  // MNSCREEN_TOOLS_COMMANDS_HPP
