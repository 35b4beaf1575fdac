// SPDX-License-Identifier: Apache-2.0
// Issue 11, point 2: explain rule by rule. A table holds, for every rule id of the catalogue, a
// record + plan on which it fires, one on which it is quiet, and (where the rule has them) one
// on which it is undecided (a factor it needs unknown) and one on which it does not apply. The
// catalogue-driven test fails when a rule lacks a case: every rule needs `fired` and `quiet`
// (or a stated reason why it cannot be quiet), and any rule that is ever `undecided` or
// `not_applicable` on the probe inputs (an empty record; pen, RF, home and body plans) needs
// that case too.
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;

namespace {

struct inputs {
  intake in = mt::healthy_intake();
  procedure_plan plan = mt::basic_plan();
  policy pol;
};
using change = std::function<void(inputs&)>;

struct rule_cases {
  change fired;
  std::optional<change> quiet;  // nullopt: the rule fires whenever it applies
  std::optional<change> undecided;
  std::optional<change> not_applicable;
};

const change nothing = [](inputs&) {};

void rf(inputs& x) { x.plan.device = device_type::rf_microneedling; }
void home(inputs& x) {
  x.plan.setting = setting::home;
  x.plan.needle_depth = millimetres{0.2};
}
void body(inputs& x) { x.plan.areas = {area::abdomen}; }

change with_condition(condition_code c, std::vector<area> sites = {area::cheeks},
                      condition_status s = condition_status::active) {
  return [=](inputs& x) { mt::add_condition(x.in, c, s, sites); };
}
change with_med(medication_code m, route r = route::oral, std::vector<area> sites = {}) {
  return [=](inputs& x) { mt::add_medication(x.in, m, r, std::nullopt, sites); };
}
change with_allergy(allergy_substance s) {
  return [=](inputs& x) { mt::add_allergy(x.in, s); };
}
change with_procedure(procedure_code c, int days_ago,
                      std::optional<peel_depth> depth = std::nullopt) {
  return [=](inputs& x) {
    mt::add_procedure(x.in, c, mt::days_before(x.plan, days_ago), {area::cheeks}, depth);
  };
}
change unknown(question q) {
  return [=](inputs& x) { mt::undeny(x.in, q); };
}
change both(change a, change b) {
  return [=](inputs& x) {
    a(x);
    b(x);
  };
}
void woman(inputs& x) { x.in = mt::healthy_woman(); }

const std::map<std::string, rule_cases>& cases() {
  static const std::map<std::string, rule_cases> table = {
      {"active_infection_in_area",
       {with_condition(condition_code::skin_infection), nothing,
        unknown(question::skin_infection)}},
      {"open_wound_in_area", {with_condition(condition_code::open_wound), nothing}},
      {"active_hsv_lesion", {with_condition(condition_code::hsv_labialis, {}), nothing}},
      {"hsv_history_prophylaxis",
       {with_condition(condition_code::hsv_labialis, {}, condition_status::history), nothing,
        unknown(question::hsv_labialis),
        both(body, with_condition(condition_code::hsv_labialis, {}, condition_status::history))}},
      {"skin_cancer_in_area", {with_condition(condition_code::skin_cancer), nothing}},
      {"lesions_in_area", {with_condition(condition_code::warts), nothing}},
      {"inflammatory_acne_in_area",
       {[](inputs& x) {
          mt::add_condition(x.in, condition_code::acne_vulgaris, condition_status::active,
                            {area::cheeks})
              .severity = condition_severity::moderate;
        },
        nothing}},
      {"koebner_condition_active", {with_condition(condition_code::psoriasis, {}), nothing}},
      {"inflammatory_dermatosis_in_area", {with_condition(condition_code::eczema), nothing}},
      {"pigmentation_risk",
       {with_condition(condition_code::melasma), nothing,
        [](inputs& x) { x.in.patient.fitzpatrick.reset(); }}},
      {"keloid_history",
       {with_condition(condition_code::keloid, {}, condition_status::history), nothing,
        unknown(question::keloid)}},
      {"bleeding_disorder",
       {with_condition(condition_code::bleeding_disorder, {}), nothing,
        unknown(question::bleeding_disorder)}},
      {"low_platelets",
       {[](inputs& x) { mt::add_lab(x.in, lab_code::platelets, 50, mt::days_before(x.plan, 1)); },
        [](inputs& x) {
          mt::add_lab(x.in, lab_code::platelets, 250, mt::days_before(x.plan, 1));
        }}},
      {"anticoagulant_therapy",
       {with_med(medication_code::apixaban), nothing, unknown(question::anticoagulant)}},
      {"inr_above_limit",
       {both(with_med(medication_code::warfarin),
             [](inputs& x) { mt::add_lab(x.in, lab_code::inr, 4.0, mt::days_before(x.plan, 1)); }),
        both(with_med(medication_code::warfarin),
             [](inputs& x) { mt::add_lab(x.in, lab_code::inr, 2.0, mt::days_before(x.plan, 1)); }),
        with_med(medication_code::warfarin)}},
      {"antiplatelet_therapy", {with_med(medication_code::clopidogrel), nothing}},
      {"aspirin_or_nsaid", {with_med(medication_code::ibuprofen), nothing}},
      {"bleeding_supplements", {with_med(medication_code::fish_oil), nothing}},
      {"isotretinoin_recent",
       {with_med(medication_code::isotretinoin),
        [](inputs& x) {
          mt::add_medication(x.in, medication_code::isotretinoin, route::oral,
                             mt::days_before(x.plan, 275));
        },
        unknown(question::isotretinoin)}},
      {"immunosuppressed",
       {with_condition(condition_code::immunosuppression, {}), nothing,
        unknown(question::immunosuppression)}},
      {"systemic_steroids", {with_med(medication_code::prednisolone), nothing}},
      // Diabetes always fires (controlled: caution; unknown control: caution; above the
      // limit: defer); quiet without it, undecided when diabetes is not asked about.
      {"diabetes_control",
       {both(with_condition(condition_code::diabetes_mellitus, {}),
             [](inputs& x) {
               mt::add_lab(x.in, lab_code::hba1c, 9.5, mt::days_before(x.plan, 10));
             }),
        nothing, unknown(question::diabetes_mellitus)}},
      {"connective_tissue_disease",
       {with_condition(condition_code::autoimmune_connective_tissue, {}), nothing}},
      {"radiation_to_area",
       {[](inputs& x) {
          mt::add_condition(x.in, condition_code::radiation_therapy, condition_status::history,
                            {area::cheeks})
              .onset = mt::days_before(x.plan, 30);
        },
        nothing}},
      {"smoker_healing", {[](inputs& x) { x.in.patient.smoker = known::yes; }, nothing}},
      {"topical_retinoid_recent",
       {with_med(medication_code::tretinoin, route::topical, {area::cheeks}), nothing}},
      {"topical_exfoliant_recent",
       {with_med(medication_code::glycolic_acid, route::topical, {area::cheeks}), nothing}},
      {"acne_medication_current", {with_med(medication_code::acne_hormonal), nothing}},
      {"photosensitiser_current", {with_med(medication_code::photosensitiser), nothing}},
      {"non_sterile_topical",
       {[](inputs& x) { x.plan.adjuncts = {adjunct::non_sterile_serum}; }, std::nullopt,
        std::nullopt, nothing}},
      {"anesthetic_allergy",
       {[](inputs& x) {
          x.plan.anesthetic = anesthetic::lidocaine;
          mt::add_allergy(x.in, allergy_substance::lidocaine);
        },
        [](inputs& x) { x.plan.anesthetic = anesthetic::lidocaine; },
        [](inputs& x) {
          x.plan.anesthetic = anesthetic::lidocaine;
          mt::undeny(x.in, question::anesthetic_allergy);
        }}},
      {"metal_allergy_needles", {with_allergy(allergy_substance::nickel), nothing}},
      {"antiseptic_allergy", {with_allergy(allergy_substance::chlorhexidine), nothing}},
      {"product_allergy", {with_allergy(allergy_substance::hyaluronic_acid), nothing}},
      {"rf_with_implanted_device",
       {both(rf, [](inputs& x) { mt::add_device(x.in, device_code::pacemaker); }), rf,
        both(rf, unknown(question::implanted_device)),
        [](inputs& x) { mt::add_device(x.in, device_code::pacemaker); }}},
      {"rf_over_metal",
       {both(rf,
             [](inputs& x) { mt::add_device(x.in, device_code::metal_implant, {area::cheeks}); }),
        rf, both(rf, unknown(question::implanted_device)),
        [](inputs& x) { mt::add_device(x.in, device_code::metal_implant, {area::cheeks}); }}},
      {"rf_over_recent_filler",
       {both(rf, with_procedure(procedure_code::dermal_filler, 20)), rf, std::nullopt,
        with_procedure(procedure_code::dermal_filler, 20)}},
      {"rf_home_use", {both(rf, home), std::nullopt, std::nullopt, rf}},
      {"within_orbital_rim",
       {[](inputs& x) {
          x.plan.areas = {area::eyelids};
          x.plan.needle_depth = millimetres{0.25};
        },
        std::nullopt, std::nullopt, nothing}},
      {"device_not_single_use",
       {[](inputs& x) { x.plan.single_use_needles = known::no; }, nothing,
        [](inputs& x) { x.plan.single_use_needles = known::unknown; }}},
      {"depth_exceeds_area_limit",
       {[](inputs& x) {
          x.plan.areas = {area::forehead};
          x.plan.needle_depth = millimetres{1.5};
        },
        nothing}},
      {"home_device_too_deep",
       {[](inputs& x) {
          home(x);
          x.plan.needle_depth = millimetres{1.0};
        },
        home, std::nullopt, nothing}},
      {"home_use_high_risk",
       {both(home, with_condition(condition_code::keloid, {}, condition_status::history)), home,
        both(home, unknown(question::anticoagulant)),
        with_condition(condition_code::keloid, {}, condition_status::history)}},
      {"pregnancy",
       {[](inputs& x) {
          woman(x);
          x.in.patient.pregnant = known::yes;
        },
        woman,
        [](inputs& x) {
          woman(x);
          x.in.patient.pregnant = known::unknown;
        }}},
      {"minor",
       {[](inputs& x) { x.in.patient.birth_date = mt::born_years_before(x.plan.date, 16); },
        nothing, [](inputs& x) { x.in.patient.birth_date.reset(); }}},
      {"prp_bleeding",
       {[](inputs& x) {
          x.plan.adjuncts = {adjunct::prp};
          mt::add_lab(x.in, lab_code::platelets, 50, mt::days_before(x.plan, 1));
        },
        [](inputs& x) { x.plan.adjuncts = {adjunct::prp}; },
        [](inputs& x) {
          x.plan.adjuncts = {adjunct::prp};
          mt::undeny(x.in, question::anticoagulant);
        },
        [](inputs& x) { mt::add_lab(x.in, lab_code::platelets, 50, mt::days_before(x.plan, 1)); }}},
      {"recent_chemical_peel",
       {with_procedure(procedure_code::chemical_peel, 5, peel_depth::superficial),
        with_procedure(procedure_code::chemical_peel, 30, peel_depth::superficial)}},
      {"recent_laser",
       {with_procedure(procedure_code::laser_ablative, 10),
        with_procedure(procedure_code::laser_ablative, 200)}},
      {"recent_dermabrasion",
       {with_procedure(procedure_code::dermabrasion, 10),
        with_procedure(procedure_code::dermabrasion, 200)}},
      {"recent_filler",
       {with_procedure(procedure_code::dermal_filler, 3),
        with_procedure(procedure_code::dermal_filler, 14)}},
      {"recent_neuromodulator",
       {with_procedure(procedure_code::neuromodulator, 3),
        with_procedure(procedure_code::neuromodulator, 14)}},
      {"recent_surgery",
       {with_procedure(procedure_code::surgery, 10), with_procedure(procedure_code::surgery, 90)}},
      {"recent_hair_removal",
       {with_procedure(procedure_code::waxing, 2), with_procedure(procedure_code::waxing, 7)}},
      {"recent_exfoliation",
       {with_procedure(procedure_code::exfoliation, 2),
        with_procedure(procedure_code::exfoliation, 7)}},
      {"recent_sun_exposure",
       {with_procedure(procedure_code::tanning, 3), with_procedure(procedure_code::tanning, 14)}},
      {"session_interval",
       {with_procedure(procedure_code::microneedling, 5),
        with_procedure(procedure_code::microneedling, 28)}},
  };
  return table;
}

const rule_explanation& entry(const explanation& e, std::string_view id) {
  for (const auto& r : e.rules)
    if (r.rule_id == id) return r;
  FAIL("no explanation for " << id);
  throw std::logic_error("unreachable");
}

std::string describe(const explanation& e) {
  std::string out = "decision " + std::string(to_string(e.decision)) + "\n";
  for (const auto& r : e.rules)
    if (r.status != rule_status::quiet)
      out += "  [" + std::string(to_string(r.status)) + "] " + r.rule_id + ": " + r.sentence + "\n";
  for (const auto& w : e.warnings) out += "  warning " + format(w) + "\n";
  return out;
}

void check_case(std::string_view id, const change& make, rule_status expected) {
  inputs x;
  make(x);
  const screener s{x.pol};
  const explanation e = s.explain(x.in, x.plan);
  INFO(id << " expected " << to_string(expected) << "\n" << describe(e));
  REQUIRE(e.decision != decision::cannot_screen);
  const rule_explanation& r = entry(e, id);
  CHECK(r.status == expected);
  CHECK_FALSE(r.sentence.empty());
  CHECK(mt::mentions(r.sentence, to_string(expected)));
  if (expected == rule_status::fired) {
    REQUIRE(r.flag.has_value());
    CHECK(r.flag->rule_id == id);
    CHECK(mt::find_flag(s.screen(x.in, x.plan), id) != nullptr);
  } else {
    CHECK_FALSE(r.flag.has_value());
    CHECK(mt::find_flag(s.screen(x.in, x.plan), id) == nullptr);
  }
  if (expected == rule_status::undecided) CHECK_FALSE(r.unknowns.empty());
}

// The statuses a rule shows on the probe inputs: an empty record (everything unknown) with a
// face pen plan with anaesthetic and PRP, an RF plan, a home plan and a body plan.
std::map<std::string, std::set<rule_status>> probe_statuses() {
  std::map<std::string, std::set<rule_status>> out;
  std::vector<procedure_plan> plans;
  procedure_plan face = mt::basic_plan();
  face.anesthetic = anesthetic::lidocaine;
  face.adjuncts = {adjunct::prp};
  face.single_use_needles = known::unknown;
  plans.push_back(face);
  procedure_plan rfp = face;
  rfp.device = device_type::rf_microneedling;
  plans.push_back(rfp);
  procedure_plan homep = mt::basic_plan();
  homep.setting = setting::home;
  homep.needle_depth = millimetres{0.2};
  plans.push_back(homep);
  procedure_plan bodyp = mt::basic_plan();
  bodyp.areas = {area::abdomen};
  plans.push_back(bodyp);
  const screener s;
  for (const auto& plan : plans) {
    for (const intake& in : {intake{}, mt::healthy_intake()}) {
      const explanation e = s.explain(in, plan);
      for (const auto& r : e.rules) out[r.rule_id].insert(r.status);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("explain: every catalogue rule has its cases", "[explain][catalogue]") {
  const auto probes = probe_statuses();
  for (const rule_info& info : rule_catalogue()) {
    const std::string id(info.id);
    INFO("rule " << id);
    const auto it = cases().find(id);
    REQUIRE(it != cases().end());
    const rule_cases& c = it->second;
    const auto& seen = probes.at(id);
    if (seen.count(rule_status::undecided) != 0) CHECK(c.undecided.has_value());
    if (seen.count(rule_status::not_applicable) != 0) CHECK(c.not_applicable.has_value());
    // A rule without a quiet case must be one that fires whenever it applies.
    if (!c.quiet) CHECK(c.not_applicable.has_value());
  }
  CHECK(cases().size() == rule_catalogue().size());
}

TEST_CASE("explain: rule by rule", "[explain][by_rule]") {
  for (const auto& [id, c] : cases()) {
    check_case(id, c.fired, rule_status::fired);
    if (c.quiet) check_case(id, *c.quiet, rule_status::quiet);
    if (c.undecided) check_case(id, *c.undecided, rule_status::undecided);
    if (c.not_applicable) check_case(id, *c.not_applicable, rule_status::not_applicable);
  }
}

TEST_CASE("explain: the isotretinoin sentence names the stop date, the days and the wash-out",
          "[explain]") {
  inputs x;
  mt::add_medication(x.in, medication_code::isotretinoin, route::oral, mt::days_before(x.plan, 275))
      .source = "MedicationStatement/iso-1";
  const explanation e = screener{}.explain(x.in, x.plan);
  const rule_explanation& r = entry(e, "isotretinoin_recent");
  INFO(r.sentence);
  CHECK(r.status == rule_status::quiet);
  const std::string stop = mt::iso(mt::days_before(x.plan, 275));
  CHECK(mt::mentions(r.sentence, "isotretinoin oral"));
  CHECK(mt::mentions(r.sentence, "stopped " + stop + ", 275 days before the plan"));
  CHECK(mt::mentions(r.sentence, "isotretinoin_washout_days 180"));
  CHECK(r.sentence.substr(r.sentence.size() - 7) == ": quiet");
  // The fact carries its source (here a FHIR resource id); the setting its value.
  const auto fact = std::find_if(r.facts.begin(), r.facts.end(), [](const explained_fact& f) {
    return f.source == "MedicationStatement/iso-1";
  });
  REQUIRE(fact != r.facts.end());
  CHECK(mt::mentions(fact->value, stop));
  REQUIRE_FALSE(r.settings.empty());
  CHECK(r.settings[0].name == "isotretinoin_washout_days");
  CHECK(r.settings[0].value == setting_value{180.0});
}

TEST_CASE("explain: 2026.2 an anaesthetic allergy with no anaesthetic planned fires as info",
          "[explain]") {
  inputs x;
  x.plan.anesthetic = anesthetic::none;
  mt::add_allergy(x.in, allergy_substance::lidocaine);
  const explanation e = screener{}.explain(x.in, x.plan);
  const rule_explanation& r = entry(e, "anesthetic_allergy");
  INFO(r.sentence);
  CHECK(r.status == rule_status::fired);
  REQUIRE(r.flag.has_value());
  CHECK(r.flag->effect == effect::info);
  // Without the allergy the rule is quiet, not out of scope: it still reads the allergies.
  inputs y;
  y.plan.anesthetic = anesthetic::none;
  CHECK(entry(screener{}.explain(y.in, y.plan), "anesthetic_allergy").status == rule_status::quiet);
}

TEST_CASE("explain: an item without a source is named by its place in the intake", "[explain]") {
  inputs x;
  mt::add_medication(x.in, medication_code::aspirin, route::oral);
  mt::add_medication(x.in, medication_code::apixaban, route::oral);
  const explanation e = screener{}.explain(x.in, x.plan);
  const rule_explanation& r = entry(e, "anticoagulant_therapy");
  CHECK(r.status == rule_status::fired);
  CHECK(std::any_of(r.facts.begin(), r.facts.end(),
                    [](const explained_fact& f) { return f.source == "medications[1]"; }));
}

TEST_CASE("explain: overrides and invalid inputs", "[explain][overrides]") {
  inputs x;
  mt::add_procedure(x.in, procedure_code::dermal_filler, mt::days_before(x.plan, 3),
                    {area::cheeks});
  x.plan.overrides = {{"recent_filler", override_reason::prescriber_approved, "Dr A", "", {}}};
  const explanation e = screener{}.explain(x.in, x.plan);
  CHECK(e.decision == decision::proceed);
  CHECK(e.decision_before_overrides == decision::defer);
  const rule_explanation& r = entry(e, "recent_filler");
  CHECK(r.status == rule_status::fired);
  REQUIRE(r.flag.has_value());
  CHECK(r.flag->override_record.has_value());
  CHECK(mt::mentions(r.sentence, "overridden"));

  procedure_plan bad = mt::basic_plan();
  bad.areas.clear();
  const explanation none = screener{}.explain(mt::healthy_intake(), bad);
  CHECK(none.decision == decision::cannot_screen);
  CHECK(none.rules.empty());
  CHECK_FALSE(none.warnings.empty());
}

TEST_CASE("explain: JSON document", "[explain][json]") {
  inputs x;
  mt::add_medication(x.in, medication_code::isotretinoin, route::oral);
  const explanation e = screener{}.explain(x.in, x.plan);
  const std::string text = to_json(e);
  CHECK(text.rfind(R"({"schema":"mnscreen.explain/1","knowledge_version":")", 0) == 0);
  CHECK(text.find(R"("rule_id":"isotretinoin_recent","status":"fired",)") != std::string::npos);
  CHECK(text.find(R"("settings":{"isotretinoin_washout_days":180,)") != std::string::npos);
  CHECK(text.find(R"("status":"not_applicable")") != std::string::npos);
  CHECK(text.find(R"("source":"medications[0]")") != std::string::npos);
  const std::string t = to_text(e);
  CHECK(mt::mentions(t, "[fired] isotretinoin_recent"));
}
