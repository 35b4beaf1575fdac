// SPDX-License-Identifier: Apache-2.0
#include "jwt.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include "json/parse.hpp"

namespace mnscreen::server {
namespace json = boost::json;

namespace {

int b64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// A JOSE header or claims set (or a JWKS). A name given twice is refused (RFC 7515 section 4
// and RFC 7519 section 4 allow refusing): readers that keep the first and readers that keep the
// last would see different tokens, e.g. `{"alg":"none",...,"alg":"ES384"}`.
std::optional<json::object> parse_object(std::string_view text) {
  json_detail::parsed parsed = json_detail::parse(text, 16);
  if (!parsed.value || !parsed.duplicate_keys.empty() || !parsed.value->is_object())
    return std::nullopt;
  return std::move(parsed.value->as_object());
}

std::string member_string(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->as_string());
}

struct pkey_deleter {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};

std::shared_ptr<void> make_ec_key(const std::string& group, std::size_t coord_len,
                                  const std::string& x, const std::string& y) {
  if (x.size() != coord_len || y.size() != coord_len) return nullptr;
  std::string point;
  point.reserve(1 + 2 * coord_len);
  point.push_back('\x04');
  point += x;
  point += y;
  std::array<OSSL_PARAM, 3> params{
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group.c_str()),
                                       0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  if (ctx == nullptr) return nullptr;
  EVP_PKEY* key = nullptr;
  const bool ok = EVP_PKEY_fromdata_init(ctx) == 1 &&
                  EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params.data()) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  // The point must be on the curve (EVP_PKEY_fromdata does not always check).
  EVP_PKEY_CTX* check = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
  const bool valid = check != nullptr && EVP_PKEY_public_check(check) == 1;
  EVP_PKEY_CTX_free(check);
  if (!valid) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return std::shared_ptr<void>(key, [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); });
}

std::shared_ptr<void> make_rsa_key(const std::string& n, const std::string& e) {
  if (n.empty() || e.empty() || n.size() < 256) return nullptr;  // at least 2048 bits
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                           static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                           static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM* params = nullptr;
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* ctx = nullptr;
  bool ok = bn_n != nullptr && bn_e != nullptr && bld != nullptr &&
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1 &&
            (params = OSSL_PARAM_BLD_to_param(bld)) != nullptr &&
            (ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)) != nullptr &&
            EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  if (!ok) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return std::shared_ptr<void>(key, [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); });
}

const EVP_MD* digest_for(std::string_view alg) {
  if (alg.ends_with("256")) return EVP_sha256();
  if (alg.ends_with("384")) return EVP_sha384();
  if (alg.ends_with("512")) return EVP_sha512();
  return nullptr;
}

bool alg_allowed_for(const jwk_key& key, std::string_view alg) {
  // Only these algorithms exist for the verifier; `none`, HS*, PS* are not among them.
  static constexpr std::array<std::string_view, 6> known{"ES256", "ES384", "ES512",
                                                         "RS256", "RS384", "RS512"};
  if (std::find(known.begin(), known.end(), alg) == known.end()) return false;
  if (!key.alg.empty() && key.alg != alg) return false;
  if (key.kty == "EC") return alg == key.curve_alg;
  if (key.kty == "RSA") return alg.starts_with("RS");
  return false;
}

bool verify_signature(const jwk_key& key, std::string_view alg, std::string_view signing_input,
                      const std::string& signature) {
  const EVP_MD* md = digest_for(alg);
  if (md == nullptr) return false;
  std::string der;
  const std::string* sig = &signature;
  if (key.kty == "EC") {
    // JOSE ECDSA signatures are r || s, each the curve's byte length (RFC 7518 §3.4).
    const std::size_t half = alg == "ES256" ? 32 : alg == "ES384" ? 48 : 66;
    if (signature.size() != 2 * half) return false;
    ECDSA_SIG* es = ECDSA_SIG_new();
    if (es == nullptr) return false;
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()),
                          static_cast<int>(half), nullptr);
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data() + half),
                          static_cast<int>(half), nullptr);
    if (r == nullptr || s == nullptr || ECDSA_SIG_set0(es, r, s) != 1) {
      BN_free(r);
      BN_free(s);
      ECDSA_SIG_free(es);
      return false;
    }
    unsigned char* buf = nullptr;
    const int len = i2d_ECDSA_SIG(es, &buf);
    ECDSA_SIG_free(es);
    if (len <= 0) return false;
    der.assign(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len));
    OPENSSL_free(buf);
    sig = &der;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok =
      EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, static_cast<EVP_PKEY*>(key.pkey.get())) == 1;
  if (ok && key.kty == "RSA") ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
  ok = ok && EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                              reinterpret_cast<const unsigned char*>(signing_input.data()),
                              signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

// A NumericDate claim (RFC 7519 §2): a JSON number of seconds (fractions allowed).
std::optional<std::int64_t> numeric_date(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() < (std::uint64_t{1} << 62))
    return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_double() && std::isfinite(v->as_double()) && std::abs(v->as_double()) < 1e15)
    return static_cast<std::int64_t>(std::floor(v->as_double()));
  return std::nullopt;
}

}  // namespace

bool base64url_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = b64_value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFFU));
    }
  }
  // A single leftover character (6 bits) cannot come from an encoder.
  return in.size() % 4 != 1;
}

std::string base64url_encode(std::string_view in) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    acc = (acc << 8) | static_cast<unsigned char>(ch);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(alphabet[(acc >> bits) & 0x3FU]);
    }
  }
  if (bits > 0) out.push_back(alphabet[(acc << (6 - bits)) & 0x3FU]);
  return out;
}

bool parse_jwks(std::string_view text, std::vector<jwk_key>& out, std::string& error) {
  json_detail::parsed parsed = json_detail::parse(text, 16);
  if (!parsed.value) {
    error = "$: not valid JSON at line " + std::to_string(parsed.line) + ", column " +
            std::to_string(parsed.column) + ": " + parsed.error.message();
    return false;
  }
  if (!parsed.duplicate_keys.empty()) {
    error = parsed.duplicate_keys.front() + ": the key appears more than once in this object";
    return false;
  }
  const json::object* doc = parsed.value->if_object();
  if (doc == nullptr) {
    error = "$: not a JSON object";
    return false;
  }
  const auto* keys = doc->if_contains("keys");
  if (keys == nullptr || !keys->is_array()) {
    error = "$.keys: missing or not an array";
    return false;
  }
  std::size_t i = 0;
  for (const auto& kv : keys->as_array()) {
    const std::string path = "$.keys[" + std::to_string(i++) + "]";
    if (!kv.is_object()) {
      error = path + ": not an object";
      return false;
    }
    const auto& k = kv.as_object();
    for (const char* priv : {"d", "p", "q", "dp", "dq", "qi", "k"}) {
      if (k.contains(priv)) {
        error =
            path + "." + priv + ": a JWKS for verification must not hold private or secret keys";
        return false;
      }
    }
    jwk_key key;
    key.kid = member_string(k, "kid");
    key.kty = member_string(k, "kty");
    key.alg = member_string(k, "alg");
    const std::string use = member_string(k, "use");
    if (key.kid.empty()) {
      error = path + ".kid: missing (keys are found by kid)";
      return false;
    }
    if (!use.empty() && use != "sig") continue;  // encryption keys are not for us
    auto b64 = [&](std::string_view name, std::string& v) {
      const std::string s = member_string(k, name);
      if (s.empty() || !base64url_decode(s, v)) {
        error = path + "." + std::string(name) + ": missing or not base64url";
        return false;
      }
      return true;
    };
    if (key.kty == "EC") {
      const std::string crv = member_string(k, "crv");
      std::string group;
      std::size_t len = 0;
      if (crv == "P-256") {
        group = "prime256v1";
        len = 32;
        key.curve_alg = "ES256";
      } else if (crv == "P-384") {
        group = "secp384r1";
        len = 48;
        key.curve_alg = "ES384";
      } else if (crv == "P-521") {
        group = "secp521r1";
        len = 66;
        key.curve_alg = "ES512";
      } else {
        error = path + ".crv: '" + crv + "' is not P-256, P-384 or P-521";
        return false;
      }
      std::string x;
      std::string y;
      if (!b64("x", x) || !b64("y", y)) return false;
      key.pkey = make_ec_key(group, len, x, y);
      if (!key.pkey) {
        error = path + ": not a valid " + crv + " public key";
        return false;
      }
      if (!key.alg.empty() && key.alg != key.curve_alg) {
        error = path + ".alg: '" + key.alg + "' does not match curve " + crv;
        return false;
      }
    } else if (key.kty == "RSA") {
      std::string n;
      std::string e;
      if (!b64("n", n) || !b64("e", e)) return false;
      key.pkey = make_rsa_key(n, e);
      if (!key.pkey) {
        error = path + ": not a valid RSA public key of at least 2048 bits";
        return false;
      }
      if (!key.alg.empty() && key.alg != "RS256" && key.alg != "RS384" && key.alg != "RS512") {
        error = path + ".alg: '" + key.alg + "' is not RS256, RS384 or RS512";
        return false;
      }
    } else {
      error = path + ".kty: '" + key.kty + "' is not EC or RSA (symmetric keys are refused)";
      return false;
    }
    out.push_back(std::move(key));
  }
  return true;
}

token_verifier::token_verifier(std::vector<issuer_keys> issuers, options o)
    : issuers_(std::move(issuers)), options_(o) {}

std::size_t token_verifier::replay_cache_size() const {
  const std::lock_guard lock(mutex_);
  return seen_.size();
}

bool token_verifier::verify(std::string_view token, std::string_view audience,
                            token_claims* claims) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return verify_detail(token, audience, now, claims) == token_status::ok;
}

token_status token_verifier::verify_detail(std::string_view token, std::string_view audience,
                                           std::int64_t now, token_claims* claims) {
  if (token.size() > 16384) return token_status::malformed;
  const auto dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return token_status::malformed;
  const auto dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return token_status::malformed;
  std::string header_text;
  std::string payload_text;
  std::string signature;
  if (!base64url_decode(token.substr(0, dot1), header_text) ||
      !base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1), payload_text) ||
      !base64url_decode(token.substr(dot2 + 1), signature))
    return token_status::malformed;
  const auto header = parse_object(header_text);
  const auto payload = parse_object(payload_text);
  if (!header || !payload) return token_status::malformed;
  const std::string alg = member_string(*header, "alg");
  if (alg.empty() || alg == "none" || alg.starts_with("HS") || signature.empty())
    return token_status::bad_alg;
  // Critical extensions we do not understand make the token invalid (RFC 7515 §4.1.11).
  if (header->contains("crit")) return token_status::malformed;
  const std::string iss = member_string(*payload, "iss");
  const auto issuer = std::find_if(issuers_.begin(), issuers_.end(),
                                   [&](const issuer_keys& i) { return i.iss == iss; });
  if (iss.empty() || issuer == issuers_.end()) return token_status::unknown_issuer;
  if (const auto* jku = header->if_contains("jku")) {
    if (!jku->is_string() || issuer->jku.empty() || jku->as_string() != issuer->jku)
      return token_status::jku_not_allowed;
  }
  if (header->contains("jwk") || header->contains("x5u") || header->contains("x5c"))
    return token_status::jku_not_allowed;  // keys carried by the token itself are never used
  const std::string kid = member_string(*header, "kid");
  const auto key = std::find_if(issuer->keys.begin(), issuer->keys.end(),
                                [&](const jwk_key& k) { return k.kid == kid; });
  if (kid.empty() || key == issuer->keys.end()) return token_status::unknown_kid;
  if (!alg_allowed_for(*key, alg)) return token_status::bad_alg;
  if (!verify_signature(*key, alg, token.substr(0, dot2), signature))
    return token_status::bad_signature;

  // Claims, only after the signature holds.
  bool aud_ok = false;
  if (const auto* aud = payload->if_contains("aud")) {
    if (aud->is_string()) {
      aud_ok = aud->as_string() == audience;
    } else if (aud->is_array()) {
      for (const auto& a : aud->as_array())
        if (a.is_string() && a.as_string() == audience) aud_ok = true;
    }
  }
  if (!aud_ok) return token_status::wrong_audience;
  const auto exp = numeric_date(*payload, "exp");
  const auto iat = numeric_date(*payload, "iat");
  const std::string jti = member_string(*payload, "jti");
  if (!exp || !iat || jti.empty() || jti.size() > 256) return token_status::missing_claim;
  const std::int64_t leeway = options_.leeway.count();
  if (now > *exp + leeway) return token_status::expired;
  if (*iat > now + leeway) return token_status::not_yet_valid;
  if (const auto nbf = numeric_date(*payload, "nbf"); nbf && *nbf > now + leeway)
    return token_status::not_yet_valid;
  if (payload->contains("nbf") && !numeric_date(*payload, "nbf")) return token_status::malformed;
  if (*exp - *iat > options_.max_lifetime.count()) return token_status::lifetime_too_long;

  {
    const std::lock_guard lock(mutex_);
    std::string id = iss;
    id += '\n';
    id += jti;
    if (const auto it = seen_.find(id); it != seen_.end()) {
      if (it->second + leeway >= now) return token_status::replayed;
      seen_.erase(it);
    }
    if (seen_.size() >= options_.replay_capacity) {
      std::erase_if(seen_, [&](const auto& e) { return e.second + leeway < now; });
      if (seen_.size() >= options_.replay_capacity) return token_status::replay_cache_full;
    }
    seen_.emplace(std::move(id), *exp);
  }
  if (claims != nullptr) {
    claims->iss = iss;
    claims->sub = member_string(*payload, "sub");
  }
  return token_status::ok;
}

}  // namespace mnscreen::server
