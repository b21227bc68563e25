"""The display formulas of fdiv._formulas agree with the compiled kernels (rtol 1e-10)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import fdiv
from fdiv import _formulas
from fdiv._catalogue import CATALOGUE
from fdiv._formulas import FORMULAS, describe, evaluate

RTOL = 1e-10
KEYS = ("f", "df", "d2f", "conj", "inv_df", "activation")

CASES = [(n, {}) for n in fdiv.names() if n not in ("alpha", "js_weighted")]
CASES += [("alpha", {"alpha": a}) for a in (-1.5, 0.3, 0.5, 2.0, 3.0)]
CASES += [("js_weighted", {"pi": p}) for p in (0.2, 0.5, 0.7)]
CASE_IDS = [n + "".join(f"-{v}" for v in kw.values()) for n, kw in CASES]

U = np.array([0.05, 0.3, 0.8, 1.7, 4.0, 25.0])
V = np.array([-3.0, -0.5, 0.4, 2.5])


def _t_points(d) -> np.ndarray:
    """Points of dom f*: f'(u) at interior u, below f'(0+) where that is finite, near hi."""
    with np.errstate(all="ignore"):
        t = [d.df(U)]
        a = float(d.df(0.0))
        if math.isfinite(a):
            t.append([a - 0.5, a - 3.0])
        hi = d.conj_domain.hi
        if math.isfinite(hi):
            t.append([hi - 0.5, hi - 0.05])
    return np.concatenate([np.atleast_1d(np.asarray(x, dtype=float)) for x in t])


def _points(d, key: str) -> np.ndarray:
    if key in ("f", "df", "d2f"):
        return U
    if key == "activation":
        return V
    return _t_points(d)


def test_every_id_has_every_formula():
    assert sorted(FORMULAS) == sorted(fdiv.names())
    for name, entry in FORMULAS.items():
        for key in (*KEYS, "conj_domain"):
            assert isinstance(entry[key], str) and entry[key], (name, key)
        assert entry.get("exact", True) is True, name  # all formulas are evaluable


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize(("name", "kw"), CASES, ids=CASE_IDS)
def test_formula_matches_kernel(name, kw, key):
    d = fdiv.get(name, **kw)
    x = _points(d, key)
    with np.errstate(all="ignore"):
        want = getattr(d, key)(x)
        got = evaluate(name, key, x, **kw)
    assert got.shape == x.shape
    assert np.all(np.isfinite(want) | np.isinf(want)), (name, key, x, want)
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=0, err_msg=f"{name} {kw} {key}")


@pytest.mark.parametrize(("name", "kw"), CASES, ids=CASE_IDS)
def test_formulas_self_consistent(name, kw):
    """Fenchel-Young equality f*(f'(u)) = u f'(u) - f(u) and (f')^-1(f'(u)) = u."""
    with np.errstate(all="ignore"):
        f = evaluate(name, "f", U, **kw)
        df = evaluate(name, "df", U, **kw)
        conj = evaluate(name, "conj", df, **kw)
        np.testing.assert_allclose(conj, U * df - f, rtol=1e-9, atol=1e-14)
        if name != "total_variation":  # f' is not invertible
            np.testing.assert_allclose(evaluate(name, "inv_df", df, **kw), U, rtol=1e-9)
        # the activation maps into dom f*
        act = evaluate(name, "activation", np.linspace(-30.0, 30.0, 61), **kw)
        cd = fdiv.get(name, **kw).conj_domain
        assert np.all(act <= cd.hi) and (cd.hi_included or np.all(act < cd.hi))


@pytest.mark.parametrize(("name", "kw"), CASES, ids=CASE_IDS)
def test_derivatives_by_finite_differences(name, kw):
    h = 1e-6 * U

    def diff(key):
        return (evaluate(name, key, U + h, **kw) - evaluate(name, key, U - h, **kw)) / (2 * h)

    with np.errstate(all="ignore"):
        np.testing.assert_allclose(evaluate(name, "df", U, **kw), diff("f"), rtol=1e-6)
        if name != "total_variation":  # f'' is a point mass at u = 1
            np.testing.assert_allclose(evaluate(name, "d2f", U, **kw), diff("df"), rtol=1e-6)
        f1 = evaluate(name, "f", 1.0, **kw)
    assert f1 == pytest.approx(-math.log(4) if name == "gan" else 0.0, abs=1e-15)


LABELS = (
    "generator f(u), u = p/q:",
    "first derivative f'(u):",
    "second derivative f''(u):",
    "convex conjugate f*(t):",
    "domain of f*:",
    "inverse derivative (f')^-1(t):",
    "output activation g_f(v):",
    "dual (reverse) divergence:",
    "tail weights (L, R):",
    "f(0+), price",
    "f'(inf), price",
)


@pytest.mark.parametrize(("name", "kw"), CASES + [("alpha", {}), ("js_weighted", {})])
def test_describe(name, kw):
    with np.errstate(all="ignore"):
        text = describe(name, **kw)
    assert text.splitlines()[0].endswith(CATALOGUE[name][4])
    for label in LABELS:
        assert label in text, (name, label)
    assert "np." not in text and "**" not in text and "sp." not in text
    defaults = {"alpha": {"alpha": 0.5}, "js_weighted": {"pi": 0.5}}
    d = fdiv.get(name, **(kw or defaults.get(name, {})))
    dual = d.dual
    label = dual.name + (
        f"({', '.join(f'{v:g}' for v in dual.params.values())})" if dual.params else ""
    )
    assert label in text
    if kw:  # the parameter value is substituted
        assert "a)" not in text.split("\n", 1)[1] and " pi " not in text.split("\n", 1)[1]


def test_describe_parameter_defaults_and_errors():
    assert describe("alpha") == describe("alpha", alpha=0.5)
    assert describe("js_weighted") == describe("js_weighted", pi=0.5)
    assert "alpha = 2" in describe("alpha", alpha=2.0)
    assert "(u^2 - 1 - 2 (u - 1))/2" in describe("alpha", alpha=2.0)
    assert "0.21/(u (0.3 u + 0.7))" in describe("js_weighted", pi=0.3)
    assert "all real t" in describe("alpha", alpha=3.0)
    assert "t <= 0.4" in describe("alpha", alpha=-1.5)
    assert "u log(u)" in describe("kl")
    with pytest.raises(ValueError):
        describe("nope")
    with pytest.raises(ValueError):
        describe("kl", alpha=0.5)
    with pytest.raises(ValueError):
        describe("alpha", pi=0.5)


def test_display_keeps_stored_strings_evaluable():
    before = {n: dict(e) for n, e in FORMULAS.items()}
    for name in FORMULAS:
        describe(name)
    assert before == {n: dict(e) for n, e in FORMULAS.items()}
    assert _formulas._display("u*np.log(u)") == "u log(u)"
    assert _formulas._display("(u - 1)**2") == "(u - 1)^2"
