// SPDX-License-Identifier: Apache-2.0
// Rules of clinical-spec.md "Timing after other procedures": each defers until the earlier
// procedure's date + its wait when done on a planned area (or on an unrecorded area), and is
// quiet once exactly `wait` days have passed.
#include <optional>
#include <string>

#include "explain_cases.hpp"
#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;
using mt::add_procedure;
using mt::basic_plan;
using mt::days_before;
using mt::healthy_intake;
using mt::run;
using mt::shift;

namespace {

struct wait_case {
  const char* rule;
  procedure_code code;
  std::optional<peel_depth> depth;
  int wait;  // default policy, days
};

void check_fires(const wait_case& c, int ago, std::vector<area> areas, const policy& p = {}) {
  CAPTURE(c.rule, to_string(c.code), ago, c.wait);
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();  // cheeks
  const date when = days_before(plan, ago);
  add_procedure(in, c.code, when, std::move(areas), c.depth);
  const report r = run(in, plan, p);
  const flag& f = mt::require_flag(r, c.rule, effect::defer);
  mt::check_reason_mentions(f, when);
  INFO("complications should name irritation, dyspigmentation or scarring");
  CHECK(std::any_of(f.complications.begin(), f.complications.end(), [](complication x) {
    return x == complication::irritation || x == complication::dyspigmentation ||
           x == complication::scarring;
  }));
  mt::check_defer_to(r, f, shift(when, c.wait));
}

void check_quiet(const wait_case& c, int ago, std::vector<area> areas, const policy& p = {}) {
  CAPTURE(c.rule, to_string(c.code), ago, c.wait);
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  add_procedure(in, c.code, days_before(plan, ago), std::move(areas), c.depth);
  const report r = run(in, plan, p);
  mt::require_quiet(r, c.rule);
  mt::check_decision(r, decision::proceed);
}

/// The standard trigger set: one day inside the wait, on the day itself when the wait is one
/// day, and on an unrecorded area.
void check_standard_triggers(const wait_case& c) {
  check_fires(c, c.wait - 1, {area::cheeks});
  check_fires(c, c.wait - 1, {area::cheeks, area::chin});
  check_fires(c, 0, {area::cheeks});
  check_fires(c, c.wait - 1, {});
}

/// The standard quiet set: exactly `wait` days, later, and inside the wait on another area.
void check_standard_quiet(const wait_case& c) {
  check_quiet(c, c.wait, {area::cheeks});
  check_quiet(c, c.wait + 30, {area::cheeks});
  check_quiet(c, c.wait - 1, {area::back});
}

const wait_case peel_superficial{"recent_chemical_peel", procedure_code::chemical_peel,
                                 peel_depth::superficial, 14};
const wait_case peel_medium{"recent_chemical_peel", procedure_code::chemical_peel,
                            peel_depth::medium, 30};
const wait_case peel_deep{"recent_chemical_peel", procedure_code::chemical_peel, peel_depth::deep,
                          90};
const wait_case peel_unknown_depth{"recent_chemical_peel", procedure_code::chemical_peel,
                                   std::nullopt, 90};
const wait_case laser_ablative{"recent_laser", procedure_code::laser_ablative, std::nullopt, 90};
const wait_case laser_nonablative{"recent_laser", procedure_code::laser_nonablative, std::nullopt,
                                  21};
const wait_case ipl{"recent_laser", procedure_code::ipl, std::nullopt, 21};
const wait_case dermabrasion{"recent_dermabrasion", procedure_code::dermabrasion, std::nullopt, 90};
const wait_case microdermabrasion{"recent_dermabrasion", procedure_code::microdermabrasion,
                                  std::nullopt, 7};
const wait_case filler{"recent_filler", procedure_code::dermal_filler, std::nullopt, 14};
const wait_case neuromodulator{"recent_neuromodulator", procedure_code::neuromodulator,
                               std::nullopt, 14};
const wait_case surgery{"recent_surgery", procedure_code::surgery, std::nullopt, 90};
const wait_case waxing{"recent_hair_removal", procedure_code::waxing, std::nullopt, 7};
const wait_case threading{"recent_hair_removal", procedure_code::threading, std::nullopt, 7};
const wait_case electrolysis{"recent_hair_removal", procedure_code::electrolysis, std::nullopt, 7};
const wait_case shaving{"recent_hair_removal", procedure_code::shaving, std::nullopt, 1};
const wait_case exfoliation{"recent_exfoliation", procedure_code::exfoliation, std::nullopt, 7};
const wait_case tanning{"recent_sun_exposure", procedure_code::tanning, std::nullopt, 14};
const wait_case microneedling{"session_interval", procedure_code::microneedling, std::nullopt, 28};

}  // namespace

// --- recent_chemical_peel ---------------------------------------------------------------------

TEST_CASE("recent_chemical_peel: a peel inside its depth's wait defers",
          "[rules][recent_chemical_peel][trigger]") {
  SECTION("superficial 14 days") { check_standard_triggers(peel_superficial); }
  SECTION("medium 30 days") { check_standard_triggers(peel_medium); }
  SECTION("deep 90 days") { check_standard_triggers(peel_deep); }
}

TEST_CASE("recent_chemical_peel: a peel of unknown depth uses the deep wait and says so",
          "[rules][recent_chemical_peel][trigger]") {
  check_standard_triggers(peel_unknown_depth);
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  add_procedure(in, procedure_code::chemical_peel, days_before(plan, 20), {area::cheeks});
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "recent_chemical_peel", effect::defer);
  INFO(f.reason);
  CHECK(mt::mentions(f.reason, "depth"));
}

TEST_CASE("recent_chemical_peel: a peel past its wait or elsewhere stays quiet",
          "[rules][recent_chemical_peel][quiet]") {
  SECTION("superficial") { check_standard_quiet(peel_superficial); }
  SECTION("medium") { check_standard_quiet(peel_medium); }
  SECTION("deep") { check_standard_quiet(peel_deep); }
  SECTION("unknown depth") { check_standard_quiet(peel_unknown_depth); }
  SECTION("superficial 20 days ago is quiet although the medium wait would not be") {
    check_quiet(peel_superficial, 20, {area::cheeks});
  }
}

TEST_CASE("recent_chemical_peel: policy waits per depth",
          "[rules][recent_chemical_peel][trigger][quiet][policy]") {
  policy p;
  p.chemical_peel_wait_days_superficial = 7;
  p.chemical_peel_wait_days_medium = 45;
  SECTION("superficial 10 days ago is past a 7-day wait") {
    check_quiet(peel_superficial, 10, {area::cheeks}, p);
  }
  SECTION("medium 35 days ago is inside a 45-day wait") {
    wait_case medium45 = peel_medium;
    medium45.wait = 45;
    check_fires(medium45, 35, {area::cheeks}, p);
  }
}

// --- recent_laser -----------------------------------------------------------------------------

TEST_CASE("recent_laser: laser or IPL inside its wait defers", "[rules][recent_laser][trigger]") {
  SECTION("ablative 90 days") { check_standard_triggers(laser_ablative); }
  SECTION("non-ablative 21 days") { check_standard_triggers(laser_nonablative); }
  SECTION("IPL 21 days") { check_standard_triggers(ipl); }
}

TEST_CASE("recent_laser: laser past its wait or elsewhere stays quiet",
          "[rules][recent_laser][quiet]") {
  SECTION("ablative") { check_standard_quiet(laser_ablative); }
  SECTION("non-ablative") { check_standard_quiet(laser_nonablative); }
  SECTION("IPL") { check_standard_quiet(ipl); }
}

TEST_CASE("recent_laser: policy laser_wait_days.nonablative 30",
          "[rules][recent_laser][trigger][policy]") {
  policy p;
  p.laser_wait_days_nonablative = 30;
  wait_case c = laser_nonablative;
  c.wait = 30;
  check_fires(c, 25, {area::cheeks}, p);
}

// --- recent_dermabrasion ----------------------------------------------------------------------

TEST_CASE("recent_dermabrasion: dermabrasion or microdermabrasion inside the wait defers",
          "[rules][recent_dermabrasion][trigger]") {
  SECTION("dermabrasion 90 days") { check_standard_triggers(dermabrasion); }
  SECTION("microdermabrasion 7 days") { check_standard_triggers(microdermabrasion); }
}

TEST_CASE("recent_dermabrasion: past the wait or elsewhere stays quiet",
          "[rules][recent_dermabrasion][quiet]") {
  SECTION("dermabrasion") { check_standard_quiet(dermabrasion); }
  SECTION("microdermabrasion") { check_standard_quiet(microdermabrasion); }
}

// --- recent_filler ----------------------------------------------------------------------------

TEST_CASE("recent_filler: filler in the area inside 14 days defers",
          "[rules][recent_filler][trigger]") {
  check_standard_triggers(filler);
}

TEST_CASE("recent_filler: older filler or filler elsewhere stays quiet",
          "[rules][recent_filler][quiet]") {
  check_standard_quiet(filler);
}

TEST_CASE("recent_filler: policy filler_wait_days 30", "[rules][recent_filler][trigger][policy]") {
  policy p;
  p.filler_wait_days = 30;
  wait_case c = filler;
  c.wait = 30;
  check_fires(c, 20, {area::cheeks}, p);
}

// --- recent_neuromodulator --------------------------------------------------------------------

TEST_CASE("recent_neuromodulator: toxin in the area inside 14 days defers",
          "[rules][recent_neuromodulator][trigger]") {
  check_standard_triggers(neuromodulator);
}

TEST_CASE("recent_neuromodulator: older toxin or toxin elsewhere stays quiet",
          "[rules][recent_neuromodulator][quiet]") {
  check_standard_quiet(neuromodulator);
}

// --- recent_surgery ---------------------------------------------------------------------------

TEST_CASE("recent_surgery: surgery in the area inside 90 days defers",
          "[rules][recent_surgery][trigger]") {
  check_standard_triggers(surgery);
}

TEST_CASE("recent_surgery: older surgery or surgery elsewhere stays quiet",
          "[rules][recent_surgery][quiet]") {
  check_standard_quiet(surgery);
}

TEST_CASE("recent_surgery: policy surgery_wait_days 180",
          "[rules][recent_surgery][trigger][policy]") {
  policy p;
  p.surgery_wait_days = 180;
  wait_case c = surgery;
  c.wait = 180;
  check_fires(c, 120, {area::cheeks}, p);
}

// --- recent_hair_removal ----------------------------------------------------------------------

TEST_CASE("recent_hair_removal: waxing threading or electrolysis inside 7 days defers",
          "[rules][recent_hair_removal][trigger]") {
  SECTION("waxing") { check_standard_triggers(waxing); }
  SECTION("threading") { check_standard_triggers(threading); }
  SECTION("electrolysis") { check_standard_triggers(electrolysis); }
}

TEST_CASE("recent_hair_removal: shaving on the plan day defers one day",
          "[rules][recent_hair_removal][trigger]") {
  check_fires(shaving, 0, {area::cheeks});
  check_fires(shaving, 0, {});
}

TEST_CASE("recent_hair_removal: shaving the day before or waxing a week ago stays quiet",
          "[rules][recent_hair_removal][quiet]") {
  SECTION("shaving the day before") { check_quiet(shaving, 1, {area::cheeks}); }
  SECTION("shaving on the plan day, another area") { check_quiet(shaving, 0, {area::back}); }
  SECTION("waxing") { check_standard_quiet(waxing); }
  SECTION("threading") { check_standard_quiet(threading); }
  SECTION("electrolysis") { check_standard_quiet(electrolysis); }
}

TEST_CASE("recent_hair_removal: policy hair_removal_wait_days 3",
          "[rules][recent_hair_removal][quiet][policy]") {
  policy p;
  p.hair_removal_wait_days = 3;
  check_quiet(waxing, 4, {area::cheeks}, p);
}

// --- recent_exfoliation -----------------------------------------------------------------------

TEST_CASE("recent_exfoliation: exfoliation inside 7 days defers",
          "[rules][recent_exfoliation][trigger]") {
  check_standard_triggers(exfoliation);
}

TEST_CASE("recent_exfoliation: older exfoliation or elsewhere stays quiet",
          "[rules][recent_exfoliation][quiet]") {
  check_standard_quiet(exfoliation);
}

// --- recent_sun_exposure ----------------------------------------------------------------------

TEST_CASE("recent_sun_exposure: tanning inside 14 days defers",
          "[rules][recent_sun_exposure][trigger]") {
  check_standard_triggers(tanning);
}

TEST_CASE("recent_sun_exposure: a sunburn with onset inside 14 days defers onset + 14",
          "[rules][recent_sun_exposure][trigger]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  const date onset = days_before(plan, 10);
  mt::add_condition(in, condition_code::sunburn, condition_status::active, {area::cheeks}).onset =
      onset;
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "recent_sun_exposure", effect::defer);
  REQUIRE(f.earliest_safe_date.has_value());
  CHECK(mt::iso(*f.earliest_safe_date) == mt::iso(shift(onset, 14)));
}

TEST_CASE("recent_sun_exposure: old tanning or sunburn elsewhere stays quiet",
          "[rules][recent_sun_exposure][quiet]") {
  check_standard_quiet(tanning);
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  mt::add_condition(in, condition_code::sunburn, condition_status::resolved, {area::cheeks}).onset =
      days_before(plan, 30);
  const report r = run(in, plan);
  mt::require_quiet(r, "recent_sun_exposure");
}

// --- session_interval -------------------------------------------------------------------------

TEST_CASE("session_interval: a microneedling session inside 28 days defers",
          "[rules][session_interval][trigger]") {
  check_standard_triggers(microneedling);
}

TEST_CASE("session_interval: a session 28 days ago or elsewhere stays quiet",
          "[rules][session_interval][quiet]") {
  check_standard_quiet(microneedling);
}

TEST_CASE("session_interval: policy microneedling_interval_days 42",
          "[rules][session_interval][trigger][policy]") {
  policy p;
  p.microneedling_interval_days = 42;
  wait_case c = microneedling;
  c.wait = 42;
  check_fires(c, 30, {area::cheeks}, p);
}

// --- explain: each rule's cases (tests/rules/explain_test.cpp runs them) -----------------

namespace {
using namespace mnscreen::test::explain;
const explain_cases_for timing_explain_cases{
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
      with_procedure(procedure_code::microneedling, 28)}}};
}  // namespace
