/* The paper's fee iteration (Kijima & Arai 2016; Armstrong 2006 eq. 4):
 *   f <- c - b n - e_m m + F/F'(U),  g <- d - a m - e_n n + G/G'(V),
 * damped, with participation re-solved by damped best response at each step.
 * A local method: it finds at most one critical point, with no global check.
 * It reports not_converged where the iteration fails, which is the point of
 * offering it: the benchmark shows where the textbook method breaks. */
#include <math.h>

#include "solver/solver_impl.h"

static void fixed_point_one(const psw_solver_opts *o, const psw_point *p, psw_opt_result *out) {
  model md;
  model_init(&md, p);
  double M = md.F.M, N = md.G.M;
  double f = p->c, g = p->d, m = 0.5 * M, n = 0.5 * N;
  const double w = 0.5;
  int converged = 0;
  long it;
  for (it = 0; it < o->max_iter; ++it) {
    for (int br = 0; br < 200; ++br) { /* participation at these fees */
      double mn = side_F(&md.F, p->a * n + p->e_m * m - f);
      double nn = side_F(&md.G, p->b * m + p->e_n * n - g);
      double dm = mn - m, dn = nn - n;
      m += w * dm;
      n += w * dn;
      ++md.iters;
      if (fabs(dm) <= 1e-15 * M && fabs(dn) <= 1e-15 * N) break;
    }
    double U = p->a * n + p->e_m * m - f, V = p->b * m + p->e_n * n - g, hF, hG;
    psw_family_eval(md.F.fam, U, NULL, NULL, &hF, NULL);
    psw_family_eval(md.G.fam, V, NULL, NULL, &hG, NULL);
    double fn = p->c - p->b * n - p->e_m * m + hF, gn = p->d - p->a * m - p->e_n * n + hG;
    if (!isfinite(fn) || !isfinite(gn)) break;
    double df = fn - f, dg = gn - g;
    f += w * df;
    g += w * dg;
    if (fabs(df) + fabs(dg) <= o->tol * md.S) {
      converged = 1;
      break;
    }
  }
  psw_opt_result_fill(out);
  double U = p->a * n + p->e_m * m - f, V = p->b * m + p->e_n * n - g;
  int interior = U > md.F.u0 && U < md.F.u1 && V > md.G.u0 && V < md.G.u1;
  if (!converged || !interior || !(m > 0.0) || !(n > 0.0)) {
    out->status = PSW_STATUS_NOT_CONVERGED;
    out->iter = (int16_t)fmin(32767.0, (double)md.iters);
    return;
  }
  opt_result_finish(&md, U, V, PSW_SIDE_INTERIOR, PSW_SIDE_INTERIOR, out);
  double q2;
  model_B(&md, V, &q2);
  int strict = out->soc_q1 > 1e-9 && out->soc_q > 1e-9 * fmax(1.0, fabs(out->soc_q1 * q2));
  out->status = strict ? PSW_STATUS_OK : PSW_STATUS_DEGENERATE;
  psw_eq_result eq;
  double seed[2] = {U, V};
  ref_equilibria(&md, out->f, out->g, seed, &eq);
  model_eq_stability(&md, U, V, &out->eq_det, &out->eq_stable);
  out->n_eq = eq.count;
  out->iter = (int16_t)fmin(32767.0, (double)md.iters);
}

static void fixed_point_solve(const psw_solver_opts *o, int n, const psw_point *pts,
                              psw_opt_result *out) {
  psw_solver_opts def;
  if (!o) {
    psw_solver_opts_default(&def);
    o = &def;
  }
  for (int i = 0; i < n; ++i) {
    if (psw_point_check(&pts[i], PSW_PROBLEM_OPTIMUM, NULL, 0) != 0)
      opt_result_invalid(&out[i]);
    else
      fixed_point_one(o, &pts[i], &out[i]);
  }
}

const psw_solver_ops psw_solver_fixed_point = {
    "fixed_point",
    "the paper's damped fee iteration f <- c - b n + F/F' (local; no global check)",
    1u << PSW_PROBLEM_OPTIMUM, fixed_point_solve, NULL};
