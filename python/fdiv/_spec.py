"""A small grammar for distributions on the command line: ``normal(0, 1)``,
``mixture(0.5*normal(-2,1), 0.5*normal(2,1))``, ``mvnormal([0,0], [[1,0],[0,1]])``.

    spec     := NAME [ "(" [ arg ("," arg)* ] ")" ]
    arg      := [ NAME "=" ] value
    value    := NUMBER | "[" [ value ("," value)* ] "]" | term
    term     := [ NUMBER "*" ] spec          (a weight, inside mixture(...) only)

Names (positional arguments in this order; keywords by these names):

    normal(loc=0, scale=1)        laplace(loc=0, scale=1)       logistic(loc=0, scale=1)
    cauchy(loc=0, scale=1)        t(df, loc=0, scale=1)         uniform(low=0, high=1)
    beta(a, b)                    gamma(shape, scale=1)         exponential(scale=1)
    poisson(rate)                 mvnormal(mean, cov)           mvt(df, loc, scale)
    independent(spec, spec, ...)  mixture(w*spec, w*spec, ...)  ring(k=8, radius=2, scale=0.05)
    grid(n=5, spacing=2, scale=0.05)

(``studentt`` = ``t``, ``exp`` = ``exponential``, ``mvstudentt`` = ``mvt``, ``gaussian`` =
``normal``; names are case-insensitive.) A mistake raises :class:`SpecError`, whose message
points at the bad token.
"""

from __future__ import annotations

import re
from typing import Any

from . import dist, toy

__all__ = ["SpecError", "parse"]


class SpecError(ValueError):
    """A malformed distribution spec; ``str()`` shows the spec with a caret under the fault."""

    def __init__(self, text: str, pos: int, msg: str):
        self.text, self.pos, self.msg = text, pos, msg
        super().__init__(f"{msg} at position {pos + 1}:\n  {text}\n  {' ' * pos}^")


_TOKEN = re.compile(
    r"\s*(?:(?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[()\[\],=*]))"
)

_FAMILIES = {
    "normal": (dist.Normal, ("loc", "scale"), 0),
    "laplace": (dist.Laplace, ("loc", "scale"), 0),
    "logistic": (dist.Logistic, ("loc", "scale"), 0),
    "cauchy": (dist.Cauchy, ("loc", "scale"), 0),
    "t": (dist.StudentT, ("df", "loc", "scale"), 1),
    "uniform": (dist.Uniform, ("low", "high"), 0),
    "beta": (dist.Beta, ("a", "b"), 2),
    "gamma": (dist.Gamma, ("shape", "scale"), 1),
    "exponential": (dist.Exponential, ("scale",), 0),
    "poisson": (dist.Poisson, ("rate",), 1),
    "mvnormal": (dist.MvNormal, ("mean", "cov"), 2),
    "mvt": (dist.MvStudentT, ("df", "loc", "scale"), 3),
    "ring": (toy.ring, ("k", "radius", "scale"), 0),
    "grid": (toy.grid, ("n", "spacing", "scale"), 0),
}
_ALIASES = {"studentt": "t", "exp": "exponential", "mvstudentt": "mvt", "gaussian": "normal"}


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = []  # (kind, value, position)
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                start = len(text) - len(text[pos:].lstrip())
                raise SpecError(text, start, f"unexpected character {text[start]!r}")
            kind = m.lastgroup
            self.toks.append((kind, m.group(kind), m.start(kind)))
            pos = m.end()
        self.toks.append(("end", "", len(text)))
        self.i = 0

    def peek(self):
        return self.toks[self.i]

    def take(self, kind=None, value=None, what=None):
        tok = self.toks[self.i]
        if (kind and tok[0] != kind) or (value and tok[1] != value):
            got = "the end" if tok[0] == "end" else repr(tok[1])
            raise SpecError(self.text, tok[2], f"expected {what or value or kind}, got {got}")
        self.i += 1
        return tok

    def fail(self, tok, msg):
        raise SpecError(self.text, tok[2], msg)

    # value := NUMBER | list | term
    def value(self, weighted=False):
        tok = self.peek()
        if tok[0] == "num":
            self.i += 1
            num = float(tok[1])
            if self.peek()[1] == "*":
                if not weighted:
                    self.fail(self.peek(), "a weight 'w*spec' is only allowed inside mixture(...)")
                self.i += 1
                return ("weighted", num, self.spec(), tok)
            return num
        if tok[1] == "[":
            self.i += 1
            items = []
            if self.peek()[1] != "]":
                items.append(self.value())
                while self.peek()[1] == ",":
                    self.i += 1
                    items.append(self.value())
            self.take("op", "]", "',' or ']'")
            return items
        if tok[0] == "name":
            return self.spec()
        self.fail(tok, "expected a number, a list or a distribution" if tok[0] != "end"
                  else "expected a value, got the end")  # fmt: skip

    # spec := NAME [ "(" args ")" ]
    def spec(self):
        name_tok = self.take("name", what="a distribution name")
        name = _ALIASES.get(name_tok[1].lower(), name_tok[1].lower())
        args, kwargs = [], {}
        if self.peek()[1] == "(":
            self.i += 1
            if self.peek()[1] != ")":
                while True:
                    tok = self.peek()
                    if tok[0] == "name" and self.toks[self.i + 1][1] == "=":
                        self.i += 2
                        if tok[1] in kwargs:
                            self.fail(tok, f"argument {tok[1]!r} given twice")
                        kwargs[tok[1]] = (self.value(weighted=name == "mixture"), tok)
                    else:
                        if kwargs:
                            self.fail(tok, "a positional argument after a keyword one")
                        args.append((self.value(weighted=name == "mixture"), tok))
                    if self.peek()[1] != ",":
                        break
                    self.i += 1
            self.take("op", ")", "',' or ')'")
        return self.build(name, name_tok, args, kwargs)

    def build(self, name, tok, args, kwargs):
        if name == "mixture":
            if kwargs:
                self.fail(tok, "mixture takes weighted components only: mixture(w*spec, ...)")
            comps, weights = [], []
            for a, atok in args:
                if not (isinstance(a, tuple) and a[0] == "weighted"):
                    self.fail(atok, "a mixture component needs a weight: w*spec")
                weights.append(a[1])
                comps.append(a[2])
            if not comps:
                self.fail(tok, "mixture needs at least one component")
            return self.call(tok, dist.Mixture, comps, weights)
        if name == "independent":
            if kwargs or not args:
                self.fail(tok, "independent takes one or more 1-D distributions")
            return self.call(tok, dist.Independent, [a for a, _ in args])
        if name not in _FAMILIES:
            known = ", ".join(sorted(set(_FAMILIES) | {"mixture", "independent"}))
            self.fail(tok, f"unknown distribution {tok[1]!r} (known: {known})")
        cls, names, required = _FAMILIES[name]
        if len(args) > len(names):
            self.fail(args[len(names)][1], f"{name} takes at most {len(names)} arguments")
        values = {n: a for n, (a, _) in zip(names, args)}
        for key, (val, ktok) in kwargs.items():
            if key not in names:
                self.fail(ktok, f"{name} has no argument {key!r} (it takes {', '.join(names)})")
            if key in values:
                self.fail(ktok, f"argument {key!r} given twice")
            values[key] = val
        missing = [n for n in names[:required] if n not in values]
        if missing:
            self.fail(tok, f"{name} needs {', '.join(missing)}")
        for key, val in values.items():
            if isinstance(val, (dist.Distribution, tuple)):
                self.fail(tok, f"argument {key!r} of {name} must be a number or a list")
        if name in ("ring", "grid") and names[0] in values:
            values[names[0]] = int(values[names[0]])
        return self.call(tok, cls, **values)

    def call(self, tok, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (TypeError, ValueError) as e:
            self.fail(tok, str(e))


def parse(text: str) -> Any:
    """The fdiv.dist distribution a spec describes (module docstring: the grammar)."""
    p = _Parser(text)
    if p.peek()[0] == "end":
        raise SpecError(text, 0, "empty distribution spec")
    d = p.spec()
    if p.peek()[0] != "end":
        p.fail(p.peek(), f"unexpected {p.peek()[1]!r} after the distribution")
    return d
