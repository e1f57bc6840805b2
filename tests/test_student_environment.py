"""The student's side (`python3 tasks.py student`) installs what a student needs and nothing of
the grader or the reference, and a finished assignment passes its self-check there."""

import subprocess
import sys

import pytest
from notebooks import ROOT, copy_assignment, paste_solutions

from autograder.grading.course import load_course


@pytest.fixture(scope="module")
def student_python(tmp_path_factory):
    # the student's side as `python3 tasks.py student` sets it up, in a folder of the test's own
    folder = tmp_path_factory.mktemp("student") / ".venv-student"
    subprocess.run(
        [sys.executable, ROOT / "tasks.py", "student", "--setup-only", "--venv", folder],
        check=True,
        timeout=900,
    )
    return folder / "bin" / "python"


def run(python, *args, cwd=None):
    return subprocess.run([python, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_the_student_side_has_jupyterlab_nbgrader_and_numpy(student_python):
    result = run(student_python, "-c", "import jupyterlab, matplotlib, nbgrader, numpy, pytest")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("package", ["source_impl", "autograder"])
def test_the_student_side_has_neither_the_reference_nor_the_grader(student_python, package):
    result = run(student_python, "-c", f"import {package}", cwd=ROOT / "assignments")
    assert result.returncode == 1 and f"No module named '{package}'" in result.stderr


def test_the_student_side_keeps_validate_and_drops_the_instructor_tools(student_python):
    listing = run(student_python, "-m", "jupyterlab.labextensions", "list")
    disabled = (listing.stdout + listing.stderr).split("Disabled extensions:", 1)[1].split()
    assert {
        "@jupyter/nbgrader:formgrader",
        "@jupyter/nbgrader:create-assignment",
        "@jupyter/nbgrader:course-list",
    } <= set(disabled)
    assert "@jupyter/nbgrader:validate-assignment" not in disabled


def test_a_finished_assignment_passes_its_self_check_on_the_student_side(student_python, tmp_path):
    notebook = copy_assignment("assignments", "perceptron", tmp_path / "perceptron")
    paste_solutions(notebook, "perceptron")
    result = run(student_python, "-m", "pytest", "-q", cwd=notebook.parent)
    functions = len(load_course().assignment("perceptron").items)  # one pytest test each
    assert result.returncode == 0 and f"{functions} passed" in result.stdout, result.stdout
