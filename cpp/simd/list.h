// The vectorised ufuncs: X(id, method) with one input, P(id, method) with a family
// parameter (vectorised when one parameter value serves the whole call).  Everything not
// listed keeps its scalar loop.  The squares expm1(r)^2 (pearson, neyman, squared_hellinger
// f_logu, and the triangular/le_cam f_logu = expm1(r)^2/(2 + expm1(r))) are in
// FDIV_SIMD_EXTRA: Highway's exponential polynomial (~1 ulp) doubled by the square reached
// the 4 ulp contract in sampling, so they take expm1 as a double-double (extra-inl.h) and
// round the square once.
#pragma once

#define FDIV_SIMD_KL(X)             \
    X(kl, f)                        \
    X(kl, df)                       \
    X(kl, f_logu)                   \
    X(kl, df_logu)                  \
    X(kl, log_d2f_logu)             \
    X(kl, conj)                     \
    X(kl, inv_df)                   \
    X(kl, activation)               \
    X(kl, ratio_activation)         \
    X(kl, log_ratio)                \
    X(kl, log_inv_df)               \
    X(kl, objective_logu)           \
    X(reverse_kl, f)                \
    X(reverse_kl, df)               \
    X(reverse_kl, f_logu)           \
    X(reverse_kl, df_logu)          \
    X(reverse_kl, log_d2f_logu)     \
    X(reverse_kl, conj)             \
    X(reverse_kl, inv_df)           \
    X(reverse_kl, activation)       \
    X(reverse_kl, ratio_activation) \
    X(reverse_kl, log_ratio)        \
    X(reverse_kl, log_inv_df)       \
    X(reverse_kl, objective_logu)   \
    X(jeffreys, f)                  \
    X(jeffreys, df)                 \
    X(jeffreys, f_logu)             \
    X(jeffreys, df_logu)            \
    X(jeffreys, ratio_activation)   \
    X(jeffreys, activation)         \
    X(jeffreys, objective_logu)     \
    X(jeffreys, conj)               \
    X(jeffreys, inv_df)             \
    X(jeffreys, log_inv_df)         \
    X(jeffreys, log_ratio)

#define FDIV_SIMD_CHI2(X)                  \
    X(pearson, f)                          \
    X(pearson, df)                         \
    X(pearson, df_logu)                    \
    X(pearson, ratio_activation)           \
    X(pearson, conj)                       \
    X(pearson, inv_df)                     \
    X(pearson, activation)                 \
    X(pearson, log_inv_df)                 \
    X(pearson, log_ratio)                  \
    X(pearson, objective_logu)             \
    X(neyman, f)                           \
    X(neyman, df)                          \
    X(neyman, df_logu)                     \
    X(neyman, ratio_activation)            \
    X(neyman, log_d2f_logu)                \
    X(neyman, conj)                        \
    X(neyman, inv_df)                      \
    X(neyman, activation)                  \
    X(neyman, log_ratio)                   \
    X(neyman, log_inv_df)                  \
    X(neyman, objective_logu)              \
    X(squared_hellinger, f)                \
    X(squared_hellinger, df)               \
    X(squared_hellinger, df_logu)          \
    X(squared_hellinger, log_d2f_logu)     \
    X(squared_hellinger, conj)             \
    X(squared_hellinger, inv_df)           \
    X(squared_hellinger, activation)       \
    X(squared_hellinger, ratio_activation) \
    X(squared_hellinger, log_ratio)        \
    X(squared_hellinger, log_inv_df)       \
    X(squared_hellinger, objective_logu)

#define FDIV_SIMD_JS(X)                    \
    X(js, f)                               \
    X(js, df)                              \
    X(js, f_logu)                          \
    X(js, df_logu)                         \
    X(js, activation)                      \
    X(js, ratio_activation)                \
    X(js, log_ratio)                       \
    X(js, conj)                            \
    X(js, inv_df)                          \
    X(js, log_inv_df)                      \
    X(js, objective_logu)                  \
    X(gan, f)                              \
    X(gan, df)                             \
    X(gan, f_logu)                         \
    X(gan, df_logu)                        \
    X(gan, activation)                     \
    X(gan, ratio_activation)               \
    X(gan, log_ratio)                      \
    X(gan, conj)                           \
    X(gan, inv_df)                         \
    X(gan, log_inv_df)                     \
    X(gan, objective_logu)                 \
    X(softened_reverse_kl, objective_logu) \
    X(softened_kl, objective_logu)         \
    X(softened_reverse_kl, conj)           \
    X(softened_reverse_kl, inv_df)         \
    X(softened_reverse_kl, log_inv_df)     \
    X(softened_reverse_kl, f)              \
    X(softened_reverse_kl, df)             \
    X(softened_reverse_kl, f_logu)         \
    X(softened_kl, f)                      \
    X(softened_kl, df)                     \
    X(softened_kl, f_logu)                 \
    X(softened_kl, df_logu)                \
    X(softened_kl, activation)             \
    X(softened_kl, ratio_activation)       \
    X(softened_kl, log_ratio)              \
    X(softened_kl, conj)                   \
    X(softened_kl, inv_df)

#define FDIV_SIMD_TV(X)                  \
    X(total_variation, f)                \
    X(total_variation, df)               \
    X(total_variation, f_logu)           \
    X(total_variation, df_logu)          \
    X(total_variation, ratio_activation) \
    X(total_variation, log_d2f_logu)     \
    X(total_variation, conj)             \
    X(total_variation, inv_df)           \
    X(total_variation, activation)       \
    X(total_variation, log_inv_df)       \
    X(total_variation, log_ratio)        \
    X(total_variation, objective_logu)   \
    X(triangular, f)                     \
    X(triangular, df)                    \
    X(triangular, conj)                  \
    X(triangular, inv_df)                \
    X(triangular, df_logu)               \
    X(triangular, activation)            \
    X(triangular, ratio_activation)      \
    X(triangular, log_ratio)             \
    X(triangular, objective_logu)        \
    X(le_cam, f)                         \
    X(le_cam, df)                        \
    X(le_cam, conj)                      \
    X(le_cam, inv_df)                    \
    X(le_cam, df_logu)                   \
    X(le_cam, activation)                \
    X(le_cam, ratio_activation)          \
    X(le_cam, log_ratio)                 \
    X(le_cam, objective_logu)

// extra-inl.h (double lanes; float32 promotes)
#define FDIV_SIMD_EXTRA(X)             \
    X(pearson, f_logu)                 \
    X(neyman, f_logu)                  \
    X(squared_hellinger, f_logu)       \
    X(triangular, f_logu)              \
    X(le_cam, f_logu)                  \
    X(softened_reverse_kl, df_logu)    \
    X(softened_reverse_kl, activation) \
    X(softened_reverse_kl, ratio_activation)

// the kernels in k
// The parts compiled by dispatch.cc (A), dispatch2.cc (B) and dispatch3.cc (the families,
// FDIV_SIMD_PARAM), split so that their compile times are about even.
#define FDIV_SIMD_UNARY_A(X) FDIV_SIMD_KL(X) FDIV_SIMD_CHI2(X) FDIV_SIMD_TV(X)
#define FDIV_SIMD_UNARY_B(X) FDIV_SIMD_JS(X) FDIV_SIMD_EXTRA(X)

// (df_logu of the families stays scalar: their ratio_activation, a scalar step inside
// dom f*, must equal it bitwise wherever that value lies inside.)
#define FDIV_SIMD_PARAM(P)         \
    P(alpha, objective_logu)       \
    P(alpha, f)                    \
    P(alpha, df)                   \
    P(alpha, f_logu)               \
    P(alpha, conj)                 \
    P(alpha, inv_df)               \
    P(alpha, activation)           \
    P(js_weighted, objective_logu) \
    P(js_weighted, f)              \
    P(js_weighted, df)             \
    P(js_weighted, f_logu)         \
    P(js_weighted, conj)           \
    P(js_weighted, inv_df)         \
    P(js_weighted, activation)
