// SPDX-License-Identifier: Apache-2.0
// Issue 11, point 2: explain rule by rule. Each family's test file registers, for each of its
// rules, a record + plan on which it fires, one on which it is quiet, and (where the rule has
// them) one on which it is undecided (a factor it needs unknown) and one on which it does not
// apply (explain_cases.hpp). The catalogue-driven test fails when a rule lacks a case: every rule
// needs `fired` and `quiet` (or a stated reason why it cannot be quiet), and any rule that is ever
// `undecided` or `not_applicable` on the probe inputs (an empty record; pen, RF, home and body
// plans) needs that case too.
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "explain_cases.hpp"
#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;
using namespace mnscreen::test::explain;

namespace {

const std::map<std::string, rule_cases>& cases() { return registry().cases; }

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
    // A fired rule names what it looked at, and where in the record or plan each fact is.
    CHECK_FALSE(r.facts.empty());
    CHECK(std::any_of(r.facts.begin(), r.facts.end(),
                      [](const explained_fact& fact) { return !fact.source.empty(); }));
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
  CHECK(registry().duplicates.empty());  // a rule's cases registered twice
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

// Rules whose checks scan the record's lists or read the plan themselves name what they looked
// at too, quiet or fired (issue 11 point 2: "the facts it looked at with their values and where
// they came from").
TEST_CASE("explain: a quiet or fired rule names the items and plan fields it looked at",
          "[explain]") {
  const auto has = [](const rule_explanation& r, std::string_view name, std::string_view source) {
    return std::any_of(r.facts.begin(), r.facts.end(), [&](const explained_fact& f) {
      return f.name == name && f.source == source;
    });
  };
  SECTION("a past microneedling session, outside the interval") {
    inputs x;
    mt::add_procedure(x.in, procedure_code::microneedling, mt::days_before(x.plan, 35),
                      {area::cheeks});
    const explanation e = screener{}.explain(x.in, x.plan);
    const rule_explanation& r = entry(e, "session_interval");
    CHECK(r.status == rule_status::quiet);
    CHECK(has(r, "procedure microneedling", "procedures[0]"));
    CHECK(mt::mentions(r.sentence, "35 days before the plan"));
  }
  SECTION("resolved acne on the cheeks") {
    inputs x;
    mt::add_condition(x.in, condition_code::acne_vulgaris, condition_status::resolved,
                      {area::cheeks});
    const explanation e = screener{}.explain(x.in, x.plan);
    const rule_explanation& r = entry(e, "inflammatory_acne_in_area");
    CHECK(r.status == rule_status::quiet);
    CHECK(has(r, "condition acne_vulgaris", "conditions[0]"));
  }
  SECTION("a non-smoker") {
    inputs x;
    x.in.patient.smoker = known::no;
    const explanation e = screener{}.explain(x.in, x.plan);
    const rule_explanation& r = entry(e, "smoker_healing");
    CHECK(r.status == rule_status::quiet);
    CHECK(has(r, "smoker", "patient.smoker"));
  }
  SECTION("RF over gold threads: the plan's device and the device record") {
    inputs x;
    x.plan.device = device_type::rf_microneedling;
    mt::add_device(x.in, device_code::gold_threads, {area::cheeks});
    const explanation e = screener{}.explain(x.in, x.plan);
    const rule_explanation& r = entry(e, "rf_over_metal");
    CHECK(r.status == rule_status::fired);
    CHECK(has(r, "plan device", "plan.device"));
    CHECK(has(r, "device gold_threads", "devices[0]"));
  }
  SECTION("reused needles") {
    inputs x;
    x.plan.single_use_needles = known::no;
    const explanation e = screener{}.explain(x.in, x.plan);
    const rule_explanation& r = entry(e, "device_not_single_use");
    CHECK(r.status == rule_status::fired);
    CHECK(has(r, "plan single-use needles", "plan.single_use_needles"));
  }
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
