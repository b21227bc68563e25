"""Every example in the documentation runs.

* The ```python blocks of each docs/*.md page and of README.md run in order, in one fresh
  namespace per file pre-seeded with ``np`` and ``fdiv``, with warnings as errors (a block that
  means to show a warning catches it itself).
* Every ``$ fdiv ...`` line of a ```console block in docs/cli.md runs as
  ``python -m fdiv ...``: the exit status must be 0, or N where the block says
  ``# exit status N`` right after the command, and the first line of the documented output
  must appear in the real output (not compared for Monte Carlo, ``--method mc``).
* The keys documented in docs/cli.md's ``--json`` tables are exactly the keys the command
  writes.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import fdiv

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md")) + [ROOT / "README.md"]
CLI_PAGE = DOCS / "cli.md"

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
_EXIT = re.compile(r"^# exit status (\d+)\s*$")


def _blocks(path: Path, lang: str) -> list:
    """(line number, source) of each fenced block of the given language."""
    text = path.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, m.start()) + 2, m.group(2))
        for m in _FENCE.finditer(text)
        if m.group(1) == lang
    ]


def _pages_with_python() -> list:
    return [p for p in PAGES if _blocks(p, "python")]


@pytest.mark.parametrize("page", _pages_with_python(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_python_examples_run(page, tmp_path, monkeypatch):
    source_text = "\n".join(src for _, src in _blocks(page, "python"))
    if "dask" in source_text:
        pytest.importorskip("dask.distributed", reason="dask is the optional 'dask' extra")
    monkeypatch.setenv("MPLBACKEND", "Agg")  # examples that draw never need a display
    monkeypatch.chdir(ROOT)  # examples may read repository files (bench/results)
    namespace = {"np": np, "fdiv": fdiv, "__name__": f"docs_{page.stem.replace('-', '_')}"}
    saved = np.get_printoptions()
    blocks = _blocks(page, "python")
    ran = 0
    try:
        for line, source in blocks:
            code = compile(source, f"{page.relative_to(ROOT)}:{line}", "exec")
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                exec(code, namespace)  # noqa: S102 - executing the documentation is the point
            ran += 1
    finally:
        np.set_printoptions(**saved)
        fdiv.set_num_threads(0)
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
    assert ran == len(blocks) > 0


def _console_commands() -> list:
    """(line, argv after 'fdiv', expected exit status, first documented output line or None)."""
    out = []
    for line, block in _blocks(CLI_PAGE, "console"):
        cmd = None
        for i, text in enumerate(block.splitlines()):
            if text.startswith("$ "):
                if cmd is not None:
                    out.append(tuple(cmd))
                argv = shlex.split(text[2:])
                assert argv[0] == "fdiv", f"docs/cli.md:{line + i}: not an fdiv command"
                cmd = [line + i, argv[1:], 0, None]
                continue
            if cmd is None:
                continue
            m = _EXIT.match(text)
            if m:
                cmd[2] = int(m.group(1))
            elif text.startswith("# ") or not text.strip():
                continue
            elif cmd[3] is None:
                cmd[3] = text.strip()
        if cmd is not None:
            out.append(tuple(cmd))
    return out


def _run_fdiv(args, cwd):
    env = dict(os.environ, MPLBACKEND="Agg", COLUMNS="80")
    return subprocess.run(
        [sys.executable, "-m", "fdiv", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


@pytest.mark.parametrize(
    "line,args,status,first",
    [pytest.param(*c, id=f"cli.md:{c[0]}") for c in _console_commands()],
)
def test_cli_examples_run(line, args, status, first, tmp_path):
    r = _run_fdiv(args, tmp_path)  # plots are written into tmp_path
    where = f"docs/cli.md:{line}: fdiv {shlex.join(args)}"
    assert r.returncode == status, f"{where}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    if first is None or ("mc" in args and "--method" in args):
        return  # Monte Carlo output differs with the machine's entropy and is not compared
    assert first in r.stdout + r.stderr, f"{where}: {first!r} not in the output:\n{r.stdout}"


def test_cli_page_has_examples():
    cmds = _console_commands()
    assert len(cmds) >= 20
    assert {c[1][0] for c in cmds if c[1]} >= {"list", "info", "compute", "plot", "tour"}
    assert any(c[2] != 0 for c in cmds)  # an error example, marked with its exit status


def _documented_keys(heading: str) -> set:
    """The `key` names in the first column of the tables under a '### heading' of cli.md."""
    text = CLI_PAGE.read_text(encoding="utf-8")
    start = text.index(f"### {heading}")
    end = text.find("\n#", start + 4)
    section = text[start : end if end != -1 else len(text)]
    keys = set()
    for row in re.findall(r"^\| (`[^|]+`) \|", section, re.M):
        keys |= set(re.findall(r"`([A-Za-z_0-9]+)`", row))
    return keys


def _json(stdout: str):
    # an editable install that rebuilds on import may print a line before the document
    return json.loads(stdout[stdout.index("{") :])


def _flatten_keys(obj) -> set:
    keys = set()
    if isinstance(obj, dict):
        for k, v in obj.items():
            keys.add(k)
            keys |= _flatten_keys(v)
    elif isinstance(obj, list):
        for v in obj:
            keys |= _flatten_keys(v)
    return keys


def test_json_schema_is_documented(tmp_path):
    doc = _documented_keys("`fdiv compute --json`")
    seen = set()
    for args in (
        ["compute", "normal(0,1)", "normal(1,2)", "-d", "kl,js", "--json"],
        [
            "compute",
            "normal(0,1)",
            "normal(1,2)",
            "-d",
            "kl",
            "--method",
            "mc",
            "-n",
            "1000",
            "--seed",
            "0",
            "--json",
        ],  # fmt: skip
    ):
        r = _run_fdiv(args, tmp_path)
        assert r.returncode == 0, r.stderr
        data = _json(r.stdout)
        assert data["version"] == 1
        seen |= _flatten_keys(data)
    assert seen == doc, f"undocumented: {seen - doc}, documented but absent: {doc - seen}"

    r = _run_fdiv(["list", "--json"], tmp_path)
    data = _json(r.stdout)
    doc = _documented_keys("`fdiv list --json`") | {"version", "catalogue"}
    assert _flatten_keys(data) == doc
    # non-finite numbers are the strings "inf", "-inf", "nan"
    kl = next(row for row in data["catalogue"] if row["id"] == "kl")
    assert kl["df_inf"] == "inf" and kl["conj_domain"] == ["-inf", "inf"]
    r = _run_fdiv(["compute", "uniform(0,2)", "uniform(0,1)", "-d", "kl", "--json"], tmp_path)
    assert _json(r.stdout)["results"][0]["value"] == "inf"
