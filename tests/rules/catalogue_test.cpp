// SPDX-License-Identifier: Apache-2.0
// The rule catalogue against the spec's list, and the rule tests against the catalogue: every
// rule must have at least one `[trigger]` and one `[quiet]` test tagged with its id.
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "rule_test_support.hpp"

namespace mt = mnscreen::test;
using namespace mnscreen;

namespace {

struct spec_rule {
  std::string_view id;
  std::string_view family;
};

// clinical-spec.md "Rule catalogue", transcribed by hand (section → family).
constexpr spec_rule spec_rules[] = {
    // Skin at the site
    {"active_infection_in_area", "skin"},
    {"open_wound_in_area", "skin"},
    {"active_hsv_lesion", "skin"},
    {"hsv_history_prophylaxis", "skin"},
    {"skin_cancer_in_area", "skin"},
    {"lesions_in_area", "skin"},
    {"inflammatory_acne_in_area", "skin"},
    {"koebner_condition_active", "skin"},
    {"inflammatory_dermatosis_in_area", "skin"},
    {"pigmentation_risk", "skin"},
    // Scarring tendency
    {"keloid_history", "scarring"},
    // Bleeding
    {"bleeding_disorder", "bleeding"},
    {"low_platelets", "bleeding"},
    {"anticoagulant_therapy", "bleeding"},
    {"inr_above_limit", "bleeding"},
    {"antiplatelet_therapy", "bleeding"},
    {"aspirin_or_nsaid", "bleeding"},
    {"bleeding_supplements", "bleeding"},
    // Healing and immunity
    {"isotretinoin_recent", "healing"},
    {"immunosuppressed", "healing"},
    {"systemic_steroids", "healing"},
    {"diabetes_control", "healing"},
    {"connective_tissue_disease", "healing"},
    {"radiation_to_area", "healing"},
    {"smoker_healing", "healing"},
    // Medicines and products at the site
    {"topical_retinoid_recent", "topicals"},
    {"topical_exfoliant_recent", "topicals"},
    {"acne_medication_current", "topicals"},
    {"photosensitiser_current", "topicals"},
    {"non_sterile_topical", "topicals"},
    // Allergies
    {"anesthetic_allergy", "allergies"},
    {"metal_allergy_needles", "allergies"},
    {"antiseptic_allergy", "allergies"},
    {"product_allergy", "allergies"},
    // Device and plan
    {"rf_with_implanted_device", "device"},
    {"rf_over_metal", "device"},
    {"rf_over_recent_filler", "device"},
    {"rf_home_use", "device"},
    {"within_orbital_rim", "device"},
    {"device_not_single_use", "device"},
    {"depth_exceeds_area_limit", "device"},
    {"home_device_too_deep", "device"},
    {"home_use_high_risk", "device"},
    {"pregnancy", "device"},
    {"minor", "device"},
    {"prp_bleeding", "device"},
    // Timing after other procedures
    {"recent_chemical_peel", "timing"},
    {"recent_laser", "timing"},
    {"recent_dermabrasion", "timing"},
    {"recent_filler", "timing"},
    {"recent_neuromodulator", "timing"},
    {"recent_surgery", "timing"},
    {"recent_hair_removal", "timing"},
    {"recent_exfoliation", "timing"},
    {"recent_sun_exposure", "timing"},
    {"session_interval", "timing"},
};

std::set<std::string> spec_ids() {
  std::set<std::string> out;
  for (const spec_rule& r : spec_rules) out.emplace(r.id);
  return out;
}

std::set<std::string> catalogue_ids() {
  std::set<std::string> out;
  for (const rule_info& r : rule_catalogue()) out.emplace(r.id);
  return out;
}

/// Lower-case tags of every registered test case, by tag.
std::map<std::string, std::vector<std::set<std::string>>> tests_by_tag() {
  std::map<std::string, std::vector<std::set<std::string>>> out;
  for (const Catch::TestCase& tc : Catch::getRegistryHub().getTestCaseRegistry().getAllTests()) {
    const Catch::TestCaseInfo& info = tc.getTestCaseInfo();
    std::set<std::string> tags;
    for (const std::string& t : info.tags) tags.insert(mt::lower(t));
    for (const std::string& t : tags) out[t].push_back(tags);
  }
  return out;
}

bool has_test_with(const std::map<std::string, std::vector<std::set<std::string>>>& by_tag,
                   const std::string& id, const std::string& kind) {
  auto it = by_tag.find(id);
  if (it == by_tag.end()) return false;
  for (const auto& tags : it->second)
    if (tags.count(kind) != 0 && tags.count("rules") != 0) return true;
  return false;
}

}  // namespace

TEST_CASE("catalogue: every catalogue rule is in the spec and every spec rule is catalogued",
          "[catalogue][rules]") {
  const std::set<std::string> spec = spec_ids();
  const std::set<std::string> cat = catalogue_ids();
  REQUIRE(spec.size() == std::size(spec_rules));  // no duplicate in the transcription
  CHECK(cat.size() == rule_catalogue().size());   // no id twice in the catalogue
  for (const std::string& id : cat) {
    INFO("catalogue rule not in the spec: " << id);
    CHECK(spec.count(id) == 1);
  }
  for (const std::string& id : spec) {
    INFO("spec rule missing from the catalogue: " << id);
    CHECK(cat.count(id) == 1);
  }
}

TEST_CASE("catalogue: every rule has a trigger test and a quiet test", "[catalogue][rules]") {
  const auto by_tag = tests_by_tag();
  REQUIRE_FALSE(rule_catalogue().empty());
  for (const rule_info& r : rule_catalogue()) {
    const std::string id(r.id);
    INFO("rule " << id);
    CHECK(has_test_with(by_tag, id, "trigger"));
    CHECK(has_test_with(by_tag, id, "quiet"));
  }
  // The same for the spec's list, so a rule missing from the catalogue is not excused.
  for (const spec_rule& s : spec_rules) {
    const std::string id(s.id);
    INFO("spec rule " << id);
    CHECK(has_test_with(by_tag, id, "trigger"));
    CHECK(has_test_with(by_tag, id, "quiet"));
  }
}

TEST_CASE("catalogue: every rule test tag names a known rule", "[catalogue][rules]") {
  // A typo in a tag would make a test count for no rule.
  const std::set<std::string> spec = spec_ids();
  const std::set<std::string> generic = {"rules",       "trigger",   "quiet",      "unknown",
                                         "policy",      "catalogue", "decision",   "questions",
                                         "concurrency", "risks",     "validation", "clarification"};
  for (const Catch::TestCase& tc : Catch::getRegistryHub().getTestCaseRegistry().getAllTests()) {
    const Catch::TestCaseInfo& info = tc.getTestCaseInfo();
    const std::set<std::string> tags(info.tags.begin(), info.tags.end());
    if (tags.count("rules") == 0) continue;
    for (const std::string& t : tags) {
      INFO("test \"" << info.name << "\" has tag [" << t << "]");
      CHECK((generic.count(t) == 1 || spec.count(t) == 1));
    }
    // A rule test's name starts with its rule id.
    if (tags.count("trigger") != 0 || tags.count("quiet") != 0) {
      const std::string prefix = info.name.substr(0, info.name.find(':'));
      INFO("test \"" << info.name << "\"");
      CHECK(tags.count(prefix) == 1);
    }
  }
}

TEST_CASE("catalogue: metadata is complete and ids are unique", "[catalogue][rules]") {
  std::set<std::string> seen;
  std::map<std::string, std::string> family_of;
  for (const spec_rule& s : spec_rules) family_of.emplace(s.id, s.family);
  for (const rule_info& r : rule_catalogue()) {
    const std::string id(r.id);
    INFO("rule " << id);
    CHECK(seen.insert(id).second);
    CHECK_FALSE(r.trigger.empty());
    CHECK_FALSE(r.effect.empty());
    CHECK_FALSE(r.evidence.empty());
    for (const evidence_ref& e : r.evidence) CHECK_FALSE(e.source.empty());
    auto fam = family_of.find(id);
    if (fam != family_of.end()) CHECK(std::string(r.family) == fam->second);
    const rule_info* found = find_rule(r.id);
    REQUIRE(found != nullptr);
    CHECK(found->id == r.id);
    // ids are snake_case
    const bool snake = std::all_of(id.begin(), id.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    CHECK(snake);
  }
  CHECK(find_rule("no_such_rule") == nullptr);
}

TEST_CASE("catalogue: the transcription matches the rule ids in clinical-spec.md",
          "[catalogue][rules]") {
  const std::string path = std::string(MNSCREEN_SHARED_DIR) + "/clinical-spec.md";
  std::ifstream file(path);
  if (!file) {
    WARN("clinical-spec.md not found at " << path << "; checking the transcription only");
    return;
  }
  std::stringstream buf;
  buf << file.rdbuf();
  const std::string text = buf.str();
  const std::string::size_type start = text.find("## Rule catalogue");
  REQUIRE(start != std::string::npos);
  const std::string::size_type end = text.find("\n## ", start + 1);
  const std::string section = text.substr(start, end - start);
  // Every bullet's leading `id` is in the transcription.
  std::set<std::string> bullet_ids;
  std::istringstream lines(section);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("- `", 0) != 0) continue;
    std::string::size_type pos = 2;
    // A bullet may list several ids before its arrow (the timing rules).
    const std::string::size_type arrow =
        line.find("—") != std::string::npos ? line.find("—") : line.find("→");
    while (pos < line.size() && line[pos] == '`' && pos < arrow) {
      const std::string::size_type close = line.find('`', pos + 1);
      if (close == std::string::npos) break;
      bullet_ids.insert(line.substr(pos + 1, close - pos - 1));
      pos = close + 1;
      while (pos < line.size() && (line[pos] == ',' || line[pos] == ' ')) ++pos;
    }
  }
  const std::set<std::string> spec = spec_ids();
  for (const std::string& id : bullet_ids) {
    INFO("spec bullet id missing from the transcription: " << id);
    CHECK(spec.count(id) == 1);
  }
  for (const std::string& id : spec) {
    INFO("transcribed id not in the spec text: " << id);
    CHECK(section.find("`" + id + "`") != std::string::npos);
  }
}
