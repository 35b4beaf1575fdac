// SPDX-License-Identifier: Apache-2.0
// `mnscreen explain`: why each rule fired, stayed quiet, does not apply or waits on an unknown
// (issue 11). Inputs as `mnscreen screen`.
#include <algorithm>
#include <optional>
#include <ostream>
#include <string>

#include "cli_io.hpp"
#include "cmd_fhir.hpp"
#include "commands.hpp"
#include "mnscreen/explain.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/rules.hpp"
#include "mnscreen/screener.hpp"

namespace mnscreen::cli {
namespace po = boost::program_options;

namespace {

constexpr command_usage explain_usage{
    "mnscreen explain --intake FILE --plan FILE [--policy FILE] [--rule ID] [--format text|json]\n"
    "       mnscreen explain --fhir FILE --plan FILE [--intake OVERLAY] [--policy FILE] [...]",
    "Explains a screen rule by rule: for each rule of the catalogue its status (fired, quiet,\n"
    "not_applicable, undecided), the facts it looked at with their values and where they came\n"
    "from (the item's source, e.g. a FHIR resource id, or its place in the intake), the policy\n"
    "settings it used and a sentence. --rule ID explains that rule only. --format text\n"
    "(default) or json (a mnscreen.explain/1 document). Inputs and --fhir as for 'screen'.\n"
    "\n"
    "Exit status: 0 explained, 2 bad input or usage (as 'screen'), 1 internal error."};

po::options_description explain_options() {
  po::options_description options("Options", 100);
  options.add_options()("help,h", "show this help")(
      "intake", po::value<std::string>()->value_name("FILE"), "the patient's intake")(
      "fhir", po::value<std::string>()->value_name("FILE"), "the patient's FHIR R4 record")(
      "plan", po::value<std::string>()->value_name("FILE"), "the planned procedure")(
      "rule", po::value<std::string>()->value_name("ID"), "explain this rule only")(
      "format", po::value<std::string>()->value_name("text|json")->default_value("text"),
      "output format");
  add_screener_options(options);
  return options;
}

}  // namespace

int run_explain(std::span<const std::string> args, const streams& io) {
  const auto options = explain_options();
  const auto parsed = parse_options(args, options, explain_usage, io);
  if (!parsed) return exit_bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help") != 0) {
    print_usage(io.out, explain_usage, options);
    return exit_ok;
  }
  const bool from_fhir = vm.count("fhir") != 0;
  if ((vm.count("intake") == 0 && !from_fhir) || vm.count("plan") == 0)
    return usage_error("explain needs --intake FILE (or --fhir FILE) and --plan FILE",
                       explain_usage, options, io);
  const auto output_format = vm["format"].as<std::string>();
  if (output_format != "json" && output_format != "text")
    return usage_error("--format must be 'text' or 'json', not '" + output_format + "'",
                       explain_usage, options, io);
  std::optional<std::string> only;
  if (vm.count("rule") != 0) {
    only = vm["rule"].as<std::string>();
    if (find_rule(*only) == nullptr)
      return usage_error("--rule: '" + *only +
                             "' is not a rule id of the catalogue "
                             "('mnscreen rules' lists them)",
                         explain_usage, options, io);
  }

  auto inputs = load_screen_inputs(vm, explain_usage, options, io);
  if (!inputs) return exit_bad_input;
  if (!inputs->ok()) {
    inputs->diags.print_errors(io.err);
    return exit_bad_input;
  }

  explanation e = inputs->screen->explain(*inputs->record, *inputs->plan);
  // The inputs passed validation, so cannot_screen means the library found a problem the
  // readers did not (or refused an override: docs/api.md, "Overrides").
  if (e.decision == decision::cannot_screen)
    return print_cannot_screen(e.warnings, inputs->plan_path, io.err);
  for (auto& w : inputs->diags.warnings()) e.warnings.push_back(std::move(w));
  if (only)
    e.rules.erase(std::remove_if(e.rules.begin(), e.rules.end(),
                                 [&](const rule_explanation& r) { return r.rule_id != *only; }),
                  e.rules.end());
  io.out << (output_format == "json" ? to_json(e) + "\n" : to_text(e));
  io.out.flush();
  return io.out ? exit_ok : exit_internal_error;
}

}  // namespace mnscreen::cli
