// Monte Carlo: array checks, then one call into the core with the GIL released.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "../mc_batch.h"

namespace py = pybind11;

namespace {

using farr = py::array_t<double, py::array::c_style | py::array::forcecast>;
using iarr = py::array_t<int32_t, py::array::c_style | py::array::forcecast>;

// A layout from Python: (component kinds (m,), coordinate kinds (m, k), parameters (n, plen),
// log weights (n, m)); the arrays stay referenced by `keep` while the core reads them.
struct layout {
    iarr ck, dk;
    farr params, logw;
    fdv::mc_layout L;
};

layout unpack(const py::tuple& t, const char* name) {
    if (t.size() != 4) throw py::value_error(std::string(name) + ": layout must be a 4-tuple");
    layout l{t[0].cast<iarr>(), t[1].cast<iarr>(), t[2].cast<farr>(), t[3].cast<farr>(), {}};
    const int m = int(l.ck.size());
    if (l.dk.ndim() != 2 || l.dk.shape(0) != m || l.params.ndim() != 2 || l.logw.ndim() != 2 ||
        l.logw.shape(1) != m || l.logw.shape(0) != l.params.shape(0))
        throw py::value_error(std::string(name) + ": inconsistent layout shapes");
    const int k = int(l.dk.shape(1));
    int plen = 0;
    for (int j = 0; j < m; ++j) {
        int kind = l.ck.data()[j];
        if (kind < 0 || kind > 2) throw py::value_error(std::string(name) + ": bad kind");
        plen += kind == 0 ? k + k * k : kind == 1 ? k + k * k + 1 : 3 * k;
    }
    if (l.params.shape(1) != plen)
        throw py::value_error(std::string(name) + ": parameter rows have the wrong length");
    l.L = fdv::mc_layout{m, k, plen, l.ck.data(), l.dk.data(), l.params.data(), l.logw.data()};
    return l;
}

#ifdef FDIV_HAVE_MC
// P, Q and the optional proposal R, each with one parameter row per item and one dimension
void unpack_all(py::ssize_t items, const py::tuple& P, const py::tuple& Q, const py::object& R,
                layout& lp, layout& lq, layout& lr) {
    lp = unpack(P, "P"), lq = unpack(Q, "Q");
    lr = R.is_none() ? lq : unpack(R.cast<py::tuple>(), "proposal");
    for (const layout* l : {&lp, &lq, &lr})
        if (l->params.shape(0) != items)
            throw py::value_error("mc: every layout needs one parameter row per item");
    if (lp.L.k != lq.L.k || lr.L.k != lq.L.k) throw py::value_error("mc: dimensions differ");
}

py::tuple py_mc(const std::string& name, farr param, py::tuple P, py::tuple Q, py::object R,
                int mode, std::int64_t n, std::int64_t block, std::uint64_t key) {
    const py::ssize_t items = param.size();
    layout lp, lq, lr;
    unpack_all(items, P, Q, R, lp, lq, lr);
    if (n < 1 || block < 1 || mode < 0 || mode > 5)
        throw py::value_error("mc: bad n, block or mode");
    farr value(items), se(items), ess(items), xi(items), count(items), share(items);
    fdv::mc_output out{value.mutable_data(), se.mutable_data(),    ess.mutable_data(),
                       xi.mutable_data(),    count.mutable_data(), share.mutable_data()};
    bool ok;
    {
        py::gil_scoped_release release;  // arrays owned above; no Python objects below
        ok = fdv::mc_batch(name, param.data(), items, lp.L, lq.L, R.is_none() ? nullptr : &lr.L,
                           mode, n, block, key, out);
    }
    if (!ok) throw py::value_error("mc: unknown divergence " + name);
    return py::make_tuple(value, se, ess, xi, count, share);
}

// Blocks [b0, b1) of every item: (stats (items, nb, MC_NSTAT), tails (items, nb, keep)).
py::tuple py_mc_blocks(const std::string& name, farr param, py::tuple P, py::tuple Q, py::object R,
                       int mode, std::int64_t n, std::int64_t block, std::uint64_t key,
                       std::int64_t b0, std::int64_t b1) {
    const py::ssize_t items = param.size();
    layout lp, lq, lr;
    unpack_all(items, P, Q, R, lp, lq, lr);
    const std::int64_t nblocks = n >= 1 && block >= 1 ? (n + block - 1) / block : 0;
    if (n < 1 || block < 1 || mode < 0 || mode > 5 || b0 < 0 || b1 <= b0 || b1 > nblocks)
        throw py::value_error("mc: bad n, block, mode or block range");
    const py::ssize_t nb = b1 - b0, keep = py::ssize_t(fdv::mc_keep(n));
    farr stats({items, nb, py::ssize_t(fdv::MC_NSTAT)}), tails({items, nb, keep});
    bool ok;
    {
        py::gil_scoped_release release;  // arrays owned above; no Python objects below
        ok =
            fdv::mc_blocks(name, param.data(), items, lp.L, lq.L, R.is_none() ? nullptr : &lr.L,
                           mode, n, block, key, b0, b1, stats.mutable_data(), tails.mutable_data());
    }
    if (!ok) throw py::value_error("mc: unknown divergence " + name);
    return py::make_tuple(stats, tails);
}

// Merges every item's blocks (all of them, in order) into the outputs of mc_divergence.
py::tuple py_mc_reduce(farr stats, farr tails, int mode, std::int64_t n) {
    if (stats.ndim() != 3 || stats.shape(2) != fdv::MC_NSTAT || tails.ndim() != 3 ||
        tails.shape(0) != stats.shape(0) || tails.shape(1) != stats.shape(1) ||
        tails.shape(2) != py::ssize_t(fdv::mc_keep(n)))
        throw py::value_error("mc_reduce: inconsistent shapes");
    const py::ssize_t items = stats.shape(0), nb = stats.shape(1);
    farr value(items), se(items), ess(items), xi(items), count(items), share(items);
    fdv::mc_output out{value.mutable_data(), se.mutable_data(),    ess.mutable_data(),
                       xi.mutable_data(),    count.mutable_data(), share.mutable_data()};
    {
        py::gil_scoped_release release;
        fdv::mc_reduce(items, nb, n, mode, stats.data(), tails.data(), out);
    }
    return py::make_tuple(value, se, ess, xi, count, share);
}

farr py_mc_logpdf(py::tuple D, farr x) {
    layout l = unpack(D, "D");
    if (x.ndim() != 2 || x.shape(1) != l.L.k) throw py::value_error("x must be (n, k)");
    const py::ssize_t items = l.params.shape(0), n = x.shape(0);
    if (items != 1 && items != n) throw py::value_error("one parameter row, or one per point");
    farr out(n);
    {
        py::gil_scoped_release release;
        fdv::mc_logpdf(l.L, items, x.data(), n, out.mutable_data());
    }
    return out;
}

// n draws of item `item` from the stream (key, stream, block); stream < 0: the item's index
farr py_mc_sample(py::tuple D, std::int64_t item, std::uint64_t key, std::int64_t n,
                  std::int64_t block, std::int64_t stream) {
    layout l = unpack(D, "D");
    if (item < 0 || item >= l.params.shape(0) || n < 0 || block < 0)
        throw py::value_error("bad item, n or block");
    farr x({py::ssize_t(n), py::ssize_t(l.L.k)});
    {
        py::gil_scoped_release release;
        fdv::mc_sample(l.L, item, stream < 0 ? item : stream, block, key, n, x.mutable_data());
    }
    return x;
}

py::array_t<std::uint32_t> py_philox(std::uint64_t c0, std::uint32_t w2, std::uint32_t w3,
                                     std::uint32_t k0, std::uint32_t k1, std::size_t n,
                                     bool vector) {
    py::array_t<std::uint32_t> out(py::ssize_t(4 * n));
    fdv::mc_philox_words(c0, w2, w3, k0, k1, n, vector, out.mutable_data());
    return out;
}

bool py_full_support(py::tuple D) {
    layout l = unpack(D, "D");
    return fdv::mc_full_support(l.L);
}
#endif

}  // namespace

void register_mc(py::module_& m) {
#ifdef FDIV_HAVE_MC
    m.attr("HAVE_MC") = true;
    m.def("mc_divergence", &py_mc);
    m.def("mc_blocks", &py_mc_blocks);
    m.def("mc_reduce", &py_mc_reduce);
    m.def("mc_logpdf", &py_mc_logpdf);
    m.def("mc_sample", &py_mc_sample, py::arg("D"), py::arg("item"), py::arg("key"), py::arg("n"),
          py::arg("block") = 0, py::arg("stream") = -1);
    m.def("mc_full_support", &py_full_support);
    m.def("mc_philox_words", &py_philox, py::arg("c0"), py::arg("w2"), py::arg("w3"), py::arg("k0"),
          py::arg("k1"), py::arg("n"), py::arg("vector"));
#else
    m.attr("HAVE_MC") = false;
    (void)&unpack;
#endif
}
