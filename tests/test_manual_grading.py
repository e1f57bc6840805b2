"""The derivations graded by people, read from nbgrader's grades: an answer awaits a person, was
graded, or was left blank (nbgrader's own 0); a score is None until a person gives one; the
round's line says how many submissions await how many cells."""

import pytest
from manual_grades import ANSWERED, BLANK_ANSWER, GRADED_ANSWER, REGRADED, grade

from autograder.grading.course import load_course
from autograder.rounds import manual_grading
from autograder.rounds.manual_grading import AWAITING, BLANK, GRADED

COURSE = load_course()


@pytest.mark.parametrize(
    ("row", "state", "score"),
    # no score at all, whatever the flag says
    [
        (ANSWERED, AWAITING, None),
        (BLANK_ANSWER, BLANK, 0.0),
        (GRADED_ANSWER, GRADED, 1.5),
        (REGRADED, AWAITING, None),
        (grade(manual_score=2.0, extra_credit=0.5, needs_manual_grade=False), GRADED, 2.5),
        (grade(needs_manual_grade=False), AWAITING, None),
    ],
)
def test_an_answer_awaits_a_person_until_graded_and_has_no_score_before(row, state, score):
    assert manual_grading.state(row) == state
    assert manual_grading.score(row) == score


def test_an_answer_awaiting_a_person_has_no_score_even_where_nbgrader_counts_0():
    assert ANSWERED.score == 0.0 and manual_grading.score(ANSWERED) is None


def test_the_class_status_sorts_each_derivations_answers_by_state():
    bp = COURSE.assignment("bp")
    hidden, theta, questions = (d.id for d in bp.derivations)
    grades = {
        "s1": {hidden: ANSWERED, theta: ANSWERED, questions: ANSWERED},
        "s2": {hidden: GRADED_ANSWER, theta: ANSWERED, questions: BLANK_ANSWER},
        "s3": {hidden: BLANK_ANSWER, theta: BLANK_ANSWER, questions: BLANK_ANSWER},
        "s4": {},  # a gradebook made before the cells were added: nothing to grade
    }
    statuses = manual_grading.class_status(grades, bp)
    assert [s.derivation.id for s in statuses] == [hidden, theta, questions]
    assert [(s.awaiting, s.graded, s.blank, s.scores) for s in statuses] == [
        (("s1",), ("s2",), ("s3",), (1.5,)),
        (("s1", "s2"), (), ("s3",), ()),
        (("s1",), (), ("s2", "s3"), ()),
    ]
    assert manual_grading.awaiting_counts(statuses) == {3: 1, 1: 1}  # s1 awaits 3 cells, s2 one


def test_the_summary_says_how_many_submissions_await_how_many_cells():
    perceptron, bp = COURSE.assignment("perceptron"), COURSE.assignment("bp")
    (gradient,) = (d.id for d in perceptron.derivations)
    every_bp = {d.id: ANSWERED for d in bp.derivations}
    statuses = {
        "perceptron": manual_grading.class_status(
            {f"s{n}": {gradient: ANSWERED} for n in range(41)} | {"s99": {gradient: BLANK_ANSWER}},
            perceptron,
        ),
        "bp": manual_grading.class_status(
            {f"s{n}": every_bp for n in range(39)}
            | {"s98": {**every_bp, bp.derivations[0].id: GRADED_ANSWER}},
            bp,
        ),
    }
    assert manual_grading.awaiting_summary(statuses) == (
        "awaiting manual grading in formgrader: 41 submissions × 1 cell (perceptron), 39 submissions × 3 cells, 1 submission × 2 cells (bp)"
    )


def test_the_summary_says_when_nothing_awaits_and_is_empty_without_derivations():
    perceptron = COURSE.assignment("perceptron")
    graded = {
        "perceptron": manual_grading.class_status(
            {"s1": {perceptron.derivations[0].id: GRADED_ANSWER}}, perceptron
        )
    }
    assert (
        manual_grading.awaiting_summary(graded)
        == "derivations graded by people: none awaits a grade (perceptron)"
    )
    assert manual_grading.awaiting_summary({"perceptron": ()}) == ""
