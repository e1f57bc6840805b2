"""Is a result right? The one comparison shared by your self-check and the course's hidden grader.

Values before containers: a result equal to the expected value in shape and value is right whatever
numeric container holds it (a NumPy array, a list or tuple, nested lists, a 0-d array, a NumPy scalar,
float32, integers for float values or floats for integer values). ``compare`` checks in layers and
returns None for a match, else a ``Mismatch`` naming the first layer that failed:

    type    not real numbers: None, a string, True/False, complex, objects, ragged nested lists;
            or a tuple result with the wrong number of parts
    shape   another shape (a (1,) array where a single number is expected, too)
    finite  NaN or inf
    values  |actual − expected| > atol + rtol·|expected| somewhere (integer results must be equal)

``container_note`` tells, for a result that matched, which container to return next time.
Standard library and NumPy only: this file ships to the students beside selfcheck.py.
"""

from collections import namedtuple
from dataclasses import dataclass

import numpy as np

TYPE, SHAPE, FINITE, VALUES = "type", "shape", "finite", "values"
SHOWN_ENTRIES = 3  # differing entries quoted in a message
REAL_KINDS = "iuf"  # NumPy dtype kinds of real numbers: signed and unsigned integers, floats
# bool is an int to Python: the dtype check refuses it
SCALARS = (
    int,
    float,
    np.integer,
    np.floating,
)

# What the self-check passes as ``tolerance``; the grader passes course.yaml's, with the same two fields.
Tolerance = namedtuple("Tolerance", "rtol atol")


@dataclass(frozen=True)
class Mismatch:
    layer: str
    message: str


def compare(expected, actual, tolerance, label="result"):
    """None if ``actual`` matches ``expected`` within ``tolerance``, else the Mismatch of the first layer that fails.

    ``expected`` is the reference's result: a number, an array, a list of numbers, or a tuple of those
    (a namedtuple's field names label its parts in the messages). ``tolerance`` is anything with
    ``.rtol`` and ``.atol``: course.yaml's tolerance of the item, or a ``Tolerance``.
    """
    if isinstance(expected, tuple):
        return _compare_tuple(expected, actual, tolerance, label)
    return _compare_numbers(np.asarray(expected), actual, tolerance, label)


def _compare_tuple(expected, actual, tolerance, label):
    names = _part_names(expected, label)
    if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
        wanted = f"a tuple of {len(expected)} values ({', '.join(names)})"
        return Mismatch(TYPE, f"{label}: expected {wanted}, got {describe(actual)}")
    for name, part_expected, part_actual in zip(names, expected, actual):
        mismatch = compare(part_expected, part_actual, tolerance, name)
        if mismatch:
            return mismatch
    return None


def _part_names(expected, label):
    return getattr(expected, "_fields", None) or [f"{label}[{i}]" for i in range(len(expected))]


def _compare_numbers(expected, actual, tolerance, label):
    """The four layers for a result made of numbers; ``expected`` is already an array (0-d for a number)."""
    got, problem = _real_numbers(actual)
    if problem:
        return Mismatch(TYPE, f"{label}: expected {_wanted(expected)}, got {problem}")
    if got.shape != expected.shape:
        hint = " (transposed?)" if got.ndim == 2 and got.shape == expected.shape[::-1] else ""
        return Mismatch(SHAPE, f"{label}: expected {_shape(expected)}, got {_shape(got)}{hint}")
    if not np.all(np.isfinite(got)):
        return Mismatch(FINITE, f"{label}: expected finite numbers, got NaN or inf")
    wrong = _differs(expected, got, tolerance)
    if np.any(wrong):
        return Mismatch(VALUES, _values_message(expected, got, wrong, label))
    return None


def _real_numbers(value):
    """(value as an array of real numbers, None), or (None, what value is instead) for the TYPE layer."""
    if not isinstance(value, SCALARS + (np.bool_, np.ndarray, list, tuple)):
        return None, describe(value)
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):  # NumPy refuses nested lists whose rows differ in length
        return None, f"{describe(value)}, which is not a rectangular block of numbers (ragged?)"
    if array.dtype.kind == "b":
        values = " of True/False values" if array.ndim else ""
        return None, f"{describe(value)}{values}: return 0/1 as integers"
    if array.dtype.kind not in REAL_KINDS:
        return None, f"{describe(value)} of dtype {array.dtype}, not real numbers"
    return array, None


def _differs(expected, got, tolerance):
    """Where got is wrong: integer results (counts, class labels) must be equal, others close."""
    if expected.dtype.kind in "iu":
        return got != expected
    return ~close(got, expected, tolerance)


def _values_message(expected, got, wrong, label):
    largest = float(np.max(np.abs(got.astype(float) - expected)))
    if expected.ndim == 0:
        return (
            f"{label}: expected {_number(expected)}, got {_number(got)} (difference {largest:.3g})"
        )
    shown = [tuple(int(i) for i in index) for index in np.argwhere(wrong)[:SHOWN_ENTRIES]]
    entries = "; ".join(
        f"at index {list(i)} expected {_number(expected[i])}, got {_number(got[i])}" for i in shown
    )
    return f"{label}: {int(wrong.sum())} of {wrong.size} entries differ: {entries} (largest difference {largest:.3g})"


def _wanted(expected):
    if expected.ndim > 0:
        return f"real numbers of shape {expected.shape}"
    return "an int" if expected.dtype.kind in "iu" else "a number"


def _shape(array):
    return "a single number" if array.ndim == 0 else f"shape {array.shape}"


def _number(value):
    value = np.asarray(value)
    return str(int(value)) if value.dtype.kind in "iu" else f"{float(value):.6g}"


def close(actual, expected, tolerance):
    """|actual − expected| ≤ atol + rtol·|expected|, elementwise."""
    actual = np.asarray(actual, dtype=float)
    return np.abs(actual - expected) <= tolerance.atol + tolerance.rtol * np.abs(expected)


def container_note(expected, actual, label="result"):
    """None when ``actual`` comes in ``expected``'s own container, else one line (Chinese, then English) saying
    which container to return. Meant for a result that matched: the score does not depend on it.

    The own containers: a NumPy array for an array, a list for a list, a Python or NumPy int or float for a
    number, a tuple (a namedtuple, too) for a tuple, whose parts are looked at in turn.
    """
    if isinstance(expected, tuple) and isinstance(actual, tuple):
        notes = (
            container_note(e, a, name)
            for name, e, a in zip(_part_names(expected, label), expected, actual)
        )
        return next((note for note in notes if note), None)
    own, chinese, english = _own_container(expected)
    return None if isinstance(actual, own) else _note(chinese, english, actual, label)


def _own_container(expected):
    """(the types of expected's own container, what to return said in Chinese, in English)."""
    if isinstance(expected, tuple):
        return (
            tuple,
            f"请返回 tuple（{len(expected)} 个值）",
            f"return a tuple of {len(expected)} values",
        )
    if isinstance(expected, np.ndarray):
        return (
            np.ndarray,
            f"请返回 NumPy 数组（形状 {expected.shape}）",
            f"return a NumPy array of shape {expected.shape}",
        )
    if isinstance(expected, list):
        return list, "请返回 list", "return a list"
    return SCALARS, "请返回一个数（float 或 int）", "return a number (a float or an int)"


def _note(chinese, english, actual, label):
    accepted = (
        "0-d array"
        if isinstance(actual, np.ndarray) and actual.ndim == 0
        else type(actual).__name__
    )
    part, part_en = ("", "") if label == "result" else (f"{label}：", f" for {label}")
    return f"提示：{part}{chinese}；这次接受了 {accepted} / Note: {english}{part_en}; the {accepted} was accepted."


def describe(value):
    """A short description of a value's type (and shape), for messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"{type(value).__name__} {_short(value)}"


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
