// The catalogue: every divergence header, and X-macro lists that the bindings expand.
#pragma once

#include "alpha.h"
#include "chi2.h"
#include "js.h"
#include "kl.h"
#include "perspective.h"
#include "softened.h"
#include "tv.h"

// X(id, dual id) for the non-parametric entries
#define FDIV_CATALOGUE_1(X)                 \
    X(kl, reverse_kl)                       \
    X(reverse_kl, kl)                       \
    X(pearson, neyman)                      \
    X(neyman, pearson)                      \
    X(squared_hellinger, squared_hellinger) \
    X(jeffreys, jeffreys)                   \
    X(js, js)                               \
    X(gan, gan)                             \
    X(total_variation, total_variation)     \
    X(triangular, triangular)               \
    X(le_cam, le_cam)                       \
    X(softened_reverse_kl, softened_kl)     \
    X(softened_kl, softened_reverse_kl)

// X(id) for the parametric entries (parameter as the last ufunc input; dual parameter 1 - c)
#define FDIV_CATALOGUE_2(X) \
    X(js_weighted)          \
    X(alpha)

// the elementwise methods of every entry
#define FDIV_METHODS(X) \
    X(f)                \
    X(df)               \
    X(d2f)              \
    X(f_logu)           \
    X(df_logu)          \
    X(log_d2f_logu)     \
    X(conj)             \
    X(inv_df)           \
    X(activation)       \
    X(ratio_activation) \
    X(log_ratio)        \
    X(log_inv_df)       \
    X(objective_logu)
