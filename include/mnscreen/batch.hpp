// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/batch.hpp
//
// Streaming batch screening: many patients in, one report line out per patient, in input
// order, with bounded memory however long the input. Bad records go to an errors stream with
// their line number and every diagnostic; every other record is still screened.
//
//   const mnscreen::screener s;                               // one policy, one model
//   std::ifstream in("appointments.ndjson");
//   std::ofstream out("reports.ndjson"), errors("errors.ndjson");
//   mnscreen::batch_summary sum = mnscreen::batch_screen(in, out, errors, s);
//   // sum.screened, sum.failed, sum.count(mnscreen::decision::defer) ...
//
// Input (one JSON object a line, NDJSON): `{"id": "a-17", "intake": {...}, "plan": {...}}`.
// `id` is a string or a number and is copied to the output as written; `intake` and `plan`
// are the documents of formats.md (their `schema` member may be left out). Blank lines are
// counted and skipped. Output (one line per screened record, in input order):
// `{"id": "a-17", "line": 3, "report": {...mnscreen.report/1...}}`. Errors (one line per bad
// record): `{"line": 5, "id": "a-19", "reason": "...", "diagnostics": [...]}` (`id` only when
// it could be read). docs/batch.md describes the formats and the pipeline.
//
// @par Threads and determinism
// Records are read on one thread, screened on `threads` worker threads and written on the
// calling thread in input order: the output is byte-identical whatever the number of threads.
// All writes to `output` and `errors`, and every `progress` call, happen on the calling
// thread. The library reads no clock: a progress display times itself.
//
// @par Memory
// At most `2 * threads + 2` chunks are in flight (read, being screened or waiting to be
// written), each of at most `chunk_records` records and about `chunk_bytes` bytes plus one
// record of up to `limits.max_bytes`. A line longer than `limits.max_bytes` is not kept: it
// is counted to its end and reported as an error.
#ifndef MNSCREEN_BATCH_HPP
#define MNSCREEN_BATCH_HPP

#include <array>
#include <atomic>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "mnscreen/export.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/procedure.hpp"
#include "mnscreen/screener.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen {

class fhir_bulk_export;

/// Number of `decision` values (`cannot_screen` included).
inline constexpr std::size_t decision_count = 6;

/// Counts of a batch run (so far, when passed to a progress callback).
struct batch_summary {
  /// Records read: input lines (blank ones included), or patients of a FHIR export.
  std::size_t records = 0;
  /// Blank lines (skipped, not errors).
  std::size_t blank = 0;
  /// Records screened: one output line each.
  std::size_t screened = 0;
  /// Records that could not be screened: one errors line each.
  std::size_t failed = 0;
  /// Screened records by decision (index: `static_cast<std::size_t>(decision)`). A record
  /// whose inputs fail validation is counted in `failed`, never as `cannot_screen`.
  std::array<std::size_t, decision_count> decisions{};
  /// The run stopped early because `batch_options::cancel` was set: the outputs are
  /// incomplete (what was written is whole lines, in order, but not every record).
  bool cancelled = false;
  /// The input could not be read to its end (an I/O error, not bad data): outputs incomplete.
  bool input_error = false;
  /// Writing `output` or `errors` failed: the run stopped, outputs incomplete.
  bool output_error = false;

  /// Screened records with decision `d`.
  [[nodiscard]] std::size_t count(decision d) const noexcept {
    return decisions[static_cast<std::size_t>(d)];
  }
  /// True if every record was read and every line was written (some may have failed).
  [[nodiscard]] bool finished() const noexcept {
    return !cancelled && !input_error && !output_error;
  }

  friend bool operator==(const batch_summary&, const batch_summary&) = default;
};

/// How a batch runs.
struct batch_options {
  /// Worker threads. 0 = `std::thread::hardware_concurrency()` (at least 1). With 1, every
  /// step runs on the calling thread, one chunk after the other.
  unsigned threads = 0;
  /// Limits applied to each record: `max_bytes` is the longest line read (longer lines are
  /// reported as `line_too_large` and skipped to their end); the others apply to the intake
  /// and plan documents as in `parse_intake` / `parse_plan`.
  read_limits limits{};
  /// Records per chunk (the unit handed to a worker). At least 1.
  std::size_t chunk_records = 256;
  /// A chunk is closed once it holds this many bytes of input.
  std::size_t chunk_bytes = std::size_t{1} << 20;
  /// `batch_screen`: the line number of the first input line. A part of a larger file
  /// screened on its own (one partition on a cluster, docs/python.md) keeps the line numbers of
  /// the whole file in its output and errors lines. At least 1.
  std::size_t first_line = 1;
  /// `batch_screen_fhir`: the patients screened are `[first_patient, first_patient +
  /// patient_count)` of the export (clamped to its size); output and errors lines keep the
  /// patients' numbers in the whole export. The default is every patient.
  std::size_t first_patient = 0;
  std::size_t patient_count = static_cast<std::size_t>(-1);
  /// Polled between records and while waiting: once it is true the run stops as soon as it
  /// can and returns with `cancelled` set (nothing more is written). Setting a lock-free
  /// atomic is async-signal-safe, so a signal handler may set it.
  const std::atomic<bool>* cancel = nullptr;
  /// Called on the calling thread after each chunk's lines are written, with the counts so
  /// far (e.g. to draw a progress line). May be empty.
  std::function<void(const batch_summary&)> progress;
};

/// Screens every line of `input` (NDJSON, see above) with `s`. Reports go to `output`, bad
/// records to `errors`, both as NDJSON, in input order. Never throws on bad data; a line that
/// cannot be screened is one errors line and the run goes on.
/// @throws mnscreen::error if `options.chunk_records` or `options.first_line` is 0.
/// @throws std::bad_alloc and std::system_error (threads) on resource exhaustion.
[[nodiscard]] MNSCREEN_EXPORT batch_summary batch_screen(std::istream& input, std::ostream& output,
                                                         std::ostream& errors, const screener& s,
                                                         const batch_options& options = {});

/// Screens every patient of a FHIR Bulk Data export (`fhir_bulk_export::open`, fhir.hpp)
/// against one plan, through the same pipeline: patients in export order, each read back,
/// mapped (`make_fhir_options(s.active_policy(), plan.date)`), screened and given the reader's
/// findings (`add_fhir_findings`). Output lines: `{"id": "<Patient.id>", "patient": n,
/// "report": {...}}` (`n` 1-based, in export order). A patient whose record cannot be read at
/// all (a fatal reader diagnostic) or whose intake fails validation is one errors line
/// (`{"patient": n, "id": ..., "reason": ..., "diagnostics": [...]}`); reader errors that
/// only leave a resource out are warnings in the report. `records` counts patients.
[[nodiscard]] MNSCREEN_EXPORT batch_summary
batch_screen_fhir(const fhir_bulk_export& bulk, const procedure_plan& plan, std::ostream& output,
                  std::ostream& errors, const screener& s, const batch_options& options = {});

/// The errors line that reports the problems of a FHIR export as a whole (the diagnostics of
/// `fhir_bulk_export::open`: unreadable lines, resources linked to no patient), written first
/// in the errors file by `mnscreen batch --fhir-ndjson` and the cluster example:
/// `{"export": DIR, "reason": "<first error as path: message>", "diagnostics": [...]}` and a
/// newline. With warnings only, the reason starts "warnings only: ". `diagnostics` must not be
/// empty.
[[nodiscard]] MNSCREEN_EXPORT std::string batch_export_record(
    std::string_view dir, const std::vector<diagnostic>& diagnostics);

}  // namespace mnscreen

#endif  // MNSCREEN_BATCH_HPP
