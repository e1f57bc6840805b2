"""The grader's side of the worker: start it with limits, send it calls, read its answers safely.

A ``Worker`` is one child process running ``worker.py`` on one submission. It starts before the
submission is known and imports NumPy while the grader gets ready; ``load`` then hands it the
submission. It runs as
``python -I -S`` from a scratch folder that holds only copies of the worker, of
``confinement.py`` and of the submission, with NumPy's folder as its one extra import path,
limits on memory, CPU time, file size and open files, and, when the grader runs as root, as an
unprivileged user. Before the submission runs it confines itself where Linux allows (files,
TCP, signals, new processes; see ``confinement.py``), and says so in ``Worker.confinement``.
Its answers are unpickled with a whitelist that admits NumPy arrays and plain Python values only.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import fcntl
import importlib.util
import io
import math
import os
import pwd
import select
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

# This module imports neither NumPy nor the kit's grading (scratch, unpickler and worker, whose
# framing of messages it shares, import the standard library only): the command line imports it
# first, to start a worker while it imports the rest.
from autograder.sandbox.scratch import (
    UNPRIVILEGED_USER,
    Scratch,
    dropping_privileges,
    user_arguments,
)
from autograder.sandbox.unpickler import SafeUnpickler
from autograder.sandbox.worker import HEADER, OWN_USER, SHARED_USER, framed

if TYPE_CHECKING:  # not at run time: it imports NumPy and the course
    from autograder.grading.course import Timeouts


def _numpy_dir() -> str:
    """The folder NumPy is installed in, found without importing it."""
    spec = importlib.util.find_spec("numpy")
    if spec is None or spec.origin is None:
        raise ImportError("the worker needs NumPy, which is not installed")
    return str(Path(spec.origin).resolve().parent.parent)


NUMPY_DIR = _numpy_dir()
OUTPUT_LIMIT = 4000  # characters of the student's stdout and of stderr that are kept
STDERR_TAIL = 300  # characters of the worker's error output quoted when it dies
MESSAGE_LIMIT = 64 * 2**20  # bytes of one answer; a larger one counts as a crash
CPU_MARGIN_SECONDS = 5  # the worker's CPU time limit: the submission's time limit and this
LOAD_MARGIN_SECONDS = 10  # loading imports NumPy, which takes seconds on a busy machine
# NumPy's BLAS on one thread: grading's arrays are small, and each extra thread costs a start about
# 0.1 s of CPU, taken from the other processes grading beside it
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
STAND_IN = "reference"  # a worker's request for a stand-in's value, in the middle of a call
StandIns = Mapping[str, Callable[..., object]]  # see Worker.send
OK, NOT_IMPLEMENTED, RAISED, MISSING, UNSENDABLE, TIMEOUT, CRASHED = (
    "ok",
    "not_implemented",
    "raised",
    "missing",
    "unsendable",
    "timeout",
    "crashed",
)


@dataclass(frozen=True)
class Outcome:
    """What one call gave: a value (kind ok) or what went wrong instead."""

    kind: str
    value: object = None
    message: str = ""
    mutated: tuple[int, ...] = ()
    consulted: tuple[str, ...] = ()  # the stand-ins the call asked for, by name


@dataclass
class _Call:
    """A call sent to the worker, not yet answered; ``written`` when its request went into the pipe."""

    function: str
    request: bytes
    timeout: float
    until: float
    stand_ins: StandIns
    written: float | None = None


class GraderError(RuntimeError):
    """The worker cannot start even on an empty submission: the grader itself cannot run."""


class WorkerDied(RuntimeError):
    """The worker crashed, hung or was killed; the message says which, ``reason`` says it to a student."""

    def __init__(self, kind: str, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.reason = reason or message


class Worker:
    """One worker process on one submission: ``Worker(scratch).load(timeouts)``, then ``call`` runs one function on one case."""

    def __init__(self, scratch: Scratch) -> None:
        """Start the process; it imports NumPy, confines itself and waits for ``load``, so the submission need not be written yet."""
        self.scratch = scratch
        request_read, request_write = os.pipe()
        response_read, response_write = os.pipe()
        reply_read, reply_write = os.pipe()  # the stand-ins' values, apart from the calls queued
        command = [
            sys.executable,
            "-I",
            "-S",
            "worker.py",
            NUMPY_DIR,
            str(request_read),
            str(response_write),
            "submission.py",
            OWN_USER if dropping_privileges() else SHARED_USER,
            str(reply_read),
        ]
        try:
            self.process = subprocess.Popen(
                command,
                cwd=scratch.path,
                env=_environment(scratch.tmp),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(request_read, response_write, reply_read),
                start_new_session=True,  # its own process group, so that a kill takes its children too
                **user_arguments(),
            )
        except PermissionError:
            for end in (
                request_read,
                request_write,
                response_read,
                response_write,
                reply_read,
                reply_write,
            ):
                os.close(end)
            if blocked := worker_blocked():  # say which folder, not only which file was refused
                raise GraderError(f"the worker process cannot start: {blocked}") from None
            raise
        for end in (request_read, response_write, reply_read):
            os.close(end)
        # Requests and replies are written without blocking: a worker that stops reading costs its
        # call's time, never a hang. Calls sent ahead fill at most the pipe's room, so that no write
        # of one waits while the worker waits for its answers to be read.
        for end in (request_write, reply_write):
            os.set_blocking(end, False)
        self._requests, self._replies = request_write, reply_write
        self._responses, self._open = response_read, True
        self._ahead_bytes = fcntl.fcntl(request_write, fcntl.F_GETPIPE_SZ)
        self._calls: collections.deque[_Call] = collections.deque()  # sent, not yet answered
        self._answered_at = 0.0  # when the last answer was read
        self._failure: WorkerDied | None = None  # why it was closed, for the calls after
        # pipes of bytes, as Popen makes them without text=True
        self._stdout = _Drain(cast(io.BufferedReader, self.process.stdout))
        self._stderr = _Drain(cast(io.BufferedReader, self.process.stderr))

    def load(self, timeouts: Timeouts) -> Worker:
        """Have the worker, confined by now, limit its CPU time and run the scratch folder's submission; returns self.

        WorkerDied (the worker then closed) when it could not.
        """
        since, timeout = time.monotonic(), timeouts.per_call_seconds + LOAD_MARGIN_SECONDS
        cpu_seconds = math.ceil(timeouts.per_submission_seconds) + CPU_MARGIN_SECONDS
        try:
            self._write(
                self._requests,
                framed(cpu_seconds),
                since + timeout,
                "loading the submission",
                timeout,
            )
        except BrokenPipeError:  # the worker died while it started
            raise self._died(
                CRASHED,
                "loading the submission",
                "was not run: loading your code crashed the process running it",
            ) from None
        try:
            loaded = self._receive(since, timeout, "loading the submission")
        except WorkerDied as died:  # no function ran: say that loading the code failed
            what = "did not finish in time" if died.kind == TIMEOUT else died.reason
            raise WorkerDied(
                died.kind, str(died), f"was not run: loading your code {what}"
            ) from None
        try:
            _, self.problems, self.confinement = loaded
        except (TypeError, ValueError):  # only a tampered worker sends this
            raise self._died(CRASHED, "loading the submission: a malformed answer") from None
        return self

    def call(
        self,
        function: str,
        args: Iterable[object],
        timeout: float,
        stand_ins: StandIns | None = None,
    ) -> Outcome:
        """Run function(*args) in the worker; an Outcome, or WorkerDied after a crash or hang."""
        self.send(function, args, timeout, stand_ins)
        return self.answer()

    def send(
        self,
        function: str,
        args: Iterable[object],
        timeout: float,
        stand_ins: StandIns | None = None,
        until: float = math.inf,
    ) -> None:
        """Queue function(*args) in the worker, to answer within timeout seconds of its start and by
        ``until`` (time.monotonic()); ``answer`` gives the outcomes in the order sent.

        Calls are written as the pipe has room; the worker runs each when it has answered the one
        before, and its time counts from then (from when the grader read that answer, which is
        never earlier). ``stand_ins`` ({name: function}) are computed here while the call runs: the
        submission's code calling one of those names gets this side's value instead of running its
        own, on a pipe of their own.
        """
        if not self._open:
            raise self._failure or WorkerDied(CRASHED, f"calling {function}: the worker was closed")
        request = framed((function, tuple(_encode(a) for a in args), tuple(stand_ins or {})))
        self._calls.append(_Call(function, request, timeout, until, stand_ins or {}))
        self._write_what_fits()

    def answer(self) -> Outcome:
        """The Outcome of the oldest call not yet answered, or WorkerDied after a crash or hang; serves its stand-ins meanwhile."""
        if not self._open:
            raise self._failure or WorkerDied(CRASHED, "the worker was closed")
        call = self._calls[0]
        assert call.written is not None  # the oldest call is always written
        start = max(call.written, self._answered_at)
        timeout = max(0.0, min(call.timeout, call.until - start))
        doing = f"calling {call.function}"
        # the stand-ins asked for, once each: a name the worker sends is kept only if it stands in
        consulted: dict[str, None] = {}
        apart: Callable[[], None] | None = None  # undoes _side_by_side once stand-ins are asked for
        try:
            while (answer := self._receive(start, timeout, doing))[0] == STAND_IN:
                apart = apart or _side_by_side(self.process.pid)
                name = self._serve(answer, call, start + timeout, timeout)
                if name in call.stand_ins:
                    consulted[name] = None
        finally:
            if apart:
                apart()
        self._calls.popleft()
        self._answered_at = time.monotonic()
        with contextlib.suppress(WorkerDied):  # the next call's failure, which its answer raises
            self._write_what_fits()
        try:
            return dataclasses.replace(_outcome(answer), consulted=tuple(consulted))
        except (TypeError, ValueError, IndexError):  # only a tampered worker sends these
            raise self._died(CRASHED, f"{doing}: a malformed answer") from None

    def _write_what_fits(self) -> None:
        """Write the queued requests in order while the pipe has room (see __init__); the first always."""
        waiting = sum(len(call.request) for call in self._calls if call.written is not None)
        for call in self._calls:
            if call.written is not None:
                continue
            if waiting and waiting + len(call.request) > self._ahead_bytes:
                return
            call.written = time.monotonic()
            deadline = min(call.written + call.timeout, call.until)
            # the worker gone: its answers so far are still read, then its end
            with contextlib.suppress(BrokenPipeError):
                self._write(
                    self._requests, call.request, deadline, f"calling {call.function}", call.timeout
                )
            waiting += len(call.request)

    def _serve(self, request: tuple[Any, ...], call: _Call, deadline: float, timeout: float) -> str:
        """Answer a stand-in's request with this side's value, or with the error it raised; the name asked for."""
        name = str(request[1]) if len(request) > 1 else "?"
        reply: tuple[object, ...]
        try:
            _, _, args, keywords = request
            if name not in call.stand_ins:
                raise NameError(f"{name} does not stand in while {call.function} is graded")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                reply = ("value", _encode(call.stand_ins[name](*args, **dict(keywords))))
        # the submission's arguments may be anything: its call raises, as its own would
        except Exception as error:
            reply = ("raised", type(error).__name__, str(error)[:300])
        with contextlib.suppress(BrokenPipeError):  # the worker is gone: reading its answer says so
            self._write(self._replies, framed(reply), deadline, f"calling {call.function}", timeout)
        return name

    def _write(self, pipe: int, data: bytes, deadline: float, doing: str, timeout: float) -> None:
        """Write all of data into one of the worker's pipes by the deadline; BrokenPipeError once it has gone."""
        view = memoryview(data)
        while True:
            with contextlib.suppress(BlockingIOError):  # the pipe is full: wait for room below
                view = view[os.write(pipe, view) :]
            if not view:
                return
            remaining = max(deadline - time.monotonic(), 0)
            if not select.select([], [pipe], [], remaining)[1]:
                raise self._died(
                    TIMEOUT,
                    f"{doing}: not read within {timeout:g} s",
                    f"did not return within {timeout:g} s",
                )

    def output(self) -> tuple[str, str]:
        """The student's printed output and errors, each cut to OUTPUT_LIMIT characters."""
        return self._stdout.text(), self._stderr.text()

    def close(self) -> None:
        """Kill the worker (and anything it started) and release the pipes; safe to call twice."""
        if not self._open:
            return
        with contextlib.suppress(ProcessLookupError):  # the group may be gone already
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        for end in (self._requests, self._replies, self._responses):
            os.close(end)
        self._calls.clear()
        self._open = False
        self._stdout.join()
        self._stderr.join()

    def _receive(self, since: float, timeout: float, doing: str) -> Any:
        deadline = since + timeout
        size = HEADER.unpack(self._read(HEADER.size, deadline, doing, timeout))[0]
        if size > MESSAGE_LIMIT:
            raise self._died(
                CRASHED, f"{doing}: the answer is larger than {MESSAGE_LIMIT // 2**20} MB"
            )
        try:
            return SafeUnpickler(io.BytesIO(self._read(size, deadline, doing, timeout))).load()
        except Exception as error:  # a malformed or refused answer: the worker was tampered with
            raise self._died(CRASHED, f"{doing}: unreadable answer ({error})") from None

    def _read(self, count: int, deadline: float, doing: str, timeout: float) -> bytes:
        data = b""
        while len(data) < count:
            # never negative: an answer that came while the grader was busy is read, not refused
            remaining = max(deadline - time.monotonic(), 0)
            if not select.select([self._responses], [], [], remaining)[0]:
                raise self._died(
                    TIMEOUT,
                    f"{doing}: no answer within {timeout:g} s",
                    f"did not return within {timeout:g} s",
                )
            chunk = os.read(self._responses, count - len(data))
            if not chunk:
                raise self._died(CRASHED, f"{doing}: the worker process died")
            data += chunk
        return data

    def _died(self, kind: str, message: str, reason: str = "") -> WorkerDied:
        self.close()
        code = self.process.returncode
        if kind == CRASHED and code is not None:
            cause = (
                f"killed by signal {signal.Signals(-code).name}"
                if code < 0
                else f"exit status {code}"
            )
            message += f" ({cause})"
            reason = reason or f"crashed the process running it ({cause})"
        stderr = self._stderr.text().strip()
        if stderr:
            message += f"; the end of its error output: {stderr[-STDERR_TAIL:]}"
        self._failure = WorkerDied(kind, message, reason)
        return self._failure


def _side_by_side(worker: int) -> Callable[[], None]:
    """Have the worker run on the CPU this thread runs on, and this thread stay there, while stand-ins
    go back and forth between them; returns what lets both go where they ran before.

    A call that asks for stand-ins waits on this side for each, and this side on it: nothing runs
    at once, and each wait on another CPU cost a round trip about 0.1 ms more than on the same
    one (a tenth of a second for a training run that asks a thousand times). Only a grading on
    the main thread does so (the command line, Gradescope): one in a thread of a busier process
    (nbgrader's early grading, beside the kernel running the next notebook) keeps the CPUs free
    for that work, which ran slower with them held.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    try:
        with open("/proc/thread-self/stat", encoding="ascii") as stat:
            cpu = int(stat.read().rsplit(")", 1)[1].split()[36])  # field 39, processor
        mine, theirs = os.sched_getaffinity(0), os.sched_getaffinity(worker)
        os.sched_setaffinity(worker, {cpu})
        os.sched_setaffinity(0, {cpu})
    except (OSError, ValueError, IndexError):  # no such file, or the worker gone: as they are
        return lambda: None

    def apart() -> None:
        with contextlib.suppress(OSError):  # the worker may be gone: this thread is let go still
            os.sched_setaffinity(worker, theirs)
        os.sched_setaffinity(0, mine)

    return apart


def _outcome(answer: tuple[Any, ...]) -> Outcome:
    """The Outcome of one answer of the worker (see worker.py's protocol)."""
    kind = answer[0]
    if kind == OK:
        value, mutated = answer[1:]
        return Outcome(OK, value=value, mutated=tuple(int(n) for n in mutated))
    if kind == RAISED:
        return Outcome(RAISED, message=f"{answer[1]}: {answer[2]}")
    if kind == UNSENDABLE:
        return Outcome(UNSENDABLE, message=f"returned {answer[1]}")
    if kind in (NOT_IMPLEMENTED, MISSING):
        return Outcome(kind)
    raise ValueError(f"unknown answer {kind!r}")


def check_worker_starts(timeouts: Timeouts) -> None:
    """Start a worker on an empty submission; GraderError if even that fails."""
    with Scratch("") as scratch:
        try:
            Worker(scratch).load(timeouts).close()
        except (WorkerDied, OSError) as died:  # OSError: the process could not even be started
            hint = ""
            if blocked := worker_blocked():
                hint = f"; {blocked}"
            elif os.geteuid() == 0:
                hint = (
                    f"; as root the worker runs as {UNPRIVILEGED_USER}, who must be able to run {sys.executable}, "
                    f"read NumPy and enter the temporary folder {tempfile.gettempdir()}: install the kit, "
                    "and point TMPDIR, outside a folder only root can enter"
                )
            raise GraderError(f"the worker process cannot start: {died}{hint}") from None


def worker_blocked() -> str | None:
    """Why the worker's user cannot start a worker here, or None.

    As root the worker runs as UNPRIVILEGED_USER, who must enter every folder on the way to this
    Python, to NumPy and into the temporary folder (where the scratch folders are); the first
    folder on one of those ways whose mode bits refuse that user is named, with the fix.
    """
    if not dropping_privileges():
        return None
    user = pwd.getpwnam(UNPRIVILEGED_USER)
    temporary = Path(tempfile.gettempdir())
    folders: tuple[Path, ...]
    for what, path, folders in (
        ("this Python", sys.executable, (Path(sys.executable).absolute().parent,)),
        ("NumPy", NUMPY_DIR, (Path(NUMPY_DIR),)),
        ("the temporary folder", str(temporary), (temporary.absolute(),)),
    ):
        folders += (folders[0].resolve(), Path(path).resolve().parent)
        for folder in folders:
            closed = closed_folder(folder, user)
            if closed is None:
                continue
            fix = (
                "point TMPDIR at a folder it can enter"
                if what == "the temporary folder"
                else "install the kit where it can"
            )
            return (
                f"{UNPRIVILEGED_USER} cannot enter {closed} (mode {closed.stat().st_mode & 0o7777:04o}), "
                f"on the way to {what} ({path}): as root the grader runs student code as "
                f"{UNPRIVILEGED_USER}; make the folders on the way world-searchable "
                f"(chmod o+x {closed}), {fix}, or run as a regular user"
            )
    return None


def closed_folder(folder: Path, user: pwd.struct_passwd) -> Path | None:
    """The first of folder and its parents, from the root down, that user cannot enter by its mode bits."""
    for step in (*reversed(folder.parents), folder):
        try:
            status = step.stat()
        except OSError:
            return None  # not there: not a question of permissions
        if status.st_uid == user.pw_uid:
            bit = stat.S_IXUSR
        elif status.st_gid == user.pw_gid:
            bit = stat.S_IXGRP
        else:
            bit = stat.S_IXOTH
        if not status.st_mode & bit:
            return step
    return None


class _Drain(threading.Thread):
    """Reads a pipe to its end, keeping the first OUTPUT_LIMIT characters, so the worker never blocks on it."""

    def __init__(self, stream: io.BufferedReader) -> None:
        super().__init__(daemon=True)
        self._stream, self._kept, self._cut = stream, b"", False
        self.start()

    def run(self) -> None:
        while chunk := self._stream.read1(65536):
            room = 4 * OUTPUT_LIMIT - len(self._kept)  # UTF-8 takes at most 4 bytes a character
            self._kept += chunk[:room]
            self._cut = self._cut or len(chunk) > room
        self._stream.close()

    def text(self) -> str:
        text = self._kept.decode("utf-8", errors="replace")
        if self._cut or len(text) > OUTPUT_LIMIT:
            text = text[:OUTPUT_LIMIT] + " … [cut]"
        return text


def _encode(value: object) -> object:
    """The worker cannot import source_impl: Params travel as a marked dict of their four arrays, also inside tuples."""
    from source_impl.network import Params  # not at the top: see the imports

    if isinstance(value, Params):
        return {"__params__": tuple(value)}
    if isinstance(value, tuple):
        return tuple(_encode(part) for part in value)
    return value


def _environment(home: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": str(home),
        "LC_ALL": "C.UTF-8",
        **ONE_THREAD,
    }
