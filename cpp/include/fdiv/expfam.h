// Closed forms between members of one exponential family (MATH.md §7.3): Gamma(shape k, scale s),
// Beta(a, b) and Poisson(mu).  log c_alpha is the skew-Jensen gap of the log-partition function
// A and KL its Bregman divergence; both are assembled here from terms that are each free of
// cancellation, instead of differences of lgamma values:
//
//   * lgamma is split (after the shift lgamma(x) = lgamma(x + n) - sum_j log(x + j) to x >= 10)
//     into h(x) = (x - 1/2) log x - x, the Stirling remainder R(x) = sum_j B_2j/(2j(2j-1)x^(2j-1))
//     and the logs; the Bregman / Jensen gap of each piece has a closed form in log1pmx
//     (L(y) = log1p(y) - y) and phi(a) = (1 + a) log1p(a) - a, each term of one sign for
//     alpha in [0, 1].  No lgamma is ever evaluated, so a gap O(dk^2) is not the difference of
//     two O(k log k) numbers.
//   * the rest (the -k log(rate) part of Gamma, Poisson's e^theta) likewise.
//
// Remaining cancellation, inherent in adding gaps of different sign (documented bound, see
// tests/test_expfam.py): Beta combines J(a) + J(b) - J(a + b) and Gamma adds a cross term
// alpha (1 - alpha) w dk to two negative gaps.  The absolute error is a few ulp of the sum of
// the magnitudes of those components (each of which is itself relatively accurate), which is
// O(the divergence) times a condition factor such as b/a for Beta with a << b, never the size
// of an lgamma value.  For alpha outside [0, 1] the weights alpha, 1 - alpha differ in sign and
// the same bound applies with the factor max(|alpha|, |1 - alpha|).
#pragma once

#include <cmath>

#include "special.h"

namespace fdv {

// ---------------------------------------------------------------------------------------------
// digamma(x), x > 0.  Relative error about 1 ulp everywhere on (0, inf), including the positive
// root x0: near it psi(x) = (x - x0) g(x) with x - x0 formed from x0 = X0_HI + X0_LO.
//   x < 1          psi(x) = psi(x + 1) - 1/x (x + 1 and 1/x carried with their rounding errors)
//   1 <= x < x0+1  (x - x0) g(x), g a Taylor polynomial on three pieces (centres 1.1058, x0,
//                  2.0866; coefficients from mpmath, tests/gen_expfam_reference.py --digamma)
//   x0+1 <= x < 10 psi(y) + sum 1/(y + j), y = x - n in [x0, x0 + 1): every term positive
//   x >= 10        log x - 1/(2x) - sum B_2k/(2k x^2k)
// +inf -> +inf, 0 -> -inf, x < 0 or NaN -> NaN.
namespace detail {

constexpr double DIGAMMA_X0_HI = 1.4616321449683622;  // 0x1.762d86356be3fp+0
constexpr double DIGAMMA_X0_LO = 9.549995429965697e-17;

constexpr double DIGAMMA_G_LOW_C = 1.1058160724841812;
constexpr double DIGAMMA_G_LOW[] = {
    1.1675979165345982,  -0.7165237950878119,  0.5654948103272179,  -0.48259735889940436,
    0.42484663117781335, -0.37920857416604575, 0.34069205857045903, -0.30707120065479876,
    0.2772146426817,     -0.25046683477309845, 0.22639567212495787, -0.20468277244688485,
    0.18507342180326236, -0.16735269353762858, 0.15133343812023542, -0.1368498047006968,
    0.12375341205494428, -0.11191083371257896, 0.10120176881887892};
constexpr double DIGAMMA_G_MID[] = {
    0.9676722454476212,     -0.4427631689835921,     0.258499760955651,     -0.16394270544240652,
    0.10782405069126237,    -0.07219956125645471,    0.04880428816414311,   -0.03316112647484736,
    0.022597648232218104,   -0.01542476590494896,    0.010538791616612175,  -0.007204534386356869,
    0.004926781395729853,   -0.003369801655439328,   0.002305126326734928,  -0.0015769367714301972,
    0.0010788252019162967,  -0.0007380709389960052,  0.000504953265834602,  -0.0003454680251063077,
    0.00023635601564027053, -0.00016170622091974803, 0.0001106337276874741, -7.569179582195066e-05,
    5.178575795222081e-05};
constexpr double DIGAMMA_G_HIGH_C = 2.0866321449683625;
constexpr double DIGAMMA_G_HIGH[] = {
    0.763506272352089,       -0.24291088014352596,    0.09710833543935551,
    -0.04220968643427507,    0.0191036263449746,      -0.008839147356531091,
    0.004143062400526489,    -0.0019573362772817423,  0.0009293252879184272,
    -0.00044264314961847266, 0.00021127062941484793,  -0.0001009752560071462,
    4.83037991577421e-05,    -2.3121034723385697e-05, 1.1071503229677458e-05,
    -5.30300456995042e-06,   2.5404773524692076e-06,  -1.2171974714524924e-06,
    5.832329139134342e-07,   -2.794774528904422e-07,  1.339268203653033e-07,
    -6.417991783413928e-08,  3.07565811207161e-08,    -1.4739470787943834e-08,
    7.063648091376968e-09};

template <int N>
FDIV_INLINE double horner(const double (&c)[N], double t) {
    double s = c[N - 1];
    for (int i = N - 2; i >= 0; --i) s = std::fma(s, t, c[i]);
    return s;
}

// psi(y) for 1 <= y < x0 + 1, relative to its value (through the root)
FDIV_INLINE double digamma_core(double y) {
    double g;
    if (y < DIGAMMA_X0_HI - 0.25)
        g = horner(DIGAMMA_G_LOW, y - DIGAMMA_G_LOW_C);
    else if (y < DIGAMMA_X0_HI + 0.25)
        g = horner(DIGAMMA_G_MID, y - DIGAMMA_X0_HI);
    else
        g = horner(DIGAMMA_G_HIGH, y - DIGAMMA_G_HIGH_C);
    double dh = y - DIGAMMA_X0_HI;  // exact (Sterbenz) on [1, 2.47)
    return std::fma(dh, g, -DIGAMMA_X0_LO * g);
}

}  // namespace detail

FDIV_INLINE double digamma(double x) {
    using namespace detail;
    if (!(x >= 0.0)) return nan;
    if (x == 0.0) return -inf;
    if (x == inf) return inf;
    if (x < 1.0) {
        // psi(x) = psi(y + lo) - 1/x, y + lo = x + 1 exactly; psi'(y) ~ 1/(y - 1/2) is ample for
        // the correction term (|lo| <= 2^-53)
        double y = x + 1.0;
        double lo = x - (y - 1.0);
        double r = 1.0 / x;
        if (!(r < inf)) return -r;
        double rl = std::fma(-r, x, 1.0) / x;  // 1/x = r + rl
        double s, e;
        two_sum(digamma_core(y), -r, s, e);
        return s + (e - rl + lo / (y - 0.5));
    }
    if (x < DIGAMMA_X0_HI + 1.0) return digamma_core(x);
    if (x < 10.0) {
        // y = x - n and y + j are exact; sum 1/(y + j) in double-double
        double n = std::floor(x - DIGAMMA_X0_HI);
        double y = x - n;
        double s = 0.0, c = 0.0;
        for (double j = n - 1.0; j >= 0.0; j -= 1.0) {
            double v = y + j;
            double r = 1.0 / v;
            double rl = std::fma(-r, v, 1.0) / v;
            double t, e;
            two_sum(s, r, t, e);
            s = t;
            c += e + rl;
        }
        double p = digamma_core(y);
        double t, e;
        two_sum(s, p, t, e);
        return t + (e + c);
    }
    // asymptotic: B_2k/(2k) for k = 1..9
    double z = 1.0 / (x * x);
    double ser =
        z *
        (1.0 / 12 +
         z * (-1.0 / 120 +
              z * (1.0 / 252 +
                   z * (-1.0 / 240 +
                        z * (1.0 / 132 + z * (-691.0 / 32760 +
                                              z * (1.0 / 12 + z * (-3617.0 / 8160 +
                                                                   z * (43867.0 / 14364)))))))));
    return std::log(x) - (0.5 / x + ser);
}

// ---------------------------------------------------------------------------------------------
// Cancellation-free building blocks.
namespace detail {

// The helpers below take a > -1 together with q = 1 + a formed as a quotient of the inputs:
// far from a = 0 the rounding of a (an ulp of 1) would be large relative to q when q -> 0.
//
// L(a) = log1p(a) - a: log1pmx near 0, log q - a outside (-1/2, 1/2) (as in closed.h).
FDIV_INLINE double log1pmx_q(double a, double q) {
    return std::fabs(a) < 0.5 ? log1pmx(a) : std::log(q) - a;
}

// phi(a) = (1 + a) log1p(a) - a = -q L(-a/q) >= 0; the L argument lies in log1pmx's series
// band for -1/2 < a < 3, beyond that q log q - a loses at most 2 bits.
FDIV_INLINE double phi_q(double a, double q) {
    if (a < 3.0) return -q * log1pmx(-a / q);
    return q * std::log(q) - a;
}

// E(z) = e^z - 1 - z >= 0
FDIV_INLINE double expm1mx(double z) {
    if (std::fabs(z) < 1.0) {
        double term = 0.5 * z * z, sum = term;
        for (int n = 3; n < 40; ++n) {
            term *= z / n;
            sum += term;
            if (std::fabs(term) <= 1e-17 * sum) break;
        }
        return sum;
    }
    return std::expm1(z) - z;
}

// g_m(a) = q^-m - 1 + m a >= 0, q = 1 + a.  Closed forms for m = 1, 3; otherwise, with
// z = -m log q = -m a - m L(a):  g_m = E(z) - m L(a), two nonnegative terms (pow(q, -m) - 1 + m a
// would leave an absolute error of an ulp of 1 at a -> 0).
FDIV_INLINE double gpow(int m, double a, double q) {
    if (m == 1) return a * a / q;
    if (m == 3) return a * a * (6.0 + a * (8.0 + 3.0 * a)) / (q * q * q);
    double lq = std::fabs(a) < 0.5 ? std::log1p(a) : std::log(q);
    return expm1mx(-m * lq) - m * log1pmx_q(a, q);
}

// Stirling remainder R(x) = lgamma(x) - (x - 1/2) log x + x - log(2 pi)/2 = sum c_j x^-(2j-1);
// 10 terms are below 1e-18 relative to the gaps for x >= 10.
constexpr double STIRLING_C[] = {1.0 / 12,         -1.0 / 360,        1.0 / 1260, -1.0 / 1680,
                                 1.0 / 1188,       -691.0 / 360360,   1.0 / 156,  -3617.0 / 122400,
                                 43867.0 / 244188, -174611.0 / 125400};
constexpr double LGAMMA_SHIFT_TO = 10.0;

// Bregman divergence of lgamma: lgamma(x1 + D) - lgamma(x1) - D psi(x1) >= 0 (x1, x1 + D > 0),
// as a sum of nonnegative terms.  D is the exact difference of the two arguments.
FDIV_INLINE double lgamma_bregman(double x1, double D) {
    double x2 = x1 + D;
    double lo = x1 < x2 ? x1 : x2;
    double n = lo < LGAMMA_SHIFT_TO ? std::ceil(LGAMMA_SHIFT_TO - lo) : 0.0;
    double s = 0.0;
    for (double j = 0.0; j < n; j += 1.0)  // Bregman of -log(x + j): -L(t_j)
        s -= log1pmx_q(D / (x1 + j), (x2 + j) / (x1 + j));
    double y1 = x1 + n, t = D / y1, q = (x2 + n) / y1;
    // h(x) = (x - 1/2) log x - x:  y1 phi(t) - L(t)/2
    s += y1 * phi_q(t, q) - 0.5 * log1pmx_q(t, q);
    // R: sum c_j y1^-m g_m(t)
    double ym = 1.0 / y1, y2 = ym * ym, r = 0.0;
    for (int j = 0; j < 10; ++j, ym *= y2) r += STIRLING_C[j] * ym * gpow(2 * j + 1, t, q);
    return s + r;
}

// Skew-Jensen gap of lgamma: lgamma(xa) - alpha lgamma(xa + (1-alpha) D) - (1-alpha)
// lgamma(xa - alpha D), where xa = x2 + alpha D is the mixed argument (> 0) and D = x1 - x2;
// x1, x2 themselves only serve the ratios q = 1 + a far from a = 0.
// <= 0 for alpha in [0, 1].  With v = D/(xa + n), a1 = (1 - alpha) v, a2 = -alpha v:
//   -log(x + j):  alpha L(a1_j) + (1 - alpha) L(a2_j)
//   h:            -(xa+n) [alpha phi(a1) + (1 - alpha) phi(a2)] + [alpha L(a1) + (1 - alpha)
//   L(a2)]/2 R:            -sum_j c_j (xa+n)^-m [alpha g_m(a1) + (1 - alpha) g_m(a2)]
FDIV_INLINE double lgamma_jensen(double alpha, double xa, double D, double x1, double x2) {
    const double w1 = alpha, w2 = 1.0 - alpha;
    double lo = std::fmin(xa, std::fmin(x1, x2));
    double n = lo < LGAMMA_SHIFT_TO ? std::ceil(LGAMMA_SHIFT_TO - lo) : 0.0;
    double s = 0.0;
    for (double j = 0.0; j < n; j += 1.0) {
        double y = xa + j, v = D / y;
        s += w1 * log1pmx_q(w2 * v, (x1 + j) / y) + w2 * log1pmx_q(-alpha * v, (x2 + j) / y);
    }
    double y = xa + n, v = D / y, a1 = w2 * v, a2 = -alpha * v;
    double q1 = (x1 + n) / y, q2 = (x2 + n) / y;
    s += -y * (w1 * phi_q(a1, q1) + w2 * phi_q(a2, q2)) +
         0.5 * (w1 * log1pmx_q(a1, q1) + w2 * log1pmx_q(a2, q2));
    double ym = 1.0 / y, y2 = ym * ym, r = 0.0;
    for (int j = 0; j < 10; ++j, ym *= y2) {
        int m = 2 * j + 1;
        r += STIRLING_C[j] * ym * (w1 * gpow(m, a1, q1) + w2 * gpow(m, a2, q2));
    }
    return s - r;
}

// a x1 + (1 - a) x2 with one rounding: near the domain boundary of a outside [0, 1] the two
// products cancel, and their rounding errors would dominate the result.
FDIV_INLINE double mix(double a, double x1, double x2) {
    if (x1 == x2) return x1;
    double p1, e1, p2, e2;
    two_prod(a, x1, p1, e1);
    two_prod(1.0 - a, x2, p2, e2);
    return (p1 + p2) + (e1 + e2);
}

FDIV_INLINE bool pos_finite(double x) { return x > 0.0 && x < inf; }

FDIV_INLINE bool streq(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return *a == *b;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Gamma(k, s): shape k, scale s.  A(k, beta) = lgamma(k) - k log beta, beta = 1/s.
//   KL(P||Q) = B_lgamma(k2 || k1) + dk e - k2 L(e),  dk = k1 - k2, e = s1/s2 - 1 = (s1 - s2)/s2
//   log c_a  = J_lgamma + a k1 L(b1) + (1-a) k2 L(b2) + a (1-a) w dk,
//              w = (beta1 - beta2)/beta_a = (s2 - s1)/(s1 + a (s2 - s1)), b1 = (1-a) w, b2 = -a w
// c_a = inf where k_a = k2 + a dk <= 0 or beta_a <= 0 (only for a outside [0, 1]).
FDIV_INLINE double gamma_kl(double k1, double s1, double k2, double s2) {
    using namespace detail;
    if (!(pos_finite(k1) && pos_finite(s1) && pos_finite(k2) && pos_finite(s2))) return nan;
    double dk = k1 - k2, e = (s1 - s2) / s2;
    return lgamma_bregman(k1, -dk) + (dk * e - k2 * log1pmx_q(e, s1 / s2));
}

FDIV_INLINE double gamma_log_chernoff(double a, double k1, double s1, double k2, double s2) {
    using namespace detail;
    if (!(pos_finite(k1) && pos_finite(s1) && pos_finite(k2) && pos_finite(s2)) ||
        !(std::fabs(a) < inf))
        return nan;
    double dk = k1 - k2, ka = mix(a, k1, k2);
    double ds = s2 - s1, den = mix(a, s2, s1);  // s1 + a (s2 - s1)
    if (!(ka > 0.0) || !(den > 0.0)) return inf;
    double w = ds / den, b1 = (1.0 - a) * w, b2 = -a * w;
    // 1 + b1 = beta1/beta_a = s2/den, 1 + b2 = s1/den
    double jb = a * k1 * log1pmx_q(b1, s2 / den) + (1.0 - a) * k2 * log1pmx_q(b2, s1 / den) +
                a * (1.0 - a) * w * dk;
    return lgamma_jensen(a, ka, dk, k1, k2) + jb;
}

// Beta(a, b): A = lgamma(a) + lgamma(b) - lgamma(a + b), theta = (a - 1, b - 1).
FDIV_INLINE double beta_kl(double a1, double b1, double a2, double b2) {
    using namespace detail;
    if (!(pos_finite(a1) && pos_finite(b1) && pos_finite(a2) && pos_finite(b2))) return nan;
    double da = a2 - a1, db = b2 - b1;
    return (lgamma_bregman(a1, da) + lgamma_bregman(b1, db)) - lgamma_bregman(a1 + b1, da + db);
}

FDIV_INLINE double beta_log_chernoff(double al, double a1, double b1, double a2, double b2) {
    using namespace detail;
    if (!(pos_finite(a1) && pos_finite(b1) && pos_finite(a2) && pos_finite(b2)) ||
        !(std::fabs(al) < inf))
        return nan;
    double da = a1 - a2, db = b1 - b2;
    double aa = mix(al, a1, a2), ba = mix(al, b1, b2);
    if (!(aa > 0.0) || !(ba > 0.0)) return inf;
    return (lgamma_jensen(al, aa, da, a1, a2) + lgamma_jensen(al, ba, db, b1, b2)) -
           lgamma_jensen(al, aa + ba, da + db, a1 + b1, a2 + b2);
}

// Poisson(mu): theta = log mu, A = e^theta.  With r = log(mu1/mu2) and the geometric mean
// mg = mu1^a mu2^(1-a) = mu2 e^(a r):
//   KL(P||Q) = mu2 phi(mu1/mu2 - 1)
//   log c_a  = mg - a mu1 - (1-a) mu2 = -mg [a E((1-a) r) + (1-a) E(-a r)],  E(z) = e^z - 1 - z
// (always finite: Theta = R).
FDIV_INLINE double poisson_kl(double m1, double m2) {
    using namespace detail;
    if (!(pos_finite(m1) && pos_finite(m2))) return nan;
    return m2 * phi_q((m1 - m2) / m2, m1 / m2);
}

FDIV_INLINE double poisson_log_chernoff(double a, double m1, double m2) {
    using namespace detail;
    if (!(pos_finite(m1) && pos_finite(m2)) || !(std::fabs(a) < inf)) return nan;
    double x = m1 / m2;
    // m1 - m2 is exact within a factor 2 (Sterbenz), so log1p keeps r's relative accuracy
    double r = (x > 0.5 && x < 2.0) ? std::log1p((m1 - m2) / m2) : std::log(x);
    double mg = m2 * std::exp(a * r);
    return -mg * (a * expm1mx((1.0 - a) * r) + (1.0 - a) * expm1mx(-a * r));
}

// ---------------------------------------------------------------------------------------------
// Dispatcher.  family 0 gamma (k, s), 1 beta (a, b), 2 poisson (mu; b1, b2 ignored).
// Names: kl, reverse_kl, jeffreys, squared_hellinger (2(1 - c_1/2)), alpha (param = alpha;
// alpha = 1 -> kl and alpha = 0 -> reverse_kl, the limits), pearson (c_2 - 1), neyman
// (c_-1 - 1), bhattacharyya (-log c_1/2), renyi (param = alpha > 0: log c_alpha/(alpha - 1),
// alpha = 1 -> kl, alpha <= 0 -> NaN).  Returns false for an unknown name or family.
namespace detail {

FDIV_INLINE double ef_kl(int family, double a1, double b1, double a2, double b2) {
    switch (family) {
        case 0:
            return gamma_kl(a1, b1, a2, b2);
        case 1:
            return beta_kl(a1, b1, a2, b2);
        default:
            return poisson_kl(a1, a2);
    }
}

FDIV_INLINE double ef_lc(int family, double al, double a1, double b1, double a2, double b2) {
    switch (family) {
        case 0:
            return gamma_log_chernoff(al, a1, b1, a2, b2);
        case 1:
            return beta_log_chernoff(al, a1, b1, a2, b2);
        default:
            return poisson_log_chernoff(al, a1, a2);
    }
}

// (c_alpha - 1)/(alpha (alpha - 1)) from log c_alpha; c = inf -> +-inf by the sign of the divisor
FDIV_INLINE double alpha_from_lc(double al, double lc) {
    double den = al * (al - 1.0);
    if (lc == inf) return den > 0.0 ? inf : -inf;
    return std::expm1(lc) / den;
}

}  // namespace detail

FDIV_INLINE bool expfam_closed(int family, const char* name, double param, double a1, double b1,
                               double a2, double b2, double* out) {
    using namespace detail;
    if (family < 0 || family > 2) return false;
    auto is = [name](const char* s) { return streq(name, s); };
    double v;
    if (is("kl"))
        v = ef_kl(family, a1, b1, a2, b2);
    else if (is("reverse_kl"))
        v = ef_kl(family, a2, b2, a1, b1);
    else if (is("jeffreys"))
        v = ef_kl(family, a1, b1, a2, b2) + ef_kl(family, a2, b2, a1, b1);
    else if (is("squared_hellinger"))
        v = -2.0 * std::expm1(ef_lc(family, 0.5, a1, b1, a2, b2));
    else if (is("alpha")) {
        if (param == 1.0)
            v = ef_kl(family, a1, b1, a2, b2);
        else if (param == 0.0)
            v = ef_kl(family, a2, b2, a1, b1);
        else
            v = alpha_from_lc(param, ef_lc(family, param, a1, b1, a2, b2));
    } else if (is("pearson"))
        v = std::expm1(ef_lc(family, 2.0, a1, b1, a2, b2));
    else if (is("neyman"))
        v = std::expm1(ef_lc(family, -1.0, a1, b1, a2, b2));
    else if (is("bhattacharyya"))
        v = -ef_lc(family, 0.5, a1, b1, a2, b2);
    else if (is("renyi")) {
        if (!(param > 0.0))
            v = nan;
        else if (param == 1.0)
            v = ef_kl(family, a1, b1, a2, b2);
        else
            v = ef_lc(family, param, a1, b1, a2, b2) / (param - 1.0);
    } else
        return false;
    *out = v;
    return true;
}

}  // namespace fdv
