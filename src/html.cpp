// SPDX-License-Identifier: Apache-2.0
// Over 600 lines on purpose: one page, whose section writers share its builder and style sheet.
// `to_html`: the report as one self-contained printable page (docs/html-report.md). The markup is
// written so that it is well-formed XML as well as HTML5 (every element closed, void elements
// self-closed, attributes quoted), which lets the tests check its structure strictly. No
// scripts, no external references: the page renders the same offline, in a mail client or a
// browser's print preview. Every string taken from the report goes through html_escape().
#include "mnscreen/html.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "io/bounded.hpp"
#include "mnscreen/dates.hpp"
#include "mnscreen/diagnostic.hpp"
#include "mnscreen/vocabulary.hpp"
#include "text.hpp"

namespace mnscreen {
namespace {

std::string_view decision_label(decision d) noexcept {
  switch (d) {
    case decision::proceed:
      return "Proceed";
    case decision::proceed_with_caution:
      return "Proceed with caution";
    case decision::modify_plan:
      return "Modify the plan";
    case decision::defer:
      return "Defer";
    case decision::do_not_treat:
      return "Do not treat";
    case decision::cannot_screen:
      return "Cannot screen";
  }
  return "Unknown";
}

std::string_view effect_label(effect e) noexcept {
  switch (e) {
    case effect::info:
      return "Information";
    case effect::proceed_with_caution:
      return "Caution";
    case effect::modify_plan:
      return "Modify the plan";
    case effect::defer:
      return "Defer";
    case effect::do_not_treat:
      return "Do not treat";
  }
  return "Unknown";
}

// Okabe-Ito colours (colour-blind safe); text always says the same thing as the colour.
std::string_view band_colour(risk_band b) noexcept {
  switch (b) {
    case risk_band::low:
      return "#009E73";  // bluish green
    case risk_band::moderate:
      return "#E69F00";  // orange
    case risk_band::high:
      return "#D55E00";  // vermilion
  }
  return "#999999";
}

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// "2.8×" (one decimal; whole numbers from 100 up; ">999×" beyond), as to_text shows it.
std::string relative_text(double v) {
  if (!std::isfinite(v) || v < 0.0) return "n/a";
  std::string s = v >= 1000.0 ? std::string(">999") : fixed(v, v >= 100.0 ? 0 : 1);
  return s + "\xc3\x97";  // U+00D7 MULTIPLICATION SIGN
}

std::string setting_text(const setting_value& v) {
  if (const bool* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const double* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", *d);
    return buf;
  }
  return std::get<std::string>(v);
}

// The page's style sheet. Fits A4 (210 mm) and Letter (8.5 in) with 14 mm margins; colours are
// kept when printing; sections avoid breaking inside one flag or one question.
constexpr std::string_view style_sheet = R"css(
:root { --ink: #111; --muted: #555; --rule: #bbb; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 182mm; padding: 8mm 0; color: var(--ink);
  font: 10.5pt/1.4 "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; }
h1, h2, h3, h4 { margin: 0; line-height: 1.2; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 1.5pt solid var(--ink); }
h3 { font-size: 11pt; margin: 3mm 0 1.5mm; }
h4 { font-size: 10.5pt; }
p { margin: 1mm 0; }
code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 9.5pt; }
.banner { border: 2pt solid var(--ink); border-left-width: 8mm; padding: 3mm 4mm; }
.banner .kicker { color: var(--muted); font-size: 9.5pt; margin: 0; }
.banner h1 { font-size: 20pt; margin: 1mm 0; }
.banner .safe-date { font-size: 12pt; font-weight: bold; }
.decision-proceed { border-color: #009E73; }
.decision-proceed_with_caution { border-color: #F0E442; }
.decision-modify_plan { border-color: #E69F00; }
.decision-defer { border-color: #56B4E9; }
.decision-do_not_treat { border-color: #D55E00; }
.decision-cannot_screen { border-color: #999999; }
.badge { display: inline-block; padding: 0 2mm; border: 1pt solid var(--ink); border-radius: 2mm;
  font-size: 8.5pt; font-weight: bold; vertical-align: middle; }
.flag { border: 1pt solid var(--rule); border-left: 3pt solid var(--ink); padding: 2mm 3mm;
  margin: 0 0 2mm; break-inside: avoid; page-break-inside: avoid; }
.flag p { margin: 0.8mm 0; }
.flag .label { font-weight: bold; }
.flag ul { margin: 0.5mm 0 0.5mm 5mm; padding: 0; }
.group-do_not_treat .flag { border-left-color: #D55E00; }
.group-defer .flag { border-left-color: #56B4E9; }
.group-modify_plan .flag { border-left-color: #E69F00; }
.group-proceed_with_caution .flag { border-left-color: #F0E442; }
.group-info .flag { border-left-color: #999999; }
.override { border: 1pt dashed var(--ink); padding: 1mm 2mm; margin-top: 1mm; background: #f3f3f3; }
.overridden > h4 { text-decoration: line-through; }
ol.questions li { margin: 0 0 1.5mm; break-inside: avoid; page-break-inside: avoid; }
.if-yes { font-weight: bold; }
.muted { color: var(--muted); }
svg.risk-chart { width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
th, td { border-bottom: 0.75pt solid var(--rule); padding: 1mm 1.5mm; text-align: left;
  vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
ul.checklist { list-style: none; padding: 0; margin: 0; }
ul.checklist li { position: relative; padding-left: 7mm; margin: 0 0 1.5mm; break-inside: avoid;
  page-break-inside: avoid; }
ul.checklist .box { position: absolute; left: 0; top: 0.6mm; width: 3.8mm; height: 3.8mm;
  border: 1pt solid var(--ink); }
footer { margin-top: 8mm; padding-top: 2mm; border-top: 1pt solid var(--ink); font-size: 8.5pt;
  color: var(--muted); }
footer .disclaimer { color: var(--ink); font-weight: bold; }
@media print {
  body { padding: 0; max-width: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  svg.risk-chart, tr { break-inside: avoid; page-break-inside: avoid; }
}
)css";

class page {
 public:
  void raw(std::string_view s) { out_ += s; }
  void text(std::string_view s) { out_ += html_escape(s); }
  // <tag attrs>escaped text</tag>
  void element(std::string_view tag, std::string_view attrs, std::string_view content) {
    open(tag, attrs);
    text(content);
    close(tag);
  }
  void open(std::string_view tag, std::string_view attrs = {}) {
    out_ += '<';
    out_ += tag;
    if (!attrs.empty()) {
      out_ += ' ';
      out_ += attrs;
    }
    out_ += '>';
  }
  void close(std::string_view tag) {
    out_ += "</";
    out_ += tag;
    out_ += ">\n";
  }
  std::string take() && { return std::move(out_); }

 private:
  std::string out_;
};

// An attribute value: `name="escaped"`.
std::string attr(std::string_view name, std::string_view value) {
  return std::string(name) + "=\"" + html_escape(value) + "\"";
}

std::string earliest_safe_date_text(const report& rep) {
  switch (rep.decision) {
    case decision::proceed:
    case decision::proceed_with_caution:
      return rep.complete ? "Earliest safe date: the planned date (nothing defers it)."
                          : "Earliest safe date: the planned date, unless an answer to the "
                            "questions changes the decision.";
    case decision::modify_plan:
      return "Earliest safe date: the planned date, once the plan is changed as the findings "
             "say.";
    case decision::defer:
      return rep.defer_until ? "Earliest safe date: " + to_string(*rep.defer_until) + "."
                             : std::string(
                                   "Earliest safe date: not known; re-screen when the deferring "
                                   "condition has resolved.");
    case decision::do_not_treat:
      return "Earliest safe date: none; do not treat with this procedure.";
    case decision::cannot_screen:
      return "Earliest safe date: none; the inputs could not be screened (see the warnings).";
  }
  return {};
}

void write_banner(page& p, const report& rep) {
  const std::string cls = "banner decision-" + std::string(to_string(rep.decision));
  p.open("header", attr("class", cls) + " " + attr("id", "decision"));
  p.element("p", "class=\"kicker\"",
            "Microneedling screening report \xc2\xb7 screened on " + to_string(rep.screened_on));
  p.open("h1");
  p.text("Decision: ");
  p.element("span",
            attr("class", "decision-word") + " " + attr("data-decision", to_string(rep.decision)),
            decision_label(rep.decision));
  p.close("h1");
  p.element("p", "class=\"safe-date\" id=\"earliest-safe-date\"", earliest_safe_date_text(rep));
  if (rep.decision_before_overrides) {
    p.element("p", "class=\"before-overrides\" id=\"decision-before-overrides\"",
              "Before clinician overrides: " +
                  std::string(decision_label(*rep.decision_before_overrides)) +
                  ". The decision above leaves out the overridden findings (marked below).");
  }
  if (!rep.complete) {
    p.element("p", "class=\"incomplete\" id=\"incomplete\"",
              "Incomplete: " + std::to_string(rep.questions.size()) +
                  (rep.questions.size() == 1 ? " question is" : " questions are") +
                  " unanswered; the decision may change once they are answered (see Questions).");
  }
  p.close("header");
}

void write_override(page& p, const rule_override& o) {
  p.open("div", "class=\"override\"");
  p.open("p");
  p.element("span", "class=\"label\"", "Overridden by the clinician: ");
  std::string line = std::string(to_string(o.reason));
  if (!o.by.empty()) line += ", by " + o.by;
  if (o.date) line += ", on " + to_string(*o.date);
  line += ".";
  p.element("span", "class=\"override-reason\"", line);
  p.close("p");
  if (!o.note.empty()) {
    p.open("p");
    p.element("span", "class=\"label\"", "Note: ");
    p.element("span", "class=\"override-note\"", o.note);
    p.close("p");
  }
  p.close("div");
}

void write_flag(page& p, const flag& f) {
  const bool overridden = f.override_record.has_value();
  p.open("article", attr("class", overridden ? "flag overridden" : "flag") + " " +
                        attr("data-rule-id", f.rule_id));
  p.open("h4");
  p.element("code", "", f.rule_id);
  p.raw(" ");
  p.element("span", "class=\"badge\"", effect_label(f.effect));
  p.close("h4");
  if (!f.areas.empty()) {
    std::string areas;
    for (const auto a : f.areas) areas += (areas.empty() ? "" : ", ") + std::string(to_string(a));
    p.open("p");
    p.element("span", "class=\"label\"", "Areas: ");
    p.text(areas);
    p.close("p");
  }
  p.open("p", "class=\"reason\"");
  p.element("span", "class=\"label\"", "Reason: ");
  p.text(f.reason);
  p.close("p");
  p.open("p", "class=\"action\"");
  p.element("span", "class=\"label\"", "Action: ");
  p.text(f.action);
  p.close("p");
  if (f.earliest_safe_date) {
    p.open("p");
    p.element("span", "class=\"label\"", "Earliest safe date: ");
    p.text(to_string(*f.earliest_safe_date));
    p.close("p");
  }
  if (!f.complications.empty()) {
    std::string cs;
    for (const auto c : f.complications) cs += (cs.empty() ? "" : ", ") + std::string(to_string(c));
    p.open("p");
    p.element("span", "class=\"label\"", "Concerns: ");
    p.text(cs);
    p.close("p");
  }
  p.open("div", "class=\"evidence\"");
  p.element("span", "class=\"label\"", "Evidence:");
  if (f.evidence.empty()) {
    p.element("span", "class=\"muted\"", " none recorded");
  } else {
    p.open("ul");
    for (const auto& e : f.evidence) {
      p.open("li");
      p.element("span", "class=\"badge evidence-level\"", to_string(e.level));
      p.raw(" ");
      p.text(e.source);
      p.close("li");
    }
    p.close("ul");
  }
  p.close("div");
  if (overridden) write_override(p, *f.override_record);
  p.close("article");
}

void write_flags(page& p, const report& rep) {
  p.open("section", "id=\"flags\" class=\"flags\"");
  p.element("h2", "", "Findings (" + std::to_string(rep.flags.size()) + ")");
  if (rep.flags.empty()) {
    p.element("p", "class=\"muted\"", "No rule fired for this patient and plan.");
  }
  constexpr std::array<effect, 5> order{effect::do_not_treat, effect::defer, effect::modify_plan,
                                        effect::proceed_with_caution, effect::info};
  for (const effect e : order) {
    const auto n = std::count_if(rep.flags.begin(), rep.flags.end(),
                                 [e](const flag& f) { return f.effect == e; });
    if (n == 0) continue;
    p.open("section", attr("class", "effect-group group-" + std::string(to_string(e))) + " " +
                          attr("data-effect", to_string(e)));
    p.element("h3", "", std::string(effect_label(e)) + " (" + std::to_string(n) + ")");
    for (const auto& f : rep.flags)
      if (f.effect == e) write_flag(p, f);
    p.close("section");
  }
  p.close("section");
}

void write_questions(page& p, const report& rep) {
  if (rep.questions.empty()) return;
  p.open("section", "id=\"questions\" class=\"questions\"");
  p.element("h2", "", "Questions to ask (" + std::to_string(rep.questions.size()) + ")");
  p.element("p", "class=\"muted\"",
            "Unknown factors, most consequential first: \"if yes\" is the decision the screen "
            "would give were the answer yes.");
  p.open("ol", "class=\"questions\"");
  for (const auto& q : rep.questions) {
    p.open("li", attr("data-factor", to_string(q.factor)));
    p.text(q.ask);
    p.raw(" ");
    p.element("code", "class=\"muted\"", std::string("(") + std::string(to_string(q.factor)) + ")");
    if (q.if_yes) {
      p.raw(" ");
      p.element("span", attr("class", "if-yes") + " " + attr("data-if-yes", to_string(*q.if_yes)),
                "if yes: " + std::string(decision_label(*q.if_yes)));
    }
    p.close("li");
  }
  p.close("ol");
  p.close("section");
}

// The chart's horizontal scale: 0 to the smallest of 0.05, 0.10, 0.25, 0.5, 1 that holds every
// score and reference (so small scores stay readable and the scale is stated on the axis).
double chart_max(const std::vector<risk_score>& risks) {
  double m = 0.0;
  for (const auto& r : risks) {
    if (std::isfinite(r.score)) m = std::max(m, r.score);
    if (std::isfinite(r.reference)) m = std::max(m, r.reference);
  }
  for (const double s : {0.05, 0.10, 0.25, 0.5})
    if (m <= s) return s;
  return 1.0;
}

void write_risk_chart(page& p, const std::vector<risk_score>& risks) {
  constexpr int label_w = 150;
  constexpr int bar_w = 300;
  constexpr int text_x = label_w + bar_w + 10;
  constexpr int width = 680;
  constexpr int row_h = 26;
  constexpr int top = 24;
  const int height = top + row_h * static_cast<int>(risks.size()) + 30;
  const double max = chart_max(risks);
  const auto pos = [&](double v) {
    const double c = std::isfinite(v) ? std::clamp(v / max, 0.0, 1.0) : 0.0;
    return label_w + c * bar_w;
  };
  const auto x_of = [&](double v) { return fixed(pos(v), 1); };
  p.open("svg",
         "xmlns=\"http://www.w3.org/2000/svg\" class=\"risk-chart\" role=\"img\" "
         "aria-labelledby=\"risk-chart-title\" viewBox=\"0 0 " +
             std::to_string(width) + " " + std::to_string(height) + "\" width=\"" +
             std::to_string(width) + "\" height=\"" + std::to_string(height) + "\"");
  p.element("title", "id=\"risk-chart-title\"",
            "Risk of each complication: bar = this patient's score, black mark = the reference "
            "patient's score; the band is written beside each bar.");
  p.raw("<g font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\" font-size=\"11\">\n");
  // Axis ticks: 0, half, max.
  for (const double t : {0.0, max / 2, max}) {
    const std::string x = x_of(t);
    p.raw(detail::text::cat("<line x1=\"", x, "\" y1=\"", detail::text::integer(top - 4),
                            "\" x2=\"", x, "\" y2=\"", detail::text::integer(height - 26),
                            "\" stroke=\"#cccccc\" stroke-width=\"1\"/>\n"));
    p.raw(detail::text::cat("<text x=\"", x, "\" y=\"", detail::text::integer(height - 12),
                            "\" text-anchor=\"middle\" fill=\"#555555\">", fixed(t * 100.0, 1),
                            "%</text>\n"));
  }
  p.raw("<text x=\"" + std::to_string(label_w) + "\" y=\"14\" fill=\"#555555\">score (0 to " +
        fixed(max * 100.0, 0) + "%); black mark: reference patient</text>\n");
  int y = top;
  for (const auto& r : risks) {
    const std::string name(to_string(r.complication));
    const std::string colour(band_colour(r.band));
    p.raw("<g class=\"risk-row\" data-complication=\"" + name + "\" data-band=\"" +
          std::string(to_string(r.band)) + "\">\n");
    p.raw("<text x=\"" + std::to_string(label_w - 8) + "\" y=\"" + std::to_string(y + 15) +
          "\" text-anchor=\"end\" fill=\"#111111\">" + html_escape(name) + "</text>\n");
    p.raw("<rect x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(y + 4) +
          "\" width=\"" + std::to_string(bar_w) +
          "\" height=\"14\" fill=\"#f2f2f2\" stroke=\"#bbbbbb\" stroke-width=\"0.5\"/>\n");
    const double w = pos(r.score) - label_w;
    p.raw("<rect class=\"bar\" x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(y + 4) +
          "\" width=\"" + fixed(std::max(w, 0.0), 1) + "\" height=\"14\" fill=\"" + colour +
          "\"/>\n");
    if (r.reference > 0.0) {
      const std::string rx = x_of(r.reference);
      p.raw(detail::text::cat("<line class=\"reference\" x1=\"", rx, "\" y1=\"",
                              detail::text::integer(y + 1), "\" x2=\"", rx, "\" y2=\"",
                              detail::text::integer(y + 21),
                              "\" stroke=\"#000000\" stroke-width=\"2.5\"/>\n"));
    }
    std::string label = fixed(r.score, 3) + " " + std::string(to_string(r.band));
    if (r.reference > 0.0) label += " (" + relative_text(r.relative) + " reference)";
    if (r.score > max) label += " (off scale)";
    p.raw("<text x=\"" + std::to_string(text_x) + "\" y=\"" + std::to_string(y + 15) +
          "\" fill=\"#111111\">" + html_escape(label) + "</text>\n");
    p.raw("</g>\n");
    y += row_h;
  }
  p.raw("</g>\n");
  p.close("svg");
}

void write_risks(page& p, const report& rep) {
  if (rep.risks.empty()) return;
  p.open("section", "id=\"risks\" class=\"risks\"");
  p.element("h2", "", "Risks");
  p.element("p", "class=\"muted\"",
            "Model: " + (rep.model.empty() ? std::string("(none)") : rep.model) +
                ". The band is the more serious of the absolute band (the probability) and the "
                "relative band (times the reference patient: no risk factor, same area group, "
                "clinic pen at 1.5 mm or less, Fitzpatrick I-III). Colours: green low, orange "
                "moderate, vermilion high.");
  write_risk_chart(p, rep.risks);
  p.open("table", "class=\"risk-table\"");
  p.raw(
      "<thead><tr><th>complication</th><th>score</th><th>band</th><th>reference</th>"
      "<th>relative</th><th>raised by</th></tr></thead>\n");
  p.open("tbody");
  for (const auto& r : rep.risks) {
    p.open("tr", attr("data-complication", to_string(r.complication)));
    p.element("td", "", to_string(r.complication));
    p.element("td", "class=\"num\"", fixed(r.score, 3));
    p.element("td", "", to_string(r.band));
    p.element("td", "class=\"num\"", r.reference > 0.0 ? fixed(r.reference, 3) : "not given");
    p.element("td", "class=\"num\"", r.reference > 0.0 ? relative_text(r.relative) : "not given");
    std::string drivers;
    for (const auto& d : r.drivers) drivers += (drivers.empty() ? "" : ", ") + d.factor;
    p.element("td", "", drivers.empty() ? std::string("\xe2\x80\x94") : drivers);  // em dash
    p.close("tr");
  }
  p.close("tbody");
  p.close("table");
  p.close("section");
}

void write_checklist(page& p, std::string_view id, std::string_view title,
                     const std::vector<std::string>& items) {
  if (items.empty()) return;
  p.open("section", attr("id", id) + " class=\"checklist-section\"");
  p.element("h2", "", title);
  p.open("ul", "class=\"checklist\"");
  for (const auto& item : items) {
    p.open("li");
    p.raw("<span class=\"box\" aria-hidden=\"true\"></span>");
    p.text(item);
    p.close("li");
  }
  p.close("ul");
  p.close("section");
}

void write_warnings(page& p, const report& rep) {
  if (rep.warnings.empty()) return;
  p.open("section", "id=\"warnings\" class=\"warnings\"");
  p.element("h2", "", "Warnings about the inputs");
  p.open("ul");
  for (const auto& w : rep.warnings) {
    std::string line;
    if (w.severity != severity::warning) line = std::string(to_string(w.severity)) + ": ";
    line += format(w);
    p.element("li", "", line);
  }
  p.close("ul");
  p.close("section");
}

void write_footer(page& p, const report& rep) {
  p.open("footer", "id=\"footer\"");
  std::string versions =
      "mnscreen library " +
      (rep.library_version.empty() ? std::string("(unknown)") : rep.library_version) +
      " \xc2\xb7 knowledge version " + rep.knowledge_version;
  p.element("p", "class=\"versions\"", versions);
  std::string policy_line = "Policy: " + rep.policy_name;
  if (rep.policy_overrides.empty()) {
    policy_line += " (cited defaults, no overrides).";
  } else {
    policy_line += "; overrides of the cited defaults: ";
    bool first = true;
    for (const auto& [name, value] : rep.policy_overrides) {
      policy_line += (first ? "" : ", ") + name + " = " + setting_text(value);
      first = false;
    }
    policy_line += ".";
  }
  p.element("p", "class=\"policy\"", policy_line);
  p.element("p", "class=\"model\"",
            "Risk model: " + (rep.model.empty() ? std::string("(none)") : rep.model) + ".");
  p.element("p", "class=\"disclaimer\"",
            "Decision support, not a decision: this report supports the treating clinician's "
            "judgement and does not replace it. It is only as complete as the information "
            "entered; unknown factors are listed as questions, never assumed absent. Many rules "
            "rest on weak evidence (see each finding's evidence level); the risk scores are "
            "extrapolated priors unless the model says it was fitted on outcomes.");
  p.close("footer");
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20U && c != '\t' && c != '\n' && c != '\r')
          out += "\xef\xbf\xbd";  // U+FFFD: control characters are not text (nor valid XML)
        else if (c == '\x7f')
          out += "\xef\xbf\xbd";
        else
          out += c;
    }
  }
  return out;
}

std::string to_html(const report& rep, const html_options& options) {
  // Strings longer than the report bound are cut as to_json cuts them (src/io/bounded.hpp).
  if (detail::has_long_strings(rep)) {
    report cut = rep;
    detail::cut_long_strings(cut);
    return to_html(cut, options);
  }
  page p;
  p.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
  p.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
  p.raw("<meta name=\"generator\" " +
        attr("content",
             "mnscreen " + rep.library_version + " (knowledge " + rep.knowledge_version + ")") +
        "/>\n");
  p.element("title", "",
            "Microneedling screening: " + std::string(decision_label(rep.decision)) + " (" +
                to_string(rep.screened_on) + ")");
  p.raw("<style>");
  p.raw(style_sheet);
  switch (options.paper) {
    case paper_size::any:
      p.raw("@page { size: auto; margin: 14mm; }\n");
      break;
    case paper_size::a4:
      p.raw("@page { size: A4; margin: 14mm; }\n");
      break;
    case paper_size::letter:
      p.raw("@page { size: letter; margin: 14mm; }\n");
      break;
  }
  p.raw("</style>\n</head>\n<body>\n");
  write_banner(p, rep);
  p.raw("<main>\n");
  write_flags(p, rep);
  write_questions(p, rep);
  write_risks(p, rep);
  write_checklist(p, "prep", "Preparation checklist", rep.prep);
  write_checklist(p, "aftercare", "Aftercare checklist", rep.aftercare);
  write_warnings(p, rep);
  p.raw("</main>\n");
  write_footer(p, rep);
  p.raw("</body>\n</html>\n");
  return std::move(p).take();
}

}  // namespace mnscreen
