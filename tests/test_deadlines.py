"""The extensions file: each row becomes a student's extension of an assignment's due date; a file
naming students or assignments the course lacks, or a row that does not say one later due date,
is refused with a message naming them."""

import re
from datetime import timedelta

import pytest

from autograder.grading.course import load_course
from autograder.integration.deadlines import DeadlineError, Extension, read_extensions
from simulated_class.students import DUE

COURSE = load_course()
STUDENTS = ["s01", "s02", "s03"]
DUES = {"perceptron": DUE["perceptron"], "bp": DUE["bp"]}


def extensions(tmp_path, text):
    path = tmp_path / "extensions.csv"
    path.write_text(text, encoding="utf-8")
    return read_extensions(path, DUES, STUDENTS)


def test_each_way_of_saying_an_extension_gives_the_time_added_to_the_due_date(tmp_path):
    new_due = DUE["bp"] + timedelta(days=3, hours=2)
    found = extensions(
        tmp_path,
        "student_id,assignment,new_due,extra_hours,extra_days\n"
        f"s01,bp,{new_due.isoformat()},,\n"
        "s02,perceptron,,36,\n"
        "s03,bp,,,1.5\n",
    )
    assert found == [
        Extension("s01", "bp", timedelta(days=3, hours=2)),
        Extension("s02", "perceptron", timedelta(hours=36)),
        Extension("s03", "bp", timedelta(days=1.5)),
    ]


def test_unknown_students_and_assignments_are_all_named(tmp_path):
    with pytest.raises(DeadlineError) as refused:
        extensions(
            tmp_path,
            "student_id,assignment,extra_days\ns01,bp,1\ns99,bp,1\nx7,mlp,2\ns02,svm,1\n",
        )
    message = str(refused.value)
    assert "students not in the class: s99, x7" in message
    assert "assignments not in course.yaml: mlp, svm (it has: perceptron, bp)" in message


BAD_ROWS = {
    "two ways at once": ("s01,bp,,12,1", "give exactly one of new_due, extra_hours, extra_days"),
    "no way at all": (
        "s01,bp,,,",
        "give exactly one of new_due, extra_hours, extra_days; got none",
    ),
    "hours as words": ("s01,bp,,twelve,", "extra_hours must be a number; got 'twelve'"),
    "a due date without its time zone": (
        "s01,bp,2026-11-25T23:59:00,,",
        "new_due must be ISO 8601 with its time zone",
    ),
    "a due date earlier than the course's": (
        "s01,bp,2026-11-19T23:59:00+08:00,,",
        "new_due 2026-11-19T23:59:00+08:00 does not move the due date",
    ),
    "no time at all": ("s01,bp,,0,", "extra_hours 0 does not move the due date"),
}


@pytest.mark.parametrize("name", BAD_ROWS)
def test_a_row_that_does_not_say_one_later_due_date_is_refused_naming_its_line(tmp_path, name):
    row, problem = BAD_ROWS[name]
    with pytest.raises(DeadlineError, match=r"line 3 \(s01, bp\): " + re.escape(problem)):
        extensions(
            tmp_path, f"student_id,assignment,new_due,extra_hours,extra_days\ns02,bp,,,1\n{row}\n"
        )


def test_a_second_extension_of_the_same_submission_is_refused(tmp_path):
    with pytest.raises(DeadlineError, match=r"line 3 \(s01, bp\): a second extension"):
        extensions(tmp_path, "student_id,assignment,extra_days\ns01,bp,1\ns01,bp,2\n")


def test_a_header_without_the_needed_columns_is_refused(tmp_path):
    with pytest.raises(
        DeadlineError, match="the header must have student_id, assignment.*lacks student_id"
    ):
        extensions(tmp_path, "student,assignment,extra_days\ns01,bp,1\n")
