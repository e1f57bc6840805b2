"""What grading produces: per case, per item and per submission; items and submissions have ``to_dict()``.

``GradeReport.to_dict()`` is the JSON every interface writes:
{"student", "assignment", "attempt", "score", "max_score", "items": [{"id", "function", "equation",
"score", "max_score", "status", "misconception", "feedback", "student_feedback"}],
"provenance": what the grade was computed from (grading/provenance.py)}.

``feedback`` is for instructors and names the first failing hidden case with its arguments
and the seed; ``student_feedback`` is what a student sees (nbgrader's feedback, Gradescope):
with course.yaml's ``feedback: case`` (the default) that student's own first failing case
whole, and no other case's values; with ``summary``, no value of a hidden case.
"""

from dataclasses import dataclass, field
from typing import Any

# A JSON object and a value in one, as ``to_dict`` writes them
JSONValue = Any
JSONObject = dict[str, JSONValue]

PASSED, PARTIAL, FAILED, NOT_IMPLEMENTED = "passed", "partial", "failed", "not_implemented"
# raised an exception; the process died; no answer in time
ERROR, CRASHED, TIMEOUT = (
    "error",
    "crashed",
    "timeout",
)
STATUSES = (PASSED, PARTIAL, FAILED, ERROR, CRASHED, TIMEOUT, NOT_IMPLEMENTED)
DECIMALS = 6  # scores are rounded so that the JSON of a regrade is identical text


def scores_differ(score: float | None, reported: float) -> bool:
    """Whether a score (None where there is none) differs from a report's, beyond the rounding of DECIMALS."""
    return score is None or abs(score - reported) > 10.0**-DECIMALS


@dataclass(frozen=True)
class CaseResult:
    """One hidden case: passed, or the layer that failed (missing, exception, type, …) and why."""

    group: str
    number: int
    passed: bool
    layer: str = ""
    message: str = ""


@dataclass(frozen=True)
class ItemResult:
    id: str
    function: str
    equation: str
    score: float
    max_score: float
    status: str
    misconception: str | None
    feedback: str
    student_feedback: str
    # the CaseResults, for instructors; not in the JSON
    cases: tuple[CaseResult, ...] = field(default=(), compare=False)

    def to_dict(self) -> JSONObject:
        return {
            "id": self.id,
            "function": self.function,
            "equation": self.equation,
            "score": round(self.score, DECIMALS),
            "max_score": self.max_score,
            "status": self.status,
            "misconception": self.misconception,
            "feedback": self.feedback,
            "student_feedback": self.student_feedback,
        }


@dataclass(frozen=True)
class GradeReport:
    student: str
    assignment: str
    items: tuple[ItemResult, ...]
    attempt: int = 1  # the submission's attempt, which drew its cases (cases.item_seed)
    provenance: JSONObject | None = field(default=None, compare=False)

    @property
    def score(self) -> float:
        return round(sum(item.score for item in self.items), DECIMALS)

    @property
    def max_score(self) -> float:
        return sum(item.max_score for item in self.items)

    def item(self, item_id: str) -> ItemResult:
        return next(item for item in self.items if item.id == item_id)

    def to_dict(self) -> JSONObject:
        return {
            "student": self.student,
            "assignment": self.assignment,
            "attempt": self.attempt,
            "score": self.score,
            "max_score": self.max_score,
            "items": [item.to_dict() for item in self.items],
            "provenance": self.provenance,
        }

    def to_gradescope(
        self, visibility: str = "visible", stdout_visibility: str = "hidden"
    ) -> JSONObject:
        """Gradescope's results.json: one test per item, each shown to the student as ``visibility`` says."""
        return {
            "score": self.score,
            "stdout_visibility": stdout_visibility,
            "tests": [
                {
                    "name": f"{item.id} ({item.equation})",
                    "score": round(item.score, DECIMALS),
                    "max_score": item.max_score,
                    "output": item.student_feedback,
                    "visibility": visibility,
                    "status": "passed" if item.score >= item.max_score else "failed",
                }
                for item in self.items
            ],
        }

    def table(self) -> str:
        """A short text table: one line per item, then the total."""
        width = max(len(item.id) for item in self.items)
        lines = [f"{'item':<{width}}  {'score':>11}  {'status':<15}  misconception"]
        for item in self.items:
            score = f"{item.score:.2f}/{item.max_score:g}"
            lines.append(
                f"{item.id:<{width}}  {score:>11}  {item.status:<15}  {item.misconception or ''}".rstrip()
            )
        lines.append(f"{'total':<{width}}  {f'{self.score:.2f}/{self.max_score:g}':>11}")
        return "\n".join(lines)
