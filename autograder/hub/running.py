"""A hub started as a command and stopped after: for its tests and its load test."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

STOP_SECONDS = 60


class HubFailed(RuntimeError):
    """The hub ended or did not answer in time; the message ends with its log's last lines."""


def free_port() -> int:
    """A port nothing listens on, with the two after it (the hub's API and the proxy's) free too."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port < 65000 and all(_free(port + offset) for offset in (1, 2)):
            return port


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextlib.contextmanager
def running(
    command: Sequence[str | Path], url: str, log: Path, start_seconds: float
) -> Iterator["subprocess.Popen[bytes]"]:
    """Run command (one that starts a hub serving url), writing log; yield once the hub answers.

    After, SIGTERM to its process group: the hub stops every server, its services and its proxy."""
    with open(log, "wb") as output:
        hub = subprocess.Popen(
            [str(part) for part in command],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + start_seconds
        while not _answers(url):
            if hub.poll() is not None:
                raise HubFailed(f"the hub ended ({hub.returncode}):\n{_tail(log)}")
            if time.monotonic() > deadline:
                raise HubFailed(
                    f"the hub did not answer within {start_seconds:.0f} s:\n{_tail(log)}"
                )
            time.sleep(1)
        yield hub
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(hub.pid, signal.SIGTERM)
        # the command may end before the hub it started (tasks.py before JupyterHub): wait for
        # the whole process group, which the hub leaves once it has stopped its servers; one that
        # ignores the signal is killed after STOP_SECONDS rather than waited for forever
        deadline = time.monotonic() + STOP_SECONDS
        with contextlib.suppress(subprocess.TimeoutExpired):
            hub.wait(timeout=STOP_SECONDS)
        while _alive(hub.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(hub.pid, signal.SIGKILL)
        hub.wait()


def _alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/hub/api/", timeout=5):
            return True
    except OSError:
        return False


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-4000:]
