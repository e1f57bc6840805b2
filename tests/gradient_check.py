"""The independent oracle for every derivative in the kit: centred finite differences."""

import numpy as np

STEP = 1e-5


def numerical_gradient(f, x, h=STEP):
    """∂f/∂x by centred differences, (f(x + h eᵢ) − f(x − h eᵢ)) / 2h, for a scalar f of an array x."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        grad[index] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def relative_error(actual, expected):
    """‖actual − expected‖ / (‖actual‖ + ‖expected‖), and 0 when both are 0."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    scale = np.linalg.norm(actual) + np.linalg.norm(expected)
    return 0.0 if scale == 0 else float(np.linalg.norm(actual - expected) / scale)
