"""g, e, the four Δ's and one BP step equal −η times centred finite differences of E_k;
a tiny network worked by hand gives the numbers the book's formulas give; BP learns XOR."""

import numpy as np
import pytest
from gradient_check import numerical_gradient, relative_error
from networks import SHAPES, random_network

from source_impl import (
    Params,
    bp_step,
    delta_gamma,
    delta_theta,
    delta_v,
    delta_w,
    forward,
    hidden_gradient,
    init_params,
    output_gradient,
    sigmoid,
    squared_error,
    train_standard_bp,
)
from source_impl.datasets import logic_gate
from source_impl.training import classification_accuracy

TOLERANCE = 1e-6


def E_k(x, y, params):
    return squared_error(forward(x, *params)[1], y)


def E_k_gradient(x, y, params, name):
    """∂E_k/∂(one parameter array), numerically, the others held fixed."""
    return numerical_gradient(
        lambda value: E_k(x, y, params._replace(**{name: value})), getattr(params, name)
    )


@pytest.fixture(params=list(enumerate(SHAPES)), ids=lambda case: "d{}-q{}-l{}".format(*case[1]))
def case(request):
    seed, shape = request.param
    x, y, params, eta = random_network(*shape, seed)
    b, y_hat = forward(x, *params)
    g = output_gradient(y_hat, y)
    return dict(
        x=x, y=y, params=params, eta=eta, b=b, y_hat=y_hat, g=g, e=hidden_gradient(b, params.w, g)
    )


def test_g_is_minus_the_derivative_of_E_k_by_beta(case):
    theta, y = case["params"].theta, case["y"]
    beta = case["b"] @ case["params"].w
    numeric = numerical_gradient(lambda beta_: squared_error(sigmoid(beta_ - theta), y), beta)
    assert relative_error(case["g"], -numeric) < TOLERANCE


def test_e_is_minus_the_derivative_of_E_k_by_alpha(case):
    x, y, (v, gamma, w, theta) = case["x"], case["y"], case["params"]
    numeric = numerical_gradient(
        lambda alpha: squared_error(sigmoid(sigmoid(alpha - gamma) @ w - theta), y), x @ v
    )
    assert relative_error(case["e"], -numeric) < TOLERANCE


@pytest.mark.parametrize(
    "name, delta",
    [
        ("w", lambda c: delta_w(c["eta"], c["g"], c["b"])),
        ("theta", lambda c: delta_theta(c["eta"], c["g"])),
        ("v", lambda c: delta_v(c["eta"], c["e"], c["x"])),
        ("gamma", lambda c: delta_gamma(c["eta"], c["e"])),
    ],
    ids=["delta_w (5.11)", "delta_theta (5.12)", "delta_v (5.13)", "delta_gamma (5.14)"],
)
def test_each_delta_is_minus_eta_times_the_derivative_of_E_k(case, name, delta):
    numeric = E_k_gradient(case["x"], case["y"], case["params"], name)
    assert relative_error(delta(case), -case["eta"] * numeric) < TOLERANCE


def test_bp_step_moves_every_parameter_by_minus_eta_times_its_gradient(case):
    # All four gradients are taken at the old parameters: e must use w before its update.
    x, y, params, eta = case["x"], case["y"], case["params"], case["eta"]
    new = bp_step(x, y, params, eta)
    for name in Params._fields:
        step = getattr(new, name) - getattr(params, name)
        assert relative_error(step, -eta * E_k_gradient(x, y, params, name)) < TOLERANCE, name


def test_a_tiny_network_worked_by_hand():
    # α = 0.5, b = f(0.5 − 0.5) = ½;  β = 2·½ = 1, ŷ = f(1 − 1) = ½;  y = 1, η = 0.1.
    x, y = np.array([1.0, 0.0]), np.array([1.0])
    params = Params(
        v=np.array([[0.5], [0.2]]),
        gamma=np.array([0.5]),
        w=np.array([[2.0]]),
        theta=np.array([1.0]),
    )
    b, y_hat = forward(x, *params)
    assert b == pytest.approx([0.5]) and y_hat == pytest.approx([0.5])
    g = output_gradient(y_hat, y)  # ½·½·(1 − ½)
    assert g == pytest.approx([0.125])
    e = hidden_gradient(b, params.w, g)  # ½·½·(2·0.125)
    assert e == pytest.approx([0.0625])
    assert delta_w(0.1, g, b) == pytest.approx(np.array([[0.00625]]))
    assert delta_theta(0.1, g) == pytest.approx([-0.0125])
    assert delta_v(0.1, e, x) == pytest.approx(np.array([[0.00625], [0.0]]))
    assert delta_gamma(0.1, e) == pytest.approx([-0.00625])


def test_deltas_have_the_shapes_of_their_parameters():
    x, y, params, eta = random_network(4, 3, 2, seed=7)
    b, y_hat = forward(x, *params)
    g = output_gradient(y_hat, y)
    e = hidden_gradient(b, params.w, g)
    assert delta_w(eta, g, b).shape == (3, 2)
    assert delta_theta(eta, g).shape == (2,)
    assert delta_v(eta, e, x).shape == (4, 3)
    assert delta_gamma(eta, e).shape == (3,)


def test_bp_step_returns_new_arrays_and_leaves_its_inputs_alone():
    x, y, params, eta = random_network(3, 4, 2, seed=3)
    before = [a.copy() for a in (x, y, *params)]
    new = bp_step(x, y, params, eta)
    for old, kept in zip(before, (x, y, *params)):
        np.testing.assert_array_equal(old, kept)
    assert all(a is not b for a, b in zip(new, params))


@pytest.mark.parametrize("q", [2, 4], ids=["2-2-1", "2-4-1"])
def test_standard_bp_learns_xor(q):
    X, y, _ = logic_gate("XOR")
    Y = y[:, None].astype(float)
    params0 = init_params(2, q, 1, np.random.default_rng(0))
    # it is below 0.01 by epoch 830 (q = 2) and 490 (q = 4) from these starts
    params, history = train_standard_bp(X, Y, params0, 0.9, 2000)
    assert classification_accuracy(X, Y, params) == 1.0
    assert history[-1] < 0.01
