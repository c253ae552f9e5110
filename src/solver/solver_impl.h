/* Private to src/solver: model helpers shared by the variants. */
#ifndef PSW_SOLVER_IMPL_H
#define PSW_SOLVER_IMPL_H

#include <math.h>

#include "platsweep/family.h"
#include "platsweep/point.h"
#include "platsweep/solver.h"

#include "core/opcount.h" /* PSW_OPCOUNT_ADD in the variants' own kernels */

/* One side of the market: family plus cached flat ends. */
typedef struct side {
  const psw_family *fam;
  double u0, u1, M, spread;
} side;

/* A point with its derived quantities. */
typedef struct model {
  const psw_point *pt;
  side F, G;           /* customers F(U), providers G(V) */
  double k;            /* a + b */
  double S, PS;        /* money and profit scales (MODEL §0) */
  long iters;          /* iterations spent (Newton, Brent, golden) */
} model;

void model_init(model *md, const psw_point *pt);

static inline double side_F(const side *s, double U) { return psw_family_F(s->fam, U); }

/* phi(U) = U + h(U): continuous, strictly increasing on the whole line. */
static inline double side_phi(const side *s, double U) {
  double h;
  psw_family_eval(s->fam, U, NULL, NULL, &h, NULL);
  return U + h;
}

/* phi^{-1}(y): bracket [lo, y] (phi(U) >= U), then Brent. Adds to *iters if non-NULL. */
double side_phi_inv(const side *s, double y, long *iters);

/* A(U) = phi_F(U) - 2 e_m F(U) + c and its derivative (MODEL §3.2, §3.3). */
static inline double model_A(const model *md, double U, double *dA) {
  double F, Fp, h, hp;
  psw_family_eval(md->F.fam, U, &F, &Fp, &h, &hp);
  if (dA) *dA = 1.0 + hp - 2.0 * md->pt->e_m * Fp;
  return U + h - 2.0 * md->pt->e_m * F + md->pt->c;
}

static inline double model_B(const model *md, double V, double *dB) {
  double G, Gp, h, hp;
  psw_family_eval(md->G.fam, V, &G, &Gp, &h, &hp);
  if (dB) *dB = 1.0 + hp - 2.0 * md->pt->e_n * Gp;
  return V + h - 2.0 * md->pt->e_n * G + md->pt->d;
}

/* Profit in (U,V) coordinates, 0 * (-inf) := 0 (MODEL §3.1). */
static inline double model_profit_UV(const model *md, double U, double V, double m, double n) {
  const psw_point *p = md->pt;
  double P = 0.0;
  if (m > 0.0) P += m * (p->a * n + p->e_m * m - U - p->c);
  if (n > 0.0) P += n * (p->b * m + p->e_n * n - V - p->d);
  return P;
}

/* ---- 1-D all-roots scan (MODEL §2.3) ---- */

/* Returns the (normalised) function value at x and up to 3 normalised curve
 * coordinates used for adaptive refinement; NaN where undefined. */
typedef double (*scan_fn)(double x, void *ctx, double curve[3]);

#define SCAN_CONTINUUM (-2)
#define SCAN_OVERFLOW (-1)

/* Root of fn in [lo, hi] where fn(lo), fn(hi) have opposite signs (GSL's Brent,
 * to rounding level: interval below xtol + 2 eps |x|). */
double scan_brent(scan_fn fn, void *ctx, double lo, double hi, double xtol, long *iters);

/* All roots of fn on [lo, hi], sorted. extra: additional nodes (may be NULL).
 * tangent_tol: |value| at a local extremum that counts as a double root.
 * Returns the count, SCAN_CONTINUUM if fn vanishes on a whole run of nodes, or
 * SCAN_OVERFLOW if more than max roots. Adds iterations to *iters. */
int scan_roots(scan_fn fn, void *ctx, double lo, double hi, const double *extra, int nextra,
               double tangent_tol, double *roots, int max, long *iters);

/* Stability of an equilibrium (MODEL §2.4): det(I-A) with the interior one-sided
 * derivative at a kink; stable iff every combination of one-sided derivatives
 * gives det > 0 and tr A < 2. */
void model_eq_stability(const model *md, double U, double V, double *det, int8_t *stable);

/* All equilibria at fees (f, g), reference algorithm. seed (may be NULL) is a
 * known equilibrium (U, V) that is merged in (used at an optimum on a kink). */
void ref_equilibria(model *md, double f, double g, const double *seed, psw_eq_result *out);

/* A candidate maximiser of the profit (MODEL §3.8): an interior critical point, an edge
 * root or a vertex, in (U, V) with its side codes. */
typedef struct cand {
  double U, V;
  int side_m, side_n;
  int interior;   /* interior critical point */
  int local_max;  /* interior, q1 > 0 and q > 0 (plain signs) */
  int strict_max; /* interior, strict SOC of MODEL §4 */
  double P, m, n;
} cand;

/* Fill m, n, P and (interior) the SOC flags of a candidate. */
void cand_eval(const model *md, cand *c);

/* Registered variants (one file each). */
extern const psw_solver_ops psw_solver_reference;
extern const psw_solver_ops psw_solver_newton;
extern const psw_solver_ops psw_solver_bracket;
extern const psw_solver_ops psw_solver_fixed_point;

/* Shared by variants: fill an invalid result. */
void opt_result_invalid(psw_opt_result *r);
void eq_result_invalid(psw_eq_result *r);

/* Finish an optimum result from (U*, V*, side codes): fees, h, SOC, below-cost. */
void opt_result_finish(const model *md, double U, double V, int side_m, int side_n,
                       psw_opt_result *r);

#endif
