"""What the item records share: the building blocks of hidden cases, the case builders of more than
one item, a hint, and the making of purity arguments.

Every function here draws from the ``rng`` it is given, in a fixed order: a case is its draws, so
changing the order of the draws changes every student's hidden cases.

Isolation: every argument that is an upstream quantity (b, ŷ, g, e) is computed here by the
reference, so a wrong upstream function costs only its own item. Training cases are small so
that grading stays fast.
"""

from collections.abc import Callable
from typing import TypeVar

import numpy as np
from numpy.random import Generator

import source_impl as ref
from source_impl.arrays import Array
from source_impl.datasets import load_watermelon3_0
from source_impl.network import Params

from .record import Arguments

Built = TypeVar("Built")  # the values a purity test's build() makes

# (Chinese, English): for the items of both assignments whose Δ is scaled by η
ETA_HINT = ("学习率 η 出现在 Δ 的哪里？", "where does the learning rate η enter the Δ?")


def fresh(
    build: Callable[[], Built], pick: Callable[[Built], Arguments]
) -> Callable[[], Arguments]:
    """A record's purity_arguments: pick(values) on values that build() makes anew at each call."""
    return lambda: pick(build())


# --- building blocks --------------------------------------------------------------------


def size(rng: Generator, low: int = 1, high: int = 6) -> int:
    return int(rng.integers(low, high + 1))


def learning_rate(rng: Generator) -> float:
    return float(rng.uniform(0.05, 0.95))


def extreme_learning_rate(rng: Generator) -> float:
    """η near 0 or near 1, the ends of (0, 1)."""
    return (
        float(rng.uniform(1e-5, 1e-3)) if rng.random() < 0.5 else float(rng.uniform(0.99, 0.99999))
    )


def saturating(rng: Generator, n: int) -> Array:
    """Pre-activations far into the sigmoid's flat tails, both signs, ±1000 included."""
    z = rng.choice([-1.0, 1.0], n) * rng.uniform(30.0, 1000.0, n)
    z.flat[0] = 1000.0 * rng.choice([-1.0, 1.0])
    return z


def outputs(rng: Generator, n: int, saturated: bool = False) -> Array:
    """Sigmoid outputs in (0, 1), or, saturated, within 1e-13 of 0 or 1 (exactly 0 or 1 included)."""
    z = saturating(rng, n) if saturated else rng.normal(0.0, 2.0, n)
    return ref.sigmoid(z)


def network(
    rng: Generator,
    d: int | None = None,
    q: int | None = None,
    l: int | None = None,
    scale: float = 1.0,
) -> tuple[Array, Array, Params]:
    """A sample (x, y) and parameters with both signs; scale > 1 drives the sigmoids into saturation."""
    d, q, l = d or size(rng), q or size(rng), l or size(rng)
    x = rng.uniform(-1.0, 1.0, d)
    y = rng.uniform(0.0, 1.0, l)
    params = ref.Params(
        v=scale * rng.normal(size=(d, q)),
        gamma=rng.normal(size=q),
        w=scale * rng.normal(size=(q, l)),
        theta=rng.normal(size=l),
    )
    return x, y, params


def upstream(x: Array, y: Array, params: Params) -> tuple[Array, Array, Array, Array]:
    """The reference's b, ŷ, g and e at (x, y, params)."""
    b, y_hat = ref.forward(x, *params)
    g = ref.output_gradient(y_hat, y)
    return b, y_hat, g, ref.hidden_gradient(b, params.w, g)


def data(
    rng: Generator, m: int | None = None, d: int | None = None, l: int | None = None
) -> tuple[Array, Array, Params]:
    """A data set X (m, d), Y (m, l) and parameters of a small network."""
    m, d, q, l = m or size(rng, 3, 6), d or size(rng, 1, 3), size(rng, 1, 3), l or size(rng, 1, 2)
    params = ref.Params(
        v=rng.normal(size=(d, q)),
        gamma=rng.normal(size=q),
        w=rng.normal(size=(q, l)),
        theta=rng.normal(size=l),
    )
    return rng.uniform(-1.0, 1.0, (m, d)), rng.uniform(0.0, 1.0, (m, l)), params


def hyperplane(rng: Generator, n: int) -> tuple[Array, int]:
    """Integer ŵ = (w; b) with a coefficient 1, so that points exactly on wᵀx + b = 0 are exact in float64."""
    w_hat = rng.integers(-4, 5, n + 1).astype(float)
    pivot = int(rng.integers(n))
    w_hat[pivot] = 1.0
    return w_hat, pivot


def points_on(rng: Generator, w_hat: Array, pivot: int, m: int) -> Array:
    """m augmented points x̂ with ŵᵀx̂ = 0 exactly."""
    X_hat = ref.augment(rng.integers(-5, 6, (m, len(w_hat) - 1)).astype(float))
    X_hat[:, pivot] = 0.0
    X_hat[:, pivot] = -(X_hat @ w_hat)
    return X_hat


def labelled(rng: Generator, m: int | None = None, n: int | None = None) -> tuple[Array, Array]:
    """ŵ and m augmented points x̂ of n inputs, normally distributed."""
    m, n = m or size(rng, 4, 8), n or size(rng, 1, 4)
    w_hat = rng.normal(size=n + 1)
    X_hat = ref.augment(rng.normal(size=(m, n)))
    return w_hat, X_hat


# --- case builders of several items ------------------------------------------------------


def loss_general(rng: Generator) -> Arguments:
    """(ŵ, X̂, y) with at least one misclassified point."""
    w_hat, X_hat = labelled(rng)
    y = rng.integers(0, 2, len(X_hat))
    y[0] = 1 - ref.perceptron_predict(w_hat, X_hat[0])  # M is never empty here
    return w_hat, X_hat, y


def loss_all_correct(rng: Generator) -> Arguments:
    """(ŵ, X̂, y) with every point classified correctly: M is empty."""
    w_hat, X_hat = labelled(rng)
    return w_hat, X_hat, ref.perceptron_predict(w_hat, X_hat)


def loss_on_hyperplane(rng: Generator) -> Arguments:
    """Points on the hyperplane labelled 0: misclassified (sgn(0) = 1) yet adding 0 to the loss."""
    n = size(rng, 1, 4)
    w_hat, pivot = hyperplane(rng, n)
    on = points_on(rng, w_hat, pivot, size(rng, 1, 3))
    off = ref.augment(rng.normal(size=(size(rng, 2, 4), n)))
    X_hat = np.vstack([on, off])
    y = np.concatenate([np.zeros(len(on), dtype=int), rng.integers(0, 2, len(off))])
    order = rng.permutation(len(X_hat))
    return w_hat, X_hat[order], y[order]


def prediction_pair(
    rng: Generator, l: int | None = None, saturated: bool = False
) -> tuple[Array, Array]:
    """(ŷ, y) of l outputs."""
    l = l or size(rng)
    return outputs(rng, l, saturated), rng.uniform(0.0, 1.0, l)


def elementwise(rng: Generator, saturated: bool = False) -> tuple[Array]:
    """(f,): one vector of sigmoid outputs, the argument of a chain-rule factor."""
    return (outputs(rng, size(rng), saturated),)


def output_delta(
    rng: Generator, l: int | None = None, eta: float | None = None
) -> tuple[float, Array, Array]:
    """(η, g, b) at a random network: Δw's arguments; Δθ takes the first two."""
    x, y, params = network(rng, l=l)
    b, _, g, _ = upstream(x, y, params)
    return (eta or learning_rate(rng)), g, b


def hidden_delta(
    rng: Generator, d: int | None = None, q: int | None = None, eta: float | None = None
) -> tuple[float, Array, Array]:
    """(η, e, x) at a random network: Δv's arguments; Δγ takes the first two."""
    x, y, params = network(rng, d=d, q=q)
    _, _, _, e = upstream(x, y, params)
    return (eta or learning_rate(rng)), e, x


def training(rng: Generator) -> tuple[Array, Array, Params, float, int]:
    """(X, Y, params0, η, epochs) of a small data set, for a trainer."""
    X, Y, params = data(rng)
    return X, Y, params, learning_rate(rng), size(rng, 2, 4)


def training_watermelon(rng: Generator) -> tuple[Array, Array, Params, float, int]:
    """Exercise 5.5's data, 19 inputs and 17 samples, for a few epochs of a 19-3-1 network."""
    watermelon = load_watermelon3_0()
    params = ref.init_params(watermelon.X.shape[1], 3, 1, rng)
    return watermelon.X, watermelon.y[:, None].astype(float), params, learning_rate(rng), 3
