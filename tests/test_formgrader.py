"""The instructor's side in real JupyterLab, driven by headless Chromium: nbgrader's formgrader,
opened from JupyterLab's Nbgrader menu, generates bp and releases it to the exchange; it
autogrades two submissions from its Manage Submissions page; the submission view shows a
catalogued mistake costing its own cell only; the notebook's list flags a notebook that tampered
with the grading kernel, at its out-of-kernel score; the derivation cells (Markdown answers) await
a person's grade, and a score typed into one is saved in the gradebook and exported; the answers to
exercise 5.5's questions are graded beside the output of the capstones autograde ran on the student's
functions. Screenshots go to var/test-output/formgrader/ (the guide's docs/images/formgrader_exercise_5_5.png is a copy of
the one of exercise 5.5: a test leaves the checkout as it found it).

The course is a copy of the repository's files in a temporary folder, never the repository:
formgrader writes the release, the gradebook and the autograded notebooks into its course."""

import csv
import re
import subprocess
import sys
import time

import pytest
from lab_server import chromium, jupyterlab, needs_chromium, new_page
from nbgrader.api import Gradebook
from notebooks import ROOT, copy_of_the_repository, with_capstones
from playwright.sync_api import expect

from autograder.grading.course import load_course
from autograder.integration.nbgrader_course import CourseFolder, nbgrader_environment
from simulated_class.students import (
    MISTAKE,
    NBGRADER,
    TAMPER_ATTRIBUTE,
    TAMPER_CELLS,
    Student,
    notebook_of,
    solution_sources,
)

SCREENSHOTS = ROOT / "var" / "test-output" / "formgrader"
ASSIGNMENT = "bp"
MISTAKEN = Student(
    "s01", "Wei", "Wang", MISTAKE, NBGRADER, {ASSIGNMENT: (("delta_theta", "wrong_sign"),)}
)
TAMPERER = Student("s02", "Fang", "Li", TAMPER_ATTRIBUTE, NBGRADER)
STUDENTS = (MISTAKEN, TAMPERER)
# one graded cell each
POINTS = {item.id: item.points for item in load_course().assignment(ASSIGNMENT).items}
# Markdown answers
DERIVATIONS = {
    derivation.id: derivation.points
    for derivation in load_course().assignment(ASSIGNMENT).derivations
}
# formgrader's maximum: the items' and the derivations' points
TOTAL = load_course().assignment(ASSIGNMENT).total_points
MANUAL_SCORE = 1.5  # what the grader gives derive_delta_theta, out of 2
LONG = 240_000  # ms: how long an nbgrader command run by formgrader may take (a notebook's grading, at most)

pytestmark = needs_chromium


def name_of(student):
    """As formgrader shows a student: "Last, First"."""
    return f"{student.last_name}, {student.first_name}"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder with the students on its roster, and the exchange it releases to: (home, course, exchange)."""
    home = tmp_path_factory.mktemp("formgrader")
    course, exchange = home / "course", home / "exchange"
    copy_of_the_repository(course)
    exchange.mkdir()
    # nbgrader reads the configuration folder's nbgrader_config.py, then the course's own
    (home / "config").mkdir()
    (home / "config" / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n", encoding="utf-8"
    )
    roster = home / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "first_name", "last_name"])
        writer.writerows(
            [student.id, student.first_name, student.last_name] for student in STUDENTS
        )
    # from the course folder, so that its nbgrader_config.py applies
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", "db", "student", "import", str(roster)],
        cwd=course,
        env=with_capstones(nbgrader_environment()),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return home, course, exchange


@pytest.fixture(scope="module")
def lab(course):
    """JupyterLab serving the course folder and started in it, so that formgrader grades that course."""
    home, folder, _ = course
    with jupyterlab(
        home, folder, cwd=folder, environment=with_capstones(nbgrader_environment())
    ) as (base, token):
        yield base, token


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def formgrader(browser, lab):
    """JupyterLab's page with formgrader opened from its Nbgrader menu; yields (page, formgrader's frame)."""
    base, token = lab
    page = new_page(browser, viewport={"width": 1600, "height": 1000})
    page.goto(f"{base}/lab/workspaces/formgrader?token={token}&reset")
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
    page.get_by_role("menuitem", name="Formgrader", exact=True).click()
    # the file browser's sidebar closed: room for formgrader's tables
    page.keyboard.press("Control+b")
    frame = (
        page.locator("iframe[src$='/formgrader']").element_handle(timeout=60_000).content_frame()
    )
    expect(frame.get_by_role("heading", name="Manage Assignments")).to_be_visible(timeout=60_000)
    yield page, frame
    page.close()


def cell(frame, row_text, column):
    """The cell, in the column headed column, of the row of formgrader's table that holds row_text."""
    row = frame.locator("tbody tr").filter(has=frame.get_by_text(row_text, exact=True))
    expect(row).to_have_count(1, timeout=LONG)  # the table is loaded (an action's row is back)
    headers = [header.strip() for header in frame.locator("thead th").all_inner_texts()]
    return row.locator("td").nth(headers.index(column))


def follow(frame, link):
    """Click a link of formgrader's frame and wait for the page it leads to."""
    with frame.expect_navigation():
        link.click()


def press(frame, row_text, column, success):
    """Press the button of a row in a column; wait for the dialog that says success, and close it."""
    cell(frame, row_text, column).get_by_role("link").click()
    dialog = frame.get_by_role("dialog")
    expect(dialog).to_contain_text(re.compile("Success|Error"), timeout=LONG)
    expect(dialog).to_contain_text(success)
    dialog.get_by_role("button", name="OK").click()
    # faded out and removed, not only hidden
    expect(frame.locator(".modal, .modal-backdrop")).to_have_count(0)


def screenshot(page, name, centre=None, folder=SCREENSHOTS):
    """Save a screenshot of JupyterLab's window, with the element centre in the middle of formgrader's frame."""
    if centre is not None:
        centre.evaluate("element => element.scrollIntoView({block: 'center'})")
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / name)


@pytest.fixture(scope="module")
def released(formgrader):
    """bp generated and released with formgrader's buttons on its Manage Assignments page."""
    page, frame = formgrader
    press(
        frame, ASSIGNMENT, "Generate", f"Successfully created the student version of '{ASSIGNMENT}'"
    )
    press(frame, ASSIGNMENT, "Release", f"Successfully released '{ASSIGNMENT}'.")
    expect(cell(frame, ASSIGNMENT, "Status")).to_have_text("released")
    screenshot(page, "manage-assignments-released.png")
    return page, frame


@pytest.fixture(scope="module")
def autograded(released, course):
    """The two students' submissions of bp, as nbgrader's collect leaves them, each autograded with its
    button on formgrader's Manage Submissions page."""
    page, frame = released
    _, folder, _ = course
    notebook = folder / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    solutions = solution_sources(folder / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    for student in STUDENTS:
        content = notebook_of(student, ASSIGNMENT, notebook, solutions)
        CourseFolder(folder).write_submission(
            student.id, ASSIGNMENT, content, student.submitted_at(ASSIGNMENT)
        )
    # counts the submissions anew
    follow(frame, frame.get_by_role("link", name="Manage Assignments"))
    follow(
        frame, cell(frame, ASSIGNMENT, "# Submissions").get_by_role("link", name=str(len(STUDENTS)))
    )
    for student in STUDENTS:
        press(
            frame,
            student.id,
            "Autograde",
            f"Successfully autograded '{ASSIGNMENT}' for student '{student.id}'.",
        )
    screenshot(page, "manage-submissions-autograded.png")
    return page, frame


def open_notebook_list(frame):
    """Manual Grading's list of the submitted notebooks of bp, with the students' names shown."""
    follow(frame, frame.get_by_role("link", name="Manual Grading").first)
    # the assignment
    follow(frame, frame.locator("tbody").get_by_role("link", name=ASSIGNMENT, exact=True))
    # its notebook
    follow(frame, frame.locator("tbody").get_by_role("link", name=ASSIGNMENT, exact=True))
    expect(
        frame.locator("tbody").get_by_role("link", name=re.compile(r"^Submission #"))
    ).to_have_count(len(STUDENTS))
    frame.get_by_role("button", name="Show All Names").click()
    expect(frame.get_by_role("button", name="Hide All Names")).to_be_visible()


def open_submission(frame, student, scored=None):
    """The student's notebook in formgrader's submission view, once the autograder's scores (of scored cells) are in."""
    open_notebook_list(frame)
    follow(frame, frame.get_by_role("link", name=name_of(student)))
    scored = len(POINTS) if scored is None else scored  # by default every graded cell
    expect(frame.locator("input.score[placeholder]")).to_have_count(scored, timeout=60_000)


def graded_cell(frame, grade_id):
    """The panel of a graded cell on formgrader's submission view, found by the id in its heading."""
    label = frame.locator(".nbgrader-label").filter(has_text=re.compile(f"^{re.escape(grade_id)}$"))
    return frame.locator(".nbgrader_cell").filter(has=label)


def answer_cell(frame, grade_id):
    """The panel of a derivation's answer cell ("Student's answer") on formgrader's submission view, by its score box's id."""
    return frame.locator(".nbgrader_cell").filter(
        has=frame.locator(f"input.score[id='{grade_id}']")
    )


def expect_score(panel, score, points):
    """formgrader shows a graded cell's autograded score as its score box's placeholder, beside "/ points"."""
    expect(panel.locator("input.score")).to_have_attribute("placeholder", f"{score:g}")
    expect(panel.locator(".panel-heading")).to_contain_text(f"/ {float(points)}")


def test_formgrader_generates_bp_and_releases_it_to_the_exchange(released, course):
    _, frame = released
    _, folder, exchange = course
    expect(cell(frame, ASSIGNMENT, "Status")).to_have_text("released")
    outbound = exchange / load_course().id / "outbound" / ASSIGNMENT
    assert sorted(path.name for path in outbound.iterdir()) == sorted(
        path.name for path in (folder / "assignments" / ASSIGNMENT).iterdir()
    )
    assert "BEGIN SOLUTION" not in (outbound / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8")


def test_each_submission_is_autograded_from_the_manage_submissions_page(autograded):
    _, frame = autograded
    # autograded both; the mistaken student's answered derivations now await a person, the tamperer's are blank
    for student, status in ((MISTAKEN, "needs manual grading"), (TAMPERER, "graded")):
        expect(cell(frame, student.id, "Status")).to_have_text(status)
        expect(cell(frame, student.id, "Student Name")).to_have_text(name_of(student))


def test_the_submission_view_shows_a_catalogued_mistake_costing_its_own_cell_only(autograded):
    # the kit grades each equation on its own: delta_w keeps its points, and so does bp_step, which calls delta_theta
    page, frame = autograded
    open_notebook_list(frame)
    # the derivations, not graded yet, count 0 of the total
    expect(cell(frame, name_of(MISTAKEN), "Overall Score")).to_have_text(
        f"{sum(POINTS.values()) - POINTS['delta_theta']:g} / {TOTAL:g}"
    )
    open_submission(frame, MISTAKEN)
    screenshot(page, "submission-mistake-delta_w.png", centre=graded_cell(frame, "delta_w"))
    screenshot(page, "submission-mistake-delta_theta.png", centre=graded_cell(frame, "delta_theta"))
    expect_score(graded_cell(frame, "delta_theta"), 0, POINTS["delta_theta"])
    for item in ("delta_w", "bp_step"):
        expect_score(graded_cell(frame, item), POINTS[item], POINTS[item])


def test_a_notebook_that_tampers_with_the_grading_kernel_is_flagged_at_its_out_of_kernel_score(
    autograded,
):
    # the tampering cell makes the kernel report full marks; the score of record is the grader's, out of the kernel
    page, frame = autograded
    open_notebook_list(frame)
    screenshot(page, "notebook-submissions-flagged.png")
    expect(cell(frame, name_of(MISTAKEN), "Flagged?").locator(".glyphicon-flag")).to_have_count(0)
    expect(cell(frame, name_of(TAMPERER), "Flagged?").locator(".glyphicon-flag")).to_have_count(1)
    expect(cell(frame, name_of(TAMPERER), "Overall Score")).to_have_text(f"0 / {TOTAL:g}")
    # its derivation cells as released: nbgrader's 0
    open_submission(frame, TAMPERER, scored=len(POINTS) + len(DERIVATIONS))
    tampering = frame.locator(
        ".input_area", has_text=TAMPER_CELLS[TAMPER_ATTRIBUTE].splitlines()[-1]
    )
    screenshot(page, "submission-tamperer.png", centre=tampering)
    expect(frame.locator("input.score[placeholder='0']")).to_have_count(
        len(POINTS) + len(DERIVATIONS)
    )


def manual_grades(folder, student):
    """{derivation: (manual_score, needs_manual_grade)} of the student's bp in the course's sqlite gradebook."""
    with Gradebook(f"sqlite:///{folder / 'var' / 'gradebook.db'}") as book:
        grades = book.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).grades
        return {
            grade.name: (grade.manual_score, grade.needs_manual_grade)
            for grade in grades
            if grade.name in DERIVATIONS
        }


def test_the_derivation_cells_await_a_persons_grade_which_is_saved_in_the_gradebook_and_exported(
    autograded, course
):
    page, frame = autograded
    _, folder, _ = course
    # the answered derivations make the notebook need a manual grade; the blank ones do not
    open_notebook_list(frame)
    expect(
        cell(frame, name_of(MISTAKEN), "Needs Manual Grade?").locator(".glyphicon-ok")
    ).to_have_count(1)
    expect(
        cell(frame, name_of(TAMPERER), "Needs Manual Grade?").locator(".glyphicon-ok")
    ).to_have_count(0)
    expect(cell(frame, name_of(MISTAKEN), "Written Score")).to_have_text(
        f"0 / {sum(DERIVATIONS.values())}"
    )
    open_submission(frame, MISTAKEN)
    # the student's answer, its points, a box for the grader's score
    for (
        grade_id,
        points,
    ) in DERIVATIONS.items():
        panel = answer_cell(frame, grade_id)
        expect(panel.locator(".nbgrader-label")).to_have_text("Student's answer")
        expect(panel.locator(".panel-heading")).to_contain_text(f"/ {float(points)}")
        expect(panel.locator(".text_cell_render")).to_contain_text(
            "By the chain rule, step by step"
        )
        expect(panel.locator("input.score")).to_have_class(re.compile(r"\bneeds_manual_grade\b"))
        expect(panel.locator("input.score")).to_have_value("")
    assert manual_grades(folder, MISTAKEN.id) == dict.fromkeys(DERIVATIONS, (None, True))

    score = answer_cell(frame, "derive_delta_theta").locator("input.score")
    score.fill(str(MANUAL_SCORE))
    score.press("Tab")  # formgrader saves a score when its box loses focus
    deadline = time.monotonic() + 30
    while (
        manual_grades(folder, MISTAKEN.id)["derive_delta_theta"] != (MANUAL_SCORE, False)
        and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    assert manual_grades(folder, MISTAKEN.id) == {
        **dict.fromkeys(DERIVATIONS, (None, True)),
        "derive_delta_theta": (MANUAL_SCORE, False),
    }
    expect(score).not_to_have_class(re.compile(r"\bneeds_manual_grade\b"))
    screenshot(
        page,
        "submission-derivation-manual-grade.png",
        centre=answer_cell(frame, "derive_delta_theta"),
    )

    exported = folder / "grades_per_item.csv"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgrader",
            "export",
            "--exporter",
            "autograder.exports.per_item.PerItemCsvExporter",
            f"--to={exported}",
        ],
        cwd=folder,
        env=with_capstones(nbgrader_environment()),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with exported.open(newline="", encoding="utf-8") as file:
        row = next(row for row in csv.DictReader(file) if row["student_id"] == MISTAKEN.id)
    graded = "derive_delta_theta"  # the one a person graded, MANUAL_SCORE
    assert {grade_id: row[grade_id] for grade_id in DERIVATIONS} == {
        **dict.fromkeys(DERIVATIONS, ""),
        graded: f"{MANUAL_SCORE:g}",
    }
    assert (row["bp_awaiting_manual"], float(row["bp_total"])) == (
        str(len(DERIVATIONS) - 1),
        float(row["bp_items_total"]) + MANUAL_SCORE,
    )


def test_the_answers_to_exercise_5_5_are_graded_beside_the_students_own_run(autograded):
    # autograde ran the two capstones on the student's functions (their delta_theta is wrong, and
    # the run says so above its numbers): the grader reads the answers beside that run's table and plot
    page, frame = autograded
    open_submission(frame, MISTAKEN)
    answer = answer_cell(frame, "exercise_5_5_questions")
    expect(answer.locator(".panel-heading")).to_contain_text(
        f"/ {float(DERIVATIONS['exercise_5_5_questions'])}"
    )
    outputs = frame.locator(".output_area")
    expect(outputs.filter(has_text="初始隐层输出 b_h / initial hidden outputs b_h")).to_have_count(
        1
    )
    expect(outputs.filter(has_text=re.compile(r"standard BP\s+5000\s+\d\.\d{4}"))).to_have_count(1)
    expect(outputs.filter(has_text="下面的结果用到了你的")).to_have_count(2)
    plot = frame.locator(".output_area img")
    expect(plot.last).to_be_visible()
    # tall enough for both capstones' outputs, the questions and the answer at once, the answer at the bottom
    page.set_viewport_size({"width": 1600, "height": 2400})
    try:
        answer.evaluate("element => element.scrollIntoView({block: 'end'})")
        screenshot(page, "formgrader_exercise_5_5.png")
    finally:
        page.set_viewport_size({"width": 1600, "height": 1000})
