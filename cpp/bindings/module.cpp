// fdiv._core: creates nothing itself, it wires the registration functions.
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#define PY_ARRAY_UNIQUE_SYMBOL fdiv_ARRAY_API
#define PY_UFUNC_UNIQUE_SYMBOL fdiv_UFUNC_API
#include <numpy/arrayobject.h>
#include <numpy/ufuncobject.h>
#include <pybind11/pybind11.h>

namespace py = pybind11;

void register_ufuncs(py::module_& m);
void register_runtime(py::module_& m);
void register_quad(py::module_& m);
void register_mc(py::module_& m);
void register_expfam(py::module_& m);

PYBIND11_MODULE(_core, m) {
    // Both NumPy C-API tables must be imported before any ufunc is created (skipping the
    // umath import segfaults at import time).
    if (PyArray_ImportNumPyAPI() < 0) throw py::error_already_set();
    if (PyUFunc_ImportUFuncAPI() < 0) throw py::error_already_set();
    m.doc() = "fdiv compiled core (private; use the fdiv package)";
    register_runtime(m);
    register_ufuncs(m);
    register_quad(m);
    register_mc(m);
    register_expfam(m);
}
