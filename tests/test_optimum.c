/* The optimum problem against closed forms (MODEL §5), identities (MODEL §6)
 * and brute force, for every registered global variant. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fenv.h>
#include <gsl/gsl_sf_lambert.h>
#include <math.h>
#include <stdlib.h>

#include "platsweep/point.h"
#include "platsweep/solver.h"
#include "test_util.h"

static void init(void) { psw_init(); }

TestSuite(optimum, .init = init, .timeout = 600);

static const char *global_variants[] = {"reference", "newton"};

static void solve(const char *variant, const psw_point *p, psw_opt_result *r) {
  const psw_solver_ops *ops;
  cr_assert_eq(psw_solver_find(variant, PSW_PROBLEM_OPTIMUM, &ops), PSW_OK);
  psw_solver_opts o;
  psw_solver_opts_default(&o);
  ops->solve_optimum(&o, 1, p, r);
}

/* ---- MODEL §5.1: linear / uniform on both sides, exact box QP ---- */

typedef struct qp {
  double k, c11, c22, r1, r2, M, N; /* P = k m n + c11 m^2 + c22 n^2 + r1 m + r2 n */
} qp;

static double qp_P(const qp *q, double m, double n) {
  return q->k * m * n + q->c11 * m * m + q->c22 * n * n + q->r1 * m + q->r2 * n;
}

/* Maximise c2 x^2 + c1 x on [0, X]: candidates 0, X and the clipped vertex. */
static double edge_max(double c2, double c1, double X) {
  double best = 0.0, bv = 0.0;
  double xs[3] = {0.0, X, c2 < 0.0 ? fmin(fmax(-c1 / (2.0 * c2), 0.0), X) : 0.0};
  for (int i = 0; i < 3; ++i) {
    double v = c2 * xs[i] * xs[i] + c1 * xs[i];
    if (v > bv || i == 0) bv = v, best = xs[i];
  }
  return best;
}

/* Exact maximiser; *tie set when two distinct candidates are within tol. */
static void qp_solve(const qp *q, double *ms, double *ns, int *tie, double tol) {
  double cm[16], cn[16];
  int nc = 0;
  double A1 = -2.0 * q->c11, A2 = -2.0 * q->c22, D = A1 * A2 - q->k * q->k;
  if (A1 > 0.0 && D > 0.0) {
    double m = (A2 * q->r1 + q->k * q->r2) / D, n = (A1 * q->r2 + q->k * q->r1) / D;
    if (m > 0.0 && m < q->M && n > 0.0 && n < q->N) cm[nc] = m, cn[nc++] = n;
  }
  cm[nc] = 0.0, cn[nc++] = edge_max(q->c22, q->r2, q->N);
  cm[nc] = q->M, cn[nc++] = edge_max(q->c22, q->r2 + q->k * q->M, q->N);
  cn[nc] = 0.0, cm[nc++] = edge_max(q->c11, q->r1, q->M);
  cn[nc] = q->N, cm[nc++] = edge_max(q->c11, q->r1 + q->k * q->N, q->M);
  int best = 0;
  for (int i = 1; i < nc; ++i)
    if (qp_P(q, cm[i], cn[i]) > qp_P(q, cm[best], cn[best])) best = i;
  double Pb = qp_P(q, cm[best], cn[best]);
  *tie = 0;
  for (int i = 0; i < nc; ++i)
    if (qp_P(q, cm[i], cn[i]) >= Pb - tol &&
        (fabs(cm[i] - cm[best]) > 1e-6 * q->M || fabs(cn[i] - cn[best]) > 1e-6 * q->N))
      *tie = 1;
  *ms = cm[best], *ns = cn[best];
}

static void lin_coef(const psw_family *fam, double *a1, double *b1) {
  if (fam->kind == PSW_FAMILY_LINEAR) {
    *a1 = fam->p[0], *b1 = fam->p[1];
  } else { /* uniform */
    *b1 = fam->M / (fam->p[1] - fam->p[0]);
    *a1 = -*b1 * fam->p[0];
  }
}

Test(optimum, linear_uniform_box_qp) {
  psw_family_kind kinds[2] = {PSW_FAMILY_LINEAR, PSW_FAMILY_UNIFORM};
  psw_sample_opts so = {0, 0, 2.0};
  int checked = 0, interior = 0, faces = 0, npts = psw_test_count(150, 40);
  for (int v = 0; v < 2; ++v)
    for (int kf = 0; kf < 2; ++kf)
      for (int kg = 0; kg < 2; ++kg)
        for (unsigned long i = 0; i < (unsigned long)npts; ++i) {
          so.intra = (int)(i % 2);
          psw_point p;
          psw_point_sample(&p, kinds[kf], kinds[kg], &so, 11, i + 1000 * (unsigned long)(2 * kf + kg));
          double a1, b1, a2, b2;
          lin_coef(&p.cust, &a1, &b1);
          lin_coef(&p.prov, &a2, &b2);
          qp q = {p.a + p.b, p.e_m - 1.0 / b1, p.e_n - 1.0 / b2, a1 / b1 - p.c, a2 / b2 - p.d,
                  p.cust.M, p.prov.M};
          double S = psw_point_scale(&p), PS = S * (p.cust.M + p.prov.M);
          double ms, ns;
          int tie;
          qp_solve(&q, &ms, &ns, &tie, 1e-9 * PS);
          psw_opt_result r;
          solve(global_variants[v], &p, &r);
          double Pq = qp_P(&q, ms, ns);
          /* profit: the exact optimum value, whatever the status (ties included) */
          cr_assert(fabs(r.P - Pq) <= 1e-10 * fabs(Pq) + 1e-12 * PS,
                    "%s pt %lu: P = %.17g, closed form %.17g", global_variants[v], i, r.P, Pq);
          if (tie) {
            cr_assert(r.status == PSW_STATUS_DEGENERATE || r.status == PSW_STATUS_OK ||
                      r.status == PSW_STATUS_CORNER || r.status == PSW_STATUS_NO_INTERIOR_OPTIMUM);
            continue;
          }
          cr_assert_neq(r.status, PSW_STATUS_NOT_CONVERGED, "%s pt %lu", global_variants[v], i);
          /* participation and fees (the limit fee on a face), 1e-9 relative to scale */
          cr_assert(fabs(r.m - ms) <= 1e-9 * q.M, "%s pt %lu: m = %.17g vs %.17g",
                    global_variants[v], i, r.m, ms);
          cr_assert(fabs(r.n - ns) <= 1e-9 * q.N, "%s pt %lu: n = %.17g vs %.17g",
                    global_variants[v], i, r.n, ns);
          double fq = p.a * ns + p.e_m * ms - (ms - a1) / b1;
          double gq = p.b * ms + p.e_n * ns - (ns - a2) / b2;
          cr_assert(fabs(r.f - fq) <= 1e-9 * S, "f = %.17g vs %.17g", r.f, fq);
          cr_assert(fabs(r.g - gq) <= 1e-9 * S, "g = %.17g vs %.17g", r.g, gq);
          /* side codes exactly */
          int sm = ms == 0.0 ? PSW_SIDE_ZERO : ms == q.M ? PSW_SIDE_CAP : PSW_SIDE_INTERIOR;
          int sn = ns == 0.0 ? PSW_SIDE_ZERO : ns == q.N ? PSW_SIDE_CAP : PSW_SIDE_INTERIOR;
          cr_assert_eq(r.side_m, sm, "%s pt %lu side_m", global_variants[v], i);
          cr_assert_eq(r.side_n, sn, "%s pt %lu side_n", global_variants[v], i);
          if (sm == PSW_SIDE_INTERIOR && sn == PSW_SIDE_INTERIOR)
            ++interior;
          else
            ++faces;
          ++checked;
        }
  cr_assert_gt(interior, npts / 3, "too few interior optima to be a test (%d)", interior);
  cr_assert_gt(faces, npts / 3, "too few face optima to be a test (%d)", faces);
  cr_assert_gt(checked, 5 * npts);
}

/* ---- MODEL §5.3: one side decoupled (k = 0, e = 0) ---- */

static double xplus_exp(double q) { /* x + e^x = q  ->  x = q - W0(e^q) */
  if (q > 700.0) {                  /* w + log w = q, Newton */
    double w = q - log(q);
    for (int i = 0; i < 50; ++i) w -= (w + log(w) - q) / (1.0 + 1.0 / w);
    return q - w;
  }
  return q - gsl_sf_lambert_W0(exp(q));
}

Test(optimum, decoupled_closed_forms) {
  int checked = 0;
  for (unsigned long i = 0; i < 200; ++i)
    for (int v = 0; v < 2; ++v) {
      psw_point p;
      psw_family_kind kinds[] = {PSW_FAMILY_LOGIT, PSW_FAMILY_EXPONENTIAL, PSW_FAMILY_POWER,
                                 PSW_FAMILY_LINEAR, PSW_FAMILY_EXPGROWTH};
      psw_family_kind kf = kinds[i % 5];
      psw_sample_opts so = {0, 0, 2.0};
      psw_point_sample(&p, kf, PSW_FAMILY_LOGIT, &so, 23, i);
      p.b = -p.a; /* k = 0 */
      psw_opt_result r;
      solve(global_variants[v], &p, &r);
      const psw_family *F = &p.cust;
      double Ustar = NAN;
      int interior = 1;
      switch (kf) {
      case PSW_FAMILY_LOGIT:
        Ustar = F->p[0] + F->p[1] * xplus_exp(-(F->p[0] + F->p[1] + p.c) / F->p[1]);
        break;
      case PSW_FAMILY_EXPONENTIAL: {
        double q = (F->p[1] - F->p[0] - p.c) / F->p[1];
        interior = q > 1.0;
        if (interior) Ustar = F->p[0] + F->p[1] * xplus_exp(q);
        break;
      }
      case PSW_FAMILY_POWER:
        interior = F->p[2] + p.c < 0.0;
        Ustar = (F->p[2] - p.c * F->p[1]) / (F->p[1] + 1.0);
        break;
      case PSW_FAMILY_LINEAR:
        Ustar = -(F->p[0] / F->p[1] + p.c) / 2.0;
        break;
      case PSW_FAMILY_EXPGROWTH:
        Ustar = -(F->p[1] + p.c);
        break;
      default:
        break;
      }
      int expect_side = interior ? PSW_SIDE_INTERIOR : PSW_SIDE_ZERO;
      if (interior && !(Ustar > psw_family_u0(F))) interior = 0, expect_side = PSW_SIDE_ZERO;
      if (interior && !(Ustar < psw_family_u1(F))) interior = 0, expect_side = PSW_SIDE_CAP;
      double spread = psw_family_spread(F);
      if (interior) {
        cr_assert_eq(r.side_m, PSW_SIDE_INTERIOR, "%s %s pt %lu", global_variants[v],
                     psw_family_name(kf), i);
        cr_assert(fabs(r.U - Ustar) <= 1e-9 * (spread + fabs(Ustar)),
                  "%s %s pt %lu: U* = %.17g, closed form %.17g", global_variants[v],
                  psw_family_name(kf), i, r.U, Ustar);
        ++checked;
      } else {
        cr_assert_eq(r.side_m, expect_side, "%s %s pt %lu: side %d expected, got %d",
                     global_variants[v], psw_family_name(kf), i, expect_side, r.side_m);
        ++checked;
      }
    }
  cr_assert_gt(checked, 300);
}

/* ---- MODEL §5.4: expgrowth customers x linear providers (e = 0), Lambert W ---- */
Test(optimum, expgrowth_linear_lambert) {
  int checked = 0;
  for (unsigned long i = 0; i < 300; ++i) {
    psw_point p;
    psw_sample_opts so = {0, 0, 1.5};
    psw_point_sample(&p, PSW_FAMILY_EXPGROWTH, PSW_FAMILY_LINEAR, &so, 31, i);
    p.cust.M = 50.0; /* a cap far away: the interior local max is the optimum */
    double A = p.cust.p[0], s = p.cust.p[1], a2 = p.prov.p[0], b2 = p.prov.p[1];
    double k = p.a + p.b, v0 = -a2 / b2;
    if (!(k > 0.0)) continue;
    double lam = k * k * b2 / (2.0 * s);
    double C0 = A * exp(-(k * b2 * (v0 + p.d) / 2.0 + p.c + s) / s);
    if (!(lam * C0 < 1.0 / M_E * 0.999)) continue;
    double m = -gsl_sf_lambert_W0(-lam * C0) / lam;
    double n = (b2 / 2.0) * (k * m - v0 - p.d);
    if (!(n > 1e-6 && n < p.prov.M * (1 - 1e-6))) continue;
    for (int v = 0; v < 2; ++v) {
      psw_opt_result r;
      solve(global_variants[v], &p, &r);
      /* the local max is an interior local max: the status says so */
      cr_assert(r.status == PSW_STATUS_OK || r.status == PSW_STATUS_CORNER,
                "%s pt %lu status %d", global_variants[v], i, r.status);
      if (r.status == PSW_STATUS_OK) {
        cr_assert(fabs(r.m - m) <= 1e-9 * fabs(m) + 1e-12, "%s pt %lu: m* %.17g vs W0 %.17g",
                  global_variants[v], i, r.m, m);
        cr_assert(fabs(r.n - n) <= 1e-9 * p.prov.M, "%s n* %.17g vs %.17g", global_variants[v],
                  r.n, n);
        ++checked;
      }
    }
  }
  cr_assert_gt(checked, 40);
}

/* ---- MODEL §6 identities, P* >= 0 and brute force on random points ---- */
Test(optimum, identities_and_brute_force) {
  int interior = 0, below = 0;
  for (int kf = 0; kf < PSW_FAMILY_COUNT; ++kf)
    for (int kg = 0; kg < PSW_FAMILY_COUNT; ++kg)
      for (unsigned long i = 0; i < (unsigned long)psw_test_count(6, 2); ++i) {
        psw_point p;
        psw_sample_opts so = {(int)(i % 2), 0, 3.0};
        psw_point_sample(&p, (psw_family_kind)kf, (psw_family_kind)kg, &so, 41,
                         i + 100 * (unsigned long)(kf * 7 + kg));
        psw_opt_result r;
        solve("reference", &p, &r);
        cr_assert(r.status >= 0 && r.status <= 4);
        if (r.status == PSW_STATUS_NOT_CONVERGED) continue;
        double S = psw_point_scale(&p), PS = S * (p.cust.M + p.prov.M);
        double tol = 1e-10 * fabs(r.P) + 1e-12 * PS;
        cr_assert_geq(r.P, -tol, "P* = %g < 0", r.P);
        cr_assert(!(r.below_cost_m && r.below_cost_n), "both sides below cost");
        cr_assert(fabs(r.P - (r.m * (r.f - p.c) + r.n * (r.g - p.d))) <= tol);
        cr_assert_eq(r.below_cost_m, r.m > 0.0 && r.f < p.c);
        if (r.side_m == PSW_SIDE_INTERIOR && r.side_n == PSW_SIDE_INTERIOR) {
          ++interior;
          /* f* = c - b n* - e_m m* + F/F' (and g*) */
          double fr = r.f - (p.c - p.b * r.n - p.e_m * r.m + r.h_m);
          double gr = r.g - (p.d - p.a * r.m - p.e_n * r.n + r.h_n);
          cr_assert(fabs(fr) <= 1e-9 * (S + fabs(r.h_m)), "foc_f_resid = %g", fr);
          cr_assert(fabs(gr) <= 1e-9 * (S + fabs(r.h_n)), "foc_g_resid = %g", gr);
          /* Proposition 1 at an interior optimum: below cost iff b n + e_m m > h_F */
          double ext = p.b * r.n + p.e_m * r.m;
          if (fabs(ext - r.h_m) > 1e-8 * S) cr_assert_eq(r.below_cost_m, ext > r.h_m);
          below += r.below_cost_m;
        } else {
          cr_assert(isnan(r.h_m) && isnan(r.soc_q));
        }
        /* brute force: a fine (U, V) grid never beats P* */
        double ul = isfinite(psw_family_u0(&p.cust)) ? psw_family_u0(&p.cust) : r.U - 20.0 * S;
        double uh = isfinite(psw_family_u1(&p.cust)) ? psw_family_u1(&p.cust) : r.U + 20.0 * S;
        double vl = isfinite(psw_family_u0(&p.prov)) ? psw_family_u0(&p.prov) : r.V - 20.0 * S;
        double vh = isfinite(psw_family_u1(&p.prov)) ? psw_family_u1(&p.prov) : r.V + 20.0 * S;
        for (int a = 0; a <= 150; ++a) {
          double U = ul + (uh - ul) * (a + 0.37) / 151.0, m = psw_family_F(&p.cust, U);
          for (int b = 0; b <= 150; ++b) {
            double V = vl + (vh - vl) * (b + 0.61) / 151.0, n = psw_family_F(&p.prov, V);
            double P = 0.0;
            if (m > 0) P += m * (p.a * n + p.e_m * m - U - p.c);
            if (n > 0) P += n * (p.b * m + p.e_n * n - V - p.d);
            cr_assert_leq(P, r.P + tol + 1e-9 * fabs(r.P), "%s:%s pt %lu: grid P %.17g > P* %.17g",
                          psw_family_name(p.cust.kind), psw_family_name(p.prov.kind), i, P, r.P);
          }
        }
      }
  cr_assert_gt(interior, 20 * psw_test_count(6, 2) / 2);
  cr_assert_gt(below, 3, "no below-cost optimum in the sample: not a test of Proposition 1");
}

/* ---- MODEL §3.6: the inverse-designed example with crowding a, b < 0 ---- */
Test(optimum, stability_is_not_implied_by_margins) {
  psw_point p;
  psw_point_init(&p, PSW_FAMILY_LOGIT, PSW_FAMILY_LOGIT);
  p.a = p.b = -2.0;
  p.c = p.d = -4.8197224577336;
  p.cust.p[0] = p.prov.p[0] = 0.0;
  p.cust.p[1] = p.prov.p[1] = 0.1;
  for (int v = 0; v < 2; ++v) {
    psw_opt_result r;
    solve(global_variants[v], &p, &r);
    cr_assert_eq(r.status, PSW_STATUS_OK);
    cr_assert(fabs(r.m - 0.9) < 1e-9 && fabs(r.n - 0.9) < 1e-9, "m* %g n* %g", r.m, r.n);
    cr_assert(fabs(r.eq_det - (-2.24)) < 1e-6, "det %.12g", r.eq_det);
    cr_assert_eq(r.eq_stable, 0);
    cr_assert_eq(r.n_eq, 3);
  }
}

/* Invalid parameters are data: status invalid, no crash. */
Test(optimum, invalid_points) {
  psw_point p;
  psw_point_init(&p, PSW_FAMILY_LOGIT, PSW_FAMILY_UNIFORM);
  p.a = 1, p.b = 1, p.c = 0, p.d = 0;
  p.cust.p[1] = -1.0; /* s <= 0 */
  for (int v = 0; v < 2; ++v) {
    psw_opt_result r;
    solve(global_variants[v], &p, &r);
    cr_assert_eq(r.status, PSW_STATUS_INVALID);
    cr_assert(isnan(r.f));
  }
  p.cust.p[1] = 1.0;
  p.prov.p[1] = p.prov.p[0]; /* hi <= lo */
  psw_opt_result r;
  solve("newton", &p, &r);
  cr_assert_eq(r.status, PSW_STATUS_INVALID);
  p.prov.p[1] = 1.0;
  p.a = NAN;
  solve("newton", &p, &r);
  cr_assert_eq(r.status, PSW_STATUS_INVALID);
  p.a = 1.0;
  p.cust.M = INFINITY;
  solve("reference", &p, &r);
  cr_assert_eq(r.status, PSW_STATUS_INVALID);
}
