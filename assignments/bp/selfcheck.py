"""Self-check for the chapter 5 assignments: run your function on the public cases.

    selfcheck.check("delta_w", delta_w)   # prints one line: passed, not implemented, or what is wrong

The public cases in public_cases.json are small, fixed and public by design; the graders
use other, hidden cases. Needs nothing beyond NumPy.
"""

import copy
import json
import os
import sys
from collections import namedtuple
from pathlib import Path

import numpy as np

CASES_FILE = Path(__file__).resolve().parent / "public_cases.json"

PASSED, FAILED, NOT_IMPLEMENTED = "passed", "failed", "not implemented"
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
        raise AssertionError(f"{name}: {message}")


def report(name, function, cases_file=CASES_FILE):
    """Return (status, message) for ``function`` on the public cases of ``name``; never raises."""
    spec = json.loads(Path(cases_file).read_text(encoding="utf-8"))
    if name not in spec["functions"]:
        return FAILED, f"no public cases for {name!r} in {Path(cases_file).name}"
    if not callable(function):
        return FAILED, f"{name} is not defined as a function (未定义函数)"
    entry, tolerance = spec["functions"][name], spec["tolerance"]
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
        problem = _difference(_decode(case["expected"]), actual, tolerance, entry.get("names", "result"))
        if problem:
            return FAILED, f"case {number}: {problem}. 提示 Hint: {entry['hint']}"
    count = len(entry["cases"])
    return PASSED, f"通过 passed ({count} public case{'s' if count > 1 else ''})"


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


def _difference(expected, actual, tolerance, names):
    """A short description of how ``actual`` differs from ``expected``, or None when it matches."""
    if isinstance(expected, tuple):
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            return f"expected a tuple of {len(expected)} values ({', '.join(names)}), got {_kind(actual)}"
        for label, exp, act in zip(names, expected, actual):
            inner = getattr(exp, "_fields", "result") if isinstance(exp, tuple) else "result"
            problem = _difference(exp, act, tolerance, inner)
            if problem:
                return f"{label}: {problem}"
        return None
    if isinstance(expected, list):
        if not isinstance(actual, (list, tuple, np.ndarray)) or len(actual) != len(expected):
            return f"expected {expected}, got {_short(actual)}"
        for want, got in zip(expected, actual):
            if _difference(want, got, tolerance, names) is not None:
                return f"expected {expected}, got {_short(actual)}"
        return None
    if isinstance(expected, bool) or isinstance(expected, int):
        if isinstance(actual, (bool, np.bool_)) or not isinstance(actual, (int, np.integer)):
            return f"expected an int, got {_kind(actual)}"
        return None if actual == expected else f"expected {expected}, got {actual}"
    if isinstance(expected, float):
        if isinstance(actual, np.ndarray) and actual.ndim == 0:
            actual = actual.item()
        if isinstance(actual, (bool, np.bool_)) or not isinstance(actual, (int, float, np.integer, np.floating)):
            return f"expected a number, got {_kind(actual)}"
        if _close(actual, expected, tolerance):
            return None
        return f"expected {expected:.6g}, got {float(actual):.6g}"
    return _array_difference(expected, actual, tolerance)


def _array_difference(expected, actual, tolerance):
    if not isinstance(actual, np.ndarray):
        return f"expected a NumPy array of shape {expected.shape}, got {_kind(actual)}"
    if actual.shape != expected.shape:
        hint = " (transposed?)" if actual.shape == expected.shape[::-1] and actual.ndim == 2 else ""
        return f"expected shape {expected.shape}, got shape {actual.shape}{hint}"
    if expected.dtype.kind == "i" and actual.dtype.kind not in "iu":
        return f"expected integer entries, got dtype {actual.dtype}"
    if not np.issubdtype(actual.dtype, np.number) or np.iscomplexobj(actual):
        return f"expected real numbers, got dtype {actual.dtype}"
    if not np.all(np.isfinite(actual)):
        return "the result holds NaN or inf"
    wrong = ~_close(actual, expected, tolerance)
    if not np.any(wrong):
        return None
    index = tuple(int(i) for i in np.argwhere(wrong)[0])
    largest = float(np.max(np.abs(actual.astype(float) - expected)))
    return (
        f"differs at index {list(index)}: expected {expected[index]:.6g}, got {actual[index]:.6g} "
        f"(largest difference {largest:.3g})"
    )


def _close(actual, expected, tolerance):
    actual = np.asarray(actual, dtype=float)
    return np.abs(actual - expected) <= tolerance["atol"] + tolerance["rtol"] * np.abs(expected)


def _kind(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"{type(value).__name__} {_short(value)}"


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
