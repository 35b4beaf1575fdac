// SPDX-License-Identifier: Apache-2.0
// Private: the streaming readers of the intake and plan documents, and the tree readers they
// hand a document to when it needs a diagnostic.
//
// parse_intake and parse_plan first read the document in one pass with a Boost.JSON
// `basic_parser` handler that fills the typed structures directly (no tree). That reader says
// nothing: the first time a document needs a diagnostic of the reader (a key it does not know, a
// key given twice, a wrong type, an unknown word, a missing field, a limit, malformed JSON …)
// it stops and the tree reader (json_read.cpp: Boost.JSON's tree, then typed access that reports
// every problem with its path) reads the document from the start. So a document the streaming
// reader accepts is, by construction of the two, one the tree reader reads without a reader
// diagnostic into the same value; validate()'s diagnostics are then the same too. The order of
// the tree reader's diagnostics (reader order, then unknown keys, then validation) stays the
// order of the messages, and their wording has one home. docs/architecture.md ("The intake and
// plan readers") gives the reasons; tests/io/json_stream_test.cpp and the fuzz targets check that
// the two agree on every document.
#ifndef MNSCREEN_IO_JSON_STREAM_HPP
#define MNSCREEN_IO_JSON_STREAM_HPP

#include <string_view>

#include "io/json_common.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/patient.hpp"
#include "mnscreen/procedure.hpp"

namespace mnscreen::io {

/// Reads `text` into `out` (default-constructed on entry) in one streaming pass. True when the
/// document was read without any reader diagnostic; false (with `out` in an unspecified state)
/// when it needs the tree reader.
[[nodiscard]] bool stream_intake(std::string_view text, const read_limits& limits, intake& out);

/// As stream_intake for a plan. `areas` receives where each area came from in `$.areas` (a
/// group word such as `face` gives several areas from one JSON index), for validate()'s paths.
[[nodiscard]] bool stream_plan(std::string_view text, const read_limits& limits,
                               procedure_plan& out, index_map& areas);

/// The tree readers: every diagnostic, in the documented order (json_read.cpp). parse_intake and
/// parse_plan use them for the documents the streaming readers hand on.
[[nodiscard]] parse_result<intake> read_intake_tree(std::string_view text,
                                                    const read_limits& limits);
[[nodiscard]] parse_result<procedure_plan> read_plan_tree(std::string_view text,
                                                          const read_limits& limits);

}  // namespace mnscreen::io

#endif  // MNSCREEN_IO_JSON_STREAM_HPP
