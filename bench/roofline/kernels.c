/* kernels.c: the fast path's own kernels on 64 lanes in L1, ns per lane-evaluation (issue #5).
 *
 * Each kernel is the library's own code (psw_family_eval_batch / psw_family_Finv_batch /
 * psw_family_eval / psw_family_F of libplatsweep_core.a) on one batch of 64 lanes whose
 * inputs stay in L1, called in a tight loop; except "phi_newton", which is a copy of the
 * Newton loop of phi_inv_lanes (src/solver/fast.c, static there), compiled with the same
 * flags. The result is the empirical ceiling of each kernel's own operation mix: what the
 * kernel costs when nothing else (data movement, per-lane decisions, other code) is around.
 *
 * Every rate is the median of R repeats (default 7) of one timed run of at least T seconds
 * (default 0.1 s), after a calibration run; CLOCK_MONOTONIC; results go to a volatile sink.
 *
 * Usage: kernels [-t SECONDS] [-r REPEATS] [-k NAME]   (-k: only the kernels whose name
 *        contains NAME, e.g. for `perf record`)
 * Build: bench/roofline/opcount.sh (cc -std=c17 -O3 -march=native -fopenmp-simd
 *        -fno-math-errno -DPSW_VECTOR_MATH=1 ... libplatsweep_core.a -lgsl -lgslcblas -lm).
 */
#define _POSIX_C_SOURCE 200809L
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platsweep/family.h"

/* the library's omp simd loops call libmvec through these (src/model/family_impl.h) */
#if defined(PSW_VECTOR_MATH) && defined(__GNUC__) && !defined(__clang__)
#pragma omp declare simd notinbranch
extern double exp(double);
#pragma omp declare simd notinbranch
extern double log(double);
#endif

enum { LANES = 64, MAX_REPS = 101 };

static volatile double sink;
static double min_time = 0.1;
static int reps = 7;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- the batch: parameters as psw_point_sample draws them, inputs inside the window ---- */

typedef struct batch {
  double p0[LANES], p1[LANES], p2[LANES], M[LANES];
  double U[LANES], m[LANES];
  double F[LANES], Fp[LANES], h[LANES], hp[LANES], out[LANES];
  psw_family fam[LANES];
} batch;

static batch lg, ln; /* logit, linear */

static double unif(unsigned *s, double lo, double hi) {
  *s = *s * 1103515245u + 12345u;
  return lo + (hi - lo) * ((*s >> 8) & 0xFFFFFF) / 16777216.0;
}

static double logunif(unsigned *s, double lo, double hi) { return exp(unif(s, log(lo), log(hi))); }

static void batch_init(void) {
  unsigned s = 12345u;
  for (int i = 0; i < LANES; ++i) {
    /* logit: mu in [-1, 1], s log-uniform in [0.05, 2]; U with x = (U - mu)/s in [-12, 12] */
    lg.p0[i] = unif(&s, -1.0, 1.0), lg.p1[i] = logunif(&s, 0.05, 2.0), lg.p2[i] = 0.0;
    lg.M[i] = logunif(&s, 0.5, 2.0);
    lg.U[i] = lg.p0[i] + lg.p1[i] * unif(&s, -12.0, 12.0);
    lg.m[i] = lg.M[i] * unif(&s, 1e-4, 1.0 - 1e-4);
    lg.fam[i] = (psw_family){PSW_FAMILY_LOGIT, {lg.p0[i], lg.p1[i], 0.0}, lg.M[i]};
    /* linear: alpha in [-0.5, 0.5], beta log-uniform in [0.2, 3]; U across (u0, u1) and a
     * fifth of its width beyond each end */
    ln.p0[i] = unif(&s, -0.5, 0.5), ln.p1[i] = logunif(&s, 0.2, 3.0), ln.p2[i] = 0.0;
    ln.M[i] = logunif(&s, 0.5, 2.0);
    double u0 = -ln.p0[i] / ln.p1[i], w = ln.M[i] / ln.p1[i];
    ln.U[i] = u0 + w * unif(&s, -0.2, 1.2);
    ln.m[i] = ln.M[i] * unif(&s, 1e-4, 1.0 - 1e-4);
    ln.fam[i] = (psw_family){PSW_FAMILY_LINEAR, {ln.p0[i], ln.p1[i], 0.0}, ln.M[i]};
  }
}

/* ---- kernels: k(n) runs n batch evaluations of 64 lanes ---- */

#define EVAL_KERNEL(name, b, kind, F_, Fp_, h_, hp_)                                               \
  static void name(long n) {                                                                       \
    for (long r = 0; r < n; ++r) {                                                                 \
      psw_family_eval_batch(kind, LANES, b.p0, b.p1, b.p2, b.M, b.U, F_, Fp_, h_, hp_);            \
      b.U[r & (LANES - 1)] += 0.0 * b.F[0]; /* a dependence between the calls */                   \
    }                                                                                              \
    sink = b.F[1] + b.h[1];                                                                        \
  }

EVAL_KERNEL(logit_F, lg, PSW_FAMILY_LOGIT, lg.F, NULL, NULL, NULL)
EVAL_KERNEL(logit_h, lg, PSW_FAMILY_LOGIT, NULL, NULL, lg.h, NULL)
EVAL_KERNEL(logit_Fh, lg, PSW_FAMILY_LOGIT, lg.F, NULL, lg.h, NULL)
EVAL_KERNEL(logit_all, lg, PSW_FAMILY_LOGIT, lg.F, lg.Fp, lg.h, lg.hp)
EVAL_KERNEL(linear_F, ln, PSW_FAMILY_LINEAR, ln.F, NULL, NULL, NULL)
EVAL_KERNEL(linear_h, ln, PSW_FAMILY_LINEAR, NULL, NULL, ln.h, NULL)
EVAL_KERNEL(linear_Fh, ln, PSW_FAMILY_LINEAR, ln.F, NULL, ln.h, NULL)
EVAL_KERNEL(linear_all, ln, PSW_FAMILY_LINEAR, ln.F, ln.Fp, ln.h, ln.hp)

#define FINV_KERNEL(name, b, kind)                                                                 \
  static void name(long n) {                                                                       \
    for (long r = 0; r < n; ++r) {                                                                 \
      psw_family_Finv_batch(kind, LANES, b.p0, b.p1, b.p2, b.M, b.m, b.out);                       \
      b.m[r & (LANES - 1)] += 0.0 * b.out[0];                                                      \
    }                                                                                              \
    sink = b.out[1];                                                                               \
  }

FINV_KERNEL(logit_Finv, lg, PSW_FAMILY_LOGIT)
FINV_KERNEL(linear_Finv, ln, PSW_FAMILY_LINEAR)

/* the scalar entry points, one call per lane */
#define SCALAR_KERNEL(name, b, CALL)                                                               \
  static void name(long n) {                                                                       \
    double acc = 0.0;                                                                              \
    for (long r = 0; r < n; ++r)                                                                   \
      for (int i = 0; i < LANES; ++i) {                                                            \
        double F = 0.0, Fp = 0.0, h = 0.0, hp = 0.0;                                               \
        CALL;                                                                                      \
        acc += F + Fp + h + hp;                                                                    \
      }                                                                                            \
    sink = acc;                                                                                    \
  }

SCALAR_KERNEL(logit_scalar_eval, lg, psw_family_eval(&lg.fam[i], lg.U[i], &F, &Fp, &h, &hp))
SCALAR_KERNEL(logit_scalar_F, lg, F = psw_family_F(&lg.fam[i], lg.U[i]))
SCALAR_KERNEL(logit_scalar_Finv, lg, F = psw_family_Finv(&lg.fam[i], lg.m[i]))
SCALAR_KERNEL(linear_scalar_eval, ln, psw_family_eval(&ln.fam[i], ln.U[i], &F, &Fp, &h, &hp))
SCALAR_KERNEL(linear_scalar_F, ln, F = psw_family_F(&ln.fam[i], ln.U[i]))
SCALAR_KERNEL(linear_scalar_Finv, ln, F = psw_family_Finv(&ln.fam[i], ln.m[i]))

/* The Newton loop of phi_inv_lanes (src/solver/fast.c), copied: `its` iterations on local
 * copies, as there (GCC vectorises it only with local arrays). `restart`: x back at its
 * start value each call, so the first iteration is included (log(0) lanes, see README). */
static double phi_t[LANES], phi_x0[LANES], phi_x[LANES];

static void phi_newton_run(int its, int restart) {
  double t[LANES], x[LANES], done[LANES], cnt[LANES];
  memcpy(t, phi_t, sizeof t);
  memcpy(x, restart ? phi_x0 : phi_x, sizeof x);
  memset(done, 0, sizeof done);
  memset(cnt, 0, sizeof cnt);
  for (int it = 0; it < its; ++it) {
    double active = 0.0;
#pragma omp simd reduction(+ : active)
    for (int i = 0; i < LANES; ++i) {
      double w = t[i] - x[i];
      w = w > DBL_MIN ? w : DBL_MIN;
      double e = exp(x[i] < 709.0 ? x[i] : 709.0);
      double lw = log(w);
      int big = t[i] > 1.0;
      double q = big ? x[i] - lw : x[i] + e - t[i];
      double dq = big ? 1.0 + 1.0 / w : 1.0 + e;
      double nx = x[i] - q / dq;
      double go = done[i] == 0.0 ? 1.0 : 0.0;
      double dx = fabs(nx - x[i]);
      x[i] = go != 0.0 ? nx : x[i];
      cnt[i] += go;
      done[i] = dx > 4.0 * DBL_EPSILON * fabs(nx) + 1e-16 ? done[i] : 1.0;
      active += go;
    }
    sink = active;
  }
  memcpy(phi_x, x, sizeof x);
  sink = cnt[0];
}

static void phi_init(void) {
  unsigned s = 777u;
  for (int i = 0; i < LANES; ++i) { /* t = (y - mu)/s - 1 over the range the bench meets */
    phi_t[i] = unif(&s, -40.0, 40.0);
    phi_x0[i] = phi_t[i] > 1.0 ? log(phi_t[i]) : phi_t[i];
  }
  memcpy(phi_x, phi_x0, sizeof phi_x);
  phi_newton_run(60, 0); /* converged: the steady state keeps computing every lane */
}

/* n batches of 8 iterations (per lane: n * 8 lane-iterations / 8 -> divide by n * 8) */
static void phi_newton(long n) {
  for (long r = 0; r < n; ++r)
    phi_newton_run(8, 0);
}

static void phi_newton_first(long n) {
  for (long r = 0; r < n; ++r)
    phi_newton_run(1, 1);
}

/* ---- driver ---- */

typedef struct kernel {
  const char *name;
  void (*run)(long n);
  double lanes_per_n; /* lane-evaluations per unit of n */
  const char *what;
} kernel;

static const kernel kernels[] = {
    {"logit_eval_F", logit_F, LANES, "psw_family_eval_batch logit, F"},
    {"logit_eval_h", logit_h, LANES, "psw_family_eval_batch logit, h"},
    {"logit_eval_Fh", logit_Fh, LANES, "psw_family_eval_batch logit, F h"},
    {"logit_eval_all", logit_all, LANES, "psw_family_eval_batch logit, F Fp h hp"},
    {"logit_Finv", logit_Finv, LANES, "psw_family_Finv_batch logit"},
    {"phi_newton", phi_newton, 8 * LANES, "phi_inv_lanes Newton (copy), per lane-iteration"},
    {"phi_newton_first", phi_newton_first, LANES, "the same, first iteration (x = start)"},
    {"logit_scalar_eval", logit_scalar_eval, LANES, "psw_family_eval logit (scalar)"},
    {"logit_scalar_F", logit_scalar_F, LANES, "psw_family_F logit (scalar)"},
    {"logit_scalar_Finv", logit_scalar_Finv, LANES, "psw_family_Finv logit (scalar)"},
    {"linear_eval_F", linear_F, LANES, "psw_family_eval_batch linear, F"},
    {"linear_eval_h", linear_h, LANES, "psw_family_eval_batch linear, h"},
    {"linear_eval_Fh", linear_Fh, LANES, "psw_family_eval_batch linear, F h"},
    {"linear_eval_all", linear_all, LANES, "psw_family_eval_batch linear, F Fp h hp"},
    {"linear_Finv", linear_Finv, LANES, "psw_family_Finv_batch linear (scalar loop)"},
    {"linear_scalar_eval", linear_scalar_eval, LANES, "psw_family_eval linear (scalar)"},
    {"linear_scalar_F", linear_scalar_F, LANES, "psw_family_F linear (scalar)"},
    {"linear_scalar_Finv", linear_scalar_Finv, LANES, "psw_family_Finv linear (scalar)"},
};

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void measure(const kernel *k) {
  long n = 1;
  double t;
  for (;;) { /* calibration: n such that one run takes >= min_time */
    double t0 = now();
    k->run(n);
    t = now() - t0;
    if (t >= min_time)
      break;
    n = t > 0.0 && min_time / t < 100.0 ? (long)(n * 1.3 * min_time / t) + 1 : n * 100;
  }
  double ns[MAX_REPS];
  for (int r = 0; r < reps; ++r) {
    double t0 = now();
    k->run(n);
    ns[r] = (now() - t0) / ((double)n * k->lanes_per_n) * 1e9;
  }
  qsort(ns, (size_t)reps, sizeof *ns, cmp_d);
  double med = ns[reps / 2];
  printf("| %s | %s | %.3f | %.3f | %.1f%% | %.3f |\n", k->name, k->what, med, ns[0],
         100.0 * (ns[reps - 1] - ns[0]) / med, 1.0 / med);
  fflush(stdout);
}

int main(int argc, char **argv) {
  const char *only = NULL;
  for (int a = 1; a < argc; ++a) {
    if (!strcmp(argv[a], "-t") && a + 1 < argc)
      min_time = atof(argv[++a]);
    else if (!strcmp(argv[a], "-r") && a + 1 < argc)
      reps = atoi(argv[++a]);
    else if (!strcmp(argv[a], "-k") && a + 1 < argc)
      only = argv[++a];
    else {
      fprintf(stderr, "usage: kernels [-t SECONDS] [-r REPEATS] [-k NAME]\n");
      return 2;
    }
  }
  if (reps < 1 || reps > MAX_REPS || !(min_time > 0.0)) {
    fprintf(stderr, "kernels: need 1 <= -r <= %d and -t > 0\n", MAX_REPS);
    return 2;
  }
  batch_init();
  phi_init();
  printf("| kernel | what | ns per lane-eval (median of %d) | fastest | spread | G lane-evals/s |\n"
         "|---|---|---:|---:|---:|---:|\n",
         reps);
  for (size_t i = 0; i < sizeof kernels / sizeof *kernels; ++i)
    if (!only || strstr(kernels[i].name, only))
      measure(&kernels[i]);
  return 0;
}
