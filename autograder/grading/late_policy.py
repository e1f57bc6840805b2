"""The course's late policy: what share of a late submission's score it loses.

A submission loses ``penalty_per_period`` of its score for each started period of
``period_hours`` past its due date (the extension included), at most ``max_penalty`` of it;
past ``cutoff_hours`` it loses all of it. On time (0 seconds late, or early) it loses nothing.
course.yaml's ``late_policy`` gives the four numbers (declared here, read by autograder/grading/course.py).
"""

import math
from typing import Annotated

import msgspec
from msgspec import Meta

SECONDS_PER_HOUR = 3600

_Hours = Annotated[int, Meta(gt=0)] | Annotated[float, Meta(gt=0)]
_Fraction = Annotated[int, Meta(gt=0, le=1)] | Annotated[float, Meta(gt=0, le=1)]


class LatePolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A penalty per started period of lateness, capped, and the whole score past a cut-off.

    nbgrader's autograde takes it off the score it has then, so derivations graded later in
    formgrader are not in it (integration/late_penalty.py).
    """

    period_hours: Annotated[_Hours, Meta(description="the period of lateness, in hours")]
    penalty_per_period: Annotated[
        _Fraction, Meta(description="the fraction of the score lost per started period")
    ]
    max_penalty: Annotated[
        _Fraction, Meta(description="the most a submission loses before the cut-off")
    ]
    cutoff_hours: Annotated[
        _Hours, Meta(description="later than this many hours, the whole score is lost")
    ]

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
