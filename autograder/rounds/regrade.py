"""Regrade an assignment's autograded submissions with the kit and course.yaml as they are now.

    python -m autograder.rounds.regrade --course DIR --assignment ID [--preview]
                                        [--course-file YAML] [--db-url URL]

Each submission that nbgrader autograded (autograded/<student>/<assignment>/<assignment>.ipynb,
the very notebook autograde's chain graded) is graded again out of the kernel by the kit's grader,
and compared, item by item, with the gradebook's score. Every grade that would change is printed:
student, item, old → new, Δ and why, the reasons found by comparing the provenance recorded with
that grade (``gradebook_provenance``) with the new one: the item's cases, tolerance, points or
seed in course.yaml, the kit's version, the submission; else "via" the items before it whose
grades change (an item that passes now, or no longer, changes the stand-ins of the items after
it). nbgrader's late penalty is compared too
(item ``late_submission_penalty``), with its reasons: the due date, the student's extension, the
time of submission, the score it is taken from.

``--preview`` writes nothing, anywhere. Without it, in one transaction of the gradebook: each
grade that changes is written into its graded cell's automatic score (as the score of record
is), its old score goes to ``autograder_grade_history`` with the time and the reasons, and the
regraded submissions' provenance is recorded anew (its tamper flag, which only autograde's
kernel can show, kept). A cell a person graded (formgrader's manual score) is left as it is:
its row says so. A submission the grader cannot read is reported and left as it was.
"""

import argparse
import functools
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import AssignLatePenalties
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder import ROOT
from autograder.exports.per_item import submission_grades
from autograder.grading.course import COURSE_FILE, Course, CourseError, Item, load_course
from autograder.grading.grader import grade
from autograder.grading.provenance import changes
from autograder.grading.results import DECIMALS, GradeReport, scores_differ
from autograder.grading.submission import SubmissionError
from autograder.integration import gradebook_provenance
from autograder.integration.gradebook_database import GradebookUrlError, holds_gradebook, shown
from autograder.integration.gradebook_provenance import Deadline, Provenance
from autograder.integration.nbgrader_course import AUTOGRADED, CourseFolder
from autograder.sandbox.process import GraderError

LATE_PENALTY = "late_submission_penalty"  # nbgrader's column: the row of the late penalty
NO_PROVENANCE = "no provenance recorded"
UNEXPLAINED = "no recorded cause (the gradebook was changed elsewhere)"
PERSON_KEPT = "a person's grade: kept"
DEADLINE_REASONS = (
    ("duedate", "due date"),
    ("extension_seconds", "extension"),
    ("submitted_at", "submitted at"),
)


class RegradeError(RuntimeError):
    """The regrade cannot start; the message says why."""


class CellGrade(TypedDict):
    score: float
    manual: bool  # a person graded it


class LateState(TypedDict):
    penalty: float  # nbgrader's late penalty, 0 for none
    score: float  # the notebook's score
    seconds_late: float


class SubmissionState(TypedDict):
    """What the gradebook holds of a submission before the regrade."""

    grades: dict[str, CellGrade]  # {item id: its cell's grade}
    late: LateState
    deadline: Deadline
    provenance: Provenance | None  # None: none was recorded


@dataclass(frozen=True)
class Change:
    """A grade the regrade changes (an item's score, or the late penalty, 0 for none); kept: a person's, left as it is."""

    student: str
    item: str
    old: float
    new: float
    reasons: tuple[str, ...]
    kept: bool = False


@dataclass
class Regrade:
    """What a regrade of an assignment finds, before anything is written."""

    assignment: str
    changes: list[Change] = field(default_factory=list)
    # {student: the new provenance} of every submission regraded, and the one recorded before
    provenances: dict[str, Provenance] = field(default_factory=dict)
    recorded: dict[str, Provenance | None] = field(default_factory=dict)
    not_regraded: dict[str, str] = field(default_factory=dict)  # {student: why}


def plan(
    course_folder: CourseFolder,
    assignment: str,
    course: Course | None = None,
    db_url: str | None = None,
) -> Regrade:
    """Regrade the assignment's autograded submissions in course_folder (a CourseFolder); write nothing."""
    course = course or load_course()
    db_url = db_url or course_folder.db_url
    items = course.assignment(assignment).items
    found = Regrade(assignment)
    for student, before in _gradebook_state(db_url, assignment, items).items():
        notebook = course_folder.notebook(AUTOGRADED, student, assignment)
        if not notebook.is_file():
            found.not_regraded[student] = f"no autograded notebook {notebook}"
            continue
        old = before["provenance"]
        try:  # the attempt it was graded as: its cases (a provenance without one is the first's)
            attempt = (old or {}).get("attempt") or 1
            report = grade([notebook], student, assignment, course=course, attempt=attempt)
        except (SubmissionError, CourseError, GraderError, OSError) as error:
            found.not_regraded[student] = f"{type(error).__name__}: {error}"
            continue
        new = {**(report.provenance or {}), "deadline": before["deadline"]}
        found.provenances[student], found.recorded[student] = new, old
        changed: list[
            str
        ] = []  # this student's items whose grade changes, in the assignment's order
        for item in report.items:
            cell = before["grades"][item.id]  # nbgrader keeps a grade per graded cell
            new_score = round(item.score, DECIMALS)  # as the score of record writes it
            if scores_differ(cell["score"], new_score):
                reasons = _item_reasons(old, new, item.id)
                if reasons == (UNEXPLAINED,) and changed:
                    # while an item runs, the items before it that did not pass are the reference's
                    # (grader.py): one that passes now, or no longer, changes what it is graded with
                    reasons = (f"via {', '.join(changed)}",)
                changed.append(item.id)
                found.changes.append(
                    Change(student, item.id, cell["score"], new_score, reasons, cell["manual"])
                )
        penalty = _late_penalty(before, before["late"]["score"] - _lost(before, report))
        if scores_differ(penalty, before["late"]["penalty"]):
            reasons = _deadline_reasons(old, new, before, report)
            found.changes.append(
                Change(student, LATE_PENALTY, before["late"]["penalty"], penalty, reasons)
            )
    return found


def apply(found: Regrade, course_folder: CourseFolder, db_url: str | None = None) -> list[Change]:
    """Write what plan() found into the gradebook, in one transaction; return the changes written.

    A grade whose gradebook score is no longer the one the plan saw (graded again meanwhile) is
    left as it is, and not returned.
    """
    db_url = db_url or course_folder.db_url
    assignment, written = found.assignment, list[Change]()
    notebook = assignment  # each assignment is one notebook of its name
    with Gradebook(db_url) as book:
        for change in found.changes:
            if change.kept:
                continue
            if change.item == LATE_PENALTY:
                row = book.find_submission_notebook(notebook, assignment, change.student)
                current = row.late_submission_penalty
            else:
                row = book.find_grade(change.item, notebook, assignment, change.student)
                current = row.score
            if scores_differ(current or 0.0, change.old):
                continue
            gradebook_provenance.append_history(
                book,
                assignment,
                change.student,
                change.item,
                current,
                change.new,
                ", ".join(change.reasons),
                found.recorded.get(change.student),
            )
            if change.item == LATE_PENALTY:
                row.late_submission_penalty = change.new
            else:
                row.auto_score, row.needs_manual_grade = change.new, False
            written.append(change)
        for student, provenance in found.provenances.items():
            old = found.recorded.get(student) or {}
            kept = provenance | {"tampered": old.get("tampered")}
            if kept != old:
                gradebook_provenance.record(book, assignment, student, kept)
        book.db.commit()
    return written


def _gradebook_state(
    db_url: str, assignment: str, items: Sequence[Item]
) -> dict[str, SubmissionState]:
    """{student: what the gradebook holds of the submission}: the items' grades, the late penalty, the deadline, the provenance."""
    state: dict[str, SubmissionState] = {}
    with Gradebook(db_url) as book:
        try:
            submissions = book.find_assignment(assignment).submissions
        except MissingEntry:
            raise RegradeError(f"the gradebook has no assignment {assignment!r}") from None
        recorded = gradebook_provenance.recorded(book, assignment)
        for submission in submissions:
            student = submission.student.id
            grades = submission_grades(book, assignment, student) or {}
            notebook = book.find_submission_notebook(assignment, assignment, student)
            state[student] = {
                "grades": {
                    item.id: {
                        "score": grades[item.id].score,
                        "manual": grades[item.id].manual_score is not None,
                    }
                    for item in items
                },
                "late": {
                    "penalty": notebook.late_submission_penalty or 0.0,
                    "score": notebook.score,
                    "seconds_late": submission.total_seconds_late,
                },
                "deadline": gradebook_provenance.deadline(book, assignment, student),
                "provenance": recorded.get(student),
            }
    return state


def _lost(before: SubmissionState, report: GradeReport) -> float:
    """How much less the items score now than in the gradebook (negative: more)."""
    return sum(
        before["grades"][item.id]["score"] - item.score
        for item in report.items
        if not before["grades"][item.id]["manual"]
    )


def _late_penalty(before: SubmissionState, score: float) -> float:
    """nbgrader's late penalty of a notebook scoring score, as its AssignLatePenalties would set it now (0 for none)."""
    seconds_late = before["late"]["seconds_late"]
    if seconds_late <= 0:
        return 0.0
    penalty = _late_penalties().plugin_inst.late_submission_penalty("", score, seconds_late)
    return 0.0 if penalty is None else round(min(max(penalty, 0.0), score), DECIMALS)


@functools.lru_cache(maxsize=1)
def _late_penalties() -> AssignLatePenalties:
    """nbgrader's AssignLatePenalties with its plugin, configured as the course's nbgrader commands are."""
    config = Config()
    config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config())
    assigner = AssignLatePenalties(config=config)
    assigner.init_plugin()
    return assigner


def _item_reasons(old: Provenance | None, new: Provenance, item_id: str) -> tuple[str, ...]:
    if old is None:
        return (NO_PROVENANCE,)
    return tuple(changes(old, new, item_id)) or (UNEXPLAINED,)


def _deadline_reasons(
    old: Provenance | None, new: Provenance, before: SubmissionState, report: GradeReport
) -> tuple[str, ...]:
    if old is None:
        return (NO_PROVENANCE,)
    then = old.get("deadline") or {}
    reasons = [name for key, name in DEADLINE_REASONS if then.get(key) != new["deadline"][key]]
    reasons += ["late policy"] if old.get("late_policy") != new["late_policy"] else []
    # the penalty is a share of the score: with its other inputs as they were, the score moved
    reasons += ["score"] if abs(_lost(before, report)) > 1e-6 or not reasons else []
    return tuple(reasons)


def table(found: Regrade) -> str:
    """The changes as a text table, then a line of totals."""
    lines = [f"{'student':<12}  {'item':<24}  {'old → new':>15}  {'Δ':>7}  why"]
    for change in found.changes:
        old_new, delta = f"{change.old:.2f} → {change.new:.2f}", f"{change.new - change.old:+.2f}"
        why = ", ".join(change.reasons + ((PERSON_KEPT,) if change.kept else ()))
        lines.append(f"{change.student:<12}  {change.item:<24}  {old_new:>15}  {delta:>7}  {why}")
    students = {change.student for change in found.changes}
    lines.append(
        f"{len(found.changes)} grades of {len(students)} students change; "
        f"{len(found.provenances) - len(students)} of {len(found.provenances)} submissions regraded unchanged"
    )
    lines += [f"not regraded: {student}: {why}" for student, why in found.not_regraded.items()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder.rounds.regrade",
        description="Regrade an assignment's autograded submissions with the kit and course.yaml as they are now; "
        "say who changes, by how much and why.",
    )
    parser.add_argument(
        "--course", type=Path, required=True, metavar="DIR", help="the nbgrader course folder"
    )
    parser.add_argument("--assignment", required=True, metavar="ID")
    parser.add_argument(
        "--preview", action="store_true", help="show what would change; write nothing"
    )
    parser.add_argument(
        "--course-file",
        type=Path,
        default=COURSE_FILE,
        metavar="YAML",
        help="default: the kit's course.yaml",
    )
    parser.add_argument(
        "--db-url",
        metavar="URL",
        help="the gradebook's database (default: sqlite:///DIR/gradebook.db)",
    )
    args = parser.parse_args(argv)
    folder = CourseFolder(args.course.resolve(), database=args.db_url)
    try:
        if not holds_gradebook(folder.db_url):
            return _cannot(
                f"no gradebook at {shown(folder.db_url)}: give --db-url, or the course folder nbgrader autograded"
            )
        course = load_course(args.course_file)
        found = plan(folder, args.assignment, course, args.db_url)
    except (CourseError, RegradeError, GradebookUrlError) as error:
        return _cannot(error)
    print(table(found))
    if args.preview:
        print("preview: nothing written")
    else:
        written = apply(found, folder, args.db_url)
        print(
            f"written: {len(written)} grades; the old ones are in the gradebook's {gradebook_provenance.HISTORY.name}"
        )
    return 0


def _cannot(reason: object) -> int:
    print(f"regrade: {reason}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
