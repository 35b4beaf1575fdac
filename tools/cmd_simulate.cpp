// SPDX-License-Identifier: Apache-2.0
// `mnscreen simulate`: synthetic outcome records (mnscreen.outcome/1 JSON Lines) drawn from a
// known model, for tests, examples and benchmarks of `mnscreen fit`.
#include <cstdint>
#include <fstream>
#include <ostream>
#include <string>

#include "cli_io.hpp"
#include "commands.hpp"
#include "mnscreen/fit.hpp"

namespace mnscreen::cli {
namespace po = boost::program_options;

namespace {

constexpr command_usage simulate_usage{
    "mnscreen simulate --n N [--seed S] [--truth model.json] [--out FILE] [--policy FILE]",
    "Draws N realistic sessions (patients and plans) and their outcomes from the probabilities\n"
    "of a known model -- the model file given by --truth (mnscreen.model/1), or the priors --\n"
    "and writes them as mnscreen.outcome/1 JSON Lines (standard output, or --out FILE). The\n"
    "same N, seed and truth always give the same file. `mnscreen fit` on the output should\n"
    "recover the truth's coefficients.\n"
    "\n"
    "Exit status: 0 written, 2 bad input or usage, 1 internal error."};

constexpr std::size_t max_records = 100'000'000;

po::options_description simulate_options() {
  po::options_description options("Options", 100);
  options.add_options()("help,h", "show this help")("n", po::value<std::size_t>()->value_name("N"),
                                                    "number of sessions")(
      "seed", po::value<std::uint64_t>()->value_name("S")->default_value(1), "random seed")(
      "truth", po::value<std::string>()->value_name("FILE"),
      "model file whose coefficients are the truth (default: the priors)")(
      "out", po::value<std::string>()->value_name("FILE"), "output file (default: stdout)")(
      "policy", po::value<std::string>()->value_name("FILE"),
      "clinic policy (mnscreen.policy/1) used to build the features");
  return options;
}

}  // namespace

int run_simulate(std::span<const std::string> args, const streams& io) {
  const auto options = simulate_options();
  const auto parsed = parse_options(args, options, simulate_usage, io);
  if (!parsed) return exit_bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help") != 0) {
    print_usage(io.out, simulate_usage, options);
    return exit_ok;
  }
  if (vm.count("n") == 0) return usage_error("--n is required", simulate_usage, options, io);
  const std::size_t n = vm["n"].as<std::size_t>();
  if (n > max_records) {
    return usage_error("--n must be at most " + std::to_string(max_records), simulate_usage,
                       options, io);
  }
  if (vm.count("truth") != 0 && vm.count("policy") != 0 && vm["truth"].as<std::string>() == "-" &&
      vm["policy"].as<std::string>() == "-")
    return usage_error("at most one input may be '-'", simulate_usage, options, io);

  input_diagnostics diags;
  policy pol;
  if (vm.count("policy") != 0) {
    auto loaded = load_policy(vm["policy"].as<std::string>(), io.in, diags);
    if (loaded) pol = std::move(*loaded);
  }
  risk_model truth = risk_model::prior();
  if (vm.count("truth") != 0) {
    const std::string path = vm["truth"].as<std::string>();
    const auto text = read_input(path, io.in, read_limits{}.max_bytes, diags);
    if (text) {
      const auto file = parse_model_file(*text);
      diags.add(display_name(path), file.diagnostics);
      if (file.ok()) truth = to_risk_model(file.value);
    }
  }
  if (diags.has_errors()) {
    diags.print_errors(io.err);
    return exit_bad_input;
  }

  const auto records = simulate_outcomes(truth, n, vm["seed"].as<std::uint64_t>(), pol);
  std::ofstream file;
  const bool to_file = vm.count("out") != 0 && vm["out"].as<std::string>() != "-";
  if (to_file) {
    file.open(vm["out"].as<std::string>(), std::ios::binary | std::ios::trunc);
    if (!file) {
      io.err << "mnscreen: " << vm["out"].as<std::string>() << ": cannot open for writing\n";
      return exit_bad_input;
    }
  }
  std::ostream& out = to_file ? static_cast<std::ostream&>(file) : io.out;
  for (const outcome_record& r : records) out << to_json_line(r) << '\n';
  out.flush();
  if (!out) {
    io.err << "mnscreen: cannot write the records\n";
    return exit_internal_error;
  }
  return exit_ok;
}

}  // namespace mnscreen::cli
