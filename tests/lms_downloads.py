"""Canvas- and Moodle-style downloads of a handful of notebooks, made from the released notebooks and the solutions.

Each holds, besides plain complete notebooks: two uploads of one student (the later one wins),
a notebook named ``perceptron (1).ipynb``, a ``.py`` file, a zip inside the zip, an empty file,
a student not on the roster and a notebook of the other assignment; one roster student uploads
nothing. ``EXPECTED`` says what the round must make of each file.
"""

import csv
import io
import zipfile
from datetime import datetime

import nbformat
from notebooks import notebook_path

from simulated_class.mistakes import MISTAKES, in_notebook
from simulated_class.students import filled, solution_sources

ASSIGNMENT, OTHER = "perceptron", "bp"
MISTAKE = next(key for key in MISTAKES if key[0] == "perceptron_loss")
# (roster id, first name, last name, the LMS's user id): the roster's lms_user_id column has it for
# s1 and s2 only, so the LMS's other files are matched by the student's name
ROSTER = [
    ("s1", "Wei", "Wang", "1001"),
    ("s2", "Fang", "Li", "1002"),
    ("s3", "Min", "Zhang", "1003"),
    ("s4", "Jing", "Liu", "1004"),
    ("s5", "Lei", "Chen", "1005"),
    ("s6", "Yan", "Zhao", "1006"),
    ("s7", "Jun", "Yang", "1007"),
]
ON_ROSTER_BY_ID = ("s1", "s2")
EARLY, LATE = datetime(2026, 11, 19, 9, 0, 0), datetime(2026, 11, 20, 22, 30, 0)


def notebook(assignment=ASSIGNMENT, kind="complete", mistake=MISTAKE):
    """A notebook of the assignment as bytes: complete, with one catalogued mistake (a MISTAKES key), or unfinished."""
    released = notebook_path("assignments", assignment)
    sources = solution_sources(notebook_path("solutions", assignment))
    if kind == "unfinished":
        sources = {}
    elif kind == "mistake":
        sources[mistake[0]] = in_notebook(MISTAKES[mistake])
    return nbformat.writes(filled(released, sources)).encode("utf-8")


def inner_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{ASSIGNMENT}.ipynb", notebook())
    return buffer.getvalue()


def files(name_of):
    """[(name in the download, when, content)]; name_of(roster row, file name) is the LMS's name for a student's file."""
    s1, s2, s3, s4, s5, _, s7 = ROSTER
    stranger = ("", "Ming", "Zhou", "1099")
    return [
        (name_of(s1, f"{ASSIGNMENT}.ipynb"), LATE, notebook()),
        (name_of(s2, f"{ASSIGNMENT}.ipynb"), EARLY, notebook(kind="unfinished")),
        (name_of(s2, f"{ASSIGNMENT}-1.ipynb", late=True), LATE, notebook()),
        (name_of(s3, f"{ASSIGNMENT} (1).ipynb"), LATE, notebook(kind="mistake")),
        (
            name_of(s4, f"{ASSIGNMENT}.py"),
            LATE,
            b"def perceptron_loss(w_hat, X_hat, y):\n    return 0.0\n",
        ),
        (name_of(s4, f"{ASSIGNMENT}.zip"), LATE, inner_zip()),
        (name_of(s5, f"{ASSIGNMENT}.ipynb"), LATE, b""),
        (name_of(stranger, f"{ASSIGNMENT}.ipynb"), LATE, notebook()),
        (name_of(s7, f"{OTHER}.ipynb"), LATE, notebook(OTHER)),
    ]


def canvas_name(row, file, late=False):
    _, first, last, lms_id = row
    return (
        f"{(last + first).lower()}_{'LATE_' if late else ''}{lms_id}_{int(lms_id) + 70000}_{file}"
    )


def moodle_name(row, file, late=False):
    _, first, last, lms_id = row
    return f"{first} {last}_{int(lms_id) + 3000}_assignsubmission_file_/{file}"


def write_zip(path, entries):
    with zipfile.ZipFile(path, "w") as archive:
        for name, when, content in entries:
            archive.writestr(zipfile.ZipInfo(name, when.timetuple()[:6]), content)
    return path


def write_roster(path, with_lms_ids=True):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(
            ["id", "first_name", "last_name", "email", *(["lms_user_id"] if with_lms_ids else [])]
        )
        for student, first, last, lms_id in ROSTER:
            lms_user_id = lms_id if student in ON_ROSTER_BY_ID else ""
            writer.writerow(
                [
                    student,
                    first,
                    last,
                    f"{student}@example.edu",
                    *([lms_user_id] if with_lms_ids else []),
                ]
            )
    return path


def canvas_download(folder):
    return write_zip(folder / "submissions.zip", files(canvas_name))


def moodle_download(folder):
    return write_zip(folder / "ML-Chapter5-perceptron-1234.zip", files(moodle_name))


def write_canvas_export(path):
    """The roster as Canvas's gradebook export has it (see tests/fixtures/lms_roster/): a BOM, the
    Points Possible row, every student's SIS User ID and Canvas ID, and the course's Test Student."""
    lines = [
        "Student,ID,SIS User ID,SIS Login ID,Section,Perceptron (118801),BP (118802),Current Score",
        "    Points Possible,,,,,35.00,43.00,(read only)",
        *(
            f'"{last}, {first}",{lms_id},{student},{student}@example.edu,Chapter 5,,,'
            for student, first, last, lms_id in ROSTER
        ),
        '"Student, Test",1099,,,Chapter 5,,,',
    ]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_moodle_export(path):
    """The roster as Moodle's grades export has it (Grade administration → Export → Plain text file;
    see tests/fixtures/lms_roster/): every student's ID number and email, each assignment's Real column."""
    header = (
        '"First name","Last name","ID number","Institution","Department","Email address",'
        '"Assignment: Perceptron (Real)","Assignment: BP (Real)","Last downloaded from this course"'
    )
    rows = [
        f'"{first}","{last}","{student}","Example University","","{student}@example.edu","-","-","1795680000"'
        for student, first, last, _ in ROSTER
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path
