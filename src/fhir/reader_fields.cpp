// SPDX-License-Identifier: Apache-2.0
// The FHIR reader's field access and codings: typed reading of JSON members (a field of the
// wrong type is an error), CodeableConcepts matched against the terminology tables (by code,
// then by name), body sites, routes, and the summary of the codings that were not mapped.
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/reader_mapper.hpp"
#include "text.hpp"
#include "utf8.hpp"

namespace mnscreen::fhir_detail {
namespace text = detail::text;

using mnscreen::to_string;

namespace {

// How much of a value a message quotes (the JSON readers quote as much): enough to recognise
// it, never a whole document, so a report can always carry the message and be read back.
constexpr std::size_t max_quoted_chars = 60;

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

}  // namespace

/// `s`, or its first `max_quoted_chars` bytes (never splitting a UTF-8 sequence) and "...".
std::string shorten(std::string_view s) { return text::cat(shortened(s)); }

short_text shortened(std::string_view s) noexcept {
  if (s.size() <= max_quoted_chars) return {s, {}};
  return {detail::utf8_prefix(s, max_quoted_chars), "..."};
}

std::string quote(std::string_view s) { return text::cat('"', shortened(s), '"'); }

std::optional<date> later(std::optional<date> a, std::optional<date> b) noexcept {
  if (!a) return b;
  if (!b) return a;
  return before(*a, *b) ? b : a;
}

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

std::string concept_view::path_of(const coding_view& c) const {
  return text::cat(path, ".coding[", text::integer(c.index), ']');
}

concept_view mapper::read_concept(const json::object& o, std::string path_of_concept) {
  concept_view c;
  c.path = std::move(path_of_concept);
  const std::string& path = c.path;
  if (const json::array* codings = get_array(o, "coding", path)) {
    c.codings.reserve(codings->size());
    for (std::size_t i = 0; i < codings->size(); ++i) {
      coding_view cv;
      cv.index = i;
      const json::value& v = (*codings)[i];
      if (!v.is_object()) {
        error(c.path_of(cv), "a coding must be an object; ignored");
        continue;
      }
      const json::object& co = v.get_object();
      // The coding's path is written out only for a member of the wrong type, which get_string
      // reports; members that are strings, null or absent read the same without it.
      const auto plain = [&](std::string_view key) -> std::optional<std::string_view> {
        const json::value* m = member(co, key);
        if (m == nullptr || m->is_null()) return std::string_view{};
        if (m->is_string()) return std::string_view(m->get_string());
        return std::nullopt;
      };
      const auto system = plain("system");
      const auto code = plain("code");
      const auto display = plain("display");
      if (system && code && display) {
        cv.system = *system;
        cv.code = *code;
        cv.display = *display;
      } else {
        const std::string cp = c.path_of(cv);
        cv.system = get_string(co, "system", cp).value_or("");
        cv.code = get_string(co, "code", cp).value_or("");
        cv.display = get_string(co, "display", cp).value_or("");
      }
      if (cv.system.empty() && cv.code.empty() && cv.display.empty()) continue;
      c.codings.push_back(cv);
    }
  }
  c.text = get_string(o, "text", path).value_or("");
  return c;
}

std::optional<concept_view> mapper::get_concept(const json::object& o, std::string_view key,
                                                const std::string& path) {
  const json::object* c = get_object(o, key, path);
  if (!c) return std::nullopt;
  return read_concept(*c, text::cat(path, '.', key));
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
  // The member names, "<prefix>DateTime" and so on, built on the stack (the prefixes are short
  // literals; a longer one takes the heap).
  std::array<char, 32> buf{};
  std::string long_name;
  const auto name = [&](std::string_view suffix) -> std::string_view {
    if (prefix.size() + suffix.size() <= buf.size()) {
      prefix.copy(buf.data(), prefix.size());
      suffix.copy(buf.data() + prefix.size(), suffix.size());
      return {buf.data(), prefix.size() + suffix.size()};
    }
    long_name = text::cat(prefix, suffix);
    return long_name;
  };
  if (member(o, name("DateTime"))) return get_date(o, name("DateTime"), path);
  if (member(o, name("Instant"))) return get_date(o, name("Instant"), path);
  if (member(o, name("Date"))) return get_date(o, name("Date"), path);
  if (const json::object* period = get_object(o, name("Period"), path)) {
    const std::string pp = text::cat(path, ".", prefix, "Period");
    const auto start = get_date(*period, "start", pp);
    const auto end = get_date(*period, "end", pp);
    if (use_end && end) return end;
    return start ? start : end;
  }
  return std::nullopt;
}

void mapper::record_unmapped(const resource_info& r, std::string_view element, const coding_view* c,
                             std::string_view text, const concept_view& of,
                             const table_row* ignore) {
  std::string& key = unmapped_key_;
  key.clear();
  if (c && !c->code.empty())
    text::append(key, element, '\x1f', canonical_system(c->system), '\x1f', c->code);
  else
    text::append(key, element, "\x1fname\x1f", normalise_name(c ? c->display : text));
  // The key goes into the index arena before the lookup: one hash and one search, and most
  // codings recorded here are new (a repeated one wastes a few bytes of the arena).
  char* kept = static_cast<char*>(index_arena_.allocate(key.size(), 1));
  key.copy(kept, key.size());
  const auto [it, inserted] =
      unmapped_index_.try_emplace(std::string_view(kept, key.size()), unmapped_.size());
  if (inserted) {
    // About one entry per resource at most in a usual record: one allocation, no regrowth
    // moving every entry's strings.
    if (unmapped_.capacity() == 0) unmapped_.reserve(resources_.size());
    unmapped_entry& e = unmapped_.emplace_back();
    e.element = str(element);
    if (c) {
      e.system = c->system;
      e.code = c->code;
      e.display = c->display;
    } else {
      e.text = str(text);
    }
    e.first_path = c ? of.path_of(*c) : of.path;
    e.first_source = r.source;
    e.ignored = ignore != nullptr;
    if (ignore) e.note = ignore->note;
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
      record_unmapped(r, element, ignored_codings[i], {}, c, ignored_rows[i]);
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
      warn("fhir.name_match", first ? c.path_of(*first) : c.path,
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
    record_unmapped(r, element, &coding, {}, c, nullptr);
    any = true;
  }
  if (!any && !c.text.empty()) record_unmapped(r, element, nullptr, c.text, c, nullptr);
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
        match(c, {row_kind::body_site}, name_mode::exact, r, text::cat(r.type, ".bodySite"));
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
    const match_result m =
        match(*c, {row_kind::route}, name_mode::exact, r, text::cat(r.type, ".route"));
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

void mapper::finish_unmapped() {
  std::string what;  // one buffer for every entry's coding
  for (auto& e : unmapped_) {
    const short_text system = e.system.empty() ? short_text{"absent", {}} : shortened(e.system);
    what.clear();
    if (!e.code.empty()) {
      text::append(what, system_label(e.system), ' ', shortened(e.code));
      if (!e.display.empty()) text::append(what, " \"", shortened(e.display), '"');
      text::append(what, " (system ", system, ')');
    } else if (!e.display.empty()) {
      text::append(what, "coding without a code, display \"", shortened(e.display), "\" (system ",
                   system, ')');
    } else {
      text::append(what, "text \"", shortened(e.text), "\" (no coding)");
    }
    const std::string_view count_words = e.count == 1 ? " resource: " : " resources, first: ";
    // The entries are not read after this: their paths move into the diagnostics.
    if (e.ignored)
      warn("fhir.not_mapped", std::move(e.first_path),
           text::cat(e.element, ' ', what, " is deliberately not mapped: ", e.note, " (",
                     text::integer(e.count), count_words, e.first_source, ')'));
    else
      warn("fhir.unmapped_code", std::move(e.first_path),
           text::cat(e.element, ' ', what,
                     " is not in the terminology tables: not used for screening (",
                     text::integer(e.count), count_words, e.first_source, ')'));
  }
}

}  // namespace mnscreen::fhir_detail
