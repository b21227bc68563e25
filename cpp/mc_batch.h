// Batched Monte Carlo estimates of D_f(P||Q): plain C++ entry point for the bindings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace fdv {

// A batch of distributions of one layout: m components of dimension k; component kinds
// (m,) from mc::mv_kind, coordinate kinds (m, k) for independent products, and per item the
// concatenated component parameters (n, plen) and log weights (n, m).
struct mc_layout {
    int m, k, plen;
    const int32_t* comp_kind;
    const int32_t* dim_kind;
    const double* params;
    const double* logw;
};

enum mc_mode : int {
    MC_FROM_Q = 0,     // x ~ Q, y = f(p/q)
    MC_FROM_P = 1,     // x ~ P, y = f_dual(q/p) = f(p/q) q/p
    MC_PROPOSAL = 2,   // x ~ R, y = q f(p/q) / r
    MC_MASS_OF_P = 3,  // x ~ P, y = f'(inf) [q(x) = 0]
    MC_MASS_OF_Q = 4,  // x ~ Q, y = f(0) [p(x) = 0]
    MC_BALANCED = 5,   // x ~ M = (P + Q)/2, y = q f(p/q) / m (defensive importance sampling)
};

struct mc_output {
    double* value;   // mean of y (or +-inf)
    double* stderr;  // standard error of the mean
    double* ess;     // effective sample size
    double* xi;      // Pareto k of the tail of |y| (PSIS; > 0.7: the variance is not to be trusted)
    double* count;   // samples used
    double* share;   // the largest term's share of the sum of squared deviations
};

// n samples per item, in blocks of `block` samples, block b of item i drawing from the
// counter-based stream (key, i, b).  R may be null unless mode == MC_PROPOSAL.  False if
// `name` is not a catalogue id.
bool mc_batch(const std::string& name, const double* param, std::ptrdiff_t items,
              const mc_layout& P, const mc_layout& Q, const mc_layout* R, int mode, std::int64_t n,
              std::int64_t block, std::uint64_t key, const mc_output& out);

// The same in pieces (a progress bar, Ctrl-C, or blocks spread over Dask workers): the
// accumulators of blocks [b0, b1) of every item, as rows of MC_NSTAT doubles (items, b1 - b0,
// MC_NSTAT) plus the kept tail values (items, b1 - b0, mc_keep(n)); mc_reduce merges an
// item's blocks in block order exactly as mc_batch does, so the result is the same to the bit.
constexpr int MC_NSTAT = 10;
size_t mc_keep(std::int64_t n);
bool mc_blocks(const std::string& name, const double* param, std::ptrdiff_t items,
               const mc_layout& P, const mc_layout& Q, const mc_layout* R, int mode, std::int64_t n,
               std::int64_t block, std::uint64_t key, std::int64_t b0, std::int64_t b1,
               double* stats, double* tails);
// stats, tails: (items, nb, ...) with the item's blocks in order
void mc_reduce(std::ptrdiff_t items, std::int64_t nb, std::int64_t n, int mode, const double* stats,
               const double* tails, const mc_output& out);

// whether every component of item 0 of a layout has all of R^k as support
bool mc_full_support(const mc_layout& D);

// log densities of item i's distribution at the rows of x (n, k)
void mc_logpdf(const mc_layout& D, std::ptrdiff_t items, const double* x, std::ptrdiff_t n,
               double* out);

// n samples of one item's distribution into x (n, k), from the stream (key, stream, block)
void mc_sample(const mc_layout& D, std::ptrdiff_t item, std::int64_t stream, std::int64_t block,
               std::uint64_t key, std::int64_t n, double* x);

// Philox4x32-10 words of counters c0 .. c0 + n - 1 (out: 4 n words), by the vector generator
// (vector = true; the scalar one where Highway is absent) or Random123's scalar one.
void mc_philox_words(std::uint64_t c0, std::uint32_t w2, std::uint32_t w3, std::uint32_t k0,
                     std::uint32_t k1, std::size_t n, bool vector, std::uint32_t* out);

}  // namespace fdv
