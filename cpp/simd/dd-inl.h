// Double-double vector helpers for the parametric families (alpha-inl.h, jsw-inl.h): log u,
// e^x and e^x - 1 - x carried as hi + lo to about 2^-58 relative, so that u^b, (u^b - 1)/b and
// the cancelling sums of the alpha generator keep ~1 ulp after one final rounding.  The
// ranges below are each helper's contract; callers mark every other lane rare
// (common-inl.h).  Re-included once per target (toggle guard).
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
HWY_INLINE V2 mul_d(V2 a, V64 b) {
    V2 p = two_prod(a.hi, b);
    return fast_two_sum(p.hi, fma(a.lo, b, p.lo));
}
// a / b
HWY_INLINE V2 div(V2 a, V2 b) {
    V64 q = hn::Div(a.hi, b.hi);
    V64 r = hn::Sub(hn::Add(fma(hn::Neg(q), b.hi, a.hi), a.lo), hn::Mul(q, b.lo));
    return fast_two_sum(q, hn::Div(r, b.hi));
}
HWY_INLINE V64 round(V2 a) { return hn::Add(a.hi, a.lo); }
// 1/(h + l) as a dd constant (per call: a parameter's reciprocal, so that kernels multiply)
HWY_INLINE V2 recip(double h, double l) {
    const double r = 1.0 / h;
    return {C(r), C((std::fma(-r, h, 1.0) - r * l) / h)};
}

// log 2 to 2^-107 (special.h LN2_HI, LN2_LO)
constexpr double kLn2Hi = 0x1.62e42fefa39efp-1;
constexpr double kLn2Lo = 2.3190468138462996e-17;

// log x for finite normal x > 0, relative error below 2^-64: x = 2^k m, m in [sqrt(1/2),
// sqrt(2)), log m = 2 atanh(s), s = (m - 1)/(m + 1) in dd, |s| < 0.172,
//   2 atanh(s) = 2 s + (2/3) s^3 + s^5 R(s^2),
// where the first two terms are formed in dd and s^5 R (< 2e-4 of the value) in double.
HWY_INLINE V2 log(V64 x) {
    const D64 d;
    const hn::RebindToSigned<D64> di;
    const auto bits = hn::BitCast(di, x);
    const auto k = hn::ShiftRight<52>(hn::Sub(bits, hn::Set(di, 0x3fe6a09e667f3bcdLL)));
    const V64 m = hn::BitCast(d, hn::Sub(bits, hn::ShiftLeft<52>(k)));
    const V64 kf = hn::ConvertTo(d, k);
    const V64 f = hn::Sub(m, C(1.0));  // exact
    const V2 den = fast_two_sum(C(2.0), f);
    // s = f/den: sh from the reciprocal (one division), sl from the exact residual
    const V64 inv = hn::Div(C(1.0), den.hi);
    const V64 sh = hn::Mul(f, inv);
    const V64 sl = hn::Mul(hn::Sub(fma(hn::Neg(sh), den.hi, f), hn::Mul(sh, den.lo)), inv);
    const V64 w = hn::Mul(sh, sh);
    // R(w) = sum_{j>=0} 2 w^j/(2j + 5): w < 0.0295, 11 terms leave < 2^-60 of s^5 R
    V64 R = C(2.0 / 25);
    for (int j = 9; j >= 0; --j) R = hn::MulAdd(R, w, C(2.0 / (2 * j + 5)));
    // s^3 in dd: (s^2)_dd * s
    const V2 s2 = two_prod(sh, sh);
    const V2 s3 = mul_d(s2, sh);
    // (2/3) s^3 with 2/3 = T_HI + T_LO
    const V2 t3 = mul(s3, V2{C(0x1.5555555555555p-1), C(3.700743415417188e-17)});
    // s^5 R, and the part of (2/3) s^3 from sl that s3 leaves out: 2 sh^2 sl
    const V64 tail = hn::MulAdd(hn::Mul(s3.hi, w), R, hn::Mul(hn::Add(w, w), sl));
    // 2 s = 2 sh + 2 sl (exact doubling); k log 2 = k LN2_HI (TwoProd) + k LN2_LO
    V2 kl = two_prod(kf, C(kLn2Hi));
    kl.lo = fma(kf, C(kLn2Lo), kl.lo);
    V2 acc = add(kl, V2{hn::Add(sh, sh), hn::Add(sl, sl)});
    acc = add(acc, t3);
    return add_d(acc, tail);
}
// log(x.hi + x.lo) for finite normal x.hi > 0, |x.lo| <= ulp(x.hi)
HWY_INLINE V2 log(V2 x) {
    V2 l = log(x.hi);
    return add_d(l, hn::Div(x.lo, x.hi));
}

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

// e^x = 2^q (P.hi + P.lo), x = xh + xl with |xh| <= 708 and q = round(x/log 2) (0 where
// |xh| <= 0.35): the reduced s = x - q log 2 is exact in dd (|s| <= 0.35), and
// P = 1 + s + E(s) is summed in dd.  The only rounding that matters is E(s)'s (~2^-57 of it),
// so e^x - 1 and E(x) = 2^q E(s) + (2^q - 1) s + (2^q - 1 - q log 2) formed from it keep
// ~2^-56 of their value: 2^q E(s) is at most 1.5 E(x) (x = 0.35, q = 1).
struct Exp2 {
    V64 qf;  // q as a double
    V64 sh, sl;
    V2 E;  // E(s)
    V2 P;  // 1 + s + E(s)
    V64 scale() const {
        const D64 d;
        const hn::RebindToSigned<D64> di;
        return hn::BitCast(d, hn::ShiftLeft<52>(hn::Add(hn::ConvertTo(di, qf), hn::Set(di, 1023))));
    }
};
HWY_INLINE Exp2 exp_parts(V64 xh, V64 xl) {
    const D64 d;
    Exp2 r;
    V64 q = hn::Round(hn::Mul(xh, C(1.4426950408889634)));
    r.qf = hn::IfThenZeroElse(hn::Le(hn::Abs(xh), C(0.35)), q);
    V2 B = two_prod(r.qf, C(kLn2Hi));
    B.lo = fma(r.qf, C(kLn2Lo), B.lo);
    // xh - B.hi is exact: q != 0 only where |xh| > 0.35 and |xh - q log 2| <= log(2)/2, so
    // that B.hi lies in [xh/2, 2 xh] (Sterbenz)
    V2 s = two_sum(hn::Sub(xh, B.hi), hn::Sub(xl, B.lo));
    r.sh = s.hi;
    r.sl = s.lo;
    r.E = E_small(s.hi, s.lo);
    V2 p1 = two_sum(C(1.0), s.hi);
    V2 p2 = two_sum(p1.hi, r.E.hi);
    r.P = fast_two_sum(p2.hi, hn::Add(hn::Add(p1.lo, p2.lo), hn::Add(s.lo, r.E.lo)));
    (void)d;
    return r;
}
// e^x - 1 in dd (x + E(x) where q = 0, 2^q P - 1 elsewhere), |xh| <= 708
HWY_INLINE V2 expm1(const Exp2& e, V64 xh, V64 xl) {
    const V64 p = e.scale();
    V2 big = two_sum(hn::Mul(p, e.P.hi), C(-1.0));
    big = fast_two_sum(big.hi, hn::MulAdd(p, e.P.lo, big.lo));
    V2 small = add(V2{xh, xl}, e.E);
    const M64 q0 = hn::Eq(e.qf, hn::Zero(D64()));
    return {hn::IfThenElse(q0, small.hi, big.hi), hn::IfThenElse(q0, small.lo, big.lo)};
}
// E(x) = e^x - 1 - x in dd, |xh| <= 708 (relative error ~2^-56, see exp_parts)
HWY_INLINE V2 E(const Exp2& e, V64 xh, V64 xl) {
    const V64 p = e.scale();
    const V64 ph = hn::Mul(p, e.P.hi);
    V2 a = two_sum(ph, hn::Neg(xh));
    V2 b = two_sum(a.hi, C(-1.0));
    V64 lo = hn::Add(hn::Add(a.lo, b.lo), hn::Sub(hn::Mul(p, e.P.lo), xl));
    V2 big = fast_two_sum(b.hi, lo);
    const M64 q0 = hn::Eq(e.qf, hn::Zero(D64()));
    return {hn::IfThenElse(q0, e.E.hi, big.hi), hn::IfThenElse(q0, e.E.lo, big.lo)};
}
// e^x in dd, |xh| <= 708
HWY_INLINE V2 exp(const Exp2& e) {
    const V64 p = e.scale();
    return {hn::Mul(p, e.P.hi), hn::Mul(p, e.P.lo)};
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
    const V2 z = exp(exp_parts(hn::Neg(hn::Abs(x)), hn::Zero(d)));  // e^-|x| in (0, 1]
    return add_d(log(add_d(z, C(1.0))), hn::Max(x, hn::Zero(d)));
}

// ((ch - max(x, 0)) - L) + cl in plain double, with L = log(1 + e^-|x|) (also returned): the
// float32 form below
HWY_INLINE V64 c_minus_softplus_plain(V64 x, double ch, double cl, V64& L) {
    const D64 d;
    L = hn::Log1p(d, hn::Exp(d, hn::Neg(hn::Abs(x))));
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
    const V64 L = hn::Log1p(d, hn::Exp(d, hn::Neg(hn::Abs(x))));
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
    const V2 y = mul(expm1(exp_parts(dh, dl), dh, dl), V2{C(z.s0h), C(z.s0l)});
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
