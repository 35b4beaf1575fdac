// SPDX-License-Identifier: Apache-2.0
// The FHIR R4 reader: Bundles and single resources → one patient's intake. The rules are in
// docs/fhir.md; the ground rules are those of clinical-spec.md: a record that does not mention
// a factor leaves it unknown, only explicit denials become `negatives`, every coding that is not
// mapped is a warning, and a malformed resource is an error that does not stop the others.
#include "mnscreen/fhir.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <unordered_map>
#include <utility>

#include <boost/json.hpp>

#include "fhir/reader_core.hpp"
#include "fhir/terminology.hpp"
#include "mnscreen/screener.hpp"
#include "utf8.hpp"

namespace mnscreen {
namespace fhir_detail {

using mnscreen::to_string;

namespace {

namespace json = boost::json;

std::string_view canonical_unit(lab_code lab) noexcept {
  switch (lab) {
    case lab_code::hba1c:
      return "%";
    case lab_code::inr:
      return "";
    case lab_code::platelets:
      return "10*9/L";
    case lab_code::cd4:
      return "/uL";
  }
  return "";
}

// --- small helpers -------------------------------------------------------------------------

std::string str(std::string_view s) { return std::string(s); }

std::string number_text(double v) {
  char buf[32];
  // Two decimals are enough for every lab the reader keeps, and stable across platforms.
  const double rounded = std::round(v * 100.0) / 100.0;
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, rounded);
  return ec == std::errc{} ? std::string(buf, end) : std::string("?");
}

// How much of a value a message quotes (the JSON readers quote as much): enough to recognise
// it, never a whole document, so a report can always carry the message and be read back.
constexpr std::size_t max_quoted_chars = 60;

/// `s`, or its first `max_quoted_chars` bytes (never splitting a UTF-8 sequence) and "...".
std::string shorten(std::string_view s) {
  if (s.size() <= max_quoted_chars) return std::string(s);
  std::string out(detail::utf8_prefix(s, max_quoted_chars));
  out += "...";
  return out;
}

std::string quote(std::string_view s) { return "\"" + shorten(s) + "\""; }

const json::value* member(const json::object& o, std::string_view key) noexcept {
  const auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

long days_from(date from, date to) noexcept { return days_between(from, to); }

bool before(date a, date b) noexcept { return std::chrono::sys_days{a} < std::chrono::sys_days{b}; }

/// A FHIR date or dateTime. A partial date (`1990`, `1990-04`) is read as the latest day it
/// can mean (a later date is the cautious one for recency windows) and flagged as imprecise.
struct fhir_date {
  date day{};
  bool precise = true;
};

std::optional<int> read_int(std::string_view s) noexcept {
  int v = 0;
  if (s.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<fhir_date> parse_fhir_date(std::string_view s) noexcept {
  using namespace std::chrono;
  if (s.size() >= 10 && s[4] == '-' && s[7] == '-') {
    if (s.size() > 10 && s[10] != 'T') return std::nullopt;
    const auto d = parse_date(s.substr(0, 10));
    if (!d) return std::nullopt;
    return fhir_date{*d, true};
  }
  if (s.size() == 7 && s[4] == '-') {
    const auto y = read_int(s.substr(0, 4));
    const auto m = read_int(s.substr(5, 2));
    if (!y || !m || *y < 1000 || *m < 1 || *m > 12) return std::nullopt;
    const year_month_day_last ymdl{year{*y} / month{static_cast<unsigned>(*m)} / last};
    return fhir_date{year_month_day{ymdl}, false};
  }
  if (s.size() == 4) {
    const auto y = read_int(s);
    if (!y || *y < 1000) return std::nullopt;
    return fhir_date{year{*y} / December / 31, false};
  }
  return std::nullopt;
}

std::optional<date> later(std::optional<date> a, std::optional<date> b) noexcept {
  if (!a) return b;
  if (!b) return a;
  return before(*a, *b) ? b : a;
}

// --- codings -------------------------------------------------------------------------------

struct coding_view {
  std::string_view system;
  std::string_view code;
  std::string_view display;
  std::string path;
};

struct concept_view {
  std::vector<coding_view> codings;
  std::string_view text;
  std::string path;
};

/// What a concept matched.
struct match_result {
  std::vector<const table_row*> rows;
  std::string system;
  std::string code;
  std::string display;
  fhir_match how = fhir_match::code;
  [[nodiscard]] bool matched() const noexcept { return !rows.empty(); }
};

enum class name_mode : std::uint8_t { none, exact, medication };

/// A resource being mapped.
struct resource_info {
  const json::object* object = nullptr;
  std::string type;
  std::string id;
  std::string path;
  std::string full_url;
  std::string source;
};

// --- medications, pregnancy: evidence collected first, decided at the end --------------------

enum class med_state : std::uint8_t { current, uncertain, ended, not_taken, error };

struct med_candidate {
  medication_code word{};
  med_state state = med_state::current;
  std::string status;
  std::optional<date> start;
  std::optional<date> stop;
  std::optional<date> record_date;
  std::optional<date> evidence_date;
  std::optional<enum route> route_value;
  std::string source;
  std::string path;
  std::string system;
  std::string code;
  std::string display;
  fhir_match how = fhir_match::code;
  std::string note;
};

struct pregnancy_evidence {
  known value = known::unknown;
  std::optional<date> when;
  bool from_condition = false;
  condition item;  // for conditions
  std::string source;
  std::string path;
  std::string system;
  std::string code;
  std::string display;
  fhir_match how = fhir_match::code;
};

struct smoking_evidence {
  known value = known::unknown;
  date when{};
  std::string source;
  std::string system;
  std::string code;
  std::string display;
};

struct unmapped_entry {
  std::string element;  // "Condition.code"
  std::string system;
  std::string code;
  std::string display;
  std::string text;
  std::string first_path;
  std::string first_source;
  std::size_t count = 0;
  bool ignored = false;
  std::string note;
};

std::optional<question> question_for(medication_code m) noexcept {
  const medication_class_set c = classes_of(m);
  if (c.overlaps({medication_class::anticoagulant_vka, medication_class::anticoagulant_doac,
                  medication_class::anticoagulant_heparin}))
    return question::anticoagulant;
  if (c.contains(medication_class::oral_retinoid)) return question::isotretinoin;
  if (c.overlaps({medication_class::immunosuppressant, medication_class::chemotherapy}))
    return question::immunosuppression;
  return std::nullopt;
}

std::string capitalised(std::string_view word) {
  std::string s(word);
  for (char& c : s)
    if (c == '_') c = ' ';
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// --- the mapping state of one read ---------------------------------------------------------

class mapper {
 public:
  mapper(const terminology& terms, const fhir_options& options, std::vector<diagnostic>& diags)
      : terms_(terms), options_(options), diags_(diags) {}

  void run(const std::vector<source_resource>& resources);
  fhir_intake take() { return std::move(out_); }

 private:
  // diagnostics
  void warn(std::string code, std::string path, std::string message) {
    diags_.push_back({severity::warning, std::move(code), std::move(path), std::move(message)});
  }
  void error(std::string path, std::string message, std::string code = "fhir.malformed_field") {
    diags_.push_back({severity::error, std::move(code), std::move(path), std::move(message)});
  }

  // typed field access; a present field of the wrong JSON type is an error
  std::optional<std::string_view> get_string(const json::object& o, std::string_view key,
                                             const std::string& path);
  const json::object* get_object(const json::object& o, std::string_view key,
                                 const std::string& path);
  const json::array* get_array(const json::object& o, std::string_view key,
                               const std::string& path);
  std::optional<fhir_date> get_date(const json::object& o, std::string_view key,
                                    const std::string& path);
  std::optional<concept_view> get_concept(const json::object& o, std::string_view key,
                                          const std::string& path);
  concept_view read_concept(const json::object& o, const std::string& path);
  /// The code of the first coding of a status CodeableConcept (clinicalStatus…).
  std::optional<std::string> status_code(const json::object& o, std::string_view key,
                                         const std::string& path);
  /// Date of an `effective[x]`/`performed[x]`/`onset[x]` choice: the dateTime, or the
  /// period's end (`use_end`) or start.
  std::optional<fhir_date> choice_date(const json::object& o, std::string_view prefix,
                                       const std::string& path, bool use_end);

  match_result match(const concept_view& c, std::initializer_list<row_kind> kinds, name_mode mode,
                     const resource_info& r, std::string_view element);
  void record_unmapped(const resource_info& r, std::string_view element, const coding_view* c,
                       std::string_view text, const std::string& path, const table_row* ignore);
  std::vector<area> read_body_sites(const json::object& o, const std::string& path,
                                    const resource_info& r, bool& any);
  std::optional<enum route> read_route(const json::array* dosages, const std::string& path,
                                       const resource_info& r);

  void add_mapping(const resource_info& r, std::string target, std::string_view word,
                   const match_result& m, std::string note) {
    out_.mappings.push_back({r.source, std::move(target), str(word), m.system, m.code, m.display,
                             m.how, std::move(note)});
  }
  void add_note(const resource_info& r, std::string_view word, const match_result& m,
                std::string note) {
    add_mapping(r, "", word, m, std::move(note));
  }
  void add_negative(const resource_info& r, const negative& n, const match_result& m,
                    std::string note);

  // resources
  void index(const std::vector<source_resource>& resources);
  void select_patient();
  bool belongs_to_other_patient(const resource_info& r);
  const resource_info* resolve(std::string_view reference, const resource_info& from,
                               const json::object** contained);
  void map_resource(const resource_info& r);
  void map_patient(const resource_info& r);
  void map_condition(const resource_info& r);
  /// A Condition whose code is a breastfeeding finding or a device "in situ": true when handled.
  bool map_condition_status(const resource_info& r, const concept_view& code,
                            const std::optional<std::string>& verification);
  void map_allergy(const resource_info& r);
  void map_medication(const resource_info& r, bool request);
  void map_observation(const resource_info& r);
  void map_procedure(const resource_info& r);
  void map_device(const resource_info& r, const json::object& device,
                  const std::string& device_path, const std::vector<area>& sites,
                  const resource_info& source);
  void map_device_use(const resource_info& r);

  // decisions at the end
  void finish_medications();
  void finish_pregnancy();
  void finish_smoking();
  void finish_unmapped();

  const terminology& terms_;
  const fhir_options& options_;
  std::vector<diagnostic>& diags_;
  fhir_intake out_;

  std::vector<resource_info> resources_;
  std::unordered_map<std::string, std::size_t> by_reference_;
  std::optional<std::size_t> patient_;
  std::vector<bool> device_used_;  // Device resources read through a DeviceUseStatement
  std::size_t other_patient_count_ = 0;
  std::string other_patient_first_;
  std::map<std::string, std::size_t> read_counts_;
  std::map<std::string, std::size_t> ignored_counts_;

  std::vector<std::size_t> procedure_conditions_;  // conditions made from Procedures
  std::vector<med_candidate> meds_;
  std::vector<pregnancy_evidence> pregnancy_;
  std::vector<smoking_evidence> smoking_;
  std::vector<unmapped_entry> unmapped_;
  std::unordered_map<std::string, std::size_t> unmapped_index_;
};

std::optional<std::string_view> mapper::get_string(const json::object& o, std::string_view key,
                                                   const std::string& path) {
  const json::value* v = member(o, key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    error(path + "." + str(key), "expected a string, found " +
                                     str(v->is_object()  ? "an object"
                                         : v->is_array() ? "an array"
                                                         : "a "
                                                           "scalar") +
                                     "; ignored");
    return std::nullopt;
  }
  return std::string_view(v->get_string());
}

const json::object* mapper::get_object(const json::object& o, std::string_view key,
                                       const std::string& path) {
  const json::value* v = member(o, key);
  if (!v || v->is_null()) return nullptr;
  if (!v->is_object()) {
    error(path + "." + str(key), "expected an object; ignored");
    return nullptr;
  }
  return &v->get_object();
}

const json::array* mapper::get_array(const json::object& o, std::string_view key,
                                     const std::string& path) {
  const json::value* v = member(o, key);
  if (!v || v->is_null()) return nullptr;
  if (!v->is_array()) {
    error(path + "." + str(key), "expected an array; ignored");
    return nullptr;
  }
  return &v->get_array();
}

std::optional<fhir_date> mapper::get_date(const json::object& o, std::string_view key,
                                          const std::string& path) {
  const auto s = get_string(o, key, path);
  if (!s) return std::nullopt;
  const auto d = parse_fhir_date(*s);
  if (!d) error(path + "." + str(key), quote(*s) + " is not a FHIR date or dateTime; ignored");
  return d;
}

concept_view mapper::read_concept(const json::object& o, const std::string& path) {
  concept_view c;
  c.path = path;
  if (const json::array* codings = get_array(o, "coding", path)) {
    for (std::size_t i = 0; i < codings->size(); ++i) {
      std::string cp = path + ".coding[" + std::to_string(i) + "]";
      const json::value& v = (*codings)[i];
      if (!v.is_object()) {
        error(cp, "a coding must be an object; ignored");
        continue;
      }
      const json::object& co = v.get_object();
      coding_view cv;
      cv.system = get_string(co, "system", cp).value_or("");
      cv.code = get_string(co, "code", cp).value_or("");
      cv.display = get_string(co, "display", cp).value_or("");
      cv.path = std::move(cp);
      if (cv.system.empty() && cv.code.empty() && cv.display.empty()) continue;
      c.codings.push_back(std::move(cv));
    }
  }
  c.text = get_string(o, "text", path).value_or("");
  return c;
}

std::optional<concept_view> mapper::get_concept(const json::object& o, std::string_view key,
                                                const std::string& path) {
  const json::object* c = get_object(o, key, path);
  if (!c) return std::nullopt;
  return read_concept(*c, path + "." + str(key));
}

std::optional<std::string> mapper::status_code(const json::object& o, std::string_view key,
                                               const std::string& path) {
  const auto c = get_concept(o, key, path);
  if (!c) return std::nullopt;
  for (const auto& coding : c->codings)
    if (!coding.code.empty()) return str(coding.code);
  if (!c->text.empty()) return normalise_name(c->text);
  return std::nullopt;
}

std::optional<fhir_date> mapper::choice_date(const json::object& o, std::string_view prefix,
                                             const std::string& path, bool use_end) {
  const std::string p(prefix);
  if (member(o, p + "DateTime")) return get_date(o, p + "DateTime", path);
  if (member(o, p + "Instant")) return get_date(o, p + "Instant", path);
  if (member(o, p + "Date")) return get_date(o, p + "Date", path);
  if (const json::object* period = get_object(o, p + "Period", path)) {
    const std::string pp = path + "." + p + "Period";
    const auto start = get_date(*period, "start", pp);
    const auto end = get_date(*period, "end", pp);
    if (use_end && end) return end;
    return start ? start : end;
  }
  return std::nullopt;
}

void mapper::record_unmapped(const resource_info& r, std::string_view element, const coding_view* c,
                             std::string_view text, const std::string& path,
                             const table_row* ignore) {
  std::string key = str(element);
  key += '\x1f';
  if (c && !c->code.empty()) {
    key += str(canonical_system(c->system)) + '\x1f' + str(c->code);
  } else {
    key += "name\x1f" + normalise_name(c ? c->display : text);
  }
  const auto [it, inserted] = unmapped_index_.try_emplace(key, unmapped_.size());
  if (inserted) {
    unmapped_entry e;
    e.element = str(element);
    if (c) {
      e.system = str(c->system);
      e.code = str(c->code);
      e.display = str(c->display);
    } else {
      e.text = str(text);
    }
    e.first_path = path;
    e.first_source = r.source;
    e.ignored = ignore != nullptr;
    if (ignore) e.note = ignore->note;
    unmapped_.push_back(std::move(e));
  }
  ++unmapped_[it->second].count;
}

match_result mapper::match(const concept_view& c, std::initializer_list<row_kind> kinds,
                           name_mode mode, const resource_info& r, std::string_view element) {
  match_result out;
  const auto allowed = [&](row_kind k) {
    return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
  };
  const table_row* ignore_row = nullptr;
  std::vector<const coding_view*> ignored_codings;
  std::vector<const table_row*> ignored_rows;
  for (const auto& coding : c.codings) {
    if (coding.code.empty() || coding.system.empty()) continue;
    bool any = false;
    for (const table_row* row : terms_.find(coding.system, coding.code)) {
      if (row->kind == row_kind::ignore) {
        if (!ignore_row) ignore_row = row;
        ignored_codings.push_back(&coding);
        ignored_rows.push_back(row);
        continue;
      }
      if (!allowed(row->kind)) continue;
      if (std::find(out.rows.begin(), out.rows.end(), row) == out.rows.end())
        out.rows.push_back(row);
      any = true;
    }
    if (any && out.system.empty()) {
      out.system = str(coding.system);
      out.code = str(coding.code);
      out.display = str(coding.display);
    }
  }
  if (out.matched()) return out;
  if (ignore_row) {
    for (std::size_t i = 0; i < ignored_codings.size(); ++i)
      record_unmapped(r, element, ignored_codings[i], {}, ignored_codings[i]->path,
                      ignored_rows[i]);
    return out;
  }

  // Name matching: a coding's display, then the concept's text.
  if (mode != name_mode::none) {
    std::vector<const table_row*> found;
    std::string matched_text;
    const auto look = [&](std::string_view text) {
      const std::string n = normalise_name(text);
      if (n.empty()) return;
      std::vector<const table_row*> rows;
      if (mode == name_mode::medication) {
        rows = terms_.find_medication_names(n);
      } else {
        for (row_kind k : kinds) {
          if (k == row_kind::ignore) continue;
          for (const table_row* row : terms_.find_name(k, n)) rows.push_back(row);
        }
      }
      for (const table_row* row : rows) {
        const bool seen = std::any_of(found.begin(), found.end(), [&](const table_row* f) {
          return f->kind == row->kind && f->word == row->word;
        });
        if (!seen) {
          found.push_back(row);
          if (matched_text.empty()) matched_text = str(text);
        }
      }
    };
    for (const auto& coding : c.codings) look(coding.display);
    look(c.text);
    if (found.size() == 1) {
      out.rows = found;
      out.how = fhir_match::name;
      out.display = matched_text;
      const coding_view* first = c.codings.empty() ? nullptr : &c.codings.front();
      if (first) {
        out.system = str(first->system);
        out.code = str(first->code);
      }
      std::string about;
      if (first && !first->code.empty())
        about = " (its code " + str(system_label(first->system)) + " " + str(first->code) +
                " is not in the tables)";
      warn("fhir.name_match", first ? first->path : c.path,
           str(element) + " " + quote(matched_text) + " of " + r.source +
               " was matched by name only, to " + found.front()->word + about +
               ": a probable fact; check it");
      return out;
    }
    if (found.size() > 1) {
      std::string words;
      for (const table_row* f : found) words += (words.empty() ? "" : ", ") + f->word;
      warn("fhir.ambiguous_name", c.path,
           str(element) + " " + quote(matched_text) + " of " + r.source +
               " matches several vocabulary words by name (" + words + "); not used for screening");
      return out;
    }
  }
  bool any = false;
  for (const auto& coding : c.codings) {
    record_unmapped(r, element, &coding, {}, coding.path, nullptr);
    any = true;
  }
  if (!any && !c.text.empty()) record_unmapped(r, element, nullptr, c.text, c.path, nullptr);
  if (!any && c.text.empty())
    warn("fhir.no_code", c.path,
         str(element) + " of " + r.source +
             " has neither a coding nor a text; not used for screening");
  return out;
}

std::vector<area> mapper::read_body_sites(const json::object& o, const std::string& path,
                                          const resource_info& r, bool& any) {
  std::vector<area> out;
  any = false;
  const json::array* sites = get_array(o, "bodySite", path);
  if (!sites) return out;
  area_set seen;
  bool unknown = false;
  for (std::size_t i = 0; i < sites->size(); ++i) {
    const std::string sp = path + ".bodySite[" + std::to_string(i) + "]";
    if (!(*sites)[i].is_object()) {
      error(sp, "a bodySite must be a CodeableConcept; ignored");
      unknown = true;
      continue;
    }
    const concept_view c = read_concept((*sites)[i].get_object(), sp);
    const match_result m =
        match(c, {row_kind::body_site}, name_mode::exact, r, r.type + ".bodySite");
    if (!m.matched()) {
      unknown = true;
      continue;
    }
    for (const table_row* row : m.rows)
      for (area a : row->areas)
        if (!seen.contains(a)) {
          seen.insert(a);
          out.push_back(a);
        }
  }
  if (unknown) {
    // A site we cannot place may be anywhere: no sites = overlaps every area (cautious).
    warn("fhir.unmapped_body_site", path + ".bodySite",
         r.source +
             " has a body site that is not in the tables: its site is taken as unknown "
             "(it overlaps every area)");
    out.clear();
    any = true;
    return out;
  }
  any = !out.empty();
  return out;
}

std::optional<enum route> mapper::read_route(const json::array* dosages, const std::string& path,
                                             const resource_info& r) {
  if (!dosages) return std::nullopt;
  for (std::size_t i = 0; i < dosages->size(); ++i) {
    if (!(*dosages)[i].is_object()) continue;
    const std::string dp = path + "[" + std::to_string(i) + "]";
    const auto c = get_concept((*dosages)[i].get_object(), "route", dp);
    if (!c) continue;
    const match_result m = match(*c, {row_kind::route}, name_mode::exact, r, r.type + ".route");
    if (m.matched() && m.rows.front()->route_value) return m.rows.front()->route_value;
  }
  return std::nullopt;
}

void mapper::add_negative(const resource_info& r, const negative& n, const match_result& m,
                          std::string note) {
  auto& negs = out_.record.negatives;
  const auto it = std::find(negs.begin(), negs.end(), n);
  std::size_t at = static_cast<std::size_t>(it - negs.begin());
  if (it == negs.end()) {
    negs.push_back(n);
    at = negs.size() - 1;
  }
  add_mapping(r, "$.negatives[" + std::to_string(at) + "]", to_string(n), m, std::move(note));
}

// --- resource index and references ---------------------------------------------------------

void mapper::index(const std::vector<source_resource>& resources) {
  resources_.reserve(resources.size());
  for (const auto& s : resources) {
    resource_info r;
    r.object = s.object;
    r.path = s.path;
    r.full_url = s.full_url;
    if (const json::value* t = member(*s.object, "resourceType"); t && t->is_string())
      r.type = str(t->get_string());
    if (const json::value* id = member(*s.object, "id")) {
      if (id->is_string())
        r.id = str(id->get_string());
      else
        error(s.path + ".id", "the id must be a string; ignored");
    }
    // The source names the resource in messages and mappings: ids and URLs are shortened.
    if (!r.id.empty())
      r.source = shorten(r.type) + "/" + shorten(r.id);
    else if (!r.full_url.empty())
      r.source = shorten(r.full_url);
    else
      r.source = shorten(r.type) + " at " + r.path;
    const std::size_t i = resources_.size();
    if (!r.full_url.empty()) by_reference_.try_emplace(r.full_url, i);
    if (!r.id.empty()) by_reference_.try_emplace(r.type + "/" + r.id, i);
    if (!r.full_url.empty()) {
      const std::string key = reference_key(r.full_url);
      if (!key.empty()) by_reference_.try_emplace(key, i);
    }
    resources_.push_back(std::move(r));
  }
  device_used_.assign(resources_.size(), false);
}

void mapper::select_patient() {
  std::vector<std::size_t> patients;
  for (std::size_t i = 0; i < resources_.size(); ++i)
    if (resources_[i].type == "Patient") patients.push_back(i);
  if (!options_.patient_id.empty()) {
    for (std::size_t i : patients)
      if (resources_[i].id == options_.patient_id) patient_ = i;
    if (!patient_)
      error("$", "no Patient with id " + quote(options_.patient_id) + " in the document",
            "fhir.patient_not_found");
    return;
  }
  if (patients.empty()) return;
  patient_ = patients.front();
  if (patients.size() > 1) {
    std::string ids;
    for (std::size_t i : patients) ids += (ids.empty() ? "" : ", ") + resources_[i].source;
    error("$",
          "the document holds " + std::to_string(patients.size()) + " patients (" + ids +
              "); only the first is read — choose one with the patient id option",
          "fhir.several_patients");
  }
}

const resource_info* mapper::resolve(std::string_view reference, const resource_info& from,
                                     const json::object** contained) {
  if (contained) *contained = nullptr;
  if (!reference.empty() && reference.front() == '#') {
    const json::value* list = member(*from.object, "contained");
    if (contained && list && list->is_array()) {
      for (const auto& v : list->get_array()) {
        if (!v.is_object()) continue;
        const json::value* id = member(v.get_object(), "id");
        if (id && id->is_string() && std::string_view(id->get_string()) == reference.substr(1)) {
          *contained = &v.get_object();
          return nullptr;
        }
      }
    }
    return nullptr;
  }
  if (const auto it = by_reference_.find(str(reference)); it != by_reference_.end())
    return &resources_[it->second];
  const std::string key = reference_key(reference);
  if (!key.empty())
    if (const auto it = by_reference_.find(key); it != by_reference_.end())
      return &resources_[it->second];
  return nullptr;
}

bool mapper::belongs_to_other_patient(const resource_info& r) {
  const auto ref = patient_reference(*r.object);
  if (!ref) return false;
  const resource_info* target = resolve(*ref, r, nullptr);
  if (!target || target->type != "Patient") {
    // Unresolved: another patient only when a patient was chosen and the reference names a
    // different Patient id.
    if (!patient_) return false;
    const std::string key = reference_key(*ref);
    return key.rfind("Patient/", 0) == 0 && key != "Patient/" + resources_[*patient_].id &&
           *ref != resources_[*patient_].full_url && !options_.patient_id.empty();
  }
  return !patient_ || target != &resources_[*patient_];
}

// --- resource handlers ---------------------------------------------------------------------

void mapper::map_patient(const resource_info& r) {
  if (!patient_ || &resources_[*patient_] != &r) return;
  const json::object& o = *r.object;
  auto& p = out_.record.patient;
  const match_result none;
  p.id = r.id;
  if (const auto birth = get_date(o, "birthDate", r.path)) {
    if (birth->precise) {
      p.birth_date = birth->day;
      add_mapping(r, "$.patient.birth_date", to_string(birth->day), none, "Patient.birthDate");
    } else {
      warn("fhir.partial_date", r.path + ".birthDate",
           "birthDate " + quote(get_string(o, "birthDate", r.path).value_or("")) +
               " is not a full date: the birth date is left unknown");
    }
  }
  if (const auto gender = get_string(o, "gender", r.path)) {
    std::optional<sex> s;
    if (*gender == "female") s = sex::female;
    if (*gender == "male") s = sex::male;
    if (*gender == "other") s = sex::other;
    if (s) {
      p.sex = s;
      add_mapping(r, "$.patient.sex", to_string(*s), none, "Patient.gender");
    } else if (*gender != "unknown") {
      error(r.path + ".gender", quote(*gender) + " is not a FHIR administrative gender; ignored");
    }
  }
  if (const json::value* b = member(o, "deceasedBoolean")) {
    if (!b->is_bool()) {
      error(r.path + ".deceasedBoolean", "expected true or false; ignored");
    } else {
      p.deceased = b->get_bool() ? known::yes : known::no;
      add_mapping(r, "$.patient.deceased", b->get_bool() ? "yes" : "no", none,
                  "Patient.deceasedBoolean");
      if (b->get_bool())
        warn("fhir.deceased", r.path + ".deceasedBoolean",
             "the record says the patient (" + r.source + ") has died");
    }
  }
  if (const auto died = get_date(o, "deceasedDateTime", r.path)) {
    p.deceased = known::yes;
    add_mapping(r, "$.patient.deceased", "yes", none,
                "Patient.deceasedDateTime " + to_string(died->day));
    warn("fhir.deceased", r.path + ".deceasedDateTime",
         "the record says the patient (" + r.source + ") died on " +
             str(get_string(o, "deceasedDateTime", r.path).value_or("")).substr(0, 10));
  }
}

void mapper::map_condition(const resource_info& r) {
  const json::object& o = *r.object;
  const auto verification = status_code(o, "verificationStatus", r.path);
  const auto code = get_concept(o, "code", r.path);
  if (verification && *verification == "entered-in-error") {
    add_note(r, "entered-in-error", {}, "Condition entered in error: not a fact, ignored");
    return;
  }
  if (!code) {
    warn("fhir.no_code", r.path, r.source + " has no code; not used for screening");
    return;
  }
  if (map_condition_status(r, *code, verification)) return;
  const match_result m =
      match(*code, {row_kind::condition, row_kind::ignore}, name_mode::exact, r, "Condition.code");
  if (!m.matched()) return;

  const auto onset_fd = [&]() -> std::optional<fhir_date> {
    if (auto d = choice_date(o, "onset", r.path, false)) return d;
    if (const json::object* age = get_object(o, "onsetAge", r.path)) {
      const json::value* v = member(*age, "value");
      const auto& birth = out_.record.patient.birth_date;
      if (v && v->is_number() && birth) {
        const double years = v->to_number<double>();
        if (years >= 0 && years < 150)
          return fhir_date{add_months(*birth, static_cast<int>(std::floor(years)) * 12), false};
      }
    }
    return std::nullopt;
  }();
  const auto recorded = get_date(o, "recordedDate", r.path);
  const auto abatement = choice_date(o, "abatement", r.path, true);
  const bool abated = abatement.has_value() || member(o, "abatementString") ||
                      member(o, "abatementAge") || member(o, "abatementRange") ||
                      member(o, "abatementBoolean");

  if (verification && *verification == "refuted") {
    for (const table_row* row : m.rows) {
      if (!row->condition) continue;
      if (*row->condition == condition_code::pregnancy) {
        pregnancy_evidence e;
        e.value = known::no;
        if (recorded) e.when = recorded->day;
        if (onset_fd) e.when = later(e.when, onset_fd->day);
        e.source = r.source;
        e.path = r.path;
        e.system = m.system;
        e.code = m.code;
        e.display = m.display;
        e.how = m.how;
        pregnancy_.push_back(std::move(e));
        continue;
      }
      add_negative(r, *row->condition, m, "refuted Condition: an explicit denial");
    }
    return;
  }

  const auto clinical = status_code(o, "clinicalStatus", r.path);
  condition_status status = condition_status::active;
  std::string status_note;
  if (clinical) {
    if (*clinical == "active" || *clinical == "recurrence" || *clinical == "relapse") {
      status = condition_status::active;
      if (abated)
        warn("fhir.inconsistent", r.path + ".clinicalStatus",
             r.source + " is " + *clinical + " but has an abatement: taken as active");
    } else if (*clinical == "inactive" || *clinical == "remission" || *clinical == "resolved") {
      // "history", not "resolved": a past keloid or past cold sores still matter.
      status = condition_status::history;
    } else {
      warn("fhir.unknown_status", r.path + ".clinicalStatus",
           quote(*clinical) + " is not a Condition clinical status: taken as active");
    }
    status_note = "clinicalStatus " + *clinical;
  } else if (abated) {
    status = condition_status::history;
    status_note = "no clinicalStatus; abated";
  } else {
    warn("fhir.no_clinical_status", r.path,
         r.source + " has no clinicalStatus and no abatement: taken as active");
    status_note = "no clinicalStatus: taken as active";
  }
  if (verification && (*verification == "unconfirmed" || *verification == "provisional" ||
                       *verification == "differential")) {
    warn("fhir.unconfirmed", r.path + ".verificationStatus",
         r.source + " is " + *verification + ": kept as a fact to be confirmed");
    status_note += ", " + *verification;
  }
  std::optional<condition_severity> sev;
  if (const auto s = get_concept(o, "severity", r.path)) {
    const match_result sm =
        match(*s, {row_kind::severity}, name_mode::exact, r, "Condition.severity");
    if (sm.matched()) sev = sm.rows.front()->severity;
  }
  bool has_sites = false;
  std::vector<area> sites = read_body_sites(o, r.path, r, has_sites);

  for (const table_row* row : m.rows) {
    if (!row->condition) continue;
    condition c;
    c.code = *row->condition;
    c.status = status;
    c.severity = sev ? sev : row->severity;
    if (onset_fd) c.onset = onset_fd->day;
    c.sites = has_sites ? sites : row->areas;
    c.source = r.source;
    std::string note = status_note;
    if (!row->form.empty() && row->form != "disorder") note += "; " + row->form + " code";
    if (m.how == fhir_match::name) note += "; matched by name only";
    if (c.code == condition_code::pregnancy && status == condition_status::active) {
      pregnancy_evidence e;
      e.value = known::yes;
      e.when = onset_fd   ? std::optional<date>(onset_fd->day)
               : recorded ? std::optional<date>(recorded->day)
                          : std::nullopt;
      e.from_condition = true;
      e.item = std::move(c);
      e.source = r.source;
      e.path = r.path;
      e.system = m.system;
      e.code = m.code;
      e.display = m.display;
      e.how = m.how;
      pregnancy_.push_back(std::move(e));
      continue;
    }
    out_.record.conditions.push_back(std::move(c));
    add_mapping(r, "$.conditions[" + std::to_string(out_.record.conditions.size() - 1) + "]",
                row->word, m, std::move(note));
  }
}

bool mapper::map_condition_status(const resource_info& r, const concept_view& code,
                                  const std::optional<std::string>& verification) {
  // Only codes that have a breastfeeding-answer or a device row take this path; every other
  // Condition is read as before.
  bool any = false;
  for (const auto& coding : code.codings) {
    if (coding.code.empty() || coding.system.empty()) continue;
    for (const table_row* row : terms_.find(coding.system, coding.code))
      if (row->kind == row_kind::device ||
          (row->kind == row_kind::answer && row->topic == status_topic::breastfeeding))
        any = true;
  }
  if (!any) return false;
  const match_result m =
      match(code, {row_kind::device, row_kind::answer}, name_mode::none, r, "Condition.code");
  if (!m.matched()) return true;
  const json::object& o = *r.object;
  const auto clinical = status_code(o, "clinicalStatus", r.path);
  const bool abated = member(o, "abatementDateTime") || member(o, "abatementPeriod") ||
                      member(o, "abatementString") || member(o, "abatementAge") ||
                      member(o, "abatementRange") || member(o, "abatementBoolean");
  const bool refuted = verification && *verification == "refuted";
  const bool active =
      !refuted &&
      (clinical ? (*clinical == "active" || *clinical == "recurrence" || *clinical == "relapse")
                : !abated);
  std::optional<fhir_date> when = choice_date(o, "onset", r.path, false);
  if (const auto recorded = get_date(o, "recordedDate", r.path); recorded)
    if (!when || before(when->day, recorded->day)) when = recorded;
  for (const table_row* row : m.rows) {
    if (row->kind == row_kind::device && row->device) {
      if (!active) {
        add_note(r, row->word, m,
                 refuted ? "refuted Condition: no such device"
                         : "device Condition not active: taken as no longer in place");
        continue;
      }
      implanted_device d;
      d.code = *row->device;
      d.source = r.source;
      out_.record.devices.push_back(std::move(d));
      add_mapping(r, "$.devices[" + std::to_string(out_.record.devices.size() - 1) + "]", row->word,
                  m, "from a Condition (device in situ)");
      continue;
    }
    if (row->kind != row_kind::answer || row->topic != status_topic::breastfeeding) continue;
    // A refuted "breastfeeding" is an explicit no; a refuted "not breastfeeding" says nothing.
    known value = row->answer;
    if (refuted) {
      if (value != known::yes) {
        add_note(r, "breastfeeding", m, "refuted Condition: not used");
        continue;
      }
      value = known::no;
    } else if (!active) {
      add_note(r, "breastfeeding", m,
               "breastfeeding Condition not active (resolved or abated): not used");
      continue;
    }
    const bool recent = when && options_.as_of && days_from(when->day, *options_.as_of) >= 0 &&
                        days_from(when->day, *options_.as_of) <= options_.stale_pregnancy_days;
    // An undated active "breastfeeding" is still read (yes is the cautious reading); a "no" needs
    // a recent date.
    if (!recent && !(value == known::yes && !when && !refuted)) {
      add_note(r, "breastfeeding", m, "breastfeeding Condition too old or undated: not used");
      continue;
    }
    out_.record.patient.breastfeeding = value;
    add_mapping(r, "$.patient.breastfeeding", value == known::yes ? "yes" : "no", m,
                when ? "breastfeeding Condition recorded " + to_string(when->day)
                     : "active breastfeeding Condition without a date");
  }
  return true;
}

void mapper::map_allergy(const resource_info& r) {
  const json::object& o = *r.object;
  const auto verification = status_code(o, "verificationStatus", r.path);
  if (verification && *verification == "entered-in-error") {
    add_note(r, "entered-in-error", {}, "AllergyIntolerance entered in error: ignored");
    return;
  }
  const auto code = get_concept(o, "code", r.path);
  match_result m;
  if (code)
    m = match(*code, {row_kind::allergy, row_kind::denial, row_kind::ignore}, name_mode::exact, r,
              "AllergyIntolerance.code");
  const json::array* reactions = get_array(o, "reaction", r.path);
  if (!m.matched() && reactions) {
    // The substance may be named only in the reactions.
    for (std::size_t i = 0; i < reactions->size() && !m.matched(); ++i) {
      if (!(*reactions)[i].is_object()) continue;
      const std::string rp = r.path + ".reaction[" + std::to_string(i) + "]";
      if (const auto s = get_concept((*reactions)[i].get_object(), "substance", rp))
        m = match(*s, {row_kind::allergy, row_kind::ignore}, name_mode::exact, r,
                  "AllergyIntolerance.reaction.substance");
    }
  }
  if (!code && !m.matched()) {
    if (!reactions) warn("fhir.no_code", r.path, r.source + " has no code; not used for screening");
    return;
  }
  if (!m.matched()) return;

  const bool refuted = verification && *verification == "refuted";
  // Severity: the worst reaction; anaphylaxis when a manifestation says so; a high criticality
  // with no reaction severity is taken as severe.
  std::optional<allergy_severity> sev;
  std::string reaction_text;
  if (reactions) {
    for (std::size_t i = 0; i < reactions->size(); ++i) {
      if (!(*reactions)[i].is_object()) {
        error(r.path + ".reaction[" + std::to_string(i) + "]", "a reaction must be an object");
        continue;
      }
      const json::object& ro = (*reactions)[i].get_object();
      const std::string rp = r.path + ".reaction[" + std::to_string(i) + "]";
      if (const auto s = get_string(ro, "severity", rp)) {
        std::optional<allergy_severity> v;
        if (*s == "mild") v = allergy_severity::mild;
        if (*s == "moderate") v = allergy_severity::moderate;
        if (*s == "severe") v = allergy_severity::severe;
        if (!v) error(rp + ".severity", quote(*s) + " is not mild, moderate or severe; ignored");
        if (v && (!sev || *v > *sev)) sev = v;
      }
      if (const json::array* mans = get_array(ro, "manifestation", rp)) {
        for (std::size_t k = 0; k < mans->size(); ++k) {
          if (!(*mans)[k].is_object()) continue;
          const concept_view mc = read_concept((*mans)[k].get_object(),
                                               rp + ".manifestation[" + std::to_string(k) + "]");
          std::string text = str(mc.text);
          for (const auto& c : mc.codings) {
            if (text.empty()) text = str(c.display);
            if (canonical_system(c.system) == "http://snomed.info/sct" && c.code == "39579001")
              sev = allergy_severity::anaphylaxis;
          }
          if (normalise_name(text).find("anaphyla") != std::string::npos)
            sev = allergy_severity::anaphylaxis;
          if (reaction_text.empty()) reaction_text = text;
        }
      }
    }
  }
  std::string sev_note;
  if (!sev) {
    if (const auto crit = get_string(o, "criticality", r.path); crit && *crit == "high") {
      sev = allergy_severity::severe;
      sev_note = "; criticality high taken as severe";
    }
  }
  const auto clinical = status_code(o, "clinicalStatus", r.path);
  for (const table_row* row : m.rows) {
    if (row->kind == row_kind::denial) {
      if (refuted) {
        add_note(r, row->word, m, "a refuted \"no known allergy\" statement: ignored");
        continue;
      }
      for (const negative& n : row->denials)
        add_negative(r, n, m, "\"no known allergy\" code: an explicit denial");
      continue;
    }
    if (!row->allergy) continue;
    if (refuted) {
      const auto as_class = parse_code<allergy_class>(to_string(*row->allergy));
      if (as_class) {
        add_negative(r, *as_class, m, "refuted AllergyIntolerance: an explicit denial");
      } else {
        add_note(r, row->word, m,
                 "refuted allergy: not a fact; not a denial either (negatives name allergy "
                 "classes, and one refuted substance does not deny its class)");
      }
      continue;
    }
    allergy a;
    a.substance = *row->allergy;
    a.severity = sev;
    a.reaction = reaction_text;
    a.source = r.source;
    std::string note = "AllergyIntolerance" + sev_note;
    if (clinical && (*clinical == "inactive" || *clinical == "resolved")) {
      warn("fhir.resolved_allergy", r.path + ".clinicalStatus",
           r.source + " is " + *clinical + ": kept as an allergy, to be confirmed");
      note += "; clinicalStatus " + *clinical;
    }
    if (verification && *verification == "unconfirmed")
      warn("fhir.unconfirmed", r.path + ".verificationStatus",
           r.source + " is unconfirmed: kept as a fact to be confirmed");
    out_.record.allergies.push_back(std::move(a));
    add_mapping(r, "$.allergies[" + std::to_string(out_.record.allergies.size() - 1) + "]",
                row->word, m, std::move(note));
  }
}

void mapper::map_medication(const resource_info& r, bool request) {
  const json::object& o = *r.object;
  const std::string type = request ? "MedicationRequest" : "MedicationStatement";
  const auto status = get_string(o, "status", r.path);

  // The medicine: a CodeableConcept, a reference to a Medication (in the Bundle or contained),
  // or (R5) a CodeableReference.
  std::optional<concept_view> med_concept;
  const json::object* medication = nullptr;
  std::string medication_path;
  std::string reference_display;
  const auto take_reference = [&](const json::object& ref, const std::string& ref_path) {
    const auto target = get_string(ref, "reference", ref_path);
    reference_display = str(get_string(ref, "display", ref_path).value_or(""));
    if (!target) return;
    const json::object* contained = nullptr;
    const resource_info* found = resolve(*target, r, &contained);
    if (contained) {
      medication = contained;
      medication_path = r.path + ".contained[id=" + str(target->substr(1)) + "]";
    } else if (found && found->type == "Medication") {
      medication = found->object;
      medication_path = found->path;
    } else {
      warn("fhir.unresolved_reference", ref_path + ".reference",
           quote(*target) + " of " + r.source + " is not a Medication in the document" +
               (reference_display.empty()
                    ? std::string()
                    : "; its display " + quote(reference_display) + " is matched by name"));
    }
  };
  if (auto cc = get_concept(o, "medicationCodeableConcept", r.path)) {
    med_concept = std::move(cc);
  } else if (const json::object* mref = get_object(o, "medicationReference", r.path)) {
    take_reference(*mref, r.path + ".medicationReference");
  } else if (const json::object* cr = get_object(o, "medication", r.path)) {
    warn("fhir.r5_field", r.path + ".medication",
         type +
             ".medication is an R5 element (R4 has medication[x]); read as a "
             "CodeableReference");
    if (auto r5 = get_concept(*cr, "concept", r.path + ".medication"))
      med_concept = std::move(r5);
    else if (const json::object* cref = get_object(*cr, "reference", r.path + ".medication"))
      take_reference(*cref, r.path + ".medication.reference");
  }
  if (medication && !med_concept) med_concept = get_concept(*medication, "code", medication_path);
  if (!med_concept && !reference_display.empty()) {
    concept_view named;
    named.text = reference_display;
    named.path = r.path + ".medicationReference.display";
    med_concept = std::move(named);
  }
  if (!med_concept) {
    warn("fhir.no_code", r.path, r.source + " names no medication; not used for screening");
    return;
  }
  match_result m = match(*med_concept, {row_kind::medication, row_kind::ignore},
                         name_mode::medication, r, type + ".medication");
  if (!m.matched() && medication) {
    // A Medication whose code is not known: its ingredients may be.
    if (const json::array* ingredients = get_array(*medication, "ingredient", medication_path)) {
      for (std::size_t i = 0; i < ingredients->size() && !m.matched(); ++i) {
        if (!(*ingredients)[i].is_object()) continue;
        const std::string ip = medication_path + ".ingredient[" + std::to_string(i) + "]";
        if (auto ic = get_concept((*ingredients)[i].get_object(), "itemCodeableConcept", ip))
          m = match(*ic, {row_kind::medication, row_kind::ignore}, name_mode::medication, r,
                    "Medication.ingredient");
      }
    }
  }
  if (!m.matched()) return;

  med_candidate base;
  base.source = r.source;
  base.path = r.path;
  base.system = m.system;
  base.code = m.code;
  base.display = m.display;
  base.how = m.how;
  base.status = status ? str(*status) : "";
  if (!status) {
    error(r.path + ".status", type + " has no status: taken as unknown (a question)",
          "fhir.missing_field");
    base.state = med_state::uncertain;
  } else if (request) {
    const std::string_view s = *status;
    base.state = s == "active"                        ? med_state::current
                 : s == "completed" || s == "stopped" ? med_state::ended
                 : s == "cancelled"                   ? med_state::not_taken
                 : s == "entered-in-error"            ? med_state::error
                                                      : med_state::uncertain;
  } else {
    const std::string_view s = *status;
    base.state = s == "active"                        ? med_state::current
                 : s == "completed" || s == "stopped" ? med_state::ended
                 : s == "not-taken"                   ? med_state::not_taken
                 : s == "entered-in-error"            ? med_state::error
                                                      : med_state::uncertain;
  }
  if (request) {
    if (const auto intent = get_string(o, "intent", r.path);
        intent && (*intent == "proposal" || *intent == "plan" || *intent == "option") &&
        base.state == med_state::current) {
      base.state = med_state::uncertain;
      base.status = "active " + str(*intent);
    }
    if (const json::value* dnp = member(o, "doNotPerform");
        dnp && dnp->is_bool() && dnp->get_bool())
      base.state = med_state::not_taken;
    const auto authored = get_date(o, "authoredOn", r.path);
    std::optional<fhir_date> valid_start;
    std::optional<fhir_date> valid_end;
    if (const json::object* dr = get_object(o, "dispenseRequest", r.path))
      if (const json::object* vp = get_object(*dr, "validityPeriod", r.path + ".dispenseRequest")) {
        const std::string vpp = r.path + ".dispenseRequest.validityPeriod";
        valid_start = get_date(*vp, "start", vpp);
        valid_end = get_date(*vp, "end", vpp);
      }
    if (valid_start)
      base.start = valid_start->day;
    else if (authored)
      base.start = authored->day;
    base.record_date = authored ? std::optional<date>(authored->day) : base.start;
    if (base.state == med_state::ended && valid_end) base.stop = valid_end->day;
    base.evidence_date =
        later(base.record_date, valid_end ? std::optional<date>(valid_end->day) : std::nullopt);
    base.route_value =
        read_route(get_array(o, "dosageInstruction", r.path), r.path + ".dosageInstruction", r);
  } else {
    const auto effective_start = choice_date(o, "effective", r.path, false);
    const auto effective_end = choice_date(o, "effective", r.path, true);
    const auto asserted = get_date(o, "dateAsserted", r.path);
    if (effective_start) base.start = effective_start->day;
    if (base.state == med_state::ended && effective_end &&
        (member(o, "effectivePeriod") || member(o, "effectiveDateTime")))
      base.stop = effective_end->day;
    if (member(o, "effectivePeriod") && base.state == med_state::ended && effective_end &&
        effective_start && effective_end->day == effective_start->day) {
      const json::object* period = get_object(o, "effectivePeriod", r.path);
      if (period && !member(*period, "end")) base.stop.reset();
    }
    base.record_date =
        later(asserted ? std::optional<date>(asserted->day) : std::nullopt, base.start);
    base.evidence_date = later(
        base.record_date, effective_end ? std::optional<date>(effective_end->day) : std::nullopt);
    base.route_value = read_route(get_array(o, "dosage", r.path), r.path + ".dosage", r);
  }
  if (base.start && base.stop && before(*base.stop, *base.start)) {
    warn("fhir.inconsistent", r.path,
         r.source + " ends (" + to_string(*base.stop) + ") before it starts (" +
             to_string(*base.start) + "): the start date is left out");
    base.start.reset();
  }
  for (const table_row* row : m.rows) {
    std::string note;
    if (row->form == "product")
      note = str(system_label(m.system)) + " product → ingredient";
    else if (row->form == "class")
      note = str(system_label(m.system)) + " class";
    else if (row->form == "brand")
      note = "brand name → ingredient";
    if (m.how == fhir_match::name) note = "matched by name only";
    for (medication_code w : row->medications) {
      med_candidate c = base;
      c.word = w;
      c.note = note;
      if (!c.route_value) c.route_value = row->route_value;
      meds_.push_back(std::move(c));
    }
  }
}

void mapper::map_observation(const resource_info& r) {
  const json::object& o = *r.object;
  const auto status = get_string(o, "status", r.path);
  const auto code = get_concept(o, "code", r.path);
  if (!code) {
    warn("fhir.no_code", r.path, r.source + " has no code; not used for screening");
    return;
  }
  const match_result m = match(*code, {row_kind::lab, row_kind::observation, row_kind::ignore},
                               name_mode::exact, r, "Observation.code");
  if (!m.matched()) return;
  const table_row& row = *m.rows.front();
  if (status && *status != "final" && *status != "amended" && *status != "corrected" &&
      *status != "preliminary") {
    add_note(r, row.word, m, "Observation status " + str(*status) + ": not a result, ignored");
    return;
  }
  const auto when = choice_date(o, "effective", r.path, true);
  std::optional<fhir_date> issued;
  if (!when) issued = get_date(o, "issued", r.path);

  if (row.kind == row_kind::observation) {
    const auto value = get_concept(o, "valueCodeableConcept", r.path);
    const json::value* boolean = member(o, "valueBoolean");
    match_result vm;
    table_row boolean_answer;  // a valueBoolean answers the observation's own question
    const table_row* answer_row = nullptr;
    if (!value && boolean && boolean->is_bool()) {
      boolean_answer.kind = row_kind::answer;
      boolean_answer.topic = row.topic;
      boolean_answer.word = row.word + (boolean->get_bool() ? "=yes" : "=no");
      boolean_answer.answer = boolean->get_bool() ? known::yes : known::no;
      answer_row = &boolean_answer;
      vm = m;
      vm.display = std::string(boolean->get_bool() ? "true" : "false") + " (valueBoolean)";
    } else if (!value) {
      warn("fhir.no_value", r.path,
           r.source + " (" + row.word + " status) has neither a coded nor a boolean value");
      return;
    } else {
      // An answer code, or (pregnancy) any code of a current pregnancy.
      vm = match(*value, {row_kind::answer, row_kind::condition}, name_mode::none, r,
                 "Observation.value");
      if (!vm.matched()) return;
      for (const table_row* candidate : vm.rows) {
        if (candidate->kind == row_kind::answer && candidate->topic == row.topic) {
          answer_row = candidate;
          break;
        }
      }
      if (!answer_row && row.topic == status_topic::pregnancy) {
        for (const table_row* candidate : vm.rows)
          if (candidate->condition == condition_code::pregnancy) {
            boolean_answer.kind = row_kind::answer;
            boolean_answer.topic = status_topic::pregnancy;
            boolean_answer.word = "pregnancy=yes";
            boolean_answer.answer = known::yes;
            answer_row = &boolean_answer;
            break;
          }
      }
      if (!answer_row) {
        warn("fhir.unexpected_value", r.path + ".valueCodeableConcept",
             r.source + " (" + row.word + " status) has the value " + str(system_label(vm.system)) +
                 " " + vm.code + " " + quote(vm.display) + ", which does not answer it: not used");
        return;
      }
    }
    const table_row& answer = *answer_row;
    const std::optional<fhir_date> at = when ? when : issued;
    if (!at) {
      warn("fhir.missing_date", r.path,
           r.source + " (" + row.word + " status) has no date: not used");
      return;
    }
    if (answer.answer == known::unknown) {
      add_note(r, answer.word, vm, "status recorded as unknown");
      return;
    }
    if (row.topic == status_topic::pregnancy) {
      pregnancy_evidence e;
      e.value = answer.answer;
      e.when = at->day;
      e.source = r.source;
      e.path = r.path;
      e.system = vm.system;
      e.code = vm.code;
      e.display = vm.display;
      e.how = vm.how;
      pregnancy_.push_back(std::move(e));
    } else if (row.topic == status_topic::smoking) {
      smoking_.push_back({answer.answer, at->day, r.source, vm.system, vm.code, vm.display});
    } else if (row.topic == status_topic::breastfeeding) {
      // Breastfeeding status is read only when recorded recently (same window as pregnancy).
      if (options_.as_of && days_from(at->day, *options_.as_of) >= 0 &&
          days_from(at->day, *options_.as_of) <= options_.stale_pregnancy_days) {
        out_.record.patient.breastfeeding = answer.answer;
        add_mapping(r, "$.patient.breastfeeding", answer.answer == known::yes ? "yes" : "no", vm,
                    "breastfeeding status observed " + to_string(at->day));
      } else {
        add_note(r, "breastfeeding", vm, "breastfeeding status too old or undated: not used");
      }
    }
    return;
  }

  // A lab result.
  if (!row.lab) return;
  const lab_code lab = *row.lab;
  const json::object* q = get_object(o, "valueQuantity", r.path);
  if (!q) {
    if (member(o, "dataAbsentReason"))
      add_note(r, row.word, m, "no value (dataAbsentReason)");
    else
      warn("fhir.no_value", r.path,
           r.source + " (" + row.word + ") has no valueQuantity: not used");
    return;
  }
  const std::string qp = r.path + ".valueQuantity";
  const json::value* v = member(*q, "value");
  if (!v || !v->is_number()) {
    error(qp + ".value", r.source + " (" + row.word + ") has no numeric value; not used");
    return;
  }
  const double raw = v->to_number<double>();
  if (const auto comparator = get_string(*q, "comparator", qp)) {
    warn("fhir.comparator", qp + ".comparator",
         r.source + " (" + row.word + ") is " + str(*comparator) + " " + number_text(raw) +
             ", not a value: treated as unknown");
    return;
  }
  const std::string unit_code = str(get_string(*q, "code", qp).value_or(""));
  const std::string unit_text = str(get_string(*q, "unit", qp).value_or(""));
  const unit_row* unit = terms_.find_unit(lab, unit_code, unit_text);
  if (!unit) {
    warn("fhir.unknown_unit", qp,
         r.source + " (" + row.word + " " + number_text(raw) + ") has unit " +
             quote(unit_code.empty() ? unit_text : unit_code) +
             ", which the unit table cannot convert: treated as unknown");
    return;
  }
  const std::optional<fhir_date> at = when ? when : issued;
  if (!at) {
    warn("fhir.missing_date", r.path, r.source + " (" + row.word + ") has no date: not used");
    return;
  }
  if (!at->precise) {
    warn("fhir.partial_date", r.path,
         r.source + " (" + row.word + ") is dated only to the month or year: not used");
    return;
  }
  const double value = raw * unit->factor + unit->offset;
  lab_result result{lab, value, at->day, r.source};
  // The same ranges as the intake format (screener's validate): outside them the record is
  // implausible, so the value is unknown — a warning, not an input error.
  intake probe;
  probe.labs.push_back(result);
  const auto problems = validate(probe);
  if (!problems.empty()) {
    warn("fhir.implausible_value", qp + ".value",
         r.source + ": " + row.word + " " + number_text(raw) + " " +
             (unit_code.empty() ? unit_text : unit_code) + " on " + to_string(at->day) +
             " is implausible (" + problems.front().message + "): treated as unknown");
    return;
  }
  out_.record.labs.push_back(std::move(result));
  std::string note = number_text(raw) + " " + (unit_code.empty() ? unit_text : unit_code);
  if (unit->factor != 1.0 || unit->offset != 0.0)
    note += " → " + number_text(value) + " " + str(canonical_unit(lab));
  if (!when) note += "; dated by issued";
  add_mapping(r, "$.labs[" + std::to_string(out_.record.labs.size() - 1) + "]", row.word, m,
              std::move(note));
}

void mapper::map_procedure(const resource_info& r) {
  const json::object& o = *r.object;
  const auto status = get_string(o, "status", r.path);
  const auto code = get_concept(o, "code", r.path);
  if (!code) {
    warn("fhir.no_code", r.path, r.source + " has no code; not used for screening");
    return;
  }
  const match_result m =
      match(*code, {row_kind::procedure, row_kind::condition, row_kind::device, row_kind::ignore},
            name_mode::exact, r, "Procedure.code");
  if (!m.matched()) return;
  if (status && *status != "completed" && *status != "in-progress" && *status != "stopped") {
    add_note(r, m.rows.front()->word, m,
             "Procedure status " + str(*status) + ": not done, ignored");
    return;
  }
  std::optional<fhir_date> when = choice_date(o, "performed", r.path, true);
  if (!when && (member(o, "occurrenceDateTime") || member(o, "occurrencePeriod"))) {
    warn("fhir.r5_field", r.path,
         "Procedure.occurrence[x] is an R5 element (R4 has "
         "performed[x]); read as the date performed");
    when = choice_date(o, "occurrence", r.path, true);
  }
  bool has_sites = false;
  const std::vector<area> sites = read_body_sites(o, r.path, r, has_sites);
  for (const table_row* row : m.rows) {
    const std::vector<area>& where = has_sites ? sites : row->areas;
    if (row->kind == row_kind::procedure && row->procedure) {
      if (!when) {
        warn("fhir.missing_date", r.path,
             r.source + " (" + row->word + ") has no date performed: not used");
        continue;
      }
      prior_procedure p;
      p.code = *row->procedure;
      p.date = when->day;
      p.areas = where;
      p.depth = row->depth;
      p.source = r.source;
      out_.record.procedures.push_back(std::move(p));
      add_mapping(r, "$.procedures[" + std::to_string(out_.record.procedures.size() - 1) + "]",
                  row->word, m, when->precise ? "" : "dated only to the month or year");
    } else if (row->kind == row_kind::condition && row->condition) {
      condition c;
      c.code = *row->condition;
      c.status =
          status && *status == "in-progress" ? condition_status::active : condition_status::history;
      if (when) c.onset = when->day;
      c.sites = where;
      c.source = r.source;
      // Repeated sessions (e.g. a course of radiotherapy) are one condition: the latest
      // session's date is the one that matters for waiting periods.
      std::size_t at = out_.record.conditions.size();
      for (std::size_t k : procedure_conditions_) {
        auto& prev = out_.record.conditions[k];
        if (prev.code != c.code || prev.sites != c.sites) continue;
        at = k;
        if (c.onset && (!prev.onset || before(*prev.onset, *c.onset))) {
          prev.onset = c.onset;
          prev.source = c.source;
          prev.status = c.status;
        }
        break;
      }
      const bool merged = at != out_.record.conditions.size();
      if (!merged) {
        out_.record.conditions.push_back(std::move(c));
        procedure_conditions_.push_back(at);
      }
      add_mapping(r, "$.conditions[" + std::to_string(at) + "]", row->word, m,
                  merged ? "from a Procedure; merged with the other sessions (latest date kept)"
                         : "from a Procedure");
    } else if (row->kind == row_kind::device && row->device) {
      implanted_device d;
      d.code = *row->device;
      d.sites = where;
      d.source = r.source;
      out_.record.devices.push_back(std::move(d));
      add_mapping(r, "$.devices[" + std::to_string(out_.record.devices.size() - 1) + "]", row->word,
                  m, "implanted by a Procedure");
    }
  }
}

void mapper::map_device(const resource_info& r, const json::object& device,
                        const std::string& device_path, const std::vector<area>& sites,
                        const resource_info& source) {
  std::optional<concept_view> type = get_concept(device, "type", device_path);
  if (!type) {
    // R4 Device names may carry the only description.
    if (const json::array* names = get_array(device, "deviceName", device_path))
      for (const auto& n : *names)
        if (n.is_object())
          if (const json::value* name = member(n.get_object(), "name"); name && name->is_string()) {
            concept_view c;
            c.text = name->get_string();
            c.path = device_path + ".deviceName";
            type = std::move(c);
            break;
          }
  }
  if (!type) {
    warn("fhir.no_code", device_path, source.source + " has no device type; not used");
    return;
  }
  const match_result m =
      match(*type, {row_kind::device, row_kind::ignore}, name_mode::exact, r, "Device.type");
  for (const table_row* row : m.rows) {
    if (!row->device) continue;
    implanted_device d;
    d.code = *row->device;
    d.sites = sites.empty() ? row->areas : sites;
    d.source = source.source;
    out_.record.devices.push_back(std::move(d));
    add_mapping(source, "$.devices[" + std::to_string(out_.record.devices.size() - 1) + "]",
                row->word, m, "");
  }
}

void mapper::map_device_use(const resource_info& r) {
  const json::object& o = *r.object;
  const auto status = get_string(o, "status", r.path);
  const json::object* ref = get_object(o, "device", r.path);
  if (!ref) {
    warn("fhir.no_code", r.path, r.source + " names no device; not used");
    return;
  }
  const json::object* contained = nullptr;
  const resource_info* device = nullptr;
  if (const auto target = get_string(*ref, "reference", r.path + ".device")) {
    device = resolve(*target, r, &contained);
    if (device && device->type != "Device") device = nullptr;
    if (!device && !contained)
      warn("fhir.unresolved_reference", r.path + ".device.reference",
           quote(*target) + " of " + r.source + " is not a Device in the document");
  }
  if (device) device_used_[static_cast<std::size_t>(device - resources_.data())] = true;
  if (status && *status != "active") {
    add_note(r, "device", {}, "DeviceUseStatement status " + str(*status) + ": not in use now");
    return;
  }
  bool has_sites = false;
  std::vector<area> sites;
  if (const auto site = get_concept(o, "bodySite", r.path)) {
    const match_result sm =
        match(*site, {row_kind::body_site}, name_mode::exact, r, "DeviceUseStatement.bodySite");
    if (sm.matched()) {
      sites = sm.rows.front()->areas;
      has_sites = true;
    }
  }
  (void)has_sites;
  if (contained)
    map_device(r, *contained, r.path + ".contained", sites, r);
  else if (device)
    map_device(*device, *device->object, device->path, sites, r);
}

void mapper::map_resource(const resource_info& r) {
  const std::string& t = r.type;
  const bool read = t == "Patient" || t == "Condition" || t == "AllergyIntolerance" ||
                    t == "MedicationRequest" || t == "MedicationStatement" || t == "Observation" ||
                    t == "Procedure" || t == "Device" || t == "DeviceUseStatement" ||
                    t == "Medication";
  if (!read) {
    ++ignored_counts_[t];
    return;
  }
  ++read_counts_[t];
  if (t != "Patient" && t != "Medication" && belongs_to_other_patient(r)) {
    if (other_patient_count_++ == 0) other_patient_first_ = r.path;
    return;
  }
  if (t == "Patient")
    map_patient(r);
  else if (t == "Condition")
    map_condition(r);
  else if (t == "AllergyIntolerance")
    map_allergy(r);
  else if (t == "MedicationRequest")
    map_medication(r, true);
  else if (t == "MedicationStatement")
    map_medication(r, false);
  else if (t == "Observation")
    map_observation(r);
  else if (t == "Procedure")
    map_procedure(r);
  else if (t == "DeviceUseStatement")
    map_device_use(r);
  // Device: after the DeviceUseStatements (see run); Medication: read through references.
}

// --- decisions at the end ------------------------------------------------------------------

void mapper::finish_medications() {
  // Per ingredient word, in order of first appearance.
  std::vector<medication_code> words;
  for (const auto& c : meds_)
    if (std::find(words.begin(), words.end(), c.word) == words.end()) words.push_back(c.word);
  const auto note_of = [](const med_candidate& c) {
    match_result m;
    m.system = c.system;
    m.code = c.code;
    m.display = c.display;
    m.how = c.how;
    return m;
  };
  for (medication_code w : words) {
    const std::string_view word = to_string(w);
    std::vector<const med_candidate*> all;
    for (const auto& c : meds_)
      if (c.word == w) all.push_back(&c);
    // Notes for records that are not facts at all.
    std::vector<const med_candidate*> live;
    for (const med_candidate* c : all) {
      resource_info r;
      r.source = c->source;
      if (c->state == med_state::error) {
        add_note(r, word, note_of(*c), "entered in error: ignored");
      } else if (c->state == med_state::not_taken) {
        add_note(r, word, note_of(*c),
                 "status " + c->status + ": not taken (not a denial of the class)");
      } else {
        live.push_back(c);
      }
    }
    if (live.empty()) continue;
    // The latest record decides whether the medicine is current (ties: the later one).
    const med_candidate* latest = live.front();
    for (const med_candidate* c : live) {
      const auto a = c->record_date;
      const auto b = latest->record_date;
      if (!b || (a && !before(*a, *b))) latest = c;
    }
    // Historical items: every ended record with a known stop date.
    for (const med_candidate* c : live) {
      if (c->state != med_state::ended) continue;
      resource_info r;
      r.source = c->source;
      if (!c->stop) {
        if (c != latest) {
          add_note(r, word, note_of(*c), "status " + c->status + ", stop date unknown: left out");
          continue;
        }
        const medication_class_set classes = classes_of(w);
        if (classes.overlaps(
                {medication_class::oral_retinoid, medication_class::topical_retinoid})) {
          out_.questions.push_back(
              {c->source, question_for(w), str(word),
               capitalised(word) + " is recorded as " + c->status +
                   (c->start ? " (started " + to_string(*c->start) + ")" : std::string()) +
                   " with no stop date (" + c->source + "): when was the last dose?"});
          warn("fhir.stale_record", c->path,
               c->source + ": " + str(word) + " " + c->status +
                   " on an unknown date; a wash-out needs the stop date: asked as a question");
        } else {
          add_note(r, word, note_of(*c),
                   "status " + c->status + ", stop date unknown: not current, left out");
        }
        continue;
      }
      medication m;
      m.code = w;
      m.route = c->route_value;
      m.start = c->start;
      m.stop = c->stop;
      m.source = c->source;
      out_.record.medications.push_back(std::move(m));
      std::string note = c->note.empty() ? "" : c->note + "; ";
      add_mapping(r, "$.medications[" + std::to_string(out_.record.medications.size() - 1) + "]",
                  word, note_of(*c), note + "status " + c->status);
    }
    if (latest->state == med_state::ended) {
      for (const med_candidate* c : live)
        if (c->state == med_state::current || c->state == med_state::uncertain) {
          resource_info r;
          r.source = c->source;
          add_note(r, word, note_of(*c),
                   "status " + c->status + " but superseded by a later stop (" + latest->source +
                       "): not current");
        }
      continue;
    }
    resource_info latest_r;
    latest_r.source = latest->source;
    if (latest->state == med_state::uncertain) {
      out_.questions.push_back({latest->source, question_for(w), str(word),
                                capitalised(word) + " is recorded as " + latest->status + " (" +
                                    latest->source + "): is it taken now?"});
      warn("fhir.uncertain_status", latest->path,
           latest->source + ": " + str(word) + " has status " + latest->status +
               ": not taken as a fact; asked as a question");
      continue;
    }
    // Current: the first start among the current records, unless the record is stale.
    std::optional<date> first_start;
    std::optional<date> last_evidence;
    for (const med_candidate* c : live) {
      if (c->state != med_state::current) continue;
      if (c->start && (!first_start || before(*c->start, *first_start))) first_start = c->start;
      last_evidence = later(last_evidence, c->evidence_date);
    }
    if (options_.as_of && last_evidence &&
        days_from(*last_evidence, *options_.as_of) > options_.stale_prescription_days) {
      const std::string since = first_start ? to_string(*first_start) : "an unknown date";
      out_.questions.push_back({latest->source, question_for(w), str(word),
                                capitalised(word) + " is recorded as active since " + since +
                                    " (last recorded " + to_string(*last_evidence) + ", " +
                                    latest->source + "): is it still taken?"});
      warn("fhir.stale_record", latest->path,
           latest->source + ": " + str(word) + " reported active since " + since +
               ", last recorded " + to_string(*last_evidence) + ", more than " +
               std::to_string(options_.stale_prescription_days) + " days before " +
               to_string(*options_.as_of) + ": not taken as a fact; confirm");
      continue;
    }
    if (!last_evidence && options_.as_of)
      warn("fhir.missing_date", latest->path,
           latest->source + ": " + str(word) + " is active with no date: taken as current");
    medication m;
    m.code = w;
    m.route = latest->route_value;
    m.start = first_start;
    m.source = latest->source;
    out_.record.medications.push_back(std::move(m));
    std::string note = latest->note.empty() ? "" : latest->note + "; ";
    std::size_t others = 0;
    for (const med_candidate* c : live)
      if (c->state == med_state::current && c != latest) ++others;
    if (others > 0) note += std::to_string(others) + " earlier active record(s) merged; ";
    add_mapping(latest_r,
                "$.medications[" + std::to_string(out_.record.medications.size() - 1) + "]", word,
                note_of(*latest), note + "status active");
  }
}

void mapper::finish_pregnancy() {
  if (pregnancy_.empty()) return;
  const auto& as_of = options_.as_of;
  std::vector<const pregnancy_evidence*> fresh;
  const pregnancy_evidence* stale_latest = nullptr;
  std::size_t stale_count = 0;
  for (const auto& e : pregnancy_) {
    resource_info r;
    r.source = e.source;
    match_result m;
    m.system = e.system;
    m.code = e.code;
    m.display = e.display;
    m.how = e.how;
    if (e.value == known::no) {
      // A "not pregnant" record says little about today unless it is very recent.
      if (as_of && e.when && days_from(*e.when, *as_of) >= 0 &&
          days_from(*e.when, *as_of) <= options_.pregnancy_negative_max_age_days) {
        fresh.push_back(&e);
      } else {
        add_note(r, "not_pregnant", m,
                 "\"not pregnant\" recorded " + (e.when ? to_string(*e.when) : "undated") +
                     ": too old (or no screening date) to answer the question today");
      }
      continue;
    }
    if (as_of && e.when && days_from(*e.when, *as_of) > options_.stale_pregnancy_days) {
      ++stale_count;
      if (!stale_latest || before(*stale_latest->when, *e.when)) stale_latest = &e;
      continue;
    }
    if (as_of && !e.when)
      warn("fhir.missing_date", e.path,
           e.source + ": an active pregnancy with no date: taken as current");
    fresh.push_back(&e);
  }
  if (stale_latest) {
    out_.questions.push_back(
        {stale_latest->source, question::pregnancy, "pregnancy",
         "Pregnancy is recorded as active since " + to_string(*stale_latest->when) + " (" +
             stale_latest->source +
             (stale_count > 1 ? " and " + std::to_string(stale_count - 1) + " older record(s)"
                              : std::string()) +
             "): is the patient pregnant now?"});
    warn("fhir.stale_record", stale_latest->path,
         stale_latest->source + ": pregnancy reported active since " +
             to_string(*stale_latest->when) + ", more than " +
             std::to_string(options_.stale_pregnancy_days) + " days before " + to_string(*as_of) +
             ": not taken as a fact; confirm");
  }
  if (fresh.empty()) return;
  // The latest fresh record decides; a tie goes to "pregnant" (the cautious answer).
  const pregnancy_evidence* decider = fresh.front();
  for (const pregnancy_evidence* e : fresh) {
    if (!decider->when) break;
    if (!e->when) {
      if (e->value == known::yes) decider = e;
      continue;
    }
    if (before(*decider->when, *e->when) || (*decider->when == *e->when && e->value == known::yes))
      decider = e;
  }
  auto& p = out_.record.patient;
  for (const pregnancy_evidence* e : fresh) {
    resource_info r;
    r.source = e->source;
    match_result m;
    m.system = e->system;
    m.code = e->code;
    m.display = e->display;
    m.how = e->how;
    if (decider->value == known::yes && e->value == known::yes && e->from_condition) {
      out_.record.conditions.push_back(e->item);
      add_mapping(r, "$.conditions[" + std::to_string(out_.record.conditions.size() - 1) + "]",
                  "pregnancy", m,
                  "active pregnancy" + (e->when ? " since " + to_string(*e->when) : std::string()));
    } else if (e != decider) {
      add_note(r, e->value == known::yes ? "pregnancy" : "not_pregnant", m,
               "superseded by a later record (" + decider->source + ")");
    }
  }
  resource_info r;
  r.source = decider->source;
  match_result m;
  m.system = decider->system;
  m.code = decider->code;
  m.display = decider->display;
  m.how = decider->how;
  p.pregnant = decider->value;
  add_mapping(r, "$.patient.pregnant", decider->value == known::yes ? "yes" : "no", m,
              decider->when ? "recorded " + to_string(*decider->when) : "undated");
}

void mapper::finish_smoking() {
  const smoking_evidence* latest = nullptr;
  for (const auto& e : smoking_) {
    if (options_.as_of && before(*options_.as_of, e.when)) continue;
    if (!latest || !before(e.when, latest->when)) latest = &e;
  }
  if (!latest) return;
  out_.record.patient.smoker = latest->value;
  resource_info r;
  r.source = latest->source;
  match_result m;
  m.system = latest->system;
  m.code = latest->code;
  m.display = latest->display;
  add_mapping(r, "$.patient.smoker", latest->value == known::yes ? "yes" : "no", m,
              "latest smoking status, " + to_string(latest->when) + " (of " +
                  std::to_string(smoking_.size()) + ")");
}

void mapper::finish_unmapped() {
  for (const auto& e : unmapped_) {
    std::string what;
    if (!e.code.empty()) {
      what = str(system_label(e.system)) + " " + shorten(e.code);
      if (!e.display.empty()) what += " " + quote(e.display);
      what += " (system " + (e.system.empty() ? std::string("absent") : shorten(e.system)) + ")";
    } else if (!e.display.empty()) {
      what = "coding without a code, display " + quote(e.display) + " (system " +
             (e.system.empty() ? std::string("absent") : shorten(e.system)) + ")";
    } else {
      what = "text " + quote(e.text) + " (no coding)";
    }
    const std::string count = std::to_string(e.count) +
                              (e.count == 1 ? " resource" : " resources") +
                              (e.count == 1 ? ": " : ", first: ") + e.first_source;
    if (e.ignored)
      warn("fhir.not_mapped", e.first_path,
           e.element + " " + what + " is deliberately not mapped: " + e.note + " (" + count + ")");
    else
      warn("fhir.unmapped_code", e.first_path,
           e.element + " " + what + " is not in the terminology tables: not used for screening (" +
               count + ")");
  }
}

void mapper::run(const std::vector<source_resource>& resources) {
  index(resources);
  select_patient();
  // The patient first (its birth date is needed for onsetAge), then everything in document
  // order; Devices after the DeviceUseStatements that may point at them.
  if (patient_) map_resource(resources_[*patient_]);
  for (std::size_t i = 0; i < resources_.size(); ++i) {
    if (patient_ && i == *patient_) continue;
    if (resources_[i].type == "Device") continue;
    map_resource(resources_[i]);
  }
  for (std::size_t i = 0; i < resources_.size(); ++i) {
    const resource_info& r = resources_[i];
    if (r.type != "Device") continue;
    ++read_counts_[r.type];
    if (device_used_[i]) continue;
    if (belongs_to_other_patient(r)) {
      if (other_patient_count_++ == 0) other_patient_first_ = r.path;
      continue;
    }
    if (const auto status = get_string(*r.object, "status", r.path);
        status && *status != "active") {
      add_note(r, "device", {}, "Device status " + str(*status) + ": not in use now");
      continue;
    }
    map_device(r, *r.object, r.path, {}, r);
  }
  finish_medications();
  finish_pregnancy();
  finish_smoking();
  finish_unmapped();
  if (other_patient_count_ > 0)
    warn("fhir.other_patient", other_patient_first_,
         std::to_string(other_patient_count_) +
             " resource(s) belong to another patient of the document and were not read");
  if (!options_.as_of)
    warn("fhir.no_as_of_date", "$",
         "no screening date was given: stale-record checks were skipped and every \"active\" "
         "record was taken at its word");
  for (const auto& [type, n] : read_counts_) out_.resources_read.emplace_back(type, n);
  for (const auto& [type, n] : ignored_counts_) out_.resources_ignored.emplace_back(type, n);
}

void collect(const json::object& o, const std::string& path, const std::string& full_url,
             std::vector<source_resource>& out, std::vector<diagnostic>& diags, int depth,
             bool root) {
  const json::value* type = member(o, "resourceType");
  if (!type || !type->is_string()) {
    diags.push_back({root ? severity::fatal : severity::error,
                     root ? "fhir.not_a_resource" : "fhir.malformed_resource", path,
                     root ? "the document is not a FHIR resource (no resourceType)"
                          : "the resource has no resourceType; skipped"});
    return;
  }
  if (std::string_view(type->get_string()) != "Bundle" || depth > 3) {
    out.push_back({&o, path, full_url});
    return;
  }
  const json::value* entries = member(o, "entry");
  if (!entries || entries->is_null()) return;
  if (!entries->is_array()) {
    diags.push_back({severity::error, "fhir.malformed_resource", path + ".entry",
                     "Bundle.entry must be an array; nothing read from it"});
    return;
  }
  const json::array& list = entries->get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string ep = path + ".entry[" + std::to_string(i) + "]";
    if (!list[i].is_object()) {
      diags.push_back({severity::error, "fhir.malformed_resource", ep,
                       "a Bundle entry must be an object; skipped"});
      continue;
    }
    const json::object& entry = list[i].get_object();
    std::string url;
    if (const json::value* u = member(entry, "fullUrl")) {
      if (u->is_string())
        url = std::string(u->get_string());
      else
        diags.push_back({severity::error, "fhir.malformed_field", ep + ".fullUrl",
                         "fullUrl must be a string; ignored"});
    }
    const json::value* resource = member(entry, "resource");
    if (!resource || resource->is_null()) continue;  // e.g. a batch-response entry
    if (!resource->is_object()) {
      diags.push_back({severity::error, "fhir.malformed_resource", ep + ".resource",
                       "the entry's resource must be an object; skipped"});
      continue;
    }
    collect(resource->get_object(), ep + ".resource", url, out, diags, depth + 1, false);
  }
}

}  // namespace

std::string reference_key(std::string_view reference) {
  if (reference.empty() || reference.front() == '#') return {};
  if (reference.rfind("urn:", 0) == 0) return std::string(reference);
  std::string_view r = reference;
  if (const auto h = r.find("/_history/"); h != std::string_view::npos) r = r.substr(0, h);
  const auto last = r.rfind('/');
  if (last == std::string_view::npos || last == 0) return std::string(r);
  const auto prev = r.rfind('/', last - 1);
  return std::string(prev == std::string_view::npos ? r : r.substr(prev + 1));
}

std::optional<std::string> patient_reference(const boost::json::object& resource) {
  for (std::string_view key : {"subject", "patient"}) {
    const json::value* v = member(resource, key);
    if (!v || !v->is_object()) continue;
    const json::value* ref = member(v->get_object(), "reference");
    if (ref && ref->is_string()) return std::string(ref->get_string());
  }
  return std::nullopt;
}

std::optional<boost::json::value> parse_json(std::string_view text, const fhir_options& options,
                                             std::vector<diagnostic>& diagnostics,
                                             std::string_view where,
                                             boost::json::storage_ptr storage) {
  const std::string path = where.empty() ? std::string("$") : std::string(where) + ":$";
  if (text.size() > options.max_bytes) {
    diagnostics.push_back({severity::fatal, "fhir.too_large", path,
                           "the document is " + std::to_string(text.size()) +
                               " bytes, over the limit of " + std::to_string(options.max_bytes)});
    return std::nullopt;
  }
  json::parse_options po;
  po.max_depth = options.max_depth;
  json::stream_parser parser({}, po);
  parser.reset(std::move(storage));
  boost::system::error_code ec;
  const std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    std::size_t line = 1;
    std::size_t column = 1;
    const std::size_t at = std::min(used, text.size());
    for (std::size_t i = 0; i < at; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    diagnostics.push_back({severity::fatal, "fhir.malformed_json", path,
                           "not valid JSON at line " + std::to_string(line) + ", column " +
                               std::to_string(column) + ": " + ec.message()});
    return std::nullopt;
  }
  return parser.release();
}

parse_result<fhir_intake> map_resources(const terminology& terms, const fhir_options& options,
                                        const std::vector<source_resource>& resources,
                                        std::vector<diagnostic> diagnostics) {
  mapper m(terms, options, diagnostics);
  m.run(resources);
  parse_result<fhir_intake> out;
  out.value = m.take();
  out.diagnostics = std::move(diagnostics);
  return out;
}

namespace {

parse_result<fhir_intake> read_object(const terminology& terms, const json::object& document,
                                      const fhir_options& options, std::vector<diagnostic> diags) {
  std::vector<source_resource> resources;
  collect(document, "$", "", resources, diags, 0, true);
  if (has_errors(diags) && std::any_of(diags.begin(), diags.end(), [](const diagnostic& d) {
        return d.severity == severity::fatal;
      }))
    return {{}, std::move(diags)};
  return map_resources(terms, options, resources, std::move(diags));
}

}  // namespace

parse_result<fhir_intake> read_document(const terminology& terms, std::string_view text,
                                        const fhir_options& options) {
  std::vector<diagnostic> diags;
  // The tree lives only while it is mapped: one arena, freed at once.
  json::monotonic_resource arena;
  auto doc = parse_json(text, options, diags, {}, json::storage_ptr(&arena));
  if (!doc) return {{}, std::move(diags)};
  if (!doc->is_object()) {
    diags.push_back({severity::fatal, "fhir.not_a_resource", "$",
                     "the document is not a JSON object (a FHIR resource or Bundle)"});
    return {{}, std::move(diags)};
  }
  return read_object(terms, doc->get_object(), options, std::move(diags));
}

parse_result<fhir_intake> read_object(const terminology& terms, const json::object& document,
                                      const fhir_options& options) {
  return read_object(terms, document, options, {});
}

}  // namespace fhir_detail

// --- public API ----------------------------------------------------------------------------

std::shared_ptr<const fhir_reader::impl> fhir_reader::make_embedded() {
  auto p = std::make_shared<impl>();
  std::vector<diagnostic> diags;
  for (const auto& f : fhir_detail::embedded_tables()) p->terms.add_file(f.name, f.text, diags);
  p->terms.finish();
  // The embedded tables are checked by the tests; a broken row here is a build defect.
  if (has_errors(diags))
    throw error("mnscreen: embedded terminology table: " + format(diags.front()));
  return p;
}

fhir_reader::fhir_reader() : impl_(make_embedded()) {}
fhir_reader::fhir_reader(const fhir_reader&) = default;
fhir_reader::fhir_reader(fhir_reader&&) noexcept = default;
fhir_reader& fhir_reader::operator=(const fhir_reader&) = default;
fhir_reader& fhir_reader::operator=(fhir_reader&&) noexcept = default;
fhir_reader::~fhir_reader() = default;

parse_result<fhir_reader> fhir_reader::from_directory(const std::filesystem::path& directory) {
  parse_result<fhir_reader> out;
  auto p = std::make_shared<impl>();
  for (const auto& f : fhir_detail::embedded_tables()) {
    const std::filesystem::path file = directory / std::string(f.name);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
      out.diagnostics.push_back({severity::fatal, "fhir.table_missing", file.string(),
                                 "the terminology table is missing"});
      continue;
    }
    std::string text;
    {
      std::FILE* fp = std::fopen(file.string().c_str(), "rb");
      if (!fp) {
        out.diagnostics.push_back({severity::fatal, "fhir.table_missing", file.string(),
                                   "the terminology table cannot be opened"});
        continue;
      }
      char buf[65536];
      std::size_t n = 0;
      while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) text.append(buf, n);
      std::fclose(fp);
    }
    p->terms.add_file(f.name, text, out.diagnostics);
  }
  p->terms.finish();
  out.value.impl_ = std::move(p);
  return out;
}

parse_result<fhir_intake> fhir_reader::read(std::string_view json,
                                            const fhir_options& options) const {
  return fhir_detail::read_document(impl_->terms, json, options);
}

std::size_t fhir_reader::table_rows() const noexcept { return impl_->terms.size(); }

parse_result<fhir_intake> read_fhir(std::string_view json, const fhir_options& options) {
  return fhir_reader{}.read(json, options);
}

fhir_options make_fhir_options(const policy& p, date as_of) {
  fhir_options o;
  o.as_of = as_of;
  o.stale_pregnancy_days = p.stale_pregnancy_days;
  o.stale_prescription_days = p.stale_prescription_days;
  return o;
}

std::string_view to_string(fhir_match m) noexcept {
  return m == fhir_match::code ? "code" : "name";
}

}  // namespace mnscreen
