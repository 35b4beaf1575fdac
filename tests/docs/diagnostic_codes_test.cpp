// SPDX-License-Identifier: Apache-2.0
// One error vocabulary: the table of src/diagnostic_codes.hpp against the code sites of src/ and
// tools/ and against the generated sections of docs/errors.md and docs/fhir.md.
//
// The sources are scanned token by token (comments, preprocessor lines and raw strings skipped)
// for the ways a code is written at a site:
//   - `{severity::error, "code", ...}`, `add(e, severity::fatal, "code", ...)`: a literal after
//     `severity::<s>,` (that severity);
//   - `ctx.error("code", ...)`, `warn(...)`, `warning(...)`, `fatal(...)`, `fatal_input(...)`: the
//     first argument when it is a literal, else the last argument when it is a literal
//     (`c.error(where, "message", "code")`); the severity is the function's;
//   - `code == "code"`, `code != "code"`, `std::string code = "code"`;
//   - any literal of a prefixed family (`fhir.`, `cds.`, `http.`, `serve.`, `audit_db_`).
// In src/cds the CDS Hooks reader prefixes its codes with `cds.` (detail::prefix_codes), so a
// bare code there is the `cds.` code, and a `cds.` code of the table is also made by the shared
// JSON reader of src/io when that reader makes the bare code.
//
// Regenerate the docs' tables after editing the table:
//   MNSCREEN_UPDATE_DOCS=1 ctest --preset ci -R diagnostic_codes
#include "diagnostic_codes.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;
using mnscreen::detail::code_group;
using mnscreen::detail::code_info;
using mnscreen::detail::diagnostic_codes;

const fs::path source_dir{MNSCREEN_SOURCE_DIR};

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// ---- tokens ------------------------------------------------------------------------------------

enum class kind : unsigned char { ident, literal, punct, other };
struct token {
  kind k;
  std::string text;  // a literal's content without the quotes
  int line;
};

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::vector<token> tokenize(const std::string& s) {
  std::vector<token> out;
  std::size_t i = 0;
  int line = 1;
  bool line_start = true;
  const auto n = s.size();
  while (i < n) {
    const char c = s[i];
    if (c == '\n') {
      ++line;
      line_start = true;
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (line_start && c == '#') {  // a preprocessor line, with its continuations
      while (i < n && s[i] != '\n') {
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\n') ++line, ++i;
        ++i;
      }
      continue;
    }
    line_start = false;
    if (c == '/' && i + 1 < n && s[i + 1] == '/') {
      while (i < n && s[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      const auto end = s.find("*/", i + 2);
      const auto stop = end == std::string::npos ? n : end + 2;
      line += static_cast<int>(std::count(s.begin() + static_cast<std::ptrdiff_t>(i),
                                          s.begin() + static_cast<std::ptrdiff_t>(stop), '\n'));
      i = stop;
      continue;
    }
    if (ident_char(c) && !(c >= '0' && c <= '9')) {
      const auto start = i;
      while (i < n && ident_char(s[i])) ++i;
      std::string word = s.substr(start, i - start);
      if (i < n && s[i] == '"' &&
          (word == "R" || word == "u8R" || word == "LR" || word == "uR" ||
           word == "UR")) {  // raw string: skipped
        const auto open = s.find('(', i);
        const std::string close = ")" + s.substr(i + 1, open - i - 1) + "\"";
        const auto end = s.find(close, open);
        const auto stop = end == std::string::npos ? n : end + close.size();
        line += static_cast<int>(std::count(s.begin() + static_cast<std::ptrdiff_t>(i),
                                            s.begin() + static_cast<std::ptrdiff_t>(stop), '\n'));
        out.push_back({kind::other, {}, line});
        i = stop;
        continue;
      }
      if (i < n && s[i] == '"' && (word == "u8" || word == "L" || word == "u" || word == "U"))
        continue;  // an encoding prefix: the literal follows
      out.push_back({kind::ident, std::move(word), line});
      continue;
    }
    if (c >= '0' && c <= '9') {  // a pp-number, digit separators included
      while (i < n && (ident_char(s[i]) || s[i] == '.' || s[i] == '\'')) ++i;
      out.push_back({kind::other, {}, line});
      continue;
    }
    if (c == '"' || c == '\'') {
      std::string text;
      ++i;
      while (i < n && s[i] != c && s[i] != '\n') {
        if (s[i] == '\\' && i + 1 < n) text += s[i++];
        text += s[i++];
      }
      ++i;
      out.push_back({c == '"' ? kind::literal : kind::other, std::move(text), line});
      continue;
    }
    if (i + 1 < n) {
      const std::string two = s.substr(i, 2);
      if (two == "::" || two == "==" || two == "!=") {
        out.push_back({kind::punct, two, line});
        i += 2;
        continue;
      }
    }
    out.push_back({kind::punct, std::string(1, c), line});
    ++i;
  }
  return out;
}

// ---- code sites
// ----------------------------------------------------------------------------------

/// `fhir.unmapped_code`, `missing_field`: lower-case words joined by `_`, at most one `.`.
bool code_shaped(std::string_view s) {
  if (s.empty() || s.front() < 'a' || s.front() > 'z') return false;
  int dots = 0;
  char prev = 0;
  for (const char c : s) {
    if (c == '.') {
      if (++dots > 1 || prev == '.') return false;
    } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
    prev = c;
  }
  return prev != '.';
}

bool prefixed(std::string_view s) {
  for (const std::string_view p : {"fhir.", "cds.", "http.", "serve.", "audit_db_"})
    if (s.starts_with(p)) return true;
  return false;
}

struct site {
  std::string file;
  int line = 0;
  int severity = -1;  // -1: not known at the site
};

struct scan_result {
  std::map<std::string, std::vector<site>> uses;  // code as reported -> where it is made
};

int severity_of_call(std::string_view name) {
  if (name == "warn" || name == "warning") return static_cast<int>(mnscreen::severity::warning);
  if (name == "error") return static_cast<int>(mnscreen::severity::error);
  if (name == "fatal" || name == "fatal_input") return static_cast<int>(mnscreen::severity::fatal);
  return -2;  // not a diagnostic-making call
}

int severity_named(std::string_view name) {
  for (const auto s :
       {mnscreen::severity::warning, mnscreen::severity::error, mnscreen::severity::fatal})
    if (mnscreen::to_string(s) == name) return static_cast<int>(s);
  return -1;
}

void scan_file(const fs::path& file, scan_result& out) {
  const std::string rel = fs::relative(file, source_dir).generic_string();
  const bool cds_reader = rel.starts_with("src/cds/");
  const auto toks = tokenize(read_text(file));
  std::map<std::size_t, int> found;  // token index -> severity (-1 unknown)
  const auto note = [&](std::size_t i, int sev) {
    if (!code_shaped(toks[i].text)) return;
    auto [it, fresh] = found.emplace(i, sev);
    if (!fresh && it->second < 0) it->second = sev;
  };

  struct arg {
    std::size_t tokens = 0;
    std::size_t first = 0;  // index of its first token
  };
  struct frame {
    char open;
    int call_severity;  // of a diagnostic-making call, else -2
    std::vector<arg> args;
  };
  std::vector<frame> stack;
  for (std::size_t i = 0; i < toks.size(); ++i) {
    const token& t = toks[i];
    if (!stack.empty() && !(t.k == kind::punct &&
                            (t.text == "," || t.text == ")" || t.text == "}" || t.text == "]"))) {
      arg& a = stack.back().args.back();
      if (a.tokens++ == 0) a.first = i;
    }
    if (t.k == kind::punct && (t.text == "(" || t.text == "{" || t.text == "[")) {
      int sev = -2;
      if (t.text == "(" && i > 0 && toks[i - 1].k == kind::ident &&
          !(i > 1 && toks[i - 2].k == kind::ident && toks[i - 2].text == "throw"))
        sev = severity_of_call(toks[i - 1].text);
      stack.push_back({t.text[0], sev, {arg{}}});
      continue;
    }
    if (t.k == kind::punct && t.text == "," && !stack.empty()) {
      stack.back().args.push_back({});
      continue;
    }
    if (t.k == kind::punct && (t.text == ")" || t.text == "}" || t.text == "]")) {
      if (stack.empty()) continue;
      const frame f = std::move(stack.back());
      stack.pop_back();
      if (f.open == '(' && f.call_severity >= 0) {
        const auto literal_arg = [&](const arg& a) {
          return a.tokens == 1 && toks[a.first].k == kind::literal;
        };
        if (literal_arg(f.args.front()))
          note(f.args.front().first, f.call_severity);
        else if (f.args.size() > 1 && literal_arg(f.args.back()))
          note(f.args.back().first, f.call_severity);
      }
      continue;
    }
    if (t.k != kind::literal) continue;
    if (prefixed(t.text)) note(i, -1);
    if (i >= 4 && toks[i - 1].text == "," && toks[i - 2].k == kind::ident &&
        toks[i - 3].text == "::" && toks[i - 4].text == "severity")
      note(i, severity_named(toks[i - 2].text));
    if (i >= 2 &&
        (toks[i - 1].text == "==" || toks[i - 1].text == "!=" || toks[i - 1].text == "=") &&
        toks[i - 2].text == "code")
      note(i, -1);
  }
  for (const auto& [i, sev] : found) {
    std::string code = toks[i].text;
    if (cds_reader && !prefixed(code)) code.insert(0, "cds.");
    out.uses[code].push_back({rel, toks[i].line, sev});
  }
}

scan_result scan_sources() {
  scan_result out;
  for (const char* dir : {"src", "tools"}) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(source_dir / dir)) {
      const auto ext = e.path().extension();
      if (e.is_regular_file() && (ext == ".cpp" || ext == ".hpp") &&
          e.path().filename() != "diagnostic_codes.hpp")
        files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) scan_file(f, out);
  }
  return out;
}

const scan_result& sources() {
  static const scan_result r = scan_sources();
  return r;
}

bool in_table(const std::string& code) {
  return std::any_of(diagnostic_codes.begin(), diagnostic_codes.end(),
                     [&](const code_info& c) { return c.code == code; });
}

std::string where(const site& s) { return s.file + ":" + std::to_string(s.line); }

// ---- generated docs
// ------------------------------------------------------------------------------

struct doc_section {
  code_group group;
  const char* name;
  const char* doc;
};
constexpr doc_section sections[] = {
    {code_group::document, "document", "docs/errors.md"},
    {code_group::field, "field", "docs/errors.md"},
    {code_group::screener, "screener", "docs/errors.md"},
    {code_group::model, "model", "docs/errors.md"},
    {code_group::inputs, "inputs", "docs/errors.md"},
    {code_group::cds, "cds", "docs/errors.md"},
    {code_group::http, "http", "docs/errors.md"},
    {code_group::serve, "serve", "docs/errors.md"},
    {code_group::audit, "audit", "docs/errors.md"},
    {code_group::fhir, "fhir", "docs/fhir.md"},
};

std::string begin_marker(const doc_section& s) {
  return std::string("<!-- BEGIN generated: diagnostic codes, ") + s.name +
         " (src/diagnostic_codes.hpp) -->\n";
}
constexpr std::string_view end_marker = "<!-- END generated -->\n";

}  // namespace

TEST_CASE("diagnostic codes: every code made in src/ and tools/ is in the table",
          "[diagnostic_codes]") {
  const auto& uses = sources().uses;
  // The scan itself works: codes of each kind of site are found.
  for (const char* code : {"fhir.unmapped_code", "missing_field", "cds.unknown_hook", "io_error",
                           "audit_db_missing", "serve.tls", "duplicate_override", "too_deep"}) {
    INFO(code);
    CHECK(uses.contains(code));
  }
  for (const auto& [code, sites] : uses) {
    INFO("code \"" << code << "\" made at " << where(sites.front())
                   << " is not in src/diagnostic_codes.hpp (undocumented)");
    CHECK(in_table(code));
  }
}

TEST_CASE("diagnostic codes: every code of the table is made somewhere", "[diagnostic_codes]") {
  const auto& uses = sources().uses;
  const auto made_by_shared_reader = [&](std::string_view code) {
    if (!code.starts_with("cds.")) return false;
    const auto it = uses.find(std::string(code.substr(4)));
    return it != uses.end() && std::any_of(it->second.begin(), it->second.end(), [](const site& s) {
             return s.file.starts_with("src/io/");
           });
  };
  for (const code_info& c : diagnostic_codes) {
    INFO("code \"" << c.code << "\" of src/diagnostic_codes.hpp is made nowhere (unused)");
    CHECK((uses.contains(std::string(c.code)) || made_by_shared_reader(c.code)));
  }
}

TEST_CASE("diagnostic codes: a site's severity is one the table lists", "[diagnostic_codes]") {
  for (const auto& [code, sites] : sources().uses) {
    unsigned bits = 0;
    for (const code_info& c : diagnostic_codes)
      if (c.code == code) bits |= c.severities;
    if (bits == 0) continue;  // undocumented: reported above
    for (const site& s : sites) {
      if (s.severity < 0) continue;
      INFO(where(s) << " makes \"" << code << "\" as "
                    << mnscreen::to_string(static_cast<mnscreen::severity>(s.severity))
                    << ", which src/diagnostic_codes.hpp does not list");
      CHECK((bits & (1U << static_cast<unsigned>(s.severity))) != 0);
    }
  }
}

TEST_CASE("diagnostic codes: the table is well formed", "[diagnostic_codes]") {
  std::set<std::pair<std::string_view, code_group>> seen;
  for (const code_info& c : diagnostic_codes) {
    INFO(c.code);
    CHECK(code_shaped(c.code));
    CHECK(c.severities != 0);
    CHECK(c.severities < 8);
    CHECK(seen.emplace(c.code, c.group).second);  // one row per code and group
    CHECK(!c.meaning.empty());
    CHECK(c.meaning.find('|') == std::string_view::npos);  // Markdown table cell
    CHECK(c.meaning.find('\n') == std::string_view::npos);
    CHECK((c.meaning.ends_with(".") || c.meaning.ends_with(")")));
  }
}

TEST_CASE("diagnostic codes: the docs' code tables are generated from the table",
          "[diagnostic_codes]") {
  const bool update = std::getenv("MNSCREEN_UPDATE_DOCS") != nullptr;
  std::map<std::string, std::string> docs;
  for (const doc_section& s : sections)
    if (!docs.contains(s.doc)) docs[s.doc] = read_text(source_dir / s.doc);
  for (const doc_section& s : sections) {
    INFO(s.doc << ", section \"" << s.name
               << "\": regenerate with MNSCREEN_UPDATE_DOCS=1 ctest -R diagnostic_codes");
    std::string& text = docs[s.doc];
    const std::string begin = begin_marker(s);
    const auto b = text.find(begin);
    REQUIRE(b != std::string::npos);
    REQUIRE(text.find(begin, b + 1) == std::string::npos);
    const auto body = b + begin.size();
    const auto e = text.find(end_marker, body);
    REQUIRE(e != std::string::npos);
    const std::string expected = mnscreen::detail::diagnostic_codes_markdown(s.group);
    if (update)
      text.replace(body, e - body, expected);
    else
      CHECK(text.substr(body, e - body) == expected);
  }
  if (update)
    for (const auto& [doc, text] : docs) std::ofstream(source_dir / doc, std::ios::binary) << text;
}
