"""The toy distributions of the GAN literature, as fdiv.dist mixtures in 2-D."""

from __future__ import annotations

import numpy as np

from .dist import Mixture, MvNormal

__all__ = ["ring", "grid"]


def ring(k: int = 8, radius: float = 2.0, scale: float = 0.05) -> Mixture:
    """k equally weighted Gaussians N(mu_j, scale^2 I) with means on a circle of the given
    radius, mu_j = radius (cos 2 pi j/k, sin 2 pi j/k) (the 8-Gaussian ring)."""
    k = int(k)
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if not (radius >= 0 and np.isfinite(radius)) or not (scale > 0 and np.isfinite(scale)):
        raise ValueError(f"radius must be >= 0 and scale > 0, got {radius!r}, {scale!r}")
    t = 2.0 * np.pi * np.arange(k) / k
    cov = scale**2 * np.eye(2)
    comps = [MvNormal([radius * np.cos(a), radius * np.sin(a)], cov) for a in t]
    return Mixture(comps, np.full(k, 1.0 / k))


def grid(n: int = 5, spacing: float = 2.0, scale: float = 0.05) -> Mixture:
    """n x n equally weighted Gaussians N(mu, scale^2 I) on a square grid centred at 0 with the
    given spacing (n = 5: the 25-Gaussian grid, means in {-4, -2, 0, 2, 4}^2)."""
    n = int(n)
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if not (spacing > 0 and np.isfinite(spacing)) or not (scale > 0 and np.isfinite(scale)):
        raise ValueError(f"spacing and scale must be > 0, got {spacing!r}, {scale!r}")
    c = (np.arange(n) - (n - 1) / 2.0) * spacing
    cov = scale**2 * np.eye(2)
    comps = [MvNormal([x, y], cov) for x in c for y in c]
    return Mixture(comps, np.full(n * n, 1.0 / (n * n)))
