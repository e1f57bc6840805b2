"""Params, the network's parameters: given to you, and the very class the course's grader uses.

Standard library and NumPy only: this file ships beside the notebook, which imports it
(``from params import Params``); the self-check and the hidden grader use it too.
"""

from typing import NamedTuple

import numpy as np


class Params(NamedTuple):
    """The parameters of the network of section 5.3 (Fig. 5.7), in the order forward takes them.

    ``forward(x, *params)``; fields by name: ``params.w``.

    v : ndarray, shape (d, q), v_ih weighs input i into hidden unit h
    gamma : ndarray, shape (q,), γ_h, hidden unit h's threshold
    w : ndarray, shape (q, l), w_hj weighs hidden unit h into output j
    theta : ndarray, shape (l,), θ_j, output j's threshold
    """

    v: np.ndarray
    gamma: np.ndarray
    w: np.ndarray
    theta: np.ndarray
