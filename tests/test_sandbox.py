"""The worker: what the student's code can see and do, and how the grader reads its answers."""

import os
import pickle
import resource
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from worker_user import needs_worker

from autograder.grading.course import Timeouts
from autograder.sandbox.confinement import landlock_abi
from autograder.sandbox.process import OK, OUTPUT_LIMIT, RAISED, Outcome, Worker, WorkerDied
from autograder.sandbox.scratch import Scratch, dropping_privileges
from autograder.sandbox.unpickler import SafeUnpickler
from autograder.sandbox.worker import (
    FILE_SIZE_LIMIT,
    MEMORY_LIMIT,
    OPEN_FILES_LIMIT,
    PROCESSES_LIMIT,
)

pytestmark = needs_worker

TIMEOUTS = Timeouts(per_call_seconds=2, per_submission_seconds=30)

PROBE = """
import os, sys, time
import numpy as np

def whoami():
    return (os.getuid(), list(sys.path))

def shout(n):
    print("x" * n)
    print("e" * n, file=sys.stderr)
    return n

def read(path):
    with open(path) as f:
        return f.read()

def hog():
    return np.ones(2**31).sum()

def limits():
    import resource
    return [resource.getrlimit(getattr(resource, name)) for name in (
        "RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CORE", "RLIMIT_NPROC")]

def fork_and_sleep():
    child = os.fork()
    if child == 0:
        import time
        time.sleep(60)
    return child

kept = []

def double(x):
    return "the student's own double"

def twice(x, y=1):
    kept.append(double)
    return double(x) + double(x=y)

def later(x):
    return kept[0](x)

def mistyped(x):
    return double(x, x, x)

def nap(seconds):
    time.sleep(seconds)
    return seconds

def echo(x):
    return x

def hang_at(i, at):
    while i == at:
        pass
    return i

def cpus():
    return sorted(os.sched_getaffinity(0))

def asks(x):
    return double(x), cpus()
"""


@pytest.fixture
def worker():
    with Scratch(PROBE) as scratch:
        worker = Worker(scratch).load(TIMEOUTS)
        yield worker
        worker.close()


def test_the_workers_import_path_holds_neither_the_reference_nor_the_grader(worker):
    outcome = worker.call("whoami", (), 2)
    uid, path = outcome.value
    if os.geteuid() == 0:
        assert uid != 0  # dropped to an unprivileged user
    for folder in path:
        assert not os.path.isdir(os.path.join(folder, "source_impl")) and not os.path.isdir(
            os.path.join(folder, "autograder")
        )


def test_a_stand_in_answers_for_the_call_it_was_given_to_and_for_no_other(worker):
    # the grader computes it: the worker only sends the arguments and reads the value
    outcome = worker.call("twice", (3, 4), 2, {"double": lambda x: 2 * x})
    assert (outcome.kind, outcome.value, outcome.consulted) == (OK, 14, ("double",))
    assert worker.call("double", (3,), 2).value == "the student's own double"
    kept = worker.call("later", (3,), 2)  # the stand-in, kept past its call
    assert (
        kept.kind == RAISED
        and "NameError: double does not stand in while later is graded" in kept.message
    )
    wrong = worker.call("mistyped", (3,), 2, {"double": lambda x: 2 * x})
    assert wrong.kind == RAISED and wrong.message.startswith("TypeError")


def test_printed_output_is_captured_and_cut(worker):
    assert worker.call("shout", (100_000,), 2).value == 100_000
    worker.close()
    stdout, stderr = worker.output()
    assert stdout.startswith("xxx") and stderr.startswith("eee")
    assert len(stdout) <= OUTPUT_LIMIT + 20 and stdout.endswith("[cut]")


@pytest.mark.skipif(
    os.geteuid() != 0, reason="the worker changes user only when the grader runs as root"
)
def test_as_root_the_worker_cannot_read_files_only_root_may_read(worker, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("answer")
    secret.chmod(0o600)
    outcome = worker.call("read", (str(secret),), 2)
    assert outcome.kind == RAISED and "PermissionError" in outcome.message


def test_memory_is_limited(worker):
    outcome = worker.call("hog", (), 2)
    assert outcome.kind == RAISED and "MemoryError" in outcome.message


def test_the_worker_runs_the_submission_under_its_limits(worker):
    """Set by the worker itself before NumPy is imported; processes only where it is a user of its own."""
    outcome = worker.call("limits", (), 2)
    assert outcome.kind == OK
    processes = (
        (PROCESSES_LIMIT,) * 2
        if dropping_privileges()
        else resource.getrlimit(resource.RLIMIT_NPROC)
    )
    assert [tuple(limit) for limit in outcome.value] == [
        (MEMORY_LIMIT, MEMORY_LIMIT),
        (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT),
        (OPEN_FILES_LIMIT, OPEN_FILES_LIMIT),
        (0, 0),
        processes,
    ]


def test_the_worker_says_how_it_is_confined(worker):
    assert worker.confinement == {
        "landlock": landlock_abi(),
        "no_processes": sys.platform == "linux",
    }


@pytest.mark.skipif(
    sys.platform != "linux", reason="the worker refuses new processes on Linux only"
)
def test_the_worker_cannot_start_a_process(worker):
    outcome = worker.call("fork_and_sleep", (), 2)
    assert outcome.kind == RAISED and outcome.message.startswith("PermissionError")


@pytest.mark.skipif(
    landlock_abi() == 0,
    reason="this kernel has no Landlock: the worker reads what its user may read",
)
def test_the_worker_reads_only_the_standard_library_numpy_and_its_scratch_folder(worker, tmp_path):
    course_file = Path(__file__).resolve().parent.parent / "course.yaml"
    for path in (course_file, "/etc/hostname", tmp_path):
        assert worker.call("read", (str(path),), 2).kind == RAISED
    assert worker.call("read", (np.__file__,), 2).kind == OK


def test_a_dead_worker_is_reported_and_not_called_again(worker):
    worker.close()
    with pytest.raises(WorkerDied):
        worker.call("whoami", (), 2)


class Exploit:
    def __reduce__(self):
        return (os.system, ("true",))


def test_answers_are_unpickled_with_a_whitelist():
    import io

    import numpy as np

    plain = (np.arange(3.0), np.float64(2.0), np.int64(1), [1, 2], None, "text")
    assert repr(SafeUnpickler(io.BytesIO(pickle.dumps(plain))).load()) == repr(plain)
    with pytest.raises(pickle.UnpicklingError, match="refused"):
        SafeUnpickler(io.BytesIO(pickle.dumps(Exploit()))).load()


def test_a_worker_that_answers_out_of_protocol_costs_only_that_call():
    tamper = (
        PROBE
        + """
def tamper():
    import pickle, struct
    data = pickle.dumps(("ok",))
    os.write(int(sys.argv[3]), struct.pack("!Q", len(data)) + data)
    return 0
"""
    )
    with Scratch(tamper) as scratch:
        worker = Worker(scratch).load(TIMEOUTS)
        with pytest.raises(WorkerDied, match="malformed answer"):
            worker.call("tamper", (), 2)
        worker.close()


def test_calls_sent_at_once_are_answered_in_order_each_timed_from_its_own_start(worker):
    # four naps of 0.5 s with a limit of 1.5 s each: the last answers 2 s after it was sent
    for _ in range(4):
        worker.send("nap", (0.5,), 1.5)
    assert [worker.answer() for _ in range(4)] == [Outcome(OK, value=0.5)] * 4


def test_a_call_that_hangs_in_a_queue_costs_that_call_and_keeps_the_answers_before_it(worker):
    for i in range(4):
        worker.send("hang_at", (i, 2), 1)
    assert [worker.answer().value for _ in range(2)] == [0, 1]
    with pytest.raises(WorkerDied, match="calling hang_at: no answer within 1 s"):
        worker.answer()


def test_calls_much_larger_than_the_pipe_are_queued_without_blocking_either_side(worker):
    # 1 MiB each way, many times a pipe's room: sent ahead, the grader would wait for room while
    # the worker waited for its answer to be read
    large = np.arange(2**17, dtype=float)
    for _ in range(4):
        worker.send("echo", (large,), 10)
    assert all(np.array_equal(worker.answer().value, large) for _ in range(4))


def test_calls_with_stand_ins_queued_together_each_get_their_stand_ins_values(worker):
    for x in (1, 2, 3):
        worker.send("twice", (x, x), 2, {"double": lambda x: 2 * x})
    # twice(x, y) = double(x) + double(x=y)
    assert [worker.answer().value for _ in range(3)] == [4, 8, 12]


def test_a_stand_in_kept_past_its_call_raises_without_asking_while_calls_are_queued(worker):
    worker.send("twice", (1, 1), 2, {"double": lambda x: 2 * x})
    for _ in range(2):
        worker.send("later", (3,), 2)  # calls the stand-in twice kept
    worker.send("echo", (7,), 2)
    first, *later, last = [worker.answer() for _ in range(4)]
    assert (first.value, last.value) == (4, 7)
    for outcome in later:
        assert outcome.kind == RAISED
        assert "NameError: double does not stand in while later is graded" in outcome.message


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one CPU: there is none to share")
def test_a_call_that_asks_for_stand_ins_shares_the_graders_cpu_and_both_go_back_after(worker):
    before, seen = sorted(os.sched_getaffinity(0)), []

    def double(x):
        seen.append(sorted(os.sched_getaffinity(0)))
        return 2 * x

    value, worker_cpus = worker.call("asks", (3,), 2, {"double": double}).value
    assert value == 6 and len(worker_cpus) == 1 and seen == [worker_cpus]
    assert sorted(os.sched_getaffinity(0)) == before == worker.call("cpus", (), 2).value


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one CPU: there is none to share")
def test_a_grading_in_a_thread_of_a_busier_process_holds_no_cpu(worker):
    # nbgrader's early grading: the kernel running the next notebook wants the CPUs
    answers = []
    thread = threading.Thread(
        target=lambda: answers.append(worker.call("asks", (3,), 2, {"double": lambda x: 2 * x}))
    )
    thread.start()
    thread.join()
    assert answers[0].value == (6, sorted(os.sched_getaffinity(0)))
