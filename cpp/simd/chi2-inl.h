// Vector kernels of chi2.h (pearson, neyman, squared_hellinger), conventions of
// common-inl.h.
#if defined(FDIV_SIMD_CHI2_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef FDIV_SIMD_CHI2_INL_H_
#undef FDIV_SIMD_CHI2_INL_H_
#else
#define FDIV_SIMD_CHI2_INL_H_
#endif

#include "fdiv/chi2.h"
#include "simd/common-inl.h"

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {
namespace k {

FDIV_SIMD_RANGE(pearson_f, pearson::f, 0.0, HUGE_VAL,
                hn::Mul(hn::Sub(x, C(d, 1.0)), hn::Sub(x, C(d, 1.0))))
FDIV_SIMD_RANGE(pearson_df, pearson::df, 0.0, HUGE_VAL, hn::Mul(C(d, 2.0), hn::Sub(x, C(d, 1.0))))
FDIV_SIMD_RANGE(pearson_df_logu, pearson::df_logu, -L::emax, L::emax, hn::Mul(C(d, 2.0), expm1(x)))
FDIV_SIMD_RANGE(pearson_ratio_activation, pearson::ratio_activation, -L::emax, L::emax,
                hn::Mul(C(d, 2.0), expm1(x)))
// t + t^2/4 by one fma for t > -2, -1 below
FDIV_SIMD_RANGE(pearson_conj, pearson::conj, -HUGE_VAL, HUGE_VAL,
                hn::IfThenElse(hn::Le(x, C(d, -2.0)), C(d, -1.0),
                               fma(hn::Mul(C(d, 0.25), x), x, x)))
FDIV_SIMD_RANGE(pearson_inv_df, pearson::inv_df, -HUGE_VAL, HUGE_VAL,
                hn::IfThenElse(hn::Le(x, C(d, -2.0)), hn::Zero(d), fma(C(d, 0.5), x, C(d, 1.0))))
FDIV_SIMD_RANGE(pearson_activation, pearson::activation, -HUGE_VAL, HUGE_VAL, x)
FDIV_SIMD_RANGE(pearson_log_inv_df, pearson::log_inv_df, -2 * L::below1, L::huge,
                hn::Log1p(d, hn::Mul(C(d, 0.5), x)))
FDIV_SIMD_RANGE(pearson_log_ratio, pearson::log_ratio, -2 * L::below1, L::huge,
                hn::Log1p(d, hn::Mul(C(d, 0.5), x)))
FDIV_SIMD_RANGE(pearson_objective_logu, pearson::objective_logu, -L::emax / 2, L::emax / 2,
                hn::Neg(expm1(hn::Mul(C(d, 2.0), x))))

// (u - 1) ((u - 1)/u) on 0 < u < inf
FDIV_SIMD_RANGE(neyman_f, neyman::f, L::tiny, L::qhi,
                hn::Mul(hn::Sub(x, C(d, 1.0)), quot(hn::Sub(x, C(d, 1.0)), x)))
// ((u - 1)/u) ((u + 1)/u), each quotient rounded once (quot)
FDIV_SIMD_RANGE(neyman_df, neyman::df, L::tiny, L::qhi,
                hn::Mul(quot(hn::Sub(x, C(d, 1.0)), x), quot(hn::Add(x, C(d, 1.0)), x)))
FDIV_SIMD_RANGE(neyman_df_logu, neyman::df_logu, -L::emax / 2, L::emax / 2,
                hn::Neg(expm1(hn::Mul(C(d, -2.0), x))))
FDIV_SIMD_RANGE(neyman_ratio_activation, neyman::ratio_activation, -L::emax / 2, L::emax / 2,
                hn::Neg(expm1(hn::Mul(C(d, -2.0), x))))
FDIV_SIMD_RANGE(neyman_log_d2f_logu, neyman::log_d2f_logu, -HUGE_VAL, HUGE_VAL,
                hn::Add(fma(C(d, -3.0), x, C(d, L::ln2_hi)), C(d, L::ln2_lo)))
// 2t/(1 + sqrt(1 - t)) on -huge/2 <= t <= 1 (2t finite)
FDIV_SIMD_RANGE(neyman_conj, neyman::conj, -0.5 * L::huge, 1.0,
                quot(hn::Mul(C(d, 2.0), x), hn::Add(C(d, 1.0), hn::Sqrt(hn::Sub(C(d, 1.0), x)))))
FDIV_SIMD_RANGE(neyman_inv_df, neyman::inv_df, -L::huge, L::below1,
                quot(C(d, 1.0), hn::Sqrt(hn::Sub(C(d, 1.0), x))))
FDIV_SIMD_RANGE(neyman_activation, neyman::activation, -L::emax, L::emax,
                hn::Neg(expm1(hn::Neg(x))))
FDIV_SIMD_RANGE(neyman_log_ratio, neyman::log_ratio, -HUGE_VAL, HUGE_VAL, hn::Mul(C(d, 0.5), x))
FDIV_SIMD_RANGE(neyman_log_inv_df, neyman::log_inv_df, -L::huge, L::below1,
                hn::Mul(C(d, -0.5), hn::Log1p(d, hn::Neg(x))))
FDIV_SIMD_RANGE(neyman_objective_logu, neyman::objective_logu, -L::emax, L::emax,
                hn::Mul(C(d, 2.0), expm1(hn::Neg(x))))

// (sqrt(u) - 1)^2 on 0 <= u <= L::big, the scalar kernel's form: t = sqrt(u) - 1 in dd from the
// square root's FMA residual, t^2 by TwoProd
struct squared_hellinger_f {
    static constexpr double (*scalar)(double) = &squared_hellinger::f;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(u, 0.0, L::big);
        const V s = hn::Sqrt(u);
        const V s2 = hn::Add(s, s);  // u = 0: s = 0, and the residual 0 over 1
        const V res = fma(hn::Neg(s), s, u);
        const V den = hn::IfThenElse(hn::Eq(s2, hn::Zero(d)), C(d, 1.0), s2);
        // (double lanes: res times an ulp-accurate 1/den, recip; sl is below ulp(s)/2, and
        // t = s - 1 + sl is at least 2^-53 where sl is not zero)
        V sl;
        if constexpr (sizeof(hn::TFromD<D>) == 8) {
            sl = hn::Mul(res, recip(den));
        } else {
            sl = hn::Div(res, den);
        }
        V th, tl;
        two_sum(s, C(d, -1.0), th, tl);
        tl = hn::Add(tl, sl);
        const V h = hn::Add(th, tl);
        tl = hn::Sub(tl, hn::Sub(h, th));
        const V p = hn::Mul(h, h);
        return hn::Add(p, fma(hn::Add(h, h), tl, fma(h, h, hn::Neg(p))));
    }
};
FDIV_SIMD_RANGE(squared_hellinger_df, squared_hellinger::df, L::tiny, L::qhi,
                quot(hn::Sub(x, C(d, 1.0)), hn::Add(x, hn::Sqrt(x))))
// the range of ratio_activation, which must equal df_logu bitwise inside dom f*
FDIV_SIMD_RANGE(squared_hellinger_df_logu, squared_hellinger::df_logu, -2 * L::emax, L::hl_max,
                hn::Neg(expm1(hn::Mul(C(d, -0.5), x))))
FDIV_SIMD_RANGE(squared_hellinger_log_d2f_logu, squared_hellinger::log_d2f_logu, -HUGE_VAL,
                HUGE_VAL, hn::Neg(hn::Add(fma(C(d, 1.5), x, C(d, L::ln2_hi)), C(d, L::ln2_lo))))
FDIV_SIMD_RANGE(squared_hellinger_conj, squared_hellinger::conj, -L::qhi, L::below1,
                quot(x, hn::Sub(C(d, 1.0), x)))
struct squared_hellinger_inv_df {
    static constexpr double (*scalar)(double) = &squared_hellinger::inv_df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        V w = hn::Sub(C(d, 1.0), t);
        if constexpr (sizeof(hn::TFromD<D>) == 8) {
            // 1/(P + p), w^2 = P + p by TwoProd (w <= 2^511, so P is in recip's range): y = 1/P
            // within an ulp (recip), then y + y (1 - (P + p) y), within ~2^-100 before its one
            // rounding; no division (two, (1/w)/w, before: 32 cycles a vector on Intel)
            rare = outside(t, -0x1p511, L::below1);
            const V P = hn::Mul(w, w);
            const V p = fma(w, w, hn::Neg(P));
            const V y = recip(P);
            const V e = hn::NegMulAdd(p, y, hn::NegMulAdd(P, y, C(d, 1.0)));
            return hn::MulAdd(y, e, y);
        } else {
            rare = outside(t, -HUGE_VAL, L::below1);
            return hn::Div(hn::Div(C(d, 1.0), w), w);
        }
    }
};
// 1 - e^-v stays below the open boundary 1 with margin for v <= 30 (step_inside is a no-op).
// float32 lanes also take v in (15, 80]: 1 - e^-v from Exp (e^-v < 3.1e-7, so its ulp is far
// below the result's), which rounds as the double result cast to float32 does (1 for v > 17.3).
struct squared_hellinger_activation {
    static constexpr double (*scalar)(double) = &squared_hellinger::activation;
    static constexpr bool native32 = true;
    template <class D>
    HWY_INLINE static hn::Vec<D> eval(D d, hn::Vec<D> x, hn::Mask<D>& rare) {
        using L = lim<hn::TFromD<D>>;
        if constexpr (sizeof(hn::TFromD<D>) == 4) {
            rare = outside(x, -L::emax, L::emax);
            const auto big = hn::Gt(x, C(d, L::hl_max / 2));
            const auto xs = hn::IfThenElse(big, C(d, 1.0), x);
            const auto one_m = hn::Sub(C(d, 1.0), exp_in(hn::Neg(x)));
            return hn::IfThenElse(big, one_m, hn::Neg(expm1(hn::Neg(xs))));
        } else {
            rare = outside(x, -L::emax, L::hl_max / 2);
            return hn::Neg(expm1(hn::Neg(x)));
        }
    }
};
FDIV_SIMD_RANGE(squared_hellinger_ratio_activation, squared_hellinger::ratio_activation,
                -2 * L::emax, L::hl_max, hn::Neg(expm1(hn::Mul(C(d, -0.5), x))))
FDIV_SIMD_RANGE(squared_hellinger_log_ratio, squared_hellinger::log_ratio, -HUGE_VAL, HUGE_VAL,
                hn::Mul(C(d, 2.0), x))
FDIV_SIMD_RANGE(squared_hellinger_log_inv_df, squared_hellinger::log_inv_df, -L::huge, L::below1,
                hn::Mul(C(d, -2.0), hn::Log1p(d, hn::Neg(x))))
FDIV_SIMD_RANGE(squared_hellinger_objective_logu, squared_hellinger::objective_logu, -2 * L::emax,
                2 * L::emax, hn::Neg(expm1(hn::Mul(C(d, 0.5), x))))

}  // namespace k

// float32 in double lanes (common-inl.h, FDIV_SIMD_PROMOTE32)
FDIV_SIMD_PROMOTE32(squared_hellinger_f)
}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_CHI2_INL_H_
