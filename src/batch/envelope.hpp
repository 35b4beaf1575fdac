// SPDX-License-Identifier: Apache-2.0
// Private: the envelope of one batch input line, `{"id": ..., "intake": {...}, "plan": {...}}`,
// found in one pass over the text without building a document. read_envelope reads the intake
// and plan objects as it meets them with the io streaming readers (each of their bytes is read
// once); an object those readers hand on is followed here only for its strings and brackets
// and returned as its exact text, which the caller gives to parse_intake / parse_plan (their
// tree readers report paths inside it). Everything else on the line is validated here as JSON,
// and every diagnostic of the envelope (malformed JSON with its column included) is written
// here: docs/architecture.md ("Batch envelopes") says why this scanner, not the toolkit's
// handler, reads the envelope.
#ifndef MNSCREEN_SRC_BATCH_ENVELOPE_HPP
#define MNSCREEN_SRC_BATCH_ENVELOPE_HPP

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "mnscreen/diagnostic.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/patient.hpp"
#include "mnscreen/procedure.hpp"

namespace mnscreen::detail {

/// The members of one line. Views point into the line.
struct envelope {
  /// The JSON text of `id` as written (a string with its quotes, or a number); empty when
  /// absent or not a string or number.
  std::string_view id;
  /// The text of the `intake` and `plan` objects, `{` to `}`; empty when absent or not objects.
  /// Only their brackets and strings were followed here: the readers validate the rest.
  std::string_view intake;
  std::string_view plan;
  /// Problems of the envelope: `malformed_json` (fatal; nothing else is reported then),
  /// `missing_field`, `wrong_type`, `duplicate_key` (errors) and `unknown_key` (warnings).
  std::vector<diagnostic> diagnostics;
  /// The line is not valid JSON (or not an object): `diagnostics` holds the fatal problem.
  bool malformed = false;
  /// read_envelope only: the intake and plan read while scanning, when the streaming readers
  /// read them: what parse_intake and parse_plan return for the text of `intake` and `plan`
  /// (also on a line found malformed after them), except for their `missing_field` at
  /// `$.schema` (a document in a line may leave out its schema). Empty when not read: the
  /// caller then parses the text, if any.
  std::optional<parse_result<mnscreen::intake>> intake_read;
  std::optional<parse_result<procedure_plan>> plan_read;
};

/// Scans one line (without its newline). `max_depth` bounds the nesting of members other than
/// `intake` and `plan` (whose depth their reader checks).
[[nodiscard]] envelope scan_envelope(std::string_view line, std::size_t max_depth);

/// As scan_envelope (with `limits.max_depth`), also reading the first `intake` and `plan`
/// objects with io::parse_leading_intake / parse_leading_plan where it meets them. The
/// diagnostics, `id`, `intake`, `plan` and `malformed` are those of scan_envelope.
[[nodiscard]] envelope read_envelope(std::string_view line, const read_limits& limits);

/// The `id` of a line of which only `prefix` was kept (a line over the size limit): found
/// when the line starts with `{"id": <string or number>`, else empty.
[[nodiscard]] std::string_view scan_id_prefix(std::string_view prefix) noexcept;

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_BATCH_ENVELOPE_HPP
