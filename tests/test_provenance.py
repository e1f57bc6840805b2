"""A grade's provenance: the report says what it was computed from (the source's SHA-256, the kit's
version, course.yaml's SHA-256, each item's seed and settings), and two provenances name what
changed for an item."""

import copy
import hashlib
import importlib.metadata

import course_files
import pytest
from submissions import reference_source, with_functions, write
from worker_user import needs_worker

from autograder.grading import cases
from autograder.grading.course import COURSE_FILE, load_course, parse_course
from autograder.grading.grader import grade
from autograder.grading.provenance import changes, provenance
from autograder.grading.submission import read

COURSE = load_course()


@pytest.fixture(scope="module")
def reference_report(tmp_path_factory):
    path = write(tmp_path_factory.mktemp("reference"), reference_source())
    return path, grade([path], "alice", "perceptron")


@needs_worker
def test_the_report_records_the_source_the_kit_and_the_course_it_was_graded_with(
    reference_report,
):
    path, report = reference_report
    recorded = report.to_dict()["provenance"]
    assert recorded["submission_sha256"] == hashlib.sha256(read([path]).source.encode()).hexdigest()
    assert recorded["kit_version"] == importlib.metadata.version("watermelon-ch5-kit")
    assert recorded["course_sha256"] == hashlib.sha256(COURSE_FILE.read_bytes()).hexdigest()
    assert recorded["tampered"] is None  # only nbgrader's kernel can show a tampering


@needs_worker
def test_the_report_records_each_items_seed_and_settings(reference_report):
    _, report = reference_report
    items = report.provenance["items"]
    assert list(items) == [item.id for item in COURSE.assignment("perceptron").items]
    for item in COURSE.assignment("perceptron").items:
        seed = cases.item_seed(COURSE.base_seed, COURSE.id, "perceptron", "alice", item.id)
        assert items[item.id] == {
            "seed": seed,
            "points": item.points,
            "tolerance": {"rtol": item.tolerance.rtol, "atol": item.tolerance.atol},
            "groups": [[g.name, g.count, g.weight] for g in item.groups],
        }


@needs_worker
def test_another_source_is_another_submission(tmp_path, reference_report):
    _, report = reference_report
    changed = with_functions("def augment(X):\n    return X\n")
    other = grade([write(tmp_path, changed)], "alice", "perceptron").provenance
    assert changes(report.provenance, other, "augment") == ["submission"]


def shipped_with(path, value):
    data = course_files.shipped()
    target = copy.deepcopy(data)
    node = target
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return parse_course(target)


# assignments[0] is perceptron; its items[2] is distance_to_hyperplane
@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        (["assignments", 0, "items", 2, "tolerance"], {"rtol": 1e-4, "atol": 1e-10}, "tolerance"),
        (["assignments", 0, "items", 2, "points"], 2, "points"),
        (
            ["assignments", 0, "items", 2, "groups"],
            [
                {"name": "general", "count": 8, "weight": 0.7},
                {"name": "on_hyperplane", "count": 2, "weight": 0.3},
            ],
            "cases",
        ),
    ],
)
def test_a_change_of_course_yaml_names_the_items_setting_that_changed(path, value, reason):
    seeds = {item.id: 1 for item in COURSE.assignment("perceptron").items}
    before = provenance(COURSE, "source", seeds, 1)
    after = provenance(shipped_with(path, value), "source", seeds, 1)
    assert changes(before, after, "distance_to_hyperplane") == [reason]
    assert changes(before, after, "augment") == []


@needs_worker
def test_another_seed_and_another_kit_are_named(reference_report):
    _, report = reference_report
    other = copy.deepcopy(report.provenance)
    other["items"]["augment"]["seed"] += 1
    other["kit_version"] = "0.0.0"
    assert changes(report.provenance, other, "augment") == ["seed", "kit version"]
    assert changes(report.provenance, other, "perceptron_loss") == ["kit version"]
