"""Run a namespace's command, passing it the signals that ask it to stop.

    python -m autograder.hub.forwarding BWRAP_COMMAND...

bubblewrap, started as root, stays as the namespace's parent and dies of a SIGTERM sent to it,
its namespace killed with it. The hub stops a service or server with SIGTERM or SIGINT: sent here
instead, they go on to the process bubblewrap started (the grading service finishes the step
under way, a server shuts its kernels down), and this ends with its exit status.
"""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType


def children(pid: int) -> list[int]:
    """The processes pid started, from /proc."""
    listed = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(child) for child in listed.read_text().split()]
    except OSError:
        return []


def started(pid: int) -> list[int]:
    """The processes bubblewrap (pid) runs: below it and the namespace's own init, also bubblewrap's."""
    found = []
    for child in children(pid):
        try:
            name = Path(f"/proc/{child}/comm").read_text().strip()
        except OSError:
            continue
        found += started(child) if name == "bwrap" else [child]
    return found


def main(command: list[str]) -> int:
    child = subprocess.Popen(command)

    def forward(signum: int, frame: FrameType | None) -> None:
        for pid in started(child.pid) or [child.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    for stop in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(stop, forward)
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
