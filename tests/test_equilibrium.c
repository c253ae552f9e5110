/* The equilibrium problem: closed-form regimes (MODEL §5.2), the index theorem
 * (MODEL §2.2), residuals, counts and stability, for every equilibrium variant. */
#include <criterion/criterion.h>
#include <math.h>

#include "platsweep/point.h"
#include "platsweep/solver.h"

static void init(void) { psw_init(); }

TestSuite(equilibrium, .init = init, .timeout = 600);

static const char *variants[] = {"reference", "bracket"};

static void solve(const char *variant, const psw_point *p, psw_eq_result *r) {
  const psw_solver_ops *ops;
  cr_assert_eq(psw_solver_find(variant, PSW_PROBLEM_EQUILIBRIUM, &ops), PSW_OK);
  psw_solver_opts o;
  psw_solver_opts_default(&o);
  ops->solve_equilibrium(&o, 1, p, r);
}

static void lin_coef(const psw_family *fam, double *a1, double *b1) {
  if (fam->kind == PSW_FAMILY_LINEAR) {
    *a1 = fam->p[0], *b1 = fam->p[1];
  } else {
    *b1 = fam->M / (fam->p[1] - fam->p[0]);
    *a1 = -*b1 * fam->p[0];
  }
}

/* MODEL §5.2: enumerate the 3 x 3 regimes, each a 2 x 2 linear system. */
static int regimes(const psw_point *p, double *ms, double *ns) {
  double a1, b1, a2, b2, M = p->cust.M, N = p->prov.M;
  lin_coef(&p->cust, &a1, &b1);
  lin_coef(&p->prov, &a2, &b2);
  int cnt = 0;
  for (int rm = 0; rm < 3; ++rm)
    for (int rn = 0; rn < 3; ++rn) {
      /* row: c0 m + c1 n = c2 */
      double A[2][3];
      if (rm == 0) A[0][0] = 1, A[0][1] = 0, A[0][2] = 0;
      if (rm == 1)
        A[0][0] = 1 - b1 * p->e_m, A[0][1] = -b1 * p->a, A[0][2] = a1 - b1 * p->f;
      if (rm == 2) A[0][0] = 1, A[0][1] = 0, A[0][2] = M;
      if (rn == 0) A[1][0] = 0, A[1][1] = 1, A[1][2] = 0;
      if (rn == 1)
        A[1][0] = -b2 * p->b, A[1][1] = 1 - b2 * p->e_n, A[1][2] = a2 - b2 * p->g;
      if (rn == 2) A[1][0] = 0, A[1][1] = 1, A[1][2] = N;
      double det = A[0][0] * A[1][1] - A[0][1] * A[1][0];
      if (fabs(det) < 1e-12) continue;
      double m = (A[0][2] * A[1][1] - A[0][1] * A[1][2]) / det;
      double n = (A[0][0] * A[1][2] - A[1][0] * A[0][2]) / det;
      double xm = a1 + b1 * (p->a * n + p->e_m * m - p->f); /* unclipped F */
      double xn = a2 + b2 * (p->b * m + p->e_n * n - p->g);
      const double t = 1e-12;
      int ok = (rm == 0 ? xm <= t : rm == 1 ? (xm > -t && xm < M + t) : xm >= M - t) &&
               (rn == 0 ? xn <= t : rn == 1 ? (xn > -t && xn < N + t) : xn >= N - t);
      if (!ok) continue;
      int dup = 0;
      for (int i = 0; i < cnt; ++i)
        if (fabs(ms[i] - m) <= 1e-9 * M && fabs(ns[i] - n) <= 1e-9 * N) dup = 1;
      if (!dup) ms[cnt] = m, ns[cnt++] = n;
    }
  return cnt;
}

Test(equilibrium, linear_uniform_regimes) {
  psw_family_kind kinds[2] = {PSW_FAMILY_LINEAR, PSW_FAMILY_UNIFORM};
  int checked = 0, multi = 0;
  for (int v = 0; v < 2; ++v)
    for (int kf = 0; kf < 2; ++kf)
      for (int kg = 0; kg < 2; ++kg)
        for (unsigned long i = 0; i < 150; ++i) {
          psw_sample_opts so = {(int)(i % 2), 1, 3.0};
          psw_point p;
          psw_point_sample(&p, kinds[kf], kinds[kg], &so, 5, i + 500 * (unsigned long)(kf * 2 + kg));
          double ms[9], ns[9];
          int cnt = regimes(&p, ms, ns);
          psw_eq_result r;
          solve(variants[v], &p, &r);
          if (r.status == PSW_STATUS_DEGENERATE) continue; /* a continuum: no regime count */
          cr_assert_eq(r.status, PSW_STATUS_OK, "%s pt %lu", variants[v], i);
          cr_assert_eq(r.count, cnt, "%s pt %lu: %d equilibria, regimes give %d", variants[v], i,
                       r.count, cnt);
          for (int e = 0; e < cnt; ++e) {
            int found = 0;
            for (int q = 0; q < r.count; ++q)
              if (fabs(r.m[q] - ms[e]) <= 1e-9 * p.cust.M && fabs(r.n[q] - ns[e]) <= 1e-9 * p.prov.M)
                found = 1;
            cr_assert(found, "%s pt %lu: regime equilibrium (%g, %g) missing", variants[v], i,
                      ms[e], ns[e]);
          }
          multi += cnt > 1;
          ++checked;
        }
  cr_assert_gt(checked, 1000);
  cr_assert_gt(multi, 20, "too few multi-equilibrium points (%d)", multi);
}

/* Fixed-point residual, ordering, counts, and the index theorem on random points
 * of every family pair. */
Test(equilibrium, residuals_order_index) {
  int multi = 0, total = 0, nine = 0;
  for (int v = 0; v < 2; ++v)
    for (int kf = 0; kf < PSW_FAMILY_COUNT; ++kf)
      for (int kg = 0; kg < PSW_FAMILY_COUNT; ++kg)
        for (unsigned long i = 0; i < 12; ++i) {
          psw_sample_opts so = {(int)(i % 2), 1, 4.0};
          psw_point p;
          psw_point_sample(&p, (psw_family_kind)kf, (psw_family_kind)kg, &so, 77,
                           i + 100 * (unsigned long)(kf * 7 + kg));
          if (i % 4 == 3) { /* bistable sides with weak coupling: up to 9 */
            p.a = 0.01, p.b = 0.02, p.e_m = 4.0 / p.cust.M, p.e_n = 4.0 / p.prov.M;
            p.f = 2.0, p.g = 2.0;
          }
          psw_eq_result r;
          solve(variants[v], &p, &r);
          if (r.status == PSW_STATUS_DEGENERATE) continue;
          cr_assert_eq(r.status, PSW_STATUS_OK, "%s %s:%s pt %lu status %d", variants[v],
                       psw_family_name(kf), psw_family_name(kg), i, r.status);
          cr_assert_geq(r.count, 1, "Brouwer: at least one equilibrium");
          double S = psw_point_scale(&p);
          int index = 0, clean = 1;
          for (int q = 0; q < r.count; ++q) {
            double m = psw_family_F(&p.cust, p.a * r.n[q] + p.e_m * r.m[q] - p.f);
            double n = psw_family_F(&p.prov, p.b * r.m[q] + p.e_n * r.n[q] - p.g);
            cr_assert(fabs(m - r.m[q]) <= 1e-9 * p.cust.M + 1e-9 * S * 0,
                      "m residual %g", m - r.m[q]);
            cr_assert(fabs(n - r.n[q]) <= 1e-9 * p.prov.M, "n residual %g", n - r.n[q]);
            if (q) cr_assert(r.m[q] >= r.m[q - 1] - 1e-9 * p.cust.M, "not sorted by m");
            if (fabs(r.det[q]) < 1e-6) clean = 0;
            index += r.det[q] > 0 ? 1 : -1;
          }
          for (int q = r.count; q < PSW_MAX_EQ; ++q) {
            cr_assert(isnan(r.m[q]));
            cr_assert_eq(r.stable[q], -1);
          }
          if (clean) cr_assert_eq(index, 1, "index sum %d over %d equilibria", index, r.count);
          if (clean && p.e_m == 0.0 && p.e_n == 0.0) cr_assert(r.count == 1 || r.count == 3);
          multi += r.count > 1;
          nine += r.count == 9;
          ++total;
        }
  cr_assert_gt(total, 900);
  cr_assert_gt(multi, 100);
  cr_assert_gt(nine, 10, "no 9-equilibrium point found (%d)", nine);
}

/* Uniform sides give exactly {(0,0), interior unstable, (M,N)} with strong effects. */
Test(equilibrium, uniform_chicken_and_egg) {
  psw_point p;
  psw_point_init(&p, PSW_FAMILY_UNIFORM, PSW_FAMILY_UNIFORM);
  p.a = 2.0, p.b = 2.0, p.c = 0, p.d = 0, p.f = 0.5, p.g = 0.5;
  for (int v = 0; v < 2; ++v) {
    psw_eq_result r;
    solve(variants[v], &p, &r);
    cr_assert_eq(r.count, 3);
    cr_assert(r.m[0] == 0.0 && r.n[0] == 0.0);
    cr_assert(fabs(r.m[2] - 1.0) < 1e-12 && fabs(r.n[2] - 1.0) < 1e-12);
    cr_assert_eq(r.stable[0], 1);
    cr_assert_eq(r.stable[1], 0);
    cr_assert_eq(r.stable[2], 1);
    /* interior: m = 2n - 0.5, n = 2m - 0.5 -> m = n = 0.5 */
    cr_assert(fabs(r.m[1] - 0.5) < 1e-12 && fabs(r.n[1] - 0.5) < 1e-12);
  }
}

/* Near a fold two equilibria are O(sqrt(distance)) apart: both must be found. */
Test(equilibrium, near_fold) {
  psw_point p;
  psw_point_init(&p, PSW_FAMILY_LOGIT, PSW_FAMILY_LOGIT);
  p.a = 3.0, p.b = 3.0, p.c = 0, p.d = 0, p.g = 1.5;
  p.cust.p[1] = p.prov.p[1] = 0.5;
  /* bisect the fee f at which the count drops from 3 to 1 */
  double lo = 1.5, hi = 3.0;
  psw_eq_result r;
  p.f = lo;
  solve("reference", &p, &r);
  int clo = r.count;
  p.f = hi;
  solve("reference", &p, &r);
  cr_assert_neq(clo, r.count, "no fold in [1.5, 3]");
  for (int it = 0; it < 45; ++it) {
    p.f = 0.5 * (lo + hi);
    solve("reference", &p, &r);
    if (r.count == clo)
      lo = p.f;
    else
      hi = p.f;
  }
  for (int k = 1; k <= 6; ++k) {
    p.f = lo - pow(10.0, -2.0 * k) * 1e-1;
    for (int v = 0; v < 2; ++v) {
      solve(variants[v], &p, &r);
      cr_assert_eq(r.count, clo, "%s at distance %g: %d equilibria", variants[v], lo - p.f,
                   r.count);
    }
  }
}

/* A kink with an infinite one-sided derivative (power, kappa < 1, at u0): products with a
 * zero coefficient are 0 (not IEEE inf * 0 = NaN), infinite terms count by their sign. */
#include "solver/solver_impl.h"

Test(equilibrium, infinite_slope_kink) {
  psw_point p;
  psw_point_init(&p, PSW_FAMILY_POWER, PSW_FAMILY_LINEAR);
  p.cust.p[0] = 1.0, p.cust.p[1] = 0.5, p.cust.p[2] = 0.0; /* F = sqrt(U)_+, u0 = 0 */
  p.c = p.d = 0.0;
  model md;
  double det;
  int8_t st;
  /* negative feedback (a b < 0): the infinite slope cannot destabilise */
  p.a = -1.0, p.b = 1.0;
  model_init(&md, &p);
  model_eq_stability(&md, 0.0, 0.5, &det, &st);
  cr_assert(isinf(det) && det > 0.0, "det %g", det);
  cr_assert_eq(st, 1);
  /* positive feedback (a b > 0): unstable */
  p.a = 1.0;
  model_init(&md, &p);
  model_eq_stability(&md, 0.0, 0.5, &det, &st);
  cr_assert(isinf(det) && det < 0.0, "det %g", det);
  cr_assert_eq(st, 0);
  /* a flat provider side (V below v0): the infinite term has a zero coefficient */
  model_eq_stability(&md, 0.0, -1.0, &det, &st);
  cr_assert_eq(det, 1.0);
  cr_assert_eq(st, 1);
  /* positive intra-side effect with an infinite slope: tr A = +inf */
  p.a = -1.0, p.e_m = 0.5;
  model_init(&md, &p);
  model_eq_stability(&md, 0.0, 0.5, &det, &st);
  cr_assert_eq(st, 0);
}
