// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the CDS Hooks request reader and what follows it without HTTP. No crash on
// any bytes; diagnostics well formed; for a request read without errors, prefetch resolution
// (the fake fetch answers with the input itself, a timeout or an error, by key), the screen and
// the cards run, the response is a cards document, and the access token appears in no output.
// The feedback reader gets the same bytes.
//
// The token check is differential: the bytes are read a second time with the token's value
// swapped for a canary that occurs nowhere in them, and the canary must be in no output. (Looking
// for the fuzzer's own token fails on tokens that are part of every output's structure, such as
// `","path":"$.`, which the fuzzer finds by comparing the token with the output.)
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

constexpr std::string_view canary = "mnscreen-fuzz-canary-Qx7Zp2Lw";

// RFC 6750's b64token characters: a token made of them is written unescaped in JSON.
bool plain_token(std::string_view t) {
  if (t.empty()) return false;
  for (const char c : t) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' ||
                    c == '=';
    if (!ok) return false;
  }
  return true;
}

// `text` with the value of every `"access_token": "<token>"` member replaced by the canary.
std::string with_canary(std::string_view text, std::string_view token) {
  constexpr std::string_view key = "\"access_token\"";
  const auto skip_space = [&](std::size_t i) {
    while (i < text.size() &&
           (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
      ++i;
    return i;
  };
  std::string out;
  std::size_t copied = 0;
  for (std::size_t at = text.find(key); at != std::string_view::npos; at = text.find(key, at + 1)) {
    std::size_t i = skip_space(at + key.size());
    if (i >= text.size() || text[i] != ':') continue;
    i = skip_space(i + 1);
    if (text.substr(i, 1) != "\"" || text.substr(i + 1, token.size()) != token ||
        text.substr(i + 1 + token.size(), 1) != "\"")
      continue;
    out.append(text.substr(copied, i + 1 - copied));
    out.append(canary);
    copied = i + 1 + token.size();
  }
  out.append(text.substr(copied));
  return out;
}

// Prefetch resolution, screen and cards for a request read without errors; returns the response.
std::string respond(cds::request& req, std::string_view text) {
  std::size_t call = 0;
  cds::resolve_prefetch(req, [&](std::string_view) {
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
    const auto* e = req.find_prefetch(t.key);
    fuzz::require(e && e->state != cds::prefetch_state::absent,
                  "a template key is still absent after resolution", std::string(t.key));
  }
  const auto result = cds::screen_request(req, the_screener(), the_reader(), the_settings(),
                                          fuzz::face_plan().date);
  if (result.screen) fuzz::check_report(*result.screen, false);
  std::string response = cds::to_response(result, req);
  fuzz::require(response.rfind("{\"cards\":[", 0) == 0, "response is not a cards document",
                response);
  fuzz::require(
      response.find("null") == std::string::npos || text.find("null") != std::string::npos,
      "response holds null", response);
  return response;
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
  (void)respond(r.value, text);
  if (!r.value.authorization || !plain_token(r.value.authorization->access_token) ||
      text.find(canary) != std::string_view::npos)
    return 0;
  const std::string marked = with_canary(text, r.value.authorization->access_token);
  auto m = cds::parse_request(marked);
  if (!m.ok() || !m.value.authorization || m.value.authorization->access_token != canary) return 0;
  fuzz::require(cds::diagnostics_json(m.diagnostics).find(canary) == std::string::npos,
                "token in the diagnostics");
  fuzz::require(respond(m.value, marked).find(canary) == std::string::npos,
                "token in the response");
  return 0;
}
