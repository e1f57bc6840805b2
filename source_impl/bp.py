"""Standard BP for one sample (section 5.3): g, e, the four updates, and one step of Fig. 5.8.

Every Δ is −η times a partial derivative of E_k; g and e are NEGATIVE gradients, which is
why Δw and Δv have a plus sign and the threshold updates Δθ and Δγ a minus sign.

``output_gradient`` and ``hidden_gradient`` are elementwise and matrix products, so they
also take a batch (rows are samples): the batch path reuses them.
"""

import numpy as np

from .arrays import Array, ArrayLike
from .chain_rule import db_dalpha, dE_dyhat, dyhat_dbeta
from .network import Params, forward

# its part of the student API (source_impl.__all__)
__all__ = [
    "output_gradient",
    "hidden_gradient",
    "delta_w",
    "delta_theta",
    "delta_v",
    "delta_gamma",
    "bp_step",
]


def output_gradient(y_hat: ArrayLike, y: ArrayLike) -> Array:
    """Eq. (5.10): g_j = −∂E_k/∂ŷ_j · ∂ŷ_j/∂β_j = ŷ_j(1 − ŷ_j)(y_j − ŷ_j).

    Parameters
    ----------
    y_hat : ndarray, shape (l,)
    y : ndarray, shape (l,)

    Returns
    -------
    g : ndarray, shape (l,)
    """
    return -dE_dyhat(y_hat, y) * dyhat_dbeta(y_hat)


def hidden_gradient(b: ArrayLike, w: ArrayLike, g: ArrayLike) -> Array:
    """Eq. (5.15): e_h = −∂E_k/∂b_h · ∂b_h/∂α_h = b_h(1 − b_h) Σ_j w_hj g_j.

    Parameters
    ----------
    b : ndarray, shape (q,)
    w : ndarray, shape (q, l), the weights BEFORE this step's update
    g : ndarray, shape (l,)

    Returns
    -------
    e : ndarray, shape (q,)
    """
    return db_dalpha(b) * (np.asarray(g, dtype=float) @ np.asarray(w, dtype=float).T)


def delta_w(eta: float, g: Array, b: Array) -> Array:
    """Eq. (5.11): Δw_hj = η g_j b_h.

    Parameters
    ----------
    eta : float
    g : ndarray, shape (l,)
    b : ndarray, shape (q,)

    Returns
    -------
    ndarray, shape (q, l)
    """
    return eta * np.outer(b, g)


def delta_theta(eta: float, g: ArrayLike) -> Array:
    """Eq. (5.12): Δθ_j = −η g_j.

    Parameters
    ----------
    eta : float
    g : ndarray, shape (l,)

    Returns
    -------
    ndarray, shape (l,)
    """
    return -eta * np.asarray(g, dtype=float)


def delta_v(eta: float, e: Array, x: Array) -> Array:
    """Eq. (5.13): Δv_ih = η e_h x_i.

    Parameters
    ----------
    eta : float
    e : ndarray, shape (q,)
    x : ndarray, shape (d,)

    Returns
    -------
    ndarray, shape (d, q)
    """
    return eta * np.outer(x, e)


def delta_gamma(eta: float, e: ArrayLike) -> Array:
    """Eq. (5.14): Δγ_h = −η e_h.

    Parameters
    ----------
    eta : float
    e : ndarray, shape (q,)

    Returns
    -------
    ndarray, shape (q,)
    """
    return -eta * np.asarray(e, dtype=float)


def bp_step(x: Array, y: ArrayLike, params: Params, eta: float) -> Params:
    """One inner iteration of standard BP (Fig. 5.8) on the sample (x, y).

    Computes ŷ (5.3), g (5.10) and e (5.15) with the current parameters (e uses w before
    it is updated), then applies (5.11)–(5.14). The inputs are not modified.

    Parameters
    ----------
    x : ndarray, shape (d,)
    y : ndarray, shape (l,)
    params : Params(v (d, q), gamma (q,), w (q, l), theta (l,))
    eta : float

    Returns
    -------
    Params, the updated parameters (new arrays)
    """
    b, y_hat = forward(x, *params)
    g = output_gradient(y_hat, y)
    e = hidden_gradient(b, params.w, g)
    return Params(
        v=params.v + delta_v(eta, e, x),
        gamma=params.gamma + delta_gamma(eta, e),
        w=params.w + delta_w(eta, g, b),
        theta=params.theta + delta_theta(eta, g),
    )
