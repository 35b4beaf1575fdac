// SPDX-License-Identifier: Apache-2.0
// The FHIR reader's Observations: lab results (units converted, plausibility checked) and the
// pregnancy, smoking and breastfeeding statuses, decided from the latest evidence.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/reader_mapper.hpp"
#include "lab_units.hpp"
#include "mnscreen/screener.hpp"

namespace mnscreen::fhir_detail {

using mnscreen::to_string;

namespace {

// A lab value in messages and mapping notes (not json_detail::number_text, which is exact).
std::string lab_value_text(double v) {
  char buf[32];
  // Two decimals are enough for every lab the reader keeps, and stable across platforms.
  const double rounded = std::round(v * 100.0) / 100.0;
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, rounded);
  return ec == std::errc{} ? std::string(buf, end) : std::string("?");
}

}  // namespace

void mapper::map_observation(const resource_info& r) {
  const json::object& o = *r.object;
  const auto status = get_string(o, "status", r.path);
  const auto code = get_concept(o, "code", r.path);
  if (!code) {
    warn("fhir.no_code", r.path, r.source + " has no code; not used for screening");
    return;
  }
  const match_result m = match(*code, {row_kind::lab, row_kind::observation, row_kind::ignore},
                               name_mode::exact, r, "Observation.code");
  if (!m.matched()) return;
  const table_row& row = *m.rows.front();
  if (status && *status != "final" && *status != "amended" && *status != "corrected" &&
      *status != "preliminary") {
    add_note(r, row.word, m, "Observation status " + str(*status) + ": not a result, ignored");
    return;
  }
  const auto when = choice_date(o, "effective", r.path, true);
  std::optional<fhir_date> issued;
  if (!when) issued = get_date(o, "issued", r.path);

  if (row.kind == row_kind::observation) {
    const auto value = get_concept(o, "valueCodeableConcept", r.path);
    const json::value* boolean = member(o, "valueBoolean");
    match_result vm;
    table_row boolean_answer;  // a valueBoolean answers the observation's own question
    const table_row* answer_row = nullptr;
    if (!value && boolean && boolean->is_bool()) {
      boolean_answer.kind = row_kind::answer;
      boolean_answer.topic = row.topic;
      boolean_answer.word = row.word + (boolean->get_bool() ? "=yes" : "=no");
      boolean_answer.answer = boolean->get_bool() ? known::yes : known::no;
      answer_row = &boolean_answer;
      vm = m;
      vm.display = std::string(boolean->get_bool() ? "true" : "false") + " (valueBoolean)";
    } else if (!value) {
      warn("fhir.no_value", r.path,
           r.source + " (" + row.word + " status) has neither a coded nor a boolean value");
      return;
    } else {
      // An answer code, or (pregnancy) any code of a current pregnancy.
      vm = match(*value, {row_kind::answer, row_kind::condition}, name_mode::none, r,
                 "Observation.value");
      if (!vm.matched()) return;
      for (const table_row* candidate : vm.rows) {
        if (candidate->kind == row_kind::answer && candidate->topic == row.topic) {
          answer_row = candidate;
          break;
        }
      }
      if (!answer_row && row.topic == status_topic::pregnancy) {
        for (const table_row* candidate : vm.rows)
          if (candidate->condition == condition_code::pregnancy) {
            boolean_answer.kind = row_kind::answer;
            boolean_answer.topic = status_topic::pregnancy;
            boolean_answer.word = "pregnancy=yes";
            boolean_answer.answer = known::yes;
            answer_row = &boolean_answer;
            break;
          }
      }
      if (!answer_row) {
        warn("fhir.unexpected_value", r.path + ".valueCodeableConcept",
             r.source + " (" + row.word + " status) has the value " + str(system_label(vm.system)) +
                 " " + vm.code + " " + quote(vm.display) + ", which does not answer it: not used");
        return;
      }
    }
    const table_row& answer = *answer_row;
    const std::optional<fhir_date> at = when ? when : issued;
    if (!at) {
      warn("fhir.missing_date", r.path,
           r.source + " (" + row.word + " status) has no date: not used");
      return;
    }
    if (answer.answer == known::unknown) {
      add_note(r, answer.word, vm, "status recorded as unknown");
      return;
    }
    if (row.topic == status_topic::pregnancy) {
      pregnancy_.push_back(pregnancy_from(r, vm, answer.answer, at->day));
    } else if (row.topic == status_topic::smoking) {
      smoking_.push_back({answer.answer, at->day, r.source, vm.system, vm.code, vm.display});
    } else if (row.topic == status_topic::breastfeeding) {
      // Breastfeeding status is read only when recorded recently (same window as pregnancy).
      if (options_.as_of && days_from(at->day, *options_.as_of) >= 0 &&
          days_from(at->day, *options_.as_of) <= options_.stale_pregnancy_days) {
        out_.record.patient.breastfeeding = answer.answer;
        add_mapping(r, "$.patient.breastfeeding", answer.answer == known::yes ? "yes" : "no", vm,
                    "breastfeeding status observed " + to_string(at->day));
      } else {
        add_note(r, "breastfeeding", vm, "breastfeeding status too old or undated: not used");
      }
    }
    return;
  }

  // A lab result.
  if (!row.lab) return;
  const lab_code lab = *row.lab;
  const json::object* q = get_object(o, "valueQuantity", r.path);
  if (!q) {
    if (member(o, "dataAbsentReason"))
      add_note(r, row.word, m, "no value (dataAbsentReason)");
    else
      warn("fhir.no_value", r.path,
           r.source + " (" + row.word + ") has no valueQuantity: not used");
    return;
  }
  const std::string qp = r.path + ".valueQuantity";
  const json::value* v = member(*q, "value");
  if (!v || !v->is_number()) {
    error(qp + ".value", r.source + " (" + row.word + ") has no numeric value; not used");
    return;
  }
  const double raw = v->to_number<double>();
  if (const auto comparator = get_string(*q, "comparator", qp)) {
    warn("fhir.comparator", qp + ".comparator",
         r.source + " (" + row.word + ") is " + str(*comparator) + " " + lab_value_text(raw) +
             ", not a value: treated as unknown");
    return;
  }
  const std::string unit_code = str(get_string(*q, "code", qp).value_or(""));
  const std::string unit_text = str(get_string(*q, "unit", qp).value_or(""));
  const unit_row* unit = terms_.find_unit(lab, unit_code, unit_text);
  if (!unit) {
    warn("fhir.unknown_unit", qp,
         r.source + " (" + row.word + " " + lab_value_text(raw) + ") has unit " +
             quote(unit_code.empty() ? unit_text : unit_code) +
             ", which the unit table cannot convert: treated as unknown");
    return;
  }
  const std::optional<fhir_date> at = when ? when : issued;
  if (!at) {
    warn("fhir.missing_date", r.path, r.source + " (" + row.word + ") has no date: not used");
    return;
  }
  if (!at->precise) {
    warn("fhir.partial_date", r.path,
         r.source + " (" + row.word + ") is dated only to the month or year: not used");
    return;
  }
  const double value = raw * unit->factor + unit->offset;
  lab_result result{lab, value, at->day, r.source};
  // The same ranges as the intake format (screener's validate): outside them the record is
  // implausible, so the value is unknown — a warning, not an input error.
  intake probe;
  probe.labs.push_back(result);
  const auto problems = validate(probe);
  if (!problems.empty()) {
    warn("fhir.implausible_value", qp + ".value",
         r.source + ": " + row.word + " " + lab_value_text(raw) + " " +
             (unit_code.empty() ? unit_text : unit_code) + " on " + to_string(at->day) +
             " is implausible (" + problems.front().message + "): treated as unknown");
    return;
  }
  out_.record.labs.push_back(std::move(result));
  std::string note = lab_value_text(raw) + " " + (unit_code.empty() ? unit_text : unit_code);
  if (unit->factor != 1.0 || unit->offset != 0.0)
    note += " → " + lab_value_text(value) + " " + str(detail::lab_units_of(lab).display);
  if (!when) note += "; dated by issued";
  add_mapping(r, "$.labs[" + std::to_string(out_.record.labs.size() - 1) + "]", row.word, m,
              std::move(note));
}

// --- decisions at the end ------------------------------------------------------------------

void mapper::finish_pregnancy() {
  if (pregnancy_.empty()) return;
  const auto& as_of = options_.as_of;
  std::vector<const pregnancy_evidence*> fresh;
  const pregnancy_evidence* stale_latest = nullptr;
  std::size_t stale_count = 0;
  for (const auto& e : pregnancy_) {
    resource_info r;
    r.source = e.source;
    match_result m;
    m.system = e.system;
    m.code = e.code;
    m.display = e.display;
    m.how = e.how;
    if (e.value == known::no) {
      // A "not pregnant" record says little about today unless it is very recent.
      if (as_of && e.when && days_from(*e.when, *as_of) >= 0 &&
          days_from(*e.when, *as_of) <= options_.pregnancy_negative_max_age_days) {
        fresh.push_back(&e);
      } else {
        add_note(r, "not_pregnant", m,
                 "\"not pregnant\" recorded " + (e.when ? to_string(*e.when) : "undated") +
                     ": too old (or no screening date) to answer the question today");
      }
      continue;
    }
    if (as_of && e.when && days_from(*e.when, *as_of) > options_.stale_pregnancy_days) {
      ++stale_count;
      if (!stale_latest || before(*stale_latest->when, *e.when)) stale_latest = &e;
      continue;
    }
    if (as_of && !e.when)
      warn("fhir.missing_date", e.path,
           e.source + ": an active pregnancy with no date: taken as current");
    fresh.push_back(&e);
  }
  if (stale_latest) {
    out_.questions.push_back(
        {stale_latest->source, question::pregnancy, "pregnancy",
         "Pregnancy is recorded as active since " + to_string(*stale_latest->when) + " (" +
             stale_latest->source +
             (stale_count > 1 ? " and " + std::to_string(stale_count - 1) + " older record(s)"
                              : std::string()) +
             "): is the patient pregnant now?"});
    warn("fhir.stale_record", stale_latest->path,
         stale_latest->source + ": pregnancy reported active since " +
             to_string(*stale_latest->when) + ", more than " +
             std::to_string(options_.stale_pregnancy_days) + " days before " + to_string(*as_of) +
             ": not taken as a fact; confirm");
  }
  if (fresh.empty()) return;
  // The latest fresh record decides; a tie goes to "pregnant" (the cautious answer).
  const pregnancy_evidence* decider = fresh.front();
  for (const pregnancy_evidence* e : fresh) {
    if (!decider->when) break;
    if (!e->when) {
      if (e->value == known::yes) decider = e;
      continue;
    }
    if (before(*decider->when, *e->when) || (*decider->when == *e->when && e->value == known::yes))
      decider = e;
  }
  auto& p = out_.record.patient;
  for (const pregnancy_evidence* e : fresh) {
    resource_info r;
    r.source = e->source;
    match_result m;
    m.system = e->system;
    m.code = e->code;
    m.display = e->display;
    m.how = e->how;
    if (decider->value == known::yes && e->value == known::yes && e->from_condition) {
      out_.record.conditions.push_back(e->item);
      add_mapping(r, "$.conditions[" + std::to_string(out_.record.conditions.size() - 1) + "]",
                  "pregnancy", m,
                  "active pregnancy" + (e->when ? " since " + to_string(*e->when) : std::string()));
    } else if (e != decider) {
      add_note(r, e->value == known::yes ? "pregnancy" : "not_pregnant", m,
               "superseded by a later record (" + decider->source + ")");
    }
  }
  resource_info r;
  r.source = decider->source;
  match_result m;
  m.system = decider->system;
  m.code = decider->code;
  m.display = decider->display;
  m.how = decider->how;
  p.pregnant = decider->value;
  add_mapping(r, "$.patient.pregnant", decider->value == known::yes ? "yes" : "no", m,
              decider->when ? "recorded " + to_string(*decider->when) : "undated");
}

void mapper::finish_smoking() {
  const smoking_evidence* latest = nullptr;
  for (const auto& e : smoking_) {
    if (options_.as_of && before(*options_.as_of, e.when)) continue;
    if (!latest || !before(e.when, latest->when)) latest = &e;
  }
  if (!latest) return;
  out_.record.patient.smoker = latest->value;
  resource_info r;
  r.source = latest->source;
  match_result m;
  m.system = latest->system;
  m.code = latest->code;
  m.display = latest->display;
  add_mapping(r, "$.patient.smoker", latest->value == known::yes ? "yes" : "no", m,
              "latest smoking status, " + to_string(latest->when) + " (of " +
                  std::to_string(smoking_.size()) + ")");
}

}  // namespace mnscreen::fhir_detail
