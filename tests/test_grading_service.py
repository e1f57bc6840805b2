"""Students of a hub submit with nbgrader's exchange, and fetch the feedback the grading service released.

A hub root made by the kit (autograder/hub/course_folder.py), students that are accounts of the
machine, each running ``nbgrader fetch_assignment``, ``submit`` and ``fetch_feedback`` as
themselves, and the grading service running as the grading account: the feedback's per-item
scores are the kit's grader's, attempts are counted and the one past course.yaml's limit is
flagged, a notebook that cannot be read gets a failure page and never a 0, no student reaches
another's submission or the course folder, and a service stopped mid-grading grades the
submission again at its next start, once.
"""

import dataclasses
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from hub_server import needs_hub
from nbgrader.api import Gradebook

from autograder import ROOT
from autograder.grading.course import load_course
from autograder.grading.grader import grade
from autograder.hub import accounts
from autograder.hub.course_folder import RepositoryClosed, prepare
from autograder.hub.grading_service import (
    FAILED,
    GRADED,
    LEFT,
    REFUSED,
    GradingService,
    ServiceFiles,
    read_lines,
)
from autograder.hub.layout import GRADER, HubLayout
from autograder.hub.namespace import confined_command, python_installation, staff_command
from simulated_class.mistakes import MISTAKES, in_notebook
from simulated_class.students import derivation_answers, filled, solution_sources

ASSIGNMENT = "perceptron"  # the faster of the two to grade
COURSE = load_course()
ITEMS = COURSE.assignment(ASSIGNMENT).items
# the first catalogued mistake of the assignment's items
MISTAKE = next((item, m) for item, m in MISTAKES if item in {i.id for i in ITEMS})
COMPLETE, MISTAKEN, BROKEN = "ch5t-complete", "ch5t-mistaken", "ch5t-broken"
SOLO = "ch5t-solo"  # the student of the tests on an exchange of their own
TOKEN = "a-hub-token-no-kernel-may-see-0123456789"
SERVICE = f"{sys.executable} -m autograder.hub.grading_service"
WAIT_SECONDS = 900  # the whole class's gradings on a busy machine
READY = "as they arrive"  # the service's first line, once its signal handlers are set

pytestmark = needs_hub


class Hub:
    """A hub root, its student accounts, the grading service and every command that was run."""

    def __init__(self, root):
        self.layout = HubLayout(root)
        self.students = {}
        self.runs = []
        self.service = None

    @property
    def files(self):
        return ServiceFiles(self.layout.course)

    def student(self, name):
        self.students[name] = accounts.ensure_user(name)
        return self.students[name]

    def nbgrader(self, name, *command):
        """nbgrader's command as the student, in their home, with the exchange of the hub."""
        user = self.students[name]
        arguments = [f"--course={COURSE.id}", f"--Exchange.root={self.layout.exchange}"]
        venv = Path(sys.prefix)
        done = subprocess.run(
            confined_command(
                user,
                writable=[self.layout.exchange],
                readable=[venv, python_installation(venv)],
                command=[str(venv / "bin" / "nbgrader"), *command, *arguments],
            ),
            env=accounts.user_environment(user),
            capture_output=True,
            text=True,
        )
        self.runs.append((name, command, done.returncode, done.stdout + done.stderr))
        assert done.returncode == 0, f"{name}: nbgrader {' '.join(command)}\n{done.stderr}"
        return done

    def submit(self, name, notebook):
        """Fetch (the first time), write the notebook (a NotebookNode or bytes) and submit it as the student."""
        path = self.fetched(name)
        if not path.exists():
            self.nbgrader(name, "fetch_assignment", ASSIGNMENT)
        text = notebook if isinstance(notebook, bytes) else nbformat.writes(notebook).encode()
        path.write_bytes(text)
        time.sleep(0.01)  # nbgrader's timestamps tell two submissions apart by the microsecond
        self.nbgrader(name, "submit", ASSIGNMENT)
        return text

    def fetched(self, name):
        return Path(self.students[name].pw_dir, ASSIGNMENT, f"{ASSIGNMENT}.ipynb")

    def feedback_pages(self, name):
        """{submission time: the fetched page} after the student's Fetch Feedback."""
        self.nbgrader(name, "fetch_feedback", ASSIGNMENT)
        folder = self.fetched(name).parent / "feedback"
        return {
            page.parent.name: page.read_text(encoding="utf-8")
            for page in sorted(folder.glob(f"*/{ASSIGNMENT}.html"))
        }

    def start_service(self):
        grader = accounts.ensure_user(GRADER)
        command = SERVICE.split()
        command += ["--hub-root", str(self.layout.root), "--poll-seconds", "0.2"]
        self.service = subprocess.Popen(
            staff_command(grader, self.layout, Path(sys.executable), command),
            env={**accounts.user_environment(grader), "JUPYTERHUB_API_TOKEN": TOKEN},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self.service

    def stop_service(self):
        self.service.terminate()
        return self.service.wait(timeout=WAIT_SECONDS)

    def records(self, name=None):
        lines = read_lines(self.files.records)
        return [r for r in lines if name is None or r["student"] == name]

    def wait_for(self, count):
        """The service's records once there are count of them; the test fails with its log if that takes too long."""
        self._wait_until(lambda: len(self.records()) >= count, f"{count} graded")
        return self.records()

    def wait_for_log(self, text, count):
        """Until the service's log holds text count times."""
        self._wait_until(lambda: self.log().count(text) >= count, f"{text!r} {count} times")

    def _wait_until(self, done, what):
        """Until done(), the service running; the test fails with its log if that takes too long."""
        end = time.monotonic() + WAIT_SECONDS
        while not done():
            assert self.service.poll() is None, (
                f"the service ended ({self.service.returncode})\n{self.log()}"
            )
            assert time.monotonic() < end, f"no {what} in time\n{self.log()}"
            time.sleep(0.2)

    def log(self):
        path = self.files.log
        return path.read_text() if path.exists() else "(no log)"


class SecretWatch(threading.Thread):
    """Reads the environment of every process of the grading account but the service's own (which
    the hub gives its token), until stopped."""

    def __init__(self, uid):
        super().__init__(daemon=True)
        self.uid, self.seen, self.leaks = uid, set(), set()
        self.done = threading.Event()
        self.start()

    def run(self):
        while not self.done.wait(0.2):
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    if entry.stat().st_uid != self.uid:
                        continue
                    environment = (entry / "environ").read_bytes()
                    command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                except OSError:
                    continue
                if command.startswith(SERVICE):
                    continue
                self.seen.add(command)
                if TOKEN.encode() in environment:
                    self.leaks.add(command)


def page_scores(page):
    """{item id: (score, points)} of a feedback page's table of contents."""
    found = re.findall(r'<li><a href="#(\w+)">[^<]*</a> \(Score: ([\d.]+) / ([\d.]+)\)', page)
    return {item: (float(score), float(points)) for item, score, points in found}


def solutions():
    return solution_sources(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")


def released():
    return ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def complete_notebook():
    return filled(released(), {**solutions(), **derivation_answers(ASSIGNMENT)})


def mistaken_notebook(attempt):
    """The notebook with the catalogued mistake, and a constant of its own per attempt (a new source, a new attempt)."""
    sources = {
        **solutions(),
        **derivation_answers(ASSIGNMENT),
        MISTAKE[0]: in_notebook(MISTAKES[MISTAKE]),
    }
    notebook = filled(released(), sources)
    notebook.cells.append(nbformat.v4.new_code_cell(f"ATTEMPT_NOTE = {attempt}"))
    return notebook


def expected_scores(notebook_bytes, student, attempt, folder):
    """{item id: (score, points)} that the kit's grader gives this notebook as the student's attempt."""
    path = folder / f"{student}-{attempt}" / f"{ASSIGNMENT}.ipynb"
    path.parent.mkdir(parents=True)
    path.write_bytes(notebook_bytes)
    report = grade([path], student, ASSIGNMENT, attempt=attempt)
    points = {item.id: float(item.points) for item in ITEMS}
    return {result.id: (round(result.score, 2), points[result.id]) for result in report.items}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    # the hub's root must be reachable by every account: not under pytest's own (root's, 0700)
    root = Path(tempfile.mkdtemp(prefix="ch5-hub-"))
    root.chmod(0o755)
    hub = Hub(root / "hub")
    try:
        try:
            prepare(hub.layout)
        except RepositoryClosed as error:
            pytest.skip(f"the grading account cannot run the kit here: {error}")
        yield hub
    finally:
        if hub.service is not None and hub.service.poll() is None:
            hub.stop_service()
        for name in hub.students:
            accounts.remove_user(name)
        shutil.rmtree(root)


@pytest.fixture(scope="module")
def graded(hub, tmp_path_factory):
    """Three students' submissions graded by one run of the service: their pages and expected scores."""
    for name in (COMPLETE, MISTAKEN, BROKEN):
        hub.student(name)
    submitted = {COMPLETE: [hub.submit(COMPLETE, complete_notebook())]}
    submitted[MISTAKEN] = [
        hub.submit(MISTAKEN, mistaken_notebook(attempt))
        for attempt in range(1, COURSE.attempts + 2)
    ]
    hub.submit(BROKEN, b"{ this is not a notebook")
    hub.start_service()
    watch = SecretWatch(accounts.ensure_user(GRADER).pw_uid)
    hub.wait_for(len(submitted[COMPLETE]) + len(submitted[MISTAKEN]) + 1)
    watch.done.set()
    watch.join()
    assert hub.stop_service() == 0
    folder = tmp_path_factory.mktemp("expected")
    expected = {
        (name, attempt): expected_scores(text, name, attempt, folder)
        for name, texts in submitted.items()
        for attempt, text in enumerate(texts[:1], 1)
    }
    return {
        "pages": {name: hub.feedback_pages(name) for name in (COMPLETE, MISTAKEN, BROKEN)},
        "expected": expected,
        "watch": watch,
    }


def test_the_complete_submission_gets_every_items_points_in_its_fetched_feedback(hub, graded):
    (page,) = graded["pages"][COMPLETE].values()
    points = {item.id: (float(item.points), float(item.points)) for item in ITEMS}
    assert {item: page_scores(page)[item] for item in points} == points
    assert graded["expected"][(COMPLETE, 1)] == points


def test_the_mistaken_submission_gets_the_kit_graders_scores_and_loses_points_on_its_item(
    hub, graded
):
    first = next(iter(graded["pages"][MISTAKEN].values()))  # the pages by submission time
    expected = graded["expected"][(MISTAKEN, 1)]
    assert {item: page_scores(first)[item] for item in expected} == expected
    assert expected[MISTAKE[0]][0] < expected[MISTAKE[0]][1]


def test_attempts_count_up_to_the_limit_and_the_one_past_it_is_graded_and_flagged(hub, graded):
    records = hub.records(MISTAKEN)
    assert [r["attempt"] for r in records] == list(range(1, COURSE.attempts + 2))
    assert [r["past_attempt_limit"] for r in records] == [False] * COURSE.attempts + [True]
    assert len(graded["pages"][MISTAKEN]) == COURSE.attempts + 1
    with Gradebook(f"sqlite:///{hub.layout.course / 'gradebook.db'}") as book:
        notebook = book.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, MISTAKEN)
        assert notebook.flagged


def test_a_notebook_that_cannot_be_read_gets_a_failure_page_and_a_record_never_a_zero(hub, graded):
    (page,) = graded["pages"][BROKEN].values()
    assert "could not be graded" in page and "instructor has been told" in page
    assert "Score" not in page
    (record,) = hub.records(BROKEN)
    assert record["outcome"] == FAILED
    failures = hub.files.failures.read_text()
    assert [json.loads(line)["student"] for line in failures.splitlines()] == [BROKEN]
    with Gradebook(f"sqlite:///{hub.layout.course / 'gradebook.db'}") as book:
        assert BROKEN not in {s.student_id for s in book.assignment_submissions(ASSIGNMENT)}


def test_every_submission_is_recorded_with_its_times_in_order(hub, graded):
    for record in hub.records():
        if record["outcome"] == GRADED:
            assert (
                record["submitted"] <= record["received"] <= record["graded"] <= record["released"]
            )
    graded = [r for r in hub.records() if r["outcome"] == GRADED]
    waits = [_seconds(r["released"]) - _seconds(r["submitted"]) for r in graded]
    gradings = [_seconds(r["released"]) - _seconds(r["received"]) for r in graded]
    # for the report: the class's submissions arrive together, before the service starts
    print(
        f"\n{len(graded)} submissions queued together: submission to released feedback median "
        f"{statistics.median(waits):.1f} s, max {max(waits):.1f} s; one grading (received to "
        f"released, the queue included) first {gradings[0]:.1f} s"
    )


def test_no_process_the_service_started_saw_the_hubs_token(hub, graded):
    watch = graded["watch"]
    assert any("nbgrader" in command for command in watch.seen), "no nbgrader command was seen"
    assert not watch.leaks


STUDENT_PROBE = """
import json, os, sys
outcomes = {}
for what, path in json.loads(sys.argv[1]).items():
    try:
        os.listdir(path) if os.path.isdir(path) else open(path, "rb").read(1)
        outcomes[what] = "read"
    except OSError as error:
        outcomes[what] = type(error).__name__
print(json.dumps(outcomes))
"""


def test_a_student_cannot_list_inbound_nor_reach_anothers_submission_or_the_course_folder(
    hub, graded
):
    other = hub.records(COMPLETE)[0]["exchange_name"]
    service_files = hub.files.base
    paths = {
        "inbound": hub.layout.exchange / COURSE.id / "inbound",
        "the other's submission": service_files / "done" / other / f"{ASSIGNMENT}.ipynb",
        "the course folder": hub.layout.course,
        "the gradebook": hub.layout.course / "gradebook.db",
        "the other's collected notebook": hub.layout.course / "submitted" / COMPLETE,
    }
    user = hub.students[MISTAKEN]
    done = subprocess.run(
        accounts.as_user(
            user,
            [
                sys.executable,
                "-c",
                STUDENT_PROBE,
                json.dumps({k: str(v) for k, v in paths.items()}),
            ],
        ),
        env=accounts.user_environment(user),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout) == dict.fromkeys(paths, "PermissionError")
    assert not (hub.layout.exchange / COURSE.id / "inbound" / other).exists()


def test_a_service_stopped_mid_grading_grades_the_submission_once_at_its_next_start(hub, graded):
    before = len(hub.records())
    hub.submit(COMPLETE, complete_notebook())
    hub.start_service()
    grading = hub.files.grading / COURSE.id / "inbound"
    end = time.monotonic() + WAIT_SECONDS
    while not (grading.exists() and any(grading.iterdir())):
        assert time.monotonic() < end, hub.log()
        time.sleep(0.1)
    assert hub.stop_service() == 0
    assert len(hub.records()) == before, (
        "the service recorded the submission it was asked to stop grading"
    )
    hub.start_service()
    hub.wait_for(before + 1)
    assert hub.stop_service() == 0
    name = hub.records()[-1]["exchange_name"]
    assert [r["outcome"] for r in hub.records() if r["exchange_name"] == name] == [GRADED]
    assert "half graded" in hub.log()
    started = hub.log().count(READY)
    hub.start_service()
    # its SIGTERM handler is set: a busy machine starts it slowly
    hub.wait_for_log(READY, started + 1)
    time.sleep(3)  # a restart's look at what was half done, and a poll of the exchange
    assert hub.stop_service() == 0
    assert len(hub.records()) == before + 1, "a restart graded a submission again"


def test_a_second_start_of_the_course_folder_changes_nothing_a_student_did(hub, graded):
    outbound = hub.layout.exchange / COURSE.id / "outbound"
    before = {p: p.read_bytes() for p in sorted(outbound.rglob("*")) if p.is_file()}
    records = hub.records()
    prepare(hub.layout)
    assert {p: p.read_bytes() for p in sorted(outbound.rglob("*")) if p.is_file()} == before
    assert hub.records() == records
    with Gradebook(f"sqlite:///{hub.layout.course / 'gradebook.db'}") as book:
        assert {COMPLETE, MISTAKEN} <= {
            s.student_id for s in book.assignment_submissions(ASSIGNMENT)
        }


@pytest.fixture
def solo():
    yield accounts.ensure_user(SOLO)
    accounts.remove_user(SOLO)


def test_an_assignment_not_graded_on_submission_is_left_in_the_exchange_for_the_instructor(
    tmp_path, solo
):
    service = _service_in(tmp_path, grade_on_submission=False)
    student = solo
    name = _submission_folder(service, student.pw_name, student.pw_uid)
    service.receive()
    assert (service.inbound / name).is_dir()
    assert [(r["exchange_name"], r["outcome"]) for r in _records(service)] == [(name, LEFT)]
    service.receive()
    assert len(_records(service)) == 1, "the service recorded it again"


def test_a_submission_another_account_made_in_a_students_name_is_refused(tmp_path, solo):
    service = _service_in(tmp_path, grade_on_submission=True)
    student = solo
    name = _submission_folder(service, student.pw_name, accounts.ensure_user(GRADER).pw_uid)
    service.receive()
    assert not (service.inbound / name).exists() and not any(service.files.received.iterdir())
    assert [(r["exchange_name"], r["outcome"]) for r in _records(service)] == [(name, REFUSED)]
    assert "not by" in _records(service)[0]["reason"]


def _service_in(tmp_path, grade_on_submission):
    """A service on an exchange of its own, its course's assignment graded on submission or not."""
    assignments = tuple(
        dataclasses.replace(a, grade_on_submission=grade_on_submission) for a in COURSE.assignments
    )
    service = GradingService(HubLayout(tmp_path))
    service.settings = dataclasses.replace(COURSE, assignments=assignments)
    service.files.make()
    service.inbound.mkdir(parents=True)
    return service


def _submission_folder(service, student, owner):
    name = f"{student}+{ASSIGNMENT}+2026-01-05 10:00:00.000001 UTC+random"
    folder = service.inbound / name
    folder.mkdir()
    (folder / f"{ASSIGNMENT}.ipynb").write_text("{}")
    os.chown(folder, owner, -1)
    return name


def _records(service):
    path = service.files.records
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _seconds(iso):
    return datetime.fromisoformat(iso).timestamp()
