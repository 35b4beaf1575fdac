// SPDX-License-Identifier: Apache-2.0
// Private: the report writer behind to_json(const report&), for callers that keep their own
// writer (mnscreen batch writes every report of a chunk through one buffer).
#ifndef MNSCREEN_SRC_IO_JSON_WRITE_HPP
#define MNSCREEN_SRC_IO_JSON_WRITE_HPP

#include <cstddef>

#include "json/text.hpp"
#include "mnscreen/report.hpp"

namespace mnscreen::io {

/// Room a writer of one report starts with (a report's text is a few kilobytes).
inline constexpr std::size_t report_text_room = 8192;

/// Writes `rep` as its `mnscreen.report/1` document (the text of to_json(rep)) as the next value
/// of `w`.
void write_report(json_detail::writer& w, const report& rep);

}  // namespace mnscreen::io

#endif  // MNSCREEN_SRC_IO_JSON_WRITE_HPP
