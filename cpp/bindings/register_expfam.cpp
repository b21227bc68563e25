// Exponential-family closed forms (fdiv/expfam.h): array checks, then one loop with the GIL
// released.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "fdiv/expfam.h"

namespace py = pybind11;

namespace {

using farr = py::array_t<double, py::array::c_style | py::array::forcecast>;

farr py_expfam_closed(int family, const std::string& name, farr param, farr a1, farr b1, farr a2,
                      farr b2) {
    if (family < 0 || family > 2)
        throw py::value_error("expfam_closed: family must be 0 (gamma), 1 (beta) or 2 (poisson)");
    const py::ssize_t n = a1.size();
    for (const farr* x : {&param, &a1, &b1, &a2, &b2})
        if (x->ndim() != 1 || x->size() != n)
            throw py::value_error("expfam_closed: parameter arrays must be 1-D of one size");
    double probe;  // reject an unknown name before the loop (also for n == 0)
    if (!fdv::expfam_closed(family, name.c_str(), 0.5, 1.0, 1.0, 1.0, 1.0, &probe))
        throw py::value_error("expfam_closed: no closed form for " + name);
    farr value(n);
    {
        py::gil_scoped_release release;  // plain arrays owned above; no Python objects below
        const double *p = param.data(), *x1 = a1.data(), *y1 = b1.data(), *x2 = a2.data(),
                     *y2 = b2.data();
        double* out = value.mutable_data();
        const char* nm = name.c_str();
        for (py::ssize_t i = 0; i < n; ++i)
            fdv::expfam_closed(family, nm, p[i], x1[i], y1[i], x2[i], y2[i], out + i);
    }
    return value;
}

farr py_expfam_digamma(farr x) {
    farr out(x.size());
    {
        py::gil_scoped_release release;
        const double* px = x.data();
        double* po = out.mutable_data();
        for (py::ssize_t i = 0; i < x.size(); ++i) po[i] = fdv::digamma(px[i]);
    }
    return out.reshape(std::vector<py::ssize_t>(x.shape(), x.shape() + x.ndim()));
}

}  // namespace

void register_expfam(py::module_& m) {
    m.def("expfam_closed", &py_expfam_closed, py::arg("family"), py::arg("name"), py::arg("param"),
          py::arg("a1"), py::arg("b1"), py::arg("a2"), py::arg("b2"),
          "Closed-form divergence between two members of one exponential family "
          "(0 gamma(shape, scale), 1 beta(a, b), 2 poisson(mu); b1, b2 ignored for poisson).");
    m.def("expfam_digamma", &py_expfam_digamma, py::arg("x"),
          "digamma(x) for x > 0 (fdv::digamma)");
}
