/* SPDX-License-Identifier: Apache-2.0 */
/* File: mnscreen/c.h
 *
 * The C API of mnscreen: a stable, C99 interface for clinic software written in any language
 * (C, C#/P/Invoke, Java/FFM, Go/cgo, Python/ctypes, Node...). JSON text in, JSON text out:
 * the documents of formats.md (mnscreen.intake/1, mnscreen.plan/1, mnscreen.policy/1,
 * mnscreen.model/1 in; mnscreen.report/1 out). Linked as libmnscreen_c.so.0 (pkg-config
 * `mnscreen-c`, CMake `mnscreen::c`); only the mnscreen_* functions below are exported.
 *
 *   mnscreen_screener* s = NULL;
 *   mnscreen_error* err = NULL;
 *   char* report = NULL;
 *   if (mnscreen_screener_new(NULL, NULL, &s, &err) == MNSCREEN_OK &&
 *       mnscreen_screen(s, intake_json, plan_json, &report, &err) == MNSCREEN_OK) {
 *     puts(report);
 *   } else {
 *     fprintf(stderr, "%s\n", mnscreen_error_message(err));
 *   }
 *   mnscreen_string_free(report);
 *   mnscreen_error_free(err);
 *   mnscreen_screener_free(s);
 *
 * Strings: every `const char*` argument is NUL-terminated UTF-8 and is only read during the
 * call (the caller keeps ownership). Every `char*` returned through an out parameter is owned
 * by the caller and is released with mnscreen_string_free (never with free()). Every
 * `mnscreen_error*` returned is released with mnscreen_error_free. Functions returning
 * `const char*` directly (versions, status names, the error's fields) return memory the caller
 * must not free: static for the whole process, or owned by the error object.
 *
 * Errors: every function that can fail returns an mnscreen_status. On failure the out value is
 * set to NULL and, when `error` is not NULL, `*error` receives an error object (status,
 * message, diagnostics as JSON); on success `*error` is set to NULL. No C++ exception ever
 * leaves the library (out of memory is MNSCREEN_OUT_OF_MEMORY).
 *
 * Threads: a screener is immutable; any number of threads may call mnscreen_screen and
 * mnscreen_screen_fhir on one screener at once. mnscreen_screener_free must not race with
 * calls using the same screener. Results are deterministic: the same inputs, policy and model
 * give the same bytes.
 *
 * docs/c-api.md describes every function and shows the same call from C# and Java. */
#ifndef MNSCREEN_C_H
#define MNSCREEN_C_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(MNSCREEN_C_BUILDING)
#define MNSCREEN_C_API __declspec(dllexport)
#elif defined(_WIN32)
#define MNSCREEN_C_API __declspec(dllimport)
#elif defined(__GNUC__)
#define MNSCREEN_C_API __attribute__((visibility("default")))
#else
#define MNSCREEN_C_API
#endif

/* Version of this C interface: incremented when a function is added; the SONAME's number
 * changes only when a function is removed or changes meaning. */
#define MNSCREEN_C_API_VERSION 1

/* The status of a call. Values are stable. */
typedef enum mnscreen_status {
  MNSCREEN_OK = 0,
  /* An input document could not be read or fails a check (JSON syntax, unknown vocabulary
   * word, value out of range...): the error's diagnostics list every problem with its path. */
  MNSCREEN_INVALID_INPUT = 1,
  /* A NULL pointer where a value is required (the message names the argument). */
  MNSCREEN_INVALID_ARGUMENT = 2,
  /* Memory ran out; nothing was returned. */
  MNSCREEN_OUT_OF_MEMORY = 3,
  /* A defect or resource problem inside the library (the message says what). */
  MNSCREEN_INTERNAL_ERROR = 4
} mnscreen_status;

/* A screener: one policy and one risk model, immutable, shareable between threads. */
typedef struct mnscreen_screener mnscreen_screener;

/* What went wrong in a failed call. */
typedef struct mnscreen_error mnscreen_error;

/* --- Versions (static strings: never free them) --------------------------------------- */

/* The library version, e.g. "0.1.0". */
MNSCREEN_C_API const char* mnscreen_version(void);
/* The knowledge version (rule catalogue + cited defaults) every report is stamped with. */
MNSCREEN_C_API const char* mnscreen_knowledge_version(void);
/* MNSCREEN_C_API_VERSION of the library actually loaded. */
MNSCREEN_C_API int mnscreen_c_api_version(void);
/* "ok", "invalid_input", "invalid_argument", "out_of_memory", "internal_error"; "unknown"
 * for any other value. */
MNSCREEN_C_API const char* mnscreen_status_name(mnscreen_status status);

/* --- Screeners ------------------------------------------------------------------------ */

/* Makes a screener from an optional clinic policy (mnscreen.policy/1; NULL = the cited
 * defaults) and an optional risk model (mnscreen.model/1 as written by `mnscreen fit`; NULL =
 * the priors of the knowledge version). `*out` receives the screener (free it with
 * mnscreen_screener_free). A policy or model that cannot be read is MNSCREEN_INVALID_INPUT
 * with diagnostics whose "input" is "policy" or "model". */
MNSCREEN_C_API mnscreen_status mnscreen_screener_new(const char* policy_json,
                                                     const char* model_json,
                                                     mnscreen_screener** out,
                                                     mnscreen_error** error);
/* Releases a screener. NULL is accepted (no-op). */
MNSCREEN_C_API void mnscreen_screener_free(mnscreen_screener* screener);

/* --- Screening ------------------------------------------------------------------------ */

/* Screens one patient (intake, mnscreen.intake/1) for one plan (mnscreen.plan/1). `*report_json`
 * receives the report (mnscreen.report/1, one line, no trailing newline): the same bytes as
 * `mnscreen screen --intake intake --plan plan` writes for files named "intake" and "plan"
 * (input warnings are in the report's warnings, their messages starting with "intake: " or
 * "plan: "). Any error in either document is MNSCREEN_INVALID_INPUT (every error of both
 * documents in the diagnostics) and nothing is screened. Free the report with
 * mnscreen_string_free. */
MNSCREEN_C_API mnscreen_status mnscreen_screen(const mnscreen_screener* screener,
                                               const char* intake_json, const char* plan_json,
                                               char** report_json, mnscreen_error** error);

/* Screens a patient read from a FHIR R4 record (a Bundle or a single resource), as of the
 * plan's date with the policy's stale-record windows, for one plan; `overlay_json` (NULL for
 * none) is an intake document added to what the record gave (docs/fhir.md). The reader's
 * warnings and questions go to the report, as with `mnscreen screen --fhir fhir --plan plan
 * [--intake overlay]` (input names "fhir", "plan", "overlay"). */
MNSCREEN_C_API mnscreen_status mnscreen_screen_fhir(const mnscreen_screener* screener,
                                                    const char* fhir_json, const char* plan_json,
                                                    const char* overlay_json, char** report_json,
                                                    mnscreen_error** error);

/* --- Catalogue and policy ------------------------------------------------------------- */

/* The rule catalogue as JSON (as `mnscreen rules --format json`, without the trailing
 * newline). Free with mnscreen_string_free. */
MNSCREEN_C_API mnscreen_status mnscreen_rules_json(char** out, mnscreen_error** error);

/* The screener's policy in full (every setting, defaults included) as a mnscreen.policy/1
 * document (as `mnscreen policy --format json [--policy FILE]`, without the trailing
 * newline). Free with mnscreen_string_free. */
MNSCREEN_C_API mnscreen_status mnscreen_policy_json(const mnscreen_screener* screener, char** out,
                                                    mnscreen_error** error);

/* --- Memory and errors ---------------------------------------------------------------- */

/* Releases a string returned by this library. NULL is accepted (no-op). */
MNSCREEN_C_API void mnscreen_string_free(char* s);

/* The status of the failed call (MNSCREEN_INTERNAL_ERROR for a NULL error). */
MNSCREEN_C_API mnscreen_status mnscreen_error_status(const mnscreen_error* error);
/* One line per problem: "input: $.path: message" (e.g. "intake: $.patient.sex: ..."), or a
 * single sentence for argument and internal errors. Owned by the error; valid until
 * mnscreen_error_free. "" for a NULL error. */
MNSCREEN_C_API const char* mnscreen_error_message(const mnscreen_error* error);
/* The diagnostics as a JSON array, in the order found:
 *   [{"input": "intake", "severity": "error", "code": "unknown_code",
 *     "path": "$.medications[0].code", "message": "..."}, ...]
 * ("input" names the argument: "intake", "plan", "fhir", "overlay", "policy", "model"; codes
 * of docs/errors.md). Warnings of the inputs are listed too. "[]" when there is none (argument
 * errors, out of memory) and for a NULL error. Owned by the error, valid until
 * mnscreen_error_free. */
MNSCREEN_C_API const char* mnscreen_error_diagnostics_json(const mnscreen_error* error);
/* Releases an error. NULL is accepted (no-op). */
MNSCREEN_C_API void mnscreen_error_free(mnscreen_error* error);

#ifdef __cplusplus
}
#endif

#endif /* MNSCREEN_C_H */
