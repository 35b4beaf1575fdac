// SPDX-License-Identifier: Apache-2.0
// Private helpers of src/cds: FHIR JSON access used by the request reader, the input builder
// and the response writer. Boost.JSON stays behind this header.
#ifndef MNSCREEN_SRC_CDS_COMMON_HPP
#define MNSCREEN_SRC_CDS_COMMON_HPP

#include <boost/json.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mnscreen/cds_hooks.hpp"
#include "mnscreen/diagnostic.hpp"

namespace mnscreen::cds::detail {

namespace json = boost::json;

/// A prefetch key's documents as `parse_request` read them: values inside the parsed request,
/// which `owner` keeps alive (one tree shared by every key of the request).
struct parsed_documents {
  std::shared_ptr<const json::value> owner;
  std::vector<const json::value*> values;
  /// The size of the request's text: a bound on the text of these documents (and of every
  /// other key's), for the FHIR reader's size limit.
  std::size_t request_bytes = 0;
};

/// The ServiceRequest extensions mnscreen reads a plan from (docs/cds-hooks.md) and writes back
/// in a suggestion (the anaesthetic).
constexpr std::string_view ext_device = "urn:mnscreen:extension:device";
constexpr std::string_view ext_depth = "urn:mnscreen:extension:needle-depth-mm";
constexpr std::string_view ext_anesthetic = "urn:mnscreen:extension:anesthetic";

/// The member `key` of `o`, or nullptr.
inline const json::value* member(const json::object& o, std::string_view key) {
  const auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

/// The string member `key` of `o`, or an empty view.
inline std::string_view string_member(const json::object& o, std::string_view key) {
  const json::value* v = member(o, key);
  if (!v || !v->is_string()) return {};
  return {v->get_string().data(), v->get_string().size()};
}

/// The `resourceType` of a JSON value (empty when it is not a resource).
inline std::string_view resource_type(const json::value& v) {
  return v.is_object() ? string_member(v.get_object(), "resourceType") : std::string_view{};
}

/// The issue texts of an OperationOutcome, joined (at most ~300 bytes, cut at UTF-8).
std::string outcome_text(const json::object& outcome);

/// True when an OperationOutcome reports an error or fatal issue (or states no severity).
bool outcome_is_failure(const json::object& outcome);

/// The treatment areas of a FHIR bodySite CodeableConcept (SNOMED CT body-site rows of the
/// terminology tables, else its text or display as an area or group word); empty if none.
std::vector<area> body_site_areas(const json::object& concept_);

/// Prefixes every code that has no `cds.`/`fhir.` prefix with `cds.`.
void prefix_codes(std::vector<diagnostic>& ds);

/// `s` cut to at most `n` bytes at a UTF-8 boundary, with "…" when cut.
std::string cut_text(std::string_view s, std::size_t n);

/// Replaces every occurrence of `token` in the paths and messages of `ds` with "[token]", so
/// that a token which also turns up elsewhere in a request (a key, a wrongly typed value shown
/// in a message) is never written. Tokens shorter than `min_redacted_token` are left alone:
/// they would blank out ordinary words.
constexpr std::size_t min_redacted_token = 8;
void redact_token(std::vector<diagnostic>& ds, std::string_view token);

}  // namespace mnscreen::cds::detail

#endif  // MNSCREEN_SRC_CDS_COMMON_HPP
