// SPDX-License-Identifier: Apache-2.0
#include "config.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <functional>
#include <map>

#include "json/parse.hpp"
#include "tls.hpp"

namespace mnscreen::server {
namespace json = boost::json;

namespace {

struct reader {
  std::vector<diagnostic>& diags;
  std::filesystem::path base_dir;

  void error(std::string code, std::string path, std::string message) {
    diags.push_back({severity::error, std::move(code), std::move(path), std::move(message)});
  }

  bool string_at(const json::value& v, const std::string& path, std::string& out) {
    if (!v.is_string()) {
      error("serve.wrong_type", path, "must be a string");
      return false;
    }
    out = std::string(v.as_string());
    return true;
  }

  bool path_at(const json::value& v, const std::string& path, std::filesystem::path& out) {
    std::string s;
    if (!string_at(v, path, s)) return false;
    if (s.empty()) {
      error("serve.empty", path, "must not be empty");
      return false;
    }
    std::filesystem::path p(s);
    out = p.is_absolute() ? p : base_dir / p;
    return true;
  }

  template <class U>
  bool unsigned_at(const json::value& v, const std::string& path, U& out, std::uint64_t min,
                   std::uint64_t max) {
    std::uint64_t n = 0;
    if (v.is_int64() && v.as_int64() >= 0) {
      n = static_cast<std::uint64_t>(v.as_int64());
    } else if (v.is_uint64()) {
      n = v.as_uint64();
    } else {
      error("serve.wrong_type", path, "must be a whole number");
      return false;
    }
    if (n < min || n > max) {
      error("serve.out_of_range", path,
            "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " +
                std::to_string(n));
      return false;
    }
    out = static_cast<U>(n);
    return true;
  }
};

}  // namespace

bool parse_listen(std::string_view text, std::string& host, std::uint16_t& port) {
  std::string_view h;
  std::string_view p;
  if (text.starts_with('[')) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) return false;
    h = text.substr(1, close - 1);
    p = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    h = text.substr(0, colon);
    p = text.substr(colon + 1);
    if (h.find(':') != std::string_view::npos) return false;
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (ec != std::errc{} || end != p.data() + p.size() || value > 65535 || h.empty()) return false;
  host = std::string(h);
  port = static_cast<std::uint16_t>(value);
  return true;
}

parse_result<config> parse_config(std::string_view text, const std::filesystem::path& base_dir) {
  parse_result<config> out;
  reader r{out.diagnostics, base_dir};
  // The library's JSON handler (src/json), as for every input: numbers correctly rounded, and
  // a key given twice reported rather than its last value taken without a word.
  json_detail::parsed parsed = json_detail::parse(text, 16);
  if (!parsed.value) {
    r.error("serve.malformed_json", "$",
            "not valid JSON at line " + std::to_string(parsed.line) + ", column " +
                std::to_string(parsed.column) + ": " + parsed.error.message());
    return out;
  }
  for (const std::string& path : parsed.duplicate_keys)
    r.error("serve.duplicate_key", path,
            "the key appears more than once in this object; keep one (the config is refused)");
  const json::value doc = std::move(*parsed.value);
  if (!doc.is_object()) {
    r.error("serve.wrong_type", "$", "the config must be a JSON object");
    return out;
  }
  const auto& o = doc.as_object();
  config& c = out.value;
  bool has_base_url = false;
  bool has_plan = false;

  using handler = std::function<void(const json::value&, const std::string&)>;
  const std::map<std::string_view, handler> members{
      {"schema",
       [&](const json::value& v, const std::string& p) {
         std::string s;
         if (r.string_at(v, p, s) && s != "mnscreen.serve/1")
           r.error("serve.schema", p, "must be \"mnscreen.serve/1\", not \"" + s + "\"");
       }},
      {"listen",
       [&](const json::value& v, const std::string& p) {
         std::string s;
         if (r.string_at(v, p, s) && !parse_listen(s, c.host, c.port))
           r.error("serve.listen", p, "must be \"HOST:PORT\" (e.g. \"127.0.0.1:8080\")");
       }},
      {"threads",
       [&](const json::value& v, const std::string& p) { r.unsigned_at(v, p, c.threads, 1, 256); }},
      {"base_url",
       [&](const json::value& v, const std::string& p) {
         if (!r.string_at(v, p, c.base_url)) return;
         has_base_url = true;
         if (!(c.base_url.starts_with("https://") || c.base_url.starts_with("http://")) ||
             c.base_url.ends_with("/") || c.base_url.find_first_of("?# ") != std::string::npos)
           r.error("serve.base_url", p,
                   "must be the public http(s) URL of the service, without a trailing '/', "
                   "query or fragment");
       }},
      {"trusted_issuers",
       [&](const json::value& v, const std::string& p) {
         if (!v.is_array()) {
           r.error("serve.wrong_type", p, "must be an array of {\"iss\", \"jwks_file\"}");
           return;
         }
         std::size_t i = 0;
         for (const auto& e : v.as_array()) {
           const std::string ep = p + "[" + std::to_string(i++) + "]";
           if (!e.is_object()) {
             r.error("serve.wrong_type", ep, "must be an object");
             continue;
           }
           trusted_issuer t;
           bool has_iss = false;
           bool has_jwks = false;
           for (const auto& [k, kv] : e.as_object()) {
             const std::string kp = ep + "." + std::string(k);
             if (k == "iss") {
               has_iss = r.string_at(kv, kp, t.iss) && !t.iss.empty();
             } else if (k == "jwks_file") {
               has_jwks = r.path_at(kv, kp, t.jwks_file);
             } else if (k == "jku") {
               if (r.string_at(kv, kp, t.jku) && !t.jku.starts_with("https://"))
                 r.error("serve.jku", kp, "must be an https:// URL");
             } else {
               r.error("serve.unknown_member", kp, "unknown member");
             }
           }
           if (!has_iss) r.error("serve.missing", ep + ".iss", "required non-empty string");
           if (!has_jwks) r.error("serve.missing", ep + ".jwks_file", "required (a JWKS file)");
           c.trusted_issuers.push_back(std::move(t));
         }
       }},
      {"default_plan", [&](const json::value& v,
                           const std::string& p) { has_plan = r.path_at(v, p, c.default_plan); }},
      {"order_codes",
       [&](const json::value& v, const std::string& p) {
         if (!v.is_array()) {
           r.error("serve.wrong_type", p, "must be an array of {\"system\", \"code\"}");
           return;
         }
         std::size_t i = 0;
         for (const auto& e : v.as_array()) {
           const std::string ep = p + "[" + std::to_string(i++) + "]";
           const auto* obj = e.if_object();
           const auto* sys = obj != nullptr ? obj->if_contains("system") : nullptr;
           const auto* code = obj != nullptr ? obj->if_contains("code") : nullptr;
           if (sys == nullptr || code == nullptr || !sys->is_string() || !code->is_string() ||
               obj->size() != 2 || sys->as_string().empty() || code->as_string().empty()) {
             r.error("serve.order_code", ep,
                     "must be {\"system\": \"...\", \"code\": \"...\"} (both non-empty)");
             continue;
           }
           c.order_codes.push_back({std::string(sys->as_string()), std::string(code->as_string())});
         }
       }},
      {"policy",
       [&](const json::value& v, const std::string& p) { (void)r.path_at(v, p, c.policy); }},
      {"model",
       [&](const json::value& v, const std::string& p) { (void)r.path_at(v, p, c.model); }},
      {"audit_db",
       [&](const json::value& v, const std::string& p) { (void)r.path_at(v, p, c.audit_db); }},
      {"audit_spill",
       [&](const json::value& v, const std::string& p) { (void)r.path_at(v, p, c.audit_spill); }},
      {"audit_patient_salt",
       [&](const json::value& v, const std::string& p) {
         if (r.string_at(v, p, c.audit_patient_salt) && c.audit_patient_salt.size() < 16)
           r.error("serve.salt", p, "must be at least 16 characters");
       }},
      {"access_log",
       [&](const json::value& v, const std::string& p) { (void)r.path_at(v, p, c.access_log); }},
      {"cert_file",
       [&](const json::value& v, const std::string& p) { (void)r.path_at(v, p, c.cert_file); }},
      {"key_file",
       [&](const json::value& v, const std::string& p) { (void)r.path_at(v, p, c.key_file); }},
      {"tls_min_version",
       [&](const json::value& v, const std::string& p) {
         if (r.string_at(v, p, c.tls_min_version) && c.tls_min_version != "1.2" &&
             c.tls_min_version != "1.3")
           r.error("serve.tls", p, "must be \"1.2\" (default) or \"1.3\"");
       }},
      {"time_zone",
       [&](const json::value& v, const std::string& p) {
         if (r.string_at(v, p, c.time_zone) && c.time_zone != "local" && c.time_zone != "UTC")
           r.error("serve.time_zone", p, "must be \"local\" (the TZ of the process) or \"UTC\"");
       }},
      {"fhir_timeout_ms",
       [&](const json::value& v, const std::string& p) {
         r.unsigned_at(v, p, c.fhir_timeout_ms, 50, 120000);
       }},
      {"fhir_max_pages",
       [&](const json::value& v, const std::string& p) {
         r.unsigned_at(v, p, c.fhir_max_pages, 1, 1000);
       }},
      {"fhir_max_bytes",
       [&](const json::value& v, const std::string& p) {
         r.unsigned_at(v, p, c.fhir_max_bytes, 1024, std::uint64_t{1} << 30);
       }},
      {"max_body_bytes",
       [&](const json::value& v, const std::string& p) {
         r.unsigned_at(v, p, c.max_body_bytes, 1024, std::uint64_t{1} << 30);
       }},
      {"max_depth", [&](const json::value& v,
                        const std::string& p) { r.unsigned_at(v, p, c.max_depth, 8, 256); }},
      {"header_timeout_ms",
       [&](const json::value& v, const std::string& p) {
         r.unsigned_at(v, p, c.header_timeout_ms, 100, 600000);
       }},
      {"body_timeout_ms",
       [&](const json::value& v, const std::string& p) {
         r.unsigned_at(v, p, c.body_timeout_ms, 100, 600000);
       }},
      {"idle_timeout_ms",
       [&](const json::value& v, const std::string& p) {
         r.unsigned_at(v, p, c.idle_timeout_ms, 100, 3600000);
       }},
      {"drain_timeout_ms",
       [&](const json::value& v, const std::string& p) {
         r.unsigned_at(v, p, c.drain_timeout_ms, 100, 600000);
       }},
      {"max_connections",
       [&](const json::value& v, const std::string& p) {
         r.unsigned_at(v, p, c.max_connections, 1, 100000);
       }},
      {"replay_cache_capacity",
       [&](const json::value& v, const std::string& p) {
         r.unsigned_at(v, p, c.replay_cache_capacity, 100, 10000000);
       }},
      {"cors_origins",
       [&](const json::value& v, const std::string& p) {
         if (!v.is_array()) {
           r.error("serve.wrong_type", p, "must be an array of origins");
           return;
         }
         std::size_t i = 0;
         for (const auto& e : v.as_array()) {
           std::string s;
           const std::string ep = p + "[" + std::to_string(i++) + "]";
           if (!r.string_at(e, ep, s)) continue;
           if (s != "*" && !s.starts_with("https://") && !s.starts_with("http://"))
             r.error("serve.cors_origin", ep, "must be an http(s) origin or \"*\"");
           else
             c.cors_origins.push_back(std::move(s));
         }
       }},
      {"incomplete",
       [&](const json::value& v, const std::string& p) {
         std::string s;
         if (!r.string_at(v, p, s)) return;
         if (s == "card")
           c.incomplete_as_412 = false;
         else if (s == "412")
           c.incomplete_as_412 = true;
         else
           r.error("serve.incomplete", p, "must be \"card\" (default) or \"412\"");
       }},
      {"patient_view_proceed_card",
       [&](const json::value& v, const std::string& p) {
         if (!v.is_bool())
           r.error("serve.wrong_type", p, "must be true or false");
         else
           c.patient_view_proceed_card = v.as_bool();
       }},
  };

  if (!o.contains("schema")) r.error("serve.missing", "$.schema", "required: \"mnscreen.serve/1\"");
  for (const auto& [k, v] : o) {
    const std::string path = "$." + std::string(k);
    const auto it = members.find(std::string_view(k.data(), k.size()));
    if (it == members.end()) {
      r.error("serve.unknown_member", path, "unknown member");
      continue;
    }
    it->second(v, path);
  }
  if (!has_base_url)
    r.error("serve.missing", "$.base_url",
            "required: the public URL of the service (tokens' aud is checked against it)");
  if (!has_plan)
    r.error("serve.missing", "$.default_plan",
            "required: a mnscreen.plan/1 file for hooks that carry no order");
  if (c.cert_file.empty() != c.key_file.empty())
    r.error("serve.tls", c.cert_file.empty() ? "$.cert_file" : "$.key_file",
            "cert_file and key_file go together");
  if (o.contains("tls_min_version") && c.cert_file.empty() && c.key_file.empty())
    r.error("serve.tls", "$.tls_min_version", "only with cert_file and key_file (TLS is off)");
  // TLS on: the files must be usable now, not at the first client (tls.hpp).
  const auto errors_on = [&](std::string_view path) {
    return std::any_of(out.diagnostics.begin(), out.diagnostics.end(),
                       [&](const diagnostic& d) { return d.path == path; });
  };
  if (!c.cert_file.empty() && !c.key_file.empty() && !errors_on("$.cert_file") &&
      !errors_on("$.key_file")) {
    check_tls_files(c, out.diagnostics);
    if (c.base_url.starts_with("http://"))
      out.diagnostics.push_back(
          {severity::warning, "serve.base_url", "$.base_url",
           "TLS is on but base_url is http://; tokens' aud must be the URL the EHR calls"});
  }
  if (c.audit_spill.empty() && !c.audit_db.empty())
    c.audit_spill = std::filesystem::path(c.audit_db.string() + ".spill.ndjson");
  return out;
}

}  // namespace mnscreen::server
