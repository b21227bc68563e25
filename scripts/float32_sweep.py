"""Sweep the float32 loops that run in float32 lanes over every float32 bit pattern (or every
k-th one) and report, per ufunc, the largest distance in float32 ulp from the float64 result
rounded to float32 (the float64 kernels are within 4 double ulp of exact, so that rounding is the
correctly rounded value except in ties far below a float32 ulp), and any special value
(0, +-inf, NaN) that differs.

    python scripts/float32_sweep.py            # every 11th bit pattern (~390M inputs per ufunc)
    python scripts/float32_sweep.py --step 1   # all 2^32 inputs
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import fdiv
from fdiv import _core


def ordered(bits: np.ndarray) -> np.ndarray:
    """float32 bit patterns as int64 that are monotonic in the float value (-0 next to +0)."""
    b = bits.view(np.int32).astype(np.int64)
    return np.where(b < 0, -(b & 0x7FFFFFFF), b)


def sweep(name: str, step: int, chunk: int) -> tuple[int, int, float]:
    uf = getattr(fdiv.ufuncs, name)
    worst, worst_x, bad_special = 0, float("nan"), 0
    for start in range(0, 1 << 32, chunk * step):
        bits = np.arange(start, min(start + chunk * step, 1 << 32), step, dtype=np.uint64)
        x = bits.astype(np.uint32).view(np.float32)
        with np.errstate(all="ignore"):
            got = uf(x)
            ref = uf(x.astype(np.float64)).astype(np.float32)
        fin = np.isfinite(ref) & np.isfinite(got)
        spec = ~(np.isfinite(ref) & (ref != 0))
        same = (got == ref) & (np.signbit(got) == np.signbit(ref))
        bad_special += int(np.count_nonzero(spec & ~(same | (np.isnan(got) & np.isnan(ref)))))
        bad_special += int(np.count_nonzero(~spec & ~np.isfinite(got)))
        dist = np.abs(ordered(got[fin]) - ordered(ref[fin]))
        if dist.size:
            i = int(np.argmax(dist))
            if dist[i] > worst:
                worst, worst_x = int(dist[i]), float(x[fin][i])
    return worst, bad_special, worst_x


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--step", type=int, default=11)
    ap.add_argument("--chunk", type=int, default=1 << 24)
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    names = sorted(_core.simd_native_float32())
    if a.only:
        names = [n for n in names if any(n.startswith(o) for o in a.only)]
    print(f"{len(names)} ufuncs in float32 lanes, every {a.step}th float32 bit pattern")
    print(f"{'ufunc':40s} {'max ulp':>8s} {'special':>8s}  worst x")
    overall = 0
    for n in names:
        t = time.perf_counter()
        w, s, x = sweep(n, a.step, a.chunk)
        overall = max(overall, w)
        print(f"{n:40s} {w:8d} {s:8d}  {x!r}  ({time.perf_counter() - t:.1f} s)", flush=True)
    print(f"max over all: {overall} ulp")


if __name__ == "__main__":
    main()
