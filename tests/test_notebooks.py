"""The assignment notebooks: they run in a real kernel, their points are course.yaml's (the items'
code cells and the derivations' answer cells, whose rubric adds up to their points and whose
release is the stub alone), every markdown cell speaks both languages, and a finished student
copy passes nbgrader validate."""

import re
import subprocess
import sys

import nbformat
import numpy as np
import pytest
from notebooks import (
    ASSIGNMENTS,
    ROOT,
    answer_cells,
    copy_assignment,
    execute,
    grade_id,
    graded_cells,
    graded_code_cells,
    notebook_path,
    paste_solutions,
    solution_cells,
    stream_text,
)
from traitlets.config.loader import PyFileConfigLoader

from autograder.grading.course import load_course
from autograder.integration.nbgrader_course import nbgrader_environment
from source_impl.datasets import load_watermelon3_0

each_assignment = pytest.mark.parametrize("assignment", ASSIGNMENTS)
# the drawings that need no function of the student's: the hyperplane; Fig. 5.7 and E_k's dependencies
FIGURES = {"perceptron": 1, "bp": 2}


@each_assignment
def test_graded_cells_are_the_items_of_course_yaml_with_their_points(assignment):
    items = {item.id: item for item in load_course().assignment(assignment).items}
    notebook = nbformat.read(notebook_path("solutions", assignment), as_version=4)
    points = {
        grade_id(cell): cell.metadata["nbgrader"]["points"] for cell in graded_code_cells(notebook)
    }
    assert points == {item_id: item.points for item_id, item in items.items()}
    # no other kind
    assert len(graded_cells(notebook)) == len(graded_code_cells(notebook)) + len(
        answer_cells(notebook)
    )


@each_assignment
@pytest.mark.parametrize("step", ["solutions", "assignments"])
def test_graded_answer_cells_are_the_derivations_of_course_yaml_with_their_points(assignment, step):
    derivations = load_course().assignment(assignment).derivations
    notebook = nbformat.read(notebook_path(step, assignment), as_version=4)
    points = {
        grade_id(cell): cell.metadata["nbgrader"]["points"] for cell in answer_cells(notebook)
    }
    assert points == {derivation.id: derivation.points for derivation in derivations}
    # nbgrader's "Manually graded answer": a person grades what the student writes
    for cell in answer_cells(notebook):
        assert (
            cell.metadata["nbgrader"]["solution"],
            cell.metadata["nbgrader"].get("locked", False),
        ) == (True, False), grade_id(cell)


RUBRIC = "**评分标准 · Rubric**"


def rubric_points(source):
    """The points a derivation cell's rubric gives: its bullets' "N 分" each, and "每题 N 分" (N a question)
    times the questions numbered 1., 2., … in the cell's model answers above the rubric."""
    answers, rubric = source.split(RUBRIC, 1)
    questions = len(re.findall(r"^\d+\. ", answers, flags=re.M))
    total = 0.0
    for bullet in (line for line in rubric.splitlines() if line.startswith("- ")):
        each = re.match(r"- 每题 (\d+(?:\.\d+)?) 分", bullet)
        points = re.match(r"- (\d+(?:\.\d+)?) 分", bullet)
        assert each or points, f"a rubric bullet without its points: {bullet[:60]}"
        total += float(each[1]) * questions if each else float(points[1])
    return total


def test_rubric_points_reads_each_bullets_points_and_a_per_question_rubric():
    assert rubric_points(f"answer\n\n{RUBRIC}\n\n- 1 分：a.\n- 0.5 分：b（0.5 分 if c）.\n") == 1.5
    assert rubric_points(f"1. one\n2. two\n3. three\n\n{RUBRIC}\n\n- 每题 1 分：each.\n") == 3
    with pytest.raises(AssertionError, match="without its points"):
        rubric_points(f"answer\n\n{RUBRIC}\n\n- a criterion\n")


@each_assignment
def test_each_derivation_cell_of_the_solution_holds_a_rubric_worth_its_points(assignment):
    notebook = nbformat.read(notebook_path("solutions", assignment), as_version=4)
    for cell in answer_cells(notebook):
        assert RUBRIC in cell.source, f"{grade_id(cell)} has no rubric"
        assert rubric_points(cell.source) == cell.metadata["nbgrader"]["points"], grade_id(cell)


@each_assignment
def test_each_derivation_cell_of_the_release_holds_the_stub_only(assignment, monkeypatch):
    # restored after: the configuration sets it
    monkeypatch.setenv("JUPYTER_DEFAULT_PROVISIONER_NAME", "local-provisioner")
    stub = (
        PyFileConfigLoader("nbgrader_config.py", path=str(ROOT))
        .load_config()
        .ClearSolutions.text_stub
    )
    solutions = {
        grade_id(c): c.source
        for c in answer_cells(nbformat.read(notebook_path("solutions", assignment), as_version=4))
    }
    released = answer_cells(nbformat.read(notebook_path("assignments", assignment), as_version=4))
    assert released and {grade_id(cell) for cell in released} == set(solutions)
    for cell in released:
        assert cell.source == stub, f"{grade_id(cell)} in the release is not the stub"
        assert RUBRIC not in cell.source and solutions[grade_id(cell)] not in cell.source


@each_assignment
def test_each_item_has_a_stub_defining_its_function_just_before_its_graded_cell(assignment):
    notebook = nbformat.read(notebook_path("solutions", assignment), as_version=4)
    for item in load_course().assignment(assignment).items:
        index = next(i for i, cell in enumerate(notebook.cells) if grade_id(cell) == item.id)
        stub = notebook.cells[index - 1]
        assert grade_id(stub) == f"{item.id}_code" and stub.metadata["nbgrader"]["solution"]
        assert stub.source.startswith(f"def {item.function}(")
        graded = notebook.cells[index].source
        assert f'selfcheck.check("{item.function}", {item.function})' in graded
        hidden = graded.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]
        assert hidden.rstrip().endswith(f'hidden_score("{item.id}")')


CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def prose(markdown):
    """Markdown without math and code, where neither language is spoken."""
    for pattern in (r"\$\$.*?\$\$", r"\$[^$]*\$", r"`[^`]*`"):
        markdown = re.sub(pattern, " ", markdown, flags=re.S)
    return markdown


@each_assignment
@pytest.mark.parametrize("step", ["solutions", "assignments"])
def test_every_markdown_cell_is_chinese_first_then_english(assignment, step):
    notebook = nbformat.read(notebook_path(step, assignment), as_version=4)
    for number, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        text = prose(cell.source)
        chinese, english = CJK.search(text), ENGLISH_WORD.search(text)
        assert chinese and english, (
            f"markdown cell {number} lacks {'Chinese' if not chinese else 'English'}"
        )
        # headings hold both
        body = text.split("\n", 1)[1] if text.lstrip().startswith("#") else text
        first_chinese, first_english = CJK.search(body), ENGLISH_WORD.search(body)
        assert first_chinese and first_chinese.start() < first_english.start(), (
            f"cell {number}: Chinese comes first"
        )


@each_assignment
def test_the_solution_notebook_runs_and_every_self_check_passes(assignment, tmp_path):
    notebook = execute(copy_assignment("solutions", assignment, tmp_path / assignment))
    for cell in notebook.cells:
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        assert not errors, f"{errors[0].ename}: {errors[0].evalue}"
        # nbgrader zeroes a graded cell with any stderr output
        assert not stream_text(cell, "stderr"), stream_text(cell, "stderr")
    for cell in graded_code_cells(notebook):
        points = cell.metadata["nbgrader"]["points"]
        assert stream_text(cell).startswith(f"✓ {grade_id(cell)}: 通过 passed"), stream_text(cell)
        # the hidden tests
        assert f"{grade_id(cell)}: {points:.2f}/{points:g} passed" in stream_text(cell)
        (value,) = [o.data["text/plain"] for o in cell.outputs if o.output_type == "execute_result"]
        assert value == repr(float(points))  # a plain float, which nbgrader reads as the score
    plots = [
        o
        for cell in notebook.cells
        for o in cell.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]
    assert plots, "the capstone draws its plot"


@each_assignment
def test_the_student_version_runs_with_every_stub_unfinished(assignment, tmp_path):
    notebook = execute(copy_assignment("assignments", assignment, tmp_path / assignment))
    for cell in notebook.cells:
        assert not [o for o in cell.get("outputs", []) if o.output_type == "error"]
    for cell in graded_code_cells(notebook):
        assert stream_text(cell) == f"… {grade_id(cell)}: 尚未完成 / not implemented yet\n"
    # a capstone or gradient check names the unfinished function it needs; a figure needs none and is drawn
    runs = [
        c for c in notebook.cells if "run_capstone(" in c.source or "gradient_check(" in c.source
    ]
    figures = [
        c for c in runs if any("image/png" in o.get("data", {}) for o in c.get("outputs", []))
    ]
    assert len(figures) == FIGURES[assignment] and len(runs) > len(figures)
    assert all("is not implemented yet" in stream_text(c) for c in runs if c not in figures), [
        stream_text(c) for c in runs
    ]


@each_assignment
def test_a_finished_student_copy_passes_nbgrader_validate_and_its_pytest(assignment, tmp_path):
    path = copy_assignment("assignments", assignment, tmp_path / assignment)
    paste_solutions(path, assignment)
    environment = nbgrader_environment()
    validate = subprocess.run(
        [sys.executable, "-m", "nbgrader", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
    )
    assert "Success! Your notebook passes all the tests." in validate.stdout, (
        validate.stdout + validate.stderr
    )
    selfcheck = subprocess.run(
        [sys.executable, "-m", "pytest", "-q"],
        capture_output=True,
        text=True,
        cwd=path.parent,
        env=environment,
    )
    functions = [item.function for item in load_course().assignment(assignment).items]
    assert selfcheck.returncode == 0 and f"{len(functions)} passed" in selfcheck.stdout, (
        selfcheck.stdout
    )


@each_assignment
def test_an_unfinished_student_copy_fails_validate_and_pytest_naming_each_function(
    assignment, tmp_path
):
    path = copy_assignment("assignments", assignment, tmp_path / assignment)
    validate = subprocess.run(
        [sys.executable, "-m", "nbgrader", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=nbgrader_environment(),
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q"], capture_output=True, text=True, cwd=path.parent
    )
    assert result.returncode == 1
    assert "Success!" not in validate.stdout
    for item in load_course().assignment(assignment).items:
        assert f"{item.function}: 尚未完成 / not implemented yet" in result.stdout
        assert (
            f"AssertionError: {item.function}: 尚未完成 / not implemented yet" in validate.stdout
        ), validate.stdout


@each_assignment
def test_solution_cells_use_nothing_beyond_numpy(assignment):
    for cell in solution_cells(nbformat.read(notebook_path("solutions", assignment), as_version=4)):
        imports = re.findall(r"^\s*(?:import|from)\s+(\w+)", cell.source, flags=re.M)
        assert set(imports) <= {"numpy"}, imports


def test_the_bp_notebooks_watermelon_loader_equals_the_packages():
    notebook = nbformat.read(notebook_path("solutions", "bp"), as_version=4)
    loader = next(cell for cell in notebook.cells if grade_id(cell) == "watermelon")
    namespace = {"np": np}
    exec(loader.source, namespace)
    X, y, names = namespace["load_watermelon3_0"](
        notebook_path("assignments", "bp").parent / "watermelon3_0.csv"
    )
    expected = load_watermelon3_0()
    np.testing.assert_array_equal(X, expected.X)
    np.testing.assert_array_equal(y, expected.y)
    assert tuple(names) == expected.feature_names
