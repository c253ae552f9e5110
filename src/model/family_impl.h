/* Private: per-family scalar kernels for F, F', h = F/F' and h' (MODEL §1).
 *
 * Each kernel takes the family's own parameters, M and U, and returns all four
 * values. They are static inline and branch-light so that a batched caller can
 * put them in a `#pragma omp simd` loop (probit keeps real branches: it calls
 * erfc and a continued fraction, so it does not vectorise anyway).
 *
 * Conventions shared by every kernel:
 *  - the open interval (u0, u1) is decided by comparing U with the ends computed
 *    exactly as psw_family_u0/u1 return them, so F' > 0 only strictly inside;
 *  - outside, F' = 0 and h, h' hold their one-sided limits at the nearer end;
 *  - for finite U and valid parameters no kernel raises FE_INVALID or
 *    FE_DIVBYZERO; h and h' that exceed the double range are returned as a
 *    literal +INFINITY instead of overflowing (so tests can trap FE_OVERFLOW).
 *    U = +-INFINITY is accepted too.
 */
#ifndef PLATSWEEP_FAMILY_IMPL_H
#define PLATSWEEP_FAMILY_IMPL_H

#include <float.h>
#include <math.h>

#include "core/vecmath.h"

typedef struct fam_val {
  double F, Fp, h, hp;
} fam_val;

/* INFINITY and NAN are float constants; these avoid -Wdouble-promotion. */
#define FAM_INF ((double)INFINITY)
#define FAM_NAN ((double)NAN)
#define FAM_SQRT1_2 0.70710678118654752440       /* 1/sqrt(2) */
#define FAM_SQRT1_2_LO (-4.8336466567264565e-17) /* 1/sqrt(2) - FAM_SQRT1_2 */
#define FAM_2_SQRTPI 1.12837916709551257390      /* 2/sqrt(pi) */
#define FAM_SQRT_PI_2 1.25331413731550025121     /* sqrt(pi/2) */
#define FAM_1_SQRT2PI 0.39894228040143267794     /* 1/sqrt(2 pi) */
/* exp(x) is finite for x <= FAM_EXP_XMAX (log(DBL_MAX) = 709.7827...). */
#define FAM_EXP_XMAX 709.78
/* Probit: the continued fraction replaces 1 + z R below z = -FAM_PROBIT_ZCF. */
#define FAM_PROBIT_ZCF 4.0

/* min/max/clamp as selects: unlike fmin/fmax they let gcc if-convert and
 * vectorise the loop, and a NaN in the first argument propagates. */
static inline double fam_min(double a, double b) { return b < a ? b : a; }
static inline double fam_max(double a, double b) { return b > a ? b : a; }
static inline double fam_clamp(double x, double lo, double hi) {
  return fam_min(fam_max(x, lo), hi);
}

/* a*b for a, b >= 0, or +INFINITY where it would overflow (no FE_OVERFLOW). */
static inline double fam_mulsat(double a, double b) {
  return a > DBL_MAX / fam_max(b, 1.0) ? FAM_INF : a * b;
}

/* exp(x) for x < FAM_EXP_XMAX, +INFINITY above without raising FE_OVERFLOW. */
static inline double fam_expsat(double x) {
  double e = exp(fam_min(x, FAM_EXP_XMAX));
  return x > FAM_EXP_XMAX ? FAM_INF : e;
}

/* q^e for q >= 0, e > 0, or +INFINITY where it would overflow. */
static inline double fam_powsat(double q, double e) {
  return q > 1.0 && log(q) * e > FAM_EXP_XMAX ? FAM_INF : pow(q, e);
}

/* ---- ends of the open interval (u0, u1) ---- */

static inline double fam_linear_u0(double alpha, double beta) { return -alpha / beta; }
static inline double fam_linear_u1(double alpha, double beta, double M) {
  return (M - alpha) / beta;
}
static inline double fam_expgrowth_u1(double A, double s, double M) { return s * log(M / A); }
/* u1 - u0 = (M/A)^(1/kappa) */
static inline double fam_power_d1(double A, double kappa, double M) {
  return fam_powsat(M / A, 1.0 / kappa);
}

/* ---- kernels ---- */

static inline fam_val fam_linear(double alpha, double beta, double M, double U) {
  double u0 = fam_linear_u0(alpha, beta), u1 = fam_linear_u1(alpha, beta, M);
  int above = U >= u1, in = !(U <= u0) & !above; /* NaN: in, so F = NaN */
  double y = fam_clamp(alpha + beta * U, 0.0, M);
  fam_val v;
  v.F = in ? y : above ? M : 0.0;
  v.Fp = ((U > u0) & (U < u1)) ? beta : 0.0;
  v.h = v.F / beta; /* h(u0+) = 0, h(u1-) = M/beta */
  v.hp = 1.0;
  return v;
}

static inline fam_val fam_uniform(double lo, double hi, double M, double U) {
  double w = hi - lo, d = fam_clamp(U - lo, 0.0, w); /* exactly 0 or w outside */
  fam_val v;
  v.F = M * fam_clamp((U - lo) / w, 0.0, 1.0);
  v.Fp = (M / w) * ((U > lo) & (U < hi)); /* a select would sink M/w into a branch */
  v.h = d;
  v.hp = 1.0;
  return v;
}

static inline fam_val fam_exponential(double u0, double s, double M, double U) {
  double x = fam_max((U - u0) / s, 0.0); /* outside: x = 0 gives F = 0, h = 0, h' = 1 */
  double em = expm1(fam_min(x, FAM_EXP_XMAX));
  int big = x > FAM_EXP_XMAX;
  fam_val v;
  v.F = -M * expm1(-x);
  v.Fp = U > u0 ? (M / s) * exp(-x) : 0.0;
  v.h = big ? FAM_INF : fam_mulsat(em, s);
  v.hp = big ? FAM_INF : 1.0 + em;
  return v;
}

static inline fam_val fam_expgrowth(double A, double s, double M, double U) {
  double u1 = fam_expgrowth_u1(A, s, M);
  double F = fam_min(A * exp(fam_min(U, u1) / s), M);
  fam_val v;
  v.F = U >= u1 ? M : F;
  v.Fp = U < u1 ? F / s : 0.0;
  v.h = s;
  v.hp = 0.0;
  return v;
}

static inline fam_val fam_logit(double mu, double s, double M, double U) {
  double x = (U - mu) / s;
  double e = exp(-fabs(x)); /* never overflows */
  double p = 1.0 / (1.0 + e);
  double ex = fam_expsat(x); /* not 1/e: e is subnormal for x > 708.4 */
  fam_val v;
  v.F = M * (x >= 0.0 ? p : e * p);
  v.Fp = (M / s) * (e * p * p);
  v.h = fam_mulsat(1.0 + ex, s);
  v.hp = ex;
  return v;
}

/* Probit with x = -z > FAM_PROBIT_ZCF: Laplace's continued fraction
 *   R = Phi(z)/phi(z) = 1/(x + 1/D),  D = x + 2/(x + 3/(x + 4/(x + ...))),
 *   h' = 1 + z R = 1/(1 + x D),
 * evaluated backwards. It has no cancellation, unlike 1 + z R, whose relative
 * error grows like eps z^2. The depth n, by band of x, keeps the truncation
 * error of R and h' below 2^-56 (found with mpmath: the depth needed falls
 * with x; 40 at x = 4, 30 at 5, 24 at 6, 18 at 8, 13 at 12, 9 at 20, 7 at 50). */
static inline void fam_probit_cf(double x, double *R, double *hp) {
  int n = x < 5.0    ? 40
          : x < 6.0  ? 30
          : x < 8.0  ? 24
          : x < 12.0 ? 18
          : x < 20.0 ? 13
          : x < 50.0 ? 9
                     : 7;
  double D = x;
  for (int k = n; k >= 2; --k)
    D = x + k / D;
  double ix = 1.0 / x;
  *R = 1.0 / (x + 1.0 / D);
  *hp = ix / (D + ix); /* 1/(1 + x D) without overflow for huge x */
}

static inline fam_val fam_probit(double mu, double sigma, double M, double U) {
  double z = (U - mu) / sigma;
  /* Clamping z to [-60, 60] changes no output (phi and Phi(-60) underflow,
   * R(60) overflows) and keeps fma and t^2 finite; NaN passes through. */
  double zc = z < -60.0 ? -60.0 : z > 60.0 ? 60.0 : z;
  /* t = -z/sqrt2 rounded, t + dt = -z/sqrt2 to O(eps^2): without dt, Phi and
   * erfcx would inherit a relative error t^2 eps from the rounding of t. */
  double t = -zc * FAM_SQRT1_2;
  double dt = fma(-zc, FAM_SQRT1_2, -t) - zc * FAM_SQRT1_2_LO;
  /* z^2/2 = t2 + t2lo exactly, so e^{-z^2/2} and e^{z^2/2} are good to an ulp. */
  double z2 = zc * zc;
  double t2 = 0.5 * z2, t2lo = 0.5 * fma(zc, zc, -z2);
  double g = exp(-t2);
  g = fma(-g, t2lo, g);                         /* e^{-z^2/2} */
  double efc = erfc(t) - FAM_2_SQRTPI * g * dt; /* erfc(-z/sqrt2) = 2 Phi(z) */
  double R, hp;
  if (z < -FAM_PROBIT_ZCF) {
    fam_probit_cf(-z, &R, &hp);
  } else if (t2 > 708.0) { /* z > 37.6: R > 7e307 */
    R = FAM_INF;
    hp = FAM_INF;
  } else {
    double E = exp(t2);
    E = fma(E, t2lo, E);           /* e^{z^2/2} */
    R = FAM_SQRT_PI_2 * (E * efc); /* sqrt(pi/2) erfcx(t) = Phi/phi */
    hp = R > DBL_MAX / fam_max(z, 1.0) ? FAM_INF : 1.0 + z * R;
  }
  fam_val v;
  v.F = (0.5 * M) * efc;
  v.Fp = (M / sigma) * (FAM_1_SQRT2PI * g);
  v.h = fam_mulsat(R, sigma);
  v.hp = hp;
  return v;
}

static inline fam_val fam_power(double A, double kappa, double u0, double M, double U) {
  double d1 = fam_power_d1(A, kappa, M);
  double u1 = u0 + d1;
  double d = fam_clamp(U - u0, 0.0, d1);
  double F = fam_min(A * pow(d, kappa), M);
  fam_val v;
  v.F = U >= u1 ? M : F;
  v.Fp = ((U > u0) & (U < u1)) ? kappa * (F / d) : 0.0;
  v.h = d / kappa; /* h(u0+) = 0, h(u1-) = d1/kappa */
  v.hp = 1.0 / kappa;
  return v;
}

#endif
