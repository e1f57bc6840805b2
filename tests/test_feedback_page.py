"""The feedback page a student reads, made by the real `nbgrader generate_feedback` with the kit's
configuration: each graded cell named by its item or derivation and equation, an answer no person
has graded yet shown as awaiting a grader (never a 0, in the list, its cell or the header's total),
long lines wrapped, and math drawn as MathML with nothing loaded from the network."""

import re
import subprocess
import sys
from html.parser import HTMLParser

import nbformat
import pytest
from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbgrader.api import Gradebook

from autograder import ROOT
from autograder.grading.course import load_course
from autograder.integration.feedback_page import (
    CACHED_MARKDOWN_LENGTH,
    CACHED_TEX_LENGTH,
    NO_DESCRIPTION,
    KitFeedbackExporter,
    _formula,
    mathml,
)
from autograder.integration.nbgrader_course import CourseFolder, nbgrader_environment

ASSIGNMENT = load_course().assignment("bp")
ITEM, OTHER_ITEM = ASSIGNMENT.items[:2]
GRADED, AWAITING = ASSIGNMENT.derivations[:2]
STUDENT = "s01"
ITEM_SCORE, GRADED_SCORE = ITEM.points / 2, GRADED.points
HINT = "hint: " + "the thresholds are subtracted " * 20  # a line longer than the page
# a PNG of one pixel, as a plot's output holds its image
PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="


def graded_cell(cell, graded, solution=False):
    cell.metadata["nbgrader"] = {
        "grade": True,
        "solution": solution,
        "locked": not solution,
        "grade_id": graded.id,
        "points": graded.points,
        "schema_version": 3,
    }
    return cell


def autograded_notebook():
    return new_notebook(
        cells=[
            new_markdown_cell("## Output layer\n\n$$g_j = \\hat y_j^k (1-\\hat y_j^k)$$"),
            graded_cell(new_code_cell(f"print({HINT!r})"), ITEM),
            graded_cell(new_code_cell("pass"), OTHER_ITEM),
            graded_cell(new_markdown_cell("Since $\\Delta\\theta = -\\eta g$ …"), GRADED, True),
            graded_cell(new_markdown_cell("The chain rule gives $e_h$ …"), AWAITING, True),
            plotted(new_code_cell("plot(losses)")),
        ]
    )


def plotted(cell, alt=None):
    """The code cell with a PNG output, described by alt text or not."""
    metadata = {"image/png": {"alt": alt}} if alt else {}
    output = new_output("display_data", data={"image/png": PIXEL}, metadata=metadata)
    cell.outputs = [output]
    return cell


@pytest.fixture(scope="module")
def course(tmp_path_factory, new_gradebook):
    """A course folder where `nbgrader generate_feedback` made the feedback page of one submission:
    an item half right, another full, a derivation graded by a person, one awaiting a person."""
    course = CourseFolder(tmp_path_factory.mktemp("feedback"))
    notebook = course.root / "autograded" / STUDENT / ASSIGNMENT.id / f"{ASSIGNMENT.id}.ipynb"
    notebook.parent.mkdir(parents=True)
    nbformat.write(autograded_notebook(), notebook)
    new_gradebook(course.gradebook)
    with Gradebook(course.db_url) as book:
        book.add_assignment(ASSIGNMENT.id)
        book.add_notebook(ASSIGNMENT.id, ASSIGNMENT.id)
        for graded, kind in (
            (ITEM, "code"),
            (OTHER_ITEM, "code"),
            (GRADED, "markdown"),
            (AWAITING, "markdown"),
        ):
            book.add_grade_cell(
                graded.id, ASSIGNMENT.id, ASSIGNMENT.id, max_score=graded.points, cell_type=kind
            )
        for graded in (GRADED, AWAITING):
            book.add_solution_cell(graded.id, ASSIGNMENT.id, ASSIGNMENT.id)
        book.add_student(STUDENT)
        book.add_submission(ASSIGNMENT.id, STUDENT)
        scores = {
            ITEM.id: (ITEM_SCORE, None, False),
            OTHER_ITEM.id: (OTHER_ITEM.points, None, False),
            GRADED.id: (None, GRADED_SCORE, False),
            AWAITING.id: (None, None, True),
        }
        for cell, (auto, manual, needs) in scores.items():
            grade = book.find_grade(cell, ASSIGNMENT.id, ASSIGNMENT.id, STUDENT)
            grade.auto_score, grade.manual_score, grade.needs_manual_grade = auto, manual, needs
        book.db.commit()
    course.run("generate_feedback", ASSIGNMENT.id, log="generate_feedback")
    return course


@pytest.fixture(scope="module")
def page(course):
    return page_of(course)


def page_of(course):
    return (course.root / "feedback" / STUDENT / ASSIGNMENT.id / f"{ASSIGNMENT.id}.html").read_text(
        encoding="utf-8"
    )


# formgrader's "Generate Feedback" button: nbgrader's API, which sets HTMLExporter's template to
# nbgrader's own feedback page
BY_FORMGRADER = """
import sys
from nbgrader.apps import NbGraderAPI
from nbgrader.apps.baseapp import NbGrader

app = NbGrader()
app.load_config_file()
app.config.CourseDirectory.root, app.config.CourseDirectory.db_url = sys.argv[1:3]
result = NbGraderAPI(config=app.config).generate_feedback(sys.argv[3], sys.argv[4], force=True)
sys.exit(0 if result["success"] else result.get("error", "failed"))
"""


def table_of_contents(page):
    return re.search(r'<div id="toc">(.*?)</div>', page, re.DOTALL)[1]


# nbgrader's own add_submission warns so
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")


def test_each_graded_cell_is_named_by_its_item_or_derivation_and_equation(page):
    listed = table_of_contents(page)
    for graded in (ITEM, OTHER_ITEM, GRADED, AWAITING):
        assert f"{graded.id} ({graded.equation})" in listed
        assert f"{graded.id} ({graded.equation})" in page.split('<div id="toc">')[1]
    assert "Test cell" not in page and "Written response" not in page


def test_an_answer_no_person_has_graded_awaits_a_grader_and_is_no_zero(page):
    listed = table_of_contents(page)
    entry = re.search(rf"{AWAITING.id} .*?</li>", listed)[0]
    assert "Awaiting a grader" in entry and "Score" not in entry
    graded_entry = re.search(rf"{GRADED.id} .*?</li>", listed)[0]
    assert f"Score: {GRADED_SCORE:.1f} / {GRADED.points:.1f}" in graded_entry
    heading = re.search(r"<h4>(.*?)</h4>", page, re.DOTALL)[1]
    score = ITEM_SCORE + OTHER_ITEM.points + GRADED_SCORE
    graded_points = ITEM.points + OTHER_ITEM.points + GRADED.points
    assert f"Score: {score:.1f} / {graded_points:.1f} graded so far" in heading
    assert f"{float(AWAITING.points):.1f} more points await a grader" in heading


def test_long_lines_wrap_and_nothing_loads_from_the_network(page):
    assert "white-space: pre-wrap" in page
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"?(https?:)?//", page)
    assert "cdnjs" not in page


def test_formgraders_generate_feedback_button_makes_the_same_page(page, course):
    """nbgrader's API sets HTMLExporter's template to its own; the kit's exporter keeps its page, and
    formgrader's submission view, also an HTMLExporter, keeps nbgrader's (tests/test_formgrader.py)."""
    args = [course.root, course.db_url, ASSIGNMENT.id, STUDENT]
    done = subprocess.run(
        [sys.executable, "-c", BY_FORMGRADER, *map(str, args)],
        cwd=ROOT,
        env=nbgrader_environment(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    again = page_of(course)
    assert "Awaiting a grader" in again and f"{ITEM.id} ({ITEM.equation})" in again
    assert "Test cell" not in again


def test_every_image_on_the_page_has_alt_text_as_nbconverts_pages_do(page):
    images = re.findall(r"<img[^>]*>", page)
    assert len(images) == 1  # the plot's
    assert f'alt="{NO_DESCRIPTION}"' in images[0]


class Elements(HTMLParser):
    """A page as its elements, attributes and words, whatever its serialisation: ``<br>`` or
    ``<br/>``, ``&gt;`` or ``>``, attributes in any order, white space between words."""

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        # BeautifulSoup writes a class as the list of its names
        words = [
            (name, " ".join(value.split()) if name == "class" else value) for name, value in attrs
        ]
        self.found.append((tag, sorted(words)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.found.append(("/", tag))

    def handle_data(self, data):
        self.found.extend(("text", word) for word in data.split())


def test_the_kits_exporter_writes_nbconverts_html_page_element_for_element():
    """KitFeedbackExporter leaves out HTMLExporter's pass over the whole page with BeautifulSoup
    (half of generate_feedback's time): on nbconvert's own template the two give the same elements,
    attributes and text: images described as nbconvert's pass describes them, code highlighted."""
    notebook = new_notebook(
        cells=[
            new_markdown_cell(
                "## Loss\n\n$E_k = \\frac{1}{2}\\sum_j (\\hat y_j - y_j)^2$ <br> a > b"
            ),
            new_code_cell("def loss(y, t):\n    return 0.5 * ((y - t) ** 2).sum()  # Eq. (5.4)"),
            plotted(new_code_cell("plot(losses)")),
            plotted(new_code_cell("plot(accuracy)"), alt="the accuracy per epoch"),
        ],
        metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}},
    )
    kit, _ = KitFeedbackExporter(template_name="classic").from_notebook_node(notebook)
    nbconverts, _ = HTMLExporter(template_name="classic").from_notebook_node(notebook)
    assert Elements(kit).found == Elements(nbconverts).found
    assert 'class="k"' in kit  # highlighted, as nbconvert's
    assert f'alt="{NO_DESCRIPTION}"' in kit and 'alt="the accuracy per epoch"' in kit


def test_markdown_seen_before_is_rendered_once_and_gives_the_same_html(monkeypatch):
    """A class's pages repeat their assignment's Markdown: the exporter renders each text once,
    but a long one, which it does not keep."""
    rendered = []
    nbconverts = HTMLExporter.markdown2html
    monkeypatch.setattr(
        HTMLExporter,
        "markdown2html",
        pass_context(
            lambda self, context, source: (
                rendered.append(source) or nbconverts(self, context, source)
            )
        ),
    )
    exporter = KitFeedbackExporter(template_name="classic")
    instructions = new_markdown_cell("## 标准 BP / standard BP\n\nUpdate $w$ **per sample**.")
    answer = new_markdown_cell("Since $g_j$ …")
    long = new_markdown_cell("the thresholds are subtracted " * (CACHED_MARKDOWN_LENGTH // 20))
    first, _ = exporter.from_notebook_node(new_notebook(cells=[instructions, answer, long]))
    second, _ = exporter.from_notebook_node(new_notebook(cells=[instructions, long]))
    assert rendered == [instructions.source, answer.source, long.source, long.source]
    assert "<strong>per sample</strong>" in first and "<strong>per sample</strong>" in second
    nbconvert_page, _ = HTMLExporter(template_name="classic").from_notebook_node(
        new_notebook(cells=[instructions, long])
    )
    assert Elements(second).found == Elements(nbconvert_page).found


def test_math_is_mathml_in_the_page(page):
    assert page.count("<math") >= 3  # the display formula and both answers' inline ones
    assert "$$g_j" not in page


def test_markup_smuggled_into_a_formula_is_dropped_and_tex_it_cannot_read_stays_as_written():
    converted = mathml("$\\text{<img src=x onerror=alert(1)>}$ and $\\frac{a}{b}$")
    assert "<img" not in converted and "onerror" not in converted
    assert "<mfrac>" in converted
    assert mathml("$\\left( x$") == "$\\left( x$"  # no \\right: latex2mathml refuses it
    # dollars in code are text: the notebooks' own "(formulas between `$...$`)"
    assert mathml("write `$...$` and ```\n$x$\n``` but $y$") == (
        "write `$...$` and ```\n$x$\n``` but " + mathml("$y$")
    )


def test_a_formula_is_converted_once_a_process_and_a_long_one_each_time_and_never_kept():
    short = "$\\frac{a}{b}$"
    long = "$\\text{<img src=x onerror=alert(1)>}" + "+x" * CACHED_TEX_LENGTH + "$"
    first = mathml(short)
    kept = _formula.cache_info()
    assert mathml(short) == first and _formula.cache_info().hits == kept.hits + 1
    converted = mathml(long)
    assert "<mi>x</mi>" in converted and "<img" not in converted and "onerror" not in converted
    assert mathml(long) == converted and _formula.cache_info().currsize == kept.currsize
