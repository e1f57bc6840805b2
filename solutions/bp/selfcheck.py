"""Self-check for the chapter 5 assignments: run your function on the public cases.

    selfcheck.check("delta_w", delta_w)   # prints one line: passed, not implemented, or what is wrong

The public cases in public_cases.json are small, fixed and public by design; the graders
use other, hidden cases. Whether a result is right is decided by comparison.py beside this
file, the same comparison the hidden grader uses: a result that passes a case here passes
the same case there. Needs nothing beyond NumPy.
"""

import copy
import importlib.util
import json
import os
import sys
import textwrap
from collections import namedtuple
from pathlib import Path

import numpy as np

CASES_FILE = Path(__file__).resolve().parent / "public_cases.json"


def _load_comparison():
    """comparison.py, the comparison the hidden grader uses too, from this file's own folder.

    Loaded by path, not imported through sys.path: a notebook's kernel, pytest in the assignment
    folder and the course's tests each import this file from somewhere else.
    """
    spec = importlib.util.spec_from_file_location("comparison", Path(__file__).resolve().with_name("comparison.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


comparison = _load_comparison()

PASSED, FAILED, NOT_IMPLEMENTED = "passed", "failed", "not implemented"
LINE_WIDTH = 100  # characters; Validate's dialog is about 110 wide
MARKS = {PASSED: "✓", FAILED: "✗", NOT_IMPLEMENTED: "…"}

Params = namedtuple("Params", "v gamma w theta")


def check(name, function, cases_file=CASES_FILE):
    """Print one line saying whether ``function`` gives the expected results for ``name``.

    Under nbgrader's Validate it also raises on anything but a pass, so that Validate lists the
    unfinished functions; elsewhere it never raises, so "Run All" goes on past a failure. While
    nbgrader grades, it does not call the function at all: a warning the function printed would
    make nbgrader zero the graded cell, whose hidden tests grade the notebook on their own.
    """
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        print(f"{name}: self-check skipped while grading")
        return
    status, message = report(name, function, cases_file)
    print(f"{MARKS[status]} {name}: {message}")
    if status != PASSED and os.environ.get("NBGRADER_EXECUTION") == "validate":
        raise AssertionError(in_short_lines(f"{name}: {message}"))


def in_short_lines(message):
    """The message as Validate's dialog shows it, which neither wraps it nor grows, below a traceback
    that fills most of its box: the hint first, its Chinese and English halves on lines of their
    own, then the function, the case and what differs; lines of at most LINE_WIDTH characters."""
    problem, _, hint = message.partition(" 提示 Hint: ")
    if not hint:
        return textwrap.fill(problem, LINE_WIDTH, subsequent_indent="  ")
    chinese, _, english = hint.partition(" / ")
    lines = [f"提示 {chinese}", f"Hint: {english}" if english else "", problem]
    return "\n".join(textwrap.fill(line, LINE_WIDTH, subsequent_indent="  ") for line in lines if line)


def report(name, function, cases_file=CASES_FILE):
    """Return (status, message) for ``function`` on the public cases of ``name``; never raises."""
    spec = json.loads(Path(cases_file).read_text(encoding="utf-8"))
    if name not in spec["functions"]:
        return FAILED, f"no public cases for {name!r} in {Path(cases_file).name}"
    if not callable(function):
        return FAILED, f"{name} is not defined as a function (未定义函数)"
    entry = spec["functions"][name]
    tolerance = _tolerance(entry.get("tolerance", spec["tolerance"]))  # the top-level one: files of old releases
    note = None
    for number, case in enumerate(entry["cases"], start=1):
        args = [_decode(value) for value in case["args"]]
        originals = copy.deepcopy(args)
        try:
            actual = function(*args)
        except NotImplementedError:
            return NOT_IMPLEMENTED, "尚未完成 / not implemented yet"
        except Exception as error:  # the student's code may fail in any way: say how
            return FAILED, f"case {number} raised {type(error).__name__}: {error}"
        changed = [i for i, (a, b) in enumerate(zip(originals, args), start=1) if not _same(a, b)]
        if changed:
            return FAILED, (
                f"case {number}: argument {changed[0]} was changed in place; "
                "compute a new array instead (请不要原地修改输入)"
            )
        expected = _named(_decode(case["expected"]), entry.get("names"))
        try:
            mismatch = comparison.compare(expected, actual, tolerance)
        except Exception as error:  # a result no layer foresaw: the grader counts it as a type mismatch too
            return FAILED, f"case {number}: the result could not be compared: {type(error).__name__}: {error}"
        if mismatch:
            return FAILED, f"case {number}: {mismatch.message}. 提示 Hint: {entry['hint']}{_failing_helpers(name, function, cases_file)}"
        note = note or comparison.container_note(expected, actual)
    count = len(entry["cases"])
    passed = f"通过 passed ({count} public case{'s' if count > 1 else ''})"
    return PASSED, f"{passed} {note}" if note else passed  # the value is right: a container note does not fail it


def _failing_helpers(name, function, cases_file):
    """A note naming the functions checked here that ``function`` calls and that fail their own self-check.

    The hidden grader puts the reference in their place while it grades ``function``, so their
    mistakes cost only their own points; here they make ``function`` fail too.
    """
    functions = json.loads(Path(cases_file).read_text(encoding="utf-8"))["functions"]
    called = getattr(getattr(function, "__code__", None), "co_names", ())
    namespace = getattr(function, "__globals__", {})
    failing = [n for n in called if n in functions and n != name and report(n, namespace.get(n), cases_file)[0] != PASSED]
    if not failing:
        return ""
    names = ", ".join(dict.fromkeys(failing))
    return (
        f" （它调用的 {names} 没有通过自检：请先改正；评分时这里用的是参考实现的 {names}）"
        f"(it calls your {names}, which fails its own self-check: fix that first; the grader uses the reference's here)"
    )


def run_capstone(body):
    """Run a capstone cell's body; if a function it needs is unfinished, say which instead of failing."""
    if os.environ.get("NBGRADER_EXECUTION") in ("autograde", "validate"):
        print("(skipped while nbgrader grades or validates)")
        return None
    try:
        return body()
    except NotImplementedError:
        frame = sys.exc_info()[2]
        while frame.tb_next is not None:
            frame = frame.tb_next
        name = frame.tb_frame.f_code.co_name
        print(f"… 这一部分需要先完成 {name} / This part needs {name}, which is not implemented yet.")
        return None


def _decode(value):
    if isinstance(value, dict):
        if "array" in value:
            return np.array(value["array"], dtype=value["dtype"]).reshape(value["shape"])
        if "params" in value:
            return Params(**{key: _decode(part) for key, part in value["params"].items()})
        if "tuple" in value:
            return tuple(_decode(part) for part in value["tuple"])
        if "rng_seed" in value:
            return np.random.default_rng(value["rng_seed"])
    if isinstance(value, list):
        return [_decode(part) for part in value]
    return value


def _same(a, b):
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.random.Generator):
        return True  # drawing from the generator is its purpose
    return a == b


def _tolerance(entry):
    return comparison.Tolerance(rtol=entry["rtol"], atol=entry["atol"])


def _named(expected, names):
    """A tuple result with its parts' names (public_cases.json's "names"), which the messages quote."""
    if not names or not isinstance(expected, tuple) or hasattr(expected, "_fields"):
        return expected
    return namedtuple("Result", names)(*expected)
