"""Feedback pages back into the LMS: per assignment, the file each LMS takes in bulk.

nbgrader's ``generate_feedback`` writes a page per submission to
``<course>/feedback/<student>/<assignment>/<assignment>.html``. A class that came as an LMS
download (``lms_download``) gets, per assignment, in the round's ``lms/`` folder:

- ``canvas_<assignment>_feedback.zip``, for Canvas's Assignments → the assignment →
  "Re-Upload Submissions". Canvas attaches each file of the zip to a submission as a comment
  ("See attached file"). It splits a file's name at ``_`` and takes the first two parts that are
  all digits as the user id and the id of the submitted file; a file whose ids name no file of
  that user's submission is ignored (canvas-lms, ``Assignment#infer_comment_context_from_filename``,
  https://github.com/instructure/canvas-lms/blob/master/app/models/assignment.rb; the Canvas
  Instructor Guide on uploading annotated files to submissions in bulk,
  https://community.canvaslms.com/t5/Instructor-Guide/tkb-p/Instructor). Each page is named
  after the file of the student's that was graded, its file part replaced:
  ``lifang_1002_71002_bp.ipynb`` → ``lifang_1002_71002_bp-feedback.html``. Canvas shows the
  attachment under the name of the submitted file it matched (``bp.ipynb``; canvas-lms issue
  2406, https://github.com/instructure/canvas-lms/issues/2406): tell students the comment's
  attachment is their feedback page, an HTML file.
- ``moodle_<assignment>_feedback.zip``, for Moodle's Assignment → View all submissions →
  Grading action → "Upload multiple feedback files in a zip". The assignment's Feedback types
  must have "Feedback files" enabled (https://docs.moodle.org/en/Assignment_settings, Feedback
  types; without it the action is not offered). Moodle assigns each file to the participant whose
  id is "the second part of each filename immediately after the users full name", the names its
  download gives (https://docs.moodle.org/en/Using_Assignment, Upload multiple feedback files in
  a zip; the form's help, mod/assign/feedback/file/lang/en/assignfeedback_file.php
  ``feedbackzip_help``; the reader, mod/assign/feedback/file/importziplib.php): an entry is
  ``<full name>_<participant id>_assignsubmission_file_/<assignment>-feedback.html``, or the flat
  ``..._assignsubmission_file_<assignment>-feedback.html`` when the download was flat.
- ``blackboard_<assignment>_feedback.csv``, for Blackboard Learn Original's Grade Center →
  Work Offline → Upload. Blackboard takes no feedback files in bulk there; its upload reads a
  column's feedback text from the columns its own download adds with "Include Comments for this
  Column" (https://help.blackboard.com/Learn/Instructor/Original/Grade/Grading_Tasks/Work_Offline_With_Grade_Data):
  "Username", the grade column, "Feedback to Learner" and "Feedback Format" (SMART_TEXT). So the
  file holds, per student of a Blackboard download, their total and each graded cell's score,
  naming their feedback page, which the instructor sends another way. The grade column is named
  as lms_grades names it (a new column; its download's "|<column id>" added to the header
  updates that column instead). It is written only when the scores are given.

Nothing is guessed: a student whose submission did not come from a download (a course folder
graded with ``--course``), a page the round's release check holds back (a leak), a missing page
and a page or folder that is a link are left out, each with a note. Pages are read with
``leftovers.read_regular`` (no link followed); each entry's name is checked against its LMS's rule
and read back with the kit's own ``lms_download.SCHEMES`` to the same LMS id.
"""

import csv
import os
import stat
import zipfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from autograder.exports import spreadsheet
from autograder.exports.lms_grades import blackboard_column
from autograder.exports.per_item import _number, net_score
from autograder.integration.nbgrader_course import FEEDBACK
from autograder.rounds import lms_download
from autograder.rounds.lms_download import Arrival
from autograder.sandbox import leftovers

# How the entries are described in the round's summary
UPLOAD = {
    "Canvas": "Canvas: Assignments → the assignment → Re-Upload Submissions",
    "Moodle": "Moodle: View all submissions → Grading action → Upload multiple feedback files in a zip",
    "Blackboard": "Blackboard: Grade Center → Work Offline → Upload",
}
BLACKBOARD_COLUMNS = ("Username", "Feedback to Learner", "Feedback Format")
BLACKBOARD_FORMAT = "SMART_TEXT"


@dataclass(frozen=True)
class Scored:
    """A submission's scores: its total (late penalty taken off), the assignment's points, and each graded cell's."""

    score: float
    points: float
    cells: tuple[
        tuple[str, float | None, float], ...
    ] = ()  # (cell, score or None awaiting a person, its points)


@dataclass
class FeedbackArchives:
    """What was written: {file: how many students' feedback it holds}, and a note on everyone left out."""

    written: dict[Path, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """One line per file written, then the notes."""
        lms_of = {lms.lower(): lms for lms in UPLOAD}  # the files are named <lms>_…
        return [
            f"{path.name}: feedback of {count} students, for {UPLOAD[lms_of[path.name.split('_')[0]]]}"
            for path, count in self.written.items()
        ] + self.notes


def write_feedback_archives(
    course_root: Path,
    chosen: Mapping[tuple[str, str], Arrival],
    out: Path,
    withheld: Collection[tuple[str, str]] = (),
    assignments: Iterable[str] = (),
    scores: Mapping[tuple[str, str], Scored] | None = None,
) -> FeedbackArchives:
    """Write each LMS's feedback file of each assignment to ``out``: the LMSs its graded submissions came from.

    ``chosen`` is the round's ``Sorting.chosen`` ({(student, assignment): Arrival});
    ``withheld`` the (student, assignment) pages the release check holds back; ``assignments``
    those to look at besides chosen's (a student with a page there but no arrival is noted);
    ``scores`` the Blackboard file's (``gradebook_scores``).
    """
    course_root, out, held = Path(course_root), Path(out), set(withheld)
    result = FeedbackArchives()
    for assignment in sorted({a for _, a in chosen} | set(assignments)):
        entries: dict[str, dict[str, bytes]] = {"Canvas": {}, "Moodle": {}}
        rows: list[list[str]] = []
        points = 0.0
        arrived = {s: arrival for (s, a), arrival in chosen.items() if a == assignment}
        for student in sorted(_students_with_pages(course_root, assignment) - set(arrived)):
            result.notes.append(
                f"{student} {assignment}: graded from the course folder, not from a download: "
                "the LMS's name for them is not known; their feedback page is not in an LMS file"
            )
        for student, arrival in sorted(arrived.items()):
            what = f"{student} {assignment}"
            if (student, assignment) in held:
                result.notes.append(f"{what}: feedback held back by the release check: left out")
                continue
            try:
                page = _page(course_root, student, assignment)
            except (OSError, ValueError) as error:
                result.notes.append(f"{what}: {error}: left out")
                continue
            if (
                arrival.lms is None
            ):  # sort chooses only what an LMS named; an arrival made otherwise
                result.notes.append(f"{what}: named by no LMS: left out")
                continue
            if arrival.lms == "Blackboard":
                if scores is None:
                    result.notes.append(f"{what}: Blackboard's file needs the scores: left out")
                elif (student, assignment) in scores:
                    scored = scores[(student, assignment)]
                    rows.append(_blackboard_row(arrival, assignment, scored))
                    points = scored.points
                else:
                    result.notes.append(f"{what}: no score in the gradebook: left out")
                continue
            try:
                name = entry_name(arrival, assignment)
            except ValueError as error:
                result.notes.append(f"{what}: {error}: left out")
                continue
            entries[arrival.lms][name] = page
        for lms, named in entries.items():
            if named:
                path = out / f"{lms.lower()}_{assignment}_feedback.zip"
                _write_zip(path, named)
                result.written[path] = len(named)
        if rows:
            path = out / f"blackboard_{assignment}_feedback.csv"
            _write_blackboard(path, assignment, points, rows)
            result.written[path] = len(rows)
    return result


def entry_name(arrival: Arrival, assignment: str) -> str:
    """The name of the student's feedback page in their LMS's zip: the arrival's name with its file part replaced.

    ValueError when the name would not be the LMS's or would not read back to the same student.
    """
    if arrival.lms not in ("Canvas", "Moodle"):
        raise ValueError(f"{arrival.lms or 'no LMS'} takes no feedback files in a zip")
    found = lms_download.SCHEMES[arrival.lms].search(arrival.path)
    if not found or found.group("lms_id") != arrival.lms_id:
        raise ValueError(f"{arrival.path!r} is not named as {arrival.lms} names a file")
    matched = found.group(0).lstrip("/")
    name = matched[: len(matched) - len(found.group("file"))] + f"{assignment}-feedback.html"
    _check(name, arrival)
    return name


def _check(name: str, arrival: Arrival) -> None:
    """Refuse a name that is not a plain relative path of the LMS's scheme, or that its LMS would give another student."""
    parts = name.split("/")
    if (
        name.startswith("/")
        or "\\" in name
        or any(part in ("", ".", "..") or part.startswith((".", "~")) for part in parts)
        or any(ord(c) < 32 for c in name)
        or len(parts) > (2 if arrival.lms == "Moodle" else 1)
    ):
        raise ValueError(f"the entry name {name!r} is not a plain file name of {arrival.lms}'s")
    named = lms_download.read_name(name)
    if named is None or named[:2] != (arrival.lms, arrival.lms_id):
        raise ValueError(f"the entry name {name!r} would not read back as {arrival.who}")
    if arrival.lms == "Canvas":
        # Canvas's rule: the first two all-digit parts between _ are the user's id and their file's
        ids = [part for part in name.split("_") if part.isdigit()][:2]
        if len(ids) < 2 or ids[0] != arrival.lms_id:
            raise ValueError(f"Canvas would not read the user id {arrival.lms_id} from {name!r}")


def _students_with_pages(course_root: Path, assignment: str) -> set[str]:
    """The students with a feedback folder of the assignment (links included: they are noted, not followed)."""
    folder = course_root / FEEDBACK
    if not folder.is_dir() or folder.is_symlink():
        return set()
    return {
        entry.name
        for entry in folder.iterdir()
        if os.path.lexists(entry / assignment) and not entry.is_symlink()
    }


def _feedback_folder(course_root: Path, student: str, assignment: str) -> Path:
    """The student's feedback folder of the assignment; ValueError when it is missing or a link (or anything but a folder) is on its way."""
    path = Path(course_root)
    for part in (FEEDBACK, student, assignment):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            raise ValueError(
                f"no feedback page ({path.relative_to(course_root)} is missing)"
            ) from None
        if not stat.S_ISDIR(mode):
            kind = leftovers.kind_of_mode(mode) or "not a folder"
            raise ValueError(f"{path.relative_to(course_root)} is {kind}: not followed")
    return path


def _page(course_root: Path, student: str, assignment: str) -> bytes:
    """The bytes of the student's feedback page; ValueError naming a link on its way or a missing page."""
    folder = _feedback_folder(course_root, student, assignment)
    relative = Path(FEEDBACK, student, assignment, f"{assignment}.html")
    try:
        return leftovers.read_regular(folder / relative.name)
    except leftovers.NotRegular as error:
        raise ValueError(
            f"the feedback page is not a regular file ({error}): not followed"
        ) from None
    except FileNotFoundError:
        raise ValueError(f"no feedback page ({relative} is missing)") from None


def _write_zip(path: Path, entries: Mapping[str, bytes]) -> None:
    """A zip of regular files (mode 0644), written anew."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(entries.items()):
            info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)


def feedback_text(assignment: str, scored: Scored) -> str:
    """The short feedback a Blackboard student reads: the total, each graded cell's score, and the page's name."""
    cells = "; ".join(
        f"{cell} {'awaiting grading' if score is None else _number(score)} of {_number(points)}"
        for cell, score, points in scored.cells
    )
    awaiting = sum(points for _, score, points in scored.cells if score is None)
    total = (
        f"{assignment}: {_number(scored.score)} of the {_number(scored.points - awaiting)} points "
        f"graded so far; {_number(awaiting)} more await a grader"
        if awaiting
        else f"{assignment}: {_number(scored.score)} of {_number(scored.points)} points"
    )
    return (
        total
        + (f". {cells}" if cells else "")
        + f". Your feedback page is {assignment}.html, which your instructor sends you."
    )


def _blackboard_row(arrival: Arrival, assignment: str, scored: Scored) -> list[str]:
    awaiting = any(score is None for _, score, _ in scored.cells)
    return [
        arrival.lms_id,
        # no grade while a derivation awaits a person, as in lms_grades' file
        "" if awaiting else _number(scored.score),
        feedback_text(assignment, scored),
        BLACKBOARD_FORMAT,
    ]


def _write_blackboard(path: Path, assignment: str, points: float, rows: list[list[str]]) -> None:
    header = [BLACKBOARD_COLUMNS[0], blackboard_column(assignment, points), *BLACKBOARD_COLUMNS[1:]]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = spreadsheet.writer(file, quoting=csv.QUOTE_ALL)
        writer.writerows([header, *sorted(rows)])


def gradebook_scores(db_url: str, assignments: Iterable[str]) -> dict[tuple[str, str], Scored]:
    """{(student, assignment): Scored} of every submission of the assignments in the gradebook at db_url."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(db_url) as book:
        for assignment in assignments:
            points = book.find_assignment(assignment).max_score
            for submission in book.assignment_submissions(assignment):
                cells = tuple(
                    (
                        grade.name,
                        None if grade.needs_manual_grade else grade.score,
                        grade.max_score,
                    )
                    for notebook in submission.notebooks
                    for grade in sorted(notebook.grades, key=lambda g: g.name)
                )
                found[(submission.student_id, assignment)] = Scored(
                    net_score(submission.score, submission.late_submission_penalty), points, cells
                )
    return found


def held_back(
    course_root: Path,
    db_url: str,
    chosen: Collection[tuple[str, str]],
    withheld: Iterable[tuple[str, str, str]],
    environment: Mapping[str, str],
) -> set[tuple[str, str]]:
    """The (student, assignment) pages to leave out: the round's withheld, and any chosen page the release check finds leaking now.

    A page generated in an earlier run was checked then; it is checked again here, since the zip sends it.
    """
    from autograder.integration import feedback_check

    held = {(student, assignment) for student, assignment, *_ in withheld}
    for assignment in sorted({a for _, a in chosen}):
        folders: dict[str, Path] = {}
        for student in sorted(s for s, a in chosen if a == assignment):
            try:
                folders[student] = _feedback_folder(Path(course_root), student, assignment)
            except ValueError:  # no page, or a link: left out of the files all the same
                continue
        pages = {s: p for s, p in feedback_check.pages_of(folders).items() if p}
        leaking = feedback_check.check_pages(pages, course_root, assignment, db_url, environment)
        held |= {(student, assignment) for student in leaking}
    return held
