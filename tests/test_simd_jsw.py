"""js_weighted's f* and (f')^-1 vector kernels (cpp/simd/jsw-inl.h) against mpmath on a dense
sample, under every compiled Highway target.  Their lanes take one of two forms by a comparison
in plain double (far from the boundary B = -pi log pi of dom f*: t <= B - ycut pi; near it the
forms of y = (B - t)/pi), so the sample crowds the cuts (ycut = 1 for (f')^-1,
-log(1 - (1 - pi)/2) for f*), the boundary and the exponent limit |t/pi| = 690..700.  Both stay
within 1 ulp (the contract is 4; 1.0 measured over 36k points per method)."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest

import fdiv
from fdiv import _core

PIS = (1e-5, 0.2, 0.9)
VECTORISED = set(_core.simd_vectorised())
pytestmark = pytest.mark.skipif(
    not {"js_weighted_conj", "js_weighted_inv_df"} <= VECTORISED, reason="built without Highway"
)


def _ref(method, pi, t):
    p, t = mp.mpf(pi), mp.mpf(float(t))
    if method == "inv_df":
        return ((1 - p) / p) / mp.expm1((-p * mp.log(p) - t) / p)
    return (1 - p) * mp.log((1 - p) / (1 - p * mp.exp(t / p)))


def _inputs(pi):
    rng = np.random.default_rng(int(pi * 1e6) + 5)
    n = 300
    B = float(-mp.mpf(pi) * mp.log(mp.mpf(pi)))
    ycut = float(-mp.log1p(-(1 - mp.mpf(pi)) / 2))
    parts = [
        B - 10 ** rng.uniform(-15, 1, n),  # next to the boundary
        rng.uniform(-700 * pi, B, n),
        B - pi * rng.uniform(0.999, 1.001, n),  # (f')^-1's cut, y = 1
        B - pi * ycut * rng.uniform(0.999, 1.001, n),  # f*'s cut
        -pi * rng.uniform(685, 700, n),  # exponents next to 690 and 700
    ]
    return np.concatenate(parts)


@pytest.fixture(scope="module")
def exact():
    out = {}
    with mp.workdps(40):
        for pi in PIS:
            t = _inputs(pi)
            for m in ("conj", "inv_df"):
                out[pi, m] = t, np.array([float(_ref(m, pi, v)) for v in t])
    return out


def _targets():
    out = [t for t in _core.simd_compiled_targets() if _core._simd_force_target(t)]
    _core._simd_force_target("")
    return out


@pytest.mark.parametrize("target", _targets())
@pytest.mark.parametrize("method", ["conj", "inv_df"])
@pytest.mark.parametrize("pi", PIS)
def test_dense_ulp(exact, target, method, pi):
    t, want = exact[pi, method]
    assert _core._simd_force_target(target)
    try:
        got = getattr(fdiv.js_weighted(pi), method)(t)
    finally:
        _core._simd_force_target("")
    ok = np.isfinite(want) & (want != 0)
    assert ok.sum() > 0.9 * len(t)
    err = np.abs(got[ok] - want[ok]) / np.spacing(np.abs(want[ok]))
    assert err.max() <= 1.0, (method, pi, target, float(err.max()), t[ok][np.argmax(err)])
