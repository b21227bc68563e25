// Jensen-Shannon (MATH.md §3.7), weighted Jensen-Shannon (§3.8) and the f-GAN "GAN"
// divergence (§3.9).  Conventions of docs/kernels.md.
// Accuracy contract (double): <= 4 ulp, except near an interior zero of log f'' and of the
// activation, where the error is bounded in absolute terms (about 1e-16).
#pragma once

#include <quadmath.h>

#include "special.h"

namespace fdv {

struct js {
    // f(u) = -1/2 [u L((1-u)/(2u)) + L((u-1)/2)], L = log1pmx; both L <= 0 (MATH.md §3.7).
    // For u < 1e-300, (1-u)/(2u) overflows; then u L(y) = u (log1p(u) - log(2u)) - (1-u)/2.
    static double f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return 0.5 * LN2_HI + 0.5 * LN2_LO;
        if (u == inf) return inf;
        double a;
        if (u < 1e-300) {
            a = u * (std::log1p(u) - std::log(2.0 * u)) - 0.5 * (1.0 - u);
        } else {
            a = u * log1pmx(0.5 * ((1.0 - u) / u));  // 2u overflows at DBL_MAX
        }
        return -0.5 * (a + log1pmx(0.5 * (u - 1.0)));
    }
    // f'(u) = 1/2 log(2u/(1+u)); for u < 1/3 the two logs share a sign.
    static double df(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return -inf;
        if (u == inf) return 0.5 * LN2_HI + 0.5 * LN2_LO;
        if (u < 1.0 / 3.0) return 0.5 * (std::log(2.0 * u) - std::log1p(u));
        return -0.5 * std::log1p(0.5 * ((1.0 - u) / u));
    }
    static double d2f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return inf;
        return (0.5 / u) / (1.0 + u);
    }
    // f(e^r) = -1/2 [e^r L(expm1(-r)/2) + L(expm1(r)/2)].  For r < -30, expm1(-r)/2 may
    // overflow: e^r L(y) = e^r (log1p(e^r) - r - log 2) + expm1(r)/2.  For r > 700 factor
    // out e^r: f = 1/2 e^r (1 + e^-r) (log 2 - log1p(e^-r)).
    static double f_logu(double r) {
        if (is_nan(r)) return nan;
        if (r == -inf) return 0.5 * LN2_HI + 0.5 * LN2_LO;
        if (r > 700.0) {
            double em = std::exp(-r);
            double b = 0.5 * (1.0 + em) * ((LN2_HI - std::log1p(em)) + LN2_LO);
            return exp_mul(r, b);
        }
        double er = std::exp(r);
        double a;
        if (r < -30.0) {
            a = er * ((std::log1p(er) - r) - LN2_HI) + 0.5 * std::expm1(r);
        } else {
            a = er * log1pmx(0.5 * std::expm1(-r));
        }
        return -0.5 * (a + log1pmx(0.5 * std::expm1(r)));
    }
    // f'(e^r) = -1/2 log1p(expm1(-r)/2) = 1/2 (log 2 - softplus(-r)); this is also g_f.
    static double df_logu(double r) {
        if (is_nan(r)) return nan;
        if (r < -30.0) return 0.5 * (((r + LN2_HI) + LN2_LO) - std::log1p(std::exp(r)));
        return -0.5 * std::log1p(0.5 * std::expm1(-r));
    }
    // log f'' = -log 2 - r - softplus(r) = -log(2u(1+u)); zero at 2u(1+u) = 1.
    static double log_d2f_logu(double r) {
        if (is_nan(r)) return nan;
        constexpr zero_point z{-0x1.014b1f88a9096p+0, -2.3695131076229218e-17,
                               0x1.126145e9ecd56p-2};
        double d = z.d(r);
        if (std::fabs(d) < 1.0) return -(d + zero_point::log1p_ratio(d, z.sigma));
        if (r > 0.0) return -((2.0 * r + LN2_HI) + (std::log1p(std::exp(-r)) + LN2_LO));
        return -((r + LN2_HI) + (std::log1p(std::exp(r)) + LN2_LO));
    }
    // f*(t) = -1/2 log(2 - e^{2t}) on t < log(2)/2.  With a = log 2 - 2t (exact from
    // LN2_HI + LN2_LO): near the boundary (a < 0.2) f* = -1/2 (log 2 + log1mexp(a));
    // elsewhere f* = -1/2 log1p(-expm1(2t)), which keeps its digits near t = 0.
    static double conj(double t) {
        if (is_nan(t)) return nan;
        double a = (LN2_HI - 2.0 * t) + LN2_LO;
        if (!(a > 0.0)) return inf;
        if (a < 0.2) return -0.5 * ((LN2_HI + log1mexp(a)) + LN2_LO);
        return -0.5 * std::log1p(-std::expm1(2.0 * t));
    }
    // (f')^-1(t) = e^{2t}/(2 - e^{2t}) for t < 0 (a = log 2 - 2t is rounded there and
    // expm1(a) would magnify it), 1/expm1(a) near the boundary.
    static double inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t < 0.0) {
            double e = std::exp(2.0 * t);
            return e / (2.0 - e);
        }
        double a = (LN2_HI - 2.0 * t) + LN2_LO;
        if (!(a > 0.0)) return inf;
        return 1.0 / std::expm1(a);
    }
    static double activation(double v) { return df_logu(v); }
    static double ratio_activation(double v) { return df_logu(v); }
    // g_f = g_ratio, so log r = v.  log (f')^-1(t) = 2t - log(2 - e^{2t}) =
    // 2t - log1p(-expm1(2t)) (terms of one sign for t < 0), -log expm1(a) near the boundary.
    static double log_ratio(double v) { return v; }
    static double log_inv_df(double t) {
        if (is_nan(t)) return nan;
        double a = (LN2_HI - 2.0 * t) + LN2_LO;
        if (!(a > 0.0)) return inf;
        if (a < 0.5) return -std::log(std::expm1(a));
        return 2.0 * t - std::log1p(-std::expm1(2.0 * t));
    }
    // f - u f' = -1/2 log((1 + u)/2)
    static double objective_logu(double l) {
        if (is_nan(l)) return nan;
        if (l > 30.0) return -0.5 * (((l - LN2_HI) - LN2_LO) + std::log1p(std::exp(-l)));
        return -0.5 * std::log1p(0.5 * std::expm1(l));
    }
};

// js_weighted(pi), 0 < pi < 1; m = pi u + 1 - pi.  Any other pi gives NaN.
struct js_weighted {
    static bool bad(double pi) { return !(pi > 0.0 && pi < 1.0); }
    // -pi log pi as a double-double (hi, lo): the boundary of dom f* and f'(inf).  A t at
    // distance delta from it needs the boundary to about delta * 2^-53 absolute (MATH.md §1:
    // 1e-8 from it, 1e-24), beyond long double: it is formed in binary128 (libquadmath),
    // once per parameter value (the last one is cached per thread, as arrays usually share it).
    static void boundary(double pi, double& hi, double& lo) {
        thread_local double last_pi = nan, last_hi = nan, last_lo = nan;
        if (pi != last_pi) {
            __float128 p = pi;
            __float128 b = -p * logq(p);
            last_hi = static_cast<double>(b);
            last_lo = static_cast<double>(b - last_hi);
            last_pi = pi;
        }
        hi = last_hi;
        lo = last_lo;
    }
    // pi below TINY: the boundary -pi log pi lies in or next to the subnormals, where hi + lo
    // cannot carry it (hi = t, lo = 0 at pi = 5e-324 although B - t = 0.44 * 2^-1074); there
    // y = a/pi = -log pi - t/pi comes from binary128 (-log pi cached like the boundary).
    static constexpr double TINY = 1e-290;
    static double y_tiny(double t, double pi, double* lo = nullptr) {
        thread_local double last_pi = nan;
        thread_local __float128 last_nlp = 0;
        if (pi != last_pi) {
            last_nlp = -logq(static_cast<__float128>(pi));
            last_pi = pi;
        }
        __float128 y = last_nlp - static_cast<__float128>(t) / pi;
        double hi = static_cast<double>(y);
        if (lo != nullptr) *lo = static_cast<double>(y - hi);
        return hi;
    }
    // a/pi, a = -pi log pi - t the distance to the boundary of dom f* (> 0 inside)
    static double dist_over_pi(double t, double pi) {
        if (pi < TINY) return y_tiny(t, pi);
        double hi, lo;
        boundary(pi, hi, lo);
        return ((hi - t) + lo) / pi;
    }
    // f far from u = 1 where m/u = pi + (1-pi)/u or m = pi u + 1 - pi is below 0.1 (pi or 1 - pi
    // below 0.1): there the log1pmx arguments m/u - 1, m - 1 of the form below cancel (their
    // rounding magnified by 1/(m/u), 1/m) and pi u may be subnormal.  In long double,
    // f = -(pi u log(m/u) + (1-pi) log m), each log taken of a sum of positive terms or through
    // log1p of a number above -1/2; the caller passes u, v = 1/u, um1 = u - 1 and vm1 = 1/u - 1
    // (from u itself, or from r = log u as e^r, e^-r, expm1(r), expm1(-r)).
    static double f_far(double pi, long double u, long double v, long double um1, long double vm1) {
        using ld = long double;
        ld p = pi, q = 1.0L - p;
        ld y1 = q * vm1, y2 = p * um1;
        ld lmu = y1 > -0.5L ? std::log1p(y1) : std::log(p + q * v);
        ld lm = y2 > -0.5L ? std::log1p(y2) : std::log(q + p * u);
        return static_cast<double>(-(p * u * lmu + q * lm));
    }
    static double f0(double pi) { return -(1.0 - pi) * std::log1p(-pi); }
    // f = -pi u L((1-pi)(1-u)/u) - (1-pi) L(pi (u-1))   (MATH.md §3.8, no cancellation)
    static double f(double u, double pi) {
        if (!(u >= 0.0) || bad(pi)) return nan;
        if (u == 0.0) return f0(pi);
        if (u == inf) return inf;
        double q = 1.0 - pi;
        using ld = long double;
        // m/u or m below 0.1 needs pi < 0.1, u > 9 or pi > 0.9, u < 0.1
        if ((pi < 0.1 && u > 2.0) || (pi > 0.9 && u < 0.5)) {
            bool far = u < 1e-300 ? pi * (u - 1.0) < -0.9
                                  : q * (1.0 - u) / u < -0.9 || pi * (u - 1.0) < -0.9;
            if (far) return f_far(pi, u, 1.0L / u, ld(u) - 1.0L, (1.0L - u) / u);
        }
        // In long double: the arguments of L carry 2^-64 (rounded in double, their error was
        // magnified up to 10 ulp where m/u or m nears 0.1, by |y/(1 + y)|), q (1-u)/u does not
        // overflow at u = 5e-324, nor pi u underflow, nor u L(y) overflow at u = DBL_MAX.
        const ld P = pi, Q = 1.0L - P, U = u;
        const ld a = P * U * log1pmx_l(Q * (1.0L - U) / U);
        return static_cast<double>(-a - Q * log1pmx_l(P * (U - 1.0L)));
    }
    // f' = pi log(u/m) = -pi log1p((1-pi)(1-u)/u)
    static double df(double u, double pi) {
        if (!(u >= 0.0) || bad(pi)) return nan;
        if (u == 0.0) return -inf;
        if (u == inf) {
            double hi, lo;
            boundary(pi, hi, lo);
            return hi + lo;
        }
        // in long double (m/u - 1 and u/m rounded in double cost up to 3.7 ulp; nothing
        // overflows or turns subnormal there)
        using ld = long double;
        const ld U = u, P = pi, Q = 1.0L - P;
        const ld x = Q * (1.0L - U) / U;  // m/u - 1
        if (std::fabs(x) < 0.5L) return static_cast<double>(-P * std::log1p(x));
        return static_cast<double>(P * std::log(U / (P * U + Q)));
    }
    static double d2f(double u, double pi) {
        if (!(u >= 0.0) || bad(pi)) return nan;
        if (u == 0.0) return inf;
        double m = std::fma(pi, u, 1.0 - pi);
        return (pi * (1.0 - pi) / u) / m;
    }
    static double f_logu(double r, double pi) {
        if (is_nan(r) || bad(pi)) return nan;
        double q = 1.0 - pi;
        if (r == -inf) return f0(pi);
        if (r == inf) return inf;
        // m/u = pi + q e^-r or m = q + pi e^r below 0.1 (pi < 0.1, r > 2.2 or pi > 0.9, r < -2.2)
        if ((pi < 0.1 && r > 2.0) || (pi > 0.9 && r < -2.0)) {
            if (q * std::expm1(-r) < -0.9 || pi * std::expm1(r) < -0.9) {
                if (r > 11000.0) return inf;      // f > pi e^r log(1/pi) (e^r overflows below)
                if (r < -11000.0) return f0(pi);  // (e^-r overflows below; u log u < e^-10000)
                using ld = long double;
                ld x = r;
                return f_far(pi, std::exp(x), std::exp(-x), std::expm1(x), std::expm1(-x));
            }
        }
        if (r > 40.0) {
            // f = e^r [-pi L(q expm1(-r)) - q e^-r L(pi expm1(r))], with
            // e^-r L(pi expm1(r)) = e^-r log(m) - pi (1 - e^-r), log m = r + log pi + log1p(q
            // e^-r/pi).
            using ld = long double;
            const ld R = r, P = pi, Q = 1.0L - P, em = std::exp(-R);
            const ld logm = R + std::log(P) + std::log1p(Q * em / P);
            const ld b = -P * log1pmx_l(Q * std::expm1(-R)) - Q * (em * logm - P * (1.0L - em));
            if (r < 11000.0) return static_cast<double>(std::exp(R) * b);  // (e^r fits)
            return exp_mul(r, static_cast<double>(b));
        }
        // in long double, as f (u) above
        using ld = long double;
        const ld R = r, P = pi, Q = 1.0L - P, er = std::exp(R);
        ld a;
        if (r < -30.0) {
            const ld logm = std::log1p(P * std::expm1(R));
            a = er * (logm - R) - Q * (1.0L - er);
        } else {
            a = er * log1pmx_l(Q * std::expm1(-R));
        }
        return static_cast<double>(-P * a - Q * log1pmx_l(P * std::expm1(R)));
    }
    // f'(e^r) = pi log(u/m) = -pi log1p(q expm1(-r)) = pi (r - log1p(pi expm1(r))), the form whose
    // log1p argument stays away from -1: both come near it (m/u or m below 0.1) only for pi
    // below 0.1 or above 0.9.
    static double df_logu(double r, double pi) {
        if (is_nan(r) || bad(pi)) return nan;
        double q = 1.0 - pi;
        if (r < -30.0) {
            double y = pi * std::expm1(r);
            if (!(y < -0.9)) return pi * (r - std::log1p(y));
            // pi > 0.9: m = q + pi e^r is small; q expm1(-r) > 0 (finite up to r = -700; below,
            // log m = log q + log1p(pi e^r/q) with pi e^r/q < 1e-288)
            if (r > -700.0) return -pi * std::log1p(q * std::expm1(-r));
            return pi * (r - std::log(q));
        }
        double y = q * std::expm1(-r);
        if (y < -0.5) {
            // log(m/u) = log(pi + q e^-r) in long double (pi or q e^-r may be subnormal): log1p(y)
            // magnifies the rounding of y by |y/((1 + y) log1p(y))|, 3.9 at y = -0.9 (5 ulp at
            // pi = 0.1, r = 9.14 with the former cut at -0.9); 1.44 at most with this one
            using ld = long double;
            const ld p = pi;
            return static_cast<double>(-p * std::log(p + (1.0L - p) * std::exp(-ld(r))));
        }
        return -pi * std::log1p(y);
    }
    // log f'' = log pi - r - softplus(r + log(pi/(1-pi))), evaluated in long double: its zero
    // depends on pi, so the cancellation there is absorbed by 11 extra bits.
    static double log_d2f_logu(double r, double pi) {
        if (is_nan(r) || bad(pi)) return nan;
        if (std::fabs(r) == inf) return -r;
        using ld = long double;
        ld p = pi, x = ld(r) + std::log(p / (1.0L - p));
        ld sp = x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
        return static_cast<double>(std::log(p) - ld(r) - sp);
    }
    // f*(t) = -(1-pi) log z, z = (1 - pi e^{t/pi})/(1-pi) = 1 + x, x = -pi expm1(t/pi)/(1-pi),
    // on t < -pi log pi.  With a = -pi log pi - t (from the double-double boundary),
    // pi e^{t/pi} = e^{-a/pi}, so z = -expm1(-a/pi)/(1-pi) keeps its digits near the
    // boundary (z -> 0), while log1p(x) keeps them near t = 0 (z -> 1).
    static double conj(double t, double pi) {
        if (is_nan(t) || bad(pi)) return nan;
        double y = dist_over_pi(t, pi);  // a/pi
        if (!(y > 0.0)) return inf;
        double q = 1.0 - pi;
        // expm1(t/pi) magnifies the rounding of t/pi by |t/pi|, up to -log pi (744 for a
        // subnormal pi): t/pi = qh + ql (scaled by 2^200 below 2^-960, as in inv_df)
        double ts = std::fabs(t) < 0x1p-960 ? t * 0x1p200 : t;
        double ps = std::fabs(t) < 0x1p-960 ? pi * 0x1p200 : pi;
        double qh = ts / ps;
        double ql = std::fabs(qh) < inf ? std::fma(-qh, ps, ts) / ps : 0.0;
        double x = -pi * (ql != 0.0 ? expm1_dd(qh, ql) : std::expm1(qh)) / q;  // (-0 kept)
        if (x < -0.5) return -q * std::log(-std::expm1(-y) / q);
        return -q * std::log1p(x);
    }
    // (f')^-1(t) = ((1-pi)/pi)/expm1(a/pi) near the boundary; for t < 0 (where a/pi is large
    // and rounded) = (1-pi) e^{t/pi}/(1 - pi e^{t/pi}), with t/pi carried as a double-double.
    static double inv_df(double t, double pi) {
        if (is_nan(t) || bad(pi)) return nan;
        double y;  // a/pi
        bool far;  // a > pi
        if (pi < TINY) {
            y = y_tiny(t, pi);
            far = y > 1.0;
        } else {
            double hi, lo;
            boundary(pi, hi, lo);
            double a = (hi - t) + lo;
            y = a / pi;
            far = a > pi;
        }
        if (!(y > 0.0)) return inf;
        if (far) {  // pi e^{t/pi} = e^{-a/pi} < 1/e: no cancellation in 1 - pi e^{t/pi}
            // t/pi = qh + ql; for |t| < 2^-960 both scaled by 2^200 first, so that the
            // residual t - qh pi is not rounded to the subnormals (pi may be tiny)
            double ts = std::fabs(t) < 0x1p-960 ? t * 0x1p200 : t;
            double ps = std::fabs(t) < 0x1p-960 ? pi * 0x1p200 : pi;
            double qh = ts / ps;
            if (qh > 700.0) {
                // e^{t/pi} overflows (pi < e^-710, 1 < y < 36): u = ((1-pi) E/(1 - E))/pi with
                // E = pi e^{t/pi} = e^{-y}, y = yh + yl from binary128
                double yl;
                double yh = y_tiny(t, pi, &yl);
                double E = exp_dd(-yh, -yl);
                return ((1.0 - pi) * E / (1.0 - E)) / pi;
            }
            double ql = std::fma(-qh, ps, ts) / ps;
            double e = exp_dd(qh, ql);
            return (1.0 - pi) * e / (1.0 - pi * e);
        }
        // (1-pi)/pi overflows for pi below 5.6e-309 although the quotient may not
        if (pi < TINY) return ((1.0 - pi) / std::expm1(y)) / pi;
        return ((1.0 - pi) / pi) / std::expm1(y);
    }
    // f-GAN: g_f(v) = -pi log pi - softplus(-v), kept below the open boundary; long double
    // absorbs the cancellation at its zero.
    static double activation(double v, double pi) {
        if (is_nan(v) || bad(pi)) return nan;
        double hi, lo;
        boundary(pi, hi, lo);
        using ld = long double;
        ld x = -ld(v);
        ld sp = x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
        ld b = -ld(pi) * std::log(ld(pi));
        double t = static_cast<double>(b - sp);
        // near the zero of g_f, where long double's 2^-64 B is not 2^-54 of t: binary128
        if (std::fabs(t) < 0x1p-10 * hi) {
            const __float128 p = pi;
            t = c_minus_softplus_q(-p * logq(p), v);
        }
        return step_inside(t, [=](double s) { return (hi - s) + lo > 0.0; });
    }
    // log r = log((1-pi)/pi) - log expm1(y), y = a/pi, a = -pi log pi - T (MATH.md §3.8).
    static double log_ratio_from_y(double y, double log_y, double pi) {
        return (std::log1p(-pi) - std::log(pi)) - log_expm1(y, log_y);
    }
    // f-GAN critic: a = softplus(-v); y = a/pi directly while a is normal (exp of log y
    // would magnify its rounding by |log y|), in the log domain where a underflows (v > 700).
    static double log_ratio(double v, double pi) {
        if (is_nan(v) || bad(pi)) return nan;
        if (v == inf) return inf;
        if (v == -inf) return -inf;
        if (v < 700.0) {
            double y = softplus(-v) / pi;
            return log_ratio_from_y(y, std::log(y), pi);
        }
        if (pi < TINY && v < 11000.0) {
            // y = e^-v/pi may be large (pi < e^-700), and then e^{log y} would magnify the
            // rounding of log pi: log y = -v - log pi (+ O(e^-v)) in long double
            using ld = long double;
            ld log_y = -ld(v) - std::log(ld(pi));
            return log_ratio_from_y(static_cast<double>(std::exp(log_y)),
                                    static_cast<double>(log_y), pi);
        }
        double log_y = log_softplus(-v) - std::log(pi);
        return log_ratio_from_y(std::exp(log_y), log_y, pi);
    }
    static double log_inv_df(double t, double pi) {
        if (is_nan(t) || bad(pi)) return nan;
        if (t == -inf) return -inf;
        double y = dist_over_pi(t, pi);
        if (!(y > 0.0)) return inf;
        return log_ratio_from_y(y, std::log(y), pi);
    }
    // f - u f' = -(1-pi) log m, m = pi u + 1 - pi = 1 + pi expm1(l).  For l > 30, log m =
    // l + log pi + log1p((1-pi) e^-l/pi); but for pi below e^-20 (where l + log pi may be small,
    // and the rounding of log pi is not) log1p(pi expm1(l)) is taken in long double (pi
    // expm1(l) overflows double past l = 709).  For pi > 0.9 and l < -2 the sum m = 1 - pi +
    // pi e^l may be small: log of it there, where log1p(pi expm1(l)) would magnify the rounding
    // of its argument.
    static double objective_logu(double l, double pi) {
        if (is_nan(l) || bad(pi)) return nan;
        double logm;
        if (l > 30.0) {
            double lp = std::log(pi);
            if (lp >= -20.0 || l > 11000.0) {
                logm = l + lp + std::log1p((1.0 - pi) * std::exp(-l) / pi);
            } else {
                using ld = long double;
                logm = static_cast<double>(std::log1p(ld(pi) * std::expm1(ld(l))));
            }
        } else {
            double y = pi * std::expm1(l);
            logm = y < -0.9 ? std::log((1.0 - pi) + pi * std::exp(l)) : std::log1p(y);
        }
        return -(1.0 - pi) * logm;
    }
    static double ratio_activation(double v, double pi) {
        if (is_nan(v) || bad(pi)) return nan;
        double hi, lo;
        boundary(pi, hi, lo);
        return step_inside(df_logu(v, pi), [=](double t) { return (hi - t) + lo > 0.0; });
    }
};

// gan: f(u) = u log u - (1+u) log(1+u), f(1) = -log 4 (kept as in f-GAN, MATH.md §2).
struct gan {
    // u log1p(1/u), written u (log1p(u) - log u) for u < 1 so that 1/u cannot overflow.
    static double u_log1p_inv(double u) {
        if (u < 1.0) return u * (std::log1p(u) - std::log(u));
        return u * std::log1p(1.0 / u);
    }
    static double f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return 0.0;
        if (u == inf) return -inf;
        return -u_log1p_inv(u) - std::log1p(u);
    }
    static double df(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return -inf;
        if (u < 1.0) return std::log(u) - std::log1p(u);
        return -std::log1p(1.0 / u);
    }
    static double d2f(double u) {
        if (!(u >= 0.0)) return nan;
        if (u == 0.0) return inf;
        return (1.0 / u) / (1.0 + u);
    }
    // f(e^r) = -e^r softplus(-r) - softplus(r); for r > 0, e^r softplus(-r) = log1p(x)/x
    // with x = e^-r (no inf * 0).
    static double f_logu(double r) {
        if (is_nan(r)) return nan;
        if (r == -inf) return 0.0;
        if (r < -700.0) {  // f ~ -e^r (1 + softplus(-r)), subnormal: one exp of the log
            double s, e;
            two_sum(r, std::log1p(softplus(-r)), s, e);
            return -exp_dd(s, e);
        }
        double a;
        if (r > 0.0) {
            double x = std::exp(-r);
            a = x == 0.0 ? 1.0 : std::log1p(x) / x;
        } else {
            a = std::exp(r) * softplus(-r);
        }
        return -a - softplus(r);
    }
    static double df_logu(double r) { return -softplus(-r); }
    // log f'' = -r - softplus(r) = -log(u(1+u)); zero at u(1+u) = 1.
    static double log_d2f_logu(double r) {
        if (is_nan(r)) return nan;
        constexpr zero_point z{-0x1.ecc2caec5160ap-2, 2.3257817013462736e-17, 0x1.8722191a02d61p-2};
        double d = z.d(r);
        if (std::fabs(d) < 1.0) return -(d + zero_point::log1p_ratio(d, z.sigma));
        if (r > 0.0) return -(2.0 * r + std::log1p(std::exp(-r)));
        return -(r + std::log1p(std::exp(r)));
    }
    // f*(t) = -log(1 - e^t) = -log1mexp(-t) on t < 0
    static double conj(double t) {
        if (is_nan(t)) return nan;
        if (t >= 0.0) return inf;
        return -log1mexp(-t);
    }
    static double inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t >= 0.0) return inf;
        return std::exp(t) / -std::expm1(t);  // e^t/(1 - e^t): no overflow for t << 0
    }
    // -softplus(-v) underflows to -0 for v > 745, onto the open boundary t = 0.
    static double activation(double v) {
        return step_inside(df_logu(v), [](double t) { return t < 0.0; });
    }
    static double ratio_activation(double v) { return activation(v); }
    // g_f = g_ratio: log r = v.  (f')^-1(t) = e^t/(1 - e^t); f - u f' = -log(1 + u).
    static double log_ratio(double v) { return v; }
    static double log_inv_df(double t) {
        if (is_nan(t)) return nan;
        if (t >= 0.0) return inf;
        return t - std::log(-std::expm1(t));
    }
    static double objective_logu(double l) { return -softplus(l); }
};

}  // namespace fdv
