// Vector kernels of tv.h (total_variation, triangular, le_cam), conventions of common-inl.h.
#if defined(FDIV_SIMD_TV_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef FDIV_SIMD_TV_INL_H_
#undef FDIV_SIMD_TV_INL_H_
#else
#define FDIV_SIMD_TV_INL_H_
#endif

#include "fdiv/tv.h"
#include "simd/common-inl.h"

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {
namespace k {

// +-h by the sign of x (0 at x = 0)
HWY_INLINE V64 sign_step(V64 x, double h) {
    const D64 d;
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), C(h),
                          hn::IfThenElse(hn::Lt(x, hn::Zero(d)), C(-h), hn::Zero(d)));
}
constexpr double kInf = HUGE_VAL;

FDIV_SIMD_RANGE(total_variation_f, total_variation::f, 0.0, kInf,
                hn::Mul(C(0.5), hn::Abs(hn::Sub(x, C(1.0)))))
FDIV_SIMD_RANGE(total_variation_df, total_variation::df, 0.0, kInf,
                sign_step(hn::Sub(x, C(1.0)), 0.5))
FDIV_SIMD_RANGE(total_variation_f_logu, total_variation::f_logu, -700.0, 700.0,
                hn::Mul(C(0.5), hn::Abs(expm1(x))))
FDIV_SIMD_RANGE(total_variation_df_logu, total_variation::df_logu, -kInf, kInf, sign_step(x, 0.5))
FDIV_SIMD_RANGE(total_variation_ratio_activation, total_variation::ratio_activation, -kInf, kInf,
                sign_step(x, 0.5))
FDIV_SIMD_RANGE(total_variation_log_d2f_logu, total_variation::log_d2f_logu, -kInf, kInf,
                hn::IfThenElse(hn::Eq(x, hn::Zero(d)), C(kInf), C(-kInf)))
FDIV_SIMD_RANGE(total_variation_conj, total_variation::conj, -kInf, kInf,
                hn::IfThenElse(hn::Gt(x, C(0.5)), C(kInf),
                               hn::IfThenElse(hn::Lt(x, C(-0.5)), C(-0.5), x)))
FDIV_SIMD_RANGE(total_variation_inv_df, total_variation::inv_df, -kInf, kInf,
                hn::IfThenElse(hn::Le(x, C(-0.5)), hn::Zero(d),
                               hn::IfThenElse(hn::Lt(x, C(0.5)), C(1.0), C(kInf))))
FDIV_SIMD_RANGE(total_variation_activation, total_variation::activation, -700.0, 700.0,
                hn::Mul(C(0.5), hn::Tanh(d, x)))
FDIV_SIMD_RANGE(total_variation_log_inv_df, total_variation::log_inv_df, -kInf, kInf,
                hn::IfThenElse(hn::Le(x, C(-0.5)), C(-kInf),
                               hn::IfThenElse(hn::Lt(x, C(0.5)), hn::Zero(d), C(kInf))))
FDIV_SIMD_RANGE(total_variation_log_ratio, total_variation::log_ratio, -DBL_MAX, DBL_MAX,
                hn::Zero(d))
FDIV_SIMD_RANGE(total_variation_objective_logu, total_variation::objective_logu, -kInf, kInf,
                sign_step(hn::Neg(x), 0.5))

// triangular
HWY_INLINE V64 tri_f(V64 u) {
    V64 dd = hn::Sub(u, C(1.0));
    return hn::Mul(dd, hn::Div(dd, hn::Add(u, C(1.0))));
}
HWY_INLINE V64 tri_df(V64 u) {
    V64 s = hn::Add(u, C(1.0));
    return hn::Mul(hn::Div(hn::Sub(u, C(1.0)), s), hn::Div(hn::Add(u, C(3.0)), s));
}
// t (3 - s)/(1 + s) on -3 < t <= 1, -1 at or below -3 (lanes above 1 are rare)
HWY_INLINE V64 tri_conj(V64 t) {
    V64 s = hn::Sqrt(hn::Sub(C(1.0), t));
    V64 v = hn::Div(hn::Mul(t, hn::Sub(C(3.0), s)), hn::Add(C(1.0), s));
    return hn::IfThenElse(hn::Le(t, C(-3.0)), C(-1.0), v);
}
// (3 + t)/(s (2 + s)) on -3 < t < 1, 0 at or below -3
HWY_INLINE V64 tri_inv_df(V64 t) {
    V64 s = hn::Sqrt(hn::Sub(C(1.0), t));
    V64 v = hn::Div(hn::Add(C(3.0), t), hn::Mul(s, hn::Add(C(2.0), s)));
    return hn::IfThenElse(hn::Le(t, C(-3.0)), hn::Zero(D64()), v);
}
// tanh(r/2) (1 + 2 sigma(-r)), |r| <= 700
HWY_INLINE V64 tri_df_logu(D64 d, V64 r) {
    V64 sg = sigmoid(hn::Neg(r));
    return hn::Mul(hn::Tanh(d, hn::Mul(C(0.5), r)), hn::Add(C(1.0), hn::Mul(C(2.0), sg)));
}
// -tanh(l/2) (3 - 2 sigma(-l)), |l| <= 700
HWY_INLINE V64 tri_objective(D64 d, V64 l) {
    V64 sg = sigmoid(hn::Neg(l));
    return hn::Mul(hn::Neg(hn::Tanh(d, hn::Mul(C(0.5), l))), hn::Sub(C(3.0), hn::Mul(C(2.0), sg)));
}

FDIV_SIMD_RANGE(triangular_f, triangular::f, 0.0, DBL_MAX, tri_f(x))
FDIV_SIMD_RANGE(triangular_df, triangular::df, 0.0, DBL_MAX, tri_df(x))
FDIV_SIMD_RANGE(triangular_conj, triangular::conj, -kInf, 1.0, tri_conj(x))
FDIV_SIMD_RANGE(triangular_inv_df, triangular::inv_df, -kInf, 0x1.fffffffffffffp-1, tri_inv_df(x))
FDIV_SIMD_RANGE(triangular_df_logu, triangular::df_logu, -700.0, 700.0, tri_df_logu(d, x))
FDIV_SIMD_RANGE(triangular_activation, triangular::activation, -700.0, 700.0, tri_df_logu(d, x))
FDIV_SIMD_RANGE(triangular_ratio_activation, triangular::ratio_activation, -700.0, 700.0,
                tri_df_logu(d, x))
FDIV_SIMD_PURE(triangular_log_ratio, triangular::log_ratio, x)
FDIV_SIMD_RANGE(triangular_objective_logu, triangular::objective_logu, -700.0, 700.0,
                tri_objective(d, x))

FDIV_SIMD_RANGE(le_cam_f, le_cam::f, 0.0, DBL_MAX, hn::Mul(C(0.5), tri_f(x)))
FDIV_SIMD_RANGE(le_cam_df, le_cam::df, 0.0, DBL_MAX, hn::Mul(C(0.5), tri_df(x)))
FDIV_SIMD_RANGE(le_cam_conj, le_cam::conj, -kInf, 0.5,
                hn::Mul(C(0.5), tri_conj(hn::Mul(C(2.0), x))))
FDIV_SIMD_RANGE(le_cam_inv_df, le_cam::inv_df, -kInf, 0x1.fffffffffffffp-2,
                tri_inv_df(hn::Mul(C(2.0), x)))
FDIV_SIMD_RANGE(le_cam_df_logu, le_cam::df_logu, -700.0, 700.0, hn::Mul(C(0.5), tri_df_logu(d, x)))
FDIV_SIMD_RANGE(le_cam_activation, le_cam::activation, -700.0, 700.0,
                hn::Mul(C(0.5), tri_df_logu(d, x)))
FDIV_SIMD_RANGE(le_cam_ratio_activation, le_cam::ratio_activation, -700.0, 700.0,
                hn::Mul(C(0.5), tri_df_logu(d, x)))
FDIV_SIMD_PURE(le_cam_log_ratio, le_cam::log_ratio, x)
FDIV_SIMD_RANGE(le_cam_objective_logu, le_cam::objective_logu, -700.0, 700.0,
                hn::Mul(C(0.5), tri_objective(d, x)))

}  // namespace k
}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_TV_INL_H_
