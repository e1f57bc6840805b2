"""python -m autograder.integration.orphan_watch PARENT_PID PID: end PID's process tree once PARENT_PID dies.

A Dask worker lost mid-shard has its task run again on another worker. A lost node takes its
processes with it; a worker process killed alone (the nanny's memory limit, a kill) leaves its
nbgrader running, which would write the same students' notebooks as the rerun, at the same time.
Started by the shard beside its nbgrader; it ends when the shard stops it. Standard library
only: it starts at once.
"""

import os
import signal
import sys
import time
from pathlib import Path

POLL_SECONDS = 0.5


def watch(parent: int, pid: int) -> None:
    """Wait while parent (a pid) is this process's parent; then SIGKILL pid and its descendants."""
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    # the tree first: killing pid first would hand its children to init, out of reach
    for victim in [pid, *descendants(pid)]:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:  # it ended on its own
            pass


def descendants(pid: int) -> list[int]:
    """The pids of pid's children, grandchildren, …, read from /proc (none where there is no /proc)."""
    children: dict[int, list[int]] = {}  # {parent's pid: its children's}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # the command name in parentheses may hold spaces: the fields after its ")" are fixed
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # a process that ended while being read
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        below = children.get(todo.pop(), [])
        found += below
        todo += below
    return found


if __name__ == "__main__":
    watch(int(sys.argv[1]), int(sys.argv[2]))
