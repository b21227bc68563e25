"""Every 1-D fdiv.dist family with its scipy.stats twin (density and sampler tests)."""

import scipy.stats as st

from fdiv import dist

SCIPY_TWINS = [
    (dist.Normal(0.5, 2.0), st.norm(0.5, 2.0)),
    (dist.Laplace(-1.0, 0.5), st.laplace(-1.0, 0.5)),
    (dist.Logistic(0.0, 3.0), st.logistic(0.0, 3.0)),
    (dist.Cauchy(1.0, 0.1), st.cauchy(1.0, 0.1)),
    (dist.StudentT(3.0, 1.0, 2.0), st.t(3.0, 1.0, 2.0)),
    (dist.Uniform(-1.0, 2.0), st.uniform(-1.0, 3.0)),
    (dist.Beta(2.0, 0.5), st.beta(2.0, 0.5)),
    (dist.Gamma(2.5, 1.5), st.gamma(2.5, scale=1.5)),
    (dist.Exponential(2.0), st.expon(scale=2.0)),
]
