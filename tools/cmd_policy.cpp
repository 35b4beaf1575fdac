// SPDX-License-Identifier: Apache-2.0
// `mnscreen policy`: the policy settings with their cited defaults, as Markdown (docs/policy.md
// is generated from this) or as a complete policy JSON document a clinic can edit. With
// `--policy FILE`, the given policy is validated and printed in full instead of the defaults.
#include <ostream>
#include <string>

#include "cli_io.hpp"
#include "commands.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/policy.hpp"

namespace mnscreen::cli {
namespace po = boost::program_options;

namespace {

constexpr command_usage policy_usage{
    "mnscreen policy [--format md|json] [--policy FILE]",
    "Prints the policy settings: every setting with its default, accepted range and source\n"
    "(md; docs/policy.md is `mnscreen policy --format md`), or a full policy document (json).\n"
    "With --policy FILE, that policy is checked and printed in full (json)."};

po::options_description policy_options() {
  po::options_description options("Options", 100);
  options.add_options()("help,h", "show this help")(
      "format", po::value<std::string>()->value_name("md|json")->default_value("md"),
      "output format")("policy", po::value<std::string>()->value_name("FILE"),
                       "a policy document to check and print (- = stdin)");
  return options;
}

void print_document(std::ostream& os, const std::string& text) {
  os << text;
  if (text.empty() || text.back() != '\n') os << '\n';
}

}  // namespace

int run_policy(std::span<const std::string> args, const streams& io) {
  const auto options = policy_options();
  const auto parsed = parse_options(args, options, policy_usage, io);
  if (!parsed) return exit_bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help") != 0) {
    print_usage(io.out, policy_usage, options);
    return exit_ok;
  }
  const auto format = vm["format"].as<std::string>();
  if (format != "md" && format != "json")
    return usage_error("--format must be 'md' or 'json', not '" + format + "'", policy_usage,
                       options, io);
  if (vm.count("policy") != 0) {
    input_diagnostics diags;
    const auto pol = load_policy(vm["policy"].as<std::string>(), io.in, diags);
    if (!pol || diags.has_errors()) {
      diags.print_errors(io.err);
      return exit_bad_input;
    }
    print_document(io.out, to_json(*pol));
  } else if (format == "md") {
    print_document(io.out, policy_markdown());
  } else {
    print_document(io.out, to_json(policy{}));
  }
  io.out.flush();
  return io.out ? exit_ok : exit_internal_error;
}

}  // namespace mnscreen::cli
