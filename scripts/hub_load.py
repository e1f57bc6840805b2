"""The hub under load: many students submit at once, each waits for their feedback.

    python3 tasks.py benchmark --hub [--students 15] [--submissions 2] [--assignment perceptron]

As root: starts the course's hub anew in its own folder (``--root``, default
/var/tmp/ml-ch5-hub-load) with that many student accounts; each student fetches the assignment in
their own namespace, as their server would; then all of them at once submit ``--submissions``
different notebooks one after the other (the first complete, the others each with a catalogued
mistake: a new attempt each). Reported, from the grading service's records: each submission's
time from submission to released feedback (median, 95th percentile, longest) and its grading's own
time, without the wait in the queue. Written to var/benchmark/hub_load.json.
"""

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import nbformat

from autograder import ROOT
from autograder.grading.course import load_course
from autograder.hub import accounts
from autograder.hub.course_folder import forget
from autograder.hub.grading_service import ServiceFiles, read_lines
from autograder.hub.layout import HubLayout, student_names
from autograder.hub.namespace import confined_command, python_installation
from autograder.hub.running import free_port, running
from simulated_class.mistakes import MISTAKES, in_notebook
from simulated_class.students import derivation_answers, filled, solution_sources

OUT = ROOT / "var" / "benchmark"
INSTRUCTOR = "load-instructor"
START_SECONDS = 900
GRADED = "graded"


def notebooks(assignment: str, count: int) -> list[bytes]:
    """count different notebooks of the assignment: the complete one, then one per catalogued mistake."""
    released = ROOT / "assignments" / assignment / f"{assignment}.ipynb"
    sources = {
        **solution_sources(ROOT / "solutions" / assignment / f"{assignment}.ipynb"),
        **derivation_answers(assignment),
    }
    items = {item.id for item in load_course().assignment(assignment).items}
    mistakes = [mistake for mistake in MISTAKES if mistake[0] in items]
    variants = [sources] + [
        {**sources, mistake[0]: in_notebook(MISTAKES[mistake])} for mistake in mistakes
    ]
    if count > len(variants):
        sys.exit(f"{assignment} has {len(variants)} different notebooks to submit, not {count}")
    return [nbformat.writes(filled(released, chosen)).encode() for chosen in variants[:count]]


def as_student(layout: HubLayout, name: str, *arguments: str) -> None:
    """nbgrader's command as the student, in their namespace with the students' Python."""
    user = accounts.ensure_user(name)
    venv = layout.student_venv
    command = confined_command(
        user,
        writable=[layout.exchange],
        readable=[venv, python_installation(venv)],
        command=[str(venv / "bin" / "nbgrader"), *arguments],
    )
    done = subprocess.run(
        command, env=accounts.user_environment(user), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"{name}: nbgrader {' '.join(arguments)} failed:\n{done.stderr}")


def submit_all(layout: HubLayout, name: str, assignment: str, handed_in: list[bytes]) -> None:
    """The student's submissions, one after another."""
    path = Path(accounts.ensure_user(name).pw_dir) / assignment / f"{assignment}.ipynb"
    for content in handed_in:
        path.write_bytes(content)
        as_student(layout, name, "submit", assignment)


def records(layout: HubLayout) -> list[dict[str, Any]]:
    return list(read_lines(ServiceFiles(layout.course).records))


def seconds(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def own_times(graded: list[dict[str, Any]]) -> list[float]:
    """Each grading's own seconds: from its receipt, or the release before it if later, to its release."""
    ordered = sorted(graded, key=lambda record: record["released"])
    starts = [ordered[0]["received"]] + [
        max(record["received"], before["released"]) for before, record in zip(ordered, ordered[1:])
    ]
    return [seconds(start, record["released"]) for start, record in zip(starts, ordered)]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value at least share of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, -(-int(share * 100) * len(ordered) // 100) - 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path("/var/tmp/ml-ch5-hub-load"))
    parser.add_argument("--students", type=int, default=15)
    parser.add_argument("--submissions", type=int, default=2, help="each student's")
    parser.add_argument("--assignment", default="perceptron")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    layout = HubLayout(args.root.resolve())
    names = student_names(args.students)
    handed_in = notebooks(args.assignment, args.submissions)
    forget(layout, [INSTRUCTOR, *names])
    port = free_port()
    command = [sys.executable, "-m", "autograder.hub", "--root", str(layout.root)]
    command += ["--port", str(port), "--students", str(args.students), "--instructor", INSTRUCTOR]
    args.out.mkdir(parents=True, exist_ok=True)
    with running(command, f"http://127.0.0.1:{port}", args.out / "hub_load.log", START_SECONDS):
        for name in names:
            as_student(layout, name, "fetch_assignment", args.assignment)
        print(f"{len(names)} students submit {len(handed_in)} times each, all at once", flush=True)
        started = time.monotonic()
        students = [
            threading.Thread(target=submit_all, args=(layout, name, args.assignment, handed_in))
            for name in names
        ]
        for student in students:
            student.start()
        for student in students:
            student.join()
        expected = len(names) * len(handed_in)
        while len(records(layout)) < expected:
            if time.monotonic() - started > 60 * expected:
                sys.exit(f"{len(records(layout))} of {expected} submissions graded in time")
            time.sleep(1)
    done = records(layout)
    failed = [r for r in done if r.get("outcome") != GRADED]
    waits = [seconds(r["submitted"], r["released"]) for r in done if r.get("outcome") == GRADED]
    gradings = own_times([r for r in done if r.get("outcome") == GRADED])
    result = {
        "students": len(names),
        "submissions": expected,
        "assignment": args.assignment,
        "not graded": len(failed),
        "submission to feedback, median s": round(statistics.median(waits), 1),
        "submission to feedback, 95th percentile s": round(percentile(waits, 0.95), 1),
        "submission to feedback, longest s": round(max(waits), 1),
        "one grading (its own time, without the queue), median s": round(
            statistics.median(gradings), 1
        ),
    }
    (args.out / "hub_load.json").write_text(json.dumps(result, indent=1) + "\n")
    for key, value in result.items():
        print(f"{key}: {value}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
