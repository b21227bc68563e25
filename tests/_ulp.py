"""ULP error measure and reference-table access for tests/test_reference.py.

The tables in tests/data/<id>.csv are written by tests/gen_reference.py (columns
method,dtype,param,x,expected,tol_ulp; numbers as float.hex). The error of a kernel result is
measured in ULPs of the dtype at the expected value:

* both NaN -> 0; NaN where a number is expected, or a number where NaN is expected -> inf;
* expected +-inf -> 0 if the result is the same infinity, else inf;
* expected 0 (either sign) -> 0 if the result is 0, else |got| / smallest subnormal;
* otherwise |got - expected| / spacing(|expected|), the spacing taken in the dtype.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"
METHODS = ["f", "df", "d2f", "f_logu", "df_logu", "log_d2f_logu", "conj", "inv_df", "activation"]
DTYPES = ["float64", "float32"]


@dataclass(frozen=True)
class Table:
    """Reference rows of one (id, method, dtype)."""

    id: str
    method: str
    dtype: str
    x: np.ndarray
    param: np.ndarray | None
    expected: np.ndarray
    tol: np.ndarray  # float64: per-row tolerance in ulp

    @property
    def base_tol(self) -> float:
        """The tolerance away from conjugate-domain boundaries (the rule only ever raises it)."""
        return float(self.tol.min())


def ids() -> list[str]:
    return sorted(p.stem for p in DATA.glob("*.csv"))


@functools.cache
def load(id_: str) -> dict[tuple[str, str], Table]:
    rows: dict[tuple[str, str], list[list[str]]] = {}
    with open(DATA / f"{id_}.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.setdefault((r["method"], r["dtype"]), []).append(
                [r["param"], r["x"], r["expected"], r["tol_ulp"]]
            )
    out = {}
    for (method, dtype), rs in rows.items():
        dt = np.dtype(dtype)
        col = list(zip(*rs))
        param = None if col[0][0] == "" else np.array([float.fromhex(s) for s in col[0]], dt)
        x = np.array([float.fromhex(s) for s in col[1]], dt)
        expected = np.array([float.fromhex(s) for s in col[2]], dt)
        # the tables are hex-exact: a float32 row that does not round-trip is a generator bug
        for arr, strs in ((x, col[1]), (expected, col[2])):
            back = np.array([float.fromhex(s) for s in strs])
            assert np.array_equal(arr.astype(np.float64), back, equal_nan=True), (id_, method)
        out[(method, dtype)] = Table(
            id_, method, dtype, x, param, expected, np.array([float(s) for s in col[3]])
        )
    return out


def cases() -> list[tuple[str, str, str]]:
    """Every (id, method, dtype) present in tests/data, in a stable order."""
    out = []
    for id_ in ids():
        keys = load(id_)
        out += [(id_, m, d) for m in METHODS for d in DTYPES if (m, d) in keys]
    return out


def ulp_error(got, expected, dtype) -> np.ndarray:
    """Per-element error of got against expected in ULPs of dtype (rules in the module doc)."""
    dt = np.dtype(dtype)
    exp_ = np.asarray(expected, dtype=dt)
    got = np.asarray(got)
    err = np.full(exp_.shape, np.inf)
    with np.errstate(all="ignore"):
        g = got.astype(np.float64)
        e = exp_.astype(np.float64)
        gnan, enan = np.isnan(g), np.isnan(e)
        err[gnan & enan] = 0.0
        einf = np.isinf(e)
        err[einf & (g == e)] = 0.0
        ezero = e == 0
        m = ezero & ~gnan
        err[m] = np.abs(g[m]) / float(np.finfo(dt).smallest_subnormal)
        m = np.isfinite(e) & ~ezero & ~gnan
        spacing = np.spacing(np.abs(exp_[m])).astype(np.float64)
        err[m] = np.abs(g[m] - e[m]) / spacing
    return err


def ufunc(id_: str, method: str):
    import fdiv.ufuncs

    return getattr(fdiv.ufuncs, f"{id_}_{method}")


def compute(t: Table) -> np.ndarray:
    """The kernel's results on the table's inputs (floating-point warnings are not checked here:
    the tables include invalid inputs such as u < 0 on purpose)."""
    uf = ufunc(t.id, t.method)
    with np.errstate(all="ignore"):
        return uf(t.x) if t.param is None else uf(t.x, t.param)


def errors(id_: str, method: str, dtype: str):
    """(table, results, per-row ulp error)."""
    t = load(id_)[(method, dtype)]
    got = compute(t)
    return t, got, ulp_error(got, t.expected, dtype)


def max_errors(ill_conditioned: bool = True) -> dict[tuple[str, str, str], float]:
    """{(id, method, dtype): max error in ulp}. With ill_conditioned=False the rows whose
    tolerance was raised for the conditioning near a conjugate-domain boundary are left out."""
    out = {}
    for id_, method, dtype in cases():
        t, _, err = errors(id_, method, dtype)
        if not ill_conditioned:
            err = err[t.tol <= t.base_tol]
        out[(id_, method, dtype)] = float(err.max()) if err.size else 0.0
    return out


def failures() -> dict[tuple[str, str, str], int]:
    """{(id, method, dtype): number of rows over their tolerance}, failing cases only."""
    out = {}
    for id_, method, dtype in cases():
        t, _, err = errors(id_, method, dtype)
        n = int(np.count_nonzero(~(err <= t.tol)))
        if n:
            out[(id_, method, dtype)] = n
    return out


def fmt_ulp(e: float) -> str:
    if e == 0:
        return "0"
    if not np.isfinite(e):
        return "inf"
    if e < 100:
        return f"{e:.1f}"
    return f"{e:.1e}".replace("e+0", "e").replace("e+", "e")


def markdown_table(ill_conditioned: bool = False) -> str:
    """Max ULP error per (method, dtype) across ids, then per id; '*' marks a cell with a row
    over its tolerance."""
    errs = max_errors(ill_conditioned)
    fails = failures()
    all_ids = ids()

    def cell(keys):
        keys = [k for k in keys if k in errs]
        if not keys:
            return "-"
        s = fmt_ulp(max(errs[k] for k in keys))
        return s + ("*" if any(k in fails for k in keys) else "")

    lines = ["| dtype | " + " | ".join(METHODS) + " |", "|---|" + "---|" * len(METHODS)]
    for d in DTYPES:
        lines.append(
            f"| {d} | " + " | ".join(cell([(i, m, d) for i in all_ids]) for m in METHODS) + " |"
        )
    lines += [
        "",
        "| id (float64 / float32) | " + " | ".join(METHODS) + " |",
        "|---|" + "---|" * len(METHODS),
    ]
    for i in all_ids:
        lines.append(
            f"| {i} | "
            + " | ".join(
                f"{cell([(i, m, 'float64')])} / {cell([(i, m, 'float32')])}" for m in METHODS
            )
            + " |"
        )
    note = (
        "all rows"
        if ill_conditioned
        else "rows within 1e-12 of a conjugate-domain boundary, whose tolerance is 4x the "
        "condition number, are left out"
    )
    lines += [
        "",
        f"Max error in ULPs of the dtype against correctly rounded mpmath references "
        f"({note}); * = some row exceeds its tolerance (4 ulp; 45 for the Lambert-W "
        f"kernels jeffreys and softened_reverse_kl conj/inv_df).",
    ]
    return "\n".join(lines)
