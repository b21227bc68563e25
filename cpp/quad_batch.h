// Batched known-density divergences: one quadrature (or closed form) per batch item, in
// parallel.  Plain C++ entry points for the bindings; no Python.
#pragma once

#include <cstdint>
#include <string>

namespace fdv {

struct divergence_fn;

// The quadrature/Monte Carlo description of catalogue id `name` (family parameter `param`);
// false if `name` is not a catalogue id.
bool make_divergence(const std::string& name, double param, divergence_fn& F);

struct mixture_batch {
    int k;                 // components per item
    const int32_t* kinds;  // (k,)
    const double* params;  // (n, k, 3): a, b, c per component
    const double* logw;    // (n, k)
};

// false if `name` is not a catalogue id
bool quad_batch(const std::string& name, const double* param, std::ptrdiff_t n,
                const mixture_batch& P, const mixture_batch& Q, double rtol, double atol, int limit,
                double* value, double* error, uint8_t* converged);

// Normal-Normal closed forms: name in kl, reverse_kl, jeffreys, squared_hellinger, alpha,
// pearson, neyman, total_variation; false otherwise.
bool normal_closed_batch(const std::string& name, const double* param, std::ptrdiff_t n,
                         const double* m1, const double* s1, const double* m2, const double* s2,
                         double* value);

// Multivariate normal closed forms (MATH.md §7.2) from means (n, k) and lower Cholesky factors
// (n, k, k) of the covariances: the names of normal_closed_batch except total_variation.
bool mvn_closed_batch(const std::string& name, const double* param, std::ptrdiff_t n, int k,
                      const double* m1, const double* L1, const double* m2, const double* L2,
                      double* value);

// D_f(Poisson(m1) || Poisson(m2)) by summing q f(p/q) over every k with mass above e^-1000
// (compensated sum); error: the rounding estimate (the truncated tails are below it)
bool poisson_sum_batch(const std::string& name, const double* param, std::ptrdiff_t n,
                       const double* m1, const double* m2, double* value, double* error);

// batched 1-D mixtures at x (n,): which = 0 log density, 1 cdf (NaN where not available)
void dist_eval(int which, int k, const int32_t* kinds, const double* params, const double* logw,
               const double* x, std::ptrdiff_t n, double* out);

// log density of one mixture at n points
void mixture_logpdf(int k, const int32_t* kinds, const double* params, const double* logw,
                    const double* x, std::ptrdiff_t n, double* out);

}  // namespace fdv
