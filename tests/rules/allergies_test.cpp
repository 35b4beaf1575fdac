// SPDX-License-Identifier: Apache-2.0
// Rules of clinical-spec.md "Allergies".
#include "explain_cases.hpp"
#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;
using mt::add_allergy;
using mt::basic_plan;
using mt::healthy_intake;
using mt::run;

// --- anesthetic_allergy -----------------------------------------------------------------------

TEST_CASE("anesthetic_allergy: allergy to the plan's anaesthetic or its class modifies the plan",
          "[rules][anesthetic_allergy][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  std::string word;
  SECTION("lidocaine allergy, lidocaine plan") {
    add_allergy(in, allergy_substance::lidocaine);
    plan.anesthetic = anesthetic::lidocaine;
    word = "lidocaine";
  }
  SECTION("articaine allergy (amide), lidocaine-prilocaine plan") {
    add_allergy(in, allergy_substance::articaine);
    plan.anesthetic = anesthetic::lidocaine_prilocaine;
    word = "articaine";
  }
  SECTION("amide class allergy, prilocaine plan") {
    add_allergy(in, allergy_substance::amide_anesthetic);
    plan.anesthetic = anesthetic::prilocaine;
    word = "amide";
  }
  SECTION("benzocaine allergy, benzocaine-lidocaine-tetracaine plan") {
    add_allergy(in, allergy_substance::benzocaine);
    plan.anesthetic = anesthetic::benzocaine_lidocaine_tetracaine;
    word = "benzocaine";
  }
  SECTION("procaine allergy (ester), tetracaine plan") {
    add_allergy(in, allergy_substance::procaine);
    plan.anesthetic = anesthetic::tetracaine;
    word = "procaine";
  }
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "anesthetic_allergy", effect::modify_plan);
  mt::check_complications(f, {complication::allergic_reaction});
  mt::check_reason_mentions(f, word);
  mt::check_decision(r, decision::modify_plan);
}

TEST_CASE("anesthetic_allergy: ester allergy with an amide-only plan is a caution",
          "[rules][anesthetic_allergy][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  add_allergy(in, allergy_substance::benzocaine, allergy_severity::mild);
  SECTION("lidocaine") { plan.anesthetic = anesthetic::lidocaine; }
  SECTION("lidocaine-prilocaine") { plan.anesthetic = anesthetic::lidocaine_prilocaine; }
  const report r = run(in, plan);
  mt::require_flag(r, "anesthetic_allergy", effect::proceed_with_caution);
  mt::check_decision(r, decision::proceed_with_caution);
}

TEST_CASE("anesthetic_allergy: severe reaction to any local anaesthetic modifies the plan",
          "[rules][anesthetic_allergy][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  SECTION("anaphylaxis to benzocaine (ester), lidocaine plan") {
    add_allergy(in, allergy_substance::benzocaine, allergy_severity::anaphylaxis);
    plan.anesthetic = anesthetic::lidocaine;
  }
  SECTION("severe reaction to lidocaine, lidocaine plan") {
    add_allergy(in, allergy_substance::lidocaine, allergy_severity::severe);
    plan.anesthetic = anesthetic::lidocaine;
  }
  SECTION("anaphylaxis to bupivacaine (amide), tetracaine plan") {
    add_allergy(in, allergy_substance::bupivacaine, allergy_severity::anaphylaxis);
    plan.anesthetic = anesthetic::tetracaine;
  }
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "anesthetic_allergy", effect::modify_plan);
  INFO("action: " << f.action);
  CHECK((mt::mentions(f.action, "allergist") || mt::any_mentions(r.prep, "allergist")));
  // Never "switch to an ester" after a severe reaction.
  CHECK_FALSE(mt::mentions(f.action, "switch to an ester"));
  CHECK_FALSE(mt::mentions(f.action, "use benzocaine"));
  CHECK_FALSE(mt::mentions(f.action, "use tetracaine"));
  mt::check_decision(r, decision::modify_plan);
}

TEST_CASE("anesthetic_allergy: no anaesthetic or a non-anaesthetic allergy stays quiet",
          "[rules][anesthetic_allergy][quiet]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  SECTION("latex allergy, no anaesthetic planned") {
    add_allergy(in, allergy_substance::latex);
    plan.anesthetic = anesthetic::none;
  }
  SECTION("latex allergy, lidocaine plan") {
    add_allergy(in, allergy_substance::latex);
    plan.anesthetic = anesthetic::lidocaine;
  }
  SECTION("denied, lidocaine plan") { plan.anesthetic = anesthetic::lidocaine; }
  const report r = run(in, plan);
  mt::require_quiet(r, "anesthetic_allergy");
  mt::check_does_not_ask(r, question::anesthetic_allergy);
}

// clinical-spec 2026.2, "Anaesthetic allergy with no anaesthetic planned" (2026.1 gave no flag).
TEST_CASE("anesthetic_allergy: anaphylaxis to lidocaine with no anaesthetic planned is info",
          "[rules][anesthetic_allergy][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  plan.anesthetic = anesthetic::none;
  SECTION("anaphylaxis to lidocaine") {
    add_allergy(in, allergy_substance::lidocaine, allergy_severity::anaphylaxis);
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "anesthetic_allergy", effect::info);
    mt::check_reason_mentions(f, "lidocaine");
    mt::check_reason_mentions(f, "anaphylaxis");
    mt::check_reason_mentions(f, "no anaesthetic is planned");
    CHECK(f.action ==
          "Keep the session free of local anaesthetics, including anaesthetic-containing "
          "serums.");
    // The decision is unchanged and the question is not asked.
    mt::check_decision(r, decision::proceed);
    mt::check_does_not_ask(r, question::anesthetic_allergy);
    CHECK(r.complete);
  }
  SECTION("a mild allergy to an ester anaesthetic is shown too") {
    add_allergy(in, allergy_substance::benzocaine, allergy_severity::mild);
    const report r = run(in, plan);
    const flag& f = mt::require_flag(r, "anesthetic_allergy", effect::info);
    mt::check_reason_mentions(f, "benzocaine");
    mt::check_decision(r, decision::proceed);
  }
  SECTION("the most severe of several is named") {
    add_allergy(in, allergy_substance::tetracaine, allergy_severity::mild);
    add_allergy(in, allergy_substance::lidocaine, allergy_severity::anaphylaxis);
    const report r_f = run(in, plan);
    const flag& f = mt::require_flag(r_f, "anesthetic_allergy", effect::info);
    mt::check_reason_mentions(f, "lidocaine (anaphylaxis)");
  }
}

TEST_CASE("anesthetic_allergy: unknown allergy is asked only when an anaesthetic is planned",
          "[rules][anesthetic_allergy][unknown]") {
  intake in = healthy_intake();
  mt::undeny(in, question::anesthetic_allergy);
  procedure_plan plan = basic_plan();
  SECTION("lidocaine plan asks") {
    plan.anesthetic = anesthetic::lidocaine;
    const report r = run(in, plan);
    mt::require_quiet(r, "anesthetic_allergy");
    mt::check_asks(r, question::anesthetic_allergy);
  }
  SECTION("no anaesthetic: not asked") {
    plan.anesthetic = anesthetic::none;
    const report r = run(in, plan);
    mt::check_does_not_ask(r, question::anesthetic_allergy);
    CHECK(r.complete);
  }
  SECTION("an allergy to another local anaesthetic answers it") {
    plan.anesthetic = anesthetic::lidocaine;
    add_allergy(in, allergy_substance::tetracaine);
    mt::check_does_not_ask(run(in, plan), question::anesthetic_allergy);
  }
}

// --- metal_allergy_needles --------------------------------------------------------------------

TEST_CASE("metal_allergy_needles: steel-metal allergy with steel or unknown needles",
          "[rules][metal_allergy_needles][trigger]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  std::string word;
  SECTION("nickel, stainless steel") {
    add_allergy(in, allergy_substance::nickel);
    plan.needle_material = needle_material::stainless_steel;
    word = "nickel";
  }
  SECTION("cobalt, unknown material") {
    add_allergy(in, allergy_substance::cobalt);
    plan.needle_material = needle_material::unknown;
    word = "cobalt";
  }
  SECTION("chromium, stainless steel") {
    add_allergy(in, allergy_substance::chromium);
    plan.needle_material = needle_material::stainless_steel;
    word = "chromium";
  }
  SECTION("metal_in_steel class word, stainless steel") {
    add_allergy(in, allergy_substance::metal_in_steel);
    plan.needle_material = needle_material::stainless_steel;
    word = "metal";
  }
  SECTION("gold, gold-plated needles") {
    add_allergy(in, allergy_substance::gold);
    plan.needle_material = needle_material::gold_plated;
    word = "gold";
  }
  const report r = run(in, plan);
  const flag& f = mt::require_flag(r, "metal_allergy_needles", effect::modify_plan);
  mt::check_complications(f, {complication::allergic_reaction});
  mt::check_reason_mentions(f, word);
  mt::check_decision(r, decision::modify_plan);
}

TEST_CASE("metal_allergy_needles: allergy-safe needle materials stay quiet",
          "[rules][metal_allergy_needles][quiet]") {
  intake in = healthy_intake();
  procedure_plan plan = basic_plan();
  SECTION("nickel, titanium") {
    add_allergy(in, allergy_substance::nickel);
    plan.needle_material = needle_material::titanium;
  }
  SECTION("nickel, gold-plated") {
    add_allergy(in, allergy_substance::nickel);
    plan.needle_material = needle_material::gold_plated;
  }
  SECTION("gold, stainless steel") {
    add_allergy(in, allergy_substance::gold);
    plan.needle_material = needle_material::stainless_steel;
  }
  SECTION("no allergy, unknown material") { plan.needle_material = needle_material::unknown; }
  const report r = run(in, plan);
  mt::require_quiet(r, "metal_allergy_needles");
  mt::check_decision(r, decision::proceed);
}

// --- antiseptic_allergy -----------------------------------------------------------------------

TEST_CASE("antiseptic_allergy: antiseptic allergy is info only",
          "[rules][antiseptic_allergy][trigger]") {
  intake in = healthy_intake();
  SECTION("chlorhexidine") { add_allergy(in, allergy_substance::chlorhexidine); }
  SECTION("povidone iodine") { add_allergy(in, allergy_substance::povidone_iodine); }
  SECTION("antiseptic class word") { add_allergy(in, allergy_substance::antiseptic); }
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "antiseptic_allergy", effect::info);
  mt::check_complications(f, {complication::allergic_reaction});
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("antiseptic_allergy: other allergies stay quiet", "[rules][antiseptic_allergy][quiet]") {
  intake in = healthy_intake();
  add_allergy(in, allergy_substance::latex);
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "antiseptic_allergy");
}

// --- product_allergy --------------------------------------------------------------------------

TEST_CASE("product_allergy: allergy to a mask or moisturiser ingredient is info",
          "[rules][product_allergy][trigger]") {
  intake in = healthy_intake();
  allergy_substance s = allergy_substance::hyaluronic_acid;
  SECTION("hyaluronic acid") { s = allergy_substance::hyaluronic_acid; }
  SECTION("fragrance") { s = allergy_substance::fragrance; }
  SECTION("propylene glycol") { s = allergy_substance::propylene_glycol; }
  SECTION("lanolin") { s = allergy_substance::lanolin; }
  add_allergy(in, s);
  const report r = run(in, basic_plan());
  const flag& f = mt::require_flag(r, "product_allergy", effect::info);
  mt::check_complications(f, {complication::allergic_reaction});
  mt::check_decision(r, decision::proceed);
}

TEST_CASE("product_allergy: latex or antiseptic allergy stays quiet",
          "[rules][product_allergy][quiet]") {
  intake in = healthy_intake();
  SECTION("latex") { add_allergy(in, allergy_substance::latex); }
  SECTION("chlorhexidine") { add_allergy(in, allergy_substance::chlorhexidine); }
  const report r = run(in, basic_plan());
  mt::require_quiet(r, "product_allergy");
}

// --- explain: each rule's cases (tests/rules/explain_test.cpp runs them) -----------------

namespace {
using namespace mnscreen::test::explain;
const explain_cases_for allergies_explain_cases{
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
    {"product_allergy", {with_allergy(allergy_substance::hyaluronic_acid), nothing}}};
}  // namespace
