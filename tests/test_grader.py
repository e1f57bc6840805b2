"""Grading whole submissions: full marks for the reference, not_implemented for stubs,
identical regrades, and a crash, hang or borrowed reference costing only its own items."""

import dataclasses
import json
import re
import time

import course_files
import nbformat
import pytest
from submissions import (
    module_source,
    reference_source,
    stub_source,
    with_functions,
    write,
)
from worker_user import needs_worker

from autograder import ROOT
from autograder.grading.course import load_course, parse_course
from autograder.grading.grader import grade
from autograder.grading.misconceptions import CATALOG
from autograder.grading.submission import SubmissionError
from autograder.sandbox import process as sandbox
from source_impl import perceptron

pytestmark = needs_worker

COURSE = load_course()


def with_call_limit(seconds):
    """The shipped course with each call limited to ``seconds``: a test of a hang waits that long."""
    data = course_files.shipped()
    data["course"]["timeouts"]["per_call_seconds"] = seconds
    return parse_course(data)


HASTY = with_call_limit(1)


@pytest.fixture(scope="module")
def reference_file(tmp_path_factory):
    return write(tmp_path_factory.mktemp("reference"), reference_source())


@pytest.mark.parametrize("assignment", ["perceptron", "bp"])
def test_the_reference_as_a_py_file_gets_full_marks(reference_file, assignment):
    report = grade([reference_file], "alice", assignment)
    assert report.score == report.max_score == COURSE.assignment(assignment).item_points
    assert {item.status for item in report.items} == {"passed"}


@pytest.mark.parametrize("assignment", ["perceptron", "bp"])
def test_a_stub_only_file_gets_0_and_not_implemented_everywhere(tmp_path, assignment):
    report = grade([write(tmp_path, stub_source())], "alice", assignment)
    assert report.score == 0
    assert {item.status for item in report.items} == {"not_implemented"}
    assert "not implemented" in report.items[0].feedback


def test_an_item_scores_its_points_times_the_weighted_share_of_passed_cases(tmp_path):
    # right on the general group (weight 0.7), wrong on every saturated case (weight 0.3)
    source = with_functions(
        "def dyhat_dbeta(y_hat):\n    return np.where((y_hat < 1e-9) | (y_hat > 1 - 1e-9), 0.5, y_hat * (1 - y_hat))\n"
    )
    result = grade([write(tmp_path, source)], "alice", "bp").item("dyhat_dbeta")
    assert {(c.group, c.passed) for c in result.cases} == {("general", True), ("saturated", False)}
    item = next(item for item in COURSE.items() if item.id == "dyhat_dbeta")
    general = next(group.weight for group in item.groups if group.name == "general")
    assert (result.score, result.status) == (pytest.approx(item.points * general), "partial")
    assert (
        result.feedback.startswith("4/6 hidden cases passed")
        and "case 5 (group saturated" in result.feedback
    )


def test_regrading_gives_identical_json_and_another_student_other_cases(tmp_path):
    path = write(
        tmp_path,
        with_functions("def delta_w(eta, g, b):\n    return eta * np.outer(b, g) * 1.001\n"),
    )
    first, again, other = (
        grade([path], student, "bp").to_dict() for student in ("alice", "alice", "bob")
    )
    assert json.dumps(first) == json.dumps(again)
    # different seeds and values
    assert first["items"][10]["feedback"] != other["items"][10]["feedback"]


def test_a_hanging_and_a_crashing_function_cost_only_their_own_items(tmp_path):
    source = with_functions(
        "def sigmoid(z):\n    while True:\n        pass\n",
        "def forward(x, v, gamma, w, theta):\n    import os\n    os._exit(3)\n",
        "def squared_error(y_hat, y):\n    raise ValueError('boom')\n",
    )
    start = time.monotonic()
    report = grade([write(tmp_path, source)], "alice", "bp", course=HASTY)
    assert time.monotonic() - start < HASTY.timeouts.per_call_seconds + 10
    statuses = {item.id: item.status for item in report.items}
    failed = ("sigmoid", "forward", "squared_error")
    assert tuple(statuses.pop(item) for item in failed) == (
        "timeout",
        "crashed",
        "error",
    )
    assert set(statuses.values()) == {"passed"}
    assert report.score == report.max_score - sum(
        item.points for item in COURSE.assignment("bp").items if item.id in failed
    )
    assert (
        f"no answer within {HASTY.timeouts.per_call_seconds:g} s" in report.item("sigmoid").feedback
    )
    assert (
        f"sigmoid did not return within {HASTY.timeouts.per_call_seconds:g} s"
        in report.item("sigmoid").student_feedback
    )
    assert "exit status 3" in report.item("forward").feedback
    assert (
        "forward crashed the process running it (exit status 3)"
        in report.item("forward").student_feedback
    )
    assert "ValueError: boom" in report.item("squared_error").feedback


def test_a_crash_in_the_middle_of_an_item_keeps_the_cases_answered_before_it(tmp_path):
    # each next call is sent before the grader compares the last answer: that answer still counts
    source = with_functions(
        "calls = 0\n\ndef sigmoid(z):\n    global calls\n    calls += 1\n    if calls == 4:\n        import os\n        os._exit(5)\n"
        "    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n"
    )
    result = grade([write(tmp_path, source)], "alice", "bp").item("sigmoid")
    assert [(case.number, case.passed) for case in result.cases] == [
        (1, True),
        (2, True),
        (3, True),
    ]
    assert result.status == "crashed"
    assert (
        "Case 4: sigmoid crashed the process running it (exit status 5)" in result.student_feedback
    )


def test_the_submissions_time_limit_stops_the_items_after_it(tmp_path):
    data = course_files.shipped()
    data["course"]["timeouts"] = {"per_call_seconds": 1, "per_submission_seconds": 1.5}
    source = with_functions(
        "def augment(X):\n    while True:\n        pass\n",
        "def perceptron_predict(w_hat, X_hat):\n    while True:\n        pass\n",
    )
    report = grade([write(tmp_path, source)], "alice", "perceptron", course=parse_course(data))
    assert [item.status for item in report.items] == ["timeout"] * len(report.items)
    assert "time limit was reached before this item" in report.items[-1].feedback
    assert (
        "train_perceptron was not run: the submission's time limit of 1.5 s was spent"
        in report.items[-1].student_feedback
    )


def test_a_submission_that_imports_the_reference_gets_no_credit_for_it(tmp_path):
    source = with_functions(
        "import source_impl",
        "def delta_w(eta, g, b):\n    import source_impl\n    return source_impl.delta_w(eta, g, b)\n",
        "def delta_v(eta, e, x):\n    from autograder import grader\n    return grader\n",
    )
    report = grade([write(tmp_path, source)], "alice", "bp")
    for item_id in ("delta_w", "delta_v"):
        assert (report.item(item_id).score, report.item(item_id).status) == (0, "error")
        assert "ModuleNotFoundError" in report.item(item_id).feedback
    assert "No module named 'source_impl'" in report.item("delta_w").feedback
    assert report.score == report.max_score - sum(
        report.item(item_id).max_score for item_id in ("delta_w", "delta_v")
    )


def test_a_function_that_changes_its_input_is_told_so(tmp_path):
    source = with_functions("def delta_theta(eta, g):\n    g *= -eta\n    return g\n")
    result = grade([write(tmp_path, source)], "alice", "bp").item("delta_theta")
    assert result.status == "passed"
    assert "changed argument 2 in place" in result.feedback


def test_the_students_summary_feedback_says_what_failed_without_the_hidden_cases_values(tmp_path):
    source = with_functions(
        "def delta_theta(eta, g):\n    return eta * g\n",
        "def delta_v(eta, e, x):\n    return eta * np.outer(e, x)\n",
        "def delta_w(eta, g, b):\n    raise KeyError(float(eta))\n",
    )
    summary = dataclasses.replace(COURSE, feedback="summary")
    report = grade([write(tmp_path, source)], "alice", "bp", course=summary)
    wrong_sign, transposed, raised = (report.item(i) for i in ("delta_theta", "delta_v", "delta_w"))
    # the instructor's text has them
    assert "expected" in wrong_sign.feedback and "arguments" in wrong_sign.feedback
    lines = wrong_sign.student_feedback.splitlines()
    misconception = CATALOG["delta_theta"][0]
    assert (
        f"识别出的常见错误 / Recognised mistake: {misconception.name}. 提示 / Hint: {misconception.hint}"
        in lines
    )
    assert (
        "第 1 个用例未通过：数值不对。 / Case 1 failed: the values differ from the reference's."
        in lines
    )
    assert (
        "第 1 个用例未通过：形状不对（转置了？）。 / Case 1 failed: the result has the wrong shape (transposed?)."
        in transposed.student_feedback
    )
    assert (
        "第 1 个用例未通过：抛出了异常：KeyError。 / Case 1 failed: your function raised an exception: KeyError."
        in raised.student_feedback
    )
    for item in report.items:
        assert "expected" not in item.student_feedback and "seed" not in item.student_feedback
        for line in item.student_feedback.splitlines():  # Chinese, then English, on every line
            assert re.search(r"[\u4e00-\u9fff].* / .*[A-Za-z]{3}", line), line
    assert wrong_sign.to_dict()["student_feedback"] == wrong_sign.student_feedback
    assert report.to_gradescope()["tests"][11]["output"] == report.items[11].student_feedback


def test_a_result_of_a_foreign_type_is_refused_by_type_and_the_right_numbers_in_a_list_are_not(
    tmp_path,
):
    source = with_functions(
        "def delta_theta(eta, g):\n    return [str(d) for d in -eta * g]\n",
        "def delta_gamma(eta, e):\n    return object()\n",
        "def delta_v(eta, e, x):\n    return (eta * np.outer(x, e)).tolist()\n",
    )
    report = grade([write(tmp_path, source)], "alice", "bp")
    assert "expected real numbers of shape" in report.item("delta_theta").feedback
    assert (
        report.item("delta_gamma").status == "error"
        and "type object" in report.item("delta_gamma").feedback
    )
    assert report.item("delta_v").score == report.item("delta_v").max_score


def test_a_missing_function_and_a_syntax_error_are_explained(tmp_path):
    missing = grade([write(tmp_path, "import numpy as np\n")], "alice", "perceptron").item(
        "augment"
    )
    assert missing.status == "failed" and "defines no function augment" in missing.feedback
    broken = grade([write(tmp_path, "def augment(X:\n")], "alice", "perceptron").item("augment")
    assert "syntax error on line 1" in broken.feedback


def notebook(tmp_path, folder, cells):
    path = tmp_path / folder / f"{folder}.ipynb"
    path.parent.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 感知机")] + [
        nbformat.v4.new_code_cell(code) for code in cells
    ]
    nbformat.write(nb, path)
    return path


def test_a_notebook_is_graded_on_its_definitions_without_its_plots_or_training(tmp_path):
    path = notebook(
        tmp_path,
        "perceptron",
        [
            module_source(perceptron),
            "import matplotlib.pyplot as plt\nplt.plot([0, 1])\nraise SystemExit('a plot cell must not run')",
            "w, history = train_perceptron(augment([[0.0]]), [1], [0.0, 0.0], 0.5, 10)\nimport os\nos._exit(1)",
            "%matplotlib inline",
        ],
    )
    report = grade([path], "alice")  # the assignment is inferred from the functions it defines
    assert report.assignment == "perceptron"
    assert report.score == report.max_score


def test_the_notebooks_params_is_the_class_the_grader_passes_in(tmp_path):
    # the worker decodes the grader's parameters into the students' own params.Params
    source = with_functions(
        """
        from params import Params as NotebookParams

        def bp_step(x, y, params, eta):
            if type(params) is not NotebookParams:
                raise TypeError(f"params is a {type(params).__module__}.{type(params).__name__}")
            return _ref.bp_step(x, y, params, eta)
        """
    )
    result = grade([write(tmp_path, source)], "alice", "bp").item("bp_step")
    assert result.status == "passed", result.feedback


def test_a_failed_items_feedback_does_not_blame_the_course_imports_of_a_notebook(tmp_path):
    notebook = nbformat.read(ROOT / "solutions" / "bp" / "bp.ipynb", as_version=4)
    (cell,) = [c for c in notebook.cells if "def delta_theta(" in c.source]
    cell.source = "def delta_theta(eta, g):\n    return eta * g\n"
    path = tmp_path / "bp" / "bp.ipynb"
    path.parent.mkdir()
    nbformat.write(notebook, path)
    report = grade([path], "alice")
    assert report.item("delta_theta").status == "failed"
    # the notebook imports figures and params; the grader needs neither to be found beside it
    assert "While loading" not in report.item("delta_theta").feedback
    assert report.score == report.max_score - report.item("delta_theta").max_score


def test_a_stub_notebook_gets_its_assignment_from_its_folder_or_from_its_functions(tmp_path):
    path = notebook(tmp_path, "bp", ["import numpy as np"])
    assert grade([path], "alice").assignment == "bp"
    with pytest.raises(SubmissionError, match="needs --assignment"):
        grade([write(tmp_path, stub_source())], "alice")


HARD_CODED = '''
import itertools
import json
from collections import namedtuple

import numpy as np

Params = namedtuple("Params", "v gamma w theta")
PUBLIC = json.loads(PUBLIC_JSON)


def _decode(value):
    if isinstance(value, dict):
        if "array" in value:
            return np.array(value["array"], dtype=value["dtype"]).reshape(value["shape"])
        if "params" in value:
            return Params(**{key: _decode(part) for key, part in value["params"].items()})
        return tuple(_decode(part) for part in value["tuple"])
    if isinstance(value, list):
        return [_decode(part) for part in value]
    return value


def _answers(name):
    """The public answers of name, one per call, in the self-check's order."""
    answers = itertools.cycle([_decode(case["expected"]) for case in PUBLIC["functions"][name]["cases"]])
    return lambda *args: next(answers)


for _name in PUBLIC["functions"]:
    globals()[_name] = _answers(_name)
'''


def test_hard_coded_public_answers_pass_the_self_check_and_get_0_on_the_hidden_cases(tmp_path):
    from autograder import student_module
    from autograder.grading import public_cases

    selfcheck = student_module("selfcheck")
    for assignment in ("perceptron", "bp"):
        cases_file = tmp_path / f"{assignment}.json"
        cases_file.write_text(public_cases.dumps(public_cases.build(assignment)), encoding="utf-8")
        source = HARD_CODED.replace("PUBLIC_JSON", repr(cases_file.read_text(encoding="utf-8")))
        namespace = {}
        exec(source, namespace)
        for item in COURSE.assignment(assignment).items:
            assert (
                selfcheck.report(item.function, namespace[item.function], cases_file)[0]
                == selfcheck.PASSED
            )
        report = grade([write(tmp_path, source)], "alice", assignment)
        assert report.score == 0, report.table()
        assert {item.misconception for item in report.items} == {"public_answers"}


def test_code_that_hangs_while_loading_costs_every_item_once(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "LOAD_MARGIN_SECONDS", 0.5)
    wait = HASTY.timeouts.per_call_seconds + 0.5
    items = len(HASTY.assignment("perceptron").items)
    start = time.monotonic()
    report = grade(
        [write(tmp_path, "while True:\n    pass\n")], "alice", "perceptron", course=HASTY
    )
    # one wait in all: a wait per item would take items × wait at least; the bound halfway leaves
    # a loaded machine room for the rest of the grading
    assert time.monotonic() - start < (1 + items) / 2 * wait
    assert {item.status for item in report.items} == {"timeout"}
    assert "loading the submission" in report.items[-1].feedback


def test_a_worker_that_cannot_start_at_all_stops_grading_with_a_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "NUMPY_DIR", str(tmp_path / "no-numpy-here"))
    with pytest.raises(sandbox.GraderError, match="cannot start"):
        grade([write(tmp_path, reference_source())], "alice", "perceptron")


def test_a_function_calling_the_students_own_wrong_function_is_graded_with_the_reference_and_told_which(
    tmp_path,
):
    path = write(
        tmp_path,
        with_functions(
            "def delta_theta(eta, g):\n    return eta * np.asarray(g, dtype=float)",
            """
        def bp_step(x, y, params, eta):
            b, y_hat = forward(x, *params)
            g = output_gradient(y_hat, y)
            e = hidden_gradient(b, params.w, g)
            return Params(params.v + delta_v(eta, e, x), params.gamma + delta_gamma(eta, e),
                          params.w + delta_w(eta, g, b), params.theta + delta_theta(eta, g))
        """,
        ),
    )
    items = {item.id: item for item in grade([path], "alice", "bp").items}
    assert items["bp_step"].status == "passed" and items["delta_theta"].status == "failed"
    assert "With your own delta_theta, bp_step fails" in items["bp_step"].student_feedback
    assert "With your own" not in items["delta_theta"].feedback
    assert items["delta_w"].status == "passed" and "With your own" not in items["delta_w"].feedback


def test_a_list_of_arrays_for_a_list_of_counts_costs_its_item_only(tmp_path):
    path = write(
        tmp_path,
        with_functions("""
        def train_perceptron(X_hat, y, w_hat0, eta, max_epochs):
            return np.array(w_hat0, dtype=float), [np.zeros(2, dtype=int) for _ in range(max_epochs)]
        """),
    )
    items = {item.id: item for item in grade([path], "alice", "perceptron").items}
    assert items["train_perceptron"].score == 0 and items["train_perceptron"].status == "failed"
    assert all(
        item.status == "passed" for item_id, item in items.items() if item_id != "train_perceptron"
    )


def test_an_honest_loss_that_is_always_0_is_no_copy_yet_earns_nothing_for_the_cases_where_0_is_right(
    tmp_path,
):
    # Not taken for a copy of the public answers: 0 is what a wrong loss may honestly return. The cases
    # it passes (no point misclassified) are those where a catalogued mistake is right too: no credit.
    path = write(tmp_path, with_functions("def perceptron_loss(w_hat, X_hat, y):\n    return 0.0"))
    item = next(i for i in grade([path], "alice", "perceptron").items if i.id == "perceptron_loss")
    assert item.misconception != "public_answers"
    assert any(case.passed for case in item.cases)
    assert (item.status, item.score) == ("failed", 0)
