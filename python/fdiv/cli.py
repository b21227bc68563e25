"""The ``fdiv`` command (click): list, info, compute, plot, tour.

    fdiv list [--json]
    fdiv info kl [--alpha A] [--pi P]
    fdiv compute "normal(0,1)" "normal(1,2)" -d kl,js,squared_hellinger
                 [--method auto|exact|quad|mc] [-n N] [--seed S] [--rtol R] [--json]
    fdiv plot tails -d kl,reverse_kl,js -o tails.png
    fdiv plot mode-seeking -d kl,reverse_kl -o modes.png
    fdiv tour

Distribution specs follow the grammar of ``fdiv._spec`` (``fdiv compute --help`` shows it).
``--json`` output is documented in docs/cli.md: one object, keys stable across versions,
non-finite numbers written as the strings "inf", "-inf", "nan".
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import click
import numpy as np

import fdiv

from . import _spec

JSON_VERSION = 1
_METHOD = {"auto": "auto", "exact": "closed", "closed": "closed", "quad": "quad", "mc": "mc"}


def _num(x) -> Any:
    """A JSON-safe number: float, or "inf"/"-inf"/"nan"."""
    x = float(x)
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def _divergence(token: str) -> fdiv.Divergence:
    """kl, alpha(0.5), js_weighted(0.3)."""
    t = token.strip()
    try:
        if "(" in t and t.endswith(")"):
            name, arg = t[:-1].split("(", 1)
            key = {"alpha": "alpha", "js_weighted": "pi"}.get(name.strip())
            if key is None:
                raise ValueError(f"{name.strip()!r} takes no parameter")
            return fdiv.get(name.strip(), **{key: float(arg)})
        return fdiv.get(t)
    except (ValueError, TypeError) as e:
        raise click.BadParameter(f"{t!r}: {e}", param_hint="-d/--divergence") from None


def _divergences(value: str) -> list:
    # split on commas outside parentheses
    out, depth, cur = [], 0, ""
    for ch in value:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    out.append(cur)
    return [_divergence(t) for t in out if t.strip()]


def _label(d: fdiv.Divergence) -> str:
    """kl, alpha(0.5), js_weighted(0.3), or a custom divergence's name."""
    params = getattr(d, "params", None)
    if params:
        return f"{d.name}({', '.join(f'{v:g}' for v in params.values())})"
    return d.name


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(fdiv.__version__, prog_name="fdiv")
def main() -> None:
    """f-divergences D_f(P||Q) = E_Q[f(p/q)]: the catalogue, exact values between known
    distributions, Monte Carlo in any dimension."""


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_(as_json: bool) -> None:
    """The catalogue: tail weights, conjugate domains, duals."""
    rows = []
    for name in fdiv.names():
        d = fdiv.get(name, **({"alpha": 0.5} if name == "alpha" else {}),
                     **({"pi": 0.5} if name == "js_weighted" else {}))  # fmt: skip
        lo, hi = d.conj_domain[0], d.conj_domain[1]
        rows.append(
            {
                "id": name,
                "parameter": {"alpha": "alpha", "js_weighted": "pi"}.get(name),
                "title": fdiv._catalogue.CATALOGUE[name][4],
                "f": fdiv._catalogue.CATALOGUE[name][5],
                "dual": _label(d.dual),
                "tail_weights": [_num(w) for w in d.tail_weights],
                "f0": _num(d.f0),
                "df_inf": _num(d.df_inf),
                "conj_domain": [_num(lo), _num(hi)],
                "conj_domain_hi_included": bool(d.conj_domain.hi_included),
            }
        )
    if as_json:
        click.echo(json.dumps({"version": JSON_VERSION, "catalogue": rows}, indent=2))
        return
    head = f"{'id':<20} {'f(u)':<40} {'(L, R)':<12} {'dom f*':<22} dual"
    click.echo(head)
    click.echo("-" * len(head))
    for r in rows:
        lw, rw = r["tail_weights"]
        lo, hi = (f"{x:.6g}" if isinstance(x, float) else x for x in r["conj_domain"])
        close = "]" if r["conj_domain_hi_included"] else ")"
        extra = " (at alpha = 1/2)" if r["id"] == "alpha" else (
            " (at pi = 1/2)" if r["id"] == "js_weighted" else "")  # fmt: skip
        click.echo(
            f"{r['id']:<20} {r['f']:<40} {f'({lw}, {rw})':<12} {f'({lo}, {hi}{close}':<22} "
            f"{r['dual']}{extra}"
        )
    click.echo("\n(L, R): tail weights, left = mode-seeking, right = mode-covering (MATH.md §5).")


@main.command()
@click.argument("name")
@click.option("--alpha", type=float, default=None, help="alpha of the alpha family.")
@click.option("--pi", type=float, default=None, help="pi of js_weighted.")
def info(name: str, alpha: float | None, pi: float | None) -> None:
    """f, f', f'', f*, (f')^-1, activation, tail weights and dual of one divergence."""
    from ._formulas import describe

    if name not in fdiv.names():
        raise click.BadParameter(
            f"unknown divergence {name!r}; `fdiv list` shows the catalogue", param_hint="NAME"
        )
    param = {}
    if alpha is not None:
        param["alpha"] = alpha
    if pi is not None:
        param["pi"] = pi
    try:
        click.echo(describe(name, **param))
    except (ValueError, TypeError) as e:
        raise click.UsageError(str(e)) from None


def _parse_spec(ctx, param, value):
    try:
        return value, _spec.parse(value)
    except _spec.SpecError as e:
        raise click.BadParameter(
            f"bad distribution spec:\n{e}", param_hint=param.name.upper()
        ) from None


def _grammar_epilog() -> str:
    """The spec grammar for --help, each paragraph kept as written (click's \\b marker)."""
    body = (_spec.__doc__ or "").split("\n\n", 1)[1]
    return "Distribution specs:\n\n" + "\n\n".join("\b\n" + p for p in body.split("\n\n"))


@main.command(epilog=_grammar_epilog())
@click.argument("p", callback=_parse_spec, metavar="P")
@click.argument("q", callback=_parse_spec, metavar="Q")
@click.option(
    "-d",
    "--divergence",
    "divs",
    default="kl",
    show_default=True,
    help="Comma-separated ids: kl,js,alpha(0.5),js_weighted(0.3).",
)
@click.option("--method", type=click.Choice(["auto", "exact", "quad", "mc"]), default="auto",
              show_default=True)  # fmt: skip
@click.option("-n", "n", type=click.IntRange(min=2), default=1_000_000, show_default=True,
              help="Monte Carlo samples.")  # fmt: skip
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Monte Carlo seed.")
@click.option("--rtol", type=float, default=1e-12, show_default=True, help="Quadrature rtol.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (docs/cli.md).")
def compute(p, q, divs, method, n, seed, rtol, as_json) -> None:
    """D_f(P||Q) between two distributions given as specs, e.g. "normal(0,1)"."""
    (p_text, P), (q_text, Q) = p, q
    ds = _divergences(divs)
    if method == "mc" and seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**63))
    results, interrupted = [], False
    bar = None
    for d in ds:
        kw: dict = {"method": _METHOD[method], "rtol": rtol}
        if method == "mc":
            kw.update(n=n, seed=seed)
            if sys.stderr.isatty() and not as_json:
                bar = click.progressbar(length=1, label=f"{_label(d)}", file=sys.stderr)
                bar.__enter__()

                def progress(done, total, bar=bar):
                    bar.length = total
                    bar.update(done - bar.pos)

                kw["progress"] = progress
        try:
            r = fdiv.divergence(P, Q, d, **kw)
        except KeyboardInterrupt:
            interrupted = True
            break
        except (ValueError, TypeError) as e:
            raise click.UsageError(str(e)) from None
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
                bar = None
        results.append((d, r))
        if getattr(r, "partial", False):
            interrupted = True
            break
    rows = [_row(d, r) for d, r in results]
    out = {
        "version": JSON_VERSION,
        "fdiv": fdiv.__version__,
        "P": p_text,
        "Q": q_text,
        "method": method,
        "seed": seed,
        "interrupted": interrupted,
        "results": rows,
    }
    if as_json:
        click.echo(json.dumps(out, indent=2))
    else:
        _print_rows(rows, p_text, q_text)
        if interrupted:
            click.echo("interrupted: the last result is partial (see n)", err=True)
    if interrupted:
        sys.exit(130)


def _row(d, r) -> dict:
    row = {
        "divergence": _label(d),
        "value": _num(np.asarray(r.value)),
        "method": str(r.method),
    }
    if isinstance(r, fdiv.MCResult):
        lo, hi = r.ci(0.95)
        row.update(
            stderr=_num(r.stderr),
            ci95=[_num(lo), _num(hi)],
            n=int(r.n),
            ess=_num(r.ess),
            finite_variance=bool(r.finite_variance),
            sample_from=str(r.sample_from),
            partial=bool(r.partial),
        )
    else:
        row.update(error=_num(r.error), converged=bool(r.converged))
    return row


def _print_rows(rows, p_text, q_text) -> None:
    click.echo(f"P = {p_text}\nQ = {q_text}\n")
    click.echo(f"{'divergence':<22} {'value':>22}  {'error':>10}  method")
    for r in rows:
        if "stderr" in r:
            err = f"{r['stderr']:.2e}" if isinstance(r["stderr"], float) else r["stderr"]
            note = f"mc, n={r['n']:,}, from {r['sample_from']}"
            if not r["finite_variance"]:
                note += ", HEAVY TAIL: variance likely infinite"
            if r["partial"]:
                note += ", PARTIAL"
        else:
            err = f"{r['error']:.2e}" if isinstance(r["error"], float) else r["error"]
            note = r["method"] + ("" if r["converged"] else ", NOT CONVERGED")
        val = f"{r['value']:.17g}" if isinstance(r["value"], float) else r["value"]
        click.echo(f"{r['divergence']:<22} {val:>22}  {err:>10}  {note}")


@main.group()
def plot() -> None:
    """Figures (PNG) of tail behaviour and mode-seeking."""


@plot.command("tails")
@click.option("-d", "--divergence", "divs", default="kl,reverse_kl,js,squared_hellinger",
              show_default=True)  # fmt: skip
@click.option("-o", "--output", default="tails.png", show_default=True, type=click.Path())
def plot_tails(divs, output) -> None:
    """f(e^r) against r = log u for the given divergences."""
    _save(fdiv.plot.tails(_divergences(divs)), output)


@plot.command("mode-seeking")
@click.option("-d", "--divergence", "divs", default="kl,reverse_kl,js,softened_reverse_kl",
              show_default=True)  # fmt: skip
@click.option("-o", "--output", default="mode_seeking.png", show_default=True, type=click.Path())
def plot_modes(divs, output) -> None:
    """The best single Gaussian for a bimodal target under each divergence."""
    _save(fdiv.plot.mode_seeking(_divergences(divs)), output)


def _save(fig, output) -> None:
    fig.savefig(output, dpi=120, bbox_inches="tight")
    click.echo(f"wrote {output}")


@main.command()
def tour() -> None:
    """A short tour of the catalogue."""
    from .__main__ import tour as run

    run()


if __name__ == "__main__":
    main()
