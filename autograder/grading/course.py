"""The course registry: course.yaml loaded, validated and resolved against source_impl.

``load_course()`` is the one way the rest of the kit learns what is graded. A bad file is
refused with a ``CourseError`` whose message names the file, the key and the problem.

An assignment's graded cells are of two kinds: its ``items``, each a function that the kit's
hidden grader scores, and its optional ``derivations``, Markdown answer cells that people grade
in nbgrader's formgrader (the rubric is in the solution notebook's cell). Their ids are
nbgrader's cell ids, unique across the course. ``Assignment.item_points`` is what the hidden
grader can give, ``manual_points`` what people give, ``total_points`` nbgrader's maximum.

Each item has its record in ``autograder/items/`` (``ITEMS``: its case generators, public cases
and catalogued misconceptions), and each record its item: an item without a record, a record
without an item, a group the record does not generate or one of the record's groups that the
item lacks is refused here, naming the key, rather than when a round draws the cases.

Every catalogued misconception of an item must fail at least one public self-check case of
the item's function (tests/test_public_cases.py holds the kit to it), unless the item's
optional ``hidden_only`` lists its id: a mistake only the hidden cases can tell apart
without the public cases giving the answer away.

An assignment's optional ``due`` is an aware datetime (course.yaml writes it in ISO 8601 with its
time zone); the course's optional ``late_policy`` (``late_policy.LatePolicy``) says what a late
submission loses. Without them nothing is late.
"""

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

import source_impl
from autograder import ROOT
from autograder.grading.late_policy import LatePolicy
from autograder.items import ITEMS, RECORD_FILES, ItemRecord

# libyaml's safe loader where PyYAML has it: the pure-Python one takes a tenth of a second on this file
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

COURSE_FILE = ROOT / "course.yaml"
WEIGHT_SUM_TOLERANCE = 1e-9
GRADED_CELL = "graded cell id"  # items and derivations share it: each is a graded cell of nbgrader
GRADED_CELL_RULE = (
    "the ids of items and derivations are nbgrader's cell ids, each unique in the course"
)


class CourseError(ValueError):
    """course.yaml is missing, unreadable, or breaks a rule; the message says where."""


@dataclass(frozen=True)
class Tolerance:
    """A case matches the reference when |actual − expected| ≤ atol + rtol·|expected|."""

    rtol: float
    atol: float


@dataclass(frozen=True)
class CaseGroup:
    name: str
    count: int
    weight: float


@dataclass(frozen=True)
class Item:
    """One graded quantity: a function of the student API, its points and its hidden cases."""

    id: str
    assignment: str
    equation: str
    function: str
    points: float
    groups: tuple
    tolerance: Tolerance
    # {misconception id: fraction of the points} for recognised mistakes that earn credit; others earn 0
    misconception_credit: dict = field(default_factory=dict)
    # misconception ids no public self-check case needs to tell apart (course.yaml says why for each)
    hidden_only: tuple = ()

    @property
    def reference(self):
        """The reference implementation of this item's function."""
        return getattr(source_impl, self.function)


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
    items: tuple
    derivations: tuple = ()
    due: datetime | None = None  # aware; None: no due date

    @property
    def item_points(self):
        """The points of the automatic items: all that the hidden grader (and Gradescope's autograder) can give."""
        return sum(item.points for item in self.items)

    @property
    def manual_points(self):
        """The points of the derivations, which people grade in formgrader."""
        return sum(derivation.points for derivation in self.derivations)

    @property
    def total_points(self):
        """Items and derivations: the assignment's maximum in nbgrader's gradebook."""
        return self.item_points + self.manual_points


@dataclass(frozen=True)
class Timeouts:
    """per_call_seconds and per_submission_seconds: the hidden grader's, for a student's function and
    for all of a submission's; per_notebook_seconds: nbgrader's run of a whole notebook in its kernel
    (integration/notebook_deadline.py), past which it is not graded; capstone_seconds: the kernel's run
    of one capstone that a person grades answers on (selfcheck.run_capstone), stopped past it while
    nbgrader autogrades, the notebook going on."""

    per_call_seconds: float
    per_submission_seconds: float
    per_notebook_seconds: float = 600
    capstone_seconds: float = 60


@dataclass(frozen=True)
class Gradescope:
    """What a Gradescope student sees, and when: of each item's test, and of the grader's output."""

    visibility: str = "visible"
    stdout_visibility: str = "hidden"


@dataclass(frozen=True)
class Similarity:
    """The class report's similarity check (autograder/rounds/similarity.py).

    threshold: a pair of students is listed when the mean similarity of their compared
    functions reaches it (0 to 1); min_length: a function is compared only when both students
    wrote at least this many characters of normalised code of their own (beyond the released
    stub and the text most of the class shares); common_share: text found in more than this
    share of the submissions that wrote a function (and in more than two) is what the class
    shares, not evidence of copying; min_functions: a pair is listed only when at least this many
    functions were compared.
    """

    threshold: float = 0.8
    min_length: int = 30
    common_share: float = 0.5
    min_functions: int = 3


@dataclass(frozen=True)
class KernelFolder:
    """What a submission's code may leave in the folder nbgrader's kernel runs it in (integration/kernel_folder.py).

    file_mib: the largest file the kernel may write (its RLIMIT_FSIZE); total_mib: all the
    folder's files together; entries: its files and folders. A folder past one of them after the
    kernel is not graded, and is kept aside for the instructor with the reason.
    """

    file_mib: int = 64
    total_mib: int = 256
    entries: int = 1000

    @property
    def file_bytes(self):
        return self.file_mib * 2**20

    @property
    def total_bytes(self):
        return self.total_mib * 2**20


@dataclass(frozen=True)
class DownloadLimits:
    """What an LMS download may unpack to (rounds/lms_download.py): past one, the round stops and names the entry.

    entries: files in the download; entry_mib: one file, uncompressed; total_mib: all of them;
    ratio: uncompressed bytes per compressed byte, of an entry and of the whole archive (a zip
    bomb's is in the thousands, a notebook's below 20).
    """

    entries: int = 50000
    entry_mib: int = 64
    total_mib: int = 4096
    ratio: int = 100


# What a failed item's feedback shows its student: one of their own failing cases whole, or only
# which case failed and how
FEEDBACK_MODES = ("case", "summary")

# Gradescope's own words
GRADESCOPE_VISIBILITIES = (
    "hidden",
    "after_due_date",
    "after_published",
    "visible",
)


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    languages: tuple
    base_seed: int
    timeouts: Timeouts
    tolerance: Tolerance
    assignments: tuple
    gradescope: Gradescope = Gradescope()
    feedback: str = "case"
    attempts: int = 1
    late_policy: LatePolicy | None = None  # None: nbgrader's default, no penalty
    similarity: Similarity = Similarity()
    kernel_folder: KernelFolder = KernelFolder()
    downloads: DownloadLimits = DownloadLimits()
    gradebook_url: str | None = (
        None  # None: the course folder's sqlite file (gradebook_database.py)
    )
    # SHA-256 of the course file's text, UTF-8 (of the data's JSON for a course parsed from data): a grade's provenance
    sha256: str = field(default="", compare=False)

    def assignment(self, assignment_id):
        for assignment in self.assignments:
            if assignment.id == assignment_id:
                return assignment
        known = ", ".join(a.id for a in self.assignments)
        raise CourseError(f"no assignment {assignment_id!r} in the course; it has: {known}")

    def items(self):
        """Every graded item, assignment by assignment, in the file's order."""
        return tuple(item for assignment in self.assignments for item in assignment.items)

    def derivations(self):
        """Every derivation graded by people, assignment by assignment, in the file's order."""
        return tuple(
            derivation for assignment in self.assignments for derivation in assignment.derivations
        )


def load_course(path=COURSE_FILE):
    """Read and validate a course file; return the Course or raise CourseError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CourseError(f"{path}: course file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CourseError(f"{path}: cannot read the course file: {error}") from None
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as error:
        raise CourseError(f"{path}: not valid YAML: {error}") from None
    return parse_course(
        data, source=path.name, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest()
    )


def parse_course(data, source="course.yaml", sha256=None):
    """Validate the parsed YAML of a course file and build the Course; sha256 is the file's, if it was read from one."""
    top = _Node(data, source, "")
    top.keys(required=("course", "assignments"))
    course = top["course"]
    course.keys(
        required=("id", "title", "languages", "base_seed", "timeouts", "tolerance"),
        optional=(
            "gradescope",
            "feedback",
            "attempts",
            "late_policy",
            "similarity",
            "kernel_folder",
            "downloads",
            "gradebook_url",
        ),
    )
    timeouts = course["timeouts"]
    timeouts.keys(
        required=("per_call_seconds", "per_submission_seconds"),
        optional=("per_notebook_seconds", "capstone_seconds"),
    )
    tolerance = _tolerance(course["tolerance"])
    seen = {}
    assignments = tuple(
        _assignment(node, tolerance, seen) for node in top["assignments"].elements()
    )
    _every_record_has_its_item(top["assignments"], assignments)
    return Course(
        id=course["id"].text(),
        title=course["title"].text(),
        languages=tuple(node.text() for node in course["languages"].elements()),
        base_seed=course["base_seed"].integer(minimum=0),
        timeouts=_timeouts(timeouts),
        tolerance=tolerance,
        assignments=assignments,
        gradescope=_gradescope(course["gradescope"]) if "gradescope" in course else Gradescope(),
        feedback=_feedback_mode(course["feedback"]) if "feedback" in course else "case",
        attempts=course["attempts"].integer(minimum=1) if "attempts" in course else 1,
        late_policy=_late_policy(course["late_policy"]) if "late_policy" in course else None,
        similarity=_similarity(course["similarity"]) if "similarity" in course else Similarity(),
        kernel_folder=(
            _limits(course["kernel_folder"], KernelFolder)
            if "kernel_folder" in course
            else KernelFolder()
        ),
        downloads=(
            _limits(course["downloads"], DownloadLimits)
            if "downloads" in course
            else DownloadLimits()
        ),
        gradebook_url=course["gradebook_url"].text() if "gradebook_url" in course else None,
        sha256=sha256
        or hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest(),
    )


def _timeouts(node):
    """The Timeouts; a capstone must end before the whole notebook's limit, which covers it too."""
    optional = ("per_notebook_seconds", "capstone_seconds")
    timeouts = Timeouts(
        per_call_seconds=node["per_call_seconds"].number(positive=True),
        per_submission_seconds=node["per_submission_seconds"].number(positive=True),
        **{key: node[key].number(positive=True) for key in optional if key in node},
    )
    if timeouts.capstone_seconds >= timeouts.per_notebook_seconds:
        raise node.error(
            f"capstone_seconds ({timeouts.capstone_seconds:g}) must be less than "
            f"per_notebook_seconds ({timeouts.per_notebook_seconds:g}), which the capstones run within"
        )
    return timeouts


def _feedback_mode(node):
    mode = node.text()
    if mode not in FEEDBACK_MODES:
        raise node.error(f"must be one of {', '.join(FEEDBACK_MODES)}; got {mode!r}")
    return mode


def _late_policy(node):
    fields = ("period_hours", "penalty_per_period", "max_penalty", "cutoff_hours")
    node.keys(required=fields)
    policy = LatePolicy(*(node[key].number(positive=True) for key in fields))
    for key in ("penalty_per_period", "max_penalty"):
        if getattr(policy, key) > 1:
            raise node[key].error(
                f"must be a fraction of the score between 0 and 1; got {getattr(policy, key)!r}"
            )
    return policy


def _similarity(node):
    keys = ("threshold", "min_length", "common_share", "min_functions")
    node.keys(required=(), optional=keys)
    chosen = {key: node[key] for key in keys if key in node}
    for key in ("threshold", "common_share"):
        if key in chosen:
            chosen[key] = chosen[key].number(positive=True)
            if chosen[key] > 1:
                raise node[key].error(f"must be a share, at most 1; got {chosen[key]!r}")
    for key in ("min_length", "min_functions"):
        if key in chosen:
            chosen[key] = chosen[key].integer(minimum=1)
    return Similarity(**chosen)


def _limits(node, kind):
    """A dataclass of whole-number limits (KernelFolder, DownloadLimits), each key optional."""
    keys = tuple(field.name for field in dataclasses.fields(kind))
    node.keys(required=(), optional=keys)
    return kind(**{key: node[key].integer(minimum=1) for key in keys if key in node})


def _gradescope(node):
    node.keys(required=(), optional=("visibility", "stdout_visibility"))
    chosen = {}
    for key in ("visibility", "stdout_visibility"):
        if key in node:
            chosen[key] = node[key].text()
            if chosen[key] not in GRADESCOPE_VISIBILITIES:
                raise node[key].error(
                    f"must be one of {', '.join(GRADESCOPE_VISIBILITIES)}; got {chosen[key]!r}"
                )
    return Gradescope(**chosen)


def _assignment(node, default_tolerance, seen):
    node.keys(required=("id", "title", "items"), optional=("derivations", "due"))
    assignment_id = node["id"].identifier()
    _claim(seen, "assignment id", node["id"])
    items = tuple(
        _item(item, assignment_id, default_tolerance, seen) for item in node["items"].elements()
    )
    derivations = (
        tuple(_derivation(d, assignment_id, seen) for d in node["derivations"].elements())
        if "derivations" in node
        else ()
    )
    return Assignment(
        id=assignment_id,
        title=node["title"].text(),
        items=items,
        derivations=derivations,
        due=node["due"].moment() if "due" in node else None,
    )


def _derivation(node, assignment_id, seen):
    node.keys(required=("id", "equation", "points"))
    derivation_id = node["id"].identifier()
    _claim(seen, "derivation id", node["id"], namespace=GRADED_CELL)
    return Derivation(
        id=derivation_id,
        assignment=assignment_id,
        equation=node["equation"].text(),
        points=node["points"].number(positive=True),
    )


def _item(node, assignment_id, default_tolerance, seen):
    node.keys(
        required=("id", "equation", "function", "points", "groups"),
        optional=("tolerance", "misconception_credit", "hidden_only"),
    )
    item_id = node["id"].identifier()
    _claim(seen, "item id", node["id"], namespace=GRADED_CELL)
    record = _record(node["id"], item_id)
    function = node["function"].identifier()
    if function not in source_impl.__all__ or not callable(getattr(source_impl, function)):
        api = ", ".join(name for name in source_impl.__all__ if name != "Params")
        raise node["function"].error(
            f"source_impl has no function {function!r} in its student API (source_impl.__all__): {api}"
        )
    group_names = {}
    groups = []
    for group_node in node["groups"].elements():
        group = _group(group_node)
        _claim(group_names, "group name", group_node["name"])
        if group.name not in record.generators:
            raise group_node["name"].error(
                f"{group.name!r} is no group of {_record_of(item_id)}; "
                f"its groups: {', '.join(record.generators)}"
            )
        groups.append(group)
    missing = [name for name in record.generators if ("group name", name) not in group_names]
    if missing:
        raise node["groups"].error(
            f"no group {', '.join(map(repr, missing))}, which {_record_of(item_id)} generates; "
            f"the item needs each of its groups (name, count, weight): {', '.join(record.generators)}"
        )
    total = math.fsum(group.weight for group in groups)
    if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise node["groups"].error(f"the weights sum to {total:g}; they must sum to 1")
    return Item(
        id=item_id,
        assignment=assignment_id,
        equation=node["equation"].text(),
        function=function,
        points=node["points"].number(positive=True),
        groups=tuple(groups),
        tolerance=_tolerance(node["tolerance"]) if "tolerance" in node else default_tolerance,
        misconception_credit=_misconception_credit(node["misconception_credit"], item_id)
        if "misconception_credit" in node
        else {},
        hidden_only=_hidden_only(node["hidden_only"], item_id) if "hidden_only" in node else (),
    )


def _record_of(item_id: str) -> str:
    return f"{RECORD_FILES[item_id]}'s record of {item_id}"


def _record(id_node: "_Node", item_id: str) -> ItemRecord:
    """The item's record in autograder/items/; refuse an item id that has none."""
    if item_id in ITEMS:
        return ITEMS[item_id]
    import difflib  # here, not at the top: its import would cost every load_course()

    close = difflib.get_close_matches(item_id, ITEMS, n=3)
    raise id_node.error(
        f"item {item_id!r} has no record in autograder/items/ (an ItemRecord of that id in an ITEMS there); "
        + (
            f"the closest record ids: {', '.join(close)}"
            if close
            else f"the records: {', '.join(ITEMS)}"
        )
    )


def _every_record_has_its_item(node: "_Node", assignments: tuple) -> None:
    """Refuse a record of autograder/items/ that no course.yaml item has: its cases would never be drawn."""
    graded = {item.id for assignment in assignments for item in assignment.items}
    orphans = [item_id for item_id in ITEMS if item_id not in graded]
    if orphans:
        raise node.error(
            "no item has the record "
            + ", ".join(f"{item_id!r} of {RECORD_FILES[item_id]}" for item_id in orphans)
            + "; give each record an item of that id in its assignment's items, or remove the record"
        )


def _misconception_credit(node, item_id):
    """{misconception id: fraction in [0, 1]}; every id must be in the item's catalog of misconceptions."""
    if not isinstance(node.value, dict):
        raise node.error(
            f"must be a mapping from misconception id to a fraction of the points; got {_describe(node.value)}"
        )
    credit = {}
    for variant_id in node.value:
        _catalogued(node, item_id, variant_id)
        fraction = node[variant_id].number(minimum=0)
        if fraction > 1:
            raise node[variant_id].error(
                f"must be a fraction of the points between 0 and 1; got {fraction!r}"
            )
        credit[variant_id] = fraction
    return credit


def _hidden_only(node, item_id):
    """The misconception ids, each in the item's catalog, that only the hidden cases have to tell apart."""
    if not isinstance(node.value, list):
        raise node.error(f"must be a list of misconception ids; got {_describe(node.value)}")
    for variant_id in node.value:
        _catalogued(node, item_id, variant_id)
    return tuple(node.value)


def _catalogued(node, item_id, variant_id):
    """Refuse a misconception id that the item's catalog of misconceptions (its record's) lacks."""
    known = [m.id for m in ITEMS[item_id].misconceptions] if item_id in ITEMS else []
    if variant_id not in known:
        raise node.error(
            f"item {item_id!r} has no catalogued misconception {variant_id!r}; "
            f"its catalog has: {', '.join(known) or 'nothing'}"
        )


def _group(node):
    node.keys(required=("name", "count", "weight"))
    return CaseGroup(
        name=node["name"].identifier(),
        count=node["count"].integer(minimum=1),
        weight=node["weight"].number(positive=True),
    )


def _tolerance(node):
    node.keys(required=("rtol", "atol"))
    return Tolerance(rtol=node["rtol"].number(minimum=0), atol=node["atol"].number(minimum=0))


def _claim(seen, kind, node, namespace=None):
    """Record node's value as used for kind (in namespace, by default kind's own); refuse it if an earlier node used it there."""
    key = (namespace or kind, node.value)
    if key in seen:
        hint = f"; {GRADED_CELL_RULE}" if namespace == GRADED_CELL else ""
        raise node.error(f"duplicate {kind} {node.value!r} (first used at {seen[key]}){hint}")
    seen[key] = node.path


class _Node:
    """A value of the parsed YAML with its path in the file, for messages that say where."""

    def __init__(self, value, source, path):
        self.value, self.source, self.path = value, source, path

    def error(self, problem):
        return CourseError(f"{self.source}: {self.path or 'top level'}: {problem}")

    def keys(self, required, optional=()):
        if not isinstance(self.value, dict):
            raise self.error(
                f"must be a mapping with keys {', '.join(required)}; got {_describe(self.value)}"
            )
        allowed = (*required, *optional)
        for key in self.value:
            if key not in allowed:
                raise self.error(
                    f"unknown key {key!r}; the keys allowed here are {', '.join(allowed)}"
                )
        for key in required:
            if key not in self.value:
                raise self.error(f"missing required key {key!r}")

    def __contains__(self, key):
        return key in self.value

    def __getitem__(self, key):
        return _Node(self.value[key], self.source, f"{self.path}.{key}" if self.path else key)

    def elements(self):
        if not isinstance(self.value, list) or not self.value:
            raise self.error(f"must be a non-empty list; got {_describe(self.value)}")
        return [
            _Node(value, self.source, f"{self.path}[{i}]") for i, value in enumerate(self.value)
        ]

    def text(self):
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.error(f"must be a non-empty string; got {_describe(self.value)}")
        return self.value

    def identifier(self):
        if not isinstance(self.value, str) or not self.value.isidentifier():
            raise self.error(
                f"must be a name of letters, digits and _ (a Python identifier); got {_describe(self.value)}"
            )
        return self.value

    def moment(self):
        """An aware datetime: YAML reads an unquoted ISO 8601 time as one, a quoted one is text."""
        value = self.value
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                pass
        if not isinstance(value, datetime):
            raise self.error(
                f"must be a date and time in ISO 8601, such as 2026-11-20T23:59:00+08:00; got {_describe(self.value)}"
            )
        if value.tzinfo is None:
            raise self.error(
                f"must say its time zone, such as 2026-11-20T23:59:00+08:00; got {self.value} without one"
            )
        return value

    def integer(self, minimum):
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value < minimum:
            raise self.error(f"must be an integer ≥ {minimum}; got {_describe(self.value)}")
        return self.value

    def number(self, positive=False, minimum=None):
        value = self.value
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            hint = ""
            if isinstance(value, str) and _looks_numeric(value):
                hint = " (YAML reads a number such as 1e-7 as text: write 1.0e-7)"
            raise self.error(f"must be a finite number; got {_describe(value)}{hint}")
        if positive and value <= 0:
            raise self.error(f"must be a positive number; got {value!r}")
        if minimum is not None and value < minimum:
            raise self.error(f"must be a number ≥ {minimum}; got {value!r}")
        return value


def _looks_numeric(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _describe(value):
    if value is None:
        return "nothing"
    return f"{value!r} ({type(value).__name__})"
