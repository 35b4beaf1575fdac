// SPDX-License-Identifier: Apache-2.0
// Model files (`mnscreen.model/1`): fitted coefficients with the names of the features they
// belong to, so that a file from another feature set is rejected instead of misread.
#include "mnscreen/fit.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "json/parse.hpp"
#include "mnscreen/version.hpp"
#include "model/features.hpp"

namespace mnscreen {
namespace {

namespace json = boost::json;

constexpr std::string_view model_schema = "mnscreen.model/1";

// Shortest text that reads back as the same double (std::to_chars), or null when not finite.
// Zero is written "0" whatever its sign: "-0" would read back as the integer 0, and a model file
// must be written the same after a round trip (the sign of a zero coefficient means nothing).
void append_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  if (v == 0.0) {
    out += '0';
    return;
  }
  std::array<char, 32> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), r.ptr);
}

void append_string(std::string& out, std::string_view s) {
  out += json::serialize(json::string_view(s.data(), s.size()));
}

void append_rows(std::string& out, const std::vector<double>& values) {
  out += '{';
  for (std::size_t k = 0; k < complication_count; ++k) {
    out += k == 0 ? "\n    " : ",\n    ";
    append_string(out, to_string(static_cast<complication>(k)));
    out += ": [";
    for (std::size_t j = 0; j < detail::coefficient_columns; ++j) {
      if (j > 0) out += ", ";
      append_number(out, values[k * detail::coefficient_columns + j]);
    }
    out += ']';
  }
  out += "\n  }";
}

class reader {
 public:
  explicit reader(std::vector<diagnostic>& out) : out_(out) {}
  void error(std::string code, std::string path, std::string message) {
    out_.push_back({severity::error, std::move(code), std::move(path), std::move(message)});
  }
  void warning(std::string code, std::string path, std::string message) {
    out_.push_back({severity::warning, std::move(code), std::move(path), std::move(message)});
  }

 private:
  std::vector<diagnostic>& out_;
};

// Names the difference between the file's feature list and this version's.
std::string feature_difference(const std::vector<std::string>& file) {
  const auto ours = risk_features();
  std::string missing;
  std::string unexpected;
  for (const feature_info& f : ours) {
    if (std::find(file.begin(), file.end(), f.name) == file.end())
      missing += (missing.empty() ? "" : ", ") + std::string(f.name);
  }
  for (const std::string& name : file) {
    const bool known_name = std::any_of(ours.begin(), ours.end(),
                                        [&](const feature_info& f) { return f.name == name; });
    if (!known_name) unexpected += (unexpected.empty() ? "" : ", ") + name;
  }
  std::string s = "the model's features do not match this version's " +
                  std::to_string(ours.size()) + " features (knowledge version " +
                  knowledge_version + ")";
  if (!missing.empty()) s += "; missing: " + missing;
  if (!unexpected.empty()) s += "; not features of this version: " + unexpected;
  if (missing.empty() && unexpected.empty()) {
    if (file.size() != ours.size()) {
      s += "; a feature is listed twice";
    } else {
      for (std::size_t i = 0; i < file.size(); ++i) {
        if (file[i] != ours[i].name) {
          s += "; same names in another order (position " + std::to_string(i) + " is \"" + file[i] +
               "\", expected \"" + std::string(ours[i].name) + "\")";
          break;
        }
      }
    }
  }
  return s + "; refit the model with this version";
}

// Reads `coefficients` or `std_errors`: an object of seven arrays of 1 + features numbers.
// `allow_null` accepts null (a standard error that was not estimated) and reads it as NaN.
bool read_rows(reader& rd, const json::value& v, const std::string& path, bool allow_null,
               std::vector<double>& out) {
  if (!v.is_object()) {
    rd.error("wrong_type", path, "expected an object with one array per complication");
    return false;
  }
  out.assign(detail::coefficient_count, 0.0);
  bool ok = true;
  std::array<bool, complication_count> seen{};
  for (const auto& m : v.get_object()) {
    const std::string_view key(m.key().data(), m.key().size());
    const std::string p = path + "." + std::string(key);
    const auto c = parse_code<complication>(key);
    if (!c) {
      rd.error("unknown_complication", p, "\"" + std::string(key) + "\" is not a complication");
      ok = false;
      continue;
    }
    const auto k = static_cast<std::size_t>(*c);
    seen[k] = true;
    if (!m.value().is_array() || m.value().get_array().size() != detail::coefficient_columns) {
      rd.error("wrong_length", p,
               "expected an array of " + std::to_string(detail::coefficient_columns) +
                   " numbers (intercept + one per feature)");
      ok = false;
      continue;
    }
    const json::array& a = m.value().get_array();
    for (std::size_t j = 0; j < a.size(); ++j) {
      const json::value& x = a[j];
      double d = 0.0;
      if (x.is_double()) {
        d = x.get_double();
      } else if (x.is_int64()) {
        d = static_cast<double>(x.get_int64());
      } else if (x.is_uint64()) {
        d = static_cast<double>(x.get_uint64());
      } else if (x.is_null() && allow_null) {
        d = std::numeric_limits<double>::quiet_NaN();
      } else {
        rd.error("wrong_type", p + "[" + std::to_string(j) + "]",
                 json::serialize(x) + " is not a number");
        ok = false;
        continue;
      }
      // Only null stands for "not estimated": a number that overflows (1e999) is an error in
      // both lists (written back it would be null, and the file would not read back the same).
      if (!x.is_null() && !std::isfinite(d)) {
        rd.error("not_finite", p + "[" + std::to_string(j) + "]", "the value is not finite");
        ok = false;
        continue;
      }
      out[k * detail::coefficient_columns + j] = d;
    }
  }
  for (std::size_t k = 0; k < complication_count; ++k) {
    if (!seen[k]) {
      rd.error("missing_complication",
               path + "." + std::string(to_string(static_cast<complication>(k))),
               "no coefficients for this complication");
      ok = false;
    }
  }
  return ok;
}

}  // namespace

model_file make_model_file(const fit_result& fit) {
  model_file m;
  m.name = fit.name;
  m.fitted_on = fit.fitted_on;
  m.records_used = fit.records_used;
  m.knowledge_version = knowledge_version;
  const auto c = fit.model.coefficients();
  m.coefficients.assign(c.begin(), c.end());
  m.std_errors.assign(detail::coefficient_count, std::numeric_limits<double>::quiet_NaN());
  for (const complication_fit& cf : fit.complications) {
    const auto k = static_cast<std::size_t>(cf.complication);
    for (std::size_t j = 0; j < cf.coefficients.size() && j < detail::coefficient_columns; ++j)
      m.std_errors[k * detail::coefficient_columns + j] = cf.coefficients[j].std_error;
  }
  return m;
}

std::string to_json(const model_file& m) {
  std::string out = "{\n  \"schema\": \"mnscreen.model/1\",\n  \"name\": ";
  append_string(out, m.name);
  out += ",\n  \"fitted_on\": ";
  if (m.fitted_on) {
    append_string(out, to_string(*m.fitted_on));
  } else {
    out += "null";
  }
  out += ",\n  \"records_used\": " + std::to_string(m.records_used);
  out += ",\n  \"knowledge_version\": ";
  append_string(out, m.knowledge_version);
  out += ",\n  \"features\": [";
  const auto features = risk_features();
  for (std::size_t i = 0; i < features.size(); ++i) {
    out += i == 0 ? "" : ", ";
    append_string(out, features[i].name);
  }
  out += "],\n  \"coefficients\": ";
  append_rows(out, m.coefficients);
  if (m.std_errors.size() == detail::coefficient_count) {
    out += ",\n  \"std_errors\": ";
    append_rows(out, m.std_errors);
  }
  out += "\n}\n";
  return out;
}

parse_result<model_file> parse_model_file(std::string_view text, const read_limits& limits) {
  parse_result<model_file> result;
  reader rd(result.diagnostics);
  if (text.size() > limits.max_bytes) {
    result.diagnostics.push_back({severity::fatal, "too_large", "$",
                                  "the model file is " + std::to_string(text.size()) +
                                      " bytes, over the limit of " +
                                      std::to_string(limits.max_bytes)});
    return result;
  }
  // Numbers are read correctly rounded, so that a model file reads back bit for bit.
  json_detail::parsed parsed = json_detail::parse(text, limits.max_depth);
  if (!parsed.value) {
    result.diagnostics.push_back({severity::fatal, "malformed_json", "$",
                                  "not valid JSON (" + parsed.error.message() + ")"});
    return result;
  }
  for (std::string& path : parsed.duplicate_keys)
    rd.error("duplicate_key", std::move(path), std::string(json_detail::duplicate_key_message));
  const json::value& doc = *parsed.value;
  if (!doc.is_object()) {
    result.diagnostics.push_back({severity::fatal, "wrong_type", "$", "expected an object"});
    return result;
  }
  const json::object& obj = doc.get_object();
  model_file& m = result.value;
  const auto schema = obj.find("schema");
  if (schema == obj.end() || !schema->value().is_string() ||
      schema->value().get_string() != model_schema) {
    rd.error("wrong_schema", "$.schema",
             (schema == obj.end() ? std::string("missing") : json::serialize(schema->value())) +
                 ": expected \"mnscreen.model/1\"");
  }
  for (const auto& member : obj) {
    const std::string_view key(member.key().data(), member.key().size());
    const std::string path = "$." + std::string(key);
    const json::value& v = member.value();
    if (key == "schema") continue;
    if (key == "name") {
      if (v.is_string()) {
        m.name = std::string(v.get_string());
      } else {
        rd.error("wrong_type", path, json::serialize(v) + " is not a string");
      }
    } else if (key == "fitted_on") {
      if (v.is_null()) continue;
      const auto d =
          v.is_string() ? parse_date(std::string_view(v.get_string())) : std::optional<date>{};
      if (d) {
        m.fitted_on = d;
      } else {
        rd.error("bad_date", path, json::serialize(v) + " is not a date YYYY-MM-DD");
      }
    } else if (key == "records_used") {
      if (v.is_uint64()) {
        m.records_used = static_cast<std::size_t>(v.get_uint64());
      } else if (v.is_int64() && v.get_int64() >= 0) {
        m.records_used = static_cast<std::size_t>(v.get_int64());
      } else {
        rd.error("wrong_type", path, json::serialize(v) + " is not a record count");
      }
    } else if (key == "knowledge_version") {
      if (v.is_string()) {
        m.knowledge_version = std::string(v.get_string());
        if (m.knowledge_version != knowledge_version) {
          rd.warning("knowledge_version", path,
                     "fitted with knowledge version " + m.knowledge_version + ", this is " +
                         knowledge_version + " (the features match)");
        }
      } else {
        rd.error("wrong_type", path, json::serialize(v) + " is not a string");
      }
    } else if (key != "features" && key != "coefficients" && key != "std_errors") {
      rd.warning("unknown_key", path, "unknown key, ignored");
    }
  }

  const auto features = obj.find("features");
  bool features_ok = false;
  if (features == obj.end()) {
    rd.error("missing", "$.features", "the list of feature names is missing");
  } else if (!features->value().is_array()) {
    rd.error("wrong_type", "$.features", "expected an array of feature names");
  } else {
    std::vector<std::string> names;
    bool strings = true;
    for (const json::value& v : features->value().get_array()) {
      if (v.is_string()) {
        names.emplace_back(v.get_string());
      } else {
        strings = false;
      }
    }
    const auto ours = risk_features();
    features_ok =
        strings && names.size() == ours.size() &&
        std::equal(names.begin(), names.end(), ours.begin(),
                   [](const std::string& a, const feature_info& b) { return a == b.name; });
    if (!strings) {
      rd.error("wrong_type", "$.features", "every feature name must be a string");
    } else if (!features_ok) {
      rd.error("feature_mismatch", "$.features", feature_difference(names));
    }
  }
  if (features_ok) {
    const auto coef = obj.find("coefficients");
    if (coef == obj.end()) {
      rd.error("missing", "$.coefficients", "the coefficients are missing");
    } else if (!read_rows(rd, coef->value(), "$.coefficients", false, m.coefficients)) {
      m.coefficients.clear();
    }
    const auto se = obj.find("std_errors");
    if (se != obj.end() && !se->value().is_null() &&
        !read_rows(rd, se->value(), "$.std_errors", true, m.std_errors)) {
      m.std_errors.clear();
    }
  }
  return result;
}

risk_model to_risk_model(const model_file& m) {
  return risk_model(fitted_model_label(m.name, m.fitted_on, m.records_used), m.coefficients);
}

risk_model load_risk_model(std::string_view text) {
  const parse_result<model_file> r = parse_model_file(text);
  const model_file& m = r.value_or_throw();
  return to_risk_model(m);
}

std::string fitted_model_label(std::string_view name, const std::optional<date>& fitted_on,
                               std::size_t records_used) {
  std::string s(name);
  s += " (fitted ";
  if (fitted_on) s += to_string(*fitted_on) + " ";
  s += "on " + std::to_string(records_used) + " records)";
  return s;
}

}  // namespace mnscreen
