"""One test per graded item of the submission given with --submission (see conftest.py)."""

import pytest

from autograder.grading.results import GradeReport


def test_item(report: GradeReport, item_id: str) -> None:
    item = report.item(item_id)
    if item.score < item.max_score:
        pytest.fail(
            f"{item.id}: {item.score:g}/{item.max_score:g} ({item.status})\n{item.feedback}",
            pytrace=False,
        )
