// Perspective q f(p/q) of a catalogue generator, the summand of a discrete divergence
// (MATH.md §0): 0 f(0/0) = 0; q = 0 < p gives p f'(inf); p = 0 < q gives q f(0+).
// For p > q it is evaluated as p f_dual(q/p) (f_dual(w) = w f(1/w)), so the ratio never
// overflows.  Negative, NaN or infinite masses give NaN.
#pragma once

#include "config.h"

namespace fdv {

template <class D, class Dual>
struct perspective1 {
    static double eval(double p, double q) {
        if (!(p >= 0.0 && q >= 0.0 && p < inf && q < inf)) return nan;
        if (q == 0.0) return p == 0.0 ? 0.0 : p * D::df(inf);
        if (p == 0.0) return q * D::f(0.0);
        if (p <= q) return q * D::f(p / q);
        return p * Dual::f(q / p);
    }
};

// Parametric families: the dual's parameter is `dual_param(param)`.
template <class D, class Dual, double (*dual_param)(double)>
struct perspective2 {
    static double eval(double p, double q, double c) {
        if (!(p >= 0.0 && q >= 0.0 && p < inf && q < inf) || D::bad(c)) return nan;
        if (q == 0.0) return p == 0.0 ? 0.0 : p * D::df(inf, c);
        if (p == 0.0) return q * D::f(0.0, c);
        if (p <= q) return q * D::f(p / q, c);
        return p * Dual::f(q / p, dual_param(c));
    }
};

FDIV_INLINE double one_minus(double c) { return 1.0 - c; }

}  // namespace fdv
