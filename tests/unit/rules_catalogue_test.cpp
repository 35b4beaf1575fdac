// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/rules.hpp"

#include <catch2/catch.hpp>
#include <string>

TEST_CASE("rules: the catalogue renders as Markdown and JSON with every id", "[rules_catalogue]") {
  const std::string md = mnscreen::rules_markdown();
  const std::string json = mnscreen::rules_json();
  // Its size against the spec: tests/rules/catalogue_test.cpp.
  REQUIRE_FALSE(mnscreen::rule_catalogue().empty());
  for (const auto& r : mnscreen::rule_catalogue()) {
    INFO(r.id);
    CHECK(md.find("`" + std::string(r.id) + "`") != std::string::npos);
    CHECK(json.find("\"" + std::string(r.id) + "\"") != std::string::npos);
    CHECK(mnscreen::find_rule(r.id) == &r);
  }
  CHECK(mnscreen::find_rule("no_such_rule") == nullptr);
  CHECK(json.find("\"knowledge_version\":\"2026.2\"") != std::string::npos);
}
