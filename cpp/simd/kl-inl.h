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
        return hn::Mul(hn::Exp(d, r), r);
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
        return hn::Neg(hn::Exp(d, l));
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
struct reverse_kl_df {
    static constexpr double (*scalar)(double) = &reverse_kl::df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> u, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = hn::Not(hn::Gt(u, hn::Zero(d)));
        return hn::Div(C(d, -1.0), u);
    }
};
FDIV_SIMD_PURE(reverse_kl_f_logu, reverse_kl::f_logu, hn::Neg(x))
struct reverse_kl_df_logu {
    static constexpr double (*scalar)(double) = &reverse_kl::df_logu;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> r, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(r, -L::emax, L::emax);
        return hn::Neg(hn::Exp(d, hn::Neg(r)));
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
struct reverse_kl_inv_df {
    static constexpr double (*scalar)(double) = &reverse_kl::inv_df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = hn::Not(hn::Lt(t, hn::Zero(d)));
        return hn::Div(C(d, -1.0), t);
    }
};
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
// final formulas.  Each lane stops iterating when its step falls to the rounding level
// (L::tol relative; the scalar kernel asks for 4e-17, below one ulp, and may spend all its
// iterations on rounding noise): Halley's iteration is cubic and Newton's quadratic from the
// scalar kernel's starting points, so a handful of steps suffice; a lane that has not
// converged within the cap is recomputed by the scalar kernel.
template <class D>
struct jeffreys_out {
    hn::Vec<D> conj, inv, nlw;
    hn::Mask<D> unconverged;  // lanes left to the scalar kernel
};
template <class D>
HWY_INLINE jeffreys_out<D> jeffreys_solve_v(D d, hn::Vec<D> t) {
    FDIV_LANE_TYPES(D);
    V xh, xl;
    two_sum(C(d, 1.0), hn::Neg(t), xh, xl);
    const M mA = hn::Lt(xh, C(d, -40.0));
    const M mB = hn::And(hn::Ge(xh, C(d, -40.0)), hn::Lt(xh, C(d, -1.0)));
    const M mC = hn::Ge(xh, C(d, -1.0));
    jeffreys_out<D> o{hn::Zero(d), hn::Zero(d), hn::Zero(d), hn::Lt(t, t)};
    if (!hn::AllFalse(d, mA)) {
        // w = e^x to double precision; 1/w = e^{-x} (1 + w)
        const V w = exp_dd(xh, xl);
        const V rinv = hn::Mul(exp_dd(hn::Neg(xh), hn::Neg(xl)), hn::Add(C(d, 1.0), w));
        o.inv = hn::IfThenElse(mA, rinv, o.inv);
        o.conj = hn::IfThenElse(mA, hn::Add(rinv, hn::Add(hn::Sub(t, C(d, 2.0)), w)), o.conj);
        o.nlw = hn::IfThenElse(mA, hn::Add(hn::Sub(t, C(d, 1.0)), w), o.nlw);
    }
    if (!hn::AllFalse(d, mB)) {
        // w = W0(e^x), Halley on w e^w - z (lambert_w0_small)
        const V z = hn::IfThenElse(mB, exp_dd(xh, xl), C(d, 0.2));
        V w = select_forms(
            hn::Lt(z, C(d, 0.1)),
            [&] {
                return hn::Mul(
                    z, hn::Sub(C(d, 1.0), hn::Mul(z, hn::Sub(C(d, 1.0), hn::Mul(C(d, 1.5), z)))));
            },
            [&] {
                const V l = hn::Log1p(d, z);
                return hn::Mul(l,
                               hn::Sub(C(d, 1.0), hn::Div(hn::Log1p(d, l), hn::Add(C(d, 2.0), l))));
            });
        // each lane stops at its own convergence (its value never depends on the others);
        // lanes still moving after 8 steps go to the scalar kernel
        M active = mB;
        for (int i = 0; i < 8 && !hn::AllFalse(d, active); ++i) {
            const V ew = hn::Exp(d, w);
            const V res = fma(w, ew, hn::Neg(z));
            const V wp1 = hn::Add(w, C(d, 1.0));
            // res/(e^w (w + 1) - (w + 2) res/(2 (w + 1))) with one division
            const V num = hn::Mul(hn::Add(wp1, wp1), res);
            const V den = hn::Sub(hn::Mul(hn::Add(ew, ew), hn::Mul(wp1, wp1)),
                                  hn::Mul(hn::Add(w, C(d, 2.0)), res));
            const V step = hn::Div(num, den);
            const V wn = hn::Sub(w, step);
            w = hn::IfThenElse(active, wn, w);
            active = hn::And(active, hn::Gt(hn::Abs(step), hn::Mul(C(d, L::tol3), hn::Abs(wn))));
        }
        o.unconverged = hn::Or(o.unconverged, active);
        const V rinv = hn::Div(C(d, 1.0), w);
        o.inv = hn::IfThenElse(mB, rinv, o.inv);
        o.conj = hn::IfThenElse(mB, hn::Add(rinv, hn::Add(hn::Sub(t, C(d, 2.0)), w)), o.conj);
        o.nlw = hn::IfThenElse(mB, hn::Add(hn::Sub(t, C(d, 1.0)), w), o.nlw);
    }
    if (!hn::AllFalse(d, mC)) {
        // Newton on d = w - 1 solving d + log1p(d) = -t
        const V xc = hn::IfThenElse(mC, xh, C(d, 1.0));
        const V tc = hn::IfThenElse(mC, t, C(d, 0.0));
        const V h = hn::Sub(xc, C(d, 1.0));
        const V d_small = hn::Mul(
            h, hn::Add(C(d, 0.5),
                       hn::Mul(h, hn::Sub(C(d, 1.0 / 16.0), hn::Mul(h, C(d, 1.0 / 192.0))))));
        V dd = d_small;
        const M big = hn::Gt(xc, C(d, 3.0));
        if (!hn::AllFalse(d, big)) {
            const V lx = hn::Log(d, hn::IfThenElse(big, xc, C(d, 4.0)));
            const V d_big = hn::Sub(hn::Add(hn::Sub(xc, lx), hn::Div(lx, xc)), C(d, 1.0));
            dd = hn::IfThenElse(big, d_big, d_small);
        }
        // Halley's step (cubic; the scalar kernel uses Newton's): with g = d + log1p(d) + t and
        // a = 1 + d, g' = (1 + a)/a, g'' = -1/a^2, so 2 g g'/(2 g'^2 - g g'') =
        // 2 g a (1 + a)/(2 (1 + a)^2 + g): one division per step.
        // The last step of a lane is below tol3 relative, so log1p at its final d follows from
        // the log1p of its step, lg = log1p(d - D), by two Taylor terms:
        // log1p(d) = lg + D/a - D^2/(2 a^2), a = 1 + d - D, with an error of order D^3/a^3 <=
        // 1e-18 relative: one Log1p per lane less.
        M active = mC;
        V lg = hn::Zero(d), ap = C(d, 1.0), dlt = hn::Zero(d);
        for (int i = 0; i < 12 && !hn::AllFalse(d, active); ++i) {
            const V l1 = hn::Log1p(d, dd);
            const V res = hn::Add(hn::Add(dd, l1), tc);
            const V a = hn::Add(C(d, 1.0), dd);
            const V ap1 = hn::Add(C(d, 1.0), a);
            const V step = hn::Div(hn::Mul(hn::Add(res, res), hn::Mul(a, ap1)),
                                   hn::Add(hn::Mul(C(d, 2.0), hn::Mul(ap1, ap1)), res));
            const V dn = hn::Sub(dd, step);
            lg = hn::IfThenElse(active, l1, lg);
            ap = hn::IfThenElse(active, a, ap);
            dlt = hn::IfThenElse(active, hn::Sub(dn, dd), dlt);
            dd = hn::IfThenElse(active, dn, dd);
            active = hn::And(active, hn::Gt(hn::Abs(step), hn::Mul(C(d, L::tol3), hn::Abs(dn))));
        }
        o.unconverged = hn::Or(o.unconverged, active);
        const V dp1 = hn::Add(C(d, 1.0), dd);
        const V q = hn::Div(dlt, ap);
        const V nlw = hn::Neg(hn::Add(lg, hn::Mul(q, hn::Sub(C(d, 1.0), hn::Mul(C(d, 0.5), q)))));
        o.inv = hn::IfThenElse(mC, hn::Div(C(d, 1.0), dp1), o.inv);
        o.nlw = hn::IfThenElse(mC, nlw, o.nlw);
        o.conj = hn::IfThenElse(mC, hn::Add(hn::Div(hn::Neg(dd), dp1), nlw), o.conj);
    }
    return o;
}
// x = 1 - t >= -emax (exp_dd's range) and t >= -L::rbig (Halley's (1 + a)^2 stays finite)
struct jeffreys_conj {
    static constexpr double (*scalar)(double) = &jeffreys::conj;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(t, -L::rbig, L::emax);
        const jeffreys_out<D> o = jeffreys_solve_v(d, hn::IfThenElse(rare, C(d, 0.5), t));
        rare = hn::Or(rare, o.unconverged);
        return o.conj;
    }
};
struct jeffreys_inv_df {
    static constexpr double (*scalar)(double) = &jeffreys::inv_df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(t, -L::rbig, L::emax);
        const jeffreys_out<D> o = jeffreys_solve_v(d, hn::IfThenElse(rare, C(d, 0.5), t));
        rare = hn::Or(rare, o.unconverged);
        return o.inv;
    }
};
struct jeffreys_log_inv_df {
    static constexpr double (*scalar)(double) = &jeffreys::log_inv_df;
    static constexpr bool native32 = true;
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> t, hn::Mask<D>& rare) {
        FDIV_LANE_TYPES(D);
        rare = outside(t, -L::rbig, L::emax);
        const jeffreys_out<D> o = jeffreys_solve_v(d, hn::IfThenElse(rare, C(d, 0.5), t));
        rare = hn::Or(rare, o.unconverged);
        return o.nlw;
    }
};
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
