// SPDX-License-Identifier: Apache-2.0
// The envelope scanner of batch lines (src/batch/envelope.hpp, private).
#include "batch/envelope.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "mnscreen/json.hpp"

using mnscreen::severity;
using mnscreen::detail::envelope;
using mnscreen::detail::read_envelope;
using mnscreen::detail::scan_envelope;
using mnscreen::detail::scan_id_prefix;

namespace {

envelope scan(std::string_view line) { return scan_envelope(line, 32); }

std::string codes(const envelope& e) {
  std::string s;
  for (const auto& d : e.diagnostics) s += d.code + "@" + d.path + " ";
  return s;
}

}  // namespace

TEST_CASE("envelope: members are found as exact text", "[batch][envelope]") {
  const auto e = scan(R"( { "id" : "a\"b\u00e9" , "intake":{"x":"}{\"","y":[{}]},"plan" :{} } )");
  CHECK(e.diagnostics.empty());
  CHECK_FALSE(e.malformed);
  CHECK(e.id == R"("a\"b\u00e9")");
  CHECK(e.intake == R"({"x":"}{\"","y":[{}]})");
  CHECK(e.plan == "{}");
}

TEST_CASE("envelope: numeric ids are kept as written", "[batch][envelope]") {
  CHECK(scan(R"({"id":-12.5e3,"intake":{},"plan":{}})").id == "-12.5e3");
  CHECK(scan(R"({"id":0,"intake":{},"plan":{}})").id == "0");
}

TEST_CASE("envelope: missing members, wrong types and duplicates are errors", "[batch][envelope]") {
  CHECK(codes(scan("{}")) == "missing_field@$.id missing_field@$.intake missing_field@$.plan ");
  const auto e = scan(R"({"id":true,"intake":[],"plan":"p","plan":{}})");
  CHECK_FALSE(e.malformed);
  CHECK(codes(e) == "wrong_type@$.id wrong_type@$.intake wrong_type@$.plan duplicate_key@$.plan ");
  CHECK(e.plan.empty());  // the first plan was not an object; a duplicate is never used
  CHECK(e.id.empty());
}

TEST_CASE("envelope: unknown members are validated and warned about", "[batch][envelope]") {
  const auto e = scan(R"({"id":1,"intake":{},"plan":{},"x y":{"a":[1,2.5,null,true,false]}})");
  REQUIRE(e.diagnostics.size() == 1);
  CHECK(e.diagnostics[0].severity == severity::warning);
  CHECK(e.diagnostics[0].code == "unknown_key");
  CHECK(e.diagnostics[0].path == R"($["x y"])");
}

TEST_CASE("envelope: malformed lines give one fatal diagnostic with a column",
          "[batch][envelope]") {
  const char* bad[] = {
      R"({"id":1,"intake":{"a":1})",                  // truncated inside the object
      R"({"id":1,"intake":{},"plan":{}} trailing)",   // text after the object
      R"({"id":1,"intake":{},"plan":{},"x":01})",     // leading zero
      R"({"id":1,"intake":{},"plan":{},"x":tru})",    // bad literal
      "{\"id\":\"a\tb\",\"intake\":{},\"plan\":{}}",  // control character in a string
      "{\"id\":\"\xC3\",\"intake\":{},\"plan\":{}}",  // invalid UTF-8
      R"({"id":"\x","intake":{},"plan":{}})",         // invalid escape
      R"({"id":1 "intake":{}})",                      // missing comma
      R"({id:1})",                                    // unquoted key
      R"({"id":1,"intake":{"s":"abc)",                // ends inside a string
  };
  for (const char* line : bad) {
    INFO(line);
    const auto e = scan(line);
    CHECK(e.malformed);
    REQUIRE(e.diagnostics.size() == 1);
    CHECK(e.diagnostics[0].severity == severity::fatal);
    CHECK(e.diagnostics[0].code == "malformed_json");
    CHECK_THAT(e.diagnostics[0].message, Catch::StartsWith("malformed JSON at column "));
  }
}

TEST_CASE("envelope: a line that is not an object says what it is", "[batch][envelope]") {
  const auto e = scan("[1]");
  CHECK(e.malformed);
  REQUIRE(e.diagnostics.size() == 1);
  CHECK(e.diagnostics[0].code == "wrong_type");
  CHECK_THAT(e.diagnostics[0].message, Catch::StartsWith("the line is an array"));
}

TEST_CASE("envelope: nesting in unknown members is bounded", "[batch][envelope]") {
  std::string deep = R"({"id":1,"intake":{},"plan":{},"x":)";
  deep += std::string(40, '[') + std::string(40, ']') + "}";
  const auto e = scan_envelope(deep, 32);
  CHECK(e.malformed);
  CHECK_THAT(e.diagnostics.at(0).message, Catch::Contains("deeper than 32"));
}

TEST_CASE("envelope: the id of a cut line is found when it comes first", "[batch][envelope]") {
  CHECK(scan_id_prefix(R"( {"id" : "p-1", "intake": {"pati)") == R"("p-1")");
  CHECK(scan_id_prefix(R"({"id":42,"intake")") == "42");
  CHECK(scan_id_prefix(R"({"id":42)").empty());  // the number may go on
  CHECK(scan_id_prefix(R"({"id":"p-)").empty());
  CHECK(scan_id_prefix(R"({"intake":{},"id":"x"})").empty());
  CHECK(scan_id_prefix("").empty());
}

namespace {

const std::string good_intake =
    R"({"schema":"mnscreen.intake/1","patient":{"birth_date":"1990-04-02","sex":"female"},)"
    R"("medications":[{"code":"isotretinoin","route":"oral","start":"2026-01-05"}]})";
const std::string good_plan =
    R"({"schema":"mnscreen.plan/1","date":"2026-12-01","device":"pen","needle_depth_mm":1.0,)"
    R"("areas":["cheeks"],"anesthetic":"lidocaine","setting":"clinic"})";
const std::string bad_intake =  // an unknown word: the tree reader reports it
    R"({"schema":"mnscreen.intake/1","medications":[{"code":"isotretinion"}]})";

// A reader's diagnostics without its missing_field at `$.schema` (a document in a batch line
// may leave out its schema).
std::vector<mnscreen::diagnostic> but_schema(std::vector<mnscreen::diagnostic> ds) {
  std::erase_if(ds, [](const mnscreen::diagnostic& d) {
    return d.code == "missing_field" && d.path == "$.schema";
  });
  return ds;
}

// read_envelope must find what scan_envelope finds, and what it read must be what
// parse_intake / parse_plan read from the member's text (but for a schema left out).
void check_reads_as_scan(const std::string& line) {
  INFO(line);
  const envelope scanned = scan_envelope(line, mnscreen::read_limits{}.max_depth);
  const envelope read = read_envelope(line, mnscreen::read_limits{});
  CHECK(read.diagnostics == scanned.diagnostics);
  CHECK(read.malformed == scanned.malformed);
  CHECK(read.id == scanned.id);
  CHECK(read.intake == scanned.intake);
  CHECK(read.plan == scanned.plan);
  CHECK_FALSE(scanned.intake_read);
  CHECK_FALSE(scanned.plan_read);
  if (read.intake_read) {
    const auto alone = mnscreen::parse_intake(read.intake);
    CHECK(read.intake_read->value == alone.value);
    CHECK(read.intake_read->diagnostics == but_schema(alone.diagnostics));
  }
  if (read.plan_read) {
    const auto alone = mnscreen::parse_plan(read.plan);
    CHECK(read.plan_read->value == alone.value);
    CHECK(read.plan_read->diagnostics == but_schema(alone.diagnostics));
  }
}

}  // namespace

TEST_CASE("envelope: read_envelope reads the intake and plan as it meets them",
          "[batch][envelope]") {
  // The envelope's views point into the line: it must outlive them.
  const std::string line =
      R"({"id":"a","intake":)" + good_intake + R"( , "plan" :)" + good_plan + " }";
  const auto e = read_envelope(line, mnscreen::read_limits{});
  CHECK(e.diagnostics.empty());
  CHECK(e.intake == good_intake);  // whitespace after the object is not part of it
  CHECK(e.plan == good_plan);
  REQUIRE(e.intake_read);
  REQUIRE(e.plan_read);
  CHECK(e.intake_read->value == mnscreen::parse_intake(good_intake).value);
  CHECK(e.plan_read->value == mnscreen::parse_plan(good_plan).value);
}

TEST_CASE("envelope: documents without their schema are read in the same pass",
          "[batch][envelope]") {
  const std::string intake = R"({"patient":{"sex":"male"},"schema":null})";
  const std::string plan = R"({"date":"2026-12-01","device":"pen","needle_depth_mm":1.0,)"
                           R"("areas":["cheeks"],"anesthetic":"lidocaine","setting":"clinic"})";
  const std::string line = R"({"id":1,"intake":)" + intake + R"(,"plan":)" + plan + "}";
  const auto e = read_envelope(line, mnscreen::read_limits{});
  REQUIRE(e.intake_read);
  REQUIRE(e.plan_read);
  CHECK(e.intake_read->value == mnscreen::parse_intake(intake).value);
  CHECK(e.plan_read->value == mnscreen::parse_plan(plan).value);
  CHECK(e.plan_read->diagnostics == but_schema(mnscreen::parse_plan(plan).diagnostics));
  // A wrong schema is still the tree reader's to report.
  CHECK_FALSE(read_envelope(R"({"id":1,"intake":{"schema":"mnscreen.plan/1"},"plan":{}})",
                            mnscreen::read_limits{})
                  .intake_read);
}

TEST_CASE("envelope: an object the streaming reader hands on is left as text",
          "[batch][envelope]") {
  const std::string line = R"({"id":1,"intake":)" + bad_intake + R"(,"plan":)" + good_plan + "}";
  const auto e = read_envelope(line, mnscreen::read_limits{});
  CHECK(e.diagnostics.empty());
  CHECK_FALSE(e.intake_read);  // the caller parses the text: the tree reader reports the word
  CHECK(e.intake == bad_intake);
  CHECK(e.plan_read);
}

TEST_CASE("envelope: read_envelope finds what scan_envelope finds, byte for byte",
          "[batch][envelope]") {
  const std::vector<std::string> lines = {
      R"({"id":"a","intake":)" + good_intake + R"(,"plan":)" + good_plan + "}",
      R"({"plan":)" + good_plan + R"(,"intake":)" + good_intake + R"(,"id":7})",
      R"({"id":"a","intake":)" + bad_intake + R"(,"plan":)" + good_plan + "}",
      // the second of a member twice is never read
      R"({"id":"a","intake":)" + good_intake + R"(,"intake":)" + bad_intake + "}",
      R"({"id":"a","intake":[],"intake":)" + good_intake + "}",
      // malformed after a member was read: the same fatal diagnostic and column
      R"({"id":"a","intake":)" + good_intake + R"(,"plan":)" + good_plan + "} trailing",
      R"({"id":"a","intake":)" + good_intake + R"( "plan":)" + good_plan + "}",
      R"({"id":"a","intake":)" + good_intake + R"(x,"plan":)" + good_plan + "}",
      R"({"id":"a","intake":)" + good_intake + R"(,"plan":)" + good_plan,
      R"({"id":"a","intake":)" + good_intake.substr(0, 40),
      R"({"id":"a","intake":{"schema":"mnscreen.intake/1","patient":{"sex":tru}},"plan":{}})",
      R"({"id":"a","intake":{"a":"\"}"},"plan":{}})",
      R"({"id":"a","intake":{},"plan":{},"x":[1,{"y":null}]})",
      R"({"id":"a","intake":{"patient":{"sex":"female"}},"plan":{)" + good_plan.substr(28) + "}",
      R"({"id":"a","intake":{"schema":"mnscreen.intake/1"},"plan":{"x":1}})",
      "[1]",
      "{}",
  };
  for (const auto& line : lines) check_reads_as_scan(line);
}
