"""The course's JupyterHub started as an instructor starts it (``python3 tasks.py hub``), for the hub's tests."""

import contextlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder import ROOT
from autograder.hub.course_folder import forget
from autograder.hub.layout import HubLayout, student_names
from autograder.hub.running import HubFailed, free_port, running

# Every account must enter the folders on the way to the hub's (the grading account reads the
# course folder there): /var/tmp is open to all, and the students' Python made there by the first
# run is kept for the next (making it takes two minutes).
HUB_ROOT = Path("/var/tmp/ml-ch5-hub-test")
INSTRUCTOR = "ch5-instructor"
# the first start makes the students' Python: pip installs JupyterLab, nbgrader and JupyterHub
START_SECONDS = 900

needs_hub = pytest.mark.skipif(
    sys.platform != "linux"
    or os.geteuid() != 0
    or not Path("/usr/bin/bwrap").exists()
    or shutil.which("npm") is None,
    reason="the hub makes system accounts and confines servers: it needs Linux, root, bubblewrap "
    "and npm (python3 tasks.py test installs the last two when run as root)",
)


@dataclass(frozen=True)
class Hub:
    url: str
    layout: HubLayout
    passwords: dict[str, str]

    @property
    def students(self) -> list[str]:
        return sorted(name for name in self.passwords if name != INSTRUCTOR)


@contextlib.contextmanager
def running_hub(log: Path, students: int = 2) -> Iterator[Hub]:
    """The hub at HUB_ROOT, made anew with ``students`` student accounts, on a free port; stopped after."""
    layout = HubLayout(HUB_ROOT)
    forget(layout, [INSTRUCTOR, *student_names(students)])
    port = free_port()
    command = [sys.executable, ROOT / "tasks.py", "hub", "--root", HUB_ROOT, "--port", str(port)]
    command += ["--students", str(students), "--instructor", INSTRUCTOR]
    url = f"http://127.0.0.1:{port}"
    try:
        with running(command, url, log, START_SECONDS):
            passwords = json.loads((layout.state / "passwords.json").read_text(encoding="utf-8"))
            yield Hub(url, layout, passwords)
    except HubFailed as error:
        pytest.fail(str(error))
