#!/usr/bin/python3
"""Seeded generator of test points for the independent check (check.py).

Output: JSON lines, one point per line: parameter KEY -> value exactly as on the
engine's command line (a b c d e_m e_n f g customers.* providers.*), plus two
metadata keys that check.py strips before calling the engine:
  "_category"  (summary grouping) and "_id" (stable point number).

Usage: /usr/bin/python3 gen_points.py [--seed 1] [--scale 1.0] [-o points.jsonl]
--scale multiplies the number of points of every category (default ~1900 points).
"""
import argparse
import itertools
import json
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import families  # noqa: E402

FAMS = ["linear", "uniform", "exponential", "expgrowth", "logit", "probit", "power"]
CAPPED = ["linear", "uniform", "expgrowth", "power"]
FLAT = ["linear", "uniform", "exponential", "power"]
SMOOTH = ["logit", "probit"]


def rfam(rng, prefix, name, M=None, flat_at_or_above=None, width=None):
    """Random parameters for family `name`; returns dict of prefixed keys."""
    d = {prefix + ".family": name}
    M = M if M is not None else rng.choice([1.0, 1.0, 1.0, 2.0, 0.5, 10.0])
    w = width if width is not None else rng.choice([rng.uniform(0.2, 2.0), rng.uniform(0.05, 0.3)])
    d[prefix + ".M"] = M
    if name == "linear":
        beta = M / w
        if flat_at_or_above is not None:
            u0 = flat_at_or_above + rng.uniform(0, 0.5)
        else:
            u0 = rng.uniform(-1.0, 0.8)
        d[prefix + ".alpha"] = -beta * u0
        d[prefix + ".beta"] = beta
    elif name == "uniform":
        lo = flat_at_or_above + rng.uniform(0, 0.5) if flat_at_or_above is not None else rng.uniform(-1.0, 0.8)
        d[prefix + ".lo"] = lo
        d[prefix + ".hi"] = lo + w
    elif name == "exponential":
        d[prefix + ".u0"] = flat_at_or_above + rng.uniform(0, 0.5) if flat_at_or_above is not None else rng.uniform(-1.0, 0.8)
        d[prefix + ".s"] = w
    elif name == "expgrowth":
        d[prefix + ".A"] = M * rng.uniform(0.05, 0.7)
        d[prefix + ".s"] = w
    elif name == "logit":
        d[prefix + ".mu"] = rng.uniform(-1.0, 1.0)
        d[prefix + ".s"] = w
    elif name == "probit":
        d[prefix + ".mu"] = rng.uniform(-1.0, 1.0)
        d[prefix + ".sigma"] = w
    elif name == "power":
        kappa = rng.choice([rng.uniform(0.4, 0.95), 1.0, rng.uniform(1.05, 2.5)])
        d[prefix + ".kappa"] = kappa
        d[prefix + ".u0"] = flat_at_or_above + rng.uniform(0, 0.5) if flat_at_or_above is not None else rng.uniform(-1.0, 0.5)
        # u1 - u0 = w  ->  A = M / w^kappa
        d[prefix + ".A"] = M / w ** kappa
    return d


def fam_obj(d, prefix):
    return families.make_family(prefix, d)


def target_fees(d, mt, nt):
    """Fees that make (mt, nt) (interior) an equilibrium."""
    F, G = fam_obj(d, "customers"), fam_obj(d, "providers")
    U = float(F.Finv(mt))
    V = float(G.Finv(nt))
    f = d["a"] * nt + d["e_m"] * mt - U
    g = d["b"] * mt + d["e_n"] * nt - V
    return f, g


def add_fees(rng, d, mode=None):
    F, G = fam_obj(d, "customers"), fam_obj(d, "providers")
    mode = mode or rng.choice(["target", "target", "target", "random"])
    if mode == "target":
        mt = rng.uniform(0.03, 0.97) * F.M
        nt = rng.uniform(0.03, 0.97) * G.M
        d["f"], d["g"] = target_fees(d, mt, nt)
    else:
        S = abs(d["a"]) * G.M + abs(d["b"]) * F.M + F.spread + G.spread + 1.0
        d["f"] = rng.uniform(-0.7, 0.7) * S
        d["g"] = rng.uniform(-0.7, 0.7) * S


def base(rng, e=False):
    d = {"a": rng.uniform(-0.3, 1.5), "b": rng.uniform(-0.3, 1.5), "c": rng.uniform(-0.3, 0.8),
         "d": rng.uniform(-0.3, 0.8), "e_m": 0.0, "e_n": 0.0}
    if e:
        d["e_m"] = rng.uniform(-1.0, 1.0)
        d["e_n"] = rng.uniform(-1.0, 1.0)
    return d


def gen(seed, scale):
    rng = random.Random(seed)
    pts = []

    def emit(cat, d):
        d = dict(d)
        d["_category"] = cat
        pts.append(d)

    def n(x):
        return max(1, int(round(x * scale)))

    # 1. all 49 family pairs, e = 0 and e != 0
    for fc, fp in itertools.product(FAMS, FAMS):
        for i in range(n(10)):
            d = base(rng)
            d.update(rfam(rng, "customers", fc))
            d.update(rfam(rng, "providers", fp))
            # scale cross effects to the market sizes
            d["a"] /= fam_obj(d, "providers").M
            d["b"] /= fam_obj(d, "customers").M
            add_fees(rng, d)
            emit("pairs_e0", d)
        for i in range(n(4)):
            d = base(rng, e=True)
            d.update(rfam(rng, "customers", fc))
            d.update(rfam(rng, "providers", fp))
            F, G = fam_obj(d, "customers"), fam_obj(d, "providers")
            d["a"] /= G.M
            d["b"] /= F.M
            d["e_m"] /= F.M
            d["e_n"] /= G.M
            add_fees(rng, d)
            emit("pairs_intra", d)

    # 2. crowding (negative e) and positive intra effects
    for i in range(n(80)):
        d = base(rng)
        d.update(rfam(rng, "customers", rng.choice(FAMS), M=1.0))
        d.update(rfam(rng, "providers", rng.choice(FAMS), M=1.0))
        d["e_m"] = -rng.uniform(0.1, 3.0)
        d["e_n"] = -rng.uniform(0.0, 3.0) if rng.random() < 0.7 else rng.uniform(0, 0.5)
        add_fees(rng, d)
        emit("crowding", d)

    # 3. negative a and/or b
    for i in range(n(120)):
        d = base(rng, e=rng.random() < 0.3)
        d.update(rfam(rng, "customers", rng.choice(FAMS), M=1.0))
        d.update(rfam(rng, "providers", rng.choice(FAMS), M=1.0))
        which = rng.choice(["a", "b", "ab"])
        if "a" in which:
            d["a"] = -rng.uniform(0.05, 3.0)
        if "b" in which:
            d["b"] = -rng.uniform(0.05, 3.0)
        if rng.random() < 0.3:
            d["c"] = -rng.uniform(0, 3.0)
            d["d"] = -rng.uniform(0, 3.0)
        add_fees(rng, d)
        emit("negative_ab", d)
    # MODEL 3.6 example (a = b = -2, both margins positive yet unstable)
    emit("negative_ab", {"a": -2.0, "b": -2.0, "c": -4.8197224577336, "d": -4.8197224577336, "e_m": 0.0, "e_n": 0.0,
                         "customers.family": "logit", "customers.mu": 0.0, "customers.s": 0.1, "customers.M": 1.0,
                         "providers.family": "logit", "providers.mu": 0.0, "providers.s": 0.1, "providers.M": 1.0,
                         "f": 0.2, "g": 0.1})

    # 4. multiple equilibria: strong positive cross effects, fees at a middle (unstable) point
    for i in range(n(150)):
        d = {"c": rng.uniform(-0.3, 0.8), "d": rng.uniform(-0.3, 0.8), "e_m": 0.0, "e_n": 0.0}
        d.update(rfam(rng, "customers", rng.choice(FAMS), M=1.0))
        d.update(rfam(rng, "providers", rng.choice(FAMS), M=1.0))
        F, G = fam_obj(d, "customers"), fam_obj(d, "providers")
        mt, nt = rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)
        Fp = float(F.Fp(F.Finv(mt)))
        Gp = float(G.Fp(G.Finv(nt)))
        rho = rng.uniform(1.5, 15.0)
        ratio = math.exp(rng.uniform(-1.5, 1.5))
        ab = rho / (Fp * Gp)
        d["a"] = math.sqrt(ab) * ratio
        d["b"] = math.sqrt(ab) / ratio
        if rng.random() < 0.3:
            d["e_m"] = rng.uniform(-0.3, 0.3) / Fp
            d["e_n"] = rng.uniform(-0.3, 0.3) / Gp
        d["f"], d["g"] = target_fees(d, mt, nt)
        emit("multi_eq", d)

    # 5. bistable sides with weak coupling: up to 3 x 3 = 9 equilibria
    for i in range(n(80)):
        d = {"c": rng.uniform(-0.3, 0.8), "d": rng.uniform(-0.3, 0.8)}
        fc = rng.choice(SMOOTH + SMOOTH + FAMS)
        fp = rng.choice(SMOOTH + SMOOTH + FAMS)
        d.update(rfam(rng, "customers", fc, M=1.0))
        d.update(rfam(rng, "providers", fp, M=1.0))
        F, G = fam_obj(d, "customers"), fam_obj(d, "providers")
        mt = 0.5 if fc in SMOOTH else rng.uniform(0.3, 0.7)
        nt = 0.5 if fp in SMOOTH else rng.uniform(0.3, 0.7)
        Fp = float(F.Fp(F.Finv(mt)))
        Gp = float(G.Fp(G.Finv(nt)))
        d["e_m"] = rng.uniform(1.3, 4.0) / Fp
        d["e_n"] = rng.uniform(1.3, 4.0) / Gp
        eps = rng.choice([0.0, 1e-3, 0.01, 0.05])
        d["a"] = rng.uniform(-eps, eps) * F.spread
        d["b"] = rng.uniform(-eps, eps) * G.spread
        d["f"], d["g"] = target_fees(d, mt, nt)
        emit("nine_eq", d)

    # 6. near folds: det(I-A) = 0 at a target equilibrium, then fee perturbed by delta*S
    made = 0
    while made < n(100):
        d = {"c": rng.uniform(-0.3, 0.8), "d": rng.uniform(-0.3, 0.8), "e_m": 0.0, "e_n": 0.0}
        d.update(rfam(rng, "customers", rng.choice(SMOOTH + ["exponential", "power", "expgrowth"]), M=1.0))
        d.update(rfam(rng, "providers", rng.choice(SMOOTH + ["exponential", "power", "expgrowth"]), M=1.0))
        if d.get("customers.kappa") == 1.0 or d.get("providers.kappa") == 1.0:
            continue  # linear: det(I-A) constant, a fold would be a continuum
        F, G = fam_obj(d, "customers"), fam_obj(d, "providers")
        mt, nt = rng.uniform(0.1, 0.9) * F.M, rng.uniform(0.1, 0.9) * G.M
        if mt >= F.M or nt >= G.M:
            continue
        Fp = float(F.Fp(F.Finv(mt)))
        Gp = float(G.Fp(G.Finv(nt)))
        if not (Fp > 0 and Gp > 0 and math.isfinite(Fp) and math.isfinite(Gp)):
            continue
        if rng.random() < 0.4:
            d["e_m"] = rng.uniform(-0.5, 0.5) / Fp
            d["e_n"] = rng.uniform(-0.5, 0.5) / Gp
        a = math.exp(rng.uniform(-1, 1)) / math.sqrt(Fp * Gp) * rng.choice([1, 1, 1, -1])
        num = (1 - d["e_m"] * Fp) * (1 - d["e_n"] * Gp)
        b = num / (a * Fp * Gp)
        d["a"], d["b"] = a, b
        f, g = target_fees(d, mt, nt)
        S = abs(a) * G.M + abs(b) * F.M + abs(d["e_m"]) * F.M + abs(d["e_n"]) * G.M + F.spread + G.spread
        delta = rng.choice([1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10, 1e-12]) * rng.choice([-1, 1])
        if rng.random() < 0.5:
            f += delta * S
        else:
            g += delta * S
        d["f"], d["g"] = f, g
        emit("near_fold", d)
        made += 1

    # 7. tails: equilibrium participation 1e-100 .. 1e-250 (logit/probit)
    for i in range(n(80)):
        d = base(rng)
        fc = rng.choice(SMOOTH)
        d.update(rfam(rng, "customers", fc, M=1.0))
        d.update(rfam(rng, "providers", rng.choice(FAMS), M=1.0))
        d["a"] = rng.uniform(-0.1, 0.1)
        F, G = fam_obj(d, "customers"), fam_obj(d, "providers")
        if fc == "logit":
            Ut = d["customers.mu"] - d["customers.s"] * rng.uniform(230, 570)
        else:
            Ut = d["customers.mu"] - d["customers.sigma"] * rng.uniform(21.5, 33.5)
        d["f"] = max(0.0, d["a"] * G.M) - Ut
        add_fees_g = rng.uniform(-0.5, 0.5)
        d["g"] = add_fees_g
        emit("tail_eq", d)

    # 8. tails of the optimum: interior optima with m* ~ 1e-100 .. 1e-250 (and both sides tiny)
    for i in range(n(80)):
        d = base(rng)
        d["a"] = rng.uniform(-0.3, 0.5)
        d["b"] = rng.uniform(-0.3, 0.5)
        fc = rng.choice(SMOOTH)
        both = rng.random() < 0.25
        fp = rng.choice(SMOOTH) if both else rng.choice(FAMS)
        d.update(rfam(rng, "customers", fc, M=1.0))
        d.update(rfam(rng, "providers", fp, M=1.0))
        k = d["a"] + d["b"]
        for side, fam, cost in (("customers", fc, "c"), ("providers", fp, "d")):
            if side == "providers" and not both:
                continue
            if fam == "logit":
                d[cost] = -d[side + ".mu"] + d[side + ".s"] * rng.uniform(230, 570) + max(0.0, k)
            else:
                d[cost] = -d[side + ".mu"] + d[side + ".sigma"] * rng.uniform(21.5, 33.5) + max(0.0, k)
        add_fees(rng, d)
        emit("tail_opt", d)

    # 9. underflow of the optimum (m* below the double range): status not_converged (MODEL 1, 3.8)
    for i in range(n(10)):
        d = base(rng)
        fc = rng.choice(SMOOTH)
        d.update(rfam(rng, "customers", fc, M=1.0))
        d.update(rfam(rng, "providers", rng.choice(FAMS), M=1.0))
        k = d["a"] + d["b"]
        if fc == "logit":
            d["c"] = -d["customers.mu"] + d["customers.s"] * rng.uniform(800, 1200) + max(0.0, k)
        else:
            d["c"] = -d["customers.mu"] + d["customers.sigma"] * rng.uniform(40, 60) + max(0.0, k)
        add_fees(rng, d)
        emit("underflow", d)

    # 10. cap corners: capped families, strong positive effects, low costs
    for i in range(n(120)):
        d = {"c": rng.uniform(-0.5, 0.3), "d": rng.uniform(-0.5, 0.3), "e_m": 0.0, "e_n": 0.0}
        fc = rng.choice(CAPPED)
        fp = rng.choice(CAPPED) if rng.random() < 0.6 else rng.choice(FAMS)
        d.update(rfam(rng, "customers", fc, M=1.0))
        d.update(rfam(rng, "providers", fp, M=1.0))
        F, G = fam_obj(d, "customers"), fam_obj(d, "providers")
        d["a"] = rng.uniform(0.5, 3.0) * (F.spread + G.spread)
        d["b"] = rng.uniform(0.5, 3.0) * (F.spread + G.spread)
        if rng.random() < 0.3:
            d["e_m"] = rng.uniform(0, 1.0) * F.spread
        add_fees(rng, d)
        emit("cap", d)

    # 11. shutdown: flat-bottomed families, high costs, small k: m* = n* = 0
    for i in range(n(60)):
        d = {"a": rng.uniform(-0.2, 0.3), "b": rng.uniform(-0.2, 0.3), "e_m": 0.0, "e_n": 0.0}
        fc, fp = rng.choice(FLAT), rng.choice(FLAT)
        d.update(rfam(rng, "customers", fc, M=1.0, flat_at_or_above=rng.uniform(-0.5, 0.5)))
        d.update(rfam(rng, "providers", fp, M=1.0, flat_at_or_above=rng.uniform(-0.5, 0.5)))
        F, G = fam_obj(d, "customers"), fam_obj(d, "providers")
        # costs above the best attainable value for each side
        d["c"] = -F.u0 + F.spread + abs(d["a"] + d["b"]) * 2 + rng.uniform(0.1, 2.0)
        d["d"] = -G.u0 + G.spread + abs(d["a"] + d["b"]) * 2 + rng.uniform(0.1, 2.0)
        if rng.random() < 0.4:
            d["e_m"] = -rng.uniform(0, 1)
            d["e_n"] = -rng.uniform(0, 1)
        if rng.random() < 0.3:
            d["f"], d["g"] = -F.u0, -G.u0  # stand-alone value: (0,0) on the kink
        else:
            add_fees(rng, d)
        emit("shutdown", d)

    # 12. one side shut down, the other interior or capped
    for i in range(n(40)):
        d = base(rng)
        fc = rng.choice(FLAT)
        d.update(rfam(rng, "customers", fc, M=1.0, flat_at_or_above=rng.uniform(-0.5, 0.5)))
        d.update(rfam(rng, "providers", rng.choice(FAMS), M=1.0))
        F = fam_obj(d, "customers")
        d["c"] = -F.u0 + F.spread + abs(d["a"] + d["b"]) * 2 + rng.uniform(0.1, 2.0)
        add_fees(rng, d)
        emit("one_side_zero", d)

    # 13a. exact zeros: a = 0, b = 0, both, k = a + b = 0 (decoupled FOCs), with and without e
    for i in range(n(70)):
        d = base(rng, e=rng.random() < 0.5)
        d.update(rfam(rng, "customers", rng.choice(FAMS), M=1.0))
        d.update(rfam(rng, "providers", rng.choice(FAMS), M=1.0))
        kind = rng.choice(["a0", "b0", "ab0", "k0"])
        if kind == "a0":
            d["a"] = 0.0
        elif kind == "b0":
            d["b"] = 0.0
        elif kind == "ab0":
            d["a"] = d["b"] = 0.0
        else:
            d["b"] = -d["a"]
        if rng.random() < 0.3:
            d["e_m"] = 0.0
        add_fees(rng, d)
        emit("zero_coeffs", d)

    # 13b. extreme shapes: very small spreads, tiny a or b, large sizes
    for i in range(n(80)):
        d = base(rng, e=rng.random() < 0.3)
        fc, fp = rng.choice(FAMS), rng.choice(FAMS)
        d.update(rfam(rng, "customers", fc, M=rng.choice([1.0, 1e6, 1e-4]),
                      width=rng.choice([1e-4, 1e-3, 1.0, 50.0])))
        d.update(rfam(rng, "providers", fp, M=rng.choice([1.0, 1e6, 1e-4]),
                      width=rng.choice([1e-4, 1e-3, 1.0, 50.0])))
        F, G = fam_obj(d, "customers"), fam_obj(d, "providers")
        d["a"] = d["a"] * rng.choice([1e-8, 1e-4, 1.0, 30.0]) * (F.spread + G.spread) / G.M
        d["b"] = d["b"] * rng.choice([1e-8, 1e-4, 1.0, 30.0]) * (F.spread + G.spread) / F.M
        d["e_m"] *= (F.spread + G.spread) / F.M
        d["e_n"] *= (F.spread + G.spread) / G.M
        d["c"] *= (F.spread + G.spread)
        d["d"] *= (F.spread + G.spread)
        add_fees(rng, d)
        emit("extreme", d)

    # 13c. high participation: saturating families with strongly negative costs (m* -> M)
    for i in range(n(50)):
        d = base(rng)
        fc = rng.choice(["logit", "probit", "exponential"])
        d.update(rfam(rng, "customers", fc, M=1.0))
        d.update(rfam(rng, "providers", rng.choice(FAMS), M=1.0))
        F = fam_obj(d, "customers")
        d["c"] = -F.spread * 10 ** rng.uniform(0.5, 3.0)
        add_fees(rng, d)
        emit("high_part", d)

    # 13d. bistable sides together with cross effects: many FOC solutions
    for i in range(n(60)):
        d = {"c": rng.uniform(-0.3, 1.0), "d": rng.uniform(-0.3, 1.0)}
        d.update(rfam(rng, "customers", rng.choice(SMOOTH + FAMS), M=1.0))
        d.update(rfam(rng, "providers", rng.choice(SMOOTH + FAMS), M=1.0))
        F, G = fam_obj(d, "customers"), fam_obj(d, "providers")
        Fp = float(F.Fp(F.Finv(0.5)))
        Gp = float(G.Fp(G.Finv(0.5)))
        d["e_m"] = rng.uniform(0.3, 3.0) / Fp
        d["e_n"] = rng.uniform(0.3, 3.0) / Gp
        d["a"] = rng.uniform(-1, 1) / math.sqrt(Fp * Gp)
        d["b"] = rng.uniform(-1, 1) / math.sqrt(Fp * Gp)
        add_fees(rng, d)
        emit("bistable_opt", d)

    # 13. invalid points (status invalid or a clean error)
    inv = [
        ("customers.s", 0.0, "logit"), ("customers.sigma", -1.0, "probit"), ("customers.beta", 0.0, "linear"),
        ("customers.kappa", -0.5, "power"), ("customers.A", 0.0, "expgrowth"), ("customers.M", 0.0, "exponential"),
    ]
    for key, val, fam in inv:
        d = base(rng)
        d.update(rfam(rng, "customers", fam, M=1.0))
        d.update(rfam(rng, "providers", "logit", M=1.0))
        d["f"], d["g"] = 0.1, 0.1
        d[key] = val
        emit("invalid", d)
    d = base(rng)
    d.update({"customers.family": "uniform", "customers.lo": 1.0, "customers.hi": 0.5, "customers.M": 1.0})
    d.update(rfam(rng, "providers", "logit", M=1.0))
    d["f"], d["g"] = 0.1, 0.1
    emit("invalid", d)

    for i, d in enumerate(pts):
        d["_id"] = i
    return pts


# ----------------------------------------------------------------------------- designed points
# These use the reference model (model.py) to place points at interesting places
# (several local maxima, near ties, near the face/interior switch, scale changes).

def money_scale(d, mu):
    """Scale every money quantity by mu (participation unchanged)."""
    d = dict(d)
    for k in ("a", "b", "c", "d", "e_m", "e_n", "f", "g"):
        if k in d:
            d[k] *= mu
    for side in ("customers", "providers"):
        fam = d[side + ".family"]
        if fam == "linear":
            d[side + ".beta"] /= mu
        elif fam == "uniform":
            d[side + ".lo"] *= mu
            d[side + ".hi"] *= mu
        elif fam == "exponential":
            d[side + ".u0"] *= mu
            d[side + ".s"] *= mu
        elif fam == "expgrowth":
            d[side + ".s"] *= mu
        elif fam == "logit":
            d[side + ".mu"] *= mu
            d[side + ".s"] *= mu
        elif fam == "probit":
            d[side + ".mu"] *= mu
            d[side + ".sigma"] *= mu
        elif fam == "power":
            d[side + ".u0"] *= mu
            d[side + ".A"] /= mu ** d[side + ".kappa"]
    return d


def size_scale(d, lam_m, lam_n):
    """Scale market sizes M by lam_m, N by lam_n (cross/intra effects rescaled so that a N etc. stay)."""
    d = dict(d)
    d["a"] /= lam_n
    d["b"] /= lam_m
    d["e_m"] /= lam_m
    d["e_n"] /= lam_n
    for side, lam in (("customers", lam_m), ("providers", lam_n)):
        fam = d[side + ".family"]
        d[side + ".M"] *= lam
        if fam == "linear":
            d[side + ".alpha"] *= lam
            d[side + ".beta"] *= lam
        elif fam in ("expgrowth", "power"):
            d[side + ".A"] *= lam
    return d


def gen_designed(seed, scale, base_pts):
    import model  # noqa: E402  (reference model, same directory)
    rng = random.Random(seed + 7919)
    out = []

    def n(x):
        return max(1, int(round(x * scale)))

    def emit(cat, d):
        d = {k: v for k, v in d.items() if not k.startswith("_")}
        d["_category"] = cat
        out.append(d)

    def opt(d):
        return model.Point({k: v for k, v in d.items() if not k.startswith("_")}).optimum(
            do_bruteforce=False, eq_at_opt=False)

    # A. several local maxima (logit/probit/... with strong positive effects), and near ties
    found = 0
    tries = 0
    while found < n(60) and tries < 4000:
        tries += 1
        d = {"e_m": 0.0, "e_n": 0.0}
        d.update(rfam(rng, "customers", rng.choice(FAMS), M=1.0))
        d.update(rfam(rng, "providers", rng.choice(FAMS), M=1.0))
        F, G = fam_obj(d, "customers"), fam_obj(d, "providers")
        sc = F.spread + G.spread
        d["a"] = rng.uniform(0.5, 6.0) * sc
        d["b"] = rng.uniform(0.5, 6.0) * sc
        d["c"] = rng.uniform(0.0, 4.0) * sc + rng.uniform(-0.5, 0.5)
        d["d"] = rng.uniform(0.0, 4.0) * sc + rng.uniform(-0.5, 0.5)
        if rng.random() < 0.3:
            d["e_m"] = rng.uniform(-1, 1) * F.spread
            d["e_n"] = rng.uniform(-1, 1) * G.spread
        add_fees(rng, d)
        r = opt(d)
        maxima = [cp for cp in r["_crit"] if cp["kind"] == "max"]
        if len(maxima) < 2:
            continue
        found += 1
        emit("multi_local_max", d)
        # near tie along c: bisection on the location of the best candidate
        m_of = lambda cc: opt(dict(d, c=cc))
        c0 = d["c"]
        r0 = r
        S = abs(d["a"]) + abs(d["b"]) + abs(d["e_m"]) + abs(d["e_n"]) + abs(d["c"]) + abs(d["d"]) + sc
        lo, hi = None, None
        for step in (0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0):
            for sgn in (1, -1):
                c1 = c0 + sgn * step * S
                r1 = m_of(c1)
                if abs(r1["m_opt"] - r0["m_opt"]) > 0.05 and r1["status_opt"] < 4:
                    lo, hi = (c0, c1)
                    break
            if lo is not None:
                break
        if lo is None:
            continue
        ma = r0["m_opt"]
        for _ in range(45):
            mid = 0.5 * (lo + hi)
            rm = m_of(mid)
            if abs(rm["m_opt"] - ma) <= 0.05 * abs(r1["m_opt"] - ma):
                lo = mid
            else:
                hi = mid
        cs = 0.5 * (lo + hi)
        rs = m_of(cs)
        dm = abs(r1["m_opt"] - ma) + 1e-12
        PS = S * 2.0
        for gap in (1e-3, 1e-5, 1e-7):
            for sgn in (1, -1):
                e = dict(d, c=cs + sgn * gap * PS / dm)
                emit("near_tie", e)

    # B. corner status (interior local max exists, global max on the boundary)
    found = 0
    tries = 0
    while found < n(40) and tries < 4000:
        tries += 1
        d = {"e_m": 0.0, "e_n": 0.0}
        d.update(rfam(rng, "customers", rng.choice(CAPPED + FAMS), M=1.0))
        d.update(rfam(rng, "providers", rng.choice(CAPPED + FAMS), M=1.0))
        F, G = fam_obj(d, "customers"), fam_obj(d, "providers")
        sc = F.spread + G.spread
        d["a"] = rng.uniform(0.2, 4.0) * sc
        d["b"] = rng.uniform(0.2, 4.0) * sc
        d["c"] = rng.uniform(-1.0, 3.0) * sc
        d["d"] = rng.uniform(-1.0, 3.0) * sc
        if rng.random() < 0.3:
            d["e_m"] = rng.uniform(-1, 1) * F.spread
            d["e_n"] = rng.uniform(-1, 1) * G.spread
        add_fees(rng, d)
        r = opt(d)
        if r["status_opt"] == 1:
            found += 1
            emit("corner_status", d)

    # C. near the face/interior switch of a flat-bottomed side (m* -> 0 continuously)
    made = 0
    tries = 0
    while made < n(30) and tries < 500:
        tries += 1
        d = base(rng)
        d.update(rfam(rng, "customers", rng.choice(FLAT), M=1.0))
        d.update(rfam(rng, "providers", rng.choice(FAMS), M=1.0))
        add_fees(rng, d)
        side = lambda cc: opt(dict(d, c=cc))["side_m"]
        lo, hi = -2.0, 6.0
        if side(lo) != 0 or side(hi) != 1:
            continue
        for _ in range(45):
            mid = 0.5 * (lo + hi)
            if side(mid) == 0:
                lo = mid
            else:
                hi = mid
        cs = 0.5 * (lo + hi)
        for gap in (1e-2, 1e-4):
            for sgn in (1, -1):
                emit("face_switch", dict(d, c=cs + sgn * gap))
        made += 1

    # D. scale changes of ordinary points (money x1e-3, x1e3; sizes x1e-3, x1e4)
    pool = [p for p in base_pts if p["_category"] in ("pairs_e0", "pairs_intra", "multi_eq", "negative_ab")]
    for i in range(n(120)):
        p = rng.choice(pool)
        kind = rng.choice(["money", "size", "both"])
        q = {k: v for k, v in p.items() if not k.startswith("_")}
        if kind in ("money", "both"):
            q = money_scale(q, rng.choice([1e-3, 1e3, 1e-6, 1e6]))
        if kind in ("size", "both"):
            q = size_scale(q, rng.choice([1e-3, 1e4]), rng.choice([1e-3, 1.0, 1e4]))
        emit("scaled", q)

    # F. the equilibrium problem at the limit fees of boundary optima (kink equilibria)
    pool = [p for p in base_pts if p["_category"] in ("cap", "shutdown", "one_side_zero", "pairs_e0", "pairs_intra")]
    made = 0
    tries = 0
    while made < n(60) and tries < 2000:
        tries += 1
        p = rng.choice(pool)
        r = opt(p)
        if r["status_opt"] in (1, 2) and (r["side_m"] != 0 or r["side_n"] != 0):
            q = dict(p, f=r["f_opt"], g=r["g_opt"])
            emit("limit_fees", q)
            made += 1

    # E. Armstrong's condition close to 4 (linear, e = 0): q = 4 - k^2 b1 b2 small but > 0
    for i in range(n(20)):
        d = {"e_m": 0.0, "e_n": 0.0, "c": rng.uniform(-0.5, 0.2), "d": rng.uniform(-0.5, 0.2)}
        b1, b2 = rng.uniform(0.3, 2.0), rng.uniform(0.3, 2.0)
        q = rng.choice([1e-1, 1e-2, 1e-3, 1e-5])
        k = math.sqrt((4.0 - q) / (b1 * b2))
        a = rng.uniform(0.2, 0.8) * k
        d.update({"a": a, "b": k - a,
                  "customers.family": "linear", "customers.alpha": rng.uniform(0.2, 0.5), "customers.beta": b1,
                  "customers.M": 1e3,
                  "providers.family": "linear", "providers.alpha": rng.uniform(0.2, 0.5), "providers.beta": b2,
                  "providers.M": 1e3})
        add_fees(rng, d)
        emit("armstrong", d)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("--no-designed", action="store_true",
                    help="skip the points placed with the reference model (faster)")
    args = ap.parse_args()
    pts = gen(args.seed, args.scale)
    if not args.no_designed:
        pts += gen_designed(args.seed, args.scale, pts)
        for i, d in enumerate(pts):
            d["_id"] = i
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    for d in pts:
        out.write(json.dumps(d) + "\n")
    if out is not sys.stdout:
        out.close()
        sys.stderr.write("%d points -> %s\n" % (len(pts), args.output))


if __name__ == "__main__":
    main()
