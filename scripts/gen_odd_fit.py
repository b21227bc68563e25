"""The fixed-degree fits of P(w) = sum_k w^k/(2k + 3) = (atanh(z) - z)/z^3, w = z^2, that the
double lanes of log1pmx and of js's atanh tail use (cpp/simd/common-inl.h, kOddFit14 on
[0, 1/4] and kOddFit20 on [0, 4/9]), in place of the series to the degree each lane needs.

mpmath's chebyfit (Chebyshev interpolation, near-minimax) at 200 bits, the coefficients
rounded to double: the relative error is 2^-54.0 on both ranges, which is the rounding of the
constant 1/3 itself; the next lower degree would be above it.

    python scripts/gen_odd_fit.py           # print the C++ arrays and their errors
    python scripts/gen_odd_fit.py --check   # compare with cpp/simd/common-inl.h (exit 1 if not)
"""

from __future__ import annotations

import sys
from pathlib import Path

from mpmath import atanh, chebyfit, mp, mpf, sqrt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_dd_tables import check_header  # noqa: E402

HEADER = Path(__file__).resolve().parent.parent / "cpp" / "simd" / "common-inl.h"
FITS = {"kOddFit14": ((1, 4), 14), "kOddFit20": ((4, 9), 20)}  # [0, top], coefficients


def P(w):
    w = mpf(w)
    if w == 0:
        return mpf(1) / 3
    s = sqrt(w)
    return (atanh(s) - s) / (w * s)


def tables() -> dict[str, list[float]]:
    out = {}
    with mp.workprec(200):
        for name, ((num, den), n) in FITS.items():
            out[name] = [float(c) for c in _chebyfit_asc(P, [0, mpf(num) / den], n)]
    return out


def max_rel_error(name: str, coef: list[float], points: int = 2000) -> float:
    """max |p(w)/P(w) - 1| over a uniform grid, p with the double coefficients, exact arithmetic"""
    with mp.workprec(200):
        top = mpf(FITS[name][0][0]) / FITS[name][0][1]
        worst = max(
            abs(_horner(coef, top * i / points) / P(top * i / points) - 1)
            for i in range(points + 1)
        )
        return float(worst)


def _chebyfit_asc(f, interval, n):
    """chebyfit's coefficients, lowest degree first (mpmath >= 1.4 takes asc=True and warns
    without it; older versions return the highest degree first)"""
    try:
        return list(chebyfit(f, interval, n, asc=True))
    except TypeError:
        return list(reversed(chebyfit(f, interval, n)))


def _horner(coef, x):
    """sum coef[k] x^k in mpmath arithmetic"""
    p = mpf(0)
    for c in reversed(coef):
        p = p * x + mpf(c)
    return p


def cpp() -> str:
    out = []
    for name, vals in tables().items():
        body = ", ".join(repr(v) for v in vals)
        out.append(f"constexpr double {name}[{len(vals)}] = {{{body}}};")
    return "\n".join(out)


def check() -> int:
    return check_header(HEADER, tables(), float)


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        sys.exit(check())
    print(cpp())
    for name, vals in tables().items():
        print(f"// {name}: max relative error {max_rel_error(name, vals):.3g}")
