"""Self-check with pytest: run `pytest` in this folder.

Loads the functions your notebook defines (only the cells' definitions: no plots, no
training) and checks each on the public cases, one test per function, with the same
messages as the notebook's self-check cells. Works offline on your copy alone.
"""

import json
from pathlib import Path

import pytest

from notebook_functions import load_functions
from selfcheck import CASES_FILE, PASSED, report

HERE = Path(__file__).resolve().parent
FUNCTIONS = list(json.loads(CASES_FILE.read_text(encoding="utf-8"))["functions"])


@pytest.fixture(scope="module")
def notebook():
    notebooks = sorted(p for p in HERE.glob("*.ipynb") if not p.name.startswith("."))
    if not notebooks:
        pytest.fail(f"no notebook (.ipynb) in {HERE.name}/ to check")
    namespace, problems = {}, []
    for path in notebooks:
        found, trouble = load_functions(path)
        namespace.update(found)
        problems += [f"{path.name}: {p}" for p in trouble]
    return namespace, problems


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_passes_the_public_cases(notebook, name):
    namespace, problems = notebook
    status, message = report(name, namespace.get(name))
    if status != PASSED:
        if problems:
            message += " (" + "; ".join(problems) + ")"
        pytest.fail(f"{name}: {message}", pytrace=False)
