// Vector kernels of js.h's weighted Jensen-Shannon family js_weighted(pi) (f, f', f*, (f')^-1
// and the activation; the generator objective is in js-inl.h), conventions of common-inl.h.
// The terms are carried in double-double (dd-inl.h) and rounded once, on pi in
// [1e-6, 1 - 1e-6] (jsw_vec_ok): every other pi runs the scalar kernel for the whole call, whose
// binary128 and long double forms handle the tiny pi and pi next to 1.
#if defined(FDIV_SIMD_JSW_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef FDIV_SIMD_JSW_INL_H_
#undef FDIV_SIMD_JSW_INL_H_
#else
#define FDIV_SIMD_JSW_INL_H_
#endif

#include "fdiv/js.h"
#include "simd/common-inl.h"
#include "simd/dd-inl.h"

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {
namespace k {

HWY_INLINE bool jsw_vec_bad(double pi) {
    return js_weighted::bad(pi) || !(pi >= 1e-6 && pi <= 1.0 - 1e-6);
}
// The parameter's derived constants, formed once per value (per thread) instead of per vector.
struct jsw_param {
    double pi;
    double qh, ql;        // 1 - pi
    double rqh, rql;      // 1/(1 - pi)
    double rph, rpl;      // 1/pi
    double bh, bl;        // the boundary -pi log pi
    double ycut;          // -log(1 - (1 - pi)/2)
    double lp;            // log pi
    dd::softplus_zero z;  // the zero of the activation
};
HWY_INLINE const jsw_param& jsw_par(double pi) {
    static thread_local jsw_param c;
    if (!(c.pi == pi)) {
        fdv::two_sum(1.0, -pi, c.qh, c.ql);
        c.rqh = 1.0 / c.qh;
        c.rql = (std::fma(-c.rqh, c.qh, 1.0) - c.rqh * c.ql) / c.qh;
        c.rph = 1.0 / pi;
        c.rpl = std::fma(-c.rph, pi, 1.0) / pi;
        js_weighted::boundary(pi, c.bh, c.bl);
        c.ycut = -std::log1p(-0.5 * (1.0 - pi));
        c.lp = std::log(pi);
        c.z = dd::make_softplus_zero(c.bh, c.bl);
        c.pi = pi;
    }
    return c;
}
// 1 - pi in dd
HWY_INLINE dd::V2 jsw_q(double pi) {
    const jsw_param& P = jsw_par(pi);
    return {C(P.qh), C(P.ql)};
}
// lanes whose value is not finite go to the scalar kernel
HWY_INLINE M64 jsw_not_finite(V64 y) { return hn::Not(hn::Lt(hn::Abs(y), C(HUGE_VAL))); }

// f'(u) = pi log(u/m), m = pi u + 1 - pi: m and u/m in dd, so the log keeps its relative
// accuracy through u = 1.
struct js_weighted_df {
    static constexpr double (*scalar)(double, double) = &js_weighted::df;
    static bool bad(double pi) { return jsw_vec_bad(pi); }
    static constexpr int lockstep = 4;
    template <int K>
    HWY_INLINE static void evalk(const V64* u, V64* res, M64* rare, double pi) {
        const D64 d;
        const dd::V2 q = jsw_q(pi);
        dd::V2 x[K];
        FDIV_EACH(k, K) {
            rare[k] = outside(u[k], 1e-290, 1e300);
            const V64 uc = hn::IfThenElse(rare[k], C(1.0), u[k]);
            const dd::V2 m = dd::add(dd::two_prod(C(pi), uc), q);
            x[k] = dd::div(dd::V2{uc, hn::Zero(d)}, m);
        }
        FDIV_EACH(k, K) x[k] = dd::log(x[k]);
        FDIV_EACH(k, K) {
            res[k] = dd::round(dd::mul_d(x[k], C(pi)));
            rare[k] = hn::Or(rare[k], hn::Eq(res[k], hn::Zero(d)));  // u = 1: the scalar's -0
        }
    }
    // float32: log1p(y), y = u/m - 1 = (1 - pi)(u - 1)/m, where u/m >= 1/2 (condition <= 1.5),
    // log(u/m) below; plain double.
    HWY_INLINE static V64 eval32(D64 d, V64 u, M64& rare, double pi) {
        const jsw_param& P = jsw_par(pi);
        rare = outside(u, 1e-290, 1e300);
        const V64 uc = hn::IfThenElse(rare, C(1.0), u);
        const V64 rm = hn::Div(C(1.0), hn::MulAdd(C(pi), uc, C(P.qh)));
        const V64 y = hn::Mul(hn::Mul(C(P.qh), hn::Sub(uc, C(1.0))), rm);
        const M64 lo = hn::Lt(y, C(-0.5));
        V64 l = hn::Log1p(d, hn::IfThenZeroElse(lo, y));
        if (HWY_UNLIKELY(!hn::AllFalse(d, lo)))
            l = hn::IfThenElse(lo, hn::Log(d, hn::IfThenElse(lo, hn::Mul(uc, rm), C(1.0))), l);
        const V64 res = hn::Mul(C(pi), l);
        rare = hn::Or(rare, hn::Eq(res, hn::Zero(d)));
        return res;
    }
};

// L(y) = log1p(y) - y for a dd y with |y| <= 1/3: with z = y/(2 + y) (|z| <= 1/5),
//   L = -y z + z^3 sum_j 2 z^(2j)/(2j + 3),
// y z in dd and the sum (< |z|/3 of L) in double: relative error ~2^-57.
HWY_INLINE dd::V2 jsw_log1pmx(dd::V2 y) {
    const dd::V2 z = dd::div(y, dd::add_d(y, C(2.0)));
    const V64 w = hn::Mul(z.hi, z.hi);
    V64 R = C(2.0 / 25);
    for (int j = 10; j >= 0; --j) R = hn::MulAdd(R, w, C(2.0 / (2 * j + 3)));
    return dd::add_d(dd::neg(dd::mul(y, z)), hn::Mul(hn::Mul(z.hi, w), R));
}

// f = -(pi u log(m/u) + (1-pi) log m), m = pi u + 1 - pi, from u and u - 1 in dd.
// Near u = 1 (`near`: |u - 1| < 1/4) the two terms cancel to second order; there
//   f = -pi u L((1-pi)(1/u - 1)) - (1-pi) L(pi (u - 1)),
// a sum of two non-negative terms.  Elsewhere the direct form cancels at most a factor 8, and
// its logs (of dd m and m/u) keep ~2^-63.
// (K vectors in lockstep: see common-inl.h's lockstep)
template <int K>
HWY_INLINE void jsw_f_core(const dd::V2* u, const dd::V2* um1, const M64* near, double pi,
                           V64* res) {
    const D64 d;
    const jsw_param& P = jsw_par(pi);
    const dd::V2 Q{C(P.qh), C(P.ql)};
    dd::V2 pu[K];
    V64 res_near[K], res_far[K];
    bool any_near = false, all_near = true;
    FDIV_EACH(k, K) {
        pu[k] = dd::mul_d(u[k], C(pi));
        res_near[k] = res_far[k] = hn::Zero(d);
        any_near = any_near || !hn::AllFalse(d, near[k]);
        all_near = all_near && hn::AllTrue(d, near[k]);
    }
    if (any_near) {
        dd::V2 L1[K], L2[K];
        FDIV_EACH(k, K) {
            // 1/u - 1 (its division only where a lane is near)
            const dd::V2 vm1 = dd::div(dd::neg(um1[k]), u[k]);
            const dd::V2 y1 = dd::mul(vm1, Q), y2 = dd::mul_d(um1[k], C(pi));
            // keep the far lanes' arguments inside the series' range
            L1[k] = {hn::IfThenElseZero(near[k], y1.hi), hn::IfThenElseZero(near[k], y1.lo)};
            L2[k] = {hn::IfThenElseZero(near[k], y2.hi), hn::IfThenElseZero(near[k], y2.lo)};
        }
        FDIV_EACH(k, K) L1[k] = jsw_log1pmx(L1[k]);
        FDIV_EACH(k, K) L2[k] = jsw_log1pmx(L2[k]);
        FDIV_EACH(k, K) { res_near[k] = hn::Neg(dd::dot2(pu[k], L1[k], Q, L2[k])); }
    }
    if (!all_near) {
        dd::V2 m[K], L1[K], L2[K];
        FDIV_EACH(k, K) {
            m[k] = dd::add(pu[k], Q);
            L1[k] = dd::div_r(m[k], u[k]);  // (|log(m/u)| > 2^-25 here)
        }
        FDIV_EACH(k, K) L1[k] = dd::log(L1[k]);
        FDIV_EACH(k, K) L2[k] = dd::log(m[k]);
        FDIV_EACH(k, K) { res_far[k] = hn::Neg(dd::dot2(pu[k], L1[k], Q, L2[k])); }
    }
    FDIV_EACH(k, K) res[k] = hn::IfThenElse(near[k], res_near[k], res_far[k]);
}

// jsw_f_core's forms in plain double (float32): near u = 1 the two log1pmx terms (no
// cancellation), elsewhere the direct form (cancelling at most a factor 8).
HWY_INLINE V64 jsw_f_core32(V64 u, V64 um1, V64 vm1, M64 near, double pi) {
    const D64 d;
    const jsw_param& P = jsw_par(pi);
    const V64 Q = C(P.qh), pu = hn::Mul(u, C(pi));
    V64 res_near = hn::Zero(d), res_far = hn::Zero(d);
    if (!hn::AllFalse(d, near)) {
        const V64 y1 = hn::IfThenElseZero(near, hn::Mul(vm1, Q));
        const V64 y2 = hn::IfThenElseZero(near, hn::Mul(um1, C(pi)));
        res_near = hn::Neg(hn::MulAdd(pu, log1pmx(y1), hn::Mul(Q, log1pmx(y2))));
    }
    if (!hn::AllTrue(d, near)) {
        const V64 m = hn::Add(pu, Q);
        const V64 lm = hn::Log(d, m), lmu = hn::Log(d, hn::Div(m, u));
        res_far = hn::Neg(hn::MulAdd(pu, lmu, hn::Mul(Q, lm)));
    }
    return hn::IfThenElse(near, res_near, res_far);
}

struct js_weighted_f {
    static constexpr double (*scalar)(double, double) = &js_weighted::f;
    static bool bad(double pi) { return jsw_vec_bad(pi); }
    static constexpr int lockstep = 4;
    template <int K>
    HWY_INLINE static void evalk(const V64* u, V64* res, M64* rare, double pi) {
        const D64 d;
        dd::V2 U[K], um1[K];
        M64 near[K];
        FDIV_EACH(k, K) {
            rare[k] = outside(u[k], 1e-280, 1e280);
            U[k] = {hn::IfThenElse(rare[k], C(1.0), u[k]), hn::Zero(d)};
            um1[k] = dd::two_sum(U[k].hi, C(-1.0));
            near[k] = hn::Lt(hn::Abs(um1[k].hi), C(0.25));
        }
        jsw_f_core<K>(U, um1, near, pi, res);
        // u = 1: the scalar's signed zero
        FDIV_EACH(k, K) rare[k] = hn::Or(rare[k], hn::Eq(res[k], hn::Zero(d)));
    }
    HWY_INLINE static V64 eval32(D64 d, V64 u, M64& rare, double pi) {
        rare = outside(u, 1e-280, 1e280);
        const V64 uc = hn::IfThenElse(rare, C(1.0), u);
        const V64 um1 = hn::Sub(uc, C(1.0));
        const V64 vm1 = hn::Div(hn::Neg(um1), uc);
        const M64 near = hn::Lt(hn::Abs(um1), C(0.25));
        const V64 res = jsw_f_core32(uc, um1, vm1, near, pi);
        rare = hn::Or(rare, hn::Eq(res, hn::Zero(d)));
        return res;
    }
};

struct js_weighted_f_logu {
    static constexpr double (*scalar)(double, double) = &js_weighted::f_logu;
    static bool bad(double pi) { return jsw_vec_bad(pi); }
    static constexpr int lockstep = 4;
    template <int K>
    HWY_INLINE static void evalk(const V64* r, V64* res, M64* rare, double pi) {
        const D64 d;
        dd::V2 u[K], um1[K];
        M64 near[K];
        V64 rc[K];
        FDIV_EACH(k, K) {
            rare[k] = outside(hn::Abs(r[k]), 1e-100, 600.0);
            rc[k] = hn::IfThenElse(rare[k], C(1.0), r[k]);
            near[k] = hn::Lt(hn::Abs(rc[k]), C(0.22));
        }
        FDIV_EACH(k, K) {
            const dd::ExpT ex = dd::exp_t(rc[k], hn::Zero(d));
            u[k] = dd::exp_from(ex);
            um1[k] = dd::expm1_from(ex, rc[k], hn::Zero(d));
        }
        jsw_f_core<K>(u, um1, near, pi, res);
        FDIV_EACH(k, K) {
            rare[k] = hn::Or(rare[k], hn::Not(hn::Gt(res[k], hn::Zero(d))));
            rare[k] = hn::Or(rare[k], hn::Not(hn::Lt(res[k], C(DBL_MAX))));
        }
    }
    HWY_INLINE static V64 eval32(D64 d, V64 r, M64& rare, double pi) {
        rare = outside(hn::Abs(r), 1e-100, 600.0);
        const V64 rc = hn::IfThenElse(rare, C(1.0), r);
        V64 u;
        const V64 um1 = expm1_exp(rc, &u);
        const V64 vm1 = hn::Div(hn::Neg(um1), u);
        const M64 near = hn::Lt(hn::Abs(rc), C(0.22));
        const V64 res = jsw_f_core32(u, um1, vm1, near, pi);
        rare = hn::Or(rare, hn::Not(hn::Gt(res, hn::Zero(d))));
        rare = hn::Or(rare, hn::Not(hn::Lt(res, C(DBL_MAX))));
        return res;
    }
};

// The two sides of dom f* (t < B = -pi log pi, the boundary in dd from the scalar kernel's
// binary128 value): with y = (B - t)/pi, pi e^{t/pi} = e^{-y}.  Near the boundary (y < ycut)
// the forms use expm1(y) or expm1(-y) of the dd y; elsewhere e^{+-t/pi} of the dd +-t/pi (one
// TwoProd, the low part unnormalised: below 2^-52 of the high one).  One reduction serves both:
// arg = -y or y near, +-t/pi elsewhere.  The side comes from t > B - ycut pi in plain double (y
// within a rounding of ycut: both forms hold there), and the dd y is formed only for blocks that
// hold a near lane.  Adds to rare the near lanes outside dom f* or on its boundary (scalar:
// +inf) and |arg| > 700 (NaN included); their arg is garbage that nobody reads.  Returns whether
// some lane is near.
template <int K>
HWY_INLINE bool jsw_sides(const V64* t, double pi, double ycut, bool neg_far, bool neg_y, M64* near,
                          dd::V2* arg, M64* rare) {
    const D64 d;
    const jsw_param& P = jsw_par(pi);
    const V64 cut = C(P.bh - ycut * pi);
    const V64 sh = C(neg_far ? -P.rph : P.rph), sl = C(neg_far ? -P.rpl : P.rpl);
    bool any_near = false;
    FDIV_EACH(k, K) {
        near[k] = hn::Gt(t[k], cut);
        any_near = any_near || !hn::AllFalse(d, near[k]);
        const dd::V2 p = dd::two_prod(sh, t[k]);
        arg[k] = {p.hi, fma(sl, t[k], p.lo)};
    }
    if (any_near) {
        const dd::V2 rp{C(P.rph), C(P.rpl)};
        FDIV_EACH(k, K) {
            dd::V2 a = dd::two_sum(C(P.bh), hn::Neg(t[k]));
            a = dd::fast_two_sum(a.hi, hn::Add(a.lo, C(P.bl)));
            dd::V2 y = dd::mul(a, rp);
            rare[k] = hn::Or(rare[k], hn::AndNot(hn::Gt(y.hi, C(0.0)), near[k]));
            if (neg_y) y = dd::neg(y);
            arg[k] = {hn::IfThenElse(near[k], y.hi, arg[k].hi),
                      hn::IfThenElse(near[k], y.lo, arg[k].lo)};
        }
    }
    FDIV_EACH(k, K) rare[k] = hn::Or(rare[k], hn::Not(hn::Le(hn::Abs(arg[k].hi), C(700.0))));
    return any_near;
}

// jsw_split in plain double (float32): y = (B - t)/pi, B - t exact where t is within a factor 2
// of B (Sterbenz) and rounded once elsewhere; arg = -y or y near, t/pi elsewhere.
struct jsw_side32 {
    M64 near;
    V64 arg;
};
HWY_INLINE jsw_side32 jsw_split32(V64 t, double pi, bool neg_y, double ycut, M64& rare) {
    const jsw_param& P = jsw_par(pi);
    const V64 y = hn::Mul(hn::Add(hn::Sub(C(P.bh), t), C(P.bl)), C(P.rph));
    jsw_side32 s;
    s.near = hn::Lt(y, C(ycut));
    s.arg = hn::IfThenElse(s.near, neg_y ? hn::Neg(y) : y, hn::Mul(t, C(P.rph)));
    rare = hn::Or(rare, hn::Not(hn::Gt(y, C(0.0))));
    rare = hn::Or(rare, outside(hn::Abs(s.arg), 1e-300, 700.0));
    s.arg = hn::IfThenElse(rare, C(1.0), s.arg);
    return s;
}

// f*(t) = -(1-pi) log z, z = 1 - pi expm1(t/pi)/(1-pi), or z = -expm1(-y)/(1-pi) where
// z < 1/2 (y < -log(1 - (1-pi)/2)): each form keeps z - 1 or z to ~2^-56 of itself where
// log z needs it.
struct js_weighted_conj {
    static constexpr double (*scalar)(double, double) = &js_weighted::conj;
    static bool bad(double pi) { return jsw_vec_bad(pi); }
    static constexpr int lockstep = 4;
    template <int K>
    HWY_INLINE static void evalk(const V64* t, V64* res, M64* rare, double pi) {
        const jsw_param& P = jsw_par(pi);
        const dd::V2 q = jsw_q(pi);
        const dd::V2 rq{C(P.rqh), C(P.rql)};
        const dd::V2 rqp = dd::mul_d(rq, C(-pi));
        M64 near[K];
        dd::V2 z[K];
        FDIV_EACH(k, K) rare[k] = outside(hn::Abs(t[k]), DBL_MIN, DBL_MAX);
        const bool any_near = jsw_sides<K>(t, pi, P.ycut, false, true, near, z, rare);
        FDIV_EACH(k, K) z[k] = dd::expm1_x(z[k].hi, z[k].lo);
        FDIV_EACH(k, K) {
            dd::V2 zk = dd::add_d(dd::mul(z[k], rqp), C(1.0));
            if (any_near) {
                const dd::V2 z_near = dd::mul(dd::neg(z[k]), rq);
                zk = {hn::IfThenElse(near[k], z_near.hi, zk.hi),
                      hn::IfThenElse(near[k], z_near.lo, zk.lo)};
            }
            z[k] = zk;
            rare[k] = hn::Or(rare[k], outside(z[k].hi, 1e-300, 1e300));
            z[k] = {hn::IfThenElse(rare[k], C(1.0), z[k].hi), hn::IfThenZeroElse(rare[k], z[k].lo)};
        }
        FDIV_EACH(k, K) z[k] = dd::log(z[k]);
        FDIV_EACH(k, K) res[k] = dd::round(dd::neg(dd::mul(z[k], q)));
    }
    // float32: near, log z of z = -expm1(-y)/(1-pi) < 1/2; elsewhere log1p(-w) of
    // w = pi expm1(t/pi)/(1-pi) <= 1/2 (condition <= 1.5 either way).
    HWY_INLINE static V64 eval32(D64 d, V64 t, M64& rare, double pi) {
        const jsw_param& P = jsw_par(pi);
        rare = outside(hn::Abs(t), DBL_MIN, DBL_MAX);
        const jsw_side32 s = jsw_split32(t, pi, true, P.ycut, rare);
        const V64 em = expm1(s.arg);
        const V64 lz_far = hn::Log1p(d, hn::Mul(em, C(-pi * P.rqh)));
        V64 lz = lz_far;
        if (!hn::AllFalse(d, s.near)) {
            const V64 z = hn::IfThenElse(s.near, hn::Mul(hn::Neg(em), C(P.rqh)), C(1.0));
            rare = hn::Or(rare, hn::And(s.near, hn::Lt(z, C(1e-300))));
            lz = hn::IfThenElse(s.near, hn::Log(d, hn::Max(z, C(1e-300))), lz_far);
        }
        return hn::Mul(C(-P.qh), lz);
    }
};

// (f')^-1(t) = (1-pi)/(e^{-t/pi} - pi), where e^{-t/pi} = pi e^y >= e pi (y = (B - t)/pi >= 1:
// the subtraction cancels at most e/(e - 1)), and ((1-pi)/pi)/expm1(y) near the boundary
// (y < 1).  The exponent -t/pi or y is a dd, so is the denominator (dd::exp_t, ~2^-62); the
// quotient n/d of the dd numerator and denominator is rounded once: f0 = nh/dh, then
// f0 + (nh - f0 dh + nl - f0 dl) f0/nh (the residual exact by FMA).  Which side a lane is on
// comes from y in plain double; the dd y is formed only for blocks that hold a near lane.
struct js_weighted_inv_df {
    static constexpr double (*scalar)(double, double) = &js_weighted::inv_df;
    static bool bad(double pi) { return jsw_vec_bad(pi); }
    static constexpr int lockstep = 4;
    template <int K>
    HWY_INLINE static void evalk(const V64* t, V64* res, M64* rare, double pi) {
        const D64 d;
        const jsw_param& P = jsw_par(pi);
        const dd::V2 rp{C(P.rph), C(P.rpl)};
        M64 near[K];
        dd::V2 arg[K];
        // the far side's exponent -t/pi, the near side's y (NaN, infinite and huge t fail
        // |exponent| <= 700)
        FDIV_EACH(k, K) rare[k] = hn::FirstN(d, 0);
        const bool any_near = jsw_sides<K>(t, pi, 1.0, true, false, near, arg, rare);
        // Up to |exponent| 690 the far side's results are normal, q/(E - pi) in
        // [q e^-690, q/(pi (e - 1))]: the result's range is checked only in blocks with a lane
        // beyond that or a near lane (whose results overflow as y -> 0).
        bool check = any_near;
        FDIV_EACH(k, K) {
            check = check || !hn::AllFalse(d, hn::Not(hn::Le(hn::Abs(arg[k].hi), C(690.0))));
        }
        // numerators 1 - pi and (1 - pi)/pi, and their reciprocals
        const dd::V2 q = jsw_q(pi), qp = dd::mul(q, rp);
        const V64 rq = C(P.rqh), rqp = hn::Div(C(1.0), qp.hi);
        FDIV_EACH(k, K) {
            const dd::ExpT ex = dd::exp_t(arg[k].hi, arg[k].lo);
            // far: e^{-t/pi} - pi unnormalised, E.hi >= e pi (fast TwoSum) and the low part
            // below 2 ulp of the high one
            const dd::V2 E = dd::exp_from(ex);
            const dd::V2 s0 = dd::fast_two_sum(E.hi, C(-pi));
            dd::V2 den{s0.hi, hn::Add(s0.lo, E.lo)};
            V64 nh = q.hi, nl = q.lo, inv = rq;
            if (any_near) {
                const dd::V2 em = dd::expm1_from(ex, arg[k].hi, arg[k].lo);
                den = {hn::IfThenElse(near[k], em.hi, den.hi),
                       hn::IfThenElse(near[k], em.lo, den.lo)};
                nh = hn::IfThenElse(near[k], qp.hi, nh);
                nl = hn::IfThenElse(near[k], qp.lo, nl);
                inv = hn::IfThenElse(near[k], rqp, inv);
            }
            const V64 f0 = hn::Div(nh, den.hi);
            const V64 r = hn::Add(hn::NegMulAdd(f0, den.hi, nh), hn::NegMulAdd(f0, den.lo, nl));
            res[k] = hn::MulAdd(hn::Mul(r, inv), f0, f0);
            if (check) rare[k] = hn::Or(rare[k], outside(res[k], DBL_MIN, DBL_MAX));
        }
    }
    // float32: near ((1-pi)/pi)/expm1(y), elsewhere (1-pi) e/(1 - pi e), 1 - pi e >= 1 - 1/e.
    HWY_INLINE static V64 eval32(D64 d, V64 t, M64& rare, double pi) {
        const jsw_param& P = jsw_par(pi);
        rare = outside(hn::Abs(t), DBL_MIN, DBL_MAX);
        const jsw_side32 s = jsw_split32(t, pi, false, 1.0, rare);
        V64 e;
        const V64 em = expm1_exp(s.arg, &e);
        const V64 num = hn::IfThenElse(s.near, C(P.qh * P.rph), hn::Mul(C(P.qh), e));
        const V64 den = hn::IfThenElse(s.near, em, hn::NegMulAdd(C(pi), e, C(1.0)));
        const V64 res = hn::Div(num, den);
        rare = hn::Or(rare, jsw_not_finite(res));
        rare = hn::Or(rare, hn::Lt(res, C(DBL_MIN)));
        (void)d;
        return res;
    }
};

// g_f(v) = B - softplus(-v), B = -pi log pi in dd (dd::c_minus_softplus); lanes not strictly
// below the boundary (step_inside's work) are rare.
struct js_weighted_activation {
    static constexpr double (*scalar)(double, double) = &js_weighted::activation;
    static bool bad(double pi) { return jsw_vec_bad(pi); }
    HWY_INLINE static V64 eval(D64 d, V64 v, M64& rare, double pi) {
        const double bh = jsw_par(pi).bh, bl = jsw_par(pi).bl;
        rare = outside(hn::Abs(v), DBL_MIN, 700.0);
        const V64 x = hn::IfThenElseZero(hn::Not(rare), hn::Neg(v));
        const V64 res = dd::c_minus_softplus(x, bh, bl, jsw_par(pi).z, rare);
        // strictly inside: (B.hi - res) + B.lo > 0, the scalar kernel's test
        rare = hn::Or(rare, hn::Not(hn::Gt(hn::Add(hn::Sub(C(bh), res), C(bl)), hn::Zero(d))));
        return res;
    }
    // float32: dd::c_minus_softplus32; lanes next to the boundary B are rare.
    HWY_INLINE static V64 eval32(D64 d, V64 v, M64& rare, double pi) {
        const double bh = jsw_par(pi).bh, bl = jsw_par(pi).bl;
        rare = outside(hn::Abs(v), DBL_MIN, 700.0);
        const V64 x = hn::IfThenElseZero(hn::Not(rare), hn::Neg(v));
        const V64 res = dd::c_minus_softplus32(x, bh, bl, jsw_par(pi).z, rare);
        rare = hn::Or(rare, hn::Lt(hn::Sub(C(bh), res), C(1e-12 * bh)));
        (void)d;
        return res;
    }
};

// f - u f' = -(1 - pi) log(1 + pi expm1(l)) (for every pi in (0, 1): the scalar kernel's
// forms; log pi from the per-thread parameter cache)
struct js_weighted_objective_logu {
    static constexpr double (*scalar)(double, double) = &js_weighted::objective_logu;
    static bool bad(double pi) { return js_weighted::bad(pi); }
    // float32 promotes (the parameter is kept in double)
    static V64 eval(D64 d, V64 l, M64& rare, double pi) {
        using V = V64;
        using L = lim<double>;
        rare = outside(l, -L::emax, L::emax);
        const double q = 1.0 - pi;
        // the scalar kernel's other forms run there: pi below e^-20 with l > 30; pi > 0.9 with
        // pi expm1(l) < -0.9, which needs l < log(0.1) (marked from l < -2)
        if (pi < 2.1e-9) rare = hn::Or(rare, hn::Gt(l, C(d, 30.0)));
        if (pi > 0.9) rare = hn::Or(rare, hn::Lt(l, C(d, -2.0)));
        V logm = select_forms(
            hn::Gt(l, C(d, 30.0)),
            [&] {
                const double lp = jsw_par(pi).lp;
                V x = hn::Div(hn::Mul(C(d, q), exp_in(hn::Neg(l))), C(d, pi));
                return hn::Add(hn::Add(l, C(d, lp)), hn::Log1p(d, x));
            },
            [&] { return hn::Log1p(d, hn::Mul(C(d, pi), expm1(l))); });
        return hn::Mul(C(d, -q), logm);
    }
};

}  // namespace k
}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_JSW_INL_H_
