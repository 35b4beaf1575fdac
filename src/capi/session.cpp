// SPDX-License-Identifier: Apache-2.0
#include "capi/session.hpp"

#include <span>
#include <utility>

#include <boost/json.hpp>

#include "mnscreen/fhir.hpp"
#include "mnscreen/fit.hpp"
#include "mnscreen/json.hpp"

namespace mnscreen::bindings {
namespace {

/// The tool's `read_input` size check, for a document passed as text.
bool within_limit(std::string_view input, std::string_view text, std::size_t max_bytes,
                  input_log& log) {
  if (text.size() <= max_bytes) return true;
  log.add(input, diagnostic{severity::fatal, "too_large", "$",
                            "the document is larger than the limit of " +
                                std::to_string(max_bytes) + " bytes"});
  return false;
}

/// The tool's `load`: read, then validate when the reader found no error (only the second
/// pass's errors are kept: its warnings would repeat the screener's own).
template <class T, class Parse, class Validate>
std::optional<T> load(std::string_view input, std::string_view text, input_log& log, Parse parse,
                      Validate validate_value) {
  const read_limits limits{};
  if (!within_limit(input, text, limits.max_bytes, log)) return std::nullopt;
  auto result = parse(text, limits);
  log.add(input, result.diagnostics);
  if (!result.ok()) return std::nullopt;
  const auto problems = validate_value(result.value);
  log.add_errors(input, problems);
  if (has_errors(problems)) return std::nullopt;
  return std::move(result.value);
}

std::optional<intake> load_intake(std::string_view input, std::string_view text, input_log& log) {
  return load<intake>(
      input, text, log, [](std::string_view t, const read_limits& l) { return parse_intake(t, l); },
      [](const intake& v) { return validate(v); });
}

std::optional<procedure_plan> load_plan(std::string_view text, input_log& log) {
  return load<procedure_plan>(
      "plan", text, log, [](std::string_view t, const read_limits& l) { return parse_plan(t, l); },
      [](const procedure_plan& v) { return validate(v); });
}

/// The end of the tool's `screen`: a `cannot_screen` report means the library found a problem
/// the readers did not (reported as input "inputs"); otherwise the inputs' warnings are
/// appended to the report.
std::optional<std::string> finish(report& rep, std::vector<diagnostic> warnings,
                                  const parse_result<fhir_intake>* fhir, input_log& log) {
  if (rep.decision == decision::cannot_screen) {
    bool any = false;
    for (const auto& d : rep.warnings) {
      if (d.severity == severity::warning) continue;
      log.add("inputs", d);
      any = true;
    }
    if (!any)
      log.add("inputs", diagnostic{severity::error, "cannot_screen", "$",
                                   "the library could not screen these inputs"});
    return std::nullopt;
  }
  for (auto& w : warnings) rep.warnings.push_back(std::move(w));
  if (fhir != nullptr) add_fhir_findings(rep, *fhir);
  return to_json(rep);
}

/// `first` then `second`'s warnings.
std::vector<diagnostic> joined(const input_log& first, const input_log& second) {
  std::vector<diagnostic> out = first.warnings();
  for (auto& w : second.warnings()) out.push_back(std::move(w));
  return out;
}

}  // namespace

void input_log::add(std::string_view input, const std::vector<diagnostic>& ds) {
  for (const auto& d : ds) add(input, d);
}

void input_log::add(std::string_view input, diagnostic d) {
  entries_.push_back(named_diagnostic{std::string(input), std::move(d)});
}

void input_log::add_errors(std::string_view input, const std::vector<diagnostic>& ds) {
  for (const auto& d : ds)
    if (d.severity != severity::warning) add(input, d);
}

void input_log::append(const input_log& other) {
  entries_.insert(entries_.end(), other.entries_.begin(), other.entries_.end());
}

bool input_log::has_errors() const noexcept {
  for (const auto& e : entries_)
    if (e.d.severity != severity::warning) return true;
  return false;
}

std::vector<diagnostic> input_log::warnings() const {
  std::vector<diagnostic> out;
  for (const auto& e : entries_) {
    if (e.d.severity != severity::warning) continue;
    diagnostic d = e.d;
    d.message = e.input + ": " + d.message;
    out.push_back(std::move(d));
  }
  return out;
}

std::string input_log::error_message() const {
  std::string out;
  for (const auto& e : entries_) {
    if (e.d.severity == severity::warning) continue;
    if (!out.empty()) out += '\n';
    out += format(e.d, e.input);
  }
  return out;
}

std::string input_log::to_json() const {
  namespace json = boost::json;
  json::array list;
  list.reserve(entries_.size());
  for (const auto& e : entries_)
    list.push_back(json::object{{"input", e.input},
                                {"severity", to_string(e.d.severity)},
                                {"code", e.d.code},
                                {"path", e.d.path},
                                {"message", e.d.message}});
  return json::serialize(list);
}

std::optional<session> make_session(const std::optional<std::string_view>& policy_text,
                                    const std::optional<std::string_view>& model_text,
                                    input_log& log) {
  // As the tool's load_screener: the policy, then the model; both read before giving up.
  policy pol;
  bool ok = true;
  if (policy_text) {
    auto loaded = load<policy>(
        "policy", *policy_text, log,
        [](std::string_view t, const read_limits& l) { return parse_policy(t, l); },
        [](const policy& v) { return validate(v); });
    if (loaded) {
      pol = std::move(*loaded);
    } else {
      ok = false;
    }
  }
  std::optional<risk_model> model;
  if (model_text && within_limit("model", *model_text, read_limits{}.max_bytes, log)) {
    const auto file = parse_model_file(*model_text);
    log.add("model", file.diagnostics);
    if (file.ok()) {
      model = to_risk_model(file.value);
    } else {
      ok = false;
    }
  } else if (model_text) {
    ok = false;
  }
  if (!ok || log.has_errors()) return std::nullopt;
  session s{model ? screener{std::move(pol), std::move(*model)} : screener{std::move(pol)}, log};
  return s;
}

std::optional<std::string> screen_json(const session& s, std::string_view intake_text,
                                       std::string_view plan_text, input_log& log) {
  // Every input is read before anything is reported, so that one call lists every problem.
  const auto in = load_intake("intake", intake_text, log);
  const auto plan = load_plan(plan_text, log);
  if (log.has_errors() || !in || !plan) return std::nullopt;
  report rep = s.screen.screen(*in, *plan);
  input_log problems;
  // The tool's order: intake, plan, then the policy and model files.
  auto out = finish(rep, joined(log, s.warnings), nullptr, problems);
  if (!out) log.append(problems);
  return out;
}

std::optional<std::string> screen_fhir_json(const session& s, std::string_view fhir_text,
                                            std::string_view plan_text,
                                            const std::optional<std::string_view>& overlay_text,
                                            input_log& log) {
  // The order of the tool's `screen --fhir`: plan, (policy, model), record size, overlay, the
  // record's own diagnostics.
  input_log plan_log;
  const auto plan = load_plan(plan_text, plan_log);
  log.append(plan_log);
  const std::size_t after_plan = log.entries().size();
  fhir_options o;
  if (plan) o = make_fhir_options(s.screen.active_policy(), plan->date);
  const bool record_fits = within_limit("fhir", fhir_text, o.max_bytes, log);
  std::optional<intake> overlay;
  if (overlay_text) overlay = load_intake("overlay", *overlay_text, log);
  if (!record_fits) return std::nullopt;
  parse_result<fhir_intake> findings = fhir_reader{}.read(fhir_text, o);
  log.add("fhir", findings.diagnostics);
  const bool ok = findings.ok() && (!overlay_text || overlay.has_value());
  findings.diagnostics.clear();
  if (log.has_errors() || !ok || !plan) return std::nullopt;
  const intake in = overlay ? merge_intake(findings.value.record, *overlay) : findings.value.record;
  report rep = s.screen.screen(in, *plan);
  input_log rest;
  for (std::size_t i = after_plan; i < log.entries().size(); ++i)
    rest.add(log.entries()[i].input, log.entries()[i].d);
  std::vector<diagnostic> warnings = joined(plan_log, s.warnings);
  for (auto& w : rest.warnings()) warnings.push_back(std::move(w));
  input_log problems;
  auto out = finish(rep, std::move(warnings), &findings, problems);
  if (!out) log.append(problems);
  return out;
}

bool screen_many_json(const session& s, const std::vector<std::string>& intakes,
                      std::string_view plan_text, std::vector<std::optional<std::string>>& out,
                      std::vector<input_log>& logs, input_log& plan_log) {
  const auto plan = load_plan(plan_text, plan_log);
  out.assign(intakes.size(), std::nullopt);
  logs.assign(intakes.size(), input_log{});
  if (plan_log.has_errors() || !plan) return false;
  std::vector<intake> readable;
  std::vector<std::size_t> where;
  readable.reserve(intakes.size());
  where.reserve(intakes.size());
  for (std::size_t i = 0; i < intakes.size(); ++i) {
    auto in = load_intake("intake", intakes[i], logs[i]);
    if (in && !logs[i].has_errors()) {
      readable.push_back(std::move(*in));
      where.push_back(i);
    } else {
      logs[i].append(plan_log);
    }
  }
  std::vector<report> reports =
      s.screen.screen_many(readable, std::span<const procedure_plan>(&*plan, 1));
  for (std::size_t k = 0; k < reports.size(); ++k) {
    const std::size_t i = where[k];
    logs[i].append(plan_log);
    input_log problems;
    out[i] = finish(reports[k], joined(logs[i], s.warnings), nullptr, problems);
    if (!out[i]) logs[i].append(problems);
  }
  return true;
}

}  // namespace mnscreen::bindings
