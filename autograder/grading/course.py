"""The course registry: course.yaml loaded, validated and resolved against source_impl.

``load_course()`` is the one way the rest of the kit learns what is graded. A bad file is
refused with a ``CourseError`` whose message names the file, the key and the problem.

course.yaml's keys, their types, descriptions and defaults are declared once, in
``autograder/grading/course_schema.py`` (published for editors as ``course.schema.json``); the
file is checked against them first. This module then checks what a schema cannot say: a rule
across keys, and the items against their records.

An assignment's graded cells are of two kinds: its ``items``, each a function that the kit's
hidden grader scores, and its optional ``derivations``, Markdown answer cells that people grade
in nbgrader's formgrader (the rubric is in the solution notebook's cell). Their ids are
nbgrader's cell ids, unique across the course. ``Assignment.item_points`` is what the hidden
grader can give, ``manual_points`` what people give, ``total_points`` nbgrader's maximum.

Each item has its record in ``autograder/items/<assignment>.py`` (``ITEMS``: its case
generators, public cases and catalogued misconceptions), in course.yaml's order, and each record
its item; each item grades its own function of the student API (``source_impl.__all__``). An item
without a record, a record without an item or in another order, a group the record does not
generate or one of the record's groups that the item lacks, a misconception id its record does
not catalogue, or a function graded twice is refused here, naming the key, rather than when a
round draws the cases.

Every catalogued misconception of an item must fail at least one public self-check case of
the item's function (tests/test_public_cases.py holds the kit to it), unless the item's
optional ``hidden_only`` lists its id: a mistake only the hidden cases can tell apart
without the public cases giving the answer away.
"""

import contextlib
import functools
import hashlib
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

import source_impl
from autograder import ROOT
from autograder.grading.course_schema import (
    FEEDBACK_MODES,
    GRADESCOPE_VISIBILITIES,
    AssignmentEntry,
    CaseGroup,
    CourseFile,
    DerivationEntry,
    DownloadLimits,
    Gradescope,
    ItemEntry,
    KernelFolder,
    Similarity,
    Timeouts,
    Tolerance,
    mismatch,
)
from autograder.grading.late_policy import LatePolicy
from autograder.items import ITEMS, RECORD_FILES, ItemRecord

__all__ = [
    "COURSE_FILE",
    "FEEDBACK_MODES",
    "GRADESCOPE_VISIBILITIES",
    "Assignment",
    "CaseGroup",
    "Course",
    "CourseError",
    "Derivation",
    "DownloadLimits",
    "Gradescope",
    "Item",
    "KernelFolder",
    "Similarity",
    "Timeouts",
    "Tolerance",
    "load_course",
    "parse_course",
]

COURSE_FILE = ROOT / "course.yaml"
# course.yaml as parsed, with its text's SHA-256, beside this module's bytecode (and, like it, written
# by the first process that parses the text and may write there): a grading command that finds it
# skips importing PyYAML and parsing the file, about 15 ms of its 0.2 s. Only the kit's own
# course.yaml is kept, and only where JSON keeps its data exactly (a date it does not).
PARSED_COURSE = Path(__file__).with_name("__pycache__") / "course.yaml.json"
WEIGHT_SUM_TOLERANCE = 1e-9
GRADED_CELL_RULE = (
    "the ids of items and derivations are nbgrader's cell ids, each unique in the course"
)


class CourseError(ValueError):
    """course.yaml is missing, unreadable, or breaks a rule; the message says where."""


@dataclass(frozen=True)
class Item:
    """One graded quantity: a function of the student API, its points and its hidden cases."""

    id: str
    assignment: str
    equation: str
    function: str
    points: float
    groups: tuple[CaseGroup, ...]
    tolerance: Tolerance  # the item's own, or the course's
    # {misconception id: fraction of the points} for recognised mistakes that earn credit; others earn 0
    misconception_credit: dict[str, float]
    # misconception ids no public self-check case needs to tell apart (course.yaml says why for each)
    hidden_only: tuple[str, ...]

    @property
    def reference(self) -> Callable[..., Any]:
        """The reference implementation of this item's function."""
        function: Callable[..., Any] = getattr(source_impl, self.function)
        return function


@dataclass(frozen=True)
class Derivation:
    """A derivation graded by people: a Markdown answer cell of the notebook, its equation and its points."""

    id: str
    assignment: str
    equation: str
    points: float


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    items: tuple[Item, ...]
    derivations: tuple[Derivation, ...]
    due: datetime | None  # aware; None: no due date
    grade_on_submission: bool = True  # a hub's grading service grades it as it arrives

    @property
    def item_points(self) -> float:
        """The points of the automatic items: all that the hidden grader (and Gradescope's autograder) can give."""
        return sum(item.points for item in self.items)

    @property
    def manual_points(self) -> float:
        """The points of the derivations, which people grade in formgrader."""
        return sum(derivation.points for derivation in self.derivations)

    @property
    def total_points(self) -> float:
        """Items and derivations: the assignment's maximum in nbgrader's gradebook."""
        return self.item_points + self.manual_points


@dataclass(frozen=True)
class Course:
    """course.yaml's ``course`` settings (course_schema.CourseSettings) with its assignments resolved."""

    id: str
    title: str
    languages: tuple[str, ...]
    base_seed: int
    timeouts: Timeouts
    tolerance: Tolerance
    assignments: tuple[Assignment, ...]
    gradescope: Gradescope
    feedback: str
    attempts: int
    late_policy: LatePolicy | None  # None: nbgrader's default, no penalty
    similarity: Similarity
    kernel_folder: KernelFolder
    downloads: DownloadLimits
    gradebook_url: str | None  # None: the course folder's sqlite file (gradebook_database.py)
    # SHA-256 of the course file's text, UTF-8 (of the data's JSON for a course parsed from data): a grade's provenance
    sha256: str = field(compare=False)

    def assignment(self, assignment_id: str) -> Assignment:
        for assignment in self.assignments:
            if assignment.id == assignment_id:
                return assignment
        known = ", ".join(a.id for a in self.assignments)
        raise CourseError(f"no assignment {assignment_id!r} in the course; it has: {known}")

    def items(self) -> tuple[Item, ...]:
        """Every graded item, assignment by assignment, in the file's order."""
        return tuple(item for assignment in self.assignments for item in assignment.items)

    def derivations(self) -> tuple[Derivation, ...]:
        """Every derivation graded by people, assignment by assignment, in the file's order."""
        return tuple(
            derivation for assignment in self.assignments for derivation in assignment.derivations
        )


def load_course(path: str | Path = COURSE_FILE) -> Course:
    """Read and validate a course file; return the Course or raise CourseError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CourseError(f"{path}: course file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CourseError(f"{path}: cannot read the course file: {error}") from None
    return _course_of(text, path)


# A process loads the course many times (each module that grades, each simulated student): the
# file is read each time, so a change is seen, and parsed once per text. The Course is frozen.
@functools.lru_cache(maxsize=8)
def _course_of(text: str, path: Path) -> Course:
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    kept = path == COURSE_FILE
    data = _parsed(sha256) if kept else None
    if data is None:
        data = _yaml(text, path)
        if kept:
            _keep(sha256, data)
    return parse_course(data, source=path.name, sha256=sha256)


def _yaml(text: str, path: Path) -> object:
    import yaml  # here, not at the top: a kept course.yaml is read without it

    # libyaml's safe loader where PyYAML has it: the pure-Python one takes a tenth of a second on this file
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as error:
        raise CourseError(f"{path}: not valid YAML: {error}") from None


def _parsed(sha256: str) -> object:
    """course.yaml's data as kept for the text of this SHA-256, or None (not kept, another text, unreadable)."""
    try:
        kept = json.loads(PARSED_COURSE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("sha256") != sha256:
        return None
    return kept.get("data")


def _keep(sha256: str, data: object) -> None:
    """Keep course.yaml's data for its text, where JSON gives it back exactly; silently not where the folder is not writable."""
    try:
        text = json.dumps({"sha256": sha256, "data": data}, ensure_ascii=False)
    except (TypeError, ValueError):  # a date or a value JSON has no word for
        return
    if json.loads(text)["data"] != data:  # e.g. a mapping with keys that are not strings
        return
    try:
        PARSED_COURSE.parent.mkdir(exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=PARSED_COURSE.parent, suffix=".tmp")
    except OSError:
        return
    try:
        os.fchmod(descriptor, 0o644)  # readable by whoever may read the bytecode beside it
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, PARSED_COURSE)  # whole or not at all, for a process reading it
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def parse_course(data: object, source: str = "course.yaml", sha256: str | None = None) -> Course:
    """Validate the parsed YAML of a course file and build the Course; sha256 is the file's, if it was read from one."""
    try:
        declared = msgspec.convert(data, CourseFile)
    except msgspec.ValidationError as error:
        raise _error(source, *mismatch(error, data)) from None
    rules = _Rules(source)
    rules.finite(data, "")
    settings = declared.course
    rules.capstone_within_notebook(settings.timeouts)
    assignments = tuple(
        _assignment(entry, f"assignments[{i}]", settings.tolerance, rules)
        for i, entry in enumerate(declared.assignments)
    )
    rules.every_record_has_its_item(declared.assignments)
    return Course(
        id=settings.id,
        title=settings.title,
        languages=tuple(settings.languages),
        base_seed=settings.base_seed,
        timeouts=settings.timeouts,
        tolerance=settings.tolerance,
        assignments=assignments,
        gradescope=settings.gradescope,
        feedback=settings.feedback,
        attempts=settings.attempts,
        late_policy=settings.late_policy,
        similarity=settings.similarity,
        kernel_folder=settings.kernel_folder,
        downloads=settings.downloads,
        gradebook_url=settings.gradebook_url,
        sha256=sha256
        or hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest(),
    )


def _assignment(
    entry: AssignmentEntry, key: str, default_tolerance: Tolerance, rules: "_Rules"
) -> Assignment:
    rules.claim("assignment id", entry.id, f"{key}.id")
    items = tuple(
        _item(item, f"{key}.items[{j}]", entry.id, default_tolerance, rules)
        for j, item in enumerate(entry.items)
    )
    rules.records_in_order(entry, key)
    derivations = tuple(
        _derivation(derivation, f"{key}.derivations[{j}]", entry.id, rules)
        for j, derivation in enumerate(entry.derivations)
    )
    return Assignment(
        entry.id, entry.title, items, derivations, entry.due, entry.grade_on_submission
    )


def _derivation(
    entry: DerivationEntry, key: str, assignment_id: str, rules: "_Rules"
) -> Derivation:
    rules.claim("derivation id", entry.id, f"{key}.id", namespace=GRADED_CELL_RULE)
    return Derivation(entry.id, assignment_id, entry.equation, entry.points)


def _item(
    entry: ItemEntry, key: str, assignment_id: str, default_tolerance: Tolerance, rules: "_Rules"
) -> Item:
    rules.claim("item id", entry.id, f"{key}.id", namespace=GRADED_CELL_RULE)
    record = rules.record(entry.id, f"{key}.id")
    rules.student_function(entry.function, f"{key}.function")
    rules.groups_of_record(entry, record, key)
    rules.catalogued(entry.id, entry.misconception_credit, f"{key}.misconception_credit")
    rules.catalogued(entry.id, entry.hidden_only, f"{key}.hidden_only")
    return Item(
        id=entry.id,
        assignment=assignment_id,
        equation=entry.equation,
        function=entry.function,
        points=entry.points,
        groups=tuple(entry.groups),
        tolerance=default_tolerance if entry.tolerance is None else entry.tolerance,
        misconception_credit=dict(entry.misconception_credit),
        hidden_only=tuple(entry.hidden_only),
    )


class _Rules:
    """The rules no schema can say, each refusing the file with a message that names the key."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.seen: dict[tuple[str, object], str] = {}  # (namespace, value): the key that used it

    def error(self, key: str, problem: str) -> CourseError:
        return _error(self.source, key, problem)

    def claim(self, kind: str, value: object, key: str, namespace: str | None = None) -> None:
        """Record value as used for kind (in namespace, by default kind's own); refuse it if an earlier key used it there."""
        seen = (namespace or kind, value)
        if seen in self.seen:
            hint = f"; {namespace}" if namespace else ""
            raise self.error(
                key, f"duplicate {kind} {value!r} (first used at {self.seen[seen]}){hint}"
            )
        self.seen[seen] = key

    def finite(self, value: object, key: str) -> None:
        """Every number of the parsed YAML is finite: a bound of the schema lets YAML's .inf through."""
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(key, f"Expected a finite number; the file has {value!r}")
        if isinstance(value, dict):
            for name, inner in value.items():
                self.finite(inner, f"{key}.{name}" if key else str(name))
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                self.finite(inner, f"{key}[{index}]")

    def capstone_within_notebook(self, timeouts: Timeouts) -> None:
        """A capstone must end before the whole notebook's limit, which covers it too."""
        if timeouts.capstone_seconds >= timeouts.per_notebook_seconds:
            raise self.error(
                "course.timeouts.capstone_seconds",
                f"capstone_seconds ({timeouts.capstone_seconds:g}) must be less than per_notebook_seconds "
                f"({timeouts.per_notebook_seconds:g}), which the capstones run within",
            )

    def record(self, item_id: str, key: str) -> ItemRecord:
        """The item's record in autograder/items/; refuse an item id that has none."""
        if item_id in ITEMS:
            return ITEMS[item_id]
        import difflib  # here, not at the top: its import would cost every load_course()

        close = difflib.get_close_matches(item_id, ITEMS, n=3)
        raise self.error(
            key,
            f"item {item_id!r} has no record in autograder/items/ (an ItemRecord of that id in an ITEMS there); "
            + (
                f"the closest record ids: {', '.join(close)}"
                if close
                else f"the records: {', '.join(ITEMS)}"
            ),
        )

    def student_function(self, function: str, key: str) -> None:
        """A function of source_impl's student API, graded by this item alone."""
        if function not in source_impl.__all__ or not callable(getattr(source_impl, function)):
            api = ", ".join(name for name in source_impl.__all__ if name != "Params")
            raise self.error(
                key,
                f"source_impl has no function {function!r} in its student API (source_impl.__all__): {api}",
            )
        self.claim("function", function, key)

    def groups_of_record(self, entry: ItemEntry, record: ItemRecord, key: str) -> None:
        """The item's groups are its record's, each once, and their weights sum to 1."""
        names: dict[str, int] = {}
        for j, group in enumerate(entry.groups):
            name_key = f"{key}.groups[{j}].name"
            if group.name in names:
                raise self.error(
                    name_key,
                    f"duplicate group name {group.name!r} (first used at {key}.groups[{names[group.name]}].name)",
                )
            names[group.name] = j
            if group.name not in record.generators:
                raise self.error(
                    name_key,
                    f"{group.name!r} is no group of {_record_of(entry.id)}; "
                    f"its groups: {', '.join(record.generators)}",
                )
        missing = [name for name in record.generators if name not in names]
        if missing:
            raise self.error(
                f"{key}.groups",
                f"no group {', '.join(map(repr, missing))}, which {_record_of(entry.id)} generates; "
                f"the item needs each of its groups (name, count, weight): {', '.join(record.generators)}",
            )
        total = math.fsum(group.weight for group in entry.groups)
        if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
            raise self.error(f"{key}.groups", f"the weights sum to {total:g}; they must sum to 1")

    def catalogued(self, item_id: str, variant_ids: Iterable[str], key: str) -> None:
        """Refuse a misconception id that the item's catalog of misconceptions (its record's) lacks."""
        known = [m.id for m in ITEMS[item_id].misconceptions]
        for variant_id in variant_ids:
            if variant_id not in known:
                raise self.error(
                    key,
                    f"item {item_id!r} has no catalogued misconception {variant_id!r}; "
                    f"its catalog has: {', '.join(known) or 'nothing'}",
                )

    def records_in_order(self, entry: AssignmentEntry, key: str) -> None:
        """The assignment's items have their records in autograder/items/<assignment>.py, in the items' order."""
        record_file = f"autograder/items/{entry.id}.py"
        records = [item_id for item_id in ITEMS if RECORD_FILES[item_id] == record_file]
        for j, item in enumerate(entry.items):
            if item.id in ITEMS and RECORD_FILES[item.id] != record_file:
                raise self.error(
                    f"{key}.items[{j}].id",
                    f"item {item.id!r} of assignment {entry.id!r} has its record in "
                    f"{RECORD_FILES[item.id]}; an item's record is in {record_file}",
                )
        graded = [item.id for item in entry.items if item.id in ITEMS]
        if graded != [item_id for item_id in records if item_id in graded]:
            j, (here, there) = next(
                (j, pair) for j, pair in enumerate(zip(graded, records)) if pair[0] != pair[1]
            )
            raise self.error(
                f"{key}.items[{j}].id",
                f"item {here!r} comes where {record_file}'s ITEMS has {there!r}; its records "
                f"are in course.yaml's order: {', '.join(records)}",
            )

    def every_record_has_its_item(self, assignments: Iterable[AssignmentEntry]) -> None:
        """Refuse a record of autograder/items/ that no course.yaml item has: its cases would never be drawn."""
        graded = {item.id for assignment in assignments for item in assignment.items}
        orphans = [item_id for item_id in ITEMS if item_id not in graded]
        if orphans:
            raise self.error(
                "assignments",
                "no item has the record "
                + ", ".join(f"{item_id!r} of {RECORD_FILES[item_id]}" for item_id in orphans)
                + "; give each record an item of that id in its assignment's items, or remove the record",
            )


def _record_of(item_id: str) -> str:
    return f"{RECORD_FILES[item_id]}'s record of {item_id}"


def _error(source: str, key: str, problem: str) -> CourseError:
    return CourseError(f"{source}: {key or 'top level'}: {problem}")
