"""The grader's door to the one comparison, student/comparison.py, which the students' self-check uses too.

It lives in student/ because it ships beside selfcheck.py; it is loaded here by path, as submission.py
loads student/notebook_functions.py, so that the grader and the self-check cannot drift apart
("one verdict", spec §6). ``compare`` returns None when a value matches, else a ``Mismatch`` naming
the first layer that failed (type, shape, finite, values).
"""

from typing import TYPE_CHECKING

from autograder import student_module

_comparison = student_module("comparison")

if (
    TYPE_CHECKING
):  # the type checker reads the class where it is written; at run time it is loaded by path
    from student.comparison import Mismatch
else:
    Mismatch = _comparison.Mismatch

TYPE, SHAPE, FINITE, VALUES = (
    _comparison.TYPE,
    _comparison.SHAPE,
    _comparison.FINITE,
    _comparison.VALUES,
)
compare = _comparison.compare
close = _comparison.close
container_note = _comparison.container_note
describe = _comparison.describe

__all__ = [
    "FINITE",
    "SHAPE",
    "TYPE",
    "VALUES",
    "Mismatch",
    "close",
    "compare",
    "container_note",
    "describe",
]
