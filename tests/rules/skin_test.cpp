// SPDX-License-Identifier: Apache-2.0
// Rules of clinical-spec.md "Skin at the site".
#include "explain_cases.hpp"
#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;
using mt::add_condition;
using mt::basic_plan;
using mt::healthy_intake;
using mt::run;

// --- active_infection_in_area -----------------------------------------------------------------

TEST_CASE("active_infection_in_area: active infection in a planned area defers with no end",
          "[rules][active_infection_in_area][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  plan.areas = {area::cheeks, area::forehead};
  SECTION("infection on a planned area") {
    add_condition(in, condition_code::skin_infection, condition_status::active, {area::cheeks});
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "active_infection_in_area", effect::defer);
    mt::check_complications(f, {complication::infection, complication::scarring});
    mt::check_reason_mentions(f, "cheeks");
    mt::check_open_defer(r, f);
  }
  SECTION("infection with no recorded site overlaps every area") {
    add_condition(in, condition_code::skin_infection, condition_status::active);
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "active_infection_in_area", effect::defer);
    mt::check_open_defer(r, f);
  }
}

TEST_CASE("active_infection_in_area: infection elsewhere or healed stays quiet",
          "[rules][active_infection_in_area][quiet]") {
  intake in = healthy_intake();
  SECTION("infection on the back, cheeks planned") {
    add_condition(in, condition_code::skin_infection, condition_status::active, {area::back});
  }
  SECTION("resolved infection on the cheeks") {
    add_condition(in, condition_code::skin_infection, condition_status::resolved, {area::cheeks});
  }
  SECTION("past infection (history) on the cheeks") {
    add_condition(in, condition_code::skin_infection, condition_status::history, {area::cheeks});
  }
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "active_infection_in_area");
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("active_infection_in_area: infection not asked about is a question",
          "[rules][active_infection_in_area][unknown]") {
  intake in = healthy_intake();
  mt::undeny(in, question::skin_infection);
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "active_infection_in_area");
  mt::check_asks(r, question::skin_infection);
  mt::check_decision(r, decision::proceed_with_caution);
}

// --- open_wound_in_area -----------------------------------------------------------------------

TEST_CASE("open_wound_in_area: open wound or sunburn in the area defers",
          "[rules][open_wound_in_area][trigger]") {
  intake in = healthy_intake();
  SECTION("open wound on the cheeks") {
    add_condition(in, condition_code::open_wound, condition_status::active, {area::cheeks});
  }
  SECTION("active sunburn on the cheeks (no onset recorded)") {
    add_condition(in, condition_code::sunburn, condition_status::active, {area::cheeks});
  }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "open_wound_in_area", effect::defer);
  mt::check_complications(f, {complication::infection, complication::scarring});
  mt::check_reason_mentions(f, "cheeks");
  mt::check_open_defer(r, f);
}

TEST_CASE("open_wound_in_area: wound on an unplanned area or healed stays quiet",
          "[rules][open_wound_in_area][quiet]") {
  intake in = healthy_intake();
  SECTION("open wound on the hands, cheeks planned") {
    add_condition(in, condition_code::open_wound, condition_status::active, {area::hands});
  }
  SECTION("resolved wound on the cheeks") {
    add_condition(in, condition_code::open_wound, condition_status::resolved, {area::cheeks});
  }
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "open_wound_in_area");
  mt::check_decision(r, decision::proceed);
}

// --- active_hsv_lesion ------------------------------------------------------------------------

TEST_CASE("active_hsv_lesion: active cold sore with a face plan defers",
          "[rules][active_hsv_lesion][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  SECTION("cold sore on the lips, cheeks planned") {
    add_condition(in, condition_code::hsv_labialis, condition_status::active, {area::perioral});
  }
  SECTION("shingles on the back, back planned") {
    plan.areas = {area::back};
    add_condition(in, condition_code::herpes_zoster, condition_status::active, {area::back});
  }
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "active_hsv_lesion", effect::defer);
  mt::check_complications(f, {complication::hsv_reactivation, complication::scarring});
  mt::check_open_defer(r, f);
}

TEST_CASE("active_hsv_lesion: past cold sores or a lesion far from the plan stay quiet",
          "[rules][active_hsv_lesion][quiet]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  SECTION("cold sores in the past only") {
    add_condition(in, condition_code::hsv_labialis, condition_status::history, {area::perioral});
  }
  SECTION("shingles on the back, only the legs planned") {
    plan.areas = {area::legs};
    add_condition(in, condition_code::herpes_zoster, condition_status::active, {area::back});
  }
  SECTION("resolved shingles on the cheeks") {
    add_condition(in, condition_code::herpes_zoster, condition_status::resolved, {area::cheeks});
  }
  SECTION("active cold sore on the lips, only the back planned") {
    plan.areas = {area::back};
    add_condition(in, condition_code::hsv_labialis, condition_status::active, {area::perioral});
  }
  const report r = run(in, plan);
  mt::require_quiet(r, "active_hsv_lesion");
}

// --- hsv_history_prophylaxis ------------------------------------------------------------------

TEST_CASE("hsv_history_prophylaxis: past cold sores with a face plan needs prophylaxis",
          "[rules][hsv_history_prophylaxis][trigger]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::hsv_labialis, condition_status::history, {area::perioral});
  procedure_plan plan = basic_plan();
  plan.needle_depth = millimetres{0.5};  // within every area's depth limit
  SECTION("cheeks") { plan.areas = {area::cheeks}; }
  SECTION("nose") { plan.areas = {area::nose}; }
  SECTION("forehead and neck") { plan.areas = {area::forehead, area::neck}; }
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "hsv_history_prophylaxis", effect::proceed_with_caution);
  mt::check_complications(f, {complication::hsv_reactivation});
  INFO(f.action);
  CHECK((mt::mentions(f.action, "antiviral") || mt::any_mentions(r.prep, "antiviral")));
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("hsv_history_prophylaxis: the prophylaxis window follows the policy",
          "[rules][hsv_history_prophylaxis][trigger][policy]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::hsv_labialis, condition_status::history, {area::perioral});
  policy p;
  p.hsv_prophylaxis_days_before = 2;
  p.hsv_prophylaxis_days_after = 10;
  const report r = run(in, basic_plan(), p);
  const flag& f = mt::require_flag(r, "hsv_history_prophylaxis", effect::proceed_with_caution);
  INFO(f.action);
  CHECK((mt::mentions(f.action, "10 day") || mt::any_mentions(r.prep, "10 day")));
  CHECK((mt::mentions(f.action, "2 day") || mt::any_mentions(r.prep, "2 day")));
}

TEST_CASE("hsv_history_prophylaxis: already on antiviral prophylaxis is info only",
          "[rules][hsv_history_prophylaxis][trigger]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::hsv_labialis, condition_status::history, {area::perioral});
  mt::add_medication(in, medication_code::valaciclovir, route::oral);
  const report r = run(in, basic_plan());
  mt::require_flag(r, "hsv_history_prophylaxis", effect::info);
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("hsv_history_prophylaxis: require_hsv_prophylaxis false makes it info",
          "[rules][hsv_history_prophylaxis][trigger][policy]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::hsv_labialis, condition_status::history, {area::perioral});
  policy p;
  p.require_hsv_prophylaxis = false;
  const report r = run(in, basic_plan(), p);
  mt::require_flag(r, "hsv_history_prophylaxis", effect::info);
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("hsv_history_prophylaxis: the scope policy decides which areas need it",
          "[rules][hsv_history_prophylaxis][trigger][quiet][policy]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::hsv_labialis, condition_status::history, {area::perioral});
  procedure_plan plan = basic_plan();
  policy p;
  SECTION("perioral scope: perioral planned fires") {
    p.hsv_prophylaxis_scope = hsv_scope::perioral;
    plan.areas = {area::perioral};
    mt::require_flag(run(in, plan, p), "hsv_history_prophylaxis", effect::proceed_with_caution);
  }
  SECTION("perioral scope: cheeks only stays quiet") {
    p.hsv_prophylaxis_scope = hsv_scope::perioral;
    plan.areas = {area::cheeks};
    mt::require_quiet(run(in, plan, p), "hsv_history_prophylaxis");
  }
  SECTION("any scope: the back fires") {
    p.hsv_prophylaxis_scope = hsv_scope::any;
    plan.areas = {area::back};
    plan.needle_depth = millimetres{1.5};
    mt::require_flag(run(in, plan, p), "hsv_history_prophylaxis", effect::proceed_with_caution);
  }
}

TEST_CASE("hsv_history_prophylaxis: body plan or denied cold sores stay quiet",
          "[rules][hsv_history_prophylaxis][quiet]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  SECTION("past cold sores, only the back planned (face scope)") {
    add_condition(in, condition_code::hsv_labialis, condition_status::history, {area::perioral});
    plan.areas = {area::back};
  }
  SECTION("cold sores denied") {}
  const report r = run(in, plan);
  mt::require_quiet(r, "hsv_history_prophylaxis");
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("hsv_history_prophylaxis: unknown cold-sore history is asked for face plans only",
          "[rules][hsv_history_prophylaxis][unknown]") {
  intake in = healthy_intake();
  mt::undeny(in, question::hsv_labialis);
  procedure_plan plan = basic_plan();
  SECTION("face plan asks") {
    const report r = run(in, plan);
    mt::check_asks(r, question::hsv_labialis);
    mt::require_quiet(r, "hsv_history_prophylaxis");
  }
  SECTION("body plan does not ask") {
    plan.areas = {area::back};
    const report r = run(in, plan);
    mt::check_does_not_ask(r, question::hsv_labialis);
    CHECK(r.complete);
  }
}

TEST_CASE("hsv_history_prophylaxis: scope any makes cold sores a question for body plans",
          "[rules][hsv_history_prophylaxis][unknown][policy]") {
  // formats.md: `complete` is false when any factor a rule needs for this plan is unknown; with
  // hsv_prophylaxis_scope `any` the rule needs the cold-sore history for a back plan too.
  intake in = healthy_intake();
  mt::undeny(in, question::hsv_labialis);
  procedure_plan plan = basic_plan();
  plan.areas = {area::back};
  policy p;
  p.hsv_prophylaxis_scope = hsv_scope::any;
  const report r = run(in, plan, p);
  mt::check_asks(r, question::hsv_labialis);
}

// --- skin_cancer_in_area ----------------------------------------------------------------------

TEST_CASE("skin_cancer_in_area: a cancer in a planned area excludes that area",
          "[rules][skin_cancer_in_area][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  SECTION("other areas remain: modify_plan naming the area") {
    add_condition(in, condition_code::skin_cancer, condition_status::active, {area::nose});
    plan.areas = {area::nose, area::cheeks};
    plan.needle_depth = millimetres{0.5};
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "skin_cancer_in_area", effect::modify_plan);
    mt::check_areas(f, {area::nose});
    mt::check_reason_mentions(f, "nose");
    mt::check_decision(r, decision::modify_plan);
  }
  SECTION("every planned area excluded: do_not_treat") {
    add_condition(in, condition_code::skin_cancer, condition_status::active, {area::nose});
    plan.areas = {area::nose};
    plan.needle_depth = millimetres{0.5};
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "skin_cancer_in_area", effect::do_not_treat);
    mt::check_areas(f, {area::nose});
    mt::check_decision(r, decision::do_not_treat);
  }
  SECTION("no recorded site overlaps every area") {
    add_condition(in, condition_code::skin_cancer, condition_status::active);
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "skin_cancer_in_area", effect::do_not_treat);
    mt::check_areas(f, {area::cheeks});
  }
}

TEST_CASE("skin_cancer_in_area: cancer elsewhere or resolved stays quiet",
          "[rules][skin_cancer_in_area][quiet]") {
  intake in = healthy_intake();
  SECTION("on the back, cheeks planned") {
    add_condition(in, condition_code::skin_cancer, condition_status::active, {area::back});
  }
  SECTION("resolved on the cheeks") {
    add_condition(in, condition_code::skin_cancer, condition_status::resolved, {area::cheeks});
  }
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "skin_cancer_in_area");
  mt::check_decision(r, decision::proceed);
}

// --- lesions_in_area --------------------------------------------------------------------------

TEST_CASE("lesions_in_area: warts naevi keratoses and tattoos in the area modify the plan",
          "[rules][lesions_in_area][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  plan.areas = {area::hands};
  plan.needle_depth = millimetres{0.5};
  condition_code code = condition_code::warts;
  SECTION("warts") { code = condition_code::warts; }
  SECTION("raised naevus") { code = condition_code::raised_nevus; }
  SECTION("actinic keratosis") { code = condition_code::actinic_keratosis; }
  SECTION("tattoo") { code = condition_code::tattoo; }
  add_condition(in, code, condition_status::active, {area::hands});
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "lesions_in_area", effect::modify_plan);
  mt::check_reason_mentions(f, "hands");
  INFO("complications should include infection or dyspigmentation");
  CHECK(std::any_of(f.complications.begin(), f.complications.end(), [](complication c) {
    return c == complication::infection || c == complication::dyspigmentation;
  }));
  mt::check_decision(r, decision::modify_plan);
}

TEST_CASE("lesions_in_area: warts spread by needling name infection",
          "[rules][lesions_in_area][trigger]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::warts, condition_status::active, {area::cheeks});
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "lesions_in_area", effect::modify_plan);
  mt::check_complications(f, {complication::infection});
}

TEST_CASE("lesions_in_area: lesions outside the plan or resolved warts stay quiet",
          "[rules][lesions_in_area][quiet]") {
  intake in = healthy_intake();
  SECTION("warts on the hands, cheeks planned") {
    add_condition(in, condition_code::warts, condition_status::active, {area::hands});
  }
  SECTION("tattoo on the arms, cheeks planned") {
    add_condition(in, condition_code::tattoo, condition_status::active, {area::arms});
  }
  SECTION("resolved warts on the cheeks") {
    add_condition(in, condition_code::warts, condition_status::resolved, {area::cheeks});
  }
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "lesions_in_area");
  mt::check_decision(r, decision::proceed);
}

// --- inflammatory_acne_in_area ----------------------------------------------------------------

TEST_CASE("inflammatory_acne_in_area: moderate or severe acne in the area defers",
          "[rules][inflammatory_acne_in_area][trigger]") {
  intake in = healthy_intake();
  condition& c =
      add_condition(in, condition_code::acne_vulgaris, condition_status::active, {area::cheeks});
  SECTION("moderate") { c.severity = condition_severity::moderate; }
  SECTION("severe") { c.severity = condition_severity::severe; }
  SECTION("severity not recorded is treated as inflammatory") { c.severity.reset(); }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "inflammatory_acne_in_area", effect::defer);
  mt::check_complications(f, {complication::infection, complication::irritation});
  mt::check_reason_mentions(f, "cheeks");
  mt::check_open_defer(r, f);
}

TEST_CASE("inflammatory_acne_in_area: mild comedonal acne is a caution",
          "[rules][inflammatory_acne_in_area][trigger]") {
  intake in = healthy_intake();
  add_condition(in, condition_code::acne_vulgaris, condition_status::active, {area::cheeks})
      .severity = condition_severity::mild;
  const report r = run(in, basic_plan());
  mt::require_flag(r, "inflammatory_acne_in_area", effect::proceed_with_caution);
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("inflammatory_acne_in_area: acne outside the plan or in the past stays quiet",
          "[rules][inflammatory_acne_in_area][quiet]") {
  intake in = healthy_intake();
  SECTION("moderate acne on the back, cheeks planned") {
    add_condition(in, condition_code::acne_vulgaris, condition_status::active, {area::back})
        .severity = condition_severity::moderate;
  }
  SECTION("past moderate acne on the cheeks") {
    add_condition(in, condition_code::acne_vulgaris, condition_status::history, {area::cheeks})
        .severity = condition_severity::moderate;
  }
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "inflammatory_acne_in_area");
  mt::check_decision(r, decision::proceed);
}

// --- koebner_condition_active -----------------------------------------------------------------

TEST_CASE("koebner_condition_active: active psoriasis elsewhere is a caution",
          "[rules][koebner_condition_active][trigger]") {
  intake in = healthy_intake();
  condition_code code = condition_code::psoriasis;
  SECTION("psoriasis") { code = condition_code::psoriasis; }
  SECTION("vitiligo") { code = condition_code::vitiligo; }
  SECTION("lichen planus") { code = condition_code::lichen_planus; }
  add_condition(in, code, condition_status::active, {area::arms});
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "koebner_condition_active", effect::proceed_with_caution);
  CHECK(std::any_of(f.complications.begin(), f.complications.end(), [](complication c) {
    return c == complication::scarring || c == complication::dyspigmentation;
  }));
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("koebner_condition_active: active in the planned area defers",
          "[rules][koebner_condition_active][trigger]") {
  intake in = healthy_intake();
  SECTION("psoriasis on the cheeks") {
    add_condition(in, condition_code::psoriasis, condition_status::active, {area::cheeks});
  }
  SECTION("vitiligo with no recorded site") {
    add_condition(in, condition_code::vitiligo, condition_status::active);
  }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "koebner_condition_active", effect::defer);
  mt::check_open_defer(r, f);
}

TEST_CASE("koebner_condition_active: psoriasis in the past stays quiet",
          "[rules][koebner_condition_active][quiet]") {
  intake in = healthy_intake();
  SECTION("history") {
    add_condition(in, condition_code::psoriasis, condition_status::history, {area::cheeks});
  }
  SECTION("resolved") {
    add_condition(in, condition_code::lichen_planus, condition_status::resolved, {area::cheeks});
  }
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "koebner_condition_active");
  mt::check_decision(r, decision::proceed);
}

// --- inflammatory_dermatosis_in_area ----------------------------------------------------------

TEST_CASE("inflammatory_dermatosis_in_area: active eczema or rosacea in the area defers",
          "[rules][inflammatory_dermatosis_in_area][trigger]") {
  intake in = healthy_intake();
  SECTION("eczema") {
    add_condition(in, condition_code::eczema, condition_status::active, {area::cheeks});
  }
  SECTION("rosacea") {
    add_condition(in, condition_code::rosacea, condition_status::active, {area::cheeks});
  }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "inflammatory_dermatosis_in_area", effect::defer);
  mt::check_complications(f, {complication::irritation});
  mt::check_reason_mentions(f, "cheeks");
  mt::check_open_defer(r, f);
}

TEST_CASE("inflammatory_dermatosis_in_area: dermatosis elsewhere or resolved stays quiet",
          "[rules][inflammatory_dermatosis_in_area][quiet]") {
  intake in = healthy_intake();
  SECTION("eczema on the hands, cheeks planned") {
    add_condition(in, condition_code::eczema, condition_status::active, {area::hands});
  }
  SECTION("resolved rosacea on the cheeks") {
    add_condition(in, condition_code::rosacea, condition_status::resolved, {area::cheeks});
  }
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "inflammatory_dermatosis_in_area");
  mt::check_decision(r, decision::proceed);
}

// --- pigmentation_risk ------------------------------------------------------------------------

TEST_CASE("pigmentation_risk: melasma in the area or dark skin with RF is a caution",
          "[rules][pigmentation_risk][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  SECTION("melasma on the cheeks") {
    add_condition(in, condition_code::melasma, condition_status::active, {area::cheeks});
  }
  SECTION("Fitzpatrick 4 with RF microneedling") {
    in.patient.fitzpatrick = 4;
    plan.device = device_type::rf_microneedling;
  }
  SECTION("Fitzpatrick 6 with RF microneedling") {
    in.patient.fitzpatrick = 6;
    plan.device = device_type::rf_microneedling;
  }
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "pigmentation_risk", effect::proceed_with_caution);
  mt::check_complications(f, {complication::dyspigmentation});
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("pigmentation_risk: near misses stay quiet", "[rules][pigmentation_risk][quiet]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  SECTION("Fitzpatrick 3 with RF") {
    in.patient.fitzpatrick = 3;
    plan.device = device_type::rf_microneedling;
  }
  SECTION("Fitzpatrick 5 with a pen") { in.patient.fitzpatrick = 5; }
  SECTION("melasma on the forehead, cheeks planned") {
    add_condition(in, condition_code::melasma, condition_status::active, {area::forehead});
  }
  SECTION("resolved melasma on the cheeks") {
    add_condition(in, condition_code::melasma, condition_status::resolved, {area::cheeks});
  }
  const report r = run(in, plan);
  mt::require_quiet(r, "pigmentation_risk");
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("pigmentation_risk: unknown Fitzpatrick type is a question",
          "[rules][pigmentation_risk][unknown]") {
  intake in = healthy_intake();
  in.patient.fitzpatrick.reset();
  procedure_plan plan = basic_plan();
  plan.device = device_type::rf_microneedling;
  const report r = run(in, plan);
  mt::require_quiet(r, "pigmentation_risk");
  mt::check_asks(r, question::fitzpatrick);
}

// --- explain: each rule's cases (tests/rules/explain_test.cpp runs them) -----------------

namespace {
using namespace mnscreen::test::explain;
const explain_cases_for skin_explain_cases{
    {"active_infection_in_area",
     {with_condition(condition_code::skin_infection), nothing, unknown(question::skin_infection)}},
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
    {"pigmentation_risk", {with_condition(condition_code::melasma), nothing, [](inputs& x) {
                             x.in.patient.fitzpatrick.reset();
                           }}}};
}  // namespace
