"""Tail weights (Shannon et al.), the loss -> divergence map, and comparing divergences.

MATH.md §5. The left tail weight L prices model mass where the data has little (u = p/q -> 0:
heavy means mode-seeking), the right one R prices data mass the model misses (u -> inf: heavy
means mode-covering). Catalogue values are exact (§5.2); any other f is measured by §5.3 from
log f''(e^r).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ._api import Divergence, get

__all__ = ["TailWeights", "Comparison", "tail_weights", "loss_tail_weights", "compare"]

_K = np.arange(1, 10)  # probes at |r| = 2, 4, ..., 512 (inside +-700)


@dataclass(frozen=True)
class TailWeights:
    """Left and right tail weights of an f-divergence and what they imply (MATH.md §5.1)."""

    left: float
    right: float
    mode: str
    left_converged: bool = True
    right_converged: bool = True
    left_flag: str | None = None
    right_flag: str | None = None
    f0_finite: bool | None = None
    df_inf_finite: bool | None = None
    exact: bool = False

    def __iter__(self):  # (L, R) = tail_weights(d)
        return iter((self.left, self.right))

    def __repr__(self) -> str:
        flags = "".join(
            f", {side}_flag={flag!r}"
            for side, flag in (("left", self.left_flag), ("right", self.right_flag))
            if flag
        )
        return (
            f"TailWeights(left={self.left}, right={self.right}, mode={self.mode!r}, "
            f"f0_finite={self.f0_finite}, df_inf_finite={self.df_inf_finite}, "
            f"exact={self.exact}{flags})"
        )


def _mode(left: float, right: float) -> str:
    if left > right:
        return "mode-seeking"
    if right > left:
        return "mode-covering"
    return "balanced"


def _limit(x: np.ndarray) -> tuple:
    """§5.3 step 4: the limit of a sequence X_1..X_9, with the Richardson step and flags."""
    x9, x8 = float(x[-1]), float(x[-2])
    if not (math.isfinite(x9) and math.isfinite(x8)):
        return x9, True, None
    d = abs(x9 - x8)
    if d <= 1e-6:
        return x9, True, None
    flag = "not regularly varying" if d > 1e-2 else "slow convergence"
    # Richardson is exact for X = X_inf + a/r (r doubles: successive differences halve). A
    # sequence whose differences shrink much faster (e^-r corrections, e.g. a loss tending to
    # a constant, probed only where h' is resolved) is better left at its last term.
    if x.size >= 3 and d < 0.1 * abs(float(x[-2]) - float(x[-3])):
        return x9, False, flag
    return 2.0 * x9 - x8, False, flag


def _snap(x: float) -> float:
    if not math.isfinite(x):
        return x
    h = round(2.0 * x) / 2.0
    return h if abs(x - h) <= 1e-9 else x


def _weights_from_log_d2f(ell: Callable, snap: bool) -> tuple:
    """(L, conv, flag), (R, conv, flag) from ell(r) = log f''(e^r) (§5.3 steps 1-6)."""
    out = []
    for sign in (-1.0, 1.0):
        r = sign * 2.0**_K
        with np.errstate(all="ignore"):
            hi = np.asarray(ell(r + 0.5), dtype=np.float64)
            lo = np.asarray(ell(r - 0.5), dtype=np.float64)
            mid = np.asarray(ell(r), dtype=np.float64)
        if np.all(mid == -np.inf):  # f'' vanishes on that side (total variation)
            out.append((-math.inf, True, None))
            continue
        # f'' given as a value (not a log) under/overflows far out (and may give inf/inf):
        # use the leading probes where log f'' is finite; all of them when log f''(e^r) is
        # computed directly, as for the catalogue
        ok = np.isfinite(hi) & np.isfinite(lo) & np.isfinite(mid)
        n_ok = int(np.argmin(ok)) if not ok.all() else ok.size
        if n_ok < 2:
            raise ValueError(
                "log f''(e^r) is not finite near |r| = 2, 4 (f not C^2, not convex, or f'' "
                "given where it under/overflows): cannot measure the tail weights"
            )
        s = hi[:n_ok] - lo[:n_ok]
        x = -s if sign < 0 else 3.0 + s
        value, conv, flag = _limit(x)
        out.append((_snap(value) if snap else value, conv, flag))
    return out[0], out[1]


def tail_weights(d: Any, *, numeric: bool = False) -> TailWeights:
    """The tail weights (L, R) of a divergence, its mode classification and finiteness facts.

    Catalogue entries give the exact values of MATH.md §5.2 (``exact=True``); any other
    divergence (or ``numeric=True``) is measured by MATH.md §5.3 from log f''(e^r) at
    |r| = 2, ..., 512, with a Richardson step and a flag where the slope converges slowly.
    mode: "mode-seeking" if L > R, "mode-covering" if R > L, else "balanced".
    """
    if isinstance(d, str):
        d = get(d)
    if not isinstance(d, Divergence):
        raise TypeError(f"d must be a catalogue name or a fdiv.Divergence, got {type(d).__name__}")
    f0 = np.asarray(d.f0)
    dfi = np.asarray(d.df_inf)
    f0_finite = bool(np.all(np.isfinite(f0)))
    dfi_finite = bool(np.all(np.isfinite(dfi)))
    if not numeric and not d.is_custom:
        left, right = d.tail_weights
        if np.ndim(left) or np.ndim(right):
            raise ValueError("tail_weights needs a scalar family parameter")
        left, right = float(left), float(right)
        return TailWeights(
            left,
            right,
            _mode(left, right),
            f0_finite=f0_finite,
            df_inf_finite=dfi_finite,
            exact=True,
        )
    if d.is_custom:
        d._check_tail_input()
    (left, lc, lf), (right, rc, rf) = _weights_from_log_d2f(d.log_d2f_logu, snap=not numeric)
    return TailWeights(
        left, right, _mode(left, right), lc, rc, lf, rf, f0_finite, dfi_finite, exact=False
    )


def loss_tail_weights(h: Callable) -> TailWeights:
    """Tail weights implied by a per-sample generator loss h(V) on a GAN logit V ~ log(p/q).

    At the optimal discriminator the pathwise gradient of E_Q h(V) is that of D_f with
    f''(u) = -h'(log u)/u^2 (MATH.md §5.3 end; requires h' < 0), so log f''(e^r) =
    log(-h'(r)) - 2r. h is a vectorised callable; h' is taken by a fourth-order central
    difference. Examples: softplus(-V) (non-saturating) -> (2, 0); -softplus(V) -> (1, 1).
    """

    def dh(v):
        # fourth-order stencil, step 1e-3: truncation ~ 1e-14, rounding ~ eps |h| / 1e-3
        v = np.asarray(v, dtype=np.float64)
        e = 1e-3
        return (8 * (h(v + e) - h(v - e)) - (h(v + 2 * e) - h(v - 2 * e))) / (12 * e)

    def ell(r):
        # log(-h'), NaN where h' is not resolved: the stencil's rounding error is about
        # 1.5 eps |h| / 1e-3, and h' must exceed it 1000-fold
        g = -dh(r)
        hv = np.abs(np.asarray(h(np.asarray(r, dtype=np.float64)), dtype=np.float64))
        if np.any(g < -1e-3 * 1.5 * 2.2e-16 * hv / 1e-3):
            raise ValueError("the loss is not decreasing in V (h' >= 0): no f-divergence")
        resolved = g > 1.5e3 * 2.2e-16 * hv / 1e-3
        return np.where(resolved, np.log(np.where(g > 0, g, 1.0)), np.nan) - 2.0 * np.asarray(r)

    # probe |V| = 2 .. 64 (beyond, h' is lost in the rounding of h) and stop at the first
    # probe where h' is no longer resolved, e.g. a loss tending to a nonzero constant
    out = []
    for sign in (-1.0, 1.0):
        r = sign * 2.0 ** np.arange(1, 7)
        with np.errstate(all="ignore"):
            s = ell(r + 0.5) - ell(r - 0.5)
        ok = np.isfinite(s)
        n_ok = int(np.argmin(ok)) if not ok.all() else ok.size
        if n_ok < 2:
            raise ValueError("the loss's derivative is not resolved at the probe logits 2, 4")
        s = s[:n_ok]
        x = -s if sign < 0 else 3.0 + s
        value, conv, flag = _limit(x)
        out.append((_snap(value), conv, flag))
    (left, lc, lf), (right, rc, rf) = out
    return TailWeights(left, right, _mode(left, right), lc, rc, lf, rf, exact=False)


@dataclass(frozen=True)
class Comparison:
    """sup and inf of f''/g'' over u > 0 and the linear bounds they give (MATH.md §5.4)."""

    f: str
    g: str
    sup: float
    inf: float

    @property
    def upper(self) -> float:
        """C with D_f <= C D_g for all P, Q (inf: no such constant)."""
        return self.sup

    @property
    def lower(self) -> float:
        """c with c D_g <= D_f for all P, Q (0: no such constant)."""
        return self.inf

    def __repr__(self) -> str:
        return (
            f"Comparison(D_{self.f} <= {self.sup:.6g} * D_{self.g}, "
            f"{self.inf:.6g} * D_{self.g} <= D_{self.f})"
        )


def compare(f: Any, g: Any) -> Comparison:
    """sup and inf of f''/g'' over u > 0, hence D_f <= sup * D_g and inf * D_g <= D_f.

    A log-space scan of log f'' - log g'' over r = log u in [-700, 700]; where the tail
    weights differ the ratio is unbounded on that side (MATH.md §5.4(c)) and sup = inf or
    inf = 0. The bounds hold for the standardised divergences (affine terms of f do not
    change f''); for gan, whose f(1) = -log 4, they bound D_gan + log 4.
    """
    f = get(f) if isinstance(f, str) else f
    g = get(g) if isinstance(g, str) else g
    for x, nm in ((f, "f"), (g, "g")):
        if not isinstance(x, Divergence):
            raise TypeError(f"{nm} must be a catalogue name or a fdiv.Divergence")
    tf, tg = tail_weights(f), tail_weights(g)
    r = np.linspace(-700.0, 700.0, 28001)
    with np.errstate(all="ignore"):
        diff = np.asarray(f.log_d2f_logu(r), dtype=np.float64) - np.asarray(
            g.log_d2f_logu(r), dtype=np.float64
        )
    diff = diff[np.isfinite(diff)]
    if diff.size == 0:
        raise ValueError("f''/g'' is nowhere finite: cannot compare")
    with np.errstate(over="ignore", under="ignore"):
        hi, lo = float(np.exp(diff.max())), float(np.exp(diff.min()))
    # the ratio behaves like u^{-(L_f - L_g)} at 0 and u^{R_f - R_g} at inf
    if tf.left > tg.left or tf.right > tg.right:
        hi = math.inf
    if tf.left < tg.left or tf.right < tg.right:
        lo = 0.0
    return Comparison(f.name, g.name, hi, lo)
