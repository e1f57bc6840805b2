"""The perceptron of §5.2: the augmented form, sgn(0) = 1, the book's gate weights, the loss
and its gradient against finite differences, Eq. (5.2), and training on the logic gates."""

import numpy as np
import pytest
from gradient_check import numerical_gradient, relative_error

from source_impl import (
    augment,
    distance_to_hyperplane,
    perceptron_delta,
    perceptron_gradient,
    perceptron_loss,
    perceptron_predict,
    train_perceptron,
)
from source_impl.datasets import logic_gate

# The book's examples, y = f(Σ wᵢxᵢ − θ), in the augmented form ŵ = (w; b) with b = −θ.
BOOK_GATE_WEIGHTS = {"AND": [1, 1, -2], "OR": [1, 1, -0.5], "NOT": [-0.6, 0.5]}


def random_problem(seed, m=30, n=3, margin=1e-3):
    """Random points, labels and ŵ, with no point within `margin` of the hyperplane."""
    rng = np.random.default_rng(seed)
    w_hat = rng.normal(size=n + 1)
    X_hat = augment(rng.normal(size=(m, n)))
    X_hat = X_hat[np.abs(X_hat @ w_hat) > margin]
    return w_hat, X_hat, rng.integers(0, 2, size=len(X_hat))


def test_augment_appends_a_one_to_a_sample_and_to_each_row():
    np.testing.assert_array_equal(augment([2.0, 3.0]), [2.0, 3.0, 1.0])
    np.testing.assert_array_equal(augment([[1, 2], [3, 4]]), [[1, 2, 1], [3, 4, 1]])
    assert augment([[1, 2]]).dtype == np.float64


def test_augment_refuses_a_three_dimensional_array():
    with pytest.raises(ValueError, match=r"shape \(2, 2, 2\)"):
        augment(np.zeros((2, 2, 2)))


def test_predict_gives_an_int_for_a_sample_and_an_int_array_for_a_matrix():
    w_hat = np.array([1.0, -1.0, 0.0])
    assert perceptron_predict(w_hat, np.array([2.0, 1.0, 1.0])) == 1
    assert type(perceptron_predict(w_hat, np.array([2.0, 1.0, 1.0]))) is int
    labels = perceptron_predict(w_hat, np.array([[2.0, 1.0, 1.0], [1.0, 2.0, 1.0]]))
    np.testing.assert_array_equal(labels, [1, 0])
    assert labels.dtype.kind == "i"


def test_a_point_on_the_hyperplane_is_predicted_1():
    assert perceptron_predict(np.array([1.0, 1.0, -2.0]), np.array([1.0, 1.0, 1.0])) == 1


@pytest.mark.parametrize("gate", BOOK_GATE_WEIGHTS)
def test_the_books_weights_compute_their_gate_with_zero_loss(gate):
    X, y, _ = logic_gate(gate)
    w_hat = np.array(BOOK_GATE_WEIGHTS[gate], dtype=float)
    np.testing.assert_array_equal(perceptron_predict(w_hat, augment(X)), y)
    assert perceptron_loss(w_hat, augment(X), y) == 0.0
    np.testing.assert_array_equal(perceptron_gradient(w_hat, augment(X), y), np.zeros_like(w_hat))


def test_distance_to_hyperplane_is_the_length_of_the_orthogonal_projection():
    assert distance_to_hyperplane(
        np.array([3.0, 4.0]), -5.0, np.array([0.0, 0.0])
    ) == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    w, b, x0 = rng.normal(size=4), rng.normal(), rng.normal(size=4)
    foot = x0 - (w @ x0 + b) / (w @ w) * w  # the nearest point of the hyperplane
    assert w @ foot + b == pytest.approx(0.0, abs=1e-12)
    assert distance_to_hyperplane(w, b, x0) == pytest.approx(np.linalg.norm(x0 - foot))


def test_distance_to_a_hyperplane_with_w_zero_is_refused():
    with pytest.raises(ValueError, match="w = 0"):
        distance_to_hyperplane(np.zeros(2), 1.0, np.ones(2))


@pytest.mark.parametrize("seed", range(20))
def test_loss_is_non_negative_and_zero_exactly_when_nothing_is_misclassified(seed):
    w_hat, X_hat, y = random_problem(seed)
    loss = perceptron_loss(w_hat, X_hat, y)
    assert loss >= 0
    assert (loss == 0) == np.all(perceptron_predict(w_hat, X_hat) == y)
    correct = perceptron_predict(w_hat, X_hat)
    assert perceptron_loss(w_hat, X_hat, correct) == 0.0


def test_loss_sums_over_the_misclassified_points_only():
    w_hat = np.array([1.0, 0.0])
    X_hat = augment(np.array([[2.0], [-3.0], [5.0]]))  # ŵᵀx̂ = 3, −2, 6 → ŷ = 1, 0, 1
    y = np.array([0, 1, 1])  # the first two are misclassified
    assert perceptron_loss(w_hat, X_hat, y) == pytest.approx(3.0 + 2.0)


@pytest.mark.parametrize("seed", range(20))
def test_gradient_equals_a_finite_difference_of_the_loss(seed):
    w_hat, X_hat, y = random_problem(seed)
    numeric = numerical_gradient(lambda w: perceptron_loss(w, X_hat, y), w_hat)
    assert relative_error(perceptron_gradient(w_hat, X_hat, y), numeric) < 1e-6


@pytest.mark.parametrize("seed", range(10))
def test_delta_is_eq_5_2_and_minus_eta_times_the_gradient_on_one_point(seed):
    w_hat, X_hat, y = random_problem(seed)
    eta = np.random.default_rng(seed).uniform(0.05, 0.95)
    for x_hat, y_i in zip(X_hat, y):
        y_hat = perceptron_predict(w_hat, x_hat)
        delta = perceptron_delta(w_hat, x_hat, y_i, eta)
        numeric = numerical_gradient(
            lambda w, x_hat=x_hat, y_i=y_i: perceptron_loss(w, x_hat[None, :], [y_i]), w_hat
        )
        assert relative_error(delta, -eta * numeric) < 1e-6
        np.testing.assert_allclose(delta, eta * (y_i - y_hat) * x_hat, rtol=1e-15, atol=0)
        if y_hat == y_i:
            np.testing.assert_array_equal(delta, np.zeros_like(w_hat))


@pytest.mark.parametrize("gate", ["AND", "OR", "NOT"])
def test_training_converges_on_the_linearly_separable_gates(gate):
    # from a bias of η/2 every ŵᵀx̂ is η(k + ½): never 0, so no sample is right by rounding alone
    X, y, _ = logic_gate(gate)
    eta = 0.5
    w_hat0 = np.r_[np.zeros(X.shape[1]), eta / 2]
    w_hat, mistakes = train_perceptron(augment(X), y, w_hat0, eta, 100)
    assert mistakes[-1] == 0 and len(mistakes) < 100
    np.testing.assert_array_equal(perceptron_predict(w_hat, augment(X)), y)
    assert np.min(np.abs(augment(X) @ w_hat)) >= eta / 2


def test_training_keeps_making_mistakes_on_xor():
    X, y, _ = logic_gate("XOR")
    w_hat, mistakes = train_perceptron(augment(X), y, np.zeros(3), 0.1, 200)
    assert len(mistakes) == 200
    assert min(mistakes) > 0


def test_training_is_deterministic_and_leaves_the_start_alone():
    X, y, _ = logic_gate("OR")
    w_hat0 = np.array([0.3, -0.2, 0.1])
    first = train_perceptron(augment(X), y, w_hat0, 0.5, 50)
    second = train_perceptron(augment(X), y, w_hat0, 0.5, 50)
    np.testing.assert_array_equal(first[0], second[0])
    assert first[1] == second[1]
    np.testing.assert_array_equal(w_hat0, [0.3, -0.2, 0.1])


def test_training_applies_5_2_to_each_mistake_in_order():
    # AND from ŵ = 0 with η = 1, worked by hand (sgn(0) = 1, so ŵ = 0 misclassifies (0, 0)):
    # pass 1: (0,0) → ŵ = (0,0,−1); (1,1) → (1,1,0).             2 mistakes
    # pass 2: (0,0) → (1,1,−1); (0,1) → (1,0,−2); (1,1) → (2,1,−1).  3
    # pass 3: (0,1) → (2,0,−2); (1,0) → (1,0,−3); (1,1) → (2,1,−2).  3
    # pass 4: (1,0) → (1,1,−3); (1,1) → (2,2,−2).                    2
    # pass 5: (0,1) → (2,1,−3).                                      1
    # pass 6: no mistake, stop.                                      0
    X, y, _ = logic_gate("AND")
    w_hat, mistakes = train_perceptron(augment(X), y, np.zeros(3), 1.0, 100)
    np.testing.assert_array_equal(w_hat, [2.0, 1.0, -3.0])
    assert mistakes == [2, 3, 3, 2, 1, 0]
