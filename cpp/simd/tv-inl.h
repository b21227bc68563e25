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
template <class V>
HWY_INLINE V sign_step(V x, double h) {
    const hn::DFromV<V> d;
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), C(d, h),
                          hn::IfThenElse(hn::Lt(x, hn::Zero(d)), C(d, -h), hn::Zero(d)));
}
constexpr double kInf = HUGE_VAL;

FDIV_SIMD_RANGE(total_variation_f, total_variation::f, 0.0, kInf,
                hn::Mul(C(d, 0.5), hn::Abs(hn::Sub(x, C(d, 1.0)))))
FDIV_SIMD_RANGE(total_variation_df, total_variation::df, 0.0, kInf,
                sign_step(hn::Sub(x, C(d, 1.0)), 0.5))
FDIV_SIMD_RANGE(total_variation_f_logu, total_variation::f_logu, -L::emax, L::emax,
                hn::Mul(C(d, 0.5), hn::Abs(expm1(x))))
FDIV_SIMD_RANGE(total_variation_df_logu, total_variation::df_logu, -kInf, kInf, sign_step(x, 0.5))
FDIV_SIMD_RANGE(total_variation_ratio_activation, total_variation::ratio_activation, -kInf, kInf,
                sign_step(x, 0.5))
FDIV_SIMD_RANGE(total_variation_log_d2f_logu, total_variation::log_d2f_logu, -kInf, kInf,
                hn::IfThenElse(hn::Eq(x, hn::Zero(d)), C(d, kInf), C(d, -kInf)))
FDIV_SIMD_RANGE(total_variation_conj, total_variation::conj, -kInf, kInf,
                hn::IfThenElse(hn::Gt(x, C(d, 0.5)), C(d, kInf),
                               hn::IfThenElse(hn::Lt(x, C(d, -0.5)), C(d, -0.5), x)))
FDIV_SIMD_RANGE(total_variation_inv_df, total_variation::inv_df, -kInf, kInf,
                hn::IfThenElse(hn::Le(x, C(d, -0.5)), hn::Zero(d),
                               hn::IfThenElse(hn::Lt(x, C(d, 0.5)), C(d, 1.0), C(d, kInf))))
FDIV_SIMD_RANGE(total_variation_activation, total_variation::activation, -L::emax, L::emax,
                hn::Mul(C(d, 0.5), hn::Tanh(d, x)))
FDIV_SIMD_RANGE(total_variation_log_inv_df, total_variation::log_inv_df, -kInf, kInf,
                hn::IfThenElse(hn::Le(x, C(d, -0.5)), C(d, -kInf),
                               hn::IfThenElse(hn::Lt(x, C(d, 0.5)), hn::Zero(d), C(d, kInf))))
FDIV_SIMD_RANGE(total_variation_log_ratio, total_variation::log_ratio, -L::huge, L::huge,
                hn::Zero(d))
FDIV_SIMD_RANGE(total_variation_objective_logu, total_variation::objective_logu, -kInf, kInf,
                sign_step(hn::Neg(x), 0.5))

// triangular
template <class V>
HWY_INLINE V tri_f(V u) {
    const hn::DFromV<V> d;
    V dd = hn::Sub(u, C(d, 1.0));
    return hn::Mul(dd, hn::Div(dd, hn::Add(u, C(d, 1.0))));
}
template <class V>
HWY_INLINE V tri_df(V u) {
    const hn::DFromV<V> d;
    V s = hn::Add(u, C(d, 1.0));
    return hn::Mul(hn::Div(hn::Sub(u, C(d, 1.0)), s), hn::Div(hn::Add(u, C(d, 3.0)), s));
}
// t (3 - s)/(1 + s) on -3 < t <= 1, -1 at or below -3 (lanes above 1 are rare)
template <class V>
HWY_INLINE V tri_conj(V t) {
    const hn::DFromV<V> d;
    V s = hn::Sqrt(hn::Sub(C(d, 1.0), t));
    V v = hn::Div(hn::Mul(t, hn::Sub(C(d, 3.0), s)), hn::Add(C(d, 1.0), s));
    return hn::IfThenElse(hn::Le(t, C(d, -3.0)), C(d, -1.0), v);
}
// (3 + t)/(s (2 + s)) on -3 < t < 1, 0 at or below -3
template <class V>
HWY_INLINE V tri_inv_df(V t) {
    const hn::DFromV<V> d;
    V s = hn::Sqrt(hn::Sub(C(d, 1.0), t));
    V v = hn::Div(hn::Add(C(d, 3.0), t), hn::Mul(s, hn::Add(C(d, 2.0), s)));
    return hn::IfThenElse(hn::Le(t, C(d, -3.0)), hn::Zero(d), v);
}
// tanh(r/2) (1 + 2 sigma(-r)), |r| <= emax
template <class D, class V>
HWY_INLINE V tri_df_logu(D d, V r) {
    V sg = sigmoid(hn::Neg(r));
    return hn::Mul(hn::Tanh(d, hn::Mul(C(d, 0.5), r)), hn::Add(C(d, 1.0), hn::Mul(C(d, 2.0), sg)));
}
// -tanh(l/2) (3 - 2 sigma(-l)), |l| <= emax
template <class D, class V>
HWY_INLINE V tri_objective(D d, V l) {
    V sg = sigmoid(hn::Neg(l));
    return hn::Mul(hn::Neg(hn::Tanh(d, hn::Mul(C(d, 0.5), l))),
                   hn::Sub(C(d, 3.0), hn::Mul(C(d, 2.0), sg)));
}

FDIV_SIMD_RANGE(triangular_f, triangular::f, 0.0, L::huge, tri_f(x))
FDIV_SIMD_RANGE(triangular_df, triangular::df, 0.0, L::huge, tri_df(x))
FDIV_SIMD_RANGE(triangular_conj, triangular::conj, -kInf, 1.0, tri_conj(x))
FDIV_SIMD_RANGE(triangular_inv_df, triangular::inv_df, -kInf, L::below1, tri_inv_df(x))
FDIV_SIMD_RANGE(triangular_df_logu, triangular::df_logu, -L::emax, L::emax, tri_df_logu(d, x))
FDIV_SIMD_RANGE(triangular_activation, triangular::activation, -L::emax, L::emax, tri_df_logu(d, x))
FDIV_SIMD_RANGE(triangular_ratio_activation, triangular::ratio_activation, -L::emax, L::emax,
                tri_df_logu(d, x))
FDIV_SIMD_PURE(triangular_log_ratio, triangular::log_ratio, x)
FDIV_SIMD_RANGE(triangular_objective_logu, triangular::objective_logu, -L::emax, L::emax,
                tri_objective(d, x))

FDIV_SIMD_RANGE(le_cam_f, le_cam::f, 0.0, L::huge, hn::Mul(C(d, 0.5), tri_f(x)))
FDIV_SIMD_RANGE(le_cam_df, le_cam::df, 0.0, L::huge, hn::Mul(C(d, 0.5), tri_df(x)))
FDIV_SIMD_RANGE(le_cam_conj, le_cam::conj, -kInf, 0.5,
                hn::Mul(C(d, 0.5), tri_conj(hn::Mul(C(d, 2.0), x))))
FDIV_SIMD_RANGE(le_cam_inv_df, le_cam::inv_df, -kInf, 0.5 * L::below1,
                tri_inv_df(hn::Mul(C(d, 2.0), x)))
FDIV_SIMD_RANGE(le_cam_df_logu, le_cam::df_logu, -L::emax, L::emax,
                hn::Mul(C(d, 0.5), tri_df_logu(d, x)))
FDIV_SIMD_RANGE(le_cam_activation, le_cam::activation, -L::emax, L::emax,
                hn::Mul(C(d, 0.5), tri_df_logu(d, x)))
FDIV_SIMD_RANGE(le_cam_ratio_activation, le_cam::ratio_activation, -L::emax, L::emax,
                hn::Mul(C(d, 0.5), tri_df_logu(d, x)))
FDIV_SIMD_PURE(le_cam_log_ratio, le_cam::log_ratio, x)
FDIV_SIMD_RANGE(le_cam_objective_logu, le_cam::objective_logu, -L::emax, L::emax,
                hn::Mul(C(d, 0.5), tri_objective(d, x)))

}  // namespace k

// float32 in double lanes (common-inl.h, FDIV_SIMD_PROMOTE32)
FDIV_SIMD_PROMOTE32(triangular_ratio_activation)
FDIV_SIMD_PROMOTE32(triangular_objective_logu)
FDIV_SIMD_PROMOTE32(triangular_inv_df)
FDIV_SIMD_PROMOTE32(triangular_df_logu)
FDIV_SIMD_PROMOTE32(triangular_df)
FDIV_SIMD_PROMOTE32(triangular_conj)
FDIV_SIMD_PROMOTE32(triangular_activation)
FDIV_SIMD_PROMOTE32(le_cam_ratio_activation)
FDIV_SIMD_PROMOTE32(le_cam_objective_logu)
FDIV_SIMD_PROMOTE32(le_cam_inv_df)
FDIV_SIMD_PROMOTE32(le_cam_df_logu)
FDIV_SIMD_PROMOTE32(le_cam_df)
FDIV_SIMD_PROMOTE32(le_cam_activation)
FDIV_SIMD_PROMOTE32(le_cam_conj)
}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_TV_INL_H_
