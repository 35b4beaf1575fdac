// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/policy.hpp"

#include <array>
#include <cmath>
#include <string>

namespace mnscreen {
namespace {

using member = std::variant<int policy::*, double policy::*, effect policy::*, bool policy::*,
                            hsv_scope policy::*, std::optional<effect> policy::*>;

struct setting_row {
  policy_setting_info info;
  member field;
};

// The spec's "Policy settings" table, in its order, with the source of each default.
// `min`/`max` are the values the library accepts; the spec's "range seen in sources" is in the
// source text (docs/policy.md is generated from this table).
const std::array<setting_row, 47> table{{
    {{"isotretinoin_washout_days", "days", 0, 365, "180",
      "Isotretinoin label: 6 months; clinics use 3-12 months; 2017 US consensus (JAMA "
      "Dermatology) found no reason to delay superficial procedures; an Indian guideline allows "
      "dermaroller and fractional RF during therapy. Range 0-365."},
     &policy::isotretinoin_washout_days},
    {{"isotretinoin_current_effect", "effect", 0, 0, "defer",
      "SkinPen labelling contraindicates use while taking isotretinoin; the Indian guideline "
      "allows it (proceed_with_caution)."},
     &policy::isotretinoin_current_effect},
    {{"topical_retinoid_hold_days_before", "days", 0, 30, "5", "Range seen in sources 2-7."},
     &policy::topical_retinoid_hold_days_before},
    {{"topical_retinoid_hold_days_after", "days", 0, 60, "7",
      "Range 5-14; seed article: at least a week."},
     &policy::topical_retinoid_hold_days_after},
    {{"inr_max", "number", 1.0, 10.0, "3.0",
      "Dermatologic-surgery practice: 2.5-3.5 for cutaneous procedures."},
     &policy::inr_max},
    {{"inr_max_age_days", "days", 0, 90, "10",
      "An INR older than this is unknown (question inr). Range 1-10."},
     &policy::inr_max_age_days},
    {{"hba1c_max_percent", "number", 5.0, 14.0, "8.0", "6.5 strict ... 10 permissive; 7-8 common."},
     &policy::hba1c_max_percent},
    {{"hba1c_max_age_days", "days", 0, 730, "90", "An older HbA1c is unknown (question hba1c)."},
     &policy::hba1c_max_age_days},
    {{"platelets_min", "number", 10.0, 400.0, "100", "50-150 x10^9/L in sources."},
     &policy::platelets_min},
    {{"platelets_max_age_days", "days", 0, 365, "90",
      "clinical-spec 2026.2 settings (low_platelets: latest result within 90 days); an older "
      "count is unknown."},
     &policy::platelets_max_age_days},
    {{"anticoagulant_effect", "effect", 0, 0, "proceed_with_caution",
      "Dermatologic-surgery guidelines: continue the drug, INR in range; SkinPen international "
      "labelling: a warning (not evaluated), haemostatic dysfunction is the contraindication; "
      "many clinic lists: contraindicated (do_not_treat)."},
     &policy::anticoagulant_effect},
    {{"breastfeeding_effect", "effect", 0, 0, "defer",
      "SkinPen labelling: contraindicated when pregnant or nursing; reviews: probably acceptable "
      "(proceed_with_caution)."},
     &policy::breastfeeding_effect},
    {{"connective_tissue_effect", "effect", 0, 0, "do_not_treat",
      "Clinic lists: contraindicated; labelling: caution for scleroderma "
      "(proceed_with_caution)."},
     &policy::connective_tissue_effect},
    {{"keloid_history_effect", "effect_or_graded", 0, 0, "graded",
      "graded = modify_plan for RF or depth > 1 mm, else proceed_with_caution. Some labelling: "
      "contraindication; reviews: relative."},
     &policy::keloid_history_effect},
    {{"require_hsv_prophylaxis", "bool", 0, 1, "true",
      "Prophylaxis for face treatment with HSV history (resurfacing data: ~9% reactivation "
      "without, ~0 with)."},
     &policy::require_hsv_prophylaxis},
    {{"hsv_prophylaxis_scope", "scope", 0, 0, "face", "perioral ... face ... any area."},
     &policy::hsv_prophylaxis_scope},
    {{"hsv_prophylaxis_days_before", "days", 0, 14, "1", "Range 0-2."},
     &policy::hsv_prophylaxis_days_before},
    {{"hsv_prophylaxis_days_after", "days", 0, 30, "5", "Range 3-14."},
     &policy::hsv_prophylaxis_days_after},
    {{"chemical_peel_wait_days.superficial", "days", 0, 365, "14", "Range 7-90."},
     &policy::chemical_peel_wait_days_superficial},
    {{"chemical_peel_wait_days.medium", "days", 0, 365, "30", "Range 7-90."},
     &policy::chemical_peel_wait_days_medium},
    {{"chemical_peel_wait_days.deep", "days", 0, 365, "90", "Range 7-90."},
     &policy::chemical_peel_wait_days_deep},
    {{"laser_wait_days.ablative", "days", 0, 365, "90", "Range 14-90."},
     &policy::laser_wait_days_ablative},
    {{"laser_wait_days.nonablative", "days", 0, 365, "21", "Range 14-90."},
     &policy::laser_wait_days_nonablative},
    {{"laser_wait_days.ipl", "days", 0, 365, "21", "Range 14-90."}, &policy::laser_wait_days_ipl},
    {{"dermabrasion_wait_days", "days", 0, 365, "90",
      "clinical-spec 2026.2 settings: dermabrasion is resurfacing comparable to ablative laser "
      "(the ablative-laser wait)."},
     &policy::dermabrasion_wait_days},
    {{"microdermabrasion_wait_days", "days", 0, 365, "7",
      "clinical-spec 2026.2 settings: microdermabrasion is a mechanical exfoliation (the "
      "exfoliation wait); reported as recent_dermabrasion."},
     &policy::microdermabrasion_wait_days},
    {{"rf_filler_wait_days", "days", 0, 365, "30",
      "Range 14-180: RF degrades hyaluronic-acid filler ex vivo."},
     &policy::rf_filler_wait_days},
    {{"filler_wait_days", "days", 0, 365, "14", "Same area; range 14-30."},
     &policy::filler_wait_days},
    {{"neuromodulator_wait_days", "days", 0, 365, "14", "Same area; range 7-14."},
     &policy::neuromodulator_wait_days},
    {{"hair_removal_wait_days", "days", 0, 60, "7",
      "Waxing/threading/electrolysis; range 3-7 (seed: no waxing beforehand)."},
     &policy::hair_removal_wait_days},
    {{"shave_wait_days", "days", 0, 30, "1",
      "Range 0-3 (seed: no shaving beforehand; clinics: shave the day before, not the day of)."},
     &policy::shave_wait_days},
    {{"exfoliation_wait_days", "days", 0, 60, "7", "Range 3-7."}, &policy::exfoliation_wait_days},
    {{"sun_exposure_wait_days", "days", 0, 90, "14",
      "clinical-spec 2026.2 settings (recent_sun_exposure: tanning or sunburn within 14 "
      "days)."},
     &policy::sun_exposure_wait_days},
    {{"microneedling_interval_days", "days", 0, 180, "28",
      "Range 21-42 (seed: 4 sessions over a month is the intensive end)."},
     &policy::microneedling_interval_days},
    {{"radiation_wait_days", "days", 0, 3650, "365", "Area; 90 (clinic lists) - 365."},
     &policy::radiation_wait_days},
    {{"surgery_wait_days", "days", 0, 3650, "90", "Area; range 42-365."},
     &policy::surgery_wait_days},
    {{"minimum_age", "number", 0, 120, "18", "Guardian consent below."}, &policy::minimum_age},
    {{"home_max_depth_mm", "number", 0.1, 4.0, "0.25",
      "Range 0.25-1.0: no regulator number exists; home devices are sold at 0.2-1.0 mm; "
      "dermatologists advise very shallow."},
     &policy::home_max_depth_mm},
    {{"pause_nsaid_days", "days", 0, 30, "7", "Range 3-10."}, &policy::pause_nsaid_days},
    {{"pause_supplement_days", "days", 0, 30, "7", "Range 3-10."}, &policy::pause_supplement_days},
    {{"risk_band_moderate", "number", 0.0, 1.0, "0.10",
      "clinical-spec 2026.2 risk bands: absolute probability at or above which a score is "
      "moderate (2026.1: 0.05, which made every healthy patient's irritation moderate)."},
     &policy::risk_band_moderate},
    {{"risk_band_high", "number", 0.0, 1.0, "0.20",
      "clinical-spec 2026.2 risk bands: absolute probability at or above which a score is high."},
     &policy::risk_band_high},
    {{"risk_relative_moderate", "number", 1.0, 1000.0, "2.0",
      "clinical-spec 2026.2 risk bands: times the reference patient's score (QRISK-style "
      "\"compared with a healthy person\") at or above which a score is moderate; the band is "
      "the more serious of the absolute and the relative band."},
     &policy::risk_relative_moderate},
    {{"risk_relative_high", "number", 1.0, 1000.0, "5.0",
      "clinical-spec 2026.2 risk bands: times the reference patient's score at or above which a "
      "score is high."},
     &policy::risk_relative_high},
    {{"stale_pregnancy_days", "days", 1, 3650, "300",
      "clinical-spec 2026.2 settings (records read from FHIR): an 'active' pregnancy older than "
      "about 10 months is asked about, not taken as a fact."},
     &policy::stale_pregnancy_days},
    {{"stale_prescription_days", "days", 1, 36500, "365",
      "clinical-spec 2026.2 settings (records read from FHIR): an 'active' prescription last "
      "authored over a year ago is asked about, not taken as a fact."},
     &policy::stale_prescription_days},
    {{"allow_override_do_not_treat", "bool", 0, 1, "false",
      "Overrides of a do_not_treat flag with label evidence are refused unless true: a "
      "labelling contraindication is the manufacturer's and regulator's limit, not a clinical "
      "judgement (issue 11)."},
     &policy::allow_override_do_not_treat},
}};

const setting_row* find_row(std::string_view name) noexcept {
  for (const auto& r : table)
    if (r.info.name == name) return &r;
  return nullptr;
}

std::string number_text(double v) {
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string describe(const setting_value& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* d = std::get_if<double>(&v)) return number_text(*d);
  return std::get<std::string>(v);
}

// Checks a value against a row; returns the error or nothing.
std::optional<std::string> check(const setting_row& row, const setting_value& value) {
  const auto& info = row.info;
  const std::string name(info.name);
  return std::visit(
      [&](auto field) -> std::optional<std::string> {
        using field_t = decltype(field);
        if constexpr (std::is_same_v<field_t, int policy::*> ||
                      std::is_same_v<field_t, double policy::*>) {
          const auto* d = std::get_if<double>(&value);
          if (!d) return describe(value) + " is not a number (" + name + ")";
          if (!std::isfinite(*d) || *d < info.min || *d > info.max)
            return number_text(*d) + " is outside " + number_text(info.min) + ".." +
                   number_text(info.max) + " for " + name;
          if constexpr (std::is_same_v<field_t, int policy::*>)
            if (*d != std::floor(*d))
              return number_text(*d) + " is not a whole number (" + name + ")";
          return std::nullopt;
        } else if constexpr (std::is_same_v<field_t, bool policy::*>) {
          if (!std::holds_alternative<bool>(value))
            return describe(value) + " is not true or false (" + name + ")";
          return std::nullopt;
        } else if constexpr (std::is_same_v<field_t, hsv_scope policy::*>) {
          const auto* s = std::get_if<std::string>(&value);
          if (!s || !parse_code<hsv_scope>(*s))
            return describe(value) + " is not a scope (perioral, face, any) for " + name;
          return std::nullopt;
        } else {
          const auto* s = std::get_if<std::string>(&value);
          const bool graded_ok =
              std::is_same_v<field_t, std::optional<effect> policy::*> && s && *s == "graded";
          if (!s || (!graded_ok && !parse_code<effect>(*s)))
            return describe(value) +
                   " is not an effect (info, proceed_with_caution, "
                   "modify_plan, defer, do_not_treat" +
                   (std::is_same_v<field_t, std::optional<effect> policy::*> ? ", graded" : "") +
                   ") for " + name;
          return std::nullopt;
        }
      },
      row.field);
}

setting_value read(const policy& p, const setting_row& row) {
  return std::visit(
      [&](auto field) -> setting_value {
        using field_t = decltype(field);
        if constexpr (std::is_same_v<field_t, int policy::*>)
          return static_cast<double>(p.*field);
        else if constexpr (std::is_same_v<field_t, double policy::*>)
          return p.*field;
        else if constexpr (std::is_same_v<field_t, bool policy::*>)
          return p.*field;
        else if constexpr (std::is_same_v<field_t, hsv_scope policy::*>)
          return std::string(to_string(p.*field));
        else if constexpr (std::is_same_v<field_t, effect policy::*>)
          return std::string(to_string(p.*field));
        else
          return (p.*field) ? std::string(to_string(*(p.*field))) : std::string("graded");
      },
      row.field);
}

}  // namespace

std::span<const policy_setting_info> policy_settings() noexcept {
  // The table's rows begin with their info; expose a parallel view.
  static constexpr auto count = std::tuple_size_v<decltype(table)>;
  struct view {
    std::array<policy_setting_info, count> infos;
  };
  static const view v = [] {
    view out{};
    for (std::size_t i = 0; i < count; ++i) out.infos[i] = table[i].info;
    return out;
  }();
  return v.infos;
}

std::optional<std::string> set_setting(policy& p, std::string_view name,
                                       const setting_value& value) {
  const setting_row* row = find_row(name);
  if (!row) return "'" + std::string(name) + "' is not a policy setting";
  if (auto err = check(*row, value)) return err;
  std::visit(
      [&](auto field) {
        using field_t = decltype(field);
        if constexpr (std::is_same_v<field_t, int policy::*>)
          p.*field = static_cast<int>(std::get<double>(value));
        else if constexpr (std::is_same_v<field_t, double policy::*>)
          p.*field = std::get<double>(value);
        else if constexpr (std::is_same_v<field_t, bool policy::*>)
          p.*field = std::get<bool>(value);
        else if constexpr (std::is_same_v<field_t, hsv_scope policy::*>)
          p.*field = *parse_code<hsv_scope>(std::get<std::string>(value));
        else if constexpr (std::is_same_v<field_t, effect policy::*>)
          p.*field = *parse_code<effect>(std::get<std::string>(value));
        else {
          const auto& s = std::get<std::string>(value);
          p.*field = s == "graded" ? std::nullopt : parse_code<effect>(s);
        }
      },
      row->field);
  return std::nullopt;
}

std::optional<setting_value> get_setting(const policy& p, std::string_view name) {
  const setting_row* row = find_row(name);
  if (!row) return std::nullopt;
  return read(p, *row);
}

std::vector<std::pair<std::string, setting_value>> overrides(const policy& p) {
  const policy defaults;
  std::vector<std::pair<std::string, setting_value>> out;
  for (const auto& row : table) {
    setting_value v = read(p, row);
    if (v != read(defaults, row)) out.emplace_back(std::string(row.info.name), std::move(v));
  }
  return out;
}

std::string policy_markdown() {
  std::string md =
      "# Policy settings\n\nGenerated by `mnscreen policy --format md` from the settings table in "
      "`src/policy.cpp`; do not edit by hand. Every setting starts at the default cited here; a "
      "policy document (`mnscreen.policy/1`, see docs/input-format.md) overrides any subset, and "
      "every report lists the settings that differ from these defaults. Grouped settings are "
      "written as JSON objects (`\"chemical_peel_wait_days\": {\"medium\": 30}`).\n\n"
      "| setting | kind | default | accepted | source and range seen in sources |\n"
      "|---|---|---|---|---|\n";
  for (const auto& row : table) {
    const auto& i = row.info;
    std::string accepted;
    if (i.kind == "days" || i.kind == "number")
      accepted = number_text(i.min) + " to " + number_text(i.max);
    else if (i.kind == "bool")
      accepted = "true, false";
    else if (i.kind == "scope")
      accepted = "perioral, face, any";
    else
      accepted = i.kind == "effect" ? "an effect word" : "an effect word or graded";
    md += "| `" + std::string(i.name) + "` | " + std::string(i.kind) + " | " +
          std::string(i.default_text) + " | " + accepted + " | " + std::string(i.source) + " |\n";
  }
  return md;
}

std::vector<diagnostic> validate(const policy& p) {
  std::vector<diagnostic> out;
  for (const auto& row : table) {
    if (auto err = check(row, read(p, row))) {
      std::string path = "$." + std::string(row.info.name);
      out.push_back({severity::error, "out_of_range", std::move(path), *std::move(err)});
    }
  }
  if (p.risk_band_moderate >= p.risk_band_high)
    out.push_back({severity::error, "out_of_range", "$.risk_band_moderate",
                   "risk_band_moderate (" + number_text(p.risk_band_moderate) +
                       ") must be below risk_band_high (" + number_text(p.risk_band_high) + ")"});
  if (p.risk_relative_moderate >= p.risk_relative_high)
    out.push_back({severity::error, "out_of_range", "$.risk_relative_moderate",
                   "risk_relative_moderate (" + number_text(p.risk_relative_moderate) +
                       ") must be below risk_relative_high (" + number_text(p.risk_relative_high) +
                       ")"});
  if (p.name.empty())
    out.push_back({severity::error, "missing_field", "$.name", "a policy needs a name"});
  return out;
}

}  // namespace mnscreen
