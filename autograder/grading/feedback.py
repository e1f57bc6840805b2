"""An item's feedback in words: the instructor's (with the first failing case's arguments and the
seed) and the student's (Chinese then English, never a hidden case's values)."""

from dataclasses import dataclass

import numpy as np

from autograder.grading.compare import (
    FINITE,
    SHAPE,
    TYPE,
    VALUES,
    container_note,
    describe,
)
from autograder.sandbox.process import MISSING, RAISED, UNSENDABLE, WorkerDied
from autograder.sandbox.process import NOT_IMPLEMENTED as CALL_NOT_IMPLEMENTED
from autograder.sandbox.process import TIMEOUT as CALL_TIMEOUT


@dataclass(frozen=True)
class Grading:
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
        notes = (
            container_note(expected[r.number - 1], o.value)
            for o, r in zip(self.outcomes, self.results)
            if r.passed
        )
        return next((note for note in notes if note), None)


def instructor_feedback(grading, seed, expected):
    """The instructor's feedback: the student's, with the first failing case's arguments and values."""
    lines = [f"{grading.passed}/{len(grading.cases)} hidden cases passed (seed {seed})."]
    lines.append(grading.scored_line())
    lines.append(_misconception_line(grading.misconception))
    failing = grading.failing()
    if failing:
        case = grading.cases[failing.number - 1]
        lines.append(
            f"First failing case: case {case.number} (group {case.group}; arguments {_arguments(case.args)}): {failing.message}"
        )
    if grading.died:
        case = grading.cases[len(grading.results)]
        lines.append(
            f"Case {case.number} (group {case.group}): {grading.died}; the remaining cases of this item were not run."
        )
    mutated = next(((o, r) for o, r in zip(grading.outcomes, grading.results) if o.mutated), None)
    if mutated:
        arguments = ", ".join(str(n) for n in mutated[0].mutated)
        lines.append(
            f"Note: case {mutated[1].number} changed argument {arguments} in place (请不要原地修改输入)."
        )
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


def student_feedback(grading, expected):
    """The feedback a student may see, every line in Chinese then English; never a hidden case's values."""
    item, total = grading.item, len(grading.cases)
    lines = [
        f"隐藏用例通过 {grading.passed}/{total}。 / {grading.passed}/{total} hidden cases passed."
    ]
    lines.append(grading.scored_line())
    lines.append(_misconception_line(grading.misconception))
    failing = grading.failing()
    if failing:
        zh, en = _failure_in_words(failing)
        lines.append(
            f"第 {failing.number} 个用例未通过：{zh}。 / Case {failing.number} failed: {en}."
        )
    if grading.died:
        number, timed_out = len(grading.results) + 1, grading.died.kind == CALL_TIMEOUT
        zh = "超时" if timed_out else "崩溃"
        lines.append(
            f"第 {number} 个用例{zh}，本题其余用例未运行。 / "
            f"Case {number}: {item.function} {grading.died.reason}; the remaining cases of this item were not run."
        )
    if any(o.mutated for o in grading.outcomes):
        lines.append(
            "请不要原地修改输入，返回新的数组。 / Your function changed an argument in place; compute new arrays instead."
        )
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


def own_helpers_note(function, helpers, where):
    names = ", ".join(helpers)
    zh, en = where or ("", "")
    return (
        f"用你自己的 {names} 时，{function} 会出错{zh}；评分用的是参考实现的 {names}，所以这个错误只扣 {names} 的分。 / "
        f"With your own {names}, {function} fails{en}; it was graded with the reference's {names} instead, "
        f"so that mistake costs only {names}."
    )
