"""fdiv.divergence on exponential-family pairs: closed forms (Gamma/Exponential, Beta, Poisson;
MATH.md §7.3) against quadrature and exact sums, and the discrete-support error paths."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as hs

import fdiv
from fdiv import dist

NAMES = ["kl", "reverse_kl", "jeffreys", "squared_hellinger", "pearson", "neyman"]
REL = 1e-12  # closed form against quadrature (rtol 1e-13) -- the criterion
ABS = 1e-15


def _agree(P, Q, name):
    c = fdiv.divergence(P, Q, name)
    assert c.method == "closed"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an unconverged case is assume()d away
        q = fdiv.divergence(P, Q, name, method="quad", rtol=1e-13)
    cv, qv = float(c.value), float(q.value)
    if math.isinf(cv):
        assert qv == cv, (name, cv, qv)
        return
    assume(bool(q.converged))
    assert abs(cv - qv) <= REL * abs(cv) + ABS + float(q.error), (name, cv, qv, float(q.error))


pos = hs.floats(1.0, 12.0)
scale = hs.floats(0.3, 4.0)


@given(k1=pos, s1=scale, k2=pos, s2=scale, name=hs.sampled_from(NAMES))
def test_gamma_closed_vs_quadrature(k1, s1, k2, s2, name):
    _agree(dist.Gamma(k1, s1), dist.Gamma(k2, s2), name)


@given(a1=pos, b1=pos, a2=pos, b2=pos, name=hs.sampled_from(NAMES))
def test_beta_closed_vs_quadrature(a1, b1, a2, b2, name):
    _agree(dist.Beta(a1, b1), dist.Beta(a2, b2), name)


@given(s1=scale, k2=pos, s2=scale, a=hs.sampled_from([0.3, 0.5, 0.8, -0.5, 1.5]))
def test_exponential_gamma_alpha_family(s1, k2, s2, a):
    _agree(dist.Exponential(s1), dist.Gamma(k2, s2), fdiv.alpha(a))


@given(
    m1=hs.floats(0.05, 60.0),
    m2=hs.floats(0.05, 60.0),
    name=hs.sampled_from(NAMES + ["alpha"]),
)
def test_poisson_closed_vs_exact_sum(m1, m2, name):
    d = fdiv.alpha(0.3) if name == "alpha" else name
    P, Q = dist.Poisson(m1), dist.Poisson(m2)
    c = fdiv.divergence(P, Q, d)
    s = fdiv.divergence(P, Q, d, method="quad")  # for Poisson pairs: the sum over k
    assert c.method == "closed" and s.method == "sum"
    cv, sv = float(c.value), float(s.value)
    if math.isinf(cv):
        assert sv == cv
        return
    assert abs(cv - sv) <= 1e-12 * abs(cv) + 1e-15 + float(s.error), (cv, sv)


def test_poisson_without_closed_form_sums():
    P, Q = dist.Poisson([1.0, 4.0, 30.0]), dist.Poisson(5.0)
    r = fdiv.divergence(P, Q, "total_variation")
    assert r.method == "sum"
    for i, m in enumerate((1.0, 4.0, 30.0)):
        k = np.arange(0, 200)
        want = 0.5 * np.sum(np.abs(dist.Poisson(m).pmf(k) - Q.pmf(k)))
        assert r.value[i] == pytest.approx(want, rel=1e-12)
    js = fdiv.divergence(dist.Poisson(3.0), dist.Poisson(3.0), "js")
    assert js.value == 0.0


def test_math_md_7_4_values():
    g, e = dist.Gamma(2.0, 1.0), dist.Exponential(1.0)
    euler = 0.5772156649015329
    r = fdiv.divergence(g, e, ["kl", "reverse_kl", "pearson", "squared_hellinger"])
    assert r["kl"].value == pytest.approx(1 - euler, rel=1e-15)
    assert r["reverse_kl"].value == pytest.approx(euler, rel=1e-15)
    assert r["pearson"].value == pytest.approx(1.0, rel=1e-15)
    assert r["squared_hellinger"].value == pytest.approx(2 - math.sqrt(math.pi), rel=1e-14)
    b, u = dist.Beta(2.0, 5.0), dist.Beta(1.0, 1.0)
    r = fdiv.divergence(b, u, ["reverse_kl", "pearson"])
    assert r["reverse_kl"].value == pytest.approx(5 - math.log(30), rel=1e-14)
    assert r["pearson"].value == pytest.approx(9 / 11, rel=1e-14)


def test_batches_and_inf():
    r = fdiv.divergence(dist.Gamma([1.0, 2.0, 3.0], 1.0), dist.Exponential(2.0), "kl")
    assert np.shape(r.value) == (3,) and r.method == "closed"
    # chi^2(P||Q) = inf when rate_P <= rate_Q / 2 ... here Q's scale 1 vs P's scale 3
    assert fdiv.divergence(dist.Exponential(3.0), dist.Exponential(1.0), "pearson").value == (
        math.inf
    )


def test_discrete_error_paths():
    with pytest.raises(ValueError, match="both be continuous or both discrete"):
        fdiv.divergence(dist.Poisson(2.0), dist.Normal(0.0, 1.0), "kl")
    with pytest.raises(ValueError, match="rate must be > 0"):
        dist.Poisson(0.0)
    custom = fdiv.Divergence.custom(lambda u: (u - 1) ** 2, name="c")
    with pytest.raises(ValueError, match="custom"):
        fdiv.divergence(dist.Poisson(2.0), dist.Poisson(3.0), custom)
    with pytest.raises(ValueError, match="discrete"):
        dist.Poisson(2.0).logpdf(1.0)
    assert dist.Poisson(2.0).logpmf(1.5) == -math.inf
    assert dist.Poisson(2.0).pmf(2) == pytest.approx(2 * math.exp(-2), rel=1e-15)
