// SPDX-License-Identifier: Apache-2.0
// Synthetic outcome records: realistic patients and plans, and outcomes drawn from the
// probabilities of a known ("true") model, for tests, examples and benchmarks. The prevalences
// below are plausible for a cosmetic-dermatology clinic population, somewhat enriched for risk
// factors so that every feature occurs; they are not epidemiological estimates.
#include "mnscreen/fit.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "facts.hpp"
#include "model/features.hpp"
#include "model/random.hpp"

namespace mnscreen {
namespace {

using detail::random_source;

template <class T, std::size_t N>
T pick(random_source& rng, const std::array<T, N>& values, const std::array<double, N>& weights) {
  return values[rng.weighted(weights)];
}

const std::array<area, 8> face_list{area::forehead, area::glabella, area::periorbital,
                                    area::nose,     area::cheeks,   area::perioral,
                                    area::chin,     area::jawline};
const std::array<area, 10> body_list{area::neck,   area::decolletage, area::chest,   area::back,
                                     area::arms,   area::hands,       area::abdomen, area::buttocks,
                                     area::thighs, area::legs};

procedure_plan draw_plan(random_source& rng, date when) {
  procedure_plan p;
  p.date = when;
  p.device =
      pick<device_type, 6>(rng,
                           {device_type::pen, device_type::roller, device_type::derma_roller,
                            device_type::stamp, device_type::patch, device_type::rf_microneedling},
                           {65, 8, 7, 5, 3, 12});
  const bool home_capable =
      p.device != device_type::pen && p.device != device_type::rf_microneedling;
  const double home_probability = p.device == device_type::pen ? 0.03 : home_capable ? 0.3 : 0.0;
  p.setting = rng.bernoulli(home_probability) ? setting::home : setting::clinic;
  if (p.setting == setting::home) {
    p.needle_depth = millimetres{pick<double, 4>(rng, {0.25, 0.5, 1.0, 1.5}, {50, 30, 15, 5})};
  } else {
    p.needle_depth =
        millimetres{pick<double, 6>(rng, {0.5, 0.75, 1.0, 1.5, 2.0, 2.5}, {15, 20, 25, 20, 12, 8})};
  }
  const std::size_t region = rng.weighted(std::array<double, 3>{65, 10, 25});
  if (region == 0) {
    const int count = rng.between(1, 3);
    for (int i = 0; i < count; ++i) {
      const area a = face_list[static_cast<std::size_t>(rng.below(face_list.size()))];
      if (std::find(p.areas.begin(), p.areas.end(), a) == p.areas.end()) p.areas.push_back(a);
    }
    // Face and neck together, a common combination (and it keeps the area-class features from
    // adding up to the intercept).
    if (rng.bernoulli(0.2)) p.areas.push_back(area::neck);
  } else if (region == 1) {
    p.areas.push_back(area::scalp);
  } else {
    const int count = rng.between(1, 2);
    for (int i = 0; i < count; ++i) {
      const area a = body_list[static_cast<std::size_t>(rng.below(body_list.size()))];
      if (std::find(p.areas.begin(), p.areas.end(), a) == p.areas.end()) p.areas.push_back(a);
    }
  }
  p.anesthetic =
      pick<anesthetic, 4>(rng,
                          {anesthetic::lidocaine_prilocaine, anesthetic::lidocaine,
                           anesthetic::none, anesthetic::benzocaine_lidocaine_tetracaine},
                          {50, 25, 20, 5});
  p.needle_material =
      pick<needle_material, 4>(rng,
                               {needle_material::stainless_steel, needle_material::gold_plated,
                                needle_material::titanium, needle_material::unknown},
                               {70, 10, 10, 10});
  p.single_use_needles = pick<known, 3>(rng, {known::yes, known::no, known::unknown}, {93, 5, 2});
  if (rng.bernoulli(0.15)) p.adjuncts.push_back(adjunct::prp);
  if (rng.bernoulli(0.05)) p.adjuncts.push_back(adjunct::non_sterile_serum);
  if (rng.bernoulli(0.2)) p.adjuncts.push_back(adjunct::hyaluronic_acid);
  return p;
}

// A planned area (for conditions "in the area") or, with probability 1/2, an unplanned one.
std::vector<area> some_sites(random_source& rng, const procedure_plan& plan, bool in_area) {
  if (in_area) return {plan.areas[static_cast<std::size_t>(rng.below(plan.areas.size()))]};
  const area_set planned = make_area_set(plan.areas);
  for (area a : {area::chest, area::back, area::legs, area::arms, area::abdomen}) {
    if (!planned.contains(a)) return {a};
  }
  return {area::buttocks};
}

void add_condition(intake& in, condition_code code, condition_status status,
                   std::vector<area> sites = {}) {
  condition c;
  c.code = code;
  c.status = status;
  c.sites = std::move(sites);
  in.conditions.push_back(std::move(c));
}

void add_medication(intake& in, medication_code code, route r, date start,
                    std::optional<date> stop = std::nullopt) {
  medication m;
  m.code = code;
  m.route = r;
  m.start = start;
  m.stop = stop;
  in.medications.push_back(std::move(m));
}

intake draw_intake(random_source& rng, const procedure_plan& plan, std::size_t serial) {
  intake in;
  const date today = plan.date;
  in.patient.id = "sim-" + std::to_string(serial);
  const std::size_t band = rng.weighted(std::array<double, 4>{30, 40, 22, 8});
  const std::array<std::pair<int, int>, 4> bands{{{18, 29}, {30, 49}, {50, 67}, {68, 85}}};
  const int age = rng.between(bands[band].first, bands[band].second);
  in.patient.birth_date = add_days(add_months(today, -12 * age), -rng.between(1, 360));
  in.patient.sex = pick<sex, 3>(rng, {sex::female, sex::male, sex::other}, {75, 23, 2});
  in.patient.fitzpatrick =
      1 + static_cast<int>(rng.weighted(std::array<double, 6>{10, 30, 28, 17, 10, 5}));
  in.patient.smoker = rng.bernoulli(0.15) ? known::yes : known::no;
  in.patient.pregnant = known::no;
  in.patient.breastfeeding = known::no;
  const date long_ago = add_days(today, -1000);

  // Scarring.
  bool keloid = false;
  if (rng.bernoulli(0.05)) {
    keloid = true;
    add_condition(in, condition_code::keloid, condition_status::history,
                  some_sites(rng, plan, rng.bernoulli(0.4)));
  } else if (rng.bernoulli(0.02)) {
    keloid = true;
    add_condition(in, condition_code::hypertrophic_scarring, condition_status::history);
  }
  // Skin at the site.
  if (rng.bernoulli(0.12)) {
    add_condition(in, condition_code::acne_vulgaris, condition_status::active,
                  some_sites(rng, plan, rng.bernoulli(0.7)));
    in.conditions.back().severity = pick<condition_severity, 3>(
        rng, {condition_severity::mild, condition_severity::moderate, condition_severity::severe},
        {60, 30, 10});
  }
  if (rng.bernoulli(0.07)) {
    const condition_code c = pick<condition_code, 3>(
        rng, {condition_code::eczema, condition_code::rosacea, condition_code::psoriasis},
        {45, 40, 15});
    add_condition(in, c, condition_status::active, some_sites(rng, plan, rng.bernoulli(0.6)));
  }
  if (in.patient.sex == sex::female && rng.bernoulli(0.08)) {
    add_condition(in, condition_code::melasma, condition_status::active, {area::cheeks});
  }
  bool hsv = false;
  if (rng.bernoulli(0.18)) {
    hsv = true;
    add_condition(in, condition_code::hsv_labialis, condition_status::history);
    if (rng.bernoulli(0.4)) {
      add_medication(in, medication_code::valaciclovir, route::oral, add_days(today, -1));
    }
  }
  // Healing and immunity.
  bool diabetes = false;
  if (rng.bernoulli(0.08)) {
    diabetes = true;
    add_condition(in, condition_code::diabetes_mellitus, condition_status::active);
    if (rng.bernoulli(0.85)) {
      lab_result l;
      l.code = lab_code::hba1c;
      l.value = 5.5 + 0.1 * static_cast<double>(rng.between(0, 50));
      l.date = add_days(today, -rng.between(5, 80));
      in.labs.push_back(l);
    }
  }
  bool immuno = false;
  if (rng.bernoulli(0.025)) {
    immuno = true;
    add_medication(in, medication_code::methotrexate, route::oral, long_ago);
  } else if (rng.bernoulli(0.01)) {
    immuno = true;
    add_condition(in, condition_code::immunosuppression, condition_status::active);
  }
  if (rng.bernoulli(0.02)) {
    add_condition(in, condition_code::autoimmune_connective_tissue, condition_status::active);
  }
  if (rng.bernoulli(0.02)) add_medication(in, medication_code::prednisolone, route::oral, long_ago);
  // Bleeding.
  bool anticoagulant = false;
  if (rng.bernoulli(0.025)) {
    anticoagulant = true;
    add_medication(in, medication_code::warfarin, route::oral, long_ago);
    lab_result l;
    l.code = lab_code::inr;
    l.value = 1.8 + 0.1 * static_cast<double>(rng.between(0, 12));
    l.date = add_days(today, -rng.between(1, 7));
    in.labs.push_back(l);
  } else if (rng.bernoulli(0.03)) {
    anticoagulant = true;
    add_medication(in, medication_code::apixaban, route::oral, long_ago);
  } else if (rng.bernoulli(0.01)) {
    anticoagulant = true;
    add_medication(in, medication_code::enoxaparin, route::injection, add_days(today, -20));
  }
  if (rng.bernoulli(0.03)) add_medication(in, medication_code::clopidogrel, route::oral, long_ago);
  if (rng.bernoulli(0.07)) add_medication(in, medication_code::aspirin, route::oral, long_ago);
  if (rng.bernoulli(0.08)) {
    add_medication(in, medication_code::ibuprofen, route::oral, add_days(today, -3));
  }
  if (rng.bernoulli(0.1)) add_medication(in, medication_code::fish_oil, route::oral, long_ago);
  // Retinoids, exfoliants, photosensitisers.
  if (rng.bernoulli(0.04)) {
    add_medication(in, medication_code::isotretinoin, route::oral, add_days(today, -400),
                   add_days(today, -rng.between(20, 170)));
  } else if (rng.bernoulli(0.03)) {
    add_medication(in, medication_code::isotretinoin, route::oral, add_days(today, -800),
                   add_days(today, -rng.between(200, 500)));
  }
  if (rng.bernoulli(0.08)) add_medication(in, medication_code::tretinoin, route::topical, long_ago);
  if (rng.bernoulli(0.04)) {
    add_medication(in, medication_code::glycolic_acid, route::topical, long_ago);
  }
  if (rng.bernoulli(0.03))
    add_medication(in, medication_code::adapalene, route::topical, long_ago,
                   add_days(today, -rng.between(1, 30)));
  if (rng.bernoulli(0.04)) {
    add_medication(in, medication_code::doxycycline, route::oral, add_days(today, -60));
  }
  // Allergies.
  const auto add_allergy = [&](allergy_substance s) {
    allergy a;
    a.substance = s;
    a.reaction = "contact_dermatitis";
    a.severity = allergy_severity::mild;
    in.allergies.push_back(std::move(a));
  };
  if (rng.bernoulli(0.1)) add_allergy(allergy_substance::nickel);
  if (rng.bernoulli(0.06)) add_allergy(allergy_substance::fragrance);
  if (rng.bernoulli(0.02)) add_allergy(allergy_substance::lanolin);
  if (rng.bernoulli(0.03)) add_allergy(allergy_substance::lidocaine);
  // Sun.
  if (rng.bernoulli(0.06)) {
    prior_procedure t;
    t.code = procedure_code::tanning;
    t.date = add_days(today, -rng.between(1, 12));
    in.procedures.push_back(std::move(t));
  }
  // Questions answered "no" unless the factor is present.
  in.negatives = {question::bleeding_disorder, question::skin_infection,
                  question::implanted_device};
  if (!anticoagulant) in.negatives.emplace_back(question::anticoagulant);
  if (!keloid) in.negatives.emplace_back(question::keloid);
  if (!hsv) in.negatives.emplace_back(question::hsv_labialis);
  if (!diabetes) in.negatives.emplace_back(question::diabetes_mellitus);
  if (!immuno) in.negatives.emplace_back(question::immunosuppression);
  if (std::none_of(in.medications.begin(), in.medications.end(),
                   [](const medication& m) { return m.code == medication_code::isotretinoin; })) {
    in.negatives.emplace_back(question::isotretinoin);
  }
  if (in.allergies.empty()) in.negatives.emplace_back(question::anesthetic_allergy);
  return in;
}

}  // namespace

std::vector<outcome_record> simulate_outcomes(const risk_model& truth, std::size_t n,
                                              std::uint64_t seed, const policy& pol) {
  random_source rng(seed);
  const date start = date{std::chrono::year{2026}, std::chrono::January, std::chrono::day{5}};
  const auto coef = truth.coefficients();
  std::vector<outcome_record> out;
  out.reserve(n);
  std::array<double, detail::feature_count> x{};
  for (std::size_t i = 0; i < n; ++i) {
    outcome_record r;
    r.plan = draw_plan(rng, add_days(start, static_cast<long>(i / 50)));
    r.record = draw_intake(rng, r.plan, i + 1);
    const detail::facts f(r.record, r.plan, pol);
    detail::fill_risk_features(f, x);
    for (std::size_t k = 0; k < complication_count; ++k) {
      const double* b = coef.data() + k * detail::coefficient_columns;
      double eta = b[0];
      for (std::size_t j = 0; j < detail::feature_count; ++j) eta += b[j + 1] * x[j];
      const double p =
          eta >= 0 ? 1.0 / (1.0 + std::exp(-eta)) : std::exp(eta) / (1.0 + std::exp(eta));
      r.outcomes[k] = rng.bernoulli(p) ? known::yes : known::no;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace mnscreen
