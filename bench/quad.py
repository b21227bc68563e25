"""Batched quadrature: fdiv.divergence(method="quad") against scipy.integrate.quad per pair.

    python bench/quad.py [--pairs 10000] [--rtol 1e-10]

KL(N(0,1) || N(m, 2^2)) for `pairs` values of m in [-1, 1]. The peer is what a careful user
writes: scipy.integrate.quad over (-inf, inf) with a plain-`math` integrand, looped in Python
(timed on a subsample and scaled). Both are checked against the closed form.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

import fdiv
from fdiv import dist


def peer(m, rtol):
    from scipy.integrate import quad

    def h(x):
        lp = -0.5 * x * x - 0.9189385332046727
        lq = -0.5 * ((x - m) / 2.0) ** 2 - math.log(2.0) - 0.9189385332046727
        return math.exp(lp) * (lp - lq)

    return quad(h, -math.inf, math.inf, epsrel=rtol, epsabs=0.0, limit=200)[0]


_LLC_SRC = r"""
#include <math.h>
double kl_normal(int n, double *x, void *user) {
    double m = *(double *)user;
    double lp = -0.5 * x[0] * x[0] - 0.9189385332046727;
    double z = (x[0] - m) / 2.0;
    double lq = -0.5 * z * z - 0.6931471805599453 - 0.9189385332046727;
    return exp(lp) * (lp - lq);
}
"""


def llc_peer():
    """scipy.integrate.quad with a compiled integrand (scipy.LowLevelCallable over a C function
    built here with the system C compiler): the best scipy can do. None without a compiler."""
    import ctypes
    import os
    import shutil
    import subprocess
    import tempfile

    from scipy import LowLevelCallable
    from scipy.integrate import quad

    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    d = tempfile.mkdtemp()
    src, lib = os.path.join(d, "kl.c"), os.path.join(d, "kl.so")
    with open(src, "w") as fh:
        fh.write(_LLC_SRC)
    subprocess.run([cc, "-O2", "-shared", "-fPIC", src, "-o", lib, "-lm"], check=True)
    so = ctypes.CDLL(lib)
    so.kl_normal.restype = ctypes.c_double
    so.kl_normal.argtypes = (ctypes.c_int, ctypes.POINTER(ctypes.c_double), ctypes.c_void_p)

    def run(m, rtol):
        mm = ctypes.c_double(m)
        f = LowLevelCallable(so.kl_normal, ctypes.cast(ctypes.pointer(mm), ctypes.c_void_p))
        return quad(f, -math.inf, math.inf, epsrel=rtol, epsabs=0.0, limit=200)[0]

    return run


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=10_000)
    ap.add_argument("--rtol", type=float, default=1e-10)
    a = ap.parse_args()
    m = np.linspace(-1.0, 1.0, a.pairs)
    P, Q = dist.Normal(0.0, 1.0), dist.Normal(m, 2.0)
    exact = fdiv.divergence(P, Q, "kl", method="closed").value
    fdiv.divergence(P, Q, "kl", method="quad", rtol=a.rtol)  # warm up
    for threads in (1, 2):
        fdiv.set_num_threads(threads)
        t0 = time.perf_counter()
        r = fdiv.divergence(P, Q, "kl", method="quad", rtol=a.rtol)
        dt = time.perf_counter() - t0
        err = np.max(np.abs(r.value - exact) / exact)
        print(
            f"fdiv quad, {threads} thread(s): {dt / a.pairs * 1e6:8.2f} us/pair, "
            f"max rel. error {err:.1e}, all converged: {bool(np.all(r.converged))}"
        )
    fdiv.set_num_threads(0)
    sub = m[:: max(1, a.pairs // 300)]
    t0 = time.perf_counter()
    vals = [peer(x, a.rtol) for x in sub]
    dt_peer = (time.perf_counter() - t0) / len(sub)
    exact_sub = fdiv.divergence(P, dist.Normal(sub, 2.0), "kl", method="closed").value
    err = np.max(np.abs(np.array(vals) - exact_sub) / exact_sub)
    print(
        f"scipy.integrate.quad, plain math integrand: {dt_peer * 1e6:8.2f} us/pair, "
        f"max rel. error {err:.1e}"
    )
    print(f"ratio (peer / fdiv at 2 threads): {dt_peer / (dt / a.pairs):.0f}x")
    run = llc_peer()
    if run is None:
        print("scipy.integrate.quad, LowLevelCallable: no C compiler found, skipped")
        return
    sub = m[:: max(1, a.pairs // 3000)]
    run(0.1, a.rtol)
    t0 = time.perf_counter()
    vals = [run(float(x), a.rtol) for x in sub]
    dt_llc = (time.perf_counter() - t0) / len(sub)
    exact_sub = fdiv.divergence(P, dist.Normal(sub, 2.0), "kl", method="closed").value
    err = np.max(np.abs(np.array(vals) - exact_sub) / exact_sub)
    print(
        f"scipy.integrate.quad, LowLevelCallable C integrand: {dt_llc * 1e6:8.2f} us/pair, "
        f"max rel. error {err:.1e}"
    )
    print(f"ratio (LowLevelCallable peer / fdiv at 2 threads): {dt_llc / (dt / a.pairs):.1f}x")


if __name__ == "__main__":
    main()
