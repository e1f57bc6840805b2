"""Regrades with a record, on a course folder that the real `nbgrader autograde` graded: each
submission's provenance is in its saved report and in the gradebook; after a tolerance change in
a copy of course.yaml, the preview lists exactly the students whose grade changes, with the
reason "tolerance", and writes nothing; the regrade changes only those grades and keeps the old
ones in the gradebook's history."""

import contextlib
import datetime
import hashlib
import io
import json
import shutil

import course_files
import nbformat
import pytest
from nbgrader.api import Gradebook
from notebooks import copy_assignment, paste_solutions, solution_cells

from autograder.exports.per_item import submission_scores
from autograder.grading import cases
from autograder.grading.course import COURSE_FILE, load_course
from autograder.grading.results import scores_differ
from autograder.grading.submission import read
from autograder.integration import gradebook_provenance
from autograder.integration.nbgrader_course import AUTOGRADED, CourseFolder
from autograder.rounds import regrade
from simulated_class.students import TAMPER_ATTRIBUTE, TAMPER_CELLS

ASSIGNMENT = "perceptron"
COURSE = load_course()
ITEM = "distance_to_hyperplane"
EXACT = "    return float(abs(w @ np.asarray(x0, dtype=float) + b) / np.linalg.norm(w))"
# off by a relative 1e-6: wrong at the course's rtol 1e-7, right at 1e-4
NUDGED = EXACT.replace("return ", "return (1 + 1e-6) * ")
LOOSER = {"rtol": 1.0e-4, "atol": 1.0e-10}
MISTAKE = ("return eta * (y - y_hat)", "return eta * (y_hat - y)")  # Δŵ's sign, another item
STUDENTS = ("finished", "mistaken", "nudged", "tamperer")
SUBMITTED_AT = datetime.datetime(2026, 11, 20, 12, 0)  # UTC, as nbgrader's gradebook keeps it


def edit_solutions(path, right, wrong):
    notebook = nbformat.read(path, as_version=4)
    for cell in solution_cells(notebook):
        assert cell.source.count(right) <= 1
        cell.source = cell.source.replace(right, wrong)
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def autograded(tmp_path_factory):
    """A course folder whose perceptron submissions nbgrader autograded, its reports saved."""
    root = tmp_path_factory.mktemp("course")
    course = CourseFolder(root)
    copy_assignment("solutions", ASSIGNMENT, root / "solutions" / ASSIGNMENT)
    course.run("generate_assignment", ASSIGNMENT, log="release")
    for student in STUDENTS:
        folder = shutil.copytree(
            root / "assignments" / ASSIGNMENT, root / "submitted" / student / ASSIGNMENT
        )
        path = folder / f"{ASSIGNMENT}.ipynb"
        (folder / "timestamp.txt").write_text(f"{SUBMITTED_AT:%Y-%m-%d %H:%M:%S.%f} UTC")
        if student != "tamperer":
            paste_solutions(path, ASSIGNMENT)
        if student == "mistaken":
            edit_solutions(path, *MISTAKE)
        if student == "nudged":
            edit_solutions(path, EXACT, NUDGED)
        if student == "tamperer":
            notebook = nbformat.read(path, as_version=4)
            notebook.cells.insert(1, nbformat.v4.new_code_cell(TAMPER_CELLS[TAMPER_ATTRIBUTE]))
            nbformat.write(notebook, path)
    course.run(
        "autograde",
        ASSIGNMENT,
        "--create",
        f"--ScoreOfRecord.reports_directory={root / 'reports'}",
        log="autograde",
    )
    return course


def saved_report(course, student):
    return json.loads((course.root / "reports" / ASSIGNMENT / f"{student}.json").read_text())


def recorded(course):
    with Gradebook(course.db_url) as book:
        return gradebook_provenance.recorded(book, ASSIGNMENT)


def all_scores(course):
    with Gradebook(course.db_url) as book:
        return {s: submission_scores(book, ASSIGNMENT, s, COURSE) for s in STUDENTS}


@pytest.mark.parametrize("student", STUDENTS)
def test_autograde_records_the_provenance_in_the_report_and_the_gradebook(autograded, student):
    report = saved_report(autograded, student)
    provenance = report["provenance"]
    assert recorded(autograded)[student] == provenance
    notebook = autograded.notebook(AUTOGRADED, student, ASSIGNMENT)
    source = read([notebook]).source
    assert provenance["submission_sha256"] == hashlib.sha256(source.encode()).hexdigest()
    assert provenance["course_sha256"] == hashlib.sha256(COURSE_FILE.read_bytes()).hexdigest()
    assert {item: settings["seed"] for item, settings in provenance["items"].items()} == {
        item.id: cases.item_seed(COURSE.base_seed, COURSE.id, ASSIGNMENT, student, item.id)
        for item in COURSE.assignment(ASSIGNMENT).items
    }
    with Gradebook(autograded.db_url) as book:
        assert provenance["deadline"] == gradebook_provenance.deadline(book, ASSIGNMENT, student)


@pytest.mark.parametrize("student", STUDENTS)
def test_the_tamper_flag_names_the_items_whose_kernel_showed_another_score(autograded, student):
    report = saved_report(autograded, student)
    shown = sorted(
        item["id"]
        for item in report["items"]
        if scores_differ(report["kernel"][item["id"]], item["score"])
    )
    assert report["provenance"]["tampered"] == shown
    assert bool(shown) == (student == "tamperer")


def files_of(folder):
    """{relative path: SHA-256} of every file under folder, the gradebook's among them."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def looser_course_file(tmp_path_factory):
    data = course_files.shipped()
    item = next(i for i in data["assignments"][0]["items"] if i["id"] == ITEM)
    item["tolerance"] = LOOSER
    return course_files.write_course(tmp_path_factory.mktemp("changed"), data)


@pytest.fixture(scope="module")
def previewed(autograded, looser_course_file):
    """(the files before, the scores before, the preview's plan, its printed table, the files after)."""
    before, scores = files_of(autograded.root), all_scores(autograded)
    found = regrade.plan(autograded, ASSIGNMENT, load_course(looser_course_file))
    printed = run_main(autograded, looser_course_file, "--preview")
    return before, scores, found, printed, files_of(autograded.root)


def run_main(course, course_file, *options):
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = regrade.main(
            [
                "--course",
                str(course.root),
                "--assignment",
                ASSIGNMENT,
                "--course-file",
                str(course_file),
                *options,
            ]
        )
    assert code == 0
    return output.getvalue()


def test_the_preview_lists_exactly_the_changed_grades_with_the_reason_tolerance(previewed):
    _, scores, found, printed, _ = previewed
    assert [(c.student, c.item, c.reasons) for c in found.changes] == [
        ("nudged", ITEM, ("tolerance",))
    ]
    change = found.changes[0]
    assert change.old == scores["nudged"][ITEM] and change.new > change.old
    rows = [
        line
        for line in printed.splitlines()
        if line.startswith(("finished", "mistaken", "nudged", "tamperer"))
    ]
    assert (
        len(rows) == 1 and rows[0].split()[:2] == ["nudged", ITEM] and rows[0].endswith("tolerance")
    )
    assert "nothing written" in printed


def test_the_preview_writes_nothing(previewed):
    before, _, _, _, after = previewed
    assert after == before


@pytest.fixture(scope="module")
def regraded(previewed, autograded, looser_course_file):
    provenance_before = recorded(autograded)
    printed = run_main(autograded, looser_course_file)
    return provenance_before, printed


def test_the_regrade_changes_only_the_grades_the_preview_listed(previewed, regraded, autograded):
    _, scores, found, _, _ = previewed
    expected = {student: dict(items) for student, items in scores.items()}
    for change in found.changes:
        expected[change.student][change.item] = change.new
    assert all_scores(autograded) == expected


def test_the_history_keeps_the_old_grade_with_its_reason_and_provenance(
    previewed, regraded, autograded
):
    _, scores, found, _, _ = previewed
    provenance_before, _ = regraded
    with Gradebook(autograded.db_url) as book:
        rows = gradebook_provenance.history(book, ASSIGNMENT)
    assert [
        (r["student"], r["item"], r["old_score"], r["new_score"], r["reason"]) for r in rows
    ] == [("nudged", ITEM, scores["nudged"][ITEM], found.changes[0].new, "tolerance")]
    assert rows[0]["old_provenance"] == provenance_before["nudged"]
    assert rows[0]["replaced_at"] <= datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def test_the_regrade_records_the_new_provenance_and_keeps_the_tamper_flag(regraded, autograded):
    provenance_before, _ = regraded
    after = recorded(autograded)
    assert after["nudged"]["items"][ITEM]["tolerance"] == LOOSER
    assert after["nudged"]["course_sha256"] != provenance_before["nudged"]["course_sha256"]
    assert after["tamperer"]["tampered"] == provenance_before["tamperer"]["tampered"] != []


def test_a_second_regrade_finds_nothing_to_change(regraded, autograded, looser_course_file):
    found = regrade.plan(autograded, ASSIGNMENT, load_course(looser_course_file))
    assert found.changes == [] and len(found.provenances) == len(STUDENTS)


def test_a_moved_due_date_and_an_extension_are_named_as_the_late_penaltys_reasons(
    regraded, autograded, looser_course_file, tmp_path
):
    # on a copy: every submission a day late, one of them with a 12-hour extension
    course = CourseFolder(shutil.copytree(autograded.root, tmp_path / "course"))
    with Gradebook(course.db_url) as book:
        book.find_assignment(ASSIGNMENT).duedate = SUBMITTED_AT - datetime.timedelta(days=1)
        book.find_submission(ASSIGNMENT, "mistaken").extension = datetime.timedelta(hours=12)
        book.db.commit()
    scores = all_scores(course)
    found = regrade.plan(course, ASSIGNMENT, load_course(looser_course_file))
    late = [c for c in found.changes if c.item == regrade.LATE_PENALTY]
    # the tamperer's 0 loses nothing
    assert {(c.student, c.reasons) for c in late} == {
        ("finished", ("due date",)),
        ("nudged", ("due date",)),
        ("mistaken", ("due date", "extension")),
    }
    assert all(c.old == 0 < c.new < sum(scores[c.student].values()) for c in late)
    assert len(found.changes) == len(late)


def test_an_item_graded_with_a_helper_that_passes_now_names_it(autograded, tmp_path):
    # mistaken's Δŵ has the wrong sign: at a tolerance that takes any answer it passes, and
    # train_perceptron, graded with the reference's Δŵ while Δŵ failed, now runs the student's
    data = course_files.shipped()
    item = next(i for i in data["assignments"][0]["items"] if i["id"] == "perceptron_delta")
    item["tolerance"] = {"rtol": 0.0, "atol": 1.0e3}
    path = course_files.write_course(tmp_path, data)
    found = regrade.plan(autograded, ASSIGNMENT, load_course(path))
    assert [(c.student, c.item, c.reasons) for c in found.changes if c.student == "mistaken"] == [
        ("mistaken", "perceptron_delta", ("tolerance",)),
        ("mistaken", "train_perceptron", ("via perceptron_delta",)),
    ]
