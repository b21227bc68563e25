// Adaptive Gauss-Kronrod (G10-K21) quadrature of D_f(P||Q) = int q f(p/q) dx between two
// one-dimensional mixtures (MATH.md §0, §7).
//
// The integrand is the perspective q f(p/q) taken from the log densities: e^{lq} f(e^{lp-lq})
// where p <= q and e^{lp} f_dual(e^{lq-lp}) where p > q (f_dual(w) = w f(1/w)), so the ratio
// never overflows; where q = 0 < p it is p f'(inf) and where p = 0 < q it is q f(0+), so the
// MATH.md §0 terms for mass where one density vanishes come out of the same integral (a
// support violation with an infinite price gives +inf).  Infinite ranges are mapped to (0, 1)
// by x = c +- w t/(1 - t).  The error estimate is QUADPACK's (scaled |K21 - G10|) per interval plus
// a rounding floor, summed: a conservative estimate for smooth integrands, not a proof.
#pragma once

#include <algorithm>
#include <vector>

#include "dist.h"

namespace fdv {

struct divergence_fn {
    double (*f_logu)(double r, double c);
    double (*dual_f_logu)(double r, double c);
    double (*df_logu)(double r, double c);       // f'(e^r)
    double (*dual_df_logu)(double r, double c);  // f_dual'(e^r)
    double param, dual_param;
    double f0, df_inf;
    bool kinked;  // f not C^1 at u = 1 (total variation): split at the crossings p = q
    // optional q f(p/q) straight from (log p, log q), both finite, where the divergence has a
    // cheaper exact form than the generic one (kl: p (log p - log q)); it also writes
    // d/d(log p) of the value to *dlp and, where p and pq are not null, p and p - q
    double (*persp_log)(double lp, double lq, double* dlp, double* p, double* pq) = nullptr;
    // f'(1): the integrand is q f(p/q) - f'(1) (p - q), which integrates to the same D_f for
    // probability densities (MATH.md §0 mass terms included) but is >= 0 (f convex) and has
    // no first-order term in log p - log q: no cancellation between signs, and the rounding
    // of the log densities (their normalising constants' in particular) enters squared
    double df1 = 0.0;
};

// e^r - 1 for r <= 0: expm1 near 0, where it matters; below -1/2, e^r - 1 loses under 2 bits
// and is several times cheaper than glibc's expm1
FDIV_INLINE double expm1_neg(double r) { return r < -0.5 ? std::exp(r) - 1.0 : std::expm1(r); }

// e^{l} v without a spurious under/overflow of e^{l} alone
FDIV_INLINE double exp_times(double l, double v) {
    if (v == 0.0 || l == -inf) return 0.0;
    if (l > -700.0 && l < 700.0) return std::exp(l) * v;
    double e = std::exp(l + std::log(std::fabs(v)));
    return v > 0.0 ? e : -e;
}

// q f(p/q) from l_p = log p, l_q = log q.  With `sens` it also gives the size of the value's
// sensitivity to the rounding of the log densities (in units of an ulp): they carry an
// absolute error of about an ulp of their magnitude, which near P = Q (where q f(p/q) is
// second order in l_p - l_q but its slope is not) dominates the quadrature error.
FDIV_INLINE double perspective_log(const divergence_fn& F, double lp, double lq,
                                   double* sens = nullptr) {
    double h, A;  // q f(p/q) and dh/dl_p (before the f'(1) term)
    const double k1 = F.df1;
    if (lp == -inf && lq == -inf) {
        if (sens) *sens = 0.0;
        return 0.0;
    }
    if (lq == -inf || lp == -inf) {
        // p > 0 = q (or q > 0 = p): the price of that mass, p (f'(inf) - f'(1)) (or
        // q (f(0) + f'(1))), +inf if f'(inf) (f(0+)) is, even where e^{lp} itself underflows
        const double price = lq == -inf ? F.df_inf - k1 : F.f0 + k1;
        const double l = lq == -inf ? lp : lq;
        h = price == inf ? inf : (price == 0.0 ? 0.0 : std::exp(l) * price);
        if (sens) *sens = std::fabs(h) < inf ? std::fabs(h) * (std::fabs(l) + 4.0) : 0.0;
        return h;
    }
    double p = 0.0, pq = 0.0;  // p and p - q, for the f'(1) term
    bool have_pq = false;
    if (F.persp_log) {
        have_pq = k1 != 0.0;
        h = F.persp_log(lp, lq, &A, have_pq ? &p : nullptr, have_pq ? &pq : nullptr);
    } else {
        const bool direct = lp <= lq;
        const double r = direct ? lp - lq : lq - lp, c = direct ? F.param : F.dual_param;
        const double scale = direct ? lq : lp;
        double (*fl)(double, double) = direct ? F.f_logu : F.dual_f_logu;
        double v = fl(r, c);
        // e^{scale}: q on the direct side, p on the dual one; with expm1(r) it also gives
        // p - q without a second exponential
        const bool tame = scale > -700.0 && scale < 700.0;
        const double es = tame ? std::exp(scale) : 0.0;
        if (v == 0.0) {
            h = 0.0;
        } else if (std::fabs(v) == inf) {
            // f(e^r) overflowed (r <= 0 here) although q f(p/q) may be finite, e^{scale}
            // being tiny: continue log f(e^r) linearly in r from the last r (halving towards
            // 0) where f is finite; the asymptotic power law f(u) ~ u^-k makes that exact far
            // out.
            double ra = r;
            for (int i = 0; i < 64 && !(std::fabs(fl(ra, c)) < inf); ++i) ra *= 0.5;
            double va = fl(ra, c), v0 = fl(ra + 1.0, c);
            if (!(va > 0.0 && v0 > 0.0 && va < inf)) {
                h = v;
            } else {
                double lv = std::log(va) + (std::log(va) - std::log(v0)) * (ra - r);
                h = std::exp(scale + lv);
            }
        } else {
            h = tame ? es * v : exp_times(scale, v);
        }
        if (k1 != 0.0 && std::fabs(h) < inf) {
            const double em = expm1_neg(r);
            if (tame) {
                // direct: q = es, p - q = q expm1(r); dual: p = es, p - q = -p expm1(r')
                pq = direct ? es * em : -(es * em);
                p = direct ? es + pq : es;
            } else {
                pq = direct ? exp_times(lq, em) : -exp_times(lp, em);
                p = exp_times(lp, 1.0);
            }
            have_pq = true;
        }
        if (sens) {
            // dh/dl_p = p f'(p/q) on the direct side; on the dual side dh/dl_q = q f_dual'(q/p)
            double d = direct ? F.df_logu(r, c) : F.dual_df_logu(r, c);
            double g = std::fabs(d) < inf ? exp_times(direct ? lp : lq, d) : h;
            A = direct ? g : h - g;
        }
    }
    double t = h;
    if (k1 != 0.0 && have_pq && std::fabs(h) < inf) {
        t = h - k1 * pq;
    } else {
        p = pq = 0.0;
    }
    if (sens) {
        // t = q g(p/q) is 1-homogeneous in (p, q): dt/dl_p = A - f'(1) p =: a and
        // dt/dl_q = t - a.  Each log density carries an absolute rounding of about an ulp of
        // its magnitude, also where the two agree to the bit (they may round to one value for
        // distinct distributions; identical ones never get here: quad_batch answers 0 for
        // them); the difference h - f'(1)(p - q) rounds too.
        double a = A - k1 * p;
        double at = std::fabs(a);
        if (F.kinked && std::fabs(lp - lq) < 1e-6) {
            // at the kink (u = 1) the slope is one-sided: the rounding of r may cross it
            double pp = exp_times(lp, 1.0);
            at = std::max({at, pp * std::fabs(F.df_logu(-1e-6, F.param)),
                           pp * std::fabs(F.df_logu(1e-6, F.param))});
        }
        double s = at * std::fabs(lp) + std::max(std::fabs(t - a), at) * std::fabs(lq) +
                   4.0 * (std::fabs(h) + std::fabs(k1 * pq));
        *sens = std::fabs(s) < inf ? s : 0.0;
    }
    return t;
}

struct quad_result {
    double value, error;
    bool converged;
};

namespace detail {

// The G10-K21 pair (QUADPACK dqk21): Kronrod nodes from the end towards 0 (the last is the
// centre), Kronrod weights alike, and the Gauss weights of the odd-indexed nodes.
struct gk21_rule {
    static constexpr int N = 11;
    static constexpr double XGK[11] = {0.995657163025808080735527280689003,
                                       0.973906528517171720077964012084452,
                                       0.930157491355708226001207180059508,
                                       0.865063366688984510732096688423493,
                                       0.780817726586416897063717578345042,
                                       0.679409568299024406234327365114874,
                                       0.562757134668604683339000099272694,
                                       0.433395394129247190799265943165784,
                                       0.294392862701460198131126603103866,
                                       0.148874338981631210884826001129720,
                                       0.0};
    static constexpr double WGK[11] = {
        0.011694638867371874278064396062192, 0.032558162307964727478818972459390,
        0.054755896574351996031381300244580, 0.075039674810919952767043140916190,
        0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
        0.123491976262065851077208745109711, 0.134709217311473325928054001771707,
        0.142775938577060080797094273138717, 0.147739104901338491374841515972068,
        0.149445554002916905664936468389821};
    static constexpr double WG[5] = {
        0.066671344308688137593568809893332, 0.149451349150580593145776339657697,
        0.219086362515982043995534934228163, 0.269266719309996355091226921569469,
        0.295524224714752870173892994651338};
    static constexpr double WG_CENTRE = 0.0;
};

// The G7-K15 pair (QUADPACK dqk15), for the mapped infinite pieces, whose integrands (the
// tails) are small and smooth.
struct gk15_rule {
    static constexpr int N = 8;
    static constexpr double XGK[8] = {
        0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
        0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
        0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
        0.207784955007898467600689403773245, 0.0};
    static constexpr double WGK[8] = {
        0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
        0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
        0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
        0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
    static constexpr double WG[4] = {0.129484966168869693270611432679082,
                                     0.279705391489276667901467771423780,
                                     0.381830050505118944950369775488975, 0.0};
    static constexpr double WG_CENTRE = 0.417959183673469387755102040816327;
};

// piece kinds: 0 finite [a, b] in x; +1: x = a + w t/(1-t) on t in [ta, tb]; -1: x = a - ...
struct piece {
    int kind;
    double a, w, lo, hi;  // lo, hi: the integration variable's interval
    double value, error;
    double fixed = 0.0;  // the part of the error that subdivision cannot reduce (rounding)
    bool operator<(const piece& o) const { return error < o.error; }
};

template <class R, class H>
bool gk(H& h, piece& p) {
    constexpr int N = R::N;  // nodes per half, centre included
    double c = 0.5 * (p.lo + p.hi), half = 0.5 * (p.hi - p.lo);
    double rnd = 0.0;  // K-weighted sum of the rounding sensitivities
    // a node of a piece a few ulps wide may round onto its end, where a density may vanish
    // (the end of the support): the integral never sees that point
    const double tin = p.kind == 0 ? std::nextafter(p.lo, inf) : 0.0;
    const double tout = p.kind == 0 ? std::nextafter(p.hi, -inf) : 0.0;
    auto eval = [&](double t, double wk) {
        double sens = 0.0, v;
        if (p.kind == 0) {
            t = std::min(std::max(t, tin), tout);
            v = h(t, &sens);
        } else {
            double s = 1.0 - t;
            double x = p.kind > 0 ? p.a + p.w * t / s : p.a - p.w * t / s;
            if (!(std::fabs(x) < inf)) return 0.0;  // both densities vanish at +-inf
            v = h(x, &sens);
            if (v != 0.0) {
                double jac = p.w / (s * s);
                v *= jac, sens *= jac;
            }
        }
        rnd += wk * sens;
        return v;
    };
    double fv[2 * N - 1];
    fv[N - 1] = eval(c, R::WGK[N - 1]);
    double k = fv[N - 1] * R::WGK[N - 1], g = fv[N - 1] * R::WG_CENTRE;
    double ab = std::fabs(fv[N - 1]) * R::WGK[N - 1];
    for (int j = 0; j < N - 1; ++j) {
        double d = half * R::XGK[j];
        double f1 = eval(c - d, R::WGK[j]), f2 = eval(c + d, R::WGK[j]);
        fv[j] = f1, fv[2 * N - 2 - j] = f2;
        k += R::WGK[j] * (f1 + f2);
        ab += R::WGK[j] * (std::fabs(f1) + std::fabs(f2));
        if (j % 2 == 1) g += R::WG[j / 2] * (f1 + f2);
    }
    // QUADPACK's error estimate: |K - G| scaled by the integrand's variation
    // resasc = int |f - mean f|, err = resasc min(1, (200 |K - G| / resasc)^1.5).  The raw
    // |K - G| estimates the error of the Gauss rule, not of Kronrod's, and overstates it by
    // orders of magnitude on smooth pieces; the 3/2 power is QUADPACK's calibration.
    double mean = 0.5 * k, asc = R::WGK[N - 1] * std::fabs(fv[N - 1] - mean);
    for (int j = 0; j < N - 1; ++j)
        asc += R::WGK[j] * (std::fabs(fv[j] - mean) + std::fabs(fv[2 * N - 2 - j] - mean));
    double hh = std::fabs(half), e = std::fabs((k - g) * half);
    asc *= hh;
    // On the mapped infinite pieces the calibration fails (measured: a right tail of an
    // alpha(3) integrand estimated 2e-13 against a true 1e-11): there the raw |K - G| stays.
    if (asc != 0.0 && e != 0.0 && p.kind == 0) {
        double t = std::min(1.0, 200.0 * e / asc);
        e = asc * t * std::sqrt(t);
    }
    p.value = k * half;
    p.error = e;
    // rounding floor: 50 ulp of int |h| (the sum of the weighted values), plus an ulp of each
    // log density's magnitude carried through the sensitivity
    p.fixed = (50.0 * ab + rnd) * hh * 2.220446049250313e-16;
    return std::fabs(p.value) < inf && !is_nan(p.value);
}

// Each kind of piece with its rule.
template <class H>
bool gk_piece(H& h, piece& p) {
    return p.kind == 0 ? gk<gk21_rule>(h, p) : gk<gk15_rule>(h, p);
}

}  // namespace detail

namespace detail {

// The least-squares slope of the last 20 values of lg (log2 of the pieces of a geometric walk
// towards an end): about 0 or above for a non-integrable end, negative for an integrable one.
inline double tail_slope(const std::vector<double>& lg) {
    const size_t m = lg.size();
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t j = m - 20; j < m; ++j) {
        double x = double(j), y = lg[j];
        sx += x, sy += y, sxx += x * x, sxy += x * y;
    }
    return (20.0 * sxy - sx * sy) / (20.0 * sxx - sx * sx);
}

// One adaptive integration of F's integrand; *floor_bound: it missed the tolerance because of
// the rounding floor, not the subdivision.
FDIV_INLINE quad_result quad_once(const divergence_fn& F, const mixture& P, const mixture& Q,
                                  double rtol, double atol, int limit, bool* floor_bound) {
    *floor_bound = false;
    auto h = [&](double x, double* sens) {
        return perspective_log(F, P.logpdf(x), Q.logpdf(x), sens);
    };
    double plo, phi, qlo, qhi;
    P.support(plo, phi);
    Q.support(qlo, qhi);
    double lo = std::min(plo, qlo), hi = std::max(phi, qhi);
    // breakpoints: component centres (Laplace's kink) and +-4.5 widths, and every finite support
    // end; with G10-K21 that resolves a Gaussian-like piece to ~1e-13 without a split
    thread_local std::vector<double> pts;  // per-thread buffers: no allocation per call
    pts.clear();
    double wmax = 0.0;
    for (const mixture* M : {&P, &Q})
        for (int i = 0; i < M->k; ++i) {
            double m, w, a, b;
            center_width(M->comp[i], m, w);
            support(M->comp[i], a, b);
            wmax = std::max(wmax, w);
            for (double s : {-4.5, 0.0, 4.5}) pts.push_back(m + s * w);
            if (std::fabs(a) < inf) pts.push_back(a);
            if (std::fabs(b) < inf) pts.push_back(b);
        }
    thread_local std::vector<double> cut;
    cut.clear();
    for (double x : pts)
        if (x >= lo && x <= hi && std::fabs(x) < inf) cut.push_back(x);
    std::sort(cut.begin(), cut.end());
    cut.erase(std::unique(cut.begin(), cut.end()), cut.end());
    if (F.kinked && cut.size() >= 2) {
        // f has a kink at u = 1 (total variation): add the crossings p = q, found by
        // bisection on sign changes of log p - log q over a scan of the centres +- 40 widths
        // (beyond, both densities are below e^-800 of their peaks and a kink there is
        // invisible), clipped to the support
        const int m = 1024;
        double a0 = std::max(lo, cut.front() - 36.0 * wmax);
        double b0 = std::min(hi, cut.back() + 36.0 * wmax);
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
    thread_local std::vector<detail::piece> heap;
    heap.clear();
    if (lo == -inf) heap.push_back({-1, cut.front(), wmax, 0.0, 1.0, 0.0, 0.0});
    for (size_t i = 0; i + 1 < cut.size(); ++i)
        if (cut[i + 1] > cut[i]) heap.push_back({0, 0.0, 0.0, cut[i], cut[i + 1], 0.0, 0.0});
    if (hi == inf) heap.push_back({1, cut.back(), wmax, 0.0, 1.0, 0.0, 0.0});
    double total = 0.0, err = 0.0, fixed = 0.0;
    for (auto& p : heap) {
        if (!detail::gk_piece(h, p)) return {p.value, 0.0, true};  // +-inf (or NaN)
        total += p.value, err += p.error, fixed += p.fixed;
    }
    std::make_heap(heap.begin(), heap.end());
    int n = 0;
    // Subdivide the worst piece while the total misses the tolerance and the reducible part
    // of the error still matters against the rounding floor (which no split can lower).
    while (err + fixed > std::max(atol, rtol * std::fabs(total)) && err > 0.25 * fixed &&
           n < limit) {
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
        bool ok = detail::gk_piece(h, a) && detail::gk_piece(h, b);
        if (!ok) return {a.value + b.value, 0.0, true};
        total += a.value + b.value - p.value;
        err += a.error + b.error - p.error;
        fixed += a.fixed + b.fixed - p.fixed;
        heap.push_back(a);
        std::push_heap(heap.begin(), heap.end());
        heap.push_back(b);
        std::push_heap(heap.begin(), heap.end());
        ++n;
    }
    // re-sum to shed the running-sum rounding
    total = 0.0, err = 0.0, fixed = 0.0;
    for (const auto& p : heap) total += p.value, err += p.error, fixed += p.fixed;
    double e = err + fixed;
    bool converged = e <= std::max(atol, rtol * std::fabs(total));
    // has the subdivision crowded into a finite end (down to pieces 2^-30 of the first)?
    auto deep_at = [&](double end, double len) {
        for (const auto& p : heap)
            if (p.kind == 0 && (p.lo == end || p.hi == end) && p.hi - p.lo < std::ldexp(len, -30))
                return true;
        return false;
    };
    {
        // A non-integrable singularity at a finite end of the support (e.g. (p-q)^2/p ~ 1/x
        // at x = 0) defeats the subdivision: it either misses the tolerance or, bisecting
        // until the doubles run out next to the end, "converges" on a huge finite number.
        // Walk towards the end geometrically, x_k = end + L 2^-k: the pieces
        // int_{x_k+1}^{x_k} h ~ h(x_k) L 2^-k-1 shrink geometrically for an integrable end
        // and stay level (or grow) for 1/x-like ones.
        for (int side = 0; side < 2; ++side) {
            double end = side == 0 ? lo : hi, dir = side == 0 ? 1.0 : -1.0;
            if (!(std::fabs(end) < inf) || cut.size() < 2) continue;
            double len = std::fabs((side == 0 ? cut[1] : cut[cut.size() - 2]) - end);
            if (!(len > 0.0)) continue;
            if (converged && !deep_at(end, len)) continue;
            len = std::ldexp(1.0, std::ilogb(len));  // a power of 2: end +- len 2^-k is exact
            std::vector<double> lg;
            double sign = 0.0;
            bool mixed = false;
            for (int k = 4; k < 1100; ++k) {
                double x = end + dir * std::ldexp(len, -k);
                // only while x - end is exact: past that, x's rounding, not h, sets the slope
                if (x == end || std::fabs(x - end) != std::ldexp(len, -k)) break;
                double v = h(x, nullptr);
                if (v == 0.0 || !(std::fabs(v) < inf)) break;
                double sg = v > 0.0 ? 1.0 : -1.0;
                if (sign != 0.0 && sg != sign) mixed = true;
                sign = sg;
                lg.push_back(std::log2(std::fabs(v)) - k);
            }
            const size_t m = lg.size();
            if (mixed || m < 24) continue;
            const double slope = detail::tail_slope(lg);
            if (slope > -1e-3) return {sign * inf, 0.0, true};  // b >= 0.999: taken as 1/x
            // Integrable, h ~ C |x - end|^-b with b = 1 + slope < 1, but too slowly for the
            // subdivision: the innermost piece [end, end + w] holds the mass
            // int_0^w C x^-b dx = h(end + w) w / (1 - b), and the rule's relative error on it
            // is that of x^-b on [0, 1] (scale invariance), known exactly: add twice their
            // product (the estimate |K - G| of that piece is not a bound there).
            const double b = 1.0 + slope;
            detail::piece unit{0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0};
            auto power = [b](double x, double* sens) {
                if (sens) *sens = 0.0;
                return std::pow(x, -b);
            };
            detail::gk<detail::gk21_rule>(power, unit);
            const double rel = std::fabs(unit.value * (1.0 - b) - 1.0);
            for (const auto& p : heap) {
                if (p.kind != 0 || (side == 0 ? p.lo != end : p.hi != end)) continue;
                double w = p.hi - p.lo, hw = h(end + dir * w, nullptr);
                if (std::fabs(hw) < inf) e += 2.0 * rel * std::fabs(hw) * w / (1.0 - b);
            }
        }
        converged = e <= std::max(atol, rtol * std::fabs(total));
    }
    if (!converged) {
        // The same at an infinite end: pieces int_{x_k}^{x_k+1} h ~ h(x_k) x_k over
        // x_k = c +- w 2^k shrink geometrically for an integrable tail and stay level for one
        // that is not (chi^2 between exponentials whose rates are too far apart: h -> const).
        for (int side = 0; side < 2; ++side) {
            double end = side == 0 ? lo : hi, dir = side == 0 ? -1.0 : 1.0;
            if (std::fabs(end) < inf || cut.empty()) continue;
            const double c = side == 0 ? cut.front() : cut.back(), w = std::max(wmax, 1e-300);
            std::vector<double> lg;
            double sign = 0.0;
            bool mixed = false;
            // up to 2^44 widths out: beyond, the log densities (~ -x or -x^2) lose the
            // digits that tell p from q, and their rounding, not the tail, would set h
            for (int k = 0; k < 44; ++k) {
                double x = c + dir * std::ldexp(w, k);
                if (!(std::fabs(x) < inf)) break;
                double v = h(x, nullptr);
                // past DBL_MAX within 2^44 widths: the integral overflows, if it exists
                if (std::fabs(v) == inf) return {v, 0.0, true};
                if (v == 0.0 || is_nan(v)) break;
                double sg = v > 0.0 ? 1.0 : -1.0;
                if (sign != 0.0 && sg != sign) mixed = true;
                sign = sg;
                lg.push_back(std::log2(std::fabs(v)) + k);
            }
            const size_t m = lg.size();
            if (mixed || m < 24) continue;
            const double slope = detail::tail_slope(lg);
            if (slope > -1e-3) return {sign * inf, 0.0, true};
        }
    }
    *floor_bound = !converged && fixed > 0.5 * std::max(atol, rtol * std::fabs(total));
    return {total, e, converged};
}

}  // namespace detail

// D_f(P||Q) for mixtures P, Q: rtol, atol on the total; at most `limit` subdivisions.
FDIV_INLINE quad_result quad_divergence(const divergence_fn& F0, const mixture& P, const mixture& Q,
                                        double rtol, double atol, int limit) {
    // First q f(p/q) itself.  Where its rounding floor (the log densities' rounding times the
    // slope f'(p/q), which near P = Q is ~ f'(1) p, not small) keeps it from the tolerance,
    // again with the f'(1) term -- only where the supports agree: with mass where one
    // density vanishes its prices f'(inf) - f'(1) and f(0) + f'(1) would round, where
    // f'(inf) + f(0) alone is exact.
    divergence_fn F = F0;
    F.df1 = 0.0;
    bool floor_bound;
    quad_result r = detail::quad_once(F, P, Q, rtol, atol, limit, &floor_bound);
    if (!floor_bound || F0.df1 == 0.0) return r;
    double a, b, c, d;
    P.support(a, b);
    Q.support(c, d);
    if (a != c || b != d) return r;
    return detail::quad_once(F0, P, Q, rtol, atol, limit, &floor_bound);
}

}  // namespace fdv
