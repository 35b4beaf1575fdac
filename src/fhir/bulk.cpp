// SPDX-License-Identifier: Apache-2.0
// FHIR Bulk Data exports (NDJSON): an index pass that keeps only line offsets per patient, then
// one patient's lines read back and mapped at a time. See fhir_bulk_export in fhir.hpp for the
// memory behaviour.
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <unordered_map>
#include <utility>

#include <boost/json.hpp>

#include "fhir/reader_core.hpp"
#include "mnscreen/diagnostic.hpp"
#include "mnscreen/fhir.hpp"

namespace mnscreen {
namespace {

namespace json = boost::json;

/// Where one resource line is: 24 bytes.
struct line_ref {
  std::uint64_t offset = 0;
  std::uint32_t length = 0;
  std::uint32_t line = 0;
  std::uint32_t file = 0;
};

struct patient_entry {
  std::string id;
  std::vector<line_ref> lines;
  std::map<std::string, std::size_t> counts;
  bool has_patient_resource = false;
  // Order: Patient resources in file/line order first, then patients only referenced.
  std::uint64_t order = 0;
};

/// The patient at `index`. @throws mnscreen::error when `index` is out of range.
const patient_entry& at(const std::vector<patient_entry>& patients, std::size_t index) {
  if (index >= patients.size())
    throw mnscreen::error("mnscreen: patient index " + std::to_string(index) +
                          " is out of range (the export has " + std::to_string(patients.size()) +
                          " patients)");
  return patients[index];
}

std::string line_path(const std::string& file, std::uint32_t line) {
  return file + ":" + std::to_string(line) + ":$";
}

}  // namespace

struct fhir_bulk_export::impl {
  std::shared_ptr<const fhir_reader::impl> reader;
  std::vector<std::filesystem::path> files;
  std::vector<std::string> file_names;
  std::vector<patient_entry> patients;
  std::unordered_map<std::string, line_ref> medications;
};

fhir_bulk_export::fhir_bulk_export() : impl_(std::make_shared<impl>()) {}
fhir_bulk_export::fhir_bulk_export(const fhir_bulk_export&) = default;
fhir_bulk_export::fhir_bulk_export(fhir_bulk_export&&) noexcept = default;
fhir_bulk_export& fhir_bulk_export::operator=(const fhir_bulk_export&) = default;
fhir_bulk_export& fhir_bulk_export::operator=(fhir_bulk_export&&) noexcept = default;
fhir_bulk_export::~fhir_bulk_export() = default;

parse_result<fhir_bulk_export> fhir_bulk_export::open(const std::filesystem::path& directory,
                                                      const fhir_reader& reader) {
  parse_result<fhir_bulk_export> out;
  auto p = std::make_shared<impl>();
  p->reader = reader.impl_;
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) {
    out.diagnostics.push_back(
        {severity::fatal, "fhir.bulk_not_found", directory.string(), "not a directory"});
    out.value.impl_ = std::move(p);
    return out;
  }
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec))
    if (entry.is_regular_file(ec) && entry.path().extension() == ".ndjson")
      p->files.push_back(entry.path());
  std::sort(p->files.begin(), p->files.end());
  if (p->files.empty())
    out.diagnostics.push_back({severity::warning, "fhir.bulk_empty", directory.string(),
                               "the directory holds no .ndjson file"});

  std::unordered_map<std::string, std::size_t> by_id;
  std::uint64_t sequence = 0;
  const auto patient_for = [&](const std::string& id) -> patient_entry& {
    const auto [it, inserted] = by_id.try_emplace(id, p->patients.size());
    if (inserted) {
      patient_entry e;
      e.id = id;
      e.order = (std::uint64_t{1} << 62) + sequence;
      p->patients.push_back(std::move(e));
    }
    return p->patients[it->second];
  };
  const fhir_options limits;
  for (std::size_t f = 0; f < p->files.size(); ++f) {
    const std::string name = p->files[f].filename().string();
    p->file_names.push_back(name);
    std::ifstream in(p->files[f], std::ios::binary);
    if (!in) {
      out.diagnostics.push_back(
          {severity::error, "fhir.bulk_unreadable", name, "the file cannot be opened; skipped"});
      continue;
    }
    std::string text;
    std::uint64_t offset = 0;
    std::uint32_t line_number = 0;
    std::size_t orphans = 0;
    std::string first_orphan;
    while (std::getline(in, text)) {
      ++line_number;
      ++sequence;
      const std::uint64_t at = offset;
      offset += text.size() + 1;
      std::string_view line = text;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      const std::string where = name + ":" + std::to_string(line_number);
      std::vector<diagnostic> diags;
      auto doc = fhir_detail::parse_json(line, limits, diags, where);
      for (auto& d : diags) {
        // Keys given twice are reported when the patient's lines are read.
        if (d.code == "fhir.duplicate_key") continue;
        if (d.severity == severity::fatal)
          d.severity = severity::error;  // one bad line does not stop the export
        out.diagnostics.push_back(std::move(d));
      }
      if (!doc) continue;
      const json::object* o = doc->if_object();
      const json::value* type = o ? o->if_contains("resourceType") : nullptr;
      if (!type || !type->is_string()) {
        out.diagnostics.push_back({severity::error, "fhir.malformed_resource", where + ":$",
                                   "the line is not a FHIR resource (no resourceType); skipped"});
        continue;
      }
      const std::string resource_type(type->get_string());
      const json::value* idv = o->if_contains("id");
      const std::string id = idv && idv->is_string() ? std::string(idv->get_string()) : "";
      const line_ref ref{at, static_cast<std::uint32_t>(line.size()), line_number,
                         static_cast<std::uint32_t>(f)};
      if (resource_type == "Patient") {
        if (id.empty()) {
          out.diagnostics.push_back({severity::error, "fhir.malformed_resource", where + ":$.id",
                                     "a Patient without an id cannot be grouped; skipped"});
          continue;
        }
        patient_entry& e = patient_for(id);
        if (!e.has_patient_resource) {
          e.has_patient_resource = true;
          e.order = sequence;
        }
        e.lines.push_back(ref);
        ++e.counts[resource_type];
        continue;
      }
      if (resource_type == "Medication") {
        if (!id.empty()) p->medications.try_emplace("Medication/" + id, ref);
        continue;
      }
      const auto reference = fhir_detail::patient_reference(*o);
      const std::string key = reference ? fhir_detail::reference_key(*reference) : std::string();
      if (key.rfind("Patient/", 0) != 0 || key.size() <= 8) {
        if (orphans++ == 0) first_orphan = where;
        continue;
      }
      patient_entry& e = patient_for(key.substr(8));
      e.lines.push_back(ref);
      ++e.counts[resource_type];
    }
    if (orphans > 0)
      out.diagnostics.push_back(
          {severity::warning, "fhir.bulk_unlinked", first_orphan + ":$",
           std::to_string(orphans) + " resource(s) of " + name +
               " are linked to no patient (no subject/patient reference) and are not read"});
  }
  std::stable_sort(
      p->patients.begin(), p->patients.end(),
      [](const patient_entry& a, const patient_entry& b) { return a.order < b.order; });
  for (const auto& e : p->patients)
    if (!e.has_patient_resource)
      out.diagnostics.push_back(
          {severity::warning, "fhir.bulk_no_patient", "Patient/" + e.id,
           "resources refer to Patient/" + e.id + ", which has no Patient resource in the export"});
  out.value.impl_ = std::move(p);
  return out;
}

std::size_t fhir_bulk_export::size() const noexcept { return impl_->patients.size(); }

const std::string& fhir_bulk_export::patient_id(std::size_t index) const {
  return at(impl_->patients, index).id;
}

std::size_t fhir_bulk_export::resource_count(std::size_t index) const {
  return at(impl_->patients, index).lines.size();
}

std::vector<std::pair<std::string, std::size_t>> fhir_bulk_export::resource_counts(
    std::size_t index) const {
  const auto& counts = at(impl_->patients, index).counts;
  return {counts.begin(), counts.end()};
}

parse_result<fhir_intake> fhir_bulk_export::read_patient(std::size_t index,
                                                         const fhir_options& options) const {
  const patient_entry& patient = at(impl_->patients, index);
  std::vector<diagnostic> diags;
  // This patient's resources, in one arena freed when the patient has been mapped.
  json::monotonic_resource arena;
  std::vector<std::ifstream> streams(impl_->files.size());
  std::vector<json::value> values;
  std::vector<std::string> paths;
  values.reserve(patient.lines.size() + 4);
  paths.reserve(patient.lines.size() + 4);

  const auto load = [&](const line_ref& ref) {
    std::ifstream& in = streams[ref.file];
    if (!in.is_open()) in.open(impl_->files[ref.file], std::ios::binary);
    std::string text(ref.length, '\0');
    in.clear();
    in.seekg(static_cast<std::streamoff>(ref.offset));
    in.read(text.data(), static_cast<std::streamsize>(ref.length));
    const std::string where = impl_->file_names[ref.file] + ":" + std::to_string(ref.line);
    if (!in) {
      diags.push_back({severity::error, "fhir.bulk_unreadable", where,
                       "the line cannot be read back (has the file changed?); skipped"});
      return;
    }
    std::vector<diagnostic> parse_diags;
    auto doc =
        fhir_detail::parse_json(text, options, parse_diags, where, json::storage_ptr(&arena));
    for (auto& d : parse_diags) {
      if (d.severity == severity::fatal) d.severity = severity::error;
      diags.push_back(std::move(d));
    }
    if (!doc || !doc->is_object()) return;
    values.push_back(std::move(*doc));
    paths.push_back(line_path(impl_->file_names[ref.file], ref.line));
  };
  for (const line_ref& ref : patient.lines) load(ref);

  // Medications referenced by this patient's requests and statements.
  std::vector<std::string> wanted;
  for (const auto& v : values) {
    const json::object& o = v.get_object();
    const json::value* ref = o.if_contains("medicationReference");
    if (!ref || !ref->is_object()) continue;
    const json::value* target = ref->get_object().if_contains("reference");
    if (!target || !target->is_string()) continue;
    const std::string key = fhir_detail::reference_key(target->get_string());
    if (!key.empty() && std::find(wanted.begin(), wanted.end(), key) == wanted.end())
      wanted.push_back(key);
  }
  for (const auto& key : wanted)
    if (const auto it = impl_->medications.find(key); it != impl_->medications.end())
      load(it->second);

  std::vector<fhir_detail::source_resource> resources;
  resources.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    resources.push_back({&values[i].get_object(), paths[i], ""});
  fhir_options o = options;
  o.patient_id = patient.has_patient_resource ? patient.id : std::string();
  auto result =
      fhir_detail::map_resources(impl_->reader->terms, o, std::move(resources), std::move(diags));
  if (result.value.record.patient.id.empty()) result.value.record.patient.id = patient.id;
  return result;
}

}  // namespace mnscreen
