// The single place with `#pragma omp`: a chunked parallel-for over [0, n).
// Small calls run serially (one OpenMP region costs about 1 us here, and 2 threads pay from
// about 8K elements).  Elementwise work is split into disjoint ranges, so results are
// bitwise identical for any thread count.
#pragma once

#include <cstddef>

namespace fdv {

// 0 means "OpenMP's current default" (omp_get_max_threads(), which follows OMP_NUM_THREADS
// and threadpoolctl's limits).
void set_num_threads(int n);
int get_num_threads();
int max_threads();  // what a parallel region would use now

constexpr std::ptrdiff_t kParallelMin = 16384;

template <class Fn>
void parallel_for(std::ptrdiff_t n, Fn&& fn) {
    int nt = n >= kParallelMin ? max_threads() : 1;
    if (nt <= 1) {
        fn(std::ptrdiff_t(0), n);
        return;
    }
    std::ptrdiff_t chunk = (n + nt - 1) / nt;
#pragma omp parallel for num_threads(nt) schedule(static, 1)
    for (int k = 0; k < nt; ++k) {
        std::ptrdiff_t lo = k * chunk;
        std::ptrdiff_t hi = lo + chunk < n ? lo + chunk : n;
        if (lo < hi) fn(lo, hi);
    }
}

// Items of uneven cost (one quadrature each): dynamic scheduling, parallel from 2 items.
template <class Fn>
void parallel_items(std::ptrdiff_t n, Fn&& fn) {
    int nt = n >= 2 ? max_threads() : 1;
    if (nt <= 1) {
        for (std::ptrdiff_t i = 0; i < n; ++i) fn(i);
        return;
    }
#pragma omp parallel for num_threads(nt) schedule(dynamic, 4)
    for (std::ptrdiff_t i = 0; i < n; ++i) fn(i);
}

}  // namespace fdv
