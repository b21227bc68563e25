"""Build and run-time configuration, printed as numpy.show_config does."""

from __future__ import annotations

import os
import platform
import sys
from typing import Any

import numpy as np

from . import _core
from .ufuncs import __all__ as _ufunc_names


def _config() -> dict[str, Any]:
    vectorised = sorted(_core.simd_vectorised())
    native32 = sorted(_core.simd_native_float32())
    return {
        "fdiv": {"version": _core.core_version},
        "SIMD": {
            "library": f"Google Highway {_core.highway_version}"
            if _core.highway_version
            else "none (built without Highway: scalar loops only)",
            "target": _core.simd_target(),
            "compiled targets": list(_core.simd_compiled_targets()),
            "vectorised ufuncs": f"{len(vectorised)} of {len(_ufunc_names)}",
            "float32": f"{len(native32)} ufuncs in float32 lanes; the other "
            f"{len(_ufunc_names) - len(native32)} computed in float64 and rounded once",
        },
        "OpenMP": {
            "version": getattr(_core, "openmp_version", None),
            "threads": _core.get_num_threads(),
            "omp_max_threads": _core.omp_max_threads(),
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
            "parallel from (elements)": _core.parallel_min_elements,
        },
        "Python": {
            "version": sys.version.split()[0],
            "implementation": platform.python_implementation(),
        },
        "NumPy": {"version": np.__version__},
        "Machine": {
            "platform": platform.platform(),
            "processor": platform.machine(),
            "cpus": os.cpu_count(),
        },
    }


def show_config(mode: str = "stdout") -> dict[str, Any] | None:
    """Print the SIMD target chosen at run time, the compiled targets, the OpenMP threads and
    the library versions.

    Parameters
    ----------
    mode : {"stdout", "dicts"}
        ``"stdout"`` prints the configuration; ``"dicts"`` returns it as a dict of dicts
        (as ``numpy.show_config`` does).
    """
    if mode not in ("stdout", "dicts"):
        raise ValueError(f"mode must be 'stdout' or 'dicts', not {mode!r}")
    cfg = _config()
    if mode == "dicts":
        return cfg
    for section, items in cfg.items():
        print(f"{section}:")
        for key, value in items.items():
            if isinstance(value, list):
                value = ", ".join(value)
            print(f"  {key}: {value}")
    return None
