"""The course's late policy as nbgrader's late-submission plugin, so plain `nbgrader autograde` applies it.

nbgrader_config.py sets ``AssignLatePenalties.plugin_class`` to ``CourseLatePenalty``. nbgrader
asks it for a late notebook's penalty in points, given the notebook's score and how many seconds
past the submission's due date (the extension included) it came; the gradebook keeps the
penalty as the notebook's ``late_submission_penalty`` and `nbgrader export` shows it.
"""

from nbgrader.plugins import LateSubmissionPlugin

from autograder.grading.course import load_course


class CourseLatePenalty(LateSubmissionPlugin):
    """course.yaml's late_policy: a share of the score per started period late, capped; all of it past the cut-off."""

    def late_submission_penalty(
        self, student_id: str, score: float, total_seconds_late: float
    ) -> float | None:
        """The penalty in points (0 ≤ penalty ≤ score), or None where course.yaml has no late policy."""
        policy = load_course().late_policy
        if policy is None:
            return None
        return score * policy.penalty_fraction(total_seconds_late)
