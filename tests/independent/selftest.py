#!/usr/bin/python3
"""Self-tests of the independent reference model (tests/independent/model.py).

Run:  /usr/bin/python3 tests/independent/selftest.py [--quick] [--jobs 2]
Checks: family functions against mpmath (50 digits); MODEL.md section 5 closed
forms (box QP, 3x3 regime equilibria, decoupled Lambert-W FOCs, expgrowth x
linear Lambert W, symmetric expgrowth); the section 3.6 example; U- vs
V-parametrised equilibria and the index theorem; brute force over fees (best
equilibrium) never beating P*.  Exit status 0 iff all pass.
"""
import argparse
import math
import os
import random
import sys
from multiprocessing import Pool

import mpmath as mp
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import families  # noqa: E402
import model  # noqa: E402

mp.mp.dps = 50
FAILS = []
COUNTS = {}


def check(name, cond, msg=""):
    COUNTS[name] = COUNTS.get(name, 0) + 1
    if not cond:
        FAILS.append("%s: %s" % (name, msg))


def close(x, y, atol, rtol):
    if x is None or y is None:
        return False
    if (isinstance(x, float) and math.isnan(x)) or (isinstance(y, float) and math.isnan(y)):
        return (isinstance(x, float) and math.isnan(x)) and (isinstance(y, float) and math.isnan(y))
    return abs(x - y) <= atol + rtol * abs(y)


# ----------------------------------------------------------------------------- families vs mpmath
def mp_family(name, p):
    """Return dict of mpmath callables F, Fp, h, hp, Finv."""
    if name == "logit":
        mu, s, M = [mp.mpf(v) for v in p]
        F = lambda U: M / (1 + mp.exp(-(U - mu) / s))
        Fp = lambda U: (M / s) * mp.exp(-(U - mu) / s) / (1 + mp.exp(-(U - mu) / s)) ** 2
        Finv = lambda m: mu + s * (mp.log(m) - mp.log(M - m))
    elif name == "probit":
        mu, sg, M = [mp.mpf(v) for v in p]
        F = lambda U: M * mp.ncdf((U - mu) / sg)
        Fp = lambda U: (M / sg) * mp.npdf((U - mu) / sg)
        Finv = None
    elif name == "exponential":
        u0, s, M = [mp.mpf(v) for v in p]
        F = lambda U: M * (1 - mp.exp(-(U - u0) / s))
        Fp = lambda U: (M / s) * mp.exp(-(U - u0) / s)
        Finv = lambda m: u0 - s * mp.log(1 - m / M)
    elif name == "expgrowth":
        A, s, M = [mp.mpf(v) for v in p]
        F = lambda U: A * mp.exp(U / s)
        Fp = lambda U: A * mp.exp(U / s) / s
        Finv = lambda m: s * mp.log(m / A)
    elif name == "power":
        A, ka, u0, M = [mp.mpf(v) for v in p]
        F = lambda U: A * (U - u0) ** ka
        Fp = lambda U: A * ka * (U - u0) ** (ka - 1)
        Finv = lambda m: u0 + (m / A) ** (1 / ka)
    elif name == "linear":
        al, be, M = [mp.mpf(v) for v in p]
        F = lambda U: al + be * U
        Fp = lambda U: be
        Finv = lambda m: (m - al) / be
    elif name == "uniform":
        lo, hi, M = [mp.mpf(v) for v in p]
        F = lambda U: M * (U - lo) / (hi - lo)
        Fp = lambda U: M / (hi - lo)
        Finv = lambda m: lo + (hi - lo) * m / M
    h = lambda U: F(U) / Fp(U)
    hp = lambda U: mp.diff(h, U)
    return dict(F=F, Fp=Fp, h=h, hp=hp, Finv=Finv)


def rel_ok(x, ref, rtol, atol=0.0):
    ref = float(ref)
    if math.isinf(ref):
        return math.isinf(x) and (x > 0) == (ref > 0)
    return abs(x - ref) <= rtol * abs(ref) + atol


def test_families():
    rng = random.Random(1)
    specs = [
        ("logit", (0.3, 0.7, 2.0), np.concatenate([np.linspace(-3, 3, 13), [-50, -200, -400, 20, 30]])),
        ("probit", (0.1, 0.5, 1.5), np.concatenate([np.linspace(-2, 2, 9), [-3, -5, -10, -15, -19, 3, 4]])),
        ("exponential", (-0.5, 0.8, 1.0), np.array([-0.5 + 1e-12, -0.5 + 1e-6, -0.4, 0, 1, 5, 20])),
        ("expgrowth", (0.4, 0.6, 3.0), np.array([-300, -50, -5, -1, 0, 0.5])),
        ("power", (2.0, 0.6, -0.3, 1.0), np.array([-0.3 + 1e-10, -0.2, 0.0, -0.1])),
        ("power", (1.5, 2.5, 0.2, 1.0), np.array([0.2 + 1e-8, 0.3, 0.5, 0.9])),
        ("linear", (0.3, 1.7, 1.0), np.array([-0.15, 0.0, 0.2])),
        ("uniform", (-1.0, 2.0, 1.0), np.array([-0.9, 0.0, 1.5])),
    ]
    for name, p, Us in specs:
        fam = families.CLASSES[name](*p)
        ref = mp_family(name, p)
        for U in Us:
            U = float(U)
            mU = mp.mpf(U)
            Fv = float(fam.F(U))
            Fr = ref["F"](mU)
            cond = abs(U * float(fam.Fp(U)) / Fv) if Fv > 0 else 0.0
            check("family_F", rel_ok(Fv, Fr, 2e-14 * (1 + cond), 1e-300), "%s U=%r F=%r ref=%s" % (name, U, Fv, mp.nstr(Fr, 17)))
            check("family_Fp", rel_ok(float(fam.Fp(U)), ref["Fp"](mU), 2e-13, 1e-300),
                  "%s U=%r Fp=%r ref=%s" % (name, U, float(fam.Fp(U)), mp.nstr(ref["Fp"](mU), 17)))
            hr = ref["h"](mU)
            check("family_h", rel_ok(float(fam.h(U)), hr, 1e-12 if name != "exponential" else 1e-9, 1e-300),
                  "%s U=%r h=%r ref=%s" % (name, U, float(fam.h(U)), mp.nstr(hr, 17)))
            hpr = ref["hp"](mU)
            check("family_hp", rel_ok(float(fam.hp(U)), hpr, 1e-10, 1e-14),
                  "%s U=%r hp=%r ref=%s" % (name, U, float(fam.hp(U)), mp.nstr(hpr, 17)))
            if Fv > 1e-300 and Fv < fam.M * (1 - 1e-6):
                Ui = float(fam.Finv(Fv))
                # inverse of the double F value, compared with mp inverse of the same value
                if ref["Finv"] is not None:
                    Uir = ref["Finv"](mp.mpf(Fv))
                else:
                    Uir = mp.mpf(p[0]) + mp.mpf(p[1]) * mp.sqrt(2) * mp.erfinv(2 * mp.mpf(Fv) / mp.mpf(p[2]) - 1) \
                        if Fv / p[2] > 1e-10 else None
                    if Uir is None:
                        Uir = mp.findroot(lambda x: ref["F"](x) - mp.mpf(Fv), mU)
                check("family_Finv", rel_ok(Ui, Uir, 1e-12, 1e-13 * fam.spread),
                      "%s m=%r Finv=%r ref=%s" % (name, Fv, Ui, mp.nstr(Uir, 17)))
    # probit deep tail h and h' (MODEL: z in [-1000, 8])
    fam = families.Probit(0.0, 1.0, 1.0)
    for z in [-1000.0, -300.0, -60.0, -50.5, -49.5, -38.6, -20.0, -7.0, -6.01, -5.99, -1.0, 0.0, 4.0, 8.0]:
        t = mp.mpf(-z)
        R = mp.erfc(t / mp.sqrt(2)) / 2 / mp.npdf(t)  # Phi(z)/phi(z)
        hpr = 1 - t * R
        check("probit_tail_h", rel_ok(float(fam.h(z)), R, 2e-14), "z=%r h=%r ref=%s" % (z, float(fam.h(z)), mp.nstr(R, 17)))
        check("probit_tail_hp", rel_ok(float(fam.hp(z)), hpr, 5e-12),
              "z=%r hp=%r ref=%s" % (z, float(fam.hp(z)), mp.nstr(hpr, 17)))


# ----------------------------------------------------------------------------- random linear/uniform points
def rand_lin_family(rng, prefix, d):
    M = rng.choice([1.0, 1.0, 2.0, 0.5])
    if rng.random() < 0.5:
        d[prefix + ".family"] = "linear"
        d[prefix + ".alpha"] = rng.uniform(-0.5, 1.2) * M
        d[prefix + ".beta"] = rng.uniform(0.2, 2.0)
        d[prefix + ".M"] = M
    else:
        d[prefix + ".family"] = "uniform"
        lo = rng.uniform(-1.5, 1.0)
        d[prefix + ".lo"] = lo
        d[prefix + ".hi"] = lo + rng.uniform(0.3, 3.0)
        d[prefix + ".M"] = M


def lin_ab(d, prefix):
    if d[prefix + ".family"] == "linear":
        return d[prefix + ".alpha"], d[prefix + ".beta"], d[prefix + ".M"]
    b1 = d[prefix + ".M"] / (d[prefix + ".hi"] - d[prefix + ".lo"])
    return -b1 * d[prefix + ".lo"], b1, d[prefix + ".M"]


def qp_optimum(d):
    """MODEL 5.1: exact box QP."""
    a, b, c, dd, em, en = d["a"], d["b"], d["c"], d["d"], d["e_m"], d["e_n"]
    a1, b1, M = lin_ab(d, "customers")
    a2, b2, N = lin_ab(d, "providers")
    k = a + b
    r1 = a1 / b1 - c
    r2 = a2 / b2 - dd
    P = lambda m, n: k * m * n + (em - 1 / b1) * m * m + (en - 1 / b2) * n * n + r1 * m + r2 * n
    A1 = 2 * (1 / b1 - em)
    A2 = 2 * (1 / b2 - en)
    D = A1 * A2 - k * k
    cands = []
    if A1 > 0 and D > 0:
        ms = (A2 * r1 + k * r2) / D
        ns = (A1 * r2 + k * r1) / D
        if 0 < ms < M and 0 < ns < N:
            cands.append((ms, ns))
    # edges: m fixed in {0, M}: maximise over n in [0,N]
    for mf in (0.0, M):
        qa = en - 1 / b2
        qb = k * mf + r2
        if qa < 0:
            nv = min(max(-qb / (2 * qa), 0.0), N)
            cands.append((mf, nv))
    for nf in (0.0, N):
        qa = em - 1 / b1
        qb = k * nf + r1
        if qa < 0:
            mv = min(max(-qb / (2 * qa), 0.0), M)
            cands.append((mv, nf))
    for mf in (0.0, M):
        for nf in (0.0, N):
            cands.append((mf, nf))
    best = max(cands, key=lambda x: P(*x))
    ms, ns = best
    f = a * ns + em * ms - (ms - a1) / b1
    g = b * ms + en * ns - (ns - a2) / b2
    return dict(m=ms, n=ns, P=P(ms, ns), f=f, g=g, D=D, A1=A1, all=[(x, P(*x)) for x in cands])


def test_qp(npts, rng):
    done = 0
    while done < npts:
        d = {"a": rng.uniform(-1.5, 2.0), "b": rng.uniform(-1.5, 2.0), "c": rng.uniform(-0.5, 1.0),
             "d": rng.uniform(-0.5, 1.0), "e_m": 0.0, "e_n": 0.0}
        if rng.random() < 0.4:
            d["e_m"] = rng.uniform(-0.8, 0.6)
            d["e_n"] = rng.uniform(-0.8, 0.6)
        rand_lin_family(rng, "customers", d)
        rand_lin_family(rng, "providers", d)
        ref = qp_optimum(d)
        # skip near-ties (the QP ties make the location ambiguous)
        Ps = sorted([p for (_, p) in ref["all"]], reverse=True)
        pt = model.Point(d)
        res = pt.optimum(do_bruteforce=False)
        done += 1
        S, PS = pt.S, pt.PS
        tag = "qp %r" % (d,)
        check("qp_P", abs(res["P_opt"] - ref["P"]) <= 1e-9 * max(abs(ref["P"]), 1e-13 * PS) + 1e-15 * PS,
              "%s P=%r ref=%r" % (tag, res["P_opt"], ref["P"]))
        distinct_second = [p for (x, p) in ref["all"]
                           if (abs(x[0] - ref["m"]) > 1e-7 * pt.M or abs(x[1] - ref["n"]) > 1e-7 * pt.N)]
        if distinct_second and max(distinct_second) >= ref["P"] - (1e-8 * abs(ref["P"]) + 1e-11 * PS):
            continue  # near tie: location not well defined
        check("qp_mn", close(res["m_opt"], ref["m"], 1e-7 * pt.M, 1e-6) and close(res["n_opt"], ref["n"], 1e-7 * pt.N, 1e-6),
              "%s m,n=%r,%r ref=%r,%r" % (tag, res["m_opt"], res["n_opt"], ref["m"], ref["n"]))
        check("qp_fees", close(res["f_opt"], ref["f"], 1e-7 * S, 1e-6) and close(res["g_opt"], ref["g"], 1e-7 * S, 1e-6),
              "%s f,g=%r,%r ref=%r,%r" % (tag, res["f_opt"], res["g_opt"], ref["f"], ref["g"]))


def regime_equilibria(d, f, g):
    """MODEL 5.2: enumerate the 3x3 regimes."""
    a, b, em, en = d["a"], d["b"], d["e_m"], d["e_n"]
    a1, b1, M = lin_ab(d, "customers")
    a2, b2, N = lin_ab(d, "providers")
    sols = []
    for rm in ("z", "i", "c"):
        for rn in ("z", "i", "c"):
            # unknowns m,n; equations per regime
            A = np.zeros((2, 2))
            r = np.zeros(2)
            if rm == "z":
                A[0] = [1, 0]; r[0] = 0
            elif rm == "c":
                A[0] = [1, 0]; r[0] = M
            else:
                A[0] = [1 - b1 * em, -b1 * a]; r[0] = a1 - b1 * f
            if rn == "z":
                A[1] = [0, 1]; r[1] = 0
            elif rn == "c":
                A[1] = [0, 1]; r[1] = N
            else:
                A[1] = [-b2 * b, 1 - b2 * en]; r[1] = a2 - b2 * g
            if abs(np.linalg.det(A)) < 1e-14:
                continue
            m, n = np.linalg.solve(A, r)
            U = a * n + em * m - f
            V = b * m + en * n - g
            zU = a1 + b1 * U
            zV = a2 + b2 * V
            tol = 1e-12
            okm = (rm == "z" and zU <= tol) or (rm == "c" and zU >= M - tol) or (rm == "i" and -tol <= zU <= M + tol)
            okn = (rn == "z" and zV <= tol) or (rn == "c" and zV >= N - tol) or (rn == "i" and -tol <= zV <= N + tol)
            if okm and okn:
                if not any(abs(m - s[0]) <= 1e-9 * M and abs(n - s[1]) <= 1e-9 * N for s in sols):
                    sols.append((m, n))
    sols.sort(key=lambda s: (round(s[0] / M, 9), s[1]))
    return sols


def test_regimes(npts, rng):
    for _ in range(npts):
        d = {"a": rng.uniform(-2.5, 3.0), "b": rng.uniform(-2.5, 3.0), "c": 0.0, "d": 0.0,
             "e_m": 0.0, "e_n": 0.0}
        if rng.random() < 0.5:
            d["e_m"] = rng.uniform(-2.0, 3.0)
            d["e_n"] = rng.uniform(-2.0, 3.0)
        rand_lin_family(rng, "customers", d)
        rand_lin_family(rng, "providers", d)
        f = rng.uniform(-1.5, 1.5)
        g = rng.uniform(-1.5, 1.5)
        ref = regime_equilibria(d, f, g)
        pt = model.Point(d)
        for meth in ("auto", "V"):
            if meth == "V" and d["b"] == 0:
                continue
            st, eqs = pt.equilibria(f, g, method=meth)
            ok = len(eqs) == len(ref) and all(
                close(e["m"], r[0], 1e-9 * pt.M, 1e-9) and close(e["n"], r[1], 1e-9 * pt.N, 1e-9) for e, r in zip(eqs, ref))
            check("regime_eq_" + meth, ok, "%r f=%r g=%r got=%r ref=%r" % (d, f, g, [(e["m"], e["n"]) for e in eqs], ref))


# ----------------------------------------------------------------------------- decoupled closed forms (5.3)
def W0exp(q):
    """W0(e^q), also for large q (w + log w = q)."""
    if q < 700:
        return float(mp.lambertw(mp.exp(q)).real)
    w = q - math.log(q)
    for _ in range(50):
        w -= (w + math.log(w) - q) / (1 + 1 / w)
    return w


def test_decoupled(rng):
    cases = []
    for _ in range(12):
        c = rng.uniform(-1, 2)
        mu, s = rng.uniform(-1, 1), rng.uniform(0.2, 2)
        q = -(mu + s + c) / s
        x = q - W0exp(q)
        cases.append(({"customers.family": "logit", "customers.mu": mu, "customers.s": s, "customers.M": 1.0}, c, mu + s * x, 0))
        u0, s = rng.uniform(-2, 1), rng.uniform(0.2, 2)
        q = (s - u0 - c) / s
        if q > 1:
            x = q - W0exp(q)
            cases.append(({"customers.family": "exponential", "customers.u0": u0, "customers.s": s, "customers.M": 1.0}, c, u0 + s * x, 0))
        else:
            cases.append(({"customers.family": "exponential", "customers.u0": u0, "customers.s": s, "customers.M": 1.0}, c, u0, 1))
        A, ka, u0 = rng.uniform(0.2, 2), rng.uniform(0.3, 3), rng.uniform(-2, 1)
        Us = (u0 - c * ka) / (ka + 1)
        u1 = u0 + (1.0 / A) ** (1 / ka)
        if u0 + c < 0 and Us < u1:
            cases.append(({"customers.family": "power", "customers.A": A, "customers.kappa": ka, "customers.u0": u0, "customers.M": 1.0}, c, Us, 0))
        al, be = rng.uniform(-0.5, 1.2), rng.uniform(0.3, 2)
        Us = -(al / be + c) / 2
        if -al / be < Us < (1 - al) / be:
            cases.append(({"customers.family": "linear", "customers.alpha": al, "customers.beta": be, "customers.M": 1.0}, c, Us, 0))
        A, s = rng.uniform(0.01, 0.3), rng.uniform(0.2, 2)
        Us = -(s + c)
        if Us < s * math.log(1.0 / A):
            cases.append(({"customers.family": "expgrowth", "customers.A": A, "customers.s": s, "customers.M": 1.0}, c, Us, 0))
    for famd, c, Uref, side in cases:
        a = rng.uniform(-1, 1)
        d = dict(famd)
        d.update({"a": a, "b": -a, "c": c, "d": 0.3, "e_m": 0.0, "e_n": 0.0,
                  "providers.family": "logit", "providers.mu": 0.0, "providers.s": 1.0, "providers.M": 1.0})
        pt = model.Point(d)
        res = pt.optimum(do_bruteforce=False)
        check("decoupled_U", close(res["U_opt"], Uref, 1e-12 * pt.S, 1e-12) and res["side_m"] == side,
              "%r U=%r ref=%r side=%r" % (d, res["U_opt"], Uref, res["side_m"]))


# ----------------------------------------------------------------------------- Lambert W (5.4)
def test_lambert(rng):
    n_cases = 0
    while n_cases < 30:
        A, s = rng.uniform(0.05, 0.5), rng.uniform(0.3, 1.5)
        al2, b2 = rng.uniform(-0.3, 0.8), rng.uniform(0.3, 1.5)
        a, b = rng.uniform(0, 1.2), rng.uniform(0, 1.2)
        c, dd = rng.uniform(-0.2, 0.5), rng.uniform(-0.2, 0.5)
        k = a + b
        v0 = -al2 / b2
        lam = k * k * b2 / (2 * s)
        C0 = A * math.exp(-(k * b2 * (v0 + dd) / 2 + c + s) / s)
        if lam == 0 or lam * C0 > 1 / math.e:
            continue
        M = 1e3
        N = 1e3
        d = {"a": a, "b": b, "c": c, "d": dd, "e_m": 0.0, "e_n": 0.0,
             "customers.family": "expgrowth", "customers.A": A, "customers.s": s, "customers.M": M,
             "providers.family": "linear", "providers.alpha": al2, "providers.beta": b2, "providers.M": N}
        pt = model.Point(d)
        crit = pt.critical_points()
        refs = []
        for br, kind in ((0, "max"), (-1, "saddle")):
            m = float(-mp.lambertw(-lam * C0, br).real / lam)
            n = (b2 / 2) * (k * m - v0 - dd)
            if 0 < m < M and 0 < n < N:
                refs.append((m, n, kind))
        n_cases += 1
        for (m, n, kind) in refs:
            hit = [cp for cp in crit if close(float(pt.F.F(cp["U"])), m, 1e-9 * m, 1e-9) and close(float(pt.G.F(cp["V"])), n, 1e-9 * N, 1e-9)]
            check("lambert_expgrowth_linear", len(hit) == 1 and hit[0]["kind"] == kind,
                  "%r ref m=%r n=%r %s got=%r" % (d, m, n, kind, [(float(pt.F.F(c["U"])), float(pt.G.F(c["V"])), c["kind"]) for c in crit]))
    # symmetric expgrowth both sides
    n_cases = 0
    while n_cases < 30:
        A, s, c = rng.uniform(0.05, 0.5), rng.uniform(0.3, 1.5), rng.uniform(-0.2, 0.6)
        a = rng.uniform(0, 1.0)
        b = rng.uniform(0, 1.0)
        k = a + b
        K = k * A * math.exp(-(s + c) / s)
        if k == 0 or K / s > 1 / math.e:
            continue
        M = 1e4
        d = {"a": a, "b": b, "c": c, "d": c, "e_m": 0.0, "e_n": 0.0,
             "customers.family": "expgrowth", "customers.A": A, "customers.s": s, "customers.M": M,
             "providers.family": "expgrowth", "providers.A": A, "providers.s": s, "providers.M": M}
        pt = model.Point(d)
        crit = pt.critical_points()
        n_cases += 1
        for br, kind in ((0, "max"), (-1, "saddle")):
            y = float(-s * mp.lambertw(-K / s, br).real)
            U = y - s - c
            if U >= pt.F.u1:
                continue
            hit = [cp for cp in crit if abs(cp["U"] - U) <= 1e-10 * pt.S and abs(cp["V"] - U) <= 1e-10 * pt.S]
            check("lambert_symmetric", len(hit) == 1 and hit[0]["kind"] == kind,
                  "%r ref U=%r %s got=%r" % (d, U, kind, [(c["U"], c["V"], c["kind"]) for c in crit]))


# ----------------------------------------------------------------------------- MODEL 3.6 example
def test_example_36():
    d = {"a": -2.0, "b": -2.0, "c": -4.8197224577336, "d": -4.8197224577336, "e_m": 0.0, "e_n": 0.0,
         "customers.family": "logit", "customers.mu": 0.0, "customers.s": 0.1, "customers.M": 1.0,
         "providers.family": "logit", "providers.mu": 0.0, "providers.s": 0.1, "providers.M": 1.0}
    r = model.solve_point(d, problems=("optimum",))
    check("example_3_6", r["status_opt"] == 0 and close(r["m_opt"], 0.9, 1e-9, 0) and close(r["n_opt"], 0.9, 1e-9, 0)
          and close(r["eq_det_opt"], -2.24, 1e-9, 0) and r["n_eq_opt"] == 3 and r["eq_stable_opt"] == 0,
          "%r" % (model.public(r),))


# ----------------------------------------------------------------------------- inverse design (5.5)
def test_inverse_design(rng):
    for _ in range(10):
        ms, ns = rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95)
        d = {"a": rng.uniform(-1, 2), "b": rng.uniform(-1, 2), "e_m": rng.uniform(-0.5, 0.5), "e_n": rng.uniform(-0.5, 0.5),
             "customers.family": "logit", "customers.mu": 0.0, "customers.s": rng.uniform(0.1, 1), "customers.M": 1.0,
             "providers.family": "probit", "providers.mu": 0.0, "providers.sigma": rng.uniform(0.1, 1), "providers.M": 1.0,
             "c": 0.0, "d": 0.0}
        pt = model.Point(d)
        U, V = float(pt.F.Finv(ms)), float(pt.G.Finv(ns))
        # f* from the FOC formula and the equilibrium identity
        d["c"] = (d["a"] * ns + d["e_m"] * ms - U) - float(pt.F.h(U)) + d["b"] * ns + d["e_m"] * ms
        d["d"] = (d["b"] * ms + d["e_n"] * ns - V) - float(pt.G.h(V)) + d["a"] * ms + d["e_n"] * ns
        pt = model.Point(d)
        crit = pt.critical_points()
        hit = [cp for cp in crit if abs(cp["U"] - U) <= 1e-9 * pt.S and abs(cp["V"] - V) <= 1e-9 * pt.S]
        check("inverse_design", len(hit) == 1, "%r target U,V=%r,%r crit=%r" % (d, U, V, [(c["U"], c["V"]) for c in crit]))


# ----------------------------------------------------------------------------- random points for U/V and brute force
FAMS = ["linear", "uniform", "exponential", "expgrowth", "logit", "probit", "power"]


def rand_family(rng, prefix, d, name=None):
    name = name or rng.choice(FAMS)
    M = rng.choice([1.0, 1.0, 2.0, 0.5])
    d[prefix + ".family"] = name
    d[prefix + ".M"] = M
    if name == "linear":
        d[prefix + ".alpha"] = rng.uniform(-0.5, 1.0) * M
        d[prefix + ".beta"] = rng.uniform(0.2, 2.0)
    elif name == "uniform":
        lo = rng.uniform(-1.5, 1.0)
        d[prefix + ".lo"] = lo
        d[prefix + ".hi"] = lo + rng.uniform(0.3, 3.0)
    elif name == "exponential":
        d[prefix + ".u0"] = rng.uniform(-1.0, 1.0)
        d[prefix + ".s"] = rng.uniform(0.2, 2.0)
    elif name == "expgrowth":
        d[prefix + ".A"] = rng.uniform(0.05, 0.8) * M
        d[prefix + ".s"] = rng.uniform(0.2, 2.0)
    elif name == "logit":
        d[prefix + ".mu"] = rng.uniform(-1.0, 1.0)
        d[prefix + ".s"] = rng.uniform(0.05, 1.5)
    elif name == "probit":
        d[prefix + ".mu"] = rng.uniform(-1.0, 1.0)
        d[prefix + ".sigma"] = rng.uniform(0.05, 1.5)
    elif name == "power":
        d[prefix + ".A"] = rng.uniform(0.3, 2.0)
        d[prefix + ".kappa"] = rng.uniform(0.4, 2.5)
        d[prefix + ".u0"] = rng.uniform(-1.0, 0.5)


def rand_point(rng):
    d = {"a": rng.uniform(-1.5, 3.0), "b": rng.uniform(-1.5, 3.0), "c": rng.uniform(-0.5, 1.0),
         "d": rng.uniform(-0.5, 1.0), "e_m": 0.0, "e_n": 0.0}
    if rng.random() < 0.5:
        d["e_m"] = rng.uniform(-1.0, 2.0)
        d["e_n"] = rng.uniform(-1.0, 2.0)
    rand_family(rng, "customers", d)
    rand_family(rng, "providers", d)
    return d


def uv_job(seed):
    rng = random.Random(seed)
    d = rand_point(rng)
    if rng.random() < 0.3:
        d["a"] = rng.uniform(-0.05, 0.05)
    pt = model.Point(d)
    # fees that put a random target point in equilibrium (interesting region) or random
    if rng.random() < 0.7:
        mt, nt = rng.uniform(0.05, 0.95) * pt.M, rng.uniform(0.05, 0.95) * pt.N
        f = d["a"] * nt + d["e_m"] * mt - float(pt.F.Finv(mt))
        g = d["b"] * mt + d["e_n"] * nt - float(pt.G.Finv(nt))
    else:
        f, g = rng.uniform(-2, 2), rng.uniform(-2, 2)
    out = []
    stU, eU = pt.equilibria(f, g, method="U")
    stV, eV = pt.equilibria(f, g, method="V")
    same = len(eU) == len(eV) and all(close(x["m"], y["m"], 1e-9 * pt.M, 1e-8) and close(x["n"], y["n"], 1e-9 * pt.N, 1e-8)
                                      for x, y in zip(eU, eV))
    out.append(("eq_U_vs_V", same, "%r f=%r g=%r U:%r V:%r" % (d, f, g, [(x["m"], x["n"]) for x in eU], [(y["m"], y["n"]) for y in eV])))
    # index theorem over nondegenerate, non-kink equilibria
    dets = [e["det"] for e in eU]
    if all(abs(x) > 1e-6 for x in dets if math.isfinite(x)) and not any(e["on_kink"] for e in eU) and all(math.isfinite(x) for x in dets):
        idx = sum(1 if x > 0 else -1 for x in dets)
        out.append(("index_theorem", idx == 1, "%r f=%r g=%r dets=%r" % (d, f, g, dets)))
    return out


def bf_job(args):
    seed, nf = args
    if isinstance(seed, dict):
        d = {k: v for k, v in seed.items() if not k.startswith("_")}
    else:
        rng = random.Random(seed)
        d = rand_point(rng)
    pt = model.Point(d)
    res = pt.optimum(do_bruteforce=True)
    out = []
    out.append(("opt_internal_warn", not [w for w in res["_warn"] if not w.startswith("tie")],
                "%r warn=%r" % (d, res["_warn"])))
    if res["status_opt"] >= 4:
        return out
    Pstar = res["P_opt"]
    f0, g0 = res["f_opt"], res["g_opt"]
    S = pt.S
    best = -math.inf
    arg = None
    fs = np.concatenate([np.linspace(f0 - 0.5 * S, f0 + 0.5 * S, nf), f0 + np.linspace(-0.05, 0.05, 11) * S])
    gs = np.concatenate([np.linspace(g0 - 0.5 * S, g0 + 0.5 * S, nf), g0 + np.linspace(-0.05, 0.05, 11) * S])
    for f in fs:
        for g in gs:
            st, eqs = pt.equilibria(float(f), float(g))
            for e in eqs:
                P = e["m"] * (f - pt.c) + e["n"] * (g - pt.d)
                if P > best:
                    best, arg = P, (float(f), float(g), e["m"], e["n"])
    tol = 1e-10 * abs(Pstar) + 1e-13 * pt.PS
    out.append(("bruteforce_fees", best <= Pstar + tol, "%r P*=%r bf=%r at %r" % (d, Pstar, best, arg)))
    # profit identity and Prop. checks
    m, n, f, g = res["m_opt"], res["n_opt"], res["f_opt"], res["g_opt"]
    out.append(("profit_identity", close(m * (f - pt.c) + n * (g - pt.d), Pstar, 1e-13 * pt.PS, 1e-12), "%r" % (d,)))
    out.append(("not_both_below_cost", not (res["below_cost_m"] and res["below_cost_n"]), "%r" % (d,)))
    out.append(("P_nonneg", Pstar >= -1e-13 * pt.PS, "%r P=%r" % (d, Pstar)))
    if res["side_m"] == 0 and res["side_n"] == 0:
        out.append(("foc_f_resid", close(f, pt.c - pt.b * n - pt.e_m * m + res["h_m"], 1e-12 * S, 1e-12), "%r" % (d,)))
        out.append(("foc_g_resid", close(g, pt.d - pt.a * m - pt.e_n * n + res["h_n"], 1e-12 * S, 1e-12), "%r" % (d,)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--bf-points", type=int, default=36)
    ap.add_argument("--bf-extra", default=None,
                    help="JSONL points file (gen_points.py): also brute-force some of its designed points")
    ap.add_argument("--bf-extra-n", type=int, default=16)
    args = ap.parse_args()
    rng = random.Random(20240601)
    test_families()
    test_example_36()
    test_qp(60 if args.quick else 300, rng)
    test_regimes(60 if args.quick else 300, rng)
    test_decoupled(rng)
    test_lambert(rng)
    test_inverse_design(rng)
    nuv = 60 if args.quick else 300
    nbf = 8 if args.quick else args.bf_points
    with Pool(args.jobs) as pool:
        for lst in pool.imap_unordered(uv_job, range(1000, 1000 + nuv)):
            for (name, ok, msg) in lst:
                check(name, ok, msg)
        tasks = [(5000 + i, 41 if args.quick else 61) for i in range(nbf)]
        if args.bf_extra:
            import json
            extra = [json.loads(l) for l in open(args.bf_extra) if l.strip()]
            cats = ("multi_local_max", "corner_status", "cap", "nine_eq", "bistable_opt", "near_tie", "negative_ab")
            extra = [p for p in extra if p.get("_category") in cats and "f" in p]
            random.Random(3).shuffle(extra)
            tasks += [(p, 41) for p in extra[: args.bf_extra_n]]
        for lst in pool.imap_unordered(bf_job, tasks):
            for (name, ok, msg) in lst:
                check(name, ok, msg)
    for name in sorted(COUNTS):
        nf = sum(1 for x in FAILS if x.startswith(name + ":"))
        print("%-28s %5d checks  %4d failed" % (name, COUNTS[name], nf))
    for x in FAILS[:40]:
        print("FAIL", x[:2000])
    print("%d checks, %d failed" % (sum(COUNTS.values()), len(FAILS)))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
