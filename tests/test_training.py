"""Accumulated error (5.16), standard and accumulated BP, the batch path against the
per-sample path, and exercise 5.5 on watermelon 3.0."""

import numpy as np
import pytest
from networks import random_data, random_network

from source_impl import (
    Params,
    accumulated_error,
    bp_step,
    forward,
    init_params,
    squared_error,
    train_accumulated_bp,
    train_standard_bp,
)
from source_impl.batch import (
    mean_deltas,
    mean_squared_error,
    per_sample_mean_deltas,
    per_sample_mean_squared_error,
)
from source_impl.datasets import load_watermelon3_0
from source_impl.training import classification_accuracy

BATCH_TOLERANCE = 1e-12


@pytest.mark.parametrize("shape", [(1, 1, 1), (2, 3, 1), (5, 4, 3), (19, 5, 1)], ids=str)
def test_the_batch_path_equals_the_per_sample_path(shape):
    d, q, l = shape
    _, _, params, eta = random_network(d, q, l, seed=d + q + l)
    X, Y = random_data(23, d, l, seed=d * q * l)
    for batch, per_sample in zip(
        mean_deltas(X, Y, params, eta), per_sample_mean_deltas(X, Y, params, eta)
    ):
        np.testing.assert_allclose(batch, per_sample, rtol=BATCH_TOLERANCE, atol=BATCH_TOLERANCE)
    assert mean_squared_error(X, Y, params) == pytest.approx(
        per_sample_mean_squared_error(X, Y, params), rel=BATCH_TOLERANCE
    )


def test_accumulated_error_is_the_mean_of_E_k():
    _, _, params, _ = random_network(3, 4, 2, seed=5)
    X, Y = random_data(9, 3, 2, seed=6)
    expected = np.mean([squared_error(forward(x, *params)[1], y) for x, y in zip(X, Y)])
    assert accumulated_error(X, Y, params) == pytest.approx(expected, rel=1e-14)


def test_standard_bp_is_bp_step_on_each_sample_in_order():
    _, _, params0, eta = random_network(3, 4, 2, seed=8)
    X, Y = random_data(7, 3, 2, seed=9)
    expected = params0
    for _ in range(2):
        for x, y in zip(X, Y):
            expected = bp_step(x, y, expected, eta)
    params, history = train_standard_bp(X, Y, params0, eta, 2)
    for got, wanted in zip(params, expected):
        np.testing.assert_array_equal(got, wanted)
    assert history.shape == (2,)
    assert history[-1] == pytest.approx(accumulated_error(X, Y, params), rel=1e-14)


def test_accumulated_bp_makes_one_update_per_epoch_from_the_mean_delta():
    _, _, params0, eta = random_network(3, 4, 2, seed=10)
    X, Y = random_data(7, 3, 2, seed=11)
    after_one = Params(*map(np.add, params0, per_sample_mean_deltas(X, Y, params0, eta)))
    params, history = train_accumulated_bp(X, Y, params0, eta, 1)
    for got, wanted in zip(params, after_one):
        np.testing.assert_allclose(got, wanted, rtol=BATCH_TOLERANCE, atol=BATCH_TOLERANCE)
    assert history[0] == pytest.approx(accumulated_error(X, Y, after_one), rel=1e-12)


@pytest.mark.parametrize("train", [train_standard_bp, train_accumulated_bp])
def test_training_is_deterministic_and_leaves_its_inputs_alone(train):
    _, _, params0, eta = random_network(3, 2, 1, seed=12)
    X, Y = random_data(5, 3, 1, seed=13)
    kept = [a.copy() for a in (X, Y, *params0)]
    first, second = train(X, Y, params0, eta, 5), train(X, Y, params0, eta, 5)
    np.testing.assert_array_equal(first[1], second[1])
    for a, b in zip(first[0], second[0]):
        np.testing.assert_array_equal(a, b)
    for before, after in zip(kept, (X, Y, *params0)):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("train", [train_standard_bp, train_accumulated_bp])
def test_zero_epochs_return_the_start_and_an_empty_history(train):
    _, _, params0, eta = random_network(2, 2, 1, seed=14)
    X, Y = random_data(3, 2, 1, seed=15)
    params, history = train(X, Y, params0, eta, 0)
    assert history.shape == (0,)
    for a, b in zip(params, params0):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda X, Y, p: (X, Y[:, 0], p),
            r"Y must have shape \(m, l\) = \(4, 1\); got \(4,\) \(for one output, pass y\[:, None\]\)",
        ),
        (lambda X, Y, p: (X[:, :1], Y, p), r"X must have shape \(m, d\) = \(m, 2\)"),
        (lambda X, Y, p: (X, Y, p._replace(gamma=np.zeros(3))), "params do not fit together"),
        (lambda X, Y, p: (X, Y, tuple(p)[:3]), "got 3 items"),
        (lambda X, Y, p: (X[:0], Y[:0], p), "m ≥ 1"),
    ],
    ids=["Y one-dimensional", "X too narrow", "gamma too long", "three params", "no samples"],
)
def test_mismatched_shapes_are_refused_with_a_message_that_names_them(change, message):
    _, _, params0, _ = random_network(2, 2, 1, seed=16)
    X, Y = random_data(4, 2, 1, seed=17)
    X, Y, params = change(X, Y, params0)
    for call in (
        lambda: train_standard_bp(X, Y, params, 0.1, 1),
        lambda: train_accumulated_bp(X, Y, params, 0.1, 1),
        lambda: accumulated_error(X, Y, params),
    ):
        with pytest.raises(ValueError, match=message):
            call()


def test_a_negative_epoch_count_is_refused():
    _, _, params0, _ = random_network(2, 2, 1, seed=18)
    X, Y = random_data(4, 2, 1, seed=19)
    with pytest.raises(ValueError, match="epochs must be a non-negative integer"):
        train_standard_bp(X, Y, params0, 0.1, -1)


@pytest.fixture(scope="module")
def exercise_5_5():
    """Watermelon 3.0, q = 5, η = 0.1, parameters from a fixed seed, 5000 epochs of each algorithm."""
    X, y, _ = load_watermelon3_0()
    Y = y[:, None].astype(float)
    params0 = init_params(X.shape[1], 5, 1, np.random.default_rng(0))
    runs = {
        "standard": train_standard_bp(X, Y, params0, 0.1, 5000),
        "accumulated": train_accumulated_bp(X, Y, params0, 0.1, 5000),
    }
    return X, Y, accumulated_error(X, Y, params0), runs


@pytest.mark.slow
def test_exercise_5_5_both_algorithms_lower_E(exercise_5_5):
    _, _, start, runs = exercise_5_5
    for _, history in runs.values():
        assert history[-1] < history[0] < start


@pytest.mark.slow
def test_exercise_5_5_standard_bp_reaches_full_training_accuracy_within_5000_epochs(exercise_5_5):
    X, Y, _, runs = exercise_5_5
    assert classification_accuracy(X, Y, runs["standard"][0]) == 1.0


@pytest.mark.slow
def test_exercise_5_5_after_the_same_epochs_standard_bp_has_the_lower_E(exercise_5_5):
    _, _, _, runs = exercise_5_5
    assert runs["standard"][1][-1] < runs["accumulated"][1][-1]
    assert np.all(runs["standard"][1][99:] < runs["accumulated"][1][99:])
