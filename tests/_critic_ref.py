"""mpmath references for tests/test_critics.py, written from the definitions of MATH.md §2-§4, §6.

Nothing here uses fdiv's numerics. Every catalogue entry is described by its generator f, its
derivative f', its f-GAN output activation g_f (MATH.md §3; entries without an f-GAN row use the
ratio activation f'(e^v)) and the closed-form inverse (f')^-1, extended by 0 below f'(0+) and
checked against f' by a residual test. Values are computed with adaptive precision: the start
precision covers the cancellation of e^|v| against O(1) terms (f(e^v) at v = 700 cancels ~304
digits) and a value is accepted only when a second evaluation at a much higher precision agrees.

Errors are measured in ULPs of the exact value in the target binary format (no rounding of the
reference): err = |got - exact| / ulp(exact), ulp(x) = 2^(max(floor(log2|x|), emin) - (p - 1)).
"""

from __future__ import annotations

import math

from mpmath import mp, mpf

INF = mpf("inf")

# (precision p, emin, emax) of the binary formats
F64 = (53, -1022, 1023)
F32 = (24, -126, 127)


# --------------------------------------------------------------------------------------------
# The catalogue from the definitions


def _softplus_neg(v):
    """log(1 + e^-v) in mpmath (exact up to the working precision)."""
    return mp.log1p(mp.exp(-v))


class Ref:
    """f, f', g_f and (f')^-1 of one catalogue entry (name, parameter) in mpmath."""

    def __init__(self, name: str, param: float | None = None):
        self.name = name
        self.param = None if param is None else mpf(param)
        # entries whose f-GAN activation is the ratio activation f'(e^v) (MATH.md §3.11-3.14)
        self.ratio_act = name in ("triangular", "le_cam", "softened_reverse_kl", "softened_kl")

    @classmethod
    def of(cls, d) -> Ref:
        """From an fdiv.Divergence (its name and scalar parameter)."""
        params = d.params
        return cls(d.name, float(next(iter(params.values()))) if params else None)

    def __repr__(self) -> str:
        return self.name if self.param is None else f"{self.name}({float(self.param)!r})"

    # f(u), 0 < u < inf
    def f(self, u):
        n, p, log = self.name, self.param, mp.log
        if n == "kl":
            return u * log(u)
        if n == "reverse_kl":
            return -log(u)
        if n == "pearson":
            return (u - 1) ** 2
        if n == "neyman":
            return (1 - u) ** 2 / u
        if n == "squared_hellinger":
            return (mp.sqrt(u) - 1) ** 2
        if n == "jeffreys":
            return (u - 1) * log(u)
        if n == "js":
            return (u * log(u) - (1 + u) * log((1 + u) / 2)) / 2
        if n == "js_weighted":
            m = p * u + 1 - p
            return p * u * log(u) - m * log(m)
        if n == "gan":
            return u * log(u) - (1 + u) * log(1 + u)
        if n == "total_variation":
            return abs(u - 1) / 2
        if n == "triangular":
            return (u - 1) ** 2 / (u + 1)
        if n == "le_cam":
            return (u - 1) ** 2 / (2 * (u + 1))
        if n == "alpha":
            return (u**p - 1 - p * (u - 1)) / (p * (p - 1))
        if n == "softened_reverse_kl":
            return (1 + u) * log((1 + u) / (2 * u))
        if n == "softened_kl":
            return (1 + u) * log((1 + u) / 2)
        raise ValueError(n)

    # f'(u), 0 < u < inf
    def df(self, u):
        n, p, log = self.name, self.param, mp.log
        if n == "kl":
            return 1 + log(u)
        if n == "reverse_kl":
            return -1 / u
        if n == "pearson":
            return 2 * (u - 1)
        if n == "neyman":
            return 1 - 1 / u**2
        if n == "squared_hellinger":
            return 1 - 1 / mp.sqrt(u)
        if n == "jeffreys":
            return log(u) + (u - 1) / u
        if n == "js":
            return log(2 * u / (1 + u)) / 2
        if n == "js_weighted":
            return p * log(u / (p * u + 1 - p))
        if n == "gan":
            return log(u / (1 + u))
        if n == "total_variation":
            return mp.sign(u - 1) / 2
        if n == "triangular":
            return 1 - 4 / (u + 1) ** 2
        if n == "le_cam":
            return (1 - 4 / (u + 1) ** 2) / 2
        if n == "alpha":
            return (u ** (p - 1) - 1) / (p - 1)
        if n == "softened_reverse_kl":
            return log((1 + u) / (2 * u)) - 1 / u
        if n == "softened_kl":
            return 1 + log((1 + u) / 2)
        raise ValueError(n)

    # g_f(v): the f-GAN output activation (MATH.md §3)
    def act(self, v):
        n, p = self.name, self.param
        if self.ratio_act:
            return self.df(mp.exp(v))
        if n in ("kl", "pearson", "jeffreys"):
            return v
        if n == "reverse_kl":
            return -mp.exp(-v)
        if n in ("neyman", "squared_hellinger"):
            return 1 - mp.exp(-v)
        if n == "js":
            return (mp.log(2) - _softplus_neg(v)) / 2
        if n == "js_weighted":
            return -p * mp.log(p) - _softplus_neg(v)
        if n == "gan":
            return -_softplus_neg(v)
        if n == "total_variation":
            return mp.tanh(v) / 2
        if n == "alpha":
            return v if p > 1 else 1 / (1 - p) - _softplus_neg(v)
        raise ValueError(n)

    # (f')^-1(t), extended by 0 for t <= f'(0+); None where f' is not invertible
    def inv_df(self, t):
        n, p = self.name, self.param
        if n == "kl":
            u = mp.exp(t - 1)
        elif n == "reverse_kl":
            u = -1 / t
        elif n == "pearson":
            if t <= -2:
                return mpf(0)
            u = 1 + t / 2
        elif n == "neyman":
            u = 1 / mp.sqrt(1 - t)
        elif n == "squared_hellinger":
            u = 1 / (1 - t) ** 2
        elif n == "jeffreys":
            u = 1 / mp.re(mp.lambertw(mp.exp(1 - t)))
        elif n == "js":
            e = mp.exp(2 * t)
            u = e / (2 - e)
        elif n == "js_weighted":
            e = mp.exp(t / p)
            u = e * (1 - p) / (1 - p * e)
        elif n == "gan":
            e = mp.exp(t)
            u = e / (1 - e)
        elif n == "triangular":
            if t <= -3:
                return mpf(0)
            u = 2 / mp.sqrt(1 - t) - 1
        elif n == "le_cam":
            if t <= mpf(-3) / 2:
                return mpf(0)
            u = 2 / mp.sqrt(1 - 2 * t) - 1
        elif n == "alpha":
            base = 1 + (p - 1) * t
            if base <= 0:  # alpha > 1, t <= f'(0+) = -1/(alpha - 1)
                return mpf(0)
            u = base ** (1 / (p - 1))
        elif n == "softened_reverse_kl":
            u = 1 / (-mp.re(mp.lambertw(-2 * mp.exp(t - 1), -1)) - 1)
        elif n == "softened_kl":
            if t <= 1 - mp.log(2):
                return mpf(0)
            u = 2 * mp.exp(t - 1) - 1
        else:
            return None
        res = self.df(u) - t
        if not abs(res) <= mpf(2) ** (-(mp.prec // 2)) * max(1, abs(t)):
            raise ArithmeticError(f"{self}: f'((f')^-1({t})) - t = {res}")
        return u

    # ---- the quantities under test (mpmath values at the current precision) -------------------
    def estimate(self, lam):
        """f(e^lam): the plug-in estimate at log r-hat = lam."""
        return self.f(mp.exp(lam))

    def objective(self, lam):
        """f(u) - u f'(u) at u = e^lam: the generator objective of MATH.md §6."""
        u = mp.exp(lam)
        return self.f(u) - u * self.df(u)

    def log_ratio_fgan(self, v):
        """log (f')^-1(g_f(v)); 0 for total_variation (u = 1 solves f'(u) = t for |t| < 1/2)."""
        if self.name == "total_variation":
            return mpf(0)
        u = self.inv_df(self.act(v))
        return -INF if u == 0 else mp.log(u)


# --------------------------------------------------------------------------------------------
# Adaptive precision and the ULP error


def start_dps(x: float) -> int:
    """Decimal digits that cover the cancellation of e^|x| against O(1) terms, plus 40 guard
    digits and 20 for inputs near 0 (f(e^x) = O(x^2) cancels ~2 log10(1/|x|) digits)."""
    extra = 0
    if x != 0 and abs(x) < 1:
        extra = 2 * int(-math.log10(abs(x))) + 4
    return 40 + int(0.5 * min(abs(x), 1500)) + extra


def _agree(a, b) -> bool:
    if mp.isnan(a) or mp.isnan(b):
        return False
    if mp.isinf(a) or mp.isinf(b):
        return a == b
    return abs(a - b) <= mpf(10) ** -30 * max(abs(b), mpf(10) ** -340)


def adaptive(fn, x: float):
    """fn(mpf(x)) at the start precision for x, accepted only if an evaluation at 1.5 x + 60
    digits agrees to 1e-30 relative; the precision grows until they do. Returns an mpf."""
    dps = start_dps(x)
    for _ in range(6):
        with mp.workdps(dps):
            a = fn(mpf(x))
        with mp.workdps(dps + dps // 2 + 60):
            b = fn(mpf(x))
            if _agree(a, b):
                return +b
        dps *= 2
    raise ArithmeticError(f"no convergence at x={x!r}: {a} vs {b}")


def ulp_of(exact, fmt=F64):
    p, emin, _ = fmt
    if exact == 0:
        return mpf(2) ** (emin - p + 1)
    e = int(mp.floor(mp.log(abs(exact), 2)))
    # floor(log2) can be off by one for values next to a power of two: fix it exactly
    while mpf(2) ** e > abs(exact):
        e -= 1
    while mpf(2) ** (e + 1) <= abs(exact):
        e += 1
    return mpf(2) ** (max(e, emin) - p + 1)


def max_finite(fmt=F64):
    p, _, emax = fmt
    return (2 - mpf(2) ** (1 - p)) * mpf(2) ** emax


def ulp_error(got: float, exact, fmt=F64) -> float:
    """Error of the binary value got against the exact mpf value, in ULPs of exact (module doc).

    Overflow: where |exact| > the largest finite number the result must be the infinity of the
    same sign (a finite result is accepted only in the rounding band below 2^(emax+1), and there
    only within the ULP tolerance); an infinite result for a finite exact value below the largest
    finite number is an infinite error unless exact lies within 8 ulp of it.
    NaN anywhere: infinite error.
    """
    _, _, emax = fmt
    if math.isnan(got) or mp.isnan(exact):
        return math.inf
    with mp.workprec(2200):
        if mp.isinf(exact):
            return 0.0 if got == exact else math.inf
        big = max_finite(fmt)
        sgn = 1 if exact > 0 else -1
        if math.isinf(got):
            if (got > 0) != (sgn > 0):
                return math.inf
            if abs(exact) > big:
                return 0.0
            return 0.0 if abs(exact) > big - 8 * ulp_of(big, fmt) else math.inf
        if abs(exact) >= mpf(2) ** (emax + 1):  # clearly beyond the rounding band: must be inf
            return math.inf
        return float(abs(mpf(got) - exact) / ulp_of(exact, fmt))
