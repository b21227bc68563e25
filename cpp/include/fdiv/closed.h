// Closed forms between univariate Gaussians P = N(m1, s1^2), Q = N(m2, s2^2) (MATH.md §7.1).
// Written without the cancellations of the textbook forms: KL uses log1pmx of
// (s1/s2)^2 - 1, the alpha family expm1 of log c_alpha.
#pragma once

#include <utility>

#include "special.h"

namespace fdv {
namespace normal {

// Every form depends only on rho = s1/s2 and z = (m1 - m2)/s2 (affine invariance), which
// keeps scales near DBL_MAX from overflowing s^2.
FDIV_INLINE double std_z(double m1, double m2, double s2) {
    double d = m1 - m2;
    return std::fabs(d) < inf ? d / s2 : m1 / s2 - m2 / s2;
}

// KL(P||Q) = -log rho + (rho^2 - 1)/2 + z^2/2 = -L(rho^2 - 1)/2 + z^2/2
FDIV_INLINE double kl(double m1, double s1, double m2, double s2) {
    double rho = s1 / s2, z = std_z(m1, m2, s2);
    double x = (rho - 1.0) * (rho + 1.0);
    // log1pmx keeps the digits near rho = 1; far from it, log1p(x) for x -> -1 would take
    // the rounding of x relative to rho^2, so use log rho directly
    double k = std::fabs(x) < 0.5 ? -0.5 * log1pmx(x) : 0.5 * x - std::log(rho);
    return k + 0.5 * z * z;
}

// log c_alpha = (1-a) log rho - log(s_a) - a (1-a) z^2 / (2 s_a^2),
// s_a^2 = a + (1-a) rho^2 (in units of s2^2); +inf where s_a^2 <= 0.
FDIV_INLINE double log_chernoff(double a, double m1, double s1, double m2, double s2) {
    double rho = s1 / s2, z = std_z(m1, m2, s2);
    // s_a^2 - 1 = (1-a)(rho-1)(rho+1): rho - 1 is exact near rho = 1, where log(s_a^2) would
    // otherwise inherit the absolute rounding of s_a^2 (an ulp of 1, against a result O(rho-1)^2)
    double sa2m1 = (1.0 - a) * ((rho - 1.0) * (rho + 1.0));
    double sa2 = 1.0 + sa2m1;
    if (!(sa2 > 0.0)) return inf;
    double lsa2 = std::fabs(sa2m1) < 0.5 ? std::log1p(sa2m1) : std::log(a + (1.0 - a) * rho * rho);
    return (1.0 - a) * std::log(rho) - 0.5 * lsa2 - a * (1.0 - a) * z * z / (2.0 * sa2);
}

// D_alpha = (c_alpha - 1)/(a (a - 1))
FDIV_INLINE double alpha(double a, double m1, double s1, double m2, double s2) {
    double lc = log_chernoff(a, m1, s1, m2, s2);
    if (lc == inf) return a * (a - 1.0) > 0.0 ? inf : -inf;
    return std::expm1(lc) / (a * (a - 1.0));
}

FDIV_INLINE double phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// TV = sup_A |P(A) - Q(A)|, A = {p > q}, in standardised units (Q = N(0, 1), P = N(z, rho^2)):
// the roots of log p = log q bound A.
FDIV_INLINE double tv(double m1, double s1, double m2, double s2) {
    double rho = s1 / s2, z = std_z(m1, m2, s2);
    if (rho == 1.0) return std::erf(std::fabs(z) / (2.0 * std::sqrt(2.0)));
    // (x-z)^2/(2 rho^2) + log rho = x^2/2  ->  A x^2 + B x + C = 0
    double A = 0.5 / (rho * rho) - 0.5;
    double B = -z / (rho * rho);
    double C = 0.5 * z * z / (rho * rho) + std::log(rho);
    double disc = B * B - 4.0 * A * C;
    if (disc < 0.0) disc = 0.0;
    double q = -0.5 * (B + std::copysign(std::sqrt(disc), B));
    double x1 = q / A, x2 = q != 0.0 ? C / q : x1;
    if (x1 > x2) std::swap(x1, x2);
    double pin = phi((x2 - z) / rho) - phi((x1 - z) / rho);
    double qin = phi(x2) - phi(x1);
    return std::fabs(pin - qin);
}

}  // namespace normal
}  // namespace fdv
