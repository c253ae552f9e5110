/* Shared by the unit tests. */
#ifndef PSW_TEST_UTIL_H
#define PSW_TEST_UTIL_H

#include <stdint.h>
#include <stdlib.h>

/* A sample size: base scaled by PSW_TEST_SCALE (default 1; scripts/test.sh sets 0.02
 * under valgrind, which is ~50x slower), never below min. */
static inline int psw_test_count(int base, int min) {
  const char *s = getenv("PSW_TEST_SCALE");
  double f = s ? atof(s) : 1.0;
  int n = (int)(base * f);
  return n < min ? min : n;
}

/* Fixed-seed random numbers for tests (SplitMix64): the same sequence on every machine,
 * independent of the library's own sampler, which is under test elsewhere. */
typedef struct rng {
  uint64_t s;
} rng;

static inline uint64_t next64(rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

/* uniform in [0, 1) with 53 random bits */
static inline double urand(rng *r) { return (double)(next64(r) >> 11) * 0x1p-53; }

#endif
