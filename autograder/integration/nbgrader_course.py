"""A course folder of nbgrader's anywhere on disk, and the nbgrader commands run on it.

The commands run from the repository, so that its nbgrader_config.py applies (course id, cell
time limit, feedback without the hidden tests); options move the course's root to the folder,
and its gradebook to the folder's sqlite file or to the database given. Each command's output
goes to a log file of the folder.
"""

import csv
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from nbgrader.api import Gradebook, Student

from autograder import ROOT
from autograder.integration.gradebook_database import sqlite_url

SOURCE, RELEASE, SUBMITTED, AUTOGRADED, FEEDBACK = (
    "solutions",
    "assignments",
    "submitted",
    "autograded",
    "feedback",
)


class NbgraderFailed(RuntimeError):
    """An nbgrader command exited with an error; the message names it and its log."""


@dataclass(frozen=True)
class CourseFolder:
    root: Path
    runtime: Path | None = None  # where the gradebook, logs and shards go; default: root
    database: str | None = None  # the gradebook's database URL; default: the sqlite file gradebook

    @property
    def gradebook(self) -> Path:
        """The sqlite file that is the gradebook unless a database is given."""
        return (self.runtime or self.root) / "gradebook.db"

    @property
    def db_url(self) -> str:
        """The gradebook's database URL, as nbgrader and the kit open it."""
        return self.database or sqlite_url(self.gradebook)

    @property
    def logs(self) -> Path:
        return (self.runtime or self.root) / "logs"

    def notebook(self, step: str, student: str, assignment: str) -> Path:
        """The path of a student's notebook of the assignment in nbgrader's step (submitted, autograded, …)."""
        return self.root / step / student / assignment / f"{assignment}.ipynb"

    def write_submission(
        self,
        student: str,
        assignment: str,
        content: bytes,
        submitted_at: datetime,
        name: str | None = None,
    ) -> None:
        """Leave a submission as nbgrader's collect does: submitted/<student>/<assignment>/ with the released
        folder's other files, the notebook's content (bytes) as name (default <assignment>.ipynb), and timestamp.txt
        (submitted_at in UTC: an aware datetime in any zone, or a naive one in UTC)."""
        folder = self.root / SUBMITTED / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        # what nbgrader's collect brings: the whole folder
        for path in (self.root / RELEASE / assignment).iterdir():
            if path.is_file() and path.suffix != ".ipynb":
                (folder / path.name).write_bytes(path.read_bytes())
        # the notebook last: a rerun after a kill here finds it differs, and writes the folder again
        if submitted_at.tzinfo is not None:
            submitted_at = submitted_at.astimezone(UTC)
        (folder / "timestamp.txt").write_text(submitted_at.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
        (folder / (name or f"{assignment}.ipynb")).write_bytes(content)

    def start(
        self, *arguments: str | Path, log: str, db_url: str | None = None, session: bool = False
    ) -> "subprocess.Popen[bytes]":
        """Start ``nbgrader <arguments>`` on this course and its gradebook (or db_url's), writing into
        logs/<log>.log; return the Popen. With session, in a session of its own, so that its kernels
        and workers can be ended with it as one process group, and a signal to the caller's group
        does not reach them."""
        self.logs.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "nbgrader",
            *arguments,
            f"--CourseDirectory.root={self.root}",
            f"--CourseDirectory.db_url={db_url or self.db_url}",
        ]
        with open(self.logs / f"{log}.log", "ab") as output:
            return subprocess.Popen(
                [str(part) for part in command],
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
                env=nbgrader_environment(),
                start_new_session=session,
            )

    def import_students(self, roster: Path, course_id: str) -> None:
        """What ``nbgrader db student import roster`` does, in this process: each row's student
        created or updated with the row's columns that are nbgrader's (an empty cell is none). The
        command's start alone took a second of each round. A row without an id is refused before
        any student is written."""
        columns = set(Student.__table__.c.keys())
        with roster.open(encoding="utf-8", newline="") as file:
            rows = [
                {
                    key.strip(): value or None
                    for key, value in row.items()
                    if key and key.strip() in columns
                }
                for row in csv.DictReader(file)
            ]
        for line, fields in enumerate(rows, start=2):
            if not fields.get("id"):
                raise NbgraderFailed(f"{roster}, line {line}: no student id")
        with Gradebook(self.db_url, course_id) as book:
            for fields in rows:
                book.update_or_create_student(fields.pop("id"), **fields)

    def run(
        self, *arguments: str | Path, log: str, db_url: str | None = None, check: bool = True
    ) -> int:
        """Run ``nbgrader <arguments>`` to its end; NbgraderFailed if check and it failed. Returns its exit code."""
        code = self.start(*arguments, log=log, db_url=db_url).wait()
        if check and code != 0:
            raise NbgraderFailed(
                f"nbgrader {' '.join(map(str, arguments))} failed ({code}); see {self.logs / f'{log}.log'}"
            )
        return code


def nbgrader_environment() -> dict[str, str]:
    """The environment for running nbgrader: it calls the `alembic` command of its own Python's bin folder."""
    bin_folder = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": os.pathsep.join([bin_folder, os.environ.get("PATH", "")])}
