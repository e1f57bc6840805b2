"""python -m autograder.integration.item_cells [ITEM ...]: an item's two cells in its solution
notebook, from course.yaml and the reference, with nbgrader's metadata as the other items have them.

For each ITEM without cells in ``solutions/<assignment>/<assignment>.ipynb``, two code cells go in
just after the graded cell of the item before it in course.yaml (for the first item, just before
the next item's solution cell):

- the solution cell, grade id ``<item>_code`` (solution, not locked): the reference's ``def`` line
  and docstring from ``source_impl``, its body between nbgrader's solution markers (a body that
  calls ``source_impl``'s private helpers needs them written out: the notebook has NumPy only);
- the graded cell, grade id ``<item>`` (graded, locked, course.yaml's points): the public
  self-check and, between the hidden-test markers, ``hidden_score("<item>")``.

Then every graded code cell of the notebooks written to gets course.yaml's points, so a change of
points is this command too. The derivation's prose around the cells is written by hand; then
``python3 tasks.py release`` writes the student version.
"""

import argparse
import ast
import difflib
import inspect
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import nbformat

from autograder import ROOT
from autograder.grading.course import Course, Item, load_course

SOLUTIONS = ROOT / "solutions"
GRADED_SOURCE = """\
# 自检（公开用例）/ self-check on the public cases
selfcheck.check("{function}", {function})
### BEGIN HIDDEN TESTS
# 隐藏测试 / hidden tests: the autograder grades this notebook in a process of its own;
# the cell's value is the score of the course.yaml item `{item}`.
from autograder.nbgrader_cell import hidden_score
hidden_score("{item}")
### END HIDDEN TESTS"""


def solution_metadata(item: Item) -> dict[str, object]:
    return {
        "grade": False,
        "grade_id": f"{item.id}_code",
        "locked": False,
        "schema_version": 3,
        "solution": True,
    }


def graded_metadata(item: Item) -> dict[str, object]:
    return {
        "grade": True,
        "grade_id": item.id,
        "locked": True,
        "points": item.points,
        "schema_version": 3,
        "solution": False,
    }


def solution_source(item: Item) -> str:
    """The reference's def line and docstring, then its body between the solution markers."""
    source = textwrap.dedent(inspect.getsource(item.reference))
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.FunctionDef), item.function
    first = function.body[1 if ast.get_docstring(function) else 0]
    lines = source.rstrip("\n").splitlines()
    head, body = lines[: first.lineno - 1], lines[first.lineno - 1 :]
    return "\n".join([*head, "    ### BEGIN SOLUTION", *body, "    ### END SOLUTION"])


def cells_of(item: Item) -> list[nbformat.NotebookNode]:
    """The item's solution cell and graded cell, as the notebook holds them."""
    solution = nbformat.v4.new_code_cell(solution_source(item))
    solution.metadata["nbgrader"] = solution_metadata(item)
    graded = nbformat.v4.new_code_cell(GRADED_SOURCE.format(function=item.function, item=item.id))
    graded.metadata["nbgrader"] = graded_metadata(item)
    return [solution, graded]


def _grade_id(cell: nbformat.NotebookNode) -> str:
    return str(cell.metadata.get("nbgrader", {}).get("grade_id", ""))


def _place(notebook: nbformat.NotebookNode, items: Sequence[Item], item: Item) -> int:
    """Where the item's cells go: after the graded cell of the nearest earlier item the notebook
    has, else before the solution cell of the nearest later one, else at the end."""
    ids = [_grade_id(cell) for cell in notebook.cells]
    at = [i.id for i in items].index(item.id)
    for earlier in reversed(items[:at]):
        if earlier.id in ids:
            return ids.index(earlier.id) + 1
    for later in items[at + 1 :]:
        if f"{later.id}_code" in ids:
            return ids.index(f"{later.id}_code")
    return len(notebook.cells)


def write_cells(
    notebook: nbformat.NotebookNode, course: Course, assignment: str, item_ids: Sequence[str]
) -> list[str]:
    """Add the missing cells of item_ids and set every graded cell's points; what was done, one line each."""
    items = course.assignment(assignment).items
    return _add_missing(notebook, items, item_ids) + _set_points(notebook, items)


def _add_missing(
    notebook: nbformat.NotebookNode, items: Sequence[Item], item_ids: Sequence[str]
) -> list[str]:
    done = []
    for item in items:
        if item.id in item_ids and item.id not in map(_grade_id, notebook.cells):
            at = _place(notebook, items, item)
            notebook.cells[at:at] = cells_of(item)
            done.append(f"{item.id}: its solution cell and graded cell written")
    return done


def _set_points(notebook: nbformat.NotebookNode, items: Sequence[Item]) -> list[str]:
    points = {item.id: item.points for item in items}
    done = []
    for cell in notebook.cells:
        nbgrader, grade_id = cell.metadata.get("nbgrader", {}), _grade_id(cell)
        if grade_id in points and nbgrader.get("points") != points[grade_id]:
            nbgrader["points"] = points[grade_id]
            done.append(f"{grade_id}: points set to course.yaml's {points[grade_id]:g}")
    return done


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder.integration.item_cells",
        description="Write items' solution and graded cells into their solution notebooks, "
        "and set every graded cell's points to course.yaml's.",
    )
    parser.add_argument("items", nargs="*", metavar="ITEM", help="course.yaml item ids")
    parser.add_argument("--solutions", type=Path, default=SOLUTIONS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    course = load_course()
    known = [item.id for item in course.items()]
    unknown = [item_id for item_id in args.items if item_id not in known]
    if unknown:
        close = {c for i in unknown for c in difflib.get_close_matches(i, known, n=3)}
        parser.error(
            f"no course.yaml item {', '.join(map(repr, unknown))}"
            + (f"; the closest: {', '.join(sorted(close))}" if close else "")
        )
    for assignment in course.assignments:
        path = args.solutions / assignment.id / f"{assignment.id}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        done = write_cells(notebook, course, assignment.id, args.items)
        if done:
            nbformat.write(notebook, path)
            print("\n".join(f"{path.relative_to(args.solutions)}: {line}" for line in done))
    return 0


if __name__ == "__main__":
    sys.exit(main())
