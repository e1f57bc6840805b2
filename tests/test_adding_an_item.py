"""Adding a graded item as the guide says, in a copy of the course: course.yaml with one item's
points changed and a new bp item, the regularised error of Eq. (5.17), whose record catalogues one
mistake. The course loads, grading gives the changed course's totals, the mistake costs its item
alone and is named, and the simulated class keeps its size with the new mistake in it."""

import course_files
import numpy as np
import pytest
from submissions import with_functions, write
from worker_user import needs_worker

import source_impl
from autograder import items
from autograder.grading import misconceptions
from autograder.grading.course import load_course
from autograder.grading.grader import grade
from autograder.items import ItemRecord, Misconception
from simulated_class import students as simulated

ASSIGNMENT = "bp"
NEW = "regularised_error"
NEW_POINTS = 1.5
MORE_POINTS = 1.0  # added to the first bp item's
BEFORE = load_course().assignment(ASSIGNMENT)  # the shipped course's, read before any change


def regularised_error(errors, w, lam):
    """Eq. (5.17): E = λ·(1/m)·Σ_k E_k + (1 − λ)·Σ_i w_i²; errors (m,), w (n,), 0 < lam < 1; a float."""
    return float(lam * np.mean(errors) + (1 - lam) * np.sum(w**2))


RIGHT = """
def regularised_error(errors, w, lam):
    return float(lam * np.mean(errors) + (1 - lam) * np.sum(w ** 2))
"""
UNWEIGHTED = """
def regularised_error(errors, w, lam):
    return float(lam * np.mean(errors) + np.sum(w ** 2))
"""


def _arguments(rng):
    return rng.uniform(0, 1, 5), rng.normal(size=4), float(rng.uniform(0.1, 0.9))


RECORD = ItemRecord(
    id=NEW,
    generators={"general": _arguments},
    hint="(5.17)：两项各有权重 / (5.17): each of the two terms has its weight.",
    result_names=None,
    public_cases=((np.array([0.2, 0.4]), np.array([1.0, -1.0]), 0.5),),
    misconceptions=(
        Misconception(
            "unweighted_penalty",
            "正则项漏了 1 − λ / 1 − λ left out of the penalty",
            "(5.17) 的第二项也有权重",
            "the second term of (5.17) has a weight too",
            lambda errors, w, lam: float(lam * np.mean(errors) + np.sum(w**2)),
            UNWEIGHTED,
        ),
    ),
    purity_arguments=lambda: (np.array([0.2, 0.4]), np.array([1.0, -1.0]), 0.5),
)


@pytest.fixture
def course(tmp_path, monkeypatch):
    """The changed course, loaded, with the new item's reference and record registered."""
    monkeypatch.setattr(source_impl, NEW, regularised_error, raising=False)
    monkeypatch.setattr(source_impl, "__all__", [*source_impl.__all__, NEW])
    monkeypatch.setitem(items.ITEMS, NEW, RECORD)
    monkeypatch.setitem(items.RECORD_FILES, NEW, f"autograder/items/{ASSIGNMENT}.py")
    # the grader's catalog is a view of ITEMS taken at import
    monkeypatch.setitem(misconceptions.CATALOG, NEW, RECORD.misconceptions)
    data = course_files.shipped()
    bp = next(a for a in data["assignments"] if a["id"] == ASSIGNMENT)
    bp["items"][0]["points"] += MORE_POINTS
    bp["items"].append(
        {
            "id": NEW,
            "equation": "5.17",
            "function": NEW,
            "points": NEW_POINTS,
            "groups": [{"name": "general", "count": 6, "weight": 1.0}],
        }
    )
    path = course_files.write_course(tmp_path, data)
    return load_course(path)


def test_the_changed_course_loads_with_the_new_item_and_the_changed_points(course):
    after = course.assignment(ASSIGNMENT)
    assert [item.id for item in after.items] == [item.id for item in BEFORE.items] + [NEW]
    assert after.item_points == BEFORE.item_points + MORE_POINTS + NEW_POINTS
    assert after.total_points == BEFORE.total_points + MORE_POINTS + NEW_POINTS


@needs_worker
def test_grading_gives_the_changed_courses_totals_and_the_new_mistake_costs_its_item_alone(
    course, tmp_path
):
    points = course.assignment(ASSIGNMENT).item_points
    right = grade([write(tmp_path, with_functions(RIGHT), "right.py")], "s1", ASSIGNMENT, course)
    assert right.score == right.max_score == points
    wrong = grade(
        [write(tmp_path, with_functions(UNWEIGHTED), "wrong.py")], "s1", ASSIGNMENT, course
    )
    assert wrong.score == points - NEW_POINTS
    assert wrong.item(NEW).misconception == "unweighted_penalty"


def test_the_simulated_class_keeps_its_size_and_makes_the_new_mistake(course, monkeypatch):
    monkeypatch.setattr(simulated, "load_course", lambda: course)
    students = simulated.make_class()
    assert len(students) == simulated.DEFAULT_SIZE
    made = {key for s in students for mistakes in s.mistakes.values() for key in mistakes}
    assert made == set(simulated.MISTAKES) and (NEW, "unweighted_penalty") in made
