"""The zip_collect plugin for Blackboard's file names: the student, the time and the file, wherever the download lies."""

import pytest

from autograder.lms_collector import BlackboardCollector

NAME = "bp_s40_attempt_2026-11-19-07-59-00_bp.ipynb"


@pytest.mark.parametrize("folder", ["/srv/course/downloaded/bp/extracted", "/home/wang_li/ml_course/downloaded/bp/extracted", ""])
def test_the_student_the_time_and_the_file_are_read_from_the_name_whatever_the_folders_are_called(folder):
    found = BlackboardCollector().collect(f"{folder}/{NAME}" if folder else NAME)
    assert found == {"student_id": "s40", "timestamp": "2026-11-19T07:59:00+00:00", "file_id": "bp"}


def test_a_file_named_otherwise_is_skipped():
    assert BlackboardCollector().collect("/srv/course/downloaded/bp/extracted/bp (1).ipynb") is None
