"""A grade's provenance: what it was computed from, so that a regrade can say why a grade changed.

``provenance(course, source, seeds)`` is the dict a ``GradeReport`` holds and its JSON writes
under "provenance":

    {"submission_sha256": SHA-256 of the source graded (UTF-8; of a notebook, its definitions,
                          so that the outputs nbgrader adds to it do not change it),
     "kit_version":       the kit's version (``autograder.__version__``, which pyproject.toml
                          reads: a Gradescope bundle has the kit's files but does not install it),
     "course_sha256":     SHA-256 of course.yaml (``Course.sha256``),
     "attempt":           the submission's attempt, from 1, which drew its cases with the seeds,
     "items":             {item id: {"seed": int, "points": float,
                                     "tolerance": {"rtol", "atol"},
                                     "groups": [[name, count, weight], ...]}},
     "late_policy":       course.yaml's late_policy ({"period_hours", ...}), None for none,
     "tampered":          None: the grader alone cannot tell; nbgrader's autograde chain
                          (score_of_record.py) sets the sorted ids of the items whose kernel
                          showed another score, [] for none}

The chain adds "deadline" from nbgrader's gradebook (``gradebook_provenance.deadline``).
``changes(old, new, item_id)`` names what differs between two provenances for an item.
"""

from collections.abc import Mapping

import msgspec

from autograder import __version__
from autograder.grading.attempts import digest
from autograder.grading.course import Course, Item
from autograder.grading.results import JSONObject

# the reasons changes() names, in the order it names them
CASES, TOLERANCE, POINTS, SEED, KIT, SUBMISSION = (
    "cases",
    "tolerance",
    "points",
    "seed",
    "kit version",
    "submission",
)


def provenance(course: Course, source: str, seeds: Mapping[str, int], attempt: int) -> JSONObject:
    """The provenance of a grade of ``source`` (text), its ``attempt``, under ``course``; seeds is {item id: the seed graded with}."""
    items = {item.id: item for item in course.items()}
    return {
        "submission_sha256": digest(source),
        "kit_version": __version__,
        "course_sha256": course.sha256,
        "attempt": attempt,
        "items": {item_id: _item_settings(items[item_id], seed) for item_id, seed in seeds.items()},
        "late_policy": course.late_policy and msgspec.structs.asdict(course.late_policy),
        "tampered": None,
    }


def _item_settings(item: Item, seed: int) -> JSONObject:
    return {
        "seed": seed,
        "points": item.points,
        "tolerance": {"rtol": item.tolerance.rtol, "atol": item.tolerance.atol},
        "groups": [[group.name, group.count, group.weight] for group in item.groups],
    }


def changes(old: JSONObject, new: JSONObject, item_id: str) -> list[str]:
    """What differs for the item between two provenances (dicts as above): a list of the reasons above."""
    before, after = old["items"].get(item_id, {}), new["items"][item_id]
    reasons = [
        reason
        for reason, key in ((CASES, "groups"), (TOLERANCE, "tolerance"), (POINTS, "points"))
        if before.get(key) != after[key]
    ]
    reasons += [SEED] if before.get("seed") != after["seed"] else []
    reasons += [KIT] if old["kit_version"] != new["kit_version"] else []
    reasons += [SUBMISSION] if old["submission_sha256"] != new["submission_sha256"] else []
    return reasons
