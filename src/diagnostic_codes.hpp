// SPDX-License-Identifier: Apache-2.0
// Private: every diagnostic code of mnscreen in one table — code, severities, meaning. The code
// tables of docs/errors.md and docs/fhir.md are generated from it, and a test
// (tests/docs/diagnostic_codes_test.cpp) fails when a code made in src/ or tools/ is not in the
// table (undocumented), when a code of the table is made nowhere (unused), when a site makes a
// code with a severity the table does not list, or when the docs differ from the table.
// Regenerate the docs with `MNSCREEN_UPDATE_DOCS=1 ctest -R diagnostic_codes`.
//
// The code sites keep their string literals (`ctx.error("missing_field", ...)`); this table is
// what ties them together. A code may have one row per group (`wrong_type` is fatal for the
// whole document and an error for a field), never two rows in one group.
#ifndef MNSCREEN_SRC_DIAGNOSTIC_CODES_HPP
#define MNSCREEN_SRC_DIAGNOSTIC_CODES_HPP

#include <array>
#include <string>
#include <string_view>

#include "mnscreen/diagnostic.hpp"

namespace mnscreen::detail {

/// Where a code is reported: one generated table of the docs per group.
enum class code_group : unsigned char {
  document,  // errors.md: the whole document of every JSON reader (fatal, path $)
  field,     // errors.md: a field of an intake, plan, policy or report
  screener,  // errors.md: report::warnings of the screener
  model,     // errors.md: risk model files (parse_model_file)
  inputs,    // errors.md: inputs of the command-line tool, the C API and batch runs
  cds,       // errors.md: CDS Hooks requests, feedback and hook results
  http,      // errors.md: HTTP bodies of `mnscreen serve`
  serve,     // errors.md: the `mnscreen serve` config
  audit,     // errors.md: `mnscreen audit`
  fhir,      // fhir.md: the FHIR reader, Bulk Data and the terminology tables
};

/// Severity bits of a code (`sev::warning | sev::error`: made with either severity).
namespace sev {
inline constexpr unsigned char warning = 1U << static_cast<unsigned>(severity::warning);
inline constexpr unsigned char error = 1U << static_cast<unsigned>(severity::error);
inline constexpr unsigned char fatal = 1U << static_cast<unsigned>(severity::fatal);
}  // namespace sev

struct code_info {
  std::string_view code;
  unsigned char severities;  // sev:: bits
  code_group group;
  std::string_view meaning;  // Markdown, one or a few sentences
};

// clang-format off
inline constexpr std::array diagnostic_codes{
    // --- the whole document ----------------------------------------------------------------
    code_info{"document_too_large", sev::fatal, code_group::document,
              "The document is longer than `read_limits::max_bytes` (8 MiB); refused before parsing."},
    code_info{"malformed_json", sev::fatal, code_group::document,
              "Not valid JSON (syntax error, invalid UTF-8, empty input, data after the document); the message gives line and column (1-based, in bytes) and the parser's reason."},
    code_info{"too_deep", sev::fatal, code_group::document,
              "Arrays/objects nested deeper than `read_limits::max_depth` (32); the message gives line and column (1-based, in bytes)."},
    code_info{"wrong_type", sev::fatal, code_group::document,
              "(fatal form) The document is not a JSON object."},

    // --- fields --------------------------------------------------------------------------------
    code_info{"wrong_schema", sev::error, code_group::field,
              "`schema` is not the expected `mnscreen.<document>/1`; the rest is still read as that document."},
    code_info{"missing_field", sev::error, code_group::field,
              "A required field is absent or `null` (also: `schema`; a plan's empty `areas`; a policy without a name). The message says what was dropped."},
    code_info{"wrong_type", sev::error, code_group::field,
              "A value has the wrong JSON type (`\"1.5\"` for a number, `\"no\"` for `false`, an object for an array), or a whole-number field holds a fraction."},
    code_info{"unknown_code", sev::error, code_group::field,
              "A word is not in the vocabulary of its field (condition, medication, area, effect…). The message names the word and what was dropped or left unknown."},
    code_info{"invalid_date", sev::error, code_group::field,
              "Not a `YYYY-MM-DD` calendar date, or an impossible one (`2026-02-30`)."},
    code_info{"unknown_unit", sev::error, code_group::field,
              "A lab `unit` that is neither the canonical unit nor a convertible one; the lab result is dropped."},
    code_info{"duplicate_key", sev::error, code_group::field,
              "A key appears twice in one object (or a policy setting under two spellings); the last value was read."},
    code_info{"unknown_key", sev::warning, code_group::field,
              "A key this version does not know; ignored and kept out of the value."},
    code_info{"unknown_setting", sev::error, code_group::field,
              "A policy key that is not a setting (also inside a group: `$.laser_wait_days.fractional`); an error, not a warning, because a misspelt setting would silently keep the default: the policy is refused (message \"not a policy setting (see docs/policy.md); refused: correct or remove it\"; the tool exits 2). clinical-spec 2026.2 lists it with a plan with no areas and a duplicate key as bad input."},
    code_info{"unknown_rule", sev::error, code_group::field,
              "A plan override's `rule_id` is not a rule id of the catalogue (`$.overrides[i].rule_id`)."},
    code_info{"duplicate_override", sev::error, code_group::field,
              "A plan overrides the same rule twice (`$.overrides[i].rule_id`)."},
    code_info{"array_too_long", sev::error, code_group::field,
              "An array longer than `read_limits::max_array_length` (10 000); the items from that index on were dropped."},
    code_info{"string_too_long", sev::warning | sev::error, code_group::field,
              "A string longer than `read_limits::max_string_length` (65 536 bytes); dropped. As a **warning**: a string that ends with the writers' cut marker (`… [cut, 70000 bytes in all]`, see `input-format.md`, \"String limit\"): it was cut when written and is read as cut."},
    code_info{"out_of_range", sev::error, code_group::field,
              "A value outside its physical or allowed range: depth outside (0, 4] mm, Fitzpatrick outside 1..6, HbA1c outside 3..20 %, INR outside 0.5..20, platelets outside 0..2000, CD4 outside 0..5000, a stop date before its start date, a birth date after the plan date, a policy setting outside its range, `risk_band_moderate` not below `risk_band_high`; also a whole number too large to represent. The value is kept and the screener refuses it. Also any number that overflows a double when read (`1e400`, in any document: lab values, depths, policy numbers, report weights and overrides), which is left out like an unreadable value, and a report `risks.<c>.score` outside [0, 1] (the risk is dropped)."},

    // --- the screener (report::warnings) -------------------------------------------------------
    code_info{"contradiction", sev::warning, code_group::screener,
              "A factor is both recorded as present and listed in `negatives`; it is treated as present."},
    code_info{"deceased_patient", sev::warning, code_group::screener,
              "The record says the patient has died; check it is the right record."},
    code_info{"override_not_fired", sev::warning, code_group::screener,
              "A plan override names a rule that did not fire for this record and plan; it has no effect (`$.overrides[i]`)."},
    code_info{"override_refused", sev::error, code_group::screener,
              "A plan overrides a `do_not_treat` on device labelling while the policy's `allow_override_do_not_treat` is false: none of the plan's overrides is applied and the report is `cannot_screen` (`$.overrides[i]`)."},

    // --- risk model files ------------------------------------------------------------------------
    code_info{"too_large", sev::fatal, code_group::model,
              "The model file is larger than the read limit; not read."},
    code_info{"missing", sev::error, code_group::model,
              "The list of feature names (`$.features`) is missing."},
    code_info{"feature_mismatch", sev::error, code_group::model,
              "The model's feature names are not the features of this library version; the message lists the difference."},
    code_info{"bad_date", sev::error, code_group::model,
              "`fitted_on` is not a date `YYYY-MM-DD`."},
    code_info{"knowledge_version", sev::warning, code_group::model,
              "The model was fitted with another knowledge version whose features match; it is used."},
    code_info{"unknown_complication", sev::error, code_group::model,
              "A key of the coefficients is not a complication."},
    code_info{"missing_complication", sev::error, code_group::model,
              "A complication has no coefficients."},
    code_info{"wrong_length", sev::error, code_group::model,
              "A complication's coefficients are not one number per column (intercept + one per feature)."},
    code_info{"not_finite", sev::error, code_group::model,
              "A coefficient is not a finite number."},

    // --- inputs of the command-line tool, the C API and batch runs ------------------------------
    code_info{"io_error", sev::fatal, code_group::inputs,
              "(command-line tool) An input file does not exist, is a directory, or cannot be opened or read."},
    code_info{"too_large", sev::fatal, code_group::inputs,
              "(command-line tool, C API) An input document is larger than the limit; not read."},
    code_info{"cannot_screen", sev::error, code_group::inputs,
              "(C API) The inputs passed the readers but the library could not screen them."},
    code_info{"line_too_large", sev::fatal, code_group::inputs,
              "(batch) An NDJSON line is longer than the line limit; it is one errors line and the next line is read as usual."},
    code_info{"internal_error", sev::fatal, code_group::inputs,
              "(batch) A record or patient could not be screened for a resource problem (the message says which); nothing of its output line is written, and the run goes on."},

    // --- CDS Hooks -------------------------------------------------------------------------------
    code_info{"cds.malformed_json", sev::fatal, code_group::cds,
              "As `malformed_json`, for the request or feedback body."},
    code_info{"cds.too_deep", sev::fatal, code_group::cds,
              "As `too_deep`, for the request or feedback body."},
    code_info{"cds.document_too_large", sev::fatal, code_group::cds,
              "As `document_too_large`, for the request or feedback body."},
    code_info{"cds.wrong_type", sev::warning | sev::error | sev::fatal, code_group::cds,
              "As `wrong_type`: the body is not an object (fatal), or a member has the wrong JSON type; a **warning** where the value is ignored (`fhirAuthorization.expires_in`)."},
    code_info{"cds.missing_field", sev::warning | sev::error, code_group::cds,
              "As `missing_field`: a required member (`hook`, `context`, `context.patientId`, …) is absent; a **warning** for a feedback without `outcomeTimestamp` (the time of receipt stands for it)."},
    code_info{"cds.duplicate_key", sev::error, code_group::cds,
              "As `duplicate_key`."},
    code_info{"cds.unknown_key", sev::warning, code_group::cds,
              "As `unknown_key`."},
    code_info{"cds.unknown_code", sev::warning | sev::error, code_group::cds,
              "(error) As `unknown_code`, in a request or feedback. (warning, in a hook result) An order extension's device or anaesthetic is not usable; the default plan's value was used."},
    code_info{"cds.unknown_hook", sev::error, code_group::cds,
              "`hook` is not `patient-view`, `order-select`, `order-sign` or `appointment-book`."},
    code_info{"cds.hook_mismatch", sev::error, code_group::cds,
              "The request's hook is not the hook of the service it was sent to."},
    code_info{"cds.not_a_resource", sev::error, code_group::cds,
              "A prefetch value, draft order or appointment is not a FHIR resource (no `resourceType`); a prefetch key sent so is treated as failed (unknown)."},
    code_info{"cds.legacy_field", sev::warning, code_group::cds,
              "A pre-1.0 member (`user`, `patient`, `oauth`, …) or the flat feedback `overrideReason` Coding; read where it has a meaning, else ignored."},
    code_info{"cds.unsupported_token_type", sev::warning, code_group::cds,
              "`fhirAuthorization.token_type` is not `Bearer`; the token is sent as a bearer token."},
    code_info{"cds.partial_prefetch", sev::warning, code_group::cds,
              "A prefetch Bundle holds resources and an error OperationOutcome."},
    code_info{"cds.other_patient", sev::warning, code_group::cds,
              "Prefetch resources of another patient than `context.patientId` were dropped (count only)."},
    code_info{"cds.no_microneedling_order", sev::warning, code_group::cds,
              "No draft order or appointment is microneedling: nothing to screen, no card."},
    code_info{"cds.several_orders", sev::warning, code_group::cds,
              "Several microneedling orders: the first (selected) one was screened."},
    code_info{"cds.no_plan", sev::warning | sev::error, code_group::cds,
              "No plan could be made (no default plan, no area): no screen; an info card says so. As an error: (server, with `412` when configured instead of the incomplete card) no plan could be made."},
    code_info{"cds.unmapped_body_site", sev::warning, code_group::cds,
              "A `bodySite` of the order maps to no treatment area; it was not screened."},
    code_info{"cds.out_of_range", sev::warning, code_group::cds,
              "(in a hook result) An order extension's depth is not usable; the default plan's value was used."},
    code_info{"cds.default_plan_overrides", sev::warning, code_group::cds,
              "The default plan holds overrides; they were not applied."},
    code_info{"cds.prefetch_unavailable", sev::error, code_group::cds,
              "(server, with `412` when configured instead of the incomplete card) a prefetch the screen needs could not be had."},

    // --- mnscreen serve: HTTP bodies -------------------------------------------------------------
    code_info{"http.malformed_json", sev::fatal, code_group::http,
              "The body is not JSON (400)."},
    code_info{"http.too_deep", sev::fatal, code_group::http,
              "The body nests deeper than `max_depth` (400)."},
    code_info{"http.wrong_type", sev::error, code_group::http,
              "The body or `intake`/`plan`/`bundle` is not a JSON object (400)."},
    code_info{"http.missing_member", sev::error, code_group::http,
              "`intake` (for `/screen`), `plan` or `bundle` (for `/screen/fhir`) is missing (400)."},
    code_info{"http.unknown_member", sev::warning, code_group::http,
              "A top-level member the endpoint does not read; ignored, listed in the report's warnings."},
    code_info{"http.cannot_screen", sev::error, code_group::http,
              "The inputs passed the readers but the library could not screen them (400)."},
    code_info{"http.not_found", sev::error, code_group::http,
              "No endpoint or CDS service at this path (404, path `$`)."},
    code_info{"http.bad_request", sev::error, code_group::http,
              "The request is not valid HTTP/1.1 (400, then the connection is closed)."},

    // --- mnscreen serve: the config ---------------------------------------------------------------
    code_info{"serve.malformed_json", sev::error, code_group::serve,
              "The config file is not JSON."},
    code_info{"serve.duplicate_key", sev::error, code_group::serve,
              "A key appears twice in one object of the config; the config is refused (which value was meant cannot be known)."},
    code_info{"serve.wrong_type", sev::error, code_group::serve,
              "The config or one of its members has the wrong JSON type (or a number is not whole)."},
    code_info{"serve.missing", sev::error, code_group::serve,
              "A required member is missing: `schema`, `base_url`, `default_plan`, an issuer's `iss`/`jwks_file`."},
    code_info{"serve.unknown_member", sev::error, code_group::serve,
              "A member the config does not know (also inside a trusted issuer)."},
    code_info{"serve.schema", sev::error, code_group::serve,
              "`schema` is not `mnscreen.serve/1`."},
    code_info{"serve.listen", sev::error, code_group::serve,
              "`listen` is not `HOST:PORT`."},
    code_info{"serve.base_url", sev::warning | sev::error, code_group::serve,
              "`base_url` is not the public http(s) URL of the service (no trailing `/`, query or fragment); a **warning** when TLS is on and `base_url` is `http://`."},
    code_info{"serve.out_of_range", sev::error, code_group::serve,
              "A number outside its range."},
    code_info{"serve.empty", sev::error, code_group::serve,
              "A path is empty."},
    code_info{"serve.order_code", sev::error, code_group::serve,
              "An order code is not `{\"system\", \"code\"}` with both non-empty."},
    code_info{"serve.jku", sev::error, code_group::serve,
              "An issuer's `jku` is not an `https://` URL."},
    code_info{"serve.cors_origin", sev::error, code_group::serve,
              "A CORS origin is neither an http(s) origin nor `*`."},
    code_info{"serve.time_zone", sev::error, code_group::serve,
              "`time_zone` is neither `local` nor `UTC`."},
    code_info{"serve.incomplete", sev::error, code_group::serve,
              "`incomplete` is neither `card` nor `412`."},
    code_info{"serve.salt", sev::error, code_group::serve,
              "The audit salt is shorter than 16 characters."},
    code_info{"serve.tls", sev::warning | sev::error, code_group::serve,
              "`cert_file` without `key_file` or the reverse; a bad `tls_min_version`; with both set, the files are read at once: `$.cert_file` cannot be read, holds no PEM certificate or a broken chain, or is refused by OpenSSL; `$.key_file` cannot be read, holds no PEM private key, is encrypted, or does not belong to the certificate. **Warnings**, not errors: an expired or not yet valid certificate, a key file every user can read."},

    // --- mnscreen audit ----------------------------------------------------------------------------
    code_info{"audit_db_missing", sev::fatal, code_group::audit,
              "(exit 2) No file at `--db` (never created by reading), a directory there, or the path cannot be reached (the message gives the system's reason)."},
    code_info{"audit_db_unreadable", sev::fatal, code_group::audit,
              "(exit 2) The file is not a SQLite database, or SQLite reports it damaged."},
    code_info{"audit_db_not_audit", sev::fatal, code_group::audit,
              "(exit 2) A SQLite database without the audit schema (`user_version` 0)."},
    code_info{"audit_db_newer_schema", sev::fatal, code_group::audit,
              "(exit 2) An audit database of a later schema version than this mnscreen reads; nothing is read."},
    code_info{"audit_db_error", sev::fatal, code_group::audit,
              "(exit 1) SQLite failed on a readable audit database (an I/O error, a lock held beyond the timeout)."},
    code_info{"invalid_date", sev::fatal, code_group::audit,
              "(exit 2) `--since` is not a UTC date `YYYY-MM-DD` or time `YYYY-MM-DDTHH:MM:SS[.fff]Z` (a usage error)."},

    // --- the FHIR reader (docs/fhir.md) ------------------------------------------------------------
    code_info{"fhir.malformed_json", sev::fatal, code_group::fhir,
              "The document is not JSON (or nests deeper than 64 levels): it cannot be read."},
    code_info{"fhir.too_large", sev::fatal, code_group::fhir,
              "The document is larger than the reader's limit (256 MiB): it cannot be read."},
    code_info{"fhir.not_a_resource", sev::fatal, code_group::fhir,
              "The document is not a FHIR resource (no `resourceType`): it cannot be read."},
    code_info{"fhir.malformed_resource", sev::error, code_group::fhir,
              "A resource (or Bundle entry) has the wrong JSON type or no `resourceType`: that resource is left out."},
    code_info{"fhir.malformed_field", sev::error, code_group::fhir,
              "A field of a resource has the wrong JSON type: that field is left out."},
    code_info{"fhir.missing_field", sev::error, code_group::fhir,
              "A required element is missing (MedicationRequest.status): taken as unknown."},
    code_info{"fhir.several_patients", sev::error, code_group::fhir,
              "Several Patient resources and no `fhir_options::patient_id`: the patient to read is ambiguous; the first is read."},
    code_info{"fhir.patient_not_found", sev::error, code_group::fhir,
              "The patient of `fhir_options::patient_id` is not in the document."},
    code_info{"fhir.duplicate_key", sev::warning, code_group::fhir,
              "A key appears twice in one JSON object: only its last value is read."},
    code_info{"fhir.unmapped_code", sev::warning, code_group::fhir,
              "A coding not in the tables (one warning per coding, with the number of resources that carry it)."},
    code_info{"fhir.not_mapped", sev::warning, code_group::fhir,
              "A coding deliberately not mapped, with the reason."},
    code_info{"fhir.name_match", sev::warning, code_group::fhir,
              "A concept matched by its text only: a probable fact."},
    code_info{"fhir.ambiguous_name", sev::warning, code_group::fhir,
              "A concept's text matches several vocabulary words: not used."},
    code_info{"fhir.no_code", sev::warning, code_group::fhir,
              "A resource has no code (neither a coding nor a text): not used."},
    code_info{"fhir.no_value", sev::warning, code_group::fhir,
              "An observation has no usable value: not used."},
    code_info{"fhir.missing_date", sev::warning, code_group::fhir,
              "A lab, status observation or procedure has no date: not used."},
    code_info{"fhir.partial_date", sev::warning, code_group::fhir,
              "A partial date where a full one is needed (a lab, the birth date): not used."},
    code_info{"fhir.unexpected_value", sev::warning, code_group::fhir,
              "A status observation's coded value does not answer its question (e.g. a smoking answer to breastfeeding status)."},
    code_info{"fhir.implausible_value", sev::warning, code_group::fhir,
              "A lab value outside the intake format's ranges: treated as unknown."},
    code_info{"fhir.comparator", sev::warning, code_group::fhir,
              "A lab value with a comparator (`>8`): treated as unknown."},
    code_info{"fhir.unknown_unit", sev::warning, code_group::fhir,
              "A lab unit the unit table cannot convert: the value is treated as unknown."},
    code_info{"fhir.stale_record", sev::warning, code_group::fhir,
              "An \"active\" record older than the policy's window: turned into a question."},
    code_info{"fhir.uncertain_status", sev::warning, code_group::fhir,
              "A record whose status leaves it uncertain: turned into a question."},
    code_info{"fhir.no_clinical_status", sev::warning, code_group::fhir,
              "A Condition with no clinical status and no abatement: read as active."},
    code_info{"fhir.unconfirmed", sev::warning, code_group::fhir,
              "An unconfirmed, provisional or differential record: kept, with this caveat."},
    code_info{"fhir.inconsistent", sev::warning, code_group::fhir,
              "A record contradicts itself (active with an abatement; ends before it starts): read with a caveat."},
    code_info{"fhir.unknown_status", sev::warning, code_group::fhir,
              "A status that is not a FHIR status of the resource: read with a caveat."},
    code_info{"fhir.resolved_allergy", sev::warning, code_group::fhir,
              "An inactive or resolved allergy: kept, with this caveat."},
    code_info{"fhir.unmapped_body_site", sev::warning, code_group::fhir,
              "A body site the tables cannot place: the site is taken as unknown (every area)."},
    code_info{"fhir.unresolved_reference", sev::warning, code_group::fhir,
              "A reference to nothing in the document."},
    code_info{"fhir.r5_field", sev::warning, code_group::fhir,
              "An R5-only element, read."},
    code_info{"fhir.deceased", sev::warning, code_group::fhir,
              "The record says the patient died."},
    code_info{"fhir.other_patient", sev::warning, code_group::fhir,
              "Resources of another patient were skipped."},
    code_info{"fhir.no_as_of_date", sev::warning, code_group::fhir,
              "No screening date: stale checks skipped."},
    code_info{"fhir.bulk_not_found", sev::fatal, code_group::fhir,
              "(Bulk Data) The export directory is not a directory."},
    code_info{"fhir.bulk_empty", sev::warning, code_group::fhir,
              "(Bulk Data) The directory holds no `.ndjson` file."},
    code_info{"fhir.bulk_unreadable", sev::error, code_group::fhir,
              "(Bulk Data) A file cannot be opened, or a line cannot be read back (the file changed): skipped."},
    code_info{"fhir.bulk_unlinked", sev::warning, code_group::fhir,
              "(Bulk Data) Resources of a file linked to no patient: not read (one warning per file)."},
    code_info{"fhir.bulk_no_patient", sev::warning, code_group::fhir,
              "(Bulk Data) Resources refer to a patient with no Patient resource in the export."},
    code_info{"fhir.table_row", sev::error, code_group::fhir,
              "A row or file of the `fhir_reader::from_directory` tables cannot be used (unknown table, empty table, bad row)."},
    code_info{"fhir.table_missing", sev::fatal, code_group::fhir,
              "A terminology table of `fhir_reader::from_directory` is missing or cannot be opened."},
    code_info{"fhir.question", sev::warning, code_group::fhir,
              "(in a report) A reader question, added by `add_fhir_findings`."},
};
// clang-format on

/// "warning", "error", "warning, error"... (the severities of a code, in severity order).
inline std::string severities_text(unsigned char bits) {
  std::string out;
  for (const severity s : {severity::warning, severity::error, severity::fatal}) {
    if ((bits & (1U << static_cast<unsigned>(s))) == 0) continue;
    if (!out.empty()) out += ", ";
    out += to_string(s);
  }
  return out;
}

/// The Markdown table of one group's codes, in table order (the generated part of the docs).
inline std::string diagnostic_codes_markdown(code_group group) {
  std::string out = "| code | severity | meaning |\n| --- | --- | --- |\n";
  for (const code_info& c : diagnostic_codes) {
    if (c.group != group) continue;
    out.append("| `").append(c.code).append("` | ").append(severities_text(c.severities));
    out.append(" | ").append(c.meaning).append(" |\n");
  }
  return out;
}

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_DIAGNOSTIC_CODES_HPP
