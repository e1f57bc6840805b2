"""``InertCsvExportPlugin``: nbgrader's grades.csv (``nbgrader export``) written as a CSV file, its cells inert.

nbgrader's own CSV exporter joins the values with commas, so a name with a comma shifts the row
and a name like ``=HYPERLINK(...)`` reaches the spreadsheet as a formula. This one writes the
same columns and rows with the csv module, each cell through ``spreadsheet.inert``.
nbgrader_config.py makes it `nbgrader export`'s default.
"""

from nbgrader.api import Assignment, Gradebook, MissingEntry, Student
from nbgrader.plugins.export import ExportPlugin

from autograder.exports import spreadsheet
from autograder.exports.per_item import net_score

COLUMNS = (
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
)


class InertCsvExportPlugin(ExportPlugin):
    """nbgrader's CSV export, row for row, with every cell quoted as CSV needs and made inert."""

    def export(self, gradebook: Gradebook) -> None:
        dest = self.to or "grades.csv"
        self.log.info("Exporting grades to %s", dest)
        students, assignments = set(map(str, self.student)), set(map(str, self.assignment))
        with open(dest, "w", newline="", encoding="utf-8") as file:
            out = spreadsheet.writer(file)
            out.writerow(COLUMNS)
            for assignment in gradebook.assignments:
                if assignments and assignment.name not in assignments:
                    continue
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    out.writerow(_row(gradebook, assignment, student))


def _row(gradebook: Gradebook, assignment: Assignment, student: Student) -> list[str]:
    try:
        submission = gradebook.find_submission(assignment.name, student.id)
        penalty = submission.late_submission_penalty
        timestamp, raw = submission.timestamp, submission.score
    except MissingEntry:  # nothing handed in: nbgrader's 0
        timestamp, raw, penalty = None, 0.0, 0.0
    values = (
        assignment.name,
        assignment.duedate,
        timestamp,
        student.id,
        student.last_name,
        student.first_name,
        student.email,
        raw,
        penalty,
        net_score(raw, penalty),
        assignment.max_score,
    )
    return ["" if value is None else str(value) for value in values]
