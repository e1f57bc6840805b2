"""The derivations graded by people (course.yaml's ``derivations``), as nbgrader's gradebook holds them.

A derivation is a Markdown answer cell. nbgrader's autograde gives it no score: it waits, as
"needs manual grade", for a person in formgrader's Manual Grading, unless the student left the
cell as released, which nbgrader scores 0 itself ("No response."). The kit writes no score into
it. Here: each answer's state and its score (None while it awaits a person: never 0 for "not
graded yet"), and per class what awaits grading, for the round's summary and its class report.
"""

import collections
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from autograder.grading.course import Assignment, Derivation

AWAITING, GRADED, BLANK = "awaiting", "graded", "blank"


def state(grade: Any) -> str:
    """AWAITING (a person must grade it), GRADED (a person did) or BLANK (nbgrader's 0 for an unchanged cell) of a derivation's Grade."""
    # no score at all: a person's to give
    if grade.needs_manual_grade or (grade.manual_score is None and grade.auto_score is None):
        return AWAITING
    return GRADED if grade.manual_score is not None else BLANK


def score(grade: Any) -> float | None:
    """The derivation's score in the gradebook (a person's, with any extra credit; nbgrader's 0 for a blank answer), None while it awaits a person."""
    return None if state(grade) == AWAITING else grade.score


@dataclass(frozen=True)
class DerivationStatus:
    """One derivation across a class: the students whose answer awaits a grade, was graded, or was left blank."""

    derivation: Derivation
    awaiting: tuple[str, ...] = ()  # student ids, as are graded and blank
    graded: tuple[str, ...] = ()
    blank: tuple[str, ...] = ()
    scores: tuple[float, ...] = ()  # the graded answers' scores


def class_status(
    grades: Mapping[str, Mapping[str, Any]], assignment: Assignment
) -> tuple[DerivationStatus, ...]:
    """The DerivationStatus of each derivation of the assignment, from {student: {cell id: Grade}} of its submissions."""
    statuses = []
    for derivation in assignment.derivations:
        found = collections.defaultdict(list)
        scores = []
        for student, by_cell in sorted(grades.items()):
            grade = by_cell.get(derivation.id)
            if grade is None:  # a gradebook made before the cell was added: nothing to grade
                continue
            found[state(grade)].append(student)
            if state(grade) == GRADED:
                scores.append(grade.score)
        statuses.append(
            DerivationStatus(
                derivation,
                tuple(found[AWAITING]),
                tuple(found[GRADED]),
                tuple(found[BLANK]),
                tuple(scores),
            )
        )
    return tuple(statuses)


def awaiting_counts(statuses: Sequence[DerivationStatus]) -> dict[int, int]:
    """{number of cells awaiting a grade: number of submissions} of one assignment's DerivationStatuses (submissions with none left out)."""
    per_student = collections.Counter(student for status in statuses for student in status.awaiting)
    return dict(sorted(collections.Counter(per_student.values()).items(), reverse=True))


def awaiting_summary(
    statuses_by_assignment: Mapping[str, Sequence[DerivationStatus]],
) -> str:
    """One line: "awaiting manual grading in formgrader: 38 submissions × 1 cell (perceptron), 36 submissions × 3 cells (bp)".

    ``statuses_by_assignment`` is {assignment id: its DerivationStatuses}; the line says so when nothing awaits.
    """
    parts = []
    for assignment, statuses in statuses_by_assignment.items():
        counts = awaiting_counts(statuses)
        if counts:
            parts.append(
                ", ".join(_times(submissions, cells) for cells, submissions in counts.items())
                + f" ({assignment})"
            )
    if not parts:
        graded = [a for a, statuses in statuses_by_assignment.items() if statuses]
        return (
            f"derivations graded by people: none awaits a grade ({', '.join(graded)})"
            if graded
            else ""
        )
    return "awaiting manual grading in formgrader: " + ", ".join(parts)


def _times(submissions: int, cells: int) -> str:
    return f"{submissions} submission{'s' if submissions != 1 else ''} × {cells} cell{'s' if cells != 1 else ''}"
