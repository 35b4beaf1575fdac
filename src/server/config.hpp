// SPDX-License-Identifier: Apache-2.0
// The configuration of `mnscreen serve`: a JSON document `{"schema": "mnscreen.serve/1", ...}`
// (docs/cds-hooks.md, "Configuration"). Read like every other input: every problem is reported
// with its JSON path, nothing is defaulted silently, unknown members are errors (a misspelt
// security setting must not be ignored). Relative paths are relative to the config file.
#ifndef MNSCREEN_SERVER_CONFIG_HPP
#define MNSCREEN_SERVER_CONFIG_HPP

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "mnscreen/diagnostic.hpp"

namespace mnscreen::server {

struct trusted_issuer {
  std::string iss;
  std::filesystem::path jwks_file;
  std::string jku;  // allow-listed URL; empty: a token carrying `jku` is refused
};

struct coding {
  std::string system;
  std::string code;
};

struct config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  unsigned threads = 0;  // 0: the number of cores
  std::string base_url;  // public URL without a trailing slash, e.g. https://cds.clinic.example
  std::vector<trusted_issuer> trusted_issuers;
  std::filesystem::path default_plan;
  std::vector<coding> order_codes;
  std::filesystem::path policy;
  std::filesystem::path model;
  std::filesystem::path audit_db;
  std::filesystem::path audit_spill;  // default: audit_db + ".spill.ndjson"
  std::string audit_patient_salt;     // non-empty: patient references are stored salted-hashed
  std::filesystem::path access_log;   // empty: standard error
  std::filesystem::path cert_file;    // both set: the listener speaks TLS (tls.hpp)
  std::filesystem::path key_file;
  std::string tls_min_version = "1.2";  // "1.2" or "1.3"
  std::string time_zone = "local";      // "local" (the process's TZ) or "UTC"
  unsigned fhir_timeout_ms = 5000;
  unsigned fhir_max_pages = 10;
  std::size_t fhir_max_bytes = std::size_t{16} * 1024 * 1024;
  std::size_t max_body_bytes = std::size_t{8} * 1024 * 1024;
  std::size_t max_depth = 64;
  unsigned header_timeout_ms = 10000;
  unsigned body_timeout_ms = 30000;
  unsigned idle_timeout_ms = 30000;
  unsigned drain_timeout_ms = 20000;
  std::size_t max_connections = 512;
  std::vector<std::string> cors_origins;
  bool incomplete_as_412 = false;  // "incomplete": "412" instead of the incomplete card
  bool patient_view_proceed_card = false;
  std::size_t replay_cache_capacity = 100000;
};

/// Reads the config document. `base_dir` resolves relative paths (the config file's folder).
[[nodiscard]] parse_result<config> parse_config(std::string_view text,
                                                const std::filesystem::path& base_dir);

/// Parses "HOST:PORT" ("[::1]:8080" for IPv6). False on anything else.
[[nodiscard]] bool parse_listen(std::string_view text, std::string& host, std::uint16_t& port);

}  // namespace mnscreen::server

#endif  // MNSCREEN_SERVER_CONFIG_HPP
