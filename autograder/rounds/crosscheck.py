"""The round's check of the gradebook against the out-of-kernel grades that nbgrader's autograde saved.

nbgrader runs the hidden tests in the student's own kernel, after the student's code, which can
patch the hidden-test function, builtins, NumPy or ``sys.modules`` to fake its score. In the
autograde chain, ``ScoreOfRecord`` (score_of_record.py) takes each notebook's grade from the
command-line grader, which reads only the notebook's definitions and runs them in a worker of
its own, writes it into the graded cells, and saves that report with the scores the kernel had
shown. This module reads those reports back: every cell whose kernel score differs from the
report's is a ``Mismatch`` (a tamper flag in the class report); ``enforce`` writes the report's
score into any gradebook cell that still differs (none, unless autograde ran with
``--ScoreOfRecord.enforce=False``) and flags the notebook, so the formgrader shows it too.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.exports.per_item import submission_scores
from autograder.grading.results import scores_differ
from autograder.integration import score_of_record

Report = (
    score_of_record.Report | str
)  # the report ScoreOfRecord saved of a submission, or why there is none
Reports = Mapping[str, Mapping[str, Report]]  # {assignment: {student: Report}}


@dataclass(frozen=True)
class Mismatch:
    student: str
    assignment: str
    item: str
    kernel_score: float | None  # what the kernel showed, None where nbgrader could not read a score
    cli_score: float


def saved_reports(folder: Path, students: Iterable[str]) -> dict[str, Report]:
    """{student: the report ScoreOfRecord saved in folder, or why there is none} for each student."""
    reports: dict[str, Report] = {}
    for student in sorted(students):
        try:
            reports[student] = json.loads((folder / f"{student}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            reports[student] = f"no out-of-kernel report ({type(error).__name__})"
    return reports


def compare(db_url: str, assignment: str, reports: Mapping[str, Report]) -> list[Mismatch]:
    """The Mismatches of the assignment: cells where the kernel, or the gradebook (at db_url) still, differ from the report."""
    mismatches = []
    with Gradebook(db_url) as book:
        for student, report in sorted(reports.items()):
            if not isinstance(report, dict):
                continue
            recorded = submission_scores(book, assignment, student) or {}
            kernel = report.get("kernel", {})
            for item in report["items"]:
                shown = kernel.get(item["id"])
                if scores_differ(shown, item["score"]) or scores_differ(
                    recorded.get(item["id"]), item["score"]
                ):
                    mismatches.append(
                        Mismatch(student, assignment, item["id"], shown, item["score"])
                    )
    return mismatches


def enforce(db_url: str, mismatches: Iterable[Mismatch]) -> None:
    """Write each mismatch's command-line score into its gradebook cell where it still differs, and flag the notebook."""
    with Gradebook(db_url) as book:
        for mismatch in mismatches:
            notebook = mismatch.assignment  # each assignment is one notebook of its name
            grade = book.find_grade(mismatch.item, notebook, mismatch.assignment, mismatch.student)
            # autograde's chain has written most already
            if scores_differ(grade.auto_score, mismatch.cli_score):
                grade.auto_score, grade.manual_score, grade.needs_manual_grade = (
                    mismatch.cli_score,
                    None,
                    False,
                )
            book.find_submission_notebook(
                notebook, mismatch.assignment, mismatch.student
            ).flagged = True
        book.db.commit()
