// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/fit.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "model_test_support.hpp"
#include "test_support.hpp"

namespace mnscreen::test {
namespace {

outcome_record sample_record() {
  outcome_record r;
  r.record = healthy_intake();
  r.plan = basic_plan();
  r.outcomes[at(complication::bleeding_bruising)] = known::yes;
  r.outcomes[at(complication::infection)] = known::no;
  return r;
}

const std::string plan_json =
    R"({"date":"2026-12-01","device":"pen","needle_depth_mm":1.0,"areas":["cheeks"],)"
    R"("anesthetic":"none","setting":"clinic"})";
const std::string intake_json = R"({"patient":{"birth_date":"1980-06-15","fitzpatrick":3}})";

std::string line(const std::string& intake, const std::string& plan, const std::string& outcomes,
                 const std::string& extra = "") {
  return R"({"schema":"mnscreen.outcome/1",)" + extra + R"("intake":)" + intake + R"(,"plan":)" +
         plan + R"(,"outcomes":)" + outcomes + "}";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("outcomes: a record written as a line reads back equal", "[model][outcomes]") {
  const outcome_record r = sample_record();
  const std::string text = to_json_line(r);
  CHECK(text.find('\n') == std::string::npos);
  const outcome_file f = parse_outcomes(text + "\n");
  INFO(text);
  REQUIRE(f.skipped.empty());
  REQUIRE(f.records.size() == 1);
  CHECK(f.records[0] == r);
  CHECK(f.records[0].outcomes[at(complication::scarring)] == known::unknown);
}

TEST_CASE("outcomes: simulated records survive a JSON Lines round trip", "[model][outcomes]") {
  const auto records = simulate_outcomes(risk_model::prior(), 300, 11);
  std::string text;
  for (const auto& r : records) text += to_json_line(r) + "\n";
  const outcome_file f = parse_outcomes(text);
  for (const auto& s : f.skipped) FAIL_CHECK("line " << s.line << ": " << s.reason);
  REQUIRE(f.records.size() == records.size());
  const policy pol;
  for (std::size_t i = 0; i < records.size(); ++i) {
    INFO("record " << i << ": " << to_json_line(records[i]));
    CHECK(risk_feature_vector(f.records[i].record, f.records[i].plan, pol) ==
          risk_feature_vector(records[i].record, records[i].plan, pol));
    CHECK(f.records[i].outcomes == records[i].outcomes);
  }
}

TEST_CASE("outcomes: bad lines are skipped with their line number and reason; the rest is used",
          "[model][outcomes]") {
  const std::string ok = line(intake_json, plan_json, R"({"infection":false})");
  std::vector<std::string> lines{
      ok,                                                                        // 1
      R"({"schema":"mnscreen.outcome/1", "intake": )",                           // 2 malformed
      R"({"schema":"mnscreen.outcome/2","intake":{},"plan":{},"outcomes":{}})",  // 3 schema
      line(intake_json,
           R"({"date":"2026-12-01","device":"pen","needle_depth_mm":-1,"areas":["cheeks"],)"
           R"("anesthetic":"none","setting":"clinic"})",
           R"({"infection":true})"),                           // 4 bad depth
      line(intake_json, plan_json, R"({"sunstroke":true})"),   // 5 unknown word
      line(intake_json, plan_json, R"({"infection":"yes"})"),  // 6 not a bool
      line(intake_json, plan_json, R"({"infection":null})"),   // 7 nothing recorded
      "   ",                                                   // 8 blank
      line(intake_json, plan_json, R"({"scarring":true})", R"("clinic":"a",)"),  // 9 ok + warning
      R"([1,2,3])",                                                              // 10 not an object
      line(intake_json, plan_json, R"({"irritation":true})").substr(0, 60) + "}",  // 11 cut
      R"({"schema":"mnscreen.outcome/1","plan":)" + plan_json +
          R"(,"outcomes":{"infection":true}})",  // 12 no intake
  };
  std::string text;
  for (const auto& l : lines) text += l + "\r\n";
  const outcome_file f = parse_outcomes(text);
  REQUIRE(f.records.size() == 2);
  CHECK(f.records[0].outcomes[at(complication::infection)] == known::no);
  CHECK(f.records[1].outcomes[at(complication::scarring)] == known::yes);
  std::vector<std::size_t> skipped;
  for (const auto& s : f.skipped) skipped.push_back(s.line);
  CHECK(skipped == std::vector<std::size_t>{2, 3, 4, 5, 6, 7, 10, 11, 12});
  const auto reason = [&](std::size_t n) {
    for (const auto& s : f.skipped)
      if (s.line == n) return s.reason;
    return std::string();
  };
  CHECK(contains(reason(2), "not valid JSON"));
  CHECK(contains(reason(3), "mnscreen.outcome/2"));
  CHECK(contains(reason(4), "$.plan.needle_depth_mm"));
  CHECK(contains(reason(5), "$.outcomes.sunstroke"));
  CHECK(contains(reason(6), "\"yes\""));
  CHECK(contains(reason(7), "no outcome"));
  CHECK(contains(reason(10), "not a JSON object"));
  CHECK(contains(reason(12), "$.intake is missing"));
  REQUIRE(!f.warnings.empty());
  CHECK(f.warnings[0].line == 9);
  CHECK(contains(f.warnings[0].reason, "$.clinic"));
}

TEST_CASE("outcomes: an over-long line is skipped, not read", "[model][outcomes]") {
  read_limits limits;
  limits.max_bytes = 50;
  const outcome_file f =
      parse_outcomes(line(intake_json, plan_json, R"({"infection":false})"), limits);
  REQUIRE(f.skipped.size() == 1);
  CHECK(contains(f.skipped[0].reason, "over the limit"));
}

TEST_CASE("outcomes: the training set holds the feature vectors and coded outcomes",
          "[model][outcomes]") {
  std::vector<outcome_record> rs{sample_record(), sample_record()};
  rs[1].record.patient.smoker = known::yes;
  rs[1].outcomes[at(complication::infection)] = known::yes;
  const policy pol;
  const training_set t = make_training_set(rs, pol);
  const std::size_t nf = risk_features().size();
  REQUIRE(t.rows == 2);
  REQUIRE(t.features.size() == 2 * nf);
  REQUIRE(t.outcomes.size() == 2 * complication_count);
  const auto x1 = risk_feature_vector(rs[1].record, rs[1].plan, pol);
  CHECK(std::vector<double>(t.features.begin() + static_cast<std::ptrdiff_t>(nf),
                            t.features.end()) == x1);
  CHECK(t.outcomes[at(complication::bleeding_bruising)] == outcome_event);
  CHECK(t.outcomes[at(complication::infection)] == outcome_no_event);
  CHECK(t.outcomes[at(complication::scarring)] == outcome_not_recorded);
  CHECK(t.outcomes[complication_count + at(complication::infection)] == outcome_event);
}

}  // namespace mnscreen::test
