// SPDX-License-Identifier: Apache-2.0
// The FHIR reader's Conditions, AllergyIntolerances, Procedures, Devices and
// DeviceUseStatements: what becomes a condition, an allergy, a prior procedure or a device.
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fhir/reader_mapper.hpp"

namespace mnscreen::fhir_detail {

using mnscreen::to_string;

void mapper::map_condition(const resource_info& r) {
  const json::object& o = *r.object;
  const auto verification = status_code(o, "verificationStatus", r.path);
  const auto code = get_concept(o, "code", r.path);
  if (verification && *verification == "entered-in-error") {
    add_note(r, "entered-in-error", {}, "Condition entered in error: not a fact, ignored");
    return;
  }
  if (!code) {
    warn("fhir.no_code", r.path, r.source + " has no code; not used for screening");
    return;
  }
  if (map_condition_status(r, *code, verification)) return;
  const match_result m =
      match(*code, {row_kind::condition, row_kind::ignore}, name_mode::exact, r, "Condition.code");
  if (!m.matched()) return;

  const auto onset_fd = [&]() -> std::optional<fhir_date> {
    if (auto d = choice_date(o, "onset", r.path, false)) return d;
    if (const json::object* age = get_object(o, "onsetAge", r.path)) {
      const json::value* v = member(*age, "value");
      const auto& birth = out_.record.patient.birth_date;
      if (v && v->is_number() && birth) {
        const double years = v->to_number<double>();
        if (years >= 0 && years < 150)
          return fhir_date{add_months(*birth, static_cast<int>(std::floor(years)) * 12), false};
      }
    }
    return std::nullopt;
  }();
  const auto recorded = get_date(o, "recordedDate", r.path);
  const auto abatement = choice_date(o, "abatement", r.path, true);
  const bool abated = abatement.has_value() || member(o, "abatementString") ||
                      member(o, "abatementAge") || member(o, "abatementRange") ||
                      member(o, "abatementBoolean");

  if (verification && *verification == "refuted") {
    for (const table_row* row : m.rows) {
      if (!row->condition) continue;
      if (*row->condition == condition_code::pregnancy) {
        std::optional<date> when;
        if (recorded) when = recorded->day;
        if (onset_fd) when = later(when, onset_fd->day);
        pregnancy_.push_back(pregnancy_from(r, m, known::no, when));
        continue;
      }
      add_negative(r, *row->condition, m, "refuted Condition: an explicit denial");
    }
    return;
  }

  const auto clinical = status_code(o, "clinicalStatus", r.path);
  condition_status status = condition_status::active;
  std::string status_note;
  if (clinical) {
    if (*clinical == "active" || *clinical == "recurrence" || *clinical == "relapse") {
      status = condition_status::active;
      if (abated)
        warn("fhir.inconsistent", r.path + ".clinicalStatus",
             r.source + " is " + *clinical + " but has an abatement: taken as active");
    } else if (*clinical == "inactive" || *clinical == "remission" || *clinical == "resolved") {
      // "history", not "resolved": a past keloid or past cold sores still matter.
      status = condition_status::history;
    } else {
      warn("fhir.unknown_status", r.path + ".clinicalStatus",
           quote(*clinical) + " is not a Condition clinical status: taken as active");
    }
    status_note = "clinicalStatus " + *clinical;
  } else if (abated) {
    status = condition_status::history;
    status_note = "no clinicalStatus; abated";
  } else {
    warn("fhir.no_clinical_status", r.path,
         r.source + " has no clinicalStatus and no abatement: taken as active");
    status_note = "no clinicalStatus: taken as active";
  }
  if (verification && (*verification == "unconfirmed" || *verification == "provisional" ||
                       *verification == "differential")) {
    warn("fhir.unconfirmed", r.path + ".verificationStatus",
         r.source + " is " + *verification + ": kept as a fact to be confirmed");
    status_note += ", " + *verification;
  }
  std::optional<condition_severity> sev;
  if (const auto s = get_concept(o, "severity", r.path)) {
    const match_result sm =
        match(*s, {row_kind::severity}, name_mode::exact, r, "Condition.severity");
    if (sm.matched()) sev = sm.rows.front()->severity;
  }
  bool has_sites = false;
  std::vector<area> sites = read_body_sites(o, r.path, r, has_sites);

  for (const table_row* row : m.rows) {
    if (!row->condition) continue;
    condition c;
    c.code = *row->condition;
    c.status = status;
    c.severity = sev ? sev : row->severity;
    if (onset_fd) c.onset = onset_fd->day;
    c.sites = has_sites ? sites : row->areas;
    c.source = r.source;
    std::string note = status_note;
    if (!row->form.empty() && row->form != "disorder") note += "; " + row->form + " code";
    if (m.how == fhir_match::name) note += "; matched by name only";
    if (c.code == condition_code::pregnancy && status == condition_status::active) {
      pregnancy_evidence e = pregnancy_from(r, m, known::yes,
                                            onset_fd   ? std::optional<date>(onset_fd->day)
                                            : recorded ? std::optional<date>(recorded->day)
                                                       : std::nullopt);
      e.from_condition = true;
      e.item = std::move(c);
      pregnancy_.push_back(std::move(e));
      continue;
    }
    out_.record.conditions.push_back(std::move(c));
    add_mapping(r, "$.conditions[" + std::to_string(out_.record.conditions.size() - 1) + "]",
                row->word, m, std::move(note));
  }
}

bool mapper::map_condition_status(const resource_info& r, const concept_view& code,
                                  const std::optional<std::string>& verification) {
  // Only codes that have a breastfeeding-answer or a device row take this path; every other
  // Condition is read as before.
  bool any = false;
  for (const auto& coding : code.codings) {
    if (coding.code.empty() || coding.system.empty()) continue;
    for (const table_row* row : terms_.find(coding.system, coding.code))
      if (row->kind == row_kind::device ||
          (row->kind == row_kind::answer && row->topic == status_topic::breastfeeding))
        any = true;
  }
  if (!any) return false;
  const match_result m =
      match(code, {row_kind::device, row_kind::answer}, name_mode::none, r, "Condition.code");
  if (!m.matched()) return true;
  const json::object& o = *r.object;
  const auto clinical = status_code(o, "clinicalStatus", r.path);
  const bool abated = member(o, "abatementDateTime") || member(o, "abatementPeriod") ||
                      member(o, "abatementString") || member(o, "abatementAge") ||
                      member(o, "abatementRange") || member(o, "abatementBoolean");
  const bool refuted = verification && *verification == "refuted";
  const bool active =
      !refuted &&
      (clinical ? (*clinical == "active" || *clinical == "recurrence" || *clinical == "relapse")
                : !abated);
  std::optional<fhir_date> when = choice_date(o, "onset", r.path, false);
  if (const auto recorded = get_date(o, "recordedDate", r.path); recorded)
    if (!when || before(when->day, recorded->day)) when = recorded;
  for (const table_row* row : m.rows) {
    if (row->kind == row_kind::device && row->device) {
      if (!active) {
        add_note(r, row->word, m,
                 refuted ? "refuted Condition: no such device"
                         : "device Condition not active: taken as no longer in place");
        continue;
      }
      implanted_device d;
      d.code = *row->device;
      d.source = r.source;
      out_.record.devices.push_back(std::move(d));
      add_mapping(r, "$.devices[" + std::to_string(out_.record.devices.size() - 1) + "]", row->word,
                  m, "from a Condition (device in situ)");
      continue;
    }
    if (row->kind != row_kind::answer || row->topic != status_topic::breastfeeding) continue;
    // A refuted "breastfeeding" is an explicit no; a refuted "not breastfeeding" says nothing.
    known value = row->answer;
    if (refuted) {
      if (value != known::yes) {
        add_note(r, "breastfeeding", m, "refuted Condition: not used");
        continue;
      }
      value = known::no;
    } else if (!active) {
      add_note(r, "breastfeeding", m,
               "breastfeeding Condition not active (resolved or abated): not used");
      continue;
    }
    const bool recent = when && options_.as_of && days_from(when->day, *options_.as_of) >= 0 &&
                        days_from(when->day, *options_.as_of) <= options_.stale_pregnancy_days;
    // An undated active "breastfeeding" is still read (yes is the cautious reading); a "no" needs
    // a recent date.
    if (!recent && !(value == known::yes && !when && !refuted)) {
      add_note(r, "breastfeeding", m, "breastfeeding Condition too old or undated: not used");
      continue;
    }
    out_.record.patient.breastfeeding = value;
    add_mapping(r, "$.patient.breastfeeding", value == known::yes ? "yes" : "no", m,
                when ? "breastfeeding Condition recorded " + to_string(when->day)
                     : "active breastfeeding Condition without a date");
  }
  return true;
}

void mapper::map_allergy(const resource_info& r) {
  const json::object& o = *r.object;
  const auto verification = status_code(o, "verificationStatus", r.path);
  if (verification && *verification == "entered-in-error") {
    add_note(r, "entered-in-error", {}, "AllergyIntolerance entered in error: ignored");
    return;
  }
  const auto code = get_concept(o, "code", r.path);
  match_result m;
  if (code)
    m = match(*code, {row_kind::allergy, row_kind::denial, row_kind::ignore}, name_mode::exact, r,
              "AllergyIntolerance.code");
  const json::array* reactions = get_array(o, "reaction", r.path);
  if (!m.matched() && reactions) {
    // The substance may be named only in the reactions.
    for (std::size_t i = 0; i < reactions->size() && !m.matched(); ++i) {
      if (!(*reactions)[i].is_object()) continue;
      const std::string rp = r.path + ".reaction[" + std::to_string(i) + "]";
      if (const auto s = get_concept((*reactions)[i].get_object(), "substance", rp))
        m = match(*s, {row_kind::allergy, row_kind::ignore}, name_mode::exact, r,
                  "AllergyIntolerance.reaction.substance");
    }
  }
  if (!code && !m.matched()) {
    if (!reactions) warn("fhir.no_code", r.path, r.source + " has no code; not used for screening");
    return;
  }
  if (!m.matched()) return;

  const bool refuted = verification && *verification == "refuted";
  // Severity: the worst reaction; anaphylaxis when a manifestation says so; a high criticality
  // with no reaction severity is taken as severe.
  std::optional<allergy_severity> sev;
  std::string reaction_text;
  if (reactions) {
    for (std::size_t i = 0; i < reactions->size(); ++i) {
      if (!(*reactions)[i].is_object()) {
        error(r.path + ".reaction[" + std::to_string(i) + "]", "a reaction must be an object");
        continue;
      }
      const json::object& ro = (*reactions)[i].get_object();
      const std::string rp = r.path + ".reaction[" + std::to_string(i) + "]";
      if (const auto s = get_string(ro, "severity", rp)) {
        std::optional<allergy_severity> v;
        if (*s == "mild") v = allergy_severity::mild;
        if (*s == "moderate") v = allergy_severity::moderate;
        if (*s == "severe") v = allergy_severity::severe;
        if (!v) error(rp + ".severity", quote(*s) + " is not mild, moderate or severe; ignored");
        if (v && (!sev || *v > *sev)) sev = v;
      }
      if (const json::array* mans = get_array(ro, "manifestation", rp)) {
        for (std::size_t k = 0; k < mans->size(); ++k) {
          if (!(*mans)[k].is_object()) continue;
          const concept_view mc = read_concept((*mans)[k].get_object(),
                                               rp + ".manifestation[" + std::to_string(k) + "]");
          std::string text = str(mc.text);
          for (const auto& c : mc.codings) {
            if (text.empty()) text = str(c.display);
            if (canonical_system(c.system) == "http://snomed.info/sct" && c.code == "39579001")
              sev = allergy_severity::anaphylaxis;
          }
          if (normalise_name(text).find("anaphyla") != std::string::npos)
            sev = allergy_severity::anaphylaxis;
          if (reaction_text.empty()) reaction_text = text;
        }
      }
    }
  }
  std::string sev_note;
  if (!sev) {
    if (const auto crit = get_string(o, "criticality", r.path); crit && *crit == "high") {
      sev = allergy_severity::severe;
      sev_note = "; criticality high taken as severe";
    }
  }
  const auto clinical = status_code(o, "clinicalStatus", r.path);
  for (const table_row* row : m.rows) {
    if (row->kind == row_kind::denial) {
      if (refuted) {
        add_note(r, row->word, m, "a refuted \"no known allergy\" statement: ignored");
        continue;
      }
      for (const negative& n : row->denials)
        add_negative(r, n, m, "\"no known allergy\" code: an explicit denial");
      continue;
    }
    if (!row->allergy) continue;
    if (refuted) {
      const auto as_class = parse_code<allergy_class>(to_string(*row->allergy));
      if (as_class) {
        add_negative(r, *as_class, m, "refuted AllergyIntolerance: an explicit denial");
      } else {
        add_note(r, row->word, m,
                 "refuted allergy: not a fact; not a denial either (negatives name allergy "
                 "classes, and one refuted substance does not deny its class)");
      }
      continue;
    }
    allergy a;
    a.substance = *row->allergy;
    a.severity = sev;
    a.reaction = reaction_text;
    a.source = r.source;
    std::string note = "AllergyIntolerance" + sev_note;
    if (clinical && (*clinical == "inactive" || *clinical == "resolved")) {
      warn("fhir.resolved_allergy", r.path + ".clinicalStatus",
           r.source + " is " + *clinical + ": kept as an allergy, to be confirmed");
      note += "; clinicalStatus " + *clinical;
    }
    if (verification && *verification == "unconfirmed")
      warn("fhir.unconfirmed", r.path + ".verificationStatus",
           r.source + " is unconfirmed: kept as a fact to be confirmed");
    out_.record.allergies.push_back(std::move(a));
    add_mapping(r, "$.allergies[" + std::to_string(out_.record.allergies.size() - 1) + "]",
                row->word, m, std::move(note));
  }
}

void mapper::map_procedure(const resource_info& r) {
  const json::object& o = *r.object;
  const auto status = get_string(o, "status", r.path);
  const auto code = get_concept(o, "code", r.path);
  if (!code) {
    warn("fhir.no_code", r.path, r.source + " has no code; not used for screening");
    return;
  }
  const match_result m =
      match(*code, {row_kind::procedure, row_kind::condition, row_kind::device, row_kind::ignore},
            name_mode::exact, r, "Procedure.code");
  if (!m.matched()) return;
  if (status && *status != "completed" && *status != "in-progress" && *status != "stopped") {
    add_note(r, m.rows.front()->word, m,
             "Procedure status " + str(*status) + ": not done, ignored");
    return;
  }
  std::optional<fhir_date> when = choice_date(o, "performed", r.path, true);
  if (!when && (member(o, "occurrenceDateTime") || member(o, "occurrencePeriod"))) {
    warn("fhir.r5_field", r.path,
         "Procedure.occurrence[x] is an R5 element (R4 has "
         "performed[x]); read as the date performed");
    when = choice_date(o, "occurrence", r.path, true);
  }
  bool has_sites = false;
  const std::vector<area> sites = read_body_sites(o, r.path, r, has_sites);
  for (const table_row* row : m.rows) {
    const std::vector<area>& where = has_sites ? sites : row->areas;
    if (row->kind == row_kind::procedure && row->procedure) {
      if (!when) {
        warn("fhir.missing_date", r.path,
             r.source + " (" + row->word + ") has no date performed: not used");
        continue;
      }
      prior_procedure p;
      p.code = *row->procedure;
      p.date = when->day;
      p.areas = where;
      p.depth = row->depth;
      p.source = r.source;
      out_.record.procedures.push_back(std::move(p));
      add_mapping(r, "$.procedures[" + std::to_string(out_.record.procedures.size() - 1) + "]",
                  row->word, m, when->precise ? "" : "dated only to the month or year");
    } else if (row->kind == row_kind::condition && row->condition) {
      condition c;
      c.code = *row->condition;
      c.status =
          status && *status == "in-progress" ? condition_status::active : condition_status::history;
      if (when) c.onset = when->day;
      c.sites = where;
      c.source = r.source;
      // Repeated sessions (e.g. a course of radiotherapy) are one condition: the latest
      // session's date is the one that matters for waiting periods.
      std::size_t at = out_.record.conditions.size();
      for (std::size_t k : procedure_conditions_) {
        auto& prev = out_.record.conditions[k];
        if (prev.code != c.code || prev.sites != c.sites) continue;
        at = k;
        if (c.onset && (!prev.onset || before(*prev.onset, *c.onset))) {
          prev.onset = c.onset;
          prev.source = c.source;
          prev.status = c.status;
        }
        break;
      }
      const bool merged = at != out_.record.conditions.size();
      if (!merged) {
        out_.record.conditions.push_back(std::move(c));
        procedure_conditions_.push_back(at);
      }
      add_mapping(r, "$.conditions[" + std::to_string(at) + "]", row->word, m,
                  merged ? "from a Procedure; merged with the other sessions (latest date kept)"
                         : "from a Procedure");
    } else if (row->kind == row_kind::device && row->device) {
      implanted_device d;
      d.code = *row->device;
      d.sites = where;
      d.source = r.source;
      out_.record.devices.push_back(std::move(d));
      add_mapping(r, "$.devices[" + std::to_string(out_.record.devices.size() - 1) + "]", row->word,
                  m, "implanted by a Procedure");
    }
  }
}

void mapper::map_device(const resource_info& r, const json::object& device,
                        const std::string& device_path, const std::vector<area>& sites,
                        const resource_info& source) {
  std::optional<concept_view> type = get_concept(device, "type", device_path);
  if (!type) {
    // R4 Device names may carry the only description.
    if (const json::array* names = get_array(device, "deviceName", device_path))
      for (const auto& n : *names)
        if (n.is_object())
          if (const json::value* name = member(n.get_object(), "name"); name && name->is_string()) {
            concept_view c;
            c.text = name->get_string();
            c.path = device_path + ".deviceName";
            type = std::move(c);
            break;
          }
  }
  if (!type) {
    warn("fhir.no_code", device_path, source.source + " has no device type; not used");
    return;
  }
  const match_result m =
      match(*type, {row_kind::device, row_kind::ignore}, name_mode::exact, r, "Device.type");
  for (const table_row* row : m.rows) {
    if (!row->device) continue;
    implanted_device d;
    d.code = *row->device;
    d.sites = sites.empty() ? row->areas : sites;
    d.source = source.source;
    out_.record.devices.push_back(std::move(d));
    add_mapping(source, "$.devices[" + std::to_string(out_.record.devices.size() - 1) + "]",
                row->word, m, "");
  }
}

void mapper::map_device_use(const resource_info& r) {
  const json::object& o = *r.object;
  const auto status = get_string(o, "status", r.path);
  const json::object* ref = get_object(o, "device", r.path);
  if (!ref) {
    warn("fhir.no_code", r.path, r.source + " names no device; not used");
    return;
  }
  const json::object* contained = nullptr;
  const resource_info* device = nullptr;
  if (const auto target = get_string(*ref, "reference", r.path + ".device")) {
    device = resolve(*target, r, &contained);
    if (device && device->type != "Device") device = nullptr;
    if (!device && !contained)
      warn("fhir.unresolved_reference", r.path + ".device.reference",
           quote(*target) + " of " + r.source + " is not a Device in the document");
  }
  if (device) device_used_[static_cast<std::size_t>(device - resources_.data())] = true;
  if (status && *status != "active") {
    add_note(r, "device", {}, "DeviceUseStatement status " + str(*status) + ": not in use now");
    return;
  }
  bool has_sites = false;
  std::vector<area> sites;
  if (const auto site = get_concept(o, "bodySite", r.path)) {
    const match_result sm =
        match(*site, {row_kind::body_site}, name_mode::exact, r, "DeviceUseStatement.bodySite");
    if (sm.matched()) {
      sites = sm.rows.front()->areas;
      has_sites = true;
    }
  }
  (void)has_sites;
  if (contained)
    map_device(r, *contained, r.path + ".contained", sites, r);
  else if (device)
    map_device(*device, *device->object, device->path, sites, r);
}

}  // namespace mnscreen::fhir_detail
