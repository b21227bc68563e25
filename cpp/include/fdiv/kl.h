// Kullback-Leibler, reverse KL and Jeffreys (MATH.md §3.1, §3.2, §3.6).
//
// Every function here follows docs/kernels.md: NaN in -> NaN; u < 0 -> NaN; u = 0 and
// u = inf (r = -inf, +inf) -> the limits; conj = +inf above dom f*.
// Accuracy contract (double): <= 4 ulp everywhere (measured figures in README.md), except
// jeffreys conj / inv_df (Wright omega): <= 1e-14 relative.
#pragma once

#include "lambert.h"
#include "special.h"

namespace fdv {

struct kl {
    // f(u) = u log u
    static double f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return 0.0;
        if (u == inf) return inf;
        return u * std::log(u);
    }
    // f'(u) = 1 + log u.  Near u = 1/e the sum cancels; there 1 + log u = log1p(e u - 1)
    // with e u - 1 formed by fma from e = E_HI + E_LO (error far below ulp of the result).
    static double df(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return -inf;
        if (u > 0.2 && u < 0.6) {
            double d = std::fma(u, E_HI, -1.0) + u * E_LO;
            return std::log1p(d);
        }
        return 1.0 + std::log(u);
    }
    // f''(u) = 1/u
    static double d2f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return inf;
        return 1.0 / u;
    }
    // f(e^r) = r e^r; e^r overflows only where the product does (|r| >= 1).  For r < -700
    // the result is subnormal: -exp(r + log(-r)), not a rounded subnormal e^r times r.
    static double f_logu(double r) {
        if (is_nan(r)) return nan;
        if (r == -inf) return 0.0;
        if (r < -700.0) {
            double s, e;
            two_sum(r, std::log(-r), s, e);
            return -exp_dd(s, e);
        }
        return exp_mul(r, r);
    }
    static double df_logu(double r) { return 1.0 + r; }
    static double log_d2f_logu(double r) { return -r; }
    // f*(t) = e^{t-1}; t - 1 carried as a double-double (TwoSum).
    static double conj(double t) {
        if (is_nan(t)) return nan;
        double s, e;
        two_sum(t, -1.0, s, e);
        return exp_dd(s, e);
    }
    static double inv_df(double t) { return conj(t); }
    static double activation(double v) { return v; }
    static double ratio_activation(double v) { return df_logu(v); }
    // Critic (MATH.md §4, §6): T = v, r = e^{T-1}; objective f - u f' = -u.
    static double log_ratio(double v) { return v - 1.0; }
    static double log_inv_df(double t) { return t - 1.0; }
    static double objective_logu(double l) { return -std::exp(l); }
};

struct reverse_kl {
    static double f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return inf;
        return -std::log(u);
    }
    static double df(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return -inf;
        return -1.0 / u;
    }
    static double d2f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return inf;
        double w = 1.0 / u;
        return w / u;
    }
    static double f_logu(double r) { return -r; }
    static double df_logu(double r) {
        if (is_nan(r)) return nan;
        return -std::exp(-r);
    }
    static double log_d2f_logu(double r) { return -2.0 * r; }
    // f*(t) = -1 - log(-t) on t < 0.  It vanishes at t = -1/e, where the sum cancels; there
    // write it -log1p(-e t - 1) with -e t - 1 formed by fma.
    static double conj(double t) {
        if (is_nan(t)) return nan;
        if (t >= 0.0) return inf;
        if (t < -0.07 && t > -0.6) {
            double d = std::fma(-t, E_HI, -1.0) - t * E_LO;
            return -std::log1p(d);
        }
        return -1.0 - std::log(-t);
    }
    static double inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t >= 0.0) return inf;
        return -1.0 / t;
    }
    // -e^-v underflows to -0 for v > 745, onto the open boundary t = 0.
    static double activation(double v) {
        return step_inside(df_logu(v), [](double t) { return t < 0.0; });
    }
    static double ratio_activation(double v) { return activation(v); }
    // T = -e^-v, r = -1/T = e^v; objective f - u f' = 1 - log u.
    static double log_ratio(double v) { return v; }
    static double log_inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t >= 0.0) return inf;
        return -std::log(-t);
    }
    static double objective_logu(double l) { return 1.0 - l; }
};

struct jeffreys {
    // f(u) = (u - 1) log u
    static double f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0 || u == inf) return inf;
        return (u - 1.0) * std::log(u);
    }
    // f'(u) = log u + (u - 1)/u: both terms share the sign of u - 1, no cancellation.
    static double df(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return -inf;
        if (u == inf) return inf;
        return std::log(u) + (u - 1.0) / u;
    }
    // f''(u) = (1 + 1/u)/u
    static double d2f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return inf;
        if (u == inf) return 0.0;
        double w = 1.0 / u;
        return (1.0 + w) * w;
    }
    static double f_logu(double r) {
        if (is_nan(r)) return nan;
        if (r == -inf || r == inf) return inf;
        return r * std::expm1(r);
    }
    // f'(e^r) = r - expm1(-r): both terms share the sign of r.
    static double df_logu(double r) {
        if (is_nan(r)) return nan;
        if (r == -inf) return -inf;
        return r - std::expm1(-r);
    }
    // log f''(e^r) = log(1 + e^r) - 2r; zero at r0 = log(golden ratio).
    static double log_d2f_logu(double r) {
        if (is_nan(r)) return nan;
        if (r == inf) return -inf;
        if (r == -inf) return inf;
        constexpr zero_point z{0x1.ecc2caec5160ap-2, -2.3257817013462736e-17, 0x1.3c6ef372fe950p-1};
        double d = z.d(r);
        if (std::fabs(d) < 1.0) return zero_point::log1p_ratio(d, z.sigma) - 2.0 * d;
        if (r < 0.0) return -2.0 * r + std::log1p(std::exp(r));
        return std::log1p(std::exp(-r)) - r;
    }
    // f*(t) = 1/w - 1 - log w with w = omega(1 - t); (f')^-1(t) = 1/w.  In terms of
    // d = w - 1 (solving d + log1p(d) = -t, see lambert.h) this is -d/(1 + d) - log1p(d): both
    // terms share a sign, so the value near t = 0 keeps its digits.
    static double conj(double t) {
        if (is_nan(t)) return nan;
        if (t == inf) return inf;
        if (t == -inf) return -inf;
        return jeffreys_conj(t);
    }
    static double inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t == inf) return inf;
        if (t == -inf) return 0.0;
        return jeffreys_inv_df(t);
    }
    static double activation(double v) { return v; }
    static double ratio_activation(double v) { return df_logu(v); }
    // T = v, r = 1/w, w = omega(1 - T): log r = -log w; objective f - u f' = -log u - (u - 1).
    static double log_inv_df(double t) {
        if (is_nan(t)) return nan;
        if (std::fabs(t) == inf) return t;
        return jeffreys_neg_log_w(t);
    }
    static double log_ratio(double v) { return log_inv_df(v); }
    static double objective_logu(double l) { return -l - std::expm1(l); }
};

}  // namespace fdv
