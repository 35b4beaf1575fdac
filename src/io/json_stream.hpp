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

#include <cstddef>
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

/// The same readers for a document at the start of a larger text (a member of a batch line):
/// `text` from the document's first character to the end of whatever holds it. Reads the one
/// JSON value there and returns its size in bytes, from its first to its last character (the
/// text that stream_intake / stream_plan would accept alone, with the same result), or 0 when
/// that text needs the tree reader. Whatever follows the value is not looked at. With
/// `schema_optional`, a document whose `schema` is left out (or null) is read too: the tree
/// reader's only diagnostic of its own would be `missing_field` at `$.schema`.
[[nodiscard]] std::size_t stream_leading_intake(std::string_view text, const read_limits& limits,
                                                intake& out, bool schema_optional = false);
[[nodiscard]] std::size_t stream_leading_plan(std::string_view text, const read_limits& limits,
                                              procedure_plan& out, index_map& areas,
                                              bool schema_optional = false);

/// parse_intake / parse_plan of the document at the start of `text`, when the streaming reader
/// reads it: `out` is then what parse_intake / parse_plan return for the document's text alone
/// (validation included; without their `missing_field` at `$.schema` when `schema_optional`
/// let a document without a schema through) and the result is the document's size (as
/// stream_leading_intake). 0 when it needs the tree reader: the caller finds the document's
/// end itself and calls parse_intake / parse_plan on that text, which write the diagnostics.
[[nodiscard]] std::size_t parse_leading_intake(std::string_view text, const read_limits& limits,
                                               parse_result<intake>& out,
                                               bool schema_optional = false);
[[nodiscard]] std::size_t parse_leading_plan(std::string_view text, const read_limits& limits,
                                             parse_result<procedure_plan>& out,
                                             bool schema_optional = false);

/// The tree readers: every diagnostic, in the documented order (json_read.cpp). parse_intake and
/// parse_plan use them for the documents the streaming readers hand on.
[[nodiscard]] parse_result<intake> read_intake_tree(std::string_view text,
                                                    const read_limits& limits);
[[nodiscard]] parse_result<procedure_plan> read_plan_tree(std::string_view text,
                                                          const read_limits& limits);

}  // namespace mnscreen::io

#endif  // MNSCREEN_IO_JSON_STREAM_HPP
