// Closed forms between multivariate normals P = N(m1, S1), Q = N(m2, S2) in R^k (MATH.md §7.2),
// from the Cholesky factors S = L L^T (lower triangular, positive diagonal).
//
// Everything is computed in Q's whitened coordinates: M = L2^-1 L1 (lower triangular, so
// S2^-1/2 S1 S2^-T/2 = M M^T with det = prod M_ii^2) and d = L2^-1 (m1 - m2).  Then
//   KL(P||Q) = 1/2 [ sum_i (M_ii^2 - 1 - log M_ii^2) + sum_{i>j} M_ij^2 + |d|^2 ],
// a sum of nonnegative terms, each free of cancellation (M_ii^2 - 1 - log M_ii^2 =
// -log1pmx(M_ii^2 - 1)), unlike tr(S2^-1 S1) - k - log det(S2^-1 S1) of the textbook form.
// No Python; plain arrays, row-major k x k.
#pragma once

#include <vector>

#include "special.h"

namespace fdv {
namespace mvn {

// Cholesky factor of a symmetric k x k matrix A (only the lower triangle is read) into L;
// false unless A is positive definite.
FDIV_INLINE bool cholesky(int k, const double* A, double* L) {
    for (int i = 0; i < k * k; ++i) L[i] = 0.0;
    for (int j = 0; j < k; ++j) {
        double s = A[j * k + j];
        for (int p = 0; p < j; ++p) s -= L[j * k + p] * L[j * k + p];
        if (!(s > 0.0) || !(s < inf)) return false;
        double d = std::sqrt(s);
        L[j * k + j] = d;
        for (int i = j + 1; i < k; ++i) {
            double t = A[i * k + j];
            for (int p = 0; p < j; ++p) t -= L[i * k + p] * L[j * k + p];
            L[i * k + j] = t / d;
        }
    }
    return true;
}

// Solves L y = b in place (L lower triangular).
FDIV_INLINE void solve_lower(int k, const double* L, double* b) {
    for (int i = 0; i < k; ++i) {
        double s = b[i];
        for (int p = 0; p < i; ++p) s -= L[i * k + p] * b[p];
        b[i] = s / L[i * k + i];
    }
}

// The whitened pair: M = L2^-1 L1 (lower triangular) and d = L2^-1 (m1 - m2).
struct whitened {
    int k;
    std::vector<double> M, d;
    whitened(int k_, const double* m1, const double* L1, const double* m2, const double* L2)
        : k(k_), M(size_t(k_) * k_), d(k_) {
        for (int i = 0; i < k; ++i) d[i] = m1[i] - m2[i];
        solve_lower(k, L2, d.data());
        std::vector<double> col(k);
        for (int j = 0; j < k; ++j) {
            for (int i = 0; i < k; ++i) col[i] = L1[i * k + j];
            solve_lower(k, L2, col.data());
            for (int i = 0; i < k; ++i) M[i * k + j] = i >= j ? col[i] : 0.0;
        }
    }
};

// KL(P||Q) from the Cholesky factors.
FDIV_INLINE double kl(int k, const double* m1, const double* L1, const double* m2,
                      const double* L2) {
    whitened w(k, m1, L1, m2, L2);
    double s = 0.0;
    for (int i = 0; i < k; ++i) {
        double mii = w.M[i * k + i];
        double x = (mii - 1.0) * (mii + 1.0);  // M_ii^2 - 1
        s += std::fabs(x) < 0.5 ? -log1pmx(x) : x - 2.0 * std::log(std::fabs(mii));
        for (int j = 0; j < i; ++j) s += w.M[i * k + j] * w.M[i * k + j];
        s += w.d[i] * w.d[i];
    }
    return 0.5 * s;
}

// Eigenvalues w and eigenvectors (columns of V) of a symmetric k x k matrix A (destroyed), by
// cyclic Jacobi rotations: small k, and eigenvalues accurate to an ulp of ||A|| -- which is
// what keeps the digits of a small E = M M^T - I below.
FDIV_INLINE void sym_eigen(int k, double* A, double* w, double* V) {
    for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j) V[i * k + j] = i == j ? 1.0 : 0.0;
    for (int sweep = 0; sweep < 60; ++sweep) {
        double off = 0.0, diag = 0.0;
        for (int i = 0; i < k; ++i) {
            diag += A[i * k + i] * A[i * k + i];
            for (int j = 0; j < i; ++j) off += A[i * k + j] * A[i * k + j];
        }
        if (off == 0.0 || off <= 1e-36 * diag) break;
        for (int p = 0; p < k; ++p)
            for (int q = p + 1; q < k; ++q) {
                double apq = A[p * k + q];
                if (apq == 0.0) continue;
                double app = A[p * k + p], aqq = A[q * k + q];
                double theta = (aqq - app) / (2.0 * apq);
                double t = (theta >= 0.0 ? 1.0 : -1.0) /
                           (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
                if (!(std::fabs(theta) < 1e150)) t = 0.5 / theta;  // theta^2 would overflow
                double c = 1.0 / std::sqrt(t * t + 1.0), sn = t * c;
                for (int r = 0; r < k; ++r) {  // A <- J^T A J
                    double arp = A[r * k + p], arq = A[r * k + q];
                    A[r * k + p] = c * arp - sn * arq;
                    A[r * k + q] = sn * arp + c * arq;
                }
                for (int r = 0; r < k; ++r) {
                    double apr = A[p * k + r], aqr = A[q * k + r];
                    A[p * k + r] = c * apr - sn * aqr;
                    A[q * k + r] = sn * apr + c * aqr;
                }
                A[p * k + q] = A[q * k + p] = 0.0;
                for (int r = 0; r < k; ++r) {
                    double vrp = V[r * k + p], vrq = V[r * k + q];
                    V[r * k + p] = c * vrp - sn * vrq;
                    V[r * k + q] = sn * vrp + c * vrq;
                }
            }
    }
    for (int i = 0; i < k; ++i) w[i] = A[i * k + i];
}

// log c_alpha = (1-a)/2 log det S1 + a/2 log det S2 - 1/2 log det S_a - a(1-a)/2 D^T S_a^-1 D,
// S_a = (1-a) S1 + a S2; +inf where S_a is not positive definite (alpha outside [0, 1]).
// Whitened: S2 -> I, S1 -> I + E with E = M M^T - I (its diagonal formed as
// sum_{p<i} M_ip^2 + (M_ii - 1)(M_ii + 1), so that it keeps its digits when P is near Q), and
// S_a -> I + (1-a) E.  With the eigenvalues l_i of E and d's coordinates y_i in its eigenbasis,
//   log c_alpha = sum_i 1/2 [(1-a) L(l_i) - L((1-a) l_i)] - a(1-a)/2 y_i^2 / (1 + (1-a) l_i),
// L(x) = log1p(x) - x: each term O(l_i^2) without the cancellation between log det S1 and
// log det S_a (both O(l)) of the textbook form.
FDIV_INLINE double log_chernoff(double a, int k, const double* m1, const double* L1,
                                const double* m2, const double* L2) {
    whitened w(k, m1, L1, m2, L2);
    std::vector<double> E(size_t(k) * k), V(size_t(k) * k), lam(k);
    for (int i = 0; i < k; ++i)
        for (int j = 0; j <= i; ++j) {
            double e = 0.0;
            for (int p = 0; p < j; ++p) e += w.M[i * k + p] * w.M[j * k + p];
            if (i == j) {
                double mii = w.M[i * k + i];
                e += (mii - 1.0) * (mii + 1.0);
            } else {
                e += w.M[i * k + j] * w.M[j * k + j];
            }
            E[i * k + j] = E[j * k + i] = e;
        }
    sym_eigen(k, E.data(), lam.data(), V.data());
    double s = 0.0;
    for (int i = 0; i < k; ++i) {
        double la = (1.0 - a) * lam[i];
        if (!(1.0 + la > 0.0)) return inf;  // S_a not positive definite
        double y = 0.0;
        for (int r = 0; r < k; ++r) y += V[r * k + i] * w.d[r];
        s += 0.5 * ((1.0 - a) * log1pmx(lam[i]) - log1pmx(la)) -
             0.5 * a * (1.0 - a) * y * y / (1.0 + la);
    }
    return s;
}

}  // namespace mvn
}  // namespace fdv
