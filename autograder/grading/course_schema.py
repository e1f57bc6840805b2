"""course.yaml's keys, declared once: each key's type, description and default.

``msgspec.convert`` checks a loaded course.yaml against ``CourseFile`` (autograder/grading/course.py);
``python -m autograder.grading.course_schema`` writes the same declarations as the JSON Schema
``course.schema.json``, which editors read through course.yaml's first line to check the file as
it is typed; ``mismatch`` says where and how a file differs from them. What a schema cannot say
(a rule across keys, the items' records) is course.py's. Each mapping of the file is a frozen
Struct whose fields are its keys; no other key is allowed.

The settings' classes (``Tolerance``, ``Timeouts``…) are what the kit reads too; an item, a
derivation, an assignment and the course are read as course.py's classes, which add what the
file does not write (an item's assignment, its tolerance when the course's applies).
"""

import json
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal, get_args

import msgspec
from msgspec import Meta

from autograder import ROOT
from autograder.grading.late_policy import LatePolicy

SCHEMA_FILE = ROOT / "course.schema.json"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# nbgrader's cell ids and the groups' names: a Python identifier of ASCII letters, digits and _
Name = Annotated[str, Meta(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
Text = Annotated[str, Meta(pattern=r"\S")]  # not empty, not only blanks
# int or float: a whole number stays one (points: 2 is shown as 2)
PositiveNumber = Annotated[int, Meta(gt=0)] | Annotated[float, Meta(gt=0)]
NonNegativeNumber = Annotated[int, Meta(ge=0)] | Annotated[float, Meta(ge=0)]
Share = Annotated[int, Meta(gt=0, le=1)] | Annotated[float, Meta(gt=0, le=1)]
Count = Annotated[int, Meta(ge=1)]

FeedbackMode = Literal["case", "summary"]
FEEDBACK_MODES = get_args(FeedbackMode)
# Gradescope's own words
GradescopeVisibility = Literal["hidden", "after_due_date", "after_published", "visible"]
GRADESCOPE_VISIBILITIES = get_args(GradescopeVisibility)


class Tolerance(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A case matches the reference when |actual − expected| ≤ atol + rtol·|expected|."""

    rtol: Annotated[NonNegativeNumber, Meta(description="relative tolerance")]
    atol: Annotated[NonNegativeNumber, Meta(description="absolute tolerance")]


class CaseGroup(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A group of an item's hidden cases, drawn by its record's generator of the same name."""

    name: Annotated[Name, Meta(description="a group its record generates")]
    count: Annotated[Count, Meta(description="cases drawn for each student")]
    weight: Annotated[
        PositiveNumber,
        Meta(description="share of the item's points; an item's weights sum to 1"),
    ]


class Timeouts(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The limits of time: the hidden grader's, nbgrader's for a notebook, and a capstone's."""

    per_call_seconds: Annotated[
        PositiveNumber, Meta(description="one call of a student's function, in the hidden grader")
    ]
    per_submission_seconds: Annotated[
        PositiveNumber, Meta(description="all of a submission's calls, in the hidden grader")
    ]
    per_notebook_seconds: Annotated[
        PositiveNumber,
        Meta(
            description="nbgrader's run of a whole notebook in its kernel "
            "(integration/notebook_deadline.py); past it the notebook is not graded"
        ),
    ] = 600
    capstone_seconds: Annotated[
        PositiveNumber,
        Meta(
            description="the kernel's run of one capstone that answers graded by people rest on "
            "(selfcheck.run_capstone, exercise 5.5's two): past it the capstone stops with a line "
            "naming this key and the notebook goes on; less than per_notebook_seconds"
        ),
    ] = 60


class Gradescope(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a Gradescope student sees, and when (python3 tasks.py gradescope writes the bundle)."""

    visibility: Annotated[
        GradescopeVisibility,
        Meta(description="each item's test: its score and feedback, as `feedback` says"),
    ] = "visible"
    stdout_visibility: Annotated[
        GradescopeVisibility, Meta(description="the grader's own output")
    ] = "hidden"


class Similarity(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The class report's similarity pairs (autograder/rounds/similarity.py)."""

    threshold: Annotated[
        Share,
        Meta(description="a pair is listed at this mean similarity of its compared functions"),
    ] = 0.8
    min_length: Annotated[
        Count,
        Meta(
            description="a function is compared when both students wrote at least this many "
            "characters of normalised code of their own (beyond the stub and what the class shares)"
        ),
    ] = 30
    common_share: Annotated[
        Share,
        Meta(
            description="text in more than this share of the submissions that wrote a function "
            "(and in more than two) is what the class shares, not evidence of copying"
        ),
    ] = 0.5
    min_functions: Annotated[
        Count, Meta(description="a pair is listed when at least this many functions were compared")
    ] = 3


class KernelFolder(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a submission's code may leave in the folder nbgrader's kernel runs it in.

    The kernel can make no link, pipe, socket or device there; a folder past a limit after the
    kernel, or holding one, is not graded, and is kept aside for the instructor in the course
    folder's quarantine/ with the reason (integration/kernel_folder.py).
    """

    file_mib: Annotated[
        Count, Meta(description="the largest file the kernel may write (its RLIMIT_FSIZE), MiB")
    ] = 64
    total_mib: Annotated[Count, Meta(description="all the folder's files together, MiB")] = 256
    entries: Annotated[Count, Meta(description="the folder's files and folders")] = 1000

    @property
    def file_bytes(self) -> int:
        return self.file_mib * 2**20

    @property
    def total_bytes(self) -> int:
        return self.total_mib * 2**20


class DownloadLimits(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What an LMS download may unpack to (rounds/lms_download.py): past one, the round stops and names the entry."""

    entries: Annotated[Count, Meta(description="files in the download")] = 50000
    entry_mib: Annotated[Count, Meta(description="one file, uncompressed, MiB")] = 64
    total_mib: Annotated[Count, Meta(description="all the files, uncompressed, MiB")] = 4096
    ratio: Annotated[
        Count,
        Meta(
            description="uncompressed bytes per compressed byte, of an entry and of the whole "
            "archive (a zip bomb's is in the thousands, a notebook's below 20)"
        ),
    ] = 100


class ItemEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One graded function: its score is points × the weighted share of its passed hidden cases.

    Only the cases that tell every catalogued mistake of the item from the right answer are scored
    (a group without one drops out, the others' weights scale up). The item comes after every graded
    function it calls: while it is graded, the earlier items' functions that did not pass are the
    reference's, so a mistake costs only its own item.
    """

    id: Annotated[
        Name,
        Meta(description="the item's record id (autograder/items/) and nbgrader's graded cell id"),
    ]
    equation: Annotated[Text, Meta(description="the book's equation or section it grades")]
    function: Annotated[
        Name, Meta(description="the student API's function it grades (source_impl.__all__)")
    ]
    points: Annotated[PositiveNumber, Meta(description="the item's points")]
    groups: Annotated[
        list[CaseGroup],
        Meta(min_length=1, description="the hidden cases: one entry per group of its record"),
    ]
    tolerance: Annotated[
        Tolerance | None, Meta(description="the item's own tolerance; by default the course's")
    ] = None
    misconception_credit: Annotated[
        dict[
            str,
            Annotated[int, Meta(ge=0, le=1)] | Annotated[float, Meta(ge=0, le=1)],
        ],
        Meta(
            description="{catalogued misconception id: the fraction of the points it earns at "
            "least}; other recognised mistakes earn 0"
        ),
    ] = {}
    hidden_only: Annotated[
        list[Name],
        Meta(
            description="catalogued misconception ids that no public self-check case has to tell "
            "apart (every other one fails a public case); each with a comment saying why"
        ),
    ] = []


class DerivationEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A derivation or short answer in a Markdown answer cell, graded by people in nbgrader's formgrader.

    The rubric and the model answer are in the solution notebook's cell; the hidden grader's score
    covers the items only, nbgrader's total both.
    """

    id: Annotated[
        Name,
        Meta(description="the answer cell's grade_id, unique across items and derivations"),
    ]
    equation: Annotated[Text, Meta(description="the book's equation or exercise it answers")]
    points: Annotated[PositiveNumber, Meta(description="the derivation's points")]


class AssignmentEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One assignment: one notebook of its id, with its graded functions and derivations."""

    id: Annotated[Name, Meta(description="the assignment's id, its notebook's name")]
    title: Annotated[Text, Meta(description="the assignment's title, in Chinese then English")]
    items: Annotated[
        list[ItemEntry], Meta(min_length=1, description="the graded functions, in grading order")
    ]
    derivations: Annotated[
        list[DerivationEntry], Meta(description="the answers graded by people")
    ] = []
    due: Annotated[
        Annotated[datetime, Meta(tz=True)] | None,
        Meta(
            description="the due date, ISO 8601 with its time zone (2026-11-20T23:59:00+08:00): "
            "nbgrader's duedate, from which late_policy counts; none by default, so nothing is late",
            examples=["2026-11-20T23:59:00+08:00"],
        ),
    ] = None
    grade_on_submission: Annotated[
        bool,
        Meta(
            description="whether a hub's grading service grades each submission as it arrives and "
            "releases its feedback; false leaves the submissions in the exchange for the instructor "
            "to collect and grade"
        ),
    ] = True


class CourseSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The course as a whole: its ids, its seed and the settings every assignment shares."""

    id: Annotated[Text, Meta(description="the course's id")]
    title: Annotated[Text, Meta(description="the course's title")]
    languages: Annotated[
        list[Text], Meta(min_length=1, description="the languages of the course's text")
    ]
    base_seed: Annotated[
        int,
        Meta(
            ge=0,
            description="the hidden cases are drawn from it with the course, assignment, student, "
            "item and attempt: one of its own each term, so that no case carries over",
        ),
    ]
    timeouts: Timeouts
    tolerance: Annotated[Tolerance, Meta(description="the items' tolerance unless they give one")]
    gradescope: Gradescope = Gradescope()
    feedback: Annotated[
        FeedbackMode,
        Meta(
            description="what a failed item's feedback shows its student: `case`, their own first "
            "failing case whole (inputs, expected value, theirs, the first entries that differ); "
            "`summary`, only which case failed and how"
        ),
    ] = "case"
    attempts: Annotated[
        Count,
        Meta(
            description="graded submissions per student and assignment, each on fresh cases; one "
            "past the limit is graded too, and flagged for the instructor"
        ),
    ] = 1
    late_policy: Annotated[
        LatePolicy | None,
        Meta(description="what nbgrader's autograde takes off a late submission; none by default"),
    ] = None
    similarity: Similarity = Similarity()
    kernel_folder: KernelFolder = KernelFolder()
    downloads: DownloadLimits = DownloadLimits()
    gradebook_url: Annotated[
        Text | None,
        Meta(
            description="the gradebook's database for nbgrader's commands (NBGRADER_DB_URL comes "
            "first); by default the sqlite file var/gradebook.db",
            examples=["postgresql+psycopg://grader@db.example.edu/ml_ch5"],
        ),
    ] = None


class CourseFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """course.yaml: what is graded, for how many points, on which hidden cases and to which tolerance."""

    course: Annotated[CourseSettings, Meta(description="the course's settings")]
    assignments: Annotated[
        list[AssignmentEntry], Meta(min_length=1, description="the assignments, one notebook each")
    ]


# A key of msgspec's path ($.assignments[0].items[2].points): a name, an index, or [...] for a mapping's value
_SEGMENT = re.compile(r"\.?([A-Za-z_]\w*)|\[(\d+|\.\.\.)\]")
_ABSENT = object()


def mismatch(error: msgspec.ValidationError, data: object) -> tuple[str, str]:
    """Where the parsed YAML data differs from CourseFile, and how: (key, problem).

    The key is msgspec's path without its ``$.`` (``course.attempts``); the problem is msgspec's,
    with the keys allowed, the values allowed or the value the file has.
    """
    problem, _, at = str(error).partition(" - at `")
    key = at.removesuffix("`").removeprefix("$").removeprefix(".")
    declared = _declared_at(key)
    if isinstance(declared, msgspec.inspect.StructType):
        fields = ", ".join(f.encode_name for f in declared.fields)
        return key, f"{problem}; the keys allowed here: {fields}"
    if isinstance(declared, msgspec.inspect.LiteralType):
        return key, f"{problem}; one of {', '.join(map(str, declared.values))}"
    if isinstance(declared, msgspec.inspect.UnionType) and ", got `" not in problem:
        # a bound of an int | float: msgspec states it for the type the file has (a count's >= 1 for a 0)
        problem = _number_expected(declared)
    value = _value_at(data, key)
    if value is _ABSENT or isinstance(value, dict | list):
        return key, problem
    hint = ""
    if isinstance(value, str) and _looks_numeric(value):
        hint = " (YAML reads a number such as 1e-7 as text: write 1.0e-7)"
    return key, f"{problem}; the file has {value!r}{hint}"


def _number_expected(declared: msgspec.inspect.UnionType) -> str:
    """'Expected a number above 0 and at most 1': the bounds of a declared int | float."""
    number = next(t for t in declared.types if isinstance(t, msgspec.inspect.FloatType))
    bounds = [
        f"{words} {bound:g}"
        for words, bound in (
            ("above", number.gt),
            ("at least", number.ge),
            ("below", number.lt),
            ("at most", number.le),
        )
        if bound is not None
    ]
    return f"Expected a number {' and '.join(bounds)}"


def _value_at(data: object, key: str) -> object:
    """The value at key in the parsed YAML, or _ABSENT (as for a mapping's value, which msgspec names [...])."""
    value = data
    for name, index in _SEGMENT.findall(key):
        try:
            value = value[name] if name else value[int(index)]  # type: ignore[index]
        except (KeyError, IndexError, TypeError, ValueError):
            return _ABSENT
    return value


def _declared_at(key: str) -> msgspec.inspect.Type:
    """What course_schema declares at key (a mapping's StructType, a LiteralType…), descriptions and optionals set aside."""
    declared = _unwrapped(msgspec.inspect.type_info(CourseFile))
    for name, _index in _SEGMENT.findall(key):
        if isinstance(declared, msgspec.inspect.StructType):
            declared = next(f.type for f in declared.fields if f.encode_name == name)
        elif isinstance(declared, msgspec.inspect.ListType):
            declared = declared.item_type
        elif isinstance(declared, msgspec.inspect.DictType):
            declared = declared.value_type
        declared = _unwrapped(declared)
    return declared


def _unwrapped(declared: msgspec.inspect.Type) -> msgspec.inspect.Type:
    """The type inside a description (Metadata) or an optional (X | None)."""
    if isinstance(declared, msgspec.inspect.Metadata):
        return _unwrapped(declared.type)
    if isinstance(declared, msgspec.inspect.UnionType) and any(
        isinstance(t, msgspec.inspect.NoneType) for t in declared.types
    ):
        (inner,) = (t for t in declared.types if not isinstance(t, msgspec.inspect.NoneType))
        return _unwrapped(inner)
    return declared


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def json_schema() -> dict[str, object]:
    """course.yaml's JSON Schema, as editors read it."""
    return {"$schema": SCHEMA_DIALECT, **msgspec.json.schema(CourseFile)}


def schema_text() -> str:
    """The text of course.schema.json."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write course.schema.json (or the path given) from the declarations above."""
    target = Path(argv[0]) if argv else SCHEMA_FILE
    target.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
