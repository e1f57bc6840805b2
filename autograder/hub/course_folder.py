"""A hub's course folder made ready from the kit: its folders, owners and modes, and every assignment released.

As root, ``prepare(layout)`` makes the grading account (layout.GRADER, in layout.STAFF), the
layout's folders with their owners and modes, and then, as the grading account, releases each of
course.yaml's assignments: into the course folder's gradebook (grading_round.release) and into
the exchange (``nbgrader release_assignment``). The grading account runs the kit's Python and
the repository's nbgrader_config.py: a folder on the way it cannot enter is named with the fix.

A second start finds everything made and changes nothing: an assignment released already is
not released again (a student's fetched copy and submissions stay as they are).

    python -m autograder.hub.course_folder --hub-root /srv/ml-ch5-hub
"""

import argparse
import os
import pwd
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from autograder import ROOT
from autograder.hub import accounts
from autograder.hub.layout import DEFAULT_ROOT, GRADER, STAFF, HubLayout
from autograder.hub.namespace import staff_command
from autograder.integration.nbgrader_course import CourseFolder
from autograder.sandbox.process import closed_folder

EXCHANGE_MODE = 0o1777  # nbgrader's: every account writes its own, the sticky bit keeps them apart
COURSE_MODE = 0o2770  # the grading account's and the staff's; new files keep the staff group
# nbgrader's modes for a course's exchange folders (release_assignment, release_feedback);
# inbound gets the sticky bit too: a student cannot rename or remove another's submission
INBOUND_MODE = 0o3733
FEEDBACK_MODE = 0o711
# what the grading account reads of the repository: nbgrader's configuration and the course
READ = ("nbgrader_config.py", "course.yaml")


class HubSetupError(RuntimeError):
    """The hub's course folder cannot be made ready; the message says why and what to do."""


class RepositoryClosed(HubSetupError):
    """The grading account cannot read the kit's folder: a property of where the kit is installed."""


def prepare(layout: HubLayout) -> CourseFolder:
    """Make the hub's accounts, folders and released assignments ready (as root); return its course folder."""
    accounts.ensure_group(STAFF)
    grader = accounts.ensure_user(GRADER, groups=[STAFF])
    if blocked := repository_blocked(grader):
        raise RepositoryClosed(blocked)
    _folder(layout.root, 0, 0, 0o755)
    _folder(layout.exchange, 0, 0, EXCHANGE_MODE)
    _folder(layout.course, grader.pw_uid, accounts.ensure_group(STAFF).gr_gid, COURSE_MODE)
    _folder(layout.state, 0, 0, 0o700)
    (ROOT / "var").mkdir(exist_ok=True)  # nbgrader_config.py makes it, which the grader cannot
    command = [
        sys.executable,
        "-m",
        "autograder.hub.course_folder",
        "--hub-root",
        str(layout.root),
        "--release",
    ]
    done = subprocess.run(
        staff_command(grader, layout, Path(sys.executable), command),
        env=accounts.user_environment(grader),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise HubSetupError(
            f"releasing the assignments as {GRADER} failed ({done.returncode}):\n{done.stderr or done.stdout}"
        )
    return course_of(layout)


def forget(layout: HubLayout, names: list[str]) -> None:
    """Start a hub anew (its tests and load test do): the accounts named and every folder of the
    hub's but the students' Python (which takes minutes to make) removed."""
    for name in names:
        accounts.remove_user(name)
    for folder in (layout.exchange, layout.course, layout.state):
        shutil.rmtree(folder, ignore_errors=True)


def course_of(layout: HubLayout) -> CourseFolder:
    """The hub's course folder, its gradebook the sqlite file in it."""
    return CourseFolder(layout.course)


def release_assignments(layout: HubLayout) -> None:
    """Release each of course.yaml's assignments into the course folder and the exchange (as the
    grading account), each only if it is not released there yet."""
    from autograder.grading.course import load_course
    from autograder.rounds.grading_round import release

    settings = load_course()
    course = course_of(layout)
    exchange = layout.exchange / settings.id
    for assignment in settings.assignments:
        release(course, assignment.id)
        if not (exchange / "outbound" / assignment.id).is_dir():
            course.run(
                "release_assignment",
                assignment.id,
                f"--Exchange.root={layout.exchange}",
                log="release_assignment",
            )
    os.chmod(exchange / "inbound", INBOUND_MODE)
    (exchange / "feedback").mkdir(exist_ok=True)
    os.chmod(exchange / "feedback", FEEDBACK_MODE)


def repository_blocked(user: pwd.struct_passwd) -> str | None:
    """Why ``user`` cannot run the kit's nbgrader from the repository (a folder or file of the kit's
    it cannot enter or read, named with the fix), or None.

    The staff's namespace shows the repository and the kit's Python whatever the folders on the
    way to them (namespace.py): what is checked is the repository's own folders and files."""
    for folder in (ROOT, ROOT / "autograder", Path(sys.prefix), Path(sys.prefix) / "bin"):
        closed = closed_folder(folder, user)
        if closed is not None and (closed == folder or ROOT in closed.parents):
            return (
                f"{user.pw_name} cannot enter {closed} (mode {closed.stat().st_mode & 0o7777:04o}): "
                f"the grading service runs the kit's Python and nbgrader_config.py as "
                f"{user.pw_name}; chmod o+rx {closed}"
            )
    for name in READ:
        if not _readable(ROOT / name, user):
            return (
                f"{user.pw_name} cannot read {ROOT / name}: the grading service reads it; "
                f"chmod o+r {ROOT / name}"
            )
    return None


def _readable(path: Path, user: pwd.struct_passwd) -> bool:
    """Whether path's mode bits let user read it."""
    status = path.stat()
    if status.st_uid == user.pw_uid:
        return bool(status.st_mode & stat.S_IRUSR)
    if status.st_gid == user.pw_gid or status.st_gid in os.getgrouplist(user.pw_name, user.pw_gid):
        return bool(status.st_mode & stat.S_IRGRP)
    return bool(status.st_mode & stat.S_IROTH)


def _folder(path: Path, uid: int, gid: int, mode: int) -> None:
    """The folder at path, with this owner and mode."""
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, uid, gid)
    os.chmod(path, mode)


def main(argv: list[str] | None = None) -> int:
    """Make the hub's course folder ready (as root), or with --release release the assignments (as the grading account)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hub-root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument(
        "--release", action="store_true", help="as the grading account: release the assignments"
    )
    arguments = parser.parse_args(argv)
    layout = HubLayout(arguments.hub_root.absolute())
    try:
        if arguments.release:
            release_assignments(layout)
        else:
            print(f"course folder ready: {prepare(layout).root}")
    except (HubSetupError, accounts.AccountError) as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
