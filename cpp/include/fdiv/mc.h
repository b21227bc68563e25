// Monte Carlo estimation of D_f(P||Q) in any dimension: multivariate distributions (log
// densities and samplers) and the per-block accumulators.  No Python: the samplers are
// templates over an `Rng` providing normal(), uniform(), exponential(), gamma(shape),
// beta(a, b), t(df), cauchy(), laplace(), logistic() of standard parameters.
//
// Reproducibility: the caller splits the n samples of an item into fixed-size blocks, each
// with its own counter-based stream, and combines the blocks' accumulators in block order, so
// the result does not depend on the number of threads.
#pragma once

#include <algorithm>
#include <vector>

#include "dist.h"
#include "mvn.h"

namespace fdv {
namespace mc {

enum mv_kind : int {
    MV_NORMAL = 0,  // params: mean (k), lower Cholesky factor of the covariance (k x k)
    MV_T = 1,       // params: loc (k), Cholesky factor of the scale matrix (k x k), df
    MV_INDEP = 2,   // params: (a, b, c) per coordinate, coordinate kinds from dist.h
};

// number of parameters of one component
FDIV_INLINE int param_len(int kind, int k) {
    return kind == MV_NORMAL ? k + k * k : kind == MV_T ? k + k * k + 1 : 3 * k;
}

struct mvcomp {
    int kind = MV_INDEP, k = 1;
    const double* mean = nullptr;
    const double* L = nullptr;
    std::vector<double> Linv;   // L^-1 (lower triangular): z = L^-1 (x - mean) without divisions
    double df = 0.0, lz = 0.0;  // lz: log normaliser (x-free part of the log density)
    std::vector<dist1> d;       // MV_INDEP: prepared coordinates
    std::vector<double> ib;     // MV_INDEP: 1/scale per coordinate (the Normal fast path)
    bool full_support = true;   // support is all of R^k

    // kinds: coordinate kinds (MV_INDEP), p: this component's parameters
    void set(int kind_, int k_, const int32_t* kinds, const double* p) {
        kind = kind_, k = k_;
        full_support = true;
        if (kind == MV_INDEP) {
            d.resize(k);
            ib.resize(k);
            lz = 0.0;
            for (int j = 0; j < k; ++j) {
                d[j] = make_dist(kinds[j], p[3 * j], p[3 * j + 1], p[3 * j + 2]);
                ib[j] = 1.0 / d[j].b;
                double lo, hi;
                support(d[j], lo, hi);
                if (lo > -inf || hi < inf) full_support = false;
            }
            return;
        }
        mean = p, L = p + k;
        Linv.assign(size_t(k) * k, 0.0);
        std::vector<double> col(k);
        for (int j = 0; j < k; ++j) {  // column j of L^-1 solves L c = e_j
            for (int i = 0; i < k; ++i) col[i] = i == j ? 1.0 : 0.0;
            mvn::solve_lower(k, L, col.data());
            for (int i = j; i < k; ++i) Linv[i * k + j] = col[i];
        }
        double logdet = 0.0;
        for (int i = 0; i < k; ++i) logdet += std::log(L[i * k + i]);
        if (kind == MV_NORMAL) {
            lz = -logdet - LOG_SQRT_2PI * k;
        } else {
            df = p[k + k * k];
            lz = std::lgamma(0.5 * (df + k)) - std::lgamma(0.5 * df) -
                 0.5 * k * (std::log(df) + LOG_PI) - logdet;
        }
    }

    // log density at x; z: scratch of length k
    double logpdf(const double* x, double* z) const {
        if (kind == MV_INDEP) {
            double s = 0.0;
            for (int j = 0; j < k; ++j) {
                // Normal coordinates by a product with 1/scale: one rounding more in z than
                // dist.h's quotient, far below any Monte Carlo error, and no division
                if (d[j].kind == NORMAL) {
                    const double zj = (x[j] - d[j].a) * ib[j];
                    s += -0.5 * zj * zj + d[j].lz;
                } else {
                    s += logpdf1(d[j], x[j]);
                }
            }
            return s;
        }
        for (int i = 0; i < k; ++i) z[i] = x[i] - mean[i];
        double q = 0.0;
        for (int i = 0; i < k; ++i) {
            double v = 0.0;
            for (int j = 0; j <= i; ++j) v += Linv[i * k + j] * z[j];
            q += v * v;
        }
        if (kind == MV_NORMAL) return -0.5 * q + lz;
        return lz - 0.5 * (df + k) * std::log1p(q / df);
    }

    // Log densities of nb points at once: X[i * nb + j] is coordinate i of point j (by
    // coordinate, so that every loop runs over contiguous draws and vectorises); tmp: nb.
    // The same arithmetic as logpdf, term by term.
    void logpdf_batch(const double* X, std::ptrdiff_t nb, double* out, double* tmp) const {
        for (std::ptrdiff_t j = 0; j < nb; ++j) out[j] = 0.0;
        if (kind == MV_INDEP) {
            for (int i = 0; i < k; ++i) {
                const double* x = X + i * nb;
                if (d[i].kind == NORMAL) {
                    const double a = d[i].a, b = ib[i], c = d[i].lz;
                    for (std::ptrdiff_t j = 0; j < nb; ++j) {
                        const double zj = (x[j] - a) * b;
                        out[j] += -0.5 * zj * zj + c;
                    }
                } else {
                    for (std::ptrdiff_t j = 0; j < nb; ++j) out[j] += logpdf1(d[i], x[j]);
                }
            }
            return;
        }
        for (int i = 0; i < k; ++i) {  // out += (row i of L^-1 (x - mean))^2
            for (std::ptrdiff_t j = 0; j < nb; ++j) tmp[j] = 0.0;
            for (int p = 0; p <= i; ++p) {
                const double c = Linv[i * k + p], mu = mean[p];
                const double* x = X + p * nb;
                for (std::ptrdiff_t j = 0; j < nb; ++j) tmp[j] += c * (x[j] - mu);
            }
            for (std::ptrdiff_t j = 0; j < nb; ++j) out[j] += tmp[j] * tmp[j];
        }
        if (kind == MV_NORMAL) {
            for (std::ptrdiff_t j = 0; j < nb; ++j) out[j] = -0.5 * out[j] + lz;
        } else {
            const double h = 0.5 * (df + k);
            for (std::ptrdiff_t j = 0; j < nb; ++j) out[j] = lz - h * std::log1p(out[j] / df);
        }
    }

    template <class Rng>
    void sample(Rng& g, double* x, double* z) const {
        if (kind == MV_INDEP) {
            for (int j = 0; j < k; ++j) x[j] = sample1(g, d[j]);
            return;
        }
        for (int i = 0; i < k; ++i) z[i] = g.normal();
        double s = 1.0;
        if (kind == MV_T) s = std::sqrt(df / (2.0 * g.gamma(0.5 * df)));  // chi2(df) = 2 Gamma
        for (int i = 0; i < k; ++i) {
            double v = 0.0;
            for (int p = 0; p <= i; ++p) v += L[i * k + p] * z[p];
            x[i] = mean[i] + s * v;
        }
    }

    static double logpdf1(const dist1& d, double x) { return fdv::logpdf(d, x); }

    template <class Rng>
    static double sample1(Rng& g, const dist1& d) {
        switch (d.kind) {
            case NORMAL:
                return d.a + d.b * g.normal();
            case LAPLACE:
                return d.a + d.b * g.laplace();
            case LOGISTIC:
                return d.a + d.b * g.logistic();
            case CAUCHY:
                return d.a + d.b * g.cauchy();
            case STUDENT_T:
                return d.a + d.b * g.t(d.c);
            case UNIFORM:
                return d.a + (d.b - d.a) * g.uniform();
            case BETA:
                return g.beta(d.a, d.b);
            case GAMMA:
                return d.b * g.gamma(d.a);
            case EXPONENTIAL:
                return d.b * g.exponential();
        }
        return nan;
    }
};

// A finite mixture of components of one dimension k.
struct mvmix {
    int k = 1;
    std::vector<mvcomp> comp;
    std::vector<double> logw, cumw;        // cumulative weights for sampling
    mutable std::vector<double> scratch_;  // per-component log densities (one thread per mvmix)

    bool full_support() const {
        for (const auto& c : comp)
            if (!c.full_support) return false;
        return true;
    }

    // log sum_c exp(v[c * stride]) over m terms; terms below e^-40 of the largest move the sum
    // by under 2^-57 each and are skipped, which also spares libm's slow underflow path
    // (far-apart components, the GAN ring's in particular) and, where one term is left, the log
    static double lse(const double* v, std::ptrdiff_t m, std::ptrdiff_t stride) {
        double top = -inf;
        std::ptrdiff_t it = 0;
        for (std::ptrdiff_t c = 0; c < m; ++c)
            if (v[c * stride] > top) top = v[c * stride], it = c;
        if (top == -inf || top == inf) return top;
        double s = 0.0;
        for (std::ptrdiff_t c = 0; c < m; ++c) {
            const double e = v[c * stride] - top;
            if (c != it && e > -40.0) s += std::exp(e);
        }
        return s == 0.0 ? top : top + std::log1p(s);
    }

    double logpdf(const double* x, double* z) const {
        const size_t m = comp.size();
        if (m == 1) return logw[0] + comp[0].logpdf(x, z);
        double buf[16];
        double* v = m <= 16 ? buf : (scratch_.resize(m), scratch_.data());
        for (size_t i = 0; i < m; ++i) v[i] = logw[i] + comp[i].logpdf(x, z);
        return lse(v, std::ptrdiff_t(m), 1);
    }

    // Log densities of nb points stored by coordinate (mvcomp::logpdf_batch); work: (m + 1) nb
    // doubles for m components.  lse: the vector log-sum-exp (simd::find_lse) or null for
    // the scalar one of logpdf.
    using lse_fn = void (*)(const double*, std::ptrdiff_t, std::ptrdiff_t, std::ptrdiff_t, double*);
    void logpdf_batch(const double* X, std::ptrdiff_t nb, double* out, double* work,
                      lse_fn lse) const {
        const std::ptrdiff_t m = std::ptrdiff_t(comp.size());
        double* tmp = work + m * nb;
        if (m == 1) {
            comp[0].logpdf_batch(X, nb, out, tmp);
            for (std::ptrdiff_t j = 0; j < nb; ++j) out[j] += logw[0];
            return;
        }
        for (std::ptrdiff_t c = 0; c < m; ++c) {
            double* v = work + c * nb;
            comp[size_t(c)].logpdf_batch(X, nb, v, tmp);
            for (std::ptrdiff_t j = 0; j < nb; ++j) v[j] += logw[size_t(c)];
        }
        if (lse) {
            lse(work, m, nb, nb, out);
            return;
        }
        for (std::ptrdiff_t j = 0; j < nb; ++j) out[j] = mvmix::lse(work + j, m, nb);  // logpdf's
    }

    template <class Rng>
    void sample(Rng& g, double* x, double* z) const {
        size_t i = 0;
        if (comp.size() > 1) {
            double u = g.uniform() * cumw.back();
            while (i + 1 < comp.size() && u >= cumw[i]) ++i;
        }
        comp[i].sample(g, x, z);
    }
};

// Accumulators of one block: Welford mean and M2, the counts of infinite terms, importance
// weights, and the largest |y - 0| for the tail diagnostic.
struct block_stats {
    double n = 0, mean = 0, m2 = 0;
    double pos_inf = 0, neg_inf = 0, nan_count = 0;
    double sw = 0, sw2 = 0;      // sum of weights and of their squares (importance sampling)
    double lo = inf, hi = -inf;  // the extreme finite terms
    std::vector<double> top;     // up to `keep` largest |y|, unordered
    double cn = 0, c0 = 0, cs = 0, cq = 0;  // the open chunk: count, shift, sums

    void flush() {
        if (cn == 0) return;
        const double cm = cs / cn, cm2 = std::max(0.0, cq - cs * cm);
        combine(cn, c0 + cm, cm2);
        cn = cs = cq = 0;
    }

    void combine(double on, double omean, double om2) {
        if (on == 0) return;
        double nn = n + on, d = omean - mean;
        mean += d * (on / nn);
        m2 += om2 + d * d * (n * on / nn);
        n = nn;
    }

    void add(double y, double w, size_t keep) {
        if (is_nan(y)) {
            nan_count += 1;
            return;
        }
        if (y == inf) {
            pos_inf += 1;
            return;
        }
        if (y == -inf) {
            neg_inf += 1;
            return;
        }
        // shifted sums over chunks of 256 terms (shift: the chunk's first term), folded into
        // (n, mean, m2) by Chan's formula: Welford's accuracy without a division per term
        if (cn == 0) c0 = y;
        const double d = y - c0;
        cn += 1, cs += d, cq += d * d;
        if (cn == 256) flush();
        lo = std::min(lo, y), hi = std::max(hi, y);
        sw += w, sw2 += w * w;
        double a = std::fabs(y);
        if (top.size() < keep) {
            top.push_back(a);
            if (top.size() == keep) std::make_heap(top.begin(), top.end(), std::greater<>());
        } else if (keep > 0 && a > top.front()) {  // min-heap of the largest
            std::pop_heap(top.begin(), top.end(), std::greater<>());
            top.back() = a;
            std::push_heap(top.begin(), top.end(), std::greater<>());
        }
    }

    // add() for nb terms (weights w, or all 1 where w is null).  The common case, every term
    // finite, runs as one chunk-sized pass with four interleaved partial sums; a batch with
    // a non-finite term goes through add() term by term.
    void add_batch(const double* y, const double* w, std::ptrdiff_t nb, size_t keep) {
        bool finite = nb <= 256;
        for (std::ptrdiff_t j = 0; j < nb; ++j) finite &= std::fabs(y[j]) < inf;
        if (!finite) {
            for (std::ptrdiff_t j = 0; j < nb; ++j) add(y[j], w ? w[j] : 1.0, keep);
            return;
        }
        flush();
        const double c = y[0];
        double s[4] = {0, 0, 0, 0}, q[4] = {0, 0, 0, 0};
        double mn[4] = {inf, inf, inf, inf}, mx[4] = {-inf, -inf, -inf, -inf};
        std::ptrdiff_t j = 0;
        for (; j + 4 <= nb; j += 4)
            for (int l = 0; l < 4; ++l) {
                const double v = y[j + l], dv = v - c;
                s[l] += dv, q[l] += dv * dv;
                mn[l] = std::min(mn[l], v), mx[l] = std::max(mx[l], v);
            }
        for (int l = 0; j < nb; ++j, ++l) {
            const double v = y[j], dv = v - c;
            s[l] += dv, q[l] += dv * dv;
            mn[l] = std::min(mn[l], v), mx[l] = std::max(mx[l], v);
        }
        cn = double(nb), c0 = c;
        cs = (s[0] + s[1]) + (s[2] + s[3]), cq = (q[0] + q[1]) + (q[2] + q[3]);
        flush();
        lo = std::min({lo, mn[0], mn[1], mn[2], mn[3]});
        hi = std::max({hi, mx[0], mx[1], mx[2], mx[3]});
        if (w) {
            for (std::ptrdiff_t i = 0; i < nb; ++i) sw += w[i], sw2 += w[i] * w[i];
        } else {
            sw += double(nb), sw2 += double(nb);
        }
        if (keep == 0) return;
        std::ptrdiff_t i = 0;
        for (; i < nb && top.size() < keep; ++i) {
            top.push_back(std::fabs(y[i]));
            if (top.size() == keep) std::make_heap(top.begin(), top.end(), std::greater<>());
        }
        if (i == nb) return;
        double thr = top.front();  // min-heap of the largest
        for (; i < nb; ++i) {
            const double a = std::fabs(y[i]);
            if (a > thr) {
                std::pop_heap(top.begin(), top.end(), std::greater<>());
                top.back() = a;
                std::push_heap(top.begin(), top.end(), std::greater<>());
                thr = top.front();
            }
        }
    }

    // the largest single term's share of the sum of squared deviations: O(log^2 n / n) for
    // a finite variance, O(1) when one draw dominates an infinite one
    double max_share() const {
        if (!(n > 1) || !(m2 > 0.0)) return 0.0;
        double d = std::max(std::fabs(hi - mean), std::fabs(lo - mean));
        return std::min(1.0, d * d / m2);
    }

    // Chan et al.'s pairwise combination; called in block order (after each block's
    // flush()), hence deterministic.
    void merge(const block_stats& o, size_t keep) {
        combine(o.n, o.mean, o.m2);
        lo = std::min(lo, o.lo), hi = std::max(hi, o.hi);
        pos_inf += o.pos_inf, neg_inf += o.neg_inf, nan_count += o.nan_count;
        sw += o.sw, sw2 += o.sw2;
        top.insert(top.end(), o.top.begin(), o.top.end());
        if (top.size() > keep) {
            std::nth_element(top.begin(), top.begin() + keep, top.end(), std::greater<>());
            top.resize(keep);
        }
    }
};

// The Pareto shape k of the tail of |y| (PSIS's diagnostic, Vehtari et al. 2015/2024): a
// generalised Pareto distribution is fitted to the exceedances of the largest |y| over the
// next one by Zhang & Stephens' (2009) empirical-Bayes estimator, with PSIS's weakly
// informative prior (k shrunk towards 1/2 with weight 10).  k = 1/alpha for a power-law tail
// |y|^-alpha: k >= 1/2 means an infinite variance, and above 0.7 the standard error is not
// to be trusted; exponential-type tails give k near 0 (Hill's estimator, which assumes a pure
// power law, reads those as heavy at small n).  0 where there are too few distinct values.
FDIV_INLINE double pareto_k(std::vector<double> top) {
    std::sort(top.begin(), top.end());  // ascending
    while (!top.empty() && !(top.front() > 0.0)) top.erase(top.begin());
    if (top.size() < 9) return 0.0;
    const double u = top.front();
    std::vector<double> x;
    for (size_t i = 1; i < top.size(); ++i)
        if (top[i] > u) x.push_back(top[i] - u);
    const size_t n = x.size();
    if (n < 8 || !(x.back() > 0.0)) return 0.0;
    const int m = 30 + int(std::sqrt(double(n)));
    std::vector<double> b(m), l(m);
    const double xq = x[size_t(double(n) / 4.0 + 0.5) - 1];
    for (int j = 0; j < m; ++j) {
        b[j] = (1.0 - std::sqrt(m / (j + 0.5))) / (3.0 * xq) + 1.0 / x.back();
        double kj = 0.0;
        for (double xi : x) kj += std::log1p(-b[j] * xi);
        kj /= double(n);
        l[j] = double(n) * (std::log(-b[j] / kj) - kj - 1.0);
    }
    double bpost = 0.0, wsum = 0.0;
    for (int j = 0; j < m; ++j) {
        double s = 0.0;  // w_j = 1 / sum_i exp(l_i - l_j)
        for (int i = 0; i < m; ++i) s += std::exp(l[i] - l[j]);
        double w = 1.0 / s;
        if (!(w >= 1e-15) || !(std::fabs(b[j]) < inf)) continue;
        bpost += w * b[j], wsum += w;
    }
    if (!(wsum > 0.0)) return 0.0;
    bpost /= wsum;
    double k = 0.0;
    for (double xi : x) k += std::log1p(-bpost * xi);
    k /= double(n);
    k = (double(n) * k + 10.0 * 0.5) / (double(n) + 10.0);
    return std::fabs(k) < inf ? k : 0.0;
}

}  // namespace mc
}  // namespace fdv
