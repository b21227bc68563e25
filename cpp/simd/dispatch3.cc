// The third translation unit of the vector kernels (see dispatch.cc): the families
// (FDIV_SIMD_PARAM: alpha, js_weighted and their member kernels), compiled once per Highway
// target with their own exports; their entry points join dispatch.cc's name tables through
// add_param_c.  (A unit of its own: with dispatch2.cc's kernels it was the build's long pole.)
#include "simd/dispatch.h"
#include "simd/glue.h"
#include "simd/list.h"

#if defined(FDIV_HAVE_HWY)

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd/dispatch3.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// clang-format off
#include "hwy/highway.h"
#include "simd/common-inl.h"
#include "simd/alpha-inl.h"
#include "simd/js-inl.h"
#include "simd/jsw-inl.h"
#include "simd/members-inl.h"
// clang-format on

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {

FDIV_SIMD_PARAM(FDIV_SIMD_DEFINE_P)

void native32_names_c(std::vector<std::string>* out) { FDIV_SIMD_PARAM(FDIV_SIMD_NATIVE32) }

}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#if HWY_ONCE

namespace fdv {

FDIV_SIMD_PARAM(FDIV_SIMD_EXPORT)
HWY_EXPORT(native32_names_c);

namespace simd {
namespace {
FDIV_SIMD_PARAM(FDIV_SIMD_ENTRY_P)
}  // namespace

void add_param_c(std::unordered_map<std::string, param>& t) {
    t.insert({FDIV_SIMD_PARAM(FDIV_SIMD_ROW)});
}
void add_native32_c(std::vector<std::string>* v) { HWY_DYNAMIC_DISPATCH(native32_names_c)(v); }

}  // namespace simd
}  // namespace fdv

#endif  // HWY_ONCE
#endif  // FDIV_HAVE_HWY
