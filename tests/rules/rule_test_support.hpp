// SPDX-License-Identifier: Apache-2.0
// Helpers for the rule tests: facts added to an intake in one line (keeping `negatives`
// consistent), date shifts computed independently of the library, and flag checks that print the
// whole report when they fail.
#ifndef MNSCREEN_TESTS_RULES_RULE_TEST_SUPPORT_HPP
#define MNSCREEN_TESTS_RULES_RULE_TEST_SUPPORT_HPP

#include <algorithm>
#include <cctype>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "mnscreen/mnscreen.hpp"
#include "test_support.hpp"

namespace mnscreen::test {

// --- dates ------------------------------------------------------------------------------------

/// `day` shifted by `n` days, computed with std::chrono (not with the library's own helpers).
inline date shift(date day, int n) {
  return date{std::chrono::sys_days{day} + std::chrono::days{n}};
}

/// The date `n` days before the plan's date.
inline date days_before(const procedure_plan& plan, int n) { return shift(plan.date, -n); }

inline std::string iso(date day) {
  std::ostringstream out;
  out << static_cast<int>(day.year()) << '-';
  const unsigned m = static_cast<unsigned>(day.month());
  const unsigned dd = static_cast<unsigned>(day.day());
  out << (m < 10 ? "0" : "") << m << '-' << (dd < 10 ? "0" : "") << dd;
  return out.str();
}

/// A birth date giving `years` completed years on `on` (born exactly `years` years earlier).
inline date born_years_before(date on, int years) {
  return date{on.year() - std::chrono::years{years}, on.month(), on.day()};
}

// --- text ---------------------------------------------------------------------------------------

inline std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// Case-insensitive substring test.
inline bool mentions(std::string_view text, std::string_view word) {
  return lower(text).find(lower(word)) != std::string::npos;
}

/// True if any of the lines mentions `word`.
inline bool any_mentions(const std::vector<std::string>& lines, std::string_view word) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return mentions(l, word); });
}

// --- negatives ----------------------------------------------------------------------------------

inline bool denies(const intake& in, question q) {
  return std::any_of(in.negatives.begin(), in.negatives.end(), [&](const negative& n) {
    const question* p = std::get_if<question>(&n);
    return p != nullptr && *p == q;
  });
}

/// Removes question word `q` from the negatives (the factor becomes unknown unless present).
inline void undeny(intake& in, question q) {
  in.negatives.erase(std::remove_if(in.negatives.begin(), in.negatives.end(),
                                    [&](const negative& n) {
                                      const question* p = std::get_if<question>(&n);
                                      return p != nullptr && *p == q;
                                    }),
                     in.negatives.end());
}

inline void deny(intake& in, question q) {
  if (!denies(in, q)) in.negatives.push_back(q);
}

/// The question word that covers a condition (if any).
inline std::optional<question> question_for(condition_code c) {
  switch (c) {
    case condition_code::keloid:
    case condition_code::hypertrophic_scarring:
      return question::keloid;
    case condition_code::hsv_labialis:
      return question::hsv_labialis;
    case condition_code::skin_infection:
      return question::skin_infection;
    case condition_code::bleeding_disorder:
      return question::bleeding_disorder;
    case condition_code::diabetes_mellitus:
      return question::diabetes_mellitus;
    case condition_code::immunosuppression:
      return question::immunosuppression;
    case condition_code::pregnancy:
      return question::pregnancy;
    default:
      return std::nullopt;
  }
}

inline std::optional<question> question_for(medication_code m) {
  const medication_class_set c = classes_of(m);
  if (c.contains(medication_class::anticoagulant_vka) ||
      c.contains(medication_class::anticoagulant_doac) ||
      c.contains(medication_class::anticoagulant_heparin))
    return question::anticoagulant;
  if (c.contains(medication_class::oral_retinoid)) return question::isotretinoin;
  if (c.contains(medication_class::immunosuppressant) || c.contains(medication_class::chemotherapy))
    return question::immunosuppression;
  return std::nullopt;
}

// --- facts --------------------------------------------------------------------------------------

inline condition make_condition(condition_code code,
                                condition_status status = condition_status::active,
                                std::vector<area> sites = {}) {
  condition c;
  c.code = code;
  c.status = status;
  c.sites = std::move(sites);
  return c;
}

/// Adds a condition; a "no" to the question covering it is removed (no contradiction).
inline condition& add_condition(intake& in, condition c) {
  if (auto q = question_for(c.code)) undeny(in, *q);
  in.conditions.push_back(std::move(c));
  return in.conditions.back();
}

inline condition& add_condition(intake& in, condition_code code,
                                condition_status status = condition_status::active,
                                std::vector<area> sites = {}) {
  return add_condition(in, make_condition(code, status, std::move(sites)));
}

/// Adds a medication (`stop` absent = still taking it).
inline medication& add_medication(intake& in, medication_code code, route r,
                                  std::optional<date> stop = std::nullopt,
                                  std::vector<area> sites = {}) {
  if (auto q = question_for(code)) undeny(in, *q);
  medication m;
  m.code = code;
  m.route = r;
  m.stop = stop;
  if (stop) m.start = shift(*stop, -200);
  m.sites = std::move(sites);
  in.medications.push_back(std::move(m));
  return in.medications.back();
}

inline allergy& add_allergy(intake& in, allergy_substance s,
                            std::optional<allergy_severity> sev = allergy_severity::mild) {
  if (is_local_anesthetic(s)) undeny(in, question::anesthetic_allergy);
  allergy a;
  a.substance = s;
  a.reaction = "contact_dermatitis";
  a.severity = sev;
  in.allergies.push_back(std::move(a));
  return in.allergies.back();
}

inline implanted_device& add_device(intake& in, device_code code, std::vector<area> sites = {}) {
  undeny(in, question::implanted_device);
  implanted_device d;
  d.code = code;
  d.sites = std::move(sites);
  in.devices.push_back(std::move(d));
  return in.devices.back();
}

inline prior_procedure& add_procedure(intake& in, procedure_code code, date when,
                                      std::vector<area> areas,
                                      std::optional<peel_depth> depth = std::nullopt) {
  prior_procedure p;
  p.code = code;
  p.date = when;
  p.areas = std::move(areas);
  p.depth = depth;
  in.procedures.push_back(std::move(p));
  return in.procedures.back();
}

inline lab_result& add_lab(intake& in, lab_code code, double value, date when) {
  lab_result l;
  l.code = code;
  l.value = value;
  l.date = when;
  in.labs.push_back(std::move(l));
  return in.labs.back();
}

/// A healthy adult woman (30 on the basic plan date) who has answered pregnancy and
/// breastfeeding "no".
inline intake healthy_woman() {
  intake in = healthy_intake();
  in.patient.sex = sex::female;
  in.patient.birth_date = d("1996-03-10");
  in.patient.pregnant = known::no;
  in.patient.breastfeeding = known::no;
  return in;
}

// --- screening ----------------------------------------------------------------------------------

inline report run(const intake& in, const procedure_plan& plan) {
  const screener s;
  return s.screen(in, plan);
}

inline report run(const intake& in, const procedure_plan& plan, const policy& pol) {
  const screener s{pol};
  return s.screen(in, plan);
}

/// One line per flag, question and warning: printed with every failed check.
inline std::string describe(const report& r) {
  std::ostringstream out;
  out << "decision=" << to_string(r.decision)
      << " defer_until=" << (r.defer_until ? iso(*r.defer_until) : std::string("null"))
      << " complete=" << (r.complete ? "true" : "false") << '\n';
  for (const flag& f : r.flags) {
    out << "  flag " << f.rule_id << " [" << to_string(f.effect) << "] areas={";
    for (area a : f.areas) out << ' ' << to_string(a);
    out << " } safe=" << (f.earliest_safe_date ? iso(*f.earliest_safe_date) : std::string("-"))
        << " reason=\"" << f.reason << "\"\n";
  }
  for (const question_item& q : r.questions) out << "  question " << to_string(q.factor) << '\n';
  for (const diagnostic& w : r.warnings) out << "  warning " << format(w) << '\n';
  return out.str();
}

/// The flag of `id` with effect `e` (the test stops if it is missing or has another effect).
/// Also checks what every flag must carry: reason, action and at least one evidence entry.
inline const flag& require_flag(const report& r, std::string_view id, effect e) {
  INFO("expected flag " << id << " [" << to_string(e) << "]\n" << describe(r));
  const flag* f = find_flag(r, id);
  REQUIRE(f != nullptr);
  REQUIRE(f->effect == e);
  CHECK_FALSE(f->reason.empty());
  CHECK_FALSE(f->action.empty());
  CHECK_FALSE(f->evidence.empty());
  return *f;
}

/// Checks that rule `id` raised no flag.
inline void require_quiet(const report& r, std::string_view id) {
  INFO("expected no flag " << id << "\n" << describe(r));
  CHECK(find_flag(r, id) == nullptr);
}

/// Checks the flag names every complication in `expected` (the spec's list for the rule).
inline void check_complications(const flag& f, std::initializer_list<complication> expected) {
  for (complication c : expected) {
    INFO(f.rule_id << " should name complication " << to_string(c));
    CHECK(std::find(f.complications.begin(), f.complications.end(), c) != f.complications.end());
  }
}

/// Checks the reason mentions `word` (case-insensitive).
inline void check_reason_mentions(const flag& f, std::string_view word) {
  INFO(f.rule_id << " reason should mention \"" << word << "\": " << f.reason);
  CHECK(mentions(f.reason, word));
}

inline void check_reason_mentions(const flag& f, date day) { check_reason_mentions(f, iso(day)); }

/// Checks the flag's areas are exactly `expected` (any order).
inline void check_areas(const flag& f, std::vector<area> expected) {
  std::vector<area> got = f.areas;
  std::sort(got.begin(), got.end());
  std::sort(expected.begin(), expected.end());
  INFO(f.rule_id << " areas");
  CHECK(got == expected);
}

/// Checks a defer flag with a known end, and that the report defers to that date when this is
/// the only deferral.
inline void check_defer_to(const report& r, const flag& f, date expected) {
  INFO(describe(r));
  REQUIRE(f.earliest_safe_date.has_value());
  CHECK(iso(*f.earliest_safe_date) == iso(expected));
  CHECK(r.decision == decision::defer);
  REQUIRE(r.defer_until.has_value());
  CHECK(iso(*r.defer_until) == iso(expected));
}

/// Checks a deferral with no known end: no safe date on the flag, no `defer_until`.
inline void check_open_defer(const report& r, const flag& f) {
  INFO(describe(r));
  CHECK_FALSE(f.earliest_safe_date.has_value());
  CHECK(r.decision == decision::defer);
  CHECK_FALSE(r.defer_until.has_value());
}

inline void check_decision(const report& r, decision expected) {
  INFO(describe(r));
  CHECK(r.decision == expected);
}

/// Checks question `q` is asked and the screen is incomplete.
inline void check_asks(const report& r, question q) {
  INFO("expected question " << to_string(q) << "\n" << describe(r));
  CHECK(asks(r, q));
  CHECK_FALSE(r.complete);
  CHECK(r.decision != decision::proceed);
}

inline void check_does_not_ask(const report& r, question q) {
  INFO("expected no question " << to_string(q) << "\n" << describe(r));
  CHECK_FALSE(asks(r, q));
}

}  // namespace mnscreen::test

#endif  // MNSCREEN_TESTS_RULES_RULE_TEST_SUPPORT_HPP
