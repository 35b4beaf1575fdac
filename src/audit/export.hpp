// SPDX-License-Identifier: Apache-2.0
// Reading an audit database back: the records as JSON lines or CSV, and the override rate per
// rule (`mnscreen audit`, docs/cds-hooks.md "Audit").
#ifndef MNSCREEN_AUDIT_EXPORT_HPP
#define MNSCREEN_AUDIT_EXPORT_HPP

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "audit/store.hpp"

namespace mnscreen::audit {

enum class export_format { json, csv };

struct export_options {
  /// Only records whose time is at or after this key (from `parse_since`); empty = all.
  std::string since;
  export_format format = export_format::json;
};

/// The key the database compares record times with, from `YYYY-MM-DD` or
/// `YYYY-MM-DDTHH:MM:SS[.fff]Z` (the text without its `Z`), or std::nullopt when the text is
/// not a valid UTC date or time.
[[nodiscard]] std::optional<std::string> parse_since(std::string_view text);

/// Every hook call and feedback item, oldest first (ties: hook calls before feedback, then in
/// the order written). JSON: one object a line. CSV: a header line, RFC 4180 quoting.
/// Throws db_error.
void export_records(database& db, const export_options& o, std::ostream& out);

/// The override rate per rule: for every rule id shown on a card in the period, how many cards
/// showed it, how much feedback came back (accepted / overridden) and the override reasons.
/// Throws db_error.
void export_summary(database& db, const export_options& o, std::ostream& out);

}  // namespace mnscreen::audit

#endif  // MNSCREEN_AUDIT_EXPORT_HPP
