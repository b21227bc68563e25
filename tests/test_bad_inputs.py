"""The bad-input matrix: every public function against every kind of bad input.

Each case either gives the documented result (NaN elementwise, +inf where a divergence is
infinite, an untouched or correctly buffered ``out=``) or raises TypeError / ValueError whose
message names the argument. Valid calls run with every floating-point warning turned into an
error, so no warning leaks.
"""

import numpy as np
import pytest
from conftest import METHOD_ARG

import fdiv

DIVS = [fdiv.kl, fdiv.js, fdiv.total_variation, fdiv.alpha(0.3), fdiv.js_weighted(0.7)]
ELEMENTWISE = METHOD_ARG
CRITIC_FUNCS = {
    "log_ratio": lambda v: fdiv.log_ratio(v, "gan"),
    "generator_estimate": lambda v: fdiv.generator_estimate(v, "gan", "kl"),
    "generator_loss": lambda v: fdiv.generator_loss(v, "gan", "kl"),
}
NON_REAL = {
    "complex": np.array([1 + 1j, 2.0]),
    "object": np.array([1.0, None], dtype=object),
    "str": np.array(["a", "b"]),
    "datetime": np.array(["2020-01-01"], dtype="datetime64[D]"),
}
STRICT = dict(all="raise", under="ignore")


@pytest.mark.parametrize("bad", list(NON_REAL), ids=str)
@pytest.mark.parametrize("method", list(ELEMENTWISE))
@pytest.mark.parametrize("d", DIVS, ids=repr)
def test_elementwise_non_real(d, method, bad):
    with pytest.raises(TypeError, match=ELEMENTWISE[method]):
        getattr(d, method)(NON_REAL[bad])


@pytest.mark.parametrize("bad", list(NON_REAL), ids=str)
@pytest.mark.parametrize("name", list(CRITIC_FUNCS))
def test_critic_functions_non_real(name, bad):
    with pytest.raises(TypeError, match="v"):
        CRITIC_FUNCS[name](NON_REAL[bad])


@pytest.mark.parametrize("bad", list(NON_REAL), ids=str)
@pytest.mark.parametrize("which", ["p", "q"])
def test_discrete_and_perspective_non_real(which, bad):
    good = np.array([0.5, 0.5])
    args = {"p": good, "q": good, which: NON_REAL[bad]}
    with pytest.raises(TypeError, match=which):
        fdiv.discrete(args["p"], args["q"], "kl")
    with pytest.raises(TypeError, match=which):
        fdiv.kl.perspective(args["p"], args["q"])


@pytest.mark.parametrize("method", list(ELEMENTWISE))
@pytest.mark.parametrize("d", DIVS, ids=repr)
def test_empty_arrays(d, method):
    for shape in [(0,), (3, 0), (0, 4)]:
        with np.errstate(**STRICT):
            out = getattr(d, method)(np.empty(shape))
        assert out.shape == shape and out.dtype == np.float64


@pytest.mark.parametrize("name", list(CRITIC_FUNCS))
def test_critic_functions_empty(name):
    with np.errstate(**STRICT):
        out = CRITIC_FUNCS[name](np.empty((0, 3)))
    assert out.shape == (0, 3)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: fdiv.bound([], [1.0], "kl"), "v_real"),
        (lambda: fdiv.bound([1.0], [], "kl"), "v_fake"),
        (lambda: fdiv.critic_report([], [1.0]), "v_real"),
        (lambda: fdiv.discrete([], [], "kl"), "sum"),
    ],
)
def test_reductions_reject_empty(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("method", list(ELEMENTWISE))
@pytest.mark.parametrize("d", DIVS, ids=repr)
def test_out_wrong_shape_and_read_only(d, method):
    x = np.linspace(0.1, 2.0, 6)
    with pytest.raises(ValueError):
        getattr(d, method)(x, out=np.empty(5))
    ro = np.empty(6)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        getattr(d, method)(x, out=ro)
    with pytest.raises(TypeError):  # float64 result into an int array is not a safe cast
        getattr(d, method)(x, out=np.empty(6, dtype=np.int64))


@pytest.mark.parametrize("method", list(ELEMENTWISE))
@pytest.mark.parametrize("d", DIVS, ids=repr)
def test_overlapping_out(d, method):
    # out aliasing the input, shifted by one element: NumPy buffers, the result equals the
    # non-overlapping computation.
    base = np.linspace(0.05, 3.0, 41)
    expected = getattr(d, method)(base[:-1].copy())
    buf = base.copy()
    with np.errstate(**STRICT):
        getattr(d, method)(buf[:-1], out=buf[1:])
    np.testing.assert_array_equal(buf[1:], expected)
    inplace = base.copy()
    with np.errstate(**STRICT):
        getattr(d, method)(inplace, out=inplace)
    np.testing.assert_array_equal(inplace, getattr(d, method)(base))


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: fdiv.alpha(np.nan), "alpha"),
        (lambda: fdiv.alpha(np.inf), "alpha"),
        (lambda: fdiv.alpha(-np.inf), "alpha"),
        (lambda: fdiv.alpha(1.0), "alpha"),
        (lambda: fdiv.alpha(0.0), "alpha"),
        (lambda: fdiv.alpha(np.array([0.5, 1.0])), "alpha"),
        (lambda: fdiv.js_weighted(np.nan), "pi"),
        (lambda: fdiv.js_weighted(-0.2), "pi"),
        (lambda: fdiv.js_weighted(0.0), "pi"),
        (lambda: fdiv.js_weighted(1.0), "pi"),
        (lambda: fdiv.js_weighted(np.inf), "pi"),
        (lambda: fdiv.get("alpha"), "alpha"),
        (lambda: fdiv.get("alpha", beta=1.0), "alpha"),
        (lambda: fdiv.get("kl", alpha=1.0), "kl"),
        (lambda: fdiv.get("nope"), "known"),
        (lambda: fdiv.get(3), "known"),
        (lambda: fdiv.discrete([0.5, 0.5], [0.5, 0.5], "nope"), "known"),
        (lambda: fdiv.log_ratio([0.0], "nope"), "critic"),
        (lambda: fdiv.generator_loss([0.0], "gan", "nope"), "target"),
        (lambda: fdiv.log_ratio([0.0], "gan", activation="relu"), "activation"),
        (lambda: fdiv.log_ratio([0.0], "gan", input="x"), "input"),
        (lambda: fdiv.bound([0.0, 1.0], [0.0, 1.0], "kl", kind="mine"), "kind"),
        (lambda: fdiv.bound([0.0, 1.0], [0.0, 1.0], "js", kind="dv"), "KL"),
        (lambda: fdiv.bound([np.nan, 1.0], [0.0, 1.0], "kl"), "NaN"),
        (lambda: fdiv.bound([np.inf, 1.0], [0.0, 1.0], "kl"), "finite"),
        (lambda: fdiv.critic_report([0.0, 1.0], [0.0, 1.0], true_log_ratio_real=[0.0]), "shape"),
        (lambda: fdiv.discrete([0.5, 0.5], [0.5, 0.5, 0.0], "kl"), "broadcast"),
        (lambda: fdiv.discrete([0.5, 0.5], [0.5, 0.5], "kl", axis=3), "axis"),
        (lambda: fdiv.discrete([-0.5, 1.5], [0.5, 0.5], "kl"), "nonnegative"),
        (lambda: fdiv.discrete([np.nan, 1.0], [0.5, 0.5], "kl"), "finite"),
        (lambda: fdiv.discrete([0.2, 0.2], [0.5, 0.5], "kl"), "sum to 1"),
        (lambda: fdiv.discrete([0.0, 0.0], [0.5, 0.5], "kl", normalize=True), "normalize"),
    ],
)
def test_bad_parameters_names_and_options(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("value", ["0.5", None, 1 + 2j, [None]])
def test_parameter_of_the_wrong_type(value):
    with pytest.raises(TypeError, match="alpha"):
        fdiv.alpha(value)
    with pytest.raises(TypeError, match="pi"):
        fdiv.js_weighted(value)


def test_raw_ufunc_nonfinite_parameters_give_nan():
    x = np.array([0.5, 1.0, 2.0])
    for c in (np.nan, np.inf, -np.inf, 0.0, 1.0):
        with np.errstate(**STRICT):
            assert np.isnan(fdiv.ufuncs.alpha_f(x, c)).all()
    for c in (np.nan, np.inf, 0.0, 1.0, -0.5, 1.5):
        with np.errstate(**STRICT):
            assert np.isnan(fdiv.ufuncs.js_weighted_conj(x, c)).all()


def test_valid_calls_leak_no_warning():
    v = np.array([-1e308, -800.0, -1.0, 0.0, 1.0, 800.0, 1e308])
    u = np.array([0.0, 5e-324, 1e-300, 1.0, 1e300, 1.7976931348623157e308, np.inf])
    with np.errstate(**STRICT):
        for d in DIVS:
            for method, arg in ELEMENTWISE.items():
                getattr(d, method)(u if arg == "u" else v)
            d.perspective(u[:-1], u[::-1][1:])
        for f in CRITIC_FUNCS.values():
            f(v)
        disjoint = fdiv.discrete([1.0, 0.0], [0.0, 1.0], "neyman")
        dv = fdiv.bound(v[1:-1], v[1:-1], "kl", kind="dv")
    assert disjoint == np.inf  # f(0+) + f'(inf) = inf + 1 (MATH.md section 0)
    assert np.isfinite(dv.value)
