"""Elementwise kernels: fdiv against the formulas people write in NumPy and its peers, and a copy.

    python bench/elementwise.py [--sizes 1e3 1e5 1e7] [--dtypes float64 float32]
                                [--only kl_f_logu js_f ...] [--repeat 7] [--shuffle] [--save]

For every catalogue entry and method f, df, f_logu, conj, inv_df, activation, and for every
generator objective (MATH.md §6, `objective_logu`), prints the median ns/element with a
preallocated `out=` for fdiv at 1 and 2 OpenMP threads, the naive formula in NumPy and in the
installed peers (numexpr at 2 threads, torch eager at 2 threads, jax.jit: optional, `pip install
".[bench]"` for numexpr), fdiv's GB/s (input + output bytes), and the ratios
fastest peer / fdiv-2t and fdiv-2t / copy, where `copy` is y[:] = x at 2 threads (fdiv's
identity kernel through the same loop, the memory-bandwidth floor), measured again next to each
row. Each row first checks fdiv
against the NumPy formula (which loses digits near cancellations, hence the loose tolerance).
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

HERE = Path(__file__).resolve().parent
LN2 = "0.6931471805599453"

try:  # optional peers
    import numexpr
except ImportError:  # pragma: no cover
    numexpr = None
try:
    import torch
except ImportError:  # pragma: no cover
    torch = None
try:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
except ImportError:  # pragma: no cover
    jax = None

# The naive formula of each (id, method) in numexpr syntax: evaluated by numexpr as is, and by
# NumPy, torch and jax with their own functions bound to these names.  None: no closed form a
# user would write (Lambert W).
FORMULAS = {
    "kl": {
        "f": "x * log(x)",
        "df": "1 + log(x)",
        "f_logu": "x * exp(x)",
        "conj": "exp(x - 1)",
        "inv_df": "exp(x - 1)",
        "activation": "x",
        "objective_logu": "-exp(x)",
    },
    "reverse_kl": {
        "f": "-log(x)",
        "df": "-1 / x",
        "f_logu": "-x",
        "conj": "-1 - log(-x)",
        "inv_df": "-1 / x",
        "activation": "-exp(-x)",
        "objective_logu": "1 - x",
    },
    "pearson": {
        "f": "(x - 1) ** 2",
        "df": "2 * (x - 1)",
        "f_logu": "(exp(x) - 1) ** 2",
        "conj": "x + x * x / 4",
        "inv_df": "1 + x / 2",
        "activation": "x",
        "objective_logu": "1 - exp(2 * x)",
    },
    "neyman": {
        "f": "(x - 1) ** 2 / x",
        "df": "1 - 1 / (x * x)",
        "f_logu": "(exp(x) - 1) ** 2 / exp(x)",
        "conj": "2 - 2 * sqrt(1 - x)",
        "inv_df": "1 / sqrt(1 - x)",
        "activation": "1 - exp(-x)",
        "objective_logu": "2 * exp(-x) - 2",
    },
    "squared_hellinger": {
        "f": "(sqrt(x) - 1) ** 2",
        "df": "1 - 1 / sqrt(x)",
        "f_logu": "(exp(x / 2) - 1) ** 2",
        "conj": "x / (1 - x)",
        "inv_df": "1 / (1 - x) ** 2",
        "activation": "1 - exp(-x)",
        "objective_logu": "1 - exp(x / 2)",
    },
    "jeffreys": {
        "f": "(x - 1) * log(x)",
        "df": "log(x) + 1 - 1 / x",
        "f_logu": "x * (exp(x) - 1)",
        "conj": None,
        "inv_df": None,
        "activation": "x",
        "objective_logu": "1 - x - exp(x)",
    },
    "js": {
        "f": "0.5 * (x * log(x) - (1 + x) * log((1 + x) / 2))",
        "df": "0.5 * log(2 * x / (1 + x))",
        "f_logu": "0.5 * (exp(x) * x - (1 + exp(x)) * log((1 + exp(x)) / 2))",
        "conj": "-0.5 * log(2 - exp(2 * x))",
        "inv_df": "exp(2 * x) / (2 - exp(2 * x))",
        "activation": f"0.5 * ({LN2} - log(1 + exp(-x)))",
        "objective_logu": "-0.5 * log((1 + exp(x)) / 2)",
    },
    "gan": {
        "f": "x * log(x) - (1 + x) * log(1 + x)",
        "df": "log(x / (1 + x))",
        "f_logu": "x * exp(x) - (1 + exp(x)) * log(1 + exp(x))",
        "conj": "-log(1 - exp(x))",
        "inv_df": "exp(x) / (1 - exp(x))",
        "activation": "-log(1 + exp(-x))",
        "objective_logu": "-log(1 + exp(x))",
    },
    "total_variation": {
        "f": "0.5 * abs(x - 1)",
        "df": "where(x > 1, 0.5, -0.5)",
        "f_logu": "0.5 * abs(exp(x) - 1)",
        "conj": "where(x < -0.5, -0.5, x)",
        "inv_df": "where(x < -0.5, 0.0, 1.0)",
        "activation": "0.5 * tanh(x)",
        "objective_logu": "where(x > 0, -0.5, 0.5)",
    },
    "triangular": {
        "f": "(x - 1) ** 2 / (x + 1)",
        "df": "(x - 1) * (x + 3) / (x + 1) ** 2",
        "f_logu": "(exp(x) - 1) ** 2 / (exp(x) + 1)",
        "conj": "x * (3 - sqrt(1 - x)) / (1 + sqrt(1 - x))",
        "inv_df": "2 / sqrt(1 - x) - 1",
        "activation": "tanh(x / 2) * (1 + 2 / (1 + exp(x)))",
        "objective_logu": "-tanh(x / 2) * (3 - 2 / (1 + exp(x)))",
    },
    "le_cam": {
        "f": "0.5 * (x - 1) ** 2 / (x + 1)",
        "df": "0.5 * (x - 1) * (x + 3) / (x + 1) ** 2",
        "f_logu": "0.5 * (exp(x) - 1) ** 2 / (exp(x) + 1)",
        "conj": "x * (3 - sqrt(1 - 2 * x)) / (1 + sqrt(1 - 2 * x))",
        "inv_df": "2 / sqrt(1 - 2 * x) - 1",
        "activation": "0.5 * tanh(x / 2) * (1 + 2 / (1 + exp(x)))",
        "objective_logu": "-0.5 * tanh(x / 2) * (3 - 2 / (1 + exp(x)))",
    },
    "softened_reverse_kl": {
        "f": "(1 + x) * log((1 + x) / (2 * x))",
        "df": "log((1 + x) / (2 * x)) - 1 / x",
        "f_logu": "(1 + exp(x)) * log((1 + exp(x)) / (2 * exp(x)))",
        "conj": None,
        "inv_df": None,
        "activation": f"log(1 + exp(-x)) - {LN2} - exp(-x)",
        "objective_logu": f"log(1 + exp(-x)) + 1 - {LN2}",
    },
    "softened_kl": {
        "f": "(1 + x) * log((1 + x) / 2)",
        "df": f"1 + log(1 + x) - {LN2}",
        "f_logu": "(1 + exp(x)) * log((1 + exp(x)) / 2)",
        "conj": f"where(x < 1 - {LN2}, {LN2}, 2 * exp(x - 1) - x)",
        "inv_df": "2 * exp(x - 1) - 1",
        "activation": f"1 + log(1 + exp(x)) - {LN2}",
        "objective_logu": "log((1 + exp(x)) / 2) - exp(x)",
    },
    # the families at one parameter value
    "alpha(0.5)": {
        "f": "(sqrt(x) - 1 - 0.5 * (x - 1)) / -0.25",
        "df": "(1 / sqrt(x) - 1) / -0.5",
        "f_logu": "(exp(0.5 * x) - 1 - 0.5 * (exp(x) - 1)) / -0.25",
        "conj": "(1 / (1 - 0.5 * x) - 1) / 0.5",
        "inv_df": "1 / (1 - 0.5 * x) ** 2",
        "activation": "2 - log(1 + exp(-x))",
        "objective_logu": "-(exp(0.5 * x) - 1) / 0.5",
    },
    "js_weighted(0.5)": {
        "f": "0.5 * (x * log(x) - (1 + x) * log((1 + x) / 2))",
        "df": "0.5 * log(2 * x / (1 + x))",
        "f_logu": None,
        "conj": "-0.5 * log(2 - exp(2 * x))",
        "inv_df": "exp(2 * x) / (2 - exp(2 * x))",
        "activation": None,
        "objective_logu": "-0.5 * log((1 + exp(x)) / 2)",
    },
    # generic parameter values: alpha(1/2), alpha(2), alpha(-1) and js_weighted(1/2) run the
    # kernels of squared_hellinger, pearson, neyman and js (cpp/simd/members-inl.h)
    "alpha(0.3)": {
        "f": "(x ** 0.3 - 1 - 0.3 * (x - 1)) / -0.21",
        "df": "(x ** -0.7 - 1) / -0.7",
        "f_logu": "(exp(0.3 * x) - 1 - 0.3 * (exp(x) - 1)) / -0.21",
        "conj": "((1 - 0.7 * x) ** (0.3 / -0.7) - 1) / 0.3",
        "inv_df": "(1 - 0.7 * x) ** (1 / -0.7)",
        "activation": "1 / 0.7 - log(1 + exp(-x))",
        "objective_logu": "-(exp(0.3 * x) - 1) / 0.3",
    },
    "js_weighted(0.2)": {
        "f": "0.2 * x * log(x) - (0.2 * x + 0.8) * log(0.2 * x + 0.8)",
        "df": "0.2 * log(x / (0.2 * x + 0.8))",
        "f_logu": None,
        "conj": "-0.8 * log((1 - 0.2 * exp(x / 0.2)) / 0.8)",
        "inv_df": "0.8 * exp(x / 0.2) / (1 - 0.2 * exp(x / 0.2))",
        "activation": None,
        "objective_logu": "-0.8 * log(0.2 * exp(x) + 0.8)",
    },
}
METHODS = ("f", "df", "f_logu", "conj", "inv_df", "activation", "objective_logu")


def _divergence(key):
    uid, _, par = key.partition("(")
    if par:
        return getattr(fdiv, uid)(float(par.rstrip(")")))
    return fdiv.get(key)


def _inputs(div, method, n, dt):
    if method in ("f", "df"):
        return np.geomspace(1e-3, 1e3, n, dtype=dt)
    if method in ("conj", "inv_df"):
        # the range of f' (where the naive formulas hold), inside dom f*
        lo, hi = (float(v) for v in tuple(div.conj_domain)[:2])
        with np.errstate(all="ignore"):
            lo = max(lo, float(div.df(0.0)), -20.0)
            hi = min(hi, float(div.df(np.inf)), 20.0)
        pad = 1e-3 * (hi - lo)
        return np.linspace(lo + pad, hi - pad, n, dtype=dt)
    return np.linspace(-20, 20, n, dtype=dt)


def _numpy_ns():
    return {
        "exp": np.exp,
        "log": np.log,
        "sqrt": np.sqrt,
        "tanh": np.tanh,
        "abs": np.abs,
        "where": np.where,
    }


def _torch_ns():
    return {
        "exp": torch.exp,
        "log": torch.log,
        "sqrt": torch.sqrt,
        "tanh": torch.tanh,
        "abs": torch.abs,
        "where": lambda c, a, b: torch.where(c, torch.as_tensor(a), torch.as_tensor(b)),
    }


def _jax_ns():
    return {
        "exp": jnp.exp,
        "log": jnp.log,
        "sqrt": jnp.sqrt,
        "tanh": jnp.tanh,
        "abs": jnp.abs,
        "where": jnp.where,
    }


def _cpu_ticks():
    """(steal, total) jiffies of all CPUs from /proc/stat, or None where there is none."""
    try:
        with open("/proc/stat") as fh:
            v = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (v[7] if len(v) > 7 else 0), sum(v[:8])


STEAL_MAX = 0.02  # a measurement during which the host took more of the CPUs is taken again
STEAL = {"last": 0.0, "retried": 0}


def _median_ns(fn, n, repeat, tries=3):
    """Median over `repeat` samples; small calls are looped so a sample lasts >= ~2 ms.

    On a virtual machine the host may run other guests on our CPUs ("steal" time in
    /proc/stat): then a 2-thread figure can come out no better than 1 thread.  A measurement
    with more than STEAL_MAX of the CPU time stolen is taken again, up to `tries` times; the
    steal share of the one kept is left in STEAL["last"]."""
    fn()
    t0 = time.perf_counter_ns()
    fn()
    one = max(time.perf_counter_ns() - t0, 1)
    inner = max(1, min(10_000, 2_000_000 // one))
    for attempt in range(tries):
        c0 = _cpu_ticks()
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter_ns()
            for _ in range(inner):
                fn()
            times.append((time.perf_counter_ns() - t0) / inner)
        c1 = _cpu_ticks()
        steal = 0.0
        if c0 and c1 and c1[1] > c0[1]:
            steal = (c1[0] - c0[0]) / (c1[1] - c0[1])
        STEAL["last"] = steal
        if steal <= STEAL_MAX or attempt == tries - 1:
            break
        STEAL["retried"] += 1
    return float(np.median(times)) / n


def _check(name, got, ref, dt):
    """fdiv agrees with the naive formula except where that formula cancels or overflows
    (e.g. gan f_logu for r > 16): at least 3/4 of the finite elements, to 1e-6 (float32 1e-3)."""
    ok = np.isfinite(ref) & np.isfinite(got)
    if not ok.any():
        return 1.0
    scale = float(np.max(np.abs(ref[ok])))
    rtol, atol = (1e-3, 1e-6 * scale) if dt == np.float32 else (1e-6, 1e-12 * scale)
    agree = float(np.mean(np.isclose(got[ok], ref[ok], rtol=rtol, atol=atol)))
    assert agree >= 0.75, (name, agree)
    return agree


def cases(only=None):
    out = []
    for key, forms in FORMULAS.items():
        for method in METHODS:
            name = f"{key} {method}"
            if only and not any(o in (name, name.replace(" ", "_"), key) for o in only):
                continue
            out.append((key, method, forms.get(method)))
    return out


def run(sizes, repeat, dtypes, only=None, shuffle=False):
    rows = []
    peers_2t = []
    if numexpr is not None:
        numexpr.set_num_threads(2)
    if torch is not None:
        torch.set_num_threads(2)
    for dt in dtypes:
        for n in sizes:
            x0 = np.linspace(-1, 1, n, dtype=dt)
            y0 = np.empty_like(x0)
            copy = {}
            fdiv.set_num_threads(2)
            copy["copy_2t"] = _median_ns(lambda: fdiv.kl.activation(x0, out=y0), n, repeat)
            fdiv.set_num_threads(0)
            copy["copy_numpy"] = _median_ns(lambda: np.copyto(y0, x0), n, repeat)
            rows.append({"kernel": "copy y[:] = x", "dtype": np.dtype(dt).name, "n": n, **copy})
            for key, method, form in cases(only):
                div = _divergence(key)
                x = _inputs(div, method, n, dt)
                if shuffle:  # the same values in random order (kernels pick forms per vector)
                    x = np.random.default_rng(0).permutation(x)
                out = np.empty_like(x)
                uid, _, par = key.partition("(")
                uf = getattr(fdiv.ufuncs, f"{uid}_{method}")
                args = (x,) if not par else (x, float(par.rstrip(")")))

                def call(args=args, out=out, uf=uf):
                    return uf(*args, out=out)

                call()
                row = {"kernel": f"{key} {method}", "dtype": np.dtype(dt).name, "n": n}
                if form is not None:
                    with np.errstate(all="ignore"):
                        ref = eval(form, _numpy_ns(), {"x": x})  # noqa: S307 (our own strings)
                    row["agree"] = _check(row["kernel"], out, np.broadcast_to(ref, x.shape), dt)
                for threads in (1, 2):
                    fdiv.set_num_threads(threads)
                    row[f"fdiv_{threads}t"] = _median_ns(call, n, repeat)
                row["steal_2t"] = STEAL["last"]
                # the copy floor again, next to the row (the host's memory bandwidth drifts
                # over a run): the same arrays through the identity kernel, 2 threads
                row["copy_2t"] = _median_ns(
                    lambda x=x, out=out: fdiv.kl.activation(x, out=out), n, repeat
                )
                fdiv.set_num_threads(0)
                if form is not None:
                    ns = _numpy_ns()
                    with np.errstate(all="ignore"):
                        row["numpy"] = _median_ns(lambda: eval(form, ns, {"x": x}), n, repeat)
                    if numexpr is not None:
                        with np.errstate(all="ignore"):
                            row["numexpr_2t"] = _median_ns(
                                lambda: numexpr.evaluate(form, local_dict={"x": x}, out=out),
                                n,
                                repeat,
                            )
                    if torch is not None:
                        tx, tns = torch.from_numpy(x), _torch_ns()
                        row["torch_2t"] = _median_ns(lambda: eval(form, tns, {"x": tx}), n, repeat)
                    if jax is not None:
                        jf = jax.jit(lambda v: eval(form, _jax_ns(), {"x": v}))
                        jx = jnp.asarray(x)
                        row["jax_jit"] = _median_ns(lambda: jf(jx).block_until_ready(), n, repeat)
                rows.append(row)
    return rows, peers_2t


PEERS = ("numpy", "numexpr_2t", "torch_2t", "jax_jit")


def show(rows):
    print(
        "peers:",
        ", ".join(
            f"{p} {'installed' if m is not None else 'not installed'}"
            for p, m in (("numexpr", numexpr), ("torch", torch), ("jax", jax))
        ),
    )
    print(
        f"{'kernel':<34}{'dtype':>8}{'n':>10}{'fdiv 1t':>9}{'fdiv 2t':>9}{'numpy':>9}"
        f"{'numexpr':>9}{'torch':>9}{'jax':>9}{'peer/fdiv':>10}{'fdiv/copy':>10}{'GB/s 2t':>9}"
        "   (ns/element)"
    )

    def f3(v):
        return "-" if v is None else f"{v:.3f}"

    for r in rows:
        item = 8 if r["dtype"] == "float64" else 4
        if r["kernel"].startswith("copy"):
            print(
                f"{r['kernel']:<34}{r['dtype']:>8}{r['n']:>10}{'':>9}{f3(r['copy_2t']):>9}"
                f"{f3(r['copy_numpy']):>9}{'':>47}{2 * item / r['copy_2t']:>9.2f}"
            )
            continue
        peers = [r[p] for p in PEERS if p in r]
        best = min(peers) if peers else None
        ratio = f"{best / r['fdiv_2t']:.2f}" if best else "-"
        print(
            f"{r['kernel']:<34}{r['dtype']:>8}{r['n']:>10}{f3(r['fdiv_1t']):>9}"
            f"{f3(r['fdiv_2t']):>9}{f3(r.get('numpy')):>9}{f3(r.get('numexpr_2t')):>9}"
            f"{f3(r.get('torch_2t')):>9}{f3(r.get('jax_jit')):>9}{ratio:>10}"
            f"{r['fdiv_2t'] / r['copy_2t']:>10.2f}{2 * item / r['fdiv_2t']:>9.2f}"
            + (f"   steal {r['steal_2t']:.0%}" if r.get("steal_2t", 0) > STEAL_MAX else "")
        )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1e3, 1e5, 1e7])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--dtypes", nargs="+", default=["float64", "float32"])
    ap.add_argument("--only", nargs="+", help="entries or 'entry method' / entry_method names")
    ap.add_argument("--shuffle", action="store_true", help="inputs in random order")
    ap.add_argument("--save", action="store_true")
    a = ap.parse_args()
    rows, _ = run(
        [int(s) for s in a.sizes],
        a.repeat,
        [np.dtype(d).type for d in a.dtypes],
        a.only,
        a.shuffle,
    )
    show(rows)
    print(
        f"measurements taken again for more than {STEAL_MAX:.0%} of the CPU time stolen by the "
        f"host: {STEAL['retried']}"
    )
    if a.save:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
            ).stdout.strip()
            or "unknown"
        )
        machine = f"{platform.machine()}-{os.cpu_count()}cpu"
        stamp = datetime.date.today().isoformat()
        tag = "-shuffled" if a.shuffle else ""
        path = HERE / "results" / f"{stamp}-{commit}-{machine}{tag}.json"
        cfg = fdiv.show_config(mode="dicts")
        meta = {
            "commit": commit,
            "machine": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "simd_target": cfg["SIMD"]["target"],
            "numpy": np.__version__,
            "numexpr": getattr(numexpr, "__version__", None),
            "torch": getattr(torch, "__version__", None),
            "jax": getattr(jax, "__version__", None),
            "fdiv": fdiv.__version__,
            "steal_max": STEAL_MAX,
            "steal_retried": STEAL["retried"],
            "shuffled": a.shuffle,
        }
        path.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
        print(f"saved {path}")


if __name__ == "__main__":
    main()
