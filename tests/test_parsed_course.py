"""course.yaml as parsed, kept beside course.py's bytecode: a grading command that finds it imports
no YAML; another text, another course file, a broken keep, an unwritable folder or data JSON does
not keep exactly are parsed as before."""

import json
import subprocess
import sys

import pytest
from course_files import course_text, shipped, write_course

from autograder import ROOT
from autograder.grading import course as registry
from autograder.grading.course import load_course


@pytest.fixture
def kit_course(tmp_path, monkeypatch):
    """A copy of course.yaml taken for the kit's own, its parse kept in tmp_path."""
    path = write_course(tmp_path, shipped())
    monkeypatch.setattr(registry, "COURSE_FILE", path)
    monkeypatch.setattr(registry, "PARSED_COURSE", tmp_path / "__pycache__" / "course.yaml.json")
    registry._course_of.cache_clear()  # this process's own memory of each text's course
    yield path
    registry._course_of.cache_clear()


def kept():
    return json.loads(registry.PARSED_COURSE.read_text(encoding="utf-8"))


def load_anew(path):
    registry._course_of.cache_clear()
    return load_course(path)


def test_the_first_load_keeps_the_parse_and_the_next_reads_it_instead_of_the_file(kit_course):
    course = load_course(kit_course)
    assert kept() == {"sha256": course.sha256, "data": shipped()}
    # what is kept is what is read: a title changed there, and only there, shows
    changed = kept()
    changed["data"]["course"]["title"] = "read from the kept parse"
    registry.PARSED_COURSE.write_text(json.dumps(changed), encoding="utf-8")
    assert load_anew(kit_course).title == "read from the kept parse"


def test_a_changed_file_is_parsed_again_and_its_parse_kept_instead(kit_course):
    load_course(kit_course)
    data = shipped()
    data["course"]["title"] = "changed"
    kit_course.write_text(course_text(data), encoding="utf-8")
    course = load_anew(kit_course)
    assert course.title == "changed"
    assert kept() == {"sha256": course.sha256, "data": data}


def test_a_broken_keep_is_parsed_past_and_replaced(kit_course):
    registry.PARSED_COURSE.parent.mkdir()
    registry.PARSED_COURSE.write_text('{"sha256": ', encoding="utf-8")
    course = load_course(kit_course)
    assert course.title == shipped()["course"]["title"]
    assert kept()["sha256"] == course.sha256


def test_data_json_does_not_keep_exactly_is_parsed_each_time_and_not_kept(kit_course):
    data = shipped()
    data["assignments"][0]["due"] = "DUE"
    # unquoted, YAML reads a date and time, which JSON has no word for
    text = course_text(data).replace("DUE", "2026-11-13T23:59:00+08:00")
    kit_course.write_text(text, encoding="utf-8")
    assert load_course(kit_course).assignment("perceptron").due is not None
    assert not registry.PARSED_COURSE.exists()


def test_another_course_file_is_not_kept(kit_course, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    load_course(write_course(tmp_path / "elsewhere", shipped()))
    assert not registry.PARSED_COURSE.exists()


def test_a_folder_where_nothing_can_be_written_keeps_nothing_and_the_course_loads(
    kit_course, tmp_path, monkeypatch
):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setattr(registry, "PARSED_COURSE", blocked / "course.yaml.json")
    assert load_course(kit_course).title == shipped()["course"]["title"]


def test_a_grading_process_that_finds_the_kits_course_kept_does_not_import_yaml():
    probe = (
        "import sys; from autograder.grading.course import load_course; "
        "load_course(); print('yaml' in sys.modules)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs[-1] == "False"  # the first run kept the parse, if it was not kept already
