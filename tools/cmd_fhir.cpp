// SPDX-License-Identifier: Apache-2.0
// `mnscreen fhir-to-intake BUNDLE.json`: what the FHIR reader understood of a record — the
// intake, each mapping with the coding it came from, the questions and every warning — and the
// FHIR input of `mnscreen screen --fhir`.
#include "cmd_fhir.hpp"

#include <algorithm>
#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "mnscreen/fhir.hpp"
#include "mnscreen/json.hpp"

namespace mnscreen::cli {
namespace po = boost::program_options;

namespace {

constexpr command_usage fhir_usage{
    "mnscreen fhir-to-intake FILE [--as-of DATE] [--policy FILE] [--patient ID]\n"
    "                               [--format full|intake]",
    "Reads a FHIR R4 record (a Bundle or a single resource; FILE may be '-' for standard input)\n"
    "and prints what it understood. --format full (default): a mnscreen.fhir-intake/1 JSON\n"
    "document with the intake, every mapping (resource, coding, vocabulary word), the questions\n"
    "(records not taken as facts, e.g. an 'active' prescription last written years ago) and every\n"
    "diagnostic. --format intake: the mnscreen.intake/1 document only, for 'screen --intake'.\n"
    "\n"
    "--as-of is the screening date used for the stale-record checks (default: today); --policy\n"
    "gives the stale-record windows (stale_pregnancy_days, stale_prescription_days). --patient\n"
    "chooses the patient of a Bundle that holds several.\n"
    "\n"
    "Errors (a malformed resource; the rest is still read) and warnings are also printed on\n"
    "stderr as 'file: $.path: message'.\n"
    "\n"
    "Exit status: 0 read (warnings allowed), 2 an error in the record or bad usage, 1 internal\n"
    "error."};

po::options_description fhir_options_description() {
  po::options_description options("Options", 100);
  options.add_options()("help,h", "show this help")(
      "input", po::value<std::string>()->value_name("FILE"), "the FHIR record")(
      "as-of", po::value<std::string>()->value_name("DATE"),
      "screening date YYYY-MM-DD (default: today)")(
      "patient", po::value<std::string>()->value_name("ID"), "Patient.id to read")(
      "format", po::value<std::string>()->value_name("full|intake")->default_value("full"),
      "output format");
  add_screener_options(options);
  return options;
}

date today() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return date{now};
}

}  // namespace

int run_fhir_to_intake(std::span<const std::string> args, const streams& io) {
  auto options = fhir_options_description();
  // The record is the one positional argument.
  std::vector<std::string> rewritten;
  for (const auto& a : args) {
    if (!a.empty() && (a[0] != '-' || a == "-") &&
        (rewritten.empty() || rewritten.back().rfind("--", 0) != 0 ||
         rewritten.back() == "--help" || rewritten.back().find('=') != std::string::npos)) {
      rewritten.emplace_back("--input");
    }
    rewritten.push_back(a);
  }
  const auto parsed = parse_options(rewritten, options, fhir_usage, io);
  if (!parsed) return exit_bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help") != 0) {
    print_usage(io.out, fhir_usage, options);
    return exit_ok;
  }
  if (vm.count("input") == 0)
    return usage_error("fhir-to-intake needs the FHIR record FILE", fhir_usage, options, io);
  const auto output_format = vm["format"].as<std::string>();
  if (output_format != "full" && output_format != "intake")
    return usage_error("--format must be 'full' or 'intake', not '" + output_format + "'",
                       fhir_usage, options, io);
  date as_of = today();
  if (vm.count("as-of") != 0) {
    const auto d = parse_date(vm["as-of"].as<std::string>());
    if (!d)
      return usage_error(
          "--as-of must be a date YYYY-MM-DD, not '" + vm["as-of"].as<std::string>() + "'",
          fhir_usage, options, io);
    as_of = *d;
  }
  const std::string path = vm["input"].as<std::string>();
  auto paths = screener_input_paths(vm);
  paths.push_back(path);
  if (std::count(paths.begin(), paths.end(), "-") > 1)
    return usage_error("only one input can be read from standard input ('-')", fhir_usage, options,
                       io);

  input_diagnostics diags;
  const auto screen = load_screener(vm, io.in, diags);
  fhir_options o = make_fhir_options(screen ? screen->active_policy() : policy{}, as_of);
  if (vm.count("patient") != 0) o.patient_id = vm["patient"].as<std::string>();
  const auto text = read_input(path, io.in, o.max_bytes, diags);
  if (!text || !screen) {
    diags.print_errors(io.err);
    return exit_bad_input;
  }
  const fhir_reader reader;
  const auto result = reader.read(*text, o);
  const std::string name = display_name(path);
  for (const auto& d : result.diagnostics) io.err << format(d, name) << '\n';
  if (output_format == "intake")
    io.out << to_json(result.value.record) << '\n';
  else
    io.out << to_json(result) << '\n';
  io.out.flush();
  if (!io.out) return exit_internal_error;
  return result.ok() ? exit_ok : exit_bad_input;
}

fhir_screen_input load_fhir_input(std::string_view fhir_path,
                                  const std::optional<std::string>& overlay_path,
                                  const std::optional<screener>& screen,
                                  const std::optional<procedure_plan>& plan, std::istream& in,
                                  input_diagnostics& diags) {
  fhir_screen_input out;
  fhir_options o;
  if (screen && plan) o = make_fhir_options(screen->active_policy(), plan->date);
  const auto text = read_input(fhir_path, in, o.max_bytes, diags);
  std::optional<intake> overlay;
  if (overlay_path) overlay = load_intake(*overlay_path, in, diags);
  if (!text) return out;
  out.findings = fhir_reader{}.read(*text, o);
  diags.add(display_name(fhir_path), out.findings.diagnostics);
  const bool ok = out.findings.ok() && (!overlay_path || overlay.has_value());
  out.findings.diagnostics.clear();
  if (!ok) return out;
  out.record =
      overlay ? merge_intake(out.findings.value.record, *overlay) : out.findings.value.record;
  return out;
}

std::optional<screen_inputs> load_screen_inputs(const po::variables_map& vm,
                                                const command_usage& usage,
                                                const po::options_description& options,
                                                const streams& io) {
  const bool from_fhir = vm.count("fhir") != 0;
  const auto intake_path = vm.count("intake") != 0 ? vm["intake"].as<std::string>() : std::string();
  auto paths = screener_input_paths(vm);
  if (!intake_path.empty()) paths.push_back(intake_path);
  if (from_fhir) paths.push_back(vm["fhir"].as<std::string>());
  paths.push_back(vm["plan"].as<std::string>());
  if (std::count(paths.begin(), paths.end(), "-") > 1) {
    (void)usage_error("only one input can be read from standard input ('-')", usage, options, io);
    return std::nullopt;
  }

  screen_inputs r;
  r.plan_path = vm["plan"].as<std::string>();
  if (!from_fhir) r.record = load_intake(intake_path, io.in, r.diags);
  r.plan = load_plan(r.plan_path, io.in, r.diags);
  r.screen = load_screener(vm, io.in, r.diags);
  if (from_fhir) {
    // The record is read as of the plan's date, with the policy's stale-record windows.
    r.fhir = load_fhir_input(vm["fhir"].as<std::string>(),
                             intake_path.empty() ? std::nullopt : std::optional(intake_path),
                             r.screen, r.plan, io.in, r.diags);
    r.record = r.fhir->record;
  }
  return r;
}

int print_cannot_screen(const std::vector<diagnostic>& found, std::string_view plan_path,
                        std::ostream& err) {
  bool printed = false;
  for (const auto& d : found) {
    if (d.severity == severity::warning) continue;
    err << format(d, d.code == "override_refused" ? plan_path : "<inputs>") << '\n';
    printed = true;
  }
  if (!printed) err << "mnscreen: the library could not screen these inputs\n";
  return exit_bad_input;
}

}  // namespace mnscreen::cli
