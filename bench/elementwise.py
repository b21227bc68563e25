"""Elementwise kernels: fdiv against the NumPy formulas people write, and a copy.

    python bench/elementwise.py [--sizes 1e3 1e5 1e7] [--repeat 7] [--save]

Prints median ns/element and GB/s (input + output bytes) for fdiv at 1 and 2 OpenMP threads,
NumPy (and numexpr when installed) evaluating the usual formula, and `y[:] = x`, with the
ratio numpy/fdiv. Every run checks fdiv's result against the NumPy one before timing.
--save writes bench/results/<date>-<commit>-<machine>.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import time
from pathlib import Path

import numpy as np

import fdiv

try:  # optional peer
    import numexpr
except ImportError:  # pragma: no cover
    numexpr = None

HERE = Path(__file__).resolve().parent


def _softplus(x):
    return np.logaddexp(0.0, x)


# name, input generator, fdiv call (x, out), numpy formula, numexpr formula or None
CASES = [
    (
        "kl f_logu: V e^V",
        lambda n, dt: np.linspace(-20, 20, n, dtype=dt),
        lambda x, out: fdiv.kl.f_logu(x, out=out),
        lambda x: x * np.exp(x),
        "x * exp(x)",
    ),
    (
        "gan loss softplus(-V) (srkl objective)",
        lambda n, dt: np.linspace(-20, 20, n, dtype=dt),
        lambda x, out: fdiv.ufuncs.softened_reverse_kl_objective_logu(x, out=out),
        lambda x: _softplus(-x) + (1 - np.log(2)),
        "log1p(exp(-x)) + 0.3068528194400547",
    ),
    (
        "kl conj: e^(t-1)",
        lambda n, dt: np.linspace(-20, 20, n, dtype=dt),
        lambda x, out: fdiv.kl.conj(x, out=out),
        lambda x: np.exp(x - 1),
        "exp(x - 1)",
    ),
    (
        "js f(u)",
        lambda n, dt: np.geomspace(1e-3, 1e3, n, dtype=dt),
        lambda x, out: fdiv.js.f(x, out=out),
        lambda x: 0.5 * (x * np.log(x) - (1 + x) * np.log((1 + x) / 2)),
        "0.5 * (x * log(x) - (1 + x) * log((1 + x) / 2))",
    ),
    (
        "alpha(0.5) generator objective",
        lambda n, dt: np.linspace(-20, 20, n, dtype=dt),
        lambda x, out: fdiv.ufuncs.alpha_objective_logu(x, 0.5, out=out),
        lambda x: -np.expm1(0.5 * x) / 0.5,
        "-(exp(0.5 * x) - 1) / 0.5",
    ),
    (
        "squared_hellinger f(u)",
        lambda n, dt: np.geomspace(1e-3, 1e3, n, dtype=dt),
        lambda x, out: fdiv.squared_hellinger.f(x, out=out),
        lambda x: (np.sqrt(x) - 1) ** 2,
        "(sqrt(x) - 1) ** 2",
    ),
    (
        "jeffreys conj (Wright omega)",
        lambda n, dt: np.linspace(-20, 5, n, dtype=dt),
        lambda x, out: fdiv.jeffreys.conj(x, out=out),
        None,
        None,
    ),
]


def _median_ns(fn, n, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - t0)
    return float(np.median(times)) / n


def run(sizes, repeat, dtypes):
    rows = []
    for dt in dtypes:
        for n in sizes:
            x = None
            for name, gen, f_fdiv, f_np, f_ne in CASES:
                x = gen(n, dt)
                out = np.empty_like(x)
                f_fdiv(x, out)
                if f_np is not None:
                    with np.errstate(all="ignore"):
                        ref = f_np(x)
                    tol = 1e-5 if dt == np.float32 else 1e-9
                    ok = np.isfinite(ref)
                    assert np.allclose(out[ok], ref[ok], rtol=tol, atol=tol), name
                row = {"kernel": name, "dtype": np.dtype(dt).name, "n": n}
                for threads in (1, 2):
                    fdiv.set_num_threads(threads)
                    row[f"fdiv_{threads}t"] = _median_ns(lambda: f_fdiv(x, out), n, repeat)
                fdiv.set_num_threads(0)
                if f_np is not None:
                    with np.errstate(all="ignore"):
                        row["numpy"] = _median_ns(lambda: f_np(x), n, repeat)
                if numexpr is not None and f_ne is not None:
                    numexpr.set_num_threads(2)
                    row["numexpr_2t"] = _median_ns(
                        lambda: numexpr.evaluate(f_ne, local_dict={"x": x}, out=out), n, repeat
                    )
                rows.append(row)
            y = np.empty_like(x)
            rows.append(
                {
                    "kernel": "copy y[:] = x",
                    "dtype": np.dtype(dt).name,
                    "n": n,
                    "copy": _median_ns(lambda: np.copyto(y, x), n, repeat),
                }
            )
    return rows


def show(rows):
    print(
        f"{'kernel':<40}{'dtype':>8}{'n':>10}{'fdiv 1t':>9}{'fdiv 2t':>9}{'numpy':>9}"
        f"{'numexpr':>9}{'np/fdiv':>9}{'GB/s 2t':>9}   (ns/element)"
    )
    for r in rows:
        item = 8 if r["dtype"] == "float64" else 4
        if "copy" in r:
            print(
                f"{r['kernel']:<40}{r['dtype']:>8}{r['n']:>10}{'':>9}{'':>9}{'':>9}{'':>9}{'':>9}"
                f"{2 * item / r['copy']:>9.2f}   copy {r['copy']:.3f} ns"
            )
            continue
        npv = r.get("numpy")
        ratio = f"{npv / r['fdiv_2t']:.2f}" if npv else "-"
        print(
            f"{r['kernel']:<40}{r['dtype']:>8}{r['n']:>10}{r['fdiv_1t']:>9.3f}{r['fdiv_2t']:>9.3f}"
            f"{npv if npv is None else round(npv, 3)!s:>9}{round(r.get('numexpr_2t', float('nan')), 3)!s:>9}"
            f"{ratio:>9}{2 * item / r['fdiv_2t']:>9.2f}"
        )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1e3, 1e5, 1e7])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--dtypes", nargs="+", default=["float64", "float32"])
    ap.add_argument("--save", action="store_true")
    a = ap.parse_args()
    rows = run([int(s) for s in a.sizes], a.repeat, [np.dtype(d).type for d in a.dtypes])
    show(rows)
    if a.save:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
            ).stdout.strip()
            or "unknown"
        )
        machine = f"{platform.machine()}-{os.cpu_count()}cpu"
        stamp = datetime.date.today().isoformat()
        path = HERE / "results" / f"{stamp}-{commit}-{machine}.json"
        meta = {
            "commit": commit,
            "machine": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "numpy": np.__version__,
            "fdiv": fdiv.__version__,
        }
        path.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
        print(f"saved {path}")


if __name__ == "__main__":
    main()
