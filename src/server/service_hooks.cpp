// SPDX-License-Identifier: Apache-2.0
// The CDS Hooks endpoints of `service`: a hook call (its prefetch completed from the FHIR
// server within one deadline, the screen, the cards, the audit record) and card feedback.
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "fhir_client.hpp"
#include "mnscreen/cds_hooks.hpp"
#include "mnscreen/version.hpp"
#include "server.hpp"
#include "service_impl.hpp"
#ifdef MNSCREEN_SERVER_HAS_AUDIT
#include "audit/audit.hpp"
#endif

namespace mnscreen::server {
namespace json = boost::json;

reply service::impl::hook_endpoint(const request& r, const cds::service_info& svc,
                                   const std::string& issuer) {
  const auto started = std::chrono::steady_clock::now();
  reply out;
  cds::request_limits limits;
  limits.max_bytes = cfg.max_body_bytes;
  limits.max_depth = cfg.max_depth;
  auto parsed = cds::parse_request(r.body, limits);
#ifdef MNSCREEN_SERVER_HAS_AUDIT
  auto audit_rejected = [&](const std::string& instance) {
    if (!audit_log) return;
    audit::hook_record rec;
    rec.service = std::string(svc.id);
    rec.hook_instance = instance;
    rec.issuer = issuer;
    rec.outcome = "rejected";
    rec.knowledge_version = std::string(knowledge_version);
    rec.library_version = std::string(library_version);
    rec.latency_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    audit_log->record(std::move(rec));
  };
#else
  auto audit_rejected = [&](const std::string&) { (void)issuer; };
#endif
  if (!parsed.ok()) {
    out.status = 400;
    out.body = cds::diagnostics_json(parsed.diagnostics);
    audit_rejected(parsed.value.hook_instance);
    return out;
  }
  cds::request& req = parsed.value;
  if (auto mismatch = cds::hook_mismatch(req, svc)) {
    out.status = 400;
    out.body = cds::diagnostics_json({*mismatch});
    audit_rejected(req.hook_instance);
    return out;
  }
  // One deadline for every absent key of this call: the whole hook is bounded by
  // fhir_timeout_ms of fetching, however many keys are absent.
  fetch_settings fs;
  fs.fhir_server = req.fhir_server;
  while (fs.fhir_server.ends_with('/')) fs.fhir_server.pop_back();
  if (req.authorization) fs.bearer = req.authorization->access_token;
  fs.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(cfg.fhir_timeout_ms);
  fs.max_pages = cfg.fhir_max_pages;
  fs.max_bytes = cfg.fhir_max_bytes;
  fs.insecure_tls_for_tests = opts.insecure_fhir_tls_for_tests;
  const cds::fetch_function fetch = [&](std::string_view relative) {
    cds::fetch_result res;
    if (std::chrono::steady_clock::now() >= fs.deadline) {
      res.status = cds::fetch_result::status::timeout;
      res.message = "no time left within fhir_timeout_ms";
      m.fetches_timeout.fetch_add(1, std::memory_order_relaxed);
      return res;
    }
    fetch_outcome f = fetch_fhir(relative, fs);
    res.message = std::move(f.reason);
    res.documents = std::move(f.documents);
    switch (f.status) {
      case fetch_outcome::kind::ok:
        res.status = cds::fetch_result::status::ok;
        m.fetches_ok.fetch_add(1, std::memory_order_relaxed);
        break;
      case fetch_outcome::kind::timeout:
        res.status = cds::fetch_result::status::timeout;
        m.fetches_timeout.fetch_add(1, std::memory_order_relaxed);
        break;
      case fetch_outcome::kind::error:
        res.status = cds::fetch_result::status::error;
        m.fetches_failed.fetch_add(1, std::memory_order_relaxed);
        break;
    }
    return res;
  };
  (void)cds::resolve_prefetch(req, fetch);
  const auto today = parse_date(request_day(cfg.time_zone));
  // The response and the audit record read the report, not the FHIR reader's diagnostics:
  // those move into the report's warnings instead of being copied.
  cds::screen_request_options sro;
  sro.keep_fhir_diagnostics = false;
  auto result =
      cds::screen_request(req, screen, reader, hook_settings, today.value_or(date{}), sro);
  // Not about microneedling (an order or appointment for something else): no card, and
  // neither incomplete nor an error.
  const bool incomplete =
      !result.input.not_applicable && (!result.screen || !result.input.unavailable.empty());
  std::vector<cds::response_card> cards;  // as written in the response (none for a 412)
  if (incomplete && cfg.incomplete_as_412) {
    std::vector<diagnostic> ds;
    for (const auto& [key, why] : result.input.unavailable)
      ds.push_back({severity::error, "cds.prefetch_unavailable", "$.prefetch." + key, why});
    if (!result.screen)
      ds.push_back({severity::error, "cds.no_plan", "$.context", "no plan could be made"});
    out.status = 412;
    out.body = error_body(412, "precondition_failed",
                          "the data needed for a complete screen could not be had", ds);
  } else {
    cds::response_options ro;
    ro.proceed_card_on_patient_view = cfg.patient_view_proceed_card;
    out.body = cds::to_response(result, req, ro, cards);
  }
#ifdef MNSCREEN_SERVER_HAS_AUDIT
  if (audit_log) {
    audit::hook_record rec;
    rec.service = std::string(svc.id);
    rec.hook_instance = req.hook_instance;
    rec.issuer = issuer;
    rec.patient_ref = req.patient_id;
    if (result.screen) {
      rec.decision = std::string(to_string(result.screen->decision));
      for (const auto& f : result.screen->flags) rec.rule_ids.push_back(f.rule_id);
    }
    // The cards as to_response wrote them (the response is not read back), with the rules
    // each asks the clinician to act on: a flags card's are its flags not overridden.
    rec.cards.reserve(cards.size());
    for (auto& c : cards)
      rec.cards.push_back({std::move(c.uuid), std::move(c.indicator), std::move(c.rule_ids)});
    rec.knowledge_version = std::string(knowledge_version);
    rec.library_version = std::string(library_version);
    rec.model_version = model_version;
    rec.policy_name = screen.active_policy().name;
    rec.outcome = result.input.not_applicable ? "not_applicable"
                  : incomplete                ? "incomplete"
                  : rec.cards.empty()         ? "no_cards"
                                              : "cards";
    rec.latency_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    audit_log->record(std::move(rec));
  }
#endif
  return out;
}

reply service::impl::feedback_endpoint(const request& r, const cds::service_info& svc) {
  reply out;
  cds::request_limits limits;
  limits.max_bytes = cfg.max_body_bytes;
  limits.max_depth = cfg.max_depth;
  auto parsed = cds::parse_feedback(r.body, limits);
#ifdef MNSCREEN_SERVER_HAS_AUDIT
  if (audit_log) {
    for (const auto& item : parsed.value) {
      audit::feedback_record rec;
      rec.service = std::string(svc.id);
      rec.card_uuid = item.card_uuid;
      rec.outcome = std::string(cds::to_string(item.outcome));
      if (item.override_reason) rec.override_reason = item.override_reason->code;
      rec.comment = item.comment;
      rec.outcome_timestamp = item.outcome_timestamp;
      audit_log->record(std::move(rec));
    }
  }
#else
  (void)svc;
#endif
  if (!parsed.ok()) {
    out.status = 400;
    out.body = cds::diagnostics_json(parsed.diagnostics);
    return out;
  }
  json::object o;
  o["received"] = parsed.value.size();
  out.body = json::serialize(o);
  return out;
}

}  // namespace mnscreen::server
