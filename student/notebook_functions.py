"""Load the functions a notebook defines, without running its plots, training or checks.

Only top-level ``import``, ``def`` and ``class`` statements (with their decorators), and
assignments that call nothing when they run but NumPy, math or a few builtins (constants and
helper lambdas), are kept; every other statement is dropped, and so are the imports of the
course's own self-check and figures; nbgrader's test cells (the self-check calls and hidden tests) are
course code, not the student's, and are skipped. IPython magics (``%…``, ``!…``) are ignored. Needs nothing beyond
the standard library.
"""

import ast
import json
from pathlib import Path

_LIBRARY_PREFIXES = ("np", "numpy", "math")
_SAFE_BUILTINS = {
    "float",
    "int",
    "complex",
    "bool",
    "str",
    "tuple",
    "list",
    "dict",
    "set",
    "frozenset",
    "range",
    "len",
    "abs",
    "min",
    "max",
    "sum",
    "round",
    "namedtuple",
}
# dropped: the course's helpers; `from params import Params` stays, and the grader provides params
_COURSE_MODULES = {"selfcheck", "figures"}


class NotebookError(ValueError):
    """The file is not a readable notebook."""


def defining_statements(path):
    """The defining statements of a notebook's code cells as (cell number, source), and the problems met.

    ``problems`` names each code cell that could not be parsed, so that a function missing
    because of it can be explained.
    """
    path = Path(path)
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = notebook["cells"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise NotebookError(f"{path.name} is not a readable notebook: {error}") from None
    kept, problems = [], []
    code_cells = [
        cell for cell in cells if isinstance(cell, dict) and cell.get("cell_type") == "code"
    ]
    for number, cell in enumerate(code_cells, start=1):
        if _is_test_cell(cell):
            continue
        text = cell.get("source", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        lines = ["" if _is_magic(line) else line.rstrip("\r") for line in text.split("\n")]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError as error:
            problems.append(
                f"code cell {number} has a syntax error on line {error.lineno}: {error.msg}"
            )
            continue
        for node in tree.body:
            if _is_definition(node):
                first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
                kept.append((number, "\n".join(lines[first - 1 : node.end_lineno])))
    return kept, problems


def defining_source(path):
    """The defining statements of a notebook as one source text, and the problems met."""
    statements, problems = defining_statements(path)
    return "\n\n".join(source for _, source in statements) + "\n", problems


def load_functions(path):
    """Run a notebook's defining statements one by one; return their namespace and the problems met.

    One failing statement is reported and skipped, as Jupyter would go on to the next cell.
    """
    statements, problems = defining_statements(path)
    namespace = {"__name__": "student_notebook"}
    for number, source in statements:
        try:
            exec(compile(source, f"{Path(path).name}, code cell {number}", "exec"), namespace)
        except Exception as error:  # the student's module-level code may fail in any way
            problems.append(f"code cell {number} raised {type(error).__name__}: {error}")
    return namespace, problems


def _is_test_cell(cell):
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    return (
        isinstance(nbgrader, dict)
        and nbgrader.get("grade") is True
        and not nbgrader.get("solution")
    )


def _is_magic(line):
    stripped = line.lstrip()
    return stripped.startswith("%") or (stripped.startswith("!") and not stripped.startswith("!="))


def _is_definition(node):
    if isinstance(node, ast.Import):
        return not any(alias.name in _COURSE_MODULES for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.module not in _COURSE_MODULES
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        return all(_is_safe_call(call) for call in _calls_made_now(node.value))
    return False


def _calls_made_now(expression):
    """The calls that evaluating expression makes at once: those inside a lambda wait for it to be called."""
    if isinstance(expression, ast.Lambda):
        return
    if isinstance(expression, ast.Call):
        yield expression
    for child in ast.iter_child_nodes(expression):
        yield from _calls_made_now(child)


def _is_safe_call(call):
    """np.…(…), numpy.…(…), math.…(…) and a few builtins: constants, not training runs."""
    if isinstance(call.func, ast.Name):
        return call.func.id in _SAFE_BUILTINS
    target = call.func
    while isinstance(target, ast.Attribute):
        target = target.value
    return isinstance(target, ast.Name) and target.id in _LIBRARY_PREFIXES
