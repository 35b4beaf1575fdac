// SPDX-License-Identifier: Apache-2.0
// The generators of whole documents (plans, intakes, policies, scenarios) and of focused code
// pools, declared in property_support.hpp.
// Compiled once, into the property_support library (tests/property/CMakeLists.txt), rather than
// inline in every property test that includes property_support.hpp.
#include <rapidcheck.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "property_support.hpp"

namespace mnscreen::prop {

// --- whole documents -----------------------------------------------------------------------------

rc::Gen<procedure_plan> gen_plan() {
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

rc::Gen<procedure_plan> gen_gentle_plan() {
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

rc::Gen<procedure_plan> gen_any_plan() { return rc::gen::oneOf(gen_plan(), gen_gentle_plan()); }

rc::Gen<std::vector<rule_override>> gen_overrides() {
  const std::size_t n = rule_catalogue().size();
  const auto indices =
      rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, n));
  return rc::gen::map(indices, [](std::vector<std::size_t> idx) {
    std::sort(idx.begin(), idx.end());
    idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
    if (idx.size() > 3) idx.resize(3);
    std::vector<rule_override> out;
    for (std::size_t i : idx) {
      rule_override o;
      o.rule_id = std::string(rule_catalogue()[i].id);
      o.reason = override_reason::informed_consent;
      out.push_back(std::move(o));
    }
    return out;
  });
}

rc::Gen<intake> gen_intake(date on, const pools& pool, int max_items) {
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

rc::Gen<policy> gen_policy() {
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

rc::Gen<scenario> gen_scenario() {
  return rc::gen::exec([] {
    scenario s;
    s.plan = *gen_plan();
    s.record = *gen_intake(s.plan.date);
    return s;
  });
}

rc::Gen<pools> gen_focused_pools(const procedure_plan& plan) {
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

}  // namespace mnscreen::prop
