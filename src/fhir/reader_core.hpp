// SPDX-License-Identifier: Apache-2.0
// The mapping core shared by the Bundle reader and the Bulk Data reader: a list of parsed FHIR
// resources in, one patient's fhir_intake out.
#ifndef MNSCREEN_SRC_FHIR_READER_CORE_HPP
#define MNSCREEN_SRC_FHIR_READER_CORE_HPP

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "fhir/terminology.hpp"
#include "mnscreen/fhir.hpp"

namespace mnscreen::fhir_detail {

/// One resource to map, with where it sits in its document.
struct source_resource {
  const boost::json::object* object = nullptr;
  /// JSONPath of the resource object (`$.entry[3].resource`, or `Condition.ndjson:57:$`).
  std::string path;
  /// The Bundle entry's fullUrl (empty outside Bundles): a view of the parsed document, which
  /// outlives the mapping.
  std::string_view full_url;
};

/// Maps `resources` to one patient's intake. `diagnostics` already holds the problems found
/// while collecting them (they are kept, first). The resources are taken: their paths move
/// into the mapper rather than being copied (one allocation fewer per resource).
[[nodiscard]] parse_result<fhir_intake> map_resources(const terminology& terms,
                                                      const fhir_options& options,
                                                      std::vector<source_resource>&& resources,
                                                      std::vector<diagnostic> diagnostics);

/// The reference target key of a reference string: `Type/id` for relative or absolute URLs
/// (a `_history` suffix removed), the string itself for `urn:` references, empty for `#id`.
[[nodiscard]] std::string reference_key(std::string_view reference);
/// `reference_key` as a view of `reference` (the key is always a part of it).
[[nodiscard]] std::string_view reference_key_view(std::string_view reference) noexcept;

/// The patient reference of a resource (`subject`, else `patient`), as written.
[[nodiscard]] std::optional<std::string> patient_reference(const boost::json::object& resource);
/// `patient_reference` as a view of the string inside `resource`.
[[nodiscard]] std::optional<std::string_view> patient_reference_view(
    const boost::json::object& resource) noexcept;

/// Parses a whole document with the reader's limits, into `storage` (default: the heap; the
/// readers pass a monotonic resource, since the tree is dropped as a whole after mapping). On
/// failure returns nothing and appends a fatal diagnostic (`fhir.malformed_json` or
/// `fhir.too_large`) with line and column (1-based, in bytes). Numbers are read correctly
/// rounded and a key given twice in an object is a `fhir.duplicate_key` warning (only its last
/// value is read): the parse handler of src/json.
[[nodiscard]] std::optional<boost::json::value> parse_json(std::string_view text,
                                                           const fhir_options& options,
                                                           std::vector<diagnostic>& diagnostics,
                                                           std::string_view where = {},
                                                           boost::json::storage_ptr storage = {});

/// Reads a Bundle or a single resource already parsed (what `read_document` does after
/// parsing; diagnostics have the same paths). For callers that hold the tree already (the
/// CDS Hooks reader), so that it is not written out and parsed again.
[[nodiscard]] parse_result<fhir_intake> read_object(const terminology& terms,
                                                    const boost::json::object& document,
                                                    const fhir_options& options);

/// One resource of `read_entries`: what a collection Bundle's entry would hold.
struct bundle_entry {
  const boost::json::object* resource = nullptr;
  std::string_view full_url;
};

/// Reads `entries` as `read_object` reads a collection Bundle holding them in this order
/// (diagnostics have the paths `$.entry[i].resource…`), without that Bundle being built: for
/// the CDS Hooks reader, whose resources stay where the request was parsed.
[[nodiscard]] parse_result<fhir_intake> read_entries(const terminology& terms,
                                                     std::span<const bundle_entry> entries,
                                                     const fhir_options& options);

/// Reads a Bundle or a single resource (fhir_reader::read).
[[nodiscard]] parse_result<fhir_intake> read_document(const terminology& terms,
                                                      std::string_view text,
                                                      const fhir_options& options);

/// `add_fhir_findings`, with the reader's diagnostics moved into the report's warnings rather
/// than copied (`fhir.diagnostics` is left empty): the same report, ~3 allocations fewer per
/// diagnostic, for a caller that reads the report and not the reader's diagnostics.
void add_fhir_findings_moving(report& rep, parse_result<fhir_intake>& fhir);

}  // namespace mnscreen::fhir_detail

namespace mnscreen {

/// The reader's tables (shared, immutable).
struct fhir_reader::impl {
  fhir_detail::terminology terms;
};

/// The tables of a reader, for the library's own readers of parsed trees.
struct fhir_reader_access {
  static const fhir_detail::terminology& terms(const fhir_reader& r) { return r.impl_->terms; }
};

}  // namespace mnscreen

#endif  // MNSCREEN_SRC_FHIR_READER_CORE_HPP
