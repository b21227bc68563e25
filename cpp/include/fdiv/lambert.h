// Lambert-W / Wright-omega based conjugates: jeffreys (MATH.md §3.6) and the softened
// reverse KL (§3.13).  Accuracy contract (double): <= 1e-14 relative on the whole domain.
#pragma once

#include "special.h"

namespace fdv {

// W0(z) for 0 <= z <= 1/e by Halley's iteration on w e^w - z, whose residual keeps its
// relative accuracy for small z (w ~ z), unlike w + log w - log z.
FDIV_INLINE double lambert_w0_small(double z) {
    if (z == 0.0) return 0.0;
    double w;
    if (z < 0.1) {
        w = z * (1.0 - z * (1.0 - 1.5 * z));
    } else {
        double l = std::log1p(z);
        w = l * (1.0 - std::log1p(l) / (2.0 + l));
    }
    for (int i = 0; i < 20; ++i) {
        double ew = std::exp(w);
        double res = std::fma(w, ew, -z);
        double wp1 = w + 1.0;
        double step = res / (ew * wp1 - (w + 2.0) * res / (2.0 * wp1));
        w -= step;
        if (std::fabs(step) <= 1e-17 * std::fabs(w)) break;
    }
    return w;
}

// Jeffreys conjugate and inverse derivative.  w = omega(x), x = 1 - t, solves w + log w = x.
// f*(t) = 1/w - 1 - log w, (f')^-1(t) = 1/w.  Three regimes:
//  * x < -40: w = e^x to double precision; 1/w = e^{w - x} = e^{t-1}(1 + w), and with
//    log w = x - w, f* = 1/w + (t - 2) + w (all terms positive).
//  * -40 <= x < -1: w = W0(e^x) (0 < w < 0.28); x = 1 - t is exact there and e^x is formed
//    from it with its rounding error carried (exp_dd); same f* form.
//  * x >= -1: Newton on d = w - 1 solving d + log1p(d) = -t, so that near t = 0 (d ~ -t/2)
//    d keeps its relative accuracy; f* = -d/(1+d) - log1p(d) has no cancellation.
FDIV_INLINE void jeffreys_solve(double t, double& conj, double& inv, double& neg_log_w) {
    double xh, xl;
    two_sum(1.0, -t, xh, xl);
    if (xh < -1.0) {
        double w;
        double rinv;
        if (xh < -40.0) {
            w = exp_dd(xh, xl);
            rinv = exp_dd(-xh, -xl) * (1.0 + w);
        } else {
            w = lambert_w0_small(exp_dd(xh, xl));
            rinv = 1.0 / w;
        }
        inv = rinv;
        conj = rinv + ((t - 2.0) + w);
        neg_log_w = (t - 1.0) + w;  // log w = x - w
        return;
    }
    double d;
    double h = xh - 1.0;  // = -t, the target of d + log1p(d)
    if (xh > 3.0) {
        double lx = std::log(xh);
        d = (xh - lx + lx / xh) - 1.0;
    } else {
        d = h * (0.5 + h * (1.0 / 16.0 - h * (1.0 / 192.0)));
    }
    for (int i = 0; i < 40; ++i) {
        double res = (d + std::log1p(d)) + t;
        double step = res * (1.0 + d) / (2.0 + d);
        d -= step;
        if (!(std::fabs(step) > 4e-17 * std::fabs(d))) break;
    }
    inv = 1.0 / (1.0 + d);
    neg_log_w = -std::log1p(d);
    conj = -d / (1.0 + d) + neg_log_w;
}

FDIV_INLINE double jeffreys_neg_log_w(double t) {
    double c, i, l;
    jeffreys_solve(t, c, i, l);
    return l;
}

FDIV_INLINE double jeffreys_conj(double t) {
    double c, i, l;
    jeffreys_solve(t, c, i, l);
    return c;
}

FDIV_INLINE double jeffreys_inv_df(double t) {
    double c, i, l;
    jeffreys_solve(t, c, i, l);
    return i;
}

// Softened reverse KL: for t < -log 2, s > 0 solves log1p(s) - s = t + log 2 =: -delta,
// i.e. s = -W_{-1}(-2 e^{t-1}) - 1.  delta is formed as -(t + LN2_HI) - LN2_LO with the
// TwoSum error, so t within 1e-16 of -log 2 keeps its digits (MATH.md §1).
// Returns s (0 for delta <= 0, meaning t is at or beyond the boundary).
FDIV_INLINE double srkl_delta(double t) {
    double sh, se;
    two_sum(t, LN2_HI, sh, se);
    return -(sh + (se + LN2_LO));
}
// t lies in dom f* (srkl_solve(t) > 0) without solving for s
FDIV_INLINE bool srkl_inside(double t) { return srkl_delta(t) > 0.0; }
FDIV_INLINE double srkl_solve(double t) {
    const double delta = srkl_delta(t);
    if (!(delta > 0.0)) return 0.0;
    double s;
    if (delta > 1e3) {
        // s = delta + log1p(s): a contraction with factor 1/(1 + s) < 1e-3.
        s = delta + std::log1p(delta);
        for (int i = 0; i < 8; ++i) s = delta + std::log1p(s);
        return s;
    }
    s = delta < 1.0 ? std::sqrt(2.0 * delta) + 2.0 * delta / 3.0 : delta + std::log1p(delta);
    // Newton on phi(s) = L(s) + delta, L = log1pmx (no cancellation for small s).
    for (int i = 0; i < 40; ++i) {
        double res = log1pmx(s) + delta;
        double step = res * (1.0 + s) / s;
        double sn = s + step;
        if (sn <= 0.0) sn = 0.5 * s;
        bool done = std::fabs(sn - s) <= 4e-17 * sn;
        s = sn;
        if (done) break;
    }
    return s;
}

}  // namespace fdv
