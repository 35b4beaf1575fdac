// SPDX-License-Identifier: Apache-2.0
// Preparation and aftercare advice: the general advice every patient gets, plus what the plan
// and the flags call for. Wording follows the patient-preparation literature cited in
// clinical-spec.md (seed article) and the rules' own actions. The texts depend only on the
// policy, so they are built once per screener (advice_texts) and a screen only selects them.
#include <algorithm>
#include <array>

#include "engine.hpp"
#include "questions.hpp"

namespace mnscreen::detail {

advice_texts::advice_texts(const policy& p) {
  using text::cat;
  using days = text::integer;
  prep_always_ = {
      cat("Do not wax, thread or exfoliate the treated area for ", days(p.hair_removal_wait_days),
          " days before the session (exfoliation ", days(p.exfoliation_wait_days),
          " days); do not shave it on the day."),
      cat("Stop topical retinoids (tretinoin, adapalene, retinol) on the treated area ",
          days(p.topical_retinoid_hold_days_before), " days before."),
      cat("Stop over-the-counter pain medication (aspirin, ibuprofen, naproxen) ",
          days(p.pause_nsaid_days),
          " days before unless it was prescribed; paracetamol is fine. Never stop a prescribed "
          "blood thinner."),
      "Avoid sun exposure and tanning for 2 weeks before; arrive with clean skin, no make-up.",
  };
  for (anesthetic a : all_codes<anesthetic>())
    anesthetic_prep_.push_back(
        a == anesthetic::none
            ? std::string()
            : cat("Numbing cream (", text::words{to_string(a)},
                  ") is applied at the clinic about 30-45 minutes before needling."));
  prophylaxis_start_ =
      cat("Start antiviral prophylaxis (e.g. valaciclovir, as prescribed) ",
          days(p.hsv_prophylaxis_days_before), " day(s) before the session and continue ",
          days(p.hsv_prophylaxis_days_after), " days after.");
  prophylaxis_consider_ =
      cat("Consider antiviral prophylaxis (e.g. valaciclovir) ",
          days(p.hsv_prophylaxis_days_before), " day(s) before the session and ",
          days(p.hsv_prophylaxis_days_after), " days after; ask the prescriber.");
  prophylaxis_continue_ = cat("Continue your antiviral medicine through the session and for ",
                              days(p.hsv_prophylaxis_days_after), " days after.");
  supplements_ = cat("Pause fish oil, vitamin E, ginkgo, garlic, ginseng and turmeric supplements ",
                     days(p.pause_supplement_days), " days before.");
  exfoliant_ = cat("Pause exfoliating acids and benzoyl peroxide on the treated skin ",
                   days(p.exfoliation_wait_days), " days before.");
  acne_meds_ =
      "Ask the prescriber whether to pause acne medication or skin antibiotics before "
      "the session.";
  pigment_prep_ = "A test spot is done first; use SPF 30+ daily from now on.";
  keloid_prep_ = "A test spot is done first and checked at 4-6 weeks before a full session.";
  metal_prep_ = "Needles of another material (gold-plated, titanium or nickel-free) will be used.";
  home_prep_ = {
      "Before each home use: wash your hands, cleanse the skin, and sanitise the device (70% "
      "isopropyl alcohol, air-dried); never share it.",
      "Use minimal pressure; do not go over the same spot repeatedly; stop if the skin bleeds "
      "more than pinpoint spots.",
  };

  aftercare_always_ = {
      // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one sentence written on two lines
      "Keep the skin clean: gentle fragrance-free cleanser and fragrance-free moisturiser; no "
      "make-up for 24 hours.",
      "Use a broad-spectrum sunscreen SPF 30+ every day and avoid direct sun for at least a week.",
      "Avoid strenuous exercise, saunas and sweating for 24-48 hours.",
      cat("Restart topical retinoids no sooner than ", days(p.topical_retinoid_hold_days_after),
          " days after the session, and exfoliants once the skin has settled."),
      "No waxing, peels or exfoliation on the treated area until redness has settled (about a "
      "week).",
      "Redness like mild sunburn for 1-3 days is expected; contact the clinic for increasing "
      "pain, swelling, pus, fever or blisters.",
  };
  hsv_after_ =
      "Report any tingling or cold-sore blisters at once; keep taking the antiviral as "
      "prescribed.";
  bleeding_after_ =
      "Expect more pinpoint bleeding and bruising; apply gentle pressure with "
      "sterile gauze. Keep taking prescribed blood thinners.";
  keloid_after_ =
      "Check the treated skin for raised or thickened scars over the next 6 weeks and "
      "report them.";
  healing_after_ = "Healing may be slower: watch for signs of infection and report them early.";
  sun_after_ = "Strict sun avoidance for 2 weeks: pigment change is more likely.";
  smoker_after_ = "Avoid smoking for at least 48 hours after the session.";
  home_after_ =
      "After home use: rinse the device, disinfect it, let it air-dry and store it "
      "capped; replace heads as the maker says.";
  scalp_after_ = "Scalp: do not wash your hair or apply minoxidil for 24 hours.";
}

namespace {

// Texts chosen for one list, by address (they live in the screener's advice_texts).
class picked {
 public:
  void add(const std::string& s) noexcept {
    if (n_ < texts_.size()) texts_[n_++] = &s;
  }
  void add(const std::vector<std::string>& v) noexcept {
    for (const auto& s : v) add(s);
  }
  // Sized once and copied into place (existing strings reuse their capacity).
  void copy_to(std::vector<std::string>& out) const {
    out.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) out[i].assign(*texts_[i]);
  }

 private:
  std::array<const std::string*, 32> texts_{};  // at most 4 + 1 + 7 + 2 (prep), 6 + 8 (aftercare)
  std::size_t n_ = 0;
};

}  // namespace

void advice_texts::advise(const facts& f, advice_set wanted, std::vector<std::string>& prep,
                          std::vector<std::string>& aftercare) const {
  picked p;
  p.add(prep_always_);
  if (wanted.contains(advice::antiviral_prep))
    p.add(f.current(medication_class::antiviral_prophylaxis) ? prophylaxis_continue_
          : f.rules_policy().require_hsv_prophylaxis         ? prophylaxis_start_
                                                             : prophylaxis_consider_);
  if (wanted.contains(advice::supplement_pause)) p.add(supplements_);
  if (wanted.contains(advice::exfoliant_pause)) p.add(exfoliant_);
  if (wanted.contains(advice::acne_medication_pause)) p.add(acne_meds_);
  if (wanted.contains(advice::pigment_prep)) p.add(pigment_prep_);
  if (wanted.contains(advice::keloid_prep)) p.add(keloid_prep_);
  if (wanted.contains(advice::metal_prep)) p.add(metal_prep_);
  const auto a = static_cast<std::size_t>(f.plan().anesthetic);
  if (f.plan().anesthetic != anesthetic::none && !wanted.contains(advice::no_anesthetic_prep) &&
      a < anesthetic_prep_.size())
    p.add(anesthetic_prep_[a]);
  if (f.is_home()) p.add(home_prep_);
  p.copy_to(prep);

  picked c;
  c.add(aftercare_always_);
  if (wanted.contains(advice::hsv_aftercare)) c.add(hsv_after_);
  if (wanted.contains(advice::bleeding_aftercare)) c.add(bleeding_after_);
  if (wanted.contains(advice::keloid_aftercare)) c.add(keloid_after_);
  if (wanted.contains(advice::healing_aftercare)) c.add(healing_after_);
  if (wanted.contains(advice::sun_aftercare)) c.add(sun_after_);
  if (wanted.contains(advice::smoker_aftercare)) c.add(smoker_after_);
  if (f.is_home()) c.add(home_after_);
  const auto& adj = f.plan().adjuncts;
  if (std::find(adj.begin(), adj.end(), adjunct::minoxidil) != adj.end() ||
      f.planned().contains(area::scalp))
    c.add(scalp_after_);
  c.copy_to(aftercare);
}

}  // namespace mnscreen::detail
