/* The fast path: batched scan-and-polish over SoA lanes.
 *
 * Each batch holds points of one family pair. The scan evaluates the 1-D
 * reduction (MODEL §2.3, §3.8) at a fixed set of nodes for all lanes at once
 * (psw_family_eval_batch: `omp simd` loops), then every sign change is
 * polished. Every scan cell whose ends have the same sign is proven root-free
 * -- both residuals are differences of two monotone functions of U, bounded on
 * a cell by their values at its ends (a Lipschitz bound for equilibria with
 * e != 0) -- or else bisected until it is, or shows a pair of roots.
 * Equilibria: each sign change is solved by a bracketed Newton on r(U) that
 * cannot leave its cell. Optimum: sign changes of R(U) are polished by Newton
 * in (U, V) over lanes of roots (a bracketed regula falsi where that fails).
 * A lane that still cannot certify its answer -- an
 * under-resolved cell, too many roots, a tie, a selected equilibrium missing
 * from the equilibrium scan -- is escalated to the reference path, so the fast
 * path never returns a different answer silently. `newton` (optimum) covers
 * e_m = e_n = 0 with k = a + b > 0; `bracket` (equilibrium) covers a != 0 with
 * smooth families. Other points go to the reference path. */
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/vecmath.h"
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

/* Copy lane 0 into the padding lanes [cnt, LANES), so that every batched
 * evaluation runs on full batches: a lane's bits never depend on how many
 * points share its batch (vector and scalar math differ in the last bits). */
static void pad(double *v, int cnt) {
  for (int i = cnt; i < LANES; ++i) v[i] = v[0];
}

static void lanes_fam_pad(lanes_fam *lf, int cnt) {
  pad(lf->p0, cnt);
  pad(lf->p1, cnt);
  pad(lf->p2, cnt);
  pad(lf->M, cnt);
}

static psw_family lanes_family(const lanes_fam *lf, int i) {
  return (psw_family){lf->kind, {lf->p0[i], lf->p1[i], lf->p2[i]}, lf->M[i]};
}

static void lanes_eval(const lanes_fam *lf, int n, const double *U, double *F, double *Fp,
                       double *h, double *hp) {
  psw_family_eval_batch(lf->kind, n, lf->p0, lf->p1, lf->p2, lf->M, U, F, Fp, h, hp);
}

static double phi_inv_newton(const side *s, double y, long *iters) {
  return side_phi_inv(s, y, iters);
}

/* Scan nodes of one step t in (0, 1) for all lanes: the ends when first / last, else the
 * blend of the point uniform in U and the point uniform in F(U) (F^-1 of the same fraction of
 * [F(lo), F(hi)], clamped to the window), so that nodes follow both U and the curve. Used by
 * the equilibrium and the optimum scans. */
static void blend_nodes(const lanes_fam *lf, double t, int first, int last, const double *lo,
                        const double *hi, const double *Flo, const double *Fhi, double *x) {
  double mq[LANES], q[LANES];
#pragma omp simd
  for (int i = 0; i < LANES; ++i) mq[i] = Flo[i] + t * (Fhi[i] - Flo[i]);
  psw_family_Finv_batch(lf->kind, LANES, lf->p0, lf->p1, lf->p2, lf->M, mq, q);
#pragma omp simd
  for (int i = 0; i < LANES; ++i) {
    double xu = lo[i] + t * (hi[i] - lo[i]);
    double qc = q[i] > lo[i] ? q[i] : lo[i];
    qc = qc < hi[i] ? qc : hi[i];
    double xb = Fhi[i] > Flo[i] && fabs(q[i]) <= DBL_MAX ? 0.5 * (xu + qc) : xu;
    x[i] = first ? lo[i] : last ? hi[i] : xb;
  }
}

/* Insert a node after index j of three parallel arrays of n values. */
static void insert_node(double *a, double *b, double *c, int n, int j, double va, double vb,
                        double vc) {
  size_t m = (size_t)(n - j - 1);
  memmove(a + j + 2, a + j + 1, m * sizeof *a);
  memmove(b + j + 2, b + j + 1, m * sizeof *b);
  memmove(c + j + 2, c + j + 1, m * sizeof *c);
  a[j + 1] = va, b[j + 1] = vb, c[j + 1] = vc;
}

/* ---------------- equilibria ---------------- */

/* An upper bound of |r'| on [xl, xr] for the normalised residual r = (n(U) - G(V(U)))/N:
 * n = (U + f - e_m F)/a, V = b F + e_n n - g, so |r'| <= (|n'| + sup G' |V'|)/N with
 * |n'| <= (1 + |e_m| sup F')/|a|, |V'| <= |b| sup F' + |e_n| |n'|, sup F' on [xl, xr] and
 * sup G' on an interval holding V (interval arithmetic from F(xl) <= F <= F(xr)). */
static double eq_lip(const model *md, double f, double g, double xl, double xr) {
  const psw_point *p = md->pt;
  double Fl = side_F(&md->F, xl), Fr = side_F(&md->F, xr);
  double sF = psw_family_Fp_sup(md->F.fam, xl, xr);
  double e1 = p->e_m * Fl, e2 = p->e_m * Fr;
  double nlo = (xl + f - fmax(e1, e2)) / p->a, nhi = (xr + f - fmin(e1, e2)) / p->a;
  if (nlo > nhi) {
    double t = nlo;
    nlo = nhi, nhi = t;
  }
  double b1 = p->b * Fl, b2 = p->b * Fr, c1 = p->e_n * nlo, c2 = p->e_n * nhi;
  double vlo = fmin(b1, b2) + fmin(c1, c2) - g, vhi = fmax(b1, b2) + fmax(c1, c2) - g;
  double sG = psw_family_Fp_sup(md->G.fam, vlo, vhi);
  double dn = (1.0 + fabs(p->e_m) * sF) / fabs(p->a);
  double dV = fabs(p->b) * sF + fabs(p->e_n) * dn;
  double L = (dn + sG * dV) / md->G.M;
  return isnan(L) ? (double)INFINITY : L;
}

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

/* An equilibrium to solve: a scan cell of one lane whose residual changes sign. */
typedef struct eq_task {
  int lane;
  double xl, xr, rl, U0;         /* the cell, r at xl, the start (secant point) */
  double U, V, F, Fp, G, Gp;     /* the root and the values there */
  int ok;
} eq_task;

/* The sign-change cells of one lane's scan, given the scan values r[] at nodes x[] (with
 * the curve cm[], cn[]): cells where the curve moves too much are bisected locally until
 * it does not, and every cell without a sign change is proven root-free. Appends the cells
 * to tk (at most PSW_MAX_EQ) and returns their number, or -1 to escalate to the
 * reference. */
static int eq_cells(model *md, double f, double g, const double *x0, const double *r0,
                    const double *cm, const double *cn, int nn, int lane, eq_task *tk) {
  double x[REFINED_MAX], r[REFINED_MAX], gn[REFINED_MAX]; /* gn: G(V(x))/N */
  int n = 0;
  for (int j = 0; j + 1 < nn; ++j) {
    if (n + (nn - j) + 1 >= REFINED_MAX) return -1; /* room for this node and the rest */
    x[n] = x0[j], r[n] = r0[j], gn[n] = cn[j], ++n;
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
        if (n + (nn - j) + 1 >= REFINED_MAX) return -1;
        if (hx != x0[j + 1]) x[n] = hx, r[n] = hr, gn[n] = hn, ++n;
      }
      lx = hx, lr = hr, lm = hm, ln = hn;
    }
  }
  x[n] = x0[nn - 1], r[n] = r0[nn - 1], gn[n] = cn[nn - 1], ++n;
  nn = n;
  /* Every cell whose ends have the same sign must be shown root-free; one that cannot be is
   * bisected (the new node may show a sign change: a pair of roots) until it can; when the
   * nodes run out, the reference. (A discrete test such as a parabola through three nodes
   * is not a proof: a pair of roots within 1% of the window, next to its kinked end, got
   * past one.) With e = 0, n(U) = (U + f)/a and G(V(U)), V = b F(U) - g, are monotone, so
   * on a cell r = n - G lies between min n - max G and max n - min G over the two ends: no
   * transcendental function needed. Otherwise a Lipschitz bound (eq_lip). */
  for (int j = 0; j < nn; ++j) /* a root exactly on a node (maybe a tangent): the reference */
    if (isnan(r[j]) || r[j] == 0.0) return -1;
  const psw_point *pp = md->pt;
  int mono = pp->e_m == 0.0 && pp->e_n == 0.0;
  double Lw = mono ? 0.0 : eq_lip(md, f, g, x[0], x[nn - 1]);
  for (int j = 0; j + 1 < nn;) {
    double rl = r[j], rr = r[j + 1], h = x[j + 1] - x[j];
    int clear = (rl < 0.0) != (rr < 0.0);
    if (!clear && mono) {
      double nl = rl + gn[j], nr = rr + gn[j + 1]; /* n/N at the ends */
      double lo = fmin(nl, nr) - fmax(gn[j], gn[j + 1]), hi = fmax(nl, nr) - fmin(gn[j], gn[j + 1]);
      double tol = 64.0 * DBL_EPSILON * (fabs(nl) + fabs(nr) + fabs(gn[j]) + fabs(gn[j + 1]));
      clear = lo > tol || hi < -tol;
    } else if (!clear) {
      double slack = 64.0 * DBL_EPSILON * (fabs(rl) + fabs(rr)); /* rounding of r */
      clear = fabs(rl) + fabs(rr) - slack > (1.0 + 1e-9) * Lw * h ||
              fabs(rl) + fabs(rr) - slack > (1.0 + 1e-9) * eq_lip(md, f, g, x[j], x[j + 1]) * h;
    }
    if (clear) {
      ++j;
      continue;
    }
    double xm = 0.5 * (x[j] + x[j + 1]), dm, dn;
    if (!(xm > x[j] && xm < x[j + 1]) || nn + 1 > REFINED_MAX) return -1;
    double rm = eq_r(md, f, g, xm, &dm, &dn);
    ++md->iters;
    if (isnan(rm) || rm == 0.0) return -1;
    insert_node(x, r, gn, nn++, j, xm, rm, dn);
  }
  int nr = 0;
  for (int j = 0; j + 1 < nn; ++j) {
    if ((r[j] < 0.0) == (r[j + 1] < 0.0)) continue;
    if (nr >= PSW_MAX_EQ) return -1;
    double t = r[j] / (r[j] - r[j + 1]);
    eq_task *q = &tk[nr++];
    *q = (eq_task){.lane = lane, .xl = x[j], .xr = x[j + 1], .rl = r[j]};
    q->U0 = x[j] + t * (x[j + 1] - x[j]);
  }
  return nr > 0 ? nr : -1;
}

/* The roots of up to LANES cells at once: per task the bracketed Newton of the scalar
 * version -- on r(U) = n(U) - G(V(U)), a step that leaves the bracket or does not halve |r|
 * is replaced by bisection, so a root cannot leave its cell -- with every evaluation on full
 * lanes (padding copies task 0). ok when the equilibrium system's residual is at rounding
 * level. */
static void eq_roots(const psw_point *const *pts, const double *f, const double *g, eq_task *tk,
                     int nt, long *liters) {
  lanes_fam lf, lg;
  double pa[LANES], pb[LANES], pem[LANES], pen[LANES], pf[LANES], pg[LANES];
  double lo[LANES], hi[LANES], U[LANES], V[LANES], F[LANES], Fp[LANES], G[LANES], Gp[LANES];
  double last[LANES], lopos[LANES], done[LANES];
  lf.kind = pts[tk[0].lane]->cust.kind, lg.kind = pts[tk[0].lane]->prov.kind;
  for (int q = 0; q < LANES; ++q) {
    const eq_task *t = &tk[q < nt ? q : 0];
    const psw_point *p = pts[t->lane];
    lanes_fam_set(&lf, q, &p->cust);
    lanes_fam_set(&lg, q, &p->prov);
    pa[q] = p->a, pb[q] = p->b, pem[q] = p->e_m, pen[q] = p->e_n;
    pf[q] = f[t->lane], pg[q] = g[t->lane];
    lo[q] = t->xl, hi[q] = t->xr, lopos[q] = t->rl > 0.0 ? 1.0 : 0.0;
    U[q] = t->U0 > t->xl && t->U0 < t->xr ? t->U0 : 0.5 * (t->xl + t->xr);
    last[q] = (double)INFINITY, done[q] = q < nt ? 0.0 : 1.0;
  }
  long its[LANES] = {0};
  double Ue[LANES]; /* the U of the last evaluation (U moves on after it) */
  for (int it = 0; it < 200; ++it) {
    lanes_eval(&lf, LANES, U, F, Fp, NULL, NULL);
    memcpy(Ue, U, sizeof Ue);
    double nU[LANES];
#pragma omp simd
    for (int q = 0; q < LANES; ++q) {
      nU[q] = (U[q] + pf[q] - pem[q] * F[q]) / pa[q];
      V[q] = pb[q] * F[q] + pen[q] * nU[q] - pg[q];
    }
    lanes_eval(&lg, LANES, V, G, Gp, NULL, NULL);
    int active = 0;
    for (int q = 0; q < nt; ++q) {
      if (done[q] != 0.0) continue;
      double r = nU[q] - G[q];
      ++its[q];
      if (r == 0.0) {
        done[q] = 1.0;
        continue;
      }
      if ((r > 0.0) == (lopos[q] != 0.0))
        lo[q] = U[q];
      else
        hi[q] = U[q];
      double dn = (1.0 - pem[q] * Fp[q]) / pa[q], dr = dn - Gp[q] * (pb[q] * Fp[q] + pen[q] * dn);
      double nx = U[q] - r / dr;
      int newton = nx > lo[q] && nx < hi[q] && fabs(r) <= 0.5 * last[q];
      last[q] = fabs(r);
      double next = newton ? nx : 0.5 * (lo[q] + hi[q]);
      if (next == U[q] || !(hi[q] - lo[q] > 2.0 * DBL_EPSILON * (fabs(lo[q]) + fabs(hi[q])))) {
        done[q] = 1.0;
        continue;
      }
      U[q] = next;
      ++active;
    }
    if (!active) break;
  }
  for (int q = 0; q < nt; ++q) {
    eq_task *t = &tk[q];
    const psw_point *p = pts[t->lane];
    liters[t->lane] += its[q];
    double u = Ue[q]; /* F, Fp, V, G, Gp belong to it */
    t->U = u, t->V = V[q], t->F = F[q], t->Fp = Fp[q], t->G = G[q], t->Gp = Gp[q];
    double E1 = u - p->a * G[q] - p->e_m * F[q] + pf[q];
    double E2 = V[q] - p->b * F[q] - p->e_n * G[q] + pg[q];
    double S = psw_point_scale(p);
    t->ok = u >= t->xl && u <= t->xr && fabs(E1) + fabs(E2) <= 1e-9 * (S + fabs(u) + fabs(V[q]));
  }
}

/* One lane's equilibria from its solved cells (ascending in U, hence in m): fill, stability,
 * the merges and order of MODEL §2.3. 0, or -1 to escalate. */
static int eq_finish(model *md, const eq_task *tk, int nr, psw_eq_result *out) {
  for (int i = 0; i < nr; ++i)
    if (!tk[i].ok) return -1;
  psw_eq_result_fill(out);
  out->status = PSW_STATUS_OK;
  out->count = (int8_t)nr;
  for (int i = 0; i < nr; ++i) {
    out->U[i] = tk[i].U;
    out->V[i] = tk[i].V;
    out->m[i] = tk[i].F;
    out->n[i] = tk[i].G;
    model_eq_stability(md, tk[i].U, tk[i].V, &out->det[i], &out->stable[i]);
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

/* Equilibria of `cnt` lanes (one family pair) at fees f[], g[]. Every batched
 * evaluation runs on all LANES lanes (padding copies lane 0), so a lane's bits do
 * not depend on its batch. */
static void eq_lanes(const psw_point *const *pts, int cnt, const double *f, const double *g,
                     psw_eq_result *const *out, long *iters) {
  lanes_fam lf, lg;
  double lo[LANES], hi[LANES], Flo[LANES], Fhi[LANES];
  double pa[LANES], pb[LANES], pem[LANES], pen[LANES], pf[LANES], pg[LANES];
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
    pa[i] = p->a, pb[i] = p->b, pem[i] = p->e_m, pen[i] = p->e_n, pf[i] = f[i], pg[i] = g[i];
    /* the scan certifies roots of a smooth residual only: kinked families (finite
     * u0 or u1) can hide a pair of roots in a dip between nodes */
    fast[i] = p->a != 0.0 && isinf(psw_family_u0(&p->cust)) && isinf(psw_family_u1(&p->cust)) &&
              isinf(psw_family_u0(&p->prov)) && isinf(psw_family_u1(&p->prov));
    double l = -f[i] + fmin(0.0, p->a * p->prov.M) + fmin(0.0, p->e_m * p->cust.M);
    double h = -f[i] + fmax(0.0, p->a * p->prov.M) + fmax(0.0, p->e_m * p->cust.M);
    double padw = 0.01 * (h - l) + 1e-12 * (fabs(l) + fabs(h) + 1.0);
    lo[i] = l - padw, hi[i] = h + padw;
  }
  lanes_fam_pad(&lf, cnt);
  lanes_fam_pad(&lg, cnt);
  double *pv[] = {lo, hi, pa, pb, pem, pen, pf, pg};
  for (size_t v = 0; v < sizeof pv / sizeof *pv; ++v) pad(pv[v], cnt);
  for (int i = 0; i < LANES; ++i)
    if (pa[i] == 0.0) pa[i] = 1.0; /* such lanes go to the reference: keep them finite */
  lanes_eval(&lf, LANES, lo, Flo, NULL, NULL, NULL);
  lanes_eval(&lf, LANES, hi, Fhi, NULL, NULL, NULL);
  for (int j = 0; j < nn; ++j) {
    double t = (double)j / (double)(nn - 1);
    int first = j == 0, last = j == nn - 1;
    blend_nodes(&lf, t, first, last, lo, hi, Flo, Fhi, x[j]);
    lanes_eval(&lf, LANES, x[j], F, NULL, NULL, NULL);
#pragma omp simd
    for (int i = 0; i < LANES; ++i) {
      nU[i] = (x[j][i] + pf[i] - pem[i] * F[i]) / pa[i];
      V[i] = pb[i] * F[i] + pen[i] * nU[i] - pg[i];
    }
    lanes_eval(&lg, LANES, V, G, NULL, NULL, NULL);
#pragma omp simd
    for (int i = 0; i < LANES; ++i) {
      r[j][i] = (nU[i] - G[i]) / lg.M[i];
      cm[j][i] = F[i] / lf.M[i];
      cn[j][i] = G[i] / lg.M[i];
    }
  }
  /* cells per lane, their roots over lanes of cells, then each lane's answer */
  eq_task tk[LANES * PSW_MAX_EQ];
  int first[LANES], ncell[LANES], nt = 0;
  long liters[LANES];
  model md[LANES];
  for (int i = 0; i < cnt; ++i) {
    model_init(&md[i], pts[i]);
    first[i] = nt, ncell[i] = -1;
    if (!fast[i]) continue;
    double xs[J_EQ], rs[J_EQ], ms[J_EQ], ns[J_EQ];
    for (int j = 0; j < nn; ++j) xs[j] = x[j][i], rs[j] = r[j][i], ms[j] = cm[j][i], ns[j] = cn[j][i];
    ncell[i] = eq_cells(&md[i], f[i], g[i], xs, rs, ms, ns, nn, i, tk + nt);
    if (ncell[i] > 0) nt += ncell[i];
  }
  for (int i = 0; i < cnt; ++i) liters[i] = 0;
  for (int t0 = 0; t0 < nt; t0 += LANES)
    eq_roots(pts, f, g, tk + t0, nt - t0 < LANES ? nt - t0 : LANES, liters);
  long nesc = 0;
  for (int i = 0; i < cnt; ++i) {
    md[i].iters += liters[i];
    if (ncell[i] < 0 || eq_finish(&md[i], tk + first[i], ncell[i], out[i]) != 0) {
      ++nesc;
      md[i].iters = 0;
      ref_equilibria(&md[i], f[i], g[i], NULL, out[i]);
    }
    out[i]->iter = (int16_t)fmin(32767.0, (double)(md[i].iters + nn));
    *iters += md[i].iters;
  }
  atomic_fetch_add(&n_lanes, cnt);
  atomic_fetch_add(&n_escalated, nesc);
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

enum { NN_OPT = J_OPT + 2, MAX_TASKS = LANES * MAX_R };

/* phi^{-1}(y[i]) for every lane (phi = U + h, MODEL §3.2). Logit in one vector
 * loop: with x = (U - mu)/s, phi = y reads x + e^x = t, t = (y - mu)/s - 1; Newton on
 * x + e^x - t (t <= 1) or on x - log(t - x) (t > 1), both convex and increasing,
 * from a start right of the root (t, resp. log t), so the iterates fall
 * monotonically. Other kinds: the scalar bracketed solve. */
static void phi_inv_lanes(const lanes_fam *lf, const double *y, double *out, long *iters) {
  if (lf->kind != PSW_FAMILY_LOGIT) {
    for (int i = 0; i < LANES; ++i) {
      psw_family fam = lanes_family(lf, i);
      side s = {&fam, psw_family_u0(&fam), psw_family_u1(&fam), fam.M, psw_family_spread(&fam)};
      out[i] = side_phi_inv(&s, y[i], &iters[i]);
    }
    return;
  }
  /* local copies and a local iteration count: with the caller's pointers in the loop
   * GCC kept a scalar version of it (scalar exp and log per lane) */
  double t[LANES], x[LANES], done[LANES], its[LANES], yy[LANES], mu[LANES], sc[LANES];
  memcpy(yy, y, sizeof yy);
  memcpy(mu, lf->p0, sizeof mu);
  memcpy(sc, lf->p1, sizeof sc);
#pragma omp simd
  for (int i = 0; i < LANES; ++i) {
    t[i] = (yy[i] - mu[i]) / sc[i] - 1.0;
    double fin = t[i] > -DBL_MAX && t[i] < DBL_MAX ? 1.0 : 0.0;
    double tt = fin != 0.0 ? t[i] : 0.0;
    double lt = log(tt > 1.0 ? tt : 1.0);
    x[i] = tt > 1.0 ? lt : tt;
    done[i] = 1.0 - fin;
    its[i] = 0.0;
  }
  for (int it = 0; it < 60; ++it) {
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
      its[i] += go;
      done[i] = dx > 4.0 * DBL_EPSILON * fabs(nx) + 1e-16 ? done[i] : 1.0;
      active += go;
    }
    PSW_OPCOUNT_ADD(PSW_FAMILY_LOGIT, PSW_OPC_PHI_NEWTON, LANES);
    if (active == 0.0) break;
  }
  for (int i = 0; i < LANES; ++i) iters[i] += (long)its[i];
  for (int i = 0; i < LANES; ++i) out[i] = isfinite(t[i]) ? lf->p0[i] + lf->p1[i] * x[i] : y[i];
}

/* The optimum of a batch: everything that costs transcendental functions runs on
 * full lanes (omp simd, vector math); the per-lane decisions are plain loops. */
typedef struct opt_batch {
  int cnt;
  const psw_point *pt[LANES];
  psw_opt_result *out[LANES];
  lanes_fam lf, lg;
  double k[LANES], c[LANES], d[LANES], S[LANES];
  double fu0[LANES], fu1[LANES], gu0[LANES], gu1[LANES];
  double lo[LANES], hi[LANES];
  double x[NN_OPT][LANES], r[NN_OPT][LANES], fm[NN_OPT][LANES], fn[NN_OPT][LANES];
  int fast[LANES];
  long iters[LANES];
} opt_batch;

/* An interior critical point found from a sign change, and its Newton polish. */
typedef struct opt_task {
  int lane;
  double xl, xr;                                 /* the scan cell */
  int bisect;                                    /* an end of the cell has R = +-inf */
  int left_pos;                                  /* R > 0 at xl */
  double rl, rr;                                 /* R at xl, xr */
  double U, V, F, Fp, hF, hpF, G, Gp, hG, hpG;   /* at the best iterate */
  int ok;
} opt_task;

/* The scan of R(U) = k F(U) - B(V(U)) on NN_OPT nodes for every lane (MODEL §3.8). */
static void opt_scan(opt_batch *b) {
  double Flo[LANES], Fhi[LANES], mq[LANES], F[LANES], h[LANES], nU[LANES];
  double V[LANES], Vq[LANES], hG[LANES], at[LANES];
  lanes_eval(&b->lf, LANES, b->lo, Flo, NULL, NULL, NULL);
  lanes_eval(&b->lf, LANES, b->hi, Fhi, NULL, NULL, NULL);
  /* every per-node loop is branch-free (selects only), so that it vectorises */
  for (int j = 0; j < NN_OPT; ++j) {
    /* nodes: the two ends (n = 0 and n = N) and J_OPT cell-centred blended nodes,
     * half uniform in U and half uniform in F(U) */
    double t = (j - 0.5) / (double)J_OPT;
    int first = j == 0, last = j == NN_OPT - 1;
    double *x = b->x[j];
    blend_nodes(&b->lf, t, first, last, b->lo, b->hi, Flo, Fhi, x);
    lanes_eval(&b->lf, LANES, x, F, NULL, h, NULL);
#pragma omp simd
    for (int i = 0; i < LANES; ++i) {
      nU[i] = (x[i] + h[i] + b->c[i]) / b->k[i];
      int up = b->k[i] > 0.0;
      int low = (first & up) | (last & !up) | !(nU[i] > 0.0);
      int high = (last & up) | (first & !up) | !(nU[i] < b->lg.M[i]);
      at[i] = low ? -1.0 : high ? 1.0 : 0.0;
      mq[i] = at[i] != 0.0 ? 0.5 * b->lg.M[i] : nU[i];
    }
    psw_family_Finv_batch(b->lg.kind, LANES, b->lg.p0, b->lg.p1, b->lg.p2, b->lg.M, mq, Vq);
#pragma omp simd
    for (int i = 0; i < LANES; ++i) {
      double v = at[i] < 0.0 ? b->gu0[i] : at[i] > 0.0 ? b->gu1[i] : Vq[i];
      V[i] = fabs(v) <= DBL_MAX ? v : 0.0; /* the residual is set to +-inf below */
    }
    lanes_eval(&b->lg, LANES, V, NULL, NULL, hG, NULL);
    double *r = b->r[j];
#pragma omp simd
    for (int i = 0; i < LANES; ++i) {
      double ri = b->k[i] * F[i] - (V[i] + hG[i] + b->d[i]);
      ri = at[i] < 0.0 && !(fabs(b->gu0[i]) <= DBL_MAX) ? (double)INFINITY : ri;
      r[i] = at[i] > 0.0 && !(fabs(b->gu1[i]) <= DBL_MAX) ? -(double)INFINITY : ri;
      b->fm[j][i] = F[i] / b->lf.M[i];
      b->fn[j][i] = nU[i] / b->lg.M[i];
    }
  }
}

/* One lane's scan residual R(U) = k F(U) - B(V(U)) at an interior U, in scalar code with the
 * scan's own formulas (opt_scan); *V gets V(U) and *inside whether 0 < n(U) < N. */
static double opt_r(const opt_batch *b, int i, double U, double *V, int *inside, double *kF) {
  psw_family fF = lanes_family(&b->lf, i), fG = lanes_family(&b->lg, i);
  double F, h, hG;
  psw_family_eval(&fF, U, &F, NULL, &h, NULL);
  *kF = b->k[i] * F;
  double nU = (U + h + b->c[i]) / b->k[i];
  int at = !(nU > 0.0) ? -1 : !(nU < fG.M) ? 1 : 0;
  *inside = at == 0;
  double v = at < 0 ? b->gu0[i] : at > 0 ? b->gu1[i] : psw_family_Finv(&fG, nU);
  *V = v;
  if (at < 0 && !isfinite(v)) return INFINITY;
  if (at > 0 && !isfinite(v)) return -INFINITY;
  psw_family_eval(&fG, v, NULL, NULL, &hG, NULL);
  return b->k[i] * F - (v + hG + b->d[i]);
}

enum { NN_OPT_REFINED = NN_OPT + 512 };

/* Is a scan cell of the optimum free of roots of R, as far as its ends show? R(U) = k F(U) -
 * B(V(U)) is a difference of two monotone functions (F increasing; n(U) = (phi_F(U) + c)/k,
 * V = G^{-1}(n) and B = phi_G + d monotone, since every family is log-concave: MODEL §1), so
 * on the cell R lies between min kF - max B and max kF - min B over the two ends, B = kF - R
 * (an end with R = +-inf has B = -+inf and drops out of the bound it cannot tighten). 1 when
 * the ends change sign (a root, to be polished) or that interval excludes 0. */
static int opt_cell_clear(double kf0, double r0, double kf1, double r1) {
  if ((r0 < 0.0) != (r1 < 0.0)) return 1;
  double B0 = kf0 - r0, B1 = kf1 - r1;
  double lo = fmin(kf0, kf1) - fmax(B0, B1), hi = fmax(kf0, kf1) - fmin(B0, B1);
  /* rounding: R's evaluation errs by a few ulps of its terms (k F, V + h_G + d = B - d) */
  double fb = (isfinite(B0) ? fabs(B0) : 0.0) + (isfinite(B1) ? fabs(B1) : 0.0);
  double tol = 64.0 * DBL_EPSILON * (fabs(kf0) + fabs(kf1) + fb);
  return lo > tol || hi < -tol;
}

/* Sign changes of one lane's scan -> tasks. Every cell without a sign change must be shown
 * root-free (opt_cell_clear); one that is not is bisected with the scalar R until it is or a
 * pair of roots shows. Returns -1 to escalate. */
static int opt_lane_tasks(opt_batch *b, int i, opt_task *tasks, int *nt) {
  double xs[NN_OPT_REFINED], rs[NN_OPT_REFINED], ks[NN_OPT_REFINED];
  int nn = NN_OPT;
  for (int j = 0; j < NN_OPT; ++j)
    xs[j] = b->x[j][i], rs[j] = b->r[j][i], ks[j] = b->k[i] * (b->fm[j][i] * b->lf.M[i]);
  for (int j = 0; j < NN_OPT; ++j)
    if (isnan(rs[j]) || (j > 0 && j + 1 < NN_OPT && rs[j] == 0.0)) return -1;
  for (int j = 1; j + 2 < NN_OPT; ++j) /* under-resolved cells (ends excluded) */
    if (fabs(b->fm[j + 1][i] - b->fm[j][i]) > 5.0 * MOVE_MAX ||
        fabs(b->fn[j + 1][i] - b->fn[j][i]) > 5.0 * MOVE_MAX)
      return -1;
  for (int j = 0; j + 1 < nn;) {
    if (opt_cell_clear(ks[j], rs[j], ks[j + 1], rs[j + 1])) {
      ++j;
      continue;
    }
    double xm = 0.5 * (xs[j] + xs[j + 1]), v, kf;
    int in;
    if (!(xm > xs[j] && xm < xs[j + 1]) || nn + 1 > NN_OPT_REFINED) return -1;
    double rm = opt_r(b, i, xm, &v, &in, &kf);
    ++b->iters[i];
    if (isnan(rm) || rm == 0.0) return -1;
    insert_node(xs, rs, ks, nn++, j, xm, rm, kf);
  }
  int nr = 0;
  for (int j = 0; j + 1 < nn; ++j) {
    if ((rs[j] < 0.0) == (rs[j + 1] < 0.0)) continue;
    if (++nr > MAX_R) return -1;
    opt_task *t = &tasks[(*nt)++];
    t->lane = i, t->xl = xs[j], t->xr = xs[j + 1], t->ok = 0, t->left_pos = rs[j] > 0.0;
    t->bisect = !(isfinite(rs[j]) && isfinite(rs[j + 1]));
    t->rl = rs[j], t->rr = rs[j + 1];
    if (!t->bisect) {
      double w = rs[j] / (rs[j] - rs[j + 1]);
      t->U = xs[j] + w * (xs[j + 1] - xs[j]);
    } else {
      t->U = 0.5 * (xs[j] + xs[j + 1]);
    }
  }
  return 0;
}

/* A root on a scan node can come out a few ulps beyond its cell. */
static double cell_tol(const opt_task *t) {
  return 1e-9 * (t->xr - t->xl) + 8.0 * DBL_EPSILON * (fabs(t->xl) + fabs(t->xr));
}

/* Newton in (U, V) on the FOC system (MODEL §3.2, e = 0) for up to LANES tasks at
 * once, lane by lane the same steps as a scalar polish: keep the best iterate,
 * stop when the residual stops falling (after 6 steps), vanishes or the step is
 * lost; steps that leave (u0, u1) are halved back inside. */
static void opt_polish(opt_batch *b, opt_task *tk, int nt) {
  lanes_fam lf, lg;
  double k[LANES], c[LANES], d[LANES], S[LANES], fu0[LANES], fu1[LANES], gu0[LANES], gu1[LANES];
  double U[LANES], V[LANES], F[LANES], Fp[LANES], hF[LANES], hpF[LANES];
  double G[LANES], Gp[LANES], hG[LANES], hpG[LANES], best[LANES], nU[LANES], Vq[LANES];
  int done[LANES];
  long its[LANES];
  lf.kind = b->lf.kind, lg.kind = b->lg.kind;
  for (int q = 0; q < LANES; ++q) {
    int i = tk[q < nt ? q : 0].lane;
    lf.p0[q] = b->lf.p0[i], lf.p1[q] = b->lf.p1[i], lf.p2[q] = b->lf.p2[i], lf.M[q] = b->lf.M[i];
    lg.p0[q] = b->lg.p0[i], lg.p1[q] = b->lg.p1[i], lg.p2[q] = b->lg.p2[i], lg.M[q] = b->lg.M[i];
    k[q] = b->k[i], c[q] = b->c[i], d[q] = b->d[i], S[q] = b->S[i];
    fu0[q] = b->fu0[i], fu1[q] = b->fu1[i], gu0[q] = b->gu0[i], gu1[q] = b->gu1[i];
    U[q] = tk[q < nt ? q : 0].U;
    best[q] = INFINITY, done[q] = 0, its[q] = 0;
  }
  /* A cell next to a window end (R = +-inf there, where n reaches 0 or N): Newton in
   * (U, V) from its middle can stall on the steep side, so bisect R on the cell first,
   * with the scan's own formulas, down to 2^-40 of the cell. */
  int nbis = 0, bis[LANES];
  for (int q = 0; q < nt; ++q) nbis += bis[q] = tk[q].bisect;
  if (nbis) {
    double lo[LANES], hi[LANES], mq[LANES], rlo[LANES], rhi[LANES];
    for (int q = 0; q < LANES; ++q) lo[q] = tk[q < nt ? q : 0].xl, hi[q] = tk[q < nt ? q : 0].xr;
    for (int q = 0; q < nt; ++q) rlo[q] = tk[q].rl, rhi[q] = tk[q].rr;
    /* until both ends of the cell have finite R (then Newton starts from the secant point),
     * at most 40 halvings */
    for (int it = 0; it < 40 && nbis > 0; ++it) {
      lanes_eval(&lf, LANES, U, F, NULL, hF, NULL);
      int at[LANES];
      for (int q = 0; q < LANES; ++q) {
        nU[q] = (U[q] + hF[q] + c[q]) / k[q];
        at[q] = !(nU[q] > 0.0) ? -1 : !(nU[q] < lg.M[q]) ? 1 : 0;
        mq[q] = at[q] ? 0.5 * lg.M[q] : nU[q];
      }
      psw_family_Finv_batch(lg.kind, LANES, lg.p0, lg.p1, lg.p2, lg.M, mq, Vq);
      for (int q = 0; q < LANES; ++q) {
        V[q] = at[q] < 0 ? gu0[q] : at[q] > 0 ? gu1[q] : Vq[q];
        if (!isfinite(V[q])) V[q] = 0.0;
      }
      lanes_eval(&lg, LANES, V, NULL, NULL, hG, NULL);
      for (int q = 0; q < nt; ++q) {
        if (!bis[q]) continue;
        double R = k[q] * F[q] - (V[q] + hG[q] + d[q]);
        if (at[q] < 0 && !isfinite(gu0[q])) R = INFINITY;
        if (at[q] > 0 && !isfinite(gu1[q])) R = -INFINITY;
        ++its[q];
        if ((R > 0.0) == tk[q].left_pos) {
          lo[q] = U[q], rlo[q] = R;
        } else {
          hi[q] = U[q], rhi[q] = R;
        }
        if (isfinite(rlo[q]) && isfinite(rhi[q])) { /* done: the secant point */
          double w = rlo[q] / (rlo[q] - rhi[q]);
          U[q] = lo[q] + w * (hi[q] - lo[q]);
          if (!(U[q] > lo[q] && U[q] < hi[q])) U[q] = 0.5 * (lo[q] + hi[q]);
          bis[q] = 0, --nbis;
        } else {
          U[q] = 0.5 * (lo[q] + hi[q]);
        }
      }
    }
  }
  /* the start in V: n = A(U)/k, V = G^{-1}(n); off (0, N): phi_G^{-1}(k F(U) - d) */
  lanes_eval(&lf, LANES, U, F, NULL, hF, NULL);
  for (int q = 0; q < LANES; ++q) {
    nU[q] = (U[q] + hF[q] + c[q]) / k[q];
    Vq[q] = nU[q] > 0.0 && nU[q] < lg.M[q] ? nU[q] : 0.5 * lg.M[q];
  }
  psw_family_Finv_batch(lg.kind, LANES, lg.p0, lg.p1, lg.p2, lg.M, Vq, V);
  for (int q = 0; q < nt; ++q)
    if (!(nU[q] > 0.0 && nU[q] < lg.M[q]) || !isfinite(V[q])) {
      psw_family fam = lanes_family(&lg, q);
      side s = {&fam, gu0[q], gu1[q], fam.M, psw_family_spread(&fam)};
      V[q] = side_phi_inv(&s, k[q] * F[q] - d[q], &its[q]);
      if (!isfinite(V[q])) done[q] = 1;
    }
  for (int q = nt; q < LANES; ++q) V[q] = V[0], done[q] = 1;
  double bU[LANES], bV[LANES], bv[8][LANES];
  for (int it = 0; it < 40; ++it) {
    lanes_eval(&lf, LANES, U, F, Fp, hF, hpF);
    lanes_eval(&lg, LANES, V, G, Gp, hG, hpG);
    int active = 0;
    for (int q = 0; q < LANES; ++q) {
      if (done[q]) continue;
      double E1 = U[q] + hF[q] + c[q] - k[q] * G[q], E2 = V[q] + hG[q] + d[q] - k[q] * F[q];
      double res = fabs(E1) + fabs(E2);
      if (!isfinite(res)) {
        done[q] = 1;
        continue;
      }
      if (res < best[q]) {
        best[q] = res, bU[q] = U[q], bV[q] = V[q];
        bv[0][q] = F[q], bv[1][q] = Fp[q], bv[2][q] = hF[q], bv[3][q] = hpF[q];
        bv[4][q] = G[q], bv[5][q] = Gp[q], bv[6][q] = hG[q], bv[7][q] = hpG[q];
      } else if (it > 6) {
        done[q] = 1;
        continue;
      }
      if (res == 0.0) {
        done[q] = 1;
        continue;
      }
      ++its[q];
      double dA = 1.0 + hpF[q], dB = 1.0 + hpG[q], j12 = -k[q] * Gp[q], j21 = -k[q] * Fp[q];
      double det = dA * dB - j12 * j21;
      if (!(det != 0.0) || !isfinite(det)) {
        done[q] = 1;
        continue;
      }
      double nu = U[q] - (E1 * dB - E2 * j12) / det, nv = V[q] - (dA * E2 - j21 * E1) / det;
      if (nu <= fu0[q]) nu = 0.5 * (U[q] + fu0[q]);
      if (nu >= fu1[q]) nu = 0.5 * (U[q] + fu1[q]);
      if (nv <= gu0[q]) nv = 0.5 * (V[q] + gu0[q]);
      if (nv >= gu1[q]) nv = 0.5 * (V[q] + gu1[q]);
      if (!isfinite(nu) || !isfinite(nv) || (nu == U[q] && nv == V[q])) {
        done[q] = 1;
        continue;
      }
      U[q] = nu, V[q] = nv;
      ++active;
    }
    if (!active) break;
  }
  for (int q = 0; q < nt; ++q) {
    opt_task *t = &tk[q];
    t->ok = best[q] <= 1e-10 * S[q] && bU[q] > fu0[q] && bU[q] < fu1[q] && bV[q] > gu0[q] &&
            bV[q] < gu1[q] && bU[q] >= t->xl - cell_tol(t) && bU[q] <= t->xr + cell_tol(t);
    if (!t->ok) continue;
    t->U = bU[q], t->V = bV[q];
    t->F = bv[0][q], t->Fp = bv[1][q], t->hF = bv[2][q], t->hpF = bv[3][q];
    t->G = bv[4][q], t->Gp = bv[5][q], t->hG = bv[6][q], t->hpG = bv[7][q];
  }
  for (int q = 0; q < nt; ++q) b->iters[tk[q].lane] += its[q];
}

/* A task whose polish failed: the root of the scalar R(U) in its cell by bisection and
 * the Illinois variant of regula falsi (it cannot leave the cell), then V from U and every
 * value the candidate needs; ok under the polish's own test. */
static void opt_task_bracketed(opt_batch *b, opt_task *t) {
  int i = t->lane, in = 0;
  double lo = t->xl, hi = t->xr, rlo = t->rl, rhi = -rlo, U = lo, V = 0.0; /* rhi: sign only */
  int last_end = 0, have_hi = 0;
  for (int it = 0; it < 200; ++it) {
    double x;
    if (isfinite(rlo) && have_hi && isfinite(rhi))
      x = (lo * rhi - hi * rlo) / (rhi - rlo);
    else
      x = 0.5 * (lo + hi);
    if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
    if (!(x > lo && x < hi)) break;
    double kF;
    double r = opt_r(b, i, x, &V, &in, &kF);
    ++b->iters[i];
    U = x;
    if (r == 0.0) break;
    if ((r > 0.0) == (rlo > 0.0)) {
      lo = x, rlo = r;
      if (last_end == -1) rhi *= 0.5; /* Illinois: the stale end's value halved */
      last_end = -1;
    } else {
      hi = x, rhi = r, have_hi = 1;
      if (last_end == 1) rlo *= 0.5;
      last_end = 1;
    }
    if (!(hi - lo > 4.0 * DBL_EPSILON * (fabs(lo) + fabs(hi)))) break;
  }
  double kFu;
  double rr = opt_r(b, i, U, &V, &in, &kFu);
  ++b->iters[i];
  if (!in || !isfinite(rr)) return;
  psw_family fF = lanes_family(&b->lf, i), fG = lanes_family(&b->lg, i);
  psw_family_eval(&fF, U, &t->F, &t->Fp, &t->hF, &t->hpF);
  psw_family_eval(&fG, V, &t->G, &t->Gp, &t->hG, &t->hpG);
  double E1 = U + t->hF + b->c[i] - b->k[i] * t->G, E2 = V + t->hG + b->d[i] - b->k[i] * t->F;
  t->U = U, t->V = V;
  t->ok = fabs(E1) + fabs(E2) <= 1e-10 * b->S[i] && U > b->fu0[i] && U < b->fu1[i] &&
          V > b->gu0[i] && V < b->gu1[i] && U >= t->xl && U <= t->xr;
}

/* A candidate from a polished task, with the values of its last evaluation
 * (the same quantities as cand_eval, MODEL §3.3, e = 0). */
static void cand_from_task(const model *md, const opt_task *t, cand *c) {
  *c = (cand){t->U, t->V, PSW_SIDE_INTERIOR, PSW_SIDE_INTERIOR, 1, 0, 0, 0, t->F, t->G};
  c->P = model_profit_UV(md, t->U, t->V, t->F, t->G);
  double q1 = 1.0 + t->hpF, q2 = 1.0 + t->hpG, q = q1 * q2 - md->k * md->k * t->Fp * t->Gp;
  c->local_max = q1 > 0.0 && q > 0.0;
  c->strict_max = q1 > 1e-9 && q > 1e-9 * fmax(1.0, fabs(q1 * q2));
}

/* Candidates, best and status of one lane (MODEL §3.8). Returns 0, or -1 to
 * escalate. *bt: the task of the chosen interior point (NULL on a face). */
static int opt_lane_finish(model *md, const opt_task *tk, int nt, psw_opt_result *out,
                           const opt_task **bt, double *fU, double *fV) {
  const psw_point *p = md->pt;
  double k = md->k, M = md->F.M, N = md->G.M;
  cand c[MAX_R + 8];
  const opt_task *ct[MAX_R + 8];
  int nc = 0;
  for (int q = 0; q < nt; ++q) {
    if (!tk[q].ok) return -1;
    ct[nc] = &tk[q];
    cand_from_task(md, &tk[q], &c[nc++]);
  }
  /* faces (e = 0: each edge FOC is phi = const, one root) and vertices */
  double Uf[2] = {md->F.u0, md->F.u1}, Vf[2] = {md->G.u0, md->G.u1};
  int sd[2] = {PSW_SIDE_ZERO, PSW_SIDE_CAP};
  for (int a = 0; a < 2; ++a) {
    if (!isfinite(Uf[a])) continue;
    double V = phi_inv_newton(&md->G, (a ? k * M : 0.0) - p->d, &md->iters);
    if (V > md->G.u0 && V < md->G.u1) {
      ct[nc] = NULL;
      c[nc] = (cand){Uf[a], V, sd[a], PSW_SIDE_INTERIOR, 0, 0, 0, 0, 0, 0};
      cand_eval(md, &c[nc++]);
    }
    for (int bb = 0; bb < 2; ++bb)
      if (isfinite(Vf[bb])) {
        ct[nc] = NULL;
        c[nc] = (cand){Uf[a], Vf[bb], sd[a], sd[bb], 0, 0, 0, 0, 0, 0};
        cand_eval(md, &c[nc++]);
      }
  }
  for (int bb = 0; bb < 2; ++bb) {
    if (!isfinite(Vf[bb])) continue;
    double U = phi_inv_newton(&md->F, (bb ? k * N : 0.0) - p->c, &md->iters);
    if (U > md->F.u0 && U < md->F.u1) {
      ct[nc] = NULL;
      c[nc] = (cand){U, Vf[bb], PSW_SIDE_INTERIOR, sd[bb], 0, 0, 0, 0, 0, 0};
      cand_eval(md, &c[nc++]);
    }
  }
  if (nc == 0) return -1;
  int best = 0, any_local = 0;
  for (int i = 0; i < nc; ++i) {
    any_local |= c[i].local_max;
    if (c[i].P > c[best].P) best = i;
  }
  const cand *b = &c[best];
  double tie_tol = 1e-10 * fabs(b->P) + 1e-13 * md->PS;
  for (int i = 0; i < nc; ++i)
    if (i != best && c[i].P >= b->P - tie_tol &&
        (fabs(c[i].m - b->m) > 1e-7 * M || fabs(c[i].n - b->n) > 1e-7 * N))
      return -1; /* ties: the reference decides */
  *bt = ct[best];
  if (ct[best]) { /* interior: the values of the polish, as opt_result_finish */
    const opt_task *t = ct[best];
    out->U = t->U, out->V = t->V, out->m = t->F, out->n = t->G;
    out->f = p->a * t->G - t->U;
    out->g = p->b * t->F - t->V;
    out->P = b->P;
    out->side_m = out->side_n = PSW_SIDE_INTERIOR;
    out->below_cost_m = (int8_t)(t->F > 0.0 && out->f < p->c);
    out->below_cost_n = (int8_t)(t->G > 0.0 && out->g < p->d);
    out->h_m = t->hF, out->h_n = t->hG;
    out->soc_q1 = 1.0 + t->hpF;
    out->soc_q = out->soc_q1 * (1.0 + t->hpG) - k * k * t->Fp * t->Gp;
  } else {
    opt_result_finish(md, b->U, b->V, b->side_m, b->side_n, out);
  }
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

/* Is the equilibrium at fees (f, g) unique? With e = 0 every equilibrium has
 * U = a n - f and V = b m - g, and U - a G(b F(U) - g) + f has slope 1 - ab F'G':
 * if ab sup F' sup G' < 1 over those ranges it has one root (MODEL §2.2). */
static int eq_unique(const psw_point *p, double f, double g) {
  double ab = p->a * p->b;
  if (ab <= 0.0) return 1;
  double aN = p->a * p->prov.M, bM = p->b * p->cust.M;
  double sF = psw_family_Fp_sup(&p->cust, fmin(0.0, aN) - f, fmax(0.0, aN) - f);
  double sG = psw_family_Fp_sup(&p->prov, fmin(0.0, bM) - g, fmax(0.0, bM) - g);
  return ab * sF * sG < 1.0 - 1e-9;
}

/* The equilibria at the optimal fees must contain the selected one, and none may give
 * more profit (MODEL §3.6). Fills n_eq and the stability; 0 when the check fails. */
static int opt_check_eq(const model *md, const psw_eq_result *eq, double U, double V,
                        psw_opt_result *r) {
  const psw_point *pp = md->pt;
  int found = 0;
  for (int q = 0; q < eq->count; ++q)
    if (fabs(eq->m[q] - r->m) <= 1e-9 * md->F.M && fabs(eq->n[q] - r->n) <= 1e-9 * md->G.M)
      found = 1;
  double tol = 1e-10 * fabs(r->P) + 1e-13 * md->PS + 1e-9 * fabs(r->P);
  for (int q = 0; q < eq->count; ++q)
    if (eq->m[q] * (r->f - pp->c) + eq->n[q] * (r->g - pp->d) > r->P + tol) found = 0;
  if (!found || (eq->status != PSW_STATUS_OK && eq->status != PSW_STATUS_DEGENERATE)) return 0;
  model_eq_stability(md, U, V, &r->eq_det, &r->eq_stable);
  r->n_eq = eq->count;
  r->iter = (int16_t)fmin(32767.0, (double)(md->iters + NN_OPT));
  return 1;
}

static void opt_lanes(const psw_point *const *pts, int cnt, psw_opt_result *const *out) {
  opt_batch b;
  opt_task tk[MAX_TASKS];
  int nt = 0, first[LANES], ntask[LANES], ok[LANES];
  b.cnt = cnt;
  b.lf.kind = pts[0]->cust.kind;
  b.lg.kind = pts[0]->prov.kind;
  double ylo[LANES], yhi[LANES];
  for (int i = 0; i < cnt; ++i) {
    const psw_point *p = pts[i];
    b.pt[i] = p, b.out[i] = out[i];
    lanes_fam_set(&b.lf, i, &p->cust);
    lanes_fam_set(&b.lg, i, &p->prov);
    b.k[i] = p->a + p->b, b.c[i] = p->c, b.d[i] = p->d;
    b.S[i] = psw_point_scale(p);
    b.fu0[i] = psw_family_u0(&p->cust), b.fu1[i] = psw_family_u1(&p->cust);
    b.gu0[i] = psw_family_u0(&p->prov), b.gu1[i] = psw_family_u1(&p->prov);
    b.fast[i] = p->e_m == 0.0 && p->e_n == 0.0 && b.k[i] != 0.0;
    b.iters[i] = 0;
    /* the window where 0 < n(U) = A(U)/k < N */
    double kN = b.k[i] * p->prov.M;
    ylo[i] = b.fast[i] ? fmin(0.0, kN) - p->c : 0.0;
    yhi[i] = b.fast[i] ? fmax(0.0, kN) - p->c : 1.0;
  }
  for (int i = cnt; i < LANES; ++i) b.fast[i] = 0, b.iters[i] = 0;
  lanes_fam_pad(&b.lf, cnt);
  lanes_fam_pad(&b.lg, cnt);
  double *pv[] = {b.k, b.c, b.d, b.S, b.fu0, b.fu1, b.gu0, b.gu1, ylo, yhi};
  for (size_t v = 0; v < sizeof pv / sizeof *pv; ++v) pad(pv[v], cnt);
  phi_inv_lanes(&b.lf, ylo, b.lo, b.iters);
  phi_inv_lanes(&b.lf, yhi, b.hi, b.iters);
  for (int i = 0; i < LANES; ++i) {
    b.lo[i] = fmax(b.lo[i], b.fu0[i]);
    b.hi[i] = fmin(b.hi[i], b.fu1[i]);
    if (!(b.lo[i] < b.hi[i]) || !isfinite(b.lo[i]) || !isfinite(b.hi[i])) b.fast[i] = 0;
    if (!b.fast[i]) b.lo[i] = -1.0, b.hi[i] = 1.0; /* placeholders: any finite window */
  }
  opt_scan(&b);
  /* the common lane -- one sign change, no under-resolved cell, every other cell cleared
   * by opt_cell_clear, no NaN -- is recognised by vector loops over the nodes; its task comes
   * straight from its one cell. The others go through opt_lane_tasks. */
  double simple[LANES], nsign[LANES], jsign[LANES];
#pragma omp simd
  for (int i = 0; i < LANES; ++i) simple[i] = 1.0, nsign[i] = 0.0, jsign[i] = 0.0;
  for (int j = 0; j + 1 < NN_OPT; ++j) {
    const double *r0 = b.r[j], *r1 = b.r[j + 1];
    const double *m0 = b.fm[j], *m1 = b.fm[j + 1], *n0 = b.fn[j], *n1 = b.fn[j + 1];
    int inner = j >= 1 && j + 2 < NN_OPT, mid = j >= 1;
#pragma omp simd
    for (int i = 0; i < LANES; ++i) { /* bitwise & and |: no branches, so it vectorises */
      double y1 = r0[i], y2 = r1[i];
      int ch = (y1 < 0.0) ^ (y2 < 0.0);
      jsign[i] = ch & (nsign[i] == 0.0) ? (double)j : jsign[i];
      nsign[i] += ch ? 1.0 : 0.0;
      int coarse = inner & ((fabs(m1[i] - m0[i]) > 5.0 * MOVE_MAX) | (fabs(n1[i] - n0[i]) > 5.0 * MOVE_MAX));
      double kf0 = b.k[i] * (m0[i] * b.lf.M[i]), kf1 = b.k[i] * (m1[i] * b.lf.M[i]);
      double B0 = kf0 - y1, B1 = kf1 - y2;
      double lo = (kf0 < kf1 ? kf0 : kf1) - (B0 > B1 ? B0 : B1);
      double hi = (kf0 > kf1 ? kf0 : kf1) - (B0 < B1 ? B0 : B1);
      double fb = (fabs(B0) <= DBL_MAX ? fabs(B0) : 0.0) + (fabs(B1) <= DBL_MAX ? fabs(B1) : 0.0);
      double tol = 64.0 * DBL_EPSILON * (fabs(kf0) + fabs(kf1) + fb); /* as opt_cell_clear */
      int clear = ch | (lo > tol) | (hi < -tol);
      int bad = (y1 != y1) | (y2 != y2) | (mid & (y1 == 0.0));
      simple[i] = coarse | !clear | bad ? 0.0 : simple[i];
    }
  }
  for (int i = 0; i < cnt; ++i) {
    first[i] = nt, ntask[i] = 0;
    if (b.fast[i] && simple[i] != 0.0 && nsign[i] == 1.0) {
      int j = (int)jsign[i];
      double xl = b.x[j][i], xr = b.x[j + 1][i], rl = b.r[j][i], rr = b.r[j + 1][i];
      opt_task *t = &tk[nt++];
      t->lane = i, t->xl = xl, t->xr = xr, t->ok = 0, t->left_pos = rl > 0.0;
      t->bisect = !(isfinite(rl) && isfinite(rr));
      t->rl = rl, t->rr = rr;
      t->U = t->bisect ? 0.5 * (xl + xr) : xl + rl / (rl - rr) * (xr - xl);
      ok[i] = 1;
    } else {
      ok[i] = b.fast[i] && opt_lane_tasks(&b, i, tk, &nt) == 0;
    }
    if (!ok[i]) nt = first[i];
    ntask[i] = nt - first[i];
  }
  for (int q = 0; q < nt; q += LANES) opt_polish(&b, tk + q, nt - q < LANES ? nt - q : LANES);
  for (int q = 0; q < nt; ++q)
    if (!tk[q].ok) opt_task_bracketed(&b, &tk[q]);

  /* candidates; equilibria at the optimal fees: certified unique, or scanned below */
  const psw_point *ep[LANES];
  psw_eq_result eqr[LANES], *epr[LANES];
  double ef[LANES], eg[LANES], fU[LANES], fV[LANES];
  int elane[LANES], ne = 0;
  model md[LANES];
  for (int i = 0; i < cnt; ++i) {
    model_init(&md[i], pts[i]);
    md[i].iters = b.iters[i];
    if (!ok[i]) continue;
    const opt_task *bt = NULL;
    if (opt_lane_finish(&md[i], tk + first[i], ntask[i], out[i], &bt, &fU[i], &fV[i]) != 0) {
      ok[i] = 0;
      continue;
    }
    psw_opt_result *r = out[i];
    if (bt && eq_unique(pts[i], r->f, r->g)) {
      r->n_eq = 1;
      if (isinf(md[i].F.u0) && isinf(md[i].F.u1) && isinf(md[i].G.u0) && isinf(md[i].G.u1)) {
        r->eq_det = 1.0 - pts[i]->a * pts[i]->b * bt->Fp * bt->Gp; /* tr A = 0 at e = 0 */
        r->eq_stable = r->eq_det > 0.0;
      } else {
        model_eq_stability(&md[i], fU[i], fV[i], &r->eq_det, &r->eq_stable);
      }
      r->iter = (int16_t)fmin(32767.0, (double)(md[i].iters + NN_OPT));
      continue;
    }
    if (bt) { /* interior, not certified: the batched equilibrium scan */
      ep[ne] = pts[i], epr[ne] = &eqr[ne], ef[ne] = r->f, eg[ne] = r->g, elane[ne++] = i;
      continue;
    }
    /* the selected equilibrium sits on a kink (limit fees): the reference scan,
     * seeded with it, counts the equilibria there */
    double seed[2] = {fU[i], fV[i]};
    ref_equilibria(&md[i], r->f, r->g, seed, &eqr[0]);
    ok[i] = opt_check_eq(&md[i], &eqr[0], fU[i], fV[i], r);
  }
  if (ne) {
    long it = 0;
    eq_lanes(ep, ne, ef, eg, epr, &it);
    for (int e = 0; e < ne; ++e) {
      int i = elane[e];
      md[i].iters += eqr[e].iter;
      ok[i] = opt_check_eq(&md[i], &eqr[e], fU[i], fV[i], out[i]);
    }
  }
  long nesc = 0;
  for (int i = 0; i < cnt; ++i)
    if (!ok[i]) {
      ++nesc;
      psw_solver_reference.solve_optimum(NULL, 1, pts[i], out[i]);
    }
  atomic_fetch_add(&n_lanes, cnt);
  atomic_fetch_add(&n_escalated, nesc);
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
