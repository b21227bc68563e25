// Macros shared by the kernel translation units (dispatch.cc, dispatch2.cc, dispatch3.cc): the
// per-target array drivers, their exports and entry points, and the rows of the name tables.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "simd/dispatch.h"

#define FDIV_SIMD_DEFINE(id, m)                                            \
    void id##_##m##_f64(const double* in, double* out, std::ptrdiff_t n) { \
        drive_unary<k::id##_##m>(in, out, n);                              \
    }                                                                      \
    void id##_##m##_f32(const float* in, float* out, std::ptrdiff_t n) {   \
        drive_unary<k::id##_##m>(in, out, n);                              \
    }
#define FDIV_SIMD_DEFINE_P(id, m)                                                    \
    void id##_##m##_f64(const double* in, double a, double* out, std::ptrdiff_t n) { \
        drive_family<k::id##_##m>(in, a, out, n);                                    \
    }                                                                                \
    void id##_##m##_f32(const float* in, double a, float* out, std::ptrdiff_t n) {   \
        drive_family<k::id##_##m>(in, a, out, n);                                    \
    }
#define FDIV_SIMD_NATIVE32(id, m) \
    if (native32<k::id##_##m>::value) out->push_back(#id "_" #m);
#define FDIV_SIMD_EXPORT(id, m) \
    HWY_EXPORT(id##_##m##_f64); \
    HWY_EXPORT(id##_##m##_f32);
#define FDIV_SIMD_ENTRY(id, m)                                             \
    void id##_##m##_f64(const double* in, double* out, std::ptrdiff_t n) { \
        HWY_DYNAMIC_DISPATCH(id##_##m##_f64)(in, out, n);                  \
    }                                                                      \
    void id##_##m##_f32(const float* in, float* out, std::ptrdiff_t n) {   \
        HWY_DYNAMIC_DISPATCH(id##_##m##_f32)(in, out, n);                  \
    }
#define FDIV_SIMD_ENTRY_P(id, m)                                                     \
    void id##_##m##_f64(const double* in, double a, double* out, std::ptrdiff_t n) { \
        HWY_DYNAMIC_DISPATCH(id##_##m##_f64)(in, a, out, n);                         \
    }                                                                                \
    void id##_##m##_f32(const float* in, double a, float* out, std::ptrdiff_t n) {   \
        HWY_DYNAMIC_DISPATCH(id##_##m##_f32)(in, a, out, n);                         \
    }
#define FDIV_SIMD_ROW(id, m) {#id "_" #m, {&id##_##m##_f64, &id##_##m##_f32}},

namespace fdv::simd {
// dispatch2.cc's and dispatch3.cc's rows of the name tables and their float32-lane names
void add_unary_b(std::unordered_map<std::string, unary>& t);
void add_native32_b(std::vector<std::string>* v);
void add_param_c(std::unordered_map<std::string, param>& t);
void add_native32_c(std::vector<std::string>* v);
}  // namespace fdv::simd
