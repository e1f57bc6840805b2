"""The code's style, checked by the test run: ruff's formatter and linter, as pyproject.toml configures them."""

import subprocess
import sys

import pytest

from autograder import ROOT


@pytest.mark.parametrize("command", [["format", "--check"], ["check"]], ids=["format", "lint"])
def test_the_code_is_formatted_and_passes_the_linter(command):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "."], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, (
        f"python -m ruff {' '.join(command)} . (fix with ruff format / ruff check --fix):\n{result.stdout}{result.stderr}"
    )
