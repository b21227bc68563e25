// Double-double vector helpers for the parametric families (alpha-inl.h, jsw-inl.h): log u,
// e^x and e^x - 1 - x carried as hi + lo to about 2^-58 relative, so that u^b, (u^b - 1)/b and
// the cancelling sums of the alpha generator keep ~1 ulp after one final rounding.  The
// ranges below are each helper's contract; callers mark every other lane rare
// (common-inl.h).  Re-included once per target (toggle guard).
#ifndef FDIV_SIMD_DD_TABLES_H_
#define FDIV_SIMD_DD_TABLES_H_
namespace fdv {
namespace ddtab {
// dd::log's and dd::exp_t's tables, from scripts/gen_dd_tables.py (which documents them and
// checks this copy): 1/c on 16 intervals of [0.671875, 1.34375), log c = -log(1/c) as a multiple
// of 2^-42 plus a rounded remainder, log 2 split the same way; 2^(j/16) in dd, log(2)/16 split
// at 2^-43, and 16/log 2.
// clang-format off
alignas(64) constexpr double kLogInvC[16] = {0x1.745d1745d1746p+0, 0x1.642c8590b2164p+0, 0x1.5555555555555p+0, 0x1.47ae147ae147bp+0, 0x1.3b13b13b13b14p+0, 0x1.2f684bda12f68p+0, 0x1.2492492492492p+0, 0x1.1a7b9611a7b96p+0, 0x1.1111111111111p+0, 0x1.0842108421084p+0, 0x1.0000000000000p+0, 0x1.e1e1e1e1e1e1ep-1, 0x1.c71c71c71c71cp-1, 0x1.af286bca1af28p-1, 0x1.999999999999ap-1, 0x1.8618618618618p-1};
alignas(64) constexpr double kLogCHi[16] = {-0x1.7fafa3bd81000p-2, -0x1.522ae0738a000p-2, -0x1.269621134e000p-2, -0x1.f991c6cb3c000p-3, -0x1.a93ed3c8ae000p-3, -0x1.5bf406b544000p-3, -0x1.1178e8227e000p-3, -0x1.9335e5d594000p-4, -0x1.08598b59e4000p-4, -0x1.0415d89e78000p-5, 0x0.0p+0, 0x1.f0a30c0118000p-5, 0x1.e27076e2b0000p-4, 0x1.5ff3070a7a000p-3, 0x1.c8ff7c79aa000p-3, 0x1.1675cababa000p-2};
alignas(64) constexpr double kLogCLo[16] = {-0x1.471b79bf6d4cbp-44, -0x1.eba708164c759p-45, 0x1.1ba1f10522625p-44, 0x1.90b84cd7cc834p-44, 0x1.86a4350562169p-45, 0x1.28023eb68981cp-46, -0x1.1e778ce2d07f2p-45, -0x1.30f5c3abd47dap-45, 0x1.7e9dd7009902cp-46, 0x1.ddfc7f461c516p-44, 0x0.0p+0, -0x1.d579e83368e91p-45, -0x1.a2c2c2af0003cp-45, -0x1.8546f183bebf2p-44, -0x1.7814f689f8434p-45, 0x1.83c0e731f55c4p-44};
alignas(64) constexpr double kLogLn2[2] = {0x1.62e42fefa3800p-1, 0x1.ef35793c76730p-45};
alignas(64) constexpr double kExpTHi[16] = {0x1.0000000000000p+0, 0x1.0b5586cf9890fp+0, 0x1.172b83c7d517bp+0, 0x1.2387a6e756238p+0, 0x1.306fe0a31b715p+0, 0x1.3dea64c123422p+0, 0x1.4bfdad5362a27p+0, 0x1.5ab07dd485429p+0, 0x1.6a09e667f3bcdp+0, 0x1.7a11473eb0187p+0, 0x1.8ace5422aa0dbp+0, 0x1.9c49182a3f090p+0, 0x1.ae89f995ad3adp+0, 0x1.c199bdd85529cp+0, 0x1.d5818dcfba487p+0, 0x1.ea4afa2a490dap+0};
alignas(64) constexpr double kExpTLo[16] = {0x0.0p+0, 0x1.8a62e4adc610bp-54, -0x1.19041b9d78a76p-55, 0x1.9b07eb6c70573p-54, 0x1.6f46ad23182e4p-55, 0x1.ada0911f09ebcp-55, 0x1.d4397afec42e2p-56, 0x1.6324c054647adp-54, -0x1.bdd3413b26456p-54, -0x1.41577ee04992fp-55, 0x1.6e9f156864b27p-54, 0x1.c7c46b071f2bep-56, 0x1.7a1cd345dcc81p-54, 0x1.11065895048ddp-55, 0x1.2ed02d75b3707p-55, -0x1.e9c23179c2893p-54};
alignas(64) constexpr double kExpL16[3] = {0x1.62e42fefa4000p-5, -0x1.8432a1b0e2634p-47, 0x1.71547652b82fep+4};
// clang-format on
}  // namespace ddtab
}  // namespace fdv
#endif  // FDIV_SIMD_DD_TABLES_H_

#if defined(FDIV_SIMD_DD_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef FDIV_SIMD_DD_INL_H_
#undef FDIV_SIMD_DD_INL_H_
#else
#define FDIV_SIMD_DD_INL_H_
#endif

#include <quadmath.h>

#include "simd/common-inl.h"

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {
namespace dd {

// x = hi + lo, |lo| <= ulp(hi)/2 after a renormalisation
struct V2 {
    V64 hi, lo;
};

HWY_INLINE V2 two_sum(V64 a, V64 b) {
    V2 r;
    fdv::HWY_NAMESPACE::two_sum(a, b, r.hi, r.lo);
    return r;
}
// |a| >= |b| (or a = 0)
HWY_INLINE V2 fast_two_sum(V64 a, V64 b) {
    V64 s = hn::Add(a, b);
    return {s, hn::Sub(b, hn::Sub(s, a))};
}
HWY_INLINE V2 two_prod(V64 a, V64 b) {
    V64 p = hn::Mul(a, b);
    return {p, fma(a, b, hn::Neg(p))};
}
// a + b, relative error ~2^-104 unless the sum cancels below the low parts
HWY_INLINE V2 add(V2 a, V2 b) {
    V2 s = two_sum(a.hi, b.hi);
    return fast_two_sum(s.hi, hn::Add(s.lo, hn::Add(a.lo, b.lo)));
}
HWY_INLINE V2 add_d(V2 a, V64 b) {
    V2 s = two_sum(a.hi, b);
    return fast_two_sum(s.hi, hn::Add(s.lo, a.lo));
}
HWY_INLINE V2 neg(V2 a) { return {hn::Neg(a.hi), hn::Neg(a.lo)}; }
HWY_INLINE V2 mul(V2 a, V2 b) {
    V2 p = two_prod(a.hi, b.hi);
    V64 lo = fma(a.hi, b.lo, fma(a.lo, b.hi, p.lo));
    return fast_two_sum(p.hi, lo);
}
// a b with the low part unnormalised (|lo| below ~2 ulp of hi): for a sum that renormalises
HWY_INLINE V2 mul_ln(V2 a, V2 b) {
    V2 p = two_prod(a.hi, b.hi);
    return {p.hi, fma(a.hi, b.lo, fma(a.lo, b.hi, p.lo))};
}
// a b + c d rounded once, from mul_ln's products and one TwoSum (relative error ~2^-104 unless
// the sum cancels below the low parts)
HWY_INLINE V64 dot2(V2 a, V2 b, V2 c, V2 e) {
    const V2 x = mul_ln(a, b), y = mul_ln(c, e);
    const V2 s = two_sum(x.hi, y.hi);
    return hn::Add(s.hi, hn::Add(s.lo, hn::Add(x.lo, y.lo)));
}
HWY_INLINE V2 mul_d(V2 a, V64 b) {
    V2 p = two_prod(a.hi, b);
    return fast_two_sum(p.hi, fma(a.lo, b, p.lo));
}
// a / b with one division: q = a.hi (1/b.hi) (two roundings), the residual
// a - q b = (a.hi - q b.hi) + a.lo - q b.lo (the first part exact by FMA) times 1/b.hi
// corrects it to ~2^-104 relative, what log(a/b) next to a = b needs (js_weighted f'
// at u = 1 - 2^-53).  (The division's throughput, not its result, is what the double-double
// kernels waited on.)  Needs 1/b.hi normal: |b.hi| in [2^-1022, 2^1022].
HWY_INLINE V2 div_with(V2 a, V2 b, V64 inv) {
    const V64 q = hn::Mul(a.hi, inv);
    const V64 r = hn::Sub(hn::Add(fma(hn::Neg(q), b.hi, a.hi), a.lo), hn::Mul(q, b.lo));
    return fast_two_sum(q, hn::Mul(r, inv));
}
HWY_INLINE V2 div(V2 a, V2 b) { return div_with(a, b, hn::Div(C(1.0), b.hi)); }
// a / b to ~2^-102 relative from recip's reciprocal (no division on AVX-512)
HWY_INLINE V2 div_r(V2 a, V2 b) { return div_with(a, b, recip(b.hi)); }
HWY_INLINE V64 round(V2 a) { return hn::Add(a.hi, a.lo); }
// 1/(h + l) as a dd constant (per call: a parameter's reciprocal, so that kernels multiply)
HWY_INLINE V2 recip(double h, double l) {
    const double r = 1.0 / h;
    return {C(r), C((std::fma(-r, h, 1.0) - r * l) / h)};
}

// log 2 to 2^-107 (special.h LN2_HI, LN2_LO)
constexpr double kLn2Hi = 0x1.62e42fefa39efp-1;
constexpr double kLn2Lo = 2.3190468138462996e-17;

// The 16-entry table t[i] (t: 16 doubles, 64-byte aligned) at each lane's i in [0, 16): one
// two-table permute on AVX-512, a gather elsewhere.
HWY_INLINE V64 lookup16(const double* t, hn::Vec<hn::RebindToSigned<D64>> i) {
    const D64 d;
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
    return V64{_mm512_permutex2var_pd(hn::Load(d, t).raw, i.raw, hn::Load(d, t + 8).raw)};
#else
    return hn::GatherIndex(d, t, i);
#endif
}

// log x for finite normal x > 0 in dd, relative error below 2^-62.5 (4M inputs against binary128:
// 2^-62.9; the largest errors sit where k = 0 and |log x| ~ 2^-5, absolute 2^-68 elsewhere).
// x = 2^k z, z in [0.671875, 1.34375), on 16 intervals with c near their centre (1/c = invc,
// ddtab::kLogInvC; c = 1 on the interval holding 1):
//   log x = k log 2 + log c + log1p(r + e),   z invc = 1 + r + e,
// r = z invc - 1 exact (Sterbenz) and e the product's rounding error (FMA, |e| <= 2^-53), so
// log1p(r + e) = log1p(r) + e/(1 + r) (+ O(e^2)) with |r| <= 2^-5:
//   log1p(r) = r - r^2/2 + r^3 P(r),  P = sum_{n <= 10} (-r)^n/(n + 3)  (truncation 2^-57 of P),
// r - r^2/2 formed exactly in dd (TwoProd, FastTwoSum) and r^3 P (< 2^-12 of the value) in double;
// k LN2_HI + LOGC_HI is exact (multiples of 2^-42 below 2^10), and one TwoSum joins it to r.
// No division; next to x = 1 (c = 1) nothing cancels, and elsewhere |log x| >= |log c|/2.
// With a low part (log of xh + xl, |xl| <= ulp(xh)): z invc (1 + xl/xh) = 1 + r + e + xl 2^-k invc,
// so xl 2^-k invc (2^-k in two factors, each a normal double) joins e, |e| <= 2^-52: no division.
template <bool kLow>
HWY_INLINE V2 log_impl(V64 x, V64 xl) {
    const D64 d;
    const hn::RebindToSigned<D64> di;
    const auto bits = hn::BitCast(di, x);
    const auto tmp = hn::Sub(bits, hn::Set(di, 0x3fe5800000000000LL));
    const auto k = hn::ShiftRight<52>(tmp);
    const auto i = hn::And(hn::ShiftRight<48>(tmp), hn::Set(di, 15));
    const V64 z = hn::BitCast(d, hn::Sub(bits, hn::ShiftLeft<52>(k)));
    const V64 kf = hn::ConvertTo(d, k);
    const V64 invc = lookup16(ddtab::kLogInvC, i);
    const V64 p = hn::Mul(z, invc);
    V64 e = fma(z, invc, hn::Neg(p));
    if constexpr (kLow) {
        const auto k1 = hn::ShiftRight<1>(k);
        const auto s1 = hn::BitCast(d, hn::ShiftLeft<52>(hn::Sub(hn::Set(di, 1023), k1)));
        const auto s2 =
            hn::BitCast(d, hn::ShiftLeft<52>(hn::Sub(hn::Set(di, 1023), hn::Sub(k, k1))));
        e = hn::MulAdd(hn::Mul(hn::Mul(xl, s1), s2), invc, e);
    }
    const V64 r = hn::Sub(p, C(1.0));
    V64 P = C(1.0 / 13);
    for (int n = 9; n >= 0; --n) P = hn::MulAdd(P, r, C((n % 2 ? -1.0 : 1.0) / (n + 3)));
    const V2 r2 = two_prod(r, r);
    const V2 S = fast_two_sum(r, hn::Mul(C(-0.5), r2.hi));
    // e/(1 + r) = e (1 - r + r^2 - r^3) to 2^-73
    const V64 q =
        hn::NegMulAdd(r, hn::NegMulAdd(r, hn::NegMulAdd(r, C(1.0), C(1.0)), C(1.0)), C(1.0));
    V64 lo = hn::MulAdd(hn::Mul(r2.hi, r), P, hn::Mul(e, q));
    lo = hn::Add(lo, hn::MulAdd(C(-0.5), r2.lo, S.lo));
    const V64 h0 = hn::MulAdd(kf, C(ddtab::kLogLn2[0]), lookup16(ddtab::kLogCHi, i));
    const V2 H = two_sum(h0, S.hi);
    const V64 cl = hn::MulAdd(kf, C(ddtab::kLogLn2[1]), lookup16(ddtab::kLogCLo, i));
    return fast_two_sum(H.hi, hn::Add(lo, hn::Add(H.lo, cl)));
}
HWY_INLINE V2 log(V64 x) { return log_impl<false>(x, x); }
// log(x.hi + x.lo) for finite normal x.hi > 0, |x.lo| <= ulp(x.hi)
HWY_INLINE V2 log(V2 x) { return log_impl<true>(x.hi, x.lo); }

// 1/(k+3)!, k = 0..12: the Taylor coefficients of (e^s - 1 - s - s^2/2)/s^3
constexpr double kInvFact3[13] = {1.0 / 6,
                                  1.0 / 24,
                                  1.0 / 120,
                                  1.0 / 720,
                                  1.0 / 5040,
                                  1.0 / 40320,
                                  1.0 / 362880,
                                  1.0 / 3628800,
                                  1.0 / 39916800,
                                  1.0 / 479001600,
                                  1.0 / 6227020800.0,
                                  1.0 / 87178291200.0,
                                  1.0 / 1307674368000.0};

// Q(s) = sum_k s^k/(k+3)!, k = 0..12 (Horner)
HWY_INLINE V64 inv_fact3_sum(V64 s) {
    V64 Q = C(kInvFact3[12]);
    for (int k = 11; k >= 0; --k) Q = hn::MulAdd(Q, s, C(kInvFact3[k]));
    return Q;
}

// E(s) = e^s - 1 - s for |s| <= 0.35 (s = sh + sl, |sl| <= ulp(sh)):
//   E = s^2/2 + s^3 Q(s), Q(s) = sum_k s^k/(k+3)!  (13 terms: below 2^-64 of E),
// s^2/2 exact by TwoProd and s^3 Q (< |s|/3 of E) rounded in double: relative error ~2^-57.
// The low part adds (e^sh - 1) sl.
HWY_INLINE V2 E_small(V64 sh, V64 sl) {
    const V64 Q = inv_fact3_sum(sh);
    const V2 p = two_prod(sh, sh);
    const V64 hh = hn::Mul(C(0.5), p.hi);
    V64 lo = hn::MulAdd(hn::Mul(p.hi, sh), Q, hn::Mul(C(0.5), p.lo));
    lo = hn::MulAdd(sl, hn::Add(sh, hh), lo);
    return fast_two_sum(hh, lo);
}

// e^x = scale (v.hi + v.lo) for x = xh + xl, |xh| <= 708, |xl| <= 2^-50 |xh| (exp_t).
struct ExpT {
    V64 scale;  // 2^e
    V2 v;       // in [2^-1/32, 2^(31/32)), relative error below 2^-62
};
// q = 16 e + j = round(16 xh/log 2), s = xh - q L16_HI exact (FMA; q L16_HI and the difference
// are multiples of the lsb of xh or 2^-43), |s| <= log(2)/32 + 2^-40, t = xl - q L16_LO
// (|t| < 2^-31), and
//   e^x = 2^e T_j e^(s + t),  T_j = 2^(j/16) (table, dd),
//   e^(s + t) = 1 + s + w,  w = s^2 Q(s) + t (1 + s + s^2 Q(s))  (t^2/2 < 2^-63),
// Q(s) = sum_{k=0..6} s^k/(k + 2)! (truncation 2^-60 of s^2 Q); T_j (1 + s + w) with T_j s exact
// (TwoProd) and T_j w + T_lo (< 2^-4.6 of the value) in double: 16 vector operations, two
// permutes (table) and the scale, instead of a 13-term E(s) in dd.
HWY_INLINE ExpT exp_t(V64 xh, V64 xl) {
    const D64 d;
    const hn::RebindToSigned<D64> di;
    // q by the shifter 1.5 2^52: kx's low bits hold q (two's complement), no conversion
    const V64 kx = hn::MulAdd(xh, C(ddtab::kExpL16[2]), C(0x1.8p52));
    const V64 qf = hn::Sub(kx, C(0x1.8p52));
    const auto qi = hn::BitCast(di, kx);
    const auto j = hn::And(qi, hn::Set(di, 15));
    // floor(q/16) + 2^47 (the shifter's bits, shifted out below)
    const auto e = hn::ShiftRight<4>(qi);
    const V64 s = fma(hn::Neg(qf), C(ddtab::kExpL16[0]), xh);
    const V64 t = fma(hn::Neg(qf), C(ddtab::kExpL16[1]), xl);
    V64 Q = C(1.0 / 40320);
    Q = hn::MulAdd(Q, s, C(1.0 / 5040));
    Q = hn::MulAdd(Q, s, C(1.0 / 720));
    Q = hn::MulAdd(Q, s, C(1.0 / 120));
    Q = hn::MulAdd(Q, s, C(1.0 / 24));
    Q = hn::MulAdd(Q, s, C(1.0 / 6));
    Q = hn::MulAdd(Q, s, C(0.5));
    const V64 u2 = hn::Mul(hn::Mul(s, s), Q);
    const V64 w = hn::Add(u2, hn::MulAdd(t, hn::Add(s, u2), t));
    const V64 Th = lookup16(ddtab::kExpTHi, j), Tl = lookup16(ddtab::kExpTLo, j);
    const V2 a = two_prod(Th, s);
    const V2 h = fast_two_sum(Th, a.hi);
    ExpT r;
    r.v = fast_two_sum(h.hi, hn::Add(hn::Add(h.lo, a.lo), hn::MulAdd(Th, w, Tl)));
    r.scale = hn::BitCast(d, hn::ShiftLeft<52>(hn::Add(e, hn::Set(di, 1023))));
    return r;
}
// e^x - 1 in dd for |x| <= 2 from plain exp's steps (exp_reduce, Highway's polynomial) with
// their roundings kept: r = x - q log 2 as rh + rl (the second reduction step's residual),
// expm1(rh) = rh + rh^2 P(rh) (Highway's polynomial) summed in dd, expm1(r) = y + (1 + y) rl,
// and (2^q - 1) + 2^q y by TwoSum (2^q - 1 exact, the product an exact scaling).  What is left
// is Highway's approximation error: 2^-56.2 relative over 500k points on [-2, 2] against mpmath,
// for about half the operations of expm1_x (no table, no second exponential).
HWY_INLINE V2 expm1_lite(V64 x) {
    V64 kx, rl;
    const V64 rh = exp_reduce(x, kx, &rl);
    // rh^2 P(rh) = rh^2/2 + rh^3 P1(rh) (P1: ExpImpl<double>::ExpPoly's k1..k10): the first
    // term exact (TwoProd), the second below 0.02 of y, so its roundings stay below 2^-58 of y
    const V64 P1 = exp_poly_p1(rh);
    const V2 r2 = two_prod(rh, rh);
    V2 y = two_sum(rh, hn::Mul(C(0.5), r2.hi));
    y.lo = hn::Add(y.lo, hn::MulAdd(hn::Mul(r2.hi, rh), P1, hn::Mul(C(0.5), r2.lo)));
    y.lo = hn::MulAdd(hn::Add(C(1.0), y.hi), rl, y.lo);
    const V64 p = exp_scale(C(1.0), kx);
    V2 res = two_sum(hn::Sub(p, C(1.0)), hn::Mul(p, y.hi));
    res.lo = hn::MulAdd(p, y.lo, res.lo);
    return fast_two_sum(res.hi, res.lo);
}
// e^x in dd from exp_t, |xh| <= 708 (relative error below 2^-62 down to e^x ~ 2^-968, where
// the low part starts to lose bits to the subnormals: 2^-53.7 at e^-708)
HWY_INLINE V2 exp_x(V64 xh, V64 xl) {
    const ExpT e = exp_t(xh, xl);
    return {hn::Mul(e.scale, e.v.hi), hn::Mul(e.scale, e.v.lo)};
}
// e^x - 1 from exp_t's parts: 2^e v - 1 (cancelling at most 1/(1 - e^-0.35) = 3.4 where
// |x| > 0.35)
HWY_INLINE V2 expm1_big(const ExpT& e) {
    const V2 big = two_sum(hn::Mul(e.scale, e.v.hi), C(-1.0));
    return fast_two_sum(big.hi, hn::MulAdd(e.scale, e.v.lo, big.lo));
}
// x + E(x) by E_small for |xh| <= 0.35, lanes outside that band given `other`
HWY_INLINE V2 expm1_small_or(V64 xh, V64 xl, M64 small, V2 other) {
    const V64 sh = hn::IfThenElseZero(small, xh), sl = hn::IfThenElseZero(small, xl);
    const V2 rs = add(V2{sh, sl}, E_small(sh, sl));
    return {hn::IfThenElse(small, rs.hi, other.hi), hn::IfThenElse(small, rs.lo, other.lo)};
}
// e^x - 1 in dd, |xh| <= 708: x + E(x) (E_small) for |xh| <= 0.35, expm1_big elsewhere: relative
// error below 2^-56.5 (2M inputs against binary128).  Each form runs only for vectors that hold
// its lanes.
HWY_INLINE V2 expm1_x(V64 xh, V64 xl) {
    const D64 d;
    const M64 small = hn::Le(hn::Abs(xh), C(0.35));
    V2 res{hn::Zero(d), hn::Zero(d)};
    if (!hn::AllTrue(d, small)) res = expm1_big(exp_t(xh, xl));
    if (!hn::AllFalse(d, small)) res = expm1_small_or(xh, xl, small, res);
    return res;
}
// e^x - 1 in dd given exp_t's parts for x (as expm1_x)
HWY_INLINE V2 expm1_from(const ExpT& e, V64 xh, V64 xl) {
    const D64 d;
    const M64 small = hn::Le(hn::Abs(xh), C(0.35));
    V2 em = expm1_big(e);
    if (!hn::AllFalse(d, small)) em = expm1_small_or(xh, xl, small, em);
    return em;
}
HWY_INLINE V2 exp_from(const ExpT& e) {
    return {hn::Mul(e.scale, e.v.hi), hn::Mul(e.scale, e.v.lo)};
}
// E(x) = e^x - 1 - x in dd, |xh| <= 708: E_small for |xh| <= 0.35, expm1_big(exp_t) - x
// elsewhere (expm1 to ~2^-60 there, the subtraction cancelling at most e^0.35 - 1 over
// E(0.35), a factor 6.1): relative error ~2^-57.  Each form runs only for vectors that hold
// its lanes.
HWY_INLINE V2 E_x(V64 xh, V64 xl) {
    const D64 d;
    const M64 small = hn::Le(hn::Abs(xh), C(0.35));
    V2 res{hn::Zero(d), hn::Zero(d)};
    if (!hn::AllTrue(d, small)) res = add(expm1_big(exp_t(xh, xl)), V2{hn::Neg(xh), hn::Neg(xl)});
    if (!hn::AllFalse(d, small)) {
        const V2 es = E_small(hn::IfThenElseZero(small, xh), hn::IfThenElseZero(small, xl));
        res = {hn::IfThenElse(small, es.hi, res.hi), hn::IfThenElse(small, es.lo, res.lo)};
    }
    return res;
}

// The zero of c - softplus(x), c = ch + cl > 0: x0 = c + log(s0) with s0 = 1 - e^-c =
// sigma(x0), both to ~2^-106 (binary128, once per parameter value: the activations' caches).
struct softplus_zero {
    double x0h, x0l, s0h, s0l;
};
inline softplus_zero make_softplus_zero(double ch, double cl) {
    const __float128 c = static_cast<__float128>(ch) + cl;
    const __float128 s0 = -expm1q(-c);
    const __float128 x0 = c + logq(s0);
    softplus_zero z;
    z.x0h = static_cast<double>(x0);
    z.x0l = static_cast<double>(x0 - z.x0h);
    z.s0h = static_cast<double>(s0);
    z.s0l = static_cast<double>(s0 - z.s0h);
    return z;
}

// softplus(x) = max(x, 0) + log(1 + e^-|x|) in dd for |x| <= 700 (relative error ~2^-56)
HWY_INLINE V2 softplus(V64 x) {
    const D64 d;
    const V2 z = exp_x(hn::Neg(hn::Abs(x)), hn::Zero(d));  // e^-|x| in (0, 1]
    return add_d(log(add_d(z, C(1.0))), hn::Max(x, hn::Zero(d)));
}

// ((ch - max(x, 0)) - L) + cl in plain double, with L = log(1 + e^-|x|) (also returned): the
// float32 form below
HWY_INLINE V64 c_minus_softplus_plain(V64 x, double ch, double cl, V64& L) {
    const D64 d;
    L = hn::Log1p(d, exp_in(hn::Neg(hn::Abs(x))));
    return hn::Add(hn::Sub(hn::Sub(C(ch), hn::Max(x, hn::Zero(d))), L), C(cl));
}

// c - softplus(x) rounded once, c = ch + cl > 0 with its zero z, for |x| <= 700, in three forms
// chosen per lane (a lane's value depends on its input alone):
// * plain double where the result t is at least 8 times L = log(1 + e^-|x|):
//   t = ((ch - max(x, 0))_hi - L) + ((ch - max(x, 0))_lo + cl), the difference exact by TwoSum,
//   rounds twice (1 ulp of t), and L's error (Highway's Exp 1 ulp and Log1p 2 ulp: 3 2^-52 of L,
//   so at most 3/8 2^-52 t) adds 3/4 ulp: 1.75 ulp in all (dense sampling: 1.1);
// * the other lanes (L is a large part of what cancels) with |t| >= c/16: c minus softplus in
//   dd (relative error ~2^-56 of c, so ~2^-52 of the result);
// * the band |t| < c/16 around the zero x0 of g: the form without cancellation
//     c - softplus(x) = -log(1 + s0 expm1(d)),  d = x - x0,  s0 = sigma(x0),
//   in dd (d exact in dd, each term to ~2^-56 of itself; 1 + s0 expm1(d) =
//   (1 + e^x)/(1 + e^x0) >= max(e^-c, s0 e^d) >= 2^-47 for |d| <= 32, so its dd keeps 2^-59).
//   Band lanes with |d| > 32 (c above ~500) are marked rare.
// The dd forms run only for vectors that hold such lanes.  (The band test reads the plain t:
// near the edge c/16 both dd forms are accurate, so where t's few ulp move a lane across it,
// either value is.)
HWY_INLINE V64 c_minus_softplus(V64 x, double ch, double cl, const softplus_zero& z, M64& rare) {
    const D64 d;
    const V64 L = hn::Log1p(d, exp_in(hn::Neg(hn::Abs(x))));
    const V2 cm = two_sum(C(ch), hn::Neg(hn::Max(x, hn::Zero(d))));
    const V64 t = hn::Add(hn::Sub(cm.hi, L), hn::Add(cm.lo, C(cl)));
    const M64 near = hn::Not(hn::Ge(hn::Abs(t), hn::Mul(C(8.0), L)));
    if (HWY_LIKELY(hn::AllFalse(d, near))) return t;
    const M64 band = hn::And(near, hn::Lt(hn::Abs(t), C(0.0625 * ch)));
    V64 res = t;
    if (!hn::AllFalse(d, hn::AndNot(band, near))) {
        const V64 e = round(add(V2{C(ch), C(cl)}, neg(softplus(x))));
        res = hn::IfThenElse(hn::AndNot(band, near), e, res);
    }
    if (hn::AllFalse(d, band)) return res;
    const V2 dx = add_d(two_sum(x, C(-z.x0h)), C(-z.x0l));
    const M64 ok = hn::And(band, hn::Le(hn::Abs(dx.hi), C(32.0)));
    rare = hn::Or(rare, hn::AndNot(ok, band));
    const V64 dh = hn::IfThenElseZero(ok, dx.hi), dl = hn::IfThenElseZero(ok, dx.lo);
    const V2 y = mul(expm1_x(dh, dl), V2{C(z.s0h), C(z.s0l)});
    const V64 g = hn::Neg(round(log(add_d(y, C(1.0)))));
    return hn::IfThenElse(ok, g, res);
}

// The float32 form of c_minus_softplus (eval32, common-inl.h): ((c - max(x, 0)) - L) + c_lo in
// plain double, whose error (a few ulp of c, x and L) stays below 2^-40 of the result outside
// |result| < 2^-16 (c + |x|); there -log1p(s0 expm1(d)) with d = (x - x0h) - x0l (no
// cancellation; 1 + s0 expm1(d) >= 2e-4 for |d| <= 8, so log1p keeps 2^-43) for 0 < |d| <= 8,
// other lanes rare.
HWY_INLINE V64 c_minus_softplus32(V64 x, double ch, double cl, const softplus_zero& z, M64& rare) {
    const D64 d;
    V64 L;
    const V64 res = c_minus_softplus_plain(x, ch, cl, L);
    const M64 band = hn::Lt(hn::Abs(res), hn::Mul(hn::Add(C(ch), hn::Abs(x)), C(0x1p-16)));
    if (HWY_LIKELY(hn::AllFalse(d, band))) return res;
    const V64 dx = hn::Sub(hn::Sub(x, C(z.x0h)), C(z.x0l));
    const V64 adx = hn::Abs(dx);
    const M64 ok = hn::And(band, hn::And(hn::Gt(adx, hn::Zero(d)), hn::Le(adx, C(8.0))));
    rare = hn::Or(rare, hn::AndNot(ok, band));
    const V64 em = fdv::HWY_NAMESPACE::expm1(hn::IfThenElse(ok, dx, C(1.0)));
    const V64 g = hn::Neg(hn::Log1p(d, hn::Mul(em, C(z.s0h))));
    return hn::IfThenElse(ok, g, res);
}

}  // namespace dd
}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_DD_INL_H_
