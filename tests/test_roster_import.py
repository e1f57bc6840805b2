"""CourseFolder.import_students, in the round's own process: the students nbgrader's own
`db student import` makes of the same roster."""

import pytest
from nbgrader.api import Gradebook

from autograder.grading.course import load_course
from autograder.integration.nbgrader_course import CourseFolder, NbgraderFailed

COURSE_ID = load_course().id
# nbgrader's columns, one it does not have, an empty cell, a name beyond ASCII
ROSTER = (
    "id,first_name,last_name,email,lms_user_id,section\n"
    "2026001,Wei,Wang,wangwei@example.edu,1001,A\n"
    "2026003,José,Núñez García,,1003,B\n"
)


def students(course):
    with Gradebook(course.db_url, COURSE_ID) as book:
        return sorted(
            (s.id, s.first_name, s.last_name, s.email, s.lms_user_id) for s in book.students
        )


@pytest.mark.slow
def test_the_students_imported_are_those_nbgraders_command_makes_of_the_roster(
    tmp_path, new_gradebook
):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    ours, theirs = CourseFolder(tmp_path / "ours"), CourseFolder(tmp_path / "theirs")
    for course in (ours, theirs):
        course.root.mkdir()
        new_gradebook(course.gradebook)
        with Gradebook(course.db_url, COURSE_ID) as book:  # one of them there already: updated
            book.add_student("2026001", first_name="Old", email="old@example.edu")
    ours.import_students(roster, COURSE_ID)
    theirs.run("db", "student", "import", roster, log="roster")
    assert students(ours) == students(theirs)
    assert students(ours) == [
        ("2026001", "Wei", "Wang", "wangwei@example.edu", "1001"),
        ("2026003", "José", "Núñez García", None, "1003"),
    ]


def test_a_row_without_a_student_id_is_refused_naming_its_line_before_any_is_written(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,first_name\n2026001,Wei\n,Fang\n", encoding="utf-8")
    course = CourseFolder(tmp_path)
    with pytest.raises(NbgraderFailed, match=r"roster.csv, line 3: no student id"):
        course.import_students(roster, COURSE_ID)
    assert not course.gradebook.exists()
