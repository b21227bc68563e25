// fdiv core configuration: the only header every other core header includes.
// The core (cpp/include/fdiv) uses the C++ standard library only: no Python, no NumPy.
#pragma once

#include <cmath>
#include <limits>

#define FDIV_INLINE inline
#if defined(__GNUC__) || defined(__clang__)
#define FDIV_RESTRICT __restrict__
#else
#define FDIV_RESTRICT
#endif

#define FDIV_VERSION_STRING "0.1.0"

// glibc's <math.h> declares a C function `fdiv`, so the C++ namespace is `fdv`.
namespace fdv {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

}  // namespace fdv
