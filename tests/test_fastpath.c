/* Fast path against the reference path (STYLE §8): same status, side, below-cost
 * and equilibrium codes, values within 1e-10 relative, on > 10,000 random points
 * over all 49 family pairs, with and without intra-side effects, including
 * multi-equilibrium and near-fold points. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "platsweep/point.h"
#include "test_util.h"
#include "platsweep/solver.h"

static void init(void) { psw_init(); }

TestSuite(fastpath, .init = init, .timeout = 900);

/* Points per family pair and problem (scaled down under valgrind). */
static int per_pair(int base) { return psw_test_count(base, 10); }

/* |x - y| <= 1e-10 max(|x|, |y|) + 1e-13 scale; NaN only with NaN. */
static int close_to(double x, double y, double scale) {
  if (isnan(x) || isnan(y)) return isnan(x) && isnan(y);
  return fabs(x - y) <= 1e-10 * fmax(fabs(x), fabs(y)) + 1e-13 * scale;
}

static void gen(psw_point *pts, int n, int kf, int kg, unsigned long seed, int fees) {
  for (int i = 0; i < n; ++i) {
    psw_sample_opts so = {i % 2, fees, i % 3 == 0 ? 6.0 : 3.0};
    psw_point_sample(&pts[i], (psw_family_kind)kf, (psw_family_kind)kg, &so, seed,
                     (unsigned long)(i + 1000 * (kf * 7 + kg)));
    if (fees && i % 5 == 4) { /* bistable sides, weak coupling: many equilibria */
      pts[i].a = 0.02, pts[i].b = 0.01;
      pts[i].e_m = 4.0 / pts[i].cust.M, pts[i].e_n = 4.0 / pts[i].prov.M;
      pts[i].f = pts[i].g = 2.0;
    }
  }
}

Test(fastpath, optimum_matches_reference) {
  const psw_solver_ops *ref, *fast;
  cr_assert_eq(psw_solver_find("reference", PSW_PROBLEM_OPTIMUM, &ref), PSW_OK);
  cr_assert_eq(psw_solver_find("newton", PSW_PROBLEM_OPTIMUM, &fast), PSW_OK);
  psw_solver_opts o;
  psw_solver_opts_default(&o);
  int n = per_pair(205), total = 0;
  psw_point *pts = malloc((size_t)n * sizeof *pts);
  psw_opt_result *rr = malloc((size_t)n * sizeof *rr), *rf = malloc((size_t)n * sizeof *rf);
  for (int kf = 0; kf < PSW_FAMILY_COUNT; ++kf)
    for (int kg = 0; kg < PSW_FAMILY_COUNT; ++kg) {
      gen(pts, n, kf, kg, 3, 0);
      ref->solve_optimum(&o, n, pts, rr);
      fast->solve_optimum(&o, n, pts, rf);
      for (int i = 0; i < n; ++i) {
        const psw_opt_result *a = &rr[i], *b = &rf[i];
        double S = psw_point_scale(&pts[i]), M = pts[i].cust.M, N = pts[i].prov.M;
        const char *pf = psw_family_name(kf), *pg = psw_family_name(kg);
        cr_assert_eq(a->status, b->status, "%s:%s pt %d: status ref %d fast %d", pf, pg, i,
                     a->status, b->status);
        if (a->status == PSW_STATUS_NOT_CONVERGED || a->status == PSW_STATUS_INVALID) continue;
        cr_assert_eq(a->side_m, b->side_m, "%s:%s pt %d side_m", pf, pg, i);
        cr_assert_eq(a->side_n, b->side_n, "%s:%s pt %d side_n", pf, pg, i);
        cr_assert_eq(a->below_cost_m, b->below_cost_m, "%s:%s pt %d", pf, pg, i);
        cr_assert_eq(a->below_cost_n, b->below_cost_n, "%s:%s pt %d", pf, pg, i);
        cr_assert(close_to(a->f, b->f, S) && close_to(a->g, b->g, S), "%s:%s pt %d: fees "
                  "ref (%.17g, %.17g) fast (%.17g, %.17g)", pf, pg, i, a->f, a->g, b->f, b->g);
        cr_assert(close_to(a->m, b->m, M) && close_to(a->n, b->n, N), "%s:%s pt %d: participation "
                  "ref (%.17g, %.17g) fast (%.17g, %.17g)", pf, pg, i, a->m, a->n, b->m, b->n);
        cr_assert(close_to(a->U, b->U, S) && close_to(a->V, b->V, S), "%s:%s pt %d: U, V", pf,
                  pg, i);
        cr_assert(close_to(a->P, b->P, S * (M + N)), "%s:%s pt %d: P ref %.17g fast %.17g", pf,
                  pg, i, a->P, b->P);
        cr_assert_eq(a->n_eq, b->n_eq, "%s:%s pt %d: n_eq ref %d fast %d", pf, pg, i, a->n_eq,
                     b->n_eq);
        if (fabs(a->eq_det) > 1e-8) cr_assert_eq(a->eq_stable, b->eq_stable);
        ++total;
      }
    }
  cr_assert_gt(total, per_pair(205) * 49 * 8 / 10, "too many unconverged points (%d)", total);
  free(pts), free(rr), free(rf);
}

Test(fastpath, equilibrium_matches_reference) {
  const psw_solver_ops *ref, *fast;
  cr_assert_eq(psw_solver_find("reference", PSW_PROBLEM_EQUILIBRIUM, &ref), PSW_OK);
  cr_assert_eq(psw_solver_find("bracket", PSW_PROBLEM_EQUILIBRIUM, &fast), PSW_OK);
  psw_solver_opts o;
  psw_solver_opts_default(&o);
  int n = per_pair(205), multi = 0;
  psw_point *pts = malloc((size_t)n * sizeof *pts);
  psw_eq_result *rr = malloc((size_t)n * sizeof *rr), *rf = malloc((size_t)n * sizeof *rf);
  for (int kf = 0; kf < PSW_FAMILY_COUNT; ++kf)
    for (int kg = 0; kg < PSW_FAMILY_COUNT; ++kg) {
      gen(pts, n, kf, kg, 9, 1);
      ref->solve_equilibrium(&o, n, pts, rr);
      fast->solve_equilibrium(&o, n, pts, rf);
      for (int i = 0; i < n; ++i) {
        const psw_eq_result *a = &rr[i], *b = &rf[i];
        const char *pf = psw_family_name(kf), *pg = psw_family_name(kg);
        cr_assert_eq(a->status, b->status, "%s:%s pt %d: status", pf, pg, i);
        cr_assert_eq(a->count, b->count, "%s:%s pt %d: count ref %d fast %d", pf, pg, i,
                     a->count, b->count);
        double M = pts[i].cust.M, N = pts[i].prov.M, S = psw_point_scale(&pts[i]);
        for (int q = 0; q < a->count; ++q) {
          cr_assert(close_to(a->m[q], b->m[q], M) && close_to(a->n[q], b->n[q], N),
                    "%s:%s pt %d eq %d: ref (%.17g, %.17g) fast (%.17g, %.17g)", pf, pg, i, q,
                    a->m[q], a->n[q], b->m[q], b->n[q]);
          cr_assert(close_to(a->U[q], b->U[q], S) && close_to(a->V[q], b->V[q], S));
          if (fabs(a->det[q]) > 1e-8) cr_assert_eq(a->stable[q], b->stable[q]);
        }
        multi += a->count > 1;
      }
    }
  cr_assert_gt(multi, per_pair(205) * 49 / 10, "too few multi-equilibrium points (%d)", multi);
  free(pts), free(rr), free(rf);
}

/* Steep sides put a pair of equilibria within a scan cell near the window's (kinked) end,
 * where the residual is positive at every node: the scan must prove each same-sign cell
 * root-free, not guess (with e = 0 here: the monotone bounds; tests with e != 0, which use
 * the Lipschitz bound, are equilibrium_matches_reference's intra-side points). The first point is the one a parabola test let
 * through (bench seed 7, logit:probit, index 6301: 1 equilibrium reported of 3); then
 * random steep logit/probit pairs, fast against reference. */
Test(fastpath, steep_sides_hidden_pair) {
  const psw_solver_ops *ref, *fast;
  cr_assert_eq(psw_solver_find("reference", PSW_PROBLEM_EQUILIBRIUM, &ref), PSW_OK);
  cr_assert_eq(psw_solver_find("bracket", PSW_PROBLEM_EQUILIBRIUM, &fast), PSW_OK);
  psw_solver_opts o;
  psw_solver_opts_default(&o);
  int n = psw_test_count(3000, 10);
  psw_point *pts = malloc((size_t)n * sizeof *pts);
  psw_eq_result *rr = malloc((size_t)n * sizeof *rr), *rf = malloc((size_t)n * sizeof *rf);
  cr_assert(pts && rr && rf);
  psw_point_init(&pts[0], PSW_FAMILY_LOGIT, PSW_FAMILY_PROBIT);
  pts[0].a = 2.0786137743853033, pts[0].b = 2.0042354292236269;
  pts[0].c = 1.3864755220711231, pts[0].d = 0.95641354471445084;
  pts[0].f = 1.6736811527516693, pts[0].g = 1.6895873437169939;
  pts[0].cust.p[0] = -0.18316884385421872, pts[0].cust.p[1] = 0.061822965293482086;
  pts[0].cust.M = 1.9164527994775684;
  pts[0].prov.p[0] = -0.79713327437639236, pts[0].prov.p[1] = 0.050429032560757564;
  pts[0].prov.M = 0.6908526211883762;
  for (int i = 1; i < n; ++i) {
    psw_sample_opts so = {0, 1, 3.0};
    psw_family_kind kf = i % 2 ? PSW_FAMILY_LOGIT : PSW_FAMILY_PROBIT;
    psw_family_kind kg = i % 3 ? PSW_FAMILY_PROBIT : PSW_FAMILY_LOGIT;
    psw_point_sample(&pts[i], kf, kg, &so, 11, (unsigned long)i);
    pts[i].cust.p[1] = 0.02 + 0.06 * (double)(i % 97) / 96.0; /* steep: s, sigma in [0.02, 0.08] */
    pts[i].prov.p[1] = 0.02 + 0.06 * (double)(i % 89) / 88.0;
  }
  ref->solve_equilibrium(&o, n, pts, rr);
  fast->solve_equilibrium(&o, n, pts, rf);
  cr_assert_eq(rf[0].count, 3, "the regression point: %d equilibria, want 3", rf[0].count);
  int multi = 0;
  for (int i = 0; i < n; ++i) {
    cr_assert_eq(rr[i].status, rf[i].status, "pt %d: status", i);
    cr_assert_eq(rr[i].count, rf[i].count, "pt %d: count ref %d fast %d (a %.17g b %.17g)", i,
                 rr[i].count, rf[i].count, pts[i].a, pts[i].b);
    for (int q = 0; q < rr[i].count; ++q)
      cr_assert(close_to(rr[i].m[q], rf[i].m[q], pts[i].cust.M) &&
                    close_to(rr[i].n[q], rf[i].n[q], pts[i].prov.M),
                "pt %d eq %d", i, q);
    multi += rr[i].count > 1;
  }
  cr_assert_gt(multi, n / 50, "too few multi-equilibrium points (%d of %d)", multi, n);
  free(pts), free(rr), free(rf);
}

/* The fast path must really be fast: on logit x logit with e = 0 it may escalate
 * only a small share of lanes to the reference. */
Test(fastpath, logit_escalation_rate) {
  const psw_solver_ops *fast;
  cr_assert_eq(psw_solver_find("newton", PSW_PROBLEM_OPTIMUM, &fast), PSW_OK);
  psw_solver_opts o;
  psw_solver_opts_default(&o);
  int n = 2000;
  psw_point *pts = malloc((size_t)n * sizeof *pts);
  psw_opt_result *r = malloc((size_t)n * sizeof *r);
  psw_sample_opts so = {0, 0, 3.0};
  for (int i = 0; i < n; ++i)
    psw_point_sample(&pts[i], PSW_FAMILY_LOGIT, PSW_FAMILY_LOGIT, &so, 7, (unsigned long)i);
  psw_solver_fast_stats_reset();
  fast->solve_optimum(&o, n, pts, r);
  long lanes, esc;
  psw_solver_fast_stats(&lanes, &esc);
  cr_assert_gt(lanes, 0);
  cr_assert_lt((double)esc / (double)lanes, 0.05, "escalated %ld of %ld lanes", esc, lanes);
  free(pts), free(r);
}

/* A point's answer does not depend on the batch it is solved in (the sweep cuts
 * batches differently for other unit sizes, ranks or threads): bit for bit. */
Test(fastpath, answer_independent_of_batch) {
  const psw_solver_ops *fast;
  cr_assert_eq(psw_solver_find("newton", PSW_PROBLEM_OPTIMUM, &fast), PSW_OK);
  psw_solver_opts o;
  psw_solver_opts_default(&o);
  int n = psw_test_count(300, 5);
  psw_point *pts = malloc((size_t)n * sizeof *pts);
  psw_opt_result *all = malloc((size_t)n * sizeof *all), *one = malloc((size_t)n * sizeof *one);
  const int pairs[][2] = {{PSW_FAMILY_LOGIT, PSW_FAMILY_LOGIT}, {PSW_FAMILY_PROBIT, PSW_FAMILY_LOGIT},
                          {PSW_FAMILY_LINEAR, PSW_FAMILY_EXPONENTIAL}};
  for (int pi = 0; pi < 3; ++pi) {
    psw_sample_opts so = {0, 0, 3.0};
    for (int i = 0; i < n; ++i)
      psw_point_sample(&pts[i], (psw_family_kind)pairs[pi][0], (psw_family_kind)pairs[pi][1], &so,
                       11, (unsigned long)i);
    memset(all, 0, (size_t)n * sizeof *all);
    memset(one, 0, (size_t)n * sizeof *one);
    fast->solve_optimum(&o, n, pts, all);
    for (int i = 0; i < n;) { /* batches of 1, 2, 3, ... points: every lane position */
      int c = 1 + i % 7 < n - i ? 1 + i % 7 : n - i;
      fast->solve_optimum(&o, c, pts + i, one + i);
      i += c;
    }
    for (int i = 0; i < n; ++i) {
      const psw_opt_result *a = &all[i], *b = &one[i];
      const double va[] = {a->f, a->g, a->m, a->n, a->U, a->V, a->P, a->soc_q1, a->soc_q, a->h_m,
                           a->h_n, a->eq_det};
      const double vb[] = {b->f, b->g, b->m, b->n, b->U, b->V, b->P, b->soc_q1, b->soc_q, b->h_m,
                           b->h_n, b->eq_det};
      cr_assert_eq(memcmp(va, vb, sizeof va), 0, "pair %d point %d: values differ by batch", pi, i);
      cr_assert(a->status == b->status && a->n_eq == b->n_eq && a->eq_stable == b->eq_stable &&
                    a->iter == b->iter,
                "pair %d point %d: codes differ by batch", pi, i);
    }
  }
  free(pts), free(all), free(one);
}
