/* SPDX-License-Identifier: Apache-2.0 */
/* The C API from C: screen one patient from files and print the report, as
 * `mnscreen screen` does.
 *
 *   screen_file INTAKE.json PLAN.json [POLICY.json]
 *   screen_file --fhir RECORD.json PLAN.json [OVERLAY.json]
 *
 * Exit status: 0 screened, 2 bad input (every problem on stderr), 1 internal error.
 * Build: cc -std=c99 screen_file.c $(pkg-config --cflags --libs mnscreen-c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mnscreen/c.h>

/* The whole file as a NUL-terminated string (free() it), or NULL. */
static char* slurp(const char* path) {
  FILE* f = fopen(path, "rb");
  char* text = NULL;
  size_t size = 0;
  size_t cap = 0;
  size_t got;
  if (f == NULL) return NULL;
  do {
    if (cap - size < 65536) {
      char* grown = (char*)realloc(text, cap * 2 + 65536 + 1);
      if (grown == NULL) {
        free(text);
        fclose(f);
        return NULL;
      }
      text = grown;
      cap = cap * 2 + 65536;
    }
    got = fread(text + size, 1, cap - size, f);
    size += got;
  } while (got > 0);
  fclose(f);
  text[size] = '\0';
  return text;
}

int main(int argc, char** argv) {
  const int fhir = argc > 1 && strcmp(argv[1], "--fhir") == 0;
  const int first = fhir ? 2 : 1;
  char* record;
  char* plan;
  char* extra = NULL;
  mnscreen_screener* screener = NULL;
  mnscreen_error* error = NULL;
  char* report = NULL;
  mnscreen_status status;
  int exit_code;

  if (argc - first < 2 || argc - first > 3) {
    fprintf(stderr, "usage: screen_file [--fhir] RECORD PLAN [POLICY | OVERLAY]\n");
    return 2;
  }
  record = slurp(argv[first]);
  plan = slurp(argv[first + 1]);
  if (argc - first == 3) extra = slurp(argv[first + 2]);
  if (record == NULL || plan == NULL || (argc - first == 3 && extra == NULL)) {
    fprintf(stderr, "screen_file: cannot read an input file\n");
    free(record);
    free(plan);
    free(extra);
    return 2;
  }

  /* The policy (or NULL: the cited defaults) is read once; a screener serves any number of
   * screens, from any number of threads. */
  status = mnscreen_screener_new(fhir ? NULL : extra, NULL, &screener, &error);
  if (status == MNSCREEN_OK) {
    status = fhir ? mnscreen_screen_fhir(screener, record, plan, extra, &report, &error)
                  : mnscreen_screen(screener, record, plan, &report, &error);
  }
  if (status == MNSCREEN_OK) {
    printf("%s\n", report);
    exit_code = 0;
  } else {
    /* One "input: $.path: message" line per problem; the same as JSON for programs. */
    fprintf(stderr, "%s\n", mnscreen_error_message(error));
    exit_code = status == MNSCREEN_INVALID_INPUT || status == MNSCREEN_INVALID_ARGUMENT ? 2 : 1;
  }
  mnscreen_string_free(report); /* every string the library returns */
  mnscreen_error_free(error);   /* NULL is fine */
  mnscreen_screener_free(screener);
  free(record);
  free(plan);
  free(extra);
  return exit_code;
}
