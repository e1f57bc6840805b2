"""The feedback page a student reads: what each score is of, what awaits a person, and math without a network.

nbgrader's page (``generate_feedback``) calls every graded cell "Test cell", shows an answer no
person has graded yet as "Score: 0.0 / 3.0" and puts it in the header's total, and loads MathJax
from a CDN. In nbgrader_config.py's feedback chain, ``GradesAsTheyStand`` replaces nbgrader's
``GetGrades``, ``OfflineMath`` follows ``InertFeedback``, and the exporter is
``KitFeedbackExporter``, whose template is ``kit_feedback`` (templates/kit_feedback/): each graded cell is named by its item or derivation
and its equation (course.yaml), an ungraded answer says it awaits a grader, the header gives the
score out of the points graded so far and how many more await a person, long lines wrap, and the
page loads nothing from elsewhere.
"""

import functools
import html
import re
from pathlib import Path
from typing import Any

import bleach  # type: ignore[import-untyped]  # bleach ships no types
import nbgrader
from jinja2 import pass_context
from jinja2.runtime import Context
from latex2mathml.converter import convert
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.exporters.exporter import ResourcesDict
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat import NotebookNode
from nbgrader.preprocessors import GetGrades, NbGraderPreprocessor

from autograder.grading.course import Derivation, Item, load_course

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAME = "kit_feedback"  # its conf.json: based on nbgrader's "feedback"
# not index.html.j2, so that its {% extends 'index.html.j2' %} finds nbgrader's page
TEMPLATE_FILE = "kit_feedback.html.j2"

# $$display$$ or $inline$: as the notebooks write formulas (and the answer cells ask students to)
MATH = re.compile(r"\$\$(?P<display>.+?)\$\$|\$(?P<inline>[^$\n]+?)\$", re.DOTALL)
# fenced blocks and inline code, whose dollars are text (the split keeps them: one group)
CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.DOTALL)
# MathML Presentation elements and attributes latex2mathml writes; anything else is dropped
MATHML_TAGS = frozenset(
    "math mrow mi mn mo ms mtext mspace msub msup msubsup mfrac msqrt mroot mover munder "
    "munderover mtable mtr mtd mstyle mpadded mphantom menclose semantics annotation".split()
)
MATHML_ATTRIBUTES = [
    "xmlns",
    "display",
    "mathvariant",
    "accent",
    "accentunder",
    "stretchy",
    "fence",
    "separator",
    "lspace",
    "rspace",
    "linethickness",
    "columnalign",
    "columnspacing",
    "rowspacing",
    "width",
    "height",
    "depth",
    "notation",
    "minsize",
    "maxsize",
    "movablelimits",
    "scriptlevel",
    "displaystyle",
]


def nbgrader_templates() -> str:
    """The folder of nbgrader's own templates, its feedback page's among them (the kit's extends it)."""
    return str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates")


def labels(assignment_id: str) -> dict[str, str]:
    """{graded cell id: its name on the page}: each item and derivation with its equation."""
    course = load_course()
    if assignment_id not in {a.id for a in course.assignments}:
        return {}
    assignment = course.assignment(assignment_id)
    graded: tuple[Item | Derivation, ...] = (*assignment.items, *assignment.derivations)
    return {cell.id: f"{cell.id} ({cell.equation})" for cell in graded}


class KitFeedbackExporter(HTMLExporter):
    """The exporter of generate_feedback's pages, configured by its own name in nbgrader_config.py.

    Configuring HTMLExporter itself would reach formgrader's submission view (its own
    HTMLExporter with nbgrader's "formgrade" template) and the feedback that formgrader's button
    generates (which sets HTMLExporter's template to nbgrader's "feedback"): a subclass's
    configuration is its own and comes before its parent's.

    It writes the page as HTMLExporter's template gives it, without HTMLExporter's last pass, which
    parses the whole page with BeautifulSoup and writes it anew (half of generate_feedback's
    CPU: a page's highlighted code and MathML are thousands of elements) to give each image
    without alt text nbconvert's and to make JupyterLab's cells focusable. The pages' template is
    classic, whose cells are not JupyterLab's, and their only images are Markdown's, which have
    alt text, and PNG and JPEG outputs (InertFeedback drops the rest), to which their metadata
    gives the same words before the template writes them.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._markdown: dict[str, str] = {}  # {Markdown text: its HTML}
        # on the exporter's own copy of the notebook, before the preprocessors nbgrader registers
        self.register_preprocessor(described)

    @pass_context
    def markdown2html(self, context: Context, source: str) -> str:
        """HTMLExporter's, once a process for each text: a class's pages repeat their assignment's
        Markdown, a quarter of a page's CPU. Kept: a text that depends on nothing else (no
        attachments, images not embedded from its folder) of at most CACHED_MARKDOWN_LENGTH
        characters, and at most CACHED_MARKDOWNS of them."""
        embedded = context.get("cell", {}).get("attachments") or self.embed_images
        if embedded or len(source) > CACHED_MARKDOWN_LENGTH:
            return str(super().markdown2html(context, source))
        if source in self._markdown:
            return self._markdown[source]
        rendered = str(super().markdown2html(context, source))
        if len(self._markdown) < CACHED_MARKDOWNS:
            self._markdown[source] = rendered
        return rendered

    def from_notebook_node(  # type: ignore[override]  # as HTMLExporter's own: a page, not a notebook
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        # HTMLExporter's filters for this notebook, as its from_notebook_node registers them
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        highlight = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        data_types = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight)
        self.register_filter("filter_data_type", data_types)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


CACHED_MARKDOWN_LENGTH, CACHED_MARKDOWNS = 20_000, 1_024
NO_DESCRIPTION = "No description has been provided for this image"  # nbconvert's words
IMAGES = ("image/png", "image/jpeg")


def described(nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
    """A preprocessor: give each PNG or JPEG output of the notebook without alt text (in the output's
    or the cell's metadata, where nbconvert's classic template reads it) nbconvert's words for an
    image nobody described."""
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.metadata.get("alt"):
            continue
        for output in cell.get("outputs", []):
            for kind in IMAGES:
                if kind in output.get("data", {}):
                    metadata = output.setdefault("metadata", {}).setdefault(kind, {})
                    if not metadata.get("alt"):
                        metadata["alt"] = NO_DESCRIPTION
    return nb, resources


class GradesAsTheyStand(GetGrades):
    """nbgrader's GetGrades, with each graded cell's name and whether it awaits a person.

    Sets, per graded cell, ``label`` and ``awaiting`` in its nbgrader metadata, and in the
    resources ``awaiting_points`` (the points of answers no person has graded yet) and
    ``graded_points`` (the notebook's points less those).
    """

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        self.labels = labels(resources["nbgrader"]["assignment"])
        self.awaiting_points = 0.0
        nb, resources = super().preprocess(nb, resources)
        resources["nbgrader"]["awaiting_points"] = self.awaiting_points
        resources["nbgrader"]["graded_points"] = (
            resources["nbgrader"]["max_score"] - self.awaiting_points
        )
        return nb, resources

    def _get_score(self, cell: NotebookNode, resources: ResourcesDict) -> None:
        super()._get_score(cell, resources)
        grade = self.gradebook.find_grade(
            cell.metadata["nbgrader"]["grade_id"],
            self.notebook_id,
            self.assignment_id,
            self.student_id,
        )
        cell.metadata.nbgrader["awaiting"] = bool(grade.needs_manual_grade)
        cell.metadata.nbgrader["label"] = self.labels.get(grade.name, grade.name)
        if grade.needs_manual_grade:
            self.awaiting_points += grade.max_score


def mathml(text: str) -> str:
    """The text with each $…$ and $$…$$ formula outside code as MathML (what a browser draws
    without MathJax).

    A formula latex2mathml cannot read stays as it was. Only MathML elements and attributes are
    kept of what it writes: the TeX is the student's, and ``\\text{…}`` passes markup through.
    """

    def replaced(match: re.Match[str]) -> str:
        display = match["display"] is not None
        tex = html.unescape(match["display"] if display else match["inline"])
        to_mathml = _formula if len(tex) <= CACHED_TEX_LENGTH else _formula.__wrapped__
        formula = to_mathml(tex, display)
        return match[0] if formula is None else formula

    # the split's odd pieces are code: left as written
    pieces = CODE.split(text)
    return "".join(
        piece if index % 2 else MATH.sub(replaced, piece) for index, piece in enumerate(pieces)
    )


# Every page of a class repeats the notebook's formulas (86 different ones among bp's 4,700 in a
# class of 16): each is converted once a process. Only short ones are kept, so that a page of
# long formulas cannot fill the memory.
CACHED_TEX_LENGTH = 1_000


@functools.lru_cache(maxsize=1024)
def _formula(tex: str, display: bool) -> str | None:
    """The TeX as MathML on one line, of MathML's elements and attributes only; None where
    latex2mathml cannot read it."""
    try:
        converted = convert(tex, display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds on TeX it does not know
        return None
    return bleach.clean(
        converted, tags=MATHML_TAGS, attributes=MATHML_ATTRIBUTES, strip=True
    ).replace("\n", " ")


class OfflineMath(NbGraderPreprocessor):
    """Markdown cells' formulas as MathML, so that the page needs no MathJax from the network."""

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        if cell.cell_type == "markdown":
            cell.source = mathml(cell.source)
        return cell, resources
