/* SPDX-License-Identifier: Apache-2.0 */
/* The C API on good input, every kind of bad input and NULL arguments.
 * usage: capi_basic EXAMPLE_DATA_DIR SHARED_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capi_test.h"
#include "mnscreen/c.h"

static const char* examples;
static const char* shared;

static const char* plan_json =
    "{\"schema\":\"mnscreen.plan/1\",\"date\":\"2026-12-01\",\"device\":\"pen\","
    "\"needle_depth_mm\":1.0,\"areas\":[\"cheeks\"],\"anesthetic\":\"lidocaine\","
    "\"setting\":\"clinic\",\"needle_material\":\"stainless_steel\","
    "\"single_use_needles\":true,\"adjuncts\":[]}";

/* Screens and expects MNSCREEN_INVALID_INPUT whose diagnostics contain every one of `needles`
 * (NULL-terminated list); checks the report pointer is NULL. */
static void expect_invalid(const mnscreen_screener* s, const char* intake, const char* plan,
                           const char* const* needles) {
  char* report = (char*)1;
  mnscreen_error* err = NULL;
  const mnscreen_status st = mnscreen_screen(s, intake, plan, &report, &err);
  size_t i;
  CHECK(st == MNSCREEN_INVALID_INPUT);
  CHECK(report == NULL);
  CHECK(err != NULL);
  CHECK(mnscreen_error_status(err) == MNSCREEN_INVALID_INPUT);
  CHECK(strlen(mnscreen_error_message(err)) > 0);
  for (i = 0; needles[i] != NULL; ++i)
    CHECK_CONTAINS(mnscreen_error_diagnostics_json(err), needles[i]);
  mnscreen_error_free(err);
  mnscreen_string_free(report);
}

static void test_versions(void) {
  CHECK(strcmp(mnscreen_version(), MNSCREEN_EXPECTED_VERSION) == 0);
  CHECK(strcmp(mnscreen_knowledge_version(), MNSCREEN_EXPECTED_KNOWLEDGE_VERSION) == 0);
  CHECK(mnscreen_c_api_version() == MNSCREEN_C_API_VERSION);
  CHECK(strcmp(mnscreen_status_name(MNSCREEN_OK), "ok") == 0);
  CHECK(strcmp(mnscreen_status_name(MNSCREEN_INVALID_INPUT), "invalid_input") == 0);
  CHECK(strcmp(mnscreen_status_name(MNSCREEN_INVALID_ARGUMENT), "invalid_argument") == 0);
  CHECK(strcmp(mnscreen_status_name(MNSCREEN_OUT_OF_MEMORY), "out_of_memory") == 0);
  CHECK(strcmp(mnscreen_status_name(MNSCREEN_INTERNAL_ERROR), "internal_error") == 0);
  CHECK(strcmp(mnscreen_status_name((mnscreen_status)42), "unknown") == 0);
}

static void test_good_input(void) {
  mnscreen_screener* s = NULL;
  mnscreen_error* err = (mnscreen_error*)1;
  char* intake = read_file(examples, "intake-isotretinoin.json");
  char* healthy = read_file(examples, "intake-healthy.json");
  char* first = NULL;
  char* second = NULL;
  char* text = NULL;
  CHECK(mnscreen_screener_new(NULL, NULL, &s, &err) == MNSCREEN_OK);
  CHECK(s != NULL);
  CHECK(err == NULL); /* set to NULL on success */

  CHECK(mnscreen_screen(s, intake, plan_json, &first, &err) == MNSCREEN_OK);
  CHECK(err == NULL);
  CHECK(first != NULL && strncmp(first, "{\"schema\":\"mnscreen.report/1\"", 29) == 0);
  CHECK_CONTAINS(first, "\"decision\":\"defer\"");
  CHECK_CONTAINS(first, "\"defer_until\":\"2027-03-14\"");
  CHECK_CONTAINS(first, "\"knowledge_version\":\"" MNSCREEN_EXPECTED_KNOWLEDGE_VERSION "\"");
  CHECK(first != NULL && first[strlen(first) - 1] == '}'); /* no trailing newline */
  /* Deterministic: the same bytes again. */
  CHECK(mnscreen_screen(s, intake, plan_json, &second, NULL) == MNSCREEN_OK);
  CHECK(first != NULL && second != NULL && strcmp(first, second) == 0);
  mnscreen_string_free(second);
  second = NULL;
  CHECK(mnscreen_screen(s, healthy, plan_json, &second, NULL) == MNSCREEN_OK);
  CHECK_CONTAINS(second, "\"decision\":\"proceed\"");
  mnscreen_string_free(second);

  CHECK(mnscreen_rules_json(&text, &err) == MNSCREEN_OK);
  CHECK(strncmp(text, "{\"schema\":\"mnscreen.rules/1\"", 28) == 0);
  CHECK_CONTAINS(text, "\"id\":\"isotretinoin");
  mnscreen_string_free(text);
  CHECK(mnscreen_policy_json(s, &text, &err) == MNSCREEN_OK);
  CHECK_CONTAINS(text, "\"schema\":\"mnscreen.policy/1\"");
  CHECK_CONTAINS(text, "\"name\":\"default\"");
  mnscreen_string_free(text);
  mnscreen_string_free(first);
  mnscreen_screener_free(s);
  free(intake);
  free(healthy);
}

static void test_policy(void) {
  char* policy = read_file(examples, "policy-permissive-isotretinoin.json");
  char* intake = read_file(examples, "intake-isotretinoin.json");
  mnscreen_screener* s = NULL;
  char* report = NULL;
  char* text = NULL;
  CHECK(mnscreen_screener_new(policy, NULL, &s, NULL) == MNSCREEN_OK);
  CHECK(mnscreen_screen(s, intake, plan_json, &report, NULL) == MNSCREEN_OK);
  CHECK_CONTAINS(report, "\"decision\":\"proceed\"");
  CHECK_CONTAINS(report, "\"name\":\"permissive-isotretinoin\"");
  CHECK(mnscreen_policy_json(s, &text, NULL) == MNSCREEN_OK);
  CHECK_CONTAINS(text, "\"name\":\"permissive-isotretinoin\"");
  mnscreen_string_free(text);
  mnscreen_string_free(report);
  mnscreen_screener_free(s);
  free(policy);
  free(intake);
}

static void test_fhir(void) {
  char* bundle = read_file(shared, "fhir/bundles/synthea-r4-16b9a4bc.json");
  mnscreen_screener* s = NULL;
  char* report = NULL;
  char* with_overlay = NULL;
  mnscreen_error* err = NULL;
  const char* overlay =
      "{\"schema\":\"mnscreen.intake/"
      "1\",\"patient\":{\"fitzpatrick\":3},\"negatives\":[\"keloid\"]}";
  CHECK(mnscreen_screener_new(NULL, NULL, &s, NULL) == MNSCREEN_OK);
  CHECK(mnscreen_screen_fhir(s, bundle, plan_json, NULL, &report, &err) == MNSCREEN_OK);
  CHECK(err == NULL);
  CHECK_CONTAINS(report, "\"schema\":\"mnscreen.report/1\"");
  CHECK_CONTAINS(report, "pregnan"); /* the active pregnancy of this record */
  CHECK(mnscreen_screen_fhir(s, bundle, plan_json, overlay, &with_overlay, &err) == MNSCREEN_OK);
  CHECK(report != NULL && with_overlay != NULL && strcmp(report, with_overlay) != 0);
  mnscreen_string_free(with_overlay);
  with_overlay = (char*)1;
  /* Bad record, bad overlay, bad plan: all reported at once. */
  CHECK(mnscreen_screen_fhir(s, "{", "[]", "{\"patient\":7}", &with_overlay, &err) ==
        MNSCREEN_INVALID_INPUT);
  CHECK(with_overlay == NULL);
  CHECK_CONTAINS(mnscreen_error_diagnostics_json(err), "\"input\":\"plan\"");
  CHECK_CONTAINS(mnscreen_error_diagnostics_json(err), "\"input\":\"fhir\"");
  CHECK_CONTAINS(mnscreen_error_diagnostics_json(err), "\"input\":\"overlay\"");
  CHECK_CONTAINS(mnscreen_error_message(err), "fhir: $");
  mnscreen_error_free(err);
  mnscreen_string_free(report);
  mnscreen_screener_free(s);
  free(bundle);
}

static void test_bad_input(void) {
  mnscreen_screener* s = NULL;
  char* healthy = read_file(examples, "intake-healthy.json");
  char* big;
  char* report = NULL;
  mnscreen_error* err = NULL;
  const size_t big_size = (size_t)9 * 1024 * 1024;
  CHECK(mnscreen_screener_new(NULL, NULL, &s, NULL) == MNSCREEN_OK);
  {
    const char* n[] = {"\"code\":\"malformed_json\"", "\"input\":\"intake\"", NULL};
    expect_invalid(s, "{\"patient\":", plan_json, n);
    expect_invalid(s, "", plan_json, n);
    expect_invalid(s, "{\"patient\":{\"sex\":\"\xff\xfe\"}}", plan_json, n); /* bad UTF-8 */
  }
  {
    const char* n[] = {"\"code\":\"wrong_type\"", "\"path\":\"$\"", NULL};
    expect_invalid(s, "[]", plan_json, n);
  }
  {
    const char* n[] = {"\"code\":\"unknown_code\"", "\"path\":\"$.medications[0].code\"",
                       "isotretinion", NULL};
    expect_invalid(s,
                   "{\"patient\":{\"birth_date\":\"1990-01-01\"},\"medications\":[{\"code\":"
                   "\"isotretinion\"}]}",
                   plan_json, n);
  }
  {
    const char* n[] = {"\"code\":\"out_of_range\"", "\"input\":\"plan\"",
                       "\"path\":\"$.needle_depth_mm\"", NULL};
    const char* deep =
        "{\"date\":\"2026-12-01\",\"device\":\"pen\",\"needle_depth_mm\":9.5,"
        "\"areas\":[\"cheeks\"]}";
    expect_invalid(s, healthy, deep, n);
  }
  {
    /* Both documents bad: every problem of both is listed. */
    const char* n[] = {"\"input\":\"intake\"", "\"input\":\"plan\"", NULL};
    expect_invalid(s, "7", "{\"date\":\"someday\"}", n);
  }
  {
    /* A birth date after the plan date: the validation's error. */
    const char* n[] = {"\"path\":\"$.patient.birth_date\"", NULL};
    expect_invalid(s,
                   "{\"schema\":\"mnscreen.intake/1\",\"patient\":{\"birth_date\":\"2030-01-01\"}}",
                   plan_json, n);
  }
  /* An over-long document is refused before it is parsed. */
  big = (char*)malloc(big_size + 1);
  CHECK(big != NULL);
  if (big != NULL) {
    const char* n[] = {"\"code\":\"too_large\"", NULL};
    memset(big, ' ', big_size);
    big[0] = '{';
    big[big_size - 1] = '}';
    big[big_size] = '\0';
    expect_invalid(s, big, plan_json, n);
    free(big);
  }
  /* A warning (unknown key) screens, and the report says which input it concerns. */
  CHECK(mnscreen_screen(
            s,
            "{\"schema\":\"mnscreen.intake/"
            "1\",\"patient\":{\"birth_date\":\"1990-01-01\"},\"favourite_colour\":\"blue\"}",
            plan_json, &report, &err) == MNSCREEN_OK);
  CHECK_CONTAINS(report, "\"code\":\"unknown_key\"");
  CHECK_CONTAINS(report, "\"message\":\"intake: ");
  CHECK_CONTAINS(report, "\"complete\":false"); /* nothing said is unknown, not absent */
  mnscreen_string_free(report);
  /* The error message is one "input: $.path: message" line per error. */
  report = NULL;
  CHECK(mnscreen_screen(
            s, "{\"schema\":\"mnscreen.intake/1\",\"medications\":[{\"code\":\"warfrin\"}]}", "{}",
            &report, &err) == MNSCREEN_INVALID_INPUT);
  CHECK(strncmp(mnscreen_error_message(err), "intake: $.medications[0].code: ", 31) == 0);
  CHECK_CONTAINS(mnscreen_error_message(err), "\nplan: $");
  mnscreen_error_free(err);
  mnscreen_screener_free(s);
  free(healthy);
}

static void test_bad_screener(void) {
  mnscreen_screener* s = (mnscreen_screener*)1;
  mnscreen_error* err = NULL;
  CHECK(mnscreen_screener_new("{\"settings\":{\"no_such_setting\":1}}", NULL, &s, &err) ==
        MNSCREEN_INVALID_INPUT);
  CHECK(s == NULL);
  CHECK_CONTAINS(mnscreen_error_diagnostics_json(err), "\"input\":\"policy\"");
  CHECK_CONTAINS(mnscreen_error_message(err), "policy: $");
  mnscreen_error_free(err);
  CHECK(mnscreen_screener_new(NULL, "{}", &s, &err) == MNSCREEN_INVALID_INPUT);
  CHECK(s == NULL);
  CHECK_CONTAINS(mnscreen_error_diagnostics_json(err), "\"input\":\"model\"");
  mnscreen_error_free(err);
  CHECK(mnscreen_screener_new("not json", "also not", &s, &err) == MNSCREEN_INVALID_INPUT);
  CHECK_CONTAINS(mnscreen_error_diagnostics_json(err), "\"input\":\"policy\"");
  CHECK_CONTAINS(mnscreen_error_diagnostics_json(err), "\"input\":\"model\"");
  mnscreen_error_free(err);
  /* Without an error pointer the status alone says it. */
  CHECK(mnscreen_screener_new("[]", NULL, &s, NULL) == MNSCREEN_INVALID_INPUT);
  CHECK(s == NULL);
}

/* `err` is read after the call (the order arguments are evaluated in is unspecified). */
static void expect_null_argument(mnscreen_status st, mnscreen_error** errp, const char* name) {
  mnscreen_error* err = *errp;
  *errp = NULL;
  CHECK(st == MNSCREEN_INVALID_ARGUMENT);
  CHECK(mnscreen_error_status(err) == MNSCREEN_INVALID_ARGUMENT);
  CHECK_CONTAINS(mnscreen_error_message(err), name);
  CHECK(strcmp(mnscreen_error_diagnostics_json(err), "[]") == 0);
  mnscreen_error_free(err);
}

static void test_null_arguments(void) {
  mnscreen_screener* s = NULL;
  mnscreen_error* err = NULL;
  char* out = (char*)1;
  CHECK(mnscreen_screener_new(NULL, NULL, &s, NULL) == MNSCREEN_OK);
  expect_null_argument(mnscreen_screener_new(NULL, NULL, NULL, &err), &err, "out");
  expect_null_argument(mnscreen_screen(NULL, "{}", plan_json, &out, &err), &err, "screener");
  CHECK(out == NULL);
  expect_null_argument(mnscreen_screen(s, NULL, plan_json, &out, &err), &err, "intake_json");
  expect_null_argument(mnscreen_screen(s, "{}", NULL, &out, &err), &err, "plan_json");
  expect_null_argument(mnscreen_screen(s, "{}", plan_json, NULL, &err), &err, "report_json");
  expect_null_argument(mnscreen_screen_fhir(NULL, "{}", plan_json, NULL, &out, &err), &err,
                       "screener");
  expect_null_argument(mnscreen_screen_fhir(s, NULL, plan_json, NULL, &out, &err), &err,
                       "fhir_json");
  expect_null_argument(mnscreen_screen_fhir(s, "{}", NULL, NULL, &out, &err), &err, "plan_json");
  expect_null_argument(mnscreen_screen_fhir(s, "{}", plan_json, NULL, NULL, &err), &err,
                       "report_json");
  expect_null_argument(mnscreen_rules_json(NULL, &err), &err, "out");
  expect_null_argument(mnscreen_policy_json(NULL, &out, &err), &err, "screener");
  expect_null_argument(mnscreen_policy_json(s, NULL, &err), &err, "out");
  /* Without an error pointer too. */
  CHECK(mnscreen_screen(NULL, NULL, NULL, NULL, NULL) == MNSCREEN_INVALID_ARGUMENT);
  CHECK(mnscreen_screen_fhir(NULL, NULL, NULL, NULL, NULL, NULL) == MNSCREEN_INVALID_ARGUMENT);
  /* Free functions and accessors accept NULL. */
  mnscreen_screener_free(NULL);
  mnscreen_string_free(NULL);
  mnscreen_error_free(NULL);
  CHECK(mnscreen_error_status(NULL) == MNSCREEN_INTERNAL_ERROR);
  CHECK(strcmp(mnscreen_error_message(NULL), "") == 0);
  CHECK(strcmp(mnscreen_error_diagnostics_json(NULL), "[]") == 0);
  mnscreen_screener_free(s);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: capi_basic EXAMPLE_DATA_DIR SHARED_DIR\n");
    return 2;
  }
  examples = argv[1];
  shared = argv[2];
  test_versions();
  test_good_input();
  test_policy();
  test_fhir();
  test_bad_input();
  test_bad_screener();
  test_null_arguments();
  return test_summary("capi_basic");
}
