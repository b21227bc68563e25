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
    "MvStudentT",
    "Independent",
    "Poisson",
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


def _rows(cols, shape, n):
    """Columns (each broadcast to the batch shape) as an (n, len(cols)) array."""
    return np.stack([np.broadcast_to(c, shape).ravel() for c in cols], axis=1).reshape(n, len(cols))


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

    # ---- Monte Carlo layout (cpp/mc_batch.h): components as (kind, coordinate kinds, params)
    def _mc_parts(self, shape):
        """[(component kind, coordinate kinds (k,), params (n, plen))], log weights (n, m)."""
        comps, logw = self._components()
        n = int(np.prod(shape))
        parts = [
            (2, np.array([c[0]], np.int32), _rows([c[1], c[2], c[3]], shape, n)) for c in comps
        ]
        return parts, np.stack([np.broadcast_to(w, shape).ravel() for w in logw], axis=1)

    def _mc_layout(self, shape):
        parts, logw = self._mc_parts(shape)
        ck = np.array([p[0] for p in parts], np.int32)
        dk = np.stack([p[1] for p in parts]).astype(np.int32)
        params = np.ascontiguousarray(np.concatenate([p[2] for p in parts], axis=1))
        return ck, dk, params, np.ascontiguousarray(logw, dtype=np.float64)

    def sample(self, n, seed=None):
        """n independent draws (batch shape () only): an array (n,) in 1-D, (n, k) beyond.
        ``seed``: None, an int, a numpy SeedSequence or Generator (as numpy.random)."""
        from . import _core
        from ._mc import _key

        if self._shape != ():
            raise ValueError(f"sample needs a single distribution, this is a batch {self._shape}")
        n = int(n)
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        x = _core.mc_sample(self._mc_layout(()), 0, _key(seed), n)
        return x[:, 0] if self.dim == 1 and not isinstance(self, _MvBase) else x

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
        dims = {c.dim for c in comps}
        if len(dims) != 1:
            raise ValueError(f"components must share one dimension, got dimensions {sorted(dims)}")
        self.dim = dims.pop()
        w = _param(weights, "weights")
        if w.shape[-1:] != (len(comps),):
            raise ValueError(f"weights must have {len(comps)} entries on the last axis")
        if not (np.all(w > 0) and np.allclose(w.sum(axis=-1), 1.0, rtol=0, atol=1e-12)):
            raise ValueError(f"weights must be positive and sum to 1, got {weights!r}")
        self.components = comps
        self.weights = w
        self._shape = np.broadcast_shapes(w.shape[:-1], *(c.shape for c in comps))

    def _mc_parts(self, shape):
        parts, logw = [], []
        for k, c in enumerate(self.components):
            p, _ = c._mc_parts(shape)
            parts += p
            logw.append(np.broadcast_to(np.log(self.weights[..., k]), shape).ravel())
        return parts, np.stack(logw, axis=1)

    def logpdf(self, x):
        if self.dim == 1:
            return super().logpdf(x)
        return _mv_logpdf(self, x)

    def _components(self):
        if self.dim != 1:
            raise ValueError(f"this mixture is {self.dim}-dimensional; this needs a 1-D one")
        out, logw = [], []
        for k, c in enumerate(self.components):
            (entry,), _ = c._components()
            out.append((entry[0],) + tuple(np.broadcast_to(x, self._shape) for x in entry[1:]))
            logw.append(np.broadcast_to(np.log(self.weights[..., k]), self._shape))
        return out, logw

    def __repr__(self):
        return f"Mixture({self.components!r}, {self.weights!r})"


def _mv_logpdf(D, x):
    """log density of a multivariate distribution at x (..., k), via the Monte Carlo core."""
    from . import _core

    x = np.asarray(x, dtype=np.float64)
    if x.ndim < 1 or x.shape[-1] != D.dim:
        raise ValueError(f"x must have shape (..., {D.dim}), got {x.shape}")
    shape = np.broadcast_shapes(x.shape[:-1], D.shape)
    lay = D._mc_layout(shape)
    xs = np.ascontiguousarray(np.broadcast_to(x, shape + (D.dim,)).reshape(-1, D.dim))
    return _unwrap(_core.mc_logpdf(lay, xs).reshape(shape))


class _MvBase(Distribution):
    """Multivariate families (no cdf; support all of R^k unless said otherwise)."""

    def _components(self):
        raise ValueError(f"{type(self).__name__} is {self.dim}-dimensional; this needs a 1-D one")

    def logpdf(self, x):
        """log density at x (..., k), broadcasting against the batch shape."""
        return _mv_logpdf(self, x)

    def cdf(self, x):
        raise NotImplementedError(f"the cdf of {type(self).__name__} is not implemented")

    def support(self):
        return -np.inf, np.inf


def _chol(c, name):
    scale = np.max(np.abs(c), axis=(-2, -1), keepdims=True)
    if not np.all(np.abs(c - np.swapaxes(c, -1, -2)) <= 1e-12 * scale):
        raise ValueError(f"{name} must be symmetric")
    bad = f"{name} must be positive definite (it is singular or indefinite)"
    try:
        chol = np.linalg.cholesky(c)
    except np.linalg.LinAlgError:
        raise ValueError(bad) from None
    if not np.all(np.isfinite(chol)) or not np.all(np.diagonal(chol, axis1=-2, axis2=-1) > 0):
        raise ValueError(bad)
    return chol


class MvNormal(_MvBase):
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
        chol = _chol(c, "cov")
        self.mean, self.cov, self._chol = m, c, chol
        self.dim = k
        self._shape = np.broadcast_shapes(m.shape[:-1], c.shape[:-2])

    def _flat(self, shape):
        n, k = int(np.prod(shape)), self.dim
        m = np.ascontiguousarray(np.broadcast_to(self.mean, shape + (k,)).reshape(n, k))
        L = np.ascontiguousarray(np.broadcast_to(self._chol, shape + (k, k)).reshape(n, k, k))
        return m, L

    def _mc_parts(self, shape):
        m, L = self._flat(shape)
        n, k = m.shape
        parts = [(0, np.zeros(k, np.int32), np.concatenate([m, L.reshape(n, k * k)], axis=1))]
        return parts, np.zeros((n, 1))

    def __repr__(self):
        return f"MvNormal(mean={self.mean!r}, cov={self.cov!r})"


class MvStudentT(_MvBase):
    """Multivariate Student t with ``df`` degrees of freedom, location ``loc`` (..., k) and
    scale matrix ``scale`` (..., k, k) (scipy.stats.multivariate_t's ``shape``):
    x = loc + L z sqrt(df / chi2_df), L L^T = scale."""

    def __init__(self, df, loc, scale):
        self.df = _param(df, "df", positive=True)
        m = _param(loc, "loc")
        c = _param(scale, "scale")
        if m.ndim < 1:
            raise ValueError("loc must have at least one axis (the dimension k)")
        k = m.shape[-1]
        if c.ndim < 2 or c.shape[-2:] != (k, k):
            raise ValueError(f"scale must have shape (..., {k}, {k}) to match loc, got {c.shape}")
        self.loc, self.scale, self._chol = m, c, _chol(c, "scale")
        self.dim = k
        self._shape = np.broadcast_shapes(self.df.shape, m.shape[:-1], c.shape[:-2])

    def _mc_parts(self, shape):
        n, k = int(np.prod(shape)), self.dim
        m = np.broadcast_to(self.loc, shape + (k,)).reshape(n, k)
        L = np.broadcast_to(self._chol, shape + (k, k)).reshape(n, k * k)
        df = np.broadcast_to(self.df, shape).reshape(n, 1)
        return [(1, np.zeros(k, np.int32), np.concatenate([m, L, df], axis=1))], np.zeros((n, 1))

    def __repr__(self):
        return f"MvStudentT(df={self.df!r}, loc={self.loc!r}, scale={self.scale!r})"


class Independent(_MvBase):
    """The product of independent one-dimensional families, one per coordinate:
    ``Independent([Normal(0, 1), Gamma(2.0), Uniform(0, 1)])`` lives in R^3."""

    def __init__(self, components):
        comps = list(components)
        if not comps or not all(
            isinstance(c, Distribution) and c.dim == 1 and not isinstance(c, (Mixture, _MvBase))
            for c in comps
        ):
            raise TypeError("components must be a non-empty list of 1-D fdiv.dist families")
        self.components = comps
        self.dim = len(comps)
        self._shape = np.broadcast_shapes(*(c.shape for c in comps))

    def _mc_parts(self, shape):
        n = int(np.prod(shape))
        kinds, cols = [], []
        for c in self.components:
            ((kind, a, b, cc),), _ = c._components()
            kinds.append(kind)
            cols += [a, b, cc]
        return [(2, np.array(kinds, np.int32), _rows(cols, shape, n))], np.zeros((n, 1))

    def support(self):
        lo, hi = zip(*(c.support() for c in self.components))
        return np.stack(np.broadcast_arrays(*lo), -1), np.stack(np.broadcast_arrays(*hi), -1)

    def __repr__(self):
        return f"Independent({self.components!r})"


# ---- randomised quasi-Monte Carlo: scrambled Sobol points mapped through inverse cdfs --------


def _ppf1(kind, a, b, c, u):
    """Inverse cdf of a 1-D family at u (scipy.stats', for QMC)."""
    import scipy.stats as st

    if kind == 0:
        return st.norm.ppf(u, a, b)
    if kind == 1:
        return st.laplace.ppf(u, a, b)
    if kind == 2:
        return st.logistic.ppf(u, a, b)
    if kind == 3:
        return st.cauchy.ppf(u, a, b)
    if kind == 4:
        return st.t.ppf(u, c, a, b)
    if kind == 5:
        return st.uniform.ppf(u, a, b - a)
    if kind == 6:
        return st.beta.ppf(u, a, b)
    if kind == 7:
        return st.gamma.ppf(u, a, scale=b)
    return st.expon.ppf(u, scale=b)


def _qmc_dim(D) -> int:
    if isinstance(D, Mixture):
        return 1 + max(_qmc_dim(c) for c in D.components)
    if isinstance(D, MvStudentT):
        return D.dim + 1
    return D.dim


def _qmc_map(D, u, shape, i):
    """Points u in (0,1)^s (s = _qmc_dim(D)) to draws of batch item i of D, shape (m, dim)."""
    from scipy.special import ndtri

    n = int(np.prod(shape))
    if isinstance(D, Mixture):
        w = np.broadcast_to(D.weights, shape + (len(D.components),)).reshape(n, -1)[i]
        j = np.minimum(np.searchsorted(np.cumsum(w), u[:, 0] * w.sum(), side="right"), len(w) - 1)
        x = np.empty((u.shape[0], D.dim))
        for c, comp in enumerate(D.components):
            rows = j == c
            x[rows] = _qmc_map(comp, u[rows, 1 : 1 + _qmc_dim(comp)], shape, i)
        return x
    if isinstance(D, (MvNormal, MvStudentT)):
        k = D.dim
        mean = D.mean if isinstance(D, MvNormal) else D.loc
        m = np.broadcast_to(mean, shape + (k,)).reshape(n, k)[i]
        L = np.broadcast_to(D._chol, shape + (k, k)).reshape(n, k, k)[i]
        z = ndtri(u[:, :k]) @ L.T
        if isinstance(D, MvStudentT):
            import scipy.stats as st

            df = np.broadcast_to(D.df, shape).ravel()[i]
            z = z * np.sqrt(df / st.chi2.ppf(u[:, k], df))[:, None]
        return m + z
    if isinstance(D, Independent):
        cols = []
        for c, comp in enumerate(D.components):
            ((kind, a, b, cc),), _ = comp._components()
            a, b, cc = (np.broadcast_to(v, shape).ravel()[i] for v in (a, b, cc))
            cols.append(_ppf1(kind, a, b, cc, u[:, c]))
        return np.stack(cols, axis=1)
    ((kind, a, b, cc),), _ = D._components()
    a, b, cc = (np.broadcast_to(v, shape).ravel()[i] for v in (a, b, cc))
    return _ppf1(kind, a, b, cc, u[:, 0])[:, None]


def _qmc_points(D, i, shape, m, key):
    """m (a power of 2) scrambled-Sobol draws of batch item i of D, one scramble per key."""
    from scipy.stats import qmc

    sob = qmc.Sobol(d=_qmc_dim(D), scramble=True, seed=np.random.default_rng(key))
    u = sob.random_base2(int(np.log2(m)))
    u = np.clip(u, 2.0**-60, 1.0 - 2.0**-53)  # the cube's closed faces map to +-inf
    return np.ascontiguousarray(_qmc_map(D, u, shape, i), dtype=np.float64)


class Poisson(Distribution):
    """Poisson(rate) on {0, 1, 2, ...} (discrete: divergences against Poisson distributions
    only; closed forms (MATH.md §7.3) and exact sums over k)."""

    discrete = True

    def __init__(self, rate):
        self.rate = _param(rate, "rate", positive=True)
        self._shape = self.rate.shape

    def _components(self):
        raise ValueError("Poisson is discrete: it has no density for quadrature or sampling")

    def logpmf(self, k):
        """log P(X = k) (-inf off the non-negative integers)."""
        from scipy.special import gammaln, xlogy

        k = np.asarray(k, dtype=np.float64)
        ok = (k >= 0) & (k == np.floor(k))
        with np.errstate(all="ignore"):
            v = xlogy(k, self.rate) - self.rate - gammaln(k + 1.0)
        return _unwrap(np.where(ok, v, -np.inf))

    def pmf(self, k):
        return np.exp(self.logpmf(k))

    def logpdf(self, x):
        raise ValueError("Poisson is discrete: use logpmf")

    def cdf(self, x):
        raise NotImplementedError(
            "the Poisson cdf (a regularised gamma function) is not implemented"
        )

    def support(self):
        return np.zeros(self._shape)[()], np.full(self._shape, np.inf)[()]

    def __repr__(self):
        return f"Poisson(rate={self.rate!r})"
