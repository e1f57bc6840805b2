"""Grading started before the kernel: its report serves the file it graded, for the student it graded, and nothing else."""

import json
import subprocess
import sys

import nbformat
import pytest
from notebooks import copy_assignment
from worker_user import needs_worker

from autograder import nbgrader_cell
from autograder.grading.course import load_course
from autograder.integration import early_grading
from autograder.nbgrader_cell import hidden_score

WAIT_SECONDS = 60


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """The early reports' folder, as nbgrader's process would make it and its kernels see it."""
    reports = tmp_path / "early"
    reports.mkdir()
    monkeypatch.setenv(early_grading.FOLDER_VARIABLE, str(reports))
    nbgrader_cell._graded.cache_clear()  # each test grades its own files
    yield reports
    nbgrader_cell._graded.cache_clear()


@pytest.fixture
def notebook(tmp_path):
    return copy_assignment(
        "solutions", "perceptron", tmp_path / "autograded" / "s01" / "perceptron"
    )


def graded_by_the_command_line(notebook, student, tmp_path):
    out = tmp_path / f"{student}.json"
    command = [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        str(notebook),
        "--student",
        student,
        "--assignment",
        "perceptron",
        "--json",
        str(out),
    ]
    subprocess.run(command, check=True, capture_output=True)
    return json.loads(out.read_text(encoding="utf-8"))


@needs_worker
def test_the_early_report_is_the_command_lines_for_that_file_and_that_student_only(
    folder, notebook, tmp_path
):
    early_grading.start(notebook, "s01", "perceptron", tmp_path / "attempts")
    digest = early_grading.digest_of(notebook)
    report = early_grading.report(digest, "s01", WAIT_SECONDS)
    assert report == graded_by_the_command_line(notebook, "s01", tmp_path)
    # the same file handed in by another student
    assert early_grading.report(digest, "s02", WAIT_SECONDS) is None
    assert early_grading.report("0" * 64, "s01", WAIT_SECONDS) is None  # another file


def test_a_failed_early_grading_gives_no_report_and_no_wait(folder, tmp_path):
    broken = tmp_path / "autograded" / "s01" / "perceptron" / "perceptron.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text("{ not a notebook", encoding="utf-8")
    early_grading.start(broken, "s01", "perceptron", tmp_path / "attempts")
    assert early_grading.report(early_grading.digest_of(broken), "s01", WAIT_SECONDS) is None


@needs_worker
def test_hidden_score_reads_the_early_report_of_the_file_it_executes_and_grades_a_changed_file_anew(
    folder, notebook, capsys, tmp_path
):
    early_grading.start(notebook, "s01", "perceptron", tmp_path / "attempts")
    digest = early_grading.digest_of(notebook)
    early_grading.report(digest, "s01", WAIT_SECONDS)  # the grading has ended
    # Mark the early report, to see which report the cell reads.
    name = next(folder.glob("*/report.json"))
    report = json.loads(name.read_text(encoding="utf-8"))
    next(item for item in report["items"] if item["id"] == "augment")["score"] = 0.25
    name.write_text(json.dumps(report), encoding="utf-8")
    assert hidden_score("augment", folder=notebook.parent) == 0.25

    nbgrader_cell._graded.cache_clear()
    changed = nbformat.read(notebook, as_version=4)
    changed.cells.append(nbformat.v4.new_code_cell("pass"))
    nbformat.write(changed, notebook)
    points = next(item.points for item in load_course().items() if item.id == "augment")
    assert hidden_score("augment", folder=notebook.parent) == points
    assert f"augment: {points:.2f}/{points:g} passed" in capsys.readouterr().out
