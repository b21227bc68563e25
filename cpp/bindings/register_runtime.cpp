// Threading, SIMD dispatch and build information.
#include <omp.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "../parallel.h"
#include "../simd/dispatch.h"
#include "fdiv/config.h"

namespace py = pybind11;

void register_runtime(py::module_& m) {
    m.def("set_num_threads", &fdv::set_num_threads, py::arg("n"));
    m.def("get_num_threads", &fdv::get_num_threads);
    m.def("omp_max_threads", [] { return omp_get_max_threads(); });
    m.attr("parallel_min_elements") = fdv::kParallelMin;
    m.attr("stream_min_bytes") = fdv::simd::kStreamMinBytes;
    m.attr("core_version") = FDIV_VERSION_STRING;
#if defined(_OPENMP)
    m.attr("openmp_version") = int(_OPENMP);
#endif
    m.def("simd_target", &fdv::simd::target_name, "SIMD target chosen at run time");
    m.def("simd_compiled_targets", &fdv::simd::compiled_targets, "targets compiled in, best first");
    m.def("simd_vectorised", &fdv::simd::vectorised, "names of the ufuncs with vector kernels");
    m.def("simd_native_float32", &fdv::simd::native_float32,
          "names of the vectorised ufuncs whose float32 loop runs in float32 lanes");
    m.attr("highway_version") = fdv::simd::library_version();
    m.def("_simd_force_target", &fdv::simd::force_target, py::arg("name"),
          "tests only: dispatch to one compiled target ('' restores the default)");
    m.def("_simd_set_enabled", &fdv::simd::set_enabled, py::arg("on"),
          "tests only: False routes every ufunc through its scalar loop");
}
