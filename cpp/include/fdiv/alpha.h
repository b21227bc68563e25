// The alpha family (Cichocki-Amari / f-GAN parameterisation, MATH.md §3.12):
//   f(u) = (u^a - 1 - a (u - 1)) / (a (a - 1)),  a real, a not in {0, 1}.
// Any other a (0, 1, NaN, +-inf) gives NaN.  Conventions of docs/kernels.md.
//
// Numerical notes.  (1) u^x for large |x log u| is taken from pow(u, x), exact in u, never
// exp(x log u), which magnifies the rounding of log u by |x log u| (2e-14 at u = 1e200).
// Exponents that are not exact in double (a - 1, a - 2, a/(a - 1), 1/(a - 1)) are carried as
// double-doubles and their low parts applied as a first-order correction.  (2) exp(a r) is
// formed from the exact product a r = hi + lo (fma).  (3) Near u = 1 (|r| max(1,|a|) < 2)
// the series f(e^r) = sum_{n>=2} S_n r^n / n!, S_2 = 1, S_{n+1} = 1 + a S_n, which has no
// 1/(a(a-1)) cancellation.  (4) For a >= 1/2, f = (u (u^b - 1)/b - (u - 1)) / a with
// b = a - 1; for a < 1/2, f = ((u - 1) - (u^a - 1)/a) / (1 - a): neither form divides a
// small difference by a small a or a - 1.
// Accuracy contract (double): see README.md (measured per method).
#pragma once

#include "special.h"

namespace fdv {

struct alpha {
    static bool bad(double a) { return !(std::fabs(a) < inf) || a == 0.0 || a == 1.0; }

    // x^p / c without a spurious overflow of x^p.
    static double pow_div(double x, double p, double c) {
        double h = std::pow(x, 0.5 * p);
        if (h == inf) return inf;  // x^p > DBL_MAX^2 > c
        return h * (h / c);
    }
    // log|a (a - 1)| without overflow for huge |a|
    static double log_aa1(double a) {
        return std::log(std::fabs(a)) + std::log(std::fabs(a - 1.0));
    }

    // f(e^r) = sum_{n>=2} S_n r^n/n!, summed in long double: in double, rounding of the terms
    // cost up to 8 ulp (r = -1.6, a near 1, where the terms alternate) and 4.8 ulp even with
    // positive terms (a = 0.75, r = 1.77).
    template <class T>
    static double series_in(T r, double a) {
        T R = r, A = a;
        T pw = T(0.5) * R * R;
        T s = 1;
        T sum = pw;
        for (int n = 3; n < 80; ++n) {
            pw *= R * T(inv_n(n));
            s = A * s + T(1);  // not std::fma: fmal is a software routine in glibc (~100 ns)
            sum += s * pw;
            // S_n may vanish (a = -1), so bound the tail by |pw| (1 + |S_n|), not by the term.
            if (std::fabs(pw) * (T(1) + std::fabs(s)) <= T(1e-19) * std::fabs(sum)) break;
        }
        return static_cast<double>(sum);
    }
    // 1/n in long double (a product instead of a division per term)
    static long double inv_n(int n) {
        static const auto table = [] {
            struct t {
                long double v[80];
            } x{};
            for (int i = 1; i < 80; ++i) x.v[i] = 1.0L / i;
            return x;
        }();
        return table.v[n];
    }
    static double series(double r, double a) { return series_in<long double>(r, a); }

    static double f(double u, double a) {
        if (!(u >= 0.0) || bad(a)) return nan;
        if (u == 0.0) return a > 0.0 ? 1.0 / a : inf;
        if (u == inf) return inf;
        // In long double (log u to 2^-64: its rounding in double was magnified 2 times near
        // u = 1, where f ~ L^2/2, and the far forms' roundings and cancellation cost 5 ulp).
        using ld = long double;
        const ld U = u, L = std::log(U);
        double m = std::fmax(1.0, std::fabs(a));
        if (std::fabs(L) * m < 2.0) return series_in<ld>(L, a);
        double bh, bl;
        two_sum(a, -1.0, bh, bl);
        double res;
        if (a >= 0.5) {
            const ld t = powm1_over_l(U, L, ld(bh) + bl);
            // u t - (u - 1) = u (t - 1) + 1
            res = static_cast<double>((u > 1.0 ? U * (t - 1.0L) + 1.0L : U * t - (U - 1.0L)) / a);
        } else {
            const ld e = powm1_over_l(U, L, a);
            res = static_cast<double>(((U - 1.0L) - e) / (1.0L - a));
        }
        if (std::fabs(res) == inf && (a > 1.0 || a < 0.0)) {
            // Only u^a overflowed (a > 1, u large or a < 0, u small); the other terms are
            // below its rounding.  (For 0 < a < 1, f ~ u/(1-a) > u and the inf is exact.)
            return pow_div(u, a, a * (a - 1.0));
        }
        return res;
    }

    // f'(u) = (u^b - 1)/b, b = a - 1
    static double df(double u, double a) {
        if (!(u >= 0.0) || bad(a)) return nan;
        if (u == 0.0) return a > 1.0 ? -1.0 / (a - 1.0) : -inf;
        if (u == inf) return a > 1.0 ? inf : 1.0 / (1.0 - a);
        double bh, bl;
        two_sum(a, -1.0, bh, bl);
        // in long double (log u in double, magnified by |b log u|, cost 3 ulp)
        const long double U = u;
        double res = static_cast<double>(powm1_over_l(U, std::log(U), (long double)bh + bl));
        if (std::fabs(res) == inf) {
            double v = pow_div(u, bh, std::fabs(bh));
            return bh > 0.0 ? v : -v;
        }
        return res;
    }

    // f''(u) = u^{a-2}
    static double d2f(double u, double a) {
        if (!(u >= 0.0) || bad(a)) return nan;
        double gh, gl;
        two_sum(a, -2.0, gh, gl);
        if (gh == 0.0 && gl == 0.0) return 1.0;
        if (u == 0.0) return gh > 0.0 ? 0.0 : inf;
        if (u == inf) return gh > 0.0 ? inf : 0.0;
        double p = std::pow(u, gh);
        if (!(p > 0.0 && p < inf)) return p;
        return std::fma(p, gl * std::log(u), p);
    }

    static double f_logu(double r, double a) {
        if (is_nan(r) || bad(a)) return nan;
        if (r == -inf) return a > 0.0 ? 1.0 / a : inf;
        if (r == inf) return inf;
        double m = std::fmax(1.0, std::fabs(a));
        if (std::fabs(r) * m < 2.0) return series(r, a);
        double ph, pl;  // a r = ph + pl
        two_prod(a, r, ph, pl);
        if (a >= 0.5) {
            double bh, bl;
            two_sum(a, -1.0, bh, bl);
            double xh, xl;  // b r
            two_prod(bh, r, xh, xl);
            xl += bl * r;
            if (xh > 700.0) {
                if (r > 0.0) {
                    // f = e^{a r}/(a b) (1 + O(e^{-b r})): the dropped terms are below 1e-300.
                    if (ph == inf) return inf;
                    double sh, sl;
                    two_sum(ph, -log_aa1(a), sh, sl);
                    return exp_dd(sh, sl + pl);
                }
                return (exp_dd(ph, pl) / (bh + bl) - std::expm1(r)) / a;
            }
            // in long double, as a < 1/2 below; b r keeps 2^-64
            using ld = long double;
            const ld R = r, B = ld(bh) + bl;
            const ld e = std::expm1(B * R) / B;
            if (r > 0.0) {
                const ld v = (e + std::expm1(-R)) / a;
                if (r < 11000.0) return static_cast<double>(std::exp(R) * v);
                return exp_mul(r, static_cast<double>(v));
            }
            return static_cast<double>((std::exp(R) * e - std::expm1(R)) / a);
        }
        // a < 1/2
        if (ph > 700.0) {
            // 0 < a < 1/2: r = ph/a > 1400, and f > e^r (1 - a)^-1 (1 - e^-r r) overflows.
            if (a > 0.0) return inf;
            // a < 0, r very negative: f = e^{a r}/(a (a - 1)) (1 + O(e^-700))
            if (ph == inf) return inf;
            double sh, sl;
            two_sum(ph, -log_aa1(a), sh, sl);
            return exp_dd(sh, sl + pl);
        }
        if (r > 700.0) {
            // f = e^r x/(1 - a), x = 1 - e^-r - T, T = e^-r expm1(a r)/a.  |T| < 1e-290 here
            // (|a r| < 1: T ~ r e^-r; else |a| >= 1/r and e^-r/|a| <= r e^-r), so T only has to
            // be formed without 0 * inf: expm1(a r)/a alone overflows for a tiny |a| (a fuzzer
            // find: a = 2.2e-308, r = 1.8e308 gave NaN).
            double T = std::fabs(ph) < 1.0 ? r * std::exp(-r)
                                           : std::exp(-r - std::log(std::fabs(a))) *
                                                 std::copysign(std::expm1(ph), a);
            return exp_mul(r, (-std::expm1(-r) - T) / (1.0 - a));
        }
        // (u^a - 1)/a = expm1(a r)/a; where a r is tiny (a subnormal product loses the low
        // bits of a r, which the division by a would magnify) it is r exprel(a r).
        // In long double (in double the roundings of expm1(r), e and the quotient, through the
        // cancellation of at most ~3, cost 5 ulp): a r keeps 2^-64, |a r| <= 700, r <= 700.
        using ld = long double;
        const ld R = r, A = a;
        const ld e = std::expm1(A * R) / A;
        return static_cast<double>((std::expm1(R) - e) / (1.0L - A));
    }

    // f'(e^r) = expm1(b r)/b
    static double df_logu(double r, double a) {
        if (is_nan(r) || bad(a)) return nan;
        double bh, bl;
        two_sum(a, -1.0, bh, bl);
        if (r == inf) return bh > 0.0 ? inf : -1.0 / (bh + bl);
        if (r == -inf) return bh > 0.0 ? -1.0 / (bh + bl) : -inf;
        double xh, xl;
        two_prod(bh, r, xh, xl);
        xl += bl * r;
        // b r below the normals (a next to 1, r tiny) has lost its low bits, which the division
        // by b would magnify: there expm1(b r)/b = r (1 + b r/2) to 1e-290.
        if (std::fabs(xh) < 1e-290 && r != 0.0) return r * (1.0 + 0.5 * xh);
        if (xh > 700.0) {
            double sh, sl;
            two_sum(xh, -std::log(std::fabs(bh)), sh, sl);
            double v = exp_dd(sh, sl + xl);
            return bh > 0.0 ? v : -v;
        }
        return expm1_dd(xh, xl) / (bh + bl);
    }

    // log f''(e^r) = (a - 2) r
    static double log_d2f_logu(double r, double a) {
        if (is_nan(r) || bad(a)) return nan;
        double gh, gl;
        two_sum(a, -2.0, gh, gl);
        if (gh == 0.0 && gl == 0.0) return 0.0;
        if (std::fabs(r) == inf) return gh * r;
        return std::fma(gh, r, gl * r);
    }

    // s = 1 + b t as a double-double, and log s, for the conjugate and (f')^-1.
    struct base {
        double sh, sl, ls;
    };
    static base make_base(double t, double bh, double bl) {
        double ph, pl;
        two_prod(bh, t, ph, pl);
        pl += bl * t;  // b t = ph + pl
        base b;
        if (!(std::fabs(ph) < inf)) {  // b t overflowed (huge a or t): s = +-inf in double,
            b.sh = ph;                 // but log s = log|b| + log|t| (+ O(1e-308)) is finite
            b.sl = 0.0;
            b.ls = ph > 0.0 ? std::log(std::fabs(bh)) + std::log(std::fabs(t)) : nan;
            return b;
        }
        double sh, se;
        two_sum(1.0, ph, sh, se);
        two_sum(sh, se + pl, b.sh, b.sl);  // renormalised: sign and size of s are b.sh's
        b.ls =
            std::fabs(ph) < 0.5 ? std::log1p(ph) + pl / (1.0 + ph) : std::log(b.sh) + b.sl / b.sh;
        return b;
    }
    // s^(qh + ql), s = sh + sl > 0, without magnifying the rounding of log s.
    static double pow_base(const base& s, double qh, double ql) {
        double y = qh * s.ls;
        if (std::fabs(y) < 0.5) {
            double yl = std::fma(qh, s.ls, -y) + ql * s.ls;
            return exp_dd(y, yl);
        }
        if (s.sh == inf) return std::exp(y);      // s overflowed; its log did not
        double d = qh * s.sl / s.sh + ql * s.ls;  // first-order correction to pow(sh, qh)
        if (std::fabs(d) > 1e-9) {
            // A huge exponent (a near 1: q = a/(a - 1) ~ 1e16) amplifies sl past first
            // order; redo it in long double from s - 1 = (sh - 1) + sl (sh - 1 is exact for
            // sh in [1/2, 2]), so that log s keeps its relative accuracy.
            using ld = long double;
            ld ls = s.sh >= 0.5 && s.sh <= 2.0 ? std::log1p(ld(s.sh - 1.0) + ld(s.sl))
                                               : std::log(ld(s.sh)) + ld(s.sl) / ld(s.sh);
            return static_cast<double>(std::exp((ld(qh) + ld(ql)) * ls));
        }
        double p = std::pow(s.sh, qh);
        if (!(p > 0.0 && p < inf)) return p;
        return std::fma(p, d, p);
    }
    // log(s)/b.  Where b t is below the normals (a next to 1, t tiny) log s = b t (1 - b t/2 + ...)
    // has lost the low bits of the product, which the division by b would magnify: there
    // log(s)/b = t to 1e-290.
    static double log_s_over_b(const base& s, double t, double bh, double b) {
        if (std::fabs(bh * t) < 1e-290 && t != 0.0) return t;
        return s.ls / b;
    }
    static double powm1_base(const base& s, double qh, double ql) {
        double y = qh * s.ls;
        if (std::fabs(y) < 0.5) {
            double yl = std::fma(qh, s.ls, -y) + ql * s.ls;
            return expm1_dd(y, yl);
        }
        return pow_base(s, qh, ql) - 1.0;
    }

    // f*(t) = ((1 + b t)^{a/b} - 1)/a on the range of f' (MATH.md §3.12); -1/a where the sup
    // sits at u = 0; +inf outside dom f*.
    static double conj(double t, double a) {
        if (is_nan(t) || bad(a)) return nan;
        if (t == inf) return inf;
        if (t == -inf) return a > 0.0 ? -1.0 / a : -inf;
        double bh, bl;
        two_sum(a, -1.0, bh, bl);
        base s = make_base(t, bh, bl);
        bool nonpos = s.sh < 0.0 || (s.sh == 0.0 && !(s.sl > 0.0));
        if (nonpos) {
            if (a > 1.0) return -1.0 / a;
            if (a < 0.0 && s.sh == 0.0 && s.sl == 0.0) return -1.0 / a;
            return inf;
        }
        double b = bh + bl;
        double qh = a / b;
        // expm1(q log s)/a = (log s / b) (1 + q log s/2 + ...): for a tiny a the product
        // q log s may be subnormal, and dividing its rounding by a would magnify it.
        if (std::fabs(qh * s.ls) < 1e-290) return log_s_over_b(s, t, bh, b);
        if (s.sh == inf) {
            // b t overflowed (s = b t to 1e-308): s^q/a = s^{1 + 1/b}/a = t (b/a) e^{log(s)/b},
            // where the exponent log(s)/b is small whenever |a| is huge.
            double v = std::fabs(t) * (std::fabs(bh) / std::fabs(a)) * std::exp(s.ls / b);
            return (a > 0.0 ? v : -v) - 1.0 / a;
        }
        double ql = (std::fma(-qh, bh, a) - qh * bl) / b;
        double pm = powm1_base(s, qh, ql);
        if (std::fabs(pm) == inf) {
            double v = pow_div(s.sh, qh, std::fabs(a));
            return a > 0.0 ? v : -v;
        }
        return pm / a;
    }

    static double inv_df(double t, double a) {
        if (is_nan(t) || bad(a)) return nan;
        if (t == inf) return inf;
        if (t == -inf) return 0.0;
        double bh, bl;
        two_sum(a, -1.0, bh, bl);
        base s = make_base(t, bh, bl);
        bool nonpos = s.sh < 0.0 || (s.sh == 0.0 && !(s.sl > 0.0));
        if (nonpos) return a > 1.0 ? 0.0 : inf;
        double b = bh + bl;
        double kh = 1.0 / b;
        double kl = (std::fma(-kh, bh, 1.0) - kh * bl) / b;
        return pow_base(s, kh, kl);
    }

    // t lies in dom f* (s = 1 + (a-1) t > 0, or >= 0 for a < 0, where the end point belongs).
    static bool in_dom(double t, double a) {
        if (a > 1.0) return true;
        double bh, bl;
        two_sum(a, -1.0, bh, bl);
        base s = make_base(t, bh, bl);
        if (a < 0.0) return s.sh > 0.0 || (s.sh == 0.0 && s.sl >= 0.0);
        return s.sh > 0.0 || (s.sh == 0.0 && s.sl > 0.0);
    }
    // f-GAN: g_f(v) = 1/(1-a) - softplus(-v) for a < 1, v for a > 1; kept inside dom f*
    // where 1/(1-a) rounds past the boundary.  Long double absorbs the cancellation at the
    // zero of g_f (which depends on a).
    static double activation(double v, double a) {
        if (is_nan(v) || bad(a)) return nan;
        if (a > 1.0 || v == -inf) return v;
        // c = 1/(1-a) as a double-double (1 - a is exact for a in [-1, 1/2]... and rounded
        // otherwise: its error is carried by TwoSum), softplus in long double split in two.
        double oh, ol;
        two_sum(1.0, -a, oh, ol);
        double ch = 1.0 / oh;
        double cl = (std::fma(-ch, oh, 1.0) - ch * ol) / oh;
        using ld = long double;
        ld x = -ld(v);
        ld sp = x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
        double sh = static_cast<double>(sp);
        double sl = static_cast<double>(sp - ld(sh));
        double t = (ch - sh) + (cl - sl);
        // near the zero of g_f, where long double's 2^-64 c is not 2^-54 of t: binary128
        if (std::fabs(t) < 0x1p-10 * ch)
            t = c_minus_softplus_q(1 / (1 - static_cast<__float128>(a)), v);
        return step_inside(t, [a](double s) { return in_dom(s, a); });
    }
    // f-GAN critic: a > 1: T = v, r = (1 + (a-1) v)^{1/(a-1)}; a < 1: 1 + (a-1) T =
    // (1-a) softplus(-v), so log r = (log(1-a) + log softplus(-v))/(a-1).
    static double log_ratio(double v, double a) {
        if (is_nan(v) || bad(a)) return nan;
        if (a > 1.0) return log_inv_df(v, a);
        return (std::log1p(-a) + log_softplus(-v)) / (a - 1.0);
    }
    static double log_inv_df(double t, double a) {
        if (is_nan(t) || bad(a)) return nan;
        if (t == inf) return inf;
        if (t == -inf) return -inf;
        double bh, bl;
        two_sum(a, -1.0, bh, bl);
        base s = make_base(t, bh, bl);
        bool nonpos = s.sh < 0.0 || (s.sh == 0.0 && !(s.sl > 0.0));
        if (nonpos) return a > 1.0 ? -inf : inf;
        return log_s_over_b(s, t, bh, bh + bl);
    }
    // f - u f' = -(u^a - 1)/a = -expm1(a l)/a, a l formed exactly (fma).
    static double objective_logu(double l, double a) {
        if (is_nan(l) || bad(a)) return nan;
        if (std::fabs(l) == inf) return -std::expm1(a * l) / a;
        double ph, pl;
        two_prod(a, l, ph, pl);
        if (std::fabs(ph) < 1e-290) return -l * (1.0 + 0.5 * ph);  // a l below the normals
        if (ph > 700.0) {
            double sh, sl;
            two_sum(ph, -std::log(std::fabs(a)), sh, sl);
            double v = exp_dd(sh, sl + pl);
            return a > 0.0 ? -v : v;
        }
        return -expm1_dd(ph, pl) / a;
    }
    static double ratio_activation(double v, double a) {
        if (is_nan(v) || bad(a)) return nan;
        if (a > 1.0) return df_logu(v, a);
        return step_inside(df_logu(v, a), [a](double t) { return in_dom(t, a); });
    }
};

}  // namespace fdv
