// Softened reverse KL (Shannon et al. 2020; MATH.md §3.13) and its dual, the softened KL
// (§3.14).  Neither has an f-GAN entry: activation is the ratio activation f'(e^v).
// Conventions of docs/kernels.md.  Accuracy contract (double): <= 4 ulp, except the
// softened_reverse_kl conjugate and (f')^-1 (Lambert W_{-1}): <= 1e-14 relative.
//
// Note on dom f* for softened_reverse_kl: at t = b = -log 2 the sup of u t - f(u) is
// log 2 - 1 (approached as u -> inf), so b belongs to dom f*.  b is irrational, so no double
// equals it; the largest double below it is inside, and -LN2_HI is outside (+inf).
#pragma once

#include "lambert.h"
#include "special.h"

namespace fdv {

struct softened_reverse_kl {
    // f(u) = (1 + u) log1p((1 - u)/(2u)); for u < 1/3 the log is log1p(u) - log(2u) (no
    // overflow of (1 - u)/(2u), terms of one sign).
    static double lg(double u) {
        if (u < 1.0 / 3.0) return std::log1p(u) - std::log(2.0 * u);
        return std::log1p(0.5 * ((1.0 - u) / u));  // 2u overflows at DBL_MAX
    }
    static double f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return inf;
        if (u == inf) return -inf;
        return (1.0 + u) * lg(u);
    }
    // f'(u) = log((1 + u)/(2u)) - 1/u
    static double df(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return -inf;
        if (u == inf) return -(LN2_HI + LN2_LO);
        return lg(u) - 1.0 / u;
    }
    // f''(u) = 1/(u^2 (1 + u))
    static double d2f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return inf;
        double w = 1.0 / u;
        return (w * w) / (1.0 + u);
    }
    // log((1 + e^r)/(2 e^r)) = log1p(expm1(-r)/2); for r < -30, log1p(e^r) - r - log 2.
    static double lg_r(double r) {
        if (r < -30.0) return ((std::log1p(std::exp(r)) - r) - LN2_HI) - LN2_LO;
        return std::log1p(0.5 * std::expm1(-r));
    }
    static double f_logu(double r) {
        if (is_nan(r)) return nan;
        if (r == -inf) return inf;
        if (r == inf) return -inf;
        if (r > 700.0) return exp_mul(r, (1.0 + std::exp(-r)) * lg_r(r));
        return (1.0 + std::exp(r)) * lg_r(r);
    }
    // f'(e^r) = log1p(expm1(-r)/2) - e^-r = softplus(-r) - log 2 - e^-r
    static double df_logu(double r) {
        if (is_nan(r)) return nan;
        if (r == -inf) return -inf;
        return lg_r(r) - std::exp(-r);
    }
    // log f'' = -2r - softplus(r) = -log(u^2 (1+u)); zero at u^2 (1+u) = 1.
    static double log_d2f_logu(double r) {
        if (is_nan(r)) return nan;
        constexpr zero_point z{-0x1.1ff2c7fd77084p-2, -1.4871495844636426e-17,
                               0x1.b87bc968e1861p-2};
        double d = z.d(r);
        if (std::fabs(d) < 1.0) return -(2.0 * d + zero_point::log1p_ratio(d, z.sigma));
        if (r > 0.0) return -(3.0 * r + std::log1p(std::exp(-r)));
        return -(2.0 * r + std::log1p(std::exp(r)));
    }
    // f*(t) = log 2 - 1 - log1p(s), (f')^-1(t) = 1/s, s from srkl_solve (lambert.h).
    static double conj(double t) {
        if (is_nan(t)) return nan;
        if (t == -inf) return -inf;
        double s = srkl_solve(t);
        if (s == 0.0) return inf;
        return ((LN2_HI - 1.0) - std::log1p(s)) + LN2_LO;
    }
    static double inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t == -inf) return 0.0;
        double s = srkl_solve(t);
        if (s == 0.0) return inf;
        return 1.0 / s;
    }
    // f'(e^v) -> -log 2 from below; the double nearest -log 2 (-LN2_HI) lies outside dom f*.
    static double activation(double v) {
        return step_inside(df_logu(v), [](double t) { return srkl_inside(t); });
    }
    static double ratio_activation(double v) { return activation(v); }
    static double log_ratio(double v) { return v; }
    static double log_inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t == -inf) return -inf;
        double s = srkl_solve(t);
        if (s == 0.0) return inf;
        return -std::log(s);
    }
    // f - u f' = softplus(-l) + 1 - log 2: the non-saturating GAN loss plus a constant (§5.5)
    static double objective_logu(double l) { return (softplus(-l) + (1.0 - LN2_HI)) - LN2_LO; }
};

struct softened_kl {
    // f(u) = (1 + u) log1p((u - 1)/2)
    static double f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == inf) return inf;
        return (1.0 + u) * std::log1p(0.5 * (u - 1.0));
    }
    static double df(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == inf) return inf;
        return 1.0 + std::log1p(0.5 * (u - 1.0));
    }
    static double d2f(double u) {
        if (!(u >= 0.0)) return nan;
        return 1.0 / (1.0 + u);
    }
    static double f_logu(double r) {
        if (is_nan(r)) return nan;
        if (r == inf) return inf;
        // 1 + e^r = 2 + expm1(r): the factor's only error is the rounding of the sum (with
        // 1 + exp(r), exp's error reached the result: 4 ulp at r = 0.002)
        double e = std::expm1(r);
        return (2.0 + e) * std::log1p(0.5 * e);
    }
    // f'(e^r) = 1 + softplus(r) - log 2
    static double df_logu(double r) {
        if (is_nan(r)) return nan;
        if (r > 30.0) return 1.0 + (((r - LN2_HI) - LN2_LO) + std::log1p(std::exp(-r)));
        return 1.0 + std::log1p(0.5 * std::expm1(r));
    }
    static double log_d2f_logu(double r) { return -softplus(r); }
    // f*(t) = 2 e^{t-1} - t for t >= 1 - log 2, log 2 below.
    static double conj(double t) {
        if (is_nan(t)) return nan;
        if (t == inf) return inf;
        double a = (t - (1.0 - LN2_HI)) + LN2_LO;  // t - (1 - log 2); 1 - LN2_HI is exact
        if (a <= 0.0) return LN2_HI + LN2_LO;
        double s, e;
        two_sum(t, -1.0, s, e);
        return std::fma(2.0, exp_dd(s, e), -t);
    }
    // (f')^-1(t) = 2 e^{t-1} - 1 = expm1(a), a = t - (1 - log 2)
    static double inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t == inf) return inf;
        double a = (t - (1.0 - LN2_HI)) + LN2_LO;
        if (a <= 0.0) return 0.0;
        if (a < 1.0) return std::expm1(a);
        double s, e;
        two_sum(t, -1.0, s, e);
        return std::fma(2.0, exp_dd(s, e), -1.0);
    }
    static double activation(double v) { return df_logu(v); }
    static double ratio_activation(double v) { return df_logu(v); }
    static double log_ratio(double v) { return v; }
    // log (2 e^{t-1} - 1) = log expm1(a), a = t - (1 - log 2)
    static double log_inv_df(double t) {
        if (is_nan(t)) return nan;
        double a = (t - (1.0 - LN2_HI)) + LN2_LO;
        if (a <= 0.0) return -inf;
        if (t > 30.0) return (((t - 1.0) + LN2_HI) + LN2_LO) + std::log1p(-0.5 * std::exp(1.0 - t));
        if (a < 1.0) return std::log(std::expm1(a));
        double s, e;
        two_sum(t, -1.0, s, e);
        return std::log(std::fma(2.0, exp_dd(s, e), -1.0));
    }
    // f - u f' = log((1 + u)/2) - u
    static double objective_logu(double l) {
        if (is_nan(l)) return nan;
        if (l == inf) return -inf;
        double lg = l > 30.0 ? ((l - LN2_HI) - LN2_LO) + std::log1p(std::exp(-l))
                             : std::log1p(0.5 * std::expm1(l));
        return lg - std::exp(l);
    }
};

}  // namespace fdv
