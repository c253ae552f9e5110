#!/usr/bin/python3
"""NumPy baseline for platsweep's `optimum` problem (issue #5 item 2).

The same global algorithm as platsweep's fast path (`newton`, src/solver/fast.c),
written the way a competent NumPy user would: vectorised over points (no Python
loop over points), in cache-sized chunks, one process per core. Scope: the paper's
model (e_m = e_n = 0), logit customers x logit providers (MODEL.md §1):

    F(U) = M expit(x), x = (U - mu)/s,   h = F/F' = s (1 + e^x),   h' = e^x,
    F^{-1}(m) = mu + s log(m / (M - m)),  phi(U) = U + h(U).

Algorithm per point (MODEL §3.8, §2.3, §2.4):
 1. k = a + b; window lo = phi_F^{-1}(min(0, kN) - c), hi = phi_F^{-1}(max(0, kN) - c),
    the U range where n(U) = A(U)/k lies in (0, N), A(U) = phi_F(U) + c.
    For logit phi^{-1} solves x + e^x = q (a few vectorised Newton steps).
 2. Scan: the two ends and J = 48 cell-centred blended nodes (the mean of a uniform
    node and the F-quantile node). R(U) = k F(U) - B(G^{-1}(A(U)/k)),
    B(V) = phi_G(V) + d; R = +inf at the n = 0 end and -inf at the n = N end.
 3. Each sign change: linear interpolation, then Newton in (U, V) on
    E1 = A(U) - k G(V), E2 = B(V) - k F(U), to |E1| + |E2| <= 1e-10 S.
 4. Candidates: the critical points (logit has no attainable box face). Highest
    profit wins; SOC (q1 = A', q = A'B' - k^2 F'G') gives ok / degenerate.
 5. Equilibria at (f*, g*): U-reduction r(U) = (U + f)/a - G(b F(U) - g) on 64 blended
    nodes (window padded by 1%), cells where (m/M, n/N, r/N) moves more than 0.1 are
    bisected (vectorised, breadth first), each sign change polished by Newton;
    n_eq, and the stability of the selected equilibrium: det(I - A) = 1 - a b F'G' > 0.
 6. A point the scan cannot certify (a discrete extremum of R or r pointing toward 0
    that the local parabola does not clear, an under-resolved cell, more than 12
    roots, Newton failing or leaving its bracket, a tie between candidates, the
    selected equilibrium missing from the equilibria) is flagged, and the flagged
    subset (under 1% of the points) is solved again with 8x the nodes, as the
    reference path would: every extremum pointing toward 0 is minimised in |R| by a
    vectorised golden section (a sign flip adds a node: two close roots; a minimum
    within rounding is a double root and stays flagged), each bracket is bisected
    before Newton, and a Newton root within rounding of its cell's end is accepted.
    A tie still present is reported as `degenerate` (MODEL §3.8 step 5); anything
    else still flagged is `uncertain` (reported with status 4, not_converged) and
    counted.

Usage (see --help):
    /usr/bin/python3 bench/numpy_baseline.py --points-csv dump.csv --procs 2 --repeat 5

It reads the points and platsweep's answers from `platsweep bench --dump FILE`,
times the NumPy solve (median of --repeat timed repeats after one warm-up, on a
persistent pool of --procs forked processes created before timing, dispatch and the
return of the results included) and checks the answers against platsweep's. Exit
status: 0 all comparable points agree, 1 some disagree, 2 usage / input errors.

Agreement (--rtol, default 1e-8): the same status; |df|, |dg|, |dU|, |dV| <= rtol S;
|dm| <= rtol M, |dn| <= rtol N; |dP| <= rtol S (M + N) (MODEL §0 scales);
|d soc_q1|, |d soc_q| <= rtol max(1, |q1 q2| + k^2 F'G'); |d eq_det| <= rtol (1 + |ab F'G'|);
n_eq and eq_stable equal (for `degenerate` only the status and P). Both codes polish the same root by Newton to
|E1| + |E2| <= 1e-10 S, in practice to rounding level (differences seen: < 1e-14 in these
units), so 1e-8 leaves a margin of about 1e6 for ill-conditioned points, while a
genuinely different answer (another critical point or equilibrium) lies at least the
engine's distinctness distance, 1e-7 M or N, away. Points the engine reports as
not_converged, or NumPy leaves uncertain, are excluded from the comparison and counted.

Only numpy and the Python standard library are used.
"""
from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import sys
import time

import numpy as np

EPS = float(np.finfo(np.float64).eps)
DBL_MIN = float(np.finfo(np.float64).tiny)

J_OPT = 48  # blended scan nodes for the critical points (plus the two window ends)
J_EQ = 64  # blended scan nodes for the equilibria (ends included)
DENSE = 8  # node multiplier for the re-solve of flagged points
MAX_R = 12  # more sign changes than this: flagged
MAX_EQ = 9  # PSW_MAX_EQ
MOVE_MAX = 0.1  # largest move of (m/M, n/N, r/N) across one equilibrium scan cell
REFINED_MAX = 1024  # equilibrium scan nodes per point after refinement
XMAX = 700.0  # |x| beyond which logit's exp() leaves double range: flagged

ST_OK, ST_CORNER, ST_NOINT, ST_DEGEN, ST_NOTCONV, ST_INVALID = range(6)

# The output fields, in this order (float64 columns; integer codes stored as floats).
FIELDS = ("status", "f", "g", "m", "n", "U", "V", "P", "soc_q1", "soc_q", "h_m", "h_n",
          "eq_det", "eq_stable", "n_eq", "below_cost_m", "below_cost_n", "side_m", "side_n",
          "uncertain", "resolved_dense", "soc_scale")
PARAMS = ("a", "b", "c", "d", "e_m", "e_n", "muF", "sF", "M", "muG", "sG", "N")


# ---------------------------------------------------------------- logit family
def lg_eval(U, mu, s, M):
    """F, F' and e^x of logit at U. Accurate to a few ulp for |x| < 700."""
    E = np.exp((mu - U) / s)  # e^{-x}
    ip = 1.0 / (1.0 + E)  # expit(x)
    F = M * ip
    Fp = (M / s) * (E * ip * ip)
    ex = 1.0 / E
    return F, Fp, ex


def lg_F(U, mu, s, M):
    return M / (1.0 + np.exp((mu - U) / s))


def lg_logit_ratio(m, M):
    """log(m/(M-m)), with the split form where the ratio would be subnormal."""
    r = m / (M - m)
    out = np.log(r)
    tiny = (r > 0.0) & (r < DBL_MIN)
    if tiny.any():
        mt = np.broadcast_to(m, r.shape)[tiny]
        Mt = np.broadcast_to(M, r.shape)[tiny]
        out[tiny] = np.log(mt) - np.log(Mt - mt)
    return out, r


def lg_phi_inv(y, mu, s):
    """U with U + s(1 + e^{(U-mu)/s}) = y: x + e^x = q, Newton from the right."""
    q = (y - mu) / s - 1.0
    x = np.where(q > 1.0, np.log(np.maximum(q, 1.0)), q)
    for _ in range(60):
        ex = np.exp(x)
        dx = (x + ex - q) / (1.0 + ex)
        x -= dx
        if not (np.abs(dx) > 4.0 * EPS * (1.0 + np.abs(x))).any():
            break
    return mu + s * x


# ---------------------------------------------------------------- helpers
class Timer:
    """Accumulated wall time per phase (a few calls per chunk: negligible)."""

    def __init__(self):
        self.t = {}
        self.last = time.perf_counter()

    def lap(self, name):
        now = time.perf_counter()
        self.t[name] = self.t.get(name, 0.0) + now - self.last
        self.last = now


def seq_extrema(x, r, same3=None):
    """Discrete extrema that point toward zero of node sequences along the last axis:
    rows of 2-D arrays, or one flat sequence of many points (triples (i, i+1, i+2)
    inside one point: same3[i]). Returns (bad, toward) over the triples:
    toward marks every such extremum, bad those fast.c's seq_suspicious does not
    clear (smooth case): a NaN or an exact zero in the triple, next to an infinite end
    a node not far from zero compared with the local variation, otherwise a local
    parabola whose vertex loses the sign or half the node's magnitude."""
    y0, y1, y2 = r[..., :-2], r[..., 1:-1], r[..., 2:]
    # the sign of a difference of doubles is exact, and y0 >= y1 > 0 implies y0 > 0:
    # a positive minimum is y1 > 0, y1 - y0 <= 0, y2 - y1 >= 0 (and the mirror image)
    dd = np.diff(r, axis=-1)
    dl, dr = dd[..., :-1], dd[..., 1:]
    bad = np.isnan(dl) | np.isnan(dr) | (y1 == 0.0)  # a NaN in the triple, or a zero
    toward = ((y1 > 0.0) & (dl <= 0.0) & (dr >= 0.0)) | ((y1 < 0.0) & (dl >= 0.0) & (dr <= 0.0))
    if same3 is not None:
        bad &= same3
        toward &= same3
    tw = np.nonzero(toward)
    if tw[0].size:  # few: the parabola test only where needed
        a0, a1, a2 = y0[tw], y1[tw], y2[tw]
        x0, x1, x2 = x[..., :-2][tw], x[..., 1:-1][tw], x[..., 2:][tw]
        inf0, inf2 = np.isinf(a0), np.isinf(a2)
        infany = inf0 | inf2
        var = np.where(inf0, np.abs(a2 - a1), np.abs(a1 - a0))
        s_inf = infany & ~(np.abs(a1) > 4.0 * var)
        d1 = (a1 - a0) / (x1 - x0)
        d2 = (a2 - a1) / (x2 - x1)
        aa = (d2 - d1) / (x2 - x0)
        xs = 0.5 * (x0 + x1) - d1 / (2.0 * aa)
        v = a0 + d1 * (xs - x0) + aa * (xs - x0) * (xs - x1)
        s_par = ~infany & (aa != 0.0) & ~((v * a1 > 0.0) & (np.abs(v) >= 0.5 * np.abs(a1)))
        bad[tw] |= s_inf | s_par
    return bad, toward


def golden(fn, ip, a, b, sg):
    """Vectorised golden section minimising sg*fn(x, ip) on [a, b], per element until
    the minimum changes sign or the interval reaches rounding level (scan.c golden).
    Returns (x, fn(x)) at the best point."""
    gr = 0.6180339887498949
    a, b = a.copy(), b.copy()
    x1, x2 = b - gr * (b - a), a + gr * (b - a)
    f1, f2 = sg * fn(x1, ip), sg * fn(x2, ip)
    left = f1 < f2
    xb, fb = np.where(left, x1, x2), np.where(left, f1, f2)
    act = np.arange(a.size)
    for _ in range(200):
        act = act[(fb[act] >= 0.0) &
                  ~(b[act] - a[act] <= 4.0 * EPS * (np.abs(a[act]) + np.abs(b[act])) + DBL_MIN)]
        if act.size == 0:
            break
        left = f1[act] < f2[act]
        la, ra = act[left], act[~left]
        b[la], x2[la], f2[la] = x2[la], x1[la], f1[la]
        a[ra], x1[ra], f1[ra] = x1[ra], x2[ra], f2[ra]
        xn = np.where(left, b[act] - gr * (b[act] - a[act]), a[act] + gr * (b[act] - a[act]))
        fnew = sg[act] * fn(xn, ip[act])
        x1[la], f1[la] = xn[left], fnew[left]
        x2[ra], f2[ra] = xn[~left], fnew[~left]
        better = fnew < fb[act]
        xb[act[better]], fb[act[better]] = xn[better], fnew[better]
    return xb, sg * fb


def bisect(fn, ip, lo, hi, rlo, steps=30):
    """Vectorised bisection of brackets [lo, hi] (fn(lo) = rlo, opposite sign at hi)
    by 2^-30: the starting points for Newton (two close roots need them)."""
    lo, hi = lo.copy(), hi.copy()
    neg_lo = rlo < 0.0
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        live = (mid > lo) & (mid < hi)
        if not live.any():
            break
        rm = fn(mid, ip)
        same = (rm < 0.0) == neg_lo
        lo = np.where(live & same, mid, lo)
        hi = np.where(live & ~same, mid, hi)
    return 0.5 * (lo + hi)


def resolve_extrema(x, r, pid, flag, fn, tangent_tol, final):
    """Certify the discrete extrema pointing toward zero of flat sequences.
    First pass: flag the points whose extremum the parabola test does not clear.
    Final pass: minimise |r| at every such extremum by golden section (MODEL §2.3
    step 4): a sign flip adds the minimiser as a node (two close roots, found by the
    sign-change scan that follows); a minimum within tangent_tol is a double root
    (flagged: left uncertain); otherwise the extremum is cleared.
    Returns the (possibly extended) x, r, pid."""
    same = pid[:-1] == pid[1:]
    bad, toward = seq_extrema(x, r, same[:-1] & same[1:])
    if not final:
        flag[pid[1:-1][bad]] = True
        return x, r, pid
    y = r[1:-1]
    hard = bad & (np.isnan(r[:-2]) | np.isnan(y) | np.isnan(r[2:]) | (y == 0.0))
    flag[pid[1:-1][hard]] = True
    ti = np.flatnonzero(toward & ~hard)
    if ti.size == 0:
        return x, r, pid
    ip = pid[ti + 1]
    xm, rm = golden(fn, ip, x[ti], x[ti + 2], np.sign(r[ti + 1]))
    flip = np.sign(rm) == -np.sign(r[ti + 1])
    tang = ~flip & (np.abs(rm) <= tangent_tol[ip])
    flag[ip[tang]] = True
    if flip.any():
        x = np.concatenate([x, xm[flip]])
        r = np.concatenate([r, rm[flip]])
        pid = np.concatenate([pid, ip[flip]])
        o = np.lexsort((x, pid))
        x, r, pid = x[o], r[o], pid[o]
    return x, r, pid


def in_bracket(U, x0, x1, final):
    """Did Newton stay in its cell? The final pass allows the rounding error of the
    cell's ends (a root at a window end, e.g. n* ~ 1e-19 at the n = 0 end)."""
    if final:
        slack = 64.0 * EPS * (np.abs(x0) + np.abs(x1))
        return (U >= x0 - slack) & (U <= x1 + slack)
    return (U >= x0) & (U <= x1)


def sign_changes(x, r, pid=None):
    """Cells whose ends have opposite signs: rows of 2-D arrays (pid None: the row is
    the point) or a flat sequence of points pid. Returns (point, x0, x1, r0, r1)."""
    neg = r < 0.0
    if pid is None:
        i, j = np.nonzero(neg[:, :-1] != neg[:, 1:])
        return i, x[i, j], x[i, j + 1], r[i, j], r[i, j + 1]
    ci = np.flatnonzero((pid[:-1] == pid[1:]) & (neg[:-1] != neg[1:]))
    return pid[ci], x[ci], x[ci + 1], r[ci], r[ci + 1]


def group_starts(pid):
    """Starts of the runs of equal values in a grouped id array."""
    if pid.size == 0:
        return np.zeros(0, np.intp)
    return np.flatnonzero(np.r_[True, pid[1:] != pid[:-1]])


def blended_nodes(lo, hi, t, muF, sF, M):
    """Nodes at fractions t of (lo, hi): the mean of the uniform node and the node
    F^{-1}(F(lo) + t (F(hi) - F(lo))), clamped to [lo, hi] (fast.c blend_node)."""
    col = lambda z: z[:, None]  # noqa: E731
    Flo, Fhi = lg_F(lo, muF, sF, M), lg_F(hi, muF, sF, M)
    xu = col(lo) + t * col(hi - lo)
    lq, _ = lg_logit_ratio(col(Flo) + t * col(Fhi - Flo), col(M))
    q = np.minimum(np.maximum(col(muF) + col(sF) * lq, col(lo)), col(hi))
    return np.where(col(Fhi > Flo) & np.isfinite(q), 0.5 * (xu + q), xu)


# ---------------------------------------------------------------- residuals
def opt_R(U, k, c, d, muF, sF, M, muG, sG, N):
    """Reduced FOC residual R(U) = k F(U) - B(G^{-1}(A(U)/k)) (e = 0), +inf where
    n(U) = A(U)/k <= 0 and -inf where n(U) >= N; also F(U) and n(U). For logit
    e^{x_V} at V = G^{-1}(n) is n/(N-n), so h_G(V) = sG (1 + n/(N-n))."""
    E = np.exp((muF - U) / sF)
    F = M / (1.0 + E)
    nU = (U + sF * (1.0 + 1.0 / E) + c) / k
    lr, ratio = lg_logit_ratio(nU, N)
    R = k * F - (muG + sG * lr + sG * (1.0 + ratio) + d)
    R = np.where(nU > 0.0, np.where(nU < N, R, -np.inf), np.inf)
    return R, F, nU


def eq_r(U, a, b, f, g, muF, sF, M, muG, sG, N):
    """Equilibrium residual r(U)/N = ((U + f)/a - G(b F(U) - g))/N, with m/M and n/N."""
    m = lg_F(U, muF, sF, M)
    G = lg_F(b * m - g, muG, sG, N)
    return ((U + f) / a - G) / N, m / M, G / N


# ---------------------------------------------------------------- Newton polishes
def foc_polish(U, V, k, c, d, muF, sF, M, muG, sG, N, S):
    """Vectorised Newton in (U, V) on (A(U) - kG(V), B(V) - kF(U)) (fast.c foc_polish):
    keeps the best iterate; an element stops on no improvement after 7 steps, a zero
    residual, a singular Jacobian or a step that changes nothing; the active set is
    compacted every step. Returns bU, bV, converged (best residual <= 1e-10 S)."""
    nr = U.size
    best = np.full(nr, np.inf)
    bU, bV = U.copy(), V.copy()
    act = np.arange(nr)
    u, v = U, V
    prm = [k, c, d, muF, sF, M, muG, sG, N]
    for it in range(40):
        if act.size == 0:
            break
        k_, c_, d_, muF_, sF_, M_, muG_, sG_, N_ = prm
        F, Fp, exF = lg_eval(u, muF_, sF_, M_)
        G, Gp, exG = lg_eval(v, muG_, sG_, N_)
        dA, dB = 1.0 + exF, 1.0 + exG
        E1 = u + sF_ * dA + c_ - k_ * G
        E2 = v + sG_ * dB + d_ - k_ * F
        res = np.abs(E1) + np.abs(E2)
        fin = np.isfinite(res)
        imp = fin & (res < best[act])
        ai = act[imp]
        best[ai], bU[ai], bV[ai] = res[imp], u[imp], v[imp]
        j12, j21 = -k_ * Gp, -k_ * Fp
        det = dA * dB - j12 * j21
        nu = u - (E1 * dB - E2 * j12) / det
        nv = v - (dA * E2 - j21 * E1) / det
        stop = ~fin | (res == 0.0) | ~(det != 0.0) | ~np.isfinite(det)
        if it > 6:
            stop |= ~imp
        stop |= ~np.isfinite(nu) | ~np.isfinite(nv) | ((nu == u) & (nv == v))
        go = ~stop
        act, u, v = act[go], nu[go], nv[go]
        prm = [q[go] for q in prm]
    return bU, bV, best <= 1e-10 * S


def eq_polish(U, V, a, b, f, g, muF, sF, M, muG, sG, N, S):
    """Vectorised Newton in (U, V) on the equilibrium system at fees (f, g) (e = 0):
    E1 = U - a G(V) + f, E2 = V - b F(U) + g (fast.c eq_polish)."""
    nr = U.size
    best = np.full(nr, np.inf)
    bU, bV = U.copy(), V.copy()
    act = np.arange(nr)
    u, v = U, V
    prm = [a, b, f, g, muF, sF, M, muG, sG, N]
    for it in range(40):
        if act.size == 0:
            break
        a_, b_, f_, g_, muF_, sF_, M_, muG_, sG_, N_ = prm
        F, Fp, _ = lg_eval(u, muF_, sF_, M_)
        G, Gp, _ = lg_eval(v, muG_, sG_, N_)
        E1 = u - a_ * G + f_
        E2 = v - b_ * F + g_
        res = np.abs(E1) + np.abs(E2)
        fin = np.isfinite(res)
        imp = fin & (res < best[act])
        ai = act[imp]
        best[ai], bU[ai], bV[ai] = res[imp], u[imp], v[imp]
        j12, j21 = -a_ * Gp, -b_ * Fp
        det = 1.0 - j12 * j21
        nu = u - (E1 - E2 * j12) / det
        nv = v - (E2 - j21 * E1) / det
        stop = ~fin | (res == 0.0) | ~(det != 0.0) | ~np.isfinite(det)
        if it > 6:
            stop |= ~imp
        stop |= ~np.isfinite(nu) | ~np.isfinite(nv) | ((nu == u) & (nv == v))
        go = ~stop
        act, u, v = act[go], nu[go], nv[go]
        prm = [q[go] for q in prm]
    return bU, bV, best <= 1e-9 * (S + np.abs(bU) + np.abs(bV))


# ---------------------------------------------------------------- one chunk
def solve_chunk(p, j_opt=J_OPT, j_eq=J_EQ, final=False, tm=None):
    """Solve the points of one chunk (dict of 1-D parameter arrays, PARAMS).
    Returns (out, flag): out a dict of result arrays (FIELDS), flag a bool array of
    the points the scans could not certify. With final=True a tie is not a flag but
    the status degenerate (MODEL §3.8 step 5), and extrema are resolved by golden
    section instead of flagged."""
    tm = tm or Timer()
    tm.lap("driver")  # since the last lap: the caller's gathering and scattering
    col = lambda z: z[:, None]  # noqa: E731
    a, b, c, d = p["a"], p["b"], p["c"], p["d"]
    muF, sF, M, muG, sG, N = p["muF"], p["sF"], p["M"], p["muG"], p["sG"], p["N"]
    n = a.size
    out = {f: np.full(n, np.nan) for f in FIELDS}
    k = a + b
    S = np.abs(a) * N + np.abs(b) * M + np.abs(c) + np.abs(d) + sF + sG
    PS = S * (M + N)
    flag = (k == 0.0) | (p["e_m"] != 0.0) | (p["e_n"] != 0.0)

    # ---- 1. window: 0 < n(U) < N
    kN = k * N
    lo = lg_phi_inv(np.minimum(0.0, kN) - c, muF, sF)
    hi = lg_phi_inv(np.maximum(0.0, kN) - c, muF, sF)
    flag |= ~(lo < hi) | ~np.isfinite(lo) | ~np.isfinite(hi)
    flag |= np.maximum(np.abs(lo - muF), np.abs(hi - muF)) > XMAX * sF
    tm.lap("window")

    # ---- 2. scan: the two ends and j_opt cell-centred blended nodes
    W = j_opt + 2
    X = np.empty((n, W))
    X[:, 0], X[:, -1] = lo, hi
    X[:, 1:-1] = blended_nodes(lo, hi, (np.arange(1, j_opt + 1) - 0.5) / j_opt, muF, sF, M)
    prm = (k, c, d, muF, sF, M, muG, sG, N)
    R, F, nU = opt_R(X, *map(col, prm))
    up = k > 0.0
    R[:, 0] = np.where(up, np.inf, -np.inf)
    R[:, -1] = np.where(up, -np.inf, np.inf)
    tm.lap("opt_scan")

    # ---- certification: under-resolved cells (ends excluded), then extrema
    flag |= ((np.abs(np.diff(F[:, 1:-1], axis=1)) > 5 * MOVE_MAX * col(M)) |
             (np.abs(np.diff(nU[:, 1:-1], axis=1)) > 5 * MOVE_MAX * col(N))).any(axis=1)

    def fn_R(u, ip):
        return opt_R(u, *(q[ip] for q in prm))[0]

    if final:  # flat sequences; extrema resolved by golden section
        keep = np.flatnonzero(~flag)
        x, r, pid = resolve_extrema(X[keep].ravel(), R[keep].ravel(), np.repeat(keep, W),
                                    flag, fn_R, 1e-13 * S, final)
        pi, x0, x1, r0, r1 = sign_changes(x, r, pid)
    else:
        flag |= seq_extrema(X, R)[0].any(axis=1)
        pi, x0, x1, r0, r1 = sign_changes(X, R)
    flag |= np.bincount(pi, minlength=n) > MAX_R
    ok = ~flag[pi]
    pi, x0, x1, r0, r1 = pi[ok], x0[ok], x1[ok], r0[ok], r1[ok]
    tm.lap("opt_certify")

    # ---- 3. critical points: every sign change, interpolated, then Newton
    fin = np.isfinite(r0) & np.isfinite(r1)
    Ur = np.where(fin, x0 + r0 / np.where(fin, r0 - r1, 1.0) * (x1 - x0), 0.5 * (x0 + x1))
    if final and pi.size:
        Ur = bisect(fn_R, pi, x0, x1, r0)
    kr, cr, dr, muFr, sFr, Mr, muGr, sGr, Nr = (q[pi] for q in prm)
    _, Fr, nUr = opt_R(Ur, kr, cr, dr, muFr, sFr, Mr, muGr, sGr, Nr)
    inside = (nUr > 0.0) & (nUr < Nr)
    lrr, _ = lg_logit_ratio(np.where(inside, nUr, 0.5 * Nr), Nr)
    Vr = np.where(inside, muGr + sGr * lrr, np.nan)
    bad = ~np.isfinite(Vr)
    if bad.any():  # a root in a tail: start V from the other FOC, B(V) = k F(U)
        Vr[bad] = lg_phi_inv(kr[bad] * Fr[bad] - dr[bad], muGr[bad], sGr[bad])
    Ur, Vr, conv = foc_polish(Ur, Vr, kr, cr, dr, muFr, sFr, Mr, muGr, sGr, Nr, S[pi])
    conv &= in_bracket(Ur, x0, x1, final)
    flag[pi[~conv]] = True
    tm.lap("opt_polish")

    # ---- 4. candidates: profit, SOC; the best per point; ties
    F, Fp, exF = lg_eval(Ur, muFr, sFr, Mr)
    G, Gp, exG = lg_eval(Vr, muGr, sGr, Nr)
    ar, br = a[pi], b[pi]
    P = np.where(F > 0.0, F * (ar * G - Ur - cr), 0.0) + np.where(G > 0.0, G * (br * F - Vr - dr), 0.0)
    q1, q2 = 1.0 + exF, 1.0 + exG
    kFG = kr * kr * Fp * Gp
    qq = q1 * q2 - kFG
    strict = (q1 > 1e-9) & (qq > 1e-9 * np.maximum(1.0, np.abs(q1 * q2)))
    has = np.zeros(n, bool)
    has[pi] = True
    flag |= ~has
    tie = np.zeros(n, bool)
    st = group_starts(pi)
    if st.size:
        gp = pi[st]
        grp = np.repeat(np.arange(st.size), np.diff(np.r_[st, pi.size]))
        Pn = np.where(np.isnan(P), -np.inf, P)
        Pmax = np.maximum.reduceat(Pn, st)
        idx = np.arange(pi.size)
        bi = np.minimum.reduceat(np.where(Pn == Pmax[grp], idx, pi.size), st)
        flag[gp[np.isnan(P[bi])]] = True
        tol = 1e-10 * np.abs(P[bi]) + 1e-13 * PS[gp]
        other = ((idx != bi[grp]) & (P >= (P[bi] - tol)[grp]) &
                 ((np.abs(F - F[bi][grp]) > 1e-7 * Mr) | (np.abs(G - G[bi][grp]) > 1e-7 * Nr)))
        tie[gp] = np.logical_or.reduceat(other, st)
        # logit has no attainable box face: the best candidate is interior, so the
        # status is ok or degenerate (corner / no_interior_optimum cannot occur)
        o = out
        Ub, Vb, mb, nb = Ur[bi], Vr[bi], F[bi], G[bi]
        fb, gb = a[gp] * nb - Ub, b[gp] * mb - Vb
        o["U"][gp], o["V"][gp], o["m"][gp], o["n"][gp] = Ub, Vb, mb, nb
        o["f"][gp], o["g"][gp], o["P"][gp] = fb, gb, P[bi]
        o["h_m"][gp], o["h_n"][gp] = sFr[bi] * q1[bi], sGr[bi] * q2[bi]
        o["soc_q1"][gp], o["soc_q"][gp] = q1[bi], qq[bi]
        o["soc_scale"][gp] = np.abs(q1[bi] * q2[bi]) + kFG[bi]
        o["status"][gp] = np.where(strict[bi], ST_OK, ST_DEGEN)
        o["side_m"][gp] = o["side_n"][gp] = 0.0
        bcm, bcn = (mb > 0.0) & (fb < c[gp]), (nb > 0.0) & (gb < d[gp])
        o["below_cost_m"][gp], o["below_cost_n"][gp] = bcm, bcn
        flag[gp[(P[bi] < -tol) | (bcm & bcn) | ~(mb > 0.0) | ~(nb > 0.0)]] = True
    if final:
        out["status"][tie] = ST_DEGEN  # the reference's rule; the best candidate is kept
    else:
        flag |= tie
    tm.lap("opt_select")

    # ---- 5. equilibria at (f*, g*) for the points still standing
    flag |= a == 0.0
    sel = np.flatnonzero(~flag)
    eq_flag, neq = equilibria(sel, p, out, S, PS, j_eq, final, tm)
    flag[sel[eq_flag]] = True
    ok = sel[~eq_flag]
    out["n_eq"][ok] = neq[~eq_flag]
    _, FpS, _ = lg_eval(out["U"][ok], muF[ok], sF[ok], M[ok])
    _, GpS, _ = lg_eval(out["V"][ok], muG[ok], sG[ok], N[ok])
    det = 1.0 - a[ok] * b[ok] * FpS * GpS  # det(I - A) at e = 0; tr A = 0 < 2
    out["eq_det"][ok] = det
    out["eq_stable"][ok] = det > 0.0
    tm.lap("eq_select")
    return out, flag


def equilibria(sel, p, out, S, PS, j_eq, final, tm):
    """All equilibria at the optimal fees of the points `sel` (MODEL §2.3). Returns
    (flag, count) over sel: flag where the scan cannot certify them or the selected
    equilibrium is not among them (or another one gives more profit)."""
    ns = sel.size
    col = lambda z: z[:, None]  # noqa: E731
    a, b, c, d = (p[q][sel] for q in ("a", "b", "c", "d"))
    muF, sF, M, muG, sG, N = (p[q][sel] for q in ("muF", "sF", "M", "muG", "sG", "N"))
    f, g = out["f"][sel], out["g"][sel]
    mS, nS, PSel = out["m"][sel], out["n"][sel], out["P"][sel]
    Ssel, PSsel = S[sel], PS[sel]
    prm = (a, b, f, g, muF, sF, M, muG, sG, N)
    flag = np.zeros(ns, bool)
    l = -f + np.minimum(0.0, a * N)
    h = -f + np.maximum(0.0, a * N)
    pad = 0.01 * (h - l) + 1e-12 * (np.abs(l) + np.abs(h) + 1.0)
    lo, hi = l - pad, h + pad
    X = np.empty((ns, j_eq))
    X[:, 0], X[:, -1] = lo, hi
    X[:, 1:-1] = blended_nodes(lo, hi, np.arange(1, j_eq - 1) / (j_eq - 1.0), muF, sF, M)
    r, cm, cn = eq_r(X, *map(col, prm))
    tm.lap("eq_scan")

    # cells where the normalised curve moves more than MOVE_MAX are bisected (breadth
    # first, on the flat node sequence of the points that need it)
    coarse2 = ((np.abs(np.diff(cm, axis=1)) > MOVE_MAX) | (np.abs(np.diff(cn, axis=1)) > MOVE_MAX) |
               (np.abs(np.diff(r, axis=1)) > MOVE_MAX))
    need = coarse2.any(axis=1) | final
    rows = np.flatnonzero(need)
    x, rr, mm, nn = X[rows].ravel(), r[rows].ravel(), cm[rows].ravel(), cn[rows].ravel()
    pid = np.repeat(rows, j_eq)
    ci = np.zeros(0, np.intp)
    for _ in range(60):
        same = pid[:-1] == pid[1:]
        coarse = same & ((np.abs(np.diff(mm)) > MOVE_MAX) | (np.abs(np.diff(nn)) > MOVE_MAX) |
                         (np.abs(np.diff(rr)) > MOVE_MAX))
        coarse &= (x[1:] - x[:-1]) > 8.0 * EPS * (np.abs(x[:-1]) + np.abs(x[1:]))
        ci = np.flatnonzero(coarse)
        if ci.size == 0:
            break
        xm = 0.5 * (x[ci] + x[ci + 1])
        ia = pid[ci]
        rm, mmid, nmid = eq_r(xm, *(q[ia] for q in prm))
        x, rr, mm, nn, pid = (np.insert(z, ci + 1, zm) for z, zm in
                              ((x, xm), (rr, rm), (mm, mmid), (nn, nmid), (pid, ia)))
    flag[pid[ci]] = True  # still coarse after 60 rounds
    flag |= np.bincount(pid, minlength=ns) > REFINED_MAX
    tm.lap("eq_refine")

    def fn_r(u, ip):
        return eq_r(u, *(q[ip] for q in prm))[0]

    # the refined (flat) sequences, and the rows that needed no refinement (2-D)
    x, rr, pid = resolve_extrema(x, rr, pid, flag, fn_r, np.full(ns, 1e-14), final)
    ip, x0, x1, r0, r1 = sign_changes(x, rr, pid)
    if not final:
        flag |= seq_extrema(X, r)[0].any(axis=1) & ~need
        X[need], r[need] = 0.0, 1.0  # no sign change from the rows done above
        ip2, *c2 = sign_changes(X, r)
        ip, x0, x1, r0, r1 = (np.concatenate([u, v]) for u, v in zip((ip2, *c2), (ip, x0, x1, r0, r1)))
    U = x0 + r0 / (r0 - r1) * (x1 - x0)
    if final and ip.size:
        U = bisect(fn_r, ip, x0, x1, r0)
    V = b[ip] * lg_F(U, muF[ip], sF[ip], M[ip]) - g[ip]
    tm.lap("eq_certify")
    U, V, conv = eq_polish(U, V, *(q[ip] for q in prm), Ssel[ip])
    conv &= in_bracket(U, x0, x1, final)
    flag[ip[~conv]] = True
    tm.lap("eq_polish")

    cnt = np.bincount(ip, minlength=ns)
    flag |= (cnt == 0) | (cnt > MAX_EQ)
    me, ne = lg_F(U, muF[ip], sF[ip], M[ip]), lg_F(V, muG[ip], sG[ip], N[ip])
    if ip.size > 1:  # merges and the MODEL order (m to 9 digits, then n): flagged
        s2 = ip[1:] == ip[:-1]
        merge = s2 & (np.abs(np.diff(me)) <= 1e-9 * M[ip[1:]]) & (np.abs(np.diff(ne)) <= 1e-9 * N[ip[1:]])
        order = s2 & (np.rint(me[1:] * 1e9) == np.rint(me[:-1] * 1e9)) & (ne[1:] < ne[:-1])
        flag[ip[1:][merge | order]] = True
    found = np.zeros(ns, bool)
    hit = (np.abs(me - mS[ip]) <= 1e-9 * M[ip]) & (np.abs(ne - nS[ip]) <= 1e-9 * N[ip])
    found[ip[hit]] = True
    tol = 1e-10 * np.abs(PSel) + 1e-13 * PSsel + 1e-9 * np.abs(PSel)
    better = me * (f[ip] - c[ip]) + ne * (g[ip] - d[ip]) > (PSel + tol)[ip]
    found[ip[better]] = False
    flag |= ~found
    return flag, cnt


# ---------------------------------------------------------------- driver
def check_points(p):
    """Invalid points (psw_point_check for logit): status 5."""
    ok = np.ones(p["a"].size, bool)
    for key in ("a", "b", "c", "d", "e_m", "e_n", "muF", "muG"):
        ok &= np.isfinite(p[key])
    for key in ("sF", "sG", "M", "N"):
        ok &= np.isfinite(p[key]) & (p[key] > 0.0)
    return ok


def take(p, idx):
    return {key: v[idx] for key, v in p.items()}


def solve(p, chunk=1024, tm=None, out=None):
    """Solve all points of p (dict of 1-D arrays, PARAMS): chunks of `chunk` points,
    then the flagged points once more with DENSE x the nodes. Returns a dict of
    result arrays (FIELDS); `out`, if given, is that dict (filled in place)."""
    tm = tm or Timer()
    with np.errstate(all="ignore"):
        n = p["a"].size
        if out is None:
            out = {f: np.empty(n) for f in FIELDS}
        for v in out.values():
            v.fill(np.nan)
        valid = check_points(p)
        vi = np.flatnonzero(valid)
        out["status"][~valid] = ST_INVALID
        for fld in ("uncertain", "resolved_dense"):
            out[fld][:] = 0.0
        flagged = []
        for s in range(0, vi.size, chunk):
            idx = vi[s: s + chunk]
            # all valid (the usual case): a slice, so that the chunk is a view
            o, fl = solve_chunk(take(p, slice(s, s + chunk) if vi.size == n else idx), tm=tm)
            for key in FIELDS:
                if key not in ("uncertain", "resolved_dense"):
                    out[key][idx] = o[key]
            flagged.append(idx[fl])
        fl_idx = np.concatenate(flagged) if flagged else np.zeros(0, np.intp)
        tm2 = Timer()
        for s in range(0, fl_idx.size, max(1, chunk // DENSE)):
            idx = fl_idx[s: s + max(1, chunk // DENSE)]
            o, fl = solve_chunk(take(p, idx), J_OPT * DENSE, J_EQ * DENSE, final=True, tm=tm2)
            for key in FIELDS:
                if key not in ("uncertain", "resolved_dense"):
                    out[key][idx] = o[key]
            out["resolved_dense"][idx] = 1.0
            out["uncertain"][idx[fl]] = 1.0
            out["status"][idx[fl]] = ST_NOTCONV
        tm.t["dense_resolve"] = sum(tm2.t.values())
        tm.last = time.perf_counter()
    return out


# The points and a shared result buffer (len(FIELDS) x n doubles) live in the parent
# before the pool forks: the workers inherit both, read their slice of points and write
# their slice of answers in place, and return only their phase timings.
_POINTS = None
_OUT = None
_CHUNK = 1024


def make_shared(n):
    """A (len(FIELDS), n) float64 array in shared memory (inherited across fork)."""
    buf = mp.get_context("fork").RawArray("d", len(FIELDS) * max(n, 1))
    return np.frombuffer(buf, dtype=np.float64)[: len(FIELDS) * n].reshape(len(FIELDS), n)


def _worker(rng):
    s, e = rng
    tm = Timer()
    solve(take(_POINTS, slice(s, e)), chunk=_CHUNK, tm=tm,
          out={f: _OUT[i, s:e] for i, f in enumerate(FIELDS)})
    return tm.t


def run_pool(pool, n, procs):
    """One timed solve of all points over the pool: contiguous equal splits; the
    answers land in the shared buffer _OUT."""
    edges = np.linspace(0, n, procs + 1).round().astype(int)
    res = pool.map(_worker, [(int(edges[i]), int(edges[i + 1])) for i in range(procs)], chunksize=1)
    times = {}
    for t in res:
        for key, v in t.items():
            times[key] = times.get(key, 0.0) + v
    return times


# ---------------------------------------------------------------- CSV and comparison
CSV_PARAM = {"a": "a", "b": "b", "c": "c", "d": "d", "e_m": "e_m", "e_n": "e_n",
             "muF": "cust_p0", "sF": "cust_p1", "M": "cust_M", "muG": "prov_p0",
             "sG": "prov_p1", "N": "prov_M"}
CSV_ANS = ("status", "f", "g", "m", "n", "U", "V", "P", "soc_q1", "soc_q", "h_m", "h_n",
           "eq_det", "eq_stable", "n_eq", "below_cost_m", "below_cost_n", "side_m", "side_n")


def die(msg):
    print(f"numpy_baseline: {msg}", file=sys.stderr)
    sys.exit(2)


def read_dump(path, pair=None, variant=None):
    """Points (PARAMS) and the engine's answers (CSV_ANS) of one pair and variant."""
    try:
        with open(path, newline="") as fp:
            rows = list(csv.DictReader(fp))
    except OSError as e:
        die(f"{path}: {e.strerror}")
    if not rows:
        die(f"{path}: no rows")
    missing = [c for c in ("pair", "variant", *CSV_PARAM.values(), *CSV_ANS) if c not in rows[0]]
    if missing:
        die(f"{path}: not an optimum dump of platsweep bench (missing {', '.join(missing)})")
    pair = pair or rows[0]["pair"]
    variant = variant or rows[0]["variant"]
    rows = [r for r in rows if r["pair"] == pair and r["variant"] == variant]
    if not rows:
        die(f"{path}: no rows for {pair}/{variant}")
    if pair != "logit:logit":
        die(f"pair {pair}: only logit:logit is implemented")
    p = {k: np.array([float(r[v]) for r in rows]) for k, v in CSV_PARAM.items()}
    eng = {k: np.array([float(r[k]) for r in rows]) for k in CSV_ANS}
    return pair, variant, p, eng


def compare(p, eng, mine, rtol):
    """Agreement of the NumPy answers with the engine's, point by point."""
    n = p["a"].size
    S = (np.abs(p["a"]) * p["N"] + np.abs(p["b"]) * p["M"] + np.abs(p["e_m"]) * p["M"] +
         np.abs(p["e_n"]) * p["N"] + np.abs(p["c"]) + np.abs(p["d"]) + p["sF"] + p["sG"])
    PS = S * (p["M"] + p["N"])
    eng_unc = eng["status"] == ST_NOTCONV
    np_unc = mine["uncertain"] == 1.0
    comp = ~eng_unc & ~np_unc
    same_status = mine["status"] == eng["status"]
    num = comp & same_status & (eng["status"] <= ST_DEGEN)
    scales = {"f": S, "g": S, "U": S, "V": S, "m": p["M"], "n": p["N"], "P": PS,
              "eq_det": 1.0 + np.abs(1.0 - mine["eq_det"]), "soc_q1": np.maximum(1.0, mine["soc_scale"]),
              "soc_q": np.maximum(1.0, mine["soc_scale"])}
    # degenerate: tied maximisers (either may be reported) or a singular SOC (the
    # location is ill-conditioned): only the status and the profit are compared
    loc = num & (eng["status"] != ST_DEGEN)
    bad = comp & ~same_status
    worst = {}
    with np.errstate(all="ignore"):
        for key, sc in scales.items():
            e, m = eng[key], mine[key]
            use = num if key == "P" else loc
            rel = np.where(np.isnan(e) & np.isnan(m), 0.0, np.abs(e - m) / sc)
            rel = np.where(use, rel, 0.0)
            rel[use & np.isnan(rel)] = np.inf
            bad |= use & (rel > rtol)
            j = int(np.argmax(rel)) if n else 0
            worst[key] = {"rel": float(rel[j]) if n else 0.0, "index": j}
    for key in ("n_eq", "eq_stable"):
        miss = loc & (eng[key] != mine[key])
        bad |= miss
        worst[key] = {"mismatches": int(miss.sum())}
    return {
        "points": n,
        "compared": int(comp.sum()),
        "agree": int((comp & ~bad).sum()),
        "disagree": int(bad.sum()),
        "status_mismatch": int((comp & ~same_status).sum()),
        "engine_not_converged": int(eng_unc.sum()),
        "numpy_uncertain": int(np_unc.sum()),
        "numpy_resolved_dense": int((mine["resolved_dense"] == 1.0).sum()),
        "rtol": rtol,
        "worst": worst,
        "disagree_index": np.flatnonzero(bad).tolist(),
        "uncertain_index": np.flatnonzero(np_unc).tolist(),
    }


def describe_point(p, eng, mine, i):
    prm = ", ".join(f"{k}={p[k][i]:.17g}" for k in PARAMS)
    fe = ", ".join(f"{k}={eng[k][i]:.12g}" for k in ("status", "f", "g", "m", "n", "P", "n_eq", "eq_stable"))
    fm = ", ".join(f"{k}={mine[k][i]:.12g}" for k in ("status", "f", "g", "m", "n", "P", "n_eq", "eq_stable"))
    return f"  point {i}: {prm}\n    engine: {fe}\n    numpy:  {fm}"


def main(argv=None):
    global _POINTS, _OUT, _CHUNK
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__[__doc__.index("Agreement (--rtol"):].split("\n\nOnly")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points-csv", required=True, help="CSV written by platsweep bench --dump")
    ap.add_argument("--pair", help="pair to take from the CSV (default: the first row's)")
    ap.add_argument("--variant", help="variant to take from the CSV (default: the first row's)")
    ap.add_argument("--procs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--repeat", type=int, default=5, help="timed repeats after one warm-up (default 5)")
    ap.add_argument("--chunk", type=int, default=1024, help="points per vectorised chunk (default 1024)")
    ap.add_argument("--rtol", type=float, default=1e-8,
                    help="tolerance: |diff| / scale, scale S for f, g, U, V, M/N for m/n, "
                         "S(M+N) for P (default 1e-8)")
    ap.add_argument("--profile", action="store_true", help="print the time per phase (summed over processes)")
    ap.add_argument("--show", type=int, default=10, help="disagreeing/uncertain points to print (default 10)")
    ap.add_argument("--json", action="store_true", help="one JSON line instead of the text report")
    ap.add_argument("--json-out", metavar="FILE", help="also write the JSON line to FILE")
    args = ap.parse_args(argv)
    if args.procs < 1 or args.repeat < 1 or args.chunk < 1:
        ap.error("--procs, --repeat and --chunk must be positive")

    pair, variant, p, eng = read_dump(args.points_csv, args.pair, args.variant)
    n = p["a"].size
    _POINTS, _OUT, _CHUNK = p, make_shared(n), args.chunk
    ctx = mp.get_context("fork")
    with ctx.Pool(args.procs) as pool:
        run_pool(pool, n, args.procs)  # warm-up
        times, phases = [], {}
        for _ in range(args.repeat):
            _OUT.fill(np.nan)  # (outside the timing)
            t0 = time.perf_counter()
            ph = run_pool(pool, n, args.procs)
            times.append(time.perf_counter() - t0)
            for key, v in ph.items():
                phases[key] = phases.get(key, 0.0) + v / args.repeat
    mine = {f: _OUT[i].copy() for i, f in enumerate(FIELDS)}
    times.sort()
    med = times[len(times) // 2]
    cmp_ = compare(p, eng, mine, args.rtol)
    st = [int((mine["status"] == s).sum()) for s in range(6)]
    res = {
        "pair": pair, "variant_compared": variant, "impl": "numpy", "numpy": np.__version__,
        "procs": args.procs, "chunk": args.chunk, "points": n, "repeat": args.repeat,
        "points_per_s": n / med, "median_s": med, "min_s": times[0], "max_s": times[-1],
        "status": st, "phases_s": {k: round(v, 6) for k, v in phases.items()},
        **{k: v for k, v in cmp_.items() if k not in ("disagree_index", "uncertain_index")},
        "disagree_index": cmp_["disagree_index"][:100],
        "uncertain_index": cmp_["uncertain_index"][:100],
    }
    if args.json_out:
        with open(args.json_out, "w") as fp:
            fp.write(json.dumps(res) + "\n")
    if args.json:
        print(json.dumps(res))
    else:
        print(f"numpy baseline: {pair}, {n} points, {args.procs} processes, chunk {args.chunk}, "
              f"median of {args.repeat}: {med:.4g} s = {n / med:.6g} points/s "
              f"(min {times[0]:.4g} s, max {times[-1]:.4g} s)")
        print(f"  status counts (ok corner noint degen notconv invalid): {' '.join(map(str, st))}")
        if args.profile:
            tot = sum(phases.values())
            print("  phases (CPU-seconds per solve, summed over processes):")
            for key, v in sorted(phases.items(), key=lambda kv: -kv[1]):
                print(f"    {key:14s} {v:8.4f} s  {100 * v / tot:5.1f}%")
        print(f"agreement with {variant} (rtol {args.rtol:g}): {cmp_['agree']} agree, "
              f"{cmp_['disagree']} disagree of {cmp_['compared']} compared; excluded: "
              f"{cmp_['engine_not_converged']} engine not_converged, {cmp_['numpy_uncertain']} numpy "
              f"uncertain; {cmp_['numpy_resolved_dense']} numpy points re-solved densely")
        print("  worst: " + ", ".join(
            f"{k} {v['rel']:.2e}" if "rel" in v else f"{k} {v['mismatches']} mismatches"
            for k, v in cmp_["worst"].items()))
        for i in cmp_["disagree_index"][: args.show]:
            print("disagree:\n" + describe_point(p, eng, mine, i))
        for i in cmp_["uncertain_index"][: args.show]:
            print("numpy uncertain:\n" + describe_point(p, eng, mine, i))
    return 1 if cmp_["disagree"] else 0


if __name__ == "__main__":
    sys.exit(main())
