"""Robust all-roots scan of a continuous scalar function on an interval
(MODEL.md section 2.3 steps 1-4): dense grid, adaptive refinement following a
normalised curve, Brent on sign changes, golden section on local extrema of |r|
that point toward zero (close roots near a fold, tangent roots)."""
import math

import numpy as np
from scipy import optimize

EPS = np.finfo(float).eps
GOLD = (3.0 - math.sqrt(5.0)) / 2.0


def _sf(fun):
    def g(x):
        return float(fun(np.float64(x)))
    return g


def bracket_root(f, a, b, fa, fb):
    """Root of scalar f in [a,b] with fa, fb of opposite sign (either may be inf)."""
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    # bisect while an end value is infinite or nan
    it = 0
    while (not (math.isfinite(fa) and math.isfinite(fb))) and it < 400:
        c = 0.5 * (a + b)
        if c <= a or c >= b:
            return c
        fc = f(c)
        if fc == 0.0:
            return c
        if math.isnan(fc):
            # treat nan as the sign of the nearer infinite end: shrink toward finite side
            if not math.isfinite(fa):
                a, fa = c, fa
            else:
                b, fb = c, fb
        elif (fc > 0) == (fa > 0):
            a, fa = c, fc
        else:
            b, fb = c, fc
        it += 1
    if not (math.isfinite(fa) and math.isfinite(fb)):
        return 0.5 * (a + b)
    try:
        return optimize.brentq(f, a, b, xtol=1e-300, rtol=4 * EPS, maxiter=500)
    except Exception:
        # fallback: plain bisection
        for _ in range(2000):
            c = 0.5 * (a + b)
            if c <= a or c >= b:
                break
            fc = f(c)
            if fc == 0.0 or math.isnan(fc):
                return c
            if (fc > 0) == (fa > 0):
                a, fa = c, fc
            else:
                b, fb = c, fc
        return 0.5 * (a + b)


def golden_min_abs(f, a, b, c, fb, sgn, maxit=400):
    """Minimise |f| on [a,c] starting from interior b (sign of f(b) = sgn).
    Returns ('flip', x) if f changes sign at x, ('zero', x) if f(x)==0,
    else ('min', x, f(x))."""
    for _ in range(maxit):
        if (c - a) <= 4 * EPS * max(abs(b), 1e-300):
            break
        if (c - b) > (b - a):
            x = b + GOLD * (c - b)
        else:
            x = b - GOLD * (b - a)
        if x <= a or x >= c or x == b:
            break
        fx = f(x)
        if fx == 0.0:
            return ("zero", x)
        if math.isnan(fx):
            break
        if (fx > 0) != (sgn > 0):
            return ("flip", x)
        if abs(fx) < abs(fb):
            if x > b:
                a = b
            else:
                c = b
            b, fb = x, fx
        else:
            if x > b:
                c = x
            else:
                a = x
    return ("min", b, fb)


def make_grid(lo, hi, n0=400, cluster_lo=False, cluster_hi=False, extra=None):
    xs = [np.linspace(lo, hi, n0)]
    w = hi - lo
    if cluster_lo:
        xs.append(lo + w * 10.0 ** -np.arange(1, 16, 0.5))
    if cluster_hi:
        xs.append(hi - w * 10.0 ** -np.arange(1, 16, 0.5))
    if extra is not None:
        e = np.asarray(extra, dtype=float)
        xs.append(e[(e >= lo) & (e <= hi)])
    x = np.unique(np.concatenate(xs))
    return x[np.isfinite(x)]


def refine(xs, curve, tol=2e-3, max_pts=40000, clip=1.5):
    """Insert midpoints until the normalised curve moves at most tol per cell."""
    C = np.clip(np.nan_to_num(curve(xs), nan=0.0), -clip, clip)
    while True:
        if len(xs) >= max_pts:
            break
        d = np.max(np.abs(np.diff(C, axis=1)), axis=0)
        wid = np.diff(xs)
        minw = 8 * EPS * np.maximum(np.abs(xs[:-1]), np.abs(xs[1:])) + 1e-300
        need = (d > tol) & (wid > 4 * minw)
        if not need.any():
            break
        idx = np.nonzero(need)[0]
        if len(xs) + len(idx) > max_pts:
            # refine the worst cells first
            order = np.argsort(-d[idx])
            idx = np.sort(idx[order[: max(1, max_pts - len(xs))]])
        mids = 0.5 * (xs[idx] + xs[idx + 1])
        Cm = np.clip(np.nan_to_num(curve(mids), nan=0.0), -clip, clip)
        xs_new = np.concatenate([xs, mids])
        C_new = np.concatenate([C, Cm], axis=1)
        order = np.argsort(xs_new, kind="stable")
        xs, C = xs_new[order], C_new[:, order]
    return xs


def all_roots(fun, lo, hi, curve=None, rscale=1.0, n0=400, cluster_lo=False, cluster_hi=False,
              tangent_tol=1e-14, extra=None, tol=2e-3, tangent_abs=0.0):
    """All roots of a continuous vectorised function fun on [lo, hi].
    curve(xs) -> array (k, len(xs)) normalised to O(1) (default: fun/rscale).
    Returns (roots, info) with roots sorted, info = dict(tangent=[...], continuum=bool)."""
    info = {"tangent": [], "continuum": False}
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("all_roots needs a finite interval")
    if hi < lo:
        return [], info
    if hi == lo:
        v = float(fun(np.float64(lo)))
        return ([lo] if v == 0.0 else []), info
    if curve is None:
        def curve(x):
            return np.atleast_2d(fun(x) / rscale)
    xs = make_grid(lo, hi, n0, cluster_lo, cluster_hi, extra)
    xs = refine(xs, curve, tol=tol)
    vals = np.asarray(fun(xs), dtype=float)
    ok = ~np.isnan(vals)
    xs, vals = xs[ok], vals[ok]
    f = _sf(fun)
    roots = []
    thr = max(tangent_tol * rscale, tangent_abs)
    # continuum detection: runs of (near-)zero values
    small = np.abs(vals) <= thr
    run = 0
    start = 0
    for i in range(len(vals)):
        if small[i]:
            if run == 0:
                start = i
            run += 1
            if run >= 4 and (xs[i] - xs[start]) > 1e-6 * (hi - lo):
                info["continuum"] = True
                break
        else:
            run = 0
    sg = np.sign(vals)
    for i in np.nonzero(vals == 0.0)[0]:
        roots.append(float(xs[i]))
    for i in np.nonzero(sg[:-1] * sg[1:] < 0)[0]:
        roots.append(bracket_root(f, float(xs[i]), float(xs[i + 1]), float(vals[i]), float(vals[i + 1])))
    av = np.abs(vals)
    n = len(vals)
    if n >= 3:
        cand = np.nonzero((sg[1:-1] == sg[:-2]) & (sg[1:-1] == sg[2:]) & (sg[1:-1] != 0)
                          & (av[1:-1] <= av[:-2]) & (av[1:-1] <= av[2:])
                          & ((av[1:-1] < av[:-2]) | (av[1:-1] < av[2:])))[0] + 1
        for i in cand:
            a, b, c = float(xs[i - 1]), float(xs[i]), float(xs[i + 1])
            res = golden_min_abs(f, a, b, c, float(vals[i]), float(sg[i]))
            if res[0] == "zero":
                roots.append(res[1])
                info["tangent"].append(res[1])
            elif res[0] == "flip":
                x = res[1]
                fx = f(x)
                roots.append(bracket_root(f, a, x, float(vals[i - 1]), fx))
                roots.append(bracket_root(f, x, c, fx, float(vals[i + 1])))
            else:
                if abs(res[2]) <= thr:
                    roots.append(res[1])
                    info["tangent"].append(res[1])
    roots.sort()
    return roots, info
