// The second translation unit of the vector kernels (see dispatch.cc): FDIV_SIMD_UNARY_B (js,
// gan, the softened entries and the double-double kernels of extra-inl.h), compiled once per
// Highway target with their own exports; their entry points join dispatch.cc's name tables
// through add_*_b.  The families are in dispatch3.cc.
#include "simd/dispatch.h"
#include "simd/glue.h"
#include "simd/list.h"

#if defined(FDIV_HAVE_HWY)

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd/dispatch2.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// clang-format off
#include "hwy/highway.h"
#include "simd/common-inl.h"
#include "simd/extra-inl.h"
#include "simd/js-inl.h"
// clang-format on

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {

FDIV_SIMD_UNARY_B(FDIV_SIMD_DEFINE)

void native32_names_b(std::vector<std::string>* out) { FDIV_SIMD_UNARY_B(FDIV_SIMD_NATIVE32) }

}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#if HWY_ONCE

namespace fdv {

FDIV_SIMD_UNARY_B(FDIV_SIMD_EXPORT)
HWY_EXPORT(native32_names_b);

namespace simd {
namespace {
FDIV_SIMD_UNARY_B(FDIV_SIMD_ENTRY)
}  // namespace

void add_unary_b(std::unordered_map<std::string, unary>& t) {
    t.insert({FDIV_SIMD_UNARY_B(FDIV_SIMD_ROW)});
}
void add_native32_b(std::vector<std::string>* v) { HWY_DYNAMIC_DISPATCH(native32_names_b)(v); }

}  // namespace simd
}  // namespace fdv

#endif  // HWY_ONCE
#endif  // FDIV_HAVE_HWY
