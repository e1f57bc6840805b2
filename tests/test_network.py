"""The network of §5.3: a sigmoid that never overflows, the forward pass (5.3), E_k (5.4) and
the initialisation of Fig. 5.8."""

import warnings

import numpy as np
import pytest

from source_impl import Params, forward, init_params, sigmoid, squared_error


def test_sigmoid_matches_the_textbook_formula_where_that_is_safe():
    z = np.linspace(-30, 30, 121)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-14)
    assert sigmoid(0.0) == 0.5
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)


def test_sigmoid_stays_finite_and_silent_at_plus_and_minus_1000():
    z = np.array([-1000.0, -745.0, -1e308, 1000.0, 1e308, np.finfo(float).max])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        f = sigmoid(z)
    assert np.all(np.isfinite(f))
    assert np.all((f >= 0) & (f <= 1))
    assert f[0] == 0.0 and f[3] == 1.0


def test_sigmoid_returns_a_float_for_a_scalar_and_keeps_an_arrays_shape():
    assert isinstance(sigmoid(1.5), float)
    assert sigmoid(np.zeros((2, 3))).shape == (2, 3)


def test_forward_follows_eq_5_3_with_subtracted_thresholds():
    rng = np.random.default_rng(0)
    x, v, gamma, w, theta = (
        rng.normal(size=3),
        rng.normal(size=(3, 4)),
        rng.normal(size=4),
        rng.normal(size=(4, 2)),
        rng.normal(size=2),
    )
    b, y_hat = forward(x, v, gamma, w, theta)
    for h in range(4):
        alpha_h = sum(v[i, h] * x[i] for i in range(3))
        assert b[h] == pytest.approx(1 / (1 + np.exp(-(alpha_h - gamma[h]))), rel=1e-14)
    for j in range(2):
        beta_j = sum(w[h, j] * b[h] for h in range(4))
        assert y_hat[j] == pytest.approx(1 / (1 + np.exp(-(beta_j - theta[j]))), rel=1e-14)


def test_forward_on_a_batch_equals_forward_on_each_row():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(6, 3))
    params = Params(
        rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(2, 1)), rng.normal(size=1)
    )
    B, Y_hat = forward(X, *params)
    assert B.shape == (6, 2) and Y_hat.shape == (6, 1)
    for k, x in enumerate(X):
        b, y_hat = forward(x, *params)
        np.testing.assert_allclose(B[k], b, rtol=1e-15)
        np.testing.assert_allclose(Y_hat[k], y_hat, rtol=1e-15)


def test_squared_error_is_half_the_sum_of_squares():
    assert squared_error(np.array([0.2, 0.9]), np.array([0.0, 1.0])) == pytest.approx(
        0.5 * (0.04 + 0.01)
    )
    assert isinstance(squared_error(np.array([0.5]), np.array([1.0])), float)


def test_init_params_draws_v_gamma_w_theta_uniformly_in_0_1_in_that_order():
    params = init_params(19, 5, 1, np.random.default_rng(42))
    assert [p.shape for p in params] == [(19, 5), (5,), (5, 1), (1,)]
    assert all(np.all((p > 0) & (p < 1)) for p in params)
    rng = np.random.default_rng(42)
    expected = [
        rng.uniform(0, 1, (19, 5)),
        rng.uniform(0, 1, 5),
        rng.uniform(0, 1, (5, 1)),
        rng.uniform(0, 1, 1),
    ]
    for drawn, wanted in zip(params, expected):
        np.testing.assert_array_equal(drawn, wanted)


@pytest.mark.parametrize(
    "args, message",
    [
        ((0, 5, 1), "d must be a positive integer"),
        ((3, 2.5, 1), "q must be a positive integer"),
        ((3, 2, True), "l must be"),
    ],
)
def test_init_params_refuses_sizes_that_are_not_positive_integers(args, message):
    with pytest.raises(ValueError, match=message):
        init_params(*args, np.random.default_rng(0))


def test_init_params_refuses_a_seed_in_place_of_a_generator():
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        init_params(2, 2, 1, 0)
