/* SPDX-License-Identifier: Apache-2.0 */
/* Many threads screening on one screener at once give the reports one thread gives.
 * usage: capi_threads EXAMPLE_DATA_DIR */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capi_test.h"
#include "mnscreen/c.h"

#define THREADS 8
#define ROUNDS 40
#define INPUTS 4

static const char* names[INPUTS] = {"intake-healthy.json", "intake-isotretinoin.json",
                                    "intake-pacemaker.json", "intake-incomplete.json"};
static char* intakes[INPUTS];
static char* expected[INPUTS];
static char* plan;
static mnscreen_screener* screener;

struct worker {
  int index;
  int mismatches;
  int failures;
};

static void* run(void* arg) {
  struct worker* w = (struct worker*)arg;
  int r;
  for (r = 0; r < ROUNDS; ++r) {
    const int k = (w->index + r) % INPUTS;
    char* report = NULL;
    mnscreen_error* err = NULL;
    if (mnscreen_screen(screener, intakes[k], plan, &report, &err) != MNSCREEN_OK) {
      ++w->failures;
    } else if (strcmp(report, expected[k]) != 0) {
      ++w->mismatches;
    }
    mnscreen_string_free(report);
    mnscreen_error_free(err);
    /* A bad input on the same screener at the same time. */
    if (mnscreen_screen(screener, "{\"patient\":", plan, &report, &err) != MNSCREEN_INVALID_INPUT)
      ++w->failures;
    if (report != NULL) ++w->failures; /* no report on failure */
    mnscreen_error_free(err);
  }
  return NULL;
}

int main(int argc, char** argv) {
  pthread_t threads[THREADS];
  struct worker workers[THREADS];
  int i;
  if (argc != 2) {
    fprintf(stderr, "usage: capi_threads EXAMPLE_DATA_DIR\n");
    return 2;
  }
  plan = read_file(argv[1], "plan-cheeks-pen.json");
  CHECK(mnscreen_screener_new(NULL, NULL, &screener, NULL) == MNSCREEN_OK);
  for (i = 0; i < INPUTS; ++i) {
    intakes[i] = read_file(argv[1], names[i]);
    expected[i] = NULL;
    CHECK(mnscreen_screen(screener, intakes[i], plan, &expected[i], NULL) == MNSCREEN_OK);
  }
  /* The inputs differ, so a mix-up between threads would show. */
  CHECK(strcmp(expected[0], expected[1]) != 0 && strcmp(expected[1], expected[2]) != 0);
  for (i = 0; i < THREADS; ++i) {
    workers[i].index = i;
    workers[i].mismatches = 0;
    workers[i].failures = 0;
    CHECK(pthread_create(&threads[i], NULL, run, &workers[i]) == 0);
  }
  for (i = 0; i < THREADS; ++i) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(workers[i].mismatches == 0);
    CHECK(workers[i].failures == 0);
  }
  for (i = 0; i < INPUTS; ++i) {
    free(intakes[i]);
    mnscreen_string_free(expected[i]);
  }
  free(plan);
  mnscreen_screener_free(screener);
  return test_summary("capi_threads");
}
