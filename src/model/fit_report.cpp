// SPDX-License-Identifier: Apache-2.0
// The HTML fit report: one self-contained page, inline SVG, no script and no external resource,
// so that it opens from a file on any machine.
#include "mnscreen/fit.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "mnscreen/html.hpp"
#include "mnscreen/version.hpp"
#include "text.hpp"

namespace mnscreen {
namespace {

constexpr double plot_size = 240.0;
constexpr double margin = 40.0;

// Every string from the data goes through the report's escaper (mnscreen/html.hpp).
std::string escape(std::string_view s) { return html_escape(s); }

std::string num(double v, int decimals = 3) {
  if (std::isnan(v)) return "&ndash;";
  if (std::isinf(v)) return v > 0 ? "&infin;" : "-&infin;";
  std::array<char, 64> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "%.*f", decimals, v);
  return std::string(buf.data(), static_cast<std::size_t>(std::max(n, 0)));
}

// Plot coordinates: x to the right, y up, both from 0 to `scale`.
struct frame {
  double scale = 1.0;
  [[nodiscard]] double px(double x) const { return margin + x / scale * plot_size; }
  [[nodiscard]] double py(double y) const { return margin + plot_size - y / scale * plot_size; }
};

std::string svg_open(const frame& f, std::string_view title, std::string_view xlabel,
                     std::string_view ylabel) {
  const double w = plot_size + 2 * margin;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(w, 0) +
                  "\" height=\"" + num(w, 0) + "\" role=\"img\" aria-label=\"" + escape(title) +
                  "\">\n";
  s += "<title>" + escape(title) + "</title>\n";
  s += "<rect x=\"" + num(margin, 0) + "\" y=\"" + num(margin, 0) + "\" width=\"" +
       num(plot_size, 0) + "\" height=\"" + num(plot_size, 0) +
       "\" fill=\"#fff\" stroke=\"#888\"/>\n";
  // Diagonal: perfect calibration / chance.
  s += "<line x1=\"" + num(f.px(0), 1) + "\" y1=\"" + num(f.py(0), 1) + "\" x2=\"" +
       num(f.px(f.scale), 1) + "\" y2=\"" + num(f.py(f.scale), 1) +
       "\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    const double v = f.scale * i / 4.0;
    s += "<text x=\"" + num(f.px(v), 1) + "\" y=\"" + num(margin + plot_size + 14, 1) +
         "\" font-size=\"10\" text-anchor=\"middle\">" + num(v, f.scale < 0.2 ? 3 : 2) +
         "</text>\n";
    s += "<text x=\"" + num(margin - 4, 1) + "\" y=\"" + num(f.py(v) + 3, 1) +
         "\" font-size=\"10\" text-anchor=\"end\">" + num(v, f.scale < 0.2 ? 3 : 2) + "</text>\n";
  }
  s += "<text x=\"" + num(margin + plot_size / 2, 1) + "\" y=\"" + num(w - 6, 1) +
       "\" font-size=\"11\" text-anchor=\"middle\">" + escape(xlabel) + "</text>\n";
  s += "<text x=\"12\" y=\"" + num(margin + plot_size / 2, 1) +
       "\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 " +
       num(margin + plot_size / 2, 1) + ")\">" + escape(ylabel) + "</text>\n";
  s += "<text x=\"" + num(margin + plot_size / 2, 1) +
       "\" y=\"20\" font-size=\"12\" font-weight=\"bold\" text-anchor=\"middle\">" + escape(title) +
       "</text>\n";
  return s;
}

std::string calibration_svg(const evaluation& e, std::string_view name) {
  double top = 0.0;
  for (const calibration_bin& b : e.calibration)
    top = std::max({top, b.mean_predicted, b.observed});
  // Round the scale up to a readable value so small risks are not squashed into a corner.
  double scale = 1.0;
  for (double s : {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0}) {
    if (top <= s) {
      scale = s;
      break;
    }
  }
  const frame f{scale};
  std::string s = svg_open(f, "Calibration: " + std::string(name), "predicted risk (decile mean)",
                           "observed frequency");
  std::string line;
  for (const calibration_bin& b : e.calibration) {
    const double x = f.px(std::min(b.mean_predicted, scale));
    const double y = f.py(std::min(b.observed, scale));
    line += num(x, 1) + "," + num(y, 1) + " ";
    s += "<circle cx=\"" + num(x, 1) + "\" cy=\"" + num(y, 1) +
         "\" r=\"3.5\" fill=\"#1f77b4\"><title>n=" + std::to_string(b.count) + ", predicted " +
         num(b.mean_predicted, 4) + ", observed " + num(b.observed, 4) + "</title></circle>\n";
  }
  s += "<polyline points=\"" + line + "\" fill=\"none\" stroke=\"#1f77b4\"/>\n</svg>\n";
  return s;
}

std::string roc_svg(const evaluation& e, std::string_view name) {
  const frame f{1.0};
  std::string s = svg_open(f, "ROC: " + std::string(name), "1 - specificity", "sensitivity");
  std::string line;
  for (const roc_point& p : e.roc) {
    line += num(f.px(p.false_positive_rate), 1) + "," + num(f.py(p.true_positive_rate), 1) + " ";
  }
  s +=
      "<polyline points=\"" + line + "\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.5\"/>\n";
  s += "<text x=\"" + num(f.px(0.6), 1) + "\" y=\"" + num(f.py(0.1), 1) +
       "\" font-size=\"11\">AUC " + num(e.auc) + "</text>\n</svg>\n";
  return s;
}

}  // namespace

std::string fit_report_html(const fit_result& fit) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>mnscreen "
      "model fit: " +
      escape(fit.name) +
      "</title>\n<style>\nbody{font-family:sans-serif;max-width:1100px;margin:1em auto;"
      "color:#222}\ntable{border-collapse:collapse;margin:0.5em 0}\ntd,th{border:1px solid "
      "#ccc;padding:2px 6px;font-size:13px;text-align:right}\nth{background:#f3f3f3}\n"
      "td:first-child,th:first-child{text-align:left}\n.warn{color:#a50}\n.bad{color:#b00}\n"
      ".plots svg{margin-right:1em}\ntr.changed td{background:#fffbe6}\n</style>\n</head>\n"
      "<body>\n";
  h += "<h1>Model fit: " + escape(fit.name) + "</h1>\n<p>Label: <code>" +
       escape(fit.model.label()) + "</code><br>Records used: " + std::to_string(fit.records_used) +
       "; penalty (prior precision): " + num(fit.penalty, 4) +
       "; cross-validation folds: " + std::to_string(fit.folds) + "; knowledge version " +
       knowledge_version + ".</p>\n";
  h += "<p>The prior is centred on the expert-derived coefficients (docs/risk-model.md). No "
       "study gives incidence after modern sterile-pen microneedling; the metrics below are "
       "cross-validated on this clinic's records only.</p>\n";

  h += "<h2>Summary</h2>\n<table>\n<tr><th>complication</th><th>status</th><th>records</th>"
       "<th>events</th><th>events/variable</th><th>AUC (95% CI)</th><th>Brier</th>"
       "<th>calibration intercept</th><th>calibration slope</th></tr>\n";
  for (const complication_fit& cf : fit.complications) {
    const std::string name(to_string(cf.complication));
    detail::text::append(h, "<tr><td><a href=\"#", name, "\">", name, "</a></td><td",
                         cf.status == fit_status::converged ? "" : " class=\"bad\"", '>',
                         to_string(cf.status), "</td><td>", detail::text::integer(cf.records),
                         "</td><td>", detail::text::integer(cf.events), "</td>");
    if (cf.cross_validation) {
      const evaluation& e = *cf.cross_validation;
      h += "<td>" + num(e.events_per_variable, 2) + "</td><td>" + num(e.auc) + " (" +
           num(e.auc_lower95) + "&ndash;" + num(e.auc_upper95) + ")</td><td>" + num(e.brier, 5) +
           "</td><td>" + num(e.calibration_intercept) + "</td><td>" + num(e.calibration_slope) +
           "</td></tr>\n";
    } else {
      h += "<td colspan=\"5\">not cross-validated</td></tr>\n";
    }
  }
  h += "</table>\n";

  for (const complication_fit& cf : fit.complications) {
    const std::string name(to_string(cf.complication));
    detail::text::append(h, "<h2 id=\"", name, "\">", name, "</h2>\n<p>", escape(cf.message),
                         "</p>\n");
    if (!cf.warnings.empty()) {
      h += "<ul>\n";
      for (const std::string& w : cf.warnings) h += "<li class=\"warn\">" + escape(w) + "</li>\n";
      h += "</ul>\n";
    }
    if (cf.cross_validation && !cf.cross_validation->calibration.empty()) {
      h += "<div class=\"plots\">\n" + calibration_svg(*cf.cross_validation, name);
      if (!cf.cross_validation->roc.empty()) h += roc_svg(*cf.cross_validation, name);
      h += "</div>\n";
    }
    h += "<details><summary>Coefficients (log-odds; rows that moved from the prior by more "
         "than 0.1 are highlighted)</summary>\n<table>\n<tr><th>term</th><th>prior</th>"
         "<th>estimate</th><th>std. error</th><th>95% interval</th><th>odds ratio</th></tr>\n";
    for (const coefficient_estimate& c : cf.coefficients) {
      const bool changed = std::abs(c.value - c.prior) > 0.1;
      h += std::string("<tr") + (changed ? " class=\"changed\"" : "") + "><td>" + escape(c.name) +
           "</td><td>" + num(c.prior) + "</td><td>" + num(c.value) + "</td><td>" +
           num(c.std_error) + "</td><td>" + num(c.lower95) + " &ndash; " + num(c.upper95) +
           "</td><td>" + (c.name == "intercept" ? std::string("&ndash;") : num(std::exp(c.value))) +
           "</td></tr>\n";
    }
    h += "</table>\n</details>\n";
  }
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace mnscreen
