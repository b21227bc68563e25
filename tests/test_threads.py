"""Concurrency: Python threads, OpenMP thread counts, threadpoolctl, OMP_NUM_THREADS, fork."""

import concurrent.futures as cf
import multiprocessing as mp
import os
import subprocess
import sys

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import fdiv

N = 200_003  # above the OpenMP threshold (fdiv._core.parallel_min_elements) and odd

KERNELS = [
    (fdiv.kl.f_logu, "r"),
    (fdiv.jeffreys.conj, "t"),
    (fdiv.softened_reverse_kl.conj, "t"),
    (fdiv.alpha(0.3).f, "u"),
    (fdiv.js_weighted(0.2).inv_df, "t"),
]


def _inputs(kind, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    if kind == "u":
        with np.errstate(over="ignore"):  # float32 inputs include inf on purpose
            return np.exp(rng.uniform(-700, 700, N)).astype(dtype)
    if kind == "r":
        with np.errstate(over="ignore"):
            return rng.uniform(-750, 750, N).astype(dtype)
    return rng.uniform(-5, 0.3, N).astype(dtype)


def test_threshold_is_below_test_size():
    assert fdiv._core.parallel_min_elements < N


@pytest.mark.parametrize("kernel,kind", KERNELS)
def test_thread_count_does_not_change_results(kernel, kind):
    x = _inputs(kind)
    results = []
    try:
        for n in (1, 2, 3, 8):
            fdiv.set_num_threads(n)
            assert fdiv.get_num_threads() == n
            results.append(kernel(x))
    finally:
        fdiv.set_num_threads(0)
    for r in results[1:]:
        np.testing.assert_array_equal(r, results[0])  # bitwise, NaN == NaN


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_concurrent_python_threads_match_serial(dtype):
    jobs = [(k, _inputs(kind, dtype, seed=i)) for i, (k, kind) in enumerate(KERNELS * 3)]
    serial = [k(x) for k, x in jobs]
    with cf.ThreadPoolExecutor(max_workers=6) as pool:
        parallel = list(pool.map(lambda job: job[0](job[1]), jobs))
    for s, p in zip(serial, parallel):
        np.testing.assert_array_equal(s, p)


def test_concurrent_set_num_threads_and_calls():
    x = _inputs("t")
    ref = fdiv.jeffreys.conj(x)

    def work(n):
        fdiv.set_num_threads(n)
        return fdiv.jeffreys.conj(x)

    try:
        with cf.ThreadPoolExecutor(max_workers=4) as pool:
            outs = list(pool.map(work, [1, 2, 3, 4] * 3))
    finally:
        fdiv.set_num_threads(0)
    for o in outs:
        np.testing.assert_array_equal(o, ref)


def test_threadpoolctl_limits_openmp():
    with threadpool_limits(limits=1, user_api="openmp"):
        assert fdiv.get_num_threads() == 1
        a = fdiv.kl.f_logu(_inputs("r"))
    np.testing.assert_array_equal(a, fdiv.kl.f_logu(_inputs("r")))


def test_omp_num_threads_environment():
    code = "import fdiv; print(fdiv.get_num_threads())"
    env = dict(os.environ, OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "1"


def _child(q):
    x = np.linspace(-5, 0.3, N)
    q.put(float(fdiv.jeffreys.conj(x).sum()))


def test_fork_after_openmp_does_not_hang():
    x = np.linspace(-5, 0.3, N)
    expected = float(fdiv.jeffreys.conj(x).sum())  # runs an OpenMP region in the parent
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q,))
    p.start()
    p.join(60)
    alive = p.is_alive()
    if alive:
        p.kill()
    assert not alive, "forked child hung in its first OpenMP region"
    assert p.exitcode == 0
    assert q.get(timeout=5) == expected
