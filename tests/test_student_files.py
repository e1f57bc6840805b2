"""The files every student gets: the self-check's messages, one per layer of what can be wrong,
and the loader that takes a notebook's definitions without running its plots or training."""

import json
import re

import nbformat
import numpy as np
import pytest
from notebooks import ROOT

import source_impl
from autograder import student_module
from autograder.items import ITEMS

selfcheck = student_module("selfcheck")
notebook_functions = student_module("notebook_functions")


def cases_file(assignment):
    return ROOT / "assignments" / assignment / "public_cases.json"


def report(name, function):
    assignment = (
        "perceptron"
        if name in json.loads(cases_file("perceptron").read_text(encoding="utf-8"))["functions"]
        else "bp"
    )
    return selfcheck.report(name, function, cases_file(assignment))


@pytest.mark.parametrize("name", [n for n in source_impl.__all__ if n != "Params"])
def test_the_reference_passes_every_public_case(name):
    assert report(name, getattr(source_impl, name))[0] == selfcheck.PASSED


def not_implemented(*args):
    raise NotImplementedError()


def crashing(*args):
    raise ValueError("shapes do not align")


def mutating(eta, g):
    g *= -eta
    return g


WRONG = {
    "a flipped sign": (
        "delta_theta",
        lambda eta, g: eta * g,
        r"case 1: result: 2 of 2 entries differ: at index \[0\] expected .*, got .*提示 Hint: "
        + re.escape(ITEMS["delta_theta"].hint),
    ),
    "a transposed result": (
        "delta_w",
        lambda eta, g, b: eta * np.outer(g, b),
        r"expected shape \(3, 2\), got shape \(2, 3\) \(transposed\?\)",
    ),
    "strings for an array": (
        "delta_theta",
        lambda eta, g: [str(d) for d in -eta * g],
        r"expected real numbers of shape \(2,\), got list \['",
    ),
    "booleans for labels": (
        "perceptron_predict",
        lambda w, X: source_impl.perceptron_predict(w, X) == 1,
        "return 0/1 as integers",
    ),
    "an array for an int": (
        "perceptron_predict",
        lambda w, X: np.atleast_1d(source_impl.perceptron_predict(w, X)),
        r"expected a single number, got shape \(1,\)",
    ),
    "NaN": (
        "sigmoid",
        lambda z: np.full(np.shape(z), np.nan) if np.ndim(z) else float("nan"),
        "NaN or inf|expected 0.622459, got nan",
    ),
    "an exception": ("delta_v", crashing, "case 1 raised ValueError: shapes do not align"),
    "a stub": ("forward", not_implemented, "尚未完成 / not implemented yet"),
    "a mutated input": ("delta_theta", mutating, "argument 2 was changed in place"),
    "a missing function": ("bp_step", None, "bp_step is not defined as a function"),
    "a sum for a mean": (
        "accumulated_error",
        lambda X, Y, p: len(X) * source_impl.accumulated_error(X, Y, p),
        r"case 1: result: expected .*, got .*" + re.escape(ITEMS["accumulated_error"].hint),
    ),
    "a list of arrays for a list of counts": (
        "train_perceptron",
        lambda *args: (
            source_impl.train_perceptron(*args)[0],
            [np.zeros(2)] * len(source_impl.train_perceptron(*args)[1]),
        ),
        r"mistakes_per_epoch: expected shape \(\d+,\), got shape \(\d+, 2\)",
    ),
    "a history of the wrong length": (
        "train_standard_bp",
        lambda *args: (
            source_impl.train_standard_bp(*args)[0],
            source_impl.train_standard_bp(*args)[1][:-1],
        ),
        r"history: expected shape \(3,\), got shape \(2,\)",
    ),
}


@pytest.mark.parametrize("mistake", WRONG)
def test_a_wrong_function_gets_one_line_that_says_what_is_wrong(mistake):
    name, function, message = WRONG[mistake]
    status, text = report(name, function)
    assert status != selfcheck.PASSED
    assert "\n" not in text
    assert re.search(message, text), text


def test_the_right_values_in_a_list_pass_with_a_note_on_what_to_return():
    status, text = report("delta_theta", lambda eta, g: list(-eta * g))
    assert status == selfcheck.PASSED and "\n" not in text
    assert text.endswith("Note: return a NumPy array of shape (2,); the list was accepted.")


def test_check_prints_one_line_and_raises_only_under_nbgrader_validate(capsys, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    selfcheck.check("delta_theta", lambda eta, g: eta * g, cases_file("bp"))
    assert capsys.readouterr().out.startswith(
        "✗ delta_theta: case 1: result: 2 of 2 entries differ"
    )
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    with pytest.raises(AssertionError, match="delta_theta: case 1"):
        selfcheck.check("delta_theta", lambda eta, g: eta * g, cases_file("bp"))
    selfcheck.check("delta_theta", source_impl.delta_theta, cases_file("bp"))
    assert capsys.readouterr().out.endswith("✓ delta_theta: 通过 passed (2 public cases)\n")


def test_check_calls_nothing_while_nbgrader_grades(capsys, monkeypatch):
    # A warning from the student's function would land on stderr, and nbgrader would zero the cell.
    def noisy(eta, g):
        raise AssertionError("called while grading")

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    selfcheck.check("delta_theta", noisy, cases_file("bp"))
    assert capsys.readouterr().out == "delta_theta: self-check skipped while grading\n"


def test_a_capstone_names_the_unfinished_function_instead_of_failing(capsys, monkeypatch):
    def train_perceptron(*args):
        raise NotImplementedError()

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert selfcheck.run_capstone(lambda: train_perceptron()) is None
    assert "needs train_perceptron, which is not implemented yet" in capsys.readouterr().out
    assert selfcheck.run_capstone(lambda: 42) == 42


def notebook_namespace(source):
    """The functions a notebook's cells define, in one namespace, as a kernel holds them."""
    namespace = {"np": np, "source_impl": source_impl}
    exec(source, namespace)
    return namespace


CAPSTONE = """
from source_impl import augment, perceptron_delta, perceptron_predict as reference_predict

def perceptron_predict(w_hat, X_hat):
    return PREDICT(w_hat, X_hat)

def train_perceptron(X_hat, y, w_hat0, eta, max_epochs):
    w_hat, mistakes_per_epoch = np.array(w_hat0, dtype=float), []
    for _ in range(max_epochs):
        mistakes_per_epoch.append(0)
        for x, t in zip(X_hat, y):
            if perceptron_predict(w_hat, x) != t:
                w_hat = w_hat + perceptron_delta(w_hat, x, t, eta)
                mistakes_per_epoch[-1] += 1
        if mistakes_per_epoch[-1] == 0:
            break
    return w_hat, mistakes_per_epoch

def gates():
    return train_perceptron(augment(np.eye(2)), np.array([0, 1]), np.zeros(3), 0.1, 5)[0]
"""


@pytest.mark.parametrize(
    "predict, warned",
    [("reference_predict", False), ("lambda w, X: 1 - reference_predict(w, X)", True)],
)
def test_a_capstone_says_above_its_result_which_function_it_uses_fails_its_self_check(
    capsys, monkeypatch, predict, warned
):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    namespace = notebook_namespace(CAPSTONE.replace("PREDICT", predict))
    result = selfcheck.run_capstone(lambda: namespace["gates"](), cases_file("perceptron"))
    assert result is None or len(result) == 3
    # the lambda reaches perceptron_predict through gates and train_perceptron
    assert selfcheck.run_capstone(namespace["gates"], cases_file("perceptron")) is not None
    out = capsys.readouterr().out
    # the wrong prediction makes the trainer that calls it fail its self-check too; the reference's pass
    assert (
        out.startswith("⚠ 下面的结果用到了你的 train_perceptron, perceptron_predict，")
        and "fail their self-checks" in out
    ) == warned, out
    assert "perceptron_delta" not in out and "augment" not in out
    assert all(len(line) <= selfcheck.LINE_WIDTH for line in out.splitlines())


def test_a_capstone_is_skipped_while_grading(capsys, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert selfcheck.run_capstone(lambda: 1 / 0) is None
    assert "skipped while nbgrader grades or validates" in capsys.readouterr().out


def write_notebook(path, *sources):
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in sources]
    )
    nbformat.write(notebook, path)
    return path


def test_the_loader_keeps_definitions_and_drops_calls_plots_and_training(tmp_path):
    path = write_notebook(
        tmp_path / "a.ipynb",
        "%matplotlib inline\nimport numpy as np\nSCALE = np.sqrt(4.0)\n\ndef double(x):\n    return SCALE * x",
        "history = train_forever()\nplt.plot(history)\nprint('side effect')",
        "class Box:\n    size = 3\nresult = double(2)",
    )
    namespace, problems = notebook_functions.load_functions(path)
    assert namespace["double"](3) == 6.0 and namespace["Box"].size == 3
    assert "history" not in namespace and "result" not in namespace
    assert problems == []


def test_the_loader_keeps_decorators_helper_lambdas_and_continuation_lines(tmp_path):
    path = write_notebook(
        tmp_path / "a.ipynb",
        "import numpy as np\nfrom selfcheck import check\nsgn = lambda z: (np.asarray(z) >= 0).astype(int)\nEPS = float(1e-9)",
        "@np.vectorize\ndef step(z):\n    return 1 if z >= 0 else 0",
        "def wrong(y_hat, y):\n    M = (y_hat\n!= y)\n    return M",
    )
    namespace, problems = notebook_functions.load_functions(path)
    assert problems == []
    assert namespace["sgn"](np.array([-1.0, 0.0])).tolist() == [0, 1] and namespace["EPS"] == 1e-9
    assert namespace["step"](np.array([-2.0, 3.0])).tolist() == [0, 1], "the decorator was applied"
    assert namespace["wrong"](1, 2) is True
    assert "check" not in namespace, "the course's own self-check is not the student's code"


def test_the_loader_skips_nbgraders_test_cells_which_are_course_code(tmp_path):
    path = write_notebook(
        tmp_path / "a.ipynb",
        "def answer():\n    return 1",
        "from autograder.nbgrader_cell import hidden_score\ndef course_helper():\n    return 2",
    )
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[0].metadata["nbgrader"] = {
        "solution": True,
        "grade": False,
        "grade_id": "answer_code",
    }
    notebook.cells[1].metadata["nbgrader"] = {
        "solution": False,
        "grade": True,
        "grade_id": "answer",
        "points": 1,
    }
    nbformat.write(notebook, path)
    namespace, problems = notebook_functions.load_functions(path)
    assert (
        namespace["answer"]() == 1
        and "course_helper" not in namespace
        and "hidden_score" not in namespace
    )
    assert problems == []


def test_one_failing_statement_does_not_hide_the_functions_after_it(tmp_path):
    path = write_notebook(
        tmp_path / "b.ipynb",
        "def first():\n    return 1",
        "N = len(undefined_name)",
        "def later():\n    return 2",
    )
    namespace, problems = notebook_functions.load_functions(path)
    assert namespace["first"]() == 1 and namespace["later"]() == 2
    assert problems == ["code cell 2 raised NameError: name 'undefined_name' is not defined"]


def test_the_loader_reports_a_cell_with_a_syntax_error_and_keeps_the_others(tmp_path):
    path = write_notebook(
        tmp_path / "a.ipynb", "def good():\n    return 1", "def broken(:\n    pass"
    )
    namespace, problems = notebook_functions.load_functions(path)
    assert namespace["good"]() == 1
    assert problems == ["code cell 2 has a syntax error on line 1: invalid syntax"]


def test_the_loader_refuses_a_file_that_is_not_a_notebook(tmp_path):
    path = tmp_path / "a.ipynb"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(
        notebook_functions.NotebookError, match="a.ipynb is not a readable notebook"
    ):
        notebook_functions.load_functions(path)


def test_a_function_failing_through_the_students_own_wrong_helper_names_the_helper():
    namespace = {"np": np, "Params": source_impl.Params}
    for name in (
        "forward",
        "output_gradient",
        "hidden_gradient",
        "delta_v",
        "delta_gamma",
        "delta_w",
        "sigmoid",
    ):
        namespace[name] = getattr(source_impl, name)
    exec(
        "def delta_theta(eta, g):\n    return eta * g\n\n"
        "def bp_step(x, y, params, eta):\n"
        "    b, y_hat = forward(x, *params)\n"
        "    g = output_gradient(y_hat, y)\n"
        "    e = hidden_gradient(b, params.w, g)\n"
        "    return Params(params.v + delta_v(eta, e, x), params.gamma + delta_gamma(eta, e),\n"
        "                  params.w + delta_w(eta, g, b), params.theta + delta_theta(eta, g))\n",
        namespace,
    )
    status, message = report("bp_step", namespace["bp_step"])
    assert (
        status == selfcheck.FAILED
        and "(it calls your delta_theta, which fails its own self-check" in message
    )
    assert "it calls your" not in report("delta_theta", namespace["delta_theta"])[1]
    namespace["delta_theta"] = source_impl.delta_theta
    assert report("bp_step", namespace["bp_step"])[0] == selfcheck.PASSED
