"""The late policy's share of the score: nothing on time, a period's penalty from the first second
late, one more per started period, never above the cap, and the whole score past the cut-off."""

import pytest

from autograder.grading.course import load_course
from autograder.grading.late_policy import LatePolicy
from autograder.integration.late_penalty import CourseLatePenalty

HOUR = 3600
DAY = 24 * HOUR
POLICY = LatePolicy(period_hours=24, penalty_per_period=0.1, max_penalty=0.3, cutoff_hours=168)


@pytest.mark.parametrize("seconds", [0, -1, -DAY])
def test_an_on_time_or_early_submission_loses_nothing(seconds):
    assert POLICY.penalty_fraction(seconds) == 0


def test_one_second_late_loses_a_whole_periods_share():
    assert POLICY.penalty_fraction(1) == pytest.approx(0.1)


def test_the_end_of_a_period_is_still_in_it_and_the_next_second_starts_another():
    assert POLICY.penalty_fraction(DAY) == pytest.approx(0.1)
    assert POLICY.penalty_fraction(DAY + 1) == pytest.approx(0.2)


def test_the_penalty_stops_at_its_cap_until_the_cut_off():
    assert POLICY.penalty_fraction(3 * DAY + 1) == pytest.approx(0.3)
    assert POLICY.penalty_fraction(168 * HOUR) == pytest.approx(0.3)


def test_past_the_cut_off_the_whole_score_is_lost():
    assert POLICY.penalty_fraction(168 * HOUR + 1) == 1.0


def test_an_hourly_policy_counts_started_hours():
    hourly = LatePolicy(period_hours=1, penalty_per_period=0.02, max_penalty=1.0, cutoff_hours=72)
    assert hourly.penalty_fraction(59 * 60) == pytest.approx(0.02)
    assert hourly.penalty_fraction(HOUR + 1) == pytest.approx(0.04)


def test_the_plugin_gives_nbgrader_the_courses_share_of_the_score_in_points():
    policy = load_course().late_policy
    plugin = CourseLatePenalty()
    for seconds in (1, DAY + 1, 200 * HOUR):
        assert plugin.late_submission_penalty("s01", 12.0, seconds) == pytest.approx(
            12.0 * policy.penalty_fraction(seconds)
        )
