"""The vector kernels (cpp/simd) under every compiled Highway target the CPU supports.

* the mpmath reference tables hold under each target (the same tolerances as
  tests/test_reference.py);
* special values, range switches and domain boundaries give the scalar kernel's value
  exactly where that is 0, +-inf or NaN, and agree with it to a few ulp elsewhere;
* strided, in-place and misaligned calls equal the contiguous result bitwise, and the result of
  an element does not depend on its position (tails and chunk boundaries).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import fdiv
from fdiv import _core

try:
    import _ulp
except ImportError:  # pytest's importlib import mode does not put tests/ on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import _ulp

VECTORISED = sorted(_core.simd_vectorised())
PARAMS = {
    "alpha": (-1.5, 0.5, 2.0, 3.5, 1e-300, -1e300, -1.0),
    "js_weighted": (0.2, 0.5, 0.85, 5e-324, 1e-300, 1 - 1e-12),
}
pytestmark = pytest.mark.skipif(not VECTORISED, reason="built without Highway")


def _targets():
    out = []
    for t in _core.simd_compiled_targets():
        if _core._simd_force_target(t):
            out.append(t)
    _core._simd_force_target("")
    return out


TARGETS = _targets() if VECTORISED else []


@pytest.fixture(params=TARGETS)
def target(request):
    assert _core._simd_force_target(request.param)
    assert _core.simd_target() == request.param
    yield request.param
    _core._simd_force_target("")


@pytest.fixture
def scalar_loops():
    _core._simd_set_enabled(False)
    yield
    _core._simd_set_enabled(True)


def _family(name):
    for fam in PARAMS:
        if name.startswith(fam + "_"):
            return fam
    return None


def _call(name, x, param=None, out=None):
    uf = getattr(fdiv.ufuncs, name)
    args = (x,) if param is None else (x, param)
    return uf(*args) if out is None else uf(*args, out=out)


def _inputs(dtype):
    """Special values, every range switch of the kernels (and its neighbours) and a log-uniform
    sweep of both signs."""
    pts = [
        0.0,
        1e-300,
        2.2250738585072014e-308,
        5e-324,
        1e-310,
        1.0,
        2.0,
        3.0,
        0.5,
        1 / 3,
        0.2,
        0.6,
        0.07,
        0.25,
        0.3465735902799727,
        0.35,
        30.0,
        36.0,
        40.0,
        60.0,
        350.0,
        700.0,
        701.0,
        709.0,
        710.0,
        745.0,
        746.0,
        1000.0,
        1400.0,
        1401.0,
        1e300,
        1e301,
        1.7976931348623157e308,
    ]
    with np.errstate(all="ignore"):
        pts = np.array(pts)
        pts = np.concatenate([pts, np.nextafter(pts, np.inf), np.nextafter(pts, -np.inf)])
    pts = np.concatenate([pts, -pts, [np.inf, -np.inf, np.nan]])
    rng = np.random.default_rng(7)
    sweep = np.exp(rng.uniform(-745, 709, 4000)) * rng.choice([-1.0, 1.0], 4000)
    small = rng.uniform(-40, 40, 4000)
    with np.errstate(all="ignore"):
        x = np.concatenate([pts, sweep, small]).astype(dtype)
    return x


def _compare(name, x, vec, ref, dtype):
    special = ~np.isfinite(ref) | (ref == 0)
    both_nan = np.isnan(vec) & np.isnan(ref)
    same = (vec == ref) & (np.signbit(vec) == np.signbit(ref))
    bad = special & ~(both_nan | same)
    assert not bad.any(), (name, dtype, np.flatnonzero(bad)[:5], vec[bad][:5], ref[bad][:5])
    fin = ~special
    r, v = ref[fin], vec[fin]
    # Near a zero crossing at x != 0 (gan log_inv_df at t = -log 2) both forms lose digits to
    # the conditioning of the function itself: the ulp is taken at no less than |x|/4 there.
    floor = (0.25 * np.minimum(np.abs(x[fin]), 1.0)).astype(r.dtype)
    r_abs = np.maximum(np.abs(r), floor)
    with np.errstate(all="ignore"):  # spacing(DBL_MAX) overflows
        spacing = np.abs(np.nextafter(r_abs, np.zeros_like(r_abs)) - r_abs).astype(np.float64)
        err = np.abs(v.astype(np.float64) - r.astype(np.float64)) / spacing
    err[~np.isfinite(v)] = np.inf
    return float(err.max()) if err.size else 0.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_vector_matches_scalar(target, dtype):
    x = _inputs(dtype)
    worst = {}
    for name in VECTORISED:
        fam = _family(name)
        for param in PARAMS[fam] if fam else (None,):
            with np.errstate(all="raise"):
                vec = _call(name, x, param)
            _core._simd_set_enabled(False)
            try:
                with np.errstate(all="ignore"):
                    ref = _call(name, x, param)
            finally:
                _core._simd_set_enabled(True)
            worst[(name, param)] = _compare(name, x, vec, ref, dtype)
    # the scalar kernels are within 4 ulp of the exact value, so are the vector ones
    # (tests/test_reference.py); a few ulp more between the two, near the cancellations they
    # both avoid
    over = {k: v for k, v in worst.items() if v > 8}
    assert not over, over


def test_reference_tables_under_every_target(target):
    failures = []
    for id_, method, dtype in _ulp.cases():
        if f"{id_}_{method}" not in VECTORISED:
            continue
        t, got, err = _ulp.errors(id_, method, dtype)
        if not np.all(err <= t.tol):
            failures.append((id_, method, dtype, float(err.max())))
    assert not failures, failures


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_position_strides_inplace_bitwise(dtype):
    x = _inputs(dtype)
    for name in VECTORISED:
        fam = _family(name)
        param = PARAMS[fam][1] if fam else None
        with np.errstate(all="ignore"):
            ref = _call(name, x, param)
            # every element alone (the tail path) and at every offset of a vector
            for shift in (1, 3, 5):
                got = _call(name, x[shift:], param)
                assert np.array_equal(got, ref[shift:], equal_nan=True), (name, shift)
            # strided in and out
            xs = np.repeat(x, 2)[::2]
            out = np.empty(2 * x.size, dtype)[::2]
            _call(name, xs, param, out=out)
            assert np.array_equal(out, ref, equal_nan=True), name
            # in place
            y = x.copy()
            _call(name, y, param, out=y)
            assert np.array_equal(y, ref, equal_nan=True), name
            # one element at a time (scalar calls)
            for i in range(0, x.size, 997):
                got = _call(name, x[i], param)
                assert np.array_equal(got, ref[i], equal_nan=True), (name, x[i])


# Sorted grids fill whole vectors (and lockstep blocks) with one regime of a kernel, their
# shuffled copy mixes the regimes in every vector: a kernel that chose a form per vector or per
# block, rather than per lane, gives a result that depends on its neighbours (as a first form of
# alpha f(e^r) did).  The grids cross every form switch of the families' general kernels too.
SORTED_GRID_PARAMS = {"alpha": (0.3, 0.01, 0.4999, 2.5, -1.5), "js_weighted": (0.2, 0.85)}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sorted_and_shuffled_inputs_bitwise(target, dtype):
    x = np.concatenate(
        [
            np.linspace(-60.0, 60.0, 24_001),
            np.geomspace(1e-9, 1e9, 24_001),
            np.linspace(0.0, 4.0, 24_001),
        ]
    ).astype(dtype)
    x.sort()
    perm = np.random.default_rng(5).permutation(x.size)
    for name in VECTORISED:
        fam = _family(name)
        for param in SORTED_GRID_PARAMS[fam] if fam else (None,):
            with np.errstate(all="ignore"):
                ref = _call(name, x, param)
                got = _call(name, x[perm], param)
            assert np.array_equal(got, ref[perm], equal_nan=True), (name, param, target)


STREAMED = [
    "kl_f",  # float32 native
    "js_f",  # float32 promoted to double lanes
    "softened_reverse_kl_conj",
    "alpha_f",  # parametric
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("offset", [0, 1, 3])
def test_streamed_outputs_match_small_calls(target, dtype, offset):
    """Outputs of at least _core.stream_min_bytes per thread go through non-temporal stores
    after a head that aligns them: same values, wherever the output starts."""
    x = np.resize(_inputs(dtype), _core.stream_min_bytes // np.dtype(dtype).itemsize + 1001)
    buf = np.empty(x.size + offset, dtype)
    out = buf[offset:]
    fdiv.set_num_threads(1)
    try:
        for name in STREAMED:
            param = PARAMS[_family(name)][1] if _family(name) else None
            with np.errstate(all="ignore"):
                _call(name, x, param, out=out)
                ref = np.concatenate(
                    [_call(name, x[i : i + 4096], param) for i in range(0, x.size, 4096)]
                )
            assert np.array_equal(out, ref, equal_nan=True), (name, target, offset)
    finally:
        fdiv.set_num_threads(0)


# The kernels that run two vectors in lockstep (common-inl.h, eval2) in the main loop and one
# (eval) in the tail and the aligning head.
LOCKSTEP = [
    "jeffreys_conj",
    "jeffreys_inv_df",
    "jeffreys_log_inv_df",
    "jeffreys_log_ratio",
    "softened_reverse_kl_conj",
    "softened_reverse_kl_inv_df",
    "softened_reverse_kl_log_inv_df",
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_lockstep_pairs_match_single_vectors(target, dtype):
    """Every element gives the same bits whether its vector runs paired with its neighbour
    (eval2) or alone (eval): each shift moves every element into another pair or into the tail.
    The inputs mix rare lanes (special values, beyond the domain), every regime of the solvers
    and lanes that converge in different numbers of steps, in both vectors of a pair."""
    rng = np.random.default_rng(11)
    base = _inputs(dtype)
    mixed = np.concatenate(
        [base, rng.uniform(-50, 50, 3000), -np.log(2) - rng.exponential(3, 3000)]
    )
    x = rng.permutation(mixed).astype(dtype)
    for name in LOCKSTEP:
        assert name in VECTORISED, name
        with np.errstate(all="ignore"):
            ref = _call(name, x)
            singles = np.array([_call(name, x[i : i + 1])[0] for i in range(0, x.size, 7)], dtype)
            assert np.array_equal(singles, ref[::7], equal_nan=True), (name, target)
            for shift in range(1, 17):
                got = _call(name, x[shift:])
                assert np.array_equal(got, ref[shift:], equal_nan=True), (name, target, shift)


MEMBERS = [  # family, parameter, catalogue entry, scale s: the family member is s f
    ("alpha", 0.5, "squared_hellinger", 2.0),
    ("alpha", 2.0, "pearson", 0.5),
    ("alpha", -1.0, "neyman", 0.5),
    ("js_weighted", 0.5, "js", 1.0),
]


@pytest.mark.parametrize("fam,param,entry,s", MEMBERS)
def test_family_members_run_the_catalogue_kernels(target, fam, param, entry, s):
    """At these parameters the family's vector loops run the catalogue entry's kernel, scaled
    (cpp/simd/members-inl.h): on normal inputs the result is s f, s f*(t/s), (f')^-1(t/s)
    bitwise; the family's scalar kernel agrees to the contract."""
    g, f = getattr(fdiv, fam)(param), fdiv.get(entry)
    rng = np.random.default_rng(5)
    u = np.exp(rng.uniform(-30, 30, 20000))
    r = rng.uniform(-30, 30, 20000)
    with np.errstate(all="ignore"):  # the range of f' (t / s lies there)
        lo, hi = max(float(f.df(0.0)), -30.0), min(float(f.df(np.inf)), 30.0)
    t = rng.uniform(lo, hi, 20000) * s
    with np.errstate(all="ignore"):
        pairs = [
            (g.f(u), s * f.f(u)),
            (g.df(u), s * f.df(u)),
            (g.f_logu(r), s * f.f_logu(r)),
            (g.conj(t), s * f.conj(t / s)),
            (g.inv_df(t), f.inv_df(t / s)),
        ]
    for got, want in pairs:
        ok = np.isfinite(want) & (np.abs(want) >= np.finfo(float).tiny)
        assert ok.mean() > 0.9
        assert np.array_equal(got[ok], want[ok])


def _activation_zero(div):
    """v0 with g_f(v0) = 0: -x0, x0 = c + log(1 - e^-c) (mpmath)."""
    import mpmath as mp

    with mp.workprec(200):
        p = mp.mpf(next(iter(div.params.values())))
        c = 1 / (1 - p) if div.name == "alpha" else -p * mp.log(p)
        return -float(c + mp.log(-mp.expm1(-c)))


@pytest.mark.parametrize(
    "div",
    [fdiv.alpha(0.5), fdiv.alpha(0.3), fdiv.alpha(-2.0), fdiv.alpha(0.999)]
    + [fdiv.js_weighted(p) for p in (0.5, 0.2, 1e-5, 0.99)],
    ids=repr,
)
def test_activation_plain_and_dd_bands(target, div):
    """c - softplus(-v): plain double away from the zero, dd near it, and around the zero
    v0 the form -log1p(s0 expm1(d)) (all of them in every vector of a dense sweep, and a
    critic at equilibrium: v within 1e-3 and a few ulp of v0), within 2 ulp of the scalar
    kernel (long double; binary128 around the zero)."""
    rng = np.random.default_rng(3)
    v0 = _activation_zero(div)
    near = v0 + np.spacing(v0) * np.arange(-64, 65)
    v = np.concatenate(
        [
            rng.uniform(-40, 40, 200_000),
            rng.uniform(-4, 4, 200_000),
            rng.normal(v0, 1e-3, 20_000),
            near,
        ]
    )
    got = div.activation(v)
    _core._simd_set_enabled(False)
    try:
        want = div.activation(v)
    finally:
        _core._simd_set_enabled(True)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    err = np.abs(got - want) / np.spacing(np.abs(want))
    assert err[got != want].max(initial=0.0) <= 2.0


def test_parameter_arrays_match_scalar_parameter():
    x = np.linspace(-20, 20, 101)
    for name in VECTORISED:
        fam = _family(name)
        if not fam:
            continue
        p = np.array(PARAMS[fam])
        got = _call(name, x[None, :], p[:, None])
        for i, c in enumerate(p):
            assert np.array_equal(got[i], _call(name, x, c), equal_nan=True), (name, c)
        # a parameter that changes along x
        pp = np.resize(p, x.size)
        got = _call(name, x, pp)
        ref = np.array([_call(name, x[i], pp[i]) for i in range(x.size)])
        assert np.array_equal(got, ref, equal_nan=True), name


def test_disabling_vector_kernels_changes_no_special_value(scalar_loops):
    assert fdiv.kl.f(np.array([0.0, np.inf, np.nan, -1.0])).tolist()[:2] == [0.0, np.inf]


NATIVE32 = sorted(_core.simd_native_float32())


def test_native_float32_lists():
    """The float32-lane kernels are vectorised ufuncs, and show_config counts them."""
    assert NATIVE32, "no ufunc runs in float32 lanes"
    assert set(NATIVE32) <= set(VECTORISED)
    # the parametric kernels keep their parameter in double: promoted
    assert not [n for n in NATIVE32 if _family(n)]
    cfg = fdiv.show_config(mode="dicts")
    assert cfg["SIMD"]["float32"].startswith(f"{len(NATIVE32)} ufuncs in float32 lanes")


def _ordered(x32):
    b = x32.view(np.int32).astype(np.int64)
    return np.where(b < 0, -(b & 0x7FFFFFFF), b)


def _against_float64(fn, x):
    """fn on float32 x against fn on x in float64 rounded to float32: exactly its 0, +-inf and
    NaN (asserted), and the float32 ulp distance elsewhere (with those inputs)."""
    with np.errstate(all="ignore"):
        got = fn(x)
        ref = fn(x.astype(np.float64)).astype(np.float32)
    assert got.dtype == np.float32
    special = ~(np.isfinite(ref) & (ref != 0))
    same = (got == ref) & (np.signbit(got) == np.signbit(ref))
    bad = special & ~(same | (np.isnan(got) & np.isnan(ref)))
    assert not bad.any(), (x[bad][:5], got[bad][:5], ref[bad][:5])
    assert np.isfinite(got[~special]).all()
    return np.abs(_ordered(got[~special]) - _ordered(ref[~special])), x[~special]


@pytest.mark.parametrize("name", NATIVE32)
def test_float32_lanes_sweep(name):
    """Every 4099th float32 bit pattern (1M inputs over all signs and exponents): the float32
    lanes are within 3 float32 ulp of the float64 result rounded to float32 (the contract is 4
    ulp of the exact value; scripts/float32_sweep.py runs the full sweep), and give exactly its
    0, +-inf and NaN."""
    bits = np.arange(0, 1 << 32, 4099, dtype=np.uint64).astype(np.uint32)
    x = bits.view(np.float32)
    dist, finite_x = _against_float64(getattr(fdiv.ufuncs, name), x)
    # (total_variation's log forms take only 0 and +-inf: nothing finite to measure)
    assert dist.size == 0 or dist.max() <= 3, (int(dist.max()), float(finite_x[dist.argmax()]))


def test_float32_lanes_are_float32():
    """kl.f in float32 lanes is not float64 rounded once: some results differ by an ulp
    (it would be identical everywhere if float32 were still promoted)."""
    assert "kl_f" in NATIVE32
    x = np.linspace(0.5, 4.0, 100_001, dtype=np.float32)
    with np.errstate(all="ignore"):
        got = fdiv.ufuncs.kl_f(x)
        ref = fdiv.ufuncs.kl_f(x.astype(np.float64)).astype(np.float32)
    assert (got != ref).any()
    assert np.max(np.abs(_ordered(got) - _ordered(ref))) <= 3


FAMILY32 = [fdiv.alpha(p) for p in (0.3, -1.5, 0.7, 3.5, 1e-5, 0.99)] + [
    fdiv.js_weighted(p) for p in (0.2, 0.85, 1e-5, 0.99999)
]


def _family32_inputs(div, method):
    """Every 16411th float32 bit pattern, and dense grids where the forms switch."""
    bits = np.arange(0, 1 << 32, 16411, dtype=np.uint64).astype(np.uint32)
    dense = {
        "f": [np.linspace(0.5, 2.0, 40_001), 1 + np.linspace(-1e-4, 1e-4, 10_001)],
        "df": [np.linspace(0.1, 3.0, 40_001)],
        "f_logu": [np.linspace(-4, 4, 40_001), np.linspace(-1e-3, 1e-3, 10_001)],
        "activation": [np.linspace(-8, 8, 40_001)],
    }
    if method in ("conj", "inv_df"):
        lo, hi = (float(v) for v in tuple(div.conj_domain)[:2])
        lo, hi = max(lo, -50.0), min(hi, 50.0)
        extra = [np.linspace(lo, hi, 40_001), hi - np.geomspace(1e-7, 1.0, 10_001)]
    else:
        extra = dense[method]
    with np.errstate(all="ignore"):
        return np.concatenate([bits.view(np.float32)] + [e.astype(np.float32) for e in extra])


@pytest.mark.parametrize("div", FAMILY32, ids=repr)
@pytest.mark.parametrize("method", ["f", "df", "f_logu", "conj", "inv_df", "activation"])
def test_family_float32_plain_forms(target, div, method):
    """The families' float32 path (eval32: their forms in plain double, common-inl.h) is within
    1 float32 ulp of the float64 (double-double) result rounded to float32, and gives exactly
    its 0, +-inf and NaN."""
    dist, finite_x = _against_float64(getattr(div, method), _family32_inputs(div, method))
    assert dist.size > 1000
    assert dist.max() <= 1, (int(dist.max()), float(finite_x[dist.argmax()]))


def test_dd_log_tables_match_their_generator():
    """cpp/simd/dd-inl.h's dd::log tables are the ones scripts/gen_dd_tables.py derives
    (mpmath): 1/c with |z/c - 1| <= 2^-5 on each interval, log c split at 2^-42."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "scripts" / "gen_dd_tables.py"
    spec = importlib.util.spec_from_file_location("gen_dd_tables", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.check() == 0
    t = mod.tables()
    assert t["kLogInvC"][10] == 1.0 and t["kLogCHi"][10] == 0.0


def test_odd_fits_match_their_generator():
    """cpp/simd/common-inl.h's fixed-degree fits of P(w) = sum w^k/(2k + 3) (log1pmx and js's
    atanh tail, double lanes) are the ones scripts/gen_odd_fit.py derives, and within 2^-53.9
    of P on their ranges (the rounding of 1/3 itself is 2^-54)."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "scripts" / "gen_odd_fit.py"
    spec = importlib.util.spec_from_file_location("gen_odd_fit", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.check() == 0
    for name, coef in mod.tables().items():
        assert mod.max_rel_error(name, coef, points=400) < 2.0**-53.9, name


_LOG_OFF = 0x3FE5800000000000


def _log_interval_edges(kmax):
    """x at every edge of dd::log's 16 table intervals (and 3 ulp either side), for exponents
    -kmax..kmax."""
    b = (_LOG_OFF + (np.arange(17, dtype=np.int64) << 48))[:, None] + np.arange(-3, 4)
    k = np.arange(-kmax, kmax + 1, dtype=np.int64) << 52
    return (b.ravel()[:, None] + k).ravel().view(np.float64)


_EDGE_CASES = [(fdiv.alpha(a), m) for a in (0.3, 60.0, -60.0, 0.999) for m in ("f", "df")] + [
    (fdiv.js_weighted(p), m) for p in (0.2, 1e-5, 0.99) for m in ("f", "df")
]


def _edge_errors(div, method, x, got):
    """Largest error of got in ulp against mpmath (alpha / js_weighted f, f', f(e^r))."""
    import mpmath as mp

    p = next(iter(div.params.values()))
    worst = 0.0
    with mp.workprec(200):
        P = mp.mpf(p)
        for xi, gi in zip(x, got):
            u = mp.exp(mp.mpf(xi)) if method == "f_logu" else mp.mpf(xi)
            if div.name == "alpha":
                ref = (
                    (u ** (P - 1) - 1) / (P - 1)
                    if method == "df"
                    else (u**P - 1 - P * (u - 1)) / (P * (P - 1))
                )
            else:
                m = P * u + 1 - P
                ref = P * mp.log(u / m) if method == "df" else P * u * mp.log(u) - m * mp.log(m)
            if ref == 0 or not mp.isfinite(ref) or abs(ref) > 1e308:
                continue
            worst = max(worst, float(abs(mp.mpf(float(gi)) - ref) / np.spacing(abs(float(ref)))))
    return worst


def _edge_inputs(div, method):
    p = next(iter(div.params.values()))
    b = abs(p - 1) if div.name == "alpha" else 1.0
    return _log_interval_edges(min(1000, int(600 / b)))[::37]


@pytest.mark.parametrize(
    "div,method", _EDGE_CASES, ids=lambda v: v if isinstance(v, str) else repr(v)
)
def test_dd_log_interval_edges_against_mpmath(target, div, method):
    """The vector kernels built on dd::log, at its table's interval edges (where z/c - 1 is
    largest and the intervals next to x = 1 meet), within 1 ulp of mpmath."""
    x = _edge_inputs(div, method)
    worst = _edge_errors(div, method, x, getattr(div, method)(x))
    assert worst <= 1.0, worst


@pytest.mark.parametrize(
    "div,method",
    _EDGE_CASES
    + [(fdiv.alpha(a), "f_logu") for a in (0.3, 2.5, 0.999, 1e-7)]
    + [(fdiv.js_weighted(p), "f_logu") for p in (0.2, 1e-5, 0.99)]
    + [(fdiv.alpha(a), m) for a in (1e-7, 1e7, 1 + 1e-9) for m in ("f", "df")],
    ids=lambda v: v if isinstance(v, str) else repr(v),
)
def test_scalar_kernels_against_mpmath(scalar_loops, div, method):
    """The scalar kernels (rare lanes, parameters the vector forms leave out, builds without
    Highway) on the same inputs, and the points where their double forms erred most (up to
    10.7 ulp in js_weighted f(e^r), 5.2 in alpha f(e^r), before they went to long double):
    within 1 ulp of mpmath."""
    x = _edge_inputs(div, method)
    if method == "f_logu":
        x = np.log(x[(x > 1e-300) & (x < 1e300)])
    worst_points = {
        "f": [6.125, 5.875, 7.875, 0.46093750000000006, 1567.6580513822234, 0.11696193923540694],
        "df": [0.5159850918801457, 0.49501598180902356, 2.082836094130578],
        "f_logu": [2.2177749038697847, 1.193249205323795, -3.9825422263808363, 4.333625319025039],
    }
    x = np.concatenate([x, worst_points[method]])
    worst = _edge_errors(div, method, x, getattr(div, method)(x))
    assert worst <= 1.0, worst


def _hellinger_inputs():
    rng = np.random.default_rng(5)
    k = np.arange(1, 40)
    return np.concatenate(
        [
            rng.uniform(0.05, 20.0, 1500),
            np.exp(rng.uniform(-690, 690, 300)),
            1 + k * 2.0**-52,
            1 - k * 2.0**-53,
            [0.4338724188707154, 0.4451876540752267, 0.30211409383429827, 1.089825383193265],
            [0.0, 5e-324, 1e-310, 0.25, 4.0, 1e300],
        ]
    )


def _hellinger_worst(x, got, scale):
    import mpmath as mp

    worst = 0.0
    with mp.workprec(300):
        for xi, gi in zip(x, got):
            ref = scale * (mp.sqrt(mp.mpf(float(xi))) - 1) ** 2
            err = abs(mp.mpf(float(gi)) - ref)
            worst = max(worst, float(err / np.spacing(float(ref))) if ref else float(err))
    return worst


@pytest.mark.parametrize("scalar", [False, True], ids=["vector", "scalar"])
@pytest.mark.parametrize("div,scale", [(fdiv.squared_hellinger, 1), (fdiv.alpha(0.5), 2)])
def test_squared_hellinger_f_against_mpmath(target, div, scale, scalar):
    """(sqrt(u) - 1)^2 from the dd t = sqrt(u) - 1: within 1 ulp of mpmath (the previous form
    ((u - 1)/(sqrt(u) + 1))^2 reached 4.2 ulp at u = 0.4339, past the 4-ulp contract)."""
    x = _hellinger_inputs()
    _core._simd_set_enabled(not scalar)
    try:
        got = div.f(x)
    finally:
        _core._simd_set_enabled(True)
    assert _hellinger_worst(x, got, scale) <= 1.0


def test_triangular_d2f_where_it_is_subnormal():
    """triangular f'' = 8 (u+1)^-3 is subnormal from u ~ 1e103 on: 8 sh^-3 rounded sh^-3 to
    the subnormal grid first and the factor 8 took that to 4 ulp (u = 1.47e105); (sh/2)^-3
    rounds once.  le_cam's half of it: 2 ulp before, 1 now."""
    import mpmath as mp

    u = np.concatenate(
        [[1.4702860145405974e105, 2.217029715307236e107], np.geomspace(1e100, 1e110, 400)]
    )
    with mp.workprec(200):
        for name, c in (("triangular", 8), ("le_cam", 4)):
            got = fdiv.get(name).d2f(u)
            ref = np.array([float(c * (mp.mpf(float(x)) + 1) ** -3) for x in u])
            err = np.abs(got - ref) / np.spacing(ref)
            assert err.max() <= 1.0, (name, u[np.argmax(err)], err.max())


def test_softened_kl_f_logu_near_zero():
    """softened_kl f(e^r) = (1 + e^r) log1p(expm1(r)/2) took 1 + e^r from exp, whose error
    reached the result: 4 ulp at r = 0.0076 (vector); 2 + expm1(r) rounds once."""
    import mpmath as mp

    rng = np.random.default_rng(11)
    r = np.concatenate([[0.007605520735595006], rng.uniform(-0.05, 0.05, 3000)])
    with mp.workprec(200):
        ref = []
        for x in r:
            e = mp.expm1(mp.mpf(float(x)))
            ref.append(float((2 + e) * mp.log1p(e / 2)))
    ref = np.array(ref)
    err = np.abs(fdiv.softened_kl.f_logu(r) - ref) / np.spacing(np.abs(ref))
    assert err.max() <= 3.0, (r[np.argmax(err)], err.max())


def test_dense_sweep_findings_against_mpmath():
    """Two contract breaks a dense sweep found: squared_hellinger f'' overflowed to +inf on
    u in [2^-683.4, 2^-682.7] (u^-1.5 formed before the factor 1/2), and js_weighted(0.1)
    f'(e^r) reached 5 ulp at r in [9.6, 34.9] (log1p of y near -0.9)."""
    import mpmath as mp

    with mp.workprec(300):
        for x in ("0x1.c3ae100bbc451p-684", "0x1.42775df101f80p-683", "0x1.428a2f98d728cp-683"):
            u = float.fromhex(x)
            ref = float(mp.mpf(u) ** mp.mpf(-1.5) / 2)
            assert fdiv.squared_hellinger.d2f(u) == ref
        for x in ("0x1.246bf80dd9b35p+3", "0x1.51c387a79fed1p+4", "0x1.62e7bc03fccfdp+3"):
            r = float.fromhex(x)
            p = mp.mpf(0.1)
            ref = -p * mp.log(p + (1 - p) * mp.exp(-mp.mpf(r)))
            got = fdiv.ufuncs.js_weighted_df_logu(r, 0.1)
            assert abs(mp.mpf(float(got)) - ref) <= 2 * np.spacing(float(ref))
