"""Property-based tests (hypothesis) of every catalogue divergence.

Every property runs for each divergence of the ``div`` fixture (conftest.py); properties
that need f' to be invertible use ``strictly_convex_div`` (all but total_variation).
Inputs are drawn from bounded strategies; tolerances are derived next to each property.
Convention: D_f(P||Q) = E_Q f(p/q) (MATH.md §0).
"""

from __future__ import annotations

import math

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from conftest import METHOD_ARG
from hypothesis import assume, given
from hypothesis import strategies as st

import fdiv

EPS = float(np.finfo(np.float64).eps)
LOG4 = math.log(4.0)
# Valid input must not raise any floating-point flag (docs/kernels.md), underflow included.
STRICT = {"all": "raise"}

UNARY = METHOD_ARG


def f_at_one(d) -> float:
    return -LOG4 if d.name == "gan" else 0.0


def sizes(lo=1, hi=16):
    return st.integers(lo, hi)


def log_uniform(lo: float, hi: float):
    """Positive floats spread evenly in log scale over [lo, hi]."""
    return st.floats(math.log(lo), math.log(hi)).map(lambda r: float(min(max(math.exp(r), lo), hi)))


def positives(lo: float, hi: float):
    return st.one_of(st.floats(lo, hi), log_uniform(lo, hi))


def farrays(elements, lo=1, hi=16, dtype=np.float64):
    return hnp.arrays(dtype, sizes(lo, hi), elements=elements)


def bitwise_equal(a, b) -> bool:
    """Same shape, same dtype, NaN in the same places, identical bits elsewhere."""
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    na, nb = np.isnan(a), np.isnan(b)
    if not np.array_equal(na, nb):
        return False
    ui = np.uint64 if a.dtype == np.float64 else np.uint32
    return np.array_equal(a[~na].view(ui), b[~nb].view(ui))


def ulp_distance(a, b):
    """|a - b| in units in the last place of a's dtype (finite, same-dtype arrays)."""
    a = np.asarray(a)
    b = np.asarray(b)
    it = np.int64 if a.dtype == np.float64 else np.int32
    lo = np.iinfo(it).min

    def ordered(x):  # integers monotone in x, with +0 and -0 both at 0
        i = np.atleast_1d(x).view(it).astype(np.int64)
        return np.where(i < 0, lo - np.minimum(i, 0), i)

    ia, ib = ordered(a), ordered(b)
    same_sign = (ia >= 0) == (ib >= 0)
    with np.errstate(over="ignore"):
        return np.where(
            same_sign,
            np.abs(ia - ib).astype(np.float64),
            np.abs(ia.astype(np.float64)) + np.abs(ib.astype(np.float64)),
        )


def assert_close_ulp(got, expected, maxulp):
    got = np.asarray(got)
    expected = np.asarray(expected)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    inf = np.isinf(expected) | np.isinf(got)
    np.testing.assert_array_equal(got[inf], expected[inf])
    fin = ~(inf | np.isnan(expected))
    if fin.any():
        dist = ulp_distance(got[fin], expected[fin])
        assert dist.max() <= maxulp, (
            f"max {dist.max():g} ulp at input index {np.argmax(dist)}: "
            f"got {got[fin][np.argmax(dist)]!r}, expected {expected[fin][np.argmax(dist)]!r}"
        )


# ----------------------------------------------------------------------------------------
# Generator: f(1), convexity


def test_f_at_one(div):
    """f(1) = 0 (gan: -log 4), to 1 ulp, in every form that evaluates f at u = 1."""
    expected = np.float64(f_at_one(div))
    with np.errstate(**STRICT):
        values = [
            div.f(1.0),
            div.f_logu(0.0),
            div.perspective(1.0, 1.0),
            div.perspective(2.0**-60, 2.0**-60) * 2.0**60,
        ]
    for v in values:
        assert ulp_distance(np.float64(v), expected) <= 1, (v, expected)
    with np.errstate(**STRICT):
        v32 = div.f(np.float32(1.0))
    assert v32 == np.float32(expected)


@given(u=farrays(st.one_of(st.floats(0.0, 1e300), log_uniform(1e-300, 1e300))))
def test_f_above_tangent_at_one(div, u):
    """Convexity: f(u) >= f(1) + f'(1)(u - 1).

    Slack 1e-13 * (|f(u)| + |f'(1)(u-1)| + |f(1)|): near u = 1 both sides agree to
    O((u-1)^2) and only the rounding of f(u) separates them.
    """
    with np.errstate(**STRICT):
        fu = div.f(u)
        d1 = div.df(1.0)
        line = f_at_one(div) + d1 * (u - 1.0)
    assert not np.isnan(fu).any()
    slack = 1e-13 * (np.abs(fu) + np.abs(d1 * (u - 1.0)) + abs(f_at_one(div)))
    assert np.all(fu >= line - slack), (u[fu < line - slack], fu[fu < line - slack])


@given(u=farrays(positives(1e-300, 1e300)))
def test_d2f_nonnegative(div, u):
    """f'' >= 0 on [1e-300, 1e300], never NaN."""
    with np.errstate(**STRICT):
        h = div.d2f(u)
    assert not np.isnan(h).any()
    assert np.all(h >= 0), u[h < 0]


@given(r=farrays(st.floats(-700.0, 700.0)))
def test_log_d2f_finite(strictly_convex_div, r):
    """log f''(e^r) is finite for |r| <= 700 (MATH.md §1: 'always finite')."""
    d = strictly_convex_div
    with np.errstate(**STRICT):
        ell = d.log_d2f_logu(r)
    assert np.all(np.isfinite(ell)), r[~np.isfinite(ell)]


@given(u=farrays(positives(1e-300, 1e300)))
def test_log_d2f_matches_d2f(strictly_convex_div, u):
    """log_d2f_logu(log u) = log(d2f(u)) where f''(u) is a normal double.

    r = log(u) is rounded (<= 1 ulp, |dr| <= eps |r|); log f'' has slope |l'(r)| <= 4 for
    every catalogue entry (alpha(-1.5): 3.5), so the two differ by <= 4 eps |r| plus the
    rounding of each side: atol = 8 eps (1 + 4|r| + |l|).
    """
    d = strictly_convex_div
    r = np.log(u)
    with np.errstate(**STRICT):
        ell = d.log_d2f_logu(r)
        h = d.d2f(u)
    ok = (h > np.finfo(np.float64).tiny) & np.isfinite(h)
    ref = np.log(h[ok])
    tol = 8 * EPS * (1 + 4 * np.abs(r[ok]) + np.abs(ref))
    err = np.abs(ell[ok] - ref)
    assert np.all(err <= tol), (u[ok][err > tol], ell[ok][err > tol], ref[err > tol])


# ----------------------------------------------------------------------------------------
# Conjugate


@given(
    u=farrays(st.one_of(st.just(0.0), positives(1e-300, 1e300))),
    t=farrays(st.floats(-1e3, 1e3)),
)
def test_fenchel_young_inequality(div, u, t):
    """u t <= f(u) + f*(t) for u >= 0 and every t (also at and next to a and b).

    Slack: 1e-12 * (|u t| + |f(u)| + |f*(t)|) -- the equality case u t = f(u) + f*(t)
    is reached at t = f'(u), where only rounding separates the sides -- plus 4 subnormal
    ulps (2e-323) absolute: for subnormal t (f*(t) ~ t near t = f'(1) = 0) only absolute
    accuracy is meaningful.
    """
    a, b = float(div.df(0.0)), float(div.df_inf)
    edges = []
    if math.isfinite(a):
        edges += [a, np.nextafter(a, np.inf)]
    if math.isfinite(b):
        edges += [b, np.nextafter(b, -np.inf)]
    t = np.concatenate([t, np.asarray(edges, dtype=np.float64)])
    uu, tt = np.meshgrid(u, t, sparse=True)
    with np.errstate(**STRICT):
        fu = div.f(uu)
        ct = div.conj(tt)
    assert not np.isnan(ct).any(), t[np.isnan(ct).ravel()]
    assert not np.isnan(fu).any()
    lhs = uu * tt
    with np.errstate(invalid="ignore"):  # an infinite side: the slack is inf or NaN
        slack = 1e-12 * (np.abs(lhs) + np.abs(fu) + np.abs(ct))
        rhs = fu + ct
    ok = lhs <= rhs + np.where(np.isnan(slack), np.inf, slack) + 4 * 5e-324
    assert ok.all(), (np.broadcast_to(uu, ok.shape)[~ok], np.broadcast_to(tt, ok.shape)[~ok])


@given(u=farrays(positives(1e-6, 1e6)))
def test_fenchel_young_equality(div, u):
    """f*(f'(u)) = u f'(u) - f(u), to 1e-12 of the magnitude of the terms.

    Why 1e-12 * (|u f'(u)| + |f(u)| + |f*|) is enough: rounding t = f'(u) by eps|t| moves
    f*(t) by f*'(t) eps |t| = u eps |t| <= eps |u t| (f*' = (f')^-1 = u), and the
    cancellation in u f'(u) - f(u) costs eps times the terms.
    Why u is restricted to [1e-6, 1e6]: where f' saturates (js, gan, squared_hellinger,
    softened_reverse_kl, alpha < 1 ... as u -> inf; triangular, pearson ... as u -> 0)
    f'(u) lies within ~1/u^k of a domain boundary of f*, and for larger u the rounded
    t = f'(u) lands on (or beyond) the boundary itself, where f* is +inf or the limit
    value: the identity is then not a statement about the double inputs any more.
    """
    with np.errstate(**STRICT):
        t = div.df(u)
        fu = div.f(u)
        ct = div.conj(t)
    ref = u * t - fu
    tol = 1e-12 * (np.abs(u * t) + np.abs(fu) + np.abs(ct)) + 1e-300
    err = np.abs(ct - ref)
    assert np.all(np.isfinite(ct)), u[~np.isfinite(ct)]
    assert np.all(err <= tol), (u[err > tol], ct[err > tol], ref[err > tol])


@given(u=farrays(positives(1e-3, 1e3)))
def test_inv_df_inverts_df(strictly_convex_div, u):
    """(f')^-1(f'(u)) = u on [1e-3, 1e3] (f' strictly increasing: not total_variation).

    Tolerance, from the condition number of f': t = f'(u) carries an error of a few eps
    times (|f'(u)| + 1) (the "+1" covers forms such as 1 + log u that cancel near the zero
    of f'), and (f')^-1 maps dt to du = dt / f''(u). So
        |u_back - u| / u <= 8 eps (1 + kappa),   kappa = (1 + |f'(u)|) / (u f''(u)).
    kappa is O(1..1e3) for most entries (rtol ~1e-15..1e-12); it is large where f' is
    flat: softened_reverse_kl at u = 1e3 (u f'' = 1e-6: rtol ~3e-9) and alpha(-1.5) at
    u = 1e3 (f' within 3e-8 of its supremum: rtol ~8e-8). This is inherent to the double
    input t, not a property of the implementation.
    """
    d = strictly_convex_div
    with np.errstate(**STRICT):
        t = d.df(u)
        back = d.inv_df(t)
        kappa = (1 + np.abs(t)) / (u * d.d2f(u))
    rtol = 8 * EPS * (1 + kappa)
    err = np.abs(back - u) / u
    assert np.all(rtol <= 1e-6)  # the derived tolerance stays meaningful on this range
    assert np.all(err <= rtol), (u[err > rtol], back[err > rtol], rtol[err > rtol])


def test_inv_df_outside_range(div):
    """inv_df = 0 for t <= a = f'(0+), +inf for t >= b = f'(inf) (docs/kernels.md).

    a and b are irrational for several entries, so the double next to fl(a) (fl(b)) away
    from the range of f' is used: it lies on the far side of the exact a (b)."""
    a, b = float(div.df(0.0)), float(div.df_inf)
    below = [-np.inf, -1e300] + ([math.nextafter(a, -np.inf), a - 1.0] if math.isfinite(a) else [])
    above = [np.inf, 1e300] + ([math.nextafter(b, np.inf), b + 1.0] if math.isfinite(b) else [])
    below = np.array([t for t in below if t <= a])
    above = np.array([t for t in above if t >= b])
    with np.errstate(**STRICT):
        lo = div.inv_df(below)
        hi = div.inv_df(above)
    np.testing.assert_array_equal(lo, 0.0)
    np.testing.assert_array_equal(hi, np.inf)


# ----------------------------------------------------------------------------------------
# Activations

EXTREME_LOGITS = np.array([-700.0, -100.0, -40.0, -1e-300, 0.0, 1e-300, 40.0, 100.0, 700.0])


@given(v=farrays(st.floats(-700.0, 700.0)))
def test_activation_maps_into_conj_domain(div, v):
    """g_f maps every logit in [-700, 700] into dom f*: f*(g_f(v)) finite, never NaN.

    This includes large |v| where g_f(v) is within an ulp of the domain boundary b (e.g.
    1 - e^-v for squared_hellinger, 1/(1-alpha) - softplus(-v)): an open boundary must
    not be reached by rounding.
    """
    v = np.concatenate([v, EXTREME_LOGITS])
    with np.errstate(**STRICT):
        t = div.activation(v)
        c = div.conj(t)
    assert not np.isnan(t).any(), v[np.isnan(t)]
    bad = ~np.isfinite(c)
    assert not bad.any(), (v[bad], t[bad], c[bad])


def in_conj_domain(d, t):
    """t in dom f* (f*(t) < inf), allowing f*(t) to overflow where dom f* has no upper
    end. (Comparing t with conj_domain.hi would be wrong: hi = fl(b) may lie inside.)"""
    with np.errstate(**STRICT):
        c = d.conj(t)
    return (c < np.inf) | (np.isfinite(t) & (float(d.conj_domain.hi) == np.inf))


@given(v=farrays(st.floats(-700.0, 700.0)))
def test_ratio_activation(div, v):
    """ratio_activation(v) = f'(e^v) = df_logu(v), bitwise wherever that value lies in
    dom f*; where f'(e^v) rounds onto an open boundary (or past an irrational one) it is
    the neighbouring double inside. So it always lies in dom f*, f* of it is never NaN,
    and finite for |v| <= 30 (beyond, f* may legitimately overflow, e.g. pearson at
    t = 2e304)."""
    v = np.concatenate([v, EXTREME_LOGITS])
    with np.errstate(**STRICT):
        g = div.ratio_activation(v)
        c = div.conj(g)
        dl = div.df_logu(v)
    inside = in_conj_domain(div, dl)
    assert not np.isnan(g).any()
    assert not np.isnan(c).any(), v[np.isnan(c)]
    # +-inf only as the overflow of f'(e^v) towards an infinite a = f'(0+) or b = f'(inf)
    a, b = float(div.df(0.0)), float(div.df_inf)
    ok = (
        in_conj_domain(div, g) | ((g == -np.inf) & (a == -np.inf)) | ((g == np.inf) & (b == np.inf))
    )
    assert ok.all(), (v[~ok], g[~ok])
    small = np.abs(v) <= 30
    assert np.all(np.isfinite(c[small])), v[small][~np.isfinite(c[small])]
    assert bitwise_equal(g[inside], dl[inside])
    assert np.all(ulp_distance(g[~inside], dl[~inside]) <= 2), (v[~inside], g[~inside], dl[~inside])


# ----------------------------------------------------------------------------------------
# Duality f -> u f(1/u)


def test_dual_involution(div):
    dd = div.dual.dual
    assert dd == div
    assert hash(dd) == hash(div)
    assert (div.dual == div) == div.symmetric
    assert div.dual.symmetric == div.symmetric


@given(u=farrays(positives(1e-100, 1e100)))
def test_dual_f(div, u):
    """dual.f(u) = u f(1/u), rtol 1e-13.

    x = 1/u is rounded (|dx/x| <= eps/2), which moves u f(x) by |f'(x)| eps/2 (absolute):
    that term is added to the tolerance.
    """
    x = 1.0 / u
    with np.errstate(**STRICT):
        got = div.dual.f(u)
        ref = u * div.f(x)
        cond = np.abs(div.df(x)) * EPS
    tol = 1e-13 * np.abs(ref) + cond
    err = np.abs(got - ref)
    assert np.all(err <= tol), (u[err > tol], got[err > tol], ref[err > tol])


@given(r=farrays(st.floats(-230.0, 230.0)))
def test_dual_logu_forms(div, r):
    """The r-forms of the dual, without the rounding of 1/u:
    f_dual(e^r) = e^r f(e^-r) (rtol 1e-13) and log f_dual''(e^r) = -3r + log f''(e^-r)."""
    with np.errstate(**STRICT):
        got = div.dual.f_logu(r)
        ref = np.exp(r) * div.f_logu(-r)
        ell = div.dual.log_d2f_logu(r)
        ell_ref = -3 * r + div.log_d2f_logu(-r)
    np.testing.assert_allclose(got, ref, rtol=1e-13, atol=1e-300)
    fin = np.isfinite(ell_ref)
    np.testing.assert_array_equal(ell[~fin], ell_ref[~fin])
    tol = 8 * EPS * (1 + 3 * np.abs(r[fin]) + np.abs(ell_ref[fin]))
    assert np.all(np.abs(ell[fin] - ell_ref[fin]) <= tol)


def test_dual_tail_weights_swapped(div):
    lo, hi = div.tail_weights
    dlo, dhi = div.dual.tail_weights
    np.testing.assert_allclose([dlo, dhi], [hi, lo], rtol=4 * EPS, atol=0)


# ----------------------------------------------------------------------------------------
# Discrete divergences between histograms


@st.composite
def histogram_pairs(draw, max_bins=8):
    n = draw(st.integers(2, max_bins))
    mass = st.one_of(st.just(0.0), st.floats(1e-12, 1.0), st.floats(0.5, 1.0))
    p = draw(hnp.arrays(np.float64, n, elements=mass))
    if draw(st.booleans()):
        q = draw(hnp.arrays(np.float64, n, elements=mass))
    else:  # q close to p: D near its minimum, where rounding matters most
        eps = draw(hnp.arrays(np.float64, n, elements=st.floats(-1e-3, 1e-3)))
        q = p * (1.0 + eps)
    assume(p.sum() > 0 and q.sum() > 0)
    return p / p.sum(), q / q.sum()


def rounding_scale(d, p, q):
    """Sum over bins of the magnitudes that a summation of q f(p/q) rounds:
    S = sum q |f(u)| + p |f'(u)| over bins with p, q > 0 (the second term is the effect of
    rounding u = p/q), plus |perspective| of the bins on the support edges."""
    both = (p > 0) & (q > 0)
    with np.errstate(**STRICT):
        u = p[both] / q[both]
        inner = np.sum(q[both] * np.abs(d.f(u)) + p[both] * np.abs(d.df(u)))
        edge = np.abs(d.perspective(p[~both], q[~both]))
    return float(inner + np.sum(edge[np.isfinite(edge)]))


def discrete_slack(d, p, q, value):
    n = p.size
    return 1e-12 * abs(value) + (16 + 2 * n) * EPS * rounding_scale(d, p, q)


@given(pq=histogram_pairs())
def test_discrete_bounds(div, pq):
    """f(1) <= D_f(P||Q) <= f(0+) + f'(inf) (0 <= D, and D_gan in [-log 4, 0]).

    Slack (16 + 2n) eps S with S from ``rounding_scale`` (at least 1e-15, the rounding
    allowed by the specification)."""
    p, q = pq
    with np.errstate(**STRICT):
        value = float(fdiv.discrete(p, q, div, normalize=True))
    assert not math.isnan(value)
    slack = max(1e-15, discrete_slack(div, p, q, value))
    assert value >= f_at_one(div) - slack
    upper = float(div.f0) + float(div.df_inf)  # D for P, Q with disjoint supports
    if math.isfinite(value):
        assert value <= upper + 1e-12 * abs(upper) + slack
    else:
        assert value == math.inf and upper == math.inf


@given(pq=histogram_pairs())
def test_discrete_equal_distributions(div, pq):
    """D_f(P||P) = f(1): exactly 0 (the bins contribute p f(1) = 0, or 0 f(0/0) = 0);
    -log 4 (to n ulp) for gan."""
    p, _ = pq
    with np.errstate(**STRICT):
        value = float(fdiv.discrete(p, p.copy(), div, normalize=True))
    if div.name == "gan":
        np.testing.assert_allclose(value, -LOG4, rtol=4 * p.size * EPS)
    else:
        assert value == 0.0


@given(pq=histogram_pairs())
def test_discrete_dual_swaps_arguments(div, pq):
    """D_f(P||Q) = D_{f dual}(Q||P), rtol 1e-12 (+ the rounding slack of the sums)."""
    p, q = pq
    with np.errstate(**STRICT):
        fwd = float(fdiv.discrete(p, q, div, normalize=True))
        rev = float(fdiv.discrete(q, p, div.dual, normalize=True))
    if math.isinf(fwd) or math.isinf(rev):
        assert fwd == rev
    else:
        assert abs(fwd - rev) <= discrete_slack(div, p, q, fwd), (fwd, rev)


@given(pq=histogram_pairs(), data=st.data())
def test_discrete_data_processing(div, pq, data):
    """Merging two bins (a deterministic channel) cannot increase D_f (rel slack 1e-12)."""
    p, q = pq
    i, j = data.draw(st.lists(st.integers(0, p.size - 1), min_size=2, max_size=2, unique=True))
    i, j = min(i, j), max(i, j)
    pm = np.delete(p, j)
    qm = np.delete(q, j)
    pm[i] += p[j]
    qm[i] += q[j]
    with np.errstate(**STRICT):
        full = float(fdiv.discrete(p, q, div, normalize=True))
        merged = float(fdiv.discrete(pm, qm, div, normalize=True))
    assert not math.isnan(full) and not math.isnan(merged)
    if math.isinf(full):
        assert full == math.inf
    else:
        assert merged <= full + discrete_slack(div, p, q, full), (full, merged)


# ----------------------------------------------------------------------------------------
# u-form and r-form agree


@given(r=farrays(st.floats(-30.0, 30.0)))
def test_u_and_logu_forms_agree(div, r):
    """f(exp(r)) vs f_logu(r), f'(exp(r)) vs df_logu(r), log f''(exp(r)) vs log_d2f_logu(r).

    rtol 1e-12, plus the effect of rounding u = exp(r) (|du| <= 2 ulp of u):
    2 eps u (|f'(u)| + 2 eps u f''(u)) for f (the second term matters where f'(u) = 0, e.g.
    u = 1), 2 eps u f''(u) for f', 8 eps for log f'' (|slope| <= 4); f' also gets
    8 eps (1 + |r|) absolute for forms such as 1 + log u that cancel at the zero of f'.
    """
    u = np.exp(r)
    with np.errstate(**STRICT):
        fu, fr = div.f(u), div.f_logu(r)
        du, dr = div.df(u), div.df_logu(r)
        hu, lr = div.d2f(u), div.log_d2f_logu(r)
    with np.errstate(invalid="ignore"):  # total_variation: f''(1) = inf
        tol = 1e-12 * np.abs(fu) + 2 * EPS * u * (np.abs(du) + 2 * EPS * u * hu)
    bad = ~(np.abs(fu - fr) <= tol)
    assert not bad.any(), ("f", r[bad], fu[bad], fr[bad])
    with np.errstate(invalid="ignore"):  # inf * 0 never occurs here, but inf tolerance may
        tol = 1e-12 * np.abs(du) + 2 * EPS * u * hu + 8 * EPS * (1 + np.abs(r))
    bad = ~(np.abs(du - dr) <= tol)
    assert not bad.any(), ("df", r[bad], du[bad], dr[bad])
    # total_variation: f'' is a point mass at u = 1; where exp(r) rounds to 1 but r != 0
    # the two forms legitimately see different sides of the kink.
    ok = (hu > np.finfo(np.float64).tiny) & np.isfinite(hu) & ~((u == 1.0) & (r != 0.0))
    with np.errstate(divide="ignore"):
        lu = np.log(hu)
    tol = 1e-12 * np.abs(lu[ok]) + 16 * EPS
    bad = ~(np.abs(lu[ok] - lr[ok]) <= tol)
    assert not bad.any(), ("log f''", r[ok][bad], lu[ok][bad], lr[ok][bad])
    edge = (hu == 0) & ~((u == 1.0) & (r != 0.0))
    assert np.all(lr[edge] == -np.inf)


# ----------------------------------------------------------------------------------------
# dtypes, strides, where=, shapes


def _call(d, method, x, y=None):
    """Call a method; perspective takes (x, y), y defaulting to x reversed."""
    if method == "perspective":
        return d.perspective(x, x[::-1] if y is None else y)
    return getattr(d, method)(x)


ALL_METHODS = tuple(UNARY) + ("perspective",)


def _valid(method, x):
    """Map arbitrary non-NaN draws into the method's domain (|x| for u and p, q)."""
    if method == "perspective" or UNARY.get(method) == "u":
        return np.abs(x)
    return x


@given(x=farrays(st.floats(width=32, allow_nan=False), hi=24, dtype=np.float32))
def test_float32_matches_float64(div, x):
    """float32 in -> float32 out, within 4 float32 ulp of float32(f64 result) for every
    method (the contract: 4 float32 ulp, whether the kernel runs in float32 lanes or in double
    and rounds once)."""
    for method in ALL_METHODS:
        x32 = _valid(method, x)
        with np.errstate(**STRICT):
            got = _call(div, method, x32)
            ref64 = _call(div, method, x32.astype(np.float64))
        with np.errstate(over="ignore", under="ignore"):  # rounding the reference to float32
            ref = ref64.astype(np.float32)
        assert got.dtype == np.float32, method
        assert_close_ulp(got, ref, 4)


@given(x=farrays(st.floats(), lo=0, hi=200))
def test_strided_equals_contiguous(div, x):
    """Strided, reversed, transposed inputs and strided out= give bitwise the results of
    contiguous ones (also for NaN, negative and infinite inputs)."""
    n = x.size
    y = x[::-1].copy()  # second argument of perspective
    k = max(1, math.isqrt(n))
    with np.errstate(all="ignore"):  # invalid inputs (NaN, u < 0) are part of the draw
        for method in ALL_METHODS:
            for view in (np.s_[::3], np.s_[1::2], np.s_[::-1], np.s_[::-2]):
                got = _call(div, method, x[view], y[view])
                ref = _call(div, method, x[view].copy(), y[view].copy())
                assert bitwise_equal(got, ref), (method, view)
            x2 = x[: k * (n // k)].reshape(k, n // k)
            y2 = y[: k * (n // k)].reshape(k, n // k)
            full = _call(div, method, x2, y2)
            assert bitwise_equal(_call(div, method, x2.T, y2.T), full.T), method
            assert bitwise_equal(_call(div, method, x2.T.copy(), y2.T.copy()), full.T), method
            base = np.full(3 * n, 12345.0)
            out = base[::3]
            if method == "perspective":
                res = div.perspective(x, y, out=out)
            else:
                res = getattr(div, method)(x, out=out)
            assert res is out
            assert bitwise_equal(out, _call(div, method, x.copy(), y)), method
            assert np.all(base[1::3] == 12345.0) and np.all(base[2::3] == 12345.0)


@given(
    x=farrays(st.floats(allow_nan=False), lo=0, hi=64),
    data=st.data(),
)
def test_where_leaves_masked_entries(div, x, data):
    """where=False entries of out= are not written; where=True entries equal the plain call."""
    mask = data.draw(hnp.arrays(np.bool_, x.shape))
    with np.errstate(all="ignore"):
        for method in UNARY:
            xv = _valid(method, x)
            out = np.full(x.shape, -7.25)
            res = getattr(div, method)(xv, out=out, where=mask)
            assert res is out
            assert np.all(out[~mask] == -7.25), method
            assert bitwise_equal(out[mask], getattr(div, method)(xv)[mask]), method
        out = np.full(x.shape, -7.25)
        div.perspective(np.abs(x), np.abs(x[::-1]), out=out, where=mask)
        assert np.all(out[~mask] == -7.25)


@pytest.mark.parametrize("method", ALL_METHODS)
@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 4)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_zero_size(div, method, shape, dtype):
    with np.errstate(**STRICT):
        res = _call(div, method, np.empty(shape, dtype=dtype))
    assert res.shape == shape
    assert res.dtype == dtype


@pytest.mark.parametrize("method", ALL_METHODS)
def test_scalar_in_scalar_out(div, method):
    """Python float / np.float64 -> np.float64 scalar; np.float32 -> np.float32 scalar;
    the value equals the array call's element."""
    with np.errstate(**STRICT):
        for arg, typ in (
            (0.75, np.float64),
            (np.float64(0.75), np.float64),
            (np.float32(0.75), np.float32),
        ):
            other = typ(0.5) if typ is np.float32 else 0.5
            res = _call(div, method, arg, other)
            arr = _call(div, method, np.array([arg]), np.array([other], dtype=typ))
            assert type(res) is typ, (method, type(res))
            assert bitwise_equal(np.asarray(res), arr[0]), method


def test_array_call_matches_elementwise_calls(div):
    """A long array (vector body, tail, chunked strided path) gives the values of
    one-element calls (within 2 ulp: a one-element call may take a different code path),
    for every method, over fixed inputs with special values sprinkled in; the strided
    call is bitwise the contiguous one."""
    rng = np.random.default_rng(12345)
    special = [0.0, -0.0, 1.0, np.inf, -np.inf, np.nan, 5e-324, 1e-310, -1.0, 0.5, 2.0]
    u = np.concatenate([np.exp(rng.uniform(-700, 700, 1500)), rng.uniform(0, 3, 500), special])
    x = np.concatenate([rng.uniform(-750, 750, 1000), rng.uniform(-5, 5, 1000), special])
    rng.shuffle(u)
    rng.shuffle(x)
    with np.errstate(all="ignore"):
        for method in UNARY:
            arg = u if UNARY[method] == "u" else x
            whole = getattr(div, method)(arg)
            single = np.array([getattr(div, method)(arg[i : i + 1])[0] for i in range(arg.size)])
            assert_close_ulp(whole, single, 2)
            strided = getattr(div, method)(np.repeat(arg, 2)[::2])
            assert bitwise_equal(strided, whole), method
        whole = div.perspective(u, u[::-1])
        single = np.array([div.perspective(u[i], u[-1 - i]) for i in range(u.size)])
        assert_close_ulp(whole, single, 2)


@pytest.fixture
def restore_threads():
    n = fdiv.get_num_threads()
    yield
    fdiv.set_num_threads(n)


def test_threads_do_not_change_results(div, restore_threads):
    """threads=1 and threads=2 give bitwise the same elementwise results (large arrays,
    where the work is split)."""
    rng = np.random.default_rng(99)
    u = np.exp(rng.uniform(-50, 50, 200_001))
    x = rng.uniform(-40, 40, 200_001)
    results = []
    with np.errstate(**STRICT):
        for threads in (1, 2):
            fdiv.set_num_threads(threads)
            assert fdiv.get_num_threads() == threads
            res = [getattr(div, m)(u if UNARY[m] == "u" else x) for m in UNARY]
            res.append(div.perspective(u, u[::-1]))
            results.append(res)
    for a, b, m in zip(results[0], results[1], ALL_METHODS):
        assert bitwise_equal(a, b), m
