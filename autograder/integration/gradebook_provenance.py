"""The kit's two tables in nbgrader's gradebook: each grade's provenance, and the grades a regrade replaced.

nbgrader's tables have no place for them, so they live beside them in the same database
(through SQLAlchemy, for any database URL nbgrader accepts), created when first written:

- ``autograder_provenance``: per (assignment, student), the provenance of the grade of record
  (``grading/provenance.py``, as JSON text) and when it was recorded;
- ``autograder_grade_history``: per grade a regrade replaced, the assignment, student, item, old
  and new score, the reason, when, and the old provenance (JSON text).

Every function works in the session of an open nbgrader ``Gradebook``, so that its rows are
committed together with the grades they go with (``book.db.commit()``, by the caller). Reading
creates nothing: a gradebook without the tables has no provenance and no history.
"""

import datetime
import json
from collections.abc import Collection
from typing import Any, TypedDict

from nbgrader.api import Gradebook
from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    inspect,
    select,
)

from autograder.integration.gradebook_indexes import create_indexes

Provenance = dict[str, Any]  # grading/provenance.py's record of a grade, JSON


class Deadline(TypedDict):
    """What nbgrader's late penalty depends on (ISO 8601 text, seconds; None where there is none)."""

    duedate: str | None
    extension_seconds: float | None
    submitted_at: str | None


METADATA = MetaData()
PROVENANCE = Table(
    "autograder_provenance",
    METADATA,
    Column("assignment", String(128), primary_key=True),
    Column("student", String(128), primary_key=True),
    Column("provenance", Text, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
)
HISTORY = Table(
    "autograder_grade_history",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assignment", String(128), nullable=False),
    Column("student", String(128), nullable=False),
    Column("item", String(128), nullable=False),
    Column("old_score", Float),  # None: the cell had no score
    Column("new_score", Float),
    Column("reason", Text, nullable=False),
    Column("replaced_at", DateTime, nullable=False),
    Column("old_provenance", Text),  # None: none was recorded
)


def record(book: Gradebook, assignment: str, student: str, provenance: Provenance) -> None:
    """Make provenance (a dict) the one recorded for the student's submission of the assignment."""
    create_tables(book)
    book.db.execute(
        delete(PROVENANCE).where(
            PROVENANCE.c.assignment == assignment, PROVENANCE.c.student == student
        )
    )
    book.db.execute(
        PROVENANCE.insert().values(
            assignment=assignment,
            student=student,
            provenance=json.dumps(provenance, ensure_ascii=False, sort_keys=True),
            recorded_at=_now(),
        )
    )


def recorded(book: Gradebook, assignment: str) -> dict[str, Provenance]:
    """{student: provenance dict} recorded for the assignment (id); empty where nothing was."""
    if not _has_tables(book):
        return {}
    rows = book.db.execute(select(PROVENANCE).where(PROVENANCE.c.assignment == assignment))
    return {row.student: json.loads(row.provenance) for row in rows}


def append_history(
    book: Gradebook,
    assignment: str,
    student: str,
    item: str,
    old_score: float | None,
    new_score: float | None,
    reason: str,
    old_provenance: Provenance | None,
) -> None:
    """Keep a replaced grade: its old and new score, why it changed, and its provenance (a dict or None)."""
    create_tables(book)
    book.db.execute(
        HISTORY.insert().values(
            assignment=assignment,
            student=student,
            item=item,
            old_score=old_score,
            new_score=new_score,
            reason=reason,
            replaced_at=_now(),
            old_provenance=None if old_provenance is None else json.dumps(old_provenance),
        )
    )


def history(book: Gradebook, assignment: str) -> list[dict[str, Any]]:
    """The assignment's replaced grades, oldest first: dicts with the table's columns (provenance parsed)."""
    if not _has_tables(book):
        return []
    rows = book.db.execute(
        select(HISTORY).where(HISTORY.c.assignment == assignment).order_by(HISTORY.c.id)
    )
    return [
        {
            **row._asdict(),
            "old_provenance": row.old_provenance and json.loads(row.old_provenance),
        }
        for row in rows
    ]


def copy_records(
    source: Gradebook, target: Gradebook, assignment: str, students: Collection[str]
) -> None:
    """Copy the students' provenance of the assignment from one open Gradebook into another (a shard's into the class's)."""
    for student, provenance in recorded(source, assignment).items():
        if student in students:
            record(target, assignment, student, provenance)


def deadline(book: Gradebook, assignment: str, student: str) -> Deadline:
    """What nbgrader's late penalty depends on, as the gradebook holds it now: {"duedate", "extension_seconds",
    "submitted_at"} (ISO 8601 text, seconds; None where there is none)."""
    submission = book.find_submission(assignment, student)
    duedate, extension = submission.assignment.duedate, submission.extension
    return {
        "duedate": duedate and duedate.isoformat(),
        "extension_seconds": extension and extension.total_seconds(),
        "submitted_at": submission.timestamp and submission.timestamp.isoformat(),
    }


def create_tables(book: Gradebook) -> None:
    """Make the kit's tables, and its indexes of nbgrader's, in the open Gradebook's database where
    they are not yet (the caller commits)."""
    METADATA.create_all(book.db.connection(), checkfirst=True)
    create_indexes(book.db.connection())


def _has_tables(book: Gradebook) -> bool:
    inspector = inspect(book.db.connection())
    return all(inspector.has_table(table.name) for table in METADATA.sorted_tables)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
