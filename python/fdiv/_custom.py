"""User-defined f-divergences from Python callables (Divergence.custom).

Everything here is numerical in Python on purpose: the user's f is only available as Python.
Missing derivatives come from fourth-order central differences, f* and (f')^-1 from a
vectorised bisection on r = log u polished by Newton steps. About 100x slower than the
compiled catalogue; accuracy about 1e-12 relative where the derivatives are given, 1e-8 where
they are differenced.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ._api import Divergence, _check_real

_TINY, _HUGE = 1e-300, 1e300
_EPS5 = 7e-4  # about eps^(1/5): the step that balances truncation and rounding (5-point)


def _vec(fn: Callable) -> Callable:
    def g(x):
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            return np.asarray(fn(x), dtype=np.float64) * np.ones_like(x)

    return g


def _diff(fn: Callable, u: np.ndarray) -> np.ndarray:
    """fn'(u) by the five-point stencil with a relative step (u - 2h > 0)."""
    h = _EPS5 * u
    with np.errstate(all="ignore"):
        return (8 * (fn(u + h) - fn(u - h)) - (fn(u + 2 * h) - fn(u - 2 * h))) / (12 * h)


def _limit(fn: Callable, a: float, b: float, sign: float, tol: float, richardson: bool) -> float:
    """The limit of fn towards b (from a), or sign * inf when it has not settled.

    Settled to 1e-9: fn(b). Settled to ``tol``: with ``richardson``, 2 fn(b) - fn(a), exact
    for a 1/log u approach when log b = 2 log a (f' = arctan(log u)); else fn(b).
    """
    fa, fb = float(fn(np.array(a))), float(fn(np.array(b)))
    if not (math.isfinite(fa) and math.isfinite(fb)):
        return fb if fb in (math.inf, -math.inf) else sign * math.inf
    d, scale = abs(fa - fb), max(1.0, abs(fb))
    if d <= 1e-9 * scale:
        return fb
    if d <= tol * scale:
        return 2.0 * fb - fa if richardson else fb
    return sign * math.inf


class CustomDivergence(Divergence):
    """A Divergence whose f (and optionally f', f'', log f''(e^r)) are Python callables."""

    __slots__ = ("_f", "_df", "_d2f", "_ld2", "_label", "_consts", "_given")
    is_custom = True

    def __init__(
        self,
        f: Callable,
        df: Callable | None = None,
        d2f: Callable | None = None,
        *,
        log_d2f_logu: Callable | None = None,
        name: str = "custom",
        _check: bool = True,
    ) -> None:
        if not callable(f):
            raise TypeError("f must be a callable u -> f(u) (vectorised over numpy arrays)")
        for g, nm in ((df, "df"), (d2f, "d2f"), (log_d2f_logu, "log_d2f_logu")):
            if g is not None and not callable(g):
                raise TypeError(f"{nm} must be callable or None")
        self._name = str(name)
        self._param = None
        self._dual = None
        self._ufuncs = {}
        self._label = self._name
        self._given = {"df": df is not None, "d2f": d2f is not None or log_d2f_logu is not None}
        self._f = _vec(f)
        self._df = _vec(df) if df is not None else (lambda u: _diff(self._f, u))
        if d2f is not None:
            self._d2f = _vec(d2f)
        elif log_d2f_logu is not None:
            ld = _vec(log_d2f_logu)
            self._d2f = lambda u: np.exp(ld(np.log(u)))
        else:
            self._d2f = lambda u: _diff(self._df, u)
        self._ld2 = _vec(log_d2f_logu) if log_d2f_logu is not None else None
        with np.errstate(all="ignore"):
            f0 = float(self._f(np.array(0.0)))
        if math.isnan(f0) or f0 == -math.inf:
            f0 = _limit(self._f, 1e-150, _TINY, math.inf, 1e-2, False)
        if df is not None:  # a given f' is trusted at the ends of the double range
            df0 = _limit(self._df, 1e-150, _TINY, -math.inf, 1e-2, True)
            dfi = _limit(self._df, 1e150, _HUGE, math.inf, 1e-2, True)
        else:  # a differenced f' resolves only u in [1e-6, 1e6]: a coarser verdict
            df0 = _limit(self._df, 1e-3, 1e-6, -math.inf, 1e-1, False)
            dfi = _limit(self._df, 1e3, 1e6, math.inf, 1e-1, False)
        self._consts = {"f0": f0, "df0": df0, "df_inf": dfi}
        if _check:
            self._check()

    def _check(self) -> None:
        u = np.concatenate([np.geomspace(1e-6, 1e6, 241), [1.0]])
        fu = self._f(u)
        f1 = float(self._f(np.array(1.0)))
        local = float(np.nanmax(np.abs(self._f(np.array([0.5, 2.0])))))
        if not abs(f1) <= 1e-12 * max(1.0, local):
            raise ValueError(f"f(1) must be 0 (add c (u - 1) - f(1) to f), got f(1) = {f1!r}")
        d2 = self._d2f(u[:-1])
        scale = np.abs(fu[:-1]) / (u[:-1] ** 2) + 1.0
        bad = ~(d2 >= -1e-6 * scale)
        if bad.any():
            k = int(np.argmax(bad))
            raise ValueError(f"f is not convex: f''(u) = {d2[k]:.3g} < 0 at u = {u[k]:.6g}")

    # -- the methods, in Python ------------------------------------------------------------
    def _inverse(self, t: np.ndarray) -> np.ndarray:
        """argmax_u (u t - f(u)): 0 below f'(0+), inf above f'(inf), else f'(u) = t."""
        t = np.asarray(t, dtype=np.float64)
        # u in [1e-300, 1e300] with a given f'; with a differenced f' only in [1e-6, 1e6],
        # beyond which f(u +- h) no longer resolves f'(u) (f(0+) or f'(inf) finite)
        span = math.log(_HUGE) if self._given["df"] else math.log(1e6)
        lo = np.full(t.shape, -span)
        hi = np.full(t.shape, span)
        with np.errstate(all="ignore"):
            below = ~(self._df(np.exp(lo)) < t)
            above = ~(self._df(np.exp(hi)) > t)
            for _ in range(64):  # bisection on r = log u
                mid = 0.5 * (lo + hi)
                go_up = self._df(np.exp(mid)) < t
                lo = np.where(go_up, mid, lo)
                hi = np.where(go_up, hi, mid)
            u = np.exp(0.5 * (lo + hi))
            for _ in range(3):  # Newton polish in u
                step = (self._df(u) - t) / self._d2f(u)
                un = u - np.where(np.isfinite(step), step, 0.0)
                u = np.where(un > 0, un, u)
        u = np.where(below, 0.0, np.where(above, math.inf, u))
        return np.where(np.isnan(t), np.nan, u)

    def _impl(self, method: str, x: np.ndarray, *rest) -> np.ndarray:
        c = self._consts
        with np.errstate(all="ignore"):
            if method in ("f", "df", "d2f"):
                fn = {"f": self._f, "df": self._df, "d2f": self._d2f}[method]
                edge0 = {"f": c["f0"], "df": c["df0"], "d2f": math.inf}[method]
                pos = np.where(x > 0, x, 1.0)
                out = np.where(x > 0, fn(np.where(np.isinf(pos), 1.0, pos)), edge0)
                inf_val = {"f": math.inf, "df": c["df_inf"], "d2f": 0.0}[method]
                out = np.where(np.isinf(x) & (x > 0), inf_val, out)
                return np.where((x < 0) | np.isnan(x), np.nan, out)
            if method == "f_logu":
                return self._impl("f", np.exp(x))
            if method == "df_logu":
                return self._impl("df", np.exp(x))
            if method in ("activation", "ratio_activation"):
                t = self._impl("df", np.exp(x))
                b = c["df_inf"]
                if math.isfinite(b):  # f'(e^v) may round onto the open boundary f'(inf)
                    t = np.where(t >= b, np.nextafter(b, -math.inf), t)
                return t
            if method == "log_d2f_logu":
                if self._ld2 is not None:
                    return self._ld2(x)
                return np.log(self._impl("d2f", np.exp(x)))
            if method == "inv_df":
                return self._inverse(x)
            if method == "log_inv_df":
                return np.log(self._inverse(x))
            if method == "conj":
                u = self._inverse(x)
                val = x * u - self._impl("f", u)
                val = np.where(u == 0, -c["f0"], val)
                return np.where(np.isinf(u), math.inf, val)
            if method == "log_ratio":  # the activation is the ratio activation: log r = v
                return x.copy()
            if method == "objective_logu":
                e = np.exp(x)
                return self._impl("f", e) - e * self._impl("df", e)
            if method == "perspective":
                p, q = x, rest[0]
                r = np.where(q > 0, p / np.where(q > 0, q, 1.0), 0.0)
                val = q * self._impl("f", r)
                val = np.where(q == 0, np.where(p == 0, 0.0, p * c["df_inf"]), val)
                val = np.where((p == 0) & (q > 0), q * c["f0"], val)
                bad = (p < 0) | (q < 0) | np.isnan(p) | np.isnan(q) | np.isinf(p) | np.isinf(q)
                return np.where(bad, np.nan, val)
        raise AttributeError(method)

    def _call(self, method: str, x: Any, argname: str, out: Any, kwargs: dict) -> Any:
        if kwargs:
            raise TypeError(f"custom divergences accept out= only, got {sorted(kwargs)}")
        x = _check_real(x, argname)
        arr = np.asarray(x)
        dtype = np.result_type(arr.dtype, np.float32) if arr.dtype.kind == "f" else np.float64
        res = self._impl(method, arr.astype(np.float64)).astype(dtype)
        if out is not None:
            out[...] = res
            return out
        return res[()] if res.ndim == 0 else res

    def perspective(self, p, q, out=None, **kwargs):
        if kwargs:
            raise TypeError(f"custom divergences accept out= only, got {sorted(kwargs)}")
        p = np.asarray(_check_real(p, "p"), dtype=np.float64)
        q = np.asarray(_check_real(q, "q"), dtype=np.float64)
        p, q = np.broadcast_arrays(p, q)
        res = self._impl("perspective", p, q)
        if out is not None:
            out[...] = res
            return out
        return res[()] if res.ndim == 0 else res

    # -- metadata -------------------------------------------------------------------------
    @property
    def dual(self) -> Divergence:
        if self._dual is None:
            f, df, d2 = self._f, self._df, self._d2f
            ld2 = self._ld2
            d = CustomDivergence(
                lambda u: u * f(1.0 / u),
                lambda u: f(1.0 / u) - df(1.0 / u) / u,
                lambda u: d2(1.0 / u) / u**3,
                log_d2f_logu=None if ld2 is None else (lambda r: -3.0 * r + ld2(-r)),
                name=f"dual({self._name})",
                _check=False,
            )
            d._dual = self
            self._dual = d
        return self._dual

    @property
    def symmetric(self) -> Any:
        return None  # not decided for a custom f

    @property
    def tail_weights(self) -> tuple:
        from ._tails import tail_weights

        return tuple(tail_weights(self, numeric=False))

    def _check_tail_input(self) -> None:
        if not self._given["d2f"]:
            raise ValueError(
                f"tail weights of {self._name!r} need f'' (d2f= or log_d2f_logu=): differences "
                "of f or f' lose f'' in the tails, where f' is nearly constant (MATH.md §5.3)"
            )

    @property
    def f0(self) -> float:
        return self._consts["f0"]

    @property
    def df_inf(self) -> float:
        return self._consts["df_inf"] + 0.0

    @property
    def conj_domain(self):
        from ._api import ConjDomain

        return ConjDomain(-math.inf, self.df_inf, False)

    def __repr__(self) -> str:
        return f"fdiv.Divergence.custom(name={self._name!r})"

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


def custom(f, df=None, d2f=None, *, log_d2f_logu=None, name="custom") -> CustomDivergence:
    """A divergence from a convex f with f(1) = 0, given as vectorised Python callables.

    f', f'' (or log f''(e^r)) are optional; missing ones are differenced numerically. The
    constructor checks f(1) = 0 and f'' >= 0 on u in [1e-6, 1e6] and raises ValueError with the
    offending point. The result has every method of a catalogue Divergence (f* and (f')^-1 by a
    bracketed solve), so critics, tail weights and the rest of fdiv accept it; it is computed
    in Python, about 100x slower than the catalogue.
    """
    return CustomDivergence(f, df, d2f, log_d2f_logu=log_d2f_logu, name=name)
