"""Shared pytest configuration: hypothesis profiles and the divergences under test.

Profiles (select with ``HYPOTHESIS_PROFILE``; default ``ci``):

* ``ci``  -- deterministic (``derandomize=True``), 60 examples, no deadline: the CI machine
  has 2 cores and the property suite runs every divergence through every property.
* ``dev`` -- 300 random examples per property, for local bug hunting.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", deadline=None, max_examples=60, derandomize=True, print_blob=True)
settings.register_profile("dev", deadline=None, max_examples=300, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config):
    # pyproject turns warnings into errors; hypothesis' failure report can import a module
    # that emits this DeprecationWarning, which would then mask the real failure.
    config.addinivalue_line(
        "filterwarnings", "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"
    )


# elementwise Divergence method -> its argument (u >= 0; r, t, v any real); error messages
# for bad input name that argument
METHOD_ARG = {
    "f": "u",
    "df": "u",
    "d2f": "u",
    "f_logu": "r",
    "df_logu": "r",
    "log_d2f_logu": "r",
    "conj": "t",
    "inv_df": "t",
    "activation": "v",
    "ratio_activation": "v",
}

NONPARAMETRIC = (
    "kl",
    "reverse_kl",
    "pearson",
    "neyman",
    "squared_hellinger",
    "jeffreys",
    "js",
    "gan",
    "total_variation",
    "triangular",
    "le_cam",
    "softened_reverse_kl",
    "softened_kl",
)
ALPHAS = (-1.5, -0.5, 0.3, 0.5, 0.8, 1.7, 2.0, 3.0)
PIS = (0.2, 0.5, 0.85)

# (catalogue id, parameters) of every divergence the suite runs through.
SPECS = (
    tuple((name, {}) for name in NONPARAMETRIC)
    + tuple(("alpha", {"alpha": a}) for a in ALPHAS)
    + tuple(("js_weighted", {"pi": p}) for p in PIS)
)
# f' is strictly increasing (f'' > 0 on (0, inf)) for all of them except total variation,
# whose f' is a step function: properties that invert f' or take log f'' use this list.
STRICTLY_CONVEX_SPECS = tuple(s for s in SPECS if s[0] != "total_variation")


def spec_id(spec) -> str:
    name, params = spec
    if not params:
        return name
    return f"{name}({','.join(repr(v) for v in params.values())})"


def make(spec):
    import fdiv

    name, params = spec
    return fdiv.get(name, **params)


@pytest.fixture(scope="session", params=SPECS, ids=spec_id)
def div(request):
    """Every catalogue divergence (parametric families at several parameters)."""
    return make(request.param)


@pytest.fixture(scope="session", params=STRICTLY_CONVEX_SPECS, ids=spec_id)
def strictly_convex_div(request):
    """Every divergence in ``div`` except total_variation (f' not invertible)."""
    return make(request.param)
