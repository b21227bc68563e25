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
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = not_normal_pos(u);
        return hn::Mul(u, hn::Log(d, u));
    }
};
struct kl_df {
    static constexpr double (*scalar)(double) = &kl::df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = not_normal_pos(u);
        V res = hn::Add(C(d, 1.0), hn::Log(d, u));
        const M near = hn::And(hn::Gt(u, C(d, 0.2)), hn::Lt(u, C(d, 0.6)));
        if (hn::AllFalse(d, near)) return res;
        // e u - 1 by fma, as in kl::df
        V dd = hn::Add(fma(u, C(d, L::e_hi), C(d, -1.0)), hn::Mul(u, C(d, L::e_lo)));
        return hn::IfThenElse(near, hn::Log1p(d, dd), res);
    }
};
struct kl_f_logu {
    static constexpr double (*scalar)(double) = &kl::f_logu;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> r, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(r, -L::emax, L::emax);
        return hn::Mul(exp_in(r), r);
    }
};
FDIV_SIMD_PURE(kl_df_logu, kl::df_logu, hn::Add(C(d, 1.0), x))
FDIV_SIMD_PURE(kl_log_d2f_logu, kl::log_d2f_logu, hn::Neg(x))
struct kl_conj {
    static constexpr double (*scalar)(double) = &kl::conj;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        V s, e;
        two_sum(t, C(d, -1.0), s, e);
        rare = outside(s, -L::emax, L::emax);
        return exp_dd(s, e);
    }
};
struct kl_inv_df : kl_conj {
    static constexpr double (*scalar)(double) = &kl::inv_df;
};
FDIV_SIMD_PURE(kl_activation, kl::activation, x)
FDIV_SIMD_PURE(kl_ratio_activation, kl::ratio_activation, hn::Add(C(d, 1.0), x))
FDIV_SIMD_PURE(kl_log_ratio, kl::log_ratio, hn::Sub(x, C(d, 1.0)))
FDIV_SIMD_PURE(kl_log_inv_df, kl::log_inv_df, hn::Sub(x, C(d, 1.0)))
struct kl_objective_logu {
    static constexpr double (*scalar)(double) = &kl::objective_logu;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> l, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(l, -L::emax, L::emax);
        return hn::Neg(exp_in(l));
    }
};

struct reverse_kl_f {
    static constexpr double (*scalar)(double) = &reverse_kl::f;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = not_normal_pos(u);
        return hn::Neg(hn::Log(d, u));
    }
};
// -1/u by recip on its range [2^-1022, 2^1021] (L::tiny, L::qhi; float lanes divide): zero,
// subnormal, huge, inf and NaN lanes go to the scalar -1/u
FDIV_SIMD_RANGE(reverse_kl_df, reverse_kl::df, L::tiny, L::qhi, hn::Neg(recip(x)))
FDIV_SIMD_PURE(reverse_kl_f_logu, reverse_kl::f_logu, hn::Neg(x))
struct reverse_kl_df_logu {
    static constexpr double (*scalar)(double) = &reverse_kl::df_logu;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> r, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(r, -L::emax, L::emax);
        return hn::Neg(exp_in(hn::Neg(r)));
    }
};
FDIV_SIMD_PURE(reverse_kl_log_d2f_logu, reverse_kl::log_d2f_logu, hn::Mul(C(d, -2.0), x))
struct reverse_kl_conj {
    static constexpr double (*scalar)(double) = &reverse_kl::conj;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(t, -L::huge, -L::tiny);
        V res = hn::Sub(C(d, -1.0), hn::Log(d, hn::Neg(t)));
        const M near = hn::And(hn::Lt(t, C(d, -0.07)), hn::Gt(t, C(d, -0.6)));
        if (hn::AllFalse(d, near)) return res;
        // -e t - 1 by fma, as in reverse_kl::conj
        V dd = hn::Sub(fma(hn::Neg(t), C(d, L::e_hi), C(d, -1.0)), hn::Mul(t, C(d, L::e_lo)));
        return hn::IfThenElse(near, hn::Neg(hn::Log1p(d, dd)), res);
    }
};
// as reverse_kl_df, for -t
FDIV_SIMD_RANGE(reverse_kl_inv_df, reverse_kl::inv_df, -L::qhi, -L::tiny, recip(hn::Neg(x)))
// -e^-v < 0 strictly for v <= emax: step_inside has nothing to do there.
struct reverse_kl_activation : reverse_kl_df_logu {
    static constexpr double (*scalar)(double) = &reverse_kl::activation;
};
struct reverse_kl_ratio_activation : reverse_kl_df_logu {
    static constexpr double (*scalar)(double) = &reverse_kl::ratio_activation;
};
FDIV_SIMD_PURE(reverse_kl_log_ratio, reverse_kl::log_ratio, x)
struct reverse_kl_log_inv_df {
    static constexpr double (*scalar)(double) = &reverse_kl::log_inv_df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(t, -L::huge, -L::tiny);
        return hn::Neg(hn::Log(d, hn::Neg(t)));
    }
};
FDIV_SIMD_PURE(reverse_kl_objective_logu, reverse_kl::objective_logu, hn::Sub(C(d, 1.0), x))

// jeffreys (conj, inv_df and the critic forms use the Lambert-W solvers: scalar)
struct jeffreys_f {
    static constexpr double (*scalar)(double) = &jeffreys::f;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = not_normal_pos(u);
        return hn::Mul(hn::Sub(u, C(d, 1.0)), hn::Log(d, u));
    }
};
struct jeffreys_df {
    static constexpr double (*scalar)(double) = &jeffreys::df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = not_normal_pos(u);
        return hn::Add(hn::Log(d, u), hn::Div(hn::Sub(u, C(d, 1.0)), u));
    }
};
FDIV_SIMD_RANGE(jeffreys_f_logu, jeffreys::f_logu, -L::emax, L::emax, hn::Mul(x, expm1(x)))
FDIV_SIMD_RANGE(jeffreys_df_logu, jeffreys::df_logu, -L::emax, L::emax,
                hn::Sub(x, expm1(hn::Neg(x))))
FDIV_SIMD_RANGE(jeffreys_ratio_activation, jeffreys::ratio_activation, -L::emax, L::emax,
                hn::Sub(x, expm1(hn::Neg(x))))
FDIV_SIMD_PURE(jeffreys_activation, jeffreys::activation, x)
FDIV_SIMD_RANGE(jeffreys_objective_logu, jeffreys::objective_logu, -L::emax, L::emax,
                hn::Sub(hn::Neg(x), expm1(x)))

// jeffreys_solve (lambert.h) in vector form: the same three regimes of x = 1 - t and the same
// final formulas.  Where the scalar kernel iterates Newton's method to a step below one ulp,
// the vector form starts within 1e-4 of the root and applies the sixth-order correction
// (common-inl.h, lambert_correction), one step in all the starts' ranges; a lane still moving
// after 8 steps is recomputed by the scalar kernel.
template <class D>
struct jeffreys_out {
    hn::Vec<D> conj, inv, nlw;
    hn::Mask<D> unconverged;  // lanes left to the scalar kernel
};
// The solver runs K vectors in lockstep (common-inl.h, eval2): every statement below is done
// for each of them, and a loop continues while a lane of any of them is active; each lane's
// value depends only on its own input.
template <int K, class D>
HWY_INLINE void jeffreys_solve_k(D d, const hn::Vec<D>* t, jeffreys_out<D>* o) {
    FDIV_LANE_TYPES(D);
    V xh[K], xl[K];
    M mA[K], mB[K], mC[K];
    bool anyA = false, anyB = false, anyC = false;
    FDIV_EACH(k, K) {
        two_sum(C(d, 1.0), hn::Neg(t[k]), xh[k], xl[k]);
        mA[k] = hn::Lt(xh[k], C(d, -40.0));
        mB[k] = hn::And(hn::Ge(xh[k], C(d, -40.0)), hn::Lt(xh[k], C(d, -1.0)));
        mC[k] = hn::Ge(xh[k], C(d, -1.0));
        o[k] = jeffreys_out<D>{hn::Zero(d), hn::Zero(d), hn::Zero(d), hn::Lt(t[k], t[k])};
        anyA = anyA || !hn::AllFalse(d, mA[k]);
        anyB = anyB || !hn::AllFalse(d, mB[k]);
        anyC = anyC || !hn::AllFalse(d, mC[k]);
    }
    if (anyA) {
        FDIV_EACH(k, K) {
            // w = e^x to double precision; 1/w = e^{-x} (1 + w)
            const V w = exp_dd(xh[k], xl[k]);
            const V rinv = hn::Mul(exp_dd(hn::Neg(xh[k]), hn::Neg(xl[k])), hn::Add(C(d, 1.0), w));
            o[k].inv = hn::IfThenElse(mA[k], rinv, o[k].inv);
            o[k].conj = hn::IfThenElse(mA[k], hn::Add(rinv, hn::Add(hn::Sub(t[k], C(d, 2.0)), w)),
                                       o[k].conj);
            o[k].nlw = hn::IfThenElse(mA[k], hn::Add(hn::Sub(t[k], C(d, 1.0)), w), o[k].nlw);
        }
    }
    if (anyB) {
        // w = W0(z), z = e^x: for z >= 9e-4 from a start within 3e-5 (a fit of W0(z)/z on
        // [0, 1/e]) and the sixth-order correction: with rho = (w e^w - z)/z, w (1 + u) solves w u
        // + log1p(u) = -log1p(rho) (common-inl.h, lambert_correction)
        V z[K], w[K];
        M active[K];
        bool any = false;
        FDIV_EACH(k, K) {
            z[k] = hn::IfThenElse(mB[k], exp_dd(xh[k], xl[k]), C(d, 0.2));
            const V zk = z[k];
            // z < 9e-4 (x < -7): W0(z) = sum (-n)^(n-1) z^n/n! to n = 7 is the root itself (the
            // rest is below 52 z^7 < 3e-20 relative): no correction
            const M direct = hn::Lt(zk, C(d, 9e-4));
            w[k] = hn::Mul(zk, select_forms(
                                   direct,
                                   [&] {
                                       return poly(zk, 1.0, -1.0, 3.0 / 2, -8.0 / 3, 125.0 / 24,
                                                   -54.0 / 5, 16807.0 / 720);
                                   },
                                   [&] {
                                       const V sz = hn::Mul(hn::Sub(zk, C(d, 0.18393972058572117)),
                                                            C(d, 5.43656365691809));
                                       return poly(sz, 0.8545491341788213, -0.1159634004875507,
                                                   0.022524164089471752, -0.005540377600902328,
                                                   0.0013959833656182745);
                                   }));
            active[k] = hn::AndNot(direct, mB[k]);
            any = any || !hn::AllFalse(d, active[k]);
        }
        // each lane stops at its own convergence (its value never depends on the others);
        // lanes still moving after 8 steps go to the scalar kernel
        for (int i = 0; i < 8 && any; ++i) {
            any = false;
            FDIV_EACH(k, K) {
                // rho = R/z and b = 1/(1 + w) from one division, q = 1/(z (1 + w))
                const V R = fma(w[k], hn::Exp(d, w[k]), hn::Neg(z[k]));
                const V wp1 = hn::Add(C(d, 1.0), w[k]);
                const V q = hn::Div(C(d, 1.0), hn::Mul(z[k], wp1));
                const V rho = hn::Mul(R, hn::Mul(q, wp1));
                const V u = lambert_correction(hn::Mul(z[k], q), log1p_small(rho));
                w[k] = hn::IfThenElse(active[k], fma(w[k], u, w[k]), w[k]);
                active[k] = hn::And(active[k], hn::Gt(hn::Abs(u), C(d, L::tol6)));
                any = any || !hn::AllFalse(d, active[k]);
            }
        }
        FDIV_EACH(k, K) {
            o[k].unconverged = hn::Or(o[k].unconverged, active[k]);
            const V rinv = hn::Div(C(d, 1.0), w[k]);
            o[k].inv = hn::IfThenElse(mB[k], rinv, o[k].inv);
            o[k].conj = hn::IfThenElse(
                mB[k], hn::Add(rinv, hn::Add(hn::Sub(t[k], C(d, 2.0)), w[k])), o[k].conj);
            o[k].nlw = hn::IfThenElse(mB[k], hn::Add(hn::Sub(t[k], C(d, 1.0)), w[k]), o[k].nlw);
        }
    }
    if (anyC) {
        // d = w - 1 solving d + log1p(d) = -t, from a start within 1e-4 (fits of the Wright
        // omega function w(x), x = 1 - t, on [-1, 3] (of (w - 1)/(x - 1)), [3, 12] and [12, 40];
        // beyond 40 its asymptotic series x - log x + log x/x, within 5.3e-5) and the
        // sixth-order correction: with r = d + log1p(d) + t and a = 1 + d, the root is
        // d + a u where a u + log1p(u) = -r.
        V tc[K], dd[K], lg[K], uu[K];
        M active[K];
        bool any = false;
        FDIV_EACH(k, K) {
            const V xc = hn::IfThenElse(mC[k], xh[k], C(d, 1.0));
            tc[k] = hn::IfThenElse(mC[k], t[k], C(d, 0.0));
            dd[k] = select_forms(
                hn::Lt(xc, C(d, 3.0)),
                [&] {
                    const V h = hn::Sub(xc, C(d, 1.0));
                    return hn::Mul(h, poly(hn::Mul(h, C(d, 0.5)), 0.4999929397334604,
                                           0.12522098729484127, -0.02071193466026253,
                                           -0.003583334001076244, 0.0030955801019844835));
                },
                [&] {
                    return select_forms(
                        hn::Lt(xc, C(d, 12.0)),
                        [&] {
                            const V s = hn::Mul(hn::Sub(xc, C(d, 7.5)), C(d, 2.0 / 9.0));
                            return poly(s, 5.7507814240269335 - 1.0, 3.8333044568732855,
                                        0.18748627143696572, -0.06464569235792646,
                                        0.02823663268090716, -0.00997944917882083);
                        },
                        [&] {
                            return select_forms(
                                hn::Lt(xc, C(d, 40.0)),
                                [&] {
                                    const V s = hn::Mul(hn::Sub(xc, C(d, 26.0)), C(d, 1.0 / 14.0));
                                    return poly(s, 22.87038093719995 - 1.0, 13.4131406230578,
                                                0.16109427030511797, -0.05768938851416055,
                                                0.0335632926758666, -0.015386622790065687);
                                },
                                [&] {
                                    const V lx = hn::Log(d, xc);
                                    return hn::Sub(hn::Add(hn::Sub(xc, lx), hn::Div(lx, xc)),
                                                   C(d, 1.0));
                                });
                        });
                });
            lg[k] = hn::Zero(d);
            uu[k] = hn::Zero(d);
            active[k] = mC[k];
            any = any || !hn::AllFalse(d, active[k]);
        }
        // A lane stops after a step a u below tol6 relative to d: the correction's error, of
        // order u^6 a, is then below 1e-17 |d| (|d|/a <= 2.6 for x >= -1).  log1p at the final
        // d is the last step's lg = log1p(d) plus log1p(u) (1 + d + a u = a (1 + u)): one
        // Log1p per lane less.
        for (int i = 0; i < 8 && any; ++i) {
            any = false;
            FDIV_EACH(k, K) {
                // log1p(d) = log(a) + c/a with a = 1 + d rounded and c = d - (a - 1) exact, and
                // b = 1/(1 + a): both from one division, q = 1/(a (1 + a))
                const V a = hn::Add(C(d, 1.0), dd[k]);
                const V c = hn::Sub(dd[k], hn::Sub(a, C(d, 1.0)));
                const V ap1 = hn::Add(C(d, 1.0), a);
                const V q = hn::Div(C(d, 1.0), hn::Mul(a, ap1));
                const V l1 = hn::MulAdd(c, hn::Mul(q, ap1), hn::Log(d, a));
                const V u = lambert_correction(hn::Mul(a, q), hn::Add(hn::Add(dd[k], l1), tc[k]));
                const V step = hn::Mul(a, u);
                const V dn = hn::Add(dd[k], step);
                lg[k] = hn::IfThenElse(active[k], l1, lg[k]);
                uu[k] = hn::IfThenElse(active[k], u, uu[k]);
                dd[k] = hn::IfThenElse(active[k], dn, dd[k]);
                active[k] =
                    hn::And(active[k], hn::Gt(hn::Abs(step), hn::Mul(C(d, L::tol6), hn::Abs(dn))));
                any = any || !hn::AllFalse(d, active[k]);
            }
        }
        FDIV_EACH(k, K) {
            o[k].unconverged = hn::Or(o[k].unconverged, active[k]);
            const V dp1 = hn::Add(C(d, 1.0), dd[k]);
            const V nlw = hn::Neg(hn::Add(lg[k], log1p_small(uu[k])));
            o[k].inv = hn::IfThenElse(mC[k], hn::Div(C(d, 1.0), dp1), o[k].inv);
            o[k].nlw = hn::IfThenElse(mC[k], nlw, o[k].nlw);
            o[k].conj =
                hn::IfThenElse(mC[k], hn::Add(hn::Div(hn::Neg(dd[k]), dp1), nlw), o[k].conj);
        }
    }
}
// The three kernels below differ only in the output they take: one vector (eval) or two in
// lockstep (eval2).  x = 1 - t >= -emax (exp_dd's range) and t >= -L::rbig (Halley's (1 + a)^2
// stays finite).
#define FDIV_JEFFREYS_KERNEL(name, fn, field)                                                \
    struct name {                                                                            \
        static constexpr double (*scalar)(double) = &fn;                                     \
        static constexpr bool native32 = true;                                               \
        template <class D>                                                                   \
        static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {                       \
            FDIV_LANE_TYPES(D);                                                              \
            rare = outside(t, -L::rbig, L::emax);                                            \
            const V tt[1] = {hn::IfThenElse(rare, C(d, 0.5), t)};                            \
            jeffreys_out<D> o[1];                                                            \
            jeffreys_solve_k<1>(d, tt, o);                                                   \
            rare = hn::Or(rare, o[0].unconverged);                                           \
            return o[0].field;                                                               \
        }                                                                                    \
        template <class D>                                                                   \
        static void eval2(D d, hn::Vec<D> t0, hn::Vec<D> t1, hn::Vec<D>& y0, hn::Vec<D>& y1, \
                          hn::Mask<D>& rare0, hn::Mask<D>& rare1) {                          \
            FDIV_LANE_TYPES(D);                                                              \
            rare0 = outside(t0, -L::rbig, L::emax);                                          \
            rare1 = outside(t1, -L::rbig, L::emax);                                          \
            const V tt[2] = {hn::IfThenElse(rare0, C(d, 0.5), t0),                           \
                             hn::IfThenElse(rare1, C(d, 0.5), t1)};                          \
            jeffreys_out<D> o[2];                                                            \
            jeffreys_solve_k<2>(d, tt, o);                                                   \
            rare0 = hn::Or(rare0, o[0].unconverged);                                         \
            rare1 = hn::Or(rare1, o[1].unconverged);                                         \
            y0 = o[0].field;                                                                 \
            y1 = o[1].field;                                                                 \
        }                                                                                    \
    };
FDIV_JEFFREYS_KERNEL(jeffreys_conj, jeffreys::conj, conj)
FDIV_JEFFREYS_KERNEL(jeffreys_inv_df, jeffreys::inv_df, inv)
FDIV_JEFFREYS_KERNEL(jeffreys_log_inv_df, jeffreys::log_inv_df, nlw)
#undef FDIV_JEFFREYS_KERNEL
struct jeffreys_log_ratio : jeffreys_log_inv_df {
    static constexpr double (*scalar)(double) = &jeffreys::log_ratio;
};

}  // namespace k

// float32 in double lanes (common-inl.h, FDIV_SIMD_PROMOTE32)
FDIV_SIMD_PROMOTE32(jeffreys_conj)
}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_KL_INL_H_
