// SPDX-License-Identifier: Apache-2.0
// The generators of single records (conditions, medications, allergies, devices, procedures,
// labs, denials) and the values in them, declared in property_support.hpp.
// Compiled once, into the property_support library (tests/property/CMakeLists.txt), rather than
// inline in every property test that includes property_support.hpp.
#include <rapidcheck.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "property_support.hpp"

namespace mnscreen::prop {

// --- small generators ----------------------------------------------------------------------------

rc::Gen<known> tri_state() { return code<known>(); }

rc::Gen<std::string> free_text() {
  return rc::gen::oneOf(
      rc::gen::just(std::string{}), rc::gen::container<std::string>(uniform<char>(' ', '~' + 1)),
      rc::gen::element(std::string("Condition/123"), std::string("urn:uuid:0f1e-\"quoted\""),
                       std::string("r\xC3\xA9"
                                   "action \xE2\x80\x94 \xE6\xBC\xA2\\"),
                       std::string("tab\there, new\nline")));
}

rc::Gen<date> date_near(date around, int lo, int hi) {
  return rc::gen::map(uniform(lo, hi + 1), [around](int n) { return shift(around, n); });
}

rc::Gen<double> lab_value(lab_code c) {
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

// --- facts ---------------------------------------------------------------------------------------

rc::Gen<std::vector<area>> sites_from(const pools& pool, int max_count) {
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

rc::Gen<condition> gen_condition(date on, const pools& pool) {
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

rc::Gen<medication> gen_medication(date on, const pools& pool) {
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

rc::Gen<allergy> gen_allergy() {
  return rc::gen::exec([] {
    allergy a;
    a.substance = *code<allergy_substance>();
    a.reaction = *free_text();
    a.severity = *optional_of(code<allergy_severity>());
    a.source = *free_text();
    return a;
  });
}

rc::Gen<implanted_device> gen_device(const pools& pool) {
  return rc::gen::exec([pool] {
    implanted_device d;
    d.code = *code<device_code>();
    d.sites = *sites_from(pool, 3);
    d.source = *free_text();
    return d;
  });
}

rc::Gen<prior_procedure> gen_procedure(date on, const pools& pool) {
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

rc::Gen<lab_result> gen_lab(date on) {
  return rc::gen::exec([on] {
    lab_result l;
    l.code = *code<lab_code>();
    l.value = *lab_value(l.code);
    l.date = *date_near(on, -200, 5);
    l.source = *free_text();
    return l;
  });
}

std::vector<negative> all_negatives() {
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

rc::Gen<negative> gen_negative() { return rc::gen::elementOf(all_negatives()); }

std::vector<medication_code> protective_medications() {
  std::vector<medication_code> out;
  for (auto m : all_codes<medication_code>())
    if (is_protective(m)) out.push_back(m);
  return out;
}

// --- one added fact ------------------------------------------------------------------------------

rc::Gen<fact> gen_risk_fact(date on, const pools& pool) {
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

}  // namespace mnscreen::prop
