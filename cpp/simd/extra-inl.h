// Vector kernels that need more than the Highway exponentials: expm1 as a double-double for
// the squares of chi2.h (pearson, neyman, squared_hellinger f_logu) and the triangular
// discrimination of tv.h (triangular, le_cam f_logu), and the softened_reverse_kl critic
// activations of softened.h.  Conventions of common-inl.h.
//
// float32 promotes to these double lanes (the kernels are not templates: no native32).
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

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {
namespace k {

// c - a b and a b - c rounded once (TwoProd, division remainders): Highway's NegMulAdd and
// MulSub round twice where FMA is emulated, there common-inl.h fma goes lane by lane.
HWY_INLINE V64 fnma(V64 a, V64 b, V64 c) {
#if HWY_NATIVE_FMA && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128
    return hn::NegMulAdd(a, b, c);
#else
    return fma(hn::Neg(a), b, c);
#endif
}
HWY_INLINE V64 fms(V64 a, V64 b, V64 c) {
#if HWY_NATIVE_FMA && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128
    return hn::MulSub(a, b, c);
#else
    return fma(a, b, hn::Neg(c));
#endif
}

// expm1(x) = hi + lo to about 2^-58 relative (|lo| <= ulp(hi)/2), for 1e-150 <= |x| <= 700
// (callers mark the rest rare).  With x = k log 2 + r, |r| <= log(2)/2 + 2^-40:
//  * r1 = x - k LN2_HI is exact (one fma): k LN2_HI is a multiple of 2^-53, x one of 2^-54
//    wherever k != 0 (|x| > 0.34), and |r1| < 1/2 needs no more than 53 bits of either;
//    r = r1 - k LN2_LO as r + r_l (r1 - r is exact but where r1 is within 2^-43 of 0, where
//    r_l does not matter);
//  * expm1(r) = r + r^2/2 + r^3 P(r): r + r^2/2 as a double-double (TwoProd, Fast2Sum), the
//    tail below r^2/6 < 0.021 |r| in plain double, P the degree-9 Chebyshev fit of
//    (expm1(r) - r - r^2/2)/r^3 on |r| <= 0.35 (mpmath chebyfit; the whole expm1(r) within
//    0.023 ulp of the exact value with the coefficients rounded), stored as 2P;
//  * expm1(x) = (2^k - 1) + 2^k expm1(r): 2^k - 1 as a + a_l exactly, then a + 2^k h by
//    Fast2Sum (|a| >= |2^k h| for every k, or a = 0), the scaling by 2^k exact (|k| <= 1010);
//    so no digit is lost where the sum cancels (k = +-1 against r near -+log(2)/2, the band
//    the fdlibm form of common-inl.h patches).
// Measured: the squares below within 0.62 ulp over 205,500 points (tests/test_simd_extra.py
// runs a smaller sample under every target).
HWY_INLINE void expm1_hilo(D64 d, V64 x, V64& hi, V64& lo) {
    const hn::RebindToSigned<D64> di;
    // t = 1.5 2^52 + k: k = round(x / log 2) sits in the low mantissa bits of t
    const V64 t = hn::MulAdd(x, C(0x1.71547652b82fep+0), C(0x1.8p52));
    const V64 kd = hn::Sub(t, C(0x1.8p52));
    // 2^k: the low 12 bits of the mantissa of t are k + 2^51 (mod 2^12) = k (mod 2^12)
    const V64 p = hn::BitCast(d, hn::ShiftLeft<52>(hn::Add(hn::BitCast(di, t), hn::Set(di, 1023))));
    const V64 r1 = fnma(kd, C(LN2_HI), x);
    const V64 r = fnma(kd, C(LN2_LO), r1);
    const V64 rl = fnma(kd, C(LN2_LO), hn::Sub(r1, r));
    // r + r^2/2 = h + e exactly (|r^2/2| < |r|/5: Fast2Sum), tail and r_l e^r ~ r_l (1 + r)
    const V64 hr = hn::Mul(C(0.5), r);
    const V64 s = hn::Mul(hr, r);
    const V64 se = fms(hr, r, s);
    const V64 h = hn::Add(r, s);
    const V64 e = hn::Sub(s, hn::Sub(h, r));
    V64 q = C(0x1.1f6942ca28386p-28);
    q = hn::MulAdd(q, r, C(0x1.af3cd7b3560d9p-25));
    q = hn::MulAdd(q, r, C(0x1.27e4e0f0f6358p-21));
    q = hn::MulAdd(q, r, C(0x1.71de0be80e7e8p-18));
    q = hn::MulAdd(q, r, C(0x1.a01a01a4be7f8p-15));
    q = hn::MulAdd(q, r, C(0x1.a01a01a83a3a3p-12));
    q = hn::MulAdd(q, r, C(0x1.6c16c16c1678ap-9));
    q = hn::MulAdd(q, r, C(0x1.111111111091ap-6));
    q = hn::MulAdd(q, r, C(0x1.5555555555555p-4));
    q = hn::MulAdd(q, r, C(0x1.5555555555556p-2));
    const V64 tail = hn::Mul(hn::Mul(s, r), q);  // r^3 P = (r^2/2) r (2P)
    const V64 el = hn::Add(e, hn::Add(se, hn::MulAdd(rl, r, hn::Add(rl, tail))));
    // 2^k - 1 = a + a_l: exact by Fast2Sum for k >= 0, and a_l = 0 for -53 <= k < 0, where
    // p - 1 is exact; below (x < -36.7) the full TwoSum, which gives the same bits elsewhere
    const V64 a = hn::Sub(p, C(1.0));
    V64 al = hn::Sub(hn::Sub(p, a), C(1.0));
    if (HWY_UNLIKELY(!hn::AllFalse(d, hn::Lt(kd, C(-53.0))))) {
        V64 a2;
        two_sum(p, C(-1.0), a2, al);
    }
    const V64 ph = hn::Mul(p, h);
    const V64 sh = hn::Add(a, ph);
    const V64 sl = hn::Sub(ph, hn::Sub(sh, a));
    const V64 l = hn::Add(sl, hn::MulAdd(p, el, al));  // up to 2% of sh: the tail is in el
    hi = hn::Add(sh, l);
    lo = hn::Sub(l, hn::Sub(hi, sh));
}

// (hi + lo)^2 rounded once, but for the last addition: the exact square of hi (TwoProd)
// plus 2 hi lo.
HWY_INLINE V64 square_hilo(V64 hi, V64 lo) {
    const V64 pp = hn::Mul(hi, hi);
    const V64 pe = fms(hi, hi, pp);
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
    const V64 rem = hn::Add(fnma(q0, dh, hi), hn::NegMulAdd(q0, dl, lo));
    const V64 q1 = hn::Mul(rem, inv);
    const V64 pp = hn::Mul(hi, q0);
    const V64 pe = fms(hi, q0, pp);
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
    const V64 w = exp_in(hn::Neg(r));
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

}  // namespace k
}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_EXTRA_INL_H_
