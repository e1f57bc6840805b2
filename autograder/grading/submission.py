"""A submission's files read into the one source the worker runs, and its assignment inferred.

A ``.py`` file is taken whole. Of a notebook only the defining statements of its code cells
are kept (imports, ``def``, ``class`` and constants), the same rule as the students'
pytest self-check (``student/notebook_functions.py``), so that plots and training runs are
never executed while grading.
"""

import ast
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from autograder import student_module
from autograder.grading.course import Course


class SubmissionError(ValueError):
    """The submission cannot be read at all; the message says why."""


@dataclass(frozen=True)
class Submission:
    paths: tuple[Path, ...]
    source: str
    problems: tuple[str, ...]

    @functools.cached_property
    def _tree(self) -> ast.Module | None:
        """The source's syntax tree, parsed once (None for a syntax error): grading asks of it per item."""
        try:
            return ast.parse(self.source)
        except SyntaxError:
            return None

    def defined_functions(self) -> set[str]:
        """Names of the functions the source defines at top level (read, not run)."""
        if self._tree is None:
            return set()
        return {
            node.name
            for node in self._tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        }

    def functions_called_by(self, name: str) -> set[str]:
        """Names that the top-level function ``name`` calls directly (read, not run); empty when it is not there."""
        return set(self._calls.get(name, ()))

    @functools.cached_property
    def _calls(self) -> dict[str, set[str]]:
        """{name: the names it calls directly} of every top-level function, each walked once (the last
        definition of a name counts): grading asks of each function once per item that reaches it."""
        if self._tree is None:
            return {}
        return {
            node.name: {
                call.func.id
                for call in ast.walk(node)
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            }
            for node in self._tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        }

    def infer_assignment(self, course: Course) -> str:
        """The assignment whose functions the submission defines most of, else a notebook's folder name."""
        defined = self.defined_functions()
        counts = {
            a.id: len(defined & {item.function for item in a.items}) for a in course.assignments
        }
        best = max(counts.values())
        leaders = [a for a, count in counts.items() if count == best]
        if best > 0 and len(leaders) == 1:
            return leaders[0]
        folders = {path.parent.name for path in self.paths} & set(counts)
        if len(folders) == 1:
            return folders.pop()
        raise SubmissionError("cannot tell the assignment from the submission: pass --assignment")


def read(paths: Iterable[str | Path]) -> Submission:
    """Read one submission made of one or more .py and .ipynb files, in the order given."""
    files = tuple(Path(p) for p in paths)
    parts: list[str] = []
    problems: list[str] = []
    for path in files:
        if not path.is_file():
            raise SubmissionError(f"{path}: no such file")
        if path.suffix == ".ipynb":
            try:
                source, trouble = student_module("notebook_functions").defining_source(path)
            except ValueError as error:
                raise SubmissionError(str(error)) from None
            parts.append(source)
            problems += [f"{path.name}: {problem}" for problem in trouble]
        elif path.suffix == ".py":
            try:
                parts.append(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as error:
                raise SubmissionError(f"{path}: cannot read it: {error}") from None
        else:
            raise SubmissionError(f"{path}: a submission is a .py file or a notebook (.ipynb)")
    return Submission(paths=files, source="\n\n".join(parts), problems=tuple(problems))
