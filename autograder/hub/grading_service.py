"""The hub's grading on submission: each submission in the exchange graded as it arrives, its feedback released.

nbgrader grades only when the instructor collects (jupyter/nbgrader#988). This service, run as
the grading account (layout.GRADER; the hub starts it as a managed service), watches the
exchange's ``<course id>/inbound/`` and, for each new submission in the order they arrive, one
at a time, runs what the instructor would::

    nbgrader collect --update --student S A        (from the service's own exchange, below)
    nbgrader autograde A --student S --force        (the kit's config: score of record, attempts)
    nbgrader generate_feedback A --student S --force
    nbgrader release_feedback A --student S         (into the exchange: Fetch Feedback finds it)

A submission leaves the shared exchange as soon as it is seen: it moves into the course folder
(grading-on-submission/, which no student can enter), so no other account can reach it by its
name. One whose folder is not owned by the student it names is refused. An assignment whose
course.yaml entry says ``grade_on_submission: false`` is left in the exchange for the
instructor, and the log says so.

A failure (nbgrader fails, no grade comes out, a step's time runs out, the page is held back)
is never a silent 0: the student's feedback slot gets a page saying grading failed and that
the instructor was told, and the instructor finds it in failures.jsonl and the log. A
submission that a failed step left in the gradebook is removed from it, so no 0 stands there.

Its files, in the course folder's grading-on-submission/::

    received/        submissions taken from the exchange, waiting their turn
    grading/         an exchange of one: the submission being graded (<course id>/inbound/)
    done/            every submission handled, as it arrived
    reports/         the kit's report of each student's latest graded submission (its attempt)
    received.jsonl   what arrived when, in order
    submissions.jsonl  one record per submission: its times, attempt and outcome
    failures.jsonl   the submissions that could not be graded, and why
    service.log      and service.lock, which one service at a time holds

A restart grades what was received and not yet recorded, the submission half graded first
again, and nothing recorded twice. SIGTERM ends it after the step under way.

    python -m autograder.hub.grading_service --hub-root /srv/ml-ch5-hub [--poll-seconds 1]
"""

import argparse
import fcntl
import json
import logging
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.utils import parse_utc

from autograder.grading.course import Course, load_course
from autograder.hub import failure_page
from autograder.hub.accounts import without_hub_secrets
from autograder.hub.course_folder import course_of
from autograder.hub.layout import DEFAULT_ROOT, HubLayout
from autograder.integration.nbgrader_course import FEEDBACK, SUBMITTED, CourseFolder

SERVICE = "grading-on-submission"
LOG = logging.getLogger(SERVICE)
# outcomes of a submission
GRADED, FAILED, REFUSED, LEFT = "graded", "failed", "refused", "left for the instructor"


@dataclass(frozen=True)
class Submission:
    """A submission in the exchange, as nbgrader's submit names it: ``student+assignment+timestamp+random``."""

    name: str
    student: str
    assignment: str
    timestamp: str  # nbgrader's, as in the name

    @classmethod
    def parse(cls, name: str) -> "Submission | None":
        """The submission that ``name`` names, or None for a name nbgrader's submit does not make."""
        parts = name.rsplit("+", 3)
        if len(parts) != 4 or not all(parts[:3]):
            return None
        try:
            parse_utc(parts[2])
        except (ValueError, OverflowError):
            return None
        return cls(name, parts[0], parts[1], parts[2])

    @property
    def submitted(self) -> str:
        """When the student submitted it (ISO 8601, UTC)."""
        return parse_utc(self.timestamp).astimezone(UTC).isoformat()


class GradingFailed(RuntimeError):
    """A step could not grade a submission: ``detail`` for the instructor, the reason in both
    languages for the student."""

    def __init__(self, detail: str, reason_zh: str, reason_en: str) -> None:
        super().__init__(detail)
        self.reason_zh, self.reason_en = reason_zh, reason_en


class Stopping(Exception):
    """The service was asked to stop; the submission under way is left to be redone."""


@dataclass(frozen=True)
class ServiceFiles:
    """The service's files in the course folder (see the module's docstring)."""

    course: Path

    @property
    def base(self) -> Path:
        return self.course / SERVICE

    @property
    def received(self) -> Path:
        return self.base / "received"

    @property
    def grading(self) -> Path:
        return self.base / "grading"

    @property
    def done(self) -> Path:
        return self.base / "done"

    @property
    def reports(self) -> Path:
        return self.base / "reports"

    @property
    def arrivals(self) -> Path:
        return self.base / "received.jsonl"

    @property
    def records(self) -> Path:
        return self.base / "submissions.jsonl"

    @property
    def failures(self) -> Path:
        return self.base / "failures.jsonl"

    @property
    def log(self) -> Path:
        return self.base / "service.log"

    def make(self) -> None:
        """Make the service's folders."""
        for folder in (self.received, self.grading, self.done, self.reports):
            folder.mkdir(parents=True, exist_ok=True)


def read_lines(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSON-lines file, none if it does not exist (a line cut short by a crash is skipped)."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as file:
        for line in file:
            try:
                yield json.loads(line)
            except ValueError:
                continue


def append_line(path: Path, record: dict[str, Any]) -> None:
    """Append record to a JSON-lines file as one line, flushed to disk."""
    with open(path, "a", encoding="utf-8") as file:
        file.write(json.dumps(record, ensure_ascii=False) + "\n")
        file.flush()
        os.fsync(file.fileno())


def now() -> str:
    """This moment, ISO 8601 in UTC."""
    return datetime.now(UTC).isoformat()


class GradingService:
    """Grades each submission of the hub's exchange as it arrives (see the module's docstring)."""

    def __init__(self, layout: HubLayout, step_seconds: float | None = None) -> None:
        self.layout = layout
        self.settings: Course = load_course()
        self.course: CourseFolder = course_of(layout)
        self.files = ServiceFiles(layout.course)
        self.inbound = layout.exchange / self.settings.id / "inbound"
        # a step may take a notebook's whole time, and nbgrader's start and the kernel's on top
        self.step_seconds = step_seconds or self.settings.timeouts.per_notebook_seconds + 120
        self.stopping = False

    # the loop

    def run(self, poll_seconds: float) -> None:
        """Grade what arrives until asked to stop."""
        self.files.make()
        self.recover()
        while not self.stopping:
            self.receive()
            waiting = self.waiting()
            if waiting:
                self.handle(waiting[0])
            else:
                self.pause(poll_seconds)

    def stop(self, signum: int, frame: FrameType | None) -> None:
        """Ask the service to stop after the step under way (a signal handler)."""
        LOG.info("asked to stop (signal %d): stopping after the step under way", signum)
        self.stopping = True

    def pause(self, seconds: float) -> None:
        """Wait up to seconds, less if asked to stop."""
        end = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < end:
            time.sleep(min(0.1, seconds))

    def recover(self) -> None:
        """Put a submission left half graded by a stop or a crash back among those waiting."""
        for entry in self._being_graded().iterdir() if self._being_graded().exists() else ():
            LOG.info("%s: half graded when the service stopped; grading it again", entry.name)
            os.replace(entry, self.files.received / entry.name)

    def _being_graded(self) -> Path:
        return self.files.grading / self.settings.id / "inbound"

    # arrivals

    def receive(self) -> None:
        """Take each new submission out of the exchange, in the order they were submitted."""
        try:
            names = os.listdir(self.inbound)
        except FileNotFoundError:
            return
        recorded = {record["exchange_name"] for record in read_lines(self.files.records)}
        arrived = {arrival["exchange_name"] for arrival in read_lines(self.files.arrivals)}
        for name in sorted(set(names) - recorded, key=_submission_order):
            submission = Submission.parse(name)
            refusal = self.refusal(name, submission)
            if refusal:
                self.refuse(name, submission, refusal)
            elif submission and not self._grades(submission.assignment):
                LOG.info(
                    "%s: %s's grade_on_submission is false: left in the exchange for the instructor",
                    name,
                    submission.assignment,
                )
                self.record(submission, outcome=LEFT, received=now())
            elif submission:
                if name not in arrived:
                    append_line(
                        self.files.arrivals,
                        {"exchange_name": name, "received": now()},
                    )
                os.replace(self.inbound / name, self.files.received / name)
                LOG.info("%s: received", name)

    def refusal(self, name: str, submission: Submission | None) -> str | None:
        """Why the exchange's entry ``name`` is not a submission the service grades, or None."""
        if submission is None:
            return (
                "not named as nbgrader's submit names a submission (student+assignment+time+random)"
            )
        if submission.assignment not in {a.id for a in self.settings.assignments}:
            return f"no assignment {submission.assignment} in course.yaml"
        status = os.lstat(self.inbound / name)
        if not stat.S_ISDIR(status.st_mode):
            return "not a folder"
        try:
            student = pwd.getpwnam(submission.student).pw_uid
        except KeyError:
            return f"no account {submission.student} on this machine"
        if status.st_uid != student:
            return f"owned by uid {status.st_uid}, not by {submission.student}'s account"
        return None

    def refuse(self, name: str, submission: Submission | None, reason: str) -> None:
        """Take a refused entry out of the exchange (so no collect takes it) and tell the instructor."""
        LOG.error("%s: refused: %s", name, reason)
        os.replace(self.inbound / name, self.files.done / name)
        append_line(self.files.failures, {"exchange_name": name, "failed": now(), "why": reason})
        if submission is None:
            append_line(
                self.files.records,
                {"exchange_name": name, "outcome": REFUSED, "reason": reason, "received": now()},
            )
        else:
            self.record(submission, outcome=REFUSED, reason=reason, received=now())

    def _grades(self, assignment: str) -> bool:
        return self.settings.assignment(assignment).grade_on_submission

    def waiting(self) -> list[Submission]:
        """The submissions received and not yet graded, in the order they arrived."""
        here = set(os.listdir(self.files.received))
        order = [a["exchange_name"] for a in read_lines(self.files.arrivals)]
        names = [name for name in order if name in here]
        names += sorted(
            here - set(names), key=_submission_order
        )  # arrived before a crash logged it
        return [s for name in names if (s := Submission.parse(name))]

    # grading one

    def handle(self, submission: Submission) -> None:
        """Grade one submission and release its feedback, or give its student a failure page; record it."""
        folder = self._being_graded() / submission.name
        folder.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.files.received / submission.name, folder)
        received = self._received(submission.name)
        LOG.info("%s: grading %s's %s", submission.name, submission.student, submission.assignment)
        try:
            attempt, graded = self.grade(submission)
        except Stopping:
            LOG.info("%s: left half graded, to be graded again at the next start", submission.name)
            return
        except GradingFailed as failure:
            self.fail(submission, folder, failure, received)
            return
        limit = self.settings.attempts
        past = attempt > limit
        if past:
            LOG.warning(
                "%s: attempt %d of %s's %s; course.yaml allows %d: graded and flagged",
                submission.name,
                attempt,
                submission.student,
                submission.assignment,
                limit,
            )
            self.flag(submission)
        os.replace(folder, self.files.done / submission.name)
        self.record(
            submission,
            outcome=GRADED,
            received=received,
            graded=graded,
            released=now(),
            attempt=attempt,
            past_attempt_limit=past,
        )
        LOG.info("%s: graded (attempt %d), feedback released", submission.name, attempt)

    def grade(self, submission: Submission) -> tuple[int, str]:
        """Collect, autograde, make and release the feedback of the submission; (its attempt, when it was graded)."""
        student, assignment = submission.student, submission.assignment
        submitted = self.course.root / SUBMITTED / student / assignment
        if submitted.exists():  # collected fresh: a half-done collect leaves nothing behind
            shutil.rmtree(submitted)
        exchange = f"--Exchange.root={self.files.grading}"
        self.step(submission, "collect", "--update", f"--student={student}", assignment, exchange)
        timestamp = submitted / "timestamp.txt"
        if not timestamp.is_file() or timestamp.read_text().strip() != submission.timestamp:
            raise GradingFailed(
                f"collect did not bring this submission into {submitted}",
                "提交的文件夹无法收取（含链接、特殊文件或超出大小限制）",
                "its folder could not be collected (a link, a special file, or past the size limits)",
            )
        report = self.files.reports / assignment / f"{student}.json"
        report.unlink(missing_ok=True)
        self.step(
            submission,
            "autograde",
            assignment,
            f"--student={student}",
            "--force",
            f"--ScoreOfRecord.reports_directory={self.files.reports}",
        )
        graded = now()
        attempt = _attempt(report)
        self.step(submission, "generate_feedback", assignment, f"--student={student}", "--force")
        self.step(
            submission,
            "release_feedback",
            assignment,
            f"--student={student}",
            f"--Exchange.root={self.layout.exchange}",
        )
        self.check_released(submission)
        return attempt, graded

    def step(self, submission: Submission, command: str, *arguments: str) -> None:
        """Run one nbgrader command on the submission within the step's time; GradingFailed if it fails."""
        if self.stopping:
            raise Stopping
        log = f"{SERVICE}/{submission.name}"
        (self.course.logs / SERVICE).mkdir(parents=True, exist_ok=True)
        process = self.course.start(command, *arguments, log=log, session=True)
        try:
            code = process.wait(timeout=self.step_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise GradingFailed(
                f"nbgrader {command} took longer than {self.step_seconds:g} s; see {self.course.logs / log}.log",
                "评分超时",
                "grading took longer than its time limit",
            ) from None
        if code != 0:
            raise GradingFailed(
                f"nbgrader {command} failed ({code}); see {self.course.logs / log}.log",
                "评分程序未能处理你的提交（笔记本能否打开？）",
                f"nbgrader's {command} could not process it (does the notebook open?)",
            )

    def check_released(self, submission: Submission) -> None:
        """GradingFailed unless each feedback page of the submission is in its exchange slot."""
        folder = self.course.root / FEEDBACK / submission.student / submission.assignment
        pages = {page.name: page.read_bytes() for page in folder.glob("*.html")}
        try:
            slots = failure_page.slots(folder, self.layout.exchange / self.settings.id, ".html")
        except failure_page.NoFeedbackSlot as error:
            slots = []
            LOG.error("%s: %s", submission.name, error)
        released = [slot.read_bytes() for slot in slots if slot.is_file()]
        if not pages or sorted(released) != sorted(pages.values()):
            raise GradingFailed(
                f"its feedback was not released ({len(released)} of {len(pages)} pages); "
                f"see {self.course.logs / SERVICE / submission.name}.log",
                "反馈页需要教师先查看",
                "its feedback page is held back for your instructor to check",
            )

    def flag(self, submission: Submission) -> None:
        """Flag the submission's notebooks in the gradebook, as formgrader shows a flag."""
        with Gradebook(self.course.db_url) as book:
            for notebook in book.find_submission(
                submission.assignment, submission.student
            ).notebooks:
                notebook.flagged = True
            book.db.commit()

    def fail(
        self, submission: Submission, folder: Path, failure: GradingFailed, received: str
    ) -> None:
        """Give the student a page saying their submission failed, tell the instructor, record it."""
        LOG.error("%s: not graded: %s", submission.name, failure)
        try:
            for slot in failure_page.slots(folder, self.layout.exchange / self.settings.id):
                failure_page.write(
                    slot,
                    submission.assignment,
                    submission.submitted,
                    failure.reason_zh,
                    failure.reason_en,
                )
            told = True
        except (failure_page.NoFeedbackSlot, OSError) as error:
            LOG.error("%s: no failure page for the student: %s", submission.name, error)
            told = False
        os.replace(folder, self.files.done / submission.name)
        forgotten = self.forget(submission)
        append_line(
            self.files.failures,
            {
                "exchange_name": submission.name,
                "student": submission.student,
                "assignment": submission.assignment,
                "failed": now(),
                "why": str(failure),
                "student_told": told,
                "removed_from_the_gradebook": forgotten,
            },
        )
        self.record(submission, outcome=FAILED, reason=str(failure), received=received)

    def forget(self, submission: Submission) -> bool:
        """Remove the submission from the gradebook if a failed step left it there, so that no score
        stands for it (an export would show 0); whether it did."""
        with Gradebook(self.course.db_url) as book:
            try:
                found = book.find_submission(submission.assignment, submission.student)
            except MissingEntry:
                return False
            if found.timestamp is None or _utc(found.timestamp) != _utc(
                parse_utc(submission.timestamp)
            ):
                return False  # an earlier submission's grade, which this one did not replace
            book.remove_submission(submission.assignment, submission.student)
        LOG.warning("%s: removed from the gradebook, where it had no grade", submission.name)
        return True

    def record(self, submission: Submission, **fields: Any) -> None:
        """Append the submission's record (its name, student, assignment, submission time and fields)."""
        append_line(
            self.files.records,
            {
                "exchange_name": submission.name,
                "student": submission.student,
                "assignment": submission.assignment,
                "submitted": submission.submitted,
                **fields,
            },
        )

    def _received(self, name: str) -> str:
        times = [
            a["received"] for a in read_lines(self.files.arrivals) if a["exchange_name"] == name
        ]
        return times[0] if times else now()


def _utc(moment: datetime) -> datetime:
    """moment as an aware time in UTC (nbgrader's gradebook keeps naive times in UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _submission_order(name: str) -> tuple[str, str]:
    """Submissions in the order they were submitted, then by name; names not nbgrader's first."""
    submission = Submission.parse(name)
    return (submission.submitted if submission else "", name)


def _attempt(report: Path) -> int:
    """The attempt that the kit's score of record graded (its report); GradingFailed without one."""
    try:
        return int(json.loads(report.read_text(encoding="utf-8"))["attempt"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise GradingFailed(
            f"autograde left no grade of the course kit ({report}: {error})",
            "评分程序没有给出成绩",
            "the grader gave no grade",
        ) from None


def _single(files: ServiceFiles) -> int:
    """Hold the service's lock (its file descriptor): one service grades a course folder at a time."""
    descriptor = os.open(files.base / "service.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(f"another grading service runs on {files.course} already") from None
    return descriptor


def main(argv: list[str] | None = None) -> int:
    """Run the grading service on a hub's root until SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hub-root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--poll-seconds", type=float, default=1.0)
    parser.add_argument(
        "--step-seconds",
        type=float,
        default=None,
        help="the time one nbgrader step may take (default: course.yaml's per_notebook_seconds + 120)",
    )
    arguments = parser.parse_args(argv)
    # nothing the service starts sees the hub's token (a managed service gets its API token)
    for name in set(os.environ) - set(without_hub_secrets(os.environ)):
        del os.environ[name]
    os.umask(
        0o002
    )  # feedback pages readable by their students, as nbgrader's own are; the course folder writable by the staff
    service = GradingService(HubLayout(arguments.hub_root.absolute()), arguments.step_seconds)
    service.files.make()
    lock = _single(service.files)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        handlers=[logging.StreamHandler(), logging.FileHandler(service.files.log)],
    )
    signal.signal(signal.SIGTERM, service.stop)
    signal.signal(signal.SIGINT, service.stop)
    LOG.info("grading submissions of %s as they arrive", service.inbound)
    service.run(arguments.poll_seconds)
    os.close(lock)
    LOG.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
