// SPDX-License-Identifier: Apache-2.0
// Outcome records (`mnscreen.outcome/1`, JSON Lines) and the training matrices built from them.
#include "mnscreen/fit.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "facts.hpp"
#include "json/parse.hpp"
#include "model/features.hpp"

namespace mnscreen {
namespace {

namespace json = boost::json;

constexpr std::string_view outcome_schema = "mnscreen.outcome/1";

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Diagnostic paths of an embedded document, re-rooted at its member: `$.x` -> `$.intake.x`.
std::string rerooted(std::string_view member, const diagnostic& d) {
  std::string path = "$." + std::string(member);
  if (d.path.size() > 1 && d.path.front() == '$') path += d.path.substr(1);
  return path + ": " + d.message;
}

// Reads an embedded intake or plan with the io readers. The embedded object may leave out its
// `schema` (the line's schema already says what it is).
template <class T, class Parse>
bool read_embedded(const json::object& line, std::string_view member, std::string_view schema,
                   const read_limits& limits, Parse parse, T& out, std::string& errors,
                   std::vector<std::string>& warnings) {
  const auto it = line.find(member);
  if (it == line.end()) {
    errors = "$." + std::string(member) + " is missing";
    return false;
  }
  if (!it->value().is_object()) {
    errors = "$." + std::string(member) + " is not an object";
    return false;
  }
  json::object obj = it->value().get_object();
  if (!obj.contains("schema")) obj["schema"] = schema;
  const parse_result<T> r = parse(json::serialize(obj), limits);
  for (const diagnostic& d : r.diagnostics) {
    if (d.severity == severity::warning) {
      warnings.push_back(rerooted(member, d));
    } else {
      if (!errors.empty()) errors += "; ";
      errors += rerooted(member, d);
    }
  }
  if (!errors.empty()) return false;
  out = r.value;
  return true;
}

// Reads one non-blank line; returns the reason it is bad, or nothing.
std::optional<std::string> read_line(std::string_view text, const read_limits& limits,
                                     outcome_record& rec, std::vector<std::string>& warnings) {
  if (text.size() > limits.max_bytes) {
    return "the line is " + std::to_string(text.size()) + " bytes, over the limit of " +
           std::to_string(limits.max_bytes);
  }
  // Numbers are read correctly rounded (Boost.JSON 1.81's parser may be one ulp off), so the
  // intake and plan re-serialised below reach their readers exactly as they were written.
  json_detail::parsed parsed = json_detail::parse(text, limits.max_depth);
  if (!parsed.value) return "not valid JSON (" + parsed.error.message() + ")";
  if (!parsed.duplicate_keys.empty()) {
    std::string reason;
    for (const std::string& path : parsed.duplicate_keys) {
      if (!reason.empty()) reason += "; ";
      reason += path + ": the key appears more than once in its object";
    }
    return reason;
  }
  const json::value& v = *parsed.value;
  if (!v.is_object()) return "not a JSON object";
  const json::object& obj = v.get_object();

  const auto schema = obj.find("schema");
  if (schema == obj.end()) return "$.schema is missing (expected \"mnscreen.outcome/1\")";
  if (!schema->value().is_string() || schema->value().get_string() != outcome_schema) {
    return "$.schema: " + json::serialize(schema->value()) + " is not \"mnscreen.outcome/1\"";
  }
  for (const auto& m : obj) {
    const std::string_view key(m.key().data(), m.key().size());
    if (key != "schema" && key != "intake" && key != "plan" && key != "outcomes") {
      warnings.push_back("$." + std::string(key) + ": unknown key, ignored");
    }
  }

  std::string errors;
  read_embedded(
      obj, "intake", "mnscreen.intake/1", limits,
      [](std::string_view t, const read_limits& l) { return parse_intake(t, l); }, rec.record,
      errors, warnings);
  std::string plan_errors;
  read_embedded(
      obj, "plan", "mnscreen.plan/1", limits,
      [](std::string_view t, const read_limits& l) { return parse_plan(t, l); }, rec.plan,
      plan_errors, warnings);
  if (!plan_errors.empty()) errors += (errors.empty() ? "" : "; ") + plan_errors;

  rec.outcomes.fill(known::unknown);
  const auto outcomes = obj.find("outcomes");
  std::string outcome_errors;
  bool any = false;
  if (outcomes == obj.end()) {
    outcome_errors = "$.outcomes is missing";
  } else if (!outcomes->value().is_object()) {
    outcome_errors = "$.outcomes is not an object";
  } else {
    for (const auto& m : outcomes->value().get_object()) {
      const std::string_view key(m.key().data(), m.key().size());
      const std::string path = "$.outcomes." + std::string(key);
      const auto c = parse_code<complication>(key);
      std::string problem;
      if (!c) {
        problem = path + ": not a complication word";
      } else if (m.value().is_bool()) {
        rec.outcomes[static_cast<std::size_t>(*c)] = m.value().get_bool() ? known::yes : known::no;
        any = true;
      } else if (!m.value().is_null()) {
        problem = path + ": " + json::serialize(m.value()) + " is not true, false or null";
      }
      if (!problem.empty()) outcome_errors += (outcome_errors.empty() ? "" : "; ") + problem;
    }
    if (outcome_errors.empty() && !any) outcome_errors = "$.outcomes records no outcome";
  }
  if (!outcome_errors.empty()) errors += (errors.empty() ? "" : "; ") + outcome_errors;
  if (!errors.empty()) return errors;
  return std::nullopt;
}

}  // namespace

outcome_file parse_outcomes(std::string_view jsonl, const read_limits& limits) {
  outcome_file file;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < jsonl.size()) {
    const std::size_t end = std::min(jsonl.find('\n', pos), jsonl.size());
    const std::string_view line = trim(jsonl.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    outcome_record rec;
    std::vector<std::string> warnings;
    if (auto bad = read_line(line, limits, rec, warnings)) {
      file.skipped.push_back({line_no, std::move(*bad)});
      continue;
    }
    for (auto& w : warnings) file.warnings.push_back({line_no, std::move(w)});
    file.records.push_back(std::move(rec));
  }
  return file;
}

std::string to_json_line(const outcome_record& r) {
  std::string out = "{\"schema\":\"mnscreen.outcome/1\",\"intake\":";
  out += to_json(r.record);
  out += ",\"plan\":";
  out += to_json(r.plan);
  out += ",\"outcomes\":{";
  bool first = true;
  for (std::size_t k = 0; k < complication_count; ++k) {
    if (r.outcomes[k] == known::unknown) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += to_string(static_cast<complication>(k));
    out += "\":";
    out += r.outcomes[k] == known::yes ? "true" : "false";
  }
  out += "}}";
  return out;
}

training_set make_training_set(std::span<const outcome_record> records, const policy& pol) {
  training_set t;
  t.rows = records.size();
  t.features.assign(t.rows * detail::feature_count, 0);
  t.outcomes.assign(t.rows * complication_count, 0);
  for (std::size_t i = 0; i < t.rows; ++i) {
    const outcome_record& r = records[i];
    const detail::facts f(r.record, r.plan, pol);
    detail::fill_risk_features(
        f, std::span<double>(t.features).subspan(i * detail::feature_count, detail::feature_count));
    for (std::size_t k = 0; k < complication_count; ++k) {
      const known o = r.outcomes[k];
      t.outcomes[i * complication_count + k] = o == known::yes  ? outcome_event
                                               : o == known::no ? outcome_no_event
                                                                : outcome_not_recorded;
    }
  }
  return t;
}

}  // namespace mnscreen
