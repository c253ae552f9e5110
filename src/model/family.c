/* Demand families: names, parameters, validation and the scalar/batched API
 * over the kernels of family_impl.h (MODEL §1). */
#include "platsweep/family.h"

#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "core/opcount.h"
#include "family_impl.h"

static const char *const names[PSW_FAMILY_COUNT] = {"linear", "uniform", "exponential", "expgrowth",
                                                    "logit",  "probit",  "power"};

static const char *const pnames[PSW_FAMILY_COUNT][PSW_FAMILY_MAX_PARAMS] = {
    {"alpha", "beta", "M"}, {"lo", "hi", "M"},    {"u0", "s", "M"},         {"A", "s", "M"},
    {"mu", "s", "M"},       {"mu", "sigma", "M"}, {"A", "kappa", "u0", "M"}};

static const double pdefaults[PSW_FAMILY_COUNT][PSW_FAMILY_MAX_PARAMS] = {
    {0, 1, 1}, {0, 1, 1}, {0, 1, 1}, {1, 1, 1}, {0, 1, 1}, {0, 1, 1}, {1, 1, 0, 1}};

/* Parameters (indices into p[]) that must be > 0; M always must. */
static const signed char positive[PSW_FAMILY_COUNT][2] = {{1, -1}, {-1, -1}, {1, -1}, {0, 1},
                                                          {1, -1}, {1, -1},  {0, 1}};

static int kind_ok(psw_family_kind kind) { return (int)kind >= 0 && kind < PSW_FAMILY_COUNT; }

const char *psw_family_name(psw_family_kind kind) { return kind_ok(kind) ? names[kind] : "?"; }

int psw_family_from_name(const char *name, psw_family_kind *kind) {
  for (int k = 0; name && k < PSW_FAMILY_COUNT; ++k) {
    if (strcmp(name, names[k]) == 0) {
      if (kind)
        *kind = (psw_family_kind)k;
      return 0;
    }
  }
  return -1;
}

int psw_family_nparams(psw_family_kind kind) {
  return !kind_ok(kind) ? 0 : kind == PSW_FAMILY_POWER ? 4 : 3;
}

const char *psw_family_param_name(psw_family_kind kind, int i) {
  return i >= 0 && i < psw_family_nparams(kind) ? pnames[kind][i] : NULL;
}

double *psw_family_param_ptr(psw_family *fam, int i) {
  if (!fam)
    return NULL;
  int n = psw_family_nparams(fam->kind);
  return i < 0 || i >= n ? NULL : i == n - 1 ? &fam->M : &fam->p[i];
}

double psw_family_param_default(psw_family_kind kind, int i) {
  return i >= 0 && i < psw_family_nparams(kind) ? pdefaults[kind][i] : FAM_NAN;
}

#define FAIL(...)                                                                                  \
  do {                                                                                             \
    if (why && len > 0)                                                                            \
      snprintf(why, len, __VA_ARGS__);                                                             \
    return -1;                                                                                     \
  } while (0)

int psw_family_check(const psw_family *fam, char *why, size_t len) {
  if (!fam || !kind_ok(fam->kind))
    FAIL("unknown family kind %d", fam ? (int)fam->kind : -1);
  psw_family_kind k = fam->kind;
  int n = psw_family_nparams(k);
  const double *p = fam->p;
  for (int i = 0; i < n; ++i) {
    double v = i == n - 1 ? fam->M : p[i];
    if (!isfinite(v))
      FAIL("%s = %g: need a finite value", pnames[k][i], v);
  }
  for (int j = 0; j < 2; ++j) {
    int i = positive[k][j];
    if (i >= 0 && !(p[i] > 0))
      FAIL("%s = %g: need %s > 0", pnames[k][i], p[i], pnames[k][i]);
  }
  if (k == PSW_FAMILY_UNIFORM && !(p[1] > p[0]))
    FAIL("hi = %g: need hi > lo = %g", p[1], p[0]);
  if (!(fam->M > 0))
    FAIL("M = %g: need M > 0", fam->M);
  double S = psw_family_spread(fam); /* e.g. (M/A)^(1/kappa) beyond DBL_MAX */
  if (!(S > 0 && S < FAM_INF))
    FAIL("spread = %g: need a finite, positive scale", S);
  return 0;
}

double psw_family_u0(const psw_family *fam) {
  const double *p = fam->p;
  switch (fam->kind) {
  case PSW_FAMILY_LINEAR:
    return fam_linear_u0(p[0], p[1]);
  case PSW_FAMILY_UNIFORM:
    return p[0];
  case PSW_FAMILY_EXPONENTIAL:
    return p[0];
  case PSW_FAMILY_POWER:
    return p[2];
  default:
    return -FAM_INF;
  }
}

double psw_family_u1(const psw_family *fam) {
  const double *p = fam->p;
  switch (fam->kind) {
  case PSW_FAMILY_LINEAR:
    return fam_linear_u1(p[0], p[1], fam->M);
  case PSW_FAMILY_UNIFORM:
    return p[1];
  case PSW_FAMILY_EXPGROWTH:
    return fam_expgrowth_u1(p[0], p[1], fam->M);
  case PSW_FAMILY_POWER:
    return p[2] + fam_power_d1(p[0], p[1], fam->M);
  default:
    return FAM_INF;
  }
}

double psw_family_spread(const psw_family *fam) {
  const double *p = fam->p;
  switch (fam->kind) {
  case PSW_FAMILY_LINEAR:
    return fam->M / p[1];
  case PSW_FAMILY_UNIFORM:
    return p[1] - p[0];
  case PSW_FAMILY_POWER:
    return fam_power_d1(p[0], p[1], fam->M);
  default:
    return p[1]; /* s or sigma */
  }
}

static fam_val eval(const psw_family *fam, double U) {
  const double *p = fam->p;
  double M = fam->M;
  switch (fam->kind) {
  case PSW_FAMILY_LINEAR:
    return fam_linear(p[0], p[1], M, U);
  case PSW_FAMILY_UNIFORM:
    return fam_uniform(p[0], p[1], M, U);
  case PSW_FAMILY_EXPONENTIAL:
    return fam_exponential(p[0], p[1], M, U);
  case PSW_FAMILY_EXPGROWTH:
    return fam_expgrowth(p[0], p[1], M, U);
  case PSW_FAMILY_LOGIT:
    return fam_logit(p[0], p[1], M, U);
  case PSW_FAMILY_PROBIT:
    return fam_probit(p[0], p[1], M, U);
  case PSW_FAMILY_POWER:
    return fam_power(p[0], p[1], p[2], M, U);
  default:
    return (fam_val){FAM_NAN, FAM_NAN, FAM_NAN, FAM_NAN};
  }
}

double psw_family_F(const psw_family *fam, double U) {
  PSW_OPCOUNT_ADD(fam->kind, PSW_OPC_F, 1);
  return eval(fam, U).F;
}

void psw_family_eval(const psw_family *fam, double U, double *F, double *Fp, double *h,
                     double *hp) {
  PSW_OPCOUNT_ADD(fam->kind, PSW_OPC_EVAL, 1);
  fam_val v = eval(fam, U);
  if (F)
    *F = v.F;
  if (Fp)
    *Fp = v.Fp;
  if (h)
    *h = v.h;
  if (hp)
    *hp = v.hp;
}

/* lim F' at a finite end from inside (end = 0: u0, 1: u1). */
static double fp_inside(const psw_family *fam, int end) {
  const double *p = fam->p;
  double M = fam->M;
  switch (fam->kind) {
  case PSW_FAMILY_LINEAR:
    return p[1];
  case PSW_FAMILY_UNIFORM:
    return M / (p[1] - p[0]);
  case PSW_FAMILY_EXPONENTIAL:
    return M / p[1];
  case PSW_FAMILY_EXPGROWTH:
    return M / p[1];
  case PSW_FAMILY_POWER:
    if (end == 1)
      return p[1] * (M / fam_power_d1(p[0], p[1], M));
    return p[1] < 1 ? FAM_INF : p[1] == 1 ? p[0] : 0.0;
  default:
    return 0.0;
  }
}

double psw_family_Fp_side(const psw_family *fam, double U, int side) {
  double u0 = psw_family_u0(fam), u1 = psw_family_u1(fam);
  if (U == u0 && isfinite(u0))
    return side > 0 ? fp_inside(fam, 0) : 0.0;
  if (U == u1 && isfinite(u1))
    return side < 0 ? fp_inside(fam, 1) : 0.0;
  PSW_OPCOUNT_ADD(fam->kind, PSW_OPC_FP_SIDE, 1);
  return eval(fam, U).Fp;
}

/* log(m/(M-m)) for 0 < m < M; M - m is exact for m >= M/2. */
static double logit_x(double m, double M) {
  double r = m / (M - m);
  return r >= DBL_MIN ? log(r) : log(m) - log(M - m);
}

/* F^{-1}(m), clamped to [u0, u1]; psw_family_Finv without the count. */
static double finv(const psw_family *fam, double m) {
  const double *p = fam->p;
  double M = fam->M, u0 = psw_family_u0(fam), u1 = psw_family_u1(fam), U;
  if (m <= 0) {
    PSW_OPCOUNT_ADD(fam->kind, PSW_OPC_FINV_END, 1);
    return u0;
  }
  if (m >= M) {
    PSW_OPCOUNT_ADD(fam->kind, PSW_OPC_FINV_END, 1);
    return u1;
  }
  switch (fam->kind) {
  case PSW_FAMILY_LINEAR:
    U = (m - p[0]) / p[1];
    break;
  case PSW_FAMILY_UNIFORM:
    U = p[0] + (p[1] - p[0]) * (m / M);
    break;
  case PSW_FAMILY_EXPONENTIAL:
    U = p[0] + p[1] * (m <= 0.5 * M ? -log1p(-m / M) : -log((M - m) / M));
    break;
  case PSW_FAMILY_EXPGROWTH: {
    double r = m / p[0];
    U = p[1] * (r >= DBL_MIN && r <= DBL_MAX ? log(r) : log(m) - log(p[0]));
    break;
  }
  case PSW_FAMILY_LOGIT:
    U = p[0] + p[1] * logit_x(m, M);
    break;
  case PSW_FAMILY_PROBIT:
    /* GSL returns +-inf without error at 0 and 1; the upper half goes through
     * the complement so that m near M keeps the information it has. */
    U = p[0] + p[1] * (m <= 0.5 * M ? gsl_cdf_ugaussian_Pinv(m / M)
                                    : -gsl_cdf_ugaussian_Pinv((M - m) / M));
    break;
  case PSW_FAMILY_POWER:
    U = p[2] + fam_powsat(m / p[0], 1.0 / p[1]);
    break;
  default:
    return FAM_NAN;
  }
  return fam_clamp(U, u0, u1); /* NaN stays NaN */
}

double psw_family_Finv(const psw_family *fam, double m) {
  PSW_OPCOUNT_ADD(fam->kind, PSW_OPC_FINV, 1);
  return finv(fam, m);
}

/* e^{-x} - 1 + x for x >= 0 without cancellation at small x. */
static double expm1_plus_x(double x) {
  if (x >= 1.0)
    return x + expm1(-x);
  /* (x^2/2)(1 - x/3 (1 - x/4 (1 - ...))): truncation x^19/19! < 1e-17 relative */
  double r = 1.0;
  for (int k = 19; k >= 3; --k)
    r = 1.0 - (x / k) * r;
  return 0.5 * x * x * r;
}

double psw_family_surplus(const psw_family *fam, double U) {
  const double *p = fam->p;
  double M = fam->M, u0 = psw_family_u0(fam), u1 = psw_family_u1(fam);
  if (U <= u0)
    return 0.0;
  PSW_OPCOUNT_ADD(fam->kind, PSW_OPC_SURPLUS, 1);
  switch (fam->kind) {
  case PSW_FAMILY_LINEAR: {
    double y = p[0] + p[1] * U;
    return U < u1 ? y * y / (2 * p[1]) : M * ((y - 0.5 * M) / p[1]);
  }
  case PSW_FAMILY_UNIFORM: {
    double w = p[1] - p[0], d = U - p[0];
    return U < u1 ? M * (d * d / (2 * w)) : M * ((U - p[1]) + 0.5 * w);
  }
  case PSW_FAMILY_EXPONENTIAL:
    return (M * p[1]) * expm1_plus_x((U - u0) / p[1]);
  case PSW_FAMILY_EXPGROWTH:
    return U < u1 ? p[1] * fam_expgrowth(p[0], p[1], M, U).F : M * (p[1] + (U - u1));
  case PSW_FAMILY_LOGIT: {
    double x = (U - p[0]) / p[1];
    return (M * p[1]) * (fmax(x, 0.0) + log1p(exp(-fabs(x))));
  }
  case PSW_FAMILY_PROBIT: {
    /* M sigma (z Phi + phi); for z < 0 as M sigma phi h', which does not cancel */
    double z = (U - p[0]) / p[1], s = p[1];
    fam_val v = fam_probit(p[0], s, M, U);
    return z < 0 ? (s * s) * v.Fp * v.hp : s * (z * v.F + s * v.Fp);
  }
  case PSW_FAMILY_POWER: {
    double k1 = p[1] + 1;
    if (U < u1)
      return fam_power(p[0], p[1], p[2], M, U).F * ((U - u0) / k1);
    return M * (fam_power_d1(p[0], p[1], M) / k1 + (U - u1));
  }
  default:
    return FAM_NAN;
  }
}

/* One simd loop per kind; a fast path when every output is wanted, since
 * conditional stores keep the loop from vectorising. */
#define BATCH(CALL)                                                                                \
  do {                                                                                             \
    if (F && Fp && h && hp) {                                                                      \
      _Pragma("omp simd") for (int i = 0; i < n; ++i) {                                            \
        fam_val v = CALL;                                                                          \
        F[i] = v.F;                                                                                \
        Fp[i] = v.Fp;                                                                              \
        h[i] = v.h;                                                                                \
        hp[i] = v.hp;                                                                              \
      }                                                                                            \
    } else {                                                                                       \
      _Pragma("omp simd") for (int i = 0; i < n; ++i) {                                            \
        fam_val v = CALL;                                                                          \
        if (F)                                                                                     \
          F[i] = v.F;                                                                              \
        if (Fp)                                                                                    \
          Fp[i] = v.Fp;                                                                            \
        if (h)                                                                                     \
          h[i] = v.h;                                                                              \
        if (hp)                                                                                    \
          hp[i] = v.hp;                                                                            \
      }                                                                                            \
    }                                                                                              \
  } while (0)

void psw_family_eval_batch(psw_family_kind kind, int n, const double *p0, const double *p1,
                           const double *p2, const double *M, const double *U, double *F,
                           double *Fp, double *h, double *hp) {
  PSW_OPCOUNT_ADD(kind, PSW_OPC_EVAL_BATCH + !!F + 2 * !!Fp + 4 * !!h + 8 * !!hp, n);
  switch (kind) {
  case PSW_FAMILY_LINEAR:
    BATCH(fam_linear(p0[i], p1[i], M[i], U[i]));
    break;
  case PSW_FAMILY_UNIFORM:
    BATCH(fam_uniform(p0[i], p1[i], M[i], U[i]));
    break;
  case PSW_FAMILY_EXPONENTIAL:
    BATCH(fam_exponential(p0[i], p1[i], M[i], U[i]));
    break;
  case PSW_FAMILY_EXPGROWTH:
    BATCH(fam_expgrowth(p0[i], p1[i], M[i], U[i]));
    break;
  case PSW_FAMILY_LOGIT:
    BATCH(fam_logit(p0[i], p1[i], M[i], U[i]));
    break;
  case PSW_FAMILY_PROBIT:
    BATCH(fam_probit(p0[i], p1[i], M[i], U[i]));
    break;
  case PSW_FAMILY_POWER:
    BATCH(fam_power(p0[i], p1[i], p2[i], M[i], U[i]));
    break;
  default:
    break;
  }
}

void psw_family_Finv_batch(psw_family_kind kind, int n, const double *p0, const double *p1,
                           const double *p2, const double *M, const double *m, double *U) {
  if (kind == PSW_FAMILY_LOGIT) {
    PSW_OPCOUNT_ADD(kind, PSW_OPC_FINV_BATCH_VEC, n);
    /* the common case in one vector loop; ends and underflowing ratios fixed below */
    enum { CHUNK = 64 };
    for (int i0 = 0; i0 < n; i0 += CHUNK) {
      int nc = n - i0 < CHUNK ? n - i0 : CHUNK;
      double fix[CHUNK]; /* 1: the lane is an end or its ratio underflows, fixed below */
#pragma omp simd
      for (int c = 0; c < nc; ++c) {
        int i = i0 + c;
        int in = m[i] > 0.0 && m[i] < M[i];
        double ms = in ? m[i] : 0.5 * M[i];
        double ratio = ms / (M[i] - ms); /* 0 < m < M: M - m >= ulp(m), no overflow */
        U[i] = p0[i] + p1[i] * log(fam_max(ratio, DBL_MIN));
        fix[c] = in && ratio >= DBL_MIN ? 0.0 : 1.0;
      }
      for (int c = 0; c < nc; ++c) {
        if (fix[c] == 0.0)
          continue;
        int i = i0 + c;
        psw_family fam = {kind, {p0[i], p1[i], 0.0}, M[i]};
        PSW_OPCOUNT_ADD(kind, PSW_OPC_FINV_BATCH_SCALAR, 1);
        U[i] = finv(&fam, m[i]);
      }
    }
    return;
  }
  PSW_OPCOUNT_ADD(kind, PSW_OPC_FINV_BATCH_SCALAR, n);
  for (int i = 0; i < n; ++i) {
    psw_family fam = {kind, {p0[i], p1[i], p2 ? p2[i] : 0.0}, M[i]};
    U[i] = finv(&fam, m[i]);
  }
}

/* F'(U) for psw_family_Fp_sup. */
static double fp_at(const psw_family *fam, double U) {
  PSW_OPCOUNT_ADD(fam->kind, PSW_OPC_FP_SUP, 1);
  return eval(fam, U).Fp;
}

double psw_family_Fp_sup(const psw_family *fam, double lo, double hi) {
  const double *p = fam->p;
  double u0 = psw_family_u0(fam), u1 = psw_family_u1(fam);
  if (!(lo <= hi))
    return FAM_NAN;
  if (hi <= u0 || lo >= u1)
    return 0.0; /* flat there */
  switch (fam->kind) {
  case PSW_FAMILY_LINEAR:
  case PSW_FAMILY_UNIFORM:
    return fp_inside(fam, 0); /* constant inside */
  case PSW_FAMILY_EXPONENTIAL: /* decreasing on (u0, inf) */
    return lo <= u0 ? fp_inside(fam, 0) : fp_at(fam, lo);
  case PSW_FAMILY_EXPGROWTH: /* increasing on (-inf, u1) */
    return hi >= u1 ? fp_inside(fam, 1) : fp_at(fam, hi);
  case PSW_FAMILY_LOGIT:
  case PSW_FAMILY_PROBIT: /* unimodal, mode at mu */
    return fp_at(fam, fam_clamp(p[0], lo, hi));
  case PSW_FAMILY_POWER: /* kappa >= 1: increasing; kappa < 1: decreasing from +inf */
    if (p[1] >= 1.0)
      return hi >= u1 ? fp_inside(fam, 1) : fp_at(fam, hi);
    return lo <= u0 ? FAM_INF : fp_at(fam, lo);
  default:
    return FAM_NAN;
  }
}

double psw_family_Fp_over_phip_sup(const psw_family *fam) {
  const double *p = fam->p;
  double M = fam->M;
  switch (fam->kind) {
  case PSW_FAMILY_LINEAR: /* beta / 2 */
  case PSW_FAMILY_UNIFORM:
    return 0.5 * fp_inside(fam, 0);
  case PSW_FAMILY_EXPONENTIAL: /* (M/s) e^-x / (1 + e^x), largest at x = 0 */
    return 0.5 * (M / p[1]);
  case PSW_FAMILY_EXPGROWTH: /* F/s with h' = 0, largest at the cap */
    return M / p[1];
  case PSW_FAMILY_LOGIT: /* (M/s) p (1-p)^2, largest at p = 1/3: 4/27 */
    return (4.0 / 27.0) * (M / p[1]);
  case PSW_FAMILY_PROBIT: /* no closed form: F' alone bounds it (1 + h' >= 1) */
    return FAM_1_SQRT2PI * (M / p[1]);
  case PSW_FAMILY_POWER: /* kappa F/(U-u0) / (1 + 1/kappa), increasing for kappa >= 1 */
    return p[1] >= 1.0 ? fp_inside(fam, 1) / (1.0 + 1.0 / p[1]) : FAM_INF;
  default:
    return FAM_NAN;
  }
}
