"""The course's late policy: what share of a late submission's score it loses.

A submission loses ``penalty_per_period`` of its score for each started period of
``period_hours`` past its due date (the extension included), at most ``max_penalty`` of it;
past ``cutoff_hours`` it loses all of it. On time (0 seconds late, or early) it loses nothing.
course.yaml's ``late_policy`` gives the four numbers (autograder/grading/course.py checks them).
"""

import math
from dataclasses import dataclass

SECONDS_PER_HOUR = 3600


@dataclass(frozen=True)
class LatePolicy:
    """A penalty per started period of lateness, capped, and the whole score past a cut-off."""

    period_hours: float
    penalty_per_period: float  # fraction of the score, per started period
    max_penalty: float  # fraction of the score, the most a submission loses before the cut-off
    cutoff_hours: float  # later than this, the score is 0

    def penalty_fraction(self, seconds_late: float) -> float:
        """The fraction of the score, in [0, 1], that a submission seconds_late (≥ 0) past its due date loses."""
        if seconds_late <= 0:
            return 0.0
        if seconds_late > self.cutoff_hours * SECONDS_PER_HOUR:
            return 1.0
        periods = math.ceil(seconds_late / (self.period_hours * SECONDS_PER_HOUR))
        return min(periods * self.penalty_per_period, self.max_penalty)

    def describe(self) -> str:
        """The policy in a sentence, for the class report."""
        return (
            f"{self.penalty_per_period:.0%} of the score per started {self.period_hours:g} h late, "
            f"at most {self.max_penalty:.0%}; more than {self.cutoff_hours:g} h late: 0"
        )
