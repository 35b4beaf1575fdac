// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the CDS Hooks request reader and what follows it without HTTP. No crash on
// any bytes; diagnostics well formed; for a request read without errors, prefetch resolution
// (the fake fetch answers with the input itself, a timeout or an error, by key), the screen and
// the cards run, the response is a cards document, and the access token appears in no output.
// The feedback reader gets the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "mnscreen/cds_hooks.hpp"

namespace {

using namespace mnscreen;

const fhir_reader& the_reader() {
  static const fhir_reader r;
  return r;
}

const screener& the_screener() {
  static const screener s;
  return s;
}

const cds::hook_settings& the_settings() {
  static const cds::hook_settings s = [] {
    cds::hook_settings h;
    h.default_plan = fuzz::face_plan();
    h.order_codes = {{"http://www.ama-assn.org/go/cpt", "17999", ""}};
    return h;
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const auto fb = cds::parse_feedback(text);
  fuzz::check_diagnostics(fb);
  auto r = cds::parse_request(text);
  fuzz::check_diagnostics(r);
  if (!r.ok()) {
    const std::string body = cds::diagnostics_json(r.diagnostics);
    fuzz::require(body.rfind("{\"error\":", 0) == 0, "error body is not an error document", body);
    return 0;
  }
  const std::string token = r.value.authorization ? r.value.authorization->access_token : "";
  std::size_t call = 0;
  cds::resolve_prefetch(r.value, [&](std::string_view) {
    cds::fetch_result f;
    switch (call++ % 3) {
      case 0:
        f.status = cds::fetch_result::status::ok;
        f.documents = {std::string(text)};
        break;
      case 1:
        f.status = cds::fetch_result::status::timeout;
        break;
      default:
        f.status = cds::fetch_result::status::error;
        break;
    }
    return f;
  });
  for (const auto& t : cds::prefetch_templates()) {
    const auto* e = r.value.find_prefetch(t.key);
    fuzz::require(e && e->state != cds::prefetch_state::absent,
                  "a template key is still absent after resolution", std::string(t.key));
  }
  const auto result = cds::screen_request(r.value, the_screener(), the_reader(), the_settings(),
                                          fuzz::face_plan().date);
  if (result.screen) fuzz::check_report(*result.screen, false);
  const std::string response = cds::to_response(result, r.value);
  fuzz::require(response.rfind("{\"cards\":[", 0) == 0, "response is not a cards document",
                response);
  fuzz::require(
      response.find("null") == std::string::npos || text.find("null") != std::string::npos,
      "response holds null", response);
  if (token.size() >= 8) {
    fuzz::require(response.find(token) == std::string::npos, "token in the response");
    fuzz::require(cds::diagnostics_json(r.diagnostics).find(token) == std::string::npos,
                  "token in the diagnostics");
  }
  return 0;
}
