#include "quad_batch.h"

#include <algorithm>
#include <map>
#include <vector>

#include "fdiv/catalogue.h"
#include "fdiv/closed.h"
#include "fdiv/mvn.h"
#include "fdiv/quad.h"
#include "parallel.h"

namespace fdv {

namespace {

// q f(p/q) = p (log p - log q) for kl, q (log q - log p) for reverse_kl, with p and p - q from
// one exp and one expm1 (of the smaller log density, so that nothing overflows needlessly)
void kl_parts(double lp, double lq, double& p, double& pq) {
    if (lp <= lq) {
        const double q = exp_mul(lq, 1.0);
        pq = q * expm1_neg(lp - lq), p = q + pq;
    } else {
        p = exp_mul(lp, 1.0), pq = -(p * expm1_neg(lq - lp));
    }
}
// (p and p - q only where asked for: without the f'(1) term one exp is enough)
double kl_persp(double lp, double lq, double* dlp, double* p, double* pq) {
    double pv;
    if (pq)
        kl_parts(lp, lq, pv, *pq), *p = pv;
    else
        pv = exp_mul(lp, 1.0);
    *dlp = pv * (lp - lq) + pv;
    return pv * (lp - lq);
}
double reverse_kl_persp(double lp, double lq, double* dlp, double* p, double* pq) {
    double q;
    if (pq) {
        kl_parts(lp, lq, *p, *pq);
        q = *p - *pq;
    } else {
        q = exp_mul(lq, 1.0);
    }
    *dlp = -q;
    return q * (lq - lp);
}

template <class D>
double fl1(double r, double) {
    return D::f_logu(r);
}
template <class D>
double fl2(double r, double c) {
    return D::f_logu(r, c);
}
template <class D>
double dfl1(double r, double) {
    return D::df_logu(r);
}
template <class D>
double dfl2(double r, double c) {
    return D::df_logu(r, c);
}
template <class D>
double f1(double u, double) {
    return D::f(u);
}
template <class D>
double f2(double u, double c) {
    return D::f(u, c);
}
template <class D>
double df1(double u, double) {
    return D::df(u);
}
template <class D>
double df2(double u, double c) {
    return D::df(u, c);
}

struct entry {
    double (*f_logu)(double, double);
    double (*dual_f_logu)(double, double);
    double (*df_logu)(double, double);
    double (*dual_df_logu)(double, double);
    double (*f)(double, double);
    double (*df)(double, double);
    bool parametric;
};

const std::map<std::string, entry>& table() {
    static const std::map<std::string, entry> t = {
#define FDIV_Q1(id, dual) \
    {#id, {&fl1<id>, &fl1<dual>, &dfl1<id>, &dfl1<dual>, &f1<id>, &df1<id>, false}},
        FDIV_CATALOGUE_1(FDIV_Q1)
#undef FDIV_Q1
#define FDIV_Q2(id) {#id, {&fl2<id>, &fl2<id>, &dfl2<id>, &dfl2<id>, &f2<id>, &df2<id>, true}},
            FDIV_CATALOGUE_2(FDIV_Q2)
#undef FDIV_Q2
    };
    return t;
}

// D_f is invariant under x -> (x - c)/s applied to P and Q: move the problem to unit scale
// (c: Q's first centre, s: the widest component) so that breakpoints, the infinite-range map
// and the log densities never overflow, whatever the parameters' magnitude.  Families without
// a location (Gamma, Exponential) allow only the scaling, Beta neither.
void standardise(std::vector<dist1>& pc, std::vector<dist1>& qc) {
    bool shift = true, scale = true;
    double s = 0.0, c, w;
    for (auto* v : {&pc, &qc})
        for (const dist1& d : *v) {
            if (d.kind == BETA) shift = scale = false;
            if (d.kind == GAMMA || d.kind == EXPONENTIAL) shift = false;
            double m;
            center_width(d, m, w);
            s = std::max(s, w);
        }
    center_width(qc[0], c, w);
    if (!shift) c = 0.0;
    if (!scale || !(s > 0.0 && s < inf)) s = 1.0;
    auto loc = [&](double x) {
        double d = x - c;
        return std::fabs(d) < inf ? d / s : x / s - c / s;
    };
    for (auto* v : {&pc, &qc})
        for (dist1& d : *v) switch (d.kind) {
                case NORMAL:
                case LAPLACE:
                case LOGISTIC:
                case CAUCHY:
                case STUDENT_T:
                    d.a = loc(d.a), d.b /= s;
                    break;
                case UNIFORM:
                    d.a = loc(d.a), d.b = loc(d.b);
                    break;
                case GAMMA:
                case EXPONENTIAL:
                    d.b /= s;
                    break;
                default:
                    break;
            }
}

}  // namespace

bool make_divergence(const std::string& name, double param, divergence_fn& F) {
    auto it = table().find(name);
    if (it == table().end()) return false;
    const entry& e = it->second;
    double c = e.parametric ? param : 0.0;
    F = divergence_fn{e.f_logu,
                      e.dual_f_logu,
                      e.df_logu,
                      e.dual_df_logu,
                      c,
                      1.0 - c,
                      e.f(0.0, c),
                      e.df(inf, c),
                      name == "total_variation",
                      name == "kl"           ? &kl_persp
                      : name == "reverse_kl" ? &reverse_kl_persp
                                             : nullptr};
    // f'(1) (0 for the kink of total variation, whose subgradient at 1 contains 0)
    F.df1 = F.kinked ? 0.0 : e.df(1.0, c);
    return true;
}

bool quad_batch(const std::string& name, const double* param, std::ptrdiff_t n,
                const mixture_batch& P, const mixture_batch& Q, double rtol, double atol, int limit,
                double* value, double* error, uint8_t* converged) {
    divergence_fn F0;
    if (!make_divergence(name, 0.0, F0)) return false;
    const bool parametric = table().at(name).parametric;
    parallel_items(n, [&](std::ptrdiff_t i) {
        divergence_fn F = F0;  // the name's lookup once; only a family parameter varies
        if (parametric) make_divergence(name, param[i], F);
        // per-thread buffers: no allocation per item (items cost microseconds)
        thread_local std::vector<dist1> pc, qc;
        pc.resize(size_t(P.k)), qc.resize(size_t(Q.k));
        for (int j = 0; j < P.k; ++j) {
            const double* a = P.params + (i * P.k + j) * 3;
            pc[j] = {P.kinds[j], a[0], a[1], a[2]};
        }
        for (int j = 0; j < Q.k; ++j) {
            const double* a = Q.params + (i * Q.k + j) * 3;
            qc[j] = {Q.kinds[j], a[0], a[1], a[2]};
        }
        // identical distributions: D = f(1) = 0 exactly (the rounding estimate of the log
        // densities would otherwise stand in the way of any relative tolerance)
        bool same = P.k == Q.k;
        for (int j = 0; same && j < P.k; ++j) {
            const dist1 &u = pc[j], &v = qc[j];
            same = u.kind == v.kind && u.a == v.a && u.b == v.b && u.c == v.c &&
                   P.logw[i * P.k + j] == Q.logw[i * Q.k + j];
        }
        if (same) {
            value[i] = 0.0, error[i] = 0.0, converged[i] = 1;
            return;
        }
        standardise(pc, qc);
        for (auto* v : {&pc, &qc})
            for (dist1& d : *v) {
                prepare(d);
                // a centre or width past the double range even after standardisation (a
                // Gamma whose mean k s overflows): no quadrature can place its pieces
                double m, w;
                center_width(d, m, w);
                if (!(std::fabs(m) < inf && w > 0.0 && w < inf)) {
                    value[i] = nan, error[i] = nan, converged[i] = 0;
                    return;
                }
            }
        mixture mp{P.k, pc.data(), P.logw + i * P.k};
        mixture mq{Q.k, qc.data(), Q.logw + i * Q.k};
        quad_result r = quad_divergence(F, mp, mq, rtol, atol, limit);
        value[i] = r.value;
        error[i] = r.error;
        converged[i] = r.converged ? 1 : 0;
    });
    return true;
}

bool normal_closed_batch(const std::string& name, const double* param, std::ptrdiff_t n,
                         const double* m1, const double* s1, const double* m2, const double* s2,
                         double* value) {
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        double a = m1[i], b = s1[i], c = m2[i], d = s2[i], v;
        if (name == "kl")
            v = normal::kl(a, b, c, d);
        else if (name == "reverse_kl")
            v = normal::kl(c, d, a, b);
        else if (name == "jeffreys")
            v = normal::kl(a, b, c, d) + normal::kl(c, d, a, b);
        else if (name == "squared_hellinger")
            v = 0.5 * normal::alpha(0.5, a, b, c, d);  // D_alpha(1/2) = 2 H^2
        else if (name == "alpha")
            v = normal::alpha(param[i], a, b, c, d);
        else if (name == "pearson")
            v = 2.0 * normal::alpha(2.0, a, b, c, d);  // D_alpha(2) = chi^2 / 2
        else if (name == "neyman")
            v = 2.0 * normal::alpha(-1.0, a, b, c, d);
        else if (name == "total_variation")
            v = normal::tv(a, b, c, d);
        else
            return false;
        value[i] = v;
    }
    return true;
}

bool mvn_closed_batch(const std::string& name, const double* param, std::ptrdiff_t n, int k,
                      const double* m1, const double* L1, const double* m2, const double* L2,
                      double* value) {
    static const char* names[] = {"kl",    "reverse_kl", "jeffreys", "squared_hellinger",
                                  "alpha", "pearson",    "neyman"};
    int which = -1;
    for (int j = 0; j < 7; ++j)
        if (name == names[j]) which = j;
    if (which < 0) return false;
    const std::ptrdiff_t kk = std::ptrdiff_t(k) * k;
    // D_alpha = expm1(log c_alpha) / (a (a - 1)); +-inf where c_alpha is infinite
    auto alpha_div = [&](double a, std::ptrdiff_t i) {
        double lc = mvn::log_chernoff(a, k, m1 + i * k, L1 + i * kk, m2 + i * k, L2 + i * kk);
        if (lc == inf) return a * (a - 1.0) > 0.0 ? inf : -inf;
        return std::expm1(lc) / (a * (a - 1.0));
    };
    parallel_items(n, [&](std::ptrdiff_t i) {
        const double *a1 = m1 + i * k, *b1 = L1 + i * kk, *a2 = m2 + i * k, *b2 = L2 + i * kk;
        double v;
        switch (which) {
            case 0:
                v = mvn::kl(k, a1, b1, a2, b2);
                break;
            case 1:
                v = mvn::kl(k, a2, b2, a1, b1);
                break;
            case 2:
                v = mvn::kl(k, a1, b1, a2, b2) + mvn::kl(k, a2, b2, a1, b1);
                break;
            case 3:
                v = 0.5 * alpha_div(0.5, i);  // D_alpha(1/2) = 2 H^2
                break;
            case 4:
                v = alpha_div(param[i], i);
                break;
            case 5:
                v = 2.0 * alpha_div(2.0, i);  // D_alpha(2) = chi^2 / 2
                break;
            default:
                v = 2.0 * alpha_div(-1.0, i);
        }
        value[i] = v;
    });
    return true;
}

bool poisson_sum_batch(const std::string& name, const double* param, std::ptrdiff_t n,
                       const double* m1, const double* m2, double* value, double* error) {
    divergence_fn F0;
    if (!make_divergence(name, 0.0, F0)) return false;
    parallel_items(n, [&](std::ptrdiff_t i) {
        divergence_fn F;
        make_divergence(name, param[i], F);
        const double a = m1[i], b = m2[i], la = std::log(a), lb = std::log(b);
        double s = 0.0, c = 0.0, fixed = 0.0;  // Neumaier sum; rounding estimate
        bool infinite = false;
        auto term = [&](double k) {
            const double lg = std::lgamma(k + 1.0);
            const double lp = (k == 0.0 ? 0.0 : k * la) - a - lg;
            const double lq = (k == 0.0 ? 0.0 : k * lb) - b - lg;
            double sens = 0.0;
            const double t = perspective_log(F, lp, lq, &sens);
            if (!(std::fabs(t) < inf)) {
                s = t, infinite = true;
                return t;
            }
            const double u = s + t;
            c += std::fabs(s) >= std::fabs(t) ? (s - u) + t : (t - u) + s;
            s = u;
            fixed += 4.0 * std::fabs(t) + sens;
            return t;
        };
        // q f(p/q) over k is unimodal-ish but its mode may lie far from both means (p^2/q
        // peaks at m1^2/m2): sum outwards from the smaller mean until, beyond both means and
        // 50 standard deviations, the terms fall and stay below 1e-22 of the sum
        const double mlo = std::min(a, b), mhi = std::max(a, b);
        const double top = mhi + 50.0 * std::sqrt(mhi) + 50.0;
        const double bottom = std::max(0.0, mlo - 50.0 * std::sqrt(mhi) - 50.0);
        const double k0 = std::floor(mlo);
        double prev = inf;
        for (double k = k0; !infinite; k += 1.0) {
            double t = std::fabs(term(k));
            if (k > top && t <= prev && t <= 1e-22 * std::fabs(s)) break;
            if (k > top && s == 0.0) break;
            if (k > 1e15) break;  // (never for finite divergences of finite means)
            prev = t;
        }
        prev = inf;
        for (double k = k0 - 1.0; k >= 0.0 && !infinite; k -= 1.0) {
            double t = std::fabs(term(k));
            if (k < bottom && t <= prev && t <= 1e-22 * std::fabs(s)) break;
            prev = t;
        }
        value[i] = infinite ? s : s + c;
        error[i] = infinite ? 0.0 : fixed * 2.220446049250313e-16;
    });
    return true;
}

void dist_eval(int which, int k, const int32_t* kinds, const double* params, const double* logw,
               const double* x, std::ptrdiff_t n, double* out) {
    parallel_for(n, [&](std::ptrdiff_t lo, std::ptrdiff_t hi) {
        std::vector<dist1> comp(k);
        const double* built = nullptr;  // the parameter row comp was prepared from
        for (std::ptrdiff_t i = lo; i < hi; ++i) {
            // a broadcast batch repeats its rows: prepare (logs, lgammas) only on a change
            const double* row = params + i * k * 3;
            if (!built || !std::equal(row, row + 3 * k, built)) {
                for (int j = 0; j < k; ++j)
                    comp[j] = make_dist(kinds[j], row[3 * j], row[3 * j + 1], row[3 * j + 2]);
                built = row;
            }
            mixture m{k, comp.data(), logw + i * k};
            out[i] = which == 0 ? m.logpdf(x[i]) : m.cdf(x[i]);
        }
    });
}

void mixture_logpdf(int k, const int32_t* kinds, const double* params, const double* logw,
                    const double* x, std::ptrdiff_t n, double* out) {
    std::vector<dist1> comp(k);
    for (int j = 0; j < k; ++j)
        comp[j] = make_dist(kinds[j], params[3 * j], params[3 * j + 1], params[3 * j + 2]);
    mixture m{k, comp.data(), logw};
    for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = m.logpdf(x[i]);
}

}  // namespace fdv
