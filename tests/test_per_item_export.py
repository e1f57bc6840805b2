"""The per-item CSV's header and an assignment's cells of a row: the items and their total, each
derivation's score once a person graded it (empty before, never 0 for "not graded yet"), how
many await a person, and the assignment's total of what is graded so far."""

from manual_grades import ANSWERED, BLANK_ANSWER, GRADED_ANSWER, grade

from autograder.exports.per_item import _number, columns, header
from autograder.grading.course import load_course

COURSE = load_course()
BP = COURSE.assignment("bp")
ITEM_POINTS = float(sum(item.points for item in BP.items))


def test_the_header_has_the_items_their_total_the_derivations_what_awaits_the_penalty_and_the_totals():
    items = [item.id for item in BP.items]
    derivations = [d.id for d in BP.derivations]
    assert header([BP]) == [
        "student_id",
        "last_name",
        "first_name",
        *items,
        "bp_items_total",
        *derivations,
        "bp_awaiting_manual",
        "bp_late_penalty",
        "bp_total",
        "total",
    ]
    assert (
        header(COURSE.assignments)[-1] == "total" and header(COURSE.assignments).count("total") == 1
    )


def full_marks_except(derivations):
    return {
        **{
            item.id: grade(auto_score=float(item.points), needs_manual_grade=False)
            for item in BP.items
        },
        **derivations,
    }


def test_a_derivation_not_yet_graded_is_empty_and_the_total_holds_what_is_graded():
    hidden, theta, questions = (d.id for d in BP.derivations)
    cells, total = columns(
        BP, full_marks_except({hidden: GRADED_ANSWER, theta: ANSWERED, questions: BLANK_ANSWER})
    )
    row = dict(zip(header([BP])[3:-1], cells))
    assert row["bp_items_total"] == _number(ITEM_POINTS)
    # graded, awaiting a person, left blank
    assert (row[hidden], row[theta], row[questions]) == (
        "1.5",
        "",
        "0",
    )
    assert row["bp_awaiting_manual"] == "1"
    assert row["bp_total"] == _number(ITEM_POINTS + 1.5) and total == ITEM_POINTS + 1.5


def test_before_any_manual_grade_the_total_is_the_items_and_every_answer_awaits():
    cells, total = columns(BP, full_marks_except({d.id: ANSWERED for d in BP.derivations}))
    row = dict(zip(header([BP])[3:-1], cells))
    assert [row[d.id] for d in BP.derivations] == ["", "", ""]
    assert (row["bp_awaiting_manual"], row["bp_total"], total) == (
        str(len(BP.derivations)),
        _number(ITEM_POINTS),
        ITEM_POINTS,
    )


def test_the_late_penalty_comes_off_the_total_as_in_grades_csv_never_below_zero():
    graded = full_marks_except({d.id: GRADED_ANSWER for d in BP.derivations})
    cells, total = columns(BP, graded, late_penalty=2.5)
    row = dict(zip(header([BP])[3:-1], cells))
    raw = ITEM_POINTS + 1.5 * len(BP.derivations)
    assert (row["bp_late_penalty"], total) == ("2.5", raw - 2.5)
    assert row["bp_total"] == _number(raw - 2.5)
    assert columns(BP, graded, late_penalty=raw + 1)[1] == 0.0


def test_an_assignment_without_a_submission_leaves_every_cell_empty():
    cells, total = columns(BP, None)
    assert cells == [""] * (len(header([BP])) - 4) and total == 0.0
