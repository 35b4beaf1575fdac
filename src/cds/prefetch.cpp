// SPDX-License-Identifier: Apache-2.0
// Prefetch resolution: which template keys the client left out, and filling them through the
// caller's fetch function (docs/cds-hooks.md, "Prefetch").
#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cds/common.hpp"
#include "mnscreen/cds_hooks.hpp"

namespace mnscreen::cds {

namespace {

namespace json = boost::json;

// Percent-encodes everything but the unreserved characters of RFC 3986.
std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// The state of fetched documents: data when any holds a resource other than a failing
// OperationOutcome, failed when all that is there is a failing OperationOutcome, else no data.
prefetch_state classify(const std::vector<std::string>& documents, std::string& failure) {
  bool any = false, failed = false;
  for (const auto& text : documents) {
    json::error_code ec;
    const json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) {
      failed = true;
      if (failure.empty()) failure = "the FHIR server's answer is not JSON";
      continue;
    }
    const std::string_view type = detail::resource_type(v);
    if (type == "OperationOutcome") {
      if (detail::outcome_is_failure(v.get_object())) {
        failed = true;
        if (failure.empty()) failure = detail::outcome_text(v.get_object());
      }
      continue;
    }
    if (type != "Bundle") {
      if (!type.empty()) any = true;
      continue;
    }
    if (const json::value* entries = detail::member(v.get_object(), "entry");
        entries && entries->is_array())
      for (const auto& e : entries->get_array()) {
        if (!e.is_object()) continue;
        const json::value* r = detail::member(e.get_object(), "resource");
        if (!r || detail::resource_type(*r).empty()) continue;
        if (detail::resource_type(*r) == "OperationOutcome") {
          if (detail::outcome_is_failure(r->get_object())) {
            failed = true;
            if (failure.empty()) failure = detail::outcome_text(r->get_object());
          }
          continue;
        }
        any = true;
      }
  }
  // A page that failed makes the key unknown even if earlier pages had data: part of the
  // record is missing, and a partial list read as the whole would hide what is missing.
  if (failed) return prefetch_state::failed;
  return any ? prefetch_state::data : prefetch_state::no_data;
}

}  // namespace

std::string prefetch_url(const prefetch_template& t, const request& req) {
  static constexpr std::string_view token = "{{context.patientId}}";
  std::string out(t.query);
  const std::string id = percent_encode(req.patient_id);
  for (std::size_t at = out.find(token); at != std::string::npos;
       at = out.find(token, at + id.size()))
    out.replace(at, token.size(), id);
  return out;
}

std::vector<std::string> resolve_prefetch(request& req, const fetch_function& fetch) {
  std::vector<std::string> touched;
  for (const auto& t : prefetch_templates()) {
    prefetch_entry* e = nullptr;
    for (auto& p : req.prefetch)
      if (p.key == t.key) e = &p;
    if (!e) {
      req.prefetch.push_back({std::string(t.key), prefetch_state::absent, {}, {}, false, {}});
      e = &req.prefetch.back();
    }
    if (e->state != prefetch_state::absent) continue;
    touched.emplace_back(t.key);
    if (req.patient_id.empty()) {
      e->state = prefetch_state::failed;
      e->failure = "not fetched: the request names no patient";
      continue;
    }
    if (req.fhir_server.empty() || !fetch) {
      e->state = prefetch_state::failed;
      e->failure = req.fhir_server.empty()
                       ? "not sent by the client, and no fhirServer to fetch from"
                       : "not sent by the client, and this service does not fetch";
      continue;
    }
    fetch_result r;
    try {
      r = fetch(prefetch_url(t, req));
    } catch (const std::exception&) {
      r.status = fetch_result::status::error;
      r.message = "the fetch failed";
    }
    e->fetched = true;
    switch (r.status) {
      case fetch_result::status::ok: {
        std::string failure;
        e->state = classify(r.documents, failure);
        if (e->state == prefetch_state::data) e->documents = std::move(r.documents);
        if (e->state == prefetch_state::failed) e->failure = "fetched: " + failure;
        break;
      }
      case fetch_result::status::timeout:
        e->state = prefetch_state::failed;
        e->failure =
            "the FHIR server did not answer in time" +
            (r.message.empty() ? std::string() : " (" + detail::cut_text(r.message, 120) + ")");
        break;
      case fetch_result::status::error:
        e->state = prefetch_state::failed;
        e->failure =
            "the FHIR server could not be read" +
            (r.message.empty() ? std::string() : " (" + detail::cut_text(r.message, 120) + ")");
        break;
    }
  }
  return touched;
}

}  // namespace mnscreen::cds
