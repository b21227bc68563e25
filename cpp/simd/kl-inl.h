// Vector kernels of kl.h (kl, reverse_kl, jeffreys): the same formulas on the common domain,
// every other lane through the scalar kernel (common-inl.h).
#if defined(FDIV_SIMD_KL_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef FDIV_SIMD_KL_INL_H_
#undef FDIV_SIMD_KL_INL_H_
#else
#define FDIV_SIMD_KL_INL_H_
#endif

#include "fdiv/kl.h"
#include "simd/common-inl.h"

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {

namespace k {

struct kl_f {
    static constexpr double (*scalar)(double) = &kl::f;
    static V64 eval(D64 d, V64 u, M64& rare) {
        rare = not_normal_pos(u);
        return hn::Mul(u, hn::Log(d, u));
    }
};
struct kl_df {
    static constexpr double (*scalar)(double) = &kl::df;
    static V64 eval(D64 d, V64 u, M64& rare) {
        rare = not_normal_pos(u);
        V64 res = hn::Add(C(1.0), hn::Log(d, u));
        const M64 near = hn::And(hn::Gt(u, C(0.2)), hn::Lt(u, C(0.6)));
        if (hn::AllFalse(d, near)) return res;
        // e u - 1 by fma, as in kl::df
        V64 dd = hn::Add(fma(u, C(E_HI), C(-1.0)), hn::Mul(u, C(E_LO)));
        return hn::IfThenElse(near, hn::Log1p(d, dd), res);
    }
};
struct kl_f_logu {
    static constexpr double (*scalar)(double) = &kl::f_logu;
    static V64 eval(D64 d, V64 r, M64& rare) {
        rare = outside(r, -700.0, 700.0);
        return hn::Mul(hn::Exp(d, r), r);
    }
};
FDIV_SIMD_PURE(kl_df_logu, kl::df_logu, hn::Add(C(1.0), x))
FDIV_SIMD_PURE(kl_log_d2f_logu, kl::log_d2f_logu, hn::Neg(x))
struct kl_conj {
    static constexpr double (*scalar)(double) = &kl::conj;
    static V64 eval(D64, V64 t, M64& rare) {
        V64 s, e;
        two_sum(t, C(-1.0), s, e);
        rare = outside(s, -700.0, 700.0);
        return exp_dd(s, e);
    }
};
struct kl_inv_df : kl_conj {
    static constexpr double (*scalar)(double) = &kl::inv_df;
};
FDIV_SIMD_PURE(kl_activation, kl::activation, x)
FDIV_SIMD_PURE(kl_ratio_activation, kl::ratio_activation, hn::Add(C(1.0), x))
FDIV_SIMD_PURE(kl_log_ratio, kl::log_ratio, hn::Sub(x, C(1.0)))
FDIV_SIMD_PURE(kl_log_inv_df, kl::log_inv_df, hn::Sub(x, C(1.0)))
struct kl_objective_logu {
    static constexpr double (*scalar)(double) = &kl::objective_logu;
    static V64 eval(D64 d, V64 l, M64& rare) {
        rare = outside(l, -700.0, 700.0);
        return hn::Neg(hn::Exp(d, l));
    }
};

struct reverse_kl_f {
    static constexpr double (*scalar)(double) = &reverse_kl::f;
    static V64 eval(D64 d, V64 u, M64& rare) {
        rare = not_normal_pos(u);
        return hn::Neg(hn::Log(d, u));
    }
};
struct reverse_kl_df {
    static constexpr double (*scalar)(double) = &reverse_kl::df;
    static V64 eval(D64 d, V64 u, M64& rare) {
        rare = hn::Not(hn::Gt(u, hn::Zero(d)));
        return hn::Div(C(-1.0), u);
    }
};
FDIV_SIMD_PURE(reverse_kl_f_logu, reverse_kl::f_logu, hn::Neg(x))
struct reverse_kl_df_logu {
    static constexpr double (*scalar)(double) = &reverse_kl::df_logu;
    static V64 eval(D64 d, V64 r, M64& rare) {
        rare = outside(r, -700.0, 700.0);
        return hn::Neg(hn::Exp(d, hn::Neg(r)));
    }
};
FDIV_SIMD_PURE(reverse_kl_log_d2f_logu, reverse_kl::log_d2f_logu, hn::Mul(C(-2.0), x))
struct reverse_kl_conj {
    static constexpr double (*scalar)(double) = &reverse_kl::conj;
    static V64 eval(D64 d, V64 t, M64& rare) {
        rare = outside(t, -DBL_MAX, -DBL_MIN);
        V64 res = hn::Sub(C(-1.0), hn::Log(d, hn::Neg(t)));
        const M64 near = hn::And(hn::Lt(t, C(-0.07)), hn::Gt(t, C(-0.6)));
        if (hn::AllFalse(d, near)) return res;
        // -e t - 1 by fma, as in reverse_kl::conj
        V64 dd = hn::Sub(fma(hn::Neg(t), C(E_HI), C(-1.0)), hn::Mul(t, C(E_LO)));
        return hn::IfThenElse(near, hn::Neg(hn::Log1p(d, dd)), res);
    }
};
struct reverse_kl_inv_df {
    static constexpr double (*scalar)(double) = &reverse_kl::inv_df;
    static V64 eval(D64 d, V64 t, M64& rare) {
        rare = hn::Not(hn::Lt(t, hn::Zero(d)));
        return hn::Div(C(-1.0), t);
    }
};
// -e^-v < 0 strictly for v <= 700: step_inside has nothing to do there.
struct reverse_kl_activation : reverse_kl_df_logu {
    static constexpr double (*scalar)(double) = &reverse_kl::activation;
};
struct reverse_kl_ratio_activation : reverse_kl_df_logu {
    static constexpr double (*scalar)(double) = &reverse_kl::ratio_activation;
};
FDIV_SIMD_PURE(reverse_kl_log_ratio, reverse_kl::log_ratio, x)
struct reverse_kl_log_inv_df {
    static constexpr double (*scalar)(double) = &reverse_kl::log_inv_df;
    static V64 eval(D64 d, V64 t, M64& rare) {
        rare = outside(t, -DBL_MAX, -DBL_MIN);
        return hn::Neg(hn::Log(d, hn::Neg(t)));
    }
};
FDIV_SIMD_PURE(reverse_kl_objective_logu, reverse_kl::objective_logu, hn::Sub(C(1.0), x))

// jeffreys (conj, inv_df and the critic forms use the Lambert-W solvers: scalar)
struct jeffreys_f {
    static constexpr double (*scalar)(double) = &jeffreys::f;
    static V64 eval(D64 d, V64 u, M64& rare) {
        rare = not_normal_pos(u);
        return hn::Mul(hn::Sub(u, C(1.0)), hn::Log(d, u));
    }
};
struct jeffreys_df {
    static constexpr double (*scalar)(double) = &jeffreys::df;
    static V64 eval(D64 d, V64 u, M64& rare) {
        rare = not_normal_pos(u);
        return hn::Add(hn::Log(d, u), hn::Div(hn::Sub(u, C(1.0)), u));
    }
};
FDIV_SIMD_RANGE(jeffreys_f_logu, jeffreys::f_logu, -700.0, 700.0, hn::Mul(x, expm1(x)))
FDIV_SIMD_RANGE(jeffreys_df_logu, jeffreys::df_logu, -700.0, 700.0, hn::Sub(x, expm1(hn::Neg(x))))
FDIV_SIMD_RANGE(jeffreys_ratio_activation, jeffreys::ratio_activation, -700.0, 700.0,
                hn::Sub(x, expm1(hn::Neg(x))))
FDIV_SIMD_PURE(jeffreys_activation, jeffreys::activation, x)
FDIV_SIMD_RANGE(jeffreys_objective_logu, jeffreys::objective_logu, -700.0, 700.0,
                hn::Sub(hn::Neg(x), expm1(x)))

}  // namespace k
}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_KL_INL_H_
