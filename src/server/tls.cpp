// SPDX-License-Identifier: Apache-2.0
#include "tls.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <fstream>
#include <iterator>
#include <system_error>

namespace mnscreen::server {
namespace ssl = boost::asio::ssl;

namespace {

// Mozilla's "intermediate" TLS 1.2 suites: forward secrecy and AEAD only. TLS 1.3 keeps
// OpenSSL's defaults (all of them AEAD).
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

/// OpenSSL's reason for the last failure (no key material: reasons are fixed texts), and an
/// empty error queue afterwards.
std::string openssl_reason(const char* fallback) {
  const unsigned long e = ERR_peek_last_error();
  std::string out;
  if (e != 0) {
    const char* r = ERR_reason_error_string(e);
    if (r != nullptr) out = r;
  }
  ERR_clear_error();
  return out.empty() ? fallback : out;
}

/// A password callback that refuses: an encrypted key must not make the service wait for a
/// passphrase on a terminal. Records that a passphrase was asked for.
int refuse_password(char* /*buf*/, int /*size*/, int /*rwflag*/, void* asked) {
  if (asked != nullptr) *static_cast<bool*>(asked) = true;
  return 0;
}

bool read_small_file(const std::filesystem::path& p, std::string& out, std::string& why) {
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) {
    why = "is a directory, not a PEM file";
    return false;
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    why = "cannot be read (" + std::generic_category().message(errno) + ")";
    return false;
  }
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (out.size() > std::size_t{1} << 20) {
    why = "is larger than 1 MiB; not a PEM certificate or key";
    return false;
  }
  return true;
}

struct bio_deleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct x509_deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct pkey_deleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::unique_ptr<BIO, bio_deleter> memory_bio(const std::string& text) {
  return std::unique_ptr<BIO, bio_deleter>(
      BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

}  // namespace

void check_tls_files(const config& c, std::vector<diagnostic>& diags) {
  if (c.cert_file.empty() || c.key_file.empty()) return;
  const auto error = [&](const char* path, std::string message) {
    diags.push_back({severity::error, "serve.tls", path, std::move(message)});
  };
  const auto warning = [&](const char* path, std::string message) {
    diags.push_back({severity::warning, "serve.tls", path, std::move(message)});
  };

  std::unique_ptr<X509, x509_deleter> cert;
  {
    std::string text;
    std::string why;
    if (!read_small_file(c.cert_file, text, why)) {
      error("$.cert_file", c.cert_file.string() + ": " + why);
    } else {
      auto bio = memory_bio(text);
      cert.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
      if (!cert) {
        error("$.cert_file",
              c.cert_file.string() +
                  ": no PEM certificate (-----BEGIN CERTIFICATE-----) could be read: " +
                  openssl_reason("unreadable"));
      } else {
        // The rest of the file is the chain: every further block must be a certificate.
        std::size_t n = 1;
        for (;;) {
          std::unique_ptr<X509, x509_deleter> next(
              PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
          if (next) {
            ++n;
            continue;
          }
          const unsigned long e = ERR_peek_last_error();
          const bool at_end =
              ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
          if (!at_end)
            error("$.cert_file",
                  c.cert_file.string() + ": certificate " + std::to_string(n + 1) +
                      " of the chain cannot be read: " + openssl_reason("unreadable"));
          ERR_clear_error();
          break;
        }
        if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) < 0)
          warning("$.cert_file",
                  c.cert_file.string() + ": the certificate has expired; clients will refuse it");
        else if (X509_cmp_current_time(X509_get0_notBefore(cert.get())) > 0)
          warning("$.cert_file",
                  c.cert_file.string() + ": the certificate is not valid yet (check the clock)");
      }
    }
  }

  std::unique_ptr<EVP_PKEY, pkey_deleter> key;
  {
    std::string text;
    std::string why;
    if (!read_small_file(c.key_file, text, why)) {
      error("$.key_file", c.key_file.string() + ": " + why);
    } else {
      bool asked = false;
      auto bio = memory_bio(text);
      key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_password, &asked));
      OPENSSL_cleanse(text.data(), text.size());
      if (!key) {
        ERR_clear_error();
        error("$.key_file",
              c.key_file.string() +
                  (asked ? ": the private key is encrypted; give an unencrypted key readable only "
                           "by the service's user"
                         : ": no PEM private key (-----BEGIN PRIVATE KEY-----) could be read"));
      } else {
        std::error_code ec;
        const auto perms = std::filesystem::status(c.key_file, ec).permissions();
        if (!ec && (perms & std::filesystem::perms::others_read) != std::filesystem::perms::none)
          warning("$.key_file", c.key_file.string() +
                                    ": the private key is readable by every user; make it "
                                    "readable only by the service's user (chmod 0600 or 0640)");
      }
    }
  }

  if (cert && key && X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    error("$.key_file", c.key_file.string() +
                            ": the private key does not belong to the "
                            "certificate in cert_file");
    return;
  }
  if (!cert || !key) return;
  // What only the context notices (e.g. a key too small for OpenSSL's security level).
  std::string why;
  if (!make_server_tls_context(c, why)) error("$.cert_file", why);
}

std::unique_ptr<ssl::context> make_server_tls_context(const config& c, std::string& error) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  SSL_CTX* h = ctx->native_handle();
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::no_compression | ssl::context::single_dh_use,
                   ec);
  SSL_CTX_set_options(h, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  const int min_version = c.tls_min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (ec || SSL_CTX_set_min_proto_version(h, min_version) != 1 ||
      SSL_CTX_set_cipher_list(h, tls12_ciphers) != 1 ||
      SSL_CTX_set1_groups_list(h, "X25519:P-256:P-384") != 1) {
    error = "TLS: the protocol settings were refused by OpenSSL: " + openssl_reason("unknown");
    return nullptr;
  }
  SSL_CTX_set_default_passwd_cb(h, refuse_password);
  SSL_CTX_set_default_passwd_cb_userdata(h, nullptr);
  if (SSL_CTX_use_certificate_chain_file(h, c.cert_file.c_str()) != 1) {
    error = c.cert_file.string() +
            ": cannot be used as the server certificate: " + openssl_reason("unreadable");
    return nullptr;
  }
  if (SSL_CTX_use_PrivateKey_file(h, c.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    error =
        c.key_file.string() + ": cannot be used as the server key: " + openssl_reason("unreadable");
    return nullptr;
  }
  if (SSL_CTX_check_private_key(h) != 1) {
    ERR_clear_error();
    error = c.key_file.string() + ": the private key does not belong to the certificate";
    return nullptr;
  }
  return ctx;
}

}  // namespace mnscreen::server
