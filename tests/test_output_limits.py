"""A submission's outputs are cut to the cell's and the notebook's size, with a line saying so; what fits is untouched."""

import json

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder.integration.output_limits import LimitOutputSize

CELL, NOTEBOOK = 1_000, 2_500


def limiter():
    return LimitOutputSize(cell_characters=CELL, notebook_characters=NOTEBOOK)


def size(cell):
    return sum(len(json.dumps(output, ensure_ascii=False)) for output in cell.outputs)


def printed(text):
    return new_code_cell("print(...)", outputs=[new_output("stream", name="stdout", text=text)])


def html(characters):
    data = {"text/html": "<b>" + "x" * characters + "</b>"}
    return new_code_cell("show()", outputs=[new_output("display_data", data=data)])


def test_a_long_line_is_cut_to_the_cells_size_and_says_so():
    notebook = new_notebook(cells=[printed("x" * 100_000), printed("fits\n")])
    limited, _ = limiter().preprocess(notebook, {})
    first, second = limited.cells
    assert first.outputs[0].text.startswith("xxx") and len(first.outputs[0].text) <= CELL
    assert "[output cut: this cell's output is kept to 1,000 characters" in first.outputs[-1].text
    assert second.outputs == [new_output("stream", name="stdout", text="fits\n")]


def test_an_output_that_does_not_fit_is_left_out_whole():
    limited, _ = limiter().preprocess(new_notebook(cells=[html(5_000)]), {})
    (cell,) = limited.cells
    assert [output.output_type for output in cell.outputs] == ["stream"]
    assert "1 output(s) shortened or left out" in cell.outputs[0].text


def test_the_notebook_keeps_no_more_than_its_own_limit_over_all_cells():
    notebook = new_notebook(cells=[printed("y" * 900) for _ in range(10)])
    limited, _ = limiter().preprocess(notebook, {})
    kept = sum(
        size(cell) for cell in limited.cells if "[output cut" not in json.dumps(cell.outputs)
    )
    assert kept <= NOTEBOOK
    assert sum("[output cut" in json.dumps(cell.outputs) for cell in limited.cells) >= 7
    nbformat.validate(limited)
