// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/dates.hpp"

#include <cstdio>

namespace mnscreen {
namespace {

bool digits(std::string_view s) noexcept {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int to_int(std::string_view s) noexcept {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<date> parse_date(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  if (!digits(y) || !digits(m) || !digits(d) || y[0] == '0') return std::nullopt;
  const date result{std::chrono::year{to_int(y)},
                    std::chrono::month{static_cast<unsigned>(to_int(m))},
                    std::chrono::day{static_cast<unsigned>(to_int(d))}};
  if (!result.ok()) return std::nullopt;
  return result;
}

std::string to_string(date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

date add_days(date d, long n) noexcept {
  return date{std::chrono::sys_days{d} + std::chrono::days{n}};
}

date add_months(date d, int n) noexcept {
  const date shifted = d.year() / d.month() / std::chrono::day{1} + std::chrono::months{n};
  const auto last = (shifted.year() / shifted.month() / std::chrono::last).day();
  return shifted.year() / shifted.month() / (d.day() > last ? last : d.day());
}

long days_between(date from, date to) noexcept {
  return (std::chrono::sys_days{to} - std::chrono::sys_days{from}).count();
}

int age_in_years(date birth, date on) noexcept {
  int age = static_cast<int>(on.year()) - static_cast<int>(birth.year());
  const unsigned bm = static_cast<unsigned>(birth.month()), bd = static_cast<unsigned>(birth.day());
  const unsigned om = static_cast<unsigned>(on.month()), od = static_cast<unsigned>(on.day());
  if (om < bm || (om == bm && od < bd)) --age;
  return age;
}

}  // namespace mnscreen
