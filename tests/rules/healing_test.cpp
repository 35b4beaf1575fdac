// SPDX-License-Identifier: Apache-2.0
// Rules of clinical-spec.md "Healing and immunity".
#include "explain_cases.hpp"
#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;
using mt::add_condition;
using mt::add_lab;
using mt::add_medication;
using mt::basic_plan;
using mt::d;
using mt::days_before;
using mt::healthy_intake;
using mt::run;
using mt::shift;

// --- isotretinoin_recent ----------------------------------------------------------------------

TEST_CASE("isotretinoin_recent: current isotretinoin defers with no end by default",
          "[rules][isotretinoin_recent][trigger]") {
  intake in = healthy_intake();
  add_medication(in, medication_code::isotretinoin, route::oral);
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "isotretinoin_recent", effect::defer);
  mt::check_complications(f, {complication::scarring});
  mt::check_reason_mentions(f, "isotretinoin");
  mt::check_open_defer(r, f);
}

TEST_CASE("isotretinoin_recent: policy isotretinoin_current_effect proceed_with_caution",
          "[rules][isotretinoin_recent][trigger][policy]") {
  intake in = healthy_intake();
  add_medication(in, medication_code::isotretinoin, route::oral);
  policy p;
  p.isotretinoin_current_effect = effect::proceed_with_caution;
  const report r = run(in, basic_plan(), p);
  mt::require_flag(r, "isotretinoin_recent", effect::proceed_with_caution);
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("isotretinoin_recent: stopped inside the wash-out defers until stop plus wash-out",
          "[rules][isotretinoin_recent][trigger]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();  // 2026-12-01
  SECTION("stopped 2026-06-05 (179 days): defer until 2026-12-02") {
    add_medication(in, medication_code::isotretinoin, route::oral, d("2026-06-05"));
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "isotretinoin_recent", effect::defer);
    mt::check_reason_mentions(f, "2026-06-05");
    mt::check_reason_mentions(f, "isotretinoin");
    mt::check_defer_to(r, f, d("2026-12-02"));
  }
  SECTION("acitretin stopped 30 days before") {
    const date stop = days_before(plan, 30);
    add_medication(in, medication_code::acitretin, route::oral, stop);
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "isotretinoin_recent", effect::defer);
    mt::check_reason_mentions(f, "acitretin");
    mt::check_defer_to(r, f, shift(stop, 180));
  }
  SECTION("policy wash-out 30: stopped 20 days before defers 10 days") {
    policy p;
    p.isotretinoin_washout_days = 30;
    const date stop = days_before(plan, 20);
    add_medication(in, medication_code::isotretinoin, route::oral, stop);
    const report r = run(in, plan, p);
    const flag& f = mt::require_flag(r, "isotretinoin_recent", effect::defer);
    mt::check_defer_to(r, f, shift(plan.date, 10));
  }
}

TEST_CASE("isotretinoin_recent: wash-out completed stays quiet",
          "[rules][isotretinoin_recent][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  policy p;
  SECTION("stopped exactly 180 days before (2026-06-04)") {
    add_medication(in, medication_code::isotretinoin, route::oral, d("2026-06-04"));
  }
  SECTION("policy wash-out 30: stopped 60 days before") {
    p.isotretinoin_washout_days = 30;
    add_medication(in, medication_code::isotretinoin, route::oral, days_before(plan, 60));
  }
  SECTION("policy wash-out 30: stopped exactly 30 days before") {
    p.isotretinoin_washout_days = 30;
    add_medication(in, medication_code::isotretinoin, route::oral, days_before(plan, 30));
  }
  const report r = run(in, plan, p);
  mt::require_quiet(r, "isotretinoin_recent");
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("isotretinoin_recent: unknown isotretinoin use is asked",
          "[rules][isotretinoin_recent][unknown]") {
  intake in = healthy_intake();
  mt::undeny(in, question::isotretinoin);
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "isotretinoin_recent");
  mt::check_asks(r, question::isotretinoin);
}

// --- immunosuppressed -------------------------------------------------------------------------

TEST_CASE("immunosuppressed: immunosuppression is a caution",
          "[rules][immunosuppressed][trigger]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  SECTION("active immunosuppression") { add_condition(in, condition_code::immunosuppression); }
  SECTION("current methotrexate") {
    add_medication(in, medication_code::methotrexate, route::oral);
  }
  SECTION("current ciclosporin") { add_medication(in, medication_code::ciclosporin, route::oral); }
  SECTION("CD4 150") { add_lab(in, lab_code::cd4, 150, days_before(plan, 20)); }
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "immunosuppressed", effect::proceed_with_caution);
  mt::check_complications(f, {complication::infection});
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("immunosuppressed: chemotherapy or active cancer defers with no end",
          "[rules][immunosuppressed][trigger]") {
  intake in = healthy_intake();
  SECTION("current chemotherapy") {
    add_medication(in, medication_code::chemotherapy, route::injection);
  }
  SECTION("immunosuppression with active cancer") {
    add_condition(in, condition_code::immunosuppression);
    add_condition(in, condition_code::cancer_active);
  }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "immunosuppressed", effect::defer);
  mt::check_open_defer(r, f);
}

TEST_CASE("immunosuppressed: CD4 200 or stopped drugs stay quiet",
          "[rules][immunosuppressed][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  SECTION("CD4 exactly 200") { add_lab(in, lab_code::cd4, 200, days_before(plan, 10)); }
  SECTION("CD4 650") { add_lab(in, lab_code::cd4, 650, days_before(plan, 10)); }
  SECTION("methotrexate stopped 60 days before") {
    add_medication(in, medication_code::methotrexate, route::oral, days_before(plan, 60));
  }
  SECTION("resolved immunosuppression") {
    add_condition(in, condition_code::immunosuppression, condition_status::resolved);
  }
  const report r = run(in, plan);
  mt::require_quiet(r, "immunosuppressed");
}

TEST_CASE("immunosuppressed: unknown immune status is asked and a drug answers it",
          "[rules][immunosuppressed][unknown]") {
  intake in = healthy_intake();
  mt::undeny(in, question::immunosuppression);
  SECTION("nothing recorded: asked") {
    const report r = run(in, basic_plan());
    mt::require_quiet(r, "immunosuppressed");
    mt::check_asks(r, question::immunosuppression);
  }
  SECTION("tacrolimus answers it") {
    add_medication(in, medication_code::tacrolimus, route::oral);
    const report r = run(in, basic_plan());
    mt::check_does_not_ask(r, question::immunosuppression);
    mt::require_flag(r, "immunosuppressed", effect::proceed_with_caution);
  }
}

// --- systemic_steroids ------------------------------------------------------------------------

TEST_CASE("systemic_steroids: current oral corticosteroid is a caution",
          "[rules][systemic_steroids][trigger]") {
  intake in = healthy_intake();
  std::string word;
  SECTION("prednisolone") {
    add_medication(in, medication_code::prednisolone, route::oral);
    word = "prednisolone";
  }
  SECTION("dexamethasone") {
    add_medication(in, medication_code::dexamethasone, route::oral);
    word = "dexamethasone";
  }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "systemic_steroids", effect::proceed_with_caution);
  mt::check_complications(f, {complication::infection});
  mt::check_reason_mentions(f, word);
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("systemic_steroids: a finished course stays quiet", "[rules][systemic_steroids][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  add_medication(in, medication_code::prednisone, route::oral, days_before(plan, 30));
  const report r = run(in, plan);
  mt::require_quiet(r, "systemic_steroids");
  mt::check_decision(r, decision::proceed);
}

// --- diabetes_control -------------------------------------------------------------------------

TEST_CASE("diabetes_control: HbA1c above the limit defers and controlled is a caution",
          "[rules][diabetes_control][trigger]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  add_condition(in, condition_code::diabetes_mellitus);
  SECTION("HbA1c 9.5 defers with no end") {
    add_lab(in, lab_code::hba1c, 9.5, days_before(plan, 30));
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "diabetes_control", effect::defer);
    mt::check_reason_mentions(f, "9.5");
    mt::check_complications(f, {complication::infection});
    mt::check_open_defer(r, f);
    CHECK(r.complete);
  }
  SECTION("HbA1c 7.2 is controlled") {
    add_lab(in, lab_code::hba1c, 7.2, days_before(plan, 30));
    const report r = run(in, plan);
    mt::require_flag(r, "diabetes_control", effect::proceed_with_caution);
    mt::check_decision(r, decision::proceed_with_caution);
    CHECK(r.complete);
  }
  SECTION("HbA1c 8.0 exactly is controlled") {
    add_lab(in, lab_code::hba1c, 8.0, days_before(plan, 30));
    mt::require_flag(run(in, plan), "diabetes_control", effect::proceed_with_caution);
  }
  SECTION("the latest HbA1c counts") {
    add_lab(in, lab_code::hba1c, 9.4, days_before(plan, 80));
    add_lab(in, lab_code::hba1c, 7.1, days_before(plan, 10));
    mt::require_flag(run(in, plan), "diabetes_control", effect::proceed_with_caution);
  }
  SECTION("policy hba1c_max_percent 7.0 makes 7.5 uncontrolled") {
    policy p;
    p.hba1c_max_percent = 7.0;
    add_lab(in, lab_code::hba1c, 7.5, days_before(plan, 30));
    mt::require_flag(run(in, plan, p), "diabetes_control", effect::defer);
  }
}

TEST_CASE("diabetes_control: no diabetes stays quiet", "[rules][diabetes_control][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  SECTION("denied diabetes with an HbA1c on file") {
    add_lab(in, lab_code::hba1c, 6.0, days_before(plan, 30));
  }
  SECTION("resolved (e.g. gestational) diabetes") {
    add_condition(in, condition_code::diabetes_mellitus, condition_status::resolved);
  }
  const report r = run(in, plan);
  mt::require_quiet(r, "diabetes_control");
  mt::check_does_not_ask(r, question::hba1c);
}

TEST_CASE("diabetes_control: missing or stale HbA1c is asked",
          "[rules][diabetes_control][unknown]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  add_condition(in, condition_code::diabetes_mellitus);
  SECTION("no HbA1c") { mt::check_asks(run(in, plan), question::hba1c); }
  SECTION("HbA1c older than 90 days is unknown") {
    add_lab(in, lab_code::hba1c, 9.8, days_before(plan, 100));
    const report r = run(in, plan);
    mt::check_asks(r, question::hba1c);
    CHECK(r.decision != decision::proceed);
  }
  SECTION("policy hba1c_max_age_days 120 accepts a 100-day-old result") {
    policy p;
    p.hba1c_max_age_days = 120;
    add_lab(in, lab_code::hba1c, 7.0, days_before(plan, 100));
    const report r = run(in, plan, p);
    mt::check_does_not_ask(r, question::hba1c);
    mt::require_flag(r, "diabetes_control", effect::proceed_with_caution);
  }
}

TEST_CASE("diabetes_control: unknown diabetes status is asked",
          "[rules][diabetes_control][unknown]") {
  intake in = healthy_intake();
  mt::undeny(in, question::diabetes_mellitus);
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "diabetes_control");
  mt::check_asks(r, question::diabetes_mellitus);
}

// --- connective_tissue_disease ----------------------------------------------------------------

TEST_CASE("connective_tissue_disease: active disease is do_not_treat by default",
          "[rules][connective_tissue_disease][trigger]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::autoimmune_connective_tissue);
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "connective_tissue_disease", effect::do_not_treat);
  mt::check_complications(f, {complication::scarring});
  mt::check_decision(r, decision::do_not_treat);
}

TEST_CASE("connective_tissue_disease: policy connective_tissue_effect proceed_with_caution",
          "[rules][connective_tissue_disease][trigger][policy]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::autoimmune_connective_tissue);
  policy p;
  p.connective_tissue_effect = effect::proceed_with_caution;
  const report r = run(in, basic_plan(), p);
  mt::require_flag(r, "connective_tissue_disease", effect::proceed_with_caution);
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("connective_tissue_disease: inactive disease stays quiet",
          "[rules][connective_tissue_disease][quiet]") {
  intake in = healthy_intake();
  SECTION("history") {
    add_condition(in, condition_code::autoimmune_connective_tissue, condition_status::history);
  }
  SECTION("resolved") {
    add_condition(in, condition_code::autoimmune_connective_tissue, condition_status::resolved);
  }
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "connective_tissue_disease");
  mt::check_decision(r, decision::proceed);
}

// --- radiation_to_area ------------------------------------------------------------------------

TEST_CASE("radiation_to_area: radiotherapy to a planned area within the wait defers",
          "[rules][radiation_to_area][trigger]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  policy p;
  int wait = 365;
  int ago = 100;
  SECTION("100 days ago, default 365-day wait") {}
  SECTION("364 days ago") { ago = 364; }
  SECTION("policy radiation_wait_days 120, 100 days ago") {
    p.radiation_wait_days = 120;
    wait = 120;
  }
  const date onset = days_before(plan, ago);
  add_condition(in, condition_code::radiation_therapy, condition_status::history, {area::cheeks})
      .onset = onset;
  const report r = run(in, plan, p);
  const flag& f = mt::require_flag(r, "radiation_to_area", effect::defer);
  mt::check_reason_mentions(f, onset);
  mt::check_defer_to(r, f, shift(onset, wait));
}

TEST_CASE("radiation_to_area: old or elsewhere radiotherapy stays quiet",
          "[rules][radiation_to_area][quiet]") {
  intake in = healthy_intake();
  const procedure_plan plan = basic_plan();
  policy p;
  SECTION("exactly 365 days ago") {
    add_condition(in, condition_code::radiation_therapy, condition_status::history, {area::cheeks})
        .onset = days_before(plan, 365);
  }
  SECTION("to the chest, cheeks planned") {
    add_condition(in, condition_code::radiation_therapy, condition_status::history, {area::chest})
        .onset = days_before(plan, 100);
  }
  SECTION("policy radiation_wait_days 90, 100 days ago") {
    p.radiation_wait_days = 90;
    add_condition(in, condition_code::radiation_therapy, condition_status::history, {area::cheeks})
        .onset = days_before(plan, 100);
  }
  const report r = run(in, plan, p);
  mt::require_quiet(r, "radiation_to_area");
  mt::check_decision(r, decision::proceed);
}

// --- smoker_healing ---------------------------------------------------------------------------

TEST_CASE("smoker_healing: a smoker gets an info flag that does not change the decision",
          "[rules][smoker_healing][trigger]") {
  intake in = healthy_intake();
  in.patient.smoker = known::yes;
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "smoker_healing", effect::info);
  mt::check_complications(f, {complication::infection, complication::scarring});
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("smoker_healing: a non-smoker or unknown smoking stays quiet",
          "[rules][smoker_healing][quiet]") {
  intake in = healthy_intake();
  SECTION("non-smoker") { in.patient.smoker = known::no; }
  SECTION("unknown") { in.patient.smoker = known::unknown; }
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "smoker_healing");
}

// --- explain: each rule's cases (tests/rules/explain_test.cpp runs them) -----------------

namespace {
using namespace mnscreen::test::explain;
const explain_cases_for healing_explain_cases{
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
    {"diabetes_control",
     {both(with_condition(condition_code::diabetes_mellitus, {}),
           [](inputs& x) { mt::add_lab(x.in, lab_code::hba1c, 9.5, mt::days_before(x.plan, 10)); }),
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
    {"smoker_healing", {[](inputs& x) { x.in.patient.smoker = known::yes; }, nothing}}};
}  // namespace
