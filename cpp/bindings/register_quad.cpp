// Known-density divergences: array checks, then one call into the core with the GIL released.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "../quad_batch.h"

namespace py = pybind11;

namespace {

using farr = py::array_t<double, py::array::c_style | py::array::forcecast>;
using iarr = py::array_t<int32_t, py::array::c_style | py::array::forcecast>;

py::tuple py_quad(const std::string& name, farr param, iarr pk, farr pp, farr pw, iarr qk, farr qp,
                  farr qw, double rtol, double atol, int limit) {
    const py::ssize_t n = param.shape(0);
    const int kp = int(pk.shape(0)), kq = int(qk.shape(0));
    if (pp.ndim() != 3 || pp.shape(0) != n || pp.shape(1) != kp || pp.shape(2) != 3 ||
        pw.ndim() != 2 || pw.shape(0) != n || pw.shape(1) != kp || qp.ndim() != 3 ||
        qp.shape(0) != n || qp.shape(1) != kq || qp.shape(2) != 3 || qw.ndim() != 2 ||
        qw.shape(0) != n || qw.shape(1) != kq)
        throw py::value_error("quad: inconsistent parameter array shapes");
    farr value(n), error(n);
    py::array_t<uint8_t> conv(n);
    fdv::mixture_batch P{kp, pk.data(), pp.data(), pw.data()};
    fdv::mixture_batch Q{kq, qk.data(), qp.data(), qw.data()};
    bool ok;
    {
        py::gil_scoped_release release;  // plain arrays owned above; no Python objects below
        ok = fdv::quad_batch(name, param.data(), n, P, Q, rtol, atol, limit, value.mutable_data(),
                             error.mutable_data(), conv.mutable_data());
    }
    if (!ok) throw py::value_error("quad: unknown divergence " + name);
    return py::make_tuple(value, error, conv);
}

farr py_normal_closed(const std::string& name, farr param, farr m1, farr s1, farr m2, farr s2) {
    const py::ssize_t n = m1.size();
    if (s1.size() != n || m2.size() != n || s2.size() != n || param.size() != n)
        throw py::value_error("normal_closed: inconsistent sizes");
    farr value(n);
    bool ok;
    {
        py::gil_scoped_release release;  // plain arrays owned above; no Python objects below
        ok = fdv::normal_closed_batch(name, param.data(), n, m1.data(), s1.data(), m2.data(),
                                      s2.data(), value.mutable_data());
    }
    if (!ok) throw py::value_error("normal_closed: no closed form for " + name);
    return value;
}

// log density of one mixture (component kinds k, params (k, 3), log weights (k,)) at x
farr py_mixture_logpdf(iarr kinds, farr params, farr logw, farr x) {
    const int k = int(kinds.shape(0));
    if (params.ndim() != 2 || params.shape(0) != k || params.shape(1) != 3 || logw.size() != k)
        throw py::value_error("mixture_logpdf: inconsistent shapes");
    farr out(x.size());
    {
        py::gil_scoped_release release;  // plain arrays owned above; no Python objects below
        fdv::mixture_logpdf(k, kinds.data(), params.data(), logw.data(), x.data(), x.size(),
                            out.mutable_data());
    }
    return out;
}

farr py_mvn_closed(const std::string& name, farr param, farr m1, farr L1, farr m2, farr L2) {
    const py::ssize_t n = param.size();
    if (m1.ndim() != 2 || m1.shape(0) != n) throw py::value_error("mvn_closed: m1 must be (n, k)");
    const int k = int(m1.shape(1));
    for (const farr* a : {&L1, &L2})
        if (a->ndim() != 3 || a->shape(0) != n || a->shape(1) != k || a->shape(2) != k)
            throw py::value_error("mvn_closed: Cholesky factors must be (n, k, k)");
    if (m2.ndim() != 2 || m2.shape(0) != n || m2.shape(1) != k)
        throw py::value_error("mvn_closed: m2 must be (n, k)");
    farr value(n);
    bool ok;
    {
        py::gil_scoped_release release;  // plain arrays owned above; no Python objects below
        ok = fdv::mvn_closed_batch(name, param.data(), n, k, m1.data(), L1.data(), m2.data(),
                                   L2.data(), value.mutable_data());
    }
    if (!ok) throw py::value_error("mvn_closed: no closed form for " + name);
    return value;
}

// batched 1-D mixtures (component kinds (k,), params (n, k, 3), log weights (n, k)) at x (n,):
// which = 0 log density, 1 cdf
farr py_dist_eval(int which, iarr kinds, farr params, farr logw, farr x) {
    const int k = int(kinds.shape(0));
    const py::ssize_t n = x.size();
    if (params.ndim() != 3 || params.shape(0) != n || params.shape(1) != k ||
        params.shape(2) != 3 || logw.ndim() != 2 || logw.shape(0) != n || logw.shape(1) != k)
        throw py::value_error("dist_eval: inconsistent shapes");
    farr out(n);
    {
        py::gil_scoped_release release;  // plain arrays owned above; no Python objects below
        fdv::dist_eval(which, k, kinds.data(), params.data(), logw.data(), x.data(), n,
                       out.mutable_data());
    }
    return out;
}

py::tuple py_poisson_sum(const std::string& name, farr param, farr m1, farr m2) {
    const py::ssize_t n = param.size();
    if (m1.size() != n || m2.size() != n) throw py::value_error("poisson_sum: inconsistent sizes");
    farr value(n), error(n);
    bool ok;
    {
        py::gil_scoped_release release;  // plain arrays owned above; no Python objects below
        ok = fdv::poisson_sum_batch(name, param.data(), n, m1.data(), m2.data(),
                                    value.mutable_data(), error.mutable_data());
    }
    if (!ok) throw py::value_error("poisson_sum: unknown divergence " + name);
    return py::make_tuple(value, error);
}

}  // namespace

void register_quad(py::module_& m) {
    m.def("poisson_sum", &py_poisson_sum);
    m.def("mvn_closed", &py_mvn_closed);
    m.def("dist_eval", &py_dist_eval);
    m.def("mixture_logpdf", &py_mixture_logpdf);
    m.def("quad_divergence", &py_quad);
    m.def("normal_closed", &py_normal_closed);
}
