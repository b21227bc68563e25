"""The raw NumPy ufuncs behind every elementwise method.

Each catalogue entry ``id`` has ``<id>_<method>`` for method in f, df, d2f, f_logu, df_logu,
log_d2f_logu, conj, inv_df, activation, perspective (see docs/kernels.md for the edge
conventions). Parametric families (alpha, js_weighted) take the parameter as the last input.
They are real ``numpy.ufunc`` objects, so dask and xarray dispatch them through
``__array_ufunc__``.
"""

from . import _core

METHODS = (
    "f",
    "df",
    "d2f",
    "f_logu",
    "df_logu",
    "log_d2f_logu",
    "conj",
    "inv_df",
    "activation",
    "ratio_activation",
    "log_ratio",
    "log_inv_df",
    "objective_logu",
    "perspective",
)

__all__ = sorted(
    name
    for name in dir(_core)
    if not name.startswith("_") and any(name.endswith("_" + m) for m in METHODS)
)

globals().update({name: getattr(_core, name) for name in __all__})
