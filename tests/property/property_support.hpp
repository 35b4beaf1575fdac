// SPDX-License-Identifier: Apache-2.0
// RapidCheck generators of valid intakes, plans, policies and single facts, and the seriousness
// order the properties compare reports by. Every generated intake/plan passes `validate()`
// (dates in order, values in range, birth date before the plan date), so a `cannot_screen`
// decision in a property is itself a failure.
// Only the generator templates (uniform, code, optional_of, between, ...) and small helpers are
// defined here; the other generators are declared here and defined in property_records.cpp and
// property_documents.cpp, which are compiled once (library property_support, CMakeLists.txt)
// rather than in every test that includes this header.
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
rc::Gen<known> tri_state();

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
rc::Gen<std::string> free_text();

/// A date `lo`..`hi` days from `around` (inclusive).
rc::Gen<date> date_near(date around, int lo, int hi);

/// A lab value inside the range validate() accepts for `c` (not a round number).
rc::Gen<double> lab_value(lab_code c);

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
rc::Gen<std::vector<area>> sites_from(const pools& pool, int max_count);

rc::Gen<condition> gen_condition(date on, const pools& pool);

rc::Gen<medication> gen_medication(date on, const pools& pool);

rc::Gen<allergy> gen_allergy();

rc::Gen<implanted_device> gen_device(const pools& pool);

/// A procedure up to ~400 days before the plan (a few after it, which the rules ignore).
rc::Gen<prior_procedure> gen_procedure(date on, const pools& pool);

rc::Gen<lab_result> gen_lab(date on);

/// Every denial `negatives` can hold. A word that is both a question word and a condition word
/// (`keloid`) is read as the question word (vocabulary.hpp), so the condition reading of such a
/// word has no JSON form and is left out: it is the same denial.
std::vector<negative> all_negatives();

rc::Gen<negative> gen_negative();

/// The medicines that protect (antiviral prophylaxis); every other medication word is a risk
/// medication for the monotonicity properties.
inline bool is_protective(medication_code m) {
  return classes_of(m).contains(medication_class::antiviral_prophylaxis);
}

std::vector<medication_code> protective_medications();

// --- whole documents ----------------------------------------------------------------------------

rc::Gen<procedure_plan> gen_plan();

/// A plan few rules object to: a clinic pen or stamp, 0.25-1 mm, face or body areas whose depth
/// limits allow it, single-use needles, no adjuncts. Facts added to a patient for it have room
/// to raise the screen.
rc::Gen<procedure_plan> gen_gentle_plan();

/// Either kind of plan.
rc::Gen<procedure_plan> gen_any_plan();

/// Overrides (informed consent) of up to three rules of the catalogue, fired or not.
rc::Gen<std::vector<rule_override>> gen_overrides();

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
rc::Gen<intake> gen_intake(date on, const pools& pool = pools::everything(), int max_items = 3);

/// A valid policy: each setting kept at its default or, a quarter of the time, set to a random
/// value in its accepted range.
rc::Gen<policy> gen_policy();

/// A plan and an intake for it.
struct scenario {
  procedure_plan plan;
  intake record;
};

inline void showValue(const scenario& s, std::ostream& os) {
  os << "plan: " << to_json(s.plan) << "\nintake: " << to_json(s.record);
}

rc::Gen<scenario> gen_scenario();

/// A few codes of each kind, and areas that are mostly the plan's.
rc::Gen<pools> gen_focused_pools(const procedure_plan& plan);

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
rc::Gen<fact> gen_risk_fact(date on, const pools& pool = pools::everything());

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
