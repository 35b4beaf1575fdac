// SPDX-License-Identifier: Apache-2.0
// Policy and report readers: the formats.md samples, grouped settings, and bad settings.
#include "mnscreen/json.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "io_test_support.hpp"
#include "test_support.hpp"

namespace {

using namespace mnscreen;
using mnscreen::test::d;
using mnscreen::test::dump;
using mnscreen::test::find_diag;

// The report sample of formats.md, verbatim but for one line break between tokens.
constexpr std::string_view sample_report = R"json({
  "schema": "mnscreen.report/1",
  "knowledge_version": "2026.2",
  "policy": {"name": "default", "overrides": {}},
  "model": "prior-2026.2 (not validated on outcomes)",
  "screened_on": "2026-12-01",
  "decision": "defer",
  "defer_until": "2027-03-14",
  "complete": false,
  "questions": [{"factor": "pregnancy", "ask": "Are you pregnant, or could you be?"}],
  "flags": [
    {
      "rule_id": "isotretinoin_recent",
      "effect": "defer",
      "complications": ["scarring"],
      "areas": [],
      "reason": "Oral isotretinoin stopped on 2026-09-15, inside the 180-day wash-out.",
      "action":
        "Defer until 2027-03-14, or record a prescriber's approval under a permissive policy.",
      "earliest_safe_date": "2027-03-14",
      "evidence": [{"source": "isotretinoin labelling", "level": "label"}]
    }
  ],
  "risks": {
    "bleeding_bruising": {"score": 0.134, "reference": 0.03, "relative": 4.46, "band": "moderate",
                          "drivers": [{"factor": "anticoagulant_doac", "weight": 1.61}]}
  },
  "prep": ["..."],
  "aftercare": ["..."],
  "warnings": []
})json";

TEST_CASE("json: the formats.md policy example is read", "[json][policy]") {
  const auto r = parse_policy(
      R"({"schema": "mnscreen.policy/1", "name": "permissive-isotretinoin",
          "isotretinoin_washout_days": 30})");
  INFO(dump(r.diagnostics));
  CHECK(r.diagnostics.empty());
  CHECK(r.value.name == "permissive-isotretinoin");
  CHECK(r.value.isotretinoin_washout_days == 30);
  policy expected;
  expected.name = "permissive-isotretinoin";
  expected.isotretinoin_washout_days = 30;
  CHECK(r.value == expected);
}

TEST_CASE("json: a policy without a name is the default policy", "[json][policy]") {
  const auto r = parse_policy(R"({"schema": "mnscreen.policy/1"})");
  CHECK(r.diagnostics.empty());
  CHECK(r.value == policy{});
  CHECK(r.value.name == "default");
}

TEST_CASE("json: every kind of policy setting is read", "[json][policy]") {
  const auto r = parse_policy(R"({"schema": "mnscreen.policy/1", "name": "strict",
    "inr_max": 2.5, "anticoagulant_effect": "do_not_treat", "require_hsv_prophylaxis": false,
    "hsv_prophylaxis_scope": "any", "keloid_history_effect": "do_not_treat",
    "chemical_peel_wait_days": {"medium": 45},
    "laser_wait_days": {"non_ablative": 30, "ipl": 28}})");
  INFO(dump(r.diagnostics));
  CHECK(r.diagnostics.empty());
  const policy& p = r.value;
  CHECK(p.inr_max == 2.5);
  CHECK(p.anticoagulant_effect == effect::do_not_treat);
  CHECK_FALSE(p.require_hsv_prophylaxis);
  CHECK(p.hsv_prophylaxis_scope == hsv_scope::any);
  CHECK(p.keloid_history_effect == effect::do_not_treat);
  CHECK(p.chemical_peel_wait_days_medium == 45);
  // Absent group members keep their defaults.
  CHECK(p.chemical_peel_wait_days_superficial == 14);
  CHECK(p.chemical_peel_wait_days_deep == 90);
  CHECK(p.laser_wait_days_nonablative == 30);
  CHECK(p.laser_wait_days_ipl == 28);
  CHECK(p.laser_wait_days_ablative == 90);

  SECTION("graded restores the graded keloid default") {
    const auto g =
        parse_policy(R"({"schema": "mnscreen.policy/1", "keloid_history_effect": "graded"})");
    CHECK(g.diagnostics.empty());
    CHECK_FALSE(g.value.keloid_history_effect.has_value());
  }
}

TEST_CASE("json: bad policy settings are errors and keep the default", "[json][policy]") {
  const auto r = parse_policy(R"({"schema": "mnscreen.policy/1", "name": "bad",
    "isotretinoin_wash_out": 30,
    "isotretinoin_washout_days": 9999,
    "inr_max": "3",
    "anticoagulant_effect": "forbid",
    "laser_wait_days": {"ablative": 60, "fractional": 30},
    "chemical_peel_wait_days": 30,
    "platelets_min": 120})");
  INFO(dump(r.diagnostics));
  const auto* unknown = find_diag(r.diagnostics, "unknown_setting", "$.isotretinoin_wash_out");
  REQUIRE(unknown);
  CHECK(unknown->severity == severity::error);  // unlike unknown keys elsewhere
  CHECK(find_diag(r.diagnostics, "out_of_range", "$.isotretinoin_washout_days"));
  CHECK(find_diag(r.diagnostics, "wrong_type", "$.inr_max"));
  CHECK(find_diag(r.diagnostics, "unknown_code", "$.anticoagulant_effect"));
  CHECK(find_diag(r.diagnostics, "unknown_setting", "$.laser_wait_days.fractional"));
  CHECK(find_diag(r.diagnostics, "wrong_type", "$.chemical_peel_wait_days"));
  CHECK(r.diagnostics.size() == 6);
  CHECK_FALSE(r.ok());
  // Bad settings keep their defaults; good ones are read.
  CHECK(r.value.isotretinoin_washout_days == 180);
  CHECK(r.value.inr_max == 3.0);
  CHECK(r.value.anticoagulant_effect == effect::proceed_with_caution);
  CHECK(r.value.laser_wait_days_ablative == 60);
  CHECK(r.value.platelets_min == 120.0);
  CHECK(r.value.name == "bad");
}

TEST_CASE("json: a fractional day count is refused", "[json][policy]") {
  const auto r = parse_policy(R"({"schema": "mnscreen.policy/1", "filler_wait_days": 14.5})");
  CHECK(find_diag(r.diagnostics, "wrong_type", "$.filler_wait_days"));
  CHECK(r.value.filler_wait_days == 14);
}

TEST_CASE("json: policy consistency is checked by validate(policy)", "[json][policy]") {
  const auto r = parse_policy(
      R"({"schema": "mnscreen.policy/1", "risk_band_moderate": 0.3, "risk_band_high": 0.2})");
  INFO(dump(r.diagnostics));
  CHECK(find_diag(r.diagnostics, "out_of_range", "$.risk_band_moderate"));
  CHECK_FALSE(r.ok());
}

TEST_CASE("json: a setting given under both spellings is reported", "[json][policy]") {
  const auto r = parse_policy(R"({"schema": "mnscreen.policy/1",
    "laser_wait_days": {"nonablative": 30, "non_ablative": 40}})");
  CHECK(find_diag(r.diagnostics, "duplicate_key", "$.laser_wait_days.non_ablative"));
}

TEST_CASE("json: the formats.md report sample is read", "[json][report]") {
  const auto r = parse_report(sample_report);
  INFO(dump(r.diagnostics));
  REQUIRE(r.diagnostics.empty());
  const report& rep = r.value;
  CHECK(rep.knowledge_version == "2026.2");
  CHECK(rep.library_version.empty());
  CHECK(rep.policy_name == "default");
  CHECK(rep.policy_overrides.empty());
  CHECK(rep.model == "prior-2026.2 (not validated on outcomes)");
  CHECK(rep.screened_on == d("2026-12-01"));
  CHECK(rep.decision == decision::defer);
  CHECK(rep.defer_until == d("2027-03-14"));
  CHECK_FALSE(rep.complete);
  REQUIRE(rep.questions.size() == 1);
  CHECK(rep.questions[0].factor == question::pregnancy);
  CHECK(rep.questions[0].ask == "Are you pregnant, or could you be?");
  REQUIRE(rep.flags.size() == 1);
  const flag& f = rep.flags[0];
  CHECK(f.rule_id == "isotretinoin_recent");
  CHECK(f.effect == effect::defer);
  CHECK(f.complications == std::vector<complication>{complication::scarring});
  CHECK(f.areas.empty());
  CHECK(f.reason.find("180-day wash-out") != std::string::npos);
  CHECK(f.earliest_safe_date == d("2027-03-14"));
  REQUIRE(f.evidence.size() == 1);
  CHECK(f.evidence[0].source == "isotretinoin labelling");
  CHECK(f.evidence[0].level == evidence_level::label);
  REQUIRE(rep.risks.size() == 1);
  CHECK(rep.risks[0].complication == complication::bleeding_bruising);
  CHECK(rep.risks[0].score == 0.134);
  CHECK(rep.risks[0].reference == 0.03);
  CHECK(rep.risks[0].relative == 4.46);
  CHECK(rep.risks[0].band == risk_band::moderate);
  REQUIRE(rep.risks[0].drivers.size() == 1);
  CHECK(rep.risks[0].drivers[0].factor == "anticoagulant_doac");
  CHECK(rep.risks[0].drivers[0].weight == 1.61);
  CHECK(rep.prep == std::vector<std::string>{"..."});
  CHECK(rep.aftercare == std::vector<std::string>{"..."});
  CHECK(rep.warnings.empty());
}

TEST_CASE("json: report risks are put in complication order", "[json][report]") {
  const auto r = parse_report(R"({"schema": "mnscreen.report/1", "screened_on": "2026-12-01",
    "decision": "proceed", "complete": true, "risks": {
      "irritation": {"score": 0.05, "band": "moderate", "drivers": []},
      "infection": {"score": 0.01, "band": "low", "drivers": []},
      "sunburn": {"score": 0.5, "band": "high", "drivers": []}}})");
  CHECK(find_diag(r.diagnostics, "unknown_code", "$.risks.sunburn"));
  REQUIRE(r.value.risks.size() == 2);
  CHECK(r.value.risks[0].complication == complication::infection);
  CHECK(r.value.risks[1].complication == complication::irritation);
}

TEST_CASE("json: a report needs its decision and date", "[json][report]") {
  const auto r = parse_report(R"({"schema": "mnscreen.report/1", "decision": "maybe"})");
  CHECK(find_diag(r.diagnostics, "unknown_code", "$.decision"));
  CHECK(find_diag(r.diagnostics, "missing_field", "$.screened_on"));
  CHECK(find_diag(r.diagnostics, "missing_field", "$.complete"));
  CHECK_FALSE(r.ok());
}

}  // namespace
