"""Critic outputs -> density-ratio estimates, generator objectives and variational bounds.

MATH.md §4 and §6. A critic trained for divergence D gives T = g(V) (f-GAN activation g_f, or
the ratio activation f'(e^V)); r̂ = (f'_D)^-1(T) estimates p/q. Every elementwise step runs in
the compiled ufuncs, in the log-ratio domain (λ = log r̂). The reductions here (means, standard
errors) are NumPy's.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ._api import Divergence, _check_real, get, names
from ._catalogue import PARAMETERS

__all__ = [
    "Estimate",
    "CriticReport",
    "log_ratio",
    "generator_estimate",
    "generator_loss",
    "bound",
    "critic_report",
]

_ACTIVATIONS = ("fgan", "ratio")
_INPUTS = ("v", "t")
_KINDS = ("fgan", "dv", "nwj", "klwgan")


def _divergence(d: Any, argname: str) -> Divergence:
    if isinstance(d, Divergence):
        return d
    try:
        return get(d)
    except ValueError as exc:
        raise ValueError(f"{argname}: {exc}") from None


def _check_modes(activation: str, input: str) -> None:
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {_ACTIVATIONS}, got {activation!r}")
    if input not in _INPUTS:
        raise ValueError(f"input must be 'v' (critic logits) or 't' (T values), got {input!r}")


def log_ratio(v, critic="gan", *, activation="fgan", input="v", out=None):
    """log r̂ = log (f'_D)^-1(T): the density-ratio estimate of a critic trained for D.

    ``activation="fgan"``: T = g_f(V) (f-GAN); ``"ratio"``: T = f'(e^V), so log r̂ = V.
    ``input="t"``: ``v`` holds T itself. For the GAN discriminator log r̂ = V; for kl V - 1.
    Elementwise (a ufunc underneath): NaN in gives NaN; |V| up to 700 and beyond gives no
    overflow where log r̂ is finite.
    """
    d = _divergence(critic, "critic")
    _check_modes(activation, input)
    v = _check_real(v, "v")
    kw = {} if out is None else {"out": out}
    if input == "t":
        return d._call("log_inv_df", v, "t", out, {})
    if activation == "ratio":
        res = np.asarray(v)
        res = res.astype(np.result_type(res, np.float32), copy=True)
        if out is not None:
            out[...] = res
            return out
        return res[()] if res.ndim == 0 else res
    return d._call("log_ratio", v, "v", None, kw)


def generator_estimate(v, critic="gan", target="kl", *, activation="fgan", input="v"):
    """Per-sample plug-in estimate f_G(r̂) on the generator (fake, Q) batch.

    mean(generator_estimate(v_fake, ...)) estimates D_G(P||Q) (MATH.md §6).
    """
    g = _divergence(target, "target")
    lam = log_ratio(v, critic, activation=activation, input=input)
    return g.f_logu(lam)


def generator_loss(v, critic="gan", target="kl", *, activation="fgan", input="v"):
    """Per-sample generator objective f_G(r̂) - r̂ f_G'(r̂) = -f_G*(f_G'(r̂)).

    With the critic frozen, the gradient of mean(generator_loss(critic(G(z)))) with respect to
    the generator is the gradient of D_G(P||Q) when r̂ = p/q (MATH.md §6). For a GAN critic
    and target "softened_reverse_kl" it is the non-saturating loss softplus(-V) + 1 - log 2.
    """
    g = _divergence(target, "target")
    lam = log_ratio(v, critic, activation=activation, input=input)
    return g._call("objective_logu", lam, "v", None, {})


@dataclass
class Estimate:
    """A variational estimate: value ± stderr from n_real P-samples and n_fake Q-samples."""

    value: float
    stderr: float
    n_real: int
    n_fake: int
    kind: str
    divergence: str

    def __repr__(self) -> str:
        return (
            f"Estimate({self.kind} bound on {self.divergence}: {self.value:.6g} ± "
            f"{self.stderr:.2g}, n_real={self.n_real}, n_fake={self.n_fake})"
        )

    def to_dict(self) -> dict:
        return asdict(self)


def _batch(v, name: str) -> np.ndarray:
    v = _check_real(v, name)
    a = np.asarray(v, dtype=np.float64).ravel()
    if a.size == 0:
        raise ValueError(f"{name} is empty: a batch needs at least one sample")
    if np.isnan(a).any():
        raise ValueError(f"{name} contains NaN critic outputs")
    return a


def _mean_se(x: np.ndarray, what: str) -> tuple:
    if not np.all(np.isfinite(x)):
        raise ValueError(
            f"non-finite {what}: the critic's T leaves the domain where the bound is finite"
        )
    mean, se = _stats(x)
    if not math.isfinite(mean):
        raise ValueError(f"the mean of {what} overflows the double range")
    return mean, se


def _logmeanexp(t: np.ndarray) -> tuple:
    """log mean e^t and the stderr of the mean of e^(t - max), by the delta method."""
    m = float(np.max(t))
    with np.errstate(over="ignore", invalid="ignore"):
        w = np.exp(t - m)  # in [0, 1]; t - m may overflow to -inf for |t| near DBL_MAX
        mw = float(np.mean(w))
        var_w = float(np.var(w, ddof=1)) / t.size if t.size > 1 else math.inf
    return m + math.log(mw), math.sqrt(var_w) / mw


def bound(v_real, v_fake, divergence="kl", kind="fgan", *, activation="fgan", input="v"):
    """Variational lower-bound estimate of D(P||Q) from critic outputs on P (real) and Q (fake).

    kind="fgan": mean_P T - mean_Q f*(T), T = g(V) (MATH.md §4); any catalogue divergence.
    kind="nwj": (KL only) mean_P T - mean_Q e^(T-1), T = V.
    kind="dv": (KL only) Donsker-Varadhan, mean_P T - log mean_Q e^T, T = V (biased,
    consistent); stderr by the delta method.
    kind="klwgan": (KL only) the KL-WGAN objective of Song & Ermon, numerically the DV
    estimator of a (Lipschitz) critic T = V.
    Returns an :class:`Estimate`.
    """
    d = _divergence(divergence, "divergence")
    _check_modes(activation, input)
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {_KINDS}, got {kind!r}")
    if kind != "fgan" and d.name != "kl":
        raise ValueError(f"kind={kind!r} is a bound on KL only, got divergence {d!r}")
    vr = _batch(v_real, "v_real")
    vf = _batch(v_fake, "v_fake")
    n, m = vr.size, vf.size
    if not (np.all(np.isfinite(vr)) and np.all(np.isfinite(vf))):
        raise ValueError("non-finite critic outputs: T must be finite on both batches")
    if kind == "fgan":
        if input == "t":
            tr, tf = vr, vf
        elif activation == "fgan":
            tr, tf = d.activation(vr), d.activation(vf)
        else:
            tr, tf = d.ratio_activation(vr), d.ratio_activation(vf)
        a, se_a = _mean_se(np.asarray(tr), "T on the real batch")
        b, se_b = _mean_se(np.asarray(d.conj(tf)), "f*(T) on the fake batch")
        value, se = a - b, math.hypot(se_a, se_b)
    elif kind == "nwj":
        a, se_a = _mean_se(vr, "T on the real batch")
        b, se_b = _mean_se(np.asarray(get("kl").conj(vf)), "e^(T-1) on the fake batch")
        value, se = a - b, math.hypot(se_a, se_b)
    else:
        a, se_a = _mean_se(vr, "T on the real batch")
        if not np.all(np.isfinite(vf)):
            raise ValueError("non-finite T on the fake batch")
        lme, se_b = _logmeanexp(vf)
        value, se = a - lme, math.hypot(se_a, se_b)
    if math.isnan(value):
        raise ValueError("the bound is undefined (inf - inf): critic outputs overflow the range")
    return Estimate(float(value), float(se), n, m, kind, repr(d))


def _report_divergences() -> list:
    out = [(n, get(n)) for n in names() if n not in PARAMETERS]
    out += [("js_weighted(0.5)", get("js_weighted", pi=0.5))]
    out += [(f"alpha({a})", get("alpha", alpha=a)) for a in (0.5, 2.0)]
    return out


@dataclass
class CriticReport:
    """What a critic's outputs say about P and Q (see :func:`critic_report`)."""

    critic: str
    n_real: int
    n_fake: int
    estimates: dict = field(default_factory=dict)
    bounds: dict = field(default_factory=dict)
    log_ratio_error: dict = field(default_factory=dict)
    truth: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return json.loads(json.dumps(asdict(self), default=float))

    def __repr__(self) -> str:
        lines = [
            f"CriticReport(critic={self.critic}, n_real={self.n_real}, n_fake={self.n_fake})",
            f"  {'divergence':<22}{'fake E_Q f(r)':>16}{'± se':>10}{'real E_P f(r)/r':>18}"
            f"{'± se':>10}" + (f"{'truth':>14}{'error':>12}" if self.truth else ""),
        ]
        for name, e in self.estimates.items():
            row = (
                f"  {name:<22}{e['fake']:>16.6g}{e['fake_se']:>10.2g}{e['real']:>18.6g}"
                f"{e['real_se']:>10.2g}"
            )
            if self.truth:
                row += f"{self.truth[name]['fake']:>14.6g}{e.get('error_fake', math.nan):>12.3g}"
            lines.append(row)
        for kind, b in self.bounds.items():
            lines.append(f"  bound {kind:<16}{b['value']:>16.6g}{b['stderr']:>10.2g}")
        for batch, err in self.log_ratio_error.items():
            lines.append(
                f"  log-ratio error on {batch}: bias {err['bias']:.3g}, rmse {err['rmse']:.3g}"
            )
        return "\n".join(lines)


def _stats(x: np.ndarray) -> tuple:
    """Mean and its standard error; values near DBL_MAX overflow to inf, silently."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        mean = float(np.mean(x))
        se = float(np.std(x, ddof=1) / math.sqrt(x.size)) if x.size > 1 else math.inf
    return mean, (se if not math.isnan(se) else math.inf)


def critic_report(
    v_real,
    v_fake,
    critic="gan",
    true_log_ratio_real=None,
    true_log_ratio_fake=None,
    *,
    activation="fgan",
    input="v",
) -> CriticReport:
    """Everything a critic's outputs estimate, in one object.

    For every catalogue divergence G (and alpha(0.5), alpha(2), js_weighted(0.5)): the plug-in
    estimate mean_Q f_G(r̂) on the fake batch and its real-batch counterpart mean_P f_G(r̂)/r̂,
    with standard errors; the variational bounds of the critic's own divergence; and, when the
    true log-ratios log p/q are given, the bias and RMSE of log r̂ on each batch and the
    estimates computed from the true ratios (``truth``), against which the errors are shown.
    """
    d = _divergence(critic, "critic")
    vr = _batch(v_real, "v_real")
    vf = _batch(v_fake, "v_fake")
    lam_r = np.asarray(log_ratio(vr, d, activation=activation, input=input), dtype=np.float64)
    lam_f = np.asarray(log_ratio(vf, d, activation=activation, input=input), dtype=np.float64)
    rep = CriticReport(repr(d), vr.size, vf.size)
    for name, g in _report_divergences():
        fake, fake_se = _stats(g.f_logu(lam_f))
        # f(u)/u = f_dual(1/u): the real-batch form of the same divergence
        real, real_se = _stats(g.dual.f_logu(-lam_r))
        rep.estimates[name] = {"fake": fake, "fake_se": fake_se, "real": real, "real_se": real_se}
    # The critic's own f-GAN bound, and for a KL critic the NWJ / DV / KL-WGAN bounds at their
    # optimal parameterisation T = 1 + log r̂ (NWJ) and T = log r̂ (DV), whatever the activation.
    calls = {"fgan": lambda: bound(vr, vf, d, "fgan", activation=activation, input=input)}
    if d.name == "kl":
        calls["nwj"] = lambda: bound(1.0 + lam_r, 1.0 + lam_f, "kl", "nwj")
        calls["dv"] = lambda: bound(lam_r, lam_f, "kl", "dv")
        calls["klwgan"] = lambda: bound(lam_r, lam_f, "kl", "klwgan")
    for kind, call in calls.items():
        try:
            rep.bounds[kind] = call().to_dict()
        except ValueError as exc:  # e.g. T outside dom f*: report why instead of failing
            rep.bounds[kind] = {"value": math.nan, "stderr": math.nan, "error": str(exc)}
    truths = {"real": true_log_ratio_real, "fake": true_log_ratio_fake}
    for batch, tl in truths.items():
        if tl is None:
            continue
        lam = lam_r if batch == "real" else lam_f
        given = np.shape(v_real if batch == "real" else v_fake)
        tl = np.asarray(_check_real(tl, f"true_log_ratio_{batch}"), dtype=np.float64)
        if tl.shape != given:
            raise ValueError(
                f"true_log_ratio_{batch} has shape {tl.shape} but v_{batch} has shape {given}"
            )
        tl = tl.ravel()
        err = lam - tl
        rep.log_ratio_error[batch] = {
            "bias": float(np.mean(err)),
            "rmse": float(np.sqrt(np.mean(err**2))),
        }
    if true_log_ratio_fake is not None or true_log_ratio_real is not None:
        tl_f = tl_r = None
        if true_log_ratio_fake is not None:
            tl_f = np.asarray(true_log_ratio_fake, dtype=np.float64).ravel()
        if true_log_ratio_real is not None:
            tl_r = np.asarray(true_log_ratio_real, dtype=np.float64).ravel()
        for name, g in _report_divergences():
            t = {}
            if tl_f is not None:
                t["fake"] = float(np.mean(g.f_logu(tl_f)))
            if tl_r is not None:
                t["real"] = float(np.mean(g.dual.f_logu(-tl_r)))
            t.setdefault("fake", math.nan)
            rep.truth[name] = t
            rep.estimates[name]["error_fake"] = rep.estimates[name]["fake"] - t["fake"]
            if "real" in t:
                rep.estimates[name]["error_real"] = rep.estimates[name]["real"] - t["real"]
    return rep
