"""The command line and the pytest interface grade alike: same JSON, same scores, and the
command line says in one line why it could not grade."""

import json
import os
import subprocess
import sys

import pytest
from submissions import with_functions, write
from worker_user import needs_worker

from autograder import ROOT
from autograder.grading.course import load_course
from autograder.grading.grader import grade
from simulated_class.mistakes import MISTAKES


def run(*args):
    # stdout into a pipe, buffered, as a grading service reads it: the command line must flush it
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


@pytest.fixture(scope="module")
def two_mistakes(tmp_path_factory):
    source = with_functions(
        MISTAKES["delta_theta", "wrong_sign"],
        MISTAKES["hidden_gradient", "missing_sigmoid_derivative"],
    )
    return write(tmp_path_factory.mktemp("submission"), source)


@needs_worker
def test_the_cli_the_pytest_interface_and_the_library_agree(two_mistakes, tmp_path):
    cli = run(
        "-m",
        "autograder",
        "grade",
        str(two_mistakes),
        "--student",
        "s42",
        "--assignment",
        "bp",
        "--json",
        str(tmp_path / "cli.json"),
        "--gradescope",
        str(tmp_path / "gradescope.json"),
    )
    assert cli.returncode == 0, cli.stderr
    assert "delta_theta" in cli.stdout and "wrong_sign" in cli.stdout and "total" in cli.stdout
    by_pytest = run(
        "-m",
        "pytest",
        "autograder",
        "-q",
        "-p",
        "no:cacheprovider",
        "--submission",
        str(two_mistakes),
        "--student",
        "s42",
        "--assignment",
        "bp",
        "--json",
        str(tmp_path / "pytest.json"),
    )
    items = load_course().assignment("bp").items
    assert f"2 failed, {len(items) - 2} passed" in by_pytest.stdout, by_pytest.stdout
    assert (
        "test_item[delta_theta]" in by_pytest.stdout
        and "test_item[hidden_gradient]" in by_pytest.stdout
    )
    from_cli, from_pytest = (
        json.loads((tmp_path / name).read_text(encoding="utf-8"))
        for name in ("cli.json", "pytest.json")
    )
    assert from_cli == from_pytest == grade([two_mistakes], "s42", "bp").to_dict()
    wrong = sum(item.points for item in items if item.id in ("delta_theta", "hidden_gradient"))
    assert from_cli["score"] == from_cli["max_score"] - wrong
    gradescope = json.loads((tmp_path / "gradescope.json").read_text(encoding="utf-8"))
    assert gradescope["score"] == from_cli["score"]
    assert [t["score"] for t in gradescope["tests"]] == [i["score"] for i in from_cli["items"]]
    assert set(gradescope["tests"][0]) == {
        "name",
        "score",
        "max_score",
        "output",
        "visibility",
        "status",
    }


@needs_worker
def test_the_json_has_the_issues_fields(two_mistakes):
    content = grade([two_mistakes], "s42", "bp").to_dict()
    assert list(content) == [
        "student",
        "assignment",
        "attempt",
        "score",
        "max_score",
        "items",
        "provenance",
    ]
    assert list(content["items"][0]) == [
        "id",
        "function",
        "equation",
        "score",
        "max_score",
        "status",
        "misconception",
        "feedback",
        "student_feedback",
    ]


@pytest.mark.parametrize(
    "args, reason",
    [
        (["nowhere.py", "--student", "a", "--assignment", "bp"], "nowhere.py: no such file"),
        (["README.md", "--student", "a", "--assignment", "bp"], "a .py file or a notebook"),
        (["tasks.py", "--student", "a"], "needs --assignment"),
        (["tasks.py", "--student", "a", "--assignment", "svm"], "no assignment 'svm'"),
    ],
)
@needs_worker
def test_the_cli_exits_non_zero_with_one_line_only_when_it_cannot_grade(args, reason):
    completed = run("-m", "autograder", "grade", *args)
    assert completed.returncode == 2
    assert completed.stderr.count("\n") == 1 and reason in completed.stderr


def test_the_pytest_interface_refuses_a_run_it_cannot_grade_before_collecting():
    completed = run(
        "-m", "pytest", "autograder", "-q", "-p", "no:cacheprovider", "--submission", "tasks.py"
    )
    assert completed.returncode == pytest.ExitCode.USAGE_ERROR
    assert "needs --assignment" in completed.stderr
