// SPDX-License-Identifier: Apache-2.0
// `service`: the endpoints of `mnscreen serve` without sockets (server.hpp).
#include <algorithm>
#include <array>
#include <atomic>
#include <boost/json.hpp>
#include <cmath>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include "json/parse.hpp"
#include "jwt.hpp"
#include "mnscreen/cds_hooks.hpp"
#include "mnscreen/fhir.hpp"
#include "mnscreen/fit.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/screener.hpp"
#include "mnscreen/version.hpp"
#include "server.hpp"
#include "service_impl.hpp"
#ifdef MNSCREEN_SERVER_HAS_AUDIT
#include "audit/audit.hpp"
#endif

namespace mnscreen::server {
namespace json = boost::json;

std::string request_day(const std::string& time_zone) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  if (time_zone == "UTC")
    gmtime_r(&now, &tm);
  else
    localtime_r(&now, &tm);
  std::array<char, 16> buf{};
  const auto n = std::strftime(buf.data(), buf.size(), "%Y-%m-%d", &tm);
  return std::string(buf.data(), n);
}

std::string error_body(unsigned status, std::string_view code, std::string_view message,
                       const std::vector<diagnostic>& diagnostics) {
  json::object o;
  o["error"] = code;
  o["status"] = status;
  o["message"] = message;
  if (!diagnostics.empty()) {
    json::array a;
    for (const auto& d : diagnostics) {
      json::object e;
      e["severity"] = to_string(d.severity);
      e["code"] = d.code;
      e["path"] = d.path;
      e["message"] = d.message;
      a.push_back(std::move(e));
    }
    o["diagnostics"] = std::move(a);
  }
  return json::serialize(o);
}

namespace {

std::optional<std::string> read_file(const std::filesystem::path& p, std::size_t max_bytes) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  std::array<char, 65536> buf{};
  while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
    text.append(buf.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) return std::nullopt;
  }
  return text;
}

// "$" -> "$.intake", "$.a" -> "$.intake.a", "$[0]" -> "$.intake[0]".
std::string prefix_path(std::string_view member, const std::string& path) {
  std::string out = "$.";
  out += member;
  if (path.size() > 1 && path.starts_with('$')) out += path.substr(1);
  return out;
}

}  // namespace

service::service() : impl_(std::make_unique<impl>()) {}
service::~service() = default;
const config& service::settings() const noexcept { return impl_->cfg; }
bool service::insecure_dev() const noexcept { return impl_->opts.insecure_dev; }

std::unique_ptr<service> service::create(const config& c, const service_options& o,
                                         std::vector<std::string>& errors) {
  std::unique_ptr<service> s(new service());
  impl& i = *s->impl_;
  i.cfg = c;
  i.opts = o;
  const read_limits limits{};
  auto load_text = [&](const std::filesystem::path& p) -> std::optional<std::string> {
    auto t = read_file(p, limits.max_bytes);
    if (!t) errors.push_back(p.string() + ": cannot be read (missing, unreadable or too large)");
    return t;
  };
  auto add = [&](const std::filesystem::path& p, const std::vector<diagnostic>& ds) {
    for (const auto& d : ds)
      if (d.severity != severity::warning) errors.push_back(format(d, p.string()));
  };
  policy pol;
  if (!c.policy.empty()) {
    if (auto t = load_text(c.policy)) {
      auto r = parse_policy(*t);
      add(c.policy, r.diagnostics);
      if (r.ok()) pol = std::move(r.value);
    }
  }
  i.model_version = "priors " + std::string(knowledge_version);
  if (!c.model.empty()) {
    if (auto t = load_text(c.model)) {
      auto r = parse_model_file(*t);
      add(c.model, r.diagnostics);
      if (r.ok()) {
        i.screen = screener{pol, to_risk_model(r.value)};
        i.model_version = c.model.filename().string();
      }
    }
  } else {
    i.screen = screener{pol};
  }
  if (auto t = load_text(c.default_plan)) {
    auto r = parse_plan(*t);
    add(c.default_plan, r.diagnostics);
    if (r.ok()) {
      add(c.default_plan, validate(r.value));
      i.default_plan = r.value;
    }
  }
  i.hook_settings.default_plan = i.default_plan;
  for (const auto& oc : c.order_codes)
    i.hook_settings.order_codes.push_back({oc.system, oc.code, {}});
  i.hook_settings.record_policy = pol;

  std::vector<issuer_keys> issuers;
  for (const auto& t : c.trusted_issuers) {
    issuer_keys k;
    k.iss = t.iss;
    k.jku = t.jku;
    if (auto text = load_text(t.jwks_file)) {
      std::string err;
      if (!parse_jwks(*text, k.keys, err))
        errors.push_back(t.jwks_file.string() + ": " + err);
      else if (k.keys.empty())
        errors.push_back(t.jwks_file.string() + ": no signing key (EC or RSA with use \"sig\")");
    }
    issuers.push_back(std::move(k));
  }
  if (issuers.empty() && !o.insecure_dev)
    errors.push_back(
        "config: $.trusted_issuers: no trusted issuer; the service refuses to start without "
        "token checks unless --insecure-dev is given");
  token_verifier::options vo;
  vo.replay_capacity = c.replay_cache_capacity;
  i.verifier = std::make_unique<token_verifier>(std::move(issuers), vo);
#ifdef MNSCREEN_SERVER_HAS_AUDIT
  if (!c.audit_db.empty() && errors.empty()) {
    audit::options ao;
    ao.db_path = c.audit_db.string();
    ao.spill_path = c.audit_spill.string();
    ao.patient_salt = c.audit_patient_salt;
    try {
      i.audit_log = std::make_unique<audit::log>(ao);
    } catch (const std::exception& e) {
      errors.push_back(c.audit_db.string() + ": " + e.what());
    }
  }
#else
  if (!c.audit_db.empty()) errors.push_back("config: $.audit_db: this build has no audit trail");
#endif
  if (!errors.empty()) return nullptr;
  return s;
}

void service::flush_audit() {
#ifdef MNSCREEN_SERVER_HAS_AUDIT
  if (impl_->audit_log) impl_->audit_log->flush();
#endif
}

void service::observe(const std::string& route, unsigned status, double latency_ms) {
  metrics& m = impl_->m;
  {
    const std::lock_guard lock(m.mutex);
    ++m.requests[{route, status}];
  }
  std::size_t b = 0;
  while (b < bucket_bounds.size() && latency_ms > bucket_bounds[b]) ++b;
  m.buckets[b].fetch_add(1, std::memory_order_relaxed);
  m.count.fetch_add(1, std::memory_order_relaxed);
  m.sum_us.fetch_add(static_cast<std::uint64_t>(std::llround(latency_ms * 1000.0)),
                     std::memory_order_relaxed);
}

reply service::handle(const request& r) {
  try {
    reply out = impl_->handle(r);
    if (impl_->opts.insecure_dev)
      out.headers.emplace_back("Warning",
                               "199 mnscreen \"insecure-dev: no bearer token is checked\"");
    return out;
  } catch (...) {
    reply out;
    out.status = 500;
    out.route = "internal";
    out.body = error_body(500, "internal_error", "the request could not be answered");
    return out;
  }
}

reply service::impl::handle(const request& r) {
  std::string_view target = r.target;
  const auto q = target.find('?');
  const std::string path(target.substr(0, q));
  reply out;

  if (path == "/healthz") {
    out = health();
    out.route = "/healthz";
    if (r.method != "GET" && r.method != "HEAD") {
      out.status = 405;
      out.body = error_body(405, "method_not_allowed", "use GET");
      out.headers.emplace_back("Allow", "GET");
    }
    return out;
  }
  if (path == "/metrics") {
    out = metrics_text();
    out.route = "/metrics";
    if (r.method != "GET") {
      out.status = 405;
      out.content_type = "application/json";
      out.body = error_body(405, "method_not_allowed", "use GET");
      out.headers.emplace_back("Allow", "GET");
    }
    return out;
  }

  // Routing first (the route names the metrics), then the token check, then the method.
  enum class kind { discovery, hook, feedback, plain, plain_fhir, unknown } k = kind::unknown;
  const cds::service_info* svc = nullptr;
  std::string allowed = "POST";
  if (path == "/cds-services") {
    k = kind::discovery;
    out.route = "/cds-services";
    allowed = "GET";
  } else if (path.starts_with("/cds-services/")) {
    std::string_view rest = std::string_view(path).substr(14);
    bool fb = false;
    if (rest.ends_with("/feedback")) {
      rest.remove_suffix(9);
      fb = true;
    }
    svc = rest.find('/') == std::string_view::npos ? cds::find_service(rest) : nullptr;
    k = fb ? kind::feedback : kind::hook;
    out.route = fb ? "/cds-services/{id}/feedback" : "/cds-services/{id}";
    if (svc != nullptr) out.service_id = std::string(svc->id);
  } else if (path == "/screen") {
    k = kind::plain;
    out.route = "/screen";
  } else if (path == "/screen/fhir") {
    k = kind::plain_fhir;
    out.route = "/screen/fhir";
  } else {
    out.route = "other";
  }

  std::string issuer;
  if (!opts.insecure_dev) {
    std::string_view auth = r.authorization;
    bool ok = false;
    if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer ")) {
      token_claims claims;
      // aud is the exact URL called: base_url + path (no query).
      ok = verifier->verify_detail(auth.substr(7), cfg.base_url + path, now_seconds(), &claims) ==
           token_status::ok;
      issuer = claims.iss;
    }
    if (!ok) {
      m.tokens_rejected.fetch_add(1, std::memory_order_relaxed);
      out.status = 401;
      out.body = error_body(401, "unauthorized", "a valid bearer token is required");
      out.headers.emplace_back("WWW-Authenticate", "Bearer");
      return out;
    }
  }

  if (k == kind::unknown || ((k == kind::hook || k == kind::feedback) && svc == nullptr)) {
    out.status = 404;
    out.body = error_body(404, "not_found",
                          k == kind::unknown ? "no such endpoint" : "no CDS service with this id",
                          {{severity::error, "http.not_found", "$", "path " + path}});
    return out;
  }
  if (r.method != allowed) {
    out.status = 405;
    out.body = error_body(405, "method_not_allowed", "use " + allowed);
    out.headers.emplace_back("Allow", allowed);
    return out;
  }
  reply res;
  switch (k) {
    case kind::discovery:
      res.body = cds::discovery_json();
      break;
    case kind::hook:
      res = hook_endpoint(r, *svc, issuer);
      break;
    case kind::feedback:
      res = feedback_endpoint(r, *svc);
      break;
    case kind::plain:
      res = screen_endpoint(r, false);
      break;
    case kind::plain_fhir:
      res = screen_endpoint(r, true);
      break;
    case kind::unknown:
      break;
  }
  res.route = out.route;
  res.service_id = out.service_id;
  return res;
}

reply service::impl::screen_endpoint(const request& r, bool fhir) {
  reply out;
  auto bad = [&](std::vector<diagnostic> ds) {
    out.status = 400;
    out.body = error_body(400, "bad_request", ds.empty() ? "bad request" : ds.front().message, ds);
    return out;
  };
  // The library's JSON handler, as `mnscreen screen` reads its files: numbers correctly
  // rounded, and a key given twice reported (Boost.JSON's own parser keeps the last value
  // without a word, and the intake or plan written out from its tree would then read clean).
  json_detail::parsed parsed = json_detail::parse(r.body, cfg.max_depth);
  if (!parsed.value) {
    const bool deep = parsed.error == json::error::too_deep;
    return bad({{severity::fatal, deep ? "http.too_deep" : "http.malformed_json", "$",
                 deep ? "JSON nested deeper than " + std::to_string(cfg.max_depth) + " levels"
                      : "not valid JSON: " + parsed.error.message()}});
  }
  const json::value doc = std::move(*parsed.value);
  if (!doc.is_object())
    return bad({{severity::error, "http.wrong_type", "$", "must be an object"}});
  const auto& o = doc.as_object();
  std::vector<diagnostic> errs;
  std::vector<diagnostic> warns;
  // A key given twice: an error in the intake, the plan or the envelope (as the intake and plan
  // readers report it), a warning in the FHIR bundle (as the FHIR reader reports it: only the
  // last value is read).
  for (std::string& path : parsed.duplicate_keys) {
    if (fhir && (path.rfind("$.bundle.", 0) == 0 || path.rfind("$.bundle[", 0) == 0))
      warns.push_back({severity::warning, "fhir.duplicate_key", std::move(path),
                       "bundle: " + std::string(json_detail::duplicate_key_message)});
    else
      errs.push_back({severity::error, "duplicate_key", std::move(path),
                      std::string(json_detail::duplicate_key_message)});
  }
  const std::array<std::string_view, 3> known =
      fhir ? std::array<std::string_view, 3>{"bundle", "plan", "intake"}
           : std::array<std::string_view, 3>{"intake", "plan", "plan"};
  for (const auto& [key, v] : o) {
    (void)v;
    if (std::find(known.begin(), known.end(), std::string_view(key)) == known.end())
      warns.push_back({severity::warning, "http.unknown_member", "$." + std::string(key),
                       "request: unknown member, ignored"});
  }
  auto member = [&](std::string_view name, bool required) -> const json::value* {
    const auto* v = o.if_contains(name);
    if (v == nullptr) {
      if (required)
        errs.push_back({severity::error, "http.missing_member", "$." + std::string(name),
                        "required member is missing"});
      return nullptr;
    }
    if (!v->is_object()) {
      errs.push_back(
          {severity::error, "http.wrong_type", "$." + std::string(name), "must be a JSON object"});
      return nullptr;
    }
    return v;
  };
  const read_limits limits{cfg.max_body_bytes, cfg.max_depth, 10000, 65536};
  auto take = [&](std::string_view name, std::vector<diagnostic> ds) {
    for (auto& d : ds) {
      d.path = prefix_path(name, d.path);
      if (d.severity == severity::warning) {
        d.message = std::string(name) + ": " + d.message;
        warns.push_back(std::move(d));
      } else {
        errs.push_back(std::move(d));
      }
    }
  };
  std::optional<procedure_plan> plan;
  if (const auto* pv = member("plan", true)) {
    auto p = parse_plan(json::serialize(*pv), limits);
    const bool ok = p.ok();
    take("plan", std::move(p.diagnostics));
    if (ok) {
      auto v = validate(p.value);
      const bool valid = !has_errors(v);
      take("plan", std::move(v));
      if (valid) plan = std::move(p.value);
    }
  }
  std::optional<intake> in;
  if (const auto* iv = member("intake", !fhir)) {
    auto p = parse_intake(json::serialize(*iv), limits);
    const bool ok = p.ok();
    take("intake", std::move(p.diagnostics));
    if (ok) {
      auto v = validate(p.value);
      const bool valid = !has_errors(v);
      take("intake", std::move(v));
      if (valid) in = std::move(p.value);
    }
  }
  std::optional<parse_result<fhir_intake>> record;
  if (fhir) {
    const auto* bv = o.if_contains("bundle");
    if (bv == nullptr) {
      errs.push_back(
          {severity::error, "http.missing_member", "$.bundle", "required member is missing"});
    } else if (!bv->is_object()) {
      errs.push_back({severity::error, "http.wrong_type", "$.bundle",
                      "must be a FHIR Bundle or resource (a JSON object)"});
    } else if (plan) {
      fhir_options fo = make_fhir_options(screen.active_policy(), plan->date);
      fo.max_depth = cfg.max_depth;
      record = reader.read(json::serialize(*bv), fo);
      for (auto d : record->diagnostics) {
        d.path = prefix_path("bundle", d.path);
        if (d.severity == severity::warning) {
          d.message = "bundle: " + d.message;
          warns.push_back(std::move(d));
        } else {
          errs.push_back(std::move(d));
        }
      }
      record->diagnostics.clear();
    }
  }
  if (!errs.empty() || !plan || (!fhir && !in)) return bad(std::move(errs));

  intake subject =
      fhir ? (in ? merge_intake(record->value.record, *in) : record->value.record) : std::move(*in);
  report rep = screen.screen(subject, *plan);
  if (rep.decision == decision::cannot_screen) {
    std::vector<diagnostic> ds;
    for (const auto& d : rep.warnings)
      if (d.severity != severity::warning) ds.push_back(d);
    if (ds.empty())
      ds.push_back(
          {severity::error, "http.cannot_screen", "$", "the inputs could not be screened"});
    return bad(std::move(ds));
  }
  for (auto& w : warns) rep.warnings.push_back(std::move(w));
  if (record) add_fhir_findings(rep, *record);
  out.body = to_json(rep);
  return out;
}

reply service::impl::health() const {
  reply out;
  json::object o;
  bool degraded = false;
#ifdef MNSCREEN_SERVER_HAS_AUDIT
  if (audit_log) {
    const auto h = audit_log->status();
    degraded = h.degraded;
    json::object a;
    a["degraded"] = h.degraded;
    a["queue_depth"] = h.queue_depth;
    a["spilled"] = h.spilled;
    o["audit"] = std::move(a);
  }
#endif
  o["status"] = degraded ? "degraded" : "ok";
  o["library_version"] = library_version;
  o["knowledge_version"] = knowledge_version;
  if (opts.insecure_dev) o["insecure_dev"] = true;
  out.body = json::serialize(o);
  return out;
}

reply service::impl::metrics_text() const {
  reply out;
  out.content_type = "text/plain; version=0.0.4";
  std::ostringstream s;
  s << "# HELP mnscreen_http_requests_total HTTP requests answered, by route and status.\n"
       "# TYPE mnscreen_http_requests_total counter\n";
  {
    auto& mm = const_cast<metrics&>(m);
    const std::lock_guard lock(mm.mutex);
    for (const auto& [k, n] : m.requests)
      s << "mnscreen_http_requests_total{route=\"" << k.first << "\",status=\"" << k.second
        << "\"} " << n << '\n';
  }
  s << "# HELP mnscreen_http_request_duration_seconds Time from a complete request to its "
       "reply.\n"
       "# TYPE mnscreen_http_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < bucket_bounds.size(); ++b) {
    cumulative += m.buckets[b].load(std::memory_order_relaxed);
    s << "mnscreen_http_request_duration_seconds_bucket{le=\"" << bucket_bounds[b] / 1000.0
      << "\"} " << cumulative << '\n';
  }
  cumulative += m.buckets[bucket_bounds.size()].load(std::memory_order_relaxed);
  s << "mnscreen_http_request_duration_seconds_bucket{le=\"+Inf\"} " << cumulative << '\n'
    << "mnscreen_http_request_duration_seconds_sum "
    << static_cast<double>(m.sum_us.load(std::memory_order_relaxed)) / 1e6 << '\n'
    << "mnscreen_http_request_duration_seconds_count " << m.count.load(std::memory_order_relaxed)
    << '\n';
  s << "# HELP mnscreen_fhir_fetches_total Fetches of absent prefetch keys, by result.\n"
       "# TYPE mnscreen_fhir_fetches_total counter\n"
    << "mnscreen_fhir_fetches_total{result=\"ok\"} " << m.fetches_ok.load() << '\n'
    << "mnscreen_fhir_fetches_total{result=\"error\"} " << m.fetches_failed.load() << '\n'
    << "mnscreen_fhir_fetches_total{result=\"timeout\"} " << m.fetches_timeout.load() << '\n';
  s << "# HELP mnscreen_tokens_rejected_total Requests refused with 401.\n"
       "# TYPE mnscreen_tokens_rejected_total counter\n"
    << "mnscreen_tokens_rejected_total " << m.tokens_rejected.load() << '\n';
  std::size_t depth = 0;
  bool degraded = false;
#ifdef MNSCREEN_SERVER_HAS_AUDIT
  if (audit_log) {
    const auto h = audit_log->status();
    depth = h.queue_depth;
    degraded = h.degraded;
  }
#endif
  s << "# HELP mnscreen_audit_queue_depth Audit records waiting for the writer.\n"
       "# TYPE mnscreen_audit_queue_depth gauge\n"
    << "mnscreen_audit_queue_depth " << depth << '\n'
    << "# HELP mnscreen_audit_degraded 1 while the audit database cannot be written.\n"
       "# TYPE mnscreen_audit_degraded gauge\n"
    << "mnscreen_audit_degraded " << (degraded ? 1 : 0) << '\n';
  out.body = s.str();
  return out;
}

}  // namespace mnscreen::server
