"""Monte Carlo: fdiv.divergence(method="mc") against the same estimator written with
scipy.stats/numpy and with torch.distributions (when installed), in samples per second.

    python bench/mc.py [--n 10000000] [--repeat 3]

Two problems from issue 7: KL(1/2 N(-2,1) + 1/2 N(2,1) || N(0, 3^2)) in 1-D and
KL(ring || N(0, I)) in 2-D (the 8-Gaussian GAN ring, scale 0.05). Every path samples from P and
averages log p - log q (fdiv with sample_from="p", the same estimator); each prints its value
and standard error, so that equal accuracy is visible, and fdiv's figures at 1 and 2 threads.
The peers build the batch of n samples in memory (what a careful user writes); fdiv's memory
stays O(threads x 65536).
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

import fdiv
from fdiv import dist


def _problems():
    mix = dist.Mixture([dist.Normal(-2.0, 1.0), dist.Normal(2.0, 1.0)], [0.5, 0.5])
    ring = fdiv.toy.ring(k=8, radius=2.0, scale=0.05)
    return [
        ("KL(mixture 1-D || N(0,9))", mix, dist.Normal(0.0, 3.0)),
        ("KL(ring 2-D || N(0,I))", ring, dist.MvNormal([0.0, 0.0], np.eye(2))),
    ]


def numpy_path(P, Q, n, seed):
    """What a careful user writes with numpy + scipy.stats: vectorised sampling and log pdfs."""
    from scipy import stats
    from scipy.special import logsumexp

    rng = np.random.default_rng(seed)
    comps = P.components
    w = np.asarray(P.weights)
    j = rng.choice(len(comps), size=n, p=w)
    if P.dim == 1:
        mu = np.array([float(c.loc) for c in comps])
        sd = np.array([float(c.scale) for c in comps])
        x = mu[j] + sd[j] * rng.standard_normal(n)
        lp = logsumexp(
            np.stack([stats.norm(m, s).logpdf(x) for m, s in zip(mu, sd)]) + np.log(w)[:, None],
            axis=0,
        )
        lq = stats.norm(float(Q.loc), float(Q.scale)).logpdf(x)
    else:
        mu = np.stack([c.mean for c in comps])
        L = np.stack([c._chol for c in comps])
        z = rng.standard_normal((n, P.dim))
        x = mu[j] + np.einsum("nij,nj->ni", L[j], z)
        lp = logsumexp(
            np.stack([stats.multivariate_normal(c.mean, c.cov).logpdf(x) for c in comps])
            + np.log(w)[:, None],
            axis=0,
        )
        lq = stats.multivariate_normal(Q.mean, Q.cov).logpdf(x)
    y = lp - lq
    return float(y.mean()), float(y.std() / math.sqrt(n))


def torch_path(P, Q, n, seed):
    import torch

    td = torch.distributions
    torch.manual_seed(seed)
    t = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float64)  # noqa: E731
    w = t(P.weights)
    if P.dim == 1:
        comp = td.Normal(
            t([float(c.loc) for c in P.components]), t([float(c.scale) for c in P.components])
        )
        tq = td.Normal(t(float(Q.loc)), t(float(Q.scale)))
    else:
        comp = td.MultivariateNormal(
            t(np.stack([c.mean for c in P.components])), t(np.stack([c.cov for c in P.components]))
        )
        tq = td.MultivariateNormal(t(Q.mean), t(Q.cov))
    tp = td.MixtureSameFamily(td.Categorical(w), comp)
    with torch.no_grad():
        x = tp.sample((n,))
        y = tp.log_prob(x) - tq.log_prob(x)
    return float(y.mean()), float(y.std() / math.sqrt(n))


def best(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    n = a.n
    try:
        import torch  # noqa: F401

        have_torch = True
    except ImportError:
        have_torch = False
    for title, P, Q in _problems():
        print(f"\n{title}, n = {n:,} samples from P")
        rates = {}
        for threads in (1, 2):
            fdiv.set_num_threads(threads)
            dt, r = best(
                lambda: fdiv.divergence(P, Q, "kl", method="mc", n=n, seed=1, sample_from="p"),
                a.repeat,
            )
            rates[f"fdiv {threads} thr"] = n / dt
            print(
                f"  fdiv, {threads} thread(s): {n / dt / 1e6:9.2f} M samples/s   "
                f"value {float(r.value):.6f} +- {float(r.stderr):.2e}"
            )
        fdiv.set_num_threads(0)
        dt, (v, se) = best(lambda: numpy_path(P, Q, n, 1), 1)
        rates["numpy"] = n / dt
        print(
            f"  scipy.stats/numpy:    {n / dt / 1e6:9.2f} M samples/s   value {v:.6f} +- {se:.2e}"
        )
        if have_torch:
            dt, (v, se) = best(lambda: torch_path(P, Q, n, 1), 1)
            rates["torch"] = n / dt
            print(
                f"  torch.distributions:  {n / dt / 1e6:9.2f} M samples/s   value {v:.6f} +- {se:.2e}"
            )
        else:
            print("  torch.distributions:  not installed")
        f2 = rates["fdiv 2 thr"]
        print(f"  ratio fdiv (2 thr) / numpy: {f2 / rates['numpy']:.1f}x", end="")
        print(f", / torch: {f2 / rates['torch']:.1f}x" if "torch" in rates else "")


if __name__ == "__main__":
    main()
