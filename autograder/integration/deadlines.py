"""Due dates and extensions into nbgrader's gradebook, where `nbgrader autograde` and formgrader read them.

    python -m autograder.integration.deadlines [--course DIR] [--extensions CSV]

course.yaml's ``due`` of each assignment becomes the gradebook's assignment ``duedate``; an
extensions file's rows become the submissions' ``extension``. The grading round does both; the
command does it for a course folder graded with nbgrader's own commands (default: the kit's
repository, whose gradebook is var/gradebook.db).

The extensions file is a CSV with a header: ``student_id``, ``assignment``, and per row exactly
one of ``new_due`` (ISO 8601 with its time zone), ``extra_hours`` or ``extra_days`` (numbers > 0)::

    student_id,assignment,new_due,extra_hours,extra_days
    s05,bp,2026-11-23T23:59:00+08:00,,
    s07,perceptron,,36,
"""

import argparse
import csv
import math
import sys
import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

from autograder import ROOT
from autograder.grading.course import Course, load_course
from autograder.integration.gradebook_database import (
    GradebookUrlError,
    holds_gradebook,
    repository_url,
    shown,
    sqlite_url,
)

REQUIRED = ("student_id", "assignment")
CHOICES = ("new_due", "extra_hours", "extra_days")


class DeadlineError(ValueError):
    """An extensions file that cannot be used; the message names the file, the row and the problem."""


@dataclass(frozen=True)
class Extension:
    """A student's extension of an assignment's due date."""

    student: str
    assignment: str
    extension: timedelta  # > 0, added to the assignment's due date


def read_extensions(
    path: str | Path, dues: Mapping[str, datetime | None], students: Collection[str]
) -> list[Extension]:
    """The Extensions of a CSV file (the module's docstring gives its format), checked against the course
    (a Course) and the students (ids); DeadlineError names every unknown student and assignment."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            header = reader.fieldnames or []
            # a short row's missing cells are None; an empty cell is ""
            rows = [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DeadlineError(f"{path}: cannot read the extensions file: {error}") from None
    missing = [column for column in REQUIRED if column not in header]
    if missing or not any(column in header for column in CHOICES):
        raise DeadlineError(
            f"{path}: the header must have {', '.join(REQUIRED)} and one or more of {', '.join(CHOICES)}"
            + (f"; it lacks {', '.join(missing)}" if missing else "")
        )
    unknown_students = sorted({row["student_id"] for row in rows} - set(students))
    unknown_assignments = sorted({row["assignment"] for row in rows} - set(dues))
    if unknown_students or unknown_assignments:
        raise DeadlineError(
            f"{path}: "
            + "; ".join(
                problem
                for problem in (
                    unknown_students
                    and f"students not in the class: {', '.join(unknown_students)}",
                    unknown_assignments
                    and f"assignments not in course.yaml: {', '.join(unknown_assignments)} "
                    f"(it has: {', '.join(dues)})",
                )
                if problem
            )
        )
    extensions: list[Extension] = []
    seen: set[tuple[str, str]] = set()  # (student, assignment)
    for line, row in enumerate(rows, start=2):
        where = f"{path}: line {line} ({row['student_id']}, {row['assignment']})"
        if (row["student_id"], row["assignment"]) in seen:
            raise DeadlineError(f"{where}: a second extension of the same submission")
        seen.add((row["student_id"], row["assignment"]))
        due = dues[row["assignment"]]
        if due is None:
            raise DeadlineError(f"{where}: the assignment has no due date")
        extension = _extension(where, row, due)
        extensions.append(Extension(row["student_id"], row["assignment"], extension))
    return extensions


def _extension(where: str, row: Mapping[str, str], due: datetime) -> timedelta:
    """The row's one of new_due, extra_hours, extra_days as a positive timedelta."""
    given = [column for column in CHOICES if row.get(column)]
    if len(given) != 1:
        raise DeadlineError(
            f"{where}: give exactly one of {', '.join(CHOICES)}; got {', '.join(given) or 'none'}"
        )
    text = row[given[0]]
    if given[0] == "new_due":
        try:
            new_due = datetime.fromisoformat(text)
        except ValueError:
            new_due = None
        if new_due is None or new_due.tzinfo is None:
            raise DeadlineError(
                f"{where}: new_due must be ISO 8601 with its time zone, such as 2026-11-23T23:59:00+08:00; got {text!r}"
            )
        extension = new_due - due
    else:
        try:
            amount = float(text)
        except ValueError:
            amount = math.nan
        if not math.isfinite(amount):
            raise DeadlineError(f"{where}: {given[0]} must be a number; got {text!r}")
        extension = timedelta(**{given[0].removeprefix("extra_"): amount})
    if extension <= timedelta(0):
        raise DeadlineError(f"{where}: {given[0]} {text} does not move the due date ({due}) later")
    return extension


def due_dates(
    course: Course, assignments: Collection[str] | None = None
) -> dict[str, datetime | None]:
    """{assignment id: due} of course.yaml's assignments (those of ``assignments``, ids, if given); None where none is set."""
    return {a.id: a.due for a in course.assignments if assignments is None or a.id in assignments}


def write_due_dates(db_url: str, dues: Mapping[str, datetime | None]) -> None:
    """Each assignment of ``dues`` ({id: datetime or None}) that has a due date gets it as its duedate in the gradebook at db_url."""
    with Gradebook(db_url) as book:
        for assignment, due in dues.items():
            if due is not None:
                book.update_or_create_assignment(assignment, duedate=due)


def grant(db_url: str, extensions: Iterable[Extension]) -> list[Extension]:
    """Write each Extension as its submission's extension (the submission made if need be); return those that
    changed what the gradebook had, whose lateness nbgrader must work out anew."""
    changed: list[Extension] = []
    # nbgrader's add_submission makes SQLAlchemy warn of its autoflush, harmlessly (its autograde logs the same)
    with warnings.catch_warnings(), Gradebook(db_url) as book:
        warnings.simplefilter("ignore", SAWarning)
        for granted in extensions:
            try:
                before = book.find_submission(granted.assignment, granted.student).extension
            except MissingEntry:
                before = None
                book.update_or_create_student(granted.student)
            if before != granted.extension:
                book.update_or_create_submission(
                    granted.assignment, granted.student, extension=granted.extension
                )
                changed.append(granted)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder.integration.deadlines",
        description="Write course.yaml's due dates, and an extensions file's extensions, into an nbgrader gradebook.",
    )
    parser.add_argument(
        "--course",
        type=Path,
        default=ROOT,
        help="the nbgrader course folder (default: the kit's, whose gradebook nbgrader_config.py names)",
    )
    parser.add_argument("--extensions", type=Path, metavar="CSV", help="the extensions file")
    args = parser.parse_args(argv)
    course = load_course()
    gradebook = (
        repository_url(course)
        if args.course.resolve() == ROOT
        else sqlite_url(args.course / "gradebook.db")
    )
    try:
        if not holds_gradebook(gradebook):
            parser.error(f"no gradebook at {shown(gradebook)}: release the assignments first")
    except GradebookUrlError as error:
        parser.error(str(error))
    dues = due_dates(course)
    write_due_dates(gradebook, dues)
    if args.extensions:
        with Gradebook(gradebook) as book:
            students = [student.id for student in book.students]
        try:
            extensions = read_extensions(args.extensions, dues, students)
        except DeadlineError as error:
            parser.error(str(error))
        grant(gradebook, extensions)
    print(
        f"due dates and {len(extensions) if args.extensions else 0} extensions in {shown(gradebook)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
