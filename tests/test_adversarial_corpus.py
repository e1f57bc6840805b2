"""Every entry of the adversarial corpus, graded by the command line as an instructor grades it.

For each: grading finishes within the limits and exits 0, the attacked item gets the entry's
status, score and feedback, the other items their normal points, no file of the kit or of the
course changes (hashed before and after), and the worker's scratch folders are removed.
"""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from adversarial_corpus import CORPUS, fingerprint, supported
from submissions import with_functions

from autograder import ROOT
from autograder.grading.course import load_course
from autograder.grading.results import PARTIAL, PASSED

COURSE = load_course()
# Each item stops at its first hanging call; the three trainers' own cases take some seconds.
TIME_LIMIT_SECONDS = 3 * COURSE.timeouts.per_call_seconds + 60


@pytest.fixture(scope="module")
def course_folder(tmp_path_factory):
    """A course with a gradebook and another student's submission, as the attacker would find it."""
    root = tmp_path_factory.mktemp("course")
    with sqlite3.connect(root / "gradebook.db") as gradebook:
        gradebook.execute("create table grade (student text, score real)")
        gradebook.execute("insert into grade values ('someone_else', 35)")
    other = root / "submitted" / "someone_else" / "bp" / "bp.ipynb"
    other.parent.mkdir(parents=True)
    other.write_text(
        (ROOT / "solutions" / "bp" / "bp.ipynb").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def listener():
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


def paths(course_folder, port):
    return {
        "reference": ROOT / "source_impl" / "bp.py",
        "grader": ROOT / "autograder" / "grading" / "grader.py",
        "course_file": ROOT / "course.yaml",
        "gradebook": course_folder / "gradebook.db",
        "other_submission": course_folder / "submitted" / "someone_else" / "bp" / "bp.ipynb",
        "course_root": course_folder,
        "repository": ROOT,
        "port": port,
    }


@pytest.mark.parametrize("entry", CORPUS, ids=lambda entry: entry.name)
def test_the_entry_is_graded_fairly_with_nothing_else_changed(
    entry, course_folder, listener, tmp_path
):
    if not supported(entry.landlock, entry.seccomp):
        pytest.skip(
            f"needs Landlock ABI {entry.landlock} or seccomp, which this machine lacks (see the sandbox table in docs/developers.md)"
        )
    submission = tmp_path / "submission.py"
    submission.write_text(
        with_functions(entry.code.format(**paths(course_folder, listener))), encoding="utf-8"
    )
    kit = [ROOT / name for name in ("source_impl", "autograder", "solutions", "course.yaml")]
    before = fingerprint(course_folder, *kit)
    out = tmp_path / "grade.json"
    # not beneath tmp_path, which only its owner may enter
    scratch = Path(tempfile.mkdtemp(prefix="corpus-"))
    scratch.chmod(0o755)
    command = [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        str(submission),
        "--assignment",
        "bp",
        "--student",
        "adversary",
        "--json",
        str(out),
    ]

    start = time.monotonic()
    result = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT_SECONDS + 30,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    elapsed = time.monotonic() - start

    assert result.returncode == 0, result.stderr
    assert elapsed < TIME_LIMIT_SECONDS
    assert list(scratch.iterdir()) == []  # the worker's scratch folders are gone
    scratch.rmdir()
    assert fingerprint(course_folder, *kit) == before
    items = {item["id"]: item for item in json.loads(out.read_text(encoding="utf-8"))["items"]}
    attacked = items.pop(entry.item)
    assert attacked["status"] == entry.status, attacked["feedback"]
    if entry.score is not None:
        assert attacked["score"] == entry.score
    elif entry.status == PARTIAL:
        assert 0 < attacked["score"] < attacked["max_score"]
    else:
        assert attacked["score"] == attacked["max_score"]
    assert entry.says in attacked["student_feedback"]
    if entry.others == "full":
        assert {i: (item["status"], item["score"]) for i, item in items.items()} == {
            i: (PASSED, item["max_score"]) for i, item in items.items()
        }
    elif entry.others == "zero":
        assert {item["score"] for item in items.values()} == {0}
