// SPDX-License-Identifier: Apache-2.0
// Helpers of the CDS Hooks tests: fixtures, the standard settings (a default plan), responses
// as JSON, and lookups of diagnostics and cards.
#ifndef MNSCREEN_TESTS_CDS_TEST_SUPPORT_HPP
#define MNSCREEN_TESTS_CDS_TEST_SUPPORT_HPP

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mnscreen/cds_hooks.hpp"
#include "mnscreen/json.hpp"
#include "test_support.hpp"

namespace mnscreen::test {

namespace bj = boost::json;

inline std::string cds_fixture(std::string_view name) {
  const std::string path = std::string(MNSCREEN_CDS_DATA_DIR) + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The default plan of the tests: a clinic pen on the cheeks at 1.0 mm, single-use needles.
inline cds::hook_settings cds_settings() {
  cds::hook_settings s;
  procedure_plan p;
  p.device = device_type::pen;
  p.needle_depth = millimetres{1.0};
  p.areas = {area::cheeks};
  p.single_use_needles = known::yes;
  s.default_plan = p;
  s.order_codes = {{"http://www.ama-assn.org/go/cpt", "17999", ""}};
  return s;
}

inline const fhir_reader& cds_reader() {
  static const fhir_reader r;
  return r;
}

inline const screener& cds_screener() {
  static const screener s;
  return s;
}

/// The request day of the tests.
inline date cds_today() { return d("2026-12-03"); }

inline bool has_code(const std::vector<diagnostic>& ds, std::string_view code,
                     std::string_view path = {}) {
  for (const auto& x : ds)
    if (x.code == code && (path.empty() || x.path == path)) return true;
  return false;
}

/// Parses, screens and writes the response of a fixture (no fetch: absent keys fail).
struct cds_run {
  parse_result<cds::request> req;
  cds::hook_result result;
  bj::value response;
};

inline cds_run run_hook(std::string_view text, const cds::fetch_function& fetch = {},
                        const cds::response_options& options = {},
                        const cds::hook_settings& settings = cds_settings()) {
  cds_run r{cds::parse_request(text), {}, {}};
  if (!r.req.ok())
    throw std::runtime_error("fixture does not parse: " + r.req.diagnostics[0].message);
  cds::resolve_prefetch(r.req.value, fetch);
  r.result = cds::screen_request(r.req.value, cds_screener(), cds_reader(), settings, cds_today());
  r.response = bj::parse(cds::to_response(r.result, r.req.value, options));
  return r;
}

inline const bj::array& cards_of(const bj::value& response) {
  return response.at("cards").as_array();
}

inline std::string str_of(const bj::value& v) { return std::string(v.as_string()); }

/// The card whose source.topic.code is `kind`, or nullptr.
inline const bj::object* card_of_kind(const bj::value& response, std::string_view kind) {
  for (const auto& c : cards_of(response))
    if (c.at("source").at("topic").at("code").as_string() == kind) return &c.as_object();
  return nullptr;
}

}  // namespace mnscreen::test

#endif  // MNSCREEN_TESTS_CDS_TEST_SUPPORT_HPP
