"""Human-readable formulas of the catalogue (MATH.md §3), for ``fdiv info NAME`` and the docs.

``FORMULAS[id]`` maps each catalogue id to a dict of formula strings:

* ``"f"``, ``"df"``, ``"d2f"``: the generator f(u), f'(u), f''(u) in the density ratio u = p/q;
* ``"conj"``: the convex conjugate f*(t) = sup_{u >= 0} (u t - f(u)), valid on dom f*;
* ``"conj_domain"``: dom f* as text (e.g. ``"t < 0"``, ``"all real t"``);
* ``"inv_df"``: (f')^-1(t), extended as the maximiser of u t - f(u) over u >= 0;
* ``"activation"``: the f-GAN output activation g_f(v) mapping a raw critic output v into dom f*
  (the ratio activation f'(e^v) for entries without an f-GAN activation).

Every formula is a valid NumPy expression in ``u``, ``t`` or ``v`` that uses ``np`` (NumPy),
``sp`` (``scipy.special``, for the Lambert W conjugates) and the family parameters ``a`` (alpha)
and ``pi`` (js_weighted); :func:`evaluate` evaluates one. An entry ``"exact": False`` would mark
a formula that is only descriptive text; all current entries are evaluable. ``"branches"`` lists,
for the alpha family, the formula of each parameter range (used by :func:`describe`).

These strings are documentation: the numbers fdiv computes come from the compiled kernels,
which use the cancellation-free forms of MATH.md §3 rather than these textbook expressions.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

__all__ = ["FORMULAS", "describe", "evaluate"]

FORMULAS: dict = {
    "kl": {
        "f": "u*np.log(u)",
        "df": "1 + np.log(u)",
        "d2f": "1/u",
        "conj": "np.exp(t - 1)",
        "conj_domain": "all real t",
        "inv_df": "np.exp(t - 1)",
        "activation": "v",
    },
    "reverse_kl": {
        "f": "-np.log(u)",
        "df": "-1/u",
        "d2f": "1/u**2",
        "conj": "-1 - np.log(-t)",
        "conj_domain": "t < 0",
        "inv_df": "-1/t",
        "activation": "-np.exp(-v)",
    },
    "pearson": {
        "f": "(u - 1)**2",
        "df": "2*(u - 1)",
        "d2f": "2.0",
        "conj": "np.where(t >= -2, t + t**2/4, -1.0)",
        "conj_domain": "all real t",
        "inv_df": "np.maximum(1 + t/2, 0.0)",
        "activation": "v",
    },
    "neyman": {
        "f": "(1 - u)**2/u",
        "df": "1 - 1/u**2",
        "d2f": "2/u**3",
        "conj": "2 - 2*np.sqrt(1 - t)",
        "conj_domain": "t <= 1",
        "inv_df": "1/np.sqrt(1 - t)",
        "activation": "1 - np.exp(-v)",
    },
    "squared_hellinger": {
        "f": "(np.sqrt(u) - 1)**2",
        "df": "1 - 1/np.sqrt(u)",
        "d2f": "1/(2*u**1.5)",
        "conj": "t/(1 - t)",
        "conj_domain": "t < 1",
        "inv_df": "1/(1 - t)**2",
        "activation": "1 - np.exp(-v)",
    },
    "jeffreys": {
        "f": "(u - 1)*np.log(u)",
        "df": "np.log(u) + 1 - 1/u",
        "d2f": "(1 + 1/u)/u",
        # w = W0(e^(1 - t)) (Lambert W, principal branch): f* = 1/w - 1 - log w, (f')^-1 = 1/w
        "conj": "1/sp.lambertw(np.exp(1 - t)).real - 1 - np.log(sp.lambertw(np.exp(1 - t)).real)",
        "conj_domain": "all real t",
        "inv_df": "1/sp.lambertw(np.exp(1 - t)).real",
        "activation": "v",
    },
    "js": {
        "f": "(u*np.log(u) - (1 + u)*np.log((1 + u)/2))/2",
        "df": "np.log(2*u/(1 + u))/2",
        "d2f": "1/(2*u*(1 + u))",
        "conj": "-np.log(2 - np.exp(2*t))/2",
        "conj_domain": "t < log(2)/2",
        "inv_df": "np.exp(2*t)/(2 - np.exp(2*t))",
        "activation": "(np.log(2) - np.logaddexp(0, -v))/2",
    },
    "js_weighted": {
        "f": "pi*u*np.log(u) - (pi*u + 1 - pi)*np.log(pi*u + 1 - pi)",
        "df": "pi*np.log(u/(pi*u + 1 - pi))",
        "d2f": "pi*(1 - pi)/(u*(pi*u + 1 - pi))",
        "conj": "(1 - pi)*np.log((1 - pi)/(1 - pi*np.exp(t/pi)))",
        "conj_domain": "t < -pi log(pi)",
        "inv_df": "(1 - pi)/(np.exp(-t/pi) - pi)",
        "activation": "-pi*np.log(pi) - np.logaddexp(0, -v)",
    },
    "gan": {
        "f": "u*np.log(u) - (1 + u)*np.log(1 + u)",
        "df": "np.log(u/(1 + u))",
        "d2f": "1/(u*(1 + u))",
        "conj": "-np.log(1 - np.exp(t))",
        "conj_domain": "t < 0",
        "inv_df": "np.exp(t)/(1 - np.exp(t))",
        "activation": "-np.logaddexp(0, -v)",
    },
    "total_variation": {
        "f": "np.abs(u - 1)/2",
        "df": "np.sign(u - 1)/2",
        # f'' is 0 off u = 1 and a unit point mass at u = 1 (reported as +inf there)
        "d2f": "np.where(u == 1, np.inf, 0.0)",
        "conj": "np.maximum(t, -0.5)",
        "conj_domain": "t <= 1/2",
        # set valued at t = -1/2 ([0, 1]) and t = 1/2 ([1, inf)): the kernel returns 0 and inf
        "inv_df": "np.where(t <= -0.5, 0.0, np.where(t < 0.5, 1.0, np.inf))",
        "activation": "np.tanh(v)/2",
    },
    "triangular": {
        "f": "(u - 1)**2/(u + 1)",
        "df": "1 - 4/(u + 1)**2",
        "d2f": "8/(u + 1)**3",
        "conj": "np.where(t >= -3, 4 - t - 4*np.sqrt(1 - t), -1.0)",
        "conj_domain": "t <= 1",
        "inv_df": "np.maximum(2/np.sqrt(1 - t) - 1, 0.0)",
        # no f-GAN entry: the ratio activation f'(e^v)
        "activation": "np.tanh(v/2)*(1 + 2/(1 + np.exp(v)))",
    },
    "le_cam": {
        "f": "(u - 1)**2/(2*(u + 1))",
        "df": "(1 - 4/(u + 1)**2)/2",
        "d2f": "4/(u + 1)**3",
        "conj": "np.where(t >= -1.5, 2 - t - 2*np.sqrt(1 - 2*t), -0.5)",
        "conj_domain": "t <= 1/2",
        "inv_df": "np.maximum(2/np.sqrt(1 - 2*t) - 1, 0.0)",
        "activation": "np.tanh(v/2)*(1 + 2/(1 + np.exp(v)))/2",
    },
    "alpha": {
        "f": "(u**a - 1 - a*(u - 1))/(a*(a - 1))",
        "df": "(u**(a - 1) - 1)/(a - 1)",
        "d2f": "u**(a - 2)",
        # on dom f*; the clamp at 0 gives f* = -1/a for t <= -1/(a - 1) when a > 1
        "conj": "(np.maximum(1 + (a - 1)*t, 0)**(a/(a - 1)) - 1)/a",
        "conj_domain": "t < 1/(1 - a) if 0 < a < 1; t <= 1/(1 - a) if a < 0; all real t if a > 1",
        "inv_df": "np.maximum(1 + (a - 1)*t, 0)**(1/(a - 1))",
        "activation": "np.where(a < 1, 1/(1 - a) - np.logaddexp(0, -v), v)",
        "branches": {
            "conj_domain": [
                ("a < 0", "t <= 1/(1 - a)"),
                ("0 < a < 1", "t < 1/(1 - a)"),
                ("a > 1", "all real t"),
            ],
            "activation": [
                ("a < 1", "1/(1 - a) - np.logaddexp(0, -v)"),
                ("a > 1", "v"),
            ],
        },
    },
    "softened_reverse_kl": {
        "f": "(1 + u)*np.log((1 + u)/(2*u))",
        "df": "np.log((1 + u)/(2*u)) - 1/u",
        "d2f": "1/(u**2*(1 + u))",
        # W = W_-1(-2 e^(t - 1)) (Lambert W, lower branch): f* = log 2 - 1 - log(-W),
        # (f')^-1 = -1/(1 + W)
        "conj": "np.log(2) - 1 - np.log(-sp.lambertw(-2*np.exp(t - 1), -1).real)",
        "conj_domain": "t <= -log(2)",
        "inv_df": "-1/(1 + sp.lambertw(-2*np.exp(t - 1), -1).real)",
        # no f-GAN entry: the ratio activation f'(e^v)
        "activation": "np.logaddexp(0, -v) - np.log(2) - np.exp(-v)",
    },
    "softened_kl": {
        "f": "(1 + u)*np.log((1 + u)/2)",
        "df": "1 + np.log((1 + u)/2)",
        "d2f": "1/(1 + u)",
        "conj": "np.where(t >= 1 - np.log(2), 2*np.exp(t - 1) - t, np.log(2))",
        "conj_domain": "all real t",
        "inv_df": "np.maximum(2*np.exp(t - 1) - 1, 0.0)",
        # no f-GAN entry: the ratio activation f'(e^v)
        "activation": "1 + np.logaddexp(0, v) - np.log(2)",
    },
}

_KEYS = ("f", "df", "d2f", "conj", "inv_df", "activation")
_VARIABLE = {"f": "u", "df": "u", "d2f": "u", "conj": "t", "inv_df": "t", "activation": "v"}
_PARAM_SYMBOL = {"alpha": ("alpha", "a"), "js_weighted": ("pi", "pi")}
_DEFAULT_PARAM = 0.5


def _param_value(name: str, param: dict) -> Any:
    """The family parameter (default 0.5) as (keyword, symbol, value), or None."""
    if name not in _PARAM_SYMBOL:
        if param:
            raise ValueError(f"{name} takes no parameters, got {sorted(param)}")
        return None
    keyword, symbol = _PARAM_SYMBOL[name]
    extra = set(param) - {keyword}
    if extra:
        raise ValueError(f"{name} takes the parameter {keyword!r} only, got {sorted(extra)}")
    return keyword, symbol, float(param.get(keyword, _DEFAULT_PARAM))


def _formula(name: str, key: str, symbol: str | None, value: float | None) -> str:
    """The stored formula, or for the alpha family the branch matching the parameter."""
    entry = FORMULAS[name]
    for cond, text in entry.get("branches", {}).get(key, ()):
        if eval(cond, {}, {symbol: value}):  # noqa: S307 - our own constant strings
            return text
    return entry[key]


def evaluate(name: str, key: str, x: Any, **param: Any) -> np.ndarray:
    """Evaluate ``FORMULAS[name][key]`` at ``x`` (u, t or v) with NumPy and scipy.special.

    The family parameter is given as for :func:`fdiv.get` (``alpha=`` or ``pi=``, default 0.5).
    The result has the shape of ``x``; floating-point warnings are suppressed (the piecewise
    formulas evaluate every branch).
    """
    import scipy.special as sp

    entry = FORMULAS[name]
    if entry.get("exact", True) is False:
        raise ValueError(f"the formulas of {name} are descriptive text only")
    pv = _param_value(name, param)
    x = np.asarray(x, dtype=np.float64)
    scope = {"np": np, "sp": sp, _VARIABLE[key]: x}
    if pv is not None:
        scope[pv[1]] = pv[2]
    with np.errstate(all="ignore"):  # np.where evaluates both branches
        res = eval(entry[key], {"__builtins__": {}}, scope)  # noqa: S307 - constant strings
    return np.asarray(res, dtype=np.float64) + np.zeros_like(x)


def _fmt_number(value: float) -> str:
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    return f"({text})" if value < 0 else text


# Parameter sub-expressions folded into one number when a parameter value is substituted.
_FOLD = {
    "a": ("a*(a - 1)", "a/(a - 1)", "1/(a - 1)", "1/(1 - a)", "a - 1", "a - 2", "1 - a"),
    "pi": ("-pi*np.log(pi)", "pi*(1 - pi)", "1 - pi"),
}


def _substitute(expr: str, symbol: str, value: float) -> str:
    """Put the parameter value into ``expr``, folding the sub-expressions of _FOLD."""
    s = expr
    for pattern in _FOLD.get(symbol, ()):
        num = eval(pattern, {"np": np}, {symbol: value})  # noqa: S307 - constant patterns
        text = f"{float(num):.10g}"
        s = s.replace(f"({pattern})", f"({text})" if num < 0 else text)
        # a bare pattern only where it is not an operand of a tighter operator (u**a - 1)
        top = re.sub(r"\([^()]*\)", "", pattern)  # a product may be followed by * or /
        after = r"(?![\w*/(.])" if (" - " in top or " + " in top) else r"(?![\w(.])"
        bare = r"(?<![\w*/.])" + re.escape(pattern) + after
        s = re.sub(bare, f"({text})" if num < 0 else text, s)
    s = re.sub(rf"\b{symbol}\b", _fmt_number(value), s)
    s = re.sub(r"\+ \(-([0-9.e+]+)\)", r"- \1", s)
    s = re.sub(r"- \(-([0-9.e+]+)\)", r"+ \1", s)
    s = re.sub(r"(?<![\w.])1\*(?=[\w(])", "", s)  # 1*x -> x
    s = re.sub(r"(\*\*|/)1(?![\w.(])", "", s)  # x**1, x/1 -> x
    s = re.sub(r"\b[a-z]\*\*0(?![\w.(])", "1", s)  # x**0 -> 1
    return s


def _display(expr: str, symbol: str | None = None, value: float | None = None) -> str:
    """A stored NumPy expression in reading form: log, sqrt, softplus, ^, implicit products."""
    s = expr
    s = re.sub(r"sp\.lambertw\(([^()]*(?:\([^()]*\))*[^()]*), -1\)\.real", r"W_-1(\1)", s)
    s = re.sub(r"sp\.lambertw\(([^()]*(?:\([^()]*\))*[^()]*)\)\.real", r"W0(\1)", s)
    s = s.replace("np.logaddexp(0, ", "softplus(")
    s = s.replace("np.", "")
    if symbol is not None:
        s = _substitute(s, symbol, value)
    s = s.replace("**", "^")
    s = re.sub(r"(?<=[\w)])\*(?=[\w(])", " ", s)
    return s


def _num(value: Any) -> str:
    """Shortest round-trip text of a float, without a trailing .0."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def describe(name: str, **param: Any) -> str:
    """Multi-line plain-text description of a catalogue entry, for ``fdiv info NAME``.

    Parametric families take their parameter as for :func:`fdiv.get` (``alpha=`` / ``pi=``);
    it defaults to 0.5 and is substituted into the formulas.
    """
    from . import _api
    from ._catalogue import CATALOGUE

    if name not in FORMULAS:
        raise ValueError(f"unknown divergence {name!r}; known: {', '.join(FORMULAS)}")
    pv = _param_value(name, param)
    if pv is None:
        d = _api.get(name)
        symbol = value = None
        header = f"{name}: {CATALOGUE[name][4]}"
    else:
        keyword, symbol, value = pv
        d = _api.get(name, **{keyword: value})
        header = f"{name} ({keyword} = {_num(value)}): {CATALOGUE[name][4]}"

    def show(key: str) -> str:
        return _display(_formula(name, key, symbol, value), symbol, value)

    dom = _formula(name, "conj_domain", symbol, value)
    if symbol is not None:
        dom = _display(dom, symbol, value)
    cd = d.conj_domain
    hi = _num(cd.hi)
    dom_num = f"(-inf, {hi}{']' if cd.hi_included else ')'}"
    L, R = d.tail_weights
    dual = d.dual
    dual_text = (
        dual.name
        if not dual.params
        else (f"{dual.name}({', '.join(f'{v:g}' for v in dual.params.values())})")
    )
    rows = [
        ("generator f(u), u = p/q:", show("f")),
        ("first derivative f'(u):", show("df")),
        ("second derivative f''(u):", show("d2f")),
        ("convex conjugate f*(t):", show("conj")),
        ("  domain of f*:", f"{dom}   i.e. t in {dom_num}"),
        ("inverse derivative (f')^-1(t):", show("inv_df")),
        ("output activation g_f(v):", show("activation")),
        ("dual (reverse) divergence:", f"{dual_text}   (D_dual(P||Q) = D(Q||P))"),
        ("tail weights (L, R):", f"({_num(L)}, {_num(R)})"),
        ("f(0+), price of Q-mass off P:", _num(d.f0)),
        ("f'(inf), price of P-mass off Q:", _num(d.df_inf)),
    ]
    lines = [header] + [f"  {label:<33}{text}" for label, text in rows]
    body = "\n".join(lines)
    if "softplus" in body:
        lines.append("  (softplus(x) = log(1 + e^x))")
    if "W0(" in body or "W_-1(" in body:
        lines.append(
            "  (W0, W_-1: the principal and lower real branches of the Lambert W function)"
        )
    return "\n".join(lines)
