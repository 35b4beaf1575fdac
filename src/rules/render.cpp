// SPDX-License-Identifier: Apache-2.0
// The rule catalogue rendered as Markdown (docs/rules.md) and JSON (`mnscreen rules`). The
// Markdown also carries, from each rule's `rule_def` row, what explain and overrides use: its
// plan scope, the policy settings it reads, the questions that leave it undecided and whether
// its flag can be overridden (issue 11). The JSON is the catalogue entries only.
#include <algorithm>
#include <boost/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "engine.hpp"
#include "mnscreen/explain.hpp"
#include "mnscreen/policy.hpp"
#include "mnscreen/rules.hpp"
#include "mnscreen/version.hpp"
#include "overrides.hpp"
#include "text.hpp"

namespace mnscreen {
namespace {

namespace text = detail::text;

constexpr std::string_view families[][2] = {
    {"skin", "Skin at the site"},
    {"scarring", "Scarring tendency"},
    {"bleeding", "Bleeding"},
    {"healing", "Healing and immunity"},
    {"topicals", "Medicines and products at the site"},
    {"allergies", "Allergies"},
    {"device", "Device and plan"},
    {"timing", "Timing after other procedures"},
};

std::string join_complications(std::span<const complication> cs) {
  std::string out;
  for (auto c : cs) {
    if (!out.empty()) out += ", ";
    out += to_string(c);
  }
  return out;
}

// Markdown table cells cannot hold a bare '|'.
std::string cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else
      out += c;
  }
  return out;
}

// The plans a rule can apply to (explain's `not_applicable` for the others).
std::string_view scope_words(detail::plan_scope s) noexcept {
  using detail::plan_scope;
  switch (s) {
    case plan_scope::any:
      return "any plan";
    case plan_scope::rf:
      return "RF plans";
    case plan_scope::rf_home:
      return "RF home plans";
    case plan_scope::home:
      return "home plans";
    case plan_scope::eyelids:
      return "plans with the eyelids";
    case plan_scope::prp:
      return "plans with PRP";
    case plan_scope::non_sterile_serum:
      return "plans with a non-sterile serum";
    case plan_scope::hsv_scope:
      return "plans with an area in `hsv_prophylaxis_scope`";
  }
  return "any plan";
}

template <class T, class F>
std::string code_list(std::span<const T> items, F word) {
  if (items.empty()) return "none";
  std::string out;
  for (const T& x : items) text::append(out, out.empty() ? "" : ", ", '`', word(x), '`');
  return out;
}

bool has_label_evidence(const rule_info& info) noexcept {
  return std::any_of(info.evidence.begin(), info.evidence.end(),
                     [](const evidence_ref& e) { return e.level == evidence_level::label; });
}

// Whether the rule's flag can be overridden under the default policy, in words. An override of
// a do_not_treat flag resting on label evidence is refused (`detail::override_refused`) unless
// the policy allows it; a rule can be do_not_treat because it is an area exclusion (every
// planned area excluded), because it reads an effect setting the policy can set to
// do_not_treat, or, with neither, when its catalogue effect names do_not_treat (a fixed
// do_not_treat).
std::string override_words(const detail::rule_def& row) {
  const bool refused =
      detail::override_refused(policy{}, effect::do_not_treat, has_label_evidence(row.info));
  if (!refused) return "yes";
  std::string when;  // what makes the flag do_not_treat, when the rule can be something else
  std::string_view by_default;  // an effect setting whose default is do_not_treat
  const auto add = [&when](std::string_view w) {
    text::append(when, when.empty() ? "" : ", or ", w);
  };
  if (row.excludes == detail::exclusion::area) add("no planned area left");
  const auto settings = policy_settings();
  for (std::string_view name : row.settings) {
    const auto it = std::find_if(settings.begin(), settings.end(),
                                 [&](const policy_setting_info& i) { return i.name == name; });
    if (it == settings.end() || (it->kind != "effect" && it->kind != "effect_or_graded")) continue;
    add(text::cat('`', name, "` do_not_treat"));
    if (it->default_text == to_string(effect::do_not_treat)) by_default = name;
  }
  constexpr std::string_view only = "only with `allow_override_do_not_treat` true";
  if (!by_default.empty())
    return text::cat("no by default (`", by_default, "` do_not_treat, label evidence): ", only,
                     "; yes with another `", by_default, '`');
  if (!when.empty()) return text::cat("yes; when do_not_treat (", when, "; label evidence) ", only);
  if (row.info.effect.find(to_string(effect::do_not_treat)) == std::string_view::npos) return "yes";
  return text::cat("no (do_not_treat, label evidence): ", only);
}

// The explain statuses and the override reasons, for the top of the page.
std::string explain_and_overrides_text() {
  std::string md =
      "\nEach family has two tables: the catalogue (trigger, effect, complications, evidence), "
      "then what explain and overrides use. `mnscreen explain` (docs/api.md, \"Explain\") "
      "gives each rule one status for a record and plan:";
  constexpr std::pair<rule_status, std::string_view> statuses[] = {
      {rule_status::fired, "its flag is in the report"},
      {rule_status::quiet, "it applies to the plan and found nothing"},
      {rule_status::not_applicable, "the plan is not one it \"applies to\""},
      {rule_status::undecided,
       "it did not fire and a factor of its \"undecided while unknown\" column is one of the "
       "report's questions"},
  };
  for (const auto& [status, meaning] : statuses)
    text::append(md, status == rule_status::fired ? " " : "; ", '`', to_string(status), "` (",
                 meaning, ')');
  const auto reasons = all_codes<override_reason>();
  text::append(md,
               ". Its \"settings\" are the policy settings it reads (docs/policy.md). A plan "
               "may override a fired rule's flag (plan `overrides[]`, docs/input-format.md) "
               "with one of ",
               text::integer(reasons.size()), " reasons:");
  for (std::size_t i = 0; i < reasons.size(); ++i)
    text::append(md, i == 0 ? " " : (i + 1 == reasons.size() ? " or " : ", "), '`',
                 to_string(reasons[i]), '`');
  md +=
      "; the flag stays in the report, marked, and no longer counts towards the decision. An "
      "override of a `do_not_treat` flag with `label` evidence is refused (the report is "
      "`cannot_screen`, error `override_refused`) unless the policy sets "
      "`allow_override_do_not_treat` to true: the \"override\" column says when that applies "
      "to the rule (docs/api.md, \"Overrides\").\n";
  return md;
}

}  // namespace

std::string rules_markdown() {
  std::string md;
  md += "# Rule catalogue (knowledge version ";
  md += knowledge_version;
  md +=
      ")\n\nGenerated by `mnscreen rules --format md` from the rule families in "
      "`src/rules/` (one file per family); do not edit by hand. Each rule id is stable and never "
      "reused. Effects, most serious first: do_not_treat > defer > modify_plan > "
      "proceed_with_caution > info. Policy settings named here are in docs/policy.md.\n";
  md += explain_and_overrides_text();
  const auto rules = rule_catalogue();
  const auto table = detail::rule_table();
  text::append(md, '\n', text::integer(rules.size()), " rules.\n");
  for (const auto& fam : families) {
    md += "\n## ";
    md += fam[1];
    md += "\n\n| id | trigger | effect | complications | evidence |\n|---|---|---|---|---|\n";
    for (const auto& r : rules) {
      if (r.family != fam[0]) continue;
      std::string ev;
      for (const auto& e : r.evidence) {
        if (!ev.empty()) ev += "; ";
        text::append(ev, e.source, " (", to_string(e.level), ')');
      }
      text::append(md, "| `", r.id, "` | ", cell(r.trigger), " | ", cell(r.effect), " | ",
                   join_complications(r.complications), " | ", cell(ev), " |\n");
    }
    md +=
        "\n| id | applies to | settings | undecided while unknown | override |\n"
        "|---|---|---|---|---|\n";
    for (const detail::rule_def& row : table) {
      if (row.info.family != fam[0]) continue;
      text::append(md, "| `", row.info.id, "` | ", scope_words(row.scope), " | ",
                   code_list(row.settings, [](std::string_view n) { return n; }), " | ",
                   code_list(row.unknowns, [](question q) { return to_string(q); }), " | ",
                   cell(override_words(row)), " |\n");
    }
  }
  return md;
}

std::string rules_json() {
  boost::json::array arr;
  for (const auto& r : rule_catalogue()) {
    boost::json::array comps, ev;
    for (auto c : r.complications) comps.emplace_back(to_string(c));
    for (const auto& e : r.evidence)
      ev.push_back(boost::json::object{{"source", e.source}, {"level", to_string(e.level)}});
    arr.push_back(boost::json::object{{"id", r.id},
                                      {"family", r.family},
                                      {"trigger", r.trigger},
                                      {"effect", r.effect},
                                      {"complications", std::move(comps)},
                                      {"evidence", std::move(ev)}});
  }
  boost::json::object doc{{"schema", "mnscreen.rules/1"},
                          {"knowledge_version", knowledge_version},
                          {"rules", std::move(arr)}};
  return boost::json::serialize(doc);
}

}  // namespace mnscreen
