// Vector kernels of alpha.h (df_logu must match the scalar ratio_activation bitwise: scalar),
// conventions of common-inl.h.  f, f', f(e^r), f*, (f')^-1 and the activation are formed in
// double-double (dd-inl.h) and rounded once, on a parameter range where that is plain
// (alpha_vec_ok); every other parameter value runs the scalar kernel for the whole call.
#if defined(FDIV_SIMD_ALPHA_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef FDIV_SIMD_ALPHA_INL_H_
#undef FDIV_SIMD_ALPHA_INL_H_
#else
#define FDIV_SIMD_ALPHA_INL_H_
#endif

#include "fdiv/alpha.h"
#include "simd/common-inl.h"
#include "simd/dd-inl.h"

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {
namespace k {

// The parameters whose vector forms need none of the scalar kernel's extreme-range devices
// (exponents 1/(a-1) ~ 1e16, subnormal products a r, 1/(a (a-1)) overflow).
HWY_INLINE bool alpha_vec_ok(double a) {
    const double fa = std::fabs(a), fb = std::fabs(a - 1.0);
    return fa >= 1e-6 && fa <= 1e6 && fb >= 1e-6;
}
HWY_INLINE bool alpha_vec_bad(double a) { return alpha::bad(a) || !alpha_vec_ok(a); }

// The parameter's derived constants, formed once per value (per thread: a call usually has
// one) instead of once per vector.  x = h + l: a dd; r*: reciprocals.
// alpha_f_logu_plain's cuts: the smaller terms at most 1/(T - 1) of the result
constexpr double kAlphaPlainTLeft = 4.0, kAlphaPlainTRight = 8.0;
struct alpha_param {
    double a;
    double bh, bl;        // b = a - 1
    double oh, ol;        // 1 - a
    double rah, ral;      // 1/a
    double rbh, rbl;      // 1/b
    double roh, rol;      // 1/(1 - a)
    double qh, ql;        // a/b
    double c2h, c2l;      // 1/(a (1 - a))
    double c3h, c3l;      // 1/(a b)
    double m;             // max(1, |a|)
    double rn, rp;        // 0 < a < 1/2: alpha_f_logu_plain's cuts
    dd::softplus_zero z;  // the zero of the activation (a < 1)
};
HWY_INLINE void recip_s(double h, double l, double& rh, double& rl) {
    rh = 1.0 / h;
    rl = (std::fma(-rh, h, 1.0) - rh * l) / h;
}
// (xh + xl)(yh + yl) as a dd, to ~2^-104
HWY_INLINE void dmul_s(double xh, double xl, double yh, double yl, double& h, double& l) {
    double ph, pl;
    fdv::two_prod(xh, yh, ph, pl);
    fdv::two_sum(ph, pl + xh * yl + xl * yh, h, l);
}
HWY_INLINE const alpha_param& alpha_par(double a) {
    static thread_local alpha_param c;
    if (!(c.a == a)) {
        fdv::two_sum(a, -1.0, c.bh, c.bl);
        fdv::two_sum(1.0, -a, c.oh, c.ol);
        recip_s(a, 0.0, c.rah, c.ral);
        recip_s(c.bh, c.bl, c.rbh, c.rbl);
        recip_s(c.oh, c.ol, c.roh, c.rol);
        double ph, pl;
        fdv::two_prod(c.rbh, a, ph, pl);
        fdv::two_sum(ph, std::fma(c.rbl, a, pl), c.qh, c.ql);
        dmul_s(c.rah, c.ral, c.roh, c.rol, c.c2h, c.c2l);
        dmul_s(c.rah, c.ral, c.rbh, c.rbl, c.c3h, c.c3l);
        c.m = std::fmax(1.0, std::fabs(a));
        c.rn = a > 0.0 && a < 0.5 ? std::log((1.0 - a) / kAlphaPlainTLeft) / a : -HUGE_VAL;
        c.rp = a > 0.0 && a < 0.5 ? std::log(kAlphaPlainTRight / a) / (1.0 - a) : HUGE_VAL;
        if (a < 1.0) c.z = dd::make_softplus_zero(c.roh, c.rol);
        c.a = a;
    }
    return c;
}
HWY_INLINE dd::V2 dd2(double h, double l) { return {C(h), C(l)}; }

// f(e^r) from r = rh + rl and e^r, e^r - 1 given as dd (f_logu: from r; f: u and u - 1 exact),
// with b = a - 1 = bh + bl:
//   near u = 1 (|r| max(1, |a|) < 2, the scalar series), with E(x) = e^x - 1 - x,
//     a >= 1/2:  f = e^r (E(b r)/b + E(-r))/a,   a < 1/2:  f = (E(r) - E(a r)/a)/(1 - a),
//   where the r terms of the generator cancel exactly and the E sums cancel at most a
//   factor ~3 (a in [1/2, 1]: 1/a; a < 1/2: 1/(1 - a));
//   farther out the scalar forms, a >= 1/2: (e^r (e^{b r} - 1)/b - (e^r - 1))/a,
//   a < 1/2: ((e^r - 1) - (e^{a r} - 1)/a)/(1 - a), which cancel at most a factor ~3 there.
// Every term is carried in dd (relative error ~2^-56), so the cancellations cost < 1/4 ulp.
// Needs |r| <= 700 and |x| <= 700 for x = b r (a >= 1/2) or a r.
// (K vectors in lockstep: see common-inl.h's lockstep)
template <int K, class ExpR>
HWY_INLINE void alpha_f_core(const dd::V2* r, const ExpR* expr, const M64* near, double a,
                             M64* rare, V64* res) {
    const D64 d;
    const alpha_param& P = alpha_par(a);
    const dd::V2 B = dd2(P.bh, P.bl);
    const bool hi = a >= 0.5;
    // the exponent x = b r (a >= 1/2) or a r, exact in dd up to 2^-104
    dd::V2 xc[K];
    bool any_near = false, all_near = true;
    // |r| <= 709.8 (log of a normal u, or r <= 700): a factor |b| or |a| <= 0.98 keeps
    // |x| <= 696, and only larger factors need the check
    const bool check = (hi ? std::fabs(P.bh) : std::fabs(a)) > 0.98;
    FDIV_EACH(k, K) {
        const dd::V2 x = hi ? dd::mul(r[k], B) : dd::mul_d(r[k], C(a));
        if (check) {
            rare[k] = hn::Or(rare[k], outside(hn::Abs(x.hi), 0.0, 700.0));
            const M64 in = hn::Le(hn::Abs(x.hi), C(700.0));
            xc[k] = {hn::IfThenElseZero(in, x.hi), hn::IfThenElseZero(in, x.lo)};
        } else {
            xc[k] = x;
        }
        any_near = any_near || !hn::AllFalse(d, near[k]);
        all_near = all_near && hn::AllTrue(d, near[k]);
    }
    const dd::V2 inv_A = dd2(P.rah, P.ral), inv_B = dd2(P.rbh, P.rbl);
    const dd::V2 inv_div = hi ? inv_A : dd2(P.roh, P.rol);  // 1/a or 1/(1 - a)
    V64 res_near[K], res_far[K];
    FDIV_EACH(k, K) res_near[k] = res_far[k] = hn::Zero(d);
    if (any_near) {
        // E(-r) (a >= 1/2) or E(r), on |r| < 2
        dd::V2 Er[K], Ex[K];
        FDIV_EACH(k, K) {
            Er[k] = dd::E_x(hn::IfThenElseZero(near[k], hi ? hn::Neg(r[k].hi) : r[k].hi),
                            hn::IfThenElseZero(near[k], hi ? hn::Neg(r[k].lo) : r[k].lo));
        }
        FDIV_EACH(k, K) Ex[k] = dd::E_x(xc[k].hi, xc[k].lo);
        FDIV_EACH(k, K) {
            const dd::V2 S = hi ? dd::mul(dd::add(dd::mul(Ex[k], inv_B), Er[k]), expr[k].exp())
                                : dd::add(Er[k], dd::neg(dd::mul(Ex[k], inv_A)));
            res_near[k] = dd::round(dd::mul(S, inv_div));
        }
    }
    if (!all_near) {
        dd::V2 em[K];
        FDIV_EACH(k, K) em[k] = dd::expm1_x(xc[k].hi, xc[k].lo);
        // a >= 1/2: (e^r (e^{b r} - 1)) 1/(a b) - (e^r - 1) 1/a;
        // a < 1/2: (e^r - 1) 1/(1 - a) - (e^{a r} - 1) 1/(a (1 - a)): rounded once (dd::dot2)
        const dd::V2 c_em = hi ? dd2(P.c3h, P.c3l) : dd::neg(dd2(P.c2h, P.c2l));
        const dd::V2 c_r = hi ? dd::neg(inv_A) : inv_div;
        FDIV_EACH(k, K) {
            const dd::V2 t = hi ? dd::mul(em[k], expr[k].exp()) : em[k];
            res_far[k] = dd::dot2(t, c_em, expr[k].expm1(), c_r);
        }
    }
    FDIV_EACH(k, K) res[k] = hn::IfThenElse(near[k], res_near[k], res_far[k]);
}
// e^r and e^r - 1 of f(u): u and u - 1 (exact up to 2^-104)
struct alpha_u_terms {
    V64 u;
    dd::V2 exp() const { return {u, hn::Zero(D64())}; }
    dd::V2 expm1() const { return dd::two_sum(u, C(-1.0)); }
};
// ... of f_logu: from the reduction of r
struct alpha_r_terms {
    dd::ExpT e;
    V64 r;
    dd::V2 exp() const { return dd::exp_from(e); }
    dd::V2 expm1() const { return dd::expm1_from(e, r, hn::Zero(D64())); }
};

// The float32 forms (eval32, common-inl.h): alpha_f_core's forms in plain double.
// E(x) = e^x - 1 - x for |x| <= 2: x^2/2 + x^3 Q(x) (dd-inl.h's Taylor sum, relative error a few
// ulp) for |x| <= 0.35, expm1(x) - x elsewhere (cancelling at most x/E(x) <= 6.4).
HWY_INLINE V64 alpha_E32(V64 x) {
    const D64 d;
    const V64 Q = dd::inv_fact3_sum(x);
    const V64 x2 = hn::Mul(x, x);
    V64 res = hn::MulAdd(hn::Mul(x2, x), Q, hn::Mul(C(0.5), x2));
    const M64 big = hn::Gt(hn::Abs(x), C(0.35));
    if (HWY_UNLIKELY(!hn::AllFalse(d, big))) {
        const V64 xb = hn::IfThenElse(big, x, C(1.0));  // expm1 never sees a zero
        res = hn::IfThenElse(big, hn::Sub(expm1(xb), xb), res);
    }
    return res;
}
// f(e^r) from r, u = e^r and u - 1 in plain double, the forms of alpha_f_core (whose
// cancellations stay below a factor ~3): the result keeps ~2^-48 relative.  x = b r or a r with
// |x| <= 700 (rarer lanes are marked).
HWY_INLINE V64 alpha_f_core32(V64 r, V64 u, V64 um1, M64 near, double a, M64& rare) {
    const D64 d;
    const alpha_param& P = alpha_par(a);
    const bool hi = a >= 0.5;
    const V64 x = hn::Mul(r, C(hi ? P.bh : a));
    rare = hn::Or(rare, hn::Not(hn::Le(hn::Abs(x), C(700.0))));
    const V64 inv_a = C(P.rah), inv_b = C(P.rbh);
    const V64 inv_div = hi ? inv_a : C(P.roh);  // 1/a or 1/(1 - a)
    V64 res_near = hn::Zero(d), res_far = hn::Zero(d);
    if (!hn::AllFalse(d, near)) {
        const V64 xn = hn::IfThenElseZero(near, x), rn = hn::IfThenElseZero(near, r);
        const V64 Ex = alpha_E32(xn);
        // a >= 1/2: e^r (E(b r)/b + E(-r)); a < 1/2: E(r) - E(a r)/a
        const V64 S = hi ? hn::Mul(hn::MulAdd(Ex, inv_b, alpha_E32(hn::Neg(rn))), u)
                         : hn::NegMulAdd(Ex, inv_a, alpha_E32(rn));
        res_near = hn::Mul(S, inv_div);
    }
    if (!hn::AllTrue(d, near)) {
        // far lanes have |x| >= 2 min(|b|, |a|)/max(1, |a|) > 0; the others take x = 1
        const V64 xf = hn::IfThenElse(hn::Or(near, rare), C(1.0), x);
        const V64 em = expm1(xf);
        const V64 S = hi ? hn::MulSub(hn::Mul(u, em), inv_b, um1) : hn::NegMulAdd(em, inv_a, um1);
        res_far = hn::Mul(S, inv_div);
    }
    return hn::IfThenElse(near, res_near, res_far);
}

struct alpha_f {
    static constexpr double (*scalar)(double, double) = &alpha::f;
    static bool bad(double a) { return alpha_vec_bad(a); }
    static constexpr int lockstep = 4;
    template <int K>
    HWY_INLINE static void evalk(const V64* u, V64* y, M64* rare, double a) {
        const double m = alpha_par(a).m;
        dd::V2 L[K];
        alpha_u_terms t[K];
        M64 near[K];
        FDIV_EACH(k, K) {
            rare[k] = not_normal_pos(u[k]);
            t[k].u = hn::IfThenElse(rare[k], C(1.0), u[k]);
            L[k] = dd::log(t[k].u);
        }
        FDIV_EACH(k, K) near[k] = hn::Lt(hn::Mul(hn::Abs(L[k].hi), C(m)), C(2.0));
        alpha_f_core<K>(L, t, near, a, rare, y);
        FDIV_EACH(k, K) rare[k] = hn::Or(rare[k], hn::Not(hn::Lt(hn::Abs(y[k]), C(DBL_MAX))));
    }
    HWY_INLINE static V64 eval32(D64 d, V64 u, M64& rare, double a) {
        rare = not_normal_pos(u);
        const V64 uc = hn::IfThenElse(rare, C(1.0), u);
        const V64 r = hn::Log(d, uc);
        const M64 near = hn::Lt(hn::Mul(hn::Abs(r), C(alpha_par(a).m)), C(2.0));
        V64 y = alpha_f_core32(r, uc, hn::Sub(uc, C(1.0)), near, a, rare);
        rare = hn::Or(rare, hn::Not(hn::Lt(hn::Abs(y), C(DBL_MAX))));
        return y;
    }
};

// c e^(xh + xl) + z = h + t for |xh| <= 700, |xl| <= 2^-40, c = ch + cl (dd), z small: h = 2^q ch
// (exact), t = 2^q (ch y + cl (1 + y)) + ... + z rounded once, where e^(xh + xl) = 2^q e^s (1 + lo)
// (exp_reduce, lo = its residual + xl) and y = e^s - 1 = s + s^2 E2(s) (Highway's polynomial):
// the rounding of 1 + y that plain exp pays is left to whoever adds h and t.
struct alpha_exp_c {
    V64 h, t;
    HWY_INLINE alpha_exp_c(V64 xh, V64 xl, double ch, double cl, V64 z) {
        V64 kx, lo;
        const V64 s = exp_reduce(xh, kx, &lo);
        lo = hn::Add(lo, xl);
        const V64 E2 = hn::MulAdd(s, exp_poly_p1(s), C(0.5));
        const V64 p2 = exp_scale(C(1.0), kx);
        h = hn::Mul(p2, C(ch));
        // (h lo + l)(1 + y) with y ~ s: the s^2 E2 dropped there is below 2^-55 of h
        const V64 m = fma(h, lo, hn::Mul(p2, C(cl)));
        V64 w = fma(m, s, hn::Add(m, z));
        w = fma(hn::Mul(h, hn::Mul(s, s)), E2, w);
        t = fma(h, s, w);
    }
};

// f(e^r) for 0 < a < 1/2 far from u = 1, with c1 = 1/(1 - a), c2 = 1/(a (1 - a)) and x = a r
// exact as a TwoProd xh + xl: f = 1/a + B - C, B = e^r c1, C = e^x c2, where
//   r <= rn = log((1 - a)/4)/a: C <= (1/a)/4 and B/C = a e^{(1-a) r} <= 1/4, so f >= 3/(4a):
//     f = 1/a + (C' + t), C' + t = -C + (B + lo(1/a)) (alpha_exp_c, B's sum folded into C's);
//   r >= rp = log(8/a)/(1 - a): C/B = e^{-(1-a) r}/a <= 1/8 and 1/a <= C, so f >= 3B/4:
//     f = B' + t, B' + t = B + ((1/a - C) + lo(1/a)).
// The terms other than the largest come to at most 1/2 of f and within ~2 ulp of themselves,
// the largest one within ~2^-54 of itself before the final rounding (no 1 + y rounded, as plain
// exp has).  Dense sampling against mpmath (23 values of a; 4,000 points per side, 1,000 across
// each cut, 3,000 within 0.5 of each cut): at most 0.76 ulp left, 0.92 ulp right, next to the
// cut (the double-double core: 0.5; the cut at 6/a: 0.98).  Two
// plain exponentials in place of alpha_f_core's two double-double ones, for K vectors of lanes
// on either side (a lane between the cuts gets a finite value of no use).
template <int K>
HWY_INLINE void alpha_f_logu_plain(const V64* r, double a, V64* res) {
    const D64 d;
    const alpha_param& P = alpha_par(a);
    M64 left[K];
    bool any_left = false, any_right = false;
    FDIV_EACH(k, K) {
        left[k] = hn::Le(r[k], C(P.rn));
        any_left = any_left || !hn::AllFalse(d, left[k]);
        any_right = any_right || !hn::AllTrue(d, left[k]);
    }
    if (any_left) {
        FDIV_EACH(k, K) {
            const dd::V2 x = dd::two_prod(r[k], C(a));
            const alpha_exp_c b(r[k], hn::Zero(d), P.roh, P.rol, C(P.ral));
            const alpha_exp_c c(x.hi, x.lo, -P.c2h, -P.c2l, hn::Add(b.h, b.t));
            res[k] = hn::Add(C(P.rah), hn::Add(c.h, c.t));
        }
    }
    if (any_right) {
        FDIV_EACH(k, K) {
            const dd::V2 x = dd::two_prod(r[k], C(a));
            const alpha_exp_c c(x.hi, x.lo, P.c2h, P.c2l, hn::Zero(d));
            const V64 z = hn::Add(hn::Sub(hn::Sub(C(P.rah), c.h), c.t), C(P.ral));
            const alpha_exp_c b(r[k], hn::Zero(d), P.roh, P.rol, z);
            const V64 v = hn::Add(b.h, b.t);
            res[k] = any_left ? hn::IfThenElse(left[k], res[k], v) : v;
        }
    }
}

// f(e^r) by alpha_f_core for K vectors of r (|r| in [1e-90, 700])
template <int K>
HWY_INLINE void alpha_f_logu_core(const V64* r, double a, M64* rare, V64* y) {
    const D64 d;
    const double m = alpha_par(a).m;
    dd::V2 R[K];
    alpha_r_terms t[K];
    M64 near[K];
    FDIV_EACH(k, K) {
        t[k].r = r[k];
        R[k] = {r[k], hn::Zero(d)};
        near[k] = hn::Lt(hn::Mul(hn::Abs(r[k]), C(m)), C(2.0));
        t[k].e = dd::exp_t(r[k], hn::Zero(d));
    }
    alpha_f_core<K>(R, t, near, a, rare, y);
}

// A block whose lanes need both the plain forms and the core (shuffled inputs): the lanes of
// each kind are packed into whole vectors (CompressStore), each kind runs on its own vectors
// only, and the results go back to their lanes.  Each lane still takes the form its own value
// selects, so the results are those of the lane-by-lane choice.  (0 < a < 1/2, where the core
// marks no lanes rare: |a r| <= 350.)
template <int K>
HWY_INLINE void alpha_f_logu_mixed(const V64* r, const M64* plain, double a, V64* y) {
    const D64 d;
    const std::size_t N = hn::Lanes(d);
    const lane_packs<D64, K> pk(d, r, plain);  // kind 0 plain, 1 the core
    constexpr std::size_t S = decltype(pk)::S;
    HWY_ALIGN double ys[2][S], yb[S];
    for (int f = 0; f < 2; ++f) {
        const double* x = pk.xs[f];
        // pairs of vectors in lockstep where there are two, then one
        std::size_t v = 0;
        for (; v + N < pk.n[f]; v += 2 * N) {
            V64 rv[2] = {hn::Load(d, x + v), hn::Load(d, x + v + N)}, yv[2];
            M64 rr[2] = {hn::Lt(rv[0], rv[0]), hn::Lt(rv[0], rv[0])};
            if (f == 0) {
                alpha_f_logu_plain<2>(rv, a, yv);
            } else {
                alpha_f_logu_core<2>(rv, a, rr, yv);
            }
            hn::Store(yv[0], d, ys[f] + v);
            hn::Store(yv[1], d, ys[f] + v + N);
        }
        for (; v < pk.n[f]; v += N) {
            V64 rv = hn::Load(d, x + v), yv;
            M64 rr = hn::Lt(rv, rv);
            if (f == 0) {
                alpha_f_logu_plain<1>(&rv, a, &yv);
            } else {
                alpha_f_logu_core<1>(&rv, a, &rr, &yv);
            }
            hn::Store(yv, d, ys[f] + v);
        }
    }
    pk.unpack(ys, yb);
    FDIV_EACH(k, K) y[k] = hn::Load(d, yb + k * N);
}

struct alpha_f_logu {
    static constexpr double (*scalar)(double, double) = &alpha::f_logu;
    static bool bad(double a) { return alpha_vec_bad(a); }
    static constexpr int lockstep = 4;
    template <int K>
    HWY_INLINE static void evalk(const V64* r, V64* y, M64* rare, double a) {
        const D64 d;
        V64 rc[K];
        FDIV_EACH(k, K) {
            // |r| < 1e-90: f ~ r^2/2 near the subnormals (the scalar long double series)
            rare[k] = outside(hn::Abs(r[k]), 1e-90, 700.0);
            rc[k] = hn::IfThenElse(rare[k], C(1.0), r[k]);
        }
        bool any = false, all = true;
        if (a > 0.0 && a < 0.5) {
            // the plain forms' lanes (rare ones, at r = 1, are not)
            const alpha_param& P = alpha_par(a);
            M64 plain[K];
            FDIV_EACH(k, K) {
                plain[k] = hn::Or(hn::Le(rc[k], C(P.rn)), hn::Ge(rc[k], C(P.rp)));
                any = any || !hn::AllFalse(d, plain[k]);
                all = all && hn::AllTrue(d, hn::Or(rare[k], plain[k]));
            }
            if (all) {
                alpha_f_logu_plain<K>(rc, a, y);
            } else if (any) {
                alpha_f_logu_mixed<K>(rc, plain, a, y);
            }
        }
        if (!any) alpha_f_logu_core<K>(rc, a, rare, y);
        FDIV_EACH(k, K) rare[k] = hn::Or(rare[k], hn::Not(hn::Lt(hn::Abs(y[k]), C(DBL_MAX))));
    }
    HWY_INLINE static V64 eval32(D64 d, V64 r, M64& rare, double a) {
        rare = outside(hn::Abs(r), 1e-90, 700.0);
        const V64 rc = hn::IfThenElse(rare, C(1.0), r);
        const M64 near = hn::Lt(hn::Mul(hn::Abs(rc), C(alpha_par(a).m)), C(2.0));
        V64 u;
        const V64 um1 = expm1_exp(rc, &u);
        V64 y = alpha_f_core32(rc, u, um1, near, a, rare);
        rare = hn::Or(rare, hn::Not(hn::Lt(hn::Abs(y), C(DBL_MAX))));
        (void)d;
        return y;
    }
};

// f'(u) = expm1(b log u)/b, the exponent in dd
struct alpha_df {
    static constexpr double (*scalar)(double, double) = &alpha::df;
    static bool bad(double a) { return alpha_vec_bad(a); }
    static constexpr int lockstep = 4;
    template <int K>
    HWY_INLINE static void evalk(const V64* u, V64* y, M64* rare, double a) {
        const alpha_param& P = alpha_par(a);
        const dd::V2 B = dd2(P.bh, P.bl);
        dd::V2 x[K];
        FDIV_EACH(k, K) {
            rare[k] = not_normal_pos(u[k]);
            x[k] = dd::log(hn::IfThenElse(rare[k], C(1.0), u[k]));
        }
        FDIV_EACH(k, K) {
            x[k] = dd::mul(x[k], B);
            rare[k] = hn::Or(rare[k], outside(hn::Abs(x[k].hi), 1e-290, 700.0));
            const M64 in = hn::Le(hn::Abs(x[k].hi), C(700.0));
            x[k] = {hn::IfThenElseZero(in, x[k].hi), hn::IfThenElseZero(in, x[k].lo)};
        }
        FDIV_EACH(k, K) x[k] = dd::expm1_x(x[k].hi, x[k].lo);
        FDIV_EACH(k, K) y[k] = dd::round(dd::mul(x[k], dd2(P.rbh, P.rbl)));
    }
    HWY_INLINE static V64 eval32(D64 d, V64 u, M64& rare, double a) {
        const alpha_param& P = alpha_par(a);
        rare = not_normal_pos(u);
        const V64 x = hn::Mul(hn::Log(d, hn::IfThenElse(rare, C(1.0), u)), C(P.bh));
        rare = hn::Or(rare, outside(hn::Abs(x), 1e-290, 700.0));
        return hn::Mul(expm1(hn::IfThenElse(rare, C(1.0), x)), C(P.rbh));
    }
};

// s = 1 + b t in dd and log s, for f* and (f')^-1; lanes with s not a normal positive number
// (outside dom f*, its boundary, overflow) are rare.
HWY_INLINE dd::V2 alpha_log_base(V64 t, double bh, double bl, M64& rare) {
    const D64 d;
    dd::V2 p = dd::two_prod(C(bh), t);
    p.lo = hn::MulAdd(C(bl), t, p.lo);
    const dd::V2 s = dd::add(dd::V2{C(1.0), hn::Zero(d)}, p);
    rare = hn::Or(rare, outside(s.hi, 1e-300, 1e300));
    const dd::V2 sc{hn::IfThenElse(rare, C(1.0), s.hi), hn::IfThenElseZero(hn::Not(rare), s.lo)};
    return dd::log(sc);
}

// log s = log1p(w), w = b t (+ the low part of b) in plain double, for the float32 forms: w
// keeps 2^-52 of itself (an error equivalent to one of t), so s = 1 + w near 1 loses nothing;
// lanes with s not a normal positive number are rare.
HWY_INLINE V64 alpha_log_base32(V64 t, double bh, double bl, M64& rare) {
    const D64 d;
    const V64 w = hn::MulAdd(C(bh), t, hn::Mul(C(bl), t));
    rare = hn::Or(rare, hn::Not(hn::And(hn::Gt(w, C(-1.0 + 0x1p-53)), hn::Lt(w, C(1e300)))));
    return hn::Log1p(d, hn::IfThenElseZero(hn::Not(rare), w));
}

// f*(t) = expm1((a/b) log s)/a
struct alpha_conj {
    static constexpr double (*scalar)(double, double) = &alpha::conj;
    static bool bad(double a) { return alpha_vec_bad(a); }
    static constexpr int lockstep = 4;
    template <int K>
    HWY_INLINE static void evalk(const V64* t, V64* res, M64* rare, double a) {
        const alpha_param& P = alpha_par(a);
        const dd::V2 q = dd2(P.qh, P.ql);
        dd::V2 y[K];
        FDIV_EACH(k, K) {
            rare[k] = outside(hn::Abs(t[k]), DBL_MIN, DBL_MAX);
            y[k] = alpha_log_base(t[k], P.bh, P.bl, rare[k]);
        }
        FDIV_EACH(k, K) {
            y[k] = dd::mul(q, y[k]);
            rare[k] = hn::Or(rare[k], outside(hn::Abs(y[k].hi), 1e-290, 700.0));
            const M64 in = hn::Le(hn::Abs(y[k].hi), C(700.0));
            y[k] = {hn::IfThenElseZero(in, y[k].hi), hn::IfThenElseZero(in, y[k].lo)};
        }
        FDIV_EACH(k, K) y[k] = dd::expm1_x(y[k].hi, y[k].lo);
        FDIV_EACH(k, K) {
            res[k] = dd::round(dd::mul(y[k], dd2(P.rah, P.ral)));
            rare[k] = hn::Or(rare[k], hn::Not(hn::Lt(hn::Abs(res[k]), C(DBL_MAX))));
        }
    }
    HWY_INLINE static V64 eval32(D64, V64 t, M64& rare, double a) {
        const alpha_param& P = alpha_par(a);
        rare = outside(hn::Abs(t), DBL_MIN, DBL_MAX);
        const V64 y = hn::Mul(C(P.qh), alpha_log_base32(t, P.bh, P.bl, rare));
        rare = hn::Or(rare, outside(hn::Abs(y), 1e-290, 700.0));
        V64 res = hn::Mul(expm1(hn::IfThenElse(rare, C(1.0), y)), C(P.rah));
        rare = hn::Or(rare, hn::Not(hn::Lt(hn::Abs(res), C(DBL_MAX))));
        return res;
    }
};

// (f')^-1(t) = s^(1/b)
struct alpha_inv_df {
    static constexpr double (*scalar)(double, double) = &alpha::inv_df;
    static bool bad(double a) { return alpha_vec_bad(a); }
    static constexpr int lockstep = 4;
    template <int K>
    HWY_INLINE static void evalk(const V64* t, V64* res, M64* rare, double a) {
        const alpha_param& P = alpha_par(a);
        const dd::V2 kb = dd2(P.rbh, P.rbl);
        dd::V2 y[K];
        FDIV_EACH(k, K) {
            rare[k] = outside(hn::Abs(t[k]), DBL_MIN, DBL_MAX);
            y[k] = alpha_log_base(t[k], P.bh, P.bl, rare[k]);
        }
        FDIV_EACH(k, K) {
            y[k] = dd::mul(kb, y[k]);
            // |y| > 700: the result leaves [e^-700, e^700] (subnormal results included)
            rare[k] = hn::Or(rare[k], hn::Gt(hn::Abs(y[k].hi), C(700.0)));
            const M64 in = hn::Le(hn::Abs(y[k].hi), C(700.0));
            y[k] = {hn::IfThenElseZero(in, y[k].hi), hn::IfThenElseZero(in, y[k].lo)};
        }
        // e^(yh + yl) in dd (dd::exp_t, 2^-62) rounded once, after y within 2^-62.9 |y| <=
        // 2^-53.4 (|y| <= 700)
        FDIV_EACH(k, K) res[k] = dd::round(dd::exp_x(y[k].hi, y[k].lo));
    }
    HWY_INLINE static V64 eval32(D64 d, V64 t, M64& rare, double a) {
        const alpha_param& P = alpha_par(a);
        rare = outside(hn::Abs(t), DBL_MIN, DBL_MAX);
        const V64 y = hn::Mul(C(P.rbh), alpha_log_base32(t, P.bh, P.bl, rare));
        rare = hn::Or(rare, hn::Gt(hn::Abs(y), C(700.0)));
        return exp_in(hn::IfThenElseZero(hn::Not(rare), y));
    }
};

// g_f(v) = v for a > 1; c - softplus(-v) otherwise, c = 1/(1-a): dd::c_minus_softplus's
// forms (plain double, dd, and around the zero of g_f the form without cancellation).  Lanes
// whose value is not strictly inside dom f* (step_inside's work) are rare.
struct alpha_activation {
    static constexpr double (*scalar)(double, double) = &alpha::activation;
    static bool bad(double a) { return alpha_vec_bad(a); }
    HWY_INLINE static V64 eval(D64 d, V64 v, M64& rare, double a) {
        if (a > 1.0) {
            rare = is_nan(v);
            return v;
        }
        const alpha_param& P = alpha_par(a);
        const double ch = P.roh, cl = P.rol;  // 1/(1 - a)
        rare = outside(hn::Abs(v), DBL_MIN, 700.0);
        const V64 x = hn::IfThenElseZero(hn::Not(rare), hn::Neg(v));
        const V64 res = dd::c_minus_softplus(x, ch, cl, P.z, rare);
        // inside dom f*: s = 1 + b res > 0, in dd (b = a - 1 < 0).  Only lanes within 1e-12
        // relative of the boundary 1/(1 - a) can round onto or past it (softplus(-v) below
        // 1e-12 c): s >= 1e-12 - O(2^-52) elsewhere.
        const M64 edge = hn::Lt(hn::Sub(C(ch), res), C(1e-12 * ch));
        if (HWY_UNLIKELY(!hn::AllFalse(d, edge))) {
            dd::V2 p = dd::two_prod(C(P.bh), res);
            p.lo = hn::MulAdd(C(P.bl), res, p.lo);
            const dd::V2 s = dd::add(dd::V2{C(1.0), hn::Zero(d)}, p);
            rare = hn::Or(rare, hn::AndNot(hn::Gt(s.hi, C(0.0)), edge));
        }
        return res;
    }
    // float32: dd::c_minus_softplus32; lanes next to the boundary c are rare.
    HWY_INLINE static V64 eval32(D64 d, V64 v, M64& rare, double a) {
        if (a > 1.0) {
            rare = is_nan(v);
            return v;
        }
        const alpha_param& P = alpha_par(a);
        rare = outside(hn::Abs(v), DBL_MIN, 700.0);
        const V64 x = hn::IfThenElseZero(hn::Not(rare), hn::Neg(v));
        const V64 res = dd::c_minus_softplus32(x, P.roh, P.rol, P.z, rare);
        rare = hn::Or(rare, hn::Lt(hn::Sub(C(P.roh), res), C(1e-12 * P.roh)));
        (void)d;
        return res;
    }
};

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
