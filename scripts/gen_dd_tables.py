"""The 16-entry tables of the double-double log and exp (cpp/simd/dd-inl.h, dd::log, dd::exp_t).

log.
x = 2^k z with z in [OFF, 2 OFF), OFF = 0x3fe5800000000000 (0.671875); interval i holds the z
whose bits minus OFF have i in bits 48-51 (width 1/32 below 1, 1/16 above).  1 lies inside
interval 10, whose invc is 1 (log c = 0: no cancellation next to x = 1).  Elsewhere invc is the
double nearest 2/(lo + hi), so that |z invc - 1| <= 2^-5 on every interval.  log c = -log(invc)
of the stored invc, split as LOGC_HI (a multiple of 2^-42, so that k LN2_HI + LOGC_HI is exact
for |k| <= 1100) plus LOGC_LO (rounded to double).  LN2_HI is log 2 rounded to a multiple of 2^-42.

exp.  e^x = 2^e 2^(j/16) e^s with q = 16 e + j = round(16 x/log 2): 2^(j/16) as a double-double
(EXPT_HI + EXPT_LO), and log(2)/16 split as L16_HI (a multiple of 2^-43: q L16_HI is exact for
|q| < 2^14) plus L16_LO.

    python scripts/gen_dd_tables.py           # print the C++ tables
    python scripts/gen_dd_tables.py --check   # compare with cpp/simd/dd-inl.h (exit 1 if not)
"""

from __future__ import annotations

import re
import struct
import sys
from pathlib import Path

from mpmath import log, mp, mpf

OFF = 0x3FE5800000000000
HEADER = Path(__file__).resolve().parent.parent / "cpp" / "simd" / "dd-inl.h"


def b2d(b: int) -> float:
    return struct.unpack("<d", struct.pack("<q", b))[0]


def tables() -> dict[str, list[float]]:
    with mp.workprec(300):  # (mpmath's global precision is left as it was)
        inv, hi, lo = [], [], []
        for i in range(16):
            a, b = b2d(OFF + (i << 48)), b2d(OFF + ((i + 1) << 48))
            ic = 1.0 if a <= 1.0 < b else float(2 / (mpf(a) + mpf(b)))
            worst = max(abs(mpf(a) * ic - 1), abs(mpf(b) * ic - 1))
            assert worst <= mpf(2) ** -5, (i, worst)
            lc = -log(mpf(ic))
            h = float(mp.nint(lc * 2**42) / 2**42)
            inv.append(ic)
            hi.append(h)
            lo.append(float(lc - h))
        ln2 = log(mpf(2))
        ln2_hi = float(mp.nint(ln2 * 2**42) / 2**42)
        th = [float(mpf(2) ** (mpf(j) / 16)) for j in range(16)]
        tl = [float(mpf(2) ** (mpf(j) / 16) - mpf(v)) for j, v in enumerate(th)]
        l16 = ln2 / 16
        l16_hi = float(mp.nint(l16 * 2**43) / 2**43)
        return {
            "kLogInvC": inv,
            "kLogCHi": hi,
            "kLogCLo": lo,
            "kLogLn2": [ln2_hi, float(ln2 - ln2_hi)],
            "kExpTHi": th,
            "kExpTLo": tl,
            "kExpL16": [l16_hi, float(l16 - l16_hi), float(16 / ln2)],
        }


def cpp() -> str:
    out = []
    for name, vals in tables().items():
        body = ", ".join(float.hex(v) for v in vals)
        out.append(f"alignas(64) constexpr double {name}[{len(vals)}] = {{{body}}};")
    return "\n".join(out)


def check_header(header: Path, want: dict[str, list[float]], parse=float.fromhex) -> int:
    """1 if an array `name[N] = {...}` of `header` differs from want[name] (values read by
    `parse`), else 0; also used by gen_odd_fit.py"""
    text = header.read_text()
    bad = 0
    for name, vals in want.items():
        m = re.search(rf"{name}\[\d+\] = \{{([^}}]*)\}}", text)
        got = [parse(v.strip()) for v in m.group(1).split(",")] if m else []
        if got != vals:
            print(f"{name}: header differs from the generator")
            bad += 1
    return 1 if bad else 0


def check() -> int:
    return check_header(HEADER, tables())


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        sys.exit(check())
    print(cpp())
