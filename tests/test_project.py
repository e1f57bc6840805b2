"""The fresh-clone promise: CI runs the README's test command, and the README names both commands."""

from autograder import ROOT


def test_ci_runs_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 tasks.py test" in readme
    assert "python3 tasks.py main" in readme
    assert "exec python3 tasks.py test" in ci
