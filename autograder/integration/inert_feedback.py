"""``InertFeedback``: a feedback page in which nothing the student wrote runs or loads.

The feedback page shows the student's notebook: their Markdown, their raw cells and the outputs
of their code. A ``<script>``, an ``onerror=`` handler, an ``<iframe>``, a JavaScript or SVG
output, or an image from another host would run (or report to that host) whenever the student, or
an instructor in formgrader, opens the page. nbconvert's own ``sanitize_html`` escapes every
paragraph and heading too; this preprocessor, in nbgrader's ``generate_feedback`` chain
(nbgrader_config.py), keeps what a derivation needs and makes the rest inert:

- HTML in Markdown and raw cells and in HTML or Markdown outputs keeps the tags of
  ``SAFE_TAGS`` with the attributes of ``SAFE_ATTRIBUTES`` only (no handler, no style, links
  to http(s) and mailto only); anything else is shown as text (bleach, as nbconvert uses it);
- a Markdown image from anywhere but the notebook itself (an attachment) becomes a link to it;
- of outputs, only plain text, LaTeX, Markdown, HTML and PNG or JPEG images are kept:
  JavaScript, SVG, widgets and every other kind are left out.
"""

import re
from typing import Any

import bleach  # type: ignore[import-untyped]  # bleach ships no types
from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

SAFE_TAGS = frozenset(
    {
        *bleach.ALLOWED_TAGS,
        *(f"h{level}" for level in range(1, 7)),
        *("p", "br", "hr", "div", "span", "pre", "code", "sub", "sup", "del", "details", "summary"),
        *("table", "thead", "tbody", "tr", "th", "td"),
    }
)
SAFE_ATTRIBUTES = {"a": ["href", "title"], "*": ["class", "id", "align"]}
SAFE_PROTOCOLS = frozenset({"http", "https", "mailto"})
KEPT_OUTPUTS = ("text/plain", "text/latex", "text/markdown", "text/html", "image/png", "image/jpeg")
MARKED_UP = ("text/markdown", "text/html")
# ![alt](target "title"): a Markdown image, unless its target is the notebook's own attachment
REMOTE_IMAGE = re.compile(r"!\[([^\]]*)\]\((?!\s*attachment:)")
# a > that begins a line marks a Markdown quote; alone it starts no tag
QUOTE_MARK = re.compile(r"^(\s*)&gt;", re.MULTILINE)


def inert_html(text: str) -> str:
    """The text with only safe HTML left as markup: other tags and attributes shown as text or dropped."""
    return bleach.clean(
        text,
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        protocols=SAFE_PROTOCOLS,
        strip_comments=True,
    )


def inert_markdown(text: str) -> str:
    """Markdown whose HTML is inert and whose images from elsewhere are links."""
    return QUOTE_MARK.sub(r"\1>", REMOTE_IMAGE.sub(r"[\1](", inert_html(text)))


class InertFeedback(NbGraderPreprocessor):
    """Makes the student's Markdown, raw cells and outputs inert before the feedback page is written."""

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        if cell.cell_type in ("markdown", "raw"):
            cell.source = inert_markdown(cell.source)
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if "data" in output:
                    output.data = {
                        kind: inert_markdown(_text(value)) if kind in MARKED_UP else value
                        for kind, value in output.data.items()
                        if kind in KEPT_OUTPUTS
                    }
        return cell, resources


def _text(value: Any) -> Any:
    return "".join(value) if isinstance(value, list) else value
