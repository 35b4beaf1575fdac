// SPDX-License-Identifier: Apache-2.0
// Bearer-token (JWT, JWS compact form) verification for `mnscreen serve`, on OpenSSL 3's EVP
// interface (docs/dependencies.md says why not libjwt 1.10).
//
// What a token must satisfy (docs/cds-hooks.md, "Security"):
// - header `alg` is ES256/ES384/ES512 or RS256/RS384/RS512 and pinned to the key: the key (found
//   by `kid` in the issuer's JWKS) fixes the algorithm family and curve, and its `alg` member, if
//   any, fixes the algorithm exactly. `none` and every HMAC algorithm are always refused;
// - `jku` in the header only if it is exactly the issuer's allow-listed URL (keys are still read
//   from the configured local JWKS file: nothing is ever fetched);
// - `iss` is a trusted issuer; `aud` (string, or array holding it) is the exact URL called;
// - `exp` and `iat` present, numeric, checked with at most `leeway` seconds; `nbf` if present;
//   a lifetime (`exp - iat`) of at most `max_lifetime`;
// - `jti` present and never seen before within its lifetime (bounded replay cache; when the
//   cache is full of unexpired ids the token is refused — fail closed).
// Every failure is the same `false` to the caller (HTTP 401 with no detail); the reason is
// available for tests only through `verify_detail`. Tokens are never logged or stored (only
// `iss` + `jti` pairs stay in the replay cache until the token's expiry).
#ifndef MNSCREEN_SERVER_JWT_HPP
#define MNSCREEN_SERVER_JWT_HPP

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mnscreen::server {

/// One verification key from a JWKS (an OpenSSL public key plus what it is pinned to).
struct jwk_key {
  std::string kid;
  std::string kty;             // "EC" or "RSA"
  std::string alg;             // the JWK's `alg`, or empty (then any alg of the key's family)
  std::string curve_alg;       // EC: the only alg its curve allows ("ES384" for P-384)
  std::shared_ptr<void> pkey;  // EVP_PKEY*, freed with EVP_PKEY_free
};

/// A trusted issuer: its `iss`, keys and allow-listed `jku` (may be empty).
struct issuer_keys {
  std::string iss;
  std::string jku;
  std::vector<jwk_key> keys;
};

/// Reads a JWKS document (`{"keys": [...]}`) into keys. Private-key members are refused (a
/// JWKS file given to a verifier must not carry a private key). On failure returns false and
/// sets `error` to a message naming the JSON path.
[[nodiscard]] bool parse_jwks(std::string_view json, std::vector<jwk_key>& out, std::string& error);

/// Why a token was refused (tests and debugging only: never sent to a client or logged).
enum class token_status {
  ok,
  malformed,
  bad_alg,
  unknown_issuer,
  jku_not_allowed,
  unknown_kid,
  bad_signature,
  wrong_audience,
  expired,
  not_yet_valid,
  missing_claim,
  lifetime_too_long,
  replayed,
  replay_cache_full
};

/// The verified claims the server keeps (for the audit trail: the issuer only).
struct token_claims {
  std::string iss;
  std::string sub;
};

class token_verifier {
 public:
  struct options {
    std::chrono::seconds leeway{60};
    std::chrono::seconds max_lifetime{3600};
    std::size_t replay_capacity = 100000;
  };
  token_verifier(std::vector<issuer_keys> issuers, options o);

  /// Verifies `token` for a call to `audience` (base_url + path) at time `now` (seconds since
  /// the epoch). Thread-safe.
  [[nodiscard]] token_status verify_detail(std::string_view token, std::string_view audience,
                                           std::int64_t now, token_claims* claims = nullptr);
  [[nodiscard]] bool verify(std::string_view token, std::string_view audience,
                            token_claims* claims = nullptr);

  [[nodiscard]] std::size_t replay_cache_size() const;

 private:
  std::vector<issuer_keys> issuers_;
  options options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::int64_t> seen_;  // iss + '\n' + jti -> exp
};

/// base64url without padding (RFC 7515 §2): decode refuses other characters.
[[nodiscard]] bool base64url_decode(std::string_view in, std::string& out);
[[nodiscard]] std::string base64url_encode(std::string_view in);

}  // namespace mnscreen::server

#endif  // MNSCREEN_SERVER_JWT_HPP
