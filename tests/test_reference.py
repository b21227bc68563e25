"""Accuracy of every elementwise kernel against the mpmath tables in tests/data.

One case per (id, method, dtype); each row must satisfy err <= tol_ulp with the error in ULPs
of the dtype (tests/_ulp.py). The tables and the tolerance rule come from tests/gen_reference.py.

    python tests/test_reference.py --table        # markdown accuracy table (README)
    python tests/test_reference.py --table --all  # including the ill-conditioned boundary rows
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

try:
    import _ulp
except ImportError:  # pytest's importlib import mode does not put tests/ on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import _ulp


def _describe(t, got, err, worst=5) -> str:
    bad = np.flatnonzero(~(err <= t.tol))
    order = bad[np.argsort(-(err[bad] / t.tol[bad]), kind="stable")][:worst]
    lines = [
        f"{t.id}_{t.method} ({t.dtype}): {bad.size} of {err.size} rows over tolerance, "
        f"max error {_ulp.fmt_ulp(float(err.max()))} ulp; worst rows:"
    ]
    for i in order:
        p = "" if t.param is None else f"param={float(t.param[i])!r} "
        lines.append(
            f"  {p}x={float(t.x[i])!r} ({float(t.x[i]).hex()}) got={float(got[i])!r} "
            f"expected={float(t.expected[i])!r} err={_ulp.fmt_ulp(float(err[i]))} ulp "
            f"(tol {_ulp.fmt_ulp(float(t.tol[i]))})"
        )
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("id_", "method", "dtype"), _ulp.cases(), ids=["-".join(c) for c in _ulp.cases()]
)
def test_reference(id_, method, dtype):
    t, got, err = _ulp.errors(id_, method, dtype)
    assert got.dtype == np.dtype(dtype), f"{id_}_{method} returned {got.dtype} for {dtype}"
    if not np.all(err <= t.tol):
        pytest.fail(_describe(t, got, err), pytrace=False)


def test_tables_present():
    assert len(_ulp.ids()) == 15
    assert len(_ulp.cases()) == 15 * 9 * 2


if __name__ == "__main__":
    if "--table" in sys.argv[1:]:
        print(_ulp.markdown_table(ill_conditioned="--all" in sys.argv[1:]))
    else:
        sys.exit(pytest.main([__file__, *sys.argv[1:]]))
