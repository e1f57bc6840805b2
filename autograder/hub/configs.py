"""The nbgrader configuration files a hub writes: the course folder's, which the instructor's
formgrader reads, and the students' Python's, which every student's Assignment List reads."""

import grp
import os
import pwd

from autograder import ROOT
from autograder.grading.course import load_course
from autograder.hub.course_folder import course_of
from autograder.hub.layout import GRADER, STAFF, HubLayout

NBGRADER_CONFIG = "nbgrader_config.py"


def course_config(layout: HubLayout) -> str:
    """The course folder's nbgrader configuration: the kit's (its autograde steps, feedback page and
    checks), with the course folder as the course's root and its exchange the hub's."""
    return (
        "# The hub's course folder: the kit's configuration, with this folder as the course's root\n"
        f"load_subconfig({str(ROOT / NBGRADER_CONFIG)!r})  # noqa: F821\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(layout.course)!r}\n"
        f"c.CourseDirectory.db_url = {course_of(layout).db_url!r}\n"
        f"c.Exchange.root = {str(layout.exchange)!r}\n"
        "# what the instructor and the grading account write stays writable by both\n"
        "c.CourseDirectory.groupshared = True\n"
    )


def student_config(layout: HubLayout) -> str:
    """The students' nbgrader configuration: the course and the hub's exchange."""
    return (
        "# Every student's server on the course's hub: the course and its exchange\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {load_course().id!r}\n"
        f"c.Exchange.root = {str(layout.exchange)!r}\n"
    )


def write(layout: HubLayout) -> None:
    """Write both files: the course folder's the staff's alone, the students' readable by all."""
    course = layout.course / NBGRADER_CONFIG
    course.write_text(course_config(layout), encoding="utf-8")
    os.chown(course, pwd.getpwnam(GRADER).pw_uid, grp.getgrnam(STAFF).gr_gid)
    course.chmod(0o640)
    students = layout.student_venv / "etc" / "jupyter" / NBGRADER_CONFIG
    students.parent.mkdir(parents=True, exist_ok=True)
    students.write_text(student_config(layout), encoding="utf-8")
    students.chmod(0o644)
