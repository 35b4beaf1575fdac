// SPDX-License-Identifier: Apache-2.0
// Overlaying a clinic's intake on a record-derived intake, and carrying the FHIR reader's
// findings into a report. The semantics are documented on merge_intake in fhir.hpp and in
// docs/fhir.md ("Intake overlay").
#include <algorithm>
#include <type_traits>
#include <utility>
#include <variant>

#include "fhir/reader_core.hpp"
#include "mnscreen/fhir.hpp"

namespace mnscreen {
namespace {

/// Base items whose key the overlay also has are replaced: kept = base items with other keys,
/// then every overlay item.
template <class T, class Key>
std::vector<T> replace_by_key(const std::vector<T>& base, const std::vector<T>& overlay, Key key) {
  std::vector<T> out;
  out.reserve(base.size() + overlay.size());
  for (const T& b : base) {
    const bool replaced =
        std::any_of(overlay.begin(), overlay.end(), [&](const T& o) { return key(o) == key(b); });
    if (!replaced) out.push_back(b);
  }
  out.insert(out.end(), overlay.begin(), overlay.end());
  return out;
}

/// True when an overlay fact contradicts a base denial.
bool contradicted(const negative& n, const intake& overlay) {
  return std::visit(
      [&](const auto& v) -> bool {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, condition_code>) {
          return std::any_of(overlay.conditions.begin(), overlay.conditions.end(),
                             [&](const condition& c) { return c.code == v; });
        } else if constexpr (std::is_same_v<V, medication_class>) {
          return std::any_of(overlay.medications.begin(), overlay.medications.end(),
                             [&](const medication& m) { return classes_of(m.code).contains(v); });
        } else if constexpr (std::is_same_v<V, allergy_class>) {
          return std::any_of(overlay.allergies.begin(), overlay.allergies.end(),
                             [&](const allergy& a) { return classes_of(a.substance).contains(v); });
        } else if constexpr (std::is_same_v<V, device_code>) {
          return std::any_of(overlay.devices.begin(), overlay.devices.end(),
                             [&](const implanted_device& d) { return d.code == v; });
        } else {
          return false;  // question words: only a fact of the base can contradict them
        }
      },
      n);
}

}  // namespace

intake merge_intake(const intake& base, const intake& overlay) {
  intake out;
  // Patient: fields the overlay sets win.
  out.patient = base.patient;
  const auto& o = overlay.patient;
  if (!o.id.empty()) out.patient.id = o.id;
  if (o.birth_date) out.patient.birth_date = o.birth_date;
  if (o.sex) out.patient.sex = o.sex;
  if (o.fitzpatrick) out.patient.fitzpatrick = o.fitzpatrick;
  if (o.pregnant != known::unknown) out.patient.pregnant = o.pregnant;
  if (o.breastfeeding != known::unknown) out.patient.breastfeeding = o.breastfeeding;
  if (o.smoker != known::unknown) out.patient.smoker = o.smoker;
  if (o.deceased != known::unknown) out.patient.deceased = o.deceased;

  out.conditions = replace_by_key(base.conditions, overlay.conditions,
                                  [](const condition& c) { return c.code; });
  out.medications = replace_by_key(base.medications, overlay.medications,
                                   [](const medication& m) { return m.code; });
  out.allergies = replace_by_key(base.allergies, overlay.allergies,
                                 [](const allergy& a) { return a.substance; });
  out.devices = replace_by_key(base.devices, overlay.devices,
                               [](const implanted_device& d) { return d.code; });
  out.procedures = base.procedures;
  out.procedures.insert(out.procedures.end(), overlay.procedures.begin(), overlay.procedures.end());
  out.labs = base.labs;
  out.labs.insert(out.labs.end(), overlay.labs.begin(), overlay.labs.end());

  for (const negative& n : base.negatives)
    if (!contradicted(n, overlay) &&
        std::find(out.negatives.begin(), out.negatives.end(), n) == out.negatives.end())
      out.negatives.push_back(n);
  for (const negative& n : overlay.negatives)
    if (std::find(out.negatives.begin(), out.negatives.end(), n) == out.negatives.end())
      out.negatives.push_back(n);
  return out;
}

namespace {

// The reader's diagnostics as warnings of the report, then its questions: add_fhir_findings
// with `Diags` a const vector (the diagnostics copied) or an rvalue one (moved). The warnings
// are reserved once: a record read from FHIR gives dozens, and each regrowth moves them all.
template <class Diags>
void add_findings(report& rep, Diags&& diagnostics, const fhir_intake& fhir) {
  rep.warnings.reserve(rep.warnings.size() + diagnostics.size() + fhir.questions.size());
  for (auto& d : diagnostics) {
    if constexpr (std::is_lvalue_reference_v<Diags>) {
      diagnostic w = d;
      w.severity = severity::warning;
      rep.warnings.push_back(std::move(w));
    } else {
      d.severity = severity::warning;
      rep.warnings.push_back(std::move(d));
    }
  }
  for (const fhir_question& q : fhir.questions) {
    if (q.factor) {
      const auto it = std::find_if(rep.questions.begin(), rep.questions.end(),
                                   [&](const question_item& i) { return i.factor == *q.factor; });
      if (it != rep.questions.end()) it->ask += " (Record: " + q.ask + ")";
    }
    rep.warnings.push_back({severity::warning, "fhir.question", q.source, q.ask});
  }
}

}  // namespace

void add_fhir_findings(report& rep, const parse_result<fhir_intake>& fhir) {
  add_findings(rep, fhir.diagnostics, fhir.value);
}

void fhir_detail::add_fhir_findings_moving(report& rep, parse_result<fhir_intake>& fhir) {
  add_findings(rep, std::move(fhir.diagnostics), fhir.value);
  fhir.diagnostics.clear();
}

}  // namespace mnscreen
