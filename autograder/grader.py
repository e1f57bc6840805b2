"""Grade one submission: every item of its assignment, case by case, against the reference.

The grader computes the expected values here, in its own process; the student's functions
run in a worker (``sandbox``). A crash or hang costs only the item it hit: the item stops
there and the next call starts a fresh worker. Once the submission's time limit is spent,
the items not yet graded score 0 with status ``timeout``.
"""

import copy
import dataclasses
import math
import time
import warnings

import numpy as np

from . import cases, misconceptions, public_cases
from .compare import FINITE, SHAPE, TYPE, VALUES, compare, describe
from .course import load_course
from .results import CRASHED, DECIMALS, ERROR, FAILED, NOT_IMPLEMENTED, PARTIAL, PASSED, TIMEOUT, CaseResult, GradeReport, ItemResult
from .sandbox import MISSING, OK, RAISED, UNSENDABLE, Scratch, Worker, WorkerDied, check_worker_starts
from .sandbox import NOT_IMPLEMENTED as CALL_NOT_IMPLEMENTED
from .sandbox import TIMEOUT as CALL_TIMEOUT
from .submission import SubmissionError, read


def grade(paths, student, assignment_id=None, course=None, worker=None):
    """Grade the submission made of ``paths`` for ``student``; return a GradeReport.

    ``assignment_id`` may be left out for a notebook: it is inferred from the functions the
    notebook defines, or from its folder's name. Raises SubmissionError or CourseError when
    grading cannot start, GraderError when no worker can run.

    The first worker starts at once, to import NumPy while the submission is read; ``worker``
    is one started earlier (``Worker(Scratch())``, not loaded), which grading takes over and
    closes, with its scratch folder.
    """
    with (worker.scratch if worker else Scratch()) as scratch:
        session = _Session(scratch, worker or Worker(scratch))
        try:
            course = course or load_course()
            submission = read(paths)
            assignment = course.assignment(assignment_of(submission, assignment_id, course))
            scratch.write_submission(submission.source)
            session.start(course.timeouts)
            items = tuple(_grade_item(item, course, student, session, submission.problems) for item in assignment.items)
        finally:
            session.close()
    return GradeReport(student=student, assignment=assignment.id, items=_note_failing_callees(items, submission))


def _note_failing_callees(items, submission):
    """Tell a failing item which of the student's own failing functions it calls: those come first.

    Each item is graded on the reference's inputs, but a notebook's bp_step calls the student's
    own delta_theta; a wrong delta_theta makes bp_step fail too, and the feedback should say so.
    """
    failing = {item.function for item in items if item.status != PASSED}
    noted = []
    for item in items:
        callees = sorted((submission.functions_called_by(item.function) & failing) - {item.function})
        if item.status != PASSED and callees:
            names = ", ".join(callees)
            those = "that" if len(callees) == 1 else "those"
            note = f"It calls your {names}, which did not pass either: fix {those} first (它调用了你的 {names}，请先改正)."
            item = dataclasses.replace(item, feedback=f"{item.feedback}\n{note}")
        noted.append(item)
    return tuple(noted)


def assignment_of(submission, assignment_id, course):
    """The assignment id given, or for a notebook the one inferred; SubmissionError for a .py without one."""
    if assignment_id is not None:
        return assignment_id
    if not any(path.suffix == ".ipynb" for path in submission.paths):
        raise SubmissionError("a .py submission needs --assignment")
    return submission.infer_assignment(course)


class _Session:
    """The worker of the moment and the submission's clock; a fresh worker after each crash."""

    def __init__(self, scratch, spare):
        self._scratch, self._spare, self._worker = scratch, spare, None  # spare: started, not loaded
        self._load_failure = None  # loading is deterministic: a failed load is not retried
        self.problems = ()

    def start(self, timeouts):
        """Start the submission's clock: the submission is in the scratch folder now."""
        self._timeouts = timeouts
        self._deadline = time.monotonic() + timeouts.per_submission_seconds

    def outcomes(self, function, argument_lists):
        """The Outcome of each call function(*args) in order, none after a missing function.

        Each next call runs in the worker while the caller compares the last one's result.
        Raises WorkerDied when the worker crashed or hung; it is replaced on the next call.
        """
        pending = iter(argument_lists)
        args = next(pending, None)
        if args is not None:
            self._send(function, args)
        while args is not None:
            outcome = self._answer()
            args = None if outcome.kind == MISSING else next(pending, None)
            failed = None
            if args is not None:
                try:
                    self._send(function, args)
                except WorkerDied as died:  # the outcome in hand still counts
                    failed = died
            yield outcome
            if failed:
                raise failed

    def _send(self, function, args):
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            seconds = self._timeouts.per_submission_seconds
            raise WorkerDied(CALL_TIMEOUT, "the submission's time limit was reached before this item", f"was not run: the submission's time limit of {seconds:g} s was spent")
        if self._load_failure:
            raise self._load_failure
        if self._worker is None:
            worker, self._spare = self._spare or Worker(self._scratch), None
            try:
                self._worker = worker.load(self._timeouts)
            except WorkerDied as died:
                check_worker_starts(self._timeouts)  # the submission's fault, or the grader's?
                self._load_failure = died
                raise
            self.problems = tuple(self._worker.problems)
        try:
            self._worker.send(function, args, min(self._timeouts.per_call_seconds, remaining))
        except WorkerDied:
            self._worker = None
            raise

    def _answer(self):
        try:
            return self._worker.answer()
        except WorkerDied:
            self._worker = None
            raise

    def close(self):
        for worker in (self._worker, self._spare):
            if worker is not None:
                worker.close()


def _grade_item(item, course, student, session, submission_problems):
    seed = cases.item_seed(course.base_seed, course.id, item.assignment, student, item.id)
    item_cases = cases.generate(item, seed)
    results, outcomes, died = [], [], None
    calls = session.outcomes(item.function, (case.args for case in item_cases))  # pickled on the way: the worker gets copies
    try:
        for case, outcome in zip(item_cases, calls):
            outcomes.append(outcome)
            try:
                results.append(_case_result(case, outcome, item))
            except Exception as error:  # a result no comparison layer foresaw costs its case, not the submission
                message = f"the result could not be compared: {type(error).__name__}: {error}"
                results.append(CaseResult(case.group, case.number, False, "type", message))
    except WorkerDied as error:
        died = error
    problems = tuple(submission_problems) + session.problems
    return _item_result(item, seed, item_cases, results, outcomes, died, problems)


def _case_result(case, outcome, item):
    if outcome.kind == OK:
        mismatch = compare(item.reference(*case.arguments()), outcome.value, item.tolerance)
        if mismatch is None:
            return CaseResult(case.group, case.number, True)
        return CaseResult(case.group, case.number, False, mismatch.layer, mismatch.message)
    messages = {
        MISSING: f"your submission defines no function {item.function}",
        CALL_NOT_IMPLEMENTED: "raised NotImplementedError (尚未完成 / not implemented yet)",
        RAISED: f"raised {outcome.message}",
        UNSENDABLE: f"{outcome.message}; return NumPy arrays, numbers, tuples or lists",
    }
    return CaseResult(case.group, case.number, False, outcome.kind, messages[outcome.kind])


def _item_result(item, seed, item_cases, results, outcomes, died, problems):
    score = item.points * _passed_share(item, results)
    misconception = None if died or all(r.passed for r in results) else _recognised_or_none(item, item_cases, outcomes)
    status = _status(item_cases, results, died)
    if misconception:
        score = item.points * item.misconception_credit.get(misconception.id, 0.0)
        status = PARTIAL if score > 0 else FAILED
    feedback = _feedback(item, seed, item_cases, results, outcomes, died, misconception, problems)
    student_feedback = _student_feedback(item, item_cases, results, outcomes, died, misconception, problems)
    return ItemResult(
        id=item.id,
        function=item.function,
        equation=item.equation,
        score=score,
        max_score=item.points,
        status=status,
        misconception=misconception.id if misconception else None,
        feedback=feedback,
        student_feedback=student_feedback,
        cases=tuple(results),
    )


def _passed_share(item, results):
    """Σ over the groups of weight × (passed cases of the group / its count); unrun cases count as failed.

    Rounded, so that the weights 0.6 + 0.2 + 0.2 of an item passed in full give exactly 1.
    """
    share = math.fsum(group.weight * sum(r.passed for r in results if r.group == group.name) / group.count for group in item.groups)
    return round(share, DECIMALS)


def _status(item_cases, results, died):
    if died:
        return TIMEOUT if died.kind == CALL_TIMEOUT else CRASHED
    passed = sum(r.passed for r in results)
    if passed == len(item_cases):
        return PASSED
    if passed:
        return PARTIAL
    if results and all(r.layer == CALL_NOT_IMPLEMENTED for r in results):
        return NOT_IMPLEMENTED
    if any(r.layer in (RAISED, UNSENDABLE) for r in results):
        return ERROR
    return FAILED


def _recognised_or_none(item, item_cases, outcomes):
    try:
        return _recognise(item, item_cases, outcomes)
    except Exception:  # an odd result that no variant can be compared with is no recognised mistake
        return None


def _recognise(item, item_cases, outcomes):
    """The first catalogued variant whose outputs the student's match on every case, or None.

    Answers that are all among the public self-check's answers are recognised first: a
    hard-coded answer may coincide with a hidden case's (a loss of 0), but not with all of them.
    """
    if len(outcomes) < len(item_cases):
        return None
    public = public_answers(item)
    all_public = all(o.kind == OK and any(compare(p, o.value, item.tolerance) is None for p in public) for o in outcomes)
    if all_public and not all(_zero(o.value) for o in outcomes):
        return misconceptions.PUBLIC_ANSWERS
    for misconception in misconceptions.CATALOG.get(item.id, ()):
        if all(_matches(misconception.variant, case, outcome, item) for case, outcome in zip(item_cases, outcomes)):
            return misconception
    return None


def _zero(value):
    """All zeros: what an honest but wrong function may return whatever it is asked (a loss of 0)."""
    if isinstance(value, (tuple, list)):
        return all(_zero(part) for part in value)
    try:
        return bool(np.all(np.asarray(value, dtype=float) == 0))
    except (TypeError, ValueError):
        return False


def _matches(variant, case, outcome, item):
    """The student's outcome equals the variant's on this case (both raising counts as equal)."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            expected = variant(*case.arguments())
    except Exception:  # a variant undefined on this case (say wᵀ of a non-square w): so is the student's
        return outcome.kind == RAISED
    return outcome.kind == OK and compare(expected, outcome.value, item.tolerance) is None


def public_answers(item):
    """The reference's results on the public self-check cases of the item's function."""
    _, _, public = public_cases.CASES[item.function]
    live = ([np.random.default_rng(a["rng_seed"]) if isinstance(a, dict) else copy.deepcopy(a) for a in args] for args in public)
    return [item.reference(*args) for args in live]


def _feedback(item, seed, item_cases, results, outcomes, died, misconception, problems):
    passed = sum(r.passed for r in results)
    lines = [f"{passed}/{len(item_cases)} hidden cases passed (seed {seed})."]
    if misconception:
        lines.append(f"识别出的常见错误 Recognised mistake: {misconception.name}. 提示 Hint: {misconception.hint}")
    failing = next((r for r in results if not r.passed), None)
    if failing:
        case = item_cases[failing.number - 1]
        lines.append(f"First failing case: case {case.number} (group {case.group}; arguments {_arguments(case.args)}): {failing.message}")
    if died:
        case = item_cases[len(results)]
        lines.append(f"Case {case.number} (group {case.group}): {died}; the remaining cases of this item were not run.")
    mutated = next(((o, r) for o, r in zip(outcomes, results) if o.mutated), None)
    if mutated:
        arguments = ", ".join(str(n) for n in mutated[0].mutated)
        lines.append(
            f"Note: case {mutated[1].number} changed argument {arguments} in place; compute new arrays instead (请不要原地修改输入)."
        )
    if problems and passed < len(item_cases):
        lines.append("While loading your code: " + "; ".join(problems))
    return "\n".join(lines)


# What went wrong, in words that hold no value of the hidden case (its arguments or answer).
_LAYER_TEXT = {
    TYPE: "the result has the wrong type (返回值类型不对)",
    SHAPE: "the result has the wrong shape (形状不对)",
    FINITE: "the result holds NaN or inf (结果含 NaN 或 inf)",
    VALUES: "the values differ from the reference's (数值不对)",
    RAISED: "your function raised an exception (抛出了异常)",
}


def _student_feedback(item, item_cases, results, outcomes, died, misconception, problems):
    """The feedback a student may see: counts, the recognised mistake, what failed; never a hidden case's values."""
    passed = sum(r.passed for r in results)
    lines = [f"{passed}/{len(item_cases)} hidden cases passed."]
    if misconception:
        lines.append(f"识别出的常见错误 Recognised mistake: {misconception.name}. 提示 Hint: {misconception.hint}")
    failing = next((r for r in results if not r.passed), None)
    if failing:
        lines.append(f"First failing case: case {failing.number}: {_failure_in_words(failing)}.")
    if died:
        in_words = "超时 timed out" if died.kind == CALL_TIMEOUT else "崩溃 crashed"
        lines.append(f"Case {len(results) + 1}: {item.function} {died.reason} ({in_words}); the remaining cases of this item were not run.")
    if any(o.mutated for o in outcomes):
        lines.append("Note: your function changed an argument in place; compute new arrays instead (请不要原地修改输入).")
    if problems and passed < len(item_cases):
        lines.append("While loading your code: " + "; ".join(problems))
    return "\n".join(lines)


def _failure_in_words(failing):
    if failing.layer == RAISED:
        return f"{_LAYER_TEXT[RAISED]}: {failing.message.removeprefix('raised ').split(':')[0]}"
    text = _LAYER_TEXT.get(failing.layer, failing.message)  # the other layers' messages hold no case values
    return f"{text} (transposed?)" if "(transposed?)" in failing.message else text


def _arguments(args):
    return ", ".join(_argument(a) for a in args)


def _argument(value):
    if isinstance(value, tuple):
        return "(" + ", ".join(_argument(part) for part in value) + ")"
    if isinstance(value, np.ndarray):
        return f"shape {value.shape}"
    if isinstance(value, np.random.Generator):
        return "a numpy Generator"
    if isinstance(value, float):
        return f"{value:.6g}"
    return describe(value) if not isinstance(value, (int, np.integer)) else str(value)
