"""Compare a student's value with the reference's, in layers: type, shape, finite, values.

``compare`` returns None when the value matches, else a ``Mismatch`` naming the first layer
that failed and a message a student can act on. A value matches when
|actual − expected| ≤ atol + rtol·|expected| elementwise (course.yaml's tolerance).
"""

from dataclasses import dataclass

import numpy as np

TYPE, SHAPE, FINITE, VALUES = "type", "shape", "finite", "values"
SHOWN_ENTRIES = 3  # differing entries quoted in a message


@dataclass(frozen=True)
class Mismatch:
    layer: str
    message: str


def compare(expected, actual, tolerance, label="result"):
    """None if ``actual`` matches ``expected`` within ``tolerance``, else the first Mismatch."""
    if isinstance(expected, tuple):
        return _compare_tuple(expected, actual, tolerance, label)
    if isinstance(expected, list):
        return _compare_list(expected, actual, label)
    if isinstance(expected, (int, np.integer)):
        return _compare_int(int(expected), actual, label)
    if isinstance(expected, (float, np.floating)):
        return _compare_float(float(expected), actual, tolerance, label)
    return _compare_array(expected, actual, tolerance, label)


def _compare_tuple(expected, actual, tolerance, label):
    names = getattr(expected, "_fields", None) or [f"{label}[{i}]" for i in range(len(expected))]
    if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
        return Mismatch(TYPE, f"{label}: expected a tuple of {len(expected)} values ({', '.join(names)}), got {describe(actual)}")
    for name, part_expected, part_actual in zip(names, expected, actual):
        mismatch = compare(part_expected, part_actual, tolerance, name)
        if mismatch:
            return mismatch
    return None


def _compare_list(expected, actual, label):
    if not isinstance(actual, (list, tuple, np.ndarray)):
        return Mismatch(TYPE, f"{label}: expected a list, got {describe(actual)}")
    if len(actual) != len(expected):
        return Mismatch(SHAPE, f"{label}: expected {len(expected)} entries, got {len(actual)}")
    # Entry by entry: an array entry has no single truth value to compare with a number.
    if not all(isinstance(got, (int, float, np.integer, np.floating)) for got in actual):
        return Mismatch(TYPE, f"{label}: expected a list of numbers, got {_short(list(actual))}")
    if any(got != want for want, got in zip(expected, actual)):
        return Mismatch(VALUES, f"{label}: expected {expected}, got {_short(list(actual))}")
    return None


def _compare_int(expected, actual, label):
    if isinstance(actual, (bool, np.bool_)) or not isinstance(actual, (int, np.integer)):
        return Mismatch(TYPE, f"{label}: expected an int, got {describe(actual)}")
    if actual != expected:
        return Mismatch(VALUES, f"{label}: expected {expected}, got {actual}")
    return None


def _compare_float(expected, actual, tolerance, label):
    if isinstance(actual, (bool, np.bool_)) or not isinstance(actual, (int, float, np.integer, np.floating)):
        return Mismatch(TYPE, f"{label}: expected a float, got {describe(actual)}")
    if not np.isfinite(actual):
        return Mismatch(FINITE, f"{label}: expected a finite number, got {actual}")
    if not close(actual, expected, tolerance):
        return Mismatch(VALUES, f"{label}: expected {expected:.6g}, got {float(actual):.6g} (difference {abs(float(actual) - expected):.3g})")
    return None


def _compare_array(expected, actual, tolerance, label):
    if not isinstance(actual, np.ndarray):
        return Mismatch(TYPE, f"{label}: expected a NumPy array of shape {expected.shape}, got {describe(actual)}")
    if actual.shape != expected.shape:
        hint = " (transposed?)" if actual.ndim == 2 and actual.shape == expected.shape[::-1] else ""
        return Mismatch(SHAPE, f"{label}: expected shape {expected.shape}, got shape {actual.shape}{hint}")
    if expected.dtype.kind in "iu" and actual.dtype.kind not in "iu":
        return Mismatch(TYPE, f"{label}: expected integer entries, got dtype {actual.dtype}")
    if actual.dtype.kind not in "iuf":
        return Mismatch(TYPE, f"{label}: expected real numbers, got dtype {actual.dtype}")
    if not np.all(np.isfinite(actual)):
        return Mismatch(FINITE, f"{label}: the array holds NaN or inf")
    wrong = ~close(actual, expected, tolerance)
    if not np.any(wrong):
        return None
    shown = [tuple(int(i) for i in index) for index in np.argwhere(wrong)[:SHOWN_ENTRIES]]
    entries = "; ".join(f"at index {list(i)} expected {expected[i]:.6g}, got {actual[i]:.6g}" for i in shown)
    largest = float(np.max(np.abs(actual.astype(float) - expected)))
    return Mismatch(VALUES, f"{label}: {int(wrong.sum())} of {wrong.size} entries differ: {entries} (largest difference {largest:.3g})")


def close(actual, expected, tolerance):
    """|actual − expected| ≤ atol + rtol·|expected|, elementwise."""
    actual = np.asarray(actual, dtype=float)
    return np.abs(actual - expected) <= tolerance.atol + tolerance.rtol * np.abs(expected)


def describe(value):
    """A short description of a value's type (and shape), for messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"{type(value).__name__} {_short(value)}"


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
