"""Grade rows of a derivation's cell as nbgrader's gradebook holds them, at each stage of its grading."""

from types import SimpleNamespace


def grade(auto_score=None, manual_score=None, extra_credit=None, needs_manual_grade=True):
    """A Grade row as nbgrader's gradebook holds it, with its score computed as nbgrader computes it."""
    score = (
        manual_score if manual_score is not None else auto_score if auto_score is not None else 0.0
    )
    if extra_credit is not None and (manual_score is not None or auto_score is not None):
        score += extra_credit
    return SimpleNamespace(
        auto_score=auto_score,
        manual_score=manual_score,
        extra_credit=extra_credit,
        needs_manual_grade=needs_manual_grade,
        score=score,
    )


ANSWERED = grade()  # autograde: no score, needs a person
# autograde: the cell as released, nbgrader's 0
BLANK_ANSWER = grade(auto_score=0.0, needs_manual_grade=False)
GRADED_ANSWER = grade(manual_score=1.5, needs_manual_grade=False)  # formgrader: a person's 1.5
# autograded again after the grade: to be looked at again
REGRADED = grade(manual_score=1.5, needs_manual_grade=True)
