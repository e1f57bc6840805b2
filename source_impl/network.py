"""The single-hidden-layer network of section 5.3 (Fig. 5.7): parameters and forward pass.

Notation: d inputs, q hidden units, l outputs; v (d, q), γ (q,), w (q, l), θ (l,).
Thresholds are SUBTRACTED: b_h = f(α_h − γ_h) and ŷ_j = f(β_j − θ_j).

``forward`` and ``squared_error`` also take a batch: X of shape (m, d) gives B (m, q) and
Ŷ (m, l) through the same matrix products, which is what the batch path builds on.
"""

from typing import Any, overload

import numpy as np
from numpy.typing import NDArray

from .arrays import Array, ArrayLike
from .params import Params

# its part of the student API (source_impl.__all__)
__all__ = ["sigmoid", "forward", "squared_error", "Params", "init_params"]


@overload
def sigmoid(z: float) -> float: ...
@overload
def sigmoid(z: NDArray[Any]) -> Array: ...  # but a 0-d array gives a float
@overload
def sigmoid(z: ArrayLike) -> float | Array: ...
def sigmoid(z: ArrayLike) -> float | Array:
    """The logistic function f(z) = 1 / (1 + e^{−z}) of Eq. (5.3); f′(z) = f(z)(1 − f(z)) (5.9).

    Computed from e^{−|z|} ≤ 1 so that no finite z overflows, warns, or gives NaN.

    Parameters
    ----------
    z : float or ndarray, any shape

    Returns
    -------
    f(z) : float or ndarray of the same shape, in [0, 1]
    """
    z = np.asarray(z, dtype=float)
    small = np.exp(-np.abs(z))
    f = np.where(z >= 0, 1.0 / (1.0 + small), small / (1.0 + small))
    return float(f) if f.ndim == 0 else f


def forward(x: ArrayLike, v: Array, gamma: Array, w: Array, theta: Array) -> tuple[Array, Array]:
    """Forward pass, Eq. (5.3).

    α_h = Σᵢ v_ih xᵢ,  b_h = f(α_h − γ_h),  β_j = Σ_h w_hj b_h,  ŷ_j = f(β_j − θ_j).

    Parameters
    ----------
    x : ndarray, shape (d,)  (or (m, d) for a batch)
    v : ndarray, shape (d, q)
    gamma : ndarray, shape (q,)
    w : ndarray, shape (q, l)
    theta : ndarray, shape (l,)

    Returns
    -------
    b : ndarray, shape (q,)  (or (m, q)), hidden outputs
    y_hat : ndarray, shape (l,)  (or (m, l)), network outputs
    """
    b = sigmoid(np.asarray(x, dtype=float) @ v - gamma)
    y_hat = sigmoid(b @ w - theta)
    return b, y_hat


def squared_error(y_hat: ArrayLike, y: ArrayLike) -> float:
    """Eq. (5.4): E_k = ½ Σ_j (ŷ_j − y_j)².

    Parameters
    ----------
    y_hat : ndarray, shape (l,)
    y : ndarray, shape (l,)

    Returns
    -------
    E_k : float
    """
    diff = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
    return float(0.5 * np.sum(diff**2))


def init_params(d: int, q: int, l: int, rng: np.random.Generator) -> Params:
    """Fig. 5.8, first line: every weight and threshold drawn uniformly from (0, 1).

    The draws are made in the order v, γ, w, θ with ``rng.random``, so the same generator
    state always gives the same network.

    Parameters
    ----------
    d, q, l : int, the numbers of inputs, hidden units and outputs (each ≥ 1)
    rng : numpy.random.Generator

    Returns
    -------
    Params(v (d, q), gamma (q,), w (q, l), theta (l,))
    """
    for name, size in (("d", d), ("q", q), ("l", l)):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"init_params: {name} must be a positive integer, got {size!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "init_params: rng must be a numpy.random.Generator, "
            f"for example numpy.random.default_rng(0); got {type(rng).__name__}"
        )
    return Params(
        v=rng.random((d, q)), gamma=rng.random(q), w=rng.random((q, l)), theta=rng.random(l)
    )
