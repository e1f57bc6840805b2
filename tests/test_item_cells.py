"""python -m autograder.integration.item_cells: an item's solution and graded cells written into
its solution notebook as the notebooks' own cells are, and every graded cell's points kept to
course.yaml's."""

import ast
import inspect
import shutil

import nbformat
import pytest

from autograder import ROOT
from autograder.grading.course import load_course
from autograder.integration import item_cells as cells

COURSE = load_course()


def notebook_of(assignment):
    return nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)


def by_grade_id(notebook):
    return {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in notebook.cells}


@pytest.mark.parametrize("item", COURSE.items(), ids=lambda item: item.id)
def test_the_cells_written_are_those_the_notebook_has_but_the_solutions_body(item):
    found = by_grade_id(notebook_of(item.assignment))
    solution, graded = cells.cells_of(item)
    assert (graded.source, graded.metadata) == (found[item.id].source, found[item.id].metadata)
    assert solution.metadata == found[f"{item.id}_code"].metadata


def test_the_solution_cell_defines_the_reference_between_the_solution_markers():
    item = COURSE.assignment("bp").items[-1]
    source, _ = (cell.source for cell in cells.cells_of(item))
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.FunctionDef) and function.name == item.function
    assert ast.get_docstring(function) == inspect.getdoc(item.reference)
    body = source.split("    ### BEGIN SOLUTION\n", 1)[1].split("    ### END SOLUTION", 1)[0]
    assert body.strip() and body.strip() in inspect.getsource(item.reference)


@pytest.mark.parametrize("at", [0, 3, -1])
def test_an_items_missing_cells_go_back_where_the_notebook_had_them(at):
    item = COURSE.assignment("bp").items[at]
    notebook = notebook_of("bp")
    ids = list(by_grade_id(notebook))
    notebook.cells = [
        c
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") not in (item.id, f"{item.id}_code")
    ]
    done = cells.write_cells(notebook, COURSE, "bp", [item.id])
    assert done == [f"{item.id}: its solution cell and graded cell written"]
    assert list(by_grade_id(notebook)) == ids


def test_every_graded_cells_points_are_set_to_course_yamls_and_nothing_else_is_written(tmp_path):
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    path = tmp_path / "solutions" / "bp" / "bp.ipynb"
    before = path.read_text(encoding="utf-8")
    item = COURSE.assignment("bp").items[0]
    notebook = nbformat.read(path, as_version=4)
    by_grade_id(notebook)[item.id].metadata["nbgrader"]["points"] = item.points + 1
    nbformat.write(notebook, path)
    assert cells.main(["--solutions", str(tmp_path / "solutions")]) == 0
    assert path.read_text(encoding="utf-8") == before
    assert cells.main(["--solutions", str(tmp_path / "solutions")]) == 0
    assert path.read_text(encoding="utf-8") == before


def test_an_unknown_item_is_refused_by_name_with_the_closest_ids(capsys):
    item = COURSE.assignment("bp").items[-1].id
    with pytest.raises(SystemExit):
        cells.main([item + "z"])
    error = capsys.readouterr().err
    assert f"no course.yaml item '{item}z'; the closest: " in error
    assert item in error.split("the closest: ")[1].strip().split(", ")
