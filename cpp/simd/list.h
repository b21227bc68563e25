// The vectorised ufuncs: X(id, method) with one input, P(id, method) with a family
// parameter.  Everything not listed keeps its scalar loop.
#pragma once

#define FDIV_SIMD_KL(X)         \
    X(kl, f)                    \
    X(kl, df)                   \
    X(kl, f_logu)               \
    X(kl, df_logu)              \
    X(kl, log_d2f_logu)         \
    X(kl, conj)                 \
    X(kl, inv_df)               \
    X(kl, activation)           \
    X(kl, ratio_activation)     \
    X(kl, log_ratio)            \
    X(kl, log_inv_df)           \
    X(kl, objective_logu)       \
    X(reverse_kl, f)            \
    X(reverse_kl, df)           \
    X(reverse_kl, f_logu)       \
    X(reverse_kl, df_logu)      \
    X(reverse_kl, log_d2f_logu) \
    X(reverse_kl, conj)         \
    X(reverse_kl, inv_df)       \
    X(reverse_kl, activation)   \
    X(reverse_kl, ratio_activation) \
    X(reverse_kl, log_ratio)    \
    X(reverse_kl, log_inv_df)   \
    X(reverse_kl, objective_logu)

#define FDIV_SIMD_UNARY(X) FDIV_SIMD_KL(X)

#define FDIV_SIMD_PARAM(P)
