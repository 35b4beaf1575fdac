// SPDX-License-Identifier: Apache-2.0
// Readers of the policy and report documents (formats.md). Policy settings are read through the
// generic setting interface of policy.hpp, so the reader never lists settings of its own.
#include <algorithm>
#include <utility>

#include "io/json_common.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/policy.hpp"
#include "text.hpp"

namespace mnscreen {
namespace {

using io::element;
using io::object_reader;
namespace json = io::json;

// Members of a grouped setting that are also accepted under another spelling.
std::string_view canonical_member(std::string_view group, std::string_view member) noexcept {
  if (group == "laser_wait_days" && member == "non_ablative") return "nonablative";
  return member;
}

const policy_setting_info* find_setting(std::string_view name) noexcept {
  for (const auto& info : policy_settings())
    if (info.name == name) return &info;
  return nullptr;
}

bool is_group(std::string_view key) noexcept {
  return std::any_of(policy_settings().begin(), policy_settings().end(), [&](const auto& info) {
    return info.name.size() > key.size() && info.name.compare(0, key.size(), key) == 0 &&
           info.name[key.size()] == '.';
  });
}

// Converts a JSON value to the setting's generic form, reporting type and vocabulary errors
// (the range check is set_setting's).
std::optional<setting_value> setting_from_json(io::context& ctx, const policy_setting_info& info,
                                               const json::value& v, const std::string& path) {
  constexpr std::string_view kept = "the default was kept";
  if (info.kind == "bool") {
    if (auto b = io::as_bool(ctx, v, path, kept)) return setting_value{*b};
    return std::nullopt;
  }
  if (info.kind == "days") {
    // Whole days only; the range is set_setting's to check.
    if (auto n = io::as_int(ctx, v, path, kept)) return setting_value{static_cast<double>(*n)};
    return std::nullopt;
  }
  if (info.kind == "number") {
    if (auto d = io::as_number(ctx, v, path, kept)) return setting_value{*d};
    return std::nullopt;
  }
  const auto word = io::as_string(ctx, v, path, kept);
  if (!word) return std::nullopt;
  bool known_word = false;
  std::string_view noun;
  if (info.kind == "scope") {
    known_word = parse_code<hsv_scope>(*word).has_value();
    noun = "a scope word (perioral, face, any)";
  } else if (info.kind == "effect_or_graded") {
    known_word = *word == "graded" || parse_code<effect>(*word).has_value();
    noun =
        "an effect word (info, proceed_with_caution, modify_plan, defer, do_not_treat) or "
        "graded";
  } else {
    known_word = parse_code<effect>(*word).has_value();
    noun = "an effect word (info, proceed_with_caution, modify_plan, defer, do_not_treat)";
  }
  if (!known_word) {
    io::unknown_code(ctx, path, *word, noun, kept);
    return std::nullopt;
  }
  return setting_value{*word};
}

void read_setting(io::context& ctx, policy& pol, const policy_setting_info& info,
                  const json::value& v, const std::string& path) {
  const auto value = setting_from_json(ctx, info, v, path);
  if (!value) return;
  if (auto problem = set_setting(pol, info.name, *value))
    ctx.error("out_of_range", path, *problem + "; the default was kept");
}

void unknown_setting(io::context& ctx, const std::string& path) {
  // An error, so the policy is refused (exit 2): a mistyped safety setting must not pass silently
  // with its default (clinical-spec 2026.2, "Bad input").
  ctx.error("unknown_setting", path,
            "not a policy setting (see docs/policy.md); refused: correct or remove it");
}

void read_policy(io::context& ctx, const json::object& root, policy& pol) {
  object_reader r(ctx, root, "$");
  r.check_schema("mnscreen.policy/1");
  if (auto name = r.get_string("name", "the name \"default\" was kept")) pol.name = *name;
  for (const auto& member : root) {
    const std::string_view key(member.key().data(), member.key().size());
    if (key == "schema" || key == "name") continue;
    const std::string path = r.path_of(key);
    const json::value& v = member.value();
    // Grouped settings are nested objects in JSON and dotted names in policy.hpp.
    if (key.find('.') == std::string_view::npos) {
      if (const auto* info = find_setting(key)) {
        read_setting(ctx, pol, *info, v, path);
        continue;
      }
    }
    if (!is_group(key)) {
      unknown_setting(ctx, path);
      continue;
    }
    if (!v.is_object()) {
      io::wrong_type(ctx, path, v, "an object of settings", "the defaults were kept");
      continue;
    }
    std::vector<std::string_view> seen;
    for (const auto& inner : v.get_object()) {
      const std::string_view given(inner.key().data(), inner.key().size());
      const std::string inner_path = io::member_path(path, given);
      const std::string_view canonical = canonical_member(key, given);
      const std::string name = std::string(key) + "." + std::string(canonical);
      const auto* info = find_setting(name);
      if (!info) {
        unknown_setting(ctx, inner_path);
        continue;
      }
      if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) {
        ctx.error("duplicate_key", inner_path,
                  "the setting is given twice (under two spellings); the last value was read");
      }
      seen.push_back(canonical);
      read_setting(ctx, pol, *info, inner.value(), inner_path);
    }
  }
  // Every member was handled above; finish() must not warn about settings.
  for (const auto& member : root)
    r.accept(std::string_view(member.key().data(), member.key().size()));
  r.finish();
}

// --- report ----------------------------------------------------------------------------------

std::optional<severity> parse_severity(std::string_view s) noexcept {
  if (s == "warning") return severity::warning;
  if (s == "error") return severity::error;
  if (s == "fatal") return severity::fatal;
  return std::nullopt;
}

template <class T, class F>
std::vector<T> read_objects(object_reader& r, std::string_view key, F read_item) {
  std::vector<T> out;
  const json::value* v = r.find(key);
  if (!v) return out;
  const auto elements = io::as_array(r.ctx(), *v, r.path_of(key), "the list was not read");
  if (!elements) return out;
  for (const element& e : *elements) {
    if (!e.value->is_object()) {
      io::wrong_type(r.ctx(), e.path, *e.value, "an object", "the item was dropped");
      continue;
    }
    object_reader item(r.ctx(), e.value->get_object(), e.path);
    std::optional<T> value = read_item(item);
    item.finish();
    if (value) out.push_back(std::move(*value));
  }
  return out;
}

std::optional<setting_value> override_value(io::context& ctx, const json::value& v,
                                            const std::string& path) {
  if (v.is_bool()) return setting_value{v.get_bool()};
  if (v.is_number()) {
    if (auto d = io::as_number(ctx, v, path, "")) return setting_value{*d};
    return std::nullopt;
  }
  if (v.is_string()) {
    if (auto s = io::as_string(ctx, v, path, "the override was dropped")) return setting_value{*s};
    return std::nullopt;
  }
  io::wrong_type(ctx, path, v, "a number, a string or true/false", "the override was dropped");
  return std::nullopt;
}

void read_report_policy(object_reader& r, report& rep) {
  if (auto name = r.get_string("name")) rep.policy_name = *name;
  const json::value* v = r.find("overrides");
  if (!v) return;
  if (!v->is_object()) {
    io::wrong_type(r.ctx(), r.path_of("overrides"), *v, "an object", "the overrides were dropped");
    return;
  }
  const std::string base = r.path_of("overrides").str();
  for (const auto& member : v->get_object()) {
    const std::string_view key(member.key().data(), member.key().size());
    const std::string path = io::member_path(base, key);
    if (member.value().is_object()) {
      for (const auto& inner : member.value().get_object()) {
        const std::string_view k(inner.key().data(), inner.key().size());
        if (auto value = override_value(r.ctx(), inner.value(), io::member_path(path, k)))
          rep.policy_overrides.emplace_back(std::string(key) + "." + std::string(k), *value);
      }
    } else if (auto value = override_value(r.ctx(), member.value(), path)) {
      rep.policy_overrides.emplace_back(std::string(key), *value);
    }
  }
}

std::optional<question_item> read_question(object_reader& r) {
  constexpr std::string_view dropped = "the question was dropped";
  question_item q;
  std::optional<question> factor;
  if (const json::value* v = r.require("factor", dropped))
    factor = io::as_code<question>(r.ctx(), *v, r.path_of("factor"), "a question word", dropped);
  q.ask = r.get_string("ask").value_or("");
  q.if_yes = r.get_code<decision>("if_yes", "a decision word", "it was left unset");
  if (!factor) return std::nullopt;
  q.factor = *factor;
  return q;
}

std::optional<evidence> read_evidence(object_reader& r) {
  constexpr std::string_view dropped = "the evidence was dropped";
  evidence e;
  std::optional<evidence_level> level;
  e.source = r.get_string("source").value_or("");
  if (const json::value* v = r.require("level", dropped))
    level = io::as_code<evidence_level>(r.ctx(), *v, r.path_of("level"), "an evidence level word",
                                        dropped);
  if (!level) return std::nullopt;
  e.level = *level;
  return e;
}

std::optional<flag> read_flag(object_reader& r) {
  constexpr std::string_view dropped = "the flag was dropped";
  flag f;
  std::optional<std::string> rule_id;
  std::optional<effect> eff;
  if (const json::value* v = r.require("rule_id", dropped))
    rule_id = io::as_string(r.ctx(), *v, r.path_of("rule_id"), dropped);
  if (const json::value* v = r.require("effect", dropped))
    eff = io::as_code<effect>(r.ctx(), *v, r.path_of("effect"), "an effect word", dropped);
  if (const json::value* v = r.find("complications"))
    f.complications =
        io::as_codes<complication>(r.ctx(), *v, r.path_of("complications"), "a complication word");
  if (const json::value* v = r.find("areas"))
    f.areas = io::as_codes<area>(r.ctx(), *v, r.path_of("areas"), "a treatment area word");
  f.reason = r.get_string("reason").value_or("");
  f.action = r.get_string("action").value_or("");
  f.earliest_safe_date = r.get_date("earliest_safe_date", "it was left unset");
  f.evidence = read_objects<evidence>(r, "evidence", read_evidence);
  if (const json::value* v = r.find("override")) {
    if (v->is_object()) {
      object_reader o(r.ctx(), v->get_object(), r.path_of("override"));
      rule_override rec;
      constexpr std::string_view override_dropped = "the override was dropped";
      std::optional<override_reason> reason;
      if (const json::value* rv = o.require("reason", override_dropped))
        reason = io::as_code<override_reason>(r.ctx(), *rv, o.path_of("reason"),
                                              "an override reason word", override_dropped);
      rec.by = o.get_string("by").value_or("");
      rec.note = o.get_string("note").value_or("");
      rec.date = o.get_date("date", "it was left unset");
      if (reason) {
        rec.reason = *reason;
        f.override_record = std::move(rec);
      }
      o.finish();
    } else {
      io::wrong_type(r.ctx(), r.path_of("override"), *v, "an object", "the override was dropped");
    }
  }
  if (!rule_id || !eff) return std::nullopt;
  if (f.override_record) f.override_record->rule_id = *rule_id;
  f.rule_id = *rule_id;
  f.effect = *eff;
  return f;
}

std::optional<risk_driver> read_driver(object_reader& r) {
  constexpr std::string_view dropped = "the driver was dropped";
  risk_driver d;
  std::optional<std::string> factor;
  std::optional<double> weight;
  if (const json::value* v = r.require("factor", dropped))
    factor = io::as_string(r.ctx(), *v, r.path_of("factor"), dropped);
  if (const json::value* v = r.require("weight", dropped))
    weight = io::as_number(r.ctx(), *v, r.path_of("weight"), dropped);
  if (!factor || !weight) return std::nullopt;
  d.factor = *factor;
  d.weight = *weight;
  return d;
}

std::vector<risk_score> read_risks(object_reader& r) {
  std::vector<risk_score> out;
  const json::value* v = r.find("risks");
  if (!v) return out;
  if (!v->is_object()) {
    io::wrong_type(r.ctx(), r.path_of("risks"), *v, "an object keyed by complication",
                   "the risks were dropped");
    return out;
  }
  for (const auto& member : v->get_object()) {
    constexpr std::string_view dropped = "the risk was dropped";
    const std::string_view key(member.key().data(), member.key().size());
    const std::string risk_path = io::member_path(r.path_of("risks").str(), key);
    const auto c = parse_code<complication>(key);
    if (!c) io::unknown_code(r.ctx(), risk_path, key, "a complication word", dropped);
    if (!member.value().is_object()) {
      io::wrong_type(r.ctx(), risk_path, member.value(), "an object", dropped);
      continue;
    }
    object_reader item(r.ctx(), member.value().get_object(), risk_path);
    risk_score s;
    std::optional<double> score;
    std::optional<risk_band> band;
    if (const json::value* sv = item.require("score", dropped))
      score = io::as_number(r.ctx(), *sv, item.path_of("score"), dropped);
    // formats.md: a score is a probability.
    const bool probability = score && *score >= 0.0 && *score <= 1.0;
    if (score && !probability)
      r.ctx().error(
          "out_of_range", item.path_of("score"),
          io::number_text(*score) + " is not a probability in [0, 1]; " + std::string(dropped));
    if (const json::value* bv = item.require("band", dropped))
      band = io::as_code<risk_band>(r.ctx(), *bv, item.path_of("band"),
                                    "a band word (low, moderate, high)", dropped);
    // Spec 2026.2: the reference patient's score and score / reference, both or neither. A
    // report written before 2026.2 has neither: they keep the risk_score defaults (reference 0 =
    // "not given", relative 1), never an invented ratio. (Plain doubles with flags: GCC 12 warns
    // about std::optional<double> here.)
    double reference = 0.0;
    double relative = 1.0;
    bool has_reference = false;
    bool has_relative = false;
    bool ratio_ok = true;
    if (const json::value* rv = item.find("reference")) {
      has_reference = true;
      if (const auto n = io::as_number(r.ctx(), *rv, item.path_of("reference"), dropped)) {
        reference = *n;
        if (!(reference >= 0.0 && reference <= 1.0)) {
          r.ctx().error("out_of_range", item.path_of("reference"),
                        io::number_text(reference) + " is not a probability in [0, 1]; " +
                            std::string(dropped));
          ratio_ok = false;
        }
      } else {
        ratio_ok = false;
      }
    }
    if (const json::value* rv = item.find("relative")) {
      has_relative = true;
      if (const auto n = io::as_number(r.ctx(), *rv, item.path_of("relative"), dropped)) {
        relative = *n;
        if (!(relative >= 0.0)) {
          r.ctx().error(
              "out_of_range", item.path_of("relative"),
              io::number_text(relative) + " is not a ratio of at least 0; " + std::string(dropped));
          ratio_ok = false;
        }
      } else {
        ratio_ok = false;
      }
    }
    if (has_reference != has_relative) {
      const std::string present = has_reference ? "reference" : "relative";
      const std::string absent = has_reference ? "relative" : "reference";
      r.ctx().error("missing_field", item.path_of(absent),
                    detail::text::cat('\'', present, "' needs '", absent, "'; ", dropped));
      ratio_ok = false;
    }
    s.drivers = read_objects<risk_driver>(item, "drivers", read_driver);
    item.finish();
    if (!c || !probability || !band || !ratio_ok) continue;
    s.complication = *c;
    s.score = *score;
    s.band = *band;
    s.reference = reference;
    s.relative = relative;
    out.push_back(std::move(s));
  }
  // The report's contract is complication order, whatever order the object had.
  std::stable_sort(out.begin(), out.end(), [](const risk_score& a, const risk_score& b) {
    return a.complication < b.complication;
  });
  return out;
}

std::optional<diagnostic> read_warning(object_reader& r) {
  constexpr std::string_view dropped = "the warning was dropped";
  diagnostic d;
  std::optional<severity> sev;
  if (const json::value* v = r.require("severity", dropped)) {
    if (auto word = io::as_string(r.ctx(), *v, r.path_of("severity"), dropped)) {
      sev = parse_severity(*word);
      if (!sev)
        io::unknown_code(r.ctx(), r.path_of("severity"), *word,
                         "a severity word (warning, error, fatal)", dropped);
    }
  }
  d.code = r.get_string("code").value_or("");
  d.path = r.get_string("path").value_or("");
  d.message = r.get_string("message").value_or("");
  if (!sev) return std::nullopt;
  d.severity = *sev;
  return d;
}

void read_report(io::context& ctx, const json::object& root, report& rep) {
  object_reader r(ctx, root, "$");
  r.check_schema("mnscreen.report/1");
  rep.knowledge_version = r.get_string("knowledge_version").value_or("");
  rep.library_version = r.get_string("library_version").value_or("");
  if (const json::value* v = r.find("policy")) {
    if (v->is_object()) {
      object_reader p(ctx, v->get_object(), r.path_of("policy"));
      read_report_policy(p, rep);
      p.finish();
    } else {
      io::wrong_type(ctx, r.path_of("policy"), *v, "an object", "the policy was not read");
    }
  }
  rep.model = r.get_string("model").value_or("");
  if (const json::value* v = r.require("screened_on", ""))
    if (auto d = io::as_date(ctx, *v, r.path_of("screened_on"), "")) rep.screened_on = *d;
  if (const json::value* v = r.require("decision", ""))
    if (auto d = io::as_code<decision>(ctx, *v, r.path_of("decision"), "a decision word", ""))
      rep.decision = *d;
  rep.decision_before_overrides =
      r.get_code<decision>("decision_before_overrides", "a decision word", "it was left unset");
  rep.defer_until = r.get_date("defer_until", "it was left unset");
  if (const json::value* v = r.require("complete", ""))
    if (auto b = io::as_bool(ctx, *v, r.path_of("complete"), "")) rep.complete = *b;
  rep.questions = read_objects<question_item>(r, "questions", read_question);
  rep.flags = read_objects<flag>(r, "flags", read_flag);
  rep.risks = read_risks(r);
  if (const json::value* v = r.find("prep")) rep.prep = io::as_strings(ctx, *v, r.path_of("prep"));
  if (const json::value* v = r.find("aftercare"))
    rep.aftercare = io::as_strings(ctx, *v, r.path_of("aftercare"));
  rep.warnings = read_objects<diagnostic>(r, "warnings", read_warning);
  r.finish();
}

}  // namespace

parse_result<policy> parse_policy(std::string_view text, const read_limits& limits) {
  io::context ctx(limits);
  parse_result<policy> result;
  if (const auto doc = io::parse_document(text, ctx)) {
    if (const json::object* root = io::root_object(*doc, ctx)) {
      read_policy(ctx, *root, result.value);
      io::append_validation(ctx, validate(result.value), {});
    }
  }
  result.diagnostics = std::move(ctx.diagnostics());
  return result;
}

parse_result<report> parse_report(std::string_view text, const read_limits& limits) {
  io::context ctx(limits);
  parse_result<report> result;
  if (const auto doc = io::parse_document(text, ctx)) {
    if (const json::object* root = io::root_object(*doc, ctx))
      read_report(ctx, *root, result.value);
  }
  result.diagnostics = std::move(ctx.diagnostics());
  return result;
}

}  // namespace mnscreen
