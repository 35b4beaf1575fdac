// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/patient.hpp
//
// The intake: what the clinic knows about the patient. Everything a record may omit is
// explicitly unknown (`known::unknown`, `std::nullopt`, or not listed); only `negatives` make a
// "no".
//
//   mnscreen::intake in;
//   in.patient.birth_date = mnscreen::parse_date("1990-04-02");
//   in.patient.sex = mnscreen::sex::female;
//   in.patient.pregnant = mnscreen::known::no;
//   in.medications.push_back({.code = mnscreen::medication_code::isotretinoin,
//                             .route = mnscreen::route::oral,
//                             .stop = mnscreen::parse_date("2026-09-15")});
//   in.negatives.push_back(mnscreen::question::bleeding_disorder);
#ifndef MNSCREEN_PATIENT_HPP
#define MNSCREEN_PATIENT_HPP

#include <optional>
#include <string>
#include <vector>

#include "mnscreen/dates.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen {

/// Demographics and yes/no facts about the patient.
struct patient_info {
  std::string id;
  std::optional<date> birth_date;
  std::optional<enum sex> sex;
  /// Fitzpatrick skin type 1..6.
  std::optional<int> fitzpatrick;
  known pregnant = known::unknown;
  known breastfeeding = known::unknown;
  known smoker = known::unknown;
  /// Set by record readers (e.g. FHIR `Patient.deceased[x]`); the intake format has no field.
  known deceased = known::unknown;

  friend bool operator==(const patient_info&, const patient_info&) = default;
};

/// A condition the patient has or had.
struct condition {
  condition_code code{};
  condition_status status = condition_status::active;
  std::optional<condition_severity> severity;
  std::optional<date> onset;
  /// Treatment areas it is at; empty = not localised (systemic or site unknown), which overlaps
  /// every area.
  std::vector<area> sites;
  /// Where the fact came from (e.g. `Condition/123` for FHIR input); empty for typed intakes.
  std::string source;

  friend bool operator==(const condition&, const condition&) = default;
};

/// A medicine the patient takes or took.
struct medication {
  medication_code code{};
  std::optional<enum route> route;
  std::optional<date> start;
  /// Absent = still taking it.
  std::optional<date> stop;
  /// For topical medicines: the areas it is applied to; empty = it may be on any area.
  std::vector<area> sites;
  std::string source;

  friend bool operator==(const medication&, const medication&) = default;
};

/// An allergy.
struct allergy {
  allergy_substance substance{};
  /// Free text, e.g. `contact_dermatitis`, `urticaria`.
  std::string reaction;
  std::optional<allergy_severity> severity;
  std::string source;

  friend bool operator==(const allergy&, const allergy&) = default;
};

/// An implanted device or in-skin material.
struct implanted_device {
  device_code code{};
  /// Where it is; empty = site unknown (overlaps every area).
  std::vector<area> sites;
  std::string source;

  friend bool operator==(const implanted_device&, const implanted_device&) = default;
};

/// A procedure done before.
struct prior_procedure {
  procedure_code code{};
  mnscreen::date date{};
  /// Areas it was done on; empty = unknown (overlaps every area).
  std::vector<area> areas;
  /// Chemical peels only.
  std::optional<peel_depth> depth;
  std::string source;

  friend bool operator==(const prior_procedure&, const prior_procedure&) = default;
};

/// A laboratory result in the canonical unit of its code (hba1c %, inr ratio,
/// platelets 10^9/L, cd4 cells/µL); readers convert other units.
struct lab_result {
  lab_code code{};
  double value = 0.0;
  mnscreen::date date{};
  std::string source;

  friend bool operator==(const lab_result&, const lab_result&) = default;
};

/// What the clinic knows about the patient (`mnscreen.intake/1`).
struct intake {
  patient_info patient;
  std::vector<condition> conditions;
  std::vector<medication> medications;
  std::vector<allergy> allergies;
  std::vector<implanted_device> devices;
  std::vector<prior_procedure> procedures;
  std::vector<lab_result> labs;
  /// Factors asked about and denied. Only these count as "no".
  std::vector<negative> negatives;

  friend bool operator==(const intake&, const intake&) = default;
};

}  // namespace mnscreen

#endif  // MNSCREEN_PATIENT_HPP
