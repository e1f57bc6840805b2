"""nbgrader's collect and zip_collect, as the course configures them, bring in no link: each is named in the log and left out.

A student's exchange submission whose notebook is a link to another file (the course's
solution, a classmate's notebook) would be collected as that file; so would a link in a
downloaded folder, or one unpacked from a zip. Each is refused by name, nothing it points at is
read, and the other students are collected as usual.
"""

import io
import stat
import subprocess
import sys
import zipfile

import nbformat
import pytest
from notebooks import ROOT

from autograder.grading.course import load_course
from autograder.integration.nbgrader_course import nbgrader_environment

ASSIGNMENT = "bp"
SECRET = "the-solution-not-to-be-read"
TIMESTAMP = "2026-11-20 10:00:00.000000 UTC"


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "solution.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(SECRET)])
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    return path


def nbgrader(course, *arguments):
    command = [sys.executable, "-m", "nbgrader", *arguments]
    command += [
        f"--CourseDirectory.root={course}",
        f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}",
    ]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, env=nbgrader_environment()
    )


def collected_text(course):
    return "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in (course / "submitted").rglob("*")
        if path.is_file()
    )


def test_collect_leaves_a_submission_holding_a_link_in_the_exchange_and_names_it(tmp_path, secret):
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    inbound = exchange / load_course().id / "inbound"
    for student in ("s1", "s2"):
        folder = inbound / f"{student}+{ASSIGNMENT}+{TIMESTAMP}+x"
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text(TIMESTAMP, encoding="utf-8")
    honest = inbound / f"s1+{ASSIGNMENT}+{TIMESTAMP}+x" / f"{ASSIGNMENT}.ipynb"
    honest.write_text(nbformat.writes(nbformat.v4.new_notebook()), encoding="utf-8")
    (inbound / f"s2+{ASSIGNMENT}+{TIMESTAMP}+x" / f"{ASSIGNMENT}.ipynb").symlink_to(secret)
    course.mkdir()
    result = nbgrader(course, "collect", ASSIGNMENT, f"--Exchange.root={exchange}")
    log = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"not collected: s2's submission s2+{ASSIGNMENT}+{TIMESTAMP}+x" in log
    assert f"{ASSIGNMENT}.ipynb is a symbolic link" in log
    assert (course / "submitted" / "s1" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    assert not (course / "submitted" / "s2").exists()
    assert SECRET not in collected_text(course)


def test_zip_collect_unpacks_no_link_and_collects_the_others(tmp_path, secret):
    course = tmp_path / "course"
    archive = course / "downloaded" / ASSIGNMENT / "archive"
    archive.mkdir(parents=True)
    notebook = nbformat.writes(nbformat.v4.new_notebook())
    (archive / f"wangwei_1001_71001_{ASSIGNMENT}.ipynb").write_text(notebook, encoding="utf-8")
    (archive / f"lifang_1002_71002_{ASSIGNMENT}.ipynb").symlink_to(secret)
    linked = io.BytesIO()
    with zipfile.ZipFile(linked, "w") as inner:
        info = zipfile.ZipInfo(f"zhaomin_1003_71003_{ASSIGNMENT}.ipynb")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        inner.writestr(info, str(secret))
    (archive / "uploads.zip").write_bytes(linked.getvalue())
    result = nbgrader(
        course,
        "zip_collect",
        ASSIGNMENT,
        "--ZipCollectApp.collector_plugin=autograder.integration.lms_collector.CanvasCollector",
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert f"lifang_1002_71002_{ASSIGNMENT}.ipynb: a symbolic link" in log
    assert "uploads.zip" in log and "a symbolic link: not followed" in log
    submitted = course / "submitted"
    assert (submitted / "1001" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    assert not (submitted / "1002").exists() and not (submitted / "1003").exists()
    assert SECRET not in collected_text(course)
    assert (archive / "uploads.zip").is_file()  # the instructor's download is as it was
