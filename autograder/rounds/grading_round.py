"""The instructor's grading round, end to end with real nbgrader and its gradebook (sqlite, or --db's server).

    python -m autograder.rounds --submissions PATH [PATH ...] --roster CSV [--course DIR]   # a real class
        [--column ASSIGNMENT=NAME ...]
    python -m autograder.rounds --course DIR [--roster CSV]                                 # an nbgrader course
    python -m simulated_class [--small] [--out var/round]                                   # the simulated class
    (each with [--jobs N] [--cluster ADDRESS] [--db URL] [--no-enforce] [--assignments ID ...] [--extensions CSV])

``Round`` takes its class as an input: ``RealClass`` here, ``simulated_class.SimulatedClass``
there; nothing of the grading side imports the simulated class.

1. release: each assignment released in the course folder, kept if it is there already, else
   from the kit's solution notebooks and companion files with `nbgrader generate_assignment`;
   course.yaml's due dates into the gradebook (``deadlines``);
2. class: a real class's roster (the kit's CSV, or the LMS's own export: ``lms_roster``, read
   and checked before the release) written as round/roster.csv in the kit's columns and
   imported as `nbgrader db student import` does it (``CourseFolder.import_students``), its LMS downloads
   sorted into nbgrader's submitted/ (``lms_download``: Canvas, Moodle, Blackboard; every file
   that is not simply one student's notebook is noted by name); the simulated class
   (``simulated_class``) half in submitted/, half as a Blackboard download that `nbgrader
   zip_collect` imports;
3. check: a worker can start here (else the round stops and says why); each submission's
   notebook is there and readable (the others are reported and left out); what was graded
   before and has not changed since is skipped (``round_record``); the extensions file's
   extensions into the gradebook (``deadlines``), and a submission whose extension changed graded again;
4. autograde: `nbgrader autograde`, in ``--jobs`` parallel shards (``parallel_nbgrader``), run
   here or, with ``--cluster``, as tasks of a Dask cluster (``dask_shards``); its
   chain writes the out-of-kernel grade into the graded cells (``score_of_record``;
   ``--no-enforce``: only records it) and saves each report with the kernel's own scores;
5. cross-check: those reports checked against the gradebook: a cell whose kernel score differed
   is a tamper flag, and a gradebook cell that still differs gets the report's score
   (``--no-enforce``: only reported) (``crosscheck``);
6. feedback: `nbgrader generate_feedback`, in shards too (nbgrader_config.py keeps the hidden tests out);
7. export: `nbgrader export` (totals) and the per-item CSV (``per_item_export``);
8. report: the class report in Markdown and HTML with its plots (``class_report``).

The derivations of course.yaml (Markdown answer cells) are graded by people in formgrader:
autograde leaves them "needs manual grade", the round lists what awaits a grade (its summary,
the class report) and puts their scores in the per-item CSV once graded (``manual_grading``).

A real class's course folder (var/course/ by default) is kept: the round adds to it, and its
outputs go to its round/ folder. The simulated class's folder (var/round/ by default) is made
anew each run. The round prints progress as it goes, then the per-equation table, what
arrived that was not graded as it came, and each step's elapsed time.
"""

import argparse
import collections
import contextlib
import dataclasses
import json
import os
import shutil
import sys
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from autograder import ROOT
from autograder.exports import lms_feedback, lms_grades
from autograder.exports.grades_csv import InertCsvExportPlugin
from autograder.exports.per_item import PerItemCsvExporter
from autograder.grading.course import KernelFolder, load_course
from autograder.integration import (
    dask_shards,
    deadlines,
    feedback_check,
    gradebook_database,
    kernel_folder,
    parallel_nbgrader,
)
from autograder.integration.nbgrader_course import (
    FEEDBACK,
    RELEASE,
    SOURCE,
    SUBMITTED,
    CourseFolder,
    NbgraderFailed,
)
from autograder.rounds import (
    class_report,
    crosscheck,
    lms_download,
    lms_roster,
    manual_grading,
    progress,
    similarity,
    wrong_container,
)
from autograder.rounds.class_report import Withheld
from autograder.rounds.crosscheck import Mismatch, Report
from autograder.rounds.lms_download import Arrival, Key, Note, Sorting
from autograder.rounds.round_record import RoundRecord, digest
from autograder.sandbox import confinement
from autograder.sandbox.process import GraderError, check_worker_starts

DEFAULT_COURSE = ROOT / "var" / "course"
# The repository is a course folder of its own: nbgrader_config.py keeps its gradebook in var/
REPOSITORY_RUNTIME, REPOSITORY_ROUND = ROOT / "var", ROOT / "var" / "course-round"
NO_SUBMISSION = "no submission"
MARKER = ".grading-round"  # the output folder is emptied on each run only when it holds this file


class RoundError(RuntimeError):
    """The round cannot go on; the message says why."""


class ClassSource(Protocol):
    """Where a round's class comes from: RealClass here, simulated_class.SimulatedClass there."""

    def course_of(self, out: Path) -> CourseFolder:
        """The course folder the round grades in, its outputs going to out."""
        ...

    def prepare(self, grading_round: "Round") -> None:
        """Make ready what the release step needs (the output folder, the class's due dates)."""
        ...

    def arrive(self, grading_round: "Round") -> list[str]:
        """Bring the class's submissions into the course folder; the students' ids."""
        ...


Runner = parallel_nbgrader.LocalShards | dask_shards.DaskShards  # where the shards run


@dataclass(frozen=True)
class RealClass:
    """An instructor's class: a course folder that is kept, its LMS downloads and its roster.

    ``class_list``: the roster read (``lms_roster``), read again from ``roster`` when not given;
    ``lms_columns``: {assignment: its grade column in the LMS's export that the roster is}.
    """

    course: Path
    downloads: tuple[Path, ...] = ()
    roster: Path | None = None
    class_list: lms_roster.ClassList | None = None
    lms_columns: dict[str, str] = field(default_factory=dict)
    zone: tzinfo = UTC  # of the times a download writes without one (--download-zone)
    # {(student, assignment)}: a .py to grade as the notebook (--accept)
    accept: frozenset[Key] = frozenset()

    def course_of(self, out: Path) -> CourseFolder:
        return (
            CourseFolder(ROOT, REPOSITORY_RUNTIME, gradebook_database.repository_url(load_course()))
            if self.course == ROOT
            else CourseFolder(self.course)
        )

    def prepare(self, grading_round: "Round") -> None:
        # the course folder's round/, so the course too
        grading_round.out.mkdir(parents=True, exist_ok=True)
        class_list = self.read_class_list()
        if class_list and class_list.lms and self.lms_columns:
            grading_round.lms_columns = {class_list.lms: dict(self.lms_columns)}

    def read_class_list(self) -> lms_roster.ClassList | None:
        """The roster's ClassList, None without a roster."""
        if self.class_list is not None or self.roster is None:
            return self.class_list
        return lms_roster.read_class_list(self.roster)

    def arrive(self, grading_round: "Round") -> list[str]:
        course, assignments = grading_round.course, grading_round.assignments
        class_list = self.read_class_list()
        roster = class_list.entries if class_list else []
        if roster:
            # nbgrader's import reads the kit's own columns: an LMS's export is written out as them
            imported = lms_roster.write_kit_roster(roster, grading_round.out / "roster.csv")
            course.import_students(imported, grading_round.registry.id)
        grading_round.arrival_notes += [
            lms_download.Note(str(self.roster), note)
            for note in (class_list.notes if class_list else [])
        ]
        grading_round.arrival_notes += [
            lms_download.Note(str(self.roster), f"{warning}: check the roster")
            for warning in lms_download.roster_warnings(roster)
        ]
        if self.downloads:
            arrivals = [
                arrival
                for download in self.downloads
                for arrival in lms_download.read_download(download, zone=self.zone)
            ]
            graded_cells = {
                a.id: {item.id for item in a.items} for a in grading_round.registry.assignments
            }
            sorting = lms_download.sort(arrivals, roster, graded_cells, assignments)
            self.take_scripts(grading_round, arrivals, sorting)
            placed = lms_download.place(course, sorting.chosen)
            grading_round.chosen.update(sorting.chosen)
            grading_round.arrival_notes += sorting.notes
            grading_round.arrival_notes += late_without_due(sorting.chosen, grading_round.dues)
            counts = {
                state: sum(v == state for v in placed.values())
                for state in ("new", "changed", "unchanged")
            }
            print(
                f"    {len(arrivals)} files in the download: {len(placed)} notebooks to submitted/ ({', '.join(f'{n} {s}' for s, n in counts.items())}), {len(sorting.notes)} notes"
            )
        with Gradebook(course.db_url) as book:
            known = {student.id for student in book.students}
        folders = (
            {p.name for p in (course.root / SUBMITTED).iterdir() if p.is_dir()}
            if (course.root / SUBMITTED).is_dir()
            else set()
        )
        unusable = {name for name in folders if not lms_download.STUDENT_ID.fullmatch(name)}
        grading_round.arrival_notes += [
            lms_download.Note(
                f"{SUBMITTED}/{name}",
                f"a folder whose name cannot be a student id ({lms_download.STUDENT_ID_RULE}): not graded",
            )
            for name in sorted(unusable)
        ]
        folders -= unusable
        if roster:
            grading_round.arrival_notes += [
                lms_download.Note(
                    f"{SUBMITTED}/{student}",
                    "not on the roster: graded, and added to the gradebook by nbgrader",
                    student,
                )
                for student in sorted(folders - known)
            ]
        students = sorted(known | folders | {entry.id for entry in roster})
        print(
            f"    {len(students)} students: {len(known)} in the gradebook, {len(roster)} on the roster given, {len(folders)} with a folder in {SUBMITTED}/"
        )
        return students

    def take_scripts(
        self, grading_round: "Round", arrivals: list[Arrival], sorting: Sorting
    ) -> None:
        """A .py of a student with no notebook of its assignment: noted with the kit's score of it, or,
        accepted (--accept), made into their notebook and chosen for grading."""
        replaced: dict[str, Note] = {}  # {path: the note in place of its own}
        course, assignments = grading_round.course, grading_round.assignments
        found = [
            script
            for script in wrong_container.scripts(
                arrivals, sorting.notes, sorting.chosen, grading_round.registry
            )
            if script.assignment in assignments
        ]
        unknown = self.accept - {(script.student, script.assignment) for script in found}
        if unknown:
            raise RoundError(
                "--accept names no .py in the download of a student without a notebook of the "
                f"assignment: {', '.join(f'{s}:{a}' for s, a in sorted(unknown))}"
            )
        for script in found:
            key = (script.student, script.assignment)
            if key in self.accept:
                release = course.root / RELEASE / script.assignment / f"{script.assignment}.ipynb"
                try:
                    sorting.chosen[key], note = wrong_container.accepted(script, release)
                except wrong_container.AcceptError as error:
                    raise RoundError(str(error)) from None
            else:
                note = wrong_container.graded_note(script, grading_round.registry)
            replaced[script.arrival.path] = note
        # each in the place of the file's note: the download's order
        sorting.notes = [replaced.get(note.path, note) for note in sorting.notes]


def late_without_due(
    chosen: Mapping[Key, Arrival], dues: Mapping[str, datetime | None]
) -> list[Note]:
    """Notes on the notebooks to grade that the LMS marked late, of assignments without a due date
    ({assignment: due or None}), which nbgrader therefore grades in full; a warning is printed first,
    naming the students and saying how to set the date."""
    late: collections.defaultdict[str, list[tuple[str, Arrival]]] = collections.defaultdict(list)
    for (student, assignment), arrival in sorted(chosen.items()):
        if arrival.late and dues.get(assignment) is None:
            late[assignment].append((student, arrival))
    notes = []
    for assignment, found in late.items():
        print(
            f"    warning: {assignment} has no due date, so {len(found)} submissions the LMS marked late "
            f"are graded without a late penalty: {', '.join(student for student, _ in found)}. "
            f"To apply course.yaml's late_policy, set the assignment's due in course.yaml "
            f"(due: 2026-11-20T23:59:00+08:00, with its zone) and run the round again."
        )
        notes += [
            lms_download.Note(
                arrival.path,
                f"{arrival.lms} marked it late, but {assignment} has no due date in course.yaml: "
                "graded without a late penalty",
                student,
                assignment,
            )
            for student, arrival in found
        ]
    return notes


class Round:
    """One grading round's state: the course folder, the class, and what each step found."""

    def __init__(
        self,
        out: str | Path,
        students: ClassSource,
        jobs: int = 1,
        enforce: bool = True,
        assignments: Collection[str] | None = None,
        db: str | None = None,
    ) -> None:
        self.out, self.jobs, self.enforce, self.source = (
            Path(out).resolve(),
            jobs,
            enforce,
            students,
        )
        self.course = with_database(students.course_of(self.out), db)
        self.registry = load_course()
        self.assignments = [
            a.id for a in self.registry.assignments if not assignments or a.id in assignments
        ]
        self.students: list[str] = []
        # {student: {assignment: item id}}: a simulated class's single mistakes
        self.known_mistakes: dict[str, dict[str, str]] = {}
        self.arrival_notes: list[Note] = []  # what arrived that was not simply one notebook
        self.chosen: dict[Key, Arrival] = {}  # the download's graded files
        # {assignment: {student: reason}}
        self.not_graded: dict[str, dict[str, str]] = {a: {} for a in self.assignments}
        # new or changed since the last run
        self.to_grade: dict[str, list[str]] = {a: [] for a in self.assignments}
        self._record: RoundRecord | None = None  # read once the output folder is ready
        self.reports: dict[str, dict[str, Report]] = {}  # {assignment: {student: Report}}
        self.mismatches: list[Mismatch] = []
        self.withheld: list[Withheld] = []  # feedback pages that release_feedback will hold back
        self.timings: list[tuple[str, float]] = []  # [(step, seconds)]
        self.extensions: Path | None = (
            None  # the extensions file (deadlines.read_extensions), if any
        )
        self.runner: Runner = (
            parallel_nbgrader.LOCAL
        )  # where the shards run: here, or a Dask cluster
        # {lms: {assignment: column}}: the columns of the LMS export that the roster is (lms_grades)
        self.lms_columns: dict[str, dict[str, str]] = {}
        # {assignment: due or None}: course.yaml's, which a class may replace with its own
        self.dues = deadlines.due_dates(self.registry, self.assignments)

    @property
    def record(self) -> RoundRecord:
        """What was graded in earlier runs, read by the release step once the output folder is ready."""
        if self._record is None:
            raise RoundError("the round's record is read by its release step, which has not run")
        return self._record

    def release(self) -> None:
        self.source.prepare(self)
        self._record = RoundRecord(self.out / "graded.json")
        for assignment in self.assignments:
            release(self.course, assignment)
        deadlines.write_due_dates(self.course.db_url, self.dues)

    def make_class(self) -> None:
        self.students = self.source.arrive(self)
        for note in lms_download.summarised(self.arrival_notes):
            print(f"    {_described(note)}")

    def check(self) -> None:
        print(f"    sandbox: {confinement.describe()}")
        try:
            check_worker_starts(self.registry.timeouts)
        # else every submission would score 0, each with the same reason
        except GraderError as error:
            raise RoundError(f"no submission can be graded here: {error}") from None
        for assignment in self.assignments:
            # each student's files of this assignment, or of none or one this round does not grade
            # (gathered once: looking through the notes per student grows with N²)
            files: collections.defaultdict[str, dict[str, None]] = collections.defaultdict(dict)
            for note in self.arrival_notes:
                if note.assignment == assignment or note.assignment not in self.assignments:
                    files[note.student].setdefault(note.path, None)
            for student in self.students:
                reason = submission_problem(
                    self.course, student, assignment, self.registry.kernel_folder
                )
                theirs = list(files[student])
                if reason == NO_SUBMISSION and theirs:
                    shown = ", ".join(Path(path).name for path in theirs[:3])
                    more = f" and {len(theirs) - 3} more" if len(theirs) > 3 else ""
                    reason += (
                        f": {len(theirs)} file(s) of theirs in the download were not graded as "
                        f"{assignment}: {shown}{more} (see what arrived)"
                    )
                if reason:
                    self.not_graded[assignment][student] = reason
                    print(f"    {student} {assignment}: not graded: {reason}")
            digests = {
                s: digest(self.course.notebook(SUBMITTED, s, assignment))
                for s in self.gradable(assignment)
            }
            self.to_grade[assignment] = self.record.to_grade(
                self.course.db_url, assignment, digests
            )
            skipped = sorted(set(digests) - set(self.to_grade[assignment]))
            if skipped:
                print(
                    f"    {assignment}: skipped, graded before and unchanged since ({len(skipped)}): {', '.join(skipped)}"
                )
        self.grant_extensions()

    def grant_extensions(self) -> None:
        """The extensions file's extensions of gradable submissions into the gradebook; one that changed is graded again."""
        if not self.extensions:
            return
        try:
            found = deadlines.read_extensions(self.extensions, self.dues, self.students)
        except deadlines.DeadlineError as error:
            raise RoundError(str(error)) from None
        gradable = {a: set(self.gradable(a)) for a in self.assignments}
        changed = deadlines.grant(
            self.course.db_url,
            [e for e in found if e.student in gradable.get(e.assignment, ())],
        )
        for extension in changed:
            if extension.student not in self.to_grade[extension.assignment]:
                self.to_grade[extension.assignment].append(extension.student)
        print(f"    extensions: {len(found)} in {self.extensions}, {len(changed)} new or changed")

    def gradable(self, assignment: str) -> list[str]:
        return [s for s in self.students if s not in self.not_graded[assignment]]

    def autograde(self) -> None:
        # nbgrader's chain saves each out-of-kernel report (with the kernel's own scores) for the check
        options = [
            f"--ScoreOfRecord.reports_directory={self.out / 'reports'}",
            f"--ScoreOfRecord.enforce={self.enforce}",
        ]
        for assignment in self.assignments:

            def graded(students: Sequence[str], assignment: str = assignment) -> None:
                self.record.graded(
                    assignment,
                    [(s, digest(self.course.notebook(SUBMITTED, s, assignment))) for s in students],
                )

            failures = parallel_nbgrader.autograde(
                self.course,
                assignment,
                self.to_grade[assignment],
                self.students,
                self.jobs,
                progress.reporter(f"autograde {assignment}"),
                options,
                graded,
                self.runner,
            )
            refused = {
                student: reason
                for student, reason in failures.items()
                if kernel_folder.refusal(self.course.root, assignment, student)
            }
            failures = {s: reason for s, reason in failures.items() if s not in refused}
            self.not_graded[assignment].update(refused)
            if failures:  # a kernel may fail to start (two shards' kernels can draw the same free port): one more try each
                print(
                    f"    autograde {assignment}: nbgrader failed on {', '.join(sorted(failures))}; once more, one at a time",
                    flush=True,
                )
                failures = parallel_nbgrader.autograde(
                    self.course,
                    assignment,
                    sorted(failures),
                    self.students,
                    1,
                    None,
                    options,
                    graded,
                    self.runner,
                )
            for student, reason in failures.items():
                self.not_graded[assignment][student] = (
                    f"{reason}, twice; see {self.course.logs}/autograde-{assignment}*.log"
                )

    def crosscheck(self) -> None:
        for assignment in self.assignments:
            self.reports[assignment] = crosscheck.saved_reports(
                self.out / "reports" / assignment, self.gradable(assignment)
            )
            self.mismatches += crosscheck.compare(
                self.course.db_url, assignment, self.reports[assignment]
            )
        if self.mismatches:
            flagged = sorted({(m.student, m.assignment) for m in self.mismatches})
            print(
                f"    {len(self.mismatches)} cells differ from the command line in {len(flagged)} submissions: "
                + ", ".join(f"{s} {a}" for s, a in flagged)
            )
        if self.enforce and self.mismatches:
            crosscheck.enforce(self.course.db_url, self.mismatches)
            print("    the command line's scores are in the gradebook")

    def feedback(self) -> None:
        for assignment in self.assignments:
            students = [
                s for s in self.gradable(assignment) if self.record.needs_feedback(assignment, s)
            ]
            parallel_nbgrader.generate_feedback(
                self.course,
                assignment,
                students,
                self.students,
                self.jobs,
                progress.reporter(f"feedback {assignment}"),
                runner=self.runner,
            )
            self.record.feedback_written(assignment, students)
            pages = feedback_check.pages_of(
                {s: self.course.root / FEEDBACK / s / assignment for s in students}
            )
            leaking = feedback_check.check_pages(
                pages,
                self.course.root,
                assignment,
                self.course.db_url,
                os.environ,
            )
            # the confined kernel should have kept it out: say so loudly
            for (
                student,
                leaked,
            ) in leaking.items():
                self.withheld.append(
                    (student, assignment, feedback_check.described(student, leaked))
                )
                print(
                    f"    {student} {assignment}: feedback not to release: {self.withheld[-1][2]}",
                    flush=True,
                )

    def export(self) -> None:
        # what `nbgrader export` runs (nbgrader_config.py's plugin, then the per-item one), here:
        # each command's start cost more than its export
        with Gradebook(self.course.db_url, self.registry.id) as book:
            InertCsvExportPlugin(to=str(self.out / "grades.csv")).export(book)
            PerItemCsvExporter(to=str(self.out / "grades_per_item.csv")).export(book)
        lms_files = lms_grades.write_round_files(
            self.course.db_url, self.assignments, self.out / "lms", self.lms_columns
        )
        for warning in lms_files:
            print(f"    LMS files: {warning}")
        held = lms_feedback.held_back(
            self.course.root, self.course.db_url, self.chosen, self.withheld, os.environ
        )
        archives = lms_feedback.write_feedback_archives(
            self.course.root,
            self.chosen,
            self.out / "lms",
            held,
            self.assignments if self.chosen else (),
            lms_feedback.gradebook_scores(self.course.db_url, self.assignments)
            if self.chosen
            else {},
        )
        for line in archives.summary():
            print(f"    LMS feedback: {line}")

    def report(self) -> None:
        similar = self.similarity()
        findings = class_report.RoundFindings(
            self.reports,
            self.not_graded,
            self.mismatches,
            self.enforce,
            self.known_mistakes,
            self.arrival_notes,
            self.withheld,
            similar,
        )
        paths = class_report.write(
            self.out, self.registry, self.course.db_url, self.students, findings
        )
        print(f"    {', '.join(str(p.relative_to(self.out)) for p in paths)}")

    def similarity(self) -> class_report.SimilarPairs:
        """The graded submissions' similar pairs, printed and written to similarity_pairs.csv; (pairs, settings)."""
        settings = self.registry.similarity
        pairs = similarity.round_pairs(
            self.course,
            self.registry,
            {a: self.gradable(a) for a in self.assignments},
            settings,
            progress.reporter("similarity"),
        )
        similarity.write_csv(self.out / "similarity_pairs.csv", pairs, settings)
        for pair in similarity.listed(pairs, settings):
            print(f"    similar: {similarity.described(pair)}")
        return pairs, settings

    STEPS = [
        ("release", release),
        ("class", make_class),
        ("check", check),
        ("autograde", autograde),
        ("cross-check", crosscheck),
        ("feedback", feedback),
        ("export", export),
        ("report", report),
    ]

    def run(self) -> None:
        started = time.monotonic()
        for number, (name, step) in enumerate(self.STEPS, start=1):
            print(f"[{number}/{len(self.STEPS)}] {name}", flush=True)
            begun = time.monotonic()
            step(self)
            self.timings.append((name, time.monotonic() - begun))
        self.timings.append(("total", time.monotonic() - started))
        timings = {name: round(seconds, 1) for name, seconds in self.timings}
        (self.out / "timings.json").write_text(
            json.dumps(
                {"jobs": self.jobs, "students": len(self.students), "seconds": timings}, indent=1
            )
            + "\n"
        )


def release(course: CourseFolder, assignment: str) -> None:
    """Release the assignment in the course folder unless it is released there already.

    The source is the course's own solutions/<assignment>/ when it has one, else the kit's, copied there.
    """
    if (course.root / RELEASE / assignment / f"{assignment}.ipynb").is_file() and (
        gradebook_database.holds_gradebook(course.db_url)
    ):
        with Gradebook(course.db_url) as book:
            try:
                book.find_assignment(assignment)
                return
            except MissingEntry:
                pass
    source = course.root / SOURCE / assignment
    if not source.exists():
        shutil.copytree(
            ROOT / SOURCE / assignment, source, ignore=shutil.ignore_patterns("__pycache__")
        )
    if not gradebook_database.holds_gradebook(course.db_url):
        gradebook_database.create(course.db_url)  # nbgrader's, less its alembic subprocess
    course.run("generate_assignment", assignment, "--force", log="generate_assignment")


def with_database(course: CourseFolder, db: str | None) -> CourseFolder:
    """The course folder (a CourseFolder) with its gradebook in the database at db (a URL), or as it is without one."""
    return dataclasses.replace(course, database=db) if db else course


def new_gradebook(course: CourseFolder) -> None:
    """Refuse a server's database that holds a gradebook already, for a class that is made anew each run."""
    if gradebook_database.takes_many_writers(course.db_url) and gradebook_database.holds_gradebook(
        course.db_url
    ):
        raise RoundError(
            f"{gradebook_database.shown(course.db_url)} holds a gradebook already, and this class is made anew "
            "each run: give an empty database (PostgreSQL: dropdb and createdb it)"
        )


def empty_output_folder(out: Path) -> None:
    """Make out an empty folder marked as a round's; refuse to empty a folder that is not a round's output."""
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise RoundError(
                f"{out} is not empty and not a grading round's output folder: choose another --out"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by a grading round, which empties this folder on each run\n")


def submission_problem(
    course: CourseFolder, student: str, assignment: str, limits: KernelFolder | None = None
) -> str | None:
    """Why the student's submission of the assignment cannot go to nbgrader, or None when it can.

    ``limits``: what its folder may hold (course.yaml's kernel_folder, read once a round by its caller).
    """
    notebook = course.notebook(SUBMITTED, student, assignment)
    if not notebook.parent.is_dir():
        return NO_SUBMISSION
    # nbgrader would copy what a link points at: the submission is refused before anything reads it
    problems = kernel_folder.problems_of(notebook.parent, limits)
    if problems:
        return f"in its submitted folder, {'; '.join(problems)}: not graded"
    if not notebook.is_file():
        found = ", ".join(sorted(p.name for p in notebook.parent.glob("*.ipynb"))) or "no notebook"
        return f"no {notebook.name} in the submission (found: {found})"
    try:
        text = notebook.read_text(encoding="utf-8")
        nbformat.validate(nbformat.reads(text, as_version=4))
        version = json.loads(text).get("nbformat")
    # not JSON, not a notebook, or not a valid one: nbgrader would fail on it
    except Exception as error:
        return f"{notebook.name} is not a readable notebook ({type(error).__name__})"
    if version != 4:  # nbgrader's cells (grade ids, checksums) are nbformat 4's
        return (
            f"{notebook.name} is an nbformat {version} notebook, from a Jupyter older than 4.0 (2015), which nbgrader "
            f"cannot grade: open and save it in JupyterLab, or run `jupyter nbconvert --to notebook --nbformat 4 "
            f"--inplace {notebook.name}` in its folder, then run the round again"
        )
    return None


def _described(note: Note) -> str:
    return f"{note.student + ' ' if note.student else ''}{note.path}: {note.what}"


def round_options(parser: argparse.ArgumentParser) -> None:
    """The options of any round, real or simulated: --jobs, --cluster, --enforce, --assignments."""
    parser.add_argument(
        "--jobs",
        type=int,
        help="submissions graded in parallel: the shards (default: the number of CPUs; with --cluster, its workers)",
    )
    parser.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run the shards as tasks of a Dask cluster: local:N starts N worker processes here, "
        "tcp://host:8786 is a running scheduler (docs/instructors.md: Grading on a Dask cluster)",
    )
    parser.add_argument(
        "--enforce",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="write the command line's score into every cell the cross-check disputes (default); --no-enforce only reports them",
    )
    parser.add_argument(
        "--assignments",
        nargs="+",
        metavar="ID",
        help="grade only these assignments (default: all of course.yaml)",
    )
    parser.add_argument(
        "--extensions",
        type=Path,
        metavar="CSV",
        help="students' extensions: student_id,assignment and new_due, extra_hours or extra_days (docs/instructors.md: Deadlines, extensions and late penalties)",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="the gradebook's database, e.g. postgresql+psycopg://USER@HOST/DATABASE, which takes many writers "
        "(default: the course folder's sqlite file gradebook.db)",
    )


def checked_round_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.cluster:
        try:
            dask_shards.local_workers(args.cluster)
        except ValueError as error:
            parser.error(f"--cluster {error}")
    elif args.jobs is None:
        args.jobs = os.cpu_count() or 1
    known = [a.id for a in load_course().assignments]
    for assignment in args.assignments or ():
        if assignment not in known:
            parser.error(f"no assignment {assignment!r} in course.yaml; it has: {', '.join(known)}")
    if args.extensions and not args.extensions.is_file():
        parser.error(f"no such extensions file: {args.extensions}")
    if args.db:
        try:
            gradebook_database.checked(args.db)
        except gradebook_database.GradebookUrlError as error:
            parser.error(f"--db: {error}")


def run(students: ClassSource, out: Path, args: argparse.Namespace) -> int:
    """Run the round of ``students`` (a class source: RealClass, or the simulated class) into ``out``; the exit status."""
    try:
        with (
            dask_shards.connect(args.cluster)
            if args.cluster
            else contextlib.nullcontext(parallel_nbgrader.LOCAL)
        ) as runner:
            jobs = args.jobs
            if isinstance(runner, dask_shards.DaskShards):
                print(f"shards on the Dask cluster {args.cluster}: {runner.workers} workers")
                # on a cluster, one shard per worker unless --jobs says how many
                jobs = jobs or runner.workers
            grading_round = Round(
                out,
                students,
                jobs,
                args.enforce,
                args.assignments,
                args.db,
            )
            grading_round.extensions = args.extensions and args.extensions.resolve()
            grading_round.runner = runner
            grading_round.run()
    except (
        RoundError,
        NbgraderFailed,
        lms_download.DownloadError,
        dask_shards.ClusterError,
        gradebook_database.GradebookUrlError,
    ) as error:
        print(f"grading round stopped: {error}", file=sys.stderr)
        return 2
    print_summary(grading_round)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder.rounds",
        description="Run a whole grading round on your class: its LMS downloads and roster, or an nbgrader course folder. "
        "(The simulated class: python -m simulated_class.)",
    )
    parser.add_argument(
        "--submissions",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="LMS downloads (Canvas, Moodle, Blackboard): zip files or unpacked folders",
    )
    parser.add_argument(
        "--roster",
        type=Path,
        metavar="CSV",
        help="the class: a CSV with the columns id,first_name,last_name,email (and optionally lms_user_id), "
        "or the LMS's own export: Canvas's gradebook, Moodle's participants or grades, Blackboard's Grade Center download",
    )
    parser.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="ASSIGNMENT=NAME",
        help="the assignment's grade column in the --roster export, as the LMS names it, for the LMS file "
        "of grades (default: the column whose name is the assignment's id or title); repeatable",
    )
    parser.add_argument(
        "--course",
        type=Path,
        metavar="DIR",
        help="the nbgrader course folder to grade in, kept and added to (default with --submissions: var/course)",
    )
    parser.add_argument(
        "--download-zone",
        default="UTC",
        metavar="ZONE",
        help="the time zone of the times a download holds without one: a zip's entry times, "
        "Blackboard's file names (default: UTC; e.g. Asia/Shanghai)",
    )
    parser.add_argument(
        "--accept",
        action="append",
        metavar="STUDENT:ASSIGNMENT",
        help="grade the student's .py in the download as their notebook of the assignment (its "
        "functions put into the released notebook, with a note saying so); the round lists each such "
        "file with the score the kit's grader gives it",
    )
    round_options(parser)
    args = parser.parse_args(argv)
    checked_round_options(parser, args)
    if not args.submissions and not args.course:
        parser.error(
            "give your class: --submissions PATH ... --roster CSV, or --course DIR (the simulated class: python -m simulated_class)"
        )
    if args.submissions and not args.roster:
        parser.error("--submissions needs --roster: the roster tells whose each file is")
    for path in [*(args.submissions or ()), *([args.roster] if args.roster else ())]:
        if not path.exists():
            parser.error(f"no such file or folder: {path}")
    chosen = chosen_columns(parser, args)
    try:  # before anything runs: a roster that cannot be used stops the round at once
        class_list = lms_roster.read_class_list(args.roster) if args.roster else None
        columns = class_columns(class_list, args.assignments, chosen)
    except lms_download.DownloadError as error:
        print(f"grading round stopped before it began: {error}", file=sys.stderr)
        return 2
    try:
        # UTC needs no time zone database
        zone = UTC if args.download_zone == "UTC" else ZoneInfo(args.download_zone)
    except (ZoneInfoNotFoundError, ValueError):
        parser.error(
            f"--download-zone: no time zone {args.download_zone!r} (e.g. UTC, Asia/Shanghai)"
        )
    accept: set[Key] = set()
    for choice in args.accept or ():
        student, _, assignment = choice.partition(":")
        if not student or assignment not in {a.id for a in load_course().assignments}:
            parser.error(
                f"--accept takes STUDENT:ASSIGNMENT (an assignment of course.yaml); got {choice!r}"
            )
        accept.add((student, assignment))
    course = (args.course or DEFAULT_COURSE).resolve()
    out = REPOSITORY_ROUND if course == ROOT else course / "round"
    students = RealClass(
        course,
        tuple(args.submissions or ()),
        args.roster,
        class_list,
        columns,
        zone=zone,
        accept=frozenset(accept),
    )
    return run(students, out, args)


def chosen_columns(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict[str, str]:
    """{assignment: column} of the --column options; a parser error for one of no assignment, or without an LMS's export."""
    known = [a.id for a in load_course().assignments]
    chosen: dict[str, str] = {}
    for option in args.column:
        assignment, equals, column = option.partition("=")
        if not equals or not column.strip():
            parser.error(
                f"--column {option!r}: give ASSIGNMENT=NAME, e.g. --column 'bp=BP (118802)'"
            )
        if assignment not in known:
            parser.error(
                f"--column {option!r}: no assignment {assignment!r} in course.yaml; it has: {', '.join(known)}"
            )
        chosen[assignment] = column.strip()
    if chosen and not args.roster:
        parser.error("--column names a column of the --roster export: give --roster")
    return chosen


def class_columns(
    class_list: lms_roster.ClassList | None,
    assignments: Collection[str] | None,
    chosen: Mapping[str, str],
) -> dict[str, str]:
    """{assignment: its column in the roster's LMS export} (``lms_roster.grade_columns``), printed; {} for no export."""
    if class_list is None:
        return {}
    print(f"roster: {class_list.source}, {len(class_list.entries)} students")
    if class_list.lms is None:
        if chosen:
            raise lms_download.DownloadError(
                "--column names a column of an LMS's export, and the roster is the kit's own CSV: "
                "give the LMS's export as --roster, or leave --column out"
            )
        return {}
    wanted = [
        (a.id, a.title) for a in load_course().assignments if not assignments or a.id in assignments
    ]
    columns = lms_roster.grade_columns(class_list, wanted, chosen)
    for assignment, column in columns.items():
        print(f"    {assignment}: the LMS file of grades fills the column {column!r}")
    return columns


def print_manual_grading(
    statuses: Mapping[str, Sequence[manual_grading.DerivationStatus]],
) -> None:
    """What awaits a person's grade in formgrader, per derivation: {assignment: its DerivationStatuses}."""
    summary = manual_grading.awaiting_summary(statuses)
    if not summary:
        return
    print(f"\n{summary}")
    for assignment, found in statuses.items():
        for status in found:
            d = status.derivation
            print(
                f"  {assignment:<11} {d.id:<27} {d.points:>3g} points  {len(status.awaiting):>3} awaiting, "
                f"{len(status.graded)} graded, {len(status.blank)} blank (0 from nbgrader)  {d.equation}"
            )
    if any(status.awaiting for found in statuses.values() for status in found):
        print(
            "  grade them in formgrader's Manual Grading (the rubrics are in the solution notebooks); then"
        )
        print(
            "  nbgrader generate_feedback <assignment> --force, and this round again (the class report says how)"
        )


def print_summary(grading_round: Round) -> None:
    """The per-equation table, what awaits manual grading, what was not graded or arrived otherwise, and each step's time."""
    students, registry, db_url = (
        grading_round.students,
        grading_round.registry,
        grading_round.course.db_url,
    )
    print()
    print(class_report.item_table(db_url, registry, students))
    if grading_round.known_mistakes:
        scores = class_report.class_scores(db_url, registry, students)
        print(
            class_report.one_mistake_summary(
                class_report.one_mistake_costs(scores, registry, grading_round.known_mistakes)
            )
        )
    print_manual_grading(
        class_report.manual_status(db_url, registry, students, grading_round.assignments)
    )
    if grading_round.arrival_notes:
        print(
            f"\nwhat arrived, besides one notebook per student ({len(grading_round.arrival_notes)}):"
        )
        for note in lms_download.summarised(grading_round.arrival_notes):
            print(f"  {_described(note)}")
    if grading_round.withheld:
        print(f"\nfeedback that release_feedback will hold back ({len(grading_round.withheld)}):")
        for student, assignment, why in grading_round.withheld:
            print(f"  {student} {assignment}: {why}")
    not_graded = [
        (a, s, reason)
        for a, reasons in grading_round.not_graded.items()
        for s, reason in sorted(reasons.items())
    ]
    if not_graded:
        print(f"\nnot graded ({len(not_graded)}):")
        for assignment, student, reason in not_graded:
            print(f"  {student} {assignment}: {reason}")
    print()
    print(f"{'step':<12} {'seconds':>8}   (--jobs {grading_round.jobs}, {len(students)} students)")
    for name, seconds in grading_round.timings:
        print(f"{name:<12} {seconds:>8.1f}")
    print(
        f"\ncourse folder: {grading_round.course.root}\nclass report: {grading_round.out / 'class_report.html'}"
    )


if __name__ == "__main__":
    sys.exit(main())
