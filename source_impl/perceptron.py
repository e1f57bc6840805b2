"""The perceptron of section 5.2, in the augmented form the course slides use.

Conventions, written once here and tested in ``tests/test_perceptron.py``:

* labels are y ∈ {0, 1} and the step is sgn(z) = 1 if z ≥ 0 else 0 (so sgn(0) = 1);
* x̂ = (x; 1) and ŵ = (w; b), so wᵀx + b = ŵᵀx̂.  The book writes a threshold θ that is
  *subtracted*, y = f(Σ wᵢxᵢ − θ): that is the same model with b = −θ.
"""

import numpy as np

from .arrays import Array, ArrayLike, IntArray

# its part of the student API (source_impl.__all__)
__all__ = [
    "augment",
    "perceptron_predict",
    "distance_to_hyperplane",
    "perceptron_loss",
    "perceptron_gradient",
    "perceptron_delta",
    "train_perceptron",
]


def augment(X: ArrayLike) -> Array:
    """Append the constant input 1: x̂ = (x; 1).

    Parameters
    ----------
    X : array_like, shape (n,) for one sample or (m, n) for m samples

    Returns
    -------
    X_hat : ndarray of float64, shape (n + 1,) or (m, n + 1)
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        return np.append(X, 1.0)
    if X.ndim == 2:
        return np.hstack([X, np.ones((X.shape[0], 1))])
    raise ValueError(f"augment expects one sample (n,) or a matrix (m, n); got shape {X.shape}")


def perceptron_predict(w_hat: ArrayLike, X_hat: ArrayLike) -> int | IntArray:
    """Predicted label ŷ = sgn(ŵᵀx̂), with sgn(z) = 1 if z ≥ 0 else 0.

    Parameters
    ----------
    w_hat : ndarray, shape (n + 1,)
    X_hat : ndarray, shape (n + 1,) for one sample or (m, n + 1)

    Returns
    -------
    y_hat : int for one sample, ndarray of int, shape (m,), for a matrix
    """
    z = np.asarray(X_hat, dtype=float) @ np.asarray(w_hat, dtype=float)
    if np.ndim(z) == 0:
        return int(z >= 0)
    return (z >= 0).astype(int)


def distance_to_hyperplane(w: ArrayLike, b: float, x0: ArrayLike) -> float:
    """Distance of the point x₀ to the hyperplane S: wᵀx + b = 0, namely |wᵀx₀ + b| / ‖w‖₂.

    Parameters
    ----------
    w : ndarray, shape (n,)
    b : float
    x0 : ndarray, shape (n,)

    Returns
    -------
    distance : float
    """
    w = np.asarray(w, dtype=float)
    norm = np.linalg.norm(w)
    if norm == 0:
        raise ValueError("w = 0 defines no hyperplane: the distance is undefined")
    return float(abs(w @ np.asarray(x0, dtype=float) + b) / norm)


def perceptron_loss(w_hat: Array, X_hat: ArrayLike, y: ArrayLike) -> float:
    """Perceptron loss L(ŵ) = Σ_{i∈M} (ŷᵢ − yᵢ) ŵᵀx̂ᵢ.

    Every term is ≥ 0, so L ≥ 0, and L = 0 when M is empty (a misclassified point lying
    exactly on the hyperplane also contributes 0).

    Parameters
    ----------
    w_hat : ndarray, shape (n + 1,)
    X_hat : ndarray, shape (m, n + 1)
    y : ndarray of {0, 1}, shape (m,)

    Returns
    -------
    L : float
    """
    errors, X_hat_M = _misclassified(w_hat, X_hat, y)
    return float(np.sum(errors * (X_hat_M @ w_hat)))


def perceptron_gradient(w_hat: ArrayLike, X_hat: ArrayLike, y: ArrayLike) -> Array:
    """Gradient of the perceptron loss, ∇L(ŵ) = Σ_{i∈M} (ŷᵢ − yᵢ) x̂ᵢ.

    ŷᵢ and M are held fixed when differentiating: they are piecewise constant in ŵ.

    Parameters
    ----------
    w_hat : ndarray, shape (n + 1,)
    X_hat : ndarray, shape (m, n + 1)
    y : ndarray of {0, 1}, shape (m,)

    Returns
    -------
    grad : ndarray, shape (n + 1,)
    """
    errors, X_hat_M = _misclassified(w_hat, X_hat, y)
    return errors @ X_hat_M


def _misclassified(w_hat: ArrayLike, X_hat: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
    """The points of M = { i : ŷᵢ ≠ yᵢ }: their ŷᵢ − yᵢ (each ±1) and their rows x̂ᵢ."""
    X_hat, y = np.asarray(X_hat, dtype=float), np.asarray(y)
    y_hat = np.asarray(perceptron_predict(w_hat, X_hat))  # X_hat is a matrix: an array already
    M = y_hat != y
    return (y_hat[M] - y[M]).astype(float), X_hat[M]


def perceptron_delta(w_hat: ArrayLike, x_hat: ArrayLike, y: int, eta: float) -> Array:
    """Eq. (5.2): Δŵ = −η∇L = η(y − ŷ) x̂ for one sample; the update (5.1) is ŵ ← ŵ + Δŵ.

    On a correctly classified sample y − ŷ = 0, so Δŵ = 0.

    Parameters
    ----------
    w_hat : ndarray, shape (n + 1,)
    x_hat : ndarray, shape (n + 1,)
    y : int, 0 or 1
    eta : float, learning rate in (0, 1)

    Returns
    -------
    delta_w_hat : ndarray, shape (n + 1,)
    """
    y_hat = perceptron_predict(w_hat, x_hat)
    return eta * (y - y_hat) * np.asarray(x_hat, dtype=float)


def train_perceptron(
    X_hat: Array, y: IntArray, w_hat0: ArrayLike, eta: float, max_epochs: int
) -> tuple[Array, list[int]]:
    """Train with Eq. (5.2): pass over the samples in order, updating ŵ on each mistake.

    Stops after the first pass without a mistake, or after ``max_epochs`` passes.

    Parameters
    ----------
    X_hat : ndarray, shape (m, n + 1)
    y : ndarray of {0, 1}, shape (m,)
    w_hat0 : ndarray, shape (n + 1,), the starting ŵ (not modified)
    eta : float, learning rate in (0, 1)
    max_epochs : int

    Returns
    -------
    w_hat : ndarray, shape (n + 1,)
    mistakes_per_epoch : list of int, one entry per pass made
    """
    w_hat = np.array(w_hat0, dtype=float)
    mistakes_per_epoch = []
    for _ in range(max_epochs):
        mistakes = 0
        for x_hat, y_i in zip(X_hat, y):
            if perceptron_predict(w_hat, x_hat) != y_i:
                w_hat = w_hat + perceptron_delta(w_hat, x_hat, y_i, eta)
                mistakes += 1
        mistakes_per_epoch.append(mistakes)
        if mistakes == 0:
            break
    return w_hat, mistakes_per_epoch
