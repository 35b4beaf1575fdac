// SPDX-License-Identifier: Apache-2.0
// Rules of clinical-spec.md "Medicines and products at the site".
#include "explain_cases.hpp"
#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;
using mt::add_medication;
using mt::basic_plan;
using mt::days_before;
using mt::healthy_intake;
using mt::run;
using mt::shift;

// --- topical_retinoid_recent ------------------------------------------------------------------

TEST_CASE("topical_retinoid_recent: a retinoid still used on the area defers plan date + hold",
          "[rules][topical_retinoid_recent][trigger]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  std::string word;
  SECTION("tretinoin on the cheeks") {
    add_medication(in, medication_code::tretinoin, route::topical, std::nullopt, {area::cheeks});
    word = "tretinoin";
  }
  SECTION("adapalene with no recorded site") {
    add_medication(in, medication_code::adapalene, route::topical);
    word = "adapalene";
  }
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "topical_retinoid_recent", effect::defer);
  mt::check_complications(f, {complication::irritation});
  mt::check_reason_mentions(f, word);
  mt::check_defer_to(r, f, shift(plan.date, 5));
  INFO("aftercare should say when retinoids may restart");
  CHECK(mt::any_mentions(r.aftercare, "retino"));
}

TEST_CASE("topical_retinoid_recent: stopped inside the hold defers stop + hold",
          "[rules][topical_retinoid_recent][trigger]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  policy p;
  int hold = 5;
  int ago = 3;
  SECTION("retinol stopped 3 days before") {}
  SECTION("stopped 4 days before") { ago = 4; }
  SECTION("policy hold 7, stopped 5 days before") {
    p.topical_retinoid_hold_days_before = 7;
    hold = 7;
    ago = 5;
  }
  const date stop = days_before(plan, ago);
  add_medication(in, medication_code::retinol, route::topical, stop, {area::cheeks});
  const report r = run(in, plan, p);
  const flag& f = mt::require_flag(r, "topical_retinoid_recent", effect::defer);
  mt::check_reason_mentions(f, stop);
  mt::check_defer_to(r, f, shift(stop, hold));
}

TEST_CASE("topical_retinoid_recent: aftercare gives the restart delay of the policy",
          "[rules][topical_retinoid_recent][trigger][policy]") {
  intake in = healthy_intake();
  add_medication(in, medication_code::tretinoin, route::topical, std::nullopt, {area::cheeks});
  policy p;
  p.topical_retinoid_hold_days_after = 12;
  const report r = run(in, basic_plan(), p);
  mt::require_flag(r, "topical_retinoid_recent", effect::defer);
  INFO("aftercare should say retinoids restart after 12 days");
  CHECK(std::any_of(r.aftercare.begin(), r.aftercare.end(), [](const std::string& line) {
    return mt::mentions(line, "retino") && mt::mentions(line, "12 day");
  }));
}

TEST_CASE("topical_retinoid_recent: stopped long enough or on another area stays quiet",
          "[rules][topical_retinoid_recent][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  policy p;
  SECTION("stopped exactly 5 days before") {
    add_medication(in, medication_code::tretinoin, route::topical, days_before(plan, 5),
                   {area::cheeks});
  }
  SECTION("adapalene used on the back only") {
    add_medication(in, medication_code::adapalene, route::topical, std::nullopt, {area::back});
  }
  SECTION("policy hold 2, stopped 3 days before") {
    p.topical_retinoid_hold_days_before = 2;
    add_medication(in, medication_code::tazarotene, route::topical, days_before(plan, 3),
                   {area::cheeks});
  }
  const report r = run(in, plan, p);
  mt::require_quiet(r, "topical_retinoid_recent");
  mt::check_decision(r, decision::proceed);
}

// --- topical_exfoliant_recent -----------------------------------------------------------------

TEST_CASE("topical_exfoliant_recent: a current exfoliant on the area is a caution",
          "[rules][topical_exfoliant_recent][trigger]") {
  intake in = healthy_intake();
  std::string word;
  SECTION("glycolic acid on the cheeks") {
    add_medication(in, medication_code::glycolic_acid, route::topical, std::nullopt,
                   {area::cheeks});
    word = "glycolic";
  }
  SECTION("salicylic acid with no recorded site") {
    add_medication(in, medication_code::salicylic_acid, route::topical);
    word = "salicylic";
  }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "topical_exfoliant_recent", effect::proceed_with_caution);
  mt::check_complications(f, {complication::irritation});
  mt::check_reason_mentions(f, word);
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("topical_exfoliant_recent: exfoliant elsewhere or stopped stays quiet",
          "[rules][topical_exfoliant_recent][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  SECTION("benzoyl peroxide on the back") {
    add_medication(in, medication_code::benzoyl_peroxide, route::topical, std::nullopt,
                   {area::back});
  }
  SECTION("glycolic acid stopped 10 days before") {
    add_medication(in, medication_code::glycolic_acid, route::topical, days_before(plan, 10),
                   {area::cheeks});
  }
  const report r = run(in, plan);
  mt::require_quiet(r, "topical_exfoliant_recent");
  mt::check_decision(r, decision::proceed);
}

// --- acne_medication_current ------------------------------------------------------------------

TEST_CASE("acne_medication_current: current acne antibiotic or hormonal drug is a caution",
          "[rules][acne_medication_current][trigger]") {
  intake in = healthy_intake();
  std::string word;
  SECTION("minocycline") {
    add_medication(in, medication_code::minocycline, route::oral);
    word = "minocycline";
  }
  SECTION("topical clindamycin") {
    add_medication(in, medication_code::clindamycin, route::topical, std::nullopt, {area::cheeks});
    word = "clindamycin";
  }
  SECTION("spironolactone") {
    add_medication(in, medication_code::spironolactone, route::oral);
    word = "spironolactone";
  }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "acne_medication_current", effect::proceed_with_caution);
  mt::check_complications(f, {complication::irritation});
  mt::check_reason_mentions(f, word);
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("acne_medication_current: a finished course stays quiet",
          "[rules][acne_medication_current][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  add_medication(in, medication_code::minocycline, route::oral, days_before(plan, 30));
  const report r = run(in, plan);
  mt::require_quiet(r, "acne_medication_current");
  mt::check_decision(r, decision::proceed);
}

// --- photosensitiser_current ------------------------------------------------------------------

TEST_CASE("photosensitiser_current: doxycycline or tetracycline is a caution",
          "[rules][photosensitiser_current][trigger]") {
  intake in = healthy_intake();
  std::string word;
  SECTION("doxycycline") {
    add_medication(in, medication_code::doxycycline, route::oral);
    word = "doxycycline";
  }
  SECTION("tetracycline") {
    add_medication(in, medication_code::tetracycline, route::oral);
    word = "tetracycline";
  }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "photosensitiser_current", effect::proceed_with_caution);
  mt::check_complications(f, {complication::dyspigmentation, complication::irritation});
  mt::check_reason_mentions(f, word);
  // Doxycycline and tetracycline are also acne antibiotics.
  mt::require_flag(r, "acne_medication_current", effect::proceed_with_caution);
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("photosensitiser_current: minocycline or stopped doxycycline stays quiet",
          "[rules][photosensitiser_current][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  SECTION("minocycline is not a photosensitiser in the vocabulary") {
    add_medication(in, medication_code::minocycline, route::oral);
  }
  SECTION("doxycycline stopped 20 days before") {
    add_medication(in, medication_code::doxycycline, route::oral, days_before(plan, 20));
  }
  const report r = run(in, plan);
  mt::require_quiet(r, "photosensitiser_current");
}

// --- non_sterile_topical ----------------------------------------------------------------------

TEST_CASE("non_sterile_topical: a non-sterile serum modifies the plan",
          "[rules][non_sterile_topical][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  plan.adjuncts = {adjunct::sterile_serum, adjunct::non_sterile_serum};
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "non_sterile_topical", effect::modify_plan);
  mt::check_complications(f, {complication::allergic_reaction, complication::infection});
  mt::check_decision(r, decision::modify_plan);
}

TEST_CASE("non_sterile_topical: sterile adjuncts stay quiet",
          "[rules][non_sterile_topical][quiet]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  SECTION("sterile serum") { plan.adjuncts = {adjunct::sterile_serum}; }
  SECTION("hyaluronic acid") { plan.adjuncts = {adjunct::hyaluronic_acid}; }
  SECTION("none") { plan.adjuncts = {adjunct::none}; }
  const report r = run(in, plan);
  mt::require_quiet(r, "non_sterile_topical");
  mt::check_decision(r, decision::proceed);
}

// --- explain: each rule's cases (tests/rules/explain_test.cpp runs them) -----------------

namespace {
using namespace mnscreen::test::explain;
const explain_cases_for topicals_explain_cases{
    {"topical_retinoid_recent",
     {with_med(medication_code::tretinoin, route::topical, {area::cheeks}), nothing}},
    {"topical_exfoliant_recent",
     {with_med(medication_code::glycolic_acid, route::topical, {area::cheeks}), nothing}},
    {"acne_medication_current", {with_med(medication_code::acne_hormonal), nothing}},
    {"photosensitiser_current", {with_med(medication_code::photosensitiser), nothing}},
    {"non_sterile_topical",
     {[](inputs& x) { x.plan.adjuncts = {adjunct::non_sterile_serum}; }, std::nullopt, std::nullopt,
      nothing}}};
}  // namespace
