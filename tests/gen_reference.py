#!/usr/bin/env python3
"""mpmath reference tables for the elementwise kernels of ``fdiv.ufuncs``.

Run by hand from the repository root and commit the output::

    python tests/gen_reference.py            # writes tests/data/<id>.csv
    python tests/gen_reference.py --check    # cross-checks the definitions below (and MATH.md)
                                             # at the regular parameters

One CSV per divergence id, columns ``method,dtype,param,x,expected,tol_ulp``:

* ``method``: f, df, d2f, f_logu, df_logu, log_d2f_logu, conj, inv_df, activation
  (the ufunc is ``fdiv.ufuncs.<id>_<method>``; perspective is not tabulated);
* ``dtype``: float64 or float32 (float32 inputs and parameters are float32 values);
* ``param``: alpha (id ``alpha``) or pi (id ``js_weighted``) as ``float.hex``, empty otherwise:
  ``ALPHAS`` / ``PIS`` in both dtypes, and the extreme parameters ``ALPHAS_EXTREME`` (subnormal,
  DBL_MIN and tiny alpha of both signs, alpha one ulp from 1 and 2, |alpha| up to DBL_MAX) /
  ``PIS_EXTREME`` (pi from 5e-324 to 1 - 2^-53) in float64 rows only (in float32 most of them
  round to an invalid 0 or 1, or overflow);
* ``x``: the input as ``float.hex`` (the exact binary value);
* ``expected``: the exact mathematical value of the kernel at the exact input, correctly rounded
  (round-half-even, with overflow to +-inf and gradual underflow) to the dtype, as ``float.hex``;
  'inf', '-inf', 'nan' where the edge conventions of docs/kernels.md say so.

Every value is computed from the mathematical definition (MATH.md sections 0-3: f, its
derivatives, f* = sup_{u>=0}(u t - f(u)) evaluated as t u* - f(u*) at the exact maximiser
u* = (f')^-1(t), log f'' as the logarithm of f'') at the exact input, never from the stable
double-precision formulas. The working precision starts at 192 bits plus twice the number of
bits cancelled near u = 1, r = 0 or a conjugate-domain boundary, plus twice log2 of 1/|param|,
1/|param - 1| (below 1) and |param| (above 2): u^alpha - 1 ~ alpha log u cancels 1074 bits at
alpha = 5e-324, and u* = s^(1/(alpha - 1)) = 1 + log(s)/(alpha - 1) holds log2(alpha) leading
bits of 1 (the boundaries of dom f*, 1/(1 - alpha) = 1 + 2^-1074 there, are located with the
same extra bits). Every value is computed at precision p and 2p and accepted only when both
agree to 2^-100 relative (else p is doubled, also when the check f'(u*) = t fails for lack of
bits); an exact zero is confirmed at 8p. p is capped at 2^16 bits (MAX_PREC): beyond that the
generator stops with an error (the extreme parameters settle below 6000 bits).

Tolerance rule (the ``tol_ulp`` column; the error is measured in ULPs of the dtype by
tests/_ulp.py, err <= tol_ulp is required):

* 4 ulp for every elementary kernel (MATH.md section 8: about 1e-15 relative);
* 45 ulp (= 1e-14 relative) for the Lambert-W / Wright-omega kernels: jeffreys conj and inv_df,
  softened_reverse_kl conj and inv_df;
* conj and inv_df at a finite t within 1e-12 * max(1, |B|) of a conjugate-domain boundary
  (the points placed at a nominal distance of 1e-12 included)
  B in {a = f'(0+), b = f'(inf)}: the function itself is ill-conditioned there, so
  tol = max(base, ceil(4 * kappa)) with kappa = |t F'(t) / F(t)| the condition number at the
  exact input (F = f*, F' = (f')^-1; or F = (f')^-1, F' = 1/f''(F)), computed in mpmath
  ('inf' where kappa exceeds the double range, as at t = 1 for alpha = 5e-324, where
  1/(1 - alpha) - t = 5e-324). Rows where F is 0, +-inf or constant keep the base tolerance.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import sys
import time
from pathlib import Path

import numpy as np
from mpmath import mp, mpf

DATA = Path(__file__).resolve().parent / "data"

IDS = [
    "kl",
    "reverse_kl",
    "pearson",
    "neyman",
    "squared_hellinger",
    "jeffreys",
    "js",
    "js_weighted",
    "gan",
    "total_variation",
    "triangular",
    "le_cam",
    "alpha",
    "softened_reverse_kl",
    "softened_kl",
]
METHODS = ["f", "df", "d2f", "f_logu", "df_logu", "log_d2f_logu", "conj", "inv_df", "activation"]
ALPHAS = [-2.0, -1.0, -0.5, -1e-3, 1e-3, 0.25, 0.5, 0.75, 0.999, 1.001, 1.0 + 1e-6, 1.5, 2.0, 3.0]
PIS = [0.1, 0.3, 0.5, 0.7, 0.9]
# Extreme parameters, float64 rows only (most round to 0, 1 or out of range in float32): tiny
# (subnormal, DBL_MIN) and huge |alpha|, alpha next to 0, 1 and 2; pi next to both ends of (0, 1).
ALPHAS_EXTREME = [
    5e-324,
    -5e-324,
    1e-310,
    2.2250738585072014e-308,
    -1e-300,
    1e-150,
    -1e-20,
    1 - 2**-53,
    1 + 2**-52,
    1 - 1e-12,
    2 - 2**-51,
    2 + 2**-51,
    1e20,
    -1e20,
    1e300,
    -1e300,
    1.7976931348623157e308,
]
PIS_EXTREME = [5e-324, 1e-300, 1e-20, 1 - 2**-53, 1 - 1e-12]
PARAMS = {"alpha": ALPHAS + ALPHAS_EXTREME, "js_weighted": PIS + PIS_EXTREME}
EXTREME = {"alpha": set(ALPHAS_EXTREME), "js_weighted": set(PIS_EXTREME)}
LAMBERT = {
    ("jeffreys", "conj"),
    ("jeffreys", "inv_df"),
    ("softened_reverse_kl", "conj"),
    ("softened_reverse_kl", "inv_df"),
}
NEAR_BOUNDARY = 1.001e-12  # 1e-12, including the nominal 1e-12 points (rounded to a double)

INF = mpf("inf")
NAN = mpf("nan")

# --------------------------------------------------------------------------------------------
# Correct rounding of an mpf to a binary format (precision p, exponent range [emin, emax]).

F64 = (53, -1022, 1023)
F32 = (24, -126, 127)
FORMATS = {"float64": F64, "float32": F32}


def round_to(v, fmt) -> float:
    """Round the mpf v to nearest-even in format fmt; returns a Python float (exact)."""
    if mp.isnan(v):
        return math.nan
    if mp.isinf(v):
        return math.inf if v > 0 else -math.inf
    if v == 0:
        return 0.0
    p, emin, emax = fmt
    sign, m, exp, _ = v._mpf_  # v = (-1)^sign * m * 2^exp
    neg = bool(sign)
    e = exp + m.bit_length() - 1  # floor(log2 |v|)
    if e > emax:
        return -math.inf if neg else math.inf
    if e < emin - p - 1:  # below half the smallest subnormal
        return -0.0 if neg else 0.0
    q = max(e - (p - 1), emin - (p - 1))  # exponent of the last kept bit
    if exp >= q:
        n = m << (exp - q)
    else:
        sh = q - exp
        n = m >> sh
        rem = m - (n << sh)
        half = 1 << (sh - 1)
        if rem > half or (rem == half and (n & 1)):
            n += 1
    if n == 0:
        return -0.0 if neg else 0.0
    if n.bit_length() + q > emax + 1:  # n * 2^q >= 2^(emax+1)
        return -math.inf if neg else math.inf
    r = math.ldexp(n, q)
    return -r if neg else r


def hexf(x: float) -> str:
    return float.hex(x)


def f32(x: float) -> float:
    return float(np.float32(x))


# --------------------------------------------------------------------------------------------
# The catalogue, written from the mathematical definitions (MATH.md sections 2-3).
# All callables run at the current mp precision on exact mpf inputs.


class Div:
    """f, f', f'' on 0 < u < inf; limits at 0+ and inf; a = f'(0+), b = f'(inf); f*(b);
    (f')^-1 on a < t < b; the output activation and its limits at -+inf."""

    def __init__(self, id_, param=None):
        self.id = id_
        self.param = param
        self.special = {}  # method -> callable(x float) returning mpf or None (None: generic)
        getattr(self, "_" + id_)(None if param is None else mpf(param))

    # ---- helpers
    @staticmethod
    def log(x):
        return mp.log(x)

    def _set(self, f, df, d2f, lim0, liminf, a, b, conj_b, inv, act, act_lim):
        self.f, self.df, self.d2f = f, df, d2f
        self.lim0, self.liminf = lim0, liminf  # callables -> (f, f', f'') limits
        self.a, self.b, self.conj_b = a, b, conj_b  # callables
        self.inv, self.act, self.act_lim = inv, act, act_lim

    def _ratio_act(self):
        """g_ratio(v) = f'(e^v) (used where f-GAN has no g_f)."""
        return (lambda v: self.df(mp.exp(v))), (lambda: (self.lim0()[1], self.liminf()[1]))

    # ---- catalogue
    def _kl(self, _):
        log = mp.log
        self._set(
            lambda u: u * log(u),
            lambda u: 1 + log(u),
            lambda u: 1 / u,
            lambda: (mpf(0), -INF, INF),
            lambda: (INF, INF, mpf(0)),
            lambda: -INF,
            lambda: INF,
            None,
            lambda t: mp.exp(t - 1),
            lambda v: v,
            lambda: (-INF, INF),
        )

    def _reverse_kl(self, _):
        log = mp.log
        self._set(
            lambda u: -log(u),
            lambda u: -1 / u,
            lambda u: 1 / u**2,
            lambda: (INF, -INF, INF),
            lambda: (-INF, mpf(0), mpf(0)),
            lambda: -INF,
            lambda: mpf(0),
            lambda: INF,
            lambda t: -1 / t,
            lambda v: -mp.exp(-v),
            lambda: (-INF, mpf(0)),
        )

    def _pearson(self, _):
        self._set(
            lambda u: (u - 1) ** 2,
            lambda u: 2 * (u - 1),
            lambda u: mpf(2),
            lambda: (mpf(1), mpf(-2), mpf(2)),
            lambda: (INF, INF, mpf(2)),
            lambda: mpf(-2),
            lambda: INF,
            None,
            lambda t: 1 + t / 2,
            lambda v: v,
            lambda: (-INF, INF),
        )

    def _neyman(self, _):
        self._set(
            lambda u: (1 - u) ** 2 / u,
            lambda u: 1 - 1 / u**2,
            lambda u: 2 / u**3,
            lambda: (INF, -INF, INF),
            lambda: (INF, mpf(1), mpf(0)),
            lambda: -INF,
            lambda: mpf(1),
            lambda: mpf(2),
            lambda t: 1 / mp.sqrt(1 - t),
            lambda v: 1 - mp.exp(-v),
            lambda: (-INF, mpf(1)),
        )

    def _squared_hellinger(self, _):
        sq = mp.sqrt
        self._set(
            lambda u: (sq(u) - 1) ** 2,
            lambda u: 1 - 1 / sq(u),
            lambda u: 1 / (2 * u * sq(u)),
            lambda: (mpf(1), -INF, INF),
            lambda: (INF, mpf(1), mpf(0)),
            lambda: -INF,
            lambda: mpf(1),
            lambda: INF,
            lambda t: 1 / (1 - t) ** 2,
            lambda v: 1 - mp.exp(-v),
            lambda: (-INF, mpf(1)),
        )

    def _jeffreys(self, _):
        log = mp.log

        def inv(t):
            # f'(1/w) = -log w + 1 - w = t  <=>  w + log w = 1 - t  <=>  w = W0(e^(1-t))
            return 1 / mp.re(mp.lambertw(mp.exp(1 - t)))

        self._set(
            lambda u: (u - 1) * log(u),
            lambda u: log(u) + (u - 1) / u,
            lambda u: 1 / u + 1 / u**2,
            lambda: (INF, -INF, INF),
            lambda: (INF, INF, mpf(0)),
            lambda: -INF,
            lambda: INF,
            None,
            inv,
            lambda v: v,
            lambda: (-INF, INF),
        )

    def _js(self, _):
        log = mp.log

        def inv(t):  # (1/2) log(2u/(1+u)) = t
            e = mp.exp(2 * t)
            return e / (2 - e)

        self._set(
            lambda u: (u * log(u) - (1 + u) * log((1 + u) / 2)) / 2,
            lambda u: log(2 * u / (1 + u)) / 2,
            lambda u: 1 / (2 * u * (1 + u)),
            lambda: (log(2) / 2, -INF, INF),
            lambda: (INF, log(2) / 2, mpf(0)),
            lambda: -INF,
            lambda: log(2) / 2,
            lambda: INF,
            inv,
            lambda v: (log(2) - log(1 + mp.exp(-v))) / 2,
            lambda: (-INF, log(2) / 2),
        )

    def _js_weighted(self, pi):
        log = mp.log

        def f(u):
            m = pi * u + 1 - pi
            return pi * u * log(u) - m * log(m)

        def inv(t):  # pi log(u/m) = t, m = pi u + 1 - pi
            e = mp.exp(t / pi)
            return e * (1 - pi) / (1 - pi * e)

        self._set(
            f,
            lambda u: pi * log(u / (pi * u + 1 - pi)),
            lambda u: pi * (1 - pi) / (u * (pi * u + 1 - pi)),
            lambda: (-(1 - pi) * log(1 - pi), -INF, INF),
            lambda: (INF, -pi * log(pi), mpf(0)),
            lambda: -INF,
            lambda: -pi * log(pi),
            lambda: INF,
            inv,
            lambda v: -pi * log(pi) - log(1 + mp.exp(-v)),
            lambda: (-INF, -pi * log(pi)),
        )

    def _gan(self, _):
        log = mp.log

        def inv(t):  # log(u/(1+u)) = t
            e = mp.exp(t)
            return e / (1 - e)

        self._set(
            lambda u: u * log(u) - (1 + u) * log(1 + u),
            lambda u: log(u / (1 + u)),
            lambda u: 1 / (u * (1 + u)),
            lambda: (mpf(0), -INF, INF),
            lambda: (-INF, mpf(0), mpf(0)),
            lambda: -INF,
            lambda: mpf(0),
            lambda: INF,
            inv,
            lambda v: -log(1 + mp.exp(-v)),
            lambda: (-INF, mpf(0)),
        )

    def _total_variation(self, _):
        half = mpf(1) / 2
        self._set(
            lambda u: abs(u - 1) / 2,
            lambda u: mp.sign(u - 1) / 2,
            lambda u: INF if u == 1 else mpf(0),
            lambda: (half, -half, mpf(0)),
            lambda: (INF, half, mpf(0)),
            lambda: -half,
            lambda: half,
            lambda: half,
            lambda t: mpf(1),
            lambda v: mp.tanh(v) / 2,
            lambda: (-half, half),
        )

        def log_d2f_logu(r):
            if math.isnan(r):
                return NAN
            return INF if r == 0 else -INF

        self.special["log_d2f_logu"] = log_d2f_logu

    def _triangular(self, _):
        self._set(
            lambda u: (u - 1) ** 2 / (u + 1),
            lambda u: 1 - 4 / (u + 1) ** 2,
            lambda u: 8 / (u + 1) ** 3,
            lambda: (mpf(1), mpf(-3), mpf(8)),
            lambda: (INF, mpf(1), mpf(0)),
            lambda: mpf(-3),
            lambda: mpf(1),
            lambda: mpf(3),
            lambda t: 2 / mp.sqrt(1 - t) - 1,
            None,
            None,
        )
        self.act, self.act_lim = self._ratio_act()

    def _le_cam(self, _):
        half = mpf(1) / 2
        self._set(
            lambda u: (u - 1) ** 2 / (2 * (u + 1)),
            lambda u: (1 - 4 / (u + 1) ** 2) / 2,
            lambda u: 4 / (u + 1) ** 3,
            lambda: (half, mpf(-3) / 2, mpf(4)),
            lambda: (INF, half, mpf(0)),
            lambda: mpf(-3) / 2,
            lambda: half,
            lambda: mpf(3) / 2,
            lambda t: 2 / mp.sqrt(1 - 2 * t) - 1,
            None,
            None,
        )
        self.act, self.act_lim = self._ratio_act()

    def _alpha(self, al):
        def f(u):
            return (u**al - 1 - al * (u - 1)) / (al * (al - 1))

        def df(u):
            return (u ** (al - 1) - 1) / (al - 1)

        def d2f(u):
            return u ** (al - 2)

        zero = mpf(0)
        f0 = 1 / al if al > 0 else INF
        df0 = -1 / (al - 1) if al > 1 else -INF
        d2f0 = zero if al > 2 else (mpf(1) if al == 2 else INF)
        dfinf = INF if al > 1 else 1 / (1 - al)
        d2finf = INF if al > 2 else (mpf(1) if al == 2 else zero)
        if al > 1:
            a, b, conj_b = (lambda: -1 / (al - 1)), (lambda: INF), None
            act, act_lim = (lambda v: v), (lambda: (-INF, INF))
        else:
            a, b = (lambda: -INF), (lambda: 1 / (1 - al))
            conj_b = (lambda: -1 / al) if al < 0 else (lambda: INF)
            act = lambda v: 1 / (1 - al) - mp.log(1 + mp.exp(-v))  # noqa: E731
            act_lim = lambda: (-INF, 1 / (1 - al))  # noqa: E731
        self._set(
            f,
            df,
            d2f,
            lambda: (f0, df0, d2f0),
            lambda: (INF, dfinf, d2finf),
            a,
            b,
            conj_b,
            lambda t: (1 + (al - 1) * t) ** (1 / (al - 1)),
            act,
            act_lim,
        )

    def _softened_reverse_kl(self, _):
        log = mp.log

        def inv(t):
            # u = 1/s: f'(1/s) = log((1+s)/2) - s = t  <=>  y = 1+s solves y e^-y = 2 e^(t-1),
            # y > 1  <=>  -y = W_-1(-2 e^(t-1))
            s = -mp.re(mp.lambertw(-2 * mp.exp(t - 1), -1)) - 1
            return 1 / s

        self._set(
            lambda u: (1 + u) * log((1 + u) / (2 * u)),
            lambda u: log((1 + u) / (2 * u)) - 1 / u,
            lambda u: 1 / (u**2 * (1 + u)),
            lambda: (INF, -INF, INF),
            lambda: (-INF, -log(2), mpf(0)),
            lambda: -INF,
            lambda: -log(2),
            lambda: log(2) - 1,
            inv,
            None,
            None,
        )
        self.act, self.act_lim = self._ratio_act()

    def _softened_kl(self, _):
        log = mp.log
        self._set(
            lambda u: (1 + u) * log((1 + u) / 2),
            lambda u: 1 + log((1 + u) / 2),
            lambda u: 1 / (1 + u),
            lambda: (-log(2), 1 - log(2), mpf(1)),
            lambda: (INF, INF, mpf(0)),
            lambda: 1 - log(2),
            lambda: INF,
            None,
            lambda t: 2 * mp.exp(t - 1) - 1,
            None,
            None,
        )
        self.act, self.act_lim = self._ratio_act()

    # ---- the kernels with the edge conventions of docs/kernels.md (x: Python float)
    def value(self, method, x):
        if method in self.special:
            return self.special[method](x)
        if math.isnan(x):
            return NAN
        if method in ("f", "df", "d2f"):
            k = ("f", "df", "d2f").index(method)
            if x < 0:
                return NAN
            if x == 0:
                return self.lim0()[k]
            if math.isinf(x):
                return self.liminf()[k]
            return (self.f, self.df, self.d2f)[k](mpf(x))
        if method in ("f_logu", "df_logu", "log_d2f_logu"):
            k = ("f_logu", "df_logu", "log_d2f_logu").index(method)
            if math.isinf(x):
                v = (self.lim0 if x < 0 else self.liminf)()[k]
            else:
                v = (self.f, self.df, self.d2f)[k](mp.exp(mpf(x)))
            return mp.log(v) if k == 2 else v
        if method == "activation":
            if math.isinf(x):
                return self.act_lim()[0 if x < 0 else 1]
            return self.act(mpf(x))
        t = mpf(x)
        a, b = self.a(), self.b()
        if method == "conj":
            if t <= a:
                return -self.lim0()[0]
            if t > b or t == INF:
                return INF
            if t == b:
                return self.conj_b()
            u = self.maximiser(t)
            return t * u - self.f(u)
        if method == "inv_df":
            if t <= a:
                return mpf(0)
            if t >= b:
                return INF
            return self.maximiser(t)
        raise ValueError(method)

    def maximiser(self, t):
        """u* = (f')^-1(t) for a < t < b, checked to satisfy f'(u*) = t."""
        u = self.inv(t)
        if not (u > 0) or mp.isinf(u):
            raise ArithmeticError(f"{self.id}: maximiser({t}) = {u}")
        if self.id == "total_variation":  # f'(1) is the interval [-1/2, 1/2]
            return u
        res = self.df(u) - t
        if abs(res) > mpf(2) ** (-(mp.prec // 2)) * max(1, abs(t)):
            raise ArithmeticError(f"{self.id}: f'(u*) - t = {res} at t = {t}")
        return u

    def boundaries(self):
        """Finite boundaries of the conjugate domain structure (a, b) as mpf."""
        return [B for B in (self.a(), self.b()) if not mp.isinf(B)]


# --------------------------------------------------------------------------------------------
# Adaptive-precision evaluation


def _bits_close(x) -> int:
    """-log2 |x| for 0 < |x| < 1 (number of leading bits cancelled near x = 0), else 0."""
    if x == 0 or not math.isfinite(x) or abs(x) >= 1:
        return 0
    return -math.frexp(abs(x))[1] + 1


def _bits_big(x) -> int:
    """log2 |x| for |x| >= 2, else 0."""
    return max(0, math.frexp(x)[1] - 1) if math.isfinite(x) else 0


def param_bits(div: Div) -> int:
    """Bits cancelled by a parameter next to 0 or 1 (u^alpha - 1 ~ alpha log u, 1 - pi, ...)
    or lost to a huge one (u* = s^(1/(alpha - 1)) = 1 + log(s)/(alpha - 1) + ...)."""
    if div.param is None:
        return 0
    p = div.param
    return 2 * (_bits_close(p) + _bits_close(p - 1) + _bits_big(p))


def boundary_prec(div: Div, base: int) -> int:
    """Working precision for locating t relative to a conjugate-domain boundary B: B = 1/(1 -
    alpha) for alpha = 5e-324 is 1 + 2^-1074, which base bits alone would round to 1."""
    return base + param_bits(div)


def start_prec(div: Div, method: str, x: float) -> int:
    if not math.isfinite(x):
        return 192
    if method in ("f", "df", "d2f"):
        extra = 2 * _bits_close(x - 1) if x != 1 else 0  # x - 1 is exact in double for x near 1
        # (for u far from 1 nothing cancels beyond what doubling the precision reveals)
    elif method in ("conj", "inv_df"):
        extra = 0
        with mp.workprec(boundary_prec(div, 256)):
            for B in div.boundaries():
                d = mpf(x) - B
                if d != 0:
                    extra = max(extra, 3 * max(0, -int(mp.floor(mp.log(abs(d), 2)))))
    else:
        extra = 2 * _bits_close(x)
    # inputs of large magnitude: make 1 + u (or 1 + e^r) exact before anything cancels
    if method in ("f", "df", "d2f"):
        extra += abs(math.frexp(x)[1])
    else:
        extra += int(1.5 * min(abs(x), 1100))
    return 192 + extra + param_bits(div)


MAX_PREC = 1 << 16  # a value still unsettled at 2^16 bits (seconds per try) is an error


def evaluate(div: Div, method: str, x: float):
    p = start_prec(div, method, x)
    while True:
        try:
            with mp.workprec(p):
                v1 = div.value(method, x)
            with mp.workprec(2 * p):
                v2 = div.value(method, x)
        except ArithmeticError:  # the maximiser check failed: too few bits for u* (or a bug)
            if 2 * p > MAX_PREC:
                raise
            p *= 2
            continue
        if mp.isnan(v1) and mp.isnan(v2):
            return v2, p
        if v1 == v2 and (mp.isinf(v2) or v2 != 0):
            return v2, p
        if v1 == 0 and v2 == 0:
            with mp.workprec(8 * p):
                v3 = div.value(method, x)
            if v3 == 0:
                return v3, p
        elif not mp.isinf(v1) and not mp.isinf(v2) and not mp.isnan(v1) and not mp.isnan(v2):
            with mp.workprec(2 * p):
                if abs(v1 - v2) <= abs(v2) * mpf(2) ** -100:
                    return v2, p
        p *= 2
        if p > MAX_PREC:
            raise ArithmeticError(
                f"{div.id}({div.param}).{method}({x!r}): no convergence ({v1}, {v2})"
            )


def kappa(div: Div, method: str, x: float, prec: int):
    """Condition number |t F'(t)/F(t)| of conj or inv_df at t = x (None if not meaningful)."""
    with mp.workprec(2 * prec):
        t = mpf(x)
        if not (div.a() < t < div.b()):
            return None
        u = div.maximiser(t)
        if method == "conj":
            F = t * u - div.f(u)
            dF = u
        else:
            F = u
            dF = 1 / div.d2f(u)
        if F == 0 or mp.isinf(F) or mp.isinf(dF):
            return None
        return float(abs(t * dF / F))


# --------------------------------------------------------------------------------------------
# Input points


def _uniq(xs):
    out, seen = [], set()
    for x in xs:
        key = float.hex(x)
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


def _geom(lo, hi, n):
    return [float(v) for v in np.geomspace(lo, hi, n)]


def u_points(dtype):
    inf, nan = math.inf, math.nan
    if dtype == "float64":
        xs = _geom(1e-300, 1e300, 60) + _geom(1e-4, 1e4, 25)
        xs += [
            0.0,
            -0.0,
            5e-324,
            1e-310,
            2.2250738585072014e-308,
            1.7976931348623157e308,
            inf,
            -inf,
            -1.0,
            -1e-300,
            nan,
            0.5,
            2.0,
            3.0,
            1 / 3,
        ]
        xs += [1.0, 1 + 2**-52, 1 - 2**-52, 1 - 2**-53]
        for d in (1e-14, 1e-12, 1e-10, 1e-8, 1e-7, 1e-6):
            xs += [1 + d, 1 - d]
        return _uniq(xs)
    xs = _geom(1e-37, 1e38, 20)
    xs += [
        0.0,
        2.0**-149,
        1e-40,
        2.0**-126,
        3.4028234663852886e38,
        inf,
        -1.0,
        nan,
        0.5,
        2.0,
        3.0,
        1.0,
        1 + 2**-23,
        1 - 2**-23,
        1 - 2**-24,
    ]
    for d in (1e-5, 1e-3, 1e-1):
        xs += [1 + d, 1 - d]
    return _uniq(f32(x) for x in xs)


def r_points(dtype):
    inf, nan = math.inf, math.nan
    if dtype == "float64":
        mags = _geom(1e-6, 700, 24) + [1e-8, 1e-12, 1e-300, 710.0, 745.0, 1000.0, inf]
        xs = [0.0, -0.0, nan] + [s * m for m in mags for s in (1, -1)]
        return _uniq(xs)
    mags = _geom(1e-6, 80, 13) + [1e-30, 88.0, 89.0, 104.0, 200.0, inf]
    xs = [0.0, nan] + [s * m for m in mags for s in (1, -1)]
    return _uniq(f32(x) for x in xs)


def _near(B, delta, side, fmt):
    """The value of the format nearest to B + side*delta, forced onto the strict side of B."""
    with mp.workprec(max(512, mp.prec)):
        x = round_to(B + side * mpf(delta), fmt)
        step = np.float64 if fmt is F64 else np.float32
        while (side < 0 and mpf(x) >= B) or (side > 0 and mpf(x) <= B):
            x = float(np.nextafter(step(x), step(side * math.inf)))
    return x


def t_points(div: Div, dtype):
    inf, nan = math.inf, math.nan
    fmt = FORMATS[dtype]
    if dtype == "float64":
        mags = [
            1e-300,
            1e-20,
            1e-10,
            1e-5,
            1e-3,
            0.01,
            0.1,
            0.25,
            0.5,
            0.75,
            1.0,
            1.5,
            2.0,
            3.0,
            5.0,
            10.0,
            20.0,
            50.0,
            100.0,
            300.0,
            700.0,
            710.0,
            745.0,
            1000.0,
            1e4,
            1e10,
            1e100,
            1e300,
            inf,
        ]
        inside = (1e-16, 1e-14, 1e-12, 1e-8, 1e-4, 1e-1, 1.0)
        outside = (1e-16, 1e-12, 1e-4, 0.5)
    else:
        mags = [1e-30, 1e-5, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0, 1e4, 1e30, inf]
        inside = (1e-7, 1e-5, 1e-3, 1e-1)
        outside = (1e-5, 0.5)
    xs = [0.0, -0.0, nan] + [s * m for m in mags for s in (1, -1)]
    with mp.workprec(boundary_prec(div, 512)):
        a, b = div.a(), div.b()
        for B, is_b in ((b, True), (a, False)):
            if mp.isinf(B):
                continue
            xB = round_to(B, fmt)
            if mpf(xB) == B:
                xs.append(xB)
            else:
                xs += [_near(B, 0, -1, fmt), _near(B, 0, 1, fmt)]
            # b: points inside the domain (below b) and beyond it; a (kink): both sides
            xs += [_near(B, d, -1, fmt) for d in inside]
            xs += [_near(B, d, 1, fmt) for d in (outside if is_b else inside)]
    return _uniq(f32(x) if dtype == "float32" else x for x in xs)


def points(div: Div, method: str, dtype: str):
    if method in ("f", "df", "d2f"):
        return u_points(dtype)
    if method in ("conj", "inv_df"):
        return t_points(div, dtype)
    return r_points(dtype)


# --------------------------------------------------------------------------------------------
# Table generation


def base_tol(id_, method):
    return 45 if (id_, method) in LAMBERT else 4


def rows_for(task):
    id_, param = task
    out = []
    dtypes = ("float64",) if param in EXTREME.get(id_, ()) else ("float64", "float32")
    for dtype in dtypes:
        fmt = FORMATS[dtype]
        p = None if param is None else (param if dtype == "float64" else f32(param))
        div = Div(id_, p)
        phex = "" if p is None else hexf(p)
        for method in METHODS:
            base = base_tol(id_, method)
            for x in points(div, method, dtype):
                v, prec = evaluate(div, method, x)
                exp_ = round_to(v, fmt)
                tol = base
                if method in ("conj", "inv_df") and math.isfinite(x):
                    with mp.workprec(boundary_prec(div, 256)):
                        near = any(
                            abs(mpf(x) - B) <= NEAR_BOUNDARY * max(1, abs(B))
                            for B in div.boundaries()
                        )
                    if near:
                        k = kappa(div, method, x, prec)
                        if k is not None:  # (kappa past DBL_MAX: no digit is meaningful)
                            tol = max(base, math.ceil(4 * k)) if 4 * k < math.inf else math.inf
                out.append(f"{method},{dtype},{phex},{hexf(x)},{hexf(exp_)},{tol}")
    return id_, param, out


def tasks(ids):
    for id_ in ids:
        if id_ in PARAMS:
            yield from ((id_, p) for p in PARAMS[id_])
        else:
            yield (id_, None)


def generate(ids, jobs):
    DATA.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    results = {}
    todo = sorted(tasks(ids), key=lambda t: t[0] != "alpha")  # longest first
    with multiprocessing.Pool(jobs) as pool:
        for id_, param, rows in pool.imap_unordered(rows_for, todo):
            results.setdefault(id_, {})[param] = rows
            print(
                f"  {id_}({'' if param is None else param}): {len(rows)} rows, "
                f"{time.time() - t0:.0f} s",
                flush=True,
            )
    order = PARAMS
    for id_, by_param in results.items():
        rows = []
        for param in order.get(id_, [None]):
            rows += by_param[param]
        rank = {m: i for i, m in enumerate(METHODS)}
        rows.sort(key=lambda r: (rank[r.split(",", 1)[0]], r.split(",")[1] != "float64"))
        path = DATA / f"{id_}.csv"
        path.write_text("method,dtype,param,x,expected,tol_ulp\n" + "\n".join(rows) + "\n")
        print(
            f"{path.relative_to(DATA.parent.parent)}: {len(rows)} rows, "
            f"{path.stat().st_size / 1e3:.0f} kB"
        )
    print(f"total {time.time() - t0:.0f} s")


# --------------------------------------------------------------------------------------------
# --check: the definitions above against independent computations and against MATH.md's
# closed forms, stable forms and table entries. Prints one line per disagreement.


def _close(x, y, rtol):
    if mp.isinf(x) or mp.isinf(y):
        return x == y
    return abs(x - y) <= rtol * max(abs(x), abs(y), mpf(10) ** -30)


def _softplus(x):
    return mp.log(1 + mp.exp(x))


def _L(y):  # log1pmx
    return mp.log1p(y) - y


def _log1mexp(a):
    return mp.log(1 - mp.exp(-a))


def math_md_forms(div: Div):
    """MATH.md section 3 closed forms / stable forms as written: dict name -> (callable, args)."""
    i = div.id
    P = None if div.param is None else mpf(div.param)
    ln2 = mp.log(2)
    em1, l1p, sp = mp.expm1, mp.log1p, _softplus
    F = {}
    if i == "kl":
        F["conj"] = lambda t: mp.exp(t - 1)
        F["f_logu"] = lambda r: r * mp.exp(r)
        F["df_logu"] = lambda r: 1 + r
        F["log_d2f_logu"] = lambda r: -r
    elif i == "reverse_kl":
        F["conj"] = lambda t: -1 - mp.log(-t)
        F["f_logu"] = lambda r: -r
        F["df_logu"] = lambda r: -mp.exp(-r)
        F["log_d2f_logu"] = lambda r: -2 * r
    elif i == "pearson":
        F["conj"] = lambda t: t + t * t / 4 if t >= -2 else mpf(-1)
        F["f_logu"] = lambda r: em1(r) ** 2
        F["df_logu"] = lambda r: 2 * em1(r)
        F["log_d2f_logu"] = lambda r: ln2
    elif i == "neyman":
        F["conj"] = lambda t: 2 * t / (1 + mp.sqrt(1 - t))
        F["f"] = lambda u: (u - 1) * ((u - 1) / u)
        F["df"] = lambda u: ((u - 1) / u) * ((u + 1) / u)
        F["f_logu"] = lambda r: 4 * mp.sinh(r / 2) ** 2
        F["df_logu"] = lambda r: -em1(-2 * r)
        F["log_d2f_logu"] = lambda r: ln2 - 3 * r
        F["activation"] = lambda v: -em1(-v)
    elif i == "squared_hellinger":
        F["conj"] = lambda t: t / (1 - t)
        F["f"] = lambda u: ((u - 1) / (mp.sqrt(u) + 1)) ** 2
        F["df"] = lambda u: (u - 1) / (u + mp.sqrt(u))
        F["f_logu"] = lambda r: em1(r / 2) ** 2
        F["df_logu"] = lambda r: -em1(-r / 2)
        F["log_d2f_logu"] = lambda r: -ln2 - 3 * r / 2
    elif i == "jeffreys":

        def conj(t):
            w = mp.lambertw(mp.exp(1 - t))
            return 1 / w - 1 - mp.log(w)

        F["conj"] = conj
        F["conj_fgan"] = lambda t: (lambda W: W + 1 / W + t - 2)(mp.lambertw(mp.exp(1 - t)))
        F["f_logu"] = lambda r: r * em1(r)
        F["df_logu"] = lambda r: r - em1(-r)
        F["log_d2f_logu"] = lambda r: -r + sp(-r)
    elif i == "js":
        F["conj"] = lambda t: -mp.log(2 - mp.exp(2 * t)) / 2
        F["conj_stable"] = lambda t: -ln2 / 2 - _log1mexp(ln2 - 2 * t) / 2
        F["inv_df"] = lambda t: 1 / em1(ln2 - 2 * t)
        F["activation"] = lambda v: (ln2 - sp(-v)) / 2
        F["f"] = lambda u: -(u * _L((1 - u) / (2 * u)) + _L((u - 1) / 2)) / 2
        F["df"] = lambda u: -l1p((1 - u) / (2 * u)) / 2
        F["f_logu"] = lambda r: -(mp.exp(r) * _L(em1(-r) / 2) + _L(em1(r) / 2)) / 2
        F["df_logu"] = lambda r: -l1p(em1(-r) / 2) / 2
        F["log_d2f_logu"] = lambda r: -ln2 - r - sp(r)
    elif i == "js_weighted":
        pi = P
        F["conj"] = lambda t: (1 - pi) * mp.log((1 - pi) / (1 - pi * mp.exp(t / pi)))
        F["conj_stable"] = lambda t: (
            (1 - pi) * (mp.log(1 - pi) - _log1mexp((-pi * mp.log(pi) - t) / pi))
        )
        F["inv_df"] = lambda t: ((1 - pi) / pi) / em1((-pi * mp.log(pi) - t) / pi)
        F["f"] = lambda u: -pi * u * _L((1 - pi) * (1 - u) / u) - (1 - pi) * _L(pi * (u - 1))
        F["df"] = lambda u: -pi * l1p((1 - pi) * (1 - u) / u)
        F["f_logu"] = lambda r: (
            -pi * mp.exp(r) * _L((1 - pi) * em1(-r)) - (1 - pi) * _L(pi * em1(r))
        )
        F["df_logu"] = lambda r: -pi * l1p((1 - pi) * em1(-r))
        F["log_d2f_logu"] = lambda r: mp.log(pi) - r - sp(r + mp.log(pi / (1 - pi)))
        F["g_ratio"] = lambda v: -pi * mp.log(pi + (1 - pi) * mp.exp(-v))
    elif i == "gan":
        F["conj"] = lambda t: -mp.log(1 - mp.exp(t))
        F["inv_df"] = lambda t: 1 / em1(-t)
        F["f"] = lambda u: -u * l1p(1 / u) - l1p(u)
        F["df"] = lambda u: -l1p(1 / u)
        F["f_logu"] = lambda r: -mp.exp(r) * sp(-r) - sp(r)
        F["df_logu"] = lambda r: -sp(-r)
        F["log_d2f_logu"] = lambda r: -r - sp(r)
    elif i == "total_variation":
        F["conj"] = lambda t: max(t, mpf(-1) / 2) if t <= mpf(1) / 2 else INF
        F["f_logu"] = lambda r: abs(em1(r)) / 2
    elif i in ("triangular", "le_cam"):
        c = 1 if i == "triangular" else mpf(1) / 2

        def conj_d(t):
            return t * (3 - mp.sqrt(1 - t)) / (1 + mp.sqrt(1 - t)) if t >= -3 else mpf(-1)

        F["conj"] = lambda t: c * conj_d(t / c)
        F["conj_alt"] = lambda t: c * (4 - t / c - 4 * mp.sqrt(1 - t / c)) if t / c >= -3 else -c
        F["inv_df"] = lambda t: 2 / mp.sqrt(1 - t / c) - 1
        F["activation"] = lambda v: c * mp.tanh(v / 2) * (1 + 2 / (1 + mp.exp(v)))
        F["f"] = lambda u: c * (u - 1) * ((u - 1) / (u + 1))
        F["df"] = lambda u: c * ((u - 1) / (u + 1)) * ((u + 3) / (u + 1))
        F["f_logu"] = lambda r: c * em1(r) * mp.tanh(r / 2)
        F["df_logu"] = lambda r: c * mp.tanh(r / 2) * (1 + 2 / (1 + mp.exp(r)))
        F["log_d2f_logu"] = lambda r: mp.log(c) - 3 * l1p(em1(r) / 2)
    elif i == "alpha":
        al = P

        def conj(t):
            if al > 1 and t <= -1 / (al - 1):
                return -1 / al
            return em1((al / (al - 1)) * l1p((al - 1) * t)) / al

        F["conj"] = conj
        F["inv_df"] = lambda t: (
            mp.exp(l1p((al - 1) * t) / (al - 1)) if not (al > 1 and t <= -1 / (al - 1)) else mpf(0)
        )
        F["f_logu"] = lambda r: (em1(al * r) - al * em1(r)) / (al * (al - 1))

        def series(r):
            S, s, term = mpf(0), mpf(1), r * r / 2
            for n in range(2, 400):
                S += s * term
                s = 1 + al * s
                term = term * r / (n + 1)
            return S

        F["f_logu_series"] = series
        F["df_logu"] = lambda r: em1((al - 1) * r) / (al - 1)
        F["log_d2f_logu"] = lambda r: (al - 2) * r
        F["g_ratio"] = lambda v: em1((al - 1) * v) / (al - 1)
    elif i == "softened_reverse_kl":

        def conj(t):
            s = -mp.lambertw(-2 * mp.exp(t - 1), -1) - 1
            return ln2 - 1 - l1p(s)

        F["conj"] = conj
        F["g_ratio"] = lambda v: sp(-v) - ln2 - mp.exp(-v)
        F["f"] = lambda u: (1 + u) * l1p((1 - u) / (2 * u))
        F["df"] = lambda u: l1p((1 - u) / (2 * u)) - 1 / u
        F["f_logu"] = lambda r: (1 + mp.exp(r)) * l1p(em1(-r) / 2)
        F["df_logu"] = lambda r: l1p(em1(-r) / 2) - mp.exp(-r)
        F["log_d2f_logu"] = lambda r: -2 * r - sp(r)
        F["f_decomp"] = lambda u: -mp.log(u) - 2 * Div("js").f(u)
    elif i == "softened_kl":
        F["conj"] = lambda t: 2 * mp.exp(t - 1) - t if t >= 1 - ln2 else ln2
        F["g_ratio"] = lambda v: 1 + sp(v) - ln2
        F["f"] = lambda u: (1 + u) * l1p((u - 1) / 2)
        F["f_logu"] = lambda r: (1 + mp.exp(r)) * l1p(em1(r) / 2)
        F["df_logu"] = lambda r: 1 + l1p(em1(r) / 2)
        F["log_d2f_logu"] = lambda r: -sp(r)
        F["f_decomp"] = lambda u: u * mp.log(u) - 2 * Div("js").f(u)
    return F


def brute_conj(div: Div, t):
    """sup_{u>=0} (u t - f(u)) by a grid in log u then golden-section refinement."""
    h = lambda lu: t * mp.exp(lu) - div.f(mp.exp(lu))  # noqa: E731
    best, arg = -div.lim0()[0], None  # u = 0
    for step, grid in ((1, range(-2000, 2001)), (mpf(1) / 64, None)):
        if grid is None:
            if arg is None:
                return best, mpf(0)
            grid = [arg + k * step for k in range(-64, 65)]
        for lu in grid:
            v = h(mpf(lu))
            if v > best:
                best, arg = v, mpf(lu)
    lo, hi = arg - mpf(1) / 64, arg + mpf(1) / 64
    g = (mp.sqrt(5) - 1) / 2
    for _ in range(200):
        m1, m2 = hi - g * (hi - lo), lo + g * (hi - lo)
        if h(m1) < h(m2):
            lo = m1
        else:
            hi = m2
    lu = (lo + hi) / 2
    return max(best, h(lu)), mp.exp(lu)


def check(ids):
    mp.prec = 256
    bad = 0

    def report(msg):
        nonlocal bad
        bad += 1
        print("  MISMATCH", msg)

    for id_, param in tasks(ids):
        if param in EXTREME.get(id_, ()):
            continue  # same definitions; at 256 bits alpha = 5e-324 would cancel to nothing
        div = Div(id_, param)
        name = f"{id_}({'' if param is None else param})"
        print(name, flush=True)
        us = [mpf(x) for x in (0.013, 0.3, 0.97, 1.7, 5.0, 300.0)]
        # derivatives by numerical differentiation
        for u in us:
            if not _close(div.df(u), mp.diff(div.f, u), mpf(10) ** -30):
                report(f"{name} df({u})")
            if id_ != "total_variation" and not _close(
                div.d2f(u), mp.diff(div.df, u), mpf(10) ** -30
            ):
                report(f"{name} d2f({u})")
        # limits at 0+ and inf (and MATH.md's f(0+), f'(inf) table columns through them)
        for lims, s_ in ((div.lim0(), -1), (div.liminf(), 1)):
            for k, fn in enumerate((div.f, div.df, div.d2f)):
                L, oks = lims[k], []
                for e, prec in ((4000, 4400), (10**9, 256)):  # slow (log) and cancelling limits
                    with mp.workprec(prec):
                        v = fn(mpf(2) ** (s_ * e))
                        if id_ == "total_variation" and k == 2:
                            oks.append(v == L)
                        elif mp.isinf(L):
                            oks.append(v * L > 0 and abs(v) > 1e3)
                        else:
                            oks.append(abs(v - L) < 1e-6)
                if not any(oks):
                    report(
                        f"{name} limit {['f', 'df', 'd2f'][k]} at u = 2^{s_}*inf: "
                        f"{mp.nstr(v, 8)} vs {L}"
                    )
        # a = f'(0+), b = f'(inf)
        if div.a() != div.lim0()[1] or div.b() != div.liminf()[1]:
            report(f"{name} a, b")
        # f(1) = 0 (gan: -log 4)
        f1 = div.f(mpf(1))
        if not _close(f1, -mp.log(4) if id_ == "gan" else mpf(0), mpf(10) ** -40):
            report(f"{name} f(1) = {f1}")
        # MATH.md section 2 table: f'(1), f''(1)
        if id_ != "total_variation":
            P = None if param is None else mpf(param)
            want = {
                "kl": (1, 1),
                "reverse_kl": (-1, 1),
                "pearson": (0, 2),
                "neyman": (0, 2),
                "squared_hellinger": (0, mpf(1) / 2),
                "jeffreys": (0, 2),
                "js": (0, mpf(1) / 4),
                "js_weighted": (0, P * (1 - P) if P else 0),
                "gan": (-mp.log(2), mpf(1) / 2),
                "triangular": (0, 1),
                "le_cam": (0, mpf(1) / 2),
                "alpha": (0, 1),
                "softened_reverse_kl": (-1, mpf(1) / 2),
                "softened_kl": (1, mpf(1) / 2),
            }
            got = (div.df(mpf(1)), div.d2f(mpf(1)))
            if any(not _close(g, mpf(w), mpf(10) ** -40) for g, w in zip(got, want[id_])):
                report(f"{name} f'(1), f''(1) = {got} vs table {want[id_]}")
        # conjugate and maximiser by brute-force maximisation, at points in and out of (a, b)
        a, b = div.a(), div.b()
        lo = max(a, mpf(-30)) if mp.isinf(a) else a
        hi = min(b, mpf(30)) if mp.isinf(b) else b
        ts = [lo + (hi - lo) * k / 7 for k in range(1, 7)]
        if not mp.isinf(a):
            ts += [a - 1, a - mpf(1) / 100]
        for t in ts:
            tx = float(t)
            mine = div.value("conj", tx)
            bc, bu = brute_conj(div, mpf(tx))
            if not _close(mine, bc, mpf(10) ** -20):
                report(f"{name} conj({tx}) = {mp.nstr(mine, 15)} vs brute force {mp.nstr(bc, 15)}")
            mu = div.value("inv_df", tx)
            if id_ != "total_variation" and not _close(mu, bu, mpf(10) ** -8):
                report(f"{name} inv_df({tx}) = {mp.nstr(mu, 12)} vs argmax {mp.nstr(bu, 12)}")
        if not mp.isinf(b):  # f*(b) = lim_{u->inf} (u b - f(u)) (a sup: increasing in u)
            h = lambda u, d=div: d.b() * u - d.f(u)  # noqa: E731
            cb = div.conj_b()
            with mp.workprec(10**5 + 600):  # 1 + u exact: no cancellation in u b - f(u)
                l1, l2 = h(mpf(2) ** 200), h(mpf(2) ** 10**5)
            ok = (l2 > l1 + 50) if mp.isinf(cb) else abs(l2 - cb) < 1e-10
            if not ok:
                report(
                    f"{name} f*(b) = {cb} but u b - f(u) at u = 2^200, 2^1e5: "
                    f"{mp.nstr(l1, 10)}, {mp.nstr(l2, 10)}"
                )
        # MATH.md closed and stable forms
        F = math_md_forms(div)
        rs = [mpf(x) for x in (-30, -3.5, -0.7, -1e-9, 1e-9, 0.4, 2.5, 25)]
        for key, fn in F.items():
            base = "conj" if key.startswith("conj") else key
            for j in range(8):
                if base in ("conj", "inv_df"):
                    x = ts[j % len(ts)]
                    if key != "conj" and not (a < x < b):
                        continue
                    ref = div.value("conj" if base == "conj" else "inv_df", float(x))
                    x = mpf(float(x))
                elif key in ("f", "df", "f_decomp"):
                    x = us[j % len(us)]
                    ref = (div.df if key == "df" else div.f)(x)
                elif base == "g_ratio":
                    x = rs[j]
                    ref = div.df(mp.exp(x))
                elif key == "f_logu_series":
                    x = rs[j] / 50
                    ref = div.f(mp.exp(x))
                else:
                    x = rs[j]
                    ref = div.value(key, float(x))
                got = fn(x)
                if not _close(mp.re(got), ref, mpf(10) ** -25):
                    report(
                        f"{name} MATH.md {key}({mp.nstr(x, 8)}) = {mp.nstr(got, 15)} vs "
                        f"definition {mp.nstr(ref, 15)}"
                    )
    print(f"{bad} mismatches")
    return bad


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="cross-check the definitions")
    ap.add_argument("--only", default="", help="comma-separated ids (default: all)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    ids = [i for i in args.only.split(",") if i] or IDS
    for i in ids:
        if i not in IDS:
            ap.error(f"unknown id {i}")
    if args.check:
        return 1 if check(ids) else 0
    generate(ids, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
