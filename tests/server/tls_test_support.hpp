// SPDX-License-Identifier: Apache-2.0
// TLS support for the server tests: a self-signed certificate for 127.0.0.1 made at test time
// with the OpenSSL API (no openssl tool needed), the files of a TLS config, and a Beast HTTPS
// client that trusts only the given certificate, every operation with a deadline.
#ifndef MNSCREEN_TESTS_SERVER_TLS_TEST_SUPPORT_HPP
#define MNSCREEN_TESTS_SERVER_TLS_TEST_SUPPORT_HPP

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <functional>
#include <optional>

#include "server_test_support.hpp"

namespace server_test {
namespace ssl = boost::asio::ssl;

inline std::string to_pem(const std::function<int(BIO*)>& write) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (write(bio) != 1) throw std::runtime_error("PEM write");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

/// A self-signed server certificate for 127.0.0.1 (and localhost) with its key.
struct test_cert {
  std::string cert_pem;
  std::string key_pem;
  std::string encrypted_key_pem;  // the same key, PKCS#8 encrypted with a passphrase

  static test_cert make(long valid_from_s = -60, long valid_to_s = 3600) {
    EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    X509* x = X509_new();
    if (k == nullptr || x == nullptr) throw std::runtime_error("keygen");
    X509_set_version(x, 2);
    unsigned char serial[8];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(x), valid_from_s);
    X509_gmtime_adj(X509_getm_notAfter(x), valid_to_s);
    X509_set_pubkey(x, k);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("mnscreen test"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
    X509_EXTENSION* san =
        X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    X509_add_ext(x, san, -1);
    X509_EXTENSION_free(san);
    X509_sign(x, k, EVP_sha256());
    test_cert out;
    out.cert_pem = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, x); });
    out.key_pem = to_pem([&](BIO* b) {
      return PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
    });
    char pass[] = "correct horse battery staple";
    out.encrypted_key_pem = to_pem([&](BIO* b) {
      return PEM_write_bio_PKCS8PrivateKey(b, k, EVP_aes_256_cbc(), pass,
                                           static_cast<int>(sizeof pass - 1), nullptr, nullptr);
    });
    X509_free(x);
    EVP_PKEY_free(k);
    return out;
  }
};

/// A folder with cert.pem and key.pem, removed at the end.
struct tls_files {
  std::filesystem::path dir = temp_dir("tls");
  test_cert cert = test_cert::make();
  tls_files() {
    write_file(dir / "cert.pem", cert.cert_pem);
    write_file(dir / "key.pem", cert.key_pem);
    std::filesystem::permissions(
        dir / "key.pem", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  ~tls_files() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  tls_files(const tls_files&) = delete;
  tls_files& operator=(const tls_files&) = delete;

  [[nodiscard]] json::object config(json::object extra = {}) const {
    extra["cert_file"] = (dir / "cert.pem").string();
    extra["key_file"] = (dir / "key.pem").string();
    return extra;
  }
};

constexpr auto io_timeout = std::chrono::seconds(10);

struct tls_response {
  unsigned status = 0;
  std::string body;
  bool keep_alive = false;
  beast::error_code ec;
};

/// A Beast HTTPS client that trusts one certificate and verifies the peer and its address.
/// Asynchronous operations with a deadline each, so that no wait is unbounded.
class tls_client {
 public:
  explicit tls_client(const std::string& trusted_pem, int max_version = 0) {
    ctx_.add_certificate_authority(asio::buffer(trusted_pem));
    ctx_.set_verify_mode(ssl::verify_peer);
    if (max_version != 0) SSL_CTX_set_max_proto_version(ctx_.native_handle(), max_version);
  }

  beast::error_code connect(std::uint16_t port) {
    stream_.emplace(ioc_, ctx_);
    stream_->set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    auto& lower = beast::get_lowest_layer(*stream_);
    lower.expires_after(io_timeout);
    beast::error_code out = asio::error::would_block;
    lower.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                        [&](beast::error_code ec) { out = ec; });
    run();
    if (out) return out;
    lower.expires_after(io_timeout);
    stream_->async_handshake(ssl::stream_base::client, [&](beast::error_code ec) { out = ec; });
    run();
    return out;
  }

  [[nodiscard]] std::string protocol() { return SSL_get_version(stream_->native_handle()); }

  tls_response request(const std::string& method, const std::string& target,
                       const std::string& body = {}, const std::string& bearer = {}) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
    if (method == "POST") {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
      req.prepare_payload();
    }
    tls_response out;
    out.ec = asio::error::would_block;
    beast::get_lowest_layer(*stream_).expires_after(io_timeout);
    http::async_write(*stream_, req, [&](beast::error_code ec, std::size_t) { out.ec = ec; });
    run();
    if (out.ec) return out;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    out.ec = asio::error::would_block;
    beast::get_lowest_layer(*stream_).expires_after(io_timeout);
    http::async_read(*stream_, buffer_, parser,
                     [&](beast::error_code ec, std::size_t) { out.ec = ec; });
    run();
    if (out.ec) return out;
    out.status = parser.get().result_int();
    out.body = parser.get().body();
    out.keep_alive = parser.get().keep_alive();
    return out;
  }

  /// Waits (bounded) for the server to end the connection; asio::error::eof when it sent a
  /// close_notify, ssl::error::stream_truncated when it just closed the socket.
  beast::error_code wait_for_close() {
    std::array<char, 256> scratch{};
    beast::error_code out = asio::error::would_block;
    beast::get_lowest_layer(*stream_).expires_after(io_timeout);
    stream_->async_read_some(asio::buffer(scratch),
                             [&](beast::error_code ec, std::size_t) { out = ec; });
    run();
    return out;
  }

  /// Answers the server's close_notify (bounded).
  void shutdown() {
    beast::get_lowest_layer(*stream_).expires_after(std::chrono::seconds(2));
    stream_->async_shutdown([](beast::error_code) {});
    run();
  }

 private:
  void run() {
    ioc_.restart();
    ioc_.run();
  }

  asio::io_context ioc_;
  ssl::context ctx_{ssl::context::tls_client};
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;
  beast::flat_buffer buffer_;
};

}  // namespace server_test

#endif  // MNSCREEN_TESTS_SERVER_TLS_TEST_SUPPORT_HPP
