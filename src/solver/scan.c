/* Robust all-roots scan of a scalar function on an interval (MODEL §2.3):
 * dense nodes, adaptive refinement on the normalised curve, Brent on every sign
 * change (GSL), golden section at every discrete extremum that points toward 0. */
#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solver/solver_impl.h"

enum { N_INITIAL = 129, N_MAX = 1 << 17, MAX_PASSES = 60 };
static const double MOVE_MAX = 2e-3; /* largest move of the normalised curve per cell */

typedef struct node {
  double x, r, c[3];
} node;

static int node_cmp(const void *pa, const void *pb) {
  double a = ((const node *)pa)->x, b = ((const node *)pb)->x;
  return (a > b) - (a < b);
}

static void eval_node(scan_fn fn, void *ctx, node *nd) {
  nd->c[0] = nd->c[1] = nd->c[2] = 0.0;
  nd->r = fn(nd->x, ctx, nd->c);
}

static double cell_move(const node *p, const node *q) {
  double mv = 0.0;
  for (int i = 0; i < 3; ++i) {
    double d = fabs(q->c[i] - p->c[i]);
    if (d > mv || isnan(d)) mv = isnan(d) ? 0.0 : d;
  }
  return mv;
}

typedef struct brent_ctx {
  scan_fn fn;
  void *ctx;
} brent_ctx;

static double brent_eval(double x, void *vp) {
  const brent_ctx *b = vp;
  double c[3];
  double r = b->fn(x, b->ctx, c);
  /* Brent interpolates: keep values finite. */
  if (r > 1e300) r = 1e300;
  if (r < -1e300) r = -1e300;
  return r;
}

double scan_brent(scan_fn fn, void *ctx, double lo, double hi, double xtol, long *iters) {
  brent_ctx bc = {fn, ctx};
  gsl_function F = {brent_eval, &bc};
  gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
  if (!s) return 0.5 * (lo + hi);
  double root = 0.5 * (lo + hi);
  if (gsl_root_fsolver_set(s, &F, lo, hi) == GSL_SUCCESS) {
    for (int it = 0; it < 300; ++it) {
      ++*iters;
      if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS) break;
      root = gsl_root_fsolver_root(s);
      double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
      if (gsl_root_test_interval(a, b, xtol, 2.0 * DBL_EPSILON) == GSL_SUCCESS) break;
    }
  }
  gsl_root_fsolver_free(s);
  return root;
}

/* Golden-section minimisation of sgn*fn on [a, b] down to rounding level. */
static double golden(scan_fn fn, void *ctx, double a, double b, double sgn, double *fbest,
                     long *iters) {
  const double gr = 0.6180339887498949;
  double c[3];
  double x1 = b - gr * (b - a), x2 = a + gr * (b - a);
  double f1 = sgn * fn(x1, ctx, c), f2 = sgn * fn(x2, ctx, c);
  double xb = f1 < f2 ? x1 : x2, fb = f1 < f2 ? f1 : f2;
  for (int it = 0; it < 200 && fb >= 0.0; ++it) {
    ++*iters;
    if (b - a <= 4.0 * DBL_EPSILON * (fabs(a) + fabs(b)) + DBL_MIN) break;
    if (f1 < f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - gr * (b - a);
      f1 = sgn * fn(x1, ctx, c);
      if (f1 < fb) xb = x1, fb = f1;
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + gr * (b - a);
      f2 = sgn * fn(x2, ctx, c);
      if (f2 < fb) xb = x2, fb = f2;
    }
  }
  *fbest = fb;
  return xb;
}

static int push_root(double *roots, int *n, int max, double x) {
  if (*n >= max) return -1;
  roots[(*n)++] = x;
  return 0;
}

static int dbl_cmp(const void *pa, const void *pb) {
  double a = *(const double *)pa, b = *(const double *)pb;
  return (a > b) - (a < b);
}

int scan_roots(scan_fn fn, void *ctx, double lo, double hi, const double *extra, int nextra,
               double tangent_tol, double *roots, int max, long *iters) {
  if (!(lo <= hi) || !isfinite(lo) || !isfinite(hi)) return 0;
  int cap = N_INITIAL + nextra + 16, n = 0;
  node *nd = malloc((size_t)cap * sizeof *nd);
  if (!nd) return SCAN_OVERFLOW;
  for (int i = 0; i < N_INITIAL; ++i)
    nd[n++].x = lo + (hi - lo) * (double)i / (double)(N_INITIAL - 1);
  nd[N_INITIAL - 1].x = hi;
  for (int i = 0; i < nextra; ++i)
    if (extra[i] > lo && extra[i] < hi) nd[n++].x = extra[i];
  qsort(nd, (size_t)n, sizeof *nd, node_cmp);
  int w = 0;
  for (int i = 0; i < n; ++i)
    if (w == 0 || nd[i].x > nd[w - 1].x) nd[w++] = nd[i];
  n = w;
  for (int i = 0; i < n; ++i) eval_node(fn, ctx, &nd[i]);

  /* Adaptive refinement: bisect cells where the normalised curve moves too much. */
  for (int pass = 0; pass < MAX_PASSES; ++pass) {
    int add = 0;
    for (int i = 0; i + 1 < n; ++i) {
      double wdt = nd[i + 1].x - nd[i].x;
      if (cell_move(&nd[i], &nd[i + 1]) > MOVE_MAX &&
          wdt > 8.0 * DBL_EPSILON * (fabs(nd[i].x) + fabs(nd[i + 1].x)) + 1e-300)
        ++add;
    }
    if (add == 0 || n + add > N_MAX) break;
    node *nn = malloc((size_t)(n + add) * sizeof *nn);
    if (!nn) break;
    int m = 0;
    for (int i = 0; i < n; ++i) {
      nn[m++] = nd[i];
      if (i + 1 < n) {
        double wdt = nd[i + 1].x - nd[i].x;
        if (cell_move(&nd[i], &nd[i + 1]) > MOVE_MAX &&
            wdt > 8.0 * DBL_EPSILON * (fabs(nd[i].x) + fabs(nd[i + 1].x)) + 1e-300) {
          nn[m].x = nd[i].x + 0.5 * wdt;
          eval_node(fn, ctx, &nn[m]);
          ++m;
        }
      }
    }
    free(nd);
    nd = nn;
    n = m;
  }

  const double xtol = 1e-17 * (hi - lo) + 1e-300;
  int nr = 0, over = 0;
  /* A continuum: a run of nodes spanning >= 1e-3 of the interval where fn == 0. */
  for (int i = 0; i < n;) {
    int j = i;
    while (j < n && fabs(nd[j].r) <= tangent_tol) ++j;
    if (j - i >= 5 && nd[j - 1].x - nd[i].x >= 1e-3 * (hi - lo)) {
      free(nd);
      return SCAN_CONTINUUM;
    }
    i = j > i ? j : i + 1;
  }
  for (int i = 0; i < n; ++i) {
    double r0 = nd[i].r;
    if (r0 == 0.0) over |= push_root(roots, &nr, max, nd[i].x);
    if (i + 1 < n) {
      double r1 = nd[i + 1].r;
      if (isfinite(r0) || isfinite(r1)) {
        if ((r0 < 0.0 && r1 > 0.0) || (r0 > 0.0 && r1 < 0.0))
          over |= push_root(roots, &nr, max, scan_brent(fn, ctx, nd[i].x, nd[i + 1].x, xtol, iters));
      }
    }
    /* A discrete extremum pointing toward zero: two close roots or a tangent? */
    if (i > 0 && i + 1 < n) {
      double rl = nd[i - 1].r, rr = nd[i + 1].r;
      if (isnan(rl) || isnan(rr) || isnan(r0) || r0 == 0.0) continue;
      double sg = r0 > 0.0 ? 1.0 : -1.0;
      if (sg * rl > 0.0 && sg * rr > 0.0 && fabs(r0) <= fabs(rl) && fabs(r0) <= fabs(rr) &&
          (fabs(r0) < fabs(rl) || fabs(r0) < fabs(rr))) {
        double fb;
        double xm = golden(fn, ctx, nd[i - 1].x, nd[i + 1].x, sg, &fb, iters);
        if (fb < 0.0) {
          over |= push_root(roots, &nr, max, scan_brent(fn, ctx, nd[i - 1].x, xm, xtol, iters));
          over |= push_root(roots, &nr, max, scan_brent(fn, ctx, xm, nd[i + 1].x, xtol, iters));
        } else if (fb <= tangent_tol) {
          over |= push_root(roots, &nr, max, xm);
        }
      }
    }
  }
  free(nd);
  if (over) return SCAN_OVERFLOW;
  qsort(roots, (size_t)nr, sizeof *roots, dbl_cmp);
  int u = 0;
  for (int i = 0; i < nr; ++i)
    if (u == 0 || roots[i] - roots[u - 1] > 4.0 * DBL_EPSILON * fabs(roots[i]) + xtol)
      roots[u++] = roots[i];
  return u;
}
