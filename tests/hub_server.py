"""The course's JupyterHub started as an instructor starts it (``python3 tasks.py hub``), for the hub's tests."""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lab_server import free_port

from autograder import ROOT
from autograder.hub import accounts
from autograder.hub.layout import HubLayout

# Every account must enter the folders on the way to the hub's (the grading account reads the
# course folder there): /var/tmp is open to all, and the students' Python made there by the first
# run is kept for the next (making it takes two minutes).
HUB_ROOT = Path("/var/tmp/ml-ch5-hub-test")
INSTRUCTOR = "ch5-instructor"
# the first start makes the students' Python: pip installs JupyterLab, nbgrader and JupyterHub
START_SECONDS = 900

needs_hub = pytest.mark.skipif(
    os.geteuid() != 0
    or not Path("/usr/bin/bwrap").exists()
    or shutil.which("npm") is None
    or sys.platform != "linux",
    reason="the hub makes system accounts and confines servers: it needs Linux, root, bubblewrap "
    "and npm (python3 tasks.py test installs the last two when run as root)",
)


@dataclass(frozen=True)
class Hub:
    url: str
    layout: HubLayout
    passwords: dict[str, str]
    log: Path

    @property
    def students(self) -> list[str]:
        return sorted(name for name in self.passwords if name != INSTRUCTOR)


def students_of(count: int) -> list[str]:
    """The student accounts ``python -m autograder.hub --students count`` makes."""
    return [f"student{number:02d}" for number in range(1, count + 1)]


def forget(layout: HubLayout, students: int) -> None:
    """Start from nothing but the students' Python: no accounts, course, exchange or hub state left."""
    for name in [INSTRUCTOR, *students_of(students)]:
        accounts.remove_user(name)
    for folder in (layout.exchange, layout.course, layout.state):
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def running_hub(log: Path, students: int = 2) -> Iterator[Hub]:
    """The hub at HUB_ROOT with ``students`` student accounts, on a free port, stopped after."""
    layout = HubLayout(HUB_ROOT)
    forget(layout, students)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log, "wb") as output:
        hub = subprocess.Popen(
            [sys.executable, ROOT / "tasks.py", "hub", "--root", HUB_ROOT, "--port", str(port)]
            + ["--students", str(students), "--instructor", INSTRUCTOR],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(hub, url, log)
        passwords = json.loads((layout.state / "passwords.json").read_text(encoding="utf-8"))
        yield Hub(url, layout, passwords, log)
    finally:
        # the hub stops every server, the grading service and the proxy on SIGTERM
        with contextlib.suppress(ProcessLookupError):
            os.killpg(hub.pid, signal.SIGTERM)
        try:
            hub.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(hub.pid, signal.SIGKILL)
            hub.wait()


def wait_for(hub: "subprocess.Popen[bytes]", url: str, log: Path) -> None:
    """Return once the hub answers at url; fail with its log's end if it ends or takes too long."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if hub.poll() is not None:
            pytest.fail(f"the hub ended ({hub.returncode}):\n{log.read_text()[-4000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/hub/api/", timeout=5):
                return
        time.sleep(1)
    pytest.fail(f"the hub did not answer within {START_SECONDS} s:\n{log.read_text()[-4000:]}")
