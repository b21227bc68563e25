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

#include "fdiv/special.h"
#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using D64 = hn::ScalableTag<double>;
using V64 = hn::Vec<D64>;
using M64 = hn::Mask<D64>;
using D32h = hn::Rebind<float, D64>;  // as many floats as doubles: float32 is promoted

// A buffer that holds one vector of any target (up to 2048-bit vectors).
constexpr std::size_t kMaxLanes = 32;

HWY_INLINE V64 C(double c) { return hn::Set(D64(), c); }

// a b + c rounded once.  Highway's MulAdd rounds twice on targets without FMA (SSE4, scalar),
// which breaks the error-free transformations (TwoProd, e u - 1 near 1/e): there the lanes go
// through std::fma one by one.
HWY_INLINE V64 fma(V64 a, V64 b, V64 c) {
#if HWY_NATIVE_FMA && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128
    return hn::MulAdd(a, b, c);
#else
    const D64 d;
    HWY_ALIGN double A[kMaxLanes], B[kMaxLanes], Cc[kMaxLanes];
    hn::Store(a, d, A);
    hn::Store(b, d, B);
    hn::Store(c, d, Cc);
    for (std::size_t j = 0; j < hn::Lanes(d); ++j) A[j] = std::fma(A[j], B[j], Cc[j]);
    return hn::Load(d, A);
#endif
}

// lanes outside [lo, hi], NaN included
HWY_INLINE M64 outside(V64 x, double lo, double hi) {
    return hn::Not(hn::And(hn::Ge(x, C(lo)), hn::Le(x, C(hi))));
}
// lanes that are not finite positive normal numbers
HWY_INLINE M64 not_normal_pos(V64 x) { return outside(x, DBL_MIN, DBL_MAX); }
HWY_INLINE M64 is_nan(V64 x) { return hn::Ne(x, x); }

// The value x = hi + lo (TwoSum).
HWY_INLINE void two_sum(V64 a, V64 b, V64& s, V64& e) {
    s = hn::Add(a, b);
    V64 bb = hn::Sub(s, a);
    e = hn::Add(hn::Sub(a, hn::Sub(s, bb)), hn::Sub(b, bb));
}

// expm1(x) for |x| <= 700, x != -0, reconstructed with one rounding (fdlibm): with
// x = q log 2 + r, |r| <= log(2)/2, expm1(x) = (2^q - 1) + 2^q expm1(r), where 2^q - 1 is exact
// for the q that matter and the product is an exact scaling.  Highway 1.0.3's Expm1 forms
// 2^q (1 + expm1(r)) - 1 instead, which loses up to 2 bits where |x| is just above log(2)/2
// (measured: 7 ulp for expm1(r)^2 at r = 0.37 against <= 3 with this form).
HWY_INLINE V64 expm1(V64 x) {
    const D64 d;
    hn::impl::ExpImpl<double> impl;
    const auto q = impl.ToInt32(
        d, hn::MulAdd(x, C(1.442695040888963407359924681), hn::Or(C(0.5), hn::And(x, C(-0.0)))));
    const V64 y = impl.ExpPoly(d, impl.ExpReduce(d, x, q));
    const V64 p = impl.Pow2I(d, q);
    V64 res = hn::Add(hn::Sub(p, C(1.0)), hn::Mul(p, y));
    // For log(2)/2 < x < log 2 (q = 1, r near -log(2)/2) the sum 1 + 2 expm1(r) doubles the
    // error of the polynomial: there expm1(x) = h (h + 2) = fma(h, h, 2h), h = expm1(x/2) from
    // the polynomial alone (|x/2| < log(2)/2).
    const M64 band = hn::And(hn::Gt(x, C(0.34)), hn::Lt(x, C(0.69)));
    if (HWY_UNLIKELY(!hn::AllFalse(d, band))) {
        const V64 h = impl.ExpPoly(d, hn::Mul(C(0.5), x));
        res = hn::IfThenElse(band, fma(h, h, hn::Add(h, h)), res);
    }
    return res;
}

// exp(hi + lo) = exp(hi) (1 + lo) for |hi| <= 700 (special.h exp_dd).
HWY_INLINE V64 exp_dd(V64 hi, V64 lo) {
    V64 e = hn::Exp(D64(), hi);
    return fma(e, lo, e);
}
// expm1(hi + lo) = expm1(hi) + exp(hi) lo for |hi| <= 700 (special.h expm1_dd).
HWY_INLINE V64 expm1_dd(V64 hi, V64 lo) {
    V64 em = expm1(hi);
    return hn::Add(em, hn::Mul(hn::Add(em, C(1.0)), lo));
}
// softplus(x) = max(x, 0) + log1p(e^-|x|) for |x| <= 700 (special.h softplus: x + ... for
// x > 0, 0 + ... otherwise, the same sums).
HWY_INLINE V64 softplus(V64 x) {
    const D64 d;
    V64 t = hn::Log1p(d, hn::Exp(d, hn::Neg(hn::Abs(x))));
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Add(x, t), t);
}
// sigma(x) for |x| <= 700 (special.h sigmoid)
HWY_INLINE V64 sigmoid(V64 x) {
    const D64 d;
    V64 e = hn::Exp(d, hn::Neg(hn::Abs(x)));
    V64 one = C(1.0);
    return hn::IfThenElse(hn::Ge(x, hn::Zero(d)), hn::Div(one, hn::Add(one, e)),
                          hn::Div(e, hn::Add(one, e)));
}

// L(y) = log1p(y) - y (special.h log1pmx) for finite y > -1.  Inside -0.8 < y < 2 with
// z = y/(2 + y):  L = -y^2/(2 + y) + 2 z^3 P(z^2),  P(w) = sum_k w^k/(2k + 3),  |z| <= 2/3,
// where P is summed by Horner to the degree that w needs (w^(D+1) < 2^-56: at most 56 terms
// at |z| = 2/3, 10 at |z| = 0.1).  The coefficients
// are rounded where the scalar divides by k: the series is a correction below |z|/3 of the
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

HWY_INLINE V64 log1pmx(V64 y) {
    const D64 d;
    const M64 band = hn::And(hn::Gt(y, C(-0.8)), hn::Lt(y, C(2.0)));
    V64 res = hn::Zero(d);
    if (!hn::AllTrue(d, band)) res = hn::Sub(hn::Log1p(d, y), y);
    if (hn::AllFalse(d, band)) return res;
    const V64 yb = hn::IfThenElseZero(band, y);
    const V64 two_y = hn::Add(C(2.0), yb);
    const V64 z = hn::Div(yb, two_y);
    const V64 w = hn::Mul(z, z);
    // Degree per lane from the lane's own w: with 2^(e-1023) <= w < 2^(e-1022), w^(D+1) < 2^-56
    // for D = ceil(56/b), b = 1022 - e >= 1 (w <= 4/9).  A lane's coefficients above its degree
    // are 0, so p stays exactly 0 until k = D and then p = c_D: the value does not depend on the
    // other lanes of the vector (bitwise reproducibility across positions and thread counts).
    // Only the degrees between the smallest and the largest of the vector need the mask.
    const hn::RebindToSigned<D64> di;
    const V64 e = hn::ConvertTo(d, hn::ShiftRight<52>(hn::BitCast(di, w)));
    const V64 deg = hn::Min(hn::Ceil(hn::Div(C(56.0), hn::Sub(C(1022.0), e))), C(60.0));
    const int top = static_cast<int>(hn::GetLane(hn::MaxOfLanes(d, deg)));
    const int low = static_cast<int>(hn::GetLane(hn::MinOfLanes(d, deg)));
    V64 p = hn::Zero(d);
    int k = top;
    for (; k > low; --k)
        p = hn::MulAdd(p, w, hn::IfThenElseZero(hn::Le(C(double(k)), deg), C(kInvOdd[k])));
    for (; k >= 0; --k) p = hn::MulAdd(p, w, C(kInvOdd[k]));  // every lane active: no mask
    const V64 s = hn::Mul(hn::Mul(z, w), p);
    // -y^2/(2 + y) + 2 s, with y^2/(2 + y) = y z: two roundings either way, one division less
    const V64 ser = hn::Sub(hn::Add(s, s), hn::Mul(yb, z));
    return hn::IfThenElse(band, ser, res);
}

// Kernels whose scalar form is plain IEEE arithmetic on every input (NaN included) need no
// rare lanes.
#define FDIV_SIMD_PURE(name, fn, expr)                     \
    struct name {                                          \
        static constexpr double (*scalar)(double) = &fn;   \
        static V64 eval(D64, V64 x, M64&) { return expr; } \
    };

// A kernel on [lo, hi] (NaN and everything outside to the scalar kernel).
#define FDIV_SIMD_RANGE(name, fn, lo, hi, expr)          \
    struct name {                                        \
        static constexpr double (*scalar)(double) = &fn; \
        static V64 eval(D64 d, V64 x, M64& rare) {       \
            (void)d;                                     \
            rare = outside(x, lo, hi);                   \
            return expr;                                 \
        }                                                \
    };

// One vector of inputs: evaluate, store, and recompute the rare lanes (at most `count` of
// them are real) with the scalar kernel.
template <class K, class In, class Out, class... P>
HWY_INLINE void unary_block(const In* in, Out* out, std::size_t count, P... p) {
    const D64 d;
    V64 x;
    if constexpr (sizeof(In) == 8) {
        x = hn::LoadU(d, in);
    } else {
        x = hn::PromoteTo(d, hn::LoadU(D32h(), in));
    }
    M64 rare = hn::Lt(x, x);  // all false
    V64 y = K::eval(d, x, rare, p...);
    // +-0 and subnormal inputs always take the scalar kernel: Highway's Expm1(-0) = +0 (and
    // an exponent that underflows to -0 from a subnormal) would flip the sign of a zero.
    rare = hn::Or(rare, hn::Lt(hn::Abs(x), C(DBL_MIN)));
    if constexpr (sizeof(Out) == 8) {
        hn::StoreU(y, d, out);
    } else {
#if HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128
        // their DemoteTo clamps +-inf to +-FLT_MAX: round lane by lane
        HWY_ALIGN double yb[kMaxLanes];
        hn::Store(y, d, yb);
        for (std::size_t j = 0; j < hn::Lanes(d); ++j) out[j] = static_cast<float>(yb[j]);
#else
        hn::StoreU(hn::DemoteTo(D32h(), y), D32h(), out);
#endif
    }
    if (HWY_LIKELY(hn::AllFalse(d, rare))) return;
    HWY_ALIGN double xb[kMaxLanes];
    uint8_t bits[kMaxLanes / 8 + 1] = {};
    hn::Store(x, d, xb);
    hn::StoreMaskBits(d, rare, bits);
    for (std::size_t j = 0; j < count; ++j)
        if ((bits[j / 8] >> (j % 8)) & 1) out[j] = static_cast<Out>(K::scalar(xb[j], p...));
}

// The contiguous driver: full vectors, then the tail through a padded buffer with the same
// vector code (so an element's result does not depend on its position).  `in` may equal
// `out` (x = f(x, out=x)): each block loads its inputs before it stores, and the rare lanes
// are recomputed from the loaded copy.
template <class K, class T, class... P>
HWY_INLINE void drive_unary(const T* in, T* out, std::ptrdiff_t n_, P... p) {
    const D64 d;
    const std::size_t N = hn::Lanes(d);
    const std::size_t n = static_cast<std::size_t>(n_);
    std::size_t i = 0;
    for (; i + N <= n; i += N) unary_block<K>(in + i, out + i, N, p...);
    if (i < n) {
        HWY_ALIGN T xb[kMaxLanes];
        HWY_ALIGN T yb[kMaxLanes];
        for (std::size_t j = 0; j < N; ++j) xb[j] = i + j < n ? in[i + j] : T(1);
        unary_block<K>(xb, yb, n - i, p...);
        std::memcpy(out + i, yb, (n - i) * sizeof(T));
    }
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
