"""Independent Python reference implementation of MODEL.md (two-sided platform
participation equilibria and globally optimal fees) for a single point.

Written from /work/shared/MODEL.md and SPEC.md only; it shares no code with the
C engine.  Speed is secondary: it follows the robust ("reference") path of
MODEL.md sections 2.3 and 3.8 and adds a brute-force cross-check.

API:
    solve_point(params, problems=("optimum", "equilibrium")) -> dict with SPEC section 5
    variable names (NaN for undefined floats) plus diagnostic keys starting with '_'.
"""
import math

import numpy as np
from scipy import optimize

from families import InvalidParams, make_family
from roots import EPS, all_roots, bracket_root

np.seterr(all="ignore")
INF = math.inf
NAN = math.nan

STATUS_OK, STATUS_CORNER, STATUS_NOINT, STATUS_DEGEN, STATUS_NOTCONV, STATUS_INVALID = range(6)
SIDE_INTERIOR, SIDE_ZERO, SIDE_CAP = 0, 1, 2


def _f(x):
    return float(x)


class Side:
    """One side of the platform seen generically: own family fam (size fam.M),
    own intra-side effect e, own cost, cross benefit per other-side member
    (a for customers, b for providers), own fee."""

    def __init__(self, fam, e, cost, cross, fee):
        self.fam, self.e, self.cost, self.cross, self.fee = fam, e, cost, cross, fee
        self.size = fam.M

    # FOC function A(U) = phi(U) - 2 e F(U) + cost   (B for the provider side)
    def A(self, U):
        U = np.asarray(U, dtype=float)
        fam = self.fam
        val = fam.phi(U) - 2.0 * self.e * fam.F(U) + self.cost
        val = np.where(U == -INF, -INF, val)
        val = np.where(U == INF, INF, val)
        return val

    def Ap(self, U):
        fam = self.fam
        return 1.0 + fam.hp(U) - 2.0 * self.e * fam.Fp(U)


class Point:
    def __init__(self, params):
        self.params = params

        def num(key, default=None, required=True):
            v = params.get(key, default)
            if v is None:
                if required:
                    raise InvalidParams("missing " + key)
                return None
            v = float(v)
            if not math.isfinite(v):
                raise InvalidParams("non-finite " + key)
            return v

        self.a = num("a")
        self.b = num("b")
        self.c = num("c")
        self.d = num("d")
        self.e_m = num("e_m", 0.0)
        self.e_n = num("e_n", 0.0)
        self.f = num("f", None, required=False)
        self.g = num("g", None, required=False)
        self.F = make_family("customers", params)
        self.G = make_family("providers", params)
        self.M, self.N = self.F.M, self.G.M
        self.k = self.a + self.b
        self.S = (abs(self.a) * self.N + abs(self.b) * self.M + abs(self.e_m) * self.M
                  + abs(self.e_n) * self.N + abs(self.c) + abs(self.d)
                  + self.F.spread + self.G.spread)
        self.PS = self.S * (self.M + self.N)

    def sides(self, f=None, g=None):
        X = Side(self.F, self.e_m, self.c, self.a, f)
        Y = Side(self.G, self.e_n, self.d, self.b, g)
        return X, Y

    # ------------------------------------------------------------------ stability
    def det_tr(self, Fp, Gp):
        """det(I-A) and tr A.  Terms whose parameter coefficient is exactly 0 vanish;
        a product F'G' = 0 * inf (power kappa>1 against kappa<1 at a double kink) is
        undefined and gives NaN."""
        a, b, em, en = self.a, self.b, self.e_m, self.e_n
        if math.isfinite(Fp) and math.isfinite(Gp):
            det = (1.0 - em * Fp) * (1.0 - en * Gp) - a * b * Fp * Gp
        else:
            def term(coef, x):
                return 0.0 if coef == 0 else coef * x
            prod = Fp * Gp  # nan for 0*inf
            det = 1.0 - term(em, Fp) - term(en, Gp) + term(em * en - a * b, prod)
        t1 = 0.0 if em == 0 else em * Fp
        t2 = 0.0 if en == 0 else en * Gp
        tr = t1 + t2
        return det, tr

    def stable_from_options(self, Fopts, Gopts):
        for Fp in Fopts:
            for Gp in Gopts:
                det, tr = self.det_tr(Fp, Gp)
                if not (det > 0 and tr < 2):
                    return False
        return True

    def kink_options(self, fam, U, tolk):
        """(options for F', inside one-sided F', on_kink)."""
        if math.isfinite(fam.u0) and abs(U - fam.u0) <= tolk:
            return [0.0, fam.Fp_lo], fam.Fp_lo, True
        if math.isfinite(fam.u1) and abs(U - fam.u1) <= tolk:
            return [fam.Fp_hi, 0.0], fam.Fp_hi, True
        v = _f(fam.Fp(U))
        return [v], v, False

    # ------------------------------------------------------------------ equilibria
    def _eq_resid(self, U, V, f, g):
        m = _f(self.F.F(U))
        n = _f(self.G.F(V))
        return U - self.a * n - self.e_m * m + f, V - self.b * m - self.e_n * n + g

    def polish_eq(self, U, V, f, g, maxit=60):
        """Newton in (U,V) on E1 = U - aG(V) - e_m F(U) + f, E2 = V - bF(U) - e_n G(V) + g."""
        S = self.S
        E1, E2 = self._eq_resid(U, V, f, g)
        r0 = max(abs(E1), abs(E2)) / S
        U0, V0 = U, V
        best = (r0, U, V)
        for _ in range(maxit):
            Fp = _f(self.F.Fp(U))
            Gp = _f(self.G.Fp(V))
            J11, J12 = 1.0 - self.e_m * Fp, -self.a * Gp
            J21, J22 = -self.b * Fp, 1.0 - self.e_n * Gp
            det = J11 * J22 - J12 * J21
            if det == 0 or not math.isfinite(det):
                break
            dU = (E1 * J22 - J12 * E2) / det
            dV = (J11 * E2 - J21 * E1) / det
            if not (math.isfinite(dU) and math.isfinite(dV)):
                break
            t = 1.0
            accepted = False
            while t > 1e-4:
                Un, Vn = U - t * dU, V - t * dV
                e1, e2 = self._eq_resid(Un, Vn, f, g)
                rn = max(abs(e1), abs(e2)) / S
                if rn < best[0] or (rn == 0.0):
                    accepted = True
                    break
                t *= 0.5
            if not accepted:
                break
            U, V, E1, E2 = Un, Vn, e1, e2
            best = (rn, U, V)
            if rn == 0.0 or (abs(t * dU) <= 2 * EPS * (abs(U) + 1e-300)
                             and abs(t * dV) <= 2 * EPS * (abs(V) + 1e-300)):
                break
        rb, Ub, Vb = best
        # never let the polish jump to another root
        if abs(Ub - U0) > 1e-6 * S or abs(Vb - V0) > 1e-6 * S:
            return U0, V0, r0
        return Ub, Vb, rb

    def _eq_uparam(self, X, Y):
        """Roots of r(U) = n(U) - G(V(U)) (MODEL 2.3) for generic sides, X.cross != 0.
        Returns list of (U, V) in the X/Y orientation."""
        FX, GY = X.fam, Y.fam
        ax, ex, fx = X.cross, X.e, X.fee
        by, ey, gy = Y.cross, Y.e, Y.fee
        NY = Y.size
        lo = -fx + min(0.0, ax * NY) + min(0.0, ex * X.size)
        hi = -fx + max(0.0, ax * NY) + max(0.0, ex * X.size)
        w = hi - lo
        lo, hi = lo - 0.01 * w, hi + 0.01 * w

        def parts(U):
            m = FX.F(U)
            n = (U + fx - ex * m) / ax
            V = by * m + ey * n - gy
            return m, n, V

        def r(U):
            m, n, V = parts(U)
            return n - GY.F(V)

        def curve(U):
            m, n, V = parts(U)
            rr = n - GY.F(V)
            return np.vstack([m / X.size, np.clip(n / NY, -0.5, 1.5), np.clip(rr / NY, -1.5, 1.5)])

        # kinks of F as grid points; tangent threshold = 1e-14 N or the rounding level of n(U)
        kinks = [u for u in (FX.u0, FX.u1) if math.isfinite(u)]
        # U values where V(U) hits a kink of G
        for vk in (GY.u0, GY.u1):
            if math.isfinite(vk):
                def vfun(U, vk=vk):
                    return parts(U)[2] - vk
                def vcurve(U, vk=vk):
                    m, n, V = parts(U)
                    return np.vstack([m / X.size, np.clip(n / NY, -0.5, 1.5), np.clip((V - vk) / self.S, -1.5, 1.5)])
                kr, _ = all_roots(vfun, lo, hi, curve=vcurve, rscale=self.S)
                kinks += kr
        offs = (hi - lo) * 10.0 ** -np.arange(1, 16, 0.5)
        kinks = kinks + [u + s * o for u in kinks for s in (-1, 1) for o in offs]
        noise = 8 * EPS * ((max(abs(lo), abs(hi)) + abs(fx) + abs(ex) * X.size) / abs(ax) + NY)
        roots, info = all_roots(r, lo, hi, curve=curve, rscale=NY, extra=kinks, tangent_abs=noise)
        out = []
        for U in roots:
            m, n, V = parts(np.float64(U))
            out.append((float(U), float(V)))
        return out, info

    def _eq_1d(self, fam, e, fee0, size):
        """All roots of U + fee0 - e F(U) = 0."""
        if e == 0.0:
            return [-fee0], {"continuum": False}
        lo = -fee0 + min(0.0, e * size)
        hi = -fee0 + max(0.0, e * size)
        w = hi - lo
        lo, hi = lo - 0.01 * w, hi + 0.01 * w

        def rho(U):
            return U + fee0 - e * fam.F(U)

        def curve(U):
            return np.vstack([fam.F(U) / size, np.clip(rho(U) / (abs(e) * size), -1.5, 1.5)])

        roots, info = all_roots(rho, lo, hi, curve=curve, rscale=abs(e) * size)
        return roots, info

    def _eq_nested(self, X, Y):
        """X.cross == 0: U equation alone, then V equation per root."""
        out = []
        cont = False
        Uroots, info = self._eq_1d(X.fam, X.e, X.fee, X.size)
        cont = cont or info["continuum"]
        for U in Uroots:
            m = float(X.fam.F(U))
            Vroots, info2 = self._eq_1d(Y.fam, Y.e, Y.fee - Y.cross * m, Y.size)
            cont = cont or info2["continuum"]
            for V in Vroots:
                out.append((float(U), float(V)))
        return out, {"continuum": cont}

    def equilibria(self, f, g, method="auto", extra=None):
        """All equilibria at fees (f,g). Returns (status, list of dicts)."""
        X, Y = self.sides(f, g)
        cont = False
        if method == "auto":
            method = "U" if self.a != 0 else ("V" if self.b != 0 else "nested")
        if method == "U":
            pairs, info = self._eq_uparam(X, Y)
        elif method == "V":
            pv, info = self._eq_uparam(Y, X)
            pairs = [(U, V) for (V, U) in pv]
        elif method == "nestedV":
            pv, info = self._eq_nested(Y, X)
            pairs = [(U, V) for (V, U) in pv]
        else:
            pairs, info = self._eq_nested(X, Y)
        cont = info.get("continuum", False)
        eqs = []
        for (U, V) in pairs:
            U, V, res = self.polish_eq(U, V, f, g)
            eqs.append({"U": U, "V": V, "res": res})
        if extra is not None:
            for e in extra:
                eqs.append(dict(e))
        eqs = self.merge_eqs(eqs)
        if len(eqs) > 9:
            # more than 9 isolated equilibria cannot occur (MODEL 2.2): a numerical
            # continuum (det(I-A) = 0 along a linear regime)
            cont = True
        tolk = 1e-11 * self.S
        for e in eqs:
            U, V = e["U"], e["V"]
            if "m" not in e:
                e["m"] = _f(self.F.F(U))
                e["n"] = _f(self.G.F(V))
            if "stable" not in e:
                Fo, Fin, kF = self.kink_options(self.F, U, tolk)
                Go, Gin, kG = self.kink_options(self.G, V, tolk)
                e["det"] = self.det_tr(Fin, Gin)[0]
                e["stable"] = self.stable_from_options(Fo, Go)
                e["on_kink"] = kF or kG
        status = STATUS_DEGEN if cont else STATUS_OK
        return status, eqs

    def merge_eqs(self, eqs):
        M, N = self.M, self.N
        for e in eqs:
            if "m" not in e:
                e["_m"] = _f(self.F.F(e["U"]))
                e["_n"] = _f(self.G.F(e["V"]))
            else:
                e["_m"], e["_n"] = e["m"], e["n"]
        # prefer entries that carry forced data (selected optimum), then lower residual
        eqs = sorted(eqs, key=lambda e: (0 if e.get("forced") else 1, e.get("res", 0.0)))
        kept = []
        for e in eqs:
            dup = False
            for k in kept:
                if abs(e["_m"] - k["_m"]) <= 1e-9 * M and abs(e["_n"] - k["_n"]) <= 1e-9 * N:
                    dup = True
                    break
            if not dup:
                kept.append(e)
        kept.sort(key=lambda e: (round(e["_m"] / M, 9), e["_n"]))
        return kept

    # ------------------------------------------------------------------ optimum helpers
    def window(self, side, Tlo, Thi, padrel=0.01):
        """U-range where phi(U) in [Tlo, Thi], padded by 1%, intersected with [u0, u1].
        Returns (lo, hi) finite, or None if empty."""
        fam = side.fam
        plo, phi_ = fam.phi_lo(), fam.phi_hi()
        if Thi < plo or Tlo > phi_:
            return None
        Ulo = fam.u0 if Tlo <= plo else self.inv_phi(fam, Tlo)
        Uhi = fam.u1 if Thi >= phi_ else self.inv_phi(fam, Thi)
        if not math.isfinite(Ulo):
            Ulo = self.inv_phi(fam, Tlo)
        if not math.isfinite(Uhi):
            Uhi = self.inv_phi(fam, Thi)
        w = Uhi - Ulo
        pad = padrel * w + 1e-3 * fam.spread
        lo = Ulo - pad
        hi = Uhi + pad
        if math.isfinite(fam.u0):
            lo = max(lo, fam.u0)
        if math.isfinite(fam.u1):
            hi = min(hi, fam.u1)
        if hi < lo:
            return None
        return lo, hi

    def inv_phi(self, fam, T):
        plo, phi_ = fam.phi_lo(), fam.phi_hi()
        if T <= plo:
            return fam.u0
        if T >= phi_:
            return fam.u1
        hi = T if T < fam.u1 else fam.u1
        if math.isfinite(fam.u0):
            lo = fam.u0
        else:
            step = fam.spread
            lo = T - step
            while _f(fam.phi(lo)) >= T:
                step *= 2.0
                lo = T - step
        fun = lambda U: _f(fam.phi(U)) - T
        flo, fhi = fun(lo), fun(hi)
        if flo == 0:
            return lo
        if fhi == 0:
            return hi
        return bracket_root(fun, lo, hi, flo, fhi)

    def Ginv_ext(self, fam, n):
        return fam.Finv_ext(n)

    def newton_foc(self, U, V, maxit=100):
        """Newton in (U,V) on (A(U) - kG(V), B(V) - kF(U)); stays strictly inside the box."""
        X, Y = self.sides()
        k = self.k
        F, G = self.F, self.G

        def resid(U, V):
            e1 = _f(X.A(U)) - k * _f(G.F(V))
            e2 = _f(Y.A(V)) - k * _f(F.F(U))
            s1 = self.S + abs(U) + abs(_f(F.h(U)))
            s2 = self.S + abs(V) + abs(_f(G.h(V)))
            return e1, e2, max(abs(e1) / s1, abs(e2) / s2)

        def inside(U, V):
            return F.u0 < U < F.u1 and G.u0 < V < G.u1

        if not inside(U, V):
            return U, V, INF
        e1, e2, r = resid(U, V)
        if not math.isfinite(r):
            return U, V, INF
        for _ in range(maxit):
            J11 = _f(X.Ap(U))
            J12 = -k * _f(G.Fp(V))
            J21 = -k * _f(F.Fp(U))
            J22 = _f(Y.Ap(V))
            det = J11 * J22 - J12 * J21
            if det == 0 or not math.isfinite(det):
                break
            dU = (e1 * J22 - J12 * e2) / det
            dV = (J11 * e2 - J21 * e1) / det
            if not (math.isfinite(dU) and math.isfinite(dV)):
                break
            t = 1.0
            ok = False
            while t > 1e-8:
                Un, Vn = U - t * dU, V - t * dV
                if inside(Un, Vn):
                    n1, n2, rn = resid(Un, Vn)
                    if rn < r or rn == 0.0:
                        ok = True
                        break
                t *= 0.5
            if not ok:
                break
            small = (abs(Un - U) <= 2 * EPS * (abs(U) + 1e-300) and abs(Vn - V) <= 2 * EPS * (abs(V) + 1e-300))
            U, V, e1, e2, r = Un, Vn, n1, n2, rn
            if r == 0.0 or small:
                break
        return U, V, r

    def _foc_scan(self, X, Y, WX, k):
        """U-scan of MODEL 3.8 step 2 for generic sides: returns list of (U, V)."""
        NY = Y.size
        lo, hi = WX
        out = []
        if hi <= lo:
            return out
        ends = [lo, hi]
        for tgt in (0.0, k * NY):
            rts, _ = all_roots(lambda U, t=tgt: X.A(U) - t, lo, hi,
                               curve=lambda U, t=tgt: np.vstack([X.fam.F(U) / X.size,
                                                                 np.clip((X.A(U) - t) / self.S, -1.5, 1.5)]),
                               rscale=self.S)
            ends += rts
        ends = sorted(set(ends))
        GY = Y.fam

        def parts(U):
            n = X.A(U) / k
            V = GY.Finv_ext(n)
            return n, V

        def R(U):
            n, V = parts(U)
            return k * X.fam.F(U) - Y.A(V)

        def curve(U):
            n, V = parts(U)
            RR = k * X.fam.F(U) - Y.A(V)
            return np.vstack([X.fam.F(U) / X.size, np.clip(n / NY, -0.5, 1.5), np.clip(RR / self.S, -1.5, 1.5)])

        for x0, x1 in zip(ends[:-1], ends[1:]):
            if x1 <= x0:
                continue
            mid = 0.5 * (x0 + x1)
            nm = _f(X.A(mid)) / k
            if not (0.0 < nm < NY):
                continue
            rts, _ = all_roots(R, x0, x1, curve=curve, rscale=self.S, cluster_lo=True, cluster_hi=True)
            for U in rts:
                n, V = parts(np.float64(U))
                out.append((float(U), float(V)))
        return out

    def critical_points(self):
        X, Y = self.sides()
        k, M, N = self.k, self.M, self.N
        WU = self.window(X, min(0.0, k * N) + min(0.0, 2 * self.e_m * M) - self.c,
                         max(0.0, k * N) + max(0.0, 2 * self.e_m * M) - self.c)
        WV = self.window(Y, min(0.0, k * M) + min(0.0, 2 * self.e_n * N) - self.d,
                         max(0.0, k * M) + max(0.0, 2 * self.e_n * N) - self.d)
        self._WU, self._WV = WU, WV
        if WU is None or WV is None:
            return []
        raw = []
        seedsU, seedsV = [], []
        for (side, W, tg, lst) in ((X, WU, (0.0, k * N), seedsU), (Y, WV, (0.0, k * M), seedsV)):
            for t in tg:
                rts, _ = all_roots(lambda U, t=t, side=side: side.A(U) - t, W[0], W[1],
                                   curve=lambda U, t=t, side=side: np.vstack(
                                       [side.fam.F(U) / side.size, np.clip((side.A(U) - t) / self.S, -1.5, 1.5)]),
                                   rscale=self.S)
                lst += rts
        if k == 0.0:
            rU = [u for u in seedsU]
            rV = [v for v in seedsV]
            for U in rU:
                for V in rV:
                    raw.append((U, V))
        else:
            raw += self._foc_scan(X, Y, WU, k)
            raw += [(U, V) for (V, U) in self._foc_scan(Y, X, WV, k)]
            # Newton multistart: 7x7 grid and decoupled seeds
            us = np.linspace(WU[0], WU[1], 9)[1:-1]
            vs = np.linspace(WV[0], WV[1], 9)[1:-1]
            starts = [(float(u), float(v)) for u in us for v in vs]
            su = [u for u in seedsU if self.F.u0 < u < self.F.u1]
            sv = [v for v in seedsV if self.G.u0 < v < self.G.u1]
            starts += [(u, v) for u in su for v in sv]
            for (U, V) in starts:
                Un, Vn, r = self.newton_foc(U, V)
                if r <= 1e-10:
                    raw.append((Un, Vn))
        crit = []
        for (U, V) in raw:
            if not (self.F.u0 < U < self.F.u1 and self.G.u0 < V < self.G.u1):
                continue
            Un, Vn, r = self.newton_foc(U, V)
            if not (r <= 1e-9):
                continue
            if not (self.F.u0 < Un < self.F.u1 and self.G.u0 < Vn < self.G.u1):
                continue
            dup = False
            for cp in crit:
                if (abs(cp["U"] - Un) <= 1e-9 * (abs(Un) + self.F.spread)
                        and abs(cp["V"] - Vn) <= 1e-9 * (abs(Vn) + self.G.spread)):
                    if r < cp["res"]:
                        cp["U"], cp["V"], cp["res"] = Un, Vn, r
                    dup = True
                    break
            if not dup:
                crit.append({"U": Un, "V": Vn, "res": r})
        for cp in crit:
            U, V = cp["U"], cp["V"]
            q1 = _f(X.Ap(U))
            q2 = _f(Y.Ap(V))
            q = q1 * q2 - k * k * _f(self.F.Fp(U)) * _f(self.G.Fp(V))
            cp["q1"], cp["q2"], cp["q"] = q1, q2, q
            if q > 0 and q1 > 0:
                cp["kind"] = "max"
            elif q > 0 and q1 < 0:
                cp["kind"] = "min"
            elif q < 0:
                cp["kind"] = "saddle"
            else:
                cp["kind"] = "degenerate"
            cp["sm"], cp["sn"] = SIDE_INTERIOR, SIDE_INTERIOR
            cp["P"] = self.P_at(U, V, SIDE_INTERIOR, SIDE_INTERIOR)
        crit.sort(key=lambda c: (c["U"], c["V"]))
        return crit

    def mn_at(self, U, V, sm, sn):
        m = 0.0 if sm == SIDE_ZERO else (self.M if sm == SIDE_CAP else _f(self.F.F(U)))
        n = 0.0 if sn == SIDE_ZERO else (self.N if sn == SIDE_CAP else _f(self.G.F(V)))
        return m, n

    def fees_at(self, U, V, sm, sn):
        m, n = self.mn_at(U, V, sm, sn)
        f = self.a * n + self.e_m * m - U
        g = self.b * m + self.e_n * n - V
        return m, n, f, g

    def P_at(self, U, V, sm, sn):
        m, n, f, g = self.fees_at(U, V, sm, sn)
        t1 = 0.0 if m == 0.0 else m * (f - self.c)
        t2 = 0.0 if n == 0.0 else n * (g - self.d)
        return t1 + t2

    def boundary_candidates(self):
        X, Y = self.sides()
        k, M, N = self.k, self.M, self.N
        F, G = self.F, self.G
        cands = []
        facesU = []
        if math.isfinite(F.u0):
            facesU.append((F.u0, SIDE_ZERO, 0.0))
        if math.isfinite(F.u1):
            facesU.append((F.u1, SIDE_CAP, M))
        facesV = []
        if math.isfinite(G.u0):
            facesV.append((G.u0, SIDE_ZERO, 0.0))
        if math.isfinite(G.u1):
            facesV.append((G.u1, SIDE_CAP, N))
        # edges on customer faces: B(V) = k m_face
        for (Uf, sm, mf) in facesU:
            W = self.window(Y, k * mf + min(0.0, 2 * self.e_n * N) - self.d,
                            k * mf + max(0.0, 2 * self.e_n * N) - self.d)
            if W is not None and W[1] > W[0]:
                rts, _ = all_roots(lambda V, t=k * mf: Y.A(V) - t, W[0], W[1],
                                   curve=lambda V, t=k * mf: np.vstack(
                                       [G.F(V) / N, np.clip((Y.A(V) - t) / self.S, -1.5, 1.5)]),
                                   rscale=self.S, cluster_lo=True, cluster_hi=True)
                for V in rts:
                    if G.u0 < V < G.u1:
                        cands.append({"U": Uf, "V": V, "sm": sm, "sn": SIDE_INTERIOR, "kind": "edge"})
        for (Vf, sn, nf) in facesV:
            W = self.window(X, k * nf + min(0.0, 2 * self.e_m * M) - self.c,
                            k * nf + max(0.0, 2 * self.e_m * M) - self.c)
            if W is not None and W[1] > W[0]:
                rts, _ = all_roots(lambda U, t=k * nf: X.A(U) - t, W[0], W[1],
                                   curve=lambda U, t=k * nf: np.vstack(
                                       [F.F(U) / M, np.clip((X.A(U) - t) / self.S, -1.5, 1.5)]),
                                   rscale=self.S, cluster_lo=True, cluster_hi=True)
                for U in rts:
                    if F.u0 < U < F.u1:
                        cands.append({"U": U, "V": Vf, "sm": SIDE_INTERIOR, "sn": sn, "kind": "edge"})
        for (Uf, sm, _) in facesU:
            for (Vf, sn, _) in facesV:
                cands.append({"U": Uf, "V": Vf, "sm": sm, "sn": sn, "kind": "vertex"})
        for cd in cands:
            cd["P"] = self.P_at(cd["U"], cd["V"], cd["sm"], cd["sn"])
        return cands

    # ------------------------------------------------------------------ brute force
    def grid_axis(self, fam, W):
        qs = np.concatenate([10.0 ** -np.arange(300, 20, -20.0), 10.0 ** -np.arange(20, 0, -1.0),
                             np.linspace(0.02, 0.98, 49),
                             1.0 - 10.0 ** -np.arange(2, 15, 1.0)])
        pts = [fam.Finv(qs * fam.M)]
        if W is not None:
            pts.append(np.linspace(W[0], W[1], 101))
        for u in (fam.u0, fam.u1):
            if math.isfinite(u):
                pts.append(np.array([u]))
        x = np.unique(np.concatenate(pts))
        x = x[np.isfinite(x)]
        if math.isfinite(fam.u0):
            x = x[x >= fam.u0]
        if math.isfinite(fam.u1):
            x = x[x <= fam.u1]
        return x

    def P_grid(self, U, V):
        F, G = self.F, self.G
        m = F.F(U)
        n = G.F(V)
        t1 = np.where(m == 0, 0.0, m * (self.a * n + self.e_m * m - U - self.c))
        t2 = np.where(n == 0, 0.0, n * (self.b * m + self.e_n * n - V - self.d))
        return t1 + t2

    def brute_force(self):
        xu = self.grid_axis(self.F, self._WU)
        xv = self.grid_axis(self.G, self._WV)
        UU, VV = np.meshgrid(xu, xv, indexing="ij")
        P = self.P_grid(UU, VV)
        P = np.where(np.isnan(P), -INF, P)
        flat = np.argsort(P, axis=None)[::-1][:6]
        best = (float(P.flat[flat[0]]), float(UU.flat[flat[0]]), float(VV.flat[flat[0]]))
        lbU = xu[0]
        ubU = xu[-1]
        lbV = xv[0]
        ubV = xv[-1]
        for idx in flat:
            i, j = np.unravel_index(idx, P.shape)
            bU = (xu[max(i - 1, 0)], xu[min(i + 1, len(xu) - 1)])
            bV = (xv[max(j - 1, 0)], xv[min(j + 1, len(xv) - 1)])
            su = max(bU[1] - bU[0], 1e-300)
            sv = max(bV[1] - bV[0], 1e-300)

            def obj(z):
                U = bU[0] + z[0] * su
                V = bV[0] + z[1] * sv
                val = float(self.P_grid(np.float64(U), np.float64(V)))
                return -val if math.isfinite(val) else 1e300

            z0 = [(UU[i, j] - bU[0]) / su, (VV[i, j] - bV[0]) / sv]
            try:
                res = optimize.minimize(obj, z0, method="L-BFGS-B", bounds=[(0, 1), (0, 1)],
                                        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 200})
                val = -res.fun
                if val > best[0]:
                    best = (val, bU[0] + res.x[0] * su, bV[0] + res.x[1] * sv)
            except Exception:
                pass
        return best

    # ------------------------------------------------------------------ optimum
    def optimum(self, do_bruteforce=True, eq_at_opt=True):
        warn = []
        crit = self.critical_points()
        bnd = self.boundary_candidates()
        cands = [dict(c, kind2="interior") for c in crit] + bnd
        cands = [c for c in cands if math.isfinite(c["P"])]
        if do_bruteforce:
            bf = self.brute_force()
            Pbest = max([c["P"] for c in cands], default=-INF)
            tol = 1e-10 * abs(Pbest) + 1e-13 * self.PS
            if bf[0] > Pbest + tol:
                warn.append("bruteforce_beats:%.17g>%.17g" % (bf[0], Pbest))
                Un, Vn, r = self.newton_foc(bf[1], bf[2])
                if r <= 1e-9:
                    warn.append("bruteforce_newton_added")
        res = {"_warn": warn, "_crit": crit, "_bnd": bnd}
        if not cands:
            res.update(self._nan_opt(STATUS_NOTCONV))
            warn.append("no_candidates")
            return res
        best = max(cands, key=lambda c: c["P"])
        Pstar = best["P"]
        mb, nb = self.mn_at(best["U"], best["V"], best["sm"], best["sn"])
        tie = False
        tiety = 1e-10 * abs(Pstar) + 1e-13 * self.PS
        for c in cands:
            if c is best:
                continue
            mc, nc = self.mn_at(c["U"], c["V"], c["sm"], c["sn"])
            if abs(mc - mb) > 1e-7 * self.M or abs(nc - nb) > 1e-7 * self.N:
                if c["P"] >= Pstar - tiety:
                    tie = True
                    warn.append("tie_with:U=%.17g,V=%.17g,P=%.17g" % (c["U"], c["V"], c["P"]))
        U, V, sm, sn = best["U"], best["V"], best["sm"], best["sn"]
        m, n, f, g = self.fees_at(U, V, sm, sn)
        interior = sm == SIDE_INTERIOR and sn == SIDE_INTERIOR
        has_local_max = any(c["kind"] == "max" for c in crit)
        if tie:
            status = STATUS_DEGEN
        elif interior:
            q1, q2, q = best["q1"], best["q2"], best["q"]
            if q1 > 1e-9 and q > 1e-9 * max(1.0, abs(q1 * q2)):
                status = STATUS_OK
            else:
                status = STATUS_DEGEN
                if not (q1 > 0 and q >= 0):
                    warn.append("best_interior_not_max")
        else:
            status = STATUS_CORNER if has_local_max else STATUS_NOINT
        underflow = (sm == SIDE_INTERIOR and m == 0.0) or (sn == SIDE_INTERIOR and n == 0.0)
        if underflow:
            status = STATUS_NOTCONV
            warn.append("underflow")
        if Pstar < 0:
            warn.append("negative_P")
        if m > 0 and f < self.c and n > 0 and g < self.d:
            warn.append("both_below_cost")
        if interior:
            h_m = _f(self.F.h(U))
            h_n = _f(self.G.h(V))
            soc_q1, soc_q = best["q1"], best["q"]
        else:
            h_m = h_n = soc_q1 = soc_q = NAN
        # MODEL 4 says h_m, h_n are NaN "when the optimum lies on a face"; the h of a side
        # that is itself interior is kept here as an accepted alternative (check.py).
        res["_h_m_alt"] = _f(self.F.h(U)) if sm == SIDE_INTERIOR else NAN
        res["_h_n_alt"] = _f(self.G.h(V)) if sn == SIDE_INTERIOR else NAN
        # equilibrium the optimum selects
        tolk = 1e-11 * self.S
        if sm == SIDE_ZERO:
            Fo, Fin = [0.0, self.F.Fp_lo], self.F.Fp_lo
        elif sm == SIDE_CAP:
            Fo, Fin = [self.F.Fp_hi, 0.0], self.F.Fp_hi
        else:
            Fin = _f(self.F.Fp(U))
            Fo = [Fin]
        if sn == SIDE_ZERO:
            Go, Gin = [0.0, self.G.Fp_lo], self.G.Fp_lo
        elif sn == SIDE_CAP:
            Go, Gin = [self.G.Fp_hi, 0.0], self.G.Fp_hi
        else:
            Gin = _f(self.G.Fp(V))
            Go = [Gin]
        det_opt = self.det_tr(Fin, Gin)[0]
        stable_opt = self.stable_from_options(Fo, Go)
        sel = {"U": U, "V": V, "m": m, "n": n, "det": det_opt, "stable": stable_opt,
               "on_kink": not interior, "forced": True, "res": 0.0}
        try:
            if not eq_at_opt:
                raise StopIteration
            st_eq, eqs_opt = self.equilibria(f, g)
            found = any(abs(e["m"] - m) <= 1e-9 * self.M and abs(e["n"] - n) <= 1e-9 * self.N
                        for e in eqs_opt)
            if not found:
                warn.append("selected_eq_not_found_at_opt_fees")
            st_eq, eqs_opt = self.equilibria(f, g, extra=[sel])
            if st_eq == STATUS_DEGEN:
                warn.append("continuum_at_opt_fees")
            for e in eqs_opt:
                Pe = self.P_grid(np.float64(e["U"]), np.float64(e["V"]))
                if float(Pe) > Pstar + 1e-10 * abs(Pstar) + 1e-13 * self.PS and not e.get("forced"):
                    warn.append("other_eq_beats_opt")
            n_eq = len(eqs_opt)
        except StopIteration:
            n_eq = -1
            eqs_opt = []
        except Exception as ex:  # pragma: no cover
            warn.append("eq_at_opt_failed:%r" % (ex,))
            n_eq = -1
            eqs_opt = []
        res.update({
            "f_opt": f, "g_opt": g, "m_opt": m, "n_opt": n, "U_opt": U, "V_opt": V, "P_opt": Pstar,
            "status_opt": status, "side_m": sm, "side_n": sn, "soc_q1": soc_q1, "soc_q": soc_q,
            "h_m": h_m, "h_n": h_n,
            "below_cost_m": int(m > 0 and f < self.c), "below_cost_n": int(n > 0 and g < self.d),
            "eq_stable_opt": int(stable_opt), "eq_det_opt": det_opt, "n_eq_opt": n_eq,
            "_eqs_opt": eqs_opt, "_best_kind": best.get("kind"),
        })
        return res

    def _nan_opt(self, status):
        return {k: NAN for k in ("f_opt", "g_opt", "m_opt", "n_opt", "U_opt", "V_opt", "P_opt",
                                 "soc_q1", "soc_q", "h_m", "h_n", "eq_det_opt")} | {
            "status_opt": status, "side_m": -1, "side_n": -1, "below_cost_m": -1, "below_cost_n": -1,
            "eq_stable_opt": -1, "n_eq_opt": -1}


def _nan_eq(status):
    return {"status_eq": status, "eq_count": 0, "eq_m": [], "eq_n": [], "eq_U": [], "eq_V": [],
            "eq_det": [], "eq_stable": [], "_eq_on_kink": []}


def eq_output(pt, f, g, method="auto"):
    st, eqs = pt.equilibria(f, g, method=method)
    return {"status_eq": st, "eq_count": len(eqs),
            "eq_m": [e["m"] for e in eqs], "eq_n": [e["n"] for e in eqs],
            "eq_U": [e["U"] for e in eqs], "eq_V": [e["V"] for e in eqs],
            "eq_det": [e["det"] for e in eqs], "eq_stable": [int(e["stable"]) for e in eqs],
            "_eq_on_kink": [bool(e["on_kink"]) for e in eqs]}


def solve_point(params, problems=("optimum", "equilibrium"), bruteforce=True):
    out = {}
    try:
        pt = Point(params)
    except InvalidParams as ex:
        if "optimum" in problems:
            o = Point._nan_opt(None, STATUS_INVALID)
            out.update(o)
        if "equilibrium" in problems:
            out.update(_nan_eq(STATUS_INVALID))
        out["_invalid"] = str(ex)
        return out
    out["_S"] = pt.S
    out["_PS"] = pt.PS
    out["_M"] = pt.M
    out["_N"] = pt.N
    if "optimum" in problems:
        out.update(pt.optimum(do_bruteforce=bruteforce))
    if "equilibrium" in problems:
        if pt.f is None or pt.g is None:
            out.update(_nan_eq(STATUS_INVALID))
        else:
            out.update(eq_output(pt, pt.f, pt.g))
    return out


def public(res):
    """Strip diagnostics (keys with '_') except a few that check.py uses."""
    keep = ("_warn", "_eq_on_kink", "_S", "_PS", "_M", "_N", "_invalid", "_h_m_alt", "_h_n_alt")
    return {k: v for k, v in res.items() if not k.startswith("_") or k in keep}


if __name__ == "__main__":
    import json
    import sys
    params = {}
    for arg in sys.argv[1:]:
        k, v = arg.split("=", 1)
        params[k] = v if k.endswith(".family") else float(v)
    r = public(solve_point(params))
    print(json.dumps(r, indent=1, default=str))
