"""Demand families of MODEL.md section 1, vectorised with numpy.

Independent reference implementation (Python); written from MODEL.md only.
Every method accepts a float or a numpy array and returns numpy values.
F' / h / h' follow the open-interval convention: F' = 0 outside (u0, u1).
"""
import math

import mpmath
import numpy as np
from scipy import special

np.seterr(all="ignore")

SQRT_PI_2 = math.sqrt(math.pi / 2.0)
SQRT1_2 = math.sqrt(0.5)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
INF = math.inf

FAMILY_PARAMS = {
    "linear": ("alpha", "beta", "M"),
    "uniform": ("lo", "hi", "M"),
    "exponential": ("u0", "s", "M"),
    "expgrowth": ("A", "s", "M"),
    "logit": ("mu", "s", "M"),
    "probit": ("mu", "sigma", "M"),
    "power": ("A", "kappa", "u0", "M"),
}


class InvalidParams(ValueError):
    pass


def _arr(x):
    return np.asarray(x, dtype=float)


class Family:
    """Base class. Attributes: M, u0, u1 (may be +-inf), spread,
    Fp_lo = F'(u0+), Fp_hi = F'(u1-), h_lo = h(u0+), h_hi = h(u1-)."""

    name = "?"

    def phi(self, U):
        U = _arr(U)
        return U + self.h(U)

    def phi_lo(self):
        return self.u0 + self.h_lo if math.isfinite(self.u0) else -INF

    def phi_hi(self):
        return self.u1 + self.h_hi if math.isfinite(self.u1) else INF

    # F^{-1} extended to the closed range: 0 -> u0, M -> u1 (possibly infinite)
    def Finv_ext(self, m):
        m = _arr(m)
        out = self.Finv(np.clip(m, 0.0, self.M))
        out = np.where(m <= 0.0, self.u0, out)
        out = np.where(m >= self.M, self.u1, out)
        return out


class Linear(Family):
    name = "linear"

    def __init__(self, alpha, beta, M):
        if not (beta > 0 and M > 0):
            raise InvalidParams("linear: need beta>0, M>0")
        self.alpha, self.beta, self.M = alpha, beta, M
        self.u0 = -alpha / beta
        self.u1 = (M - alpha) / beta
        self.spread = M / beta
        self.Fp_lo = self.Fp_hi = beta
        self.h_lo = 0.0
        self.h_hi = M / beta

    def F(self, U):
        return np.clip(self.alpha + self.beta * _arr(U), 0.0, self.M)

    def Fp(self, U):
        U = _arr(U)
        return np.where((U > self.u0) & (U < self.u1), self.beta, 0.0)

    def h(self, U):
        return (self.alpha + self.beta * _arr(U)) / self.beta

    def hp(self, U):
        return np.ones_like(_arr(U))

    def Finv(self, m):
        return (_arr(m) - self.alpha) / self.beta


class Uniform(Family):
    name = "uniform"

    def __init__(self, lo, hi, M):
        if not (hi > lo and M > 0):
            raise InvalidParams("uniform: need lo<hi, M>0")
        self.lo, self.hi, self.M = lo, hi, M
        self.u0, self.u1 = lo, hi
        self.spread = hi - lo
        self.Fp_lo = self.Fp_hi = M / (hi - lo)
        self.h_lo = 0.0
        self.h_hi = hi - lo

    def F(self, U):
        return self.M * np.clip((_arr(U) - self.lo) / (self.hi - self.lo), 0.0, 1.0)

    def Fp(self, U):
        U = _arr(U)
        return np.where((U > self.lo) & (U < self.hi), self.M / (self.hi - self.lo), 0.0)

    def h(self, U):
        return _arr(U) - self.lo

    def hp(self, U):
        return np.ones_like(_arr(U))

    def Finv(self, m):
        return self.lo + (self.hi - self.lo) * _arr(m) / self.M


class Exponential(Family):
    name = "exponential"

    def __init__(self, u0, s, M):
        if not (s > 0 and M > 0):
            raise InvalidParams("exponential: need s>0, M>0")
        self.s, self.M = s, M
        self.u0, self.u1 = u0, INF
        self.spread = s
        self.Fp_lo = M / s
        self.Fp_hi = 0.0
        self.h_lo = 0.0
        self.h_hi = INF

    def _x(self, U):
        return (_arr(U) - self.u0) / self.s

    def F(self, U):
        x = self._x(U)
        return np.where(x > 0, -self.M * np.expm1(-np.maximum(x, 0.0)), 0.0)

    def Fp(self, U):
        x = self._x(U)
        return np.where(x > 0, (self.M / self.s) * np.exp(-np.maximum(x, 0.0)), 0.0)

    def h(self, U):
        x = self._x(U)
        return np.where(x > 0, self.s * np.expm1(np.maximum(x, 0.0)), 0.0)

    def hp(self, U):
        x = self._x(U)
        return np.where(x > 0, np.exp(np.maximum(x, 0.0)), 1.0)

    def Finv(self, m):
        return self.u0 - self.s * np.log1p(-_arr(m) / self.M)


class ExpGrowth(Family):
    name = "expgrowth"

    def __init__(self, A, s, M):
        if not (A > 0 and s > 0 and M > 0):
            raise InvalidParams("expgrowth: need A>0, s>0, M>0")
        self.A, self.s, self.M = A, s, M
        self.logA = math.log(A)
        self.u0 = -INF
        self.u1 = s * math.log(M / A)
        self.spread = s
        self.Fp_lo = 0.0
        self.Fp_hi = M / s
        self.h_lo = s
        self.h_hi = s

    def F(self, U):
        U = _arr(U)
        return np.where(U < self.u1, np.minimum(self.M, np.exp(self.logA + U / self.s)), self.M)

    def Fp(self, U):
        U = _arr(U)
        return np.where(U < self.u1, np.exp(self.logA + U / self.s) / self.s, 0.0)

    def h(self, U):
        return np.full_like(_arr(U), self.s)

    def hp(self, U):
        return np.zeros_like(_arr(U))

    def Finv(self, m):
        return self.s * (np.log(_arr(m)) - self.logA)


class Logit(Family):
    name = "logit"

    def __init__(self, mu, s, M):
        if not (s > 0 and M > 0):
            raise InvalidParams("logit: need s>0, M>0")
        self.mu, self.s, self.M = mu, s, M
        self.u0, self.u1 = -INF, INF
        self.spread = s
        self.Fp_lo = self.Fp_hi = 0.0
        self.h_lo, self.h_hi = s, INF

    def _x(self, U):
        return (_arr(U) - self.mu) / self.s

    @staticmethod
    def _expit(x):
        # MODEL 1: 1/(1+exp(-x)) for x >= 0, exp(x)/(1+exp(x)) otherwise (keeps subnormals,
        # which scipy's expit flushes to 0 below about 1e-308)
        x = np.asarray(x, dtype=float)
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def F(self, U):
        return self.M * self._expit(self._x(U))

    def Fp(self, U):
        x = self._x(U)
        return (self.M / self.s) * self._expit(x) * self._expit(-x)

    def h(self, U):
        return self.s * (1.0 + np.exp(self._x(U)))

    def hp(self, U):
        return np.exp(self._x(U))

    def Finv(self, m):
        m = _arr(m)
        return self.mu + self.s * (np.log(m) - np.log(self.M - m))


def _probit_hp_cf(t):
    """h' = 1 - t R(t) for the probit family at z = -t, t > 0 large, via the
    Mills-ratio continued fraction R = 1/(t+1/(t+2/(t+3/...))):
    1 - t R = 1/(1 + t D),  D = t + 2/(t + 3/(t + 4/(t + ...)))."""
    t = _arr(t)
    tail = t.copy()
    for j in range(160, 1, -1):
        tail = t + j / tail
    return 1.0 / (1.0 + t * tail)


class Probit(Family):
    name = "probit"

    def __init__(self, mu, sigma, M):
        if not (sigma > 0 and M > 0):
            raise InvalidParams("probit: need sigma>0, M>0")
        self.mu, self.sigma, self.M = mu, sigma, M
        self.u0, self.u1 = -INF, INF
        self.spread = sigma
        self.Fp_lo = self.Fp_hi = 0.0
        self.h_lo, self.h_hi = 0.0, INF

    def _z(self, U):
        return (_arr(U) - self.mu) / self.sigma

    def F(self, U):
        z = self._z(U)
        out = self.M * 0.5 * special.erfc(-z * SQRT1_2)
        # scipy's erfc flushes to 0 below about 1e-308 (|arg| > 26.6), C's erfc returns
        # subnormals down to z ~ -38.5: evaluate that range with mpmath
        deep = np.ravel((z < -37.0) & (z > -40.0))
        if deep.any():
            zz = np.ravel(z).astype(float)
            vals = np.ravel(out).astype(float).copy()
            for i in np.nonzero(deep)[0]:
                vals[i] = float(mpmath.mpf(self.M) * mpmath.ncdf(mpmath.mpf(float(zz[i]))))
            out = vals.reshape(np.shape(out)) if np.ndim(out) else np.float64(vals[0])
        return out

    def Fp(self, U):
        z = self._z(U)
        return (self.M / self.sigma) * INV_SQRT_2PI * np.exp(-0.5 * z * z)

    def h(self, U):
        return self.sigma * SQRT_PI_2 * special.erfcx(-self._z(U) * SQRT1_2)

    def hp(self, U):
        z = self._z(U)
        direct = 1.0 + z * SQRT_PI_2 * special.erfcx(-z * SQRT1_2)
        cf = _probit_hp_cf(np.maximum(-z, 1.0))
        return np.where(z < -6.0, cf, direct)

    def Finv(self, m):
        return self.mu + self.sigma * special.ndtri(_arr(m) / self.M)


class Power(Family):
    name = "power"

    def __init__(self, A, kappa, u0, M):
        if not (A > 0 and kappa > 0 and M > 0):
            raise InvalidParams("power: need A>0, kappa>0, M>0")
        self.A, self.kappa, self.M = A, kappa, M
        self.u0 = u0
        self.u1 = u0 + (M / A) ** (1.0 / kappa)
        self.spread = self.u1 - u0
        if kappa < 1:
            self.Fp_lo = INF
        elif kappa == 1:
            self.Fp_lo = A
        else:
            self.Fp_lo = 0.0
        self.Fp_hi = A * kappa * (self.u1 - u0) ** (kappa - 1.0)
        self.h_lo = 0.0
        self.h_hi = (self.u1 - u0) / kappa

    def F(self, U):
        y = _arr(U) - self.u0
        yp = np.maximum(y, 0.0)
        return np.where(y > 0, np.minimum(self.M, self.A * yp ** self.kappa), 0.0)

    def Fp(self, U):
        U = _arr(U)
        y = U - self.u0
        yp = np.where(y > 0, y, 1.0)
        return np.where((y > 0) & (U < self.u1), self.A * self.kappa * yp ** (self.kappa - 1.0), 0.0)

    def h(self, U):
        return (_arr(U) - self.u0) / self.kappa

    def hp(self, U):
        return np.full_like(_arr(U), 1.0 / self.kappa)

    def Finv(self, m):
        return self.u0 + (_arr(m) / self.A) ** (1.0 / self.kappa)


CLASSES = {
    "linear": Linear,
    "uniform": Uniform,
    "exponential": Exponential,
    "expgrowth": ExpGrowth,
    "logit": Logit,
    "probit": Probit,
    "power": Power,
}


def make_family(prefix, params):
    """Build a family from a point dict with keys '<prefix>.family', '<prefix>.<p>'."""
    name = params.get(prefix + ".family")
    if name not in CLASSES:
        raise InvalidParams("unknown family %r" % (name,))
    vals = []
    for p in FAMILY_PARAMS[name]:
        v = params.get(prefix + "." + p)
        if v is None:
            raise InvalidParams("missing %s.%s" % (prefix, p))
        v = float(v)
        if not math.isfinite(v):
            raise InvalidParams("non-finite %s.%s" % (prefix, p))
        vals.append(v)
    return CLASSES[name](*vals)
