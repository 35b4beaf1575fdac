// SPDX-License-Identifier: Apache-2.0
// Over 600 lines on purpose: one table format, whose parser and lookup share the system aliases.
// Parsing and lookup of the FHIR reader's terminology tables. The CSV dialect: a header line
// naming the columns, `#` comment lines, fields separated by commas, double-quoted when they
// hold a comma or a quote (a quote inside is doubled).
#include "fhir/terminology.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <utility>

namespace mnscreen::fhir_detail {

namespace {

struct system_alias {
  std::string_view alias;
  std::string_view canonical;
};

constexpr std::string_view k_rxnorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
constexpr std::string_view k_snomed = "http://snomed.info/sct";
constexpr std::string_view k_loinc = "http://loinc.org";
constexpr std::string_view k_icd10cm = "http://hl7.org/fhir/sid/icd-10-cm";
constexpr std::string_view k_icd10 = "http://hl7.org/fhir/sid/icd-10";
constexpr std::string_view k_atc = "http://www.whocc.no/atc";
constexpr std::string_view k_cpt = "http://www.ama-assn.org/go/cpt";
constexpr std::string_view k_hcpcs = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";

// OIDs and common spellings seen in real records, mapped to the canonical FHIR URIs.
constexpr system_alias k_aliases[] = {
    {"urn:oid:2.16.840.1.113883.6.88", k_rxnorm},
    {"http://www.nlm.nih.gov/research/umls/rxnorm/", k_rxnorm},
    {"urn:oid:2.16.840.1.113883.6.96", k_snomed},
    {"http://snomed.info/sct/", k_snomed},
    {"urn:oid:2.16.840.1.113883.6.1", k_loinc},
    {"http://loinc.org/", k_loinc},
    {"urn:oid:2.16.840.1.113883.6.90", k_icd10cm},
    {"urn:oid:2.16.840.1.113883.6.3", k_icd10},
    {"urn:oid:2.16.840.1.113883.6.73", k_atc},
    {"http://www.whocc.no/atc/", k_atc},
    {"urn:oid:2.16.840.1.113883.6.12", k_cpt},
    {"http://www.ama-assn.org/go/cpt/", k_cpt},
    {"urn:oid:2.16.840.1.113883.6.285", k_hcpcs},
    {"http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", k_hcpcs},
    {"https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets/", k_hcpcs},
    {"http://www.nlm.nih.gov/research/umls/hcpcs", k_hcpcs},
};

std::string_view table_system(std::string_view file) noexcept {
  if (file == "rxnorm.csv" || file == "rxnorm_products.csv") return k_rxnorm;
  if (file == "snomed.csv") return k_snomed;
  if (file == "loinc.csv") return k_loinc;
  if (file == "icd10cm.csv") return k_icd10cm;
  if (file == "atc.csv") return k_atc;
  if (file == "cpt.csv") return k_cpt;
  if (file == "hcpcs.csv") return k_hcpcs;
  return {};
}

/// Splits CSV text into records of fields; `lines[i]` is the 1-based line of record i.
struct csv_records {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;
};

csv_records parse_csv(std::string_view text, std::vector<std::string>& problems) {
  csv_records out;
  std::size_t i = 0;
  std::size_t line = 1;
  while (i < text.size()) {
    const std::size_t record_line = line;
    // Comment and blank lines.
    if (text[i] == '#' || text[i] == '\n' || text[i] == '\r') {
      while (i < text.size() && text[i] != '\n') ++i;
      if (i < text.size()) ++i;
      ++line;
      continue;
    }
    std::vector<std::string> fields;
    std::string field;
    bool in_quotes = false;
    bool done = false;
    while (!done) {
      if (i >= text.size()) {
        if (in_quotes)
          problems.push_back("line " + std::to_string(record_line) + ": unterminated quoted field");
        fields.push_back(std::move(field));
        field.clear();
        done = true;
        break;
      }
      const char c = text[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
          } else {
            in_quotes = false;
            ++i;
          }
        } else {
          if (c == '\n') ++line;
          field.push_back(c);
          ++i;
        }
      } else if (c == '"' && field.empty()) {
        in_quotes = true;
        ++i;
      } else if (c == ',') {
        fields.push_back(std::move(field));
        field.clear();
        ++i;
      } else if (c == '\r') {
        ++i;
      } else if (c == '\n') {
        fields.push_back(std::move(field));
        field.clear();
        ++i;
        ++line;
        done = true;
      } else {
        field.push_back(c);
        ++i;
      }
    }
    out.rows.push_back(std::move(fields));
    out.lines.push_back(record_line);
  }
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  out.reserve(static_cast<std::size_t>(std::count(s.begin(), s.end(), sep)) + 1);
  std::size_t start = 0;
  while (true) {
    const std::size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string_view::npos ? s.size() - start : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<row_kind> parse_kind(std::string_view s) noexcept {
  static constexpr std::pair<std::string_view, row_kind> k_kinds[] = {
      {"condition", row_kind::condition},
      {"medication", row_kind::medication},
      {"allergy", row_kind::allergy},
      {"device", row_kind::device},
      {"procedure", row_kind::procedure},
      {"lab", row_kind::lab},
      {"observation", row_kind::observation},
      {"answer", row_kind::answer},
      {"denial", row_kind::denial},
      {"body_site", row_kind::body_site},
      {"route", row_kind::route},
      {"severity", row_kind::severity},
      {"ignore", row_kind::ignore}};
  for (const auto& [name, kind] : k_kinds)
    if (name == s) return kind;
  return std::nullopt;
}

std::optional<std::vector<area>> parse_areas(std::string_view words) {
  std::vector<area> out;
  area_set seen;
  for (std::string_view w : split(words, '+')) {
    const auto set = parse_area_group(trim(w));
    if (!set) return std::nullopt;
    for (area a : set->to_vector())
      if (!seen.contains(a)) {
        seen.insert(a);
        out.push_back(a);
      }
  }
  return out;
}

std::optional<status_topic> parse_topic(std::string_view s) noexcept {
  if (s == "pregnancy") return status_topic::pregnancy;
  if (s == "smoking") return status_topic::smoking;
  if (s == "breastfeeding") return status_topic::breastfeeding;
  return std::nullopt;
}

/// Fills the typed target of `row` from its word; an error message on failure.
std::optional<std::string> parse_word(table_row& row) {
  const std::string_view w = row.word;
  const auto bad = [&](std::string_view what) {
    return std::optional<std::string>("\"" + row.word + "\" is not " + std::string(what));
  };
  switch (row.kind) {
    case row_kind::condition:
      row.condition = parse_code<condition_code>(w);
      if (!row.condition) return bad("a condition word");
      return std::nullopt;
    case row_kind::medication:
      for (std::string_view part : split(w, '+')) {
        const auto m = parse_code<medication_code>(trim(part));
        if (!m) return bad("a medication word (or words joined by +)");
        row.medications.push_back(*m);
      }
      return std::nullopt;
    case row_kind::allergy:
      row.allergy = parse_code<allergy_substance>(w);
      if (!row.allergy) return bad("an allergy substance word");
      return std::nullopt;
    case row_kind::device:
      row.device = parse_code<device_code>(w);
      if (!row.device) return bad("a device word");
      return std::nullopt;
    case row_kind::procedure:
      row.procedure = parse_code<procedure_code>(w);
      if (!row.procedure) return bad("a procedure word");
      return std::nullopt;
    case row_kind::lab:
      row.lab = parse_code<lab_code>(w);
      if (!row.lab) return bad("a lab word");
      return std::nullopt;
    case row_kind::observation: {
      const auto t = parse_topic(w);
      if (!t) return bad("pregnancy, smoking or breastfeeding");
      row.topic = *t;
      return std::nullopt;
    }
    case row_kind::answer: {
      const auto eq = w.find('=');
      const auto t = parse_topic(w.substr(0, eq));
      const std::string_view v = eq == std::string_view::npos ? "" : w.substr(eq + 1);
      if (!t || (v != "yes" && v != "no" && v != "unknown"))
        return bad("an answer such as pregnancy=yes, smoking=no, pregnancy=unknown");
      row.topic = *t;
      row.answer = v == "yes" ? known::yes : v == "no" ? known::no : known::unknown;
      return std::nullopt;
    }
    case row_kind::denial:
      for (std::string_view part : split(w, '+')) {
        const auto n = parse_negative(trim(part));
        if (!n) return bad("a negatives word (or words joined by +)");
        row.denials.push_back(*n);
      }
      return std::nullopt;
    case row_kind::body_site: {
      auto areas = parse_areas(w);
      if (!areas) return bad("an area or group word (or words joined by +)");
      row.areas = std::move(*areas);
      return std::nullopt;
    }
    case row_kind::route:
      row.route_value = parse_code<enum route>(w);
      if (!row.route_value) return bad("a route word");
      return std::nullopt;
    case row_kind::severity:
      row.severity = parse_code<condition_severity>(w);
      if (!row.severity) return bad("a condition severity word");
      return std::nullopt;
    case row_kind::ignore:
      if (w != "-") return bad("\"-\" (ignore rows map to nothing)");
      return std::nullopt;
  }
  return bad("readable");
}

/// Parses the detail column: `key=value` words, then `note=` and free text to the end.
std::optional<std::string> parse_detail(table_row& row, std::string_view detail) {
  const std::size_t note_at = detail.find("note=");
  if (note_at != std::string_view::npos) {
    row.note = std::string(trim(detail.substr(note_at + 5)));
    detail = detail.substr(0, note_at);
  }
  for (std::string_view item : split(trim(detail), ' ')) {
    item = trim(item);
    if (item.empty()) continue;
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      return "detail \"" + std::string(item) + "\" is not key=value";
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    if (key == "sites" || key == "areas") {
      auto areas = parse_areas(value);
      if (!areas) return "\"" + std::string(value) + "\" is not an area or group word";
      row.areas = std::move(*areas);
    } else if (key == "route") {
      row.route_value = parse_code<enum route>(value);
      if (!row.route_value) return "\"" + std::string(value) + "\" is not a route word";
    } else if (key == "depth") {
      row.depth = parse_code<peel_depth>(value);
      if (!row.depth) return "\"" + std::string(value) + "\" is not a peel depth";
    } else if (key == "severity") {
      row.severity = parse_code<condition_severity>(value);
      if (!row.severity) return "\"" + std::string(value) + "\" is not a severity";
    } else if (key == "form") {
      if (value != "ingredient" && value != "product" && value != "class" && value != "brand" &&
          value != "precise_ingredient" && value != "substance" && value != "finding" &&
          value != "disorder" && value != "situation")
        return "form \"" + std::string(value) + "\" is not a known form";
      row.form = std::string(value);
    } else {
      return "unknown detail key \"" + std::string(key) + "\"";
    }
  }
  return std::nullopt;
}

bool expect_header(const std::vector<std::string>& got,
                   std::initializer_list<std::string_view> want) {
  if (got.size() != want.size()) return false;
  std::size_t i = 0;
  for (std::string_view w : want)
    if (trim(got[i++]) != w) return false;
  return true;
}

void table_error(std::vector<diagnostic>& diags, std::string_view file, std::size_t line,
                 std::string message) {
  diags.push_back({severity::error, "fhir.table_row",
                   std::string(file) + ":" + std::to_string(line), std::move(message)});
}

std::optional<double> parse_double(std::string_view s) noexcept {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  double v = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string_view to_string(row_kind k) noexcept {
  switch (k) {
    case row_kind::condition:
      return "condition";
    case row_kind::medication:
      return "medication";
    case row_kind::allergy:
      return "allergy";
    case row_kind::device:
      return "device";
    case row_kind::procedure:
      return "procedure";
    case row_kind::lab:
      return "lab";
    case row_kind::observation:
      return "observation";
    case row_kind::answer:
      return "answer";
    case row_kind::denial:
      return "denial";
    case row_kind::body_site:
      return "body_site";
    case row_kind::route:
      return "route";
    case row_kind::severity:
      return "severity";
    case row_kind::ignore:
      return "ignore";
  }
  return "?";
}

std::string normalise_name(std::string_view text) {
  // The name is never longer than the text (a space is written only for a run of other
  // characters before a letter or digit): written through a pointer into a string of the
  // text's size, then cut, without push_back's capacity check per character.
  std::string out(text.size(), ' ');
  char* const begin = out.data();
  char* p = begin;
  bool space = false;
  for (char ch : text) {
    // ASCII letters and digits, lowered (what isalnum and tolower of the "C" locale give below
    // 128), without a library call per character.
    const auto u = static_cast<unsigned char>(ch);
    const bool digit = u >= '0' && u <= '9';
    const bool lower = u >= 'a' && u <= 'z';
    const bool upper = u >= 'A' && u <= 'Z';
    if (digit || lower || upper) {
      if (space && p != begin) *p++ = ' ';
      space = false;
      *p++ = upper ? static_cast<char>(u - 'A' + 'a') : static_cast<char>(u);
    } else {
      space = true;
    }
  }
  out.resize(static_cast<std::size_t>(p - begin));
  return out;
}

std::string_view canonical_system(std::string_view system) noexcept {
  for (const auto& a : k_aliases)
    if (a.alias == system) return a.canonical;
  return system;
}

std::string_view system_label(std::string_view system) noexcept {
  const std::string_view s = canonical_system(system);
  if (s == k_rxnorm) return "RxNorm";
  if (s == k_snomed) return "SNOMED CT";
  if (s == k_loinc) return "LOINC";
  if (s == k_icd10cm) return "ICD-10-CM";
  if (s == k_icd10) return "ICD-10";
  if (s == k_atc) return "ATC";
  if (s == k_cpt) return "CPT";
  if (s == k_hcpcs) return "HCPCS";
  return system;
}

void terminology::add_file(std::string_view name, std::string_view text,
                           std::vector<diagnostic>& diags) {
  std::vector<std::string> problems;
  const csv_records csv = parse_csv(text, problems);
  for (auto& p : problems)
    diags.push_back({severity::error, "fhir.table_row", std::string(name), std::move(p)});
  if (csv.rows.empty()) {
    diags.push_back({severity::error, "fhir.table_row", std::string(name), "the table is empty"});
    return;
  }
  const auto& header = csv.rows.front();
  const std::string_view system = table_system(name);

  if (name == "units.csv") {
    if (!expect_header(header, {"lab", "unit", "factor", "offset", "note"})) {
      table_error(diags, name, csv.lines.front(), "header must be lab,unit,factor,offset,note");
      return;
    }
    for (std::size_t r = 1; r < csv.rows.size(); ++r) {
      const auto& f = csv.rows[r];
      if (f.size() != 5) {
        table_error(diags, name, csv.lines[r],
                    "expected 5 fields, found " + std::to_string(f.size()));
        continue;
      }
      const auto lab = parse_code<lab_code>(trim(f[0]));
      const auto factor = parse_double(f[2]);
      const auto offset = parse_double(f[3]);
      if (!lab || !factor || !offset) {
        table_error(diags, name, csv.lines[r], "lab must be a lab word and factor/offset numbers");
        continue;
      }
      units_.push_back({*lab, std::string(trim(f[1])), *factor, *offset});
    }
    return;
  }

  if (name == "names.csv") {
    if (!expect_header(header, {"kind", "name", "word", "detail"})) {
      table_error(diags, name, csv.lines.front(), "header must be kind,name,word,detail");
      return;
    }
    for (std::size_t r = 1; r < csv.rows.size(); ++r) {
      const auto& f = csv.rows[r];
      const std::string origin = std::string(name) + ":" + std::to_string(csv.lines[r]);
      if (f.size() != 4) {
        table_error(diags, name, csv.lines[r],
                    "expected 4 fields, found " + std::to_string(f.size()));
        continue;
      }
      table_row row;
      const auto kind = parse_kind(trim(f[0]));
      if (!kind) {
        table_error(diags, name, csv.lines[r], "unknown kind \"" + f[0] + "\"");
        continue;
      }
      row.kind = *kind;
      row.display = std::string(trim(f[1]));
      row.word = std::string(trim(f[2]));
      row.origin = origin;
      if (auto e = parse_word(row)) {
        table_error(diags, name, csv.lines[r], *e);
        continue;
      }
      if (auto e = parse_detail(row, f[3])) {
        table_error(diags, name, csv.lines[r], *e);
        continue;
      }
      if (normalise_name(row.display).empty()) {
        table_error(diags, name, csv.lines[r], "the name is empty");
        continue;
      }
      name_rows_.push_back(rows_.size());
      rows_.push_back(std::move(row));
    }
    return;
  }

  if (system.empty()) {
    diags.push_back({severity::error, "fhir.table_row", std::string(name),
                     "unknown table (expected rxnorm, snomed, loinc, icd10cm, atc, names or "
                     "units .csv)"});
    return;
  }
  if (!expect_header(header, {"code", "match", "kind", "word", "detail", "display", "source"})) {
    table_error(diags, name, csv.lines.front(),
                "header must be code,match,kind,word,detail,display,source");
    return;
  }
  for (std::size_t r = 1; r < csv.rows.size(); ++r) {
    const auto& f = csv.rows[r];
    if (f.size() != 7) {
      table_error(diags, name, csv.lines[r],
                  "expected 7 fields, found " + std::to_string(f.size()));
      continue;
    }
    table_row row;
    row.system = std::string(system);
    row.code = std::string(trim(f[0]));
    const std::string_view match = trim(f[1]);
    if (row.code.empty()) {
      table_error(diags, name, csv.lines[r], "the code is empty");
      continue;
    }
    if (match != "exact" && match != "prefix") {
      table_error(diags, name, csv.lines[r], "match must be exact or prefix");
      continue;
    }
    row.prefix = match == "prefix";
    const auto kind = parse_kind(trim(f[2]));
    if (!kind) {
      table_error(diags, name, csv.lines[r], "unknown kind \"" + f[2] + "\"");
      continue;
    }
    row.kind = *kind;
    row.word = std::string(trim(f[3]));
    row.display = std::string(trim(f[5]));
    row.source = std::string(trim(f[6]));
    row.origin = std::string(name) + ":" + std::to_string(csv.lines[r]);
    if (auto e = parse_word(row)) {
      table_error(diags, name, csv.lines[r], *e);
      continue;
    }
    if (auto e = parse_detail(row, f[4])) {
      table_error(diags, name, csv.lines[r], *e);
      continue;
    }
    if (row.source.empty()) {
      table_error(diags, name, csv.lines[r],
                  "the source column is empty (say where the code "
                  "was verified, or \"unverified\")");
      continue;
    }
    rows_.push_back(std::move(row));
  }
}

void terminology::finish() {
  exact_.clear();
  prefix_.clear();
  longest_prefix_ = 0;
  prefix_lengths_.clear();
  names_.clear();
  medication_names_.clear();
  medication_first_word_.clear();
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    const table_row& row = rows_[i];
    if (!row.system.empty()) {
      const std::string key = row.system + "|" + row.code;
      (row.prefix ? prefix_[key] : exact_[key]).push_back(i);
      if (row.prefix) {
        longest_prefix_ = std::max(longest_prefix_, row.code.size());
        const std::size_t n = row.code.size();
        prefix_lengths_[row.system] |= n < 64 ? std::uint64_t{1} << n : std::uint64_t{1};
      }
    }
    // Names for text-only matching: names.csv rows, and the displays of code rows of the kinds
    // matched by exact name (a medication display is a product name: medications are matched
    // by ingredient names inside the text instead).
    if (row.display.empty() || row.kind == row_kind::ignore) continue;
    if (row.kind == row_kind::medication) {
      if (row.system.empty()) {
        std::vector<std::string> tokens;
        // The normalised name must outlive the views that split() returns into it.
        const std::string name = normalise_name(row.display);
        for (std::string_view t : split(name, ' ')) tokens.emplace_back(t);
        medication_names_.emplace_back(std::move(tokens), i);
      }
      continue;
    }
    if (row.prefix) continue;
    names_[std::string(to_string(row.kind)) + "|" + normalise_name(row.display)].push_back(i);
  }
  for (std::size_t p = 0; p < medication_names_.size(); ++p)
    if (!medication_names_[p].first.empty())
      medication_first_word_[medication_names_[p].first.front()].push_back(p);
}

namespace {

// "head|tail" for the lookups, in a buffer on the stack when it fits (they run for every
// coding and name of every resource read), else on the heap.
class joined_key {
 public:
  joined_key(std::string_view head, std::string_view tail) : size_(head.size() + 1 + tail.size()) {
    char* p = small_.data();
    if (size_ > small_.size()) {
      large_.resize(size_);
      p = large_.data();
    }
    head.copy(p, head.size());
    p[head.size()] = '|';
    tail.copy(p + head.size() + 1, tail.size());
    data_ = p;
  }
  joined_key(const joined_key&) = delete;
  joined_key& operator=(const joined_key&) = delete;
  [[nodiscard]] std::string_view view() const noexcept { return {data_, size_}; }

 private:
  std::array<char, 192> small_;  // not zeroed: only the key's bytes are written and read
  std::string large_;
  std::size_t size_;
  const char* data_ = nullptr;
};

}  // namespace

std::vector<const table_row*> terminology::find(std::string_view system,
                                                std::string_view code) const {
  std::vector<const table_row*> out;
  // One key, "system|code", shortened for the prefix lookups.
  const std::string_view sys = canonical_system(system);
  const joined_key joined(sys, code);
  const std::string_view key = joined.view();
  if (const auto it = exact_.find(key); it != exact_.end()) {
    for (std::size_t i : it->second) out.push_back(&rows_[i]);
    return out;
  }
  // Longest prefix: try the code shortened one character at a time (no prefix in the tables
  // is longer than longest_prefix_).
  const auto lengths = prefix_lengths_.find(sys);
  if (lengths == prefix_lengths_.end()) return out;  // no prefix of this system
  const std::uint64_t mask = lengths->second;
  for (std::size_t n = std::min(code.size(), longest_prefix_); n > 0; --n) {
    if (n < 64 && (mask & 1) == 0 && ((mask >> n) & 1) == 0) continue;  // no prefix this long
    const auto it = prefix_.find(key.substr(0, sys.size() + 1 + n));
    if (it != prefix_.end()) {
      for (std::size_t i : it->second) out.push_back(&rows_[i]);
      return out;
    }
  }
  return out;
}

std::vector<const table_row*> terminology::find_name(row_kind kind,
                                                     std::string_view normalised) const {
  std::vector<const table_row*> out;
  if (normalised.empty()) return out;
  const joined_key key(to_string(kind), normalised);
  const auto it = names_.find(key.view());
  if (it != names_.end())
    for (std::size_t i : it->second) out.push_back(&rows_[i]);
  return out;
}

std::vector<const table_row*> terminology::find_medication_names(
    std::string_view normalised) const {
  std::vector<const table_row*> out;
  std::vector<std::string_view> tokens = split(normalised, ' ');
  if (normalised.empty()) return out;
  // Only the names whose first word is in the text can match: look those up by their first
  // word, then test them in table order (the order of the answer).
  std::vector<std::size_t> candidates;
  for (const std::string_view t : tokens) {
    if (const auto it = medication_first_word_.find(t); it != medication_first_word_.end())
      candidates.insert(candidates.end(), it->second.begin(), it->second.end());
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (const std::size_t p : candidates) {
    const auto& [name, index] = medication_names_[p];
    if (name.empty() || name.size() > tokens.size()) continue;
    for (std::size_t start = 0; start + name.size() <= tokens.size(); ++start) {
      bool all = true;
      for (std::size_t k = 0; k < name.size() && all; ++k) all = tokens[start + k] == name[k];
      if (all) {
        out.push_back(&rows_[index]);
        break;
      }
    }
  }
  return out;
}

const unit_row* terminology::find_unit(lab_code lab, std::string_view ucum_code,
                                       std::string_view unit_text) const {
  for (const auto& u : units_)
    if (u.lab == lab && !ucum_code.empty() && u.unit == ucum_code) return &u;
  for (const auto& u : units_)
    if (u.lab == lab && u.unit == unit_text) return &u;
  const auto iequal = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (const auto& u : units_)
    if (u.lab == lab && iequal(u.unit, trim(unit_text))) return &u;
  return nullptr;
}

}  // namespace mnscreen::fhir_detail
