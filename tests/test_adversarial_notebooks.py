"""The corpus's notebook entries, through a real grading round: nbgrader's autograde, the cross-check, then generate_feedback and release_feedback.

An honest student is autograded first; then every entry, two at a time. Afterwards: the
honest student's grades and autograded notebook are as they were, the course's sources,
release and submissions and the kit are unchanged (hashed), the gradebook is sound, and each
entry got what adversarial_notebooks.py says, with the out-of-kernel scores enforced; each
graded entry's feedback folder holds regular files only, within the limits, its page runs and
loads nothing of the student's, and release_feedback sends one page each.
"""

import sqlite3
from types import SimpleNamespace

import nbformat
import pytest
from adversarial_corpus import fingerprint, supported
from adversarial_notebooks import HONEST, LIVE_IN_PAGE, NOTEBOOK_CORPUS
from nbgrader.api import Gradebook

from autograder import ROOT
from autograder.exports.per_item import submission_scores
from autograder.grading.course import load_course
from autograder.integration import parallel_nbgrader
from autograder.integration.nbgrader_course import AUTOGRADED, FEEDBACK, RELEASE, SUBMITTED
from autograder.integration.output_limits import LimitOutputSize
from autograder.rounds import crosscheck
from autograder.rounds.grading_round import Round, submission_problem
from autograder.sandbox import leftovers
from simulated_class.class_source import SimulatedClass
from simulated_class.students import DUE, filled, solution_sources

ASSIGNMENT = "bp"
JOBS = 2
OUTPUT_LIMIT = LimitOutputSize.class_traits()["notebook_characters"].default_value


def submit(course, student, content):
    data = content if isinstance(content, bytes) else nbformat.writes(content).encode("utf-8")
    course.write_submission(student, ASSIGNMENT, data, DUE[ASSIGNMENT])


def complete_notebook(course):
    solutions = solution_sources(course.root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    return filled(course.root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", solutions)


def scores(course, student):
    with Gradebook(course.db_url) as book:
        return submission_scores(book, ASSIGNMENT, student)


def points():
    return {item.id: float(item.points) for item in load_course().assignment(ASSIGNMENT).items}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    grading_round = Round(
        tmp_path_factory.mktemp("round"),
        SimulatedClass(),
        jobs=JOBS,
        enforce=True,
        assignments=[ASSIGNMENT],
    )
    grading_round.release()
    course = grading_round.course
    # an unconfined kernel would harm the course
    entries = [entry for entry in NOTEBOOK_CORPUS if supported(entry.landlock)]
    students = [HONEST] + [entry.name for entry in entries]
    roster = course.root / "roster.csv"
    roster.write_text("id\n" + "\n".join(students) + "\n", encoding="utf-8")
    course.run("db", "student", "import", roster, log="roster")
    submit(course, HONEST, complete_notebook(course))
    assert parallel_nbgrader.autograde(course, ASSIGNMENT, [HONEST], students) == {}
    honest = scores(course, HONEST), fingerprint(course.root / AUTOGRADED / HONEST)

    for entry in entries:
        submit(course, entry.name, entry.make(complete_notebook(course)))
    protected = [course.root / name for name in ("solutions", "assignments", SUBMITTED)] + [
        ROOT / name for name in ("source_impl", "autograder")
    ]
    before = fingerprint(*protected)
    not_graded = {s: submission_problem(course, s, ASSIGNMENT) for s in students}
    gradable = [s for s, problem in not_graded.items() if problem is None and s != HONEST]
    reports = grading_round.out / "reports"
    failures = parallel_nbgrader.autograde(
        course,
        ASSIGNMENT,
        gradable,
        students,
        JOBS,
        options=[f"--ScoreOfRecord.reports_directory={reports}"],
    )
    graded_ones = [s for s in gradable if s not in failures]
    mismatches = crosscheck.compare(
        course.db_url, ASSIGNMENT, crosscheck.saved_reports(reports / ASSIGNMENT, graded_ones)
    )
    crosscheck.enforce(course.db_url, mismatches)
    not_graded.update(failures)
    # then their feedback, and its release, as nbgrader's own commands make them
    with_feedback = [HONEST, *graded_ones]
    parallel_nbgrader.generate_feedback(course, ASSIGNMENT, with_feedback, students, JOBS)
    for student in with_feedback:  # what nbgrader's submit and collect would have brought
        (course.root / FEEDBACK / student / ASSIGNMENT / "submission_secret.txt").write_text(
            student, encoding="utf-8"
        )
    exchange = tmp_path_factory.mktemp("exchange")
    released = course.run(
        "release_feedback",
        ASSIGNMENT,
        f"--Exchange.root={exchange}",
        log="release_feedback",
        check=False,
    )
    return SimpleNamespace(
        course=course,
        honest=honest,
        before=before,
        protected=protected,
        not_graded=not_graded,
        mismatches=mismatches,
        with_feedback=with_feedback,
        released=(released, sorted(exchange.rglob("feedback/*.html"))),
    )


def test_the_honest_students_grades_and_the_courses_files_are_untouched(graded):
    course = graded.course
    assert graded.honest[0] == points()
    assert (scores(course, HONEST), fingerprint(course.root / AUTOGRADED / HONEST)) == graded.honest
    assert fingerprint(*graded.protected) == graded.before
    with sqlite3.connect(course.gradebook) as gradebook:
        assert gradebook.execute("pragma integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize("entry", NOTEBOOK_CORPUS, ids=lambda entry: entry.name)
def test_the_entry_is_graded_fairly(graded, entry):
    if not supported(entry.landlock):
        pytest.skip(
            f"needs Landlock ABI {entry.landlock}, which this machine lacks (see the sandbox table in docs/developers.md)"
        )
    problem = graded.not_graded[entry.name]
    if entry.not_graded:
        assert problem and entry.not_graded in problem
        assert scores(graded.course, entry.name) is None  # no half-graded submission left behind
        return
    assert problem is None
    expected = points()
    got = scores(graded.course, entry.name)
    assert {item: got[item] for item in expected if item not in entry.lower} == {
        item: p for item, p in expected.items() if item not in entry.lower
    }
    assert all(got[item] < expected[item] for item in entry.lower)
    assert any(m.student == entry.name for m in graded.mismatches) == entry.flagged
    autograded = graded.course.root / AUTOGRADED / entry.name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    released = graded.course.root / RELEASE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    # its outputs within the kit's limit (the release's own size aside: the outputs' JSON is escaped once more)
    assert autograded.stat().st_size < released.stat().st_size + 2 * OUTPUT_LIMIT
    if entry.prints:
        notebook = nbformat.read(autograded, as_version=4)
        printed = "".join(
            output.get("text", "")
            for cell in notebook.cells
            if cell.cell_type == "code"
            for output in cell.outputs
        )
        assert entry.prints in printed


def test_every_graded_entrys_feedback_is_regular_files_inert_and_released_one_page_each(graded):
    code, pages = graded.released
    assert code == 0  # no page held back: none holds what its student may not see
    assert len(pages) == len(graded.with_feedback)
    for student in graded.with_feedback:
        folder = graded.course.root / FEEDBACK / student / ASSIGNMENT
        limits = load_course().kernel_folder
        assert leftovers.audit(folder, limits.file_bytes, limits.total_bytes, limits.entries) == []
        page = (folder / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
        assert LIVE_IN_PAGE.findall(page) == [], student
        assert len(page) < 2 * OUTPUT_LIMIT + len(
            (graded.course.root / RELEASE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
        ), student
