"""Special values: 0, -0.0, subnormals, +-inf, NaN, -1, 1 through every method of every
divergence, the edge conventions of docs/kernels.md, and the table of MATH.md §2.

Expected values are derived by hand from MATH.md §2-3 (limits at 0 and inf, domain
boundaries of f*) and, for finite inputs, from the plain closed forms evaluated in mpmath at
700 digits (enough to resolve u = exp(5e-324) != 1). Rules (docs/kernels.md):

* NaN only for NaN input, u < 0 (p < 0, q < 0), or a parameter out of range.
* u = 0 (and -0.0) -> the limit u -> 0+; u = inf -> the limit u -> inf; r = -+inf likewise.
* a = f'(0+), b = f'(inf): conj(t) = -f(0+) for t <= a, +inf for t > b, at t = b the value of
  the sup; inv_df(t) = 0 for t <= a, +inf for t >= b.
* No floating-point warning for valid input: valid calls run under np.errstate(all="raise").
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

import fdiv

INF = math.inf
NAN = math.nan
LN2 = math.log(2.0)
STRICT = {"all": "raise"}  # valid input raises no floating-point flag
F64_INPUTS = (0.0, -0.0, 5e-324, 1e-310, INF, -INF, NAN, -1.0, 1.0)
F32_INPUTS = tuple(
    float(np.float32(x)) for x in (0.0, -0.0, 1e-45, 1e-40, INF, -INF, NAN, -1.0, 1.0)
)
U_METHODS = ("f", "df", "d2f")
R_METHODS = ("f_logu", "df_logu", "log_d2f_logu")
METHODS = U_METHODS + R_METHODS + ("conj", "inv_df", "activation", "ratio_activation")

mp.mp.dps = 700
M_INF = mp.inf


def _sp(x):  # softplus
    return mp.log1p(mp.exp(x))


def _sig(x):
    return 1 / (1 + mp.exp(-x))


def reference(name: str, params: dict) -> dict:
    """mpmath model of one divergence (MATH.md §3), plain formulas at 700 digits.

    f, df, d2f: u > 0 finite.  inv: (f')^-1 on a < t < b.  act: g_f(v), v finite.
    Limits: f0 = f(0+), finf = f(inf), a, b, d2f0 = f''(0+), d2finf = f''(inf);
    conj_b = f*(b) (the value of the sup, finite or +inf); act_lim = (g_f(-inf), g_f(inf)).
    """
    one = mp.mpf(1)
    ln2 = mp.log(2)
    R = {}
    if name == "kl":
        R.update(
            f=lambda u: u * mp.log(u),
            df=lambda u: 1 + mp.log(u),
            d2f=lambda u: 1 / u,
            inv=lambda t: mp.exp(t - 1),
            act=lambda v: v,
            f0=0,
            finf=M_INF,
            a=-M_INF,
            b=M_INF,
            d2f0=M_INF,
            d2finf=0,
            act_lim=(-M_INF, M_INF),
        )
    elif name == "reverse_kl":
        R.update(
            f=lambda u: -mp.log(u),
            df=lambda u: -1 / u,
            d2f=lambda u: u**-2,
            inv=lambda t: -1 / t,
            act=lambda v: -mp.exp(-v),
            f0=M_INF,
            finf=-M_INF,
            a=-M_INF,
            b=0,
            conj_b=M_INF,
            d2f0=M_INF,
            d2finf=0,
            act_lim=(-M_INF, 0),
        )
    elif name == "pearson":
        R.update(
            f=lambda u: (u - 1) ** 2,
            df=lambda u: 2 * (u - 1),
            d2f=lambda u: mp.mpf(2),
            inv=lambda t: 1 + t / 2,
            act=lambda v: v,
            f0=1,
            finf=M_INF,
            a=-2,
            b=M_INF,
            d2f0=2,
            d2finf=2,
            act_lim=(-M_INF, M_INF),
        )
    elif name == "neyman":
        R.update(
            f=lambda u: (1 - u) ** 2 / u,
            df=lambda u: 1 - u**-2,
            d2f=lambda u: 2 / u**3,
            inv=lambda t: (1 - t) ** (-one / 2),
            act=lambda v: -mp.expm1(-v),
            f0=M_INF,
            finf=M_INF,
            a=-M_INF,
            b=1,
            conj_b=2,
            d2f0=M_INF,
            d2finf=0,
            act_lim=(-M_INF, 1),
        )
    elif name == "squared_hellinger":
        R.update(
            f=lambda u: (mp.sqrt(u) - 1) ** 2,
            df=lambda u: 1 - 1 / mp.sqrt(u),
            d2f=lambda u: u ** (-mp.mpf(3) / 2) / 2,
            inv=lambda t: (1 - t) ** -2,
            act=lambda v: -mp.expm1(-v),
            f0=1,
            finf=M_INF,
            a=-M_INF,
            b=1,
            conj_b=M_INF,
            d2f0=M_INF,
            d2finf=0,
            act_lim=(-M_INF, 1),
        )
    elif name == "jeffreys":

        def w(t):
            return mp.lambertw(mp.exp(1 - t)).real

        R.update(
            f=lambda u: (u - 1) * mp.log(u),
            df=lambda u: mp.log(u) + (u - 1) / u,
            d2f=lambda u: (1 + 1 / u) / u,
            inv=lambda t: 1 / w(t),
            act=lambda v: v,
            f0=M_INF,
            finf=M_INF,
            a=-M_INF,
            b=M_INF,
            d2f0=M_INF,
            d2finf=0,
            act_lim=(-M_INF, M_INF),
        )
    elif name in ("js", "js_weighted"):
        pi = mp.mpf(params.get("pi", 0.5))
        if name == "js":
            pi = mp.mpf(1) / 2

        def m(u):
            return pi * u + 1 - pi

        def inv(t):
            e = mp.exp(t / pi)
            return (1 - pi) * e / (1 - pi * e)

        b = -pi * mp.log(pi)
        R.update(
            f=lambda u: pi * u * mp.log(u) - m(u) * mp.log(m(u)),
            df=lambda u: pi * mp.log(u / m(u)),
            d2f=lambda u: pi * (1 - pi) / (u * m(u)),
            inv=inv,
            act=lambda v: b - _sp(-v),
            f0=-(1 - pi) * mp.log(1 - pi),
            finf=M_INF,
            a=-M_INF,
            b=b,
            conj_b=M_INF,
            d2f0=M_INF,
            d2finf=0,
            act_lim=(-M_INF, b),
        )
        if name == "js":  # the f-GAN activation of 2 JS, halved (MATH.md §3.7)
            R["act"] = lambda v: (ln2 - _sp(-v)) / 2
    elif name == "gan":
        R.update(
            f=lambda u: u * mp.log(u) - (1 + u) * mp.log(1 + u),
            df=lambda u: mp.log(u / (1 + u)),
            d2f=lambda u: 1 / (u * (1 + u)),
            inv=lambda t: mp.exp(t) / (1 - mp.exp(t)),
            act=lambda v: -_sp(-v),
            f0=0,
            finf=-M_INF,
            a=-M_INF,
            b=0,
            conj_b=M_INF,
            d2f0=M_INF,
            d2finf=0,
            act_lim=(-M_INF, 0),
        )
    elif name == "total_variation":
        R.update(
            f=lambda u: abs(u - 1) / 2,
            df=lambda u: mp.sign(u - 1) / 2,
            d2f=lambda u: M_INF if u == 1 else mp.mpf(0),
            inv=lambda t: mp.mpf(1),
            act=lambda v: mp.tanh(v) / 2,
            f0=one / 2,
            finf=M_INF,
            a=-one / 2,
            b=one / 2,
            conj_b=one / 2,
            d2f0=0,
            d2finf=0,
            act_lim=(-one / 2, one / 2),
        )
    elif name in ("triangular", "le_cam"):
        c = one if name == "triangular" else one / 2
        R.update(
            f=lambda u: c * (u - 1) ** 2 / (u + 1),
            df=lambda u: c * (1 - 4 / (u + 1) ** 2),
            d2f=lambda u: c * 8 / (u + 1) ** 3,
            inv=lambda t: 2 / mp.sqrt(1 - t / c) - 1,
            act=lambda v: c * mp.tanh(v / 2) * (1 + 2 * _sig(-v)),
            f0=c,
            finf=M_INF,
            a=-3 * c,
            b=c,
            conj_b=3 * c,
            d2f0=8 * c,
            d2finf=0,
            act_lim=(-3 * c, c),
        )
    elif name == "alpha":
        al = mp.mpf(params["alpha"])
        R.update(
            f=lambda u: (u**al - 1 - al * (u - 1)) / (al * (al - 1)),
            df=lambda u: (u ** (al - 1) - 1) / (al - 1),
            d2f=lambda u: u ** (al - 2),
            inv=lambda t: (1 + (al - 1) * t) ** (1 / (al - 1)),
            f0=1 / al if al > 0 else M_INF,
            finf=M_INF,
            a=-1 / (al - 1) if al > 1 else -M_INF,
            b=M_INF if al > 1 else 1 / (1 - al),
            conj_b=-1 / al if al < 0 else M_INF,
            d2f0=M_INF if al < 2 else (1 if al == 2 else 0),
            d2finf=0 if al < 2 else (1 if al == 2 else M_INF),
        )
        if al < 1:
            R.update(act=lambda v: 1 / (1 - al) - _sp(-v), act_lim=(-M_INF, 1 / (1 - al)))
        else:
            R.update(act=lambda v: v, act_lim=(-M_INF, M_INF))
    elif name == "softened_reverse_kl":

        def s(t):
            return -mp.lambertw(-2 * mp.exp(t - 1), -1).real - 1

        R.update(
            f=lambda u: (1 + u) * mp.log((1 + u) / (2 * u)),
            df=lambda u: mp.log((1 + u) / (2 * u)) - 1 / u,
            d2f=lambda u: 1 / (u**2 * (1 + u)),
            inv=lambda t: 1 / s(t),
            f0=M_INF,
            finf=-M_INF,
            a=-M_INF,
            b=-ln2,
            conj_b=ln2 - 1,
            d2f0=M_INF,
            d2finf=0,
        )
    elif name == "softened_kl":
        R.update(
            f=lambda u: (1 + u) * mp.log((1 + u) / 2),
            df=lambda u: 1 + mp.log((1 + u) / 2),
            d2f=lambda u: 1 / (1 + u),
            inv=lambda t: 2 * mp.exp(t - 1) - 1,
            f0=-ln2,
            finf=M_INF,
            a=1 - ln2,
            b=M_INF,
            d2f0=1,
            d2finf=0,
        )
    else:  # pragma: no cover
        raise KeyError(name)
    if "act" not in R:  # no f-GAN entry: the ratio activation f'(e^v) is used
        R["act"] = lambda v: R["df"](mp.exp(v))
        R["act_lim"] = (R["a"], R["b"])
    return {k: (mp.mpf(v) if isinstance(v, (int, float)) else v) for k, v in R.items()}


def _log(x):
    if x == 0:
        return -M_INF
    if x == M_INF:
        return M_INF
    return mp.log(x)


def expected_value(R: dict, method: str, x: float):
    """The exact value (mpf, +-inf or NaN) of ``method`` at the double ``x``."""
    if math.isnan(x):
        return mp.nan
    X = mp.mpf(x)
    if method in U_METHODS:
        if x < 0:
            return mp.nan
        if x == 0:
            return R[{"f": "f0", "df": "a", "d2f": "d2f0"}[method]]
        if x == INF:
            return R[{"f": "finf", "df": "b", "d2f": "d2finf"}[method]]
        return R[method](X)
    if method in R_METHODS or method == "ratio_activation":
        base = {"f_logu": "f", "df_logu": "df", "log_d2f_logu": "d2f", "ratio_activation": "df"}[
            method
        ]
        val = expected_value(R, base, 0.0 if x == -INF else mp.exp(X) if x != INF else INF)
        return _log(val) if method == "log_d2f_logu" else val
    if method == "conj":
        if x == INF:
            return M_INF
        if X <= R["a"]:
            return -R["f0"]
        if X > R["b"]:
            return M_INF
        if X == R["b"]:
            return R["conj_b"]
        u = R["inv"](X)
        return X * u - R["f"](u)
    if method == "inv_df":
        if X <= R["a"]:
            return mp.mpf(0)
        if X >= R["b"]:
            return M_INF
        return R["inv"](X)
    if method == "activation":
        if x == -INF:
            return R["act_lim"][0]
        if x == INF:
            return R["act_lim"][1]
        return R["act"](X)
    raise KeyError(method)


def to_dtype(value, dtype):
    if mp.isnan(value):
        return dtype(NAN)
    with np.errstate(over="ignore"):  # values beyond the float32 range round to inf
        return dtype(float(value))


def check(got, expected, dtype, rtol=None, tiny_ulps=4):
    """got (array of dtype) vs expected (array of the correctly rounded dtype values)."""
    info = np.finfo(dtype)
    if rtol is None:
        rtol = 1e-13 if dtype == np.float64 else 4 * float(info.eps)
    atol = tiny_ulps * float(info.smallest_subnormal)
    got = np.asarray(got)
    bad = []
    for i, (g, e) in enumerate(zip(got.tolist(), np.asarray(expected).tolist())):
        if math.isnan(e) or math.isnan(g) or math.isinf(e) or math.isinf(g):
            ok = (math.isnan(e) and math.isnan(g)) or g == e
        else:
            ok = abs(g - e) <= rtol * abs(e) + atol
        if not ok:
            bad.append((i, g, e))
    return bad


def _spec(d):
    return d.name, dict(d.params)


def _ids(values):
    return [repr(v) for v in values]


# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
def test_special_inputs(div, method, dtype):
    """Every method at 0, -0.0, smallest subnormal, a subnormal, +-inf, NaN, -1, 1:
    array call and scalar calls agree with the derived values (1e-13 relative in double,
    4 ulp in float32, a few subnormal ulps absolute)."""
    R = reference(*_spec(div))
    inputs = F64_INPUTS if dtype == np.float64 else F32_INPUTS
    expected = np.array(
        [to_dtype(expected_value(R, method, x), dtype) for x in inputs], dtype=dtype
    )
    x = np.array(inputs, dtype=dtype)
    invalid = np.isnan(expected)
    # NaN only for NaN input or u < 0:
    must_be_nan = np.isnan(x) | ((x < 0) & (method in U_METHODS))
    np.testing.assert_array_equal(invalid, must_be_nan)
    fn = getattr(div, method)
    with np.errstate(**STRICT):
        got = fn(x[~invalid])
        scalars = [fn(xi) for xi in x[~invalid]]
    with np.errstate(all="ignore"):  # invalid inputs may raise the invalid flag
        got_invalid = fn(x[invalid])
    assert got.dtype == dtype
    bad = check(got, expected[~invalid], dtype)
    assert not bad, [(x[~invalid][i], g, e) for i, g, e in bad]
    bad = check(np.array(scalars, dtype=dtype), expected[~invalid], dtype)
    assert not bad, [("scalar", x[~invalid][i], g, e) for i, g, e in bad]
    assert np.all(np.isnan(got_invalid)), (x[invalid], got_invalid)


PERSPECTIVE_INPUTS = (
    (0.0, 0.0),
    (-0.0, 0.0),
    (1.0, 0.0),
    (0.0, 1.0),
    (2.0, 1.0),
    (1.0, 2.0),
    (3.0, 3.0),
    (5e-324, 1.0),
    (1.0, 5e-324),
    (1e-300, 1e300),
    (1e300, 1e-300),
    (-1.0, 1.0),
    (1.0, -1.0),
    (-1.0, 0.0),
    (0.0, -1.0),
    (NAN, 1.0),
    (1.0, NAN),
    (NAN, 0.0),
)


def expected_perspective(R, p, q):
    if math.isnan(p) or math.isnan(q) or p < 0 or q < 0:
        return mp.nan
    if p == 0 and q == 0:
        return mp.mpf(0)  # 0 f(0/0) = 0
    if q == 0:
        return mp.mpf(p) * R["b"] if R["b"] != 0 else mp.mpf(0)  # p f'(inf)
    if p == 0:
        return mp.mpf(q) * R["f0"]  # q f(0+)
    P, Q = mp.mpf(p), mp.mpf(q)
    return Q * R["f"](P / Q)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
def test_perspective_special(div, dtype):
    """q f(p/q) with 0 f(0/0) = 0, q = 0 < p: p f'(inf), p = 0 < q: q f(0+); the exact value
    also where p/q itself overflows or underflows (e.g. p = 1, q = 5e-324)."""
    R = reference(*_spec(div))
    # float32: the same pattern at float32 magnitudes (1e-45, 1e+-30)
    f32 = {5e-324: 1e-45, 1e300: 1e30, 1e-300: 1e-30}
    pairs = [
        (
            float(dtype(f32.get(p, p) if dtype == np.float32 else p)),
            float(dtype(f32.get(q, q) if dtype == np.float32 else q)),
        )
        for p, q in PERSPECTIVE_INPUTS
    ]
    expected = np.array(
        [to_dtype(expected_perspective(R, p, q), dtype) for p, q in pairs], dtype=dtype
    )
    p = np.array([a for a, _ in pairs], dtype=dtype)
    q = np.array([b for _, b in pairs], dtype=dtype)
    invalid = np.isnan(expected)
    np.testing.assert_array_equal(invalid, np.isnan(p) | np.isnan(q) | (p < 0) | (q < 0))
    with np.errstate(**STRICT):
        got = div.perspective(p[~invalid], q[~invalid])
    with np.errstate(all="ignore"):
        got_invalid = div.perspective(p[invalid], q[invalid])
    bad = check(got, expected[~invalid], dtype)
    assert not bad, [(p[~invalid][i], q[~invalid][i], g, e) for i, g, e in bad]
    assert np.all(np.isnan(got_invalid))


# Hand-derived values at and next to the domain boundaries (MATH.md §3).
NEXT_UP_1 = math.nextafter(1.0, 2.0)
HAND = [
    ("kl", {}, "f", 0.0, 0.0),
    ("kl", {}, "df", 0.0, -INF),
    ("kl", {}, "f", INF, INF),
    ("kl", {}, "conj", -INF, 0.0),
    ("kl", {}, "conj", 0.0, math.exp(-1.0)),  # -min u log u = 1/e
    ("kl", {}, "inv_df", -INF, 0.0),
    ("kl", {}, "log_d2f_logu", -INF, INF),
    ("reverse_kl", {}, "f", 0.0, INF),
    ("reverse_kl", {}, "f", INF, -INF),
    ("reverse_kl", {}, "conj", 0.0, INF),  # t = b = 0 excluded: sup log u = inf
    ("reverse_kl", {}, "conj", -1.0, -1.0),
    ("reverse_kl", {}, "inv_df", 0.0, INF),
    ("reverse_kl", {}, "activation", INF, 0.0),
    ("pearson", {}, "conj", -3.0, -1.0),  # t <= a = -2: -f(0+)
    ("pearson", {}, "conj", -2.0, -1.0),
    ("pearson", {}, "conj", 2.0, 3.0),
    ("pearson", {}, "inv_df", -3.0, 0.0),
    ("pearson", {}, "d2f", 0.0, 2.0),
    ("pearson", {}, "log_d2f_logu", INF, LN2),
    ("neyman", {}, "conj", 1.0, 2.0),  # t = b included: sup (2u - 1)/u = 2
    ("neyman", {}, "conj", NEXT_UP_1, INF),
    ("neyman", {}, "conj", -3.0, -2.0),  # 2 - 2 sqrt(4)
    ("neyman", {}, "inv_df", 1.0, INF),
    ("neyman", {}, "inv_df", -3.0, 0.5),
    ("squared_hellinger", {}, "conj", 1.0, INF),  # t = b excluded: sup 2 sqrt(u) - 1 = inf
    ("squared_hellinger", {}, "conj", 0.5, 1.0),
    ("squared_hellinger", {}, "conj", -INF, -1.0),
    ("squared_hellinger", {}, "inv_df", 0.5, 4.0),
    ("jeffreys", {}, "conj", 1.0, 1 / 0.5671432904097838 - 1 + 0.5671432904097838),  # W(1) = Omega
    ("js", {}, "conj", -INF, -LN2 / 2),
    ("js", {}, "f", 0.0, LN2 / 2),
    ("js", {}, "df", INF, LN2 / 2),
    ("js", {}, "conj", 0.5 * LN2 + 1e-9, INF),
    ("gan", {}, "f", 1.0, -math.log(4.0)),
    ("gan", {}, "f", 0.0, 0.0),
    ("gan", {}, "f", INF, -INF),
    ("gan", {}, "conj", 0.0, INF),
    ("gan", {}, "conj", -INF, 0.0),
    ("gan", {}, "conj", -LN2, LN2),  # -log(1 - 1/2)
    ("gan", {}, "inv_df", -LN2, 1.0),
    ("gan", {}, "activation", INF, 0.0),
    ("total_variation", {}, "f", 0.0, 0.5),
    ("total_variation", {}, "df", 1.0, 0.0),
    ("total_variation", {}, "df", 0.0, -0.5),
    ("total_variation", {}, "df", 2.0, 0.5),
    ("total_variation", {}, "d2f", 1.0, INF),
    ("total_variation", {}, "d2f", 2.0, 0.0),
    ("total_variation", {}, "d2f", 0.0, 0.0),
    ("total_variation", {}, "df_logu", 0.0, 0.0),
    ("total_variation", {}, "df_logu", -0.0, 0.0),
    ("total_variation", {}, "log_d2f_logu", 0.0, INF),
    ("total_variation", {}, "log_d2f_logu", -0.0, INF),
    ("total_variation", {}, "log_d2f_logu", 5e-324, -INF),
    ("total_variation", {}, "log_d2f_logu", -1.0, -INF),
    ("total_variation", {}, "conj", 0.5, 0.5),
    ("total_variation", {}, "conj", math.nextafter(0.5, 1.0), INF),
    ("total_variation", {}, "conj", 0.25, 0.25),
    ("total_variation", {}, "conj", -0.5, -0.5),
    ("total_variation", {}, "conj", -7.0, -0.5),
    ("total_variation", {}, "inv_df", -0.5, 0.0),
    ("total_variation", {}, "inv_df", -0.25, 1.0),
    ("total_variation", {}, "inv_df", 0.25, 1.0),
    ("total_variation", {}, "inv_df", 0.5, INF),
    ("total_variation", {}, "activation", INF, 0.5),
    ("total_variation", {}, "activation", -INF, -0.5),
    ("triangular", {}, "conj", 1.0, 3.0),  # sup (3u - 1)/(u + 1) = 3
    ("triangular", {}, "conj", NEXT_UP_1, INF),
    ("triangular", {}, "conj", -3.0, -1.0),
    ("triangular", {}, "conj", -4.0, -1.0),
    ("triangular", {}, "conj", 0.0, 0.0),
    ("triangular", {}, "inv_df", -3.0, 0.0),
    ("triangular", {}, "inv_df", 0.0, 1.0),
    ("triangular", {}, "inv_df", 0.75, 3.0),  # 2/sqrt(1/4) - 1
    ("triangular", {}, "d2f", 0.0, 8.0),
    ("triangular", {}, "activation", -INF, -3.0),
    ("triangular", {}, "activation", INF, 1.0),
    ("le_cam", {}, "conj", 0.5, 1.5),
    ("le_cam", {}, "conj", -1.5, -0.5),
    ("le_cam", {}, "conj", -2.0, -0.5),
    ("le_cam", {}, "inv_df", 0.375, 3.0),
    ("le_cam", {}, "f", 0.0, 0.5),
    ("le_cam", {}, "df", INF, 0.5),
    ("alpha", {"alpha": 2.0}, "conj", -5.0, -0.5),  # t <= a = -1: -1/alpha
    ("alpha", {"alpha": 2.0}, "conj", -1.0, -0.5),
    ("alpha", {"alpha": 2.0}, "conj", 1.0, 1.5),  # ((1 + t)^2 - 1)/2
    ("alpha", {"alpha": 2.0}, "inv_df", -5.0, 0.0),
    ("alpha", {"alpha": 2.0}, "f", 0.0, 0.5),
    ("alpha", {"alpha": 2.0}, "log_d2f_logu", -INF, 0.0),  # f'' = 1
    ("alpha", {"alpha": 2.0}, "log_d2f_logu", INF, 0.0),
    ("alpha", {"alpha": 2.0}, "d2f", 0.0, 1.0),
    ("alpha", {"alpha": -1.0}, "conj", 0.5, 1.0),  # t = b = 1/2 included: -1/alpha
    ("alpha", {"alpha": -1.0}, "conj", math.nextafter(0.5, 1.0), INF),
    ("alpha", {"alpha": -1.0}, "conj", -INF, -INF),
    ("alpha", {"alpha": -1.0}, "conj", -1.5, -1.0),  # ((1 - 2t)^(1/2) - 1)/(-1) = -1
    ("alpha", {"alpha": -1.0}, "inv_df", 0.5, INF),
    ("alpha", {"alpha": -1.0}, "f", 0.0, INF),
    ("alpha", {"alpha": 0.5}, "conj", 2.0, INF),  # t = b excluded
    ("alpha", {"alpha": 0.5}, "conj", 1.0, 2.0),
    ("alpha", {"alpha": 0.5}, "conj", -INF, -2.0),
    ("alpha", {"alpha": 0.5}, "inv_df", 1.0, 4.0),
    ("alpha", {"alpha": 0.5}, "f", 0.0, 2.0),
    ("alpha", {"alpha": 0.5}, "df", INF, 2.0),
    ("alpha", {"alpha": 3.0}, "d2f", 0.0, 0.0),
    ("alpha", {"alpha": 3.0}, "d2f", INF, INF),
    ("alpha", {"alpha": 3.0}, "log_d2f_logu", -INF, -INF),
    ("alpha", {"alpha": 3.0}, "log_d2f_logu", INF, INF),
    ("alpha", {"alpha": 3.0}, "conj", -0.5, -1 / 3),
    ("softened_reverse_kl", {}, "f", 0.0, INF),
    ("softened_reverse_kl", {}, "f", INF, -INF),
    ("softened_reverse_kl", {}, "df", INF, -LN2),
    ("softened_reverse_kl", {}, "conj", -LN2, INF),  # fl(log 2) < log 2: -fl(log 2) > b
    ("softened_reverse_kl", {}, "conj", 0.0, INF),
    ("softened_reverse_kl", {}, "conj", -INF, -INF),
    ("softened_reverse_kl", {}, "inv_df", -LN2, INF),
    ("softened_kl", {}, "f", 0.0, -LN2),
    ("softened_kl", {}, "df", 0.0, 1 - LN2),
    ("softened_kl", {}, "conj", 0.0, LN2),  # t <= a = 1 - log 2: -f(0+)
    ("softened_kl", {}, "conj", 1.0, 1.0),  # 2 e^0 - 1
    ("softened_kl", {}, "inv_df", 0.0, 0.0),
    ("softened_kl", {}, "inv_df", 1.0, 1.0),
    ("softened_kl", {}, "log_d2f_logu", -INF, 0.0),
    ("js_weighted", {"pi": 0.25}, "f", 0.0, -0.75 * math.log(0.75)),
    ("js_weighted", {"pi": 0.25}, "df", INF, -0.25 * math.log(0.25)),
    ("js_weighted", {"pi": 0.25}, "conj", -INF, 0.75 * math.log(0.75)),
    ("js_weighted", {"pi": 0.25}, "conj", 0.5, INF),  # b = 0.3466 < 0.5
]


@pytest.mark.parametrize(
    "name,params,method,x,expected",
    HAND,
    ids=[f"{n}{tuple(p.values()) or ''}-{m}({x!r})" for n, p, m, x, _ in HAND],
)
def test_hand_derived_values(name, params, method, x, expected):
    d = fdiv.get(name, **params)
    with np.errstate(**STRICT):
        got = getattr(d, method)(x)
        got32 = getattr(d, method)(np.float32(x)) if float(np.float32(x)) == x else None
    if math.isinf(expected):
        assert got == expected
    else:
        assert got == pytest.approx(expected, rel=1e-14, abs=1e-300)
    # The generic model used by test_special_inputs agrees with the hand value.
    model = float(expected_value(reference(name, params), method, x))
    assert model == pytest.approx(expected, rel=1e-14, abs=1e-300) or model == expected
    if got32 is not None:
        assert got32.dtype == np.float32
        if math.isinf(expected):
            assert got32 == expected
        else:
            assert got32 == pytest.approx(expected, rel=4e-7, abs=1e-44)


# MATH.md §2: f(0+), f'(inf), f'(1), f''(1), tail weights, dual, symmetry, D for P ⊥ Q.
H = lambda p: -p * math.log(p) - (1 - p) * math.log(1 - p)  # noqa: E731
TABLE = {
    # id: (f(0+), f'(inf), f'(1), f''(1), (L, R), dual id, symmetric, f(inf))
    "kl": (0.0, INF, 1.0, 1.0, (1, 2), "reverse_kl", False, INF),
    "reverse_kl": (INF, 0.0, -1.0, 1.0, (2, 1), "kl", False, -INF),
    "pearson": (1.0, INF, 0.0, 2.0, (0, 3), "neyman", False, INF),
    "neyman": (INF, 1.0, 0.0, 2.0, (3, 0), "pearson", False, INF),
    "squared_hellinger": (1.0, 1.0, 0.0, 0.5, (1.5, 1.5), "squared_hellinger", True, INF),
    "jeffreys": (INF, INF, 0.0, 2.0, (2, 2), "jeffreys", True, INF),
    "js": (LN2 / 2, LN2 / 2, 0.0, 0.25, (1, 1), "js", True, INF),
    "gan": (0.0, 0.0, -LN2, 0.5, (1, 1), "gan", True, -INF),
    "total_variation": (0.5, 0.5, 0.0, INF, (-INF, -INF), "total_variation", True, INF),
    "triangular": (1.0, 1.0, 0.0, 1.0, (0, 0), "triangular", True, INF),
    "le_cam": (0.5, 0.5, 0.0, 0.5, (0, 0), "le_cam", True, INF),
    "softened_reverse_kl": (INF, -LN2, -1.0, 0.5, (2, 0), "softened_kl", False, -INF),
    "softened_kl": (-LN2, INF, 1.0, 0.5, (0, 2), "softened_reverse_kl", False, INF),
}


def table_row(name, params):
    if name == "alpha":
        a = params["alpha"]
        return (
            1 / a if a > 0 else INF,
            1 / (1 - a) if a < 1 else INF,
            0.0,
            1.0,
            (2 - a, 1 + a),
            ("alpha", 1 - a),
            a == 0.5,
            INF,
        )
    if name == "js_weighted":
        p = params["pi"]
        return (
            -(1 - p) * math.log(1 - p),
            -p * math.log(p),
            0.0,
            p * (1 - p),
            (1, 1),
            ("js_weighted", 1 - p),
            p == 0.5,
            INF,
        )
    return TABLE[name]


def _eq(got, expected, rel=1e-15):
    got = float(got)
    if math.isinf(expected) or expected == 0:
        return got == expected
    return got == pytest.approx(expected, rel=rel)


def test_catalogue_table(div):
    name, params = _spec(div)
    f0, b, d1, d2, (L, R), dual, sym, finf = table_row(name, params)
    with np.errstate(**STRICT):
        values = {
            "f0": div.f0,
            "f(0)": div.f(0.0),
            "f(-0.0)": div.f(-0.0),
            "f_logu(-inf)": div.f_logu(-INF),
            "perspective(0, 1)": div.perspective(0.0, 1.0),
            "df_inf": div.df_inf,
            "df(inf)": div.df(INF),
            "df_logu(inf)": div.df_logu(INF),
            "perspective(1, 0)": div.perspective(1.0, 0.0),
            "f(inf)": div.f(INF),
            "f_logu(inf)": div.f_logu(INF),
            "df(1)": div.df(1.0),
            "df_logu(0)": div.df_logu(0.0),
            "d2f(1)": div.d2f(1.0),
            "exp(log_d2f_logu(0))": np.exp(div.log_d2f_logu(0.0)),
        }
    expected = {
        "f0": f0,
        "f(0)": f0,
        "f(-0.0)": f0,
        "f_logu(-inf)": f0,
        "perspective(0, 1)": f0,
        "df_inf": b,
        "df(inf)": b,
        "df_logu(inf)": b,
        "perspective(1, 0)": b,
        "f(inf)": finf,
        "f_logu(inf)": finf,
        "df(1)": d1,
        "df_logu(0)": d1,
        "d2f(1)": d2,
        "exp(log_d2f_logu(0))": d2,
    }
    wrong = {
        k: (float(values[k]), expected[k])
        for k in values
        if not _eq(values[k], expected[k], 4e-16 if k != "exp(log_d2f_logu(0))" else 1e-15)
    }
    assert not wrong, wrong
    assert tuple(div.tail_weights) == pytest.approx((L, R), rel=1e-15) or tuple(
        div.tail_weights
    ) == (L, R)
    assert div.symmetric is sym or div.symmetric == sym
    if isinstance(dual, tuple):
        key = "alpha" if dual[0] == "alpha" else "pi"
        assert div.dual.name == dual[0]
        assert float(div.dual.params[key]) == pytest.approx(dual[1], rel=1e-15, abs=1e-16)
    else:
        assert div.dual.name == dual and dict(div.dual.params) == {}
    assert dict(div.params) == params
    # D_f for P, Q with disjoint supports = f(0+) + f'(inf)
    with np.errstate(**STRICT):
        disjoint = fdiv.discrete(np.array([1.0, 0.0]), np.array([0.0, 1.0]), div)
    assert _eq(disjoint, f0 + b, 1e-15), (float(disjoint), f0 + b)
    dom = div.conj_domain
    assert dom.lo == -INF
    assert _eq(dom.hi, b, 4e-16)
    assert dom.hi_included in (True, False)


HI_INCLUDED = {
    "reverse_kl": False,
    "neyman": True,
    "squared_hellinger": False,
    "js": False,
    "gan": False,
    "total_variation": True,
    "triangular": True,
    "le_cam": True,
    "softened_reverse_kl": True,  # f*(-log 2) = log 2 - 1
    "js_weighted": False,
}


def test_conj_domain_endpoint(div):
    """hi_included for a finite b = f'(inf): whether sup_u (u b - f(u)) is finite."""
    name, params = _spec(div)
    b = float(div.df_inf)
    if name == "alpha":
        expected = params["alpha"] < 0 if b < INF else None
    else:
        expected = HI_INCLUDED.get(name)
    if expected is None:
        assert b == INF and div.conj_domain.hi == INF
        return
    assert bool(div.conj_domain.hi_included) is expected
    R = reference(name, params)
    assert mp.isfinite(R["conj_b"]) is expected  # the mpmath model agrees


BAD_PARAMS = {"alpha": (0.0, 1.0, NAN, INF, -INF), "js_weighted": (0.0, 1.0, -0.5, 1.5, NAN, INF)}
RAW = ("f", "df", "d2f", "f_logu", "df_logu", "log_d2f_logu", "conj", "inv_df", "activation")


@pytest.mark.parametrize(
    "family,bad", [(f, b) for f, bs in BAD_PARAMS.items() for b in bs], ids=repr
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
def test_out_of_range_parameter_gives_nan(family, bad, dtype):
    """The raw ufuncs return NaN for a parameter outside the family's range."""
    x = np.array([0.0, 0.5, 1.0, 2.0, INF, -1.0], dtype=dtype)
    with np.errstate(all="ignore"):
        for m in RAW:
            res = getattr(fdiv.ufuncs, f"{family}_{m}")(x, dtype(bad))
            assert res.dtype == dtype
            assert np.all(np.isnan(res)), (m, res)
        res = getattr(fdiv.ufuncs, f"{family}_perspective")(x, x[::-1], dtype(bad))
        assert np.all(np.isnan(res))


@pytest.mark.parametrize("family,good", [("alpha", (-1.5, 0.5, 2.0)), ("js_weighted", (0.2, 0.5))])
def test_raw_ufunc_matches_method(family, good):
    """fdiv.ufuncs.<id>_<method>(x, param) is what Divergence.<method> computes."""
    x = np.array([0.0, 1e-300, 0.5, 1.0, 2.0, 1e300, INF, -3.0])
    key = "alpha" if family == "alpha" else "pi"
    for g in good:
        d = fdiv.get(family, **{key: g})
        with np.errstate(all="ignore"):
            for m in RAW:
                np.testing.assert_array_equal(
                    getattr(fdiv.ufuncs, f"{family}_{m}")(x, g), getattr(d, m)(x)
                )
