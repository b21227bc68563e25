// Batched Monte Carlo: the fused loop (sample, two log densities, f in the log-ratio domain,
// running sums) over blocks of samples, each block with its own counter-based stream.
//
// Streams: Random123's Philox4x32-10 keyed by the 64-bit seed key, with the counter's upper
// words set to (block, item): any (item, block) pair owns an independent stream, so the
// result is the same whatever the number of threads and whatever order blocks run in.  The
// variates come from NumPy's own samplers (libnpyrandom: ziggurat normals, Marsaglia-Tsang
// gammas, ...) through the bitgen_t interface, which a custom bit generator may implement.
#include <Python.h>  // numpy/random/distributions.h needs it first
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <Random123/philox.h>
#include <numpy/random/distributions.h>

#include <cmath>
#include <vector>

#include "fdiv/mc.h"
#include "fdiv/quad.h"
#include "mc_batch.h"
#include "parallel.h"
#include "quad_batch.h"
#include "simd/dispatch.h"

namespace fdv {

namespace {

// A Philox4x32-10 stream behind NumPy's bitgen_t.  Counter j of stream (item, block) is
// (lo32(j), hi32(j), block, item); its words are produced kCounters at a time, by the vector
// generator of simd/mc-inl.h where there is one (word for word Random123's, which the
// scalar fallback runs and tests/test_mc.py compares against).
class philox_rng {
   public:
    philox_rng(std::uint64_t key, std::uint32_t item, std::uint32_t block)
        : k0_(std::uint32_t(key)), k1_(std::uint32_t(key >> 32)), block_(block), item_(item) {
        fill_ = simd::find_philox();
        bg_.state = this;
        bg_.next_uint64 = &next64;
        bg_.next_uint32 = &next32;
        bg_.next_double = &next_double;
        bg_.next_raw = &next64;
    }
    philox_rng(const philox_rng&) = delete;
    philox_rng& operator=(const philox_rng&) = delete;

    double normal() { return random_standard_normal(&bg_); }
    double uniform() { return random_standard_uniform(&bg_); }
    double exponential() { return random_standard_exponential(&bg_); }
    double gamma(double a) { return random_standard_gamma(&bg_, a); }
    double beta(double a, double b) { return random_beta(&bg_, a, b); }
    double t(double df) { return random_standard_t(&bg_, df); }
    double cauchy() { return random_standard_cauchy(&bg_); }
    double laplace() { return random_laplace(&bg_, 0.0, 1.0); }
    double logistic() { return random_logistic(&bg_, 0.0, 1.0); }

    // Words of counters c0 .. c0 + n - 1, Random123's scalar Philox (the reference).
    static void scalar_fill(std::uint64_t c0, std::uint32_t w2, std::uint32_t w3, std::uint32_t k0,
                            std::uint32_t k1, std::size_t n, std::uint32_t* out) {
        r123::Philox4x32 gen;
        const r123::Philox4x32::key_type key = {{k0, k1}};
        for (std::size_t j = 0; j < n; ++j) {
            const std::uint64_t c = c0 + j;
            const r123::Philox4x32::ctr_type ctr = {
                {std::uint32_t(c), std::uint32_t(c >> 32), w2, w3}};
            const auto o = gen(ctr, key);
            for (int r = 0; r < 4; ++r) out[4 * j + size_t(r)] = o.v[r];
        }
    }

   private:
    static constexpr std::size_t kCounters = 64;
    std::uint32_t k0_, k1_, block_, item_;
    simd::philox_fn fill_;
    std::uint64_t next_ctr_ = 0;
    std::size_t used_ = 4 * kCounters;
    std::uint32_t words_[4 * kCounters];
    bitgen_t bg_;

    std::uint32_t word() {
        if (used_ == 4 * kCounters) {
            (fill_ ? fill_ : &scalar_fill)(next_ctr_, block_, item_, k0_, k1_, kCounters, words_);
            next_ctr_ += kCounters;
            used_ = 0;
        }
        return words_[used_++];
    }
    static std::uint64_t next64(void* s) {
        auto* g = static_cast<philox_rng*>(s);
        std::uint64_t hi = g->word();
        return (hi << 32) | g->word();
    }
    static std::uint32_t next32(void* s) { return static_cast<philox_rng*>(s)->word(); }
    static double next_double(void* s) { return double(next64(s) >> 11) * 0x1.0p-53; }
};

void build(const mc_layout& L, std::ptrdiff_t item, mc::mvmix& out) {
    out.k = L.k;
    out.comp.resize(L.m);
    out.logw.resize(L.m);
    out.cumw.resize(L.m);
    const double* p = L.params + item * L.plen;
    double cum = 0.0;
    for (int j = 0; j < L.m; ++j) {
        out.comp[j].set(L.comp_kind[j], L.k, L.dim_kind + j * L.k, p);
        p += mc::param_len(L.comp_kind[j], L.k);
        out.logw[j] = L.logw[item * L.m + j];
        cum += std::exp(out.logw[j]);
        out.cumw[j] = cum;
    }
}

// The term of one sample (and its importance weight).
struct term {
    const divergence_fn& F;
    int mode;
    double operator()(double lp, double lq, double lr, double& w) const {
        w = 1.0;
        switch (mode) {
            case MC_FROM_Q:  // lq > -inf: x was drawn from Q
                return F.f_logu(lp - lq, F.param);
            case MC_FROM_P:
                if (lq == -inf) return F.df_inf;  // f_dual(0) = f'(inf)
                return F.dual_f_logu(lq - lp, F.dual_param);
            case MC_PROPOSAL:
            case MC_BALANCED:
                // q f(p/q) / r = h(p/r, q/r) (h is 1-homogeneous): MATH.md §0's mass terms
                // come out of h where one density vanishes
                w = std::exp(lq - lr);
                return perspective_log(F, lp - lr, lq - lr);
            case MC_MASS_OF_P:
                return lq == -inf ? F.df_inf : 0.0;
            default:
                return lp == -inf ? F.f0 : 0.0;
        }
    }
};

}  // namespace

bool mc_full_support(const mc_layout& D) {
    mc::mvmix m;
    build(D, 0, m);
    return m.full_support();
}

namespace {

// The tail sample kept per item: min(n/5, 3 sqrt(n), 256) largest |y| (Vehtari et al.)
size_t keep_for(std::int64_t n) {
    return size_t(
        std::max<double>(8.0, std::min({double(n) / 5.0, 3.0 * std::sqrt(double(n)), 256.0})));
}

// Block b of item i: the fused loop, over batches of kBatch draws: sample them (stored by
// coordinate), then each log density over the batch (vectorised), then the terms, then the
// accumulators.  Nothing here depends on the thread that runs the block.
constexpr std::int64_t kBatch = 256;

mc::block_stats run_block(const std::string& name, const double* param, std::ptrdiff_t i,
                          std::int64_t b, const mc_layout& P, const mc_layout& Q,
                          const mc_layout* R, int mode, std::int64_t n, std::int64_t block,
                          std::uint64_t key, size_t keep) {
    divergence_fn F;
    make_divergence(name, param[i], F);
    mc::mvmix mp, mq, mr;
    build(P, i, mp);
    build(Q, i, mq);
    if (mode == MC_PROPOSAL) build(*R, i, mr);
    const mc::mvmix& src = mode == MC_FROM_Q || mode == MC_MASS_OF_Q ? mq
                           : mode == MC_PROPOSAL                     ? mr
                                                                     : mp;
    const bool balanced = mode == MC_BALANCED, weighted = balanced || mode == MC_PROPOSAL;
    const mc::mvmix::lse_fn lse = simd::find_lse();
    philox_rng g(key, std::uint32_t(i), std::uint32_t(b));
    const int k = P.k;
    const size_t nw = size_t(std::max({mp.comp.size(), mq.comp.size(), mr.comp.size()}) + 1);
    // per-thread buffers: draws by coordinate, the log densities, terms, weights, work
    thread_local std::vector<double> buf;
    buf.resize(size_t(kBatch) * (size_t(k) + 6 + nw) + 2 * size_t(k));
    double* X = buf.data();
    double* lp = X + kBatch * k;
    double* lq = lp + kBatch;
    double* lr = lq + kBatch;
    double* y = lr + kBatch;
    double* w = y + kBatch;
    double* work = w + kBatch;
    double* x = work + kBatch * std::int64_t(nw);
    double* z = x + k;
    term T{F, mode};
    mc::block_stats s;
    const std::int64_t m = std::min(block, n - b * block);
    for (std::int64_t j0 = 0; j0 < m; j0 += kBatch) {
        const std::int64_t nb = std::min(kBatch, m - j0);
        for (std::int64_t j = 0; j < nb; ++j) {
            if (balanced)
                (g.uniform() < 0.5 ? mp : mq).sample(g, x, z);
            else
                src.sample(g, x, z);
            for (int c = 0; c < k; ++c) X[c * nb + j] = x[c];
        }
        mp.logpdf_batch(X, nb, lp, work, lse);
        mq.logpdf_batch(X, nb, lq, work, lse);
        if (mode == MC_PROPOSAL) {
            mr.logpdf_batch(X, nb, lr, work, lse);
        } else if (balanced) {  // log((p + q)/2)
            for (std::int64_t j = 0; j < nb; ++j) {
                double hi = std::max(lp[j], lq[j]), lo = std::min(lp[j], lq[j]);
                lr[j] = hi + std::log1p(std::exp(lo - hi)) - LN2_HI - LN2_LO;
            }
        }
        for (std::int64_t j = 0; j < nb; ++j)
            y[j] =
                (lp[j] == -inf && lq[j] == -inf) ? (w[j] = 0.0, 0.0) : T(lp[j], lq[j], lr[j], w[j]);
        s.add_batch(y, weighted ? w : nullptr, nb, keep);
    }
    s.flush();
    return s;
}

// Merges an item's blocks in block order and writes its outputs.
void finish(const mc::block_stats* blocks, std::int64_t nb, size_t keep, int mode, std::ptrdiff_t i,
            const mc_output& out) {
    mc::block_stats tot;
    for (std::int64_t b = 0; b < nb; ++b) tot.merge(blocks[b], keep);
    double v, se;
    if (tot.nan_count > 0 || (tot.pos_inf > 0 && tot.neg_inf > 0)) {
        v = nan, se = nan;
    } else if (tot.pos_inf > 0 || tot.neg_inf > 0) {
        // a support violation with an infinite price (MATH.md §0): D is infinite
        v = tot.pos_inf > 0 ? inf : -inf, se = 0.0;
    } else {
        // the mean over all n draws (zero terms included)
        v = tot.mean;
        se = tot.n > 1 ? std::sqrt(tot.m2 / (tot.n - 1.0) / tot.n) : inf;
    }
    out.value[i] = v;
    out.stderr[i] = se;
    out.ess[i] = (mode == MC_PROPOSAL || mode == MC_BALANCED) && tot.sw2 > 0.0
                     ? tot.sw * tot.sw / tot.sw2
                     : tot.n;
    out.xi[i] = mc::pareto_k(tot.top);
    out.count[i] = tot.n + tot.pos_inf + tot.neg_inf;
    out.share[i] = tot.max_share();
}

// block_stats <-> a row of MC_NSTAT doubles plus `keep` tail values (-1: unused)
void pack(const mc::block_stats& s, size_t keep, double* row, double* tail) {
    const double v[MC_NSTAT] = {s.n,         s.mean, s.m2,  s.pos_inf, s.neg_inf,
                                s.nan_count, s.sw,   s.sw2, s.lo,      s.hi};
    std::copy(v, v + MC_NSTAT, row);
    for (size_t j = 0; j < keep; ++j) tail[j] = j < s.top.size() ? s.top[j] : -1.0;
}

mc::block_stats unpack(const double* row, const double* tail, size_t keep) {
    mc::block_stats s;
    s.n = row[0], s.mean = row[1], s.m2 = row[2], s.pos_inf = row[3], s.neg_inf = row[4];
    s.nan_count = row[5], s.sw = row[6], s.sw2 = row[7], s.lo = row[8], s.hi = row[9];
    for (size_t j = 0; j < keep && tail[j] >= 0.0; ++j) s.top.push_back(tail[j]);
    return s;
}

}  // namespace

size_t mc_keep(std::int64_t n) { return keep_for(n); }

bool mc_batch(const std::string& name, const double* param, std::ptrdiff_t items,
              const mc_layout& P, const mc_layout& Q, const mc_layout* R, int mode, std::int64_t n,
              std::int64_t block, std::uint64_t key, const mc_output& out) {
    divergence_fn F0;
    if (!make_divergence(name, 0.0, F0)) return false;
    const std::int64_t nblocks = (n + block - 1) / block;
    const size_t keep = keep_for(n);
    // items in chunks so that the per-block accumulators stay O(threads x blocks), not O(n)
    const std::ptrdiff_t chunk = std::max<std::ptrdiff_t>(1, 65536 / nblocks);
    for (std::ptrdiff_t i0 = 0; i0 < items; i0 += chunk) {
        const std::ptrdiff_t i1 = std::min(items, i0 + chunk);
        std::vector<mc::block_stats> res(size_t((i1 - i0) * nblocks));
        parallel_items((i1 - i0) * nblocks, [&](std::ptrdiff_t t) {
            res[size_t(t)] = run_block(name, param, i0 + t / nblocks, t % nblocks, P, Q, R, mode, n,
                                       block, key, keep);
        });
        for (std::ptrdiff_t i = i0; i < i1; ++i)
            finish(res.data() + (i - i0) * nblocks, nblocks, keep, mode, i, out);
    }
    return true;
}

bool mc_blocks(const std::string& name, const double* param, std::ptrdiff_t items,
               const mc_layout& P, const mc_layout& Q, const mc_layout* R, int mode, std::int64_t n,
               std::int64_t block, std::uint64_t key, std::int64_t b0, std::int64_t b1,
               double* stats, double* tails) {
    divergence_fn F0;
    if (!make_divergence(name, 0.0, F0)) return false;
    const size_t keep = keep_for(n);
    const std::int64_t nb = b1 - b0;
    parallel_items(items * nb, [&](std::ptrdiff_t t) {
        mc::block_stats s =
            run_block(name, param, t / nb, b0 + t % nb, P, Q, R, mode, n, block, key, keep);
        pack(s, keep, stats + t * MC_NSTAT, tails + t * std::ptrdiff_t(keep));
    });
    return true;
}

void mc_reduce(std::ptrdiff_t items, std::int64_t nb, std::int64_t n, int mode, const double* stats,
               const double* tails, const mc_output& out) {
    const size_t keep = keep_for(n);
    for (std::ptrdiff_t i = 0; i < items; ++i) {
        std::vector<mc::block_stats> blocks(static_cast<size_t>(nb));
        for (std::int64_t b = 0; b < nb; ++b) {
            const std::ptrdiff_t t = i * nb + b;
            blocks[size_t(b)] =
                unpack(stats + t * MC_NSTAT, tails + t * std::ptrdiff_t(keep), keep);
        }
        finish(blocks.data(), nb, keep, mode, i, out);
    }
}

void mc_logpdf(const mc_layout& D, std::ptrdiff_t items, const double* x, std::ptrdiff_t n,
               double* out) {
    parallel_for(n, [&](std::ptrdiff_t lo, std::ptrdiff_t hi) {
        mc::mvmix m;
        std::ptrdiff_t built = -1;
        std::vector<double> z(D.k);
        for (std::ptrdiff_t r = lo; r < hi; ++r) {
            std::ptrdiff_t item = items == 1 ? 0 : r;
            if (item != built) build(D, item, m), built = item;
            out[r] = m.logpdf(x + r * D.k, z.data());
        }
    });
}

void mc_sample(const mc_layout& D, std::ptrdiff_t item, std::int64_t stream, std::int64_t block,
               std::uint64_t key, std::int64_t n, double* x) {
    mc::mvmix m;
    build(D, item, m);
    philox_rng g(key, std::uint32_t(stream), std::uint32_t(block));
    std::vector<double> z(D.k);
    for (std::int64_t j = 0; j < n; ++j) m.sample(g, x + j * D.k, z.data());
}

void mc_philox_words(std::uint64_t c0, std::uint32_t w2, std::uint32_t w3, std::uint32_t k0,
                     std::uint32_t k1, std::size_t n, bool vector, std::uint32_t* out) {
    simd::philox_fn f = vector ? simd::find_philox() : nullptr;
    (f ? f : &philox_rng::scalar_fill)(c0, w2, w3, k0, k1, n, out);
}

}  // namespace fdv
