// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/procedure.hpp
//
// The procedure plan: what is being considered, and when. The plan's date is the screening date.
//
//   mnscreen::procedure_plan plan;
//   plan.date = *mnscreen::parse_date("2026-12-01");
//   plan.device = mnscreen::device_type::pen;
//   plan.needle_depth = mnscreen::millimetres{1.5};
//   plan.areas = {mnscreen::area::cheeks, mnscreen::area::forehead};
#ifndef MNSCREEN_PROCEDURE_HPP
#define MNSCREEN_PROCEDURE_HPP

#include <optional>
#include <string>
#include <vector>

#include "mnscreen/dates.hpp"
#include "mnscreen/units.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen {

/// A clinician's decision to go ahead despite one rule's flag, for this plan (plan
/// `overrides[]`). The flag stays in the report, marked with this record; the decision is
/// computed without it.
struct rule_override {
  /// Catalogue rule id the override applies to.
  std::string rule_id;
  override_reason reason = override_reason::other;
  /// Who decided (name or identifier of the clinician).
  std::string by;
  /// Free-text note (required in practice for `other`).
  std::string note;
  /// When the decision was made.
  std::optional<mnscreen::date> date;
  friend bool operator==(const rule_override&, const rule_override&) = default;
};

/// A planned microneedling session (`mnscreen.plan/1`).
struct procedure_plan {
  /// Date of the session; also the "as of" date of the screen.
  mnscreen::date date{};
  device_type device = device_type::pen;
  /// Needle depth, in (0, 4] mm.
  millimetres needle_depth{0.5};
  /// Planned areas (group words are expanded by the reader). Must not be empty.
  std::vector<area> areas;
  enum anesthetic anesthetic = anesthetic::none;
  enum setting setting = setting::clinic;
  enum needle_material needle_material = needle_material::unknown;
  /// Sterile single-use cartridge/tips (`yes`), reused or shared (`no`), or not stated.
  known single_use_needles = known::unknown;
  std::vector<adjunct> adjuncts;
  /// Clinician overrides of flags for this plan (empty: none).
  std::vector<rule_override> overrides;

  friend bool operator==(const procedure_plan&, const procedure_plan&) = default;
};

}  // namespace mnscreen

#endif  // MNSCREEN_PROCEDURE_HPP
