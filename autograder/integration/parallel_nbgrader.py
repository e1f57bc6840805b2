"""nbgrader's per-student steps, `autograde` and `generate_feedback`, in N parallel shards.

nbgrader grades one submission after another. Here the students are dealt round-robin to N
shards, each nbgrader's own command told by its `student_id_exclude` to leave everyone else
out. Autograde writes the gradebook. A server's database (PostgreSQL) takes many writers: every
shard writes into the gradebook itself. sqlite takes one writer at a time: each shard works on
a copy of it, and then its grades are written into the gradebook through nbgrader's Gradebook
API, giving the results of a serial run. Feedback only reads the gradebook. With one job
nbgrader runs as it is, on the gradebook itself.

Where a shard runs is the runner's: ``LOCAL``, an nbgrader process of this machine, or a task of a
Dask cluster (``dask_shards``), whose lost attempts must not have written the gradebook itself.

A submission nbgrader fails on is reported and leaves no half-graded submission behind: the
gradebook holds, per student, a fully autograded submission or none. A Markdown answer cell
(a derivation people grade) has no automatic score: it stays "needs manual grade" for
formgrader. A graded cell that the student deleted scores 0 and leaves the rest of the
submission as graded.
"""

import re
import shutil
import subprocess
import time
import warnings
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

from autograder.integration import gradebook_provenance, kernel_folder
from autograder.integration.gradebook_database import sqlite_url, takes_many_writers
from autograder.integration.nbgrader_course import (
    AUTOGRADED,
    FEEDBACK,
    CourseFolder,
    NbgraderFailed,
)

MANUAL_CELL_TYPE = (
    "markdown"  # nbgrader's graded cells of this type have no automatic score: people grade them
)
# how often to look for an ended run, and to report progress
CHECK_SECONDS, PROGRESS_SECONDS = (
    0.1,
    2,
)
STUDENT_COLUMNS = ("first_name", "last_name", "email", "lms_user_id")
SUBMISSION_COLUMNS, NOTEBOOK_COLUMNS = (
    ("timestamp", "extension"),
    ("flagged", "late_submission_penalty"),
)
GRADE_COLUMNS, COMMENT_COLUMNS = (
    ("auto_score", "manual_score", "extra_credit", "needs_manual_grade"),
    ("auto_comment", "manual_comment"),
)


Progress = Callable[[int, int], object]  # progress(done, total)


class ShardRun(Protocol):
    """A shard's run: ``poll()`` None while it runs, then its exit code; db_url the gradebook it wrote,
    known once it ended."""

    db_url: str | None

    def poll(self) -> int | None: ...

    def wait(self) -> int: ...


class ShardRunner(Protocol):
    """Where shards run: ``LOCAL`` or a ``dask_shards.DaskShards``."""

    copies_gradebook: bool

    def start(
        self,
        course: CourseFolder,
        arguments: Sequence[str],
        log: str,
        db_url: str | None = None,
    ) -> ShardRun: ...


@dataclass
class LocalRun:
    """A shard's nbgrader process on this machine, and the URL of the gradebook it writes."""

    process: subprocess.Popen[bytes]
    db_url: str | None

    def poll(self) -> int | None:
        return self.process.poll()

    def wait(self) -> int:
        return self.process.wait()


class LocalShards:
    """Runs each shard as an nbgrader process of this machine; a lone shard on the gradebook itself."""

    copies_gradebook = False

    def start(
        self,
        course: CourseFolder,
        arguments: Sequence[str],
        log: str,
        db_url: str | None = None,
    ) -> LocalRun:
        """Start ``nbgrader <arguments>`` (writing the gradebook at db_url, default the course's); a run with poll(), wait(), db_url."""
        return LocalRun(course.start(*arguments, log=log, db_url=db_url), db_url)


LOCAL = LocalShards()


def autograde(
    course: CourseFolder,
    assignment: str,
    students: Collection[str],
    everyone: Iterable[str],
    jobs: int = 1,
    progress: Progress | None = None,
    options: Sequence[str] = (),
    graded: Callable[[list[str]], object] | None = None,
    runner: ShardRunner = LOCAL,
) -> dict[str, str]:
    """Autograde the assignment of ``students`` (ids; ``everyone`` are all the roster's); return {student: reason} of failures.

    progress(done, total) is called as submissions are graded; graded(students) with the students of
    each shard as soon as their grades are in the gradebook; options are added to each nbgrader command;
    runner starts each shard (LOCAL, or a dask_shards.DaskShards).
    """
    shards, total = _shards(students, jobs), len(students)
    if not shards:
        return {}
    # a server takes many writers; a lost cluster attempt must not have written the sqlite file itself
    shared = takes_many_writers(course.db_url) or (len(shards) == 1 and not runner.copies_gradebook)
    _create_kit_tables(course.db_url)  # before the shards' copies, which then have them too
    runs: list[tuple[ShardRun, list[str]]] = []
    finished = _Finished(AUTOGRADED, assignment, "ipynb", writes=2)
    for number, shard in enumerate(shards):
        db_url = course.db_url if shared else _shard_gradebook(course, assignment, number)
        log = f"autograde-{assignment}" + ("" if len(shards) == 1 else f"-{number}")
        finished.follow(course.logs / f"{log}.log")
        arguments = ("autograde", assignment, _only(shard, everyone), "--force", *options)
        runs.append((runner.start(course, arguments, log, db_url), shard))
    failures: dict[str, str] = {}
    running, reported = runs, time.monotonic()
    while running:
        ended = [run for run in running if run[0].poll() is not None]
        running = [run for run in running if run not in ended]
        for run, shard in ended:  # merged while the other shards still run
            # the gradebook the run wrote: on a cluster, that of the attempt that completed
            written = run.db_url
            assert written is not None  # every shard of autograde is given its gradebook
            failures.update(_unfinished(course, written, assignment, shard))
            if written != course.db_url:
                _merge(written, course.db_url, assignment, set(shard) - set(failures))
            if graded:
                graded(sorted(set(shard) - set(failures)))
        if running and not ended:
            time.sleep(CHECK_SECONDS)
        if progress and time.monotonic() - reported >= PROGRESS_SECONDS:
            progress(finished(), total)
            reported = time.monotonic()
    if progress:
        progress(total - len(failures), total)
    return failures


def generate_feedback(
    course: CourseFolder,
    assignment: str,
    students: Collection[str],
    everyone: Iterable[str],
    jobs: int = 1,
    progress: Progress | None = None,
    runner: ShardRunner = LOCAL,
) -> None:
    """`nbgrader generate_feedback` of the assignment for the students, in parallel shards started by
    runner; progress(done, total) is called as pages are written."""
    runs: list[ShardRun] = []
    finished = _Finished(FEEDBACK, assignment, "html", writes=1)
    for number, shard in enumerate(_shards(students, jobs)):
        log = f"generate_feedback-{assignment}-{number}"
        finished.follow(course.logs / f"{log}.log")
        arguments = ("generate_feedback", assignment, _only(shard, everyone), "--force")
        runs.append(runner.start(course, arguments, log))
    reported = time.monotonic()
    while any(run.poll() is None for run in runs):
        time.sleep(CHECK_SECONDS)
        if progress and time.monotonic() - reported >= PROGRESS_SECONDS:
            progress(finished(), len(students))
            reported = time.monotonic()
    if progress and students:
        progress(finished(), len(students))
    failed = [number for number, run in enumerate(runs) if run.wait() != 0]
    if failed:
        raise NbgraderFailed(
            f"nbgrader generate_feedback {assignment} failed; see {course.logs}/generate_feedback-{assignment}-{failed[0]}.log"
        )


def _shards(students: Iterable[str], jobs: int) -> list[list[str]]:
    """The students dealt round-robin to at most ``jobs`` non-empty shards."""
    ordered = sorted(students)
    return [ordered[k::jobs] for k in range(min(jobs, len(ordered)))]


def _only(shard: Iterable[str], everyone: Iterable[str]) -> str:
    """nbgrader's option that leaves out everyone not in the shard."""
    return f"--CourseDirectory.student_id_exclude={','.join(sorted(set(everyone) - set(shard)))}"


def _shard_gradebook(course: CourseFolder, assignment: str, number: int) -> str:
    """The URL of a copy of the course's sqlite gradebook for the shard."""
    path = course.gradebook.parent / "shards" / f"{assignment}-{number}.db"
    path.parent.mkdir(exist_ok=True)
    shutil.copyfile(course.gradebook, path)
    return sqlite_url(path)


def _create_kit_tables(db_url: str) -> None:
    """The kit's tables and indexes, made before the shards write: two shards' first writes would race to make them."""
    with Gradebook(db_url) as book:
        gradebook_provenance.create_tables(book)
        book.db.commit()


class _Finished:
    """How many submissions nbgrader's runs have done so far, read from what their logs gained since the last call.

    nbgrader logs "Writing N bytes to …/<folder>/<student>/<assignment>/<assignment>.<suffix>"
    ``writes`` times per submission (autograde twice: sanitized, then executed; feedback once);
    a submission is done at its last write, or once its run has gone on to another one. Each
    call reads only the new lines, so following a long run costs what its log holds, once.
    """

    def __init__(self, folder: str, assignment: str, suffix: str, writes: int) -> None:
        name = re.escape(assignment)
        self.pattern = re.compile(
            rf"Writing \d+ bytes to (.*/{folder}/[^/]+/{name}/{name}\.{suffix})".encode()
        )
        self.writes = writes
        self.logs: list[list[Any]] = []  # [[path, offset read to, {file: writes}, last file]]

    def follow(self, path: Path) -> None:
        """Count the log's lines from its present end (a log is appended to by each run)."""
        self.logs.append([path, path.stat().st_size if path.exists() else 0, Counter(), None])

    def __call__(self) -> int:
        done = 0
        for log in self.logs:
            path, offset, counts, _ = log
            try:
                with open(path, "rb") as file:
                    file.seek(offset)
                    new = file.read()
            except FileNotFoundError:  # a cluster's shard whose worker has not started it yet
                continue
            whole = new[: new.rfind(b"\n") + 1]  # a line being written is read next time
            log[1] = offset + len(whole)
            for match in self.pattern.finditer(whole):
                counts[match[1]] += 1
                log[3] = match[1]
            done += len(counts) - (log[3] is not None and counts[log[3]] < self.writes)
        return done


def _unfinished(
    course: CourseFolder, db_url: str, assignment: str, students: Iterable[str]
) -> dict[str, str]:
    """{student: reason} of the students without a fully autograded submission; a half-made one is removed.

    Fully autograded: every graded cell scored and the autograded notebook written (nbgrader saves
    the grades before it writes the notebook, and removes the folder when what follows fails).

    A Markdown answer cell that the student answered has no automatic score: nbgrader leaves it
    for a person, and so does this. A graded cell that the student deleted is no failure of
    nbgrader's: nbgrader leaves its score empty; it gets 0 here, as nbgrader gives an empty
    answer, and nothing to grade by hand; the cross-check then finds an item's own score out of
    the kernel.
    """
    failures: dict[str, str] = {}
    with Gradebook(db_url) as book:
        for student in students:
            try:
                submission = book.find_submission(assignment, student)
            except MissingEntry:
                failures[student] = "nbgrader made no submission of it"
                continue
            ungraded = [
                grade
                for notebook in submission.notebooks
                for grade in notebook.grades
                if grade.auto_score is None
            ]
            deleted = _deleted_cells(
                course.notebook(AUTOGRADED, student, assignment), {grade.name for grade in ungraded}
            )
            if any(
                grade.name not in deleted and grade.cell_type != MANUAL_CELL_TYPE
                for grade in ungraded
            ):
                book.remove_submission(assignment, student)
                failures[student] = (
                    kernel_folder.refusal(course.root, assignment, student)
                    or "nbgrader could not autograde it"
                )
                continue
            if not course.notebook(AUTOGRADED, student, assignment).is_file():
                # nbgrader failed after SaveAutoGrades (writing, chmod-ing) and removed its folder
                book.remove_submission(assignment, student)
                failures[student] = (
                    "nbgrader saved its grades, then failed and removed its autograded notebook: "
                    "its grades are taken out; see nbgrader's log"
                )
                continue
            for grade in ungraded:
                if grade.name in deleted:
                    grade.auto_score, grade.needs_manual_grade = 0.0, False
        book.db.commit()
    return failures


def _deleted_cells(notebook: Path, grade_ids: Iterable[str]) -> set[str]:
    """Those of the grade ids whose cells the autograded notebook lacks; none when nbgrader wrote no notebook."""
    try:
        cells = nbformat.read(notebook, as_version=4).cells
    except (OSError, ValueError):  # no notebook, or an unreadable one: nbgrader did not finish it
        return set()
    present = {cell.metadata.get("nbgrader", {}).get("grade_id") for cell in cells}
    return set(grade_ids) - present


def _merge(shard_url: str, db_url: str, assignment: str, students: Collection[str]) -> None:
    """Write the shard's submissions of the students into the gradebook, column by column, and their provenance
    (each gradebook a database URL)."""
    with (
        Gradebook(shard_url) as shard,
        Gradebook(db_url) as book,
        warnings.catch_warnings(),
    ):
        # nbgrader's update_or_create_submission makes SQLAlchemy warn of its own autoflush; the rows are right
        warnings.simplefilter("ignore", SAWarning)
        for student in sorted(students):
            # a student nbgrader's autograde added to the shard's gradebook (a submitted/ folder not on the roster)
            book.update_or_create_student(
                student, **_columns(shard.find_student(student), STUDENT_COLUMNS)
            )
            source = shard.find_submission(assignment, student)
            book.update_or_create_submission(
                assignment, student, **_columns(source, SUBMISSION_COLUMNS)
            )
            for notebook in source.notebooks:
                target = book.find_submission_notebook(notebook.name, assignment, student)
                _copy(notebook, target, NOTEBOOK_COLUMNS)
                _copy_rows(notebook.grades, target.grades, GRADE_COLUMNS)
                _copy_rows(notebook.comments, target.comments, COMMENT_COLUMNS)
        gradebook_provenance.copy_records(shard, book, assignment, students)
        book.db.commit()


def _columns(row: object, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def _copy_rows(sources: Iterable[Any], targets: Iterable[Any], names: Iterable[str]) -> None:
    """Each source row's columns onto the target row of its cell.

    Matched by cell id, not by name: a row's name is its cell's, which nbgrader loads with a query
    a row (0.7 s of CPU for two shards of 8 bp notebooks). The shard's gradebook is a copy of the course's,
    made after the assignment's cells: their ids are the same.
    """
    by_cell = {row.cell_id: row for row in targets}
    for row in sources:
        _copy(row, by_cell[row.cell_id], names)


def _copy(source: object, target: object, names: Iterable[str]) -> None:
    for name, value in _columns(source, names).items():
        setattr(target, name, value)
