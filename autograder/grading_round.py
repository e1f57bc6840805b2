"""The instructor's grading round, end to end with real nbgrader and its sqlite gradebook.

    python -m autograder.grading_round [--jobs N] [--no-enforce] [--small] [--assignments ID ...] [--out var/round]

1. release: the solution notebooks and their companion files into a fresh course folder,
   then `nbgrader generate_assignment`;
2. class: the simulated class (``simulated_class``), its roster imported with `nbgrader db
   student import`; half the submissions in nbgrader's submitted/, half as an LMS download
   imported with `nbgrader zip_collect`;
3. check: a worker can start here (else the round stops and says why); each submission's
   notebook is there and readable; the others are reported and left out;
4. autograde: `nbgrader autograde`, in ``--jobs`` parallel shards (``parallel_nbgrader``); its
   chain writes the out-of-kernel grade into the graded cells (``score_of_record``;
   ``--no-enforce``: only records it) and saves each report with the kernel's own scores;
5. cross-check: those reports checked against the gradebook: a cell whose kernel score differed
   is a tamper flag, and a gradebook cell that still differs gets the report's score
   (``--no-enforce``: only reported) (``crosscheck``);
6. feedback: `nbgrader generate_feedback`, in shards too (nbgrader_config.py keeps the hidden tests out);
7. export: `nbgrader export` (totals) and the per-item CSV (``per_item_export``);
8. report: the class report in Markdown and HTML with its plots (``class_report``).

Everything goes to the output folder (var/round/ by default), made anew each run. It prints
progress as it goes, then the per-equation table and each step's elapsed time.
"""

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import nbformat

from simulated_class.students import MISTAKE, make_class, write_class

from . import class_report, confinement, crosscheck, parallel_nbgrader
from .course import load_course
from .nbgrader_course import ROOT, SOURCE, SUBMITTED, CourseFolder, NbgraderFailed
from .sandbox import GraderError, check_worker_starts

DEFAULT_OUT = ROOT / "var" / "round"
MARKER = ".grading-round"  # the output folder is emptied on each run only when it holds this file


class RoundError(RuntimeError):
    """The round cannot go on; the message says why."""


class Round:
    """One grading round's state: the course folder, the class, and what each step found."""

    def __init__(self, out, jobs=1, enforce=True, small=False, assignments=None):
        self.out, self.jobs, self.enforce, self.small = Path(out).resolve(), jobs, enforce, small
        self.course = CourseFolder(self.out / "course")
        self.registry = load_course()
        self.assignments = [a.id for a in self.registry.assignments if not assignments or a.id in assignments]
        self.students = []
        self.not_graded = {a: {} for a in self.assignments}  # {assignment: {student: reason}}
        self.reports = {}  # {assignment: {student: report dict or reason}}
        self.mismatches = []
        self.timings = []  # [(step, seconds)]

    def release(self):
        empty_output_folder(self.out)
        for assignment in self.assignments:
            shutil.copytree(ROOT / SOURCE / assignment, self.course.root / SOURCE / assignment, ignore=shutil.ignore_patterns("__pycache__"))
            self.course.run("generate_assignment", assignment, "--force", log="generate_assignment")

    def make_class(self):
        self.students = make_class(tuple(self.assignments), small=self.small)
        roster = write_class(self.students, self.course.root, self.assignments)
        self.course.run("db", "student", "import", roster, log="roster")
        for assignment in self.assignments:
            collector = "autograder.lms_collector.BlackboardCollector"
            self.course.run("zip_collect", assignment, f"--ZipCollectApp.collector_plugin={collector}", "--force", log="zip_collect")
        print(f"    {len(self.students)} students: {sum(s.channel == 'nbgrader' for s in self.students)} submitted through nbgrader, the others through the LMS download")

    def check(self):
        print(f"    sandbox: {confinement.describe()}")
        try:
            check_worker_starts(self.registry.timeouts)
        except GraderError as error:  # else every submission would score 0, each with the same reason
            raise RoundError(f"no submission can be graded here: {error}") from None
        for assignment in self.assignments:
            for student in self.students:
                reason = submission_problem(self.course, student.id, assignment)
                if reason:
                    self.not_graded[assignment][student.id] = reason
                    print(f"    {student.id} {assignment}: not graded: {reason}")

    def gradable(self, assignment):
        return [s.id for s in self.students if s.id not in self.not_graded[assignment]]

    def autograde(self):
        everyone = [s.id for s in self.students]
        # nbgrader's chain saves each out-of-kernel report (with the kernel's own scores) for the check
        options = [f"--ScoreOfRecord.reports_directory={self.out / 'reports'}", f"--ScoreOfRecord.enforce={self.enforce}"]
        for assignment in self.assignments:
            failures = parallel_nbgrader.autograde(
                self.course, assignment, self.gradable(assignment), everyone, self.jobs, _progress(f"autograde {assignment}"), options
            )
            for student, reason in failures.items():
                self.not_graded[assignment][student] = f"{reason}; see {self.course.logs.relative_to(self.out)}/autograde-{assignment}*.log"

    def crosscheck(self):
        for assignment in self.assignments:
            self.reports[assignment] = crosscheck.saved_reports(self.out / "reports" / assignment, self.gradable(assignment))
            self.mismatches += crosscheck.compare(self.course.gradebook, assignment, self.reports[assignment])
        if self.mismatches:
            flagged = sorted({(m.student, m.assignment) for m in self.mismatches})
            print(f"    {len(self.mismatches)} cells differ from the command line in {len(flagged)} submissions: " + ", ".join(f"{s} {a}" for s, a in flagged))
        if self.enforce and self.mismatches:
            crosscheck.enforce(self.course.gradebook, self.mismatches)
            print("    the command line's scores are in the gradebook")

    def feedback(self):
        everyone = [s.id for s in self.students]
        for assignment in self.assignments:
            parallel_nbgrader.generate_feedback(self.course, assignment, self.gradable(assignment), everyone, self.jobs)

    def export(self):
        self.course.run("export", f"--to={self.out / 'grades.csv'}", log="export")
        exporter = "autograder.per_item_export.PerItemCsvExporter"
        self.course.run("export", f"--exporter={exporter}", f"--to={self.out / 'grades_per_item.csv'}", log="export")

    def known_mistakes(self):
        """{student: {assignment: item id}} of the simulated students with one catalogued mistake."""
        return {s.id: {a: item for a, (item, _) in s.mistakes.items()} for s in self.students if s.profile == MISTAKE}

    def report(self):
        paths = class_report.write(
            self.out, self.registry, self.course.gradebook, [s.id for s in self.students], self.reports, self.not_graded,
            self.mismatches, self.enforce, self.known_mistakes(),
        )
        print(f"    {', '.join(str(p.relative_to(self.out)) for p in paths)}")

    STEPS = [
        ("release", release), ("class", make_class), ("check", check), ("autograde", autograde), ("cross-check", crosscheck),
        ("feedback", feedback), ("export", export), ("report", report),
    ]

    def run(self):
        started = time.monotonic()
        for number, (name, step) in enumerate(self.STEPS, start=1):
            print(f"[{number}/{len(self.STEPS)}] {name}", flush=True)
            begun = time.monotonic()
            step(self)
            self.timings.append((name, time.monotonic() - begun))
        self.timings.append(("total", time.monotonic() - started))
        timings = {name: round(seconds, 1) for name, seconds in self.timings}
        (self.out / "timings.json").write_text(json.dumps({"jobs": self.jobs, "students": len(self.students), "seconds": timings}, indent=1) + "\n")


def empty_output_folder(out):
    """Make out an empty folder marked as a round's; refuse to empty a folder that is not a round's output."""
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise RoundError(f"{out} is not empty and not a grading round's output folder: choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by python -m autograder.grading_round, which empties this folder on each run\n")


def submission_problem(course, student, assignment):
    """Why the student's submission of the assignment cannot go to nbgrader, or None when it can."""
    notebook = course.notebook(SUBMITTED, student, assignment)
    if not notebook.parent.is_dir():
        return "no submission"
    if not notebook.is_file():
        found = ", ".join(sorted(p.name for p in notebook.parent.glob("*.ipynb"))) or "no notebook"
        return f"no {notebook.name} in the submission (found: {found})"
    try:
        nbformat.validate(nbformat.read(notebook, as_version=4))
    except Exception as error:  # not JSON, not a notebook, or not a valid one: nbgrader would fail on it
        return f"{notebook.name} is not a readable notebook ({type(error).__name__})"
    return None


def _progress(label, steps=10):
    """A progress(done, total) callback that prints a line at each tenth of the way, and at the end."""
    last = [None]

    def progress(done, total):
        step = done * steps // max(total, 1)
        if step != last[0]:
            last[0] = step
            print(f"    {label}: {done}/{total}", flush=True)

    return progress


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.grading_round", description="Run a whole grading round on a simulated class.")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded in parallel (default: the number of CPUs)")
    parser.add_argument(
        "--enforce", action=argparse.BooleanOptionalAction, default=True,
        help="write the command line's score into every cell the cross-check disputes (default); --no-enforce only reports them",
    )
    parser.add_argument("--small", action="store_true", help="a class of a handful of students instead of about forty")
    parser.add_argument("--assignments", nargs="+", metavar="ID", help="grade only these assignments (default: all of course.yaml)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the output folder, emptied first if it is an earlier round's (default: var/round)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    known = [a.id for a in load_course().assignments]
    for assignment in args.assignments or ():
        if assignment not in known:
            parser.error(f"no assignment {assignment!r} in course.yaml; it has: {', '.join(known)}")
    grading_round = Round(args.out, args.jobs, args.enforce, args.small, args.assignments)
    try:
        grading_round.run()
    except (RoundError, NbgraderFailed) as error:
        print(f"grading round stopped: {error}", file=sys.stderr)
        return 2
    print()
    students = [s.id for s in grading_round.students]
    print(class_report.item_table(grading_round.course.gradebook, grading_round.registry, students))
    scores = class_report.class_scores(grading_round.course.gradebook, grading_round.registry, students)
    print(class_report.one_mistake_summary(class_report.one_mistake_costs(scores, grading_round.registry, grading_round.known_mistakes())))
    print()
    print(f"{'step':<12} {'seconds':>8}   (--jobs {args.jobs}, {len(grading_round.students)} students)")
    for name, seconds in grading_round.timings:
        print(f"{name:<12} {seconds:>8.1f}")
    print(f"\nclass report: {grading_round.out / 'class_report.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
