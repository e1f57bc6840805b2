"""An instructor with a fresh clone grades a class with nbgrader's own commands only.

No tasks.py and no ``python -m autograder``: the roster imported, bp generated and released
through an exchange folder, four students fetching and submitting, then collect, autograde,
feedback and export, each typed as ``nbgrader <command>`` in the clone with the kit's
environment activated. The solution scores full marks, the untouched release 0, one catalogued
mistake costs its own item only, and a student who tampers with the hidden tests in the kernel
gets the out-of-kernel score and a flag. The derivation cells are left for people to grade in
formgrader: answered ones "need a manual grade", blank ones get nbgrader's 0.
"""

import csv
import html
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from nbgrader.api import Gradebook, MissingEntry
from notebooks import copy_of_the_repository

from autograder.exports.per_item import submission_scores
from autograder.grading.course import load_course
from autograder.grading.grader import grade
from simulated_class.students import (
    COMPLETE,
    MISTAKE,
    NBGRADER,
    TAMPER_ATTRIBUTE,
    UNFINISHED,
    Student,
    notebook_of,
    solution_sources,
)

ASSIGNMENT = "bp"
COURSE = load_course()
POINTS = {item.id: float(item.points) for item in COURSE.assignment(ASSIGNMENT).items}
DERIVATIONS = {
    derivation.id: float(derivation.points)
    for derivation in COURSE.assignment(ASSIGNMENT).derivations
}
MISTAKEN = ("delta_theta", "wrong_sign")  # (item, misconception) of simulated_class.mistakes
STUDENTS = {
    "complete": Student("complete", "Wei", "Wang", COMPLETE, NBGRADER),
    "untouched": Student("untouched", "Fang", "Li", UNFINISHED, NBGRADER),
    "one_mistake": Student(
        "one_mistake", "Min", "Zhang", MISTAKE, NBGRADER, mistakes={ASSIGNMENT: (MISTAKEN,)}
    ),
    "tamperer": Student("tamperer", "Jing", "Liu", TAMPER_ATTRIBUTE, NBGRADER),
}


@dataclass(frozen=True)
class Run:
    who: str
    command: tuple
    returncode: int
    output: str

    def __str__(self):
        return (
            f"{self.who}: nbgrader {' '.join(self.command)} exited {self.returncode}\n{self.output}"
        )


class Workflow:
    """A fresh clone of the course, an exchange folder and a home folder per student; every command run."""

    def __init__(self, tmp):
        self.course, self.exchange, self.homes = tmp / "course", tmp / "exchange", tmp / "students"
        self.runs = []

    def environment(self, **changes):
        # PATH as with .venv activated (nbgrader calls its own `alembic`). The kit is installed editable
        # from the repository; a real clone's `tasks.py setup` installs it from the clone, so the clone's
        # own code comes first here too.
        return {
            **os.environ,
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(self.course), os.environ.get("PYTHONPATH")])
            ),
            **changes,
        }

    def instructor(self, *command):
        return self._run("instructor", command, self.course, self.environment())

    def student(self, student_id, *command):
        """A student's command, in their own folder with their own home (nbgrader's cache of submissions).

        nbgrader's exchange takes the student's id from the account's user name; every student here is
        the test's one account, so each says who they are with --student, as nbgrader submit allows.
        """
        home = self.homes / student_id
        home.mkdir(parents=True, exist_ok=True)
        options = (
            f"--course={COURSE.id}",
            f"--Exchange.root={self.exchange}",
            f"--student={student_id}",
        )
        return self._run(student_id, (*command, *options), home, self.environment(HOME=str(home)))

    def _run(self, who, command, cwd, env):
        result = subprocess.run(
            ["nbgrader", *command], cwd=cwd, env=env, capture_output=True, text=True
        )
        run = Run(who, tuple(command), result.returncode, result.stdout + result.stderr)
        self.runs.append(run)
        return run

    def output_of(self, *command, who="instructor"):
        """The command (its first words) as who ran it, with its exit code and output: for a failure's message."""
        return str(
            next(
                run
                for run in self.runs
                if run.who == who and run.command[: len(command)] == command
            )
        )

    def fetched(self, student_id):
        return self.homes / student_id / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

    def gradebook(self):
        return Gradebook(f"sqlite:///{self.course / 'var' / 'gradebook.db'}")


def contents(folder):
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def workflow(tmp_path_factory):
    flow = Workflow(tmp_path_factory.mktemp("nbgrader_workflow"))
    copy_of_the_repository(flow.course)
    flow.exchange.mkdir()
    flow.committed_release = contents(flow.course / "assignments")
    with open(flow.course / "roster.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "first_name", "last_name", "email"])
        writer.writerows(
            [s.id, s.first_name, s.last_name, f"{s.id}@example.edu"] for s in STUDENTS.values()
        )

    flow.instructor("db", "student", "import", "roster.csv")
    flow.instructor("generate_assignment", ASSIGNMENT, "--force")
    flow.generated_release = contents(flow.course / "assignments")
    flow.instructor("release_assignment", ASSIGNMENT, f"--Exchange.root={flow.exchange}")

    solutions = solution_sources(flow.course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    for student in STUDENTS.values():
        flow.student(student.id, "fetch_assignment", ASSIGNMENT)
        fetched = flow.fetched(student.id)
        if fetched.exists():  # else its fetch failed, which the command's test reports
            fetched.write_bytes(notebook_of(student, ASSIGNMENT, fetched, solutions))
        flow.student(student.id, "submit", ASSIGNMENT)

    flow.instructor("collect", ASSIGNMENT, f"--Exchange.root={flow.exchange}")
    flow.instructor("autograde", ASSIGNMENT)
    flow.instructor("generate_feedback", ASSIGNMENT)
    flow.instructor("release_feedback", ASSIGNMENT, f"--Exchange.root={flow.exchange}")
    flow.instructor("export")
    flow.instructor("export", "--exporter", "autograder.exports.per_item.PerItemCsvExporter")
    for student in STUDENTS:
        flow.student(student, "fetch_feedback", ASSIGNMENT)
    return flow


def scores(flow, student):
    """{item: score} of the student's bp in the gradebook; the test fails with autograde's output without one."""
    with flow.gradebook() as book:
        found = submission_scores(book, ASSIGNMENT, student)
    assert found is not None, (
        f"no graded bp of {student} in the gradebook\n{flow.output_of('autograde')}"
    )
    return found


def flagged(flow, student):
    with flow.gradebook() as book:
        try:
            return book.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).flagged
        except MissingEntry:
            pytest.fail(
                f"no bp notebook of {student} in the gradebook\n{flow.output_of('autograde')}"
            )


def test_every_command_of_the_instructor_and_the_students_exits_0_and_logs_no_error(workflow):
    failed = [str(run) for run in workflow.runs if run.returncode != 0 or "| ERROR]" in run.output]
    assert not failed, "\n\n".join(failed)


def test_generate_assignment_leaves_the_committed_release_as_it_is(workflow):
    committed, generated = workflow.committed_release, workflow.generated_release
    changed = sorted(
        name
        for name in committed.keys() | generated.keys()
        if committed.get(name) != generated.get(name)
    )
    assert not changed, (
        f"nbgrader generate_assignment changed assignments/: {changed}\n{workflow.output_of('generate_assignment')}"
    )


def test_the_solution_scores_full_marks_on_every_item(workflow):
    assert scores(workflow, "complete") == POINTS, workflow.output_of("autograde")
    assert sum(POINTS.values()) == COURSE.assignment(ASSIGNMENT).item_points


def test_the_untouched_release_scores_0(workflow):
    assert scores(workflow, "untouched") == dict.fromkeys(POINTS, 0.0), workflow.output_of(
        "autograde"
    )


def test_one_catalogued_mistake_costs_its_own_item_and_nothing_else(workflow):
    item, _ = MISTAKEN
    assert scores(workflow, "one_mistake") == {**POINTS, item: 0.0}, workflow.output_of("autograde")


def test_a_tamperer_gets_the_out_of_kernel_score_in_the_gradebook_after_plain_autograde(workflow):
    submitted = workflow.course / "submitted" / "tamperer" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    out_of_kernel = {
        item["id"]: item["score"] for item in grade([submitted], "tamperer").to_dict()["items"]
    }
    # its stubs are unfinished, whatever its kernel shows
    assert out_of_kernel == dict.fromkeys(POINTS, 0.0)
    assert scores(workflow, "tamperer") == out_of_kernel, workflow.output_of("autograde")


def test_autograde_leaves_the_answered_derivations_to_formgrader_and_scores_the_blank_ones_0(
    workflow,
):
    with workflow.gradebook() as book:
        found = {
            student: {
                grade.name: (
                    grade.auto_score,
                    grade.manual_score,
                    grade.needs_manual_grade,
                    grade.max_score,
                    grade.cell_type,
                )
                for grade in book.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).grades
                if grade.name in DERIVATIONS
            }
            for student in STUDENTS
        }
    # "needs manual grade"
    answered = {
        cell: (None, None, True, points, "markdown") for cell, points in DERIVATIONS.items()
    }
    # the cell as released: nbgrader's 0
    blank = {cell: (0.0, None, False, points, "markdown") for cell, points in DERIVATIONS.items()}
    assert found == {
        "complete": answered,
        "one_mistake": answered,
        "untouched": blank,
        "tamperer": blank,
    }, workflow.output_of("autograde")


def test_only_the_tamperer_is_flagged_for_the_formgrader(workflow):
    assert {student: flagged(workflow, student) for student in STUDENTS} == {
        "complete": False,
        "untouched": False,
        "one_mistake": False,
        "tamperer": True,
    }, workflow.output_of("autograde")


def test_every_student_fetches_feedback_without_the_hidden_tests(workflow):
    for student in STUDENTS:
        pages = list(
            (workflow.homes / student / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html")
        )
        assert len(pages) == 1, (
            f"{student} fetched {len(pages)} feedback pages\n{workflow.output_of('release_feedback')}\n{workflow.output_of('fetch_feedback', who=student)}"
        )
        # the page's text, without highlighting
        text = html.unescape(re.sub(r"<[^>]+>", "", pages[0].read_text(encoding="utf-8")))
        assert 'selfcheck.check("sigmoid", sigmoid)' in text, (
            f"{student}'s feedback lacks the graded cells"
        )
        assert 'hidden_score("' not in text and "HIDDEN TESTS" not in text, (
            f"{student}'s feedback shows the hidden tests"
        )


def test_the_exports_hold_the_gradebooks_totals_and_items(workflow):
    with open(workflow.course / "grades.csv", newline="", encoding="utf-8") as file:
        totals = {
            row["student_id"]: float(row["score"])
            for row in csv.DictReader(file)
            if row["assignment"] == ASSIGNMENT
        }
    with open(workflow.course / "grades_per_item.csv", newline="", encoding="utf-8") as file:
        rows = {row["student_id"]: row for row in csv.DictReader(file)}
    items = {student: {item: float(row[item]) for item in POINTS} for student, row in rows.items()}
    expected = {student: scores(workflow, student) for student in STUDENTS}
    # before anyone grades the derivations, nbgrader's total is the items' (an answer not graded yet counts 0)
    assert totals == {student: sum(found.values()) for student, found in expected.items()}, (
        workflow.output_of("export")
    )
    assert items == expected, workflow.output_of("export", "--exporter")
    derivations = {
        student: {cell: row[cell] for cell in DERIVATIONS} for student, row in rows.items()
    }
    assert derivations == {  # empty while a person has still to grade it, never 0
        "complete": dict.fromkeys(DERIVATIONS, ""),
        "one_mistake": dict.fromkeys(DERIVATIONS, ""),
        "untouched": dict.fromkeys(DERIVATIONS, "0"),
        "tamperer": dict.fromkeys(DERIVATIONS, "0"),
    }
    assert {student: row["bp_awaiting_manual"] for student, row in rows.items()} == {
        "complete": str(len(DERIVATIONS)),
        "one_mistake": str(len(DERIVATIONS)),
        "untouched": "0",
        "tamperer": "0",
    }
