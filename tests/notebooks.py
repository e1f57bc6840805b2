"""Helpers for tests that run the course's notebooks in a real Jupyter kernel."""

import shutil
import subprocess
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder import ROOT
from autograder.sandbox.confined_kernel import CAPSTONE_SECONDS

ASSIGNMENTS = ["perceptron", "bp"]


def with_capstones(environment):
    """environment without the tests' override (tests/conftest.py): autograde runs exercise 5.5's
    capstones within course.yaml's timeouts.capstone_seconds (an empty value counts as none, and
    stays none where the environment is added to the tests' own, as JupyterLab's is)."""
    return {**environment, CAPSTONE_SECONDS: ""}


def notebook_path(step, assignment):
    """The notebook of an assignment in solutions/ or assignments/."""
    return ROOT / step / assignment / f"{assignment}.ipynb"


def copy_assignment(step, assignment, destination):
    """Copy an assignment's folder to destination, with its companion files; return the notebook's path."""
    shutil.copytree(
        ROOT / step / assignment, destination, ignore=shutil.ignore_patterns("__pycache__")
    )
    return Path(destination) / f"{assignment}.ipynb"


def execute(path, timeout=300):
    """Run a notebook top to bottom in a fresh python3 kernel, in its own folder; return it with outputs."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(path).parent)}},
    ).execute()
    return notebook


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def graded_cells(notebook):
    return [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")]


def graded_code_cells(notebook):
    """The items' cells: the self-check and the hidden tests, scored by the kit's grader."""
    return [cell for cell in graded_cells(notebook) if cell.cell_type == "code"]


def answer_cells(notebook):
    """The derivations' cells: nbgrader's "Manually graded answer" Markdown cells, graded by people."""
    return [cell for cell in graded_cells(notebook) if cell.cell_type == "markdown"]


def solution_cells(notebook):
    return [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("solution")]


def stream_text(cell, name="stdout"):
    return "".join(
        o.get("text", "")
        for o in cell.get("outputs", [])
        if o.output_type == "stream" and o.name == name
    )


def paste_solutions(student_notebook_path, assignment):
    """Fill a student copy's stubs with the solution notebook's code, as a student who finished would."""
    solutions = {
        grade_id(c): c.source
        for c in solution_cells(nbformat.read(notebook_path("solutions", assignment), as_version=4))
    }
    notebook = nbformat.read(student_notebook_path, as_version=4)
    for cell in solution_cells(notebook):
        lines = solutions[grade_id(cell)].splitlines()
        cell.source = "\n".join(
            line for line in lines if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")
        )
    nbformat.write(notebook, student_notebook_path)


def copy_of_the_repository(destination):
    """The repository's files, tracked and new but not ignored, as the working tree holds them, copied
    to destination: what a clean checkout of this work holds (no .venv, no var/)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0, f"git lists the repository's files to copy: {listed.stderr}"
    for name in filter(None, listed.stdout.split("\0")):
        if (ROOT / name).is_file():  # not one deleted in the working tree
            (Path(destination) / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, Path(destination) / name, follow_symlinks=False)
