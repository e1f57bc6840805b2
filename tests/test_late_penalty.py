"""Plain `nbgrader autograde`, with the repository's nbgrader_config.py, takes course.yaml's late
penalty off a submission past its due date, and none off one that an extension makes on time;
`nbgrader export` shows the penalty."""

import csv
from datetime import timedelta

import pytest
from nbgrader.api import Gradebook
from nbgrader.utils import parse_utc
from notebooks import copy_assignment, paste_solutions

from autograder.grading.course import load_course
from autograder.integration.deadlines import grant, read_extensions, write_due_dates
from autograder.integration.nbgrader_course import RELEASE, SOURCE, CourseFolder
from simulated_class.students import DUE as SIMULATED_DUE

ASSIGNMENT = "perceptron"
LATE, EXTENDED, PAST_CUTOFF = "late", "extended", "past_cutoff"
COURSE = load_course()
DUE = SIMULATED_DUE[ASSIGNMENT]
SUBMITTED_AT = {
    LATE: DUE + timedelta(hours=25, seconds=1),
    EXTENDED: DUE + timedelta(hours=25, seconds=1),
    PAST_CUTOFF: DUE + timedelta(hours=COURSE.late_policy.cutoff_hours, seconds=1),
}


@pytest.fixture(scope="module")
def autograded(tmp_path_factory):
    """A course folder with the assignment released, its due date and one extension in the gradebook,
    three finished submissions handed in late, and `nbgrader autograde` run on them; the folder."""
    course = CourseFolder(tmp_path_factory.mktemp("late"))
    copy_assignment(SOURCE, ASSIGNMENT, course.root / SOURCE / ASSIGNMENT)
    course.run("generate_assignment", ASSIGNMENT, log="generate_assignment")
    write_due_dates(course.db_url, {ASSIGNMENT: DUE})
    finished = course.root / "finished.ipynb"
    finished.write_bytes((course.root / RELEASE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes())
    paste_solutions(finished, ASSIGNMENT)
    with Gradebook(course.db_url) as book:
        for student in SUBMITTED_AT:
            book.add_student(student)
    for student, submitted_at in SUBMITTED_AT.items():
        course.write_submission(student, ASSIGNMENT, finished.read_bytes(), submitted_at)
    extensions = course.root / "extensions.csv"
    extensions.write_text(f"student_id,assignment,extra_days\n{EXTENDED},{ASSIGNMENT},2\n")
    grant(course.db_url, read_extensions(extensions, {ASSIGNMENT: DUE}, list(SUBMITTED_AT)))
    course.run("autograde", ASSIGNMENT, log="autograde")
    course.run("export", f"--to={course.root / 'grades.csv'}", log="export")
    return course


def submission(course, student):
    with Gradebook(course.db_url) as book:
        found = book.find_submission(ASSIGNMENT, student)
        return found.score, found.total_seconds_late, found.late_submission_penalty


def test_a_late_submission_loses_what_the_policy_says(autograded):
    score, seconds_late, penalty = submission(autograded, LATE)
    assert seconds_late == (SUBMITTED_AT[LATE] - DUE).total_seconds()
    assert score > 0
    assert penalty == pytest.approx(score * COURSE.late_policy.penalty_fraction(seconds_late))
    assert 0 < penalty < score


def test_a_submission_past_the_cut_off_loses_its_whole_score(autograded):
    score, seconds_late, penalty = submission(autograded, PAST_CUTOFF)
    assert seconds_late > COURSE.late_policy.cutoff_hours * 3600
    assert score > 0
    assert penalty == pytest.approx(score)


def test_an_extension_makes_the_same_hand_in_time_on_time(autograded):
    score, seconds_late, penalty = submission(autograded, EXTENDED)
    assert score > 0
    assert (seconds_late, penalty or 0) == (0, 0)
    with Gradebook(autograded.db_url) as book:
        assert book.find_submission(ASSIGNMENT, EXTENDED).extension == timedelta(days=2)


def test_nbgraders_export_shows_the_due_date_and_the_penalty(autograded):
    with (autograded.root / "grades.csv").open(newline="") as file:
        rows = {row["student_id"]: row for row in csv.DictReader(file)}
    for student in SUBMITTED_AT:
        _, _, penalty = submission(autograded, student)
        assert float(rows[student]["late_submission_penalty"]) == pytest.approx(penalty or 0)
        assert parse_utc(rows[student]["duedate"]) == parse_utc(DUE)
