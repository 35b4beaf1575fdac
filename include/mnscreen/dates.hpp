// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/dates.hpp
//
// Civil (calendar) dates as used by clinics: no time of day, no time zone. The library never
// reads the clock; every "as of" date is an input (the plan's date).
//
//   mnscreen::date d = *mnscreen::parse_date("2026-12-01");
//   mnscreen::date later = mnscreen::add_days(d, 180);         // 2027-05-30
//   mnscreen::date m = mnscreen::add_months(d, 6);             // 2027-06-01
//   std::string s = mnscreen::to_string(later);                // "2027-05-30"
#ifndef MNSCREEN_DATES_HPP
#define MNSCREEN_DATES_HPP

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "mnscreen/export.hpp"

namespace mnscreen {

/// A calendar date. Always `ok()` when produced by this library.
using date = std::chrono::year_month_day;

/// Parses an ISO 8601 calendar date `YYYY-MM-DD` (exactly that form, years 1000..9999).
/// @return the date, or `std::nullopt` for malformed text or an impossible date (2026-02-30).
[[nodiscard]] MNSCREEN_EXPORT std::optional<date> parse_date(std::string_view text) noexcept;

/// Formats a date as `YYYY-MM-DD`.
[[nodiscard]] MNSCREEN_EXPORT std::string to_string(date d);

/// `d` plus `n` days (n may be negative). Exact calendar arithmetic through `sys_days`.
[[nodiscard]] MNSCREEN_EXPORT date add_days(date d, long n) noexcept;

/// `d` plus `n` calendar months; a day that does not exist in the target month snaps to that
/// month's last day (2026-08-31 + 6 months = 2027-02-28). Never an average month length.
[[nodiscard]] MNSCREEN_EXPORT date add_months(date d, int n) noexcept;

/// Whole days from `from` to `to` (negative when `to` is earlier).
[[nodiscard]] MNSCREEN_EXPORT long days_between(date from, date to) noexcept;

/// Completed years of age on `on` for someone born on `birth` (a 29 February birthday is
/// reached on 1 March in common years).
[[nodiscard]] MNSCREEN_EXPORT int age_in_years(date birth, date on) noexcept;

}  // namespace mnscreen

#endif  // MNSCREEN_DATES_HPP
