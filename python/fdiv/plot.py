"""Figures (matplotlib, the optional ``plot`` extra): tail weights and mode seeking.

``tails(divs)`` draws log f''(e^r) against r = log(p/q), whose slopes at -inf and +inf are
the tail weights (MATH.md §5.1). ``mode_seeking(divs)`` fits a single Gaussian N(mu, sigma^2)
(the model Q) to the bimodal data P = 1/2 N(-3, 1) + 1/2 N(3, 1) by minimising each
D(P || Q) and draws the fits over P: reverse-KL-like divergences (heavy left tail) pick one
mode, KL-like ones (heavy right tail) cover both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._api import Divergence, get
from ._tails import tail_weights

__all__ = ["tails", "mode_seeking", "fit_gaussian", "mixture_target"]

# Gauss-Legendre panels on [-20, 20]: the integrands are smooth (TV has one kink per crossing,
# which the 400 panels resolve to ~1e-9), so this is the "exact" quadrature of the fits.
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(20)
_EDGES = np.linspace(-20.0, 20.0, 401)
_X = (
    0.5 * (_EDGES[1:] - _EDGES[:-1])[:, None] * _NODES[None, :]
    + 0.5 * (_EDGES[1:] + _EDGES[:-1])[:, None]
).ravel()
_W = (0.5 * (_EDGES[1:] - _EDGES[:-1])[:, None] * _WEIGHTS[None, :]).ravel()


def _lognorm(x, mu, sigma):
    return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)


def mixture_target(x):
    """log p(x) for P = 1/2 N(-3, 1) + 1/2 N(3, 1)."""
    return np.logaddexp(_lognorm(x, -3.0, 1.0), _lognorm(x, 3.0, 1.0)) + np.log(0.5)


def _divergence_to_gaussian(d: Divergence, mu: float, log_sigma: float) -> float:
    lp = mixture_target(_X)
    lq = _lognorm(_X, mu, np.exp(log_sigma))
    # q f(p/q) from the log-ratio: e^{lq} f(e^{lp - lq}), stable for any ratio
    with np.errstate(all="ignore"):
        integrand = np.exp(lq) * np.asarray(d.f_logu(lp - lq))
        integrand = np.where(np.exp(lq) == 0.0, np.exp(lp) * d.df_inf, integrand)
    return float(np.sum(_W * np.nan_to_num(integrand, nan=0.0)))


def fit_gaussian(d: Any, starts: Sequence[tuple] = ((0.5, 0.0), (2.5, 0.0), (0.0, 1.2))) -> tuple:
    """(mu, sigma) of the Gaussian Q minimising D_d(P || Q), P = 1/2 N(-3,1) + 1/2 N(3,1).

    scipy.optimize (Nelder-Mead from a few starts) over (mu, log sigma), each objective a
    Gauss-Legendre quadrature of q f(p/q) on [-20, 20].
    """
    from scipy.optimize import minimize

    d = get(d) if isinstance(d, str) else d
    best = None
    for mu0, ls0 in starts:
        res = minimize(
            lambda th: _divergence_to_gaussian(d, th[0], th[1]),
            x0=[mu0, ls0],
            method="Nelder-Mead",
            options={"xatol": 1e-6, "fatol": 1e-10, "maxiter": 2000},
        )
        if best is None or res.fun < best.fun:
            best = res
    return float(best.x[0]), float(np.exp(best.x[1]))


def _label(d: Divergence) -> str:
    tw = tail_weights(d)
    return f"{d.name}{'' if not d.params else d.params} (L={tw.left:g}, R={tw.right:g})"


def tails(divs: Sequence[Any], r: np.ndarray = None):
    """log f''(e^r) against r for each divergence; the end slopes give -L and R - 3."""
    import matplotlib.pyplot as plt

    r = np.linspace(-12, 12, 481) if r is None else np.asarray(r)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for d in divs:
        d = get(d) if isinstance(d, str) else d
        ax.plot(r, d.log_d2f_logu(r), label=_label(d))
    ax.set_xlabel("r = log(p/q)")
    ax.set_ylabel("log f''(e^r)")
    ax.set_title("Tail weights: slope -L on the left, R - 3 on the right")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def mode_seeking(divs: Sequence[Any]):
    """Single-Gaussian fits to a bimodal P under each divergence, drawn over P."""
    import matplotlib.pyplot as plt

    x = np.linspace(-8, 8, 801)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.fill_between(x, np.exp(mixture_target(x)), color="0.85", label="P (data)")
    for d in divs:
        d = get(d) if isinstance(d, str) else d
        mu, sigma = fit_gaussian(d)
        ax.plot(x, np.exp(_lognorm(x, mu, sigma)), label=f"{_label(d)}: mu={mu:.2f}, s={sigma:.2f}")
    ax.set_xlabel("x")
    ax.set_title("argmin_Q D(P || Q) over Gaussians Q: mode seeking vs mode covering")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
