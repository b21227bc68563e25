// One of the three translation units that include foreach_target.h: it compiles the array
// drivers of the vectorised ufuncs of FDIV_SIMD_UNARY_A (list.h) once per Highway target and
// exports plain entry points (dispatch.h) that pick the best target at run time; dispatch2.cc
// does the same for FDIV_SIMD_UNARY_B and dispatch3.cc for the families, so that a build
// compiles the kernels on several cores at once.  Without Highway it provides the same entry points with
// nothing vectorised.
#include "simd/dispatch.h"

#include "simd/glue.h"
#include "simd/list.h"

// dispatch.cc is re-included once per target: file-scope definitions need their own guard
#ifndef FDIV_SIMD_DISPATCH_ONCE_
#define FDIV_SIMD_DISPATCH_ONCE_
#include <atomic>

namespace fdv::simd {
namespace {
std::atomic<bool> g_enabled{true};
}
void set_enabled(bool on) { g_enabled.store(on, std::memory_order_relaxed); }
bool enabled() { return g_enabled.load(std::memory_order_relaxed); }
}  // namespace fdv::simd
#endif

#if defined(FDIV_HAVE_HWY)

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd/dispatch.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// clang-format off
#include "hwy/highway.h"
#include "simd/common-inl.h"
#include "simd/chi2-inl.h"
#include "simd/kl-inl.h"
#include "simd/mc-inl.h"
#include "simd/tv-inl.h"
// clang-format on

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {

FDIV_SIMD_UNARY_A(FDIV_SIMD_DEFINE)

void mc_lse(const double* v, std::ptrdiff_t m, std::ptrdiff_t stride, std::ptrdiff_t n,
            double* out) {
    k::lse(v, m, stride, n, out);
}

void mc_philox(std::uint64_t c0, std::uint32_t w2, std::uint32_t w3, std::uint32_t k0,
               std::uint32_t k1, std::size_t n, std::uint32_t* out) {
    k::philox(c0, w2, w3, k0, k1, n, out);
}

// the ufuncs whose float32 loop runs in float32 lanes
void native32_names(std::vector<std::string>* out) { FDIV_SIMD_UNARY_A(FDIV_SIMD_NATIVE32) }

// the name of the target this code was compiled for
const char* this_target() { return hwy::TargetName(HWY_TARGET); }

}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#if HWY_ONCE

#include <unordered_map>

namespace fdv {

FDIV_SIMD_UNARY_A(FDIV_SIMD_EXPORT)
HWY_EXPORT(this_target);
HWY_EXPORT(native32_names);
HWY_EXPORT(mc_lse);
HWY_EXPORT(mc_philox);

namespace simd {
namespace {

FDIV_SIMD_UNARY_A(FDIV_SIMD_ENTRY)

const std::unordered_map<std::string, unary>& unary_table() {
    static const std::unordered_map<std::string, unary> t = [] {
        std::unordered_map<std::string, unary> m{FDIV_SIMD_UNARY_A(FDIV_SIMD_ROW)};
        add_unary_b(m);
        return m;
    }();
    return t;
}
const std::unordered_map<std::string, param>& param_table() {
    static const std::unordered_map<std::string, param> t = [] {
        std::unordered_map<std::string, param> m;
        add_param_c(m);
        return m;
    }();
    return t;
}

}  // namespace

unary find_unary(const std::string& name) {
    auto it = unary_table().find(name);
    return it == unary_table().end() ? unary{} : it->second;
}
param find_param(const std::string& name) {
    auto it = param_table().find(name);
    return it == param_table().end() ? param{} : it->second;
}
std::vector<std::string> vectorised() {
    std::vector<std::string> v;
    for (const auto& kv : unary_table()) v.push_back(kv.first);
    for (const auto& kv : param_table()) v.push_back(kv.first);
    return v;
}

std::vector<std::string> native_float32() {
    std::vector<std::string> v;
    HWY_DYNAMIC_DISPATCH(native32_names)(&v);
    add_native32_b(&v);
    add_native32_c(&v);
    return v;
}

namespace {
void mc_lse_entry(const double* v, std::ptrdiff_t m, std::ptrdiff_t stride, std::ptrdiff_t n,
                  double* out) {
    HWY_DYNAMIC_DISPATCH(mc_lse)(v, m, stride, n, out);
}
}  // namespace
lse_fn find_lse() { return enabled() ? &mc_lse_entry : nullptr; }
namespace {
void mc_philox_entry(std::uint64_t c0, std::uint32_t w2, std::uint32_t w3, std::uint32_t k0,
                     std::uint32_t k1, std::size_t n, std::uint32_t* out) {
    HWY_DYNAMIC_DISPATCH(mc_philox)(c0, w2, w3, k0, k1, n, out);
}
}  // namespace
philox_fn find_philox() { return &mc_philox_entry; }

std::string target_name() { return HWY_DYNAMIC_DISPATCH(this_target)(); }

std::vector<std::string> compiled_targets() {
    std::vector<std::string> v;
    for (int b = 0; b < 63; ++b) {
        const int64_t t = int64_t(1) << b;
        if (HWY_TARGETS & t) v.push_back(hwy::TargetName(t));
    }
    return v;  // HWY_* bits: a lower bit is a better target
}

std::string library_version() { return FDIV_HWY_VERSION; }

bool force_target(const std::string& name) {
    if (name.empty()) {
        hwy::SetSupportedTargetsForTest(0);
        return true;
    }
    hwy::SetSupportedTargetsForTest(0);
    for (int b = 0; b < 63; ++b) {
        const int64_t t = int64_t(1) << b;
        if ((HWY_TARGETS & t) && name == hwy::TargetName(t)) {
            if (!(hwy::SupportedTargets() & t)) return false;
            hwy::SetSupportedTargetsForTest(t);
            return true;
        }
    }
    return false;
}

}  // namespace simd
}  // namespace fdv

#endif  // HWY_ONCE

#else  // !FDIV_HAVE_HWY

namespace fdv::simd {
unary find_unary(const std::string&) { return {}; }
param find_param(const std::string&) { return {}; }
std::vector<std::string> vectorised() { return {}; }
std::vector<std::string> native_float32() { return {}; }
lse_fn find_lse() { return nullptr; }
philox_fn find_philox() { return nullptr; }
std::string target_name() { return "scalar"; }
std::vector<std::string> compiled_targets() { return {"scalar"}; }
std::string library_version() { return ""; }
bool force_target(const std::string& name) { return name.empty() || name == "scalar"; }
}  // namespace fdv::simd

#endif  // FDIV_HAVE_HWY
