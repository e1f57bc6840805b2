"""Each chain-rule factor equals a centred finite difference of the quantity it differentiates,
and their products equal finite differences of E_k itself."""

import numpy as np
import pytest
from gradient_check import numerical_gradient, relative_error
from networks import SHAPES, random_network

from source_impl import (
    db_dalpha,
    db_dgamma,
    dE_dyhat,
    dyhat_dbeta,
    dyhat_dtheta,
    sigmoid,
    squared_error,
)

TOLERANCE = 1e-6


def pieces(d, q, l, seed):
    """α, β and the rest of the forward pass of a random network, spelled out."""
    x, y, (v, gamma, w, theta), _ = random_network(d, q, l, seed)
    alpha = x @ v
    b = sigmoid(alpha - gamma)
    beta = b @ w
    y_hat = sigmoid(beta - theta)
    return dict(
        x=x, y=y, v=v, gamma=gamma, w=w, theta=theta, alpha=alpha, b=b, beta=beta, y_hat=y_hat
    )


@pytest.fixture(params=list(enumerate(SHAPES)), ids=lambda case: "d{}-q{}-l{}".format(*case[1]))
def net(request):
    seed, shape = request.param
    return pieces(*shape, seed)


def test_dE_dyhat_is_the_derivative_of_E_k(net):
    numeric = numerical_gradient(lambda y_hat: squared_error(y_hat, net["y"]), net["y_hat"])
    assert relative_error(dE_dyhat(net["y_hat"], net["y"]), numeric) < TOLERANCE


def test_dyhat_dbeta_is_the_derivative_of_the_output_unit(net):
    # ŷ_j depends on β_j alone, so the gradient of Σ_j ŷ_j holds each ∂ŷ_j/∂β_j.
    numeric = numerical_gradient(lambda beta: np.sum(sigmoid(beta - net["theta"])), net["beta"])
    assert relative_error(dyhat_dbeta(net["y_hat"]), numeric) < TOLERANCE


def test_dyhat_dtheta_is_the_derivative_of_the_output_unit(net):
    numeric = numerical_gradient(lambda theta: np.sum(sigmoid(net["beta"] - theta)), net["theta"])
    assert relative_error(dyhat_dtheta(net["y_hat"]), numeric) < TOLERANCE


def test_db_dalpha_is_the_derivative_of_the_hidden_unit(net):
    numeric = numerical_gradient(lambda alpha: np.sum(sigmoid(alpha - net["gamma"])), net["alpha"])
    assert relative_error(db_dalpha(net["b"]), numeric) < TOLERANCE


def test_db_dgamma_is_the_derivative_of_the_hidden_unit(net):
    numeric = numerical_gradient(lambda gamma: np.sum(sigmoid(net["alpha"] - gamma)), net["gamma"])
    assert relative_error(db_dgamma(net["b"]), numeric) < TOLERANCE


def test_the_factors_chain_to_the_derivatives_of_E_k(net):
    y, w, theta, gamma = net["y"], net["w"], net["theta"], net["gamma"]

    def E_of_beta(beta):
        return squared_error(sigmoid(beta - theta), y)

    def E_of_theta(theta_):
        return squared_error(sigmoid(net["beta"] - theta_), y)

    def E_of_alpha(alpha):
        return E_of_beta(sigmoid(alpha - gamma) @ w)

    def E_of_gamma(gamma_):
        return E_of_beta(sigmoid(net["alpha"] - gamma_) @ w)

    dE_dbeta = dE_dyhat(net["y_hat"], y) * dyhat_dbeta(net["y_hat"])
    dE_db = w @ dE_dbeta  # ∂β_j/∂b_h = w_hj
    assert relative_error(dE_dbeta, numerical_gradient(E_of_beta, net["beta"])) < TOLERANCE
    assert (
        relative_error(
            dE_dyhat(net["y_hat"], y) * dyhat_dtheta(net["y_hat"]),
            numerical_gradient(E_of_theta, theta),
        )
        < TOLERANCE
    )
    assert (
        relative_error(dE_db * db_dalpha(net["b"]), numerical_gradient(E_of_alpha, net["alpha"]))
        < TOLERANCE
    )
    assert (
        relative_error(dE_db * db_dgamma(net["b"]), numerical_gradient(E_of_gamma, gamma))
        < TOLERANCE
    )


def test_the_factors_are_elementwise_and_keep_the_shape():
    values = np.array([0.1, 0.5, 0.9])
    for factor in (dyhat_dbeta, dyhat_dtheta, db_dalpha, db_dgamma):
        assert factor(values).shape == values.shape
    assert dE_dyhat(values, values[::-1]).shape == values.shape
