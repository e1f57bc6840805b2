"""No function of the student API modifies its arguments: they are pure, as students' must be."""

import numpy as np
import pytest

from autograder.grading.course import load_course
from autograder.items import ITEMS

COURSE_ITEMS = load_course().items()  # one per function of the student API (test_course.py)


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


@pytest.mark.parametrize("item", COURSE_ITEMS, ids=lambda item: item.function)
def test_the_function_leaves_its_arguments_unchanged(item):
    args = ITEMS[item.id].purity_arguments()
    before = snapshot(args)
    item.reference(*args)
    assert_same(before, args)


def test_the_purity_arguments_are_made_afresh_for_each_call():
    first, second = (ITEMS["bp_step"].purity_arguments() for _ in range(2))
    assert first[2].w is not second[2].w
    np.testing.assert_array_equal(first[2].w, second[2].w)
