"""What a student wrote is inert in their feedback page: no script, handler, frame or remote image; the derivation's markup stays."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.integration.inert_feedback import InertFeedback, inert_markdown

ATTACKS = {
    "a script": ("<script>document.title='pwned'</script>", "<script"),
    "a handler": ('<img src=x onerror="alert(1)">', "<img"),
    "a click handler": ('<b onclick="steal()">b</b>', "onclick="),
    "a frame": ('<iframe src="http://evil.example/"></iframe>', "<iframe"),
    "a style that hides the page": ("<style>body{display:none}</style>", "<style"),
    "a javascript link": ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    "a remote Markdown image": ("![t](http://evil.example/t.png)", "![t](http"),
}


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
def test_html_that_would_run_or_load_is_shown_as_text_or_dropped(attack):
    source, live = ATTACKS[attack]
    assert live not in inert_markdown(f"Before {source} after")


def test_what_a_derivation_needs_stays_markup():
    derivation = "## 推导 Derivation\n\n> quoted\n\n$$\\hat y < 1 \\quad a > 0$$\n\n**g** is <sub>h</sub> [link](https://example.edu) ![fig](attachment:fig.png)"
    inert = inert_markdown(derivation)
    assert inert.startswith("## 推导 Derivation\n\n> quoted")
    assert "<sub>h</sub>" in inert and "[link](https://example.edu)" in inert
    assert "![fig](attachment:fig.png)" in inert
    assert "$$\\hat y &lt; 1 \\quad a &gt; 0$$" in inert  # the page shows < and >


def test_outputs_keep_text_images_and_inert_html_and_lose_scripts_and_svg():
    data = {
        "text/plain": "<Figure>",
        "text/html": "<b onmouseover='x()'>bold</b><script>alert(2)</script>",
        "application/javascript": "alert(3)",
        "image/svg+xml": "<svg onload='alert(4)'></svg>",
        "image/png": "iVBORw0KGgo=",
        "application/vnd.jupyter.widget-view+json": {"model_id": "x"},
    }
    notebook = new_notebook(
        cells=[
            new_code_cell("show()", outputs=[new_output("display_data", data=data)]),
            new_markdown_cell("<script>alert(5)</script>"),
        ]
    )
    inert, _ = InertFeedback().preprocess(notebook, {})
    kept = inert.cells[0].outputs[0].data
    assert set(kept) == {"text/plain", "text/html", "image/png"}
    assert kept["text/html"] == "<b>bold</b>&lt;script&gt;alert(2)&lt;/script&gt;"
    assert kept["text/plain"] == "<Figure>" and kept["image/png"] == "iVBORw0KGgo="
    assert "<script" not in inert.cells[1].source
    nbformat.validate(inert)
