"""Multivariate normal closed forms (MATH.md §7.2) and the distribution methods of fdiv.dist."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import scipy.stats as st
from _families import SCIPY_TWINS
from hypothesis import given
from hypothesis import strategies as hs

import fdiv
from fdiv import dist

NAMES = ["kl", "reverse_kl", "jeffreys", "squared_hellinger", "pearson", "neyman"]
REL = 1e-13  # closed forms against 40-digit mpmath: a few hundred ulp for k <= 4
# Near P = Q (covariances a relative delta apart) the divergence is O(delta^2) while an ulp of a
# covariance entry moves it by O(delta * eps): the problem's own condition number is 1/delta,
# so there the tolerance is REL + 16 eps/delta (the rounding of the inputs, not of the method).
EPS = 2.220446049250313e-16


def _mp_log_chernoff(a, m1, S1, m2, S2):
    """log c_alpha by the textbook formula at 40 digits (None where c_alpha = inf)."""
    with mp.workdps(40):
        a = mp.mpf(a)
        S1, S2 = mp.matrix(S1.tolist()), mp.matrix(S2.tolist())
        D = mp.matrix((np.asarray(m1) - np.asarray(m2)).tolist())
        Sa = (1 - a) * S1 + a * S2
        try:
            mp.cholesky(Sa)
        except ValueError:
            return None
        q = (D.T * mp.inverse(Sa) * D)[0]
        return (
            (1 - a) / 2 * mp.log(mp.det(S1))
            + a / 2 * mp.log(mp.det(S2))
            - mp.log(mp.det(Sa)) / 2
            - a * (1 - a) / 2 * q
        )


def _mp_kl(m1, S1, m2, S2):
    with mp.workdps(40):
        S1, S2 = mp.matrix(S1.tolist()), mp.matrix(S2.tolist())
        D = mp.matrix((np.asarray(m1) - np.asarray(m2)).tolist())
        k = S1.rows
        S2i = mp.inverse(S2)
        tr = sum((S2i * S1)[i, i] for i in range(k))
        return (tr + (D.T * S2i * D)[0] - k + mp.log(mp.det(S2)) - mp.log(mp.det(S1))) / 2


def _mp_value(name, m1, S1, m2, S2):
    if name == "kl":
        return _mp_kl(m1, S1, m2, S2)
    if name == "reverse_kl":
        return _mp_kl(m2, S2, m1, S1)
    if name == "jeffreys":
        return _mp_kl(m1, S1, m2, S2) + _mp_kl(m2, S2, m1, S1)
    a = {"squared_hellinger": 0.5, "pearson": 2.0, "neyman": -1.0}[name]
    lc = _mp_log_chernoff(a, m1, S1, m2, S2)
    if lc is None:
        return mp.inf
    with mp.workdps(40):
        return {"squared_hellinger": 2 * (1 - mp.exp(lc)), "pearson": mp.expm1(lc)}.get(
            name, mp.expm1(lc)
        )


def _spd(rng, k, spread=1.0):
    A = rng.normal(size=(k, k)) * spread
    return A @ A.T + k * np.eye(k) * 0.5


CASES = []
_rng = np.random.default_rng(7)
for _k in (1, 2, 3, 4):
    for _ in range(3):
        CASES.append((_rng.normal(size=_k), _spd(_rng, _k), _rng.normal(size=_k), _spd(_rng, _k)))
# near P = Q: the textbook form cancels; the whitened form keeps the digits
_S = _spd(_rng, 3)
CASES.append((np.zeros(3), _S, np.full(3, 1e-5), _S * (1 + 1e-6)))
CASES.append((np.zeros(2), np.eye(2), np.zeros(2), np.diag([1.0, 1.0 + 1e-7])))
DELTA = {len(CASES) - 2: 1e-6, len(CASES) - 1: 1e-7}


def _tol(case, a=None):
    """Relative tolerance of case `case` (for the Chernoff family at alpha = a, also the
    conditioning of c_alpha = exp(log c_alpha): an ulp of the covariances moves log c_alpha by
    ~ eps |log c_alpha| kappa, kappa = max eig(S1, S2) / min eig(S_a), large near the edge of
    finiteness where S_a turns singular)."""
    t = REL + (16 * EPS / DELTA[case] if case in DELTA else 0.0)
    if a is not None:
        m1, S1, m2, S2 = CASES[case]
        Sa = (1 - a) * S1 + a * S2
        top = max(np.linalg.eigvalsh(S1).max(), np.linalg.eigvalsh(S2).max())
        lc = _mp_log_chernoff(a, m1, S1, m2, S2)
        if lc is not None:
            t *= (1 + abs(float(lc))) * top / np.linalg.eigvalsh(Sa).min()
    return t


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("name", NAMES)
def test_closed_forms_against_mpmath(case, name):
    m1, S1, m2, S2 = CASES[case]
    want = _mp_value(name, m1, S1, m2, S2)
    r = fdiv.divergence(dist.MvNormal(m1, S1), dist.MvNormal(m2, S2), name)
    assert r.method == "closed" and r.error == 0.0 and bool(r.converged)
    if want == mp.inf:
        assert r.value == math.inf
        return
    want = float(want)
    a = {"squared_hellinger": 0.5, "pearson": 2.0, "neyman": -1.0}.get(name)
    assert abs(r.value - want) <= _tol(case, a) * abs(want) + 1e-300, (r.value, want)


@pytest.mark.parametrize("a", [0.3, 0.5, 0.9, 1.7, -0.6])
def test_alpha_family_against_mpmath(a):
    for case, (m1, S1, m2, S2) in enumerate(CASES):
        lc = _mp_log_chernoff(a, m1, S1, m2, S2)
        r = fdiv.divergence(dist.MvNormal(m1, S1), dist.MvNormal(m2, S2), fdiv.alpha(a))
        if lc is None:
            assert r.value == (math.inf if a * (a - 1) > 0 else -math.inf)
            continue
        with mp.workdps(40):
            want = float(mp.expm1(lc) / (a * (a - 1)))
        assert abs(r.value - want) <= _tol(case, a) * abs(want) + 1e-300, (a, r.value, want)


@given(
    m=hs.lists(hs.floats(-3, 3), min_size=6, max_size=6),
    s=hs.lists(hs.floats(0.2, 3.0), min_size=6, max_size=6),
    name=hs.sampled_from(["kl", "reverse_kl", "jeffreys"]),
)
def test_diagonal_covariances_factorise(m, s, name):
    """KL-type divergences of product measures add over coordinates (MATH.md §7.2)."""
    m1, m2, s1, s2 = np.array(m[:3]), np.array(m[3:]), np.array(s[:3]), np.array(s[3:])
    mv = fdiv.divergence(
        dist.MvNormal(m1, np.diag(s1**2)), dist.MvNormal(m2, np.diag(s2**2)), name
    ).value
    one = fdiv.divergence(dist.Normal(m1, s1), dist.Normal(m2, s2), name).value
    assert mv == pytest.approx(float(np.sum(one)), rel=1e-13, abs=1e-15)


@given(
    theta=hs.floats(0, 2 * math.pi),
    shift=hs.lists(hs.floats(-5, 5), min_size=2, max_size=2),
    name=hs.sampled_from(NAMES),
)
def test_invariant_under_rigid_motions(theta, shift, name):
    """D_f is invariant under a bijection applied to both: rotate and shift P and Q together."""
    R = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    m1, S1 = np.array([0.3, -0.2]), np.array([[1.0, 0.4], [0.4, 2.0]])
    m2, S2 = np.zeros(2), np.eye(2)
    a = fdiv.divergence(dist.MvNormal(m1, S1), dist.MvNormal(m2, S2), name).value
    P = dist.MvNormal(R @ m1 + shift, R @ S1 @ R.T)
    Q = dist.MvNormal(R @ m2 + shift, R @ S2 @ R.T)
    b = fdiv.divergence(P, Q, name).value
    assert b == pytest.approx(a, rel=1e-12)


def test_one_dimensional_mvnormal_is_normal():
    P, Q = dist.MvNormal([0.5], [[4.0]]), dist.MvNormal([0.0], [[1.0]])
    for name in NAMES + ["total_variation", "js"]:
        a = fdiv.divergence(P, Q, name).value
        b = fdiv.divergence(dist.Normal(0.5, 2.0), dist.Normal(0.0, 1.0), name).value
        assert a == b, name
    # and a 1-D MvNormal against a Normal
    assert fdiv.divergence(P, dist.Normal(0.0, 1.0), "kl").value == pytest.approx(
        fdiv.divergence(dist.Normal(0.5, 2.0), dist.Normal(0.0, 1.0), "kl").value, rel=0
    )


def test_batches_broadcast():
    means = np.linspace(-1, 1, 7)[:, None] * np.ones(2)
    P = dist.MvNormal(means, np.eye(2))
    Q = dist.MvNormal(np.zeros(2), np.array([[2.0, 0.5], [0.5, 1.0]]))
    r = fdiv.divergence(P, Q, "kl")
    assert np.shape(r.value) == (7,)
    for i in range(7):
        one = fdiv.divergence(dist.MvNormal(means[i], np.eye(2)), Q, "kl").value
        assert r.value[i] == one
    # a batch of covariances against a batch of means
    covs = np.stack([np.eye(2) * s for s in (0.5, 1.0, 2.0)])
    P, Q = dist.MvNormal(np.zeros(2), covs), dist.MvNormal(means[:, None], np.eye(2))
    r = fdiv.divergence(P, Q, "kl")
    assert np.shape(r.value) == (7, 3)


def test_mvnormal_logpdf_matches_scipy():
    rng = np.random.default_rng(3)
    S = _spd(rng, 3)
    mean = rng.normal(size=3)
    x = rng.normal(size=(10, 3))
    got = dist.MvNormal(mean, S).logpdf(x)
    want = st.multivariate_normal(mean, S).logpdf(x)
    np.testing.assert_allclose(got, want, rtol=1e-13)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: dist.MvNormal([0, 0], [[1, 0], [0, 0]]), "positive definite"),
        (lambda: dist.MvNormal([0, 0], [[1, 2], [2, 1]]), "positive definite"),
        (lambda: dist.MvNormal([0, 0], [[1, 0.5], [0.4, 1]]), "symmetric"),
        (lambda: dist.MvNormal([0, 0], np.eye(3)), "shape"),
        (lambda: dist.MvNormal(0.0, [[1.0]]), "axis"),
        (lambda: dist.MvNormal([0, np.nan], np.eye(2)), "finite"),
    ],
)
def test_mvnormal_bad_parameters(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_mvnormal_bad_calls():
    P, Q = dist.MvNormal([0, 0], np.eye(2)), dist.MvNormal([1, 0], np.eye(2))
    with pytest.raises(ValueError, match="method='quad'"):
        fdiv.divergence(P, Q, "kl", method="quad")
    with pytest.raises(ValueError, match="no closed form"):
        fdiv.divergence(P, Q, "js")
    with pytest.raises(ValueError, match="same dimension"):
        fdiv.divergence(P, dist.Normal(0, 1), "kl")
    with pytest.raises(ValueError, match="same dimension"):
        fdiv.divergence(P, dist.MvNormal(np.zeros(3), np.eye(3)), "kl")
    with pytest.raises(ValueError, match="same dimension"):
        fdiv.divergence(st.norm(), P, "kl")
    with pytest.raises(ValueError, match="x must have shape"):
        P.logpdf([1.0, 2.0, 3.0])
    with pytest.raises(NotImplementedError):
        P.cdf([0.0, 0.0])


# ---- 1-D distribution methods ----------------------------------------------------------------

SCIPY = SCIPY_TWINS
XS = np.array([-50.0, -3.0, -0.5, 0.0, 0.25, 0.5, 0.999, 2.0, 7.0, 60.0])


@pytest.mark.parametrize("i", range(len(SCIPY)))
def test_logpdf_cdf_support_match_scipy(i):
    ours, ref = SCIPY[i]
    with np.errstate(all="ignore"):
        want = ref.logpdf(XS)
    got = ours.logpdf(XS)
    fin = np.isfinite(want)
    np.testing.assert_array_equal(np.isfinite(got), fin)
    np.testing.assert_allclose(got[fin], want[fin], rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(ours.pdf(XS), np.exp(want), rtol=1e-12, atol=0)
    lo, hi = ours.support()
    assert (float(lo), float(hi)) == tuple(float(v) for v in ref.support())
    if ours._kind in (4, 6, 7):
        with pytest.raises(NotImplementedError, match="scipy.stats"):
            ours.cdf(XS)
    else:
        np.testing.assert_allclose(ours.cdf(XS), ref.cdf(XS), rtol=1e-13, atol=1e-300)


def test_methods_broadcast_and_mixtures():
    N = dist.Normal(loc=np.array([0.0, 1.0, 2.0]), scale=1.0)
    assert N.logpdf(np.zeros((4, 1))).shape == (4, 3)
    assert np.ndim(dist.Normal(0.0, 1.0).logpdf(0.3)) == 0
    M = dist.Mixture([dist.Normal(-2.0, 1.0), dist.Laplace(2.0, 1.0)], [0.25, 0.75])
    x = np.linspace(-6, 6, 13)
    want = np.log(0.25 * st.norm(-2).pdf(x) + 0.75 * st.laplace(2).pdf(x))
    np.testing.assert_allclose(M.logpdf(x), want, rtol=1e-13)
    np.testing.assert_allclose(
        M.cdf(x), 0.25 * st.norm(-2).cdf(x) + 0.75 * st.laplace(2).cdf(x), rtol=1e-13
    )
    assert M.support() == (-np.inf, np.inf)
    big = dist.Mixture([dist.Normal(float(c), 1.0) for c in range(100)], np.full(100, 0.01))
    want = np.log(np.mean([st.norm(c).pdf(3.3) for c in range(100)]))
    assert big.logpdf(3.3) == pytest.approx(want, rel=1e-13)
