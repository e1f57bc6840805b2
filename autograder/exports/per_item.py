"""An nbgrader export plugin that writes one column per graded cell (nbgrader's own CSV has totals only).

    nbgrader export --exporter=autograder.exports.per_item.PerItemCsvExporter --to grades_per_item.csv

One row per student of the gradebook: student_id, last_name, first_name, then for each
assignment of course.yaml in the gradebook, in course order:

- its items, each the gradebook's score (a manual grade over the automatic one), then
  ``<assignment>_items_total``, their sum: what the kit's grader gives;
- its derivations (graded by people in formgrader), each the gradebook's score once graded
  (nbgrader's 0 for an answer left blank), empty while it awaits a person: never 0 for "not
  graded yet"; then ``<assignment>_awaiting_manual``, how many of them await a person;
- ``<assignment>_late_penalty``: what course.yaml's late policy took off (0 when on time);
- ``<assignment>_total``: the items and the derivations graded so far, less the late penalty
  (final once nothing awaits): the score of grades.csv and of the LMS files;

then ``total``, the sum of the assignments' totals. An assignment without a submission leaves its
cells empty.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nbgrader.api import Grade, Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin

from autograder.exports import spreadsheet
from autograder.grading.course import Assignment, Course, load_course
from autograder.rounds import manual_grading

DEFAULT_FILE = "grades_per_item.csv"
Grades = Mapping[str, Grade]  # {graded cell id: nbgrader's Grade} of a submission


class PerItemCsvExporter(ExportPlugin):
    def export(self, gradebook: Gradebook) -> None:
        course = load_course()
        in_gradebook = {assignment.name for assignment in gradebook.assignments}
        assignments = [
            a
            for a in course.assignments
            if a.id in in_gradebook and (not self.assignment or a.id in self.assignment)
        ]
        students = [s for s in gradebook.students if not self.student or s.id in self.student]
        path = self.to or DEFAULT_FILE
        self.log.info("Exporting the per-item grades to %s", path)
        with open(path, "w", newline="", encoding="utf-8") as file:
            writer = spreadsheet.writer(file)
            writer.writerow(header(assignments))
            for student in sorted(students, key=lambda s: s.id):
                row: list[str] = [student.id, student.last_name or "", student.first_name or ""]
                total = 0.0
                for assignment in assignments:
                    grades = submission_grades(gradebook, assignment.id, student.id)
                    penalty = late_penalty(gradebook, assignment.id, student.id)
                    cells, assignment_total = columns(assignment, grades, penalty)
                    row += cells
                    total += assignment_total
                writer.writerow(row + [_number(total)])


def header(assignments: Sequence[Assignment]) -> list[str]:
    """The CSV's header for these assignments (course.yaml's Assignments)."""
    names = ["student_id", "last_name", "first_name"]
    for a in assignments:
        names += [item.id for item in a.items] + [f"{a.id}_items_total"]
        names += (
            [d.id for d in a.derivations]
            + ([f"{a.id}_awaiting_manual"] if a.derivations else [])
            + [f"{a.id}_late_penalty", f"{a.id}_total"]
        )
    return names + ["total"]


@dataclass(frozen=True)
class SubmissionTotals:
    """A submission's sums, as every file of the kit states them."""

    items: dict[str, float]  # {item id: score}: what the kit's grader gives
    derivations: dict[str, float | None]  # {derivation id: score, or None while it awaits a person}
    late_penalty: float  # points the late policy took off

    @property
    def items_total(self) -> float:
        return sum(self.items.values())

    @property
    def awaiting(self) -> int:
        """How many derivations await a person."""
        return sum(score is None for score in self.derivations.values())

    @property
    def derivations_graded(self) -> float:
        """The scores of the derivations a person has graded so far."""
        return sum(score for score in self.derivations.values() if score is not None)

    @property
    def total(self) -> float:
        """The items and the derivations graded so far, less the late penalty: the score of record."""
        return net_score(self.items_total + self.derivations_graded, self.late_penalty)


def totals(assignment: Assignment, grades: Grades, late_penalty: float = 0.0) -> SubmissionTotals:
    """The SubmissionTotals of the submission's {cell id: Grade} (course.yaml's Assignment)."""
    return SubmissionTotals(
        item_scores(grades, assignment), derivation_scores(grades, assignment), late_penalty
    )


def columns(
    assignment: Assignment, grades: Grades | None, late_penalty: float = 0.0
) -> tuple[list[str], float]:
    """(the assignment's cells of a row, its total) from the submission's {cell id: Grade}, or None
    without a submission, and its late penalty (points taken off)."""
    if grades is None:
        return [""] * (len(header([assignment])) - len(header([]))), 0.0
    sums = totals(assignment, grades, late_penalty)
    cells = [_number(sums.items.get(item.id, 0.0)) for item in assignment.items]
    cells.append(_number(sums.items_total))
    cells += [
        "" if (score := sums.derivations[d.id]) is None else _number(score)
        for d in assignment.derivations
    ]
    if assignment.derivations:
        cells.append(str(sums.awaiting))
    return cells + [_number(late_penalty), _number(sums.total)], sums.total


def submission_grades(
    gradebook: Gradebook, assignment: str, student: str
) -> dict[str, Grade] | None:
    """{graded cell id: nbgrader's Grade} of the student's submission of the assignment (ids), or None without one."""
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return None
    return {grade.name: grade for notebook in submission.notebooks for grade in notebook.grades}


def net_score(raw: float, late_penalty: float | None) -> float:
    """The score of record: the raw score less the late penalty, never below 0 (as nbgrader's export)."""
    return max(0.0, raw - (late_penalty or 0.0))


def late_penalty(gradebook: Gradebook, assignment: str, student: str) -> float:
    """The points the late policy took off the student's submission of the assignment (ids); 0 without one."""
    try:
        return gradebook.find_submission(assignment, student).late_submission_penalty or 0.0
    except MissingEntry:
        return 0.0


def item_scores(grades: Grades, assignment: Assignment) -> dict[str, float]:
    """{item id: score} of the assignment's automatic items in the submission's {cell id: Grade} (those it has)."""
    return {item.id: grades[item.id].score for item in assignment.items if item.id in grades}


def derivation_scores(grades: Grades, assignment: Assignment) -> dict[str, float | None]:
    """{derivation id: score, or None while it awaits a person} of the submission's {cell id: Grade}."""
    return {
        d.id: manual_grading.score(grades[d.id]) if d.id in grades else None
        for d in assignment.derivations
    }


def submission_scores(
    gradebook: Gradebook, assignment: str, student: str, course: Course | None = None
) -> dict[str, float] | None:
    """{item id: score} of the automatic items of the student's submission of the assignment (id), or None without one."""
    grades = submission_grades(gradebook, assignment, student)
    return (
        None
        if grades is None
        else item_scores(grades, (course or load_course()).assignment(assignment))
    )


def _number(value: float) -> str:
    """Six decimals at most, as the grader rounds: 2, 1.5, 0.666667."""
    return f"{value:.6f}".rstrip("0").rstrip(".")
