"""No function of the student API modifies its arguments: they are pure, as students' must be."""

import numpy as np
import pytest
from networks import random_data, random_network

import source_impl as api


def arguments():
    """Arguments for every function of the student API, built afresh for each test."""
    x, y, params, eta = random_network(3, 4, 2, seed=0)
    X, Y = random_data(6, 3, 2, seed=1)
    b, y_hat = api.forward(x, *params)
    g = api.output_gradient(y_hat, y)
    e = api.hidden_gradient(b, params.w, g)
    w_hat = np.array([0.5, -1.0, 0.2])
    X_hat = api.augment(np.random.default_rng(2).normal(size=(8, 2)))
    labels = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    return {
        "augment": (X_hat[:, :2].copy(),),
        "perceptron_predict": (w_hat, X_hat),
        "distance_to_hyperplane": (w_hat[:2], 0.3, X_hat[0, :2].copy()),
        "perceptron_loss": (w_hat, X_hat, labels),
        "perceptron_gradient": (w_hat, X_hat, labels),
        "perceptron_delta": (w_hat, X_hat[0], 1, 0.5),
        "train_perceptron": (X_hat, labels, w_hat, 0.5, 10),
        "sigmoid": (np.array([-1000.0, 0.0, 3.0]),),
        "forward": (x, *params),
        "squared_error": (y_hat, y),
        "dE_dyhat": (y_hat, y),
        "dyhat_dbeta": (y_hat,),
        "dyhat_dtheta": (y_hat,),
        "db_dalpha": (b,),
        "db_dgamma": (b,),
        "output_gradient": (y_hat, y),
        "hidden_gradient": (b, params.w, g),
        "delta_w": (eta, g, b),
        "delta_theta": (eta, g),
        "delta_v": (eta, e, x),
        "delta_gamma": (eta, e),
        "init_params": (3, 4, 2, np.random.default_rng(3)),
        "bp_step": (x, y, params, eta),
        "accumulated_error": (X, Y, params),
        "train_standard_bp": (X, Y, params, eta, 3),
        "train_accumulated_bp": (X, Y, params, eta, 3),
    }


FUNCTIONS = [name for name in api.__all__ if name != "Params"]


def test_every_function_of_the_student_api_is_checked():
    assert sorted(arguments()) == sorted(FUNCTIONS)


def snapshot(value):
    """A deep copy of the arrays inside value (tuples of arrays included)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(snapshot(v) for v in value)
    return value


def assert_same(before, after):
    if isinstance(before, np.ndarray):
        np.testing.assert_array_equal(before, after)
    elif isinstance(before, tuple):
        for b, a in zip(before, after):
            assert_same(b, a)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_the_function_leaves_its_arguments_unchanged(name):
    args = arguments()[name]
    before = snapshot(args)
    getattr(api, name)(*args)
    assert_same(before, args)
