"""fdiv: f-divergences D_f(P||Q) = E_Q[f(p/q)] as exact, fast NumPy ufuncs.

>>> import fdiv, numpy as np
>>> fdiv.kl.f(2.0), fdiv.alpha(0.5).conj(1.0), fdiv.js.tail_weights
"""

from . import dist, plot, toy, ufuncs
from ._api import _FIXED as _fixed
from ._api import (
    ConjDomain,
    Divergence,
    alpha,
    discrete,
    get,
    js_weighted,
    names,
)
from ._config import show_config
from ._core import get_num_threads, set_num_threads
from ._critic import (
    CriticReport,
    Estimate,
    bound,
    critic_report,
    generator_estimate,
    generator_loss,
    log_ratio,
)
from ._known import DivergenceResult, Results, bhattacharyya, divergence, renyi
from ._mc import MCResult
from ._tails import Comparison, TailWeights, compare, loss_tail_weights, tail_weights

__version__ = "0.1.0"

kl = _fixed["kl"]
reverse_kl = _fixed["reverse_kl"]
pearson = _fixed["pearson"]
neyman = _fixed["neyman"]
squared_hellinger = _fixed["squared_hellinger"]
jeffreys = _fixed["jeffreys"]
js = _fixed["js"]
gan = _fixed["gan"]
total_variation = _fixed["total_variation"]
triangular = _fixed["triangular"]
le_cam = _fixed["le_cam"]
softened_reverse_kl = _fixed["softened_reverse_kl"]
softened_kl = _fixed["softened_kl"]

__all__ = [
    "Comparison",
    "DivergenceResult",
    "Results",
    "MCResult",
    "bhattacharyya",
    "divergence",
    "renyi",
    "dist",
    "toy",
    "TailWeights",
    "compare",
    "loss_tail_weights",
    "tail_weights",
    "ConjDomain",
    "CriticReport",
    "Estimate",
    "bound",
    "critic_report",
    "generator_estimate",
    "generator_loss",
    "log_ratio",
    "Divergence",
    "alpha",
    "discrete",
    "gan",
    "get",
    "get_num_threads",
    "jeffreys",
    "js",
    "js_weighted",
    "kl",
    "le_cam",
    "names",
    "neyman",
    "pearson",
    "reverse_kl",
    "set_num_threads",
    "show_config",
    "softened_kl",
    "softened_reverse_kl",
    "squared_hellinger",
    "total_variation",
    "triangular",
    "plot",
    "ufuncs",
]
