"""An item's score from its cases' outcomes (spec §6): the cases that tell every catalogued
mistake from the reference, the weighted share passed, and the recognised mistake."""

import copy
import math
import warnings
from collections.abc import Sequence

import numpy as np

from autograder.grading import misconceptions
from autograder.grading.cases import Case
from autograder.grading.compare import (
    TYPE,
    Mismatch,
    compare,
)
from autograder.grading.course import Item
from autograder.grading.feedback import Grading, instructor_feedback, student_feedback
from autograder.grading.results import (
    CRASHED,
    DECIMALS,
    ERROR,
    FAILED,
    NOT_IMPLEMENTED,
    PARTIAL,
    PASSED,
    TIMEOUT,
    CaseResult,
    ItemResult,
)
from autograder.items import ITEMS
from autograder.items.record import GradedFunction, Misconception, Value
from autograder.sandbox.process import (
    MISSING,
    OK,
    RAISED,
    UNSENDABLE,
    Outcome,
    WorkerDied,
)
from autograder.sandbox.process import NOT_IMPLEMENTED as CALL_NOT_IMPLEMENTED
from autograder.sandbox.process import TIMEOUT as CALL_TIMEOUT


def item_result(
    item: Item,
    seed: int,
    item_cases: Sequence[Case],
    expected: Sequence[Value],
    outcomes: Sequence[Outcome],
    died: WorkerDied | None = None,
    problems: tuple[str, ...] = (),
    show_case: bool = False,
) -> ItemResult:
    """The ItemResult of the item's cases from the Outcomes of its calls (fewer when a call died).

    ``show_case``: the student's feedback shows their first failing case whole (course.yaml's
    ``feedback: case``).
    """
    results = [
        _case_result(case, expected[case.number - 1], outcome, item)
        for case, outcome in zip(item_cases, outcomes)
    ]
    all_passed = not died and len(results) == len(item_cases) and all(r.passed for r in results)
    counted: tuple[bool, ...] | None = None  # None when every case passed (Grading.counted)
    share = 1.0
    if not all_passed:
        counted = discriminating(item, item_cases, expected)
        share = passed_share(item, item_cases, results, counted)
    misconception = None if died or all_passed else _recognised_or_none(item, item_cases, outcomes)
    credit = item.misconception_credit.get(misconception.id, 0.0) if misconception else 0.0
    # copied answers that hit a hidden one by chance earn nothing
    copied = misconception is misconceptions.PUBLIC_ANSWERS
    score = 0.0 if copied else item.points * max(share, credit)
    grading = Grading(item, item_cases, results, outcomes, died, misconception, problems, counted)
    return ItemResult(
        id=item.id,
        function=item.function,
        equation=item.equation,
        score=score,
        max_score=item.points,
        status=(PARTIAL if score > 0 else FAILED)
        if misconception
        else _status(item_cases, results, died, score),
        misconception=misconception.id if misconception else None,
        feedback=instructor_feedback(grading, seed, expected),
        student_feedback=student_feedback(grading, expected, show_case),
        cases=tuple(results),
    )


def quietly(function: GradedFunction, case: Case) -> Value:
    """function(*case's arguments), NumPy's warnings silenced: a wrong variant may overflow where the reference does not."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*case.arguments())


def _case_result(case: Case, expected: Value, outcome: Outcome, item: Item) -> CaseResult:
    if outcome.kind == OK:
        mismatch = compared(expected, outcome.value, item)
        if mismatch is None:
            return CaseResult(case.group, case.number, True)
        return CaseResult(case.group, case.number, False, mismatch.layer, mismatch.message)
    messages = {
        MISSING: f"your submission defines no function {item.function}",
        CALL_NOT_IMPLEMENTED: "raised NotImplementedError (尚未完成 / not implemented yet)",
        RAISED: f"raised {outcome.message}",
        UNSENDABLE: f"{outcome.message}; return NumPy arrays, numbers, tuples or lists",
    }
    return CaseResult(case.group, case.number, False, outcome.kind, messages[outcome.kind])


def compared(expected: Value, actual: Value, item: Item) -> Mismatch | None:
    """compare's verdict; a result no comparison layer foresaw is a type mismatch of its case, not a crash of the grader."""
    try:
        return compare(expected, actual, item.tolerance)
    except Exception as error:
        return Mismatch(TYPE, f"the result could not be compared: {type(error).__name__}: {error}")


def discriminating(
    item: Item, item_cases: Sequence[Case], expected: Sequence[Value]
) -> tuple[bool, ...]:
    """Per case, whether it tells every catalogued wrong variant of the item from the reference.

    A case where some variant's value matches the reference's (g ≈ 0 in a saturated network,
    η → 0) cannot show that the student avoided that mistake, so it awards no credit. Where no
    case tells them all apart, every case counts.
    """
    variants = [m.variant for m in misconceptions.CATALOG.get(item.id, ())]
    telling = tuple(
        all(_differs(variant, case, expected[case.number - 1], item) for variant in variants)
        for case in item_cases
    )
    return telling if any(telling) else (True,) * len(item_cases)


def _differs(variant: GradedFunction, case: Case, expected: Value, item: Item) -> bool:
    try:
        value = quietly(variant, case)
    except Exception:  # a variant undefined on this case is told apart by it
        return True
    return compared(expected, value, item) is not None


def passed_share(
    item: Item,
    item_cases: Sequence[Case],
    results: Sequence[CaseResult],
    counted: Sequence[bool],
) -> float:
    """Σ over the groups of weight × (passed counted cases / counted cases), over the weights of the groups counted.

    Unrun cases count as failed; a group with no counted case drops out and the others' weights
    are scaled up to 1. Rounded, so that 0.6 + 0.2 + 0.2 passed in full gives exactly 1.
    """
    passed = {r.number for r in results if r.passed}
    shares: list[float] = []
    weights: list[float] = []
    for group in item.groups:
        numbers = [
            c.number for c, tells in zip(item_cases, counted) if tells and c.group == group.name
        ]
        if numbers:
            shares.append(group.weight * sum(n in passed for n in numbers) / len(numbers))
            weights.append(group.weight)
    return round(math.fsum(shares) / math.fsum(weights), DECIMALS)


def _status(
    item_cases: Sequence[Case],
    results: Sequence[CaseResult],
    died: WorkerDied | None,
    score: float,
) -> str:
    if died:
        return TIMEOUT if died.kind == CALL_TIMEOUT else CRASHED
    if len(results) == len(item_cases) and all(r.passed for r in results):
        return PASSED
    if score > 0:
        return PARTIAL
    if results and all(r.layer == CALL_NOT_IMPLEMENTED for r in results):
        return NOT_IMPLEMENTED
    if any(r.layer in (RAISED, UNSENDABLE) for r in results):
        return ERROR
    return FAILED


def _recognised_or_none(
    item: Item, item_cases: Sequence[Case], outcomes: Sequence[Outcome]
) -> Misconception | None:
    try:
        return _recognise(item, item_cases, outcomes)
    except Exception:  # an odd result that no variant can be compared with is no recognised mistake
        return None


def _recognise(
    item: Item, item_cases: Sequence[Case], outcomes: Sequence[Outcome]
) -> Misconception | None:
    """The first catalogued variant whose outputs the student's match on every case, or None.

    Answers that are all among the public self-check's answers are recognised first: a
    hard-coded answer may coincide with a hidden case's (a loss of 0), but not with all of them.
    """
    if len(outcomes) < len(item_cases):
        return None
    public = public_answers(item)
    all_public = all(
        o.kind == OK and any(compare(p, o.value, item.tolerance) is None for p in public)
        for o in outcomes
    )
    if all_public and not all(_zero(o.value) for o in outcomes):
        return misconceptions.PUBLIC_ANSWERS
    for misconception in misconceptions.CATALOG.get(item.id, ()):
        if all(
            _matches(misconception.variant, case, outcome, item)
            for case, outcome in zip(item_cases, outcomes)
        ):
            return misconception
    return None


def _zero(value: Value) -> bool:
    """All zeros: what an honest but wrong function may return whatever it is asked (a loss of 0)."""
    if isinstance(value, (tuple, list)):
        return all(_zero(part) for part in value)
    try:
        return bool(np.all(np.asarray(value, dtype=float) == 0))
    except (TypeError, ValueError):
        return False


def _matches(variant: GradedFunction, case: Case, outcome: Outcome, item: Item) -> bool:
    """The student's outcome equals the variant's on this case (both raising counts as equal)."""
    try:
        expected = quietly(variant, case)
    # a variant undefined on this case (say wᵀ of a non-square w): so is the student's
    except Exception:
        return outcome.kind == RAISED
    return outcome.kind == OK and compare(expected, outcome.value, item.tolerance) is None


def public_answers(item: Item) -> list[Value]:
    """The reference's results on the public self-check cases of the item's function."""
    public = ITEMS[item.id].public_cases
    live = (
        [
            np.random.default_rng(a["rng_seed"]) if isinstance(a, dict) else copy.deepcopy(a)
            for a in args
        ]
        for args in public
    )
    return [item.reference(*args) for args in live]
