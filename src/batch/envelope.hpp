// SPDX-License-Identifier: Apache-2.0
// Private: the envelope of one batch input line, `{"id": ..., "intake": {...}, "plan": {...}}`,
// found in one pass over the text without building a document. The intake and plan are
// returned as the exact text of their objects, so that the io readers parse each byte once
// and report paths inside them; everything else on the line is validated here as JSON.
#ifndef MNSCREEN_SRC_BATCH_ENVELOPE_HPP
#define MNSCREEN_SRC_BATCH_ENVELOPE_HPP

#include <cstddef>
#include <string_view>
#include <vector>

#include "mnscreen/diagnostic.hpp"

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
};

/// Scans one line (without its newline). `max_depth` bounds the nesting of members other than
/// `intake` and `plan` (whose depth their reader checks).
[[nodiscard]] envelope scan_envelope(std::string_view line, std::size_t max_depth);

/// The `id` of a line of which only `prefix` was kept (a line over the size limit): found
/// when the line starts with `{"id": <string or number>`, else empty.
[[nodiscard]] std::string_view scan_id_prefix(std::string_view prefix) noexcept;

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_BATCH_ENVELOPE_HPP
