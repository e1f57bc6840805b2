"""Grade one submission: every item of its assignment, case by case, against the reference.

The grader computes the expected values here, in its own process; the student's functions
run in a worker (``sandbox``). A crash or hang costs only the item it hit: the item stops
there and the next call starts a fresh worker. Once the submission's time limit is spent,
the items not yet graded score 0 with status ``timeout``.

A grade measures one equation (the spec's grading policy):
- while an item's function runs, the graded functions listed before it in its assignment that
  did not pass their own item are the reference's (stand-ins computed here, in the grader), so a
  mistake in a helper costs the helper's item only; the feedback says when the student's own
  helper would have made it fail;
- an item's score is the weighted share of the cases it passes among those that tell every
  catalogued mistake of the item from the right answer: a case where a known wrong variant
  agrees with the reference (a saturated sigmoid, η → 0) proves nothing of the logic;
- a recognised mistake scores the larger of that share and its course.yaml credit; answers
  copied from the public self-check score 0.
"""

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from autograder.grading import attempts, cases
from autograder.grading.cases import Case
from autograder.grading.course import Course, Item, load_course
from autograder.grading.feedback import own_helpers_note
from autograder.grading.provenance import provenance
from autograder.grading.results import CRASHED, PASSED, TIMEOUT, GradeReport, ItemResult
from autograder.grading.scoring import compared, item_result, quietly
from autograder.grading.session import Session, StandIns, stand_ins
from autograder.grading.submission import Submission, SubmissionError, read
from autograder.items.record import Value
from autograder.sandbox.process import OK, Outcome, Worker, WorkerDied
from autograder.sandbox.scratch import Scratch


def grade(
    paths: Iterable[str | Path],
    student: str,
    assignment_id: str | None = None,
    course: Course | None = None,
    worker: Worker | None = None,
    attempt: int = 1,
    attempt_log: str | Path | None = None,
) -> GradeReport:
    """Grade the submission made of ``paths`` for ``student``, its ``attempt``-th; return a GradeReport.

    With ``attempt_log`` (a folder, see attempts.py) the attempt is the submission's place among the
    student's different submissions logged there, and ``attempt`` is not used.

    ``assignment_id`` may be left out for a notebook: it is inferred from the functions the
    notebook defines, or from its folder's name. Raises SubmissionError or CourseError when
    grading cannot start, GraderError when no worker can run.

    The first worker starts at once, to import NumPy while the submission is read; ``worker``
    is one started earlier (``Worker(Scratch())``, not loaded), which grading takes over and
    closes, with its scratch folder.
    """
    with worker.scratch if worker else Scratch() as scratch:
        session = Session(scratch, worker or Worker(scratch))
        try:
            course = course or load_course()
            submission = read(paths)
            assignment = course.assignment(assignment_of(submission, assignment_id, course))
            if attempt_log is not None:
                attempt = attempts.attempt_of(
                    attempt_log, assignment.id, student, submission.source
                )
            scratch.write_submission(submission.source)
            session.start(course.timeouts)
            graded: list[_Graded] = []
            for item in assignment.items:
                # a helper that passed needs no stand-in
                wrong = [g.item for g in graded if g.result.status != PASSED]
                graded.append(
                    _grade_item(
                        item,
                        stand_ins(wrong),
                        course,
                        cases.item_seed(
                            course.base_seed, course.id, item.assignment, student, item.id, attempt
                        ),
                        session,
                        submission.problems,
                    )
                )
            items = tuple(_note_own_helpers(graded, submission, session))
        finally:
            session.close()
    seeds = {g.item.id: g.seed for g in graded}  # as drawn, from the attempt's seeds
    return GradeReport(
        student=student,
        assignment=assignment.id,
        items=items,
        attempt=attempt,
        provenance=provenance(course, submission.source, seeds, attempt),
    )


def _note_own_helpers(
    graded: Sequence["_Graded"], submission: Submission, session: Session
) -> Iterator[ItemResult]:
    """Each item's result, with a note where the student's own helpers would have made it fail.

    The item was graded with the reference standing in for the graded functions before it that did
    not pass; where it reaches some of those through the student's own calls, its cases that passed
    are run again with the student's own functions, up to the first that fails. A helper that
    crashed or hung would surely have made it fail: it is not run again.
    """
    status = {g.result.function: g.result.status for g in graded}
    for g in graded:
        # the submission's calls are read only where a stand-in was given: often nowhere
        helpers = (
            sorted(_reached(submission, g.result.function) & g.stand_ins.keys())
            if g.stand_ins
            else []
        )
        passed = [case for case, r in zip(g.cases, g.result.cases) if r.passed]
        if not helpers or not passed or g.died:
            yield g.result
            continue
        where: tuple[str, str] | None = None  # the case it fails on, unless a helper died
        if not any(status[helper] in (CRASHED, TIMEOUT) for helper in helpers):
            failed = _first_failing(g.item, passed, g.expected, session)
            if failed is None:
                yield g.result
                continue
            where = f"（第 {failed.number} 个用例）", f" (case {failed.number})"
        note = own_helpers_note(g.result.function, helpers, where)
        yield dataclasses.replace(
            g.result,
            feedback=f"{g.result.feedback}\n{note}",
            student_feedback=f"{g.result.student_feedback}\n{note}",
        )


def _reached(submission: Submission, function: str) -> set[str]:
    """The names the student's function calls, directly or through the student's other functions."""
    reached: set[str] = set()
    frontier = [function]
    while frontier:
        for name in submission.functions_called_by(frontier.pop()) - reached - {function}:
            reached.add(name)
            frontier.append(name)
    return reached


def _first_failing(
    item: Item, item_cases: Sequence[Case], expected: Sequence[Value], session: Session
) -> Case | None:
    """The first of item_cases whose call, with no stand-ins, does not give the expected value (or dies); else None."""
    answered = 0
    try:
        for case, outcome in zip(
            item_cases,
            # each call sent when the last has been compared: the first failing one ends the search
            session.outcomes(item.function, (c.args for c in item_cases), {}, ahead=False),
        ):
            answered += 1
            if (
                outcome.kind != OK
                or compared(expected[case.number - 1], outcome.value, item) is not None
            ):
                return case
    except WorkerDied:  # a helper that crashes or hangs makes its caller fail as surely
        return item_cases[min(answered, len(item_cases) - 1)]
    return None


def assignment_of(submission: Submission, assignment_id: str | None, course: Course) -> str:
    """The assignment id given, or for a notebook the one inferred; SubmissionError for a .py without one."""
    if assignment_id is not None:
        return assignment_id
    if not any(path.suffix == ".ipynb" for path in submission.paths):
        raise SubmissionError("a .py submission needs --assignment")
    return submission.infer_assignment(course)


@dataclass(frozen=True)
class _Graded:
    """An item's result with what grading it used: its stand-ins, cases and expected values, and a crash if any."""

    item: Item
    seed: int  # the seed its cases were drawn from, as the provenance records it
    stand_ins: StandIns
    cases: list[Case]
    expected: list[Value]
    result: ItemResult
    died: WorkerDied | None


def _grade_item(
    item: Item,
    stand_ins: StandIns,
    course: Course,
    seed: int,
    session: Session,
    submission_problems: Iterable[str],
) -> _Graded:
    item_cases = cases.generate(item, seed)
    outcomes: list[Outcome] = []
    expected: list[Value] = []
    died: WorkerDied | None = None
    try:  # the case's arguments are pickled on the way: the worker gets copies
        for outcome in session.outcomes(
            item.function, (case.args for case in item_cases), stand_ins
        ):
            outcomes.append(outcome)
            # computed here, while the worker runs the next cases
            expected.append(quietly(item.reference, item_cases[len(expected)]))
    except WorkerDied as error:
        died = error
    expected += [quietly(item.reference, case) for case in item_cases[len(expected) :]]
    result = item_result(
        item,
        seed,
        item_cases,
        expected,
        outcomes,
        died,
        tuple(submission_problems) + session.problems,
        show_case=course.feedback == "case",
    )
    return _Graded(item, seed, stand_ins, item_cases, expected, result, died)
