"""Public API: names, constructors, equality, errors and their messages, dtype casting,
ufunc keywords (out=, where=), broadcasting of parameters, and fdiv.discrete."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from conftest import METHOD_ARG

import fdiv

STRICT = {"all": "raise"}  # valid input raises no floating-point flag
NAMES = [
    "kl",
    "reverse_kl",
    "pearson",
    "neyman",
    "squared_hellinger",
    "jeffreys",
    "js",
    "js_weighted",
    "gan",
    "total_variation",
    "triangular",
    "le_cam",
    "alpha",
    "softened_reverse_kl",
    "softened_kl",
]
FIXED = [n for n in NAMES if n not in ("alpha", "js_weighted")]
UFUNC_METHODS = (
    "f",
    "df",
    "d2f",
    "f_logu",
    "df_logu",
    "log_d2f_logu",
    "conj",
    "inv_df",
    "activation",
    "perspective",
)
ARGNAME = METHOD_ARG
SAMPLE = [fdiv.kl, fdiv.gan, fdiv.total_variation, fdiv.alpha(0.3), fdiv.js_weighted(0.2)]
SAMPLE_IDS = ["kl", "gan", "total_variation", "alpha(0.3)", "js_weighted(0.2)"]


# ----------------------------------------------------------------------------------------
# Catalogue, constructors, identity


def test_names():
    got = fdiv.names()
    assert isinstance(got, list)
    assert sorted(got) == sorted(NAMES)
    assert len(got) == len(set(got)) == 15


@pytest.mark.parametrize("name", FIXED)
def test_fixed_entries(name):
    d = fdiv.get(name)
    assert isinstance(d, fdiv.Divergence)
    assert d.name == name
    assert d.params == {}
    assert getattr(fdiv, name) == d
    assert hash(getattr(fdiv, name)) == hash(d)
    assert isinstance(repr(d), str) and name in repr(d)


def test_parametric_constructors():
    a = fdiv.alpha(0.5)
    assert a == fdiv.get("alpha", alpha=0.5)
    assert hash(a) == hash(fdiv.get("alpha", alpha=0.5))
    assert a.name == "alpha" and a.params == {"alpha": 0.5}
    assert fdiv.alpha(2.0) != a
    assert a != fdiv.squared_hellinger  # same D up to a factor 2, different divergence
    assert a != "alpha"
    w = fdiv.js_weighted(0.3)
    assert w == fdiv.get("js_weighted", pi=0.3)
    assert w.params == {"pi": 0.3}
    assert w != fdiv.js_weighted(0.7)
    assert len({a, fdiv.get("alpha", alpha=0.5), w, fdiv.kl, fdiv.kl}) == 3


@pytest.mark.parametrize(
    "d,dual",
    [
        (fdiv.kl, fdiv.reverse_kl),
        (fdiv.pearson, fdiv.neyman),
        (fdiv.softened_reverse_kl, fdiv.softened_kl),
        (fdiv.js, fdiv.js),
        (fdiv.gan, fdiv.gan),
        (fdiv.alpha(2.0), fdiv.alpha(-1.0)),
        (fdiv.alpha(0.25), fdiv.alpha(0.75)),
        (fdiv.alpha(0.5), fdiv.alpha(0.5)),
        (fdiv.js_weighted(0.25), fdiv.js_weighted(0.75)),
    ],
    ids=lambda x: repr(x),
)
def test_dual_pairs(d, dual):
    assert d.dual == dual
    assert dual.dual == d
    assert d.dual.dual == d


# ----------------------------------------------------------------------------------------
# Errors


BAD_VALUES = [
    pytest.param(np.array([1.0 + 1.0j]), id="complex-array"),
    pytest.param(1j, id="complex-scalar"),
    pytest.param(np.array([1.0], dtype=object), id="object"),
    pytest.param(np.array(["a"]), id="str-array"),
    pytest.param("abc", id="str"),
]


@pytest.mark.parametrize("bad", BAD_VALUES)
@pytest.mark.parametrize("method", list(ARGNAME))
def test_non_real_input_raises_typeerror_naming_the_argument(method, bad):
    for d in (fdiv.kl, fdiv.alpha(0.5)):
        with pytest.raises(TypeError, match=rf"\b{ARGNAME[method]}\b"):
            getattr(d, method)(bad)


@pytest.mark.parametrize("bad", BAD_VALUES)
def test_perspective_non_real_raises(bad):
    with pytest.raises(TypeError, match=r"\bp\b"):
        fdiv.kl.perspective(bad, 1.0)
    with pytest.raises(TypeError, match=r"\bq\b"):
        fdiv.kl.perspective(1.0, bad)


@pytest.mark.parametrize("bad", BAD_VALUES)
def test_discrete_non_real_raises(bad):
    with pytest.raises(TypeError, match=r"\bp\b"):
        fdiv.discrete(bad, np.array([1.0]), "kl")
    with pytest.raises(TypeError, match=r"\bq\b"):
        fdiv.discrete(np.array([1.0]), bad, "kl")


@pytest.mark.parametrize("bad", ["nope", "KL", "alpha_", ""])
def test_unknown_name_lists_known_names(bad):
    with pytest.raises(ValueError) as info:
        fdiv.get(bad)
    for name in NAMES:
        assert re.search(rf"\b{name}\b", str(info.value)), (name, str(info.value))
    with pytest.raises(ValueError, match="kl"):
        fdiv.discrete(np.array([0.5, 0.5]), np.array([0.5, 0.5]), bad)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: fdiv.alpha(1), id="alpha(1)"),
        pytest.param(lambda: fdiv.alpha(0), id="alpha(0)"),
        pytest.param(lambda: fdiv.alpha(1.0), id="alpha(1.0)"),
        pytest.param(lambda: fdiv.alpha(-0.0), id="alpha(-0.0)"),
        pytest.param(lambda: fdiv.alpha(math.nan), id="alpha(nan)"),
        pytest.param(lambda: fdiv.alpha(math.inf), id="alpha(inf)"),
        pytest.param(lambda: fdiv.alpha(np.array([0.5, 1.0])), id="alpha([0.5,1])"),
        pytest.param(lambda: fdiv.get("alpha", alpha=1.0), id="get-alpha(1)"),
        pytest.param(lambda: fdiv.get("alpha", alpha=math.nan), id="get-alpha(nan)"),
    ],
)
def test_alpha_out_of_range(make):
    with pytest.raises(ValueError, match="alpha"):
        make()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: fdiv.js_weighted(1.5), id="1.5"),
        pytest.param(lambda: fdiv.js_weighted(0), id="0"),
        pytest.param(lambda: fdiv.js_weighted(1), id="1"),
        pytest.param(lambda: fdiv.js_weighted(-0.1), id="-0.1"),
        pytest.param(lambda: fdiv.js_weighted(math.nan), id="nan"),
        pytest.param(lambda: fdiv.js_weighted(np.array([0.5, 1.0])), id="[0.5,1]"),
        pytest.param(lambda: fdiv.get("js_weighted", pi=0.0), id="get-0"),
    ],
)
def test_js_weighted_out_of_range(make):
    with pytest.raises(ValueError, match=r"\bpi\b"):
        make()


def test_parameter_mistakes():
    with pytest.raises(ValueError, match="alpha"):
        fdiv.get("alpha")
    with pytest.raises(ValueError, match="pi"):
        fdiv.get("js_weighted")
    with pytest.raises(ValueError):
        fdiv.get("kl", alpha=2.0)
    with pytest.raises(ValueError, match="alpha"):
        fdiv.discrete(np.array([1.0]), np.array([1.0]), "alpha")


P = np.array([0.2, 0.3, 0.5])
Q = np.array([0.25, 0.25, 0.5])


@pytest.mark.parametrize(
    "p,q,match",
    [
        pytest.param([0.5, -0.1, 0.6], Q, "p", id="negative-p"),
        pytest.param(P, [0.5, 0.6, -0.1], "q", id="negative-q"),
        pytest.param([0.2, 0.3, 0.6], Q, "p", id="p-sum-1.1"),
        pytest.param(P, [0.25, 0.25, 0.25], "q", id="q-sum-0.75"),
        pytest.param([0.2, np.nan, 0.8], Q, "p", id="nan-p"),
        pytest.param(P, [0.5, np.inf, 0.5], "q", id="inf-q"),
        pytest.param(P, [0.5, 0.5], "broadcast|shape", id="shape"),
        pytest.param(np.ones((2, 3)) / 3, np.ones((3, 2)) / 2, "broadcast|shape", id="shape-2d"),
    ],
)
def test_discrete_rejects_non_distributions(p, q, match):
    with pytest.raises(ValueError, match=match):
        fdiv.discrete(p, q, "kl")


def test_discrete_normalize():
    p = np.array([2.0, 3.0, 5.0])
    q = np.array([1.0, 1.0, 2.0])
    with np.errstate(**STRICT):
        got = fdiv.discrete(p, q, "kl", normalize=True)
        ref = fdiv.discrete(p / p.sum(), q / q.sum(), "kl")
    assert got == pytest.approx(ref, rel=1e-15)
    with pytest.raises(ValueError, match="p"):  # negative still errors
        fdiv.discrete([2.0, -1.0, 5.0], q, "kl", normalize=True)
    with pytest.raises(ValueError):
        fdiv.discrete([0.0, 0.0, 0.0], q, "kl", normalize=True)


def test_discrete_accepts_rounded_distributions():
    """x / x.sum() (rounding error ~ n eps) is a distribution, also in float32."""
    rng = np.random.default_rng(3)
    for dtype in (np.float64, np.float32):
        x = rng.random(1000).astype(dtype)
        y = rng.random(1000).astype(dtype)
        with np.errstate(**STRICT):
            value = fdiv.discrete(x / x.sum(), y / y.sum(), "js")
        assert np.isfinite(value) and value >= 0
        assert np.asarray(value).dtype == dtype


# ----------------------------------------------------------------------------------------
# fdiv.discrete: values, conventions, shapes


def _scipy_reference(name, p, q):
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "kl":
            return float(np.sum(np.where(p > 0, p * np.log(p / q), 0.0)))
        if name == "pearson":
            return float(np.sum((p - q) ** 2 / q))
        if name == "squared_hellinger":
            return float(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2))
        if name == "total_variation":
            return 0.5 * float(np.sum(np.abs(p - q)))
        if name == "js":
            m = (p + q) / 2
            return 0.5 * float(np.sum(p * np.log(p / m)) + np.sum(q * np.log(q / m)))
    raise KeyError(name)


@pytest.mark.parametrize("name", ["kl", "pearson", "squared_hellinger", "total_variation", "js"])
def test_discrete_convention(name):
    """D_f(P||Q) = sum q f(p/q): KL(P||Q) = sum p log(p/q) (as scipy.stats.entropy), Pearson
    chi^2 = sum (p - q)^2 / q, ..."""
    rng = np.random.default_rng(7)
    p = rng.random(20)
    q = rng.random(20)
    p /= p.sum()
    q /= q.sum()
    with np.errstate(**STRICT):
        got = fdiv.discrete(p, q, name)
        by_object = fdiv.discrete(p, q, fdiv.get(name))
    assert got == by_object
    assert got == pytest.approx(_scipy_reference(name, p, q), rel=1e-13)


@pytest.mark.parametrize(
    "name,expected",
    [
        ("kl", math.inf),
        ("reverse_kl", math.inf),
        ("pearson", math.inf),
        ("neyman", math.inf),
        ("squared_hellinger", None),
        ("js", None),
        ("gan", None),
        ("total_variation", None),
        ("triangular", None),
        ("softened_reverse_kl", math.inf),
        ("softened_kl", math.inf),
        ("jeffreys", math.inf),
    ],
)
def test_discrete_support_violation(name, expected):
    """P puts mass where Q has none and Q where P has none: +inf (never NaN) for divergences
    that are infinite there, else finite (q f(0+) and p f'(inf) terms)."""
    p = np.array([0.5, 0.5, 0.0])
    q = np.array([0.0, 0.5, 0.5])
    d = fdiv.get(name)
    with np.errstate(**STRICT):
        value = float(fdiv.discrete(p, q, d))
    assert not math.isnan(value)
    if expected is None:
        finite = 0.5 * float(d.df_inf) + 0.5 * float(d.f0) + 0.5 * float(d.f(1.0))
        assert value == pytest.approx(finite, rel=1e-15)
    else:
        assert value == expected


def test_discrete_zero_zero_bins():
    """0 f(0/0) = 0: bins empty in both histograms do not contribute."""
    p = np.array([0.2, 0.0, 0.8, 0.0])
    q = np.array([0.4, 0.0, 0.6, 0.0])
    for name in ("kl", "reverse_kl", "neyman", "jeffreys", "softened_reverse_kl"):
        with np.errstate(**STRICT):
            a = fdiv.discrete(p, q, name)
            b = fdiv.discrete(p[[0, 2]], q[[0, 2]], name)
        assert a == pytest.approx(b, rel=1e-15), name
        assert math.isfinite(a)


def test_discrete_axis_and_broadcasting():
    rng = np.random.default_rng(11)
    P = rng.random((3, 5))
    Q = rng.random((3, 5))
    P /= P.sum(axis=1, keepdims=True)
    Q /= Q.sum(axis=1, keepdims=True)
    with np.errstate(**STRICT):
        rows = fdiv.discrete(P, Q, "js")
        cols = fdiv.discrete(P.T, Q.T, "js", axis=0)
        each = np.array([fdiv.discrete(P[i], Q[i], "js") for i in range(3)])
        bcast = fdiv.discrete(P[0], Q, "js")  # (5,) against (3, 5)
        lists = fdiv.discrete(P[0].tolist(), Q[0].tolist(), "js")
    assert rows.shape == (3,)
    np.testing.assert_allclose(cols, rows, rtol=1e-15)
    np.testing.assert_allclose(each, rows, rtol=1e-15)
    assert bcast.shape == (3,)
    np.testing.assert_allclose(bcast[0], rows[0], rtol=1e-15)
    assert lists == pytest.approx(rows[0], rel=1e-15)
    assert np.ndim(fdiv.discrete(P[0], Q[0], "js")) == 0


def test_discrete_integer_input():
    with np.errstate(**STRICT):
        value = fdiv.discrete([1, 0], [0, 1], "total_variation")
    assert float(value) == 1.0


# ----------------------------------------------------------------------------------------
# Elementwise methods: dtypes, ufunc keywords


@pytest.mark.parametrize("d", SAMPLE, ids=SAMPLE_IDS)
@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.uint8, np.int16, np.int32, np.int64])
def test_int_and_bool_inputs_cast_to_float64(d, dtype):
    x = (
        np.array([0, 1, 1, 0], dtype=dtype)
        if dtype == np.bool_
        else np.array([0, 1, 2, 3], dtype=dtype)
    )
    with np.errstate(**STRICT):
        for method in ARGNAME:
            got = getattr(d, method)(x)
            assert got.dtype == np.float64, (method, dtype, got.dtype)
            np.testing.assert_array_equal(got, getattr(d, method)(x.astype(np.float64)))
        got = d.perspective(x, x[::-1])
        assert got.dtype == np.float64
        scalar = True if dtype == np.bool_ else 2
        assert type(d.f(scalar)) is np.float64, type(d.f(scalar))


@pytest.mark.parametrize("d", SAMPLE, ids=SAMPLE_IDS)
def test_float16_gives_float32(d):
    x = np.array([0.0, 0.5, 1.0, 2.0], dtype=np.float16)
    with np.errstate(**STRICT):
        for method in ARGNAME:
            got = getattr(d, method)(x)
            assert got.dtype == np.float32, method
            np.testing.assert_array_equal(got, getattr(d, method)(x.astype(np.float32)))


@pytest.mark.parametrize("d", SAMPLE, ids=SAMPLE_IDS)
def test_list_and_nested_list_input(d):
    with np.errstate(**STRICT):
        for method in ARGNAME:
            got = getattr(d, method)([0.5, 2.0])
            np.testing.assert_array_equal(got, getattr(d, method)(np.array([0.5, 2.0])))
            got = getattr(d, method)([[0.5], [2.0]])
            assert got.shape == (2, 1)
        got = d.perspective([1.0, 2.0], [[1.0], [3.0]])
    assert got.shape == (2, 2)


@pytest.mark.parametrize("d", SAMPLE, ids=SAMPLE_IDS)
def test_out_wrong_shape_or_dtype_raises(d):
    x = np.linspace(0.1, 3.0, 6)
    for method in ARGNAME:
        fn = getattr(d, method)
        with pytest.raises(ValueError):
            fn(x, out=np.empty(5))
        with pytest.raises(ValueError):
            fn(x, out=np.empty((2, 6)).T)
        with pytest.raises(TypeError):
            fn(x, out=np.empty(6, dtype=np.int64))
        with pytest.raises(TypeError):
            fn(x, out=np.empty(6, dtype=np.bool_))
    with pytest.raises(ValueError):
        d.perspective(x, x, out=np.empty(7))


@pytest.mark.parametrize("d", SAMPLE, ids=SAMPLE_IDS)
def test_read_only_out_raises(d):
    x = np.linspace(0.1, 3.0, 6)
    out = np.zeros(6)
    out.setflags(write=False)
    for method in ARGNAME:
        with pytest.raises(ValueError, match="read-only"):
            getattr(d, method)(x, out=out)
    with pytest.raises(ValueError, match="read-only"):
        d.perspective(x, x, out=out)
    assert np.all(out == 0)


@pytest.mark.parametrize("d", SAMPLE, ids=SAMPLE_IDS)
def test_out_and_where_keywords(d):
    x = np.array([0.0, 0.5, 1.0, 2.0, 4.0])
    mask = np.array([True, False, True, False, True])
    with np.errstate(**STRICT):
        for method in ARGNAME:
            out = np.full(5, 9.0)
            res = getattr(d, method)(x, out=out, where=mask)
            assert res is out
            np.testing.assert_array_equal(out[~mask], 9.0)
            np.testing.assert_array_equal(out[mask], getattr(d, method)(x)[mask])
            out = np.empty(5)
            res = getattr(d, method)(x, out=(out,))  # the tuple form of ufuncs
            np.testing.assert_array_equal(out, getattr(d, method)(x))
            out32 = np.empty(5, dtype=np.float32)  # same_kind casting into float32 is allowed
            getattr(d, method)(x, out=out32)
            np.testing.assert_array_equal(out32, getattr(d, method)(x).astype(np.float32))


def test_broadcasting():
    u = np.array([0.5, 1.0, 2.0])
    with np.errstate(**STRICT):
        got = fdiv.kl.perspective(u[:, None], u[None, :])
        assert got.shape == (3, 3)
        np.testing.assert_array_equal(got[1], u * fdiv.kl.f(1.0 / u))
        assert fdiv.kl.f(np.ones((2, 3, 4))).shape == (2, 3, 4)


@pytest.mark.parametrize(
    "family,key,values",
    [("alpha", "alpha", [0.5, 2.0, -1.5]), ("js_weighted", "pi", [0.2, 0.5, 0.85])],
)
def test_array_parameter_broadcasts(family, key, values):
    param = np.array(values)[:, None]
    d = fdiv.get(family, **{key: param})
    u = np.array([0.0, 0.25, 1.0, 3.0, np.inf])
    with np.errstate(**STRICT):
        for method in ARGNAME:
            got = getattr(d, method)(u)
            assert got.shape == (len(values), u.size), method
            for i, v in enumerate(values):
                np.testing.assert_array_equal(
                    got[i], getattr(fdiv.get(family, **{key: v}), method)(u)
                )
        got = d.perspective(np.array([1.0, 2.0]), np.array([2.0, 1.0]))
        assert got.shape == (len(values), 2)
    n = len(values)

    def elem(x, i):  # metadata may be an array of the parameter's shape, or a constant
        return np.broadcast_to(np.asarray(x), (n, 1)).ravel()[i]

    dom = d.conj_domain
    assert np.asarray(dom.hi_included).dtype == np.bool_
    for i, v in enumerate(values):
        single = fdiv.get(family, **{key: v})
        assert elem(d.f0, i) == single.f0
        assert elem(d.df_inf, i) == single.df_inf
        assert elem(d.tail_weights[0], i) == single.tail_weights[0]
        assert elem(d.tail_weights[1], i) == single.tail_weights[1]
        assert elem(dom.hi, i) == single.conj_domain.hi
        assert elem(dom.hi_included, i) == single.conj_domain.hi_included
        assert elem(d.symmetric, i) == single.symmetric
    assert d == fdiv.get(family, **{key: param.copy()})
    assert hash(d) == hash(fdiv.get(family, **{key: param.copy()}))


# ----------------------------------------------------------------------------------------
# Raw ufuncs


@pytest.mark.parametrize("name", NAMES)
def test_raw_ufuncs_exist(name):
    nparam = 1 if name in ("alpha", "js_weighted") else 0
    for method in UFUNC_METHODS:
        uf = getattr(fdiv.ufuncs, f"{name}_{method}")
        assert isinstance(uf, np.ufunc)
        assert uf.nin == (2 if method == "perspective" else 1) + nparam
        assert uf.nout == 1
        assert any(t.endswith("->f") for t in uf.types)
        assert any(t.endswith("->d") for t in uf.types)
        assert f"{name}_{method}" in fdiv.ufuncs.__all__


@pytest.mark.parametrize("name", FIXED)
def test_methods_are_the_raw_ufuncs(name):
    d = fdiv.get(name)
    x = np.array([0.0, 1e-300, 0.5, 1.0, 2.0, 1e300, np.inf])
    with np.errstate(**STRICT):
        for method in UFUNC_METHODS:
            uf = getattr(fdiv.ufuncs, f"{name}_{method}")
            if method == "perspective":
                np.testing.assert_array_equal(d.perspective(x, x[::-1]), uf(x, x[::-1]))
            else:
                np.testing.assert_array_equal(getattr(d, method)(x), uf(x))


def test_metadata_types():
    for name in FIXED:
        d = fdiv.get(name)
        assert isinstance(d.f0, float) and isinstance(d.df_inf, float)
        assert isinstance(d.symmetric, bool)
        lo, hi = d.tail_weights
        assert isinstance(lo, float) and isinstance(hi, float)
        dom = d.conj_domain
        assert dom == (dom.lo, dom.hi, dom.hi_included)
    assert fdiv.total_variation.tail_weights == (-math.inf, -math.inf)
