// SPDX-License-Identifier: Apache-2.0
// The HTTP client that fetches an absent prefetch key from the hook's `fhirServer`
// (docs/cds-hooks.md, "Prefetch"): GET `fhirServer/relative_url` with the `fhirAuthorization`
// bearer token, http or https (peer verified against the system's CA store), bounded by one
// deadline for the whole request, following `next` links up to `max_pages`. A `next` link to
// another origin than `fhirServer` is not followed (the token would leave for another host):
// that is an error like any other, so the facts stay unknown.
#ifndef MNSCREEN_SERVER_FHIR_CLIENT_HPP
#define MNSCREEN_SERVER_FHIR_CLIENT_HPP

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mnscreen::server {

struct fetch_outcome {
  enum class kind { ok, timeout, error } status = kind::error;
  /// ok: the JSON documents, one per page (a resource for a read, a Bundle per page of a
  /// search).
  std::vector<std::string> documents;
  /// error/timeout: what went wrong; ok: set when the page limit cut the search short. For the
  /// response and the server log (no patient data, no token).
  std::string reason;
};

struct fetch_settings {
  std::string fhir_server;  // e.g. https://ehr.example/fhir (no trailing '/')
  std::string bearer;       // access token; may be empty (then no Authorization header)
  std::chrono::steady_clock::time_point deadline;
  unsigned max_pages = 10;
  std::size_t max_bytes = std::size_t{16} * 1024 * 1024;
  /// Tests only: accept a self-signed https certificate. Never set by the server.
  bool insecure_tls_for_tests = false;
};

/// Fetches `relative_url` (e.g. "Condition?patient=123") from `settings.fhir_server`. Never
/// throws; never blocks past `settings.deadline`.
[[nodiscard]] fetch_outcome fetch_fhir(std::string_view relative_url,
                                       const fetch_settings& settings);

/// An absolute URL split up; false for anything but http(s)://host[:port][/path].
struct url_parts {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path + query, at least "/"
};
[[nodiscard]] bool split_url(std::string_view url, url_parts& out);

}  // namespace mnscreen::server

#endif  // MNSCREEN_SERVER_FHIR_CLIENT_HPP
