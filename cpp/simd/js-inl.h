// Vector kernels of js.h (js, gan, js_weighted) and softened.h (generator objectives),
// conventions of common-inl.h.
#if defined(FDIV_SIMD_JS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef FDIV_SIMD_JS_INL_H_
#undef FDIV_SIMD_JS_INL_H_
#else
#define FDIV_SIMD_JS_INL_H_
#endif

#include "fdiv/js.h"
#include "fdiv/softened.h"
#include "simd/common-inl.h"
#include "simd/dd-inl.h"

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {
namespace k {

// atanh(z) - z = z^3 P(z^2), P(w) = sum_k w^k/(2k + 3), for |z| <= 1/2 (w <= 1/4), summed to
// the degree D that the lane's own w needs, w^(D+1) <= 2^-ser_bits (log1pmx's criterion), from
// a bound on log2(w) tighter than its binade's upper end: the bits of w = 2^E (1 + m) read as
// an integer give t = bits 2^-mant - bias = E + m, and log2(1 + m) - m <= 0.0861 on [0, 1), so
// -log2(w) >= b = -(t + 0.0862) and D + 1 = ceil(ser_bits/b) (18 coefficients at |z| = 1/3,
// where log1pmx's binade bound takes 20).  As in log1pmx, the coefficients above a lane's
// degree are 0, so the value does not depend on the other lanes.  Lanes outside the range (rare
// ones: NaN, w near 1 or above) get a degree clamped to [0, 60] and a value nobody reads.
template <class V>
HWY_INLINE V js_atanh_tail(V z) {
    const hn::DFromV<V> d;
    using L = lim<hn::TFromV<V>>;
    const hn::RebindToSigned<decltype(d)> di;
    const V w = hn::Mul(z, z);
    // double lanes (|z| <= 1/2 in js's kernels): the fixed-degree fit (common-inl.h, odd_fit)
    if constexpr (sizeof(hn::TFromV<V>) == 8) return hn::Mul(hn::Mul(z, w), odd_fit(w, kOddFit14));
    const V t = hn::MulAdd(hn::ConvertTo(d, hn::BitCast(di, w)), C(d, 1.0 / (1ll << L::mant)),
                           C(d, 0.0862 - L::bias));
    // (recip_approx raised by 2^-12, as in log1pmx)
    const V raw =
        hn::Sub(hn::Ceil(hn::Mul(C(d, -L::ser_bits * (1 + 0x1p-12)), recip_approx(t))), C(d, 1.0));
    const V deg = hn::Min(hn::Max(raw, hn::Zero(d)), C(d, 60.0));
    return hn::Mul(hn::Mul(z, w), odd_series(d, w, deg));
}
// f at u = 1 + em for 0.2 < u < 5 (|z1|, |z2| <= 1/2): with y1 = -em/(2u), y2 = em/2 and
// z = y/(2 + y), z1 = -em/(3 em + 4), z2 = em/(em + 4), and u y1 = -em/2 exactly, so
// -2f = u L(y1) + L(y2) = em/2 (z1 - z2) + 2 (u s1 + s2), s = atanh(z) - z: two divisions,
// two series, and no y1.
template <class V>
HWY_INLINE V js_near(V em, V u) {
    const hn::DFromV<V> d;
    const V z1 = hn::Div(hn::Neg(em), hn::MulAdd(C(d, 3.0), em, C(d, 4.0)));
    const V z2 = hn::Div(em, hn::Add(em, C(d, 4.0)));
    const V s = hn::MulAdd(u, js_atanh_tail(z1), js_atanh_tail(z2));
    return hn::Mul(C(d, -0.5), hn::MulAdd(hn::Mul(C(d, 0.5), em), hn::Sub(z1, z2), hn::Add(s, s)));
}
// d = log 2 - log1p(v) for 0 <= v <= 1/4 as dh + dl: log1p(v) = 2 (z + s), z = v/(2 + v),
// s = atanh(z) - z, and log 2 - 2z exact by TwoSum.
template <class V>
HWY_INLINE void js_log2_m_log1p(V v, V& dh, V& dl) {
    const hn::DFromV<V> d;
    using L = lim<hn::TFromV<V>>;
    const V z = hn::Div(v, hn::Add(C(d, 2.0), v));
    const V s = js_atanh_tail(z);
    V de;
    two_sum(C(d, L::ln2_hi), hn::Mul(C(d, -2.0), z), dh, de);
    dl = hn::Add(hn::Sub(de, hn::Add(s, s)), C(d, L::ln2_lo));
}

// f(u) = -1/2 [u L((1-u)/(2u)) + L((u-1)/2)] for u >= L::small; 0.2 < u < 5 js_near, and
// outside (one of the y far from 0) 2f = u log u + (1 + u) d(u) for u <= 0.2 and, by
// f(u) = u f(1/u), 2f = -log u + (1 + u) d(1/u) for u >= 5, d = log 2 - log1p.
struct js_f : two_forms<js_f> {
    static constexpr double (*scalar)(double) = &js::f;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Mask<D> pack_split(D d, hn::Vec<D> u) {
        return hn::And(hn::Gt(u, C(d, 0.2)), hn::Lt(u, C(d, 5.0)));
    }
    template <class D>
    static hn::Vec<D> eval_a(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(u, L::small, L::huge);
        return js_near(hn::Sub(u, C(d, 1.0)), u);
    }
    template <class D>
    static hn::Vec<D> eval_b(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(u, L::small, L::huge);
        const M big = hn::Gt(u, C(d, 1.0));
        const V v = hn::IfThenElse(big, hn::Div(C(d, 1.0), u), u);
        const V lu = hn::Log(d, u);
        V dh, dl;
        js_log2_m_log1p(hn::IfThenElse(hn::Gt(v, C(d, 0.2)), C(d, 0.2), v), dh, dl);
        // u <= 0.2: fma(u, lu + dh, dh); u >= 5: fma(u, dh, dh - lu)
        const V a = hn::IfThenElse(big, dh, hn::Add(lu, dh));
        const V b = hn::IfThenElse(big, hn::Sub(dh, lu), dh);
        const V up1 = hn::Add(u, C(d, 1.0));
        return hn::Mul(C(d, 0.5), hn::MulAdd(up1, dl, hn::MulAdd(u, a, b)));
    }
};
struct js_df : two_forms<js_df> {
    static constexpr double (*scalar)(double) = &js::df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Mask<D> pack_split(D d, hn::Vec<D> u) {
        return hn::Lt(u, C(d, 1.0 / 3.0));
    }
    template <class D>
    static hn::Vec<D> eval_a(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        rare = not_normal_pos(u);
        return hn::Mul(C(d, 0.5), hn::Sub(hn::Log(d, hn::Mul(C(d, 2.0), u)), hn::Log1p(d, u)));
    }
    template <class D>
    static hn::Vec<D> eval_b(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        rare = not_normal_pos(u);
        return hn::Mul(C(d, -0.5),
                       hn::Log1p(d, hn::Mul(C(d, 0.5), hn::Div(hn::Sub(C(d, 1.0), u), u))));
    }
};
// f(e^r), with R = -|r| and u = e^R: outside -1.6 < r < 2, g = f(e^R) from
// 2g = u R + (1 + u) d(u) (d = log 2 - log1p) and f(e^r) = g for r < 0, g/u for r > 0
// (f(u) = u f(1/u): the division and the error of u, magnified 1.75 times at r = 1.6, took it
// to 4 ulp on 1.6 < r < 1.8, hence the later switch there); inside,
// -2f = e^r L(expm1(-r)/2) + L(expm1(r)/2) with expm1(r) and expm1(-r), the one from the
// reduction of R and the other from that of |r|.
struct js_f_logu : two_forms<js_f_logu> {
    static constexpr double (*scalar)(double) = &js::f_logu;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Mask<D> rare_lanes(D d, hn::Vec<D> r) {
        FDIV_LANE_TYPES(D);
        // |r| < L::rsmall: f ~ r^2/8 underflows, and the sign of the zero is the scalar kernel's
        return hn::Or(outside(r, -L::emax, L::emax), hn::Lt(hn::Abs(r), C(d, L::rsmall)));
    }
    // near u = 1 (packed apart from the rest where the inputs mix them: common-inl.h)
    template <class D>
    static hn::Mask<D> pack_split(D d, hn::Vec<D> r) {
        return hn::And(hn::Gt(r, C(d, -1.6)), hn::Lt(r, C(d, 2.0)));
    }
    template <class D>
    static hn::Vec<D> eval_a(D d, hn::Vec<D> r, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = rare_lanes(d, r);
        if constexpr (sizeof(hn::TFromD<D>) == 8) {
            // y1 = expm1(-r)/2 and y2 = expm1(r)/2 in dd (dd::expm1_lite, 2^-56), and
            // L(yh + yl) = L(yh) - yh yl/(1 + yh): L(y) ~ -y^2/2 doubles the relative
            // error of a plain y (4 ulp in f at r = 0.44 from plain expm1s)
            const dd::V2 e2 = dd::expm1_lite(r);
            const dd::V2 ep = dd::add_d(e2, C(d, 1.0));    // e^r
            const dd::V2 e1 = dd::div_r(dd::neg(e2), ep);  // expm1(-r) = -expm1(r)/e^r
            const auto L = [&](const dd::V2& e) {
                const V yh = hn::Mul(C(d, 0.5), e.hi), yl = hn::Mul(C(d, 0.5), e.lo);
                const V c = hn::Mul(hn::Mul(yh, yl), recip_approx(hn::Add(C(d, 1.0), yh)));
                return hn::Sub(log1pmx(yh), c);
            };
            const V er = dd::round(ep);
            return hn::Mul(C(d, -0.5), hn::MulAdd(er, L(e1), L(e2)));
        } else {
            const M pos = hn::Gt(r, hn::Zero(d));
            V u, up;
            const V em = expm1_exp(hn::Neg(hn::Abs(r)), &u);
            const V emp = expm1_exp(hn::Abs(r), &up);
            const V er = hn::IfThenElse(pos, up, u);
            const V a = log1pmx(hn::Mul(C(d, 0.5), hn::IfThenElse(pos, em, emp)));
            const V b = log1pmx(hn::Mul(C(d, 0.5), hn::IfThenElse(pos, emp, em)));
            return hn::Mul(C(d, -0.5), hn::MulAdd(er, a, b));
        }
    }
    template <class D>
    static hn::Vec<D> eval_b(D d, hn::Vec<D> r, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = rare_lanes(d, r);
        const V R = hn::Neg(hn::Abs(r));
        const V u = exp_in(R);
        V dh, dl;
        js_log2_m_log1p(hn::Min(u, C(d, 0.25)), dh, dl);
        const V up1 = hn::Add(u, C(d, 1.0));
        const V g = hn::Mul(C(d, 0.5), hn::MulAdd(up1, dl, hn::MulAdd(u, hn::Add(R, dh), dh)));
        return hn::IfThenElse(hn::Gt(r, hn::Zero(d)), hn::Div(g, u), g);
    }
};
struct js_df_logu {
    static constexpr double (*scalar)(double) = &js::df_logu;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> r, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(r, -L::emax, L::emax);
        return select_forms(
            hn::Lt(r, C(d, -30.0)),
            [&] {
                V s = hn::Add(hn::Add(r, C(d, L::ln2_hi)), C(d, L::ln2_lo));
                return hn::Mul(C(d, 0.5), hn::Sub(s, hn::Log1p(d, exp_in(r))));
            },
            [&] {
                return hn::Mul(C(d, -0.5), hn::Log1p(d, hn::Mul(C(d, 0.5), expm1(hn::Neg(r)))));
            });
    }
};
struct js_activation : js_df_logu {
    static constexpr double (*scalar)(double) = &js::activation;
};
struct js_ratio_activation : js_df_logu {
    static constexpr double (*scalar)(double) = &js::ratio_activation;
};
FDIV_SIMD_PURE(js_log_ratio, js::log_ratio, x)
// a = log 2 - 2t from L::ln2_hi + L::ln2_lo; t > 1/2 log 2 (a <= 0) and t < -350 go scalar.
template <class V>
HWY_INLINE V js_a(V t) {
    const hn::DFromV<V> d;
    using L = lim<hn::TFromV<V>>;
    return hn::Add(hn::Sub(C(d, L::ln2_hi), hn::Mul(C(d, 2.0), t)), C(d, L::ln2_lo));
}
template <class V>
HWY_INLINE auto js_rare(V t, V a) {
    const hn::DFromV<V> d;
    using L = lim<hn::TFromV<V>>;
    return hn::Or(hn::Not(hn::Gt(a, hn::Zero(d))), outside(t, -L::emax / 2, 1.0));
}
struct js_conj {
    static constexpr double (*scalar)(double) = &js::conj;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        V a = js_a(t);
        rare = js_rare(t, a);
        return select_forms(
            hn::Lt(a, C(d, 0.2)),
            [&] {
                V l1 = hn::Log(d, hn::Neg(expm1(hn::Neg(a))));  // log1mexp(a), a < log 2
                return hn::Mul(C(d, -0.5), hn::Add(hn::Add(C(d, L::ln2_hi), l1), C(d, L::ln2_lo)));
            },
            [&] {
                return hn::Mul(C(d, -0.5), hn::Log1p(d, hn::Neg(expm1(hn::Mul(C(d, 2.0), t)))));
            });
    }
};
struct js_inv_df {
    static constexpr double (*scalar)(double) = &js::inv_df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        V a = js_a(t);
        rare = js_rare(t, a);
        return select_forms(
            hn::Lt(t, hn::Zero(d)),
            [&] {
                V e = exp_in(hn::Mul(C(d, 2.0), t));
                return hn::Div(e, hn::Sub(C(d, 2.0), e));
            },
            [&] { return hn::Div(C(d, 1.0), expm1(a)); });
    }
};
struct js_log_inv_df {
    static constexpr double (*scalar)(double) = &js::log_inv_df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        V a = js_a(t);
        rare = js_rare(t, a);
        return select_forms(
            hn::Lt(a, C(d, 0.5)), [&] { return hn::Neg(hn::Log(d, expm1(a))); },
            [&] {
                V t2 = hn::Mul(C(d, 2.0), t);
                return hn::Sub(t2, hn::Log1p(d, hn::Neg(expm1(t2))));
            });
    }
};
// -1/2 log((1 + u)/2)
template <class D>
HWY_INLINE hn::Vec<D> js_half_log_mean(D d, hn::Vec<D> l) {
    FDIV_LANE_TYPES(D);
    return select_forms(
        hn::Gt(l, C(d, 30.0)),
        [&] {
            V s = hn::Sub(hn::Sub(l, C(d, L::ln2_hi)), C(d, L::ln2_lo));
            return hn::Add(s, hn::Log1p(d, exp_in(hn::Neg(l))));
        },
        [&] { return hn::Log1p(d, hn::Mul(C(d, 0.5), expm1(l))); });
}
struct js_objective_logu {
    static constexpr double (*scalar)(double) = &js::objective_logu;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> l, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(l, -L::emax, L::emax);
        return hn::Mul(C(d, -0.5), js_half_log_mean(d, l));
    }
};

// gan
struct gan_f : two_forms<gan_f> {
    static constexpr double (*scalar)(double) = &gan::f;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Mask<D> pack_split(D d, hn::Vec<D> u) {
        return hn::Lt(u, C(d, 1.0));
    }
    template <class D>
    static hn::Vec<D> eval_a(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        rare = not_normal_pos(u);
        const auto a = hn::Mul(u, hn::Sub(hn::Log1p(d, u), hn::Log(d, u)));
        return hn::Sub(hn::Neg(a), hn::Log1p(d, u));
    }
    template <class D>
    static hn::Vec<D> eval_b(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        rare = not_normal_pos(u);
        const auto a = hn::Mul(u, hn::Log1p(d, hn::Div(C(d, 1.0), u)));
        return hn::Sub(hn::Neg(a), hn::Log1p(d, u));
    }
};
struct gan_df : two_forms<gan_df> {
    static constexpr double (*scalar)(double) = &gan::df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Mask<D> pack_split(D d, hn::Vec<D> u) {
        return hn::Lt(u, C(d, 1.0));
    }
    template <class D>
    static hn::Vec<D> eval_a(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        rare = not_normal_pos(u);
        return hn::Sub(hn::Log(d, u), hn::Log1p(d, u));
    }
    template <class D>
    static hn::Vec<D> eval_b(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        rare = not_normal_pos(u);
        return hn::Neg(hn::Log1p(d, hn::Div(C(d, 1.0), u)));
    }
};
struct gan_f_logu {
    static constexpr double (*scalar)(double) = &gan::f_logu;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> r, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(r, -L::emax, L::emax);
        // x = e^-|r| and l = log1p(x) serve both terms (the same operations as the two
        // softplus calls and the branch's own exponential, so the same bits, at half the
        // exponentials and logarithms): softplus(r) = max(r, 0) + l, and
        // a = l/x for r > 0, e^r softplus(-r) = x (l - r) for r <= 0
        const V x = exp_in(hn::Neg(hn::Abs(r)));  // > 0 for |r| <= emax
        const V l = hn::Log1p(d, x);
        const M pos = hn::Gt(r, hn::Zero(d));
        const V a = hn::IfThenElse(pos, hn::Div(l, x), hn::Mul(x, hn::Add(hn::Neg(r), l)));
        const V sp = hn::IfThenElse(pos, hn::Add(r, l), l);
        return hn::Sub(hn::Neg(a), sp);
    }
};
// -softplus(-v) <= -e^-emax < 0 on |v| <= emax: the activations need no step inside.
struct gan_df_logu {
    static constexpr double (*scalar)(double) = &gan::df_logu;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D, hn::Vec<D> r, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(r, -L::emax, L::emax);
        return hn::Neg(softplus(hn::Neg(r)));
    }
};
struct gan_activation : gan_df_logu {
    static constexpr double (*scalar)(double) = &gan::activation;
};
struct gan_ratio_activation : gan_df_logu {
    static constexpr double (*scalar)(double) = &gan::ratio_activation;
};
FDIV_SIMD_PURE(gan_log_ratio, gan::log_ratio, x)
struct gan_conj {
    static constexpr double (*scalar)(double) = &gan::conj;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(t, -L::emax, -L::tiny);
        V a = hn::Neg(t);
        // -log1mexp(a)
        return select_forms(
            hn::Le(a, C(d, L::ln2_hi)), [&] { return hn::Neg(hn::Log(d, hn::Neg(expm1(t)))); },
            [&] { return hn::Neg(hn::Log1p(d, hn::Neg(exp_in(t)))); });
    }
};
struct gan_inv_df {
    static constexpr double (*scalar)(double) = &gan::inv_df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(t, -L::emax, -L::tiny);
        return hn::Div(exp_in(t), hn::Neg(expm1(t)));
    }
};
struct gan_log_inv_df {
    static constexpr double (*scalar)(double) = &gan::log_inv_df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(t, -L::emax, -L::tiny);
        return hn::Sub(t, hn::Log(d, hn::Neg(expm1(t))));
    }
};
FDIV_SIMD_RANGE(gan_objective_logu, gan::objective_logu, -L::emax, L::emax, hn::Neg(softplus(x)))

// softened generator objectives
FDIV_SIMD_RANGE(softened_reverse_kl_objective_logu, softened_reverse_kl::objective_logu, -L::emax,
                L::emax,
                hn::Sub(hn::Add(softplus(hn::Neg(x)), C(d, 1.0 - L::ln2_hi)), C(d, L::ln2_lo)))
FDIV_SIMD_RANGE(softened_kl_objective_logu, softened_kl::objective_logu, -L::emax, L::emax,
                hn::Sub(js_half_log_mean(d, x), exp_in(x)))

// srkl_solve (lambert.h) in vector form, K vectors in lockstep (common-inl.h, eval2): s > 0
// with log1pmx(s) = -delta, delta = -(t + log 2) from the TwoSum.  The start is within 1e-4
// relative: a fit of s/p in p = sqrt(2 delta) for delta <= 1, fits of s(delta) on [1, 4],
// [4, 12] and [12, 40], and beyond 40 the asymptotic series of 1 + s = -W_{-1}(-e^{-(1 + delta)})
// in L1 = 1 + delta, L2 = log L1: s = delta + L2 (1 + (1 + (L2 - 2)/(2 L1))/L1), within 9e-5.
// Then the sixth-order correction of common-inl.h (lambert_correction): with r = log1pmx(s) + delta
// the root is s + (1 + s) u where log1p(u) - (1 + s) u = -r (a = -(1 + s), b = 1/(1 + a) =
// -1/s).  From a start within eps the correction leaves an error of order 1.3 eps^6 relative,
// so a lane stops after a step below tol6 relative, one step in all the fits' ranges; lanes at
// or beyond the boundary (delta <= 0), far from it (delta > 1e3: the scalar contraction) or
// not converged within 8 steps go to the scalar kernel.
// log1pmx(s) is log1pmx_from's series inside its band and log(y) + c/y - s outside it, with
// y = 1 + s rounded and c = s - (y - 1) exact; 1/y and b come from one division,
// q = 1/(s y).  log1p at the root is log1p(s0) + log1p(u) for the last step's start s0
// (1 + s0 + (1 + s0) u = (1 + s0)(1 + u)), log1p(s0) = s0 + log1pmx(s0) inside the band: no
// Log1p at the end.
template <int K, class D>
HWY_INLINE void srkl_solve_k(D d, const hn::Vec<D>* t, hn::Mask<D>* rare, hn::Vec<D>* s_out,
                             hn::Vec<D>* log1p_s = nullptr) {
    FDIV_LANE_TYPES(D);
    V delta[K], dlo[K], s[K], lp[K];
    M active[K];
    bool any = false;
    FDIV_EACH(k, K) {
        V sh, se;
        two_sum(t[k], C(d, L::ln2_hi), sh, se);
        const V e2 = hn::Add(se, C(d, L::ln2_lo));
        const V sum = hn::Add(sh, e2);
        V dl = hn::Neg(sum);
        rare[k] = hn::Or(rare[k], outside(dl, L::tiny, 1e3));
        dl = hn::IfThenElse(rare[k], C(d, 1.0), dl);
        delta[k] = dl;
        // delta's rounding error (|e2| <= |sh| unless delta is tiny, where it stays below
        // delta's ulp either way), added to the residual after the cancellation
        dlo[k] = hn::IfThenZeroElse(rare[k], hn::Sub(hn::Sub(sum, sh), e2));
        s[k] = select_forms(
            hn::Le(dl, C(d, 1.0)),
            [&] {
                const V p = hn::Sqrt(hn::Add(dl, dl));
                const V sp = hn::MulAdd(p, C(d, 1.4142135623730951), C(d, -1.0));
                return hn::Mul(
                    p, poly(sp, 1.2483471447893602, 0.25981906507560537, 0.010372784529168056,
                            -0.0010251329345684608, 7.399113724919598e-05));
            },
            [&] {
                return select_forms(
                    hn::Lt(dl, C(d, 4.0)),
                    [&] {
                        const V sp = hn::Mul(hn::Sub(dl, C(d, 2.5)), C(d, 2.0 / 3.0));
                        return poly(sp, 4.136238491346007, 1.8628237105394592, -0.07989857713058897,
                                    0.025508085519717408, -0.014701331240257921,
                                    0.006964020584966463);
                    },
                    [&] {
                        return select_forms(
                            hn::Lt(dl, C(d, 12.0)),
                            [&] {
                                const V sp = hn::Mul(hn::Sub(dl, C(d, 8.0)), C(d, 0.25));
                                return poly(sp, 10.43679144713847, 4.383329062482608,
                                            -0.0796415243536688, 0.02297066024365809,
                                            -0.010021171980698998, 0.003917171696656103);
                            },
                            [&] {
                                return select_forms(
                                    hn::Lt(dl, C(d, 40.0)),
                                    [&] {
                                        const V sp =
                                            hn::Mul(hn::Sub(dl, C(d, 26.0)), C(d, 1.0 / 14.0));
                                        return poly(sp, 29.41481469380858, 14.476143788656902,
                                                    -0.11506106917543953, 0.03756875759498746,
                                                    -0.019838548813167805, 0.008732716652249044);
                                    },
                                    [&] {
                                        const V L1 = hn::Add(C(d, 1.0), dl);
                                        const V L2 = hn::Log(d, L1);
                                        const V rL1 = hn::Div(C(d, 1.0), L1);
                                        const V h = hn::Mul(hn::Mul(C(d, 0.5), rL1),
                                                            hn::Sub(L2, C(d, 2.0)));
                                        return hn::Add(
                                            dl,
                                            hn::Mul(L2,
                                                    hn::Add(C(d, 1.0),
                                                            hn::Mul(rL1, hn::Add(C(d, 1.0), h)))));
                                    });
                            });
                    });
            });
        lp[k] = hn::Zero(d);
        active[k] = hn::Not(rare[k]);
        any = any || !hn::AllFalse(d, active[k]);
    }
    for (int i = 0; i < 8 && any; ++i) {
        any = false;
        FDIV_EACH(k, K) {
            const V sk = s[k];
            const V y = hn::Add(C(d, 1.0), sk);
            const V q = hn::Div(C(d, 1.0), hn::Mul(sk, y));
            V l1y = hn::Zero(d);  // log1p(s) outside log1pmx's band
            const V L = log1pmx_from(sk, [&] {
                const V c = hn::Sub(sk, hn::Sub(y, C(d, 1.0)));
                l1y = hn::MulAdd(c, hn::Mul(sk, q), hn::Log(d, y));
                return l1y;
            });
            const V u =
                lambert_correction(hn::Neg(hn::Mul(y, q)), hn::Add(hn::Add(L, delta[k]), dlo[k]));
            const V sig = hn::MulAdd(sk, u, u);
            V sn = hn::Add(sk, sig);
            sn = hn::IfThenElse(hn::Le(sn, hn::Zero(d)), hn::Mul(C(d, 0.5), sk), sn);
            if (log1p_s) {
                // s + log1pmx(s) inside the band; outside it log1p(s) itself (s + L would
                // round L, of the size of s, into a result of the size of log s)
                const V l1 = hn::IfThenElse(log1pmx_band(sk), hn::Add(sk, L), l1y);
                lp[k] = hn::IfThenElse(active[k], hn::Add(l1, log1p_small(u)), lp[k]);
            }
            const M moving = hn::Gt(hn::Abs(hn::Sub(sn, sk)), hn::Mul(C(d, L::tol6), sn));
            s[k] = hn::IfThenElse(active[k], sn, sk);
            active[k] = hn::And(active[k], moving);
            any = any || !hn::AllFalse(d, active[k]);
        }
    }
    FDIV_EACH(k, K) {
        rare[k] = hn::Or(rare[k], active[k]);
        s_out[k] = s[k];
        if (log1p_s) log1p_s[k] = lp[k];
    }
}
// The three kernels below differ in what they take from the root: one vector (eval) or two in
// lockstep (eval2).
#define FDIV_SRKL_KERNEL(name, fn, log1p_needed, result)                                     \
    struct name {                                                                            \
        static constexpr double (*scalar)(double) = &fn;                                     \
        static constexpr bool native32 = true;                                               \
        template <class D>                                                                   \
        static hn::Vec<D> from_root(D d, hn::Vec<D> s, hn::Vec<D> l1s) {                     \
            FDIV_LANE_TYPES(D);                                                              \
            (void)s;                                                                         \
            (void)l1s;                                                                       \
            return result;                                                                   \
        }                                                                                    \
        template <class D>                                                                   \
        static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {                       \
            FDIV_LANE_TYPES(D);                                                              \
            M r[1] = {outside(t, -L::huge, L::huge)};                                        \
            V s[1], l1s[1] = {hn::Zero(d)};                                                  \
            srkl_solve_k<1>(d, &t, r, s, log1p_needed ? l1s : nullptr);                      \
            rare = r[0];                                                                     \
            return from_root(d, s[0], l1s[0]);                                               \
        }                                                                                    \
        template <class D>                                                                   \
        static void eval2(D d, hn::Vec<D> t0, hn::Vec<D> t1, hn::Vec<D>& y0, hn::Vec<D>& y1, \
                          hn::Mask<D>& rare0, hn::Mask<D>& rare1) {                          \
            FDIV_LANE_TYPES(D);                                                              \
            const V t[2] = {t0, t1};                                                         \
            M r[2] = {outside(t0, -L::huge, L::huge), outside(t1, -L::huge, L::huge)};       \
            V s[2], l1s[2] = {hn::Zero(d), hn::Zero(d)};                                     \
            srkl_solve_k<2>(d, t, r, s, log1p_needed ? l1s : nullptr);                       \
            rare0 = r[0];                                                                    \
            rare1 = r[1];                                                                    \
            y0 = from_root(d, s[0], l1s[0]);                                                 \
            y1 = from_root(d, s[1], l1s[1]);                                                 \
        }                                                                                    \
    };
FDIV_SRKL_KERNEL(softened_reverse_kl_conj, softened_reverse_kl::conj, true,
                 hn::Add(hn::Sub(C(d, L::ln2_hi - 1.0), l1s), C(d, L::ln2_lo)))
FDIV_SRKL_KERNEL(softened_reverse_kl_inv_df, softened_reverse_kl::inv_df, false,
                 hn::Div(C(d, 1.0), s))
FDIV_SRKL_KERNEL(softened_reverse_kl_log_inv_df, softened_reverse_kl::log_inv_df, false,
                 hn::Neg(hn::Log(d, s)))
#undef FDIV_SRKL_KERNEL

// softened_kl
FDIV_SIMD_RANGE(softened_kl_f, softened_kl::f, 0.0, L::huge,
                hn::Mul(hn::Add(C(d, 1.0), x),
                        hn::Log1p(d, hn::Mul(C(d, 0.5), hn::Sub(x, C(d, 1.0))))))
FDIV_SIMD_RANGE(softened_kl_df, softened_kl::df, 0.0, L::huge,
                hn::Add(C(d, 1.0), hn::Log1p(d, hn::Mul(C(d, 0.5), hn::Sub(x, C(d, 1.0))))))
struct softened_kl_f_logu {
    static constexpr double (*scalar)(double) = &softened_kl::f_logu;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> r, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(r, -L::emax, L::emax);
        // (2 + expm1(r)) log1p(expm1(r)/2), as the scalar kernel
        const V em = expm1(r);
        return hn::Mul(hn::Add(C(d, 2.0), em), hn::Log1p(d, hn::Mul(C(d, 0.5), em)));
    }
};
// 1 + log((1 + e^r)/2)
FDIV_SIMD_RANGE(softened_kl_df_logu, softened_kl::df_logu, -L::emax, L::emax,
                hn::Add(C(d, 1.0), js_half_log_mean(d, x)))
FDIV_SIMD_RANGE(softened_kl_activation, softened_kl::activation, -L::emax, L::emax,
                hn::Add(C(d, 1.0), js_half_log_mean(d, x)))
FDIV_SIMD_RANGE(softened_kl_ratio_activation, softened_kl::ratio_activation, -L::emax, L::emax,
                hn::Add(C(d, 1.0), js_half_log_mean(d, x)))
FDIV_SIMD_PURE(softened_kl_log_ratio, softened_kl::log_ratio, x)
// a = t - (1 - log 2) (1 - L::ln2_hi is exact); 2 e^{t-1} with t - 1 carried by TwoSum
template <class V>
HWY_INLINE V softened_kl_a(V t) {
    const hn::DFromV<V> d;
    using L = lim<hn::TFromV<V>>;
    return hn::Add(hn::Sub(t, C(d, 1.0 - L::ln2_hi)), C(d, L::ln2_lo));
}
template <class V>
HWY_INLINE V two_exp_tm1(V t, V c) {  // fma(2, e^{t-1}, c)
    const hn::DFromV<V> d;
    V sh, se;
    two_sum(t, C(d, -1.0), sh, se);
    return fma(C(d, 2.0), exp_dd(sh, se), c);
}
struct softened_kl_conj {
    static constexpr double (*scalar)(double) = &softened_kl::conj;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(t, -L::huge, L::emax);
        const V a = softened_kl_a(t);
        return hn::IfThenElse(hn::Le(a, hn::Zero(d)), C(d, L::ln2_hi + L::ln2_lo),
                              two_exp_tm1(t, hn::Neg(t)));
    }
};
struct softened_kl_inv_df {
    static constexpr double (*scalar)(double) = &softened_kl::inv_df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(t, -L::huge, L::emax);
        const V a = softened_kl_a(t);
        const V v = select_forms(
            hn::Lt(a, C(d, 1.0)),
            [&] { return expm1(hn::IfThenElse(hn::Lt(a, C(d, 1.0)), a, C(d, 0.5))); },
            [&] { return two_exp_tm1(t, C(d, -1.0)); });
        return hn::IfThenElse(hn::Le(a, hn::Zero(d)), hn::Zero(d), v);
    }
};

// softened_reverse_kl: log((1 + u)/(2u)) (the lg of softened.h)
// (u < 1/3: log1p(u) - log(2u); else log1p((1 - u)/(2u)))
template <class D>
HWY_INLINE hn::Vec<D> srkl_lg_lo(D d, hn::Vec<D> u) {
    return hn::Sub(hn::Log1p(d, u), hn::Log(d, hn::Mul(C(d, 2.0), u)));
}
template <class D>
HWY_INLINE hn::Vec<D> srkl_lg_hi(D d, hn::Vec<D> u) {
    return hn::Log1p(d, hn::Mul(C(d, 0.5), hn::Div(hn::Sub(C(d, 1.0), u), u)));
}
// log((1 + e^r)/(2 e^r)) (lg_r), |r| <= emax
template <class D>
HWY_INLINE hn::Vec<D> srkl_lg_r(D d, hn::Vec<D> r) {
    FDIV_LANE_TYPES(D);
    return select_forms(
        hn::Lt(r, C(d, -30.0)),
        [&] {
            V v = hn::Sub(hn::Log1p(d, exp_in(r)), r);
            return hn::Sub(hn::Sub(v, C(d, L::ln2_hi)), C(d, L::ln2_lo));
        },
        [&] { return hn::Log1p(d, hn::Mul(C(d, 0.5), expm1(hn::Neg(r)))); });
}
FDIV_SIMD_RANGE2(softened_reverse_kl_f, softened_reverse_kl::f, L::tiny, L::huge,
                 hn::Lt(x, C(d, 1.0 / 3.0)), hn::Mul(hn::Add(C(d, 1.0), x), srkl_lg_lo(d, x)),
                 hn::Mul(hn::Add(C(d, 1.0), x), srkl_lg_hi(d, x)))
FDIV_SIMD_RANGE2(softened_reverse_kl_df, softened_reverse_kl::df, L::tiny, L::huge,
                 hn::Lt(x, C(d, 1.0 / 3.0)), hn::Sub(srkl_lg_lo(d, x), hn::Div(C(d, 1.0), x)),
                 hn::Sub(srkl_lg_hi(d, x), hn::Div(C(d, 1.0), x)))
FDIV_SIMD_RANGE(softened_reverse_kl_f_logu, softened_reverse_kl::f_logu, -L::emax, L::emax,
                hn::Mul(hn::Add(C(d, 1.0), exp_in(x)), srkl_lg_r(d, x)))
// (softened_reverse_kl df_logu and its activations: extra-inl.h)

// (js_weighted(pi): jsw-inl.h)

}  // namespace k

// float32 in double lanes (common-inl.h, FDIV_SIMD_PROMOTE32)
FDIV_SIMD_PROMOTE32(softened_reverse_kl_log_inv_df)
FDIV_SIMD_PROMOTE32(gan_log_inv_df)
FDIV_SIMD_PROMOTE32(softened_reverse_kl_f_logu)
FDIV_SIMD_PROMOTE32(js_log_inv_df)
FDIV_SIMD_PROMOTE32(softened_reverse_kl_f)
FDIV_SIMD_PROMOTE32(softened_kl_f_logu)
FDIV_SIMD_PROMOTE32(js_f_logu)
FDIV_SIMD_PROMOTE32(js_f)
FDIV_SIMD_PROMOTE32(js_conj)
}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_JS_INL_H_
