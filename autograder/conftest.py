"""The pytest interface: ``pytest autograder --submission PATH [--student ID] [--assignment ID] [--json OUT]``.

Grades the submission once, writes the same JSON as the command line, and reports one test
per item of its assignment: a test passes when its item earned full marks, and fails with
the item's feedback otherwise.
"""

from pathlib import Path

import pytest

from autograder import ROOT
from autograder.cli import write_json
from autograder.grading.course import CourseError, load_course
from autograder.grading.grader import assignment_of, grade
from autograder.grading.results import GradeReport
from autograder.grading.submission import SubmissionError, read


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("autograder", "grading a submission with the hidden graders")
    group.addoption(
        "--submission",
        action="append",
        metavar="PATH",
        help="a file of the submission (repeat for several)",
    )
    group.addoption(
        "--student",
        metavar="ID",
        help="the student's id (default: the first file's name without suffix)",
    )
    group.addoption("--assignment", metavar="ID", help="needed for a .py; inferred for a notebook")
    group.addoption(
        "--json",
        metavar="OUT",
        help="where to write the grade (default: var/grades/STUDENT-ASSIGNMENT.json)",
    )


ASSIGNMENT = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a run that cannot grade before collecting anything: no submission, or no assignment for it."""
    if not config.getoption("--submission"):
        raise pytest.UsageError("pytest autograder needs --submission PATH")
    try:
        course, submission = load_course(), read(config.getoption("--submission"))
        config.stash[ASSIGNMENT] = course.assignment(
            assignment_of(submission, config.getoption("--assignment"), course)
        ).id
    except (SubmissionError, CourseError) as error:
        raise pytest.UsageError(str(error)) from None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "item_id" in metafunc.fixturenames:
        items = load_course().assignment(metafunc.config.stash[ASSIGNMENT]).items
        metafunc.parametrize("item_id", [item.id for item in items])


@pytest.fixture(scope="session")
def report(pytestconfig: pytest.Config) -> GradeReport:
    paths = pytestconfig.getoption("--submission")
    student = pytestconfig.getoption("--student") or Path(paths[0]).stem
    report = grade(paths, student, pytestconfig.stash[ASSIGNMENT])
    out = (
        pytestconfig.getoption("--json")
        or ROOT / "var" / "grades" / f"{report.student}-{report.assignment}.json"
    )
    write_json(out, report.to_dict())
    return report
