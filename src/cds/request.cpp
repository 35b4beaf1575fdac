// SPDX-License-Identifier: Apache-2.0
// The CDS Hooks request reader: hook, hookInstance, fhirServer, fhirAuthorization, context and
// prefetch, with every problem reported at its JSON path (docs/cds-hooks.md, "Hooks").
#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cds/common.hpp"
#include "io/json_common.hpp"
#include "mnscreen/cds_hooks.hpp"
#include "utf8.hpp"

namespace mnscreen::cds {

namespace detail {

std::string cut_text(std::string_view s, std::size_t n) {
  if (s.size() <= n) return std::string(s);
  std::string out(mnscreen::detail::utf8_prefix(s, n > 3 ? n - 3 : 0));
  out += "\xE2\x80\xA6";
  return out;
}

std::string outcome_text(const json::object& outcome) {
  std::string text;
  if (const json::value* issues = member(outcome, "issue"); issues && issues->is_array()) {
    for (const auto& issue : issues->get_array()) {
      if (!issue.is_object()) continue;
      const auto& o = issue.get_object();
      std::string_view t = string_member(o, "diagnostics");
      if (t.empty())
        if (const json::value* d = member(o, "details"); d && d->is_object())
          t = string_member(d->get_object(), "text");
      if (t.empty()) t = string_member(o, "code");
      if (t.empty()) continue;
      if (!text.empty()) text += "; ";
      text += t;
      if (text.size() > 300) break;
    }
  }
  if (text.empty()) text = "the client sent an OperationOutcome";
  return cut_text(text, 300);
}

bool outcome_is_failure(const json::object& outcome) {
  const json::value* issues = member(outcome, "issue");
  if (!issues || !issues->is_array() || issues->get_array().empty()) return true;
  for (const auto& issue : issues->get_array()) {
    if (!issue.is_object()) return true;
    const std::string_view s = string_member(issue.get_object(), "severity");
    if (s.empty() || s == "error" || s == "fatal") return true;
  }
  return false;
}

void redact_token(std::vector<diagnostic>& ds, std::string_view token) {
  if (token.size() < min_redacted_token) return;
  constexpr std::string_view shown = "[token]";
  const auto scrub = [&](std::string& s) {
    for (std::size_t at = s.find(token); at != std::string::npos;
         at = s.find(token, at + shown.size()))
      s.replace(at, token.size(), shown);
  };
  for (auto& d : ds) {
    scrub(d.path);
    scrub(d.message);
  }
}

void prefix_codes(std::vector<diagnostic>& ds) {
  for (auto& d : ds)
    if (d.code.rfind("cds.", 0) != 0 && d.code.rfind("fhir.", 0) != 0) d.code.insert(0, "cds.");
}

}  // namespace detail

namespace {

namespace json = boost::json;
using detail::member;
using io::jpath;

// A required string member; reports missing or wrong type. Values are never quoted in
// messages (the caller says whether they may be).
std::string required_string(io::object_reader& r, std::string_view key, std::string_view what) {
  const json::value* v = r.find(key);
  if (!v) {
    r.ctx().error("missing_field", r.path_of(key), std::string(what) + " is required");
    return {};
  }
  if (!v->is_string()) {
    r.ctx().error(
        "wrong_type", r.path_of(key),
        std::string(what) + " is " + std::string(io::kind_name(*v)) + ", expected a string");
    return {};
  }
  return std::string(v->get_string().data(), v->get_string().size());
}

std::string optional_string(io::object_reader& r, std::string_view key, bool secret = false) {
  const json::value* v = r.find(key);
  if (!v) return {};
  if (!v->is_string()) {
    r.ctx().error("wrong_type", r.path_of(key),
                  (secret ? std::string("the value") : io::describe(*v)) + " is " +
                      std::string(io::kind_name(*v)) + ", expected a string; ignored");
    return {};
  }
  return std::string(v->get_string().data(), v->get_string().size());
}

void read_authorization(io::object_reader& parent, std::string_view key, request& out) {
  const json::value* v = parent.find(key);
  if (!v) return;
  const jpath path = parent.path_of(key);
  if (!v->is_object()) {
    parent.ctx().error("wrong_type", path,
                       "fhirAuthorization is " + std::string(io::kind_name(*v)) +
                           ", expected an object; no token is used");
    return;
  }
  io::object_reader r(parent.ctx(), v->get_object(), path);
  fhir_authorization a;
  a.access_token = optional_string(r, "access_token", true);
  if (a.access_token.empty())
    r.ctx().error("missing_field", r.path_of("access_token"),
                  "fhirAuthorization has no access_token; no token is used");
  a.token_type = optional_string(r, "token_type");
  if (!a.token_type.empty() && a.token_type != "Bearer" && a.token_type != "bearer")
    r.ctx().warning("unsupported_token_type", r.path_of("token_type"),
                    "token_type is not Bearer; the token is sent as a bearer token");
  if (const json::value* e = r.find("expires_in")) {
    if (e->is_int64()) {
      a.expires_in = e->get_int64();
    } else if (e->is_uint64()) {
      a.expires_in =
          static_cast<long long>(e->get_uint64() > 0x7fffffffULL ? 0x7fffffffULL : e->get_uint64());
    } else {
      r.ctx().warning(
          "wrong_type", r.path_of("expires_in"),
          "expires_in is " + std::string(io::kind_name(*e)) + ", expected a whole number; ignored");
    }
  }
  a.scope = optional_string(r, "scope");
  a.subject = optional_string(r, "subject");
  a.patient = optional_string(r, "patient");
  r.finish();
  if (!a.access_token.empty()) out.authorization = std::move(a);
}

// The resources of a draftOrders / appointments value: a Bundle (with or without `type`), a
// bare array of resources or of Bundle entries, or a single resource.
std::vector<std::string> read_resource_list(io::context& ctx, const json::value& v,
                                            const jpath& path, std::string_view what) {
  std::vector<std::string> out;
  auto take = [&](const json::value& r, const jpath& p) {
    if (!r.is_object() || detail::resource_type(r).empty()) {
      ctx.error("not_a_resource", p,
                "an item of " + std::string(what) + " is not a FHIR resource; it was not used");
      return;
    }
    out.push_back(json::serialize(r));
  };
  auto take_entries = [&](const json::array& items, const jpath& p) {
    std::size_t i = 0;
    for (const auto& item : items) {
      const jpath ip = jpath::at(p, i++);
      if (item.is_object() && detail::resource_type(item).empty()) {
        // A Bundle entry: its resource.
        if (const json::value* res = member(item.get_object(), "resource")) {
          take(*res, jpath::member(ip, "resource"));
          continue;
        }
      }
      take(item, ip);
    }
  };
  if (v.is_array()) {
    take_entries(v.get_array(), path);
  } else if (v.is_object()) {
    const json::object& o = v.get_object();
    const std::string_view type = detail::resource_type(v);
    if (type == "Bundle" || (type.empty() && member(o, "entry"))) {
      if (const json::value* entries = member(o, "entry")) {
        if (entries->is_array())
          take_entries(entries->get_array(), jpath::member(path, "entry"));
        else
          io::wrong_type(ctx, jpath::member(path, "entry"), *entries, "an array",
                         "no resource of it was used");
      }
    } else {
      take(v, path);
    }
  } else {
    io::wrong_type(ctx, path, v, "a Bundle, an array of resources or a resource",
                   "it was not used");
  }
  return out;
}

void read_context(io::object_reader& root, request& out) {
  const json::value* v = root.find("context");
  if (!v) {
    root.ctx().error("missing_field", root.path_of("context"),
                     "context is required (it names the patient)");
    return;
  }
  const jpath path = root.path_of("context");
  if (!v->is_object()) {
    root.ctx().error("wrong_type", path,
                     "context is " + std::string(io::kind_name(*v)) + ", expected an object");
    return;
  }
  io::object_reader r(root.ctx(), v->get_object(), path);
  out.patient_id = required_string(r, "patientId", "context.patientId");
  out.user_id = optional_string(r, "userId");
  out.encounter_id = optional_string(r, "encounterId");
  if (const json::value* s = r.find("selections")) {
    if (s->is_array()) {
      out.selections = io::as_strings(r.ctx(), *s, r.path_of("selections"));
    } else if (s->is_string()) {  // a single selection, sent bare
      out.selections.emplace_back(s->get_string().data(), s->get_string().size());
    } else {
      io::wrong_type(r.ctx(), r.path_of("selections"), *s, "an array of strings", "ignored");
    }
  }
  if (const json::value* d = r.find("draftOrders"))
    out.draft_orders = read_resource_list(r.ctx(), *d, r.path_of("draftOrders"), "draftOrders");
  if (const json::value* a = r.find("appointments"))
    out.appointments = read_resource_list(r.ctx(), *a, r.path_of("appointments"), "appointments");
  // Members of other hooks' contexts and extensions are accepted quietly.
  for (std::string_view k : {"userPractitionerId", "userPractitionerRoleId", "encounter",
                             "medications", "orders", "fhirServer"})
    r.accept(k);
  r.finish();
  if (out.patient_id.empty() && r.find("patientId") && r.find("patientId")->is_string())
    r.ctx().error("missing_field", r.path_of("patientId"), "context.patientId is empty");
}

// The parsed request and its arena. The tree refers to the arena through a plain (not shared)
// pointer to a monotonic resource, so Boost.JSON knows that freeing it is trivial and drops
// the whole tree without visiting its values: the arena's few blocks are freed at once.
struct request_tree {
  explicit request_tree(std::size_t text_bytes)
      : arena(std::max(text_bytes, min_first_block)), root(json::storage_ptr(&arena)) {}
  // The tree of a request takes somewhat more than its text: one first block of that size
  // spares most of the arena's growth steps.
  static constexpr std::size_t min_first_block = 1024;
  json::monotonic_resource arena;
  json::value root;  // destroyed before the arena
};

// The parsed request, which the prefetch entries keep (their documents are values inside it).
struct kept_request {
  std::shared_ptr<const json::value> owner;
  std::size_t request_bytes = 0;
};

// Keeps `v` (a value inside the parsed request) as one more document of `e`.
void keep_document(prefetch_entry& e, const json::value& v, const kept_request& k) {
  auto p = std::make_shared<detail::parsed_documents>();
  if (e.parsed) p->values = e.parsed->values;
  p->owner = k.owner;
  p->values.push_back(&v);
  p->request_bytes = k.request_bytes;
  e.parsed = std::move(p);
}

// One prefetch value.
void read_prefetch_value(io::context& ctx, const json::value& v, const jpath& path,
                         prefetch_entry& e, const kept_request& k) {
  if (v.is_null()) {
    e.state = prefetch_state::no_data;
    return;
  }
  if (!v.is_object() || detail::resource_type(v).empty()) {
    ctx.error("not_a_resource", path,
              "a prefetch value must be a FHIR resource, a Bundle or null; this is " +
                  std::string(io::kind_name(v)) + ": its data are unknown");
    e.state = prefetch_state::failed;
    e.failure = "the client sent a value that is not a FHIR resource";
    return;
  }
  const json::object& o = v.get_object();
  const std::string_view type = detail::resource_type(v);
  if (type == "OperationOutcome") {
    e.state = prefetch_state::failed;
    e.failure = detail::outcome_text(o);
    return;
  }
  if (type != "Bundle") {
    e.state = prefetch_state::data;
    keep_document(e, v, k);
    return;
  }
  // A Bundle: entries with resources count; OperationOutcome entries are search notes unless
  // every entry is a failing one.
  std::size_t resources = 0, failures = 0;
  std::string failure;
  if (const json::value* entries = member(o, "entry")) {
    if (!entries->is_array()) {
      io::wrong_type(ctx, jpath::member(path, "entry"), *entries, "an array",
                     "the Bundle's data are unknown");
      e.state = prefetch_state::failed;
      e.failure = "the client sent a Bundle whose entry is not an array";
      return;
    }
    for (const auto& entry : entries->get_array()) {
      if (!entry.is_object()) continue;
      const json::value* res = member(entry.get_object(), "resource");
      if (!res) continue;
      if (detail::resource_type(*res) == "OperationOutcome") {
        if (detail::outcome_is_failure(res->get_object())) {
          ++failures;
          if (failure.empty()) failure = detail::outcome_text(res->get_object());
        }
        continue;
      }
      ++resources;
    }
  }
  if (resources == 0 && failures > 0) {
    e.state = prefetch_state::failed;
    e.failure = failure;
  } else if (resources == 0) {
    e.state = prefetch_state::no_data;
  } else {
    e.state = prefetch_state::data;
    keep_document(e, v, k);
    if (failures > 0)
      ctx.warning("partial_prefetch", path,
                  "the Bundle holds resources and an error OperationOutcome; the resources are "
                  "used, and the data may be incomplete");
  }
}

void read_prefetch(io::object_reader& root, request& out, const kept_request& k) {
  const json::value* v = root.find("prefetch");
  if (!v) return;  // absent or null: every key absent
  const jpath path = root.path_of("prefetch");
  if (!v->is_object()) {
    root.ctx().error("wrong_type", path,
                     "prefetch is " + std::string(io::kind_name(*v)) + ", expected an object");
    return;
  }
  for (const auto& m : v->get_object()) {
    const std::string_view key(m.key().data(), m.key().size());
    prefetch_entry* e = nullptr;
    for (auto& p : out.prefetch)
      if (p.key == key) e = &p;
    if (!e) {
      out.prefetch.push_back({std::string(key), prefetch_state::absent, {}, {}, false, {}});
      e = &out.prefetch.back();
    }
    read_prefetch_value(root.ctx(), m.value(), jpath::member(path, key), *e, k);
  }
}

}  // namespace

std::vector<std::string> prefetch_entry::texts() const {
  std::vector<std::string> out;
  if (parsed)
    for (const json::value* v : parsed->values) out.push_back(json::serialize(*v));
  out.insert(out.end(), documents.begin(), documents.end());
  return out;
}

const prefetch_entry* request::find_prefetch(std::string_view key) const {
  for (const auto& p : prefetch)
    if (p.key == key) return &p;
  return nullptr;
}

parse_result<request> parse_request(std::string_view text, const request_limits& limits) {
  parse_result<request> result;
  request& out = result.value;
  for (const auto& t : prefetch_templates())
    out.prefetch.push_back({std::string(t.key), prefetch_state::absent, {}, {}, false, {}});
  read_limits rl;
  rl.max_bytes = limits.max_bytes;
  rl.max_depth = limits.max_depth;
  io::context ctx(rl);
  // The tree outlives this call when the request carries prefetch data: the entries keep
  // their documents parsed (prefetch_entry::parsed), and share the tree's one arena.
  auto tree = std::make_shared<request_tree>(text.size());
  if (auto doc = io::parse_document(text, ctx, json::storage_ptr(&tree->arena))) {
    tree->root = std::move(*doc);  // same arena: moved, not copied
    const kept_request kept{std::shared_ptr<const json::value>(tree, &tree->root), text.size()};
    if (const json::object* root = io::root_object(*kept.owner, ctx)) {
      io::object_reader r(ctx, *root, "$");
      if (const json::value* h = r.find("hook")) {
        if (h->is_string()) {
          out.hook_name.assign(h->get_string().data(), h->get_string().size());
          if (const auto parsed = parse_hook(out.hook_name))
            out.hook = *parsed;
          else
            ctx.error("unknown_hook", r.path_of("hook"),
                      io::quoted(detail::cut_text(out.hook_name, 80)) +
                          " is not a hook of this service (patient-view, order-select, "
                          "order-sign, appointment-book)");
        } else {
          io::wrong_type(ctx, r.path_of("hook"), *h, "a string", "no hook");
        }
      } else {
        ctx.error("missing_field", r.path_of("hook"), "hook is required");
      }
      out.hook_instance = required_string(r, "hookInstance", "hookInstance");
      out.fhir_server = optional_string(r, "fhirServer");
      if (!out.fhir_server.empty() && out.fhir_server.rfind("https://", 0) != 0 &&
          out.fhir_server.rfind("http://", 0) != 0) {
        ctx.error("wrong_type", r.path_of("fhirServer"),
                  "fhirServer is not an http(s) URL; nothing is fetched from it");
        out.fhir_server.clear();
      }
      read_authorization(r, "fhirAuthorization", out);
      read_context(r, out);
      read_prefetch(r, out, kept);
      // Legacy members of CDS Hooks 1.0 drafts: read when the context lacks them, else ignored.
      if (const json::value* u = r.find("user")) {
        ctx.warning("legacy_field", r.path_of("user"),
                    "top-level user is a pre-1.0 member; context.userId is used instead");
        if (out.user_id.empty() && u->is_string())
          out.user_id.assign(u->get_string().data(), u->get_string().size());
      }
      if (const json::value* p = r.find("patient")) {
        ctx.warning("legacy_field", r.path_of("patient"),
                    "top-level patient is a pre-1.0 member; context.patientId is used instead");
        (void)p;
      }
      if (r.find("oauth"))
        ctx.warning("legacy_field", r.path_of("oauth"),
                    "oauth is a pre-1.0 member; ignored (send fhirAuthorization)");
      for (std::string_view k : {"redirect", "fhirServerVersion", "extension", "applyCql"})
        if (r.find(k)) ctx.warning("legacy_field", r.path_of(k), "ignored");
      r.finish();
    }
  }
  result.diagnostics = std::move(ctx.diagnostics());
  detail::prefix_codes(result.diagnostics);
  if (out.authorization) detail::redact_token(result.diagnostics, out.authorization->access_token);
  return result;
}

std::optional<diagnostic> hook_mismatch(const request& req, const service_info& service) {
  if (req.hook == service.hook && parse_hook(req.hook_name)) return std::nullopt;
  return diagnostic{severity::error, "cds.hook_mismatch", "$.hook",
                    "the service " + std::string(service.id) + " answers " +
                        std::string(to_string(service.hook)) + ", not " +
                        io::quoted(detail::cut_text(req.hook_name, 80))};
}

std::string diagnostics_json(const std::vector<diagnostic>& ds) {
  json::object doc;
  std::string first;
  for (const auto& d : ds)
    if (d.severity != severity::warning) {
      first = format(d);
      break;
    }
  doc["error"] = first.empty() ? std::string("bad request") : first;
  doc["diagnostics"] = io::diagnostics_array(ds);
  return json::serialize(doc);
}

}  // namespace mnscreen::cds
