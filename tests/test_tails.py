"""Tail weights, custom divergences and the comparison of divergences (MATH.md §5).

* numerical tail weights (§5.3) against the exact table (§5.2), duality, flags, modes;
* the log-corrected example of §5.3 (Richardson step, "slow convergence");
* ``Divergence.custom`` built from the catalogue's own f, f', f'' reproduces the catalogue;
  f alone (numerical derivatives); rejection of non-convex f and f(1) != 0;
* the loss -> divergence map (§5.3 end, §6 table);
* ``fdiv.compare`` (§5.4) and the bounds it implies on random discrete distributions;
* the mode-seeking Gaussian fit and the plots (Agg backend);
* errors of ``fdiv.tail_weights``.
"""

from __future__ import annotations

import importlib
import math
import re
import warnings

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display on CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from scipy import special  # noqa: E402

import fdiv  # noqa: E402

EPS = np.finfo(np.float64).eps
TW_TOL = 1e-9  # numerical tail weights vs the exact table


def lr(tw):
    """(left, right) of a TailWeights object (or of a plain pair)."""
    if hasattr(tw, "left"):
        return (float(tw.left), float(tw.right))
    left, right = tuple(tw)[:2]
    return (float(left), float(right))


def is_bool(x, value: bool) -> bool:
    """x is a (Python or NumPy) bool equal to value."""
    return isinstance(x, (bool, np.bool_)) and bool(x) is value


def custom_quiet(*args, **kwargs):
    """Divergence.custom with RuntimeWarnings of the construction ignored: the tests using it
    check values and errors; test_custom_construction_warns_nothing checks the warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fdiv.Divergence.custom(*args, **kwargs)


def softplus(x):
    return np.logaddexp(0.0, x)


# -------------------------------------------------------------------------------------------
# 1. Numerical tail weights vs the exact table of MATH.md §5.2
# -------------------------------------------------------------------------------------------

# (divergence, exact (L, R)) straight from the §5.2 table -- not read back from the package.
EXACT_FIXED = {
    "kl": (1.0, 2.0),
    "reverse_kl": (2.0, 1.0),
    "pearson": (0.0, 3.0),
    "neyman": (3.0, 0.0),
    "squared_hellinger": (1.5, 1.5),
    "jeffreys": (2.0, 2.0),
    "js": (1.0, 1.0),
    "gan": (1.0, 1.0),
    "triangular": (0.0, 0.0),
    "le_cam": (0.0, 0.0),
    "softened_reverse_kl": (2.0, 0.0),
    "softened_kl": (0.0, 2.0),
}
TW_ALPHAS = (-2.0, -1.0, -0.5, 0.1, 0.25, 0.5, 0.75, 0.9, 1.5, 2.0, 3.0)
TW_PIS = (0.05, 0.3, 0.5, 0.9)

TW_CASES = (
    [(n, (lambda n=n: fdiv.get(n)), tw) for n, tw in EXACT_FIXED.items()]
    + [(f"alpha({a})", (lambda a=a: fdiv.alpha(a)), (2.0 - a, 1.0 + a)) for a in TW_ALPHAS]
    + [(f"js_weighted({p})", (lambda p=p: fdiv.js_weighted(p)), (1.0, 1.0)) for p in TW_PIS]
)
TW_IDS = [c[0] for c in TW_CASES]


def _mode(left, right):
    if left > right:
        return "mode-seeking"
    if right > left:
        return "mode-covering"
    return "balanced"


@pytest.mark.parametrize(("label", "make", "expected"), TW_CASES, ids=TW_IDS)
def test_numeric_tail_weights_match_exact_table(label, make, expected):
    d = make()
    num = fdiv.tail_weights(d, numeric=True)
    L, R = lr(num)
    assert abs(L - expected[0]) <= TW_TOL, (label, "left", L, expected)
    assert abs(R - expected[1]) <= TW_TOL, (label, "right", R, expected)
    # The catalogue r-forms have pure power (or power times rational) tails: the plain
    # 2^k sequence converges, no Richardson step and no flag.
    assert is_bool(num.left_converged, True) and is_bool(num.right_converged, True), label
    assert num.left_flag is None and num.right_flag is None, label
    assert is_bool(num.exact, False)  # forced numerical procedure, not the table

    ex = fdiv.tail_weights(d)
    assert is_bool(ex.exact, True)
    assert lr(ex) == pytest.approx(expected, abs=1e-15)
    assert abs(lr(ex)[0] - L) <= TW_TOL and abs(lr(ex)[1] - R) <= TW_TOL
    assert is_bool(ex.left_converged, True) and is_bool(ex.right_converged, True)
    assert ex.left_flag is None and ex.right_flag is None
    assert ex.mode == _mode(*expected)
    # Finiteness of f(0+) and f'(inf) is a property of the divergence (MATH.md §2 columns).
    assert is_bool(ex.f0_finite, bool(np.isfinite(d.f0))), label
    assert is_bool(ex.df_inf_finite, bool(np.isfinite(d.df_inf))), label
    # the Divergence property agrees with the function
    assert lr(d.tail_weights) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize(("label", "make", "expected"), TW_CASES, ids=TW_IDS)
def test_dual_swaps_tail_weights(label, make, expected):
    d = make()
    L, R = expected
    for numeric in (False, True):
        tw = fdiv.tail_weights(d.dual, numeric=numeric)
        got = lr(tw)
        assert abs(got[0] - R) <= TW_TOL and abs(got[1] - L) <= TW_TOL, (label, numeric, got)
        if not numeric:
            assert tw.mode == _mode(R, L)


def test_tail_weights_by_name_equals_by_divergence():
    for name in EXACT_FIXED:
        a, b = fdiv.tail_weights(name), fdiv.tail_weights(fdiv.get(name))
        assert lr(a) == lr(b) and is_bool(a.exact, True) and is_bool(b.exact, True)


def test_documented_example_srkl():
    tw = fdiv.tail_weights("softened_reverse_kl")
    assert lr(tw) == (2.0, 0.0)
    assert tw.mode == "mode-seeking"
    assert is_bool(tw.f0_finite, False)  # f(0+) = inf
    assert is_bool(tw.df_inf_finite, True)  # f'(inf) = -log 2


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        ("kl", "mode-covering"),
        ("reverse_kl", "mode-seeking"),
        ("js", "balanced"),
        ("squared_hellinger", "balanced"),
        ("neyman", "mode-seeking"),
        ("pearson", "mode-covering"),
        ("softened_kl", "mode-covering"),
    ],
)
def test_modes(name, mode):
    assert fdiv.tail_weights(name).mode == mode


@pytest.mark.parametrize("numeric", [False, True])
def test_total_variation_tails_are_minus_inf(numeric):
    # f'' = 0 away from u = 1: lighter than any power (§5.2), reported as -inf on both sides.
    tw = fdiv.tail_weights("total_variation", numeric=numeric)
    assert lr(tw) == (-math.inf, -math.inf)


# -------------------------------------------------------------------------------------------
# 2. Log-corrected example of §5.3: f'' = 1 / (u (1 + log^2 u))
# -------------------------------------------------------------------------------------------

# f'(u) = arctan(log u) (f'(1) = 0), f(u) = int_1^u arctan(log s) ds = int_0^x e^t arctan t dt,
# x = log u. By parts: f = e^x arctan x - g(x), g(x) = int_0^x e^t / (1 + t^2) dt
#   = Im(e^i (Ei(x - i) - Ei(-i)))   (1/(1+t^2) = Im 1/(t - i); the path x - i never meets
#                                     the cut of Ei on the negative real axis).
# Near x = 0 the two terms cancel, so |x| <= 2 uses 30-point Gauss-Legendre on [0, x] (the
# integrand's nearest singularities are at +-i: error ~ 2.9^-60, and every node contributes
# with the same sign, so the result is relative-accurate down to x -> 0).
_GL_X, _GL_W = np.polynomial.legendre.leggauss(30)
# f(0+) = -g(-inf) = pi cos 1 + Im(e^i Ei(-i))  (Ei(x - i) -> -i pi as x -> -inf)
_LOGC_F0 = math.pi * math.cos(1.0) + float(np.imag(np.exp(1j) * special.expi(-1j)))


def _logc_f(u):
    u = np.asarray(u, dtype=np.float64)
    out = np.empty(u.shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x = np.log(u)
        small = np.abs(x) <= 2.0
        xs = np.where(small, x, 0.0)[..., None]
        t = 0.5 * xs * (_GL_X + 1.0)
        quad = 0.5 * xs[..., 0] * np.sum(_GL_W * np.exp(t) * np.arctan(t), axis=-1)
        xb = np.where(small | ~np.isfinite(x), 3.0, x)
        g = np.imag(np.exp(1j) * (special.expi(xb - 1j) - special.expi(-1j)))
        big = u * np.arctan(xb) - g
    out[...] = np.where(small, quad, big)
    out[u == 0.0] = _LOGC_F0
    out[np.isposinf(u)] = np.inf
    out[np.isnan(u) | (u < 0)] = np.nan
    return out if out.ndim else float(out)


def _logc_df(u):
    with np.errstate(divide="ignore"):
        return np.arctan(np.log(np.asarray(u, dtype=np.float64)))


def _logc_d2f(u):
    u = np.asarray(u, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lu = np.log(u)
        return 1.0 / (u * (1.0 + lu * lu))


def _logc_log_d2f_logu(r):
    r = np.asarray(r, dtype=np.float64)
    return -r - np.log1p(r * r)


def test_log_corrected_reference_f_is_right():
    # The hand-made f of this module (not the package) against adaptive quadrature.
    from scipy.integrate import quad

    for u in (1e-6, 0.05, 0.5, 0.999, 1.001, 3.0, 50.0, 1e4):
        ref = quad(lambda s: np.arctan(np.log(s)), 1.0, u, epsabs=0, epsrel=1e-13, limit=200)[0]
        assert _logc_f(u) == pytest.approx(ref, rel=1e-11), u
    ref0 = quad(lambda s: np.arctan(np.log(s)), 0.0, 1.0, epsabs=0, epsrel=1e-13, limit=200)[0]
    assert _logc_f(0.0) == pytest.approx(-ref0, rel=1e-11)


def _log_corrected():
    return fdiv.Divergence.custom(
        _logc_f, _logc_df, _logc_d2f, log_d2f_logu=_logc_log_d2f_logu, name="logc"
    )


def test_log_corrected_needs_richardson():
    d = _log_corrected()
    assert d.name == "logc"
    tw = fdiv.tail_weights(d)
    L, R = lr(tw)
    # l'(r) = -1 - 2r/(1+r^2) = X + a/r + O(r^-3): the Richardson value 2X_9 - X_8 leaves
    # O(2^-24) ~ 1e-7 of the r^-3 term; plain X_9 is off by 2/512 ~ 4e-3.
    assert abs(L - 1.0) <= 1e-6, L
    assert abs(R - 2.0) <= 1e-6, R
    assert is_bool(tw.left_converged, False) and is_bool(tw.right_converged, False)
    assert tw.left_flag == "slow convergence" and tw.right_flag == "slow convergence"
    assert is_bool(tw.exact, False)
    assert tw.mode == "mode-covering"
    # the property and the function agree
    assert lr(d.tail_weights) == pytest.approx((L, R), abs=1e-15)
    # the dual swaps the sides (same flags)
    twd = fdiv.tail_weights(d.dual)
    assert abs(lr(twd)[0] - 2.0) <= 1e-6 and abs(lr(twd)[1] - 1.0) <= 1e-6
    assert twd.left_flag == "slow convergence" and twd.right_flag == "slow convergence"


def test_log_corrected_f0_and_df_inf_finite():
    # L = 1 < 2: f(0+) finite; R = 2 with the log factor: f'(inf) = lim arctan(log u) = pi/2 is
    # finite although a pure power with R = 2 would have f'(inf) = inf (§5.1: at exactly 2
    # the slowly varying factor decides). f' approaches pi/2 only like 1/log u.
    d = _log_corrected()
    assert d.f0 == pytest.approx(_LOGC_F0, rel=1e-8)
    assert d.df_inf == pytest.approx(math.pi / 2, rel=1e-8)
    tw = fdiv.tail_weights(d)
    assert is_bool(tw.f0_finite, True)
    assert is_bool(tw.df_inf_finite, True)


def test_log_corrected_plain_sequence_is_not_converged():
    # Independent check of the premise: the §5.3 plain slopes at k = 8, 9 differ by > 1e-6
    # (and < 1e-2, so the flag is "slow convergence", not "not regularly varying").
    ell = _logc_log_d2f_logu
    xs = {}
    for k in (8, 9):
        r = 2.0**k
        xs[k] = (-(ell(-r + 0.5) - ell(-r - 0.5)), 3.0 + (ell(r + 0.5) - ell(r - 0.5)))
    for side in (0, 1):
        diff = abs(xs[9][side] - xs[8][side])
        assert 1e-6 < diff < 1e-2
        assert abs(2 * xs[9][side] - xs[8][side] - (1.0, 2.0)[side]) <= 1e-6


# -------------------------------------------------------------------------------------------
# 3. Divergence.custom from the catalogue's own f, f', f''
# -------------------------------------------------------------------------------------------

CUSTOM_CASES = [
    ("kl", lambda: fdiv.kl),
    ("reverse_kl", lambda: fdiv.reverse_kl),
    ("js", lambda: fdiv.js),
    ("squared_hellinger", lambda: fdiv.squared_hellinger),
    ("jeffreys", lambda: fdiv.jeffreys),
    ("softened_reverse_kl", lambda: fdiv.softened_reverse_kl),
    ("alpha(0.5)", lambda: fdiv.alpha(0.5)),
    ("alpha(2)", lambda: fdiv.alpha(2.0)),
]
CUSTOM_IDS = [c[0] for c in CUSTOM_CASES]
RTOL = 1e-10
TINY = 1e-290

U_GRID = np.unique(np.concatenate([np.logspace(-12, 12, 97), [0.3, 0.5, 0.999, 1.0, 1.001, 2.0]]))
R_GRID = np.concatenate(
    [-np.logspace(-2, np.log10(40), 40)[::-1], np.logspace(-2, np.log10(40), 40)]
)


def _close(got, want, rtol, atol=0.0, what=""):
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, (what, got.shape, want.shape)
    same_inf = np.isinf(want) & (got == want)
    with np.errstate(invalid="ignore"):  # inf - inf: judged by same_inf
        err = np.abs(got - want)
    ok = same_inf | (err <= rtol * np.abs(want) + atol)
    bad = np.flatnonzero(~np.ravel(ok))
    assert bad.size == 0, (
        f"{what}: {bad.size} mismatches, e.g. index {bad[:3]}: got {np.ravel(got)[bad[:3]]}, "
        f"want {np.ravel(want)[bad[:3]]}"
    )


def _t_grid(d):
    """Points inside dom f* = (-inf, b), >= 1e-3 from b: t = f'(u) on a u grid, and below
    f'(0+) where that is finite (there f* = -f(0+) and (f')^-1 = 0)."""
    b = d.df_inf
    t = d.df(np.logspace(-8, 8, 65))
    t = t[np.isfinite(t) & (t <= b - 1e-3)]
    a = float(d.df(0.0))
    if np.isfinite(a):
        t = np.concatenate([[a - 4.0, a - 0.5], t])
    return np.unique(t)


@pytest.fixture(scope="module", params=CUSTOM_CASES, ids=CUSTOM_IDS)
def cat_and_custom(request):
    label, make = request.param
    cat = make()
    cus = fdiv.Divergence.custom(cat.f, cat.df, cat.d2f, name=label + "_custom")
    return label, cat, cus


def test_custom_name(cat_and_custom):
    label, _, cus = cat_and_custom
    assert cus.name == label + "_custom"


def test_custom_f_df_d2f(cat_and_custom):
    label, cat, cus = cat_and_custom
    # The callables are the catalogue's own: these must agree to rounding.
    for m in ("f", "df", "d2f"):
        _close(getattr(cus, m)(U_GRID), getattr(cat, m)(U_GRID), RTOL, what=f"{label}.{m}")


def test_custom_logu_forms(cat_and_custom):
    label, cat, cus = cat_and_custom
    r = R_GRID
    u = np.exp(r)
    # Absolute floors: a custom divergence may only evaluate the u-forms at u = fl(e^r), which
    # carries a relative rounding of ~eps, so its value can legitimately differ from the exact
    # r-form by |du| * |derivative| = eps * u * |f'(u)| (for f) or eps * u * f''(u) (for f').
    # That matters only next to zeros of the function (e.g. kl's f'(e^r) = r + 1 at r = -1);
    # elsewhere the 1e-10 relative bound is the binding one. 8 eps leaves room for the few
    # ulps of the catalogue's own u-forms.
    _close(cus.f_logu(r), cat.f_logu(r), RTOL, 8 * EPS * u * np.abs(cat.df(u)), f"{label}.f_logu")
    fl = 8 * EPS * u * cat.d2f(u)
    _close(cus.df_logu(r), cat.df_logu(r), RTOL, fl, f"{label}.df_logu")
    _close(cus.ratio_activation(r), cat.ratio_activation(r), RTOL, fl, f"{label}.ratio_activation")
    # log f'': log of a relative-accurate number has an absolute error of a few ulps of 1
    # (plus eps * |u f'''/f''| <= 4 eps from the rounding of u), so near log f'' = 0 the
    # relative test needs an absolute floor of ~1e-14.
    _close(cus.log_d2f_logu(r), cat.log_d2f_logu(r), RTOL, 1e-14, f"{label}.log_d2f_logu")


def test_custom_conj_inv_df(cat_and_custom):
    label, cat, cus = cat_and_custom
    t = _t_grid(cat)
    u = cat.inv_df(t)
    # (f')^-1 is ill-conditioned where f' flattens against a finite f'(0+) (alpha(2):
    # f' = u - 1, t = -1 + 1e-8): the ~eps |t| rounding of any evaluation of f' moves the
    # root by eps |t| / f''(u), which dwarfs 1e-10 u there.
    with np.errstate(divide="ignore", invalid="ignore"):
        floor = np.where(u > 0, 16 * EPS * np.abs(t) / cat.d2f(u), 0.0)
    _close(cus.inv_df(t), u, RTOL, floor, f"{label}.inv_df")
    # f*(t) = t u - f(u) is a difference: each term carries ~eps relative rounding, so near a
    # zero of f* only an absolute accuracy of ~eps (|t u| + |f(u)|) is meaningful.
    floor = 8 * EPS * (np.abs(t * u) + np.abs(cat.f(u)))
    _close(cus.conj(t), cat.conj(t), RTOL, floor, f"{label}.conj")


def test_custom_activation_maps_into_dom_conj(cat_and_custom):
    label, cat, cus = cat_and_custom
    # Like the catalogue's (see Divergence.ratio_activation), the activations of a custom
    # divergence must land inside dom f*, also where f'(e^v) rounds onto an open boundary.
    v = np.linspace(-30, 30, 61)
    for m in ("activation", "ratio_activation"):
        t = getattr(cus, m)(v)
        bad = ~np.isfinite(cat.conj(t))
        assert not bad.any(), (label, m, v[bad][:3], t[bad][:3])
        assert np.all(np.isfinite(cus.conj(t))), (label, m)


def test_custom_perspective(cat_and_custom):
    label, cat, cus = cat_and_custom
    rng = np.random.default_rng(7)
    p = np.concatenate([rng.uniform(1e-6, 3, 40), [0.0, 0.5, 0.0, 0.7]])
    q = np.concatenate([rng.uniform(1e-6, 3, 40), [0.5, 0.0, 0.0, 0.7]])
    # q f(p/q): rounding of u = p/q moves the value by eps * p * |f'(u)| (zero at p = q).
    with np.errstate(divide="ignore", invalid="ignore"):
        uu = p / q
        floor = 8 * EPS * (np.abs(p * cat.df(uu)) + np.abs(q * cat.f(uu)))
    floor = np.where(np.isfinite(floor), floor, 0.0) + TINY  # TINY: q = 0 < p gives p f'(inf)
    _close(cus.perspective(p, q), cat.perspective(p, q), RTOL, floor, f"{label}.perspective")


def test_custom_f0_df_inf_and_tail_weights(cat_and_custom):
    label, cat, cus = cat_and_custom
    # TINY: a limit read off at u = 1e300 (f'(1e300) = -1e-300 for reverse_kl) differs from
    # the exact 0 by a denormal-scale amount that no computation can observe.
    _close(cus.f0, cat.f0, RTOL, TINY, f"{label}.f0")
    _close(cus.df_inf, cat.df_inf, RTOL, TINY, f"{label}.df_inf")
    want = lr(fdiv.tail_weights(cat))
    tw = fdiv.tail_weights(cus)
    got = lr(tw)
    assert abs(got[0] - want[0]) <= TW_TOL and abs(got[1] - want[1]) <= TW_TOL, (label, got)
    assert is_bool(tw.exact, False)
    assert lr(cus.tail_weights) == pytest.approx(got, abs=1e-15)
    assert is_bool(tw.f0_finite, bool(np.isfinite(cat.f0)))
    assert is_bool(tw.df_inf_finite, bool(np.isfinite(cat.df_inf)))


def test_custom_dual(cat_and_custom):
    # u f(1/u) of each listed catalogue f is exactly the catalogue dual's f (MATH.md §2).
    label, cat, cus = cat_and_custom
    dual, catd = cus.dual, cat.dual
    u = np.logspace(-6, 6, 49)
    for m in ("f", "df", "d2f"):
        want = getattr(catd, m)(u)
        # f-dagger(u) = u f(1/u) and its derivatives are sums of terms of size |u f(1/u)|,
        # |f(1/u)|, |f'(1/u)/u| ...: absolute floor at eps times those.
        scale = np.abs(u * cat.f(1 / u)) + np.abs(cat.f(1 / u)) + np.abs(cat.df(1 / u) / u)
        scale += np.abs(cat.d2f(1 / u)) / u**3
        _close(getattr(dual, m)(u), want, 1e-9, 16 * EPS * scale, f"{label}.dual.{m}")
    L, R = lr(fdiv.tail_weights(cat))
    got = lr(fdiv.tail_weights(dual))
    assert abs(got[0] - R) <= TW_TOL and abs(got[1] - L) <= TW_TOL, (label, got)


ONLY_F_CASES = [
    ("kl", lambda: fdiv.kl),
    ("js", lambda: fdiv.js),
    ("alpha(2)", lambda: fdiv.alpha(2.0)),
    ("squared_hellinger", lambda: fdiv.squared_hellinger),
    ("reverse_kl", lambda: fdiv.reverse_kl),
]


@pytest.mark.parametrize(("label", "make"), ONLY_F_CASES, ids=[c[0] for c in ONLY_F_CASES])
def test_custom_only_f_numerical_derivatives(label, make):
    cat = make()
    cus = custom_quiet(cat.f, name=label + "_f_only")
    u = np.unique(np.concatenate([np.logspace(-2, 2, 41), [0.9, 1.1]]))
    # f' vanishes at u = 1 for the standardised generators (js, hellinger, alpha): a finite
    # difference of f has an absolute error ~ eps |f| / h + h^2 |f'''|, so 1e-8 absolute there.
    _close(cus.df(u), cat.df(u), 1e-6, 1e-8, f"{label}.df (numerical)")
    _close(cus.d2f(u), cat.d2f(u), 1e-6, 0.0, f"{label}.d2f (numerical)")
    t = cat.df(u)
    t = t[t <= cat.df_inf - 1e-3]
    x = cat.inv_df(t)
    _close(cus.inv_df(t), x, 1e-7, 0.0, f"{label}.inv_df (numerical)")
    # f* = t x - f(x) near its zero: absolute floor 1e-9 times the size of the two terms
    # (plus 1e-15: f* is O(0.01..100) on this grid, so that is below rounding of O(1) terms)
    floor = 1e-9 * (np.abs(t * x) + np.abs(cat.f(x))) + 1e-15
    _close(cus.conj(t), cat.conj(t), 1e-7, floor, f"{label}.conj (numerical)")


# -------------------------------------------------------------------------------------------
# 4. Rejected input
# -------------------------------------------------------------------------------------------


def test_custom_construction_warns_nothing():
    # pyproject turns warnings into errors: building a custom divergence from plain NumPy
    # lambdas (f only: numerical derivatives probed out to u ~ 1e300, where f may be inf)
    # must not leak floating-point RuntimeWarnings.
    fdiv.Divergence.custom(lambda u: (np.asarray(u, dtype=float) - 1.0) ** 2, name="pear")
    fdiv.Divergence.custom(fdiv.alpha(2.0).f, name="a2")
    fdiv.Divergence.custom(lambda u: 1.0 - np.sqrt(np.asarray(u, dtype=float)), name="ms")
    with pytest.raises(ValueError):
        fdiv.Divergence.custom(lambda u: -((np.asarray(u, dtype=float) - 1.0) ** 2))


_U_EQ = re.compile(r"u\s*=\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")


def _offending_u(exc) -> float:
    m = _U_EQ.search(str(exc.value))
    assert m, f"message does not name the offending point 'u = ...': {exc.value}"
    return float(m.group(1))


def test_nonconvex_parabola_rejected():
    with pytest.raises(ValueError, match=r"u\s*=") as exc:
        custom_quiet(lambda u: -((u - 1.0) ** 2), name="concave")
    u = _offending_u(exc)
    assert u >= 0  # every u > 0 is a non-convex point of -(u-1)^2


def test_nonconvex_sine_rejected_at_a_nonconvex_point():
    with pytest.raises(ValueError, match=r"u\s*=") as exc:
        custom_quiet(lambda u: np.sin(np.asarray(u, dtype=float) - 1.0), name="sine")
    u = _offending_u(exc)
    # f'' = -sin(u - 1) < 0 iff sin(u - 1) > 0: the named point must be (near) such a point
    # (allow the printed point to be rounded / sit at the edge of a bracketing interval).
    near = u + np.linspace(-0.05, 0.05, 11) * max(1.0, abs(u))
    assert np.any(np.sin(near - 1.0) > 0), u


def test_nonconvex_sqrt_rejected():
    # sqrt(u) - 1 is concave (f'' = -u^(-3/2)/4 < 0 everywhere) with f(1) = 0
    with pytest.raises(ValueError, match=r"u\s*="):
        custom_quiet(lambda u: np.sqrt(np.asarray(u, dtype=float)) - 1.0, name="sq")


def test_nonconvex_with_given_d2f_rejected():
    # convex f but a d2f that is negative somewhere: inconsistent / non-convex input
    with pytest.raises(ValueError, match=r"u\s*="):
        custom_quiet(
            lambda u: -((np.asarray(u, dtype=float) - 1.0) ** 2),
            lambda u: -2.0 * (np.asarray(u, dtype=float) - 1.0),
            lambda u: np.full(np.shape(u), -2.0),
            name="concave2",
        )


@pytest.mark.parametrize(
    "f",
    [
        lambda u: (np.asarray(u, dtype=float) - 1.0) ** 2 + 0.1,
        lambda u: np.asarray(u, dtype=float) ** 2,
        lambda u: np.exp(np.asarray(u, dtype=float)),
    ],
    ids=["(u-1)^2+0.1", "u^2", "exp(u)"],
)
def test_f_of_one_nonzero_rejected(f):
    with pytest.raises(ValueError):
        custom_quiet(f, name="shifted")


def test_convex_custom_accepted():
    # the rejection is not indiscriminate: convex f with f(1) = 0 are accepted
    d = custom_quiet(lambda u: (np.asarray(u, dtype=float) - 1.0) ** 2, name="pear")
    assert float(d.d2f(3.0)) == pytest.approx(2.0, rel=1e-6)
    # 1 - sqrt(u) is convex (f'' = u^(-3/2)/4 > 0), f(1) = 0
    d = custom_quiet(lambda u: 1.0 - np.sqrt(np.asarray(u, dtype=float)), name="ms")
    assert float(d.d2f(4.0)) == pytest.approx(0.25 * 4.0**-1.5, rel=1e-6)


# -------------------------------------------------------------------------------------------
# 5. Loss -> divergence map (MATH.md §5.3 end, generator objectives of §6)
# -------------------------------------------------------------------------------------------


def _a(V):
    return np.asarray(V, dtype=np.float64)


# MATH.md §5.3 end, and the objectives of the §6 table with their additive constants dropped
# (h and h + c have the same gradient, hence the same divergence).
LOSSES = [
    ("minimax -softplus(V)", lambda V: -softplus(V), (1.0, 1.0)),
    ("non-saturating softplus(-V)", lambda V: softplus(-V), (2.0, 0.0)),
    ("rkl -V", lambda V: -_a(V), (2.0, 1.0)),
    ("kl -e^V", lambda V: -np.exp(V), (1.0, 2.0)),
    ("-log sigmoid(V)", lambda V: -special.log_expit(V), (2.0, 0.0)),
    ("js -softplus(V)/2", lambda V: -0.5 * softplus(V), (1.0, 1.0)),
    ("pearson -e^2V", lambda V: -np.exp(2 * _a(V)), (0.0, 3.0)),
    ("hellinger -e^(V/2)", lambda V: -np.exp(_a(V) / 2), (1.5, 1.5)),
    ("alpha(0.3) -e^(0.3V)/0.3", lambda V: -np.exp(0.3 * _a(V)) / 0.3, (1.7, 1.3)),
    ("alpha(-0.5) 2e^(-V/2)", lambda V: 2.0 * np.exp(-0.5 * _a(V)), (2.5, 0.5)),
]


@pytest.mark.parametrize(("label", "h", "expected"), LOSSES, ids=[c[0] for c in LOSSES])
def test_loss_tail_weights(label, h, expected):
    got = lr(fdiv.loss_tail_weights(h))
    assert abs(got[0] - expected[0]) <= TW_TOL, (label, got)
    assert abs(got[1] - expected[1]) <= TW_TOL, (label, got)


# The §6 table's objectives verbatim: they tend to a nonzero constant on one side, where h'
# (~ e^{-|V|}) drowns in the rounding of h itself beyond |V| ~ 30, so 1e-9 is out of reach
# from h alone in double; the map must still come out right to a few digits (stopping its
# probes where h' is resolved), not fail or return garbage.
LOSSES_WITH_CONSTANT = [
    ("js", lambda V: -0.5 * (softplus(V) - math.log(2)), (1.0, 1.0)),
    ("pearson", lambda V: -np.expm1(2 * _a(V)), (0.0, 3.0)),
    ("hellinger", lambda V: -np.expm1(_a(V) / 2), (1.5, 1.5)),
    ("alpha(0.3)", lambda V: -np.expm1(0.3 * _a(V)) / 0.3, (1.7, 1.3)),
    ("alpha(-0.5)", lambda V: np.expm1(-0.5 * _a(V)) / 0.5, (2.5, 0.5)),
    ("softened_reverse_kl", lambda V: softplus(-V) + 1 - math.log(2), (2.0, 0.0)),
]


@pytest.mark.parametrize(
    ("label", "h", "expected"), LOSSES_WITH_CONSTANT, ids=[c[0] for c in LOSSES_WITH_CONSTANT]
)
def test_loss_tail_weights_objectives_with_constants(label, h, expected):
    got = lr(fdiv.loss_tail_weights(h))
    assert abs(got[0] - expected[0]) <= 1e-4, (label, got)
    assert abs(got[1] - expected[1]) <= 1e-4, (label, got)


def test_loss_tail_weights_match_catalogue():
    # the non-saturating loss is the SRKL loss, the minimax loss is gan's
    assert lr(fdiv.loss_tail_weights(lambda V: softplus(-V))) == pytest.approx(
        lr(fdiv.tail_weights("softened_reverse_kl")), abs=TW_TOL
    )
    assert lr(fdiv.loss_tail_weights(lambda V: -softplus(V))) == pytest.approx(
        lr(fdiv.tail_weights("gan")), abs=TW_TOL
    )


# -------------------------------------------------------------------------------------------
# 6. compare (MATH.md §5.4)
# -------------------------------------------------------------------------------------------


def test_compare_srkl_rkl():
    c = fdiv.compare("softened_reverse_kl", "reverse_kl")
    # f''_srkl / f''_rkl = 1/(1+u): sup 1 (u -> 0), inf 0 (u -> inf, R 0 < 1)
    assert abs(c.sup - 1.0) <= 1e-9 and abs(c.upper - 1.0) <= 1e-9
    assert c.inf == 0.0 and c.lower == 0.0
    assert c.upper == c.sup and c.lower == c.inf


def test_compare_reverse_direction():
    c = fdiv.compare("reverse_kl", "softened_reverse_kl")
    # 1 + u: unbounded (R 1 > 0), inf 1 at u -> 0
    assert c.sup == math.inf
    assert abs(c.inf - 1.0) <= 1e-9


def test_compare_js_hellinger():
    c = fdiv.compare("js", "squared_hellinger")
    # sqrt(u)/(1+u) <= 1/2 with equality at u = 1; -> 0 at both ends (tails (1,1) < (3/2,3/2))
    assert abs(c.upper - 0.5) <= 1e-9 and abs(c.sup - 0.5) <= 1e-9
    assert c.lower == 0.0 and c.inf == 0.0
    back = fdiv.compare("squared_hellinger", "js")
    assert back.sup == math.inf
    assert abs(back.inf - 2.0) <= 1e-9


def test_compare_kl_js():
    c = fdiv.compare("kl", "js")
    # f''_kl / f''_js = 2(1+u): unbounded at u -> inf (R 2 > 1), infimum 2 at u -> 0 (same L):
    # the lower constant is a genuine bound D_kl >= 2 D_js, not 0.
    assert c.upper == math.inf and c.sup == math.inf
    assert abs(c.lower - 2.0) <= 1e-9


@pytest.mark.parametrize(
    "d",
    ["kl", "js", "softened_reverse_kl", "squared_hellinger", "neyman"],
)
def test_compare_self(d):
    for a, b in ((d, d), (fdiv.get(d), fdiv.get(d)), (d, fdiv.get(d))):
        c = fdiv.compare(a, b)
        assert abs(c.sup - 1.0) <= 1e-12 and abs(c.inf - 1.0) <= 1e-12
        assert abs(c.upper - 1.0) <= 1e-12 and abs(c.lower - 1.0) <= 1e-12


def test_compare_alpha_pair():
    # alpha(a) vs alpha(b): f''-ratio u^(a-b) = u^-1.5 (exceeds DBL_MAX inside r in +-700:
    # must come out inf without a floating-point warning), inf 0
    c = fdiv.compare(fdiv.alpha(0.5), fdiv.alpha(2.0))
    assert c.sup == math.inf and c.inf == 0.0


def test_compare_parametric_and_custom():
    # js_weighted(pi) vs js: pi(1-pi)/(u(pi u + 1 - pi)) / (1/(2u(1+u)))
    #   = 2pi(1-pi)(1+u)/(pi u + 1 - pi),
    # monotone from 2pi(1-pi)/(1-pi) = 2pi (u->0) to 2(1-pi) (u->inf)
    pi = 0.2
    c = fdiv.compare(fdiv.js_weighted(pi), "js")
    assert abs(c.sup - 2 * (1 - pi)) <= 1e-9 and abs(c.inf - 2 * pi) <= 1e-9
    # a custom copy of kl compares to kl as 1, 1
    kl2 = fdiv.Divergence.custom(fdiv.kl.f, fdiv.kl.df, fdiv.kl.d2f, name="kl2")
    c = fdiv.compare(kl2, "kl")
    assert abs(c.sup - 1.0) <= 1e-9 and abs(c.inf - 1.0) <= 1e-9


@pytest.mark.parametrize(
    ("f", "g"),
    [
        ("kl", "js"),
        ("softened_reverse_kl", "reverse_kl"),
        ("js", "squared_hellinger"),
        ("jeffreys", "kl"),
        ("triangular", "js"),
    ],
)
def test_compare_antisymmetry(f, g):
    a, b = fdiv.compare(f, g), fdiv.compare(g, f)
    # sup f''/g'' = 1 / inf g''/f''

    def inv(x):
        return math.inf if x == 0 else 1.0 / x

    assert a.sup == pytest.approx(inv(b.inf), rel=1e-9)
    assert b.sup == pytest.approx(inv(a.inf), rel=1e-9)


def test_compare_unknown_name():
    with pytest.raises(ValueError):
        fdiv.compare("no_such_divergence", "kl")


def _random_pairs(n_draws=200, seed=20240917):
    rng = np.random.default_rng(seed)
    for i in range(n_draws):
        n = int(rng.integers(2, 21))
        if i % 2:
            # Dirichlet with small concentration: extreme ratios p/q (still > 0)
            p = rng.dirichlet(np.full(n, 0.3)) + 1e-12
            q = rng.dirichlet(np.full(n, 0.3)) + 1e-12
        else:
            p = rng.uniform(0.01, 1.0, n)
            q = rng.uniform(0.01, 1.0, n)
        yield p / p.sum(), q / q.sum()


def test_compare_bounds_on_random_distributions():
    c1 = fdiv.compare("softened_reverse_kl", "reverse_kl")
    c2 = fdiv.compare("js", "squared_hellinger")
    c3 = fdiv.compare("kl", "js")
    for p, q in _random_pairs():
        srkl = fdiv.discrete(p, q, "softened_reverse_kl")
        rkl = fdiv.discrete(p, q, "reverse_kl")
        js = fdiv.discrete(p, q, "js")
        h2 = fdiv.discrete(p, q, "squared_hellinger")
        kl = fdiv.discrete(p, q, "kl")
        assert srkl <= 1.0 * rkl + 1e-12, (p, q, srkl, rkl)
        assert js <= 0.5 * h2 + 1e-12, (p, q, js, h2)
        # the same with the constants compare() returns
        assert srkl <= c1.upper * rkl + 1e-12
        assert c1.lower * rkl <= srkl + 1e-12
        assert js <= c2.upper * h2 + 1e-12
        assert c3.lower * js <= kl + 1e-12  # KL >= 2 JS


# -------------------------------------------------------------------------------------------
# 7. Mode-seeking fit and plots
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["reverse_kl", "softened_reverse_kl"])
def test_fit_gaussian_mode_seeking(name):
    mu, sigma = importlib.import_module("fdiv.plot").fit_gaussian(fdiv.get(name))
    assert abs(abs(mu) - 3.0) < 0.5, (name, mu, sigma)
    assert abs(sigma - 1.0) < 0.3, (name, mu, sigma)


def test_fit_gaussian_kl_covers():
    mu, sigma = importlib.import_module("fdiv.plot").fit_gaussian(fdiv.kl)
    # KL(P || N) is minimised by moment matching: mu = 0, sigma^2 = 1 + 9 = 10
    assert abs(mu) < 0.3, (mu, sigma)
    assert sigma > 2.5, (mu, sigma)
    assert sigma == pytest.approx(math.sqrt(10.0), abs=0.1)


def test_plots_return_figures():
    plot = importlib.import_module("fdiv.plot")
    figs = []
    try:
        figs.append(plot.tails(["kl", "reverse_kl", "softened_reverse_kl"]))
        figs.append(plot.mode_seeking(["kl", "reverse_kl"]))
        for fig in figs:
            assert isinstance(fig, Figure)
            assert len(fig.axes) >= 1
    finally:
        for fig in figs:
            if isinstance(fig, Figure):
                plt.close(fig)


# -------------------------------------------------------------------------------------------
# 8. Errors of tail_weights
# -------------------------------------------------------------------------------------------


def test_tail_weights_unknown_name():
    with pytest.raises(ValueError) as exc:
        fdiv.tail_weights("no_such_divergence")
    msg = str(exc.value)
    for known in ("kl", "reverse_kl", "js", "softened_reverse_kl"):
        assert known in msg, msg


@pytest.mark.parametrize("obj", [object(), 3.0, None, ["kl"], np.array([1.0])])
def test_tail_weights_wrong_type(obj):
    with pytest.raises(TypeError):
        fdiv.tail_weights(obj)
