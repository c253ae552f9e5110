/* Fault injection for crash tests (src/core/fault.h). */
#define _POSIX_C_SOURCE 200809L
#include "core/fault.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void psw_fault(const char *site) {
  static int parsed = 0;
  static char want[32];
  static long at = 0, seen = 0;
  if (!parsed) {
    parsed = 1;
    const char *e = getenv("PLATSWEEP_FAULT");
    const char *colon = e ? strchr(e, ':') : NULL;
    if (colon && (size_t)(colon - e) < sizeof want) {
      memcpy(want, e, (size_t)(colon - e));
      want[colon - e] = '\0';
      at = strtol(colon + 1, NULL, 10);
    }
  }
  if (at > 0 && strcmp(site, want) == 0 && ++seen == at) {
    fprintf(stderr, "platsweep: PLATSWEEP_FAULT: killing this process at %s #%ld\n", site, at);
    fflush(stderr);
    raise(SIGKILL);
  }
}
