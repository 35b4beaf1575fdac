// SPDX-License-Identifier: Apache-2.0
// Helpers of the FHIR reader tests: bundles built from resource snippets, files of the shared
// sample data, and lookups in results.
#ifndef MNSCREEN_TESTS_FHIR_TEST_SUPPORT_HPP
#define MNSCREEN_TESTS_FHIR_TEST_SUPPORT_HPP

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "mnscreen/fhir.hpp"
#include "test_support.hpp"

namespace mnscreen::test {

/// A transaction Bundle whose entries are the given resources (JSON objects as text). The
/// patient `Patient/p1` (female, born 1990-04-02) comes first unless `with_patient` is false.
inline std::string bundle(std::initializer_list<std::string_view> resources,
                          bool with_patient = true) {
  std::string out = R"({"resourceType":"Bundle","type":"transaction","entry":[)";
  bool first = true;
  if (with_patient) {
    out += R"({"fullUrl":"urn:uuid:p1","resource":{"resourceType":"Patient","id":"p1",)"
           R"("gender":"female","birthDate":"1990-04-02"}})";
    first = false;
  }
  for (std::string_view r : resources) {
    if (!first) out += ",";
    first = false;
    out += R"({"resource":)";
    out += r;
    out += "}";
  }
  out += "]}";
  return out;
}

/// Options with a screening date.
inline fhir_options as_of(std::string_view day) {
  fhir_options o;
  o.as_of = d(day);
  return o;
}

/// The whole text of a file.
inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Path of a file of the shared sample FHIR data.
inline std::string shared_fhir(std::string_view name) {
  return std::string(MNSCREEN_SHARED_DIR) + "/fhir/" + std::string(name);
}

/// True if a diagnostic with this code exists (and, if given, its message contains `text`).
inline bool has_diagnostic(const std::vector<diagnostic>& ds, std::string_view code,
                           std::string_view text = {}) {
  return std::any_of(ds.begin(), ds.end(), [&](const diagnostic& x) {
    return x.code == code && (text.empty() || x.message.find(text) != std::string::npos);
  });
}

/// The first diagnostic with this code, or nullptr.
inline const diagnostic* find_diagnostic(const std::vector<diagnostic>& ds, std::string_view code) {
  const auto it =
      std::find_if(ds.begin(), ds.end(), [&](const diagnostic& x) { return x.code == code; });
  return it == ds.end() ? nullptr : &*it;
}

inline std::size_t count_diagnostics(const std::vector<diagnostic>& ds, std::string_view code) {
  return static_cast<std::size_t>(
      std::count_if(ds.begin(), ds.end(), [&](const diagnostic& x) { return x.code == code; }));
}

inline bool has_negative(const intake& in, const negative& n) {
  return std::find(in.negatives.begin(), in.negatives.end(), n) != in.negatives.end();
}

}  // namespace mnscreen::test

#endif  // MNSCREEN_TESTS_FHIR_TEST_SUPPORT_HPP
