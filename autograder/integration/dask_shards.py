"""The round's shards as tasks of a Dask distributed cluster (the rounds' --cluster ADDRESS).

``local:N`` starts a LocalCluster of N worker processes (one thread each) for the round and
closes it at the end; any other address is a running scheduler's (tcp://host:8786). Each shard
is one task: on its worker it runs the same nbgrader command as a local shard, with the worker's
Python and kit, on the course folder at the same path (a shared file system).

A worker lost mid-shard: the scheduler runs the task again on another worker (up to
distributed's ``scheduler.allowed-failures`` times). A rerun cannot double a student: with sqlite
each attempt writes a fresh copy of the shard's gradebook, and only the copy of the attempt that
completed is merged, student by student; with a server's database every attempt writes the
gradebook itself, where nbgrader's --force makes the rerun replace what the lost attempt wrote of
a student. The rerun's notebooks and reports overwrite the lost attempt's, whose nbgrader
``orphan_watch`` ends.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from distributed import Client, Future, LocalCluster

from autograder.integration.gradebook_database import sqlite_path, sqlite_url
from autograder.integration.nbgrader_course import CourseFolder, NbgraderFailed

LOCAL_PREFIX = "local:"
CONNECT_SECONDS = 30  # to reach the scheduler, and for its first worker to join


class ClusterError(RuntimeError):
    """The cluster cannot be started or reached; the message says why."""


def local_workers(address: str) -> int | None:
    """N of a ``local:N`` address (ValueError unless N is a whole number ≥ 1); None for a scheduler's address."""
    if not address.startswith(LOCAL_PREFIX):
        return None
    count = address[len(LOCAL_PREFIX) :]
    if not count.isdigit() or int(count) < 1:
        raise ValueError(f"{address!r}: local:N needs a number of workers N ≥ 1, e.g. local:2")
    return int(count)


@contextlib.contextmanager
def connect(address: str) -> Iterator["DaskShards"]:
    """A DaskShards on the cluster at address (local:N: a LocalCluster started here, closed at the end)."""
    workers = local_workers(address)
    with contextlib.ExitStack() as stack:
        target: str | LocalCluster = address  # a scheduler's address, or the cluster started here
        try:
            if workers is not None:
                target = stack.enter_context(
                    LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                    )
                )
            client = stack.enter_context(Client(target, timeout=CONNECT_SECONDS))
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as error:
            raise ClusterError(f"no Dask cluster with workers at {target}: {error}") from None
        yield DaskShards(client)


class DaskShards:
    """Runs each shard as a task of the client's cluster."""

    # a lost attempt may have written half its students: it must not have been the gradebook itself
    copies_gradebook = True

    def __init__(self, client: Client) -> None:
        self.client = client

    @property
    def workers(self) -> int:
        """The cluster's worker threads now: shards that can run at once."""
        return sum(self.client.nthreads().values())

    def start(
        self,
        course: CourseFolder,
        arguments: Sequence[str | Path],
        log: str,
        db_url: str | None = None,
    ) -> "DaskRun":
        """Submit ``nbgrader <arguments>`` (writing a copy of db_url's sqlite gradebook, or the server's
        gradebook itself); a run with poll(), wait(), db_url."""
        future = self.client.submit(
            run_shard, course, arguments, log, db_url, key=f"{log}-{uuid.uuid4().hex}"
        )
        return DaskRun(future, log)


class DaskRun:
    """A shard's task; its gradebook, that of the attempt that completed, is known once it ended."""

    def __init__(self, future: Future, log: str) -> None:
        self.future, self.log = future, log
        self.db_url: str | None = None  # of the gradebook the completed attempt wrote

    def poll(self) -> int | None:
        return self.wait() if self.future.done() else None

    def wait(self) -> int:
        try:
            code, self.db_url = self.future.result()
        except Exception as error:  # the task's error, or KilledWorker: it lost worker after worker
            raise NbgraderFailed(
                f"the Dask cluster could not run the shard {self.log}: {type(error).__name__}: {error}"
            ) from None
        return code


def run_shard(
    course: CourseFolder, arguments: Sequence[str | Path], log: str, db_url: str | None
) -> tuple[int, str | None]:
    """On a worker: ``nbgrader <arguments>`` on course, on a fresh copy of db_url's sqlite gradebook
    (the server's gradebook itself); (exit code, the URL of the gradebook written)."""
    gradebook = sqlite_path(db_url) if db_url is not None else None
    if gradebook is not None:  # sqlite's: one writer at a time
        attempt = gradebook.with_name(f"{gradebook.stem}-{uuid.uuid4().hex[:12]}.db")
        shutil.copyfile(gradebook, attempt)
        db_url = sqlite_url(attempt)
    process = course.start(*arguments, log=log, db_url=db_url)
    watch = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "autograder.integration.orphan_watch",
            str(os.getpid()),
            str(process.pid),
        ]
    )
    try:
        return process.wait(), db_url
    finally:
        watch.kill()
        watch.wait()
