// Family members that are scaled catalogue entries (MATH.md §3): at these parameter values the
// family's f, f', f(e^r), f* and (f')^-1 run the catalogue entry's vector kernel, scaled.
//   alpha(1/2) = 2 squared_hellinger,  alpha(2) = pearson / 2,  alpha(-1) = neyman / 2,
//   js_weighted(1/2) = js.
// For g = s f (s a power of 2, so every scaling is exact away from the subnormals):
//   g(u) = s f(u),  g'(u) = s f'(u),  g(e^r) = s f(e^r),  g*(t) = s f*(t/s),
//   (g')^-1(t) = (f')^-1(t/s).
// Lanes the catalogue kernel leaves to its scalar kernel, and lanes where t/s or s y would
// leave the normal numbers, run the family's scalar kernel at that parameter: the special
// values stay the family's own.  (As NumPy's power runs sqrt for the exponent 1/2.)
#if defined(FDIV_SIMD_MEMBERS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef FDIV_SIMD_MEMBERS_INL_H_
#undef FDIV_SIMD_MEMBERS_INL_H_
#else
#define FDIV_SIMD_MEMBERS_INL_H_
#endif

#include "fdiv/alpha.h"
#include "fdiv/js.h"
#include "simd/chi2-inl.h"
#include "simd/common-inl.h"
#include "simd/extra-inl.h"
#include "simd/js-inl.h"

HWY_BEFORE_NAMESPACE();
namespace fdv {
namespace HWY_NAMESPACE {
namespace k {

// a parameter value a and the scale s of its member
struct alpha_half {
    static constexpr double a = 0.5, s = 2.0;
};
struct alpha_two {
    static constexpr double a = 2.0, s = 0.5;
};
struct alpha_minus_one {
    static constexpr double a = -1.0, s = 0.5;
};
struct pi_half {
    static constexpr double a = 0.5, s = 1.0;
};

template <double (*F)(double, double), class P>
double member_scalar(double x) {
    return F(x, P::a);
}

// how the scale enters: g = s f (f, f', f(e^r)), g* (t / s inside, s outside), (g')^-1
// (t / s inside)
enum class scale_how { out, conj, inv };

template <class Base, class P, double (*F)(double, double), scale_how H>
struct member {
    static constexpr double (*scalar)(double) = &member_scalar<F, P>;
    static constexpr double s = P::s;
    // the catalogue kernel's argument
    HWY_INLINE static V64 inner(V64 x) {
        if constexpr (H != scale_how::out && s != 1.0) return hn::Mul(x, C(1.0 / s));
        return x;
    }
    // the member's value from the catalogue kernel's (base: (x_inner, rare) -> y)
    template <class B>
    HWY_INLINE static V64 wrap(V64 x, M64& rare, B base) {
        rare = hn::Lt(x, x);  // all false
        if constexpr (H != scale_how::out && s != 1.0) {
            rare =
                outside(hn::Abs(x), DBL_MIN * (s > 1.0 ? s : 1.0), DBL_MAX * (s < 1.0 ? s : 1.0));
        }
        M64 rb;
        V64 y = base(inner(x), rb);
        rare = hn::Or(rare, rb);
        if constexpr (H != scale_how::inv && s != 1.0) {
            y = hn::Mul(y, C(s));
            // (f may overflow where s f does not)
            if constexpr (s < 1.0) rare = hn::Or(rare, outside(hn::Abs(y), DBL_MIN, DBL_MAX));
        }
        return y;
    }
    static V64 eval(D64 d, V64 x, M64& rare) {
        return wrap(x, rare, [&](V64 xi, M64& rb) { return Base::eval(d, xi, rb); });
    }
    // the catalogue kernel's two forms, where it has them (common-inl.h, has_pack)
    template <class D, class K = Base, class = std::enable_if_t<has_pack<K>::value>>
    static M64 pack_split(D d, V64 x) {
        return K::pack_split(d, inner(x));
    }
    template <class D, class K = Base, class = std::enable_if_t<has_pack<K>::value>>
    static V64 eval_a(D d, V64 x, M64& rare) {
        return wrap(x, rare, [&](V64 xi, M64& rb) { return K::eval_a(d, xi, rb); });
    }
    template <class D, class K = Base, class = std::enable_if_t<has_pack<K>::value>>
    static V64 eval_b(D d, V64 x, M64& rare) {
        return wrap(x, rare, [&](V64 xi, M64& rb) { return K::eval_b(d, xi, rb); });
    }
};

// The family kernel K at parameter a runs member kernel M when a is one of the values above.
template <class K>
struct members {
    template <class T>
    static bool run(const T*, double, T*, std::ptrdiff_t) {
        return false;
    }
};

#define FDIV_SIMD_ALPHA_MEMBERS(m, how)                                                         \
    template <>                                                                                 \
    struct members<alpha_##m> {                                                                 \
        template <class T>                                                                      \
        static bool run(const T* in, double a, T* out, std::ptrdiff_t n) {                      \
            if (a == 0.5)                                                                       \
                drive_unary<member<squared_hellinger_##m, alpha_half, &alpha::m, how>>(in, out, \
                                                                                       n);      \
            else if (a == 2.0)                                                                  \
                drive_unary<member<pearson_##m, alpha_two, &alpha::m, how>>(in, out, n);        \
            else if (a == -1.0)                                                                 \
                drive_unary<member<neyman_##m, alpha_minus_one, &alpha::m, how>>(in, out, n);   \
            else                                                                                \
                return false;                                                                   \
            return true;                                                                        \
        }                                                                                       \
    };
#define FDIV_SIMD_JSW_MEMBERS(m, how)                                               \
    template <>                                                                     \
    struct members<js_weighted_##m> {                                               \
        template <class T>                                                          \
        static bool run(const T* in, double a, T* out, std::ptrdiff_t n) {          \
            if (!(a == 0.5)) return false;                                          \
            drive_unary<member<js_##m, pi_half, &js_weighted::m, how>>(in, out, n); \
            return true;                                                            \
        }                                                                           \
    };
FDIV_SIMD_ALPHA_MEMBERS(f, scale_how::out)
FDIV_SIMD_ALPHA_MEMBERS(df, scale_how::out)
FDIV_SIMD_ALPHA_MEMBERS(f_logu, scale_how::out)
FDIV_SIMD_ALPHA_MEMBERS(conj, scale_how::conj)
FDIV_SIMD_ALPHA_MEMBERS(inv_df, scale_how::inv)
FDIV_SIMD_JSW_MEMBERS(f, scale_how::out)
FDIV_SIMD_JSW_MEMBERS(df, scale_how::out)
FDIV_SIMD_JSW_MEMBERS(f_logu, scale_how::out)
FDIV_SIMD_JSW_MEMBERS(conj, scale_how::conj)
FDIV_SIMD_JSW_MEMBERS(inv_df, scale_how::inv)
#undef FDIV_SIMD_ALPHA_MEMBERS
#undef FDIV_SIMD_JSW_MEMBERS

}  // namespace k

// A parametric driver: a member value runs its catalogue kernel, others the family kernel.
template <class K, class T>
HWY_INLINE void drive_family(const T* in, double a, T* out, std::ptrdiff_t n) {
    if (k::members<K>::run(in, a, out, n)) return;
    drive_param<K>(in, a, out, n);
}

}  // namespace HWY_NAMESPACE
}  // namespace fdv
HWY_AFTER_NAMESPACE();

#endif  // FDIV_SIMD_MEMBERS_INL_H_
