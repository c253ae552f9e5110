/* Shared by the unit tests. */
#ifndef PSW_TEST_UTIL_H
#define PSW_TEST_UTIL_H

#include <stdlib.h>

/* A sample size: base scaled by PSW_TEST_SCALE (default 1; scripts/test.sh sets 0.02
 * under valgrind, which is ~50x slower), never below min. */
static inline int psw_test_count(int base, int min) {
  const char *s = getenv("PSW_TEST_SCALE");
  double f = s ? atof(s) : 1.0;
  int n = (int)(base * f);
  return n < min ? min : n;
}

#endif
