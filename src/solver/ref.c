/* The reference path: MODEL.md's robust algorithms, scalar and plain.
 * Correctness over speed: it is the oracle the fast variants are tested against. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solver/solver_impl.h"

enum { MAX_ROOTS = 64, MAX_CAND = 256, N_QUANT = 64 };

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* Quantile nodes: F^{-1} of an even grid of participation levels between F(lo), F(hi). */
static int quantile_nodes(const side *s, double lo, double hi, double *out, int nmax) {
  double flo = side_F(s, lo), fhi = side_F(s, hi);
  int n = 0;
  if (!(fhi > flo)) return 0;
  for (int i = 1; i < nmax; ++i) {
    double x = psw_family_Finv(s->fam, flo + (fhi - flo) * (double)i / (double)nmax);
    if (isfinite(x) && x > lo && x < hi) out[n++] = x;
  }
  return n;
}

/* Nodes clustered toward both ends of [lo, hi] (down to 1e-15 of the width). */
static int end_nodes(double lo, double hi, double *out) {
  int n = 0;
  for (int j = 1; j <= 15; ++j) {
    double t = pow(10.0, -j) * (hi - lo);
    out[n++] = lo + t;
    out[n++] = hi - t;
  }
  return n;
}

/* ================= equilibria (MODEL §2) ================= */

typedef struct eqctx {
  const model *md;
  double f, g, m_fixed;
} eqctx;

/* U-parametrisation residual r(U)/N. */
static double eq_r_U(double U, void *vp, double c[3]) {
  const eqctx *e = vp;
  const psw_point *p = e->md->pt;
  double M = e->md->F.M, N = e->md->G.M;
  double m = side_F(&e->md->F, U);
  double nU = (U + e->f - p->e_m * m) / p->a;
  double V = p->b * m + p->e_n * nU - e->g;
  double r = (nU - side_F(&e->md->G, V)) / N;
  c[0] = m / M;
  c[1] = clampd(nU / N, -1.0, 2.0);
  c[2] = clampd(r, -1.0, 1.0);
  return r;
}

/* V-parametrisation residual (mirror). */
static double eq_r_V(double V, void *vp, double c[3]) {
  const eqctx *e = vp;
  const psw_point *p = e->md->pt;
  double M = e->md->F.M, N = e->md->G.M;
  double n = side_F(&e->md->G, V);
  double mV = (V + e->g - p->e_n * n) / p->b;
  double U = p->a * n + p->e_m * mV - e->f;
  double r = (mV - side_F(&e->md->F, U)) / M;
  c[0] = n / N;
  c[1] = clampd(mV / M, -1.0, 2.0);
  c[2] = clampd(r, -1.0, 1.0);
  return r;
}

/* a = 0: U = e_m F(U) - f. */
static double eq_self_U(double U, void *vp, double c[3]) {
  const eqctx *e = vp;
  double m = side_F(&e->md->F, U);
  double r = (U + e->f - e->md->pt->e_m * m) / e->md->S;
  c[0] = m / e->md->F.M;
  c[1] = 0.0;
  c[2] = clampd(r, -1.0, 1.0);
  return r;
}

/* Given m, V = b m + e_n G(V) - g. */
static double eq_self_V(double V, void *vp, double c[3]) {
  const eqctx *e = vp;
  double n = side_F(&e->md->G, V);
  double r = (V - e->md->pt->b * e->m_fixed - e->md->pt->e_n * n + e->g) / e->md->S;
  c[0] = n / e->md->G.M;
  c[1] = 0.0;
  c[2] = clampd(r, -1.0, 1.0);
  return r;
}

/* Newton in (U, V) on the equilibrium system; keeps the start if it does not improve. */
static void eq_polish(model *md, double f, double g, double *Up, double *Vp) {
  const psw_point *p = md->pt;
  double U = *Up, V = *Vp;
  double best = INFINITY;
  for (int it = 0; it < 30; ++it) {
    double F, Fp, G, Gp;
    psw_family_eval(md->F.fam, U, &F, &Fp, NULL, NULL);
    psw_family_eval(md->G.fam, V, &G, &Gp, NULL, NULL);
    double E1 = U - p->a * G - p->e_m * F + f;
    double E2 = V - p->b * F - p->e_n * G + g;
    double res = fabs(E1) + fabs(E2);
    if (!(res < best)) break;
    best = res;
    *Up = U;
    *Vp = V;
    if (res == 0.0) break;
    ++md->iters;
    double j11 = 1.0 - p->e_m * Fp, j12 = -p->a * Gp, j21 = -p->b * Fp, j22 = 1.0 - p->e_n * Gp;
    double det = j11 * j22 - j12 * j21;
    if (!(fabs(det) > 1e-14 * (fabs(j11 * j22) + fabs(j12 * j21)))) break;
    double dU = (E1 * j22 - E2 * j12) / det, dV = (j11 * E2 - j21 * E1) / det;
    U -= dU;
    V -= dV;
    if (fabs(dU) <= 4.0 * DBL_EPSILON * fabs(U) && fabs(dV) <= 4.0 * DBL_EPSILON * fabs(V)) {
      /* take the converged step if it is no worse */
      continue;
    }
  }
}

typedef struct eqpt {
  double m, n, U, V;
} eqpt;

static int eqpt_cmp(const void *pa, const void *pb) {
  const eqpt *a = pa, *b = pb;
  double ka = nearbyint(a->m * 1e9), kb = nearbyint(b->m * 1e9);
  if (ka != kb) return (ka > kb) - (ka < kb);
  return (a->n > b->n) - (a->n < b->n);
}

static int add_eq(model *md, double f, double g, double U, double V, eqpt *list, int n, int max) {
  eq_polish(md, f, g, &U, &V);
  double m = side_F(&md->F, U), nn = side_F(&md->G, V);
  /* verify: a genuine equilibrium (residual at rounding level of the scale) */
  const psw_point *p = md->pt;
  double E1 = U - p->a * nn - p->e_m * m + f, E2 = V - p->b * m - p->e_n * nn + g;
  double tol = 1e-9 * (md->S + fabs(U) + fabs(V));
  if (!(fabs(E1) <= tol && fabs(E2) <= tol)) return n;
  for (int i = 0; i < n; ++i)
    if (fabs(list[i].m - m) <= 1e-9 * md->F.M && fabs(list[i].n - nn) <= 1e-9 * md->G.M)
      return n;
  if (n >= max) return -1;
  list[n] = (eqpt){m, nn, U, V};
  return n + 1;
}

/* Window for U with a != 0 (MODEL §2.3), padded by 1%. */
static void eq_window(double f, double cross, double N, double e, double M, double *lo,
                      double *hi) {
  double l = -f + fmin(0.0, cross * N) + fmin(0.0, e * M);
  double h = -f + fmax(0.0, cross * N) + fmax(0.0, e * M);
  double pad = 0.01 * (h - l) + 1e-12 * (fabs(l) + fabs(h) + 1.0);
  *lo = l - pad;
  *hi = h + pad;
}

void ref_equilibria(model *md, double f, double g, const double *seed, psw_eq_result *out) {
  const psw_point *p = md->pt;
  eqctx e = {md, f, g, 0.0};
  eqpt list[4 * MAX_ROOTS];
  int n = 0, bad = 0, degenerate = 0;
  double roots[MAX_ROOTS], extra[2 * N_QUANT + 64];
  const int lmax = 4 * MAX_ROOTS;
  long it0 = md->iters;
  if (seed) n = add_eq(md, f, g, seed[0], seed[1], list, n, lmax);

  if (p->a != 0.0) {
    double lo, hi;
    eq_window(f, p->a, md->G.M, p->e_m, md->F.M, &lo, &hi);
    int ne = quantile_nodes(&md->F, lo, hi, extra, N_QUANT);
    int nr = scan_roots(eq_r_U, &e, lo, hi, extra, ne, 1e-14, roots, MAX_ROOTS, &md->iters);
    if (nr == SCAN_CONTINUUM) degenerate = 1;
    if (nr == SCAN_OVERFLOW) bad = 1;
    for (int i = 0; i < nr && n >= 0; ++i) {
      double U = roots[i], m = side_F(&md->F, U);
      double nU = (U + f - p->e_m * m) / p->a;
      n = add_eq(md, f, g, U, p->b * m + p->e_n * nU - g, list, n, lmax);
    }
  }
  if (p->b != 0.0 && n >= 0) {
    double lo, hi;
    eq_window(g, p->b, md->F.M, p->e_n, md->G.M, &lo, &hi);
    int ne = quantile_nodes(&md->G, lo, hi, extra, N_QUANT);
    int nr = scan_roots(eq_r_V, &e, lo, hi, extra, ne, 1e-14, roots, MAX_ROOTS, &md->iters);
    if (nr == SCAN_CONTINUUM) degenerate = 1;
    if (nr == SCAN_OVERFLOW) bad = 1;
    for (int i = 0; i < nr && n >= 0; ++i) {
      double V = roots[i], nn = side_F(&md->G, V);
      double mV = (V + g - p->e_n * nn) / p->b;
      n = add_eq(md, f, g, p->a * nn + p->e_m * mV - f, V, list, n, lmax);
    }
  }
  if (p->a == 0.0 && n >= 0) {
    /* decoupled customer side: U = e_m F(U) - f, then V for each m */
    double ur[MAX_ROOTS];
    int nu;
    if (p->e_m == 0.0) {
      ur[0] = -f;
      nu = 1;
    } else {
      double lo, hi;
      eq_window(f, 0.0, 0.0, p->e_m, md->F.M, &lo, &hi);
      int ne = quantile_nodes(&md->F, lo, hi, extra, N_QUANT);
      nu = scan_roots(eq_self_U, &e, lo, hi, extra, ne, 1e-14, ur, MAX_ROOTS, &md->iters);
      if (nu == SCAN_CONTINUUM) degenerate = 1;
      if (nu < 0) {
        bad |= nu == SCAN_OVERFLOW;
        nu = 0;
      }
    }
    for (int i = 0; i < nu && n >= 0; ++i) {
      double m = side_F(&md->F, ur[i]);
      if (p->e_n == 0.0) {
        n = add_eq(md, f, g, ur[i], p->b * m - g, list, n, lmax);
        continue;
      }
      e.m_fixed = m;
      double lo, hi;
      eq_window(g - p->b * m, 0.0, 0.0, p->e_n, md->G.M, &lo, &hi);
      int ne = quantile_nodes(&md->G, lo, hi, extra, N_QUANT);
      int nv = scan_roots(eq_self_V, &e, lo, hi, extra, ne, 1e-14, roots, MAX_ROOTS, &md->iters);
      if (nv == SCAN_CONTINUUM) degenerate = 1;
      if (nv == SCAN_OVERFLOW) bad = 1;
      for (int j = 0; j < nv && n >= 0; ++j) n = add_eq(md, f, g, ur[i], roots[j], list, n, lmax);
    }
  }
  if (p->a != 0.0 && p->b == 0.0 && p->e_n != 0.0) {
    /* the U-scan alone covers it; nothing to add */
  }

  psw_eq_result_fill(out);
  out->iter = (int16_t)fmin(32767.0, (double)(md->iters - it0));
  if (n < 0 || bad) {
    out->status = PSW_STATUS_NOT_CONVERGED;
    out->count = 0;
    return;
  }
  qsort(list, (size_t)n, sizeof *list, eqpt_cmp);
  if (degenerate) {
    out->status = PSW_STATUS_DEGENERATE;
  } else if (n > PSW_MAX_EQ || n == 0) {
    out->status = PSW_STATUS_NOT_CONVERGED;
  } else {
    out->status = PSW_STATUS_OK;
  }
  int keep = n < PSW_MAX_EQ ? n : PSW_MAX_EQ;
  out->count = (int8_t)(out->status == PSW_STATUS_NOT_CONVERGED ? 0 : keep);
  if (out->status == PSW_STATUS_NOT_CONVERGED) return;
  for (int i = 0; i < keep; ++i) {
    out->m[i] = list[i].m;
    out->n[i] = list[i].n;
    out->U[i] = list[i].U;
    out->V[i] = list[i].V;
    model_eq_stability(md, list[i].U, list[i].V, &out->det[i], &out->stable[i]);
  }
}

static void ref_solve_equilibrium(const psw_solver_opts *o, int n, const psw_point *pts,
                                  psw_eq_result *out) {
  (void)o;
  for (int i = 0; i < n; ++i) {
    if (psw_point_check(&pts[i], PSW_PROBLEM_EQUILIBRIUM, NULL, 0) != 0) {
      eq_result_invalid(&out[i]);
      continue;
    }
    model md;
    model_init(&md, &pts[i]);
    ref_equilibria(&md, pts[i].f, pts[i].g, NULL, &out[i]);
  }
}

/* ================= optimum (MODEL §3) ================= */


typedef struct optctx {
  model *md;
  double target; /* for 1-D edge problems */
} optctx;

/* Window of U for interior critical points (MODEL §3.8 step 1): phi_F(U*) in [ylo, yhi]. */
static int crit_window(const side *s, double kN, double e2M, double cost, double *lo, double *hi) {
  double ylo = fmin(0.0, kN) + fmin(0.0, e2M) - cost;
  double yhi = fmax(0.0, kN) + fmax(0.0, e2M) - cost;
  double l = side_phi_inv(s, ylo, NULL), h = side_phi_inv(s, yhi, NULL);
  /* pad by 1% (MODEL §3.8) and at least 1% of the spread: a window that collapses
   * to a point (k = 0, e = 0, edges) must still bracket its root */
  double pad = 0.01 * (h - l) + 0.01 * s->spread;
  l -= pad;
  h += pad;
  if (l < s->u0) l = s->u0;
  if (h > s->u1) h = s->u1;
  *lo = l;
  *hi = h;
  return l < h;
}

/* U-scan residual: n(U) = A(U)/k, V = G^{-1}(n), R = k F(U) - B(V), scaled by S. */
static double foc_R_U(double U, void *vp, double c[3]) {
  const optctx *o = vp;
  const model *md = o->md;
  double N = md->G.M, nU = model_A(md, U, NULL) / md->k;
  c[0] = side_F(&md->F, U) / md->F.M;
  c[1] = clampd(nU / N, -1.0, 2.0);
  if (!(nU > 0.0 && nU < N)) {
    c[2] = 0.0;
    return NAN;
  }
  double V = psw_family_Finv(md->G.fam, nU);
  double R = (md->k * side_F(&md->F, U) - model_B(md, V, NULL)) / md->S;
  c[2] = clampd(R, -1.0, 1.0);
  return R;
}

static double foc_R_V(double V, void *vp, double c[3]) {
  const optctx *o = vp;
  const model *md = o->md;
  double M = md->F.M, mV = model_B(md, V, NULL) / md->k;
  c[0] = side_F(&md->G, V) / md->G.M;
  c[1] = clampd(mV / M, -1.0, 2.0);
  if (!(mV > 0.0 && mV < M)) {
    c[2] = 0.0;
    return NAN;
  }
  double U = psw_family_Finv(md->F.fam, mV);
  double R = (md->k * side_F(&md->G, V) - model_A(md, U, NULL)) / md->S;
  c[2] = clampd(R, -1.0, 1.0);
  return R;
}

/* A(U) - target and B(V) - target, scaled. */
static double foc_A(double U, void *vp, double c[3]) {
  const optctx *o = vp;
  double r = (model_A(o->md, U, NULL) - o->target) / o->md->S;
  c[0] = side_F(&o->md->F, U) / o->md->F.M;
  c[1] = 0.0;
  c[2] = clampd(r, -1.0, 1.0);
  return r;
}

static double foc_B(double V, void *vp, double c[3]) {
  const optctx *o = vp;
  double r = (model_B(o->md, V, NULL) - o->target) / o->md->S;
  c[0] = side_F(&o->md->G, V) / o->md->G.M;
  c[1] = 0.0;
  c[2] = clampd(r, -1.0, 1.0);
  return r;
}

/* All roots of A(U) = target (side F) or B(V) = target (side G) inside (lo, hi). */
static int roots_AB(model *md, int is_G, double target, double lo, double hi, double *roots,
                    int *bad) {
  optctx o = {md, target};
  const side *s = is_G ? &md->G : &md->F;
  double extra[N_QUANT + 32];
  int ne = quantile_nodes(s, lo, hi, extra, N_QUANT);
  ne += end_nodes(lo, hi, extra + ne);
  int nr = scan_roots(is_G ? foc_B : foc_A, &o, lo, hi, extra, ne, 1e-13, roots, MAX_ROOTS,
                      &md->iters);
  if (nr < 0) {
    *bad = 1;
    return 0;
  }
  return nr;
}

/* Newton in (U, V) on (A(U) - k G(V), B(V) - k F(U)). Returns 1 if converged. */
static int foc_newton(model *md, double *Up, double *Vp, int max_it) {
  double U = *Up, V = *Vp, k = md->k;
  double best = INFINITY, bU = U, bV = V;
  for (int it = 0; it < max_it; ++it) {
    double F, Fp, G, Gp, dA, dB;
    psw_family_eval(md->F.fam, U, &F, &Fp, NULL, NULL);
    psw_family_eval(md->G.fam, V, &G, &Gp, NULL, NULL);
    double E1 = model_A(md, U, &dA) - k * G;
    double E2 = model_B(md, V, &dB) - k * F;
    double res = fabs(E1) + fabs(E2);
    if (!isfinite(res)) break;
    if (res < best) {
      best = res;
      bU = U;
      bV = V;
    } else if (it > 5 && res > 2.0 * best) {
      break;
    }
    if (res == 0.0) break;
    ++md->iters;
    double j11 = dA, j12 = -k * Gp, j21 = -k * Fp, j22 = dB;
    double det = j11 * j22 - j12 * j21;
    if (!(fabs(det) > 0.0) || !isfinite(det)) break;
    double dU = (E1 * j22 - E2 * j12) / det, dV = (j11 * E2 - j21 * E1) / det;
    /* keep inside the open box */
    double nU = U - dU, nV = V - dV;
    if (nU <= md->F.u0) nU = 0.5 * (U + md->F.u0);
    if (nU >= md->F.u1) nU = 0.5 * (U + md->F.u1);
    if (nV <= md->G.u0) nV = 0.5 * (V + md->G.u0);
    if (nV >= md->G.u1) nV = 0.5 * (V + md->G.u1);
    if (!isfinite(nU) || !isfinite(nV)) break;
    if (nU == U && nV == V) break;
    U = nU;
    V = nV;
  }
  *Up = bU;
  *Vp = bV;
  double tol = 1e-10 * md->S;
  return best <= tol;
}

static int add_cand(cand *list, int n, cand c) {
  if (n >= MAX_CAND) return n;
  list[n] = c;
  return n + 1;
}

/* Add an interior critical point (polished, verified, deduplicated). */
static int add_crit(model *md, double U, double V, cand *list, int n) {
  if (!foc_newton(md, &U, &V, 60)) return n;
  if (!(U > md->F.u0 && U < md->F.u1 && V > md->G.u0 && V < md->G.u1)) return n;
  for (int i = 0; i < n; ++i)
    if (list[i].interior && fabs(list[i].U - U) <= 1e-9 * (fabs(U) + md->F.spread) &&
        fabs(list[i].V - V) <= 1e-9 * (fabs(V) + md->G.spread))
      return n;
  cand c = {U, V, PSW_SIDE_INTERIOR, PSW_SIDE_INTERIOR, 1, 0, 0, 0, 0, 0};
  return add_cand(list, n, c);
}

/* Interior critical points: U-scan over the sub-intervals where 0 < A/k < N. */
static int crit_scan(model *md, int mirror, double wlo, double whi, cand *list, int n, int *bad) {
  const side *s = mirror ? &md->G : &md->F;
  const side *o = mirror ? &md->F : &md->G;
  double kO = md->k * o->M;
  double br[2 * MAX_ROOTS + 2];
  int nb = 0;
  br[nb++] = wlo;
  double r[MAX_ROOTS];
  int n0 = roots_AB(md, mirror, 0.0, wlo, whi, r, bad);
  for (int i = 0; i < n0; ++i) br[nb++] = r[i];
  int n1 = roots_AB(md, mirror, kO, wlo, whi, r, bad);
  for (int i = 0; i < n1; ++i) br[nb++] = r[i];
  br[nb++] = whi;
  for (int i = 0; i < nb; ++i)
    for (int j = i + 1; j < nb; ++j)
      if (br[j] < br[i]) {
        double t = br[i];
        br[i] = br[j];
        br[j] = t;
      }
  optctx oc = {md, 0.0};
  for (int i = 0; i + 1 < nb; ++i) {
    double lo = br[i], hi = br[i + 1];
    if (!(hi > lo)) continue;
    double mid = 0.5 * (lo + hi);
    double nm = (mirror ? model_B(md, mid, NULL) : model_A(md, mid, NULL)) / md->k;
    if (!(nm > 0.0 && nm < o->M)) continue;
    double extra[N_QUANT + 32], roots[MAX_ROOTS];
    int ne = quantile_nodes(s, lo, hi, extra, N_QUANT);
    ne += end_nodes(lo, hi, extra + ne);
    int nr = scan_roots(mirror ? foc_R_V : foc_R_U, &oc, lo, hi, extra, ne, 1e-13, roots,
                        MAX_ROOTS, &md->iters);
    if (nr < 0) {
      *bad = 1;
      continue;
    }
    for (int j = 0; j < nr; ++j) {
      double x = roots[j];
      double other = (mirror ? model_B(md, x, NULL) : model_A(md, x, NULL)) / md->k;
      double y = psw_family_Finv(o->fam, other);
      if (!isfinite(y)) {
        /* a root in a tail the scan variable cannot resolve: start Newton from the
         * other equation instead */
        double tgt = md->k * side_F(s, x);
        y = side_phi_inv(o, tgt - (mirror ? md->pt->c : md->pt->d), &md->iters);
      }
      n = mirror ? add_crit(md, y, x, list, n) : add_crit(md, x, y, list, n);
    }
  }
  return n;
}

/* Window for edge roots of B(V) = target (MODEL §3.5), within (v0, v1). */
static int edge_window(const side *s, double target, double cost, double e2N, double *lo,
                       double *hi) {
  return crit_window(s, target, e2N, cost, lo, hi);
}

static void ref_optimum_point(const psw_point *pt, psw_opt_result *out) {
  model md;
  model_init(&md, pt);
  const psw_point *p = pt;
  double M = md.F.M, N = md.G.M, k = md.k;
  cand list[MAX_CAND];
  int nc = 0, bad = 0;

  /* ---- interior critical points ---- */
  double ulo, uhi, vlo, vhi;
  int okU = crit_window(&md.F, k * N, 2.0 * p->e_m * M, p->c, &ulo, &uhi);
  int okV = crit_window(&md.G, k * M, 2.0 * p->e_n * N, p->d, &vlo, &vhi);
  if (okU && okV) {
    if (k != 0.0) {
      nc = crit_scan(&md, 0, ulo, uhi, list, nc, &bad);
      nc = crit_scan(&md, 1, vlo, vhi, list, nc, &bad);
      for (int i = 0; i < 7; ++i)
        for (int j = 0; j < 7; ++j)
          nc = add_crit(&md, ulo + (uhi - ulo) * (i + 0.5) / 7.0, vlo + (vhi - vlo) * (j + 0.5) / 7.0,
                        list, nc);
    } else {
      double ru[MAX_ROOTS], rv[MAX_ROOTS];
      int nu = roots_AB(&md, 0, 0.0, ulo, uhi, ru, &bad);
      int nv = roots_AB(&md, 1, 0.0, vlo, vhi, rv, &bad);
      for (int i = 0; i < nu; ++i)
        for (int j = 0; j < nv; ++j) nc = add_crit(&md, ru[i], rv[j], list, nc);
    }
  }

  /* ---- faces and vertices (attainable only where the family is flat) ---- */
  double Uf[2] = {md.F.u0, md.F.u1}, Vf[2] = {md.G.u0, md.G.u1};
  int sm[2] = {PSW_SIDE_ZERO, PSW_SIDE_CAP};
  for (int a = 0; a < 2; ++a) {
    if (!isfinite(Uf[a])) continue;
    /* face m = 0 or M: B(V) = k m */
    double target = a == 0 ? 0.0 : k * M, lo, hi, r[MAX_ROOTS];
    if (edge_window(&md.G, target, p->d, 2.0 * p->e_n * N, &lo, &hi)) {
      int nr = roots_AB(&md, 1, target, lo, hi, r, &bad);
      for (int j = 0; j < nr; ++j)
        if (r[j] > md.G.u0 && r[j] < md.G.u1)
          nc = add_cand(list, nc, (cand){Uf[a], r[j], sm[a], PSW_SIDE_INTERIOR, 0, 0, 0, 0, 0, 0});
    }
    for (int b = 0; b < 2; ++b)
      if (isfinite(Vf[b])) nc = add_cand(list, nc, (cand){Uf[a], Vf[b], sm[a], sm[b], 0, 0, 0, 0, 0, 0});
  }
  for (int b = 0; b < 2; ++b) {
    if (!isfinite(Vf[b])) continue;
    double target = b == 0 ? 0.0 : k * N, lo, hi, r[MAX_ROOTS];
    if (edge_window(&md.F, target, p->c, 2.0 * p->e_m * M, &lo, &hi)) {
      int nr = roots_AB(&md, 0, target, lo, hi, r, &bad);
      for (int j = 0; j < nr; ++j)
        if (r[j] > md.F.u0 && r[j] < md.F.u1)
          nc = add_cand(list, nc, (cand){r[j], Vf[b], PSW_SIDE_INTERIOR, sm[b], 0, 0, 0, 0, 0, 0});
    }
  }

  psw_opt_result_fill(out);
  if (nc == 0) {
    out->status = PSW_STATUS_NOT_CONVERGED;
    out->iter = (int16_t)fmin(32767.0, (double)md.iters);
    return;
  }
  int best = 0, any_local_max = 0;
  for (int i = 0; i < nc; ++i) {
    cand_eval(&md, &list[i]);
    if (list[i].local_max) any_local_max = 1;
    if (list[i].P > list[best].P) best = i;
  }
  const cand *c = &list[best];
  double Pstar = c->P;
  double tie_tol = 1e-10 * fabs(Pstar) + 1e-13 * md.PS;
  int tie = 0;
  for (int i = 0; i < nc; ++i)
    if (i != best && list[i].P >= Pstar - tie_tol &&
        (fabs(list[i].m - c->m) > 1e-7 * M || fabs(list[i].n - c->n) > 1e-7 * N))
      tie = 1;

  opt_result_finish(&md, c->U, c->V, c->side_m, c->side_n, out);
  if (tie)
    out->status = PSW_STATUS_DEGENERATE;
  else if (c->interior)
    out->status = c->strict_max ? PSW_STATUS_OK : PSW_STATUS_DEGENERATE;
  else
    out->status = any_local_max ? PSW_STATUS_CORNER : PSW_STATUS_NO_INTERIOR_OPTIMUM;

  /* ---- equilibria at the optimal fees, and the selected one's stability ---- */
  psw_eq_result eq;
  double seed[2] = {c->U, c->V};
  ref_equilibria(&md, out->f, out->g, seed, &eq);
  model_eq_stability(&md, c->U, c->V, &out->eq_det, &out->eq_stable);
  out->n_eq = eq.status == PSW_STATUS_OK || eq.status == PSW_STATUS_DEGENERATE ? eq.count : -1;

  /* ---- cross-checks (MODEL §3.8 step 6) ---- */
  int fail = bad || eq.status == PSW_STATUS_NOT_CONVERGED;
  if (Pstar < -tie_tol) fail = 1;
  if (out->below_cost_m && out->below_cost_n) fail = 1;
  if ((c->side_m == PSW_SIDE_INTERIOR && !(out->m > 0.0)) ||
      (c->side_n == PSW_SIDE_INTERIOR && !(out->n > 0.0)))
    fail = 1; /* participation underflow: not representable */
  for (int i = 0; i < eq.count && !fail; ++i) {
    double Pe = eq.m[i] * (out->f - p->c) + eq.n[i] * (out->g - p->d);
    if (Pe > Pstar + tie_tol + 1e-9 * fabs(Pstar)) fail = 1;
  }
  /* a dense (U, V) grid must not beat P* (every grid point is attainable) */
  if (!fail) {
    double gl = isfinite(md.F.u0) ? md.F.u0 : ulo - (uhi - ulo);
    double gh = isfinite(md.F.u1) ? md.F.u1 : uhi + (uhi - ulo);
    double hl = isfinite(md.G.u0) ? md.G.u0 : vlo - (vhi - vlo);
    double hh = isfinite(md.G.u1) ? md.G.u1 : vhi + (vhi - vlo);
    enum { NG = 48 };
    for (int i = 0; i <= NG && !fail; ++i) {
      double U = gl + (gh - gl) * i / NG, mU = side_F(&md.F, U);
      for (int j = 0; j <= NG; ++j) {
        double V = hl + (hh - hl) * j / NG, nV = side_F(&md.G, V);
        double P = model_profit_UV(&md, U, V, mU, nV);
        if (P > Pstar + tie_tol + 1e-9 * fabs(Pstar)) {
          fail = 1;
          break;
        }
      }
    }
  }
  if (fail) out->status = PSW_STATUS_NOT_CONVERGED;
  out->iter = (int16_t)fmin(32767.0, (double)md.iters);
}

static void ref_solve_optimum(const psw_solver_opts *o, int n, const psw_point *pts,
                              psw_opt_result *out) {
  (void)o;
  for (int i = 0; i < n; ++i) {
    if (psw_point_check(&pts[i], PSW_PROBLEM_OPTIMUM, NULL, 0) != 0) {
      opt_result_invalid(&out[i]);
      continue;
    }
    ref_optimum_point(&pts[i], &out[i]);
  }
}

const psw_solver_ops psw_solver_reference = {
    "reference",
    "scalar oracle: MODEL.md's robust adaptive scans, multistart Newton, cross-checks",
    (1u << PSW_PROBLEM_OPTIMUM) | (1u << PSW_PROBLEM_EQUILIBRIUM),
    ref_solve_optimum,
    ref_solve_equilibrium};
