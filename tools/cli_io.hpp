// SPDX-License-Identifier: Apache-2.0
// What every subcommand of the tool shares: exit codes, option parsing with usage errors,
// reading a file or stdin (`-`), loading the JSON documents of formats.md with every diagnostic
// collected, and building the screener from `--policy` (and, later, `--model`).
//
// Diagnostics are printed as `file: $.path: message`; stdin is named `<stdin>`.
#ifndef MNSCREEN_TOOLS_CLI_IO_HPP
#define MNSCREEN_TOOLS_CLI_IO_HPP

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>

#include "commands.hpp"
#include "mnscreen/diagnostic.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/patient.hpp"
#include "mnscreen/policy.hpp"
#include "mnscreen/procedure.hpp"
#include "mnscreen/screener.hpp"

namespace mnscreen::cli {

/// Exit codes of formats.md: 0 screened (whatever the decision), 2 bad input or usage,
/// 1 internal error.
enum exit_code : int { exit_ok = 0, exit_internal_error = 1, exit_bad_input = 2 };

/// The name a path is shown under in messages: the path itself, or `<stdin>` for `-`.
[[nodiscard]] std::string display_name(std::string_view path);

/// How a command describes itself in `--help` and usage errors.
struct command_usage {
  /// e.g. "mnscreen rules [--format md|json]".
  std::string_view synopsis;
  /// One paragraph or more, already wrapped at 100 columns.
  std::string_view description;
};

/// Prints the synopsis, the description and the options.
void print_usage(std::ostream& os, const command_usage& usage,
                 const boost::program_options::options_description& options);

/// Parses a command's arguments. Unknown options, missing values and stray positional arguments
/// are usage errors: the message and the usage go to `io.err` and the result is empty (the
/// command then exits with `exit_bad_input`).
[[nodiscard]] std::optional<boost::program_options::variables_map> parse_options(
    std::span<const std::string> args, const boost::program_options::options_description& options,
    const command_usage& usage, const streams& io);

/// Prints a usage error (`mnscreen: <message>` then the usage) on `io.err`; returns
/// `exit_bad_input` so that callers can `return usage_error(...)`.
[[nodiscard]] int usage_error(std::string_view message, const command_usage& usage,
                              const boost::program_options::options_description& options,
                              const streams& io);

/// Diagnostics of every input of one command, each with the file it came from. Nothing is
/// printed until the command has read all its inputs, so that every problem of every file is
/// reported in one run.
class input_diagnostics {
 public:
  /// Records the diagnostics of one file (any severity).
  void add(std::string_view file, std::span<const diagnostic> ds);
  void add(std::string_view file, diagnostic d);
  /// Records only the error and fatal diagnostics (used for a second pass over a document whose
  /// warnings were already recorded).
  void add_errors(std::string_view file, std::span<const diagnostic> ds);

  /// True if any recorded diagnostic is an error or fatal.
  [[nodiscard]] bool has_errors() const noexcept;
  /// Prints every error and fatal diagnostic as `file: $.path: message`, in the order recorded.
  void print_errors(std::ostream& err) const;
  /// The warnings, for the report: `code` and `path` unchanged, `message` prefixed with
  /// `file: ` so that a reader knows which input a path refers to.
  [[nodiscard]] std::vector<diagnostic> warnings() const;

 private:
  struct entry {
    std::string file;
    diagnostic d;
  };
  std::vector<entry> entries_;
};

/// The whole text of `path`, or of `in` when `path` is `-`. A file that cannot be opened or is
/// larger than `max_bytes` is recorded as a fatal diagnostic and gives `std::nullopt`.
[[nodiscard]] std::optional<std::string> read_input(std::string_view path, std::istream& in,
                                                    std::size_t max_bytes,
                                                    input_diagnostics& diags);

/// Reads, parses and validates one document. Every diagnostic goes to `diags` under the
/// file's display name; the value is returned only when there was no error.
[[nodiscard]] std::optional<intake> load_intake(std::string_view path, std::istream& in,
                                                input_diagnostics& diags);
[[nodiscard]] std::optional<procedure_plan> load_plan(std::string_view path, std::istream& in,
                                                      input_diagnostics& diags);
[[nodiscard]] std::optional<policy> load_policy(std::string_view path, std::istream& in,
                                                input_diagnostics& diags);

/// Adds the options that choose how the screener is built (`--policy FILE`; this is where a
/// `--model FILE` option belongs) to a command's options. Shared so that every command that
/// screens accepts the same ones.
void add_screener_options(boost::program_options::options_description& options);

/// Paths of the screener options that read `-` (stdin), for the "at most one `-`" check.
[[nodiscard]] std::vector<std::string> screener_input_paths(
    const boost::program_options::variables_map& vm);

/// Builds the screener from the options of `add_screener_options`: the policy file if given
/// (else the cited defaults) and the prior risk model. Problems in the files go to `diags` and
/// give `std::nullopt`.
[[nodiscard]] std::optional<screener> load_screener(const boost::program_options::variables_map& vm,
                                                    std::istream& in, input_diagnostics& diags);

}  // namespace mnscreen::cli

#endif  // MNSCREEN_TOOLS_CLI_IO_HPP
