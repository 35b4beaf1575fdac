// SPDX-License-Identifier: Apache-2.0
// `mnscreen <command> ...`: dispatches to the subcommands of commands.hpp. This file knows the
// command names and the global options (--help, --version) and nothing else; it is also the one
// place where an escaped exception becomes exit status 1.
#include <exception>
#include <iostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli_io.hpp"
#include "commands.hpp"
#include "mnscreen/version.hpp"

namespace {

using mnscreen::cli::streams;

struct command {
  std::string_view name;
  std::string_view summary;
  mnscreen::cli::command_fn run;
};

// One row per subcommand, in the order `mnscreen --help` lists them. A new command is one row
// here, its declaration in commands.hpp and its cmd_<name>.cpp in tools/CMakeLists.txt.
constexpr command command_table[] = {
    {"screen", "screen one patient for one procedure plan and print the report",
     mnscreen::cli::run_screen},
    {"explain", "explain a screen rule by rule: fired, quiet, not applicable or undecided, and why",
     mnscreen::cli::run_explain},
    {"rules", "print the rule catalogue (Markdown or JSON)", mnscreen::cli::run_rules},
    {"policy", "print the policy settings and their cited defaults (Markdown or JSON)",
     mnscreen::cli::run_policy},
    {"batch", "screen many patients (NDJSON records or a FHIR Bulk Data export), streaming",
     mnscreen::cli::run_batch},
    {"fhir-to-intake", "print what the FHIR reader understood of a FHIR R4 record",
     mnscreen::cli::run_fhir_to_intake},
    {"fit", "fit the risk model to recorded outcomes and write a model file",
     mnscreen::cli::run_fit},
    {"simulate", "write synthetic outcome records drawn from a known model",
     mnscreen::cli::run_simulate},
    {"audit", "export the audit trail of `serve` (JSON lines or CSV) or its override rates",
     mnscreen::cli::run_audit},
    {"serve", "run the CDS Hooks service and the HTTP screening endpoints",
     mnscreen::cli::run_serve},
};

const command* find_command(std::string_view name) noexcept {
  for (const auto& c : command_table)
    if (c.name == name) return &c;
  return nullptr;
}

void print_help(std::ostream& os) {
  os << "usage: mnscreen <command> [options]\n"
        "       mnscreen --help | --version\n"
        "\n"
        "Screens a patient before microneedling: a decision, contraindication flags, risk\n"
        "scores and advice, from the rules of knowledge version "
     << mnscreen::knowledge_version
     << ".\n"
        "\n"
        "Commands:\n";
  for (const auto& c : command_table) {
    std::string name{c.name};
    name.resize(16, ' ');
    os << "  " << name << c.summary << '\n';
  }
  os << "\n'mnscreen <command> --help' describes a command's options.\n"
        "Exit status: 0 success, 2 bad input or usage, 1 internal error.\n";
}

void print_version(std::ostream& os) {
  os << "mnscreen " << mnscreen::library_version << '\n'
     << "knowledge " << mnscreen::knowledge_version << '\n';
}

int usage_error(std::string_view message, const streams& io) {
  io.err << "mnscreen: " << message << "\n\n";
  print_help(io.err);
  return mnscreen::cli::exit_bad_input;
}

int dispatch(std::span<const std::string> args, const streams& io) {
  if (args.empty()) return usage_error("no command given", io);
  const std::string& first = args.front();
  if (first == "--help" || first == "-h") {
    print_help(io.out);
    return mnscreen::cli::exit_ok;
  }
  if (first == "--version") {
    print_version(io.out);
    return mnscreen::cli::exit_ok;
  }
  if (first == "help") {
    // `mnscreen help <command>` is the same as `mnscreen <command> --help`.
    if (args.size() == 1) {
      print_help(io.out);
      return mnscreen::cli::exit_ok;
    }
    const command* c = find_command(args[1]);
    if (c == nullptr) return usage_error("unknown command '" + args[1] + "'", io);
    const std::string help_flag{"--help"};
    return c->run(std::span<const std::string>(&help_flag, 1), io);
  }
  if (first.starts_with("-")) return usage_error("unknown option '" + first + "'", io);
  const command* c = find_command(first);
  if (c == nullptr) return usage_error("unknown command '" + first + "'", io);
  return c->run(args.subspan(1), io);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::span<char*> raw(argv, static_cast<std::size_t>(argc));
    const std::vector<std::string> args(raw.begin() + (raw.empty() ? 0 : 1), raw.end());
    const streams io{std::cin, std::cout, std::cerr};
    const int status = dispatch(args, io);
    std::cout.flush();
    if (!std::cout) {
      std::cerr << "mnscreen: could not write the output\n";
      return mnscreen::cli::exit_internal_error;
    }
    return status;
  } catch (const std::exception& e) {
    std::cerr << "mnscreen: internal error: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "mnscreen: internal error (unknown exception)\n";
  }
  return mnscreen::cli::exit_internal_error;
}
