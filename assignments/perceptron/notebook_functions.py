"""Load the functions a notebook defines, without running its plots, training or checks.

Only top-level ``import``, ``def`` and ``class`` statements, and assignments whose value
calls nothing but NumPy or math (constants), are kept; every other statement is dropped.
IPython magics (``%…``, ``!…``) are ignored. Needs nothing beyond the standard library.
"""

import ast
import json
from pathlib import Path

_LIBRARY_PREFIXES = ("np", "numpy", "math")


class NotebookError(ValueError):
    """The file is not a readable notebook."""


def defining_source(path):
    """The source of the defining statements of a notebook's code cells, and a note per skipped cell.

    Returns ``(source, problems)``; ``problems`` names each code cell that could not be
    parsed, so that a function missing because of it can be explained.
    """
    path = Path(path)
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = notebook["cells"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise NotebookError(f"{path.name} is not a readable notebook: {error}") from None
    kept, problems = [], []
    code_cells = [cell for cell in cells if isinstance(cell, dict) and cell.get("cell_type") == "code"]
    for number, cell in enumerate(code_cells, start=1):
        text = cell.get("source", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        text = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in text.splitlines())
        try:
            tree = ast.parse(text)
        except SyntaxError as error:
            problems.append(f"code cell {number} has a syntax error on line {error.lineno}: {error.msg}")
            continue
        kept.extend(ast.get_source_segment(text, node) for node in tree.body if _is_definition(node))
    return "\n\n".join(kept) + "\n", problems


def load_functions(path):
    """Run a notebook's defining statements; return their namespace and the problems met."""
    source, problems = defining_source(path)
    namespace = {"__name__": "student_notebook"}
    try:
        exec(compile(source, str(path), "exec"), namespace)
    except Exception as error:  # the student's module-level code may fail in any way
        problems.append(f"running the notebook's definitions raised {type(error).__name__}: {error}")
    return namespace, problems


def _is_definition(node):
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        return all(_is_library_call(call) for call in ast.walk(node.value) if isinstance(call, ast.Call))
    return False


def _is_library_call(call):
    """True for np.…(…), numpy.…(…) and math.…(…): constants, not training runs."""
    target = call.func
    while isinstance(target, ast.Attribute):
        target = target.value
    return isinstance(target, ast.Name) and target.id in _LIBRARY_PREFIXES and call.func is not target
