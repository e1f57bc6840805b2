"""`nbgrader autograde`, through the hidden-test regions of the graded cells, gives every item
the same score as the command-line grader gives the same submitted notebook, and leaves the
derivation cells (Markdown, graded by people) without a score, whatever their text says."""

import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook
from notebooks import ROOT, copy_assignment, paste_solutions, solution_cells

from autograder.grading.course import load_course
from autograder.grading.grader import grade
from autograder.integration.nbgrader_course import nbgrader_environment
from simulated_class.students import TAMPER_ATTRIBUTE, TAMPER_CELLS

ASSIGNMENT = "bp"
# Two mistakes of the catalog, as a student would make them in the notebook.
MISTAKES = {
    "return -eta * np.asarray(g, dtype=float)": "return eta * np.asarray(g, dtype=float)",
    "return b * (1.0 - b) * (np.asarray(w, dtype=float) @ g)": "return (np.asarray(w, dtype=float) @ g)",
}


def nbgrader(command, root, check=True, **environment):
    options = [
        f"--CourseDirectory.root={root}",
        "--CourseDirectory.source_directory=solutions",
        f"--CourseDirectory.db_url=sqlite:///{root / 'gradebook.db'}",
    ]
    # From the repository, so that its nbgrader_config.py applies; the options move the course to root.
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *command, *options],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**nbgrader_environment(), **environment},
    )
    assert not check or result.returncode == 0, result.stdout + result.stderr
    return result


def finished_submission(root, student="finished"):
    """A course folder at root with bp generated and one finished submission; the submitted notebook's path."""
    copy_assignment("solutions", ASSIGNMENT, root / "solutions" / ASSIGNMENT)
    nbgrader(["generate_assignment", ASSIGNMENT], root)
    folder = shutil.copytree(
        root / "assignments" / ASSIGNMENT, root / "submitted" / student / ASSIGNMENT
    )
    paste_solutions(folder / f"{ASSIGNMENT}.ipynb", ASSIGNMENT)
    return folder / f"{ASSIGNMENT}.ipynb"


# Cells a student adds after the set-up: one makes the hidden-test function report full marks,
# one makes every score display as 99, above any cell's points (nbgrader refuses such a score).
ATTACKS = {
    "tamperer": TAMPER_CELLS[TAMPER_ATTRIBUTE],
    "fake_display": "get_ipython().display_formatter.formatters['text/plain'].for_type(float, lambda value, p, cycle: p.text('99'))",
}


def after_setup(path, code):
    notebook = nbformat.read(path, as_version=4)
    setup = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    notebook.cells.insert(setup + 1, nbformat.v4.new_code_cell(code))
    nbformat.write(notebook, path)


def with_mistakes(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in solution_cells(notebook):
        for right, wrong in MISTAKES.items():
            cell.source = cell.source.replace(right, wrong)
        # a derivation's answer that reads like a graded cell's hidden test
        if cell.cell_type == "markdown":
            cell.source += f"\n\n{HIDDEN_CALL}"
    nbformat.write(notebook, path)


HIDDEN_CALL = 'hidden_score("delta_theta")'
DERIVATIONS = [derivation.id for derivation in load_course().assignment(ASSIGNMENT).derivations]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder with three submissions of bp, autograded by nbgrader."""
    root = tmp_path_factory.mktemp("course")
    copy_assignment("solutions", ASSIGNMENT, root / "solutions" / ASSIGNMENT)
    nbgrader(["generate_assignment", ASSIGNMENT], root)
    submitted = {}
    for student in ("finished", "two_mistakes", "unfinished", "tamperer", "fake_display"):
        folder = shutil.copytree(
            root / "assignments" / ASSIGNMENT, root / "submitted" / student / ASSIGNMENT
        )
        path = folder / f"{ASSIGNMENT}.ipynb"
        if student not in ("unfinished", "tamperer"):
            paste_solutions(path, ASSIGNMENT)
        if student == "two_mistakes":
            with_mistakes(path)
        if student in ATTACKS:
            after_setup(path, ATTACKS[student])
        submitted[student] = path
    nbgrader(["autograde", ASSIGNMENT, "--create"], root)
    return root, submitted


def gradebook_scores(root, student):
    """{item: score}: the items' cells, not the derivations'."""
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return {
            grade.name: grade.score for grade in submission.grades if grade.name not in DERIVATIONS
        }


def derivation_grades(root, student):
    """{derivation: (auto_score, needs_manual_grade)} in the gradebook."""
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return {
            grade.name: (grade.auto_score, grade.needs_manual_grade)
            for grade in submission.grades
            if grade.name in DERIVATIONS
        }


def flagged(root, student):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).flagged


@pytest.mark.parametrize(
    "student", ["finished", "two_mistakes", "unfinished", "tamperer", "fake_display"]
)
def test_nbgrader_autograde_agrees_with_the_command_line_grader(course, student):
    root, submitted = course
    report = grade([submitted[student]], student).to_dict()
    assert gradebook_scores(root, student) == {
        item["id"]: item["score"] for item in report["items"]
    }


def test_the_mistakes_cost_their_own_items_only_though_other_items_call_them(course):
    # The notebook's bp_step and trainers call the student's own delta_theta and hidden_gradient:
    # they are graded with the reference's in their place.
    root, _ = course
    scores, full = gradebook_scores(root, "two_mistakes"), gradebook_scores(root, "finished")
    wrong = {"delta_theta", "hidden_gradient"}
    assert all(scores[item] == 0 for item in wrong)
    assert {k: v for k, v in scores.items() if k not in wrong} == {
        k: v for k, v in full.items() if k not in wrong
    }
    item_points = load_course().assignment(ASSIGNMENT).item_points
    assert sum(full.values()) == item_points
    assert sum(gradebook_scores(root, "unfinished").values()) == 0


def test_plain_autograde_saves_the_out_of_kernel_score_and_flags_the_kernels_that_showed_another(
    course,
):
    root, _ = course
    full = gradebook_scores(root, "finished")
    # its stubs are unfinished, whatever its kernel said
    assert sum(gradebook_scores(root, "tamperer").values()) == 0
    # graded from the report, not refused for its 99s
    assert gradebook_scores(root, "fake_display") == full
    assert {
        student: flagged(root, student)
        for student in ("finished", "two_mistakes", "unfinished", "tamperer", "fake_display")
    } == {
        "finished": False,
        "two_mistakes": False,
        "unfinished": False,
        "tamperer": True,
        "fake_display": True,
    }
    autograded = nbformat.read(
        root / "autograded" / "tamperer" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4
    )
    sigmoid = next(
        cell
        for cell in autograded.cells
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "sigmoid"
    )
    assert [output.output_type for output in sigmoid.outputs] == ["stream", "execute_result"]
    assert (
        sigmoid.outputs[0].text.startswith("sigmoid: 0.00/1 not_implemented")
        and sigmoid.outputs[1].data["text/plain"] == "0.0"
    )


def test_the_derivation_cells_are_left_to_a_person_even_when_their_text_calls_a_hidden_test(course):
    root, submitted = course
    answered = dict.fromkeys(DERIVATIONS, (None, True))  # "needs manual grade": formgrader's
    assert derivation_grades(root, "finished") == answered
    assert derivation_grades(root, "two_mistakes") == answered
    assert HIDDEN_CALL in "".join(
        cell.source
        for cell in nbformat.read(submitted["two_mistakes"], as_version=4).cells
        if cell.cell_type == "markdown"
    )
    # left as released: nbgrader's 0
    assert derivation_grades(root, "unfinished") == dict.fromkeys(DERIVATIONS, (0.0, False))
    autograded = nbformat.read(
        root / "autograded" / "two_mistakes" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4
    )
    cells = [
        cell
        for cell in autograded.cells
        if cell.metadata.get("nbgrader", {}).get("grade_id") in DERIVATIONS
    ]
    assert len(cells) == len(DERIVATIONS) and all(
        cell.cell_type == "markdown" and "outputs" not in cell for cell in cells
    )
    # nothing the kernel showed was taken for that cell's score
    assert not flagged(root, "two_mistakes")


def test_nbgraders_configuration_leaves_room_for_grading_and_confines_every_kernel(monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.nbgrader_cell import grading_timeout_seconds

    # restored after: the configuration sets it
    monkeypatch.setenv("JUPYTER_DEFAULT_PROVISIONER_NAME", "local-provisioner")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert config.Execute.timeout > grading_timeout_seconds()
    assert os.environ["JUPYTER_DEFAULT_PROVISIONER_NAME"] == "confined-local-provisioner"
    assert config.Execute.kernel_name == "python3"  # whatever kernel a notebook names


@pytest.mark.skipif(
    os.geteuid() != 0, reason="the worker runs as another user only when nbgrader runs as root"
)
def test_autograde_where_the_grader_cannot_run_fails_loudly_and_saves_no_silent_zero(tmp_path):
    # the worker's user cannot enter a temporary folder that only root may enter: no notebook can be graded
    finished_submission(tmp_path)
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    result = nbgrader(
        ["autograde", ASSIGNMENT, "--create"], tmp_path, check=False, TMPDIR=str(closed)
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert (
        "the course kit could not grade" in output and "the worker process cannot start" in output
    ), output
    assert not (tmp_path / "autograded" / "finished" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    # nothing saved: no cell scored 0
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        grades = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "finished").grades
        assert {grade.auto_score for grade in grades} == {None}


def test_autograde_of_a_notebook_whose_kernel_cannot_import_the_self_check_still_saves_its_grade_and_says_so(
    tmp_path,
):
    # the companion files left out of the course and of the submission: the kernel's cells fail, the grade does not
    notebook = finished_submission(tmp_path)
    for folder in (tmp_path / "solutions" / ASSIGNMENT, notebook.parent):
        (folder / "selfcheck.py").unlink()
    result = nbgrader(["autograde", ASSIGNMENT, "--create"], tmp_path)
    item_points = load_course().assignment(ASSIGNMENT).item_points
    assert sum(gradebook_scores(tmp_path, "finished").values()) == item_points and flagged(
        tmp_path, "finished"
    )
    assert (
        "the kernel's scores differ from the out-of-kernel grader's in"
        in result.stdout + result.stderr
    )
