// Threading and build information.
#include <omp.h>
#include <pybind11/pybind11.h>

#include "../parallel.h"
#include "fdiv/config.h"

namespace py = pybind11;

void register_runtime(py::module_& m) {
    m.def("set_num_threads", &fdv::set_num_threads, py::arg("n"));
    m.def("get_num_threads", &fdv::get_num_threads);
    m.def("omp_max_threads", [] { return omp_get_max_threads(); });
    m.attr("parallel_min_elements") = fdv::kParallelMin;
    m.attr("core_version") = FDIV_VERSION_STRING;
#if defined(_OPENMP)
    m.attr("openmp_version") = int(_OPENMP);
#endif
}
