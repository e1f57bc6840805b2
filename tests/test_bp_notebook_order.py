"""The BP notebook asks for each graded quantity before anything confirms it: a cell that runs a
check of selfcheck on a graded function comes after the cells that grade that function and its
derivation, and no ungraded solution cell asks the student for a quantity of its own."""

import ast
from inspect import signature

import nbformat
import pytest
from notebooks import grade_id, notebook_path, solution_cells

from autograder import student_module
from autograder.grading.course import load_course

ASSIGNMENT = "bp"
each_step = pytest.mark.parametrize("step", ["solutions", "assignments"])
selfcheck = student_module("selfcheck")


def bp_notebook(step):
    return nbformat.read(notebook_path(step, ASSIGNMENT), as_version=4)


def checked_names(source):
    """The names a cell hands to a check of selfcheck (selfcheck.check, selfcheck.bp_gradient_check, …)."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "selfcheck"
            and node.func.attr.endswith("check")
        ):
            for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
                names += [name.id for name in ast.walk(argument) if isinstance(name, ast.Name)]
    return names


def defined_functions(source):
    return [node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]


def grading_cells(notebook):
    """{function: the indices of the cells that grade it}: its item's test cell (grade_id the item's
    id) and the answer cells of the derivations of the same equation (grade_id the derivation's id)."""
    assignment = load_course().assignment(ASSIGNMENT)
    index = {grade_id(cell): i for i, cell in enumerate(notebook.cells) if grade_id(cell)}
    return {
        item.function: [index[item.id]]
        + [index[d.id] for d in assignment.derivations if d.equation == item.equation]
        for item in assignment.items
    }


def test_the_derivations_are_tied_to_the_items_of_their_equation():
    # delta_theta's derivation is graded with the item of (5.12), hidden_gradient's with (5.15)
    notebook = bp_notebook("solutions")
    index = {grade_id(cell): i for i, cell in enumerate(notebook.cells)}
    grading = grading_cells(notebook)
    assert index["derive_delta_theta"] in grading["delta_theta"]
    assert index["derive_hidden_gradient"] in grading["hidden_gradient"]


@each_step
def test_a_check_runs_a_function_only_after_the_cells_that_grade_it(step):
    notebook = bp_notebook(step)
    grading = grading_cells(notebook)
    written = {
        name
        for cell in solution_cells(notebook)
        if cell.cell_type == "code"
        for name in defined_functions(cell.source)
    }
    checks = [
        (i, checked_names(cell.source))
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and checked_names(cell.source)
    ]
    assert any("bp_gradient_check" in notebook.cells[i].source for i, _ in checks)
    for i, names in checks:
        for name in names:
            if name in grading:
                early = [grade_id(notebook.cells[g]) for g in grading[name] if g > i]
                assert not early, f"cell {i} checks {name} before it is graded in {early}"
            else:
                assert name not in written, f"cell {i} checks {name}, which no cell grades"


@each_step
def test_no_ungraded_solution_cell_asks_for_a_quantity(step):
    notebook = bp_notebook(step)
    graded = {item.function for item in load_course().assignment(ASSIGNMENT).items}
    for cell in solution_cells(notebook):
        if cell.cell_type == "markdown":
            assert cell.metadata["nbgrader"].get("grade"), f"{grade_id(cell)} is not graded"
        else:
            functions = defined_functions(cell.source)
            assert functions and set(functions) <= graded, (
                f"{grade_id(cell)} defines {functions}, not only functions the course grades"
            )


@each_step
def test_the_gradient_check_runs_on_the_students_own_updates_and_gradient_terms(step):
    notebook = bp_notebook(step)
    (cell,) = [c for c in notebook.cells if "bp_gradient_check" in c.source]
    functions = [
        p.name
        for p in signature(selfcheck.bp_gradient_check).parameters.values()
        if p.default is p.empty
    ]
    assert (
        set(checked_names(cell.source))
        >= set(functions)
        >= {"delta_w", "delta_theta", "delta_v", "delta_gamma"}
    )
