// One-dimensional distributions for the known-density divergences: log densities and
// supports, and finite mixtures of them.  No Python.
#pragma once

#include <algorithm>

#include "special.h"

namespace fdv {

enum dist_kind : int {
    NORMAL = 0,       // a = loc, b = scale
    LAPLACE = 1,      // a = loc, b = scale
    LOGISTIC = 2,     // a = loc, b = scale
    CAUCHY = 3,       // a = loc, b = scale
    STUDENT_T = 4,    // a = loc, b = scale, c = degrees of freedom
    UNIFORM = 5,      // a = low, b = high
    BETA = 6,         // a = alpha, b = beta, on [0, 1]
    GAMMA = 7,        // a = shape, b = scale, on [0, inf)
    EXPONENTIAL = 8,  // b = scale, on [0, inf)
};

struct dist1 {
    int kind;
    double a, b, c;
    double lz = 0.0;  // log normaliser, set by prepare(): the part of log p free of x
};

constexpr double LOG_SQRT_2PI = 0.91893853320467274178;
constexpr double LOG_PI = 1.14472988584940017414;

// Fills in lz from (kind, a, b, c): the logs and lgammas of the parameters are taken
// once per distribution, not once per point (the quadrature evaluates logpdf ~10^2 times).
FDIV_INLINE void prepare(dist1& d) {
    switch (d.kind) {
        case NORMAL:
            d.lz = -std::log(d.b) - LOG_SQRT_2PI;
            return;
        case LAPLACE:
            d.lz = -std::log(d.b) - LN2_HI;
            return;
        case LOGISTIC:
            d.lz = -std::log(d.b);
            return;
        case CAUCHY:
            d.lz = -LOG_PI - std::log(d.b);
            return;
        case STUDENT_T:
            d.lz = std::lgamma(0.5 * (d.c + 1.0)) - std::lgamma(0.5 * d.c) -
                   0.5 * (std::log(d.c) + LOG_PI) - std::log(d.b);
            return;
        case UNIFORM:
            d.lz = -std::log(d.b - d.a);
            return;
        case BETA:
            d.lz = -(std::lgamma(d.a) + std::lgamma(d.b) - std::lgamma(d.a + d.b));
            return;
        case GAMMA:
            d.lz = -std::lgamma(d.a) - std::log(d.b);
            return;
        case EXPONENTIAL:
            d.lz = -std::log(d.b);
            return;
    }
}

FDIV_INLINE dist1 make_dist(int kind, double a, double b, double c) {
    dist1 d{kind, a, b, c};
    prepare(d);
    return d;
}

// log density at x; d must have been prepare()d.  z = (x - a)/b is formed as a quotient (not
// a product with 1/b) where it is squared, so that z is correctly rounded.
FDIV_INLINE double logpdf(const dist1& d, double x) {
    switch (d.kind) {
        case NORMAL: {
            double z = (x - d.a) / d.b;
            return -0.5 * z * z + d.lz;
        }
        case LAPLACE:
            return -std::fabs(x - d.a) / d.b + d.lz;
        case LOGISTIC: {
            double z = std::fabs(x - d.a) / d.b;
            return -z - 2.0 * std::log1p(std::exp(-z)) + d.lz;
        }
        case CAUCHY: {
            double z = (x - d.a) / d.b;
            return d.lz - std::log1p(z * z);
        }
        case STUDENT_T: {
            double z = (x - d.a) / d.b, nu = d.c;
            return d.lz - 0.5 * (nu + 1.0) * std::log1p(z * z / nu);
        }
        case UNIFORM:
            return (x >= d.a && x <= d.b) ? d.lz : -inf;
        case BETA: {
            if (!(x >= 0.0 && x <= 1.0)) return -inf;
            double s = 0.0;
            if (d.a != 1.0) s += (d.a - 1.0) * std::log(x);
            if (d.b != 1.0) s += (d.b - 1.0) * std::log1p(-x);
            return s + d.lz;
        }
        case GAMMA: {
            if (!(x >= 0.0)) return -inf;
            double s = d.a != 1.0 ? (d.a - 1.0) * std::log(x / d.b) : 0.0;
            return s - x / d.b + d.lz;
        }
        case EXPONENTIAL:
            return x >= 0.0 ? -x / d.b + d.lz : -inf;
    }
    return nan;
}

// P(X <= x) where it is elementary (NaN for Student's t, Beta and Gamma: their cdfs are
// incomplete beta/gamma functions, not cheap); each tail is formed directly, not as 1 - (...).
FDIV_INLINE double cdf(const dist1& d, double x) {
    if (is_nan(x)) return nan;
    switch (d.kind) {
        case NORMAL:
            return 0.5 * std::erfc(-((x - d.a) / d.b) * 0.70710678118654752440);
        case LAPLACE: {
            double z = (x - d.a) / d.b;
            return z < 0.0 ? 0.5 * std::exp(z) : 1.0 - 0.5 * std::exp(-z);
        }
        case LOGISTIC: {
            double z = (x - d.a) / d.b;
            return z >= 0.0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
        }
        case CAUCHY: {
            double z = (x - d.a) / d.b;
            constexpr double INV_PI = 0.31830988618379067154;
            return z < 0.0 ? std::atan2(1.0, -z) * INV_PI : 1.0 - std::atan2(1.0, z) * INV_PI;
        }
        case UNIFORM:
            return x <= d.a ? 0.0 : x >= d.b ? 1.0 : (x - d.a) / (d.b - d.a);
        case EXPONENTIAL:
            return x <= 0.0 ? 0.0 : -std::expm1(-x / d.b);
        default:
            return nan;
    }
}

FDIV_INLINE void support(const dist1& d, double& lo, double& hi) {
    switch (d.kind) {
        case UNIFORM:
            lo = d.a, hi = d.b;
            return;
        case BETA:
            lo = 0.0, hi = 1.0;
            return;
        case GAMMA:
        case EXPONENTIAL:
            lo = 0.0, hi = inf;
            return;
        default:
            lo = -inf, hi = inf;
    }
}

// A location and a width for placing the initial subdivision points.
FDIV_INLINE void center_width(const dist1& d, double& m, double& w) {
    switch (d.kind) {
        case UNIFORM:
            m = 0.5 * (d.a + d.b), w = 0.5 * (d.b - d.a);
            return;
        case BETA:
            m = d.a / (d.a + d.b), w = 0.25;
            return;
        case GAMMA:
            m = d.a * d.b, w = std::sqrt(d.a) * d.b;
            return;
        case EXPONENTIAL:
            m = d.b, w = d.b;
            return;
        default:
            m = d.a, w = d.b;
    }
}

// A finite mixture sum_k w_k d_k (k components, log weights).
struct mixture {
    int k;
    const dist1* comp;
    const double* logw;
    double logpdf(double x) const {
        if (k == 1) return logw[0] + fdv::logpdf(comp[0], x);
        // streaming log-sum-exp: any number of components, one exp per component
        double m = -inf, s = 0.0;
        for (int i = 0; i < k; ++i) {
            double v = logw[i] + fdv::logpdf(comp[i], x);
            if (v == -inf) continue;
            if (v > m) {
                s = s * std::exp(m - v) + 1.0;
                m = v;
            } else {
                s += std::exp(v - m);
            }
        }
        return m == -inf ? -inf : m + std::log(s);
    }
    double cdf(double x) const {
        double s = 0.0;
        for (int i = 0; i < k; ++i) s += std::exp(logw[i]) * fdv::cdf(comp[i], x);
        return s;
    }
    void support(double& lo, double& hi) const {
        lo = inf, hi = -inf;
        for (int i = 0; i < k; ++i) {
            double a, b;
            fdv::support(comp[i], a, b);
            lo = std::min(lo, a), hi = std::max(hi, b);
        }
    }
};

}  // namespace fdv
