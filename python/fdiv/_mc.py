"""Monte Carlo estimates of D_f(P||Q) in any dimension (``fdiv.divergence(..., method="mc")``).

The compiled path (catalogue divergences) is one fused C++ loop per block of samples: sample,
two log densities, f in the log-ratio domain, Welford sums; each block of each batch item
draws from its own counter-based stream (Random123 Philox keyed by the seed), so a seed gives
the same value to the last bit whatever the number of threads. Custom divergences and
randomised QMC (scrambled Sobol) run the same estimator from Python in blocks.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from . import _core

__all__ = ["MCResult"]

BLOCK = 1 << 16  # samples per stream: part of what a seed means, so fixed
K_MAX = 0.7  # Pareto k above which stderr is not to be trusted (Vehtari et al., PSIS)
SHARE_MIN = 0.05  # ... when, too, one term carries this share of the sum of squares
QMC_SCRAMBLES = 16  # independent scrambles whose spread gives the QMC error
_MODES = ("auto", "q", "p", "mixture")


def _unwrap(x):
    x = np.asarray(x)
    return x[()] if x.ndim == 0 else x


@dataclass
class MCResult:
    """A Monte Carlo estimate: ``value`` and its ``stderr`` (arrays of the batch shape), the
    number of samples ``n``, the effective sample size ``ess`` (n unless importance sampled),
    ``tail_index`` (the Pareto shape k of the tail of |f terms|, PSIS's diagnostic: k = 1/alpha
    for a power law |y|^-alpha, so k >= 1/2 is an infinite variance; above K_MAX = 0.7 the
    standard error is not to be trusted) and
    ``finite_variance`` (False: the interval from stderr would be a lie, and ci() says so)."""

    value: Any
    stderr: Any
    n: Any
    ess: Any
    tail_index: Any
    finite_variance: Any
    sample_from: Any
    method: str = "mc"
    partial: bool = False  # stopped early (Ctrl-C with a progress callback): n says how far

    @property
    def error(self):
        """The standard error (Monte Carlo has no error bound)."""
        return self.stderr

    @property
    def converged(self):
        return self.finite_variance

    def ci(self, level: float = 0.95):
        """(low, high): value -+ z stderr with z the normal quantile of (1 + level)/2; the
        whole real line where the variance is not finite (the CLT does not apply)."""
        if not 0.0 < level < 1.0:
            raise ValueError(f"level must be in (0, 1), got {level!r}")
        z = NormalDist().inv_cdf(0.5 + 0.5 * level)
        v, s, ok = (np.asarray(x) for x in (self.value, self.stderr, self.finite_variance))
        with np.errstate(invalid="ignore"):
            lo = np.where(ok, v - z * s, -np.inf)
            hi = np.where(ok, v + z * s, np.inf)
        return _unwrap(lo), _unwrap(hi)

    def __float__(self) -> float:
        return float(self.value)


def _key(seed) -> int:
    """A 64-bit Philox key from None, an int >= 0, a SeedSequence or a Generator (drawn from it,
    which advances it, as numpy's own spawning does)."""
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**64, dtype=np.uint64))
    if isinstance(seed, np.random.SeedSequence):
        ss = seed
    elif seed is None:
        ss = np.random.SeedSequence()
    elif isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        ss = np.random.SeedSequence(int(seed))
    else:
        raise TypeError(
            "seed must be None, an int, a numpy SeedSequence or Generator, "
            f"got {type(seed).__name__}"
        )
    return int(ss.generate_state(1, np.uint64)[0])


def _subkey(key: int, tag: int) -> int:
    """Independent keys for the pilot, the two main runs and the mass passes of one seed."""
    ss = np.random.SeedSequence(entropy=key, spawn_key=(tag,))
    return int(ss.generate_state(1, np.uint64)[0])


def _heavy(k, share):
    """The verdict on a variance: infinite where the tail's Pareto k is at least K_MAX and one
    term carries at least SHARE_MIN of the sum of squares.  k alone misreads a pile-up of
    terms below a bounded maximum (the GAN ring's log-ratio under a wide Q) as a heavy tail;
    an infinite variance shows in the dominance of the largest term as well."""
    return (k >= K_MAX) & (share >= SHARE_MIN)


def _check(n, sample_from, proposal, qmc, P):
    from .dist import Distribution

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    if sample_from not in _MODES:
        raise ValueError(f"sample_from must be one of {_MODES}, got {sample_from!r}")
    if proposal is not None:
        if not isinstance(proposal, Distribution):
            raise TypeError("proposal must be an fdiv.dist distribution")
        if proposal.dim != P.dim:
            raise ValueError(
                f"proposal is {proposal.dim}-dimensional but P and Q are {P.dim}-dimensional"
            )
        if qmc:
            raise ValueError("qmc=True samples P or Q; it cannot be combined with a proposal")
    if not isinstance(qmc, (bool, np.bool_)):
        raise TypeError(f"qmc must be True or False, got {qmc!r}")


class _Interrupted(Exception):
    """Ctrl-C inside a chunked run: carries the outputs of the blocks done so far."""

    def __init__(self, out):
        super().__init__("interrupted")
        self.out = out


def _aligned(x):
    """Arrays as C-contiguous and aligned (Dask's out-of-band pickling may hand a worker a
    buffer at any byte offset; the core reads doubles)."""
    if isinstance(x, np.ndarray):
        return np.require(x, requirements=["C", "A"])
    if isinstance(x, tuple):
        return tuple(_aligned(v) for v in x)
    return x


def _worker_blocks(args):
    """One chunk of blocks on a Dask worker (a plain function, so that it pickles)."""
    from fdiv import _core as core

    return core.mc_blocks(*(_aligned(a) for a in args))


class _Runner:
    """Executes the blocks of one Monte Carlo run: in one call (the default), in chunks with a
    progress callback (and the blocks done so far on Ctrl-C), or spread over the workers of a
    dask.distributed Client.  Every way merges the same per-block sums in block order, so the
    value is the same to the last bit."""

    def __init__(self, client=None, progress=None, chunk_blocks=16):
        self.client, self.progress, self.chunk = client, progress, max(1, int(chunk_blocks))
        self.done = 0  # samples done over the runs of one estimate, and their total
        self.total = 0

    def __call__(self, name, param, lp, lq, lr, mode, n, key):
        if self.client is None and self.progress is None:
            return _core.mc_divergence(name, param, lp, lq, lr, mode, n, BLOCK, key)
        nb = (n + BLOCK - 1) // BLOCK
        ranges = [(b, min(nb, b + self.chunk)) for b in range(0, nb, self.chunk)]
        items = param.size
        if self.client is not None:
            args = [(name, param, lp, lq, lr, mode, n, BLOCK, key, b0, b1) for b0, b1 in ranges]
            parts = self.client.gather(self.client.map(_worker_blocks, args, pure=False))
        else:
            parts = []
            try:
                for b0, b1 in ranges:
                    parts.append(
                        _core.mc_blocks(name, param, lp, lq, lr, mode, n, BLOCK, key, b0, b1)
                    )
                    self.done += (min(n, b1 * BLOCK) - b0 * BLOCK) * items
                    self.progress(self.done, max(self.total, self.done))
            except KeyboardInterrupt:
                if not parts:
                    raise
                raise _Interrupted(self._reduce(parts, mode, n)) from None
        return self._reduce(parts, mode, n)

    @staticmethod
    def _reduce(parts, mode, n):
        stats = np.ascontiguousarray(np.concatenate([p[0] for p in parts], axis=1))
        tails = np.ascontiguousarray(np.concatenate([p[1] for p in parts], axis=1))
        return _core.mc_reduce(stats, tails, mode, n)


def monte_carlo(P, Q, d, shape, n, seed, sample_from, proposal, qmc, client=None, progress=None):
    """The estimate for fdiv.divergence(method="mc"); P, Q (and proposal) fdiv.dist."""
    _check(n, sample_from, proposal, qmc, P)
    if client is not None and (d.is_custom or qmc):
        raise ValueError("client= spreads the compiled estimator: not for qmc or custom f")
    if progress is not None and not callable(progress):
        raise TypeError("progress must be a callable (samples done, samples in all)")
    if not _core.HAVE_MC:
        raise RuntimeError(
            "this fdiv build has no Monte Carlo: it needs Random123 (apt install "
            "librandom123-dev) at build time"
        )
    n = int(n)
    key = _key(seed)
    if d.is_custom or qmc:
        return _python_mc(P, Q, d, shape, n, key, sample_from, qmc)
    items = int(np.prod(shape))
    param = np.ascontiguousarray(
        np.broadcast_to(np.asarray(d._param if d._param is not None else 0.0, float), shape).ravel()
    )
    lp, lq = P._mc_layout(shape), Q._mc_layout(shape)

    def sub(L, idx):  # the batch items idx of a layout (kinds shared, rows selected)
        return L[0], L[1], np.ascontiguousarray(L[2][idx]), np.ascontiguousarray(L[3][idx])

    def run(mode, idx, nn, k, R=None):  # a pilot: one small call
        r = None if R is None else sub(R, idx)
        return _core.mc_divergence(
            d.name, param[idx], sub(lp, idx), sub(lq, idx), r, mode, nn, BLOCK, k
        )

    runner = _Runner(client, progress)

    def run_main(mode, idx, nn, k, R=None):  # a main run: through the runner
        r = None if R is None else sub(R, idx)
        return runner(d.name, param[idx], sub(lp, idx), sub(lq, idx), r, mode, nn, k)

    try:
        return _estimate(P, Q, d, shape, n, key, sample_from, proposal, lp, lq, items,
                         run, run_main, runner)  # fmt: skip
    except _Interrupted as stop:
        v, se, ess, xi, cnt, share = stop.out
        modes = np.full(v.shape, "?", dtype=object)
        return _result(shape, v, se, ess, xi, cnt, ~_heavy(xi, share), modes, partial=True)


def _estimate(P, Q, d, shape, n, key, sample_from, proposal, lp, lq, items, run, run_main,
              runner):  # fmt: skip

    everything = np.arange(items)
    runner.total = n * items
    if proposal is not None:
        v, se, ess, xi, cnt, share = run_main(2, everything, n, key, proposal._mc_layout(shape))
        mode_names = np.full(items, "proposal", dtype=object)
    else:
        if sample_from == "auto":
            # Pilot runs of the three estimators.  The mixture (defensive importance sampling)
            # is the baseline: it sees both supports and its terms 2 f(u)/(1 + u) stay bounded
            # or logarithmic for most catalogue f.  Q or P sampling replaces it only where its
            # pilot variance is smaller, its terms show no heavy tail (Pareto k < K_MAX) and its
            # estimate agrees with the mixture's within 4 combined standard errors (sampling
            # from a narrow P misses the mass of a wide Q in rare events a pilot cannot see;
            # the disagreement is what shows it).  An infinite term seen by any pilot is the
            # answer (an infinite price of mass where one density vanishes).
            n0 = min(n, 4096)
            k0 = _subkey(key, 1)
            mv, ms, *_ = run(5, everything, n0, k0)
            score = [np.where(np.isinf(mv), -1.0, ms)]
            for mode in (0, 1):
                pv, ps, _, px, _, psh = run(mode, everything, n0, k0)
                with np.errstate(invalid="ignore"):
                    agree = np.abs(pv - mv) <= 4.0 * np.hypot(ps, ms)
                ok = agree & ~_heavy(px, psh)
                score.append(np.where(np.isinf(pv), -1.0, np.where(ok, ps, np.inf)))
            choice = np.argmin(np.stack(score), axis=0)  # 0 mixture, 1 q, 2 p
        else:
            choice = np.full(items, {"mixture": 0, "q": 1, "p": 2}[sample_from])
        v, se, ess, xi, cnt, share = (np.empty(items) for _ in range(6))
        extra = {1: not _core.mc_full_support(lq), 2: not _core.mc_full_support(lp)}
        runner.total = sum(
            n * int(np.sum(choice == c)) * (2 if extra.get(c) else 1) for c in range(3)
        )
        for c, mode, mass_mode, tag in (
            (0, 5, None, 4),  # from (P + Q)/2: covers both supports
            (1, 0, 3, 2),  # from Q: P's mass where q = 0 needs its own pass
            (2, 1, 4, 3),  # from P: Q's mass where p = 0
        ):
            idx = np.flatnonzero(choice == c)
            if idx.size == 0:
                continue
            out = run_main(mode, idx, n, _subkey(key, tag))
            for arr, o in zip((v, se, ess, xi, cnt, share), out):
                arr[idx] = o
            if mass_mode is not None and extra[c]:
                mv, ms, *_ = run_main(mass_mode, idx, n, _subkey(key, tag + 10))
                with np.errstate(invalid="ignore"):
                    v[idx] = np.where(np.isinf(mv), mv, v[idx] + mv)
                    se[idx] = np.where(np.isinf(mv), 0.0, np.hypot(se[idx], ms))
        mode_names = np.array(["mixture", "q", "p"], dtype=object)[choice]
    if np.isnan(v).any():
        raise ValueError(
            "Monte Carlo broke down (NaN terms): +inf and -inf terms met, or the densities "
            "are not finite where sampled"
        )
    finite = ~_heavy(xi, share) | np.isinf(v)
    if not finite.all():
        warnings.warn(
            f"the Monte Carlo terms of {d!r} look heavy-tailed (Pareto k >= {K_MAX} and one "
            f"term >= {SHARE_MIN:.0%} of the sum of squares in "
            f"{int((~finite).sum())} of {finite.size} items): the variance is likely infinite "
            "and stderr meaningless; try sample_from='p' or a proposal",
            RuntimeWarning,
            stacklevel=3,
        )
    return _result(shape, v, se, ess, xi, cnt, finite, mode_names)


def _result(shape, v, se, ess, xi, cnt, finite, modes, partial=False):
    """An MCResult from the per-item arrays, reshaped to the batch shape."""
    return MCResult(
        value=_unwrap(v.reshape(shape)),
        stderr=_unwrap(se.reshape(shape)),
        n=_unwrap(cnt.reshape(shape).astype(np.int64)),
        ess=_unwrap(ess.reshape(shape)),
        tail_index=_unwrap(xi.reshape(shape)),
        finite_variance=_unwrap(finite.reshape(shape)),
        sample_from=_unwrap(modes.reshape(shape)),
        partial=partial,
    )


# ---- the Python-driven estimator: custom divergences and randomised QMC ---------------------


def _item_layout(L, i):
    return tuple(a if j < 2 else np.ascontiguousarray(a[i : i + 1]) for j, a in enumerate(L))


def _terms(d, lp, lq, from_p):
    """f(p/q) for x ~ Q, or f_dual(q/p) for x ~ P, from the log densities (MATH.md §0 at the
    edges: f(0) where p = 0, f'(inf) where q = 0)."""
    with np.errstate(all="ignore"):
        if from_p:
            y = np.asarray(d.dual.f_logu(lq - lp), dtype=float)
            return np.where(lq == -np.inf, d.df_inf, y)
        y = np.asarray(d.f_logu(lp - lq), dtype=float)
        return np.where(lp == -np.inf, d.f0, y)


def _python_mc(P, Q, d, shape, n, key, sample_from, qmc):
    from . import dist as D

    items = int(np.prod(shape))
    lp_all, lq_all = P._mc_layout(shape), Q._mc_layout(shape)
    if sample_from == "auto" and not d.is_custom:
        # the compiled pilots decide between Q and P (the mixture has no QMC map here): the
        # smaller variance among those whose terms show no heavy tail
        param = np.ascontiguousarray(
            np.broadcast_to(np.asarray(d._param if d._param is not None else 0.0, float), shape)
        ).ravel()
        n0, k0 = min(n, 4096), _subkey(key, 1)
        pil = [_core.mc_divergence(d.name, param, lp_all, lq_all, None, m, n0, BLOCK, k0)
               for m in (0, 1)]  # fmt: skip
        score = [np.where(_heavy(o[3], o[5]), np.inf, o[1]) for o in pil]
        sample_from = "p" if np.sum(score[1] < score[0]) > items / 2 else "q"
    from_p = sample_from == "p"
    S_all = lp_all if from_p else lq_all
    vals, ses, xis = np.empty(items), np.empty(items), np.zeros(items)
    for i in range(items):
        lp, lq, ls = (_item_layout(L, i) for L in (lp_all, lq_all, S_all))

        def terms(x, lp=lp, lq=lq):
            a, b = _core.mc_logpdf(lp, x), _core.mc_logpdf(lq, x)
            return _terms(d, a, b, from_p)

        if qmc:
            means = []
            m = 1 << max(1, int(math.log2(max(2, n // QMC_SCRAMBLES))))
            src = P if from_p else Q
            for r in range(QMC_SCRAMBLES):
                x = D._qmc_points(src, i, shape, m, _subkey(key, 100 + r))
                means.append(np.mean(terms(x)))
            means = np.array(means)
            vals[i] = means.mean()
            ses[i] = means.std(ddof=1) / math.sqrt(QMC_SCRAMBLES)
            continue
        # Welford/Chan over blocks, in block order
        cnt = mean = m2 = 0.0
        for b in range((n + BLOCK - 1) // BLOCK):
            nb = min(BLOCK, n - b * BLOCK)
            y = terms(_core.mc_sample(ls, 0, _subkey(key, 7), nb, b, i))
            bm, bm2 = float(np.mean(y)), float(np.sum((y - np.mean(y)) ** 2))
            tot = cnt + nb
            delta = bm - mean
            mean += delta * nb / tot
            m2 += bm2 + delta * delta * cnt * nb / tot
            cnt = tot
        vals[i], ses[i] = mean, math.sqrt(m2 / (cnt - 1) / cnt)
    if np.isnan(vals).any():
        raise ValueError("Monte Carlo broke down (NaN terms)")
    # QMC: 16 scrambles of 2^floor(log2(n/16)) points each -- the samples actually used
    n_used = QMC_SCRAMBLES * (1 << max(1, int(math.log2(max(2, n // QMC_SCRAMBLES))))) if qmc else n
    return MCResult(
        value=_unwrap(vals.reshape(shape)),
        stderr=_unwrap(ses.reshape(shape)),
        n=_unwrap(np.full(shape, n_used, np.int64)),
        ess=_unwrap(np.full(shape, float(n_used))),
        tail_index=_unwrap(xis.reshape(shape)),
        finite_variance=_unwrap(np.ones(shape, bool)),
        sample_from=_unwrap(np.full(shape, "p" if from_p else "q", dtype=object)),
        method="qmc" if qmc else "mc",
    )
