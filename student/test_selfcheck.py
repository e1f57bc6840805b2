"""Self-check with pytest: run `pytest` in this folder.

Loads the functions your notebook (the one named after the assignment, which is the one
graded) defines, only the cells' definitions: no plots, no training, and checks each on the
public cases, one test per function, with the same messages as the notebook's self-check
cells. Works offline on your copy alone.
"""

import json
from pathlib import Path

import pytest
from notebook_functions import load_functions
from selfcheck import CASES_FILE, PASSED, report

HERE = Path(__file__).resolve().parent
PUBLIC = json.loads(CASES_FILE.read_text(encoding="utf-8"))
FUNCTIONS = list(PUBLIC["functions"])
NOTEBOOK = HERE / f"{PUBLIC['assignment']}.ipynb"  # the notebook the grader grades


@pytest.fixture(scope="module")
def notebook():
    if not NOTEBOOK.exists():
        pytest.fail(
            f"no {NOTEBOOK.name} in {HERE.name}/: that is the notebook the grader grades",
            pytrace=False,
        )
    namespace, problems = load_functions(NOTEBOOK)
    return namespace, [f"{NOTEBOOK.name}: {p}" for p in problems]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_passes_the_public_cases(notebook, name):
    namespace, problems = notebook
    status, message = report(name, namespace.get(name))
    if status != PASSED:
        if problems:
            message += " (" + "; ".join(problems) + ")"
        pytest.fail(f"{name}: {message}", pytrace=False)
