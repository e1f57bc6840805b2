"""The benchmark script's pieces measure what they say (its timings are not tested: they are the benchmark's job)."""

import importlib.util
import shutil

import nbformat
import pytest
from notebooks import ROOT

from autograder.grading.course import load_course
from autograder.integration.nbgrader_course import CourseFolder
from simulated_class import students as simulated

SPEC = importlib.util.spec_from_file_location("benchmark", ROOT / "scripts" / "benchmark.py")
benchmark = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(benchmark)


def test_the_class_is_typical_submissions_arriving_through_nbgrader():
    students = benchmark.the_class(6)
    assert len(students) == 6
    assert {s.profile for s in students} <= {simulated.COMPLETE, simulated.MISTAKE} and {
        s.channel for s in students
    } == {simulated.NBGRADER}


def test_the_constant_score_course_keeps_nbgraders_work_and_drops_only_the_kits_grading(tmp_path):
    folder = benchmark.course(tmp_path, benchmark.the_class(1), constant_scores=True)
    source = nbformat.read(tmp_path / "solutions" / "bp" / "bp.ipynb", as_version=4)
    graded = [
        c
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("points") is not None and c.cell_type == "code"
    ]
    assert len(graded) == len(load_course().assignment("bp").items) and not any(
        "hidden_score" in c.source for c in source.cells
    )
    answers = [
        c
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("points") is not None and c.cell_type == "markdown"
    ]
    # the derivations, as in the kit's course
    assert len(answers) == len(load_course().assignment("bp").derivations)
    for cell in graded:
        region = cell.source.split("### BEGIN HIDDEN TESTS\n")[1].split("\n### END HIDDEN TESTS")[0]
        assert float(region) == cell.metadata["nbgrader"]["points"]
        assert "selfcheck.check(" in cell.source  # the visible part stays, as nbgrader runs it
    assert folder.notebook(benchmark.SUBMITTED, "s01", "bp").exists()


def test_the_batch_path_is_measured_against_the_per_sample_path():
    measured = benchmark.batch_against_per_sample(m=50, d=4, q=3, l=2)
    assert set(measured) == {"batch", "per_sample", "speedup"}
    assert (
        measured["speedup"]
        == measured["batch"]["updates_per_second"] / measured["per_sample"]["updates_per_second"]
        > 0
    )


def test_side_by_side_autogrades_every_class_at_once_and_stops_on_a_failure(tmp_path):
    students = benchmark.the_class(1)
    one = benchmark.course(tmp_path / "one", students, False)
    shutil.copytree(one.root, tmp_path / "two")  # the same course, released once
    folders = [one, CourseFolder(tmp_path / "two")]
    assert benchmark.side_by_side(folders, students) > 0
    graded = [benchmark.gradebook_rows(folder) for folder in folders]
    # each class graded whole: one row per graded cell, the same in both
    assert graded[0] == graded[1] and {student for student, _, _ in graded[0]} == {students[0].id}
    assert len(graded[0]) == len(load_course().assignment("bp").items) + len(
        load_course().assignment("bp").derivations
    )
    folders[1].notebook(benchmark.SUBMITTED, students[0].id, "bp").write_text("not a notebook")
    with pytest.raises(SystemExit, match=f"autograde side by side failed: .*{students[0].id}"):
        benchmark.side_by_side(folders, students)
