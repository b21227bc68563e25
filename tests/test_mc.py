"""Monte Carlo estimates (fdiv.divergence(method="mc")): agreement with closed forms and
quadrature within the error bars, coverage of the intervals, bitwise reproducibility, the
samplers, support violations, heavy tails and the error paths."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.stats as st
from _families import SCIPY_TWINS

import fdiv
from fdiv import dist

pytestmark = pytest.mark.skipif(not fdiv._core.HAVE_MC, reason="built without Random123")


def _pair(k):
    """A fixed Gaussian pair in R^k whose f-terms have finite variance for the divergences
    below (checked: 3 S1^-1 - 2 S2^-1 > 0 and 3 S2^-1 - 2 S1^-1 > 0 hold for these)."""
    rng = np.random.default_rng(k)
    m1 = rng.normal(size=k) * 0.5 / math.sqrt(k)
    A = rng.normal(size=(k, k)) * 0.2 / math.sqrt(k)
    return m1, np.eye(k) + A @ A.T, np.zeros(k), np.eye(k) * 1.2


def _exact(P, Q, d, k):
    if d == "js":  # no closed form: quadrature in 1-D, a 16M-sample estimate beyond
        if k == 1:
            return float(fdiv.divergence(P, Q, d, method="quad").value), 0.0
        r = fdiv.divergence(P, Q, d, method="mc", n=16_000_000, seed=99)
        return float(r.value), float(r.stderr)
    return float(fdiv.divergence(P, Q, d).value), 0.0


REPLICATES = 600  # independent streams (batch items): binomial sd of the coverage ~0.9 %
DIVS = ["kl", "reverse_kl", "js", fdiv.alpha(0.5), fdiv.alpha(-0.5), fdiv.alpha(1.5)]


@pytest.mark.statistical
@pytest.mark.parametrize("k", [1, 2, 10])
@pytest.mark.parametrize("d", DIVS, ids=lambda d: d if isinstance(d, str) else repr(d))
def test_coverage_of_95_percent_intervals(k, d):
    """The 95 % interval holds the exact value 95 % +- 3 % of the time (600 independent
    replicates of n = 2000, each with its own stream) -- the issue's criterion."""
    m1, S1, m2, S2 = _pair(k)
    P1, Q = dist.MvNormal(m1, S1), dist.MvNormal(m2, S2)
    exact, ref_se = _exact(P1, Q, d, k)
    P = dist.MvNormal(np.broadcast_to(m1, (REPLICATES, k)), S1)
    with warnings.catch_warnings():
        # the heavy-tail diagnostic is a statistic: at n = 2000 it flags a finite-variance
        # replicate now and then (and says so with a RuntimeWarning): measured 0 - 1.3 % over
        # these cases; the test allows 3 %
        warnings.simplefilter("ignore", RuntimeWarning)
        r = fdiv.divergence(P, Q, d, method="mc", n=2000, seed=7)
    assert np.mean(~r.finite_variance) <= 0.03
    lo, hi = r.ci(0.95)
    cov = np.mean((lo <= exact) & (exact <= hi))
    assert 0.92 <= cov <= 0.98, (cov, exact)
    # and the reference is far more precise than the intervals it is tested with
    assert ref_se < 0.05 * np.median(r.stderr)
    # the mean of the replicates agrees with the exact value within its own error bar
    pooled = np.mean(r.value)
    assert abs(pooled - exact) <= 4 * (np.std(r.value) / math.sqrt(REPLICATES) + ref_se)


@pytest.mark.statistical
def test_coverage_across_200_seeds():
    """The same, literally over 200 seeds (one item each)."""
    m1, S1, m2, S2 = _pair(2)
    P, Q = dist.MvNormal(m1, S1), dist.MvNormal(m2, S2)
    exact = float(fdiv.divergence(P, Q, "kl").value)
    hits = 0
    for seed in range(200):
        lo, hi = fdiv.divergence(P, Q, "kl", method="mc", n=2000, seed=seed).ci(0.95)
        hits += lo <= exact <= hi
    assert 0.92 <= hits / 200 <= 0.98, hits


@pytest.mark.parametrize(
    "d", ["kl", "reverse_kl", "js", "squared_hellinger", "pearson", "total_variation"]
)
def test_mixture_1d_agrees_with_quadrature(d):
    P = dist.Mixture([dist.Normal(-2.0, 1.0), dist.Normal(2.0, 1.0)], [0.5, 0.5])
    Q = dist.Normal(0.0, 3.0)
    exact = float(fdiv.divergence(P, Q, d, method="quad").value)
    r = fdiv.divergence(P, Q, d, method="mc", n=400_000, seed=3)
    assert abs(r.value - exact) <= 4 * r.stderr, (r.value, exact, r.stderr)
    assert r.n == 400_000 and r.stderr > 0


@pytest.mark.parametrize("sample_from", ["q", "p", "mixture"])
def test_each_estimator_is_unbiased(sample_from):
    # sigma_Q^2 in (1/2, 2): every estimator's terms have a finite variance here
    P, Q = dist.Normal(0.0, 1.0), dist.Normal(1.0, 1.1)
    for d in ("kl", "reverse_kl", "js"):
        exact = float(fdiv.divergence(P, Q, d, method="quad").value)
        r = fdiv.divergence(P, Q, d, method="mc", n=300_000, seed=11, sample_from=sample_from)
        assert r.sample_from == sample_from
        assert abs(r.value - exact) <= 4 * r.stderr, (d, r.value, exact, r.stderr)


def test_auto_avoids_the_estimator_a_pilot_cannot_judge():
    """KL(Q||P) with P the narrow GAN ring: sampling from P misses Q's mass (infinite variance
    in rare events a pilot never sees); auto must not pick it."""
    P, Q = fdiv.toy.ring(), dist.MvNormal([0.0, 0.0], np.eye(2))
    r = fdiv.divergence(P, Q, "reverse_kl", method="mc", n=200_000, seed=0)
    assert r.sample_from != "p"
    assert bool(r.finite_variance)
    # E_Q[log q - log p], checked against a plain numpy computation on the same kind of draws
    x = np.random.default_rng(1).normal(size=(400_000, 2))
    lq = st.multivariate_normal([0, 0], np.eye(2)).logpdf(x)
    comps = [st.multivariate_normal(m.mean, m.cov).logpdf(x) for m in P.components]
    lp = np.logaddexp.reduce(np.stack(comps), axis=0) - math.log(8)
    ref = np.mean(lq - lp)
    ref_se = np.std(lq - lp) / math.sqrt(x.shape[0])
    assert abs(r.value - ref) <= 4 * math.hypot(r.stderr, ref_se)


def test_bitwise_reproducible_across_threads_and_runs():
    P = fdiv.toy.grid()
    Q = dist.MvStudentT(5.0, [0.0, 0.0], 4.0 * np.eye(2))
    out = []
    for threads in (1, 2, 1):
        fdiv.set_num_threads(threads)
        try:
            r = fdiv.divergence(P, Q, ["kl", "js"], method="mc", n=300_000, seed=42)
        finally:
            fdiv.set_num_threads(0)
        out.append([(float(v.value), float(v.stderr)) for v in r.values()])
    assert out[0] == out[1] == out[2]
    # a batch: each item its own stream, the same whatever the threads
    Pb = dist.Normal(np.linspace(-1, 1, 9), 1.0)
    a = fdiv.divergence(Pb, dist.Normal(0.0, 2.0), "kl", method="mc", n=70_000, seed=5)
    fdiv.set_num_threads(1)
    try:
        b = fdiv.divergence(Pb, dist.Normal(0.0, 2.0), "kl", method="mc", n=70_000, seed=5)
    finally:
        fdiv.set_num_threads(0)
    assert np.array_equal(a.value, b.value) and np.array_equal(a.stderr, b.stderr)


def test_philox_streams_are_random123s():
    """The vector Philox4x32-10 (simd/mc-inl.h) is word for word Random123's scalar one, and
    both reproduce Random123's known-answer vectors (kat_vectors: philox4x32 10 rounds)."""
    from fdiv import _core

    kat = _core.mc_philox_words(0, 0, 0, 0, 0, 1, True)
    assert [int(w) for w in kat] == [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]
    ones = _core.mc_philox_words(2**64 - 1, 2**32 - 1, 2**32 - 1, 2**32 - 1, 2**32 - 1, 1, True)
    assert [int(w) for w in ones] == [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]
    pi = _core.mc_philox_words(
        0x85A308D3243F6A88, 0x13198A2E, 0x03707344, 0xA4093822, 0x299F31D0, 1, True
    )
    assert [int(w) for w in pi] == [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]
    for c0 in (0, 5, 2**32 - 3, 2**40 + 7):  # carries into the counter's high word included
        for n in (1, 3, 8, 64, 65):
            v = _core.mc_philox_words(c0, 7, 9, 0xDEADBEEF, 0x12345678, n, True)
            s = _core.mc_philox_words(c0, 7, 9, 0xDEADBEEF, 0x12345678, n, False)
            assert np.array_equal(v, s), (c0, n)


def test_seed_forms():
    P, Q = dist.Normal(0.0, 1.0), dist.Normal(0.5, 1.0)
    a = fdiv.divergence(P, Q, "kl", method="mc", n=5000, seed=123).value
    b = fdiv.divergence(P, Q, "kl", method="mc", n=5000, seed=np.random.SeedSequence(123)).value
    assert a == b
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    c = fdiv.divergence(P, Q, "kl", method="mc", n=5000, seed=g1).value
    assert c == fdiv.divergence(P, Q, "kl", method="mc", n=5000, seed=g2).value
    assert c != fdiv.divergence(P, Q, "kl", method="mc", n=5000, seed=g1).value  # advanced
    assert a != fdiv.divergence(P, Q, "kl", method="mc", n=5000, seed=124).value


def test_support_violations():
    U1, U2 = dist.Uniform(0.0, 1.0), dist.Uniform(0.0, 2.0)
    # P inside Q: KL = log 2 (exactly: every term is 2 log 2 or 0)
    r = fdiv.divergence(U1, U2, "kl", method="mc", n=10_000, seed=0, sample_from="q")
    assert abs(r.value - math.log(2)) <= 4 * r.stderr
    # P's mass where q = 0, at an infinite price: +inf from every estimator
    for sf in ("auto", "q", "p", "mixture"):
        v = fdiv.divergence(U2, U1, "kl", method="mc", n=10_000, seed=0, sample_from=sf).value
        assert v == math.inf, sf
    # at a finite price (total variation: f'(inf) = 1/2): the mass pass adds it
    tv = fdiv.divergence(U2, U1, "total_variation", method="mc", n=200_000, seed=1)
    assert abs(tv.value - 0.5) <= 4 * tv.stderr + 1e-12


def test_heavy_tail_is_flagged_not_reported_tight():
    """Pearson chi^2 with P too wide for a finite variance (1.3^2 > 4/3) but a finite value."""
    P, Q = dist.Normal(0.0, 1.3), dist.Normal(0.0, 1.0)
    with pytest.warns(RuntimeWarning, match="heavy-tailed"):
        r = fdiv.divergence(P, Q, "pearson", method="mc", n=1_000_000, seed=0, sample_from="q")
    assert not bool(r.finite_variance) and r.tail_index > 0.7
    assert r.ci() == (-math.inf, math.inf)
    # the same divergence with a finite variance is not flagged
    ok = fdiv.divergence(dist.Normal(0.0, 1.1), Q, "pearson", method="mc", n=1_000_000, seed=0)
    assert bool(ok.finite_variance) and ok.tail_index < 0.7


def test_proposal_and_ess():
    P, Q = dist.Normal(0.0, 1.0), dist.Normal(1.0, 1.5)
    exact = float(fdiv.divergence(P, Q, "kl").value)
    R = dist.StudentT(4.0, 0.5, 2.0)
    r = fdiv.divergence(P, Q, "kl", method="mc", n=400_000, seed=2, proposal=R)
    assert r.sample_from == "proposal"
    assert abs(r.value - exact) <= 4 * r.stderr
    assert 0 < r.ess < r.n


def test_qmc_is_more_precise_and_honest():
    P, Q = dist.MvNormal([0.3, -0.2], [[1.0, 0.3], [0.3, 1.5]]), dist.MvNormal([0, 0], np.eye(2))
    exact = float(fdiv.divergence(P, Q, "kl").value)
    q = fdiv.divergence(P, Q, "kl", method="mc", n=1 << 16, seed=4, qmc=True)
    m = fdiv.divergence(P, Q, "kl", method="mc", n=1 << 16, seed=4, sample_from=q.sample_from)
    assert q.method == "qmc" and q.n == 1 << 16
    assert abs(q.value - exact) <= 4 * q.stderr
    assert q.stderr < 0.2 * m.stderr
    # and on a mixture of heavy-tailed and bounded families
    M = dist.Mixture([dist.StudentT(5.0, -1.0, 1.0), dist.Beta(2.0, 3.0)], [0.5, 0.5])
    ex = float(fdiv.divergence(M, dist.Normal(0.0, 2.0), "js", method="quad").value)
    r = fdiv.divergence(M, dist.Normal(0.0, 2.0), "js", method="mc", n=1 << 14, seed=1, qmc=True)
    assert abs(r.value - ex) <= 4 * r.stderr


def test_custom_divergence_matches_catalogue():
    kl = fdiv.get("kl")
    custom = fdiv.Divergence.custom(lambda u: u * np.log(u), name="my_kl")
    P, Q = dist.Normal(0.0, 1.0), dist.Normal(0.5, 1.2)
    exact = float(fdiv.divergence(P, Q, kl).value)
    r = fdiv.divergence(P, Q, custom, method="mc", n=200_000, seed=0, sample_from="q")
    assert abs(r.value - exact) <= 4 * r.stderr


# ---- samplers and the multivariate families ---------------------------------------------------

SAMPLERS = SCIPY_TWINS


@pytest.mark.parametrize("i", range(len(SAMPLERS)))
def test_samplers_follow_their_distribution(i):
    ours, ref = SAMPLERS[i]
    x = ours.sample(20_000, seed=i)
    assert x.shape == (20_000,)
    assert st.kstest(x, ref.cdf).pvalue > 1e-3


def test_multivariate_samplers_and_densities():
    S = np.array([[2.0, 0.6], [0.6, 1.0]])
    x = dist.MvNormal([1.0, -1.0], S).sample(200_000, seed=0)
    assert x.shape == (200_000, 2)
    np.testing.assert_allclose(x.mean(axis=0), [1.0, -1.0], atol=0.02)
    np.testing.assert_allclose(np.cov(x.T), S, atol=0.03)
    T = dist.MvStudentT(6.0, [0.0, 1.0], S)
    y = T.sample(200_000, seed=1)
    np.testing.assert_allclose(np.cov(y.T), S * 6.0 / 4.0, rtol=0.05)
    pts = np.array([[0.1, 0.2], [3.0, -2.0]])
    np.testing.assert_allclose(
        T.logpdf(pts), st.multivariate_t([0.0, 1.0], S, df=6.0).logpdf(pts), rtol=1e-12
    )
    ind = dist.Independent([dist.Normal(0.0, 1.0), dist.Gamma(2.0, 1.0)])
    want = st.norm().logpdf(0.3) + st.gamma(2.0).logpdf(1.7)
    assert ind.logpdf([0.3, 1.7]) == pytest.approx(want, rel=1e-13)
    assert ind.logpdf([0.3, -1.0]) == -math.inf
    z = ind.sample(50_000, seed=3)
    assert st.kstest(z[:, 1], st.gamma(2.0).cdf).pvalue > 1e-3


def test_toy_distributions():
    ring = fdiv.toy.ring(k=8, radius=2.0, scale=0.05)
    assert ring.dim == 2 and len(ring.components) == 8
    np.testing.assert_allclose(ring.components[2].mean, [0.0, 2.0], atol=1e-15)
    grid = fdiv.toy.grid()
    assert len(grid.components) == 25
    np.testing.assert_allclose(sorted({c.mean[0] for c in grid.components}), [-4, -2, 0, 2, 4])
    x = np.array([[2.0, 0.01], [0.0, 0.0]])
    lps = [st.multivariate_normal(c.mean, c.cov).logpdf(x) for c in ring.components]
    want = np.logaddexp.reduce(np.stack(lps), axis=0) - math.log(8)
    np.testing.assert_allclose(ring.logpdf(x), want, rtol=1e-12)
    s = ring.sample(80_000, seed=0)
    np.testing.assert_allclose(np.hypot(s[:, 0], s[:, 1]).mean(), 2.0, atol=0.01)


# ---- error paths ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n=0), "n must be"),
        (dict(n=-5), "n must be"),
        (dict(n=1.5), "n must be"),
        (dict(n=True), "n must be"),
        (dict(sample_from="r"), "sample_from"),
        (dict(seed=-1), "seed must be"),
        (dict(proposal=dist.MvNormal([0, 0, 0], np.eye(3))), "proposal is 3-dimensional"),
        (dict(proposal=dist.MvNormal([0, 0], np.eye(2)), qmc=True), "cannot be combined"),
    ],
)
def test_bad_arguments(kwargs, match):
    P, Q = dist.MvNormal([0, 0], np.eye(2)), dist.MvNormal([1, 0], np.eye(2))
    with pytest.raises(ValueError, match=match):
        fdiv.divergence(P, Q, "kl", method="mc", **kwargs)


def test_bad_inputs():
    P2 = dist.MvNormal([0, 0], np.eye(2))
    with pytest.raises(ValueError, match="same dimension"):
        fdiv.divergence(P2, dist.MvNormal([0, 0, 0], np.eye(3)), "kl", method="mc")
    with pytest.raises(ValueError, match="same dimension"):
        fdiv.divergence(st.norm(), P2, "kl", method="mc")
    with pytest.raises(ValueError, match="scipy.stats"):
        fdiv.divergence(st.norm(), dist.Normal(0, 1), "kl", method="mc")
    with pytest.raises(ValueError, match="positive definite"):
        dist.MvNormal([0, 0], [[1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="positive definite"):
        dist.MvStudentT(3.0, [0, 0], [[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(TypeError, match="seed"):
        fdiv.divergence(P2, P2, "kl", method="mc", seed="abc")
    with pytest.raises(ValueError, match="share one dimension"):
        dist.Mixture([dist.Normal(0, 1), P2], [0.5, 0.5])
    with pytest.raises(ValueError, match="batch shapes"):
        fdiv.divergence(dist.Normal([0, 1], 1.0), dist.Normal([0, 1, 2], 1.0), "kl", method="mc")
    with pytest.raises(ValueError, match="continuous distributions"):
        fdiv.divergence(dist.Poisson(2.0), dist.Poisson(3.0), "js", method="mc")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="single distribution"):
            dist.Normal([0.0, 1.0], 1.0).sample(10)


def test_a_list_of_divergences_reads_across():
    """The issue's example: fields of a list's results stacked in the list's order."""
    P, Q = fdiv.toy.ring(), dist.MvNormal([0, 0], np.eye(2))
    r = fdiv.divergence(P, Q, ["kl", "reverse_kl", "js"], method="mc", n=100_000, seed=0)
    assert list(r) == ["kl", "reverse_kl", "js"]
    assert r.value.shape == (3,) and r.value[2] == r["js"].value
    lo, hi = r.ci(0.95)
    assert np.all(lo < r.value) and np.all(r.value < hi)
    assert list(r.n) == [100_000] * 3 and r.ess[0] <= 100_000
    with pytest.raises(AttributeError):
        r._private  # noqa: B018
