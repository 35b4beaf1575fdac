// SPDX-License-Identifier: Apache-2.0
// `mnscreen batch`: screens every record of an NDJSON file (one intake + plan per line) with
// one policy and model, streaming, on several threads, output in input order. Outputs are
// written atomically (temporary file, fsync, rename) and an interrupt leaves none behind.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "batch_output.hpp"
#include "cli_io.hpp"
#include "commands.hpp"
#include "mnscreen/batch.hpp"
#include "mnscreen/fhir.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/screener.hpp"

namespace mnscreen::cli {
namespace po = boost::program_options;

namespace {

constexpr command_usage batch_usage{
    "mnscreen batch --input FILE.ndjson [--policy FILE] [--model FILE] [--threads N]\n"
    "                      [--output FILE.ndjson] [--errors FILE.ndjson] [--summary FILE.json]\n"
    "       mnscreen batch --fhir-ndjson DIR --plan FILE [same options]",
    "Screens many patients in one run. Each line of the input is one record:\n"
    "  {\"id\": \"a-17\", \"intake\": {...intake/1...}, \"plan\": {...plan/1...}}\n"
    "(the embedded documents may leave out their \"schema\"). Each screened record is one output\n"
    "line, in input order: {\"id\": \"a-17\", \"line\": 3, \"report\": {...report/1...}}.\n"
    "A record that cannot be screened is one line of the errors file, with its line number,\n"
    "its id when readable and every diagnostic; every other record is still screened. Blank\n"
    "lines are skipped. A line longer than 8 MiB is reported and skipped.\n"
    "\n"
    "The input is read as a stream and screened on --threads worker threads (default: the\n"
    "number of cores); memory stays flat however long the input, and the output is the same\n"
    "byte for byte whatever the number of threads. --input - reads standard input.\n"
    "\n"
    "Output files appear under their name only when the run is complete: they are written to\n"
    "a temporary file in the same directory, flushed to disk and renamed (through a symbolic\n"
    "link, the file it names). A device or a named pipe (/dev/null, a FIFO) is written in\n"
    "place, never replaced. On SIGINT or SIGTERM the run stops, the temporary files are\n"
    "removed and the exit status is 128 + the signal number. Without --output the reports\n"
    "go to standard output; without --errors the error lines go to standard error. A\n"
    "summary (records, screened, failed, each decision) is printed on standard error at the\n"
    "end, and written as JSON to --summary FILE if given; a progress line is shown while\n"
    "running when standard error is a terminal.\n"
    "\n"
    "--fhir-ndjson DIR reads a FHIR R4 Bulk Data export instead (one NDJSON file per resource\n"
    "type, linked to patients by subject/patient references): every patient is read, mapped\n"
    "and screened for the one --plan, through the same pipeline. Output lines are then\n"
    "{\"id\": \"<Patient.id>\", \"patient\": n, \"report\": {...}}, with the reader's warnings\n"
    "and questions in the report; the export's own problems (unreadable lines...) are the\n"
    "first line of the errors file.\n"
    "\n"
    "Exit status: 0 every record screened, 2 some records failed (the outputs are complete\n"
    "and the errors file lists them) or bad usage or inputs, 1 internal or I/O error,\n"
    "130/143 interrupted."};

po::options_description batch_options_description() {
  po::options_description options("Options", 100);
  options.add_options()("help,h", "show this help")(
      "input", po::value<std::string>()->value_name("FILE"),
      "NDJSON records, one {id, intake, plan} a line ('-': standard input)")(
      "fhir-ndjson", po::value<std::string>()->value_name("DIR"),
      "a FHIR R4 Bulk Data export (*.ndjson files): every patient, screened for --plan")(
      "plan", po::value<std::string>()->value_name("FILE"),
      "with --fhir-ndjson: the planned procedure (mnscreen.plan/1) for every patient")(
      "threads", po::value<unsigned>()->value_name("N"),
      "worker threads (default: the number of cores)")(
      "output", po::value<std::string>()->value_name("FILE"),
      "reports, one line per screened record (default: standard output)")(
      "errors", po::value<std::string>()->value_name("FILE"),
      "records that could not be screened (default: standard error)")(
      "summary", po::value<std::string>()->value_name("FILE"),
      "the summary as a JSON document (mnscreen.batch-summary/1)");
  add_screener_options(options);  // --policy FILE, --model FILE
  return options;
}

std::string decision_counts(const batch_summary& sum) {
  std::string out;
  for (std::size_t i = 0; i + 1 < decision_count; ++i) {  // cannot_screen is never counted
    if (i > 0) out += ", ";
    out += to_string(static_cast<decision>(i));
    out += ' ';
    out += std::to_string(sum.decisions[i]);
  }
  return out;
}

std::string summary_json(const batch_summary& sum, std::string_view input, std::string_view unit,
                         double seconds) {
  namespace json = boost::json;
  json::object decisions;
  for (std::size_t i = 0; i + 1 < decision_count; ++i)  // cannot_screen is never counted
    decisions[to_string(static_cast<decision>(i))] = sum.decisions[i];
  const json::object doc{{"schema", "mnscreen.batch-summary/1"},
                         {"input", input},
                         {"unit", unit},
                         {"records", sum.records},
                         {"blank", sum.blank},
                         {"screened", sum.screened},
                         {"failed", sum.failed},
                         {"decisions", std::move(decisions)}};
  // Seconds in plain decimal notation (Boost.JSON would write 1.531E0).
  std::string text = json::serialize(doc);
  text.pop_back();
  std::ostringstream elapsed;
  elapsed << std::fixed << std::setprecision(3) << seconds;
  return text + ",\"elapsed_seconds\":" + elapsed.str() + "}\n";
}

// The progress line: drawn at most four times a second, on a terminal only.
class progress_line {
 public:
  progress_line(std::ostream& err, line_clearing_streambuf* clearer, const char* unit)
      : err_(err), clearer_(clearer), unit_(unit), start_(clock::now()), last_(start_) {}

  void update(const batch_summary& sum) {
    const auto now = clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    err_ << "\r\x1b[K" << sum.records << ' ' << unit_ << " done, " << std::fixed
         << std::setprecision(0) << (secs > 0 ? static_cast<double>(sum.records) / secs : 0.0)
         << ' ' << unit_ << "/s, " << std::setprecision(1) << secs << " s elapsed" << std::flush;
    shown_ = true;
    if (clearer_ != nullptr) clearer_->mark_dirty();
  }
  void erase() {
    if (!shown_) return;
    if (clearer_ != nullptr) {
      clearer_->clear_line();
    } else {
      err_ << "\r\x1b[K" << std::flush;
    }
    shown_ = false;
  }

 private:
  using clock = std::chrono::steady_clock;
  std::ostream& err_;
  line_clearing_streambuf* clearer_;
  const char* unit_;
  clock::time_point start_;
  clock::time_point last_;
  bool shown_ = false;
};

const char* signal_name(int sig) noexcept {
  return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

}  // namespace

int run_batch(std::span<const std::string> args, const streams& io) {
  const auto options = batch_options_description();
  const auto parsed = parse_options(args, options, batch_usage, io);
  if (!parsed) return exit_bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help") != 0) {
    print_usage(io.out, batch_usage, options);
    return exit_ok;
  }
  const auto usage = [&](const std::string& message) {
    return usage_error(message, batch_usage, options, io);
  };
  const bool fhir = vm.count("fhir-ndjson") != 0;
  if (fhir == (vm.count("input") != 0))
    return usage("batch needs either --input FILE or --fhir-ndjson DIR (one of them)");
  if (fhir && vm.count("plan") == 0) return usage("--fhir-ndjson DIR needs --plan FILE");
  if (!fhir && vm.count("plan") != 0)
    return usage("--plan is for --fhir-ndjson; each --input line carries its own plan");
  const std::string input_path = vm[fhir ? "fhir-ndjson" : "input"].as<std::string>();
  if (fhir && input_path == "-") return usage("--fhir-ndjson needs a directory");
  unsigned threads = std::max(1U, std::thread::hardware_concurrency());
  if (vm.count("threads") != 0) {
    threads = vm["threads"].as<unsigned>();
    if (threads < 1 || threads > 1024) return usage("--threads must be in 1..1024");
  }
  std::vector<std::string> outputs;
  for (const char* key : {"output", "errors", "summary"}) {
    if (vm.count(key) == 0) continue;
    const std::string path = vm[key].as<std::string>();
    if (path == "-") return usage(std::string("--") + key + " needs a file name ('-' is not one)");
    // A character device (/dev/null) takes any number of outputs, written in place.
    std::error_code ec;
    if (std::filesystem::is_character_file(path, ec)) continue;
    for (const auto& other : outputs)
      if (std::filesystem::weakly_canonical(other) == std::filesystem::weakly_canonical(path))
        return usage("--output, --errors and --summary must be different files");
    if (input_path != "-" &&
        std::filesystem::weakly_canonical(input_path) == std::filesystem::weakly_canonical(path))
      return usage(std::string("--") + key + " must not be the input file");
    outputs.push_back(path);
  }
  auto stdin_users = screener_input_paths(vm);
  if (vm.count("plan") != 0) stdin_users.push_back(vm["plan"].as<std::string>());
  stdin_users.push_back(input_path);
  if (std::count(stdin_users.begin(), stdin_users.end(), "-") > 1)
    return usage("only one input can be read from standard input ('-')");

  // The screener and the input, before anything is created.
  input_diagnostics diags;
  const auto screen = load_screener(vm, io.in, diags);
  std::optional<procedure_plan> plan;
  if (fhir) plan = load_plan(vm["plan"].as<std::string>(), io.in, diags);
  std::ifstream file;
  std::vector<char> file_buffer;
  if (!fhir && input_path != "-") {
    const std::filesystem::path p(input_path);
    std::error_code ec;
    const auto st = std::filesystem::status(p, ec);
    if (ec || !std::filesystem::exists(st)) {
      diags.add(input_path,
                diagnostic{severity::fatal, "io_error", "$", "cannot open file: no such file"});
    } else if (std::filesystem::is_directory(st)) {
      diags.add(input_path, diagnostic{severity::fatal, "io_error", "$",
                                       "cannot read file: it is a directory"});
    } else {
      file_buffer.resize(std::size_t{1} << 20);
      file.rdbuf()->pubsetbuf(file_buffer.data(), static_cast<std::streamsize>(file_buffer.size()));
      file.open(p, std::ios::binary);
      if (!file)
        diags.add(input_path, diagnostic{severity::fatal, "io_error", "$",
                                         "cannot open file (permission denied?)"});
    }
  }
  // A FHIR export is indexed once (every line read, no resource kept) before screening.
  std::optional<parse_result<fhir_bulk_export>> bulk;
  if (fhir && !diags.has_errors()) {
    bulk = fhir_bulk_export::open(input_path);
    for (const auto& d : bulk->diagnostics)
      if (d.severity == severity::fatal) diags.add(input_path, d);
  }
  if (diags.has_errors() || !screen || (fhir && (!plan || !bulk))) {
    diags.print_errors(io.err);
    return exit_bad_input;
  }
  std::istream& input = input_path == "-" ? io.in : file;

  // Outputs: temporary files beside their final names.
  std::unique_ptr<atomic_output> output_file;
  std::unique_ptr<atomic_output> errors_file;
  std::unique_ptr<atomic_output> summary_file;
  for (auto [key, target] : {std::pair{"output", &output_file}, std::pair{"errors", &errors_file},
                             std::pair{"summary", &summary_file}}) {
    if (vm.count(key) == 0) continue;
    std::string error;
    *target = atomic_output::create(vm[key].as<std::string>(), error);
    if (!*target) {
      io.err << "mnscreen: " << error << '\n';
      return exit_bad_input;
    }
  }

  // Error lines written to a terminal must not run into the progress line.
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  std::unique_ptr<line_clearing_streambuf> clearer;
  std::unique_ptr<std::ostream> errors_on_terminal;
  if (!errors_file && terminal) {
    clearer = std::make_unique<line_clearing_streambuf>(io.err.rdbuf());
    errors_on_terminal = std::make_unique<std::ostream>(clearer.get());
  }
  std::ostream& output = output_file ? output_file->stream() : io.out;
  std::ostream& errors = errors_file          ? errors_file->stream()
                         : errors_on_terminal ? *errors_on_terminal
                                              : io.err;
  progress_line progress(io.err, clearer.get(), fhir ? "patients" : "lines");

  // Problems of the export as a whole (unreadable lines, resources linked to no patient) come
  // first in the errors file.
  bool export_errors = false;
  if (bulk && !bulk->diagnostics.empty()) {
    errors << batch_export_record(input_path, bulk->diagnostics);
    export_errors = has_errors(bulk->diagnostics);
  }

  const interrupt_guard interrupt;
  batch_options opt;
  opt.threads = threads;
  opt.cancel = &interrupt.flag();
  if (terminal) opt.progress = [&](const batch_summary& s) { progress.update(s); };
  const auto started = std::chrono::steady_clock::now();
  const batch_summary sum =
      fhir ? batch_screen_fhir(bulk->value, *plan, output, errors, *screen, opt)
           : batch_screen(input, output, errors, *screen, opt);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  progress.erase();

  const auto discard_all = [&] {
    for (auto* f : {&output_file, &errors_file, &summary_file})
      if (*f) (*f)->discard();
  };
  const char* unit = fhir ? "patients" : "lines";
  if (sum.cancelled || interrupt.flag().load()) {
    discard_all();
    const int sig = interrupt.signal_number();
    io.err << "mnscreen batch: interrupted by " << signal_name(sig) << " after " << sum.records
           << ' ' << unit << "; no output file was written\n";
    return 128 + (sig != 0 ? sig : SIGINT);
  }
  if (sum.input_error) {
    discard_all();
    io.err << display_name(input_path) << ": $: cannot read the input to its end (I/O error); "
           << "no output file was written\n";
    return exit_internal_error;
  }
  if (sum.output_error || !errors) {
    discard_all();
    io.err << "mnscreen batch: cannot write the output; no output file was written\n";
    return exit_internal_error;
  }
  if (summary_file) summary_file->stream() << summary_json(sum, input_path, unit, seconds);
  for (auto* f : {&output_file, &errors_file, &summary_file}) {
    if (!*f) continue;
    std::string error;
    if (!(*f)->commit(error)) {
      discard_all();
      io.err << "mnscreen: " << error << '\n';
      return exit_internal_error;
    }
  }
  io.out.flush();

  std::ostringstream rate;
  rate << std::fixed << std::setprecision(1) << seconds << " s, " << std::setprecision(0)
       << (seconds > 0 ? static_cast<double>(sum.records) / seconds : 0.0) << ' ' << unit << "/s";
  io.err << "mnscreen batch: " << sum.records << ' ' << unit << ": " << sum.screened
         << " screened, " << sum.failed << " failed";
  if (!fhir) io.err << ", " << sum.blank << " blank";
  io.err << " (" << rate.str() << ", " << threads << (threads == 1 ? " thread" : " threads")
         << ")\n"
         << "  decisions: " << decision_counts(sum) << '\n';
  const std::string where = errors_file ? errors_file->path() : std::string("standard error above");
  if (sum.failed > 0)
    io.err << "  " << sum.failed << " failed records are listed in " << where << '\n';
  if (export_errors) io.err << "  the export has unreadable lines: see " << where << '\n';
  return sum.failed > 0 || export_errors ? exit_bad_input : exit_ok;
}

}  // namespace mnscreen::cli
