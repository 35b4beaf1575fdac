// SPDX-License-Identifier: Apache-2.0
// `mnscreen fit`: fits the risk model to a clinic's recorded outcomes (mnscreen.outcome/1 JSON
// Lines) and writes a model file for `mnscreen screen --model`, plus an optional HTML report.
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>

#include "cli_io.hpp"
#include "commands.hpp"
#include "mnscreen/dates.hpp"
#include "mnscreen/fit.hpp"

namespace mnscreen::cli {
namespace po = boost::program_options;

namespace {

constexpr command_usage fit_usage{
    "mnscreen fit --outcomes FILE.jsonl --out model.json [--report fit.html] [--folds 5]\n"
    "             [--penalty L] [--name NAME] [--fitted-on YYYY-MM-DD] [--policy FILE]",
    "Fits the risk model to recorded outcomes: per complication, logistic regression with a\n"
    "Gaussian prior of precision L (default 1) centred on the prior coefficients, by Newton's\n"
    "method; then k-fold cross-validated AUC, Brier score and calibration. Writes the model\n"
    "file (mnscreen.model/1; '-' = standard output) and, with --report, an HTML page with\n"
    "calibration plots and ROC curves. docs/risk-model.md describes the method.\n"
    "\n"
    "The outcome file has one JSON object per line: {\"schema\": \"mnscreen.outcome/1\",\n"
    "\"intake\": {...}, \"plan\": {...}, \"outcomes\": {\"infection\": false, ...}}. Bad lines "
    "are\n"
    "reported on stderr as 'file:LINE: reason' and skipped; the rest are used. --policy gives\n"
    "the policy whose settings define features such as 'inside the wash-out'.\n"
    "\n"
    "Exit status: 0 fitted (the summary says which complications kept their priors), 2 bad\n"
    "input or usage (including no usable line), 1 internal error."};

// Outcome files are read whole; this is the limit on their size.
constexpr std::size_t max_outcome_bytes = std::size_t{2} * 1024 * 1024 * 1024;

po::options_description fit_options_description() {
  po::options_description options("Options", 100);
  options.add_options()("help,h", "show this help")(
      "outcomes", po::value<std::string>()->value_name("FILE"),
      "outcome records, JSON Lines ('-' = standard input)")(
      "out", po::value<std::string>()->value_name("FILE"), "the model file to write")(
      "report", po::value<std::string>()->value_name("FILE"), "the HTML report to write")(
      "folds", po::value<std::size_t>()->value_name("K")->default_value(5),
      "cross-validation folds (0 = none)")(
      "penalty", po::value<double>()->value_name("L")->default_value(1.0),
      "precision of the prior around the prior coefficients (0 = maximum likelihood)")(
      "name", po::value<std::string>()->value_name("NAME")->default_value("clinic"),
      "model name (shown in every report's 'model')")(
      "fitted-on", po::value<std::string>()->value_name("YYYY-MM-DD"),
      "fitted date of the model file (default: today, UTC)")(
      "seed", po::value<std::uint64_t>()->value_name("S")->default_value(20261125),
      "seed of the cross-validation folds")(
      "policy", po::value<std::string>()->value_name("FILE"),
      "clinic policy (mnscreen.policy/1) used to build the features");
  return options;
}

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "n/a";
  std::array<char, 32> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "%.*f", decimals, v);
  return std::string(buf.data(), static_cast<std::size_t>(n > 0 ? n : 0));
}

bool write_file(const std::string& path, const std::string& text, std::ostream& out) {
  if (path == "-") {
    out << text;
    return static_cast<bool>(out);
  }
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  return static_cast<bool>(f);
}

}  // namespace

int run_fit(std::span<const std::string> args, const streams& io) {
  const auto options = fit_options_description();
  const auto parsed = parse_options(args, options, fit_usage, io);
  if (!parsed) return exit_bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help") != 0) {
    print_usage(io.out, fit_usage, options);
    return exit_ok;
  }
  if (vm.count("outcomes") == 0)
    return usage_error("--outcomes is required", fit_usage, options, io);
  if (vm.count("out") == 0) return usage_error("--out is required", fit_usage, options, io);
  const std::string outcomes_path = vm["outcomes"].as<std::string>();
  const std::string out_path = vm["out"].as<std::string>();
  const std::string report_path = vm.count("report") != 0 ? vm["report"].as<std::string>() : "";
  if (vm.count("policy") != 0 && vm["policy"].as<std::string>() == "-" && outcomes_path == "-")
    return usage_error("at most one input may be '-'", fit_usage, options, io);
  if (out_path == "-" && report_path == "-")
    return usage_error("at most one output may be '-'", fit_usage, options, io);

  fit_options opt;
  opt.folds = vm["folds"].as<std::size_t>();
  opt.penalty = vm["penalty"].as<double>();
  opt.seed = vm["seed"].as<std::uint64_t>();
  opt.name = vm["name"].as<std::string>();
  if (opt.folds == 1) return usage_error("--folds must be 0 or at least 2", fit_usage, options, io);
  if (!(opt.penalty >= 0.0) || !std::isfinite(opt.penalty))
    return usage_error("--penalty must be a number >= 0", fit_usage, options, io);
  if (vm.count("fitted-on") != 0) {
    opt.fitted_on = parse_date(vm["fitted-on"].as<std::string>());
    if (!opt.fitted_on)
      return usage_error("--fitted-on must be a date YYYY-MM-DD", fit_usage, options, io);
  } else {
    // The tool, not the library, reads the clock: the model file's date of fitting.
    opt.fitted_on = date{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
  }

  input_diagnostics diags;
  policy pol;
  if (vm.count("policy") != 0) {
    auto loaded = load_policy(vm["policy"].as<std::string>(), io.in, diags);
    if (loaded) pol = std::move(*loaded);
  }
  const auto text = read_input(outcomes_path, io.in, max_outcome_bytes, diags);
  if (diags.has_errors() || !text) {
    diags.print_errors(io.err);
    return exit_bad_input;
  }
  const std::string name = display_name(outcomes_path);
  const outcome_file file = parse_outcomes(*text, read_limits{});
  for (const auto& s : file.skipped) io.err << name << ':' << s.line << ": " << s.reason << '\n';
  for (const auto& w : file.warnings)
    io.err << name << ':' << w.line << ": warning: " << w.reason << '\n';
  // The summary goes to stdout, or to stderr when stdout carries the model file.
  std::ostream& summary = out_path == "-" ? io.err : io.out;
  summary << name << ": " << file.records.size() << " lines used, " << file.skipped.size()
          << " skipped\n";
  if (file.records.empty()) {
    io.err << "mnscreen: " << name << ": no usable outcome record\n";
    return exit_bad_input;
  }

  const fit_result fit = fit_risk_model(make_training_set(file.records, pol), opt);
  summary << "model: " << fit.model.label() << "\n";
  for (const complication_fit& cf : fit.complications) {
    std::string c(to_string(cf.complication));
    c.resize(18, ' ');
    summary << "  " << c << ' ' << to_string(cf.status) << ", " << cf.events << " events in "
            << cf.records;
    if (cf.cross_validation) {
      const evaluation& e = *cf.cross_validation;
      summary << "; AUC " << fixed(e.auc, 3) << " (" << fixed(e.auc_lower95, 3) << "-"
              << fixed(e.auc_upper95, 3) << "), Brier " << fixed(e.brier, 4)
              << ", calibration slope " << fixed(e.calibration_slope, 2);
    }
    summary << '\n';
    if (cf.status != fit_status::converged) summary << "      " << cf.message << '\n';
    for (const std::string& w : cf.warnings) summary << "      warning: " << w << '\n';
  }

  if (!write_file(out_path, to_json(make_model_file(fit)), io.out)) {
    io.err << "mnscreen: " << out_path << ": cannot write the model file\n";
    return exit_bad_input;
  }
  if (!report_path.empty() && !write_file(report_path, fit_report_html(fit), io.out)) {
    io.err << "mnscreen: " << report_path << ": cannot write the report\n";
    return exit_bad_input;
  }
  io.out.flush();
  return io.out ? exit_ok : exit_internal_error;
}

}  // namespace mnscreen::cli
