// SPDX-License-Identifier: Apache-2.0
// `mnscreen rules`: the rule catalogue, as Markdown (docs/rules.md is generated from this) or
// as a JSON document for clinic software.
#include <ostream>
#include <string>

#include "cli_io.hpp"
#include "commands.hpp"
#include "mnscreen/rules.hpp"

namespace mnscreen::cli {
namespace po = boost::program_options;

namespace {

constexpr command_usage rules_usage{
    "mnscreen rules [--format md|json]",
    "Prints the rule catalogue of the library's knowledge version: every rule id with its\n"
    "trigger, effect, complications and evidence; the Markdown also gives the plans each rule\n"
    "applies to, the policy settings it reads, the questions that leave it undecided and\n"
    "whether its flag can be overridden. docs/rules.md is `mnscreen rules --format md`."};

po::options_description rules_options() {
  po::options_description options("Options", 100);
  options.add_options()("help,h", "show this help")(
      "format", po::value<std::string>()->value_name("md|json")->default_value("md"),
      "output format");
  return options;
}

/// Writes `text` ending with exactly one newline, so the output is one file/document either way.
void print_document(std::ostream& os, const std::string& text) {
  os << text;
  if (text.empty() || text.back() != '\n') os << '\n';
}

}  // namespace

int run_rules(std::span<const std::string> args, const streams& io) {
  const auto options = rules_options();
  const auto parsed = parse_options(args, options, rules_usage, io);
  if (!parsed) return exit_bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help") != 0) {
    print_usage(io.out, rules_usage, options);
    return exit_ok;
  }
  const auto format = vm["format"].as<std::string>();
  if (format == "md") {
    print_document(io.out, rules_markdown());
  } else if (format == "json") {
    print_document(io.out, rules_json());
  } else {
    return usage_error("--format must be 'md' or 'json', not '" + format + "'", rules_usage,
                       options, io);
  }
  io.out.flush();
  return io.out ? exit_ok : exit_internal_error;
}

}  // namespace mnscreen::cli
