// SPDX-License-Identifier: Apache-2.0
// `mnscreen serve`: the CDS Hooks 2.0 service and the HTTP screening endpoints
// (src/server, docs/cds-hooks.md).
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>

#include "cli_io.hpp"
#include "commands.hpp"
#include "server.hpp"

namespace mnscreen::cli {
namespace po = boost::program_options;

namespace {

constexpr command_usage serve_usage{
    "mnscreen serve --config FILE [--listen HOST:PORT] [--insecure-dev]",
    "Runs the CDS Hooks 2.0 service (GET /cds-services, POST /cds-services/{id} for\n"
    "patient-view, order-select, order-sign and appointment-book, and their /feedback) and the\n"
    "plain endpoints POST /screen and POST /screen/fhir, with GET /healthz and GET /metrics.\n"
    "The config is a mnscreen.serve/1 document (docs/cds-hooks.md, \"Configuration\"); every\n"
    "problem in it is printed as 'file: $.path: message' and the service does not start.\n"
    "\n"
    "Every call except /healthz and /metrics needs 'Authorization: Bearer <JWT>' from a trusted\n"
    "issuer. Without a trusted issuer the service refuses to start unless --insecure-dev is\n"
    "given: then no token is checked, every response carries a Warning header and the log\n"
    "says so. Listens on 127.0.0.1 unless told otherwise. Speaks HTTPS when the config names\n"
    "cert_file and key_file (PEM); otherwise put it behind a TLS-terminating proxy.\n"
    "SIGTERM or SIGINT: stop accepting, finish the requests in flight, flush the audit trail.\n"
    "\n"
    "Exit status: 0 after a drain, 2 bad config or usage, 1 internal error (e.g. cannot bind)."};

po::options_description serve_options() {
  po::options_description options("Options", 100);
  options.add_options()("help,h", "show this help")(
      "config", po::value<std::string>()->value_name("FILE"), "the mnscreen.serve/1 config")(
      "listen", po::value<std::string>()->value_name("HOST:PORT"),
      "address to listen on (overrides the config's listen; port 0 = any free port)")(
      "insecure-dev", "development only: run without token checks");
  return options;
}

}  // namespace

int run_serve(std::span<const std::string> args, const streams& io) {
  const auto options = serve_options();
  const auto parsed = parse_options(args, options, serve_usage, io);
  if (!parsed) return exit_bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help") != 0) {
    print_usage(io.out, serve_usage, options);
    return exit_ok;
  }
  if (vm.count("config") == 0)
    return usage_error("serve needs --config FILE", serve_usage, options, io);
  const std::filesystem::path config_path = vm["config"].as<std::string>();
  input_diagnostics diags;
  const auto text = read_input(config_path.string(), io.in, std::size_t{1} << 20, diags);
  if (!text) {
    diags.print_errors(io.err);
    return exit_bad_input;
  }
  auto cfg =
      server::parse_config(*text, config_path.parent_path().empty() ? std::filesystem::path(".")
                                                                    : config_path.parent_path());
  for (const auto& d : cfg.diagnostics) io.err << format(d, config_path.string()) << '\n';
  if (!cfg.ok()) return exit_bad_input;
  if (vm.count("listen") != 0 &&
      !server::parse_listen(vm["listen"].as<std::string>(), cfg.value.host, cfg.value.port))
    return usage_error("--listen must be HOST:PORT", serve_usage, options, io);

  server::service_options so;
  so.insecure_dev = vm.count("insecure-dev") != 0;
  std::vector<std::string> errors;
  auto svc = server::service::create(cfg.value, so, errors);
  if (!svc) {
    for (const auto& e : errors) io.err << e << '\n';
    return exit_bad_input;
  }

  // The access log: JSON lines, no patient data, no tokens (docs/cds-hooks.md, "Operation").
  std::unique_ptr<std::ofstream> log_file;
  if (!cfg.value.access_log.empty()) {
    log_file = std::make_unique<std::ofstream>(cfg.value.access_log, std::ios::app);
    if (!*log_file) {
      io.err << cfg.value.access_log.string() << ": cannot be opened for appending\n";
      return exit_bad_input;
    }
  }
  std::ostream& log = log_file ? static_cast<std::ostream&>(*log_file) : io.err;
  std::mutex log_mutex;
  auto log_line = [&log, &log_mutex](std::string_view line) {
    const std::lock_guard lock(log_mutex);
    log << line << '\n' << std::flush;
  };

  server::http_server http(*svc, log_line);
  std::string error;
  if (!http.start(error)) {
    io.err << "mnscreen serve: " << error << '\n';
    return exit_internal_error;
  }
  http.handle_signals();
  log_line(R"({"event":"listening","address":")" + cfg.value.host + ':' +
           std::to_string(http.port()) + R"(","tls":)" + (http.tls() ? "true" : "false") +
           R"(,"insecure_dev":)" + (so.insecure_dev ? "true" : "false") + "}");
  if (so.insecure_dev)
    io.err << "mnscreen serve: WARNING: --insecure-dev: no bearer token is checked; never use "
              "this with patient data\n";
  http.wait();
  log_line(R"({"event":"stopped"})");
  return exit_ok;
}

}  // namespace mnscreen::cli
