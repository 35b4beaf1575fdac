// SPDX-License-Identifier: Apache-2.0
// Rules of clinical-spec.md "Bleeding".
#include "explain_cases.hpp"
#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;
using mt::add_condition;
using mt::add_lab;
using mt::add_medication;
using mt::basic_plan;
using mt::days_before;
using mt::healthy_intake;
using mt::run;

// --- bleeding_disorder ------------------------------------------------------------------------

TEST_CASE("bleeding_disorder: a bleeding disorder is a contraindication",
          "[rules][bleeding_disorder][trigger]") {
  intake in = healthy_intake();
  SECTION("active") { add_condition(in, condition_code::bleeding_disorder); }
  SECTION("recorded as history") {
    add_condition(in, condition_code::bleeding_disorder, condition_status::history);
  }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "bleeding_disorder", effect::do_not_treat);
  mt::check_complications(f, {complication::bleeding_bruising});
  mt::check_decision(r, decision::do_not_treat);
  CHECK_FALSE(r.defer_until.has_value());
}

TEST_CASE("bleeding_disorder: denied disorder or thrombocytopenia alone stays quiet",
          "[rules][bleeding_disorder][quiet]") {
  intake in = healthy_intake();
  SECTION("denied") {}
  SECTION("thrombocytopenia is the platelet rule, not this one") {
    add_condition(in, condition_code::thrombocytopenia);
  }
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "bleeding_disorder");
}

TEST_CASE("bleeding_disorder: unknown bleeding disorder is asked",
          "[rules][bleeding_disorder][unknown]") {
  intake in = healthy_intake();
  mt::undeny(in, question::bleeding_disorder);
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "bleeding_disorder");
  mt::check_asks(r, question::bleeding_disorder);
  mt::check_decision(r, decision::proceed_with_caution);
}

// --- low_platelets ----------------------------------------------------------------------------

TEST_CASE("low_platelets: platelets below the minimum or thrombocytopenia defer",
          "[rules][low_platelets][trigger]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  SECTION("platelets 80 ten days ago") {
    add_lab(in, lab_code::platelets, 80, days_before(plan, 10));
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "low_platelets", effect::defer);
    mt::check_reason_mentions(f, "80");
    mt::check_complications(f, {complication::bleeding_bruising});
    mt::check_open_defer(r, f);
  }
  SECTION("platelets 99") {
    add_lab(in, lab_code::platelets, 99, days_before(plan, 3));
    mt::require_flag(run(in, plan), "low_platelets", effect::defer);
  }
  SECTION("the latest result counts") {
    add_lab(in, lab_code::platelets, 150, days_before(plan, 60));
    add_lab(in, lab_code::platelets, 90, days_before(plan, 5));
    mt::require_flag(run(in, plan), "low_platelets", effect::defer);
  }
  SECTION("active thrombocytopenia without a count") {
    add_condition(in, condition_code::thrombocytopenia);
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "low_platelets", effect::defer);
    mt::check_open_defer(r, f);
  }
  SECTION("policy platelets_min 150 makes 120 low") {
    policy p;
    p.platelets_min = 150;
    add_lab(in, lab_code::platelets, 120, days_before(plan, 5));
    mt::require_flag(run(in, plan, p), "low_platelets", effect::defer);
  }
}

TEST_CASE("low_platelets: 100 exactly or stale or superseded counts stay quiet",
          "[rules][low_platelets][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  policy p;
  SECTION("platelets 100 exactly") { add_lab(in, lab_code::platelets, 100, days_before(plan, 5)); }
  SECTION("a low count older than 90 days") {
    add_lab(in, lab_code::platelets, 80, days_before(plan, 120));
  }
  SECTION("a low count superseded by a normal one") {
    add_lab(in, lab_code::platelets, 80, days_before(plan, 40));
    add_lab(in, lab_code::platelets, 150, days_before(plan, 4));
  }
  SECTION("resolved thrombocytopenia") {
    add_condition(in, condition_code::thrombocytopenia, condition_status::resolved);
  }
  SECTION("policy platelets_min 50 accepts 80") {
    p.platelets_min = 50;
    add_lab(in, lab_code::platelets, 80, days_before(plan, 5));
  }
  const report r = run(in, plan, p);
  mt::require_quiet(r, "low_platelets");
  mt::check_decision(r, decision::proceed);
}

// --- anticoagulant_therapy --------------------------------------------------------------------

TEST_CASE("anticoagulant_therapy: a current anticoagulant is a caution by default",
          "[rules][anticoagulant_therapy][trigger]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  std::string word;
  SECTION("apixaban (DOAC)") {
    add_medication(in, medication_code::apixaban, route::oral);
    word = "apixaban";
  }
  SECTION("warfarin (VKA) with an INR in range") {
    add_medication(in, medication_code::warfarin, route::oral);
    add_lab(in, lab_code::inr, 2.4, days_before(plan, 2));
    word = "warfarin";
  }
  SECTION("enoxaparin (heparin) injection") {
    add_medication(in, medication_code::enoxaparin, route::injection);
    word = "enoxaparin";
  }
  SECTION("rivaroxaban stopping on the plan date is still current") {
    add_medication(in, medication_code::rivaroxaban, route::oral, plan.date);
    word = "rivaroxaban";
  }
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "anticoagulant_therapy", effect::proceed_with_caution);
  mt::check_complications(f, {complication::bleeding_bruising});
  mt::check_reason_mentions(f, word);
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("anticoagulant_therapy: policy anticoagulant_effect do_not_treat",
          "[rules][anticoagulant_therapy][trigger][policy]") {
  intake in = healthy_intake();
  add_medication(in, medication_code::dabigatran, route::oral);
  policy p;
  p.anticoagulant_effect = effect::do_not_treat;
  const report r = run(in, basic_plan(), p);
  mt::require_flag(r, "anticoagulant_therapy", effect::do_not_treat);
  mt::check_decision(r, decision::do_not_treat);
}

TEST_CASE("anticoagulant_therapy: a stopped anticoagulant or an antiplatelet stays quiet",
          "[rules][anticoagulant_therapy][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  SECTION("apixaban stopped the day before the plan") {
    add_medication(in, medication_code::apixaban, route::oral, days_before(plan, 1));
  }
  SECTION("clopidogrel is not an anticoagulant") {
    add_medication(in, medication_code::clopidogrel, route::oral);
  }
  const report r = run(in, plan);
  mt::require_quiet(r, "anticoagulant_therapy");
}

TEST_CASE("anticoagulant_therapy: unknown anticoagulant use is asked",
          "[rules][anticoagulant_therapy][unknown]") {
  intake in = healthy_intake();
  mt::undeny(in, question::anticoagulant);
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "anticoagulant_therapy");
  mt::check_asks(r, question::anticoagulant);
}

// --- inr_above_limit --------------------------------------------------------------------------

TEST_CASE("inr_above_limit: a recent INR above the limit on a VKA defers with no end",
          "[rules][inr_above_limit][trigger]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  policy p;
  SECTION("warfarin with INR 3.4") {
    add_medication(in, medication_code::warfarin, route::oral);
    add_lab(in, lab_code::inr, 3.4, days_before(plan, 2));
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "inr_above_limit", effect::defer);
    mt::check_reason_mentions(f, "3.4");
    mt::check_complications(f, {complication::bleeding_bruising});
    mt::check_open_defer(r, f);
  }
  SECTION("acenocoumarol with INR 3.1") {
    add_medication(in, medication_code::acenocoumarol, route::oral);
    add_lab(in, lab_code::inr, 3.1, days_before(plan, 1));
    mt::require_flag(run(in, plan), "inr_above_limit", effect::defer);
  }
  SECTION("policy inr_max 2.5 with INR 2.8") {
    p.inr_max = 2.5;
    add_medication(in, medication_code::warfarin, route::oral);
    add_lab(in, lab_code::inr, 2.8, days_before(plan, 1));
    mt::require_flag(run(in, plan, p), "inr_above_limit", effect::defer);
  }
  SECTION("policy inr_max_age_days 20 makes a 15-day-old INR current") {
    p.inr_max_age_days = 20;
    add_medication(in, medication_code::warfarin, route::oral);
    add_lab(in, lab_code::inr, 3.6, days_before(plan, 15));
    const report r = run(in, plan, p);
    mt::require_flag(r, "inr_above_limit", effect::defer);
    mt::check_does_not_ask(r, question::inr);
  }
  SECTION("the latest INR counts") {
    add_medication(in, medication_code::warfarin, route::oral);
    add_lab(in, lab_code::inr, 2.5, days_before(plan, 8));
    add_lab(in, lab_code::inr, 3.5, days_before(plan, 1));
    mt::require_flag(run(in, plan), "inr_above_limit", effect::defer);
  }
}

TEST_CASE("inr_above_limit: INR 3.0 exactly or not on a VKA stays quiet",
          "[rules][inr_above_limit][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  policy p;
  SECTION("warfarin with INR 3.0 exactly") {
    add_medication(in, medication_code::warfarin, route::oral);
    add_lab(in, lab_code::inr, 3.0, days_before(plan, 2));
  }
  SECTION("policy inr_max 3.5 with INR 3.4") {
    p.inr_max = 3.5;
    add_medication(in, medication_code::warfarin, route::oral);
    add_lab(in, lab_code::inr, 3.4, days_before(plan, 2));
  }
  SECTION("a DOAC with a high INR") {
    add_medication(in, medication_code::apixaban, route::oral);
    add_lab(in, lab_code::inr, 3.6, days_before(plan, 2));
  }
  SECTION("warfarin stopped 20 days ago") {
    add_medication(in, medication_code::warfarin, route::oral, days_before(plan, 20));
    add_lab(in, lab_code::inr, 3.6, days_before(plan, 25));
  }
  SECTION("a high INR superseded by one in range") {
    add_medication(in, medication_code::warfarin, route::oral);
    add_lab(in, lab_code::inr, 3.8, days_before(plan, 8));
    add_lab(in, lab_code::inr, 2.4, days_before(plan, 1));
  }
  const report r = run(in, plan, p);
  mt::require_quiet(r, "inr_above_limit");
  mt::check_does_not_ask(r, question::inr);
  CHECK(r.decision != decision::defer);
}

TEST_CASE("inr_above_limit: a VKA with no recent INR asks for one",
          "[rules][inr_above_limit][unknown]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  add_medication(in, medication_code::warfarin, route::oral);
  SECTION("no INR at all") {}
  SECTION("a high INR older than inr_max_age_days is unknown, not a fact") {
    add_lab(in, lab_code::inr, 3.6, days_before(plan, 11));
  }
  const report r = run(in, plan);
  mt::require_quiet(r, "inr_above_limit");
  mt::check_asks(r, question::inr);
}

TEST_CASE("inr_above_limit: a DOAC needs no INR", "[rules][inr_above_limit][quiet]") {
  intake in = healthy_intake();
  add_medication(in, medication_code::apixaban, route::oral);
  const report r = run(in, basic_plan());
  mt::check_does_not_ask(r, question::inr);
  CHECK(r.complete);
}

// --- antiplatelet_therapy ---------------------------------------------------------------------

TEST_CASE("antiplatelet_therapy: a current antiplatelet is a caution",
          "[rules][antiplatelet_therapy][trigger]") {
  intake in = healthy_intake();
  std::string word;
  SECTION("clopidogrel") {
    add_medication(in, medication_code::clopidogrel, route::oral);
    word = "clopidogrel";
  }
  SECTION("ticagrelor") {
    add_medication(in, medication_code::ticagrelor, route::oral);
    word = "ticagrelor";
  }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "antiplatelet_therapy", effect::proceed_with_caution);
  mt::check_complications(f, {complication::bleeding_bruising});
  mt::check_reason_mentions(f, word);
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("antiplatelet_therapy: stopped antiplatelet or aspirin stays quiet",
          "[rules][antiplatelet_therapy][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  SECTION("clopidogrel stopped three days before") {
    add_medication(in, medication_code::clopidogrel, route::oral, days_before(plan, 3));
  }
  SECTION("aspirin has its own rule") { add_medication(in, medication_code::aspirin, route::oral); }
  const report r = run(in, plan);
  mt::require_quiet(r, "antiplatelet_therapy");
}

// --- aspirin_or_nsaid -------------------------------------------------------------------------

TEST_CASE("aspirin_or_nsaid: current aspirin or NSAID is a caution",
          "[rules][aspirin_or_nsaid][trigger]") {
  intake in = healthy_intake();
  std::string word;
  SECTION("aspirin") {
    add_medication(in, medication_code::aspirin, route::oral);
    word = "aspirin";
  }
  SECTION("ibuprofen") {
    add_medication(in, medication_code::ibuprofen, route::oral);
    word = "ibuprofen";
  }
  SECTION("naproxen") {
    add_medication(in, medication_code::naproxen, route::oral);
    word = "naproxen";
  }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "aspirin_or_nsaid", effect::proceed_with_caution);
  mt::check_complications(f, {complication::bleeding_bruising});
  mt::check_reason_mentions(f, word);
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("aspirin_or_nsaid: the advice pauses over-the-counter NSAIDs for pause_nsaid_days",
          "[rules][aspirin_or_nsaid][trigger][policy]") {
  intake in = healthy_intake();
  add_medication(in, medication_code::diclofenac, route::oral);
  policy p;
  p.pause_nsaid_days = 4;
  const report r = run(in, basic_plan(), p);
  const flag& f = mt::require_flag(r, "aspirin_or_nsaid", effect::proceed_with_caution);
  INFO(f.action);
  CHECK((mt::mentions(f.action, "4 day") || mt::any_mentions(r.prep, "4 day")));
}

TEST_CASE("aspirin_or_nsaid: stopped NSAID or a supplement stays quiet",
          "[rules][aspirin_or_nsaid][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  SECTION("ibuprofen stopped ten days before") {
    add_medication(in, medication_code::ibuprofen, route::oral, days_before(plan, 10));
  }
  SECTION("fish oil is a supplement") {
    add_medication(in, medication_code::fish_oil, route::oral);
  }
  const report r = run(in, plan);
  mt::require_quiet(r, "aspirin_or_nsaid");
}

// --- bleeding_supplements ---------------------------------------------------------------------

TEST_CASE("bleeding_supplements: current bleeding supplements are a caution with a pause",
          "[rules][bleeding_supplements][trigger]") {
  intake in = healthy_intake();
  std::string word;
  SECTION("fish oil") {
    add_medication(in, medication_code::fish_oil, route::oral);
    word = "fish";
  }
  SECTION("ginkgo") {
    add_medication(in, medication_code::ginkgo, route::oral);
    word = "ginkgo";
  }
  SECTION("turmeric") {
    add_medication(in, medication_code::turmeric, route::oral);
    word = "turmeric";
  }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "bleeding_supplements", effect::proceed_with_caution);
  mt::check_complications(f, {complication::bleeding_bruising});
  mt::check_reason_mentions(f, word);
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("bleeding_supplements: the pause follows pause_supplement_days",
          "[rules][bleeding_supplements][trigger][policy]") {
  intake in = healthy_intake();
  add_medication(in, medication_code::vitamin_e, route::oral);
  policy p;
  p.pause_supplement_days = 9;
  const report r = run(in, basic_plan(), p);
  const flag& f = mt::require_flag(r, "bleeding_supplements", effect::proceed_with_caution);
  INFO(f.action);
  CHECK((mt::mentions(f.action, "9 day") || mt::any_mentions(r.prep, "9 day")));
}

TEST_CASE("bleeding_supplements: a supplement stopped two weeks ago stays quiet",
          "[rules][bleeding_supplements][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  add_medication(in, medication_code::fish_oil, route::oral, days_before(plan, 14));
  const report r = run(in, plan);
  mt::require_quiet(r, "bleeding_supplements");
  mt::check_decision(r, decision::proceed);
}

// --- explain: each rule's cases (tests/rules/explain_test.cpp runs them) -----------------

namespace {
using namespace mnscreen::test::explain;
const explain_cases_for bleeding_explain_cases{
    {"bleeding_disorder",
     {with_condition(condition_code::bleeding_disorder, {}), nothing,
      unknown(question::bleeding_disorder)}},
    {"low_platelets",
     {[](inputs& x) { mt::add_lab(x.in, lab_code::platelets, 50, mt::days_before(x.plan, 1)); },
      [](inputs& x) { mt::add_lab(x.in, lab_code::platelets, 250, mt::days_before(x.plan, 1)); }}},
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
    {"bleeding_supplements", {with_med(medication_code::fish_oil), nothing}}};
}  // namespace
