"""The out-of-kernel cross-check: each autograded submission graded again by the command line, and compared.

nbgrader runs the hidden tests in the student's own kernel, after the student's code, which can
patch the hidden-test function, builtins, NumPy or ``sys.modules`` to fake its score. The
command-line grader reads only the definitions of the submitted notebook and runs them in a
worker of its own. Every cell whose gradebook score differs from the command line's is a
mismatch; ``enforce`` writes the command line's score into the cell through nbgrader's
Gradebook API and flags the notebook, so the formgrader shows it too.
"""

import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from nbgrader.api import Gradebook

from .nbgrader_cell import grade_out_of_process
from .nbgrader_course import SUBMITTED
from .per_item_export import submission_scores
from .results import DECIMALS

TOLERANCE = 10.0**-DECIMALS  # scores are rounded to DECIMALS in every interface


@dataclass(frozen=True)
class Mismatch:
    student: str
    assignment: str
    item: str
    gradebook_score: float
    cli_score: float


def grade_all(course, assignment, students, reports, jobs=1, progress=None):
    """Grade each student's submitted notebook with ``python -m autograder``; {student: report dict, or the reason it failed}.

    Each report is also written to reports/<student>.json.
    """
    reports.mkdir(parents=True, exist_ok=True)
    done, results = 0, {}

    def one(student):
        return student, _grade_one(course.notebook(SUBMITTED, student, assignment), student, assignment, reports / f"{student}.json")

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for student, result in pool.map(one, sorted(students)):
            results[student] = result
            done += 1
            if progress:
                progress(done, len(students))
    return results


def _grade_one(notebook, student, assignment, out):
    try:
        return grade_out_of_process(notebook, student, out, assignment)
    except subprocess.TimeoutExpired:
        return "the command-line grader did not finish in time"
    except RuntimeError as error:
        return str(error)


def compare(gradebook, assignment, reports):
    """The Mismatches between the gradebook's cells and the command line's reports (dicts) of the assignment."""
    mismatches = []
    with Gradebook(f"sqlite:///{gradebook}") as book:
        for student, report in sorted(reports.items()):
            if not isinstance(report, dict):
                continue
            scores = submission_scores(book, assignment, student) or {}
            for item in report["items"]:
                recorded = scores.get(item["id"])
                if recorded is None or abs(recorded - item["score"]) > TOLERANCE:
                    mismatches.append(Mismatch(student, assignment, item["id"], recorded, item["score"]))
    return mismatches


def enforce(gradebook, mismatches):
    """Write each mismatch's command-line score into its gradebook cell and flag the notebook."""
    with Gradebook(f"sqlite:///{gradebook}") as book:
        for mismatch in mismatches:
            notebook = mismatch.assignment  # each assignment is one notebook of its name
            grade = book.find_grade(mismatch.item, notebook, mismatch.assignment, mismatch.student)
            grade.auto_score, grade.manual_score, grade.needs_manual_grade = mismatch.cli_score, None, False
            book.find_submission_notebook(notebook, mismatch.assignment, mismatch.student).flagged = True
        book.db.commit()
