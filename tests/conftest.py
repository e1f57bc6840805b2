"""Test tiers, marked by module (TIERS) or by a test's own marks: `python3 tasks.py test --fast`
(pytest -m "not slow") runs the fast tier in about a minute, for the edit-test loop;
`python3 tasks.py test`, and so CI, runs every test. Both run a worker per core (pytest-xdist).

- slow: runs nbgrader's commands, the kit's commands on whole classes, notebooks in Jupyter
  kernels, JupyterLab and Chromium, exercise 5.5's full training, or a virtual environment of its
  own (seconds to minutes a module);
- nbgrader: runs nbgrader's own commands;
- browser: drives Chromium.

nbgrader's autograde runs exercise 5.5's capstones on each bp notebook, about 30 s of a core: the
tests grade with them off (the environment's AUTOGRADER_CAPSTONE_SECONDS, which comes before
course.yaml's), but for those about them (tests/notebooks.py, ``with_capstones``).
"""

import fcntl
import os
import shutil

import pytest

from autograder.sandbox.confined_kernel import CAPSTONE_SECONDS

os.environ.setdefault(CAPSTONE_SECONDS, "0")

TIERS = {
    "test_adversarial_corpus": ("slow",),
    "test_adversarial_notebooks": ("slow", "nbgrader"),
    "test_benchmark_script": ("slow", "nbgrader"),
    "test_dask_round": ("slow", "nbgrader"),
    "test_exercise_5_5_script": ("slow",),
    "test_formgrader": ("slow", "nbgrader", "browser"),
    "test_gradescope": ("slow",),
    "test_grading_round": ("slow", "nbgrader"),
    "test_grading_service": ("slow", "nbgrader"),
    "test_hub": ("slow", "nbgrader", "browser"),
    "test_hub_accounts": ("slow",),
    "test_jupyterlab": ("slow", "browser"),
    "test_kernel_confidentiality": ("slow", "nbgrader"),
    "test_late_penalty": ("slow", "nbgrader"),
    "test_feedback_page": ("slow", "nbgrader"),
    "test_intake": ("slow", "nbgrader"),
    "test_lms_collector": ("slow", "nbgrader"),
    "test_nbgrader_autograde": ("slow", "nbgrader"),
    "test_nbgrader_workflow": ("slow", "nbgrader"),
    "test_notebook_deadline": ("slow", "nbgrader"),
    "test_notebooks": ("slow",),
    "test_postgresql_round": ("slow", "nbgrader"),
    "test_prompt_kernel": ("slow",),
    "test_real_class_round": ("slow", "nbgrader"),
    "test_regrade": ("slow", "nbgrader"),
    "test_student_environment": ("slow",),
    "test_types": ("slow",),
}


def pytest_ignore_collect(collection_path, config):
    # the fast tier does not even import the slow modules: importing them costs seconds of its minute
    if config.getoption("markexpr") == "not slow" and "slow" in TIERS.get(collection_path.stem, ()):
        return True
    return None


def pytest_collection_modifyitems(items):
    for item in items:
        module = item.module.__name__
        for marker in TIERS.get(module, ()):
            item.add_marker(getattr(pytest.mark, marker))


@pytest.fixture(scope="session")
def new_gradebook(tmp_path_factory):
    """new_gradebook(path): the sqlite URL of an empty gradebook at path, as nbgrader makes one.

    nbgrader asks a subprocess of alembic for the version of each new gradebook, about 2 s: the
    gradebook is made once a run and copied."""
    from nbgrader.api import Gradebook

    from autograder.integration.nbgrader_course import nbgrader_environment

    empty = tmp_path_factory.mktemp("empty-gradebook") / "gradebook.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", nbgrader_environment()["PATH"])
        Gradebook(f"sqlite:///{empty}").close()

    def copy(path):
        shutil.copyfile(empty, path)
        return f"sqlite:///{path}"

    return copy


def shared_folder(tmp_path_factory, worker_id):
    """A folder that every pytest-xdist worker of this run shares (this run's own without workers)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


@pytest.fixture(scope="session")
def small_class_round_of_bp(tmp_path_factory, worker_id):
    """The small simulated class's round of bp with --jobs 2 (its folder, its output), which
    test_grading_round, test_dask_round and test_postgresql_round compare with, and only read.

    Made once a run, by the first worker that asks; the others wait for it (a lock) and read it."""
    from test_grading_round import run_round

    shared = shared_folder(tmp_path_factory, worker_id)
    out, output = shared / "small-class-round-of-bp", shared / "small-class-round-of-bp.out"
    with open(shared / "small-class-round-of-bp.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not output.exists():
            shutil.rmtree(out, ignore_errors=True)  # a worker stopped while it made it
            out.mkdir()
            output.write_text(run_round(out, "--jobs", "2")[1], encoding="utf-8")
    return out, output.read_text(encoding="utf-8")
