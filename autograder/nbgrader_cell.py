"""The hidden-test region of a graded cell: ``hidden_score("delta_w")``, the item's score.

nbgrader runs the hidden tests in the student's own kernel, so the score is not computed
there: the notebook file that nbgrader is executing is graded by the kit's grader out of the
kernel (whose worker runs the student's functions), once per notebook, and each graded cell
reads its item from that report. Under ``nbgrader autograde`` that grading has usually started
in nbgrader's process before the kernel did (early_grading.py); the first graded cell waits for
it; elsewhere the cell runs ``python -m autograder`` in a process of its own.
The cell's last expression must be a plain float within [0, points]: nbgrader parses its text
as the partial score. Nothing here raises or writes to stderr, either of which would make
nbgrader zero the cell. Under autograde the kernel reads nothing of the kit but a copy of this
module and of early_grading.py, and the one report meant for it (confined_kernel.py): the
course and the grader are imported only where no report was started for the notebook.
"""

import functools
import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograder.integration import early_grading

if TYPE_CHECKING:  # the kernel under autograde cannot read the course: imported where it is used
    from autograder.grading.course import Course

# A grade report as its JSON holds it (GradeReport.to_dict), and one of its items
Report = dict[str, Any]
ItemReport = dict[str, Any]

GRADING_TIMEOUT_MARGIN_SECONDS = 60
# The early grading ends within the submission's time limit, and nbgrader's cell limit is longer
# (nbgrader_config.py); the kernel cannot read course.yaml's limit, so it waits up to this.
EARLY_REPORT_WAIT_SECONDS = 3600
LOCAL_STUDENT = "local"


def hidden_score(item_id: str, folder: str | Path | None = None) -> float:
    """Print the item's status and feedback; return its score as a float in [0, points].

    The notebook is looked for in folder, by default the folder of the assignment's own
    selfcheck.py, which the notebook's locked first cell imported (a student's os.chdir does
    not move it).
    """
    try:
        notebook = _notebook_folder(folder) / f"{_assignment_of(item_id)}.ipynb"
        report, reason = _graded(
            str(notebook), early_grading.digest_of(notebook), student_of(notebook)
        )
        if report is None:
            raise RuntimeError(reason)
        result = next(r for r in report["items"] if r["id"] == item_id)
    # the cell must neither raise nor write to stderr: say it and score 0
    except Exception as error:
        print(f"{item_id}: not graded: {type(error).__name__}: {error}")
        return 0.0
    print(cell_text(result), end="")  # nbgrader's feedback shows this output to the student
    # the JSON's score, so every interface agrees
    return float(min(max(result["score"], 0.0), result["max_score"]))


def _assignment_of(item_id: str) -> str:
    """The item's assignment from course.yaml; under autograde, which keeps the course from the kernel,
    the name of the assignment's folder (nbgrader's autograded/<student>/<assignment>/)."""
    try:
        return next(item.assignment for item in _course().items() if item.id == item_id)
    except (ImportError, OSError):
        return _notebook_folder(None).name


def cell_text(result: Mapping[str, Any]) -> str:
    """What a graded cell prints of its item's result (a report's item): the score line, then the student's feedback."""
    return f"{result['id']}: {result['score']:.2f}/{result['max_score']:g} {result['status']}\n{result['student_feedback']}\n"


@functools.lru_cache(maxsize=1)
def _course() -> "Course":
    """The course, read once per kernel: each of a notebook's graded cells asks for it."""
    from autograder.grading.course import load_course

    return load_course()


def grading_timeout_seconds(course: "Course | None" = None) -> float:
    """The longest hidden_score may take: the submission's time limit and a margin to start up."""
    course = course or _course()
    return course.timeouts.per_submission_seconds + GRADING_TIMEOUT_MARGIN_SECONDS


def student_of(notebook: Path) -> str:
    """The student id from nbgrader's layout …/<student>/<assignment>/<assignment>.ipynb, else "local"."""
    folder = notebook.parent
    return folder.parent.name if folder.parent.parent.name == "autograded" else LOCAL_STUDENT


def _notebook_folder(folder: str | Path | None) -> Path:
    if folder is not None:
        return Path(folder).resolve()
    selfcheck_file = getattr(sys.modules.get("selfcheck"), "__file__", None)
    if selfcheck_file:
        return Path(selfcheck_file).resolve().parent
    return Path.cwd()


@functools.lru_cache(maxsize=8)
def _graded(notebook: str, digest: str, student: str) -> tuple[Report | None, str | None]:
    """(report, None), or (None, reason) when grading failed: a failure too is met once per notebook."""
    try:
        return _report(notebook, digest, student), None
    except Exception as error:
        return None, f"{type(error).__name__}: {error}"


def _report(notebook: str, digest: str, student: str) -> Report:
    """The grade report of the notebook for one student: the one started early for this file, else graded now, out of process."""
    early = early_grading.report(digest, student, EARLY_REPORT_WAIT_SECONDS)
    if early is not None:
        return early
    with tempfile.TemporaryDirectory() as scratch:
        return grade_out_of_process(
            notebook, student, Path(scratch) / "grade.json", Path(notebook).stem
        )


def grade_out_of_process(
    notebook: str | Path, student: str, out: Path, assignment: str | None = None
) -> Report:
    """Grade the notebook with ``python -m autograder grade`` into the JSON file out; return the report.

    Raises RuntimeError with the grader's last line when it could not grade, and
    subprocess.TimeoutExpired when it took longer than the grading time limit.
    """
    from autograder import cli

    result = subprocess.run(
        cli.command([notebook], student, assignment, out),
        capture_output=True,
        text=True,
        timeout=grading_timeout_seconds(),
    )
    if result.returncode != 0 or not Path(out).exists():
        reason = (result.stderr or result.stdout).strip().splitlines()
        raise RuntimeError(reason[-1] if reason else f"the grader exited with {result.returncode}")
    return json.loads(Path(out).read_text(encoding="utf-8"))
