"""Random networks and samples of random shapes for the tests, d, q and l = 1 included."""

import numpy as np

from source_impl import Params

# (d, q, l): every size 1 somewhere, the exercise 5.5 shape, and a few random ones.
SHAPES = [(1, 1, 1), (2, 2, 1), (1, 3, 2), (4, 1, 3), (3, 5, 2), (19, 5, 1)] + [
    tuple(int(n) for n in np.random.default_rng(seed).integers(1, 8, size=3)) for seed in range(6)
]


def random_network(d, q, l, seed):
    """A sample (x (d,), y (l,)), parameters with both signs, and a learning rate in (0, 1)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, d)
    y = rng.uniform(0, 1, l)
    params = Params(
        v=rng.normal(size=(d, q)),
        gamma=rng.normal(size=q),
        w=rng.normal(size=(q, l)),
        theta=rng.normal(size=l),
    )
    eta = rng.uniform(0.05, 0.95)
    return x, y, params, eta


def random_data(m, d, l, seed):
    """A data set X (m, d), Y (m, l) with targets in [0, 1]."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (m, d)), rng.uniform(0, 1, (m, l))
