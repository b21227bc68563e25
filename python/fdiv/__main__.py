"""``python -m fdiv``: the command line (``fdiv --help``); ``fdiv tour``: a short tour."""

import numpy as np

import fdiv


def tour() -> None:
    np.set_printoptions(precision=6, linewidth=100)
    print(f"fdiv {fdiv.__version__}: D_f(P||Q) = E_Q[f(p/q)]\n")

    u = np.array([0.0, 1e-300, 0.5, 1.0, 2.0, 1e300])
    print("u =", u)
    for name in ("kl", "reverse_kl", "js", "squared_hellinger", "softened_reverse_kl"):
        print(f"  {name:>20}.f(u) = {fdiv.get(name).f(u)}")

    print("\nstable log-ratio forms at r = log u = [-700, -1e-8, 0, 1e-8, 700]:")
    r = np.array([-700.0, -1e-8, 0.0, 1e-8, 700.0])
    for name in ("kl", "js", "gan"):
        print(f"  {name:>20}.f_logu(r) = {fdiv.get(name).f_logu(r)}")

    print("\nconjugates f*(t) at t = [-2, -0.5, 0, 0.3]  (+inf outside dom f*):")
    t = np.array([-2.0, -0.5, 0.0, 0.3])
    for d in (fdiv.kl, fdiv.js, fdiv.jeffreys, fdiv.softened_reverse_kl, fdiv.alpha(2.0)):
        print(f"  {d!r:>30}: {d.conj(t)}   dom f* = {tuple(d.conj_domain)}")

    print("\ntail weights (L, R): left = mode-seeking, right = mode-covering")
    for name in fdiv.names():
        d = fdiv.get(
            name,
            **({"alpha": 0.5} if name == "alpha" else {}),
            **({"pi": 0.3} if name == "js_weighted" else {}),
        )
        print(
            f"  {d!r:>36}: L = {d.tail_weights[0]:5}, R = {d.tail_weights[1]:5}, "
            f"f(0+) = {d.f0:.4g}, f'(inf) = {d.df_inf:.4g}"
        )

    p = np.array([0.5, 0.3, 0.2, 0.0])
    q = np.array([0.25, 0.25, 0.25, 0.25])
    print(f"\ndiscrete P = {p}, Q = {q}:")
    for name in ("kl", "reverse_kl", "js", "total_variation", "pearson", "neyman"):
        print(f"  D_{name}(P||Q) = {fdiv.discrete(p, q, name):.12g}")


if __name__ == "__main__":
    from fdiv.cli import main

    main(prog_name="fdiv")
