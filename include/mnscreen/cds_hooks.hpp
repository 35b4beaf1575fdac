// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/cds_hooks.hpp
//
// CDS Hooks 2.0 without HTTP: read a hook request (JSON text) into a typed request with
// diagnostics, complete its prefetch through a caller-supplied fetch function, turn request +
// prefetch into an intake (through the FHIR reader) and a plan, screen, and write the CDS Hooks
// response (cards). A clinic's own C++ server can embed this; `mnscreen serve` is one such
// server. docs/cds-hooks.md ("Hooks", "Prefetch", "Cards") describes the behaviour.
//
// How a server answers one hook call (this is what `mnscreen serve` does):
//
//   const mnscreen::cds::service_info* svc = mnscreen::cds::find_service(id);   // 404 if null
//   auto req = mnscreen::cds::parse_request(body);
//   if (!req.ok()) -> 400 with mnscreen::cds::diagnostics_json(req.diagnostics)
//   if (req.value.hook != svc->hook) -> 400 (cds.hook_mismatch, see hook_mismatch())
//   auto fetched = mnscreen::cds::resolve_prefetch(req.value, fetch);  // absent keys only
//   mnscreen::cds::hook_settings settings;    // from the server's config (default plan...)
//   auto result = mnscreen::cds::screen_request(req.value, screener, reader, settings, today);
//   std::string body = mnscreen::cds::to_response(result, req.value, {});   // 200
//
// `fetch` is called with a URL relative to `fhirServer` (e.g. `Condition?patient=123`); the
// server adds the base, the `fhirAuthorization` bearer token, the timeout and follows `next`
// links, returning every page. A failed or timed-out fetch is never "no data": its facts stay
// unknown and the response names them.
//
// @par Thread safety
// Every function here is reentrant and reads no clock (the screening date is an input); the
// `fhir_reader` and `screener` passed in are immutable and may be shared by threads.
//
// @par Secrets
// `request::authorization.access_token` is kept only in memory for the fetch; no function of
// this header writes it anywhere (diagnostics, responses and `describe` leave it out). Where the
// same text (8 bytes or more) turns up elsewhere in a request or in its FHIR data, the
// diagnostics of `parse_request`, `build_input` and `screen_request` show `[token]` in its place.
#ifndef MNSCREEN_CDS_HOOKS_HPP
#define MNSCREEN_CDS_HOOKS_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mnscreen/dates.hpp"
#include "mnscreen/diagnostic.hpp"
#include "mnscreen/export.hpp"
#include "mnscreen/fhir.hpp"
#include "mnscreen/patient.hpp"
#include "mnscreen/procedure.hpp"
#include "mnscreen/report.hpp"
#include "mnscreen/screener.hpp"

namespace mnscreen::cds {

// --- hooks and services ----------------------------------------------------------------------

/// The hooks this service answers.
enum class hook : std::uint8_t { patient_view, order_select, order_sign, appointment_book };

/// The hook's name as in CDS Hooks (`patient-view`, `order-select`, `order-sign`,
/// `appointment-book`).
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(hook h) noexcept;
/// The hook of a hook name, or nothing for another name.
[[nodiscard]] MNSCREEN_EXPORT std::optional<hook> parse_hook(std::string_view name) noexcept;

/// One service of the catalogue (one distinct id per hook).
struct service_info {
  /// Service id, the path segment of `/cds-services/{id}`: `mnscreen-patient-view`,
  /// `mnscreen-order-select`, `mnscreen-order-sign`, `mnscreen-appointment-book`.
  std::string_view id;
  enum hook hook {};
  std::string_view title;
  std::string_view description;
};

/// Every service, in `hook` order.
[[nodiscard]] MNSCREEN_EXPORT std::span<const service_info> services() noexcept;
/// The service with this id, or nullptr (the server answers 404).
[[nodiscard]] MNSCREEN_EXPORT const service_info* find_service(std::string_view id) noexcept;

/// One prefetch template (the same eight for every service).
struct prefetch_template {
  /// Prefetch key: `patient`, `conditions`, `medicationRequests`, `medicationStatements`,
  /// `allergies`, `observations`, `procedures`, `devices`.
  std::string_view key;
  /// The FHIR query with the CDS Hooks token, e.g. `Condition?patient={{context.patientId}}`.
  std::string_view query;
  /// The resource type it returns.
  std::string_view resource_type;
};

/// The prefetch templates, in the order above.
[[nodiscard]] MNSCREEN_EXPORT std::span<const prefetch_template> prefetch_templates() noexcept;

/// The discovery document (`GET /cds-services`): `{"services": [...]}` with hook, id, title,
/// description and prefetch of every service.
[[nodiscard]] MNSCREEN_EXPORT std::string discovery_json();

// --- requests --------------------------------------------------------------------------------

/// Limits of the request reader.
struct request_limits {
  /// Larger requests are refused (`cds.document_too_large`, fatal). Real patient prefetches reach
  /// ~4 MB.
  std::size_t max_bytes = std::size_t{8} * 1024 * 1024;
  /// Deeper nesting is refused (`cds.too_deep`, fatal).
  std::size_t max_depth = 64;
};

/// `fhirAuthorization` of a request. The token lives only here (never logged, never written).
struct fhir_authorization {
  std::string access_token;
  std::string token_type;
  std::optional<long long> expires_in;
  std::string scope;
  std::string subject;
  std::string patient;
};

/// What the client sent for one prefetch key.
enum class prefetch_state : std::uint8_t {
  /// The key is not in `prefetch`: the client did not try. Fetch it (`resolve_prefetch`).
  absent,
  /// `null`, or an empty Bundle: the client found nothing. Nothing is known from it — not
  /// "no" — but there is nothing to fetch.
  no_data,
  /// A resource or a Bundle with entries.
  data,
  /// An OperationOutcome (or a fetch that failed or timed out): the data could not be had.
  /// Never refetched; its facts are unknown and the response says so.
  failed
};

[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(prefetch_state s) noexcept;

namespace detail {
/// Documents of a prefetch key kept as `parse_request` read them (private; src/cds).
struct parsed_documents;
}  // namespace detail

/// One prefetch key of a request (template keys and any other key the client sent).
struct prefetch_entry {
  std::string key;
  prefetch_state state = prefetch_state::absent;
  /// With `data`, when the data came as text (fetched by `resolve_prefetch`, or set by the
  /// caller): each document as JSON text (one resource or Bundle per item; several when a fetch
  /// followed `next` links). Data that `parse_request` read from the request are kept parsed in
  /// `parsed` instead, so that `screen_request` does not read them a second time, and this is
  /// empty; `texts()` gives the documents as text either way. Both are read when both are set.
  std::vector<std::string> documents;
  /// With `failed`: why (the OperationOutcome's issue text, or the fetch's message).
  std::string failure;
  /// True when the data came from `resolve_prefetch`, not from the client.
  bool fetched = false;
  /// The request's own data for this key, as `parse_request` read it (shared, immutable; it
  /// keeps the parsed request alive). Null for entries built by hand or fetched.
  std::shared_ptr<const detail::parsed_documents> parsed;

  /// Every document of the entry as JSON text: those of `parsed` written out, then `documents`.
  [[nodiscard]] MNSCREEN_EXPORT std::vector<std::string> texts() const;
};

/// A CDS Hooks request, typed. Unknown members are ignored (warnings).
struct request {
  enum hook hook {};
  /// The hook name as sent (also when it is not one of ours: then `parse_request` reports
  /// `cds.unknown_hook`).
  std::string hook_name;
  std::string hook_instance;
  /// `fhirServer` (empty when not sent).
  std::string fhir_server;
  std::optional<fhir_authorization> authorization;
  // context
  std::string patient_id;
  std::string user_id;
  std::string encounter_id;
  /// order-select `selections` (references such as `ServiceRequest/abc`).
  std::vector<std::string> selections;
  /// `draftOrders` resources (order-select, order-sign), each as JSON text. A Bundle (with or
  /// without `type`), a bare array or a single resource are all accepted.
  std::vector<std::string> draft_orders;
  /// `appointments` resources (appointment-book), each as JSON text; Bundle or bare array.
  std::vector<std::string> appointments;
  /// One entry per prefetch template key (state `absent` when not sent), in template order,
  /// then other keys the client sent, in document order.
  std::vector<prefetch_entry> prefetch;

  /// The entry of `key`, or nullptr.
  [[nodiscard]] MNSCREEN_EXPORT const prefetch_entry* find_prefetch(std::string_view key) const;
};

/// Reads a hook request. Errors (the server answers 400 with them): malformed JSON
/// (`cds.malformed_json`), too deep (`cds.too_deep`), too large (`cds.document_too_large`) —
/// these three fatal —; `hook`, `hookInstance`, `context` or `context.patientId` missing
/// (`cds.missing_field`) or of the wrong type (`cds.wrong_type`), an unknown hook
/// (`cds.unknown_hook`), a prefetch value or draft order that is not a FHIR resource
/// (`cds.not_a_resource`), a duplicate key. Warnings: unknown members, legacy members (`user`,
/// `patient`, `oauth` of pre-1.0 drafts). Resources of another patient are dropped later, by
/// `build_input` (warning `cds.other_patient`).
/// Codes start with `cds.` (docs/errors.md). Never throws on any input.
[[nodiscard]] MNSCREEN_EXPORT parse_result<request> parse_request(
    std::string_view json, const request_limits& limits = {});

/// A `cds.hook_mismatch` error when `req.hook` is not `service.hook` (else nothing).
[[nodiscard]] MNSCREEN_EXPORT std::optional<diagnostic> hook_mismatch(const request& req,
                                                                      const service_info& service);

/// Diagnostics as a JSON error body: `{"error": "<first error message>", "diagnostics":
/// [{"severity", "code", "path", "message"}...]}` (for a 400 answer; holds no token).
[[nodiscard]] MNSCREEN_EXPORT std::string diagnostics_json(const std::vector<diagnostic>& ds);

// --- prefetch --------------------------------------------------------------------------------

/// What a fetch gave.
struct fetch_result {
  enum class status : std::uint8_t { ok, timeout, error };
  enum status status = status::error;
  /// With `ok`: the FHIR JSON documents (a resource, or a Bundle per page when `next` links
  /// were followed; the fetcher stops at its page limit and says so in `message`).
  std::vector<std::string> documents;
  /// A short reason for `timeout` / `error` (no token, no patient data), e.g. "HTTP 503".
  std::string message;
};

/// Fetches a URL relative to `fhirServer` (e.g. `Patient/123`, `Condition?patient=123`).
using fetch_function = std::function<fetch_result(std::string_view relative_url)>;

/// The relative URL of a template for a request (`{{context.patientId}}` replaced, the id
/// percent-encoded).
[[nodiscard]] MNSCREEN_EXPORT std::string prefetch_url(const prefetch_template& t,
                                                       const request& req);

/// Fills every `absent` template key by calling `fetch` once per key (sequentially, in
/// template order): `ok` → `data` or `no_data` (an empty searchset), `timeout`/`error` →
/// `failed`. With no `fhirServer`, no patient id, or an empty `fetch`, absent keys become
/// `failed` without a call. `null`, empty and OperationOutcome keys are never fetched.
/// Returns the keys that were fetched or failed, in template order.
MNSCREEN_EXPORT std::vector<std::string> resolve_prefetch(request& req,
                                                          const fetch_function& fetch);

// --- screening -------------------------------------------------------------------------------

/// A FHIR Coding (order codes, override reasons).
struct coding {
  std::string system;
  std::string code;
  std::string display;
  friend bool operator==(const coding&, const coding&) = default;
};

/// Settings from the server's configuration.
struct hook_settings {
  /// The plan for hooks that carry no order (patient-view), and the device/depth/anaesthetic
  /// of orders that do not state them. Its `date` is replaced by the screening date.
  std::optional<procedure_plan> default_plan;
  /// Codings that mean "microneedling" in this clinic's orders (matched on system + code).
  std::vector<coding> order_codes;
  /// Extra words that mean microneedling in an order's text (matched as whole words,
  /// case-insensitive) besides the built-in `microneedling`, `micro-needling`,
  /// `collagen induction therapy`.
  std::vector<std::string> order_words;
  /// Policy of the stale-record windows of the FHIR reader (the screener's policy).
  policy record_policy;
};

/// What the screen of one hook call was made from.
struct hook_input {
  /// Intake from the prefetch (only the resources of `context.patientId`).
  intake record;
  /// The plan (from the order, appointment or default plan).
  procedure_plan plan;
  /// False when no plan could be made (no order, no default plan): then no screen ran.
  bool has_plan = false;
  /// True when the call is not about microneedling (order-select/-sign without a microneedling
  /// order, appointment-book without a microneedling appointment): the answer is no card, and
  /// it is neither an incomplete screen nor an error (`cds.no_microneedling_order` says so).
  bool not_applicable = false;
  /// The FHIR reader's result (diagnostics with paths into the request's prefetch).
  parse_result<fhir_intake> fhir;
  /// Every assumption made for the plan, in words ("depth 0.5 mm from the default plan").
  std::vector<std::string> assumptions;
  /// Prefetch keys whose data could not be had (state `failed`), with why.
  std::vector<std::pair<std::string, std::string>> unavailable;
  /// The draft order or appointment the plan was made from (JSON text), when there is one.
  std::string source_resource;
  /// Its type (`ServiceRequest`, `Appointment`), empty when none.
  std::string source_type;
  /// Problems with the request's content (other patients' resources, orders that are not
  /// microneedling, unreadable dates…), all warnings, codes `cds.*`.
  std::vector<diagnostic> diagnostics;
};

/// Builds intake and plan from a request on `today` (the request's day in the service's time
/// zone: the screening date). Never throws on request content.
[[nodiscard]] MNSCREEN_EXPORT hook_input build_input(const request& req, const fhir_reader& reader,
                                                     const hook_settings& settings, date today);

/// The result of one hook call.
struct hook_result {
  hook_input input;
  /// The report (with the FHIR reader's findings); absent when `!input.has_plan`.
  std::optional<report> screen;
};

/// `build_input`, then `screener.screen` and `add_fhir_findings`.
[[nodiscard]] MNSCREEN_EXPORT hook_result screen_request(const request& req, const screener& s,
                                                         const fhir_reader& reader,
                                                         const hook_settings& settings, date today);

/// Options of `screen_request`.
struct screen_request_options {
  /// True (the default): the FHIR reader's diagnostics stay in `input.fhir.diagnostics` and the
  /// report's warnings get copies of them. False: when there is a report, they are moved into
  /// its warnings (the same warnings, in the same order) and `input.fhir.diagnostics` is left
  /// empty; for a caller that reads the report and not the reader's diagnostics (the server:
  /// ~120 allocations fewer per patient-view call).
  bool keep_fhir_diagnostics = true;
};

/// `screen_request` with options.
[[nodiscard]] MNSCREEN_EXPORT hook_result screen_request(const request& req, const screener& s,
                                                         const fhir_reader& reader,
                                                         const hook_settings& settings, date today,
                                                         const screen_request_options& options);

// --- responses -------------------------------------------------------------------------------

/// Options of the response writer.
struct response_options {
  /// patient-view only: show an `info` card for a complete `proceed` (default: no card).
  bool proceed_card_on_patient_view = false;
  /// `source.url` of the cards (e.g. the service's documentation page); left out when empty.
  std::string source_url;
};

/// The override-reason codes of warning and critical cards (system `override_reason_system`).
inline constexpr std::string_view override_reason_system = "urn:mnscreen:cds:override-reason";
[[nodiscard]] MNSCREEN_EXPORT std::span<const coding> override_reasons();

/// The CDS Hooks response (`{"cards": [...]}`) for a hook result. docs/cds-hooks.md "Cards".
[[nodiscard]] MNSCREEN_EXPORT std::string to_response(const hook_result& result, const request& req,
                                                      const response_options& options = {});

/// One card of a response as `to_response` wrote it: its `uuid` and `indicator`, and the rules
/// the card asks the clinician to act on: for the flags card the flags not overridden in the
/// plan (those its uuid is made of; overridden flags are listed after them, for the record),
/// for a patient-view "proceed" card its info flags, for any other card none.
struct response_card {
  std::string uuid;
  std::string indicator;
  std::vector<std::string> rule_ids;
};

/// `to_response`, which also gives the cards it wrote, in the response's order, in `cards`
/// (replaced): what an audit trail records, without reading the response back.
[[nodiscard]] MNSCREEN_EXPORT std::string to_response(const hook_result& result, const request& req,
                                                      const response_options& options,
                                                      std::vector<response_card>& cards);

/// The uuid of a card: a name-based (SHA-1, version 5) UUID of hook instance, card kind and
/// the rule ids it shows. Same inputs, same uuid.
[[nodiscard]] MNSCREEN_EXPORT std::string card_uuid(std::string_view hook_instance,
                                                    std::string_view kind,
                                                    std::span<const std::string> rule_ids);

// --- feedback --------------------------------------------------------------------------------

enum class feedback_outcome : std::uint8_t { accepted, overridden };
[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(feedback_outcome o) noexcept;

/// One feedback item.
struct feedback_item {
  std::string card_uuid;
  feedback_outcome outcome = feedback_outcome::accepted;
  /// Ids of accepted suggestions (`acceptedSuggestions[].id`).
  std::vector<std::string> accepted_suggestions;
  /// `overrideReason.reason` (2.0) or the flat `overrideReason` Coding (older clients).
  std::optional<coding> override_reason;
  /// `overrideReason.userComment`.
  std::string comment;
  /// `outcomeTimestamp` as sent (ISO 8601 instant).
  std::string outcome_timestamp;
  friend bool operator==(const feedback_item&, const feedback_item&) = default;
};

/// Reads a feedback body: `{"feedback": [...]}` (batched; the same card may repeat), or a
/// single feedback object at the top level (older clients). Items that cannot be read are
/// errors and dropped, the others kept. An empty list is an error (`cds.missing_field`).
[[nodiscard]] MNSCREEN_EXPORT parse_result<std::vector<feedback_item>> parse_feedback(
    std::string_view json, const request_limits& limits = {});

}  // namespace mnscreen::cds

#endif  // MNSCREEN_CDS_HOOKS_HPP
