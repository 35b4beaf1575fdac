// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/fhir.hpp
//
// Reads a patient from HL7 FHIR R4 (a Bundle, a single resource, or a Bulk Data export) and
// maps its RxNorm / SNOMED CT / LOINC / ICD-10-CM / ATC codes to the vocabulary of the intake.
// Nothing is dropped silently: every coding the tables do not map is a warning naming its
// system, code and display; every item of the intake keeps the resource it came from
// (`source`), and every mapping is listed with the coding that made it (`mappings`). Records
// that a careful clinician would not take at their word (an "active" pregnancy that began years
// ago, a prescription last authored years ago) become questions, not facts.
//
//   const mnscreen::fhir_reader reader;                      // terminology tables, loaded once
//   auto r = reader.read(bundle_text, mnscreen::make_fhir_options(policy, plan.date));
//   for (const auto& d : r.diagnostics) std::cerr << mnscreen::format(d, "bundle.json") << '\n';
//   mnscreen::intake in = mnscreen::merge_intake(r.value.record, clinic_overlay);
//   mnscreen::report rep = screener.screen(in, plan);
//   mnscreen::add_fhir_findings(rep, r);                     // reader warnings + questions
#ifndef MNSCREEN_FHIR_HPP
#define MNSCREEN_FHIR_HPP

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mnscreen/dates.hpp"
#include "mnscreen/diagnostic.hpp"
#include "mnscreen/export.hpp"
#include "mnscreen/patient.hpp"
#include "mnscreen/policy.hpp"
#include "mnscreen/report.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen {

/// Settings of one FHIR read.
struct fhir_options {
  /// The screening date (the plan's date). Stale-record checks need it; without it every
  /// "active" record is taken at its word, a "not pregnant" observation is not used, and a
  /// warning (`fhir.no_as_of_date`) says so.
  std::optional<date> as_of;
  /// An "active" pregnancy that began longer ago than this is a question, not a fact
  /// (`policy::stale_pregnancy_days`).
  int stale_pregnancy_days = 300;
  /// An "active" prescription last authored (or last valid) longer ago than this is a
  /// question, not a fact (`policy::stale_prescription_days`).
  int stale_prescription_days = 365;
  /// A "not pregnant" observation counts as `pregnant = no` only if it is at most this old.
  int pregnancy_negative_max_age_days = 7;
  /// For a Bundle that holds several patients: the `Patient.id` to read. Empty: the Bundle's
  /// only patient (several without a choice is an error; the first is read).
  std::string patient_id;
  /// Documents larger than this are refused (`fhir.too_large`, fatal).
  std::size_t max_bytes = std::size_t{256} * 1024 * 1024;
  /// Deeper nesting than this is refused (`fhir.malformed_json`, fatal).
  std::size_t max_depth = 64;

  friend bool operator==(const fhir_options&, const fhir_options&) = default;
};

/// Options for screening on `as_of` under policy `p` (its stale-record windows).
[[nodiscard]] MNSCREEN_EXPORT fhir_options make_fhir_options(const policy& p, date as_of);

/// How a coding was recognised.
enum class fhir_match : std::uint8_t {
  /// By system and code in the terminology tables.
  code,
  /// By its text or display name only (unambiguous, but a *probable* fact: always warned).
  name
};

[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(fhir_match) noexcept;

/// How one FHIR element became (part of) an intake item.
struct fhir_mapping {
  /// The resource, as `Type/id` (or the `fullUrl` when the resource has no id).
  std::string source;
  /// Where it went in the intake, as a JSONPath: `$.medications[0]`, `$.patient.pregnant`,
  /// `$.negatives[1]`.
  std::string target;
  /// The vocabulary word it became (`warfarin`, `eczema`, `latex`, `hba1c`, `yes`…).
  std::string word;
  /// The coding that was matched (`system` and `code` empty for a text-only match).
  std::string system;
  std::string code;
  std::string display;
  fhir_match match = fhir_match::code;
  /// How the value was read, e.g. "RxNorm product → ingredient", "HbA1c 53 mmol/mol → 7.0 %".
  std::string note;

  friend bool operator==(const fhir_mapping&, const fhir_mapping&) = default;
};

/// A record the reader did not take as a fact: it needs confirming by the clinic.
struct fhir_question {
  /// The resource it is about.
  std::string source;
  /// The screening question it bears on, when there is one (`pregnancy`, `anticoagulant`…).
  std::optional<question> factor;
  /// The vocabulary word concerned (`pregnancy`, `warfarin`…).
  std::string word;
  /// The question to ask, e.g. "Warfarin is recorded as active since 2015-09-16 (last
  /// prescribed 2015-09-16, MedicationRequest/…): is it still taken?".
  std::string ask;

  friend bool operator==(const fhir_question&, const fhir_question&) = default;
};

/// What the reader understood of one patient.
struct fhir_intake {
  /// The intake: only facts the record states (unknown stays unknown).
  intake record;
  /// One entry per intake item, denial or patient field, with the coding it came from.
  std::vector<fhir_mapping> mappings;
  /// Records to confirm instead of facts.
  std::vector<fhir_question> questions;
  /// Resources read, by resource type, in type-name order.
  std::vector<std::pair<std::string, std::size_t>> resources_read;
  /// Resources of types the reader does not use (Encounter, Claim…), quietly skipped, by type.
  std::vector<std::pair<std::string, std::size_t>> resources_ignored;

  friend bool operator==(const fhir_intake&, const fhir_intake&) = default;
};

/// Reads FHIR R4 JSON with the terminology tables it was built with.
///
/// Accepted input: a `Bundle` (any type: collection, searchset, transaction, batch-response…;
/// resources in `entry[].resource`, references by `fullUrl` — `urn:uuid:` or URL — or by
/// relative `Type/id`), or a single resource. Resources read: Patient, Condition,
/// MedicationStatement, MedicationRequest (with Medication by reference or `contained`),
/// AllergyIntolerance, Observation, Procedure, Device, DeviceUseStatement. Other types are
/// counted in `resources_ignored` and otherwise skipped quietly. docs/fhir.md has the rules.
///
/// Diagnostics: `warning` for everything read with a caveat or not used (unmapped codings,
/// implausible values, R5-only fields, text-only matches, stale records); `error` for a
/// malformed resource or field (path names the entry index and JSON path; that resource or
/// field is left out, the rest is read); `fatal` when the document itself cannot be read.
///
/// @par Thread safety
/// Immutable after construction: `read` is const and may run on many threads at once. Copies
/// share the tables.
class MNSCREEN_EXPORT fhir_reader {
 public:
  /// A reader with the tables embedded in the library at build time (data/terminology/).
  /// @throws mnscreen::error if an embedded table does not parse (a build defect; the tests
  /// check every row).
  fhir_reader();
  /// A reader with the tables read from `directory` (a copy of data/terminology/, possibly
  /// extended by a clinic). Rows that cannot be read are errors naming file and line; the
  /// value holds every row that could be read. A missing file is fatal.
  [[nodiscard]] static parse_result<fhir_reader> from_directory(
      const std::filesystem::path& directory);

  fhir_reader(const fhir_reader&);
  fhir_reader(fhir_reader&&) noexcept;
  fhir_reader& operator=(const fhir_reader&);
  fhir_reader& operator=(fhir_reader&&) noexcept;
  ~fhir_reader();

  /// Reads one patient from a Bundle or a single resource.
  [[nodiscard]] parse_result<fhir_intake> read(std::string_view json,
                                               const fhir_options& options = {}) const;

  /// Number of table rows loaded (for diagnostics and tests).
  [[nodiscard]] std::size_t table_rows() const noexcept;

 private:
  friend class fhir_bulk_export;
  friend struct fhir_reader_access;  // the library's CDS Hooks reader (src/fhir/reader_core.hpp)
  struct impl;
  static std::shared_ptr<const impl> make_embedded();
  std::shared_ptr<const impl> impl_;
};

/// One-shot convenience: `fhir_reader{}.read(json, options)` (builds the tables each call;
/// keep a `fhir_reader` to read many records).
[[nodiscard]] MNSCREEN_EXPORT parse_result<fhir_intake> read_fhir(std::string_view json,
                                                                  const fhir_options& options = {});

/// A FHIR Bulk Data export directory (NDJSON files, one resource per line, resources linked to
/// patients by `subject` / `patient` references), read one patient at a time.
///
/// Memory: `open` reads every `*.ndjson` file once, line by line, and keeps only an index —
/// for each patient, the file, byte offset and length of each of its lines (16 bytes a
/// resource), plus the offsets of `Medication` resources by id. No resource is kept.
/// `read_patient` then reads just that patient's lines back (and any Medication they
/// reference), so at most one patient's resources are in memory at a time, whatever the size
/// of the export. Lines are parsed twice in total (once to index, once to read).
///
///   auto bulk = mnscreen::fhir_bulk_export::open(dir);
///   for (std::size_t i = 0; i < bulk.value.size(); ++i) {
///     auto patient = bulk.value.read_patient(i, mnscreen::make_fhir_options(pol, plan.date));
///     ... screen patient.value.record ...
///   }
///
/// @par Thread safety
/// Immutable after `open`; `read_patient` is const and opens its own file handles, so
/// patients may be read on several threads at once. The files must not change after `open`
/// (a changed line is reported as an error for that resource).
class MNSCREEN_EXPORT fhir_bulk_export {
 public:
  /// An empty export (no patients).
  fhir_bulk_export();
  fhir_bulk_export(const fhir_bulk_export&);
  fhir_bulk_export(fhir_bulk_export&&) noexcept;
  fhir_bulk_export& operator=(const fhir_bulk_export&);
  fhir_bulk_export& operator=(fhir_bulk_export&&) noexcept;
  ~fhir_bulk_export();

  /// Indexes every `*.ndjson` file of `directory` (in file-name order). Lines that are not
  /// JSON objects are errors (`file:line`); resources linked to no patient are warnings.
  /// Patients are listed in the order of their `Patient` resources, then patients that are
  /// referenced but have no `Patient` resource (a warning each).
  [[nodiscard]] static parse_result<fhir_bulk_export> open(const std::filesystem::path& directory,
                                                           const fhir_reader& reader = {});

  /// Number of patients.
  [[nodiscard]] std::size_t size() const noexcept;
  /// The `Patient.id` of patient `index` (`index < size()`).
  /// @throws mnscreen::error if `index >= size()`.
  [[nodiscard]] const std::string& patient_id(std::size_t index) const;
  /// Number of resources linked to patient `index` (its Patient resource included).
  /// @throws mnscreen::error if `index >= size()`.
  [[nodiscard]] std::size_t resource_count(std::size_t index) const;
  /// Number of resources linked to patient `index`, by resource type, in type-name order.
  /// @throws mnscreen::error if `index >= size()`.
  [[nodiscard]] std::vector<std::pair<std::string, std::size_t>> resource_counts(
      std::size_t index) const;
  /// Reads patient `index`: their resources, mapped as `fhir_reader::read` maps a Bundle.
  /// Diagnostic paths are `<file>:<line>:<JSONPath>`.
  /// @throws mnscreen::error if `index >= size()`.
  [[nodiscard]] parse_result<fhir_intake> read_patient(std::size_t index,
                                                       const fhir_options& options = {}) const;

 private:
  struct impl;
  std::shared_ptr<const impl> impl_;
};

/// Adds a clinic's intake (`overlay`, e.g. the `--intake` file) to what a record gave
/// (`base`, e.g. FHIR). Precisely:
/// - `patient`: each field the overlay sets (non-empty `id`; `birth_date`, `sex`,
///   `fitzpatrick` present; `pregnant`, `breastfeeding`, `smoker`, `deceased` not `unknown`)
///   replaces the base's; unset fields keep the base's.
/// - `conditions`, `medications`, `allergies`, `devices`: an overlay item replaces every base
///   item with the same code (condition code, medication word, allergy substance, device
///   code) — the clinic's answer is the newer one; other base items are kept; overlay items
///   follow the kept base items, in overlay order.
/// - `procedures`, `labs`: events, appended (base first, then overlay).
/// - `negatives`: appended, without duplicates. A base denial that an overlay item contradicts
///   (same condition code, a class of the overlay medication, a class of the overlay allergy
///   substance, same device code) is removed. An overlay denial never removes a base fact:
///   the screener reports the contradiction and counts the factor as present.
[[nodiscard]] MNSCREEN_EXPORT intake merge_intake(const intake& base, const intake& overlay);

/// Adds what the FHIR reader found to a report made from its intake: every reader diagnostic
/// is appended to `rep.warnings` (an error of the reader becomes a warning whose code keeps
/// its `fhir.` prefix: the record is what it is, the screen went ahead without that part), and
/// every reader question too (code `fhir.question`). When the report already asks about the
/// same factor, the record's detail is added to that question's text. The decision is never
/// changed.
MNSCREEN_EXPORT void add_fhir_findings(report& rep, const parse_result<fhir_intake>& fhir);

/// The reader's result as JSON: `{"schema": "mnscreen.fhir-intake/1", "intake": {…},
/// "mappings": […], "questions": […], "resources_read": {…}, "resources_ignored": {…},
/// "diagnostics": […]}` (the intake as `mnscreen.intake/1`).
[[nodiscard]] MNSCREEN_EXPORT std::string to_json(const parse_result<fhir_intake>& fhir);

}  // namespace mnscreen

#endif  // MNSCREEN_FHIR_HPP
