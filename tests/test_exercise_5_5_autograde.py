"""Exercise 5.5 is graded by people on the student's own run: nbgrader's autograde runs the two
capstones its questions rest on (selfcheck.run_capstone(..., graded_on=True)) on the student's
functions, so that the autograded notebook formgrader shows holds their numbers and plot. A slow
student's training is stopped after course.yaml's timeouts.capstone_seconds with a line naming
that key, and a capstone whose student function fails says so in one line: the notebook goes on."""

import re
import shutil
import subprocess
import sys
from datetime import datetime

import course_files
import nbformat
import numpy as np
import pytest
from notebooks import ROOT, copy_of_the_repository, paste_solutions, stream_text, with_capstones

from autograder import student_module
from autograder.grading.course import CourseError, load_course, parse_course
from autograder.integration.nbgrader_course import nbgrader_environment
from autograder.sandbox import confined_kernel
from source_impl import init_params, train_accumulated_bp, train_standard_bp
from source_impl.datasets import load_watermelon3_0

selfcheck = student_module("selfcheck")
ASSIGNMENT = "bp"
COURSE = load_course()
CAPSTONES = ("run_capstone(exercise_5_5, graded_on=True)", "run_capstone(held_out, graded_on=True)")
SLOW_LIMIT_SECONDS = 5  # the slow student's course: a short limit, to be stopped soon
STOPPED = "timeouts.capstone_seconds"
# what the slow student adds to the first line of train_standard_bp's body: a pause each epoch
SLOW_TRAINING = ("    params = params0\n", "    params = params0\n    import time\n")
SLOW_EPOCH = ("        history[t] = ", "        time.sleep(0.05)\n        history[t] = ")


def nbgrader(root, *command):
    """An nbgrader command in the course folder root, a copy of the repository, with its nbgrader_config.py and course.yaml."""
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *command],
        cwd=root,
        env=with_capstones(nbgrader_environment()),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def submit(root, student, change=None):
    """The finished bp notebook submitted by student, its training code changed by change (old, new) pairs."""
    folder = shutil.copytree(
        root / "assignments" / ASSIGNMENT, root / "submitted" / student / ASSIGNMENT
    )
    path = folder / f"{ASSIGNMENT}.ipynb"
    paste_solutions(path, ASSIGNMENT)
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.source.startswith("def train_standard_bp("):
            for old, new in change or ():
                assert old in cell.source
                cell.source = cell.source.replace(old, new, 1)
    nbformat.write(notebook, path)


def autograded(root, student):
    """The capstone cells of the student's autograded notebook, in order."""
    path = root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    return [
        next(cell for cell in notebook.cells if capstone in cell.source) for capstone in CAPSTONES
    ]


def seconds_taken(cell):
    """How long the kernel ran the cell, from nbclient's timing in its metadata."""
    timing = cell.metadata["execution"]
    start, end = (
        datetime.fromisoformat(timing[key].replace("Z", "+00:00"))
        for key in ("iopub.execute_input", "shell.execute_reply")
    )
    return (end - start).total_seconds()


def limit_in(root, seconds):
    """Set the course folder's timeouts.capstone_seconds."""
    course_file = root / "course.yaml"
    text = course_file.read_text(encoding="utf-8")
    text, count = re.subn(r"capstone_seconds: \S+", f"capstone_seconds: {seconds}", text)
    assert count == 1
    course_file.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the repository as the course: a finished bp autograded under the shipped limit, then a
    student whose standard BP pauses each epoch, under a short one."""
    root = tmp_path_factory.mktemp("course")
    copy_of_the_repository(root)
    nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    submit(root, "finished")
    nbgrader(root, "autograde", ASSIGNMENT, "--create", "--student", "finished")
    limit_in(root, SLOW_LIMIT_SECONDS)
    submit(root, "slow", (SLOW_TRAINING, SLOW_EPOCH))
    nbgrader(root, "autograde", ASSIGNMENT, "--create", "--student", "slow")
    return root


def reference_error(name, epochs):
    """E (5.16) after the epochs of the notebook's exercise 5.5 on all 17 samples, by the reference."""
    X, y, _ = load_watermelon3_0()
    Y = y[:, None].astype(float)
    params0 = init_params(X.shape[1], 5, 1, np.random.default_rng(0))
    train = {"standard BP": train_standard_bp, "accumulated BP": train_accumulated_bp}[name]
    return train(X, Y, params0, 0.1, epochs)[1][-1]


@pytest.mark.slow
@pytest.mark.nbgrader
def test_the_autograded_notebook_holds_the_students_exercise_5_5_numbers_and_plot(course):
    full, split = autograded(course, "finished")
    table = stream_text(full)
    for label in ("初始隐层输出 b_h", "standard BP", "accumulated BP", "accuracy", "标准 BP"):
        assert label in table, table
    rows = re.findall(r"^(standard BP|accumulated BP)\s+(\d+)\s.*$", table, flags=re.M)
    assert [name for name, _ in rows] == ["standard BP", "accumulated BP"], table
    for name, epochs in rows:  # the student's E after the last epoch, as the reference's
        assert f"{reference_error(name, int(epochs)):.4f}" in table, table
    assert any("image/png" in output.get("data", {}) for output in full.outputs), (
        "the plot is there"
    )
    assert re.search(r"standard BP\s+5000\s+\d\.\d{4}\s+10/10\s+\d/7", stream_text(split))
    taken = [seconds_taken(cell) for cell in (full, split)]
    print(f"the reference's capstones under autograde: {taken[0]:.1f} s and {taken[1]:.1f} s")
    assert all(seconds < COURSE.timeouts.capstone_seconds for seconds in taken)
    assert not any(STOPPED in stream_text(cell) for cell in (full, split))


@pytest.mark.slow
@pytest.mark.nbgrader
def test_a_slow_students_training_is_stopped_at_the_limit_with_a_line_naming_it(course):
    for cell in autograded(course, "slow"):
        text = stream_text(cell)
        assert f"course.yaml's {STOPPED} ({SLOW_LIMIT_SECONDS} s)" in text, text
        # where the alarm lands: the pause in train_standard_bp, or under load a function it calls
        assert re.search(r", in \w+; the notebook goes on", text.replace("\n    ", " ")), text
        assert not any(output.output_type == "error" for output in cell.outputs)
        # unstopped, the pauses alone would take 50 s and 250 s: well past this, even on a loaded machine
        assert seconds_taken(cell) < SLOW_LIMIT_SECONDS + 30


def test_the_kernel_is_told_the_limit_under_the_name_selfcheck_reads():
    # the autograde kernel cannot read course.yaml: its environment carries the limit
    assert confined_kernel.CAPSTONE_SECONDS == selfcheck.CAPSTONE_SECONDS


def test_both_capstones_fit_in_the_notebooks_limit_with_room():
    # the notebook also starts its kernel, waits for its grade and runs its other cells (about 10 s
    # in a round): a third of its limit is left for that
    notebook = nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    graded_on = sum("graded_on=True" in cell.source for cell in notebook.cells)
    assert graded_on == len(CAPSTONES)
    limits = COURSE.timeouts
    assert graded_on * limits.capstone_seconds <= limits.per_notebook_seconds * 2 / 3


def test_a_capstone_limit_not_under_the_notebooks_is_refused():
    data = course_files.shipped()
    data["course"]["timeouts"]["capstone_seconds"] = data["course"]["timeouts"][
        "per_notebook_seconds"
    ]
    with pytest.raises(
        CourseError, match="capstone_seconds .* must be less than per_notebook_seconds"
    ):
        parse_course(data)
    del data["course"]["timeouts"]["capstone_seconds"]
    assert parse_course(data).timeouts.capstone_seconds < COURSE.timeouts.per_notebook_seconds


def capstone(body):
    """A capstone cell's body as the notebook defines it, in a namespace of its own."""
    namespace = {}
    exec(body, namespace)
    return namespace["capstone"]


@pytest.fixture(autouse=True)
def course_limit(monkeypatch):
    """In this process too, the capstones run as course.yaml says, not as the other tests' override."""
    monkeypatch.delenv(selfcheck.CAPSTONE_SECONDS, raising=False)


SLOW = """
def training():
    while True:
        try:
            sum(range(1000))
        except Exception:  # a student's own catch-all does not stop the limit
            pass

def capstone():
    training()
"""
FAILING = """
def forward(x):
    return x @ [[1, 2]]

def capstone():
    forward(1.0)
"""


def test_a_capstone_past_its_limit_stops_with_one_line_and_the_cell_goes_on(capsys, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.setenv(selfcheck.CAPSTONE_SECONDS, "0.5")
    assert selfcheck.run_capstone(capstone(SLOW), graded_on=True) is None
    out = capsys.readouterr().out.replace("\n    ", " ")
    assert (
        "course.yaml's timeouts.capstone_seconds (0.5 s), in training; the notebook goes on" in out
    )
    selfcheck.run_capstone(lambda: print("ran"), graded_on=True)
    assert capsys.readouterr().out == "ran\n"  # the timer is off again


ENDING = """
import os
import matplotlib.pyplot as plt

def delta_v(eta, e, x):
    os._exit(3)

def capstone():
    plt.plot([0, 1])
    print("before the student's function")
    delta_v(0.1, None, None)
"""
DRAWING = """
import matplotlib.pyplot as plt

def capstone():
    plt.plot([0, 1])
    print("drawn")
"""
DEAF = """
import signal

def capstone():
    signal.signal(signal.SIGALRM, signal.SIG_IGN)  # a student's code that stops its alarm
    while True:
        pass
"""


def test_a_student_function_that_ends_its_process_ends_only_the_capstones_child(
    capsys, monkeypatch
):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert selfcheck.run_capstone(capstone(ENDING), graded_on=True) is None
    out = capsys.readouterr().out
    assert out.startswith("before the student's function\n"), out
    assert "the capstone stopped: your functions ended the process running it (exit code 3)" in out


def test_a_capstones_figures_come_back_from_its_child(capsys, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    selfcheck.run_capstone(capstone(DRAWING), graded_on=True)
    # outside a kernel, IPython's display prints the image's repr: one figure, after the text
    assert capsys.readouterr().out == "drawn\n<IPython.core.display.Image object>\n"


def test_a_capstone_that_stops_its_own_alarm_is_ended_from_outside(capsys, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.setenv(selfcheck.CAPSTONE_SECONDS, "0.5")
    selfcheck.run_capstone(capstone(DEAF), graded_on=True)
    out = capsys.readouterr().out.replace("\n    ", " ")
    assert "course.yaml's timeouts.capstone_seconds (0.5 s); the notebook goes on" in out, out


def test_a_capstone_whose_student_function_raises_says_so_in_one_line(capsys, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert selfcheck.run_capstone(capstone(FAILING), graded_on=True) is None
    out = capsys.readouterr().out
    assert out.startswith("✗ 综合练习中断：forward 出错 / the capstone stopped: forward raised ")
    assert out.count("\n") == 1 and len(out) <= selfcheck.LINE_WIDTH + 1


def test_a_capstone_limit_of_0_runs_none_while_nbgrader_grades(capsys, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.setenv(selfcheck.CAPSTONE_SECONDS, "0")
    selfcheck.run_capstone(lambda: print("ran"), graded_on=True)
    assert (
        capsys.readouterr().out
        == f"(not run while nbgrader grades: {selfcheck.CAPSTONE_SECONDS} is 0)\n"
    )


@pytest.mark.parametrize(
    "execution, graded_on, runs",
    [
        ("autograde", True, True),
        ("autograde", False, False),
        ("validate", True, False),
        ("validate", False, False),
    ],
)
def test_only_a_capstone_graded_on_runs_while_nbgrader_grades(
    capsys, monkeypatch, execution, graded_on, runs
):
    monkeypatch.setenv("NBGRADER_EXECUTION", execution)
    selfcheck.run_capstone(lambda: print("ran"), graded_on=graded_on)
    out = capsys.readouterr().out
    assert ("ran" in out) == runs and ("skipped while nbgrader grades" in out) != runs


CHATTY = """
import matplotlib.pyplot as plt

def capstone():
    for figure in range(8):
        plt.figure()
    print("x" * 300_000)
"""


def test_a_capstone_that_prints_and_draws_without_end_is_cut_to_what_a_cell_keeps(
    capsys, monkeypatch
):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    selfcheck.run_capstone(capstone(CHATTY), graded_on=True)
    out = capsys.readouterr().out
    assert out.count("x") == selfcheck.CAPSTONE_OUTPUT_BYTES
    assert f"output cut: {300_001 - selfcheck.CAPSTONE_OUTPUT_BYTES} more bytes not shown" in out
    assert out.count("<IPython.core.display.Image object>") == selfcheck.CAPSTONE_FIGURES
