"""The record of one graded item, and of one of its catalogued misconceptions."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# What a graded function takes and returns: arrays, numbers, Params, tuples of them, a Generator;
# a student's function may return anything at all, so no narrower type holds.
Value = Any
Arguments = tuple[Value, ...]
GradedFunction = Callable[..., Value]
CaseGenerator = Callable[[np.random.Generator], Arguments]
# Two catalogued misconceptions of one item made together: a function with the item's signature
# making both, or, a str, why no student can make both.
MistakePair = GradedFunction | str


@dataclass(frozen=True)
class Misconception:
    """A known wrong variant of an item's function, from the spec's list of student mistakes.

    ``variant`` has the item's signature and makes exactly this one mistake; the grader names the
    misconception when a student's outputs match it on every case. ``name`` and the hint are in
    Chinese then English; the hint points at the mistake without giving the answer.
    ``student_source`` is the same mistake as a student writes it: the source of the function,
    calling the other graded functions through ``_ref.`` and NumPy as ``np``
    (``simulated_class.mistakes.in_notebook`` turns it into a notebook cell).
    """

    id: str
    name: str
    hint_zh: str
    hint_en: str
    variant: GradedFunction | None
    student_source: str | None

    @property
    def hint(self) -> str:
        return f"{self.hint_zh} / {self.hint_en}"


@dataclass(frozen=True)
class ItemRecord:
    """Everything the kit knows of one course.yaml item beyond course.yaml itself.

    id: the course.yaml item id; the item's function, points, groups and tolerance are course.yaml's.
    generators: ``{group name: generator(rng) → argument tuple}``, one per course.yaml group of the
        item; each draws from the item's seeded ``numpy.random.Generator`` (cases.generate).
    hint: the public self-check's hint.
    result_names: the names of a tuple result's parts, which the self-check quotes; None for one value.
    public_cases: the public self-check's argument tuples; ``{"rng_seed": n}`` stands for
        ``np.random.default_rng(n)``. Their expected results come from the reference at release.
    misconceptions: the catalogued wrong variants, in the order the grader tries them.
    purity_arguments: () → a fresh argument tuple on which the reference is checked to leave its
        arguments unchanged.
    mistake_pairs: ``{(a.id, b.id): both}`` for every pair of the misconceptions, a before b in
        ``misconceptions``: ``both`` is a function with the item's signature making both mistakes,
        which never scores above either alone, or a str saying why no student can make both
        (tests/test_grading_policy.py). Empty for an item of fewer than two misconceptions.
    """

    id: str
    generators: Mapping[str, CaseGenerator]
    hint: str
    result_names: tuple[str, ...] | None
    public_cases: tuple[Arguments, ...]
    misconceptions: tuple[Misconception, ...]
    purity_arguments: Callable[[], Arguments]
    mistake_pairs: Mapping[tuple[str, str], MistakePair] = field(default_factory=dict)
