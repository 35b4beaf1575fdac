// SPDX-License-Identifier: Apache-2.0
// Helpers of the batch tests: sample records as one-line JSON, and running a batch in memory.
#ifndef MNSCREEN_TESTS_BATCH_TEST_SUPPORT_HPP
#define MNSCREEN_TESTS_BATCH_TEST_SUPPORT_HPP

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mnscreen/batch.hpp"
#include "mnscreen/json.hpp"

namespace mnscreen::test {

/// The whole text of a file.
inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open test file " + path);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

/// A sample document of examples/data as compact one-line JSON (read and written back).
inline std::string sample_intake(std::string_view name) {
  const auto r = parse_intake(slurp(std::string(MNSCREEN_TEST_DATA_DIR) + "/" + std::string(name)));
  if (!r.ok()) throw std::runtime_error("sample intake does not read: " + std::string(name));
  return to_json(r.value);
}

inline std::string sample_plan(std::string_view name = "plan-cheeks-pen.json") {
  const auto r = parse_plan(slurp(std::string(MNSCREEN_TEST_DATA_DIR) + "/" + std::string(name)));
  if (!r.ok()) throw std::runtime_error("sample plan does not read: " + std::string(name));
  return to_json(r.value);
}

/// One input line (without newline): `{"id":<id_json>,"intake":...,"plan":...}`.
inline std::string record(std::string_view id_json, std::string_view intake_json,
                          std::string_view plan_json) {
  std::string s = "{\"id\":";
  s += id_json;
  s += ",\"intake\":";
  s += intake_json;
  s += ",\"plan\":";
  s += plan_json;
  s += '}';
  return s;
}

/// Lines of a text (the last one may lack its newline; an empty tail is not a line).
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::size_t end = nl == std::string::npos ? text.size() : nl;
    out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

/// Every line parsed as a JSON object (throws on invalid JSON: the test then fails).
inline std::vector<boost::json::object> objects_of(const std::string& text) {
  std::vector<boost::json::object> out;
  for (const auto& line : lines_of(text)) out.push_back(boost::json::parse(line).as_object());
  return out;
}

struct batch_run {
  std::string out;
  std::string err;
  batch_summary summary;
};

/// Runs `batch_screen` over `input` in memory.
inline batch_run run_batch(const std::string& input, batch_options opt = {},
                           const screener& s = screener{}) {
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  batch_run r;
  r.summary = batch_screen(in, out, err, s, opt);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace mnscreen::test

#endif  // MNSCREEN_TESTS_BATCH_TEST_SUPPORT_HPP
