"""fdiv.show_config(): the SIMD target chosen at run time, the compiled targets, OpenMP threads
and library versions."""

from __future__ import annotations

import numpy as np
import pytest

import fdiv
from fdiv import _core


def test_show_config_prints_target_threads_versions(capsys):
    assert fdiv.show_config() is None
    out = capsys.readouterr().out
    for word in (
        "SIMD",
        "target:",
        "compiled targets:",
        "OpenMP",
        "threads:",
        "NumPy",
        np.__version__,
    ):
        assert word in out, word
    assert _core.simd_target() in out


def test_show_config_dicts():
    cfg = fdiv.show_config(mode="dicts")
    simd = cfg["SIMD"]
    assert simd["target"] == _core.simd_target()
    assert simd["target"] in simd["compiled targets"] or simd["target"] == "scalar"
    assert cfg["OpenMP"]["threads"] == fdiv.get_num_threads()
    assert cfg["fdiv"]["version"] == fdiv.__version__
    if _core.highway_version:
        assert simd["library"].startswith("Google Highway")
        assert len(_core.simd_vectorised()) > 0
    else:
        assert simd["target"] == "scalar" and _core.simd_vectorised() == []


def test_show_config_follows_set_num_threads():
    old = fdiv.get_num_threads()
    try:
        fdiv.set_num_threads(1)
        assert fdiv.show_config(mode="dicts")["OpenMP"]["threads"] == 1
    finally:
        fdiv.set_num_threads(0)
    assert fdiv.get_num_threads() == old


def test_show_config_bad_mode():
    with pytest.raises(ValueError, match="mode"):
        fdiv.show_config(mode="json")


def test_vectorised_names_are_ufuncs():
    for name in _core.simd_vectorised():
        assert isinstance(getattr(fdiv.ufuncs, name), np.ufunc), name
