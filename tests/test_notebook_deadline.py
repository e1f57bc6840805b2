"""A notebook whose code swallows nbgrader's interrupt costs its shard the notebook's time limit once, not the cell limit once a cell.

nbgrader's ``Execute`` interrupts a cell past its limit and goes on with the next; a loop that
catches KeyboardInterrupt blocks every cell after it. ``ExecuteWithinDeadline`` (a real Jupyter
kernel here) stops at the notebook's limit and says why, naming the cell that ran past its own.
"""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from autograder.grading.course import load_course
from autograder.integration import kernel_folder
from autograder.integration.notebook_deadline import ExecuteWithinDeadline

NOTEBOOK_SECONDS, CELL_SECONDS = 6, 4
SWALLOWS = "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n    except KeyboardInterrupt:\n        pass"


def executor(course):
    config = Config()
    config.CourseDirectory.root = str(course)
    config.Execute.timeout = CELL_SECONDS
    config.ExecuteWithinDeadline.per_notebook_seconds = NOTEBOOK_SECONDS
    return ExecuteWithinDeadline(config=config)


def resources(folder):
    return {"metadata": {"path": str(folder)}, "nbgrader": {"assignment": "bp", "student": "s1"}}


def refused(course, cells):
    """The reason the notebook of these cells was refused."""
    with pytest.raises(kernel_folder.SubmissionRefused) as raised:
        executor(course).preprocess(new_notebook(cells=cells), resources(course))
    reason = kernel_folder.refusal(course, "bp", "s1")
    assert reason in str(raised.value)
    return reason


def test_a_loop_that_swallows_the_interrupt_is_stopped_at_its_cells_limit_and_named(tmp_path):
    cells = [new_code_cell("x = 1"), new_code_cell(SWALLOWS)]
    cells += [new_code_cell("x += 1") for _ in range(5)]
    reason = refused(tmp_path, cells)
    assert (
        "cell 1 ('import time') ran past its limit (4 s) and did not stop when interrupted"
        in reason
    )
    assert "catches KeyboardInterrupt" in reason


def test_cells_that_each_block_until_interrupted_stop_at_the_notebooks_limit(tmp_path):
    cells = [new_code_cell(f"import time\ntime.sleep(60)  # {n}") for n in range(6)]
    reason = refused(tmp_path, cells)
    assert f"timeouts.per_notebook_seconds ({NOTEBOOK_SECONDS} s) before cell 2" in reason
    assert "cell 0 ('import time') was the first to run past the cell limit" in reason
    # cells 2 to 5 never ran: their limit was not spent


def test_a_notebook_within_its_limit_runs_as_nbgrader_runs_it(tmp_path):
    notebook = new_notebook(cells=[new_code_cell("print(6 * 7)")])
    executed, _ = executor(tmp_path).preprocess(notebook, resources(tmp_path))
    assert executed.cells[0].outputs[0].text == "42\n"
    assert kernel_folder.refusal(tmp_path, "bp", "s1") is None
    nbformat.validate(executed)


def test_a_kernel_whose_folder_grows_past_the_limits_is_ended_while_it_runs_and_named(tmp_path):
    entries = load_course().kernel_folder.entries
    fill = f"import os, time\nfor n in range({entries + 1}):\n    open(f'junk{{n}}', 'w').close()\ntime.sleep(60)"
    reason = refused(tmp_path, [new_code_cell("x = 1"), new_code_cell(fill)])
    assert reason.startswith(
        "not graded: its folder grew past course.yaml's kernel_folder limits while cell 1 ('import os, time') ran, "
        "and its kernel was ended:"
    )
    assert f"more than {entries} files and folders" in reason
