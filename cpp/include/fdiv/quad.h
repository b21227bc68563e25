// Adaptive Gauss-Kronrod (G7-K15) quadrature of D_f(P||Q) = int q f(p/q) dx between two
// one-dimensional mixtures (MATH.md §0, §7).
//
// The integrand is the perspective q f(p/q) taken from the log densities: e^{lq} f(e^{lp-lq})
// where p <= q and e^{lp} f_dual(e^{lq-lp}) where p > q (f_dual(w) = w f(1/w)), so the ratio
// never overflows; where q = 0 < p it is p f'(inf) and where p = 0 < q it is q f(0+), so the
// MATH.md §0 terms for mass where one density vanishes come out of the same integral (a
// support violation with an infinite price gives +inf).  Infinite ranges are mapped to (0, 1)
// by x = c +- w t/(1 - t).  The error estimate is QUADPACK's |K15 - G7| per interval plus a
// rounding floor, summed: a conservative estimate for smooth integrands, not a proof.
#pragma once

#include <algorithm>
#include <vector>

#include "dist.h"

namespace fdv {

struct divergence_fn {
    double (*f_logu)(double r, double c);
    double (*dual_f_logu)(double r, double c);
    double param, dual_param;
    double f0, df_inf;
    bool kinked;  // f not C^1 at u = 1 (total variation): split at the crossings p = q
};

FDIV_INLINE double perspective_log(const divergence_fn& F, double lp, double lq) {
    if (lp == -inf && lq == -inf) return 0.0;
    // p > 0 = q (or q > 0 = p): the price of that mass, +inf if f'(inf) (f(0+)) is, even
    // where e^{lp} itself underflows
    if (lq == -inf)
        return F.df_inf == inf ? inf : (F.df_inf == 0.0 ? 0.0 : std::exp(lp) * F.df_inf);
    if (lp == -inf) return F.f0 == inf ? inf : (F.f0 == 0.0 ? 0.0 : std::exp(lq) * F.f0);
    double r, c, scale;
    double (*fl)(double, double);
    if (lp <= lq) {
        r = lp - lq, c = F.param, scale = lq, fl = F.f_logu;
    } else {
        r = lq - lp, c = F.dual_param, scale = lp, fl = F.dual_f_logu;
    }
    double v = fl(r, c);
    if (v == 0.0) return 0.0;
    if (std::fabs(v) == inf) {
        // f(e^r) overflowed (r <= 0 here) although q f(p/q) may be finite, e^{scale} being
        // tiny: continue log f(e^r) linearly in r from the last r (halving towards 0) where f
        // is finite; the asymptotic power law f(u) ~ u^-k makes that exact far out.
        double ra = r;
        for (int i = 0; i < 64 && !(std::fabs(fl(ra, c)) < inf); ++i) ra *= 0.5;
        double va = fl(ra, c), v0 = fl(ra + 1.0, c);
        if (!(va > 0.0 && v0 > 0.0 && va < inf)) return v;
        double lv = std::log(va) + (std::log(va) - std::log(v0)) * (ra - r);
        return std::exp(scale + lv);
    }
    if (scale > -700.0 && scale < 700.0) return std::exp(scale) * v;
    // e^{scale} v where e^{scale} alone would under/overflow (far tails)
    double e = std::exp(scale + std::log(std::fabs(v)));
    return v > 0.0 ? e : -e;
}

struct quad_result {
    double value, error;
    bool converged;
};

namespace detail {

constexpr double XGK[8] = {0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                           0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                           0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                           0.207784955007898467600689403773245, 0.0};
constexpr double WGK[8] = {
    0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
constexpr double WG[4] = {0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                          0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

// piece kinds: 0 finite [a, b] in x; +1: x = a + w t/(1-t) on t in [ta, tb]; -1: x = a - ...
struct piece {
    int kind;
    double a, w, lo, hi;  // lo, hi: the integration variable's interval
    double value, error;
    bool operator<(const piece& o) const { return error < o.error; }
};

template <class H>
bool gk15(H& h, piece& p, double& absval) {
    double c = 0.5 * (p.lo + p.hi), half = 0.5 * (p.hi - p.lo);
    auto eval = [&](double t) {
        if (p.kind == 0) return h(t);
        double s = 1.0 - t;
        double x = p.kind > 0 ? p.a + p.w * t / s : p.a - p.w * t / s;
        if (!(std::fabs(x) < inf)) return 0.0;  // both densities vanish at +-inf
        double v = h(x);
        return v == 0.0 ? 0.0 : v * (p.w / (s * s));
    };
    double fc = eval(c);
    double k = fc * WGK[7], g = fc * WG[3], ab = std::fabs(fc) * WGK[7];
    for (int j = 0; j < 7; ++j) {
        double d = half * XGK[j];
        double f1 = eval(c - d), f2 = eval(c + d);
        k += WGK[j] * (f1 + f2);
        ab += WGK[j] * (std::fabs(f1) + std::fabs(f2));
        if (j % 2 == 1) g += WG[j / 2] * (f1 + f2);
    }
    p.value = k * half;
    p.error = std::fabs((k - g) * half);
    absval = ab * std::fabs(half);
    return std::fabs(p.value) < inf && !is_nan(p.value);
}

}  // namespace detail

// D_f(P||Q) for mixtures P, Q: rtol, atol on the total; at most `limit` subdivisions.
FDIV_INLINE quad_result quad_divergence(const divergence_fn& F, const mixture& P, const mixture& Q,
                                        double rtol, double atol, int limit) {
    auto h = [&](double x) { return perspective_log(F, P.logpdf(x), Q.logpdf(x)); };
    double plo, phi, qlo, qhi;
    P.support(plo, phi);
    Q.support(qlo, qhi);
    double lo = std::min(plo, qlo), hi = std::max(phi, qhi);
    // breakpoints: component centres and +-3, +-8 widths, and every finite support end
    std::vector<double> pts;
    double wmax = 0.0;
    for (const mixture* M : {&P, &Q})
        for (int i = 0; i < M->k; ++i) {
            double m, w, a, b;
            center_width(M->comp[i], m, w);
            support(M->comp[i], a, b);
            wmax = std::max(wmax, w);
            for (double s : {0.0, -3.0, 3.0, -8.0, 8.0}) pts.push_back(m + s * w);
            if (std::fabs(a) < inf) pts.push_back(a);
            if (std::fabs(b) < inf) pts.push_back(b);
        }
    std::vector<double> cut;
    for (double x : pts)
        if (x >= lo && x <= hi && std::fabs(x) < inf) cut.push_back(x);
    std::sort(cut.begin(), cut.end());
    cut.erase(std::unique(cut.begin(), cut.end()), cut.end());
    if (F.kinked && cut.size() >= 2) {
        // f has a kink at u = 1 (total variation): add the crossings p = q, found by
        // bisection on sign changes of log p - log q over a scan of the core region
        const int m = 256;
        double a0 = cut.front(), b0 = cut.back();
        auto g = [&](double x) { return P.logpdf(x) - Q.logpdf(x); };
        double xa = a0, ga = g(xa);
        std::vector<double> roots;
        for (int i = 1; i <= m; ++i) {
            double xb = a0 + (b0 - a0) * i / m, gb = g(xb);
            if (std::fabs(ga) < inf && std::fabs(gb) < inf && (ga < 0.0) != (gb < 0.0)) {
                double lo2 = xa, hi2 = xb, glo = ga;
                for (int it = 0; it < 80; ++it) {
                    double mid = 0.5 * (lo2 + hi2), gm = g(mid);
                    if ((gm < 0.0) == (glo < 0.0))
                        lo2 = mid, glo = gm;
                    else
                        hi2 = mid;
                }
                roots.push_back(0.5 * (lo2 + hi2));
            }
            xa = xb, ga = gb;
        }
        cut.insert(cut.end(), roots.begin(), roots.end());
        std::sort(cut.begin(), cut.end());
        cut.erase(std::unique(cut.begin(), cut.end()), cut.end());
    }
    std::vector<detail::piece> heap;
    if (lo == -inf) heap.push_back({-1, cut.front(), wmax, 0.0, 1.0, 0.0, 0.0});
    for (size_t i = 0; i + 1 < cut.size(); ++i)
        if (cut[i + 1] > cut[i]) heap.push_back({0, 0.0, 0.0, cut[i], cut[i + 1], 0.0, 0.0});
    if (hi == inf) heap.push_back({1, cut.back(), wmax, 0.0, 1.0, 0.0, 0.0});
    double total = 0.0, err = 0.0, absint = 0.0;
    for (auto& p : heap) {
        double ab;
        if (!detail::gk15(h, p, ab)) return {p.value, 0.0, true};  // +-inf (or NaN)
        total += p.value, err += p.error, absint += ab;
    }
    std::make_heap(heap.begin(), heap.end());
    int n = 0;
    auto floor_err = [&] { return 50.0 * 2.22e-16 * absint; };
    while (err + floor_err() > std::max(atol, rtol * std::fabs(total)) && n < limit) {
        std::pop_heap(heap.begin(), heap.end());
        detail::piece p = heap.back();
        heap.pop_back();
        double mid = 0.5 * (p.lo + p.hi);
        if (!(mid > p.lo && mid < p.hi)) {  // cannot split further
            heap.push_back(p);
            std::push_heap(heap.begin(), heap.end());
            break;
        }
        detail::piece a = p, b = p;
        a.hi = mid, b.lo = mid;
        double ab1, ab2;
        bool ok = detail::gk15(h, a, ab1) && detail::gk15(h, b, ab2);
        if (!ok) return {a.value + b.value, 0.0, true};
        total += a.value + b.value - p.value;
        err += a.error + b.error - p.error;
        heap.push_back(a);
        std::push_heap(heap.begin(), heap.end());
        heap.push_back(b);
        std::push_heap(heap.begin(), heap.end());
        ++n;
    }
    // re-sum to shed the running-sum rounding
    total = 0.0, err = 0.0;
    for (const auto& p : heap) total += p.value, err += p.error;
    double e = err + floor_err();
    bool converged = e <= std::max(atol, rtol * std::fabs(total));
    if (!converged) {
        // A non-integrable singularity at a finite end of the support (e.g. (p-q)^2/p ~ 1/x
        // at x = 0) defeats the subdivision.  Walk towards the end geometrically,
        // x_k = end + L 2^-k: the pieces int_{x_k+1}^{x_k} h ~ h(x_k) L 2^-k-1 shrink
        // geometrically for an integrable end and stay level (or grow) for 1/x-like ones.
        for (int side = 0; side < 2; ++side) {
            double end = side == 0 ? lo : hi, dir = side == 0 ? 1.0 : -1.0;
            if (!(std::fabs(end) < inf) || cut.size() < 2) continue;
            double len = std::fabs((side == 0 ? cut[1] : cut[cut.size() - 2]) - end);
            if (!(len > 0.0)) continue;
            std::vector<double> lg;
            double sign = 0.0;
            bool mixed = false;
            for (int k = 4; k < 1100; ++k) {
                double x = end + dir * std::ldexp(len, -k);
                if (x == end) break;
                double v = h(x);
                if (v == 0.0 || !(std::fabs(v) < inf)) break;
                double sg = v > 0.0 ? 1.0 : -1.0;
                if (sign != 0.0 && sg != sign) mixed = true;
                sign = sg;
                lg.push_back(std::log2(std::fabs(v)) - k);
            }
            const size_t m = lg.size();
            if (mixed || m < 24) continue;
            // least-squares slope of log2|piece| over the last 20 steps
            double sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (size_t j = m - 20; j < m; ++j) {
                double x = double(j), y = lg[j];
                sx += x, sy += y, sxx += x * x, sxy += x * y;
            }
            double slope = (20.0 * sxy - sx * sy) / (20.0 * sxx - sx * sx);
            if (slope > -0.02) return {sign * inf, 0.0, true};
        }
    }
    return {total, e, converged};
}

}  // namespace fdv
