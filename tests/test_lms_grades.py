"""The LMS grade files, from a real sqlite gradebook made with nbgrader's API: each has the columns of
the file its LMS documents (tests/fixtures/lms_grades/, written by hand from each LMS's documentation:
the header and one student's row as the LMS expects them), a grade per roster student (empty without
a submission or while a derivation awaits a person), and a student the LMS could not be told about
stops the export, by name."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.exports import lms_grades
from autograder.integration.nbgrader_course import nbgrader_environment
from autograder.rounds.lms_download import RosterEntry

FIXTURES = Path(__file__).parent / "fixtures" / "lms_grades"
ASSIGNMENT = "bp"
# (cell, points, kind): two of the kit's items and a derivation a person grades
CELLS = (("sigmoid", 1, "code"), ("forward", 2, "code"), ("derive_delta_theta", 2, "markdown"))
# {student: {cell: (auto_score, manual_score, needs_manual_grade)}}
GRADES = {
    "2026017": {
        "sigmoid": (1.0, None, False),
        "forward": (1.5, None, False),
        "derive_delta_theta": (None, 2.0, False),
    },
    # the derivation still awaits a person
    "2026023": {
        "sigmoid": (0.5, None, False),
        "forward": (2.0, None, False),
        "derive_delta_theta": (None, None, True),
    },
}
# who each LMS knows the fixtures' student as (the roster's lms_user_id of a class on that LMS)
LMS_USER_ID = {"canvas": "1002", "moodle": "", "blackboard": "lifang"}
# the column holding the roster's id in each LMS's file
ID_COLUMN = {"canvas": "SIS User ID", "moodle": "ID number", "blackboard": "Student ID"}


def roster(lms):
    """Fang Li (graded), Wei Wang (awaiting manual grading), Min Zhao (no submission)."""
    return [
        RosterEntry("2026017", "Fang", "Li", "lifang@example.edu", LMS_USER_ID[lms]),
        RosterEntry("2026023", "Wei", "Wang", "wangwei@example.edu", "1001"),
        RosterEntry("2026031", "Min", "Zhao", "zhaomin@example.edu", "1003"),
    ]


def expected_score(student):
    return sum(
        manual if manual is not None else (auto or 0.0)
        for auto, manual, _ in GRADES[student].values()
    )


@pytest.fixture
def db_url(tmp_path, new_gradebook):
    """A gradebook of bp where 2026017 and 2026023 have graded submissions; 2026031 has none."""
    url = new_gradebook(tmp_path / "gradebook.db")
    with Gradebook(url) as book:
        book.add_assignment(ASSIGNMENT)
        book.add_notebook(ASSIGNMENT, ASSIGNMENT)
        for cell, points, kind in CELLS:
            book.add_grade_cell(cell, ASSIGNMENT, ASSIGNMENT, max_score=points, cell_type=kind)
        for entry in roster("canvas"):
            book.add_student(entry.id, first_name=entry.first_name, last_name=entry.last_name)
        for student, cells in GRADES.items():
            book.add_submission(ASSIGNMENT, student)
            for cell, (auto, manual, needs) in cells.items():
                grade = book.find_grade(cell, ASSIGNMENT, ASSIGNMENT, student)
                grade.auto_score, grade.manual_score, grade.needs_manual_grade = auto, manual, needs
        book.db.commit()
    return url


def written(tmp_path, db_url, lms, entries=None):
    """(the lines of the LMS's file, its rows, the warnings)."""
    out = tmp_path / f"{lms}.csv"
    grades = lms_grades.assignment_grades(db_url, ASSIGNMENT)
    found = lms_grades.write(grades, entries or roster(lms), lms, out)
    text = out.read_text(encoding="utf-8")
    return text.splitlines(), list(csv.reader(text.splitlines())), found


def fixture_lines(lms):
    return (FIXTURES / f"{lms}.csv").read_text(encoding="utf-8").splitlines()


# nbgrader's own add_submission warns so
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")


@pytest.mark.parametrize("lms", ["canvas", "moodle", "blackboard"])
def test_each_file_begins_as_its_lms_documents_it_column_for_column_and_quote_for_quote(
    tmp_path, db_url, lms
):
    lines, _, _ = written(tmp_path, db_url, lms)
    expected = fixture_lines(lms)
    assert lines[: len(expected)] == expected


@pytest.mark.parametrize("lms", ["canvas", "moodle", "blackboard"])
def test_each_graded_student_has_their_gradebook_total_and_one_without_a_grade_an_empty_cell(
    tmp_path, db_url, lms
):
    _, rows, _ = written(tmp_path, db_url, lms)
    header, *students = rows
    if lms == "canvas":
        points_row, *students = students
        assert points_row[-1] == str(sum(points for _, points, _ in CELLS))
    id_column = header.index(ID_COLUMN[lms])
    grades = {row[id_column]: row[-1] for row in students}
    # 2026023's derivation awaits a person: their total would count it as 0
    assert grades == {"2026017": f"{expected_score('2026017'):g}", "2026023": "", "2026031": ""}


def test_the_canvas_column_and_blackboard_column_id_can_be_named_as_the_lms_export_names_them(
    tmp_path, db_url
):
    grades = lms_grades.assignment_grades(db_url, ASSIGNMENT)
    column = "bp [Total Pts: 5 Score] |664617"
    assert lms_grades.rows(grades, roster("blackboard"), "blackboard", column)[0][-1] == column
    assert (
        lms_grades.rows(grades, roster("canvas"), "canvas", "bp (123456)")[0][-1] == "bp (123456)"
    )


def test_a_student_with_a_submission_missing_from_the_roster_stops_the_export_by_name(
    tmp_path, db_url
):
    out = tmp_path / "canvas.csv"
    grades = lms_grades.assignment_grades(db_url, ASSIGNMENT)
    with pytest.raises(lms_grades.LmsGradesError, match="not on the roster.*2026023"):
        lms_grades.write(grades, roster("canvas")[:1], "canvas", out)
    assert not out.exists()


def test_roster_entries_without_the_lms_identifier_and_grades_awaiting_a_person_are_named(
    tmp_path, db_url
):
    _, _, canvas = written(tmp_path, db_url, "canvas")
    # the simulated class's kind of roster: no lms_user_id, no email
    bare = [RosterEntry(e.id, e.first_name, e.last_name) for e in roster("canvas")]
    _, blackboard_rows, blackboard = written(tmp_path, db_url, "blackboard", bare)
    _, _, moodle = written(tmp_path, db_url, "moodle", bare)
    assert canvas == [
        "bp: 1 submissions await manual grading in formgrader, so their grade cells are left empty "
        "(no grade) until a person grades them; import again after: 2026023"
    ]
    assert "without lms_user_id" in blackboard[0] and "2026017, 2026023, 2026031" in blackboard[0]
    assert [row[2] for row in blackboard_rows[1:]] == [e.id for e in bare]  # Username: the id
    assert "without email" in moodle[0] and "2026017, 2026023, 2026031" in moodle[0]


@pytest.mark.slow
def test_the_round_writes_all_three_files_of_each_assignment_for_the_gradebooks_students(
    tmp_path, db_url
):
    found = lms_grades.write_round_files(db_url, [ASSIGNMENT], tmp_path / "lms")
    for lms in ("canvas", "moodle", "blackboard"):
        lines = (tmp_path / "lms" / f"{lms}_{ASSIGNMENT}.csv").read_text().splitlines()
        assert lines[0] == fixture_lines(lms)[0]
    # the gradebook's students have no lms_user_id or email: each LMS's warning once
    assert len(found) == len(set(found)) == 4


def run_command(*options):
    return subprocess.run(
        [sys.executable, "-m", "autograder.exports.lms_grades", *options],
        capture_output=True,
        text=True,
        env=nbgrader_environment(),
    )


@pytest.mark.slow
def test_the_command_writes_the_file_and_a_missing_assignment_or_gradebook_writes_nothing(
    tmp_path, db_url
):
    roster_csv = tmp_path / "roster.csv"
    with open(roster_csv, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "first_name", "last_name", "email", "lms_user_id"])
        writer.writerows(
            [e.id, e.first_name, e.last_name, e.email, e.lms_user_id] for e in roster("moodle")
        )
    out = tmp_path / "moodle_bp.csv"
    common = ["--roster", str(roster_csv), "--lms", "moodle", "--out", str(out)]
    result = run_command("--db", db_url, "--assignment", ASSIGNMENT, *common)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").splitlines()[:2] == fixture_lines("moodle")
    assert "await manual grading" in result.stderr
    out.unlink()
    missing = run_command("--db", db_url, "--assignment", "perceptron", *common)
    assert missing.returncode == 2 and "no assignment 'perceptron'" in missing.stderr
    nowhere = run_command(
        "--db", f"sqlite:///{tmp_path / 'none.db'}", "--assignment", "bp", *common
    )
    assert nowhere.returncode == 2 and "no gradebook at" in nowhere.stderr
    assert not out.exists() and not (tmp_path / "none.db").exists()


def test_a_late_submissions_grade_is_its_score_less_nbgraders_late_penalty(tmp_path, db_url):
    with Gradebook(db_url) as book:
        notebook = book.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "2026017")
        notebook.late_submission_penalty = 1.25
        book.db.commit()
    _, rows, _ = written(tmp_path, db_url, "moodle")
    header, *students = rows
    grades = {row[header.index(ID_COLUMN["moodle"])]: row[-1] for row in students}
    assert float(grades["2026017"]) == pytest.approx(expected_score("2026017") - 1.25)
    assert grades["2026023"] == ""  # awaiting a person


def test_the_round_s_files_use_the_column_of_the_lms_the_roster_came_from_and_the_others_their_own(
    tmp_path, db_url
):
    column = "BP (118802)"
    lms_grades.write_round_files(db_url, [ASSIGNMENT], tmp_path, {"canvas": {ASSIGNMENT: column}})
    header = {
        lms: (tmp_path / f"{lms}_{ASSIGNMENT}.csv").read_text().splitlines()[0]
        for lms in ("canvas", "moodle", "blackboard")
    }
    assert header["canvas"].endswith(f",{column}")
    assert header["moodle"] == fixture_lines("moodle")[0]
    assert header["blackboard"] == fixture_lines("blackboard")[0]


@pytest.mark.slow
def test_the_command_given_canvas_s_own_export_as_roster_fills_its_column_of_the_assignment(
    tmp_path, db_url
):
    export = tmp_path / "gradebook.csv"
    export.write_text(
        "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Perceptron (118801),BP (118802),Current Score\n"
        "    Points Possible,,,,,35.00,43.00,(read only)\n"
        + "".join(
            f'"{e.last_name}, {e.first_name}",{e.lms_user_id},{e.id},{e.email},,,,\n'
            for e in roster("canvas")
        )
        + '"Student, Test",1099,,,,,,\n',
        encoding="utf-8",
    )
    for lms, column in (("canvas", "BP (118802)"), ("moodle", ASSIGNMENT)):
        out = tmp_path / f"{lms}_bp.csv"
        common = ["--roster", str(export), "--lms", lms, "--out", str(out)]
        result = run_command("--db", db_url, "--assignment", ASSIGNMENT, *common)
        assert result.returncode == 0, result.stderr
        assert out.read_text(encoding="utf-8").splitlines()[0].endswith(f",{column}")
        assert "Canvas's Test Student ('Student, Test', ID 1099)" in result.stderr
