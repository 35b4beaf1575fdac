// SPDX-License-Identifier: Apache-2.0
#include "cli_io.hpp"

#include <filesystem>
#include <fstream>
#include <istream>
#include <ostream>
#include <system_error>
#include <utility>

#include "mnscreen/fit.hpp"

namespace mnscreen::cli {
namespace po = boost::program_options;

namespace {

diagnostic fatal_input(std::string code, std::string message) {
  return diagnostic{severity::fatal, std::move(code), "$", std::move(message)};
}

/// Reads at most `max_bytes + 1` bytes, so that an oversized input is detected without
/// holding all of it in memory.
std::string read_capped(std::istream& in, std::size_t max_bytes) {
  std::string text;
  char buffer[65536];
  while (text.size() <= max_bytes && in.read(buffer, sizeof buffer).gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  return text;
}

/// Runs a reader, then the library's validation when the reader found no error, so that a
/// document is checked once against the same ranges the screener enforces. Only the errors of
/// the second pass are kept: its warnings would repeat the screener's own.
template <class T, class Parse, class Validate>
std::optional<T> load(std::string_view path, std::istream& in, input_diagnostics& diags,
                      Parse parse, Validate validate_value) {
  const read_limits limits{};
  const std::string name = display_name(path);
  auto text = read_input(path, in, limits.max_bytes, diags);
  if (!text) return std::nullopt;
  auto result = parse(*text, limits);
  diags.add(name, result.diagnostics);
  if (!result.ok()) return std::nullopt;
  const auto problems = validate_value(result.value);
  diags.add_errors(name, problems);
  if (has_errors(problems)) return std::nullopt;
  return std::move(result.value);
}

}  // namespace

std::string display_name(std::string_view path) {
  return path == "-" ? std::string{"<stdin>"} : std::string{path};
}

void print_usage(std::ostream& os, const command_usage& usage,
                 const po::options_description& options) {
  os << "usage: " << usage.synopsis << "\n\n" << usage.description << "\n\n" << options;
}

std::optional<po::variables_map> parse_options(std::span<const std::string> args,
                                               const po::options_description& options,
                                               const command_usage& usage, const streams& io) {
  try {
    po::variables_map vm;
    // No guessing of abbreviated options: `--int` must not silently mean `--intake`.
    const int style =
        po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    // An empty positional description makes any stray argument an error instead of being
    // silently dropped.
    const po::positional_options_description no_positionals;
    po::store(po::command_line_parser(std::vector<std::string>(args.begin(), args.end()))
                  .options(options)
                  .positional(no_positionals)
                  .style(style)
                  .run(),
              vm);
    po::notify(vm);
    return vm;
  } catch (const po::error& e) {
    (void)usage_error(e.what(), usage, options, io);
    return std::nullopt;
  }
}

int usage_error(std::string_view message, const command_usage& usage,
                const po::options_description& options, const streams& io) {
  io.err << "mnscreen: " << message << "\n\n";
  print_usage(io.err, usage, options);
  return exit_bad_input;
}

void input_diagnostics::add(std::string_view file, std::span<const diagnostic> ds) {
  for (const auto& d : ds) add(file, d);
}

void input_diagnostics::add(std::string_view file, diagnostic d) {
  entries_.push_back(entry{std::string{file}, std::move(d)});
}

void input_diagnostics::add_errors(std::string_view file, std::span<const diagnostic> ds) {
  for (const auto& d : ds)
    if (d.severity != severity::warning) add(file, d);
}

bool input_diagnostics::has_errors() const noexcept {
  for (const auto& e : entries_)
    if (e.d.severity != severity::warning) return true;
  return false;
}

void input_diagnostics::print_errors(std::ostream& err) const {
  for (const auto& e : entries_)
    if (e.d.severity != severity::warning) err << format(e.d, e.file) << '\n';
}

std::vector<diagnostic> input_diagnostics::warnings() const {
  std::vector<diagnostic> out;
  for (const auto& e : entries_) {
    if (e.d.severity != severity::warning) continue;
    diagnostic d = e.d;
    d.message = e.file + ": " + d.message;
    out.push_back(std::move(d));
  }
  return out;
}

std::optional<std::string> read_input(std::string_view path, std::istream& in,
                                      std::size_t max_bytes, input_diagnostics& diags) {
  const std::string name = display_name(path);
  std::string text;
  if (path == "-") {
    text = read_capped(in, max_bytes);
    if (in.bad()) {
      diags.add(name, fatal_input("io_error", "cannot read standard input"));
      return std::nullopt;
    }
  } else {
    const std::filesystem::path file{path};
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (ec || !std::filesystem::exists(status)) {
      diags.add(name, fatal_input("io_error", "cannot open file: no such file"));
      return std::nullopt;
    }
    if (std::filesystem::is_directory(status)) {
      diags.add(name, fatal_input("io_error", "cannot read file: it is a directory"));
      return std::nullopt;
    }
    std::ifstream stream(file, std::ios::binary);
    if (!stream) {
      diags.add(name, fatal_input("io_error", "cannot open file (permission denied?)"));
      return std::nullopt;
    }
    text = read_capped(stream, max_bytes);
    if (stream.bad()) {
      diags.add(name, fatal_input("io_error", "cannot read file"));
      return std::nullopt;
    }
  }
  if (text.size() > max_bytes) {
    diags.add(name, fatal_input("too_large", "the document is larger than the limit of " +
                                                 std::to_string(max_bytes) + " bytes"));
    return std::nullopt;
  }
  return text;
}

std::optional<intake> load_intake(std::string_view path, std::istream& in,
                                  input_diagnostics& diags) {
  return load<intake>(
      path, in, diags, [](std::string_view t, const read_limits& l) { return parse_intake(t, l); },
      [](const intake& v) { return validate(v); });
}

std::optional<procedure_plan> load_plan(std::string_view path, std::istream& in,
                                        input_diagnostics& diags) {
  return load<procedure_plan>(
      path, in, diags, [](std::string_view t, const read_limits& l) { return parse_plan(t, l); },
      [](const procedure_plan& v) { return validate(v); });
}

std::optional<policy> load_policy(std::string_view path, std::istream& in,
                                  input_diagnostics& diags) {
  return load<policy>(
      path, in, diags, [](std::string_view t, const read_limits& l) { return parse_policy(t, l); },
      [](const policy& v) { return validate(v); });
}

void add_screener_options(po::options_description& options) {
  options.add_options()(
      "policy", po::value<std::string>()->value_name("FILE"),
      "clinic policy (mnscreen.policy/1); absent settings keep the cited defaults")(
      "model", po::value<std::string>()->value_name("FILE"),
      "risk model fitted by 'mnscreen fit' (mnscreen.model/1); default: the priors");
}

std::vector<std::string> screener_input_paths(const po::variables_map& vm) {
  std::vector<std::string> paths;
  if (vm.count("policy") != 0) paths.push_back(vm["policy"].as<std::string>());
  if (vm.count("model") != 0) paths.push_back(vm["model"].as<std::string>());
  return paths;
}

std::optional<screener> load_screener(const po::variables_map& vm, std::istream& in,
                                      input_diagnostics& diags) {
  policy pol;
  if (vm.count("policy") != 0) {
    auto loaded = load_policy(vm["policy"].as<std::string>(), in, diags);
    if (!loaded) return std::nullopt;
    pol = std::move(*loaded);
  }
  // The risk model: the priors of the knowledge version, or `--model FILE` (a model fitted on
  // the clinic's outcomes; a file for other features is rejected with the reason).
  if (vm.count("model") != 0) {
    const std::string path = vm["model"].as<std::string>();
    const auto text = read_input(path, in, read_limits{}.max_bytes, diags);
    if (!text) return std::nullopt;
    const auto file = parse_model_file(*text);
    diags.add(display_name(path), file.diagnostics);
    if (!file.ok()) return std::nullopt;
    return screener{std::move(pol), to_risk_model(file.value)};
  }
  return screener{std::move(pol)};
}

}  // namespace mnscreen::cli
