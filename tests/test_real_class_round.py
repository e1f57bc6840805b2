"""The round on a real class, with real nbgrader and its sqlite gradebook: LMS downloads in, a course folder that is kept out.

A Canvas-style and a Moodle-style download (tests/lms_downloads.py) are graded with
`python -m autograder.rounds --submissions ... --roster ...`; the Canvas course is then
run again (nothing to grade), given a late upload (only it is graded), and a round killed
during autograde and during feedback is run to the end and compared with one never stopped.
"""

import csv
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from datetime import datetime

import nbformat
import pytest
from lms_downloads import (
    ASSIGNMENT,
    LATE,
    OTHER,
    ROSTER,
    canvas_download,
    canvas_name,
    files,
    moodle_download,
    notebook,
    write_canvas_export,
    write_moodle_export,
    write_roster,
    write_zip,
)
from nbgrader.api import Gradebook, MissingEntry
from notebooks import ROOT, copy_of_the_repository
from submissions import module_source

import source_impl.perceptron
from autograder.grading.course import load_course
from autograder.integration.nbgrader_course import CourseFolder, nbgrader_environment

POINTS = {item.id: float(item.points) for item in load_course().assignment(ASSIGNMENT).items}
MISTAKEN_ITEM = "perceptron_loss"  # tests/lms_downloads.py's mistake


def round_command(course, *download, roster=None, assignments=(ASSIGNMENT,), jobs=2, extra=()):
    command = [
        sys.executable,
        "-m",
        "autograder.rounds",
        "--course",
        str(course),
        "--jobs",
        str(jobs),
        "--assignments",
        *assignments,
    ]
    if download:
        command += ["--submissions", *map(str, download), "--roster", str(roster)]
    return command + list(extra)


def run_round(*arguments, **options):
    result = subprocess.run(
        round_command(*arguments, **options), capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def scores(course, student, assignment=ASSIGNMENT):
    """{item: score} of the student's submission in the gradebook (the derivations left aside), or None without one."""
    items = {item.id for item in load_course().assignment(assignment).items}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
        try:
            return {
                grade.name: grade.score
                for grade in book.find_submission_notebook(assignment, assignment, student).grades
                if grade.name in items
            }
        except MissingEntry:
            return None


def gradebook_rows(course):
    """Every submission and grade of the gradebook as comparable rows, and its integrity check."""
    grades, submissions = [], []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
        for assignment in book.assignments:
            for submission in book.assignment_submissions(assignment.name):
                submissions.append((submission.student_id, assignment.name, submission.timestamp))
                grades += [
                    (
                        submission.student_id,
                        assignment.name,
                        grade.name,
                        grade.auto_score,
                        grade.manual_score,
                        grade.needs_manual_grade,
                    )
                    for notebook in submission.notebooks
                    for grade in notebook.grades
                ]
    with sqlite3.connect(course / "gradebook.db") as db:
        return sorted(grades), sorted(submissions), db.execute("pragma integrity_check").fetchone()


def modified(course, *parts):
    return {
        p.relative_to(course): p.stat().st_mtime_ns
        for part in parts
        for p in (course / part).rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def canvas(tmp_path_factory):
    folder = tmp_path_factory.mktemp("canvas")
    download, roster = canvas_download(folder), write_roster(folder / "roster.csv")
    return (
        folder / "course",
        download,
        roster,
        run_round(folder / "course", download, roster=roster),
    )


@pytest.fixture(scope="module")
def moodle(tmp_path_factory):
    folder = tmp_path_factory.mktemp("moodle")
    # the roster as Moodle exports it
    download, roster = moodle_download(folder), write_moodle_export(folder / "grades.csv")
    return folder / "course", run_round(
        folder / "course", download, roster=roster, assignments=(ASSIGNMENT, OTHER)
    )


def test_every_notebook_of_a_canvas_download_is_graded_the_latest_upload_of_each_student(canvas):
    course, *_ = canvas
    assert scores(course, "s1") == POINTS
    # the later, complete upload; the earlier one was unfinished
    assert scores(course, "s2") == POINTS
    lost = {item for item, score in scores(course, "s3").items() if score < POINTS[item]}
    assert lost == {MISTAKEN_ITEM}  # perceptron (1).ipynb, graded as perceptron.ipynb
    for student in ("s4", "s5", "s6", "s7"):
        assert scores(course, student) is None
    for student in ("s1", "s2", "s3"):
        assert (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").is_file()


def test_the_summary_names_every_file_that_was_not_simply_one_notebook(canvas):
    course, _, _, stdout = canvas
    summary = stdout.split("what arrived, besides one notebook per student")[1]
    for student, file, what in [
        (
            "s2",
            "lifang_LATE_1002_71002_perceptron-1.ipynb",
            "named 'perceptron-1.ipynb': taken as perceptron.ipynb",
        ),
        (
            "s2",
            "lifang_1002_71002_perceptron.ipynb",
            "older than lifang_LATE_1002_71002_perceptron-1.ipynb",
        ),
        ("s3", "zhangmin_1003_71003_perceptron (1).ipynb", "taken as perceptron.ipynb"),
        ("s4", "liujing_1004_71004_perceptron.zip", "an archive inside the download: not opened"),
        ("s5", "chenlei_1005_71005_perceptron.ipynb", "an empty file: not graded"),
        (
            "",
            "zhouming_1099_71099_perceptron.ipynb",
            "Canvas user 1099 (zhouming) is not on the roster",
        ),
        ("s7", "yangjun_1007_71007_bp.ipynb", "a notebook of bp, which this round does not grade"),
    ]:
        assert re.search(
            rf"^  {student + ' ' if student else ''}{re.escape(file)}: .*{re.escape(what)}",
            summary,
            flags=re.M,
        ), file
    assert re.search(
        r"^  s4 perceptron: no submission: 2 file\(s\) of theirs in the download were not graded "
        r"as perceptron: liujing_1004_71004_perceptron.py, liujing_1004_71004_perceptron.zip",
        summary,
        flags=re.M,
    )
    # the other assignment's notebook, named where the submission is missing
    assert re.search(
        r"^  s7 perceptron: no submission: 1 file\(s\) .* yangjun_1007_71007_bp.ipynb",
        summary,
        flags=re.M,
    )
    # the .py, with the score the kit's grader gives it and how to accept it
    assert re.search(
        r"^  s4 liujing_1004_71004_perceptron.py: a .py, not the notebook: the kit's grader gives it "
        rf"[\d.]+ of {sum(POINTS.values()):g} points for perceptron; .* --accept s4:perceptron",
        summary,
        flags=re.M,
    )
    # Canvas's LATE_ mark, with no due date in course.yaml
    assert re.search(
        r"warning: perceptron has no due date, so 1 submissions the LMS marked late are graded "
        r"without a late penalty: s2\.",
        stdout,
    )
    # on the roster, uploaded nothing
    assert re.search(r"^  s6 perceptron: no submission$", summary, flags=re.M)
    report = (course / "round" / "class_report.md").read_text(encoding="utf-8")
    assert "## 收到的文件 What arrived, besides one notebook per student" in report
    assert (
        "| liujing_1004_71004_perceptron.py | s4 | a .py, not the notebook: the kit's grader gives it"
        in report
    )
    assert "| s6 | perceptron | not graded | no submission |" in report


def test_the_course_folder_holds_feedback_the_gradebook_the_exports_and_the_report(canvas):
    course, *_ = canvas
    with open(course / "round" / "grades_per_item.csv", newline="", encoding="utf-8") as file:
        rows = {row["student_id"]: row for row in csv.DictReader(file)}
    assert (
        float(rows["s3"][MISTAKEN_ITEM]) < POINTS[MISTAKEN_ITEM]
        and float(rows["s1"][MISTAKEN_ITEM]) == POINTS[MISTAKEN_ITEM]
    )
    with open(course / "round" / "grades.csv", newline="", encoding="utf-8") as file:
        totals = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    # nbgrader's export: the whole roster
    assert totals["s1"] == sum(POINTS.values()) and totals["s6"] == 0.0
    assert (course / "round" / "class_report.html").is_file()
    assert (
        course / "submitted" / "s2" / ASSIGNMENT / "timestamp.txt"
    ).read_text() == f"{LATE:%Y-%m-%d %H:%M:%S}.000000 UTC"


def test_the_graded_feedback_pages_go_into_canvas_s_re_upload_zip_as_canvas_named_the_files(
    canvas,
):
    course, _, _, stdout = canvas
    path = course / "round" / "lms" / f"canvas_{ASSIGNMENT}_feedback.zip"
    with zipfile.ZipFile(path) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    # the graded file of each student, its file part replaced; Canvas reads the user id from it
    assert entries == {
        name: (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_bytes()
        for student, name in [
            ("s1", f"wangwei_1001_71001_{ASSIGNMENT}-feedback.html"),
            ("s2", f"lifang_LATE_1002_71002_{ASSIGNMENT}-feedback.html"),
            ("s3", f"zhangmin_1003_71003_{ASSIGNMENT}-feedback.html"),
        ]
    }
    assert f"LMS feedback: canvas_{ASSIGNMENT}_feedback.zip: feedback of 3 students" in stdout
    assert not (course / "round" / "lms" / f"moodle_{ASSIGNMENT}_feedback.zip").exists()


def test_a_second_run_keeps_the_course_and_its_manual_grades_and_grades_nothing_again(canvas):
    course, download, roster, _ = canvas
    (derivation,) = load_course().assignment(ASSIGNMENT).derivations
    # a person's grade, as formgrader saves it
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
        grade = book.find_grade(derivation.id, ASSIGNMENT, ASSIGNMENT, "s1")
        grade.manual_score, grade.needs_manual_grade = 1.5, False
        book.db.commit()
    before, files_before = (
        gradebook_rows(course),
        modified(course, "submitted", "autograded", "feedback"),
    )
    stdout = run_round(course, download, roster=roster)
    assert "perceptron: skipped, graded before and unchanged since (3): s1, s2, s3" in stdout
    assert "autograde perceptron:" not in stdout  # no progress: nothing was autograded
    assert gradebook_rows(course) == before
    assert modified(course, "submitted", "autograded", "feedback") == files_before
    # made anew from the gradebook
    with open(course / "round" / "grades_per_item.csv", newline="", encoding="utf-8") as file:
        s1 = next(row for row in csv.DictReader(file) if row["student_id"] == "s1")
    assert (s1[derivation.id], float(s1[f"{ASSIGNMENT}_total"])) == (
        "1.5",
        sum(POINTS.values()) + 1.5,
    )


def test_a_late_upload_is_graded_and_nothing_else_is(canvas):
    course, _, roster, _ = canvas
    late = datetime(2026, 11, 22, 8, 0, 0)
    later_download = write_zip(
        course.parent / "submissions-later.zip",
        [
            *files(canvas_name),
            (
                canvas_name(("s3", "Min", "Zhang", "1003"), f"{ASSIGNMENT}.ipynb", late=True),
                late,
                notebook(),
            ),
            (
                canvas_name(("s6", "Yan", "Zhao", "1006"), f"{ASSIGNMENT}.ipynb", late=True),
                late,
                notebook(),
            ),
        ],
    )
    s1_before = modified(course, "autograded/s1", "feedback/s1")
    stdout = run_round(course, later_download, roster=roster)
    assert "4 notebooks to submitted/ (1 new, 1 changed, 2 unchanged)" in stdout
    assert "perceptron: skipped, graded before and unchanged since (2): s1, s2" in stdout
    assert re.search(r"autograde perceptron: 2/2", stdout)
    # the fixed upload and the new one
    assert scores(course, "s3") == POINTS and scores(course, "s6") == POINTS
    assert modified(course, "autograded/s1", "feedback/s1") == s1_before


def test_a_moodle_download_is_matched_by_name_and_a_notebook_of_the_other_assignment_is_graded_as_it(
    moodle,
):
    course, stdout = moodle
    assert scores(course, "s1") == POINTS and scores(course, "s2") == POINTS
    assert scores(course, "s7", OTHER) is not None and scores(course, "s7") is None
    assert (
        "Ming Zhou_4099_assignsubmission_file_/perceptron.ipynb: Moodle user 4099 (Ming Zhou) is not on the roster"
        in stdout
    )
    assert re.search(
        r"^  s2 Fang Li_4002_assignsubmission_file_/perceptron.ipynb: older than",
        stdout,
        flags=re.M,
    )
    # s4's stray files are named perceptron: they are not counted against bp
    assert re.search(
        r"^  s4 perceptron: no submission: 2 file\(s\) of theirs in the download were not graded as perceptron",
        stdout,
        flags=re.M,
    )
    assert re.search(r"^  s4 bp: no submission$", stdout, flags=re.M)


def test_a_moodle_class_gets_its_grades_in_the_exports_columns_and_its_feedback_zip(moodle):
    course, _ = moodle
    lms = course / "round" / "lms"
    for assignment, column in ((ASSIGNMENT, "Perceptron"), (OTHER, "BP")):
        header = (lms / f"moodle_{assignment}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.endswith(f",Assignment: {column} (Real)")  # Moodle updates its own column
    with zipfile.ZipFile(lms / f"moodle_{ASSIGNMENT}_feedback.zip") as archive:
        names = sorted(archive.namelist())
    # as Moodle's download named the graded files: its importer matches the participant id
    assert names == [
        f"{first} {last}_{int(lms_id) + 3000}_assignsubmission_file_/{ASSIGNMENT}-feedback.html"
        for student, first, last, lms_id in sorted(ROSTER, key=lambda row: f"{row[1]} {row[2]}")
        if scores(course, student) is not None
    ]


def test_canvas_s_own_gradebook_export_is_the_roster_its_test_student_noted_and_its_column_filled(
    tmp_path,
):
    download = write_zip(
        tmp_path / "submissions.zip",
        [(canvas_name(ROSTER[0], f"{ASSIGNMENT}.ipynb"), LATE, notebook())],
    )
    course = tmp_path / "course"
    stdout = run_round(course, download, roster=write_canvas_export(tmp_path / "gradebook.csv"))
    assert scores(course, "s1") == POINTS
    assert re.search(r"^  \S*gradebook.csv: line 10: Canvas's Test Student", stdout, flags=re.M)
    # what nbgrader imported: the export in the kit's own columns
    with open(course / "round" / "roster.csv", newline="", encoding="utf-8") as file:
        imported = list(csv.DictReader(file))
    assert [(row["id"], row["lms_user_id"]) for row in imported] == [
        (student, lms_id) for student, _, _, lms_id in ROSTER
    ]
    lms = course / "round" / "lms"
    canvas = list(csv.reader((lms / f"canvas_{ASSIGNMENT}.csv").read_text().splitlines()))
    assert canvas[0][-1] == "Perceptron (118801)"  # Canvas updates its own column
    assert ["Wang, Wei", "1001", "s1", "s1@example.edu"] == canvas[2][:4]
    assert (lms / f"moodle_{ASSIGNMENT}.csv").read_text().splitlines()[0].endswith(",perceptron")


def test_a_notebook_whose_kernel_dies_is_reported_with_its_cell_not_tried_again_and_the_others_are_graded(
    tmp_path,
):
    killer = nbformat.reads(notebook().decode("utf-8"), as_version=4)
    killer.cells.insert(1, nbformat.v4.new_code_cell("import os\nos._exit(1)  # the kernel dies"))
    download = write_zip(
        tmp_path / "submissions.zip",
        [
            (canvas_name(ROSTER[0], f"{ASSIGNMENT}.ipynb"), LATE, notebook()),
            (
                canvas_name(ROSTER[1], f"{ASSIGNMENT}.ipynb"),
                LATE,
                nbformat.writes(killer).encode("utf-8"),
            ),
        ],
    )
    stdout = run_round(tmp_path / "course", download, roster=write_roster(tmp_path / "roster.csv"))
    # the student's code ended it: trying again would end it again
    assert "once more, one at a time" not in stdout
    assert re.search(
        rf"^  s2 {ASSIGNMENT}: not graded: its kernel died while cell 1 \('import os'\) ran: ",
        stdout,
        flags=re.M,
    )
    assert scores(tmp_path / "course", "s1") == POINTS and scores(tmp_path / "course", "s2") is None


def test_a_round_killed_during_autograde_and_during_feedback_ends_as_one_never_stopped(tmp_path):
    download, roster = canvas_download(tmp_path), write_roster(tmp_path / "roster.csv")
    whole = tmp_path / "whole"
    run_round(whole, download, roster=roster, jobs=1)
    interrupted = tmp_path / "interrupted"
    kill_during(
        interrupted,
        download,
        roster,
        "[4/8] autograde",
        lambda: any((interrupted / "autograded").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")),
    )
    assert gradebook_rows(interrupted) != gradebook_rows(whole)  # the kill came before the end
    kill_during(interrupted, download, roster, "[6/8] feedback", lambda: True)
    stdout = run_round(interrupted, download, roster=roster, jobs=1)
    assert "[8/8] report" in stdout
    grades, submissions, integrity = gradebook_rows(interrupted)
    assert (grades, submissions) == gradebook_rows(whole)[:2]
    assert integrity == ("ok",)
    # none lost, none doubled
    assert len(submissions) == len({student for student, _, _ in submissions}) == 3
    feedback = sorted(
        p.relative_to(interrupted) for p in (interrupted / "feedback").rglob("*.html")
    )
    assert feedback == sorted(p.relative_to(whole) for p in (whole / "feedback").rglob("*.html"))


def kill_during(course, download, roster, step, ready, patience=120):
    """Start the round, and kill it with its nbgrader and kernels once it prints step and ready() holds."""
    command = round_command(course, download, roster=roster, jobs=1)
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True
    ) as process:
        deadline = time.monotonic() + patience
        for line in process.stdout:
            if line.startswith(step):
                break
        else:
            pytest.fail(f"the round ended before {step}")
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL


def test_the_repository_s_own_course_is_graded_in_the_gradebook_nbgrader_s_commands_use(tmp_path):
    """An instructor who collected with nbgrader's own commands in the repository runs the round there."""
    copy = tmp_path / "repository"
    copy_of_the_repository(copy)
    for student, kind in (("s1", "complete"), ("s2", "mistake")):  # as nbgrader collect leaves them
        CourseFolder(copy).write_submission(student, ASSIGNMENT, notebook(kind=kind), LATE)
    released = {
        p.relative_to(copy): p.read_bytes()
        for p in (copy / "assignments").rglob("*")
        if p.is_file()
    }
    # the copy's kit, as a clone's set-up installs it
    environment = {
        **nbgrader_environment(),
        "PYTHONPATH": str(copy),
    }
    command = [
        sys.executable,
        "-m",
        "autograder.rounds",
        "--course",
        str(copy),
        "--assignments",
        ASSIGNMENT,
        "--jobs",
        "2",
    ]
    result = subprocess.run(command, cwd=copy, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert scores(copy / "var", "s1") == POINTS
    assert {item for item, score in scores(copy / "var", "s2").items() if score < POINTS[item]} == {
        MISTAKEN_ITEM
    }
    assert (copy / "var" / "course-round" / "class_report.html").is_file()
    # runtime files stay in var/
    assert not any((copy / name).exists() for name in ("gradebook.db", "logs", "shards", "round"))
    assert {
        p.relative_to(copy): p.read_bytes()
        for p in (copy / "assignments").rglob("*")
        if p.is_file()
    } == released
    exported = subprocess.run(
        [sys.executable, "-m", "nbgrader", "export", "--to", str(tmp_path / "grades.csv")],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert exported.returncode == 0, exported.stderr
    # nbgrader's own export, from nbgrader_config.py's gradebook
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as file:
        assert {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}[
            "s1"
        ] == sum(POINTS.values())


def test_a_py_accepted_on_the_instructors_word_is_graded_as_the_notebook_and_says_so(tmp_path):
    """A correct .py in place of the notebook: with --accept, graded in full as the notebook, which
    opens with where it came from; the summary says it was accepted."""
    script = "import numpy as np\n\n\n" + module_source(source_impl.perceptron)
    s4 = next(row for row in ROSTER if row[0] == "s4")
    download = write_zip(
        tmp_path / "submissions.zip",
        [(canvas_name(s4, f"{ASSIGNMENT}.py"), LATE, script.encode())],
    )
    roster = write_roster(tmp_path / "roster.csv")
    course = tmp_path / "course"
    refused = subprocess.run(
        round_command(course, download, roster=roster) + ["--accept", "s1:perceptron"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert refused.returncode == 2 and "--accept names no .py" in refused.stderr
    assert "s1:perceptron" in refused.stderr
    stdout = run_round(course, download, roster=roster, extra=("--accept", "s4:perceptron"))
    assert scores(course, "s4") == POINTS
    submitted = nbformat.read(course / "submitted" / "s4" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    assert submitted.cells[0].source.startswith(
        f"**Converted from `{canvas_name(s4, 'perceptron.py')}`**"
    )
    assert "accepted on the instructor's word (--accept)" in stdout
