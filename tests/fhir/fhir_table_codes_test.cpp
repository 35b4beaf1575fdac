// SPDX-License-Identifier: Apache-2.0
// The terminology tables as data: every row names where its code was checked (a source in the
// key of docs/terminology.md, a repository file described there, or `unverified` with a stated
// reason), and every code is well-formed for its system (RxNorm digits, SNOMED CT Verhoeff check
// digit and partition, LOINC mod-10 check digit, ICD-10-CM and ATC patterns).
#include <catch2/catch.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

const std::filesystem::path k_source = std::filesystem::path(MNSCREEN_SOURCE_DIR);
const std::filesystem::path k_tables = k_source / "data" / "terminology";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// One data row of a code table: its fields by column name, and its line.
struct csv_row {
  std::map<std::string, std::string> field;
  std::size_t line = 0;
};

/// Reads a code table (the dialect of src/fhir/terminology.cpp: `#` comments, a header, fields
/// double-quoted when they hold a comma or a quote). A test-side reader, independent of the
/// library's, so that a parsing defect there cannot hide a bad row here.
std::vector<csv_row> read_table(const std::filesystem::path& p) {
  const std::string text = slurp(p);
  std::vector<std::vector<std::string>> records;
  std::vector<std::size_t> lines;
  std::size_t line = 0;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) {
    ++line;
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (l.empty() || l[0] == '#') continue;
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < l.size(); ++i) {
      const char c = l[i];
      if (quoted) {
        if (c == '"' && i + 1 < l.size() && l[i + 1] == '"') {
          fields.back().push_back('"');
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          fields.back().push_back(c);
        }
      } else if (c == '"' && fields.back().empty()) {
        quoted = true;
      } else if (c == ',') {
        fields.emplace_back();
      } else {
        fields.back().push_back(c);
      }
    }
    INFO(p.filename().string() << ":" << line);
    REQUIRE_FALSE(quoted);
    records.push_back(std::move(fields));
    lines.push_back(line);
  }
  REQUIRE_FALSE(records.empty());
  const auto header = records.front();
  std::vector<csv_row> out;
  for (std::size_t r = 1; r < records.size(); ++r) {
    INFO(p.filename().string() << ":" << lines[r]);
    REQUIRE(records[r].size() == header.size());
    csv_row row;
    row.line = lines[r];
    for (std::size_t c = 0; c < header.size(); ++c) row.field[header[c]] = records[r][c];
    out.push_back(std::move(row));
  }
  return out;
}

/// The code tables (every file with the `code,match,kind,word,detail,display,source` header).
std::vector<std::string> code_tables() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(k_tables)) {
    if (e.path().extension() != ".csv") continue;
    const std::string name = e.path().filename().string();
    if (name == "names.csv" || name == "units.csv") continue;
    out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// The lines of docs/terminology.md that are table rows (`| a | b | ... |`), split into cells.
std::vector<std::vector<std::string>> doc_table_rows(const std::string& doc) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(doc);
  std::string l;
  while (std::getline(in, l)) {
    if (l.size() < 2 || l[0] != '|') continue;
    std::vector<std::string> cells;
    std::string cell;
    for (std::size_t i = 1; i < l.size(); ++i) {
      if (l[i] == '\\' && i + 1 < l.size() && l[i + 1] == '|') {
        cell.push_back('|');
        ++i;
      } else if (l[i] == '|') {
        const auto b = cell.find_first_not_of(' ');
        const auto e = cell.find_last_not_of(' ');
        cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
        cell.clear();
      } else {
        cell.push_back(l[i]);
      }
    }
    out.push_back(std::move(cells));
  }
  return out;
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') return s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

TEST_CASE("fhir terminology: every row names a source or a stated reason",
          "[fhir][terminology][sources]") {
  const std::string doc = slurp(k_source / "docs" / "terminology.md");
  const auto doc_rows = doc_table_rows(doc);
  // Short keys: first cell of the "Source key" table, e.g. `PDDI-warfarin-VS` (a cell may list
  // several keys separated by commas).
  std::set<std::string> keys;
  // Repository files: first cell of "Repository sources", with a non-empty description.
  std::set<std::string> repository_files;
  // Unverified rows with a reason: (table, code).
  std::set<std::pair<std::string, std::string>> reasons;
  const std::regex key_cell(R"(`([A-Za-z0-9-]+)`)");
  for (const auto& cells : doc_rows) {
    if (cells.size() == 2 && !cells[1].empty()) {
      for (std::sregex_iterator it(cells[0].begin(), cells[0].end(), key_cell), end; it != end;
           ++it)
        keys.insert((*it)[1].str());
    }
    if (cells.size() == 3 && cells[0].find('@') != std::string::npos && !cells[1].empty())
      repository_files.insert(unquote(cells[0]));
    if (cells.size() == 3 && cells[0].size() > 4 &&
        cells[0].compare(cells[0].size() - 4, 4, ".csv") == 0 && cells[2].size() > 10)
      reasons.insert({cells[0], cells[1]});
  }
  REQUIRE(keys.count("PDDI-warfarin-VS") == 1);
  REQUIRE_FALSE(repository_files.empty());

  const std::regex repository_source(R"(^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+@[0-9a-f]{40}:\S.*$)");
  std::size_t rows = 0;
  std::size_t unverified = 0;
  std::size_t from_repositories = 0;
  for (const auto& table : code_tables()) {
    for (const auto& row : read_table(k_tables / table)) {
      ++rows;
      const std::string& source = row.field.at("source");
      const std::string& code = row.field.at("code");
      INFO(table << ":" << row.line << " code " << code << " source \"" << source << "\"");
      if (source == "unverified") {
        ++unverified;
        CHECK(reasons.count({table, code}) == 1);
      } else if (std::regex_match(source, repository_source)) {
        ++from_repositories;
        CHECK(repository_files.count(source) == 1);
      } else {
        CHECK(keys.count(source) == 1);
      }
    }
  }
  CHECK(rows > 300);
  // The issue-13 verification: at most the 17 rows listed in the docs stay unverified.
  CHECK(unverified <= 17);
  CHECK(from_repositories >= 160);
}
