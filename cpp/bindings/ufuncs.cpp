// Registers every elementwise kernel of the catalogue as a real NumPy ufunc
// (PyUFunc_FromFuncAndData), with a float32 and a float64 loop.  No arithmetic here: the
// loops move data and call the vector array drivers (cpp/simd/dispatch.h) where a kernel has
// one, else the scalar core (cpp/include/fdiv) element by element.
//
// Floating-point flags: like scipy.special, the kernels return NaN/inf by convention and
// never leave a flag set (NumPy would turn it into a RuntimeWarning for valid input), so
// each loop clears the flags it raised.
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#define NO_IMPORT_ARRAY
#define NO_IMPORT_UFUNC
#define PY_ARRAY_UNIQUE_SYMBOL fdiv_ARRAY_API
#define PY_UFUNC_UNIQUE_SYMBOL fdiv_UFUNC_API
#include <numpy/arrayobject.h>
#include <numpy/ufuncobject.h>
#include <pybind11/pybind11.h>

#include <cfenv>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "../parallel.h"
#include "../simd/dispatch.h"
#include "fdiv/catalogue.h"

namespace py = pybind11;

namespace {

template <class T, int NIN>
bool contiguous(const npy_intp* steps) {
    for (int k = 0; k <= NIN; ++k)
        if (steps[k] != npy_intp(sizeof(T))) return false;
    return true;
}

// The kernel arrives through the ufunc's `data` pointer, so there is one inner loop per
// signature and dtype rather than one per kernel (230 kernels instantiated into their own
// loops took minutes to compile under the sanitizers).
using K1 = double (*)(double);
using K2 = double (*)(double, double);
using K3 = double (*)(double, double, double);

// What a ufunc's `data` pointer holds: the scalar kernel and, where it is vectorised, the
// contiguous array drivers.
struct entry1 {
    K1 scalar;
    fdv::simd::unary vec;
};
struct entry2 {
    K2 scalar;
    fdv::simd::param vec;  // parametric kernels only (parameter of type double)
};

template <class T>
auto driver(const fdv::simd::unary& v) {
    if constexpr (std::is_same_v<T, double>)
        return fdv::simd::enabled() ? v.f64 : nullptr;
    else
        return fdv::simd::enabled() ? v.f32 : nullptr;
}
template <class T>
auto driver(const fdv::simd::param& v) {
    if constexpr (std::is_same_v<T, double>)
        return fdv::simd::enabled() ? v.f64 : nullptr;
    else
        return fdv::simd::enabled() ? v.f32 : nullptr;
}

bool same_bits(double a, double b) {
    std::uint64_t x, y;
    std::memcpy(&x, &a, sizeof x);
    std::memcpy(&y, &b, sizeof y);
    return x == y;
}

// Strided or overlapping data through the contiguous driver, in chunks of this many elements
// on the stack (NumPy's approach for its SIMD loops).
constexpr npy_intp kBuf = 512;

// One input.  Contiguous data (one call with the whole array from NumPy) is split across
// threads; strided, cast or buffered data arrives in chunks and runs serially.
template <class T>
void loop1(char** args, const npy_intp* dims, const npy_intp* steps, void* data) {
    const auto* E = static_cast<const entry1*>(data);
    const auto F = E->scalar;
    const auto V = driver<T>(E->vec);
    const npy_intp n = dims[0];
    if (V != nullptr && contiguous<T, 1>(steps)) {
        const T* in = reinterpret_cast<const T*>(args[0]);
        T* out = reinterpret_cast<T*>(args[1]);
        fdv::parallel_for(
            n, [=](std::ptrdiff_t lo, std::ptrdiff_t hi) { V(in + lo, out + lo, hi - lo); });
    } else if (V != nullptr) {
        T xb[kBuf], yb[kBuf];
        char* in = args[0];
        char* out = args[1];
        for (npy_intp i = 0; i < n; i += kBuf) {
            const npy_intp m = n - i < kBuf ? n - i : kBuf;
            for (npy_intp j = 0; j < m; ++j, in += steps[0])
                xb[j] = *reinterpret_cast<const T*>(in);
            V(xb, yb, m);
            for (npy_intp j = 0; j < m; ++j, out += steps[1]) *reinterpret_cast<T*>(out) = yb[j];
        }
    } else if (contiguous<T, 1>(steps)) {
        const T* FDIV_RESTRICT in = reinterpret_cast<const T*>(args[0]);
        T* FDIV_RESTRICT out = reinterpret_cast<T*>(args[1]);
        fdv::parallel_for(n, [=](std::ptrdiff_t lo, std::ptrdiff_t hi) {
            for (std::ptrdiff_t i = lo; i < hi; ++i) out[i] = T(F(double(in[i])));
        });
    } else {
        char* in = args[0];
        char* out = args[1];
        for (npy_intp i = 0; i < n; ++i, in += steps[0], out += steps[1])
            *reinterpret_cast<T*>(out) = T(F(double(*reinterpret_cast<const T*>(in))));
    }
    std::feclearexcept(FE_ALL_EXCEPT);
}

// Two inputs of types T and B (B = double for a family parameter, so that a float32 call keeps
// the parameter's double value: u^(a - 1) at u = 1e-45 moves by 3e-6 between a = 0.3 and
// float32(0.3)).
template <class T, class B>
void loop2(char** args, const npy_intp* dims, const npy_intp* steps, void* data) {
    const auto* E = static_cast<const entry2*>(data);
    const auto F = E->scalar;
    const npy_intp n = dims[0];
    if constexpr (std::is_same_v<B, double>) {
        const auto V = driver<T>(E->vec);
        if (V != nullptr) {
            // Runs of one parameter value (the whole call when it is a scalar) go through the
            // vector driver, so a result depends on (x, param) only, not on how the
            // parameter was broadcast.
            const npy_intp sx = steps[0], sc = steps[1], so = steps[2];
            const bool contig = sx == npy_intp(sizeof(T)) && so == npy_intp(sizeof(T));
            for (npy_intp i = 0; i < n;) {
                const double c = *reinterpret_cast<const double*>(args[1] + i * sc);
                npy_intp j = i + 1;
                if (sc == 0) {
                    j = n;
                } else {
                    while (j < n &&
                           same_bits(c, *reinterpret_cast<const double*>(args[1] + j * sc)))
                        ++j;
                }
                if (contig) {
                    const T* in = reinterpret_cast<const T*>(args[0]) + i;
                    T* out = reinterpret_cast<T*>(args[2]) + i;
                    fdv::parallel_for(j - i, [=](std::ptrdiff_t lo, std::ptrdiff_t hi) {
                        V(in + lo, c, out + lo, hi - lo);
                    });
                } else {
                    T xb[kBuf], yb[kBuf];
                    for (npy_intp k = i; k < j; k += kBuf) {
                        const npy_intp m = j - k < kBuf ? j - k : kBuf;
                        for (npy_intp q = 0; q < m; ++q)
                            xb[q] = *reinterpret_cast<const T*>(args[0] + (k + q) * sx);
                        V(xb, c, yb, m);
                        for (npy_intp q = 0; q < m; ++q)
                            *reinterpret_cast<T*>(args[2] + (k + q) * so) = yb[q];
                    }
                }
                i = j;
            }
            std::feclearexcept(FE_ALL_EXCEPT);
            return;
        }
    }
    if (steps[0] == npy_intp(sizeof(T)) && steps[2] == npy_intp(sizeof(T)) &&
        (steps[1] == npy_intp(sizeof(B)) || steps[1] == 0)) {
        // contiguous x, and a contiguous or scalar (stride 0, the usual case) parameter
        const T* a = reinterpret_cast<const T*>(args[0]);
        const char* b = args[1];
        const npy_intp sb = steps[1];
        T* out = reinterpret_cast<T*>(args[2]);
        fdv::parallel_for(n, [=](std::ptrdiff_t lo, std::ptrdiff_t hi) {
            for (std::ptrdiff_t i = lo; i < hi; ++i)
                out[i] = T(F(double(a[i]), double(*reinterpret_cast<const B*>(b + i * sb))));
        });
    } else {
        char *a = args[0], *b = args[1], *out = args[2];
        for (npy_intp i = 0; i < n; ++i, a += steps[0], b += steps[1], out += steps[2])
            *reinterpret_cast<T*>(out) = T(
                F(double(*reinterpret_cast<const T*>(a)), double(*reinterpret_cast<const B*>(b))));
    }
    std::feclearexcept(FE_ALL_EXCEPT);
}

// p, q of type T and the family parameter as double.
template <class T>
void loop3(char** args, const npy_intp* dims, const npy_intp* steps, void* data) {
    const auto F = reinterpret_cast<K3>(data);
    const npy_intp n = dims[0];
    if (steps[0] == npy_intp(sizeof(T)) && steps[1] == npy_intp(sizeof(T)) &&
        (steps[2] == npy_intp(sizeof(double)) || steps[2] == 0) &&
        steps[3] == npy_intp(sizeof(T))) {
        const T* a = reinterpret_cast<const T*>(args[0]);
        const T* b = reinterpret_cast<const T*>(args[1]);
        const char* c = args[2];
        const npy_intp sc = steps[2];
        T* out = reinterpret_cast<T*>(args[3]);
        fdv::parallel_for(n, [=](std::ptrdiff_t lo, std::ptrdiff_t hi) {
            for (std::ptrdiff_t i = lo; i < hi; ++i)
                out[i] =
                    T(F(double(a[i]), double(b[i]), *reinterpret_cast<const double*>(c + i * sc)));
        });
    } else {
        char *a = args[0], *b = args[1], *c = args[2], *out = args[3];
        for (npy_intp i = 0; i < n;
             ++i, a += steps[0], b += steps[1], c += steps[2], out += steps[3])
            *reinterpret_cast<T*>(out) =
                T(F(double(*reinterpret_cast<const T*>(a)), double(*reinterpret_cast<const T*>(b)),
                    *reinterpret_cast<const double*>(c)));
    }
    std::feclearexcept(FE_ALL_EXCEPT);
}

// NumPy keeps the loop, data, type, name and doc pointers: all static.
PyUFuncGenericFunction funcs1[2] = {&loop1<float>, &loop1<double>};
char types1[4] = {NPY_FLOAT, NPY_FLOAT, NPY_DOUBLE, NPY_DOUBLE};
PyUFuncGenericFunction funcs2[2] = {&loop2<float, float>, &loop2<double, double>};
char types2[6] = {NPY_FLOAT, NPY_FLOAT, NPY_FLOAT, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE};
PyUFuncGenericFunction funcs2p[2] = {&loop2<float, double>, &loop2<double, double>};
char types2p[6] = {NPY_FLOAT, NPY_DOUBLE, NPY_FLOAT, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE};
PyUFuncGenericFunction funcs3[2] = {&loop3<float>, &loop3<double>};
char types3[8] = {NPY_FLOAT,  NPY_FLOAT,  NPY_DOUBLE, NPY_FLOAT,
                  NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE};

const char* keep(const std::string& s) { return (new std::string(s))->c_str(); }

void* payload(K1 kernel, const std::string& name) {
    return new entry1{kernel, fdv::simd::find_unary(name)};
}
void* payload(K2 kernel, const std::string& name) {
    return new entry2{kernel, fdv::simd::find_param(name)};
}
void* payload(K3 kernel, const std::string&) { return reinterpret_cast<void*>(kernel); }

template <class Fn>
void add(py::module_& m, Fn kernel, PyUFuncGenericFunction* funcs, char* types, int nin,
         const std::string& name, const std::string& doc) {
    void** data = new void*[2];  // kept by NumPy for the life of the process
    data[0] = data[1] = payload(kernel, name);
    PyObject* uf = PyUFunc_FromFuncAndData(funcs, data, types, 2, nin, 1, PyUFunc_None, keep(name),
                                           keep(doc), 0);
    if (uf == nullptr) throw py::error_already_set();
    m.attr(name.c_str()) = py::reinterpret_steal<py::object>(uf);
}

const char* method_doc(const std::string& method) {
    if (method == "f") return "f(u), the generator at the density ratio u = p/q >= 0";
    if (method == "df") return "f'(u)";
    if (method == "d2f") return "f''(u)";
    if (method == "f_logu") return "f(e^r) from the log-ratio r = log u";
    if (method == "df_logu") return "f'(e^r); also the ratio activation g_ratio(v) = f'(e^v)";
    if (method == "log_d2f_logu") return "log f''(e^r)";
    if (method == "conj") return "f*(t) = sup_{u >= 0} (u t - f(u)); +inf outside dom f*";
    if (method == "inv_df") return "(f')^-1(t), the maximiser of u t - f(u) over u >= 0";
    if (method == "activation") return "g_f(v), the f-GAN output activation R -> dom f*";
    if (method == "log_ratio")
        return "log (f')^-1(g_f(v)): the log density-ratio estimate of an f-GAN critic output v";
    if (method == "log_inv_df") return "log (f')^-1(t): the log density-ratio estimate from T = t";
    if (method == "objective_logu")
        return "f(e^l) - e^l f'(e^l): the generator objective at the log-ratio l (MATH.md §6)";
    if (method == "ratio_activation")
        return "g_ratio(v) = f'(e^v), kept inside dom f* where f'(e^v) rounds onto its boundary";
    return "";
}

}  // namespace

void register_ufuncs(py::module_& m) {
#define FDIV_M1(id, method)                                            \
    add(m, &fdv::id::method, funcs1, types1, 1, #id "_" #method,       \
        std::string(#id "_" #method "(x, /, out=None, *, where=True, " \
                        "...)\n\n") +                                  \
            method_doc(#method) + " for the divergence '" #id "'.");
#define FDIV_M2(id, method)                                                              \
    add(m, &fdv::id::method, funcs2p, types2p, 2, #id "_" #method,                       \
        std::string(#id "_" #method "(x, param, /, out=None, *, where=True, ...)\n\n") + \
            method_doc(#method) + " for the family '" #id "' at parameter `param`.");
#define FDIV_EACH_METHOD(MAC, id) \
    MAC(id, f)                    \
    MAC(id, df)                   \
    MAC(id, d2f)                  \
    MAC(id, f_logu)               \
    MAC(id, df_logu)              \
    MAC(id, log_d2f_logu)         \
    MAC(id, conj)                 \
    MAC(id, inv_df)               \
    MAC(id, activation)           \
    MAC(id, ratio_activation)     \
    MAC(id, log_ratio)            \
    MAC(id, log_inv_df)           \
    MAC(id, objective_logu)
#define FDIV_REG1(id, dual)                                                                     \
    FDIV_EACH_METHOD(FDIV_M1, id)                                                               \
    add(m, &fdv::perspective1<fdv::id, fdv::dual>::eval, funcs2, types2, 2, #id "_perspective", \
        #id "_perspective(p, q, /, out=None, *, where=True, ...)\n\nq f(p/q) for '" #id         \
            "' with 0 f(0/0) = 0, q = 0 < p: p f'(inf), p = 0 < q: q f(0+).");
#define FDIV_REG2(id)                                                                          \
    FDIV_EACH_METHOD(FDIV_M2, id)                                                              \
    add(m, &fdv::perspective2<fdv::id, fdv::id, &fdv::one_minus>::eval, funcs3, types3, 3,     \
        #id "_perspective",                                                                    \
        #id "_perspective(p, q, param, /, out=None, *, where=True, ...)\n\nq f(p/q) for '" #id \
            "' with 0 f(0/0) = 0, q = 0 < p: p f'(inf), p = 0 < q: q f(0+).");
    FDIV_CATALOGUE_1(FDIV_REG1)
    FDIV_CATALOGUE_2(FDIV_REG2)
}
