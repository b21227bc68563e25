// Vector kernels of alpha.h: the generator objective (f, f', conj and (f')^-1 need pow and
// the series, df_logu must match the scalar ratio_activation bitwise: scalar), conventions of
// common-inl.h.
#if defined(FDIV_SIMD_ALPHA_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef FDIV_SIMD_ALPHA_INL_H_
#undef FDIV_SIMD_ALPHA_INL_H_
#else
#define FDIV_SIMD_ALPHA_INL_H_
#endif

#include "fdiv/alpha.h"
#include "simd/common-inl.h"

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {
namespace k {

// f - u f' = -expm1(a l)/a with a l = ph + pl formed by fma.
struct alpha_objective_logu {  // float32 promotes (the parameter is kept in double)
    static constexpr double (*scalar)(double, double) = &alpha::objective_logu;
    static bool bad(double a) { return alpha::bad(a); }
    static V64 eval(D64, V64 l, M64& rare, double a) {
        const V64 A = C(a);
        V64 ph = hn::Mul(A, l);
        V64 pl = fma(A, l, hn::Neg(ph));
        // |a l| < 1e-290 (a subnormal product; a tiny a) also runs the scalar kernel
        rare = hn::Or(outside(ph, -700.0, 700.0), hn::Lt(hn::Abs(ph), C(1e-290)));
        return hn::Div(hn::Neg(expm1_dd(ph, pl)), A);
    }
};

}  // namespace k
}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_ALPHA_INL_H_
