"""Right work in the wrong container: a student's .py where the notebook should be is listed with the
kit's score of it, and, accepted, becomes the released notebook with the student's functions in
place of the stubs, graded like any notebook."""

import ast

import nbformat
import pytest
from notebooks import notebook_path, solution_cells
from submissions import module_source
from worker_user import needs_worker

import source_impl.perceptron
from autograder.grading.course import load_course
from autograder.grading.grader import grade
from autograder.rounds import wrong_container
from autograder.rounds.lms_download import Arrival, Note

COURSE = load_course()
ASSIGNMENT = COURSE.assignment("perceptron")
SCRIPT = "import numpy as np\n\n\n" + module_source(source_impl.perceptron) + "\n\nTHRESHOLD = 0\n"
PROVENANCE = "Converted from lifang_1002_71002_perceptron.py"


def released():
    return nbformat.read(notebook_path("assignments", ASSIGNMENT.id), 4)


def test_each_stub_becomes_the_students_definition_and_the_rest_opens_the_first_solution_cell():
    notebook = wrong_container.notebook_from_script(released(), SCRIPT, PROVENANCE)
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source == PROVENANCE
    theirs = {
        node.name: ast.get_source_segment(SCRIPT, node)
        for node in ast.parse(SCRIPT).body
        if isinstance(node, ast.FunctionDef)
    }
    cells = [cell for cell in solution_cells(notebook) if cell.cell_type == "code"]
    for cell in cells:
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.FunctionDef):
                assert ast.get_source_segment(cell.source, node) == theirs[node.name]
    # the script's imports, helpers and constants, before the first stub's place
    assert cells[0].source.startswith("import numpy as np\n")
    assert "\nTHRESHOLD = 0" in cells[0].source
    # nbgrader's cells keep their ids and metadata: autograde recognises the notebook
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in released().cells]
    assert [c.metadata.get("nbgrader", {}).get("grade_id") for c in notebook.cells[1:]] == ids


@needs_worker
def test_the_notebook_made_of_a_correct_script_earns_every_point(tmp_path):
    path = tmp_path / f"{ASSIGNMENT.id}.ipynb"
    nbformat.write(wrong_container.notebook_from_script(released(), SCRIPT, PROVENANCE), path)
    report = grade([path], "s01", ASSIGNMENT.id, course=COURSE)
    assert report.score == report.max_score == ASSIGNMENT.item_points


def script_arrival(content):
    return Arrival(
        "liujing_1004_71004_perceptron.py",
        None,
        content,
        "Canvas",
        "1004",
        "liujing",
        "perceptron.py",
    )


@needs_worker
def test_a_script_of_a_student_without_the_notebook_is_noted_with_the_kits_score_and_the_option():
    arrival = script_arrival(SCRIPT.encode())
    notes = [Note(arrival.path, "not a notebook (.py): not graded", "s4", "perceptron")]
    (script,) = wrong_container.scripts([arrival], notes, {}, COURSE)
    assert (script.student, script.assignment) == ("s4", ASSIGNMENT.id)
    note = wrong_container.graded_note(script, COURSE)
    assert f"gives it {ASSIGNMENT.item_points:g} of {ASSIGNMENT.item_points:g} points" in note.what
    assert "--accept s4:perceptron" in note.what
    # with the notebook handed in too, the script is no candidate
    assert wrong_container.scripts([arrival], notes, {("s4", "perceptron"): arrival}, COURSE) == []


def test_accepting_a_script_that_is_no_python_names_the_file_and_the_line(tmp_path):
    script = wrong_container.Script("s4", ASSIGNMENT.id, script_arrival(b"def f(:\n"))
    with pytest.raises(
        wrong_container.AcceptError, match=r"liujing_1004_71004_perceptron.py .*line 1"
    ):
        wrong_container.accepted(script, notebook_path("assignments", ASSIGNMENT.id))


def test_markup_in_the_uploads_name_stays_text_in_the_converted_notebook():
    arrival = Arrival(
        "<img src=x onerror=alert(1)>`_1004_71004_perceptron.py",
        None,
        SCRIPT.encode(),
        "Canvas",
        "1004",
        "x",
        "perceptron.py",
    )
    script = wrong_container.Script("s4", ASSIGNMENT.id, arrival)
    made, _ = wrong_container.accepted(script, notebook_path("assignments", ASSIGNMENT.id))
    first = nbformat.reads(made.content.decode(), 4).cells[0].source
    # inside a code span, which Markdown shows as text; the name's own backtick cannot close it
    assert first.startswith(
        "**Converted from `<img src=x onerror=alert(1)>'_1004_71004_perceptron.py`**"
    )
