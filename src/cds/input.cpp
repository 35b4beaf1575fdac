// SPDX-License-Identifier: Apache-2.0
// From a CDS Hooks request to what the screener needs: the intake (prefetch resources of the
// context's patient, read by the FHIR reader) and the plan (draft order, appointment or the
// default plan), with every assumption named (docs/cds-hooks.md, "Hooks" and "Prefetch").
#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cstddef>
#include <deque>
#include <limits>
#include <memory_resource>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cds/common.hpp"
#include "fhir/reader_core.hpp"
#include "fhir/terminology.hpp"
#include "io/json_common.hpp"
#include "mnscreen/cds_hooks.hpp"
#include "mnscreen/fhir.hpp"
#include "text.hpp"

namespace mnscreen::cds {

using mnscreen::to_string;

namespace {

namespace json = boost::json;
namespace text = mnscreen::detail::text;
using detail::ext_anesthetic;
using detail::ext_depth;
using detail::ext_device;
using detail::member;
using detail::string_member;

// The body-site rows of the embedded SNOMED CT table (built once, immutable).
const fhir_detail::terminology& body_sites() {
  static const fhir_detail::terminology terms = [] {
    fhir_detail::terminology t;
    std::vector<diagnostic> ignored;
    for (const auto& f : fhir_detail::embedded_tables())
      if (f.name == "snomed.csv" || f.name == "names.csv") t.add_file(f.name, f.text, ignored);
    t.finish();
    return t;
  }();
  return terms;
}

std::string lower_words(std::string_view text) {
  std::string out = " ";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0)
      out += static_cast<char>(std::tolower(c));
    else if (out.back() != ' ')
      out += ' ';
  }
  if (out.back() != ' ') out += ' ';
  return out;
}

// A date from a FHIR dateTime / date / instant (its calendar day as written).
std::optional<date> fhir_day(std::string_view text) {
  if (text.size() < 10) return std::nullopt;
  return parse_date(text.substr(0, 10));
}

// Where one resource given to the reader came from, for diagnostic paths: the document's path
// (`collected::bases`), and the entry of it when the document is a Bundle. The path is written
// out only for a diagnostic that names the resource.
struct origin {
  std::size_t base = 0;
  std::size_t index = 0;
  bool entry = false;
};

// The resources given to the FHIR reader, in order: what a collection Bundle of them would
// hold as `entry[i]`, without building it (the values stay where they were parsed).
struct collected {
  struct entry {
    const json::value* resource = nullptr;  // an object with a resourceType
    std::string_view full_url;
  };
  std::vector<entry> entries;
  std::vector<origin> origins;
  std::vector<std::string> bases;  // the documents' paths, which `origins` name
  /// Documents parsed here (text that came fetched or set by hand), in one arena; a deque, so
  /// that the entries' pointers into them stay valid as more are added.
  explicit collected(json::storage_ptr sp) : arena(std::move(sp)) {}
  json::storage_ptr arena;
  std::deque<json::value> parsed_here;
  bool has_patient = false;
  /// A bound on the text size of every document the entries came from.
  std::size_t text_bytes = 0;
};

// Nesting depth of a value (an object or array counts one level), as Boost.JSON's parser
// counts it against `max_depth`; stops counting past `limit`.
std::size_t depth_of(const json::value& v, std::size_t limit) {
  if (limit == 0) return 1;
  std::size_t inner = 0;
  if (const auto* o = v.if_object()) {
    for (const auto& [k, m] : *o) inner = std::max(inner, depth_of(m, limit - 1));
    return 1 + inner;
  }
  if (const auto* a = v.if_array()) {
    for (const auto& m : *a) inner = std::max(inner, depth_of(m, limit - 1));
    return 1 + inner;
  }
  return 0;
}

// True when the collection Bundle of the entries, written out, is surely within the reader's
// byte and depth limits. Its text is at most about the documents' text (keys and strings are
// written as read, whitespace dropped; a number such as `1.5` may grow to `1.5E0`, an entry
// gains a short wrapper), so three times their size plus a margin is a safe bound; past it, or
// near the depth limit, the caller takes the written-out path and the reader's checks decide.
bool within_reader_limits(const collected& c, const fhir_options& options) {
  const std::size_t bound = 3 * c.text_bytes + 64 * c.entries.size() + 256;
  if (bound >= options.max_bytes / 2) return false;
  if (options.max_depth < 2) return false;
  // Fetched documents passed `classify` with Boost.JSON's default depth limit and the Bundle
  // adds three levels: with a reader limit well above, there is nothing to count (a request
  // document passed the request reader's own limit and is read in place, as before).
  if (options.max_depth > json::parse_options{}.max_depth + 8) return true;
  // In the Bundle a resource sits under "entry" (an array) and its entry object.
  for (const auto& e : c.entries)
    if (depth_of(*e.resource, options.max_depth) + 2 + 1 + 1 >= options.max_depth) return false;
  return true;
}

// The id a patient reference names when it names a Patient by relative or absolute URL.
std::optional<std::string_view> referenced_patient_id(std::string_view reference) {
  const std::string_view key = fhir_detail::reference_key_view(reference);
  if (key.rfind("Patient/", 0) != 0) return std::nullopt;
  return key.substr(8);
}

void collect(const request& req, collected& out, std::vector<diagnostic>& diags) {
  // "Type/id" already taken: the keys are built in an arena (no allocation per resource for
  // a usual request).
  std::array<std::byte, 4096> seen_buffer;  // not zeroed: the arena writes before it reads
  std::pmr::monotonic_buffer_resource seen_arena(seen_buffer.data(), seen_buffer.size());
  std::pmr::unordered_set<std::string_view> seen(&seen_arena);
  std::size_t request_bytes = 0;
  for (const auto& e : req.prefetch) {
    if (e.state != prefetch_state::data) continue;
    std::size_t other_patient = 0;
    // The documents: those the request reader kept parsed, then those given as text (a page
    // number counts every document, also one that does not parse).
    std::vector<std::pair<const json::value*, std::size_t>> docs;
    std::size_t page = 0;
    if (e.parsed) {
      for (const json::value* v : e.parsed->values) docs.emplace_back(v, page++);
      request_bytes = std::max(request_bytes, e.parsed->request_bytes);
    }
    for (const std::string& text : e.documents) {
      const std::size_t this_page = page++;
      json::error_code ec;
      // No depth limit of its own: a fetched document passed `classify`, and one set by hand
      // is bounded by the FHIR reader's checks (the written-out path when near its limits).
      json::parse_options depth_checked_already;
      depth_checked_already.max_depth = std::numeric_limits<std::size_t>::max();
      json::value doc = json::parse(text, ec, out.arena, depth_checked_already);
      if (ec || !doc.is_object()) continue;  // the reader checked it already
      out.text_bytes += text.size();
      out.parsed_here.push_back(std::move(doc));
      docs.emplace_back(&out.parsed_here.back(), this_page);
    }
    for (const auto& [doc_ptr, d] : docs) {
      const json::value& doc = *doc_ptr;
      if (!doc.is_object()) continue;
      std::string base = e.fetched ? "fetched " + e.key : "$.prefetch." + e.key;
      if (e.fetched && page > 1) base += " page " + std::to_string(d + 1);
      if (e.fetched) base += ":$";
      const std::size_t base_index = out.bases.size();
      out.bases.push_back(std::move(base));
      auto take = [&](const json::value& res, const origin& from, std::string_view full_url) {
        if (!res.is_object()) return;
        const std::string_view type = detail::resource_type(res);
        if (type.empty() || type == "OperationOutcome") return;
        const json::object& o = res.get_object();
        const std::string_view id = string_member(o, "id");
        if (type == "Patient") {
          if (id != req.patient_id) {
            ++other_patient;
            return;
          }
        } else if (const auto ref = fhir_detail::patient_reference_view(o)) {
          const auto pid = referenced_patient_id(*ref);
          if (pid && *pid != req.patient_id) {
            ++other_patient;
            return;
          }
        }
        if (!id.empty()) {
          const std::size_t n = type.size() + 1 + id.size();
          char* key = static_cast<char*>(seen_arena.allocate(n, 1));
          type.copy(key, type.size());
          key[type.size()] = '/';
          id.copy(key + type.size() + 1, id.size());
          if (!seen.insert(std::string_view(key, n)).second) return;
        }
        if (type == "Patient") out.has_patient = true;
        out.entries.push_back({&res, full_url});
        out.origins.push_back(from);
      };
      if (detail::resource_type(doc) == "Bundle") {
        const json::value* entries = doc.get_object().if_contains("entry");
        if (!entries || !entries->is_array()) continue;
        std::size_t i = 0;
        for (const auto& entry : entries->get_array()) {
          const std::size_t index = i++;
          if (!entry.is_object()) continue;
          const json::value* res = entry.get_object().if_contains("resource");
          if (!res) continue;
          take(*res, origin{base_index, index, true}, string_member(entry.get_object(), "fullUrl"));
        }
      } else {
        take(doc, origin{base_index, 0, false}, {});
      }
    }
    if (other_patient > 0)
      diags.push_back({severity::warning, "cds.other_patient",
                       e.fetched ? "fetched " + e.key : "$.prefetch." + e.key,
                       std::to_string(other_patient) +
                           " resource(s) of another patient than context.patientId were dropped; "
                           "only that patient is screened"});
  }
  out.text_bytes += request_bytes;
}

// The collection Bundle of the entries, written out (for Bundles near the reader's limits, so
// that its checks decide as for any document).
std::string bundle_text(const collected& c) {
  json::monotonic_resource arena;
  json::object bundle(&arena);
  bundle["resourceType"] = "Bundle";
  bundle["type"] = "collection";
  json::array& entries = bundle["entry"].emplace_array();
  entries.reserve(c.entries.size());
  for (const auto& e : c.entries) {
    json::object entry(&arena);
    if (!e.full_url.empty()) entry["fullUrl"] = e.full_url;
    entry["resource"] = *e.resource;
    entries.push_back(std::move(entry));
  }
  return json::serialize(bundle);
}

// "$.entry[N].resource.x" of the collection Bundle → the resource's place in the request.
void rewrite_paths(std::vector<diagnostic>& ds, const collected& c) {
  const std::vector<origin>& origins = c.origins;
  for (auto& d : ds) {
    static constexpr std::string_view head = "$.entry[";
    if (d.path.rfind(head, 0) != 0) continue;
    const auto close = d.path.find(']', head.size());
    if (close == std::string::npos) continue;
    std::size_t n = 0;
    bool digits = close > head.size();
    for (std::size_t i = head.size(); i < close; ++i) {
      if (d.path[i] < '0' || d.path[i] > '9')
        digits = false;
      else
        n = n * 10 + static_cast<std::size_t>(d.path[i] - '0');
    }
    if (!digits || n >= origins.size()) continue;
    std::size_t cut = close + 1;  // "$.entry[N]", and ".resource" after it
    if (d.path.compare(cut, 9, ".resource") == 0) cut += 9;
    const origin& o = origins[n];
    const std::string& base = c.bases[o.base];
    // The new path written once into a string of its size (not a prefix string, then a
    // replace that reallocates the path): the reader gives dozens of diagnostics per request.
    std::string p;
    p.reserve(base.size() + 32 + (d.path.size() - cut));
    p.append(base);
    if (o.entry) text::append(p, ".entry[", text::integer(o.index), "].resource");
    p.append(d.path, cut, std::string::npos);
    d.path = std::move(p);
  }
}

bool is_microneedling(const json::object& o, const hook_settings& s, std::string& why) {
  std::vector<std::string_view> texts;
  for (std::string_view key : {"code", "serviceType", "appointmentType", "serviceCategory"}) {
    const json::value* v = member(o, key);
    if (!v) continue;
    std::vector<const json::value*> concepts;
    if (v->is_array())
      for (const auto& c : v->get_array()) concepts.push_back(&c);
    else
      concepts.push_back(v);
    for (const json::value* c : concepts) {
      if (!c->is_object()) continue;
      // R5 CodeableReference (ServiceRequest.code.concept) as well as CodeableConcept.
      const json::object* cc = &c->get_object();
      if (const json::value* concept_ = member(*cc, "concept"); concept_ && concept_->is_object())
        cc = &concept_->get_object();
      if (const json::value* codings = member(*cc, "coding"); codings && codings->is_array())
        for (const auto& coding : codings->get_array()) {
          if (!coding.is_object()) continue;
          const std::string_view sys = string_member(coding.get_object(), "system");
          const std::string_view code = string_member(coding.get_object(), "code");
          for (const auto& oc : s.order_codes)
            if (oc.system == sys && oc.code == code) {
              why = "order code " + oc.code;
              return true;
            }
          texts.push_back(string_member(coding.get_object(), "display"));
        }
      texts.push_back(string_member(*cc, "text"));
    }
  }
  texts.push_back(string_member(o, "description"));
  std::vector<std::string> words = {"microneedling", "micro needling", "collagen induction"};
  for (const auto& w : s.order_words) words.push_back(lower_words(w));
  for (const auto t : texts) {
    if (t.empty()) continue;
    const std::string lw = lower_words(t);
    for (const auto& w : words) {
      std::string needle = lower_words(w);
      if (needle.size() > 2 && lw.find(needle) != std::string::npos) {
        why = "order text";
        return true;
      }
    }
  }
  return false;
}

}  // namespace

std::vector<area> detail::body_site_areas(const json::object& cc) {
  std::vector<area> out;
  auto add = [&](const std::vector<area>& as) {
    for (const area a : as)
      if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  };
  const auto& terms = body_sites();
  auto by_text = [&](std::string_view text) {
    if (text.empty()) return false;
    std::string word = lower_words(text);
    word = word.size() > 2 ? word.substr(1, word.size() - 2) : std::string();
    std::string code_word = word;
    std::replace(code_word.begin(), code_word.end(), ' ', '_');
    if (const auto a = parse_code<area>(code_word)) {
      add({*a});
      return true;
    }
    if (const auto g = parse_area_group(code_word)) {
      add(g->to_vector());
      return true;
    }
    for (const auto* row :
         terms.find_name(fhir_detail::row_kind::body_site, fhir_detail::normalise_name(text))) {
      add(row->areas);
      return true;
    }
    return false;
  };
  bool found = false;
  if (const json::value* codings = member(cc, "coding"); codings && codings->is_array())
    for (const auto& coding : codings->get_array()) {
      if (!coding.is_object()) continue;
      const auto& c = coding.get_object();
      const std::string_view sys = string_member(c, "system");
      const std::string_view code = string_member(c, "code");
      for (const auto* row : terms.find(fhir_detail::canonical_system(sys), code))
        if (row->kind == fhir_detail::row_kind::body_site) {
          add(row->areas);
          found = true;
        }
      if (!found && by_text(string_member(c, "display"))) found = true;
    }
  if (!found) by_text(string_member(cc, "text"));
  return out;
}

namespace {

std::string area_list(const std::vector<area>& as) {
  std::string out;
  for (std::size_t i = 0; i < as.size(); ++i) {
    if (i > 0) out += ", ";
    out += to_string(as[i]);
  }
  return out;
}

std::string describe_plan_basics(const procedure_plan& p) {
  return "device " + std::string(to_string(p.device)) + ", depth " +
         io::number_text(p.needle_depth.value()) + " mm, anaesthetic " +
         std::string(to_string(p.anesthetic));
}

// The value of an extension of `o` with this url (valueCode, valueString or valueDecimal).
const json::value* extension_value(const json::object& o, std::string_view url) {
  const json::value* list = member(o, "extension");
  if (!list || !list->is_array()) return nullptr;
  for (const auto& e : list->get_array()) {
    if (!e.is_object() || string_member(e.get_object(), "url") != url) continue;
    for (std::string_view k : {"valueCode", "valueString", "valueDecimal", "valueInteger"})
      if (const json::value* v = member(e.get_object(), k)) return v;
  }
  return nullptr;
}

// The base plan: the default plan, or the library's plan defaults (named as assumptions).
procedure_plan base_plan(const hook_settings& s, hook_input& in) {
  procedure_plan p = s.default_plan.value_or(procedure_plan{});
  if (!p.overrides.empty()) {
    in.diagnostics.push_back({severity::warning, "cds.default_plan_overrides", "$",
                              "the default plan's overrides were not applied: an override "
                              "belongs to one patient's plan"});
    p.overrides.clear();
  }
  return p;
}

void set_date(procedure_plan& p, std::optional<date> when, std::string_view what, date today,
              hook_input& in) {
  if (!when) {
    p.date = today;
    in.assumptions.push_back("screened for today (" + to_string(today) + "): the " +
                             std::string(what) + " gives no date");
    return;
  }
  if (days_between(today, *when) < 0) {
    p.date = today;
    in.assumptions.push_back("screened for today (" + to_string(today) + "): the " +
                             std::string(what) + "'s date " + to_string(*when) + " is past");
    return;
  }
  p.date = *when;
  if (*when != today)
    in.assumptions.push_back("screened for the " + std::string(what) + "'s date " +
                             to_string(*when));
}

void plan_from_order(const json::object& o, const hook_settings& s, date today, hook_input& in) {
  procedure_plan p = base_plan(s, in);
  const char* from = s.default_plan ? "the default plan" : "the library's plan defaults";
  // Areas from bodySite.
  std::vector<area> areas;
  bool unmapped = false;
  if (const json::value* sites = member(o, "bodySite"); sites && sites->is_array()) {
    for (const auto& site : sites->get_array()) {
      if (!site.is_object()) continue;
      const auto as = detail::body_site_areas(site.get_object());
      if (as.empty()) unmapped = true;
      for (const area a : as)
        if (std::find(areas.begin(), areas.end(), a) == areas.end()) areas.push_back(a);
    }
  }
  if (unmapped)
    in.diagnostics.push_back(
        {severity::warning, "cds.unmapped_body_site", "$.context.draftOrders",
         "a body site of the order is not a treatment area this service knows; "
         "it was not screened"});
  if (!areas.empty()) {
    p.areas = std::move(areas);
  } else if (!p.areas.empty()) {
    in.assumptions.push_back("areas " + area_list(p.areas) + " from " + from +
                             " (the order names no body site this service knows)");
  }
  // Date from occurrence[x].
  std::optional<date> when;
  if (const json::value* v = member(o, "occurrenceDateTime"); v && v->is_string())
    when = fhir_day(v->get_string());
  else if (const json::value* per = member(o, "occurrencePeriod"); per && per->is_object())
    when = fhir_day(string_member(per->get_object(), "start"));
  else if (const json::value* t = member(o, "occurrenceTiming"); t && t->is_object())
    if (const json::value* ev = member(t->get_object(), "event");
        ev && ev->is_array() && !ev->get_array().empty() && ev->get_array()[0].is_string())
      when = fhir_day(ev->get_array()[0].get_string());
  set_date(p, when, "order", today, in);
  // Device, depth and anaesthetic from the documented extensions.
  bool dev = false, depth = false, anaesthetic = false;
  if (const json::value* v = extension_value(o, ext_device); v && v->is_string()) {
    if (const auto d = parse_code<device_type>(std::string_view(v->get_string()))) {
      p.device = *d;
      dev = true;
    } else {
      in.diagnostics.push_back(
          {severity::warning, "cds.unknown_code", "$.context.draftOrders",
           "the order's device is not a device word; " + std::string(from) + "'s device is used"});
    }
  }
  if (const json::value* v = extension_value(o, ext_depth); v && v->is_number()) {
    const double d = v->to_number<double>();
    if (d > 0 && d <= 4) {
      p.needle_depth = millimetres{d};
      depth = true;
    } else {
      in.diagnostics.push_back({severity::warning, "cds.out_of_range", "$.context.draftOrders",
                                "the order's needle depth is not in (0, 4] mm; " +
                                    std::string(from) + "'s depth is used"});
    }
  }
  if (const json::value* v = extension_value(o, ext_anesthetic); v && v->is_string()) {
    if (const auto a = parse_code<anesthetic>(std::string_view(v->get_string()))) {
      p.anesthetic = *a;
      anaesthetic = true;
    } else {
      in.diagnostics.push_back({severity::warning, "cds.unknown_code", "$.context.draftOrders",
                                "the order's anaesthetic is not an anaesthetic word; " +
                                    std::string(from) + "'s anaesthetic is used"});
    }
  }
  if (!dev)
    in.assumptions.push_back("device " + std::string(to_string(p.device)) + " from " + from);
  if (!depth)
    in.assumptions.push_back("needle depth " + io::number_text(p.needle_depth.value()) +
                             " mm from " + from);
  if (!anaesthetic)
    in.assumptions.push_back("anaesthetic " + std::string(to_string(p.anesthetic)) + " from " +
                             from);
  in.plan = std::move(p);
  in.has_plan = !in.plan.areas.empty();
  if (!in.has_plan)
    in.diagnostics.push_back({severity::warning, "cds.no_plan", "$.context.draftOrders",
                              "the order names no treatment area and no default plan gives one: "
                              "no screen was made"});
}

void plan_for_hook(const request& req, const hook_settings& s, date today, hook_input& in) {
  switch (req.hook) {
    case hook::patient_view: {
      if (!s.default_plan) {
        in.diagnostics.push_back({severity::warning, "cds.no_plan", "$",
                                  "no default plan is configured: no screen was made"});
        return;
      }
      in.plan = base_plan(s, in);
      in.plan.date = today;
      in.assumptions.push_back("the clinic's default plan: areas " + area_list(in.plan.areas) +
                               ", " + describe_plan_basics(in.plan));
      in.has_plan = !in.plan.areas.empty();
      return;
    }
    case hook::order_select:
    case hook::order_sign: {
      std::vector<std::pair<std::size_t, bool>> matches;  // index, selected
      for (std::size_t i = 0; i < req.draft_orders.size(); ++i) {
        json::error_code ec;
        const json::value v = json::parse(req.draft_orders[i], ec);
        if (ec || detail::resource_type(v) != "ServiceRequest") continue;
        std::string why;
        if (!is_microneedling(v.get_object(), s, why)) continue;
        const std::string ref =
            "ServiceRequest/" + std::string(string_member(v.get_object(), "id"));
        const bool selected =
            std::find(req.selections.begin(), req.selections.end(), ref) != req.selections.end();
        matches.emplace_back(i, selected);
      }
      if (matches.empty()) {
        in.not_applicable = true;
        in.diagnostics.push_back({severity::warning, "cds.no_microneedling_order",
                                  "$.context.draftOrders",
                                  "no draft ServiceRequest is a microneedling order (order_codes "
                                  "or its text): nothing to screen"});
        return;
      }
      // order-select: the selected order first.
      std::stable_partition(matches.begin(), matches.end(), [](const auto& m) { return m.second; });
      if (matches.size() > 1)
        in.diagnostics.push_back(
            {severity::warning, "cds.several_orders", "$.context.draftOrders",
             std::to_string(matches.size()) +
                 " microneedling orders; the first (selected) one was screened"});
      in.source_resource = req.draft_orders[matches.front().first];
      in.source_type = "ServiceRequest";
      const json::value v = json::parse(in.source_resource);
      plan_from_order(v.get_object(), s, today, in);
      return;
    }
    case hook::appointment_book: {
      for (const auto& text : req.appointments) {
        json::error_code ec;
        const json::value v = json::parse(text, ec);
        if (ec || detail::resource_type(v) != "Appointment") continue;
        const json::object& o = v.get_object();
        std::string why;
        const bool typed = member(o, "serviceType") || member(o, "appointmentType") ||
                           member(o, "serviceCategory");
        if (typed && !is_microneedling(o, s, why)) continue;
        if (!s.default_plan) {
          in.diagnostics.push_back({severity::warning, "cds.no_plan", "$",
                                    "no default plan is configured: no screen was made"});
          return;
        }
        in.source_resource = text;
        in.source_type = "Appointment";
        in.plan = base_plan(s, in);
        set_date(in.plan, fhir_day(string_member(o, "start")), "appointment", today, in);
        if (!typed)
          in.assumptions.push_back(
              "the appointment is taken to be for microneedling (it states "
              "no service type)");
        in.assumptions.push_back("the clinic's default plan: areas " + area_list(in.plan.areas) +
                                 ", " + describe_plan_basics(in.plan));
        in.has_plan = !in.plan.areas.empty();
        return;
      }
      in.not_applicable = true;
      in.diagnostics.push_back(
          {severity::warning, "cds.no_microneedling_order", "$.context.appointments",
           "no appointment being booked is for microneedling: nothing to screen"});
      return;
    }
  }
}

}  // namespace

hook_input build_input(const request& req, const fhir_reader& reader, const hook_settings& settings,
                       date today) {
  hook_input in;
  plan_for_hook(req, settings, today, in);
  for (const auto& e : req.prefetch)
    if (e.state == prefetch_state::failed) in.unavailable.emplace_back(e.key, e.failure);
  // The documents parsed here live in one arena, dropped as a whole.
  json::monotonic_resource arena;
  collected c(&arena);
  collect(req, c, in.diagnostics);
  fhir_options options =
      make_fhir_options(settings.record_policy, in.has_plan ? in.plan.date : today);
  if (c.has_patient) options.patient_id = req.patient_id;
  // The reader maps the resources where they were parsed, as it would read a collection Bundle
  // of them. Writing that Bundle out and parsing it again gives the same result, unless the
  // text would cross the reader's size or depth limit: only then is that path taken, so that
  // those limits apply as before.
  if (within_reader_limits(c, options)) {
    std::vector<fhir_detail::bundle_entry> entries;
    entries.reserve(c.entries.size());
    for (const auto& e : c.entries) entries.push_back({&e.resource->get_object(), e.full_url});
    in.fhir = fhir_detail::read_entries(fhir_reader_access::terms(reader), entries, options);
  } else {
    in.fhir = reader.read(bundle_text(c), options);
  }
  rewrite_paths(in.fhir.diagnostics, c);
  if (req.authorization) {
    detail::redact_token(in.diagnostics, req.authorization->access_token);
    detail::redact_token(in.fhir.diagnostics, req.authorization->access_token);
  }
  in.record = in.fhir.value.record;
  if (in.record.patient.id.empty()) in.record.patient.id = req.patient_id;
  return in;
}

hook_result screen_request(const request& req, const screener& s, const fhir_reader& reader,
                           const hook_settings& settings, date today) {
  return screen_request(req, s, reader, settings, today, screen_request_options{});
}

hook_result screen_request(const request& req, const screener& s, const fhir_reader& reader,
                           const hook_settings& settings, date today,
                           const screen_request_options& options) {
  hook_result out;
  out.input = build_input(req, reader, settings, today);
  if (out.input.has_plan) {
    out.screen = s.screen(out.input.record, out.input.plan);
    if (options.keep_fhir_diagnostics)
      add_fhir_findings(*out.screen, out.input.fhir);
    else
      fhir_detail::add_fhir_findings_moving(*out.screen, out.input.fhir);
    for (const auto& d : out.input.diagnostics) out.screen->warnings.push_back(d);
  }
  // The input's diagnostics came redacted from build_input; the screener's own warnings may
  // quote values of the record read from the FHIR data.
  if (req.authorization && out.screen)
    detail::redact_token(out.screen->warnings, req.authorization->access_token);
  return out;
}

}  // namespace mnscreen::cds
