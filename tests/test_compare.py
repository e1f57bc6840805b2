"""The layered comparison: each layer fails with its own message, and the tolerance is |a − e| ≤ atol + rtol·|e|."""

import numpy as np
import pytest

from autograder.compare import FINITE, SHAPE, TYPE, VALUES, compare
from autograder.course import Tolerance
from source_impl import Params

TOL = Tolerance(rtol=1e-7, atol=1e-10)
E = np.array([[1.0, -2.0, 3.0], [0.5, 0.0, 4.0]])


def layer(expected, actual):
    mismatch = compare(expected, actual, TOL)
    return mismatch and mismatch.layer


@pytest.mark.parametrize(
    "actual, expected_layer",
    [
        (E.tolist(), TYPE),
        (E.T.copy(), SHAPE),
        (E.astype(complex), TYPE),
        (np.where(E == 0.0, np.nan, E), FINITE),
        (E + 1e-3, VALUES),
        (E * (1 + 5e-8), None),
    ],
)
def test_an_array_is_checked_type_shape_finite_then_values(actual, expected_layer):
    assert layer(E, actual) == expected_layer


def test_a_transposed_array_is_named_as_such():
    assert "(transposed?)" in compare(E, E.T.copy(), TOL).message


def test_the_tolerance_is_absolute_plus_relative_to_the_expected_value():
    assert compare(np.array([1e6]), np.array([1e6 + 0.09]), TOL) is None
    assert compare(np.array([1e6]), np.array([1e6 + 0.11]), TOL).layer == VALUES
    assert compare(0.0, 1e-10, TOL) is None and compare(0.0, 2e-10, TOL).layer == VALUES


def test_a_value_mismatch_names_an_index_both_values_and_the_largest_difference():
    message = compare(E, E + np.array([[0, 0, 0], [0, 0.25, 0.5]]), TOL).message
    assert "2 of 6 entries differ" in message and "index [1, 1]" in message and "0.5" in message


def test_scalars_ints_and_lists_have_their_own_types():
    assert layer(1.5, np.float64(1.5)) is None and layer(1.5, "1.5") == TYPE and layer(1.5, np.inf) == FINITE
    assert layer(1, np.int64(1)) is None and layer(1, True) == TYPE and layer(1, 1.0) == TYPE
    assert layer(np.array([1, 0]), np.array([True, False])) == TYPE
    assert layer([3, 0], np.array([3, 0])) is None and layer([3, 0], [3]) == SHAPE and layer([3, 0], [3, 1]) == VALUES


def test_a_tuple_is_compared_part_by_part_with_the_parts_names():
    expected = Params(np.ones((2, 1)), np.zeros(1), np.ones((1, 1)), np.zeros(1))
    assert compare(expected, tuple(expected), TOL) is None
    mismatch = compare(expected, (expected.v, expected.gamma, expected.w * 2, expected.theta), TOL)
    assert (mismatch.layer, mismatch.message.split(":")[0]) == (VALUES, "w")
    assert compare(expected, expected[:3], TOL).layer == TYPE


def test_a_list_of_arrays_is_a_type_mismatch_not_a_crash():
    mismatch = compare([1, 2, 0], [np.array([1, 0]), np.array([1]), np.array([0])], Tolerance(1e-7, 1e-10))
    assert mismatch.layer == "type" and "expected a list of numbers" in mismatch.message
