// SPDX-License-Identifier: Apache-2.0
// Property: the JSON formats are lossless. A valid intake, plan, policy or report written with
// to_json and read back is equal to the original, with no diagnostic, and writing it again gives
// the same text.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>

#include "mnscreen/fit.hpp"
#include "property_support.hpp"

namespace {

using namespace mnscreen;
using namespace mnscreen::prop;

template <class T, class Parse>
void check_round_trip(const T& value, Parse parse) {
  const std::string json = to_json(value);
  const auto back = parse(json);
  RC_LOG() << json << '\n';
  for (const auto& d : back.diagnostics) RC_LOG() << format(d) << '\n';
  RC_ASSERT(back.diagnostics.empty());
  RC_ASSERT(back.value == value);
  RC_ASSERT(to_json(back.value) == json);
}

}  // namespace

TEST_CASE("property: JSON round trip is lossless", "[property][json]") {
  rc::prop("intake", [] {
    const scenario sc = *gen_scenario();
    check_round_trip(sc.record, [](std::string_view t) { return parse_intake(t); });
  });
  rc::prop("plan",
           [] { check_round_trip(*gen_plan(), [](std::string_view t) { return parse_plan(t); }); });
  rc::prop("policy", [] {
    check_round_trip(*gen_policy(), [](std::string_view t) { return parse_policy(t); });
  });
  rc::prop("report", [] {
    const policy pol = *gen_policy();
    const scenario sc = *gen_scenario();
    check_round_trip(screener{pol}.screen(sc.record, sc.plan),
                     [](std::string_view t) { return parse_report(t); });
  });
}

// Outcome lines (fit.hpp): the line is read with correctly rounded numbers (the handler
// of src/json), so a lab value such as 6.0137599999999996 comes back bit for bit.
TEST_CASE("property: outcome lines round-trip losslessly", "[property][json]") {
  rc::prop("outcome line", [] {
    const scenario sc = *gen_scenario();
    outcome_record rec{sc.record, sc.plan, {}};
    for (auto& o : rec.outcomes) o = *tri_state();
    rec.outcomes[0] = known::yes;  // a line must record at least one outcome
    const std::string line = to_json_line(rec);
    const outcome_file back = parse_outcomes(line);
    RC_LOG() << line << '\n';
    for (const auto& p : back.skipped) RC_LOG() << p.line << ": " << p.reason << '\n';
    RC_ASSERT(back.skipped.empty());
    RC_ASSERT(back.records.size() == 1U);
    RC_LOG() << to_json_line(back.records[0]) << '\n';
    RC_ASSERT(back.records[0].record == rec.record);
    RC_ASSERT(back.records[0].plan == rec.plan);
    RC_ASSERT(back.records[0].outcomes == rec.outcomes);
  });
}
