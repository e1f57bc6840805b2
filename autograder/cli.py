"""The command line: ``python -m autograder grade PATH... --student ID [--assignment ID] [--attempt N | --attempt-log DIR] [--json OUT] [--gradescope OUT]``.

Prints a short table of the items. Exits 0 whenever grading completed, whatever the score;
exits 2 with a one-line reason only when the grader could not run.
"""

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any

from autograder.sandbox.process import GraderError, Worker
from autograder.sandbox.scratch import Scratch


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder", description="Grade a submission against the reference."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    grade_command = commands.add_parser(
        "grade", help="grade one submission (one or more .py/.ipynb files)"
    )
    grade_command.add_argument("paths", nargs="+", metavar="PATH")
    grade_command.add_argument("--student", required=True, metavar="ID")
    grade_command.add_argument(
        "--assignment", metavar="ID", help="needed for a .py; inferred for a notebook"
    )
    attempt = grade_command.add_mutually_exclusive_group()
    attempt.add_argument(
        "--attempt", type=int, default=1, metavar="N", help="the attempt, drawing its own cases"
    )
    attempt.add_argument(
        "--attempt-log",
        type=Path,
        metavar="DIR",
        help="the folder logging each student's submissions: the attempt is this one's place there",
    )
    grade_command.add_argument("--json", type=Path, metavar="OUT", help="write the grade as JSON")
    grade_command.add_argument(
        "--gradescope", type=Path, metavar="OUT", help="write Gradescope's results.json"
    )
    args = parser.parse_args(argv)
    if args.attempt < 1:
        parser.error(f"--attempt counts from 1; got {args.attempt}")
    try:
        worker = _first_worker()
    except (OSError, GraderError) as error:  # GraderError: a folder the worker's user cannot enter
        return _cannot_grade(error)
    # Imported only now, while the worker imports NumPy: a grading's start costs one import, not two in a row.
    from autograder.grading.attempts import AttemptLogError
    from autograder.grading.course import CourseError, load_course
    from autograder.grading.grader import grade
    from autograder.grading.submission import SubmissionError

    try:
        report = grade(
            args.paths,
            args.student,
            args.assignment,
            worker=worker,
            attempt=args.attempt,
            attempt_log=args.attempt_log,
        )
    except (SubmissionError, CourseError, GraderError, AttemptLogError, OSError) as error:
        return _cannot_grade(error)
    print(f"{report.student} · {report.assignment}")
    print(report.table())
    if args.json:
        write_json(args.json, report.to_dict())
    if args.gradescope:  # course.yaml read again only here: what Gradescope shows
        shown = load_course().gradescope
        write_json(args.gradescope, report.to_gradescope(shown.visibility, shown.stdout_visibility))
    return 0


def _first_worker() -> Worker:
    """A worker started on a scratch folder of its own; the folder is removed if the worker cannot start."""
    with contextlib.ExitStack() as undo:
        worker = Worker(undo.enter_context(Scratch()))
        undo.pop_all()
        return worker


def command(
    paths: Sequence[str | PathLike[str]],
    student: str,
    assignment: str | None = None,
    json_out: str | PathLike[str] | None = None,
    attempt_log: str | PathLike[str] | None = None,
) -> list[str]:
    """The argument list that runs this command line in a new process of this Python."""
    arguments: list[object] = [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        *paths,
        "--student",
        student,
    ]
    arguments += ["--assignment", assignment] if assignment is not None else []
    arguments += ["--attempt-log", attempt_log] if attempt_log is not None else []
    arguments += ["--json", json_out] if json_out is not None else []
    return [str(part) for part in arguments]


def _cannot_grade(error: Exception) -> int:
    print(f"autograder: cannot grade: {error}", file=sys.stderr)
    return 2


def write_json(path: str | PathLike[str], content: Any) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
