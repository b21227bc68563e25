// Vector kernels that need more than the Highway exponentials: expm1 as a double-double for
// the squares of chi2.h (pearson, neyman, squared_hellinger f_logu) and the triangular
// discrimination of tv.h (triangular, le_cam f_logu), and the softened_reverse_kl critic
// activations of softened.h.  Conventions of common-inl.h.
//
// The kernels live in k::x, named as their ufunc: chi2-inl.h still defines k::pearson_f_logu
// and its neighbours (the unregistered forms on the ~1 ulp Highway polynomial).
#if defined(FDIV_SIMD_EXTRA_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef FDIV_SIMD_EXTRA_INL_H_
#undef FDIV_SIMD_EXTRA_INL_H_
#else
#define FDIV_SIMD_EXTRA_INL_H_
#endif

#include "fdiv/chi2.h"
#include "fdiv/softened.h"
#include "fdiv/tv.h"
#include "simd/common-inl.h"
#include "simd/js-inl.h"

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {
namespace k {
namespace x {

// expm1(x) = hi + lo to about 2^-59 relative, for 1e-150 <= |x| <= 700 (callers mark the
// rest rare).  With x = k log 2 + r, |r| <= log(2)/2 + 2^-40:
//  * r1 = x - k LN2_HI is exact (one fma): k LN2_HI is a multiple of 2^-53, x one of 2^-54
//    wherever k != 0 (|x| > 0.34), and |r1| < 1/2 needs no more than 53 bits of either;
//    r = r1 - k LN2_LO as hi + lo, the error of k LN2_LO (< 2^-98) dropped;
//  * expm1(r) = r + r^2/2 + r^3 P(r): r + r^2/2 as a double-double (TwoProd, Fast2Sum), the
//    tail below r^2/6 < 0.021 |r| in plain double, P the degree-10 Chebyshev fit of
//    (expm1(r) - r - r^2/2)/r^3 on |r| <= 0.35 (mpmath chebyfit: 1.1e-19, the whole expm1(r)
//    within 0.013 ulp of the exact value with the coefficients rounded);
//  * expm1(x) = (2^k - 1) + 2^k expm1(r) by TwoSum: 2^k - 1 exact as a double-double for every
//    k, the scaling by 2^k exact (|k| <= 1010), so no digit is lost where the sum cancels
//    (k = +-1 against r near -+log(2)/2, the band the fdlibm form of common-inl.h patches).
// Measured over a dense sweep against mpmath: hi + lo within 2^-58 relative (tests/dev).
HWY_INLINE void expm1_hilo(D64 d, V64 x, V64& hi, V64& lo) {
    const hn::RebindToSigned<D64> di;
    // t = 1.5 2^52 + k: k = round(x / log 2) sits in the low mantissa bits of t
    const V64 t = hn::MulAdd(x, C(0x1.71547652b82fep+0), C(0x1.8p52));
    const V64 kd = hn::Sub(t, C(0x1.8p52));
    // 2^k: the low 12 bits of the mantissa of t are k + 2^51 (mod 2^12) = k (mod 2^12)
    const V64 p = hn::BitCast(d, hn::ShiftLeft<52>(hn::Add(hn::BitCast(di, t), hn::Set(di, 1023))));
    const V64 r1 = fma(hn::Neg(kd), C(LN2_HI), x);
    const V64 kl = hn::Mul(kd, C(LN2_LO));
    const V64 r = hn::Sub(r1, kl);
    const V64 rl = hn::Sub(hn::Sub(r1, r), kl);
    // r + r^2/2 = h + e exactly (|r^2/2| < |r|/5: Fast2Sum), tail and r_l e^r ~ r_l (1 + r)
    const V64 hr = hn::Mul(C(0.5), r);
    const V64 s = hn::Mul(hr, r);
    const V64 se = fma(hr, r, hn::Neg(s));
    const V64 h = hn::Add(r, s);
    const V64 e = hn::Sub(s, hn::Sub(h, r));
    V64 q = C(0x1.61b58491cefd7p-33);
    q = hn::MulAdd(q, r, C(0x1.1f75a3caadff5p-29));
    q = hn::MulAdd(q, r, C(0x1.ae6432edf6fafp-26));
    q = hn::MulAdd(q, r, C(0x1.27e4da1e12fb1p-22));
    q = hn::MulAdd(q, r, C(0x1.71de3a593c8b9p-19));
    q = hn::MulAdd(q, r, C(0x1.a01a01a74077ap-16));
    q = hn::MulAdd(q, r, C(0x1.a01a01a019ac3p-13));
    q = hn::MulAdd(q, r, C(0x1.6c16c16c16214p-10));
    q = hn::MulAdd(q, r, C(0x1.1111111111111p-7));
    q = hn::MulAdd(q, r, C(0x1.5555555555556p-5));
    q = hn::MulAdd(q, r, C(0x1.5555555555555p-3));
    const V64 tail = hn::Mul(hn::Mul(s, r), hn::Add(q, q));  // r^3 P = (r^2/2) r (2P)
    const V64 el = hn::Add(e, hn::Add(se, hn::MulAdd(rl, r, hn::Add(rl, tail))));
    // (2^k - 1) + 2^k (h + el)
    V64 a, al;
    two_sum(p, C(-1.0), a, al);
    V64 sh, sl;
    two_sum(a, hn::Mul(p, h), sh, sl);
    const V64 l = hn::Add(sl, hn::MulAdd(p, el, al));
    hi = hn::Add(sh, l);
    lo = hn::Sub(l, hn::Sub(hi, sh));
}

// (hi + lo)^2 rounded once, but for the last addition: the exact square of hi (TwoProd)
// plus 2 hi lo.
HWY_INLINE V64 square_hilo(V64 hi, V64 lo) {
    const V64 pp = hn::Mul(hi, hi);
    const V64 pe = fma(hi, hi, hn::Neg(pp));
    return hn::Add(pp, hn::MulAdd(hn::Add(hi, hi), lo, pe));
}

// e^2/(c + e) for e = hi + lo > -c (c = 1: neyman, c = 2: triangular), as e (e/(c + e)) so
// nothing overflows where e does not: q = e/(c + e) to a few 2^-100 (one division, the
// remainder by fma corrects the quotient), then the product by TwoProd.
HWY_INLINE V64 square_over_hilo(V64 hi, V64 lo, double c) {
    V64 dh, dl;
    two_sum(C(c), hi, dh, dl);
    dl = hn::Add(dl, lo);
    const V64 inv = hn::Div(C(1.0), dh);
    const V64 q0 = hn::Mul(hi, inv);
    const V64 rem = hn::Add(fma(hn::Neg(q0), dh, hi), hn::NegMulAdd(q0, dl, lo));
    const V64 q1 = hn::Mul(rem, inv);
    const V64 pp = hn::Mul(hi, q0);
    const V64 pe = fma(hi, q0, hn::Neg(pp));
    return hn::Add(pp, hn::Add(pe, hn::MulAdd(hi, q1, hn::Mul(lo, q0))));
}

// Lanes outside the range of the double-doubles above: [lo, hi], less |x| < 1e-150 (squares
// near the subnormal range are left to the scalar rounding; beyond [lo, hi] the square
// overflows or the scalar kernel switches form).
HWY_INLINE M64 outside_hilo(V64 x, double lo, double hi) {
    return hn::Or(outside(x, lo, hi), hn::Lt(hn::Abs(x), C(1e-150)));
}

// expm1(r)^2 on r <= 354 (e^708 < DBL_MAX)
struct pearson_f_logu {
    static constexpr double (*scalar)(double) = &pearson::f_logu;
    static V64 eval(D64 d, V64 r, M64& rare) {
        rare = outside_hilo(r, -700.0, 354.0);
        V64 hi, lo;
        expm1_hilo(d, r, hi, lo);
        return square_hilo(hi, lo);
    }
};
// expm1(r/2)^2, r/2 <= 354
struct squared_hellinger_f_logu {
    static constexpr double (*scalar)(double) = &squared_hellinger::f_logu;
    static V64 eval(D64 d, V64 r, M64& rare) {
        rare = outside_hilo(r, -1400.0, 708.0);
        V64 hi, lo;
        expm1_hilo(d, hn::Mul(C(0.5), r), hi, lo);
        return square_hilo(hi, lo);
    }
};
// -expm1(r) expm1(-r) = e^2/(1 + e), e = expm1(|r|) (f(e^r) = f(e^-r))
struct neyman_f_logu {
    static constexpr double (*scalar)(double) = &neyman::f_logu;
    static V64 eval(D64 d, V64 r, M64& rare) {
        rare = outside_hilo(r, -700.0, 700.0);
        V64 hi, lo;
        expm1_hilo(d, hn::Abs(r), hi, lo);
        return square_over_hilo(hi, lo, 1.0);
    }
};
// expm1(r) tanh(r/2) = e^2/(2 + e), e = expm1(r)
HWY_INLINE V64 tri_f_logu(D64 d, V64 r, M64& rare) {
    rare = outside_hilo(r, -700.0, 700.0);
    V64 hi, lo;
    expm1_hilo(d, r, hi, lo);
    return square_over_hilo(hi, lo, 2.0);
}
struct triangular_f_logu {
    static constexpr double (*scalar)(double) = &triangular::f_logu;
    static V64 eval(D64 d, V64 r, M64& rare) { return tri_f_logu(d, r, rare); }
};
struct le_cam_f_logu {
    static constexpr double (*scalar)(double) = &le_cam::f_logu;
    static V64 eval(D64 d, V64 r, M64& rare) { return hn::Mul(C(0.5), tri_f_logu(d, r, rare)); }
};

// softened_reverse_kl: f'(e^r) = log1p(w) - w - log 2, w = e^-r, on |r| <= 700: three terms
// of one sign (log1p(w) <= w), so no cancellation (the scalar lg_r - e^-r cancels e^-r where
// r > 0).  df_logu and the activations share this form so that ratio_activation equals
// df_logu bitwise wherever that lies inside dom f* (tests/test_properties.py).
// f'(e^r) = -log 2 - e^-2r/2 + O(e^-3r) rounds onto or past the open boundary -log 2 from
// r ~ 17 on: the activations step those lanes down as the scalar step_inside does (same test,
// srkl_delta > 0 of lambert.h, same steps).
HWY_INLINE V64 srkl_df_logu(D64 d, V64 r, M64& rare) {
    rare = outside(r, -700.0, 700.0);
    const V64 w = hn::Exp(d, hn::Neg(r));
    return hn::Sub(hn::Sub(hn::Sub(hn::Log1p(d, w), w), C(LN2_HI)), C(LN2_LO));
}
// srkl_inside: -(sh + (se + LN2_LO)) > 0 with t + LN2_HI = sh + se (TwoSum)
HWY_INLINE M64 srkl_inside(V64 t) {
    V64 sh, se;
    two_sum(t, C(LN2_HI), sh, se);
    return hn::Lt(hn::Add(sh, hn::Add(se, C(LN2_LO))), hn::Zero(D64()));
}
// step_inside of softened.h on the lanes that are not rare, where t < 0 (every f'(e^r) is):
// at most 4 steps down
HWY_INLINE V64 srkl_step_inside(D64 d, V64 t, M64 rare) {
    M64 out = hn::AndNot(rare, hn::Not(srkl_inside(t)));
    if (HWY_LIKELY(hn::AllFalse(d, out))) return t;
    const hn::RebindToSigned<D64> di;
    for (int k = 0; k < 4; ++k) {
        // the next double towards -inf of a negative t: one more in the bit pattern
        const V64 down = hn::BitCast(d, hn::Add(hn::BitCast(di, t), hn::Set(di, 1)));
        t = hn::IfThenElse(out, down, t);
        out = hn::AndNot(srkl_inside(t), out);
    }
    return t;
}
struct softened_reverse_kl_df_logu {
    static constexpr double (*scalar)(double) = &softened_reverse_kl::df_logu;
    static V64 eval(D64 d, V64 r, M64& rare) { return srkl_df_logu(d, r, rare); }
};
struct softened_reverse_kl_activation {
    static constexpr double (*scalar)(double) = &softened_reverse_kl::activation;
    static V64 eval(D64 d, V64 r, M64& rare) {
        const V64 t = srkl_df_logu(d, r, rare);
        return srkl_step_inside(d, t, rare);
    }
};
struct softened_reverse_kl_ratio_activation {
    static constexpr double (*scalar)(double) = &softened_reverse_kl::ratio_activation;
    static V64 eval(D64 d, V64 r, M64& rare) {
        const V64 t = srkl_df_logu(d, r, rare);
        return srkl_step_inside(d, t, rare);
    }
};

}  // namespace x
}  // namespace k
}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_EXTRA_INL_H_
