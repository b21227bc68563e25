// Perspective q f(p/q) of a catalogue generator, the summand of a discrete divergence
// (MATH.md §0): 0 f(0/0) = 0; q = 0 < p gives p f'(inf); p = 0 < q gives q f(0+).
// Negative, NaN or infinite masses give NaN.
//
// For p <= q it is q f(u), u = p/q <= 1; for p > q the identity q f(p/q) = p f_dual(q/p)
// (f_dual(w) = w f(1/w)) keeps the ratio <= 1, so it never overflows.  When the ratio
// underflows (below DBL_MIN), the ratio carries no digits: the value is taken from the
// log-ratio r = log p - log q instead, as q f(e^r) or, where that under/overflows although
// the product does not (kl: q f(e^r) with f(e^r) -> 0), as p f_dual(e^-r).
#pragma once

#include <cfloat>

#include "config.h"

namespace fdv {

namespace detail {
template <class Small, class Large>
double perspective_tail(double a, double b, Small small_f, Large large_f) {
    // a <= b, a/b < DBL_MIN: b f(a/b) = a f_dual(b/a)
    double r = std::log(a) - std::log(b);
    double A = b * small_f(r);
    if (A != 0.0 && std::fabs(A) < inf) return A;
    double B = a * large_f(-r);
    return std::fabs(B) < inf ? B : A;
}
}  // namespace detail

template <class D, class Dual>
struct perspective1 {
    static double eval(double p, double q) {
        if (!(p >= 0.0 && q >= 0.0 && p < inf && q < inf)) return nan;
        if (q == 0.0) return p == 0.0 ? 0.0 : p * D::df(inf);
        if (p == 0.0) return q * D::f(0.0);
        if (p <= q) {
            double u = p / q;
            if (u >= DBL_MIN) return q * D::f(u);
            return detail::perspective_tail(
                p, q, [](double r) { return D::f_logu(r); },
                [](double r) { return Dual::f_logu(r); });
        }
        double w = q / p;
        if (w >= DBL_MIN) return p * Dual::f(w);
        return detail::perspective_tail(
            q, p, [](double r) { return Dual::f_logu(r); }, [](double r) { return D::f_logu(r); });
    }
};

// Parametric families: the dual's parameter is `dual_param(param)`.
template <class D, class Dual, double (*dual_param)(double)>
struct perspective2 {
    static double eval(double p, double q, double c) {
        if (!(p >= 0.0 && q >= 0.0 && p < inf && q < inf) || D::bad(c)) return nan;
        if (q == 0.0) return p == 0.0 ? 0.0 : p * D::df(inf, c);
        if (p == 0.0) return q * D::f(0.0, c);
        double cd = dual_param(c);
        if (p <= q) {
            double u = p / q;
            if (u >= DBL_MIN || D::bad(cd)) return q * D::f(u, c);
            return detail::perspective_tail(
                p, q, [c](double r) { return D::f_logu(r, c); },
                [cd](double r) { return Dual::f_logu(r, cd); });
        }
        if (D::bad(cd)) {
            // 1 - c rounded onto an excluded value (c within 1e-16 of 0): no dual, so the ratio
            // p/q > 1 is used directly, through the log-ratio where it overflows.
            double u = p / q;
            if (u < inf) return q * D::f(u, c);
            return q * D::f_logu(std::log(p) - std::log(q), c);
        }
        double w = q / p;
        if (w >= DBL_MIN) return p * Dual::f(w, cd);
        return detail::perspective_tail(
            q, p, [cd](double r) { return Dual::f_logu(r, cd); },
            [c](double r) { return D::f_logu(r, c); });
    }
};

FDIV_INLINE double one_minus(double c) { return 1.0 - c; }

}  // namespace fdv
