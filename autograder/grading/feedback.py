"""An item's feedback in words: the instructor's (with the first failing case's arguments and the
seed) and the student's (Chinese then English): which case failed and how, and, where course.yaml
says ``feedback: case``, that one case whole. The cases are the student's own, drawn for their
attempt (cases.item_seed): no other case's values, and no other student's, ever appear."""

import inspect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from autograder.grading.cases import Case
from autograder.grading.compare import (
    FINITE,
    SHAPE,
    TYPE,
    VALUES,
    container_note,
    describe,
)
from autograder.grading.course import Item
from autograder.grading.results import CaseResult
from autograder.items import ITEMS
from autograder.items.record import Arguments, Misconception, Value
from autograder.sandbox.process import MISSING, RAISED, UNSENDABLE, Outcome, WorkerDied
from autograder.sandbox.process import NOT_IMPLEMENTED as CALL_NOT_IMPLEMENTED
from autograder.sandbox.process import TIMEOUT as CALL_TIMEOUT


@dataclass(frozen=True)
class Grading:
    """What the feedback of one item is written from."""

    item: Item
    cases: Sequence[Case]
    results: Sequence[CaseResult]
    outcomes: Sequence[Outcome]
    died: WorkerDied | None
    misconception: Misconception | None
    problems: tuple[str, ...]
    counted: tuple[bool, ...] | None  # per case, whether it is scored; None when every case passed

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    def failing(self) -> CaseResult | None:
        return next((r for r in self.results if not r.passed), None)

    def scored_line(self) -> str | None:
        """Says how many cases were scored, when some could not tell a catalogued mistake apart."""
        if self.counted is None or all(self.counted):
            return None
        scored = sum(self.counted)
        return f"只有能区分常见错误的 {scored} 个用例计分。 / Only the {scored} cases that tell the common mistakes apart are scored."

    def container_line(self, expected: Sequence[Value]) -> str | None:
        """The note on the first passing value whose container is not the reference's, if any."""
        notes = (
            container_note(expected[r.number - 1], o.value)
            for o, r in zip(self.outcomes, self.results)
            if r.passed
        )
        return next((note for note in notes if note), None)


def instructor_feedback(grading: Grading, seed: int, expected: Sequence[Value]) -> str:
    """The instructor's feedback: the student's, with the first failing case's arguments and values."""
    lines: list[str | None] = [
        f"{grading.passed}/{len(grading.cases)} hidden cases passed (seed {seed})."
    ]
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


def student_feedback(grading: Grading, expected: Sequence[Value], show_case: bool = False) -> str:
    """The feedback a student may see, every line in Chinese then English.

    It names the first failing case and what failed; with ``show_case``, it then shows that case
    whole (``own_case``). No other case's values appear.
    """
    item, total = grading.item, len(grading.cases)
    lines: list[str | None] = [
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
        if show_case and failing.layer not in (MISSING, CALL_NOT_IMPLEMENTED):
            lines.append(own_case(grading, failing, expected))
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


SHOWN_WHOLE = 24  # entries: an input or value this small is shown whole, a larger one summarised
INDENT = "    "


def own_case(grading: Grading, failing: CaseResult, expected: Sequence[Value]) -> str:
    """The failing case whole: its inputs, the expected value, the student's, what differs, the hint."""
    case = grading.cases[failing.number - 1]
    wanted = expected[case.number - 1]
    names = list(inspect.signature(grading.item.reference).parameters)
    record = ITEMS[grading.item.id]
    lines = [
        f"你的第 {case.number} 个用例（{case.group} 组） / Your case {case.number} (group {case.group}):",
        f"{INDENT}输入 / inputs:",
    ]
    for name, value in zip(names, case.args):
        lines += _value_lines(name, value, depth=2)
    lines += _value_lines("期望 / expected", wanted, 1, ":", part_names=record.result_names)
    if failing.layer == RAISED:
        lines.append(f"{INDENT}你的函数 / your function {failing.message}")
    else:
        value = grading.outcomes[case.number - 1].value
        lines += _value_lines("你的结果 / yours", value, 1, ":", wanted, record.result_names)
        lines.append(f"{INDENT}不同之处 / what differs: {failing.message}")
    if not grading.misconception:  # a recognised mistake's own hint is given above
        lines.append(f"{INDENT}提示 / hint: {record.hint}")
    return "\n".join(lines)


def _value_lines(
    name: str | int,
    value: Value,
    depth: int,
    sign: str = " =",
    like: Value = None,
    part_names: Sequence[str] | None = None,
) -> list[str]:
    """``name = value`` as indented lines: a tuple part by part, an array's rows aligned.

    A tuple's parts are named by its fields, else by those of ``like`` (the expected value, for the
    student's), else by ``part_names`` (the item's result names), else numbered.
    """
    indent = INDENT * depth
    if isinstance(value, (tuple, list)) and not _numbers(value):
        names = (
            getattr(value, "_fields", None)
            or getattr(like, "_fields", None)
            or part_names
            or range(len(value))
        )
        likes = like if isinstance(like, tuple) and len(like) == len(value) else [None] * len(value)
        lines = [f"{indent}{name}:"]
        for part_name, part, part_like in zip(names, value, likes):
            lines += _value_lines(part_name, part, depth + 1, like=part_like)
        return lines
    first, *rest = _text(value).split("\n")
    head = f"{indent}{name}{sign} "
    return [head + first] + [" " * len(head) + line for line in rest]


def _numbers(value: Value) -> bool:
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except (ValueError, TypeError):  # ragged
        return False


def _text(value: Value) -> str:
    """A value in words: small arrays whole, large ones by shape and range."""
    if isinstance(value, (list, np.ndarray)) and _numbers(value):
        array = np.asarray(value)
        if array.size <= SHOWN_WHOLE:
            return np.array2string(array, precision=6, separator=", ", max_line_width=90)
        return (
            f"shape {array.shape}, min {array.min():.4g}, max {array.max():.4g}, "
            f"mean {array.mean():.4g}"
        )
    return _argument(value)


def _misconception_line(misconception: Misconception | None) -> str | None:
    if misconception is None:
        return None
    return f"识别出的常见错误 / Recognised mistake: {misconception.name}. 提示 / Hint: {misconception.hint}"


def _loading_line(grading: Grading) -> str | None:
    if not grading.problems or grading.passed == len(grading.cases):
        return None
    return "加载代码时出错 / While loading your code: " + "; ".join(grading.problems)


def _failure_in_words(failing: CaseResult) -> tuple[str, str]:
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


def _arguments(args: Arguments) -> str:
    return ", ".join(_argument(a) for a in args)


def _argument(value: Value) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_argument(part) for part in value) + ")"
    if isinstance(value, np.ndarray):
        return f"shape {value.shape}"
    if isinstance(value, np.random.Generator):
        return "a numpy Generator"
    if isinstance(value, float):
        return f"{value:.6g}"
    return describe(value) if not isinstance(value, (int, np.integer)) else str(value)


def own_helpers_note(function: str, helpers: Sequence[str], where: tuple[str, str] | None) -> str:
    names = ", ".join(helpers)
    zh, en = where or ("", "")
    return (
        f"用你自己的 {names} 时，{function} 会出错{zh}；评分用的是参考实现的 {names}，所以这个错误只扣 {names} 的分。 / "
        f"With your own {names}, {function} fails{en}; it was graded with the reference's {names} instead, "
        f"so that mistake costs only {names}."
    )
