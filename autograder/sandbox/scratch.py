"""A worker's scratch folder: copies of the worker, its confinement and params.py, the submission, and a tmp/
the worker alone may write in; owned so that the unprivileged user the worker runs as can work there."""

import os
import pwd
import shutil
import tempfile
from pathlib import Path
from typing import TypedDict

from autograder import ROOT

WORKER_FILE = Path(__file__).with_name("worker.py")
CONFINEMENT_FILE = Path(__file__).with_name("confinement.py")
PARAMS_FILE = ROOT / "student" / "params.py"  # the network's Params, as the students import it
UNPRIVILEGED_USER = "nobody"  # the worker's user when the grader runs as root


class UserArguments(TypedDict, total=False):
    """Popen's keyword arguments that choose the user a process runs as."""

    user: int
    group: int
    extra_groups: list[int]


class Scratch:
    """A temporary folder with copies of the worker and of the submission's source, readable by the worker's user.

    Its tmp/ is the one folder the worker may write to (its HOME and TMPDIR). The source may
    be given now or, once a worker has started, by ``write_submission``.
    """

    def __init__(self, source: str | None = None) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="grade-"))
        self.path.chmod(0o755)
        for file in (WORKER_FILE, CONFINEMENT_FILE, PARAMS_FILE):
            shutil.copy(file, self.path / file.name)
            (self.path / file.name).chmod(0o644)
        if source is not None:
            self.write_submission(source)
        self.tmp.mkdir()
        if dropping_privileges():
            worker_user = user_arguments()
            os.chown(self.tmp, worker_user["user"], worker_user["group"])

    @property
    def tmp(self) -> Path:
        return self.path / "tmp"

    def write_submission(self, source: str) -> None:
        """The source the worker loads: written before ``Worker.load``."""
        (self.path / "submission.py").write_text(source, encoding="utf-8")
        (self.path / "submission.py").chmod(0o644)

    def __enter__(self) -> "Scratch":
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def dropping_privileges() -> bool:
    return os.geteuid() == 0


def user_arguments() -> UserArguments:
    """Popen's arguments that run the worker as an unprivileged user when the grader is root."""
    if not dropping_privileges():
        return {}
    user = pwd.getpwnam(UNPRIVILEGED_USER)
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
