// SPDX-License-Identifier: Apache-2.0
// Tests of `mnscreen::to_text` (src/report_text.cpp), the summary `mnscreen screen --format text`
// prints: decision first, every line within 100 columns, bars, footer, determinism.
#include "mnscreen/json.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using mnscreen::test::d;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// A report with one of everything, the shape the screener produces.
mnscreen::report sample_report() {
  mnscreen::report r;
  r.knowledge_version = "2026.1";
  r.library_version = "0.1.0";
  r.model = "prior-2026.1 (not validated on outcomes)";
  r.screened_on = d("2026-12-01");
  r.decision = mnscreen::decision::defer;
  r.defer_until = d("2027-03-14");
  mnscreen::flag f;
  f.rule_id = "isotretinoin_recent";
  f.effect = mnscreen::effect::defer;
  f.complications = {mnscreen::complication::scarring};
  f.areas = {mnscreen::area::cheeks, mnscreen::area::chin};
  f.reason = "Oral isotretinoin stopped on 2026-09-15, inside the 180-day wash-out.";
  f.action = "Defer until 2027-03-14.";
  f.earliest_safe_date = d("2027-03-14");
  f.evidence = {{"isotretinoin labelling", mnscreen::evidence_level::label}};
  r.flags.push_back(f);
  for (const auto c : mnscreen::all_codes<mnscreen::complication>()) {
    mnscreen::risk_score s;
    s.complication = c;
    s.score = 0.01;
    r.risks.push_back(s);
  }
  r.prep = {"Stop topical retinoids 5 days before."};
  r.aftercare = {"Use sunscreen every day."};
  return r;
}

}  // namespace

TEST_CASE("report_text: the decision comes first, with the defer-until date", "[report_text]") {
  auto r = sample_report();
  auto lines = lines_of(mnscreen::to_text(r));
  REQUIRE(!lines.empty());
  CHECK(lines.front() == "DECISION: DEFER until 2027-03-14");

  r.defer_until.reset();
  CHECK(lines_of(mnscreen::to_text(r)).front() == "DECISION: DEFER (no fixed end date)");

  SECTION("every decision has its own heading") {
    using mnscreen::decision;
    const std::vector<std::pair<decision, std::string>> cases = {
        {decision::proceed, "DECISION: PROCEED"},
        {decision::proceed_with_caution, "DECISION: PROCEED WITH CAUTION"},
        {decision::modify_plan, "DECISION: MODIFY PLAN"},
        {decision::do_not_treat, "DECISION: DO NOT TREAT"},
        {decision::cannot_screen, "DECISION: CANNOT SCREEN"}};
    for (const auto& [dec, heading] : cases) {
      r.decision = dec;
      CHECK(lines_of(mnscreen::to_text(r)).front() == heading);
    }
  }
}

TEST_CASE("report_text: flags show effect, rule id, areas, reason, action and evidence",
          "[report_text]") {
  const auto text = mnscreen::to_text(sample_report());
  CHECK(text.find("1. [DEFER] isotretinoin_recent - scarring\n") != std::string::npos);
  CHECK(text.find("Areas: cheeks, chin. Safe from 2027-03-14.\n") != std::string::npos);
  CHECK(text.find("Why: Oral isotretinoin stopped on 2026-09-15") != std::string::npos);
  CHECK(text.find("Do: Defer until 2027-03-14.\n") != std::string::npos);
  CHECK(text.find("Evidence: isotretinoin labelling (label)\n") != std::string::npos);
  CHECK(text.find("Preparation\n  - Stop topical retinoids 5 days before.\n") != std::string::npos);
  CHECK(text.find("Aftercare\n  - Use sunscreen every day.\n") != std::string::npos);
}

TEST_CASE("report_text: an incomplete screen says so and lists the questions", "[report_text]") {
  auto r = sample_report();
  r.decision = mnscreen::decision::proceed_with_caution;
  r.flags.clear();
  r.complete = false;
  r.questions = {{mnscreen::question::pregnancy, "Are you pregnant, or could you be?"}};
  const auto text = mnscreen::to_text(r);
  CHECK(text.find("Screen INCOMPLETE: 1 question unanswered") != std::string::npos);
  CHECK(text.find("Questions to ask before treating\n"
                  "  - pregnancy: Are you pregnant, or could you be?\n") != std::string::npos);
  CHECK(text.find("Flags: none.\n") != std::string::npos);
}

TEST_CASE("report_text: risks are bars of one mark per percentage point", "[report_text]") {
  auto r = sample_report();
  r.risks[0].score = 0.031;
  r.risks[0].band = mnscreen::risk_band::low;
  r.risks[0].drivers = {{"anticoagulant_doac", 1.6}, {"age_over_67", 0.7}};
  r.risks[1].score = 0.5;
  r.risks[1].band = mnscreen::risk_band::high;
  r.risks[2].score = 0.0;
  r.risks[3].score = std::numeric_limits<double>::quiet_NaN();
  const auto text = mnscreen::to_text(r);
  CHECK(text.find("  bleeding_bruising  [###.......] 0.031 low      anticoagulant_doac, "
                  "age_over_67\n") != std::string::npos);
  CHECK(text.find("  infection          [##########] 0.500 high\n") != std::string::npos);
  CHECK(text.find("  scarring           [..........] 0.000 low\n") != std::string::npos);
  CHECK(text.find("  dyspigmentation    [..........] n/a low\n") != std::string::npos);
}

TEST_CASE("report_text: the footer names knowledge, policy overrides and model", "[report_text]") {
  auto r = sample_report();
  auto text = mnscreen::to_text(r);
  CHECK(text.find("Knowledge 2026.1, library 0.1.0.\n") != std::string::npos);
  CHECK(text.find("Policy: default (cited defaults, no overrides).\n") != std::string::npos);
  CHECK(text.find("Risk model: prior-2026.1 (not validated on outcomes).\n") != std::string::npos);

  r.policy_name = "permissive-isotretinoin";
  r.policy_overrides = {{"isotretinoin_washout_days", 30.0},
                        {"require_hsv_prophylaxis", false},
                        {"home_max_depth_mm", 0.5},
                        {"isotretinoin_current_effect", std::string{"proceed_with_caution"}}};
  text = mnscreen::to_text(r);
  CHECK(text.find("Policy: permissive-isotretinoin, overrides of the cited defaults:\n"
                  "  isotretinoin_washout_days = 30\n"
                  "  require_hsv_prophylaxis = false\n"
                  "  home_max_depth_mm = 0.5\n"
                  "  isotretinoin_current_effect = proceed_with_caution\n") != std::string::npos);
}

TEST_CASE("report_text: warnings show their path, and errors their severity", "[report_text]") {
  auto r = sample_report();
  r.warnings = {{mnscreen::severity::warning, "unknown_key", "$.patient.colour",
                 "intake.json: unknown key, ignored"},
                {mnscreen::severity::error, "range", "$.needle_depth_mm", "-1 is not a depth"}};
  const auto text = mnscreen::to_text(r);
  CHECK(text.find("  - $.patient.colour: intake.json: unknown key, ignored\n") !=
        std::string::npos);
  CHECK(text.find("  - error: $.needle_depth_mm: -1 is not a depth\n") != std::string::npos);
}

TEST_CASE("report_text: no line is longer than 100 columns, whatever the text", "[report_text]") {
  auto r = sample_report();
  std::string long_reason;
  for (int i = 0; i < 60; ++i) long_reason += "word" + std::to_string(i) + " ";
  r.flags[0].reason = long_reason;
  r.flags[0].action = std::string(250, 'x');  // one unbreakable "word"
  r.flags[0].evidence.push_back({std::string(120, 'y'), mnscreen::evidence_level::review});
  r.aftercare.push_back("Évitez le soleil — " + std::string(90, 'z') + "é µ ≥ 0.5 mm");
  r.warnings = {{mnscreen::severity::warning, "unknown_key", "$." + std::string(150, 'k'),
                 "unknown key, ignored"}};
  r.risks[0].drivers.assign(20, {"a_fairly_long_driver_name", 1.0});
  const auto text = mnscreen::to_text(r);
  for (const auto& line : lines_of(text)) {
    INFO(line);
    CHECK(line.size() <= 100);
    CHECK((line.empty() || line.back() != ' '));
  }
  // Nothing was lost: the long word comes out whole, only split across lines.
  std::string joined;
  for (const auto& line : lines_of(text)) joined += line;
  CHECK(joined.find(std::string(60, 'x')) != std::string::npos);
  std::size_t xs = 0;
  for (const char c : text) xs += c == 'x' ? 1U : 0U;
  CHECK(xs == 250);
  CHECK(text.find("word59") != std::string::npos);
  CHECK(text.find("≥ 0.5 mm") != std::string::npos);
}

TEST_CASE("report_text: a screener report renders the same every time", "[report_text]") {
  auto in = mnscreen::test::healthy_intake();
  in.medications.push_back({.code = mnscreen::medication_code::fish_oil,
                            .route = mnscreen::route::oral,
                            .start = d("2025-01-01")});
  const mnscreen::screener s;
  const auto r = s.screen(in, mnscreen::test::basic_plan());
  const auto text = mnscreen::to_text(r);
  CHECK(text == mnscreen::to_text(s.screen(in, mnscreen::test::basic_plan())));
  CHECK(text.rfind("DECISION: PROCEED WITH CAUTION\n", 0) == 0);
  CHECK(text.find("[CAUTION] bleeding_supplements") != std::string::npos);
  CHECK(text.back() == '\n');
  CHECK(lines_of(text).size() < 80);  // short: a page for clinic staff, not a dossier
}
