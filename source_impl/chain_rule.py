"""The chain-rule factors of the BP derivation (section 5.3), one function each, elementwise.

They are the pieces the slides compute one by one before assembling g (5.10) and e (5.15).
The sigmoid's derivative is written from its output, f′ = f(1 − f) (5.9); the factors with
respect to a threshold carry a minus sign because thresholds are subtracted.
"""

import numpy as np

from .arrays import Array, ArrayLike

# its part of the student API (source_impl.__all__)
__all__ = ["dE_dyhat", "dyhat_dbeta", "dyhat_dtheta", "db_dalpha", "db_dgamma"]


def dE_dyhat(y_hat: ArrayLike, y: ArrayLike) -> Array:
    """∂E_k/∂ŷ_j = ŷ_j − y_j, from E_k = ½ Σ_j (ŷ_j − y_j)² (5.4).

    Parameters
    ----------
    y_hat, y : ndarray, shape (l,)

    Returns
    -------
    ndarray, shape (l,)
    """
    return np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)


def dyhat_dbeta(y_hat: ArrayLike) -> Array:
    """∂ŷ_j/∂β_j = f′(β_j − θ_j) = ŷ_j(1 − ŷ_j), by (5.9).

    Parameters
    ----------
    y_hat : ndarray, shape (l,)

    Returns
    -------
    ndarray, shape (l,)
    """
    y_hat = np.asarray(y_hat, dtype=float)
    return y_hat * (1.0 - y_hat)


def dyhat_dtheta(y_hat: ArrayLike) -> Array:
    """∂ŷ_j/∂θ_j = −ŷ_j(1 − ŷ_j): θ_j is subtracted inside f(β_j − θ_j).

    Parameters
    ----------
    y_hat : ndarray, shape (l,)

    Returns
    -------
    ndarray, shape (l,)
    """
    return -dyhat_dbeta(y_hat)


def db_dalpha(b: ArrayLike) -> Array:
    """∂b_h/∂α_h = f′(α_h − γ_h) = b_h(1 − b_h), by (5.9).

    Parameters
    ----------
    b : ndarray, shape (q,)

    Returns
    -------
    ndarray, shape (q,)
    """
    b = np.asarray(b, dtype=float)
    return b * (1.0 - b)


def db_dgamma(b: ArrayLike) -> Array:
    """∂b_h/∂γ_h = −b_h(1 − b_h): γ_h is subtracted inside f(α_h − γ_h).

    Parameters
    ----------
    b : ndarray, shape (q,)

    Returns
    -------
    ndarray, shape (q,)
    """
    return -db_dalpha(b)
