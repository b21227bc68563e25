// Vector helpers of the Monte Carlo loop (mc_batch.cpp): the log-sum-exp that combines a
// mixture's per-component log densities over a batch of draws, and the Philox generator.
// Conventions of common-inl.h.
#if defined(FDIV_SIMD_MC_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef FDIV_SIMD_MC_INL_H_
#undef FDIV_SIMD_MC_INL_H_
#else
#define FDIV_SIMD_MC_INL_H_
#endif

#include <cstdint>
#include <vector>

#include "simd/common-inl.h"

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {
namespace k {

// One vector of draws: out = log sum_c exp(v_c), v_c = v[c * stride].  Each term is
// exp(v_c - max) with the exponent clamped at -1000 (where Exp's result is 0 anyway), and the
// sum (>= 1) goes through Log: no cancellation.  A draw whose largest term is +-inf (every
// component -inf: outside the support) keeps that infinity.
HWY_INLINE void lse_block(const double* v, std::ptrdiff_t m, std::ptrdiff_t stride, double* out) {
    const D64 d;
    V64 top = hn::LoadU(d, v);
    for (std::ptrdiff_t c = 1; c < m; ++c) top = hn::Max(top, hn::LoadU(d, v + c * stride));
    const M64 finite = hn::And(hn::Gt(top, C(-inf)), hn::Lt(top, C(inf)));
    const V64 t = hn::IfThenElseZero(finite, top);
    V64 s = hn::Zero(d);
    for (std::ptrdiff_t c = 0; c < m; ++c) {
        const V64 e = hn::Max(hn::Sub(hn::LoadU(d, v + c * stride), t), C(-1000.0));
        s = hn::Add(s, hn::Exp(d, e));
    }
    hn::StoreU(hn::IfThenElse(finite, hn::Add(t, hn::Log(d, s)), top), d, out);
}

HWY_INLINE void lse(const double* v, std::ptrdiff_t m, std::ptrdiff_t stride, std::ptrdiff_t n,
                    double* out) {
    const std::ptrdiff_t N = static_cast<std::ptrdiff_t>(hn::Lanes(D64()));
    std::ptrdiff_t j = 0;
    for (; j + N <= n; j += N) lse_block(v + j, m, stride, out + j);
    if (j < n) {  // the tail through a padded copy, with the same vector code
        std::vector<double> pad(size_t(m * N), 0.0);
        for (std::ptrdiff_t c = 0; c < m; ++c)
            for (std::ptrdiff_t i = 0; j + i < n; ++i)
                pad[size_t(c * N + i)] = v[c * stride + j + i];
        HWY_ALIGN double res[kMaxLanes];
        lse_block(pad.data(), m, N, res);
        for (std::ptrdiff_t i = 0; j + i < n; ++i) out[j + i] = res[i];
    }
}

// Philox4x32-10 (Salmon et al. 2011), word for word Random123's philox4x32: counter j in
// [0, n) is (lo32(c0 + j), hi32(c0 + j), w2, w3) under the key (k0, k1), and its four output
// words go to out[4 j .. 4 j + 3].  Lanes hold one 32-bit word each, zero-extended to 64 bits,
// so that each round's two 32 x 32 -> 64 products are one MulEven apiece.
HWY_INLINE void philox(std::uint64_t c0, std::uint32_t w2, std::uint32_t w3, std::uint32_t k0,
                       std::uint32_t k1, std::size_t n, std::uint32_t* out) {
    std::uint32_t ka[10], kb[10];  // the key schedule
    for (int r = 0; r < 10; ++r) {
        ka[r] = k0 + std::uint32_t(r) * 0x9E3779B9u;
        kb[r] = k1 + std::uint32_t(r) * 0xBB67AE85u;
    }
#if HWY_TARGET == HWY_SCALAR  // one 64-bit lane cannot be split into 32-bit ones
    for (std::size_t j = 0; j < n; ++j) {
        const std::uint64_t c = c0 + j;
        std::uint64_t x0 = c & 0xFFFFFFFFull, x1 = c >> 32, x2 = w2, x3 = w3;
        for (int r = 0; r < 10; ++r) {
            const std::uint64_t p0 = 0xD2511F53ull * x0, p1 = 0xCD9E8D57ull * x2;
            const std::uint64_t y0 = (p1 >> 32) ^ x1 ^ ka[r], y2 = (p0 >> 32) ^ x3 ^ kb[r];
            x1 = p1 & 0xFFFFFFFFull, x3 = p0 & 0xFFFFFFFFull, x0 = y0, x2 = y2;
        }
        std::uint32_t* o = out + 4 * j;
        o[0] = std::uint32_t(x0), o[1] = std::uint32_t(x1);
        o[2] = std::uint32_t(x2), o[3] = std::uint32_t(x3);
    }
#else
    const hn::ScalableTag<std::uint64_t> d;
    const hn::Repartition<std::uint32_t, decltype(d)> d32;
    using VU = hn::Vec<decltype(d)>;
    const std::size_t N = hn::Lanes(d);
    const VU lo32 = hn::Set(d, 0xFFFFFFFFull);
    const VU m0 = hn::Set(d, 0xD2511F53ull), m1 = hn::Set(d, 0xCD9E8D57ull);
    HWY_ALIGN std::uint64_t a[kMaxLanes], b[kMaxLanes], e[kMaxLanes], f[kMaxLanes];
    for (std::size_t j = 0; j < n; j += N) {
        for (std::size_t l = 0; l < N; ++l) {
            const std::uint64_t c = c0 + j + l;
            a[l] = c & 0xFFFFFFFFull, b[l] = c >> 32;
        }
        VU x0 = hn::Load(d, a), x1 = hn::Load(d, b);
        VU x2 = hn::Set(d, std::uint64_t(w2)), x3 = hn::Set(d, std::uint64_t(w3));
        for (int r = 0; r < 10; ++r) {
            const VU p0 = hn::MulEven(hn::BitCast(d32, m0), hn::BitCast(d32, x0));
            const VU p1 = hn::MulEven(hn::BitCast(d32, m1), hn::BitCast(d32, x2));
            const VU y0 = hn::Xor(hn::Xor(hn::ShiftRight<32>(p1), x1), hn::Set(d, ka[r]));
            const VU y2 = hn::Xor(hn::Xor(hn::ShiftRight<32>(p0), x3), hn::Set(d, kb[r]));
            x1 = hn::And(p1, lo32), x3 = hn::And(p0, lo32);
            x0 = y0, x2 = y2;
        }
        hn::Store(x0, d, a), hn::Store(x1, d, b), hn::Store(x2, d, e), hn::Store(x3, d, f);
        for (std::size_t l = 0; l < N && j + l < n; ++l) {
            std::uint32_t* o = out + 4 * (j + l);
            o[0] = std::uint32_t(a[l]), o[1] = std::uint32_t(b[l]);
            o[2] = std::uint32_t(e[l]), o[3] = std::uint32_t(f[l]);
        }
    }
#endif
}

}  // namespace k
}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_MC_INL_H_
