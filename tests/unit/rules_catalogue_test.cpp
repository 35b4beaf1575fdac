// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/rules.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "test_support.hpp"

TEST_CASE("rules: the catalogue renders as Markdown and JSON with every id", "[rules_catalogue]") {
  const std::string md = mnscreen::rules_markdown();
  const std::string json = mnscreen::rules_json();
  // Its size against the spec: tests/rules/catalogue_test.cpp.
  REQUIRE_FALSE(mnscreen::rule_catalogue().empty());
  for (const auto& r : mnscreen::rule_catalogue()) {
    INFO(r.id);
    CHECK(md.find("`" + std::string(r.id) + "`") != std::string::npos);
    CHECK(json.find("\"" + std::string(r.id) + "\"") != std::string::npos);
    CHECK(mnscreen::find_rule(r.id) == &r);
  }
  CHECK(mnscreen::find_rule("no_such_rule") == nullptr);
  CHECK(json.find("\"knowledge_version\":\"2026.2\"") != std::string::npos);
}

namespace {

std::vector<std::string> explain_row(const std::string& md, std::string_view id) {
  return mnscreen::test::rules_doc_row(md, id);
}

}  // namespace

TEST_CASE("rules: the Markdown carries each rule's scope, settings, questions and overrides",
          "[rules_catalogue]") {
  const std::string md = mnscreen::rules_markdown();
  // The paragraph at the top: the explain statuses and the five override reasons.
  for (const char* word :
       {"`fired`", "`quiet`", "`not_applicable`", "`undecided`", "`prescriber_approved`",
        "`informed_consent`", "`information_incorrect`", "`other`", "`allow_override_do_not_treat`",
        "docs/api.md", "docs/input-format.md"}) {
    INFO(word);
    CHECK(md.find(word) < md.find("\n## "));
  }
  CHECK(md.find("| id | applies to | settings | undecided while unknown | override |\n"
                "|---|---|---|---|---|\n") != std::string::npos);
  // Every rule has its second row, with four cells.
  for (const auto& r : mnscreen::rule_catalogue()) {
    INFO(r.id);
    CHECK(explain_row(md, r.id).size() == 4);
  }
  using row = std::vector<std::string>;
  // Plan scope: RF-only, home and PRP rules; most rules apply to any plan.
  CHECK(explain_row(md, "rf_with_implanted_device") ==
        row{"RF plans", "none", "`implanted_device`", "yes"});
  CHECK(explain_row(md, "rf_home_use").at(0) == "RF home plans");
  CHECK(explain_row(md, "home_device_too_deep") ==
        row{"home plans", "`home_max_depth_mm`", "none", "yes"});
  CHECK(explain_row(md, "within_orbital_rim").at(0) == "plans with the eyelids");
  CHECK(explain_row(md, "prp_bleeding").at(0) == "plans with PRP");
  CHECK(explain_row(md, "non_sterile_topical").at(0) == "plans with a non-sterile serum");
  CHECK(explain_row(md, "hsv_history_prophylaxis").at(0) ==
        "plans with an area in `hsv_prophylaxis_scope`");
  CHECK(explain_row(md, "low_platelets") ==
        row{"any plan", "`platelets_min`, `platelets_max_age_days`", "none", "yes"});
  // Settings and questions.
  const row iso = explain_row(md, "isotretinoin_recent");
  REQUIRE(iso.size() == 4);
  CHECK(iso[1] == "`isotretinoin_washout_days`, `isotretinoin_current_effect`");
  CHECK(iso[2] == "`isotretinoin`");
  CHECK(explain_row(md, "diabetes_control").at(2) == "`diabetes_mellitus`, `hba1c`");
  CHECK(explain_row(md, "pregnancy").at(2) == "`pregnancy`, `breastfeeding`");
  // Overrides: a fixed do_not_treat on label evidence, a policy default of do_not_treat, an
  // area exclusion and a policy effect setting.
  CHECK(explain_row(md, "bleeding_disorder") ==
        row{"any plan", "none", "`bleeding_disorder`",
            "no (do_not_treat, label evidence): only with `allow_override_do_not_treat` true"});
  CHECK(explain_row(md, "connective_tissue_disease").at(3) ==
        "no by default (`connective_tissue_effect` do_not_treat, label evidence): only with "
        "`allow_override_do_not_treat` true; yes with another `connective_tissue_effect`");
  CHECK(explain_row(md, "skin_cancer_in_area").at(3) ==
        "yes; when do_not_treat (no planned area left; label evidence) only with "
        "`allow_override_do_not_treat` true");
  CHECK(explain_row(md, "anticoagulant_therapy").at(3) ==
        "yes; when do_not_treat (`anticoagulant_effect` do_not_treat; label evidence) only with "
        "`allow_override_do_not_treat` true");
  // rf_over_metal excludes areas but never refuses; rf_with_implanted_device has label evidence
  // but is never do_not_treat.
  CHECK(explain_row(md, "rf_over_metal").at(3) == "yes");
  // The rules whose flag can be a do_not_treat on label evidence, all of them: a new rule that
  // can refuse must show here (its effect naming do_not_treat, an area exclusion or an effect
  // setting) and be added to this list.
  std::set<std::string> limited;
  for (const auto& r : mnscreen::rule_catalogue()) {
    const row cells = explain_row(md, r.id);
    if (cells.size() == 4 && cells[3] != "yes") limited.emplace(r.id);
  }
  CHECK(limited == std::set<std::string>{"skin_cancer_in_area", "keloid_history",
                                         "bleeding_disorder", "anticoagulant_therapy",
                                         "isotretinoin_recent", "connective_tissue_disease",
                                         "within_orbital_rim", "pregnancy"});
}
