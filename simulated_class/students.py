"""The simulated class of a grading round, made by a generator: a roster and each student's notebooks.

``make_class()`` gives the students (``DEFAULT_SIZE`` of them, whatever the catalogue's length),
each with a profile: complete; catalogued mistakes (``MISTAKEN_STUDENTS`` students make every
misconception of ``mistakes.MISTAKES`` once between them, one per student and assignment while
the catalogue fits);
unfinished; a function that crashes the process running it; a function that never returns;
two that tamper with the grading kernel (one patches the hidden-test function, one replaces
its module in ``sys.modules``) while leaving every stub unfinished; a corrupt notebook; a
missing notebook; two honest students who wrote their own solutions (``own_solutions``), and a
copier who hands in the first one's notebook with renamed variables and reordered statements
(``copying``), whom the class report's similarity check must find. ``write_class`` makes their
notebooks from the released and the solution notebooks (a student who did the work also answers each derivation cell, in the same few words,
for a person to grade; the unfinished and the tamperers leave those cells as released): half arrive as nbgrader submissions (``submitted/<student>/<assignment>/``), half
in an LMS download (one zip per assignment, files named as Blackboard names them), which
``nbgrader zip_collect`` imports with ``autograder.integration.lms_collector``.

Everyone hands each assignment in before its due date (``DUE``, the simulated term's: the shipped
course.yaml sets none), but for a few (``LATE``,
through both channels): one within the first hour, one a day late, one past the late policy's
cut-off, and one two days late whose extension (``EXTENSIONS``, written as the round's
extensions file by ``write_extensions``) makes it on time.
"""

import ast
import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat

from autograder.grading.course import load_course
from autograder.integration.nbgrader_course import RELEASE, SOURCE, CourseFolder

from .copying import disguised
from .mistakes import MISTAKES, Mistake, in_notebook
from .own_solutions import OWN

COMPLETE, MISTAKE, UNFINISHED, CRASH, HANG = "complete", "mistake", "unfinished", "crash", "hang"
PARTIAL = "partial"  # a class of --students N: the first quarter, half or three quarters of the functions done
TAMPER_ATTRIBUTE, TAMPER_SYS_MODULES, CORRUPT, MISSING = (
    "tamper_attribute",
    "tamper_sys_modules",
    "corrupt",
    "missing",
)
TAMPERING = (TAMPER_ATTRIBUTE, TAMPER_SYS_MODULES)
# their own correct solutions; a copy of the first such student's notebook
OWN_WORK, COPY = "own_work", "copy"
PLANTED = (OWN_WORK, COPY, OWN_WORK)  # at the end of the class, small or not
NBGRADER, LMS = "nbgrader", "lms"  # how a submission arrives
# the default class's students who hand in faulty or no work, in its order; the small class's
FAULTS = (UNFINISHED, CRASH, HANG, *TAMPERING, CORRUPT, MISSING)
SMALL_FAULTS = (UNFINISHED, CRASH, HANG, TAMPER_ATTRIBUTE, CORRUPT, MISSING)
# The students who make the catalogued mistakes between them: 32, as many as bp had mistakes when
# the class was sized, so each of those is a student's only mistake in the assignment (the class
# report measures what one mistake costs); a longer catalogue gives some of them a second mistake
# in another item (``mistaken``), and the class keeps its size.
MISTAKEN_STUDENTS = 32
# every special student once: the smallest --students N
MINIMUM_SIZE = MISTAKEN_STUDENTS + len(FAULTS) + len(PLANTED)
DEFAULT_SIZE = MINIMUM_SIZE + 2  # and two complete students, the first two of the class

# The function that a crashing or hanging student breaks, per assignment.
CRASHING = {"perceptron": "perceptron_gradient", "bp": "delta_v"}
HANGING = {"perceptron": "perceptron_loss", "bp": "hidden_gradient"}
CRASH_BODY = "    import os\n    os._exit(3)  # the process that runs this function dies\n"
HANG_BODY = "    while True:\n        pass\n"
# A cell of code that makes nbgrader's kernel report a score without grading anything: the points of
# the course's smallest item, which every graded cell can hold (nbgrader refuses a score above a
# cell's points, so a larger one would stop a round run with --no-enforce at nbgrader's check).
TAMPERED_SCORE = min(item.points for item in load_course().items())
TAMPER_CELLS = {
    TAMPER_ATTRIBUTE: (
        "import autograder.nbgrader_cell as _cell\n"
        f"_cell.hidden_score = lambda item_id, folder=None: {float(TAMPERED_SCORE)!r}\n"
    ),
    TAMPER_SYS_MODULES: (
        "import sys, types\n"
        "_fake = types.ModuleType('autograder.nbgrader_cell')\n"
        f"_fake.hidden_score = lambda item_id, folder=None: {float(TAMPERED_SCORE)!r}\n"
        "sys.modules['autograder.nbgrader_cell'] = _fake\n"
    ),
}
# What a student who did the work writes in each derivation cell (Markdown, graded by people in formgrader)
DERIVATION_ANSWER = "由链式法则逐步求导，每一步写出理由。\n\nBy the chain rule, step by step, each step with its reason."
MISPLACED_NAME = "{assignment} (1).ipynb"  # the missing notebook: uploaded under another name
# the simulated term's due dates (23:59 in Beijing), which its round writes into the gradebook
DUE = {
    "perceptron": datetime(2026, 11, 13, 15, 59, tzinfo=UTC),
    "bp": datetime(2026, 11, 20, 15, 59, tzinfo=UTC),
}
# {student: how long after the due date they hand in each assignment}; the others are early
LATE = {
    "s01": timedelta(minutes=30),
    "s02": timedelta(hours=25),
    "s04": timedelta(days=8),
    "s05": timedelta(days=2),
}
EXTENSIONS = {"s05": 3}  # {student: extra days on every assignment}
SURNAMES = [
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Zhao",
    "Huang",
    "Zhou",
    "Wu",
    "Xu",
    "Sun",
    "Hu",
    "Zhu",
    "Gao",
    "Lin",
    "He",
]
GIVEN_NAMES = [
    "Wei",
    "Fang",
    "Min",
    "Jing",
    "Lei",
    "Yan",
    "Jun",
    "Tao",
    "Ming",
    "Xia",
    "Hui",
    "Qiang",
    "Li",
    "Ning",
    "Bo",
    "Yu",
]


# (profile, {assignment: the student's catalogued mistakes in it, each in another item})
Profile = tuple[str, dict[str, tuple[Mistake, ...]]]


@dataclass(frozen=True)
class Student:
    id: str
    first_name: str
    last_name: str
    profile: str
    channel: str
    # {assignment: its catalogued mistakes that the student makes, each in another item}
    mistakes: dict[str, tuple[Mistake, ...]] = field(default_factory=dict)
    corrupt_or_missing: str = "bp"  # the assignment a CORRUPT or MISSING student gets wrong
    # OWN_WORK: which of own_solutions.OWN's students they are; COPY: whose work they copied
    own: int = 0
    late: timedelta | None = None  # one of LATE's times after the due date, or None: on time
    extra_days: int = 0  # an extension of every assignment, as EXTENSIONS's

    def submitted_at(self, assignment: str) -> datetime:
        """When the student hands the assignment in (UTC): its late time after its due date, else hours before it."""
        return DUE[assignment] + (self.late or -timedelta(hours=int(self.id[1:])))


def make_class(
    assignments: Sequence[str] = ("perceptron", "bp"), small: bool = False, size: int | None = None
) -> list[Student]:
    """The students of the round; ``small`` gives a handful, one of each kind that the tests need;
    ``size`` (at least ``MINIMUM_SIZE``) a class of that many: the special students of the default
    class spread over it, the rest complete or partly complete (``sized_profiles``)."""
    profiles: list[Profile]
    if small:
        firsts: dict[str, tuple[Mistake, ...]] = {a: (_catalogued(a)[0],) for a in assignments}
        profiles = [(COMPLETE, {}), (MISTAKE, firsts), *((p, {}) for p in SMALL_FAULTS)]
    else:
        profiles = [(COMPLETE, {})] * 2 + mistaken(assignments) + [(p, {}) for p in FAULTS]
    profiles += [(profile, {}) for profile in PLANTED]
    width, late, extended = 2, LATE, EXTENSIONS
    if size is not None:  # LATE's and EXTENSIONS's students are those of the default class
        profiles, late_at = sized_profiles(profiles, size)
        width = max(2, len(str(size)))
        renamed = {old: f"s{n:0{width}d}" for old, n in zip(LATE, late_at)}
        late = {renamed[old]: delay for old, delay in LATE.items()}
        extended = {renamed[old]: days for old, days in EXTENSIONS.items()}
    students = []
    for number, (profile, mistakes) in enumerate(profiles, start=1):
        first, last = (
            GIVEN_NAMES[(number * 7) % len(GIVEN_NAMES)],
            SURNAMES[(number * 5) % len(SURNAMES)],
        )
        # a missing notebook through nbgrader: a submission folder without it, which nbgrader would fail on
        channel = NBGRADER if number % 2 or profile == MISSING else LMS
        student_id = f"s{number:0{width}d}"
        students.append(
            Student(
                student_id,
                first,
                last,
                profile,
                channel,
                mistakes,
                corrupt_or_missing=assignments[-1],
                own=_own_index(profiles, number) if profile == OWN_WORK else 0,
                late=late.get(student_id),
                extra_days=extended.get(student_id, 0),
            )
        )
    return students


def mistaken(assignments: Sequence[str]) -> list[Profile]:
    """MISTAKEN_STUDENTS profiles that make every catalogued mistake of the assignments between them.

    Per assignment, its k-th mistake goes to the k-th student, round the group again when the
    catalogue is longer (to the next student without a mistake in that item), so a student has
    one mistake in an assignment until its catalogue outgrows the group. A student left without
    any is COMPLETE.
    """
    carried: list[dict[str, tuple[Mistake, ...]]] = [{} for _ in range(MISTAKEN_STUDENTS)]
    for assignment in assignments:
        for k, mistake in enumerate(_catalogued(assignment)):
            n = next(
                n % MISTAKEN_STUDENTS
                for n in range(k, k + MISTAKEN_STUDENTS)
                if mistake[0] not in dict(carried[n % MISTAKEN_STUDENTS].get(assignment, ()))
            )
            carried[n][assignment] = (*carried[n].get(assignment, ()), mistake)
    return [(MISTAKE, mistakes) if mistakes else (COMPLETE, {}) for mistakes in carried]


def _catalogued(assignment: str) -> list[Mistake]:
    """The assignment's catalogued mistakes, (item id, misconception id), in its records' order."""
    items = {item.id for item in load_course().assignment(assignment).items}
    return [key for key in MISTAKES if key[0] in items]


def sized_profiles(specials: list[Profile], size: int) -> tuple[list[Profile], list[int]]:
    """(size profiles, the numbers from 1 of LATE's students): the special profiles (of the default
    class) spread evenly, every fourth of the rest PARTIAL and the others COMPLETE; LATE's students
    spread, in LATE's order, over those who hand in work of their own making (complete, partly
    complete or with a catalogued mistake), as in the default class."""
    if size < MINIMUM_SIZE:
        raise ValueError(
            f"a class of {size} students cannot hold the {MINIMUM_SIZE} special students "
            f"(catalogued mistakes, faults, tamperers, own work and the copier): "
            f"give --students {MINIMUM_SIZE} or more"
        )
    specials = [(p, m) for p, m in specials if p != COMPLETE]
    at = {k * size // len(specials): special for k, special in enumerate(specials)}
    rest = [n for n in range(size) if n not in at]
    for k, n in enumerate(rest):
        at[n] = (PARTIAL if k % 4 == 3 else COMPLETE, {})
    workers = [n for n in range(size) if at[n][0] in (COMPLETE, PARTIAL, MISTAKE)]
    late_at = [workers[k * len(workers) // len(LATE)] + 1 for k in range(len(LATE))]
    return [at[n] for n in range(size)], late_at


def _own_index(profiles: list[Profile], number: int) -> int:
    """Which OWN_WORK student the number-th (from 1) of profiles is: 0 for the first."""
    return sum(profile == OWN_WORK for profile, _ in profiles[: number - 1])


def solution_sources(solution_notebook: Path) -> dict[str, str]:
    """{function name: its solution cell's code without nbgrader's markers}, from a solution notebook."""
    notebook = nbformat.read(solution_notebook, as_version=4)
    sources = {}
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id.endswith("_code"):
            lines = [
                line
                for line in cell.source.splitlines()
                if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")
            ]
            sources[grade_id.removesuffix("_code")] = "\n".join(lines)
    return sources


def filled(released_notebook: Path, sources: dict[str, str]) -> nbformat.NotebookNode:
    """The released notebook with the solution cell of each function (or derivation id) in sources replaced by its source."""
    notebook = nbformat.read(released_notebook, as_version=4)
    for cell in notebook.cells:
        function = cell.metadata.get("nbgrader", {}).get("grade_id", "").removesuffix("_code")
        if cell.metadata.get("nbgrader", {}).get("solution") and function in sources:
            cell.source = sources[function]
    return notebook


def notebook_of(
    student: Student, assignment: str, released_notebook: Path, solutions: dict[str, str]
) -> bytes:
    """The notebook the student hands in for the assignment, as bytes; solutions are ``solution_sources``."""
    profile = student.profile
    if profile in (UNFINISHED, *TAMPERING):
        notebook = filled(released_notebook, {})
    else:
        sources = {**solutions, **derivation_answers(assignment)}
        if profile == PARTIAL:  # a quarter, half or three quarters, by the student's number
            done = list(solutions)[: len(solutions) * (1 + int(student.id[1:]) % 3) // 4]
            sources = {
                name: sources[name] for name in sources if name in done or name not in solutions
            }
        if profile in (OWN_WORK, COPY):
            for function, body in OWN[assignment][student.own].items():
                sources[function] = _with_own_body(solutions[function], body)
        if profile == COPY:
            sources |= {function: disguised(sources[function]) for function in solutions}
        for mistake in student.mistakes.get(assignment, ()):
            sources[mistake[0]] = in_notebook(MISTAKES[mistake])
        if profile in (CRASH, HANG):
            function = (CRASHING if profile == CRASH else HANGING)[assignment]
            sources[function] = _with_body(
                solutions[function], CRASH_BODY if profile == CRASH else HANG_BODY
            )
        notebook = filled(released_notebook, sources)
    if profile in TAMPERING:
        setup = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
        notebook.cells.insert(setup + 1, nbformat.v4.new_code_cell(TAMPER_CELLS[profile]))
    text = nbformat.writes(notebook)
    if profile == CORRUPT and assignment == student.corrupt_or_missing:
        text = text[: len(text) // 2]  # a download cut short
    return text.encode("utf-8")


def derivation_answers(assignment: str) -> dict[str, str]:
    """{derivation id: DERIVATION_ANSWER} of the assignment's derivation cells, for ``filled``."""
    return {
        derivation.id: DERIVATION_ANSWER
        for derivation in load_course().assignment(assignment).derivations
    }


def _with_own_body(source: str, body: str) -> str:
    """The function's def line and docstring kept, its body replaced (body: indented lines)."""
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.FunctionDef), source
    first = function.body[0]
    head = first.end_lineno if ast.get_docstring(function) else first.lineno - 1
    return "\n".join(source.splitlines()[:head]) + "\n" + body.strip("\n") + "\n"


def _with_body(source: str, body: str) -> str:
    """The function's def line kept, its body (the docstring too) replaced by body."""
    lines = source.splitlines()
    signature_end = next(i for i, line in enumerate(lines) if line.rstrip().endswith(":"))
    return "\n".join(lines[: signature_end + 1]) + "\n" + body


def write_class(
    students: Sequence[Student],
    course_root: Path | str,
    assignments: Sequence[str],
    progress: Callable[[int, int], object] | None = None,
) -> Path:
    """Write the roster and everyone's submissions under course_root; return the roster's path.

    progress(done, total) is called as the notebooks are written (total: students × assignments).

    nbgrader submissions go to submitted/<student>/<assignment>/ with the folder's other files
    and nbgrader's timestamp.txt; LMS submissions to downloaded/<assignment>/archive/<assignment>.zip.
    """
    course_root = Path(course_root)
    for assignment in assignments:
        released = course_root / RELEASE / assignment / f"{assignment}.ipynb"
        solutions = solution_sources(course_root / SOURCE / assignment / f"{assignment}.ipynb")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as download:
            for number, student in enumerate(students, start=1):
                if progress:
                    done = assignments.index(assignment) * len(students) + number
                    progress(done, len(assignments) * len(students))
                content = notebook_of(student, assignment, released, solutions)
                missing = student.profile == MISSING and assignment == student.corrupt_or_missing
                if student.channel == NBGRADER:
                    name = MISPLACED_NAME.format(assignment=assignment) if missing else None
                    CourseFolder(course_root).write_submission(
                        student.id, assignment, content, student.submitted_at(assignment), name
                    )
                elif not missing:  # through the LMS, a missing notebook is one never uploaded
                    stamp = student.submitted_at(assignment).strftime("%Y-%m-%d-%H-%M-%S")
                    download.writestr(
                        f"{assignment}_{student.id}_attempt_{stamp}_{assignment}.ipynb", content
                    )
        folder = course_root / "downloaded" / assignment / "archive"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{assignment}.zip").write_bytes(archive.getvalue())
    roster = course_root / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "first_name", "last_name", "email"])
        for student in students:
            writer.writerow(
                [student.id, student.first_name, student.last_name, f"{student.id}@example.edu"]
            )
    return roster


def write_extensions(
    students: Sequence[Student], course_root: Path | str, assignments: Sequence[str]
) -> Path:
    """Write the extensions file of ``EXTENSIONS`` (autograder/integration/deadlines.py's format); return its path."""
    path = Path(course_root) / "extensions.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["student_id", "assignment", "extra_days"])
        for student in students:
            if student.extra_days:
                writer.writerows([student.id, a, student.extra_days] for a in assignments)
    return path
