"""Static metadata of the catalogue (MATH.md §2, §5.2): no numerics here.

Values that a kernel computes (f(0+), f'(inf)) are not repeated: Divergence takes them from
the kernels themselves.
"""

import math

INF = math.inf

# id: (dual id, symmetric, (L, R) tail weights, hi of dom f* included, title, formula)
CATALOGUE = {
    "kl": ("reverse_kl", False, (1.0, 2.0), False, "Kullback-Leibler KL(P||Q)", "u log u"),
    "reverse_kl": ("kl", False, (2.0, 1.0), False, "reverse KL, KL(Q||P)", "-log u"),
    "pearson": ("neyman", False, (0.0, 3.0), False, "Pearson chi^2", "(u - 1)^2"),
    "neyman": ("pearson", False, (3.0, 0.0), True, "Neyman chi^2", "(1 - u)^2 / u"),
    "squared_hellinger": (
        "squared_hellinger",
        True,
        (1.5, 1.5),
        False,
        "squared Hellinger, int (sqrt p - sqrt q)^2",
        "(sqrt(u) - 1)^2",
    ),
    "jeffreys": (
        "jeffreys",
        True,
        (2.0, 2.0),
        False,
        "Jeffreys, KL(P||Q) + KL(Q||P)",
        "(u - 1) log u",
    ),
    "js": (
        "js",
        True,
        (1.0, 1.0),
        False,
        "Jensen-Shannon (<= log 2)",
        "(u log u - (1 + u) log((1 + u)/2)) / 2",
    ),
    "js_weighted": (
        "js_weighted",
        None,
        (1.0, 1.0),
        False,
        "weighted Jensen-Shannon, pi KL(P||M) + (1-pi) KL(Q||M), M = pi P + (1-pi) Q",
        "pi u log u - m log m, m = pi u + 1 - pi",
    ),
    "gan": (
        "gan",
        True,
        (1.0, 1.0),
        False,
        "f-GAN 'GAN' divergence, 2 JS - log 4 (f(1) = -log 4)",
        "u log u - (1 + u) log(1 + u)",
    ),
    "total_variation": (
        "total_variation",
        True,
        (-INF, -INF),
        True,
        "total variation (<= 1)",
        "|u - 1| / 2",
    ),
    "triangular": (
        "triangular",
        True,
        (0.0, 0.0),
        True,
        "triangular discrimination, int (p - q)^2/(p + q)",
        "(u - 1)^2 / (u + 1)",
    ),
    "le_cam": (
        "le_cam",
        True,
        (0.0, 0.0),
        True,
        "Le Cam distance (triangular / 2)",
        "(u - 1)^2 / (2 (u + 1))",
    ),
    "alpha": (
        "alpha",
        None,
        None,
        None,
        "alpha-divergence (Cichocki-Amari)",
        "(u^a - 1 - a (u - 1)) / (a (a - 1))",
    ),
    "softened_reverse_kl": (
        "softened_kl",
        False,
        (2.0, 0.0),
        True,
        "softened reverse KL (Shannon et al. 2020), KL(Q||P) - 2 JS",
        "(1 + u) log((1 + u)/(2u))",
    ),
    "softened_kl": (
        "softened_reverse_kl",
        False,
        (0.0, 2.0),
        False,
        "softened KL, KL(P||Q) - 2 JS",
        "(1 + u) log((1 + u)/2)",
    ),
}

PARAMETERS = {"alpha": "alpha", "js_weighted": "pi"}
