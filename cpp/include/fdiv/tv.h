// Total variation (MATH.md §3.10), the triangular discrimination and Le Cam (§3.11).
// Conventions of docs/kernels.md (TV's subgradient conventions are listed there).
// Accuracy contract (double): <= 4 ulp, except log f'' of le_cam near its zero.
#pragma once

#include "special.h"

namespace fdv {

struct total_variation {
    static double f(double u) {
        if (!(u >= 0.0)) return nan;
        return 0.5 * std::fabs(u - 1.0);
    }
    static double df(double u) {
        if (!(u >= 0.0)) return nan;
        return u > 1.0 ? 0.5 : (u < 1.0 ? -0.5 : 0.0);
    }
    // f'' is a unit point mass at u = 1.
    static double d2f(double u) {
        if (!(u >= 0.0)) return nan;
        return u == 1.0 ? inf : 0.0;
    }
    static double f_logu(double r) {
        if (r > 700.0) return exp_mul(r, -0.5 * std::expm1(-r));  // the halving first
        return 0.5 * std::fabs(std::expm1(r));
    }
    static double df_logu(double r) {
        if (is_nan(r)) return nan;
        return r > 0.0 ? 0.5 : (r < 0.0 ? -0.5 : 0.0);
    }
    static double log_d2f_logu(double r) {
        if (is_nan(r)) return nan;
        return r == 0.0 ? inf : -inf;
    }
    // f*(t) = max(t, -1/2) on t <= 1/2 (the f-GAN variant, t on [-1/2, 1/2], is the same
    // there but undefined below -1/2).
    static double conj(double t) {
        if (is_nan(t)) return nan;
        if (t > 0.5) return inf;
        return t < -0.5 ? -0.5 : t;
    }
    static double inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t <= -0.5) return 0.0;
        if (t < 0.5) return 1.0;
        return inf;
    }
    static double activation(double v) { return 0.5 * std::tanh(v); }
    static double ratio_activation(double v) { return df_logu(v); }
    // f' is not invertible: the critic carries no ratio beyond its sign; (f')^-1 = 1 inside.
    static double log_inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t <= -0.5) return -inf;
        return t < 0.5 ? 0.0 : inf;
    }
    // T = tanh(v)/2 lies strictly inside (-1/2, 1/2) for finite v, where (f')^-1 = 1
    // (tanh rounds to +-1 for |v| > 19, so it is not composed from the activation).
    static double log_ratio(double v) {
        if (is_nan(v)) return nan;
        return std::fabs(v) == inf ? v : 0.0;
    }
    static double objective_logu(double l) {
        if (is_nan(l)) return nan;
        return l > 0.0 ? -0.5 : (l < 0.0 ? 0.5 : 0.0);
    }
};

// Triangular discrimination Delta = int (p-q)^2/(p+q), f(u) = (u-1)^2/(u+1).
struct triangular {
    static double f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == inf) return inf;
        double d = u - 1.0;
        return d * (d / (u + 1.0));
    }
    // f'(u) = ((u-1)/(u+1)) ((u+3)/(u+1))
    static double df(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == inf) return 1.0;
        double s = u + 1.0;
        return ((u - 1.0) / s) * ((u + 3.0) / s);
    }
    // f''(u) = 8 (u+1)^-3 with u + 1 = sh + sl carried exactly: (sh/2)^-3 (1 - 3 sl/sh), the
    // factor 8 inside the power (sh/2 is exact): 8 sh^-3 rounded sh^-3 first, which is
    // subnormal from u ~ 1e103 on, and the factor 8 took that rounding to 4 ulp.
    static double d2f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == inf) return 0.0;
        double sh, sl;
        two_sum(u, 1.0, sh, sl);
        double p = std::pow(0.5 * sh, -3.0);
        return std::fma(p, -3.0 * sl / sh, p);
    }
    // f(e^r) = expm1(r) tanh(r/2)
    static double f_logu(double r) {
        if (is_nan(r)) return nan;
        if (r == inf) return inf;
        return std::expm1(r) * std::tanh(0.5 * r);
    }
    // f'(e^r) = tanh(r/2) (1 + 2 sigma(-r))
    static double df_logu(double r) {
        if (is_nan(r)) return nan;
        return std::tanh(0.5 * r) * (1.0 + 2.0 * sigmoid(-r));
    }
    // log f'' = -3 log1p(expm1(r)/2) = -3 (r - log 2 + log1p(e^-r)) for large r
    static double log_d2f_logu(double r) {
        if (is_nan(r)) return nan;
        if (r > 30.0) return -3.0 * (((r - LN2_HI) - LN2_LO) + std::log1p(std::exp(-r)));
        return -3.0 * std::log1p(0.5 * std::expm1(r));
    }
    // f*(t) = t (3 - s)/(1 + s), s = sqrt(1 - t), on -3 <= t <= 1; -1 below; +inf above.
    static double conj(double t) {
        if (is_nan(t)) return nan;
        if (t > 1.0) return inf;
        if (t <= -3.0) return -1.0;
        double s = std::sqrt(1.0 - t);
        return t * (3.0 - s) / (1.0 + s);
    }
    // (f')^-1(t) = 2/s - 1 = (3 + t)/(s (2 + s)): no cancellation near t = -3.
    static double inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t >= 1.0) return inf;
        if (t <= -3.0) return 0.0;
        double s = std::sqrt(1.0 - t);
        return (3.0 + t) / (s * (2.0 + s));
    }
    // No f-GAN entry: the ratio activation f'(e^v) is used.
    static double activation(double v) { return df_logu(v); }
    static double ratio_activation(double v) { return df_logu(v); }
    static double log_ratio(double v) { return v; }
    static double log_inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t >= 1.0) return inf;
        if (t <= -3.0) return -inf;
        double s = std::sqrt(1.0 - t);
        return std::log(3.0 + t) - std::log(s * (2.0 + s));
    }
    // f - u f' = -((u-1)/(u+1)) (3u+1)/(u+1) = -tanh(l/2) (3 - 2 sigma(-l))
    static double objective_logu(double l) {
        if (is_nan(l)) return nan;
        return -std::tanh(0.5 * l) * (3.0 - 2.0 * sigmoid(-l));
    }
};

// Le Cam distance = Delta / 2.
struct le_cam {
    static double f(double u) { return 0.5 * triangular::f(u); }
    static double df(double u) { return 0.5 * triangular::df(u); }
    static double d2f(double u) { return 0.5 * triangular::d2f(u); }
    static double f_logu(double r) {
        if (r > 700.0 && r < inf) return exp_mul(r, -0.5 * std::expm1(-r) * std::tanh(0.5 * r));
        return 0.5 * triangular::f_logu(r);
    }
    static double df_logu(double r) { return 0.5 * triangular::df_logu(r); }
    // log f'' = log 4 - 3 log(1 + e^r) = -3 log((1 + e^r)/(1 + e^r0)), (1 + e^r0)^3 = 4.
    static double log_d2f_logu(double r) {
        constexpr zero_point z{-0x1.106886a162be0p-1, 1.001436280954299e-17, 0x1.7aeba0ce51aeap-2};
        double d = z.d(r);
        if (std::fabs(d) < 1.0) return -3.0 * zero_point::log1p_ratio(d, z.sigma);
        return (triangular::log_d2f_logu(r) - LN2_HI) - LN2_LO;
    }
    static double conj(double t) { return 0.5 * triangular::conj(2.0 * t); }
    static double inv_df(double t) { return triangular::inv_df(2.0 * t); }
    static double activation(double v) { return df_logu(v); }
    static double ratio_activation(double v) { return df_logu(v); }
    static double log_ratio(double v) { return v; }
    static double log_inv_df(double t) { return triangular::log_inv_df(2.0 * t); }
    static double objective_logu(double l) { return 0.5 * triangular::objective_logu(l); }
};

}  // namespace fdv
