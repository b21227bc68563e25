"""Dask: the elementwise ufuncs stay lazy on dask arrays, and Monte Carlo spread over a
LocalCluster of 2 workers equals the local result to the last bit."""

from __future__ import annotations

import numpy as np
import pytest

import fdiv
from fdiv import dist

da = pytest.importorskip("dask.array", reason="dask is the optional 'dask' extra")
distributed = pytest.importorskip("dask.distributed", reason="the optional 'dask' extra")


def test_ufuncs_are_lazy_on_dask_arrays():
    u = np.geomspace(1e-3, 1e3, 101)
    x = da.from_array(u, chunks=25)
    for name in ("kl", "js", "squared_hellinger"):
        d = fdiv.get(name)
        lazy = d.f(x)
        assert isinstance(lazy, da.Array)  # nothing computed yet
        assert np.array_equal(lazy.compute(), d.f(u))
    raw = fdiv.ufuncs.js_conj(da.from_array(np.linspace(-3, 0.3, 40), chunks=10))
    assert isinstance(raw, da.Array)
    assert np.array_equal(raw.compute(), fdiv.ufuncs.js_conj(np.linspace(-3, 0.3, 40)))
    # the family parameter broadcasts lazily too
    a = fdiv.alpha(0.5).f_logu(da.from_array(np.linspace(-5, 5, 11), chunks=4))
    assert isinstance(a, da.Array)
    assert np.array_equal(a.compute(), fdiv.alpha(0.5).f_logu(np.linspace(-5, 5, 11)))


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def test_monte_carlo_on_a_cluster_equals_local(client):
    assert len(client.scheduler_info()["workers"]) == 2
    P, Q = fdiv.toy.ring(), dist.MvNormal([0.0, 0.0], np.eye(2))
    for d, n in (("kl", 1_500_000), ("js", 700_000)):
        local = fdiv.divergence(P, Q, d, method="mc", n=n, seed=11)
        spread = fdiv.divergence(P, Q, d, method="mc", n=n, seed=11, client=client)
        assert float(spread.value) == float(local.value)
        assert float(spread.stderr) == float(local.stderr)
        assert spread.n == local.n == n and spread.sample_from == local.sample_from
    # a batch with a support violation (mass passes), spread the same way
    Pb = dist.Uniform(0.0, np.array([1.0, 2.0]))
    a = fdiv.divergence(Pb, dist.Uniform(0.0, 1.5), "total_variation", method="mc", n=200_000,
                        seed=2)  # fmt: skip
    b = fdiv.divergence(Pb, dist.Uniform(0.0, 1.5), "total_variation", method="mc", n=200_000,
                        seed=2, client=client)  # fmt: skip
    assert np.array_equal(a.value, b.value) and np.array_equal(a.stderr, b.stderr)


def test_client_is_refused_where_it_cannot_apply(client):
    P, Q = dist.Normal(0.0, 1.0), dist.Normal(1.0, 1.0)
    with pytest.raises(ValueError, match="client="):
        fdiv.divergence(P, Q, "kl", method="mc", n=1000, seed=0, qmc=True, client=client)
