// SPDX-License-Identifier: Apache-2.0
// Unit tests of to_html (src/html.cpp): escaping of every record string, the page's parts, the
// override / if_yes / decision_before_overrides display, determinism, no external assets.
// The strict structure check and the browser rendering run the tool (tests/cli/CMakeLists.txt).
#include "mnscreen/html.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "mnscreen/screener.hpp"
#include "test_support.hpp"

namespace mnscreen::test {
namespace {

constexpr std::string_view evil = "<script>alert(1)</script>";

std::size_t count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto p = haystack.find(needle); p != std::string_view::npos;
       p = haystack.find(needle, p + needle.size()))
    ++n;
  return n;
}

report evil_report() {
  report r;
  r.knowledge_version = "2026.2<i>";
  r.library_version = "0.1.0\"'";
  r.policy_name = std::string(evil);
  r.policy_overrides = {{"inr_max", setting_value{2.5}}};
  r.model = "fitted <b>model</b> & co";
  r.screened_on = d("2026-12-01");
  r.decision = decision::defer;
  r.decision_before_overrides = decision::do_not_treat;
  r.defer_until = d("2027-01-15");
  r.complete = false;
  flag f;
  f.rule_id = "anticoagulant_therapy\"><img src=x onerror=alert(1)>";
  f.effect = effect::defer;
  f.complications = {complication::bleeding_bruising};
  f.reason = "Currently taking " + std::string(evil) + " & \"friends\".";
  f.action = "Do <u>this</u>.";
  f.earliest_safe_date = d("2027-01-15");
  f.evidence = {{"Source <a href='http://x'>link</a>", evidence_level::label}};
  flag o;
  o.rule_id = "bleeding_disorder";
  o.effect = effect::do_not_treat;
  o.reason = "Bleeding disorder.";
  o.action = "Do not needle.";
  rule_override ov;
  ov.rule_id = "bleeding_disorder";
  ov.reason = override_reason::information_incorrect;
  ov.by = "Dr <b>X</b>";
  ov.note = "Haematology letter says " + std::string(evil);
  ov.date = d("2026-11-30");
  o.override_record = ov;
  r.flags = {o, f};
  r.questions = {{question::pregnancy, "Pregnant? <marquee>", decision::defer},
                 {question::hsv_labialis, "Cold sores?", decision::proceed_with_caution},
                 {question::anticoagulant, "Blood thinner?", std::nullopt}};
  r.risks = {{complication::bleeding_bruising,
              0.085,
              risk_band::moderate,
              {{"anticoagulant_vka<>", 1.09}},
              0.03,
              0.085 / 0.03}};
  r.prep = {"Stop <ibuprofen> & aspirin"};
  r.aftercare = {"Sunscreen \"SPF 30\""};
  r.warnings = {{severity::warning, "unknown_key", "$.patient[\"<script>\"]", "unknown key"}};
  return r;
}

}  // namespace

TEST_CASE("html: html_escape escapes markup and drops control characters", "[html]") {
  CHECK(html_escape("a<b>&\"c'd") == "a&lt;b&gt;&amp;&quot;c&#39;d");
  CHECK(html_escape("tab\tline\nreturn\r") == "tab\tline\nreturn\r");
  CHECK(html_escape(std::string("x\x01y\x7fz", 5)) == "x\xef\xbf\xbdy\xef\xbf\xbdz");
  CHECK(html_escape("caf\xc3\xa9 \xc3\x97") == "caf\xc3\xa9 \xc3\x97");  // UTF-8 kept
  CHECK(html_escape("&amp;") == "&amp;amp;");                            // no double meaning
}

TEST_CASE("html: every record string holding markup is shown as text", "[html][escape]") {
  const std::string page = to_html(evil_report());
  INFO(page);
  // No element from the record: the only '<script' or '<img' would come from a record string.
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<img") == std::string::npos);
  CHECK(page.find("<marquee") == std::string::npos);
  CHECK(page.find("<a ") == std::string::npos);
  CHECK(page.find("<u>") == std::string::npos);
  CHECK(page.find("<b>") == std::string::npos);
  CHECK(page.find("<i>") == std::string::npos);
  CHECK(page.find("<ibuprofen>") == std::string::npos);
  // ...and each is there, escaped, as text.
  CHECK(count(page, "&lt;script&gt;alert(1)&lt;/script&gt;") >= 3);  // reason, note, policy
  CHECK(page.find("Currently taking &lt;script&gt;alert(1)&lt;/script&gt; &amp; "
                  "&quot;friends&quot;.") != std::string::npos);
  CHECK(page.find("anticoagulant_therapy&quot;&gt;&lt;img src=x onerror=alert(1)&gt;") !=
        std::string::npos);
  CHECK(page.find("data-rule-id=\"anticoagulant_therapy&quot;&gt;&lt;img") != std::string::npos);
  CHECK(page.find("Source &lt;a href=&#39;http://x&#39;&gt;link&lt;/a&gt;") != std::string::npos);
  CHECK(page.find("Dr &lt;b&gt;X&lt;/b&gt;") != std::string::npos);
  CHECK(page.find("Pregnant? &lt;marquee&gt;") != std::string::npos);
  CHECK(page.find("Stop &lt;ibuprofen&gt; &amp; aspirin") != std::string::npos);
  CHECK(page.find("Sunscreen &quot;SPF 30&quot;") != std::string::npos);
  CHECK(page.find("fitted &lt;b&gt;model&lt;/b&gt; &amp; co") != std::string::npos);
  CHECK(page.find("2026.2&lt;i&gt;") != std::string::npos);
  CHECK(page.find("0.1.0&quot;&#39;") != std::string::npos);
  CHECK(page.find("anticoagulant_vka&lt;&gt;") != std::string::npos);
  CHECK(page.find("$.patient[&quot;&lt;script&gt;&quot;]") != std::string::npos);
}

TEST_CASE("html: the page's parts", "[html]") {
  const std::string page = to_html(evil_report());
  INFO(page);
  CHECK(page.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0) == 0);
  CHECK(page.find("<meta charset=\"utf-8\"/>") != std::string::npos);
  // Self-contained: no scripts, nothing fetched (the record's "src=x" is escaped text, never an
  // attribute: attributes are written name="value").
  CHECK(page.find("src=\"") == std::string::npos);
  CHECK(page.find("href=\"") == std::string::npos);
  CHECK(page.find("url(") == std::string::npos);
  CHECK(page.find("@import") == std::string::npos);
  // Print CSS.
  CHECK(page.find("@page { size: auto; margin: 14mm; }") != std::string::npos);
  CHECK(page.find("@media print") != std::string::npos);
  // Banner: decision, earliest safe date, the decision before overrides, incomplete.
  CHECK(page.find("data-decision=\"defer\">Defer</span>") != std::string::npos);
  CHECK(page.find("Earliest safe date: 2027-01-15.") != std::string::npos);
  CHECK(page.find("Before clinician overrides: Do not treat.") != std::string::npos);
  CHECK(page.find("Incomplete: 3 questions are unanswered") != std::string::npos);
  // Flags grouped by effect, most serious first; the override shown with reason, by, date, note.
  const auto dnt = page.find("data-effect=\"do_not_treat\"");
  const auto def = page.find("data-effect=\"defer\"");
  REQUIRE(dnt != std::string::npos);
  REQUIRE(def != std::string::npos);
  CHECK(dnt < def);
  CHECK(page.find("class=\"flag overridden\" data-rule-id=\"bleeding_disorder\"") !=
        std::string::npos);
  CHECK(page.find("information_incorrect, by Dr &lt;b&gt;X&lt;/b&gt;, on 2026-11-30.") !=
        std::string::npos);
  CHECK(page.find(">label</span>") != std::string::npos);  // evidence level
  // Questions in the report's order with "if yes".
  const auto q1 = page.find("data-factor=\"pregnancy\"");
  const auto q2 = page.find("data-factor=\"hsv_labialis\"");
  const auto q3 = page.find("data-factor=\"anticoagulant\"");
  CHECK(q1 < q2);
  CHECK(q2 < q3);
  CHECK(page.find("if yes: Defer</span>") != std::string::npos);
  CHECK(page.find("if yes: Proceed with caution</span>") != std::string::npos);
  CHECK(count(page, "if yes:") == 2);  // the third has no what-if
  // Risk chart: inline SVG with the bar in the band's Okabe-Ito colour, the reference marked,
  // and the label in text.
  CHECK(page.find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"risk-chart\"") !=
        std::string::npos);
  CHECK(page.find("fill=\"#E69F00\"") != std::string::npos);  // moderate: orange
  CHECK(page.find("class=\"reference\"") != std::string::npos);
  CHECK(page.find("0.085 moderate (2.8\xc3\x97 reference)") != std::string::npos);
  // Checklists and footer.
  CHECK(page.find("<ul class=\"checklist\">") != std::string::npos);
  CHECK(page.find("inr_max = 2.5") != std::string::npos);
  CHECK(page.find("Decision support, not a decision") != std::string::npos);
  // Paper options.
  CHECK(to_html(evil_report(), {paper_size::a4}).find("@page { size: A4;") != std::string::npos);
  CHECK(to_html(evil_report(), {paper_size::letter}).find("@page { size: letter;") !=
        std::string::npos);
}

TEST_CASE("html: a screened report, deterministic", "[html]") {
  const screener s;
  const report r = s.screen(healthy_intake(), basic_plan());
  const std::string page = to_html(r);
  CHECK(page == to_html(r));
  CHECK(page.find("data-decision=\"proceed\">Proceed</span>") != std::string::npos);
  CHECK(page.find("No rule fired for this patient and plan.") != std::string::npos);
  CHECK(count(page, "class=\"risk-row\"") == 7);
  CHECK(count(page, "class=\"reference\"") == 7);
  CHECK(count(page, "low (1.0\xc3\x97 reference)") == 7);     // every healthy patient is low
  CHECK(page.find("id=\"questions\"") == std::string::npos);  // complete: no questions
  CHECK(page.find("knowledge version 2026.2") != std::string::npos);
  // A 2026.1 report read back (no reference): no ratio and no mark is invented.
  report old = r;
  for (auto& k : old.risks) {
    k.reference = 0.0;
    k.relative = 1.0;
  }
  const std::string old_page = to_html(old);
  CHECK(count(old_page, "class=\"reference\"") == 0);
  CHECK(old_page.find("reference)") == std::string::npos);
  CHECK(count(old_page, ">not given</td>") == 14);
}

TEST_CASE("html: long strings are cut as to_json cuts them", "[html]") {
  report r = evil_report();
  r.prep = {std::string(200000, 'x')};
  const std::string page = to_html(r);
  CHECK(page.size() < 150000);
  CHECK(page.find("[cut, 200000 bytes in all]") != std::string::npos);
}

}  // namespace mnscreen::test
