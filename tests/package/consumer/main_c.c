/* SPDX-License-Identifier: Apache-2.0 */
/* A C program of clinic software: finds the C API through find_package(mnscreen) (mnscreen::c). */
#include <stdio.h>
#include <string.h>

#include <mnscreen/c.h>

int main(void) {
  mnscreen_screener* s = NULL;
  char* policy = NULL;
  int ok = mnscreen_screener_new(NULL, NULL, &s, NULL) == MNSCREEN_OK &&
           mnscreen_policy_json(s, &policy, NULL) == MNSCREEN_OK &&
           strstr(policy, "\"name\":\"default\"") != NULL;
  printf("mnscreen C API %s, knowledge %s: %s\n", mnscreen_version(), mnscreen_knowledge_version(),
         ok ? "ok" : "FAILED");
  mnscreen_string_free(policy);
  mnscreen_screener_free(s);
  return ok ? 0 : 1;
}
