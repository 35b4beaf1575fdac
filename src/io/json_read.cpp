// SPDX-License-Identifier: Apache-2.0
// Readers of the intake and plan documents (formats.md). parse_intake and parse_plan read a
// document with the streaming reader (json_stream.cpp) and hand it to the tree reader here when
// it needs a diagnostic. The tree reader keeps every value it can read, reports every problem
// with its JSON path, then appends the range checks of validate() so that there is one place for
// ranges (src/validate.cpp).
#include "mnscreen/json.hpp"

#include <utility>

#include "io/json_common.hpp"
#include "io/json_stream.hpp"
#include "mnscreen/rules.hpp"
#include "mnscreen/screener.hpp"
#include "utf8.hpp"

namespace mnscreen {
namespace {

using io::element;
using io::index_map;
using io::object_reader;
namespace json = io::json;

// Reads a top-level array of objects with `read_item` (which returns nothing when the item has
// to be dropped) and records where each kept item came from.
template <class T, class F>
void read_items(object_reader& r, std::string_view key, std::vector<T>& out,
                std::vector<index_map>& maps, F read_item) {
  index_map map{r.path_of(key), {}};
  if (const json::value* v = r.find(key)) {
    if (const auto elements = io::as_array(r.ctx(), *v, map.array_path, "the list was not read")) {
      out.reserve(elements->size());
      map.json_index.reserve(elements->size());
      for (const element& e : *elements) {
        if (!e.value->is_object()) {
          io::wrong_type(r.ctx(), e.path, *e.value, "an object", "the item was dropped");
          continue;
        }
        object_reader item(r.ctx(), e.value->get_object(), e.path);
        std::optional<T> value = read_item(item);
        item.finish();
        if (value) {
          out.push_back(std::move(*value));
          map.json_index.push_back(e.index);
        }
      }
    }
  }
  maps.push_back(std::move(map));
}

std::vector<area> read_sites(object_reader& r, std::string_view key) {
  const json::value* v = r.find(key);
  return v ? io::as_areas(r.ctx(), *v, r.path_of(key)) : std::vector<area>{};
}

std::string read_source(object_reader& r) { return r.get_string("source").value_or(""); }

void read_patient(object_reader& r, patient_info& p) {
  p.id = r.get_string("id").value_or("");
  p.birth_date = r.get_date("birth_date", "the birth date was left unknown");
  p.sex = r.get_code<sex>("sex", "a sex word (female, male, other)", "sex was left unknown");
  if (const json::value* v = r.find("fitzpatrick"))
    p.fitzpatrick = io::as_int(r.ctx(), *v, r.path_of("fitzpatrick"), "it was left unknown");
  p.pregnant = r.get_known("pregnant");
  p.breastfeeding = r.get_known("breastfeeding");
  p.smoker = r.get_known("smoker");
}

std::optional<condition> read_condition(object_reader& r) {
  constexpr std::string_view dropped = "the condition was dropped";
  condition c;
  std::optional<condition_code> code;
  if (const json::value* v = r.require("code", dropped))
    code = io::as_code<condition_code>(r.ctx(), *v, r.path_of("code"), "a condition word", dropped);
  if (const json::value* v = r.find("status")) {
    // A condition whose status cannot be read is kept as active: the cautious reading.
    c.status = io::as_code<condition_status>(r.ctx(), *v, r.path_of("status"),
                                             "a status word (active, history, resolved)",
                                             "the condition was kept as active")
                   .value_or(condition_status::active);
  }
  c.severity = r.get_code<condition_severity>(
      "severity", "a severity word (mild, moderate, severe)", "the severity was left unknown");
  c.onset = r.get_date("onset", "the onset was left unknown");
  c.sites = read_sites(r, "sites");
  c.source = read_source(r);
  if (!code) return std::nullopt;
  c.code = *code;
  return c;
}

std::optional<medication> read_medication(object_reader& r) {
  constexpr std::string_view dropped = "the medication was dropped";
  medication m;
  std::optional<medication_code> code;
  if (const json::value* v = r.require("code", dropped))
    code = io::as_code<medication_code>(r.ctx(), *v, r.path_of("code"),
                                        "a medication word (ingredient or class)", dropped);
  m.route = r.get_code<route>("route", "a route word (oral, topical, injection, other)",
                              "the route was left unknown");
  m.start = r.get_date("start", "the start date was left unknown");
  m.stop = r.get_date("stop", "the stop date was left unset (read as still taking it)");
  m.sites = read_sites(r, "sites");
  m.source = read_source(r);
  if (!code) return std::nullopt;
  m.code = *code;
  return m;
}

std::optional<allergy> read_allergy(object_reader& r) {
  constexpr std::string_view dropped = "the allergy was dropped";
  allergy a;
  std::optional<allergy_substance> substance;
  if (const json::value* v = r.require("substance", dropped))
    substance = io::as_code<allergy_substance>(r.ctx(), *v, r.path_of("substance"),
                                               "an allergy substance or class word", dropped);
  a.reaction = r.get_string("reaction", "the reaction was dropped").value_or("");
  a.severity = r.get_code<allergy_severity>(
      "severity", "an allergy severity word (mild, moderate, severe, anaphylaxis)",
      "the severity was left unknown");
  a.source = read_source(r);
  if (!substance) return std::nullopt;
  a.substance = *substance;
  return a;
}

std::optional<implanted_device> read_device(object_reader& r) {
  constexpr std::string_view dropped = "the device was dropped";
  implanted_device d;
  std::optional<device_code> code;
  if (const json::value* v = r.require("code", dropped))
    code = io::as_code<device_code>(r.ctx(), *v, r.path_of("code"), "a device word", dropped);
  d.sites = read_sites(r, "sites");
  d.source = read_source(r);
  if (!code) return std::nullopt;
  d.code = *code;
  return d;
}

std::optional<prior_procedure> read_procedure(object_reader& r) {
  constexpr std::string_view dropped = "the procedure was dropped";
  prior_procedure p;
  std::optional<procedure_code> code;
  std::optional<date> when;
  if (const json::value* v = r.require("code", dropped))
    code = io::as_code<procedure_code>(r.ctx(), *v, r.path_of("code"), "a procedure word", dropped);
  if (const json::value* v = r.require("date", dropped))
    when = io::as_date(r.ctx(), *v, r.path_of("date"), dropped);
  p.areas = read_sites(r, "areas");
  p.depth = r.get_code<peel_depth>("depth", "a peel depth word (superficial, medium, deep)",
                                   "the depth was left unknown");
  p.source = read_source(r);
  if (!code || !when) return std::nullopt;
  p.code = *code;
  p.date = *when;
  return p;
}

std::optional<lab_result> read_lab(object_reader& r) {
  constexpr std::string_view dropped = "the lab result was dropped";
  lab_result l;
  std::optional<lab_code> code;
  std::optional<double> value;
  std::optional<date> when;
  if (const json::value* v = r.require("code", dropped))
    code = io::as_code<lab_code>(r.ctx(), *v, r.path_of("code"),
                                 "a lab word (hba1c, inr, platelets, cd4)", dropped);
  if (const json::value* v = r.require("value", dropped))
    value = io::as_number(r.ctx(), *v, r.path_of("value"), dropped);
  if (const json::value* v = r.require("date", dropped))
    when = io::as_date(r.ctx(), *v, r.path_of("date"), dropped);
  const auto unit = r.get_string("unit", dropped);
  l.source = read_source(r);
  if (!code || !value || !when) return std::nullopt;
  if (unit) {
    const auto converted = io::to_canonical_unit(*code, *unit, *value);
    if (!converted) {
      r.ctx().error("unknown_unit", r.path_of("unit"),
                    io::quoted(*unit) + " is not a unit for " + std::string(to_string(*code)) +
                        " (the canonical unit is " + io::quoted(io::canonical_unit(*code)) + "); " +
                        std::string(dropped));
      return std::nullopt;
    }
    value = converted;
  }
  l.code = *code;
  l.value = *value;
  l.date = *when;
  return l;
}

void read_negatives(object_reader& r, std::vector<negative>& out, std::vector<index_map>& maps) {
  index_map map{r.path_of("negatives"), {}};
  if (const json::value* v = r.find("negatives")) {
    if (const auto elements = io::as_array(r.ctx(), *v, map.array_path, "the list was not read")) {
      out.reserve(elements->size());
      map.json_index.reserve(elements->size());
      for (const element& e : *elements) {
        const auto word = io::as_string_view(r.ctx(), *e.value, e.path, "the word was dropped");
        if (!word) continue;
        if (auto n = parse_negative(*word)) {
          out.push_back(*n);
          map.json_index.push_back(e.index);
        } else {
          io::unknown_code(r.ctx(), e.path, *word,
                           "a question, condition, medication class, allergy class or device "
                           "word",
                           "the word was dropped (the factor stays unknown)");
        }
      }
    }
  }
  maps.push_back(std::move(map));
}

void read_intake(object_reader& r, intake& in, std::vector<index_map>& maps) {
  r.check_schema("mnscreen.intake/1");
  if (const json::value* v = r.find("patient")) {
    if (v->is_object()) {
      object_reader p(r.ctx(), v->get_object(), r.path_of("patient"));
      read_patient(p, in.patient);
      p.finish();
    } else {
      io::wrong_type(r.ctx(), r.path_of("patient"), *v, "an object",
                     "the patient facts were left unknown");
    }
  }
  read_items(r, "conditions", in.conditions, maps, read_condition);
  read_items(r, "medications", in.medications, maps, read_medication);
  read_items(r, "allergies", in.allergies, maps, read_allergy);
  read_items(r, "devices", in.devices, maps, read_device);
  read_items(r, "procedures", in.procedures, maps, read_procedure);
  read_items(r, "labs", in.labs, maps, read_lab);
  read_negatives(r, in.negatives, maps);
}

// A clinician override (issue 11). The rule id is checked against the catalogue by validate();
// an unreadable reason drops the override (an error: it is never applied on a guess).
std::optional<rule_override> read_override(object_reader& r) {
  constexpr std::string_view dropped = "the override was dropped";
  rule_override o;
  std::optional<std::string> rule_id;
  std::optional<override_reason> reason;
  if (const json::value* v = r.require("rule_id", dropped))
    rule_id = io::as_string(r.ctx(), *v, r.path_of("rule_id"), dropped);
  // Reported here too, so that it is reported even when the override is dropped (validate()'s
  // report of the same path is then left out).
  if (rule_id && find_rule(*rule_id) == nullptr)
    r.ctx().error("unknown_rule", r.path_of("rule_id"),
                  std::string("'").append(detail::utf8_prefix(*rule_id, 60)) +
                      "' is not a rule id of the catalogue");
  if (const json::value* v = r.require("reason", dropped))
    reason = io::as_code<override_reason>(
        r.ctx(), *v, r.path_of("reason"),
        "an override reason (prescriber_approved, informed_consent, information_incorrect, "
        "not_applicable, other)",
        dropped);
  o.by = r.get_string("by").value_or("");
  o.note = r.get_string("note").value_or("");
  o.date = r.get_date("date", "it was left unset");
  if (!rule_id || !reason) return std::nullopt;
  o.rule_id = std::move(*rule_id);
  o.reason = *reason;
  return o;
}

void read_plan(object_reader& r, procedure_plan& plan, std::vector<index_map>& maps) {
  r.check_schema("mnscreen.plan/1");
  // A missing or unreadable date stays the invalid zero date and a missing depth becomes 0, so
  // that the screener refuses the plan even if a caller ignores the diagnostics.
  if (const json::value* v = r.require("date", "")) {
    if (auto d = io::as_date(r.ctx(), *v, r.path_of("date"), "")) plan.date = *d;
  }
  if (const json::value* v = r.require("device", ""))
    if (auto d =
            io::as_code<device_type>(r.ctx(), *v, r.path_of("device"), "a device type word", ""))
      plan.device = *d;
  plan.needle_depth = millimetres{0.0};
  if (const json::value* v = r.require("needle_depth_mm", ""))
    if (auto d = io::as_number(r.ctx(), *v, r.path_of("needle_depth_mm"), ""))
      plan.needle_depth = millimetres{*d};
  index_map areas{r.path_of("areas"), {}};
  if (const json::value* v = r.require("areas", ""))
    plan.areas = io::as_areas(r.ctx(), *v, areas.array_path, &areas.json_index);
  maps.push_back(std::move(areas));
  if (const json::value* v = r.require("anesthetic", ""))
    if (auto a = io::as_code<anesthetic>(r.ctx(), *v, r.path_of("anesthetic"),
                                         "an anaesthetic word (or none)", ""))
      plan.anesthetic = *a;
  if (const json::value* v = r.require("setting", ""))
    if (auto s = io::as_code<setting>(r.ctx(), *v, r.path_of("setting"),
                                      "a setting word (clinic, home)", ""))
      plan.setting = *s;
  plan.needle_material = r.get_code<needle_material>("needle_material", "a needle material word",
                                                     "the material was left unknown")
                             .value_or(needle_material::unknown);
  plan.single_use_needles = r.get_known("single_use_needles");
  index_map adjuncts{r.path_of("adjuncts"), {}};
  if (const json::value* v = r.find("adjuncts"))
    plan.adjuncts = io::as_codes<adjunct>(r.ctx(), *v, adjuncts.array_path, "an adjunct word",
                                          &adjuncts.json_index);
  maps.push_back(std::move(adjuncts));
  read_items(r, "overrides", plan.overrides, maps, read_override);
}

// The common frame of the two readers: parse, read the root object, validate.
template <class T, class Read>
parse_result<T> read_document(std::string_view text, const read_limits& limits, Read read) {
  io::context ctx(limits);
  parse_result<T> result;
  // The document lives in one buffer, on the stack for documents of ordinary size.
  unsigned char buffer[8192];
  json::monotonic_resource memory(buffer, sizeof buffer);
  if (const auto doc = io::parse_document(text, ctx, &memory)) {
    if (const json::object* root = io::root_object(*doc, ctx)) {
      std::vector<index_map> maps;
      maps.reserve(8);
      object_reader r(ctx, *root, "$");
      read(r, result.value, maps);
      r.finish();
      io::append_validation(ctx, validate(result.value), maps);
    }
  }
  result.diagnostics = std::move(ctx.diagnostics());
  return result;
}

}  // namespace

namespace io {

parse_result<intake> read_intake_tree(std::string_view text, const read_limits& limits) {
  return read_document<intake>(text, limits, read_intake);
}

parse_result<procedure_plan> read_plan_tree(std::string_view text, const read_limits& limits) {
  return read_document<procedure_plan>(text, limits, read_plan);
}

}  // namespace io

namespace {

// What parse_intake and parse_plan add to a document the streaming reader read: validate()'s
// checks. There was no reader diagnostic and no item was dropped, so validate()'s paths need no
// mapping, except that the plan's areas can sit at other indices than in the JSON (a group word
// gives several), as in read_plan.
void add_validation(parse_result<intake>& result) { result.diagnostics = validate(result.value); }

void add_validation(parse_result<procedure_plan>& result, const read_limits& limits,
                    const io::index_map& areas) {
  std::vector<diagnostic> found = validate(result.value);
  if (found.empty()) {  // the usual case: no paths to rewrite, no copy of the area map
    result.diagnostics.clear();
    return;
  }
  io::context ctx(limits);
  io::append_validation(ctx, std::move(found), {areas});
  result.diagnostics = std::move(ctx.diagnostics());
}

}  // namespace

namespace io {

std::size_t parse_leading_intake(std::string_view text, const read_limits& limits,
                                 parse_result<intake>& out, bool schema_optional) {
  const std::size_t size = stream_leading_intake(text, limits, out.value, schema_optional);
  if (size > 0) add_validation(out);
  return size;
}

std::size_t parse_leading_plan(std::string_view text, const read_limits& limits,
                               parse_result<procedure_plan>& out, bool schema_optional) {
  index_map areas;
  const std::size_t size = stream_leading_plan(text, limits, out.value, areas, schema_optional);
  if (size > 0) add_validation(out, limits, areas);
  return size;
}

}  // namespace io

parse_result<intake> parse_intake(std::string_view text, const read_limits& limits) {
  {
    parse_result<intake> result;
    if (io::stream_intake(text, limits, result.value)) {
      add_validation(result);
      return result;
    }
  }
  return io::read_intake_tree(text, limits);
}

parse_result<procedure_plan> parse_plan(std::string_view text, const read_limits& limits) {
  {
    parse_result<procedure_plan> result;
    io::index_map areas;
    if (io::stream_plan(text, limits, result.value, areas)) {
      add_validation(result, limits, areas);
      return result;
    }
  }
  return io::read_plan_tree(text, limits);
}

}  // namespace mnscreen
