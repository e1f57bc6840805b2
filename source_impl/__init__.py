"""Reference implementation of chapter 5 of Zhou Zhihua's *Machine Learning*: the answer key.

The names in ``__all__`` are the student API: every stub in the assignment notebooks has the
same name, parameters and return value, and the graders compare students against these.
The modules also hold what the kit itself needs (the batch path, data loaders); those are
not graded.
"""

from .bp import (
    bp_step,
    delta_gamma,
    delta_theta,
    delta_v,
    delta_w,
    hidden_gradient,
    output_gradient,
)
from .chain_rule import db_dalpha, db_dgamma, dE_dyhat, dyhat_dbeta, dyhat_dtheta
from .network import Params, forward, init_params, sigmoid, squared_error
from .perceptron import (
    augment,
    distance_to_hyperplane,
    perceptron_delta,
    perceptron_gradient,
    perceptron_loss,
    perceptron_predict,
    train_perceptron,
)
from .training import accumulated_error, train_accumulated_bp, train_standard_bp

__all__ = [
    # perceptron, section 5.2
    "augment",
    "perceptron_predict",
    "distance_to_hyperplane",
    "perceptron_loss",
    "perceptron_gradient",
    "perceptron_delta",
    "train_perceptron",
    # network and standard BP, section 5.3
    "sigmoid",
    "forward",
    "squared_error",
    "dE_dyhat",
    "dyhat_dbeta",
    "dyhat_dtheta",
    "db_dalpha",
    "db_dgamma",
    "output_gradient",
    "hidden_gradient",
    "delta_w",
    "delta_theta",
    "delta_v",
    "delta_gamma",
    "Params",
    "init_params",
    "bp_step",
    "accumulated_error",
    "train_standard_bp",
    "train_accumulated_bp",
]
