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


class Distribution:
    """A (batch of) one-dimensional distribution(s)."""

    _kind = -1

    @property
    def shape(self) -> tuple:
        """The batch shape."""
        return self._shape

    def _components(self):
        """[(kind, a, b, c)] and log weights, each broadcast to the batch shape."""
        a, b, c = (np.broadcast_to(x, self._shape) for x in self._abc)
        return [(self._kind, a, b, c)], [np.zeros(self._shape)]


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
