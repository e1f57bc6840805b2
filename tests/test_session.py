"""A submission's worker session: calls sent ahead or one at a time, and no answer read for another call."""

import pytest
from worker_user import needs_worker

from autograder.grading.course import Timeouts
from autograder.grading.session import Session
from autograder.sandbox.process import MISSING
from autograder.sandbox.scratch import Scratch

pytestmark = needs_worker

SOURCE = """
def echo(x):
    return x
"""


@pytest.fixture
def session():
    with Scratch(SOURCE) as scratch:
        session = Session(scratch, None)
        session.start(Timeouts(per_call_seconds=5, per_submission_seconds=60))
        yield session
        session.close()


def values(outcomes):
    return [outcome.value for outcome in outcomes]


def test_a_caller_that_stops_at_an_outcome_one_at_a_time_leaves_no_answer_to_the_next(session):
    # the search for a first failing case stops there: the next calls get their own answers
    first = next(session.outcomes("echo", [(1,), (2,), (3,)], {}, ahead=False))
    assert first.value == 1
    assert values(session.outcomes("echo", [(10,), (20,)], {})) == [10, 20]


def test_a_caller_that_stops_before_the_answers_sent_ahead_leaves_none_to_the_next(session):
    ahead = session.outcomes("echo", [(1,), (2,), (3,)], {})
    assert next(ahead).value == 1
    ahead.close()
    assert values(session.outcomes("echo", [(4,), (5,)], {})) == [4, 5]


def test_a_missing_function_answers_once_and_the_calls_after_it_get_their_own_answers(session):
    assert [o.kind for o in session.outcomes("absent", [(1,), (2,), (3,)], {})] == [MISSING]
    assert values(session.outcomes("echo", [(6,)], {})) == [6]
