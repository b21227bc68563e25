"""KL against torch.distributions.kl_divergence (optional: torch is not a test dependency,
being a multi-gigabyte install; this module is skipped, with that reason, where it is absent)."""

from __future__ import annotations

import numpy as np
import pytest

import fdiv
from fdiv import dist

torch = pytest.importorskip("torch", reason="torch is not installed (optional cross-check)")
td = torch.distributions


def _torch_kl(p, q):
    return float(td.kl_divergence(p, q))


PAIRS = [
    (dist.Normal(0.3, 1.5), dist.Normal(-1.0, 0.7), td.Normal(0.3, 1.5), td.Normal(-1.0, 0.7)),
    (dist.Laplace(0.0, 1.0), dist.Laplace(1.0, 2.0), td.Laplace(0.0, 1.0), td.Laplace(1.0, 2.0)),
    (
        dist.Exponential(2.0),
        dist.Exponential(0.5),
        td.Exponential(torch.tensor(0.5, dtype=torch.float64)),  # torch: rate = 1/scale
        td.Exponential(torch.tensor(2.0, dtype=torch.float64)),
    ),
    (
        dist.Uniform(0.0, 1.0),
        dist.Uniform(-1.0, 2.0),
        td.Uniform(0.0, 1.0),
        td.Uniform(-1.0, 2.0),
    ),
]


@pytest.mark.parametrize("i", range(len(PAIRS)))
def test_kl_matches_torch(i):
    P, Q, tp, tq = PAIRS[i]
    with torch.no_grad():
        want = _torch_kl(tp, tq)
    got = float(fdiv.divergence(P, Q, "kl").value)
    assert got == pytest.approx(want, rel=1e-6)  # torch's float32 defaults bound the agreement


def test_mvnormal_kl_matches_torch():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    S1, S2 = A @ A.T + np.eye(3), B @ B.T + np.eye(3)
    m1, m2 = rng.normal(size=3), rng.normal(size=3)
    t = lambda x: torch.tensor(x, dtype=torch.float64)  # noqa: E731
    want = _torch_kl(td.MultivariateNormal(t(m1), t(S1)), td.MultivariateNormal(t(m2), t(S2)))
    got = float(fdiv.divergence(dist.MvNormal(m1, S1), dist.MvNormal(m2, S2), "kl").value)
    assert got == pytest.approx(want, rel=1e-12)
