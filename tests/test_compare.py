"""The one comparison (student/comparison.py, the grader's autograder.grading.compare): values before containers,
layers checked in the order type, shape, finite, values, with |a − e| ≤ atol + rtol·|e|, and the same
verdict in the students' self-check as in the hidden grader."""

import json

import numpy as np
import pytest

from autograder import student_module
from autograder.grading import public_cases
from autograder.grading.compare import (
    FINITE,
    SHAPE,
    TYPE,
    VALUES,
    compare,
    container_note,
)
from autograder.grading.course import Tolerance
from source_impl import Params

TOL = Tolerance(rtol=1e-7, atol=1e-10)
E = np.array([[1.0, -2.0, 3.0], [0.5, 0.0, 4.0]])
THIRDS = np.array([[0.1, -1 / 3], [2 / 3, 0.7]])  # no entry is a float32 exactly
V = np.array([0.25, -1.5])
LABELS = np.array([1, 0, 1])


def layer(expected, actual):
    mismatch = compare(expected, actual, TOL)
    return mismatch and mismatch.layer


# What the course promises (spec §6, "values before containers"): (expected, actual, the failing layer or None).
PROMISES = {
    "a 0-d array for a number": (0.5, np.array(0.5), None),
    "a NumPy float64 for a number": (0.5, np.float64(0.5), None),
    "a NumPy float32 for a number": (0.1, np.float32(0.1), None),
    "a Python float for a 0-d array": (np.array(0.5), 0.5, None),
    "a list for an array": (V, V.tolist(), None),
    "a tuple for an array": (V, tuple(V), None),
    "nested lists for a 2-D array": (E, E.tolist(), None),
    "an int dtype for float values": (np.array([1.0, 2.0]), np.array([1, 2]), None),
    "a float dtype for int values": (LABELS, LABELS.astype(float), None),
    "a float for an int of the same value": (1, 1.0, None),
    "an array for a list of counts": ([3, 0], np.array([3, 0]), None),
    "float32 within the tolerance": (THIRDS, THIRDS.astype(np.float32), None),
    "float32 off by more than the tolerance": (
        THIRDS,
        THIRDS.astype(np.float32) + np.float32(1e-3),
        VALUES,
    ),
    "other values": (V, V + 1e-3, VALUES),
    "a float for an int of another value": (1, 1.5, VALUES),
    "a transposed array": (E, E.T.copy(), SHAPE),
    "another shape": (E, E[:1], SHAPE),
    "a (1,) array for a number": (0.5, np.array([0.5]), SHAPE),
    "a NaN for a number": (0.5, float("nan"), FINITE),
    "an inf in an array": (V, np.array([0.25, np.inf]), FINITE),
    "an object array": (V, V.astype(object), TYPE),
    "a string": (0.5, "0.5", TYPE),
    "None": (V, None, TYPE),
    "a bool array for labels": (LABELS, LABELS.astype(bool), TYPE),
    "a bool for an int": (1, True, TYPE),
    "a ragged nested list": (E, [[1.0, -2.0], [0.5, 0.0, 4.0]], TYPE),
    "complex numbers": (V, V.astype(complex), TYPE),
}


@pytest.mark.parametrize("pair", PROMISES)
def test_a_result_gets_the_verdict_the_course_promises(pair):
    expected, actual, verdict = PROMISES[pair]
    assert layer(expected, actual) == verdict


def test_the_first_failing_layer_is_reported_type_then_shape_then_finite_then_values():
    assert layer(E, E.T.astype(complex)) == TYPE
    assert layer(E, np.full((3, 2), np.nan)) == SHAPE
    assert layer(E, np.where(E == 0.0, np.nan, E + 1.0)) == FINITE


def test_a_transposed_array_is_named_as_such():
    assert "(transposed?)" in compare(E, E.T.copy(), TOL).message
    assert "(transposed?)" not in compare(E, E[:1], TOL).message


def test_a_bool_is_told_to_be_returned_as_0_or_1():
    assert "return 0/1 as integers" in compare(LABELS, LABELS.astype(bool), TOL).message
    assert "return 0/1 as integers" in compare(1, True, TOL).message


def test_the_tolerance_is_absolute_plus_relative_to_the_expected_value():
    assert compare(np.array([1e6]), np.array([1e6 + 0.09]), TOL) is None
    assert compare(np.array([1e6]), np.array([1e6 + 0.11]), TOL).layer == VALUES
    assert compare(0.0, 1e-10, TOL) is None and compare(0.0, 2e-10, TOL).layer == VALUES


def test_a_value_mismatch_names_an_index_both_values_and_the_largest_difference():
    message = compare(E, E + np.array([[0, 0, 0], [0, 0.25, 0.5]]), TOL).message
    assert "2 of 6 entries differ" in message and "index [1, 1]" in message and "0.5" in message


def test_scalars_ints_and_lists_match_by_value_whatever_their_numeric_type():
    assert (
        layer(1.5, np.float64(1.5)) is None
        and layer(1.5, "1.5") == TYPE
        and layer(1.5, np.inf) == FINITE
    )
    assert layer(1, np.int64(1)) is None and layer(1, 1.0) is None and layer(1, True) == TYPE
    assert layer(1, 1 + 1e-12) == VALUES, (
        "an int result (a count, a class label) must be equal, not merely close"
    )
    assert layer(np.array([1, 0]), np.array([True, False])) == TYPE
    assert layer([3, 0], np.array([3, 0])) is None and layer([3, 0], (3.0, 0.0)) is None
    assert layer([3, 0], [3]) == SHAPE and layer([3, 0], [3, 1]) == VALUES


def test_a_tuple_is_compared_part_by_part_with_the_parts_names():
    expected = Params(np.ones((2, 1)), np.zeros(1), np.ones((1, 1)), np.zeros(1))
    assert compare(expected, tuple(expected), TOL) is None
    assert compare(tuple(expected), expected, TOL) is None, "a namedtuple where a tuple is expected"
    assert compare(expected, list(expected), TOL) is None, "a list of the right length"
    mismatch = compare(expected, (expected.v, expected.gamma, expected.w * 2, expected.theta), TOL)
    assert (mismatch.layer, mismatch.message.split(":")[0]) == (VALUES, "w")
    assert compare(expected, expected[:3], TOL).layer == TYPE
    assert compare(expected, np.stack([np.zeros(1)] * 4), TOL).layer == TYPE, (
        "an array is not a tuple of results"
    )


def test_a_list_of_arrays_of_different_lengths_is_a_type_mismatch_not_a_crash():
    mismatch = compare([1, 2, 0], [np.array([1, 0]), np.array([1]), np.array([0])], TOL)
    assert mismatch.layer == TYPE and "not a rectangular block of numbers" in mismatch.message


# --- container notes: for a value that matched, which container to return next time ----------


@pytest.mark.parametrize(
    "expected, actual, accepted",
    [
        (V, V.tolist(), "list"),
        (E, E.tolist(), "list"),
        (0.5, np.array(0.5), "0-d array"),
        ([3, 0], np.array([3, 0]), "ndarray"),
    ],
)
def test_a_value_in_another_container_gets_one_line_in_chinese_then_english(
    expected, actual, accepted
):
    note = container_note(expected, actual)
    assert note.startswith("提示：") and "\n" not in note
    assert (
        note.index("这次接受了") < note.index("/ Note: return")
        and f"the {accepted} was accepted" in note
    )


def test_a_value_in_its_own_container_gets_no_note():
    assert container_note(E, E.astype(np.float32)) is None
    assert container_note(0.5, np.float64(0.5)) is None and container_note(0.5, 1) is None
    assert container_note([3, 0], [3, 0]) is None
    assert container_note(Params(V, V, E, V), (V, V, E, V)) is None


def test_a_tuple_note_names_the_part_in_another_container():
    note = container_note(Params(V, V, E, V), (V, V, E.tolist(), V))
    assert "return a NumPy array of shape (2, 3) for w" in note
    assert "return a tuple of 2 values" in container_note((V, [3, 0]), [V, [3, 0]])


# --- one verdict: the self-check decides as the grader does -----------------------------------


selfcheck = student_module("selfcheck")


def cases_file(tmp_path, expected, tolerance=TOL, own_tolerance=None):
    """A public_cases.json with one function "f" of no arguments and one case expecting ``expected``."""
    entry = {"hint": "a hint", "cases": [{"args": [], "expected": public_cases.encode(expected)}]}
    if own_tolerance:
        entry["tolerance"] = as_json(own_tolerance)
    content = {"assignment": "a", "tolerance": as_json(tolerance), "functions": {"f": entry}}
    path = tmp_path / "public_cases.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def as_json(tolerance):
    return {"rtol": tolerance.rtol, "atol": tolerance.atol}


def self_check(tmp_path, expected, actual, **tolerances):
    return selfcheck.report("f", lambda: actual, cases_file(tmp_path, expected, **tolerances))


@pytest.mark.parametrize("pair", PROMISES)
def test_the_self_check_passes_exactly_what_the_grader_accepts(tmp_path, pair):
    expected, actual, _ = PROMISES[pair]
    status, message = self_check(tmp_path, expected, actual)
    assert (status == selfcheck.PASSED) == (compare(expected, actual, TOL) is None), message


def test_the_self_check_passes_a_value_in_another_container_with_a_note_on_the_same_line(tmp_path):
    status, message = self_check(tmp_path, V, V.tolist())
    assert status == selfcheck.PASSED and "\n" not in message
    assert message.startswith("通过 passed (1 public case) 提示：") and message.endswith(
        "the list was accepted."
    )
    assert self_check(tmp_path, V, V.copy()) == (selfcheck.PASSED, "通过 passed (1 public case)")


def test_a_failing_self_check_says_what_is_wrong_and_gives_no_container_note(tmp_path):
    status, message = self_check(tmp_path, V, (V + 1.0).tolist())
    assert status == selfcheck.FAILED and "entries differ" in message and "Note:" not in message


# --- the tolerance of each function, as course.yaml gives it to the grader --------------------


def test_the_public_cases_carry_each_functions_own_tolerance():
    functions = public_cases.build("bp")["functions"]
    assert functions["train_standard_bp"]["tolerance"] == {"rtol": 1e-6, "atol": 1e-9}
    assert functions["sigmoid"]["tolerance"] == {"rtol": 1e-7, "atol": 1e-10}


def test_the_self_check_uses_the_functions_own_tolerance_else_the_files_default(tmp_path):
    looser = Tolerance(rtol=1e-6, atol=1e-9)
    off_by_5e_7 = V * (1 + 5e-7)
    assert self_check(tmp_path, V, off_by_5e_7, own_tolerance=looser)[0] == selfcheck.PASSED
    assert self_check(tmp_path, V, off_by_5e_7)[0] == selfcheck.FAILED
