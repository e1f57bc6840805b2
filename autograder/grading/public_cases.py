"""The public self-check cases: small, fixed, hand-picked, and public by design.

Each item's record (``autograder.items``) has a hint and a few argument tuples; ``build`` computes
their expected results with the reference, shipped as ``public_cases.json`` in each assignment
folder, next to ``selfcheck.py``, one entry per function. The hidden graders use other cases.
"""

import json

import numpy as np

import source_impl as ref
from autograder.grading.course import Course, Tolerance, load_course
from autograder.grading.results import JSONObject, JSONValue
from autograder.items import ITEMS
from autograder.items.record import Arguments, GradedFunction, Value


def build(assignment_id: str, course: Course | None = None) -> JSONObject:
    """The public_cases.json content of one assignment, expected results from the reference."""
    course = course or load_course()
    functions: JSONObject = {}
    for item in course.assignment(assignment_id).items:
        record = ITEMS[item.id]
        entry: JSONObject = {
            "hint": record.hint,
            "cases": [_case(item.reference, args) for args in record.public_cases],
        }
        entry["tolerance"] = _tolerance(item.tolerance)
        if record.result_names:
            entry["names"] = list(record.result_names)
        functions[item.function] = entry
    # The top-level tolerance is the course's default; the self-check of an older release reads only it.
    return {
        "assignment": assignment_id,
        "tolerance": _tolerance(course.tolerance),
        "functions": functions,
    }


def _tolerance(tolerance: Tolerance) -> dict[str, float]:
    """course.yaml's tolerance in JSON: the self-check compares with the item's own, as the grader does."""
    return {"rtol": tolerance.rtol, "atol": tolerance.atol}


def dumps(content: JSONObject) -> str:
    return json.dumps(content, ensure_ascii=False, indent=1) + "\n"


def _case(reference: GradedFunction, args: Arguments) -> JSONObject:
    live = [np.random.default_rng(a["rng_seed"]) if isinstance(a, dict) else a for a in args]
    return {"args": [encode(a) for a in args], "expected": encode(reference(*live))}


def encode(value: Value) -> JSONValue:
    """A JSON form of a case value that selfcheck.py decodes back to the same Python value."""
    if isinstance(value, np.ndarray):
        return {
            "array": value.ravel().tolist(),
            "dtype": str(value.dtype),
            "shape": list(value.shape),
        }
    if isinstance(value, ref.Params):
        return {"params": {name: encode(part) for name, part in value._asdict().items()}}
    if isinstance(value, tuple):
        return {"tuple": [encode(part) for part in value]}
    if isinstance(value, list):
        return [encode(part) for part in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value
