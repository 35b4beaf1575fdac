// SPDX-License-Identifier: Apache-2.0
// The C API (include/mnscreen/c.h) over the C++ library. Every entry point catches every
// exception: nothing but a status code and an error object crosses the boundary.
#include "mnscreen/c.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "capi/session.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/rules.hpp"
#include "mnscreen/version.hpp"

struct mnscreen_screener {
  mnscreen::bindings::session session;
};

struct mnscreen_error {
  mnscreen_status status = MNSCREEN_INTERNAL_ERROR;
  std::string message;
  std::string diagnostics = "[]";
};

namespace {

using mnscreen::bindings::input_log;

// The error given when memory ran out: allocating another error could fail too.
mnscreen_error out_of_memory_error{MNSCREEN_OUT_OF_MEMORY, "out of memory", "[]"};

void set_error(mnscreen_error** error, mnscreen_status status, std::string message,
               std::string diagnostics = "[]") noexcept {
  if (error == nullptr) return;
  try {
    *error = new mnscreen_error{status, std::move(message), std::move(diagnostics)};
  } catch (...) {
    *error = &out_of_memory_error;
  }
}

/// A copy of `text` in memory the caller frees with mnscreen_string_free.
char* copy_string(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out == nullptr) throw std::bad_alloc();
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return out;
}

/// Runs `body` (which returns the status) with every exception turned into a status.
template <class Body>
mnscreen_status guarded(mnscreen_error** error, Body body) noexcept {
  if (error != nullptr) *error = nullptr;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    if (error != nullptr) *error = &out_of_memory_error;
    return MNSCREEN_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    set_error(error, MNSCREEN_INTERNAL_ERROR, std::string("internal error: ") + e.what());
    return MNSCREEN_INTERNAL_ERROR;
  } catch (...) {
    set_error(error, MNSCREEN_INTERNAL_ERROR, "internal error: unknown exception");
    return MNSCREEN_INTERNAL_ERROR;
  }
}

mnscreen_status null_argument(mnscreen_error** error, const char* name) {
  set_error(error, MNSCREEN_INVALID_ARGUMENT, std::string(name) + " must not be NULL");
  return MNSCREEN_INVALID_ARGUMENT;
}

mnscreen_status input_error(mnscreen_error** error, const input_log& log) {
  set_error(error, MNSCREEN_INVALID_INPUT, log.error_message(), log.to_json());
  return MNSCREEN_INVALID_INPUT;
}

std::optional<std::string_view> optional_text(const char* s) {
  if (s == nullptr) return std::nullopt;
  return std::string_view(s);
}

/// Stores a result string in `*out`, or the log's problems in `*error`.
mnscreen_status deliver(const std::optional<std::string>& result, const input_log& log, char** out,
                        mnscreen_error** error) {
  if (!result) return input_error(error, log);
  *out = copy_string(*result);
  return MNSCREEN_OK;
}

}  // namespace

extern "C" {

const char* mnscreen_version(void) { return mnscreen::library_version; }

const char* mnscreen_knowledge_version(void) { return mnscreen::knowledge_version; }

int mnscreen_c_api_version(void) { return MNSCREEN_C_API_VERSION; }

const char* mnscreen_status_name(mnscreen_status status) {
  switch (status) {
    case MNSCREEN_OK:
      return "ok";
    case MNSCREEN_INVALID_INPUT:
      return "invalid_input";
    case MNSCREEN_INVALID_ARGUMENT:
      return "invalid_argument";
    case MNSCREEN_OUT_OF_MEMORY:
      return "out_of_memory";
    case MNSCREEN_INTERNAL_ERROR:
      return "internal_error";
  }
  return "unknown";
}

mnscreen_status mnscreen_screener_new(const char* policy_json, const char* model_json,
                                      mnscreen_screener** out, mnscreen_error** error) {
  return guarded(error, [&] {
    if (out == nullptr) return null_argument(error, "out");
    *out = nullptr;
    input_log log;
    auto s = mnscreen::bindings::make_session(optional_text(policy_json), optional_text(model_json),
                                              log);
    if (!s) return input_error(error, log);
    *out = new mnscreen_screener{std::move(*s)};
    return MNSCREEN_OK;
  });
}

void mnscreen_screener_free(mnscreen_screener* screener) { delete screener; }

mnscreen_status mnscreen_screen(const mnscreen_screener* screener, const char* intake_json,
                                const char* plan_json, char** report_json, mnscreen_error** error) {
  return guarded(error, [&] {
    if (report_json == nullptr) return null_argument(error, "report_json");
    *report_json = nullptr;
    if (screener == nullptr) return null_argument(error, "screener");
    if (intake_json == nullptr) return null_argument(error, "intake_json");
    if (plan_json == nullptr) return null_argument(error, "plan_json");
    input_log log;
    const auto report =
        mnscreen::bindings::screen_json(screener->session, intake_json, plan_json, log);
    return deliver(report, log, report_json, error);
  });
}

mnscreen_status mnscreen_screen_fhir(const mnscreen_screener* screener, const char* fhir_json,
                                     const char* plan_json, const char* overlay_json,
                                     char** report_json, mnscreen_error** error) {
  return guarded(error, [&] {
    if (report_json == nullptr) return null_argument(error, "report_json");
    *report_json = nullptr;
    if (screener == nullptr) return null_argument(error, "screener");
    if (fhir_json == nullptr) return null_argument(error, "fhir_json");
    if (plan_json == nullptr) return null_argument(error, "plan_json");
    input_log log;
    const auto report = mnscreen::bindings::screen_fhir_json(
        screener->session, fhir_json, plan_json, optional_text(overlay_json), log);
    return deliver(report, log, report_json, error);
  });
}

mnscreen_status mnscreen_rules_json(char** out, mnscreen_error** error) {
  return guarded(error, [&] {
    if (out == nullptr) return null_argument(error, "out");
    *out = nullptr;
    std::string text = mnscreen::rules_json();
    while (!text.empty() && text.back() == '\n') text.pop_back();
    *out = copy_string(text);
    return MNSCREEN_OK;
  });
}

mnscreen_status mnscreen_policy_json(const mnscreen_screener* screener, char** out,
                                     mnscreen_error** error) {
  return guarded(error, [&] {
    if (out == nullptr) return null_argument(error, "out");
    *out = nullptr;
    if (screener == nullptr) return null_argument(error, "screener");
    std::string text = mnscreen::to_json(screener->session.screen.active_policy());
    while (!text.empty() && text.back() == '\n') text.pop_back();
    *out = copy_string(text);
    return MNSCREEN_OK;
  });
}

void mnscreen_string_free(char* s) { std::free(s); }

mnscreen_status mnscreen_error_status(const mnscreen_error* error) {
  return error == nullptr ? MNSCREEN_INTERNAL_ERROR : error->status;
}

const char* mnscreen_error_message(const mnscreen_error* error) {
  return error == nullptr ? "" : error->message.c_str();
}

const char* mnscreen_error_diagnostics_json(const mnscreen_error* error) {
  return error == nullptr ? "[]" : error->diagnostics.c_str();
}

void mnscreen_error_free(mnscreen_error* error) {
  if (error != &out_of_memory_error) delete error;
}

}  // extern "C"
