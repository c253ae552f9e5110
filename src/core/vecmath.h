/* glibc's vector math for `omp simd` loops (include after <math.h>). */
#ifndef PLATSWEEP_VECMATH_H
#define PLATSWEEP_VECMATH_H

#include <math.h>

/* glibc's vector math (libmvec) for `omp simd` loops. glibc's own headers declare the
 * SIMD variants only under -ffast-math; declaring them here keeps IEEE semantics for
 * everything else. The vector variants are within 4 ulp (glibc's manual), so a lane's
 * value may differ in the last bits from the scalar call: callers that want results
 * independent of a point's place in a batch always run full, padded batches. */
#if defined(PSW_VECTOR_MATH) && defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__GLIBC__)
#pragma omp declare simd notinbranch
extern double exp(double);
#pragma omp declare simd notinbranch
extern double log(double);
#pragma omp declare simd notinbranch
extern double expm1(double);
#pragma omp declare simd notinbranch
extern double log1p(double);
#endif

#endif
