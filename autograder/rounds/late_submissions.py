"""The class report's section on late submissions, read from nbgrader's gradebook.

nbgrader keeps each submission's timestamp and extension, the assignment's due date, and the
penalty that its autograde took (autograder/integration/late_penalty.py); all times are UTC there.
"""

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from nbgrader.api import Gradebook, MissingEntry

from autograder.grading.late_policy import LatePolicy


@dataclass(frozen=True)
class LateSubmission:
    """A submission past its assignment's due date, or one with an extension; times are UTC."""

    student: str
    assignment: str
    submitted_at: datetime
    due: datetime  # the extension included
    extension: timedelta | None
    minutes_late: float
    penalty: float  # points


def late_submissions(
    db_url: str, assignments: Iterable[str], students: Collection[str]
) -> list[LateSubmission]:
    """[LateSubmission] of the assignments (ids) and students whose submission came after the assignment's due
    date, or has an extension, in the gradebook's order of assignments then students."""
    found = []
    with Gradebook(db_url) as book:
        for assignment in assignments:
            for student in students:
                try:
                    submission = book.find_submission(assignment, student)
                except MissingEntry:
                    continue
                due = submission.assignment.duedate
                if submission.timestamp is None or due is None:
                    continue
                if submission.timestamp <= due and submission.extension is None:
                    continue
                found.append(
                    LateSubmission(
                        student,
                        assignment,
                        submission.timestamp,
                        submission.duedate,
                        submission.extension,
                        submission.total_seconds_late / 60,
                        submission.late_submission_penalty or 0.0,
                    )
                )
    return found


def section(
    late: Sequence[LateSubmission], policy: LatePolicy | None, row: Callable[..., str]
) -> list[str]:
    """The report's Markdown lines on the LateSubmissions late; policy is the course's LatePolicy or None,
    row the report's table-row maker."""
    lines = ["## 迟交 Late submissions", ""]
    lines.append(
        f"Late policy: {policy.describe()}." if policy else "course.yaml has no late policy."
    )
    lines.append("")
    if not late:
        return lines + ["None.", ""]
    lines += [
        "| student | assignment | submitted at (UTC) | due, with extension (UTC) | extension | minutes late | penalty (points) |",
        "| --- | --- | --- | --- | --- | ---: | ---: |",
    ]
    for s in late:
        extension = f"{s.extension.total_seconds() / 3600:g} h" if s.extension else ""
        lines.append(
            row(
                s.student,
                s.assignment,
                f"{s.submitted_at:%Y-%m-%d %H:%M:%S}",
                f"{s.due:%Y-%m-%d %H:%M:%S}",
                extension,
                f"{s.minutes_late:.0f}",
                f"{s.penalty:.2f}",
            )
        )
    return lines + [""]
