// SPDX-License-Identifier: Apache-2.0
// Rules of clinical-spec.md, "Medicines and products at the site" and "Allergies".
#include <algorithm>

#include "engine.hpp"

namespace mnscreen::detail {
namespace {

text::words drug(const medication& m) { return {to_string(m.code)}; }

text::words substance(const allergy& a) { return {to_string(a.substance)}; }

void topical_retinoid_recent(const facts& f, finding& out) {
  const policy& p = f.rules_policy();
  const int hold = p.topical_retinoid_hold_days_before;
  if (const medication* m = f.current_on_area(medication_class::topical_retinoid)) {
    const date safe = add_days(f.today(), hold);
    out.fire(effect::defer,
             text::join("Still using the topical retinoid ", drug(*m), " on the treated skin."),
             text::join("Stop it now and defer until ", text::iso_date(safe), " (",
                        text::integer(hold), " days without it)."),
             {}, safe);
    return;
  }
  // The most recently stopped retinoid on the area decides the date.
  f.look_for(medication_class::topical_retinoid);
  const medication* latest = nullptr;
  for (const auto& m : f.record().medications) {
    if (!classes_of(m.code).contains(medication_class::topical_retinoid) || f.is_current(m) ||
        !m.stop || !f.applies_to_plan(m))
      continue;
    if (!latest || std::chrono::sys_days{*m.stop} > std::chrono::sys_days{*latest->stop})
      latest = &m;
  }
  // Checked here so that no message is built for a wait that has passed (hot path).
  if (!latest || days_between(*latest->stop, f.today()) >= hold) return;
  defer_after(
      f, out, *latest->stop, hold,
      text::cat("Topical retinoid ", drug(*latest), " stopped on ", text::iso_date(*latest->stop)));
}

void topical_exfoliant_recent(const facts& f, finding& out) {
  const medication* m = f.current_on_area(medication_class::topical_exfoliant);
  if (!m) return;
  out.fire(effect::proceed_with_caution,
           text::join("Using the exfoliant ", drug(*m), " on the treated skin."),
           text::join("Pause it ", text::integer(f.rules_policy().exfoliation_wait_days),
                      " days before and until the skin has settled after."));
}

void acne_medication_current(const facts& f, finding& out) {
  const medication* m = f.current(medication_class::acne_antibiotic);
  if (!m) m = f.current(medication_class::acne_hormonal);
  if (!m) return;
  out.fire(effect::proceed_with_caution,
           text::join("Currently taking the acne medication ", drug(*m), "."),
           "Agree with the prescriber whether to pause acne medication and skin antibiotics "
           "before the session.");
}

void photosensitiser_current(const facts& f, finding& out) {
  const medication* m = f.current(medication_class::photosensitiser);
  if (!m) return;
  out.fire(effect::proceed_with_caution,
           text::join("Taking ", drug(*m), ", which makes skin more sensitive to light."),
           "Strict sun avoidance and SPF 30+ before and after.");
}

void non_sterile_topical(const facts& f, finding& out) {
  f.looked_at(facts::plan_field::adjuncts);
  const auto& adj = f.plan().adjuncts;
  if (std::find(adj.begin(), adj.end(), adjunct::non_sterile_serum) == adj.end()) return;
  out.fire(effect::modify_plan,
           "A non-sterile product is planned during needling: granulomas and infection have "
           "been reported.",
           "Use only sterile products labelled for use during needling.");
}

void anesthetic_allergy(const facts& f, finding& out) {
  const anesthetic planned = f.plan().anesthetic;
  f.looked_at(facts::plan_field::anesthetic);
  f.look_for(allergy_class::amide_anesthetic);
  f.look_for(allergy_class::ester_anesthetic);
  if (planned == anesthetic::none) {
    // clinical-spec 2026.2 "Clarifications": with no anaesthetic planned, any allergy to a local
    // anaesthetic is still shown (info) to whoever runs the session; the most severe is named.
    const allergy* worst = nullptr;
    for (const auto& a : f.record().allergies)
      if (is_local_anesthetic(a.substance) &&
          (!worst || (a.severity && (!worst->severity || *a.severity > *worst->severity))))
        worst = &a;
    if (!worst) return;
    out.fire(effect::info,
             text::join("Allergy to the local anaesthetic ", substance(*worst),
                        worst->severity == allergy_severity::anaphylaxis ? " (anaphylaxis)"
                        : worst->severity == allergy_severity::severe    ? " (severe)"
                                                                         : "",
                        "; no anaesthetic is planned."),
             "Keep the session free of local anaesthetics, including anaesthetic-containing "
             "serums.");
    return;
  }
  const allergy_class_set plan_classes = classes_of(planned);
  const allergy* severe = nullptr;
  const allergy* match = nullptr;
  const allergy* other_class = nullptr;
  for (const auto& a : f.record().allergies) {
    if (!is_local_anesthetic(a.substance)) continue;
    if (a.severity == allergy_severity::severe || a.severity == allergy_severity::anaphylaxis)
      severe = severe ? severe : &a;
    // The spec: an allergy to the planned anaesthetic or to any substance of its class.
    if (classes_of(a.substance).overlaps(plan_classes))
      match = match ? match : &a;
    else
      other_class = other_class ? other_class : &a;
  }
  const text::words plan_word{to_string(planned)};
  if (severe) {
    out.fire(effect::modify_plan,
             text::join("Severe reaction",
                        severe->severity == allergy_severity::anaphylaxis ? " (anaphylaxis)" : "",
                        " to the local anaesthetic ", substance(*severe), "; plan uses ", plan_word,
                        "."),
             "No topical anaesthetic; refer to an allergist. Never switch to another class "
             "without allergist testing.");
    return;
  }
  if (match) {
    out.fire(effect::modify_plan,
             text::join("Allergy to ", substance(*match), ", and the planned anaesthetic ",
                        plan_word, " contains it or its class."),
             "Choose an anaesthetic of another class only after allergist advice, or none.");
    return;
  }
  if (other_class) {
    // Spec: ester allergy with an amide-only plan is a caution, because patch-test data show
    // cross-reactions in both directions; the same figure applies to an amide allergy with an
    // ester-only plan, so that is a caution too (conservative reading, docs/architecture.md).
    const bool ester = classes_of(other_class->substance).contains(allergy_class::ester_anesthetic);
    out.fire(effect::proceed_with_caution,
             text::join("Allergy to the ", ester ? "ester" : "amide", " anaesthetic ",
                        substance(*other_class), "; the plan uses ", plan_word, " (",
                        ester ? "amide" : "ester",
                        "). Classes are taught not to cross-react, but patch-test data show many "
                        "patients react to both."),
             "Consider patch testing or no anaesthetic; watch for a reaction.");
  }
}

void metal_allergy_needles(const facts& f, finding& out) {
  const needle_material mat = f.plan().needle_material;
  f.looked_at(facts::plan_field::needle_material);
  if (const allergy* a = f.allergy_to(allergy_class::metal_in_steel);
      a && (mat == needle_material::stainless_steel || mat == needle_material::unknown)) {
    out.fire(effect::modify_plan,
             text::join(
                 "Allergy to ", substance(*a), "; the needles are ",
                 mat == needle_material::unknown ? "of unstated material" : "stainless steel", "."),
             "Use gold-plated, titanium or nickel-free needles.");
    return;
  }
  if (const allergy* a = f.allergy_to(allergy_class::gold);
      a && mat == needle_material::gold_plated) {
    out.fire(effect::modify_plan, "Allergy to gold; the needles are gold-plated.",
             "Use titanium or nickel-free needles.");
  }
}

void antiseptic_allergy(const facts& f, finding& out) {
  const allergy* a = f.allergy_to(allergy_class::antiseptic);
  if (!a) return;
  out.fire(effect::info, text::join("Allergy to the antiseptic ", substance(*a), "."),
           "Prepare the skin with another antiseptic.");
}

void product_allergy(const facts& f, finding& out) {
  for (const allergy_class c : {allergy_class::hyaluronic_acid, allergy_class::fragrance,
                                allergy_class::propylene_glycol, allergy_class::lanolin})
    f.look_for(c);
  std::string names;
  for (const auto& a : f.record().allergies) {
    if (!classes_of(a.substance)
             .overlaps({allergy_class::hyaluronic_acid, allergy_class::fragrance,
                        allergy_class::propylene_glycol, allergy_class::lanolin}))
      continue;
    const std::string n = text::cat(substance(a));
    if (names.find(n) == std::string::npos) text::append(names, names.empty() ? "" : ", ", n);
  }
  if (names.empty()) return;
  out.fire(effect::info, text::join("Allergy to ", names, '.'),
           text::join("Choose the serum, soothing mask and moisturiser without ", names, '.'));
}

// --- the rules of this family, in catalogue order ----------------------------------------------

using c = complication;
using lv = evidence_level;

// Complications and evidence (the rows' spans point at them).
constexpr complication irr[] = {c::irritation};
constexpr evidence_ref ev_retinoid[] = {
    {"Microneedling preparation literature: stop retinoids before, restart after at least a "
     "week",
     lv::expert_opinion}};
constexpr evidence_ref ev_exfoliant[] = {
    {"Expert opinion: pause exfoliating acids before needling", lv::expert_opinion}};
constexpr evidence_ref ev_acne_med[] = {
    {"Microneedling preparation literature: stop acne medication and skin antibiotics before, "
     "with the prescriber",
     lv::expert_opinion}};
constexpr complication pig_irr[] = {c::dyspigmentation, c::irritation};
constexpr evidence_ref ev_photo[] = {
    {"Drug labelling: photosensitivity (doxycycline, "
     "tetracycline)",
     lv::label}};
constexpr complication allergy_inf[] = {c::allergic_reaction, c::infection};
constexpr evidence_ref ev_non_sterile[] = {
    {"US FDA warning on microneedling with non-sterile products; granuloma case reports",
     lv::regulator}};
constexpr complication allergy[] = {c::allergic_reaction};
constexpr evidence_ref ev_anesthetic[] = {
    {"Topical anaesthetic labelling: contraindicated with known allergy", lv::label},
    {"Patch-test data: 79% of patients reacting to several anaesthetics reacted to both an "
     "amide and an ester",
     lv::case_reports}};
constexpr evidence_ref ev_metal[] = {
    {"Needle materials and nickel allergy: case reports and expert opinion", lv::expert_opinion}};
constexpr evidence_ref ev_antiseptic[] = {{"Expert opinion", lv::expert_opinion}};
constexpr evidence_ref ev_product[] = {
    {"Expert opinion: choose products without the allergen", lv::expert_opinion}};

constexpr std::string_view topical_retinoid_recent_settings[] = {
    "topical_retinoid_hold_days_before"};
constexpr std::string_view topical_exfoliant_recent_settings[] = {"exfoliation_wait_days"};
constexpr question anesthetic_allergy_unknowns[] = {question::anesthetic_allergy};

constexpr rule_def rules[] = {
    {.info = {"topical_retinoid_recent", "topicals",
              "topical_retinoid on a planned area still used, or stopped fewer than "
              "topical_retinoid_hold_days_before days before",
              "defer until stop + hold (still used: plan date + hold)", irr, ev_retinoid},
     .check = topical_retinoid_recent,
     .settings = topical_retinoid_recent_settings},
    {.info = {"topical_exfoliant_recent", "topicals", "current topical_exfoliant on a planned area",
              "proceed_with_caution (pause exfoliation_wait_days)", irr, ev_exfoliant},
     .check = topical_exfoliant_recent,
     .advice = {advice::exfoliant_pause},
     .settings = topical_exfoliant_recent_settings},
    {.info = {"acne_medication_current", "topicals", "current acne_antibiotic or acne_hormonal",
              "proceed_with_caution", irr, ev_acne_med},
     .check = acne_medication_current,
     .advice = {advice::acne_medication_pause}},
    {.info = {"photosensitiser_current", "topicals", "current photosensitiser",
              "proceed_with_caution", pig_irr, ev_photo},
     .check = photosensitiser_current,
     .advice = {advice::sun_aftercare}},
    {.info = {"non_sterile_topical", "topicals", "plan adjunct non_sterile_serum", "modify_plan",
              allergy_inf, ev_non_sterile},
     .check = non_sterile_topical,
     .scope = plan_scope::non_sterile_serum},
    {.info = {"anesthetic_allergy", "allergies",
              "allergy to the plan's anaesthetic or its class; ester allergy with an "
              "amide-only plan; severe or anaphylactic reaction to any local anaesthetic; any "
              "local-anaesthetic allergy with plan anaesthetic none",
              "modify_plan; ester allergy with amide plan: proceed_with_caution; severe: "
              "modify_plan (no topical anaesthetic, allergist referral); no anaesthetic "
              "planned: info (keep the session free of local anaesthetics)",
              allergy, ev_anesthetic},
     .check = anesthetic_allergy,
     .advice = {advice::no_anesthetic_prep},
     .unknowns = anesthetic_allergy_unknowns},
    {.info = {"metal_allergy_needles", "allergies",
              "metal_in_steel allergy with stainless_steel or unknown needles; gold allergy "
              "with gold_plated needles",
              "modify_plan (other needle material)", allergy, ev_metal},
     .check = metal_allergy_needles,
     .advice = {advice::metal_prep}},
    {.info = {"antiseptic_allergy", "allergies", "allergy class antiseptic",
              "info (use another antiseptic)", allergy, ev_antiseptic},
     .check = antiseptic_allergy},
    {.info = {"product_allergy", "allergies",
              "allergy to hyaluronic_acid, fragrance, propylene_glycol or lanolin",
              "info (choose products without it)", allergy, ev_product},
     .check = product_allergy},
};

}  // namespace

std::span<const rule_def> product_rules() noexcept { return rules; }

}  // namespace mnscreen::detail
