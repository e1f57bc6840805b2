"""Training the network: accumulated error (5.16), standard BP and accumulated BP.

Both trainers start from given parameters and are deterministic. Standard BP updates after
every sample, visiting them in order (Fig. 5.8); accumulated BP makes one update per pass
from the mean of the per-sample Δ's at the same, pre-update, parameters.
"""

from collections.abc import Callable

import numpy as np

from .arrays import Array, ArrayLike
from .batch import mean_deltas, mean_squared_error
from .bp import bp_step
from .network import Params, forward

# its part of the student API (source_impl.__all__)
__all__ = ["accumulated_error", "train_standard_bp", "train_accumulated_bp"]


def check_data(X: ArrayLike, Y: ArrayLike, params: Params) -> tuple[Array, Array, Params]:
    """Return X, Y, params as float arrays, or raise ValueError naming the shape that does not fit."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    if len(params) != 4:
        raise ValueError(f"params must be Params(v, gamma, w, theta); got {len(params)} items")
    params = Params(*(np.asarray(p, dtype=float) for p in params))
    v, gamma, w, theta = params
    if not (
        v.ndim == 2
        and w.ndim == 2
        and gamma.shape == (v.shape[1],)
        and w.shape[0] == v.shape[1]
        and theta.shape == (w.shape[1],)
    ):
        raise ValueError(
            "params do not fit together: expected v (d, q), gamma (q,), w (q, l), theta (l,); "
            f"got v {v.shape}, gamma {gamma.shape}, w {w.shape}, theta {theta.shape}"
        )
    d, l = v.shape[0], w.shape[1]
    if X.ndim != 2 or X.shape[1] != d or X.shape[0] == 0:
        raise ValueError(
            f"X must have shape (m, d) = (m, {d}) with m ≥ 1 to fit v {v.shape}; got {X.shape}"
        )
    if Y.shape != (X.shape[0], l):
        hint = " (for one output, pass y[:, None])" if Y.shape == (X.shape[0],) else ""
        raise ValueError(f"Y must have shape (m, l) = ({X.shape[0]}, {l}); got {Y.shape}{hint}")
    return X, Y, params


def accumulated_error(X: ArrayLike, Y: ArrayLike, params: Params) -> float:
    """Eq. (5.16): E = (1/m) Σ_k E_k, the mean over the data set of E_k (5.4).

    Parameters
    ----------
    X : ndarray, shape (m, d)
    Y : ndarray, shape (m, l)
    params : Params(v (d, q), gamma (q,), w (q, l), theta (l,))

    Returns
    -------
    E : float
    """
    return mean_squared_error(*check_data(X, Y, params))


def train_standard_bp(
    X: ArrayLike, Y: ArrayLike, params0: Params, eta: float, epochs: int
) -> tuple[Params, Array]:
    """Standard BP (Fig. 5.8): for each epoch, ``bp_step`` on every sample in order.

    Parameters
    ----------
    X : ndarray, shape (m, d)
    Y : ndarray, shape (m, l)
    params0 : Params, the starting parameters (not modified)
    eta : float, learning rate in (0, 1)
    epochs : int, number of passes over the data

    Returns
    -------
    params : Params after the last epoch
    history : ndarray, shape (epochs,), history[t] = E (5.16) at the end of epoch t
    """
    X, Y, params = check_data(X, Y, params0)

    def one_pass(params: Params) -> Params:
        for x, y in zip(X, Y):
            params = bp_step(x, y, params, eta)
        return params

    return _train(X, Y, params, epochs, one_pass)


def train_accumulated_bp(
    X: ArrayLike, Y: ArrayLike, params0: Params, eta: float, epochs: int
) -> tuple[Params, Array]:
    """Accumulated BP: minimise E (5.16) with one update per epoch.

    Each epoch adds the mean over the samples of the Δ's (5.11)–(5.14), all computed at
    the parameters of the start of the epoch.

    Parameters
    ----------
    X : ndarray, shape (m, d)
    Y : ndarray, shape (m, l)
    params0 : Params, the starting parameters (not modified)
    eta : float, learning rate in (0, 1)
    epochs : int, number of passes over the data

    Returns
    -------
    params : Params after the last epoch
    history : ndarray, shape (epochs,), history[t] = E (5.16) at the end of epoch t
    """
    X, Y, params = check_data(X, Y, params0)

    def one_pass(params: Params) -> Params:
        return Params(*map(np.add, params, mean_deltas(X, Y, params, eta)))

    return _train(X, Y, params, epochs, one_pass)


def _train(
    X: Array, Y: Array, params: Params, epochs: int, one_pass: Callable[[Params], Params]
) -> tuple[Params, Array]:
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
    history = np.empty(epochs)
    for t in range(epochs):
        params = one_pass(params)
        history[t] = mean_squared_error(X, Y, params)
    return params, history


def classification_accuracy(X: ArrayLike, Y: ArrayLike, params: Params) -> float:
    """Share of samples whose every output, thresholded at 0.5, equals its label."""
    X, Y, params = check_data(X, Y, params)
    _, Y_hat = forward(X, *params)
    return float(np.mean(np.all((Y_hat >= 0.5) == (Y >= 0.5), axis=1)))
