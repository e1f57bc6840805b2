"""The zip_collect plugins: the student, the time and the file read from each LMS's names, wherever the download lies."""

import subprocess
import sys

import pytest
from lms_downloads import ASSIGNMENT, canvas_download, moodle_download
from notebooks import ROOT

from autograder.integration.lms_collector import (
    BlackboardCollector,
    CanvasCollector,
    MoodleCollector,
)
from autograder.integration.nbgrader_course import nbgrader_environment

BLACKBOARD = "bp_s40_attempt_2026-11-19-07-59-00_bp.ipynb"


@pytest.mark.parametrize(
    "folder",
    ["/srv/course/downloaded/bp/extracted", "/home/wang_li/ml_course/downloaded/bp/extracted", ""],
)
def test_the_student_the_time_and_the_file_are_read_from_the_name_whatever_the_folders_are_called(
    folder,
):
    found = BlackboardCollector().collect(f"{folder}/{BLACKBOARD}" if folder else BLACKBOARD)
    assert found == {
        "student_id": "s40",
        "timestamp": "2026-11-19T07:59:00+00:00",
        "file_id": "bp.ipynb",
    }


@pytest.mark.parametrize(
    "collector, path, found",
    [
        (
            CanvasCollector,
            "/srv/c/extracted/wangwei_LATE_1001_71001_bp.ipynb",
            {"student_id": "1001", "file_id": "bp.ipynb"},
        ),
        (
            MoodleCollector,
            "/srv/c/extracted/Wei Wang_4021_assignsubmission_file_/bp.ipynb",
            {"student_id": "4021", "file_id": "bp.ipynb"},
        ),
    ],
)
def test_canvas_and_moodle_names_give_the_lms_id_and_the_file(collector, path, found):
    assert collector().collect(path) == found


@pytest.mark.parametrize("collector", [CanvasCollector, MoodleCollector, BlackboardCollector])
@pytest.mark.parametrize(
    "path",
    [
        "/srv/c/extracted/bp (1).ipynb",
        "/srv/c/extracted/wangwei_1001_71001_bp.py",
        "/srv/c/extracted/bp_s40_attempt_2026-11-19-07-59-00.txt",
    ],
)
def test_a_file_that_is_not_that_lms_s_name_of_a_notebook_is_skipped(collector, path):
    assert collector().collect(path) is None


@pytest.mark.parametrize(
    "make, collector",
    [(canvas_download, "CanvasCollector"), (moodle_download, "MoodleCollector")],
    ids=["canvas", "moodle"],
)
def test_nbgrader_s_zip_collect_files_a_download_under_the_lms_s_ids(tmp_path, make, collector):
    archive = tmp_path / "downloaded" / ASSIGNMENT / "archive"
    archive.mkdir(parents=True)
    make(archive)
    command = [
        sys.executable,
        "-m",
        "nbgrader",
        "zip_collect",
        ASSIGNMENT,
        f"--ZipCollectApp.collector_plugin=autograder.integration.lms_collector.{collector}",
        f"--CourseDirectory.root={tmp_path}",
        f"--CourseDirectory.db_url=sqlite:///{tmp_path / 'gradebook.db'}",
    ]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, env=nbgrader_environment()
    )
    assert result.returncode == 0, result.stderr
    submitted = tmp_path / "submitted"
    offset = 3000 if collector == "MoodleCollector" else 0
    assert (submitted / str(1001 + offset) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    # of student 1002's two uploads, the file names differ (perceptron.ipynb, perceptron-1.ipynb): zip_collect keeps both
    assert {p.name for p in (submitted / str(1002 + offset) / ASSIGNMENT).iterdir()} >= {
        f"{ASSIGNMENT}.ipynb",
        f"{ASSIGNMENT}-1.ipynb",
    }
    assert not (submitted / str(1004 + offset)).exists()  # a .py and a .zip: no notebook
