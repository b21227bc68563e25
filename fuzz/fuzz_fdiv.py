"""Fuzz target (atheris / libFuzzer) for every public elementwise kernel and entry point.

Drives the ufuncs with arbitrary doubles (NaN, +-inf, subnormals, +-0, huge), float32 and
float64, contiguous and strided arrays, scalars and arbitrary family parameters, plus the
non-elementwise entry points (discrete, bound, log_ratio, generator_loss), and asserts the
contract: no crash, and NaN only where the contract allows it (NaN input, u < 0, a negative
or infinite mass, a family parameter out of range). Entry points either return or raise
TypeError/ValueError.

    python fuzz/fuzz_fdiv.py -seed=1 -runs=400000 fuzz/corpus     # what CI runs
"""

import sys

import atheris

with atheris.instrument_imports():
    import numpy as np

    import fdiv

UFUNCS = sorted(fdiv.ufuncs.__all__)
U_METHODS = ("_f", "_df", "_d2f")  # input is a ratio u >= 0
PARAMETRIC = ("alpha_", "js_weighted_")


def bad_param(name, c):
    c = np.asarray(c, dtype=np.float64)
    if name.startswith("alpha_"):
        return ~np.isfinite(c) | (c == 0.0) | (c == 1.0)
    return ~((c > 0.0) & (c < 1.0))


def check_ufunc(fdp):
    name = UFUNCS[fdp.ConsumeIntInRange(0, len(UFUNCS) - 1)]
    uf = getattr(fdiv.ufuncs, name)
    dtype = np.float32 if fdp.ConsumeBool() else np.float64
    n = fdp.ConsumeIntInRange(0, 40)
    step = fdp.ConsumeIntInRange(1, 3)
    nin = uf.nin
    param = None
    if name.startswith(PARAMETRIC):
        nin -= 1
        param = fdp.ConsumeFloat()
    xs = []
    for _ in range(nin):
        base = np.array([fdp.ConsumeFloat() for _ in range(n * step)], dtype=np.float64)
        with np.errstate(all="ignore"):
            xs.append(base.astype(dtype)[::step])
    if n and n % 2 == 0 and fdp.ConsumeBool():  # 2-D, possibly transposed (non-contiguous)
        xs = [x.reshape(2, -1) for x in xs]
        if fdp.ConsumeBool():
            xs = [x.T for x in xs]
    args = xs + ([param] if param is not None else [])
    with np.errstate(all="raise"):  # no floating-point warning may escape, valid or not
        out = uf(*args)
    out = np.asarray(out)
    assert out.shape == xs[0].shape, (name, out.shape)
    assert out.dtype == dtype, (name, out.dtype)
    allowed = np.zeros(out.shape, dtype=bool)
    for x in xs:
        allowed |= np.isnan(x)
    if name.endswith("_perspective"):
        for x in xs:
            allowed |= (x < 0) | np.isinf(x)
    elif any(name.endswith(m) for m in U_METHODS):
        allowed |= xs[0] < 0
    if param is not None:
        allowed |= bad_param(name, param)
    bad = np.isnan(out) & ~allowed
    assert not bad.any(), (name, dtype, [x[bad] for x in xs], param)


def check_entry_points(fdp):
    which = fdp.ConsumeIntInRange(0, 7)
    n = fdp.ConsumeIntInRange(0, 12)
    a = np.array([fdp.ConsumeFloat() for _ in range(n)])
    b = np.array([fdp.ConsumeFloat() for _ in range(fdp.ConsumeIntInRange(0, 12))])
    names = fdiv.names()
    name = names[fdp.ConsumeIntInRange(0, len(names) - 1)]
    params = {"alpha": {"alpha": 0.5}, "js_weighted": {"pi": 0.3}}.get(name, {})
    d = fdiv.get(name, **params)
    try:
        # NumPy's default ignores underflow; every other floating-point event must not escape
        with np.errstate(all="raise", under="ignore"):
            if which == 0:
                r = fdiv.discrete(a, b, d, normalize=fdp.ConsumeBool())
                assert not np.isnan(r), ("discrete", a, b, name)
            elif which == 1:
                kind = ("fgan", "nwj", "dv", "klwgan")[fdp.ConsumeIntInRange(0, 3)]
                e = fdiv.bound(a, b, d, kind)
                assert not np.isnan(e.value), ("bound", a, b, name, kind)
            elif which == 2:
                r = fdiv.log_ratio(a, d)
                assert not np.isnan(r[~np.isnan(a)]).any(), ("log_ratio", a, name)
            elif which == 3:
                r = fdiv.generator_loss(a, d, fdiv.get("kl"))
                assert not np.isnan(r[~np.isnan(a)]).any(), ("generator_loss", a, name)
            elif which == 5:  # the command line's spec grammar on arbitrary text
                from fdiv._spec import SpecError, parse

                try:
                    parse(fdp.ConsumeUnicodeNoSurrogates(40))
                except SpecError:
                    pass
            elif which == 6:  # closed forms between (possibly absurd) exponential families
                x = [fdp.ConsumeFloat() for _ in range(4)]
                P, Q = fdiv.dist.Gamma(x[0], x[1]), fdiv.dist.Beta(x[2], x[3])
                fam = fdp.ConsumeIntInRange(0, 2)
                if fam == 1:
                    P, Q = fdiv.dist.Beta(x[0], x[1]), Q
                elif fam == 2:
                    P, Q = fdiv.dist.Poisson(abs(x[0])), fdiv.dist.Poisson(abs(x[2]))
                else:
                    Q = fdiv.dist.Gamma(x[2], x[3])
                with np.errstate(all="ignore"):
                    r = fdiv.divergence(P, Q, d)
                assert not np.isnan(r.value), ("expfam", x, name)
            elif which == 7:  # a small Monte Carlo run between (possibly absurd) MvNormals
                x = [fdp.ConsumeFloat() for _ in range(6)]
                P = fdiv.dist.MvNormal([x[0], x[1]], [[abs(x[2]), 0.0], [0.0, 1.0]])
                Q = fdiv.dist.MvNormal([x[3], 0.0], [[1.0, 0.0], [0.0, abs(x[4])]])
                import warnings

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # "heavy-tailed"
                    seed = int(abs(x[5])) % 1000 if np.isfinite(x[5]) else 0
                    r = fdiv.divergence(P, Q, d, method="mc", n=64, seed=seed)
                assert not np.isnan(r.value), ("mc", x, name)
            else:  # quadrature between two (possibly absurd) Normals / Laplaces
                x = [fdp.ConsumeFloat() for _ in range(4)]
                P = fdiv.dist.Normal(x[0], x[1])
                Q = (fdiv.dist.Laplace if fdp.ConsumeBool() else fdiv.dist.Normal)(x[2], x[3])
                with np.errstate(all="ignore"):
                    import warnings

                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", RuntimeWarning)  # "did not converge"
                        r = fdiv.divergence(P, Q, d, method="quad", rtol=1e-8, limit=50)
                assert not np.isnan(r.value), ("divergence", x, name)
    except (ValueError, TypeError):
        pass


def TestOneInput(data):
    fdp = atheris.FuzzedDataProvider(data)
    if fdp.ConsumeIntInRange(0, 4) == 0:
        check_entry_points(fdp)
    else:
        check_ufunc(fdp)


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
