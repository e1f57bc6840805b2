"""`nbgrader autograde`, through the hidden-test regions of the graded cells, gives every item
the same score as the command-line grader gives the same submitted notebook."""

import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook
from notebooks import ROOT, copy_assignment, paste_solutions, solution_cells

from autograder.grader import grade
from autograder.nbgrader_course import nbgrader_environment

ASSIGNMENT = "bp"
# Two mistakes of the catalog, as a student would make them in the notebook.
MISTAKES = {
    "return -eta * np.asarray(g, dtype=float)": "return eta * np.asarray(g, dtype=float)",
    "return b * (1.0 - b) * (np.asarray(w, dtype=float) @ g)": "return (np.asarray(w, dtype=float) @ g)",
}


def nbgrader(command, root):
    options = [
        f"--CourseDirectory.root={root}",
        "--CourseDirectory.source_directory=solutions",
        f"--CourseDirectory.db_url=sqlite:///{root / 'gradebook.db'}",
    ]
    # From the repository, so that its nbgrader_config.py applies; the options move the course to root.
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *command, *options], capture_output=True, text=True, cwd=ROOT, env=nbgrader_environment()
    )
    assert result.returncode == 0, result.stdout + result.stderr


def with_mistakes(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in solution_cells(notebook):
        for right, wrong in MISTAKES.items():
            cell.source = cell.source.replace(right, wrong)
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder with three submissions of bp, autograded by nbgrader."""
    root = tmp_path_factory.mktemp("course")
    copy_assignment("solutions", ASSIGNMENT, root / "solutions" / ASSIGNMENT)
    nbgrader(["generate_assignment", ASSIGNMENT], root)
    submitted = {}
    for student in ("finished", "two_mistakes", "unfinished"):
        folder = shutil.copytree(root / "assignments" / ASSIGNMENT, root / "submitted" / student / ASSIGNMENT)
        path = folder / f"{ASSIGNMENT}.ipynb"
        if student != "unfinished":
            paste_solutions(path, ASSIGNMENT)
        if student == "two_mistakes":
            with_mistakes(path)
        submitted[student] = path
    nbgrader(["autograde", ASSIGNMENT, "--create"], root)
    return root, submitted


def gradebook_scores(root, student):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return {grade.name: grade.score for grade in submission.grades}


@pytest.mark.parametrize("student", ["finished", "two_mistakes", "unfinished"])
def test_nbgrader_autograde_agrees_with_the_command_line_grader(course, student):
    root, submitted = course
    report = grade([submitted[student]], student).to_dict()
    assert gradebook_scores(root, student) == {item["id"]: item["score"] for item in report["items"]}


def test_the_mistakes_cost_their_own_items_only_though_other_items_call_them(course):
    # The notebook's bp_step and trainers call the student's own delta_theta and hidden_gradient:
    # they are graded with the reference's in their place.
    root, _ = course
    scores, full = gradebook_scores(root, "two_mistakes"), gradebook_scores(root, "finished")
    wrong = {"delta_theta", "hidden_gradient"}
    assert all(scores[item] == 0 for item in wrong)
    assert {k: v for k, v in scores.items() if k not in wrong} == {k: v for k, v in full.items() if k not in wrong}
    assert sum(full.values()) == 35 and sum(gradebook_scores(root, "unfinished").values()) == 0


def test_nbgraders_configuration_leaves_room_for_grading_and_confines_every_kernel(monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.nbgrader_cell import grading_timeout_seconds

    monkeypatch.setenv("JUPYTER_DEFAULT_PROVISIONER_NAME", "local-provisioner")  # restored after: the configuration sets it
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert config.Execute.timeout > grading_timeout_seconds()
    assert os.environ["JUPYTER_DEFAULT_PROVISIONER_NAME"] == "confined-local-provisioner"
    assert config.Execute.kernel_name == "python3"  # whatever kernel a notebook names
