// SPDX-License-Identifier: Apache-2.0
// `mnscreen screen`: one intake and one plan (and optionally a clinic policy) -> one report.
#include <algorithm>
#include <optional>
#include <ostream>
#include <string>

#include "cli_io.hpp"
#include "cmd_fhir.hpp"
#include "commands.hpp"
#include "mnscreen/html.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/report.hpp"
#include "mnscreen/screener.hpp"

namespace mnscreen::cli {
namespace po = boost::program_options;

namespace {

constexpr command_usage screen_usage{
    "mnscreen screen --intake FILE --plan FILE [--policy FILE]\n"
    "                       [--format json|text|html [--paper any|a4|letter]]\n"
    "       mnscreen screen --fhir FILE --plan FILE [--intake OVERLAY] [--policy FILE] [...]",
    "Screens one patient (intake, mnscreen.intake/1) for one procedure (plan, mnscreen.plan/1)\n"
    "and prints the report: a mnscreen.report/1 JSON document (default) or a summary for\n"
    "clinic staff (--format text) or one self-contained printable HTML page (--format html;\n"
    "--paper fixes the print page size, default any: the printer's). FILE may be '-' for\n"
    "standard input (at most one input).\n"
    "\n"
    "Warnings about the inputs (unknown keys, ...) are added to the report's warnings, each\n"
    "message starting with the name of the file it concerns; the path is the JSON path inside\n"
    "that file. Any error in any input is printed on stderr as 'file: $.path: message' (all of\n"
    "them, for every file) and nothing is screened.\n"
    "\n"
    "--fhir reads the patient from a FHIR R4 Bundle or resource instead (stale records checked\n"
    "as of the plan's date); --intake beside it is an overlay that adds to or overrides what the\n"
    "record gave (docs/fhir.md). The record's warnings and questions go to the report.\n"
    "\n"
    "Exit status: 0 screened (whatever the decision), 2 bad input or usage, 1 internal error."};

po::options_description screen_options() {
  po::options_description options("Options", 100);
  options.add_options()("help,h", "show this help")(
      "intake", po::value<std::string>()->value_name("FILE"), "the patient's intake")(
      "fhir", po::value<std::string>()->value_name("FILE"), "the patient's FHIR R4 record")(
      "plan", po::value<std::string>()->value_name("FILE"), "the planned procedure")(
      "format", po::value<std::string>()->value_name("json|text|html")->default_value("json"),
      "output format")("paper",
                       po::value<std::string>()->value_name("any|a4|letter")->default_value("any"),
                       "print page size of --format html");
  add_screener_options(options);
  return options;
}

}  // namespace

int run_screen(std::span<const std::string> args, const streams& io) {
  const auto options = screen_options();
  const auto parsed = parse_options(args, options, screen_usage, io);
  if (!parsed) return exit_bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help") != 0) {
    print_usage(io.out, screen_usage, options);
    return exit_ok;
  }
  const bool from_fhir = vm.count("fhir") != 0;
  if ((vm.count("intake") == 0 && !from_fhir) || vm.count("plan") == 0)
    return usage_error("screen needs --intake FILE (or --fhir FILE) and --plan FILE", screen_usage,
                       options, io);
  const auto output_format = vm["format"].as<std::string>();
  if (output_format != "json" && output_format != "text" && output_format != "html")
    return usage_error("--format must be 'json', 'text' or 'html', not '" + output_format + "'",
                       screen_usage, options, io);
  html_options html;
  const auto paper = vm["paper"].as<std::string>();
  if (paper == "a4") {
    html.paper = paper_size::a4;
  } else if (paper == "letter") {
    html.paper = paper_size::letter;
  } else if (paper != "any") {
    return usage_error("--paper must be 'any', 'a4' or 'letter', not '" + paper + "'", screen_usage,
                       options, io);
  }

  auto inputs = load_screen_inputs(vm, screen_usage, options, io);
  if (!inputs) return exit_bad_input;
  if (!inputs->ok()) {
    inputs->diags.print_errors(io.err);
    return exit_bad_input;
  }

  report rep = inputs->screen->screen(*inputs->record, *inputs->plan);
  // The inputs passed validation, so cannot_screen means the library found a problem the
  // readers did not (or refused an override: docs/api.md, "Overrides").
  if (rep.decision == decision::cannot_screen)
    return print_cannot_screen(rep.warnings, inputs->plan_path, io.err);
  for (auto& w : inputs->diags.warnings()) rep.warnings.push_back(std::move(w));
  if (inputs->fhir) add_fhir_findings(rep, inputs->fhir->findings);

  if (output_format == "text") {
    io.out << to_text(rep);
  } else if (output_format == "html") {
    io.out << to_html(rep, html);
  } else {
    io.out << to_json(rep) << '\n';
  }
  io.out.flush();
  return io.out ? exit_ok : exit_internal_error;
}

}  // namespace mnscreen::cli
