// SPDX-License-Identifier: Apache-2.0
// `to_text`: the report as a short summary for clinic staff. The decision comes first because it
// is what the reader acts on; every line is at most 100 columns; the output depends only on the
// report (no clock, no locale: numbers are formatted by snprintf in the "C" locale the library
// never changes).
#include "mnscreen/json.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "io/bounded.hpp"
#include "mnscreen/dates.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen {
namespace {

constexpr std::size_t max_width = 100;
constexpr int bar_cells = 10;

std::string_view decision_label(decision d) noexcept {
  switch (d) {
    case decision::proceed:
      return "PROCEED";
    case decision::proceed_with_caution:
      return "PROCEED WITH CAUTION";
    case decision::modify_plan:
      return "MODIFY PLAN";
    case decision::defer:
      return "DEFER";
    case decision::do_not_treat:
      return "DO NOT TREAT";
    case decision::cannot_screen:
      return "CANNOT SCREEN";
  }
  return "UNKNOWN";
}

std::string_view effect_label(effect e) noexcept {
  switch (e) {
    case effect::info:
      return "INFO";
    case effect::proceed_with_caution:
      return "CAUTION";
    case effect::modify_plan:
      return "MODIFY PLAN";
    case effect::defer:
      return "DEFER";
    case effect::do_not_treat:
      return "DO NOT TREAT";
  }
  return "UNKNOWN";
}

/// Length of the UTF-8 sequence starting at `c` (1 for ASCII and for stray bytes), so that a
/// hard break never splits a character.
std::size_t utf8_length(char c) noexcept {
  const auto b = static_cast<unsigned char>(c);
  if (b >= 0xF0U) return 4;
  if (b >= 0xE0U) return 3;
  if (b >= 0xC0U) return 2;
  return 1;
}

/// Appends `text` word-wrapped to `max_width` columns: the first line starts with `first`, the
/// others with `next`. Any run of whitespace counts as one space. Byte counts stand in for
/// columns, which can only make a line with non-ASCII text shorter than the limit.
void append_wrapped(std::string& out, std::string_view first, std::string_view next,
                    std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  std::string line{first};
  bool line_has_word = false;
  bool wrote_line = false;
  const auto flush = [&] {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
    line.assign(next);
    line_has_word = false;
    wrote_line = true;
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_space(text[pos])) ++pos;
    std::size_t end = pos;
    while (end < text.size() && !is_space(text[end])) ++end;
    std::string_view word = text.substr(pos, end - pos);
    pos = end;
    if (word.empty()) break;
    if (line_has_word && line.size() + 1 + word.size() > max_width) flush();
    // A word longer than a whole line (a long path or code) is cut at character boundaries.
    while (!word.empty() && line.size() + word.size() > max_width) {
      const std::size_t room = max_width > line.size() ? max_width - line.size() : 0;
      std::size_t cut = 0;
      while (cut < word.size() && cut + utf8_length(word[cut]) <= room)
        cut += utf8_length(word[cut]);
      if (cut == 0) cut = std::min(word.size(), utf8_length(word[0]));
      line += word.substr(0, cut);
      word.remove_prefix(cut);
      flush();
    }
    if (word.empty()) continue;
    if (line_has_word) line += ' ';
    line += word;
    line_has_word = true;
  }
  if (line_has_word || !wrote_line) flush();
}

std::string pad_right(std::string_view s, std::size_t n) {
  std::string out{s};
  if (out.size() < n) out.resize(n, ' ');
  return out;
}

/// A risk score with three decimals ("0.031").
std::string score_text(double v) {
  if (!std::isfinite(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

/// A relative risk with one decimal and the times sign ("2.8×"); whole numbers from 100 up.
std::string relative_text(double v) {
  if (!std::isfinite(v) || v < 0.0) return "n/a";
  char buf[32];
  if (v >= 1000.0)
    std::snprintf(buf, sizeof buf, ">999");
  else
    std::snprintf(buf, sizeof buf, v >= 100.0 ? "%.0f" : "%.1f", v);
  return std::string(buf) + "\xc3\x97";  // U+00D7 MULTIPLICATION SIGN in UTF-8
}

/// A policy number as the clinic wrote it: "30", "0.25", "2.5".
std::string number_text(double v) {
  if (!std::isfinite(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string setting_text(const setting_value& v) {
  if (const bool* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const double* d = std::get_if<double>(&v)) return number_text(*d);
  return std::get<std::string>(v);
}

std::string join_areas(const std::vector<area>& areas) {
  std::string out;
  for (const auto a : areas) {
    if (!out.empty()) out += ", ";
    out += to_string(a);
  }
  return out;
}

/// `[###.......]`: one mark per percentage point, full at 10 % or more. Linear, because staff
/// read a bar as proportional; scores above 10 % are all "high" under any sensible band.
std::string risk_bar(double score) {
  int marks = 0;
  if (std::isfinite(score)) {
    const double cells = std::round(score * 100.0);
    marks = cells <= 0.0 ? 0 : (cells >= bar_cells ? bar_cells : static_cast<int>(cells));
  }
  std::string bar = "[";
  bar.append(static_cast<std::size_t>(marks), '#');
  bar.append(static_cast<std::size_t>(bar_cells - marks), '.');
  bar += ']';
  return bar;
}

void append_header(std::string& out, const report& rep) {
  std::string head = "DECISION: ";
  head += decision_label(rep.decision);
  if (rep.decision == decision::defer) {
    head += rep.defer_until ? " until " + to_string(*rep.defer_until) : " (no fixed end date)";
  }
  append_wrapped(out, "", "", head);

  std::string_view meaning;
  switch (rep.decision) {
    case decision::proceed:
      meaning = "No contraindication found for this plan.";
      break;
    case decision::proceed_with_caution:
      // An incomplete screen is capped at caution even with no flag: the unknowns are the reason.
      meaning = rep.complete || !rep.flags.empty()
                    ? "Treatment may go ahead with the precautions below."
                    : "Nothing found so far, but the screen is incomplete: ask the questions.";
      break;
    case decision::modify_plan:
      meaning = "Not this plan; a changed plan may be fine (see the flags).";
      break;
    case decision::defer:
      meaning = rep.defer_until ? "Not now: re-screen before treating on or after that date."
                                : "Not now: re-screen once the cause below has resolved.";
      break;
    case decision::do_not_treat:
      meaning = "Do not treat: a contraindication applies to this patient.";
      break;
    case decision::cannot_screen:
      meaning = "The inputs could not be screened; the problems are listed under Warnings.";
      break;
  }
  append_wrapped(out, "", "", meaning);
  if (rep.decision_before_overrides)
    append_wrapped(out, "", "",
                   "Clinician overrides apply (marked OVERRIDDEN below); before them the decision "
                   "was " +
                       std::string(decision_label(*rep.decision_before_overrides)) + ".");
  std::string status = "Session date " + to_string(rep.screened_on) + ". ";
  if (rep.complete) {
    status += "Screen complete: every factor this plan needs is known.";
  } else {
    status += "Screen INCOMPLETE: " + std::to_string(rep.questions.size()) +
              (rep.questions.size() == 1 ? " question" : " questions") +
              " unanswered; the decision may change once they are answered.";
  }
  append_wrapped(out, "", "", status);
}

void append_flags(std::string& out, const std::vector<flag>& flags) {
  out += '\n';
  if (flags.empty()) {
    out += "Flags: none.\n";
    return;
  }
  out += "Flags (" + std::to_string(flags.size()) + ")\n";
  std::size_t n = 0;
  for (const auto& f : flags) {
    std::string title = std::to_string(++n) + ". [";
    title += effect_label(f.effect);
    title += "] " + f.rule_id;
    std::string comps;
    for (const auto c : f.complications) {
      comps += comps.empty() ? " - " : ", ";
      comps += to_string(c);
    }
    const std::string number_pad(std::to_string(n).size() + 4, ' ');
    append_wrapped(out, "  ", "  " + number_pad, title + comps);
    const std::string indent = "  " + number_pad;
    std::string where;
    if (!f.areas.empty()) where = "Areas: " + join_areas(f.areas) + ".";
    if (f.earliest_safe_date) {
      if (!where.empty()) where += ' ';
      where += "Safe from " + to_string(*f.earliest_safe_date) + ".";
    }
    if (!where.empty()) append_wrapped(out, indent, indent, where);
    if (!f.reason.empty()) append_wrapped(out, indent + "Why: ", indent + "     ", f.reason);
    if (!f.action.empty()) append_wrapped(out, indent + "Do: ", indent + "    ", f.action);
    if (!f.evidence.empty()) {
      std::string ev;
      for (const auto& e : f.evidence) {
        if (!ev.empty()) ev += "; ";
        ev += e.source + " (" + std::string{to_string(e.level)} + ")";
      }
      append_wrapped(out, indent + "Evidence: ", indent + "          ", ev);
    }
    if (f.override_record) {
      const rule_override& o = *f.override_record;
      std::string ovr = "OVERRIDDEN (";
      ovr += to_string(o.reason);
      ovr += ")";
      if (!o.by.empty()) ovr += " by " + o.by;
      if (o.date) ovr += " on " + to_string(*o.date);
      if (!o.note.empty()) {
        ovr += ": " + o.note;
        if (o.note.back() != '.') ovr += '.';
      } else {
        ovr += '.';
      }
      ovr += " Not counted in the decision.";
      append_wrapped(out, indent, indent, ovr);
    }
  }
}

void append_questions(std::string& out, const std::vector<question_item>& questions) {
  if (questions.empty()) return;
  out += "\nQuestions to ask before treating\n";
  for (const auto& q : questions) {
    std::string head = "  - ";
    head += to_string(q.factor);
    if (q.if_yes) {
      head += " (if yes: ";
      head += to_string(*q.if_yes);
      head += ')';
    }
    head += ": ";
    append_wrapped(out, head, "      ", q.ask);
  }
}

void append_risks(std::string& out, const std::vector<risk_score>& risks) {
  if (risks.empty()) return;
  out += "\nRisks (bar: one # per percentage point, full at 10% or more)\n";
  for (const auto& r : risks) {
    std::string line = "  " + pad_right(to_string(r.complication), 18) + " " + risk_bar(r.score) +
                       " " + score_text(r.score) + " " + pad_right(to_string(r.band), 8);
    // Spec 2026.2: the score against the reference patient's. A report read from a 2026.1
    // document has no reference (0): nothing is shown rather than an invented ratio.
    if (r.reference > 0.0) line += " (" + relative_text(r.relative) + " reference)";
    std::string drivers;
    for (const auto& d : r.drivers) {
      if (!drivers.empty()) drivers += ", ";
      drivers += d.factor;
    }
    if (drivers.empty()) {
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + '\n';
    } else {
      append_wrapped(out, line + " ", std::string(line.size() + 1, ' '), drivers);
    }
  }
}

void append_list(std::string& out, std::string_view title, const std::vector<std::string>& items) {
  if (items.empty()) return;
  out += '\n';
  out += title;
  out += '\n';
  for (const auto& item : items) append_wrapped(out, "  - ", "    ", item);
}

void append_warnings(std::string& out, const std::vector<diagnostic>& warnings) {
  if (warnings.empty()) return;
  out += "\nWarnings about the inputs\n";
  for (const auto& w : warnings) {
    std::string text;
    if (w.severity != severity::warning) {
      text += to_string(w.severity);
      text += ": ";
    }
    text += format(w);
    append_wrapped(out, "  - ", "    ", text);
  }
}

void append_footer(std::string& out, const report& rep) {
  out += '\n';
  out += std::string(60, '-');
  out += '\n';
  std::string versions = "Knowledge " + rep.knowledge_version;
  if (!rep.library_version.empty()) versions += ", library " + rep.library_version;
  versions += ".";
  append_wrapped(out, "", "", versions);
  if (rep.policy_overrides.empty()) {
    append_wrapped(out, "", "  ",
                   "Policy: " + rep.policy_name + " (cited defaults, no overrides).");
  } else {
    append_wrapped(out, "", "  ",
                   "Policy: " + rep.policy_name + ", overrides of the cited defaults:");
    for (const auto& [name, value] : rep.policy_overrides)
      append_wrapped(out, "  ", "    ", name + " = " + setting_text(value));
  }
  append_wrapped(out, "", "  ",
                 "Risk model: " + (rep.model.empty() ? std::string{"(none)"} : rep.model) + ".");
}

}  // namespace

std::string to_text(const report& rep) {
  // Strings longer than the report bound are cut as to_json cuts them (src/io/bounded.hpp).
  if (detail::has_long_strings(rep)) {
    report cut = rep;
    detail::cut_long_strings(cut);
    return to_text(cut);
  }
  std::string out;
  append_header(out, rep);
  append_flags(out, rep.flags);
  append_questions(out, rep.questions);
  append_risks(out, rep.risks);
  append_list(out, "Preparation", rep.prep);
  append_list(out, "Aftercare", rep.aftercare);
  append_warnings(out, rep.warnings);
  append_footer(out, rep);
  return out;
}

}  // namespace mnscreen
