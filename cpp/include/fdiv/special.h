// Scalar helpers with stated edge conventions (MATH.md §1).
//
// Accuracy (double): each helper below is within 1.5 ulp of the exact value on its stated
// range, except log1pmx (<= 2 ulp) and the error-free transformations, which are exact.
#pragma once

#include <quadmath.h>

#include "config.h"

namespace fdv {

// log 2 = LN2_HI + LN2_LO to about 2^-107: the distance to a log 2 boundary is formed
// without rounding error (MATH.md §1).
constexpr double LN2_HI = 0x1.62e42fefa39efp-1;
constexpr double LN2_LO = 2.3190468138462996e-17;
// e = E_HI + E_LO.
constexpr double E_HI = 0x1.5bf0a8b145769p+1;
constexpr double E_LO = 1.4456468917292502e-16;
// exp(700), rounded: scales e^r for r > 700 without a spurious overflow.
constexpr double EXP700 = 0x1.d945df4f8ec8ep+1009;

FDIV_INLINE bool is_nan(double x) { return x != x; }

// TwoSum (Knuth): s + e == a + b exactly.
FDIV_INLINE void two_sum(double a, double b, double& s, double& e) {
    s = a + b;
    double bb = s - a;
    e = (a - (s - bb)) + (b - bb);
}

// TwoProd: p + e == a * b exactly (barring over/underflow).
FDIV_INLINE void two_prod(double a, double b, double& p, double& e) {
    p = a * b;
    e = std::fma(a, b, -p);
}

// exp(hi + lo) for |lo| <= ulp(hi): exp(hi) (1 + lo).  exp(x) magnifies an absolute error
// in x into the same relative error, so an argument like t - 1 or alpha * r that was
// rounded (error up to ulp(700)/2 = 5.7e-14) must carry its rounding error in lo.
FDIV_INLINE double exp_dd(double hi, double lo) {
    double e = std::exp(hi);
    if (!(e > 0.0 && e < inf) || !(std::fabs(hi) < inf)) return e;  // lo is NaN for hi = +-inf
    return std::fma(e, lo, e);
}

// expm1(hi + lo) for |lo| <= ulp(hi): expm1(hi) + exp(hi) lo.
FDIV_INLINE double expm1_dd(double hi, double lo) {
    double em = std::expm1(hi);
    if (!(std::fabs(em) < inf) || !(std::fabs(hi) < inf)) return em;
    return em + (em + 1.0) * lo;
}

// e^r * x without a spurious overflow for r in (700, 1400]: the exact value may be finite
// although e^r alone is not.
FDIV_INLINE double exp_mul(double r, double x) {
    if (r <= 700.0) return std::exp(r) * x;
    return (std::exp(r - 700.0) * x) * EXP700;
}

// softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|); +inf -> +inf, -inf -> 0.
FDIV_INLINE double softplus(double x) {
    if (x > 0.0) return x + std::log1p(std::exp(-x));
    return std::log1p(std::exp(x));
}

// log sigma(x) = -softplus(-x).
FDIV_INLINE double log_sigmoid(double x) { return -softplus(-x); }

// c - softplus(-v) in binary128 (libquadmath), rounded once: its error, ~2^-112 of c, is below
// 2^-52 of the result wherever that is above ~2^-60 c.  The activations' value near their zero,
// where a long double softplus (2^-64 of c) loses the result's digits.
inline double c_minus_softplus_q(__float128 c, double v) {
    const __float128 x = -static_cast<__float128>(v);
    const __float128 sp = x > 0 ? x + log1pq(expq(-x)) : log1pq(expq(x));
    return static_cast<double>(c - sp);
}

// sigma(x) = 1 / (1 + e^-x), branch on the sign so that e^-x never overflows.
FDIV_INLINE double sigmoid(double x) {
    if (x >= 0.0) return 1.0 / (1.0 + std::exp(-x));
    double e = std::exp(x);
    return e / (1.0 + e);
}

// log1mexp(a) = log(1 - e^-a), a > 0 (Maechler 2012): log(-expm1(-a)) for a <= log 2, where
// 1 - e^-a is small and expm1 keeps its digits; log1p(-e^-a) above.  a = 0 -> -inf.
FDIV_INLINE double log1mexp(double a) {
    if (a <= LN2_HI) return std::log(-std::expm1(-a));
    return std::log1p(-std::exp(-a));
}

// L(y) = log1p(y) - y (Boost.Math log1pmx), y > -1.
// Near 0 both terms agree to leading order and their difference (-y^2/2) loses every digit,
// so for -0.8 < y < 2 write log1p(y) = 2 atanh(z), z = y / (2 + y):
//   L(y) = -y^2/(2 + y) + 2 (z^3/3 + z^5/5 + ...),      |z| <= 2/3,
// where the leading term carries the sign and the series is a small correction.
// Outside that band log1p(y) - y loses at most 2 bits.  L(-1) = -inf, L(+inf) = -inf.
template <class T>
FDIV_INLINE T log1pmx_in(T y) {
    // (the series stops where a term is below 1e-17 of the sum in double, 1e-20 in long double)
    const T tol = sizeof(T) > sizeof(double) ? T(1e-20L) : T(1e-17);
    if (y > T(-0.8) && y < T(2)) {
        T z = y / (T(2) + y);
        T z2 = z * z;
        T term = z * z2;
        T sum = 0;
        for (int k = 3; k < 200; k += 2) {
            T add = term / T(k);
            sum += add;
            if (std::fabs(add) <= tol * std::fabs(sum)) break;
            term *= z2;
        }
        return -y * y / (T(2) + y) + T(2) * sum;
    }
    if (y == T(-1)) return -T(inf);
    if (y == T(inf)) return -T(inf);
    return std::log1p(y) - y;
}
FDIV_INLINE double log1pmx(double y) { return log1pmx_in<double>(y); }
// the same in long double (2^-64), for kernels whose argument is formed in long double: near
// y = -1 the rounding of y is magnified by |y/(1 + y)| (5 at m/u = 0.16 in js_weighted f)
FDIV_INLINE long double log1pmx_l(long double y) { return log1pmx_in<long double>(y); }

// (u^x - 1)/x in long double, L = log u in long double: expm1(x L)/x for |x L| < 1/2 (no
// cancellation), (u^x - 1)/x from powl elsewhere (u^x - 1 cancels at most 1/(1 - e^-1/2) = 2.5).
// Relative error ~2^-62 wherever the result fits in long double.
FDIV_INLINE long double powm1_over_l(long double u, long double L, long double x) {
    const long double p = x * L;
    if (std::fabs(p) < 0.5L) return std::expm1(p) / x;
    return (std::pow(u, x) - 1.0L) / x;
}

// log(softplus(x)) = log log1p(e^x); for x < -30, x + log1p(-e^x/2) to double precision.
FDIV_INLINE double log_softplus(double x) {
    if (x < -30.0) return x - 0.5 * std::exp(x);
    return std::log(softplus(x));
}

// log(expm1(y)), y > 0, given log y as well (y itself may have underflowed).
FDIV_INLINE double log_expm1(double y, double log_y) {
    if (log_y < -20.0) return log_y + 0.5 * y;  // log(y (1 + y/2 + ...))
    if (y > 40.0) return y + std::log1p(-std::exp(-y));
    return std::log(std::expm1(y));
}

// Near an interior zero r0 of log f''(e^r) the difference of its terms cancels.  For the
// entries whose f'' is a product of powers of u and 1 + u, log f'' is a combination of
// d = r - r0 (formed exactly from r0 = R0_HI + R0_LO) and
//   log((1 + e^r)/(1 + e^r0)) = log1p(sigma(r0) expm1(d)),
// each relatively accurate, so the value keeps its digits through the zero.
struct zero_point {
    double hi, lo, sigma;
    double d(double r) const { return (r - hi) - lo; }
    static double log1p_ratio(double d, double sigma) { return std::log1p(sigma * std::expm1(d)); }
};

// Critic activations must land inside dom f* although their exact value may round onto (or
// past) an open boundary (1 - e^-40 rounds to 1).  step_inside moves t down by at most a few
// ulp until `inside(t)` holds; NaN passes through.
template <class Inside>
FDIV_INLINE double step_inside(double t, Inside inside) {
    for (int k = 0; k < 4 && !is_nan(t) && !inside(t); ++k) t = std::nextafter(t, -inf);
    return t;
}

}  // namespace fdv
