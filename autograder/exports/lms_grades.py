"""Grades into the LMS: per assignment, each student's grade in the CSV file an LMS imports.

    python -m autograder.exports.lms_grades --db URL --roster CSV --assignment ID \\
        --lms canvas|moodle|blackboard --out FILE [--column NAME]

A student's grade is nbgrader's score of their submission (the items and the derivations)
less its late penalty, as `nbgrader export`'s score, out of the assignment's points in the
gradebook. The rows are the roster's students, in its order; one without a submission, or whose
derivations still await a person in formgrader, gets an empty cell (no grade; the warnings name
them), never 0 and never a total that counts an ungraded answer as 0. Each file has the columns its LMS documents, in its order:

- Canvas, Grades → Import (https://community.canvaslms.com/t5/Instructor-Guide/
  How-do-I-import-grades-in-the-Gradebook/ta-p/807; the columns as Canvas's export writes them,
  https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/
  import-csv-file-carmen-grades): Student ("Last, First"), ID (Canvas's user id: the roster's
  lms_user_id), SIS User ID (the roster's id), SIS Login ID (its email), Section, then the
  assignment's column; the row under the header is Canvas's "Points Possible". A column named
  as in Canvas's export, "bp (123456)", updates that assignment; any other name makes a new one.
- Moodle, Grade import from a CSV file (https://docs.moodle.org/en/Grade_import): First name,
  Last name, ID number (the roster's id), Email address, then the grade. On import, identify
  the user by "Email address" (map to: email address) or "ID number" (map to: ID number), and
  map the grade column to the grade item.
- Blackboard Grade Center, Work Offline → Upload (https://help.blackboard.com/Learn/Instructor/
  Original/Grade/Grading_Tasks/Work_Offline_With_Grade_Data; http://library.blackboard.com/ref/
  3ea64795-6ecc-4abd-b595-0a9a8dfdec94/Content/_instructor_grade_center/
  grade_center_upload_download.htm): Last Name, First Name, Username (the student's unique
  identifier there: the roster's lms_user_id, else its id), Student ID (the roster's id), then
  "bp [Total Pts: 43 Score]"; every value in quotes, as a comma-delimited file must have them.
  A column without Blackboard's column id (``--column "bp [Total Pts: 43 Score] |123456"``, as
  its download names it) is added as a new column.

The roster may be the LMS's own export (``lms_roster``: Canvas's gradebook, Moodle's
participants or grades, Blackboard's Grade Center download); the file for the LMS it came from
then fills the export's own column of the assignment ("bp (118802)", "Assignment: bp (Real)",
"bp [Total Pts: 43 Score] |118802": the one whose name, the LMS's decoration removed, is the
assignment's id or title), so that the import updates it; ``--column`` names another.

Nothing is left out silently: a gradebook student with a submission who is not on the roster
stops the export (LmsGradesError, naming them); a roster entry without the identifier its LMS
matches students by, and a submission still awaiting manual grading, are named in the warnings.
"""

import argparse
import csv
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder.exports import spreadsheet
from autograder.exports.per_item import _number, net_score
from autograder.grading.course import CourseError, load_course
from autograder.integration.gradebook_database import GradebookUrlError, holds_gradebook, shown
from autograder.rounds import lms_roster
from autograder.rounds.lms_download import DownloadError, RosterEntry


class LmsGradesError(ValueError):
    """The grades cannot be exported as asked; the message names the problem."""


@dataclass(frozen=True)
class LmsFormat:
    """One LMS's import file: its identifying columns and how a roster entry fills them."""

    identity: tuple[str, ...]  # the identifying columns' names, in the LMS's order
    values: Callable[[RosterEntry], list[str]]  # the identifying columns' values of an entry
    key: str  # the RosterEntry field the LMS matches students by
    without_key: str  # what the LMS matches a student by without it
    quoting: int = csv.QUOTE_MINIMAL


CANVAS = LmsFormat(
    ("Student", "ID", "SIS User ID", "SIS Login ID", "Section"),
    lambda e: [
        ", ".join(name for name in (e.last_name, e.first_name) if name),
        e.lms_user_id,
        e.id,
        e.email,
        "",
    ],
    "lms_user_id",
    "Canvas must match them by SIS User ID (the roster's id) or SIS Login ID (the email)",
)
MOODLE = LmsFormat(
    ("First name", "Last name", "ID number", "Email address"),
    lambda e: [e.first_name, e.last_name, e.id, e.email],
    "email",
    "identify users by ID number (the roster's id) when importing into Moodle",
)
BLACKBOARD = LmsFormat(
    ("Last Name", "First Name", "Username", "Student ID"),
    lambda e: [e.last_name, e.first_name, e.lms_user_id or e.id, e.id],
    "lms_user_id",
    "their Username is their roster id, which must be their Blackboard user name",
    csv.QUOTE_ALL,
)
FORMATS = {"canvas": CANVAS, "moodle": MOODLE, "blackboard": BLACKBOARD}
# the first cell of the row under the header, as Canvas exports it
CANVAS_POINTS_ROW = "    Points Possible"


@dataclass(frozen=True)
class AssignmentGrades:
    """An assignment's grades in the gradebook: {student id: score}, its points, and who awaits a person."""

    assignment: str
    scores: dict[str, float]
    points: float
    awaiting_manual: tuple[
        str, ...
    ]  # student ids whose submission has answers no person has graded yet


def assignment_grades(db_url: str, assignment: str) -> AssignmentGrades:
    """The AssignmentGrades of the assignment (id) in the gradebook at db_url (an nbgrader URL)."""
    _check_exists(db_url)
    with Gradebook(db_url) as book:
        try:
            found = book.find_assignment(assignment)
        except MissingEntry:
            names = ", ".join(a.name for a in book.assignments) or "none"
            raise LmsGradesError(
                f"no assignment {assignment!r} in the gradebook {db_url}; it has: {names}"
            ) from None
        submissions = book.assignment_submissions(assignment)
        return AssignmentGrades(
            assignment,
            {s.student_id: net_score(s.score, s.late_submission_penalty) for s in submissions},
            found.max_score,
            tuple(sorted(s.student_id for s in submissions if s.needs_manual_grade)),
        )


def gradebook_roster(db_url: str) -> list[RosterEntry]:
    """The gradebook's students as RosterEntry (nbgrader's student table holds the roster it imported), by id."""
    _check_exists(db_url)
    with Gradebook(db_url) as book:
        return [
            RosterEntry(
                s.id, s.first_name or "", s.last_name or "", s.email or "", s.lms_user_id or ""
            )
            for s in sorted(book.students, key=lambda s: s.id)
        ]


def _check_exists(db_url: str) -> None:
    # nbgrader would make an empty gradebook where none is
    try:
        if not holds_gradebook(db_url):
            raise LmsGradesError(f"no gradebook at {shown(db_url)}")
    except GradebookUrlError as error:
        raise LmsGradesError(str(error)) from None


def blackboard_column(assignment: str, points: float) -> str:
    """A new grade column's name as Blackboard's Grade Center names one: "bp [Total Pts: 43 Score]"."""
    return f"{assignment} [Total Pts: {_number(points)} Score]"


def rows(
    grades: AssignmentGrades, roster: Sequence[RosterEntry], lms: str, column: str | None = None
) -> list[list[str]]:
    """The LMS's file as rows (lists of strings): header, Canvas's points row, one row per roster entry.

    ``column`` names the grade column (default: the assignment's id; Blackboard's adds its points).
    LmsGradesError when a student with a submission is not on the roster.
    """
    on_roster = {entry.id for entry in roster}
    missing = sorted(set(grades.scores) - on_roster)
    if missing:
        raise LmsGradesError(
            f"{grades.assignment}: {len(missing)} students with a submission are not on the roster, "
            f"so the LMS could not be told who they are: {', '.join(missing)}; add them to it"
        )
    form, points = FORMATS[lms], _number(grades.points)
    if column is None:
        column = (
            blackboard_column(grades.assignment, grades.points)
            if form is BLACKBOARD
            else grades.assignment
        )
    table = [[*form.identity, column]]
    if form is CANVAS:
        table.append([CANVAS_POINTS_ROW, *[""] * (len(form.identity) - 1), points])
    for entry in roster:
        score = None if entry.id in grades.awaiting_manual else grades.scores.get(entry.id)
        table.append([*form.values(entry), "" if score is None else _number(score)])
    return table


def warnings(grades: AssignmentGrades, roster: Sequence[RosterEntry], lms: str) -> list[str]:
    """What the instructor must know before importing: roster entries the LMS may not match, grades not final."""
    form, found = FORMATS[lms], list[str]()
    keyless = [entry.id for entry in roster if not getattr(entry, form.key)]
    if keyless:
        found.append(
            f"{lms}: {len(keyless)} students without {form.key} on the roster: {form.without_key}: "
            + ", ".join(keyless)
        )
    if grades.awaiting_manual:
        found.append(
            f"{grades.assignment}: {len(grades.awaiting_manual)} submissions await manual grading in "
            "formgrader, so their grade cells are left empty (no grade) until a person grades them; "
            "import again after: " + ", ".join(grades.awaiting_manual)
        )
    return found


def write(
    grades: AssignmentGrades,
    roster: Sequence[RosterEntry],
    lms: str,
    out: str | Path,
    column: str | None = None,
) -> list[str]:
    """Write the LMS's file of the grades (AssignmentGrades) for the roster ([RosterEntry]) to out; return its warnings."""
    table = rows(grades, roster, lms, column)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as file:
        spreadsheet.writer(file, quoting=FORMATS[lms].quoting).writerows(table)
    return warnings(grades, roster, lms)


def write_round_files(
    db_url: str,
    assignments: Iterable[str],
    folder: str | Path,
    columns: Mapping[str, Mapping[str, str]] | None = None,
) -> list[str]:
    """Each LMS's file of each assignment, <lms>_<assignment>.csv in folder, for the gradebook's own students.

    ``columns`` ({lms: {assignment: column}}): the grade column of that LMS's file, as the roster's
    export from that LMS names it (``lms_roster.grade_columns``); the others keep their default.
    Returns the warnings, each once.
    """
    roster, columns = gradebook_roster(db_url), columns or {}
    found: list[str] = []
    for assignment in assignments:
        grades = assignment_grades(db_url, assignment)
        for lms in FORMATS:
            out = Path(folder) / f"{lms}_{assignment}.csv"
            column = columns.get(lms, {}).get(assignment)
            found += [w for w in write(grades, roster, lms, out, column) if w not in found]
    return found


def export_column(class_list: lms_roster.ClassList, lms: str, assignment: str) -> str | None:
    """The grade column the roster's export (a ClassList) names for the assignment when it came from lms, else None."""
    if class_list.lms != lms:
        return None
    try:
        title = load_course().assignment(assignment).title
    except CourseError:  # not one of course.yaml's: its id alone names it
        title = ""
    return lms_roster.grade_column(class_list, assignment, title)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder.exports.lms_grades",
        description="Write an assignment's grades from nbgrader's gradebook as the CSV file an LMS imports.",
    )
    parser.add_argument(
        "--db",
        required=True,
        metavar="URL",
        help="the gradebook: sqlite:///PATH, or a server's (postgresql+psycopg://USER@HOST/DATABASE)",
    )
    parser.add_argument(
        "--roster",
        required=True,
        type=Path,
        metavar="CSV",
        help="the class: id,first_name,last_name,email (and optionally lms_user_id), or the LMS's own "
        "export (Canvas's gradebook, Moodle's participants or grades, Blackboard's Grade Center download)",
    )
    parser.add_argument("--assignment", required=True, metavar="ID")
    parser.add_argument("--lms", required=True, choices=sorted(FORMATS))
    parser.add_argument("--out", required=True, type=Path, metavar="FILE")
    parser.add_argument(
        "--column",
        metavar="NAME",
        help="the grade column's name, as the LMS's own export names it to update that column "
        "(default: the assignment's column in the --roster export from this LMS, else the "
        "assignment's id, which makes a new one)",
    )
    args = parser.parse_args(argv)
    try:
        class_list = lms_roster.read_class_list(args.roster)
        roster = class_list.entries
        column = args.column or export_column(class_list, args.lms, args.assignment)
        grades = assignment_grades(args.db, args.assignment)
        found = write(grades, roster, args.lms, args.out, column)
    except (LmsGradesError, DownloadError) as error:
        print(f"lms_grades: nothing written: {error}", file=sys.stderr)
        return 2
    for note in class_list.notes:
        print(f"lms_grades: {args.roster}, {note}", file=sys.stderr)
    for warning in found:
        print(f"lms_grades: warning: {warning}", file=sys.stderr)
    named = f", in the column {column!r}" if column else ""
    print(f"{args.out}: {len(roster)} students, {len(grades.scores)} with a grade{named}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
