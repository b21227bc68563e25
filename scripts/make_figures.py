"""Regenerate the README figures: python scripts/make_figures.py (needs the plot extra)."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import fdiv  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "img"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    divs = ["kl", "reverse_kl", "js", "squared_hellinger", "softened_reverse_kl", "pearson"]
    fdiv.plot.tails(divs).savefig(OUT / "tails.png", dpi=110)
    fdiv.plot.mode_seeking(
        ["kl", "reverse_kl", "softened_reverse_kl", "js", "squared_hellinger"]
    ).savefig(OUT / "mode_seeking.png", dpi=110)
    print(f"wrote {OUT / 'tails.png'} and {OUT / 'mode_seeking.png'}")


if __name__ == "__main__":
    main()
