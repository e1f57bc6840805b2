"""The misconception catalog: every variant is a real, detectable mistake, and course.yaml's
credit for one is what it scores. That a notebook with exactly one catalogued mistake has it
named, with its hint, and loses that item only is tests/test_grading_policy.py's."""

import course_files
import pytest
from submissions import with_functions, write
from worker_user import needs_worker

from autograder.grading import cases
from autograder.grading.compare import compare
from autograder.grading.course import load_course, parse_course
from autograder.grading.grader import grade
from autograder.items import ITEMS as RECORDS

COURSE = load_course()
ITEMS = {item.id: item for item in COURSE.items()}
VARIANTS = [(item_id, m.id) for item_id, record in RECORDS.items() for m in record.misconceptions]


def misconception(item_id, variant_id):
    return next(m for m in RECORDS[item_id].misconceptions if m.id == variant_id)


def test_the_misconception_ids_of_an_item_are_unique():
    for item_id, record in RECORDS.items():
        ids = [m.id for m in record.misconceptions]
        assert len(ids) == len(set(ids)), item_id


@pytest.mark.parametrize("item_id, variant_id", VARIANTS)
def test_a_variant_differs_from_the_reference_on_some_hidden_case(item_id, variant_id):
    item = ITEMS[item_id]
    variant = misconception(item_id, variant_id).variant
    differs = 0
    for case in cases.generate(item, seed=7):
        try:
            value = variant(*case.arguments())
        except Exception:
            differs += 1
            continue
        differs += compare(item.reference(*case.arguments()), value, item.tolerance) is not None
    assert differs > 0


@needs_worker
def test_course_yaml_can_give_a_misconception_a_share_of_the_points(tmp_path):
    data = course_files.shipped()
    delta_theta = next(i for i in data["assignments"][1]["items"] if i["id"] == "delta_theta")
    delta_theta["misconception_credit"] = {"wrong_sign": 0.25}
    course = parse_course(data)
    report = grade(
        [
            write(
                tmp_path, with_functions(misconception("delta_theta", "wrong_sign").student_source)
            )
        ],
        "s1",
        "bp",
        course=course,
    )
    result = report.item("delta_theta")
    share = 0.25 * delta_theta["points"]
    assert (result.score, result.status, result.misconception) == (share, "partial", "wrong_sign")


@needs_worker
def test_a_wrong_function_that_is_no_catalogued_mistake_is_not_named(tmp_path):
    source = with_functions("def delta_theta(eta, g):\n    return -eta * g + 1e-3\n")
    result = grade([write(tmp_path, source)], "s1", "bp").item("delta_theta")
    assert result.misconception is None and result.status == "failed"
