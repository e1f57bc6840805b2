"""The hidden graders on the course's own notebooks: the solutions earn every point, the
student versions none, each item `not_implemented`."""

import pytest
from notebooks import ASSIGNMENTS, notebook_path
from worker_user import needs_worker

from autograder.grading.grader import grade

pytestmark = needs_worker


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_solution_notebook_gets_full_marks(assignment):
    report = grade([notebook_path("solutions", assignment)], "instructor")
    assert report.assignment == assignment
    assert [item.status for item in report.items] == ["passed"] * len(report.items)
    assert all(item.score == item.max_score for item in report.items)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_student_version_gets_zero_with_every_item_not_implemented(assignment):
    report = grade([notebook_path("assignments", assignment)], "s001")
    assert report.assignment == assignment
    assert [item.status for item in report.items] == ["not_implemented"] * len(report.items)
    assert sum(item.score for item in report.items) == 0
