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

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {
namespace k {

// The two branches of a kernel: `lo_form` where `sel` holds, `hi_form` elsewhere, each
// evaluated only when some lane needs it.
template <class A, class B>
HWY_INLINE V64 select_forms(M64 sel, A lo_form, B hi_form) {
    const D64 d;
    if (hn::AllTrue(d, sel)) return lo_form();
    if (hn::AllFalse(d, sel)) return hi_form();
    return hn::IfThenElse(sel, lo_form(), hi_form());
}

// f(u) = -1/2 [u L((1-u)/(2u)) + L((u-1)/2)] for u >= 1e-300
struct js_f {
    static constexpr double (*scalar)(double) = &js::f;
    static V64 eval(D64, V64 u, M64& rare) {
        rare = outside(u, 1e-300, DBL_MAX);
        V64 a = hn::Mul(u, log1pmx(hn::Mul(C(0.5), hn::Div(hn::Sub(C(1.0), u), u))));
        return hn::Mul(C(-0.5), hn::Add(a, log1pmx(hn::Mul(C(0.5), hn::Sub(u, C(1.0))))));
    }
};
struct js_df {
    static constexpr double (*scalar)(double) = &js::df;
    static V64 eval(D64 d, V64 u, M64& rare) {
        rare = not_normal_pos(u);
        return select_forms(
            hn::Lt(u, C(1.0 / 3.0)),
            [&] {
                return hn::Mul(C(0.5), hn::Sub(hn::Log(d, hn::Mul(C(2.0), u)), hn::Log1p(d, u)));
            },
            [&] {
                return hn::Mul(C(-0.5),
                               hn::Log1p(d, hn::Mul(C(0.5), hn::Div(hn::Sub(C(1.0), u), u))));
            });
    }
};
struct js_f_logu {
    static constexpr double (*scalar)(double) = &js::f_logu;
    static V64 eval(D64 d, V64 r, M64& rare) {
        // |r| < 1e-150: f ~ r^2/8 underflows, and the sign of the zero is the scalar kernel's
        rare = hn::Or(outside(r, -700.0, 700.0), hn::Lt(hn::Abs(r), C(1e-150)));
        V64 er = hn::Exp(d, r);
        V64 a = select_forms(
            hn::Lt(r, C(-30.0)),
            [&] {
                V64 t = hn::Sub(hn::Sub(hn::Log1p(d, er), r), C(LN2_HI));
                return hn::Add(hn::Mul(er, t), hn::Mul(C(0.5), expm1(r)));
            },
            [&] { return hn::Mul(er, log1pmx(hn::Mul(C(0.5), expm1(hn::Neg(r))))); });
        V64 b = log1pmx(hn::Mul(C(0.5), expm1(r)));
        return hn::Mul(C(-0.5), hn::Add(a, b));
    }
};
struct js_df_logu {
    static constexpr double (*scalar)(double) = &js::df_logu;
    static V64 eval(D64 d, V64 r, M64& rare) {
        rare = outside(r, -700.0, 700.0);
        return select_forms(
            hn::Lt(r, C(-30.0)),
            [&] {
                V64 s = hn::Add(hn::Add(r, C(LN2_HI)), C(LN2_LO));
                return hn::Mul(C(0.5), hn::Sub(s, hn::Log1p(d, hn::Exp(d, r))));
            },
            [&] { return hn::Mul(C(-0.5), hn::Log1p(d, hn::Mul(C(0.5), expm1(hn::Neg(r))))); });
    }
};
struct js_activation : js_df_logu {
    static constexpr double (*scalar)(double) = &js::activation;
};
struct js_ratio_activation : js_df_logu {
    static constexpr double (*scalar)(double) = &js::ratio_activation;
};
FDIV_SIMD_PURE(js_log_ratio, js::log_ratio, x)
// a = log 2 - 2t from LN2_HI + LN2_LO; t > 1/2 log 2 (a <= 0) and t < -350 go scalar.
HWY_INLINE V64 js_a(V64 t) { return hn::Add(hn::Sub(C(LN2_HI), hn::Mul(C(2.0), t)), C(LN2_LO)); }
HWY_INLINE M64 js_rare(V64 t, V64 a) {
    return hn::Or(hn::Not(hn::Gt(a, hn::Zero(D64()))), outside(t, -350.0, 1.0));
}
struct js_conj {
    static constexpr double (*scalar)(double) = &js::conj;
    static V64 eval(D64 d, V64 t, M64& rare) {
        V64 a = js_a(t);
        rare = js_rare(t, a);
        return select_forms(
            hn::Lt(a, C(0.2)),
            [&] {
                V64 l1 = hn::Log(d, hn::Neg(expm1(hn::Neg(a))));  // log1mexp(a), a < log 2
                return hn::Mul(C(-0.5), hn::Add(hn::Add(C(LN2_HI), l1), C(LN2_LO)));
            },
            [&] { return hn::Mul(C(-0.5), hn::Log1p(d, hn::Neg(expm1(hn::Mul(C(2.0), t))))); });
    }
};
struct js_inv_df {
    static constexpr double (*scalar)(double) = &js::inv_df;
    static V64 eval(D64 d, V64 t, M64& rare) {
        V64 a = js_a(t);
        rare = js_rare(t, a);
        return select_forms(
            hn::Lt(t, hn::Zero(d)),
            [&] {
                V64 e = hn::Exp(d, hn::Mul(C(2.0), t));
                return hn::Div(e, hn::Sub(C(2.0), e));
            },
            [&] { return hn::Div(C(1.0), expm1(a)); });
    }
};
struct js_log_inv_df {
    static constexpr double (*scalar)(double) = &js::log_inv_df;
    static V64 eval(D64 d, V64 t, M64& rare) {
        V64 a = js_a(t);
        rare = js_rare(t, a);
        return select_forms(
            hn::Lt(a, C(0.5)), [&] { return hn::Neg(hn::Log(d, expm1(a))); },
            [&] {
                V64 t2 = hn::Mul(C(2.0), t);
                return hn::Sub(t2, hn::Log1p(d, hn::Neg(expm1(t2))));
            });
    }
};
// -1/2 log((1 + u)/2)
HWY_INLINE V64 js_half_log_mean(D64 d, V64 l) {
    return select_forms(
        hn::Gt(l, C(30.0)),
        [&] {
            V64 s = hn::Sub(hn::Sub(l, C(LN2_HI)), C(LN2_LO));
            return hn::Add(s, hn::Log1p(d, hn::Exp(d, hn::Neg(l))));
        },
        [&] { return hn::Log1p(d, hn::Mul(C(0.5), expm1(l))); });
}
struct js_objective_logu {
    static constexpr double (*scalar)(double) = &js::objective_logu;
    static V64 eval(D64 d, V64 l, M64& rare) {
        rare = outside(l, -700.0, 700.0);
        return hn::Mul(C(-0.5), js_half_log_mean(d, l));
    }
};

// gan
struct gan_f {
    static constexpr double (*scalar)(double) = &gan::f;
    static V64 eval(D64 d, V64 u, M64& rare) {
        rare = not_normal_pos(u);
        V64 a = select_forms(
            hn::Lt(u, C(1.0)), [&] { return hn::Mul(u, hn::Sub(hn::Log1p(d, u), hn::Log(d, u))); },
            [&] { return hn::Mul(u, hn::Log1p(d, hn::Div(C(1.0), u))); });
        return hn::Sub(hn::Neg(a), hn::Log1p(d, u));
    }
};
struct gan_df {
    static constexpr double (*scalar)(double) = &gan::df;
    static V64 eval(D64 d, V64 u, M64& rare) {
        rare = not_normal_pos(u);
        return select_forms(
            hn::Lt(u, C(1.0)), [&] { return hn::Sub(hn::Log(d, u), hn::Log1p(d, u)); },
            [&] { return hn::Neg(hn::Log1p(d, hn::Div(C(1.0), u))); });
    }
};
struct gan_f_logu {
    static constexpr double (*scalar)(double) = &gan::f_logu;
    static V64 eval(D64 d, V64 r, M64& rare) {
        rare = outside(r, -700.0, 700.0);
        V64 a = select_forms(
            hn::Gt(r, hn::Zero(d)),
            [&] {
                V64 x = hn::Exp(d, hn::Neg(r));  // > 0 for r <= 700
                return hn::Div(hn::Log1p(d, x), x);
            },
            [&] { return hn::Mul(hn::Exp(d, r), softplus(hn::Neg(r))); });
        return hn::Sub(hn::Neg(a), softplus(r));
    }
};
// -softplus(-v) <= -e^-700 < 0 on |v| <= 700: the activations need no step inside.
struct gan_df_logu {
    static constexpr double (*scalar)(double) = &gan::df_logu;
    static V64 eval(D64, V64 r, M64& rare) {
        rare = outside(r, -700.0, 700.0);
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
    static V64 eval(D64 d, V64 t, M64& rare) {
        rare = outside(t, -700.0, -DBL_MIN);
        V64 a = hn::Neg(t);
        // -log1mexp(a)
        return select_forms(
            hn::Le(a, C(LN2_HI)), [&] { return hn::Neg(hn::Log(d, hn::Neg(expm1(t)))); },
            [&] { return hn::Neg(hn::Log1p(d, hn::Neg(hn::Exp(d, t)))); });
    }
};
struct gan_inv_df {
    static constexpr double (*scalar)(double) = &gan::inv_df;
    static V64 eval(D64 d, V64 t, M64& rare) {
        rare = outside(t, -700.0, -DBL_MIN);
        return hn::Div(hn::Exp(d, t), hn::Neg(expm1(t)));
    }
};
struct gan_log_inv_df {
    static constexpr double (*scalar)(double) = &gan::log_inv_df;
    static V64 eval(D64 d, V64 t, M64& rare) {
        rare = outside(t, -700.0, -DBL_MIN);
        return hn::Sub(t, hn::Log(d, hn::Neg(expm1(t))));
    }
};
FDIV_SIMD_RANGE(gan_objective_logu, gan::objective_logu, -700.0, 700.0, hn::Neg(softplus(x)))

// softened generator objectives
FDIV_SIMD_RANGE(softened_reverse_kl_objective_logu, softened_reverse_kl::objective_logu, -700.0,
                700.0, hn::Sub(hn::Add(softplus(hn::Neg(x)), C(1.0 - LN2_HI)), C(LN2_LO)))
FDIV_SIMD_RANGE(softened_kl_objective_logu, softened_kl::objective_logu, -700.0, 700.0,
                hn::Sub(js_half_log_mean(d, x), hn::Exp(d, x)))

// srkl_solve (lambert.h) in vector form: s > 0 with log1pmx(s) = -delta, delta = -(t + log 2)
// from the TwoSum, by the same Newton iteration from the same starting points.  Each lane stops
// when its step falls to the rounding level (4e-16 relative, where the scalar kernel asks for
// 4e-17 and may spend its 40 steps on rounding noise); lanes at or beyond the boundary
// (delta <= 0), far from it (delta > 1e3: the scalar contraction) or not converged within 16
// steps go to the scalar kernel.
HWY_INLINE V64 srkl_solve_v(D64 d, V64 t, M64& rare) {
    V64 sh, se;
    two_sum(t, C(LN2_HI), sh, se);
    V64 delta = hn::Neg(hn::Add(sh, hn::Add(se, C(LN2_LO))));
    rare = hn::Or(rare, outside(delta, DBL_MIN, 1e3));
    delta = hn::IfThenElse(rare, C(1.0), delta);
    const V64 s_small = hn::Add(hn::Sqrt(hn::Add(delta, delta)), hn::Mul(C(2.0 / 3.0), delta));
    const V64 s_big = hn::Add(delta, hn::Log1p(d, delta));
    V64 s = hn::IfThenElse(hn::Lt(delta, C(1.0)), s_small, s_big);
    M64 active = hn::Not(rare);
    for (int i = 0; i < 16 && !hn::AllFalse(d, active); ++i) {
        const V64 res = hn::Add(log1pmx(s), delta);
        const V64 step = hn::Div(hn::Mul(res, hn::Add(C(1.0), s)), s);
        V64 sn = hn::Add(s, step);
        sn = hn::IfThenElse(hn::Le(sn, hn::Zero(d)), hn::Mul(C(0.5), s), sn);
        const M64 moving = hn::Gt(hn::Abs(hn::Sub(sn, s)), hn::Mul(C(4e-16), sn));
        s = hn::IfThenElse(active, sn, s);
        active = hn::And(active, moving);
    }
    rare = hn::Or(rare, active);
    return s;
}
struct softened_reverse_kl_conj {
    static constexpr double (*scalar)(double) = &softened_reverse_kl::conj;
    static V64 eval(D64 d, V64 t, M64& rare) {
        rare = outside(t, -DBL_MAX, DBL_MAX);
        const V64 s = srkl_solve_v(d, t, rare);
        return hn::Add(hn::Sub(C(LN2_HI - 1.0), hn::Log1p(d, s)), C(LN2_LO));
    }
};
struct softened_reverse_kl_inv_df {
    static constexpr double (*scalar)(double) = &softened_reverse_kl::inv_df;
    static V64 eval(D64 d, V64 t, M64& rare) {
        rare = outside(t, -DBL_MAX, DBL_MAX);
        return hn::Div(C(1.0), srkl_solve_v(d, t, rare));
    }
};
struct softened_reverse_kl_log_inv_df {
    static constexpr double (*scalar)(double) = &softened_reverse_kl::log_inv_df;
    static V64 eval(D64 d, V64 t, M64& rare) {
        rare = outside(t, -DBL_MAX, DBL_MAX);
        return hn::Neg(hn::Log(d, srkl_solve_v(d, t, rare)));
    }
};

// softened_kl
FDIV_SIMD_RANGE(softened_kl_f, softened_kl::f, 0.0, DBL_MAX,
                hn::Mul(hn::Add(C(1.0), x), hn::Log1p(d, hn::Mul(C(0.5), hn::Sub(x, C(1.0))))))
FDIV_SIMD_RANGE(softened_kl_df, softened_kl::df, 0.0, DBL_MAX,
                hn::Add(C(1.0), hn::Log1p(d, hn::Mul(C(0.5), hn::Sub(x, C(1.0))))))
FDIV_SIMD_RANGE(softened_kl_f_logu, softened_kl::f_logu, -700.0, 700.0,
                hn::Mul(hn::Add(C(1.0), hn::Exp(d, x)), hn::Log1p(d, hn::Mul(C(0.5), expm1(x)))))
// 1 + log((1 + e^r)/2)
FDIV_SIMD_RANGE(softened_kl_df_logu, softened_kl::df_logu, -700.0, 700.0,
                hn::Add(C(1.0), js_half_log_mean(d, x)))
FDIV_SIMD_RANGE(softened_kl_activation, softened_kl::activation, -700.0, 700.0,
                hn::Add(C(1.0), js_half_log_mean(d, x)))
FDIV_SIMD_RANGE(softened_kl_ratio_activation, softened_kl::ratio_activation, -700.0, 700.0,
                hn::Add(C(1.0), js_half_log_mean(d, x)))
FDIV_SIMD_PURE(softened_kl_log_ratio, softened_kl::log_ratio, x)
// a = t - (1 - log 2) (1 - LN2_HI is exact); 2 e^{t-1} with t - 1 carried by TwoSum
HWY_INLINE V64 softened_kl_a(V64 t) { return hn::Add(hn::Sub(t, C(1.0 - LN2_HI)), C(LN2_LO)); }
HWY_INLINE V64 two_exp_tm1(V64 t, V64 c) {  // fma(2, e^{t-1}, c)
    V64 sh, se;
    two_sum(t, C(-1.0), sh, se);
    return fma(C(2.0), exp_dd(sh, se), c);
}
struct softened_kl_conj {
    static constexpr double (*scalar)(double) = &softened_kl::conj;
    static V64 eval(D64, V64 t, M64& rare) {
        rare = outside(t, -DBL_MAX, 700.0);
        const V64 a = softened_kl_a(t);
        return hn::IfThenElse(hn::Le(a, hn::Zero(D64())), C(LN2_HI + LN2_LO),
                              two_exp_tm1(t, hn::Neg(t)));
    }
};
struct softened_kl_inv_df {
    static constexpr double (*scalar)(double) = &softened_kl::inv_df;
    static V64 eval(D64 d, V64 t, M64& rare) {
        rare = outside(t, -DBL_MAX, 700.0);
        const V64 a = softened_kl_a(t);
        const V64 v = select_forms(
            hn::Lt(a, C(1.0)), [&] { return expm1(hn::IfThenElse(hn::Lt(a, C(1.0)), a, C(0.5))); },
            [&] { return two_exp_tm1(t, C(-1.0)); });
        return hn::IfThenElse(hn::Le(a, hn::Zero(d)), hn::Zero(d), v);
    }
};

// softened_reverse_kl: log((1 + u)/(2u)) (the lg of softened.h)
HWY_INLINE V64 srkl_lg(D64 d, V64 u) {
    return select_forms(
        hn::Lt(u, C(1.0 / 3.0)),
        [&] { return hn::Sub(hn::Log1p(d, u), hn::Log(d, hn::Mul(C(2.0), u))); },
        [&] { return hn::Log1p(d, hn::Mul(C(0.5), hn::Div(hn::Sub(C(1.0), u), u))); });
}
// log((1 + e^r)/(2 e^r)) (lg_r), |r| <= 700
HWY_INLINE V64 srkl_lg_r(D64 d, V64 r) {
    return select_forms(
        hn::Lt(r, C(-30.0)),
        [&] {
            V64 v = hn::Sub(hn::Log1p(d, hn::Exp(d, r)), r);
            return hn::Sub(hn::Sub(v, C(LN2_HI)), C(LN2_LO));
        },
        [&] { return hn::Log1p(d, hn::Mul(C(0.5), expm1(hn::Neg(r)))); });
}
FDIV_SIMD_RANGE(softened_reverse_kl_f, softened_reverse_kl::f, DBL_MIN, DBL_MAX,
                hn::Mul(hn::Add(C(1.0), x), srkl_lg(d, x)))
FDIV_SIMD_RANGE(softened_reverse_kl_df, softened_reverse_kl::df, DBL_MIN, DBL_MAX,
                hn::Sub(srkl_lg(d, x), hn::Div(C(1.0), x)))
FDIV_SIMD_RANGE(softened_reverse_kl_f_logu, softened_reverse_kl::f_logu, -700.0, 700.0,
                hn::Mul(hn::Add(C(1.0), hn::Exp(d, x)), srkl_lg_r(d, x)))
// (softened_reverse_kl df_logu stays scalar: its ratio activation, a scalar step inside dom f*,
// must equal it bitwise wherever that value lies inside.)

// js_weighted(pi)
struct js_weighted_objective_logu {
    static constexpr double (*scalar)(double, double) = &js_weighted::objective_logu;
    static bool bad(double pi) { return js_weighted::bad(pi); }
    static V64 eval(D64 d, V64 l, M64& rare, double pi) {
        rare = outside(l, -700.0, 700.0);
        const double q = 1.0 - pi;
        const double lp = std::log(pi);
        // the scalar kernel's other forms run there: pi below e^-20 with l > 30; pi > 0.9 with
        // pi expm1(l) < -0.9, which needs l < log(0.1) (marked from l < -2)
        if (lp < -20.0) rare = hn::Or(rare, hn::Gt(l, C(30.0)));
        if (pi > 0.9) rare = hn::Or(rare, hn::Lt(l, C(-2.0)));
        V64 logm = select_forms(
            hn::Gt(l, C(30.0)),
            [&] {
                V64 x = hn::Div(hn::Mul(C(q), hn::Exp(d, hn::Neg(l))), C(pi));
                return hn::Add(hn::Add(l, C(lp)), hn::Log1p(d, x));
            },
            [&] { return hn::Log1p(d, hn::Mul(C(pi), expm1(l))); });
        return hn::Mul(C(-q), logm);
    }
};

}  // namespace k
}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_JS_INL_H_
