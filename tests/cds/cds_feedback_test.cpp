// SPDX-License-Identifier: Apache-2.0
// The feedback reader: CDS Hooks 2.0 batches, repeated items, a single object of older clients,
// the older flat overrideReason Coding, and malformed items.
#include <catch2/catch.hpp>
#include <string>

#include "cds_test_support.hpp"

using namespace mnscreen;
using namespace mnscreen::test;

TEST_CASE("CDS Hooks 2.0 feedback, batched and repeated", "[cds][feedback]") {
  const auto r = cds::parse_feedback(R"({"feedback":[
    {"card":"9368d37b-283f-44a0-93ea-547cebab93ed","outcome":"accepted",
     "acceptedSuggestions":[{"id":"e56e1945-20b3-4393-8503-a1a20fd73152"}],
     "outcomeTimestamp":"2026-12-03T14:05:00Z"},
    {"card":"9368d37b-283f-44a0-93ea-547cebab93ed","outcome":"overridden",
     "overrideReason":{"reason":{"code":"informed_consent","system":"urn:mnscreen:cds:override-reason",
                                 "display":"Patient informed of the risk and consents"},
                       "userComment":"Discussed with patient"},
     "outcomeTimestamp":"2026-12-03T14:06:00Z"},
    {"card":"9368d37b-283f-44a0-93ea-547cebab93ed","outcome":"overridden",
     "overrideReason":{"reason":{"code":"informed_consent","system":"urn:mnscreen:cds:override-reason"},
                       "userComment":"Discussed with patient"},
     "outcomeTimestamp":"2026-12-03T14:06:00Z"}]})");
  INFO((r.diagnostics.empty() ? std::string() : format(r.diagnostics[0])));
  REQUIRE(r.ok());
  REQUIRE(r.value.size() == 3);
  CHECK(r.value[0].outcome == cds::feedback_outcome::accepted);
  CHECK(r.value[0].accepted_suggestions ==
        std::vector<std::string>{"e56e1945-20b3-4393-8503-a1a20fd73152"});
  CHECK(r.value[0].outcome_timestamp == "2026-12-03T14:05:00Z");
  CHECK_FALSE(r.value[0].override_reason.has_value());
  CHECK(r.value[1].outcome == cds::feedback_outcome::overridden);
  REQUIRE(r.value[1].override_reason.has_value());
  CHECK(r.value[1].override_reason->code == "informed_consent");
  CHECK(r.value[1].override_reason->system == cds::override_reason_system);
  CHECK(r.value[1].comment == "Discussed with patient");
  // Repeated items are all returned (the audit makes them idempotent).
  CHECK(r.value[2].card_uuid == r.value[1].card_uuid);
  CHECK(cds::to_string(r.value[1].outcome) == "overridden");
}

TEST_CASE("Older clients: a single object, the flat overrideReason", "[cds][feedback]") {
  const auto r = cds::parse_feedback(
      R"({"card":"c-1","outcome":"overridden","overrideReason":{"code":"not_applicable",)"
      R"("system":"urn:mnscreen:cds:override-reason","display":"Does not apply"},)"
      R"("userComment":"wrong patient chart","outcomeTimestamp":"2026-12-03T10:00:00Z"})");
  REQUIRE(r.ok());
  REQUIRE(r.value.size() == 1);
  REQUIRE(r.value[0].override_reason.has_value());
  CHECK(r.value[0].override_reason->code == "not_applicable");
  CHECK(r.value[0].override_reason->display == "Does not apply");
  CHECK(r.value[0].comment == "wrong patient chart");
  CHECK(has_code(r.diagnostics, "cds.legacy_field", "$.overrideReason"));
  // Unknown members and a missing timestamp are warnings.
  const auto w = cds::parse_feedback(R"({"feedback":[{"card":"c","outcome":"accepted","x":1}]})");
  REQUIRE(w.ok());
  CHECK(has_code(w.diagnostics, "cds.unknown_key", "$.feedback[0].x"));
  CHECK(has_code(w.diagnostics, "cds.missing_field", "$.feedback[0].outcomeTimestamp"));
}

TEST_CASE("Malformed feedback: errors with paths, good items kept", "[cds][feedback]") {
  const auto r = cds::parse_feedback(R"({"feedback":[
    {"outcome":"accepted"},
    {"card":"c2","outcome":"ignored"},
    {"card":"c3","outcome":"accepted","outcomeTimestamp":"2026-12-03T10:00:00Z"},
    {"card":"c4","outcome":"overridden","overrideReason":{"reason":{"display":"no code"}}},
    7]})");
  CHECK_FALSE(r.ok());
  CHECK(has_code(r.diagnostics, "cds.missing_field", "$.feedback[0].card"));
  CHECK(has_code(r.diagnostics, "cds.unknown_code", "$.feedback[1].outcome"));
  CHECK(has_code(r.diagnostics, "cds.missing_field", "$.feedback[3].overrideReason.reason.code"));
  CHECK(has_code(r.diagnostics, "cds.wrong_type", "$.feedback[4]"));
  REQUIRE(r.value.size() == 2);
  CHECK(r.value[0].card_uuid == "c3");
  CHECK(r.value[1].card_uuid == "c4");
  CHECK_FALSE(r.value[1].override_reason.has_value());
  for (const auto& text : {std::string(""), std::string("[]"), std::string(R"({"feedback":[]})"),
                           std::string(R"({"feedback":{}})"), std::string("{\"feedback\":[")}) {
    INFO(text);
    CHECK_FALSE(cds::parse_feedback(text).ok());
  }
}

TEST_CASE("Override reasons are coded with a display", "[cds][feedback]") {
  const auto reasons = cds::override_reasons();
  REQUIRE(reasons.size() == 5);
  for (const auto& c : reasons) {
    CHECK(c.system == cds::override_reason_system);
    CHECK(parse_code<override_reason>(c.code).has_value());
    CHECK_FALSE(c.display.empty());
  }
}
