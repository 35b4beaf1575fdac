// SPDX-License-Identifier: Apache-2.0
// The FHIR reader's medications: MedicationRequests and MedicationStatements collected as
// evidence, then decided per ingredient (current, historical, stale or a question).
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/reader_mapper.hpp"

namespace mnscreen::fhir_detail {

using mnscreen::to_string;

namespace {

std::optional<question> question_for(medication_code m) noexcept {
  const medication_class_set c = classes_of(m);
  if (c.overlaps({medication_class::anticoagulant_vka, medication_class::anticoagulant_doac,
                  medication_class::anticoagulant_heparin}))
    return question::anticoagulant;
  if (c.contains(medication_class::oral_retinoid)) return question::isotretinoin;
  if (c.overlaps({medication_class::immunosuppressant, medication_class::chemotherapy}))
    return question::immunosuppression;
  return std::nullopt;
}

std::string capitalised(std::string_view word) {
  std::string s(word);
  for (char& c : s)
    if (c == '_') c = ' ';
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

}  // namespace

void mapper::map_medication(const resource_info& r, bool request) {
  const json::object& o = *r.object;
  const std::string type = request ? "MedicationRequest" : "MedicationStatement";
  const auto status = get_string(o, "status", r.path);

  // The medicine: a CodeableConcept, a reference to a Medication (in the Bundle or contained),
  // or (R5) a CodeableReference.
  std::optional<concept_view> med_concept;
  const json::object* medication = nullptr;
  std::string medication_path;
  std::string reference_display;
  const auto take_reference = [&](const json::object& ref, const std::string& ref_path) {
    const auto target = get_string(ref, "reference", ref_path);
    reference_display = str(get_string(ref, "display", ref_path).value_or(""));
    if (!target) return;
    const json::object* contained = nullptr;
    const resource_info* found = resolve(*target, r, &contained);
    if (contained) {
      medication = contained;
      medication_path = r.path + ".contained[id=" + str(target->substr(1)) + "]";
    } else if (found && found->type == "Medication") {
      medication = found->object;
      medication_path = found->path;
    } else {
      warn("fhir.unresolved_reference", ref_path + ".reference",
           quote(*target) + " of " + r.source + " is not a Medication in the document" +
               (reference_display.empty()
                    ? std::string()
                    : "; its display " + quote(reference_display) + " is matched by name"));
    }
  };
  if (auto cc = get_concept(o, "medicationCodeableConcept", r.path)) {
    med_concept = std::move(cc);
  } else if (const json::object* mref = get_object(o, "medicationReference", r.path)) {
    take_reference(*mref, r.path + ".medicationReference");
  } else if (const json::object* cr = get_object(o, "medication", r.path)) {
    warn("fhir.r5_field", r.path + ".medication",
         type +
             ".medication is an R5 element (R4 has medication[x]); read as a "
             "CodeableReference");
    if (auto r5 = get_concept(*cr, "concept", r.path + ".medication"))
      med_concept = std::move(r5);
    else if (const json::object* cref = get_object(*cr, "reference", r.path + ".medication"))
      take_reference(*cref, r.path + ".medication.reference");
  }
  if (medication && !med_concept) med_concept = get_concept(*medication, "code", medication_path);
  if (!med_concept && !reference_display.empty()) {
    concept_view named;
    named.text = reference_display;
    named.path = r.path + ".medicationReference.display";
    med_concept = std::move(named);
  }
  if (!med_concept) {
    warn("fhir.no_code", r.path, r.source + " names no medication; not used for screening");
    return;
  }
  match_result m = match(*med_concept, {row_kind::medication, row_kind::ignore},
                         name_mode::medication, r, type + ".medication");
  if (!m.matched() && medication) {
    // A Medication whose code is not known: its ingredients may be.
    if (const json::array* ingredients = get_array(*medication, "ingredient", medication_path)) {
      for (std::size_t i = 0; i < ingredients->size() && !m.matched(); ++i) {
        if (!(*ingredients)[i].is_object()) continue;
        const std::string ip = medication_path + ".ingredient[" + std::to_string(i) + "]";
        if (auto ic = get_concept((*ingredients)[i].get_object(), "itemCodeableConcept", ip))
          m = match(*ic, {row_kind::medication, row_kind::ignore}, name_mode::medication, r,
                    "Medication.ingredient");
      }
    }
  }
  if (!m.matched()) return;

  med_candidate base;
  set_provenance(base, r, m);
  base.status = status ? str(*status) : "";
  if (!status) {
    error(r.path + ".status", type + " has no status: taken as unknown (a question)",
          "fhir.missing_field");
    base.state = med_state::uncertain;
  } else if (request) {
    const std::string_view s = *status;
    base.state = s == "active"                        ? med_state::current
                 : s == "completed" || s == "stopped" ? med_state::ended
                 : s == "cancelled"                   ? med_state::not_taken
                 : s == "entered-in-error"            ? med_state::error
                                                      : med_state::uncertain;
  } else {
    const std::string_view s = *status;
    base.state = s == "active"                        ? med_state::current
                 : s == "completed" || s == "stopped" ? med_state::ended
                 : s == "not-taken"                   ? med_state::not_taken
                 : s == "entered-in-error"            ? med_state::error
                                                      : med_state::uncertain;
  }
  if (request) {
    if (const auto intent = get_string(o, "intent", r.path);
        intent && (*intent == "proposal" || *intent == "plan" || *intent == "option") &&
        base.state == med_state::current) {
      base.state = med_state::uncertain;
      base.status = "active " + str(*intent);
    }
    if (const json::value* dnp = member(o, "doNotPerform");
        dnp && dnp->is_bool() && dnp->get_bool())
      base.state = med_state::not_taken;
    const auto authored = get_date(o, "authoredOn", r.path);
    std::optional<fhir_date> valid_start;
    std::optional<fhir_date> valid_end;
    if (const json::object* dr = get_object(o, "dispenseRequest", r.path))
      if (const json::object* vp = get_object(*dr, "validityPeriod", r.path + ".dispenseRequest")) {
        const std::string vpp = r.path + ".dispenseRequest.validityPeriod";
        valid_start = get_date(*vp, "start", vpp);
        valid_end = get_date(*vp, "end", vpp);
      }
    if (valid_start)
      base.start = valid_start->day;
    else if (authored)
      base.start = authored->day;
    base.record_date = authored ? std::optional<date>(authored->day) : base.start;
    if (base.state == med_state::ended && valid_end) base.stop = valid_end->day;
    base.evidence_date =
        later(base.record_date, valid_end ? std::optional<date>(valid_end->day) : std::nullopt);
    base.route_value =
        read_route(get_array(o, "dosageInstruction", r.path), r.path + ".dosageInstruction", r);
  } else {
    const auto effective_start = choice_date(o, "effective", r.path, false);
    const auto effective_end = choice_date(o, "effective", r.path, true);
    const auto asserted = get_date(o, "dateAsserted", r.path);
    if (effective_start) base.start = effective_start->day;
    if (base.state == med_state::ended && effective_end &&
        (member(o, "effectivePeriod") || member(o, "effectiveDateTime")))
      base.stop = effective_end->day;
    if (member(o, "effectivePeriod") && base.state == med_state::ended && effective_end &&
        effective_start && effective_end->day == effective_start->day) {
      const json::object* period = get_object(o, "effectivePeriod", r.path);
      if (period && !member(*period, "end")) base.stop.reset();
    }
    base.record_date =
        later(asserted ? std::optional<date>(asserted->day) : std::nullopt, base.start);
    base.evidence_date = later(
        base.record_date, effective_end ? std::optional<date>(effective_end->day) : std::nullopt);
    base.route_value = read_route(get_array(o, "dosage", r.path), r.path + ".dosage", r);
  }
  if (base.start && base.stop && before(*base.stop, *base.start)) {
    warn("fhir.inconsistent", r.path,
         r.source + " ends (" + to_string(*base.stop) + ") before it starts (" +
             to_string(*base.start) + "): the start date is left out");
    base.start.reset();
  }
  for (const table_row* row : m.rows) {
    std::string note;
    if (row->form == "product")
      note = str(system_label(m.system)) + " product → ingredient";
    else if (row->form == "class")
      note = str(system_label(m.system)) + " class";
    else if (row->form == "brand")
      note = "brand name → ingredient";
    if (m.how == fhir_match::name) note = "matched by name only";
    for (medication_code w : row->medications) {
      med_candidate c = base;
      c.word = w;
      c.note = note;
      if (!c.route_value) c.route_value = row->route_value;
      meds_.push_back(std::move(c));
    }
  }
}

void mapper::finish_medications() {
  // Per ingredient word, in order of first appearance.
  std::vector<medication_code> words;
  for (const auto& c : meds_)
    if (std::find(words.begin(), words.end(), c.word) == words.end()) words.push_back(c.word);
  const auto note_of = [](const med_candidate& c) {
    match_result m;
    m.system = c.system;
    m.code = c.code;
    m.display = c.display;
    m.how = c.how;
    return m;
  };
  for (medication_code w : words) {
    const std::string_view word = to_string(w);
    std::vector<const med_candidate*> all;
    for (const auto& c : meds_)
      if (c.word == w) all.push_back(&c);
    // Notes for records that are not facts at all.
    std::vector<const med_candidate*> live;
    for (const med_candidate* c : all) {
      resource_info r;
      r.source = c->source;
      if (c->state == med_state::error) {
        add_note(r, word, note_of(*c), "entered in error: ignored");
      } else if (c->state == med_state::not_taken) {
        add_note(r, word, note_of(*c),
                 "status " + c->status + ": not taken (not a denial of the class)");
      } else {
        live.push_back(c);
      }
    }
    if (live.empty()) continue;
    // The latest record decides whether the medicine is current (ties: the later one).
    const med_candidate* latest = live.front();
    for (const med_candidate* c : live) {
      const auto a = c->record_date;
      const auto b = latest->record_date;
      if (!b || (a && !before(*a, *b))) latest = c;
    }
    // Historical items: every ended record with a known stop date.
    for (const med_candidate* c : live) {
      if (c->state != med_state::ended) continue;
      resource_info r;
      r.source = c->source;
      if (!c->stop) {
        if (c != latest) {
          add_note(r, word, note_of(*c), "status " + c->status + ", stop date unknown: left out");
          continue;
        }
        const medication_class_set classes = classes_of(w);
        if (classes.overlaps(
                {medication_class::oral_retinoid, medication_class::topical_retinoid})) {
          out_.questions.push_back(
              {c->source, question_for(w), str(word),
               capitalised(word) + " is recorded as " + c->status +
                   (c->start ? " (started " + to_string(*c->start) + ")" : std::string()) +
                   " with no stop date (" + c->source + "): when was the last dose?"});
          warn("fhir.stale_record", c->path,
               c->source + ": " + str(word) + " " + c->status +
                   " on an unknown date; a wash-out needs the stop date: asked as a question");
        } else {
          add_note(r, word, note_of(*c),
                   "status " + c->status + ", stop date unknown: not current, left out");
        }
        continue;
      }
      medication m;
      m.code = w;
      m.route = c->route_value;
      m.start = c->start;
      m.stop = c->stop;
      m.source = c->source;
      out_.record.medications.push_back(std::move(m));
      std::string note = c->note.empty() ? "" : c->note + "; ";
      add_mapping(r, "$.medications[" + std::to_string(out_.record.medications.size() - 1) + "]",
                  word, note_of(*c), note + "status " + c->status);
    }
    if (latest->state == med_state::ended) {
      for (const med_candidate* c : live)
        if (c->state == med_state::current || c->state == med_state::uncertain) {
          resource_info r;
          r.source = c->source;
          add_note(r, word, note_of(*c),
                   "status " + c->status + " but superseded by a later stop (" + latest->source +
                       "): not current");
        }
      continue;
    }
    resource_info latest_r;
    latest_r.source = latest->source;
    if (latest->state == med_state::uncertain) {
      out_.questions.push_back({latest->source, question_for(w), str(word),
                                capitalised(word) + " is recorded as " + latest->status + " (" +
                                    latest->source + "): is it taken now?"});
      warn("fhir.uncertain_status", latest->path,
           latest->source + ": " + str(word) + " has status " + latest->status +
               ": not taken as a fact; asked as a question");
      continue;
    }
    // Current: the first start among the current records, unless the record is stale.
    std::optional<date> first_start;
    std::optional<date> last_evidence;
    for (const med_candidate* c : live) {
      if (c->state != med_state::current) continue;
      if (c->start && (!first_start || before(*c->start, *first_start))) first_start = c->start;
      last_evidence = later(last_evidence, c->evidence_date);
    }
    if (options_.as_of && last_evidence &&
        days_from(*last_evidence, *options_.as_of) > options_.stale_prescription_days) {
      const std::string since = first_start ? to_string(*first_start) : "an unknown date";
      out_.questions.push_back({latest->source, question_for(w), str(word),
                                capitalised(word) + " is recorded as active since " + since +
                                    " (last recorded " + to_string(*last_evidence) + ", " +
                                    latest->source + "): is it still taken?"});
      warn("fhir.stale_record", latest->path,
           latest->source + ": " + str(word) + " reported active since " + since +
               ", last recorded " + to_string(*last_evidence) + ", more than " +
               std::to_string(options_.stale_prescription_days) + " days before " +
               to_string(*options_.as_of) + ": not taken as a fact; confirm");
      continue;
    }
    if (!last_evidence && options_.as_of)
      warn("fhir.missing_date", latest->path,
           latest->source + ": " + str(word) + " is active with no date: taken as current");
    medication m;
    m.code = w;
    m.route = latest->route_value;
    m.start = first_start;
    m.source = latest->source;
    out_.record.medications.push_back(std::move(m));
    std::string note = latest->note.empty() ? "" : latest->note + "; ";
    std::size_t others = 0;
    for (const med_candidate* c : live)
      if (c->state == med_state::current && c != latest) ++others;
    if (others > 0) note += std::to_string(others) + " earlier active record(s) merged; ";
    add_mapping(latest_r,
                "$.medications[" + std::to_string(out_.record.medications.size() - 1) + "]", word,
                note_of(*latest), note + "status active");
  }
}

}  // namespace mnscreen::fhir_detail
