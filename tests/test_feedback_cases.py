"""Feedback that shows a student their own failing case, and attempts graded on fresh cases.

course.yaml's ``feedback: case`` shows the first failing case whole; ``attempts`` draws each
attempt's cases anew (the attempt is in the seed), so that expected values copied from one
attempt's feedback earn nothing in the next.
"""

import re

import numpy as np
import pytest
from submissions import with_functions, write
from worker_user import needs_worker

from autograder.grading import cases
from autograder.grading.attempts import AttemptLogError, attempt_of
from autograder.grading.course import load_course
from autograder.grading.grader import grade

COURSE = load_course()
ITEM = next(item for item in COURSE.items() if item.id == "delta_theta")
WRONG_SIGN = "def delta_theta(eta, g):\n    return eta * g\n"
NUMBER = r"-?\d+\.\d*(?:e[-+]\d+)?"


def drawn(student, attempt=1):
    """The item's cases for the student's attempt, and the reference's values on them."""
    seed = cases.item_seed(COURSE.base_seed, COURSE.id, "bp", student, ITEM.id, attempt)
    item_cases = cases.generate(ITEM, seed)
    return item_cases, [ITEM.reference(*case.arguments()) for case in item_cases]


def numbers_after(label, text):
    """The numbers of the bracketed array that follows ``label`` in the feedback."""
    match = re.search(re.escape(label) + r"\s*(\[[^\]]*\])", text)
    assert match, f"no {label!r} in:\n{text}"
    return np.array([float(n) for n in re.findall(NUMBER, match.group(1))])


@needs_worker
def test_a_failed_items_feedback_shows_the_students_own_first_failing_case_whole(tmp_path):
    feedback = (
        grade([write(tmp_path, with_functions(WRONG_SIGN))], "alice", "bp")
        .item("delta_theta")
        .student_feedback
    )
    (first, second, *_), expected = drawn("alice")
    eta, g = first.args
    assert "你的第 1 个用例" in feedback and "Your case 1 (group general):" in feedback
    assert re.search(rf"eta = {eta:.6g}\b", feedback)
    assert np.allclose(numbers_after("g = ", feedback), g, atol=1e-6)
    assert np.allclose(numbers_after("期望 / expected: ", feedback), expected[0], atol=1e-6)
    assert np.allclose(numbers_after("你的结果 / yours: ", feedback), eta * g, atol=1e-6)
    assert "what differs: result: " in feedback and "at index [0] expected" in feedback
    # that case only: nothing of the second case's arguments or answer
    shown = [float(n) for n in re.findall(NUMBER, feedback)]
    for value in (second.args[0], *second.args[1], *expected[1]):
        assert not np.isclose(shown, value, rtol=0, atol=1e-6).any(), value


@needs_worker
def test_a_raising_function_shows_the_case_and_its_exception_and_a_missing_one_no_case(tmp_path):
    source = with_functions(
        "def delta_theta(eta, g):\n    raise KeyError('no such sign')\n",
        "def delta_gamma(eta, e):\n    raise NotImplementedError()\n",
    )
    report = grade([write(tmp_path, source)], "alice", "bp")
    raised = report.item("delta_theta").student_feedback
    assert "你的函数 / your function raised KeyError: 'no such sign'" in raised
    assert "期望 / expected: [" in raised and "yours" not in raised
    assert "Your case" not in report.item("delta_gamma").student_feedback


def copied_answers(item_cases, expected):
    """A delta_theta that returns, for each case's exact inputs, the expected value copied from it."""
    table = {
        (float(case.args[0]), tuple(float(x) for x in case.args[1])): [float(x) for x in value]
        for case, value in zip(item_cases, expected)
    }
    return (
        f"_COPIED = {table!r}\n\n"
        "def delta_theta(eta, g):\n"
        "    return np.array(_COPIED.get((float(eta), tuple(float(x) for x in g)), np.zeros(len(g))))\n"
    )


@needs_worker
def test_expected_values_copied_from_an_attempt_earn_nothing_in_the_next(tmp_path):
    source = write(tmp_path, with_functions(copied_answers(*drawn("alice", attempt=1))))
    on_the_copied_cases = grade([source], "alice", "bp", attempt=1).item("delta_theta")
    assert on_the_copied_cases.score == on_the_copied_cases.max_score  # the copy is exact
    resubmitted = grade([source], "alice", "bp", attempt=2)
    assert resubmitted.attempt == 2 and resubmitted.to_dict()["attempt"] == 2
    assert resubmitted.item("delta_theta").score == 0
    # every other item is graded as before: only the copied one loses
    assert resubmitted.score == resubmitted.max_score - resubmitted.item("delta_theta").max_score


def test_the_first_attempts_seed_is_the_seed_before_attempts_were_counted():
    parts = (COURSE.base_seed, COURSE.id, "bp", "alice", "delta_theta")
    assert cases.item_seed(*parts) == cases.item_seed(*parts, 1)
    assert len({cases.item_seed(*parts, attempt) for attempt in (1, 2, 3)}) == 3


def test_the_attempt_log_counts_different_sources_and_keeps_a_resubmitted_one(tmp_path):
    log = tmp_path / "attempts"
    assert attempt_of(log, "bp", "alice", "def f(): pass\n") == 1
    assert attempt_of(log, "bp", "alice", "def f(): pass\n") == 1  # a regrade
    assert attempt_of(log, "bp", "alice", "def f(): return 1\n") == 2
    assert attempt_of(log, "bp", "bob", "def f(): return 1\n") == 1  # another student
    assert attempt_of(log, "bp", "alice", "def f(): pass\n") == 1


@needs_worker
def test_grading_with_the_log_grades_a_changed_submission_as_the_next_attempt(tmp_path):
    log = tmp_path / "attempts"
    first = write(tmp_path, with_functions(WRONG_SIGN), "first.py")
    changed = write(tmp_path, with_functions(WRONG_SIGN + "\n# looked again\n"), "changed.py")
    assert grade([first], "alice", "bp", attempt_log=log).attempt == 1
    assert grade([changed], "alice", "bp", attempt_log=log).attempt == 2
    assert grade([first], "alice", "bp", attempt_log=log).attempt == 1


def test_an_unreadable_attempt_log_is_named(tmp_path):
    log = tmp_path / "attempts"
    (log / "bp").mkdir(parents=True)
    (log / "bp" / "alice.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(AttemptLogError, match="alice.json: cannot read the attempt log"):
        attempt_of(log, "bp", "alice", "x = 1\n")
