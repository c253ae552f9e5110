/* The fast path: batched scan-and-polish over SoA lanes.
 *
 * Each batch holds points of one family pair. The scan evaluates the 1-D
 * reduction (MODEL §2.3, §3.8) at a fixed set of nodes for all lanes at once
 * (psw_family_eval_batch: `omp simd` loops), then every sign change is
 * polished by Newton in (U, V). A lane whose scan cannot certify its answer
 * -- a discrete extremum of the residual pointing toward zero (possible hidden
 * pair of roots), an under-resolved cell, a Newton step that leaves its
 * bracket -- is escalated to the reference path, so the fast path never
 * returns a different answer silently. `newton` (optimum) covers e_m = e_n = 0
 * with k = a + b > 0; `bracket` (equilibrium) covers a != 0. Other points go to
 * the reference path. */
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "solver/solver_impl.h"

enum { LANES = 64, J_OPT = 48, J_EQ = 64, MAX_R = 12 };

/* Largest move of a normalised curve coordinate (participation shares, the
 * residual in units of the market size) across one scan cell that the scan
 * trusts; a coarser cell escalates the lane. */
static const double MOVE_MAX = 0.1;

static atomic_long n_lanes, n_escalated;

void psw_solver_fast_stats(long *lanes, long *escalated) {
  *lanes = atomic_load(&n_lanes);
  *escalated = atomic_load(&n_escalated);
}

void psw_solver_fast_stats_reset(void) {
  atomic_store(&n_lanes, 0);
  atomic_store(&n_escalated, 0);
}

/* Lane-parallel parameters of one side's family (SoA). */
typedef struct lanes_fam {
  psw_family_kind kind;
  double p0[LANES], p1[LANES], p2[LANES], M[LANES];
} lanes_fam;

static void lanes_fam_set(lanes_fam *lf, int i, const psw_family *fam) {
  lf->kind = fam->kind;
  lf->p0[i] = fam->p[0];
  lf->p1[i] = fam->p[1];
  lf->p2[i] = fam->p[2];
  lf->M[i] = fam->M;
}

static void lanes_eval(const lanes_fam *lf, int n, const double *U, double *F, double *Fp,
                       double *h, double *hp) {
  psw_family_eval_batch(lf->kind, n, lf->p0, lf->p1, lf->p2, lf->M, U, F, Fp, h, hp);
}

static double phi_inv_newton(const side *s, double y, long *iters) {
  return side_phi_inv(s, y, iters);
}

/* Newton in (U, V) on the FOC system; 1 if converged inside the open box. */
static int foc_polish(model *md, double *Up, double *Vp) {
  double U = *Up, V = *Vp, k = md->k, best = INFINITY, bU = U, bV = V;
  for (int it = 0; it < 40; ++it) {
    double F, Fp, G, Gp, dA, dB;
    psw_family_eval(md->F.fam, U, &F, &Fp, NULL, NULL);
    psw_family_eval(md->G.fam, V, &G, &Gp, NULL, NULL);
    double E1 = model_A(md, U, &dA) - k * G, E2 = model_B(md, V, &dB) - k * F;
    double res = fabs(E1) + fabs(E2);
    if (!isfinite(res)) break;
    if (res < best) {
      best = res, bU = U, bV = V;
    } else if (it > 6) {
      break;
    }
    if (res == 0.0) break;
    ++md->iters;
    double j12 = -k * Gp, j21 = -k * Fp, det = dA * dB - j12 * j21;
    if (!(det != 0.0) || !isfinite(det)) break;
    double nU = U - (E1 * dB - E2 * j12) / det, nV = V - (dA * E2 - j21 * E1) / det;
    if (nU <= md->F.u0) nU = 0.5 * (U + md->F.u0);
    if (nU >= md->F.u1) nU = 0.5 * (U + md->F.u1);
    if (nV <= md->G.u0) nV = 0.5 * (V + md->G.u0);
    if (nV >= md->G.u1) nV = 0.5 * (V + md->G.u1);
    if (!isfinite(nU) || !isfinite(nV) || (nU == U && nV == V)) break;
    U = nU, V = nV;
  }
  *Up = bU, *Vp = bV;
  return best <= 1e-10 * md->S && bU > md->F.u0 && bU < md->F.u1 && bV > md->G.u0 &&
         bV < md->G.u1;
}

/* Newton in (U, V) on the equilibrium system at fees (f, g). */
static int eq_polish(model *md, double f, double g, double *Up, double *Vp) {
  const psw_point *p = md->pt;
  double U = *Up, V = *Vp, best = INFINITY, bU = U, bV = V;
  for (int it = 0; it < 40; ++it) {
    double F, Fp, G, Gp;
    psw_family_eval(md->F.fam, U, &F, &Fp, NULL, NULL);
    psw_family_eval(md->G.fam, V, &G, &Gp, NULL, NULL);
    double E1 = U - p->a * G - p->e_m * F + f, E2 = V - p->b * F - p->e_n * G + g;
    double res = fabs(E1) + fabs(E2);
    if (!isfinite(res)) break;
    if (res < best) {
      best = res, bU = U, bV = V;
    } else if (it > 6) {
      break;
    }
    if (res == 0.0) break;
    ++md->iters;
    double j11 = 1.0 - p->e_m * Fp, j12 = -p->a * Gp, j21 = -p->b * Fp, j22 = 1.0 - p->e_n * Gp;
    double det = j11 * j22 - j12 * j21;
    if (!(det != 0.0) || !isfinite(det)) break;
    double nU = U - (E1 * j22 - E2 * j12) / det, nV = V - (j11 * E2 - j21 * E1) / det;
    if (!isfinite(nU) || !isfinite(nV) || (nU == U && nV == V)) break;
    U = nU, V = nV;
  }
  *Up = bU, *Vp = bV;
  return best <= 1e-9 * (md->S + fabs(bU) + fabs(bV));
}

/* Blended scan nodes on (lo, hi): half uniform in x, half uniform in F(x), so a
 * cell is small both in the variable and in participation. */
static double blend_node(const side *s, double lo, double hi, double Flo, double Fhi, double t) {
  double x = lo + t * (hi - lo);
  if (Fhi > Flo) {
    double q = psw_family_Finv(s->fam, Flo + t * (Fhi - Flo));
    if (isfinite(q)) x = 0.5 * (x + fmin(fmax(q, lo), hi));
  }
  return x;
}

/* Does a value sequence certify its sign changes? A discrete extremum that
 * points toward zero may hide a pair of roots between nodes: it is accepted
 * only when the parabola through it and its neighbours stays well away from
 * zero (its vertex keeps the sign and at least half the node's magnitude),
 * and only for a smooth function (no kink of F or G in the scanned range);
 * next to an infinite end value, when the node is far from zero compared with
 * the local variation. Otherwise the lane goes to the reference. */
static int seq_suspicious(const double *x, const double *r, int n, int smooth) {
  for (int j = 1; j + 1 < n; ++j) {
    double y0 = r[j - 1], y1 = r[j], y2 = r[j + 1];
    if (isnan(y0) || isnan(y1) || isnan(y2) || y1 == 0.0) return 1;
    int toward = (y1 > 0.0 && y0 > 0.0 && y2 > 0.0 && y1 <= y0 && y1 <= y2) ||
                 (y1 < 0.0 && y0 < 0.0 && y2 < 0.0 && y1 >= y0 && y1 >= y2);
    if (!toward) continue;
    if (!smooth) return 1; /* a kink between nodes can make a dip the parabola misses */
    if (isinf(y0) || isinf(y2)) {
      double var = isinf(y0) ? fabs(y2 - y1) : fabs(y1 - y0);
      if (!(fabs(y1) > 4.0 * var)) return 1;
      continue;
    }
    double d1 = (y1 - y0) / (x[j] - x[j - 1]), d2 = (y2 - y1) / (x[j + 1] - x[j]);
    double a = (d2 - d1) / (x[j + 1] - x[j - 1]);
    if (a == 0.0) continue;
    double xs = 0.5 * (x[j - 1] + x[j]) - d1 / (2.0 * a);
    double v = y0 + d1 * (xs - x[j - 1]) + a * (xs - x[j - 1]) * (xs - x[j]);
    if (!(v * y1 > 0.0 && fabs(v) >= 0.5 * fabs(y1))) return 1;
  }
  return 0;
}

/* ---------------- equilibria ---------------- */

/* Equilibrium residual r(U)/N at one U, with the normalised curve (m/M, n/N). */
static double eq_r(const model *md, double f, double g, double U, double *cm, double *cn) {
  const psw_point *p = md->pt;
  double m = side_F(&md->F, U), nU = (U + f - p->e_m * m) / p->a;
  double V = p->b * m + p->e_n * nU - g;
  double G = side_F(&md->G, V);
  *cm = m / md->F.M;
  *cn = G / md->G.M;
  return (nU - G) / md->G.M;
}

static int cell_coarse(double m0, double n0, double r0, double m1, double n1, double r1) {
  return fabs(m1 - m0) > MOVE_MAX || fabs(n1 - n0) > MOVE_MAX || fabs(r1 - r0) > MOVE_MAX;
}

enum { REFINED_MAX = 1024 };

/* Fast equilibria for one lane's model, given the scan values r[] at nodes x[]
 * (with the curve cm[], cn[]). Cells where the curve moves too much are
 * bisected locally until it does not. Returns 0 on success (out filled), -1 to
 * escalate to the reference. */
static int eq_from_scan(model *md, double f, double g, const double *x0, const double *r0,
                        const double *cm, const double *cn, int nn, psw_eq_result *out) {
  double x[REFINED_MAX], r[REFINED_MAX];
  int n = 0;
  for (int j = 0; j + 1 < nn; ++j) {
    x[n] = x0[j], r[n] = r0[j], ++n;
    if (!cell_coarse(cm[j], cn[j], r0[j], cm[j + 1], cn[j + 1], r0[j + 1])) continue;
    /* depth-first bisection of the cell, emitting nodes in order */
    double sx[64], sr[64], sm[64], sn[64];
    int top = 0;
    double lx = x0[j], lr = r0[j], lm = cm[j], ln = cn[j];
    sx[0] = x0[j + 1], sr[0] = r0[j + 1], sm[0] = cm[j + 1], sn[0] = cn[j + 1], top = 1;
    while (top > 0) {
      double hx = sx[top - 1], hr = sr[top - 1], hm = sm[top - 1], hn = sn[top - 1];
      if (cell_coarse(lm, ln, lr, hm, hn, hr) && top < 60 &&
          hx - lx > 8.0 * DBL_EPSILON * (fabs(lx) + fabs(hx))) {
        double mx = 0.5 * (lx + hx), mm, mn;
        double mr = eq_r(md, f, g, mx, &mm, &mn);
        ++md->iters;
        sx[top] = mx, sr[top] = mr, sm[top] = mm, sn[top] = mn, ++top;
        continue;
      }
      --top; /* [lx, hx] is fine: emit hx and move on */
      if (top > 0 || hx != x0[j + 1]) {
        if (n >= REFINED_MAX - 1) return -1;
        if (hx != x0[j + 1]) x[n] = hx, r[n] = hr, ++n;
      }
      lx = hx, lr = hr, lm = hm, ln = hn;
    }
  }
  x[n] = x0[nn - 1], r[n] = r0[nn - 1], ++n;
  nn = n;
  int smooth = isinf(md->F.u0) && isinf(md->F.u1) && isinf(md->G.u0) && isinf(md->G.u1);
  if (seq_suspicious(x, r, nn, smooth)) return -1;
  double Us[MAX_R], Vs[MAX_R];
  int nr = 0;
  const psw_point *p = md->pt;
  for (int j = 0; j + 1 < nn; ++j) {
    if ((r[j] < 0.0) == (r[j + 1] < 0.0)) continue;
    if (nr >= PSW_MAX_EQ) return -1;
    double t = r[j] / (r[j] - r[j + 1]);
    double U = x[j] + t * (x[j + 1] - x[j]);
    double m = side_F(&md->F, U), nU = (U + f - p->e_m * m) / p->a;
    double V = p->b * m + p->e_n * nU - g;
    if (!eq_polish(md, f, g, &U, &V)) return -1;
    if (!(U >= x[j] && U <= x[j + 1])) return -1;
    Us[nr] = U, Vs[nr] = V, ++nr;
  }
  if (nr == 0) return -1;
  psw_eq_result_fill(out);
  out->status = PSW_STATUS_OK;
  out->count = (int8_t)nr;
  for (int i = 0; i < nr; ++i) { /* roots ascend in U, hence in m; merge as MODEL §2.3 */
    out->U[i] = Us[i];
    out->V[i] = Vs[i];
    out->m[i] = side_F(&md->F, Us[i]);
    out->n[i] = side_F(&md->G, Vs[i]);
    model_eq_stability(md, Us[i], Vs[i], &out->det[i], &out->stable[i]);
  }
  for (int i = 1; i < nr; ++i)
    if (fabs(out->m[i] - out->m[i - 1]) <= 1e-9 * md->F.M &&
        fabs(out->n[i] - out->n[i - 1]) <= 1e-9 * md->G.M)
      return -1; /* a merge: leave it to the reference */
  for (int i = 1; i < nr; ++i) /* the MODEL order: m rounded to 9 digits, then n */
    if (nearbyint(out->m[i] * 1e9) == nearbyint(out->m[i - 1] * 1e9) && out->n[i] < out->n[i - 1])
      return -1;
  return 0;
}

/* Equilibria of `cnt` lanes (one family pair) at fees f[], g[]. */
static void eq_lanes(const psw_point *const *pts, int cnt, const double *f, const double *g,
                     psw_eq_result *const *out, long *iters) {
  lanes_fam lf, lg;
  double lo[LANES], hi[LANES], Flo[LANES], Fhi[LANES];
  static const int nn = J_EQ;
  double x[J_EQ][LANES], r[J_EQ][LANES], cm[J_EQ][LANES], cn[J_EQ][LANES];
  double F[LANES], nU[LANES], V[LANES], G[LANES];
  int fast[LANES];
  lf.kind = pts[0]->cust.kind;
  lg.kind = pts[0]->prov.kind;
  for (int i = 0; i < cnt; ++i) {
    const psw_point *p = pts[i];
    lanes_fam_set(&lf, i, &p->cust);
    lanes_fam_set(&lg, i, &p->prov);
    /* the scan certifies roots of a smooth residual only: kinked families (finite
     * u0 or u1) can hide a pair of roots in a dip between nodes */
    fast[i] = p->a != 0.0 && isinf(psw_family_u0(&p->cust)) && isinf(psw_family_u1(&p->cust)) &&
              isinf(psw_family_u0(&p->prov)) && isinf(psw_family_u1(&p->prov));
    double l = -f[i] + fmin(0.0, p->a * p->prov.M) + fmin(0.0, p->e_m * p->cust.M);
    double h = -f[i] + fmax(0.0, p->a * p->prov.M) + fmax(0.0, p->e_m * p->cust.M);
    double pad = 0.01 * (h - l) + 1e-12 * (fabs(l) + fabs(h) + 1.0);
    lo[i] = l - pad, hi[i] = h + pad;
  }
  lanes_eval(&lf, cnt, lo, Flo, NULL, NULL, NULL);
  lanes_eval(&lf, cnt, hi, Fhi, NULL, NULL, NULL);
  for (int j = 0; j < nn; ++j) {
    double t = (double)j / (double)(nn - 1);
    for (int i = 0; i < cnt; ++i) {
      side s = {&pts[i]->cust, 0, 0, 0, 0};
      x[j][i] = j == 0 ? lo[i] : j == nn - 1 ? hi[i] : blend_node(&s, lo[i], hi[i], Flo[i], Fhi[i], t);
    }
    lanes_eval(&lf, cnt, x[j], F, NULL, NULL, NULL);
#pragma omp simd
    for (int i = 0; i < cnt; ++i) {
      const psw_point *p = pts[i];
      double inv_a = p->a != 0.0 ? 1.0 / p->a : 0.0;
      nU[i] = (x[j][i] + f[i] - p->e_m * F[i]) * inv_a;
      V[i] = p->b * F[i] + p->e_n * nU[i] - g[i];
    }
    lanes_eval(&lg, cnt, V, G, NULL, NULL, NULL);
#pragma omp simd
    for (int i = 0; i < cnt; ++i) {
      r[j][i] = (nU[i] - G[i]) / lg.M[i];
      cm[j][i] = F[i] / lf.M[i];
      cn[j][i] = G[i] / lg.M[i];
    }
  }
  for (int i = 0; i < cnt; ++i) {
    model md;
    model_init(&md, pts[i]);
    double xs[J_EQ], rs[J_EQ], ms[J_EQ], ns[J_EQ];
    for (int j = 0; j < nn; ++j) xs[j] = x[j][i], rs[j] = r[j][i], ms[j] = cm[j][i], ns[j] = cn[j][i];
    atomic_fetch_add(&n_lanes, 1);
    if (!fast[i] || eq_from_scan(&md, f[i], g[i], xs, rs, ms, ns, nn, out[i]) != 0) {
      atomic_fetch_add(&n_escalated, 1);
      md.iters = 0;
      ref_equilibria(&md, f[i], g[i], NULL, out[i]);
    }
    out[i]->iter = (int16_t)fmin(32767.0, (double)(md.iters + nn));
    *iters += md.iters;
  }
}

static int same_pair(const psw_point *a, const psw_point *b) {
  return a->cust.kind == b->cust.kind && a->prov.kind == b->prov.kind;
}

static void bracket_solve_equilibrium(const psw_solver_opts *o, int n, const psw_point *pts,
                                      psw_eq_result *out) {
  (void)o;
  const psw_point *lp[LANES];
  psw_eq_result *lo[LANES];
  double f[LANES], g[LANES];
  for (int s = 0; s < n;) {
    int cnt = 0, e = s;
    for (; e < n && cnt < LANES && same_pair(&pts[s], &pts[e]); ++e) {
      if (psw_point_check(&pts[e], PSW_PROBLEM_EQUILIBRIUM, NULL, 0) != 0) {
        eq_result_invalid(&out[e]);
        continue;
      }
      lp[cnt] = &pts[e], lo[cnt] = &out[e], f[cnt] = pts[e].f, g[cnt] = pts[e].g, ++cnt;
    }
    long it = 0;
    if (cnt) eq_lanes(lp, cnt, f, g, lo, &it);
    s = e;
  }
}

/* ---------------- optimum ---------------- */

/* Optimum of one lane from its scan (nodes x[], residuals r[], with the two
 * window ends first and last). Returns 0, or -1 to escalate. */
static int opt_from_scan(model *md, const double *x, const double *r, int nn,
                         psw_opt_result *out, double *fU, double *fV) {
  const psw_point *p = md->pt;
  double k = md->k, M = md->F.M, N = md->G.M;
  if (seq_suspicious(x, r, nn, 1)) return -1; /* R is smooth inside (u0, u1) */
  for (int j = 1; j + 2 < nn; ++j) { /* under-resolved cells (ends excluded) */
    double m0 = side_F(&md->F, x[j]) / M, m1 = side_F(&md->F, x[j + 1]) / M;
    double n0 = model_A(md, x[j], NULL) / (k * N), n1 = model_A(md, x[j + 1], NULL) / (k * N);
    if (fabs(m1 - m0) > 5.0 * MOVE_MAX || fabs(n1 - n0) > 5.0 * MOVE_MAX) return -1;
  }
  cand c[MAX_R + 8];
  int nc = 0;
  for (int j = 0; j + 1 < nn; ++j) {
    if ((r[j] < 0.0) == (r[j + 1] < 0.0)) continue;
    if (nc >= MAX_R) return -1;
    double U;
    if (isfinite(r[j]) && isfinite(r[j + 1])) {
      double t = r[j] / (r[j] - r[j + 1]);
      U = x[j] + t * (x[j + 1] - x[j]);
    } else {
      U = 0.5 * (x[j] + x[j + 1]);
    }
    double nU = model_A(md, U, NULL) / k, V;
    if (nU > 0.0 && nU < N)
      V = psw_family_Finv(md->G.fam, nU);
    else
      V = phi_inv_newton(&md->G, k * side_F(&md->F, U) - p->d, &md->iters);
    if (!isfinite(V)) V = phi_inv_newton(&md->G, k * side_F(&md->F, U) - p->d, &md->iters);
    if (!foc_polish(md, &U, &V)) return -1;
    if (!(U >= x[j] && U <= x[j + 1])) return -1;
    c[nc++] = (cand){U, V, PSW_SIDE_INTERIOR, PSW_SIDE_INTERIOR, 1, 0, 0, 0, 0, 0};
  }
  /* faces (e = 0: each edge FOC is phi = const, one root) and vertices */
  double Uf[2] = {md->F.u0, md->F.u1}, Vf[2] = {md->G.u0, md->G.u1};
  int sd[2] = {PSW_SIDE_ZERO, PSW_SIDE_CAP};
  for (int a = 0; a < 2; ++a) {
    if (!isfinite(Uf[a])) continue;
    double V = phi_inv_newton(&md->G, (a ? k * M : 0.0) - p->d, &md->iters);
    if (V > md->G.u0 && V < md->G.u1)
      c[nc++] = (cand){Uf[a], V, sd[a], PSW_SIDE_INTERIOR, 0, 0, 0, 0, 0, 0};
    for (int b = 0; b < 2; ++b)
      if (isfinite(Vf[b])) c[nc++] = (cand){Uf[a], Vf[b], sd[a], sd[b], 0, 0, 0, 0, 0, 0};
  }
  for (int b = 0; b < 2; ++b) {
    if (!isfinite(Vf[b])) continue;
    double U = phi_inv_newton(&md->F, (b ? k * N : 0.0) - p->c, &md->iters);
    if (U > md->F.u0 && U < md->F.u1)
      c[nc++] = (cand){U, Vf[b], PSW_SIDE_INTERIOR, sd[b], 0, 0, 0, 0, 0, 0};
  }
  if (nc == 0) return -1;
  int best = 0, any_local = 0;
  for (int i = 0; i < nc; ++i) {
    cand_eval(md, &c[i]);
    any_local |= c[i].local_max;
    if (c[i].P > c[best].P) best = i;
  }
  const cand *b = &c[best];
  double tie_tol = 1e-10 * fabs(b->P) + 1e-13 * md->PS;
  for (int i = 0; i < nc; ++i)
    if (i != best && c[i].P >= b->P - tie_tol &&
        (fabs(c[i].m - b->m) > 1e-7 * M || fabs(c[i].n - b->n) > 1e-7 * N))
      return -1; /* ties: the reference decides */
  opt_result_finish(md, b->U, b->V, b->side_m, b->side_n, out);
  if (b->interior)
    out->status = b->strict_max ? PSW_STATUS_OK : PSW_STATUS_DEGENERATE;
  else
    out->status = any_local ? PSW_STATUS_CORNER : PSW_STATUS_NO_INTERIOR_OPTIMUM;
  if (b->P < -tie_tol) return -1;
  if (out->below_cost_m && out->below_cost_n) return -1;
  if ((b->side_m == PSW_SIDE_INTERIOR && !(out->m > 0.0)) ||
      (b->side_n == PSW_SIDE_INTERIOR && !(out->n > 0.0)))
    return -1;
  *fU = b->U, *fV = b->V;
  return 0;
}

static void opt_lanes(const psw_point *const *pts, int cnt, psw_opt_result *const *out) {
  lanes_fam lf, lg;
  static const int nn = J_OPT + 2;
  double x[J_OPT + 2][LANES], r[J_OPT + 2][LANES];
  double lo[LANES], hi[LANES], Flo[LANES], Fhi[LANES], kk[LANES], cc[LANES], dd[LANES];
  double F[LANES], h[LANES], V[LANES], hG[LANES], Gv[LANES];
  int fast[LANES];
  long iters[LANES];
  lf.kind = pts[0]->cust.kind;
  lg.kind = pts[0]->prov.kind;
  for (int i = 0; i < cnt; ++i) {
    const psw_point *p = pts[i];
    lanes_fam_set(&lf, i, &p->cust);
    lanes_fam_set(&lg, i, &p->prov);
    kk[i] = p->a + p->b, cc[i] = p->c, dd[i] = p->d;
    fast[i] = p->e_m == 0.0 && p->e_n == 0.0 && kk[i] != 0.0;
    iters[i] = 0;
    lo[i] = hi[i] = 0.0;
    if (fast[i]) {
      model md;
      model_init(&md, p);
      /* sub-interval where 0 < n(U) = A(U)/k < N, within (u0, u1) */
      double kN = kk[i] * p->prov.M;
      lo[i] = fmax(phi_inv_newton(&md.F, fmin(0.0, kN) - p->c, &iters[i]), md.F.u0);
      hi[i] = fmin(phi_inv_newton(&md.F, fmax(0.0, kN) - p->c, &iters[i]), md.F.u1);
      if (!(lo[i] < hi[i]) || !isfinite(lo[i]) || !isfinite(hi[i])) fast[i] = 0;
    }
  }
  lanes_eval(&lf, cnt, lo, Flo, NULL, NULL, NULL);
  lanes_eval(&lf, cnt, hi, Fhi, NULL, NULL, NULL);
  for (int j = 0; j < nn; ++j) {
    /* nodes: the two ends (n = 0 and n = N) and J_OPT cell-centred blended nodes */
    for (int i = 0; i < cnt; ++i) {
      side s = {&pts[i]->cust, 0, 0, 0, 0};
      double t = (j - 0.5) / (double)J_OPT;
      x[j][i] = j == 0 ? lo[i] : j == nn - 1 ? hi[i] : blend_node(&s, lo[i], hi[i], Flo[i], Fhi[i], t);
    }
    lanes_eval(&lf, cnt, x[j], F, NULL, h, NULL);
    int at[LANES]; /* -1: n = 0 end, +1: n = N end, 0: inside */
    for (int i = 0; i < cnt; ++i) {
      double nU = (x[j][i] + h[i] + cc[i]) / kk[i];
      int up = kk[i] > 0.0;
      at[i] = (j == 0 && up) || (j == nn - 1 && !up) || !(nU > 0.0)   ? -1
              : (j == nn - 1 && up) || (j == 0 && !up) || !(nU < lg.M[i]) ? 1
                                                                          : 0;
      V[i] = at[i] < 0   ? psw_family_u0(&pts[i]->prov)
             : at[i] > 0 ? psw_family_u1(&pts[i]->prov)
                         : psw_family_Finv(&pts[i]->prov, nU);
    }
    for (int i = 0; i < cnt; ++i)
      if (!isfinite(V[i])) V[i] = 0.0; /* fixed below */
    lanes_eval(&lg, cnt, V, Gv, NULL, hG, NULL);
#pragma omp simd
    for (int i = 0; i < cnt; ++i) r[j][i] = kk[i] * F[i] - (V[i] + hG[i] + dd[i]);
    for (int i = 0; i < cnt; ++i) {
      if (at[i] < 0 && !isfinite(psw_family_u0(&pts[i]->prov))) r[j][i] = INFINITY;
      if (at[i] > 0 && !isfinite(psw_family_u1(&pts[i]->prov))) r[j][i] = -INFINITY;
    }
  }
  for (int i = 0; i < cnt; ++i) {
    model md;
    model_init(&md, pts[i]);
    md.iters = iters[i];
    double xs[J_OPT + 2], rs[J_OPT + 2], U, Vv;
    for (int j = 0; j < nn; ++j) xs[j] = x[j][i], rs[j] = r[j][i];
    int ok = fast[i] && opt_from_scan(&md, xs, rs, nn, out[i], &U, &Vv) == 0;
    if (ok) {
      /* the equilibria at the optimal fees; the selected one must be among them */
      psw_eq_result eq;
      const psw_point *pp = pts[i];
      if (out[i]->side_m == PSW_SIDE_INTERIOR && out[i]->side_n == PSW_SIDE_INTERIOR) {
        psw_eq_result *pe = &eq;
        long it = 0;
        eq_lanes(&pp, 1, &out[i]->f, &out[i]->g, &pe, &it);
        md.iters += it;
      } else {
        /* the selected equilibrium sits on a kink (limit fees): the reference scan,
         * seeded with it, counts the equilibria there */
        double seed[2] = {U, Vv};
        ref_equilibria(&md, out[i]->f, out[i]->g, seed, &eq);
      }
      int found = 0;
      for (int q = 0; q < eq.count; ++q)
        if (fabs(eq.m[q] - out[i]->m) <= 1e-9 * md.F.M && fabs(eq.n[q] - out[i]->n) <= 1e-9 * md.G.M)
          found = 1;
      double tol = 1e-10 * fabs(out[i]->P) + 1e-13 * md.PS + 1e-9 * fabs(out[i]->P);
      for (int q = 0; q < eq.count; ++q)
        if (eq.m[q] * (out[i]->f - pp->c) + eq.n[q] * (out[i]->g - pp->d) > out[i]->P + tol)
          found = 0;
      if (!found || (eq.status != PSW_STATUS_OK && eq.status != PSW_STATUS_DEGENERATE)) ok = 0;
      if (ok) {
        model_eq_stability(&md, U, Vv, &out[i]->eq_det, &out[i]->eq_stable);
        out[i]->n_eq = eq.count;
        out[i]->iter = (int16_t)fmin(32767.0, (double)(md.iters + nn));
      }
    }
    atomic_fetch_add(&n_lanes, 1);
    if (!ok) {
      atomic_fetch_add(&n_escalated, 1);
      psw_solver_reference.solve_optimum(NULL, 1, pts[i], out[i]);
    }
  }
}

static void newton_solve_optimum(const psw_solver_opts *o, int n, const psw_point *pts,
                                 psw_opt_result *out) {
  (void)o;
  const psw_point *lp[LANES];
  psw_opt_result *lo[LANES];
  for (int s = 0; s < n;) {
    int cnt = 0, e = s;
    for (; e < n && cnt < LANES && same_pair(&pts[s], &pts[e]); ++e) {
      if (psw_point_check(&pts[e], PSW_PROBLEM_OPTIMUM, NULL, 0) != 0) {
        opt_result_invalid(&out[e]);
        continue;
      }
      lp[cnt] = &pts[e], lo[cnt] = &out[e], ++cnt;
    }
    if (cnt) opt_lanes(lp, cnt, lo);
    s = e;
  }
}

const psw_solver_ops psw_solver_newton = {
    "newton",
    "default: batched global scan (omp simd) + Newton polish; uncertain lanes escalate to reference",
    1u << PSW_PROBLEM_OPTIMUM, newton_solve_optimum, NULL};

const psw_solver_ops psw_solver_bracket = {
    "bracket",
    "default: batched scan (omp simd) + bracketed Newton; uncertain lanes escalate to reference",
    1u << PSW_PROBLEM_EQUILIBRIUM, NULL, bracket_solve_equilibrium};
