"""Grading a notebook while nbgrader starts its kernel: ``start`` in nbgrader's process, ``report`` in the kernel.

A notebook's first graded cell waits for the notebook's grade (``nbgrader_cell.hidden_score``),
which the kit's grader computes out of the kernel. nbgrader starts a kernel per notebook, and
that start keeps one core busy for about a second: the ``StartGrading`` preprocessor
(start_grading.py), run by nbgrader just before its ``Execute``, starts the grading of the
notebook file then, in a thread of nbgrader's process, so that a second core grades meanwhile.

Each report goes to a folder of its own in a folder of nbgrader's process, named by the
SHA-256 of the notebook file and the student (``report_folder``): the kernel of that notebook
may read that one folder and nothing else of nbgrader's (confined_kernel.py). The grading holds
a lock on the folder's ``lock`` file until it ends; ``report`` waits on that lock and gives the
report only for the very file the kernel is executing; otherwise the cell grades the notebook
itself, as it does where nobody started grading early. This module imports only the standard
library and the kit's leftovers.py (the grader's modules when a grading starts): the autograde
kernel has a copy.
"""

import atexit
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

from autograder.sandbox import leftovers

FOLDER_VARIABLE = "AUTOGRADER_EARLY_GRADES"  # kernels inherit nbgrader's environment
POLL_SECONDS = 0.01
NICENESS = 10  # the kernel's start comes first: the grading takes the time the kernel leaves


def start(notebook: str | Path, student: str, assignment: str, attempt_log: Path) -> Path:
    """Start grading the notebook file in the background; return the report's folder, where ``report`` finds it.

    The grading reads a copy, made now in the report's folder, where the kernel about to start
    cannot write: the file itself is in the kernel's folder. ``attempt_log``: the course's folder
    of the students' attempts (grading/attempts.py). Raises ``leftovers.NotRegular`` when the
    notebook is not a regular file.
    """
    content = leftovers.read_regular(notebook)
    folder = report_folder(hashlib.sha256(content).hexdigest(), student)
    folder.mkdir(mode=0o755, exist_ok=True)
    copy = folder / Path(notebook).name
    copy.write_bytes(content)
    lock = open(folder / "lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)  # held by the grading until it ends
    threading.Thread(
        target=_grade,
        args=(lock, copy, student, assignment, folder / "report.json", attempt_log),
        name=f"early grading of {student}",
        daemon=True,  # at nbgrader's exit a grading nobody waited for is dropped: its worker reads the end of its pipe and exits
    ).start()
    return folder


def _grade(
    lock: IO[str], copy: Path, student: str, assignment: str, out: Path, attempt_log: Path
) -> None:
    """Grade the copy and write its report, then release the lock; no report when grading fails.

    A thread of nbgrader's process, not a process of its own: the kit's modules (NumPy and the
    course) are imported once per nbgrader run, not once per notebook. The thread runs niced
    (Linux sets a thread's nice value alone), and so does the worker it starts, which inherits it.
    """
    # here: the autograde kernel's copy of this module does no grading
    from autograder.cli import write_json
    from autograder.grading.grader import grade

    with lock:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
        try:
            report = grade([copy], student, assignment, attempt_log=attempt_log)
        except Exception:  # the cell grades the notebook again and says why
            return
        write_json(out, report.to_dict())


def report(digest: str, student: str, timeout: float) -> dict[str, Any] | None:
    """The report of the grading started early for the file of this digest and this student, once it ended; else None."""
    if not os.environ.get(FOLDER_VARIABLE):
        return None
    folder = Path(os.environ[FOLDER_VARIABLE]) / _name(digest, student)
    try:
        lock = open(folder / "lock")
    except OSError:  # nobody started grading this file: it was changed, or is graded elsewhere
        return None
    with lock:
        deadline = time.monotonic() + timeout
        while not _locked_shared(lock):
            if time.monotonic() > deadline:
                return None
            time.sleep(POLL_SECONDS)
    try:
        graded = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):  # the early grading failed: the cell grades again and says why
        return None
    return graded if graded.get("student") == student else None


def digest_of(notebook: str | Path) -> str:
    """The SHA-256 of the notebook file's bytes; ``leftovers.NotRegular`` when it is a link or a pipe."""
    return hashlib.sha256(leftovers.read_regular(notebook)).hexdigest()


def report_folder(digest: str, student: str) -> Path:
    """In nbgrader's process: the folder of the report on the file of this digest for this student."""
    return _folder() / _name(digest, student)


def _name(digest: str, student: str) -> str:
    """A folder name for the file's digest and the student: two students may hand in the same file."""
    return hashlib.sha256(f"{digest}\x1f{student}".encode()).hexdigest()


def _locked_shared(lock: IO[str]) -> bool:
    try:
        fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _folder() -> Path:
    """This process's report folder, made at the first notebook and removed at exit; kernels learn it from the environment."""
    folder = os.environ.get(FOLDER_VARIABLE)
    if folder and Path(folder).is_dir():
        return Path(folder)
    folder = tempfile.mkdtemp(prefix="early-grades-")
    os.chmod(folder, 0o755)
    os.environ[FOLDER_VARIABLE] = folder
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(folder)
