// Pearson and Neyman chi-square (MATH.md §3.3, §3.4) and the squared Hellinger distance
// (§3.5).  Conventions of docs/kernels.md.  Accuracy contract (double): <= 4 ulp.
#pragma once

#include "special.h"

namespace fdv {

struct pearson {
    static double f(double u) {
        if (!(u >= 0.0)) return nan;
        double d = u - 1.0;
        return d * d;
    }
    static double df(double u) {
        if (!(u >= 0.0)) return nan;
        return 2.0 * (u - 1.0);
    }
    static double d2f(double u) {
        if (!(u >= 0.0)) return nan;
        return 2.0;
    }
    static double f_logu(double r) {
        double e = std::expm1(r);
        return e * e;
    }
    static double df_logu(double r) { return 2.0 * std::expm1(r); }
    static double log_d2f_logu(double r) {
        if (is_nan(r)) return nan;
        return LN2_HI + LN2_LO;
    }
    // f*(t) = t + t^2/4 for t >= -2 (one fma: correctly rounded), -1 below (the sup over
    // u >= 0 sits at u = 0 there; the f-GAN formula on all of R is looser).
    static double conj(double t) {
        if (is_nan(t)) return nan;
        if (t <= -2.0) return -1.0;
        return std::fma(0.25 * t, t, t);
    }
    static double inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t <= -2.0) return 0.0;
        return std::fma(0.5, t, 1.0);
    }
    static double activation(double v) { return v; }
    static double ratio_activation(double v) { return df_logu(v); }
    // T = v, r = 1 + T/2 (0 for T <= -2); objective f - u f' = 1 - u^2.
    static double log_inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t <= -2.0) return -inf;
        return std::log1p(0.5 * t);
    }
    static double log_ratio(double v) { return log_inv_df(v); }
    static double objective_logu(double l) { return -std::expm1(2.0 * l); }
};

struct neyman {
    // f(u) = (u - 1) ((u - 1)/u): no overflow of (u - 1)^2.
    static double f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0 || u == inf) return inf;
        double d = u - 1.0;
        return d * (d / u);
    }
    // f'(u) = 1 - u^-2 = ((u - 1)/u) ((u + 1)/u)
    static double df(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return -inf;
        if (u == inf) return 1.0;
        return ((u - 1.0) / u) * ((u + 1.0) / u);
    }
    static double d2f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return inf;
        return 2.0 * std::pow(u, -3.0);
    }
    // f(e^r) = 4 sinh^2(r/2) = -expm1(r) expm1(-r)
    static double f_logu(double r) {
        if (is_nan(r)) return nan;
        if (r == inf || r == -inf) return inf;
        return -std::expm1(r) * std::expm1(-r);
    }
    static double df_logu(double r) { return -std::expm1(-2.0 * r); }
    // log f'' = log 2 - 3r, formed by fma from LN2_HI + LN2_LO (it vanishes at r = log(2)/3).
    static double log_d2f_logu(double r) { return std::fma(-3.0, r, LN2_HI) + LN2_LO; }
    // f*(t) = 2t/(1 + sqrt(1 - t)) on t <= 1 (no cancellation near t = 0).
    static double conj(double t) {
        if (is_nan(t)) return nan;
        if (t > 1.0) return inf;
        if (t == -inf) return -inf;
        return 2.0 * t / (1.0 + std::sqrt(1.0 - t));
    }
    static double inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t >= 1.0) return inf;
        return 1.0 / std::sqrt(1.0 - t);
    }
    static double activation(double v) { return -std::expm1(-v); }
    static double ratio_activation(double v) { return df_logu(v); }
    // T = 1 - e^-v, r = (1 - T)^-1/2 = e^{v/2}; objective f - u f' = 2/u - 2.
    static double log_ratio(double v) { return 0.5 * v; }
    static double log_inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t >= 1.0) return inf;
        return -0.5 * std::log1p(-t);
    }
    static double objective_logu(double l) { return 2.0 * std::expm1(-l); }
};

struct squared_hellinger {
    // f(u) = (sqrt(u) - 1)^2 with sqrt(u) = s + sl (s rounded, sl = (u - s^2)/(2s) from the
    // FMA residual) and t = sqrt(u) - 1 = (s - 1) + sl carried in dd, squared by TwoProd:
    // within ~0.5 ulp except right next to u = 1, where t ~ sl and sl's own rounding (and the
    // neglected sl^2/(2s)) give up to ~2.5 ulp.  ((u - 1)/(sqrt(u) + 1))^2, the previous form,
    // rounds five times and reached 4.2 ulp (u = 0.4339).
    static double f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == inf) return inf;
        if (u > 1e300) return (u - 2.0 * std::sqrt(u)) + 1.0;  // t * t would overflow
        const double s = std::sqrt(u);
        if (s == 0.0) return 1.0;
        const double sl = std::fma(-s, s, u) / (s + s);
        double th, tl;
        two_sum(s, -1.0, th, tl);
        tl += sl;
        const double h = th + tl;
        tl -= h - th;
        th = h;
        double p, e;
        two_prod(th, th, p, e);
        return p + std::fma(th + th, tl, e);
    }
    static double df(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return -inf;
        if (u == inf) return 1.0;
        return (u - 1.0) / (u + std::sqrt(u));
    }
    static double d2f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return inf;
        // below 1, 4 (4u)^(-3/2): u^(-3/2) alone overflows for u < 2^-682.7 where half of it
        // does not (the factors 4 are exact; above 1 the result may be subnormal)
        if (u < 1.0) return 4.0 * std::pow(4.0 * u, -1.5);
        return 0.5 * std::pow(u, -1.5);
    }
    static double f_logu(double r) {
        double e = std::expm1(0.5 * r);
        return e * e;
    }
    static double df_logu(double r) { return -std::expm1(-0.5 * r); }
    // log f'' = -log 2 - 3r/2
    static double log_d2f_logu(double r) { return -(std::fma(1.5, r, LN2_HI) + LN2_LO); }
    static double conj(double t) {
        if (is_nan(t)) return nan;
        if (t >= 1.0) return inf;
        if (t == -inf) return -1.0;
        return t / (1.0 - t);
    }
    static double inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t >= 1.0) return inf;
        double w = 1.0 - t;
        return 1.0 / w / w;
    }
    // 1 - e^-v rounds to the open boundary 1 for v > 37.
    static double activation(double v) {
        return step_inside(-std::expm1(-v), [](double t) { return t < 1.0; });
    }
    static double ratio_activation(double v) {
        return step_inside(df_logu(v), [](double t) { return t < 1.0; });
    }
    // T = 1 - e^-v, r = (1 - T)^-2 = e^{2v}; objective f - u f' = 1 - sqrt(u).
    static double log_ratio(double v) { return 2.0 * v; }
    static double log_inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t >= 1.0) return inf;
        return -2.0 * std::log1p(-t);
    }
    static double objective_logu(double l) { return -std::expm1(0.5 * l); }
};

}  // namespace fdv
