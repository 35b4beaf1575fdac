// SPDX-License-Identifier: Apache-2.0
// The FHIR reader's resources: Bundle walking, the resource index and reference resolution,
// the patient chosen and its Patient resource, and the run that maps every resource in turn.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/reader_mapper.hpp"
#include "text.hpp"

namespace mnscreen::fhir_detail {
namespace text = detail::text;

using mnscreen::to_string;

// --- resource index and references ---------------------------------------------------------

void mapper::index(std::vector<source_resource>&& resources) {
  resources_.reserve(resources.size());
  // Up to two keys per resource (fullUrl, Type/id): buckets made once, no rehash.
  by_reference_.reserve(2 * resources.size());
  // About one unmapped coding per resource at most in a usual record: no rehash (which hashes
  // every key again) as codings are recorded.
  unmapped_index_.reserve(resources.size());
  for (auto& s : resources) {
    resource_info r;
    r.object = s.object;
    r.path = std::move(s.path);  // the sources are not read after this
    r.full_url = s.full_url;
    if (const json::value* t = member(*s.object, "resourceType"); t && t->is_string())
      r.type = t->get_string();
    if (const json::value* id = member(*s.object, "id")) {
      if (id->is_string())
        r.id = id->get_string();
      else
        error(r.path + ".id", "the id must be a string; ignored");
    }
    // The source names the resource in messages and mappings: ids and URLs are shortened.
    if (!r.id.empty())
      r.source = text::cat(shortened(r.type), '/', shortened(r.id));
    else if (!r.full_url.empty())
      r.source = shorten(r.full_url);
    else
      r.source = text::cat(shortened(r.type), " at ", r.path);
    const std::size_t i = resources_.size();
    if (!r.full_url.empty()) by_reference_.try_emplace(r.full_url, i);
    if (!r.id.empty()) {
      // "Type/id", kept in the index's arena.
      const std::size_t n = r.type.size() + 1 + r.id.size();
      char* key = static_cast<char*>(index_arena_.allocate(n, 1));
      r.type.copy(key, r.type.size());
      key[r.type.size()] = '/';
      r.id.copy(key + r.type.size() + 1, r.id.size());
      by_reference_.try_emplace(std::string_view(key, n), i);
    }
    if (!r.full_url.empty()) {
      const std::string_view key = reference_key_view(r.full_url);
      if (!key.empty() && by_reference_.find(key) == by_reference_.end())
        by_reference_.emplace(key, i);
    }
    resources_.push_back(std::move(r));
  }
  device_used_.assign(resources_.size(), false);
}

void mapper::select_patient() {
  std::vector<std::size_t> patients;
  for (std::size_t i = 0; i < resources_.size(); ++i)
    if (resources_[i].type == "Patient") patients.push_back(i);
  if (!options_.patient_id.empty()) {
    for (std::size_t i : patients)
      if (resources_[i].id == options_.patient_id) patient_ = i;
    if (!patient_)
      error("$", "no Patient with id " + quote(options_.patient_id) + " in the document",
            "fhir.patient_not_found");
    return;
  }
  if (patients.empty()) return;
  patient_ = patients.front();
  if (patients.size() > 1) {
    std::string ids;
    for (std::size_t i : patients) ids += (ids.empty() ? "" : ", ") + resources_[i].source;
    error("$",
          "the document holds " + std::to_string(patients.size()) + " patients (" + ids +
              "); only the first is read — choose one with the patient id option",
          "fhir.several_patients");
  }
}

const resource_info* mapper::resolve(std::string_view reference, const resource_info& from,
                                     const json::object** contained) {
  if (contained) *contained = nullptr;
  if (!reference.empty() && reference.front() == '#') {
    const json::value* list = member(*from.object, "contained");
    if (contained && list && list->is_array()) {
      for (const auto& v : list->get_array()) {
        if (!v.is_object()) continue;
        const json::value* id = member(v.get_object(), "id");
        if (id && id->is_string() && std::string_view(id->get_string()) == reference.substr(1)) {
          *contained = &v.get_object();
          return nullptr;
        }
      }
    }
    return nullptr;
  }
  if (const auto it = by_reference_.find(reference); it != by_reference_.end())
    return &resources_[it->second];
  const std::string_view key = reference_key_view(reference);
  if (!key.empty())
    if (const auto it = by_reference_.find(key); it != by_reference_.end())
      return &resources_[it->second];
  return nullptr;
}

bool mapper::belongs_to_other_patient(const resource_info& r) {
  const auto ref = patient_reference_view(*r.object);
  if (!ref) return false;
  const resource_info* target = resolve(*ref, r, nullptr);
  if (!target || target->type != "Patient") {
    // Unresolved: another patient only when a patient was chosen and the reference names a
    // different Patient id.
    if (!patient_) return false;
    const std::string_view key = reference_key_view(*ref);
    return key.rfind("Patient/", 0) == 0 && key.substr(8) != resources_[*patient_].id &&
           *ref != resources_[*patient_].full_url && !options_.patient_id.empty();
  }
  return !patient_ || target != &resources_[*patient_];
}

// --- the run -------------------------------------------------------------------------------

void mapper::map_patient(const resource_info& r) {
  if (!patient_ || &resources_[*patient_] != &r) return;
  const json::object& o = *r.object;
  auto& p = out_.record.patient;
  const match_result none;
  p.id = r.id;
  if (const auto birth = get_date(o, "birthDate", r.path)) {
    if (birth->precise) {
      p.birth_date = birth->day;
      add_mapping(r, "$.patient.birth_date", to_string(birth->day), none, "Patient.birthDate");
    } else {
      warn("fhir.partial_date", r.path + ".birthDate",
           "birthDate " + quote(get_string(o, "birthDate", r.path).value_or("")) +
               " is not a full date: the birth date is left unknown");
    }
  }
  if (const auto gender = get_string(o, "gender", r.path)) {
    std::optional<sex> s;
    if (*gender == "female") s = sex::female;
    if (*gender == "male") s = sex::male;
    if (*gender == "other") s = sex::other;
    if (s) {
      p.sex = s;
      add_mapping(r, "$.patient.sex", to_string(*s), none, "Patient.gender");
    } else if (*gender != "unknown") {
      error(r.path + ".gender", quote(*gender) + " is not a FHIR administrative gender; ignored");
    }
  }
  if (const json::value* b = member(o, "deceasedBoolean")) {
    if (!b->is_bool()) {
      error(r.path + ".deceasedBoolean", "expected true or false; ignored");
    } else {
      p.deceased = b->get_bool() ? known::yes : known::no;
      add_mapping(r, "$.patient.deceased", b->get_bool() ? "yes" : "no", none,
                  "Patient.deceasedBoolean");
      if (b->get_bool())
        warn("fhir.deceased", r.path + ".deceasedBoolean",
             "the record says the patient (" + r.source + ") has died");
    }
  }
  if (const auto died = get_date(o, "deceasedDateTime", r.path)) {
    p.deceased = known::yes;
    add_mapping(r, "$.patient.deceased", "yes", none,
                "Patient.deceasedDateTime " + to_string(died->day));
    warn("fhir.deceased", r.path + ".deceasedDateTime",
         "the record says the patient (" + r.source + ") died on " +
             str(get_string(o, "deceasedDateTime", r.path).value_or("")).substr(0, 10));
  }
}

void mapper::map_resource(const resource_info& r) {
  const std::string_view t = r.type;
  const bool read = t == "Patient" || t == "Condition" || t == "AllergyIntolerance" ||
                    t == "MedicationRequest" || t == "MedicationStatement" || t == "Observation" ||
                    t == "Procedure" || t == "Device" || t == "DeviceUseStatement" ||
                    t == "Medication";
  if (!read) {
    ++count_of(ignored_counts_, t);
    return;
  }
  ++count_of(read_counts_, t);
  if (t != "Patient" && t != "Medication" && belongs_to_other_patient(r)) {
    if (other_patient_count_++ == 0) other_patient_first_ = r.path;
    return;
  }
  if (t == "Patient")
    map_patient(r);
  else if (t == "Condition")
    map_condition(r);
  else if (t == "AllergyIntolerance")
    map_allergy(r);
  else if (t == "MedicationRequest")
    map_medication(r, true);
  else if (t == "MedicationStatement")
    map_medication(r, false);
  else if (t == "Observation")
    map_observation(r);
  else if (t == "Procedure")
    map_procedure(r);
  else if (t == "DeviceUseStatement")
    map_device_use(r);
  // Device: after the DeviceUseStatements (see run); Medication: read through references.
}

void mapper::run(std::vector<source_resource>&& resources) {
  index(std::move(resources));
  select_patient();
  // The patient first (its birth date is needed for onsetAge), then everything in document
  // order; Devices after the DeviceUseStatements that may point at them.
  if (patient_) map_resource(resources_[*patient_]);
  for (std::size_t i = 0; i < resources_.size(); ++i) {
    if (patient_ && i == *patient_) continue;
    if (resources_[i].type == "Device") continue;
    map_resource(resources_[i]);
  }
  for (std::size_t i = 0; i < resources_.size(); ++i) {
    const resource_info& r = resources_[i];
    if (r.type != "Device") continue;
    ++count_of(read_counts_, r.type);
    if (device_used_[i]) continue;
    if (belongs_to_other_patient(r)) {
      if (other_patient_count_++ == 0) other_patient_first_ = r.path;
      continue;
    }
    if (const auto status = get_string(*r.object, "status", r.path);
        status && *status != "active") {
      add_note(r, "device", {}, "Device status " + str(*status) + ": not in use now");
      continue;
    }
    map_device(r, *r.object, r.path, {}, r);
  }
  finish_medications();
  finish_pregnancy();
  finish_smoking();
  finish_unmapped();
  if (other_patient_count_ > 0)
    warn("fhir.other_patient", other_patient_first_,
         std::to_string(other_patient_count_) +
             " resource(s) belong to another patient of the document and were not read");
  if (!options_.as_of)
    warn("fhir.no_as_of_date", "$",
         "no screening date was given: stale-record checks were skipped and every \"active\" "
         "record was taken at its word");
  for (const auto& [type, n] : read_counts_) out_.resources_read.emplace_back(type, n);
  for (const auto& [type, n] : ignored_counts_) out_.resources_ignored.emplace_back(type, n);
}

void collect(const json::object& o, const std::string& path, std::string_view full_url,
             std::vector<source_resource>& out, std::vector<diagnostic>& diags, int depth,
             bool root) {
  const json::value* type = member(o, "resourceType");
  if (!type || !type->is_string()) {
    diags.push_back({root ? severity::fatal : severity::error,
                     root ? "fhir.not_a_resource" : "fhir.malformed_resource", path,
                     root ? "the document is not a FHIR resource (no resourceType)"
                          : "the resource has no resourceType; skipped"});
    return;
  }
  if (std::string_view(type->get_string()) != "Bundle" || depth > 3) {
    out.push_back({&o, path, full_url});
    return;
  }
  const json::value* entries = member(o, "entry");
  if (!entries || entries->is_null()) return;
  if (!entries->is_array()) {
    diags.push_back({severity::error, "fhir.malformed_resource", path + ".entry",
                     "Bundle.entry must be an array; nothing read from it"});
    return;
  }
  const json::array& list = entries->get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string ep = path + ".entry[" + std::to_string(i) + "]";
    if (!list[i].is_object()) {
      diags.push_back({severity::error, "fhir.malformed_resource", ep,
                       "a Bundle entry must be an object; skipped"});
      continue;
    }
    const json::object& entry = list[i].get_object();
    std::string_view url;
    if (const json::value* u = member(entry, "fullUrl")) {
      if (u->is_string())
        url = u->get_string();
      else
        diags.push_back({severity::error, "fhir.malformed_field", ep + ".fullUrl",
                         "fullUrl must be a string; ignored"});
    }
    const json::value* resource = member(entry, "resource");
    if (!resource || resource->is_null()) continue;  // e.g. a batch-response entry
    if (!resource->is_object()) {
      diags.push_back({severity::error, "fhir.malformed_resource", ep + ".resource",
                       "the entry's resource must be an object; skipped"});
      continue;
    }
    collect(resource->get_object(), ep + ".resource", url, out, diags, depth + 1, false);
  }
}

std::string reference_key(std::string_view reference) {
  return std::string(reference_key_view(reference));
}

std::string_view reference_key_view(std::string_view reference) noexcept {
  if (reference.empty() || reference.front() == '#') return {};
  if (reference.rfind("urn:", 0) == 0) return reference;
  std::string_view r = reference;
  // Most references have no '_' at all: one memchr, not a search for the whole word (this runs
  // for every resource's fullUrl and patient reference).
  if (r.find('_') != std::string_view::npos)
    if (const auto h = r.find("/_history/"); h != std::string_view::npos) r = r.substr(0, h);
  const auto last = r.rfind('/');
  if (last == std::string_view::npos || last == 0) return r;
  const auto prev = r.rfind('/', last - 1);
  return prev == std::string_view::npos ? r : r.substr(prev + 1);
}

std::optional<std::string> patient_reference(const boost::json::object& resource) {
  if (const auto ref = patient_reference_view(resource)) return std::string(*ref);
  return std::nullopt;
}

std::optional<std::string_view> patient_reference_view(
    const boost::json::object& resource) noexcept {
  for (std::string_view key : {"subject", "patient"}) {
    const json::value* v = member(resource, key);
    if (!v || !v->is_object()) continue;
    const json::value* ref = member(v->get_object(), "reference");
    if (ref && ref->is_string()) return std::string_view(ref->get_string());
  }
  return std::nullopt;
}

}  // namespace mnscreen::fhir_detail
