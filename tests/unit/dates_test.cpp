// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/dates.hpp"

#include <catch2/catch.hpp>

using mnscreen::parse_date;

TEST_CASE("dates: parse accepts ISO calendar dates only", "[dates]") {
  REQUIRE(parse_date("2026-12-01"));
  CHECK(mnscreen::to_string(*parse_date("2024-02-29")) == "2024-02-29");
  CHECK_FALSE(parse_date("2026-02-29"));  // not a leap year
  CHECK_FALSE(parse_date("2026-02-30"));
  CHECK_FALSE(parse_date("2026-13-01"));
  CHECK_FALSE(parse_date("2026-00-10"));
  CHECK_FALSE(parse_date("2026-1-01"));
  CHECK_FALSE(parse_date("01/12/2026"));
  CHECK_FALSE(parse_date("2026-12-01T10:00"));
  CHECK_FALSE(parse_date(""));
  CHECK_FALSE(parse_date("0999-01-01"));
  CHECK_FALSE(parse_date("2026-12-0a"));
}

TEST_CASE("dates: day arithmetic crosses month, year and leap-day boundaries", "[dates]") {
  auto d = [](const char* s) { return *parse_date(s); };
  CHECK(mnscreen::to_string(mnscreen::add_days(d("2026-09-15"), 180)) == "2027-03-14");
  CHECK(mnscreen::to_string(mnscreen::add_days(d("2027-12-25"), 14)) == "2028-01-08");
  CHECK(mnscreen::to_string(mnscreen::add_days(d("2028-02-20"), 14)) == "2028-03-05");
  CHECK(mnscreen::to_string(mnscreen::add_days(d("2027-02-20"), 14)) == "2027-03-06");
  CHECK(mnscreen::to_string(mnscreen::add_days(d("2028-03-01"), -1)) == "2028-02-29");
  CHECK(mnscreen::days_between(d("2026-06-04"), d("2026-12-01")) == 180);
  CHECK(mnscreen::days_between(d("2026-12-01"), d("2026-06-04")) == -180);
}

TEST_CASE("dates: month arithmetic snaps to the month's last day", "[dates]") {
  auto d = [](const char* s) { return *parse_date(s); };
  CHECK(mnscreen::to_string(mnscreen::add_months(d("2026-08-31"), 6)) == "2027-02-28");
  CHECK(mnscreen::to_string(mnscreen::add_months(d("2027-08-31"), 6)) == "2028-02-29");
  CHECK(mnscreen::to_string(mnscreen::add_months(d("2026-01-15"), 12)) == "2027-01-15");
  CHECK(mnscreen::to_string(mnscreen::add_months(d("2026-03-31"), -1)) == "2026-02-28");
}

TEST_CASE("dates: age in completed years, leap-day birthdays", "[dates]") {
  auto d = [](const char* s) { return *parse_date(s); };
  CHECK(mnscreen::age_in_years(d("1990-04-02"), d("2026-12-01")) == 36);
  CHECK(mnscreen::age_in_years(d("2008-12-02"), d("2026-12-01")) == 17);
  CHECK(mnscreen::age_in_years(d("2008-12-01"), d("2026-12-01")) == 18);
  CHECK(mnscreen::age_in_years(d("2000-02-29"), d("2027-02-28")) == 26);
  CHECK(mnscreen::age_in_years(d("2000-02-29"), d("2027-03-01")) == 27);
}
