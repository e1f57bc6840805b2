"""The public self-check cases: few, finite, and each catalogued mistake fails at least one of
them, so a student who makes it learns so from the self-check before the hidden grader."""

import copy
import warnings

import numpy as np
import pytest

from autograder.grading.compare import compare
from autograder.grading.course import load_course
from autograder.items import ITEMS as RECORDS

ITEMS = load_course().items()
MOST_CASES = 4


def arguments(args):
    """Fresh copies of a public case's arguments; {"rng_seed": n} becomes a new np.random.default_rng(n)."""
    return [
        np.random.default_rng(a["rng_seed"]) if isinstance(a, dict) else copy.deepcopy(a)
        for a in args
    ]


def public_cases(item):
    return RECORDS[item.id].public_cases


def tells_apart(item, variant, args):
    """The variant's value on the case differs from the reference's, or the variant raises there."""
    expected = item.reference(*arguments(args))
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            actual = variant(*arguments(args))
    except Exception:
        return True
    return compare(expected, actual, item.tolerance) is not None


def numbers(value):
    """Every number in a case value, flattened: arrays, scalars, and tuples or lists of them."""
    if isinstance(value, (tuple, list)):
        return [n for part in value for n in numbers(part)]
    return list(np.ravel(np.asarray(value, dtype=float)))


CHECKED = [
    pytest.param(item, misconception, id=f"{item.id}/{misconception.id}")
    for item in ITEMS
    for misconception in RECORDS[item.id].misconceptions
    if misconception.id not in item.hidden_only
]


@pytest.mark.parametrize(("item", "misconception"), CHECKED)
def test_every_catalogued_mistake_fails_at_least_one_public_case_of_its_item(item, misconception):
    assert any(tells_apart(item, misconception.variant, args) for args in public_cases(item)), (
        f"{item.id}/{misconception.id}: no public case of {item.function} tells the misconception "
        f"({misconception.name}) from the reference; add a public case to its record in autograder/items/{item.assignment}.py, "
        f"or list {misconception.id!r} in the item's hidden_only in course.yaml with the reason"
    )


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.id)
def test_an_item_has_at_most_four_public_cases_each_accepted_by_the_reference_with_finite_values(
    item,
):
    cases = public_cases(item)
    assert 1 <= len(cases) <= MOST_CASES, (
        f"{item.id}: {len(cases)} public cases; keep between 1 and {MOST_CASES}"
    )
    with np.errstate(all="raise", under="ignore"):
        for number, args in enumerate(cases, start=1):
            expected = item.reference(*arguments(args))
            assert np.all(np.isfinite(numbers(expected))), (
                f"{item.id}: public case {number} has a value that is not finite"
            )
            again = item.reference(*arguments(args))
            assert compare(expected, again, item.tolerance) is None, (
                f"{item.id}: the reference fails its own public case {number}"
            )
