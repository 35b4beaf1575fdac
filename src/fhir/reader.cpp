// SPDX-License-Identifier: Apache-2.0
// The FHIR R4 reader: Bundles and single resources → one patient's intake. The rules are in
// docs/fhir.md; the ground rules are those of clinical-spec.md: a record that does not mention
// a factor leaves it unknown, only explicit denials become `negatives`, every coding that is not
// mapped is a warning, and a malformed resource is an error that does not stop the others.
// This file: the entry points (a document parsed and read, the public fhir_reader); the mapping
// is in reader_resources.cpp, reader_fields.cpp, reader_conditions.cpp, reader_medications.cpp
// and reader_observations.cpp, around the private mapper of reader_mapper.hpp.
#include "mnscreen/fhir.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "fhir/reader_core.hpp"
#include "fhir/reader_mapper.hpp"
#include "fhir/terminology.hpp"
#include "json/parse.hpp"

namespace mnscreen {
namespace fhir_detail {

std::optional<boost::json::value> parse_json(std::string_view text, const fhir_options& options,
                                             std::vector<diagnostic>& diagnostics,
                                             std::string_view where,
                                             boost::json::storage_ptr storage) {
  const std::string path = where.empty() ? std::string("$") : std::string(where) + ":$";
  if (text.size() > options.max_bytes) {
    diagnostics.push_back({severity::fatal, "fhir.too_large", path,
                           "the document is " + std::to_string(text.size()) +
                               " bytes, over the limit of " + std::to_string(options.max_bytes)});
    return std::nullopt;
  }
  json_detail::parsed doc = json_detail::parse(text, options.max_depth, std::move(storage));
  if (!doc.value) {
    diagnostics.push_back({severity::fatal, "fhir.malformed_json", path,
                           "not valid JSON at line " + std::to_string(doc.line) + ", column " +
                               std::to_string(doc.column) + ": " + doc.error.message()});
    return std::nullopt;
  }
  const std::string prefix = where.empty() ? std::string() : std::string(where) + ":";
  for (const std::string& key : doc.duplicate_keys)
    diagnostics.push_back({severity::warning, "fhir.duplicate_key", prefix + key,
                           std::string(json_detail::duplicate_key_message)});
  return std::move(doc.value);
}

parse_result<fhir_intake> map_resources(const terminology& terms, const fhir_options& options,
                                        std::vector<source_resource>&& resources,
                                        std::vector<diagnostic> diagnostics) {
  mapper m(terms, options, diagnostics);
  m.run(std::move(resources));
  parse_result<fhir_intake> out;
  out.value = m.take();
  out.diagnostics = std::move(diagnostics);
  return out;
}

namespace {

parse_result<fhir_intake> read_object(const terminology& terms, const json::object& document,
                                      const fhir_options& options, std::vector<diagnostic> diags) {
  std::vector<source_resource> resources;
  collect(document, "$", "", resources, diags, 0, true);
  if (has_errors(diags) && std::any_of(diags.begin(), diags.end(), [](const diagnostic& d) {
        return d.severity == severity::fatal;
      }))
    return {{}, std::move(diags)};
  return map_resources(terms, options, std::move(resources), std::move(diags));
}

}  // namespace

parse_result<fhir_intake> read_document(const terminology& terms, std::string_view text,
                                        const fhir_options& options) {
  std::vector<diagnostic> diags;
  // The tree lives only while it is mapped: one arena, freed at once.
  json::monotonic_resource arena;
  auto doc = parse_json(text, options, diags, {}, json::storage_ptr(&arena));
  if (!doc) return {{}, std::move(diags)};
  if (!doc->is_object()) {
    diags.push_back({severity::fatal, "fhir.not_a_resource", "$",
                     "the document is not a JSON object (a FHIR resource or Bundle)"});
    return {{}, std::move(diags)};
  }
  return read_object(terms, doc->get_object(), options, std::move(diags));
}

parse_result<fhir_intake> read_object(const terminology& terms, const json::object& document,
                                      const fhir_options& options) {
  return read_object(terms, document, options, {});
}

parse_result<fhir_intake> read_entries(const terminology& terms,
                                       std::span<const bundle_entry> entries,
                                       const fhir_options& options) {
  // As `collect` walks a collection Bundle whose entries are objects with a string fullUrl
  // (when not empty) and an object resource: nothing to report about the Bundle itself.
  std::vector<diagnostic> diags;
  std::vector<source_resource> resources;
  resources.reserve(entries.size());
  std::string path;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    path.assign("$.entry[").append(std::to_string(i)).append("].resource");
    collect(*entries[i].resource, path, entries[i].full_url, resources, diags, 1, false);
  }
  return map_resources(terms, options, std::move(resources), std::move(diags));
}

}  // namespace fhir_detail

// --- public API ----------------------------------------------------------------------------

std::shared_ptr<const fhir_reader::impl> fhir_reader::make_embedded() {
  auto p = std::make_shared<impl>();
  std::vector<diagnostic> diags;
  for (const auto& f : fhir_detail::embedded_tables()) p->terms.add_file(f.name, f.text, diags);
  p->terms.finish();
  // The embedded tables are checked by the tests; a broken row here is a build defect.
  if (has_errors(diags))
    throw error("mnscreen: embedded terminology table: " + format(diags.front()));
  return p;
}

fhir_reader::fhir_reader() : impl_(make_embedded()) {}
fhir_reader::fhir_reader(const fhir_reader&) = default;
fhir_reader::fhir_reader(fhir_reader&&) noexcept = default;
fhir_reader& fhir_reader::operator=(const fhir_reader&) = default;
fhir_reader& fhir_reader::operator=(fhir_reader&&) noexcept = default;
fhir_reader::~fhir_reader() = default;

parse_result<fhir_reader> fhir_reader::from_directory(const std::filesystem::path& directory) {
  parse_result<fhir_reader> out;
  auto p = std::make_shared<impl>();
  for (const auto& f : fhir_detail::embedded_tables()) {
    const std::filesystem::path file = directory / std::string(f.name);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
      out.diagnostics.push_back({severity::fatal, "fhir.table_missing", file.string(),
                                 "the terminology table is missing"});
      continue;
    }
    std::string text;
    {
      std::FILE* fp = std::fopen(file.string().c_str(), "rb");
      if (!fp) {
        out.diagnostics.push_back({severity::fatal, "fhir.table_missing", file.string(),
                                   "the terminology table cannot be opened"});
        continue;
      }
      char buf[65536];
      std::size_t n = 0;
      while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) text.append(buf, n);
      std::fclose(fp);
    }
    p->terms.add_file(f.name, text, out.diagnostics);
  }
  p->terms.finish();
  out.value.impl_ = std::move(p);
  return out;
}

parse_result<fhir_intake> fhir_reader::read(std::string_view json,
                                            const fhir_options& options) const {
  return fhir_detail::read_document(impl_->terms, json, options);
}

std::size_t fhir_reader::table_rows() const noexcept { return impl_->terms.size(); }

parse_result<fhir_intake> read_fhir(std::string_view json, const fhir_options& options) {
  return fhir_reader{}.read(json, options);
}

fhir_options make_fhir_options(const policy& p, date as_of) {
  fhir_options o;
  o.as_of = as_of;
  o.stale_pregnancy_days = p.stale_pregnancy_days;
  o.stale_prescription_days = p.stale_prescription_days;
  return o;
}

std::string_view to_string(fhir_match m) noexcept {
  return m == fhir_match::code ? "code" : "name";
}

}  // namespace mnscreen
