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

import copy
import dataclasses
import inspect
import math
import time
import warnings
from dataclasses import dataclass

import numpy as np
from source_impl.network import Params

from . import cases, misconceptions, public_cases
from .compare import FINITE, SHAPE, TYPE, VALUES, Mismatch, compare, container_note, describe
from .course import load_course
from .results import CRASHED, DECIMALS, ERROR, FAILED, NOT_IMPLEMENTED, PARTIAL, PASSED, TIMEOUT, CaseResult, GradeReport, ItemResult
from .sandbox import MISSING, OK, RAISED, UNSENDABLE, Scratch, Worker, WorkerDied, check_worker_starts
from .sandbox import NOT_IMPLEMENTED as CALL_NOT_IMPLEMENTED
from .sandbox import TIMEOUT as CALL_TIMEOUT
from .submission import SubmissionError, read

PARAMS_ARGUMENTS = {"params", "params0"}  # the reference's parameters that take Params


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
            graded = []
            for item in assignment.items:
                wrong = [g.item for g in graded if g.result.status != PASSED]  # a helper that passed needs no stand-in
                graded.append(_grade_item(item, stand_ins(wrong), course, student, session, submission.problems))
            items = tuple(_note_own_helpers(graded, submission, session))
        finally:
            session.close()
    return GradeReport(student=student, assignment=assignment.id, items=items)


def stand_ins(items):
    """{function: the reference's} of the given graded items, to stand in for the student's while another is graded.

    Parameters named params or params0 arrive from the worker as plain tuples: they become Params.
    """
    return {item.function: _with_params(item.reference) for item in items}


def _with_params(reference):
    signature = inspect.signature(reference)

    def stand_in(*args, **keywords):
        bound = signature.bind(*args, **keywords)
        for name in PARAMS_ARGUMENTS & bound.arguments.keys():
            bound.arguments[name] = Params(*bound.arguments[name])
        return reference(*bound.args, **bound.kwargs)

    return stand_in


def _note_own_helpers(graded, submission, session):
    """Each item's result, with a note where the student's own helpers would have made it fail.

    The item was graded with the reference standing in for the graded functions before it that did
    not pass; where it reaches some of those through the student's own calls, its cases that passed
    are run again with the student's own functions, up to the first that fails. A helper that
    crashed or hung would surely have made it fail: it is not run again.
    """
    status = {g.result.function: g.result.status for g in graded}
    for g in graded:
        helpers = sorted(_reached(submission, g.result.function) & g.stand_ins.keys())
        passed = [case for case, r in zip(g.cases, g.result.cases) if r.passed]
        if not helpers or not passed or g.died:
            yield g.result
            continue
        if any(status[helper] in (CRASHED, TIMEOUT) for helper in helpers):
            where = None
        else:
            failed = _first_failing(g.item, passed, g.expected, session)
            if failed is None:
                yield g.result
                continue
            where = f"（第 {failed.number} 个用例）", f" (case {failed.number})"
        note = _own_helpers_note(g.result.function, helpers, where)
        yield dataclasses.replace(g.result, feedback=f"{g.result.feedback}\n{note}", student_feedback=f"{g.result.student_feedback}\n{note}")


def _own_helpers_note(function, helpers, where):
    names = ", ".join(helpers)
    zh, en = where or ("", "")
    return (
        f"用你自己的 {names} 时，{function} 会出错{zh}；评分用的是参考实现的 {names}，所以这个错误只扣 {names} 的分。 / "
        f"With your own {names}, {function} fails{en}; it was graded with the reference's {names} instead, "
        f"so that mistake costs only {names}."
    )


def _reached(submission, function):
    """The names the student's function calls, directly or through the student's other functions."""
    reached, frontier = set(), [function]
    while frontier:
        for name in submission.functions_called_by(frontier.pop()) - reached - {function}:
            reached.add(name)
            frontier.append(name)
    return reached


def _first_failing(item, item_cases, expected, session):
    """The first of item_cases whose call, with no stand-ins, does not give the expected value (or dies); else None."""
    answered = 0
    try:
        for case, outcome in zip(item_cases, session.outcomes(item.function, (c.args for c in item_cases), {})):
            answered += 1
            if outcome.kind != OK or _mismatch(expected[case.number - 1], outcome.value, item) is not None:
                return case
    except WorkerDied:  # a helper that crashes or hangs makes its caller fail as surely
        return item_cases[min(answered, len(item_cases) - 1)]
    return None


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

    def outcomes(self, function, argument_lists, stand_ins):
        """The Outcome of each call function(*args) in order, none after a missing function; ``stand_ins`` see Worker.send.

        Each next call runs in the worker while the caller compares the last one's result.
        Raises WorkerDied when the worker crashed or hung; it is replaced on the next call.
        """
        pending = iter(argument_lists)
        args = next(pending, None)
        if args is not None:
            self._send(function, args, stand_ins)
        while args is not None:
            outcome = self._answer()
            args = None if outcome.kind == MISSING else next(pending, None)
            failed = None
            if args is not None:
                try:
                    self._send(function, args, stand_ins)
                except WorkerDied as died:  # the outcome in hand still counts
                    failed = died
            yield outcome
            if failed:
                raise failed

    def _send(self, function, args, stand_ins):
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
            self._worker.send(function, args, min(self._timeouts.per_call_seconds, remaining), stand_ins)
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


@dataclass(frozen=True)
class _Graded:
    """An item's result with what grading it used: its stand-ins, cases and expected values, and a crash if any."""

    item: object
    stand_ins: dict
    cases: list
    expected: list
    result: ItemResult
    died: WorkerDied | None


def _grade_item(item, stand_ins, course, student, session, submission_problems):
    seed = cases.item_seed(course.base_seed, course.id, item.assignment, student, item.id)
    item_cases = cases.generate(item, seed)
    outcomes, died = [], None
    try:  # the case's arguments are pickled on the way: the worker gets copies
        outcomes.extend(session.outcomes(item.function, (case.args for case in item_cases), stand_ins))
    except WorkerDied as error:
        died = error
    expected = [_quietly(item.reference, case) for case in item_cases]
    result = item_result(item, seed, item_cases, expected, outcomes, died, tuple(submission_problems) + session.problems)
    return _Graded(item, stand_ins, item_cases, expected, result, died)


def item_result(item, seed, item_cases, expected, outcomes, died=None, problems=()):
    """The ItemResult of the item's cases from the Outcomes of its calls (fewer when a call died)."""
    results = [_case_result(case, expected[case.number - 1], outcome, item) for case, outcome in zip(item_cases, outcomes)]
    all_passed = not died and len(results) == len(item_cases) and all(r.passed for r in results)
    counted = None if all_passed else discriminating(item, item_cases, expected)
    share = 1.0 if all_passed else passed_share(item, item_cases, results, counted)
    misconception = None if died or all_passed else _recognised_or_none(item, item_cases, outcomes)
    credit = item.misconception_credit.get(misconception.id, 0.0) if misconception else 0.0
    copied = misconception is misconceptions.PUBLIC_ANSWERS  # copied answers that hit a hidden one by chance earn nothing
    score = 0.0 if copied else item.points * max(share, credit)
    grading = _Grading(item, item_cases, results, outcomes, died, misconception, problems, counted)
    return ItemResult(
        id=item.id,
        function=item.function,
        equation=item.equation,
        score=score,
        max_score=item.points,
        status=(PARTIAL if score > 0 else FAILED) if misconception else _status(item_cases, results, died, score),
        misconception=misconception.id if misconception else None,
        feedback=_feedback(grading, seed, expected),
        student_feedback=_student_feedback(grading, expected),
        cases=tuple(results),
    )


def _quietly(function, case):
    """function(*case's arguments), NumPy's warnings silenced: a wrong variant may overflow where the reference does not."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*case.arguments())


def _case_result(case, expected, outcome, item):
    if outcome.kind == OK:
        mismatch = _mismatch(expected, outcome.value, item)
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


def _mismatch(expected, actual, item):
    """compare's verdict; a result no comparison layer foresaw is a type mismatch of its case, not a crash of the grader."""
    try:
        return compare(expected, actual, item.tolerance)
    except Exception as error:
        return Mismatch(TYPE, f"the result could not be compared: {type(error).__name__}: {error}")


def discriminating(item, item_cases, expected):
    """Per case, whether it tells every catalogued wrong variant of the item from the reference.

    A case where some variant's value matches the reference's (g ≈ 0 in a saturated network,
    η → 0) cannot show that the student avoided that mistake, so it awards no credit. Where no
    case tells them all apart, every case counts.
    """
    variants = [m.variant for m in misconceptions.CATALOG.get(item.id, ())]
    telling = tuple(all(_differs(variant, case, expected[case.number - 1], item) for variant in variants) for case in item_cases)
    return telling if any(telling) else (True,) * len(item_cases)


def _differs(variant, case, expected, item):
    try:
        value = _quietly(variant, case)
    except Exception:  # a variant undefined on this case is told apart by it
        return True
    return _mismatch(expected, value, item) is not None


def passed_share(item, item_cases, results, counted):
    """Σ over the groups of weight × (passed counted cases / counted cases), over the weights of the groups counted.

    Unrun cases count as failed; a group with no counted case drops out and the others' weights
    are scaled up to 1. Rounded, so that 0.6 + 0.2 + 0.2 passed in full gives exactly 1.
    """
    passed = {r.number for r in results if r.passed}
    shares, weights = [], []
    for group in item.groups:
        numbers = [c.number for c, tells in zip(item_cases, counted) if tells and c.group == group.name]
        if numbers:
            shares.append(group.weight * sum(n in passed for n in numbers) / len(numbers))
            weights.append(group.weight)
    return round(math.fsum(shares) / math.fsum(weights), DECIMALS)


def _status(item_cases, results, died, score):
    if died:
        return TIMEOUT if died.kind == CALL_TIMEOUT else CRASHED
    if len(results) == len(item_cases) and all(r.passed for r in results):
        return PASSED
    if score > 0:
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
        expected = _quietly(variant, case)
    except Exception:  # a variant undefined on this case (say wᵀ of a non-square w): so is the student's
        return outcome.kind == RAISED
    return outcome.kind == OK and compare(expected, outcome.value, item.tolerance) is None


def public_answers(item):
    """The reference's results on the public self-check cases of the item's function."""
    _, _, public = public_cases.CASES[item.function]
    live = ([np.random.default_rng(a["rng_seed"]) if isinstance(a, dict) else copy.deepcopy(a) for a in args] for args in public)
    return [item.reference(*args) for args in live]


@dataclass(frozen=True)
class _Grading:
    """What the feedback of one item is written from."""

    item: object
    cases: list
    results: list
    outcomes: list
    died: WorkerDied | None
    misconception: object
    problems: tuple
    counted: tuple | None  # per case, whether it is scored; None when every case passed

    @property
    def passed(self):
        return sum(r.passed for r in self.results)

    def failing(self):
        return next((r for r in self.results if not r.passed), None)

    def scored_line(self):
        """Says how many cases were scored, when some could not tell a catalogued mistake apart."""
        if self.counted is None or all(self.counted):
            return None
        scored = sum(self.counted)
        return f"只有能区分常见错误的 {scored} 个用例计分。 / Only the {scored} cases that tell the common mistakes apart are scored."

    def container_line(self, expected):
        """The note on the first passing value whose container is not the reference's, if any."""
        notes = (container_note(expected[r.number - 1], o.value) for o, r in zip(self.outcomes, self.results) if r.passed)
        return next((note for note in notes if note), None)


def _feedback(grading, seed, expected):
    """The instructor's feedback: the student's, with the first failing case's arguments and values."""
    lines = [f"{grading.passed}/{len(grading.cases)} hidden cases passed (seed {seed})."]
    lines.append(grading.scored_line())
    lines.append(_misconception_line(grading.misconception))
    failing = grading.failing()
    if failing:
        case = grading.cases[failing.number - 1]
        lines.append(f"First failing case: case {case.number} (group {case.group}; arguments {_arguments(case.args)}): {failing.message}")
    if grading.died:
        case = grading.cases[len(grading.results)]
        lines.append(f"Case {case.number} (group {case.group}): {grading.died}; the remaining cases of this item were not run.")
    mutated = next(((o, r) for o, r in zip(grading.outcomes, grading.results) if o.mutated), None)
    if mutated:
        arguments = ", ".join(str(n) for n in mutated[0].mutated)
        lines.append(f"Note: case {mutated[1].number} changed argument {arguments} in place (请不要原地修改输入).")
    lines.append(grading.container_line(expected))
    lines.append(_loading_line(grading))
    return "\n".join(line for line in lines if line)


# What went wrong, (Chinese, English), in words that hold no value of the hidden case (its arguments or answer).
_LAYER_TEXT = {
    TYPE: ("返回值类型不对", "the result has the wrong type"),
    SHAPE: ("形状不对", "the result has the wrong shape"),
    FINITE: ("结果含 NaN 或 inf", "the result holds NaN or inf"),
    VALUES: ("数值不对", "the values differ from the reference's"),
    RAISED: ("抛出了异常", "your function raised an exception"),
    MISSING: ("没有定义这个函数", "your submission does not define this function"),
    CALL_NOT_IMPLEMENTED: ("尚未完成", "not implemented yet"),
    UNSENDABLE: ("返回值不是数组、数或元组", ""),  # the English is the outcome's message
}


def _student_feedback(grading, expected):
    """The feedback a student may see, every line in Chinese then English; never a hidden case's values."""
    item, total = grading.item, len(grading.cases)
    lines = [f"隐藏用例通过 {grading.passed}/{total}。 / {grading.passed}/{total} hidden cases passed."]
    lines.append(grading.scored_line())
    lines.append(_misconception_line(grading.misconception))
    failing = grading.failing()
    if failing:
        zh, en = _failure_in_words(failing)
        lines.append(f"第 {failing.number} 个用例未通过：{zh}。 / Case {failing.number} failed: {en}.")
    if grading.died:
        number, timed_out = len(grading.results) + 1, grading.died.kind == CALL_TIMEOUT
        zh = "超时" if timed_out else "崩溃"
        lines.append(
            f"第 {number} 个用例{zh}，本题其余用例未运行。 / "
            f"Case {number}: {item.function} {grading.died.reason}; the remaining cases of this item were not run."
        )
    if any(o.mutated for o in grading.outcomes):
        lines.append("请不要原地修改输入，返回新的数组。 / Your function changed an argument in place; compute new arrays instead.")
    lines.append(grading.container_line(expected))
    lines.append(_loading_line(grading))
    return "\n".join(line for line in lines if line)


def _misconception_line(misconception):
    if misconception is None:
        return None
    return f"识别出的常见错误 / Recognised mistake: {misconception.name}. 提示 / Hint: {misconception.hint}"


def _loading_line(grading):
    if not grading.problems or grading.passed == len(grading.cases):
        return None
    return "加载代码时出错 / While loading your code: " + "; ".join(grading.problems)


def _failure_in_words(failing):
    """(Chinese, English) of what failed: the layer's words, the exception's type, a transposed hint."""
    zh, en = _LAYER_TEXT.get(failing.layer, ("未通过", failing.message))
    if failing.layer == RAISED:
        raised = failing.message.removeprefix("raised ").split(":")[0]
        return f"{zh}：{raised}", f"{en}: {raised}"
    if failing.layer == UNSENDABLE:  # says what came back by its type alone, never its values
        return zh, failing.message
    if "(transposed?)" in failing.message:
        return f"{zh}（转置了？）", f"{en} (transposed?)"
    return zh, en


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
