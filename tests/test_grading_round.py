"""The instructor's grading round, end to end with real nbgrader, kernels and sqlite gradebook.

Two rounds of the small simulated class on bp: one serial with --no-enforce, one with --jobs 2 (enforcing, the default).
"""

import csv
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbgrader.api import Gradebook, MissingEntry
from notebooks import ROOT

from autograder.grading import cases
from autograder.grading.course import load_course
from autograder.grading.misconceptions import CATALOG
from autograder.integration.nbgrader_course import (
    AUTOGRADED,
    CourseFolder,
    nbgrader_environment,
)
from autograder.integration.parallel_nbgrader import _unfinished
from autograder.sandbox import confinement
from simulated_class import students as simulated

ASSIGNMENT = "bp"
COURSE = load_course()
ITEMS = [item.id for item in COURSE.assignment(ASSIGNMENT).items]
DERIVATIONS = [derivation.id for derivation in COURSE.assignment(ASSIGNMENT).derivations]
COURSE_POINTS = {item.id: item.points for item in COURSE.assignment(ASSIGNMENT).items}
CLASS = simulated.make_class((ASSIGNMENT,), small=True)
BY_PROFILE = {student.profile: student for student in CLASS}
# who answers the derivation cells (for a person to grade) and who leaves them as released (nbgrader's 0)
NOT_GRADED = (simulated.CORRUPT, simulated.MISSING)
BLANK = (simulated.UNFINISHED, *simulated.TAMPERING)
ANSWERED = [s.id for s in CLASS if s.profile not in (*NOT_GRADED, *BLANK)]


def round_command(out, *options):
    """The small simulated class's round of ASSIGNMENT into out."""
    return [
        sys.executable,
        "-m",
        "simulated_class",
        "--small",
        "--assignments",
        ASSIGNMENT,
        "--out",
        str(out),
        *options,
    ]


def run_round(out, *options):
    result = subprocess.run(round_command(out, *options), capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "missing from font" not in result.stderr  # a plot's label Matplotlib cannot draw
    return out, result.stdout


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    return run_round(tmp_path_factory.mktemp("serial"), "--jobs", "1", "--no-enforce")


@pytest.fixture(scope="module")
def parallel(small_class_round_of_bp):
    return small_class_round_of_bp


def gradebook_of(out):
    return Gradebook(f"sqlite:///{out / 'course' / 'gradebook.db'}")


def scores(out, student):
    """{item: score} of the student's bp in the round's gradebook, or None without a submission."""
    grades = gradebook_grades(out, student)
    return (
        None
        if grades is None
        else {name: grade[0] for name, grade in grades.items() if name in ITEMS}
    )


def gradebook_grades(out, student):
    """{graded cell: (score, auto_score, manual_score, needs_manual_grade)} of the student's bp, or None without a submission."""
    with gradebook_of(out) as book:
        try:
            submission = book.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        except MissingEntry:
            return None
        return {
            grade.name: (
                grade.score,
                grade.auto_score,
                grade.manual_score,
                grade.needs_manual_grade,
            )
            for grade in submission.grades
        }


def cli_report(out, student):
    return json.loads(
        (out / "reports" / ASSIGNMENT / f"{student}.json").read_text(encoding="utf-8")
    )


def per_item_csv(out):
    with open(out / "grades_per_item.csv", newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_the_gradebook_holds_what_the_out_of_kernel_grader_gives_every_honest_student(serial):
    out, _ = serial
    for student in CLASS:
        if student.profile in (*simulated.TAMPERING, simulated.CORRUPT, simulated.MISSING):
            continue
        report = {item["id"]: item["score"] for item in cli_report(out, student.id)["items"]}
        assert scores(out, student.id) == report, student


def test_each_kind_of_submission_gets_the_scores_and_statuses_it_deserves(serial):
    out, _ = serial
    assert (
        sum(scores(out, BY_PROFILE[simulated.COMPLETE].id).values())
        == COURSE.assignment(ASSIGNMENT).item_points
    )
    assert sum(scores(out, BY_PROFILE[simulated.UNFINISHED].id).values()) == 0
    [(item, variant)] = BY_PROFILE[simulated.MISTAKE].mistakes[ASSIGNMENT]
    mistaken = {i["id"]: i for i in cli_report(out, BY_PROFILE[simulated.MISTAKE].id)["items"]}
    assert (
        mistaken[item]["misconception"],
        scores(out, BY_PROFILE[simulated.MISTAKE].id)[item],
    ) == (variant, 0)
    crashed = {
        i["id"]: i["status"] for i in cli_report(out, BY_PROFILE[simulated.CRASH].id)["items"]
    }
    assert crashed[simulated.CRASHING[ASSIGNMENT]] == "crashed"
    hung = {i["id"]: i["status"] for i in cli_report(out, BY_PROFILE[simulated.HANG].id)["items"]}
    assert hung[simulated.HANGING[ASSIGNMENT]] == "timeout"
    # the crash and the hang cost their own function, nothing else: its callers are graded with the reference's
    for profile, broken in (
        (simulated.CRASH, simulated.CRASHING[ASSIGNMENT]),
        (simulated.HANG, simulated.HANGING[ASSIGNMENT]),
    ):
        lost = {
            item: COURSE_POINTS[item] - score
            for item, score in scores(out, BY_PROFILE[profile].id).items()
            if score < COURSE_POINTS[item]
        }
        assert lost.keys() == {broken}, (profile, lost)


def test_a_submission_nbgrader_cannot_grade_is_reported_and_leaves_the_gradebook_consistent(serial):
    out, stdout = serial
    for profile in (simulated.CORRUPT, simulated.MISSING):
        student = BY_PROFILE[profile].id
        assert scores(out, student) is None
        assert re.search(rf"{student} bp: not graded: ", stdout)
    report = (out / "class_report.md").read_text(encoding="utf-8")
    assert (
        f"| {BY_PROFILE[simulated.CORRUPT].id} | bp | not graded | bp.ipynb is not a readable notebook (NotJSONError) |"
        in report
    )
    assert (
        f"| {BY_PROFILE[simulated.MISSING].id} | bp | not graded | no bp.ipynb in the submission (found: bp (1).ipynb) |"
        in report
    )
    # everyone else has a fully autograded submission: its derivations left to people
    with gradebook_of(out) as book:
        submissions = book.assignment_submissions(ASSIGNMENT)
        assert len(submissions) == len(CLASS) - 2
        grades = [grade for s in submissions for n in s.notebooks for grade in n.grades]
        assert all(grade.auto_score is not None for grade in grades if grade.name in ITEMS)
        assert all(
            (grade.auto_score, grade.needs_manual_grade) in ((None, True), (0.0, False))
            for grade in grades
            if grade.name in DERIVATIONS
        )


def test_autograde_leaves_each_derivation_to_a_person_and_scores_a_blank_one_0(serial):
    # nbgrader's autograde gives an answered Markdown cell no score ("needs manual grade"), one left as released 0;
    # neither the kit's chain nor the round writes a score into them
    out, _ = serial
    for student in CLASS:
        grades = gradebook_grades(out, student.id)
        if student.profile in NOT_GRADED:
            continue
        expected = (0.0, None, None, True) if student.id in ANSWERED else (0.0, 0.0, None, False)
        assert {cell: grades[cell] for cell in DERIVATIONS} == dict.fromkeys(
            DERIVATIONS, expected
        ), student
    assert ANSWERED and len(ANSWERED) < len(CLASS) - len(NOT_GRADED)  # both kinds are in the class


def test_the_round_lists_the_derivations_awaiting_a_person_in_its_summary_and_its_report(serial):
    out, stdout = serial
    answered, blank = len(ANSWERED), len(CLASS) - len(NOT_GRADED) - len(ANSWERED)
    assert (
        f"awaiting manual grading in formgrader: {answered} submissions × {len(DERIVATIONS)} cells (bp)"
        in stdout
    )
    for derivation in COURSE.assignment(ASSIGNMENT).derivations:
        assert re.search(
            rf"^  bp +{derivation.id} +{derivation.points:g} points +{answered} awaiting, 0 graded, {blank} blank \(0 from nbgrader\)  {re.escape(derivation.equation)}$",
            stdout,
            flags=re.M,
        ), derivation.id
    assert "grade them in formgrader's Manual Grading" in stdout
    report = (out / "class_report.md").read_text(encoding="utf-8")
    section = report.split("## 人工评分的推导 Derivations graded by people", 1)[1].split(
        "\n## ", 1
    )[0]
    assert (
        f"Awaiting manual grading in formgrader: {answered} submissions × {len(DERIVATIONS)} cells (bp)."
        in section
    )
    for derivation in COURSE.assignment(ASSIGNMENT).derivations:
        assert (
            f"| bp | {derivation.id} | {derivation.equation} | {derivation.points:g} | {answered} | 0 |  | {blank} |"
            in section
        )
    assert (
        "Manual Grading" in section and "nbgrader generate_feedback <assignment> --force" in section
    )
    assert "`solutions/<assignment>/<assignment>.ipynb`" in section  # where the rubric is
    assert (
        f"the automatic items' total, out of {COURSE.assignment(ASSIGNMENT).item_points:g}"
        in report
    )


# nbgrader's own add_submission warns so
@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
def test_a_half_made_submission_is_removed_and_reported(tmp_path, monkeypatch):
    # an answered derivation cell (Markdown) has no automatic score after autograde: it is a person's to grade, no failure
    monkeypatch.setenv("PATH", nbgrader_environment()["PATH"])  # a new gradebook runs alembic
    course = CourseFolder(tmp_path)
    url = course.db_url
    with Gradebook(url) as book:
        book.add_assignment(ASSIGNMENT)
        book.add_notebook(ASSIGNMENT, ASSIGNMENT)
        book.add_grade_cell("sigmoid", ASSIGNMENT, ASSIGNMENT, max_score=1, cell_type="code")
        book.add_grade_cell(
            "derive_delta_theta", ASSIGNMENT, ASSIGNMENT, max_score=2, cell_type="markdown"
        )
        for student in ("graded", "half", "deleted_the_cell", "saved_then_failed"):
            book.add_student(student)
            book.add_submission(ASSIGNMENT, student)
        for student in ("graded", "saved_then_failed"):
            book.find_grade("sigmoid", ASSIGNMENT, ASSIGNMENT, student).auto_score = 1.0
        book.db.commit()
    code = nbformat.v4.new_code_cell(metadata={"nbgrader": {"grade_id": "sigmoid", "grade": True}})
    answer = nbformat.v4.new_markdown_cell(
        "By the chain rule …",
        metadata={"nbgrader": {"grade_id": "derive_delta_theta", "grade": True, "solution": True}},
    )
    for student, cells in (
        ("graded", [code, answer]),
        ("half", [code, answer]),
        ("deleted_the_cell", []),
    ):
        course.notebook(AUTOGRADED, student, ASSIGNMENT).parent.mkdir(parents=True)
        nbformat.write(
            nbformat.v4.new_notebook(cells=cells), course.notebook(AUTOGRADED, student, ASSIGNMENT)
        )
    assert _unfinished(
        course,
        url,
        ASSIGNMENT,
        ["graded", "half", "absent", "deleted_the_cell", "saved_then_failed"],
    ) == {
        "half": "nbgrader could not autograde it",
        "absent": "nbgrader made no submission of it",
        # no autograded notebook: what followed nbgrader's save failed
        "saved_then_failed": "nbgrader saved its grades, then failed and removed its autograded notebook: "
        "its grades are taken out; see nbgrader's log",
    }
    with Gradebook(url) as book:
        assert sorted(s.student_id for s in book.assignment_submissions(ASSIGNMENT)) == [
            "deleted_the_cell",
            "graded",
        ]
        answered = book.find_grade("derive_delta_theta", ASSIGNMENT, ASSIGNMENT, "graded")
        # left for formgrader
        assert (answered.auto_score, answered.needs_manual_grade) == (
            None,
            True,
        )
        # deleted: 0, as nbgrader gives an empty answer, and nothing to grade by hand
        for cell in (
            "sigmoid",
            "derive_delta_theta",
        ):
            deleted = book.find_grade(cell, ASSIGNMENT, ASSIGNMENT, "deleted_the_cell")
            assert (deleted.auto_score, deleted.needs_manual_grade) == (0.0, False), cell


def test_every_total_the_round_writes_agrees_late_penalty_included(serial):
    """grades.csv's score, grades_per_item.csv's total, the class report's per-student table and each
    LMS file state one total per submission; the LMS files leave it out while a derivation awaits a
    person (a total that counts it as 0), and a student without a submission has none anywhere."""
    out, _ = serial
    with open(out / "grades.csv", newline="", encoding="utf-8") as file:
        exported = {
            r["student_id"]: r for r in csv.DictReader(file) if r["assignment"] == ASSIGNMENT
        }
    per_item = {row["student_id"]: row for row in per_item_csv(out)}
    with open(out / "students.csv", newline="", encoding="utf-8") as file:
        reported = {r["id"]: r for r in csv.DictReader(file) if r["assignment"] == ASSIGNMENT}
    assert set(exported) == set(per_item) == set(reported) == {s.id for s in CLASS}
    late = 0
    for student, row in exported.items():
        if not row["timestamp"]:
            assert per_item[student]["bp_total"] == reported[student]["total"] == ""
            continue
        total = float(row["score"])
        assert float(per_item[student]["bp_total"]) == pytest.approx(total), student
        assert float(reported[student]["total"]) == pytest.approx(total), student
        late += float(row["late_submission_penalty"] or 0) > 0
        assert float(per_item[student]["bp_late_penalty"]) == pytest.approx(
            float(row["late_submission_penalty"] or 0)
        )
    assert late, "the small class has a late submission, whose penalty every total takes off"
    lms_totals = {
        student: ""
        if not row["timestamp"] or per_item[student]["bp_awaiting_manual"] != "0"
        else f"{float(row['score']):g}"
        for student, row in exported.items()
    }
    for lms, id_column in (
        ("canvas", "SIS User ID"),
        ("moodle", "ID number"),
        ("blackboard", "Student ID"),
    ):
        with open(out / "lms" / f"{lms}_{ASSIGNMENT}.csv", newline="", encoding="utf-8") as file:
            rows = list(csv.reader(file))
        column = rows[0].index(id_column)
        # Canvas's Points Possible row names no student
        grades = {row[column]: row[-1] and f"{float(row[-1]):g}" for row in rows[1:] if row[column]}
        assert grades == lms_totals, lms
    assert any(lms_totals.values()) and not all(lms_totals.values())


def test_both_channels_arrive_with_their_timestamps(serial):
    out, _ = serial
    channels = {
        student.channel
        for student in CLASS
        if student.profile not in (simulated.CORRUPT, simulated.MISSING)
    }
    assert channels == {simulated.NBGRADER, simulated.LMS}
    with gradebook_of(out) as book:
        for student in CLASS:
            if student.profile not in (simulated.CORRUPT, simulated.MISSING):
                stamp = book.find_submission(ASSIGNMENT, student.id).timestamp
                assert stamp == student.submitted_at(ASSIGNMENT).replace(tzinfo=None), student


def test_the_per_item_csv_has_a_column_per_item_and_derivation_and_the_gradebooks_scores(serial):
    out, _ = serial
    rows = per_item_csv(out)
    totals = ["bp_items_total", *DERIVATIONS, "bp_awaiting_manual", "bp_late_penalty", "bp_total"]
    assert list(rows[0]) == ["student_id", "last_name", "first_name", *ITEMS, *totals, "total"]
    assert [row["student_id"] for row in rows] == sorted(student.id for student in CLASS)
    for row in rows:
        recorded = scores(out, row["student_id"])
        if recorded is None:
            assert all(row[column] == "" for column in ITEMS + totals)
            continue
        assert {item: float(row[item]) for item in ITEMS} == recorded
        assert float(row["bp_items_total"]) == pytest.approx(sum(recorded.values()))
        if row["student_id"] in ANSWERED:  # not graded yet: empty, never 0; the total is the items'
            assert [row[d] for d in DERIVATIONS] == [""] * len(DERIVATIONS) and row[
                "bp_awaiting_manual"
            ] == str(len(DERIVATIONS))
        else:  # left as released: nbgrader's 0
            assert [row[d] for d in DERIVATIONS] == ["0"] * len(DERIVATIONS) and row[
                "bp_awaiting_manual"
            ] == "0"
        assert float(row["bp_total"]) == pytest.approx(
            max(0.0, float(row["bp_items_total"]) - float(row["bp_late_penalty"]))
        )
        assert row["total"] == row["bp_total"]


def test_grades_csv_is_nbgraders_total_of_what_is_graded_so_far_out_of_items_and_derivations(
    serial,
):
    out, _ = serial
    with open(out / "grades.csv", newline="", encoding="utf-8") as file:
        rows = {
            row["student_id"]: row
            for row in csv.DictReader(file)
            if row["assignment"] == ASSIGNMENT
        }
    for student in CLASS:
        recorded = scores(out, student.id)
        # nbgrader's maximum: the derivations included
        assert float(rows[student.id]["max_score"]) == COURSE.assignment(ASSIGNMENT).total_points
        # a derivation not graded yet: 0
        row = rows[student.id]
        assert float(row["raw_score"]) == pytest.approx(sum(recorded.values()) if recorded else 0.0)
        # a late submission's penalty (tests/test_late_penalty.py checks its size) comes off
        assert float(row["score"]) == pytest.approx(
            float(row["raw_score"]) - float(row["late_submission_penalty"] or 0)
        )


def test_the_tampering_kernel_is_caught_by_the_cross_check(serial):
    out, stdout = serial
    tamperer = BY_PROFILE[simulated.TAMPER_ATTRIBUTE].id
    # what the kernel reported: the tamperer's fake score a cell
    assert scores(out, tamperer) == {item: simulated.TAMPERED_SCORE for item in ITEMS}
    assert cli_report(out, tamperer)["score"] == 0
    assert (
        f"{len(ITEMS)} cells differ from the command line in 1 submissions: {tamperer} bp" in stdout
    )
    report = (out / "class_report.md").read_text(encoding="utf-8")
    assert re.search(
        rf"\| {tamperer} \| bp \| tamper flag \| {len(ITEMS)} cells: kernel {len(ITEMS) * simulated.TAMPERED_SCORE:g} vs out of kernel 0 points; gradebook unchanged",
        report,
    )


def test_the_round_says_what_the_sandbox_confines(serial):
    _, stdout = serial
    assert f"sandbox: {confinement.describe()}" in stdout


def test_enforce_writes_the_out_of_kernel_scores_into_the_gradebook(parallel):
    out, _ = parallel
    tamperer = BY_PROFILE[simulated.TAMPER_ATTRIBUTE].id
    assert scores(out, tamperer) == {item: 0.0 for item in ITEMS}
    with gradebook_of(out) as book:
        assert book.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, tamperer).flagged
    assert "the command line's scores written to the gradebook" in (
        out / "class_report.md"
    ).read_text(encoding="utf-8")


def test_parallel_grading_gives_the_serial_results(serial, parallel):
    (serial_out, _), (parallel_out, parallel_stdout) = serial, parallel
    tamperer = BY_PROFILE[simulated.TAMPER_ATTRIBUTE].id
    # before enforcing, only the tamperer's cells differed from the command line in the parallel run
    assert (
        f"19 cells differ from the command line in 1 submissions: {tamperer} bp" in parallel_stdout
    )
    serial_rows = {row["student_id"]: row for row in per_item_csv(serial_out)}
    parallel_rows = {row["student_id"]: row for row in per_item_csv(parallel_out)}
    assert {s: r for s, r in serial_rows.items() if s != tamperer} == {
        s: r for s, r in parallel_rows.items() if s != tamperer
    }
    for student in CLASS:
        if student.id != tamperer:
            assert scores(serial_out, student.id) == scores(parallel_out, student.id)
            assert comments(serial_out, student.id) == comments(parallel_out, student.id)
        if (serial_out / "reports" / ASSIGNMENT / f"{student.id}.json").exists():
            assert cli_report(serial_out, student.id) == cli_report(parallel_out, student.id)


def comments(out, student):
    with gradebook_of(out) as book:
        try:
            return {
                c.name: (c.auto_comment, c.manual_comment)
                for c in book.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).comments
            }
        except MissingEntry:
            return None


def feedback_text(path):
    page = re.sub(r"<(style|script)\b.*?</\1>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def hidden_case_values(student, cases_shown=None):
    """Texts of the numbers that only the student's hidden cases hold: arguments and answers, as the grader prints them.

    ``cases_shown``: {item id: case number}, the cases whose values are taken (default: all).
    """
    values = set()
    for item in COURSE.assignment(ASSIGNMENT).items:
        for case in cases.generate(
            item, cases.item_seed(COURSE.base_seed, COURSE.id, ASSIGNMENT, student, item.id)
        ):
            if cases_shown is not None and cases_shown.get(item.id) != case.number:
                continue
            for value in (*case.arguments(), item.reference(*case.arguments())):
                values |= {
                    text
                    for number in _floats(value)
                    for text in (f"{number:.6g}", f"{number:.3g}", repr(number))
                }
    # four digits at least: three-digit texts meet by chance (the shown case's largest difference, 0.768)
    return {text for text in values if len(text.lstrip("-0.").replace(".", "")) >= 4}


def numbers_in(text):
    return set(re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?", text))


def _floats(value):
    if isinstance(value, (tuple, list)):
        return [number for part in value for number in _floats(part)]
    try:
        return [float(number) for number in np.asarray(value, dtype=float).ravel()]
    except (TypeError, ValueError):
        return []


def test_the_feedback_shows_scores_and_hints_but_no_hidden_test_or_hidden_case(serial):
    out, _ = serial
    released = (out / "course" / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text(
        encoding="utf-8"
    )
    hidden_lines = {
        "from autograder.nbgrader_cell import hidden_score",
        "### BEGIN HIDDEN TESTS",
        'hidden_score("sigmoid")',
    }
    graded = [s for s in CLASS if scores(out, s.id) is not None]
    for student in graded:
        text = feedback_text(
            out / "course" / "feedback" / student.id / ASSIGNMENT / f"{ASSIGNMENT}.html"
        )
        assert not [line for line in hidden_lines if line in text], student
        # course.yaml's feedback: case shows each failed item's first failing case, and no other
        shown = {
            item["id"]: int(re.search(r"Your case (\d+)", item["student_feedback"]).group(1))
            for item in cli_report(out, student.id)["items"]
            if "Your case" in item["student_feedback"]
        }
        others = hidden_case_values(student.id) - hidden_case_values(student.id, shown)
        leaked = sorted((others & numbers_in(text)) - numbers_in(released))
        assert not leaked, (student, leaked[:5])
        if student.profile not in simulated.TAMPERING:
            assert re.search(r"sigmoid: \d\.\d\d/1 \w+", text) and "hidden cases passed" in text, (
                student
            )
    mistaken = feedback_text(
        out
        / "course"
        / "feedback"
        / BY_PROFILE[simulated.MISTAKE].id
        / ASSIGNMENT
        / f"{ASSIGNMENT}.html"
    )
    assert "提示 / Hint:" in mistaken and "Case 1 failed: " in mistaken
    assert "Your case 1 (group general):" in mistaken and "期望 / expected:" in mistaken


def test_the_class_report_lists_who_needs_a_look_and_has_its_plots(serial):
    out, _ = serial
    report = (out / "class_report.md").read_text(encoding="utf-8")
    crash, hang = BY_PROFILE[simulated.CRASH].id, BY_PROFILE[simulated.HANG].id
    assert re.search(rf"\| {crash} \| bp \| crash \| [^|]*{simulated.CRASHING[ASSIGNMENT]}", report)
    assert re.search(rf"\| {hang} \| bp \| timeout \| [^|]*{simulated.HANGING[ASSIGNMENT]}", report)
    [(item, variant)] = BY_PROFILE[simulated.MISTAKE].mistakes[ASSIGNMENT]
    name = next(m.name for m in CATALOG[item] if m.id == variant)
    assert f"| 1 | {item} | {name} | " in report
    mistaken = BY_PROFILE[simulated.MISTAKE].id
    assert (
        "## 一处错误的代价 The cost of one mistake" in report
        and f"| bp | {mistaken} | {item} | {COURSE_POINTS[item]:g} | 0 |" in report
    )
    page = (out / "class_report.html").read_text(encoding="utf-8")
    assert "<table>" in page and 'src="plots/misconceptions.png"' in page
    for plot in ("bp_items.png", "bp_totals.png", "misconceptions.png"):
        content = (out / "plots" / plot).read_bytes()
        assert content.startswith(b"\x89PNG") and len(content) > 5000, plot


def test_the_round_prints_progress_the_table_and_the_timings(serial):
    out, stdout = serial
    graded = len([s for s in CLASS if scores(out, s.id) is not None])
    assert "[4/8] autograde" in stdout and f"autograde bp: {graded}/{graded}" in stdout
    counts = [int(done) for done in re.findall(rf"autograde bp: (\d+)/{graded}\b", stdout)]
    assert counts == sorted(counts) and counts[-1] == graded
    # reads the reports autograde saved: no second grading, no progress to show
    assert "[5/8] cross-check" in stdout
    assert re.search(r"bp +delta_theta +2 +\d\.\d\d +\d+% +\d+% +\d+%  5\.12", stdout)
    assert re.search(r"^total +\d+\.\d$", stdout, flags=re.M)
    assert (
        "points lost outside the mistaken item, 1 submissions with one catalogued mistake: mean 0.00, largest 0.00"
        in stdout
    )


def test_a_folder_that_is_not_a_rounds_output_is_never_emptied(tmp_path):
    (tmp_path / "thesis.tex").write_text("years of work")
    result = subprocess.run(
        [sys.executable, "-m", "simulated_class", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert "is not empty and not a grading round's output folder" in result.stderr
    assert (tmp_path / "thesis.tex").read_text() == "years of work" and len(
        list(tmp_path.iterdir())
    ) == 1


@pytest.mark.skipif(
    os.geteuid() != 0, reason="the worker changes user only when the grader runs as root"
)
def test_a_round_where_no_worker_can_start_stops_and_says_why(tmp_path):
    # the worker's user cannot enter a temporary folder that only root may enter: every grading would fail alike
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    environment = {**os.environ, "TMPDIR": str(closed)}
    result = subprocess.run(
        round_command(tmp_path / "round"), capture_output=True, text=True, cwd=ROOT, env=environment
    )
    assert result.returncode == 2
    assert (
        "grading round stopped: no submission can be graded here: the worker process cannot start"
        in result.stderr
    )
    # the first folder on the way that the worker's user cannot enter, and the fix
    named = re.search(
        r"cannot enter (\S+) \(mode 0\d{3}\), on the way to the temporary folder", result.stderr
    )
    assert named and Path(named[1]) in (closed, *closed.parents), result.stderr
    assert "point TMPDIR at a folder it can enter" in result.stderr
    assert "[4/8] autograde" not in result.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--jobs", "0"], "--jobs must be at least 1"),
        (["--assignments", "svm"], "no assignment 'svm' in course.yaml"),
        (["--db", "gradebook.db"], "--db: 'gradebook.db' is not a database URL"),
    ],
)
def test_bad_options_are_refused_with_a_reason(tmp_path, options, message):
    result = subprocess.run(
        [sys.executable, "-m", "simulated_class", "--out", str(tmp_path), *options],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2 and message in result.stderr and not list(tmp_path.iterdir())


def test_a_bar_inside_a_report_cell_stays_in_its_cell():
    import mistune

    from autograder.rounds.class_report import _row

    table = "\n".join(
        [
            _row("item", "equation"),
            _row("---", "---"),
            _row("distance_to_hyperplane", "|wᵀx₀ + b| / ‖w‖"),
        ]
    )
    html_table = mistune.create_markdown(plugins=["table"])(table)
    assert html_table.count("<td>") == 2 and "<td>|wᵀx₀ + b| / ‖w‖</td>" in html_table
