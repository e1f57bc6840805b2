"""The hidden cases of an item, drawn by the generators of its record (``autograder.items``).

A record's ``generators[group_name](rng)`` returns the argument tuple of one case. The groups
are exactly course.yaml's groups for the item (a test holds the two equal). Cases are drawn
from one ``numpy.random.Generator`` per (base seed, course, assignment, student, item, attempt), so a
regrade gives identical cases, and two students, or one student's two attempts, get different ones.
"""

import copy
import hashlib
from dataclasses import dataclass

import numpy as np

from autograder.grading.course import Item
from autograder.items import ITEMS
from autograder.items.record import Arguments


@dataclass(frozen=True)
class Case:
    """One hidden case of an item: its group, its number within the item, and its arguments."""

    group: str
    number: int
    args: Arguments

    def arguments(self) -> Arguments:
        """A fresh deep copy of the arguments, so that no call can change the case itself."""
        return copy.deepcopy(self.args)


def item_seed(
    base_seed: int,
    course_id: str,
    assignment_id: str,
    student_id: str,
    item_id: str,
    attempt: int = 1,
) -> int:
    """A 64-bit seed from the SHA-256 of the course's base seed, the four ids and the attempt (from 1).

    The first attempt's seed leaves the attempt out, as seeds were before attempts were counted, so
    that a first submission's regrade draws the cases it was graded on.
    """
    parts = (base_seed, course_id, assignment_id, student_id, item_id)
    text = "\x1f".join(str(part) for part in parts + ((attempt,) if attempt > 1 else ()))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def generate(item: Item, seed: int) -> list[Case]:
    """The cases of an item, group by group in course.yaml's order, from one seeded generator."""
    rng = np.random.default_rng(seed)
    generators = ITEMS[item.id].generators
    cases: list[Case] = []
    for group in item.groups:
        for _ in range(group.count):
            cases.append(Case(group.name, len(cases) + 1, tuple(generators[group.name](rng))))
    return cases
