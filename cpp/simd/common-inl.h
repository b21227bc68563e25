// Per-target helpers shared by the vector kernels: the contiguous array drivers and vector
// forms of the special.h helpers.  Re-included once per target (toggle guard).
//
// The kernel convention.  A kernel struct K has
//   static constexpr double (*scalar)(double)   the reference kernel of cpp/include/fdiv,
//   static V eval(D d, V x, M& rare)             the vector form on the common domain,
// and eval sets `rare` on every lane it does not handle: NaN, +-inf, 0, subnormals, negative
// or out-of-domain inputs and the extreme ranges where the scalar kernel switches to a
// special form.  Those lanes are recomputed by the scalar kernel, so the special-value
// conventions (docs/kernels.md) are the scalar ones by construction, and Highway 1.0.3's wrong
// special values (Log(0) = -746.5, Log(NaN) = 710.2, Log1p(-1) = -709.1, Log1p(+inf) = NaN,
// Exp(NaN) = 0, Expm1(-0) = +0) never reach a result: every call below is masked to inputs
// inside its documented valid range.  Parametric kernels take the parameter as a double
// after x and have `static bool bad(double)`.
#if defined(FDIV_SIMD_COMMON_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef FDIV_SIMD_COMMON_INL_H_
#undef FDIV_SIMD_COMMON_INL_H_
#else
#define FDIV_SIMD_COMMON_INL_H_
#endif

#include <cfloat>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "dispatch.h"
#include "fdiv/special.h"
#include "hwy/cache_control.h"
#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"

// for (k = 0; k < K; ++k), unrolled: the lockstep loops of the eval2 kernels, whose arrays
// of vectors then stay in registers
#ifndef FDIV_EACH
#define FDIV_EACH(k, K) _Pragma("GCC unroll 4") for (int k = 0; k < (K); ++k)
#endif

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using D64 = hn::ScalableTag<double>;
using V64 = hn::Vec<D64>;
using M64 = hn::Mask<D64>;
using D32h = hn::Rebind<float, D64>;  // as many floats as doubles (the promoted float32 path)
using D32 = hn::ScalableTag<float>;   // full float vectors (the native float32 path)

// A buffer that holds one vector of any target (up to 2048-bit vectors of floats).
constexpr std::size_t kMaxLanes = 64;

HWY_INLINE V64 C(double c) { return hn::Set(D64(), c); }
// The constant c in the lane type of d.  Every constant of a kernel is exact or meant to be
// rounded to that type; range limits that differ between the types come from lim<T>.
template <class D>
HWY_INLINE hn::Vec<D> C(D d, double c) {
    return hn::Set(d, static_cast<hn::TFromD<D>>(c));
}

// The limits of the vector forms per lane type.  A kernel computes on its common domain in the
// lane type and marks the rest rare (recomputed by the scalar kernel in double, then rounded):
//   emax     |x| <= emax keeps e^x, x e^x, x expm1(x) and e^x (1 + e^x) finite and e^-x normal
//   tiny, huge         the smallest positive normal and the largest finite value
//   big, small         1e300 / 1e-300 in double: far inside the range, where products of two
//                      such factors still do not overflow or underflow
//   rbig, rsmall       their square roots, about
//   below1             the largest value below 1 (below 2 and below 1/2 are its multiples)
//   tol                the relative step at which the Newton iterations stop (~1.8 eps)
//   tol3               the same for Halley's cubic iterations: a step below tol3 leaves an
//                      error of order tol3^3, far below an ulp (tol3^3 = tol / 400)
//   tol6               the same for the sixth-order corrections (lambert_correction):
//                      tol6^6 < 2e-20
//   hl_max             squared_hellinger's df_logu range: 1 - e^(-x/2) < 1 strictly below it
//   qhi                recip's and quot's arguments up to it (double: 2^1021, where 1/b is
//                      still normal with room; float lanes divide, so huge)
//   ser_bits, mant, bias  log1pmx's series: w^(D+1) < 2^-ser_bits, and the float format
template <class T>
struct lim;
template <>
struct lim<double> {
    static constexpr double emax = 700.0, tiny = DBL_MIN, huge = DBL_MAX, big = 1e300,
                            small = 1e-300, rbig = 1e150, rsmall = 1e-150,
                            below1 = 0x1.fffffffffffffp-1, tol = 4e-16, tol3 = 1e-6, tol6 = 5e-4,
                            hl_max = 60.0, qhi = 0x1p1021;
    static constexpr double e_hi = E_HI, e_lo = E_LO, ln2_hi = LN2_HI, ln2_lo = LN2_LO;
    static constexpr int ser_bits = 56, mant = 52, bias = 1023;
};
template <>
struct lim<float> {
    static constexpr float emax = 80.0f, tiny = FLT_MIN, huge = FLT_MAX, big = 1e36f,
                           small = 1e-36f, rbig = 1e18f, rsmall = 1e-18f, below1 = 0x1.fffffep-1f,
                           tol = 2.2e-7f, tol3 = 1e-3f, tol6 = 1e-2f, hl_max = 30.0f, qhi = FLT_MAX;
    // e and log 2 split as float hi + lo (hi the nearest float, lo the rest rounded to float)
    static constexpr float e_hi = 0x1.5bf0a8p+1f, e_lo = 0x1.628aeep-24f, ln2_hi = 0x1.62e430p-1f,
                           ln2_lo = -0x1.05c61p-29f;
    static constexpr int ser_bits = 27, mant = 23, bias = 127;
};

// a b + c rounded once.  Highway's MulAdd rounds twice on targets without FMA (SSE4, scalar),
// which breaks the error-free transformations (TwoProd, e u - 1 near 1/e): there the lanes go
// through std::fma one by one.
template <class V>
HWY_INLINE V fma(V a, V b, V c) {
#if HWY_NATIVE_FMA && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128
    return hn::MulAdd(a, b, c);
#else
    const hn::DFromV<V> d;
    using T = hn::TFromV<V>;
    HWY_ALIGN T A[kMaxLanes], B[kMaxLanes], Cc[kMaxLanes];
    hn::Store(a, d, A);
    hn::Store(b, d, B);
    hn::Store(c, d, Cc);
    for (std::size_t j = 0; j < hn::Lanes(d); ++j) A[j] = std::fma(A[j], B[j], Cc[j]);
    return hn::Load(d, A);
#endif
}

// 1/x for 2^-1022 <= |x| <= 2^1022, within about an ulp (not correctly rounded): on AVX-512
// double lanes VRCP14PD (2^-14) and two Newton steps y + y (1 - x y) (2^-28, then the rounding
// of the last FMA), because the division's throughput (16 cycles a vector on Intel) is what the
// kernels that need one waited on; a division on every other target and lane type.
template <class V>
HWY_INLINE V recip(V x) {
    const hn::DFromV<V> d;
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
    if constexpr (sizeof(hn::TFromV<V>) == 8 && hn::MaxLanes(d) == 8) {
        const V one = C(d, 1.0);
        V y{_mm512_rcp14_pd(x.raw)};
        y = hn::MulAdd(y, hn::NegMulAdd(x, y, one), y);
        return hn::MulAdd(y, hn::NegMulAdd(x, y, one), y);
    }
#endif
    return hn::Div(C(d, 1.0), x);
}

// 1/x to within 2^-14 relative on AVX-512 double lanes (VRCP14PD alone: 1/0 = inf, 1/inf = 0,
// NaN stays NaN, never a NaN from a number), a division elsewhere: for the series degrees, which
// need the quotient only to well inside the margin that their callers add.
template <class V>
HWY_INLINE V recip_approx(V x) {
    const hn::DFromV<V> d;
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
    if constexpr (sizeof(hn::TFromV<V>) == 8 && hn::MaxLanes(d) == 8)
        return V{_mm512_rcp14_pd(x.raw)};
#endif
    return hn::Div(C(d, 1.0), x);
}
// a/b for 2^-1022 <= |b| <= 2^1022 with a/b finite, on AVX-512 double lanes without a
// division: q = a y with y = recip(b), then q + (a - q b) y, the residual exact by FMA where q is
// normal: the correctly rounded quotient but within ~2^-100 of a rounding boundary (and within an
// ulp where q is subnormal); a division on every other target and lane type.  It pays in light
// kernels that wait on the divider (one 512-bit division per 16 cycles on Intel); in the heavy
// double-double ones the divider works alongside the FMA units, and this is no faster.
template <class V>
HWY_INLINE V quot(V a, V b) {
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
    if constexpr (sizeof(hn::TFromV<V>) == 8 && hn::MaxLanes(hn::DFromV<V>()) == 8) {
        const V y = recip(b);
        const V q = hn::Mul(a, y);
        return hn::MulAdd(hn::NegMulAdd(q, b, a), y, q);
    }
#endif
    return hn::Div(a, b);
}

// lanes outside [lo, hi], NaN included (lo and hi representable in the lane type)
template <class V>
HWY_INLINE hn::Mask<hn::DFromV<V>> outside(V x, double lo, double hi) {
    const hn::DFromV<V> d;
    return hn::Not(hn::And(hn::Ge(x, C(d, lo)), hn::Le(x, C(d, hi))));
}
// lanes that are not finite positive normal numbers
template <class V>
HWY_INLINE hn::Mask<hn::DFromV<V>> not_normal_pos(V x) {
    using L = lim<hn::TFromV<V>>;
    return outside(x, L::tiny, L::huge);
}
template <class V>
HWY_INLINE hn::Mask<hn::DFromV<V>> is_nan(V x) {
    return hn::Ne(x, x);
}

// The value x = hi + lo (TwoSum).
template <class V>
HWY_INLINE void two_sum(V a, V b, V& s, V& e) {
    s = hn::Add(a, b);
    V bb = hn::Sub(s, a);
    e = hn::Add(hn::Sub(a, hn::Sub(s, bb)), hn::Sub(b, bb));
}

// e^x = 2^q e^r for |x| <= emax: q = x/log 2 rounded to nearest by the shifter 1.5 2^mant (one
// FMA and no conversion: the low bits of kx = x/log 2 + shifter hold q), r = x - q log 2 in
// Highway's two steps and constants (ExpImpl::ExpReduce), |r| <= log(2)/2 + 2^-40.  The first
// step is exact; with `lo`, the second step's rounding error too (r + *lo = x - q log 2 to
// ~2^-100, dd::expm1_lite).
template <class V>
HWY_INLINE V exp_reduce(V x, V& kx, V* lo = nullptr) {
    const hn::DFromV<V> d;
    constexpr bool dbl = sizeof(hn::TFromV<V>) == 8;
    const V shifter = C(d, dbl ? 0x1.8p52 : 0x1.8p23);
    const V ln2_lo = C(d, dbl ? -0.28235290563031577122588448175e-12 : -1.428606765330187045e-6);
    kx = hn::MulAdd(x, C(d, 1.442695040888963407359924681), shifter);
    const V qf = hn::Sub(kx, shifter);
    const V r1 = hn::MulAdd(qf, C(d, dbl ? -0.6931471805596629565116018 : -0.693145751953125), x);
    const V r = hn::MulAdd(qf, ln2_lo, r1);
    if (lo) *lo = hn::MulAdd(qf, ln2_lo, hn::Sub(r1, r));
    return r;
}
// v 2^q for exp_reduce's kx, as q added to the exponent field of v: exact while the result is
// normal (Highway's Exp scales in two multiplications, after integer widenings, to reach the
// range beyond emax that the kernels send to the scalar path)
template <class V>
HWY_INLINE V exp_scale(V v, V kx) {
    const hn::DFromV<V> d;
    const hn::RebindToSigned<decltype(d)> di;
    const auto qe = hn::ShiftLeft<lim<hn::TFromV<V>>::mant>(hn::BitCast(di, kx));
    return hn::BitCast(d, hn::Add(hn::BitCast(di, v), qe));
}

// P1 of Highway's ExpImpl<double>::ExpPoly, expm1(r) ~ r + r^2/2 + r^3 P1(r) for |r| <= log(2)/2
// (its k1..k10), for the kernels that keep that sum's roundings (dd::expm1_lite, alpha's far
// right)
HWY_INLINE V64 exp_poly_p1(V64 r) {
    return hn::impl::Estrin(r, C(+0.166666666666666851703837), C(+0.0416666666666665047591422),
                            C(+0.00833333333331652721664984), C(+0.00138888888889774492207962),
                            C(+0.000198412698960509205564975), C(+2.4801587159235472998791e-5),
                            C(+2.75572362911928827629423e-6), C(+2.75573911234900471893338e-7),
                            C(+2.51112930892876518610661e-8), C(+2.08860621107283687536341e-9));
}
// e^x for |x| <= emax (where the result is finite and normal): Highway's reduction and
// polynomial (ExpImpl), so the value of hn::Exp but for the rounding of q at ties, in fewer
// steps (exp_reduce, exp_scale; 1 thread, 10^5 in cache: kl f* 1.20 -> 0.93 ns).
template <class V>
HWY_INLINE V exp_in(V x) {
    const hn::DFromV<V> d;
    hn::impl::ExpImpl<hn::TFromV<V>> impl;
    V kx;
    const V r = exp_reduce(x, kx);
    return exp_scale(hn::Add(impl.ExpPoly(d, r), C(d, 1.0)), kx);
}

// expm1(x) for |x| <= emax, x != -0 (and e^x with it: expm1_exp), reconstructed with one
// rounding (fdlibm): with
// x = q log 2 + r, |r| <= log(2)/2, expm1(x) = (2^q - 1) + 2^q expm1(r), where 2^q - 1 is exact
// for the q that matter and the product is an exact scaling.  Highway 1.0.3's Expm1 forms
// 2^q (1 + expm1(r)) - 1 instead, which loses up to 2 bits where |x| is just above log(2)/2
// (measured: 7 ulp for expm1(r)^2 at r = 0.37 against <= 3 with this form).
template <class V>
HWY_INLINE V expm1_exp(V x, V* e) {
    const hn::DFromV<V> d;
    hn::impl::ExpImpl<hn::TFromV<V>> impl;
    V kx;
    const V y = impl.ExpPoly(d, exp_reduce(x, kx));
    const V p = exp_scale(C(d, 1.0), kx);
    // e^x = (1 + y) 2^q: the same value as exp_in(x)
    if (e) *e = exp_scale(hn::Add(y, C(d, 1.0)), kx);
    V res = hn::Add(hn::Sub(p, C(d, 1.0)), hn::Mul(p, y));
    // For log(2)/2 < x < log 2 (q = 1, r near -log(2)/2) the sum 1 + 2 expm1(r) doubles the
    // error of the polynomial: there expm1(x) = h (h + 2) = fma(h, h, 2h), h = expm1(x/2) from
    // the polynomial alone (|x/2| < log(2)/2).
    const auto band = hn::And(hn::Gt(x, C(d, 0.34)), hn::Lt(x, C(d, 0.69)));
    if (HWY_UNLIKELY(!hn::AllFalse(d, band))) {
        const V h = impl.ExpPoly(d, hn::Mul(C(d, 0.5), x));
        res = hn::IfThenElse(band, fma(h, h, hn::Add(h, h)), res);
    }
    return res;
}
template <class V>
HWY_INLINE V expm1(V x) {
    return expm1_exp(x, static_cast<V*>(nullptr));
}

// exp(hi + lo) = exp(hi) (1 + lo) for |hi| <= emax (special.h exp_dd).
template <class V>
HWY_INLINE V exp_dd(V hi, V lo) {
    V e = exp_in(hi);
    return fma(e, lo, e);
}
// expm1(hi + lo) = expm1(hi) + exp(hi) lo for |hi| <= emax (special.h expm1_dd).
template <class V>
HWY_INLINE V expm1_dd(V hi, V lo) {
    V em = expm1(hi);
    return hn::Add(em, hn::Mul(hn::Add(em, C(hn::DFromV<V>(), 1.0)), lo));
}
// softplus(x) = max(x, 0) + log1p(e^-|x|) for |x| <= emax (special.h softplus: x + ... for
// x > 0, 0 + ... otherwise, the same sums).
template <class V>
HWY_INLINE V softplus(V x) {
    const hn::DFromV<V> d;
    V t = hn::Log1p(d, exp_in(hn::Neg(hn::Abs(x))));
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Add(x, t), t);
}
// sigma(x) for |x| <= emax (special.h sigmoid)
template <class V>
HWY_INLINE V sigmoid(V x) {
    const hn::DFromV<V> d;
    V e = exp_in(hn::Neg(hn::Abs(x)));
    V one = C(d, 1.0);
    return hn::IfThenElse(hn::Ge(x, hn::Zero(d)), hn::Div(one, hn::Add(one, e)),
                          hn::Div(e, hn::Add(one, e)));
}

// L(y) = log1p(y) - y (special.h log1pmx) for finite y > -1.  Inside -0.8 < y < 2 with
// z = y/(2 + y):  L = -y^2/(2 + y) + 2 z^3 P(z^2),  P(w) = sum_k w^k/(2k + 3),  |z| <= 2/3:
// double lanes by the fixed-degree fit below (odd_fit), float lanes by Horner to the degree
// that w needs (w^(D+1) < 2^-27: at most 27 terms at |z| = 2/3).  The series coefficients are
// rounded where the scalar divides by k: the series is a correction below |z|/3 of the
// result, so this moves it by < 0.3 ulp.
constexpr double kInvOdd[64] = {
    1.0 / 3,   1.0 / 5,   1.0 / 7,   1.0 / 9,   1.0 / 11,  1.0 / 13,  1.0 / 15,  1.0 / 17,
    1.0 / 19,  1.0 / 21,  1.0 / 23,  1.0 / 25,  1.0 / 27,  1.0 / 29,  1.0 / 31,  1.0 / 33,
    1.0 / 35,  1.0 / 37,  1.0 / 39,  1.0 / 41,  1.0 / 43,  1.0 / 45,  1.0 / 47,  1.0 / 49,
    1.0 / 51,  1.0 / 53,  1.0 / 55,  1.0 / 57,  1.0 / 59,  1.0 / 61,  1.0 / 63,  1.0 / 65,
    1.0 / 67,  1.0 / 69,  1.0 / 71,  1.0 / 73,  1.0 / 75,  1.0 / 77,  1.0 / 79,  1.0 / 81,
    1.0 / 83,  1.0 / 85,  1.0 / 87,  1.0 / 89,  1.0 / 91,  1.0 / 93,  1.0 / 95,  1.0 / 97,
    1.0 / 99,  1.0 / 101, 1.0 / 103, 1.0 / 105, 1.0 / 107, 1.0 / 109, 1.0 / 111, 1.0 / 113,
    1.0 / 115, 1.0 / 117, 1.0 / 119, 1.0 / 121, 1.0 / 123, 1.0 / 125, 1.0 / 127, 1.0 / 129};

// P(w) = sum_{k <= deg} w^k/(2k + 3) by Horner, each lane to its own degree deg (an integer
// in [0, 60]): a lane's coefficients above its degree are 0, so p stays exactly 0 until
// k = deg and the value does not depend on the other lanes.  Only the degrees between the
// smallest and the largest of the vector need the mask.
template <class D, class V>
HWY_INLINE V odd_series(D d, V w, V deg) {
    const int top = static_cast<int>(hn::GetLane(hn::MaxOfLanes(d, deg)));
    const int low = static_cast<int>(hn::GetLane(hn::MinOfLanes(d, deg)));
    V p = hn::Zero(d);
    int k = top;
    for (; k > low; --k)
        p = hn::MulAdd(p, w, hn::IfThenElseZero(hn::Le(C(d, double(k)), deg), C(d, kInvOdd[k])));
    for (; k >= 0; --k) p = hn::MulAdd(p, w, C(d, kInvOdd[k]));  // every lane active: no mask
    return p;
}

// P(w) = sum_k w^k/(2k + 3) = (atanh(z) - z)/z^3, w = z^2, in double lanes by one polynomial
// of fixed degree instead of the series to the degree a lane needs: the series takes up to 28
// terms at w = 1/4 and 56 at w = 4/9, and a vector of shuffled inputs (its lanes spread over
// the range) pays the largest lane's degree with a mask per term.  Chebyshev fits of P on
// [0, 1/4] (degree 13) and [0, 4/9] (degree 19), scripts/gen_odd_fit.py: relative error 2^-54.0
// with the coefficients rounded (the rounding of 1/3 itself), 2^-52.6 by Horner in double.  P is
// a correction below |z|^2/3 of the results it enters, so this moves them by < 0.1 ulp.
constexpr double kOddFit14[14] = {0.3333333333333333,   0.20000000000000864,  0.14285714285490106,
                                  0.11111111133938968,  0.09090907881509189,  0.07692345940270638,
                                  0.06665886352701884,  0.05893099692590042,  0.05160769881147162,
                                  0.05441915418234587,  0.012292448728540531, 0.13557903913692299,
                                  -0.14450491183414468, 0.21098097885975797};
constexpr double kOddFit20[20] = {
    0.3333333333333333,  0.20000000000000123,  0.14285714285677628,   0.11111111115444725,
    0.09090908820547107, 0.07692317973889416,  0.06666407036427749,   0.05886954333075943,
    0.0520373460632605,  0.053356852467608434, 0.0013320131993982362, 0.2779986738971196,
    -1.0009507720640074, 3.526245866994221,    -8.955383922823435,    17.436097719160202,
    -24.582600491326573, 24.11076069323323,    -14.664237566984744,   4.306210039411948};
template <std::size_t N, class V>
HWY_INLINE V odd_fit(V w, const double (&c)[N]) {
    const hn::DFromV<V> d;
    V p = C(d, c[N - 1]);
    for (int k = static_cast<int>(N) - 2; k >= 0; --k) p = hn::MulAdd(p, w, C(d, c[k]));
    return p;
}

// the lanes where log1pmx_from uses its series
template <class V>
HWY_INLINE hn::Mask<hn::DFromV<V>> log1pmx_band(V y) {
    const hn::DFromV<V> d;
    return hn::And(hn::Gt(y, C(d, -0.8)), hn::Lt(y, C(d, 2.0)));
}
// float lanes: the series to the degree each lane needs.
template <class V>
HWY_INLINE V log1pmx_series32(V z, V w) {
    const hn::DFromV<V> d;
    using L = lim<hn::TFromV<V>>;
    // Degree per lane from the lane's own w: with 2^(e-bias) <= w < 2^(e-bias+1),
    // w^(D+1) < 2^-ser_bits for D = ceil(ser_bits/b), b = bias - 1 - e >= 1 (w <= 4/9).  A lane's
    // coefficients above its degree are 0, so p stays exactly 0 until k = D and then p = c_D:
    // the value does not depend on the other lanes of the vector (bitwise reproducibility
    // across positions and thread counts).  Only the degrees between the smallest and the
    // largest of the vector need the mask.
    const hn::RebindToSigned<decltype(d)> di;
    const V e = hn::ConvertTo(d, hn::ShiftRight<L::mant>(hn::BitCast(di, w)));
    // (the quotient from recip_approx, raised by 2^-12 > its error: a degree never below the
    // exact one, and one above it where ser_bits/b is within 2^-12 below an integer)
    const V deg = hn::Min(hn::Ceil(hn::Mul(C(d, L::ser_bits * (1 + 0x1p-12)),
                                           recip_approx(hn::Sub(C(d, L::bias - 1), e)))),
                          C(d, 60.0));
    return hn::Mul(hn::Mul(z, w), odd_series(d, w, deg));
}
// (log1pmx_from takes log1p(y) from log1p_y(), called only when some lane lies outside the
// band: a caller that needs log1p(y) too keeps it.)
template <class V, class F>
HWY_INLINE V log1pmx_from(V y, F log1p_y) {
    const hn::DFromV<V> d;
    const auto band = log1pmx_band(y);
    V res = hn::Zero(d);
    if (!hn::AllTrue(d, band)) res = hn::Sub(log1p_y(), y);
    if (hn::AllFalse(d, band)) return res;
    const V yb = hn::IfThenElseZero(band, y);
    const V two_y = hn::Add(C(d, 2.0), yb);
    const V z = hn::Div(yb, two_y);
    const V w = hn::Mul(z, z);
    V s;
    if constexpr (sizeof(hn::TFromV<V>) == 8) {
        s = hn::Mul(hn::Mul(z, w), odd_fit(w, kOddFit20));
    } else {
        s = log1pmx_series32(z, w);
    }
    // -y^2/(2 + y) + 2 s, with y^2/(2 + y) = y z: two roundings either way, one division less
    const V ser = hn::Sub(hn::Add(s, s), hn::Mul(yb, z));
    return hn::IfThenElse(band, ser, res);
}
template <class V>
HWY_INLINE V log1pmx(V y) {
    return log1pmx_from(y, [&] { return hn::Log1p(hn::DFromV<V>(), y); });
}

// The Lambert-W solvers' pieces (kl-inl.h: jeffreys, js-inl.h: softened_reverse_kl).
// p0 + p1 s + ... + pn s^n (Horner; the start fits below)
template <class V, class... P>
HWY_INLINE V poly(V s, double p0, P... rest) {
    if constexpr (sizeof...(P) == 0) {
        return C(hn::DFromV<V>(), p0);
    } else {
        return hn::MulAdd(poly(s, rest...), s, C(hn::DFromV<V>(), p0));
    }
}
// log1p(u) for |u| <= 2e-3 by its series to u^6 (error below u^7/7 < 2e-20)
template <class V>
HWY_INLINE V log1p_small(V u) {
    return hn::Mul(u, poly(u, 1.0, -1.0 / 2, 1.0 / 3, -1.0 / 4, 1.0 / 5, -1.0 / 6));
}
// The root u of a u + log1p(u) = -r (a > 0, r small) by its series in v = -r b to v^5, with
// b = 1/(1 + a): u = v + c2 v^2 + ... + c5 v^5, c2 = b/2, c3 = b^2/2 - b/3,
// c4 = 5b^3/8 - 5b^2/6 + b/4, c5 = 7b^4/8 - 7b^3/4 + 13b^2/12 - b/5 (series reversion; the
// next coefficient, 21b^5/16 - 7b^4/2 + 119b^3/36 - 77b^2/60 + b/6, stays below 0.007 on b in
// (0, 1)).  The error is of order v^6: a sixth-order correction from one residual.  A relative
// error e in b or r moves u by about e u: a few ulp of b cost nothing once u is below tol6.
template <class V>
HWY_INLINE V lambert_correction(V b, V r) {
    const hn::DFromV<V> d;
    const V v = hn::Neg(hn::Mul(r, b));
    const V c2 = hn::Mul(C(d, 0.5), b);
    const V c3 = hn::Mul(b, hn::MulAdd(C(d, 0.5), b, C(d, -1.0 / 3)));
    const V c4 = hn::Mul(b, poly(b, 1.0 / 4, -5.0 / 6, 5.0 / 8));
    const V c5 = hn::Mul(b, poly(b, -1.0 / 5, 13.0 / 12, -7.0 / 4, 7.0 / 8));
    const V p = hn::MulAdd(hn::MulAdd(hn::MulAdd(c5, v, c4), v, c3), v, c2);
    return hn::MulAdd(hn::Mul(p, v), v, v);
}

// The two branches of a kernel: `lo_form` where `sel` holds, `hi_form` elsewhere, each
// evaluated only when some lane needs it.
template <class M, class A, class B>
HWY_INLINE auto select_forms(M sel, A lo_form, B hi_form) {
    const hn::DFromV<decltype(lo_form())> d;
    if (hn::AllTrue(d, sel)) return lo_form();
    if (hn::AllFalse(d, sel)) return hi_form();
    return hn::IfThenElse(sel, lo_form(), hi_form());
}

// Kernels are templates over the descriptor, so that one body serves float64 lanes and native
// float32 lanes (twice as many):
//   static constexpr bool native32 = true;
//   template <class D> static hn::Vec<D> eval(D d, hn::Vec<D> x, hn::Mask<D>& rare);
// with L = lim<hn::TFromD<D>> for the limits that differ between the lane types.

// V, M and L of descriptor D inside a kernel
#define FDIV_LANE_TYPES(D)                  \
    using V [[maybe_unused]] = hn::Vec<D>;  \
    using M [[maybe_unused]] = hn::Mask<D>; \
    using L [[maybe_unused]] = lim<hn::TFromD<D>>

// Kernels whose scalar form is plain IEEE arithmetic on every input (NaN included) need no
// rare lanes.
#define FDIV_SIMD_PURE(name, fn, expr)                            \
    struct name {                                                 \
        static constexpr double (*scalar)(double) = &fn;          \
        static constexpr bool native32 = true;                    \
        template <class D>                                        \
        static hn::Vec<D> eval(D d, hn::Vec<D> x, hn::Mask<D>&) { \
            (void)d;                                              \
            return expr;                                          \
        }                                                         \
    };

// A kernel on [lo, hi] (NaN and everything outside to the scalar kernel); lo and hi may use
// the lane type's limits L.
#define FDIV_SIMD_RANGE(name, fn, lo, hi, expr)                        \
    struct name {                                                      \
        static constexpr double (*scalar)(double) = &fn;               \
        static constexpr bool native32 = true;                         \
        template <class D>                                             \
        static hn::Vec<D> eval(D d, hn::Vec<D> x, hn::Mask<D>& rare) { \
            using L [[maybe_unused]] = lim<hn::TFromD<D>>;             \
            (void)d;                                                   \
            rare = outside(x, lo, hi);                                 \
            return expr;                                               \
        }                                                              \
    };

// ... and with two forms (expr_a where split holds, expr_b elsewhere: two_forms, has_pack)
#define FDIV_SIMD_RANGE2(name, fn, lo, hi, split, expr_a, expr_b)        \
    struct name : two_forms<name> {                                      \
        static constexpr double (*scalar)(double) = &fn;                 \
        static constexpr bool native32 = true;                           \
        template <class D>                                               \
        static hn::Mask<D> pack_split(D d, hn::Vec<D> x) {               \
            using L [[maybe_unused]] = lim<hn::TFromD<D>>;               \
            (void)d;                                                     \
            return split;                                                \
        }                                                                \
        template <class D>                                               \
        static hn::Vec<D> eval_a(D d, hn::Vec<D> x, hn::Mask<D>& rare) { \
            using L [[maybe_unused]] = lim<hn::TFromD<D>>;               \
            (void)d;                                                     \
            rare = outside(x, lo, hi);                                   \
            return expr_a;                                               \
        }                                                                \
        template <class D>                                               \
        static hn::Vec<D> eval_b(D d, hn::Vec<D> x, hn::Mask<D>& rare) { \
            using L [[maybe_unused]] = lim<hn::TFromD<D>>;               \
            (void)d;                                                     \
            rare = outside(x, lo, hi);                                   \
            return expr_b;                                               \
        }                                                                \
    };

// Whether kernel K computes float32 in float32 lanes (K::native32; the parametric kernels keep
// their parameter in double and promote).
template <class K, class = void>
struct native32 : std::false_type {};
template <class K>
struct native32<K, std::void_t<decltype(K::native32)>> : std::integral_constant<bool, K::native32> {
};

// Kernels whose float32 stays in double lanes although their body is generic: sampling all
// float32 inputs found more than 3 float32 ulp between the float32-lane result and the
// correctly rounded one (the contract is 4), or a zero crossing that float32 lanes resolve
// only to the absolute level.
#define FDIV_SIMD_PROMOTE32(name) \
    template <>                   \
    struct native32<k::name> : std::false_type {};

// The lanes a block of kernel K on inputs In computes in: full float vectors when the kernel
// is native32, else double lanes (float32 promoted, and rounded once on the way out).
template <class K, class In>
using block_tag = std::conditional_t<sizeof(In) == 4 && native32<K>::value, D32, D64>;

template <class K, class In>
HWY_INLINE hn::Vec<block_tag<K, In>> load_block(const In* in) {
    const block_tag<K, In> d;
    if constexpr (sizeof(In) == 4 && !native32<K>::value) {
        return hn::PromoteTo(d, hn::LoadU(D32h(), in));
    } else {
        return hn::LoadU(d, in);
    }
}

// Store one vector of results and recompute the rare lanes (at most `count` of them are real)
// with the scalar kernel.
template <class K, class Out, class D, class... P>
HWY_INLINE void store_block(D d, hn::Vec<D> x, hn::Vec<D> y, hn::Mask<D> rare, Out* out,
                            std::size_t count, bool stream, P... p) {
    using T = hn::TFromD<D>;
    // +-0 and subnormal inputs always take the scalar kernel: Highway's Expm1(-0) = +0 (and
    // an exponent that underflows to -0 from a subnormal) would flip the sign of a zero.
    rare = hn::Or(rare, hn::Lt(hn::Abs(x), C(d, sizeof(T) == 4 ? FLT_MIN : DBL_MIN)));
    if constexpr (sizeof(Out) == sizeof(T)) {
        if (stream)
            hn::Stream(y, d, out);
        else
            hn::StoreU(y, d, out);
    } else {
        // (x86's Stream writes 16 bytes even from a half vector: SSE4 stores normally)
        constexpr bool kHalfStream = HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128 &&
                                     hn::MaxLanes(D32h()) * sizeof(float) >= 16;
        bool done = false;
        if constexpr (kHalfStream) {
            if (stream) {
                hn::Stream(hn::DemoteTo(D32h(), y), D32h(), out);
                done = true;
            }
        }
        if (!done) {
#if HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128
            // their DemoteTo clamps +-inf to +-FLT_MAX: round lane by lane
            HWY_ALIGN double yb[kMaxLanes];
            hn::Store(y, d, yb);
            for (std::size_t j = 0; j < hn::Lanes(d); ++j) out[j] = static_cast<float>(yb[j]);
#else
            hn::StoreU(hn::DemoteTo(D32h(), y), D32h(), out);
#endif
        }
    }
    if (HWY_LIKELY(hn::AllFalse(d, rare))) return;
    HWY_ALIGN T xb[kMaxLanes];
    uint8_t bits[kMaxLanes / 8 + 1] = {};
    hn::Store(x, d, xb);
    hn::StoreMaskBits(d, rare, bits);
    for (std::size_t j = 0; j < count; ++j)
        if ((bits[j / 8] >> (j % 8)) & 1) out[j] = static_cast<Out>(K::scalar(double(xb[j]), p...));
}

// Kernels whose float64 form carries double-double terms may also provide
//   static V64 eval32(D64 d, V64 x, M64& rare, P... p);
// the promoted float32 path: the same forms in plain double, whose relative error (a few
// double ulp times the cancellation the forms leave, below 2^-40) vanishes in the one rounding
// to float32, at the cost of a plain double kernel instead of a double-double one.
template <class K, class = void>
struct has_eval32 : std::false_type {};
template <class K>
struct has_eval32<K, std::void_t<decltype(&K::eval32)>> : std::true_type {};

// Kernels of long dependent chains whose float64 form is written for K vectors in lockstep
// (each step applied to every vector before the next, so that the K independent chains
// interleave and fill the pipeline that one chain leaves waiting on latencies) provide
//   static constexpr int lockstep = K;
//   template <int K> static void evalk(const V64* x, V64* y, M64* rare, P... p);
// and no eval (a single vector runs evalk<1>): each lane is computed exactly as evalk<1> does
// (forms chosen per lane; a form run for the whole group where any vector needs it), so a
// result does not depend on its element's position.  The promoted float32 path keeps eval32.
template <class K, class = void>
struct lockstep : std::integral_constant<int, 1> {};
template <class K>
struct lockstep<K, std::void_t<decltype(K::lockstep)>> : std::integral_constant<int, K::lockstep> {
};

// One vector of inputs: evaluate, store, and recompute the rare lanes.
template <class K, class In, class Out, class... P>
HWY_INLINE void unary_block(const In* in, Out* out, std::size_t count, bool stream, P... p) {
    const block_tag<K, In> d;
    const auto x = load_block<K>(in);
    auto rare = hn::Lt(x, x);  // all false
    if constexpr (sizeof(In) == 4 && has_eval32<K>::value) {
        const auto y = K::eval32(d, x, rare, p...);
        store_block<K>(d, x, y, rare, out, count, stream, p...);
    } else if constexpr (lockstep<K>::value > 1) {
        V64 y;
        K::template evalk<1>(&x, &y, &rare, p...);
        store_block<K>(d, x, y, rare, out, count, stream, p...);
    } else {
        const auto y = K::eval(d, x, rare, p...);
        store_block<K>(d, x, y, rare, out, count, stream, p...);
    }
}

// Kernels whose vector form is a long chain of dependent steps (the iterative solvers) may
// also provide
//   template <class D> static void eval2(D d, V x0, V x1, V& y0, V& y1, M& rare0, M& rare1);
// which computes two vectors in lockstep, each lane exactly as eval does (so a result does not
// depend on the position of its element): the two independent chains fill the pipeline, where
// one chain at a time leaves it waiting on each step's latency.
template <class K, class = void>
struct has_eval2 : std::false_type {};
template <class K>
struct has_eval2<K, std::void_t<decltype(&K::template eval2<D64>)>> : std::true_type {};

template <class K, class In, class Out, class... P>
HWY_INLINE void unary_block2(const In* in, Out* out, std::size_t N, bool stream, P... p) {
    const block_tag<K, In> d;
    const auto x0 = load_block<K>(in);
    const auto x1 = load_block<K>(in + N);
    auto rare0 = hn::Lt(x0, x0);
    auto rare1 = rare0;
    hn::Vec<block_tag<K, In>> y0, y1;
    K::eval2(d, x0, x1, y0, y1, rare0, rare1, p...);
    store_block<K>(d, x0, y0, rare0, out, N, stream, p...);
    store_block<K>(d, x1, y1, rare1, out + N, N, stream, p...);
}

template <class K, class In, class Out, class... P>
HWY_INLINE void unary_block_k(const In* in, Out* out, std::size_t N, bool stream, P... p) {
    constexpr int KK = lockstep<K>::value;
    static_assert(!native32<K>::value, "lockstep kernels compute in double lanes");
    const D64 d;
    V64 x[KK], y[KK];
    M64 rare[KK];
    FDIV_EACH(k, KK) x[k] = load_block<K>(in + k * N);
    K::template evalk<KK>(x, y, rare, p...);
    FDIV_EACH(k, KK) store_block<K>(d, x[k], y[k], rare[k], out + k * N, N, stream, p...);
}

// Kernels with two forms of different cost, chosen lane by lane, may also provide
//   template <class D> static hn::Mask<D> pack_split(D d, hn::Vec<D> x);   // the lanes of form A
//   template <class D> static hn::Vec<D> eval_a(D d, hn::Vec<D> x, hn::Mask<D>& rare);
//   template <class D> static hn::Vec<D> eval_b(D d, hn::Vec<D> x, hn::Mask<D>& rare);
// with eval(x) equal, lane by lane, to eval_a(x) where pack_split holds and eval_b(x) elsewhere
// (each form's lanes independent of the others, as every kernel's are).  eval runs both forms
// for a vector that mixes them, which inputs in random order (a critic's outputs) do in most
// vectors; the main loop instead takes groups of kPackGroup vectors, and where a group mixes
// the forms it packs each form's lanes into whole vectors (CompressStore), runs each form on
// its own vectors only, and puts results and rare flags back in their lanes.  The values are
// eval's, wherever an element lies.
template <class K, class = void>
struct has_pack : std::false_type {};
template <class K>
struct has_pack<K, std::void_t<decltype(&K::template pack_split<D64>)>> : std::true_type {};
constexpr std::size_t kPackGroup = 16;

// eval for such a kernel K: the two forms, each where some lane needs it (select_forms)
template <class K>
struct two_forms {
    template <class D>
    static hn::Vec<D> eval(D d, hn::Vec<D> x, hn::Mask<D>& rare) {
        return select_forms(
            K::pack_split(d, x), [&] { return K::eval_a(d, x, rare); },
            [&] { return K::eval_b(d, x, rare); });
    }
};

// The lanes of vectors x[0..G) parted by kind (m[g]: kind 0, else kind 1) and packed into whole
// vectors (CompressStore) with their lane numbers: xs[f][0..n[f]) holds kind f's lanes in order,
// the rest of its last vector copies its first lane (any value of that kind will do), and
// unpack puts results computed on xs, in that order, back in lane order.
template <class D, std::size_t G>
struct lane_packs {
    using T = hn::TFromD<D>;
    static constexpr std::size_t S = (G + 1) * hn::MaxLanes(D());
    HWY_ALIGN T xs[2][S], is[2][S];
    std::size_t n[2] = {0, 0};
    HWY_INLINE lane_packs(D d, const hn::Vec<D>* x, const hn::Mask<D>* m) {
        const std::size_t N = hn::Lanes(d);
        for (std::size_t g = 0; g < G; ++g) {
            const hn::Vec<D> idx = hn::Iota(d, static_cast<T>(g * N));
            const hn::Mask<D> kind[2] = {m[g], hn::Not(m[g])};
            for (int f = 0; f < 2; ++f) {
                hn::CompressStore(idx, kind[f], d, is[f] + n[f]);
                n[f] += hn::CompressStore(x[g], kind[f], d, xs[f] + n[f]);
            }
        }
        for (int f = 0; f < 2; ++f) {
            for (std::size_t j = n[f]; j % N != 0; ++j) xs[f][j] = xs[f][0];
        }
    }
    HWY_INLINE void unpack(const T (*ys)[S], T* out) const {
        for (int f = 0; f < 2; ++f) {
            for (std::size_t j = 0; j < n[f]; ++j)
                out[static_cast<std::size_t>(is[f][j])] = ys[f][j];
        }
    }
};

template <class K, class In, class Out, class... P>
HWY_INLINE void packed_group(const In* in, Out* out, std::size_t N, bool stream, P... p) {
    constexpr std::size_t G = kPackGroup;
    const block_tag<K, In> d;
    using V = hn::Vec<decltype(d)>;
    using M = hn::Mask<decltype(d)>;
    using T = hn::TFromD<decltype(d)>;
    V x[G];
    M a[G];
    bool any_a = false, all_a = true;
    for (std::size_t g = 0; g < G; ++g) {
        x[g] = load_block<K>(in + g * N);
        a[g] = K::pack_split(d, x[g]);
        any_a = any_a || !hn::AllFalse(d, a[g]);
        all_a = all_a && hn::AllTrue(d, a[g]);
    }
    if (!any_a || all_a) {
        for (std::size_t g = 0; g < G; ++g) {
            M rare;
            const V y = all_a ? K::eval_a(d, x[g], rare, p...) : K::eval_b(d, x[g], rare, p...);
            store_block<K>(d, x[g], y, rare, out + g * N, N, stream, p...);
        }
        return;
    }
    const lane_packs<decltype(d), G> pk(d, x, a);
    constexpr std::size_t S = decltype(pk)::S;
    HWY_ALIGN T ys[2][S], rs[2][S], yo[S], ro[S];
    bool any_rare = false;
    for (int f = 0; f < 2; ++f) {
        for (std::size_t v = 0; v < pk.n[f]; v += N) {
            M rare;
            const V xv = hn::Load(d, pk.xs[f] + v);
            const V y = f == 0 ? K::eval_a(d, xv, rare, p...) : K::eval_b(d, xv, rare, p...);
            hn::Store(y, d, ys[f] + v);
            hn::Store(hn::IfThenElseZero(rare, C(d, 1.0)), d, rs[f] + v);
            any_rare = any_rare || !hn::AllFalse(d, rare);
        }
    }
    pk.unpack(ys, yo);
    if (HWY_UNLIKELY(any_rare)) pk.unpack(rs, ro);
    for (std::size_t g = 0; g < G; ++g) {
        const M rare = any_rare ? hn::Ne(hn::Load(d, ro + g * N), hn::Zero(d)) : hn::Lt(x[g], x[g]);
        store_block<K>(d, x[g], hn::Load(d, yo + g * N), rare, out + g * N, N, stream, p...);
    }
}

// Lanes per block of kernel K on type T.
template <class K, class T>
HWY_INLINE std::size_t block_lanes() {
    if constexpr (sizeof(T) == 4 && native32<K>::value) {
        return hn::Lanes(D32());
    } else {
        return hn::Lanes(D64());
    }
}

// The contiguous driver: full vectors, then the tail through a padded buffer with the same
// vector code (so an element's result does not depend on its position).  `in` may equal
// `out` (x = f(x, out=x)): each block loads its inputs before it stores, and the rare lanes
// are recomputed from the loaded copy.
template <class K, class T, class... P>
HWY_INLINE void drive_unary(const T* in, T* out, std::ptrdiff_t n_, P... p) {
    const std::size_t N = block_lanes<K, T>();
    const std::size_t n = static_cast<std::size_t>(n_);
    std::size_t i = 0;
    const auto padded = [&](std::size_t at, std::size_t m) {
        HWY_ALIGN T xb[kMaxLanes];
        HWY_ALIGN T yb[kMaxLanes];
        for (std::size_t j = 0; j < N; ++j) xb[j] = j < m ? in[at + j] : T(1);
        unary_block<K>(xb, yb, m, false, p...);
        std::memcpy(out + at, yb, m * sizeof(T));
    };
    const std::uintptr_t addr = reinterpret_cast<std::uintptr_t>(out);
    // Outputs far larger than the caches: align the output to whole vectors and store with
    // non-temporal stores, which skip reading each output line before writing it.  (One loop
    // with a run-time choice of store: a second instantiation of the block kept some kernels
    // from being inlined, 0.66 -> 0.92 ns for alpha objective_logu.)
    const bool stream = n * sizeof(T) >= fdv::simd::kStreamMinBytes && addr % sizeof(T) == 0 &&
                        HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128;
    if (stream) {
        const std::size_t vb = N * sizeof(T);
        i = ((vb - addr % vb) % vb) / sizeof(T);
        if (i != 0) padded(0, i);
    }
    static_assert(!(has_eval2<K>::value && has_eval32<K>::value), "one of eval2, eval32");
    static_assert(!(has_pack<K>::value &&
                    (has_eval2<K>::value || lockstep<K>::value > 1 || has_eval32<K>::value)),
                  "pack_split with plain eval only");
    if constexpr (has_pack<K>::value) {
        for (; i + kPackGroup * N <= n; i += kPackGroup * N) {
            packed_group<K>(in + i, out + i, N, stream, p...);
        }
    }
    if constexpr (has_eval2<K>::value) {
        for (; i + 2 * N <= n; i += 2 * N) unary_block2<K>(in + i, out + i, N, stream, p...);
    }
    if constexpr (lockstep<K>::value > 1 && !(sizeof(T) == 4 && has_eval32<K>::value)) {
        constexpr std::size_t KK = lockstep<K>::value;
        for (; i + KK * N <= n; i += KK * N) unary_block_k<K>(in + i, out + i, N, stream, p...);
    }
    for (; i + N <= n; i += N) unary_block<K>(in + i, out + i, N, stream, p...);
    if (stream) hwy::FlushStream();
    if (i < n) padded(i, n - i);
}

// Parametric kernels: a parameter outside the family (NaN, excluded values) runs the scalar
// kernel, which returns its NaN convention.
template <class K, class T>
HWY_INLINE void drive_param(const T* in, double a, T* out, std::ptrdiff_t n) {
    if (K::bad(a)) {
        for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = static_cast<T>(K::scalar(double(in[i]), a));
        return;
    }
    drive_unary<K>(in, out, n, a);
}

}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_COMMON_INL_H_
