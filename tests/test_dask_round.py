"""The round's shards on a Dask cluster: the grades of local shards, and a worker lost mid-shard
costs no student their grade and grades none twice.

Three rounds of the small simulated class on bp: --jobs 2, --cluster local:2, and --cluster on a
scheduler of this test's whose worker process is killed while it runs an autograde shard.
"""

import csv
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from test_grading_round import ASSIGNMENT, gradebook_of, round_command, run_round

from autograder.integration.orphan_watch import descendants

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")

DASK = Path(sys.executable).parent / "dask"
WAIT_SECONDS = 120
ORPHAN_SECONDS = 5  # the watch looks every half second


@pytest.fixture(scope="module")
def local_shards(small_class_round_of_bp):
    return small_class_round_of_bp


@pytest.fixture(scope="module")
def local_cluster(tmp_path_factory):
    return run_round(tmp_path_factory.mktemp("cluster"), "--cluster", "local:2")


def graded(out):
    """{(student, graded cell): score} over the gradebook's bp submissions, and how many submissions each student has."""
    with gradebook_of(out) as book:
        submissions = book.assignment_submissions(ASSIGNMENT)
        scores = {
            (submission.student_id, grade.name): grade.score
            for submission in submissions
            for notebook in submission.notebooks
            for grade in notebook.grades
        }
        return scores, Counter(submission.student_id for submission in submissions)


def csv_students(out):
    with open(out / "grades_per_item.csv", newline="", encoding="utf-8") as file:
        return Counter(row["student_id"] for row in csv.DictReader(file))


def test_a_local_cluster_gives_the_gradebook_of_two_local_shards(local_shards, local_cluster):
    (jobs_out, _), (cluster_out, stdout) = local_shards, local_cluster
    assert "shards on the Dask cluster local:2: 2 workers" in stdout
    assert graded(cluster_out) == graded(jobs_out)
    assert csv_students(cluster_out) == csv_students(jobs_out)
    # the shards ran on the cluster: each wrote a gradebook of its attempt's own
    assert len(list((cluster_out / "course" / "shards").glob(f"{ASSIGNMENT}-?-*.db"))) == 2


@pytest.fixture
def scheduler(tmp_path):
    """A Dask scheduler and two worker processes (one thread each, under their nanny); its client."""
    scheduler_file = tmp_path / "scheduler.json"
    common = ["--scheduler-file", scheduler_file, "--no-dashboard"]
    commands = (
        ["scheduler", "--port", "0", *common],
        ["worker", "--nworkers", "2", "--nthreads", "1", *common],
    )
    processes = []
    for command in commands:
        with open(tmp_path / f"{command[0]}.log", "wb") as log:  # their logs, to read on a failure
            processes.append(subprocess.Popen([DASK, *command], stdout=log, stderr=log))
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not scheduler_file.exists():
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.2)
        with distributed.Client(scheduler_file=scheduler_file) as client:
            client.wait_for_workers(2, timeout=WAIT_SECONDS)
            yield client
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(WAIT_SECONDS)


def kill_a_worker_mid_shard(client, logs, round_process):
    """SIGKILL the process of a worker running an autograde shard that has begun its notebooks; its pid and its descendants then."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and round_process.poll() is None:
        for worker, keys in client.processing().items():
            for key in keys:
                log = logs / f"{key.rsplit('-', 1)[0]}.log"
                if key.startswith(f"autograde-{ASSIGNMENT}-") and "Writing" in _text(log):
                    pid = client.run(os.getpid, workers=[worker])[worker]
                    below = descendants(pid)
                    os.kill(pid, signal.SIGKILL)
                    return pid, below
        time.sleep(0.2)
    pytest.fail("no autograde shard ran on the cluster")


def alive(pid):
    """Whether the process runs (a zombie has ended: only its exit status waits to be read)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _text(path):
    return path.read_text(errors="replace") if path.exists() else ""


def test_a_worker_killed_mid_shard_leaves_every_student_graded_once(
    scheduler, local_shards, tmp_path
):
    out = tmp_path / "round"
    address = scheduler.scheduler_info()["address"]
    round_process = subprocess.Popen(
        round_command(out, "--cluster", address, "--jobs", "2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        killed, its_processes = kill_a_worker_mid_shard(
            scheduler, out / "course" / "logs", round_process
        )
        time.sleep(ORPHAN_SECONDS)
        outliving = [pid for pid in its_processes if alive(pid)]
        stdout, _ = round_process.communicate(timeout=600)
    finally:
        round_process.kill()
        round_process.communicate()
    assert round_process.returncode == 0, stdout
    # the lost attempt's shard ran again: three attempts' gradebooks for two shards
    assert len(list((out / "course" / "shards").glob(f"{ASSIGNMENT}-?-*.db"))) == 3
    # none lost, none doubled, and the grades of an undisturbed round
    scores, submissions = graded(out)
    undisturbed, undisturbed_submissions = graded(local_shards[0])
    assert submissions == undisturbed_submissions and set(submissions.values()) == {1}
    assert scores == undisturbed
    assert csv_students(out) == csv_students(local_shards[0])
    assert set(csv_students(out).values()) == {1}
    # the killed worker's nbgrader and its kernels did not outlive it
    assert its_processes and not outliving, (killed, outliving)
