"""Divergences between known densities: closed forms and batched adaptive quadrature."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _core
from ._api import Divergence, get
from .dist import (
    _SUPPORT,
    Beta,
    Distribution,
    Exponential,
    Gamma,
    Mixture,
    MvNormal,
    Normal,
    Poisson,
)

__all__ = ["DivergenceResult", "Results", "divergence", "renyi", "bhattacharyya"]

_METHODS = ("auto", "closed", "quad", "mc")
_NORMAL_CLOSED = {
    "kl",
    "reverse_kl",
    "jeffreys",
    "squared_hellinger",
    "alpha",
    "pearson",
    "neyman",
    "total_variation",
}


@dataclass
class DivergenceResult:
    """value, a bound on its absolute error, the method used and whether rtol/atol were met."""

    value: Any
    error: Any
    method: str
    converged: Any

    def __float__(self) -> float:
        return float(self.value)


def _unwrap(x):
    x = np.asarray(x)
    return x[()] if x.ndim == 0 else x


class Results(dict):
    """The results for a list of divergences: a dict name -> result, whose fields are also
    readable across the list, stacked on a new first axis in the list's order
    (``r.value[i]`` is ``list(r.values())[i].value``; ``r.ci(0.95)`` stacks the intervals)."""

    def __getattr__(self, field):
        if field.startswith("_"):
            raise AttributeError(field)
        vals = [getattr(v, field) for v in self.values()]
        try:
            return np.stack([np.asarray(v) for v in vals])
        except ValueError:  # ragged or non-numeric: a plain list
            return vals

    def ci(self, level: float = 0.95):
        lo, hi = zip(*(v.ci(level) for v in self.values()))
        return np.stack([np.asarray(x) for x in lo]), np.stack([np.asarray(x) for x in hi])


_EXPFAM_CLOSED = _NORMAL_CLOSED - {"total_variation"}


def _expfam(P, Q):
    """(family, (a1, b1), (a2, b2)) for an exponential-family pair of one family
    (0: Gamma(shape, scale) with Exponential(scale) = Gamma(1, scale); 1: Beta; 2: Poisson)."""

    def gamma(x):
        if type(x) is Gamma:
            return x.shape_param, x.scale
        if type(x) is Exponential:
            return np.ones_like(x.scale), x.scale
        return None

    if gamma(P) is not None and gamma(Q) is not None:
        return 0, gamma(P), gamma(Q)
    if type(P) is Beta and type(Q) is Beta:
        return 1, (P.a, P.b), (Q.a, Q.b)
    if type(P) is Poisson and type(Q) is Poisson:
        return 2, (P.rate, P.rate), (Q.rate, Q.rate)
    return None


def _closed_available(P, Q, d) -> bool:
    if d.is_custom:
        return False
    if type(P) is MvNormal and type(Q) is MvNormal:
        return d.name in _NORMAL_CLOSED and d.name != "total_variation"
    if _expfam(P, Q) is not None:
        return d.name in _EXPFAM_CLOSED
    return type(P) is Normal and type(Q) is Normal and d.name in _NORMAL_CLOSED


def _result(v, shape, method, error=None):
    if np.isnan(v).any():
        where = (
            f" for batch items {np.argwhere(np.isnan(v.reshape(shape)))[:3].tolist()}"
            if shape
            else ""
        )
        raise ValueError(
            f"the {method} form broke down (NaN){where}: the parameters are beyond the double "
            "range (its intermediate terms overflow)"
        )
    e = np.zeros(shape) if error is None else error.reshape(shape)
    return DivergenceResult(
        _unwrap(v.reshape(shape)), _unwrap(e), method, _unwrap(np.ones(shape, bool))
    )


def _dim(x) -> int:
    return 1 if _is_scipy_1d(x) else x.dim


def _as_normal(x):
    """A 1-dimensional MvNormal as the equivalent Normal (then quadrature applies too)."""
    if type(x) is MvNormal and x.dim == 1:
        return Normal(loc=x.mean[..., 0], scale=np.sqrt(x.cov[..., 0, 0]))
    return x


def divergence(
    P: Distribution,
    Q: Distribution,
    d: Any = "kl",
    method: str = "auto",
    rtol: float = 1e-12,
    atol: float = 0.0,
    limit: int = 200,
    *,
    n: int = 100_000,
    seed: Any = None,
    sample_from: str = "auto",
    proposal: Distribution | None = None,
    qmc: bool = False,
    client: Any = None,
    progress: Any = None,
):
    """D_f(P||Q) = E_Q[f(p/q)] = int q f(p/q) between known densities, batched.

    ``d``: a catalogue id, a Divergence, or a list of them (then a dict name -> result).
    ``method``:

    * "closed": MATH.md §7 -- Normal pairs under kl, reverse_kl, jeffreys, squared_hellinger,
      alpha, pearson, neyman (with their finiteness conditions) and total_variation; MvNormal
      pairs (full covariance) under the same but total_variation; Gamma/Exponential, Beta and
      Poisson pairs (exponential families) under kl, reverse_kl, jeffreys,
      squared_hellinger, alpha, pearson, neyman.
    * "quad": adaptive Gauss-Kronrod in C++ (1-D), parallel over the batch, mass where one
      density vanishes priced as in MATH.md §0; for Poisson pairs, the exact sum over k
      (method "sum" in the result).
    * "mc": Monte Carlo in any dimension (``n`` samples, ``seed``: None, int, SeedSequence or
      Generator; ``sample_from`` "q" (average f(p/q) over Q), "p" (average f(p/q) q/p over
      P), "mixture" (q f(p/q)/m over M = (P + Q)/2, defensive importance sampling) or "auto"
      (the smallest variance in pilot runs of the three); ``proposal``: importance sampling
      from that distribution; ``qmc=True``: randomised quasi-Monte Carlo, scrambled Sobol,
      error from 16 independent scrambles; ``client``: a dask.distributed Client over whose
      workers the blocks of samples are spread, the value equal to the local one to the last
      bit; ``progress``: a callable(samples done, samples in all) called after each chunk of
      blocks -- with it, Ctrl-C returns the blocks done so far, flagged ``partial``).
      Returns an :class:`MCResult` (value, stderr, ci(), n, ess, finite_variance).
    * "auto": closed form when one exists, else quadrature in 1-D, else an error (Monte Carlo
      is never chosen silently).

    Returns a :class:`DivergenceResult` with arrays of the batch shape (floats for a scalar
    batch); ``error`` bounds |value - exact| for the quadrature (0 for closed forms, which
    are accurate to a few ulp). A quadrature that misses rtol/atol within ``limit``
    subdivisions says so (``converged`` False) and warns.
    """
    kw = dict(
        n=n,
        seed=seed,
        sample_from=sample_from,
        proposal=proposal,
        qmc=qmc,
        client=client,
        progress=progress,
    )
    if isinstance(d, (list, tuple)):
        if method == "mc" and (seed is None or isinstance(seed, np.random.Generator)):
            # one seed for the list (an int or SeedSequence passes through unchanged, so each
            # entry equals the single call with that seed)
            kw["seed"] = (
                np.random.SeedSequence()
                if seed is None
                else np.random.SeedSequence(int(seed.integers(0, 2**63)))
            )
        return Results(
            {
                (x if isinstance(x, str) else repr(x)): divergence(
                    P, Q, x, method, rtol, atol, limit, **kw
                )
                for x in d
            }
        )
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    for x, nm in ((P, "P"), (Q, "Q")):
        if not (isinstance(x, Distribution) or _is_scipy_1d(x)):
            raise TypeError(
                f"{nm} must be an fdiv.dist distribution or a frozen 1-D scipy.stats "
                f"continuous distribution, got {type(x).__name__}"
            )
    d = get(d) if isinstance(d, str) else d
    if not isinstance(d, Divergence):
        raise TypeError("d must be a catalogue id or a fdiv.Divergence")
    if _dim(P) != _dim(Q):
        raise ValueError(
            f"P and Q must have the same dimension: P is {_dim(P)}-dimensional, "
            f"Q is {_dim(Q)}-dimensional"
        )
    P, Q = _as_normal(P), _as_normal(Q)
    discrete = [getattr(x, "discrete", False) for x in (P, Q)]
    if any(discrete) and not all(discrete):
        raise ValueError(
            "P and Q must both be continuous or both discrete (Poisson): a divergence between "
            "a discrete and a continuous distribution is degenerate"
        )
    if method == "mc":
        if any(discrete):
            raise ValueError(
                "method='mc' samples continuous distributions; Poisson pairs have "
                "closed forms and exact sums (method='auto')"
            )
        if _is_scipy_1d(P) or _is_scipy_1d(Q):
            raise ValueError(
                "method='mc' samples in the compiled core: P and Q must be fdiv.dist "
                "distributions, not scipy.stats objects"
            )
        from ._mc import monte_carlo

        param = np.asarray(d._param if d._param is not None else 0.0, dtype=np.float64)
        shapes = [P.shape, Q.shape, param.shape]
        if proposal is not None:
            shapes.append(proposal.shape)
        try:
            shape = np.broadcast_shapes(*shapes)
        except ValueError:
            raise ValueError(f"batch shapes do not broadcast: {shapes}") from None
        return monte_carlo(
            P, Q, d, shape, n, seed, sample_from, proposal, qmc, client=client, progress=progress
        )
    if _dim(P) > 1:
        if method == "quad":
            raise ValueError(
                f"method='quad' integrates in one dimension; P and Q are {_dim(P)}-dimensional "
                "(use method='closed' or 'auto' for MvNormal pairs, or method='mc')"
            )
        if not (type(P) is MvNormal and type(Q) is MvNormal):
            raise ValueError(
                f"no closed form for {type(P).__name__} against {type(Q).__name__} in "
                f"{_dim(P)} dimensions: use method='mc'"
            )
    param = np.asarray(d._param if d._param is not None else 0.0, dtype=np.float64)
    try:
        shape = np.broadcast_shapes(_shape(P), _shape(Q), param.shape)
    except ValueError:
        raise ValueError(
            f"batch shapes do not broadcast: P {_shape(P)}, Q {_shape(Q)}, parameter {param.shape}"
        ) from None
    if not (rtol >= 0 and atol >= 0) or (rtol == 0 and atol == 0):
        raise ValueError("rtol and atol must be >= 0 and not both 0")
    closed = _closed_available(P, Q, d)
    if not closed and (method == "closed" or _dim(P) > 1):
        raise ValueError(
            f"no closed form for {d!r} between {type(P).__name__} and {type(Q).__name__}"
            + (" (quadrature is one-dimensional: use method='mc')" if _dim(P) > 1 else "")
        )
    pr = np.broadcast_to(param, shape).ravel()
    if closed and type(P) is MvNormal:
        (m1, L1), (m2, L2) = P._flat(shape), Q._flat(shape)
        v = _core.mvn_closed(d.name, np.ascontiguousarray(pr), m1, L1, m2, L2).reshape(shape)
        return DivergenceResult(
            _unwrap(v), _unwrap(np.zeros(shape)), "closed", _unwrap(np.ones(shape, bool))
        )
    fam = _expfam(P, Q)
    if fam is not None and (closed and method in ("auto", "closed")):
        b = [np.broadcast_to(x, shape).ravel() for x in (*fam[1], *fam[2])]
        v = _core.expfam_closed(fam[0], d.name, np.ascontiguousarray(pr), *b)
        return _result(v, shape, "closed")
    if all(discrete):  # Poisson pairs without a closed form: the exact sum over k
        if d.is_custom:
            raise ValueError("custom divergences between Poisson distributions are not supported")
        b = [np.broadcast_to(x, shape).ravel() for x in (P.rate, Q.rate)]
        if max(np.max(b[0]), np.max(b[1])) > 1e12:
            raise ValueError(
                f"no closed form for {d!r} between Poisson distributions, and rates above 1e12 "
                "are too large for the exact sum over k"
            )
        v, e = _core.poisson_sum(d.name, np.ascontiguousarray(pr), *b)
        return _result(v, shape, "sum", e)
    if closed and method in ("auto", "closed"):
        b = [np.broadcast_to(x, shape).ravel() for x in (P.loc, P.scale, Q.loc, Q.scale)]
        v = _core.normal_closed(d.name, pr, *b).reshape(shape)
        return DivergenceResult(
            _unwrap(v), _unwrap(np.zeros(shape)), "closed", _unwrap(np.ones(shape, bool))
        )
    n = int(np.prod(shape))
    if d.is_custom or _is_scipy_1d(P) or _is_scipy_1d(Q):
        return _python_quad(P, Q, d, shape, n, rtol, atol, int(limit))

    def pack(D):
        comps, logw = D._components()
        kinds = np.array([c[0] for c in comps], dtype=np.int32)
        params = np.stack(
            [np.stack([np.broadcast_to(x, shape).ravel() for x in c[1:]], axis=-1) for c in comps],
            axis=1,
        )
        lw = np.stack([np.broadcast_to(w, shape).ravel() for w in logw], axis=1)
        return (
            kinds,
            np.ascontiguousarray(params.reshape(n, len(comps), 3)),
            np.ascontiguousarray(lw),
        )

    pk, pp, pw = pack(P)
    qk, qp, qw = pack(Q)
    v, e, c = _core.quad_divergence(d.name, pr, pk, pp, pw, qk, qp, qw, rtol, atol, int(limit))
    v, e, c = v.reshape(shape), e.reshape(shape), c.reshape(shape).astype(bool)
    if np.isnan(v).any():
        where = f" for batch items {np.argwhere(np.isnan(v))[:3].tolist()}" if v.ndim else ""
        raise ValueError(
            f"quadrature broke down (NaN){where}: the parameters are beyond the double range "
            "(scale ratios past about 1e300, or a mean past DBL_MAX)"
        )
    if not c.all():
        warnings.warn(
            f"quadrature of {d!r} missed rtol={rtol}, atol={atol} in {(~c).sum()} of {c.size} "
            f"items within limit={limit} subdivisions (see .converged and .error)",
            RuntimeWarning,
            stacklevel=2,
        )
    return DivergenceResult(_unwrap(v), _unwrap(e), "quad", _unwrap(c))


def _is_scipy_1d(x) -> bool:
    """A frozen scipy.stats univariate continuous distribution."""
    dist = getattr(x, "dist", None)
    return (
        dist is not None
        and type(dist).__module__.startswith("scipy.stats")
        and hasattr(dist, "_pdf")
        and hasattr(x, "logpdf")
        and hasattr(x, "support")
    )


def _shape(x) -> tuple:
    return () if _is_scipy_1d(x) else x.shape


def _item(D, shape, i):
    """(log density of batch item i as a scalar function, support lo, hi, breakpoints)."""
    if _is_scipy_1d(D):
        lo, hi = (float(v) for v in D.support())
        with np.errstate(all="ignore"):
            q = D.ppf([1e-9, 1e-4, 0.05, 0.5, 0.95, 1 - 1e-4, 1 - 1e-9])
        pts = [float(v) for v in q if np.isfinite(v)] + [v for v in (lo, hi) if np.isfinite(v)]
        return (lambda x: float(D.logpdf(x))), lo, hi, pts
    comps, logw = D._components()
    kinds = np.array([c[0] for c in comps], dtype=np.int32)
    params = np.array([[np.broadcast_to(x, shape).ravel()[i] for x in c[1:]] for c in comps])
    lw = np.array([np.broadcast_to(w, shape).ravel()[i] for w in logw])
    pts, lo, hi = [], np.inf, -np.inf
    for k, (a, b, _) in zip(kinds, params):
        sup = _SUPPORT.get(int(k), (-np.inf, np.inf))
        sup = (a, b) if sup is None else sup
        lo, hi = min(lo, sup[0]), max(hi, sup[1])
        pts += [x for x in sup if np.isfinite(x)]
        if k <= 4:  # location-scale families: centre and +-3, +-8 scales
            pts += [a + s * b for s in (0.0, -3.0, 3.0, -8.0, 8.0)]
    item = (kinds, params, lw)

    def logpdf(x):
        return float(_core.mixture_logpdf(*item, np.array([x]))[0])

    return logpdf, lo, hi, pts


def _scaled(scale, fl, r):
    """e^scale f(e^r) for r <= 0, as the compiled perspective_log does: where f(e^r) overflows
    although the product is finite (e^scale tiny), continue log f(e^r) linearly in r from the
    last r (halving towards 0) where it is finite -- exact for the power laws of the tails."""
    with np.errstate(all="ignore"):
        v = float(fl(r))
        if v == 0.0:
            return 0.0
        if np.isfinite(v):
            return (
                float(np.exp(scale) * v)
                if scale > -700
                else math.copysign(math.exp(scale + math.log(abs(v))), v)
            )
        ra = r
        for _ in range(64):
            if np.isfinite(float(fl(ra))):
                break
            ra *= 0.5
        va, v0 = float(fl(ra)), float(fl(ra + 1.0))
        if not (va > 0.0 and v0 > 0.0 and np.isfinite(va)):
            return v
        lv = math.log(va) + (math.log(va) - math.log(v0)) * (ra - r)
        return math.exp(min(scale + lv, 709.0)) if scale + lv < 709.78 else math.inf


def _python_quad(P, Q, d, shape, n, rtol, atol, limit):
    """Quadrature driven from Python (custom divergences, scipy.stats inputs):
    scipy.integrate.quad per piece of the support, the integrand q f(p/q) formed from the log
    densities exactly as in the compiled path (MATH.md §0 terms included)."""
    from scipy.integrate import quad

    dual = d.dual
    vals, errs, conv = np.empty(n), np.empty(n), np.ones(n, dtype=bool)
    for i in range(n):
        lp_fn, plo, phi, ppts = _item(P, shape, i)
        lq_fn, qlo, qhi, qpts = _item(Q, shape, i)
        lo, hi = min(plo, qlo), max(phi, qhi)

        def h(x, lp_fn=lp_fn, lq_fn=lq_fn):
            lp, lq = lp_fn(x), lq_fn(x)
            if lp == -np.inf and lq == -np.inf:
                return 0.0
            if lq == -np.inf:
                return np.inf if d.df_inf == np.inf else np.exp(lp) * d.df_inf
            if lp == -np.inf:
                return np.inf if d.f0 == np.inf else np.exp(lq) * d.f0
            if lp <= lq:
                return _scaled(lq, d.f_logu, lp - lq)
            return _scaled(lp, dual.f_logu, lq - lp)

        cuts = sorted({x for x in ppts + qpts if lo <= x <= hi})
        edges = ([lo] if lo == -np.inf else []) + cuts + ([hi] if hi == np.inf else [])
        total, err, ok = 0.0, 0.0, True
        with np.errstate(all="ignore"):
            for a, b in zip(edges[:-1], edges[1:]):
                if not b > a:
                    continue
                out = quad(
                    h, a, b, epsrel=rtol, epsabs=atol / len(edges), limit=limit, full_output=1
                )
                total += out[0]
                err += out[1]
                ok &= len(out) == 3  # a fourth element is scipy's warning message
        if np.isinf(total):
            err = 0.0  # an exact infinity, as in the compiled path
        vals[i], errs[i], conv[i] = total, err, ok and not np.isnan(total)
    v, e, c = vals.reshape(shape), errs.reshape(shape), conv.reshape(shape)
    if not c.all():
        warnings.warn(
            f"quadrature of {d!r} did not converge in {(~c).sum()} of {c.size} items",
            RuntimeWarning,
            stacklevel=3,
        )
    return DivergenceResult(_unwrap(v), _unwrap(e), "quad", _unwrap(c))


def _from_alpha(P, Q, a, method, rtol, atol, limit):
    from ._api import alpha as alpha_family

    r = divergence(P, Q, alpha_family(a), method=method, rtol=rtol, atol=atol, limit=limit)
    k = a * (a - 1.0)
    with np.errstate(all="ignore"):
        c = 1.0 + k * np.asarray(r.value, dtype=np.float64)  # Chernoff coefficient c_alpha
    return r, k, c


def renyi(P, Q, alpha, method="auto", rtol=1e-12, atol=0.0, limit=200) -> DivergenceResult:
    """Renyi divergence R_alpha(P||Q) = log(c_alpha)/(alpha - 1), c_alpha = int p^a q^(1-a).

    MATH.md §7: from the alpha-divergence, R = log1p(a (a-1) D_alpha)/(a - 1), alpha > 0,
    alpha != 1 (KL is the limit alpha -> 1: use divergence(P, Q, "kl")). +inf where
    c_alpha is. ``error`` is the alpha-divergence's error carried through (|a| err / c).
    """
    a = float(alpha)
    if not (a > 0.0 and a != 1.0 and np.isfinite(a)):
        raise ValueError(f"alpha must be > 0 and != 1 for the Renyi divergence, got {alpha!r}")
    r, k, c = _from_alpha(P, Q, a, method, rtol, atol, limit)
    with np.errstate(all="ignore"):
        value = np.where(np.isinf(c), np.inf, np.log1p(k * np.asarray(r.value)) / (a - 1.0))
        err = np.where(np.isinf(c), 0.0, abs(a) * np.asarray(r.error) / c)
    return DivergenceResult(_unwrap(value), _unwrap(err), r.method, r.converged)


def bhattacharyya(P, Q, method="auto", rtol=1e-12, atol=0.0, limit=200) -> DivergenceResult:
    """Bhattacharyya distance D_B = -log c_(1/2) = -log(1 - D_alpha(1/2)/4) (MATH.md §7)."""
    r, k, c = _from_alpha(P, Q, 0.5, method, rtol, atol, limit)
    with np.errstate(all="ignore"):
        value = -np.log1p(k * np.asarray(r.value))
        err = 0.25 * np.asarray(r.error) / c
    return DivergenceResult(_unwrap(value), _unwrap(err), r.method, r.converged)


_ = Mixture  # re-exported through fdiv.dist
