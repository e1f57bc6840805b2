"""The batch path: accumulated BP's per-epoch quantities for the whole data set in one pass.

Rows are samples: X (m, d), Y (m, l). ``forward``, ``output_gradient`` and
``hidden_gradient`` work row-wise unchanged, so the batch path is the per-sample formulas
with the sums over k done by matrix products. ``per_sample_*`` are the same quantities
computed one sample at a time with the book's per-sample functions; the tests hold the two
paths equal to 1e-12 and the benchmarks compare their speed.
"""

import numpy as np

from .arrays import Array
from .bp import delta_gamma, delta_theta, delta_v, delta_w, hidden_gradient, output_gradient
from .network import Params, forward, squared_error


def mean_deltas(X: Array, Y: Array, params: Params, eta: float) -> Params:
    """Mean over the samples of the Δ's (5.11)–(5.14), all at the same parameters.

    Δw = η Bᵀ G / m,  Δθ = −η mean_k g_k,  Δv = η Xᵀ E / m,  Δγ = −η mean_k e_k,
    where G (m, l) stacks g_k (5.10), E (m, q) stacks e_k (5.15) and B (m, q) stacks b_k.

    Returns
    -------
    Params of the mean updates, shapes as params
    """
    B, Y_hat = forward(X, *params)
    G = output_gradient(Y_hat, Y)
    E = hidden_gradient(B, params.w, G)
    m = len(X)
    return Params(
        v=eta * (X.T @ E) / m,
        gamma=-eta * E.mean(axis=0),
        w=eta * (B.T @ G) / m,
        theta=-eta * G.mean(axis=0),
    )


def per_sample_mean_deltas(X: Array, Y: Array, params: Params, eta: float) -> Params:
    """``mean_deltas`` computed one sample at a time from (5.10)–(5.15)."""
    total = Params(*(np.zeros_like(p) for p in params))
    for x, y in zip(X, Y):
        b, y_hat = forward(x, *params)
        g = output_gradient(y_hat, y)
        e = hidden_gradient(b, params.w, g)
        step = Params(
            v=delta_v(eta, e, x),
            gamma=delta_gamma(eta, e),
            w=delta_w(eta, g, b),
            theta=delta_theta(eta, g),
        )
        total = Params(*map(np.add, total, step))
    return Params(*(t / len(X) for t in total))


def mean_squared_error(X: Array, Y: Array, params: Params) -> float:
    """E = (1/m) Σ_k E_k (5.16) from one batch forward pass: ½ ‖Ŷ − Y‖² / m."""
    _, Y_hat = forward(X, *params)
    return float(0.5 * np.sum((Y_hat - Y) ** 2) / len(X))


def per_sample_mean_squared_error(X: Array, Y: Array, params: Params) -> float:
    """``mean_squared_error`` computed one sample at a time from (5.3) and (5.4)."""
    return float(np.mean([squared_error(forward(x, *params)[1], y) for x, y in zip(X, Y)]))
