"""Public API: argument validation, dtype handling and documentation.

The numbers come from the compiled ufuncs in ``fdiv.ufuncs``; this module adds nothing
numerical that the core already does.
"""

from __future__ import annotations

import math
from collections import namedtuple
from typing import Any

import numpy as np

from . import _core
from ._catalogue import CATALOGUE, PARAMETERS
from .ufuncs import METHODS

__all__ = ["Divergence", "ConjDomain", "get", "names", "alpha", "js_weighted", "discrete"]

ConjDomain = namedtuple("ConjDomain", ["lo", "hi", "hi_included"])
ConjDomain.__doc__ = "Domain of the conjugate f*: the interval (lo, hi), hi included or not."

_REAL_KINDS = "biuf"


def _check_real(x: Any, argname: str) -> Any:
    """Return x (as an array if it had no dtype) after checking it holds real numbers."""
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        try:
            x = np.asarray(x)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{argname} must be an array of real numbers: {exc}") from None
        dtype = x.dtype
    kind = np.dtype(dtype).kind
    if kind not in _REAL_KINDS:
        raise TypeError(
            f"{argname} must be real (bool, integer or floating), got dtype {np.dtype(dtype)}"
        )
    if kind in "biu":
        # Integers are exact: compute in float64 (NumPy's rule would pick the float32 loop for
        # int8/int16/bool and lose digits for no reason).
        return x.astype(np.float64)
    return x


def _scalar_or_array(value: Any) -> Any:
    arr = np.asarray(value, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr


def _validate_param(name: str, value: Any) -> Any:
    pname = PARAMETERS[name]
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{pname} must be a real number or array, got {value!r}")
    arr = np.asarray(value)
    if arr.dtype.kind not in _REAL_KINDS:
        raise TypeError(f"{pname} must be real, got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{pname} must be finite, got {value!r}")
    if name == "alpha" and np.any((arr == 0.0) | (arr == 1.0)):
        raise ValueError(
            f"alpha must not be 0 or 1 (the limits are fdiv.reverse_kl and fdiv.kl), got {value!r}"
        )
    if name == "js_weighted" and np.any((arr <= 0.0) | (arr >= 1.0)):
        raise ValueError(f"pi must lie in the open interval (0, 1), got {value!r}")
    return _scalar_or_array(arr)


class Divergence:
    """An f-divergence D_f(P||Q) = E_Q[f(p/q)] of the catalogue.

    Every elementwise method is a NumPy ufunc underneath: it broadcasts, accepts ``out=``,
    ``where=`` and the other ufunc keywords, has float32 and float64 loops, and returns a
    scalar for scalar input. Out of the domain (u < 0, NaN) it returns NaN; at the edges
    (u = 0, u = inf, the boundary of dom f*) the mathematical limit.

    Obtain instances with :func:`fdiv.get`, ``fdiv.kl`` etc., :func:`fdiv.alpha` and
    :func:`fdiv.js_weighted`.
    """

    __slots__ = ("_name", "_param", "_dual", "_ufuncs")

    def __init__(self, name: str, param: Any = None, *, _validated: bool = False) -> None:
        if name not in CATALOGUE:
            raise ValueError(f"unknown divergence {name!r}; known: {', '.join(names())}")
        if name in PARAMETERS:
            if param is None:
                raise ValueError(f"{name} needs the parameter {PARAMETERS[name]}")
            if not _validated:
                param = _validate_param(name, param)
        elif param is not None:
            raise ValueError(f"{name} takes no parameter")
        self._name = name
        self._param = param
        self._dual = None
        self._ufuncs = {m: getattr(_core, f"{name}_{m}") for m in METHODS}

    # -- identity -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The catalogue id."""
        return self._name

    @property
    def params(self) -> dict:
        """The family parameter, e.g. ``{"alpha": 0.5}``; ``{}`` for fixed entries."""
        if self._name in PARAMETERS:
            return {PARAMETERS[self._name]: self._param}
        return {}

    def __repr__(self) -> str:
        if self._name in PARAMETERS:
            return f"fdiv.get({self._name!r}, {PARAMETERS[self._name]}={self._param!r})"
        return f"fdiv.{self._name}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Divergence):
            return NotImplemented
        if self._name != other._name:
            return False
        if self._param is None or other._param is None:
            return self._param is other._param
        a, b = np.asarray(self._param), np.asarray(other._param)
        return a.shape == b.shape and bool(np.all(a == b))

    def __hash__(self) -> int:
        p = self._param
        return hash((self._name, p if p is None or isinstance(p, float) else p.tobytes()))

    # -- elementwise methods ----------------------------------------------------------------
    def _call(self, method: str, x: Any, argname: str, out: Any, kwargs: dict) -> Any:
        x = _check_real(x, argname)
        uf = self._ufuncs[method]
        if out is not None:
            kwargs["out"] = out
        if self._param is None:
            return uf(x, **kwargs)
        return uf(x, self._param, **kwargs)

    def f(self, u, out=None, **kwargs):
        """f(u), the generator at the density ratio u = p/q >= 0."""
        return self._call("f", u, "u", out, kwargs)

    def df(self, u, out=None, **kwargs):
        """f'(u); at u = 0 and u = inf the limits f'(0+) and f'(inf)."""
        return self._call("df", u, "u", out, kwargs)

    def d2f(self, u, out=None, **kwargs):
        """f''(u) (total_variation: +inf at u = 1, its point mass, and 0 elsewhere)."""
        return self._call("d2f", u, "u", out, kwargs)

    def f_logu(self, r, out=None, **kwargs):
        """f(e^r) from the log-ratio r = log(p/q); stable for |r| <= 700 and beyond."""
        return self._call("f_logu", r, "r", out, kwargs)

    def df_logu(self, r, out=None, **kwargs):
        """f'(e^r) from the log-ratio r."""
        return self._call("df_logu", r, "r", out, kwargs)

    def log_d2f_logu(self, r, out=None, **kwargs):
        """log f''(e^r): always finite inside the domain (tail weights read its slopes)."""
        return self._call("log_d2f_logu", r, "r", out, kwargs)

    def conj(self, t, out=None, **kwargs):
        """Convex conjugate f*(t) = sup_{u >= 0} (u t - f(u)); +inf outside dom f*."""
        return self._call("conj", t, "t", out, kwargs)

    def inv_df(self, t, out=None, **kwargs):
        """(f')^-1(t), extended as the maximiser of u t - f(u) over u >= 0.

        0 for t <= f'(0+), +inf for t >= f'(inf).
        """
        return self._call("inv_df", t, "t", out, kwargs)

    def activation(self, v, out=None, **kwargs):
        """f-GAN output activation g_f(v), mapping R into dom f*.

        Entries without an f-GAN activation (triangular, le_cam, softened_reverse_kl,
        softened_kl) use the ratio activation f'(e^v).
        """
        return self._call("activation", v, "v", out, kwargs)

    def ratio_activation(self, v, out=None, **kwargs):
        """Ratio activation g_ratio(v) = f'(e^v): at the optimum v = log(p/q).

        Equal to ``df_logu`` except where f'(e^v) rounds onto an open boundary of dom f*
        (e.g. squared_hellinger at v > 75): there it is the largest double inside.
        """
        return self._call("ratio_activation", v, "v", out, kwargs)

    def perspective(self, p, q, out=None, **kwargs):
        """q f(p/q), with 0 f(0/0) = 0, q = 0 < p: p f'(inf), p = 0 < q: q f(0+)."""
        p = _check_real(p, "p")
        q = _check_real(q, "q")
        uf = self._ufuncs["perspective"]
        if out is not None:
            kwargs["out"] = out
        if self._param is None:
            return uf(p, q, **kwargs)
        return uf(p, q, self._param, **kwargs)

    # -- metadata -----------------------------------------------------------------------------
    @property
    def dual(self) -> Divergence:
        """The divergence with generator u f(1/u): D_dual(P||Q) = D(Q||P)."""
        if self._dual is None:
            dual_name = CATALOGUE[self._name][0]
            if self._name in PARAMETERS:
                d = Divergence(
                    dual_name, _scalar_or_array(1.0 - np.asarray(self._param)), _validated=True
                )
            elif dual_name == self._name:
                d = self
            else:
                d = Divergence(dual_name)
            d._dual = self
            self._dual = d
        return self._dual

    @property
    def symmetric(self) -> Any:
        """True if D(P||Q) = D(Q||P) for all P, Q."""
        sym = CATALOGUE[self._name][1]
        if sym is not None:
            return sym
        half = np.asarray(self._param) == 0.5
        return bool(half) if half.ndim == 0 else half

    @property
    def tail_weights(self) -> tuple:
        """(L, R) tail weights (MATH.md §5); total_variation: (-inf, -inf)."""
        tw = CATALOGUE[self._name][2]
        if tw is not None:
            return tw
        a = self._param  # alpha: f'' = u^(a - 2)
        return (_scalar_or_array(2.0 - np.asarray(a)), _scalar_or_array(1.0 + np.asarray(a)))

    @property
    def f0(self) -> Any:
        """f(0+): the price of Q-mass where P has none."""
        return _scalar_or_array(self.f(0.0))

    @property
    def df_inf(self) -> Any:
        """f'(inf) = lim f(u)/u: the price of P-mass where Q has none."""
        return _scalar_or_array(self.df(math.inf)) + 0.0  # f'(inf) = -0.0 reads as 0

    @staticmethod
    def custom(f, df=None, d2f=None, *, log_d2f_logu=None, name="custom") -> Divergence:
        """A divergence from Python callables: see :func:`fdiv._custom.custom`."""
        from ._custom import custom

        return custom(f, df, d2f, log_d2f_logu=log_d2f_logu, name=name)

    is_custom = False

    @property
    def conj_domain(self) -> ConjDomain:
        """dom f* = (-inf, hi) or (-inf, hi]: hi = f'(inf)."""
        hi = self.df_inf
        inc = CATALOGUE[self._name][3]
        if inc is None:  # alpha: the endpoint 1/(1 - a) belongs to dom f* for a < 0
            a = np.asarray(self._param)
            inc = (a < 0.0) if a.ndim else bool(a < 0.0)
        return ConjDomain(-math.inf, hi, inc)


def names() -> list:
    """The catalogue ids."""
    return list(CATALOGUE)


def get(name: Any, **params: Any) -> Divergence:
    """The catalogue entry ``name``; parametric families take their parameter by keyword.

    >>> fdiv.get("kl"); fdiv.get("alpha", alpha=2.0); fdiv.get("js_weighted", pi=0.3)
    """
    if isinstance(name, Divergence):
        if params:
            raise ValueError("parameters given together with a Divergence instance")
        return name
    if not isinstance(name, str) or name not in CATALOGUE:
        raise ValueError(f"unknown divergence {name!r}; known: {', '.join(names())}")
    if name in PARAMETERS:
        pname = PARAMETERS[name]
        extra = set(params) - {pname}
        if extra:
            raise ValueError(f"{name} takes the parameter {pname!r} only, got {sorted(extra)}")
        if pname not in params:
            raise ValueError(f"{name} needs the parameter {pname}, e.g. get({name!r}, {pname}=0.5)")
        return Divergence(name, params[pname])
    if params:
        raise ValueError(f"{name} takes no parameters, got {sorted(params)}")
    return _FIXED[name]


def alpha(alpha: Any) -> Divergence:  # noqa: A001 - the family's name
    """The alpha-divergence, f(u) = (u^a - 1 - a (u - 1)) / (a (a - 1)), a not in {0, 1}.

    ``alpha`` may be an array; it broadcasts against the inputs as a ufunc argument.
    """
    return Divergence("alpha", _validate_param("alpha", alpha), _validated=True)


def js_weighted(pi: Any) -> Divergence:
    """The pi-weighted Jensen-Shannon divergence, 0 < pi < 1 (pi = 1/2 gives js)."""
    return Divergence("js_weighted", _validate_param("js_weighted", pi), _validated=True)


_FIXED = {n: Divergence(n) for n in CATALOGUE if n not in PARAMETERS}


def discrete(p: Any, q: Any, d: Any, axis: int = -1, normalize: bool = False) -> Any:
    """D_f(P||Q) = sum_i q_i f(p_i/q_i) between discrete distributions along ``axis``.

    Like ``scipy.stats.entropy(p, q)``, but for any catalogue divergence and without silent
    renormalisation: inputs that are not distributions along ``axis`` (negative, non-finite,
    or not summing to 1 within 1e-9 for float64, 1e-5 for float32) raise ValueError unless
    ``normalize=True``. Mass where one side is zero follows MATH.md §0: 0 f(0/0) = 0,
    q = 0 < p contributes p f'(inf), p = 0 < q contributes q f(0+), so a support violation
    gives +inf (never NaN) where the divergence is infinite.
    """
    d = get(d)
    p = _check_real(p, "p")
    q = _check_real(q, "q")
    p = np.asarray(p)
    q = np.asarray(q)
    dtype = np.result_type(p, q, np.float32)
    p = p.astype(dtype, copy=False)
    q = q.astype(dtype, copy=False)
    try:
        p, q = np.broadcast_arrays(p, q)
    except ValueError:
        raise ValueError(f"p and q do not broadcast: shapes {p.shape} and {q.shape}") from None
    if p.ndim == 0:
        raise ValueError("p and q must have at least one dimension (the distribution axis)")
    if not isinstance(axis, (int, np.integer)) or not -p.ndim <= axis < p.ndim:
        raise ValueError(f"axis {axis!r} is out of bounds for arrays of dimension {p.ndim}")
    axis = int(axis) % p.ndim
    for arr, nm in ((p, "p"), (q, "q")):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{nm} must be finite")
        if np.any(arr < 0):
            raise ValueError(f"{nm} must be nonnegative")
    with np.errstate(over="ignore"):  # huge masses sum to inf and fail the check below
        sp = p.sum(axis=axis, keepdims=True)
        sq = q.sum(axis=axis, keepdims=True)
    if normalize:
        if not (np.all(np.isfinite(sp)) and np.all(np.isfinite(sq))):
            raise ValueError("cannot normalize: p or q sums to more than the double range")
        if np.any(sp == 0) or np.any(sq == 0):
            raise ValueError("cannot normalize: p or q sums to 0 along axis")
        p = p / sp
        q = q / sq
    else:
        tol = 1e-5 if dtype == np.float32 else 1e-9
        for s, nm in ((sp, "p"), (sq, "q")):
            if np.any(np.abs(s - 1) > tol):
                raise ValueError(
                    f"{nm} does not sum to 1 along axis {axis} (got {np.ravel(s)[:3]}...); "
                    "pass normalize=True to renormalise"
                )
    with np.errstate(over="ignore"):  # a sum past DBL_MAX is +inf, like any value past it
        return d.perspective(p, q).sum(axis=axis)
