"""An nbgrader export plugin that writes one column per graded item (nbgrader's own CSV has totals only).

    nbgrader export --exporter=autograder.per_item_export.PerItemCsvExporter --to grades_per_item.csv

One row per student of the gradebook: student_id, last_name, first_name, then for each
assignment of course.yaml in the gradebook its items in course order and ``<assignment>_total``, then ``total``.
A score is the gradebook's (a manual grade over the automatic one); an assignment without a
submission leaves its cells empty.
"""

import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin

from .course import load_course

DEFAULT_FILE = "grades_per_item.csv"


class PerItemCsvExporter(ExportPlugin):
    def export(self, gradebook):
        course = load_course()
        in_gradebook = {assignment.name for assignment in gradebook.assignments}
        assignments = [a for a in course.assignments if a.id in in_gradebook and (not self.assignment or a.id in self.assignment)]
        students = [s for s in gradebook.students if not self.student or s.id in self.student]
        header = ["student_id", "last_name", "first_name"]
        for assignment in assignments:
            header += [item.id for item in assignment.items] + [f"{assignment.id}_total"]
        path = self.to or DEFAULT_FILE
        self.log.info("Exporting the per-item grades to %s", path)
        with open(path, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(header + ["total"])
            for student in sorted(students, key=lambda s: s.id):
                row, total = [student.id, student.last_name or "", student.first_name or ""], 0.0
                for assignment in assignments:
                    scores = submission_scores(gradebook, assignment.id, student.id)
                    if scores is None:
                        row += [""] * (len(assignment.items) + 1)
                        continue
                    row += [_number(scores.get(item.id, 0.0)) for item in assignment.items] + [_number(sum(scores.values()))]
                    total += sum(scores.values())
                writer.writerow(row + [_number(total)])


def submission_scores(gradebook, assignment, student):
    """{item id: score} of the student's submission of the assignment (ids), or None without one."""
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return None
    return {grade.name: grade.score for notebook in submission.notebooks for grade in notebook.grades}


def _number(value):
    """Six decimals at most, as the grader rounds: 2, 1.5, 0.666667."""
    return f"{value:.6f}".rstrip("0").rstrip(".")
