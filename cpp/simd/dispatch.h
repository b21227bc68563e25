// Plain C++ entry points of the vector kernels (dispatch.cc); no Highway type leaks out.
//
// Each vectorised ufunc `<id>_<method>` has a contiguous array driver per dtype.  The driver
// computes every element from its own value only (lanes are independent and the tail runs the
// same vector code on a padded buffer), so a result never depends on where a chunk boundary
// falls: the ufunc loops may split arrays across threads and stay bitwise reproducible.
// Without Highway (FDIV_HAVE_HWY undefined) nothing is vectorised and find_* return nulls.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace fdv::simd {

using unary64 = void (*)(const double* in, double* out, std::ptrdiff_t n);
using unary32 = void (*)(const float* in, float* out, std::ptrdiff_t n);
// a family parameter shared by the whole array (the usual stride-0 case)
using param64 = void (*)(const double* in, double param, double* out, std::ptrdiff_t n);
using param32 = void (*)(const float* in, double param, float* out, std::ptrdiff_t n);

struct unary {
    unary64 f64 = nullptr;
    unary32 f32 = nullptr;
};
struct param {
    param64 f64 = nullptr;
    param32 f32 = nullptr;
};

// The drivers of ufunc `name` ("kl_f_logu"), or nulls where it has only its scalar loop.
unary find_unary(const std::string& name);
param find_param(const std::string& name);
// Names of every vectorised ufunc.
std::vector<std::string> vectorised();

// The target chosen at run time ("AVX3", "AVX2", ..., "scalar" without Highway).
std::string target_name();
// Targets compiled into the module, best first.
std::vector<std::string> compiled_targets();
// Highway's version, or "" without Highway.
std::string library_version();
// Tests: route every ufunc through its scalar loop (false) or back through the vector
// drivers (true, the default).
void set_enabled(bool on);
bool enabled();
// Tests: restrict run-time dispatch to one compiled target ("" restores the default).
// Returns false when that target is not compiled in or not supported by this CPU.
bool force_target(const std::string& name);

}  // namespace fdv::simd
