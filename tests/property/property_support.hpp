// SPDX-License-Identifier: Apache-2.0
// RapidCheck generators of valid intakes, plans, policies and single facts, and the seriousness
// order the properties compare reports by. Every generated intake/plan passes `validate()`
// (dates in order, values in range, birth date before the plan date), so a `cannot_screen`
// decision in a property is itself a failure.
#ifndef MNSCREEN_TESTS_PROPERTY_PROPERTY_SUPPORT_HPP
#define MNSCREEN_TESTS_PROPERTY_PROPERTY_SUPPORT_HPP

#include <rapidcheck.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "mnscreen/mnscreen.hpp"

namespace mnscreen {

// How RapidCheck prints counterexamples: the formats.md documents (found by ADL).
inline void showValue(const intake& in, std::ostream& os) { os << to_json(in); }
inline void showValue(known k, std::ostream& os) { os << to_string(k); }
inline void showValue(const procedure_plan& p, std::ostream& os) { os << to_json(p); }
inline void showValue(const policy& p, std::ostream& os) {
  os << "policy overrides:";
  for (const auto& [name, value] : overrides(p)) {
    os << ' ' << name << '=';
    if (const auto* b = std::get_if<bool>(&value))
      os << (*b ? "true" : "false");
    else if (const auto* d = std::get_if<double>(&value))
      os << *d;
    else
      os << std::get<std::string>(value);
  }
}

}  // namespace mnscreen

namespace mnscreen::prop {

// --- dates ------------------------------------------------------------------------------------

/// `day` shifted by `n` days, through std::chrono (not the library's own helpers).
inline date shift(date day, int n) {
  return date{std::chrono::sys_days{day} + std::chrono::days{n}};
}

inline long days_from(date a, date b) {
  return (std::chrono::sys_days{b} - std::chrono::sys_days{a}).count();
}

// --- small generators ---------------------------------------------------------------------------

/// Uniform in [min, max). (RapidCheck's inRange narrows the range at small sizes, so early
/// cases would all sit at `min`: an intake's dates all 3000 days back, lists all empty.)
template <class T>
rc::Gen<T> uniform(T min, T max) {
  return rc::gen::resize(100, rc::gen::inRange<T>(min, max));
}

/// Any value of vocabulary enum `E`.
template <class E>
rc::Gen<E> code() {
  const auto all = all_codes<E>();
  return rc::gen::elementOf(std::vector<E>(all.begin(), all.end()));
}

/// A value of `E` other than those in `except`.
template <class E>
rc::Gen<E> code_except(std::vector<E> except) {
  std::vector<E> keep;
  for (E e : all_codes<E>())
    if (std::find(except.begin(), except.end(), e) == except.end()) keep.push_back(e);
  return rc::gen::elementOf(keep);
}

/// Absent half the time.
template <class T>
rc::Gen<std::optional<T>> optional_of(rc::Gen<T> g) {
  return rc::gen::oneOf(rc::gen::just(std::optional<T>{}),
                        rc::gen::map(std::move(g), [](T v) { return std::optional<T>{v}; }));
}

/// `known::unknown`, `no` or `yes`.
inline rc::Gen<known> tri_state() { return code<known>(); }

/// 0..`max_count` distinct values of `E`, in random order.
template <class E>
rc::Gen<std::vector<E>> distinct_codes(int max_count) {
  return rc::gen::exec([max_count] {
    std::vector<E> out;
    const int n = *uniform(0, max_count + 1);
    for (int i = 0; i < n; ++i) {
      const E e = *code<E>();
      if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
    }
    return out;
  });
}

/// Text clinic records hold: printable ASCII (quotes and backslashes included) or UTF-8.
inline rc::Gen<std::string> free_text() {
  return rc::gen::oneOf(
      rc::gen::just(std::string{}), rc::gen::container<std::string>(uniform<char>(' ', '~' + 1)),
      rc::gen::element(std::string("Condition/123"), std::string("urn:uuid:0f1e-\"quoted\""),
                       std::string("r\xC3\xA9"
                                   "action \xE2\x80\x94 \xE6\xBC\xA2\\"),
                       std::string("tab\there, new\nline")));
}

/// A date `lo`..`hi` days from `around` (inclusive).
inline rc::Gen<date> date_near(date around, int lo, int hi) {
  return rc::gen::map(uniform(lo, hi + 1), [around](int n) { return shift(around, n); });
}

/// A lab value inside the range validate() accepts for `c` (not a round number).
inline rc::Gen<double> lab_value(lab_code c) {
  double lo = 0.0, hi = 0.0;
  switch (c) {
    case lab_code::hba1c:
      lo = 3.0;
      hi = 20.0;
      break;
    case lab_code::inr:
      lo = 0.5;
      hi = 20.0;
      break;
    case lab_code::platelets:
      lo = 0.0;
      hi = 2000.0;
      break;
    case lab_code::cd4:
      lo = 0.0;
      hi = 5000.0;
      break;
  }
  return rc::gen::map(uniform(0, 1000001),
                      [lo, hi](int k) { return lo + (hi - lo) * k / 1000000.0; });
}

// --- facts ------------------------------------------------------------------------------------

/// The codes facts are drawn from. `everything()` draws from the whole vocabulary; a focused
/// pool (a few codes, areas near the plan) makes two facts of one kind, at the same place,
/// likely: that is where rules must choose between facts.
struct pools {
  std::vector<condition_code> conditions;
  std::vector<medication_code> medications;
  std::vector<procedure_code> procedures;
  std::vector<area> areas;

  static pools everything() {
    pools p;
    for (auto c : all_codes<condition_code>()) p.conditions.push_back(c);
    for (auto c : all_codes<medication_code>()) p.medications.push_back(c);
    for (auto c : all_codes<procedure_code>()) p.procedures.push_back(c);
    for (auto c : all_codes<area>()) p.areas.push_back(c);
    return p;
  }
};

/// 0..`max_count` distinct areas of the pool.
inline rc::Gen<std::vector<area>> sites_from(const pools& pool, int max_count) {
  return rc::gen::exec([areas = pool.areas, max_count] {
    std::vector<area> out;
    const int n = *uniform(0, max_count + 1);
    for (int i = 0; i < n; ++i) {
      const area a = *rc::gen::elementOf(areas);
      if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    }
    return out;
  });
}

inline rc::Gen<condition> gen_condition(date on, const pools& pool) {
  return rc::gen::exec([on, pool] {
    condition c;
    c.code = *rc::gen::elementOf(pool.conditions);
    c.status = *code<condition_status>();
    c.severity = *optional_of(code<condition_severity>());
    c.onset = *optional_of(rc::gen::oneOf(date_near(on, -3000, 0), date_near(on, -400, 0)));
    c.sites = *sites_from(pool, 3);
    c.source = *free_text();
    return c;
  });
}

inline rc::Gen<medication> gen_medication(date on, const pools& pool) {
  return rc::gen::exec([on, pool] {
    medication m;
    m.code = *rc::gen::elementOf(pool.medications);
    m.route = *optional_of(code<route>());
    m.start = *optional_of(date_near(on, -3000, 30));
    m.stop = *optional_of(rc::gen::oneOf(date_near(on, -3000, 400), date_near(on, -200, 10)));
    if (m.start && m.stop && std::chrono::sys_days{*m.stop} < std::chrono::sys_days{*m.start})
      std::swap(m.start, m.stop);
    if (m.route == route::topical) m.sites = *sites_from(pool, 3);
    m.source = *free_text();
    return m;
  });
}

inline rc::Gen<allergy> gen_allergy() {
  return rc::gen::exec([] {
    allergy a;
    a.substance = *code<allergy_substance>();
    a.reaction = *free_text();
    a.severity = *optional_of(code<allergy_severity>());
    a.source = *free_text();
    return a;
  });
}

inline rc::Gen<implanted_device> gen_device(const pools& pool) {
  return rc::gen::exec([pool] {
    implanted_device d;
    d.code = *code<device_code>();
    d.sites = *sites_from(pool, 3);
    d.source = *free_text();
    return d;
  });
}

/// A procedure up to ~400 days before the plan (a few after it, which the rules ignore).
inline rc::Gen<prior_procedure> gen_procedure(date on, const pools& pool) {
  return rc::gen::exec([on, pool] {
    prior_procedure p;
    p.code = *rc::gen::elementOf(pool.procedures);
    p.date = *rc::gen::oneOf(date_near(on, -40, 0), date_near(on, -400, 10));
    p.areas = *sites_from(pool, 3);
    if (p.code == procedure_code::chemical_peel) p.depth = *optional_of(code<peel_depth>());
    p.source = *free_text();
    return p;
  });
}

inline rc::Gen<lab_result> gen_lab(date on) {
  return rc::gen::exec([on] {
    lab_result l;
    l.code = *code<lab_code>();
    l.value = *lab_value(l.code);
    l.date = *date_near(on, -200, 5);
    l.source = *free_text();
    return l;
  });
}

/// Every denial `negatives` can hold. A word that is both a question word and a condition word
/// (`keloid`) is read as the question word (vocabulary.hpp), so the condition reading of such a
/// word has no JSON form and is left out: it is the same denial.
inline std::vector<negative> all_negatives() {
  std::vector<negative> words;
  for (auto q : all_codes<question>()) words.emplace_back(q);
  for (auto c : all_codes<condition_code>()) words.emplace_back(c);
  for (auto c : all_codes<medication_class>()) words.emplace_back(c);
  for (auto c : all_codes<allergy_class>()) words.emplace_back(c);
  for (auto c : all_codes<device_code>()) words.emplace_back(c);
  std::vector<negative> out;
  for (const negative& n : words)
    if (parse_negative(to_string(n)) == n) out.push_back(n);
  return out;
}

inline rc::Gen<negative> gen_negative() { return rc::gen::elementOf(all_negatives()); }

/// The medicines that protect (antiviral prophylaxis); every other medication word is a risk
/// medication for the monotonicity properties.
inline bool is_protective(medication_code m) {
  return classes_of(m).contains(medication_class::antiviral_prophylaxis);
}

inline std::vector<medication_code> protective_medications() {
  std::vector<medication_code> out;
  for (auto m : all_codes<medication_code>())
    if (is_protective(m)) out.push_back(m);
  return out;
}

// --- whole documents ----------------------------------------------------------------------------

inline rc::Gen<procedure_plan> gen_plan() {
  return rc::gen::exec([] {
    procedure_plan p;
    p.date = *date_near(date{std::chrono::year{2026}, std::chrono::month{1}, std::chrono::day{1}},
                        0, 730);
    p.device = *code<device_type>();
    p.needle_depth = millimetres{*uniform(1, 401) / 100.0};
    p.areas = *rc::gen::suchThat(distinct_codes<area>(4),
                                 [](const std::vector<area>& a) { return !a.empty(); });
    p.anesthetic = *code<anesthetic>();
    p.setting = *code<setting>();
    p.needle_material = *code<needle_material>();
    p.single_use_needles = *tri_state();
    p.adjuncts = *rc::gen::map(distinct_codes<adjunct>(2), [](std::vector<adjunct> a) {
      a.erase(std::remove(a.begin(), a.end(), adjunct::none), a.end());
      return a;
    });
    return p;
  });
}

/// A plan few rules object to: a clinic pen or stamp, 0.25-1 mm, face or body areas whose depth
/// limits allow it, single-use needles, no adjuncts. Facts added to a patient for it have room
/// to raise the screen.
inline rc::Gen<procedure_plan> gen_gentle_plan() {
  return rc::gen::exec([] {
    procedure_plan p;
    p.date = *date_near(date{std::chrono::year{2026}, std::chrono::month{1}, std::chrono::day{1}},
                        0, 730);
    p.device = *rc::gen::element(device_type::pen, device_type::stamp);
    p.needle_depth = millimetres{*rc::gen::element(0.25, 0.5, 0.75, 1.0)};
    p.areas = *rc::gen::element(std::vector<area>{area::cheeks},
                                std::vector<area>{area::cheeks, area::chin},
                                std::vector<area>{area::cheeks, area::perioral, area::forehead},
                                std::vector<area>{area::back}, std::vector<area>{area::chest},
                                std::vector<area>{area::scalp, area::jawline});
    p.anesthetic = *rc::gen::element(anesthetic::none, anesthetic::lidocaine);
    p.setting = setting::clinic;
    p.needle_material =
        *rc::gen::element(needle_material::stainless_steel, needle_material::titanium);
    p.single_use_needles = known::yes;
    return p;
  });
}

/// Either kind of plan.
inline rc::Gen<procedure_plan> gen_any_plan() {
  return rc::gen::oneOf(gen_plan(), gen_gentle_plan());
}

/// A list of `min`..`max` items from `g`.
template <class T>
rc::Gen<std::vector<T>> between(int min, int max, rc::Gen<T> g) {
  return rc::gen::mapcat(uniform(min, max + 1), [g](int n) {
    return rc::gen::container<std::vector<T>>(static_cast<std::size_t>(n), g);
  });
}

/// A list of 0..`max` items from `g`.
template <class T>
rc::Gen<std::vector<T>> up_to(int max, rc::Gen<T> g) {
  return between(0, max, std::move(g));
}

/// A valid intake for a plan on `on`: everything may be unknown, present or denied. Up to
/// `max_items` conditions, medications, procedures and labs (allergies and devices: at most 2).
inline rc::Gen<intake> gen_intake(date on, const pools& pool = pools::everything(),
                                  int max_items = 3) {
  return rc::gen::exec([on, pool, max_items] {
    intake in;
    in.patient.id = *free_text();
    in.patient.birth_date = *optional_of(date_near(on, -35000, 0));
    in.patient.sex = *optional_of(code<sex>());
    in.patient.fitzpatrick = *optional_of(uniform(1, 7));
    in.patient.pregnant = *tri_state();
    in.patient.breastfeeding = *tri_state();
    in.patient.smoker = *tri_state();
    in.conditions = *up_to(max_items, gen_condition(on, pool));
    in.medications = *up_to(max_items, gen_medication(on, pool));
    in.allergies = *up_to(std::min(max_items, 2), gen_allergy());
    in.devices = *up_to(std::min(max_items, 2), gen_device(pool));
    in.procedures = *up_to(max_items, gen_procedure(on, pool));
    in.labs = *up_to(max_items, gen_lab(on));
    in.negatives = *up_to(12, gen_negative());
    return in;
  });
}

/// A valid policy: each setting kept at its default or, a quarter of the time, set to a random
/// value in its accepted range.
inline rc::Gen<policy> gen_policy() {
  return rc::gen::exec([] {
    policy p;
    p.name = "random";
    for (const policy_setting_info& s : policy_settings()) {
      if (*uniform(0, 4) != 0) continue;
      setting_value v;
      if (s.kind == "days") {
        v = static_cast<double>(*uniform(static_cast<int>(s.min), static_cast<int>(s.max) + 1));
      } else if (s.kind == "number") {
        v = s.min + (s.max - s.min) * (*uniform(0, 1001)) / 1000.0;
      } else if (s.kind == "bool") {
        v = *rc::gen::arbitrary<bool>();
      } else if (s.kind == "scope") {
        v = std::string(to_string(*code<hsv_scope>()));
      } else if (s.kind == "effect") {
        v = std::string(to_string(*code<effect>()));
      } else {
        v = *rc::gen::oneOf(
            rc::gen::just(std::string("graded")),
            rc::gen::map(code<effect>(), [](effect e) { return std::string(to_string(e)); }));
      }
      policy trial = p;
      if (!set_setting(trial, s.name, v) && !has_errors(validate(trial))) p = trial;
    }
    return p;
  });
}

/// A plan and an intake for it.
struct scenario {
  procedure_plan plan;
  intake record;
};

inline void showValue(const scenario& s, std::ostream& os) {
  os << "plan: " << to_json(s.plan) << "\nintake: " << to_json(s.record);
}

inline rc::Gen<scenario> gen_scenario() {
  return rc::gen::exec([] {
    scenario s;
    s.plan = *gen_plan();
    s.record = *gen_intake(s.plan.date);
    return s;
  });
}

/// A few codes of each kind, and areas that are mostly the plan's.
inline rc::Gen<pools> gen_focused_pools(const procedure_plan& plan) {
  return rc::gen::exec([plan] {
    const pools all = pools::everything();
    pools p;
    const int n = *uniform(1, 4);
    for (int i = 0; i < n; ++i) {
      p.conditions.push_back(*rc::gen::elementOf(all.conditions));
      p.medications.push_back(*rc::gen::elementOf(all.medications));
      p.procedures.push_back(*rc::gen::elementOf(all.procedures));
    }
    p.areas = plan.areas;
    p.areas.push_back(*rc::gen::elementOf(all.areas));
    return p;
  });
}

// --- one added fact -----------------------------------------------------------------------------

/// One fact added to an intake: a condition, a medication, an allergy, a device or a procedure.
using fact = std::variant<condition, medication, allergy, implanted_device, prior_procedure>;

/// `in` with `f` added to the matching list.
inline intake with(intake in, const fact& f) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, condition>)
          in.conditions.push_back(x);
        else if constexpr (std::is_same_v<T, medication>)
          in.medications.push_back(x);
        else if constexpr (std::is_same_v<T, allergy>)
          in.allergies.push_back(x);
        else if constexpr (std::is_same_v<T, implanted_device>)
          in.devices.push_back(x);
        else
          in.procedures.push_back(x);
      },
      f);
  return in;
}

}  // namespace mnscreen::prop

namespace mnscreen {

/// Prints an added fact as the intake that holds only it.
inline void showValue(const prop::fact& f, std::ostream& os) {
  os << "added: " << to_json(prop::with(intake{}, f));
}

}  // namespace mnscreen

namespace mnscreen::prop {

/// A risk fact for a plan on `on`: any condition, any non-protective medication, any allergy,
/// any device, any recent procedure.
inline rc::Gen<fact> gen_risk_fact(date on, const pools& pool = pools::everything()) {
  pools risky = pool;
  risky.medications.erase(std::remove_if(risky.medications.begin(), risky.medications.end(),
                                         [](medication_code m) { return is_protective(m); }),
                          risky.medications.end());
  if (risky.medications.empty()) risky.medications.push_back(medication_code::warfarin);
  return rc::gen::oneOf(rc::gen::cast<fact>(gen_condition(on, risky)),
                        rc::gen::cast<fact>(gen_medication(on, risky)),
                        rc::gen::cast<fact>(gen_allergy()), rc::gen::cast<fact>(gen_device(risky)),
                        rc::gen::cast<fact>(gen_procedure(on, risky)));
}

// --- seriousness ------------------------------------------------------------------------------

/// Seriousness of a report's outcome: the decision, then, for deferrals, the length of the
/// deferral in days from the plan date (no known end is the longest).
struct seriousness {
  decision level = decision::proceed;
  long defer_days = 0;
  friend auto operator<=>(const seriousness&, const seriousness&) = default;
};

inline seriousness serious(const report& r) {
  seriousness s{r.decision, 0};
  if (r.decision == decision::defer)
    s.defer_days = r.defer_until ? days_from(r.screened_on, *r.defer_until) : 1'000'000'000L;
  return s;
}

inline std::string describe(const report& r) {
  std::string out = std::string(to_string(r.decision));
  if (r.defer_until) out += " until " + to_string(*r.defer_until);
  for (const auto& f : r.flags)
    out += "\n  " + f.rule_id + " (" + std::string(to_string(f.effect)) + "): " + f.reason;
  out += "\n  risks:";
  for (const auto& k : r.risks)
    out += " " + std::string(to_string(k.complication)) + "=" + std::to_string(k.score);
  return out;
}

}  // namespace mnscreen::prop

#endif  // MNSCREEN_TESTS_PROPERTY_PROPERTY_SUPPORT_HPP
