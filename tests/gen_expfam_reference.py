"""Reference values for the exponential-family closed forms (cpp/include/fdiv/expfam.h).

Run by hand (about a minute); writes tests/data/expfam_reference.json:

    python tests/gen_expfam_reference.py            # reference table
    python tests/gen_expfam_reference.py --digamma  # print the digamma Taylor coefficients

Every value is computed by mpmath at 80 digits from the exact binary double inputs, straight
from the definitions of MATH.md §7.3 (log c_alpha = A(theta_alpha) - alpha A(theta_1) -
(1 - alpha) A(theta_2), KL = Bregman divergence of A) with lgamma/digamma, i.e. by the
textbook forms that cancel in double precision, which is harmless at 80 digits.

Besides the value each row stores ``abs_scale``: the sum of the magnitudes of the components
that expfam.h adds with different signs (see its header comment), carried through the
derivative of the final transform (e.g. e^lc/|alpha(alpha-1)| for the alpha family).  The test
allows an absolute error of a few ulp of that scale on top of the relative tolerance.
"""

from __future__ import annotations

import json
import math
import pathlib
import random
import sys

import mpmath as mp

mp.mp.dps = 80
OUT = pathlib.Path(__file__).parent / "data" / "expfam_reference.json"

ALPHAS = (-1.5, -0.5, 0.3, 0.5, 0.8, 1.7, 2.0, 3.0, 1 - 1e-6, 1 + 1e-6)
RENYI_ALPHAS = (0.3, 0.5, 0.8, 1.7, 2.0, 3.0)
FIXED = ("kl", "reverse_kl", "jeffreys", "squared_hellinger", "pearson", "neyman", "bhattacharyya")

L = lambda y: mp.log1p(y) - y  # noqa: E731
phi = lambda a: (1 + a) * mp.log1p(a) - a  # noqa: E731


# ---- families: natural parameters, A, grad A, and the component magnitudes of expfam.h ----
def gamma_theta(k, s):
    return (k, 1 / s)  # (shape, rate): A = lgamma(k) - k log(rate), linear in (k, -rate)


def gamma_A(t):
    k, b = t
    return mp.loggamma(k) - k * mp.log(b)


def gamma_grad(t):  # w.r.t. (k, -rate)
    k, b = t
    return (mp.digamma(k) - mp.log(b), k / b)


def beta_A(t):
    a, b = t
    return mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)


def beta_grad(t):
    a, b = t
    return (mp.digamma(a) - mp.digamma(a + b), mp.digamma(b) - mp.digamma(a + b))


def lg_bregman(x1, x2):
    return mp.loggamma(x2) - mp.loggamma(x1) - (x2 - x1) * mp.digamma(x1)


def lg_jensen(al, x1, x2):
    xa = al * x1 + (1 - al) * x2
    return mp.loggamma(xa) - al * mp.loggamma(x1) - (1 - al) * mp.loggamma(x2)


def kl_and_scale(fam, p, q):
    if fam == "gamma":
        (k1, s1), (k2, s2) = p, q
        t1, t2 = gamma_theta(k1, s1), gamma_theta(k2, s2)
        g = gamma_grad(t1)
        kl = gamma_A(t2) - gamma_A(t1) - g[0] * (k2 - k1) - g[1] * (t1[1] - t2[1])
        e = s1 / s2 - 1
        comps = (lg_bregman(k1, k2), (k1 - k2) * e, k2 * L(e))
    elif fam == "beta":
        (a1, b1), (a2, b2) = p, q
        g = beta_grad((a1, b1))
        kl = beta_A((a2, b2)) - beta_A((a1, b1)) - g[0] * (a2 - a1) - g[1] * (b2 - b1)
        comps = (lg_bregman(a1, a2), lg_bregman(b1, b2), lg_bregman(a1 + b1, a2 + b2))
    else:
        (m1,), (m2,) = p, q
        kl = m1 * mp.log(m1 / m2) - m1 + m2
        comps = (kl,)
    return kl, sum(abs(c) for c in comps)


def lc_and_scale(fam, al, p, q):
    """log c_alpha (mp.inf where c_alpha = inf) and the component scale."""
    if fam == "gamma":
        (k1, s1), (k2, s2) = p, q
        ka, ba = al * k1 + (1 - al) * k2, al / s1 + (1 - al) / s2
        if ka <= 0 or ba <= 0:
            return mp.inf, mp.mpf(0)
        lc = gamma_A((ka, ba)) - al * gamma_A((k1, 1 / s1)) - (1 - al) * gamma_A((k2, 1 / s2))
        w = (1 / s1 - 1 / s2) / ba
        comps = (
            lg_jensen(al, k1, k2),
            al * k1 * L((1 - al) * w),
            (1 - al) * k2 * L(-al * w),
            al * (1 - al) * w * (k1 - k2),
        )
    elif fam == "beta":
        (a1, b1), (a2, b2) = p, q
        aa, ba = al * a1 + (1 - al) * a2, al * b1 + (1 - al) * b2
        if aa <= 0 or ba <= 0:
            return mp.inf, mp.mpf(0)
        lc = beta_A((aa, ba)) - al * beta_A((a1, b1)) - (1 - al) * beta_A((a2, b2))
        comps = (lg_jensen(al, a1, a2), lg_jensen(al, b1, b2), lg_jensen(al, a1 + b1, a2 + b2))
    else:
        (m1,), (m2,) = p, q
        lc = m1**al * m2 ** (1 - al) - al * m1 - (1 - al) * m2
        r = mp.log(m1 / m2)
        mg = m1**al * m2 ** (1 - al)
        E = lambda z: mp.expm1(z) - z  # noqa: E731
        comps = (mg * al * E((1 - al) * r), mg * (1 - al) * E(-al * r))
    return lc, sum(abs(c) for c in comps)


def rows_for(fam, p, q):
    P = [mp.mpf(x) for x in p]
    Q = [mp.mpf(x) for x in q]
    out = []
    kl, skl = kl_and_scale(fam, P, Q)
    rkl, srkl = kl_and_scale(fam, Q, P)

    def row(name, param, value, scale):
        if p == q:  # the mixtures of 80-digit alphas leave ~1e-80 where the exact value is 0
            value, scale = mp.mpf(0), mp.mpf(0)
        v = float(value) if value not in (mp.inf, -mp.inf) else (mp.inf if value > 0 else -mp.inf)
        out.append(
            {
                "name": name,
                "param": param,
                "p": list(p),
                "q": list(q),
                "value": float(v),
                "abs_scale": float(scale),
            }
        )

    row("kl", 0.0, kl, skl)
    row("reverse_kl", 0.0, rkl, srkl)
    row("jeffreys", 0.0, kl + rkl, skl + srkl)

    def via_lc(name, al, fn, dfn):
        lc, s = lc_and_scale(fam, mp.mpf(al), P, Q)
        if lc == mp.inf:
            row(name, al, fn(lc, al), 0.0)
        else:
            row(name, al, fn(lc, al), abs(dfn(lc, al)) * s)

    via_lc("squared_hellinger", 0.5, lambda lc, a: -2 * mp.expm1(lc), lambda lc, a: 2 * mp.exp(lc))
    via_lc(
        "pearson",
        2.0,
        lambda lc, a: mp.expm1(lc) if lc != mp.inf else mp.inf,
        lambda lc, a: mp.exp(lc),
    )
    via_lc(
        "neyman",
        -1.0,
        lambda lc, a: mp.expm1(lc) if lc != mp.inf else mp.inf,
        lambda lc, a: mp.exp(lc),
    )
    via_lc("bhattacharyya", 0.5, lambda lc, a: -lc, lambda lc, a: 1)
    for al in ALPHAS:
        a = mp.mpf(al)
        via_lc(
            "alpha",
            al,
            lambda lc, a=a: (
                (mp.expm1(lc) / (a * (a - 1)))
                if lc != mp.inf
                else (mp.inf if a * (a - 1) > 0 else -mp.inf)
            ),
            lambda lc, a=a: mp.exp(lc) / (a * (a - 1)),
        )
    for al in RENYI_ALPHAS:
        a = mp.mpf(al)
        via_lc(
            "renyi",
            al,
            lambda lc, a=a: lc / (a - 1) if lc != mp.inf else mp.inf,
            lambda lc, a=a: 1 / (a - 1),
        )
    return out


def loguniform(rng, lo, hi):
    return float(mp.e ** (rng.uniform(float(mp.log(lo)), float(mp.log(hi)))))


def pairs(fam, rng):
    if fam == "poisson":
        draw = lambda: (loguniform(rng, 1e-3, 1e3),)  # noqa: E731
    elif fam == "gamma":
        draw = lambda: (loguniform(rng, 0.05, 50), loguniform(rng, 1e-3, 1e3))  # noqa: E731
    else:
        draw = lambda: (loguniform(rng, 0.05, 50), loguniform(rng, 0.05, 50))  # noqa: E731
    out = [(draw(), draw()) for _ in range(30)]
    for d in (1e-2, 1e-4, 1e-6, 1e-8):
        for which in range(3 if fam != "poisson" else 1):
            p = draw()
            q = list(p)
            if fam == "poisson" or which == 2:
                q = [x * (1 + d * rng.choice((-1, 1))) for x in q]
            else:
                q[which] *= 1 + d * rng.choice((-1, 1))
            out.append((p, tuple(q)))
    p = draw()
    out.append((p, p))
    if fam == "gamma":
        out += [((2.0, 1.0), (1.0, 1.0)), ((0.05, 1e3), (50.0, 1e-3)), ((3.0, 2.0), (3.0, 2.5))]
    elif fam == "beta":
        out += [((2.0, 5.0), (1.0, 1.0)), ((0.05, 50.0), (50.0, 0.05)), ((0.5, 0.5), (0.7, 0.4))]
    else:
        out += [((3.0,), (2.0,)), ((1e-3,), (1e3,))]
    return out


def digamma_points():
    rng = random.Random(7)
    x0 = mp.findroot(mp.digamma, 1.46)
    hi = float(x0)
    xs = [loguniform(rng, 1e-300, 1e300) for _ in range(200)]
    xs += [rng.uniform(0.0, 12.0) for _ in range(200)]
    xs += [float(x0 * (1 + s * mp.mpf(10) ** -e)) for e in range(1, 17) for s in (-1, 1)]
    up = dn = hi
    for _ in range(4):
        up, dn = math.nextafter(up, 2), math.nextafter(dn, 0)
        xs += [up, dn]
    xs += [
        hi,
        1.0,
        2.0,
        0.5,
        0.25,
        1e-17,
        5e-324,
        9.999999999999998,
        10.0,
        2.4616321449683622,
        2.4616321449683627,
        1.2116321449683622,
        1.7116321449683622,
        3.0,
        100.0,
        1e300,
    ]
    return [{"x": x, "value": float(mp.digamma(mp.mpf(x)))} for x in sorted(set(xs)) if x > 0]


def digamma_coefficients():
    x0 = mp.findroot(mp.digamma, 1.46)
    hi = float(x0)
    print("X0_HI", hi.hex(), repr(hi), "X0_LO", repr(float(x0 - mp.mpf(hi))))

    def gcoef(c, N):  # Taylor coefficients at c of g(y) = psi(y)/(y - x0)
        a = [mp.polygamma(n, c) / mp.factorial(n) for n in range(N + 2)]
        if c == x0:
            return a[1 : N + 1]
        b, prev = [], 0
        for n in range(N):  # psi(c + t) = (t + c - x0) g(t)
            prev = (a[n] - prev) / (c - x0)
            b.append(prev)
        return b

    q = mp.mpf("0.25")
    for lo, hi_ in ((mp.mpf(1), x0 - q), (x0 - q, x0 + q), (x0 + q, x0 + 1)):
        c = x0 if lo < x0 < hi_ else mp.mpf(float((lo + hi_) / 2))
        h = max(hi_ - c, c - lo)
        b = gcoef(c, 60)
        N = next(
            n
            for n in range(5, 56)
            if all(abs(b[k]) * h**k < 0.7 * mp.mpf(2) ** -62 for k in range(n, n + 4))
        )
        print(f"[{float(lo)}, {float(hi_)}) centre {float(c)!r}, {N} terms")
        print(",\n".join(repr(float(v)) for v in b[:N]))


def main():
    if "--digamma" in sys.argv:
        digamma_coefficients()
        return
    rng = random.Random(20240601)
    data = {"alphas": list(ALPHAS), "renyi_alphas": list(RENYI_ALPHAS), "families": {}}
    for fam in ("gamma", "beta", "poisson"):
        rows = []
        for p, q in pairs(fam, rng):
            rows += rows_for(fam, p, q)
        data["families"][fam] = rows
    data["digamma"] = digamma_points()
    OUT.write_text(json.dumps(data, indent=0) + "\n")
    print(OUT, {f: len(r) for f, r in data["families"].items()}, len(data["digamma"]))


if __name__ == "__main__":
    main()
