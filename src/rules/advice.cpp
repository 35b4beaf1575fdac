// SPDX-License-Identifier: Apache-2.0
// Preparation and aftercare advice: the general advice every patient gets, plus what the plan
// and the flags call for. Wording follows the patient-preparation literature cited in
// clinical-spec.md (seed article) and the rules' own actions.
#include <algorithm>

#include "engine.hpp"
#include "questions.hpp"

namespace mnscreen::detail {
namespace {

bool fired(const std::vector<flag>& flags, std::string_view id) {
  return std::any_of(flags.begin(), flags.end(), [&](const flag& x) { return x.rule_id == id; });
}

}  // namespace

void advise(const facts& f, const std::vector<flag>& flags, std::vector<std::string>& prep,
            std::vector<std::string>& aftercare) {
  const policy& p = f.rules_policy();
  const std::string areas = area_list(f.planned());
  const bool home = f.is_home();

  // --- preparation ---
  prep.push_back("Do not wax, shave, thread or exfoliate the " + areas +
                 " in the days before the session (waxing and threading " +
                 std::to_string(p.hair_removal_wait_days) + " days, exfoliation " +
                 std::to_string(p.exfoliation_wait_days) + " days).");
  prep.push_back("Stop topical retinoids (tretinoin, adapalene, retinol) on the " + areas + " " +
                 std::to_string(p.topical_retinoid_hold_days_before) + " days before.");
  prep.push_back("Stop over-the-counter pain medication (aspirin, ibuprofen, naproxen) " +
                 std::to_string(p.pause_nsaid_days) +
                 " days before unless it was prescribed; paracetamol is fine. Never stop a "
                 "prescribed blood thinner.");
  prep.push_back("Avoid sun exposure and tanning for 2 weeks before; arrive with clean skin, "
                 "no make-up.");
  if (fired(flags, "hsv_history_prophylaxis")) {
    const flag& h = *std::find_if(flags.begin(), flags.end(),
                                  [](const flag& x) { return x.rule_id == "hsv_history_prophylaxis"; });
    if (h.effect != effect::info || !f.current(medication_class::antiviral_prophylaxis))
      prep.push_back("Start antiviral prophylaxis (e.g. valaciclovir, as prescribed) " +
                     std::to_string(p.hsv_prophylaxis_days_before) +
                     " day(s) before the session and continue " +
                     std::to_string(p.hsv_prophylaxis_days_after) + " days after.");
    else
      prep.push_back("Continue your antiviral medicine through the session and for " +
                     std::to_string(p.hsv_prophylaxis_days_after) + " days after.");
  }
  if (fired(flags, "bleeding_supplements"))
    prep.push_back("Pause fish oil, vitamin E, ginkgo, garlic, ginseng and turmeric supplements " +
                   std::to_string(p.pause_supplement_days) + " days before.");
  if (fired(flags, "topical_exfoliant_recent"))
    prep.push_back("Pause exfoliating acids and benzoyl peroxide on the treated skin " +
                   std::to_string(p.exfoliation_wait_days) + " days before.");
  if (fired(flags, "acne_medication_current"))
    prep.push_back("Ask the prescriber whether to pause acne medication or skin antibiotics "
                   "before the session.");
  if (fired(flags, "pigmentation_risk"))
    prep.push_back("A test spot is done first; use SPF 30+ daily from now on.");
  if (fired(flags, "keloid_history"))
    prep.push_back("A test spot is done first and checked at 4-6 weeks before a full session.");
  if (fired(flags, "metal_allergy_needles"))
    prep.push_back("Needles of another material (gold-plated, titanium or nickel-free) will be "
                   "used.");
  if (f.plan().anesthetic != anesthetic::none && !fired(flags, "anesthetic_allergy"))
    prep.push_back("Numbing cream (" + words(to_string(f.plan().anesthetic)) +
                   ") is applied at the clinic about 30-45 minutes before needling.");
  if (home) {
    prep.push_back("Before each home use: wash your hands, cleanse the skin, and sanitise the "
                   "device (70% isopropyl alcohol, air-dried); never share it.");
    prep.push_back("Use minimal pressure; do not go over the same spot repeatedly; stop if the "
                   "skin bleeds more than pinpoint spots.");
  }

  // --- aftercare ---
  aftercare.push_back("Keep the skin clean: gentle fragrance-free cleanser and fragrance-free "
                      "moisturiser; no make-up for 24 hours.");
  aftercare.push_back("Use a broad-spectrum sunscreen SPF 30+ every day and avoid direct sun "
                      "for at least a week.");
  aftercare.push_back("Avoid strenuous exercise, saunas and sweating for 24-48 hours.");
  aftercare.push_back("Restart topical retinoids no sooner than " +
                      std::to_string(p.topical_retinoid_hold_days_after) +
                      " days after the session, and exfoliants once the skin has settled.");
  aftercare.push_back("No waxing, peels or exfoliation on the " + areas +
                      " until redness has settled (about a week).");
  aftercare.push_back("Redness like mild sunburn for 1-3 days is expected; contact the clinic "
                      "for increasing pain, swelling, pus, fever or blisters.");
  if (fired(flags, "hsv_history_prophylaxis") || fired(flags, "active_hsv_lesion"))
    aftercare.push_back("Report any tingling or cold-sore blisters at once; keep taking the "
                        "antiviral as prescribed.");
  if (fired(flags, "anticoagulant_therapy") || fired(flags, "antiplatelet_therapy") ||
      fired(flags, "aspirin_or_nsaid"))
    aftercare.push_back("Expect more pinpoint bleeding and bruising; apply gentle pressure with "
                        "sterile gauze. Keep taking prescribed blood thinners.");
  if (fired(flags, "keloid_history"))
    aftercare.push_back("Check the treated skin for raised or thickened scars over the next 6 "
                        "weeks and report them.");
  if (fired(flags, "diabetes_control") || fired(flags, "immunosuppressed") ||
      fired(flags, "systemic_steroids"))
    aftercare.push_back("Healing may be slower: watch for signs of infection and report them "
                        "early.");
  if (fired(flags, "photosensitiser_current") || fired(flags, "pigmentation_risk"))
    aftercare.push_back("Strict sun avoidance for 2 weeks: pigment change is more likely.");
  if (fired(flags, "smoker_healing"))
    aftercare.push_back("Avoid smoking for at least 48 hours after the session.");
  if (home)
    aftercare.push_back("After home use: rinse the device, disinfect it, let it air-dry and "
                        "store it capped; replace heads as the maker says.");
  const auto& adj = f.plan().adjuncts;
  if (std::find(adj.begin(), adj.end(), adjunct::minoxidil) != adj.end() ||
      f.planned().contains(area::scalp))
    aftercare.push_back("Scalp: do not wash your hair or apply minoxidil for 24 hours.");
}

}  // namespace mnscreen::detail
