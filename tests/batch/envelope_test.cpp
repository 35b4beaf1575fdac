// SPDX-License-Identifier: Apache-2.0
// The envelope scanner of batch lines (src/batch/envelope.hpp, private).
#include "batch/envelope.hpp"

#include <catch2/catch.hpp>
#include <string>

using mnscreen::severity;
using mnscreen::detail::envelope;
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
