// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the libFuzzer targets: a failed invariant prints what broke and aborts (so
// libFuzzer saves the input as a crash), fixed plans and intakes to screen what a reader
// returned, and the invariants every report must keep.
#ifndef MNSCREEN_FUZZ_FUZZ_SUPPORT_HPP
#define MNSCREEN_FUZZ_FUZZ_SUPPORT_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mnscreen/mnscreen.hpp"

namespace mnscreen::fuzz {

/// The input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) noexcept {
  return {reinterpret_cast<const char*>(data), size};
}

/// Aborts with a message when an invariant does not hold: libFuzzer reports it as a crash.
inline void require(bool ok, const char* what, const std::string& detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "mnscreen fuzz invariant broken: %s\n%s\n", what, detail.c_str());
  std::abort();
}

/// Every diagnostic has a code, a JSONPath rooted at `$` and a message.
template <class T>
void check_diagnostics(const parse_result<T>& r) {
  for (const diagnostic& d : r.diagnostics) {
    require(!d.code.empty(), "diagnostic without a code", format(d));
    require(!d.message.empty(), "diagnostic without a message", d.code);
    require(!d.path.empty() && d.path.front() == '$', "diagnostic path not rooted at $",
            d.code + " " + d.path);
  }
}

/// A face plan with RF, an amide/ester anaesthetic, PRP and unknown needle reuse: most rules
/// have something to look at.
/// The leading reader of a batch line's member (io::parse_leading_intake / _plan) on the same
/// bytes: when it reads a document at their start, that document alone must read the same,
/// but for a `schema` it let the document leave out. `alone` is parse_intake / parse_plan.
template <class T, class Leading, class Alone>
void check_leading(std::string_view text, Leading leading, Alone alone) {
  parse_result<T> read;
  const std::size_t n = leading(text, read_limits{}, read, text.size() % 3 == 0);
  if (n == 0) return;
  auto whole = alone(text.substr(0, n), read_limits{});
  std::erase_if(whole.diagnostics, [](const diagnostic& d) {
    return d.code == "missing_field" && d.path == "$.schema";
  });
  require(n <= text.size() && whole.value == read.value && whole.diagnostics == read.diagnostics,
          "the leading reader and the reader of the document alone disagree", std::string(text));
}

inline procedure_plan face_plan() {
  procedure_plan p;
  p.date = date{std::chrono::year{2026}, std::chrono::month{12}, std::chrono::day{1}};
  p.device = device_type::rf_microneedling;
  p.needle_depth = millimetres{1.5};
  p.areas = {area::cheeks, area::perioral, area::forehead, area::eyelids};
  p.anesthetic = anesthetic::benzocaine_lidocaine_tetracaine;
  p.needle_material = needle_material::stainless_steel;
  p.adjuncts = {adjunct::prp, adjunct::non_sterile_serum};
  return p;
}

/// A home roller plan on the body.
inline procedure_plan body_plan() {
  procedure_plan p;
  p.date = date{std::chrono::year{2026}, std::chrono::month{12}, std::chrono::day{1}};
  p.device = device_type::roller;
  p.needle_depth = millimetres{2.0};
  p.areas = {area::back, area::chest, area::thighs};
  p.setting = setting::home;
  p.single_use_needles = known::no;
  return p;
}

/// An intake with something in most rule families.
inline intake rich_intake() {
  const date on{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{1}};
  intake in;
  in.patient.birth_date = date{std::chrono::year{1990}, std::chrono::month{4}, std::chrono::day{2}};
  in.patient.sex = sex::female;
  in.patient.fitzpatrick = 5;
  in.conditions = {
      {.code = condition_code::keloid, .status = condition_status::history, .sites = {area::chest}},
      {.code = condition_code::hsv_labialis, .status = condition_status::history},
      {.code = condition_code::diabetes_mellitus}};
  in.medications = {{.code = medication_code::warfarin, .route = route::oral},
                    {.code = medication_code::isotretinoin, .route = route::oral, .stop = on},
                    {.code = medication_code::tretinoin, .route = route::topical}};
  in.allergies = {{.substance = allergy_substance::lidocaine},
                  {.substance = allergy_substance::nickel}};
  in.devices = {{.code = device_code::pacemaker}};
  in.procedures = {{.code = procedure_code::chemical_peel, .date = on, .areas = {area::cheeks}}};
  in.labs = {{lab_code::inr, 3.4, on, {}}, {lab_code::hba1c, 9.1, on, {}}};
  return in;
}

/// Invariants of every report: all seven risks in order with finite scores in [0, 1]; a
/// deferral never ends before the screening date; `cannot_screen` says why; it round-trips.
inline void check_report(const report& rep, bool round_trip = true) {
  if (rep.decision == decision::cannot_screen) {
    require(!rep.warnings.empty(), "cannot_screen without a reason");
    return;
  }
  require(rep.risks.size() == complication_count, "report without all seven risks",
          std::to_string(rep.risks.size()));
  for (std::size_t i = 0; i < rep.risks.size(); ++i) {
    const risk_score& r = rep.risks[i];
    require(static_cast<std::size_t>(r.complication) == i, "risks out of order");
    require(std::isfinite(r.score) && r.score >= 0.0 && r.score <= 1.0, "score outside [0, 1]",
            std::to_string(r.score));
  }
  if (rep.defer_until)
    require(rep.decision == decision::defer &&
                std::chrono::sys_days{*rep.defer_until} >= std::chrono::sys_days{rep.screened_on},
            "defer_until before the screening date or without a deferral",
            to_string(*rep.defer_until));
  require(rep.complete == rep.questions.empty(), "complete disagrees with the questions");
  require(rep.complete || rep.decision != decision::proceed, "incomplete screen says proceed");
  if (!round_trip) return;
  const std::string json = to_json(rep);
  const auto again = parse_report(json);
  require(again.ok() && again.value == rep, "report JSON round trip is lossy", json);
}

}  // namespace mnscreen::fuzz

#endif  // MNSCREEN_FUZZ_FUZZ_SUPPORT_HPP
