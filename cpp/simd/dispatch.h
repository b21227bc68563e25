// Plain C++ entry points of the vector kernels (dispatch.cc); no Highway type leaks out.
//
// Each vectorised ufunc `<id>_<method>` has a contiguous array driver per dtype.  The driver
// computes every element from its own value only (lanes are independent and the tail runs the
// same vector code on a padded buffer), so a result never depends on where a chunk boundary
// falls: the ufunc loops may split arrays across threads and stay bitwise reproducible.
// Without Highway (FDIV_HAVE_HWY undefined) nothing is vectorised and find_* return nulls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fdv::simd {

// A driver call (one thread's share of a contiguous array) whose output has at least this many
// bytes writes it with non-temporal stores, after a few elements that align the output to whole
// vectors: such an output does not stay in cache anyway, and an ordinary store first reads
// each output line from memory (1e7 float64 at 2 threads: 0.41 -> 0.31 ns per element for
// the identity, on the 2-core AVX-512 bench machine).  The values stored are the same.
constexpr std::size_t kStreamMinBytes = std::size_t(8) << 20;

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
// Names of the vectorised ufuncs whose float32 loop runs in float32 lanes (the others promote
// float32 to double lanes and round once).
std::vector<std::string> native_float32();

// Monte Carlo: out[j] = log sum_c exp(v[c * stride + j]) for j < n over m rows (+-inf where
// the largest term is), vectorised; null without Highway or while set_enabled(false).
using lse_fn = void (*)(const double* v, std::ptrdiff_t m, std::ptrdiff_t stride, std::ptrdiff_t n,
                        double* out);
lse_fn find_lse();
// Philox4x32-10 words of counters c0 .. c0 + n - 1 (Random123's order; mc-inl.h), vectorised;
// null without Highway.
using philox_fn = void (*)(std::uint64_t c0, std::uint32_t w2, std::uint32_t w3, std::uint32_t k0,
                           std::uint32_t k1, std::size_t n, std::uint32_t* out);
philox_fn find_philox();

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
