/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers of the C API tests (C99): checks that count failures, reading files. */
#ifndef MNSCREEN_TESTS_CAPI_TEST_H
#define MNSCREEN_TESTS_CAPI_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures = 0;
static int test_checks = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    ++test_checks;                                                             \
    if (!(cond)) {                                                             \
      ++test_failures;                                                         \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

#define CHECK_CONTAINS(haystack, needle)                                                     \
  do {                                                                                       \
    const char* check_h_ = (haystack);                                                       \
    ++test_checks;                                                                           \
    if (check_h_ == NULL || strstr(check_h_, (needle)) == NULL) {                            \
      ++test_failures;                                                                       \
      fprintf(stderr, "%s:%d: CHECK failed: \"%s\" not in \"%.400s\"\n", __FILE__, __LINE__, \
              (needle), check_h_ == NULL ? "(null)" : check_h_);                             \
    }                                                                                        \
  } while (0)

/* The whole file, NUL-terminated (malloc'd; the caller frees), or NULL. */
static char* read_file(const char* dir, const char* name) {
  char path[4096];
  FILE* f;
  long size;
  char* text;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(3);
  }
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = (char*)malloc((size_t)size + 1);
  if (text == NULL || fread(text, 1, (size_t)size, f) != (size_t)size) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(3);
  }
  text[size] = '\0';
  fclose(f);
  return text;
}

static int test_summary(const char* name) {
  if (test_checks == 0) {
    fprintf(stderr, "%s: no check ran\n", name);
    return 1;
  }
  printf("%s: %d checks, %d failed\n", name, test_checks, test_failures);
  return test_failures == 0 ? 0 : 1;
}

#endif /* MNSCREEN_TESTS_CAPI_TEST_H */
