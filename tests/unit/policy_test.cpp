// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/policy.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

using namespace mnscreen;

TEST_CASE("policy: defaults are the spec's cited defaults", "[policy]") {
  const policy p;
  CHECK(p.isotretinoin_washout_days == 180);
  CHECK(p.isotretinoin_current_effect == effect::defer);
  CHECK(p.topical_retinoid_hold_days_before == 5);
  CHECK(p.topical_retinoid_hold_days_after == 7);
  CHECK(p.inr_max == Approx(3.0));
  CHECK(p.hba1c_max_percent == Approx(8.0));
  CHECK(p.hba1c_max_age_days == 90);
  CHECK(p.platelets_min == Approx(100));
  CHECK(p.anticoagulant_effect == effect::proceed_with_caution);
  CHECK(p.inr_max_age_days == 10);
  CHECK(p.breastfeeding_effect == effect::defer);
  CHECK(p.connective_tissue_effect == effect::do_not_treat);
  CHECK_FALSE(p.keloid_history_effect);
  CHECK(p.require_hsv_prophylaxis);
  CHECK(p.hsv_prophylaxis_scope == hsv_scope::face);
  CHECK(p.chemical_peel_wait_days_medium == 30);
  CHECK(p.laser_wait_days_ablative == 90);
  CHECK(p.rf_filler_wait_days == 30);
  CHECK(p.microneedling_interval_days == 28);
  CHECK(p.radiation_wait_days == 365);
  CHECK(p.minimum_age == 18);
  CHECK(p.home_max_depth_mm == Approx(0.25));
  CHECK(p.risk_band_high == Approx(0.20));
  CHECK(validate(p).empty());
  CHECK(overrides(p).empty());
}

TEST_CASE("policy: every setting is described, readable and unique", "[policy]") {
  std::set<std::string> names;
  const policy p;
  for (const auto& s : policy_settings()) {
    INFO(s.name);
    CHECK(names.insert(std::string(s.name)).second);
    CHECK_FALSE(s.source.empty());
    CHECK_FALSE(s.default_text.empty());
    CHECK(get_setting(p, s.name));
  }
  CHECK(names.size() == policy_settings().size());
  CHECK_FALSE(get_setting(p, "no_such_setting"));
}

TEST_CASE("policy: set_setting checks kind and range", "[policy]") {
  policy p;
  CHECK_FALSE(set_setting(p, "isotretinoin_washout_days", 30.0));
  CHECK(p.isotretinoin_washout_days == 30);
  CHECK(set_setting(p, "isotretinoin_washout_days", -1.0));
  CHECK(set_setting(p, "isotretinoin_washout_days", 30.5));
  CHECK(set_setting(p, "isotretinoin_washout_days", std::string("thirty")));
  CHECK(p.isotretinoin_washout_days == 30);  // unchanged by the failures
  CHECK_FALSE(set_setting(p, "anticoagulant_effect", std::string("do_not_treat")));
  CHECK(p.anticoagulant_effect == effect::do_not_treat);
  const auto bad_effect = set_setting(p, "anticoagulant_effect", std::string("maybe"));
  REQUIRE(bad_effect);
  CHECK_THAT(*bad_effect, Catch::Contains("maybe"));
  CHECK_FALSE(set_setting(p, "keloid_history_effect", std::string("do_not_treat")));
  CHECK(p.keloid_history_effect == effect::do_not_treat);
  CHECK_FALSE(set_setting(p, "keloid_history_effect", std::string("graded")));
  CHECK_FALSE(p.keloid_history_effect);
  CHECK_FALSE(set_setting(p, "chemical_peel_wait_days.deep", 60.0));
  CHECK(p.chemical_peel_wait_days_deep == 60);
  CHECK_FALSE(set_setting(p, "hsv_prophylaxis_scope", std::string("any")));
  CHECK(p.hsv_prophylaxis_scope == hsv_scope::any);
  CHECK(set_setting(p, "require_hsv_prophylaxis", 1.0));
  const auto unknown = set_setting(p, "isotretinoin_washout", 30.0);
  REQUIRE(unknown);
  CHECK_THAT(*unknown, Catch::Contains("not a policy setting"));
}

TEST_CASE("policy: overrides list exactly the changed settings in table order", "[policy]") {
  policy p;
  p.name = "strict";
  p.inr_max = 2.5;
  p.isotretinoin_washout_days = 365;
  const auto o = overrides(p);
  REQUIRE(o.size() == 2);
  CHECK(o[0].first == "isotretinoin_washout_days");
  CHECK(std::get<double>(o[0].second) == Approx(365));
  CHECK(o[1].first == "inr_max");
}

TEST_CASE("policy: validate reports every invalid setting", "[policy]") {
  policy p;
  p.isotretinoin_washout_days = -5;
  p.platelets_min = 5000;
  p.risk_band_moderate = 0.5;
  p.risk_band_high = 0.2;
  p.anticoagulant_effect = static_cast<effect>(42);
  const auto ds = validate(p);
  std::set<std::string> paths;
  for (const auto& d : ds) paths.insert(d.path);
  CHECK(paths.count("$.isotretinoin_washout_days") == 1);
  CHECK(paths.count("$.platelets_min") == 1);
  CHECK(paths.count("$.risk_band_moderate") == 1);
  CHECK(paths.count("$.anticoagulant_effect") == 1);
  CHECK(has_errors(ds));
}

namespace {

std::string read_spec() {
  std::ifstream f(MNSCREEN_SHARED_DIR "/clinical-spec.md");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> split_list(const std::string& s, const std::regex& item) {
  std::vector<std::string> out;
  for (std::sregex_iterator it(s.begin(), s.end(), item), end; it != end; ++it)
    out.push_back((*it)[1].str());
  return out;
}

}  // namespace

TEST_CASE("policy: numeric defaults equal the spec's settings table and 2026.2 settings",
          "[policy][spec]") {
  const std::string spec = read_spec();
  REQUIRE(spec.find("knowledge version 2026.2") != std::string::npos);
  const auto from = spec.find("## Policy settings");
  const auto to = spec.find("\n## ", from + 1);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  const std::string table = spec.substr(from, to - from);
  const policy p;
  std::size_t compared = 0;
  // Rows "| `a`, `b` | 1, 2 | ..." whose default cell is numbers only.
  const std::regex row(R"(\n\| ((?:`[a-z_0-9]+`(?:, )?)+)[^|]*\| ([0-9., ]+) \|)");
  const std::regex name(R"(`([a-z_0-9]+)`)");
  const std::regex number(R"(([0-9]+(?:\.[0-9]+)?))");
  for (std::sregex_iterator it(table.begin(), table.end(), row), end; it != end; ++it) {
    const auto names = split_list((*it)[1].str(), name);
    const auto values = split_list((*it)[2].str(), number);
    INFO((*it)[0].str());
    REQUIRE(names.size() == values.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto v = get_setting(p, names[i]);
      REQUIRE(v);
      REQUIRE(std::holds_alternative<double>(*v));
      CHECK(std::get<double>(*v) == Approx(std::stod(values[i])));
      ++compared;
    }
  }
  CHECK(compared >= 20);
  // "Changes in 2026.2": windows that are now settings ("`dermabrasion_wait_days` 90, ...").
  const std::regex now_setting(R"(`([a-z_]+_days)` ([0-9]+))");
  const auto changes = spec.substr(spec.find("## Changes in 2026.2"));
  std::size_t windows = 0;
  for (std::sregex_iterator it(changes.begin(), changes.end(), now_setting), end; it != end; ++it) {
    const std::string n = (*it)[1].str();
    INFO(n);
    const auto v = get_setting(p, n);
    REQUIRE(v);
    CHECK(std::get<double>(*v) == std::stod((*it)[2].str()));
    // Their cited source is now the spec.
    for (const auto& s : policy_settings())
      if (s.name == n) CHECK(s.source.find("clinical-spec 2026.2") != std::string_view::npos);
    ++windows;
  }
  CHECK(windows == 6);  // dermabrasion, microdermabrasion, sun exposure, platelets, 2 stale
  CHECK(p.risk_band_moderate == 0.10);
  CHECK(p.risk_relative_moderate == 2.0);
  CHECK(p.risk_relative_high == 5.0);
}
