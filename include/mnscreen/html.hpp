// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/html.hpp
//
// The screening report as one self-contained, printable HTML page (docs/html-report.md): the
// decision banner with the earliest safe date, the flags grouped by effect (reason, action,
// evidence, any clinician override), the questions in their ranked order (with "if yes"), the
// risks as an inline SVG chart (score bars with the reference patient marked, Okabe-Ito band
// colours, text labels) and a table, preparation and aftercare as checklists, and a footer with
// the versions, policy, model label and the decision-support disclaimer. No scripts, no
// external assets (no fonts, images, style sheets or links to fetch); print CSS fits A4 and
// Letter. Every string from the report is HTML-escaped.
//
//   const mnscreen::report r = screener.screen(in, plan);
//   std::ofstream("report.html") << mnscreen::to_html(r);
//   std::ofstream("report-a4.html") << mnscreen::to_html(r, {mnscreen::paper_size::a4});
#ifndef MNSCREEN_HTML_HPP
#define MNSCREEN_HTML_HPP

#include <string>
#include <string_view>

#include "mnscreen/export.hpp"
#include "mnscreen/report.hpp"

namespace mnscreen {

/// The paper the print CSS asks for. `any` leaves it to the printer (`@page { size: auto }`);
/// the layout fits both A4 and Letter with their margins whichever is chosen.
enum class paper_size { any, a4, letter };

struct html_options {
  paper_size paper = paper_size::any;
};

/// The report as a complete HTML5 document (UTF-8, well-formed as XML as well). Deterministic:
/// the output depends only on the report and the options. Strings longer than the report bound
/// are cut as `to_json` cuts them.
[[nodiscard]] MNSCREEN_EXPORT std::string to_html(const report& rep,
                                                  const html_options& options = {});

/// `text` escaped for HTML text and attribute values (`&`, `<`, `>`, `"`, `'`; C0 control
/// characters other than tab, line feed and carriage return become U+FFFD).
[[nodiscard]] MNSCREEN_EXPORT std::string html_escape(std::string_view text);

}  // namespace mnscreen

#endif  // MNSCREEN_HTML_HPP
