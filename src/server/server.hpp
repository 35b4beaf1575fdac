// SPDX-License-Identifier: Apache-2.0
// `mnscreen serve`: the CDS Hooks 2.0 service and the plain screening endpoints over HTTP/1.1
// (Boost.Beast + Boost.Asio), docs/cds-hooks.md. Two layers:
// - `service`: everything the endpoints do, from a parsed HTTP request to a reply (routing,
//   token check, limits on JSON, screening, hooks, feedback, metrics). No sockets: thread-safe,
//   called by the HTTP layer on its pool threads.
// - `http_server`: the listener, keep-alive sessions with header/body/idle timeouts, body limit
//   (413), connection cap (503), CORS preflight, access log, and the SIGTERM/SIGINT drain;
//   plain HTTP, or HTTPS when the config names `cert_file` and `key_file` (tls.hpp).
#ifndef MNSCREEN_SERVER_SERVER_HPP
#define MNSCREEN_SERVER_SERVER_HPP

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config.hpp"
#include "fhir_client.hpp"
#include "mnscreen/diagnostic.hpp"

namespace mnscreen::server {

struct request {
  std::string method;  // "GET", "POST", "OPTIONS", ...
  std::string target;  // path and query as received
  std::string body;
  std::string authorization;  // the Authorization header (never logged)
  std::string origin;         // the Origin header
  std::string content_type;
};

struct reply {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  /// For metrics and the access log: the route template ("/cds-services/{id}"), never the
  /// path as sent (it could carry an identifier).
  std::string route;
  /// The service id of a CDS call, for the access log (not patient data).
  std::string service_id;
};

/// Fetches an absent prefetch key: tests replace it; the server uses `fetch_fhir`.
using fetcher =
    std::function<fetch_outcome(std::string_view relative_url, const fetch_settings& settings)>;

struct service_options {
  bool insecure_dev = false;
  /// Tests only: accept self-signed certificates from a fake FHIR server.
  bool insecure_fhir_tls_for_tests = false;
  /// Tests only: the time tokens are checked against (seconds since the epoch; 0 = clock).
  std::function<std::int64_t()> clock;
};

class service {
 public:
  /// Loads everything the config names (plan, policy, model, JWKS files, audit database).
  /// Returns nullptr and fills `errors` (each with the file and path) when anything is wrong;
  /// refuses a config without a trusted issuer unless `insecure_dev`.
  static std::unique_ptr<service> create(const config& c, const service_options& o,
                                         std::vector<std::string>& errors);
  ~service();
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  /// Answers one request. Thread-safe; never throws (an internal failure is a 500 without
  /// detail).
  [[nodiscard]] reply handle(const request& r);

  /// Records a finished exchange in the metrics (the HTTP layer calls it for every reply,
  /// including the ones it makes itself: 413, 503, 400 for unparsable HTTP).
  void observe(const std::string& route, unsigned status, double latency_ms);

  /// Writes every queued audit record (SIGTERM drain).
  void flush_audit();

  [[nodiscard]] const config& settings() const noexcept;
  [[nodiscard]] bool insecure_dev() const noexcept;

 private:
  service();
  struct impl;
  std::unique_ptr<impl> impl_;
};

class http_server {
 public:
  /// `log_line` receives each access-log line (JSON, no newline); may be empty.
  http_server(service& s, std::function<void(std::string_view)> log_line);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds (config host:port; port 0 = ephemeral) and starts the pool threads. False with
  /// `error` set when the address cannot be bound or the TLS files cannot be used.
  [[nodiscard]] bool start(std::string& error);
  [[nodiscard]] std::uint16_t port() const noexcept;
  /// Installs SIGTERM/SIGINT handlers that call `drain()`.
  void handle_signals();
  /// Stops accepting, closes idle connections, lets in-flight requests finish (each answered,
  /// then its connection closed), up to `drain_timeout_ms`; then flushes the audit log.
  /// Returns immediately; `wait()` blocks until done. Safe to call more than once and from a
  /// signal handler context of Asio (not from a raw signal handler).
  void drain();
  /// Blocks until the pool threads have finished (after `drain`).
  void wait();
  [[nodiscard]] std::size_t open_connections() const noexcept;
  /// True when the listener speaks TLS (`cert_file` and `key_file` set; docs/cds-hooks.md).
  [[nodiscard]] bool tls() const noexcept;
  /// TLS handshakes that failed (plain HTTP to the TLS port, an old protocol, a bad hello);
  /// each is also an access-log line `{"event": "tls_handshake_failed", ...}`.
  [[nodiscard]] std::uint64_t tls_handshake_failures() const noexcept;

  struct impl;  // internal (public only for the session class of http_server.cpp)

 private:
  std::shared_ptr<impl> impl_;
};

/// Today's date in the service's time zone ("local" or "UTC"), as YYYY-MM-DD.
[[nodiscard]] std::string request_day(const std::string& time_zone);

/// A 4xx/5xx JSON body: {"error": code, "status": n, "message": text, "diagnostics": [...]}.
[[nodiscard]] std::string error_body(unsigned status, std::string_view code,
                                     std::string_view message,
                                     const std::vector<diagnostic>& diagnostics = {});

}  // namespace mnscreen::server

#endif  // MNSCREEN_SERVER_SERVER_HPP
