// SPDX-License-Identifier: Apache-2.0
// Issue 11 fields: plan `overrides[]`, and in the report a flag's `override`, a question's
// `if_yes` and `decision_before_overrides`: round trips, absent members, and diagnostics.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "io_test_support.hpp"
#include "mnscreen/json.hpp"
#include "test_support.hpp"

namespace {

using namespace mnscreen;
using mnscreen::test::d;
using mnscreen::test::dump;

bool has_error(const std::vector<diagnostic>& ds, std::string_view code, std::string_view path) {
  return std::any_of(ds.begin(), ds.end(), [&](const diagnostic& x) {
    return x.severity == severity::error && x.code == code && x.path == path;
  });
}

std::string plan_with_overrides(std::string_view overrides) {
  return R"({"schema":"mnscreen.plan/1","date":"2026-12-01","device":"pen",)"
         R"("needle_depth_mm":1,"areas":["cheeks"],"anesthetic":"none","setting":"clinic",)"
         R"("overrides":)" +
         std::string(overrides) + "}";
}

}  // namespace

TEST_CASE("json: plan overrides round-trip with every reason", "[json][round_trip][overrides]") {
  procedure_plan plan = mnscreen::test::basic_plan();
  for (override_reason reason : all_codes<override_reason>()) {
    rule_override o;
    o.rule_id = std::string(rule_catalogue()[plan.overrides.size()].id);
    o.reason = reason;
    o.by = "Dr \"Quote\" é";
    o.note = "line one\nline two";
    o.date = d("2026-11-30");
    plan.overrides.push_back(o);
  }
  // Absent members are left out of the text and stay absent.
  plan.overrides.back().by.clear();
  plan.overrides.back().note.clear();
  plan.overrides.back().date.reset();
  const std::string text = to_json(plan);
  INFO(text);
  CHECK(text.find(R"("overrides":[{"rule_id":"active_infection_in_area",)"
                  R"("reason":"prescriber_approved","by":)") != std::string::npos);
  CHECK(text.find(R"("reason":"other"})") != std::string::npos);
  const auto back = parse_plan(text);
  INFO(dump(back.diagnostics));
  CHECK(back.diagnostics.empty());
  CHECK(back.value == plan);
  // A plan without overrides is written as before (no key).
  CHECK(to_json(mnscreen::test::basic_plan()).find("overrides") == std::string::npos);
}

TEST_CASE("json: plan override diagnostics", "[json][overrides]") {
  SECTION("an unknown rule id is an error at its path") {
    const auto r =
        parse_plan(plan_with_overrides(R"([{"rule_id":"no_such_rule","reason":"other"}])"));
    INFO(dump(r.diagnostics));
    CHECK(has_error(r.diagnostics, "unknown_rule", "$.overrides[0].rule_id"));
    // Reported once, by the reader (validate's report of the same path is left out).
    CHECK(std::count_if(r.diagnostics.begin(), r.diagnostics.end(),
                        [](const diagnostic& x) { return x.code == "unknown_rule"; }) == 1);
  }
  SECTION("a bad reason word is an error and the override is dropped") {
    const auto r =
        parse_plan(plan_with_overrides(R"([{"rule_id":"pregnancy","reason":"because"},)"
                                       R"({"rule_id":"no_such_rule","reason":"other"}])"));
    INFO(dump(r.diagnostics));
    CHECK(has_error(r.diagnostics, "unknown_code", "$.overrides[0].reason"));
    // The second item keeps its JSON index in the paths although the first was dropped.
    CHECK(has_error(r.diagnostics, "unknown_rule", "$.overrides[1].rule_id"));
    REQUIRE(r.value.overrides.size() == 1);
    CHECK(r.value.overrides[0].rule_id == "no_such_rule");
  }
  SECTION("missing members and wrong types") {
    const auto r = parse_plan(plan_with_overrides(
        R"([{"reason":"other"},{"rule_id":"pregnancy"},{"rule_id":"pregnancy","reason":"other",)"
        R"("date":"yesterday","extra":1},7])"));
    INFO(dump(r.diagnostics));
    CHECK(has_error(r.diagnostics, "missing_field", "$.overrides[0].rule_id"));
    CHECK(has_error(r.diagnostics, "missing_field", "$.overrides[1].reason"));
    CHECK(has_error(r.diagnostics, "wrong_type", "$.overrides[3]"));
    CHECK(std::any_of(r.diagnostics.begin(), r.diagnostics.end(),
                      [](const diagnostic& x) { return x.path == "$.overrides[2].date"; }));
    CHECK(std::any_of(r.diagnostics.begin(), r.diagnostics.end(), [](const diagnostic& x) {
      return x.code == "unknown_key" && x.path == "$.overrides[2].extra";
    }));
  }
  SECTION("the same rule twice is an error") {
    const auto r = parse_plan(plan_with_overrides(
        R"([{"rule_id":"pregnancy","reason":"other"},{"rule_id":"pregnancy","reason":"other"}])"));
    CHECK(has_error(r.diagnostics, "duplicate_override", "$.overrides[1].rule_id"));
  }
}

TEST_CASE("json: report override, if_yes and decision_before_overrides round-trip",
          "[json][round_trip][overrides]") {
  report rep;
  rep.knowledge_version = "2026.1";
  rep.library_version = "0.1.0";
  rep.model = "prior";
  rep.screened_on = d("2026-12-01");
  rep.decision = decision::proceed_with_caution;
  rep.decision_before_overrides = decision::defer;
  rep.complete = false;
  for (decision dec : all_codes<decision>()) {
    question_item q;
    q.factor = question::pregnancy;
    q.ask = "Are you pregnant?";
    q.if_yes = dec;
    rep.questions.push_back(q);
  }
  rep.questions.push_back({question::sex, "What sex?", std::nullopt});
  flag f;
  f.rule_id = "recent_dermal_filler";
  f.effect = effect::defer;
  f.reason = "Filler 3 days ago.";
  f.action = "Defer.";
  f.earliest_safe_date = d("2026-12-12");
  f.evidence = {{"Clinic lists", evidence_level::expert_opinion}};
  rule_override o;
  o.rule_id = f.rule_id;
  o.reason = override_reason::information_incorrect;
  o.by = "Dr A";
  o.note = "filler was on the lips";
  o.date = d("2026-11-30");
  f.override_record = o;
  rep.flags.push_back(f);
  flag g = f;
  g.rule_id = "recent_sun_exposure";
  g.override_record = rule_override{g.rule_id, override_reason::not_applicable, "", "", {}};
  rep.flags.push_back(g);
  flag h = f;
  h.rule_id = "recent_neuromodulator";
  h.override_record.reset();
  rep.flags.push_back(h);

  const std::string text = to_json(rep);
  INFO(text);
  CHECK(text.find(R"("decision":"proceed_with_caution","decision_before_overrides":"defer",)") !=
        std::string::npos);
  CHECK(text.find(R"("if_yes":"cannot_screen")") != std::string::npos);
  CHECK(text.find(R"({"factor":"sex","ask":"What sex?"})") != std::string::npos);
  CHECK(text.find(R"("override":{"reason":"information_incorrect","by":"Dr A",)"
                  R"("note":"filler was on the lips","date":"2026-11-30"})") != std::string::npos);
  CHECK(text.find(R"("override":{"reason":"not_applicable"})") != std::string::npos);
  const auto back = parse_report(text);
  INFO(dump(back.diagnostics));
  CHECK(back.diagnostics.empty());
  CHECK(back.value == rep);

  SECTION("absent fields stay absent") {
    report plain = rep;
    plain.decision_before_overrides.reset();
    for (auto& q : plain.questions) q.if_yes.reset();
    for (auto& x : plain.flags) x.override_record.reset();
    const std::string t = to_json(plain);
    CHECK(t.find("decision_before_overrides") == std::string::npos);
    CHECK(t.find("if_yes") == std::string::npos);
    CHECK(t.find("\"override\"") == std::string::npos);
    CHECK(parse_report(t).value == plain);
  }
}

TEST_CASE("json: bad report override fields are reported", "[json][report][overrides]") {
  const std::string text =
      R"({"schema":"mnscreen.report/1","screened_on":"2026-12-01","decision":"proceed",)"
      R"("decision_before_overrides":"maybe","complete":true,)"
      R"("questions":[{"factor":"sex","ask":"?","if_yes":"perhaps"}],)"
      R"("flags":[{"rule_id":"pregnancy","effect":"defer","override":{"by":"x"}},)"
      R"({"rule_id":"minor","effect":"defer","override":"yes"}]})";
  const auto r = parse_report(text);
  INFO(dump(r.diagnostics));
  CHECK(has_error(r.diagnostics, "unknown_code", "$.decision_before_overrides"));
  CHECK(has_error(r.diagnostics, "unknown_code", "$.questions[0].if_yes"));
  CHECK(has_error(r.diagnostics, "missing_field", "$.flags[0].override.reason"));
  CHECK(has_error(r.diagnostics, "wrong_type", "$.flags[1].override"));
  CHECK_FALSE(r.value.decision_before_overrides.has_value());
  REQUIRE(r.value.flags.size() == 2);
  CHECK_FALSE(r.value.flags[0].override_record.has_value());
}

TEST_CASE("json: allow_override_do_not_treat round-trips and is checked",
          "[json][policy][overrides]") {
  policy pol;
  pol.allow_override_do_not_treat = true;
  const std::string text = to_json(pol);
  CHECK(text.find(R"("allow_override_do_not_treat":true)") != std::string::npos);
  const auto back = parse_policy(text);
  INFO(dump(back.diagnostics));
  CHECK(back.diagnostics.empty());
  CHECK(back.value == pol);
  CHECK(to_json(policy{}).find(R"("allow_override_do_not_treat":false)") != std::string::npos);
  const auto bad =
      parse_policy(R"({"schema":"mnscreen.policy/1","allow_override_do_not_treat":1})");
  CHECK(std::any_of(bad.diagnostics.begin(), bad.diagnostics.end(), [](const diagnostic& x) {
    return x.severity == severity::error && x.path == "$.allow_override_do_not_treat";
  }));
  CHECK_FALSE(bad.value.allow_override_do_not_treat);
}
