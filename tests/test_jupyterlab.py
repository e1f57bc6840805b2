"""The student's side in real JupyterLab, driven by headless Chromium: a finished notebook runs
top to bottom with every self-check passing, every equation typeset, and nbgrader's Validate
content; an unfinished one says "not implemented" for each function, and Validate lists them;
one with a catalogued mistake fails its public case and Validate shows the hint whole.
Screenshots go to var/test-output/jupyterlab/."""

import json

import nbformat
import pytest
from lab_server import chromium, dialog_outcome, jupyterlab, needs_chromium, new_page
from notebooks import ASSIGNMENTS, ROOT, copy_assignment, paste_solutions

from autograder.grading.course import load_course
from simulated_class.mistakes import MISTAKES, in_notebook

SCREENSHOTS = ROOT / "var" / "test-output" / "jupyterlab"
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on show
# perceptron: the hyperplane's geometry, the logic gates; bp: Fig. 5.7, E_k's dependencies, exercise 5.5
FIGURES = {"perceptron": 2, "bp": 3}

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on localhost serving a fresh folder; yields (base URL, token, folder)."""
    home = tmp_path_factory.mktemp("lab")
    folder = home / "work"
    folder.mkdir()
    with jupyterlab(home, folder) as (base, token):
        yield base, token, folder


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def run_all_cells(browser, lab, relative_path):
    """Open a notebook in JupyterLab, run all its cells, and return the page once the kernel is done."""
    base, token, _ = lab
    page = new_page(browser, viewport={"width": 1400, "height": 1000})
    # A workspace of its own, so that JupyterLab does not reopen the notebooks of earlier tests.
    workspace = relative_path.replace("/", "-").replace(".", "-")
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{relative_path}?token={token}&reset")
    page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=60_000)
    page.wait_for_selector(".jp-StatusBar-Item :text('Idle')", timeout=60_000)  # the kernel is up
    page.click("div.lm-MenuBar-itemLabel:text-is('Run')")
    page.click("li.lm-Menu-item:has-text('Run All Cells')")
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('%s .jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p));
        }""".replace("%s", NOTEBOOK),
        polling=500,  # an interval, not animation frames, which a background page may not get
        timeout=240_000,
    )
    return page


def outputs(page):
    return "\n".join(page.locator(f"{NOTEBOOK} .jp-OutputArea-output").all_inner_texts())


def validate(page):
    """Press nbgrader's Validate button and return the text of the dialog it opens."""
    page.locator(f"{NOTEBOOK} .jp-Toolbar").get_by_text("Validate", exact=True).click()
    return dialog_outcome(page)


def shown_whole(page, text):
    """Whether text stands in the open dialog's output where it can be read without scrolling."""
    return page.evaluate(
        """(needle) => {
            for (const pre of document.querySelectorAll('.jp-Dialog pre')) {
                const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
                while (walker.nextNode()) {
                    const at = walker.currentNode.textContent.indexOf(needle);
                    if (at < 0) continue;
                    const range = document.createRange();
                    range.setStart(walker.currentNode, at);
                    range.setEnd(walker.currentNode, at + needle.length);
                    const box = range.getBoundingClientRect();
                    // seen where every box around it, up to the dialog, holds it: none cuts it off or scrolls it away
                    for (let frame = pre; frame && !frame.classList.contains('jp-Dialog'); frame = frame.parentElement) {
                        const edge = frame.getBoundingClientRect();
                        if (box.left < edge.left - 1 || box.right > edge.right + 1 || box.top < edge.top - 1 || box.bottom > edge.bottom + 1) {
                            return false;
                        }
                    }
                    return true;
                }
            }
            return false;
        }""",
        text,
    )


def screenshot_at(page, text, name):
    """Scroll the output holding text into view and save a screenshot of the window."""
    page.locator(
        f"{NOTEBOOK} .jp-OutputArea-output", has_text=text
    ).first.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_finished_notebook_runs_in_jupyterlab_with_every_self_check_passing(
    browser, lab, assignment
):
    _, _, folder = lab
    notebook = copy_assignment("assignments", assignment, folder / f"{assignment}-finished")
    paste_solutions(notebook, assignment)
    page = run_all_cells(browser, lab, f"{assignment}-finished/{notebook.name}")
    text = outputs(page)
    for item in load_course().assignment(assignment).items:
        assert f"✓ {item.function}: 通过 passed" in text, item.function
    assert "Traceback" not in text and "Error" not in text
    images = page.locator(f"{NOTEBOOK} .jp-RenderedImage img")
    assert images.count() == FIGURES[assignment], "the figures and the capstones' plots are shown"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # bp: the network of Fig. 5.7
    images.first.screenshot(path=SCREENSHOTS / f"{assignment}-first-figure.png")
    assert page.locator(f"{NOTEBOOK} .jp-RenderedMarkdown mjx-container").count() > 20, (
        "MathJax typeset the equations"
    )
    markdown = "\n".join(page.locator(f"{NOTEBOOK} .jp-RenderedMarkdown").all_inner_texts())
    assert "$$" not in markdown and "\\frac" not in markdown and "\\boldsymbol" not in markdown
    last = load_course().assignment(assignment).items[-1].function
    screenshot_at(page, f"✓ {last}", f"{assignment}-finished.png")
    assert "Success! Your notebook passes all the tests." in validate(page)
    page.close()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_an_unfinished_notebook_says_not_implemented_for_each_function_in_jupyterlab(
    browser, lab, assignment
):
    _, _, folder = lab
    notebook = copy_assignment("assignments", assignment, folder / f"{assignment}-unfinished")
    page = run_all_cells(browser, lab, f"{assignment}-unfinished/{notebook.name}")
    text = outputs(page)
    for item in load_course().assignment(assignment).items:
        assert f"… {item.function}: 尚未完成 / not implemented yet" in text, item.function
    assert "which is not implemented yet" in text, "the capstone says what is missing"
    assert "Traceback" not in text
    screenshot_at(page, "尚未完成", f"{assignment}-unfinished.png")
    report = validate(page)
    for item in load_course().assignment(assignment).items:
        assert f"AssertionError: {item.function}: 尚未完成 / not implemented yet" in report, (
            item.function
        )
    page.screenshot(path=SCREENSHOTS / f"{assignment}-unfinished-validate.png")
    page.close()


def test_a_notebook_with_one_catalogued_mistake_shows_its_whole_hint_in_validate(browser, lab):
    # pm_one_form, the {−1,+1} rule with 0/1 labels: a public case with y = 0 tells it apart
    _, _, folder = lab
    notebook_file = copy_assignment("assignments", "perceptron", folder / "perceptron-mistake")
    paste_solutions(notebook_file, "perceptron")
    notebook = nbformat.read(notebook_file, as_version=4)
    cell = next(
        c
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "perceptron_delta_code"
    )
    cell.source = in_notebook(MISTAKES[("perceptron_delta", "pm_one_form")])
    nbformat.write(notebook, notebook_file)
    hint = json.loads((notebook_file.parent / "public_cases.json").read_text(encoding="utf-8"))[
        "functions"
    ]["perceptron_delta"]["hint"]
    page = run_all_cells(browser, lab, f"perceptron-mistake/{notebook_file.name}")
    assert "✗ perceptron_delta: case 3:" in outputs(page)
    report = validate(page)
    chinese, english = hint.split(" / ", 1)
    assert f"AssertionError: 提示 {chinese}\nHint: {english}\nperceptron_delta: case 3: " in report
    page.screenshot(path=SCREENSHOTS / "perceptron-mistake-validate.png")
    for line in (f"提示 {chinese}", f"Hint: {english}"):
        assert shown_whole(page, line), line
    page.close()
