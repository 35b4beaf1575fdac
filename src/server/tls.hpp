// SPDX-License-Identifier: Apache-2.0
// In-process TLS for `mnscreen serve` (docs/cds-hooks.md, "TLS"): checking the certificate and
// key files named by the config, and the OpenSSL server context the listener uses. Nothing here
// ever prints key material: errors name the config member and OpenSSL's reason only.
#ifndef MNSCREEN_SERVER_TLS_HPP
#define MNSCREEN_SERVER_TLS_HPP

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "config.hpp"
#include "mnscreen/diagnostic.hpp"

namespace mnscreen::server {

/// Reads `cert_file` and `key_file` of `c` and reports, as `serve.tls` errors on `$.cert_file`
/// or `$.key_file`: a file that cannot be read, no PEM certificate, no (or an encrypted) PEM
/// private key, a key that does not belong to the certificate. A certificate that has expired
/// or is not yet valid is a warning. Does nothing when TLS is not configured.
void check_tls_files(const config& c, std::vector<diagnostic>& diags);

/// The server context: TLS 1.2 (or `tls_min_version`) and later only, forward-secret AEAD
/// cipher suites for TLS 1.2 with the server's preference, no compression, no renegotiation,
/// and a password callback that refuses (an encrypted key never waits for a terminal).
/// Returns nullptr with `error` set when the files cannot be used.
[[nodiscard]] std::unique_ptr<boost::asio::ssl::context> make_server_tls_context(
    const config& c, std::string& error);

}  // namespace mnscreen::server

#endif  // MNSCREEN_SERVER_TLS_HPP
