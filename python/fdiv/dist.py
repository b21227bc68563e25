"""One-dimensional distributions with known densities, for :func:`fdiv.divergence`.

Parameters broadcast like scipy.stats: ``Normal(loc=np.linspace(-1, 1, 5), scale=2.0)`` is a
batch of five. The log densities live in the C++ core (cpp/include/fdiv/dist.h); these classes
validate and hold parameters.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "Distribution",
    "Normal",
    "Laplace",
    "Logistic",
    "Cauchy",
    "StudentT",
    "Uniform",
    "Beta",
    "Gamma",
    "Exponential",
    "Mixture",
    "MvNormal",
]


def _param(value, name, positive=False):
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be real, got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and not np.all(arr > 0):
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return arr


_SUPPORT = {5: None, 6: (0.0, 1.0), 7: (0.0, np.inf), 8: (0.0, np.inf)}
_NO_CDF = {4: "StudentT", 6: "Beta", 7: "Gamma"}


def _unwrap(x):
    x = np.asarray(x)
    return x[()] if x.ndim == 0 else x


class Distribution:
    """A (batch of) one-dimensional distribution(s)."""

    _kind = -1
    dim = 1

    @property
    def shape(self) -> tuple:
        """The batch shape."""
        return self._shape

    def _components(self):
        """[(kind, a, b, c)] and log weights, each broadcast to the batch shape."""
        a, b, c = (np.broadcast_to(x, self._shape) for x in self._abc)
        return [(self._kind, a, b, c)], [np.zeros(self._shape)]

    def _eval(self, which, x):
        from . import _core

        x = np.asarray(x, dtype=np.float64)
        shape = np.broadcast_shapes(x.shape, self._shape)
        comps, logw = self._components()
        n = int(np.prod(shape))
        kinds = np.array([c[0] for c in comps], dtype=np.int32)
        params = np.stack(
            [np.stack([np.broadcast_to(v, shape).ravel() for v in c[1:]], axis=-1) for c in comps],
            axis=1,
        ).reshape(n, len(comps), 3)
        lw = np.stack([np.broadcast_to(w, shape).ravel() for w in logw], axis=1).reshape(
            n, len(comps)
        )
        xs = np.ascontiguousarray(np.broadcast_to(x, shape).ravel())
        out = _core.dist_eval(which, kinds, np.ascontiguousarray(params), lw, xs)
        return _unwrap(out.reshape(shape))

    def logpdf(self, x):
        """log p(x), broadcasting x against the batch shape (-inf outside the support)."""
        return self._eval(0, x)

    def pdf(self, x):
        """p(x) = exp(logpdf(x))."""
        return np.exp(self.logpdf(x))

    def cdf(self, x):
        """P(X <= x) for the families with an elementary cdf (Normal, Laplace, Logistic, Cauchy,
        Uniform, Exponential, and mixtures of them); NotImplementedError for the others."""
        comps, _ = self._components()
        for c in comps:
            if c[0] in _NO_CDF:
                raise NotImplementedError(
                    f"the cdf of {_NO_CDF[c[0]]} is an incomplete beta/gamma function, which "
                    "fdiv does not implement; use scipy.stats"
                )
        return self._eval(1, x)

    def support(self):
        """(low, high) of the support, arrays of the batch shape."""
        comps, _ = self._components()
        lo, hi = np.full(self._shape, np.inf), np.full(self._shape, -np.inf)
        for kind, a, b, _ in comps:
            sup = _SUPPORT.get(int(kind), (-np.inf, np.inf))
            sup = (a, b) if sup is None else sup
            lo, hi = np.minimum(lo, sup[0]), np.maximum(hi, sup[1])
        return _unwrap(lo), _unwrap(hi)


class _LocScale(Distribution):
    def __init__(self, loc=0.0, scale=1.0):
        self.loc = _param(loc, "loc")
        self.scale = _param(scale, "scale", positive=True)
        self._shape = np.broadcast_shapes(self.loc.shape, self.scale.shape)
        self._abc = (self.loc, self.scale, 0.0)

    def __repr__(self):
        return f"{type(self).__name__}(loc={self.loc!r}, scale={self.scale!r})"


class Normal(_LocScale):
    """N(loc, scale^2)."""

    _kind = 0


class Laplace(_LocScale):
    """Laplace(loc, scale): density exp(-|x - loc|/scale) / (2 scale)."""

    _kind = 1


class Logistic(_LocScale):
    """Logistic(loc, scale)."""

    _kind = 2


class Cauchy(_LocScale):
    """Cauchy(loc, scale)."""

    _kind = 3


class StudentT(Distribution):
    """Student's t with ``df`` degrees of freedom, location and scale."""

    _kind = 4

    def __init__(self, df, loc=0.0, scale=1.0):
        self.df = _param(df, "df", positive=True)
        self.loc = _param(loc, "loc")
        self.scale = _param(scale, "scale", positive=True)
        self._shape = np.broadcast_shapes(self.df.shape, self.loc.shape, self.scale.shape)
        self._abc = (self.loc, self.scale, self.df)


class Uniform(Distribution):
    """Uniform on [low, high]."""

    _kind = 5

    def __init__(self, low=0.0, high=1.0):
        self.low = _param(low, "low")
        self.high = _param(high, "high")
        if not np.all(self.high > self.low):
            raise ValueError(f"high must exceed low, got low={low!r}, high={high!r}")
        self._shape = np.broadcast_shapes(self.low.shape, self.high.shape)
        self._abc = (self.low, self.high, 0.0)


class Beta(Distribution):
    """Beta(a, b) on [0, 1]."""

    _kind = 6

    def __init__(self, a, b):
        self.a = _param(a, "a", positive=True)
        self.b = _param(b, "b", positive=True)
        self._shape = np.broadcast_shapes(self.a.shape, self.b.shape)
        self._abc = (self.a, self.b, 0.0)


class Gamma(Distribution):
    """Gamma(shape, scale) on [0, inf)."""

    _kind = 7

    def __init__(self, shape, scale=1.0):
        self.shape_param = _param(shape, "shape", positive=True)
        self.scale = _param(scale, "scale", positive=True)
        self._shape = np.broadcast_shapes(self.shape_param.shape, self.scale.shape)
        self._abc = (self.shape_param, self.scale, 0.0)


class Exponential(Distribution):
    """Exponential with the given scale (mean) on [0, inf)."""

    _kind = 8

    def __init__(self, scale=1.0):
        self.scale = _param(scale, "scale", positive=True)
        self._shape = self.scale.shape
        self._abc = (0.0, self.scale, 0.0)


class Mixture(Distribution):
    """A finite mixture sum_k w_k P_k of the families above (weights sum to 1)."""

    def __init__(self, components, weights):
        comps = list(components)
        if not comps or not all(
            isinstance(c, Distribution) and not isinstance(c, Mixture) for c in comps
        ):
            raise TypeError("components must be a non-empty list of fdiv.dist families")
        w = _param(weights, "weights")
        if w.shape[-1:] != (len(comps),):
            raise ValueError(f"weights must have {len(comps)} entries on the last axis")
        if not (np.all(w > 0) and np.allclose(w.sum(axis=-1), 1.0, rtol=0, atol=1e-12)):
            raise ValueError(f"weights must be positive and sum to 1, got {weights!r}")
        self.components = comps
        self.weights = w
        self._shape = np.broadcast_shapes(w.shape[:-1], *(c.shape for c in comps))

    def _components(self):
        out, logw = [], []
        for k, c in enumerate(self.components):
            (entry,), _ = c._components()
            out.append((entry[0],) + tuple(np.broadcast_to(x, self._shape) for x in entry[1:]))
            logw.append(np.broadcast_to(np.log(self.weights[..., k]), self._shape))
        return out, logw

    def __repr__(self):
        return f"Mixture({self.components!r}, {self.weights!r})"


class MvNormal(Distribution):
    """Multivariate normal N(mean, cov) in R^k; batches broadcast over the leading axes
    (mean (..., k), cov (..., k, k)). The covariance must be symmetric positive definite; its
    Cholesky factor (LAPACK, through numpy.linalg) is taken once here."""

    def __init__(self, mean, cov):
        m = _param(mean, "mean")
        c = _param(cov, "cov")
        if m.ndim < 1:
            raise ValueError("mean must have at least one axis (the dimension k)")
        k = m.shape[-1]
        if c.ndim < 2 or c.shape[-2:] != (k, k):
            raise ValueError(f"cov must have shape (..., {k}, {k}) to match mean, got {c.shape}")
        scale = np.max(np.abs(c), axis=(-2, -1), keepdims=True)
        if not np.all(np.abs(c - np.swapaxes(c, -1, -2)) <= 1e-12 * scale):
            raise ValueError("cov must be symmetric")
        bad = "cov must be positive definite (it is singular or indefinite)"
        try:
            chol = np.linalg.cholesky(c)
        except np.linalg.LinAlgError:
            raise ValueError(bad) from None
        if not np.all(np.isfinite(chol)) or not np.all(np.diagonal(chol, axis1=-2, axis2=-1) > 0):
            raise ValueError(bad)
        self.mean, self.cov, self._chol = m, c, chol
        self.dim = k
        self._shape = np.broadcast_shapes(m.shape[:-1], c.shape[:-2])

    def _flat(self, shape):
        n, k = int(np.prod(shape)), self.dim
        m = np.ascontiguousarray(np.broadcast_to(self.mean, shape + (k,)).reshape(n, k))
        L = np.ascontiguousarray(np.broadcast_to(self._chol, shape + (k, k)).reshape(n, k, k))
        return m, L

    def _components(self):
        raise ValueError(f"MvNormal is {self.dim}-dimensional; this needs a 1-D distribution")

    def logpdf(self, x):
        """log density at x (..., k), broadcasting against the batch shape."""
        from . import _core

        x = np.asarray(x, dtype=np.float64)
        if x.ndim < 1 or x.shape[-1] != self.dim:
            raise ValueError(f"x must have shape (..., {self.dim}), got {x.shape}")
        shape = np.broadcast_shapes(x.shape[:-1], self._shape)
        m, L = self._flat(shape)
        xs = np.ascontiguousarray(np.broadcast_to(x, shape + (self.dim,)).reshape(-1, self.dim))
        return _unwrap(_core.mvn_logpdf(m, L, xs).reshape(shape))

    def cdf(self, x):
        raise NotImplementedError("the multivariate normal cdf is not implemented")

    def support(self):
        return -np.inf, np.inf

    def __repr__(self):
        return f"MvNormal(mean={self.mean!r}, cov={self.cov!r})"
