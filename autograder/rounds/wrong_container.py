"""Right work in the wrong container: a student's ``.py`` in the download where the notebook should be.

Of a student with no notebook of an assignment, a ``.py`` file of theirs that defines the
assignment's functions (or that its name assigns to it) is graded by the kit's grader, as the
command line would, and the round notes the score it would give: the instructor decides.
``--accept STUDENT:ASSIGNMENT`` is their word: the file becomes the assignment's released
notebook with each function the student wrote in place of its stub (``notebook_from_script``),
and a first cell saying where it came from, and is graded with the class like any notebook.
"""

import ast
import dataclasses
import tempfile
from collections.abc import Container, Iterable
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder.grading.course import Course
from autograder.grading.grader import grade
from autograder.grading.submission import Submission, SubmissionError
from autograder.rounds.lms_download import Arrival, Key, Note, named_assignment

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class AcceptError(ValueError):
    """An --accept the round cannot carry out; the message names the student and the file."""


@dataclasses.dataclass(frozen=True)
class Script:
    """A student's .py file that may be their work on an assignment they handed in no notebook of."""

    student: str
    assignment: str
    arrival: Arrival


def scripts(
    arrivals: Iterable[Arrival], notes: Iterable[Note], chosen: Container[Key], course: Course
) -> list[Script]:
    """The Scripts among the arrivals: a .py file matched to a roster student (its note says whom) with
    no notebook chosen for the assignment its functions (else its name) belong to."""
    by_path = {arrival.path: arrival for arrival in arrivals}
    found = []
    for note in notes:
        arrival = by_path.get(note.path)
        if not note.student or arrival is None or not arrival.file.endswith(".py"):
            continue
        assignment = _assignment_of(arrival, course)
        if assignment and (note.student, assignment) not in chosen:
            found.append(Script(note.student, assignment, arrival))
    return found


def _assignment_of(arrival: Arrival, course: Course) -> str | None:
    """The assignment whose functions the script defines most of (read, not run), else its name's."""
    source = arrival.content.decode("utf-8", errors="replace")
    try:
        return Submission((), source, ()).infer_assignment(course)
    except SubmissionError:
        return named_assignment(arrival.file, [a.id for a in course.assignments])


def graded_note(script: Script, course: Course) -> Note:
    """A Note of what the kit's grader gives the script for its assignment, and how to accept it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{script.assignment}.py"
        path.write_bytes(script.arrival.content)
        try:
            report = grade([path], script.student, script.assignment, course=course)
        except SubmissionError as error:
            what = f"a .py the kit's grader cannot read ({error})"
        else:
            what = (
                f"a .py, not the notebook: the kit's grader gives it {report.score:g} of "
                f"{report.max_score:g} points for {script.assignment}; to grade it as their "
                f"notebook, run the round again with --accept {script.student}:{script.assignment}"
            )
    return Note(script.arrival.path, what, script.student, script.assignment)


def notebook_from_script(released: NotebookNode, source: str, provenance: str) -> NotebookNode:
    """The released notebook (NotebookNode) with the script's functions in place of its stubs.

    Each solution cell's functions (and classes) become the script's definitions of the same
    names, where it has them; the script's other top-level statements (imports, helpers,
    constants) open the first solution cell. A first Markdown cell holds ``provenance``.
    SyntaxError when the script cannot be parsed.
    """
    tree = ast.parse(source)
    defined = {node.name: node for node in tree.body if isinstance(node, FUNCTIONS)}
    notebook = nbformat.from_dict(released)
    placed: set[str] = set()
    first: NotebookNode | None = None  # the first solution cell
    for cell in notebook.cells:
        if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        first = first if first is not None else cell
        stubs = [node.name for node in ast.parse(cell.source).body if isinstance(node, FUNCTIONS)]
        theirs = [name for name in stubs if name in defined]
        if theirs:
            cell.source = "\n\n\n".join(_segment(source, defined[name]) for name in theirs)
            placed.update(theirs)
    rest = [node for node in tree.body if getattr(node, "name", None) not in placed]
    if first is not None and rest:
        first.source = "\n".join(_segment(source, node) for node in rest) + "\n\n\n" + first.source
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(provenance))
    return notebook


def _segment(source: str, node: ast.stmt) -> str:
    """The node's source, its decorators included."""
    start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return "\n".join(source.splitlines()[start - 1 : node.end_lineno])


def accepted(script: Script, release_notebook: Path) -> tuple[Arrival, Note]:
    """(the Arrival of the notebook made of the script, its Note); AcceptError when it cannot be made."""
    source = script.arrival.content.decode("utf-8", errors="replace")
    # the file's name is the student's: as code, its markup stays text in formgrader and feedback
    shown = Path(script.arrival.path).name.replace("`", "'")
    provenance = (
        f"**Converted from `{shown}`**: the student handed in a .py file, "
        f"not the notebook; the instructor accepted it as their {script.assignment} (the grading "
        "round's --accept), and its functions were put in place of the stubs. · "
        f"学生提交的是 .py 文件；教师同意按本作业评分，其函数已放入对应位置。"
    )
    try:
        notebook = notebook_from_script(nbformat.read(release_notebook, 4), source, provenance)
    except SyntaxError as error:
        raise AcceptError(
            f"--accept {script.student}:{script.assignment}: {script.arrival.path} cannot be "
            f"read as Python (line {error.lineno}: {error.msg})"
        ) from None
    content = nbformat.writes(notebook).encode("utf-8")
    arrival = dataclasses.replace(script.arrival, stored=content, file=f"{script.assignment}.ipynb")
    note = Note(
        script.arrival.path,
        f"accepted on the instructor's word (--accept): converted into {script.assignment}.ipynb "
        "and graded as their notebook",
        script.student,
        script.assignment,
    )
    return arrival, note
