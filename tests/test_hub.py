"""The course on its JupyterHub, as its people use it in Chromium: two students fetch, fill, validate
and submit, one complete and one with a catalogued mistake, and fetch their feedback; the
instructor sees both in formgrader; a student who looks for another's work, the gradebook, the
kit or the hub's secrets from their own server finds nothing to read."""

import json
import os
import re
import time
from pathlib import Path

import nbformat
import pytest
from hub_server import INSTRUCTOR, needs_hub, running_hub
from lab_server import chromium, dialog_outcome, needs_chromium, new_page

from autograder import ROOT
from autograder.grading.course import load_course
from autograder.grading.grader import grade
from simulated_class.mistakes import MISTAKES
from simulated_class.students import (
    NBGRADER,
    OWN_WORK,
    Student,
    notebook_of,
    solution_sources,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser, needs_hub, needs_chromium]

ASSIGNMENT = "perceptron"
COURSE = load_course()
SCREENSHOTS = ROOT / "var" / "test-output" / "hub"
# nbgrader's Assignment List, and how long the hub may take to show a submission's feedback
FEEDBACK_SECONDS = 60
NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
MISTAKE = next(
    mistake
    for mistake in MISTAKES
    if mistake[0] in {item.id for item in COURSE.assignment(ASSIGNMENT).items}
)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    with running_hub(tmp_path_factory.mktemp("hub") / "hub.log") as hub:
        yield hub


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def notebooks(hub):
    """{student: the notebook they hand in}: the first's complete, the second's with one catalogued mistake."""
    released = ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    solutions = solution_sources(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    complete, mistaken = hub.students
    return {
        complete: notebook_of(
            Student(complete, "", "", OWN_WORK, NBGRADER), ASSIGNMENT, released, solutions
        ),
        mistaken: notebook_of(
            Student(mistaken, "", "", OWN_WORK, NBGRADER, mistakes={ASSIGNMENT: (MISTAKE,)}),
            ASSIGNMENT,
            released,
            solutions,
        ),
    }


def log_in(browser, hub, name):
    """A page of a browser context of its own, logged in as name, on their JupyterLab."""
    page = new_page(browser, viewport={"width": 1400, "height": 1000})
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", hub.passwords[name])
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{name}/lab**", timeout=240_000)
    page.wait_for_selector(".jp-LabShell", timeout=120_000)
    return page


def api(page, hub, name, path):
    return f"{hub.url}/user/{name}/api/{path}"


def xsrf(page):
    return next(c["value"] for c in page.context.cookies() if c["name"] == "_xsrf")


def put_notebook(page, hub, name, path, content):
    """Save content (a notebook's bytes) at path in the student's home, as JupyterLab saves it."""
    response = page.request.put(
        api(page, hub, name, f"contents/{path}"),
        data=json.dumps({"type": "notebook", "format": "json", "content": json.loads(content)}),
        headers={"X-XSRFToken": xsrf(page), "Content-Type": "application/json"},
    )
    assert response.ok, response.text()


def get_file(page, hub, name, path):
    response = page.request.get(api(page, hub, name, f"contents/{path}?content=1"))
    assert response.ok, response.text()
    return response.json()


def assignment_list(page):
    """Open nbgrader's Assignment List from its menu; the page."""
    page.click("div.lm-MenuBar-itemLabel:text-is('Nbgrader')")
    page.click('li[data-command="nbgrader:open-assignment-list"]')
    page.wait_for_selector("#released_assignments_list, #fetched_assignments_list", timeout=60_000)
    return page


def close_dialog(page):
    """The text of nbgrader's dialog once it says its outcome, and the dialog closed."""
    text = dialog_outcome(page)
    page.locator(".jp-Dialog button").last.click()
    return text


def row_of(page, listing):
    """The assignment's row in one of the Assignment List's lists (released, fetched, submitted)."""
    return page.locator(f"#{listing}_assignments_list > .list_item").filter(
        has=page.locator(".item_name", has_text=re.compile(f"^{ASSIGNMENT}$"))
    )


def fetch_fill_validate_submit(page, hub, name, content):
    """The student's whole round trip up to Submit; the moment the submission stood in the list."""
    assignment_list(page)
    row_of(page, "released").locator(".item_status button").click(timeout=60_000)
    fetched = row_of(page, "fetched")
    fetched.wait_for(timeout=60_000)
    put_notebook(page, hub, name, NOTEBOOK, content)
    fetched.locator("a.assignment-notebooks-link").click()
    notebook_row = page.locator(f"#nbgrader-{COURSE.id}-{ASSIGNMENT}.collapse.in .list_item").last
    notebook_row.locator("button:text('Validate')").click()
    validation = close_dialog(page)
    fetched.locator(".item_status button:text('Submit')").first.click()
    row_of(page, "submitted").wait_for(timeout=60_000)
    return validation, time.monotonic()


def fetched_feedback(page, hub, name, submitted_at):
    """Press Fetch Feedback until the feedback is there, and show it; (its page's HTML, seconds since submitting)."""
    deadline = submitted_at + 10 * FEEDBACK_SECONDS
    folder = f"{ASSIGNMENT}/feedback"
    while time.monotonic() < deadline:
        page.locator("#submitted_assignments_list button:text('Fetch Feedback')").first.click()
        time.sleep(2)
        listing = page.request.get(api(page, hub, name, f"contents/{folder}"))
        if listing.ok and listing.json()["content"]:
            stamp = listing.json()["content"][0]["name"]
            seconds = time.monotonic() - submitted_at
            html = get_file(page, hub, name, f"{folder}/{stamp}/{ASSIGNMENT}.html")["content"]
            page.goto(f"{hub.url}/user/{name}/files/{folder}/{stamp}/{ASSIGNMENT}.html")
            screenshot(page, f"hub-feedback-{name}.png")
            return html, seconds
        time.sleep(3)
    pytest.fail(f"{name}'s feedback did not come within {10 * FEEDBACK_SECONDS} s of submitting")


def scores_on(page_html):
    """{graded cell id: (score, points)} from the feedback page's list of graded cells."""
    return {
        cell: (float(score), float(points))
        for cell, score, points in re.findall(
            r'href="#([\w-]+)">[^<]*</a> \(Score: ([\d.]+) / ([\d.]+)\)', page_html
        )
    }


def expected_scores(content, student, tmp_path):
    """{item: (score, points)} that the kit's grader gives this notebook for this student's first attempt."""
    path = tmp_path / f"{student}.ipynb"
    path.write_bytes(content)
    report = grade([path], student=student, assignment_id=ASSIGNMENT, attempt=1)
    return {item.id: (round(item.score, 2), float(item.max_score)) for item in report.items}


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=False)


@pytest.fixture(scope="module")
def submitted(hub, browser, tmp_path_factory):
    """Both students' round trips: {student: (validation text, feedback page, seconds to feedback, expected)}."""
    handed_in = notebooks(hub)
    pages = {name: log_in(browser, hub, name) for name in handed_in}
    times = {
        name: fetch_fill_validate_submit(pages[name], hub, name, content)
        for name, content in handed_in.items()
    }
    scratch = tmp_path_factory.mktemp("expected")
    outcome = {}
    for name, content in handed_in.items():
        validation, at = times[name]
        page_html, seconds = fetched_feedback(pages[name], hub, name, at)
        outcome[name] = (validation, page_html, seconds, expected_scores(content, name, scratch))
    return outcome, pages


def test_each_student_fetches_feedback_with_the_kits_per_item_scores_within_a_minute(
    submitted, hub
):
    outcome, _ = submitted
    complete, mistaken = hub.students
    points = {item.id: float(item.points) for item in COURSE.assignment(ASSIGNMENT).items}
    # a minute on a machine with a core to spare; on a busier one (the whole suite runs beside
    # this test) as many minutes as runnable processes per core: the grading waits for a core
    allowed = FEEDBACK_SECONDS * max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    for name, (_, page_html, seconds, expected) in outcome.items():
        shown = scores_on(page_html)
        assert {item: shown[item] for item in points} == expected, name
        assert seconds <= allowed, (
            f"{name}'s feedback came {seconds:.0f} s after submitting (allowed {allowed:.0f} s)"
        )
    complete_scores = outcome[complete][3]
    assert complete_scores == {item: (p, p) for item, p in points.items()}
    assert "Success" in outcome[complete][0]
    mistaken_scores = outcome[mistaken][3]
    lost = {item for item, (score, p) in mistaken_scores.items() if score < p}
    assert lost == {MISTAKE[0]}, "the catalogued mistake costs its own item only"


def test_the_instructor_sees_both_submissions_in_formgrader_which_no_student_has(
    submitted, hub, browser
):
    _, pages = submitted
    for name, page in pages.items():
        response = page.request.get(f"{hub.url}/user/{name}/formgrader/manage_assignments")
        assert response.status == 404, f"{name}'s server serves formgrader ({response.status})"
    page = log_in(browser, hub, INSTRUCTOR)
    page.goto(f"{hub.url}/user/{INSTRUCTOR}/formgrader/manage_submissions/{ASSIGNMENT}")
    for name in hub.students:
        page.locator("td", has_text=name).first.wait_for(timeout=60_000)
    screenshot(page, "hub-formgrader.png")


def test_a_student_finds_nothing_of_anothers_nor_the_course_nor_the_hub(submitted, hub, browser):
    outcome, pages = submitted
    looker, other = hub.students
    layout = hub.layout
    targets = {
        "the exchange's inbound": layout.exchange / COURSE.id / "inbound",
        "the exchange's feedback": layout.exchange / COURSE.id / "feedback",
        "the other's submission": layout.course
        / "submitted"
        / other
        / ASSIGNMENT
        / f"{ASSIGNMENT}.ipynb",
        "the other's home": Path(f"/home/{other}"),
        "the gradebook": layout.course / "gradebook.db",
        "the course folder": layout.course,
        "the kit's reference": ROOT / "source_impl",
        "the hub's state": layout.state,
    }
    probe = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        }
    )
    probe.cells.append(
        nbformat.v4.new_code_cell(
            "import json, os\n"
            f"targets = {json.dumps({what: str(path) for what, path in targets.items()})}\n"
            "found = {}\n"
            "for what, path in targets.items():\n"
            "    try:\n"
            "        found[what] = 'listed' if os.path.isdir(path) and os.listdir(path) is not None else len(open(path, 'rb').read())\n"
            "    except OSError as error:\n"
            "        found[what] = type(error).__name__\n"
            "found['hub secrets in the environment'] = sorted(k for k in os.environ if k.startswith('CONFIGPROXY'))\n"
            "print('FOUND', json.dumps(found))"
        )
    )
    page = pages[looker]
    put_notebook(page, hub, looker, "probe.ipynb", nbformat.writes(probe))
    page.goto(f"{hub.url}/user/{looker}/lab/tree/probe.ipynb")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector(".jp-StatusBar-Item :text('Idle')", timeout=120_000)
    page.click("div.lm-MenuBar-itemLabel:text-is('Run')")
    page.click("li.lm-Menu-item:has-text('Run All Cells')")
    output = page.locator(".jp-OutputArea-output", has_text="FOUND")
    output.wait_for(timeout=120_000)
    found = json.loads(output.inner_text().split("FOUND", 1)[1])
    assert found.pop("hub secrets in the environment") == []
    assert all(outcome in ("PermissionError", "FileNotFoundError") for outcome in found.values()), (
        found
    )
    # the exchange itself is there, and the inbound folder refuses its listing rather than hiding
    assert found["the exchange's inbound"] == "PermissionError"
    screenshot(page, "hub-student-probe.png")
